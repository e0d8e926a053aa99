#define G_LOG_DOMAIN "latentlab"

#include <glib/gi18n.h>

#include "lab-error.h"
#include "lab-file-dialog.h"
#include "lab-page.h"

#define DIALOG_KEY "lab-file-dialog"

/* Stored on the owner; freed when the dialog answers, is replaced, or the
 * owner is destroyed. */
typedef struct
{
  GtkFileChooserNative *dialog;
  GtkWidget            *owner;       /* borrowed: the data is the owner's */
  LabFileDialogFunc     func;
  LabFileDialogPathFunc path_func;
  gpointer              user_data;
  GDestroyNotify        destroy;
  gulong                destroy_id;
} FileDialog;

static void
file_dialog_free (gpointer data)
{
  FileDialog *fd = data;

  g_signal_handlers_disconnect_by_data (fd->dialog, fd);
  g_clear_signal_handler (&fd->destroy_id, fd->owner);
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (fd->dialog));
  g_object_unref (fd->dialog);
  if (fd->destroy != NULL && fd->user_data != NULL)
    fd->destroy (fd->user_data);
  g_free (fd);
}

static void
on_owner_destroy (GtkWidget *owner)
{
  g_object_set_data (G_OBJECT (owner), DIALOG_KEY, NULL);
}

static void
on_response (GtkNativeDialog *dialog,
             int              response,
             FileDialog      *fd)
{
  g_autoptr(GtkWidget) owner = g_object_ref (fd->owner);
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  /* Off the owner before the callback, so it may open the next dialog;
   * freed after it, so the chooser's choices can be read. */
  g_object_steal_data (G_OBJECT (owner), DIALOG_KEY);
  if (file != NULL && fd->func != NULL)
    fd->func (owner, file, GTK_FILE_CHOOSER (dialog), fd->user_data);
  if (file != NULL && fd->path_func != NULL)
    {
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        g_set_error (&error, LAB_ERROR, LAB_ERROR_IO, _("%s: only files on this computer can be used here"),
                     g_file_peek_path (file) != NULL ? g_file_peek_path (file) : "?");
      else
        fd->path_func (owner, path, GTK_FILE_CHOOSER (dialog), fd->user_data, &error);
      if (error != NULL)
        lab_widget_show_error (owner, error);
    }
  file_dialog_free (fd);
}

GtkFileChooser *
lab_file_dialog_new (GtkWidget            *owner,
                     GtkFileChooserAction  action,
                     const char           *title,
                     const char           *accept_label,
                     LabFileDialogFunc     func,
                     gpointer              user_data,
                     GDestroyNotify        destroy)
{
  GtkRoot *root;
  FileDialog *fd;

  g_return_val_if_fail (GTK_IS_WIDGET (owner), NULL);

  g_object_set_data (G_OBJECT (owner), DIALOG_KEY, NULL);
  root = gtk_widget_get_root (owner);
  fd = g_new0 (FileDialog, 1);
  fd->owner = owner;
  fd->func = func;
  fd->user_data = user_data;
  fd->destroy = destroy;
  fd->dialog = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                            action, accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (fd->dialog), TRUE);
  g_signal_connect (fd->dialog, "response", G_CALLBACK (on_response), fd);
  fd->destroy_id = g_signal_connect (owner, "destroy", G_CALLBACK (on_owner_destroy), NULL);
  g_object_set_data_full (G_OBJECT (owner), DIALOG_KEY, fd, file_dialog_free);
  return GTK_FILE_CHOOSER (fd->dialog);
}

GtkFileChooser *
lab_file_dialog_new_for_path (GtkWidget             *owner,
                              GtkFileChooserAction   action,
                              const char            *title,
                              const char            *accept_label,
                              LabFileDialogPathFunc  func,
                              gpointer               user_data,
                              GDestroyNotify         destroy)
{
  GtkFileChooser *chooser;
  FileDialog *fd;

  g_return_val_if_fail (func != NULL, NULL);

  chooser = lab_file_dialog_new (owner, action, title, accept_label, NULL, user_data, destroy);
  fd = g_object_get_data (G_OBJECT (owner), DIALOG_KEY);
  fd->path_func = func;
  return chooser;
}

GtkFileChooser *
lab_file_dialog_get (GtkWidget *owner)
{
  FileDialog *fd;

  g_return_val_if_fail (GTK_IS_WIDGET (owner), NULL);

  fd = g_object_get_data (G_OBJECT (owner), DIALOG_KEY);
  return fd != NULL ? GTK_FILE_CHOOSER (fd->dialog) : NULL;
}
