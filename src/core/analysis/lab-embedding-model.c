#define G_LOG_DOMAIN "latentlab-core"

/* The model's side of an embedding: images to latents (the encoder) and
 * latents back to images (the decoder, an interpolation). */

#include "lab-embedding.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-task-batches.h"

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

typedef struct
{
  LabModel    *model;
  LabDataset  *dataset;
  const guint *indices;
  gsize        dim;
  float       *latents;
} Encoding;

static gboolean
encode_batch (const float  *clean,
              const float  *input,
              guint         start,
              guint         m,
              gpointer      user_data,
              GError      **error)
{
  Encoding *e = user_data;
  const float *z = lab_model_encode (e->model, input, m);

  for (gsize i = 0; i < (gsize) m * e->dim; i++)
    if (!isfinite (z[i]))
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_DIVERGED,
                     "“%s” encodes image %u of “%s” as NaN or infinity: the model has "
                     "diverged; train it again with a lower learning rate",
                     lab_model_get_name (e->model), e->indices[start + i / e->dim],
                     e->dataset->name);
        return FALSE;
      }
  memcpy (e->latents + (gsize) start * e->dim, z, (gsize) m * e->dim * sizeof (float));
  return TRUE;
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
  Encoding e = { model, dataset, indices, lab_embedding_latent_dim (model), latents };
  LabTask task;

  if (!lab_embedding_check_encoder (model, dataset, error))
    return FALSE;
  if (!lab_task_for (model, dataset, &task, error))
    return FALSE;
  return lab_task_run_batches (task, model, dataset, indices, n, ENCODE_BATCH, cancellable,
                               _("Encoding was stopped before it finished"), progress, user_data,
                               encode_batch, &e, error);
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
