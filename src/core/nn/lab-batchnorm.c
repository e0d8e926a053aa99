#define G_LOG_DOMAIN "latentlab-core"

/* BatchNorm2d / BatchNorm1d as PyTorch's: per channel c over the batch and
 * the pixels (N, H, W), or over (N, L) for 1-D input (C, 1, L).
 * weight γ (C) init 1, bias β (C) init 0; buffers running_mean (C) init 0,
 * running_var (C) init 1, updated in training with momentum 0.1 and the
 * UNBIASED batch variance, as PyTorch does.
 *
 *   x̂ = (x - μ) / sqrt(σ² + eps),  y = γ x̂ + β
 *   training: μ, σ² from the batch (biased σ² normalises);
 *   G_γ += Σ G_y x̂,  G_β += Σ G_y,
 *   G_x += γ/(m·σ̃) (m G_y - Σ G_y - x̂ Σ G_y x̂)   with m values per channel
 *   eval: μ, σ² are the running statistics, constants: G_x += γ/σ̃ G_y
 *
 * scratch: invstd (C), then x̂ (B, C, H, W), both from forward. */

#include "lab-layers-private.h"

#include <math.h>

typedef struct
{
  LabLayer parent;
  double   eps;
  double   momentum;
} LabBatchNorm;

static inline float
v4_sum (LabV4 v)
{
  return (v[0] + v[1]) + (v[2] + v[3]);
}

/* Σ (x[i] - c) and Σ (x[i] - c)² over n values; float within one plane
 * (at most a few thousand values), double across planes. */
static void
plane_sums (const float *x,
            gsize        n,
            float        c,
            double      *sum,
            double      *sq)
{
  const LabV4 cv = lab_v4_splat (c);
  LabV4 s1 = { 0 }, s2 = { 0 };
  float t1 = 0.f, t2 = 0.f;
  gsize i = 0;

  for (; i + 4 <= n; i += 4)
    {
      LabV4 d = lab_v4_load (x + i) - cv;
      s1 += d;
      s2 += d * d;
    }
  for (; i < n; i++)
    {
      t1 += x[i] - c;
      t2 += (x[i] - c) * (x[i] - c);
    }
  *sum += v4_sum (s1) + t1;
  *sq += v4_sum (s2) + t2;
}

static const LabLayerOption bn_options[] = {
  { .key = "eps", .kind = LAB_OPTION_DOUBLE, .min = 1e-12, .max = 1.0, .def = 1e-5, .fresh = 1e-5,
    .step = 1e-5, .offset = G_STRUCT_OFFSET (LabBatchNorm, eps), .label = N_("eps"),
    .help = N_("Added to the variance before its square root, so a constant channel does not divide by zero") },
  { .key = "momentum", .kind = LAB_OPTION_DOUBLE, .min = 0.0, .max = 1.0, .def = 0.1, .fresh = 0.1,
    .step = 0.01, .offset = G_STRUCT_OFFSET (LabBatchNorm, momentum), .label = N_("momentum"),
    .help = N_("How fast the running statistics that evaluation uses follow each batch") },
};

static gboolean
bn_setup (LabLayer  *layer,
          LabShape   in,
          GError   **error)
{
  if (layer->klass == &lab_batchnorm1d_class && in.h != 1)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "Layer “batchnorm1d” normalises features, but gets images of %u×%u pixels "
                   "with %u channels; use “batchnorm2d” after convolutions",
                   in.h, in.w, in.c);
      return FALSE;
    }
  layer->out = in;
  lab_layer_add_tensor (layer, "weight", TRUE, 1, in.c, 0, 0, 0);
  lab_layer_add_tensor (layer, "bias", TRUE, 1, in.c, 0, 0, 0);
  lab_layer_add_tensor (layer, "running_mean", FALSE, 1, in.c, 0, 0, 0);
  lab_layer_add_tensor (layer, "running_var", FALSE, 1, in.c, 0, 0, 0);
  return TRUE;
}

static void
bn_init (LabLayer *layer,
         float    *params,
         float    *buffers,
         LabInit   init,
         LabRng   *rng)
{
  const guint c = layer->in.c;

  for (guint i = 0; i < c; i++)
    {
      params[i] = 1.f;
      params[c + i] = 0.f;
      buffers[i] = 0.f;
      buffers[c + i] = 1.f;
    }
}

static gsize
bn_scratch_floats (LabLayer *layer,
                   guint     batch)
{
  return layer->in.c + (gsize) batch * lab_shape_size (layer->in);
}

static void
bn_forward (LabLayer      *layer,
            const LabPass *pass)
{
  LabBatchNorm *self = (LabBatchNorm *) layer;
  const guint C = layer->in.c, B = pass->batch;
  const gsize hw = (gsize) layer->in.h * layer->in.w, m = (gsize) B * hw;
  const float *gamma = pass->params, *beta = pass->params + C;
  float *running_mean = pass->buffers, *running_var = pass->buffers + C;
  float *invstd = pass->scratch, *xhat = pass->scratch + C;

  for (guint c = 0; c < C; c++)
    {
      double mean, var;
      float mu, is;

      if (pass->training)
        {
          double sum = 0, sq = 0, unused = 0;

          /* two passes: the mean first, then squared deviations from it */
          for (guint n = 0; n < B; n++)
            plane_sums (pass->in + ((gsize) n * C + c) * hw, hw, 0.f, &sum, &unused);
          mean = sum / m;
          sum = 0;
          for (guint n = 0; n < B; n++)
            plane_sums (pass->in + ((gsize) n * C + c) * hw, hw, (float) mean, &sum, &sq);
          /* sum is Σ (x - mean) as rounded: correct the variance by it */
          var = MAX (sq / m - (sum / m) * (sum / m), 0.0);
          /* One value per channel has no unbiased variance (PyTorch refuses
           * to train on it); keep the running value from moving to NaN. */
          running_mean[c] = (float) ((1 - self->momentum) * running_mean[c] + self->momentum * mean);
          running_var[c] = (float) ((1 - self->momentum) * running_var[c]
                                    + self->momentum * (m > 1 ? var * m / (m - 1) : var));
        }
      else
        {
          mean = running_mean[c];
          var = running_var[c];
        }

      mu = (float) mean;
      is = (float) (1.0 / sqrt (var + self->eps));
      invstd[c] = is;
      for (guint n = 0; n < B; n++)
        {
          const gsize off = ((gsize) n * C + c) * hw;
          const float *restrict x = pass->in + off;
          float *restrict xh = xhat + off, *restrict y = pass->out + off;
          const LabV4 muv = lab_v4_splat (mu), isv = lab_v4_splat (is);
          const LabV4 gv = lab_v4_splat (gamma[c]), bv = lab_v4_splat (beta[c]);
          gsize q = 0;

          for (; q + 4 <= hw; q += 4)
            {
              LabV4 v = (lab_v4_load (x + q) - muv) * isv;
              lab_v4_store (xh + q, v);
              lab_v4_store (y + q, gv * v + bv);
            }
          for (; q < hw; q++)
            {
              xh[q] = (x[q] - mu) * is;
              y[q] = gamma[c] * xh[q] + beta[c];
            }
        }
    }
}

static void
bn_backward (LabLayer      *layer,
             const LabPass *pass)
{
  const guint C = layer->in.c, B = pass->batch;
  const gsize hw = (gsize) layer->in.h * layer->in.w, m = (gsize) B * hw;
  const float *gamma = pass->params;
  float *dgamma = pass->dparams, *dbeta = pass->dparams + C;
  const float *invstd = pass->scratch, *xhat = pass->scratch + C;

  for (guint c = 0; c < C; c++)
    {
      double sum_dy = 0, sum_dy_xhat = 0;
      float k, a, b;

      for (guint n = 0; n < B; n++)
        {
          const gsize off = ((gsize) n * C + c) * hw;
          const float *dy = pass->dout + off, *xh = xhat + off;
          LabV4 v1 = { 0 }, v2 = { 0 };
          float s1 = 0.f, s2 = 0.f;
          gsize q = 0;

          for (; q + 4 <= hw; q += 4)
            {
              LabV4 d = lab_v4_load (dy + q);
              v1 += d;
              v2 += d * lab_v4_load (xh + q);
            }
          for (; q < hw; q++)
            {
              s1 += dy[q];
              s2 += dy[q] * xh[q];
            }
          sum_dy += s1 + v4_sum (v1);
          sum_dy_xhat += s2 + v4_sum (v2);
        }
      dgamma[c] += (float) sum_dy_xhat;
      dbeta[c] += (float) sum_dy;
      if (pass->din == NULL)
        continue;

      /* G_x = k (G_y - a - x̂ b): k = γ σ̃⁻¹, a = mean G_y, b = mean G_y x̂;
       * in eval the statistics are constants and a = b = 0. */
      k = gamma[c] * invstd[c];
      a = pass->training ? (float) (sum_dy / m) : 0.f;
      b = pass->training ? (float) (sum_dy_xhat / m) : 0.f;
      for (guint n = 0; n < B; n++)
        {
          const gsize off = ((gsize) n * C + c) * hw;
          const float *restrict dy = pass->dout + off, *restrict xh = xhat + off;
          float *restrict dx = pass->din + off;
          const LabV4 kv = lab_v4_splat (k), av = lab_v4_splat (a), bv = lab_v4_splat (b);
          gsize q = 0;

          for (; q + 4 <= hw; q += 4)
            lab_v4_store (dx + q, lab_v4_load (dx + q)
                                  + kv * (lab_v4_load (dy + q) - av - lab_v4_load (xh + q) * bv));
          for (; q < hw; q++)
            dx[q] += k * (dy[q] - a - xh[q] * b);
        }
    }
}

const LabLayerClass lab_batchnorm2d_class = {
  .type = "batchnorm2d",
  .title = "BatchNormalization",
  .batch_use = LAB_BATCH_MIXES_TRAINING,
  .help = N_("Batch normalization per channel: steadier, faster training"),
  .size = sizeof (LabBatchNorm),
  .options = bn_options,
  .n_options = G_N_ELEMENTS (bn_options),
  .setup = bn_setup,
  .init = bn_init,
  .scratch_floats = bn_scratch_floats,
  .forward = bn_forward,
  .backward = bn_backward,
  .free = lab_layer_free_plain,
};

const LabLayerClass lab_batchnorm1d_class = {
  .type = "batchnorm1d",
  .title = "BatchNormalization",
  .batch_use = LAB_BATCH_MIXES_TRAINING,
  .help = N_("Batch normalization per value of a vector"),
  .size = sizeof (LabBatchNorm),
  .options = bn_options,
  .n_options = G_N_ELEMENTS (bn_options),
  .setup = bn_setup,
  .init = bn_init,
  .scratch_floats = bn_scratch_floats,
  .forward = bn_forward,
  .backward = bn_backward,
  .free = lab_layer_free_plain,
};
