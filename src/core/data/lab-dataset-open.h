#pragma once

#include <gio/gio.h>

#include "lab-dataset.h"

G_BEGIN_DECLS

/* The one entry point the CLI and the app use to get data. spec is a
 * dataset id from the catalog ("mnist", "fashion-mnist", "synthetic"), an
 * IDX images file (labels found beside it), a folder holding an IDX
 * train/t10k set, or a folder of PNGs. Errors name the file and the
 * problem. progress may be NULL. */
LabDataset   *lab_dataset_open             (const char         *spec,
                                            LabSplit            split,
                                            GCancellable       *cancellable,
                                            LabProgressFunc     progress,
                                            gpointer            user_data,
                                            GError            **error);

/* Whether spec names something with a train and a test split: a catalog
 * id, or a folder holding an IDX train/t10k set (not a single IDX file or a
 * folder of PNGs). */
gboolean      lab_dataset_spec_has_splits  (const char         *spec);

/* The training images followed by the test images as one set, named
 * "MNIST (train + test)" from the training set's name (copied; train's
 * classes). Errors as lab_dataset_concat. */
LabDataset   *lab_dataset_join_splits      (const LabDataset   *train,
                                            const LabDataset   *test,
                                            GError            **error);

G_END_DECLS
