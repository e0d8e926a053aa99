#define G_LOG_DOMAIN "latentlab"

#include "lab-job.h"

#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

/* Per owner and slot name, stored as qdata on the owner. Main thread only. */
typedef struct
{
  guint   generation;   /* bumped by every lab_job_start() in this slot */
  LabJob *current;      /* the running job (strong ref), or NULL */
} LabJobSlot;

struct _LabJob
{
  GObject             parent_instance;

  /* Set before lab_job_start(), read-only afterwards (any thread). */
  GWeakRef            owner;
  char               *slot;
  GQuark              slot_quark;
  LabJobFunc          func;
  gpointer            data;
  GDestroyNotify      data_destroy;
  GDestroyNotify      result_free;
  LabJobProgressFunc  progress;
  LabJobDoneFunc      done;
  GCancellable       *cancellable;
  LabWorkerGate      *gate;         /* or NULL */
  GMainContext       *context;
  gint64              progress_interval_us;  /* 0: deliver as soon as the loop is idle */
  guint               generation;
  gboolean            finish_before_exit;

  /* Main thread only. */
  guint               started : 1;
  guint               finished : 1;
  guint               dropped : 1;

  /* Written by the worker before the GTask returns, read by the completion
   * callback after it: the GTask hand-over orders the two. */
  gpointer            result;
  GError             *error;

  /* Coalesced progress: the latest report wins. */
  GMutex              mutex;
  gboolean            idle_pending;
  GSource            *progress_source;  /* the pending delivery (ref), or NULL */
  gint64              last_delivery;    /* monotonic µs of the last delivery, 0: none yet */
  double              fraction;
  char               *text;
  gpointer            payload;
  GDestroyNotify      payload_destroy;
};

G_DEFINE_FINAL_TYPE (LabJob, lab_job, G_TYPE_OBJECT)

/* Every job whose worker function has not returned yet (strong refs), for
 * lab_job_shutdown(). */
static GMutex     workers_lock;
static GCond      workers_cond;
static GPtrArray *workers;

#define LAB_JOB_NICE 4

static GQuark
slot_quark (const char *slot)
{
  g_autofree char *key = g_strconcat ("lab-job-slot:", slot, NULL);

  return g_quark_from_string (key);
}

static void
lab_job_drop (LabJob *self)
{
  self->dropped = TRUE;
  g_cancellable_cancel (self->cancellable);
}

static void
lab_job_slot_free (gpointer data)
{
  LabJobSlot *slot = data;

  /* The owner is being finalized: its jobs can report to no one. */
  if (slot->current != NULL)
    lab_job_drop (slot->current);
  g_clear_object (&slot->current);
  g_free (slot);
}

/* The owner, referenced, when this job may still talk to it; NULL when the
 * job was cancelled, superseded, already finished, or the owner is gone. */
static GObject *
lab_job_acquire_owner (LabJob *self)
{
  g_autoptr(GObject) owner = NULL;
  LabJobSlot *slot;

  if (self->dropped || self->finished)
    return NULL;
  owner = g_weak_ref_get (&self->owner);
  if (owner == NULL)
    return NULL;
  slot = g_object_get_qdata (owner, self->slot_quark);
  if (slot == NULL || slot->generation != self->generation)
    return NULL;
  return g_steal_pointer (&owner);
}

static void
lab_job_release_slot (LabJob *self)
{
  g_autoptr(GObject) owner = g_weak_ref_get (&self->owner);
  LabJobSlot *slot;

  if (owner == NULL)
    return;
  slot = g_object_get_qdata (owner, self->slot_quark);
  if (slot != NULL && slot->current == self)
    g_clear_object (&slot->current);
}

static void
lab_job_finalize (GObject *object)
{
  LabJob *self = (LabJob *)object;

  /* data and an undelivered result were released on the main thread when the
   * job completed; only a job that never started still holds them here. */
  if (self->result != NULL && self->result_free != NULL)
    self->result_free (self->result);
  if (self->data != NULL && self->data_destroy != NULL)
    self->data_destroy (self->data);
  if (self->payload != NULL && self->payload_destroy != NULL)
    self->payload_destroy (self->payload);
  g_clear_error (&self->error);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->progress_source, g_source_unref);
  g_clear_pointer (&self->slot, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->gate, lab_worker_gate_unref);
  g_weak_ref_clear (&self->owner);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (lab_job_parent_class)->finalize (object);
}

static void
lab_job_class_init (LabJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_job_finalize;
}

static void
lab_job_init (LabJob *self)
{
  g_mutex_init (&self->mutex);
  g_weak_ref_init (&self->owner, NULL);
  self->cancellable = g_cancellable_new ();
}

/**
 * lab_job_new:
 * @owner: (type GObject): receives the callbacks; held weakly
 * @slot: the job's name on @owner; a newer job in the same slot supersedes it
 * @func: runs on a worker thread
 * @data: passed to @func; freed with @data_destroy on the main thread once
 *   the job has completed
 */
LabJob *
lab_job_new (gpointer        owner,
             const char     *slot,
             LabJobFunc      func,
             gpointer        data,
             GDestroyNotify  data_destroy)
{
  LabJob *self;

  g_return_val_if_fail (G_IS_OBJECT (owner), NULL);
  g_return_val_if_fail (slot != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (LAB_TYPE_JOB, NULL);
  g_weak_ref_set (&self->owner, owner);
  self->slot = g_strdup (slot);
  self->slot_quark = slot_quark (slot);
  self->func = func;
  self->data = data;
  self->data_destroy = data_destroy;
  return self;
}

void
lab_job_set_result_free_func (LabJob         *self,
                              GDestroyNotify  result_free)
{
  g_return_if_fail (LAB_IS_JOB (self));
  g_return_if_fail (!self->started);

  self->result_free = result_free;
}

void
lab_job_set_progress_func (LabJob             *self,
                           LabJobProgressFunc  progress)
{
  g_return_if_fail (LAB_IS_JOB (self));
  g_return_if_fail (!self->started);

  self->progress = progress;
}

void
lab_job_set_done_func (LabJob         *self,
                       LabJobDoneFunc  done)
{
  g_return_if_fail (LAB_IS_JOB (self));
  g_return_if_fail (!self->started);

  self->done = done;
}

void
lab_job_set_gate (LabJob        *self,
                  LabWorkerGate *gate)
{
  g_return_if_fail (LAB_IS_JOB (self));
  g_return_if_fail (!self->started);

  g_clear_pointer (&self->gate, lab_worker_gate_unref);
  self->gate = gate != NULL ? lab_worker_gate_ref (gate) : NULL;
}

/* Below the window's thread, so a job that takes every core (training, a
 * sweep) still lets the main loop run the moment it wakes: measured in
 * bench-gui, the longest main-loop stall while dae-keras32 trains went from
 * 12-18 ms to 7-9 ms at nice 10. But nice 10 also gives a job a tenth of a
 * core's fair share against any other busy program (a browser, a video
 * call): the window then trained at half the CLI's speed (bench-gui, a
 * loaded machine: 469 against 887 images/s, longest stall 125 ms). At nice
 * 4 the main thread still outweighs each job thread 2.4 to 1, and the same
 * run gave 693 against 680 images/s with a 24 ms stall. Linux keeps a nice value per thread, and the threads
 * a job starts (the trainer's team) inherit it; an unprivileged thread
 * cannot go back up, so GIO's pool threads stay this low, which suits the
 * background work they do. */
void
lab_job_set_progress_interval (LabJob *self,
                               guint   interval_ms)
{
  g_return_if_fail (LAB_IS_JOB (self));
  g_return_if_fail (!self->started);

  self->progress_interval_us = (gint64) interval_ms * G_TIME_SPAN_MILLISECOND;
}

static void
lab_job_lower_priority (void)
{
#ifdef __linux__
  int prio;

  /* Who 0 is the calling thread here, not the whole process. */
  errno = 0;
  prio = getpriority (PRIO_PROCESS, 0);
  if (errno == 0 && prio < LAB_JOB_NICE)
    setpriority (PRIO_PROCESS, 0, LAB_JOB_NICE);
#endif
}

static void
lab_job_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LabJob *self = task_data;

  lab_job_lower_priority ();
  self->result = self->func (self, self->data, cancellable, &self->error);
  if (self->gate != NULL)
    lab_worker_gate_leave (self->gate);
  g_mutex_lock (&workers_lock);
  g_ptr_array_remove_fast (workers, self);
  g_cond_broadcast (&workers_cond);
  g_mutex_unlock (&workers_lock);
  g_task_return_boolean (task, TRUE);
}

static void
lab_job_completed (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LabJob) self = user_data;
  g_autoptr(GObject) owner = lab_job_acquire_owner (self);
  g_autoptr(GError) error = g_steal_pointer (&self->error);
  gpointer value = g_steal_pointer (&self->result);

  /* Before the callback, so it can start the next job in this slot. */
  self->finished = TRUE;
  lab_job_release_slot (self);
  /* A delivery still waiting for its interval would reach no one. */
  g_mutex_lock (&self->mutex);
  if (self->progress_source != NULL)
    {
      g_source_destroy (self->progress_source);
      g_clear_pointer (&self->progress_source, g_source_unref);
    }
  g_mutex_unlock (&self->mutex);

  if (owner != NULL && self->done != NULL)
    {
      self->done (owner, self, error == NULL ? value : NULL, error);
      value = error == NULL ? NULL : value;
    }
  if (value != NULL && self->result_free != NULL)
    self->result_free (value);

  /* The worker's data may hold main-thread objects; the last reference to
   * the job may be dropped on the worker thread, so release it here. */
  if (self->data != NULL && self->data_destroy != NULL)
    self->data_destroy (self->data);
  self->data = NULL;
}

void
lab_job_start (LabJob *self)
{
  g_autoptr(GObject) owner = NULL;
  g_autoptr(GTask) task = NULL;
  LabJobSlot *slot;

  g_return_if_fail (LAB_IS_JOB (self));
  g_return_if_fail (!self->started);

  owner = g_weak_ref_get (&self->owner);
  g_return_if_fail (owner != NULL);

  slot = g_object_get_qdata (owner, self->slot_quark);
  if (slot == NULL)
    {
      slot = g_new0 (LabJobSlot, 1);
      g_object_set_qdata_full (owner, self->slot_quark, slot, lab_job_slot_free);
    }
  if (slot->current != NULL)
    lab_job_drop (slot->current);
  g_clear_object (&slot->current);
  slot->current = g_object_ref (self);
  self->generation = ++slot->generation;

  self->started = TRUE;
  self->context = g_main_context_ref_thread_default ();
  if (self->gate != NULL)
    lab_worker_gate_enter (self->gate);
  g_mutex_lock (&workers_lock);
  if (workers == NULL)
    workers = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (workers, g_object_ref (self));
  g_mutex_unlock (&workers_lock);

  task = g_task_new (NULL, self->cancellable, lab_job_completed, g_object_ref (self));
  g_task_set_name (task, self->slot);
  g_task_set_task_data (task, g_object_ref (self), g_object_unref);
  g_task_run_in_thread (task, lab_job_thread);
}

void
lab_job_cancel (LabJob *self)
{
  g_return_if_fail (LAB_IS_JOB (self));

  if (self->finished || self->dropped)
    return;
  lab_job_drop (self);
  lab_job_release_slot (self);
}

const char *
lab_job_get_slot (LabJob *self)
{
  g_return_val_if_fail (LAB_IS_JOB (self), NULL);

  return self->slot;
}

gpointer
lab_job_get_data (LabJob *self)
{
  g_return_val_if_fail (LAB_IS_JOB (self), NULL);

  return self->data;
}

GCancellable *
lab_job_get_cancellable (LabJob *self)
{
  g_return_val_if_fail (LAB_IS_JOB (self), NULL);

  return self->cancellable;
}

gboolean
lab_job_is_running (LabJob *self)
{
  g_return_val_if_fail (LAB_IS_JOB (self), FALSE);

  return self->started && !self->finished && !self->dropped;
}

LabJob *
lab_job_lookup (gpointer    owner,
                const char *slot_name)
{
  LabJobSlot *slot;

  g_return_val_if_fail (G_IS_OBJECT (owner), NULL);
  g_return_val_if_fail (slot_name != NULL, NULL);

  slot = g_object_get_qdata (owner, slot_quark (slot_name));
  return slot != NULL ? slot->current : NULL;
}

void
lab_job_cancel_slot (gpointer    owner,
                     const char *slot_name)
{
  LabJob *job = lab_job_lookup (owner, slot_name);

  if (job != NULL)
    lab_job_cancel (job);
}

gboolean
lab_job_cancel_and_wait (gpointer       owner,
                         const char    *slot,
                         LabWorkerGate *gate,
                         guint          timeout_ms,
                         const char    *what)
{
  lab_job_cancel_slot (owner, slot);
  if (gate == NULL || lab_worker_gate_wait (gate, timeout_ms))
    return TRUE;
  g_warning ("%s did not stop within %u s", what, timeout_ms / 1000);
  return FALSE;
}

void
lab_job_set_finish_before_exit (LabJob   *self,
                                gboolean  finish)
{
  g_return_if_fail (LAB_IS_JOB (self));
  g_return_if_fail (!self->started);

  self->finish_before_exit = finish;
}

gboolean
lab_job_shutdown (guint timeout_ms)
{
  g_autoptr(GPtrArray) running = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean stopped = TRUE;

  g_mutex_lock (&workers_lock);
  for (guint i = 0; workers != NULL && i < workers->len; i++)
    g_ptr_array_add (running, g_object_ref (g_ptr_array_index (workers, i)));
  g_mutex_unlock (&workers_lock);

  /* Outside the lock: a cancellable's handlers run here. */
  for (guint i = 0; i < running->len; i++)
    {
      LabJob *job = g_ptr_array_index (running, i);

      if (!job->finish_before_exit)
        g_cancellable_cancel (job->cancellable);
    }

  g_mutex_lock (&workers_lock);
  while (workers != NULL && workers->len > 0)
    if (!g_cond_wait_until (&workers_cond, &workers_lock, deadline))
      {
        for (guint i = 0; i < workers->len; i++)
          g_warning ("A job (%s) did not stop within %g s of quitting",
                     ((LabJob *) g_ptr_array_index (workers, i))->slot, timeout_ms / 1000.0);
        stopped = FALSE;
        break;
      }
  g_mutex_unlock (&workers_lock);
  return stopped;
}

static gboolean
lab_job_progress_idle (gpointer user_data)
{
  LabJob *self = user_data;
  g_autoptr(GObject) owner = NULL;
  g_autofree char *text = NULL;
  gpointer payload;
  GDestroyNotify payload_destroy;
  double fraction;

  g_mutex_lock (&self->mutex);
  self->idle_pending = FALSE;
  g_clear_pointer (&self->progress_source, g_source_unref);
  self->last_delivery = g_get_monotonic_time ();
  fraction = self->fraction;
  text = g_steal_pointer (&self->text);
  payload = g_steal_pointer (&self->payload);
  payload_destroy = self->payload_destroy;
  self->payload_destroy = NULL;
  g_mutex_unlock (&self->mutex);

  owner = lab_job_acquire_owner (self);
  if (owner != NULL && self->progress != NULL)
    self->progress (owner, self, fraction, text, payload);
  if (payload != NULL && payload_destroy != NULL)
    payload_destroy (payload);

  return G_SOURCE_REMOVE;
}

void
lab_job_report (LabJob         *self,
                double          fraction,
                const char     *text,
                gpointer        payload,
                GDestroyNotify  payload_destroy)
{
  gpointer old_payload;
  GDestroyNotify old_destroy;
  gboolean schedule;

  g_return_if_fail (LAB_IS_JOB (self));

  g_mutex_lock (&self->mutex);
  old_payload = g_steal_pointer (&self->payload);
  old_destroy = self->payload_destroy;
  self->fraction = CLAMP (fraction, 0.0, 1.0);
  if (g_strcmp0 (self->text, text) != 0)
    {
      g_free (self->text);
      self->text = g_strdup (text);
    }
  self->payload = payload;
  self->payload_destroy = payload_destroy;
  schedule = !self->idle_pending;
  self->idle_pending = TRUE;
  if (schedule)
    {
      /* No sooner than the interval after the last delivery: what arrives
       * meanwhile only replaces what this one will deliver. */
      gint64 wait_us = self->last_delivery > 0 && self->progress_interval_us > 0
                       ? self->last_delivery + self->progress_interval_us - g_get_monotonic_time ()
                       : 0;
      GSource *source = wait_us > 0
                        ? g_timeout_source_new ((guint) ((wait_us + 999) / 1000))
                        : g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_callback (source, lab_job_progress_idle,
                             g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[lab-job-progress]");
      self->progress_source = source;
      /* Attached under the lock, so the completion never misses it. */
      g_source_attach (source, self->context);
    }
  g_mutex_unlock (&self->mutex);

  /* A payload the main thread never saw is superseded by this one. */
  if (old_payload != NULL && old_destroy != NULL)
    old_destroy (old_payload);
}

void
lab_job_progress_func (double      fraction,
                       const char *text,
                       gpointer    job)
{
  lab_job_report (LAB_JOB (job), fraction, text, NULL, NULL);
}
