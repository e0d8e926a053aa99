#define G_LOG_DOMAIN "latentlab-core"

#include "lab-task-batches.h"

gboolean
lab_task_run_batches (LabTask            task,
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
                      GError           **error)
{
  gsize pixels = (gsize) dataset->height * dataset->width;
  gsize in_size = lab_shape_size (lab_model_input_shape (model));
  guint batch = MIN (MAX (n, 1u), max_batch);
  g_autofree float *clean = NULL;
  g_autofree float *input = NULL;

  for (guint i = 0; i < n; i++)
    if (indices[i] >= dataset->n)
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "Image %u is not in “%s”, which has %u images", indices[i], dataset->name,
                     dataset->n);
        return FALSE;
      }
  if (lab_model_get_batch (model) < batch && !lab_model_set_batch (model, batch, error))
    return FALSE;

  clean = g_new (float, (gsize) batch * pixels);
  input = g_new (float, (gsize) batch * in_size);
  for (guint start = 0; start < n; start += batch)
    {
      guint m = MIN (batch, n - start);

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (error, LAB_ERROR, LAB_ERROR_CANCELLED, stopped);
          return FALSE;
        }
      lab_dataset_to_float (dataset, indices + start, m, clean);
      lab_task_make_input (task, clean, m, dataset->height, dataset->width, input);
      if (!func (clean, input, start, m, user_data, error))
        return FALSE;
      if (progress != NULL)
        progress ((double) (start + m) / n, NULL, progress_data);
    }
  return TRUE;
}
