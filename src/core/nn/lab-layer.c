#define G_LOG_DOMAIN "latentlab-core"

#include "lab-layer.h"
#include "lab-layers-private.h"

#include <math.h>
#include <string.h>

/* Every layer kind, by its spec "type", in the order an editor offers
 * them: the image layers, the vector layers, normalisation, activations,
 * then the rest. */
static const LabLayerClass *const layer_classes[] = {
  &lab_conv2d_class,
  &lab_conv_transpose2d_class,
  &lab_maxpool2d_class,
  &lab_avgpool2d_class,
  &lab_upsample2d_class,
  &lab_dense_class,
  &lab_flatten_class,
  &lab_reshape_class,
  &lab_batchnorm2d_class,
  &lab_batchnorm1d_class,
  &lab_relu_class,
  &lab_leaky_relu_class,
  &lab_sigmoid_class,
  &lab_tanh_class,
  &lab_softmax_class,
  &lab_dropout_class,
  &lab_vae_sample_class,
};

const LabLayerClass * const *
lab_layer_classes (guint *n_classes)
{
  if (n_classes != NULL)
    *n_classes = G_N_ELEMENTS (layer_classes);
  return layer_classes;
}

const LabLayerClass *
lab_layer_class_find (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (layer_classes); i++)
    if (g_strcmp0 (layer_classes[i]->type, type) == 0)
      return layer_classes[i];
  return NULL;
}

const LabLayerOption *
lab_layer_class_find_option (const LabLayerClass *klass,
                             const char          *key)
{
  g_return_val_if_fail (klass != NULL, NULL);

  for (guint i = 0; i < klass->n_options; i++)
    if (g_strcmp0 (klass->options[i].key, key) == 0)
      return &klass->options[i];
  return NULL;
}

static GString *
known_types (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (layer_classes); i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", layer_classes[i]->type);
  return s;
}

/* Options: one reader and one writer for every layer kind */

/* What the option takes, for messages: "a whole number from 1 to 65536". */
static char *
option_allowed (const LabLayerOption *option)
{
  switch (option->kind)
    {
    case LAB_OPTION_UINT:
      return g_strdup_printf ("a whole number from %u to %u", (guint) option->min, (guint) option->max);
    case LAB_OPTION_UINT_OR_NAME:
      {
        GString *s = g_string_new (NULL);

        for (guint i = 0; option->names[i]; i++)
          g_string_append_printf (s, "\"%s\"%s", option->names[i], option->names[i + 1] ? ", " : " or ");
        g_string_append_printf (s, "a whole number from %u to %u", (guint) option->min, (guint) option->max);
        return g_string_free (s, FALSE);
      }
    case LAB_OPTION_DOUBLE:
      return g_strdup_printf ("a number from %g to %g", option->min, option->max);
    case LAB_OPTION_BOOL:
      return g_strdup ("true or false");
    case LAB_OPTION_SHAPE:
      return g_strdup_printf ("[channels, height, width] or [features] with whole numbers from %u to %u, "
                              "such as [128, 7, 7] or [64]", (guint) option->min, (guint) option->max);
    default:
      g_assert_not_reached ();
    }
}

/* A whole number in [min, max] from a JSON number (3 or 3.0). */
static gboolean
node_whole_number (JsonNode *node,
                   double    min,
                   double    max,
                   double   *value)
{
  GType t;
  double v;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  if (t == G_TYPE_INT64)
    v = (double) json_node_get_int (node);
  else if (t == G_TYPE_DOUBLE)
    v = json_node_get_double (node);
  else
    return FALSE;
  if (v != floor (v) || v < min || v > max)
    return FALSE;
  *value = v;
  return TRUE;
}

/* Reads a present value; FALSE when it is not one the option takes. */
static gboolean
option_parse (const LabLayerOption *option,
              JsonNode             *node,
              gpointer              value)
{
  double v;

  switch (option->kind)
    {
    case LAB_OPTION_UINT:
      if (!node_whole_number (node, option->min, option->max, &v))
        return FALSE;
      *(guint *) value = (guint) v;
      return TRUE;
    case LAB_OPTION_UINT_OR_NAME:
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          for (guint i = 0; option->names[i]; i++)
            if (g_strcmp0 (json_node_get_string (node), option->names[i]) == 0)
              {
                *(gint *) value = -1 - (gint) i;
                return TRUE;
              }
          return FALSE;
        }
      if (!node_whole_number (node, option->min, option->max, &v))
        return FALSE;
      *(gint *) value = (gint) v;
      return TRUE;
    case LAB_OPTION_DOUBLE:
      if (!JSON_NODE_HOLDS_VALUE (node))
        return FALSE;
      if (json_node_get_value_type (node) == G_TYPE_INT64)
        v = (double) json_node_get_int (node);
      else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        v = json_node_get_double (node);
      else
        return FALSE;
      if (!(v >= option->min && v <= option->max))
        return FALSE;
      *(double *) value = v;
      return TRUE;
    case LAB_OPTION_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return FALSE;
      *(gboolean *) value = json_node_get_boolean (node);
      return TRUE;
    case LAB_OPTION_SHAPE:
      {
        JsonArray *array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
        guint n = array ? json_array_get_length (array) : 0;
        double dims[3] = { 1, 1, 1 };
        LabOptionShape *shape = value;

        if (n != 1 && n != 3)
          return FALSE;
        for (guint i = 0; i < n; i++)
          {
            JsonNode *d = json_array_get_element (array, i);

            /* sizes are integers: 7.0 is a typo here, not a size */
            if (!JSON_NODE_HOLDS_VALUE (d) || json_node_get_value_type (d) != G_TYPE_INT64
                || !node_whole_number (d, option->min, option->max, &dims[i]))
              return FALSE;
          }
        shape->shape = (LabShape) { (guint) dims[0], (guint) dims[1], (guint) dims[2] };
        shape->ndim = n;
        return TRUE;
      }
    default:
      g_assert_not_reached ();
    }
}

/* The option's default, as its kind stores it. */
static void
option_set_default (const LabLayerOption *option,
                    gpointer              value)
{
  switch (option->kind)
    {
    case LAB_OPTION_UINT:
      *(guint *) value = (guint) option->def;
      break;
    case LAB_OPTION_UINT_OR_NAME:
      *(gint *) value = (gint) option->def;
      break;
    case LAB_OPTION_DOUBLE:
      *(double *) value = option->def;
      break;
    case LAB_OPTION_BOOL:
      *(gboolean *) value = option->def != 0;
      break;
    case LAB_OPTION_SHAPE:
      ((LabOptionShape *) value)->shape = (LabShape) { (guint) option->def, 1, 1 };
      ((LabOptionShape *) value)->ndim = 1;
      break;
    default:
      g_assert_not_reached ();
    }
}

gboolean
lab_layer_option_read (const LabLayerClass  *klass,
                       const LabLayerOption *option,
                       JsonNode             *node,
                       gpointer              value,
                       GError              **error)
{
  g_return_val_if_fail (klass != NULL && option != NULL && value != NULL, FALSE);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_autofree char *allowed = NULL;

      if (option->default_from != NULL)
        return TRUE;
      if (!option->required)
        {
          option_set_default (option, value);
          return TRUE;
        }
      allowed = option_allowed (option);
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Layer “%s” needs “%s” (%s)", klass->type, option->key, allowed);
      return FALSE;
    }
  if (!option_parse (option, node, value))
    {
      g_autofree char *allowed = option_allowed (option);
      g_autofree char *text = json_to_string (node, FALSE);

      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Layer “%s”: “%s” must be %s, not %s", klass->type, option->key, allowed, text);
      return FALSE;
    }
  return TRUE;
}

/* A member that is neither "type" nor an option: most likely a typo. */
static gboolean
check_members (const LabLayerClass  *klass,
               JsonObject           *spec,
               GError              **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, spec);
  while (json_object_iter_next (&iter, &name, &node))
    {
      g_autoptr(GString) keys = NULL;

      if (strcmp (name, "type") == 0 || lab_layer_class_find_option (klass, name) != NULL)
        continue;
      if (klass->n_options == 0)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "Layer “%s” takes no options, not “%s”", klass->type, name);
          return FALSE;
        }
      keys = g_string_new (NULL);
      for (guint i = 0; i < klass->n_options; i++)
        g_string_append_printf (keys, "%s%s", i ? ", " : "", klass->options[i].key);
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Layer “%s” has no option “%s”; its options are: %s",
                   klass->type, name, keys->str);
      return FALSE;
    }
  return TRUE;
}

static LabLayer *
layer_new_of_class (const LabLayerClass  *klass,
                    JsonObject           *spec,
                    GError              **error)
{
  g_autoptr(LabLayer) layer = NULL;

  g_assert (klass->size >= sizeof (LabLayer));

  if (!check_members (klass, spec, error))
    return NULL;
  layer = g_malloc0 (klass->size);
  layer->klass = klass;
  layer->loss_elements = 1;
  for (guint i = 0; i < klass->n_options; i++)
    {
      const LabLayerOption *option = &klass->options[i];
      gpointer value = G_STRUCT_MEMBER_P (layer, option->offset);

      if (!lab_layer_option_read (klass, option, json_object_get_member (spec, option->key),
                                  value, error))
        return NULL;
      if (option->default_from != NULL && !json_object_has_member (spec, option->key))
        {
          const LabLayerOption *from = lab_layer_class_find_option (klass, option->default_from);

          g_assert (from != NULL && from->kind == option->kind && option->kind == LAB_OPTION_UINT);
          *(guint *) value = G_STRUCT_MEMBER (guint, layer, from->offset);
        }
    }
  if (klass->check != NULL && !klass->check (layer, error))
    return NULL;
  return g_steal_pointer (&layer);
}

LabLayer *
lab_layer_new_from_json (JsonObject  *spec,
                         GError     **error)
{
  JsonNode *node;
  const LabLayerClass *klass;
  const char *type;

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
  klass = lab_layer_class_find (type);
  if (klass != NULL)
    return layer_new_of_class (klass, spec, error);

  {
    g_autoptr(GString) names = known_types ();
    g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND,
                 "Unknown layer type “%s”; known types are: %s", type, names->str);
  }
  return NULL;
}

double
lab_layer_get_option (LabLayer             *layer,
                      const LabLayerOption *option)
{
  gconstpointer p;

  g_return_val_if_fail (layer != NULL && option != NULL, 0);

  p = G_STRUCT_MEMBER_P (layer, option->offset);
  switch (option->kind)
    {
    case LAB_OPTION_UINT:
      return *(const guint *) p;
    case LAB_OPTION_UINT_OR_NAME:
      return *(const gint *) p;
    case LAB_OPTION_DOUBLE:
      return *(const double *) p;
    case LAB_OPTION_BOOL:
      return *(const gboolean *) p;
    case LAB_OPTION_SHAPE:
      return ((const LabOptionShape *) p)->shape.c;
    default:
      g_assert_not_reached ();
    }
}

static void
option_write (const LabLayerOption *option,
              gconstpointer         value,
              JsonBuilder          *builder)
{
  json_builder_set_member_name (builder, option->key);
  switch (option->kind)
    {
    case LAB_OPTION_UINT:
      json_builder_add_int_value (builder, *(const guint *) value);
      break;
    case LAB_OPTION_UINT_OR_NAME:
      {
        gint v = *(const gint *) value;

        if (v < 0)
          json_builder_add_string_value (builder, option->names[-1 - v]);
        else
          json_builder_add_int_value (builder, v);
      }
      break;
    case LAB_OPTION_DOUBLE:
      json_builder_add_double_value (builder, *(const double *) value);
      break;
    case LAB_OPTION_BOOL:
      json_builder_add_boolean_value (builder, *(const gboolean *) value);
      break;
    case LAB_OPTION_SHAPE:
      {
        const LabOptionShape *shape = value;

        json_builder_begin_array (builder);
        json_builder_add_int_value (builder, shape->shape.c);
        if (shape->ndim == 3)
          {
            json_builder_add_int_value (builder, shape->shape.h);
            json_builder_add_int_value (builder, shape->shape.w);
          }
        json_builder_end_array (builder);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

JsonNode *
lab_layer_to_json (LabLayer *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const LabLayerClass *klass;

  g_return_val_if_fail (self != NULL, NULL);

  klass = self->klass;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, klass->type);
  for (guint i = 0; i < klass->n_options; i++)
    {
      const LabLayerOption *option = &klass->options[i];
      gconstpointer value = G_STRUCT_MEMBER_P (self, option->offset);

      if (option->default_from != NULL
          && *(const guint *) value
             == G_STRUCT_MEMBER (guint, self,
                                 lab_layer_class_find_option (klass, option->default_from)->offset))
        continue;
      option_write (option, value, builder);
    }
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
