#define G_LOG_DOMAIN "latentlab"

#include "lab-run.h"

#define RUN_SLOT "run"

typedef struct
{
  LabWorkerGate *gate;
} LabRunPrivate;

enum {
  PROGRESS,
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (LabRun, lab_run, G_TYPE_OBJECT)

LabJob *
lab_run_new_job (LabRun         *self,
                 LabJobFunc      func,
                 gpointer        data,
                 GDestroyNotify  data_destroy)
{
  LabRunPrivate *priv = lab_run_get_instance_private (self);
  LabJob *job;

  g_return_val_if_fail (LAB_IS_RUN (self), NULL);

  job = lab_job_new (self, RUN_SLOT, func, data, data_destroy);
  lab_job_set_gate (job, priv->gate);
  return job;
}

gboolean
lab_run_is_running (LabRun *self)
{
  g_return_val_if_fail (LAB_IS_RUN (self), FALSE);

  return lab_job_lookup (self, RUN_SLOT) != NULL;
}

void
lab_run_cancel (LabRun *self)
{
  g_return_if_fail (LAB_IS_RUN (self));

  lab_job_cancel_slot (self, RUN_SLOT);
}

gboolean
lab_run_wait (LabRun *self,
              guint   timeout_ms)
{
  LabRunPrivate *priv = lab_run_get_instance_private (self);

  g_return_val_if_fail (LAB_IS_RUN (self), FALSE);

  return lab_worker_gate_wait (priv->gate, timeout_ms);
}

void
lab_run_emit_progress (LabRun     *self,
                       double      fraction,
                       const char *text)
{
  g_signal_emit (self, signals[PROGRESS], 0, fraction, text);
}

void
lab_run_emit_done (LabRun       *self,
                   gpointer      result,
                   const GError *error)
{
  g_signal_emit (self, signals[DONE], 0, result, error);
}

static void
lab_run_dispose (GObject *object)
{
  LabRun *self = LAB_RUN (object);
  LabRunPrivate *priv = lab_run_get_instance_private (self);

  /* A worker still inside OpenBLAS when the process exits can crash it. */
  lab_job_cancel_and_wait (self, RUN_SLOT, priv->gate, 10000, G_OBJECT_TYPE_NAME (self));

  G_OBJECT_CLASS (lab_run_parent_class)->dispose (object);
}

static void
lab_run_finalize (GObject *object)
{
  LabRunPrivate *priv = lab_run_get_instance_private (LAB_RUN (object));

  g_clear_pointer (&priv->gate, lab_worker_gate_unref);

  G_OBJECT_CLASS (lab_run_parent_class)->finalize (object);
}

static void
lab_run_class_init (LabRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_run_dispose;
  object_class->finalize = lab_run_finalize;

  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_STRING);
  signals[DONE] =
    g_signal_new ("done",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);
}

static void
lab_run_init (LabRun *self)
{
  LabRunPrivate *priv = lab_run_get_instance_private (self);

  priv->gate = lab_worker_gate_new ();
}
