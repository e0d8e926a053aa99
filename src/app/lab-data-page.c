#define G_LOG_DOMAIN "latentlab"

#include <glib/gi18n.h>

#include "lab-data-page-private.h"
#include "lab-format.h"
#include "lab-image-item.h"
#include "lab-image-list.h"
#include "lab-wrap-box.h"

#define THUMBNAIL_SIZE 56

struct _LabDataPage
{
  LabPage             parent_instance;

  /* Template widgets */
  LabDatasetChooser  *dataset_chooser;
  GtkRevealer        *skipped_revealer;
  GtkExpander        *skipped_expander;
  GtkLabel           *skipped_label;
  LabWrapBox         *class_box;
  GtkScrolledWindow  *grid_scroller;
  GtkGridView        *grid_view;
  LabNoisePreview    *noise_preview;

  /* Owned */
  LabImageList       *images;
  GtkSingleSelection *selection;
  GPtrArray          *class_buttons;    /* (element-type GtkToggleButton) [0] All, [k+1] class k */
};

enum {
  DATASET_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabDataPage, lab_data_page, LAB_TYPE_PAGE)

static LabDataset *
shown_dataset (LabDataPage *self)
{
  return lab_dataset_chooser_get_dataset (self->dataset_chooser);
}

guint
lab_data_page_get_selected_index (LabDataPage *self)
{
  guint pos;

  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), G_MAXUINT);

  pos = gtk_single_selection_get_selected (self->selection);
  if (shown_dataset (self) == NULL || pos == GTK_INVALID_LIST_POSITION
      || pos >= g_list_model_get_n_items (G_LIST_MODEL (self->images)))
    return G_MAXUINT;
  return lab_image_list_get_index (self->images, pos);
}

static void
update_preview (LabDataPage *self)
{
  lab_noise_preview_show (self->noise_preview, shown_dataset (self), lab_data_page_get_selected_index (self));
}

static void
on_selection_changed (LabDataPage *self)
{
  update_preview (self);
}

/* Thumbnail grid */

static void
thumbnail_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  GtkWidget *view = lab_image_view_new ();

  lab_image_view_set_pixel_size (LAB_IMAGE_VIEW (view), THUMBNAIL_SIZE);
  gtk_widget_add_css_class (view, "thumbnail");
  gtk_list_item_set_child (list_item, view);
}

static void
thumbnail_bind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  LabImageItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *view = gtk_list_item_get_child (list_item);
  LabDataset *ds = lab_image_item_get_dataset (item);
  guint index = lab_image_item_get_index (item);
  g_autofree char *number = lab_format_count_localized (index);
  g_autofree char *tooltip = NULL;

  lab_image_view_set_gray (LAB_IMAGE_VIEW (view), lab_image_item_get_pixels (item),
                           ds->width, ds->height);
  if (ds->labels != NULL)
    {
      char buf[16];

      tooltip = g_strdup_printf (_("%s, image %s"), lab_dataset_class_name (ds, ds->labels[index], buf), number);
    }
  else
    tooltip = g_strdup_printf (_("Image %s"), number);
  gtk_widget_set_tooltip_text (view, tooltip);
}

/* Class filter */

static void
on_class_toggled (GtkToggleButton *button,
                  LabDataPage     *self)
{
  int klass = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "lab-class")) - 1;

  if (!gtk_toggle_button_get_active (button))
    return;
  lab_image_list_set_class (self->images, klass);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->grid_scroller), 0);
  update_preview (self);
}

static GtkWidget *
class_button_new (const char *name,
                  guint       count,
                  int         klass)
{
  g_autofree char *count_text = lab_format_count_localized (count);
  GtkWidget *button = gtk_toggle_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *count_label = gtk_label_new (count_text);

  gtk_widget_add_css_class (name_label, "class-name");
  gtk_widget_add_css_class (count_label, "class-count");
  gtk_box_append (GTK_BOX (box), name_label);
  gtk_box_append (GTK_BOX (box), count_label);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "class-button");
  if (klass < 0)
    gtk_widget_set_tooltip_text (button, _("Show the images of every class"));
  else
    {
      /* Translators: a class filter button's tooltip; %s is the class, "7" or "Sneaker". */
      g_autofree char *tip = g_strdup_printf (_("Show only the images of class %s"), name);

      gtk_widget_set_tooltip_text (button, tip);
    }
  g_object_set_data (G_OBJECT (button), "lab-class", GINT_TO_POINTER (klass + 1));
  return button;
}

static void
rebuild_class_filter (LabDataPage *self)
{
  LabDataset *ds = shown_dataset (self);
  g_autofree guint *counts = NULL;
  GtkWidget *child;
  GtkWidget *all;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->class_box))) != NULL)
    lab_wrap_box_remove (self->class_box, child);
  g_ptr_array_set_size (self->class_buttons, 0);

  if (ds == NULL || ds->labels == NULL || ds->n_classes == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->class_box), FALSE);
      return;
    }

  counts = g_new0 (guint, ds->n_classes);
  lab_dataset_class_counts (ds, counts);

  all = class_button_new (_("All"), ds->n, -1);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (all), TRUE);
  g_ptr_array_add (self->class_buttons, all);
  for (guint k = 0; k < ds->n_classes; k++)
    {
      char buf[16];
      GtkWidget *button = class_button_new (lab_dataset_class_name (ds, k, buf), counts[k], k);

      gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), GTK_TOGGLE_BUTTON (all));
      gtk_widget_set_sensitive (button, counts[k] > 0);
      g_ptr_array_add (self->class_buttons, button);
    }

  for (guint i = 0; i < self->class_buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (self->class_buttons, i);

      g_signal_connect (button, "toggled", G_CALLBACK (on_class_toggled), self);
      lab_wrap_box_append (self->class_box, button);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->class_box), TRUE);
}

/* Files a PNG folder could not use */

static void
show_skipped (LabDataPage *self)
{
  LabDataset *ds = shown_dataset (self);
  g_autoptr(GString) title = NULL;
  g_autoptr(GString) list = NULL;
  guint n_skipped;

  n_skipped = ds != NULL && ds->skipped != NULL ? ds->skipped->len : 0;
  if (ds == NULL || (n_skipped == 0 && ds->n_ignored == 0))
    {
      gtk_revealer_set_reveal_child (self->skipped_revealer, FALSE);
      return;
    }

  title = g_string_new (NULL);
  if (n_skipped > 0)
    {
      g_autofree char *n = lab_format_count_localized (n_skipped);

      g_string_append_printf (title, g_dngettext (GETTEXT_PACKAGE,
                                                  "%s file not loaded",
                                                  "%s files not loaded",
                                                  n_skipped), n);
    }
  if (ds->n_ignored > 0)
    {
      g_autofree char *n = lab_format_count_localized (ds->n_ignored);

      if (title->len > 0)
        g_string_append (title, ", ");
      g_string_append_printf (title, g_dngettext (GETTEXT_PACKAGE,
                                                  "%s other file, not an image",
                                                  "%s other files, not images",
                                                  ds->n_ignored), n);
    }
  gtk_expander_set_label (self->skipped_expander, title->str);

  list = g_string_new (NULL);
  for (guint i = 0; i < n_skipped; i++)
    g_string_append_printf (list, "%s%s", i ? "\n" : "",
                            (const char *) g_ptr_array_index (ds->skipped, i));
  if (n_skipped == 0)
    g_string_append (list, _("Only PNG images are loaded; files that are not images are left alone."));
  gtk_label_set_label (self->skipped_label, list->str);
  gtk_revealer_set_reveal_child (self->skipped_revealer, TRUE);
}

/* A new dataset is the chooser's. */
static void
on_dataset_loaded (LabDataPage       *self,
                   LabDataset        *dataset,
                   LabDatasetChooser *chooser)
{
  lab_image_list_set_dataset (self->images, dataset);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->grid_scroller), 0);
  rebuild_class_filter (self);
  show_skipped (self);
  update_preview (self);

  g_signal_emit (self, signals[DATASET_CHANGED], 0, dataset);
}

void
lab_data_page_load (LabDataPage *self,
                    const char  *spec,
                    LabSplit     split)
{
  g_return_if_fail (LAB_IS_DATA_PAGE (self));

  lab_dataset_chooser_load (self->dataset_chooser, spec, split);
}

void
lab_data_page_load_spec (LabDataPage *self,
                         const char  *spec)
{
  g_return_if_fail (LAB_IS_DATA_PAGE (self));

  lab_dataset_chooser_load_spec (self->dataset_chooser, spec);
}

void
lab_data_page_load_default (LabDataPage *self,
                            const char  *last_spec)
{
  g_return_if_fail (LAB_IS_DATA_PAGE (self));

  lab_dataset_chooser_load_default (self->dataset_chooser, last_spec);
}

/* GObject */

static void
lab_data_page_dispose (GObject *object)
{
  LabDataPage *self = (LabDataPage *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_DATA_PAGE);
  /* dispose_template only unparents the bound children. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_data_page_parent_class)->dispose (object);
}

static void
lab_data_page_finalize (GObject *object)
{
  LabDataPage *self = (LabDataPage *)object;

  g_clear_object (&self->selection);
  g_clear_object (&self->images);
  g_clear_pointer (&self->class_buttons, g_ptr_array_unref);

  G_OBJECT_CLASS (lab_data_page_parent_class)->finalize (object);
}

static void
lab_data_page_class_init (LabDataPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_data_page_dispose;
  object_class->finalize = lab_data_page_finalize;

  signals[DATASET_CHANGED] =
    g_signal_new ("dataset-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);

  g_type_ensure (LAB_TYPE_DATASET_CHOOSER);
  g_type_ensure (LAB_TYPE_NOISE_PREVIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-data-page.ui");
  gtk_widget_class_set_css_name (widget_class, "datapage");
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, dataset_chooser);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, skipped_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, skipped_expander);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, skipped_label);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, class_box);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, grid_scroller);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, grid_view);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, noise_preview);
}

static void
lab_data_page_init (LabDataPage *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->class_buttons = g_ptr_array_new ();
  self->images = lab_image_list_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->images)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (thumbnail_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (thumbnail_bind), NULL);
  gtk_grid_view_set_factory (self->grid_view, factory);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (on_selection_changed), self);
  g_signal_connect_swapped (self->dataset_chooser, "dataset-loaded",
                            G_CALLBACK (on_dataset_loaded), self);

  gtk_widget_set_visible (GTK_WIDGET (self->class_box), FALSE);
  update_preview (self);
}

GtkWidget *
lab_data_page_new (void)
{
  return g_object_new (LAB_TYPE_DATA_PAGE, NULL);
}

LabDataset *
lab_data_page_get_dataset (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  return shown_dataset (self);
}

const char *
lab_data_page_get_spec (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  return lab_dataset_chooser_get_spec (self->dataset_chooser);
}

LabSplit
lab_data_page_get_split (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), LAB_SPLIT_TRAIN);

  return lab_dataset_chooser_get_split (self->dataset_chooser);
}

gboolean
lab_data_page_is_loading (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), FALSE);

  return lab_dataset_chooser_is_loading (self->dataset_chooser);
}

/* Testing accessors (lab-data-page-private.h) */

GtkSelectionModel *
lab_data_page_get_grid_model (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  return gtk_grid_view_get_model (self->grid_view);
}

static GtkToggleButton *
class_button (LabDataPage *self,
              int          klass)
{
  if (klass < -1 || klass + 1 >= (int) self->class_buttons->len)
    return NULL;
  return g_ptr_array_index (self->class_buttons, klass + 1);
}

gboolean
lab_data_page_select_class (LabDataPage *self,
                            int          klass)
{
  GtkToggleButton *button;

  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), FALSE);

  button = class_button (self, klass);
  if (button == NULL)
    return FALSE;
  gtk_toggle_button_set_active (button, TRUE);
  return TRUE;
}

char *
lab_data_page_dup_class_button_text (LabDataPage *self,
                                     int          klass)
{
  GtkToggleButton *button;
  GtkWidget *box;
  GString *s;

  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  button = class_button (self, klass);
  if (button == NULL)
    return NULL;
  box = gtk_button_get_child (GTK_BUTTON (button));
  s = g_string_new (NULL);
  for (GtkWidget *child = gtk_widget_get_first_child (box); child; child = gtk_widget_get_next_sibling (child))
    g_string_append_printf (s, "%s%s", s->len ? " " : "", gtk_label_get_label (GTK_LABEL (child)));
  return g_string_free (s, FALSE);
}

GtkRange *
lab_data_page_get_noise_scale (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  return lab_noise_preview_get_noise_scale (self->noise_preview);
}

GtkDropDown *
lab_data_page_get_noise_type (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  return lab_noise_preview_get_noise_type (self->noise_preview);
}

LabImageView *
lab_data_page_get_preview_view (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  return lab_noise_preview_get_clean_view (self->noise_preview);
}

LabImageView *
lab_data_page_get_noisy_view (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  return lab_noise_preview_get_noisy_view (self->noise_preview);
}

const char *
lab_data_page_get_status_text (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  return lab_dataset_chooser_get_status (self->dataset_chooser);
}

const char *
lab_data_page_get_skipped_text (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->skipped_revealer))
    return NULL;
  return gtk_label_get_label (self->skipped_label);
}

const char *
lab_data_page_get_skipped_title (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->skipped_revealer))
    return NULL;
  return gtk_expander_get_label (self->skipped_expander);
}
