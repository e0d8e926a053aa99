#define G_LOG_DOMAIN "latentlab-core"

/* Flatten and Reshape (PyTorch's nn.Flatten and nn.Unflatten(1, shape)):
 * the same values in the same NCHW order under another shape.
 *
 *   y = x;  G_x += G_y */

#include "lab-layers-private.h"

#include <string.h>

typedef struct
{
  LabLayer       parent;
  LabOptionShape shape;   /* [c, h, w], or [c] for (c, 1, 1) */
} LabReshape;

static gboolean
flatten_setup (LabLayer  *layer,
               LabShape   in,
               GError   **error)
{
  layer->out = (LabShape) { (guint) lab_shape_size (in), 1, 1 };
  return TRUE;
}

static const LabLayerOption reshape_options[] = {
  { .key = "shape", .kind = LAB_OPTION_SHAPE, .min = 1, .max = 1 << 24, .required = TRUE,
    .fresh = 1, .step = 1, .offset = G_STRUCT_OFFSET (LabReshape, shape), .label = N_("shape"),
    .help = N_("Channels × height × width; their product must equal the input size") },
};

static gboolean
reshape_setup (LabLayer  *layer,
               LabShape   in,
               GError   **error)
{
  LabReshape *self = (LabReshape *) layer;

  LabShape to = self->shape.shape;

  if (lab_shape_size (in) != lab_shape_size (to))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "Layer “reshape” to %u×%u×%u (%" G_GSIZE_FORMAT " values) cannot take an "
                   "input of %u×%u×%u (%" G_GSIZE_FORMAT " values)",
                   to.c, to.h, to.w, lab_shape_size (to), in.c, in.h, in.w, lab_shape_size (in));
      return FALSE;
    }
  layer->out = to;
  return TRUE;
}

static void
copy_forward (LabLayer      *layer,
              const LabPass *pass)
{
  if (pass->out != pass->in)
    memcpy (pass->out, pass->in, (gsize) pass->batch * lab_shape_size (layer->in) * sizeof (float));
}

static void
copy_backward (LabLayer      *layer,
               const LabPass *pass)
{
  if (pass->din != NULL)
    lab_add_to (pass->din, pass->dout, (gsize) pass->batch * lab_shape_size (layer->in));
}

const LabLayerClass lab_flatten_class = {
  .type = "flatten",
  .title = "Flatten",
  .help = N_("Flattens the image into one long vector for dense layers"),
  .size = sizeof (LabLayer),
  .setup = flatten_setup,
  .init = lab_layer_init_none,
  .scratch_floats = lab_layer_scratch_none,
  .forward = copy_forward,
  .backward = copy_backward,
  .free = lab_layer_free_plain,
};

const LabLayerClass lab_reshape_class = {
  .type = "reshape",
  .title = "Reshape",
  .help = N_("Turns a vector back into channels × height × width"),
  .size = sizeof (LabReshape),
  .options = reshape_options,
  .n_options = G_N_ELEMENTS (reshape_options),
  .setup = reshape_setup,
  .init = lab_layer_init_none,
  .scratch_floats = lab_layer_scratch_none,
  .forward = copy_forward,
  .backward = copy_backward,
  .free = lab_layer_free_plain,
};
