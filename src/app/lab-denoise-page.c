#define G_LOG_DOMAIN "latentlab"

#include <math.h>
#include <string.h>

#include <inttypes.h>

#include <glib/gi18n.h>

#include "lab-denoise-page-private.h"
#include "lab-format.h"
#include "lab-job.h"
#include "lab-loss.h"
#include "lab-noise-sweep.h"
#include "lab-rng.h"
#include "lab-task.h"
#include "lab-worker-gate.h"

#define PASS_SLOT   "denoise"
#define SWEEP_SLOT  "sweep"
/* Each image keeps its noise pattern as the slider moves. */
#define PASS_SEED   G_GUINT64_CONSTANT (0xde9015e)

/* In the order of the noise type dropdown. */
static const LabNoiseType noise_types[] = {
  LAB_NOISE_GAUSSIAN, LAB_NOISE_SALT_PEPPER, LAB_NOISE_MASK, LAB_NOISE_DOWNSAMPLE,
};

typedef struct
{
  LabModel   *model;        /* lent by the page; given back by the done callback */
  LabDataset *dataset;
  guint       indices[LAB_DENOISE_IMAGES];
  guint       n;
  LabNoise    noise;
  guint       generation;
  guint64     serial;
  LabWorkerGate *gate;
  double      ms;           /* what the pass took on the worker */
} PassRequest;

typedef struct
{
  LabModel      *model;
  LabDataset    *dataset;
  LabNoiseType   type;
  guint          n_images;
  LabWorkerGate *gate;
  guint64        serial;
} SweepRequest;

/* Filled level by level; the progress payload is a copy. */
typedef struct
{
  guint              n_levels;
  LabNoiseSweepPoint points[LAB_DENOISE_SWEEP_LEVELS];
} SweepPoints;

struct _LabDenoisePage
{
  LabPage         parent_instance;

  /* Template widgets */
  GtkStack       *stack;
  GtkLabel       *empty_label;
  GtkDropDown    *noise_type_dropdown;
  GtkScale       *noise_scale;
  GtkButton      *reshuffle_button;
  GtkLabel       *means_label;
  GtkLabel       *model_label;
  LabReconGrid   *grid;
  GtkLabel       *sweep_label;
  GtkButton      *sweep_button;
  GtkProgressBar *sweep_progress;
  LabPlotView    *loss_plot;
  LabPlotView    *psnr_plot;

  /* Owned */
  LabWorkerGate  *gate;
  LabModel       *infer;          /* the page's copy of the session model, or NULL */
  guint           infer_generation;
  guint64         infer_serial;
  guint           model_generation;  /* bumped by model-changed */
  LabDataset     *images_ds;      /* what indices index */
  guint           indices[LAB_DENOISE_IMAGES];
  guint           n_images;
  guint           n_shuffles;
  LabReconBatch  *shown;
  double          shown_level;
  double          pass_ms;
  guint           n_passes;
  guint64         sweep_serial;   /* weights the curves are for; 0: none */
  SweepPoints     sweep;          /* the last finished sweep */

  guint           busy : 1;       /* a pass runs on a worker */
  guint           pending : 1;    /* another pass is wanted when it returns */
  guint           use_worker : 1;
  guint           dirty : 1;      /* new weights arrived while hidden */
  guint           sweep_dirty : 1;
  guint           syncing : 1;
};

enum {
  PROP_0,
  PROP_NOISE_LEVEL,
  PROP_NOISE_TYPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabDenoisePage, lab_denoise_page, LAB_TYPE_PAGE)

static void request_pass  (LabDenoisePage *self);
static void maybe_sweep   (LabDenoisePage *self);
static void update_markers (LabDenoisePage *self);

static LabSession *
page_session (LabDenoisePage *self)
{
  return lab_page_get_session (LAB_PAGE (self));
}

static LabModel *
session_model (LabDenoisePage *self)
{
  return page_session (self) != NULL ? lab_session_get_model (page_session (self)) : NULL;
}

static LabDataset *
test_dataset (LabDenoisePage *self)
{
  return page_session (self) != NULL ? lab_session_get_test_dataset (page_session (self)) : NULL;
}

static double
noise_level (LabDenoisePage *self)
{
  return gtk_range_get_value (GTK_RANGE (self->noise_scale));
}

static LabNoise
current_noise (LabDenoisePage *self)
{
  guint i = gtk_drop_down_get_selected (self->noise_type_dropdown);
  LabNoise noise;

  noise.type = noise_types[MIN (i, G_N_ELEMENTS (noise_types) - 1)];
  noise.amount = noise.type == LAB_NOISE_DOWNSAMPLE ? 0 : (float) noise_level (self);
  return noise;
}

/* The inference copy of the session's model, with the latest weights;
 * the caller owns it until give_back_model. */
static LabModel *
take_model (LabDenoisePage *self)
{
  LabModel *model = g_steal_pointer (&self->infer);
  LabModel *source = session_model (self);

  if (model != NULL && self->infer_generation != self->model_generation)
    g_clear_pointer (&model, lab_model_free);
  if (model == NULL)
    model = lab_model_copy (source, LAB_DENOISE_IMAGES);
  else if (self->infer_serial != lab_session_get_weights_serial (page_session (self)))
    lab_model_copy_params_from (model, source);
  self->infer_generation = self->model_generation;
  self->infer_serial = lab_session_get_weights_serial (page_session (self));
  return model;
}

static void
give_back_model (LabDenoisePage *self,
                 LabModel       *model,
                 guint           generation,
                 guint64         serial)
{
  if (self->infer == NULL && generation == self->model_generation)
    {
      self->infer = model;
      self->infer_generation = generation;
      self->infer_serial = serial;
    }
  else
    lab_model_free (model);
}

/* Showing */

static void
show_empty (LabDenoisePage *self,
            const char     *text)
{
  gtk_label_set_label (self->empty_label, text);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
show_model_label (LabDenoisePage *self)
{
  LabModel *model = session_model (self);
  const LabTrainConfig *config;
  GString *text;

  if (model == NULL)
    return;
  config = lab_session_get_train_config (page_session (self));
  text = g_string_new (lab_model_get_name (model));
  if (config != NULL)
    {
      g_autofree char *noise = lab_noise_to_string (&config->noise);

      g_string_append_printf (text, _("  ·  trained with noise %s"), noise);
    }
  if (lab_session_get_training (page_session (self)))
    g_string_append_printf (text, _("  ·  training: live weights of step %" PRIu64),
                            lab_session_get_step (page_session (self)));
  gtk_label_set_label (self->model_label, text->str);
  g_string_free (text, TRUE);
}

static void
show_pass (LabDenoisePage *self,
           LabReconBatch  *batch,
           double          level)
{
  g_autofree char *text = NULL;

  g_clear_pointer (&self->shown, lab_recon_batch_free);
  self->shown = batch;
  self->shown_level = level;
  self->n_passes++;
  lab_recon_grid_show_batch (self->grid, batch, TRUE);
  if (isfinite (batch->mean_noisy_psnr))
    text = g_strdup_printf (_("Mean of %u test images:  noisy %.1f dB  →  denoised %.1f dB  (MSE %.4f)"),
                            batch->n, batch->mean_noisy_psnr, batch->mean_psnr, batch->mean_mse);
  else
    text = g_strdup_printf (_("Mean of %u test images:  output %.1f dB  (MSE %.4f)"),
                            batch->n, batch->mean_psnr, batch->mean_mse);
  gtk_label_set_label (self->means_label, text);
  show_model_label (self);
}

/* The 16-image pass */

static void
pass_request_free (gpointer data)
{
  PassRequest *req = data;

  g_clear_pointer (&req->model, lab_model_free);
  g_clear_pointer (&req->dataset, lab_dataset_unref);
  g_clear_pointer (&req->gate, lab_worker_gate_unref);
  g_free (req);
}

static gpointer
pass_worker (LabJob        *job,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  PassRequest *req = data;
  LabReconBatch *batch;
  gint64 start = g_get_monotonic_time ();

  batch = lab_recon_batch_compute (req->model, req->dataset, req->indices, req->n, &req->noise,
                                   PASS_SEED, error);
  req->ms = (g_get_monotonic_time () - start) / 1000.0;
  lab_worker_gate_leave (req->gate);
  return batch;
}

static void
pass_done (gpointer      owner,
           LabJob       *job,
           gpointer      result,
           const GError *error)
{
  LabDenoisePage *self = owner;
  PassRequest *req = lab_job_get_data (job);
  LabReconBatch *batch = result;

  self->busy = FALSE;
  self->pass_ms = req->ms;
  /* Fast again (the machine was busy when it was measured): back to the
   * main thread, with a margin so it does not flip back and forth. Not
   * while training, which keeps the passes on the worker anyway. */
  if (req->ms < 0.6 * LAB_DENOISE_INLINE_MS && !lab_session_get_training (page_session (self)))
    self->use_worker = FALSE;
  give_back_model (self, g_steal_pointer (&req->model), req->generation, req->serial);
  if (batch != NULL)
    show_pass (self, batch, req->noise.type == LAB_NOISE_DOWNSAMPLE ? noise_level (self) : req->noise.amount);
  else if (error != NULL)
    g_debug ("Denoise pass: %s", error->message);
  if (self->pending)
    {
      self->pending = FALSE;
      request_pass (self);
    }
}

static void
pick_images (LabDenoisePage *self,
             gboolean        shuffle)
{
  LabDataset *ds = test_dataset (self);

  g_clear_pointer (&self->images_ds, lab_dataset_unref);
  self->n_images = 0;
  if (ds == NULL)
    return;
  self->images_ds = lab_dataset_ref (ds);
  if (!shuffle)
    self->n_images = lab_recon_pick_by_class (ds, self->indices, LAB_DENOISE_IMAGES);
  else
    {
      LabRng rng;

      lab_rng_init (&rng, PASS_SEED + ++self->n_shuffles);
      self->n_images = MIN (LAB_DENOISE_IMAGES, ds->n);
      /* Distinct images: a partial Fisher-Yates over a lazily built range
       * would need n; 16 draws with rejection are enough. */
      for (guint i = 0; i < self->n_images; i++)
        {
          guint pick;
          gboolean seen;

          do
            {
              pick = (guint) lab_rng_below (&rng, ds->n);
              seen = FALSE;
              for (guint j = 0; j < i; j++)
                seen |= self->indices[j] == pick;
            }
          while (seen);
          self->indices[i] = pick;
        }
    }
}

static void
request_pass (LabDenoisePage *self)
{
  LabModel *source = session_model (self);
  LabNoise noise = current_noise (self);
  g_autoptr(GError) error = NULL;
  LabTask task;

  if (source == NULL)
    {
      show_empty (self, _("There is no model yet. Train one on the Train page, or open a "
                          "model file, and its denoising shows here."));
      return;
    }
  if (self->images_ds == NULL || self->images_ds != test_dataset (self))
    pick_images (self, FALSE);
  if (self->images_ds == NULL || self->n_images == 0)
    {
      show_empty (self, _("The dataset is still loading."));
      return;
    }
  if (!lab_task_for (source, self->images_ds, &task, &error))
    {
      g_autofree char *text = g_strdup_printf (_("This model does not fit the dataset shown: %s"),
                                               error->message);
      show_empty (self, text);
      return;
    }
  if (task == LAB_TASK_CLASSIFY)
    {
      show_empty (self, _("This model classifies images; denoising needs an autoencoder. "
                          "Train or open one on the Train page."));
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "content");

  if (self->busy)
    {
      self->pending = TRUE;
      return;
    }

  /* While training runs its threads take the cores, and a pass on the main
   * thread would take 10-30 ms of the window's time: on the worker, its
   * images come one frame after the slider's. Idle, a pass within
   * LAB_DENOISE_INLINE_MS runs here, so they are in the very frame that
   * moves the knob: GDK starts that frame at once and the next one only a
   * refresh interval later, which a worker's result would have to wait for. */
  if (!self->use_worker && !lab_session_get_training (page_session (self)))
    {
      guint generation = self->model_generation;
      guint64 serial = lab_session_get_weights_serial (page_session (self));
      LabModel *model = take_model (self);
      LabReconBatch *batch;
      gint64 start;

      /* Timed without take_model: a new model's first copy is not what
       * each slider step costs. */
      start = g_get_monotonic_time ();
      batch = lab_recon_batch_compute (model, self->images_ds, self->indices, self->n_images,
                                       &noise, PASS_SEED, &error);
      self->pass_ms = (g_get_monotonic_time () - start) / 1000.0;
      give_back_model (self, model, generation, serial);
      /* Too slow for a frame: from now on, passes run on a worker. */
      if (self->pass_ms > LAB_DENOISE_INLINE_MS)
        {
          g_debug ("Denoise pass took %.1f ms on the main thread; using a worker", self->pass_ms);
          self->use_worker = TRUE;
        }
      if (batch != NULL)
        show_pass (self, batch, noise_level (self));
      else
        lab_widget_show_error (GTK_WIDGET (self), error);
      return;
    }

  {
    g_autoptr(LabJob) job = NULL;
    PassRequest *req = g_new0 (PassRequest, 1);

    req->generation = self->model_generation;
    req->serial = lab_session_get_weights_serial (page_session (self));
    req->model = take_model (self);
    req->dataset = lab_dataset_ref (self->images_ds);
    memcpy (req->indices, self->indices, sizeof req->indices);
    req->n = self->n_images;
    req->noise = noise;
    req->gate = lab_worker_gate_ref (self->gate);
    self->busy = TRUE;
    lab_worker_gate_enter (self->gate);
    job = lab_job_new (self, PASS_SLOT, pass_worker, req, pass_request_free);
    lab_job_set_result_free_func (job, (GDestroyNotify) lab_recon_batch_free);
    lab_job_set_done_func (job, pass_done);
    lab_job_start (job);
  }
}

/* The loss-vs-noise sweep */

static void
sweep_request_free (gpointer data)
{
  SweepRequest *req = data;

  g_clear_pointer (&req->model, lab_model_free);
  g_clear_pointer (&req->dataset, lab_dataset_unref);
  g_clear_pointer (&req->gate, lab_worker_gate_unref);
  g_free (req);
}

/* Worker thread: each finished level goes to the page as a copy. */
static void
sweep_level_done (const LabNoiseSweepPoint *done,
                  guint                     n_done,
                  guint                     n_levels,
                  gpointer                  data)
{
  LabJob *job = data;
  SweepPoints *copy = g_new0 (SweepPoints, 1);

  copy->n_levels = n_done;
  memcpy (copy->points, done, n_done * sizeof *done);
  lab_job_report (job, (double) n_done / n_levels, NULL, copy, g_free);
}

static gpointer
sweep_worker (LabJob        *job,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  SweepRequest *req = data;
  SweepPoints *points = g_new0 (SweepPoints, 1);
  LabNoiseSweepConfig config;
  gboolean ok;

  lab_noise_sweep_config_init (&config);
  config.type = req->type;
  config.n_levels = LAB_DENOISE_SWEEP_LEVELS;
  config.n_images = req->n_images;
  ok = lab_noise_sweep_run (req->model, req->dataset, &config, points->points, sweep_level_done, job,
                            cancellable, error);
  points->n_levels = config.n_levels;
  lab_worker_gate_leave (req->gate);
  if (!ok)
    g_clear_pointer (&points, g_free);
  return points;
}

static void
show_sweep (LabDenoisePage    *self,
            const SweepPoints *points)
{
  LabLinePlot *loss = lab_plot_view_reset (self->loss_plot);
  LabLinePlot *psnr = lab_plot_view_reset (self->psnr_plot);
  LabModel *model = session_model (self);
  g_autofree char *loss_label = NULL;
  const char *loss_name = model ? lab_loss_name (lab_model_get_loss (model)) : "";

  loss_label = g_strdup_printf (_("test loss (%s)"), loss_name);
  lab_line_plot_set_labels (loss, _("noise factor"), loss_label);
  lab_line_plot_set_labels (psnr, _("noise factor"), _("PSNR (dB)"));
  lab_line_plot_add_series (loss, _("denoised"), 0, LAB_LINE_STYLE_POINTS);
  lab_line_plot_add_series (psnr, _("denoised"), 0, LAB_LINE_STYLE_POINTS);
  lab_line_plot_add_series (psnr, _("noisy input"), 3, LAB_LINE_STYLE_POINTS);
  for (guint l = 0; l < points->n_levels; l++)
    {
      const LabNoiseSweepPoint *p = &points->points[l];

      if (isfinite (p->loss))
        lab_line_plot_append (loss, LAB_DENOISE_SERIES_DENOISED, p->level, p->loss);
      if (isfinite (p->psnr))
        lab_line_plot_append (psnr, LAB_DENOISE_SERIES_DENOISED, p->level, p->psnr);
      /* A clean input is a perfect match (100 dB): off the scale that matters. */
      if (isfinite (p->noisy_psnr) && p->noisy_psnr < 99)
        lab_line_plot_append (psnr, LAB_DENOISE_SERIES_NOISY, p->level, p->noisy_psnr);
    }
  update_markers (self);
}

static void
sweep_progress (gpointer    owner,
                LabJob     *job,
                double      fraction,
                const char *text,
                gpointer    payload)
{
  LabDenoisePage *self = owner;

  gtk_progress_bar_set_fraction (self->sweep_progress, fraction);
  if (payload != NULL)
    show_sweep (self, payload);
}

static void
sweep_done (gpointer      owner,
            LabJob       *job,
            gpointer      result,
            const GError *error)
{
  LabDenoisePage *self = owner;
  SweepRequest *req = lab_job_get_data (job);
  g_autofree SweepPoints *points = result;
  g_autofree char *images = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->sweep_progress), FALSE);
  if (points == NULL)
    {
      if (error != NULL)
        lab_widget_show_error (GTK_WIDGET (self), error);
      return;
    }
  self->sweep = *points;
  self->sweep_serial = req->serial;
  show_sweep (self, points);
  images = lab_format_count_localized (req->n_images);
  text = g_strdup_printf (_("Loss and PSNR against noise, %s test images"), images);
  gtk_label_set_label (self->sweep_label, text);
}

static void
start_sweep (LabDenoisePage *self)
{
  LabModel *model = session_model (self);
  LabDataset *ds = test_dataset (self);
  g_autoptr(LabJob) job = NULL;
  SweepRequest *req;
  LabTask task;

  if (model == NULL || ds == NULL || !lab_task_for (model, ds, &task, NULL) || task == LAB_TASK_CLASSIFY)
    return;
  self->sweep_dirty = FALSE;
  req = g_new0 (SweepRequest, 1);
  /* Batches of 100: lab_evaluate uses the model's batch. */
  req->model = lab_model_copy (model, 100);
  req->dataset = lab_dataset_ref (ds);
  req->type = current_noise (self).type;
  req->n_images = MIN (LAB_DENOISE_SWEEP_IMAGES, ds->n);
  req->gate = lab_worker_gate_ref (self->gate);
  req->serial = lab_session_get_weights_serial (page_session (self));

  gtk_progress_bar_set_fraction (self->sweep_progress, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->sweep_progress), TRUE);
  {
    g_autofree char *images = lab_format_count_localized (req->n_images);
    g_autofree char *text = g_strdup_printf (_("Computing %u noise levels × %s test images…"),
                                             LAB_DENOISE_SWEEP_LEVELS, images);

    gtk_label_set_label (self->sweep_label, text);
  }

  lab_worker_gate_enter (self->gate);
  job = lab_job_new (self, SWEEP_SLOT, sweep_worker, req, sweep_request_free);
  lab_job_set_result_free_func (job, g_free);
  lab_job_set_progress_func (job, sweep_progress);
  lab_job_set_done_func (job, sweep_done);
  lab_job_start (job);
}

/* Empty curves with their axes, and what to do about them. */
static void
reset_sweep_plots (LabDenoisePage *self,
                   const char     *title)
{
  LabLinePlot *loss = lab_plot_view_reset (self->loss_plot);
  LabLinePlot *psnr = lab_plot_view_reset (self->psnr_plot);

  lab_line_plot_set_labels (loss, _("noise factor"), _("test loss"));
  lab_line_plot_set_labels (psnr, _("noise factor"), _("PSNR (dB)"));
  gtk_label_set_label (self->sweep_label, title);
  update_markers (self);
}

/* The sweep runs for each new model once training is over: while it
 * trains, the curves would go stale at once and slow the training down
 * (win.sweep-noise still computes them on request). */
static void
maybe_sweep (LabDenoisePage *self)
{
  if (!self->sweep_dirty || page_session (self) == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (lab_session_get_training (page_session (self)))
    {
      if (self->sweep_serial == 0 && lab_job_lookup (self, SWEEP_SLOT) == NULL)
        gtk_label_set_label (self->sweep_label,
                             _("Loss and PSNR against noise: computed when training ends, "
                               "or now with ↻"));
      return;
    }
  start_sweep (self);
}

static void
update_markers (LabDenoisePage *self)
{
  const LabTrainConfig *config = page_session (self) != NULL ? lab_session_get_train_config (page_session (self)) : NULL;
  LabNoise noise = current_noise (self);

  for (guint p = 0; p < 2; p++)
    {
      LabPlotView *view = p == 0 ? self->loss_plot : self->psnr_plot;
      LabLinePlot *plot = lab_plot_view_get_plot (view);

      gboolean trained = config != NULL && lab_noise_type_has_amount (config->noise.type);
      /* One marker when the two are too close for two labels. */
      gboolean near = trained && fabs (config->noise.amount - noise.amount) < 0.12;

      lab_line_plot_clear_markers (plot);
      if (trained)
        {
          const char *label = config->noise.type != noise.type ? lab_noise_type_name (config->noise.type)
                              : _("trained");

          lab_line_plot_add_marker (plot, config->noise.amount, label);
        }
      if (lab_noise_type_has_amount (noise.type))
        lab_line_plot_add_marker (plot, noise.amount, near ? "" : _("now"));
      lab_line_plot_set_x_range (plot, 0, 1);
      lab_plot_view_changed (view);
    }
}

/* Actions and controls */

static void
set_level (LabDenoisePage *self,
           double          level)
{
  level = round (CLAMP (level, 0.0, 1.0) * 100) / 100;
  if (fabs (gtk_range_get_value (GTK_RANGE (self->noise_scale)) - level) > 1e-9)
    {
      self->syncing = TRUE;
      gtk_range_set_value (GTK_RANGE (self->noise_scale), level);
      self->syncing = FALSE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOISE_LEVEL]);
  update_markers (self);
  request_pass (self);
}

static void
on_scale_changed (LabDenoisePage *self)
{
  if (!self->syncing)
    set_level (self, gtk_range_get_value (GTK_RANGE (self->noise_scale)));
}

/* page.noise-type (the "noise-type" property): a noise type's name. */
static void
set_noise_type (LabDenoisePage *self,
                const char     *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (noise_types); i++)
    if (g_strcmp0 (lab_noise_type_name (noise_types[i]), name) == 0)
      {
        gtk_drop_down_set_selected (self->noise_type_dropdown, i);
        return;
      }
  {
    g_autoptr(GError) error = g_error_new (LAB_ERROR, LAB_ERROR_INVALID,
                                           _("Unknown noise type “%s”: use gaussian, salt-pepper, "
                                             "mask or downsample"), name);

    lab_widget_show_error (GTK_WIDGET (self), error);
  }
}

static void
on_noise_type_changed (LabDenoisePage *self)
{
  LabNoise noise = current_noise (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOISE_TYPE]);
  gtk_widget_set_sensitive (GTK_WIDGET (self->noise_scale), lab_noise_type_has_amount (noise.type));
  self->sweep_dirty = TRUE;
  update_markers (self);
  request_pass (self);
  maybe_sweep (self);
}

static void
reshuffle_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (widget);

  pick_images (self, TRUE);
  request_pass (self);
}

static void
sweep_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  start_sweep (LAB_DENOISE_PAGE (widget));
}

/* Session */

/* A new model: show it at the noise it was trained with. */
static void
lab_denoise_page_model_changed (LabPage *page)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (page);
  const LabTrainConfig *config = lab_session_get_train_config (page_session (self));

  self->model_generation++;
  g_clear_pointer (&self->infer, lab_model_free);
  self->use_worker = FALSE;
  self->sweep_dirty = TRUE;
  self->sweep_serial = 0;
  lab_job_cancel_slot (self, SWEEP_SLOT);
  gtk_widget_set_visible (GTK_WIDGET (self->sweep_progress), FALSE);
  reset_sweep_plots (self, _("Loss and PSNR against noise"));

  if (config != NULL && config->noise.type != LAB_NOISE_NONE)
    {
      for (guint i = 0; i < G_N_ELEMENTS (noise_types); i++)
        if (noise_types[i] == config->noise.type)
          gtk_drop_down_set_selected (self->noise_type_dropdown, i);
      if (lab_noise_type_has_amount (config->noise.type))
        set_level (self, config->noise.amount);
    }
  update_markers (self);
  request_pass (self);
  maybe_sweep (self);
}

static void
lab_denoise_page_weights_published (LabPage *page)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (page);

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->dirty = TRUE;
      return;
    }
  request_pass (self);
}

static void
lab_denoise_page_datasets_changed (LabPage *page)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (page);

  pick_images (self, FALSE);
  self->sweep_dirty = TRUE;
  request_pass (self);
  maybe_sweep (self);
}

static void
on_training_changed (LabDenoisePage *self)
{
  show_model_label (self);
  /* Passes went to the worker while training took the cores: without it
   * the main thread may be fast enough again, and the next pass tells. */
  if (!lab_session_get_training (page_session (self)))
    self->use_worker = FALSE;
  /* Training finished: the curves are worth computing for the final weights. */
  if (!lab_session_get_training (page_session (self))
      && self->sweep_serial != lab_session_get_weights_serial (page_session (self)))
    self->sweep_dirty = TRUE;
  maybe_sweep (self);
}

/* GObject */

static void
lab_denoise_page_map (GtkWidget *widget)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (widget);

  GTK_WIDGET_CLASS (lab_denoise_page_parent_class)->map (widget);
  if (self->dirty)
    {
      self->dirty = FALSE;
      request_pass (self);
    }
  maybe_sweep (self);
}

static void
lab_denoise_page_dispose (GObject *object)
{
  LabDenoisePage *self = (LabDenoisePage *)object;
  GtkWidget *child;

  lab_job_cancel_slot (self, PASS_SLOT);
  lab_job_cancel_slot (self, SWEEP_SLOT);
  if (self->gate != NULL && !lab_worker_gate_wait (self->gate, 10000))
    g_warning ("A denoising worker did not stop within 10 s");

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_DENOISE_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_denoise_page_parent_class)->dispose (object);
}

static void
lab_denoise_page_finalize (GObject *object)
{
  LabDenoisePage *self = (LabDenoisePage *)object;

  g_clear_pointer (&self->infer, lab_model_free);
  g_clear_pointer (&self->images_ds, lab_dataset_unref);
  g_clear_pointer (&self->shown, lab_recon_batch_free);
  g_clear_pointer (&self->gate, lab_worker_gate_unref);

  G_OBJECT_CLASS (lab_denoise_page_parent_class)->finalize (object);
}

static void
lab_denoise_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (object);

  switch (prop_id)
    {
    case PROP_NOISE_LEVEL:
      /* In steps of 0.01, as set_level() keeps it. */
      g_value_set_double (value, round (CLAMP (noise_level (self), 0.0, 1.0) * 100) / 100);
      break;

    case PROP_NOISE_TYPE:
      g_value_set_string (value, lab_noise_type_name (current_noise (self).type));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_denoise_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (object);

  switch (prop_id)
    {
    case PROP_NOISE_LEVEL:
      set_level (self, g_value_get_double (value));
      break;

    case PROP_NOISE_TYPE:
      set_noise_type (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_denoise_page_class_init (LabDenoisePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  LabPageClass *page_class = LAB_PAGE_CLASS (klass);

  object_class->dispose = lab_denoise_page_dispose;
  object_class->finalize = lab_denoise_page_finalize;
  object_class->get_property = lab_denoise_page_get_property;
  object_class->set_property = lab_denoise_page_set_property;
  widget_class->map = lab_denoise_page_map;

  page_class->datasets_changed = lab_denoise_page_datasets_changed;
  page_class->model_changed = lab_denoise_page_model_changed;
  page_class->weights_published = lab_denoise_page_weights_published;

  properties[PROP_NOISE_LEVEL] =
    g_param_spec_double ("noise-level", NULL, NULL,
                         0.0, 1.0, 0.5,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NOISE_TYPE] =
    g_param_spec_string ("noise-type", NULL, NULL,
                         "gaussian",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_property_action (widget_class, "page.noise-level", "noise-level");
  gtk_widget_class_install_property_action (widget_class, "page.noise-type", "noise-type");
  gtk_widget_class_install_action (widget_class, "page.reshuffle", NULL, reshuffle_activated);
  gtk_widget_class_install_action (widget_class, "page.sweep-noise", NULL, sweep_activated);

  g_type_ensure (LAB_TYPE_PLOT_VIEW);
  g_type_ensure (LAB_TYPE_RECON_GRID);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-denoise-page.ui");
  gtk_widget_class_set_css_name (widget_class, "denoisepage");
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, stack);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, noise_type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, noise_scale);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, reshuffle_button);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, means_label);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, model_label);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, grid);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, sweep_label);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, sweep_button);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, sweep_progress);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, loss_plot);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, psnr_plot);
}

static void
lab_denoise_page_init (LabDenoisePage *self)
{

  gtk_widget_init_template (GTK_WIDGET (self));

  self->gate = lab_worker_gate_new ();
  g_signal_group_connect_swapped (lab_page_get_session_signals (LAB_PAGE (self)), "notify::training",
                                  G_CALLBACK (on_training_changed), self);

  lab_recon_grid_set_row_title (self->grid, 0, _("Noisy  (PSNR)"));
  lab_recon_grid_set_row_title (self->grid, 1, _("Denoised  (PSNR, MSE)"));
  lab_recon_grid_set_row_title (self->grid, 2, _("Clean"));
  lab_recon_grid_set_max_columns (self->grid, 8);

  reset_sweep_plots (self, _("Loss and PSNR against noise"));

  g_signal_connect_swapped (self->noise_scale, "value-changed", G_CALLBACK (on_scale_changed), self);
  g_signal_connect_swapped (self->noise_type_dropdown, "notify::selected",
                            G_CALLBACK (on_noise_type_changed), self);
  show_empty (self, _("There is no model yet. Train one on the Train page, or open a "
                      "model file, and its denoising shows here."));
}

GtkWidget *
lab_denoise_page_new (void)
{
  return g_object_new (LAB_TYPE_DENOISE_PAGE, NULL);
}

/* Testing accessors */

LabReconGrid *
lab_denoise_page_get_grid (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), NULL);
  return self->grid;
}

GtkRange *
lab_denoise_page_get_noise_scale (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), NULL);
  return GTK_RANGE (self->noise_scale);
}

const LabReconBatch *
lab_denoise_page_get_shown (LabDenoisePage *self,
                            double         *level)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), NULL);
  if (level != NULL)
    *level = self->shown_level;
  return self->shown;
}

gboolean
lab_denoise_page_is_busy (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), FALSE);
  return self->busy || self->pending;
}

double
lab_denoise_page_get_pass_ms (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), 0);
  return self->pass_ms;
}

gboolean
lab_denoise_page_uses_worker (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), FALSE);
  return self->use_worker;
}

gboolean
lab_denoise_page_is_sweeping (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), FALSE);
  return lab_job_lookup (self, SWEEP_SLOT) != NULL;
}

guint
lab_denoise_page_get_sweep_levels (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), 0);
  return self->sweep_serial != 0 ? self->sweep.n_levels : 0;
}

LabPlotView *
lab_denoise_page_get_loss_plot (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), NULL);
  return self->loss_plot;
}

LabPlotView *
lab_denoise_page_get_psnr_plot (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), NULL);
  return self->psnr_plot;
}

guint
lab_denoise_page_get_n_passes (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), 0);
  return self->n_passes;
}
