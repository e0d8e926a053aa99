#pragma once

#include <gtk/gtk.h>

#include "lab-dataset.h"
#include "lab-page.h"

G_BEGIN_DECLS

/* The Data page: choose a dataset, browse it as a grid of thumbnails
 * filtered by class, and preview noise on one image. A layout of its
 * sections: the dataset chooser (lab-dataset-chooser.h: catalog, file,
 * folder, split, and the load on a worker, keeping the previous dataset
 * until the new one is ready), the files a PNG folder could not use, the
 * class filter and the thumbnail grid (here), and the noise preview
 * (lab-noise-preview.h).
 *
 * Signals:
 *   dataset-changed (LabDataset *dataset): a new dataset is shown. */
#define LAB_TYPE_DATA_PAGE (lab_data_page_get_type ())
G_DECLARE_FINAL_TYPE (LabDataPage, lab_data_page, LAB, DATA_PAGE, LabPage)

GtkWidget  *lab_data_page_new          (void);
/* spec as lab_dataset_open() takes it: a catalog id or a path. */
void        lab_data_page_load         (LabDataPage *self,
                                        const char  *spec,
                                        LabSplit     split);
/* The split currently chosen on the page. */
void        lab_data_page_load_spec    (LabDataPage *self,
                                        const char  *spec);
/* What to show first: last_spec (may be NULL or "") when it still exists,
 * else MNIST when installed, else the synthetic digits. */
void        lab_data_page_load_default (LabDataPage *self,
                                        const char  *last_spec);
/* The dataset shown, or NULL before the first load (transfer none). */
LabDataset *lab_data_page_get_dataset  (LabDataPage *self);
/* The spec and split the shown dataset was loaded with. */
const char *lab_data_page_get_spec     (LabDataPage *self);
LabSplit    lab_data_page_get_split    (LabDataPage *self);
gboolean    lab_data_page_is_loading   (LabDataPage *self);

G_END_DECLS
