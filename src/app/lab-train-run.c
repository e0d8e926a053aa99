#define G_LOG_DOMAIN "latentlab"

#include <math.h>
#include <string.h>

#include "lab-job.h"
#include "lab-metrics.h"
#include "lab-model-probe.h"
#include "lab-train-record.h"
#include "lab-train-run.h"

/* What the worker and the main thread share (an atomic rc box: the job
 * holds one reference, the LabTrainRun another). */
typedef struct
{
  /* Set up on the main thread before the start; read-only afterwards. */
  LabDataset     *train;
  LabDataset     *val;            /* NULL: hold out a share of train */
  LabDataset     *recon_ds;       /* where the strip's images come from */
  guint           recon_indices[LAB_TRAIN_RUN_STRIP_IMAGES];
  guint           n_recon;
  LabTrainConfig  config;
  char           *dataset_spec;
  const char     *init;           /* "torch", or NULL when going on from earlier weights */
  LabTrainer     *trainer;        /* pause/resume from any thread */
  GCancellable   *stop;           /* Stop: ends the run, its result is still delivered */

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
  float          *pub_grad_norms; /* (n_layers) the gradients' norms in that step */
  guint64         pub_step;
  LabReconBatch  *pub_recon;
} TrainShared;

struct _LabTrainRun
{
  LabRun       parent_instance;

  /* Owned */
  TrainShared       *shared;
  LabSession        *session;
  LabTrainRunUpdate  last;       /* drained when the job finished, until taken */
};

G_DEFINE_FINAL_TYPE (LabTrainRun, lab_train_run, LAB_TYPE_RUN)

static void
train_shared_clear (TrainShared *run)
{
  g_clear_pointer (&run->train, lab_dataset_unref);
  g_clear_pointer (&run->val, lab_dataset_unref);
  g_clear_pointer (&run->recon_ds, lab_dataset_unref);
  g_clear_pointer (&run->dataset_spec, g_free);
  g_clear_pointer (&run->trainer, lab_trainer_free);
  g_clear_object (&run->stop);
  g_clear_pointer (&run->model, lab_model_free);
  g_clear_pointer (&run->recon_model, lab_model_free);
  g_clear_pointer (&run->points, g_array_unref);
  g_clear_pointer (&run->val_points, g_array_unref);
  g_clear_pointer (&run->pub_params, g_free);
  g_clear_pointer (&run->pub_buffers, g_free);
  g_clear_pointer (&run->pub_grad_norms, g_free);
  g_clear_pointer (&run->pub_recon, lab_recon_batch_free);
  g_mutex_clear (&run->mutex);
}

static TrainShared *
train_shared_new (void)
{
  TrainShared *run = g_atomic_rc_box_new0 (TrainShared);

  g_mutex_init (&run->mutex);
  run->points = g_array_new (FALSE, FALSE, sizeof (double));
  run->val_points = g_array_new (FALSE, FALSE, sizeof (double));
  run->stop = g_cancellable_new ();
  run->trainer = lab_trainer_new ();
  return run;
}

static TrainShared *
train_shared_ref (TrainShared *run)
{
  return g_atomic_rc_box_acquire (run);
}

static void
train_shared_unref (TrainShared *run)
{
  g_atomic_rc_box_release_full (run, (GDestroyNotify) train_shared_clear);
}

static void
train_result_free (LabTrainResult *result)
{
  g_clear_error (&result->diverged);
  g_free (result->record_json);
  lab_recon_batch_free (result->recon);
  g_free (result);
}

void
lab_train_run_update_clear (LabTrainRunUpdate *update)
{
  g_clear_pointer (&update->points, g_array_unref);
  g_clear_pointer (&update->val_points, g_array_unref);
  g_clear_pointer (&update->recon, lab_recon_batch_free);
  update->have_latest = FALSE;
}

/* Worker thread: called by the trainer after every step and epoch. Stores
 * what the page shows under the mutex; a copy of the weights and the
 * strip's reconstructions only every LAB_TRAIN_RUN_PUBLISH_US, so the main
 * thread never waits for the model and the worker spends little on it. */
static gboolean
on_train_progress (const LabTrainProgress *p,
                   gpointer                data)
{
  TrainShared *run = data;
  gint64 now = g_get_monotonic_time ();
  gboolean publish = p->kind != LAB_TRAIN_BATCH || now - run->last_publish >= LAB_TRAIN_RUN_PUBLISH_US;
  float *params = NULL, *buffers = NULL, *grad_norms = NULL;
  LabReconBatch *recon = NULL;
  double done;

  if (publish)
    {
      params = g_memdup2 (lab_model_params (p->model), lab_model_n_params (p->model) * sizeof (float));
      if (lab_model_n_buffers (p->model) > 0)
        buffers = g_memdup2 (lab_model_buffers (p->model),
                             lab_model_n_buffers (p->model) * sizeof (float));
      /* The gradients of the step just taken are still in the model (the
       * next step zeroes them): the Inside page's gradient norms. */
      grad_norms = g_new (float, lab_model_n_layers (p->model));
      lab_model_layer_norms (p->model, NULL, grad_norms);
      if (run->recon_model != NULL && run->n_recon > 0)
        {
          lab_model_copy_params_from (run->recon_model, p->model);
          recon = lab_recon_batch_compute (run->recon_model, run->recon_ds, run->recon_indices,
                                           run->n_recon, &run->config.noise, LAB_TRAIN_RUN_STRIP_SEED, NULL);
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
      g_free (run->pub_grad_norms);
      lab_recon_batch_free (run->pub_recon);
      run->pub_params = params;
      run->pub_buffers = buffers;
      run->pub_grad_norms = grad_norms;
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
  TrainShared *run = data;
  g_autoptr(GError) train_error = NULL;
  LabTrainResult *result = NULL;
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

  result = g_new0 (LabTrainResult, 1);
  result->stopped = !ok && g_error_matches (train_error, LAB_ERROR, LAB_ERROR_CANCELLED);
  if (g_error_matches (train_error, LAB_ERROR, LAB_ERROR_DIVERGED))
    result->diverged = g_steal_pointer (&train_error);
  result->steps = lab_trainer_get_steps (run->trainer);
  result->final_loss = NAN;
  result->final_psnr = NAN;
  result->final_accuracy = NAN;

  /* The number the page reports for these weights, from the weights kept. */
  if (lab_evaluate (run->model, eval_ds, &run->config.noise, LAB_TRAIN_RUN_EVAL_SEED,
                    LAB_TRAIN_RUN_EVAL_IMAGES, &eval, cancellable, NULL))
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
                                               run->n_recon, &run->config.noise, LAB_TRAIN_RUN_STRIP_SEED,
                                               NULL);
    }

out:
  return result;
}

/* Takes what the worker left and publishes the weights among it. */
static void
drain_shared (LabTrainRun       *self,
              LabTrainRunUpdate *update)
{
  TrainShared *run = self->shared;
  g_autofree float *params = NULL;
  g_autofree float *buffers = NULL;
  g_autofree float *grad_norms = NULL;
  guint64 pub_step;

  g_mutex_lock (&run->mutex);
  update->points = g_steal_pointer (&run->points);
  update->val_points = g_steal_pointer (&run->val_points);
  run->points = g_array_new (FALSE, FALSE, sizeof (double));
  run->val_points = g_array_new (FALSE, FALSE, sizeof (double));
  update->latest = run->latest;
  update->have_latest = run->have_latest;
  params = g_steal_pointer (&run->pub_params);
  buffers = g_steal_pointer (&run->pub_buffers);
  grad_norms = g_steal_pointer (&run->pub_grad_norms);
  update->recon = g_steal_pointer (&run->pub_recon);
  pub_step = run->pub_step;
  g_mutex_unlock (&run->mutex);

  if (params != NULL && lab_session_get_model (self->session) != NULL)
    lab_session_publish (self->session, params, buffers, grad_norms, pub_step);
}

void
lab_train_run_drain (LabTrainRun       *self,
                     LabTrainRunUpdate *update)
{
  g_return_if_fail (LAB_IS_TRAIN_RUN (self));
  g_return_if_fail (update != NULL);

  /* After the end the worker adds nothing: the last drain is all. */
  if (self->last.points != NULL)
    {
      *update = self->last;
      memset (&self->last, 0, sizeof self->last);
      return;
    }
  drain_shared (self, update);
}

static void
train_progress (gpointer    owner,
                LabJob     *job,
                double      fraction,
                const char *text,
                gpointer    payload)
{
  lab_run_emit_progress (owner, fraction, NULL);
}

static void
train_done (gpointer      owner,
            LabJob       *job,
            gpointer      result_ptr,
            const GError *error)
{
  LabTrainRun *self = owner;
  LabTrainResult *result = result_ptr;

  /* The last weights published go first, then the weights kept. */
  lab_train_run_update_clear (&self->last);
  drain_shared (self, &self->last);
  /* The worker is done with the model: these are the weights kept. */
  if (result != NULL && lab_session_get_model (self->session) != NULL)
    {
      lab_session_publish_from (self->session, self->shared->model, result->steps);
      lab_session_set_train_json (self->session, result->record_json);
    }
  lab_run_emit_done (LAB_RUN (self), result, error);
  g_clear_pointer (&result, train_result_free);
}

LabTrainRun *
lab_train_run_new (LabSession           *session,
                   LabModel             *model,
                   LabDataset           *train,
                   LabDataset           *val,
                   const LabTrainConfig *config)
{
  LabTrainRun *self;

  g_return_val_if_fail (LAB_IS_SESSION (session), NULL);
  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (train != NULL, NULL);
  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (LAB_TYPE_TRAIN_RUN, NULL);
  self->session = g_object_ref (session);
  self->shared->model = model;
  self->shared->train = lab_dataset_ref (train);
  self->shared->val = val != NULL ? lab_dataset_ref (val) : NULL;
  self->shared->config = *config;
  return self;
}

void
lab_train_run_set_origin (LabTrainRun *self,
                          const char  *dataset_spec,
                          const char  *init)
{
  g_return_if_fail (LAB_IS_TRAIN_RUN (self));
  g_return_if_fail (init == NULL || g_strcmp0 (init, "torch") == 0);

  g_free (self->shared->dataset_spec);
  self->shared->dataset_spec = g_strdup (dataset_spec);
  /* A static string: the record only names the initialisation. */
  self->shared->init = init != NULL ? "torch" : NULL;
}

void
lab_train_run_set_strip (LabTrainRun *self,
                         LabDataset  *ds,
                         const guint *indices,
                         guint        n)
{
  TrainShared *run;

  g_return_if_fail (LAB_IS_TRAIN_RUN (self));
  g_return_if_fail (n <= LAB_TRAIN_RUN_STRIP_IMAGES);

  run = self->shared;
  g_clear_pointer (&run->recon_ds, lab_dataset_unref);
  g_clear_pointer (&run->recon_model, lab_model_free);
  run->n_recon = 0;
  if (ds == NULL || n == 0)
    return;
  run->recon_ds = lab_dataset_ref (ds);
  memcpy (run->recon_indices, indices, n * sizeof (guint));
  run->n_recon = n;
  run->recon_model = lab_model_copy (run->model, n);
}

void
lab_train_run_start (LabTrainRun *self)
{
  g_autoptr(LabJob) job = NULL;

  g_return_if_fail (LAB_IS_TRAIN_RUN (self));
  g_return_if_fail (!lab_run_is_running (LAB_RUN (self)));

  job = lab_run_new_job (LAB_RUN (self), train_worker, train_shared_ref (self->shared),
                         (GDestroyNotify) train_shared_unref);
  lab_job_set_result_free_func (job, (GDestroyNotify) train_result_free);
  lab_job_set_progress_func (job, train_progress);
  lab_job_set_progress_interval (job, LAB_TRAIN_RUN_PROGRESS_MS);
  lab_job_set_done_func (job, train_done);
  lab_job_start (job);
}

void
lab_train_run_set_paused (LabTrainRun *self,
                          gboolean     paused)
{
  g_return_if_fail (LAB_IS_TRAIN_RUN (self));

  if (paused)
    lab_trainer_pause (self->shared->trainer);
  else
    lab_trainer_resume (self->shared->trainer);
}

gboolean
lab_train_run_is_paused (LabTrainRun *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_RUN (self), FALSE);

  return lab_trainer_is_paused (self->shared->trainer);
}

void
lab_train_run_stop (LabTrainRun *self)
{
  g_return_if_fail (LAB_IS_TRAIN_RUN (self));

  g_cancellable_cancel (self->shared->stop);
}

gboolean
lab_train_run_cancel (LabTrainRun *self,
                      guint        timeout_ms)
{
  g_return_val_if_fail (LAB_IS_TRAIN_RUN (self), FALSE);

  /* Paused or not, the worker notices within one batch. */
  g_cancellable_cancel (self->shared->stop);
  lab_run_cancel (LAB_RUN (self));
  return lab_run_wait (LAB_RUN (self), timeout_ms);
}

const LabTrainConfig *
lab_train_run_get_config (LabTrainRun *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_RUN (self), NULL);

  return &self->shared->config;
}

LabModel *
lab_train_run_get_model (LabTrainRun *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_RUN (self), NULL);

  return self->shared->model;
}

gboolean
lab_train_run_has_val (LabTrainRun *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_RUN (self), FALSE);

  return self->shared->val != NULL;
}

/* GObject */

static void
lab_train_run_finalize (GObject *object)
{
  LabTrainRun *self = (LabTrainRun *)object;

  g_clear_pointer (&self->shared, train_shared_unref);
  g_clear_object (&self->session);
  lab_train_run_update_clear (&self->last);

  G_OBJECT_CLASS (lab_train_run_parent_class)->finalize (object);
}

static void
lab_train_run_class_init (LabTrainRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_train_run_finalize;
}

static void
lab_train_run_init (LabTrainRun *self)
{
  self->shared = train_shared_new ();
}
