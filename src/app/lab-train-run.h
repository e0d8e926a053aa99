#pragma once

#include <glib-object.h>

#include "lab-dataset.h"
#include "lab-model.h"
#include "lab-recon-batch.h"
#include "lab-run.h"
#include "lab-session.h"
#include "lab-trainer.h"

G_BEGIN_DECLS

/* One training run of the Train page (a LabRun): the bridge between the
 * trainer on a worker thread and the main thread.
 *
 * The worker trains the model given to lab_train_run_new() (the run owns
 * it). After every step it stores what the page shows under a mutex (the
 * smoothed loss, each epoch's validation loss, the latest progress), and
 * every LAB_TRAIN_RUN_PUBLISH_US a copy of the weights and the
 * reconstruction strip computed with them; the job's coalesced progress
 * then emits LabRun's "progress" (no text), and lab_train_run_drain() swaps it all out and
 * publishes the weights into the session. When the run ends (completed,
 * stopped, or diverged) the worker evaluates the final weights on the
 * first LAB_TRAIN_RUN_EVAL_IMAGES validation images, the session gets
 * those weights and the training record, and "done" is emitted.
 *
 * Main thread only, except what the worker does inside.
 *
 * Signals (LabRun's):
 *   progress (double fraction, NULL): new progress to drain.
 *   done (LabTrainResult *result, GError *error): the run is over; result
 *     is NULL with error when it could not run (both transfer none, valid
 *     during the emission). */
#define LAB_TYPE_TRAIN_RUN (lab_train_run_get_type ())
G_DECLARE_FINAL_TYPE (LabTrainRun, lab_train_run, LAB, TRAIN_RUN, LabRun)

/* The strip: at most this many images, their noise drawn from this seed
 * (so it changes only because the model does). */
#define LAB_TRAIN_RUN_STRIP_IMAGES 10
#define LAB_TRAIN_RUN_STRIP_SEED   G_GUINT64_CONSTANT (0x5eed)
/* The final evaluation's seed and images. */
#define LAB_TRAIN_RUN_EVAL_SEED    G_GUINT64_CONSTANT (20240611)
#define LAB_TRAIN_RUN_EVAL_IMAGES  2000
#define LAB_TRAIN_RUN_PUBLISH_US   (250 * G_TIME_SPAN_MILLISECOND)
/* The page hears of new steps at most this often (15 times a second): the
 * curve still moves smoothly, and the window paints no frame per step (up
 * to 40 a second on a fast machine, each taking the main thread a core's
 * time that training wanted). */
#define LAB_TRAIN_RUN_PROGRESS_MS  66

typedef struct
{
  gboolean       stopped;        /* Stop ended it early */
  GError        *diverged;       /* the loss stopped being finite, or NULL */
  guint64        steps;
  double         final_loss;     /* NAN when the evaluation failed */
  double         final_psnr;     /* NAN for a classifier */
  double         final_accuracy;
  guint          final_images;
  char          *record_json;    /* the training record for the model file */
  LabReconBatch *recon;          /* the strip for the final weights, or NULL */
} LabTrainResult;

/* What the worker left since the last drain (owned by the caller). */
typedef struct
{
  GArray          *points;       /* (element-type double) x, y pairs: smoothed batch loss, x in epochs */
  GArray          *val_points;   /* (element-type double) epoch, validation loss pairs */
  LabTrainProgress latest;       /* valid when have_latest; .model is NULL */
  gboolean         have_latest;
  LabReconBatch   *recon;        /* the strip for the weights published, or NULL */
} LabTrainRunUpdate;

void                  lab_train_run_update_clear   (LabTrainRunUpdate    *update);

/* Takes model. val: the validation images, or NULL to hold out a share of
 * train (config->val_fraction). */
LabTrainRun          *lab_train_run_new            (LabSession           *session,
                                                    LabModel             *model,
                                                    LabDataset           *train,
                                                    LabDataset           *val,
                                                    const LabTrainConfig *config);
/* What the training record says the run came from: dataset_spec, and
 * init ("torch", or NULL when it goes on from earlier weights). */
void                  lab_train_run_set_origin     (LabTrainRun          *self,
                                                    const char           *dataset_spec,
                                                    const char           *init);
/* The strip's images: n (at most LAB_TRAIN_RUN_STRIP_IMAGES) of ds. */
void                  lab_train_run_set_strip      (LabTrainRun          *self,
                                                    LabDataset           *ds,
                                                    const guint          *indices,
                                                    guint                 n);
void                  lab_train_run_start          (LabTrainRun          *self);

void                  lab_train_run_set_paused     (LabTrainRun          *self,
                                                    gboolean              paused);
gboolean              lab_train_run_is_paused      (LabTrainRun          *self);
/* Ends the run after the current step; "done" still comes. */
void                  lab_train_run_stop           (LabTrainRun          *self);
/* Ends it and drops whatever it would still deliver; then waits up to
 * timeout_ms for the worker to leave the core. FALSE when it did not. */
gboolean              lab_train_run_cancel         (LabTrainRun          *self,
                                                    guint                 timeout_ms);

/* Main thread: swaps out what the worker left and publishes the latest
 * weights into the session. */
void                  lab_train_run_drain          (LabTrainRun          *self,
                                                    LabTrainRunUpdate    *update);

const LabTrainConfig *lab_train_run_get_config     (LabTrainRun          *self);
/* The model trained: read its name and loss only until "done". */
LabModel             *lab_train_run_get_model      (LabTrainRun          *self);
/* Validation is on a dataset of its own (the test split). */
gboolean              lab_train_run_has_val        (LabTrainRun          *self);

G_END_DECLS
