#define G_LOG_DOMAIN "latentlab-core"

#include "lab-loss.h"
#include "lab-vmath-private.h"

#include <math.h>
#include <string.h>

static const char * const loss_names[] = {
  [LAB_LOSS_MSE] = "mse",
  [LAB_LOSS_BCE] = "bce",
  [LAB_LOSS_SOFTMAX_CE] = "softmax_ce",
};

const char *
lab_loss_name (LabLossKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (loss_names), NULL);
  return loss_names[kind];
}

gboolean
lab_loss_from_name (const char   *name,
                    LabLossKind  *kind,
                    GError      **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (loss_names); i++)
    if (name != NULL && strcmp (name, loss_names[i]) == 0)
      {
        *kind = (LabLossKind) i;
        return TRUE;
      }
  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
               "Unknown loss “%s”: use “mse”, “bce” or “softmax_ce”",
               name ? name : "(none)");
  return FALSE;
}

/* n of the `total` elements a mean divides by: their share of the mean
 * and their gradient entries. */
static double
mse_part (const float *pred,
          const float *target,
          gsize        n,
          gsize        total,
          float       *grad)
{
  double sum = 0;
  float scale = 2.0f / (float) total;

  /* L = 1/n sum (p - t)^2;  dL/dp = 2 (p - t) / n */
  for (gsize i = 0; i < n; i++)
    {
      float d = pred[i] - target[i];
      sum += (double) d * d;
      if (grad)
        grad[i] = scale * d;
    }
  return total ? sum / total : 0.0;
}

double
lab_loss_mse (const float *pred,
              const float *target,
              gsize        n,
              float       *grad)
{
  return mse_part (pred, target, n, n, grad);
}

/* log clamped at -100, as torch's binary_cross_entropy does, so log(0) is finite. */
static inline double
clamped_log (double x)
{
  return x > 0 ? MAX (log (x), -100.0) : -100.0;
}

/* clamped_log of four values: ln x, at least -100; -100 for x <= 0 or
 * NaN. Subnormal x (below FLT_MIN, where the vector log does not apply)
 * are scaled by 2^24 first and have 24 ln 2 taken off again. */
static inline LabV4
clamped_log4 (LabV4 x)
{
  const LabV4i tiny = x < lab_v4_splat (0x1p-126f);
  LabV4 lg = lab_v4_log (lab_v4_select (tiny, x * lab_v4_splat (0x1p24f), x))
             - lab_v4_select (tiny, lab_v4_splat (16.635532333438687f), lab_v4_splat (0.f));

  lg = lab_v4_select (lg > lab_v4_splat (-100.f), lg, lab_v4_splat (-100.f));
  return lab_v4_select (x > lab_v4_splat (0.f), lg, lab_v4_splat (-100.f));
}

static double
bce_part (const float *pred,
          const float *target,
          gsize        n,
          gsize        total,
          float       *grad)
{
  typedef double D4 __attribute__ ((vector_size (32)));
  double sum = 0;
  double inv_n = 1.0 / (double) total;
  const LabV4 one = lab_v4_splat (1.f), floor = lab_v4_splat (1e-12f), inv4 = lab_v4_splat ((float) inv_n);
  D4 acc = { 0 };
  gsize i = 0;

  /* L = -1/n sum t log p + (1 - t) log (1 - p)
   * dL/dp = (p - t) / max (p (1 - p), 1e-12) / n
   * Four at a time in float (a vector log: two double logs per pixel were
   * 1% of a dae-keras32 step), summed in double. */
  for (; i + 4 <= n; i += 4)
    {
      LabV4 p = lab_v4_load (pred + i), t = lab_v4_load (target + i), q = one - p;

      acc -= __builtin_convertvector (t * clamped_log4 (p) + (one - t) * clamped_log4 (q), D4);
      if (grad)
        {
          LabV4 pq = p * q;

          lab_v4_store (grad + i, (p - t) / lab_v4_select (pq > floor, pq, floor) * inv4);
        }
    }
  sum = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  for (; i < n; i++)
    {
      double p = pred[i], t = target[i];
      sum -= t * clamped_log (p) + (1.0 - t) * clamped_log (1.0 - p);
      if (grad)
        grad[i] = (float) ((p - t) / MAX (p * (1.0 - p), 1e-12) * inv_n);
    }
  return total ? sum * inv_n : 0.0;
}

double
lab_loss_bce (const float *pred,
              const float *target,
              gsize        n,
              float       *grad)
{
  return bce_part (pred, target, n, n, grad);
}

static double
softmax_ce_part (const float *logits,
                 const float *target,
                 guint        rows,
                 guint        batch,
                 gsize        classes,
                 float       *grad)
{
  double total = 0;

  for (guint b = 0; b < rows; b++)
    {
      const float *z = logits + (gsize) b * classes;
      const float *t = target + (gsize) b * classes;
      double zmax = z[0], sum_exp = 0, sum_t = 0, lse;

      for (gsize k = 1; k < classes; k++)
        zmax = MAX (zmax, z[k]);
      for (gsize k = 0; k < classes; k++)
        {
          sum_exp += exp (z[k] - zmax);
          sum_t += t[k];
        }
      lse = zmax + log (sum_exp);
      /* L_b = sum_k t_k (lse - z_k);  dL_b/dz_j = softmax_j sum_k t_k - t_j */
      for (gsize k = 0; k < classes; k++)
        total += t[k] * (lse - z[k]);
      if (grad)
        {
          float *g = grad + (gsize) b * classes;
          for (gsize k = 0; k < classes; k++)
            g[k] = (float) ((exp (z[k] - lse) * sum_t - t[k]) / batch);
        }
    }
  return batch ? total / batch : 0.0;
}

double
lab_loss_softmax_ce (const float *logits,
                     const float *target,
                     guint        batch,
                     gsize        classes,
                     float       *grad)
{
  return softmax_ce_part (logits, target, batch, batch, classes, grad);
}

double
lab_loss_compute_slice (LabLossKind  kind,
                        const float *pred,
                        const float *target,
                        guint        rows,
                        guint        batch,
                        gsize        dim,
                        float       *grad)
{
  switch (kind)
    {
    case LAB_LOSS_MSE:
      return mse_part (pred, target, (gsize) rows * dim, (gsize) batch * dim, grad);
    case LAB_LOSS_BCE:
      return bce_part (pred, target, (gsize) rows * dim, (gsize) batch * dim, grad);
    case LAB_LOSS_SOFTMAX_CE:
      return softmax_ce_part (pred, target, rows, batch, dim, grad);
    default:
      g_return_val_if_reached (NAN);
    }
}

double
lab_loss_compute (LabLossKind  kind,
                  const float *pred,
                  const float *target,
                  guint        batch,
                  gsize        dim,
                  float       *grad)
{
  switch (kind)
    {
    case LAB_LOSS_MSE:
      return lab_loss_mse (pred, target, (gsize) batch * dim, grad);
    case LAB_LOSS_BCE:
      return lab_loss_bce (pred, target, (gsize) batch * dim, grad);
    case LAB_LOSS_SOFTMAX_CE:
      return lab_loss_softmax_ce (pred, target, batch, dim, grad);
    default:
      g_return_val_if_reached (NAN);
    }
}

void
lab_loss_per_image (const float *pred,
                    const float *target,
                    guint        batch,
                    gsize        dim,
                    double      *mse,
                    double      *bce)
{
  for (guint b = 0; b < batch; b++)
    {
      const float *p = pred + (gsize) b * dim;
      const float *t = target + (gsize) b * dim;
      double se = 0, ce = 0;

      for (gsize i = 0; i < dim; i++)
        {
          double d = (double) p[i] - t[i];
          se += d * d;
          if (bce)
            ce -= t[i] * clamped_log (p[i]) + (1.0 - t[i]) * clamped_log (1.0 - p[i]);
        }
      if (mse)
        mse[b] = se / dim;
      if (bce)
        bce[b] = ce / dim;
    }
}

double
lab_psnr (double mse)
{
  return mse < 1e-10 ? 100.0 : 10.0 * log10 (1.0 / mse);
}
