#define G_LOG_DOMAIN "latentlab-core"

/* The model's side of an embedding: images to latents (the encoder) and
 * latents back to images (the decoder, an interpolation). */

#include "lab-embedding.h"

#include <math.h>
#include <string.h>

#include "lab-task.h"

/* Images per encoder pass: big enough for sgemm to pay off, small enough
 * that the activations of a wide model stay a few tens of MB. */
#define ENCODE_BATCH 256

guint
lab_embedding_latent_dim (LabModel *model)
{
  return (guint) lab_shape_size (lab_model_latent_shape (model));
}

gboolean
lab_embedding_check_encoder (LabModel    *model,
                             LabDataset  *dataset,
                             GError     **error)
{
  LabTask task;

  if (lab_model_encoder_layers (model) >= lab_model_n_layers (model))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "“%s” has no encoder/decoder split: all %u of its layers are one block, "
                   "so none of them is a latent to read. Choose an architecture with an "
                   "encoder and a decoder",
                   lab_model_get_name (model), lab_model_n_layers (model));
      return FALSE;
    }
  if (dataset != NULL && !lab_task_for (model, dataset, &task, error))
    return FALSE;
  return TRUE;
}

gboolean
lab_embedding_check_model (LabModel    *model,
                           LabDataset  *dataset,
                           GError     **error)
{
  const char *name = lab_model_get_name (model);
  LabShape out = lab_model_output_shape (model);
  LabTask task;

  if (lab_model_get_loss (model) == LAB_LOSS_SOFTMAX_CE)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "“%s” is a classifier: it ends in class scores, so no point of its "
                   "latent space can be turned back into an image. The latent space needs "
                   "an autoencoder",
                   name);
      return FALSE;
    }
  if (lab_model_encoder_layers (model) >= lab_model_n_layers (model))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "“%s” has no decoder: all %u of its layers are the encoder, so a latent "
                   "point cannot be turned back into an image. Choose an architecture with "
                   "an encoder/decoder split",
                   name, lab_model_n_layers (model));
      return FALSE;
    }
  if (out.c != 1)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s” makes %u-channel outputs, not grayscale images", name, out.c);
      return FALSE;
    }
  if (dataset != NULL && !lab_task_for (model, dataset, &task, error))
    return FALSE;
  return TRUE;
}

static gboolean
ensure_batch (LabModel  *model,
              guint      batch,
              GError   **error)
{
  if (lab_model_get_batch (model) >= batch)
    return TRUE;
  return lab_model_set_batch (model, batch, error);
}

gboolean
lab_embedding_encode (LabModel         *model,
                      LabDataset       *dataset,
                      const guint      *indices,
                      guint             n,
                      float            *latents,
                      GCancellable     *cancellable,
                      LabProgressFunc   progress,
                      gpointer          user_data,
                      GError          **error)
{
  gsize pixels = (gsize) dataset->height * dataset->width;
  gsize in_size = lab_shape_size (lab_model_input_shape (model));
  gsize dim = lab_embedding_latent_dim (model);
  guint batch = MIN (MAX (n, 1u), ENCODE_BATCH);
  g_autofree float *clean = NULL;
  g_autofree float *input = NULL;
  LabTask task;

  if (!lab_embedding_check_encoder (model, dataset, error))
    return FALSE;
  if (!lab_task_for (model, dataset, &task, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (indices[i] >= dataset->n)
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "Image %u is not in “%s”, which has %u images", indices[i], dataset->name,
                     dataset->n);
        return FALSE;
      }
  if (!ensure_batch (model, batch, error))
    return FALSE;

  clean = g_new (float, (gsize) batch * pixels);
  input = g_new (float, (gsize) batch * in_size);
  for (guint start = 0; start < n; start += batch)
    {
      guint m = MIN (batch, n - start);
      const float *z;

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (error, LAB_ERROR, LAB_ERROR_CANCELLED,
                               "Encoding was stopped before it finished");
          return FALSE;
        }
      lab_dataset_to_float (dataset, indices + start, m, clean);
      lab_task_make_input (task, clean, m, dataset->height, dataset->width, input);
      z = lab_model_encode (model, input, m);
      for (gsize i = 0; i < (gsize) m * dim; i++)
        if (!isfinite (z[i]))
          {
            g_set_error (error, LAB_ERROR, LAB_ERROR_DIVERGED,
                         "“%s” encodes image %u of “%s” as NaN or infinity: the model has "
                         "diverged; train it again with a lower learning rate",
                         lab_model_get_name (model), indices[start + i / dim], dataset->name);
            return FALSE;
          }
      memcpy (latents + (gsize) start * dim, z, (gsize) m * dim * sizeof (float));
      if (progress != NULL)
        progress ((double) (start + m) / n, NULL, user_data);
    }
  return TRUE;
}

/* Decoding */

gboolean
lab_embedding_decode (LabModel     *model,
                      const float  *latents,
                      guint         n,
                      guint         dim,
                      float        *images,
                      GError      **error)
{
  guint expected = lab_embedding_latent_dim (model);
  gsize out_size = lab_shape_size (lab_model_output_shape (model));
  guint batch;

  if (!lab_embedding_check_model (model, NULL, error))
    return FALSE;
  if (dim != expected)
    {
      LabShape s = lab_model_latent_shape (model);

      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s” has a latent of %u values (%u × %u × %u), but %u were given",
                   lab_model_get_name (model), expected, s.c, s.h, s.w, dim);
      return FALSE;
    }
  for (gsize i = 0; i < (gsize) n * dim; i++)
    if (!isfinite (latents[i]))
      {
        g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                             "A latent value is NaN or infinite");
        return FALSE;
      }
  if (n == 0)
    return TRUE;
  batch = MIN (n, ENCODE_BATCH);
  if (!ensure_batch (model, batch, error))
    return FALSE;
  batch = MIN (lab_model_get_batch (model), ENCODE_BATCH);
  for (guint start = 0; start < n; start += batch)
    {
      guint m = MIN (batch, n - start);
      const float *y = lab_model_decode (model, latents + (gsize) start * dim, m);

      memcpy (images + (gsize) start * out_size, y, (gsize) m * out_size * sizeof (float));
    }
  return TRUE;
}

gboolean
lab_embedding_interpolate (LabModel     *model,
                           const float  *from,
                           const float  *to,
                           guint         dim,
                           guint         steps,
                           float        *latents,
                           float        *images,
                           GError      **error)
{
  g_autofree float *owned = NULL;
  float *z = latents;

  if (steps < 2 || steps > 1000)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "An interpolation takes 2 to 1,000 steps, not %u", steps);
      return FALSE;
    }
  if (z == NULL)
    z = owned = g_new (float, (gsize) steps * dim);
  for (guint i = 0; i < steps; i++)
    {
      /* The endpoints are the given latents exactly, not a rounded blend. */
      float t = (float) i / (steps - 1);

      for (guint j = 0; j < dim; j++)
        z[(gsize) i * dim + j] = i == 0 ? from[j]
                                 : i == steps - 1 ? to[j]
                                 : from[j] + t * (to[j] - from[j]);
    }
  /* Without images, decoding none still checks the model and the size. */
  if (images == NULL)
    return lab_embedding_decode (model, z, 0, dim, NULL, error);
  return lab_embedding_decode (model, z, steps, dim, images, error);
}
