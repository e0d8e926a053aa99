#define G_LOG_DOMAIN "latentlab"

/* The Latent page in a saved session (lab-page.h, lab-session-file.h): the
 * map as it was computed, with its images (so it needs neither a new
 * embedding nor its dataset), the view when it was zoomed, the settings of
 * the toolbar, the outliers' colour mode, metric and threshold (the errors
 * themselves are measured again: a few seconds at most), and the
 * augmentation gallery. */

#include <math.h>

#include <glib/gi18n.h>

#include "lab-latent-page-private.h"

/* In the order of the method dropdown (lab-latent-page.c). */
static const LabEmbedMethod methods[] = { LAB_EMBED_PCA, LAB_EMBED_TSNE, LAB_EMBED_LATENT, LAB_EMBED_UMAP };

void
lab_latent_page_save_state (LabPage        *page,
                            LabSessionFile *file)
{
  LabLatentPage *self = LAB_LATENT_PAGE (page);
  JsonObject *state = lab_session_file_get_page_state (file, "latent");
  LabScatterPlot *plot = lab_scatter_view_get_plot (self->scatter);

  json_object_set_string_member (state, "method", lab_embed_method_name (lab_latent_page_selected_method (self)));
  json_object_set_int_member (state, "size", gtk_spin_button_get_value_as_int (self->size_spin));
  json_object_set_int_member (state, "images", gtk_drop_down_get_selected (self->images_dropdown));
  json_object_set_boolean_member (state, "manifold", self->manifold);
  /* the outliers: how the map is coloured, and the threshold */
  json_object_set_string_member (state, "color", self->color_error ? "error" : "class");
  json_object_set_string_member (state, "metric",
                                 lab_outliers_panel_get_metric (self->outliers_panel) == LAB_RECON_BCE ? "bce" : "mse");
  json_object_set_boolean_member (state, "highlight", lab_outliers_panel_get_highlight (self->outliers_panel));
  if (isfinite (lab_outliers_panel_get_threshold (self->outliers_panel)))
    json_object_set_double_member (state, "threshold", lab_outliers_panel_get_threshold (self->outliers_panel));
  if (self->embedding != NULL && !lab_scatter_plot_is_fitted (plot))
    {
      double x0, x1, y0, y1;

      lab_scatter_plot_get_view (plot, &x0, &x1, &y0, &y1);
      json_object_set_double_member (state, "x0", x0);
      json_object_set_double_member (state, "x1", x1);
      json_object_set_double_member (state, "y0", y0);
      json_object_set_double_member (state, "y1", y1);
    }
  if (self->embedding != NULL && self->images_ds != NULL)
    {
      /* Borrowed until the window's snapshot; the images are a copy. */
      file->map = self->embedding;
      g_clear_pointer (&file->map_images, lab_dataset_unref);
      file->map_images = lab_dataset_subset (self->images_ds, self->embedding->indices,
                                             self->embedding->n, NULL);
    }
  file->gallery = lab_gallery_panel_get_gallery (self->gallery_panel);
}

/* The saved map on this page's model, or why not. */
static gboolean
restore_map (LabLatentPage   *self,
             LabSessionFile  *file,
             GError         **error)
{
  LabSession *session = lab_latent_page_session (self);
  LabModel *model = lab_latent_page_session_model (self);
  g_autoptr(LabDataset) images = NULL;
  LabEmbedding *emb;

  if (model == NULL || !lab_embedding_check_model (model, NULL, error))
    return FALSE;
  if (lab_embedding_latent_dim (model) != file->map->dim)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   _("The saved latent map has %u latent values, the model %u"),
                   file->map->dim, lab_embedding_latent_dim (model));
      return FALSE;
    }
  if (file->map_images == NULL || file->map_images->n != file->map->n)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT, _("The saved latent map has no images"));
      return FALSE;
    }
  /* Row r shows image r of the saved images. */
  images = g_steal_pointer (&file->map_images);
  emb = g_steal_pointer (&file->map);
  for (guint r = 0; r < emb->n; r++)
    emb->indices[r] = r;

  lab_embed_run_cancel (self->run);
  lab_latent_map_set_progress (self->map, -1);
  self->auto_embed_done = TRUE;
  self->frames_shown = FALSE;
  self->n_frames = 0;
  g_clear_pointer (&self->embed_source, lab_dataset_unref);
  if (lab_latent_page_test_dataset (self) != NULL)
    self->embed_source = lab_dataset_ref (lab_latent_page_test_dataset (self));
  lab_latent_page_install_embedding (self, emb, lab_model_copy (model, 0), images,
                                     lab_session_get_weights_serial (session),
                                     lab_session_get_step (session));
  return TRUE;
}

/* Before the map: its errors are measured once it is installed, and take
 * the saved threshold. */
static void
restore_outliers (LabLatentPage *self,
                  JsonObject    *state)
{
  JsonNode *highlight = state != NULL ? json_object_get_member (state, "highlight") : NULL;
  double threshold = lab_session_state_get_double (state, "threshold", NAN);

  lab_outliers_panel_set_metric (self->outliers_panel,
                                 g_strcmp0 (lab_session_state_get_string (state, "metric"), "bce") == 0
                                 ? LAB_RECON_BCE : LAB_RECON_MSE);
  if (isfinite (threshold))
    lab_outliers_panel_set_threshold (self->outliers_panel, threshold);
  if (highlight != NULL && JSON_NODE_HOLDS_VALUE (highlight)
      && json_node_get_value_type (highlight) == G_TYPE_BOOLEAN)
    lab_outliers_panel_set_highlight (self->outliers_panel, json_node_get_boolean (highlight));
  lab_latent_page_set_color (self, g_strcmp0 (lab_session_state_get_string (state, "color"), "error") == 0);
}

void
lab_latent_page_restore_state (LabPage        *page,
                               LabSessionFile *file)
{
  LabLatentPage *self = LAB_LATENT_PAGE (page);
  JsonObject *state = lab_session_file_lookup_page_state (file, "latent");
  LabScatterPlot *plot = lab_scatter_view_get_plot (self->scatter);
  const char *method = lab_session_state_get_string (state, "method");
  gint64 images = lab_session_state_get_int (state, "images", -1);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; method != NULL && i < G_N_ELEMENTS (methods); i++)
    if (g_strcmp0 (lab_embed_method_name (methods[i]), method) == 0)
      gtk_drop_down_set_selected (self->method_dropdown, i);
  if (images >= 0 && images < 3)
    gtk_drop_down_set_selected (self->images_dropdown, (guint) images);
  lab_latent_page_update_size_range (self);
  if (lab_session_state_get_int (state, "size", 0) > 0)
    gtk_spin_button_set_value (self->size_spin, (double) lab_session_state_get_int (state, "size", 0));
  restore_outliers (self, state);

  if (file->map != NULL && !restore_map (self, file, &error))
    {
      g_autoptr(GError) shown = g_error_new (LAB_ERROR, error->code,
                                             _("The session's latent map is not shown: %s"),
                                             error->message);

      lab_widget_show_error (GTK_WIDGET (self), shown);
    }
  else if (self->embedding != NULL)
    {
      double x0 = lab_session_state_get_double (state, "x0", NAN);
      double x1 = lab_session_state_get_double (state, "x1", NAN);
      double y0 = lab_session_state_get_double (state, "y0", NAN);
      double y1 = lab_session_state_get_double (state, "y1", NAN);

      lab_scatter_plot_set_view (plot, x0, x1, y0, y1);   /* ignores what is not a view */
      lab_scatter_view_changed (self->scatter);
      JsonNode *manifold = json_object_get_member (state, "manifold");

      if (manifold != NULL && JSON_NODE_HOLDS_VALUE (manifold)
          && json_node_get_value_type (manifold) == G_TYPE_BOOLEAN
          && json_node_get_boolean (manifold)
          && lab_embed_method_is_invertible (self->embedding->method))
        lab_latent_page_set_manifold (self, TRUE);
    }

  if (file->gallery != NULL)
    {
      LabSession *session = lab_latent_page_session (self);

      lab_gallery_panel_set_gallery (self->gallery_panel, g_steal_pointer (&file->gallery),
                                     session != NULL ? lab_session_get_train_dataset (session) : NULL);
    }
  lab_latent_page_update_actions (self);
}
