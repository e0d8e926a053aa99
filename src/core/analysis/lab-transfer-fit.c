#define G_LOG_DOMAIN "latentlab-core"

/* One classifier of the transfer experiment: training with early stopping
 * on validation accuracy, and its predictions on the test set. */

#include "lab-transfer-private.h"

#include <math.h>
#include <string.h>

#include "lab-metrics.h"
#include "lab-trainer.h"

#define PREDICT_BATCH 256
/* Seed of the fixed validation draws (no noise is applied, so it only
 * names the stream). */
#define SEED_VALIDATION G_GUINT64_CONSTANT (0x452821e638d01377)
/* Seed of the warm-up's order of images, apart from the training's. */
#define SEED_WARMUP     G_GUINT64_CONSTANT (0xbe5466cf34e90c6c)

typedef struct
{
  LabModel       *model;
  LabDataset     *val;
  const LabTransferFitConfig *config;
  LabTransferRun *run;
  float          *best_params;
  float          *best_buffers;
  double          best;
  guint           since_best;
  gboolean        patience_out;
  GError         *error;
  GCancellable   *cancellable;
} FitState;

static gboolean
val_accuracy (FitState *st,
              double   *accuracy)
{
  LabNoise none = { LAB_NOISE_NONE, 0 };
  LabEvalResult res;

  if (!lab_evaluate (st->model, st->val, &none, SEED_VALIDATION, 0, &res, st->cancellable,
                     &st->error))
    return FALSE;
  *accuracy = res.accuracy;
  return TRUE;
}

static void
keep_best (FitState *st,
           guint     epoch,
           double    accuracy)
{
  memcpy (st->best_params, lab_model_params (st->model),
          lab_model_n_params (st->model) * sizeof (float));
  memcpy (st->best_buffers, lab_model_buffers (st->model),
          lab_model_n_buffers (st->model) * sizeof (float));
  st->best = accuracy;
  st->run->best_epoch = epoch;
  st->run->val_accuracy = accuracy;
  st->since_best = 0;
}

static gboolean
on_epoch (const LabTrainProgress *p,
          gpointer                data)
{
  FitState *st = data;
  LabTransferEpoch e;

  if (p->kind != LAB_TRAIN_EPOCH_END)
    return TRUE;

  e.epoch = p->epoch;
  e.train_loss = p->train_loss;
  if (!val_accuracy (st, &e.val_accuracy))
    return FALSE;
  g_array_append_val (st->run->curve, e);
  st->run->epochs_run = p->epoch;
  if (st->config->progress)
    st->config->progress (p->epoch, st->config->epochs, st->config->user_data);
  /* strictly better: on a tie the earlier (less fitted) weights stay */
  if (e.val_accuracy > st->best)
    keep_best (st, p->epoch, e.val_accuracy);
  else if (++st->since_best >= st->config->patience && p->epoch < st->config->epochs)
    {
      st->patience_out = TRUE;
      return FALSE;
    }
  return TRUE;
}

gboolean
lab_transfer_fit (LabModel                   *model,
                  LabDataset                 *train,
                  LabDataset                 *val,
                  const LabTransferFitConfig *config,
                  LabTransferRun             *run,
                  GCancellable               *cancellable,
                  GError                    **error)
{
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(GError) train_error = NULL;
  FitState st = { 0 };
  LabTrainConfig tc;
  LabTransferEpoch start = { 0, NAN, 0 };
  gboolean ok;

  st.model = model;
  st.val = val;
  st.config = config;
  st.run = run;
  st.cancellable = cancellable;
  st.best_params = g_new (float, lab_model_n_params (model) + 1);
  st.best_buffers = g_new (float, lab_model_n_buffers (model) + 1);

  if (config->warmup_epochs > 0)
    {
      guint frozen = lab_model_get_frozen_layers (model);

      lab_train_config_init (&tc);
      tc.epochs = config->warmup_epochs;
      tc.batch = config->batch;
      tc.lr = config->lr;
      tc.weight_decay = config->weight_decay;
      tc.seed = config->seed ^ SEED_WARMUP;
      tc.threads = config->threads;
      tc.publish_every = 0;
      lab_model_set_frozen_layers (model, MAX (frozen, lab_model_encoder_layers (model)));
      ok = lab_trainer_run (trainer, model, train, NULL, &tc, NULL, NULL, cancellable, error);
      lab_model_set_frozen_layers (model, frozen);
      if (!ok)
        {
          g_free (st.best_params);
          g_free (st.best_buffers);
          return FALSE;
        }
    }
  if (!val_accuracy (&st, &start.val_accuracy))
    goto fail;
  g_array_append_val (run->curve, start);
  keep_best (&st, 0, start.val_accuracy);

  lab_train_config_init (&tc);
  tc.epochs = config->epochs;
  tc.batch = config->batch;
  tc.lr = config->lr;
  tc.encoder_lr = config->encoder_lr;
  tc.weight_decay = config->weight_decay;
  tc.seed = config->seed;
  tc.threads = config->threads;
  tc.publish_every = 0;
  ok = lab_trainer_run (trainer, model, train, NULL, &tc, on_epoch, &st, cancellable,
                        &train_error);
  if (st.error != NULL)
    goto fail;
  if (!ok && !(st.patience_out && g_error_matches (train_error, LAB_ERROR, LAB_ERROR_CANCELLED)
               && !g_cancellable_is_cancelled (cancellable)))
    {
      g_propagate_error (error, g_steal_pointer (&train_error));
      g_free (st.best_params);
      g_free (st.best_buffers);
      return FALSE;
    }
  run->stopped_early = st.patience_out;
  memcpy (lab_model_params (model), st.best_params, lab_model_n_params (model) * sizeof (float));
  memcpy (lab_model_buffers (model), st.best_buffers,
          lab_model_n_buffers (model) * sizeof (float));
  g_free (st.best_params);
  g_free (st.best_buffers);
  return TRUE;

fail:
  g_propagate_error (error, st.error);
  g_free (st.best_params);
  g_free (st.best_buffers);
  return FALSE;
}

gboolean
lab_transfer_predict (LabModel      *model,
                      LabDataset    *test,
                      guint          n_test,
                      guint         *confusion,
                      double        *accuracy,
                      GCancellable  *cancellable,
                      GError       **error)
{
  const guint n_classes = test->n_classes;
  const gsize out = lab_shape_size (lab_model_output_shape (model));
  const gsize pixels = (gsize) test->height * test->width;
  g_autofree float *input = NULL;
  g_autofree guint *indices = NULL;
  guint batch = MIN (PREDICT_BATCH, MAX (n_test, 1)), right = 0;

  g_return_val_if_fail (out == n_classes, FALSE);
  if (!lab_model_set_batch (model, batch, error))
    return FALSE;
  input = g_new (float, (gsize) batch * pixels);
  indices = g_new (guint, batch);
  memset (confusion, 0, (gsize) n_classes * n_classes * sizeof (guint));
  for (guint start = 0; start < n_test; start += batch)
    {
      guint m = MIN (batch, n_test - start);
      const float *probs;

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_CANCELLED, "The test was stopped");
          return FALSE;
        }
      for (guint i = 0; i < m; i++)
        indices[i] = start + i;
      lab_dataset_to_float (test, indices, m, input);
      probs = lab_model_forward (model, input, m, FALSE);
      for (guint i = 0; i < m; i++)
        {
          const float *p = probs + (gsize) i * out;
          guint best = 0, truth = test->labels[start + i];

          for (guint k = 1; k < out; k++)
            if (p[k] > p[best])
              best = k;
          if (truth < n_classes)
            confusion[truth * n_classes + best]++;
          right += best == truth;
        }
    }
  *accuracy = n_test > 0 ? (double) right / n_test : NAN;
  return TRUE;
}
