#define G_LOG_DOMAIN "latentlab-core"

#include "lab-task.h"

#include <string.h>

const char *
lab_task_name (LabTask task)
{
  switch (task)
    {
    case LAB_TASK_RECONSTRUCT:
      return "reconstruct";
    case LAB_TASK_SUPER_RESOLVE:
      return "super-resolve";
    case LAB_TASK_CLASSIFY:
      return "classify";
    default:
      return "unknown";
    }
}

gboolean
lab_task_for_size (LabModel  *model,
                   guint      height,
                   guint      width,
                   LabTask   *task,
                   GError   **error)
{
  LabShape in = lab_model_input_shape (model);
  LabShape out = lab_model_output_shape (model);
  const char *name = lab_model_get_name (model);

  if (in.c != 1)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s” expects %u-channel input, but the images are grayscale", name, in.c);
      return FALSE;
    }
  if (lab_model_get_loss (model) == LAB_LOSS_SOFTMAX_CE)
    {
      if (in.h != height || in.w != width)
        goto size_mismatch;
      *task = LAB_TASK_CLASSIFY;
      return TRUE;
    }
  if (out.c != 1 || out.h != height || out.w != width)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s” produces %u×%u×%u images, but the images are %u×%u",
                   name, out.h, out.w, out.c, height, width);
      return FALSE;
    }
  if (in.h == height && in.w == width)
    *task = LAB_TASK_RECONSTRUCT;
  else if (height % 2 == 0 && width % 2 == 0 && in.h * 2 == height && in.w * 2 == width)
    *task = LAB_TASK_SUPER_RESOLVE;
  else
    goto size_mismatch;
  return TRUE;

size_mismatch:
  g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
               "“%s” expects %u×%u images, but the images are %u×%u", name,
               in.h, in.w, height, width);
  return FALSE;
}

gboolean
lab_task_for (LabModel    *model,
              LabDataset  *dataset,
              LabTask     *task,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!lab_task_for_size (model, dataset->height, dataset->width, task, &local_error))
    {
      g_set_error (error, LAB_ERROR, local_error->code, "%s (dataset “%s”)",
                   local_error->message, dataset->name);
      return FALSE;
    }
  if (*task == LAB_TASK_CLASSIFY)
    {
      gsize classes = lab_shape_size (lab_model_output_shape (model));

      if (dataset->labels == NULL)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                       "“%s” is a classifier, but the dataset “%s” has no labels",
                       lab_model_get_name (model), dataset->name);
          return FALSE;
        }
      if (dataset->n_classes > classes)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                       "“%s” tells %" G_GSIZE_FORMAT " classes apart, but the dataset “%s” "
                       "has %u", lab_model_get_name (model), classes, dataset->name,
                       dataset->n_classes);
          return FALSE;
        }
    }
  return TRUE;
}

void
lab_task_make_input (LabTask      task,
                     const float *x,
                     guint        n,
                     guint        height,
                     guint        width,
                     float       *input)
{
  if (task != LAB_TASK_SUPER_RESOLVE)
    {
      if (input != x)
        memcpy (input, x, (gsize) n * height * width * sizeof (float));
      return;
    }
  /* x (n, H, W) -> input (n, H/2, W/2): the mean of each 2x2 block. */
  for (guint b = 0; b < n; b++)
    {
      const float *src = x + (gsize) b * height * width;
      float *dst = input + (gsize) b * (height / 2) * (width / 2);

      for (guint y = 0; y < height / 2; y++)
        for (guint xx = 0; xx < width / 2; xx++)
          {
            const float *p = src + (gsize) 2 * y * width + 2 * xx;
            dst[y * (width / 2) + xx] = 0.25f * (p[0] + p[1] + p[width] + p[width + 1]);
          }
    }
}

/* Noise on images x (n, height, width) in place: from rng (a fresh draw per
 * batch), or with rng NULL one draw per image seeded by (seed, its index). */
static void
add_noise (const LabNoise *noise,
           float          *x,
           const guint    *indices,
           guint           n,
           guint           height,
           guint           width,
           LabRng         *rng,
           guint64         seed)
{
  if (noise == NULL || noise->type == LAB_NOISE_NONE)
    return;
  if (rng)
    {
      lab_noise_apply (noise, x, n, height, width, rng);
      return;
    }
  for (guint b = 0; b < n; b++)
    {
      LabRng r;

      lab_rng_init (&r, seed ^ ((guint64) indices[b] * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)));
      lab_noise_apply (noise, x + (gsize) b * height * width, 1, height, width, &r);
    }
}

void
lab_task_prepare_batch (LabTask         task,
                        LabModel       *model,
                        LabDataset     *dataset,
                        const guint    *indices,
                        guint           n,
                        const LabNoise *noise,
                        LabRng         *rng,
                        guint64         seed,
                        float          *input,
                        float          *target,
                        float          *clean)
{
  gsize pixels = (gsize) dataset->height * dataset->width;
  gsize out_size = lab_shape_size (lab_model_output_shape (model));

  lab_dataset_to_float (dataset, indices, n, clean);

  if (task == LAB_TASK_SUPER_RESOLVE)
    {
      /* Noise at full size, then averaged down: the sr-ae sees what a
       * low-resolution camera would of the noisy scene. target's memory
       * holds the noisy full-size images until the input is made. */
      memcpy (target, clean, (gsize) n * pixels * sizeof (float));
      add_noise (noise, target, indices, n, dataset->height, dataset->width, rng, seed);
      lab_task_make_input (task, target, n, dataset->height, dataset->width, input);
      memcpy (target, clean, (gsize) n * pixels * sizeof (float));
      return;
    }

  memcpy (input, clean, (gsize) n * pixels * sizeof (float));
  add_noise (noise, input, indices, n, dataset->height, dataset->width, rng, seed);
  if (task == LAB_TASK_CLASSIFY)
    {
      memset (target, 0, (gsize) n * out_size * sizeof (float));
      for (guint b = 0; b < n; b++)
        target[(gsize) b * out_size + dataset->labels[indices[b]]] = 1.0f;
    }
  else
    memcpy (target, clean, (gsize) n * pixels * sizeof (float));
}
