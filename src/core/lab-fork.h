#pragma once

#include <gio/gio.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* Library calls that cannot be interrupted (one libsvm problem: seconds to
 * minutes), run in a forked child process so that a cancel kills them at
 * once instead of waiting for them to end.
 *
 * The child is a copy of the process (copy-on-write: the inputs are not
 * copied or serialised on the way in). It waits for requests (bytes) on a
 * socket, answers each with func's bytes, and ends with _exit,
 * running no atexit handler, when the worker is freed. One child serves
 * many calls, so its heap (libsvm's kernel cache) is reused from call to
 * call rather than faulted in again. A cancel during a call sends the
 * child SIGKILL and reaps it, so nothing of it stays (no zombie, no
 * memory); the child ends with its parent too (PR_SET_PDEATHSIG), also
 * when the parent is killed.
 *
 * In the child only the thread that made the worker exists, so func may
 * use malloc (glibc keeps it usable after fork: g_malloc, g_new, g_free)
 * and pure computation on what existed when the worker was made; never a
 * lock another thread may have held (GLib's main context, GObject, stdio,
 * GSlice, which GLib 2.74's GBytes and GArray use), never threads. It
 * answers with a buffer of g_malloc, or NULL when it failed. */
typedef gpointer (*LabForkFunc) (gconstpointer  request,
                                 gsize          request_len,
                                 gsize         *answer_len,
                                 gpointer       data);

typedef struct _LabForkWorker LabForkWorker;

/* Forks the child. Where none can be made (no memory, too many processes)
 * the worker runs func in this process instead: the same answers, but a
 * cancel then waits for the call. what names the work in errors. */
LabForkWorker *lab_fork_worker_new  (const char      *what,
                                     LabForkFunc      func,
                                     gpointer         data);
/* func (request, ..., data) in the child: its bytes, or NULL with
 * LAB_ERROR_CANCELLED when cancelled (the child is killed; later calls
 * fail the same way), or LAB_ERROR_FAILED when func returned NULL or the
 * child died ("... ended by signal 9"). One thread at a time. */
GBytes        *lab_fork_worker_call (LabForkWorker   *self,
                                     gconstpointer    request,
                                     gsize            request_len,
                                     GCancellable    *cancellable,
                                     GError         **error);
/* Ends the child (idle between calls: SIGKILL loses nothing) and reaps it. */
void           lab_fork_worker_free (LabForkWorker   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabForkWorker, lab_fork_worker_free)

G_END_DECLS
