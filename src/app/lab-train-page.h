#pragma once

#include <gtk/gtk.h>

#include "lab-page.h"

G_BEGIN_DECLS

/* The Train page: pick an architecture (every preset, or one built in the
 * architecture editor) and its hyperparameters, train it on a worker
 * thread, and watch the loss curves fall and the reconstructions sharpen.
 * Opens and saves models (safetensors) and keeps a list of recent ones.
 *
 * Its sections: the architecture chooser with its summary
 * (lab-arch-chooser.c), the hyperparameter form (lab-train-settings.c),
 * the run on a worker (lab-train-run.c), the reconstruction strip while no
 * run draws it (lab-train-page-strip.c) and the Model menu with open, save
 * and recent models (lab-train-page-models.c).
 *
 * Actions (page.*, and win.* through the window, see lab-page.h):
 *   train                     start training with the settings shown
 *   pause                     (boolean state: the "paused" property) pause / resume
 *   stop                      stop, keeping the weights trained so far
 *   save-model                Save dialog; save-model-to (s) saves to a path
 *   open-model                Open dialog; open-model-file (s) opens a path
 *   save-spec                 the architecture as JSON, Save dialog
 *   build-architecture        the architecture editor
 *
 * The model trained or opened is the session's (lab-session.h); the worker
 * publishes a copy of its weights a few times a second while it trains. */
#define LAB_TYPE_TRAIN_PAGE (lab_train_page_get_type ())
G_DECLARE_FINAL_TYPE (LabTrainPage, lab_train_page, LAB, TRAIN_PAGE, LabPage)

GtkWidget  *lab_train_page_new          (void);

/* A .safetensors model: loads it with its architecture and training
 * settings, or shows why not and keeps the current model. */
gboolean    lab_train_page_open_model   (LabTrainPage  *self,
                                         GFile         *file,
                                         GError       **error);
/* The same for a model already loaded (taken; a session's): train_json
 * (its record, may be NULL) gives the settings and the loss curves; path
 * may be NULL. */
gboolean    lab_train_page_show_model   (LabTrainPage  *self,
                                         LabModel      *model,
                                         const char    *train_json,
                                         const char    *path,
                                         GError       **error);
gboolean    lab_train_page_save_model   (LabTrainPage  *self,
                                         GFile         *file,
                                         GError       **error);

/* Settings by name, as the command line gives them (all optional):
 *   arch (s) a preset, noise (s) "gaussian:0.5", loss (s), optimizer (s)
 *   "adam" or "sgd", epochs (i),
 *   batch (i), lr (d), seed (x), limit (i), train (b): start training once
 *   the datasets are ready; with wait_for_dataset, only after the dataset
 *   load that the caller has just started. */
gboolean    lab_train_page_configure    (LabTrainPage  *self,
                                         GVariantDict  *options,
                                         gboolean       wait_for_dataset,
                                         GError       **error);
gboolean    lab_train_page_is_training  (LabTrainPage  *self);

G_END_DECLS
