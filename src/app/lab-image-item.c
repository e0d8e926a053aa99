#define G_LOG_DOMAIN "latentlab"

#include "lab-image-item.h"

struct _LabImageItem
{
  GObject     parent_instance;

  LabDataset *dataset;   /* owned reference */
  guint       index;
};

G_DEFINE_FINAL_TYPE (LabImageItem, lab_image_item, G_TYPE_OBJECT)

static void
lab_image_item_finalize (GObject *object)
{
  LabImageItem *self = (LabImageItem *)object;

  g_clear_pointer (&self->dataset, lab_dataset_unref);

  G_OBJECT_CLASS (lab_image_item_parent_class)->finalize (object);
}

static void
lab_image_item_class_init (LabImageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_image_item_finalize;
}

static void
lab_image_item_init (LabImageItem *self)
{
}

LabImageItem *
lab_image_item_new (LabDataset *dataset,
                    guint       index)
{
  LabImageItem *self;

  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (index < dataset->n, NULL);

  self = g_object_new (LAB_TYPE_IMAGE_ITEM, NULL);
  self->dataset = lab_dataset_ref (dataset);
  self->index = index;
  return self;
}

LabDataset *
lab_image_item_get_dataset (LabImageItem *self)
{
  g_return_val_if_fail (LAB_IS_IMAGE_ITEM (self), NULL);

  return self->dataset;
}

guint
lab_image_item_get_index (LabImageItem *self)
{
  g_return_val_if_fail (LAB_IS_IMAGE_ITEM (self), 0);

  return self->index;
}

int
lab_image_item_get_label (LabImageItem *self)
{
  g_return_val_if_fail (LAB_IS_IMAGE_ITEM (self), -1);

  if (self->dataset->labels == NULL)
    return -1;
  return self->dataset->labels[self->index];
}

const guint8 *
lab_image_item_get_pixels (LabImageItem *self)
{
  g_return_val_if_fail (LAB_IS_IMAGE_ITEM (self), NULL);

  return lab_dataset_image (self->dataset, self->index);
}
