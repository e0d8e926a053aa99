#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Helpers shared by the GUI tests. */

/* Runs the main loop until done(data) holds; fails the test after
 * timeout_s seconds. A 5 ms timer keeps the loop waking up. */
void     lab_test_spin_until   (gboolean   (*done) (gpointer),
                                gpointer     data,
                                double       timeout_s);
/* Runs the main loop for about seconds. */
void     lab_test_spin_for     (double       seconds);

/* Draws window after a few fresh frames and saves it as
 * $G_TEST_BUILDDIR/name (or ./name). n_colors and variance (of the luma)
 * say whether the picture is blank; either may be NULL. Returns the path. */
char    *lab_test_screenshot   (GtkWidget   *window,
                                const char  *name,
                                guint       *n_colors,
                                double      *variance);

G_END_DECLS
