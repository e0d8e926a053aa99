#define G_LOG_DOMAIN "latentlab-core"
#define _GNU_SOURCE   /* renameat2 */

#include "lab-save-folder.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lab-save.h"   /* lab_save_take_stale */

struct _LabSaveFolder
{
  char *path;
  char *dir;    /* PATH.partial-XXXXXX, NULL once in place or removed */
  char *lock;   /* dir + LAB_SAVE_FOLDER_LOCK */
  int   fd;     /* lock, locked; -1 when not open */
};

#define PARTIAL ".partial-"
#define PARTIAL_RANDOM 6   /* g_mkstemp's letters and digits */

static void
set_folder_error (GError     **error,
                  const char  *dir,
                  int          saved)
{
  g_set_error (error, LAB_ERROR, LAB_ERROR_IO, "%s: cannot create the folder (%s)",
               dir, g_strerror (saved));
}

LabSaveFolder *
lab_save_folder_begin (const char  *path,
                       GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *dir = NULL;
  LabSaveFolder *self;

  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      set_folder_error (error, parent, errno);
      return NULL;
    }
  self = g_new0 (LabSaveFolder, 1);
  self->path = g_strdup (path);
  /* The lock file first, locked a moment after it is made (a lock file
   * younger than LAB_SAVE_STALE_SECONDS is never taken for stale), then
   * the folder of its name: a process killed at any point leaves nothing
   * that the next commit cannot tell for its own and stale. */
  self->lock = g_strconcat (path, PARTIAL "XXXXXX" LAB_SAVE_FOLDER_LOCK, NULL);
  self->fd = g_mkstemp_full (self->lock, O_WRONLY | O_CLOEXEC, 0600);
  if (self->fd < 0 || flock (self->fd, LOCK_EX) != 0)
    {
      set_folder_error (error, self->lock, errno);
      lab_save_folder_abandon (self);
      return NULL;
    }
  dir = g_strndup (self->lock, strlen (self->lock) - strlen (LAB_SAVE_FOLDER_LOCK));
  if (g_mkdir (dir, 0700) != 0)
    {
      set_folder_error (error, dir, errno);
      lab_save_folder_abandon (self);
      return NULL;
    }
  self->dir = g_steal_pointer (&dir);
  return self;
}

const char *
lab_save_folder_get_dir (LabSaveFolder *self)
{
  return self->dir;
}

/* Removes what dir holds now (the new folder, or after a swap the old
 * one), then its lock file: a process killed in the middle leaves the
 * lock file for the next commit to find. Frees self. */
static void
folder_finish (LabSaveFolder *self)
{
  lab_save_remove_tree (self->dir);
  if (self->fd >= 0)
    {
      g_unlink (self->lock);
      close (self->fd);
    }
  g_free (self->path);
  g_free (self->dir);
  g_free (self->lock);
  g_free (self);
}

void
lab_save_folder_abandon (LabSaveFolder *self)
{
  if (self != NULL)
    folder_finish (self);
}

/* Puts dir in path's place, dir then holding the old folder or nothing;
 * on a failure everything is as before and errno says why. */
static gboolean
swap_in (const char *dir,
         const char *path)
{
  g_autofree char *old = NULL;
  int saved;

  /* The two swapped in one step, so that path is never missing, not even
   * to a process killed in the middle. */
  if (renameat2 (AT_FDCWD, dir, AT_FDCWD, path, RENAME_EXCHANGE) == 0)
    return TRUE;
  /* Nothing at path yet (ENOENT), or a file system that cannot swap
   * (EINVAL): the old folder aside (a free name, made and removed), the
   * new one in, the old one gone. */
  if (errno != ENOENT && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      old = g_strconcat (path, ".old-XXXXXX", NULL);
      if (g_mkdtemp (old) == NULL || g_rmdir (old) != 0 || g_rename (path, old) != 0)
        return FALSE;
    }
  if (g_rename (dir, path) != 0)
    {
      saved = errno;
      if (old != NULL)
        g_rename (old, path);
      errno = saved;
      return FALSE;
    }
  lab_save_remove_tree (old);
  return TRUE;
}

gboolean
lab_save_folder_commit (LabSaveFolder  *self,
                        GError        **error)
{
  g_autofree char *path = g_strdup (self->path);
  int saved;

  if (!swap_in (self->dir, path))
    {
      saved = errno;
      g_set_error (error, LAB_ERROR, LAB_ERROR_IO, "%s: cannot put the folder in place (%s)",
                   path, g_strerror (saved));
      folder_finish (self);
      return FALSE;
    }
  folder_finish (self);
  lab_save_folder_remove_stale (path);
  return TRUE;
}

/* name is "BASE.partial-XXXXXX" + LAB_SAVE_FOLDER_LOCK, X a letter or a
 * digit. */
static gboolean
is_lock_name (const char *name)
{
  gsize len = strlen (name), tail = strlen (PARTIAL) + PARTIAL_RANDOM + strlen (LAB_SAVE_FOLDER_LOCK);
  const char *at = name + len - tail;

  if (len <= tail || strncmp (at, PARTIAL, strlen (PARTIAL)) != 0
      || strcmp (name + len - strlen (LAB_SAVE_FOLDER_LOCK), LAB_SAVE_FOLDER_LOCK) != 0)
    return FALSE;
  for (guint i = 0; i < PARTIAL_RANDOM; i++)
    if (!g_ascii_isalnum (at[strlen (PARTIAL) + i]))
      return FALSE;
  return TRUE;
}

/* Removes the folder of the lock file lock, and then lock, when lock is
 * stale (lab_save_take_stale). */
static gboolean
remove_if_stale (const char *lock,
                 gint64      now)
{
  g_autofree char *dir = g_strndup (lock, strlen (lock) - strlen (LAB_SAVE_FOLDER_LOCK));
  int fd = lab_save_take_stale (lock, now);
  gboolean removed;

  if (fd < 0)
    return FALSE;
  lab_save_remove_tree (dir);
  removed = g_unlink (lock) == 0;
  close (fd);
  return removed;
}

guint
lab_save_folder_remove_stale (const char *path)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GDir) d = g_dir_open (parent, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;
  guint n = 0;

  while (d && (name = g_dir_read_name (d)) != NULL)
    if (is_lock_name (name))
      {
        g_autofree char *full = g_build_filename (parent, name, NULL);

        n += remove_if_stale (full, now);
      }
  return n;
}

void
lab_save_remove_tree (const char *path)
{
  g_autoptr(GDir) d = NULL;
  const char *leaf;

  if (path == NULL)
    return;
  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_unlink (path);
      return;
    }
  d = g_dir_open (path, 0, NULL);
  while (d && (leaf = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, leaf, NULL);

      lab_save_remove_tree (child);
    }
  g_rmdir (path);
}
