/* Architecture specs as the "Build your own" editor and --arch-file use
 * them: a preset edited as JSON (a layer removed, filters or units
 * changed) gives the parameter count the layer formulas say; a spec whose
 * shapes clash names the layer and both shapes, in the summary as in the
 * model; the Keras-style summary of a spec agrees with the model it
 * builds; spec → JSON → spec is the identity. */

#include <string.h>

#include <glib/gstdio.h>

#include "lab-model.h"
#include "lab-presets.h"
#include "lab-spec-summary.h"

/* Parameters of a k×k conv from c_in to f channels, and of a dense layer. */
static gsize
conv_params (gsize k,
             gsize c_in,
             gsize f)
{
  return k * k * c_in * f + f;
}

static gsize
dense_params (gsize in,
              gsize out)
{
  return in * out + out;
}

/* A preset as a mutable JSON tree, the way an editor holds it. */
static JsonNode *
preset_tree (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_presets_get (name, &error);
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_no_error (error);
  text = lab_spec_to_string (spec, FALSE);
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonArray *
tree_layers (JsonNode *tree)
{
  return json_object_get_array_member (json_node_get_object (tree), "layers");
}

static JsonObject *
tree_layer (JsonNode *tree,
            guint     index)
{
  return json_array_get_object_element (tree_layers (tree), index);
}

/* Puts a layer (JSON text) at index, moving the later ones up. */
static void
insert_layer (JsonNode   *tree,
              guint       index,
              const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *layers = tree_layers (tree);
  JsonArray *rebuilt = json_array_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  for (guint i = 0; i <= json_array_get_length (layers); i++)
    {
      if (i == index)
        json_array_add_element (rebuilt, json_node_copy (json_parser_get_root (parser)));
      if (i < json_array_get_length (layers))
        json_array_add_element (rebuilt, json_node_copy (json_array_get_element (layers, i)));
    }
  json_object_set_array_member (json_node_get_object (tree), "layers", rebuilt);
}

/* Builds the tree into a model; its trainable parameter count. */
static gsize
tree_params (JsonNode *tree)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_spec_new_from_node (tree, "edited.json", &error);
  g_autoptr(LabModel) model = NULL;

  g_assert_no_error (error);
  model = lab_model_new (spec, &error);
  g_assert_no_error (error);
  return lab_model_n_params (model);
}

/* The error building the tree gives; NULL when it builds. The summary
 * of the spec stops at the same layer with the same message. */
static GError *
tree_error (JsonNode *tree)
{
  GError *error = NULL;
  g_autoptr(LabSpec) spec = lab_spec_new_from_node (tree, "edited.json", &error);
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabSpecSummary) summary = NULL;

  if (spec == NULL)
    return error;
  model = lab_model_new (spec, &error);
  summary = lab_spec_summarize (spec);
  if (error == NULL)
    {
      g_assert_null (summary->error);
      g_assert_cmpint (summary->error_layer, ==, -1);
      return NULL;
    }
  g_assert_nonnull (summary->error);
  g_assert_cmpstr (summary->error->message, ==, error->message);
  g_assert_error (summary->error, error->domain, error->code);
  g_assert_cmpint (summary->error_layer, >=, 0);
  g_assert_cmpuint (summary->rows->len, ==, summary->error_layer);
  g_assert_cmpuint (lab_shape_size (summary->output), ==, 0);
  return error;
}

static LabSpecSummary *
preset_summary (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_presets_get (name, &error);

  g_assert_no_error (error);
  return lab_spec_summarize (spec);
}

static void
test_spec_summary (void)
{
  g_autoptr(LabSpecSummary) summary = preset_summary ("dae-keras32");
  GPtrArray *rows = summary->rows;
  g_autofree char *text = lab_spec_summary_to_text (summary);
  g_autoptr(JsonNode) json = lab_spec_summary_to_json (summary);
  g_autoptr(LabSpecSummary) bn = preset_summary ("convae-bn");
  g_autofree char *bn_text = lab_spec_summary_to_text (bn);
  g_autoptr(LabSpec) spec = lab_presets_get ("dae-keras32", NULL);
  g_autoptr(LabModel) model = lab_model_new (spec, NULL);
  LabSummaryRow *row;
  JsonObject *obj;
  JsonArray *layers;
  gsize total = 0;

  g_assert_cmpuint (rows->len, ==, 14);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->name, ==, "conv2d");
  g_assert_cmpstr (row->title, ==, "Conv2D");
  g_assert_cmpstr (row->output_shape, ==, "(None, 28, 28, 32)");
  g_assert_cmpuint (row->params, ==, 320);
  row = g_ptr_array_index (rows, 3);
  g_assert_cmpstr (row->name, ==, "conv2d_1");
  g_assert_cmpuint (row->params, ==, 18496);
  row = g_ptr_array_index (rows, 5);
  g_assert_true (row->is_latent);
  g_assert_cmpstr (row->output_shape, ==, "(None, 7, 7, 64)");
  row = g_ptr_array_index (rows, 12);
  g_assert_cmpstr (row->name, ==, "conv2d_4");
  g_assert_cmpuint (row->params, ==, 289);
  for (guint i = 0; i < rows->len; i++)
    {
      row = g_ptr_array_index (rows, i);
      total += row->params;
      g_assert_true (row->is_latent == (i == 5));
    }
  g_assert_cmpuint (total, ==, 74497);

  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "Total params: 74,497"));
  g_assert_nonnull (strstr (text, "conv2d_1 (Conv2D)"));
  g_assert_nonnull (strstr (text, "(None, 14, 14, 64)        18,496"));
  g_assert_nonnull (strstr (text, "Latent: 3,136 values"));
  /* BatchNorm's running statistics are Keras' non-trainable params. */
  g_assert_nonnull (strstr (bn_text, "Trainable params: 995,009"));
  g_assert_nonnull (strstr (bn_text, "Non-trainable params: 640"));

  obj = json_node_get_object (json);
  g_assert_cmpint (json_object_get_int_member (obj, "params"), ==, 74497);
  g_assert_cmpint (json_object_get_int_member (obj, "latent_size"), ==, 3136);
  layers = json_object_get_array_member (obj, "layers");
  g_assert_cmpuint (json_array_get_length (layers), ==, 14);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (layers, 9),
                                                  "output_shape"), ==, "(None, 14, 14, 32)");
  /* 2 x MACs matches torch_ref.py's fwd_mflop_per_image, 18.967 */
  g_assert_cmpfloat_with_epsilon (2.0 * summary->macs / 1e6, 18.967, 5e-4);
  g_assert_cmpuint (summary->macs, ==, lab_model_macs (model));
  g_assert_cmpuint (summary->n_params, ==, lab_model_n_params (model));
  g_assert_cmpint (summary->error_layer, ==, -1);
  g_assert_null (summary->error);
}


/* The shape-only walk agrees with the model for every preset. */
static void
test_spec_summary_presets (void)
{
  const char * const *names = lab_presets_list ();

  for (guint p = 0; names[p]; p++)
    {
      g_autoptr(LabSpec) spec = lab_presets_get (names[p], NULL);
      g_autoptr(LabSpecSummary) summary = lab_spec_summarize (spec);
      g_autoptr(LabModel) model = lab_model_new (spec, NULL);
      LabShape latent = lab_model_latent_shape (model), out = lab_model_output_shape (model);

      g_assert_null (summary->error);
      g_assert_cmpuint (summary->rows->len, ==, lab_model_n_layers (model));
      g_assert_cmpuint (summary->n_params, ==, lab_model_n_params (model));
      g_assert_cmpuint (summary->n_buffers, ==, lab_model_n_buffers (model));
      g_assert_cmpuint (summary->macs, ==, lab_model_macs (model));
      g_assert_cmpmem (&summary->latent, sizeof latent, &latent, sizeof latent);
      g_assert_cmpmem (&summary->output, sizeof out, &out, sizeof out);
      for (guint i = 0; i < summary->rows->len; i++)
        {
          LabSummaryRow *row = g_ptr_array_index (summary->rows, i);
          LabLayer *layer = lab_model_get_layer (model, i);

          g_assert_cmpuint (row->index, ==, i);
          g_assert_cmpuint (row->params, ==, layer->n_params);
          g_assert_cmpuint (row->buffers, ==, layer->n_buffers);
          g_assert_cmpstr (row->type, ==, layer->klass->type);
          g_assert_true (row->is_latent == (i + 1 == spec->encoder_layers));
        }
    }
}

static void
test_spec_edited_params (void)
{
  g_autoptr(JsonNode) cae = preset_tree ("cae-keras16");
  g_autoptr(JsonNode) stacked = preset_tree ("stacked");
  g_autoptr(JsonNode) dae = preset_tree ("dae-keras32");
  gsize stacked_params = 0;
  static const gsize widths[] = { 784, 512, 256, 128, 64, 128, 256, 512, 784 };

  /* cae-keras16: convs 1→16, 16→16 (×3), 16→1. */
  g_assert_cmpuint (tree_params (cae), ==,
                    conv_params (3, 1, 16) + 3 * conv_params (3, 16, 16) + conv_params (3, 16, 1));
  /* 32 filters in the first conv change it and the conv that reads it. */
  json_object_set_int_member (tree_layer (cae, 0), "filters", 32);
  g_assert_cmpuint (tree_params (cae), ==,
                    conv_params (3, 1, 32) + conv_params (3, 32, 16) + 2 * conv_params (3, 16, 16)
                    + conv_params (3, 16, 1));
  /* A 5×5 kernel in the decoder's first conv (layer 6). */
  json_object_set_int_member (tree_layer (cae, 6), "kernel", 5);
  json_object_set_int_member (tree_layer (cae, 6), "padding", 2);
  g_assert_cmpuint (tree_params (cae), ==,
                    conv_params (3, 1, 32) + conv_params (3, 32, 16) + conv_params (5, 16, 16)
                    + conv_params (3, 16, 16) + conv_params (3, 16, 1));

  /* stacked: dense 784-512-256-128-64-128-256-512-784. */
  for (guint i = 0; i + 1 < G_N_ELEMENTS (widths); i++)
    stacked_params += dense_params (widths[i], widths[i + 1]);
  g_assert_cmpuint (tree_params (stacked), ==, stacked_params);
  /* Without the 64-unit latent and its ReLU (layers 7, 8) the latent is the
   * 128-unit layer: 128→64→128 becomes 128→128. */
  json_array_remove_element (tree_layers (stacked), 8);
  json_array_remove_element (tree_layers (stacked), 7);
  json_object_set_int_member (json_node_get_object (stacked), "encoder_layers", 7);
  g_assert_cmpuint (tree_params (stacked), ==,
                    stacked_params - dense_params (128, 64) - dense_params (64, 128)
                    + dense_params (128, 128));

  /* dae-keras32 without its first decoder block (conv 64, relu, upsample:
   * layers 6-8): the 32-filter conv now reads 64 channels at 7×7, and the
   * output is 14×14. */
  for (guint i = 0; i < 3; i++)
    json_array_remove_element (tree_layers (dae), 6);
  g_assert_cmpuint (tree_params (dae), ==,
                    conv_params (3, 1, 32) + conv_params (3, 32, 64) + conv_params (3, 64, 32)
                    + conv_params (3, 32, 1));
  {
    g_autoptr(LabSpec) spec = lab_spec_new_from_node (dae, NULL, NULL);
    g_autoptr(LabModel) model = lab_model_new (spec, NULL);
    LabShape out = lab_model_output_shape (model);

    g_assert_cmpuint (out.c, ==, 1);
    g_assert_cmpuint (out.h, ==, 14);
    g_assert_cmpuint (out.w, ==, 14);
  }
}

static void
assert_message_has (const GError *error,
                    const char   *part)
{
  g_assert_nonnull (error);
  if (strstr (error->message, part) == NULL)
    g_error ("“%s” is not in the message: %s", part, error->message);
}

static void
test_spec_clash_names_shapes (void)
{
  /* stacked with a 100-unit output: the reshape to 1×28×28 gets 100 values. */
  {
    g_autoptr(JsonNode) tree = preset_tree ("stacked");
    g_autoptr(GError) error = NULL;

    json_object_set_int_member (tree_layer (tree, 15), "units", 100);
    error = tree_error (tree);
    g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
    g_test_message ("%s", error->message);
    assert_message_has (error, "layer 17 (reshape)");
    assert_message_has (error, "(None, 100)");
    assert_message_has (error, "1×28×28 (784 values)");
    assert_message_has (error, "100×1×1 (100 values)");
  }
  /* dae-keras32 with a 9×9 unpadded kernel on its 7×7 latent. */
  {
    g_autoptr(JsonNode) tree = preset_tree ("dae-keras32");
    g_autoptr(GError) error = NULL;

    json_object_set_int_member (tree_layer (tree, 6), "kernel", 9);
    json_object_set_int_member (tree_layer (tree, 6), "padding", 0);
    error = tree_error (tree);
    g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
    g_test_message ("%s", error->message);
    assert_message_has (error, "layer 6 (conv2d)");
    assert_message_has (error, "(None, 7, 7, 64)");
    assert_message_has (error, "9×9 kernel");
  }
  /* A VAE whose dense layer gives an odd count: no even mean/log-variance split. */
  {
    g_autoptr(JsonNode) tree = preset_tree ("vae-conv");
    g_autoptr(GError) error = NULL;

    json_object_set_int_member (tree_layer (tree, 5), "units", 5);
    error = tree_error (tree);
    g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
    g_test_message ("%s", error->message);
    assert_message_has (error, "layer 6 (vae_sample)");
    assert_message_has (error, "(None, 5)");
  }
  /* An option out of range, of the wrong type, or unknown: the layer's
   * index and type, the key and what it takes. */
  {
    static const struct {
      const char *value;
      const char *message;
    } cases[] = {
      { "0", "“stacked”, layer 15 (dense): Layer “dense”: “units” must be a whole number from 1 to 16777216, not 0" },
      { "\"784\"", "“stacked”, layer 15 (dense): Layer “dense”: “units” must be a whole number from 1 to 16777216, not \"784\"" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(JsonNode) tree = preset_tree ("stacked");
        g_autoptr(GError) error = NULL;

        json_object_set_member (tree_layer (tree, 15), "units", json_from_string (cases[i].value, NULL));
        error = tree_error (tree);
        g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
        g_assert_cmpstr (error->message, ==, cases[i].message);
      }
  }
  {
    g_autoptr(JsonNode) tree = preset_tree ("cae-tiny");
    g_autoptr(GError) error = NULL;

    json_object_set_int_member (tree_layer (tree, 6), "kernal", 5);
    error = tree_error (tree);
    g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
    assert_message_has (error, "layer 6 (conv2d)");
    assert_message_has (error, "no option “kernal”; its options are: filters, kernel, stride, padding");
  }
  /* An inserted layer that fits itself can make a later one clash:
   * dense 100 after convae-bn's dense 6272 (layer 11) leaves the reshape
   * to 128×7×7, now layer 13, with 100 values. */
  {
    g_autoptr(JsonNode) tree = preset_tree ("convae-bn");
    g_autoptr(GError) error = NULL;

    insert_layer (tree, 12, "{\"type\":\"dense\",\"units\":100}");
    error = tree_error (tree);
    g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
    g_test_message ("%s", error->message);
    assert_message_has (error, "layer 13 (reshape)");
    assert_message_has (error, "(None, 100)");
    assert_message_has (error, "128×7×7 (6272 values)");
  }
}

static void
assert_specs_equal (const LabSpec *a,
                    const LabSpec *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->description, ==, b->description);
  g_assert_cmpuint (a->input.c, ==, b->input.c);
  g_assert_cmpuint (a->input.h, ==, b->input.h);
  g_assert_cmpuint (a->input.w, ==, b->input.w);
  g_assert_cmpint (a->loss, ==, b->loss);
  g_assert_cmpuint (a->encoder_layers, ==, b->encoder_layers);
  g_assert_cmpuint (lab_spec_n_layers (a), ==, lab_spec_n_layers (b));
  for (guint i = 0; i < lab_spec_n_layers (a); i++)
    g_assert_true (json_node_equal (json_array_get_element (a->layers, i),
                                    json_array_get_element (b->layers, i)));
}

static void
assert_round_trip (const LabSpec *spec)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pretty = lab_spec_to_string (spec, TRUE);
  g_autofree char *compact = lab_spec_to_string (spec, FALSE);
  g_autoptr(LabSpec) from_pretty = lab_spec_new_from_string (pretty, -1, NULL, &error);
  g_autoptr(LabSpec) from_compact = NULL;
  g_autoptr(JsonNode) node = lab_spec_to_node (spec);
  g_autoptr(LabSpec) from_node = lab_spec_new_from_node (node, NULL, &error);
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabModel) model_back = NULL;
  g_autofree char *again = NULL;
  g_autofree char *from_model = NULL;

  g_assert_no_error (error);
  from_compact = lab_spec_new_from_string (compact, -1, NULL, &error);
  g_assert_no_error (error);
  assert_specs_equal (spec, from_pretty);
  assert_specs_equal (spec, from_compact);
  assert_specs_equal (spec, from_node);
  again = lab_spec_to_string (from_pretty, TRUE);
  g_assert_cmpstr (again, ==, pretty);

  /* A model keeps its spec as given (what a .safetensors file stores). */
  model = lab_model_new (spec, &error);
  g_assert_no_error (error);
  model_back = lab_model_new (from_compact, &error);
  g_assert_no_error (error);
  from_model = lab_spec_to_string (lab_model_get_spec (model), TRUE);
  g_assert_cmpstr (from_model, ==, pretty);
  g_assert_cmpuint (lab_model_n_params (model), ==, lab_model_n_params (model_back));
  g_assert_cmpuint (lab_model_n_buffers (model), ==, lab_model_n_buffers (model_back));
}

static void
test_spec_round_trip (void)
{
  const char * const *names = lab_presets_list ();
  /* Every kind of value an editor writes: "same" padding, fractions,
   * booleans, a one-number reshape, a description. */
  static const char custom[] =
    "{\"name\":\"my-ae\",\"description\":\"Edited in class\",\"input\":[1,28,28],"
    "\"loss\":\"mse\",\"encoder_layers\":7,\"layers\":["
    "{\"type\":\"conv2d\",\"filters\":12,\"kernel\":5,\"stride\":1,\"padding\":\"same\"},"
    "{\"type\":\"leaky_relu\",\"slope\":0.2},"
    "{\"type\":\"maxpool2d\",\"pool\":2,\"ceil_mode\":true},"
    "{\"type\":\"dropout\",\"rate\":0.25},"
    "{\"type\":\"flatten\"},"
    "{\"type\":\"dense\",\"units\":32},"
    "{\"type\":\"reshape\",\"shape\":[32]},"
    "{\"type\":\"dense\",\"units\":784},"
    "{\"type\":\"sigmoid\"},"
    "{\"type\":\"reshape\",\"shape\":[1,28,28]}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_spec_new_from_string (custom, -1, NULL, &error);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(LabSpec) loaded = NULL;

  g_assert_no_error (error);
  assert_round_trip (spec);
  g_assert_cmpstr (json_object_get_string_member (lab_spec_get_layer (spec, 0), "padding"), ==, "same");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (lab_spec_get_layer (spec, 3), "rate"),
                                  0.25, 1e-12);

  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(LabSpec) preset = lab_presets_get (names[i], &error);

      g_assert_no_error (error);
      assert_round_trip (preset);
    }

  /* Through a file, as Export… and --arch-file do. */
  dir = g_dir_make_tmp ("latentlab-spec-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "my-ae.json", NULL);
  text = lab_spec_to_string (spec, TRUE);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  loaded = lab_spec_load (path, &error);
  g_assert_no_error (error);
  assert_specs_equal (spec, loaded);
  g_unlink (path);
  g_rmdir (dir);
}

/* A spec whose layer holds a number that json-glib would write back as
 * something that is not JSON (1e30 as "1e+30.0", 1e309 as "inf") is
 * refused when read, naming the layer; the largest numbers that are kept
 * read back unchanged after being written. */
static void
test_spec_huge_numbers (void)
{
  static const char template[] =
    "{\"name\":\"big\",\"input\":[1,28,28],\"loss\":\"mse\",\"encoder_layers\":3,"
    "\"layers\":[{\"type\":\"conv2d\",\"filters\":%s,\"kernel\":3,\"stride\":2,\"padding\":1},"
    "{\"type\":\"relu\"},{\"type\":\"flatten\"},"
    "{\"type\":\"dense\",\"units\":784},{\"type\":\"sigmoid\"},"
    "{\"type\":\"reshape\",\"shape\":[1,28,28]}]}";
  static const char * const refused[] = { "1e30", "-1e20", "1e17", "1e15", "1e309", "-1e309" };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) kept = NULL;
  g_autofree char *kept_text = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *text = g_strdup_printf (template, refused[i]);
      g_autoptr(LabSpec) spec = lab_spec_new_from_string (text, -1, "big.json", &error);

      g_assert_null (spec);
      g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
      g_assert_nonnull (strstr (error->message, "big.json"));
      g_assert_nonnull (strstr (error->message, "layer 0 (conv2d)"));
      g_clear_error (&error);
    }

  /* Within the bound a layer option's own range decides: filters as 16.0
   * build a model; 1e14 reads and writes back as itself. */
  {
    g_autofree char *text = g_strdup_printf (template, "16.0");
    g_autoptr(LabSpec) spec = lab_spec_new_from_string (text, -1, "big.json", &error);
    g_autoptr(LabModel) model = NULL;

    g_assert_no_error (error);
    assert_round_trip (spec);
    model = lab_model_new (spec, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (lab_model_n_params (model), ==,
                      conv_params (3, 1, 16) + dense_params (16 * 14 * 14, 784));
  }
  /* 1e14 filters build no model, but the spec is kept as given (the
   * summary names the layer): what is written must read back. */
  kept_text = g_strdup_printf (template, "1e14");
  kept = lab_spec_new_from_string (kept_text, -1, "big.json", &error);
  g_assert_no_error (error);
  {
    g_autofree char *written = lab_spec_to_string (kept, FALSE);
    g_autoptr(LabSpec) again = lab_spec_new_from_string (written, -1, "written", &error);
    g_autofree char *written_again = NULL;

    g_assert_no_error (error);
    written_again = lab_spec_to_string (again, FALSE);
    g_assert_cmpstr (written_again, ==, written);
    g_assert_cmpfloat (json_object_get_double_member (lab_spec_get_layer (again, 0), "filters"), ==, 1e14);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/spec/edited-params", test_spec_edited_params);
  g_test_add_func ("/spec/clash-names-shapes", test_spec_clash_names_shapes);
  g_test_add_func ("/spec/round-trip", test_spec_round_trip);
  g_test_add_func ("/spec/huge-numbers", test_spec_huge_numbers);
  g_test_add_func ("/spec/summary", test_spec_summary);
  g_test_add_func ("/spec/summary-presets", test_spec_summary_presets);
  return g_test_run ();
}
