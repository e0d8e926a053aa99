#define G_LOG_DOMAIN "latentlab"

/* The window's ways in: a file from the command line, a drop, the Open
 * and Open Folder dialogs, and win.load-dataset. Models go to the Train
 * page, sessions to lab-window-session.c, datasets to the Data page. */

#include <glib/gi18n.h>

#include "lab-file-dialog.h"
#include "lab-session-file.h"
#include "lab-train-page.h"
#include "lab-window-private.h"

/* A .safetensors file from the command line, a drop or the Open dialog:
 * the Train page loads it (or says why not and keeps the current model). */
static void
lab_window_open_model (LabWindow *self,
                       GFile     *file)
{
  g_autoptr(GError) error = NULL;

  lab_window_set_visible_page (self, "train");
  if (!lab_train_page_open_model (LAB_TRAIN_PAGE (lab_window_get_page (self, "train")), file, &error))
    lab_window_show_error (self, error);
}

void
lab_window_open_file (LabWindow *self,
                      GFile     *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (LAB_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* Something else to show: the last session is not what is wanted. */
  lab_window_offer_restore (self, NULL);
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("%s: only files on this computer can be opened"), uri);
      lab_window_show_message (self, message);
      return;
    }

  if (g_str_has_suffix (path, ".safetensors"))
    {
      lab_window_open_model (self, file);
      return;
    }
  if (g_str_has_suffix (path, LAB_SESSION_FILE_SUFFIX))
    {
      lab_window_open_session (self, path);
      return;
    }

  /* A folder (IDX set or PNGs) or an IDX file. */
  lab_window_set_visible_page (self, "data");
  lab_data_page_load_spec (lab_window_get_data_page (self), path);
}

void
lab_window_load_dataset (LabWindow  *self,
                         const char *spec)
{
  g_return_if_fail (LAB_IS_WINDOW (self));
  g_return_if_fail (spec != NULL);

  lab_window_set_visible_page (self, "data");
  lab_data_page_load_spec (lab_window_get_data_page (self), spec);
}

LabDataset *
lab_window_get_dataset (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);

  return lab_data_page_get_dataset (lab_window_get_data_page (self));
}

static void
file_chosen (GtkWidget      *owner,
             GFile          *file,
             GtkFileChooser *chooser,
             gpointer        user_data)
{
  lab_window_open_file (LAB_WINDOW (owner), file);
}

static void
show_file_chooser (LabWindow            *self,
                   GtkFileChooserAction  action)
{
  g_autoptr(GtkFileFilter) supported = NULL;
  g_autoptr(GtkFileFilter) all = NULL;
  gboolean folder = action == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER;
  GtkFileChooser *chooser;

  chooser = lab_file_dialog_new (GTK_WIDGET (self), action,
                                 folder ? _("Open a Dataset Folder") : _("Open a Dataset or Model File"),
                                 _("_Open"), file_chosen, NULL, NULL);

  if (!folder)
    {
      supported = gtk_file_filter_new ();
      gtk_file_filter_set_name (supported, _("IDX images, models and sessions"));
      gtk_file_filter_add_pattern (supported, "*-ubyte");
      gtk_file_filter_add_pattern (supported, "*-ubyte.gz");
      gtk_file_filter_add_pattern (supported, "*.idx");
      gtk_file_filter_add_pattern (supported, "*.idx.gz");
      gtk_file_filter_add_pattern (supported, "*.safetensors");
      gtk_file_filter_add_pattern (supported, "*" LAB_SESSION_FILE_SUFFIX);
      gtk_file_chooser_add_filter (chooser, supported);

      all = gtk_file_filter_new ();
      gtk_file_filter_set_name (all, _("All files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (chooser, all);
    }
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         LabWindow     *self)
{
  GFile *file = NULL;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      /* Several files: the first decides (an IDX file finds its labels). */
      file = files != NULL ? files->data : NULL;
      g_slist_free (files);
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);

  if (file == NULL)
    return FALSE;
  lab_window_open_file (self, file);
  return TRUE;
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  show_file_chooser (LAB_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  show_file_chooser (LAB_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
}

static void
load_dataset_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  lab_window_load_dataset (LAB_WINDOW (widget), g_variant_get_string (param, NULL));
}

void
lab_window_class_init_open (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.load-dataset", "s", load_dataset_action);
}

void
lab_window_init_open (LabWindow *self)
{
  GType drop_types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };
  GtkDropTarget *drop_target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);

  gtk_drop_target_set_gtypes (drop_target, drop_types, G_N_ELEMENTS (drop_types));
  g_signal_connect (drop_target, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));
}
