#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The app's file dialogs: a modal GtkFileChooserNative over the window of
 * the widget that asks (its owner), at most one per owner (a new one
 * replaces the one still up). The dialog belongs to its owner and goes
 * with it, so no dispose has to close it; the callback runs only with a
 * file chosen and the owner still there. */

/* Main thread, once, when a file was chosen. */
typedef void (*LabFileDialogFunc) (GtkWidget *owner,
                                   GFile     *file,
                                   gpointer   user_data);

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
/* The owner's dialog while it is up, or NULL (transfer none). */
GtkFileChooser *lab_file_dialog_get      (GtkWidget            *owner);

G_END_DECLS
