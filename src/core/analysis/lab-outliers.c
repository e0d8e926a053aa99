#define G_LOG_DOMAIN "latentlab-core"

#include "lab-outliers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-embedding.h"
#include "lab-task-batches.h"

#define OUTLIER_BATCH 256

/* A model whose decoder makes images of the dataset's size; task: how the
 * model takes its input. */
static gboolean
check (LabModel     *model,
       LabDataset   *dataset,
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
  return TRUE;
}

typedef struct
{
  LabModel       *model;
  gsize           pixels;
  LabReconMetric  metric;
  float          *errors;
} Scoring;

static gboolean
score_batch (const float  *clean,
             const float  *input,
             guint         start,
             guint         m,
             gpointer      user_data,
             GError      **error)
{
  Scoring *s = user_data;
  const float *out = lab_model_decode (s->model, lab_model_encode (s->model, input, m), m);

  for (guint r = 0; r < m; r++)
    {
      const float *o = out + r * s->pixels, *x = clean + r * s->pixels;
      double sum = 0;

      for (gsize p = 0; p < s->pixels; p++)
        {
          if (s->metric == LAB_RECON_BCE)
            {
              double q = CLAMP (o[p], 1e-7, 1 - 1e-7);

              sum -= x[p] * log (q) + (1 - x[p]) * log (1 - q);
            }
          else
            sum += ((double) o[p] - x[p]) * ((double) o[p] - x[p]);
        }
      s->errors[start + r] = (float) (sum / s->pixels);
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
  Scoring s = { model, (gsize) dataset->height * dataset->width, metric, errors };
  LabTask task;

  g_return_val_if_fail (errors != NULL || n == 0, FALSE);

  if (!check (model, dataset, &task, error))
    return FALSE;
  return lab_task_run_batches (task, model, dataset, indices, n, OUTLIER_BATCH, cancellable,
                               _("The reconstruction errors were stopped before they finished"),
                               progress, user_data, score_batch, &s, error);
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

typedef struct
{
  LabModel *model;
  gsize     pixels;
  float    *out;
} Reconstruction;

static gboolean
reconstruct_batch (const float  *clean,
                   const float  *input,
                   guint         start,
                   guint         m,
                   gpointer      user_data,
                   GError      **error)
{
  Reconstruction *r = user_data;
  const float *y = lab_model_decode (r->model, lab_model_encode (r->model, input, m), m);
  float *out = r->out + start * r->pixels;

  for (gsize p = 0; p < m * r->pixels; p++)
    out[p] = CLAMP (y[p], 0.0f, 1.0f);
  return TRUE;
}

gboolean
lab_outliers_reconstruct (LabModel     *model,
                          LabDataset   *dataset,
                          const guint  *indices,
                          guint         k,
                          float        *out,
                          GError      **error)
{
  Reconstruction r = { model, (gsize) dataset->height * dataset->width, out };
  LabTask task;

  if (!check (model, dataset, &task, error))
    return FALSE;
  /* One batch of all k. */
  return lab_task_run_batches (task, model, dataset, indices, k, MAX (k, 1u), NULL, NULL, NULL,
                               NULL, reconstruct_batch, &r, error);
}
