#define G_LOG_DOMAIN "latentlab"

#include <math.h>
#include <string.h>

#include <inttypes.h>

#include <glib/gi18n.h>

#include "lab-embed-run.h"
#include "lab-format.h"
#include "lab-latent-page-private.h"

/* In the order of the method dropdown. */
static const LabEmbedMethod methods[] = { LAB_EMBED_PCA, LAB_EMBED_TSNE, LAB_EMBED_LATENT };

struct _LabLatentPage
{
  LabPage               parent_instance;

  /* Template widgets */
  GtkDropDown          *method_dropdown;
  GtkSpinButton        *size_spin;
  LabLatentMap         *map;
  LabMorphStrip        *morph_strip;
  LabDecodePanel       *decode_panel;
  LabGalleryPanel      *gallery_panel;

  /* Borrowed: the map's */
  LabScatterView       *scatter;
  LabManifoldView      *manifold_view;

  /* Owned */
  LabEmbedRun          *run;
  LabEmbedding         *embedding;        /* lent to the decode panel */
  LabModel             *decoder;          /* the embedding's weights; main thread only */
  LabDataset           *images_ds;        /* what embedding->indices index */
  guint64               embed_serial;
  guint64               embed_step;
  guint                 model_generation;
  guint                 n_frames;
  gboolean              frames_shown;     /* the running job has drawn positions */
  GtkStringList        *class_list;       /* the label dropdowns' model */

  guint                 manifold : 1;     /* page.latent-manifold's state */
  guint                 morph : 1;        /* page.latent-drag is "morph" */
  guint                 auto_embed_done : 1;
};

enum {
  PROP_0,
  PROP_LATENT_METHOD,
  PROP_LATENT_DRAG,
  PROP_LATENT_MANIFOLD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabLatentPage, lab_latent_page, LAB_TYPE_PAGE)

static void start_embed      (LabLatentPage *self);
static void update_actions   (LabLatentPage *self);
static void set_manifold     (LabLatentPage *self,
                              gboolean       on);

static LabSession *
page_session (LabLatentPage *self)
{
  return lab_page_get_session (LAB_PAGE (self));
}

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

static LabModel *
session_model (LabLatentPage *self)
{
  return page_session (self) != NULL ? lab_session_get_model (page_session (self)) : NULL;
}

static LabDataset *
test_dataset (LabLatentPage *self)
{
  return page_session (self) != NULL ? lab_session_get_test_dataset (page_session (self)) : NULL;
}

static LabDataset *
train_dataset (LabLatentPage *self)
{
  LabDataset *ds = page_session (self) != NULL ? lab_session_get_train_dataset (page_session (self)) : NULL;

  return ds != NULL ? ds : self->images_ds;
}

static LabEmbedMethod
selected_method (LabLatentPage *self)
{
  guint i = gtk_drop_down_get_selected (self->method_dropdown);

  return methods[MIN (i, G_N_ELEMENTS (methods) - 1)];
}

/* Empty state */

static void
show_empty (LabLatentPage *self,
            const char    *text,
            gboolean       go_to_train)
{
  lab_latent_map_show_empty (self->map, text, go_to_train);
}

/* Why the session's model cannot be explored, or NULL when it can. */
static char *
model_problem (LabLatentPage *self,
               gboolean      *go_to_train)
{
  LabModel *model = session_model (self);
  LabDataset *ds = test_dataset (self);
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

static void
show_hint (LabLatentPage *self)
{
  lab_latent_map_set_hint (self->map, self->embedding, lab_scatter_view_get_morph_mode (self->scatter));
}

static void
show_status (LabLatentPage *self)
{
  const LabEmbedding *emb = self->embedding;
  GString *text;
  g_autofree char *count = NULL;

  if (emb == NULL)
    return;
  count = lab_format_count (emb->n);
  text = g_string_new (NULL);
  g_string_append_printf (text, _("%s of %s images of %s through %s"), _(lab_embed_method_title (emb->method)),
                          count, emb->dataset_name, emb->model_name);
  if (emb->method == LAB_EMBED_PCA)
    g_string_append_printf (text, _("  ·  the axes hold %.0f%% of the variance"),
                            100 * (emb->pca->explained_variance_ratio[0] + emb->pca->explained_variance_ratio[1]));
  if (emb->method == LAB_EMBED_TSNE && isfinite (emb->kl))
    g_string_append_printf (text, _("  ·  KL %.2f"), emb->kl);
  if (page_session (self) != NULL && self->embed_serial != lab_session_get_weights_serial (page_session (self)))
    g_string_append (text, _("  ·  the model has changed since: Embed again for the latest weights"));
  else if (self->embed_step > 0)
    g_string_append_printf (text, _("  ·  weights of step %" PRIu64), self->embed_step);
  lab_latent_map_set_status (self->map, text->str);
  g_string_free (text, TRUE);
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
      g_clear_pointer (&self->embedding, lab_embedding_free);
      update_actions (self);
    }
  self->n_frames++;
}

static void
install_embedding (LabLatentPage *self,
                   LabEmbedding  *emb,
                   LabModel      *model,
                   LabDataset    *dataset,
                   guint64        serial,
                   guint64        step)
{
  gboolean keep_view = self->frames_shown && emb->method == LAB_EMBED_TSNE;

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
    set_manifold (self, FALSE);
  if (self->manifold)
    set_manifold (self, TRUE);
  else
    lab_latent_map_show_manifold (self->map, FALSE);
  show_status (self);
  show_hint (self);
  update_actions (self);
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
      update_actions (self);
      return;
    }
  if (res->method != LAB_EMBED_TSNE)
    self->n_frames = 0;
  install_embedding (self, g_steal_pointer (&res->embedding), g_steal_pointer (&res->decoder),
                     res->dataset, res->serial, res->step);
}

static void
start_embed (LabLatentPage *self)
{
  g_autofree char *problem = NULL;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;
  LabSession *session = page_session (self);
  LabEmbedConfig config;
  gboolean go_to_train;

  problem = model_problem (self, &go_to_train);
  if (problem != NULL)
    {
      show_empty (self, problem, go_to_train);
      update_actions (self);
      return;
    }

  lab_embed_config_init (&config);
  config.method = selected_method (self);
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
  count = lab_format_count (config.n);
  text = g_strdup_printf (_("Encoding %s images…"), count);
  lab_latent_map_set_status (self->map, text);

  lab_embed_run_start (self->run, session_model (self), test_dataset (self), &config,
                       lab_session_get_weights_serial (session), lab_session_get_step (session));
  update_actions (self);
}

/* Decoding a spot, morphing */

static void
on_location_activated (LabLatentPage  *self,
                       double          x,
                       double          y,
                       int             row,
                       LabScatterView *view)
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
  update_actions (self);
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
  update_actions (self);
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
  LabSession *session = page_session (self);
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

/* Actions */

static void
update_actions (LabLatentPage *self)
{
  gboolean running = lab_embed_run_is_running (self->run);
  gboolean go_to_train;
  g_autofree char *problem = model_problem (self, &go_to_train);
  gboolean invertible = self->embedding != NULL && lab_embed_method_is_invertible (self->embedding->method);
  guint kept = lab_gallery_panel_get_n_kept (self->gallery_panel);
  LabDecodedSample sample;
  LabPage *page = LAB_PAGE (self);

  lab_page_set_action_enabled (page, "page.embed", !running && problem == NULL);
  lab_page_set_action_enabled (page, "page.latent-manifold", invertible && !running);
  lab_page_set_action_enabled (page, "page.latent-fit", self->embedding != NULL || running);
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
  start_embed (LAB_LATENT_PAGE (widget));
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

/* page.latent-drag (the "latent-drag" property): "morph" or "pan". */
static void
set_drag (LabLatentPage *self,
          const char    *mode)
{
  gboolean morph = g_strcmp0 (mode, "morph") == 0;

  self->morph = morph;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENT_DRAG]);
  lab_scatter_view_set_morph_mode (self->scatter, morph);
  show_hint (self);
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
static void
set_manifold (LabLatentPage *self,
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

/* Session */

static void
maybe_auto_embed (LabLatentPage *self)
{
  if (self->auto_embed_done || self->embedding != NULL || lab_embed_run_is_running (self->run)
      || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  start_embed (self);
}

static void
clear_embedding (LabLatentPage *self)
{
  lab_embed_run_cancel (self->run);
  lab_latent_map_set_progress (self->map, -1);
  lab_decode_panel_set_embedding (self->decode_panel, NULL, NULL, NULL);
  g_clear_pointer (&self->embedding, lab_embedding_free);
  g_clear_pointer (&self->decoder, lab_model_free);
  lab_morph_strip_clear (self->morph_strip);
  lab_latent_map_clear (self->map);
  show_manifold_state (self, FALSE);
  lab_latent_map_set_status (self->map, "");
}

static void
update_empty_or_wait (LabLatentPage *self)
{
  g_autofree char *problem = NULL;
  gboolean go_to_train;

  problem = model_problem (self, &go_to_train);
  if (problem != NULL)
    show_empty (self, problem, go_to_train);
  else if (self->embedding == NULL && !lab_embed_run_is_running (self->run))
    show_empty (self, _("Press Embed to encode the test images and see how the encoder has "
                        "arranged them."), FALSE);
  update_actions (self);
}

/* A different model: its latent space is another one. */
static void
lab_latent_page_model_changed (LabPage *page)
{
  LabLatentPage *self = LAB_LATENT_PAGE (page);
  LabModel *model = session_model (self);

  self->model_generation++;
  clear_embedding (self);
  self->auto_embed_done = FALSE;
  /* A 2-D latent is best seen as it is; anything wider through PCA. */
  if (model != NULL)
    gtk_drop_down_set_selected (self->method_dropdown,
                                lab_embedding_latent_dim (model) == 2 ? 2 : 0);
  update_empty_or_wait (self);
  maybe_auto_embed (self);
}

static void
lab_latent_page_weights_published (LabPage *page)
{
  LabLatentPage *self = LAB_LATENT_PAGE (page);

  show_status (self);
}

static void
lab_latent_page_datasets_changed (LabPage *page)
{
  LabLatentPage *self = LAB_LATENT_PAGE (page);
  LabDataset *ds = test_dataset (self);

  if (ds != NULL)
    {
      GtkAdjustment *adj = gtk_spin_button_get_adjustment (self->size_spin);
      double upper = MIN (LAB_EMBED_MAX_N, ds->n);

      gtk_adjustment_set_upper (adj, upper);
      gtk_adjustment_set_lower (adj, MIN (100, upper));
      gtk_spin_button_set_value (self->size_spin, MIN (LAB_EMBED_DEFAULT_N, upper));
    }
  if ((self->embedding != NULL && self->images_ds != ds) || lab_embed_run_is_running (self->run))
    {
      /* Another dataset: its images are not the ones on the map. */
      clear_embedding (self);
      self->auto_embed_done = FALSE;
    }
  update_empty_or_wait (self);
  maybe_auto_embed (self);
}

/* GtkWidget */

static void
lab_latent_page_map (GtkWidget *widget)
{
  LabLatentPage *self = LAB_LATENT_PAGE (widget);

  GTK_WIDGET_CLASS (lab_latent_page_parent_class)->map (widget);
  show_status (self);
  maybe_auto_embed (self);
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
      g_value_set_string (value, lab_embed_method_name (selected_method (self)));
      break;

    case PROP_LATENT_DRAG:
      g_value_set_string (value, self->morph ? "morph" : "pan");
      break;

    case PROP_LATENT_MANIFOLD:
      g_value_set_boolean (value, self->manifold);
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
      set_manifold (self, g_value_get_boolean (value));
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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "page.embed", NULL, embed_activated);
  gtk_widget_class_install_property_action (widget_class, "page.latent-method", "latent-method");
  gtk_widget_class_install_property_action (widget_class, "page.latent-drag", "latent-drag");
  gtk_widget_class_install_action (widget_class, "page.latent-fit", NULL, fit_activated);
  gtk_widget_class_install_property_action (widget_class, "page.latent-manifold", "latent-manifold");
  gtk_widget_class_install_action (widget_class, "page.keep-sample", NULL, keep_activated);
  gtk_widget_class_install_action (widget_class, "page.export-gallery", "s", export_activated);
  gtk_widget_class_install_action (widget_class, "page.clear-gallery", NULL, clear_gallery_activated);
  widget_class->map = lab_latent_page_map;

  g_type_ensure (LAB_TYPE_LATENT_MAP);
  g_type_ensure (LAB_TYPE_MORPH_STRIP);
  g_type_ensure (LAB_TYPE_DECODE_PANEL);
  g_type_ensure (LAB_TYPE_GALLERY_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-latent-page.ui");
  gtk_widget_class_set_css_name (widget_class, "latentpage");
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, size_spin);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, map);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, morph_strip);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, decode_panel);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, gallery_panel);
}

static void
lab_latent_page_init (LabLatentPage *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->scatter = lab_latent_map_get_scatter (self->map);
  self->manifold_view = lab_latent_map_get_manifold (self->map);
  self->run = lab_embed_run_new ();
  g_signal_connect_swapped (self->run, "progress", G_CALLBACK (on_run_progress), self);
  g_signal_connect_swapped (self->run, "frame", G_CALLBACK (on_run_frame), self);
  g_signal_connect_swapped (self->run, "done", G_CALLBACK (on_run_done), self);
  /* One list of class names for the Keep label and the gallery's labels. */
  self->class_list = gtk_string_list_new (NULL);
  lab_decode_panel_set_classes (self->decode_panel, G_LIST_MODEL (self->class_list));
  lab_gallery_panel_set_classes (self->gallery_panel, self->class_list);

  g_signal_connect_swapped (self->scatter, "location-activated", G_CALLBACK (on_location_activated), self);
  g_signal_connect_swapped (self->scatter, "morph-requested", G_CALLBACK (on_morph_requested), self);
  g_signal_connect_swapped (self->morph_strip, "step-activated", G_CALLBACK (on_step_activated), self);
  g_signal_connect_swapped (self->gallery_panel, "changed", G_CALLBACK (update_actions), self);
  g_signal_connect_swapped (self->gallery_panel, "exported", G_CALLBACK (on_exported), self);
  g_signal_connect_swapped (self->method_dropdown, "notify::selected", G_CALLBACK (on_method_changed), self);

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_e, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (shortcut_activate, (gpointer) "embed", NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_k, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (shortcut_activate, (gpointer) "keep-sample", NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  show_empty (self, _("There is no model yet. Train or open a model first, and its latent "
                      "space shows here."), TRUE);
  update_actions (self);
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
  start_embed (self);
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
