#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Resource limits for the tests of hostile input. Each aborts the test on
 * an error. */

/* Lowers the address-space limit to what the process maps now plus
 * headroom bytes, so that allocating what a header merely claims fails
 * (and changes the error, or aborts in GLib) instead of passing unseen;
 * lab_test_restore_address_space puts the old limit back. */
void lab_test_limit_address_space   (guint64 headroom);
void lab_test_restore_address_space (void);

G_END_DECLS
