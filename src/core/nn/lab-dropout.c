#define G_LOG_DOMAIN "latentlab-core"

/* Dropout as PyTorch's nn.Dropout(p): in training every value is zeroed
 * with probability p and the survivors scaled by 1/(1-p) ("inverted"
 * dropout), so eval is the identity.
 *
 *   y = x ⊙ mask;  G_x += G_y ⊙ mask     (mask (B, in) in scratch) */

#include "lab-layers-private.h"

#include <string.h>

typedef struct
{
  LabLayer parent;
  double   rate;
} LabDropout;

static const LabLayerOption dropout_options[] = {
  { .key = "rate", .kind = LAB_OPTION_DOUBLE, .min = 0.0, .max = 0.99, .def = 0.5, .fresh = 0.2,
    .step = 0.05, .offset = G_STRUCT_OFFSET (LabDropout, rate), .label = N_("rate"),
    .help = N_("The fraction of values zeroed") },
};

static gboolean
dropout_setup (LabLayer  *layer,
               LabShape   in,
               GError   **error)
{
  layer->out = in;
  return TRUE;
}

static gsize
dropout_scratch_floats (LabLayer *layer,
                        guint     batch)
{
  return (gsize) batch * lab_shape_size (layer->in);
}

static void
dropout_forward (LabLayer      *layer,
                 const LabPass *pass)
{
  const double rate = ((LabDropout *) layer)->rate;
  const gsize n = (gsize) pass->batch * lab_shape_size (layer->in);
  const float keep = (float) (1.0 / (1.0 - rate));
  float *mask = pass->scratch;

  if (!pass->training || rate == 0.0)
    {
      if (pass->out != pass->in)
        memcpy (pass->out, pass->in, n * sizeof (float));
      return;
    }
  for (gsize i = 0; i < n; i++)
    {
      mask[i] = lab_rng_uniform (pass->rng) < rate ? 0.f : keep;
      pass->out[i] = pass->in[i] * mask[i];
    }
}

static void
dropout_backward (LabLayer      *layer,
                  const LabPass *pass)
{
  const double rate = ((LabDropout *) layer)->rate;
  const gsize n = (gsize) pass->batch * lab_shape_size (layer->in);
  const float *restrict dy = pass->dout, *restrict mask = pass->scratch;
  float *restrict dx = pass->din;

  if (dx == NULL)
    return;
  if (!pass->training || rate == 0.0)
    {
      for (gsize i = 0; i < n; i++)
        dx[i] += dy[i];
      return;
    }
  for (gsize i = 0; i < n; i++)
    dx[i] += dy[i] * mask[i];
}

const LabLayerClass lab_dropout_class = {
  .type = "dropout",
  .title = "Dropout",
  .batch_use = LAB_BATCH_MIXES_TRAINING,
  .help = N_("Dropout: zeroes a random fraction of the values while training"),
  .size = sizeof (LabDropout),
  .options = dropout_options,
  .n_options = G_N_ELEMENTS (dropout_options),
  .setup = dropout_setup,
  .init = lab_layer_init_none,
  .scratch_floats = dropout_scratch_floats,
  .forward = dropout_forward,
  .backward = dropout_backward,
  .free = lab_layer_free_plain,
};
