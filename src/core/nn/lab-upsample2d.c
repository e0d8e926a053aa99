#define G_LOG_DOMAIN "latentlab-core"

/* Upsample2d as PyTorch's nn.Upsample(scale_factor = s, mode = "nearest")
 * with a whole-number scale: every pixel becomes an s×s block.
 *
 *   y[oy, ox] = x[oy / s, ox / s];  G_x[iy, ix] += Σ over its block of G_y */

#include "lab-layers-private.h"

#include <string.h>

typedef struct
{
  LabLayer parent;
  guint    scale;
} LabUpsample2d;

static const LabLayerOption upsample_options[] = {
  { .key = "scale", .kind = LAB_OPTION_UINT, .min = 1, .max = 64, .def = 2, .fresh = 2, .step = 1,
    .offset = G_STRUCT_OFFSET (LabUpsample2d, scale), .label = N_("scale"),
    .help = N_("How many times larger the image gets") },
};

static gboolean
upsample_setup (LabLayer  *layer,
                LabShape   in,
                GError   **error)
{
  guint s = ((LabUpsample2d *) layer)->scale;

  if ((guint64) in.h * s > 65536 || (guint64) in.w * s > 65536)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "Layer “upsample2d” would make %u×%u pixels into more than 65536 a side",
                   in.h, in.w);
      return FALSE;
    }
  layer->out = (LabShape) { in.c, in.h * s, in.w * s };
  return TRUE;
}

/* Scale 2, input rows of 4 pixels or more: every 4 input pixels become 8
 * outputs stored in both rows of their blocks. The last 1-3 pixels of a
 * row go as the row's last four, storing again what the block before
 * stored (a 7-pixel row is 2 blocks, not 1 and 3 pixels one by one). */
static void
upsample2_plane (float       *y,
                 const float *x,
                 guint        h,
                 guint        w)
{
  const gsize ow = (gsize) 2 * w;

  for (guint iy = 0; iy < h; iy++)
    {
      const float *xr = x + (gsize) iy * w;
      float *r0 = y + (gsize) 2 * iy * ow, *r1 = r0 + ow;

      for (guint ix = 0; ix < w; ix += 4)
        {
          const guint i = MIN (ix, w - 4);
          LabV4 v = lab_v4_load (xr + i);
          LabV4 lo = LAB_V4_SHUFFLE (v, v, 0, 0, 1, 1), hi = LAB_V4_SHUFFLE (v, v, 2, 2, 3, 3);

          lab_v4_store (r0 + 2 * i, lo);
          lab_v4_store (r0 + 2 * i + 4, hi);
          lab_v4_store (r1 + 2 * i, lo);
          lab_v4_store (r1 + 2 * i + 4, hi);
        }
    }
}

static void
upsample_forward (LabLayer      *layer,
                  const LabPass *pass)
{
  const guint s = ((LabUpsample2d *) layer)->scale;
  const LabShape in = layer->in, out = layer->out;
  const gsize planes = (gsize) pass->batch * in.c;

  for (gsize pl = 0; pl < planes; pl++)
    {
      const float *x = pass->in + pl * in.h * in.w;
      float *y = pass->out + pl * out.h * out.w;

      if (s == 2 && in.w >= 4)
        {
          upsample2_plane (y, x, in.h, in.w);
          continue;
        }
      for (guint iy = 0; iy < in.h; iy++)
        {
          const float *xr = x + (gsize) iy * in.w;
          float *row = y + (gsize) iy * s * out.w;

          for (guint ix = 0; ix < in.w; ix++)
            for (guint j = 0; j < s; j++)
              row[ix * s + j] = xr[ix];
          /* the other s-1 rows of the block repeat the first */
          for (guint j = 1; j < s; j++)
            memcpy (row + (gsize) j * out.w, row, out.w * sizeof (float));
        }
    }
}

/* Sums of the 2×2 blocks of four neighbouring input pixels, from the 8
 * values of both output rows: rows first, then neighbours pairwise. */
static inline LabV4
block2_sums (const float *r0,
             const float *r1)
{
  LabV4 lo = lab_v4_load (r0) + lab_v4_load (r1);
  LabV4 hi = lab_v4_load (r0 + 4) + lab_v4_load (r1 + 4);

  return LAB_V4_SHUFFLE (lo, hi, 0, 2, 4, 6) + LAB_V4_SHUFFLE (lo, hi, 1, 3, 5, 7);
}

static void
upsample_backward (LabLayer      *layer,
                   const LabPass *pass)
{
  const guint s = ((LabUpsample2d *) layer)->scale;
  const LabShape in = layer->in, out = layer->out;
  const gsize planes = (gsize) pass->batch * in.c;
  /* din_write: add to zeros, the same bits as adding to a zeroed din */
  const gboolean write = pass->din_write;
  const LabV4 zero = { 0 };

  if (pass->din == NULL)
    return;
  for (gsize pl = 0; pl < planes; pl++)
    {
      float *dx = pass->din + pl * in.h * in.w;
      const float *dy = pass->dout + pl * out.h * out.w;

      for (guint iy = 0; iy < in.h; iy++)
        {
          float *dxr = dx + (gsize) iy * in.w;
          guint ix = 0;

          if (s == 2 && in.w >= 4)
            {
              const float *r0 = dy + (gsize) 2 * iy * out.w, *r1 = r0 + out.w;

              for (; ix + 4 <= in.w; ix += 4)
                lab_v4_store (dxr + ix, (write ? zero : lab_v4_load (dxr + ix))
                                        + block2_sums (r0 + 2 * ix, r1 + 2 * ix));
              /* Writing, the last 1-3 pixels as the row's last four (as
               * forward); adding, one by one, so none is added twice. */
              if (write && ix < in.w)
                {
                  ix = in.w - 4;
                  lab_v4_store (dxr + ix, zero + block2_sums (r0 + 2 * ix, r1 + 2 * ix));
                  ix = in.w;
                }
            }
          for (; ix < in.w; ix++)
            {
              float sum = 0.f;

              if (s == 2)
                {
                  /* the blocks' order of additions, so that adding and
                   * writing give the same bits */
                  const float *r0 = dy + (gsize) 2 * iy * out.w + 2 * ix, *r1 = r0 + out.w;

                  dxr[ix] = (write ? 0.f : dxr[ix]) + ((r0[0] + r1[0]) + (r0[1] + r1[1]));
                  continue;
                }
              for (guint j = 0; j < s; j++)
                for (guint i = 0; i < s; i++)
                  sum += dy[((gsize) iy * s + j) * out.w + ix * s + i];
              dxr[ix] = (write ? 0.f : dxr[ix]) + sum;
            }
        }
    }
}

const LabLayerClass lab_upsample2d_class = {
  .type = "upsample2d",
  .title = "UpSampling2D",
  .flags = LAB_LAYER_WRITES_DIN,
  .help = N_("Upsampling: repeats every pixel scale×scale times"),
  .size = sizeof (LabUpsample2d),
  .options = upsample_options,
  .n_options = G_N_ELEMENTS (upsample_options),
  .setup = upsample_setup,
  .init = lab_layer_init_none,
  .scratch_floats = lab_layer_scratch_none,
  .forward = upsample_forward,
  .backward = upsample_backward,
  .free = lab_layer_free_plain,
};
