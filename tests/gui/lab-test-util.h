#pragma once

#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-model.h"
#include "lab-test-system.h"
#include "lab-window.h"

G_BEGIN_DECLS

/* Helpers shared by the GUI tests. */

/* Starts a GUI test program: the C locale (counts read "6,000"),
 * gtk_test_init, and the one application the test windows belong to,
 * registered, so its startup has loaded style.css and the shortcuts.
 * The application is borrowed: it lives until lab_test_run returns. */
LabApplication *lab_test_init              (int          *argc,
                                            char       ***argv);
/* The same in locale ("fr_FR.UTF-8"), numbers and all, which the C
 * library must have (LOCPATH may point at the build's own). */
LabApplication *lab_test_init_in_locale    (int          *argc,
                                            char       ***argv,
                                            const char   *locale);
/* g_test_run, then drops the application of lab_test_init. Returns the
 * status for main to return. */
int             lab_test_run               (void);

/* Runs the main loop until done(data) holds; fails the test after
 * timeout_s seconds. A 5 ms timer keeps the loop waking up. */
void            lab_test_spin_until        (gboolean   (*done) (gpointer),
                                            gpointer     data,
                                            double       timeout_s);
/* Runs the main loop for about seconds. */
void            lab_test_spin_for          (double       seconds);

/* Draws window after a few fresh frames and saves it as dir/name.
 * n_colors and variance (of the luma) say whether the picture is blank;
 * either may be NULL. Returns the path. */
char           *lab_test_screenshot_to     (GtkWidget   *window,
                                            const char  *dir,
                                            const char  *name,
                                            guint       *n_colors,
                                            double      *variance);
/* lab_test_screenshot_to $G_TEST_BUILDDIR (or the current folder). */
char           *lab_test_screenshot        (GtkWidget   *window,
                                            const char  *name,
                                            guint       *n_colors,
                                            double      *variance);
/* lab_test_screenshot, then asserts the picture is not blank: more than
 * min_colors distinct colours and a luma variance above min_variance. */
void            lab_test_assert_screenshot (GtkWidget   *window,
                                            const char  *name,
                                            guint        min_colors,
                                            double       min_variance);

/* Actions as a shortcut or `gapplication action` reaches them: win.<name>
 * of window, which for a page's action (page.<name>) activates the page's.
 * Enabled: the page's own state (window actions are always enabled). */
gboolean        lab_test_action_enabled    (LabWindow   *window,
                                            const char  *name);
/* Asserts the action is there and enabled, then activates it with param
 * (may be NULL; a floating reference is taken). */
void            lab_test_activate          (LabWindow   *window,
                                            const char  *name,
                                            GVariant    *param);
/* The state of a page's stateful action (its property), and a change to
 * value through the action: a boolean one toggles when it differs. */
GVariant       *lab_test_get_state         (LabWindow   *window,
                                            const char  *name);
void            lab_test_change_state      (LabWindow   *window,
                                            const char  *name,
                                            GVariant    *value);
/* Presses accel ("<Control>t") on window as GTK delivers a key press to
 * shortcuts: the first shortcut of the window's shortcut controllers (the
 * application's accelerators, the class's key bindings, and through the
 * window's shortcut manager the managed ones of the widgets inside) whose
 * trigger is that key runs its action on the controller's widget. FALSE
 * when no shortcut has that key or its action did not run. */
gboolean        lab_test_press_accel       (GtkWidget   *window,
                                            const char  *accel);
/* The first widget of type under widget, depth first, that has the CSS
 * class css_class (any, for NULL); NULL when none. */
GtkWidget      *lab_test_find_descendant   (GtkWidget   *widget,
                                            GType        type,
                                            const char  *css_class);

/* A preset (initial weights from seed 5) trained for one epoch over the
 * session's training images (batch 64, Adam 2e-3, no validation), then put
 * into the session as the Train page does when a run ends (transfer none:
 * the session owns it). */
LabModel       *lab_test_train_into_session (LabSession *session,
                                             const char *preset);

G_END_DECLS
