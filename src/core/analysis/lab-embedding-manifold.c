#define G_LOG_DOMAIN "latentlab-core"

/* The manifold: a grid of the embedding's plane, each point decoded to an
 * image (for a VAE, over the normal's quantiles), and the range it spans. */

#include "lab-embedding.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double
lab_normal_quantile (double p)
{
  /* Acklam's rational approximation (relative error 1.15e-9), refined by
   * one Halley step against erfc. */
  static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
                              -2.759285104469687e+02, 1.383577518672690e+02,
                              -3.066479806614716e+01, 2.506628277459239e+00 };
  static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
                              -1.556989798598866e+02, 6.680131188771972e+01,
                              -1.328068155288572e+01 };
  static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
                              -2.400758277161838e+00, -2.549732539343734e+00,
                              4.374664141464968e+00, 2.938163982698783e+00 };
  static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
                              2.445134137142996e+00, 3.754408661907416e+00 };
  double q, r, x, e, u;

  if (p <= 0)
    return -INFINITY;
  if (p >= 1)
    return INFINITY;
  if (p < 0.02425)
    {
      q = sqrt (-2 * log (p));
      x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
  else if (p > 1 - 0.02425)
    {
      q = sqrt (-2 * log (1 - p));
      x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
  else
    {
      q = p - 0.5;
      r = q * q;
      x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
          / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
  e = 0.5 * erfc (-x / G_SQRT2) - p;
  u = e * sqrt (2 * G_PI) * exp (x * x / 2);
  return x - u / (1 + x * u / 2);
}

static int
compare_float (const void *a,
               const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return x < y ? -1 : x > y;
}

static gboolean
is_vae (LabModel *model)
{
  const LabSpec *spec = lab_model_get_spec (model);
  guint last = lab_model_encoder_layers (model) - 1;

  return g_strcmp0 (lab_spec_get_layer_type (spec, last), "vae_sample") == 0;
}

void
lab_embedding_manifold_range (const LabEmbedding *self,
                              LabModel           *model,
                              double             *x0,
                              double             *x1,
                              double             *y0,
                              double             *y1)
{
  g_autofree float *v = NULL;
  gsize lo, hi;

  if (self->method == LAB_EMBED_LATENT && model != NULL && is_vae (model) && self->n > 0)
    {
      double q0 = lab_normal_quantile (0.05), q1 = lab_normal_quantile (0.95);
      guint inside = 0;

      /* The Keras example's grid assumes the latents follow the prior; a
       * briefly trained VAE's do not yet, and the grid would miss them. */
      for (guint r = 0; r < self->n; r++)
        inside += self->points[2 * r] >= q0 && self->points[2 * r] <= q1
                  && self->points[2 * r + 1] >= q0 && self->points[2 * r + 1] <= q1;
      if (inside >= 0.8 * self->n)
        {
          *x0 = *y0 = q0;
          *x1 = *y1 = q1;
          return;
        }
    }
  if (self->n == 0)
    {
      *x0 = *y0 = -1;
      *x1 = *y1 = 1;
      return;
    }
  v = g_new (float, self->n);
  lo = (gsize) lrint (0.01 * (self->n - 1));
  hi = (gsize) lrint (0.99 * (self->n - 1));
  for (guint axis = 0; axis < 2; axis++)
    {
      for (guint r = 0; r < self->n; r++)
        v[r] = self->points[2 * r + axis];
      qsort (v, self->n, sizeof (float), compare_float);
      *(axis == 0 ? x0 : y0) = v[lo];
      *(axis == 0 ? x1 : y1) = v[hi];
    }
  /* A degenerate axis (every point equal) still spans something. */
  if (*x1 - *x0 < 1e-9)
    *x0 -= 0.5, *x1 += 0.5;
  if (*y1 - *y0 < 1e-9)
    *y0 -= 0.5, *y1 += 0.5;
}

static guint8
to_byte (float v)
{
  return (guint8) lrintf (CLAMP (v, 0.0f, 1.0f) * 255.0f);
}

gboolean
lab_embedding_manifold (const LabEmbedding  *self,
                        LabModel            *model,
                        guint                grid,
                        double               x0,
                        double               x1,
                        double               y0,
                        double               y1,
                        guint8              *mosaic,
                        GError             **error)
{
  gsize h = self->height, w = self->width, pixels = h * w;
  g_autofree float *z = NULL;
  g_autofree float *images = NULL;

  if (!lab_embed_method_is_invertible (self->method))
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                           "t-SNE has no inverse, so its plane cannot be decoded as a grid; "
                           "use PCA or the raw 2-D latent");
      return FALSE;
    }
  if (grid < 2 || grid > 64)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "A manifold grid has 2 to 64 images a side, not %u", grid);
      return FALSE;
    }
  if (lab_embedding_latent_dim (model) != self->dim
      || lab_model_output_shape (model).h != self->height
      || lab_model_output_shape (model).w != self->width)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s” is not the model this embedding was made with (“%s”)",
                   lab_model_get_name (model), self->model_name);
      return FALSE;
    }

  z = g_new (float, (gsize) grid * self->dim);
  images = g_new (float, (gsize) grid * pixels);
  for (guint row = 0; row < grid; row++)
    {
      double y = y1 - (y1 - y0) * row / (grid - 1);

      for (guint col = 0; col < grid; col++)
        {
          double x = x0 + (x1 - x0) * col / (grid - 1);

          lab_embedding_latent_at (self, x, y, z + (gsize) col * self->dim, NULL, NULL, NULL);
        }
      if (!lab_embedding_decode (model, z, grid, self->dim, images, error))
        return FALSE;
      for (guint col = 0; col < grid; col++)
        for (gsize py = 0; py < h; py++)
          {
            guint8 *dst = mosaic + ((row * h + py) * grid + col) * w;
            const float *src = images + col * pixels + py * w;

            for (gsize px = 0; px < w; px++)
              dst[px] = to_byte (src[px]);
          }
    }
  return TRUE;
}
