#define G_LOG_DOMAIN "latentlab"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-job.h"
#include "lab-loss.h"
#include "lab-page.h"
#include "lab-sweep-plot.h"
#include "lab-task.h"
#include "lab-worker-gate.h"

#define SWEEP_SLOT "sweep"

/* What the worker owns. */
typedef struct
{
  LabModel      *model;
  LabDataset    *dataset;
  LabNoiseType   type;
  guint          n_images;
  guint64        serial;
} SweepRequest;

/* Filled level by level; the progress payload is a copy. */
typedef struct
{
  guint              n_levels;
  LabNoiseSweepPoint points[LAB_SWEEP_PLOT_LEVELS];
} SweepPoints;

struct _LabSweepPlot
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkLabel       *sweep_label;
  GtkProgressBar *sweep_progress;
  LabPlotView    *loss_plot;
  LabPlotView    *psnr_plot;

  /* Owned */
  LabWorkerGate  *gate;
  char           *loss_name;      /* of the model swept: "bce", "mse", ... */
  guint64         serial;         /* weights the curves are for; 0: none */
  SweepPoints     sweep;          /* the last finished sweep */
  gboolean        has_trained;
  LabNoise        trained;
  LabNoise        now;
};

G_DEFINE_FINAL_TYPE (LabSweepPlot, lab_sweep_plot, GTK_TYPE_WIDGET)

static void
draw_markers (LabSweepPlot *self)
{
  const LabNoise *noise = &self->now;

  for (guint p = 0; p < 2; p++)
    {
      LabPlotView *view = p == 0 ? self->loss_plot : self->psnr_plot;
      LabLinePlot *plot = lab_plot_view_get_plot (view);

      gboolean trained = self->has_trained && lab_noise_type_has_amount (self->trained.type);
      /* One marker when the two are too close for two labels. */
      gboolean near = trained && fabs (self->trained.amount - noise->amount) < 0.12;

      lab_line_plot_clear_markers (plot);
      if (trained)
        {
          const char *label = self->trained.type != noise->type ? lab_noise_type_name (self->trained.type)
                              : _("trained");

          lab_line_plot_add_marker (plot, self->trained.amount, label);
        }
      if (lab_noise_type_has_amount (noise->type))
        lab_line_plot_add_marker (plot, noise->amount, near ? "" : _("now"));
      lab_line_plot_set_x_range (plot, 0, 1);
      lab_plot_view_changed (view);
    }
}

static void
show_sweep (LabSweepPlot      *self,
            const SweepPoints *points)
{
  LabLinePlot *loss = lab_plot_view_reset (self->loss_plot);
  LabLinePlot *psnr = lab_plot_view_reset (self->psnr_plot);
  g_autofree char *loss_label = NULL;

  loss_label = g_strdup_printf (_("test loss (%s)"), self->loss_name ? self->loss_name : "");
  lab_line_plot_set_labels (loss, _("noise factor"), loss_label);
  lab_line_plot_set_labels (psnr, _("noise factor"), _("PSNR (dB)"));
  lab_line_plot_add_series (loss, _("denoised"), 0, LAB_LINE_STYLE_POINTS);
  lab_line_plot_add_series (psnr, _("denoised"), 0, LAB_LINE_STYLE_POINTS);
  lab_line_plot_add_series (psnr, _("noisy input"), 3, LAB_LINE_STYLE_POINTS);
  for (guint l = 0; l < points->n_levels; l++)
    {
      const LabNoiseSweepPoint *p = &points->points[l];

      if (isfinite (p->loss))
        lab_line_plot_append (loss, LAB_SWEEP_PLOT_SERIES_DENOISED, p->level, p->loss);
      if (isfinite (p->psnr))
        lab_line_plot_append (psnr, LAB_SWEEP_PLOT_SERIES_DENOISED, p->level, p->psnr);
      /* A clean input is a perfect match (100 dB): off the scale that matters. */
      if (isfinite (p->noisy_psnr) && p->noisy_psnr < 99)
        lab_line_plot_append (psnr, LAB_SWEEP_PLOT_SERIES_NOISY, p->level, p->noisy_psnr);
    }
  draw_markers (self);
}

/* The sweep on a worker */

static void
sweep_request_free (gpointer data)
{
  SweepRequest *req = data;

  g_clear_pointer (&req->model, lab_model_free);
  g_clear_pointer (&req->dataset, lab_dataset_unref);
  g_free (req);
}

/* Worker thread: each finished level goes to the main thread as a copy. */
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
  config.n_levels = LAB_SWEEP_PLOT_LEVELS;
  config.n_images = req->n_images;
  ok = lab_noise_sweep_run (req->model, req->dataset, &config, points->points, sweep_level_done, job,
                            cancellable, error);
  points->n_levels = config.n_levels;
  if (!ok)
    g_clear_pointer (&points, g_free);
  return points;
}

static void
sweep_progress (gpointer    owner,
                LabJob     *job,
                double      fraction,
                const char *text,
                gpointer    payload)
{
  LabSweepPlot *self = owner;

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
  LabSweepPlot *self = owner;
  SweepRequest *req = lab_job_get_data (job);
  g_autofree SweepPoints *points = result;
  g_autofree char *images = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_opacity (GTK_WIDGET (self->sweep_progress), 0);
  if (points == NULL)
    {
      if (error != NULL)
        lab_widget_show_error (GTK_WIDGET (self), error);
      return;
    }
  self->sweep = *points;
  self->serial = req->serial;
  show_sweep (self, points);
  images = lab_format_count_localized (req->n_images);
  text = g_strdup_printf (_("Loss and PSNR against noise, %s test images"), images);
  gtk_label_set_label (self->sweep_label, text);
}

gboolean
lab_sweep_plot_start (LabSweepPlot *self,
                      LabModel     *model,
                      LabDataset   *dataset,
                      LabNoiseType  type,
                      guint64       serial)
{
  g_autoptr(LabJob) job = NULL;
  g_autofree char *images = NULL;
  g_autofree char *text = NULL;
  SweepRequest *req;
  LabTask task;

  g_return_val_if_fail (LAB_IS_SWEEP_PLOT (self), FALSE);

  if (model == NULL || dataset == NULL || !lab_task_for (model, dataset, &task, NULL) || task == LAB_TASK_CLASSIFY)
    return FALSE;
  req = g_new0 (SweepRequest, 1);
  /* Batches of 100: lab_evaluate uses the model's batch. */
  req->model = lab_model_copy (model, 100);
  req->dataset = lab_dataset_ref (dataset);
  req->type = type;
  req->n_images = MIN (LAB_SWEEP_PLOT_IMAGES, dataset->n);
  req->serial = serial;
  g_free (self->loss_name);
  self->loss_name = g_strdup (lab_loss_name (lab_model_get_loss (model)));

  gtk_progress_bar_set_fraction (self->sweep_progress, 0);
  gtk_widget_set_opacity (GTK_WIDGET (self->sweep_progress), 1);
  images = lab_format_count_localized (req->n_images);
  text = g_strdup_printf (_("Computing %u noise levels × %s test images…"), LAB_SWEEP_PLOT_LEVELS, images);
  gtk_label_set_label (self->sweep_label, text);

  job = lab_job_new (self, SWEEP_SLOT, sweep_worker, req, sweep_request_free);
  lab_job_set_gate (job, self->gate);
  lab_job_set_result_free_func (job, g_free);
  lab_job_set_progress_func (job, sweep_progress);
  lab_job_set_done_func (job, sweep_done);
  lab_job_start (job);
  return TRUE;
}

void
lab_sweep_plot_reset (LabSweepPlot *self,
                      const char   *title)
{
  LabLinePlot *loss, *psnr;

  g_return_if_fail (LAB_IS_SWEEP_PLOT (self));

  self->serial = 0;
  lab_job_cancel_slot (self, SWEEP_SLOT);
  gtk_widget_set_opacity (GTK_WIDGET (self->sweep_progress), 0);
  loss = lab_plot_view_reset (self->loss_plot);
  psnr = lab_plot_view_reset (self->psnr_plot);
  lab_line_plot_set_labels (loss, _("noise factor"), _("test loss"));
  lab_line_plot_set_labels (psnr, _("noise factor"), _("PSNR (dB)"));
  gtk_label_set_label (self->sweep_label, title);
  draw_markers (self);
}

void
lab_sweep_plot_set_title (LabSweepPlot *self,
                          const char   *title)
{
  g_return_if_fail (LAB_IS_SWEEP_PLOT (self));

  gtk_label_set_label (self->sweep_label, title);
}

void
lab_sweep_plot_set_markers (LabSweepPlot   *self,
                            const LabNoise *trained,
                            const LabNoise *now)
{
  g_return_if_fail (LAB_IS_SWEEP_PLOT (self));

  self->has_trained = trained != NULL;
  if (trained != NULL)
    self->trained = *trained;
  self->now = *now;
  draw_markers (self);
}

gboolean
lab_sweep_plot_is_running (LabSweepPlot *self)
{
  g_return_val_if_fail (LAB_IS_SWEEP_PLOT (self), FALSE);

  return lab_job_lookup (self, SWEEP_SLOT) != NULL;
}

guint64
lab_sweep_plot_get_serial (LabSweepPlot *self)
{
  g_return_val_if_fail (LAB_IS_SWEEP_PLOT (self), 0);

  return self->serial;
}

guint
lab_sweep_plot_get_n_levels (LabSweepPlot *self)
{
  g_return_val_if_fail (LAB_IS_SWEEP_PLOT (self), 0);

  return self->serial != 0 ? self->sweep.n_levels : 0;
}

LabPlotView *
lab_sweep_plot_get_loss_plot (LabSweepPlot *self)
{
  g_return_val_if_fail (LAB_IS_SWEEP_PLOT (self), NULL);

  return self->loss_plot;
}

LabPlotView *
lab_sweep_plot_get_psnr_plot (LabSweepPlot *self)
{
  g_return_val_if_fail (LAB_IS_SWEEP_PLOT (self), NULL);

  return self->psnr_plot;
}

static void
lab_sweep_plot_dispose (GObject *object)
{
  LabSweepPlot *self = (LabSweepPlot *)object;
  GtkWidget *child;

  lab_job_cancel_and_wait (self, SWEEP_SLOT, self->gate, 10000, "A noise sweep");

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_SWEEP_PLOT);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_sweep_plot_parent_class)->dispose (object);
}

static void
lab_sweep_plot_finalize (GObject *object)
{
  LabSweepPlot *self = (LabSweepPlot *)object;

  g_clear_pointer (&self->gate, lab_worker_gate_unref);
  g_free (self->loss_name);

  G_OBJECT_CLASS (lab_sweep_plot_parent_class)->finalize (object);
}

static void
lab_sweep_plot_class_init (LabSweepPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_sweep_plot_dispose;
  object_class->finalize = lab_sweep_plot_finalize;

  g_type_ensure (LAB_TYPE_PLOT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-sweep-plot.ui");
  gtk_widget_class_set_css_name (widget_class, "sweepplot");
  gtk_widget_class_bind_template_child (widget_class, LabSweepPlot, sweep_label);
  gtk_widget_class_bind_template_child (widget_class, LabSweepPlot, sweep_progress);
  gtk_widget_class_bind_template_child (widget_class, LabSweepPlot, loss_plot);
  gtk_widget_class_bind_template_child (widget_class, LabSweepPlot, psnr_plot);
}

static void
lab_sweep_plot_init (LabSweepPlot *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->gate = lab_worker_gate_new ();
  self->now.type = LAB_NOISE_GAUSSIAN;
  self->now.amount = 0.5f;
}
