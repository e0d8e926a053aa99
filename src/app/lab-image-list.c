#define G_LOG_DOMAIN "latentlab"

#include "lab-image-item.h"
#include "lab-image-list.h"

struct _LabImageList
{
  GObject     parent_instance;

  LabDataset *dataset;   /* owned reference, or NULL */
  int         klass;     /* -1: all images */
  GArray     *indices;   /* (element-type guint) the images of klass; NULL for all */
};

static void lab_image_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabImageList, lab_image_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, lab_image_list_model_init))

static GType
lab_image_list_get_item_type (GListModel *model)
{
  return LAB_TYPE_IMAGE_ITEM;
}

static guint
lab_image_list_get_n_items (GListModel *model)
{
  LabImageList *self = LAB_IMAGE_LIST (model);

  if (self->dataset == NULL)
    return 0;
  if (self->indices != NULL)
    return self->indices->len;
  return self->dataset->n;
}

static gpointer
lab_image_list_get_item (GListModel *model,
                         guint       position)
{
  LabImageList *self = LAB_IMAGE_LIST (model);

  if (position >= lab_image_list_get_n_items (model))
    return NULL;
  return lab_image_item_new (self->dataset, lab_image_list_get_index (self, position));
}

static void
lab_image_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = lab_image_list_get_item_type;
  iface->get_n_items = lab_image_list_get_n_items;
  iface->get_item = lab_image_list_get_item;
}

static void
lab_image_list_finalize (GObject *object)
{
  LabImageList *self = (LabImageList *)object;

  g_clear_pointer (&self->dataset, lab_dataset_unref);
  g_clear_pointer (&self->indices, g_array_unref);

  G_OBJECT_CLASS (lab_image_list_parent_class)->finalize (object);
}

static void
lab_image_list_class_init (LabImageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_image_list_finalize;
}

static void
lab_image_list_init (LabImageList *self)
{
  self->klass = -1;
}

LabImageList *
lab_image_list_new (void)
{
  return g_object_new (LAB_TYPE_IMAGE_LIST, NULL);
}

LabDataset *
lab_image_list_get_dataset (LabImageList *self)
{
  g_return_val_if_fail (LAB_IS_IMAGE_LIST (self), NULL);

  return self->dataset;
}

void
lab_image_list_set_dataset (LabImageList *self,
                            LabDataset   *dataset)
{
  guint old_n;

  g_return_if_fail (LAB_IS_IMAGE_LIST (self));

  old_n = lab_image_list_get_n_items (G_LIST_MODEL (self));
  if (dataset != NULL)
    lab_dataset_ref (dataset);
  g_clear_pointer (&self->dataset, lab_dataset_unref);
  g_clear_pointer (&self->indices, g_array_unref);
  self->dataset = dataset;
  self->klass = -1;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n,
                              lab_image_list_get_n_items (G_LIST_MODEL (self)));
}

int
lab_image_list_get_class (LabImageList *self)
{
  g_return_val_if_fail (LAB_IS_IMAGE_LIST (self), -1);

  return self->klass;
}

void
lab_image_list_set_class (LabImageList *self,
                          int           klass)
{
  guint old_n;

  g_return_if_fail (LAB_IS_IMAGE_LIST (self));

  if (self->dataset == NULL || self->dataset->labels == NULL
      || klass < 0 || (guint) klass >= self->dataset->n_classes)
    klass = -1;
  if (klass == self->klass)
    return;

  old_n = lab_image_list_get_n_items (G_LIST_MODEL (self));
  g_clear_pointer (&self->indices, g_array_unref);
  self->klass = klass;

  /* One pass over the labels (60,000 bytes): cheap enough to redo on every
   * click, and it keeps dataset order. */
  if (klass >= 0)
    {
      self->indices = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint i = 0; i < self->dataset->n; i++)
        if (self->dataset->labels[i] == (guint) klass)
          g_array_append_val (self->indices, i);
    }

  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n,
                              lab_image_list_get_n_items (G_LIST_MODEL (self)));
}

guint
lab_image_list_get_index (LabImageList *self,
                          guint         position)
{
  g_return_val_if_fail (LAB_IS_IMAGE_LIST (self), 0);
  g_return_val_if_fail (position < lab_image_list_get_n_items (G_LIST_MODEL (self)), 0);

  if (self->indices != NULL)
    return g_array_index (self->indices, guint, position);
  return position;
}
