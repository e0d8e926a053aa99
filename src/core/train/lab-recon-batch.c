#define G_LOG_DOMAIN "latentlab-core"

#include "lab-recon-batch.h"

#include <math.h>
#include <string.h>

#include "lab-loss.h"

void
lab_recon_batch_free (LabReconBatch *self)
{
  if (self == NULL)
    return;
  g_free (self->indices);
  g_free (self->input);
  g_free (self->output);
  g_free (self->clean);
  g_free (self->mse);
  g_free (self->psnr);
  g_free (self->noisy_mse);
  g_free (self->noisy_psnr);
  g_free (self);
}

LabReconBatch *
lab_recon_batch_compute (LabModel        *model,
                         LabDataset      *dataset,
                         const guint     *indices,
                         guint            n,
                         const LabNoise  *noise,
                         guint64          seed,
                         GError         **error)
{
  g_autoptr(LabReconBatch) self = g_new0 (LabReconBatch, 1);
  g_autofree float *target = NULL;
  gsize in_size, out_size, pixels;
  const float *out;
  gint64 start;
  double sum_mse = 0, sum_psnr = 0, sum_noisy = 0;

  g_return_val_if_fail (n > 0, NULL);

  if (!lab_task_for (model, dataset, &self->task, error))
    return NULL;
  if (lab_model_get_batch (model) < n && !lab_model_set_batch (model, n, error))
    return NULL;

  self->n = n;
  self->height = dataset->height;
  self->width = dataset->width;
  self->in_shape = lab_model_input_shape (model);
  self->out_shape = lab_model_output_shape (model);
  in_size = lab_shape_size (self->in_shape);
  out_size = lab_shape_size (self->out_shape);
  pixels = (gsize) dataset->height * dataset->width;

  self->indices = g_memdup2 (indices, n * sizeof (guint));
  self->input = g_new (float, n * in_size);
  self->output = g_new (float, n * out_size);
  self->clean = g_new (float, n * pixels);
  /* The target is the clean image, or a one-hot label for a classifier. */
  target = g_new (float, n * MAX (out_size, pixels));
  self->mse = g_new (double, n);
  self->psnr = g_new (double, n);
  self->noisy_mse = g_new (double, n);
  self->noisy_psnr = g_new (double, n);

  lab_task_prepare_batch (self->task, model, dataset, indices, n, noise, NULL, seed,
                          self->input, target, self->clean);

  start = g_get_monotonic_time ();
  out = lab_model_forward (model, self->input, n, FALSE);
  memcpy (self->output, out, n * out_size * sizeof (float));
  self->forward_ms = (g_get_monotonic_time () - start) / 1000.0;

  if (self->task != LAB_TASK_CLASSIFY && out_size == pixels)
    lab_loss_per_image (self->output, self->clean, n, pixels, self->mse, NULL);
  else
    for (guint i = 0; i < n; i++)
      self->mse[i] = NAN;
  if (in_size == pixels)
    lab_loss_per_image (self->input, self->clean, n, pixels, self->noisy_mse, NULL);
  else
    for (guint i = 0; i < n; i++)
      self->noisy_mse[i] = NAN;

  for (guint i = 0; i < n; i++)
    {
      self->psnr[i] = isfinite (self->mse[i]) ? lab_psnr (self->mse[i]) : NAN;
      self->noisy_psnr[i] = isfinite (self->noisy_mse[i]) ? lab_psnr (self->noisy_mse[i]) : NAN;
      sum_mse += self->mse[i];
      sum_psnr += self->psnr[i];
      sum_noisy += self->noisy_psnr[i];
    }
  self->mean_mse = sum_mse / n;
  self->mean_psnr = sum_psnr / n;
  self->mean_noisy_psnr = sum_noisy / n;
  return g_steal_pointer (&self);
}

guint
lab_recon_pick_by_class (LabDataset *dataset,
                         guint      *indices,
                         guint       n)
{
  guint count = 0;

  n = MIN (n, dataset->n);
  if (dataset->labels == NULL || dataset->n_classes == 0)
    {
      for (guint i = 0; i < n; i++)
        indices[i] = i;
      return n;
    }

  /* Round r takes the (r+1)-th image of each class, in class order. */
  for (guint round = 0; count < n; round++)
    {
      guint before = count;

      for (guint k = 0; k < dataset->n_classes && count < n; k++)
        {
          guint seen = 0;

          for (guint i = 0; i < dataset->n; i++)
            if (dataset->labels[i] == k && seen++ == round)
              {
                indices[count++] = i;
                break;
              }
        }
      if (count == before)
        break;
    }
  return count;
}
