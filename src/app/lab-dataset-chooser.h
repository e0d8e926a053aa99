#pragma once

#include <gtk/gtk.h>

#include "lab-dataset.h"

G_BEGIN_DECLS

/* The dataset chooser, the Data page's toolbar: the datasets the catalog
 * found (with their sizes) and any opened by hand, the train/test split,
 * the Open menu (win.open, win.open-folder), and what is loaded or the
 * load's progress with a Stop button. Loading runs lab_dataset_open on a
 * worker (LabJob); the previous dataset stays until the new one is ready,
 * and stays when loading fails (the error goes to the window's banner).
 * When even the first load fails, the built-in digits load instead.
 *
 * Signals:
 *   dataset-loaded (LabDataset *dataset): a new dataset is the chooser's. */
#define LAB_TYPE_DATASET_CHOOSER (lab_dataset_chooser_get_type ())
G_DECLARE_FINAL_TYPE (LabDatasetChooser, lab_dataset_chooser, LAB, DATASET_CHOOSER, GtkWidget)

/* spec as lab_dataset_open() takes it: a catalog id or a path. */
void        lab_dataset_chooser_load         (LabDatasetChooser *self,
                                              const char        *spec,
                                              LabSplit           split);
/* The split currently chosen. */
void        lab_dataset_chooser_load_spec    (LabDatasetChooser *self,
                                              const char        *spec);
/* What to show first: last_spec (may be NULL or "") when it still exists,
 * else MNIST when installed, else the synthetic digits. */
void        lab_dataset_chooser_load_default (LabDatasetChooser *self,
                                              const char        *last_spec);
/* The dataset loaded last, or NULL before the first (transfer none). */
LabDataset *lab_dataset_chooser_get_dataset  (LabDatasetChooser *self);
/* The spec and split it was loaded with. */
const char *lab_dataset_chooser_get_spec     (LabDatasetChooser *self);
LabSplit    lab_dataset_chooser_get_split    (LabDatasetChooser *self);
gboolean    lab_dataset_chooser_is_loading   (LabDatasetChooser *self);
/* "MNIST (train): 60,000 images, 28×28, 10 classes" */
const char *lab_dataset_chooser_get_status   (LabDatasetChooser *self);

G_END_DECLS
