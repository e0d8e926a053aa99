#define G_LOG_DOMAIN "latentlab-core"

#include "lab-noise-sweep.h"

#include <math.h>

#include "lab-loss.h"
#include "lab-metrics.h"
#include "lab-task.h"

/* Noisy inputs are measured this many at a time. */
#define CHUNK 100

void
lab_noise_sweep_config_init (LabNoiseSweepConfig *config)
{
  g_return_if_fail (config != NULL);

  config->type = LAB_NOISE_GAUSSIAN;
  config->n_levels = LAB_NOISE_SWEEP_DEFAULT_LEVELS;
  config->n_images = LAB_NOISE_SWEEP_DEFAULT_IMAGES;
  config->seed = LAB_NOISE_SWEEP_DEFAULT_SEED;
}

/* Mean PSNR of the noisy inputs themselves against the clean images, with
 * the draws lab_evaluate gives the model (same seed, same indices): the line
 * the model must beat. NAN when the input is not an image of the clean size. */
static gboolean
noisy_input_psnr (LabModel        *model,
                  LabDataset      *ds,
                  LabTask          task,
                  guint            n_images,
                  const LabNoise  *noise,
                  guint64          seed,
                  double          *psnr,
                  GCancellable    *cancellable,
                  GError         **error)
{
  gsize pixels = (gsize) ds->height * ds->width;
  gsize in_size = lab_shape_size (lab_model_input_shape (model));
  gsize out_size = lab_shape_size (lab_model_output_shape (model));
  g_autofree float *input = NULL;
  g_autofree float *target = NULL;
  g_autofree float *clean = NULL;
  guint indices[CHUNK];
  double mse[CHUNK], sum = 0;

  *psnr = NAN;
  if (in_size != pixels)
    return TRUE;
  input = g_new (float, CHUNK * in_size);          /* (CHUNK, in_size) */
  target = g_new (float, CHUNK * MAX (out_size, pixels));
  clean = g_new (float, CHUNK * pixels);           /* (CHUNK, h, w) */
  for (guint start = 0; start < n_images; start += CHUNK)
    {
      guint m = MIN (CHUNK, n_images - start);

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_CANCELLED, "The noise sweep was stopped");
          return FALSE;
        }
      for (guint i = 0; i < m; i++)
        indices[i] = start + i;
      lab_task_prepare_batch (task, model, ds, indices, m, noise, NULL, seed, input, target, clean);
      lab_loss_per_image (input, clean, m, pixels, mse, NULL);
      for (guint i = 0; i < m; i++)
        sum += lab_psnr (mse[i]);
    }
  *psnr = sum / n_images;
  return TRUE;
}

gboolean
lab_noise_sweep_run (LabModel                  *model,
                     LabDataset                *dataset,
                     const LabNoiseSweepConfig *config,
                     LabNoiseSweepPoint        *points,
                     LabNoiseSweepFunc          progress,
                     gpointer                   user_data,
                     GCancellable              *cancellable,
                     GError                   **error)
{
  LabNoise noise = { config->type, 0 };
  guint n_images;
  LabTask task;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (dataset != NULL, FALSE);
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (points != NULL, FALSE);

  if (config->n_levels < 2 || config->n_levels > LAB_NOISE_SWEEP_MAX_LEVELS)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "A noise sweep takes 2 to %u levels, not %u", LAB_NOISE_SWEEP_MAX_LEVELS,
                   config->n_levels);
      return FALSE;
    }
  if (!lab_task_for (model, dataset, &task, error))
    return FALSE;
  if (task == LAB_TASK_CLASSIFY)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "“%s” is a classifier: a noise sweep needs a model that makes images",
                   lab_model_get_name (model));
      return FALSE;
    }
  n_images = config->n_images > 0 ? MIN (config->n_images, dataset->n) : dataset->n;

  for (guint l = 0; l < config->n_levels; l++)
    {
      LabNoiseSweepPoint *p = &points[l];

      noise.amount = (float) l / (config->n_levels - 1);
      p->level = noise.amount;
      if (l > 0 && !lab_noise_type_has_amount (config->type))
        {
          p->loss = points[0].loss;
          p->psnr = points[0].psnr;
          p->noisy_psnr = points[0].noisy_psnr;
        }
      else
        {
          LabEvalResult result;

          if (!lab_evaluate (model, dataset, &noise, config->seed, n_images, &result,
                             cancellable, error))
            return FALSE;
          if (!noisy_input_psnr (model, dataset, task, n_images, &noise, config->seed,
                                 &p->noisy_psnr, cancellable, error))
            return FALSE;
          p->loss = result.loss;
          p->psnr = result.psnr;
        }
      if (progress != NULL)
        progress (points, l + 1, config->n_levels, user_data);
    }
  return TRUE;
}
