#define G_LOG_DOMAIN "latentlab"

#include <math.h>
#include <string.h>

#include <inttypes.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-job.h"
#include "lab-latent-page-private.h"
#include "lab-worker-gate.h"

#define EMBED_SLOT   "embed"
#define NEAREST_SLOT "nearest"
#define STRIP_STEPS  LAB_EMBED_DEFAULT_STEPS
#define NEIGHBOURS   LAB_EMBED_DEFAULT_K

/* In the order of the method dropdown. */
static const LabEmbedMethod methods[] = { LAB_EMBED_PCA, LAB_EMBED_TSNE, LAB_EMBED_LATENT };

typedef struct
{
  LabModel       *model;     /* a copy of the session's model: the embedding's weights */
  LabDataset     *dataset;
  LabEmbedConfig  config;
  guint64         serial;    /* session weights serial of the copy */
  guint64         step;
  LabWorkerGate  *gate;
  LabJob         *job;       /* borrowed, for reports from the worker */
} EmbedRequest;

/* t-SNE positions on their way to the main thread (a job progress payload). */
typedef struct
{
  guint    n;
  float   *points;     /* (n, 2) */
  guint   *indices;    /* (n) */
  guint8  *labels;     /* (n) or NULL */
  guint    iteration;
  guint    n_iter;
  double   kl;
} EmbedFrame;

typedef struct
{
  LabEmbedding *embedding;
  LabModel     *model;
} EmbedResult;

typedef struct
{
  guint   id;
  guint8 *pixels;      /* the kept image */
} NearestQuery;

typedef struct
{
  guint   id;
  guint   index;
  double  distance;
  guint8 *pixels;      /* the training image found */
} NearestAnswer;

typedef struct
{
  GArray        *queries;   /* (element-type NearestQuery) */
  LabDataset    *dataset;
  guint          height, width;
  LabWorkerGate *gate;
} NearestRequest;

struct _LabLatentPage
{
  LabPage               parent_instance;

  /* Template widgets */
  GtkDropDown          *method_dropdown;
  GtkSpinButton        *size_spin;
  GtkButton            *embed_button;
  GtkLabel             *status_label;
  GtkProgressBar       *progress_bar;
  GtkToggleButton      *manifold_button;
  GtkLabel             *hint_label;
  GtkStack             *view_stack;
  GtkLabel             *empty_label;
  GtkButton            *empty_button;
  LabScatterView       *scatter;
  GtkDrawingArea       *manifold_area;
  GtkLabel             *manifold_label;
  GtkRevealer          *strip_revealer;
  GtkLabel             *strip_label;
  GtkBox               *strip_box;
  LabImageView         *decoded_view;
  GtkLabel             *decoded_caption;
  GtkWidget            *neighbours_panel;
  GtkBox               *neighbours_box;
  GtkDropDown          *keep_label_dropdown;
  GtkButton            *keep_button;
  GtkLabel             *gallery_title;
  GtkMenuButton        *export_button;
  GtkLabel             *diversity_label;
  GtkListBox           *gallery_list;

  /* Borrowed: built in init, children of strip_box / neighbours_box */
  LabImageView         *strip_views[STRIP_STEPS];
  GtkLabel             *strip_captions[STRIP_STEPS];
  LabImageView         *neighbour_views[NEIGHBOURS];
  GtkLabel             *neighbour_labels[NEIGHBOURS];

  /* Owned */
  LabWorkerGate        *gate;
  LabEmbedding         *embedding;
  LabModel             *decoder;          /* the embedding's weights; main thread only */
  LabDataset           *images_ds;        /* what embedding->indices index */
  guint64               embed_serial;
  guint64               embed_step;
  guint                 model_generation;
  guint                 n_frames;
  gboolean              frames_shown;     /* the running job has drawn positions */
  GtkStringList        *class_list;       /* the label dropdowns' model */
  char                 *empty_text;

  /* The decoded sample */
  gboolean              has_sample;
  float                *sample_latent;
  guint                 sample_dim;
  float                *sample_image;
  guint                 sample_height, sample_width;
  double                sample_x, sample_y;
  const char           *sample_method;    /* static string */
  guint                 n_neighbours;
  guint                 neighbours[LAB_EMBED_MAX_K];

  /* The morph strip */
  float                *strip_latents;    /* (STRIP_STEPS, dim) */
  float                *strip_images;     /* (STRIP_STEPS, h * w) */
  double                strip_ends[4];    /* x0, y0, x1, y1 in the plane */

  /* The manifold */
  cairo_surface_t      *mosaic;

  /* The gallery */
  LabGallery           *gallery;
  GtkFileChooserNative *chooser;
  char                 *export_kind;

  guint                 manifold : 1;     /* page.latent-manifold's state */
  guint                 morph : 1;        /* page.latent-drag is "morph" */
  guint                 searching : 1;
  guint                 search_pending : 1;
  guint                 auto_embed_done : 1;
  guint                 syncing : 1;
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
static void rebuild_gallery  (LabLatentPage *self);
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

static const char *
method_title (LabEmbedMethod method)
{
  switch (method)
    {
    case LAB_EMBED_PCA:
      return _("PCA");
    case LAB_EMBED_TSNE:
      return _("t-SNE");
    case LAB_EMBED_LATENT:
    default:
      return _("Raw latent");
    }
}

static char *
class_name (LabDataset *ds,
            guint       index)
{
  if (ds == NULL || ds->labels == NULL)
    return NULL;
  if (ds->class_names != NULL && ds->labels[index] < ds->n_classes)
    return g_strdup (ds->class_names[ds->labels[index]]);
  return g_strdup_printf ("%u", ds->labels[index]);
}

/* Empty state */

static void
show_empty (LabLatentPage *self,
            const char    *text,
            gboolean       go_to_train)
{
  g_free (self->empty_text);
  self->empty_text = g_strdup (text);
  gtk_label_set_label (self->empty_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_button), go_to_train);
  gtk_stack_set_visible_child_name (self->view_stack, "empty");
  gtk_label_set_label (self->hint_label, "");
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

/* The hint line under the toolbar: what a teacher can do with this map. */
static void
show_hint (LabLatentPage *self)
{
  const char *what;
  g_autofree char *text = NULL;

  if (self->embedding == NULL)
    {
      gtk_label_set_label (self->hint_label, "");
      return;
    }
  switch (self->embedding->method)
    {
    case LAB_EMBED_PCA:
      what = _("Click: decode that spot");
      break;
    case LAB_EMBED_TSNE:
      what = _("Click: decode a blend of the nearest points");
      break;
    case LAB_EMBED_LATENT:
    default:
      what = _("Click: decode that latent point");
      break;
    }
  if (lab_scatter_view_get_morph_mode (self->scatter))
    text = g_strdup_printf (_("%s  ·  drag digit to digit: morph  ·  Shift+drag: move  ·  scroll: zoom"), what);
  else
    text = g_strdup_printf (_("%s  ·  Shift+drag digit to digit: morph  ·  drag: move  ·  scroll: zoom"), what);
  gtk_label_set_label (self->hint_label, text);
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
  g_string_append_printf (text, _("%s of %s images of %s through %s"), method_title (emb->method),
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
  gtk_label_set_label (self->status_label, text->str);
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
embed_request_free (gpointer data)
{
  EmbedRequest *req = data;

  g_clear_pointer (&req->model, lab_model_free);
  g_clear_pointer (&req->dataset, lab_dataset_unref);
  g_clear_pointer (&req->gate, lab_worker_gate_unref);
  g_free (req);
}

static void
embed_frame_free (gpointer data)
{
  EmbedFrame *frame = data;

  g_free (frame->points);
  g_free (frame->indices);
  g_free (frame->labels);
  g_free (frame);
}

static void
embed_result_free (gpointer data)
{
  EmbedResult *result = data;

  g_clear_pointer (&result->embedding, lab_embedding_free);
  g_clear_pointer (&result->model, lab_model_free);
  g_free (result);
}

static gboolean
embed_progress_worker (const LabEmbedProgress *p,
                       gpointer                data)
{
  EmbedRequest *req = data;
  g_autofree char *text = NULL;
  EmbedFrame *frame = NULL;

  switch (p->stage)
    {
    case LAB_EMBED_STAGE_ENCODING:
      text = g_strdup_printf (_("Encoding %u images…"), p->n);
      break;
    case LAB_EMBED_STAGE_REDUCING:
      text = g_strdup (_("Finding the two main axes…"));
      break;
    case LAB_EMBED_STAGE_OPTIMISING:
    default:
      text = g_strdup_printf (_("t-SNE is arranging the points: iteration %u of %u"), p->iteration, p->n_iter);
      break;
    }
  if (p->points != NULL && p->indices != NULL)
    {
      frame = g_new0 (EmbedFrame, 1);
      frame->n = p->n;
      frame->points = g_memdup2 (p->points, (gsize) p->n * 2 * sizeof (float));
      frame->indices = g_memdup2 (p->indices, (gsize) p->n * sizeof (guint));
      frame->labels = p->labels ? g_memdup2 (p->labels, p->n) : NULL;
      frame->iteration = p->iteration;
      frame->n_iter = p->n_iter;
      frame->kl = p->kl;
    }
  lab_job_report (req->job, p->fraction, text, frame, frame ? embed_frame_free : NULL);
  return !g_cancellable_is_cancelled (lab_job_get_cancellable (req->job));
}

static gpointer
embed_worker (LabJob        *job,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  EmbedRequest *req = data;
  EmbedResult *result = NULL;
  LabEmbedding *emb;

  req->job = job;
  emb = lab_embedding_compute (req->model, req->dataset, &req->config, embed_progress_worker, req,
                               cancellable, error);
  if (emb != NULL)
    {
      result = g_new0 (EmbedResult, 1);
      result->embedding = emb;
      result->model = g_steal_pointer (&req->model);
    }
  lab_worker_gate_leave (req->gate);
  return result;
}

static void
set_plot_classes (LabLatentPage *self,
                  LabDataset    *ds)
{
  LabScatterPlot *plot = lab_scatter_view_get_plot (self->scatter);

  if (ds != NULL && ds->labels != NULL)
    lab_scatter_plot_set_classes (plot, (const char * const *) ds->class_names, ds->n_classes);
  else
    lab_scatter_plot_set_classes (plot, NULL, 0);
}

static void
embed_progress (gpointer  owner,
                LabJob   *job,
                double    fraction,
                const char *text,
                gpointer  payload)
{
  LabLatentPage *self = owner;
  EmbedRequest *req = lab_job_get_data (job);
  EmbedFrame *frame = payload;
  LabScatterPlot *plot = lab_scatter_view_get_plot (self->scatter);

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  if (text != NULL)
    gtk_label_set_label (self->status_label, text);
  if (frame == NULL)
    return;

  /* The points move while t-SNE optimises: the first frame brings the
   * classes, later ones only positions. */
  if (!self->frames_shown || lab_scatter_plot_get_n_points (plot) != frame->n)
    {
      set_plot_classes (self, req->dataset);
      lab_scatter_plot_set_labels (plot, "t-SNE 1", "t-SNE 2");
      lab_scatter_plot_set_points (plot, frame->points, frame->labels, frame->n, FALSE);
      lab_scatter_plot_set_marker (plot, FALSE, 0, 0);
      lab_scatter_plot_set_line (plot, FALSE, 0, 0, 0, 0);
      lab_scatter_view_set_images (self->scatter, req->dataset, frame->indices, frame->n);
      self->frames_shown = TRUE;
      g_clear_pointer (&self->embedding, lab_embedding_free);
      gtk_stack_set_visible_child_name (self->view_stack, "scatter");
      update_actions (self);
    }
  else
    lab_scatter_plot_move_points (plot, frame->points, frame->n);
  self->n_frames++;
  lab_scatter_view_changed (self->scatter);
}

static void
install_embedding (LabLatentPage *self,
                   LabEmbedding  *emb,
                   LabModel      *model,
                   LabDataset    *dataset,
                   guint64        serial,
                   guint64        step)
{
  LabScatterPlot *plot = lab_scatter_view_get_plot (self->scatter);
  g_autofree char *x_title = lab_embedding_axis_title (emb, 0);
  g_autofree char *y_title = lab_embedding_axis_title (emb, 1);
  gboolean keep_view = self->frames_shown && emb->method == LAB_EMBED_TSNE;

  g_clear_pointer (&self->embedding, lab_embedding_free);
  g_clear_pointer (&self->decoder, lab_model_free);
  g_clear_pointer (&self->images_ds, lab_dataset_unref);
  g_clear_pointer (&self->mosaic, cairo_surface_destroy);
  self->embedding = emb;
  self->decoder = model;
  self->images_ds = lab_dataset_ref (dataset);
  self->embed_serial = serial;
  self->embed_step = step;
  self->n_neighbours = 0;

  set_plot_classes (self, dataset);
  set_classes (self, dataset);
  lab_scatter_plot_set_labels (plot, x_title, y_title);
  lab_scatter_plot_set_points (plot, emb->points, emb->labels, emb->n, keep_view);
  lab_scatter_plot_set_marker (plot, FALSE, 0, 0);
  lab_scatter_plot_set_line (plot, FALSE, 0, 0, 0, 0);
  lab_scatter_plot_set_rings (plot, NULL, 0);
  lab_scatter_view_set_images (self->scatter, dataset, emb->indices, emb->n);
  lab_scatter_view_changed (self->scatter);
  gtk_revealer_set_reveal_child (self->strip_revealer, FALSE);
  gtk_widget_set_visible (self->neighbours_panel, FALSE);

  if (!lab_embed_method_is_invertible (emb->method))
    set_manifold (self, FALSE);
  if (self->manifold)
    set_manifold (self, TRUE);
  else
    gtk_stack_set_visible_child_name (self->view_stack, "scatter");
  show_status (self);
  show_hint (self);
  update_actions (self);
}

static void
embed_done (gpointer      owner,
            LabJob       *job,
            gpointer      result,
            const GError *error)
{
  LabLatentPage *self = owner;
  EmbedRequest *req = lab_job_get_data (job);
  EmbedResult *res = result;

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  if (res == NULL)
    {
      gtk_label_set_label (self->status_label, error ? error->message : "");
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
  if (req->config.method != LAB_EMBED_TSNE)
    self->n_frames = 0;
  install_embedding (self, g_steal_pointer (&res->embedding), g_steal_pointer (&res->model),
                     req->dataset, req->serial, req->step);
  embed_result_free (res);
}

static void
start_embed (LabLatentPage *self)
{
  g_autoptr(LabJob) job = NULL;
  g_autofree char *problem = NULL;
  EmbedRequest *req;
  LabModel *model;
  LabDataset *ds;
  gboolean go_to_train;

  problem = model_problem (self, &go_to_train);
  if (problem != NULL)
    {
      show_empty (self, problem, go_to_train);
      update_actions (self);
      return;
    }
  model = session_model (self);
  ds = test_dataset (self);

  req = g_new0 (EmbedRequest, 1);
  lab_embed_config_init (&req->config);
  req->config.method = selected_method (self);
  req->config.n = (guint) gtk_spin_button_get_value_as_int (self->size_spin);
  /* t-SNE's perplexity must stay below n / 3; small samples get a smaller one. */
  if (req->config.method == LAB_EMBED_TSNE && req->config.perplexity >= req->config.n / 3.0)
    req->config.perplexity = MAX (2.0, floor ((req->config.n - 1) / 3.0));
  /* A processor stays free for the window, so the points can move. */
  req->config.n_threads = MAX (1, g_get_num_processors () - 1);
  /* Weights as they are now; the worker owns the copy. */
  req->model = lab_model_copy (model, 0);
  req->dataset = lab_dataset_ref (ds);
  req->serial = lab_session_get_weights_serial (page_session (self));
  req->step = lab_session_get_step (page_session (self));
  req->gate = lab_worker_gate_ref (self->gate);

  self->frames_shown = FALSE;
  self->n_frames = 0;
  self->auto_embed_done = TRUE;
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  {
    g_autofree char *count = lab_format_count (req->config.n);
    g_autofree char *text = g_strdup_printf (_("Encoding %s images…"), count);

    gtk_label_set_label (self->status_label, text);
  }

  lab_worker_gate_enter (self->gate);
  job = lab_job_new (self, EMBED_SLOT, embed_worker, req, embed_request_free);
  lab_job_set_result_free_func (job, embed_result_free);
  lab_job_set_progress_func (job, embed_progress);
  lab_job_set_done_func (job, embed_done);
  lab_job_start (job);
  update_actions (self);
}

/* Decoding a location */

static void
set_sample (LabLatentPage *self,
            const float   *latent,
            const float   *image,
            double         x,
            double         y,
            const char    *method)
{
  const LabEmbedding *emb = self->embedding;

  g_free (self->sample_latent);
  g_free (self->sample_image);
  self->sample_dim = emb->dim;
  self->sample_height = emb->height;
  self->sample_width = emb->width;
  self->sample_latent = g_memdup2 (latent, (gsize) emb->dim * sizeof (float));
  self->sample_image = g_memdup2 (image, (gsize) emb->height * emb->width * sizeof (float));
  self->sample_x = x;
  self->sample_y = y;
  self->sample_method = method;
  self->has_sample = TRUE;
  lab_image_view_set_float (self->decoded_view, image, emb->width, emb->height);
  update_actions (self);
}

static void
guess_label (LabLatentPage *self,
             double         x,
             double         y)
{
  int label = lab_embedding_majority_label (self->embedding, x, y, self->embedding->config.k);

  gtk_drop_down_set_selected (self->keep_label_dropdown,
                              label >= 0 ? (guint) label : GTK_INVALID_LIST_POSITION);
}

static void
show_neighbours (LabLatentPage *self,
                 const guint   *rows,
                 const float   *weights,
                 guint          n)
{
  const LabEmbedding *emb = self->embedding;

  gtk_widget_set_visible (self->neighbours_panel, n > 0);
  for (guint i = 0; i < NEIGHBOURS; i++)
    {
      gboolean shown = i < n;

      gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->neighbour_views[i])), shown);
      if (shown)
        {
          guint index = emb->indices[rows[i]];
          char text[32];

          lab_image_view_set_gray (self->neighbour_views[i], lab_dataset_image (self->images_ds, index),
                                   self->images_ds->width, self->images_ds->height);
          g_snprintf (text, sizeof text, "%.0f%%", 100 * weights[i]);
          gtk_label_set_label (self->neighbour_labels[i], text);
        }
    }
}

static void
decode_at (LabLatentPage *self,
           double         x,
           double         y,
           int            row)
{
  const LabEmbedding *emb = self->embedding;
  LabScatterPlot *plot = lab_scatter_view_get_plot (self->scatter);
  g_autoptr(GError) error = NULL;
  g_autofree float *latent = NULL;
  g_autofree float *image = NULL;
  g_autofree char *where = NULL;
  g_autofree char *looks = NULL;
  float weights[LAB_EMBED_MAX_K];
  guint rows[LAB_EMBED_MAX_K];
  guint n_rows = 0;
  int label;

  if (emb == NULL || self->decoder == NULL)
    return;
  latent = g_new (float, emb->dim);
  image = g_new (float, (gsize) emb->height * emb->width);
  lab_embedding_latent_at (emb, x, y, latent, rows, weights, &n_rows);
  if (!lab_embedding_decode (self->decoder, latent, 1, emb->dim, image, &error))
    {
      lab_widget_show_error (GTK_WIDGET (self), error);
      return;
    }
  set_sample (self, latent, image, x, y, lab_embed_method_name (emb->method));
  self->n_neighbours = n_rows;
  memcpy (self->neighbours, rows, n_rows * sizeof (guint));

  lab_scatter_plot_set_marker (plot, TRUE, x, y);
  lab_scatter_plot_set_rings (plot, rows, n_rows);
  lab_scatter_view_changed (self->scatter);
  show_neighbours (self, rows, weights, n_rows);
  guess_label (self, x, y);

  if (row >= 0)
    {
      g_autofree char *name = class_name (self->images_ds, emb->indices[row]);

      where = name ? g_strdup_printf (_("On test image #%u, a “%s”"), emb->indices[row], name)
                   : g_strdup_printf (_("On test image #%u"), emb->indices[row]);
    }
  else if (emb->method == LAB_EMBED_LATENT)
    where = g_strdup_printf (_("Latent point (%.2f, %.2f)"), x, y);
  else
    where = g_strdup_printf (_("%s location (%.2f, %.2f)"), method_title (emb->method), x, y);
  label = lab_embedding_majority_label (emb, x, y, emb->config.k);
  if (label >= 0 && self->images_ds->class_names != NULL && (guint) label < self->images_ds->n_classes)
    looks = g_strdup_printf (_("Most points around it are “%s”"), self->images_ds->class_names[label]);
  {
    g_autofree char *text = g_strdup_printf ("%s\n%s", where, looks ? looks : "");

    gtk_label_set_label (self->decoded_caption, text);
  }
}

static void
on_location_activated (LabLatentPage  *self,
                       double          x,
                       double          y,
                       int             row,
                       LabScatterView *view)
{
  decode_at (self, x, y, row);
}

/* Morphing */

static void
show_strip_sample (LabLatentPage *self,
                   guint          i)
{
  const LabEmbedding *emb = self->embedding;
  double t = (double) i / (STRIP_STEPS - 1);
  double x = self->strip_ends[0] + t * (self->strip_ends[2] - self->strip_ends[0]);
  double y = self->strip_ends[1] + t * (self->strip_ends[3] - self->strip_ends[1]);
  g_autofree char *text = NULL;

  if (emb == NULL || self->strip_latents == NULL)
    return;
  set_sample (self, self->strip_latents + (gsize) i * emb->dim,
              self->strip_images + (gsize) i * emb->height * emb->width, x, y, "interpolation");
  show_neighbours (self, NULL, NULL, 0);
  guess_label (self, x, y);
  text = g_strdup_printf (_("Step %u of %u of the morph"), i + 1, STRIP_STEPS);
  gtk_label_set_label (self->decoded_caption, text);
}

static void
on_strip_pressed (GtkGestureClick *click,
                  int              n_press,
                  double           x,
                  double           y,
                  LabLatentPage   *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (click));

  show_strip_sample (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "lab-step")));
}

static char *
end_caption (LabLatentPage *self,
             int            row)
{
  g_autofree char *name = NULL;

  if (row < 0)
    return g_strdup (_("here"));
  name = class_name (self->images_ds, self->embedding->indices[row]);
  return name ? g_strdup_printf ("#%u “%s”", self->embedding->indices[row], name)
              : g_strdup_printf ("#%u", self->embedding->indices[row]);
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
  const LabEmbedding *emb = self->embedding;
  g_autoptr(GError) error = NULL;
  g_autofree float *from = NULL;
  g_autofree float *to = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *title = NULL;
  gsize pixels;

  if (emb == NULL || self->decoder == NULL)
    return;
  pixels = (gsize) emb->height * emb->width;
  from = g_new (float, emb->dim);
  to = g_new (float, emb->dim);
  /* A point's own latent, or the latent of an empty spot. */
  if (row0 >= 0)
    memcpy (from, emb->latents + (gsize) row0 * emb->dim, emb->dim * sizeof (float));
  else
    lab_embedding_latent_at (emb, x0, y0, from, NULL, NULL, NULL);
  if (row1 >= 0)
    memcpy (to, emb->latents + (gsize) row1 * emb->dim, emb->dim * sizeof (float));
  else
    lab_embedding_latent_at (emb, x1, y1, to, NULL, NULL, NULL);

  g_free (self->strip_latents);
  g_free (self->strip_images);
  self->strip_latents = g_new (float, (gsize) STRIP_STEPS * emb->dim);
  self->strip_images = g_new (float, (gsize) STRIP_STEPS * pixels);
  if (!lab_embedding_interpolate (self->decoder, from, to, emb->dim, STRIP_STEPS,
                                  self->strip_latents, self->strip_images, &error))
    {
      g_clear_pointer (&self->strip_latents, g_free);
      g_clear_pointer (&self->strip_images, g_free);
      lab_widget_show_error (GTK_WIDGET (self), error);
      return;
    }
  self->strip_ends[0] = x0;
  self->strip_ends[1] = y0;
  self->strip_ends[2] = x1;
  self->strip_ends[3] = y1;
  for (guint i = 0; i < STRIP_STEPS; i++)
    {
      g_autofree char *caption = NULL;

      lab_image_view_set_float (self->strip_views[i], self->strip_images + i * pixels, emb->width, emb->height);
      caption = i == 0 ? end_caption (self, row0) : i == STRIP_STEPS - 1 ? end_caption (self, row1)
                : g_strdup_printf ("%.0f%%", 100.0 * i / (STRIP_STEPS - 1));
      gtk_label_set_label (self->strip_captions[i], caption);
    }
  a = end_caption (self, row0);
  b = end_caption (self, row1);
  title = g_strdup_printf (_("Morph from %s to %s in %u steps along a straight line in latent space"),
                           a, b, STRIP_STEPS);
  gtk_label_set_label (self->strip_label, title);
  gtk_revealer_set_reveal_child (self->strip_revealer, TRUE);
  show_strip_sample (self, STRIP_STEPS / 2);
}

/* The manifold */

static void
draw_manifold (GtkDrawingArea *area,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        data)
{
  LabLatentPage *self = data;
  int w, h;
  double scale;

  cairo_set_source_rgb (cr, 0.086, 0.094, 0.122);
  cairo_paint (cr);
  if (self->mosaic == NULL)
    return;
  w = cairo_image_surface_get_width (self->mosaic);
  h = cairo_image_surface_get_height (self->mosaic);
  scale = MIN ((double) width / w, (double) height / h);
  /* Whole factors when they fit keep every pixel the same size. */
  if (scale >= 1)
    scale = floor (scale) + (scale - floor (scale) > 0.5 ? 0.5 : 0);
  cairo_translate (cr, floor ((width - w * scale) / 2), floor ((height - h * scale) / 2));
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, self->mosaic, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle (cr, 0, 0, w, h);
  cairo_fill (cr);
}

static gboolean
compute_manifold (LabLatentPage  *self,
                  GError        **error)
{
  const LabEmbedding *emb = self->embedding;
  const guint g = LAB_EMBED_MANIFOLD_GRID;
  guint w = g * emb->width, h = g * emb->height;
  g_autofree guint8 *mosaic = g_new (guint8, (gsize) w * h);
  double x0, x1, y0, y1;
  cairo_surface_t *surface;
  guint8 *data;
  int stride;
  g_autofree char *text = NULL;

  lab_embedding_manifold_range (emb, self->decoder, &x0, &x1, &y0, &y1);
  if (!lab_embedding_manifold (emb, self->decoder, g, x0, x1, y0, y1, mosaic, error))
    return FALSE;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint32 v = mosaic[(gsize) y * w + x];

        ((guint32 *) (data + (gsize) y * stride))[x] = (v << 16) | (v << 8) | v;
      }
  cairo_surface_mark_dirty (surface);
  g_clear_pointer (&self->mosaic, cairo_surface_destroy);
  self->mosaic = surface;
  gtk_widget_queue_draw (GTK_WIDGET (self->manifold_area));
  text = g_strdup_printf (_("What the decoder draws across the %s plane: %u × %u decodes, %s from %.2f to %.2f left to right, "
                            "%s from %.2f (bottom) to %.2f (top)"),
                          method_title (emb->method), g, g,
                          emb->method == LAB_EMBED_PCA ? "PC 1" : "z₁", x0, x1,
                          emb->method == LAB_EMBED_PCA ? "PC 2" : "z₂", y0, y1);
  gtk_label_set_label (self->manifold_label, text);
  return TRUE;
}

/* The gallery */

static void
nearest_request_free (gpointer data)
{
  NearestRequest *req = data;

  for (guint i = 0; i < req->queries->len; i++)
    g_free (g_array_index (req->queries, NearestQuery, i).pixels);
  g_array_unref (req->queries);
  g_clear_pointer (&req->dataset, lab_dataset_unref);
  g_clear_pointer (&req->gate, lab_worker_gate_unref);
  g_free (req);
}

static void
nearest_answers_free (gpointer data)
{
  GArray *answers = data;

  for (guint i = 0; i < answers->len; i++)
    g_free (g_array_index (answers, NearestAnswer, i).pixels);
  g_array_unref (answers);
}

static gpointer
nearest_worker (LabJob        *job,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  NearestRequest *req = data;
  GArray *answers = g_array_new (FALSE, FALSE, sizeof (NearestAnswer));
  gboolean ok = TRUE;

  for (guint i = 0; i < req->queries->len && ok; i++)
    {
      NearestQuery *q = &g_array_index (req->queries, NearestQuery, i);
      NearestAnswer a = { q->id, 0, 0, NULL };

      ok = lab_gallery_find_nearest (q->pixels, req->height, req->width, req->dataset,
                                     &a.index, &a.distance, cancellable, error);
      if (ok)
        {
          a.pixels = g_memdup2 (lab_dataset_image (req->dataset, a.index), (gsize) req->height * req->width);
          g_array_append_val (answers, a);
        }
    }
  lab_worker_gate_leave (req->gate);
  if (!ok)
    {
      nearest_answers_free (answers);
      return NULL;
    }
  return answers;
}

static void search_nearest (LabLatentPage *self);

static void
nearest_done (gpointer      owner,
              LabJob       *job,
              gpointer      result,
              const GError *error)
{
  LabLatentPage *self = owner;
  GArray *answers = result;

  self->searching = FALSE;
  if (answers != NULL && self->gallery != NULL)
    {
      for (guint i = 0; i < answers->len; i++)
        {
          NearestAnswer *a = &g_array_index (answers, NearestAnswer, i);

          lab_gallery_set_nearest (self->gallery, a->id, a->index, a->distance, a->pixels);
        }
      rebuild_gallery (self);
    }
  else if (error != NULL)
    lab_widget_show_error (GTK_WIDGET (self), error);
  if (answers != NULL)
    nearest_answers_free (answers);
  if (self->search_pending)
    {
      self->search_pending = FALSE;
      search_nearest (self);
    }
}

/* Finds the nearest training image of every kept image that has none yet. */
static void
search_nearest (LabLatentPage *self)
{
  g_autoptr(LabJob) job = NULL;
  LabDataset *ds = train_dataset (self);
  NearestRequest *req;

  if (self->gallery == NULL || ds == NULL)
    return;
  if (self->searching)
    {
      self->search_pending = TRUE;
      return;
    }
  if (ds->height != lab_gallery_get_height (self->gallery) || ds->width != lab_gallery_get_width (self->gallery))
    return;

  req = g_new0 (NearestRequest, 1);
  req->queries = g_array_new (FALSE, FALSE, sizeof (NearestQuery));
  for (guint i = 0; i < lab_gallery_get_n (self->gallery); i++)
    {
      const LabGalleryItem *item = lab_gallery_get_item (self->gallery, i);
      NearestQuery q;

      if (item->has_nearest)
        continue;
      q.id = item->id;
      q.pixels = g_memdup2 (item->pixels, (gsize) ds->height * ds->width);
      g_array_append_val (req->queries, q);
    }
  if (req->queries->len == 0)
    {
      nearest_request_free (req);
      return;
    }
  req->dataset = lab_dataset_ref (ds);
  req->height = ds->height;
  req->width = ds->width;
  req->gate = lab_worker_gate_ref (self->gate);
  self->searching = TRUE;
  lab_worker_gate_enter (self->gate);
  job = lab_job_new (self, NEAREST_SLOT, nearest_worker, req, nearest_request_free);
  lab_job_set_result_free_func (job, nearest_answers_free);
  lab_job_set_done_func (job, nearest_done);
  lab_job_start (job);
}

static void
on_item_label_changed (GtkDropDown   *dropdown,
                       GParamSpec    *pspec,
                       LabLatentPage *self)
{
  guint id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dropdown), "lab-id"));
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || self->gallery == NULL)
    return;
  lab_gallery_set_label (self->gallery, id, selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected);
}

static void
on_item_remove (GtkButton     *button,
                LabLatentPage *self)
{
  guint id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "lab-id"));

  if (self->gallery != NULL && lab_gallery_remove (self->gallery, id))
    rebuild_gallery (self);
}

static GtkWidget *
gallery_row_new (LabLatentPage        *self,
                 const LabGalleryItem *item)
{
  guint h = lab_gallery_get_height (self->gallery), w = lab_gallery_get_width (self->gallery);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *kept = lab_image_view_new ();
  GtkWidget *info = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->class_list)), NULL);
  GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *detail = gtk_label_new (NULL);
  g_autofree char *text = NULL;

  gtk_widget_add_css_class (row, "gallery-row");
  lab_image_view_set_pixel_size (LAB_IMAGE_VIEW (kept), 64);
  gtk_widget_add_css_class (kept, "thumbnail");
  gtk_widget_set_valign (kept, GTK_ALIGN_CENTER);
  lab_image_view_set_gray (LAB_IMAGE_VIEW (kept), item->pixels, w, h);
  gtk_widget_set_tooltip_text (kept, _("The kept image"));
  gtk_box_append (GTK_BOX (row), kept);

  gtk_widget_set_hexpand (info, TRUE);
  gtk_widget_set_valign (info, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (dropdown, TRUE);
  gtk_widget_set_tooltip_text (dropdown, _("The label this image is exported with"));
  self->syncing = TRUE;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown),
                              item->label >= 0 ? (guint) item->label : GTK_INVALID_LIST_POSITION);
  self->syncing = FALSE;
  g_object_set_data (G_OBJECT (dropdown), "lab-id", GUINT_TO_POINTER (item->id));
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_item_label_changed), self);
  gtk_box_append (GTK_BOX (top), dropdown);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove from the gallery"));
  g_object_set_data (G_OBJECT (remove), "lab-id", GUINT_TO_POINTER (item->id));
  g_signal_connect (remove, "clicked", G_CALLBACK (on_item_remove), self);
  gtk_box_append (GTK_BOX (top), remove);
  gtk_box_append (GTK_BOX (info), top);

  if (item->has_nearest && item->nearest_pixels != NULL)
    {
      GtkWidget *nearest = lab_image_view_new ();

      lab_image_view_set_pixel_size (LAB_IMAGE_VIEW (nearest), 36);
      gtk_widget_add_css_class (nearest, "thumbnail");
      lab_image_view_set_gray (LAB_IMAGE_VIEW (nearest), item->nearest_pixels, w, h);
      gtk_widget_set_tooltip_text (nearest, _("The most similar training image"));
      gtk_box_append (GTK_BOX (bottom), nearest);
      text = g_strdup_printf (_("nearest training image #%u\ndistance %.2f%s"), item->nearest_index,
                              item->nearest_distance,
                              item->nearest_distance < 1.0 ? _(" — nearly a copy") : "");
    }
  else
    text = g_strdup (_("looking for the nearest training image…"));
  gtk_label_set_label (GTK_LABEL (detail), text);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_widget_add_css_class (detail, "gallery-detail");
  gtk_box_append (GTK_BOX (bottom), detail);
  gtk_box_append (GTK_BOX (info), bottom);
  gtk_box_append (GTK_BOX (row), info);
  return row;
}

static void
rebuild_gallery (LabLatentPage *self)
{
  GtkWidget *child;
  guint n = self->gallery ? lab_gallery_get_n (self->gallery) : 0;
  g_autofree char *title = NULL;
  double pixel, latent;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->gallery_list))) != NULL)
    gtk_list_box_remove (self->gallery_list, child);
  /* Newest first: the one just kept is at the top. */
  for (guint i = n; i > 0; i--)
    gtk_list_box_append (self->gallery_list, gallery_row_new (self, lab_gallery_get_item (self->gallery, i - 1)));

  title = g_strdup_printf (_("Augmentation gallery (%u)"), n);
  gtk_label_set_label (self->gallery_title, title);
  if (n >= 2)
    {
      g_autofree char *text = NULL;

      lab_gallery_diversity (self->gallery, &pixel, &latent);
      if (isfinite (latent))
        text = g_strdup_printf (_("Diversity: kept images are %.2f apart on average (pixels), "
                                  "%.2f in latent space"), pixel, latent);
      else
        text = g_strdup_printf (_("Diversity: kept images are %.2f apart on average (pixels)"), pixel);
      gtk_label_set_label (self->diversity_label, text);
    }
  else
    gtk_label_set_label (self->diversity_label,
                         n == 0 ? _("Click the map to decode a new image, then Keep it. Kept images "
                                    "export as augmentation data.")
                                : _("Keep two or more images to measure how diverse they are."));
  update_actions (self);
}

static void
keep_sample (LabLatentPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->keep_label_dropdown);
  const char *path = page_session (self) != NULL ? lab_session_get_model_path (page_session (self)) : NULL;
  g_autofree char *model = NULL;
  LabGallerySource source;

  if (!self->has_sample)
    return;
  if (self->gallery != NULL
      && (lab_gallery_get_height (self->gallery) != self->sample_height
          || lab_gallery_get_width (self->gallery) != self->sample_width
          || lab_gallery_get_n_classes (self->gallery) != g_list_model_get_n_items (G_LIST_MODEL (self->class_list))))
    {
      /* Another dataset's images: a gallery holds one size and one set of classes. */
      g_clear_pointer (&self->gallery, lab_gallery_free);
    }
  if (self->gallery == NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->class_list));
      g_autoptr(GPtrArray) names = g_ptr_array_new ();

      for (guint c = 0; c < n; c++)
        g_ptr_array_add (names, (gpointer) gtk_string_list_get_string (self->class_list, c));
      self->gallery = lab_gallery_new (self->sample_height, self->sample_width,
                                       (const char * const *) names->pdata, n);
    }
  model = path != NULL ? g_path_get_basename (path) : g_strdup (self->embedding ? self->embedding->model_name : "model");
  source.model = model;
  source.method = self->sample_method;
  source.x = self->sample_x;
  source.y = self->sample_y;
  source.step = self->embed_step;
  lab_gallery_add (self->gallery, self->sample_image, self->sample_latent, self->sample_dim,
                   selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected, &source);
  rebuild_gallery (self);
  search_nearest (self);
}

static char *
labels_path_for (const char *images_path)
{
  g_autofree char *dir = g_path_get_dirname (images_path);
  g_autofree char *base = g_path_get_basename (images_path);
  char *found = strstr (base, "images-idx3");
  GString *name;

  if (found != NULL)
    {
      name = g_string_new_len (base, found - base);
      g_string_append (name, "labels-idx1");
      g_string_append (name, found + strlen ("images-idx3"));
    }
  else if ((found = strstr (base, "images")) != NULL)
    {
      name = g_string_new_len (base, found - base);
      g_string_append (name, "labels");
      g_string_append (name, found + strlen ("images"));
    }
  else
    {
      name = g_string_new (base);
      g_string_append (name, "-labels");
    }
  {
    g_autofree char *file = g_string_free (name, FALSE);

    return g_build_filename (dir, file, NULL);
  }
}

gboolean
lab_latent_page_export (LabLatentPage  *self,
                        const char     *kind,
                        const char     *path,
                        GError        **error)
{
  g_autofree char *message = NULL;

  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), FALSE);

  if (self->gallery == NULL || lab_gallery_get_n (self->gallery) == 0)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                           _("The gallery is empty: keep some decoded images first"));
      return FALSE;
    }
  if (g_strcmp0 (kind, "idx") == 0)
    {
      g_autofree char *labels = labels_path_for (path);

      if (!lab_gallery_export_idx (self->gallery, path, labels, error))
        return FALSE;
      message = g_strdup_printf (_("Saved %u images to %s and their labels to %s"),
                                 lab_gallery_get_n (self->gallery), path, labels);
    }
  else
    {
      if (!lab_gallery_export_png_folder (self->gallery, path, error))
        return FALSE;
      message = g_strdup_printf (_("Saved %u images to %s, one folder per label, with provenance.csv"),
                                 lab_gallery_get_n (self->gallery), path);
    }
  gtk_label_set_label (self->status_label, message);
  return TRUE;
}

static void
chooser_response (GtkNativeDialog *dialog,
                  int              response,
                  LabLatentPage   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path != NULL && !lab_latent_page_export (self, self->export_kind, path, &error))
        lab_widget_show_error (GTK_WIDGET (self), error);
    }
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  LabLatentPage *self = LAB_LATENT_PAGE (widget);
  const char *kind = g_variant_get_string (param, NULL);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean idx = g_strcmp0 (kind, "idx") == 0;

  if (self->chooser != NULL)
    return;
  g_free (self->export_kind);
  self->export_kind = g_strdup (idx ? "idx" : "png");
  self->chooser = gtk_file_chooser_native_new (idx ? _("Export the Gallery as IDX Files")
                                                   : _("Export the Gallery as a Folder of PNGs"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser),
                                     idx ? "augmented-images-idx3-ubyte" : "augmented-digits");
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Actions */

static void
update_actions (LabLatentPage *self)
{
  gboolean running = lab_job_lookup (self, EMBED_SLOT) != NULL;
  gboolean go_to_train;
  g_autofree char *problem = model_problem (self, &go_to_train);
  gboolean invertible = self->embedding != NULL && lab_embed_method_is_invertible (self->embedding->method);
  guint kept = self->gallery ? lab_gallery_get_n (self->gallery) : 0;

  LabPage *page = LAB_PAGE (self);

  lab_page_set_action_enabled (page, "page.embed", !running && problem == NULL);
  lab_page_set_action_enabled (page, "page.latent-manifold", invertible && !running);
  lab_page_set_action_enabled (page, "page.latent-fit", self->embedding != NULL || running);
  lab_page_set_action_enabled (page, "page.keep-sample", self->has_sample);
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
  if (on && self->mosaic == NULL && !compute_manifold (self, &error))
    {
      lab_widget_show_error (GTK_WIDGET (self), error);
      on = FALSE;
    }
  show_manifold_state (self, on);
  if (self->embedding != NULL)
    gtk_stack_set_visible_child_name (self->view_stack, on ? "manifold" : "scatter");
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

  if (self->gallery != NULL)
    lab_gallery_clear (self->gallery);
  rebuild_gallery (self);
}

/* Session */

static void
maybe_auto_embed (LabLatentPage *self)
{
  if (self->auto_embed_done || self->embedding != NULL || lab_job_lookup (self, EMBED_SLOT) != NULL
      || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  start_embed (self);
}

static void
clear_embedding (LabLatentPage *self)
{
  LabScatterPlot *plot = lab_scatter_view_get_plot (self->scatter);

  lab_job_cancel_slot (self, EMBED_SLOT);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  g_clear_pointer (&self->embedding, lab_embedding_free);
  g_clear_pointer (&self->decoder, lab_model_free);
  g_clear_pointer (&self->mosaic, cairo_surface_destroy);
  g_clear_pointer (&self->strip_latents, g_free);
  g_clear_pointer (&self->strip_images, g_free);
  lab_scatter_plot_set_points (plot, NULL, NULL, 0, FALSE);
  lab_scatter_view_set_images (self->scatter, NULL, NULL, 0);
  gtk_revealer_set_reveal_child (self->strip_revealer, FALSE);
  gtk_widget_set_visible (self->neighbours_panel, FALSE);
  show_manifold_state (self, FALSE);
  gtk_label_set_label (self->status_label, "");
}

static void
update_empty_or_wait (LabLatentPage *self)
{
  g_autofree char *problem = NULL;
  gboolean go_to_train;

  problem = model_problem (self, &go_to_train);
  if (problem != NULL)
    show_empty (self, problem, go_to_train);
  else if (self->embedding == NULL && lab_job_lookup (self, EMBED_SLOT) == NULL)
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
  if ((self->embedding != NULL && self->images_ds != ds) || lab_job_lookup (self, EMBED_SLOT) != NULL)
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

  lab_job_cancel_slot (self, EMBED_SLOT);
  lab_job_cancel_slot (self, NEAREST_SLOT);
  if (self->gate != NULL && !lab_worker_gate_wait (self->gate, 10000))
    g_warning ("A latent-space worker did not stop within 10 s");
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_LATENT_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_latent_page_parent_class)->dispose (object);
}

static void
lab_latent_page_finalize (GObject *object)
{
  LabLatentPage *self = (LabLatentPage *)object;

  g_clear_pointer (&self->gate, lab_worker_gate_unref);
  g_clear_pointer (&self->embedding, lab_embedding_free);
  g_clear_pointer (&self->decoder, lab_model_free);
  g_clear_pointer (&self->images_ds, lab_dataset_unref);
  g_clear_pointer (&self->gallery, lab_gallery_free);
  g_clear_pointer (&self->mosaic, cairo_surface_destroy);
  g_clear_object (&self->class_list);
  g_free (self->empty_text);
  g_free (self->sample_latent);
  g_free (self->sample_image);
  g_free (self->strip_latents);
  g_free (self->strip_images);
  g_free (self->export_kind);

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

  g_type_ensure (LAB_TYPE_SCATTER_VIEW);
  g_type_ensure (LAB_TYPE_IMAGE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-latent-page.ui");
  gtk_widget_class_set_css_name (widget_class, "latentpage");
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, size_spin);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, embed_button);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, manifold_button);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, empty_button);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, scatter);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, manifold_area);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, manifold_label);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, strip_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, strip_label);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, strip_box);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, decoded_view);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, decoded_caption);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, neighbours_panel);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, neighbours_box);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, keep_label_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, keep_button);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, gallery_title);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, diversity_label);
  gtk_widget_class_bind_template_child (widget_class, LabLatentPage, gallery_list);
}

static void
lab_latent_page_init (LabLatentPage *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->gate = lab_worker_gate_new ();
  self->class_list = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->keep_label_dropdown, G_LIST_MODEL (self->class_list));

  for (guint i = 0; i < STRIP_STEPS; i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *view = lab_image_view_new ();
      GtkWidget *caption = gtk_label_new (NULL);
      GtkGesture *click = gtk_gesture_click_new ();

      lab_image_view_set_pixel_size (LAB_IMAGE_VIEW (view), 72);
      gtk_widget_add_css_class (view, "thumbnail");
      g_object_set_data (G_OBJECT (view), "lab-step", GUINT_TO_POINTER (i));
      g_signal_connect (click, "pressed", G_CALLBACK (on_strip_pressed), self);
      gtk_widget_add_controller (view, GTK_EVENT_CONTROLLER (click));
      gtk_widget_set_cursor_from_name (view, "pointer");
      gtk_widget_set_tooltip_text (view, _("Show this step large, to keep it"));
      gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (caption), 9);
      gtk_widget_add_css_class (caption, "strip-caption");
      gtk_box_append (GTK_BOX (box), view);
      gtk_box_append (GTK_BOX (box), caption);
      gtk_box_append (self->strip_box, box);
      self->strip_views[i] = LAB_IMAGE_VIEW (view);
      self->strip_captions[i] = GTK_LABEL (caption);
    }
  for (guint i = 0; i < NEIGHBOURS; i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *view = lab_image_view_new ();
      GtkWidget *label = gtk_label_new (NULL);

      lab_image_view_set_pixel_size (LAB_IMAGE_VIEW (view), 44);
      gtk_widget_add_css_class (view, "thumbnail");
      gtk_widget_add_css_class (label, "neighbour-weight");
      gtk_box_append (GTK_BOX (box), view);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (self->neighbours_box, box);
      self->neighbour_views[i] = LAB_IMAGE_VIEW (view);
      self->neighbour_labels[i] = GTK_LABEL (label);
    }

  gtk_drawing_area_set_draw_func (self->manifold_area, draw_manifold, self, NULL);
  g_signal_connect_swapped (self->scatter, "location-activated", G_CALLBACK (on_location_activated), self);
  g_signal_connect_swapped (self->scatter, "morph-requested", G_CALLBACK (on_morph_requested), self);
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

  rebuild_gallery (self);
  gtk_label_set_label (self->decoded_caption, _("Click the map to decode a point"));
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

LabScatterView *
lab_latent_page_get_scatter (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), NULL);
  return self->scatter;
}

LabImageView *
lab_latent_page_get_decoded_view (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), NULL);
  return self->decoded_view;
}

LabImageView *
lab_latent_page_get_strip_view (LabLatentPage *self,
                                guint          i)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), NULL);
  g_return_val_if_fail (i < STRIP_STEPS, NULL);
  return self->strip_views[i];
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
  return lab_job_lookup (self, EMBED_SLOT) != NULL;
}

guint
lab_latent_page_get_n_frames (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), 0);
  return self->n_frames;
}

void
lab_latent_page_click (LabLatentPage *self,
                       double         x,
                       double         y)
{
  g_return_if_fail (LAB_IS_LATENT_PAGE (self));
  lab_scatter_view_click (self->scatter, x, y);
}

guint
lab_latent_page_get_neighbours (LabLatentPage  *self,
                                const guint   **rows)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), 0);
  if (rows != NULL)
    *rows = self->neighbours;
  return self->n_neighbours;
}

int
lab_latent_page_get_keep_label (LabLatentPage *self)
{
  guint selected;

  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), -1);
  selected = gtk_drop_down_get_selected (self->keep_label_dropdown);
  return selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected;
}

LabGallery *
lab_latent_page_get_gallery (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), NULL);
  return self->gallery;
}

gboolean
lab_latent_page_is_searching (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), FALSE);
  return self->searching || self->search_pending;
}

const char *
lab_latent_page_get_status (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), NULL);
  return gtk_label_get_label (self->status_label);
}

const char *
lab_latent_page_get_empty_text (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), NULL);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "empty") != 0)
    return NULL;
  return self->empty_text;
}
