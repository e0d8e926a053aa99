#define G_LOG_DOMAIN "latentlab-core"

#include "lab-conv-direct.h"

#include <string.h>

#include "lab-vmath-private.h"

/* Direct loops replace the GEMMs for a one-channel output (M = 1) at
 * stride 1, where padding fits the kernel (p < k), so the adjoint
 * correlation needs no negative padding. */
gboolean
lab_conv_direct_fits (const LabConvGeom *g)
{
  return g->m == 1 && g->s == 1 && g->p < g->k;
}

/* Scratch layout of the direct path, per image (reused across the batch):
 *   xp    (C, h + 2p, w + 2p)        the input, zero-padded
 *   dyp   (M, ho + 2q, wo + 2q)      G_y padded by q = k-1-p for G_x
 *   dy8   (M, ho, wo rounded to 8)   G_y with zeroed row tails for G_W
 *   wflip (C, M, k, k)               W turned 180° for G_x
 * each followed by a few floats that 8-wide blocks may read past the end. */
#define DIRECT_SLACK 16

typedef struct
{
  float *xp, *dyp, *dy8, *wflip;
  guint  hp, wp, hq, wq, wo8;
} DirectBuffers;

static gsize
direct_buffers (const LabConvGeom *g,
                float             *scratch,
                DirectBuffers     *d)
{
  const guint q = g->k - 1 - g->p;
  gsize n = 0;

  d->hp = g->h + 2 * g->p;
  d->wp = g->w + 2 * g->p;
  d->hq = g->ho + 2 * q;
  d->wq = g->wo + 2 * q;
  d->wo8 = (g->wo + 7) & ~7u;
  d->xp = scratch ? scratch + n : NULL;
  n += (gsize) g->c * d->hp * d->wp + DIRECT_SLACK;
  d->dyp = scratch ? scratch + n : NULL;
  n += (gsize) g->m * d->hq * d->wq + DIRECT_SLACK;
  d->dy8 = scratch ? scratch + n : NULL;
  n += (gsize) g->m * g->ho * d->wo8 + DIRECT_SLACK;
  d->wflip = scratch ? scratch + n : NULL;
  n += (gsize) g->c * g->m * g->k * g->k;
  return n;
}

/* dst (C, h + 2*pad, w + 2*pad) = src (C, h, w) framed by zeros. */
static void
pad_planes (float       *dst,
            const float *src,
            guint        c,
            guint        h,
            guint        w,
            guint        pad)
{
  const guint wp = w + 2 * pad, hp = h + 2 * pad;

  for (guint ci = 0; ci < c; ci++)
    {
      float *d = dst + (gsize) ci * hp * wp;
      const float *s = src + (gsize) ci * h * w;

      memset (d, 0, (gsize) pad * wp * sizeof (float));
      for (guint y = 0; y < h; y++)
        {
          float *row = d + (gsize) (y + pad) * wp;

          for (guint x = 0; x < pad; x++)
            row[x] = row[pad + w + x] = 0.f;
          memcpy (row + pad, s + (gsize) y * w, w * sizeof (float));
        }
      memset (d + (gsize) (pad + h) * wp, 0, (gsize) pad * wp * sizeof (float));
    }
}

/* Stores one row of 8 sums (lo, hi) to o[0..nx), or adds them to it. */
static inline void
store_row (float    *o,
           guint     nx,
           gboolean  accumulate,
           LabV4     lo,
           LabV4     hi)
{
  float tail[8];

  if (nx == 8)
    {
      if (accumulate)
        {
          lo += lab_v4_load (o);
          hi += lab_v4_load (o + 4);
        }
      lab_v4_store (o, lo);
      lab_v4_store (o + 4, hi);
      return;
    }
  lab_v4_store (tail, lo);
  lab_v4_store (tail + 4, hi);
  for (guint j = 0; j < nx; j++)
    o[j] = accumulate ? o[j] + tail[j] : tail[j];
}

/* out (ho, wo) = init + Σ_{c < nc} Σ_{ky,kx} w[c][ky][kx] · xp[c][y + ky][x + kx]
 * (or out += the sum when accumulate). xp planes (hp, wp) are pstride
 * apart. Blocks of 4 rows × 8 columns stay in eight registers while every
 * tap of every plane goes by: enough independent sums to hide the adder's
 * latency. The last block of a row may read past it (into the next row or
 * the slack) and stores only what is valid; leftover rows go one by one. */
static void
correlate (float       *restrict out,
           guint                 ho,
           guint                 wo,
           float                 init,
           gboolean              accumulate,
           const float *restrict xp,
           guint                 nc,
           gsize                 pstride,
           guint                 wp,
           const float *restrict w,
           guint                 k)
{
  guint y = 0;

  for (; y + 4 <= ho; y += 4)
    for (guint x0 = 0; x0 < wo; x0 += 8)
      {
        LabV4 a0 = lab_v4_splat (init), b0 = a0, a1 = a0, b1 = a0;
        LabV4 a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        float *o = out + (gsize) y * wo + x0;

        for (guint c = 0; c < nc; c++)
          for (guint ky = 0; ky < k; ky++)
            {
              const float *row = xp + c * pstride + (gsize) (y + ky) * wp + x0;
              const float *wr = w + ((gsize) c * k + ky) * k;

              for (guint kx = 0; kx < k; kx++)
                {
                  const LabV4 wt = lab_v4_splat (wr[kx]);
                  const float *p = row + kx;

                  a0 += wt * lab_v4_load (p);
                  b0 += wt * lab_v4_load (p + 4);
                  a1 += wt * lab_v4_load (p + wp);
                  b1 += wt * lab_v4_load (p + wp + 4);
                  a2 += wt * lab_v4_load (p + 2 * wp);
                  b2 += wt * lab_v4_load (p + 2 * wp + 4);
                  a3 += wt * lab_v4_load (p + 3 * wp);
                  b3 += wt * lab_v4_load (p + 3 * wp + 4);
                }
            }
        store_row (o, MIN (8, wo - x0), accumulate, a0, b0);
        store_row (o + wo, MIN (8, wo - x0), accumulate, a1, b1);
        store_row (o + 2 * wo, MIN (8, wo - x0), accumulate, a2, b2);
        store_row (o + 3 * wo, MIN (8, wo - x0), accumulate, a3, b3);
      }

  for (; y < ho; y++)
    for (guint x0 = 0; x0 < wo; x0 += 8)
      {
        LabV4 a0 = lab_v4_splat (init), b0 = a0;

        for (guint c = 0; c < nc; c++)
          for (guint ky = 0; ky < k; ky++)
            {
              const float *row = xp + c * pstride + (gsize) (y + ky) * wp + x0;
              const float *wr = w + ((gsize) c * k + ky) * k;

              for (guint kx = 0; kx < k; kx++)
                {
                  const LabV4 wt = lab_v4_splat (wr[kx]);

                  a0 += wt * lab_v4_load (row + kx);
                  b0 += wt * lab_v4_load (row + kx + 4);
                }
            }
        store_row (out + (gsize) y * wo + x0, MIN (8, wo - x0), accumulate, a0, b0);
      }
}

static inline float
v4_sum (LabV4 v)
{
  return v[0] + v[1] + v[2] + v[3];
}

/* dw[ky][kx] += Σ_{y,x} dy8[y][x] · xp[y + ky][x + kx]; dy8 rows (wo8) have
 * zeros past wo, so whole blocks of 8 are safe. A 3-wide kernel row shares
 * each load of dy8 between its three taps. */
static void
correlate_weights (float       *restrict dw,
                   const float *restrict dy8,
                   guint                 ho,
                   guint                 wo8,
                   const float *restrict xp,
                   guint                 wp,
                   guint                 k)
{
  for (guint ky = 0; ky < k; ky++)
    {
      if (k == 3)
        {
          LabV4 a0 = { 0 }, b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0;

          for (guint y = 0; y < ho; y++)
            {
              const float *d = dy8 + (gsize) y * wo8;
              const float *r = xp + (gsize) (y + ky) * wp;

              for (guint x0 = 0; x0 < wo8; x0 += 8)
                {
                  const LabV4 d0 = lab_v4_load (d + x0), d1 = lab_v4_load (d + x0 + 4);
                  const float *p = r + x0;

                  a0 += d0 * lab_v4_load (p);
                  b0 += d1 * lab_v4_load (p + 4);
                  a1 += d0 * lab_v4_load (p + 1);
                  b1 += d1 * lab_v4_load (p + 5);
                  a2 += d0 * lab_v4_load (p + 2);
                  b2 += d1 * lab_v4_load (p + 6);
                }
            }
          dw[ky * 3] += v4_sum (a0 + b0);
          dw[ky * 3 + 1] += v4_sum (a1 + b1);
          dw[ky * 3 + 2] += v4_sum (a2 + b2);
          continue;
        }

      for (guint kx = 0; kx < k; kx++)
        {
          LabV4 a0 = { 0 }, b0 = a0;

          for (guint y = 0; y < ho; y++)
            {
              const float *d = dy8 + (gsize) y * wo8;
              const float *r = xp + (gsize) (y + ky) * wp + kx;

              for (guint x0 = 0; x0 < wo8; x0 += 8)
                {
                  a0 += lab_v4_load (d + x0) * lab_v4_load (r + x0);
                  b0 += lab_v4_load (d + x0 + 4) * lab_v4_load (r + x0 + 4);
                }
            }
          dw[ky * k + kx] += v4_sum (a0 + b0);
        }
    }
}

/* out (B, M, Ho, Wo) = b + W ⋆ x, one output plane at a time. */
void
lab_conv_direct_forward (float             *out,
                const float       *x,
                const float       *w,
                const float       *b,
                guint              batch,
                const LabConvGeom *g,
                float             *scratch)
{
  const gsize in_size = (gsize) g->c * g->h * g->w, hwo = (gsize) g->ho * g->wo;
  const gsize kk = (gsize) g->c * g->k * g->k;
  DirectBuffers d;

  direct_buffers (g, scratch, &d);
  memset (d.xp + (gsize) g->c * d.hp * d.wp, 0, DIRECT_SLACK * sizeof (float));
  for (guint n = 0; n < batch; n++)
    {
      pad_planes (d.xp, x + n * in_size, g->c, g->h, g->w, g->p);
      for (guint f = 0; f < g->m; f++)
        correlate (out + (n * g->m + f) * hwo, g->ho, g->wo, b[f], FALSE,
                   d.xp, g->c, (gsize) d.hp * d.wp, d.wp, w + f * kk, g->k);
    }
}

/* G_W[f][c] += G_y[f] ⋆ x[c];  G_x[c] += Σ_f pad(G_y[f]) ⋆ rot180(W[f][c]) */
void
lab_conv_direct_backward (float             *dx,
                 float             *dw,
                 float             *db,
                 const float       *x,
                 const float       *w,
                 const float       *dy,
                 guint              batch,
                 const LabConvGeom *g,
                 float             *scratch)
{
  const guint k = g->k, q = k - 1 - g->p;
  const gsize in_size = (gsize) g->c * g->h * g->w, hwo = (gsize) g->ho * g->wo;
  const gsize kk = (gsize) g->c * k * k;
  DirectBuffers d;

  direct_buffers (g, scratch, &d);
  lab_bias_grad_add (db, dy, batch, g->m, hwo);
  memset (d.xp + (gsize) g->c * d.hp * d.wp, 0, DIRECT_SLACK * sizeof (float));
  memset (d.dyp + (gsize) g->m * d.hq * d.wq, 0, DIRECT_SLACK * sizeof (float));
  memset (d.dy8, 0, (gsize) g->m * g->ho * d.wo8 * sizeof (float));
  for (guint ci = 0; ci < g->c; ci++)
    for (guint f = 0; f < g->m; f++)
      for (guint t = 0; t < k * k; t++)
        d.wflip[((gsize) ci * g->m + f) * k * k + t] = w[f * kk + (gsize) ci * k * k + k * k - 1 - t];

  for (guint n = 0; n < batch; n++)
    {
      const float *dyn = dy + n * g->m * hwo;

      pad_planes (d.xp, x + n * in_size, g->c, g->h, g->w, g->p);
      for (guint f = 0; f < g->m; f++)
        for (guint y = 0; y < g->ho; y++)
          memcpy (d.dy8 + ((gsize) f * g->ho + y) * d.wo8, dyn + f * hwo + (gsize) y * g->wo,
                  g->wo * sizeof (float));
      for (guint f = 0; f < g->m; f++)
        for (guint ci = 0; ci < g->c; ci++)
          correlate_weights (dw + f * kk + (gsize) ci * k * k, d.dy8 + (gsize) f * g->ho * d.wo8,
                             g->ho, d.wo8, d.xp + (gsize) ci * d.hp * d.wp, d.wp, k);
      if (dx == NULL)
        continue;
      pad_planes (d.dyp, dyn, g->m, g->ho, g->wo, q);
      for (guint ci = 0; ci < g->c; ci++)
        correlate (dx + n * in_size + (gsize) ci * g->h * g->w, g->h, g->w, 0.f, TRUE,
                   d.dyp, g->m, (gsize) d.hq * d.wq, d.wq,
                   d.wflip + (gsize) ci * g->m * k * k, k);
    }
}

gsize
lab_conv_direct_scratch_floats (const LabConvGeom *g)
{
  DirectBuffers d;

  return direct_buffers (g, NULL, &d);
}
