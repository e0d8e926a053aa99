#define G_LOG_DOMAIN "latentlab-core"

/* F(4×4, 3×3) with the interpolation points 0, ±1, ±2, ∞:
 *
 *   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A      per 6×6 input patch d, 4×4 output Y
 *
 * Channels go in blocks of 8, one per vector lane, so every step of a
 * transform is a whole-vector load, a few adds and a whole-vector store.
 * Layouts (ξ: the 36 points of a tile; T: a tile of the chunk, image-major,
 * row by row within an image; C', M': channels rounded up to 8):
 *   staged (C'/8, hp, wp, 8)     one image, zero-padded, channel-blocked
 *   V (T, 36, C')                Bᵀ d B of every patch
 *   U (36, C, M')                G g Gᵀ of every filter
 *   Z (T, 36, M')                Z[ξ] = V[ξ] · U[ξ], one GEMM per ξ
 * and the output transform takes Z back to (n, M, h, w) with the bias.
 * V[ξ] and Z[ξ] are matrices with a row stride of 36 C' (36 M'): a tile's
 * 36 points lie together, so the transforms read and write one block per
 * tile, and BLAS gathers the rows as it packs them anyway.
 *
 * Backward, with dZ = A G_Y Aᵀ per 4×4 tile of G_Y (zeros past the image):
 *   G_U[ξ] += V[ξ]ᵀ · dZ[ξ], G_g = Gᵀ G_U G
 *   G_X = the forward algorithm on G_Y with the weights turned 180° and
 *         their in/out channels swapped (for stride 1 and padding 1 that is
 *         exactly the adjoint).
 * Each image is staged just before its tiles are transformed, so the
 * staged planes are still in the L1/L2 cache. */

#include "lab-winograd.h"
#include "lab-layers-private.h"

#include "lab-blas.h"
#include <string.h>

#define XI 36          /* points of a 6×6 tile */
#define LANES 8        /* LabV8; the transforms are most of the time that is
                        * not GEMM, so they get an AVX2 build (LAB_SIMD_CLONES) */

/* Images per chunk from this many floats of staged planes, V and Z: 8 MiB,
 * so the GEMMs see hundreds of tiles and a chunk stays in the L3 cache. */
#define WINO_CHUNK_FLOATS ((gsize) 1 << 20)

static inline guint
round8 (guint n)
{
  return (n + 7) & ~7u;
}

/* The tiling of one image. */
typedef struct
{
  guint h, w;
  guint ty, tx;          /* tiles down and across: ceil (h/4), ceil (w/4) */
  guint tiles;           /* ty * tx */
  guint hp, wp;          /* staged plane: one row/column of zeros before,
                          * and enough after for whole tiles */
} Tiling;

static Tiling
tiling (guint h,
        guint w)
{
  Tiling t = { .h = h, .w = w, .ty = (h + 3) / 4, .tx = (w + 3) / 4 };

  t.tiles = t.ty * t.tx;
  t.hp = 4 * t.ty + 2;
  t.wp = 4 * t.tx + 2;
  return t;
}

gboolean
lab_winograd_fits (const LabConvGeom *g)
{
  /* Below 8 channels on either side a vector lane would carry nothing and
   * the 36 GEMMs would be too thin: 1->32 and 32->1 stay with im2col. */
  return g->k == 3 && g->s == 1 && g->p == 1 && g->ho == g->h && g->wo == g->w
         && g->c >= 8 && g->m >= 8;
}

/* Floats of staged planes for one image of nc channels. */
static gsize
staged_floats (guint         nc,
               const Tiling *t)
{
  return (gsize) round8 (nc) * t->hp * t->wp;
}

/* Per image of a chunk: V and Z. */
static gsize
per_image (const LabConvGeom *g,
           const Tiling      *t)
{
  return (gsize) XI * t->tiles * (round8 (g->c) + round8 (g->m));
}

/* Outside the chunk: U (or the adjoint's U), G_U and one staged image. */
static gsize
fixed_floats (const LabConvGeom *g)
{
  const Tiling t = tiling (g->h, g->w);

  return (gsize) 2 * XI * round8 (g->c) * round8 (g->m) + staged_floats (MAX (g->c, g->m), &t);
}

static guint
chunk_images (const LabConvBase *conv,
              guint              batch)
{
  const Tiling t = tiling (conv->geom.h, conv->geom.w);
  gsize chunk = WINO_CHUNK_FLOATS / per_image (&conv->geom, &t);

  chunk = CLAMP (chunk, 1, MAX (batch, 1));
  if (conv->max_chunk > 0)
    chunk = MIN (chunk, conv->max_chunk);
  return (guint) chunk;
}

gsize
lab_winograd_scratch_floats (const LabConvBase *conv,
                             guint              batch)
{
  const Tiling t = tiling (conv->geom.h, conv->geom.w);

  return fixed_floats (&conv->geom) + chunk_images (conv, batch) * per_image (&conv->geom, &t);
}

/* The 1-D transforms, on 8 channels at once. */

/* o = Bᵀ d */
static inline void
bt6 (LabV8       o[6],
     const LabV8 d[6])
{
  const LabV8 four = LAB_V8_SPLAT (4.f), five = LAB_V8_SPLAT (5.f), two = LAB_V8_SPLAT (2.f);
  const LabV8 a = d[4] - four * d[2], b = d[3] - four * d[1];
  const LabV8 c = d[4] - d[2], e = two * (d[3] - d[1]);

  o[0] = four * d[0] - five * d[2] + d[4];
  o[1] = a + b;
  o[2] = a - b;
  o[3] = c + e;
  o[4] = c - e;
  o[5] = four * d[1] - five * d[3] + d[5];
}

/* o = Aᵀ m (6 -> 4) */
static inline void
at6 (LabV8       o[4],
     const LabV8 m[6])
{
  const LabV8 two = LAB_V8_SPLAT (2.f), four = LAB_V8_SPLAT (4.f), eight = LAB_V8_SPLAT (8.f);
  const LabV8 s12 = m[1] + m[2], d12 = m[1] - m[2], s34 = m[3] + m[4], d34 = m[3] - m[4];

  o[0] = m[0] + s12 + s34;
  o[1] = d12 + two * d34;
  o[2] = s12 + four * s34;
  o[3] = d12 + eight * d34 + m[5];
}

/* o = A e (4 -> 6): the adjoint of at6 */
static inline void
a4 (LabV8       o[6],
    const LabV8 e[4])
{
  const LabV8 two = LAB_V8_SPLAT (2.f), four = LAB_V8_SPLAT (4.f), eight = LAB_V8_SPLAT (8.f);
  const LabV8 s02 = e[0] + e[2], s13 = e[1] + e[3];
  const LabV8 q02 = e[0] + four * e[2], q13 = two * e[1] + eight * e[3];

  o[0] = e[0];
  o[1] = s02 + s13;
  o[2] = s02 - s13;
  o[3] = q02 + q13;
  o[4] = q02 - q13;
  o[5] = e[3];
}

/* o = G g (3 -> 6) */
static inline void
g3 (LabV8       o[6],
    const LabV8 g[3])
{
  const LabV8 quarter = LAB_V8_SPLAT (1.f / 4), sixth = LAB_V8_SPLAT (1.f / 6);
  const LabV8 twelfth = LAB_V8_SPLAT (1.f / 12), x24 = LAB_V8_SPLAT (1.f / 24);
  const LabV8 s02 = g[0] + g[2];

  o[0] = quarter * g[0];
  o[1] = -sixth * (s02 + g[1]);
  o[2] = -sixth * (s02 - g[1]);
  o[3] = x24 * g[0] + twelfth * g[1] + sixth * g[2];
  o[4] = x24 * g[0] - twelfth * g[1] + sixth * g[2];
  o[5] = g[2];
}

/* o = Gᵀ u (6 -> 3): the adjoint of g3 */
static inline void
gt6 (LabV8       o[3],
     const LabV8 u[6])
{
  const LabV8 quarter = LAB_V8_SPLAT (1.f / 4), sixth = LAB_V8_SPLAT (1.f / 6);
  const LabV8 twelfth = LAB_V8_SPLAT (1.f / 12), x24 = LAB_V8_SPLAT (1.f / 24);
  const LabV8 s12 = u[1] + u[2], s34 = u[3] + u[4];

  o[0] = quarter * u[0] - sixth * s12 + x24 * s34;
  o[1] = sixth * (u[2] - u[1]) + twelfth * (u[3] - u[4]);
  o[2] = sixth * (s34 - s12) + u[5];
}

/* r (m×n) = T x for the n×n tile x and a 1-D transform T (n -> m), one
 * of the above, down every column: the first half of every T x Tᵀ below,
 * whose second half is T along each row of r, r[a] -> (T x Tᵀ)[a]. Always
 * inlined with constant n, m and T, so it unrolls into straight code. */
typedef void (*Transform) (LabV8 *o, const LabV8 *d);

static inline G_ALWAYS_INLINE void
transform_columns (LabV8     r[6][6],
                   LabV8     x[6][6],
                   guint     n,
                   guint     m,
                   Transform t)
{
#pragma GCC unroll 6
  for (guint b = 0; b < n; b++)
    {
      LabV8 col[6], o[6];

#pragma GCC unroll 6
      for (guint a = 0; a < n; a++)
        col[a] = x[a][b];
      t (o, col);
#pragma GCC unroll 6
      for (guint a = 0; a < m; a++)
        r[a][b] = o[a];
    }
}

/* u (36, ci, mo') = G g Gᵀ, with the filter of output o and input i taken
 * from w (mo, ci, 3, 3); when `adjoint`, from w (ci, mo, 3, 3) as filter
 * (i, o) turned 180°: the convolution whose output is G_X. Lanes of the
 * last block past mo get zeros. */
LAB_SIMD_CLONES static void
weight_transform (float       *u,
                  const float *w,
                  guint        mo,
                  guint        ci,
                  gboolean     adjoint)
{
  const gsize ldu = round8 (mo), xi_stride = (gsize) ci * ldu;

  for (guint i = 0; i < ci; i++)
    for (guint o0 = 0; o0 < mo; o0 += LANES)
      {
        LabV8 g[6][6], t[6][6];

#pragma GCC unroll 3
        for (guint a = 0; a < 3; a++)
#pragma GCC unroll 3
          for (guint b = 0; b < 3; b++)
            for (guint l = 0; l < LANES; l++)
              {
                const guint o = o0 + l;

                if (o >= mo)
                  g[a][b][l] = 0.f;
                else if (adjoint)
                  g[a][b][l] = w[((gsize) i * mo + o) * 9 + (2 - a) * 3 + (2 - b)];
                else
                  g[a][b][l] = w[((gsize) o * ci + i) * 9 + a * 3 + b];
              }
        transform_columns (t, g, 3, 6, g3);
#pragma GCC unroll 6
        for (guint a = 0; a < 6; a++)
          {
            LabV8 o[6];

            g3 (o, t[a]);
#pragma GCC unroll 6
            for (guint b = 0; b < 6; b++)
              LAB_V8_STORE (u + (a * 6 + b) * xi_stride + (gsize) i * ldu + o0, o[b]);
          }
      }
}

/* dw (m, c, 3, 3) += Gᵀ G_U G; gu (36, c, m'). */
LAB_SIMD_CLONES static void
weight_grad_transform (float       *dw,
                       const float *gu,
                       guint        m,
                       guint        c)
{
  const gsize ldu = round8 (m), xi_stride = (gsize) c * ldu;

  for (guint i = 0; i < c; i++)
    for (guint o0 = 0; o0 < m; o0 += LANES)
      {
        LabV8 u[6][6], t[6][6], r[3][3];

#pragma GCC unroll 6
        for (guint a = 0; a < 6; a++)
#pragma GCC unroll 6
          for (guint b = 0; b < 6; b++)
            LAB_V8_LOAD (u[a][b], gu + (a * 6 + b) * xi_stride + (gsize) i * ldu + o0);
        transform_columns (t, u, 6, 3, gt6);
#pragma GCC unroll 3
        for (guint a = 0; a < 3; a++)
          gt6 (r[a], t[a]);
        for (guint l = 0; l < LANES && o0 + l < m; l++)
          {
            float *d = dw + ((gsize) (o0 + l) * c + i) * 9;

#pragma GCC unroll 3
            for (guint a = 0; a < 3; a++)
#pragma GCC unroll 3
              for (guint b = 0; b < 3; b++)
                d[a * 3 + b] += r[a][b][l];
          }
      }
}

/* q[k] = (p[0][k], p[1][k], p[2][k], p[3][k]) */
static inline void
transpose4 (LabV4       q[4],
            const LabV4 p[4])
{
  const LabV4 t0 = LAB_V4_SHUFFLE (p[0], p[1], 0, 4, 1, 5), t1 = LAB_V4_SHUFFLE (p[2], p[3], 0, 4, 1, 5);
  const LabV4 t2 = LAB_V4_SHUFFLE (p[0], p[1], 2, 6, 3, 7), t3 = LAB_V4_SHUFFLE (p[2], p[3], 2, 6, 3, 7);

  q[0] = LAB_V4_SHUFFLE (t0, t1, 0, 1, 4, 5);
  q[1] = LAB_V4_SHUFFLE (t0, t1, 2, 3, 6, 7);
  q[2] = LAB_V4_SHUFFLE (t2, t3, 0, 1, 4, 5);
  q[3] = LAB_V4_SHUFFLE (t2, t3, 2, 3, 6, 7);
}

/* Four pixels of eight channels (planes hw apart) at p, to eight channels
 * of four pixels at q: two 4×4 transposes. */
static inline G_ALWAYS_INLINE void
pixels_to_lanes (float       *q,
                 const float *p,
                 gsize        hw)
{
  LabV4 a[LANES], b[LANES];

#pragma GCC unroll 8
  for (guint l = 0; l < LANES; l++)
    a[l] = lab_v4_load (p + l * hw);
  transpose4 (b, a);
  transpose4 (b + 4, a + 4);
#pragma GCC unroll 4
  for (guint k = 0; k < 4; k++)
    {
      lab_v4_store (q + k * LANES, b[k]);
      lab_v4_store (q + k * LANES + 4, b[4 + k]);
    }
}

/* staged (nc'/8, hp, wp, 8) = x (nc, h, w) of one image, one row and
 * column of zeros before each plane, zeros after it and in the lanes past
 * nc. */
LAB_SIMD_CLONES static void
stage (float        *staged,
       const float  *x,
       guint         nc,
       const Tiling *t)
{
  const gsize hw = (gsize) t->h * t->w, block = (gsize) t->hp * t->wp * LANES;
  const gsize row_floats = (gsize) t->wp * LANES;
  const LabV8 zero = LAB_V8_SPLAT (0.f);

  for (guint c0 = 0; c0 < nc; c0 += LANES)
    {
      const guint nl = MIN (LANES, nc - c0);
      float *dst = staged + (gsize) c0 / LANES * block;
      const float *src = x + (gsize) c0 * hw;

      /* a partial block: zeros, then its channels one by one */
      if (nl < LANES || t->w < 4)
        {
          memset (dst, 0, block * sizeof (float));
          for (guint y = 0; y < t->h; y++)
            for (guint x0 = 0; x0 < t->w; x0++)
              for (guint l = 0; l < nl; l++)
                dst[((gsize) (y + 1) * t->wp + x0 + 1) * LANES + l] = src[l * hw + y * t->w + x0];
          continue;
        }
      /* the next block's planes (the next image's after the last) */
      for (gsize off = 0; off < LANES * hw; off += 16)
        __builtin_prefetch (src + LANES * hw + off);
      memset (dst, 0, row_floats * sizeof (float));
      memset (dst + (t->h + 1) * row_floats, 0, (t->hp - t->h - 1) * row_floats * sizeof (float));
      for (guint y = 0; y < t->h; y++)
        {
          float *row = dst + (gsize) (y + 1) * row_floats;
          const float *r = src + (gsize) y * t->w;

          /* 4 pixels at a time; the last 1-3 as the row's last four,
           * storing again what the group before stored */
          LAB_V8_STORE (row, zero);
          for (guint x0 = 0; x0 < t->w; x0 += 4)
            {
              const guint i = MIN (x0, t->w - 4);

              pixels_to_lanes (row + (i + 1) * LANES, r + i, hw);
            }
          for (guint x0 = t->w + 1; x0 < t->wp; x0++)
            LAB_V8_STORE (row + x0 * LANES, zero);
        }
    }
}

/* out[ξ] (36 points, ld apart) = T r Tᵀ at ξ = 6a + b, from r = T x
 * (transform_columns): T along each row of r. */
static inline G_ALWAYS_INLINE void
store_rows (float     *out,
            gsize      ld,
            LabV8      r[6][6],
            Transform  t)
{
#pragma GCC unroll 6
  for (guint a = 0; a < 6; a++)
    {
      LabV8 o[6];

      t (o, r[a]);
#pragma GCC unroll 6
      for (guint b = 0; b < 6; b++)
        LAB_V8_STORE (out + (a * 6 + b) * ld, o[b]);
    }
}

/* out[ξ] (36 points, ld apart) = T d Tᵀ of the n×n patch d at p (rows
 * `row` apart, 8 channels per point): Bᵀ d B of a 6×6 input patch
 * (n = 6, T = Bᵀ) or A e Aᵀ of a 4×4 tile of G_Y (n = 4, T = A). */
/* always inlined: a call would leave the AVX2 clone for the baseline build */
static inline G_ALWAYS_INLINE void
patch_block (float       *out,
             gsize        ld,
             const float *p,
             gsize        row,
             guint        n,
             Transform    t)
{
  LabV8 d[6][6], r[6][6];

#pragma GCC unroll 6
  for (guint a = 0; a < n; a++)
#pragma GCC unroll 6
    for (guint b = 0; b < n; b++)
      LAB_V8_LOAD (d[a][b], p + a * row + b * LANES);
  transform_columns (r, d, n, 6, t);
  store_rows (out, ld, r, t);
}

/* out (T, 36, nc') for x (n, nc, h, w), image by image through the
 * staging buffer:
 *   !grad: Bᵀ d B of every 6×6 input patch (V);
 *   grad:  A e Aᵀ of every 4×4 tile of G_Y (dZ), which starts one row and
 *          column later in the staged plane and has zeros past the image.
 * Inlined into the two clones below, so `grad` is a constant there. */
static inline G_ALWAYS_INLINE void
transform_tiles (float        *out,
                 const float  *x,
                 guint         n,
                 guint         nc,
                 const Tiling *t,
                 float        *staged,
                 gboolean      grad)
{
  const gsize ld = round8 (nc), hw = (gsize) t->h * t->w, off = grad ? 1 : 0;
  const gsize block = (gsize) t->hp * t->wp * LANES, row = (gsize) t->wp * LANES;

  for (guint i = 0; i < n; i++)
    {
      stage (staged, x + (gsize) i * nc * hw, nc, t);
      for (guint q = 0; q < t->tiles; q++)
        {
          const float *origin = staged + ((q / t->tx) * 4 + off) * row
                                + ((q % t->tx) * 4 + off) * LANES;
          float *o = out + ((gsize) i * t->tiles + q) * XI * ld;

          for (gsize c0 = 0; c0 < ld; c0 += LANES)
            patch_block (o + c0, ld, origin + c0 / LANES * block, row, grad ? 4 : 6, grad ? a4 : bt6);
        }
    }
}

LAB_SIMD_CLONES static void
input_transform (float        *v,
                 const float  *x,
                 guint         n,
                 guint         nc,
                 const Tiling *t,
                 float        *staged)
{
  transform_tiles (v, x, n, nc, t, staged, FALSE);
}

LAB_SIMD_CLONES static void
grad_transform (float        *dz,
                const float  *dy,
                guint         n,
                guint         nm,
                const Tiling *t,
                float        *staged)
{
  transform_tiles (dz, dy, n, nm, t, staged, TRUE);
}

/* y (n, nm, h, w) = (or +=) Aᵀ Z A + bias for every tile; z (T, 36, nm'). */
LAB_SIMD_CLONES static void
output_transform (float        *y,
                  gboolean      accumulate,
                  const float  *bias,
                  const float  *z,
                  guint         n,
                  guint         nm,
                  const Tiling *t)
{
  const gsize ldz = round8 (nm), n_tiles = (gsize) n * t->tiles;
  const gsize hw = (gsize) t->h * t->w;

  for (gsize tile = 0; tile < n_tiles; tile++)
    {
      const gsize img = tile / t->tiles, q = tile % t->tiles;
      const guint oy = (guint) (q / t->tx) * 4, ox = (guint) (q % t->tx) * 4;
      const guint rows = MIN (4, t->h - oy), cols = MIN (4, t->w - ox);

      for (guint f0 = 0; f0 < nm; f0 += LANES)
        {
          const float *in = z + tile * XI * ldz + f0;
          const guint nl = MIN (LANES, nm - f0);
          float *dst = y + (img * nm + f0) * hw + (gsize) oy * t->w + ox;
          LabV8 m[6][6], r[6][6], b = LAB_V8_SPLAT (0.f);
          float out[4][4][LANES];

          /* a whole vector where there is one: eight scalar stores read
           * back as one vector would wait for every store */
          if (bias != NULL && nl == LANES)
            LAB_V8_LOAD (b, bias + f0);
          else if (bias != NULL)
            for (guint l = 0; l < nl; l++)
              b[l] = bias[f0 + l];
#pragma GCC unroll 6
          for (guint a = 0; a < 6; a++)
#pragma GCC unroll 6
            for (guint c = 0; c < 6; c++)
              LAB_V8_LOAD (m[a][c], in + (a * 6 + c) * ldz);
          transform_columns (r, m, 6, 4, at6);
#pragma GCC unroll 4
          for (guint a = 0; a < 4; a++)
            {
              LabV8 o[4];

              at6 (o, r[a]);
#pragma GCC unroll 4
              for (guint c = 0; c < 4; c++)
                {
                  const LabV8 sum = o[c] + b;

                  LAB_V8_STORE (out[a][c], sum);
                }
            }

          if (nl == LANES && cols == 4)
            {
              /* each row: 4 pixels of 8 channels to 8 channels of 4 pixels */
              for (guint a = 0; a < rows; a++)
                {
                  LabV4 p[LANES], pt[LANES];

#pragma GCC unroll 4
                  for (guint c = 0; c < 4; c++)
                    {
                      p[c] = lab_v4_load (out[a][c]);
                      p[4 + c] = lab_v4_load (out[a][c] + 4);
                    }
                  transpose4 (pt, p);
                  transpose4 (pt + 4, p + 4);
                  for (guint l = 0; l < LANES; l++)
                    {
                      float *d = dst + l * hw + (gsize) a * t->w;

                      lab_v4_store (d, accumulate ? lab_v4_load (d) + pt[l] : pt[l]);
                    }
                }
              continue;
            }
          for (guint l = 0; l < nl; l++)
            for (guint a = 0; a < rows; a++)
              {
                float *d = dst + l * hw + (gsize) a * t->w;

                if (accumulate)
                  for (guint c = 0; c < cols; c++)
                    d[c] += out[a][c][l];
                else
                  for (guint c = 0; c < cols; c++)
                    d[c] = out[a][c][l];
              }
        }
    }
}

/* y (n, nm, h, w) = (or +=) bias + the convolution of x (n, nc, h, w) with
 * u (36, nc, nm'). */
static void
convolve (float        *y,
          gboolean      accumulate,
          const float  *bias,
          const float  *u,
          const float  *x,
          guint         n,
          guint         nc,
          guint         nm,
          const Tiling *t,
          float        *v,
          float        *z,
          float        *staged)
{
  const gsize n_tiles = (gsize) n * t->tiles, ldv = round8 (nc), ldz = round8 (nm);

  input_transform (v, x, n, nc, t, staged);
  for (guint xi = 0; xi < XI; xi++)
    lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n_tiles, nm, nc,
                 1.f, v + xi * ldv, XI * ldv, u + (gsize) xi * nc * ldz, ldz,
                 0.f, z + xi * ldz, XI * ldz);
  output_transform (y, accumulate, bias, z, n, nm, t);
}

/* Where a chunk's buffers go in the scratch. */
typedef struct
{
  float *u, *gu, *staged;    /* fixed */
  float *v, *z;
} Buffers;

static Buffers
buffers (const LabConvBase *conv,
         guint              chunk,
         float             *scratch)
{
  const LabConvGeom *g = &conv->geom;
  const Tiling t = tiling (g->h, g->w);
  const gsize tiles = (gsize) chunk * t.tiles, pairs = (gsize) round8 (g->c) * round8 (g->m);
  Buffers b;

  b.u = scratch;
  b.gu = b.u + XI * pairs;
  b.staged = b.gu + XI * pairs;
  b.v = scratch + fixed_floats (g);
  b.z = b.v + XI * tiles * round8 (g->c);
  return b;
}

void
lab_winograd_forward (const LabConvBase *conv,
                      float             *y,
                      const float       *x,
                      const float       *w,
                      const float       *bias,
                      guint              batch,
                      float             *scratch)
{
  const LabConvGeom *g = &conv->geom;
  const Tiling t = tiling (g->h, g->w);
  const guint chunk = chunk_images (conv, batch);
  const gsize in_size = (gsize) g->c * g->h * g->w, out_size = (gsize) g->m * g->h * g->w;
  const Buffers b = buffers (conv, chunk, scratch);

  weight_transform (b.u, w, g->m, g->c, FALSE);
  for (guint b0 = 0; b0 < batch; b0 += chunk)
    convolve (y + b0 * out_size, FALSE, bias, b.u, x + b0 * in_size, MIN (chunk, batch - b0),
              g->c, g->m, &t, b.v, b.z, b.staged);
}

void
lab_winograd_backward (const LabConvBase *conv,
                       float             *dx,
                       gboolean           dx_write,
                       float             *dw,
                       const float       *x,
                       const float       *w,
                       const float       *dy,
                       guint              batch,
                       float             *scratch)
{
  const LabConvGeom *g = &conv->geom;
  const Tiling t = tiling (g->h, g->w);
  const guint chunk = chunk_images (conv, batch);
  const gsize in_size = (gsize) g->c * g->h * g->w, out_size = (gsize) g->m * g->h * g->w;
  const gsize ldc = round8 (g->c), ldm = round8 (g->m);
  const Buffers b = buffers (conv, chunk, scratch);

  memset (b.gu, 0, XI * g->c * ldm * sizeof (float));
  if (dx != NULL)
    weight_transform (b.u, w, g->c, g->m, TRUE);

  for (guint b0 = 0; b0 < batch; b0 += chunk)
    {
      const guint n = MIN (chunk, batch - b0);
      const gsize n_tiles = (gsize) n * t.tiles;

      /* G_U[ξ] (C, M) += V[ξ]ᵀ (C, T) · dZ[ξ] (T, M) */
      input_transform (b.v, x + b0 * in_size, n, g->c, &t, b.staged);
      grad_transform (b.z, dy + b0 * out_size, n, g->m, &t, b.staged);
      for (guint xi = 0; xi < XI; xi++)
        lab_blas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, g->c, g->m, n_tiles,
                     1.f, b.v + xi * ldc, XI * ldc, b.z + xi * ldm, XI * ldm,
                     1.f, b.gu + (gsize) xi * g->c * ldm, ldm);
      /* G_X: the forward algorithm from G_Y (M channels) to C channels;
       * Z's buffer takes the patches of G_Y, V's the products */
      if (dx != NULL)
        convolve (dx + b0 * in_size, !dx_write, NULL, b.u, dy + b0 * out_size, n, g->m, g->c,
                  &t, b.z, b.v, b.staged);
    }
  weight_grad_transform (dw, b.gu, g->m, g->c);
}
