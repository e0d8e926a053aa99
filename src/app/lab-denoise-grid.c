#define G_LOG_DOMAIN "latentlab"

#include <string.h>

#include <glib/gi18n.h>

#include "lab-denoise-grid.h"
#include "lab-job.h"
#include "lab-page.h"
#include "lab-rng.h"
#include "lab-task.h"
#include "lab-worker-gate.h"

#define PASS_SLOT   "denoise"
/* Each image keeps its noise pattern as the slider moves. */
#define PASS_SEED   G_GUINT64_CONSTANT (0xde9015e)

/* What the worker owns. */
typedef struct
{
  LabModel   *model;        /* lent by the grid; given back by the done callback */
  LabDataset *dataset;
  guint       indices[LAB_DENOISE_IMAGES];
  guint       n;
  LabNoise    noise;
  guint       generation;
  guint64     serial;
  double      ms;           /* what the pass took on the worker */
} PassRequest;

struct _LabDenoiseGrid
{
  GtkWidget       parent_instance;

  /* Template widgets */
  LabReconGrid   *grid;

  /* Owned */
  LabSession     *session;
  LabWorkerGate  *gate;
  LabModel       *infer;          /* the grid's copy of the session model, or NULL */
  guint           infer_generation;
  guint64         infer_serial;
  guint           model_generation;  /* bumped by model_changed */
  LabDataset     *images_ds;      /* what indices index */
  guint           indices[LAB_DENOISE_IMAGES];
  guint           n_images;
  guint           n_shuffles;
  LabNoise        noise;          /* the slider's, as the page last said */
  double          level;
  LabReconBatch  *shown;
  double          shown_level;
  double          pass_ms;
  guint           n_passes;

  guint           busy : 1;       /* a pass runs on a worker */
  guint           pending : 1;    /* another pass is wanted when it returns */
  guint           use_worker : 1;
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

enum {
  PASS_SHOWN,
  PROBLEM,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabDenoiseGrid, lab_denoise_grid, GTK_TYPE_WIDGET)

static void request_pass (LabDenoiseGrid *self);

static LabModel *
session_model (LabDenoiseGrid *self)
{
  return self->session != NULL ? lab_session_get_model (self->session) : NULL;
}

static LabDataset *
test_dataset (LabDenoiseGrid *self)
{
  return self->session != NULL ? lab_session_get_test_dataset (self->session) : NULL;
}

/* The inference copy of the session's model, with the latest weights;
 * the caller owns it until give_back_model. */
static LabModel *
take_model (LabDenoiseGrid *self)
{
  LabModel *model = g_steal_pointer (&self->infer);
  LabModel *source = session_model (self);

  if (model != NULL && self->infer_generation != self->model_generation)
    g_clear_pointer (&model, lab_model_free);
  if (model == NULL)
    {
      model = lab_model_copy (source, LAB_DENOISE_IMAGES);
      /* One lane: 16 images are a few milliseconds on one core, and a
       * second lane would wait for a core that the sweep or training has
       * (measured: 10 ms passes on the main thread while the sweep ran,
       * against 3 ms). */
      if (model != NULL)
        lab_model_set_threads (model, 1, NULL);
    }
  else if (self->infer_serial != lab_session_get_weights_serial (self->session))
    lab_model_copy_params_from (model, source);
  self->infer_generation = self->model_generation;
  self->infer_serial = lab_session_get_weights_serial (self->session);
  return model;
}

static void
give_back_model (LabDenoiseGrid *self,
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

const char *
lab_denoise_noise_title (LabNoiseType type)
{
  switch (type)
    {
    case LAB_NOISE_GAUSSIAN:
      return _("Gaussian");
    case LAB_NOISE_SALT_PEPPER:
      return _("Salt & pepper");
    case LAB_NOISE_MASK:
      return _("Mask");
    case LAB_NOISE_DOWNSAMPLE:
      return _("Downsample");
    case LAB_NOISE_NONE:
    default:
      return _("None");
    }
}

/* The rows' titles say what the images shown have: the noise and the
 * factor of the pass they come from, which while the slider moves may be
 * a step behind the slider. */
static void
set_titles (LabDenoiseGrid *self,
            const LabNoise *noise,
            double          level)
{
  g_autofree char *noisy = NULL;
  gboolean clean_input = noise == NULL || noise->type == LAB_NOISE_NONE
                         || (noise->type != LAB_NOISE_DOWNSAMPLE && level <= 0);

  if (noise != NULL && noise->type == LAB_NOISE_DOWNSAMPLE)
    noisy = g_strdup (_("Input, downsampled 2×2  (PSNR)"));
  else if (clean_input)
    noisy = g_strdup (_("Input, without noise"));
  else
    /* Translators: the title above the noisy images: the noise type and
     * the noise factor they were made with ("Gaussian", 0.35) */
    noisy = g_strdup_printf (_("Noisy input: %s, noise factor %.2f  (PSNR)"),
                             lab_denoise_noise_title (noise->type), level);
  lab_recon_grid_set_row_title (self->grid, 0, noisy);
  lab_recon_grid_set_row_title (self->grid, 1, clean_input ? _("Output  (PSNR, MSE)")
                                                           : _("Denoised  (PSNR, MSE)"));
}

/* Takes batch, made with noise. */
static void
show_pass (LabDenoiseGrid *self,
           LabReconBatch  *batch,
           const LabNoise *noise,
           double          level)
{
  g_clear_pointer (&self->shown, lab_recon_batch_free);
  self->shown = batch;
  self->shown_level = level;
  self->n_passes++;
  set_titles (self, noise, level);
  lab_recon_grid_show_batch (self->grid, batch, TRUE);
  g_signal_emit (self, signals[PASS_SHOWN], 0, batch, level);
}

/* The 16-image pass */

static void
pass_request_free (gpointer data)
{
  PassRequest *req = data;

  g_clear_pointer (&req->model, lab_model_free);
  g_clear_pointer (&req->dataset, lab_dataset_unref);
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
  return batch;
}

static void
pass_done (gpointer      owner,
           LabJob       *job,
           gpointer      result,
           const GError *error)
{
  LabDenoiseGrid *self = owner;
  PassRequest *req = lab_job_get_data (job);
  LabReconBatch *batch = result;

  self->busy = FALSE;
  self->pass_ms = req->ms;
  /* Fast again (the machine was busy when it was measured): back to the
   * main thread, with a margin so it does not flip back and forth. Not
   * while training, which keeps the passes on the worker anyway. */
  if (req->ms < 0.6 * LAB_DENOISE_INLINE_MS && !lab_session_get_training (self->session))
    self->use_worker = FALSE;
  give_back_model (self, g_steal_pointer (&req->model), req->generation, req->serial);
  if (batch != NULL)
    show_pass (self, batch, &req->noise,
               req->noise.type == LAB_NOISE_DOWNSAMPLE ? self->level : req->noise.amount);
  else if (error != NULL)
    g_debug ("Denoise pass: %s", error->message);
  if (self->pending)
    {
      self->pending = FALSE;
      request_pass (self);
    }
}

void
lab_denoise_grid_pick_images (LabDenoiseGrid *self,
                              gboolean        shuffle)
{
  LabDataset *ds;

  g_return_if_fail (LAB_IS_DENOISE_GRID (self));

  ds = test_dataset (self);
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

gboolean
lab_denoise_grid_set_images (LabDenoiseGrid *self,
                             const guint    *indices,
                             guint           n)
{
  LabDataset *ds;

  g_return_val_if_fail (LAB_IS_DENOISE_GRID (self), FALSE);

  ds = test_dataset (self);
  if (ds == NULL || n == 0 || n > LAB_DENOISE_IMAGES)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (indices[i] >= ds->n)
      return FALSE;
  g_clear_pointer (&self->images_ds, lab_dataset_unref);
  self->images_ds = lab_dataset_ref (ds);
  memcpy (self->indices, indices, n * sizeof (guint));
  self->n_images = n;
  return TRUE;
}

const guint *
lab_denoise_grid_get_images (LabDenoiseGrid *self,
                             guint          *n)
{
  g_return_val_if_fail (LAB_IS_DENOISE_GRID (self), NULL);

  *n = self->images_ds != NULL ? self->n_images : 0;
  return self->indices;
}

static void
show_problem (LabDenoiseGrid *self,
              const char     *why)
{
  g_signal_emit (self, signals[PROBLEM], 0, why);
}

static void
request_pass (LabDenoiseGrid *self)
{
  LabModel *source = session_model (self);
  LabNoise noise = self->noise;
  g_autoptr(GError) error = NULL;
  LabTask task;

  if (source == NULL)
    {
      show_problem (self, _("There is no model yet. Train one on the Train page, or open a "
                            "model file, and its denoising shows here."));
      return;
    }
  if (self->images_ds == NULL || self->images_ds != test_dataset (self))
    lab_denoise_grid_pick_images (self, FALSE);
  if (self->images_ds == NULL || self->n_images == 0)
    {
      show_problem (self, _("The dataset is still loading."));
      return;
    }
  if (!lab_task_for (source, self->images_ds, &task, &error))
    {
      g_autofree char *text = g_strdup_printf (_("This model does not fit the dataset shown: %s"),
                                               error->message);
      show_problem (self, text);
      return;
    }
  if (task == LAB_TASK_CLASSIFY)
    {
      show_problem (self, _("This model classifies images; denoising needs an autoencoder. "
                            "Train or open one on the Train page."));
      return;
    }
  show_problem (self, NULL);

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
  if (!self->use_worker && !lab_session_get_training (self->session))
    {
      guint generation = self->model_generation;
      guint64 serial = lab_session_get_weights_serial (self->session);
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
        show_pass (self, batch, &noise, self->level);
      else
        lab_widget_show_error (GTK_WIDGET (self), error);
      return;
    }

  {
    g_autoptr(LabJob) job = NULL;
    PassRequest *req = g_new0 (PassRequest, 1);

    req->generation = self->model_generation;
    req->serial = lab_session_get_weights_serial (self->session);
    req->model = take_model (self);
    req->dataset = lab_dataset_ref (self->images_ds);
    memcpy (req->indices, self->indices, sizeof req->indices);
    req->n = self->n_images;
    req->noise = noise;
    self->busy = TRUE;
    job = lab_job_new (self, PASS_SLOT, pass_worker, req, pass_request_free);
    lab_job_set_gate (job, self->gate);
    lab_job_set_result_free_func (job, (GDestroyNotify) lab_recon_batch_free);
    lab_job_set_done_func (job, pass_done);
    lab_job_start (job);
  }
}

void
lab_denoise_grid_request (LabDenoiseGrid *self,
                          const LabNoise *noise,
                          double          level)
{
  g_return_if_fail (LAB_IS_DENOISE_GRID (self));

  self->noise = *noise;
  self->level = level;
  request_pass (self);
}

void
lab_denoise_grid_model_changed (LabDenoiseGrid *self)
{
  g_return_if_fail (LAB_IS_DENOISE_GRID (self));

  self->model_generation++;
  g_clear_pointer (&self->infer, lab_model_free);
  self->use_worker = FALSE;
}

void
lab_denoise_grid_training_changed (LabDenoiseGrid *self)
{
  g_return_if_fail (LAB_IS_DENOISE_GRID (self));

  /* Passes went to the worker while training took the cores: without it
   * the main thread may be fast enough again, and the next pass tells. */
  if (self->session != NULL && !lab_session_get_training (self->session))
    self->use_worker = FALSE;
}

/* Accessors */

LabReconGrid *
lab_denoise_grid_get_grid (LabDenoiseGrid *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_GRID (self), NULL);
  return self->grid;
}

const LabReconBatch *
lab_denoise_grid_get_shown (LabDenoiseGrid *self,
                            double         *level)
{
  g_return_val_if_fail (LAB_IS_DENOISE_GRID (self), NULL);
  if (level != NULL)
    *level = self->shown_level;
  return self->shown;
}

gboolean
lab_denoise_grid_is_busy (LabDenoiseGrid *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_GRID (self), FALSE);
  return self->busy || self->pending;
}

double
lab_denoise_grid_get_pass_ms (LabDenoiseGrid *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_GRID (self), 0);
  return self->pass_ms;
}

gboolean
lab_denoise_grid_uses_worker (LabDenoiseGrid *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_GRID (self), FALSE);
  return self->use_worker;
}

guint
lab_denoise_grid_get_n_passes (LabDenoiseGrid *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_GRID (self), 0);
  return self->n_passes;
}

/* GObject */

static void
lab_denoise_grid_dispose (GObject *object)
{
  LabDenoiseGrid *self = (LabDenoiseGrid *)object;
  GtkWidget *child;

  lab_job_cancel_and_wait (self, PASS_SLOT, self->gate, 10000, "A denoising worker");
  g_clear_object (&self->session);

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_DENOISE_GRID);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_denoise_grid_parent_class)->dispose (object);
}

static void
lab_denoise_grid_finalize (GObject *object)
{
  LabDenoiseGrid *self = (LabDenoiseGrid *)object;

  g_clear_pointer (&self->infer, lab_model_free);
  g_clear_pointer (&self->images_ds, lab_dataset_unref);
  g_clear_pointer (&self->shown, lab_recon_batch_free);
  g_clear_pointer (&self->gate, lab_worker_gate_unref);

  G_OBJECT_CLASS (lab_denoise_grid_parent_class)->finalize (object);
}

static void
lab_denoise_grid_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LabDenoiseGrid *self = LAB_DENOISE_GRID (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_denoise_grid_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LabDenoiseGrid *self = LAB_DENOISE_GRID (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_set_object (&self->session, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_denoise_grid_class_init (LabDenoiseGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_denoise_grid_dispose;
  object_class->finalize = lab_denoise_grid_finalize;
  object_class->get_property = lab_denoise_grid_get_property;
  object_class->set_property = lab_denoise_grid_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         LAB_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PASS_SHOWN] =
    g_signal_new ("pass-shown",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_DOUBLE);
  signals[PROBLEM] =
    g_signal_new ("problem",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (LAB_TYPE_RECON_GRID);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-denoise-grid.ui");
  gtk_widget_class_set_css_name (widget_class, "denoisegrid");
  gtk_widget_class_bind_template_child (widget_class, LabDenoiseGrid, grid);
}

static void
lab_denoise_grid_init (LabDenoiseGrid *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->gate = lab_worker_gate_new ();
  self->noise.type = LAB_NOISE_GAUSSIAN;
  self->noise.amount = 0.5f;
  self->level = 0.5;
  set_titles (self, &self->noise, self->level);
  lab_recon_grid_set_row_title (self->grid, 2, _("Clean"));
  lab_recon_grid_set_max_columns (self->grid, 8);
}
