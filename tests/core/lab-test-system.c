#include "lab-test-system.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lab-format.h"

static struct rlimit saved_as;

void
lab_test_limit_address_space (guint64 headroom)
{
  g_autofree char *status = NULL;
  const char *vm;
  struct rlimit limit;
  guint64 used_kib;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  vm = strstr (status, "VmSize:");
  g_assert_nonnull (vm);
  used_kib = g_ascii_strtoull (vm + 7, NULL, 10);
  g_assert_cmpint (getrlimit (RLIMIT_AS, &saved_as), ==, 0);
  limit = saved_as;
  limit.rlim_cur = (used_kib << 10) + headroom;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_cur > limit.rlim_max)
    limit.rlim_cur = limit.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_AS, &limit), ==, 0);
}

void
lab_test_restore_address_space (void)
{
  g_assert_cmpint (setrlimit (RLIMIT_AS, &saved_as), ==, 0);
}

static char *private_tmpdir;

static void
remove_private_tmpdir (void)
{
  lab_test_remove_tree (private_tmpdir);
  g_clear_pointer (&private_tmpdir, g_free);
}

void
lab_test_private_tmpdir (void)
{
  const char *base = g_getenv ("TMPDIR");
  char *dir = g_build_filename (base && *base ? base : "/tmp", "latentlab-test-XXXXXX", NULL);

  g_assert_null (private_tmpdir);
  if (g_mkdtemp (dir) == NULL)
    g_error ("%s: %s", dir, g_strerror (errno));
  g_setenv ("TMPDIR", dir, TRUE);
  private_tmpdir = dir;
  atexit (remove_private_tmpdir);
}

void
lab_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  /* A file, or a link (never followed out of the tree). */
  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_remove (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      lab_test_remove_tree (child);
    }
  g_rmdir (path);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char *
lab_test_list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
snapshot_into (const char *root,
               const char *rel,
               GPtrArray  *lines)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GBytes) bytes = lab_test_read_file (path);
      g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

      g_ptr_array_add (lines, g_strdup_printf ("%s %" G_GSIZE_FORMAT " %s", rel,
                                               g_bytes_get_size (bytes), sum));
      return;
    }
  if (*rel != '\0')
    g_ptr_array_add (lines, g_strconcat (rel, "/", NULL));
  d = g_dir_open (path, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = *rel != '\0' ? g_build_filename (rel, name, NULL) : g_strdup (name);

      snapshot_into (root, child, lines);
    }
}

char *
lab_test_snapshot_tree (const char *dir)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  snapshot_into (dir, "", lines);
  g_ptr_array_sort (lines, compare_names);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

GBytes *
lab_test_read_file (const char *path)
{
  char *contents;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_bytes_new_take (contents, len);
}

void
lab_test_write_file (const char *dir,
                     const char *name,
                     const void *contents,
                     gssize      len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, len, NULL));
}

void
lab_test_user_locale (void)
{
  if (!lab_format_init_locale ())
    g_error ("the locale %s is not available to the C library (LOCPATH=%s): tests/make-locales.sh "
             "compiles it with localedef, which needs the Debian package locales (build-aux/setup "
             "installs it)", g_getenv ("LC_ALL"), g_getenv ("LOCPATH"));
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("LATENTLAB_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
