#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Resource limits and temporary folders for the tests of hostile input
 * and faults. Each aborts the test on an error. */

/* Lowers the address-space limit to what the process maps now plus
 * headroom bytes, so that allocating what a header merely claims fails
 * (and changes the error, or aborts in GLib) instead of passing unseen;
 * lab_test_restore_address_space puts the old limit back. */
void lab_test_limit_address_space   (guint64 headroom);
void lab_test_restore_address_space (void);

/* Points TMPDIR at a new folder of this process's own, to be called first
 * in main (before GLib reads TMPDIR), and removes that folder with all the
 * test left in it when the process exits: a test run leaves nothing in
 * /tmp. A test that aborts leaves it, for a look at what it left. */
void    lab_test_private_tmpdir     (void);
/* Removes path: a file, or a folder with everything under it. */
void    lab_test_remove_tree        (const char *path);
/* The names in dir, sorted, joined by spaces: what a failed save must
 * leave as it was. */
char   *lab_test_list_dir           (const char *dir);
/* Every file under dir, one line each, sorted: its path under dir, its
 * size and its SHA-256; folders as "path/". Two snapshots are equal when
 * the trees hold the same files byte for byte. */
char   *lab_test_snapshot_tree      (const char *dir);
/* The whole file. */
GBytes *lab_test_read_file          (const char *path);
/* Writes name inside dir: len bytes of contents (-1: a string). */
void    lab_test_write_file         (const char *dir,
                                     const char *name,
                                     const void *contents,
                                     gssize      len);

/* For the tests that run in a user's locale (LC_ALL, LANGUAGE and
 * LATENTLAB_LOCALEDIR from tests/meson.build): the locale as the programs
 * take it (lab_format_init_locale) and the build tree's catalogues. Without
 * the locale nothing such a test checks means anything: it fails and says
 * so, rather than pass in "C". */
void    lab_test_user_locale        (void);

G_END_DECLS
