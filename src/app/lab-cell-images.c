#define G_LOG_DOMAIN "latentlab"

#include "lab-cell-images.h"

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-image-view.h"

struct _LabCellImages
{
  GtkWidget    parent_instance;

  /* Template widgets */
  GtkLabel    *title_label;
  GtkLabel    *hint_label;
  GtkFlowBox  *flow;

  GPtrArray   *captions;    /* (element-type utf8) of the thumbnails shown */
};

G_DEFINE_FINAL_TYPE (LabCellImages, lab_cell_images, GTK_TYPE_WIDGET)

static void
remove_all (LabCellImages *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->flow))) != NULL)
    gtk_flow_box_remove (self->flow, child);
  g_ptr_array_set_size (self->captions, 0);
}

void
lab_cell_images_clear (LabCellImages *self)
{
  g_return_if_fail (LAB_IS_CELL_IMAGES (self));

  remove_all (self);
  gtk_label_set_label (self->title_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->title_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), TRUE);
}

void
lab_cell_images_show (LabCellImages           *self,
                      LabDataset              *test,
                      const LabClassifyResult *result,
                      guint                    truth,
                      guint                    predicted)
{
  g_autofree guint *rows = NULL;
  g_autofree char *title = NULL, *counted = NULL;
  guint n, count;

  g_return_if_fail (LAB_IS_CELL_IMAGES (self));

  remove_all (self);
  if (truth >= result->n_classes || predicted >= result->n_classes)
    return;
  count = result->confusion[truth * result->n_classes + predicted];
  counted = lab_format_count_localized (count);
  rows = g_new (guint, LAB_CELL_IMAGES_MAX);
  n = lab_classify_cell_rows (result, truth, predicted, rows, LAB_CELL_IMAGES_MAX);
  if (count == 0)
    title = g_strdup_printf (_("True %s, predicted %s: no test image"),
                             result->class_names[truth], result->class_names[predicted]);
  else if (n < count)
    title = g_strdup_printf (_("True %s, predicted %s: %s test images (the first %u shown)"),
                             result->class_names[truth], result->class_names[predicted], counted, n);
  else
    title = g_strdup_printf (g_dngettext (NULL, "True %s, predicted %s: %s test image",
                                          "True %s, predicted %s: %s test images", count),
                             result->class_names[truth], result->class_names[predicted], counted);
  gtk_label_set_label (self->title_label, title);
  gtk_widget_set_visible (GTK_WIDGET (self->title_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), FALSE);

  for (guint i = 0; i < n; i++)
    {
      guint index = result->test_indices[rows[i]];
      GtkWidget *box, *view, *label;
      g_autofree char *caption = NULL;

      if (index >= test->n)
        continue;
      caption = g_strdup_printf ("%s → %s", result->class_names[truth], result->class_names[predicted]);
      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      view = lab_image_view_new ();
      label = gtk_label_new (caption);
      lab_image_view_set_pixel_size (LAB_IMAGE_VIEW (view), 56);
      lab_image_view_set_gray (LAB_IMAGE_VIEW (view), lab_dataset_image (test, index),
                               test->width, test->height);
      gtk_widget_add_css_class (label, "caption");
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 12);
      gtk_box_append (GTK_BOX (box), view);
      gtk_box_append (GTK_BOX (box), label);
      gtk_widget_set_tooltip_text (box, caption);
      gtk_flow_box_append (self->flow, box);
      g_ptr_array_add (self->captions, g_steal_pointer (&caption));
    }
}

guint
lab_cell_images_get_n (LabCellImages *self)
{
  g_return_val_if_fail (LAB_IS_CELL_IMAGES (self), 0);
  return self->captions->len;
}

const char *
lab_cell_images_get_title (LabCellImages *self)
{
  g_return_val_if_fail (LAB_IS_CELL_IMAGES (self), NULL);
  return gtk_label_get_label (self->title_label);
}

const char *
lab_cell_images_get_caption (LabCellImages *self,
                             guint          i)
{
  g_return_val_if_fail (LAB_IS_CELL_IMAGES (self), NULL);
  return i < self->captions->len ? g_ptr_array_index (self->captions, i) : NULL;
}

static void
lab_cell_images_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_CELL_IMAGES);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_cell_images_parent_class)->dispose (object);
}

static void
lab_cell_images_finalize (GObject *object)
{
  LabCellImages *self = (LabCellImages *)object;

  g_ptr_array_unref (self->captions);

  G_OBJECT_CLASS (lab_cell_images_parent_class)->finalize (object);
}

static void
lab_cell_images_class_init (LabCellImagesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_cell_images_dispose;
  object_class->finalize = lab_cell_images_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-cell-images.ui");
  gtk_widget_class_set_css_name (widget_class, "cellimages");
  gtk_widget_class_bind_template_child (widget_class, LabCellImages, title_label);
  gtk_widget_class_bind_template_child (widget_class, LabCellImages, hint_label);
  gtk_widget_class_bind_template_child (widget_class, LabCellImages, flow);
}

static void
lab_cell_images_init (LabCellImages *self)
{
  self->captions = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  lab_cell_images_clear (self);
}

GtkWidget *
lab_cell_images_new (void)
{
  return g_object_new (LAB_TYPE_CELL_IMAGES, NULL);
}
