#define G_LOG_DOMAIN "latentlab-core"

#include "lab-save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

struct _LabSave
{
  char *path;
  char *tmp;      /* the temporary file beside path */
  char *name;     /* path's base name, for messages */
  char *failure;  /* the first failure, NULL while all is well */
  int   fd;       /* -1 once closed */
};

/* "NAME" + ".XXXXXX" (g_mkstemp's letters and digits) + ".part". */
#define TMP_SUFFIX ".part"
#define TMP_RANDOM 6

static void
set_save_error (GError     **error,
                const char  *name,
                const char  *reason)
{
  g_set_error (error, LAB_ERROR, LAB_ERROR_IO, "%s: cannot save (%s)", name, reason);
}

LabSave *
lab_save_begin (const char  *path,
                GError     **error)
{
  LabSave *self;
  int saved;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_new0 (LabSave, 1);
  self->path = g_strdup (path);
  self->tmp = g_strdup_printf ("%s.XXXXXX" TMP_SUFFIX, path);
  self->name = g_path_get_basename (path);
  self->fd = g_mkstemp_full (self->tmp, O_WRONLY | O_CLOEXEC, 0666);
  saved = errno;
  if (self->fd < 0)
    {
      set_save_error (error, self->name, g_strerror (saved));
      /* Nothing was created: only the bookkeeping goes. */
      g_clear_pointer (&self->tmp, g_free);
      lab_save_abandon (self);
      return NULL;
    }
  /* Held until the file is closed or the process ends: what tells another
   * save that this temporary file is not stale. A file system without
   * flock makes every temporary file look held, so none is removed. */
  flock (self->fd, LOCK_EX | LOCK_NB);
  return self;
}

gboolean
lab_save_write (LabSave    *self,
                const void *data,
                gsize       len)
{
  const char *p = data;

  while (self->failure == NULL && len > 0)
    {
      gssize n = write (self->fd, p, MIN (len, (gsize) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          /* n == 0 cannot happen for a regular file; say so if it does. */
          lab_save_fail (self, g_strdup (n < 0 ? g_strerror (errno) : "nothing was written"));
          break;
        }
      p += n;
      len -= (gsize) n;
    }
  return self->failure == NULL;
}

void
lab_save_fail (LabSave *self,
               char    *reason)
{
  if (self->failure == NULL)
    self->failure = reason;
  else
    g_free (reason);
}

void
lab_save_abandon (LabSave *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  if (self->tmp != NULL)
    g_unlink (self->tmp);
  g_free (self->path);
  g_free (self->tmp);
  g_free (self->name);
  g_free (self->failure);
  g_free (self);
}

gboolean
lab_save_check (LabSave  *self,
                GError  **error)
{
  if (self->failure == NULL)
    return TRUE;
  set_save_error (error, self->name, self->failure);
  return FALSE;
}

/* Synced and closed, not yet renamed: FALSE on any failure so far. */
static gboolean
save_finish (LabSave *self)
{
  int fd = self->fd;

  if (fd < 0)
    return self->failure == NULL;
  /* fsync before the rename: after a power cut the name holds either the
   * old file or the whole new one. */
  if (self->failure == NULL && fsync (fd) != 0 && errno != EINVAL)
    lab_save_fail (self, g_strdup (g_strerror (errno)));
  self->fd = -1;
  if (close (fd) != 0 && self->failure == NULL)
    lab_save_fail (self, g_strdup (g_strerror (errno)));
  return self->failure == NULL;
}

/* Renames a finished save over its path, then removes the stale
 * temporary files of its pattern when clean; frees it either way. */
static gboolean
save_rename (LabSave   *self,
             gboolean   clean,
             GError   **error)
{
  if (self->failure == NULL && g_rename (self->tmp, self->path) != 0)
    lab_save_fail (self, g_strdup (g_strerror (errno)));
  if (!lab_save_check (self, error))
    {
      lab_save_abandon (self);
      return FALSE;
    }
  g_clear_pointer (&self->tmp, g_free);   /* it is path now */
  if (clean)
    lab_save_remove_stale (self->path);
  lab_save_abandon (self);
  return TRUE;
}

gboolean
lab_save_commit (LabSave  *self,
                 GError  **error)
{
  save_finish (self);
  return save_rename (self, TRUE, error);
}

/* A new name beside path of the temporary files' pattern, free when
 * made (NULL when none can be made). */
static char *
free_name_beside (const char *path)
{
  char *name = g_strdup_printf ("%s.XXXXXX" TMP_SUFFIX, path);
  int fd = g_mkstemp_full (name, O_WRONLY | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      g_free (name);
      return NULL;
    }
  close (fd);
  g_unlink (name);
  return name;
}

gboolean
lab_save_commit_pair (LabSave  *first,
                      LabSave  *last,
                      GError  **error)
{
  gboolean ok_first = save_finish (first);
  gboolean ok_last = save_finish (last);
  g_autofree char *first_path = g_strdup (first->path);
  g_autofree char *old_first = NULL;
  gboolean had_first;

  if (!ok_first || !ok_last)
    {
      lab_save_check (ok_first ? last : first, error);
      lab_save_abandon (first);
      lab_save_abandon (last);
      return FALSE;
    }
  /* The previous first file keeps a second name until the last one is in
   * place, so a last rename that fails (its name taken by a folder) puts
   * it back. Without hard links (FAT) there is no second name: then only
   * such a failure can leave the new first file beside the old last. */
  had_first = g_file_test (first_path, G_FILE_TEST_IS_REGULAR);
  if (had_first && (old_first = free_name_beside (first_path)) != NULL
      && link (first_path, old_first) != 0)
    g_clear_pointer (&old_first, g_free);
  /* Not cleaned before the end: the second name would look stale. */
  if (!save_rename (first, FALSE, error))
    {
      lab_save_abandon (last);
      if (old_first != NULL)
        g_unlink (old_first);
      return FALSE;
    }
  if (!save_rename (last, TRUE, error))
    {
      if (old_first != NULL)
        g_rename (old_first, first_path);
      else if (!had_first)
        g_unlink (first_path);
      return FALSE;
    }
  if (old_first != NULL)
    g_unlink (old_first);
  lab_save_remove_stale (first_path);
  return TRUE;
}

/* name is base + ".XXXXXX" + TMP_SUFFIX, X a letter or a digit. */
static gboolean
is_temporary_of (const char *name,
                 const char *base)
{
  gsize len = strlen (base);

  if (strlen (name) != len + 1 + TMP_RANDOM + strlen (TMP_SUFFIX)
      || strncmp (name, base, len) != 0 || name[len] != '.'
      || strcmp (name + len + 1 + TMP_RANDOM, TMP_SUFFIX) != 0)
    return FALSE;
  for (guint i = 0; i < TMP_RANDOM; i++)
    if (!g_ascii_isalnum (name[len + 1 + i]))
      return FALSE;
  return TRUE;
}

int
lab_save_take_stale (const char *path,
                     gint64      now)
{
  GStatBuf st, held;
  int fd;

  if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode)
      || now - (gint64) st.st_mtime <= LAB_SAVE_STALE_SECONDS)
    return -1;
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0);
  if (fd < 0)
    return -1;
  /* Still the same file once locked: no save can take it now. */
  if (flock (fd, LOCK_EX | LOCK_NB) == 0 && fstat (fd, &held) == 0
      && held.st_ino == st.st_ino && held.st_dev == st.st_dev)
    return fd;
  close (fd);
  return -1;
}

/* Removes path when it is stale (above). */
static gboolean
remove_if_stale (const char *path,
                 gint64      now)
{
  int fd = lab_save_take_stale (path, now);
  gboolean removed;

  if (fd < 0)
    return FALSE;
  removed = g_unlink (path) == 0;
  close (fd);
  return removed;
}

guint
lab_save_remove_stale (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;
  guint n = 0;

  if (d == NULL)
    return 0;
  while ((name = g_dir_read_name (d)) != NULL)
    if (is_temporary_of (name, base))
      {
        g_autofree char *full = g_build_filename (dir, name, NULL);

        n += remove_if_stale (full, now);
      }
  return n;
}

gboolean
lab_save_contents (const char  *path,
                   const void  *data,
                   gsize        len,
                   GError     **error)
{
  LabSave *save = lab_save_begin (path, error);

  if (save == NULL)
    return FALSE;
  lab_save_write (save, data, len);
  return lab_save_commit (save, error);
}
