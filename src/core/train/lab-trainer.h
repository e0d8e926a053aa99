#pragma once

#include <gio/gio.h>

#include "lab-dataset.h"
#include "lab-metrics.h"
#include "lab-model.h"
#include "lab-noise.h"
#include "lab-optim.h"

G_BEGIN_DECLS

typedef struct
{
  guint        epochs;          /* 5 */
  guint        batch;           /* 128 */
  LabOptimKind optimizer;       /* Adam */
  double       lr;              /* 1e-3 */
  double       encoder_lr;      /* the encoder layers' rate (lab_model_encoder_layers), the
                                 * rest at lr (discriminative rates for fine-tuning a
                                 * pretrained encoder); 0: lr for every layer */
  double       weight_decay;    /* L2 added to the gradient, as torch.optim's: 0 */
  double       momentum;        /* SGD only: 0.9 */
  double       clip_norm;       /* 0: no clipping */
  guint64      seed;            /* shuffling, noise, dropout and VAE draws */
  LabNoise     noise;           /* none */
  guint        limit;           /* train on the first N images only; 0: all */
  double       val_fraction;    /* without a validation dataset, hold out this share
                                 * of the (limited) training images; 0: none */
  guint        val_limit;       /* validate on at most N images; 0: all */
  guint        publish_every;   /* progress->publish every N batches (and at epoch ends): 50 */
  guint        snapshot_every;  /* keep a copy of good weights every N steps: 50 */
  guint64      max_steps;       /* stop (successfully) after N steps in all; 0: no limit */
  guint        threads;         /* the model's threads (lab_model_set_threads); 0: one per
                                 * core, at most one per 16 images of a batch */
} LabTrainConfig;

void   lab_train_config_init    (LabTrainConfig *config);

typedef enum
{
  LAB_TRAIN_BATCH,       /* after each optimizer step */
  LAB_TRAIN_EPOCH_END,   /* after an epoch and its validation */
  LAB_TRAIN_DONE,        /* once, when a run completes (not when stopped) */
} LabTrainEvent;

typedef struct
{
  LabTrainEvent kind;
  guint         epoch;          /* 1-based */
  guint         n_epochs;
  guint         batch;          /* 1-based within the epoch */
  guint         n_batches;      /* per epoch */
  guint64       step;           /* optimizer steps so far */
  double        loss;           /* this batch's (before its step) */
  double        smoothed_loss;  /* bias-corrected moving average of batch losses */
  double        train_loss;     /* the epoch's mean so far */
  double        val_loss;       /* EPOCH_END and DONE, with validation; else NAN */
  double        images_per_s;   /* this epoch, pauses excluded */
  double        eta_seconds;    /* to the end of the run */
  double        elapsed_seconds;
  double        epoch_seconds;  /* EPOCH_END: the epoch's training time */
  gboolean      publish;        /* a good moment to copy the weights for display */
  LabModel     *model;          /* the model in training: read it (lab_model_copy_params_from)
                                 * only inside the callback, on the worker thread */
} LabTrainProgress;

/* Called on the thread that runs lab_trainer_run. Return FALSE to stop
 * (the same as cancelling). */
typedef gboolean (*LabTrainFunc) (const LabTrainProgress *progress,
                                  gpointer                user_data);

/* One training job's state: pause/resume from any thread, and the history
 * of the last run. Not reusable concurrently. */
typedef struct _LabTrainer LabTrainer;

LabTrainer  *lab_trainer_new          (void);
void         lab_trainer_free         (LabTrainer            *self);
/* Any thread. A paused run waits between batches (and still notices a
 * cancellation). */
void         lab_trainer_pause        (LabTrainer            *self);
void         lab_trainer_resume       (LabTrainer            *self);
gboolean     lab_trainer_is_paused    (LabTrainer            *self);

/* Trains model on train (uint8 images as floats in [0,1]; the input gets
 * config->noise, the target is the clean image, or the one-hot label for a
 * softmax_ce classifier; a model with half-size input gets 2x2-averaged
 * input, see LabTask). Validation each epoch on val, or on a held-out
 * fraction of train, with one fixed noise draw.
 *
 * Returns TRUE when all epochs (or max_steps) ran. Stopping, by cancellable
 * or by the callback, returns FALSE with LAB_ERROR_CANCELLED and keeps the
 * weights of the last completed step. NaN or Inf in the loss, the gradients
 * or the weights returns FALSE with LAB_ERROR_DIVERGED after restoring the
 * last good weights (at most snapshot_every steps old). Other errors
 * (shapes, sizes) come before any training. The same model, data, config
 * and seed give bit-identical weights (for a given config->threads; the
 * batches, their order and noise, do not depend on it: each image's noise
 * is seeded by the batch's seed and the image's index). */
gboolean     lab_trainer_run          (LabTrainer            *self,
                                       LabModel              *model,
                                       LabDataset            *train,
                                       LabDataset            *val,
                                       const LabTrainConfig  *config,
                                       LabTrainFunc           callback,
                                       gpointer               user_data,
                                       GCancellable          *cancellable,
                                       GError               **error);

/* The epochs the last run completed. */
const LabEpochRecord *lab_trainer_get_history (LabTrainer    *self,
                                               guint         *n_epochs);
guint64      lab_trainer_get_steps    (LabTrainer            *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTrainer, lab_trainer_free)

G_END_DECLS
