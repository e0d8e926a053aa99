#define G_LOG_DOMAIN "latentlab-core"

#include "lab-fork.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct _LabForkWorker
{
  char        *what;
  LabForkFunc  func;
  gpointer     data;
  pid_t        pid;          /* -1: func runs here; 0: the child is gone */
  int          fd;           /* a socket to the child: requests go, answers come,
                              * each as its length (guint64) then its bytes */
  gboolean     cancelled;    /* the child was killed by a cancel */
};

/* Held from socketpair () until the parent has closed the child's end: a
 * child that another thread forks meanwhile would inherit it, and a child
 * that died would not be seen to (its socket held open by the other). The
 * parent's own end is inherited by later children, so the child is never
 * left to see an end of file: a freed worker's child is killed.
 * SOCK_CLOEXEC keeps both from children that exec. A socket rather than
 * pipes: MSG_NOSIGNAL, so writing to a child that died is an error, not a
 * SIGPIPE that would kill the process. */
G_LOCK_DEFINE_STATIC (fork);

static gboolean
write_all (int         fd,
           const void *data,
           gsize       len)
{
  const char *p = data;

  while (len > 0)
    {
      gssize n = send (fd, p, MIN (len, (gsize) G_MAXSSIZE), MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* In the child, blocking. */
static gboolean
read_all (int    fd,
          void  *data,
          gsize  len)
{
  char *p = data;

  while (len > 0)
    {
      gssize n = read (fd, p, MIN (len, (gsize) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

G_GNUC_NORETURN static void
child_main (LabForkWorker *self,
            int            fd,
            pid_t          parent)
{
  /* Ctrl+C reaches the whole process group: it is the parent's to handle
   * (it cancels and kills this child, or dies, and then so does this). */
  signal (SIGINT, SIG_IGN);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    _exit (1);
  for (;;)
    {
      guint64 len, answer_len;
      gpointer request, answer;
      gsize n = 0;

      if (!read_all (fd, &len, sizeof len))
        _exit (0);
      request = g_malloc (len);
      if (!read_all (fd, request, len))
        _exit (0);
      answer = self->func (request, len, &n, self->data);
      g_free (request);
      if (answer == NULL)
        _exit (2);
      answer_len = n;
      if (!write_all (fd, &answer_len, sizeof answer_len) || !write_all (fd, answer, n))
        _exit (3);
      g_free (answer);
    }
}

LabForkWorker *
lab_fork_worker_new (const char  *what,
                     LabForkFunc  func,
                     gpointer     data)
{
  LabForkWorker *self = g_new0 (LabForkWorker, 1);
  int sv[2];
  pid_t parent = getpid ();

  self->what = g_strdup (what);
  self->func = func;
  self->data = data;
  self->pid = -1;
  self->fd = -1;
  G_LOCK (fork);
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    goto out;
  self->pid = fork ();
  if (self->pid == 0)
    {
      close (sv[0]);
      child_main (self, sv[1], parent);
    }
  close (sv[1]);
  if (self->pid < 0)
    {
      self->pid = -1;
      close (sv[0]);
    }
  else
    self->fd = sv[0];

out:
  G_UNLOCK (fork);
  return self;
}

static void
child_end (LabForkWorker *self,
           int           *status)
{
  int ignored;

  if (self->pid <= 0)
    return;
  kill (self->pid, SIGKILL);
  while (waitpid (self->pid, status ? status : &ignored, 0) < 0 && errno == EINTR)
    ;
  self->pid = 0;
  close (self->fd);
  self->fd = -1;
}

/* The answer's length, then the answer, from the child; FALSE at an end
 * of file (it died) or on the cancel (self->cancelled). */
static gboolean
read_answer (LabForkWorker  *self,
             GByteArray     *buf,
             GCancellable   *cancellable)
{
  GPollFD fds[2] = { { self->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, 0 } };
  guint n_fds = 1;
  guint64 len = 0;
  gboolean whole = FALSE;

  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &fds[1]))
    n_fds = 2;
  while (!whole)
    {
      guint8 chunk[16384];
      gssize n;

      if (g_cancellable_is_cancelled (cancellable))
        {
          self->cancelled = TRUE;
          break;
        }
      if (g_poll (fds, n_fds, -1) < 0 || fds[0].revents == 0)
        continue;   /* EINTR, or the cancel: seen above */
      n = read (self->fd, chunk, sizeof chunk);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n <= 0)
        break;
      g_byte_array_append (buf, chunk, (guint) n);
      if (buf->len >= sizeof len)
        {
          memcpy (&len, buf->data, sizeof len);
          whole = buf->len - sizeof len >= len;
        }
    }
  if (n_fds == 2)
    g_cancellable_release_fd (cancellable);
  /* One answer per request: nothing can follow it. */
  return whole && buf->len - sizeof len == len;
}

GBytes *
lab_fork_worker_call (LabForkWorker  *self,
                      gconstpointer   request,
                      gsize           request_len,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(GByteArray) buf = NULL;
  guint64 len = request_len;
  int status = 0;

  if (self->cancelled || g_cancellable_is_cancelled (cancellable))
    {
      self->cancelled = TRUE;
      child_end (self, NULL);
      g_set_error (error, LAB_ERROR, LAB_ERROR_CANCELLED, "%s was stopped", self->what);
      return NULL;
    }
  if (self->pid < 0)
    {
      gsize n = 0;
      gpointer answer = self->func (request, request_len, &n, self->data);

      if (answer == NULL)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_FAILED, "%s failed", self->what);
          return NULL;
        }
      return g_bytes_new_take (answer, n);
    }
  if (self->pid == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FAILED, "%s failed before", self->what);
      return NULL;
    }

  buf = g_byte_array_new ();
  /* The child reads while idle, and the requests are small. */
  if (write_all (self->fd, &len, sizeof len) && write_all (self->fd, request, request_len)
      && read_answer (self, buf, cancellable))
    {
      g_byte_array_remove_range (buf, 0, sizeof len);
      return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
    }
  child_end (self, &status);
  if (self->cancelled)
    g_set_error (error, LAB_ERROR, LAB_ERROR_CANCELLED, "%s was stopped", self->what);
  else if (WIFSIGNALED (status))
    g_set_error (error, LAB_ERROR, LAB_ERROR_FAILED, "%s failed: its process ended by signal %d (%s)",
                 self->what, WTERMSIG (status), g_strsignal (WTERMSIG (status)));
  else
    g_set_error (error, LAB_ERROR, LAB_ERROR_FAILED, "%s failed (its process exited with status %d)",
                 self->what, WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  return NULL;
}

void
lab_fork_worker_free (LabForkWorker *self)
{
  if (self == NULL)
    return;
  child_end (self, NULL);
  g_free (self->what);
  g_free (self);
}
