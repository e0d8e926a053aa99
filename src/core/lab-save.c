#define G_LOG_DOMAIN "latentlab-core"

#include "lab-save.h"

#include <errno.h>
#include <fcntl.h>
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
  self->tmp = g_strdup_printf ("%s.XXXXXX", path);
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
lab_save_commit (LabSave  *self,
                 GError  **error)
{
  int fd = self->fd;

  /* fsync before the rename: after a power cut the name holds either the
   * old file or the whole new one. */
  if (self->failure == NULL && fsync (fd) != 0 && errno != EINVAL)
    lab_save_fail (self, g_strdup (g_strerror (errno)));
  self->fd = -1;
  if (close (fd) != 0 && self->failure == NULL)
    lab_save_fail (self, g_strdup (g_strerror (errno)));
  if (self->failure == NULL && g_rename (self->tmp, self->path) != 0)
    lab_save_fail (self, g_strdup (g_strerror (errno)));
  if (self->failure != NULL)
    {
      set_save_error (error, self->name, self->failure);
      lab_save_abandon (self);
      return FALSE;
    }
  g_clear_pointer (&self->tmp, g_free);   /* it is path now */
  lab_save_abandon (self);
  return TRUE;
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
