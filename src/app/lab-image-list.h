#pragma once

#include <gio/gio.h>

#include "lab-dataset.h"

G_BEGIN_DECLS

/* A GListModel of LabImageItem over the images of a dataset, optionally
 * only those of one class. It stores indices, not objects: items are made
 * when a view asks for a position, so the grid scrolls through 70,000
 * images with only the visible ones alive. */
#define LAB_TYPE_IMAGE_LIST (lab_image_list_get_type ())
G_DECLARE_FINAL_TYPE (LabImageList, lab_image_list, LAB, IMAGE_LIST, GObject)

LabImageList *lab_image_list_new         (void);
LabDataset   *lab_image_list_get_dataset (LabImageList *self);
/* Shows every image of dataset (may be NULL) and clears the class filter. */
void          lab_image_list_set_dataset (LabImageList *self,
                                          LabDataset   *dataset);
/* The class shown, or -1 for all. */
int           lab_image_list_get_class   (LabImageList *self);
void          lab_image_list_set_class   (LabImageList *self,
                                          int           klass);
/* The dataset index of the image at position (< n_items). */
guint         lab_image_list_get_index   (LabImageList *self,
                                          guint         position);

G_END_DECLS
