#define G_LOG_DOMAIN "latentlab-core"

#include "lab-im2col.h"
#include "lab-layers-private.h"

#include "lab-blas.h"
#include <string.h>

/* Scratch one convolution may use for a chunk of images (columns plus the
 * reordered output): 1 Mi floats = 4 MiB. The GEMMs still see N in the
 * thousands (17 images of 64x14x14 per chunk), and the columns stay in the
 * L3 cache between im2col and the GEMM. On one core 2-4 MiB was 5-8%
 * faster than 8 MiB for the dae-keras32 layers. */
#define CHUNK_FLOATS ((gsize) 1 << 20)

guint
lab_conv_chunk (const LabConvBase *conv,
                guint              batch,
                gsize              per_image)
{
  gsize chunk = CHUNK_FLOATS / MAX (per_image, 1);

  chunk = CLAMP (chunk, 1, MAX (batch, 1));
  if (conv->max_chunk > 0)
    chunk = MIN (chunk, conv->max_chunk);
  return (guint) chunk;
}

void
lab_layer_set_max_chunk (LabLayer *self,
                         guint     images)
{
  g_return_if_fail (self->klass == &lab_conv2d_class
                    || self->klass == &lab_conv_transpose2d_class);
  ((LabConvBase *) self)->max_chunk = images;
}

/* y[0..n) = x[0..n) + b, or += when accumulate */
static inline void
copy_plus (float       *restrict y,
           const float *restrict x,
           float                 b,
           gsize                 n,
           gboolean              accumulate)
{
  const LabV4 bv = lab_v4_splat (b);
  gsize i = 0;

  if (accumulate)
    {
      for (; i + 4 <= n; i += 4)
        lab_v4_store (y + i, lab_v4_load (y + i) + lab_v4_load (x + i) + bv);
      for (; i < n; i++)
        y[i] += x[i] + b;
    }
  else
    {
      for (; i + 4 <= n; i += 4)
        lab_v4_store (y + i, lab_v4_load (x + i) + bv);
      for (; i < n; i++)
        y[i] = x[i] + b;
    }
}

/* Narrow-side columns ox whose tap kx lands inside the wide row:
 * 0 <= ox*s - p + kx < w  <=>  ox in [*ox0, *ox1). */
static inline void
valid_range (guint  w,
             guint  wo,
             guint  s,
             guint  p,
             guint  kx,
             guint *ox0,
             guint *ox1)
{
  guint lo = p > kx ? (p - kx + s - 1) / s : 0;
  guint hi = w + p > kx ? MIN (wo, (w + p - kx - 1) / s + 1) : 0;

  *ox0 = MIN (lo, hi);
  *ox1 = hi;
}

/* Short copies and fills inline: im2col makes thousands per image (a
 * row of 7 to 28 floats, a plane of 49 to 784), where a call into libc
 * costs as much as the copy itself. GCC would turn these loops back into
 * memset and memmove calls (-ftree-loop-distribute-patterns), so the
 * functions that run them say no. */
#if defined(__GNUC__) && !defined(__clang__)
# define INLINE_LOOPS __attribute__ ((optimize ("no-tree-loop-distribute-patterns")))
#else
# define INLINE_LOOPS
#endif

static inline INLINE_LOOPS void
copy_floats (float       *restrict dst,
             const float *restrict src,
             gsize                 n)
{
  gsize i = 0;

  if (n >= 64)
    {
      /* libc's copy has wider registers than our SSE loop */
      memcpy (dst, src, n * sizeof (float));
      return;
    }
  for (; i + 8 <= n; i += 8)
    {
      lab_v4_store (dst + i, lab_v4_load (src + i));
      lab_v4_store (dst + i + 4, lab_v4_load (src + i + 4));
    }
  for (; i + 4 <= n; i += 4)
    lab_v4_store (dst + i, lab_v4_load (src + i));
  for (; i < n; i++)
    dst[i] = src[i];
}

static inline INLINE_LOOPS void
zero_floats (float *dst,
             gsize  n)
{
  const LabV4 zero = { 0 };
  gsize i = 0;

  for (; i + 4 <= n; i += 4)
    lab_v4_store (dst + i, zero);
  for (; i < n; i++)
    dst[i] = 0.f;
}

/* Stride 1 with the output as large as the input (2p = k - 1, the usual
 * 3×3 with padding 1): the row of cols for tap (ky, kx) is the whole input
 * plane shifted by dy = ky - p rows and dx = kx - p columns. So it is one
 * flat copy of the valid rows, then zeros where the shift wrapped around
 * into the previous or next image row (|dx| columns at one edge) and for
 * the rows that hang over the top or bottom. Per 14×14 plane that is one
 * copy of up to 196 floats instead of 14 copies of 13 or 14. */
static INLINE_LOOPS void
im2col_same_stride1 (float             *cols,
                     gsize              ldc,
                     const float       *x,
                     const LabConvGeom *g)
{
  const guint k = g->k, p = g->p, h = g->h, w = g->w;
  const gsize hw = (gsize) h * w;

  for (guint ci = 0; ci < g->c; ci++)
    for (guint ky = 0; ky < k; ky++)
      {
        const int dy = (int) ky - (int) p;
        /* output rows [oy0, oy1) read input rows oy + dy */
        const guint oy0 = dy < 0 ? (guint) -dy : 0, oy1 = dy > 0 ? h - (guint) dy : h;

        for (guint kx = 0; kx < k; kx++)
          {
            const int dx = (int) kx - (int) p;
            const guint left = dx < 0 ? (guint) -dx : 0, right = dx > 0 ? (guint) dx : 0;
            float *r = cols + ((gsize) (ci * k + ky) * k + kx) * ldc;
            const float *plane = x + ci * hw;
            gsize q0, q1;

            if (oy1 <= oy0)
              {
                zero_floats (r, hw);
                continue;
              }
            zero_floats (r, (gsize) oy0 * w);
            zero_floats (r + (gsize) oy1 * w, (gsize) (h - oy1) * w);
            /* r[q] = plane[q + dy*w + dx]; the ends left out are zeroed below */
            q0 = (gsize) oy0 * w + left;
            q1 = (gsize) oy1 * w - right;
            if (q1 > q0)
              copy_floats (r + q0, plane + (gssize) q0 + (gssize) dy * w + dx, q1 - q0);
            for (guint oy = oy0; oy < oy1; oy++)
              {
                float *row = r + (gsize) oy * w;

                for (guint j = 0; j < left && j < w; j++)
                  row[j] = 0.f;
                for (guint j = right > w ? 0 : w - right; j < w; j++)
                  row[j] = 0.f;
              }
          }
      }
}

INLINE_LOOPS void
lab_im2col (float             *cols,
            gsize              ldc,
            const float       *x,
            const LabConvGeom *g)
{
  const guint k = g->k, s = g->s, p = g->p;

  if (s == 1 && 2 * p + 1 == k && g->ho == g->h && g->wo == g->w)
    {
      im2col_same_stride1 (cols, ldc, x, g);
      return;
    }

  for (guint ci = 0; ci < g->c; ci++)
    for (guint ky = 0; ky < k; ky++)
      for (guint kx = 0; kx < k; kx++)
        {
          float *row = cols + ((gsize) (ci * k + ky) * k + kx) * ldc;
          guint ox0, ox1;

          valid_range (g->w, g->wo, s, p, kx, &ox0, &ox1);
          for (guint oy = 0; oy < g->ho; oy++)
            {
              float *r = row + (gsize) oy * g->wo;
              int iy = (int) (oy * s + ky) - (int) p;
              const float *src;

              if (iy < 0 || iy >= (int) g->h || ox0 == ox1)
                {
                  zero_floats (r, g->wo);
                  continue;
                }
              src = x + ((gsize) ci * g->h + iy) * g->w + kx - p;
              for (guint ox = 0; ox < ox0; ox++)
                r[ox] = 0.f;
              if (s == 1)
                copy_floats (r + ox0, src + ox0, ox1 - ox0);
              else
                for (guint ox = ox0; ox < ox1; ox++)
                  r[ox] = src[(gsize) ox * s];
              for (guint ox = ox1; ox < g->wo; ox++)
                r[ox] = 0.f;
            }
        }
}

/* The adjoint of im2col_same_stride1: per tap one flat add of the shifted
 * row into the plane. The entries of the row that the flat add would put
 * into the neighbouring image row (those that im2col took from the
 * padding) are zeroed first, so they add nothing; hence cols is not
 * const here. */
static INLINE_LOOPS void
col2im_same_stride1 (float             *x,
                     float             *cols,
                     gsize              ldc,
                     const LabConvGeom *g)
{
  const guint k = g->k, p = g->p, h = g->h, w = g->w;
  const gsize hw = (gsize) h * w;

  for (guint ci = 0; ci < g->c; ci++)
    for (guint ky = 0; ky < k; ky++)
      {
        const int dy = (int) ky - (int) p;
        const guint oy0 = dy < 0 ? (guint) -dy : 0, oy1 = dy > 0 ? h - (guint) dy : h;

        for (guint kx = 0; kx < k; kx++)
          {
            const int dx = (int) kx - (int) p;
            const guint left = dx < 0 ? (guint) -dx : 0, right = dx > 0 ? (guint) dx : 0;
            float *r = cols + ((gsize) (ci * k + ky) * k + kx) * ldc;
            gsize q0, q1;

            if (oy1 <= oy0 || left >= w || right >= w)
              continue;
            for (guint oy = oy0; oy < oy1; oy++)
              {
                float *row = r + (gsize) oy * w;

                for (guint j = 0; j < left; j++)
                  row[j] = 0.f;
                for (guint j = w - right; j < w; j++)
                  row[j] = 0.f;
              }
            /* x[q + dy*w + dx] += r[q] */
            q0 = (gsize) oy0 * w + left;
            q1 = (gsize) oy1 * w - right;
            lab_add_to (x + ci * hw + (gssize) q0 + (gssize) dy * w + dx, r + q0, q1 - q0);
          }
      }
}

void
lab_col2im_add (float             *x,
                float             *cols,
                gsize              ldc,
                const LabConvGeom *g)
{
  const guint k = g->k, s = g->s, p = g->p;

  if (s == 1 && 2 * p + 1 == k && g->ho == g->h && g->wo == g->w)
    {
      col2im_same_stride1 (x, cols, ldc, g);
      return;
    }

  for (guint ci = 0; ci < g->c; ci++)
    for (guint ky = 0; ky < k; ky++)
      for (guint kx = 0; kx < k; kx++)
        {
          const float *row = cols + ((gsize) (ci * k + ky) * k + kx) * ldc;
          guint ox0, ox1;

          valid_range (g->w, g->wo, s, p, kx, &ox0, &ox1);
          for (guint oy = 0; oy < g->ho; oy++)
            {
              const float *r = row + (gsize) oy * g->wo;
              int iy = (int) (oy * s + ky) - (int) p;
              float *dst;

              if (iy < 0 || iy >= (int) g->h)
                continue;
              dst = x + ((gsize) ci * g->h + iy) * g->w + kx - p;
              if (s == 1)
                lab_add_to (dst + ox0, r + ox0, ox1 - ox0);
              else
                for (guint ox = ox0; ox < ox1; ox++)
                  dst[(gsize) ox * s] += r[ox];
            }
        }
}

/* One GEMM per chunk of images: N = n*hw columns keeps BLAS efficient
 * even for 7×7 images, where one GEMM per image (N = 49) ran at a third of
 * the speed. The result comes out CNHW and goes back to NCHW with the bias
 * in the same pass. */
void
lab_conv_gemm_forward (float       *y,
                       gboolean     accumulate,
                       const float *bias,
                       const float *a,
                       const float *cols,
                       guint        n,
                       guint        m,
                       gsize        kk,
                       gsize        hw,
                       float       *tmp)
{
  const gsize ncols = (gsize) n * hw;

  if (n == 1)
    {
      /* already NCHW: put the bias in first and let the GEMM add onto it */
      float beta = 1.f;

      if (!accumulate && bias != NULL)
        for (guint mi = 0; mi < m; mi++)
          for (gsize q = 0; q < hw; q++)
            y[mi * hw + q] = bias[mi];
      else if (!accumulate)
        beta = 0.f;
      else if (bias != NULL)
        for (guint mi = 0; mi < m; mi++)
          for (gsize q = 0; q < hw; q++)
            y[mi * hw + q] += bias[mi];
      lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                   m, hw, kk, 1.f, a, kk, cols, hw, beta, y, hw);
      return;
    }

  /* tmp (m, n*hw) = a · cols */
  lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
               m, ncols, kk, 1.f, a, kk, cols, ncols, 0.f, tmp, ncols);
  for (guint i = 0; i < n; i++)
    for (guint mi = 0; mi < m; mi++)
      copy_plus (y + ((gsize) i * m + mi) * hw, tmp + mi * ncols + (gsize) i * hw,
                 bias != NULL ? bias[mi] : 0.f, hw, accumulate);
}

void
lab_conv_gemm_backward (float       *da,
                        float       *dcols,
                        const float *a,
                        const float *dy,
                        const float *cols,
                        guint        n,
                        guint        m,
                        gsize        kk,
                        gsize        hw,
                        float       *tmp)
{
  const gsize ncols = (gsize) n * hw;
  const float *dyt = dy;

  if (n > 1)
    {
      /* dy (n, m, hw) -> tmp (m, n*hw): whole planes, so plain copies. */
      for (guint i = 0; i < n; i++)
        for (guint mi = 0; mi < m; mi++)
          memcpy (tmp + mi * ncols + (gsize) i * hw, dy + ((gsize) i * m + mi) * hw,
                  hw * sizeof (float));
      dyt = tmp;
    }
  /* G_a += G_y · colsᵀ, over all the chunk's pixels at once */
  if (da != NULL)
    lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                 m, kk, ncols, 1.f, dyt, ncols, cols, ncols, 1.f, da, kk);
  /* G_cols <- aᵀ · G_y */
  if (dcols != NULL)
    lab_blas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans,
                 kk, ncols, m, 1.f, a, kk, dyt, ncols, 0.f, dcols, ncols);
}

void
lab_bias_grad_add (float       *dbias,
                   const float *dy,
                   guint        n,
                   guint        m,
                   gsize        hw)
{
  for (guint mi = 0; mi < m; mi++)
    {
      double sum = 0;

      for (guint i = 0; i < n; i++)
        {
          const float *d = dy + ((gsize) i * m + mi) * hw;
          LabV4 acc = { 0 };
          float s = 0.f;
          gsize q = 0;

          for (; q + 4 <= hw; q += 4)
            acc += lab_v4_load (d + q);
          for (; q < hw; q++)
            s += d[q];
          sum += s + acc[0] + acc[1] + acc[2] + acc[3];
        }
      dbias[mi] += (float) sum;
    }
}
