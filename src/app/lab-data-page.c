#define G_LOG_DOMAIN "latentlab"

#include <glib/gi18n.h>

#include "lab-catalog.h"
#include "lab-data-page-private.h"
#include "lab-dataset-open.h"
#include "lab-format.h"
#include "lab-idx.h"
#include "lab-image-item.h"
#include "lab-image-list.h"
#include "lab-job.h"
#include "lab-noise.h"
#include "lab-rng.h"

#define LOAD_SLOT "load-dataset"
/* The noise preview draws from this seed (mixed with the image index), so
 * moving the slider scales one fixed noise pattern instead of flickering. */
#define NOISE_SEED G_GUINT64_CONSTANT (0x1a7e47)
#define THUMBNAIL_SIZE 56

struct _LabDataPage
{
  LabPage             parent_instance;

  /* Template widgets */
  GtkDropDown        *dataset_dropdown;
  GtkWidget          *split_box;
  GtkToggleButton    *train_button;
  GtkToggleButton    *test_button;
  GtkMenuButton      *open_button;
  GtkStack           *status_stack;
  GtkLabel           *status_label;
  GtkLabel           *progress_label;
  GtkProgressBar     *progress_bar;
  GtkButton          *cancel_button;
  GtkRevealer        *skipped_revealer;
  GtkExpander        *skipped_expander;
  GtkLabel           *skipped_label;
  GtkFlowBox         *class_box;
  GtkScrolledWindow  *grid_scroller;
  GtkGridView        *grid_view;
  LabImageView       *preview_view;
  LabImageView       *noisy_view;
  GtkLabel           *preview_caption;
  GtkLabel           *noisy_caption;
  GtkLabel           *noise_description;
  GtkDropDown        *noise_type_dropdown;
  GtkScale           *noise_scale;

  /* Owned */
  LabImageList       *images;
  GtkSingleSelection *selection;
  GtkStringList      *chooser_titles;   /* what the dataset dropdown shows */
  GPtrArray          *chooser_specs;    /* (element-type utf8) the spec of each title */
  GPtrArray          *catalog;          /* (element-type LabCatalogEntry) found at startup */
  GPtrArray          *class_buttons;    /* (element-type GtkToggleButton) [0] All, [k+1] class k */
  LabDataset         *dataset;          /* shown; NULL before the first load */
  char               *spec;             /* what dataset was loaded from */
  LabSplit            split;

  /* Set while the page itself changes the chooser or split buttons, so
   * their handlers do not start a load. */
  guint               syncing : 1;
};

typedef struct
{
  char     *spec;
  LabSplit  split;
} LoadRequest;

enum {
  DATASET_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* In the order of the noise type dropdown, with what to tell the class. */
static const struct {
  LabNoiseType  type;
  const char   *description;
} noise_types[] = {
  { LAB_NOISE_GAUSSIAN,    N_("Every pixel gets amount × a random normal number added, then is clipped to black…white.") },
  { LAB_NOISE_SALT_PEPPER, N_("A fraction “amount” of the pixels, chosen at random, turns black or white.") },
  { LAB_NOISE_MASK,        N_("A fraction “amount” of the pixels, chosen at random, is blacked out.") },
  { LAB_NOISE_DOWNSAMPLE,  N_("Each 2×2 block of pixels is averaged: the image keeps its shape and loses fine detail.") },
};

G_DEFINE_FINAL_TYPE (LabDataPage, lab_data_page, LAB_TYPE_PAGE)

static void
load_request_free (gpointer data)
{
  LoadRequest *req = data;

  g_free (req->spec);
  g_free (req);
}

static const char *
class_name (LabDataset *dataset,
            guint       klass,
            char        buf[16])
{
  if (dataset->class_names != NULL && klass < dataset->n_classes
      && dataset->class_names[klass] != NULL)
    return dataset->class_names[klass];
  g_snprintf (buf, 16, "%u", klass);
  return buf;
}

static void
report_error (LabDataPage  *self,
              const GError *error)
{
  lab_widget_show_error (GTK_WIDGET (self), error);
}

/* Dataset chooser */

static guint
chooser_find (LabDataPage *self,
              const char  *spec)
{
  for (guint i = 0; i < self->chooser_specs->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->chooser_specs, i), spec) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static void
chooser_append (LabDataPage *self,
                const char  *spec,
                const char  *title)
{
  g_ptr_array_add (self->chooser_specs, g_strdup (spec));
  gtk_string_list_append (self->chooser_titles, title);
}

static void
chooser_populate (LabDataPage *self)
{
  GPtrArray *entries = self->catalog;

  for (guint i = 0; i < entries->len; i++)
    {
      const LabCatalogEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *train = lab_format_count_localized (entry->n_train);
      g_autofree char *test = lab_format_count_localized (entry->n_test);
      g_autofree char *title = NULL;

      /* Translators: a dataset and its sizes, "MNIST  60,000 + 10,000" */
      title = g_strdup_printf (_("%s  (%s + %s)"), entry->title, train, test);
      chooser_append (self, entry->id, title);
    }
}

/* A folder the catalog found a dataset in, opened by hand (dropped, on the
 * command line), is that catalog dataset: same title, same chooser entry. */
static char *
normalize_spec (LabDataPage *self,
                const char  *spec)
{
  g_autofree char *path = NULL;

  if (lab_catalog_is_known_id (spec) || !g_file_test (spec, G_FILE_TEST_IS_DIR))
    return g_strdup (spec);

  path = g_canonicalize_filename (spec, NULL);
  for (guint i = 0; i < self->catalog->len; i++)
    {
      const LabCatalogEntry *entry = g_ptr_array_index (self->catalog, i);
      g_autofree char *dir = NULL;

      if (entry->directory == NULL)
        continue;
      dir = g_canonicalize_filename (entry->directory, NULL);
      if (g_strcmp0 (dir, path) == 0)
        return g_strdup (entry->id);
    }
  return g_strdup (spec);
}

/* Shows spec as chosen, adding an entry for a path opened by hand. */
static void
chooser_select (LabDataPage *self,
                const char  *spec,
                LabSplit     split)
{
  guint pos;

  self->syncing = TRUE;
  if (spec != NULL)
    {
      pos = chooser_find (self, spec);
      if (pos == GTK_INVALID_LIST_POSITION)
        {
          g_autofree char *base = g_path_get_basename (spec);

          chooser_append (self, spec, base);
          pos = self->chooser_specs->len - 1;
        }
      gtk_drop_down_set_selected (self->dataset_dropdown, pos);
    }
  gtk_toggle_button_set_active (split == LAB_SPLIT_TEST ? self->test_button : self->train_button, TRUE);
  self->syncing = FALSE;
}

static char *
title_for_spec (LabDataPage *self,
                const char  *spec)
{
  guint pos = chooser_find (self, spec);

  if (pos != GTK_INVALID_LIST_POSITION && lab_catalog_is_known_id (spec))
    {
      const char *title = gtk_string_list_get_string (self->chooser_titles, pos);
      const char *paren = strstr (title, "  (");

      return paren ? g_strndup (title, paren - title) : g_strdup (title);
    }
  return g_path_get_basename (spec);
}

/* Noise preview */

static guint
current_noise_row (LabDataPage *self)
{
  guint pos = gtk_drop_down_get_selected (self->noise_type_dropdown);

  return pos < G_N_ELEMENTS (noise_types) ? pos : 0;
}

guint
lab_data_page_get_selected_index (LabDataPage *self)
{
  guint pos;

  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), G_MAXUINT);

  pos = gtk_single_selection_get_selected (self->selection);
  if (self->dataset == NULL || pos == GTK_INVALID_LIST_POSITION
      || pos >= g_list_model_get_n_items (G_LIST_MODEL (self->images)))
    return G_MAXUINT;
  return lab_image_list_get_index (self->images, pos);
}

/* One image: fast enough to redo on the main thread for every slider step. */
static void
update_noise_preview (LabDataPage *self)
{
  guint index = lab_data_page_get_selected_index (self);
  LabDataset *ds = self->dataset;
  LabNoise noise;
  LabRng rng;
  g_autofree float *x = NULL;
  g_autofree char *caption = NULL;
  const guint8 *pixels;
  gsize n;

  guint row = current_noise_row (self);

  noise.type = noise_types[row].type;
  noise.amount = (float) gtk_range_get_value (GTK_RANGE (self->noise_scale));
  gtk_widget_set_sensitive (GTK_WIDGET (self->noise_scale), noise.type != LAB_NOISE_DOWNSAMPLE);
  gtk_label_set_label (self->noise_description, _(noise_types[row].description));

  if (noise.type == LAB_NOISE_DOWNSAMPLE)
    caption = g_strdup (_("Downsampled 2×2"));
  else
    /* Translators: under the noisy preview: the noise type and amount */
    caption = g_markup_printf_escaped (_("<b>%s</b>   amount %.2f"),
                                       gtk_string_object_get_string (gtk_drop_down_get_selected_item (self->noise_type_dropdown)),
                                       noise.amount);
  gtk_label_set_markup (self->noisy_caption, caption);

  if (index == G_MAXUINT)
    {
      lab_image_view_clear (self->noisy_view);
      return;
    }

  /* x (height, width) in [0,1], as the trainer feeds the model. */
  n = (gsize) ds->height * ds->width;
  pixels = lab_dataset_image (ds, index);
  x = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    x[i] = pixels[i] / 255.0f;

  lab_rng_init (&rng, NOISE_SEED ^ ((guint64) index * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)));
  lab_noise_apply (&noise, x, 1, ds->height, ds->width, &rng);
  lab_image_view_set_float (self->noisy_view, x, ds->width, ds->height);
}

static void
update_preview (LabDataPage *self)
{
  guint index = lab_data_page_get_selected_index (self);
  LabDataset *ds = self->dataset;
  g_autofree char *number = NULL;
  g_autofree char *markup = NULL;

  if (index == G_MAXUINT)
    {
      lab_image_view_clear (self->preview_view);
      gtk_label_set_label (self->preview_caption, "");
      update_noise_preview (self);
      return;
    }

  lab_image_view_set_gray (self->preview_view, lab_dataset_image (ds, index), ds->width, ds->height);

  number = lab_format_count_localized (index);
  if (ds->labels != NULL)
    {
      char buf[16];

      /* Translators: under the large image: its class, then its index */
      markup = g_markup_printf_escaped (_("<b>%s</b>   image %s"),
                                        class_name (ds, ds->labels[index], buf), number);
    }
  else
    markup = g_markup_printf_escaped (_("Image %s"), number);
  gtk_label_set_markup (self->preview_caption, markup);

  update_noise_preview (self);
}

static void
on_selection_changed (LabDataPage *self)
{
  update_preview (self);
}

static void
on_noise_changed (LabDataPage *self)
{
  update_noise_preview (self);
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

      tooltip = g_strdup_printf (_("%s, image %s"), class_name (ds, ds->labels[index], buf), number);
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
  g_object_set_data (G_OBJECT (button), "lab-class", GINT_TO_POINTER (klass + 1));
  return button;
}

static void
rebuild_class_filter (LabDataPage *self)
{
  LabDataset *ds = self->dataset;
  g_autofree guint *counts = NULL;
  GtkWidget *child;
  GtkWidget *all;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->class_box))) != NULL)
    gtk_flow_box_remove (self->class_box, child);
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
      GtkWidget *button = class_button_new (class_name (ds, k, buf), counts[k], k);

      gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), GTK_TOGGLE_BUTTON (all));
      gtk_widget_set_sensitive (button, counts[k] > 0);
      g_ptr_array_add (self->class_buttons, button);
    }

  for (guint i = 0; i < self->class_buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (self->class_buttons, i);

      g_signal_connect (button, "toggled", G_CALLBACK (on_class_toggled), self);
      gtk_flow_box_append (self->class_box, button);
      /* The button takes focus and clicks, not the flow box child around it. */
      gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->class_box), TRUE);
}

/* Loading */

static void
show_status (LabDataPage *self)
{
  LabDataset *ds = self->dataset;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  gtk_stack_set_visible_child_name (self->status_stack, "status");
  if (ds == NULL)
    {
      gtk_label_set_label (self->status_label, _("No dataset loaded"));
      return;
    }

  count = lab_format_count_localized (ds->n);
  if (ds->n_classes > 0)
    /* Translators: "MNIST (train): 60,000 images, 28×28, 10 classes" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s: %s images, %u×%u, %u class",
                                         "%s: %s images, %u×%u, %u classes",
                                         ds->n_classes),
                            ds->name, count, ds->width, ds->height, ds->n_classes);
  else
    text = g_strdup_printf (_("%s: %s images, %u×%u, unlabelled"),
                            ds->name, count, ds->width, ds->height);
  gtk_label_set_label (self->status_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), ds->source);
}

static void
show_skipped (LabDataPage *self)
{
  LabDataset *ds = self->dataset;
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
    g_string_append_printf (title, g_dngettext (GETTEXT_PACKAGE,
                                                "%u file could not be read",
                                                "%u files could not be read",
                                                n_skipped),
                            n_skipped);
  if (ds->n_ignored > 0)
    {
      if (title->len > 0)
        g_string_append (title, ", ");
      g_string_append_printf (title, g_dngettext (GETTEXT_PACKAGE,
                                                  "%u file that is not a PNG was ignored",
                                                  "%u files that are not PNGs were ignored",
                                                  ds->n_ignored),
                              ds->n_ignored);
    }
  gtk_expander_set_label (self->skipped_expander, title->str);

  list = g_string_new (NULL);
  for (guint i = 0; i < n_skipped; i++)
    g_string_append_printf (list, "%s%s", i ? "\n" : "",
                            (const char *) g_ptr_array_index (ds->skipped, i));
  if (n_skipped == 0)
    g_string_append (list, _("Only PNG images are loaded; other files in the folder are left alone."));
  gtk_label_set_label (self->skipped_label, list->str);
  gtk_revealer_set_reveal_child (self->skipped_revealer, TRUE);
}

/* Takes dataset. */
static void
set_dataset (LabDataPage *self,
             LabDataset  *dataset,
             const char  *spec,
             LabSplit     split)
{
  g_clear_pointer (&self->dataset, lab_dataset_unref);
  self->dataset = dataset;
  g_free (self->spec);
  self->spec = g_strdup (spec);
  self->split = split;

  /* Only catalog datasets and IDX folders have a train and a test part; a
   * single IDX file or a PNG folder is what it is. */
  gtk_widget_set_sensitive (self->split_box,
                            lab_catalog_is_known_id (spec)
                            || (g_file_test (spec, G_FILE_TEST_IS_DIR) && lab_idx_dir_has_set (spec)));

  lab_image_list_set_dataset (self->images, dataset);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->grid_scroller), 0);
  rebuild_class_filter (self);
  show_status (self);
  show_skipped (self);
  chooser_select (self, spec, split);
  update_preview (self);

  g_signal_emit (self, signals[DATASET_CHANGED], 0, dataset);
}

static gpointer
load_worker (LabJob        *job,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  LoadRequest *req = data;

  return lab_dataset_open (req->spec, req->split, cancellable,
                           lab_job_progress_func, job, error);
}

static void
load_progress (gpointer    owner,
               LabJob     *job,
               double      fraction,
               const char *text,
               gpointer    payload)
{
  LabDataPage *self = owner;

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  if (text != NULL)
    gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
load_done (gpointer      owner,
           LabJob       *job,
           gpointer      result,
           const GError *error)
{
  LabDataPage *self = owner;
  LoadRequest *req = lab_job_get_data (job);

  if (error != NULL)
    {
      /* The previous dataset stays; so does what the chooser shows. */
      show_status (self);
      chooser_select (self, self->spec, self->split);
      report_error (self, error);
      /* Nothing to keep showing (the first load failed): the built-in
       * digits always load, so the page is never empty. */
      if (self->dataset == NULL && g_strcmp0 (req->spec, "synthetic") != 0)
        lab_data_page_load (self, "synthetic", LAB_SPLIT_TRAIN);
      return;
    }

  set_dataset (self, result, req->spec, req->split);
}

void
lab_data_page_load (LabDataPage *self,
                    const char  *spec,
                    LabSplit     split)
{
  g_autoptr(LabJob) job = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  LoadRequest *req;

  g_return_if_fail (LAB_IS_DATA_PAGE (self));
  g_return_if_fail (spec != NULL);

  req = g_new0 (LoadRequest, 1);
  req->spec = normalize_spec (self, spec);
  req->split = split;

  job = lab_job_new (self, LOAD_SLOT, load_worker, req, load_request_free);
  lab_job_set_result_free_func (job, (GDestroyNotify) lab_dataset_unref);
  lab_job_set_progress_func (job, load_progress);
  lab_job_set_done_func (job, load_done);

  title = title_for_spec (self, req->spec);
  /* Translators: "Loading MNIST (test)…" */
  text = g_strdup_printf (_("Loading %s (%s)…"), title,
                          split == LAB_SPLIT_TEST ? _("test") : _("train"));
  gtk_label_set_label (self->progress_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, NULL);
  gtk_stack_set_visible_child_name (self->status_stack, "progress");

  lab_job_start (job);
}

void
lab_data_page_load_spec (LabDataPage *self,
                         const char  *spec)
{
  g_return_if_fail (LAB_IS_DATA_PAGE (self));

  lab_data_page_load (self, spec,
                      gtk_toggle_button_get_active (self->test_button) ? LAB_SPLIT_TEST : LAB_SPLIT_TRAIN);
}

void
lab_data_page_load_default (LabDataPage *self,
                            const char  *last_spec)
{
  g_return_if_fail (LAB_IS_DATA_PAGE (self));

  if (last_spec != NULL && last_spec[0] != '\0')
    {
      gboolean installed = lab_catalog_is_known_id (last_spec)
                           ? chooser_find (self, last_spec) != GTK_INVALID_LIST_POSITION
                           : g_file_test (last_spec, G_FILE_TEST_EXISTS);

      if (installed)
        {
          lab_data_page_load (self, last_spec, LAB_SPLIT_TRAIN);
          return;
        }
    }

  if (chooser_find (self, "mnist") != GTK_INVALID_LIST_POSITION)
    lab_data_page_load (self, "mnist", LAB_SPLIT_TRAIN);
  else
    lab_data_page_load (self, "synthetic", LAB_SPLIT_TRAIN);
}

static void
on_dataset_selected (LabDataPage *self)
{
  guint pos = gtk_drop_down_get_selected (self->dataset_dropdown);

  if (self->syncing || pos >= self->chooser_specs->len)
    return;
  lab_data_page_load_spec (self, g_ptr_array_index (self->chooser_specs, pos));
}

static void
on_split_toggled (GtkToggleButton *button,
                  LabDataPage     *self)
{
  guint pos;

  if (self->syncing || !gtk_toggle_button_get_active (button))
    return;
  pos = gtk_drop_down_get_selected (self->dataset_dropdown);
  if (pos < self->chooser_specs->len)
    lab_data_page_load_spec (self, g_ptr_array_index (self->chooser_specs, pos));
}

static void
on_cancel_clicked (LabDataPage *self)
{
  lab_job_cancel_slot (self, LOAD_SLOT);
  show_status (self);
  chooser_select (self, self->spec, self->split);
}

/* GObject */

static void
lab_data_page_dispose (GObject *object)
{
  LabDataPage *self = (LabDataPage *)object;
  GtkWidget *child;

  lab_job_cancel_slot (self, LOAD_SLOT);
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
  g_clear_object (&self->chooser_titles);
  g_clear_pointer (&self->chooser_specs, g_ptr_array_unref);
  g_clear_pointer (&self->catalog, g_ptr_array_unref);
  g_clear_pointer (&self->class_buttons, g_ptr_array_unref);
  g_clear_pointer (&self->dataset, lab_dataset_unref);
  g_clear_pointer (&self->spec, g_free);

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

  g_type_ensure (LAB_TYPE_IMAGE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-data-page.ui");
  gtk_widget_class_set_css_name (widget_class, "datapage");
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, dataset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, split_box);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, train_button);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, test_button);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, open_button);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, status_stack);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, skipped_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, skipped_expander);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, skipped_label);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, class_box);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, grid_scroller);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, grid_view);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, preview_view);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, noisy_view);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, preview_caption);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, noisy_caption);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, noise_description);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, noise_type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, noise_scale);
}

static void
lab_data_page_init (LabDataPage *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->chooser_titles = gtk_string_list_new (NULL);
  self->chooser_specs = g_ptr_array_new_with_free_func (g_free);
  /* Reads only the IDX headers (a few bytes per file): fine on this thread. */
  self->catalog = lab_catalog_scan ();
  self->class_buttons = g_ptr_array_new ();
  self->split = LAB_SPLIT_TRAIN;

  chooser_populate (self);
  self->syncing = TRUE;
  gtk_drop_down_set_model (self->dataset_dropdown, G_LIST_MODEL (self->chooser_titles));
  self->syncing = FALSE;

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
  g_signal_connect_swapped (self->dataset_dropdown, "notify::selected",
                            G_CALLBACK (on_dataset_selected), self);
  g_signal_connect (self->train_button, "toggled", G_CALLBACK (on_split_toggled), self);
  g_signal_connect (self->test_button, "toggled", G_CALLBACK (on_split_toggled), self);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked), self);
  g_signal_connect_swapped (self->noise_type_dropdown, "notify::selected",
                            G_CALLBACK (on_noise_changed), self);
  g_signal_connect_swapped (self->noise_scale, "value-changed",
                            G_CALLBACK (on_noise_changed), self);

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

  return self->dataset;
}

const char *
lab_data_page_get_spec (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  return self->spec;
}

LabSplit
lab_data_page_get_split (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), LAB_SPLIT_TRAIN);

  return self->split;
}

gboolean
lab_data_page_is_loading (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), FALSE);

  return lab_job_lookup (self, LOAD_SLOT) != NULL;
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

  return GTK_RANGE (self->noise_scale);
}

GtkDropDown *
lab_data_page_get_noise_type (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  return self->noise_type_dropdown;
}

LabImageView *
lab_data_page_get_preview_view (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  return self->preview_view;
}

LabImageView *
lab_data_page_get_noisy_view (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  return self->noisy_view;
}

const char *
lab_data_page_get_status_text (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  return gtk_label_get_label (self->status_label);
}

const char *
lab_data_page_get_skipped_text (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->skipped_revealer))
    return NULL;
  return gtk_label_get_label (self->skipped_label);
}
