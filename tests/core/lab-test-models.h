#pragma once

#include "lab-dataset.h"
#include "lab-model.h"
#include "lab-trainer.h"
#include "lab-transfer.h"

G_BEGIN_DECLS

/* Models the core and CLI tests share. Each aborts the test on an error. */

/* A preset with PyTorch's initial weights from seed. */
LabModel *lab_test_new_preset     (const char     *name,
                                   guint64         seed);
/* cae-tiny trained for `steps` Adam steps of 32 images with gaussian:0.5 on
 * digits: a small denoiser in about a second. config (may be NULL) gets
 * what it was trained with, for a model file's training record. */
LabModel *lab_test_train_denoiser (LabDataset     *digits,
                                   guint64         steps,
                                   LabTrainer     *trainer,
                                   LabTrainConfig *config);
/* That denoiser trained on 1,000 synthetic digits (seed 1) and saved as
 * dir/tiny.safetensors, with its training record when with_record is
 * TRUE; returns the file's path, for the CLI tests. */
char     *lab_test_save_denoiser  (const char     *dir,
                                   guint64         steps,
                                   gboolean        with_record);

/* x[0..n) uniform in [0, 1) from seed (an input image of noise). */
void      lab_test_fill_uniform   (float          *x,
                                   gsize           n,
                                   guint64         seed);

/* A transfer-learning run of a second or two on 300 or more labelled
 * digits: two label budgets (20 and 40) and two seeds, so every index of
 * its result counts; 200 images pretrain for one epoch. */
void      lab_test_transfer_config_tiny (LabTransferConfig *config);

G_END_DECLS
