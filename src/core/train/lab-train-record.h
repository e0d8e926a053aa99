#pragma once

#include <glib.h>

#include "lab-error.h"
#include "lab-metrics.h"
#include "lab-trainer.h"

G_BEGIN_DECLS

/* The training record a model file keeps in its "train" metadata (see
 * lab-model-io.h): what the model was trained on and with, and how it went.
 * This is its one writer and its one reader; the CLI, the app and the
 * tests all go through them. As JSON:
 *   {"dataset", "noise", "seed", "epochs", "batch", "lr", "optimizer",
 *    "limit", ["init"], "steps", ["train_loss": [...], "val_loss": [...],
 *    "epoch_seconds": [...]], ["test": {"images", "loss", ["mse", "bce",
 *    "psnr"], ["accuracy"]}]}
 * with null for a loss that was not finite. */
typedef struct
{
  char           *dataset;        /* as lab_dataset_open takes it; "" when unknown */
  LabTrainConfig  config;         /* noise, seed, epochs, batch, lr, optimizer and limit;
                                   * the rest as lab_train_config_init leaves them */
  char           *init;           /* "torch" or "glorot" for fresh weights; NULL when
                                   * training went on from saved ones, or unknown */
  guint64         steps;          /* optimizer steps */
  /* (element-type double) one value per completed epoch, NAN where there
   * was none (no validation); all three NULL when no history was kept (a
   * record of a run still going). */
  GArray         *train_loss;
  GArray         *val_loss;
  GArray         *epoch_seconds;
  gboolean        has_test;
  LabEvalResult   test;           /* the test split after training, when has_test */
} LabTrainRecord;

/* config (NULL: defaults) and dataset (NULL: unknown), no history. */
LabTrainRecord *lab_train_record_new              (const LabTrainConfig  *config,
                                                   const char            *dataset);
/* The last run of trainer with config on dataset, its steps and history
 * per epoch; init as in the struct. */
LabTrainRecord *lab_train_record_new_from_trainer (LabTrainer            *trainer,
                                                   const LabTrainConfig  *config,
                                                   const char            *dataset,
                                                   const char            *init);
/* Reads what lab_train_record_to_json wrote (or an older or foreign record:
 * what is missing stays at its default, epochs are clamped to 1..1000,
 * batch to 1..4096). NULL with LAB_ERROR_FORMAT when json is not a JSON
 * object. */
LabTrainRecord *lab_train_record_new_from_json    (const char            *json,
                                                   GError               **error);
void            lab_train_record_free             (LabTrainRecord        *self);
void            lab_train_record_set_test         (LabTrainRecord        *self,
                                                   const LabEvalResult   *test);
/* One line of JSON, the members in the order above. */
char           *lab_train_record_to_json          (const LabTrainRecord  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTrainRecord, lab_train_record_free)

G_END_DECLS
