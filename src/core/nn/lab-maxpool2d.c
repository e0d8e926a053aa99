#define G_LOG_DOMAIN "latentlab-core"

/* MaxPool2d as PyTorch's nn.MaxPool2d(pool, stride = pool, ceil_mode).
 * With ceil_mode the last window may hang over the edge (7 -> 4 for pool 2,
 * like Keras' padding="same"); it takes the max over its valid pixels only.
 *
 *   y = max over the window;  G_x[argmax] += G_y
 *
 * Forward keeps where each maximum was in scratch for backward, so ties
 * resolve once, the same way. For 2×2 windows at stride 2 (every pooling
 * layer of the presets) that is one byte per output, its position in the
 * window (bit 0 the column, bit 1 the row): a quarter of the traffic of a
 * 32-bit index. Other pools keep the index into the input plane.
 *
 * Backward writes din whole (LAB_LAYER_WRITES_DIN): with 2×2 windows that
 * tile the input it stores every pixel of a window at once, G_y at the
 * maximum and 0 elsewhere, instead of the model zeroing din (6.4 MB for
 * the first pool of dae-keras32 per 64 images) and this adding into it. */

#include "lab-layers-private.h"

#include <math.h>
#include <string.h>

#if defined(__SSE__)
# include <xmmintrin.h>
#endif

typedef struct
{
  LabLayer parent;
  guint    pool;
  guint    stride;
  gboolean ceil_mode;
} LabMaxPool2d;

static const LabLayerOption maxpool_options[] = {
  LAB_POOL_OPTIONS (LabMaxPool2d),
  { .key = "ceil_mode", .kind = LAB_OPTION_BOOL, .def = FALSE, .fresh = FALSE,
    .offset = G_STRUCT_OFFSET (LabMaxPool2d, ceil_mode), .label = N_("ceil"),
    .help = N_("Round the size up: a partial block at the edge still gives an output (7 → 4)") },
};

/* PyTorch's pooling_output_shape without padding or dilation: in ceil mode
 * the last window must still start inside the input. */
static guint
pooled_size (guint    n,
             guint    pool,
             guint    stride,
             gboolean ceil_mode)
{
  guint out = (n - pool + (ceil_mode ? stride - 1 : 0)) / stride + 1;

  if (ceil_mode && (out - 1) * stride >= n)
    out--;
  return out;
}

static gboolean
maxpool_setup (LabLayer  *layer,
               LabShape   in,
               GError   **error)
{
  LabMaxPool2d *self = (LabMaxPool2d *) layer;

  if (in.h < self->pool || in.w < self->pool)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "Layer “maxpool2d” with pool %u cannot take an input of %u×%u pixels",
                   self->pool, in.h, in.w);
      return FALSE;
    }
  layer->out = (LabShape) {
    in.c,
    pooled_size (in.h, self->pool, self->stride, self->ceil_mode),
    pooled_size (in.w, self->pool, self->stride, self->ceil_mode),
  };
  return TRUE;
}

static inline gboolean
is_pool2 (LabMaxPool2d *self)
{
  return self->pool == 2 && self->stride == 2;
}

static gsize
maxpool_scratch_floats (LabLayer *layer,
                        guint     batch)
{
  gsize outputs = (gsize) batch * lab_shape_size (layer->out);

  /* a byte per output for 2×2 windows, else a guint32 */
  return is_pool2 ((LabMaxPool2d *) layer) ? (outputs + 3) / 4 : outputs;
}

/* Lane j of a LabV4i holding byte j of a guint32 (as stored, little-endian). */
static const LabV4i byte_bit0 = { 1, 1 << 8, 1 << 16, 1 << 24 };
static const LabV4i byte_bit1 = { 2, 2 << 8, 2 << 16, 2 << 24 };

/* b > a ? b : a, lane by lane: SSE's maxps is exactly that (NaN or equal
 * give a), one instruction instead of a select's three. */
static inline LabV4
max_later (LabV4 a,
           LabV4 b)
{
#if defined(__SSE__)
  return (LabV4) _mm_max_ps ((__m128) b, (__m128) a);
#else
  return lab_v4_select (b > a, b, a);
#endif
}

/* Four outputs of whole 2×2 windows from rows r0, r1 (8 values each):
 * even and odd columns split by shuffles (a b over c d in every window),
 * then pairwise maxima without branches (random data would mispredict half
 * of them). Strict > keeps the first of equal values, so the maximum is
 * the first in PyTorch's scan order a, b, c, d. code gets the four
 * positions, one byte each. */
static inline void
pool2_block (const float *r0,
             const float *r1,
             float       *y,
             guint8      *code)
{
  LabV4 p0 = lab_v4_load (r0), p1 = lab_v4_load (r0 + 4);
  LabV4 q0 = lab_v4_load (r1), q1 = lab_v4_load (r1 + 4);
  LabV4 a = LAB_V4_SHUFFLE (p0, p1, 0, 2, 4, 6), b = LAB_V4_SHUFFLE (p0, p1, 1, 3, 5, 7);
  LabV4 c = LAB_V4_SHUFFLE (q0, q1, 0, 2, 4, 6), d = LAB_V4_SHUFFLE (q0, q1, 1, 3, 5, 7);
  LabV4i mab = b > a, mcd = d > c, m, bits;
  LabV4 ab = max_later (a, b), cd = max_later (c, d);
  guint32 w;

  m = cd > ab;
  lab_v4_store (y, max_later (ab, cd));
  bits = (((mcd & m) | (mab & ~m)) & byte_bit0) | (m & byte_bit1);
  /* the four lanes' bytes into one word */
  bits |= LAB_V4_SHUFFLE (bits, bits, 2, 3, 0, 1);
  bits |= LAB_V4_SHUFFLE (bits, bits, 1, 0, 3, 2);
  w = GUINT32_TO_LE ((guint32) bits[0]);
  memcpy (code, &w, sizeof w);
}

/* One whole window, with the block's comparisons (so the same choice
 * among ties). */
static inline void
pool2_one (const float *p,
           const float *q,
           float       *y,
           guint8      *code)
{
  gboolean mab = p[1] > p[0], mcd = q[1] > q[0];
  float ab = mab ? p[1] : p[0], cd = mcd ? q[1] : q[0];
  gboolean m = cd > ab;

  *y = m ? cd : ab;
  *code = (guint8) ((m ? mcd : mab) | (m << 1));
}

/* The nx whole windows of output row oy. */
static void
pool2_row (const float *x,
           guint        w,
           guint        oy,
           guint        nx,
           float       *y,
           guint8      *code)
{
  const float *r0 = x + (gsize) 2 * oy * w, *r1 = r0 + w;
  guint ox = 0;

  if (nx < 4)
    {
      for (; ox < nx; ox++)
        pool2_one (r0 + 2 * ox, r1 + 2 * ox, y + ox, code + ox);
      return;
    }
  for (; ox + 4 <= nx; ox += 4)
    pool2_block (r0 + 2 * ox, r1 + 2 * ox, y + ox, code + ox);
  /* The last 1-3 windows as the last four of the row: those before them
   * are computed again to the same values, cheaper than one by one (the
   * 7 windows of a 14-pixel row would be 3 of 7 otherwise). */
  if (ox < nx)
    pool2_block (r0 + 2 * (nx - 4), r1 + 2 * (nx - 4), y + nx - 4, code + nx - 4);
}

/* The max over rows [y0, y1) and columns [x0, x1) of plane x (w wide),
 * and the index of the first maximum in scan order. */
static inline float
window_max (const float *x,
            guint        w,
            guint        y0,
            guint        y1,
            guint        x0,
            guint        x1,
            guint32     *index)
{
  guint32 best_i = y0 * w + x0;
  float best = x[best_i];

  for (guint iy = y0; iy < y1; iy++)
    for (guint ix = x0; ix < x1; ix++)
      {
        float v = x[iy * w + ix];

        /* first max wins, NaN propagates: as PyTorch */
        if (v > best || isnan (v))
          {
            best = v;
            best_i = iy * w + ix;
          }
      }
  *index = best_i;
  return best;
}

static void
maxpool_forward (LabLayer      *layer,
                 const LabPass *pass)
{
  LabMaxPool2d *self = (LabMaxPool2d *) layer;
  const LabShape in = layer->in, out = layer->out;
  const guint pool = self->pool, s = self->stride;
  const gsize planes = (gsize) pass->batch * in.c, hwo = (gsize) out.h * out.w;

  if (is_pool2 (self))
    {
      /* whole windows, then those of ceil mode that hang over the edge */
      const guint full_h = in.h / 2, full_w = in.w / 2;
      guint8 *codes = (guint8 *) pass->scratch;   /* (B, C, Ho, Wo) */

      for (gsize pl = 0; pl < planes; pl++)
        {
          const float *x = pass->in + pl * in.h * in.w;
          float *y = pass->out + pl * hwo;
          guint8 *code = codes + pl * hwo;

          for (guint oy = 0; oy < out.h; oy++)
            {
              guint ox = 0;

              if (oy < full_h)
                {
                  pool2_row (x, in.w, oy, full_w, y + oy * out.w, code + oy * out.w);
                  ox = full_w;
                }
              for (; ox < out.w; ox++)
                {
                  guint32 i;

                  y[oy * out.w + ox] = window_max (x, in.w, 2 * oy, MIN (2 * oy + 2, in.h),
                                                   2 * ox, MIN (2 * ox + 2, in.w), &i);
                  code[oy * out.w + ox] = (guint8) ((i / in.w - 2 * oy) * 2 + i % in.w - 2 * ox);
                }
            }
        }
      return;
    }

  /* argmax (B, C, Ho, Wo), an index into the input plane */
  for (gsize pl = 0; pl < planes; pl++)
    {
      const float *x = pass->in + pl * in.h * in.w;
      float *y = pass->out + pl * hwo;
      guint32 *a = (guint32 *) pass->scratch + pl * hwo;

      for (guint oy = 0; oy < out.h; oy++)
        for (guint ox = 0; ox < out.w; ox++)
          y[oy * out.w + ox] = window_max (x, in.w, oy * s, MIN (oy * s + pool, in.h),
                                           ox * s, MIN (ox * s + pool, in.w),
                                           &a[oy * out.w + ox]);
    }
}

/* The four gradients of the 2×2 windows of four outputs: G_y where the
 * maximum was, 0 elsewhere, as the top and bottom rows (8 values each). */
static inline void
unpool2_block (const float  *dy,
               const guint8 *code,
               LabV4        *top0,
               LabV4        *top1,
               LabV4        *bottom0,
               LabV4        *bottom1)
{
  LabV4 g = lab_v4_load (dy);
  guint32 w;
  LabV4i word, col, row;
  LabV4 a, b, c, d;

  memcpy (&w, code, sizeof w);
  w = GUINT32_FROM_LE (w);
  word = (LabV4i) { (gint32) w, (gint32) w, (gint32) w, (gint32) w };
  col = (word & byte_bit0) != 0;
  row = (word & byte_bit1) != 0;
  a = (LabV4) ((LabV4i) g & ~(row | col));
  b = (LabV4) ((LabV4i) g & ~row & col);
  c = (LabV4) ((LabV4i) g & row & ~col);
  d = (LabV4) ((LabV4i) g & row & col);
  *top0 = LAB_V4_SHUFFLE (a, b, 0, 4, 1, 5);
  *top1 = LAB_V4_SHUFFLE (a, b, 2, 6, 3, 7);
  *bottom0 = LAB_V4_SHUFFLE (c, d, 0, 4, 1, 5);
  *bottom1 = LAB_V4_SHUFFLE (c, d, 2, 6, 3, 7);
}

/* Backward of one plane of 2×2 windows: G_x[window position] += G_y, or
 * with `write` (the windows tile the plane: even height and width) every
 * pixel stored. */
static void
unpool2_plane (float        *dx,
               const float  *dy,
               const guint8 *code,
               LabShape      in,
               LabShape      out,
               gboolean      write)
{
  const guint full_h = in.h / 2, full_w = in.w / 2;

  for (guint oy = 0; oy < out.h; oy++)
    {
      float *r0 = dx + (gsize) 2 * oy * in.w, *r1 = r0 + (oy < full_h ? in.w : 0);
      const float *g = dy + (gsize) oy * out.w;
      const guint8 *k = code + (gsize) oy * out.w;
      guint ox = 0;

      if (oy < full_h && full_w >= 4)
        {
          LabV4 t0, t1, b0, b1;

          for (; ox + 4 <= full_w; ox += 4)
            {
              unpool2_block (g + ox, k + ox, &t0, &t1, &b0, &b1);
              if (!write)
                {
                  t0 += lab_v4_load (r0 + 2 * ox);
                  t1 += lab_v4_load (r0 + 2 * ox + 4);
                  b0 += lab_v4_load (r1 + 2 * ox);
                  b1 += lab_v4_load (r1 + 2 * ox + 4);
                }
              lab_v4_store (r0 + 2 * ox, t0);
              lab_v4_store (r0 + 2 * ox + 4, t1);
              lab_v4_store (r1 + 2 * ox, b0);
              lab_v4_store (r1 + 2 * ox + 4, b1);
            }
          /* Writing, the last 1-3 windows as the last four, as forward;
           * adding must not add twice, so those go one by one below. */
          if (write && ox < full_w)
            {
              ox = full_w - 4;
              unpool2_block (g + ox, k + ox, &t0, &t1, &b0, &b1);
              lab_v4_store (r0 + 2 * ox, t0);
              lab_v4_store (r0 + 2 * ox + 4, t1);
              lab_v4_store (r1 + 2 * ox, b0);
              lab_v4_store (r1 + 2 * ox + 4, b1);
              ox = full_w;
            }
        }
      for (; ox < out.w; ox++)
        {
          const guint c = k[ox] & 1, r = k[ox] >> 1;

          if (write)
            {
              /* whole windows only: the plane is tiled */
              r0[2 * ox] = r0[2 * ox + 1] = r1[2 * ox] = r1[2 * ox + 1] = 0;
            }
          r0[(gsize) r * in.w + 2 * ox + c] += g[ox];
        }
    }
}

static void
maxpool_backward (LabLayer      *layer,
                  const LabPass *pass)
{
  LabMaxPool2d *self = (LabMaxPool2d *) layer;
  const LabShape in = layer->in, out = layer->out;
  const gsize planes = (gsize) pass->batch * in.c, hwo = (gsize) out.h * out.w;
  const gsize hwi = (gsize) in.h * in.w;
  gboolean write = pass->din_write;

  if (pass->din == NULL)
    return;
  if (is_pool2 (self))
    {
      const guint8 *codes = (const guint8 *) pass->scratch;

      /* Windows that do not tile the plane (odd sizes) leave pixels out or
       * hang over the edge: zero those planes, then add. */
      if (write && (in.h % 2 != 0 || in.w % 2 != 0))
        {
          memset (pass->din, 0, planes * hwi * sizeof (float));
          write = FALSE;
        }
      for (gsize pl = 0; pl < planes; pl++)
        unpool2_plane (pass->din + pl * hwi, pass->dout + pl * hwo, codes + pl * hwo,
                       in, out, write);
      return;
    }

  /* G_x[argmax] += G_y; windows may overlap (stride < pool) */
  if (write)
    memset (pass->din, 0, planes * hwi * sizeof (float));
  for (gsize pl = 0; pl < planes; pl++)
    {
      float *dx = pass->din + pl * hwi;
      const float *dy = pass->dout + pl * hwo;
      const guint32 *a = (const guint32 *) pass->scratch + pl * hwo;

      for (gsize q = 0; q < hwo; q++)
        dx[a[q]] += dy[q];
    }
}

const LabLayerClass lab_maxpool2d_class = {
  .type = "maxpool2d",
  .title = "MaxPooling2D",
  .flags = LAB_LAYER_WRITES_DIN,
  .help = N_("Max pooling: keeps the largest value of each pool×pool block"),
  .size = sizeof (LabMaxPool2d),
  .options = maxpool_options,
  .n_options = G_N_ELEMENTS (maxpool_options),
  .setup = maxpool_setup,
  .init = lab_layer_init_none,
  .scratch_floats = maxpool_scratch_floats,
  .forward = maxpool_forward,
  .backward = maxpool_backward,
  .free = lab_layer_free_plain,
};
