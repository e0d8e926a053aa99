#pragma once

#include <glib-object.h>

#include "lab-job.h"

G_BEGIN_DECLS

/* A run: one long core call on a worker (a LabJob in the run's one slot,
 * so a new start supersedes the running one) whose progress and end come
 * back to the main thread as signals, and whose worker gate the run's
 * dispose waits on, so the process never exits with a worker inside the
 * core. LabTrainRun and LabEmbedRun are runs; each says what its worker
 * does and what its result holds.
 *
 * Signals, on the main thread:
 *   progress (double fraction, const char *text): text may be NULL.
 *   done (gpointer result, const GError *error): the run is over; result
 *     (the subclass's type, transfer none, valid during the emission) is
 *     NULL with error when it could not run. */
#define LAB_TYPE_RUN (lab_run_get_type ())
G_DECLARE_DERIVABLE_TYPE (LabRun, lab_run, LAB, RUN, GObject)

struct _LabRunClass
{
  GObjectClass parent_class;
};

/* A job in the run's slot, with the run as owner and its gate set; the
 * caller sets its callbacks and starts it. */
LabJob   *lab_run_new_job       (LabRun       *self,
                                 LabJobFunc    func,
                                 gpointer      data,
                                 GDestroyNotify data_destroy);
gboolean  lab_run_is_running    (LabRun       *self);
/* Drops the running job: no more signals from it. */
void      lab_run_cancel        (LabRun       *self);
/* Waits up to timeout_ms for the run's workers to leave the core; TRUE
 * when none is inside. */
gboolean  lab_run_wait          (LabRun       *self,
                                 guint         timeout_ms);
/* For subclasses. */
void      lab_run_emit_progress (LabRun       *self,
                                 double        fraction,
                                 const char   *text);
void      lab_run_emit_done     (LabRun       *self,
                                 gpointer      result,
                                 const GError *error);

G_END_DECLS
