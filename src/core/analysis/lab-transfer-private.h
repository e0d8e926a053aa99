#pragma once

/* The transfer experiment's parts, shared by lab-transfer.c (the plan:
 * splits, pretraining, the three ways, the statistics) and
 * lab-transfer-fit.c (one classifier's training and test). Core only. */

#include "lab-transfer.h"

G_BEGIN_DECLS

typedef struct
{
  guint    epochs;      /* at most */
  guint    patience;
  guint    batch;
  double   lr;
  double   encoder_lr;  /* 0: lr */
  guint    warmup_epochs; /* the head alone (the encoder frozen) first trains this many
                         * epochs at lr, before the curve's epoch 0 */
  double   weight_decay;
  guint64  seed;
  guint    threads;
  /* after each epoch's validation, on the calling thread; may be NULL */
  void   (*progress)    (guint epoch, guint n_epochs, gpointer user_data);
  gpointer user_data;
} LabTransferFitConfig;

/* Trains model on train with Adam, measuring the validation accuracy on
 * val before training (epoch 0) and after every epoch into run->curve;
 * stops after config->patience epochs without a better one and leaves the
 * model with the best epoch's weights (run->best_epoch, val_accuracy,
 * epochs_run, stopped_early). Frozen layers stay frozen; after a warm-up
 * the model's frozen layers are what they were before it. */
gboolean  lab_transfer_fit     (LabModel                   *model,
                                LabDataset                 *train,
                                LabDataset                 *val,
                                const LabTransferFitConfig *config,
                                LabTransferRun             *run,
                                GCancellable               *cancellable,
                                GError                    **error);
/* The first n_test images of test through model (inference): confusion
 * (n_classes * n_classes, row = true class) and the accuracy. */
gboolean  lab_transfer_predict (LabModel                   *model,
                                LabDataset                 *test,
                                guint                       n_test,
                                guint                      *confusion,
                                double                     *accuracy,
                                GCancellable               *cancellable,
                                GError                    **error);

G_END_DECLS
