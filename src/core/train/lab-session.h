#pragma once

#include <glib-object.h>

#include "lab-dataset.h"
#include "lab-model.h"
#include "lab-trainer.h"

G_BEGIN_DECLS

/* What the pages of one window share: the datasets, the current model, the
 * weights published into it and its training record. Plain GObject, no
 * GTK: a test drives it without a display. Used from one thread (the app's
 * main thread); the app loads the other split on a worker
 * (lab-session-load.h) and hands it in here.
 *
 * Datasets: the Data page's choice becomes the training set, and the other
 * split of the same dataset becomes the test set, so the Train page
 * validates and the Denoise page tests on images the model never trained
 * on. When the Data page shows the test split, the other split is the
 * training set. A folder of PNGs or a single IDX file has no other split:
 * then test and training sets are the same dataset and
 * lab_session_has_test_split() says so.
 *
 * Model: one LabModel safe to use on the session's thread. While training
 * runs on a worker, the Train page publishes a copy of the weights into it
 * every few batches (lab_session_publish), so the Denoise and Latent pages
 * always show the latest weights without touching the training model.
 *
 * Signals:
 *   datasets-changed (): the training and test datasets are both ready
 *     (they may be the same as before when only the split shown changed).
 *   model-changed (): a different model (architecture or file); its
 *     weights are new too.
 *   weights-published (): the same model has new weights. */
#define LAB_TYPE_SESSION (lab_session_get_type ())
G_DECLARE_FINAL_TYPE (LabSession, lab_session, LAB, SESSION, GObject)

LabSession           *lab_session_new                (void);

/* From the Data page: dataset (transfer none) was loaded from spec, split;
 * NULL clears the datasets. When spec names a dataset with another split (a
 * catalog id, a folder with an IDX set), returns TRUE and sets *other_split
 * (may be NULL) to it: the session then has no datasets (not ready) until
 * lab_session_add_other_split. Otherwise both datasets are dataset,
 * datasets-changed is emitted and it returns FALSE. */
gboolean              lab_session_set_dataset        (LabSession           *self,
                                                      LabDataset           *dataset,
                                                      const char           *spec,
                                                      LabSplit              split,
                                                      LabSplit             *other_split);
/* The other split lab_session_set_dataset asked for (transfer none), or
 * NULL when it could not be loaded (error, may be NULL, says why): then, or
 * when its images differ in size, both datasets are the one shown. Emits
 * datasets-changed. */
void                  lab_session_add_other_split    (LabSession           *self,
                                                      LabDataset           *other,
                                                      const GError         *error);
/* NULL until ready (transfer none). */
LabDataset           *lab_session_get_train_dataset  (LabSession           *self);
LabDataset           *lab_session_get_test_dataset   (LabSession           *self);
/* FALSE when the test dataset is the training dataset (no other split). */
gboolean              lab_session_has_test_split     (LabSession           *self);
const char           *lab_session_get_dataset_spec   (LabSession           *self);
/* Both datasets are there and no load is running. */
gboolean              lab_session_is_ready           (LabSession           *self);
/* Bumped each time datasets-changed is emitted. */
guint                 lab_session_get_dataset_serial (LabSession           *self);

/* NULL before a model is trained or opened (transfer none). */
LabModel             *lab_session_get_model          (LabSession           *self);
/* Takes model. config: what it was (or is being) trained with, or NULL
 * when unknown; train_json: the file's "train" record, or NULL; path: the
 * file it came from, or NULL. Emits model-changed. */
void                  lab_session_set_model          (LabSession           *self,
                                                      LabModel             *model,
                                                      const LabTrainConfig *config,
                                                      const char           *train_json,
                                                      const char           *path);
/* Copies params (n_params floats) and buffers (n_buffers floats) into the
 * model, records the optimizer steps they come from, and emits
 * weights-published. grad_norms: the L2 norm of each layer's gradients in
 * that step (n_layers, lab_model_layer_norms), or NULL when not known. */
void                  lab_session_publish            (LabSession           *self,
                                                      const float          *params,
                                                      const float          *buffers,
                                                      const float          *grad_norms,
                                                      guint64               step);
/* The same from another model of the same architecture (gradient norms
 * not known). */
void                  lab_session_publish_from       (LabSession           *self,
                                                      LabModel             *model,
                                                      guint64               step);
/* Changes with every model-changed and weights-published. */
guint64               lab_session_get_weights_serial (LabSession           *self);
/* The gradient norms that came with the weights shown (n_layers), or NULL. */
const float          *lab_session_get_grad_norms     (LabSession           *self);
/* Optimizer steps behind the weights shown (0: fresh or unknown). */
guint64               lab_session_get_step           (LabSession           *self);
/* NULL when unknown. */
const LabTrainConfig *lab_session_get_train_config   (LabSession           *self);
const char           *lab_session_get_train_json     (LabSession           *self);
void                  lab_session_set_train_json     (LabSession           *self,
                                                      const char           *train_json);
const char           *lab_session_get_model_path     (LabSession           *self);
void                  lab_session_set_model_path     (LabSession           *self,
                                                      const char           *path);

/* TRUE while a training job writes into this session's model. */
gboolean              lab_session_get_training       (LabSession           *self);
void                  lab_session_set_training       (LabSession           *self,
                                                      gboolean              training);

G_END_DECLS
