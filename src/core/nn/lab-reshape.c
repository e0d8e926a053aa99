#define G_LOG_DOMAIN "latentlab-core"

/* Flatten and Reshape (PyTorch's nn.Flatten and nn.Unflatten(1, shape)):
 * the same values in the same NCHW order under another shape.
 *
 *   y = x;  G_x += G_y */

#include "lab-layers-private.h"

#include <string.h>

typedef struct
{
  LabLayer parent;
  LabShape shape;
  guint    ndim;     /* as given in the spec: 1 or 3 */
} LabReshape;

static LabLayer *
flatten_from_json (JsonObject  *spec,
                   GError     **error)
{
  return g_new0 (LabLayer, 1);
}

static gboolean
flatten_setup (LabLayer  *layer,
               LabShape   in,
               GError   **error)
{
  layer->out = (LabShape) { (guint) lab_shape_size (in), 1, 1 };
  return TRUE;
}

static LabLayer *
reshape_from_json (JsonObject  *spec,
                   GError     **error)
{
  g_autofree LabReshape *self = g_new0 (LabReshape, 1);
  JsonNode *node = json_object_get_member (spec, "shape");
  JsonArray *array;
  guint dims[3] = { 1, 1, 1 };

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)
      || (json_array_get_length (json_node_get_array (node)) != 1
          && json_array_get_length (json_node_get_array (node)) != 3))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Layer “reshape” needs a “shape” such as [128, 7, 7] (channels, height, "
                   "width) or [64] (features)");
      return NULL;
    }
  array = json_node_get_array (node);
  self->ndim = json_array_get_length (array);
  for (guint i = 0; i < self->ndim; i++)
    {
      JsonNode *d = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (d) || json_node_get_value_type (d) != G_TYPE_INT64
          || json_node_get_int (d) < 1 || json_node_get_int (d) > (1 << 24))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "Layer “reshape”: every size in “shape” must be a whole number from 1 "
                       "to %d", 1 << 24);
          return NULL;
        }
      dims[i] = (guint) json_node_get_int (d);
    }
  self->shape = (LabShape) { dims[0], dims[1], dims[2] };
  return (LabLayer *) g_steal_pointer (&self);
}

static void
reshape_to_json (LabLayer    *layer,
                 JsonBuilder *builder)
{
  LabReshape *self = (LabReshape *) layer;

  json_builder_set_member_name (builder, "shape");
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, self->shape.c);
  if (self->ndim == 3)
    {
      json_builder_add_int_value (builder, self->shape.h);
      json_builder_add_int_value (builder, self->shape.w);
    }
  json_builder_end_array (builder);
}

static gboolean
reshape_setup (LabLayer  *layer,
               LabShape   in,
               GError   **error)
{
  LabReshape *self = (LabReshape *) layer;

  if (lab_shape_size (in) != lab_shape_size (self->shape))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "Layer “reshape” to %u×%u×%u (%" G_GSIZE_FORMAT " values) cannot take an "
                   "input of %u×%u×%u (%" G_GSIZE_FORMAT " values)",
                   self->shape.c, self->shape.h, self->shape.w, lab_shape_size (self->shape),
                   in.c, in.h, in.w, lab_shape_size (in));
      return FALSE;
    }
  layer->out = self->shape;
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
  .from_json = flatten_from_json,
  .to_json = lab_layer_to_json_none,
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
  .from_json = reshape_from_json,
  .to_json = reshape_to_json,
  .setup = reshape_setup,
  .init = lab_layer_init_none,
  .scratch_floats = lab_layer_scratch_none,
  .forward = copy_forward,
  .backward = copy_backward,
  .free = lab_layer_free_plain,
};
