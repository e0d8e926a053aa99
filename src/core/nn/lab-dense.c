#define G_LOG_DOMAIN "latentlab-core"

/* Dense as PyTorch's nn.Linear over the flattened sample:
 * weight (out, in), bias (out).
 *
 *   Y (B, out) = X (B, in) · Wᵀ + b
 *   G_W += G_Yᵀ · X,  G_b += Σ_B G_Y,  G_X += G_Y · W */

#include "lab-layers-private.h"

#include "lab-blas.h"
#include <string.h>

typedef struct
{
  LabLayer parent;
  guint    units;
} LabDense;

static const LabLayerOption dense_options[] = {
  { .key = "units", .kind = LAB_OPTION_UINT, .min = 1, .max = 1 << 24, .required = TRUE,
    .fresh = 64, .step = 1, .offset = G_STRUCT_OFFSET (LabDense, units), .label = N_("units"),
    .help = N_("Output values; in the encoder’s last layer, the latent size") },
};

static gboolean
dense_setup (LabLayer  *layer,
             LabShape   in,
             GError   **error)
{
  LabDense *self = (LabDense *) layer;
  gsize n_in = lab_shape_size (in);

  if (n_in > G_MAXUINT || (guint64) n_in * self->units > (G_GUINT64_CONSTANT (1) << 31))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "Layer “dense” with %u units is too large for an input of %" G_GSIZE_FORMAT
                   " values (%u×%u×%u)", self->units, n_in, in.c, in.h, in.w);
      return FALSE;
    }
  layer->out = (LabShape) { self->units, 1, 1 };
  lab_layer_add_tensor (layer, "weight", TRUE, 2, self->units, (guint) n_in, 0, 0);
  lab_layer_add_tensor (layer, "bias", TRUE, 1, self->units, 0, 0, 0);
  layer->macs = (guint64) n_in * self->units;
  return TRUE;
}

static void
dense_init (LabLayer *layer,
            float    *params,
            float    *buffers,
            LabInit   init,
            LabRng   *rng)
{
  gsize n_in = lab_shape_size (layer->in), n_out = ((LabDense *) layer)->units;

  lab_init_weight_bias (params, n_out * n_in, params + n_out * n_in, n_out,
                        n_in, n_out, init, rng);
}

static void
dense_forward (LabLayer      *layer,
               const LabPass *pass)
{
  const gsize n_in = lab_shape_size (layer->in), n_out = ((LabDense *) layer)->units;
  const float *w = pass->params, *b = pass->params + n_out * n_in;

  /* bias first, then the GEMM adds onto it: one pass over Y */
  for (guint i = 0; i < pass->batch; i++)
    memcpy (pass->out + i * n_out, b, n_out * sizeof (float));
  lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
               pass->batch, n_out, n_in, 1.f, pass->in, n_in, w, n_in,
               1.f, pass->out, n_out);
}

static void
dense_backward (LabLayer      *layer,
                const LabPass *pass)
{
  const gsize n_in = lab_shape_size (layer->in), n_out = ((LabDense *) layer)->units;
  float *dw = pass->dparams, *db = pass->dparams + n_out * n_in;

  /* G_W (out, in) += G_Yᵀ · X */
  lab_blas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans,
               n_out, n_in, pass->batch, 1.f, pass->dout, n_out, pass->in, n_in,
               1.f, dw, n_in);
  for (guint i = 0; i < pass->batch; i++)
    for (gsize j = 0; j < n_out; j++)
      db[j] += pass->dout[i * n_out + j];
  /* G_X (B, in) += G_Y · W */
  if (pass->din != NULL)
    lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                 pass->batch, n_in, n_out, 1.f, pass->dout, n_out, pass->params, n_in,
                 1.f, pass->din, n_in);
}

const LabLayerClass lab_dense_class = {
  .type = "dense",
  .title = "Dense",
  .help = N_("Fully connected: every output unit sees every input value"),
  .size = sizeof (LabDense),
  .options = dense_options,
  .n_options = G_N_ELEMENTS (dense_options),
  .setup = dense_setup,
  .init = dense_init,
  .scratch_floats = lab_layer_scratch_none,
  .forward = dense_forward,
  .backward = dense_backward,
  .free = lab_layer_free_plain,
};
