#pragma once

#include <gtk/gtk.h>

#include "lab-session.h"
#include "lab-session-file.h"

G_BEGIN_DECLS

/* What every sidebar page is (Data, Train, Denoise, Latent, ...): a widget
 * that shows the window's LabSession and reacts to it.
 *
 * Session: the "session" property, set by the window. LabPage watches it
 * through a GSignalGroup and calls the class's virtual methods for the
 * session's signals; a page never connects to the session by hand. A new
 * session counts as new datasets and a new model: datasets_changed and
 * model_changed run right after it is set (not for NULL). For the session's
 * other signals and notifications (notify::ready, notify::training) a page
 * connects to lab_page_get_session_signals() in its init.
 *
 * Actions: a page installs its own in class_init with
 * gtk_widget_class_install_action() or
 * gtk_widget_class_install_property_action(), named "page.<name>"; its own
 * templates use those names. The window gives each of them a twin,
 * "win.<name>", that activates the page's, so application accelerators
 * ("win.train" is Ctrl+T), the help overlay and `gapplication action`
 * reach a page whichever page is shown. Names are unique across pages.
 * A page enables and disables its actions with lab_page_set_action_enabled
 * (gtk_widget_action_set_enabled() plus a record a test can read back).
 *
 * Saved sessions (lab-session-file.h): save_state puts what the page shows
 * into the file, its own settings in lab_session_file_get_page_state (file,
 * <page name>) and its big results in the file's typed members (borrowed:
 * the file is a borrowing one, copied before the page runs again);
 * restore_state shows them again (the page may take what it uses out of
 * the file). The window calls them in the order of its pages, after the
 * session's datasets are the file's (or known missing), so Train's restore
 * (which sets the model) comes before the pages that show the model's work.
 *
 * Locked settings: "settings-locked" follows the GSettings key
 * lock-settings (the main menu's Lock the Demo's Settings). A page makes
 * the controls that change a prepared demo (an architecture, the Advanced
 * expander's settings) insensitive then, with lab_page_bind_unlocked();
 * running, showing and opening still work.
 *
 * Errors: lab_widget_show_error() activates "win.show-error" with the
 * message, so a page (or any widget in one) never knows the window's type. */
#define LAB_TYPE_PAGE (lab_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (LabPage, lab_page, LAB, PAGE, GtkWidget)

struct _LabPageClass
{
  GtkWidgetClass parent_class;

  /* The session's datasets-changed, model-changed and weights-published. */
  void (*datasets_changed)  (LabPage *self);
  void (*model_changed)     (LabPage *self);
  void (*weights_published) (LabPage *self);

  /* Sessions (see above); both may be NULL. */
  void (*save_state)        (LabPage        *self,
                             LabSessionFile *file);
  void (*restore_state)     (LabPage        *self,
                             LabSessionFile *file);

  /*< private >*/
  gpointer padding[6];
};

/* The prefix of a page's actions, and of their twins on the window. */
#define LAB_PAGE_ACTION_PREFIX "page."

/* NULL until the window sets one (transfer none). */
LabSession   *lab_page_get_session         (LabPage    *self);
void          lab_page_set_session         (LabPage    *self,
                                            LabSession *session);
/* The group whose target is the session, for the signals the virtual
 * methods do not cover (transfer none). */
GSignalGroup *lab_page_get_session_signals (LabPage    *self);

/* The class's save_state and restore_state, when it has them. */
void          lab_page_save_state          (LabPage        *self,
                                            LabSessionFile *file);
void          lab_page_restore_state       (LabPage        *self,
                                            LabSessionFile *file);

/* action_name: "page.<name>", one of the class's actions. */
void          lab_page_set_action_enabled  (LabPage    *self,
                                            const char *action_name,
                                            gboolean    enabled);
gboolean      lab_page_get_action_enabled  (LabPage    *self,
                                            const char *action_name);

gboolean      lab_page_get_settings_locked (LabPage    *self);
/* widget is sensitive while the settings are not locked. */
void          lab_page_bind_unlocked       (LabPage    *self,
                                            GtkWidget  *widget);

/* Shows error in the banner of the window that holds widget (through
 * win.show-error), or logs it when widget is in no window (yet). */
void          lab_widget_show_error        (GtkWidget    *widget,
                                            const GError *error);

G_END_DECLS
