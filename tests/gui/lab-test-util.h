#pragma once

#include <gtk/gtk.h>

#include "lab-application.h"

G_BEGIN_DECLS

/* Helpers shared by the GUI tests. */

/* Starts a GUI test program: the C locale (counts read "6,000"),
 * gtk_test_init, and the one application the test windows belong to,
 * registered, so its startup has loaded style.css and the shortcuts.
 * The application is borrowed: it lives until lab_test_run returns. */
LabApplication *lab_test_init              (int          *argc,
                                            char       ***argv);
/* g_test_run, then drops the application of lab_test_init. Returns the
 * status for main to return. */
int             lab_test_run               (void);

/* Deletes path: a file, or a folder with all that is in it. */
void            lab_test_remove_tree       (const char   *path);

/* Runs the main loop until done(data) holds; fails the test after
 * timeout_s seconds. A 5 ms timer keeps the loop waking up. */
void            lab_test_spin_until        (gboolean   (*done) (gpointer),
                                            gpointer     data,
                                            double       timeout_s);
/* Runs the main loop for about seconds. */
void            lab_test_spin_for          (double       seconds);

/* Draws window after a few fresh frames and saves it as
 * $G_TEST_BUILDDIR/name (or ./name). n_colors and variance (of the luma)
 * say whether the picture is blank; either may be NULL. Returns the path. */
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

G_END_DECLS
