#pragma once

#include <glib-object.h>

#include "lab-dataset.h"

G_BEGIN_DECLS

/* One image of a dataset as a list item: a dataset reference and an index.
 * LabImageList makes these on demand for the rows a view shows, so a
 * 70,000-image dataset never has 70,000 objects alive. */
#define LAB_TYPE_IMAGE_ITEM (lab_image_item_get_type ())
G_DECLARE_FINAL_TYPE (LabImageItem, lab_image_item, LAB, IMAGE_ITEM, GObject)

LabImageItem *lab_image_item_new         (LabDataset   *dataset,
                                          guint         index);
LabDataset   *lab_image_item_get_dataset (LabImageItem *self);
guint         lab_image_item_get_index   (LabImageItem *self);
/* The class label, or -1 when the dataset is unlabelled. */
int           lab_image_item_get_label   (LabImageItem *self);
/* (height, width) uint8, owned by the dataset. */
const guint8 *lab_image_item_get_pixels  (LabImageItem *self);

G_END_DECLS
