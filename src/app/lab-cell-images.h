#pragma once

#include <gtk/gtk.h>

#include "lab-classify.h"

G_BEGIN_DECLS

/* The test images of one confusion-matrix cell: a heading ("True 4,
 * predicted 9: 12 images") and their thumbnails, each captioned with its
 * true and predicted class, at most LAB_CELL_IMAGES_MAX of them. */
#define LAB_TYPE_CELL_IMAGES (lab_cell_images_get_type ())
G_DECLARE_FINAL_TYPE (LabCellImages, lab_cell_images, LAB, CELL_IMAGES, GtkWidget)

#define LAB_CELL_IMAGES_MAX 120

GtkWidget  *lab_cell_images_new        (void);
/* The images of cell (truth, predicted) of result, whose test_indices
 * index test. */
void        lab_cell_images_show       (LabCellImages           *self,
                                        LabDataset              *test,
                                        const LabClassifyResult *result,
                                        guint                    truth,
                                        guint                    predicted);
/* Back to the hint ("Click a cell …"). */
void        lab_cell_images_clear      (LabCellImages           *self);
/* Thumbnails shown, and the heading (tests). */
guint       lab_cell_images_get_n      (LabCellImages           *self);
const char *lab_cell_images_get_title  (LabCellImages           *self);
/* The caption of thumbnail i ("4 → 9"), or NULL. */
const char *lab_cell_images_get_caption (LabCellImages          *self,
                                         guint                   i);

G_END_DECLS
