#pragma once

#include <gio/gio.h>

#include "lab-dataset.h"
#include "lab-error.h"
#include "lab-line-plot.h"
#include "lab-model.h"
#include "lab-spec.h"

G_BEGIN_DECLS

/* Transfer learning with few labels (seed 000): an autoencoder pretrained
 * on unlabelled images gives its encoder to a classifier that has only L
 * labelled images, against the same classifier trained from scratch.
 *
 * Per seed, the training images are split once: pretrain_images for the
 * autoencoder (denoising: Gaussian noise, its own loss, Adam) and
 * pretrain_val to validate it; their labels are never read. Then, for each
 * label budget L, L labelled training images and round (L * val_ratio)
 * labelled validation images are drawn from the whole training set,
 * stratified by class, and a classifier is trained three ways:
 *
 *   baseline    the baseline preset (cnn-baseline) from scratch;
 *   frozen      the pretrained encoder, frozen, with a new head
 *               (flatten, dense head_units, ReLU, dense classes, softmax);
 *   fine-tuned  the pretrained encoder and a new head, every layer
 *               trainable (or, finetune_from_frozen, the frozen way's result
 *               with every layer trainable, at finetune_lr).
 *
 * Each trains with Adam for at most `epochs` epochs and keeps the weights
 * of the epoch with the best validation accuracy (epoch 0 is the starting
 * point), stopping after `patience` epochs without a better one. Every
 * classifier is measured on the whole test set. The autoencoder sees the
 * labelled images' pixels without their labels, as in semi-supervised
 * learning; the test images are never seen before the measurement. */

typedef enum
{
  LAB_TRANSFER_BASELINE,
  LAB_TRANSFER_FROZEN,
  LAB_TRANSFER_FINETUNED,
} LabTransferWay;

#define LAB_TRANSFER_N_WAYS 3
#define LAB_TRANSFER_MAX_BUDGETS 16
#define LAB_TRANSFER_MAX_SEEDS 100

/* "baseline", "frozen", "fine-tuned". */
const char *lab_transfer_way_name (LabTransferWay way);

typedef struct
{
  const char *autoencoder;       /* preset pretrained on the unlabelled images: "strided-dae" */
  const char *baseline;          /* preset trained from scratch: "cnn-baseline" */
  guint       head_units;        /* 100 */
  guint       pretrain_images;   /* 57,000; fewer when the training set is smaller */
  guint       pretrain_val;      /* 3,000 */
  guint       pretrain_epochs;   /* 10 */
  guint       pretrain_batch;    /* 128 */
  double      pretrain_noise;    /* Gaussian sigma 0.2 */
  guint       budgets[LAB_TRANSFER_MAX_BUDGETS];  /* L: { 1800 } */
  guint       n_budgets;         /* 1 */
  double      val_ratio;         /* labelled validation images per labelled training image: 1/3 */
  guint       epochs;            /* at most: 100 */
  guint       patience;          /* epochs without a better validation accuracy: 10 */
  guint       batch;             /* 32 */
  double      lr;                /* baseline, frozen and fine-tuned from the pretrained
                                  * encoder: 1e-3 */
  gboolean    finetune_from_frozen; /* FALSE: fine-tuning starts from the pretrained encoder
                                  * and a new head, at lr; TRUE: from the frozen way's
                                  * result, at finetune_lr */
  double      finetune_lr;       /* 1e-4 */
  double      encoder_lr;        /* fine-tuned: the pretrained encoder's learning rate (the
                                  * head's is lr or finetune_lr); 0: the head's */
  double      weight_decay;      /* L2 of every way's training, as torch.optim's: 0 */
  guint       warmup_epochs;     /* fine-tuned from the pretrained encoder: the new head alone
                                  * first trains this many epochs at lr on the frozen
                                  * encoder, then every layer trains; 0: none */
  guint       n_seeds;           /* 5 */
  guint64     seed;              /* run s uses seed + s: 1 */
  guint       test_limit;        /* the first N test images; 0: all */
  guint       threads;           /* the models' threads; 0: the trainer's choice */
  const char *pretrained_dir;    /* NULL, or a folder where each seed's autoencoder is kept
                                  * (named by its preset, images, epochs, noise and seed)
                                  * and loaded again by the next run with the same settings */
} LabTransferConfig;

void        lab_transfer_config_init  (LabTransferConfig *config);
/* A few seconds on the 6,000 synthetic training digits (tests, a first
 * look): 2 seeds, L = 200, 1,500 images to pretrain for 2 epochs,
 * 15 epochs at most. */
void        lab_transfer_config_quick (LabTransferConfig *config);
/* For class (the lesson's quick setting, minutes on Fashion-MNIST with 2
 * cores): L = 100, 300 and 1,000, 3 seeds, 3 pretraining epochs on 10,000
 * images, 30 epochs at most with patience 5. */
void        lab_transfer_config_class (LabTransferConfig *config);
/* Parses "100,300,1000" into config->budgets (ascending, distinct, 1 or
 * more, at most LAB_TRANSFER_MAX_BUDGETS). */
gboolean    lab_transfer_parse_budgets (LabTransferConfig *config,
                                        const char        *text,
                                        GError           **error);

/* A classifier made of the first lab_model_encoder_layers layers of
 * autoencoder (its spec, copied) and a new head: flatten (unless the
 * latent is already flat), dense head_units, ReLU, dense n_classes,
 * softmax; loss softmax_ce. Its encoder_layers are the encoder's, so
 * lab_model_transfer_layers and lab_model_set_frozen_layers take that
 * count. */
LabSpec    *lab_transfer_classifier_spec (const LabSpec *autoencoder,
                                          guint          head_units,
                                          guint          n_classes,
                                          GError       **error);

/* One epoch of a classifier's training: its mean training loss and the
 * validation accuracy after it (epoch 0: the starting weights, no loss). */
typedef struct
{
  guint   epoch;
  double  train_loss;       /* NAN for epoch 0 */
  double  val_accuracy;
} LabTransferEpoch;

/* One classifier of one seed and budget. */
typedef struct
{
  double   test_accuracy;
  double   val_accuracy;    /* of the kept epoch */
  guint    best_epoch;      /* the kept weights' epoch; 0: the starting ones */
  guint    epochs_run;
  gboolean stopped_early;   /* patience ran out before `epochs` */
  double   seconds;         /* training and test */
  GArray  *curve;           /* (element-type LabTransferEpoch) epochs 0..epochs_run */
  guint   *confusion;       /* (n_classes * n_classes) row: true class, column: predicted */
  /* frozen: every encoder parameter bit-identical to the autoencoder's
   * after training; fine-tuned: the fraction of encoder parameters that
   * moved. Baseline: FALSE and 0. */
  gboolean encoder_unchanged;
  double   encoder_changed_fraction;
} LabTransferRun;

typedef struct
{
  guint          labels;                       /* L */
  guint          val_labels;                   /* its validation images */
  LabTransferRun *runs[LAB_TRANSFER_N_WAYS];   /* (n_seeds) each */
  double         mean[LAB_TRANSFER_N_WAYS];    /* test accuracy over the seeds */
  double         sd[LAB_TRANSFER_N_WAYS];      /* sample standard deviation (0 for one seed) */
  guint         *confusion[LAB_TRANSFER_N_WAYS]; /* summed over the seeds */
} LabTransferBudget;

typedef struct
{
  guint              n_seeds;
  guint              n_budgets;
  guint              n_classes;
  char             **class_names;      /* (n_classes) NULL-terminated */
  guint              n_test;
  guint              pretrain_images;  /* what was used */
  guint              pretrain_val;
  double            *pretrain_val_loss; /* (n_seeds) the autoencoder's validation loss */
  double             pretrain_seconds; /* all seeds */
  double             seconds;          /* the whole run */
  LabTransferBudget *budgets;          /* (n_budgets) */
  LabTransferConfig  config;
} LabTransferResult;

void        lab_transfer_result_free   (LabTransferResult *result);

/* The standard error of mean[a] - mean[b] at budget (from the two standard
 * deviations over n_seeds); NAN for one seed. */
double      lab_transfer_diff_se       (const LabTransferResult *result,
                                        guint                    budget,
                                        LabTransferWay           a,
                                        LabTransferWay           b);

/* Runs the whole experiment. train and test must carry labels of the
 * same classes and have the autoencoder's image size; the largest budget
 * with its validation images must fit in train. progress (may be NULL)
 * gets the fraction done and what runs now ("seed 2 of 5, L = 300,
 * frozen, epoch 4"). Cancelling returns NULL with LAB_ERROR_CANCELLED. */
LabTransferResult *lab_transfer_run    (LabDataset              *train,
                                        LabDataset              *test,
                                        const LabTransferConfig *config,
                                        LabProgressFunc          progress,
                                        gpointer                 user_data,
                                        GCancellable            *cancellable,
                                        GError                 **error);

/* The label-budget curve: test accuracy (%) against L (log axis) for the
 * three ways, mean over the seeds with error bars of one standard
 * deviation; the app draws it, the CLI saves it. */
LabLinePlot *lab_transfer_curve_plot   (const LabTransferResult *result);
/* The same into an empty plot (the app's plot view owns its plot). */
void        lab_transfer_fill_curve    (const LabTransferResult *result,
                                        LabLinePlot             *plot);
/* The three ways' validation accuracy (%) per epoch at one budget, first
 * seed, into an empty plot. */
void        lab_transfer_fill_epochs   (const LabTransferResult *result,
                                        guint                    budget,
                                        LabLinePlot             *plot);
gboolean    lab_transfer_save_curve    (const LabTransferResult *result,
                                        const char              *path,
                                        int                      width,
                                        int                      height,
                                        GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTransferResult, lab_transfer_result_free)

G_END_DECLS
