#define G_LOG_DOMAIN "latentlab-core"

#include "lab-trainer.h"

#include <math.h>
#include <string.h>

#include "lab-task.h"
#include "lab-team.h"

#define MAX_BATCH       65536
#define SMOOTHING       0.98
/* Seeds of the independent streams derived from config->seed. */
#define SEED_SPLIT      G_GUINT64_CONSTANT (0x243f6a8885a308d3)
#define SEED_VALIDATION G_GUINT64_CONSTANT (0x13198a2e03707344)

struct _LabTrainer
{
  GMutex   lock;
  GCond    cond;
  gboolean paused;       /* under lock */
  GArray  *history;      /* (element-type LabEpochRecord) */
  guint64  steps;
};

void
lab_train_config_init (LabTrainConfig *config)
{
  memset (config, 0, sizeof *config);
  config->epochs = 5;
  config->batch = 128;
  config->optimizer = LAB_OPTIM_ADAM;
  config->lr = 1e-3;
  config->momentum = 0.9;
  config->noise.type = LAB_NOISE_NONE;
  config->publish_every = 50;
  config->snapshot_every = 50;
}

LabTrainer *
lab_trainer_new (void)
{
  LabTrainer *self = g_new0 (LabTrainer, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->history = g_array_new (FALSE, TRUE, sizeof (LabEpochRecord));
  return self;
}

void
lab_trainer_free (LabTrainer *self)
{
  if (self == NULL)
    return;
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_array_unref (self->history);
  g_free (self);
}

void
lab_trainer_pause (LabTrainer *self)
{
  g_mutex_lock (&self->lock);
  self->paused = TRUE;
  g_mutex_unlock (&self->lock);
}

void
lab_trainer_resume (LabTrainer *self)
{
  g_mutex_lock (&self->lock);
  self->paused = FALSE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

gboolean
lab_trainer_is_paused (LabTrainer *self)
{
  gboolean paused;

  g_mutex_lock (&self->lock);
  paused = self->paused;
  g_mutex_unlock (&self->lock);
  return paused;
}

const LabEpochRecord *
lab_trainer_get_history (LabTrainer *self,
                         guint      *n_epochs)
{
  *n_epochs = self->history->len;
  return (const LabEpochRecord *) (gpointer) self->history->data;
}

guint64
lab_trainer_get_steps (LabTrainer *self)
{
  return self->steps;
}

/* Blocks while paused, waking every 100 ms to notice a cancellation.
 * Returns the microseconds spent waiting. */
static gint64
wait_while_paused (LabTrainer   *self,
                   GCancellable *cancellable)
{
  gint64 start = 0, waited = 0;

  g_mutex_lock (&self->lock);
  if (self->paused)
    {
      start = g_get_monotonic_time ();
      while (self->paused && !g_cancellable_is_cancelled (cancellable))
        g_cond_wait_until (&self->cond, &self->lock,
                           g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND);
      waited = g_get_monotonic_time () - start;
    }
  g_mutex_unlock (&self->lock);
  return waited;
}

/* The good weights to fall back on when training diverges. */
typedef struct
{
  float   *params;
  float   *buffers;
  guint64  tracked;
} Snapshot;

static void
snapshot_take (Snapshot *s,
               LabModel *model)
{
  memcpy (s->params, lab_model_params (model), lab_model_n_params (model) * sizeof (float));
  memcpy (s->buffers, lab_model_buffers (model), lab_model_n_buffers (model) * sizeof (float));
  s->tracked = lab_model_get_batches_tracked (model);
}

static void
snapshot_restore (Snapshot *s,
                  LabModel *model)
{
  memcpy (lab_model_params (model), s->params, lab_model_n_params (model) * sizeof (float));
  memcpy (lab_model_buffers (model), s->buffers, lab_model_n_buffers (model) * sizeof (float));
  lab_model_set_batches_tracked (model, s->tracked);
}

/* One batch's inputs and targets, prepared by every lane for its share of
 * the images. Each image's noise comes from its own stream, seeded by the
 * batch's seed and the image's index, so the batch is the same whatever
 * the thread count (the Gaussian draws are most of a step's serial work). */
typedef struct
{
  LabTask         task;
  LabModel       *model;
  LabDataset     *dataset;
  const guint    *indices;
  guint           n, lanes;
  const LabNoise *noise;
  guint64         seed;
  float          *input, *target, *clean;
  gsize           input_row, target_row, clean_row;
} PrepareJob;

static void
prepare_lane (guint    lane,
              gpointer data)
{
  const PrepareJob *job = data;
  guint r0 = (guint) ((guint64) job->n * lane / job->lanes);
  guint r1 = (guint) ((guint64) job->n * (lane + 1) / job->lanes);

  if (r1 > r0)
    lab_task_prepare_batch (job->task, job->model, job->dataset, job->indices + r0, r1 - r0,
                            job->noise, NULL, job->seed, job->input + r0 * job->input_row,
                            job->target + r0 * job->target_row, job->clean + r0 * job->clean_row);
}

static gboolean
check_config (const LabTrainConfig  *config,
              GError               **error)
{
  if (config->epochs < 1)
    g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "Train for at least one epoch");
  else if (config->batch < 1 || config->batch > MAX_BATCH)
    g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                 "The batch size must be from 1 to %d, not %u", MAX_BATCH, config->batch);
  else if (!(config->lr > 0) || !isfinite (config->lr))
    g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                 "The learning rate must be a positive number, not %g", config->lr);
  else if (!(config->encoder_lr >= 0) || !isfinite (config->encoder_lr))
    g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                 "The encoder's learning rate must be a positive number (or 0: the same as "
                 "the other layers), not %g", config->encoder_lr);
  else if (!(config->weight_decay >= 0) || !isfinite (config->weight_decay))
    g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                 "The weight decay must be 0 or a positive number, not %g", config->weight_decay);
  else if (!(config->val_fraction >= 0 && config->val_fraction < 1))
    g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                 "The validation fraction must be from 0 to below 1, not %g",
                 config->val_fraction);
  else
    return TRUE;
  return FALSE;
}

gboolean
lab_trainer_run (LabTrainer            *self,
                 LabModel              *model,
                 LabDataset            *train,
                 LabDataset            *val,
                 const LabTrainConfig  *config,
                 LabTrainFunc           callback,
                 gpointer               user_data,
                 GCancellable          *cancellable,
                 GError               **error)
{
  g_autoptr(LabOptim) optim = NULL;
  g_autofree guint *indices = NULL;
  g_autofree float *input = NULL, *target = NULL, *clean = NULL;
  g_autofree guint *val_own = NULL;
  g_autoptr(LabTeam) team = NULL;
  PrepareJob prep = { 0 };
  Snapshot snap = { 0 };
  LabOptimConfig oc;
  LabTask task, val_task;
  LabRng root, shuffle_rng, noise_rng;
  LabDataset *val_ds = NULL;
  const guint *val_idx = NULL;
  guint n_total, n_train, n_val = 0, batch, n_batches, threads;
  gsize in_size, out_size, pixels, first_param, n_trainable;
  guint64 total_steps;
  gint64 run_start, paused_us = 0;
  double ema = 0;
  guint ema_count = 0;
  gboolean ok = FALSE, finished = FALSE;

  g_array_set_size (self->history, 0);
  self->steps = 0;

  if (!check_config (config, error) || !lab_task_for (model, train, &task, error))
    return FALSE;
  n_total = config->limit > 0 ? MIN (config->limit, train->n) : train->n;

  lab_rng_init (&root, config->seed);
  indices = g_new (guint, MAX (n_total, 1));
  for (guint i = 0; i < n_total; i++)
    indices[i] = i;
  n_train = n_total;

  if (val != NULL)
    {
      if (!lab_task_for (model, val, &val_task, error))
        return FALSE;
      val_ds = val;
      n_val = config->val_limit > 0 ? MIN (config->val_limit, val->n) : val->n;
      val_own = g_new (guint, MAX (n_val, 1));
      for (guint i = 0; i < n_val; i++)
        val_own[i] = i;
      val_idx = val_own;
    }
  else if (config->val_fraction > 0 && n_total >= 2)
    {
      LabRng split;

      /* A seeded shuffle, then the last share is held out. */
      lab_rng_init (&split, config->seed ^ SEED_SPLIT);
      lab_rng_shuffle (&split, indices, n_total);
      n_val = CLAMP ((guint) round (n_total * config->val_fraction), 1, n_total - 1);
      n_train = n_total - n_val;
      val_ds = train;
      val_idx = indices + n_train;
      if (config->val_limit > 0)
        n_val = MIN (n_val, config->val_limit);
    }
  if (n_train == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "There are no images to train on in “%s”", train->name);
      return FALSE;
    }

  batch = MIN (config->batch, n_train);
  /* By default one thread per core, but with 16 images or more each: every
   * thread keeps scratch and gradients of its own, and a thin share of the
   * batch makes thin GEMMs. */
  threads = config->threads > 0 ? config->threads
                                : CLAMP (batch / 16, 1, g_get_num_processors ());
  if (!lab_model_set_threads (model, threads, error)
      || !lab_model_set_batch (model, batch, error))
    return FALSE;
  lab_optim_config_init (&oc, config->optimizer);
  oc.lr = config->lr;
  oc.momentum = config->optimizer == LAB_OPTIM_SGD ? config->momentum : 0;
  oc.clip_norm = config->clip_norm;
  oc.weight_decay = config->weight_decay;
  /* The optimizer holds state for the trainable parameters only: a frozen
   * encoder's slice at the front is never stepped, so it stays bit for bit
   * what it was (with weight decay or momentum too, not only when its
   * gradients are zero). The frozen count is read once per run. */
  first_param = lab_model_param_offset (model, lab_model_get_frozen_layers (model));
  n_trainable = lab_model_n_params (model) - first_param;
  /* The encoder's trainable part, right after the frozen slice, is the
   * optimizer's first parameter group. */
  if (config->encoder_lr > 0)
    {
      gsize encoder_end = lab_model_param_offset (model, lab_model_encoder_layers (model));

      oc.group_size = encoder_end > first_param ? encoder_end - first_param : 0;
      oc.group_lr = config->encoder_lr;
    }
  optim = lab_optim_new (&oc, n_trainable, error);
  if (optim == NULL)
    return FALSE;

  /* Independent streams: the order of images, the noise, the model's own draws. */
  lab_rng_split (&root, &shuffle_rng);
  lab_rng_split (&root, &noise_rng);
  lab_rng_split (&root, lab_model_get_rng (model));

  in_size = lab_shape_size (lab_model_input_shape (model));
  out_size = lab_shape_size (lab_model_output_shape (model));
  pixels = (gsize) train->height * train->width;
  input = g_new (float, (gsize) batch * in_size);
  target = g_new (float, (gsize) batch * MAX (out_size, pixels));
  clean = g_new (float, (gsize) batch * pixels);
  prep.task = task;
  prep.model = model;
  prep.dataset = train;
  prep.noise = &config->noise;
  prep.input = input;
  prep.target = target;
  prep.clean = clean;
  prep.input_row = in_size;
  prep.target_row = task == LAB_TASK_CLASSIFY ? out_size : pixels;
  prep.clean_row = pixels;
  prep.lanes = MIN (threads, batch);
  if (prep.lanes > 1)
    team = lab_team_new (prep.lanes, 0);
  snap.params = g_new (float, lab_model_n_params (model) + 1);
  snap.buffers = g_new (float, lab_model_n_buffers (model) + 1);
  snapshot_take (&snap, model);

  n_batches = (n_train + batch - 1) / batch;
  total_steps = (guint64) config->epochs * n_batches;
  if (config->max_steps > 0)
    total_steps = MIN (total_steps, config->max_steps);
  run_start = g_get_monotonic_time ();

  for (guint epoch = 1; epoch <= config->epochs && !finished; epoch++)
    {
      LabTrainProgress p = { 0 };
      LabEpochRecord record = { 0 };
      gint64 epoch_start = g_get_monotonic_time (), epoch_paused = 0;
      double sum_loss = 0, seconds;
      guint seen = 0;

      lab_rng_shuffle (&shuffle_rng, indices, n_train);

      for (guint b = 0; b < n_batches; b++)
        {
          guint start = b * batch, m = MIN (batch, n_train - start);
          const char *why = NULL;
          double loss, train_seconds;

          epoch_paused += wait_while_paused (self, cancellable);
          if (g_cancellable_is_cancelled (cancellable))
            goto stopped;

          prep.indices = indices + start;
          prep.n = m;
          prep.seed = lab_rng_next (&noise_rng);
          if (team != NULL)
            lab_team_run (team, prep.lanes, prepare_lane, &prep);
          else
            prepare_lane (0, &prep);
          lab_model_forward (model, input, m, TRUE);
          loss = lab_model_loss (model, target, m);
          if (!isfinite (loss))
            why = isnan (loss) ? "loss is NaN" : "loss is infinite";
          else
            {
              lab_model_zero_grad (model);
              lab_model_backward (model, m);
              /* Checked before the step, so a bad gradient never reaches the weights. */
              if (!lab_optim_grads_finite (optim, lab_model_grads (model) + first_param))
                why = "a gradient is NaN or infinite";
              else
                {
                  lab_optim_step (optim, lab_model_params (model) + first_param,
                                  lab_model_grads (model) + first_param, -1);
                  if (!lab_model_is_finite (model))
                    why = "a weight became NaN or infinite";
                }
            }
          if (why != NULL)
            {
              snapshot_restore (&snap, model);
              g_set_error (error, LAB_ERROR, LAB_ERROR_DIVERGED,
                           "Training diverged at epoch %u, batch %u (%s). The weights from "
                           "before are kept; try a lower learning rate (now %g).",
                           epoch, b + 1, why, config->lr);
              goto out;
            }

          self->steps++;
          if (config->snapshot_every > 0 && self->steps % config->snapshot_every == 0)
            snapshot_take (&snap, model);

          sum_loss += loss * m;
          seen += m;
          ema = SMOOTHING * ema + (1 - SMOOTHING) * loss;
          ema_count++;

          train_seconds = (g_get_monotonic_time () - epoch_start - epoch_paused) / 1e6;
          p.kind = LAB_TRAIN_BATCH;
          p.epoch = epoch;
          p.n_epochs = config->epochs;
          p.batch = b + 1;
          p.n_batches = n_batches;
          p.step = self->steps;
          p.loss = loss;
          p.smoothed_loss = ema / (1 - pow (SMOOTHING, ema_count));
          p.train_loss = sum_loss / seen;
          p.val_loss = NAN;
          p.images_per_s = train_seconds > 0 ? seen / train_seconds : 0;
          p.elapsed_seconds = (g_get_monotonic_time () - run_start - paused_us - epoch_paused) / 1e6;
          p.eta_seconds = p.elapsed_seconds / self->steps * (total_steps - self->steps);
          p.publish = config->publish_every > 0 && self->steps % config->publish_every == 0;
          p.model = model;
          if (callback && !callback (&p, user_data))
            goto stopped;

          if (config->max_steps > 0 && self->steps >= config->max_steps)
            {
              finished = TRUE;
              break;
            }
        }

      seconds = (g_get_monotonic_time () - epoch_start - epoch_paused) / 1e6;
      paused_us += epoch_paused;
      record.epoch = epoch;
      record.train_loss = sum_loss / MAX (seen, 1);
      record.seconds = seconds;
      record.images_per_s = seconds > 0 ? seen / seconds : 0;
      record.steps = self->steps;
      record.val_loss = NAN;
      if (n_val > 0)
        {
          LabEvalResult res;
          g_autoptr(GError) val_error = NULL;

          if (!lab_evaluate_indices (model, val_ds, val_idx, n_val, &config->noise,
                                     config->seed ^ SEED_VALIDATION, &res, cancellable,
                                     &val_error))
            {
              if (g_error_matches (val_error, LAB_ERROR, LAB_ERROR_CANCELLED))
                goto stopped;
              g_propagate_error (error, g_steal_pointer (&val_error));
              goto out;
            }
          record.val_loss = res.loss;
        }
      g_array_append_val (self->history, record);
      snapshot_take (&snap, model);

      p.kind = LAB_TRAIN_EPOCH_END;
      p.epoch = epoch;
      p.n_epochs = config->epochs;
      p.batch = p.n_batches = n_batches;
      p.step = self->steps;
      p.smoothed_loss = ema_count ? ema / (1 - pow (SMOOTHING, ema_count)) : NAN;
      p.train_loss = record.train_loss;
      p.val_loss = record.val_loss;
      p.images_per_s = record.images_per_s;
      p.elapsed_seconds = (g_get_monotonic_time () - run_start - paused_us) / 1e6;
      p.eta_seconds = p.elapsed_seconds / MAX (self->steps, 1) * (total_steps - self->steps);
      p.epoch_seconds = seconds;
      p.publish = TRUE;
      p.model = model;
      if (callback && !callback (&p, user_data))
        goto stopped;
    }

  if (callback)
    {
      LabTrainProgress p = { 0 };
      guint n = self->history->len;
      const LabEpochRecord *last = n ? &g_array_index (self->history, LabEpochRecord, n - 1) : NULL;

      p.kind = LAB_TRAIN_DONE;
      p.epoch = last ? last->epoch : 0;
      p.n_epochs = config->epochs;
      p.batch = p.n_batches = n_batches;
      p.step = self->steps;
      p.loss = p.smoothed_loss = ema_count ? ema / (1 - pow (SMOOTHING, ema_count)) : NAN;
      p.train_loss = last ? last->train_loss : NAN;
      p.val_loss = last ? last->val_loss : NAN;
      p.images_per_s = last ? last->images_per_s : 0;
      p.elapsed_seconds = (g_get_monotonic_time () - run_start - paused_us) / 1e6;
      p.publish = TRUE;
      p.model = model;
      callback (&p, user_data);
    }
  ok = TRUE;
  goto out;

stopped:
  g_set_error (error, LAB_ERROR, LAB_ERROR_CANCELLED,
               "Training was stopped after %" G_GUINT64_FORMAT " steps; the weights of the "
               "last step are kept", self->steps);
out:
  g_free (snap.params);
  g_free (snap.buffers);
  return ok;
}
