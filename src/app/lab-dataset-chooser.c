#define G_LOG_DOMAIN "latentlab"

#include <string.h>

#include <glib/gi18n.h>

#include "lab-catalog.h"
#include "lab-dataset-chooser.h"
#include "lab-dataset-open.h"
#include "lab-format.h"
#include "lab-idx.h"
#include "lab-job.h"
#include "lab-page.h"

#define LOAD_SLOT "load-dataset"

struct _LabDatasetChooser
{
  GtkWidget        parent_instance;

  /* Template widgets */
  GtkDropDown     *dataset_dropdown;
  GtkWidget       *split_box;
  GtkToggleButton *train_button;
  GtkToggleButton *test_button;
  GtkStack        *status_stack;
  GtkLabel        *status_label;
  GtkLabel        *progress_label;
  GtkProgressBar  *progress_bar;
  GtkButton       *cancel_button;

  /* Owned */
  GtkStringList   *titles;       /* what the dataset dropdown shows */
  GPtrArray       *specs;        /* (element-type utf8) the spec of each title */
  GPtrArray       *catalog;      /* (element-type LabCatalogEntry) found at startup */
  LabDataset      *dataset;      /* loaded last; NULL before the first load */
  char            *spec;         /* what dataset was loaded from */
  LabSplit         split;

  /* Set while the chooser itself changes the dropdown or split buttons, so
   * their handlers do not start a load. */
  guint            syncing : 1;
};

typedef struct
{
  char     *spec;
  LabSplit  split;
} LoadRequest;

enum {
  DATASET_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabDatasetChooser, lab_dataset_chooser, GTK_TYPE_WIDGET)

static void
load_request_free (gpointer data)
{
  LoadRequest *req = data;

  g_free (req->spec);
  g_free (req);
}

/* The entries */

static guint
chooser_find (LabDatasetChooser *self,
              const char        *spec)
{
  for (guint i = 0; i < self->specs->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->specs, i), spec) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static void
chooser_append (LabDatasetChooser *self,
                const char        *spec,
                const char        *title)
{
  g_ptr_array_add (self->specs, g_strdup (spec));
  gtk_string_list_append (self->titles, title);
}

static void
chooser_populate (LabDatasetChooser *self)
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
normalize_spec (LabDatasetChooser *self,
                const char        *spec)
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
chooser_select (LabDatasetChooser *self,
                const char        *spec,
                LabSplit           split)
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
          pos = self->specs->len - 1;
        }
      gtk_drop_down_set_selected (self->dataset_dropdown, pos);
    }
  gtk_toggle_button_set_active (split == LAB_SPLIT_TEST ? self->test_button : self->train_button, TRUE);
  self->syncing = FALSE;
}

static char *
title_for_spec (LabDatasetChooser *self,
                const char        *spec)
{
  guint pos = chooser_find (self, spec);

  if (pos != GTK_INVALID_LIST_POSITION && lab_catalog_is_known_id (spec))
    {
      const char *title = gtk_string_list_get_string (self->titles, pos);
      const char *paren = strstr (title, "  (");

      return paren ? g_strndup (title, paren - title) : g_strdup (title);
    }
  return g_path_get_basename (spec);
}

/* Loading */

static void
show_status (LabDatasetChooser *self)
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

/* Takes dataset. */
static void
set_dataset (LabDatasetChooser *self,
             LabDataset        *dataset,
             const char        *spec,
             LabSplit           split)
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
  show_status (self);
  chooser_select (self, spec, split);

  g_signal_emit (self, signals[DATASET_LOADED], 0, dataset);
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
  LabDatasetChooser *self = owner;

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
  LabDatasetChooser *self = owner;
  LoadRequest *req = lab_job_get_data (job);

  if (error != NULL)
    {
      /* The previous dataset stays; so does what the chooser shows. */
      show_status (self);
      chooser_select (self, self->spec, self->split);
      lab_widget_show_error (GTK_WIDGET (self), error);
      /* Nothing to keep showing (the first load failed): the built-in
       * digits always load, so the page is never empty. */
      if (self->dataset == NULL && g_strcmp0 (req->spec, "synthetic") != 0)
        lab_dataset_chooser_load (self, "synthetic", LAB_SPLIT_TRAIN);
      return;
    }

  set_dataset (self, result, req->spec, req->split);
}

void
lab_dataset_chooser_load (LabDatasetChooser *self,
                          const char        *spec,
                          LabSplit           split)
{
  g_autoptr(LabJob) job = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  LoadRequest *req;

  g_return_if_fail (LAB_IS_DATASET_CHOOSER (self));
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
lab_dataset_chooser_load_spec (LabDatasetChooser *self,
                               const char        *spec)
{
  g_return_if_fail (LAB_IS_DATASET_CHOOSER (self));

  lab_dataset_chooser_load (self, spec,
                            gtk_toggle_button_get_active (self->test_button) ? LAB_SPLIT_TEST : LAB_SPLIT_TRAIN);
}

void
lab_dataset_chooser_load_default (LabDatasetChooser *self,
                                  const char        *last_spec)
{
  g_return_if_fail (LAB_IS_DATASET_CHOOSER (self));

  if (last_spec != NULL && last_spec[0] != '\0')
    {
      gboolean installed = lab_catalog_is_known_id (last_spec)
                           ? chooser_find (self, last_spec) != GTK_INVALID_LIST_POSITION
                           : g_file_test (last_spec, G_FILE_TEST_EXISTS);

      if (installed)
        {
          lab_dataset_chooser_load (self, last_spec, LAB_SPLIT_TRAIN);
          return;
        }
    }

  if (chooser_find (self, "mnist") != GTK_INVALID_LIST_POSITION)
    lab_dataset_chooser_load (self, "mnist", LAB_SPLIT_TRAIN);
  else
    lab_dataset_chooser_load (self, "synthetic", LAB_SPLIT_TRAIN);
}

static void
on_dataset_selected (LabDatasetChooser *self)
{
  guint pos = gtk_drop_down_get_selected (self->dataset_dropdown);

  if (self->syncing || pos >= self->specs->len)
    return;
  lab_dataset_chooser_load_spec (self, g_ptr_array_index (self->specs, pos));
}

static void
on_split_toggled (GtkToggleButton   *button,
                  LabDatasetChooser *self)
{
  guint pos;

  if (self->syncing || !gtk_toggle_button_get_active (button))
    return;
  pos = gtk_drop_down_get_selected (self->dataset_dropdown);
  if (pos < self->specs->len)
    lab_dataset_chooser_load_spec (self, g_ptr_array_index (self->specs, pos));
}

static void
on_cancel_clicked (LabDatasetChooser *self)
{
  lab_job_cancel_slot (self, LOAD_SLOT);
  show_status (self);
  chooser_select (self, self->spec, self->split);
}

LabDataset *
lab_dataset_chooser_get_dataset (LabDatasetChooser *self)
{
  g_return_val_if_fail (LAB_IS_DATASET_CHOOSER (self), NULL);

  return self->dataset;
}

const char *
lab_dataset_chooser_get_spec (LabDatasetChooser *self)
{
  g_return_val_if_fail (LAB_IS_DATASET_CHOOSER (self), NULL);

  return self->spec;
}

LabSplit
lab_dataset_chooser_get_split (LabDatasetChooser *self)
{
  g_return_val_if_fail (LAB_IS_DATASET_CHOOSER (self), LAB_SPLIT_TRAIN);

  return self->split;
}

gboolean
lab_dataset_chooser_is_loading (LabDatasetChooser *self)
{
  g_return_val_if_fail (LAB_IS_DATASET_CHOOSER (self), FALSE);

  return lab_job_lookup (self, LOAD_SLOT) != NULL;
}

const char *
lab_dataset_chooser_get_status (LabDatasetChooser *self)
{
  g_return_val_if_fail (LAB_IS_DATASET_CHOOSER (self), NULL);

  return gtk_label_get_label (self->status_label);
}

/* GObject */

static void
lab_dataset_chooser_dispose (GObject *object)
{
  LabDatasetChooser *self = (LabDatasetChooser *)object;
  GtkWidget *child;

  lab_job_cancel_slot (self, LOAD_SLOT);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_DATASET_CHOOSER);
  /* dispose_template only unparents the bound children. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_dataset_chooser_parent_class)->dispose (object);
}

static void
lab_dataset_chooser_finalize (GObject *object)
{
  LabDatasetChooser *self = (LabDatasetChooser *)object;

  g_clear_object (&self->titles);
  g_clear_pointer (&self->specs, g_ptr_array_unref);
  g_clear_pointer (&self->catalog, g_ptr_array_unref);
  g_clear_pointer (&self->dataset, lab_dataset_unref);
  g_clear_pointer (&self->spec, g_free);

  G_OBJECT_CLASS (lab_dataset_chooser_parent_class)->finalize (object);
}

static void
lab_dataset_chooser_class_init (LabDatasetChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_dataset_chooser_dispose;
  object_class->finalize = lab_dataset_chooser_finalize;

  signals[DATASET_LOADED] =
    g_signal_new ("dataset-loaded",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-dataset-chooser.ui");
  gtk_widget_class_set_css_name (widget_class, "datasetchooser");
  gtk_widget_class_bind_template_child (widget_class, LabDatasetChooser, dataset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetChooser, split_box);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetChooser, train_button);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetChooser, test_button);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetChooser, status_stack);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetChooser, status_label);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetChooser, progress_label);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetChooser, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetChooser, cancel_button);
}

static void
lab_dataset_chooser_init (LabDatasetChooser *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->titles = gtk_string_list_new (NULL);
  self->specs = g_ptr_array_new_with_free_func (g_free);
  /* Reads only the IDX headers (a few bytes per file): fine on this thread. */
  self->catalog = lab_catalog_scan ();
  self->split = LAB_SPLIT_TRAIN;

  chooser_populate (self);
  self->syncing = TRUE;
  gtk_drop_down_set_model (self->dataset_dropdown, G_LIST_MODEL (self->titles));
  self->syncing = FALSE;

  g_signal_connect_swapped (self->dataset_dropdown, "notify::selected",
                            G_CALLBACK (on_dataset_selected), self);
  g_signal_connect (self->train_button, "toggled", G_CALLBACK (on_split_toggled), self);
  g_signal_connect (self->test_button, "toggled", G_CALLBACK (on_split_toggled), self);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked), self);
}
