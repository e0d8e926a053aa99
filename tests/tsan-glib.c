/* ThreadSanitizer and GLib's locks. GLib's GMutex and GCond are futexes
 * inside libglib, which is not instrumented, so TSan sees neither the lock
 * nor the order it gives, and reports every access a GMutex protects as a
 * race. In a -Db_sanitize=thread build the test programs link this file:
 * it interposes the lock calls the project makes (ours resolve to these,
 * before libglib's) and tells TSan what each one means, with its
 * annotations, around the real call. So TSan checks our locking itself,
 * and tsan.supp needs no entry for it. */

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

void __tsan_acquire (void *addr);
void __tsan_release (void *addr);

/* The real functions, looked up on first use: a library's constructor
 * may lock a mutex before any of ours runs. The pointers are read and
 * written atomically, so two threads' first calls do not race. */
static void *
real (void       **slot,
      const char  *name)
{
  void *fn = __atomic_load_n (slot, __ATOMIC_ACQUIRE);

  if (fn == NULL)
    {
      fn = dlsym (RTLD_NEXT, name);
      if (fn == NULL)
        {
          fprintf (stderr, "tsan-glib: %s not found in libglib\n", name);
          abort ();
        }
      __atomic_store_n (slot, fn, __ATOMIC_RELEASE);
    }
  return fn;
}

#define REAL(type, name) \
  ({ static void *slot; (type) real (&slot, #name); })

typedef void     (*MutexFunc)     (GMutex *mutex);
typedef gboolean (*TryFunc)       (GMutex *mutex);
typedef void     (*WaitFunc)      (GCond *cond, GMutex *mutex);
typedef gboolean (*WaitUntilFunc) (GCond *cond, GMutex *mutex, gint64 end_time);

void
g_mutex_lock (GMutex *mutex)
{
  REAL (MutexFunc, g_mutex_lock) (mutex);
  __tsan_acquire (mutex);
}

gboolean
g_mutex_trylock (GMutex *mutex)
{
  if (!REAL (TryFunc, g_mutex_trylock) (mutex))
    return FALSE;
  __tsan_acquire (mutex);
  return TRUE;
}

void
g_mutex_unlock (GMutex *mutex)
{
  __tsan_release (mutex);
  REAL (MutexFunc, g_mutex_unlock) (mutex);
}

/* Waiting unlocks the mutex and locks it again before returning. */
void
g_cond_wait (GCond  *cond,
             GMutex *mutex)
{
  __tsan_release (mutex);
  REAL (WaitFunc, g_cond_wait) (cond, mutex);
  __tsan_acquire (mutex);
}

gboolean
g_cond_wait_until (GCond  *cond,
                   GMutex *mutex,
                   gint64  end_time)
{
  gboolean signalled;

  __tsan_release (mutex);
  signalled = REAL (WaitUntilFunc, g_cond_wait_until) (cond, mutex, end_time);
  __tsan_acquire (mutex);
  return signalled;
}
