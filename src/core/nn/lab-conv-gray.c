#define G_LOG_DOMAIN "latentlab-core"

/* The first layer of an image model: one input channel (gray pixels), a
 * 3×3 kernel at stride 1 with padding 1, many filters. As a GEMM its inner
 * dimension would be 9, so BLAS spends its time moving data; here every
 * 8 pixels of input are loaded once for all the filters instead. Forward
 * keeps 4 rows × 3 shifts of input in registers and takes two output rows
 * per broadcast weight; the weight gradient keeps each filter's 9 sums
 * and its bias sum in registers over the whole image. */

#include "lab-conv-gray.h"
#include "lab-layers-private.h"

#include <string.h>

#define LANES 8

gboolean
lab_conv_gray_fits (const LabConvGeom *g)
{
  return g->c == 1 && g->k == 3 && g->s == 1 && g->p == 1 && g->ho == g->h && g->wo == g->w
         && g->m >= 2;
}

/* The padded plane: rows h + 2, a row stride with room for the last
 * vector's overreach. */
static guint
padded_stride (guint w)
{
  return ((w + 7) & ~7u) + LANES + 2;
}

gsize
lab_conv_gray_scratch_floats (const LabConvGeom *g)
{
  const guint ws = padded_stride (g->w);

  /* the padded input, and one G_Y plane with whole vectors per row */
  return (gsize) (g->h + 2) * ws + (gsize) g->h * ((g->w + 7) & ~7u) + LANES;
}

static void
pad_input (float       *xp,
           const float *x,
           guint        h,
           guint        w)
{
  const guint ws = padded_stride (w);

  memset (xp, 0, (gsize) (h + 2) * ws * sizeof (float));
  for (guint y = 0; y < h; y++)
    memcpy (xp + (gsize) (y + 1) * ws + 1, x + (gsize) y * w, w * sizeof (float));
}

/* Stores the first n lanes of v at p. */
#define STORE_N(p, v, n)                                \
  G_STMT_START {                                        \
    if ((n) == LANES)                                   \
      LAB_V8_STORE ((p), (v));                              \
    else                                                \
      {                                                 \
        float tail_[LANES];                             \
        LAB_V8_STORE (tail_, (v));                          \
        memcpy ((p), tail_, (n) * sizeof (float));      \
      }                                                 \
  } G_STMT_END

LAB_SIMD_CLONES void
lab_conv_gray_forward (const LabConvGeom *g,
                       float             *y,
                       const float       *x,
                       const float       *w,
                       const float       *bias,
                       guint              batch,
                       float             *scratch)
{
  const guint h = g->h, wd = g->w, m = g->m, ws = padded_stride (wd);
  const gsize hw = (gsize) h * wd;
  float *xp = scratch;

  for (guint n = 0; n < batch; n++)
    {
      float *out = y + (gsize) n * m * hw;

      pad_input (xp, x + n * hw, h, wd);
      for (guint r = 0; r < h; r += 2)
        {
          const gboolean two = r + 1 < h;

          for (guint x0 = 0; x0 < wd; x0 += LANES)
            {
              const guint nx = MIN (LANES, wd - x0);
              LabV8 in[4][3];

#pragma GCC unroll 4
              for (guint a = 0; a < 4; a++)
#pragma GCC unroll 3
                for (guint s = 0; s < 3; s++)
                  if (a < 3 || two)
                    LAB_V8_LOAD (in[a][s], xp + (gsize) (r + a) * ws + x0 + s);
                  else
                    in[a][s] = LAB_V8_SPLAT (0.f);
              for (guint f = 0; f < m; f++)
                {
                  const float *wf = w + f * 9;
                  LabV8 acc0 = LAB_V8_SPLAT (bias[f]), acc1 = acc0;
                  float *o = out + f * hw + (gsize) r * wd + x0;

#pragma GCC unroll 3
                  for (guint a = 0; a < 3; a++)
#pragma GCC unroll 3
                    for (guint s = 0; s < 3; s++)
                      {
                        const LabV8 wt = LAB_V8_SPLAT (wf[a * 3 + s]);

                        acc0 += wt * in[a][s];
                        acc1 += wt * in[a + 1][s];
                      }
                  STORE_N (o, acc0, nx);
                  if (two)
                    STORE_N (o + wd, acc1, nx);
                }
            }
        }
    }
}

LAB_SIMD_CLONES void
lab_conv_gray_weight_grad (const LabConvGeom *g,
                           float             *dw,
                           float             *db,
                           const float       *x,
                           const float       *dy,
                           guint              batch,
                           float             *scratch)
{
  const guint h = g->h, wd = g->w, m = g->m, ws = padded_stride (wd), w8 = (wd + 7) & ~7u;
  const gsize hw = (gsize) h * wd;
  float *xp = scratch, *dyp = scratch + (gsize) (h + 2) * ws;

  /* zeros past each row's end stay: only the first wd of each row change */
  memset (dyp, 0, (gsize) h * w8 * sizeof (float));
  for (guint n = 0; n < batch; n++)
    {
      pad_input (xp, x + n * hw, h, wd);
      for (guint f = 0; f < m; f++)
        {
          const float *d = dy + ((gsize) n * m + f) * hw;
          LabV8 acc[9], accb = LAB_V8_SPLAT (0.f);
          float sums[10];

#pragma GCC unroll 9
          for (guint t = 0; t < 9; t++)
            acc[t] = LAB_V8_SPLAT (0.f);
          for (guint r = 0; r < h; r++)
            memcpy (dyp + (gsize) r * w8, d + (gsize) r * wd, wd * sizeof (float));
          for (guint r = 0; r < h; r++)
            for (guint x0 = 0; x0 < w8; x0 += LANES)
              {
                LabV8 gy;

                LAB_V8_LOAD (gy, dyp + (gsize) r * w8 + x0);
                accb += gy;
#pragma GCC unroll 3
                for (guint a = 0; a < 3; a++)
#pragma GCC unroll 3
                  for (guint s = 0; s < 3; s++)
                    {
                      LabV8 v;

                      LAB_V8_LOAD (v, xp + (gsize) (r + a) * ws + x0 + s);
                      acc[a * 3 + s] += gy * v;
                    }
              }
          for (guint t = 0; t < 10; t++)
            {
              const LabV8 v = t < 9 ? acc[t] : accb;
              float s = 0.f;

              for (guint l = 0; l < LANES; l++)
                s += v[l];
              sums[t] = s;
            }
          for (guint t = 0; t < 9; t++)
            dw[f * 9 + t] += sums[t];
          db[f] += sums[9];
        }
    }
}
