#define G_LOG_DOMAIN "latentlab"

#include <glib/gi18n.h>

#include "lab-classify-page-private.h"
#include "lab-format.h"

struct _LabClassifyPage
{
  LabPage             parent_instance;

  /* Template widgets */
  GtkStack           *stack;
  LabClassifyRun     *run;
  LabClassifyResults *results;
  LabConfusionView   *confusion;
  LabClassBars       *bars;
  LabCellImages      *cell_images;

  /* Added in init */
  LabTransferPanel   *transfer;
};

G_DEFINE_FINAL_TYPE (LabClassifyPage, lab_classify_page, LAB_TYPE_PAGE)

static void
update_actions (LabClassifyPage *self)
{
  gboolean running = lab_classify_run_is_running (self->run);

  lab_page_set_action_enabled (LAB_PAGE (self), "page.run-classifier", !running);
  lab_page_set_action_enabled (LAB_PAGE (self), "page.cancel-classifier", running);
  if (self->transfer != NULL)
    {
      gboolean transferring = lab_transfer_panel_is_running (self->transfer);

      lab_page_set_action_enabled (LAB_PAGE (self), "page.run-transfer", !transferring);
      lab_page_set_action_enabled (LAB_PAGE (self), "page.cancel-transfer", transferring);
    }
}

/* Shows run i of the table: its matrix, its bars, no cell yet. */
static void
on_run_selected (LabClassifyPage    *self,
                 guint               i,
                 LabClassifyResults *results)
{
  const LabClassifyResult *r = lab_classify_results_get (results, i, NULL);
  g_autofree char *title = NULL, *percent = NULL, *n_test = NULL, *features = NULL;

  if (r == NULL)
    return;
  features = lab_classify_result_features_label (r);
  percent = lab_format_percent_localized (100 * r->accuracy, 2);
  n_test = lab_format_count_localized (r->n_test);
  /* Translators: "RBF SVM on latent (128): 94.20% of 1,000 test images" */
  title = g_strdup_printf (_("%s on %s: %s of %s test images"),
                           _(lab_classifier_kind_title (r->kind)), features, percent, n_test);
  lab_confusion_view_set_matrix (self->confusion, title, r->confusion, r->n_classes,
                                 (const char * const *) r->class_names);
  lab_class_bars_set_values (self->bars, _("Accuracy per class (recall)"), r->recall, r->n_classes,
                             (const char * const *) r->class_names);
  lab_cell_images_clear (self->cell_images);
}

static void
on_cell_activated (LabClassifyPage  *self,
                   guint             truth,
                   guint             predicted,
                   LabConfusionView *view)
{
  int i = lab_classify_results_get_selected (self->results);
  LabDataset *test = NULL;
  const LabClassifyResult *r = i >= 0 ? lab_classify_results_get (self->results, (guint) i, &test) : NULL;

  if (r != NULL)
    lab_cell_images_show (self->cell_images, test, r, truth, predicted);
}

static void
on_finished (LabClassifyPage   *self,
             LabClassifyResult *result,
             LabDataset        *test,
             LabClassifyRun    *run)
{
  g_autofree char *warning = lab_classify_result_warning_label (result);

  lab_classify_results_add (self->results, result, test);
  update_actions (self);
  if (warning != NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (LAB_ERROR, LAB_ERROR_FAILED, warning);

      lab_widget_show_error (GTK_WIDGET (self), error);
    }
}

static void
on_failed (LabClassifyPage *self,
           const GError    *error,
           LabClassifyRun  *run)
{
  update_actions (self);
  if (error != NULL)
    lab_widget_show_error (GTK_WIDGET (self), error);
}

/* The session's training and test sets, or NULL and the window's error. */
static gboolean
session_datasets (LabClassifyPage  *self,
                  LabDataset      **train,
                  LabDataset      **test,
                  const char       *what)
{
  LabSession *session = lab_page_get_session (LAB_PAGE (self));

  *train = session ? lab_session_get_train_dataset (session) : NULL;
  *test = session ? lab_session_get_test_dataset (session) : NULL;
  if (*train == NULL || *test == NULL)
    {
      g_autoptr(GError) error = NULL;

      /* Translators: %s is "run a classifier" or "run the transfer experiment" */
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   _("No dataset yet: load one on the Data page, then %s"), what);
      lab_widget_show_error (GTK_WIDGET (self), error);
      return FALSE;
    }
  return TRUE;
}

static void
run_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  LabClassifyPage *self = LAB_CLASSIFY_PAGE (widget);
  LabSession *session = lab_page_get_session (LAB_PAGE (self));
  g_autoptr(GError) error = NULL;
  LabDataset *train, *test;

  if (!session_datasets (self, &train, &test, _("run a classifier")))
    return;
  if (!lab_classify_run_start (self->run, lab_session_get_model (session), train, test, &error))
    {
      lab_widget_show_error (widget, error);
      return;
    }
  update_actions (self);
}

static void
run_transfer_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  LabClassifyPage *self = LAB_CLASSIFY_PAGE (widget);
  g_autoptr(GError) error = NULL;
  LabDataset *train, *test;

  if (!session_datasets (self, &train, &test, _("run the transfer experiment")))
    return;
  if (!lab_transfer_panel_start (self->transfer, train, test, &error))
    lab_widget_show_error (widget, error);
  update_actions (self);
}

static void
cancel_transfer_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  LabClassifyPage *self = LAB_CLASSIFY_PAGE (widget);

  lab_transfer_panel_cancel (self->transfer);
  update_actions (self);
}

static void
on_transfer_failed (LabClassifyPage  *self,
                    const GError     *error,
                    LabTransferPanel *panel)
{
  update_actions (self);
  if (error != NULL)
    lab_widget_show_error (GTK_WIDGET (self), error);
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  LabClassifyPage *self = LAB_CLASSIFY_PAGE (widget);

  lab_classify_run_cancel (self->run);
  update_actions (self);
}

/* Saved sessions: the runs of the table (borrowed until the window's
 * snapshot), the one selected, and the transfer panel's result (borrowed
 * too). */
static void
lab_classify_page_save_state (LabPage        *page,
                              LabSessionFile *file)
{
  LabClassifyPage *self = LAB_CLASSIFY_PAGE (page);
  JsonObject *state;

  if (self->transfer != NULL)
    file->transfer = (LabTransferResult *) lab_transfer_panel_get_result (self->transfer);
  if (lab_classify_results_get_n (self->results) == 0)
    return;
  for (guint i = 0; i < lab_classify_results_get_n (self->results); i++)
    g_ptr_array_add (file->classify, (gpointer) lab_classify_results_get (self->results, i, NULL));
  state = lab_session_file_get_page_state (file, "classify");
  json_object_set_int_member (state, "selected", lab_classify_results_get_selected (self->results));
}

/* A run fits the test set shown when its images are there, of its size. */
static gboolean
run_fits (const LabClassifyResult *r,
          LabDataset              *test)
{
  if (test == NULL || test->height != r->height || test->width != r->width || test->n_classes != r->n_classes)
    return FALSE;
  for (guint i = 0; i < r->n_test; i++)
    if (r->test_indices[i] >= test->n)
      return FALSE;
  return TRUE;
}

static void
lab_classify_page_restore_state (LabPage        *page,
                                 LabSessionFile *file)
{
  LabClassifyPage *self = LAB_CLASSIFY_PAGE (page);
  LabSession *session = lab_page_get_session (page);
  LabDataset *test = session != NULL ? lab_session_get_test_dataset (session) : NULL;
  gint64 selected = lab_session_state_get_int (lab_session_file_lookup_page_state (file, "classify"),
                                               "selected", -1);
  guint skipped = 0;

  /* Shown as it was: its numbers, curves and matrices are the file's, and
   * it needs none of the images loaded. */
  if (file->transfer != NULL && self->transfer != NULL)
    {
      lab_transfer_panel_set_result (self->transfer, g_steal_pointer (&file->transfer));
      update_actions (self);
    }
  if (file->classify->len == 0)
    return;
  lab_classify_results_clear (self->results);
  for (guint i = 0; i < file->classify->len; i++)
    {
      LabClassifyResult *r = g_ptr_array_index (file->classify, i);

      if (!run_fits (r, test))
        {
          skipped++;
          continue;
        }
      lab_classify_results_add (self->results, g_ptr_array_steal_index (file->classify, i--), test);
    }
  if (selected >= 0 && (guint64) selected < lab_classify_results_get_n (self->results))
    lab_classify_results_select (self->results, (guint) selected);
  if (skipped > 0)
    {
      g_autoptr(GError) error = g_error_new (LAB_ERROR, LAB_ERROR_MISMATCH,
                                             g_dngettext (GETTEXT_PACKAGE,
                                                          "%u classifier run of the session is not shown: its test images are not the ones loaded",
                                                          "%u classifier runs of the session are not shown: their test images are not the ones loaded",
                                                          skipped), skipped);

      lab_widget_show_error (GTK_WIDGET (self), error);
    }
  update_actions (self);
}

static gboolean
shortcut_run (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  /* Only on the page the teacher sees. */
  if (!gtk_widget_get_mapped (widget)
      || !lab_page_get_action_enabled (LAB_PAGE (widget), "page.run-classifier"))
    return FALSE;
  return gtk_widget_activate_action (widget, "page.run-classifier", NULL);
}

void
lab_classify_page_add_panel (LabClassifyPage *self,
                             GtkWidget       *panel,
                             const char      *name,
                             const char      *title)
{
  g_return_if_fail (LAB_IS_CLASSIFY_PAGE (self));

  gtk_stack_add_titled (self->stack, panel, name, title);
}

static void
lab_classify_page_dispose (GObject *object)
{
  LabClassifyPage *self = (LabClassifyPage *)object;
  GtkWidget *child;

  /* The run waits for its worker as it goes. */
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_CLASSIFY_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_classify_page_parent_class)->dispose (object);
}

static void
lab_classify_page_class_init (LabClassifyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_classify_page_dispose;
  LAB_PAGE_CLASS (klass)->save_state = lab_classify_page_save_state;
  LAB_PAGE_CLASS (klass)->restore_state = lab_classify_page_restore_state;

  gtk_widget_class_install_action (widget_class, "page.run-classifier", NULL, run_activated);
  gtk_widget_class_install_action (widget_class, "page.cancel-classifier", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "page.run-transfer", NULL, run_transfer_activated);
  gtk_widget_class_install_action (widget_class, "page.cancel-transfer", NULL,
                                   cancel_transfer_activated);

  g_type_ensure (LAB_TYPE_CLASSIFY_RUN);
  g_type_ensure (LAB_TYPE_CLASSIFY_RESULTS);
  g_type_ensure (LAB_TYPE_CONFUSION_VIEW);
  g_type_ensure (LAB_TYPE_CLASS_BARS);
  g_type_ensure (LAB_TYPE_CELL_IMAGES);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-classify-page.ui");
  gtk_widget_class_set_css_name (widget_class, "classifypage");
  gtk_widget_class_bind_template_child (widget_class, LabClassifyPage, stack);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyPage, run);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyPage, results);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyPage, confusion);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyPage, bars);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyPage, cell_images);
}

static void
on_locked_changed (LabClassifyPage *self)
{
  gboolean locked = lab_page_get_settings_locked (LAB_PAGE (self));

  lab_classify_run_set_locked (self->run, locked);
  if (self->transfer != NULL)
    lab_transfer_panel_set_locked (self->transfer, locked);
}

static void
lab_classify_page_init (LabClassifyPage *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->run, "finished", G_CALLBACK (on_finished), self);
  g_signal_connect_swapped (self->run, "failed", G_CALLBACK (on_failed), self);
  g_signal_connect_swapped (self->results, "selected", G_CALLBACK (on_run_selected), self);
  g_signal_connect_swapped (self->confusion, "cell-activated", G_CALLBACK (on_cell_activated), self);
  lab_confusion_view_set_matrix (self->confusion, _("Confusion matrix: run a classifier"), NULL, 0, NULL);

  self->transfer = LAB_TRANSFER_PANEL (lab_transfer_panel_new ());
  lab_classify_page_add_panel (self, GTK_WIDGET (self->transfer), "transfer", _("Transfer Learning"));
  g_signal_connect_swapped (self->transfer, "finished", G_CALLBACK (update_actions), self);
  g_signal_connect_swapped (self->transfer, "failed", G_CALLBACK (on_transfer_failed), self);

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (shortcut_run, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  g_signal_connect (self, "notify::settings-locked", G_CALLBACK (on_locked_changed), NULL);
  on_locked_changed (self);
  update_actions (self);
}

GtkWidget *
lab_classify_page_new (void)
{
  return g_object_new (LAB_TYPE_CLASSIFY_PAGE, NULL);
}

/* Testing accessors */

LabClassifyRun *
lab_classify_page_get_run (LabClassifyPage *self)
{
  return self->run;
}

LabClassifyResults *
lab_classify_page_get_results (LabClassifyPage *self)
{
  return self->results;
}

LabConfusionView *
lab_classify_page_get_confusion (LabClassifyPage *self)
{
  return self->confusion;
}

LabClassBars *
lab_classify_page_get_bars (LabClassifyPage *self)
{
  return self->bars;
}

LabCellImages *
lab_classify_page_get_cell_images (LabClassifyPage *self)
{
  return self->cell_images;
}

LabTransferPanel *
lab_classify_page_get_transfer (LabClassifyPage *self)
{
  return self->transfer;
}

GtkStack *
lab_classify_page_get_stack (LabClassifyPage *self)
{
  return self->stack;
}
