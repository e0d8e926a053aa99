#define G_LOG_DOMAIN "latentlab-core"

/* AvgPool2d as PyTorch's nn.AvgPool2d(pool, stride = pool): no padding,
 * floor mode, so every window is whole.
 *
 *   y = mean over the window;  G_x += G_y / (pool * pool) over the window */

#include "lab-layers-private.h"

typedef struct
{
  LabLayer parent;
  guint    pool;
  guint    stride;
} LabAvgPool2d;

static const LabLayerOption avgpool_options[] = {
  LAB_POOL_OPTIONS (LabAvgPool2d),
};

static gboolean
avgpool_setup (LabLayer  *layer,
               LabShape   in,
               GError   **error)
{
  LabAvgPool2d *self = (LabAvgPool2d *) layer;

  if (in.h < self->pool || in.w < self->pool)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "Layer “avgpool2d” with pool %u cannot take an input of %u×%u pixels",
                   self->pool, in.h, in.w);
      return FALSE;
    }
  layer->out = (LabShape) {
    in.c,
    (in.h - self->pool) / self->stride + 1,
    (in.w - self->pool) / self->stride + 1,
  };
  return TRUE;
}

static void
avgpool_forward (LabLayer      *layer,
                 const LabPass *pass)
{
  LabAvgPool2d *self = (LabAvgPool2d *) layer;
  const LabShape in = layer->in, out = layer->out;
  const guint pool = self->pool, s = self->stride;
  const gsize planes = (gsize) pass->batch * in.c;
  const float scale = 1.f / (float) (pool * pool);

  for (gsize pl = 0; pl < planes; pl++)
    {
      const float *x = pass->in + pl * in.h * in.w;
      float *y = pass->out + pl * out.h * out.w;

      for (guint oy = 0; oy < out.h; oy++)
        for (guint ox = 0; ox < out.w; ox++)
          {
            float sum = 0.f;

            for (guint iy = oy * s; iy < oy * s + pool; iy++)
              for (guint ix = ox * s; ix < ox * s + pool; ix++)
                sum += x[iy * in.w + ix];
            y[oy * out.w + ox] = sum * scale;
          }
    }
}

static void
avgpool_backward (LabLayer      *layer,
                  const LabPass *pass)
{
  LabAvgPool2d *self = (LabAvgPool2d *) layer;
  const LabShape in = layer->in, out = layer->out;
  const guint pool = self->pool, s = self->stride;
  const gsize planes = (gsize) pass->batch * in.c;
  const float scale = 1.f / (float) (pool * pool);

  if (pass->din == NULL)
    return;
  for (gsize pl = 0; pl < planes; pl++)
    {
      float *dx = pass->din + pl * in.h * in.w;
      const float *dy = pass->dout + pl * out.h * out.w;

      for (guint oy = 0; oy < out.h; oy++)
        for (guint ox = 0; ox < out.w; ox++)
          {
            const float g = dy[oy * out.w + ox] * scale;

            for (guint iy = oy * s; iy < oy * s + pool; iy++)
              for (guint ix = ox * s; ix < ox * s + pool; ix++)
                dx[iy * in.w + ix] += g;
          }
    }
}

const LabLayerClass lab_avgpool2d_class = {
  .type = "avgpool2d",
  .title = "AveragePooling2D",
  .help = N_("Average pooling: the mean of each pool×pool block"),
  .size = sizeof (LabAvgPool2d),
  .options = avgpool_options,
  .n_options = G_N_ELEMENTS (avgpool_options),
  .setup = avgpool_setup,
  .init = lab_layer_init_none,
  .scratch_floats = lab_layer_scratch_none,
  .forward = avgpool_forward,
  .backward = avgpool_backward,
  .free = lab_layer_free_plain,
};
