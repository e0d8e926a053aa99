#define G_LOG_DOMAIN "latentlab"

/* The Latent page's embedding: the session's model encodes N test images
 * on a worker (LabEmbedRun), the points (and t-SNE's moving frames) go on
 * the map, the embedding and its weights go to the decode panel, the
 * morph strip and the manifold view, and the status line says what the
 * map shows. Without a model, or before Embed, the map's empty state says
 * what to do. Part of LabLatentPage (its struct is in
 * lab-latent-page-private.h). */

#include <math.h>
#include <inttypes.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-latent-page-private.h"

/* Empty state */

static void
show_empty (LabLatentPage *self,
            const char    *text,
            gboolean       go_to_train)
{
  lab_latent_map_show_empty (self->map, text, go_to_train);
}

char *
lab_latent_page_model_problem (LabLatentPage *self,
                               gboolean      *go_to_train)
{
  LabModel *model = lab_latent_page_session_model (self);
  LabDataset *ds = lab_latent_page_test_dataset (self);
  g_autoptr(GError) error = NULL;

  *go_to_train = TRUE;
  if (model == NULL)
    return g_strdup (_("There is no model yet. Train or open a model first, and its latent "
                       "space shows here."));
  if (ds == NULL)
    {
      *go_to_train = FALSE;
      return g_strdup (_("The dataset is still loading."));
    }
  if (!lab_embedding_check_model (model, ds, &error))
    return g_strdup_printf (_("This model's latent space cannot be explored here. %s."), error->message);
  return NULL;
}

LabDataset *
lab_latent_page_chosen_images (LabLatentPage  *self,
                               LabDataset    **more)
{
  LabSession *session = lab_latent_page_session (self);
  LabDataset *train = session != NULL ? lab_session_get_train_dataset (session) : NULL;
  LabDataset *test = lab_latent_page_test_dataset (self);
  guint which = gtk_drop_down_get_selected (self->images_dropdown);

  *more = NULL;
  if (which >= 1 && train != NULL && (which == 1 || test == NULL))
    return train;
  if (which == 2 && train != NULL)
    {
      *more = test;
      return train;
    }
  return test;
}

void
lab_latent_page_update_size_range (LabLatentPage *self)
{
  LabDataset *more, *ds = lab_latent_page_chosen_images (self, &more);
  GtkAdjustment *adj = gtk_spin_button_get_adjustment (self->size_spin);
  double upper;

  if (ds == NULL)
    return;
  upper = MIN (LAB_EMBED_MAX_N, (double) ds->n + (more != NULL ? more->n : 0));
  gtk_adjustment_set_upper (adj, upper);
  gtk_adjustment_set_lower (adj, MIN (100, upper));
  if (gtk_spin_button_get_value (self->size_spin) > upper)
    gtk_spin_button_set_value (self->size_spin, upper);
}

void
lab_latent_page_show_hint (LabLatentPage *self)
{
  lab_latent_map_set_hint (self->map, self->embedding, lab_scatter_view_get_morph_mode (self->scatter));
}

void
lab_latent_page_show_status (LabLatentPage *self)
{
  const LabEmbedding *emb = self->embedding;
  GString *text;
  g_autofree char *count = NULL;

  if (emb == NULL)
    return;
  count = lab_format_count_localized (emb->n);
  text = g_string_new (NULL);
  g_string_append_printf (text, _("%s of %s images of %s through %s"), _(lab_embed_method_title (emb->method)),
                          count, emb->dataset_name, emb->model_name);
  if (emb->map_dim != emb->dim)
    {
      g_autofree char *dim = lab_format_count_localized (emb->dim);

      g_string_append_printf (text, _("  ·  latent %s values → PCA %u first"), dim, emb->map_dim);
    }
  if (emb->method == LAB_EMBED_PCA)
    g_string_append_printf (text, _("  ·  the axes hold %.0f%% of the variance"),
                            100 * (emb->pca->explained_variance_ratio[0] + emb->pca->explained_variance_ratio[1]));
  if (emb->method == LAB_EMBED_TSNE && isfinite (emb->kl))
    g_string_append_printf (text, _("  ·  KL %.2f"), emb->kl);
  if (lab_latent_page_session (self) != NULL && self->embed_serial != lab_session_get_weights_serial (lab_latent_page_session (self)))
    g_string_append (text, _("  ·  the model has changed since: Embed again for the latest weights"));
  else if (self->embed_step > 0)
    g_string_append_printf (text, _("  ·  weights of step %" PRIu64), self->embed_step);
  lab_latent_map_set_status (self->map, text->str);
  g_string_free (text, TRUE);
  lab_latent_page_show_outliers (self);
}

/* The label dropdowns' model: the class names of the images shown. */
static void
set_classes (LabLatentPage *self,
             LabDataset    *ds)
{
  guint n = ds != NULL && ds->labels != NULL ? ds->n_classes : 0;
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->class_list));
  gboolean same = old == n;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint c = 0; c < n && same; c++)
    same = g_strcmp0 (gtk_string_list_get_string (self->class_list, c), ds->class_names[c]) == 0;
  if (same)
    return;
  for (guint c = 0; c < n; c++)
    g_ptr_array_add (names, g_strdup (ds->class_names ? ds->class_names[c] : NULL));
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->class_list, 0, old, (const char * const *) names->pdata);
}

/* Embedding on a worker */

static void
on_run_progress (LabLatentPage *self,
                 double         fraction,
                 const char    *text,
                 LabEmbedRun   *run)
{
  lab_latent_map_set_progress (self->map, fraction);
  if (text != NULL)
    lab_latent_map_set_status (self->map, text);
}

static void
on_run_frame (LabLatentPage       *self,
              const LabEmbedFrame *frame,
              LabEmbedRun         *run)
{
  LabScatterPlot *plot = lab_scatter_view_get_plot (self->scatter);
  /* The points move while t-SNE optimises: the first frame brings the
   * classes, later ones only positions. */
  gboolean first = !self->frames_shown || lab_scatter_plot_get_n_points (plot) != frame->n;

  lab_latent_map_show_frame (self->map, frame, first);
  if (first)
    {
      self->frames_shown = TRUE;
      lab_decode_panel_drop_embedding (self->decode_panel);
      lab_outliers_panel_clear (self->outliers_panel, _("The errors are measured once the points have settled."));
      g_clear_pointer (&self->embedding, lab_embedding_free);
      lab_latent_page_update_actions (self);
    }
  self->n_frames++;
}

void
lab_latent_page_install_embedding (LabLatentPage *self,
                   LabEmbedding  *emb,
                   LabModel      *model,
                   LabDataset    *dataset,
                   guint64        serial,
                   guint64        step)
{
  gboolean keep_view = self->frames_shown && (emb->method == LAB_EMBED_TSNE || emb->method == LAB_EMBED_UMAP);

  g_clear_pointer (&self->embedding, lab_embedding_free);
  g_clear_pointer (&self->decoder, lab_model_free);
  g_clear_pointer (&self->images_ds, lab_dataset_unref);
  lab_manifold_view_clear (self->manifold_view);
  self->embedding = emb;
  self->decoder = model;
  self->images_ds = lab_dataset_ref (dataset);
  self->embed_serial = serial;
  self->embed_step = step;
  lab_decode_panel_set_embedding (self->decode_panel, emb, model, self->images_ds);

  set_classes (self, dataset);
  lab_latent_map_show_points (self->map, emb, dataset, keep_view);
  lab_morph_strip_clear (self->morph_strip);

  if (!lab_embed_method_is_invertible (emb->method))
    lab_latent_page_set_manifold (self, FALSE);
  if (self->manifold)
    lab_latent_page_set_manifold (self, TRUE);
  else
    lab_latent_map_show_manifold (self->map, FALSE);
  lab_latent_page_show_status (self);
  lab_latent_page_show_hint (self);
  lab_latent_page_measure_outliers (self);
  lab_latent_page_update_actions (self);
}

static void
on_run_done (LabLatentPage     *self,
             LabEmbedRunResult *res,
             const GError      *error,
             LabEmbedRun       *run)
{
  lab_latent_map_set_progress (self->map, -1);
  if (res == NULL)
    {
      lab_latent_map_set_status (self->map, error ? error->message : "");
      if (error != NULL)
        lab_widget_show_error (GTK_WIDGET (self), error);
      if (self->embedding == NULL)
        {
          g_autofree char *text = g_strdup_printf (_("The latent space cannot be shown: %s"),
                                                   error ? error->message : _("unknown error"));

          show_empty (self, text, FALSE);
        }
      lab_latent_page_update_actions (self);
      return;
    }
  if (res->method != LAB_EMBED_TSNE && res->method != LAB_EMBED_UMAP)
    self->n_frames = 0;
  lab_latent_page_install_embedding (self, g_steal_pointer (&res->embedding), g_steal_pointer (&res->decoder),
                     res->dataset, res->serial, res->step);
}

void
lab_latent_page_start_embed (LabLatentPage *self)
{
  g_autofree char *problem = NULL;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;
  LabSession *session = lab_latent_page_session (self);
  LabDataset *images, *more;
  LabEmbedConfig config;
  gboolean go_to_train;

  problem = lab_latent_page_model_problem (self, &go_to_train);
  if (problem != NULL)
    {
      show_empty (self, problem, go_to_train);
      lab_latent_page_update_actions (self);
      return;
    }

  lab_embed_config_init (&config);
  config.method = lab_latent_page_selected_method (self);
  config.n = (guint) gtk_spin_button_get_value_as_int (self->size_spin);
  /* t-SNE's perplexity must stay below n / 3; small samples get a smaller one. */
  if (config.method == LAB_EMBED_TSNE && config.perplexity >= config.n / 3.0)
    config.perplexity = MAX (2.0, floor ((config.n - 1) / 3.0));
  /* A processor stays free for the window, so the points can move. */
  config.n_threads = MAX (1, g_get_num_processors () - 1);

  self->frames_shown = FALSE;
  self->n_frames = 0;
  self->auto_embed_done = TRUE;
  lab_latent_map_set_progress (self->map, 0);
  count = lab_format_count_localized (config.n);
  text = g_strdup_printf (_("Encoding %s images…"), count);
  lab_latent_map_set_status (self->map, text);

  images = lab_latent_page_chosen_images (self, &more);
  g_clear_pointer (&self->embed_source, lab_dataset_unref);
  self->embed_source = lab_dataset_ref (images);
  lab_embed_run_start (self->run, lab_latent_page_session_model (self), images, more, &config,
                       lab_session_get_weights_serial (session), lab_session_get_step (session));
  lab_latent_page_update_actions (self);
}


void
lab_latent_page_maybe_auto_embed (LabLatentPage *self)
{
  if (self->auto_embed_done || self->embedding != NULL || lab_embed_run_is_running (self->run)
      || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  lab_latent_page_start_embed (self);
}

void
lab_latent_page_clear_embedding (LabLatentPage *self)
{
  lab_embed_run_cancel (self->run);
  lab_latent_map_set_progress (self->map, -1);
  lab_decode_panel_set_embedding (self->decode_panel, NULL, NULL, NULL);
  g_clear_pointer (&self->embedding, lab_embedding_free);
  g_clear_pointer (&self->decoder, lab_model_free);
  lab_morph_strip_clear (self->morph_strip);
  lab_latent_map_clear (self->map);
  lab_outliers_panel_clear (self->outliers_panel, NULL);
  lab_latent_page_set_manifold (self, FALSE);
  lab_latent_map_set_status (self->map, "");
}

void
lab_latent_page_show_waiting (LabLatentPage *self)
{
  g_autofree char *problem = NULL;
  gboolean go_to_train;

  problem = lab_latent_page_model_problem (self, &go_to_train);
  if (problem != NULL)
    show_empty (self, problem, go_to_train);
  else if (self->embedding == NULL && !lab_embed_run_is_running (self->run))
    show_empty (self, _("Press Embed to encode the test images and see how the encoder has "
                        "arranged them."), FALSE);
  lab_latent_page_update_actions (self);
}

void
lab_latent_page_init_embed (LabLatentPage *self)
{
  self->run = lab_embed_run_new ();
  g_signal_connect_swapped (self->run, "progress", G_CALLBACK (on_run_progress), self);
  g_signal_connect_swapped (self->run, "frame", G_CALLBACK (on_run_frame), self);
  g_signal_connect_swapped (self->run, "done", G_CALLBACK (on_run_done), self);
}
