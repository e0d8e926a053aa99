#pragma once

#include <gio/gio.h>

#include "lab-error.h"
#include "lab-task.h"

G_BEGIN_DECLS

/* One batch of lab_task_run_batches: images start .. start + m of the
 * indices, clean (m, height * width) and as the model's input (m, its
 * input size). Returns FALSE with error set to stop the run. */
typedef gboolean (*LabTaskBatchFunc) (const float  *clean,
                                      const float  *input,
                                      guint         start,
                                      guint         m,
                                      gpointer      user_data,
                                      GError      **error);

/* Walks the clean images indices (n) of dataset in batches of at most
 * max_batch for func, which runs model on them. First the indices are
 * checked (INVALID for one past the dataset) and model's batch grows as
 * needed (its weights are untouched). Before each batch cancellable is
 * checked (CANCELLED, with the message stopped); after each, progress (a
 * fraction, may be NULL). FALSE with error set by any of these or func. */
gboolean  lab_task_run_batches  (LabTask            task,
                                 LabModel          *model,
                                 LabDataset        *dataset,
                                 const guint       *indices,
                                 guint              n,
                                 guint              max_batch,
                                 GCancellable      *cancellable,
                                 const char        *stopped,
                                 LabProgressFunc    progress,
                                 gpointer           progress_data,
                                 LabTaskBatchFunc   func,
                                 gpointer           user_data,
                                 GError           **error);

G_END_DECLS
