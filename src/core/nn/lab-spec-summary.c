#define G_LOG_DOMAIN "latentlab-core"

#include "lab-spec-summary.h"

#include <string.h>

#include "lab-format.h"

static void
summary_row_free (LabSummaryRow *row)
{
  g_free (row->name);
  g_free (row->output_shape);
  g_free (row);
}

LabSpecSummary *
lab_spec_summarize (const LabSpec *spec)
{
  LabSpecSummary *self = g_new0 (LabSpecSummary, 1);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  LabShape shape;

  g_return_val_if_fail (spec != NULL, NULL);

  self->spec = lab_spec_copy (spec);
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) summary_row_free);
  self->error_layer = -1;

  shape = spec->input;
  for (guint i = 0; i < lab_spec_n_layers (spec); i++)
    {
      g_autoptr(LabLayer) layer = lab_spec_new_layer (spec, i, shape, &self->n_params,
                                                      &self->n_buffers, &self->error);
      const LabLayerClass *klass;
      LabSummaryRow *row;
      guint k;

      if (layer == NULL)
        {
          self->error_layer = (int) i;
          return self;
        }
      klass = layer->klass;
      row = g_new0 (LabSummaryRow, 1);
      /* Keras numbers repeated layers: conv2d, conv2d_1, conv2d_2, ... */
      k = GPOINTER_TO_UINT (g_hash_table_lookup (seen, klass->type));
      g_hash_table_insert (seen, (gpointer) klass->type, GUINT_TO_POINTER (k + 1));
      row->index = i;
      row->name = k == 0 ? g_strdup (klass->type) : g_strdup_printf ("%s_%u", klass->type, k);
      row->type = klass->type;
      row->title = klass->title ? klass->title : klass->type;
      row->output = layer->out;
      row->output_shape = lab_shape_to_keras (layer->out);
      row->params = layer->n_params;
      row->buffers = layer->n_buffers;
      row->macs = layer->macs;
      row->is_latent = i + 1 == spec->encoder_layers;
      g_ptr_array_add (self->rows, row);

      self->macs += layer->macs;
      if (row->is_latent)
        self->latent = layer->out;
      shape = layer->out;
    }
  self->output = shape;
  return self;
}

void
lab_spec_summary_free (LabSpecSummary *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->spec, lab_spec_free);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_error (&self->error);
  g_free (self);
}

/* Pads by characters, not bytes, so "×" and "←" keep columns straight. */
static void
append_padded (GString    *s,
               const char *text,
               glong       width)
{
  glong len = g_utf8_strlen (text, -1);

  g_string_append (s, text);
  for (glong i = len; i < width; i++)
    g_string_append_c (s, ' ');
}

char *
lab_spec_summary_to_text (const LabSpecSummary *self)
{
  g_autofree char *in_shape = NULL;
  g_autofree char *total = NULL;
  g_autofree char *trainable = NULL;
  g_autofree char *frozen = NULL;
  g_autofree char *latent_shape = NULL;
  g_autofree char *latent_size = NULL;
  const char *rule = "__________________________________________________________________________\n";
  const char *thick = "==========================================================================\n";
  GString *s;

  g_return_val_if_fail (self != NULL && self->error == NULL, NULL);

  in_shape = lab_shape_to_keras (self->spec->input);
  total = lab_format_count (self->n_params + self->n_buffers);
  trainable = lab_format_count (self->n_params);
  frozen = lab_format_count (self->n_buffers);
  latent_shape = lab_shape_to_keras (self->latent);
  latent_size = lab_format_count (lab_shape_size (self->latent));
  s = g_string_new (NULL);
  g_string_append_printf (s, "Model: \"%s\" (loss: %s)\n", self->spec->name,
                          lab_loss_name (self->spec->loss));
  g_string_append (s, rule);
  g_string_append (s, "  #  Layer (type)                  Output Shape              Param #\n");
  g_string_append (s, thick);
  g_string_append (s, "     ");
  append_padded (s, "input (InputLayer)", 30);
  append_padded (s, in_shape, 26);
  g_string_append (s, "0\n");
  for (guint i = 0; i < self->rows->len; i++)
    {
      LabSummaryRow *row = g_ptr_array_index (self->rows, i);
      g_autofree char *label = g_strdup_printf ("%s (%s)", row->name, row->title);
      g_autofree char *count = lab_format_count (row->params + row->buffers);

      g_string_append_printf (s, "%3u  ", row->index);
      append_padded (s, label, 30);
      append_padded (s, row->output_shape, 26);
      append_padded (s, count, row->is_latent ? 10 : 0);
      if (row->is_latent)
        g_string_append (s, "← latent");
      g_string_append_c (s, '\n');
    }
  g_string_append (s, thick);
  g_string_append_printf (s, "Total params: %s\n", total);
  g_string_append_printf (s, "Trainable params: %s\n", trainable);
  g_string_append_printf (s, "Non-trainable params: %s%s\n", frozen,
                          self->n_buffers ? " (batch-norm running statistics)" : "");
  g_string_append (s, rule);
  g_string_append_printf (s, "Latent: %s values %s, the output of layer %u\n",
                          latent_size, latent_shape, self->spec->encoder_layers - 1);
  g_string_append_printf (s, "Forward pass: %.2f MFLOP per image\n", 2.0 * self->macs / 1e6);
  return g_string_free (s, FALSE);
}

static void
add_shape (JsonBuilder *b,
           const char  *member,
           LabShape     shape)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  json_builder_add_int_value (b, shape.c);
  json_builder_add_int_value (b, shape.h);
  json_builder_add_int_value (b, shape.w);
  json_builder_end_array (b);
}

JsonNode *
lab_spec_summary_to_json (const LabSpecSummary *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (self != NULL && self->error == NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->spec->name);
  json_builder_set_member_name (b, "loss");
  json_builder_add_string_value (b, lab_loss_name (self->spec->loss));
  add_shape (b, "input_shape", self->spec->input);
  add_shape (b, "output_shape", self->output);
  add_shape (b, "latent_shape", self->latent);
  json_builder_set_member_name (b, "latent_size");
  json_builder_add_int_value (b, lab_shape_size (self->latent));
  json_builder_set_member_name (b, "encoder_layers");
  json_builder_add_int_value (b, self->spec->encoder_layers);
  json_builder_set_member_name (b, "params");
  json_builder_add_int_value (b, self->n_params);
  json_builder_set_member_name (b, "non_trainable");
  json_builder_add_int_value (b, self->n_buffers);
  json_builder_set_member_name (b, "macs");
  json_builder_add_int_value (b, self->macs);
  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->rows->len; i++)
    {
      LabSummaryRow *row = g_ptr_array_index (self->rows, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "index");
      json_builder_add_int_value (b, row->index);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, row->name);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, row->type);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, row->title);
      json_builder_set_member_name (b, "output_shape");
      json_builder_add_string_value (b, row->output_shape);
      add_shape (b, "output", row->output);
      json_builder_set_member_name (b, "params");
      json_builder_add_int_value (b, row->params);
      json_builder_set_member_name (b, "non_trainable");
      json_builder_add_int_value (b, row->buffers);
      json_builder_set_member_name (b, "macs");
      json_builder_add_int_value (b, row->macs);
      json_builder_set_member_name (b, "latent");
      json_builder_add_boolean_value (b, row->is_latent);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
