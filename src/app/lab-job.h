#pragma once

#include <gio/gio.h>

#include "lab-worker-gate.h"

G_BEGIN_DECLS

/* A LabJob runs one synchronous core call on a GLib worker thread and brings
 * its progress and its result back to the main thread.
 *
 *  - Progress is coalesced: lab_job_report() stores the latest state under a
 *    mutex and keeps at most one idle source pending, so a worker reporting
 *    after every minibatch cannot flood the main loop.
 *  - Every job belongs to an owner (any GObject, held by a weak reference)
 *    and a named slot on it ("load-dataset", "train", ...). Starting a job in
 *    a slot supersedes the one running there: it is cancelled and nothing it
 *    reports or returns reaches the owner any more (a per-slot generation
 *    counter decides). When the owner is finalized, its running jobs are
 *    cancelled and their late results freed, never delivered.
 *  - lab_job_cancel() also drops the job: after it returns, neither the
 *    progress nor the done callback runs for that job.
 *  - The worker runs at a lower CPU priority (nice 10 on Linux, inherited
 *    by the threads the job starts) than the main thread, so training or a
 *    sweep on every core does not make the window wait for a core.
 *
 * Callbacks run on the thread that called lab_job_start() (the main thread),
 * with a strong reference to the owner held for the call. */

#define LAB_TYPE_JOB (lab_job_get_type ())
G_DECLARE_FINAL_TYPE (LabJob, lab_job, LAB, JOB, GObject)

/* Runs on the worker thread. Returns the result (owned by the job until it is
 * delivered; freed with the result free func otherwise), or NULL with error
 * set. data is the pointer given to lab_job_new(). */
typedef gpointer (*LabJobFunc)         (LabJob        *job,
                                        gpointer       data,
                                        GCancellable  *cancellable,
                                        GError       **error);
/* Main thread. text may be NULL; payload is what the worker passed to
 * lab_job_report() (transfer none: it is freed after the call; ref or copy
 * it to keep it). */
typedef void     (*LabJobProgressFunc) (gpointer       owner,
                                        LabJob        *job,
                                        double         fraction,
                                        const char    *text,
                                        gpointer       payload);
/* Main thread. Either error is set, or result holds what the worker
 * returned (transfer full; NULL when it returned NULL without an error).
 * Not called for superseded or cancelled jobs. */
typedef void     (*LabJobDoneFunc)     (gpointer       owner,
                                        LabJob        *job,
                                        gpointer       result,
                                        const GError  *error);

LabJob       *lab_job_new                  (gpointer            owner,
                                            const char         *slot,
                                            LabJobFunc          func,
                                            gpointer            data,
                                            GDestroyNotify      data_destroy);
void          lab_job_set_result_free_func (LabJob             *self,
                                            GDestroyNotify      result_free);
void          lab_job_set_progress_func    (LabJob             *self,
                                            LabJobProgressFunc  progress);
void          lab_job_set_done_func        (LabJob             *self,
                                            LabJobDoneFunc      done);
/* Progress reaches the main thread at most once per interval_ms (the
 * latest report wins, as always); 0, the default: as soon as the main loop
 * is idle. For a worker that reports far more often than a person reads
 * (a training step every few milliseconds). */
void          lab_job_set_progress_interval (LabJob            *self,
                                             guint              interval_ms);
/* The job enters gate when it starts and leaves it once its worker function
 * has returned, so the owner's dispose can wait for the worker to leave the
 * core (lab_job_cancel_and_wait). */
void          lab_job_set_gate             (LabJob             *self,
                                            LabWorkerGate      *gate);
/* Supersedes the job running in the same slot of the same owner, then starts
 * this one on a worker thread. A job starts once. */
void          lab_job_start                (LabJob             *self);
void          lab_job_cancel               (LabJob             *self);
const char   *lab_job_get_slot             (LabJob             *self);
/* The data given to lab_job_new(); valid until the done callback returns. */
gpointer      lab_job_get_data             (LabJob             *self);
GCancellable *lab_job_get_cancellable      (LabJob             *self);
/* TRUE from lab_job_start() until the result is delivered or dropped. */
gboolean      lab_job_is_running           (LabJob             *self);

/* The job currently running in slot on owner, or NULL (transfer none). */
LabJob       *lab_job_lookup               (gpointer            owner,
                                            const char         *slot);
/* Cancels (and so drops) whatever runs in slot on owner. */
void          lab_job_cancel_slot          (gpointer            owner,
                                            const char         *slot);

/* For an owner's dispose: cancels whatever runs in slot on owner, then
 * waits up to timeout_ms for every worker that entered gate to leave,
 * with a warning naming what did not. TRUE when none is inside. */
gboolean      lab_job_cancel_and_wait      (gpointer            owner,
                                            const char         *slot,
                                            LabWorkerGate      *gate,
                                            guint               timeout_ms,
                                            const char         *what);

/* A job that must finish even when the application quits (a file being
 * written): lab_job_shutdown() waits for it without cancelling it. Before
 * lab_job_start(). */
void          lab_job_set_finish_before_exit (LabJob         *self,
                                              gboolean        finish);
/* For the application's shutdown, after its main loop: cancels every job
 * still running (but those that finish before exit), then waits up to
 * timeout_ms for every worker function to return, so no thread is inside
 * a library (OpenBLAS) while the process's exit handlers tear it down.
 * TRUE when none is left; a warning names each that is. */
gboolean      lab_job_shutdown             (guint              timeout_ms);

/* Worker thread: publishes progress. payload may be NULL; it replaces (and
 * frees) a payload the main thread has not picked up yet. */
void          lab_job_report               (LabJob             *self,
                                            double              fraction,
                                            const char         *text,
                                            gpointer            payload,
                                            GDestroyNotify      payload_destroy);
/* A LabProgressFunc (lab-error.h) that forwards to lab_job_report();
 * pass the job as user_data. */
void          lab_job_progress_func        (double              fraction,
                                            const char         *text,
                                            gpointer            job);

G_END_DECLS
