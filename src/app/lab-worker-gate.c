#define G_LOG_DOMAIN "latentlab"

#include "lab-worker-gate.h"

struct _LabWorkerGate
{
  gatomicrefcount ref_count;
  GMutex          mutex;
  GCond           cond;
  guint           inside;   /* under mutex */
};

LabWorkerGate *
lab_worker_gate_new (void)
{
  LabWorkerGate *self = g_new0 (LabWorkerGate, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  return self;
}

LabWorkerGate *
lab_worker_gate_ref (LabWorkerGate *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
lab_worker_gate_unref (LabWorkerGate *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

void
lab_worker_gate_enter (LabWorkerGate *self)
{
  g_mutex_lock (&self->mutex);
  self->inside++;
  g_mutex_unlock (&self->mutex);
}

void
lab_worker_gate_leave (LabWorkerGate *self)
{
  g_mutex_lock (&self->mutex);
  g_assert (self->inside > 0);
  if (--self->inside == 0)
    g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

gboolean
lab_worker_gate_wait (LabWorkerGate *self,
                      guint          timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean idle;

  g_mutex_lock (&self->mutex);
  while (self->inside > 0)
    if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
      break;
  idle = self->inside == 0;
  g_mutex_unlock (&self->mutex);
  return idle;
}
