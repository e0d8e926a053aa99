#define G_LOG_DOMAIN "latentlab"

/* The Train page's models: the Model menu (open, save, save the
 * architecture, export as PyTorch, recent models), its file dialogs, and
 * opening and saving safetensors files with their training record. Part of LabTrainPage (its
 * struct is in lab-train-page-private.h). */

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-export-pytorch.h"
#include "lab-file-dialog.h"
#include "lab-model-io.h"
#include "lab-save.h"
#include "lab-task.h"
#include "lab-train-page-private.h"
#include "lab-train-record.h"

/* Recent models remembered in the menu. */
#define MAX_RECENT 8

static void
remember_recent (LabTrainPage *self,
                 const char   *path)
{
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  if (self->settings == NULL || path == NULL)
    return;
  old = g_settings_get_strv (self->settings, "recent-models");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (g_strcmp0 (old[i], path) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-models", (const char * const *) recent);
}

static void
update_recent_menu (LabTrainPage *self)
{
  g_auto(GStrv) recent = NULL;

  g_menu_remove_all (self->recent_section);
  if (self->settings == NULL)
    return;
  recent = g_settings_get_strv (self->settings, "recent-models");
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (recent[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (base, NULL);

      g_menu_item_set_action_and_target_value (item, "page.open-model-file", g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_section, item);
    }
}

/* The loss curves a model file remembers, one point per epoch. */
static void
show_history (LabTrainPage *self,
              LabModel     *model,
              GArray       *train_loss,
              GArray       *val_loss)
{
  LabLinePlot *plot = lab_plot_view_reset (self->loss_plot);
  g_autofree char *y_label = g_strdup_printf (_("loss (%s)"), lab_train_page_loss_title (lab_model_get_loss (model)));

  lab_line_plot_set_labels (plot, _("epoch"), y_label);
  lab_line_plot_set_x_range (plot, 0, MAX (train_loss->len, 1));
  lab_line_plot_add_series (plot, _("training (epoch mean)"), 0, LAB_LINE_STYLE_POINTS);
  lab_line_plot_add_series (plot, _("validation"), 1, LAB_LINE_STYLE_POINTS);
  for (guint i = 0; i < train_loss->len; i++)
    if (isfinite (g_array_index (train_loss, double, i)))
      lab_line_plot_append (plot, LAB_TRAIN_PAGE_SERIES_TRAIN, i + 1, g_array_index (train_loss, double, i));
  for (guint i = 0; i < val_loss->len; i++)
    if (isfinite (g_array_index (val_loss, double, i)))
      lab_line_plot_append (plot, LAB_TRAIN_PAGE_SERIES_VAL, i + 1, g_array_index (val_loss, double, i));
  lab_plot_view_changed (self->loss_plot);
}

gboolean
lab_train_page_open_model (LabTrainPage  *self,
                           GFile         *file,
                           GError       **error)
{
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autofree char *train_json = NULL;
  g_autoptr(LabModel) model = NULL;

  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (lab_page_get_session (LAB_PAGE (self)) != NULL, FALSE);

  path = g_file_get_path (file);
  base = g_file_get_basename (file);
  if (path == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_IO, _("%s: only files on this computer can be opened"), base);
      return FALSE;
    }
  if (self->run != NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   _("%s: stop the training before opening another model"), base);
      return FALSE;
    }

  /* A few MB at most: read here, so a failure is reported at once. */
  model = lab_model_load (path, &train_json, error);
  if (model == NULL)
    return FALSE;
  if (!lab_train_page_show_model (self, g_steal_pointer (&model), train_json, path, error))
    return FALSE;
  remember_recent (self, path);
  return TRUE;
}

gboolean
lab_train_page_show_model (LabTrainPage  *self,
                           LabModel      *model_in,
                           const char    *train_json,
                           const char    *path,
                           GError       **error)
{
  g_autoptr(LabModel) model = model_in;
  g_autoptr(LabTrainRecord) record = NULL;
  g_autoptr(GArray) train_loss = NULL;
  g_autoptr(GArray) val_loss = NULL;
  g_autofree char *base = path != NULL ? g_path_get_basename (path) : g_strdup (lab_model_get_name (model));
  LabSession *session = lab_page_get_session (LAB_PAGE (self));
  LabDataset *train;
  LabTrainConfig config;
  gboolean have_config;
  LabTask task;

  g_return_val_if_fail (session != NULL, FALSE);
  if (self->run != NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   _("%s: stop the training before opening another model"), base);
      return FALSE;
    }
  train = lab_session_get_train_dataset (session);
  if (train != NULL && !lab_task_for (model, train, &task, NULL))
    {
      g_autoptr(GError) fit = NULL;

      lab_task_for (model, train, &task, &fit);
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   _("%s does not fit the dataset shown: %s. The current model is kept."),
                   base, fit->message);
      return FALSE;
    }

  record = train_json != NULL ? lab_train_record_new_from_json (train_json, NULL) : NULL;
  have_config = record != NULL;
  if (have_config)
    config = record->config;
  train_loss = record != NULL && record->train_loss != NULL
               ? g_array_ref (record->train_loss) : g_array_new (FALSE, FALSE, sizeof (double));
  val_loss = record != NULL && record->val_loss != NULL
             ? g_array_ref (record->val_loss) : g_array_new (FALSE, FALSE, sizeof (double));
  lab_arch_chooser_show_spec (self->arch_chooser, lab_model_get_spec (model));
  if (have_config)
    lab_train_settings_set_config (self->train_settings, &config);
  show_history (self, model, train_loss, val_loss);

  lab_session_set_model (session, g_steal_pointer (&model), have_config ? &config : NULL,
                         train_json, path);
  lab_train_page_show_model_status (self);
  if (have_config)
    {
      g_autofree char *noise = lab_noise_to_string (&config.noise);
      g_autofree char *status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                              "%s Trained for %u epoch with noise %s.",
                                                              "%s Trained for %u epochs with noise %s.",
                                                              train_loss->len),
                                                 gtk_label_get_label (self->status_label),
                                                 train_loss->len, noise);

      gtk_label_set_label (self->status_label, status);
    }
  gtk_label_set_label (self->progress_label, "");
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  self->final_loss = NAN;
  lab_train_page_update_continue (self);
  lab_train_page_update_actions (self);
  lab_train_page_refresh_recon (self);
  return TRUE;
}

/* The session's training record as JSON; while training runs, the record
 * so far: the config and the steps (then owned by *owned). */
static const char *
session_train_json (LabSession  *session,
                    char       **owned)
{
  const char *train_json = lab_session_get_train_json (session);

  if (train_json == NULL && lab_session_get_train_config (session) != NULL)
    {
      g_autoptr(LabTrainRecord) record = lab_train_record_new (lab_session_get_train_config (session),
                                                               lab_session_get_dataset_spec (session));

      record->steps = lab_session_get_step (session);
      train_json = *owned = lab_train_record_to_json (record);
    }
  return train_json;
}

gboolean
lab_train_page_save_model (LabTrainPage  *self,
                           GFile         *file,
                           GError       **error)
{
  LabSession *session;
  LabModel *model;
  g_autofree char *path = NULL;
  g_autofree char *record_json = NULL;
  const char *train_json;

  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  session = lab_page_get_session (LAB_PAGE (self));
  model = session != NULL ? lab_session_get_model (session) : NULL;
  if (model == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, _("There is no model to save yet: train one first."));
      return FALSE;
    }
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, LAB_ERROR, LAB_ERROR_IO, _("%s: only files on this computer can be written"), uri);
      return FALSE;
    }

  train_json = session_train_json (session, &record_json);
  if (!lab_model_save (model, path, train_json, error))
    return FALSE;
  lab_session_set_model_path (session, path);
  remember_recent (self, path);
  return TRUE;
}

/* The session's model as PyTorch code at path, its weights beside it
 * (lab-export-pytorch.h): a few hundred lines and the model's weights, as
 * quick to write as Save Model. */
static gboolean
export_pytorch (LabTrainPage  *self,
                const char    *path,
                GError       **error)
{
  LabSession *session = lab_page_get_session (LAB_PAGE (self));
  LabModel *model = session != NULL ? lab_session_get_model (session) : NULL;
  g_autofree char *record_json = NULL;

  if (model == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, _("There is no model to export yet: train one first."));
      return FALSE;
    }
  return lab_export_pytorch (model, session_train_json (session, &record_json),
                             lab_session_get_model_path (session), path, NULL, error);
}

static gboolean
export_chosen (GtkWidget      *owner,
               const char     *path,
               GtkFileChooser *chooser,
               gpointer        user_data,
               GError        **error)
{
  return export_pytorch (LAB_TRAIN_PAGE (owner), path, error);
}

/* page.export-pytorch: a file dialog for the .py (its weights go beside it). */
static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (widget);
  LabSession *session = lab_page_get_session (LAB_PAGE (self));
  LabModel *model = session != NULL ? lab_session_get_model (session) : NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *suggested = g_strconcat (model ? lab_model_get_name (model) : "model", ".py", NULL);
  GtkFileChooser *chooser;

  chooser = lab_file_dialog_new_for_path (widget, GTK_FILE_CHOOSER_ACTION_SAVE,
                                          _("Export as PyTorch Code"), _("_Export"),
                                          export_chosen, NULL, NULL);
  gtk_file_filter_set_name (filter, _("Python files"));
  gtk_file_filter_add_pattern (filter, "*.py");
  gtk_file_chooser_add_filter (chooser, filter);
  gtk_file_chooser_set_current_name (chooser, suggested);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* what: "spec", "save" or "open". */
static void
file_chosen (GtkWidget      *owner,
             GFile          *file,
             GtkFileChooser *chooser,
             gpointer        user_data)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (owner);
  const char *what = user_data;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (what, "spec") == 0)
    {
      g_autoptr(LabSpec) spec = lab_arch_chooser_build_spec (self->arch_chooser);
      g_autofree char *json = spec ? lab_spec_to_string (spec, TRUE) : NULL;
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *uri = g_file_get_uri (file);

      if (json != NULL && path == NULL)
        g_set_error (&error, LAB_ERROR, LAB_ERROR_IO,
                     _("%s: only files on this computer can be written"), uri);
      else if (json != NULL)
        lab_save_contents (path, json, strlen (json), &error);
    }
  else if (g_strcmp0 (what, "save") == 0)
    lab_train_page_save_model (self, file, &error);
  else
    lab_train_page_open_model (self, file, &error);
  if (error != NULL)
    lab_widget_show_error (GTK_WIDGET (self), error);
}

static void
show_chooser (LabTrainPage         *self,
              GtkFileChooserAction  action,
              const char           *what)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  gboolean spec = g_strcmp0 (what, "spec") == 0;
  gboolean save = action == GTK_FILE_CHOOSER_ACTION_SAVE;
  GtkFileChooser *chooser;

  chooser = lab_file_dialog_new (GTK_WIDGET (self), action,
                                 spec ? _("Save the Architecture") : save ? _("Save the Model") : _("Open a Model"),
                                 save ? _("_Save") : _("_Open"),
                                 file_chosen, g_strdup (spec ? "spec" : save ? "save" : "open"), g_free);
  gtk_file_filter_set_name (filter, spec ? _("Architectures (JSON)") : _("Models (safetensors)"));
  gtk_file_filter_add_pattern (filter, spec ? "*.json" : "*.safetensors");
  gtk_file_chooser_add_filter (chooser, filter);
  if (save)
    {
      LabSession *session = lab_page_get_session (LAB_PAGE (self));
      LabModel *model = session != NULL ? lab_session_get_model (session) : NULL;
      g_autoptr(LabSpec) chosen = lab_arch_chooser_build_spec (self->arch_chooser);
      const char *name = spec ? (chosen ? chosen->name : "architecture")
                              : (model ? lab_model_get_name (model) : "model");
      g_autofree char *suggested = g_strconcat (name, spec ? ".json" : ".safetensors", NULL);

      gtk_file_chooser_set_current_name (chooser, suggested);
    }
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* page.save-model, page.open-model, page.save-spec: a file dialog. */
static void
dialog_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  gboolean open = g_str_equal (action_name, "page.open-model");

  show_chooser (LAB_TRAIN_PAGE (widget), open ? GTK_FILE_CHOOSER_ACTION_OPEN : GTK_FILE_CHOOSER_ACTION_SAVE,
                g_str_equal (action_name, "page.save-spec") ? "spec" : "model");
}

/* page.save-model-to (s), page.open-model-file (s), page.export-pytorch-to
 * (s): a path, no dialog. */
static void
path_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (widget);
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (g_variant_get_string (param, NULL));
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_str_equal (action_name, "page.save-model-to"))
    ok = lab_train_page_save_model (self, file, &error);
  else if (g_str_equal (action_name, "page.export-pytorch-to"))
    ok = export_pytorch (self, g_variant_get_string (param, NULL), &error);
  else
    ok = lab_train_page_open_model (self, file, &error);
  if (!ok)
    lab_widget_show_error (GTK_WIDGET (self), error);
}

void
lab_train_page_class_init_models (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "page.save-model", NULL, dialog_activated);
  gtk_widget_class_install_action (widget_class, "page.save-model-to", "s", path_activated);
  gtk_widget_class_install_action (widget_class, "page.open-model", NULL, dialog_activated);
  gtk_widget_class_install_action (widget_class, "page.open-model-file", "s", path_activated);
  gtk_widget_class_install_action (widget_class, "page.save-spec", NULL, dialog_activated);
  gtk_widget_class_install_action (widget_class, "page.export-pytorch", NULL, export_activated);
  gtk_widget_class_install_action (widget_class, "page.export-pytorch-to", "s", path_activated);
}

void
lab_train_page_init_models (LabTrainPage *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) file_section = g_menu_new ();

  /* Model menu: open, save, then the recent files. */
  g_menu_append (file_section, _("_Open Model…"), "page.open-model");
  g_menu_append (file_section, _("_Save Model…"), "page.save-model");
  g_menu_append (file_section, _("Save _Architecture as JSON…"), "page.save-spec");
  g_menu_append (file_section, _("Export as _PyTorch…"), "page.export-pytorch");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (file_section));
  self->recent_section = g_menu_new ();
  g_menu_append_section (menu, _("Recent Models"), G_MENU_MODEL (self->recent_section));
  gtk_menu_button_set_menu_model (self->model_button, G_MENU_MODEL (menu));

  self->settings = lab_application_create_settings ();
  if (self->settings != NULL)
    g_signal_connect_swapped (self->settings, "changed::recent-models",
                              G_CALLBACK (update_recent_menu), self);
  update_recent_menu (self);
}

void
lab_train_page_dispose_models (LabTrainPage *self)
{
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->recent_section);
}
