#define G_LOG_DOMAIN "latentlab-core"

#include "lab-metrics.h"

#include <math.h>
#include <string.h>

#include "lab-loss.h"
#include "lab-save.h"
#include "lab-task.h"

#define EVAL_BATCH 256

/* %.*g with a C-locale decimal point, "null" for NaN. */
static void
append_number (GString    *s,
               double      v,
               const char *missing)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (v))
    g_string_append (s, missing);
  else
    g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.7g", v));
}

char *
lab_epoch_record_to_json (const LabEpochRecord *r)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "{\"epoch\": %u, \"train_loss\": ", r->epoch);
  append_number (s, r->train_loss, "null");
  g_string_append (s, ", \"val_loss\": ");
  append_number (s, r->val_loss, "null");
  g_string_append (s, ", \"seconds\": ");
  append_number (s, r->seconds, "null");
  g_string_append (s, ", \"images_per_s\": ");
  append_number (s, r->images_per_s, "null");
  g_string_append_printf (s, ", \"steps\": %" G_GUINT64_FORMAT "}", r->steps);
  return g_string_free (s, FALSE);
}

const char *
lab_epoch_record_csv_header (void)
{
  return "epoch,train_loss,val_loss,seconds,images_per_s,steps";
}

char *
lab_epoch_record_to_csv (const LabEpochRecord *r)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%u,", r->epoch);
  append_number (s, r->train_loss, "");
  g_string_append_c (s, ',');
  append_number (s, r->val_loss, "");
  g_string_append_c (s, ',');
  append_number (s, r->seconds, "");
  g_string_append_c (s, ',');
  append_number (s, r->images_per_s, "");
  g_string_append_printf (s, ",%" G_GUINT64_FORMAT, r->steps);
  return g_string_free (s, FALSE);
}

struct _LabMetricsWriter
{
  LabSave  *save;
  gboolean  csv;
};

static gboolean
write_line (LabMetricsWriter  *self,
            const char        *line,
            GError           **error)
{
  lab_save_write (self->save, line, strlen (line));
  lab_save_write (self->save, "\n", 1);
  return lab_save_check (self->save, error);
}

LabMetricsWriter *
lab_metrics_writer_new (const char  *path,
                        GError     **error)
{
  g_autoptr(LabMetricsWriter) self = g_new0 (LabMetricsWriter, 1);

  self->csv = g_str_has_suffix (path, ".csv");
  self->save = lab_save_begin (path, error);
  if (self->save == NULL)
    return NULL;
  if (self->csv && !write_line (self, lab_epoch_record_csv_header (), error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
lab_metrics_writer_append (LabMetricsWriter      *self,
                           const LabEpochRecord  *record,
                           GError               **error)
{
  g_autofree char *line = self->csv ? lab_epoch_record_to_csv (record)
                                    : lab_epoch_record_to_json (record);

  return write_line (self, line, error);
}

gboolean
lab_metrics_writer_finish (LabMetricsWriter  *self,
                           GError           **error)
{
  gboolean ok = lab_save_commit (g_steal_pointer (&self->save), error);

  lab_metrics_writer_free (self);
  return ok;
}

void
lab_metrics_writer_free (LabMetricsWriter *self)
{
  if (self == NULL)
    return;
  lab_save_abandon (self->save);
  g_free (self);
}

gboolean
lab_evaluate_indices (LabModel        *model,
                      LabDataset      *dataset,
                      const guint     *indices,
                      guint            n,
                      const LabNoise  *noise,
                      guint64          seed,
                      LabEvalResult   *result,
                      GCancellable    *cancellable,
                      GError         **error)
{
  LabTask task;
  guint batch;
  gsize in_size, out_size, pixels;
  g_autofree float *input = NULL, *target = NULL, *clean = NULL;
  g_autofree double *mse = NULL, *bce = NULL;
  double sum_loss = 0, sum_mse = 0, sum_bce = 0, sum_psnr = 0;
  guint correct = 0;

  memset (result, 0, sizeof *result);
  if (!lab_task_for (model, dataset, &task, error))
    return FALSE;
  if (n == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "There are no images to evaluate in “%s”", dataset->name);
      return FALSE;
    }
  if (lab_model_get_batch (model) == 0 && !lab_model_set_batch (model, EVAL_BATCH, error))
    return FALSE;
  batch = lab_model_get_batch (model);

  in_size = lab_shape_size (lab_model_input_shape (model));
  out_size = lab_shape_size (lab_model_output_shape (model));
  pixels = (gsize) dataset->height * dataset->width;
  input = g_new (float, (gsize) batch * in_size);
  target = g_new (float, (gsize) batch * MAX (out_size, pixels));
  clean = g_new (float, (gsize) batch * pixels);
  mse = g_new (double, batch);
  bce = g_new (double, batch);

  for (guint start = 0; start < n; start += batch)
    {
      guint m = MIN (batch, n - start);
      const float *out;

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_CANCELLED, "The evaluation was stopped");
          return FALSE;
        }
      lab_task_prepare_batch (task, model, dataset, indices + start, m, noise, NULL, seed,
                              input, target, clean);
      out = lab_model_forward (model, input, m, FALSE);

      if (task == LAB_TASK_CLASSIFY)
        {
          for (guint b = 0; b < m; b++)
            {
              const float *p = out + (gsize) b * out_size;
              guint label = dataset->labels[indices[start + b]], best = 0;

              for (guint k = 1; k < out_size; k++)
                if (p[k] > p[best])
                  best = k;
              correct += best == label;
              sum_loss -= MAX (log (MAX (p[label], 1e-30)), -100.0);
            }
          continue;
        }

      lab_loss_per_image (out, target, m, out_size, mse, bce);
      for (guint b = 0; b < m; b++)
        {
          sum_mse += mse[b];
          sum_bce += bce[b];
          sum_psnr += lab_psnr (mse[b]);
        }
      /* The model's own loss: its reconstruction term plus, for a VAE, the
       * KL it added in this forward (a batch mean, so weigh it by m). */
      sum_loss += (lab_model_get_loss (model) == LAB_LOSS_BCE
                   ? lab_loss_bce (out, target, (gsize) m * out_size, NULL)
                   : lab_loss_mse (out, target, (gsize) m * out_size, NULL)) * m
                  + lab_model_aux_loss (model) * m;
    }

  result->n_images = n;
  result->loss = sum_loss / n;
  if (task == LAB_TASK_CLASSIFY)
    {
      result->mse = result->bce = result->psnr = NAN;
      result->accuracy = (double) correct / n;
    }
  else
    {
      result->mse = sum_mse / n;
      result->bce = sum_bce / n;
      result->psnr = sum_psnr / n;
      result->accuracy = NAN;
    }
  return TRUE;
}

gboolean
lab_evaluate (LabModel        *model,
              LabDataset      *dataset,
              const LabNoise  *noise,
              guint64          seed,
              guint            limit,
              LabEvalResult   *result,
              GCancellable    *cancellable,
              GError         **error)
{
  guint n = limit > 0 ? MIN (limit, dataset->n) : dataset->n;
  g_autofree guint *indices = g_new (guint, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    indices[i] = i;
  return lab_evaluate_indices (model, dataset, indices, n, noise, seed, result,
                               cancellable, error);
}
