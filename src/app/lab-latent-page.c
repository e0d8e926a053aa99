#define G_LOG_DOMAIN "latentlab"

/* The Latent page: a layout of its sections (lab-latent-page.h), its
 * actions and what ties the sections together: a click on the map decodes
 * in the decode panel, a drag fills the morph strip, Keep sends the decoded
 * image to the gallery. The embedding itself (the run on a worker, the
 * points, the status line and the empty state) is lab-latent-page-embed.c. */

#include <glib/gi18n.h>

#include "lab-file-dialog.h"
#include "lab-latent-page-private.h"

/* In the order of the method dropdown. */
static const LabEmbedMethod methods[] = { LAB_EMBED_PCA, LAB_EMBED_TSNE, LAB_EMBED_LATENT, LAB_EMBED_UMAP };

enum {
  PROP_0,
  PROP_LATENT_METHOD,
  PROP_LATENT_DRAG,
  PROP_LATENT_MANIFOLD,
  PROP_LATENT_COLOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabLatentPage, lab_latent_page, LAB_TYPE_PAGE)

/* The state of page.latent-manifold, without showing the grid. */
static void
show_manifold_state (LabLatentPage *self,
                     gboolean       on)
{
  if (self->manifold == on)
    return;
  self->manifold = on;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENT_MANIFOLD]);
}

/* Where kept images find their nearest training image. */
static LabDataset *
train_dataset (LabLatentPage *self)
{
  LabSession *session = lab_latent_page_session (self);
  LabDataset *ds = session != NULL ? lab_session_get_train_dataset (session) : NULL;

  return ds != NULL ? ds : self->images_ds;
}

LabEmbedMethod
lab_latent_page_selected_method (LabLatentPage *self)
{
  guint i = gtk_drop_down_get_selected (self->method_dropdown);

  return methods[MIN (i, G_N_ELEMENTS (methods) - 1)];
}

/* Decoding a spot, morphing */

void
lab_latent_page_decode_at (LabLatentPage *self,
                           double         x,
                           double         y,
                           int            row)
{
  LabScatterPlot *plot = lab_scatter_view_get_plot (self->scatter);
  g_autoptr(GError) error = NULL;
  const guint *rows;
  guint n_rows;

  if (self->embedding == NULL || self->decoder == NULL)
    return;
  if (!lab_decode_panel_decode_at (self->decode_panel, x, y, row, &rows, &n_rows, &error))
    {
      lab_widget_show_error (GTK_WIDGET (self), error);
      return;
    }
  lab_scatter_plot_set_marker (plot, TRUE, x, y);
  lab_scatter_plot_set_rings (plot, rows, n_rows);
  lab_scatter_view_changed (self->scatter);
  lab_latent_page_update_actions (self);
}

static void
on_location_activated (LabLatentPage  *self,
                       double          x,
                       double          y,
                       int             row,
                       LabScatterView *view)
{
  lab_latent_page_decode_at (self, x, y, row);
}

/* Step i of the morph, large in the decode panel, to keep it. */
static void
on_step_activated (LabLatentPage *self,
                   guint          i,
                   LabMorphStrip *strip)
{
  const float *latent, *image;
  double x, y;

  if (self->embedding == NULL || !lab_morph_strip_get_step (strip, i, &latent, &image, &x, &y))
    return;
  lab_decode_panel_show_step (self->decode_panel, latent, image, x, y, i, LAB_MORPH_STRIP_STEPS);
  lab_latent_page_update_actions (self);
}

static void
on_morph_requested (LabLatentPage  *self,
                    double          x0,
                    double          y0,
                    int             row0,
                    double          x1,
                    double          y1,
                    int             row1,
                    LabScatterView *view)
{
  g_autoptr(GError) error = NULL;

  if (self->embedding == NULL || self->decoder == NULL)
    return;
  if (!lab_morph_strip_morph (self->morph_strip, self->embedding, self->decoder, self->images_ds,
                              x0, y0, row0, x1, y1, row1, &error))
    {
      lab_widget_show_error (GTK_WIDGET (self), error);
      return;
    }
  on_step_activated (self, LAB_MORPH_STRIP_STEPS / 2, self->morph_strip);
}

/* The gallery */

static void
keep_sample (LabLatentPage *self)
{
  LabSession *session = lab_latent_page_session (self);
  const char *path = session != NULL ? lab_session_get_model_path (session) : NULL;
  g_autofree char *model = NULL;
  LabDecodedSample sample;
  LabGallerySource source;

  if (!lab_decode_panel_get_sample (self->decode_panel, &sample))
    return;
  model = path != NULL ? g_path_get_basename (path) : g_strdup (self->embedding ? self->embedding->model_name : "model");
  source.model = model;
  source.method = sample.method;
  source.x = sample.x;
  source.y = sample.y;
  source.step = self->embed_step;
  lab_gallery_panel_keep (self->gallery_panel, &sample, lab_decode_panel_get_label (self->decode_panel),
                          &source, train_dataset (self));
}

static void
on_exported (LabLatentPage   *self,
             const char      *message,
             LabGalleryPanel *panel)
{
  lab_latent_map_set_status (self->map, message);
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  LabLatentPage *self = LAB_LATENT_PAGE (widget);

  lab_gallery_panel_choose_export (self->gallery_panel, g_variant_get_string (param, NULL));
}

/* The map's points as CSV (lab_embedding_save_csv, as the CLI's embed
 * writes them): page.export-points (a dialog), page.export-points-to (s). */

static gboolean
export_points (LabLatentPage  *self,
               const char     *path,
               GError        **error)
{
  if (self->embedding == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, _("There are no points on the map to export yet."));
      return FALSE;
    }
  return lab_embedding_save_csv (self->embedding, path, error);
}

static gboolean
points_chosen (GtkWidget       *owner,
               const char      *path,
               GtkFileChooser  *chooser,
               gpointer         user_data,
               GError         **error)
{
  return export_points (LAB_LATENT_PAGE (owner), path, error);
}

static void
export_points_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooser *chooser;

  chooser = lab_file_dialog_new_for_path (widget, GTK_FILE_CHOOSER_ACTION_SAVE, _("Export the Points"),
                                          _("_Export"), points_chosen, NULL, NULL);
  gtk_file_filter_set_name (filter, _("CSV (x, y, label, index)"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (chooser, filter);
  gtk_file_chooser_set_current_name (chooser, "latent-points.csv");
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_points_to_activated (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *param)
{
  g_autoptr(GError) error = NULL;

  if (!export_points (LAB_LATENT_PAGE (widget), g_variant_get_string (param, NULL), &error))
    lab_widget_show_error (widget, error);
}

/* Actions */

void
lab_latent_page_update_actions (LabLatentPage *self)
{
  gboolean running = lab_embed_run_is_running (self->run);
  gboolean go_to_train;
  g_autofree char *problem = lab_latent_page_model_problem (self, &go_to_train);
  gboolean invertible = self->embedding != NULL && lab_embed_method_is_invertible (self->embedding->method);
  guint kept = lab_gallery_panel_get_n_kept (self->gallery_panel);
  LabDecodedSample sample;
  LabPage *page = LAB_PAGE (self);

  lab_page_set_action_enabled (page, "page.embed", !running && problem == NULL);
  lab_page_set_action_enabled (page, "page.latent-manifold", invertible && !running);
  lab_page_set_action_enabled (page, "page.latent-fit", self->embedding != NULL || running);
  lab_page_set_action_enabled (page, "page.export-points", self->embedding != NULL);
  lab_page_set_action_enabled (page, "page.export-points-to", self->embedding != NULL);
  lab_page_set_action_enabled (page, "page.keep-sample",
                               lab_decode_panel_get_sample (self->decode_panel, &sample));
  lab_page_set_action_enabled (page, "page.export-gallery", kept > 0);
  lab_page_set_action_enabled (page, "page.clear-gallery", kept > 0);
}

static void
embed_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  lab_latent_page_start_embed (LAB_LATENT_PAGE (widget));
}

/* page.latent-method (the "latent-method" property). */
static void
set_method (LabLatentPage *self,
            const char    *name)
{
  LabEmbedMethod method;
  g_autoptr(GError) error = NULL;

  if (!lab_embed_method_parse (name, &method, &error))
    {
      lab_widget_show_error (GTK_WIDGET (self), error);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (methods[i] == method)
      gtk_drop_down_set_selected (self->method_dropdown, i);
}

static void
on_method_changed (LabLatentPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENT_METHOD]);
}

void
lab_latent_page_set_color (LabLatentPage *self,
                           gboolean       by_error)
{
  if (self->color_error == !!by_error)
    return;
  self->color_error = !!by_error;
  lab_latent_page_show_outliers (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENT_COLOR]);
}

/* page.latent-drag (the "latent-drag" property): "morph" or "pan". */
static void
set_drag (LabLatentPage *self,
          const char    *mode)
{
  gboolean morph = g_strcmp0 (mode, "morph") == 0;

  self->morph = morph;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENT_DRAG]);
  lab_scatter_view_set_morph_mode (self->scatter, morph);
  lab_latent_page_show_hint (self);
}

static void
fit_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  LabLatentPage *self = LAB_LATENT_PAGE (widget);

  lab_scatter_plot_fit (lab_scatter_view_get_plot (self->scatter));
  lab_scatter_view_changed (self->scatter);
}

/* page.latent-manifold (the "latent-manifold" property): the decoded
 * grid instead of the points, when the embedding can be decoded. */
void
lab_latent_page_set_manifold (LabLatentPage *self,
                              gboolean       on)
{
  g_autoptr(GError) error = NULL;

  if (on && (self->embedding == NULL || !lab_embed_method_is_invertible (self->embedding->method)))
    on = FALSE;
  if (on && !lab_manifold_view_is_ready (self->manifold_view)
      && !lab_manifold_view_decode (self->manifold_view, self->embedding, self->decoder, &error))
    {
      lab_widget_show_error (GTK_WIDGET (self), error);
      on = FALSE;
    }
  show_manifold_state (self, on);
  if (self->embedding != NULL)
    lab_latent_map_show_manifold (self->map, on);
}

static void
keep_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  keep_sample (LAB_LATENT_PAGE (widget));
}

static void
clear_gallery_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  LabLatentPage *self = LAB_LATENT_PAGE (widget);

  lab_gallery_panel_clear (self->gallery_panel);
}

/* A different model: its latent space is another one. */
static void
lab_latent_page_model_changed (LabPage *page)
{
  LabLatentPage *self = LAB_LATENT_PAGE (page);
  LabModel *model = lab_latent_page_session_model (self);

  self->model_generation++;
  lab_latent_page_clear_embedding (self);
  self->auto_embed_done = FALSE;
  /* A 2-D latent is best seen as it is; anything wider through PCA. */
  if (model != NULL)
    gtk_drop_down_set_selected (self->method_dropdown,
                                lab_embedding_latent_dim (model) == 2 ? 2 : 0);
  lab_latent_page_show_waiting (self);
  lab_latent_page_maybe_auto_embed (self);
}

static void
lab_latent_page_weights_published (LabPage *page)
{
  LabLatentPage *self = LAB_LATENT_PAGE (page);

  lab_latent_page_show_status (self);
}

static void
lab_latent_page_datasets_changed (LabPage *page)
{
  LabLatentPage *self = LAB_LATENT_PAGE (page);
  LabDataset *ds = lab_latent_page_test_dataset (self);

  if (ds != NULL)
    {
      lab_latent_page_update_size_range (self);
      gtk_spin_button_set_value (self->size_spin, MIN (LAB_EMBED_DEFAULT_N, ds->n));
    }
  /* the map's images came from a set the session no longer has */
  if ((self->embedding != NULL && self->embed_source != ds
       && self->embed_source != lab_session_get_train_dataset (lab_latent_page_session (self)))
      || lab_embed_run_is_running (self->run))
    {
      /* Another dataset: its images are not the ones on the map. */
      lab_latent_page_clear_embedding (self);
      self->auto_embed_done = FALSE;
    }
  lab_latent_page_show_waiting (self);
  lab_latent_page_maybe_auto_embed (self);
}

/* GtkWidget */

static void
lab_latent_page_map (GtkWidget *widget)
{
  LabLatentPage *self = LAB_LATENT_PAGE (widget);

  GTK_WIDGET_CLASS (lab_latent_page_parent_class)->map (widget);
  lab_latent_page_show_status (self);
  lab_latent_page_maybe_auto_embed (self);
}

static gboolean
shortcut_activate (GtkWidget *widget,
                   GVariant  *args,
                   gpointer   user_data)
{
  LabLatentPage *self = LAB_LATENT_PAGE (widget);
  const char *name = user_data;
  g_autofree char *action_name = g_strconcat (LAB_PAGE_ACTION_PREFIX, name, NULL);

  /* Only on the page the teacher sees. */
  if (!gtk_widget_get_mapped (widget) || !lab_page_get_action_enabled (LAB_PAGE (self), action_name))
    return FALSE;
  return gtk_widget_activate_action (widget, action_name, NULL);
}

static void
lab_latent_page_dispose (GObject *object)
{
  LabLatentPage *self = (LabLatentPage *)object;
  GtkWidget *child;

  /* Waits for its worker to leave the core. */
  g_clear_object (&self->run);

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_LATENT_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_latent_page_parent_class)->dispose (object);
}

static void
lab_latent_page_finalize (GObject *object)
{
  LabLatentPage *self = (LabLatentPage *)object;

  g_clear_pointer (&self->embedding, lab_embedding_free);
  g_clear_pointer (&self->decoder, lab_model_free);
  g_clear_pointer (&self->images_ds, lab_dataset_unref);
  g_clear_pointer (&self->embed_source, lab_dataset_unref);
  g_clear_object (&self->class_list);

  G_OBJECT_CLASS (lab_latent_page_parent_class)->finalize (object);
}

static void
lab_latent_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabLatentPage *self = LAB_LATENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_LATENT_METHOD:
      g_value_set_string (value, lab_embed_method_name (lab_latent_page_selected_method (self)));
      break;

    case PROP_LATENT_DRAG:
      g_value_set_string (value, self->morph ? "morph" : "pan");
      break;

    case PROP_LATENT_MANIFOLD:
      g_value_set_boolean (value, self->manifold);
      break;

    case PROP_LATENT_COLOR:
      g_value_set_string (value, self->color_error ? "error" : "class");
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_latent_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LabLatentPage *self = LAB_LATENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_LATENT_METHOD:
      set_method (self, g_value_get_string (value));
      break;

    case PROP_LATENT_DRAG:
      set_drag (self, g_value_get_string (value));
      break;

    case PROP_LATENT_MANIFOLD:
      lab_latent_page_set_manifold (self, g_value_get_boolean (value));
      break;

    case PROP_LATENT_COLOR:
      lab_latent_page_set_color (self, g_strcmp0 (g_value_get_string (value), "error") == 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_latent_page_class_init (LabLatentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  LabPageClass *page_class = LAB_PAGE_CLASS (klass);

  object_class->dispose = lab_latent_page_dispose;
  object_class->finalize = lab_latent_page_finalize;
  object_class->get_property = lab_latent_page_get_property;
  object_class->set_property = lab_latent_page_set_property;

  page_class->datasets_changed = lab_latent_page_datasets_changed;
  page_class->model_changed = lab_latent_page_model_changed;
  page_class->weights_published = lab_latent_page_weights_published;
  page_class->save_state = lab_latent_page_save_state;
  page_class->restore_state = lab_latent_page_restore_state;

  properties[PROP_LATENT_METHOD] =
    g_param_spec_string ("latent-method", NULL, NULL,
                         "pca",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LATENT_DRAG] =
    g_param_spec_string ("latent-drag", NULL, NULL,
                         "pan",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LATENT_MANIFOLD] =
    g_param_spec_boolean ("latent-manifold", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* "class" or "error" (the reconstruction error, lab-latent-page-outliers.c) */
  properties[PROP_LATENT_COLOR] =
    g_param_spec_string ("latent-color", NULL, NULL,
                         "class",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "page.embed", NULL, embed_activated);
  gtk_widget_class_install_property_action (widget_class, "page.latent-method", "latent-method");
  gtk_widget_class_install_property_action (widget_class, "page.latent-drag", "latent-drag");
  gtk_widget_class_install_action (widget_class, "page.latent-fit", NULL, fit_activated);
  gtk_widget_class_install_property_action (widget_class, "page.latent-manifold", "latent-manifold");
  gtk_widget_class_install_property_action (widget_class, "page.latent-color", "latent-color");
  gtk_widget_class_install_action (widget_class, "page.keep-sample", NULL, keep_activated);
  gtk_widget_class_install_action (widget_class, "page.export-gallery", "s", export_activated);
  gtk_widget_class_install_action (widget_class, "page.clear-gallery", NULL, clear_gallery_activated);
  gtk_widget_class_install_action (widget_class, "page.export-points", NULL, export_points_activated);
  gtk_widget_class_install_action (widget_class, "page.export-points-to", "s", export_points_to_activated);
  widget_class->map = lab_latent_page_map;

  g_type_ensure (LAB_TYPE_LATENT_MAP);
  g_type_ensure (LAB_TYPE_MORPH_STRIP);
  g_type_ensure (LAB_TYPE_DECODE_PANEL);
  g_type_ensure (LAB_TYPE_GALLERY_PANEL);
  g_type_ensure (LAB_TYPE_OUTLIERS_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-latent-page.ui");
  gtk_widget_class_set_css_name (widget_class, "latentpage");
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, size_spin);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, advanced_box);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, images_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, map);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, morph_strip);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, decode_panel);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, gallery_panel);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, side_stack);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, decode_tab);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, outliers_tab);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, outliers_panel);
}

static void
lab_latent_page_init (LabLatentPage *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->scatter = lab_latent_map_get_scatter (self->map);
  self->manifold_view = lab_latent_map_get_manifold (self->map);
  lab_latent_page_init_embed (self);
  lab_latent_page_init_outliers (self);
  /* One list of class names for the Keep label and the gallery's labels. */
  self->class_list = gtk_string_list_new (NULL);
  lab_decode_panel_set_classes (self->decode_panel, G_LIST_MODEL (self->class_list));
  lab_gallery_panel_set_classes (self->gallery_panel, self->class_list);

  g_signal_connect_swapped (self->scatter, "location-activated", G_CALLBACK (on_location_activated), self);
  g_signal_connect_swapped (self->scatter, "morph-requested", G_CALLBACK (on_morph_requested), self);
  g_signal_connect_swapped (self->morph_strip, "step-activated", G_CALLBACK (on_step_activated), self);
  g_signal_connect_swapped (self->gallery_panel, "changed", G_CALLBACK (lab_latent_page_update_actions), self);
  g_signal_connect_swapped (self->gallery_panel, "exported", G_CALLBACK (on_exported), self);
  g_signal_connect_swapped (self->method_dropdown, "notify::selected", G_CALLBACK (on_method_changed), self);
  g_signal_connect_swapped (self->images_dropdown, "notify::selected",
                            G_CALLBACK (lab_latent_page_update_size_range), self);
  /* A locked demo keeps its map's images; the method and Embed still work. */
  lab_page_bind_unlocked (LAB_PAGE (self), self->advanced_box);

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_e, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (shortcut_activate, (gpointer) "embed", NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_k, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (shortcut_activate, (gpointer) "keep-sample", NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  lab_latent_map_show_empty (self->map, _("There is no model yet. Train or open a model first, and its latent "
                      "space shows here."), TRUE);
  lab_latent_page_update_actions (self);
}

GtkWidget *
lab_latent_page_new (void)
{
  return g_object_new (LAB_TYPE_LATENT_PAGE, NULL);
}

/* Testing accessors */

LabLatentMap *
lab_latent_page_get_map (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), NULL);
  return self->map;
}

LabDecodePanel *
lab_latent_page_get_decode_panel (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), NULL);
  return self->decode_panel;
}

LabMorphStrip *
lab_latent_page_get_morph_strip (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), NULL);
  return self->morph_strip;
}

LabGalleryPanel *
lab_latent_page_get_gallery_panel (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), NULL);
  return self->gallery_panel;
}

const LabEmbedding *
lab_latent_page_get_embedding (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), NULL);
  return self->embedding;
}

void
lab_latent_page_embed (LabLatentPage  *self,
                       LabEmbedMethod  method,
                       guint           n)
{
  g_return_if_fail (LAB_IS_LATENT_PAGE (self));

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (methods[i] == method)
      gtk_drop_down_set_selected (self->method_dropdown, i);
  gtk_spin_button_set_value (self->size_spin, n);
  lab_latent_page_start_embed (self);
}

gboolean
lab_latent_page_is_embedding (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), FALSE);
  return lab_embed_run_is_running (self->run);
}

guint
lab_latent_page_get_n_frames (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), 0);
  return self->n_frames;
}
