#define G_LOG_DOMAIN "latentlab-core"

/* MaxPool2d as PyTorch's nn.MaxPool2d(pool, stride = pool, ceil_mode).
 * With ceil_mode the last window may hang over the edge (7 -> 4 for pool 2,
 * like Keras' padding="same"); it takes the max over its valid pixels only.
 *
 *   y = max over the window;  G_x[argmax] += G_y
 *
 * The argmax of every output (index into the input plane) is kept in
 * scratch from forward to backward, so ties resolve once, the same way. */

#include "lab-layers-private.h"

#include <math.h>
#include <string.h>

typedef struct
{
  LabLayer parent;
  guint    pool;
  guint    stride;
  gboolean ceil_mode;
} LabMaxPool2d;

static LabLayer *
maxpool_from_json (JsonObject  *spec,
                   GError     **error)
{
  g_autofree LabMaxPool2d *self = g_new0 (LabMaxPool2d, 1);

  if (!lab_spec_get_uint (spec, "maxpool2d", "pool", FALSE, 2, 1, 64, &self->pool, error)
      || !lab_spec_get_uint (spec, "maxpool2d", "stride", FALSE, self->pool, 1, 64, &self->stride, error)
      || !lab_spec_get_bool (spec, "maxpool2d", "ceil_mode", FALSE, &self->ceil_mode, error))
    return NULL;
  return (LabLayer *) g_steal_pointer (&self);
}

static void
maxpool_to_json (LabLayer    *layer,
                 JsonBuilder *builder)
{
  LabMaxPool2d *self = (LabMaxPool2d *) layer;

  json_builder_set_member_name (builder, "pool");
  json_builder_add_int_value (builder, self->pool);
  if (self->stride != self->pool)
    {
      json_builder_set_member_name (builder, "stride");
      json_builder_add_int_value (builder, self->stride);
    }
  json_builder_set_member_name (builder, "ceil_mode");
  json_builder_add_boolean_value (builder, self->ceil_mode);
}

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

static gsize
maxpool_scratch_floats (LabLayer *layer,
                        guint     batch)
{
  return (gsize) batch * lab_shape_size (layer->out);
}

/* Four outputs of whole 2×2 windows from rows r0, r1 (8 values each,
 * starting at column 2*ox of output row oy): even and odd columns split by
 * shuffles, then pairwise maxima without branches (random data would
 * mispredict half of them). Strict > keeps the first of equal values, in
 * PyTorch's scan order. */
static inline void
pool2_block (const float *r0,
             const float *r1,
             guint        w,
             guint        oy,
             guint        ox,
             LabV4       *y,
             LabV4i      *a)
{
  LabV4 p0 = lab_v4_load (r0), p1 = lab_v4_load (r0 + 4);
  LabV4 q0 = lab_v4_load (r1), q1 = lab_v4_load (r1 + 4);
  LabV4 va = LAB_V4_SHUFFLE (p0, p1, 0, 2, 4, 6), vb = LAB_V4_SHUFFLE (p0, p1, 1, 3, 5, 7);
  LabV4 vc = LAB_V4_SHUFFLE (q0, q1, 0, 2, 4, 6), vd = LAB_V4_SHUFFLE (q0, q1, 1, 3, 5, 7);
  LabV4i mab = vb > va, mcd = vd > vc, m;
  LabV4 ab = lab_v4_select (mab, vb, va), cd = lab_v4_select (mcd, vd, vc);
  const gint32 i0 = (gint32) (2 * oy * w + 2 * ox);
  LabV4i base = { i0, i0 + 2, i0 + 4, i0 + 6 };
  LabV4i iab = base - mab, icd = base + (gint32) w - mcd;

  m = cd > ab;
  *y = lab_v4_select (m, cd, ab);
  *a = (icd & m) | (iab & ~m);
}

/* Output row oy of a 2×2, stride-2 pool over its nx whole windows. */
static void
pool2_row (const float *x,
           guint        w,
           guint        oy,
           guint        nx,
           float       *y,
           guint32     *a)
{
  const float *r0 = x + (gsize) 2 * oy * w, *r1 = r0 + w;
  guint ox = 0;
  LabV4 v;
  LabV4i i;

  for (; ox + 4 <= nx; ox += 4)
    {
      pool2_block (r0 + 2 * ox, r1 + 2 * ox, w, oy, ox, &v, &i);
      lab_v4_store (y + ox, v);
      memcpy (a + ox, &i, sizeof i);
    }
  /* The last 1-3 windows one by one, not reading past the row, with the
   * block's comparisons (so the same choice among ties): four small copies
   * through a buffer cost more than these. */
  for (; ox < nx; ox++)
    {
      const float *p = r0 + 2 * ox, *q = r1 + 2 * ox;
      const guint32 i0 = 2 * oy * w + 2 * ox;
      float ab = p[1] > p[0] ? p[1] : p[0], cd = q[1] > q[0] ? q[1] : q[0];
      guint32 iab = p[1] > p[0] ? i0 + 1 : i0, icd = q[1] > q[0] ? i0 + w + 1 : i0 + w;

      y[ox] = cd > ab ? cd : ab;
      a[ox] = cd > ab ? icd : iab;
    }
}

static void
maxpool_forward (LabLayer      *layer,
                 const LabPass *pass)
{
  LabMaxPool2d *self = (LabMaxPool2d *) layer;
  const LabShape in = layer->in, out = layer->out;
  const guint pool = self->pool, s = self->stride;
  const gsize planes = (gsize) pass->batch * in.c;
  /* 2×2 windows at stride 2 that lie wholly inside: the fast path */
  const gboolean pool2 = pool == 2 && s == 2;
  const guint full_h = pool2 ? in.h / 2 : 0, full_w = pool2 ? in.w / 2 : 0;
  /* argmax (B, C, Ho, Wo), an index into the input plane */
  guint32 *arg = (guint32 *) pass->scratch;

  for (gsize pl = 0; pl < planes; pl++)
    {
      const float *x = pass->in + pl * in.h * in.w;
      float *y = pass->out + pl * out.h * out.w;
      guint32 *a = arg + pl * out.h * out.w;

      for (guint oy = 0; oy < out.h; oy++)
        {
          guint y0 = oy * s, y1 = MIN (y0 + pool, in.h);
          guint ox = 0;

          if (oy < full_h)
            {
              pool2_row (x, in.w, oy, full_w, y + oy * out.w, a + oy * out.w);
              ox = full_w;
            }
          for (; ox < out.w; ox++)
            {
              guint x0 = ox * s, x1 = MIN (x0 + pool, in.w);
              guint32 best_i = y0 * in.w + x0;
              float best = x[best_i];

              for (guint iy = y0; iy < y1; iy++)
                for (guint ix = x0; ix < x1; ix++)
                  {
                    float v = x[iy * in.w + ix];

                    /* first max wins, NaN propagates: as PyTorch */
                    if (v > best || isnan (v))
                      {
                        best = v;
                        best_i = iy * in.w + ix;
                      }
                  }
              y[oy * out.w + ox] = best;
              a[oy * out.w + ox] = best_i;
            }
        }
    }
}

static void
maxpool_backward (LabLayer      *layer,
                  const LabPass *pass)
{
  const LabShape in = layer->in, out = layer->out;
  const gsize planes = (gsize) pass->batch * in.c, hwo = (gsize) out.h * out.w;
  const guint32 *arg = (const guint32 *) pass->scratch;

  if (pass->din == NULL)
    return;
  /* G_x[argmax] += G_y */
  for (gsize pl = 0; pl < planes; pl++)
    {
      float *dx = pass->din + pl * in.h * in.w;
      const float *dy = pass->dout + pl * hwo;
      const guint32 *a = arg + pl * hwo;

      for (gsize q = 0; q < hwo; q++)
        dx[a[q]] += dy[q];
    }
}

const LabLayerClass lab_maxpool2d_class = {
  .type = "maxpool2d",
  .title = "MaxPooling2D",
  .from_json = maxpool_from_json,
  .to_json = maxpool_to_json,
  .setup = maxpool_setup,
  .init = lab_layer_init_none,
  .scratch_floats = maxpool_scratch_floats,
  .forward = maxpool_forward,
  .backward = maxpool_backward,
  .free = lab_layer_free_plain,
};
