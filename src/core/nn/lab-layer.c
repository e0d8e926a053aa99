#define G_LOG_DOMAIN "latentlab-core"

#include "lab-layer.h"
#include "lab-layers-private.h"

#include <math.h>
#include <string.h>

/* Every layer kind, by its spec "type". */
static const LabLayerClass *const layer_classes[] = {
  &lab_dense_class,
  &lab_conv2d_class,
  &lab_conv_transpose2d_class,
  &lab_maxpool2d_class,
  &lab_avgpool2d_class,
  &lab_upsample2d_class,
  &lab_batchnorm2d_class,
  &lab_batchnorm1d_class,
  &lab_relu_class,
  &lab_leaky_relu_class,
  &lab_sigmoid_class,
  &lab_tanh_class,
  &lab_softmax_class,
  &lab_flatten_class,
  &lab_reshape_class,
  &lab_dropout_class,
  &lab_vae_sample_class,
};

static GString *
known_types (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (layer_classes); i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", layer_classes[i]->type);
  return s;
}

LabLayer *
lab_layer_new_from_json (JsonObject  *spec,
                         GError     **error)
{
  JsonNode *node;
  const char *type;
  LabLayer *layer;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  node = json_object_get_member (spec, "type");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "A layer in the architecture has no “type” (such as \"conv2d\" or \"dense\")");
      return NULL;
    }
  type = json_node_get_string (node);

  for (guint i = 0; i < G_N_ELEMENTS (layer_classes); i++)
    {
      const LabLayerClass *klass = layer_classes[i];

      if (g_strcmp0 (klass->type, type) != 0)
        continue;
      layer = klass->from_json (spec, error);
      if (layer == NULL)
        return NULL;
      layer->klass = klass;
      layer->loss_elements = 1;
      return layer;
    }

  {
    g_autoptr(GString) names = known_types ();
    g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND,
                 "Unknown layer type “%s”; known types are: %s", type, names->str);
  }
  return NULL;
}

JsonNode *
lab_layer_to_json (LabLayer *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, self->klass->type);
  if (self->klass->to_json != NULL)
    self->klass->to_json (self, builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
lab_layer_setup (LabLayer  *self,
                 LabShape   in,
                 GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (lab_shape_size (in) == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "Layer “%s” gets an empty input of shape %u×%u×%u",
                   self->klass->type, in.c, in.h, in.w);
      return FALSE;
    }

  self->in = in;
  self->out = (LabShape) { 0, 0, 0 };
  self->n_params = 0;
  self->n_buffers = 0;
  self->n_tensors = 0;
  memset (self->tensors, 0, sizeof self->tensors);
  self->macs = 0;
  if (self->loss_elements == 0)
    self->loss_elements = 1;
  return self->klass->setup (self, in, error);
}

void
lab_layer_free (LabLayer *self)
{
  if (self == NULL)
    return;
  if (self->klass != NULL && self->klass->free != NULL)
    self->klass->free (self);
  else
    g_free (self);
}

char *
lab_shape_to_keras (LabShape shape)
{
  if (shape.h == 1 && shape.w == 1)
    return g_strdup_printf ("(None, %u)", shape.c);
  return g_strdup_printf ("(None, %u, %u, %u)", shape.h, shape.w, shape.c);
}

/* Shared helpers of the layer files. */

static gboolean
spec_number (JsonObject  *spec,
             const char  *key,
             double      *value,
             gboolean    *present)
{
  JsonNode *node = json_object_get_member (spec, key);
  GType t;

  *present = node != NULL && !JSON_NODE_HOLDS_NULL (node);
  if (!*present)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  if (t == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (t == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

gboolean
lab_spec_get_uint (JsonObject  *spec,
                   const char  *type,
                   const char  *key,
                   gboolean     required,
                   guint        def,
                   guint        min,
                   guint        max,
                   guint       *value,
                   GError     **error)
{
  double v = 0;
  gboolean present;

  if (!spec_number (spec, key, &v, &present) || (present && (v != floor (v) || v < min || v > max)))
    {
      g_autofree char *text = json_to_string (json_object_get_member (spec, key), FALSE);
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Layer “%s”: “%s” must be a whole number from %u to %u, not %s",
                   type, key, min, max, text);
      return FALSE;
    }
  if (!present)
    {
      if (required)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "Layer “%s” needs “%s” (a whole number from %u to %u)",
                       type, key, min, max);
          return FALSE;
        }
      v = def;
    }
  *value = (guint) v;
  return TRUE;
}

gboolean
lab_spec_get_double (JsonObject  *spec,
                     const char  *type,
                     const char  *key,
                     double       def,
                     double       min,
                     double       max,
                     double      *value,
                     GError     **error)
{
  double v = def;
  gboolean present;

  if (!spec_number (spec, key, &v, &present) || (present && !(v >= min && v <= max)))
    {
      g_autofree char *text = json_to_string (json_object_get_member (spec, key), FALSE);
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Layer “%s”: “%s” must be a number from %g to %g, not %s",
                   type, key, min, max, text);
      return FALSE;
    }
  *value = present ? v : def;
  return TRUE;
}

gboolean
lab_spec_get_bool (JsonObject  *spec,
                   const char  *type,
                   const char  *key,
                   gboolean     def,
                   gboolean    *value,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (spec, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *value = def;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_autofree char *text = json_to_string (node, FALSE);
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Layer “%s”: “%s” must be true or false, not %s", type, key, text);
      return FALSE;
    }
  *value = json_node_get_boolean (node);
  return TRUE;
}

void
lab_layer_add_tensor (LabLayer   *self,
                      const char *name,
                      gboolean    trainable,
                      guint       ndim,
                      guint       d0,
                      guint       d1,
                      guint       d2,
                      guint       d3)
{
  LabTensorInfo *t;
  gsize n = d0;

  g_assert (self->n_tensors < LAB_LAYER_MAX_TENSORS);
  g_assert (ndim >= 1 && ndim <= 4);

  t = &self->tensors[self->n_tensors++];
  t->name = name;
  t->ndim = ndim;
  t->dims[0] = d0;
  t->dims[1] = ndim > 1 ? d1 : 0;
  t->dims[2] = ndim > 2 ? d2 : 0;
  t->dims[3] = ndim > 3 ? d3 : 0;
  for (guint i = 1; i < ndim; i++)
    n *= t->dims[i];
  t->trainable = trainable;
  if (trainable)
    {
      t->offset = self->n_params;
      self->n_params += n;
    }
  else
    {
      t->offset = self->n_buffers;
      self->n_buffers += n;
    }
}

void
lab_fill_uniform (float  *p,
                  gsize   n,
                  double  bound,
                  LabRng *rng)
{
  for (gsize i = 0; i < n; i++)
    p[i] = (float) ((2.0 * lab_rng_uniform (rng) - 1.0) * bound);
}

void
lab_init_weight_bias (float   *weight,
                      gsize    n_weight,
                      float   *bias,
                      gsize    n_bias,
                      gsize    fan_in,
                      gsize    fan_out,
                      LabInit  init,
                      LabRng  *rng)
{
  if (init == LAB_INIT_GLOROT)
    {
      lab_fill_uniform (weight, n_weight, sqrt (6.0 / (double) (fan_in + fan_out)), rng);
      memset (bias, 0, n_bias * sizeof (float));
    }
  else
    {
      /* kaiming_uniform_(a = sqrt(5)): gain sqrt(2 / (1 + 5)), bound
       * gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in); the bias has the same
       * bound in nn.Linear and nn.ConvNd reset_parameters(). */
      double bound = 1.0 / sqrt ((double) fan_in);

      lab_fill_uniform (weight, n_weight, bound, rng);
      lab_fill_uniform (bias, n_bias, bound, rng);
    }
}

void
lab_layer_to_json_none (LabLayer    *self,
                        JsonBuilder *builder)
{
}

void
lab_layer_init_none (LabLayer *self,
                     float    *params,
                     float    *buffers,
                     LabInit   init,
                     LabRng   *rng)
{
}

gsize
lab_layer_scratch_none (LabLayer *self,
                        guint     batch)
{
  return 0;
}

void
lab_layer_free_plain (LabLayer *self)
{
  g_free (self);
}
