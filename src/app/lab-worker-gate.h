#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Counts the worker threads a widget has started, so its dispose can wait
 * for them to leave the core before the process may exit: a job that is
 * cancelled stops within one minibatch, but a thread still inside OpenBLAS
 * while the library's exit handlers run can crash the process.
 *
 * Reference counted: a worker holds a reference until it leaves, so the
 * gate outlives the widget when it has to. */
typedef struct _LabWorkerGate LabWorkerGate;

LabWorkerGate *lab_worker_gate_new   (void);
LabWorkerGate *lab_worker_gate_ref   (LabWorkerGate *self);
void           lab_worker_gate_unref (LabWorkerGate *self);
/* Main thread, before starting the job. */
void           lab_worker_gate_enter (LabWorkerGate *self);
/* Worker thread, as its last step. */
void           lab_worker_gate_leave (LabWorkerGate *self);
/* Blocks until no worker is inside, or timeout_ms passed. TRUE when none is. */
gboolean       lab_worker_gate_wait  (LabWorkerGate *self,
                                      guint          timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabWorkerGate, lab_worker_gate_unref)

G_END_DECLS
