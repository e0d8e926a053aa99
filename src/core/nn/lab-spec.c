#define G_LOG_DOMAIN "latentlab-core"

#include "lab-spec.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lab-format.h"

#define SPEC_FILE_MAX_BYTES (1 << 20)

static const char *
source_or_default (const char *source)
{
  return source ? source : "Architecture";
}

/* A whole number in [min, max] from a JSON value node, or FALSE. */
static gboolean
node_get_uint (JsonNode *node,
               guint     min,
               guint     max,
               guint    *value)
{
  gint64 v;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    v = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);
      if (!isfinite (d) || d != floor (d) || fabs (d) > 1e12)
        return FALSE;
      v = (gint64) d;
    }
  else
    return FALSE;
  if (v < (gint64) min || v > (gint64) max)
    return FALSE;
  *value = (guint) v;
  return TRUE;
}

/* The largest magnitude a spec's numbers may have. json-glib reads a
 * number beyond a double's range (1e309) as inf and would write it back as
 * "inf"; it writes a whole double from 1e17 on as "1e+17.0". Neither is
 * JSON, so a spec holding one could not be read again from a model file it
 * was saved in. No option of any layer comes near this bound. */
#define SPEC_NUMBER_MAX 1e15

static gboolean
node_is_writable (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    return json_node_get_value_type (node) != G_TYPE_DOUBLE
           || fabs (json_node_get_double (node)) < SPEC_NUMBER_MAX;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!node_is_writable (json_array_get_element (array, i)))
          return FALSE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        if (!node_is_writable (member))
          return FALSE;
    }
  return TRUE;
}

LabSpec *
lab_spec_new_from_node (JsonNode    *root,
                        const char  *source,
                        GError     **error)
{
  g_autoptr(LabSpec) self = g_new0 (LabSpec, 1);
  const char *src = source_or_default (source);
  JsonObject *obj;
  JsonNode *node;
  JsonArray *input, *layers;
  guint dims[3];
  guint n;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the architecture must be a JSON object with “input”, “loss”, "
                   "“encoder_layers” and “layers”", src);
      return NULL;
    }
  obj = json_node_get_object (root);

  node = json_object_get_member (obj, "name");
  if (node == NULL)
    self->name = g_strdup ("custom");
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
           && *json_node_get_string (node) != '\0')
    self->name = g_strdup (json_node_get_string (node));
  else
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: “name” must be a non-empty string", src);
      return NULL;
    }

  node = json_object_get_member (obj, "description");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING)
    self->description = g_strdup (json_node_get_string (node));

  node = json_object_get_member (obj, "input");
  input = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  if (input == NULL || json_array_get_length (input) != 3
      || !node_get_uint (json_array_get_element (input, 0), 1, LAB_SPEC_MAX_SIDE, &dims[0])
      || !node_get_uint (json_array_get_element (input, 1), 1, LAB_SPEC_MAX_SIDE, &dims[1])
      || !node_get_uint (json_array_get_element (input, 2), 1, LAB_SPEC_MAX_SIDE, &dims[2]))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: “input” must be [channels, height, width] with whole numbers "
                   "from 1 to %d, such as [1, 28, 28]", src, LAB_SPEC_MAX_SIDE);
      return NULL;
    }
  self->input = (LabShape) { dims[0], dims[1], dims[2] };
  if (lab_shape_size (self->input) > LAB_SPEC_MAX_INPUT)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: an input of %u×%u×%u values is larger than the %u allowed",
                   src, dims[0], dims[1], dims[2], LAB_SPEC_MAX_INPUT);
      return NULL;
    }

  node = json_object_get_member (obj, "loss");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: “loss” must be “mse”, “bce” or “softmax_ce”", src);
      return NULL;
    }
  if (!lab_loss_from_name (json_node_get_string (node), &self->loss, error))
    {
      g_prefix_error (error, "%s: ", src);
      return NULL;
    }

  node = json_object_get_member (obj, "layers");
  layers = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  n = layers ? json_array_get_length (layers) : 0;
  if (n == 0 || n > LAB_SPEC_MAX_LAYERS)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: “layers” must be a list of 1 to %d layer objects",
                   src, LAB_SPEC_MAX_LAYERS);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonNode *layer = json_array_get_element (layers, i);
      JsonNode *type = JSON_NODE_HOLDS_OBJECT (layer)
        ? json_object_get_member (json_node_get_object (layer), "type") : NULL;

      if (type == NULL || !JSON_NODE_HOLDS_VALUE (type)
          || json_node_get_value_type (type) != G_TYPE_STRING)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                       "%s: layer %u must be an object with a “type”, "
                       "such as {\"type\": \"relu\"}", src, i);
          return NULL;
        }
      if (!node_is_writable (layer))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                       "%s: layer %u (%s) holds a number of %g or more in size (such as "
                       "1e30, or 1e309, beyond a double); no layer option takes one",
                       src, i, json_node_get_string (type), SPEC_NUMBER_MAX);
          return NULL;
        }
    }
  self->layers = json_array_ref (layers);

  node = json_object_get_member (obj, "encoder_layers");
  if (!node_get_uint (node, 1, n, &self->encoder_layers))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: “encoder_layers” must be a whole number from 1 to %u: layers "
                   "[0, encoder_layers) are the encoder and the last of them gives the latent",
                   src, n);
      return NULL;
    }

  return g_steal_pointer (&self);
}

LabSpec *
lab_spec_new_from_string (const char  *json,
                          gssize       length,
                          const char  *source,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  gsize len = length < 0 ? strlen (json) : (gsize) length;

  /* Before parsing: JSON of a million layers would take hundreds of MB of
   * nodes only to be refused for its layer count. 256 layers of the
   * largest options are far below this. */
  if (len > SPEC_FILE_MAX_BYTES)
    {
      g_autofree char *bytes = lab_format_count (len);
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: an architecture of %s bytes is too large (at most 1 MB)",
                   source_or_default (source), bytes);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, json, (gssize) len, &local_error))
    {
      g_autofree char *why = lab_error_printable (local_error->message);

      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT, "%s: not valid JSON (%s)",
                   source_or_default (source), why);
      return NULL;
    }
  return lab_spec_new_from_node (json_parser_get_root (parser), source, error);
}

LabSpec *
lab_spec_load (const char  *path,
               GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GError) local_error = NULL;
  gsize length;
  GStatBuf st;

  if (g_stat (path, &st) == 0 && st.st_size > SPEC_FILE_MAX_BYTES)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: an architecture file of %" G_GINT64_FORMAT " bytes is too large "
                   "(at most 1 MB)", base, (gint64) st.st_size);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, LAB_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? LAB_ERROR_NOT_FOUND : LAB_ERROR_IO,
                   "%s", local_error->message);
      return NULL;
    }
  return lab_spec_new_from_string (contents, length, base, error);
}

LabSpec *
lab_spec_copy (const LabSpec *self)
{
  LabSpec *copy = g_new0 (LabSpec, 1);

  /* A spec never changes once parsed, so the layer objects can be shared. */
  copy->name = g_strdup (self->name);
  copy->description = g_strdup (self->description);
  copy->input = self->input;
  copy->loss = self->loss;
  copy->encoder_layers = self->encoder_layers;
  copy->layers = json_array_ref (self->layers);
  return copy;
}

void
lab_spec_free (LabSpec *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->description);
  g_clear_pointer (&self->layers, json_array_unref);
  g_free (self);
}

JsonObject *
lab_spec_get_layer (const LabSpec *self,
                    guint          index)
{
  g_return_val_if_fail (index < lab_spec_n_layers (self), NULL);
  return json_array_get_object_element (self->layers, index);
}

const char *
lab_spec_get_layer_type (const LabSpec *self,
                         guint          index)
{
  return json_object_get_string_member (lab_spec_get_layer (self, index), "type");
}

LabLayer *
lab_spec_new_layer (const LabSpec  *self,
                    guint           index,
                    LabShape        in,
                    gsize          *n_params,
                    gsize          *n_buffers,
                    GError        **error)
{
  const char *type = lab_spec_get_layer_type (self, index);
  const gsize limit = LAB_MAX_ALLOC_BYTES / sizeof (float);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(LabLayer) layer = NULL;
  g_autofree char *in_text = NULL;

  layer = lab_layer_new_from_json (lab_spec_get_layer (self, index), &local_error);
  if (layer == NULL)
    {
      g_set_error (error, LAB_ERROR, local_error->code,
                   "“%s”, layer %u (%s): %s", self->name, index, type, local_error->message);
      return NULL;
    }
  if (!lab_layer_setup (layer, in, &local_error))
    {
      in_text = lab_shape_to_keras (in);
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s”, layer %u (%s) does not fit its input %s: %s",
                   self->name, index, type, in_text, local_error->message);
      return NULL;
    }
  if (lab_shape_size (layer->out) == 0)
    {
      in_text = lab_shape_to_keras (in);
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s”, layer %u (%s) turns its input %s into nothing",
                   self->name, index, type, in_text);
      return NULL;
    }
  if (*n_params + layer->n_params > limit || *n_buffers + layer->n_buffers > limit)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "“%s” has too many parameters (layer %u, %s, alone has %" G_GSIZE_FORMAT ")",
                   self->name, index, type, layer->n_params);
      return NULL;
    }
  *n_params += layer->n_params;
  *n_buffers += layer->n_buffers;
  return g_steal_pointer (&layer);
}

GPtrArray *
lab_spec_new_layers (const LabSpec  *self,
                     gsize          *n_params,
                     GError        **error)
{
  g_autoptr(GPtrArray) layers = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_layer_free);
  gsize params = 0, buffers = 0;
  LabShape shape = self->input;

  for (guint i = 0; i < lab_spec_n_layers (self); i++)
    {
      LabLayer *layer = lab_spec_new_layer (self, i, shape, &params, &buffers, error);

      if (layer == NULL)
        return NULL;
      g_ptr_array_add (layers, layer);
      shape = layer->out;
    }
  if (n_params != NULL)
    *n_params = params;
  return g_steal_pointer (&layers);
}

JsonNode *
lab_spec_to_node (const LabSpec *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint n = lab_spec_n_layers (self);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->name);
  if (self->description)
    {
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, self->description);
    }
  json_builder_set_member_name (b, "input");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, self->input.c);
  json_builder_add_int_value (b, self->input.h);
  json_builder_add_int_value (b, self->input.w);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "loss");
  json_builder_add_string_value (b, lab_loss_name (self->loss));
  json_builder_set_member_name (b, "encoder_layers");
  json_builder_add_int_value (b, self->encoder_layers);
  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_builder_add_value (b, json_node_copy (json_array_get_element (self->layers, i)));
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
lab_spec_to_string (const LabSpec *self,
                    gboolean       pretty)
{
  g_autoptr(JsonNode) root = lab_spec_to_node (self);
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_pretty (gen, pretty);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}
