#define G_LOG_DOMAIN "latentlab-core"

/* ConvTranspose2d as PyTorch's nn.ConvTranspose2d: weight (Cin, Cout, k, k),
 * bias (Cout); Ho = (Hi - 1)*s - 2p + k + output_padding.
 *
 * It is the adjoint of a Conv2d from (Cout, Ho, Wo) to (Cin, Hi, Wi) whose
 * weight is this layer's weight read as (Cin, Cout*k*k), so it runs the
 * convolution engine backwards (LabConvGeom: wide side = our output):
 *
 *   Y = col2im(Wᵀ · X) + b
 *   G_W += X · im2col(G_Y)ᵀ,  G_b += Σ G_Y,  G_X += W · im2col(G_Y) */

#include "lab-im2col.h"
#include "lab-layers-private.h"

typedef struct
{
  LabConvBase base;
  guint       filters;
  guint       kernel;
  guint       stride;
  guint       padding;
  guint       output_padding;
} LabConvTranspose2d;

static const LabLayerOption convt_options[] = {
  LAB_CONV_FILTERS (LabConvTranspose2d),
  LAB_CONV_KERNEL (LabConvTranspose2d),
  LAB_CONV_STRIDE (LabConvTranspose2d, 2),
  { .key = "padding", .kind = LAB_OPTION_UINT, .min = 0, .max = 64, .def = 0, .fresh = 1, .step = 1,
    .offset = G_STRUCT_OFFSET (LabConvTranspose2d, padding), .label = N_("padding"),
    .help = N_("Pixels taken off every side of the output") },
  { .key = "output_padding", .kind = LAB_OPTION_UINT, .min = 0, .max = 63, .def = 0, .fresh = 1,
    .step = 1, .offset = G_STRUCT_OFFSET (LabConvTranspose2d, output_padding), .label = N_("out pad"),
    .help = N_("Extra rows and columns on one side, to reach an exact size (less than the stride)") },
};

/* As in PyTorch: extra output rows beyond a stride would get no input. */
static gboolean
convt_check (LabLayer  *layer,
             GError   **error)
{
  LabConvTranspose2d *self = (LabConvTranspose2d *) layer;

  if (self->output_padding >= self->stride)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Layer “conv_transpose2d”: “output_padding” (%u) must be smaller than "
                   "“stride” (%u)", self->output_padding, self->stride);
      return FALSE;
    }
  return TRUE;
}

static gboolean
convt_setup (LabLayer  *layer,
             LabShape   in,
             GError   **error)
{
  LabConvTranspose2d *self = (LabConvTranspose2d *) layer;
  LabConvGeom *g = &self->base.geom;
  const guint k = self->kernel, s = self->stride, p = self->padding, op = self->output_padding;
  gint64 ho = (gint64) (in.h - 1) * s - 2 * (gint64) p + k + op;
  gint64 wo = (gint64) (in.w - 1) * s - 2 * (gint64) p + k + op;

  if (ho < 1 || wo < 1 || ho > 65536 || wo > 65536)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "Layer “conv_transpose2d” (kernel %u, stride %u, padding %u) cannot take an "
                   "input of %u×%u pixels: the output would be %" G_GINT64_FORMAT "×%" G_GINT64_FORMAT,
                   k, s, p, in.h, in.w, ho, wo);
      return FALSE;
    }

  *g = (LabConvGeom) {
    .c = self->filters, .h = (guint) ho, .w = (guint) wo,
    .m = in.c, .ho = in.h, .wo = in.w,
    .k = k, .s = s, .p = p,
  };
  layer->out = (LabShape) { g->c, g->h, g->w };
  lab_layer_add_tensor (layer, "weight", TRUE, 4, in.c, self->filters, k, k);
  lab_layer_add_tensor (layer, "bias", TRUE, 1, self->filters, 0, 0, 0);
  layer->macs = (guint64) in.c * in.h * in.w * lab_conv_geom_rows (g);
  return TRUE;
}

static void
convt_init (LabLayer *layer,
            float    *params,
            float    *buffers,
            LabInit   init,
            LabRng   *rng)
{
  const LabConvGeom *g = &((LabConvTranspose2d *) layer)->base.geom;
  gsize kk = lab_conv_geom_rows (g);

  /* PyTorch's fans come from the weight's dims: fan_in = dims[1]*k*k,
   * which for a transposed conv is Cout*k*k. */
  lab_init_weight_bias (params, g->m * kk, params + g->m * kk, g->c,
                        kk, (gsize) g->m * g->k * g->k, init, rng);
}

static gsize
per_image_floats (const LabConvGeom *g)
{
  return (lab_conv_geom_rows (g) + g->m) * g->ho * g->wo;
}

static gsize
convt_scratch_floats (LabLayer *layer,
                      guint     batch)
{
  LabConvTranspose2d *self = (LabConvTranspose2d *) layer;

  return lab_conv_chunk (&self->base, batch, per_image_floats (&self->base.geom))
         * per_image_floats (&self->base.geom);
}

static void
convt_forward (LabLayer      *layer,
               const LabPass *pass)
{
  LabConvTranspose2d *self = (LabConvTranspose2d *) layer;
  const LabConvGeom *g = &self->base.geom;
  const gsize kk = lab_conv_geom_rows (g), hwi = (gsize) g->ho * g->wo;
  const gsize in_size = lab_shape_size (layer->in), out_size = lab_shape_size (layer->out);
  const gsize plane = (gsize) g->h * g->w;
  const float *w = pass->params, *b = pass->params + g->m * kk;
  guint chunk = lab_conv_chunk (&self->base, pass->batch, per_image_floats (g));

  for (guint b0 = 0; b0 < pass->batch; b0 += chunk)
    {
      guint n = MIN (chunk, pass->batch - b0);
      float *cols = pass->scratch, *tmp = pass->scratch + kk * n * hwi;

      /* cols (Cout*k*k, n*Hi*Wi) = Wᵀ · X */
      lab_conv_gemm_backward (NULL, cols, w, pass->in + b0 * in_size, NULL,
                              n, g->m, kk, hwi, tmp);
      for (guint i = 0; i < n; i++)
        {
          float *y = pass->out + (b0 + i) * out_size;

          for (guint c = 0; c < g->c; c++)
            for (gsize q = 0; q < plane; q++)
              y[c * plane + q] = b[c];
          lab_col2im_add (y, cols + i * hwi, n * hwi, g);
        }
    }
}

static void
convt_backward (LabLayer      *layer,
                const LabPass *pass)
{
  LabConvTranspose2d *self = (LabConvTranspose2d *) layer;
  const LabConvGeom *g = &self->base.geom;
  const gsize kk = lab_conv_geom_rows (g), hwi = (gsize) g->ho * g->wo;
  const gsize in_size = lab_shape_size (layer->in), out_size = lab_shape_size (layer->out);
  const float *w = pass->params;
  float *dw = pass->dparams, *db = pass->dparams + g->m * kk;
  guint chunk = lab_conv_chunk (&self->base, pass->batch, per_image_floats (g));

  lab_bias_grad_add (db, pass->dout, pass->batch, g->c, (gsize) g->h * g->w);
  for (guint b0 = 0; b0 < pass->batch; b0 += chunk)
    {
      guint n = MIN (chunk, pass->batch - b0);
      float *cols = pass->scratch, *tmp = pass->scratch + kk * n * hwi;

      for (guint i = 0; i < n; i++)
        lab_im2col (cols + i * hwi, n * hwi, pass->dout + (b0 + i) * out_size, g);
      /* G_W += X · colsᵀ */
      lab_conv_gemm_backward (dw, NULL, w, pass->in + b0 * in_size, cols,
                              n, g->m, kk, hwi, tmp);
      /* G_X += W · cols */
      if (pass->din != NULL)
        lab_conv_gemm_forward (pass->din + b0 * in_size, TRUE, NULL, w, cols,
                               n, g->m, kk, hwi, tmp);
    }
}

const LabLayerClass lab_conv_transpose2d_class = {
  .type = "conv_transpose2d",
  .title = "Conv2DTranspose",
  .flags = LAB_LAYER_SCRATCH_TEMPORARY,
  .help = N_("Transposed convolution: a convolution run backwards; stride 2 doubles the image"),
  .size = sizeof (LabConvTranspose2d),
  .options = convt_options,
  .n_options = G_N_ELEMENTS (convt_options),
  .check = convt_check,
  .setup = convt_setup,
  .init = convt_init,
  .scratch_floats = convt_scratch_floats,
  .forward = convt_forward,
  .backward = convt_backward,
  .free = lab_layer_free_plain,
};
