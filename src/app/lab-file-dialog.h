#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The app's file dialogs: a modal GtkFileChooserNative over the window of
 * the widget that asks (its owner), at most one per owner (a new one
 * replaces the one still up). The dialog belongs to its owner and goes
 * with it, so no dispose has to close it; the callback runs only with a
 * file chosen and the owner still there. */

/* Main thread, once, when a file was chosen; chooser (its choices) is
 * valid during the call. */
typedef void (*LabFileDialogFunc) (GtkWidget      *owner,
                                   GFile          *file,
                                   GtkFileChooser *chooser,
                                   gpointer        user_data);

/* For a dialog that writes or reads a local file: the file's path; FALSE
 * with error to have it shown in the window's banner (win.show-error). */
typedef gboolean (*LabFileDialogPathFunc) (GtkWidget      *owner,
                                           const char     *path,
                                           GtkFileChooser *chooser,
                                           gpointer        user_data,
                                           GError        **error);

/* Makes the dialog; add filters or a name to it, then show it with
 * gtk_native_dialog_show(). user_data is freed with destroy when the
 * dialog goes (transfer none of the chooser). */
GtkFileChooser *lab_file_dialog_new      (GtkWidget            *owner,
                                          GtkFileChooserAction  action,
                                          const char           *title,
                                          const char           *accept_label,
                                          LabFileDialogFunc     func,
                                          gpointer              user_data,
                                          GDestroyNotify        destroy);
/* The same with a path function: a file that is not local, or func's
 * error, goes to the banner. */
GtkFileChooser *lab_file_dialog_new_for_path (GtkWidget            *owner,
                                              GtkFileChooserAction  action,
                                              const char           *title,
                                              const char           *accept_label,
                                              LabFileDialogPathFunc func,
                                              gpointer              user_data,
                                              GDestroyNotify        destroy);
/* The owner's dialog while it is up, or NULL (transfer none). */
GtkFileChooser *lab_file_dialog_get      (GtkWidget            *owner);

G_END_DECLS
