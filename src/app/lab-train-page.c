#define G_LOG_DOMAIN "latentlab"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-arch-editor.h"
#include "lab-format.h"
#include "lab-job.h"
#include "lab-loss.h"
#include "lab-metrics.h"
#include "lab-presets.h"
#include "lab-recon-batch.h"
#include "lab-rng.h"
#include "lab-spec-summary.h"
#include "lab-model-io.h"
#include "lab-task.h"
#include "lab-train-page-private.h"
#include "lab-train-record.h"
#include "lab-trainer.h"
#include "lab-worker-gate.h"

#define TRAIN_SLOT          "train"
#define RECON_SLOT          "recon"
#define RECON_IMAGES        10
/* The reconstruction strip's noise draws, fixed so the strip changes only
 * because the model does. */
#define RECON_SEED          G_GUINT64_CONSTANT (0x5eed)
/* The worker copies the weights and redraws the strip this often. */
#define PUBLISH_INTERVAL_US (250 * G_TIME_SPAN_MILLISECOND)
#define MAX_RECENT          8
/* Without a test split, this share of the training images validates. */
#define HOLD_OUT_FRACTION   0.1

/* In the order of the noise dropdown. */
static const LabNoiseType noise_types[] = {
  LAB_NOISE_NONE, LAB_NOISE_GAUSSIAN, LAB_NOISE_SALT_PEPPER, LAB_NOISE_MASK, LAB_NOISE_DOWNSAMPLE,
};

/* Training-set sizes offered; 0 is all. A size from the command line or a
 * model file that is not here is appended. */
static const guint default_limits[] = { 0, 10, 100, 1000, 10000 };

enum {
  LOSS_FROM_ARCH,
  LOSS_BCE,
  LOSS_MSE,
};

/* One training run, shared by the page (main thread) and the worker. */
typedef struct
{
  /* Set up on the main thread before the start; read-only afterwards. */
  LabDataset     *train;
  LabDataset     *val;            /* NULL: hold out a share of train */
  LabDataset     *recon_ds;       /* where the strip's images come from */
  guint           recon_indices[RECON_IMAGES];
  guint           n_recon;
  LabTrainConfig  config;
  char           *dataset_spec;
  const char     *init;           /* "torch", or NULL when going on from earlier weights */
  LabTrainer     *trainer;        /* pause/resume from any thread */
  GCancellable   *stop;           /* Stop: ends the run, its result is still delivered */
  LabWorkerGate  *gate;

  /* The worker's until the job completes; then the main thread reads it. */
  LabModel       *model;
  LabModel       *recon_model;    /* worker only: the strip's forward passes */
  LabJob         *job;
  gint64          last_publish;

  /* Handed from the worker to the main thread under the mutex. */
  GMutex          mutex;
  GArray         *points;         /* (element-type double) x, y of smoothed batch losses */
  GArray         *val_points;     /* (element-type double) epoch, validation loss */
  LabTrainProgress latest;        /* .model is NULL */
  gboolean        have_latest;
  float          *pub_params;     /* the latest weights not yet taken, or NULL */
  float          *pub_buffers;
  guint64         pub_step;
  LabReconBatch  *pub_recon;
} TrainRun;

typedef struct
{
  gboolean       stopped;
  GError        *diverged;
  guint64        steps;
  double         final_loss;
  double         final_psnr;
  double         final_accuracy;
  guint          final_images;
  char          *record_json;
  LabReconBatch *recon;
} TrainResult;

typedef struct
{
  LabModel   *model;
  LabDataset *dataset;
  guint       indices[RECON_IMAGES];
  guint       n;
  LabNoise    noise;
} ReconRequest;

struct _LabTrainPage
{
  LabPage               parent_instance;

  /* Template widgets */
  GtkRevealer          *settings_revealer;
  GtkScrolledWindow    *settings_scroller;
  GtkDropDown          *arch_dropdown;
  GtkMenuButton        *spec_button;
  GtkTextView          *spec_view;
  GtkButton            *build_button;
  GtkLabel             *arch_description;
  GtkGrid              *summary_grid;
  GtkLabel             *summary_total;
  GtkSpinButton        *epochs_spin;
  GtkSpinButton        *batch_spin;
  GtkSpinButton        *lr_spin;
  GtkSpinButton        *seed_spin;
  GtkDropDown          *optimizer_dropdown;
  GtkDropDown          *loss_dropdown;
  GtkDropDown          *noise_type_dropdown;
  GtkSpinButton        *noise_amount_spin;
  GtkDropDown          *limit_dropdown;
  GtkCheckButton       *continue_check;
  GtkButton            *start_button;
  GtkToggleButton      *pause_button;
  GtkImage             *pause_icon;
  GtkLabel             *pause_label;
  GtkButton            *stop_button;
  GtkProgressBar       *progress_bar;
  GtkLabel             *progress_label;
  GtkMenuButton        *model_button;
  GtkLabel             *status_label;
  LabPlotView          *loss_plot;
  LabReconGrid         *recon_grid;

  /* Owned */
  GSettings            *settings;         /* NULL without the schema */
  GtkStringList        *arch_titles;      /* the dropdown's model */
  GPtrArray            *arch_names;       /* (element-type utf8) preset per title; "" custom */
  LabSpec              *custom_spec;      /* built or opened, not a preset; or NULL */
  LabSpec              *chosen_spec;      /* what the dropdown shows, before the loss choice */
  GtkStringList        *loss_titles;
  GtkStringList        *limit_titles;
  GArray               *limits;           /* (element-type guint) per limit title */
  GMenu                *recent_section;
  GtkFileChooserNative *chooser;
  LabWorkerGate        *gate;
  TrainRun             *run;              /* the running training, or NULL */
  guint                 recon_indices[RECON_IMAGES];
  guint                 n_recon;
  LabDataset           *recon_ds;         /* the dataset recon_indices index */

  /* State shown */
  double                final_loss;
  guint64               final_steps;
  guint64               step;
  guint                 n_progress;
  gboolean              final_stopped;
  gboolean              paused;           /* page.pause's state */
  gboolean              start_pending;
  guint                 start_after_serial;
  guint                 syncing : 1;
};

enum {
  PROP_0,
  PROP_PAUSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabTrainPage, lab_train_page, LAB_TYPE_PAGE)

static void update_actions   (LabTrainPage *self);
static void refresh_recon    (LabTrainPage *self);
static void update_continue  (LabTrainPage *self);
static void maybe_start      (LabTrainPage *self);

static LabSession *
page_session (LabTrainPage *self)
{
  return lab_page_get_session (LAB_PAGE (self));
}

/* Formatting */

static const char *
loss_title (LabLossKind kind)
{
  switch (kind)
    {
    case LAB_LOSS_BCE:
      return "BCE";
    case LAB_LOSS_MSE:
      return "MSE";
    case LAB_LOSS_SOFTMAX_CE:
      return _("cross-entropy");
    default:
      return "";
    }
}

/* The run */

static void
train_run_clear (TrainRun *run)
{
  g_clear_pointer (&run->train, lab_dataset_unref);
  g_clear_pointer (&run->val, lab_dataset_unref);
  g_clear_pointer (&run->recon_ds, lab_dataset_unref);
  g_clear_pointer (&run->dataset_spec, g_free);
  g_clear_pointer (&run->trainer, lab_trainer_free);
  g_clear_object (&run->stop);
  g_clear_pointer (&run->gate, lab_worker_gate_unref);
  g_clear_pointer (&run->model, lab_model_free);
  g_clear_pointer (&run->recon_model, lab_model_free);
  g_clear_pointer (&run->points, g_array_unref);
  g_clear_pointer (&run->val_points, g_array_unref);
  g_clear_pointer (&run->pub_params, g_free);
  g_clear_pointer (&run->pub_buffers, g_free);
  g_clear_pointer (&run->pub_recon, lab_recon_batch_free);
  g_mutex_clear (&run->mutex);
}

static TrainRun *
train_run_new (void)
{
  TrainRun *run = g_atomic_rc_box_new0 (TrainRun);

  g_mutex_init (&run->mutex);
  run->points = g_array_new (FALSE, FALSE, sizeof (double));
  run->val_points = g_array_new (FALSE, FALSE, sizeof (double));
  run->stop = g_cancellable_new ();
  run->trainer = lab_trainer_new ();
  return run;
}

static TrainRun *
train_run_ref (TrainRun *run)
{
  return g_atomic_rc_box_acquire (run);
}

static void
train_run_unref (TrainRun *run)
{
  g_atomic_rc_box_release_full (run, (GDestroyNotify) train_run_clear);
}

static void
train_result_free (TrainResult *result)
{
  g_clear_error (&result->diverged);
  g_free (result->record_json);
  lab_recon_batch_free (result->recon);
  g_free (result);
}

/* Worker thread: called by the trainer after every step and epoch. Stores
 * what the page shows under the mutex; a copy of the weights and the
 * strip's reconstructions only every PUBLISH_INTERVAL_US, so the main
 * thread never waits for the model and the worker spends little on it. */
static gboolean
on_train_progress (const LabTrainProgress *p,
                   gpointer                data)
{
  TrainRun *run = data;
  gint64 now = g_get_monotonic_time ();
  gboolean publish = p->kind != LAB_TRAIN_BATCH || now - run->last_publish >= PUBLISH_INTERVAL_US;
  float *params = NULL, *buffers = NULL;
  LabReconBatch *recon = NULL;
  double done;

  if (publish)
    {
      params = g_memdup2 (lab_model_params (p->model), lab_model_n_params (p->model) * sizeof (float));
      if (lab_model_n_buffers (p->model) > 0)
        buffers = g_memdup2 (lab_model_buffers (p->model),
                             lab_model_n_buffers (p->model) * sizeof (float));
      if (run->recon_model != NULL && run->n_recon > 0)
        {
          lab_model_copy_params_from (run->recon_model, p->model);
          recon = lab_recon_batch_compute (run->recon_model, run->recon_ds, run->recon_indices,
                                           run->n_recon, &run->config.noise, RECON_SEED, NULL);
        }
      run->last_publish = g_get_monotonic_time ();
    }

  g_mutex_lock (&run->mutex);
  if (p->kind == LAB_TRAIN_BATCH && isfinite (p->smoothed_loss))
    {
      double xy[2] = { (p->epoch - 1) + (double) p->batch / MAX (p->n_batches, 1), p->smoothed_loss };

      g_array_append_vals (run->points, xy, 2);
    }
  else if (p->kind == LAB_TRAIN_EPOCH_END && isfinite (p->val_loss))
    {
      double xy[2] = { p->epoch, p->val_loss };

      g_array_append_vals (run->val_points, xy, 2);
    }
  run->latest = *p;
  run->latest.model = NULL;
  run->have_latest = TRUE;
  if (publish)
    {
      g_free (run->pub_params);
      g_free (run->pub_buffers);
      lab_recon_batch_free (run->pub_recon);
      run->pub_params = params;
      run->pub_buffers = buffers;
      run->pub_recon = recon;
      run->pub_step = p->step;
    }
  g_mutex_unlock (&run->mutex);

  done = p->n_epochs && p->n_batches
         ? ((p->epoch - 1) * (double) p->n_batches + p->batch) / ((double) p->n_epochs * p->n_batches)
         : 0;
  lab_job_report (run->job, done, NULL, NULL, NULL);
  return TRUE;
}

static void
cancel_other (GCancellable *cancellable,
              GCancellable *other)
{
  g_cancellable_cancel (other);
}

/* Worker thread. Cancelling the job (the window closes) stops the run and
 * drops it; Stop cancels only run->stop, so the result still arrives with
 * the weights of the last step. */
static gpointer
train_worker (LabJob        *job,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  TrainRun *run = data;
  g_autoptr(GError) train_error = NULL;
  TrainResult *result = NULL;
  LabDataset *eval_ds = run->val != NULL ? run->val : run->train;
  LabEvalResult eval;
  gulong handler;
  gboolean ok;

  run->job = job;
  handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_other), run->stop, NULL);
  ok = lab_trainer_run (run->trainer, run->model, run->train, run->val, &run->config,
                        on_train_progress, run, run->stop, &train_error);
  g_cancellable_disconnect (cancellable, handler);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;
  if (!ok && !g_error_matches (train_error, LAB_ERROR, LAB_ERROR_CANCELLED)
      && !g_error_matches (train_error, LAB_ERROR, LAB_ERROR_DIVERGED))
    {
      g_propagate_error (error, g_steal_pointer (&train_error));
      goto out;
    }

  result = g_new0 (TrainResult, 1);
  result->stopped = !ok && g_error_matches (train_error, LAB_ERROR, LAB_ERROR_CANCELLED);
  if (g_error_matches (train_error, LAB_ERROR, LAB_ERROR_DIVERGED))
    result->diverged = g_steal_pointer (&train_error);
  result->steps = lab_trainer_get_steps (run->trainer);
  result->final_loss = NAN;
  result->final_psnr = NAN;
  result->final_accuracy = NAN;

  /* The number the page reports for these weights, from the weights kept. */
  if (lab_evaluate (run->model, eval_ds, &run->config.noise, LAB_TRAIN_PAGE_EVAL_SEED,
                    LAB_TRAIN_PAGE_EVAL_IMAGES, &eval, cancellable, NULL))
    {
      result->final_loss = eval.loss;
      result->final_psnr = eval.psnr;
      result->final_accuracy = eval.accuracy;
      result->final_images = eval.n_images;
    }
  {
    g_autoptr(LabTrainRecord) record = lab_train_record_new_from_trainer (run->trainer, &run->config,
                                                                          run->dataset_spec, run->init);

    result->record_json = lab_train_record_to_json (record);
  }
  if (run->recon_model != NULL && run->n_recon > 0)
    {
      lab_model_copy_params_from (run->recon_model, run->model);
      result->recon = lab_recon_batch_compute (run->recon_model, run->recon_ds, run->recon_indices,
                                               run->n_recon, &run->config.noise, RECON_SEED, NULL);
    }

out:
  lab_worker_gate_leave (run->gate);
  return result;
}

/* Main thread: moves what the worker left under the mutex into the page. */
static void
drain_run (LabTrainPage *self,
           TrainRun     *run)
{
  LabLinePlot *plot = lab_plot_view_get_plot (self->loss_plot);
  g_autoptr(GArray) points = NULL;
  g_autoptr(GArray) val_points = NULL;
  g_autofree float *params = NULL;
  g_autofree float *buffers = NULL;
  g_autoptr(LabReconBatch) recon = NULL;
  LabTrainProgress latest;
  gboolean have_latest;
  guint64 pub_step;

  g_mutex_lock (&run->mutex);
  points = g_steal_pointer (&run->points);
  val_points = g_steal_pointer (&run->val_points);
  run->points = g_array_new (FALSE, FALSE, sizeof (double));
  run->val_points = g_array_new (FALSE, FALSE, sizeof (double));
  latest = run->latest;
  have_latest = run->have_latest;
  params = g_steal_pointer (&run->pub_params);
  buffers = g_steal_pointer (&run->pub_buffers);
  recon = g_steal_pointer (&run->pub_recon);
  pub_step = run->pub_step;
  g_mutex_unlock (&run->mutex);

  for (guint i = 0; i + 1 < points->len; i += 2)
    lab_line_plot_append (plot, LAB_TRAIN_PAGE_SERIES_TRAIN,
                          g_array_index (points, double, i), g_array_index (points, double, i + 1));
  /* The x axis reaches to the end of the epoch running: the curve fills
   * the plot from the first minute, and the axis only rescales when a new
   * epoch starts. */
  if (points->len >= 2)
    lab_line_plot_set_x_range (plot, 0, MAX (1.0, ceil (g_array_index (points, double, points->len - 2) - 1e-9)));
  for (guint i = 0; i + 1 < val_points->len; i += 2)
    lab_line_plot_append (plot, LAB_TRAIN_PAGE_SERIES_VAL,
                          g_array_index (val_points, double, i), g_array_index (val_points, double, i + 1));
  if (points->len > 0 || val_points->len > 0)
    lab_plot_view_changed (self->loss_plot);

  if (have_latest && latest.kind != LAB_TRAIN_DONE)
    {
      g_autofree char *rate = lab_format_count_localized ((guint64) (latest.images_per_s + 0.5));
      g_autofree char *eta = lab_format_duration (latest.eta_seconds);
      g_autofree char *text = NULL;

      self->step = latest.step;
      if (lab_trainer_is_paused (run->trainer))
        text = g_strdup_printf (_("Paused at epoch %u of %u, batch %u of %u"),
                                latest.epoch, latest.n_epochs, latest.batch, latest.n_batches);
      else
        /* Translators: epoch, batch, speed and time left of a training run */
        text = g_strdup_printf (_("Epoch %u of %u  ·  batch %u of %u  ·  %s images/s  ·  %s left  ·  loss %.4f"),
                                latest.epoch, latest.n_epochs, latest.batch, latest.n_batches,
                                rate, eta, latest.smoothed_loss);
      gtk_label_set_label (self->progress_label, text);
    }

  if (params != NULL && page_session (self) != NULL && lab_session_get_model (page_session (self)) != NULL)
    lab_session_publish (page_session (self), params, buffers, pub_step);
  if (recon != NULL)
    lab_recon_grid_show_batch (self->recon_grid, recon, FALSE);
}

static void
train_progress (gpointer    owner,
                LabJob     *job,
                double      fraction,
                const char *text,
                gpointer    payload)
{
  LabTrainPage *self = owner;

  self->n_progress++;
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  drain_run (self, lab_job_get_data (job));
}

static void
show_paused (LabTrainPage *self,
             gboolean      paused)
{
  if (self->paused != paused)
    {
      self->paused = paused;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
    }
  gtk_label_set_label (self->pause_label, paused ? _("Resume") : _("Pause"));
  gtk_image_set_from_icon_name (self->pause_icon, paused ? "media-playback-start-symbolic"
                                                         : "media-playback-pause-symbolic");
}

static void
finish_run (LabTrainPage *self)
{
  g_clear_pointer (&self->run, train_run_unref);
  if (page_session (self) != NULL)
    lab_session_set_training (page_session (self), FALSE);
  show_paused (self, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_scroller), TRUE);
  gtk_revealer_set_reveal_child (self->settings_revealer, TRUE);
  update_actions (self);
  update_continue (self);
}

static void
train_done (gpointer      owner,
            LabJob       *job,
            gpointer      result_ptr,
            const GError *error)
{
  LabTrainPage *self = owner;
  TrainRun *run = lab_job_get_data (job);
  TrainResult *result = result_ptr;
  g_autofree char *steps = NULL;
  g_autofree char *text = NULL;
  g_autofree char *eval = NULL;

  drain_run (self, run);

  if (error != NULL)
    {
      gtk_label_set_label (self->progress_label, _("Training could not start"));
      gtk_label_set_label (self->status_label, error->message);
      lab_widget_show_error (GTK_WIDGET (self), error);
      finish_run (self);
      return;
    }

  /* The worker is done with run->model: these are the weights kept. */
  if (page_session (self) != NULL && lab_session_get_model (page_session (self)) != NULL)
    {
      lab_session_publish_from (page_session (self), run->model, result->steps);
      lab_session_set_train_json (page_session (self), result->record_json);
    }
  if (result->recon != NULL)
    lab_recon_grid_show_batch (self->recon_grid, result->recon, FALSE);

  self->final_loss = result->final_loss;
  self->final_steps = result->steps;
  self->final_stopped = result->stopped;
  self->step = result->steps;
  steps = lab_format_count_localized (result->steps);
  if (isfinite (result->final_loss))
    {
      g_autofree char *images = lab_format_count_localized (result->final_images);

      const char *which = run->val != NULL ? _("test") : _("training");

      if (isfinite (result->final_psnr))
        eval = g_strdup_printf (_("%s loss %.4f, PSNR %.1f dB on %s %s images."),
                                loss_title (lab_model_get_loss (run->model)), result->final_loss,
                                result->final_psnr, images, which);
      else
        eval = g_strdup_printf (_("%s loss %.4f, accuracy %.1f%% on %s %s images."),
                                loss_title (lab_model_get_loss (run->model)), result->final_loss,
                                100 * result->final_accuracy, images, which);
    }
  else
    eval = g_strdup ("");

  if (result->diverged != NULL)
    {
      text = g_strdup_printf (_("Training diverged after %s steps: the loss became too large to "
                                "compute. The last good weights are kept. Try a lower learning "
                                "rate. %s"), steps, eval);
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_label_set_label (self->progress_label, _("Diverged"));
      lab_widget_show_error (GTK_WIDGET (self), result->diverged);
    }
  else if (result->stopped)
    {
      text = g_strdup_printf (_("Stopped after %s steps; the weights trained so far are kept. %s"),
                              steps, eval);
      gtk_label_set_label (self->progress_label, _("Stopped"));
    }
  else
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Trained %s for %u epoch (%s steps). %s",
                                           "Trained %s for %u epochs (%s steps). %s", run->config.epochs),
                              lab_model_get_name (run->model), run->config.epochs, steps, eval);
      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      gtk_label_set_label (self->progress_label, _("Done"));
    }
  gtk_label_set_label (self->status_label, text);
  train_result_free (result);
  finish_run (self);
}

/* Architecture */

static LabLossKind
chosen_loss (LabTrainPage *self)
{
  if (self->chosen_spec == NULL)
    return LAB_LOSS_MSE;
  switch (gtk_drop_down_get_selected (self->loss_dropdown))
    {
    case LOSS_BCE:
      return LAB_LOSS_BCE;
    case LOSS_MSE:
      return LAB_LOSS_MSE;
    default:
      return self->chosen_spec->loss;
    }
}

/* The spec win.train builds: the architecture with the loss chosen. */
static LabSpec *
build_spec (LabTrainPage *self)
{
  LabSpec *spec;

  if (self->chosen_spec == NULL)
    return NULL;
  spec = lab_spec_copy (self->chosen_spec);
  if (spec->loss != LAB_LOSS_SOFTMAX_CE)
    spec->loss = chosen_loss (self);
  return spec;
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static GtkWidget *
summary_cell (const char *text,
              const char *css_class,
              float       xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
show_summary (LabTrainPage *self)
{
  g_autoptr(LabSpec) spec = build_spec (self);
  g_autoptr(LabSpecSummary) summary = NULL;
  g_autofree char *json = NULL;
  g_autofree char *total = NULL;
  g_autofree char *latent = NULL;
  g_autofree char *text = NULL;
  int r = 0;

  clear_grid (self->summary_grid);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->spec_view), "", -1);
  if (spec == NULL)
    {
      gtk_label_set_label (self->summary_total, "");
      return;
    }
  json = lab_spec_to_string (spec, TRUE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->spec_view), json, -1);

  summary = lab_spec_summarize (spec);
  if (summary->error != NULL)
    {
      gtk_label_set_label (self->summary_total, summary->error->message);
      return;
    }

  /* Keras' columns; the layer's Keras name ("conv2d_1") in a tooltip, so
   * the table fits beside the plot. */
  gtk_grid_attach (self->summary_grid, summary_cell ("#", "summary-header", 1), 0, r, 1, 1);
  gtk_grid_attach (self->summary_grid, summary_cell (_("Layer (type)"), "summary-header", 0), 1, r, 1, 1);
  gtk_grid_attach (self->summary_grid, summary_cell (_("Output shape"), "summary-header", 0), 2, r, 1, 1);
  gtk_grid_attach (self->summary_grid, summary_cell (_("Param #"), "summary-header", 1), 3, r, 1, 1);
  r++;
  for (guint i = 0; i < summary->rows->len; i++)
    {
      LabSummaryRow *row = g_ptr_array_index (summary->rows, i);
      g_autofree char *index = g_strdup_printf ("%u", row->index);
      g_autofree char *params = lab_format_count_localized (row->params + row->buffers);
      g_autofree char *tooltip = NULL;
      const char *css = row->is_latent ? "summary-latent" : "summary-row";
      GtkWidget *name_label = summary_cell (row->title, css, 0);

      if (row->is_latent)
        tooltip = g_strdup_printf (_("%s: the latent, the encoder's output"), row->name);
      gtk_widget_set_tooltip_text (name_label, tooltip ? tooltip : row->name);
      gtk_grid_attach (self->summary_grid, summary_cell (index, css, 1), 0, r, 1, 1);
      gtk_grid_attach (self->summary_grid, name_label, 1, r, 1, 1);
      gtk_grid_attach (self->summary_grid, summary_cell (row->output_shape, css, 0), 2, r, 1, 1);
      gtk_grid_attach (self->summary_grid, summary_cell (params, css, 1), 3, r, 1, 1);
      r++;
    }

  total = lab_format_count_localized (summary->n_params + summary->n_buffers);
  latent = lab_format_count_localized (lab_shape_size (summary->latent));
  text = g_strdup_printf (_("Total params: %s  ·  latent: %s values (layer %u)  ·  %.1f MFLOP per image  ·  loss: %s"),
                          total, latent, spec->encoder_layers - 1,
                          2.0 * summary->macs / 1e6, lab_loss_name (spec->loss));
  gtk_label_set_label (self->summary_total, text);
}

static const char *
chosen_arch_name (LabTrainPage *self)
{
  guint i = gtk_drop_down_get_selected (self->arch_dropdown);

  if (i >= self->arch_names->len)
    return NULL;
  return g_ptr_array_index (self->arch_names, i);
}

static void
on_arch_changed (LabTrainPage *self)
{
  const char *name = chosen_arch_name (self);
  g_autoptr(GError) error = NULL;
  const char *description = NULL;

  g_clear_pointer (&self->chosen_spec, lab_spec_free);
  if (name == NULL)
    ;
  else if (name[0] == '\0')
    {
      if (self->custom_spec != NULL)
        {
          self->chosen_spec = lab_spec_copy (self->custom_spec);
          description = self->custom_spec->description;
        }
    }
  else
    {
      self->chosen_spec = lab_presets_get (name, &error);
      description = lab_presets_describe (name);
      if (error != NULL)
        g_warning ("%s", error->message);
    }

  gtk_label_set_label (self->arch_description, description ? description : "");
  gtk_widget_set_visible (GTK_WIDGET (self->arch_description), description != NULL);
  if (self->chosen_spec != NULL)
    {
      gboolean classifier = self->chosen_spec->loss == LAB_LOSS_SOFTMAX_CE;

      /* A classifier's loss is part of what it is. */
      self->syncing = TRUE;
      if (classifier)
        gtk_drop_down_set_selected (self->loss_dropdown, LOSS_FROM_ARCH);
      self->syncing = FALSE;
      gtk_widget_set_sensitive (GTK_WIDGET (self->loss_dropdown), !classifier);
    }
  show_summary (self);
  update_continue (self);
  update_actions (self);
  if (self->run == NULL)
    refresh_recon (self);
}

static void
on_loss_changed (LabTrainPage *self)
{
  if (self->syncing)
    return;
  show_summary (self);
  update_continue (self);
}

/* Selects preset name, or shows spec as the custom entry. */
static void
select_arch (LabTrainPage  *self,
             const char    *name,
             const LabSpec *spec)
{
  guint custom = G_MAXUINT;

  if (name != NULL)
    for (guint i = 0; i < self->arch_names->len; i++)
      if (g_strcmp0 (g_ptr_array_index (self->arch_names, i), name) == 0)
        {
          if (gtk_drop_down_get_selected (self->arch_dropdown) == i)
            on_arch_changed (self);
          else
            gtk_drop_down_set_selected (self->arch_dropdown, i);
          return;
        }

  if (spec == NULL)
    return;
  g_clear_pointer (&self->custom_spec, lab_spec_free);
  self->custom_spec = lab_spec_copy (spec);
  for (guint i = 0; i < self->arch_names->len; i++)
    if (((const char *) g_ptr_array_index (self->arch_names, i))[0] == '\0')
      custom = i;
  {
    g_autofree char *title = g_strdup_printf (_("%s (custom)"), spec->name);

    if (custom == G_MAXUINT)
      {
        gtk_string_list_append (self->arch_titles, title);
        g_ptr_array_add (self->arch_names, g_strdup (""));
        custom = self->arch_names->len - 1;
      }
    else
      gtk_string_list_splice (self->arch_titles, custom, 1, (const char * const []) { title, NULL });
  }
  /* The custom entry's spec changed even when it stays selected. */
  if (gtk_drop_down_get_selected (self->arch_dropdown) == custom)
    on_arch_changed (self);
  else
    gtk_drop_down_set_selected (self->arch_dropdown, custom);
}

/* Whether spec is preset name exactly (then the dropdown shows the preset). */
static gboolean
spec_is_preset (const LabSpec *spec,
                LabLossKind   *preset_loss)
{
  g_autoptr(LabSpec) preset = lab_presets_get (spec->name, NULL);
  g_autoptr(LabSpec) same_loss = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (preset == NULL)
    return FALSE;
  *preset_loss = preset->loss;
  same_loss = lab_spec_copy (spec);
  same_loss->loss = preset->loss;
  a = lab_spec_to_string (same_loss, FALSE);
  b = lab_spec_to_string (preset, FALSE);
  return g_strcmp0 (a, b) == 0;
}

/* Shows spec in the chooser and its loss in the loss dropdown. */
static void
show_spec (LabTrainPage  *self,
           const LabSpec *spec)
{
  LabLossKind preset_loss;
  guint loss_choice = LOSS_FROM_ARCH;

  if (spec_is_preset (spec, &preset_loss))
    {
      select_arch (self, spec->name, NULL);
      if (spec->loss != preset_loss)
        loss_choice = spec->loss == LAB_LOSS_BCE ? LOSS_BCE : LOSS_MSE;
    }
  else
    select_arch (self, NULL, spec);
  gtk_drop_down_set_selected (self->loss_dropdown, loss_choice);
  show_summary (self);
}

static void
arch_editor_done (const char *json,
                  gpointer    user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(LabTrainPage) self = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = NULL;

  g_weak_ref_clear (ref);
  g_free (ref);
  if (self == NULL || json == NULL)
    return;
  spec = lab_spec_new_from_string (json, -1, NULL, &error);
  if (spec == NULL)
    {
      lab_widget_show_error (GTK_WIDGET (self), error);
      return;
    }
  show_spec (self, spec);
}

static void
build_architecture_activated (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (widget);
  g_autoptr(LabSpec) spec = build_spec (self);
  g_autofree char *json = spec ? lab_spec_to_string (spec, TRUE) : NULL;
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  /* The page may be gone when the editor closes. */
  g_weak_ref_init (ref, self);
  lab_arch_editor_run_dialog (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                              json, arch_editor_done, ref);
}

/* Hyperparameters */

static guint
selected_limit (LabTrainPage *self)
{
  guint i = gtk_drop_down_get_selected (self->limit_dropdown);

  return i < self->limits->len ? g_array_index (self->limits, guint, i) : 0;
}

static void
select_limit (LabTrainPage *self,
              guint         limit)
{
  for (guint i = 0; i < self->limits->len; i++)
    if (g_array_index (self->limits, guint, i) == limit)
      {
        gtk_drop_down_set_selected (self->limit_dropdown, i);
        return;
      }
  {
    g_autofree char *count = lab_format_count_localized (limit);

    g_array_append_val (self->limits, limit);
    gtk_string_list_append (self->limit_titles, count);
    gtk_drop_down_set_selected (self->limit_dropdown, self->limits->len - 1);
  }
}

static LabNoise
chosen_noise (LabTrainPage *self)
{
  LabNoise noise;
  guint i = gtk_drop_down_get_selected (self->noise_type_dropdown);

  noise.type = noise_types[MIN (i, G_N_ELEMENTS (noise_types) - 1)];
  noise.amount = noise.type == LAB_NOISE_NONE || noise.type == LAB_NOISE_DOWNSAMPLE
                 ? 0 : (float) gtk_spin_button_get_value (self->noise_amount_spin);
  return noise;
}

static void
show_noise (LabTrainPage   *self,
            const LabNoise *noise)
{
  for (guint i = 0; i < G_N_ELEMENTS (noise_types); i++)
    if (noise_types[i] == noise->type)
      gtk_drop_down_set_selected (self->noise_type_dropdown, i);
  if (noise->type != LAB_NOISE_NONE && noise->type != LAB_NOISE_DOWNSAMPLE)
    gtk_spin_button_set_value (self->noise_amount_spin, noise->amount);
}

void
lab_train_page_get_config (LabTrainPage   *self,
                           LabTrainConfig *config)
{
  g_return_if_fail (LAB_IS_TRAIN_PAGE (self));

  lab_train_config_init (config);
  config->epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  config->batch = gtk_spin_button_get_value_as_int (self->batch_spin);
  config->lr = gtk_spin_button_get_value (self->lr_spin);
  config->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  config->optimizer = gtk_drop_down_get_selected (self->optimizer_dropdown) == 1 ? LAB_OPTIM_SGD : LAB_OPTIM_ADAM;
  config->noise = chosen_noise (self);
  config->limit = selected_limit (self);
  config->val_limit = LAB_TRAIN_PAGE_EVAL_IMAGES;
  config->val_fraction = page_session (self) != NULL && lab_session_has_test_split (page_session (self))
                         ? 0 : HOLD_OUT_FRACTION;
}

static void
show_config (LabTrainPage         *self,
             const LabTrainConfig *config)
{
  gtk_spin_button_set_value (self->epochs_spin, config->epochs);
  gtk_spin_button_set_value (self->batch_spin, config->batch);
  gtk_spin_button_set_value (self->lr_spin, config->lr);
  gtk_spin_button_set_value (self->seed_spin, (double) config->seed);
  gtk_drop_down_set_selected (self->optimizer_dropdown, config->optimizer == LAB_OPTIM_SGD ? 1 : 0);
  show_noise (self, &config->noise);
  select_limit (self, config->limit);
}

static void
on_noise_changed (LabTrainPage *self)
{
  LabNoise noise = chosen_noise (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->noise_amount_spin),
                            noise.type != LAB_NOISE_NONE && noise.type != LAB_NOISE_DOWNSAMPLE);
  lab_recon_grid_set_row_title (self->recon_grid, 0,
                                noise.type == LAB_NOISE_NONE ? _("Input") : _("Noisy input"));
  if (self->run == NULL)
    refresh_recon (self);
}

/* The session's model has this architecture: training can go on from it. */
static void
update_continue (LabTrainPage *self)
{
  LabModel *model = page_session (self) != NULL ? lab_session_get_model (page_session (self)) : NULL;
  g_autoptr(LabSpec) spec = build_spec (self);
  gboolean same = FALSE;

  if (model != NULL && spec != NULL)
    {
      g_autofree char *a = lab_spec_to_string (spec, FALSE);
      g_autofree char *b = lab_spec_to_string (lab_model_get_spec (model), FALSE);

      same = g_strcmp0 (a, b) == 0;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_check), same && self->run == NULL);
  if (!same)
    gtk_check_button_set_active (self->continue_check, FALSE);
}

/* Reconstruction strip while no training runs */

static void
recon_request_free (gpointer data)
{
  ReconRequest *req = data;

  lab_model_free (req->model);
  lab_dataset_unref (req->dataset);
  g_free (req);
}

static gpointer
recon_worker (LabJob        *job,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  ReconRequest *req = data;

  return lab_recon_batch_compute (req->model, req->dataset, req->indices, req->n, &req->noise,
                                  RECON_SEED, error);
}

static void
recon_done (gpointer      owner,
            LabJob       *job,
            gpointer      result,
            const GError *error)
{
  LabTrainPage *self = owner;
  g_autoptr(LabReconBatch) batch = result;

  if (batch != NULL && self->run == NULL)
    lab_recon_grid_show_batch (self->recon_grid, batch, FALSE);
}

/* Picks the strip's images: one of each class from the test images. */
static void
pick_recon_images (LabTrainPage *self)
{
  LabDataset *ds = page_session (self) != NULL ? lab_session_get_test_dataset (page_session (self)) : NULL;

  g_clear_pointer (&self->recon_ds, lab_dataset_unref);
  self->n_recon = 0;
  if (ds == NULL)
    return;
  self->recon_ds = lab_dataset_ref (ds);
  self->n_recon = lab_recon_pick_by_class (ds, self->recon_indices, RECON_IMAGES);
}

/* The strip for the session's model, or just the noisy and clean images
 * before there is one. */
static void
refresh_recon (LabTrainPage *self)
{
  LabModel *model = page_session (self) != NULL ? lab_session_get_model (page_session (self)) : NULL;
  LabNoise noise = chosen_noise (self);
  LabTask task;

  lab_job_cancel_slot (self, RECON_SLOT);
  if (self->recon_ds == NULL || self->n_recon == 0)
    {
      for (guint r = 0; r < 3; r++)
        lab_recon_grid_set_row (self->recon_grid, r, NULL, 0, 0, 0);
      return;
    }

  if (model != NULL && lab_task_for (model, self->recon_ds, &task, NULL))
    {
      g_autoptr(LabJob) job = NULL;
      ReconRequest *req = g_new0 (ReconRequest, 1);

      req->model = lab_model_copy (model, self->n_recon);
      req->dataset = lab_dataset_ref (self->recon_ds);
      memcpy (req->indices, self->recon_indices, sizeof req->indices);
      req->n = self->n_recon;
      req->noise = noise;
      job = lab_job_new (self, RECON_SLOT, recon_worker, req, recon_request_free);
      lab_job_set_result_free_func (job, (GDestroyNotify) lab_recon_batch_free);
      lab_job_set_done_func (job, recon_done);
      lab_job_start (job);
      return;
    }

  /* No model (or one that does not fit): noisy and clean, seeded per image
   * as training draws them. */
  {
    LabDataset *ds = self->recon_ds;
    gsize pixels = (gsize) ds->height * ds->width;
    g_autofree float *clean = g_new (float, self->n_recon * pixels);
    g_autofree float *noisy = g_new (float, self->n_recon * pixels);

    lab_dataset_to_float (ds, self->recon_indices, self->n_recon, clean);
    memcpy (noisy, clean, self->n_recon * pixels * sizeof (float));
    for (guint i = 0; i < self->n_recon; i++)
      {
        LabRng rng;

        lab_rng_init (&rng, RECON_SEED ^ ((guint64) self->recon_indices[i] * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)));
        lab_noise_apply (&noise, noisy + i * pixels, 1, ds->height, ds->width, &rng);
      }
    lab_recon_grid_set_row (self->recon_grid, 0, noisy, self->n_recon, ds->height, ds->width);
    lab_recon_grid_set_row (self->recon_grid, 1, NULL, 0, 0, 0);
    lab_recon_grid_set_row (self->recon_grid, 2, clean, self->n_recon, ds->height, ds->width);
  }
}

/* Status */

static void
show_model_status (LabTrainPage *self)
{
  LabModel *model = page_session (self) != NULL ? lab_session_get_model (page_session (self)) : NULL;
  g_autofree char *params = NULL;
  g_autofree char *text = NULL;
  const char *path;

  if (self->run != NULL)
    return;
  if (model == NULL)
    {
      gtk_label_set_label (self->status_label,
                           _("No model yet: choose an architecture and its settings, then press Train."));
      return;
    }
  params = lab_format_count_localized (lab_model_n_params (model));
  path = lab_session_get_model_path (page_session (self));
  if (path != NULL)
    {
      g_autofree char *base = g_path_get_basename (path);

      text = g_strdup_printf (_("Model %s (%s, %s parameters)."), base, lab_model_get_name (model), params);
    }
  else
    text = g_strdup_printf (_("Model %s, %s parameters."), lab_model_get_name (model), params);
  gtk_label_set_label (self->status_label, text);
}

/* Actions */

static void
set_enabled (LabTrainPage *self,
             const char   *name,
             gboolean      enabled)
{
  g_autofree char *action_name = g_strconcat (LAB_PAGE_ACTION_PREFIX, name, NULL);

  lab_page_set_action_enabled (LAB_PAGE (self), action_name, enabled);
}

static void
update_actions (LabTrainPage *self)
{
  gboolean running = self->run != NULL;
  gboolean have_model = page_session (self) != NULL && lab_session_get_model (page_session (self)) != NULL;
  gboolean ready = page_session (self) != NULL && lab_session_is_ready (page_session (self));

  set_enabled (self, "train", !running && ready && self->chosen_spec != NULL);
  set_enabled (self, "pause", running);
  set_enabled (self, "stop", running);
  set_enabled (self, "save-model", have_model);
  set_enabled (self, "save-model-to", have_model);
  set_enabled (self, "open-model", !running);
  set_enabled (self, "open-model-file", !running);
  set_enabled (self, "save-spec", self->chosen_spec != NULL);
  set_enabled (self, "build-architecture", !running);
}

static gboolean
start_training (LabTrainPage  *self,
                GError       **error)
{
  g_autoptr(LabSpec) spec = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabJob) job = NULL;
  LabModel *current = lab_session_get_model (page_session (self));
  LabDataset *train = lab_session_get_train_dataset (page_session (self));
  LabDataset *test = lab_session_get_test_dataset (page_session (self));
  LabLinePlot *plot;
  LabTrainConfig config;
  TrainRun *run;
  LabTask task;
  const char *init = NULL;
  g_autofree char *title = NULL;
  g_autofree char *count = NULL;
  g_autofree char *noise = NULL;
  g_autofree char *y_label = NULL;
  guint n_images;

  if (self->run != NULL)
    return TRUE;
  if (train == NULL || test == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   _("The dataset is still loading; training starts once it is there."));
      return FALSE;
    }
  spec = build_spec (self);
  if (spec == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, _("Choose an architecture first."));
      return FALSE;
    }
  lab_train_page_get_config (self, &config);

  if (gtk_check_button_get_active (self->continue_check) && current != NULL)
    model = lab_model_copy (current, 0);
  else
    {
      model = lab_model_new (spec, error);
      if (model == NULL)
        return FALSE;
      lab_model_init (model, LAB_INIT_TORCH, config.seed);
      init = "torch";
    }
  /* Says in words when the architecture does not fit the images. */
  if (!lab_task_for (model, train, &task, error))
    return FALSE;

  run = train_run_new ();
  run->train = lab_dataset_ref (train);
  run->val = lab_session_has_test_split (page_session (self)) ? lab_dataset_ref (test) : NULL;
  run->config = config;
  run->dataset_spec = g_strdup (lab_session_get_dataset_spec (page_session (self)));
  run->init = init;
  run->gate = lab_worker_gate_ref (self->gate);
  /* A classifier's output is a class, not an image: no strip to show. */
  lab_recon_grid_set_placeholder (self->recon_grid, 1,
                                  task == LAB_TASK_CLASSIFY
                                  ? _("This model classifies: its output is a class, not an image")
                                  : _("Press Train: the reconstructions appear here as the model learns"));
  if (task == LAB_TASK_CLASSIFY)
    lab_recon_grid_set_row (self->recon_grid, 1, NULL, 0, 0, 0);
  if (task != LAB_TASK_CLASSIFY && self->recon_ds != NULL && self->n_recon > 0
      && lab_task_for (model, self->recon_ds, &task, NULL))
    {
      run->recon_ds = lab_dataset_ref (self->recon_ds);
      memcpy (run->recon_indices, self->recon_indices, sizeof run->recon_indices);
      run->n_recon = self->n_recon;
      run->recon_model = lab_model_copy (model, run->n_recon);
    }
  /* The session shows a copy; the worker trains the original. Training
   * is on before the model changes, so the pages treat it as live. */
  lab_session_set_training (page_session (self), TRUE);
  lab_session_set_model (page_session (self), lab_model_copy (model, 0), &config, NULL, NULL);
  run->model = g_steal_pointer (&model);
  self->run = run;

  plot = lab_plot_view_reset (self->loss_plot);
  y_label = g_strdup_printf (_("loss (%s)"), loss_title (spec->loss));
  lab_line_plot_set_labels (plot, _("epoch"), y_label);
  lab_line_plot_set_x_range (plot, 0, 1);
  lab_line_plot_add_series (plot, _("training (smoothed)"), 0, LAB_LINE_STYLE_LINE);
  lab_line_plot_add_series (plot, run->val ? _("validation (test images)") : _("validation (held out)"),
                            1, LAB_LINE_STYLE_POINTS);
  lab_plot_view_changed (self->loss_plot);

  self->final_loss = NAN;
  self->final_steps = 0;
  self->final_stopped = FALSE;
  self->step = 0;
  self->start_pending = FALSE;
  n_images = config.limit ? MIN (config.limit, train->n) : train->n;
  count = lab_format_count_localized (n_images);
  noise = lab_noise_to_string (&config.noise);
  title = g_strdup_printf (_("Training %s on %s: %s images, noise %s, learning rate %g."),
                           lab_model_get_name (run->model), train->name, count, noise, config.lr);
  gtk_label_set_label (self->status_label, title);
  gtk_label_set_label (self->progress_label, _("Starting…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_scroller), FALSE);
  /* The class watches the curves and the strip now: give them the width. */
  gtk_revealer_set_reveal_child (self->settings_revealer, FALSE);
  lab_job_cancel_slot (self, RECON_SLOT);

  lab_worker_gate_enter (self->gate);
  job = lab_job_new (self, TRAIN_SLOT, train_worker, train_run_ref (run), (GDestroyNotify) train_run_unref);
  lab_job_set_result_free_func (job, (GDestroyNotify) train_result_free);
  lab_job_set_progress_func (job, train_progress);
  lab_job_set_done_func (job, train_done);
  lab_job_start (job);

  update_actions (self);
  update_continue (self);
  return TRUE;
}

static void
train_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!start_training (self, &error))
    lab_widget_show_error (GTK_WIDGET (self), error);
}

/* page.pause (the "paused" property): pauses or resumes the run. */
static void
set_paused (LabTrainPage *self,
            gboolean      paused)
{
  if (self->run == NULL)
    paused = FALSE;
  else if (paused)
    lab_trainer_pause (self->run->trainer);
  else
    lab_trainer_resume (self->run->trainer);
  show_paused (self, paused);
  if (self->run != NULL)
    gtk_label_set_label (self->progress_label, paused ? _("Paused") : _("Resuming…"));
}

static void
stop_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (widget);

  if (self->run == NULL)
    return;
  gtk_label_set_label (self->progress_label, _("Stopping…"));
  g_cancellable_cancel (self->run->stop);
  set_enabled (self, "stop", FALSE);
}

/* Models: open, save, recent */

static void
remember_recent (LabTrainPage *self,
                 const char   *path)
{
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  if (self->settings == NULL || path == NULL)
    return;
  old = g_settings_get_strv (self->settings, "recent-models");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (g_strcmp0 (old[i], path) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-models", (const char * const *) recent);
}

static void
update_recent_menu (LabTrainPage *self)
{
  g_auto(GStrv) recent = NULL;

  g_menu_remove_all (self->recent_section);
  if (self->settings == NULL)
    return;
  recent = g_settings_get_strv (self->settings, "recent-models");
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (recent[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (base, NULL);

      g_menu_item_set_action_and_target_value (item, "page.open-model-file", g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_section, item);
    }
}

/* The loss curves a model file remembers, one point per epoch. */
static void
show_history (LabTrainPage *self,
              LabModel     *model,
              GArray       *train_loss,
              GArray       *val_loss)
{
  LabLinePlot *plot = lab_plot_view_reset (self->loss_plot);
  g_autofree char *y_label = g_strdup_printf (_("loss (%s)"), loss_title (lab_model_get_loss (model)));

  lab_line_plot_set_labels (plot, _("epoch"), y_label);
  lab_line_plot_set_x_range (plot, 0, MAX (train_loss->len, 1));
  lab_line_plot_add_series (plot, _("training (epoch mean)"), 0, LAB_LINE_STYLE_POINTS);
  lab_line_plot_add_series (plot, _("validation"), 1, LAB_LINE_STYLE_POINTS);
  for (guint i = 0; i < train_loss->len; i++)
    if (isfinite (g_array_index (train_loss, double, i)))
      lab_line_plot_append (plot, LAB_TRAIN_PAGE_SERIES_TRAIN, i + 1, g_array_index (train_loss, double, i));
  for (guint i = 0; i < val_loss->len; i++)
    if (isfinite (g_array_index (val_loss, double, i)))
      lab_line_plot_append (plot, LAB_TRAIN_PAGE_SERIES_VAL, i + 1, g_array_index (val_loss, double, i));
  lab_plot_view_changed (self->loss_plot);
}

gboolean
lab_train_page_open_model (LabTrainPage  *self,
                           GFile         *file,
                           GError       **error)
{
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autofree char *train_json = NULL;
  g_autofree char *text = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabTrainRecord) record = NULL;
  g_autoptr(GArray) train_loss = NULL;
  g_autoptr(GArray) val_loss = NULL;
  LabDataset *train;
  LabTrainConfig config;
  gboolean have_config;
  LabTask task;

  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (page_session (self) != NULL, FALSE);

  path = g_file_get_path (file);
  base = g_file_get_basename (file);
  if (path == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_IO, _("%s: only files on this computer can be opened"), base);
      return FALSE;
    }
  if (self->run != NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   _("%s: stop the training before opening another model"), base);
      return FALSE;
    }

  /* A few MB at most: read here, so a failure is reported at once. */
  model = lab_model_load (path, &train_json, error);
  if (model == NULL)
    return FALSE;
  train = page_session (self) != NULL ? lab_session_get_train_dataset (page_session (self)) : NULL;
  if (train != NULL && !lab_task_for (model, train, &task, NULL))
    {
      g_autoptr(GError) fit = NULL;

      lab_task_for (model, train, &task, &fit);
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   _("%s does not fit the dataset shown: %s. The current model is kept."),
                   base, fit->message);
      return FALSE;
    }

  record = train_json != NULL ? lab_train_record_new_from_json (train_json, NULL) : NULL;
  have_config = record != NULL;
  if (have_config)
    config = record->config;
  train_loss = record != NULL && record->train_loss != NULL
               ? g_array_ref (record->train_loss) : g_array_new (FALSE, FALSE, sizeof (double));
  val_loss = record != NULL && record->val_loss != NULL
             ? g_array_ref (record->val_loss) : g_array_new (FALSE, FALSE, sizeof (double));
  self->syncing = TRUE;
  show_spec (self, lab_model_get_spec (model));
  if (have_config)
    show_config (self, &config);
  self->syncing = FALSE;
  show_history (self, model, train_loss, val_loss);

  lab_session_set_model (page_session (self), g_steal_pointer (&model), have_config ? &config : NULL,
                         train_json, path);
  remember_recent (self, path);
  show_model_status (self);
  if (have_config)
    {
      g_autofree char *noise = lab_noise_to_string (&config.noise);
      g_autofree char *status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                              "%s Trained for %u epoch with noise %s.",
                                                              "%s Trained for %u epochs with noise %s.",
                                                              train_loss->len),
                                                 gtk_label_get_label (self->status_label),
                                                 train_loss->len, noise);

      gtk_label_set_label (self->status_label, status);
    }
  gtk_label_set_label (self->progress_label, "");
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  self->final_loss = NAN;
  update_continue (self);
  update_actions (self);
  refresh_recon (self);
  return TRUE;
}

gboolean
lab_train_page_save_model (LabTrainPage  *self,
                           GFile         *file,
                           GError       **error)
{
  LabModel *model;
  g_autofree char *path = NULL;
  g_autofree char *record_json = NULL;
  const char *train_json;

  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  model = page_session (self) != NULL ? lab_session_get_model (page_session (self)) : NULL;
  if (model == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, _("There is no model to save yet: train one first."));
      return FALSE;
    }
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, LAB_ERROR, LAB_ERROR_IO, _("%s: only files on this computer can be written"), uri);
      return FALSE;
    }

  /* While training runs the record so far is the config and the steps. */
  train_json = lab_session_get_train_json (page_session (self));
  if (train_json == NULL && lab_session_get_train_config (page_session (self)) != NULL)
    {
      g_autoptr(LabTrainRecord) record = lab_train_record_new (lab_session_get_train_config (page_session (self)),
                                                               lab_session_get_dataset_spec (page_session (self)));

      record->steps = lab_session_get_step (page_session (self));
      train_json = record_json = lab_train_record_to_json (record);
    }
  if (!lab_model_save (model, path, train_json, error))
    return FALSE;
  lab_session_set_model_path (page_session (self), path);
  remember_recent (self, path);
  return TRUE;
}

static void
chooser_response (GtkNativeDialog *dialog,
                  int              response,
                  LabTrainPage    *self)
{
  gboolean save = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)) == GTK_FILE_CHOOSER_ACTION_SAVE;
  const char *what = g_object_get_data (G_OBJECT (dialog), "lab-what");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (file == NULL)
        ;
      else if (g_strcmp0 (what, "spec") == 0)
        {
          g_autoptr(LabSpec) spec = build_spec (self);
          g_autofree char *json = spec ? lab_spec_to_string (spec, TRUE) : NULL;

          if (json != NULL)
            g_file_replace_contents (file, json, strlen (json), NULL, FALSE,
                                     G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error);
        }
      else if (save)
        lab_train_page_save_model (self, file, &error);
      else
        lab_train_page_open_model (self, file, &error);
      if (error != NULL)
        lab_widget_show_error (GTK_WIDGET (self), error);
    }
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}

static void
show_chooser (LabTrainPage         *self,
              GtkFileChooserAction  action,
              const char           *what)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  gboolean spec = g_strcmp0 (what, "spec") == 0;
  GtkWindow *parent = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  self->chooser = gtk_file_chooser_native_new (spec ? _("Save the Architecture")
                                               : action == GTK_FILE_CHOOSER_ACTION_SAVE ? _("Save the Model")
                                               : _("Open a Model"),
                                               parent, action,
                                               action == GTK_FILE_CHOOSER_ACTION_SAVE ? _("_Save") : _("_Open"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data_full (G_OBJECT (self->chooser), "lab-what", g_strdup (what), g_free);
  gtk_file_filter_set_name (filter, spec ? _("Architectures (JSON)") : _("Models (safetensors)"));
  gtk_file_filter_add_pattern (filter, spec ? "*.json" : "*.safetensors");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
    {
      LabModel *model = page_session (self) != NULL ? lab_session_get_model (page_session (self)) : NULL;
      g_autoptr(LabSpec) chosen = build_spec (self);
      const char *name = spec ? (chosen ? chosen->name : "architecture")
                              : (model ? lab_model_get_name (model) : "model");
      g_autofree char *suggested = g_strconcat (name, spec ? ".json" : ".safetensors", NULL);

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), suggested);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
save_model_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  show_chooser (LAB_TRAIN_PAGE (widget), GTK_FILE_CHOOSER_ACTION_SAVE, "model");
}

static void
open_model_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  show_chooser (LAB_TRAIN_PAGE (widget), GTK_FILE_CHOOSER_ACTION_OPEN, "model");
}

static void
save_spec_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  show_chooser (LAB_TRAIN_PAGE (widget), GTK_FILE_CHOOSER_ACTION_SAVE, "spec");
}

static void
save_model_to_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (widget);
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (g_variant_get_string (param, NULL));
  g_autoptr(GError) error = NULL;

  if (!lab_train_page_save_model (self, file, &error))
    lab_widget_show_error (GTK_WIDGET (self), error);
}

static void
open_model_file_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (widget);
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (g_variant_get_string (param, NULL));
  g_autoptr(GError) error = NULL;

  if (!lab_train_page_open_model (self, file, &error))
    lab_widget_show_error (GTK_WIDGET (self), error);
}

/* Session */

static void
lab_train_page_datasets_changed (LabPage *page)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (page);

  pick_recon_images (self);
  update_actions (self);
  if (self->run == NULL)
    refresh_recon (self);
  maybe_start (self);
}

static void
lab_train_page_model_changed (LabPage *page)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (page);

  update_continue (self);
  update_actions (self);
  show_model_status (self);
}

static void
on_ready_changed (LabTrainPage *self)
{
  update_actions (self);
}

/* Command line */

static void
maybe_start (LabTrainPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->start_pending || self->run != NULL || page_session (self) == NULL
      || !lab_session_is_ready (page_session (self))
      || lab_session_get_dataset_serial (page_session (self)) < self->start_after_serial)
    return;
  self->start_pending = FALSE;
  if (!start_training (self, &error))
    lab_widget_show_error (GTK_WIDGET (self), error);
}

gboolean
lab_train_page_configure (LabTrainPage  *self,
                          GVariantDict  *options,
                          gboolean       wait_for_dataset,
                          GError       **error)
{
  const char *arch = NULL, *noise_text = NULL, *loss = NULL, *optimizer = NULL;
  gint32 epochs, batch, limit;
  gint64 seed;
  double lr;
  gboolean train = FALSE;

  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), FALSE);

  if (g_variant_dict_lookup (options, "arch", "&s", &arch))
    {
      g_autoptr(LabSpec) spec = lab_presets_get (arch, error);

      if (spec == NULL)
        return FALSE;
      select_arch (self, spec->name, NULL);
    }
  if (g_variant_dict_lookup (options, "noise", "&s", &noise_text))
    {
      LabNoise noise;

      if (!lab_noise_parse (noise_text, &noise, error))
        return FALSE;
      show_noise (self, &noise);
    }
  if (g_variant_dict_lookup (options, "loss", "&s", &loss))
    {
      LabLossKind kind;

      if (!lab_loss_from_name (loss, &kind, error))
        return FALSE;
      if (kind == LAB_LOSS_SOFTMAX_CE)
        gtk_drop_down_set_selected (self->loss_dropdown, LOSS_FROM_ARCH);
      else
        gtk_drop_down_set_selected (self->loss_dropdown, kind == LAB_LOSS_BCE ? LOSS_BCE : LOSS_MSE);
    }
  if (g_variant_dict_lookup (options, "optimizer", "&s", &optimizer))
    {
      LabOptimKind kind;

      if (!lab_optim_kind_from_name (optimizer, &kind, error))
        return FALSE;
      gtk_drop_down_set_selected (self->optimizer_dropdown, kind == LAB_OPTIM_SGD ? 1 : 0);
    }
  if (g_variant_dict_lookup (options, "epochs", "i", &epochs))
    gtk_spin_button_set_value (self->epochs_spin, epochs);
  if (g_variant_dict_lookup (options, "batch", "i", &batch))
    gtk_spin_button_set_value (self->batch_spin, batch);
  if (g_variant_dict_lookup (options, "lr", "d", &lr))
    gtk_spin_button_set_value (self->lr_spin, lr);
  if (g_variant_dict_lookup (options, "seed", "x", &seed))
    gtk_spin_button_set_value (self->seed_spin, (double) seed);
  if (g_variant_dict_lookup (options, "limit", "i", &limit))
    select_limit (self, (guint) MAX (limit, 0));
  g_variant_dict_lookup (options, "train", "b", &train);

  if (train)
    {
      self->start_pending = TRUE;
      self->start_after_serial = page_session (self) != NULL
                                 ? lab_session_get_dataset_serial (page_session (self)) + (wait_for_dataset ? 1 : 0)
                                 : 0;
      maybe_start (self);
    }
  return TRUE;
}

gboolean
lab_train_page_is_training (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), FALSE);

  return self->run != NULL;
}

/* GObject */

static void
lab_train_page_dispose (GObject *object)
{
  LabTrainPage *self = (LabTrainPage *)object;
  GtkWidget *child;

  /* Closing the window stops a running training: the worker notices
   * within one batch; wait for it to leave the core. */
  if (self->run != NULL)
    g_cancellable_cancel (self->run->stop);
  lab_job_cancel_slot (self, TRAIN_SLOT);
  lab_job_cancel_slot (self, RECON_SLOT);
  if (self->gate != NULL && !lab_worker_gate_wait (self->gate, 10000))
    g_warning ("A training worker did not stop within 10 s");
  g_clear_pointer (&self->run, train_run_unref);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_TRAIN_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_train_page_parent_class)->dispose (object);
}

static void
lab_train_page_finalize (GObject *object)
{
  LabTrainPage *self = (LabTrainPage *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->arch_titles);
  g_clear_pointer (&self->arch_names, g_ptr_array_unref);
  g_clear_pointer (&self->custom_spec, lab_spec_free);
  g_clear_pointer (&self->chosen_spec, lab_spec_free);
  g_clear_object (&self->loss_titles);
  g_clear_object (&self->limit_titles);
  g_clear_pointer (&self->limits, g_array_unref);
  g_clear_object (&self->recent_section);
  g_clear_pointer (&self->recon_ds, lab_dataset_unref);
  g_clear_pointer (&self->gate, lab_worker_gate_unref);

  G_OBJECT_CLASS (lab_train_page_parent_class)->finalize (object);
}

static void
lab_train_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_train_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      set_paused (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_train_page_class_init (LabTrainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  LabPageClass *page_class = LAB_PAGE_CLASS (klass);

  object_class->dispose = lab_train_page_dispose;
  object_class->finalize = lab_train_page_finalize;
  object_class->get_property = lab_train_page_get_property;
  object_class->set_property = lab_train_page_set_property;

  page_class->datasets_changed = lab_train_page_datasets_changed;
  page_class->model_changed = lab_train_page_model_changed;

  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "page.train", NULL, train_activated);
  gtk_widget_class_install_property_action (widget_class, "page.pause", "paused");
  gtk_widget_class_install_action (widget_class, "page.stop", NULL, stop_activated);
  gtk_widget_class_install_action (widget_class, "page.save-model", NULL, save_model_activated);
  gtk_widget_class_install_action (widget_class, "page.save-model-to", "s", save_model_to_activated);
  gtk_widget_class_install_action (widget_class, "page.open-model", NULL, open_model_activated);
  gtk_widget_class_install_action (widget_class, "page.open-model-file", "s", open_model_file_activated);
  gtk_widget_class_install_action (widget_class, "page.save-spec", NULL, save_spec_activated);
  gtk_widget_class_install_action (widget_class, "page.build-architecture", NULL,
                                   build_architecture_activated);

  g_type_ensure (LAB_TYPE_PLOT_VIEW);
  g_type_ensure (LAB_TYPE_RECON_GRID);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-train-page.ui");
  gtk_widget_class_set_css_name (widget_class, "trainpage");
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, settings_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, settings_scroller);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, arch_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, spec_button);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, spec_view);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, build_button);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, arch_description);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, summary_grid);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, summary_total);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, lr_spin);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, optimizer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, loss_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, noise_type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, noise_amount_spin);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, limit_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, continue_check);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, pause_icon);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, pause_label);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, stop_button);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, model_button);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, loss_plot);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, recon_grid);
}

static void
lab_train_page_init (LabTrainPage *self)
{
  const char * const *presets = lab_presets_list ();
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) file_section = g_menu_new ();
  LabLinePlot *plot;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->gate = lab_worker_gate_new ();
  self->final_loss = NAN;

  g_signal_group_connect_swapped (lab_page_get_session_signals (LAB_PAGE (self)), "notify::ready",
                                  G_CALLBACK (on_ready_changed), self);

  /* Architectures: every preset, then a custom one when there is one. */
  self->arch_titles = gtk_string_list_new (NULL);
  self->arch_names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; presets[i] != NULL; i++)
    {
      gtk_string_list_append (self->arch_titles, presets[i]);
      g_ptr_array_add (self->arch_names, g_strdup (presets[i]));
    }
  gtk_drop_down_set_model (self->arch_dropdown, G_LIST_MODEL (self->arch_titles));

  self->loss_titles = gtk_string_list_new ((const char * const []) {
    _("As the architecture says"), _("Binary cross-entropy (bce)"), _("Mean squared error (mse)"), NULL });
  gtk_drop_down_set_model (self->loss_dropdown, G_LIST_MODEL (self->loss_titles));

  self->limits = g_array_new (FALSE, FALSE, sizeof (guint));
  self->limit_titles = gtk_string_list_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (default_limits); i++)
    {
      g_autofree char *title = default_limits[i] ? lab_format_count_localized (default_limits[i]) : g_strdup (_("All"));

      g_array_append_val (self->limits, default_limits[i]);
      gtk_string_list_append (self->limit_titles, title);
    }
  gtk_drop_down_set_model (self->limit_dropdown, G_LIST_MODEL (self->limit_titles));

  /* Model menu: open, save, then the recent files. */
  g_menu_append (file_section, _("_Open Model…"), "page.open-model");
  g_menu_append (file_section, _("_Save Model…"), "page.save-model");
  g_menu_append (file_section, _("Save _Architecture as JSON…"), "page.save-spec");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (file_section));
  self->recent_section = g_menu_new ();
  g_menu_append_section (menu, _("Recent Models"), G_MENU_MODEL (self->recent_section));
  gtk_menu_button_set_menu_model (self->model_button, G_MENU_MODEL (menu));

  self->settings = lab_application_create_settings ();
  if (self->settings != NULL)
    g_signal_connect_swapped (self->settings, "changed::recent-models",
                              G_CALLBACK (update_recent_menu), self);
  update_recent_menu (self);

  plot = lab_plot_view_get_plot (self->loss_plot);
  lab_line_plot_set_labels (plot, _("epoch"), _("loss"));
  lab_line_plot_add_series (plot, _("training (smoothed)"), 0, LAB_LINE_STYLE_LINE);
  lab_line_plot_add_series (plot, _("validation"), 1, LAB_LINE_STYLE_POINTS);

  lab_recon_grid_set_row_title (self->recon_grid, 0, _("Noisy input"));
  lab_recon_grid_set_row_title (self->recon_grid, 1, _("Reconstruction"));
  lab_recon_grid_set_row_title (self->recon_grid, 2, _("Clean"));
  lab_recon_grid_set_placeholder (self->recon_grid, 1, _("Press Train: the reconstructions appear here as the model learns"));

  g_signal_connect_swapped (self->arch_dropdown, "notify::selected", G_CALLBACK (on_arch_changed), self);
  g_signal_connect_swapped (self->loss_dropdown, "notify::selected", G_CALLBACK (on_loss_changed), self);
  g_signal_connect_swapped (self->noise_type_dropdown, "notify::selected", G_CALLBACK (on_noise_changed), self);
  g_signal_connect_swapped (self->noise_amount_spin, "value-changed", G_CALLBACK (on_noise_changed), self);

  select_arch (self, "dae-keras32", NULL);
  on_noise_changed (self);
  update_actions (self);
  show_model_status (self);
}

GtkWidget *
lab_train_page_new (void)
{
  return g_object_new (LAB_TYPE_TRAIN_PAGE, NULL);
}

/* Testing accessors */

LabPlotView *
lab_train_page_get_loss_plot (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), NULL);
  return self->loss_plot;
}

LabReconGrid *
lab_train_page_get_recon_grid (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), NULL);
  return self->recon_grid;
}

double
lab_train_page_get_final_loss (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), NAN);
  return self->final_loss;
}

guint64
lab_train_page_get_final_steps (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), 0);
  return self->final_steps;
}

gboolean
lab_train_page_get_final_stopped (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), FALSE);
  return self->final_stopped;
}

guint
lab_train_page_get_n_progress (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), 0);
  return self->n_progress;
}

guint64
lab_train_page_get_step (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), 0);
  return self->step;
}

const char *
lab_train_page_get_status_text (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), NULL);
  return gtk_label_get_label (self->status_label);
}

const char *
lab_train_page_get_progress_text (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), NULL);
  return gtk_label_get_label (self->progress_label);
}

const char *
lab_train_page_get_arch (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), NULL);
  return self->chosen_spec ? self->chosen_spec->name : NULL;
}

guint
lab_train_page_get_summary_rows (LabTrainPage *self)
{
  guint n = 0;

  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), 0);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_grid));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  /* Four cells a row, one header row. */
  return n >= 4 ? n / 4 - 1 : 0;
}
