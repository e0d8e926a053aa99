#define G_LOG_DOMAIN "latentlab-core"

#include "lab-outliers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lab-embedding.h"
#include "lab-task.h"

#define OUTLIER_BATCH 256

/* A model whose decoder makes images of the dataset's size, and indices
 * inside it; task: how the model takes its input. */
static gboolean
check (LabModel     *model,
       LabDataset   *dataset,
       const guint  *indices,
       guint         n,
       LabTask      *task,
       GError      **error)
{
  if (!lab_embedding_check_model (model, dataset, error))
    return FALSE;
  if (!lab_task_for (model, dataset, task, error))
    return FALSE;
  if (lab_shape_size (lab_model_output_shape (model)) != (gsize) dataset->height * dataset->width)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s” makes images of another size than “%s”'s", lab_model_get_name (model),
                   dataset->name);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    if (indices[i] >= dataset->n)
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "Image %u is not in “%s”, which has %u images", indices[i], dataset->name,
                     dataset->n);
        return FALSE;
      }
  return TRUE;
}

gboolean
lab_outliers_errors (LabModel         *model,
                     LabDataset       *dataset,
                     const guint      *indices,
                     guint             n,
                     LabReconMetric    metric,
                     float            *errors,
                     GCancellable     *cancellable,
                     LabProgressFunc   progress,
                     gpointer          user_data,
                     GError          **error)
{
  gsize pixels = (gsize) dataset->height * dataset->width;
  gsize in_size = lab_shape_size (lab_model_input_shape (model));
  guint batch = MIN (MAX (n, 1u), OUTLIER_BATCH);
  g_autofree float *clean = NULL;
  g_autofree float *input = NULL;
  LabTask task;

  g_return_val_if_fail (errors != NULL || n == 0, FALSE);

  if (!check (model, dataset, indices, n, &task, error))
    return FALSE;
  if (lab_model_get_batch (model) < batch && !lab_model_set_batch (model, batch, error))
    return FALSE;

  clean = g_new (float, (gsize) batch * pixels);
  input = g_new (float, (gsize) batch * in_size);
  for (guint start = 0; start < n; start += batch)
    {
      guint m = MIN (batch, n - start);
      const float *out;

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (error, LAB_ERROR, LAB_ERROR_CANCELLED,
                               "The reconstruction errors were stopped before they finished");
          return FALSE;
        }
      lab_dataset_to_float (dataset, indices + start, m, clean);
      lab_task_make_input (task, clean, m, dataset->height, dataset->width, input);
      out = lab_model_decode (model, lab_model_encode (model, input, m), m);
      for (guint r = 0; r < m; r++)
        {
          const float *o = out + r * pixels, *x = clean + r * pixels;
          double s = 0;

          for (gsize p = 0; p < pixels; p++)
            {
              if (metric == LAB_RECON_BCE)
                {
                  double q = CLAMP (o[p], 1e-7, 1 - 1e-7);

                  s -= x[p] * log (q) + (1 - x[p]) * log (1 - q);
                }
              else
                s += ((double) o[p] - x[p]) * ((double) o[p] - x[p]);
            }
          errors[start + r] = (float) (s / pixels);
        }
      if (progress != NULL)
        progress ((double) (start + m) / n, NULL, user_data);
    }
  return TRUE;
}

typedef struct
{
  float error;
  guint row;
} Ranked;

static int
ranked_compare (const void *pa,
                const void *pb)
{
  const Ranked *a = pa, *b = pb;

  /* NaN last */
  if (a->error != b->error)
    return isnan (a->error) ? 1 : isnan (b->error) ? -1 : a->error > b->error ? -1 : 1;
  return (a->row > b->row) - (a->row < b->row);
}

guint
lab_outliers_top (const float *errors,
                  guint        n,
                  guint        k,
                  guint       *rows)
{
  g_autofree Ranked *all = g_new (Ranked, MAX (n, 1u));

  k = MIN (k, n);
  for (guint i = 0; i < n; i++)
    all[i] = (Ranked) { errors[i], i };
  qsort (all, n, sizeof (Ranked), ranked_compare);
  for (guint i = 0; i < k; i++)
    rows[i] = all[i].row;
  return k;
}

guint
lab_outliers_count_above (const float *errors,
                          guint        n,
                          double       threshold)
{
  guint count = 0;

  for (guint i = 0; i < n; i++)
    count += errors[i] > threshold;
  return count;
}

double
lab_outliers_suggest_threshold (const float *errors,
                                guint        n)
{
  double sum = 0, sum2 = 0;
  guint m = 0;

  for (guint i = 0; i < n; i++)
    if (isfinite (errors[i]))
      {
        sum += errors[i];
        m++;
      }
  if (m == 0)
    return NAN;
  for (guint i = 0; i < n; i++)
    if (isfinite (errors[i]))
      sum2 += (errors[i] - sum / m) * (errors[i] - sum / m);
  return sum / m + 3 * sqrt (sum2 / m);
}

gboolean
lab_outliers_reconstruct (LabModel     *model,
                          LabDataset   *dataset,
                          const guint  *indices,
                          guint         k,
                          float        *out,
                          GError      **error)
{
  gsize pixels = (gsize) dataset->height * dataset->width;
  g_autofree float *clean = NULL;
  g_autofree float *input = NULL;
  LabTask task;

  if (!check (model, dataset, indices, k, &task, error))
    return FALSE;
  if (k == 0)
    return TRUE;
  if (lab_model_get_batch (model) < k && !lab_model_set_batch (model, k, error))
    return FALSE;
  clean = g_new (float, (gsize) k * pixels);
  input = g_new (float, (gsize) k * lab_shape_size (lab_model_input_shape (model)));
  lab_dataset_to_float (dataset, indices, k, clean);
  lab_task_make_input (task, clean, k, dataset->height, dataset->width, input);
  memcpy (out, lab_model_decode (model, lab_model_encode (model, input, k), k), (gsize) k * pixels * sizeof (float));
  for (gsize p = 0; p < (gsize) k * pixels; p++)
    out[p] = CLAMP (out[p], 0.0f, 1.0f);
  return TRUE;
}
