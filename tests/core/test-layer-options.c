/* Layer options as the layers declare them (LabLayerClass.options): the
 * one generic reader and writer in lab-layer.c, its messages (the key and
 * what is allowed), defaults, the tables' own consistency, and every
 * preset's layers written back and read again bit for bit. */

#include <string.h>

#include "lab-layer.h"
#include "lab-layers-private.h"
#include "lab-presets.h"

static LabLayer *
layer_from_string (const char  *json,
                   GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  return lab_layer_new_from_json (json_node_get_object (node), error);
}

static char *
layer_json_text (LabLayer *layer)
{
  g_autoptr(JsonNode) node = lab_layer_to_json (layer);

  return json_to_string (node, FALSE);
}

/* Bytes an option's value takes in the layer's struct. */
static gsize
option_size (const LabLayerOption *option)
{
  switch (option->kind)
    {
    case LAB_OPTION_UINT:
      return sizeof (guint);
    case LAB_OPTION_UINT_OR_NAME:
      return sizeof (gint);
    case LAB_OPTION_DOUBLE:
      return sizeof (double);
    case LAB_OPTION_BOOL:
      return sizeof (gboolean);
    case LAB_OPTION_SHAPE:
      return sizeof (LabOptionShape);
    default:
      g_assert_not_reached ();
    }
}

static void
test_registry (void)
{
  const char *round_trip[] = {
    "{\"type\":\"dense\",\"units\":7}",
    "{\"type\":\"conv2d\",\"filters\":8,\"kernel\":5,\"stride\":2,\"padding\":\"same\"}",
    "{\"type\":\"conv2d\",\"filters\":8,\"kernel\":3,\"stride\":1,\"padding\":2}",
    "{\"type\":\"conv_transpose2d\",\"filters\":4,\"kernel\":3,\"stride\":2,\"padding\":1,\"output_padding\":1}",
    "{\"type\":\"maxpool2d\",\"pool\":2,\"ceil_mode\":true}",
    "{\"type\":\"avgpool2d\",\"pool\":3}",
    "{\"type\":\"upsample2d\",\"scale\":2}",
    "{\"type\":\"batchnorm2d\",\"eps\":0.001,\"momentum\":0.01}",
    "{\"type\":\"batchnorm1d\",\"eps\":1e-05,\"momentum\":0.1}",
    "{\"type\":\"relu\"}",
    "{\"type\":\"leaky_relu\",\"slope\":0.2}",
    "{\"type\":\"sigmoid\"}",
    "{\"type\":\"tanh\"}",
    "{\"type\":\"softmax\"}",
    "{\"type\":\"flatten\"}",
    "{\"type\":\"reshape\",\"shape\":[2,4,4]}",
    "{\"type\":\"dropout\",\"rate\":0.25}",
    "{\"type\":\"vae_sample\",\"beta\":2}",
  };
  struct {
    const char *json;
    int         code;
    const char *mentions;
  } bad[] = {
    { "{\"type\":\"convolution\"}", LAB_ERROR_NOT_FOUND, "convolution" },
    { "{\"units\":3}", LAB_ERROR_INVALID, "type" },
    { "{\"type\":\"dense\"}", LAB_ERROR_INVALID, "units" },
    { "{\"type\":\"dense\",\"units\":0}", LAB_ERROR_INVALID, "units" },
    { "{\"type\":\"dense\",\"units\":2.5}", LAB_ERROR_INVALID, "units" },
    { "{\"type\":\"conv2d\",\"filters\":\"many\"}", LAB_ERROR_INVALID, "filters" },
    { "{\"type\":\"conv2d\",\"filters\":4,\"padding\":\"full\"}", LAB_ERROR_INVALID, "padding" },
    { "{\"type\":\"conv2d\",\"filters\":4,\"kernel\":4,\"padding\":\"same\"}", LAB_ERROR_INVALID, "odd" },
    { "{\"type\":\"conv_transpose2d\",\"filters\":4,\"stride\":2,\"output_padding\":2}", LAB_ERROR_INVALID, "output_padding" },
    { "{\"type\":\"maxpool2d\",\"ceil_mode\":1}", LAB_ERROR_INVALID, "ceil_mode" },
    { "{\"type\":\"dropout\",\"rate\":1}", LAB_ERROR_INVALID, "rate" },
    { "{\"type\":\"reshape\",\"shape\":[2,0,3]}", LAB_ERROR_INVALID, "shape" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (round_trip); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabLayer) layer = layer_from_string (round_trip[i], &error);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonNode) want = json_from_string (round_trip[i], NULL);

      g_assert_no_error (error);
      node = lab_layer_to_json (layer);
      if (!json_node_equal (node, want))
        {
          g_autofree char *text = json_to_string (node, FALSE);
          g_test_message ("%s came back as %s", round_trip[i], text);
          g_assert_not_reached ();
        }
      g_assert_nonnull (layer->klass->title);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabLayer) layer = layer_from_string (bad[i].json, &error);

      g_assert_null (layer);
      g_assert_error (error, LAB_ERROR, bad[i].code);
      g_test_message ("%s: %s", bad[i].json, error->message);
      g_assert_nonnull (strstr (error->message, bad[i].mentions));
    }

  /* shapes that do not fit fail at setup, naming the sizes */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LabLayer) conv = layer_from_string ("{\"type\":\"conv2d\",\"filters\":4,\"kernel\":3,\"stride\":1,\"padding\":\"valid\"}", &error);
    g_autoptr(LabLayer) reshape = layer_from_string ("{\"type\":\"reshape\",\"shape\":[2,4,4]}", &error);
    g_autoptr(LabLayer) bn1d = layer_from_string ("{\"type\":\"batchnorm1d\"}", &error);

    g_assert_false (lab_layer_setup (conv, (LabShape) { 3, 2, 2 }, &error));
    g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
    g_assert_nonnull (strstr (error->message, "2×2"));
    g_clear_error (&error);
    g_assert_false (lab_layer_setup (reshape, (LabShape) { 30, 1, 1 }, &error));
    g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
    g_assert_nonnull (strstr (error->message, "30"));
    g_clear_error (&error);
    g_assert_false (lab_layer_setup (bn1d, (LabShape) { 3, 4, 4 }, &error));
    g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
  }
}


/* Every table: keys unique, ranges that hold their default and their
 * editor value, captions and help for the editor, values inside the
 * layer's struct; a default_from option refers to an earlier one. */
static void
test_tables (void)
{
  guint n_classes;
  const LabLayerClass * const *classes = lab_layer_classes (&n_classes);
  g_autoptr(GHashTable) types = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_options = 0;

  g_assert_cmpuint (n_classes, ==, 17);
  for (guint c = 0; c < n_classes; c++)
    {
      const LabLayerClass *klass = classes[c];

      g_test_message ("%s", klass->type);
      g_assert_true (lab_layer_class_find (klass->type) == klass);
      g_assert_true (g_hash_table_add (types, (gpointer) klass->type));
      g_assert_nonnull (klass->title);
      g_assert_nonnull (klass->help);
      g_assert_cmpuint (klass->size, >=, sizeof (LabLayer));
      g_assert_true (klass->n_options == 0 || klass->options != NULL);
      for (guint i = 0; i < klass->n_options; i++)
        {
          const LabLayerOption *option = &klass->options[i];

          n_options++;
          g_assert_true (lab_layer_class_find_option (klass, option->key) == option);
          g_assert_nonnull (option->label);
          g_assert_nonnull (option->help);
          g_assert_cmpuint (option->offset, >=, sizeof (LabLayer));
          g_assert_cmpuint (option->offset + option_size (option), <=, klass->size);
          g_assert_cmpuint (option->offset % MIN (option_size (option), 8), ==, 0);
          if (option->kind == LAB_OPTION_BOOL)
            continue;
          g_assert_cmpfloat (option->min, <=, option->max);
          g_assert_cmpfloat (option->step, >, 0);
          g_assert_cmpfloat (option->step, <=, option->max - option->min);
          g_assert_cmpfloat (option->fresh, >=, option->min);
          g_assert_cmpfloat (option->fresh, <=, option->max);
          g_assert_true ((option->kind == LAB_OPTION_UINT_OR_NAME) == (option->names != NULL));
          if (option->default_from != NULL)
            {
              const LabLayerOption *from = lab_layer_class_find_option (klass, option->default_from);

              g_assert_nonnull (from);
              g_assert_cmpuint (from - klass->options, <, i);
              g_assert_cmpint (from->kind, ==, LAB_OPTION_UINT);
              g_assert_cmpint (option->kind, ==, LAB_OPTION_UINT);
            }
          else if (option->kind == LAB_OPTION_UINT_OR_NAME && option->def < 0)
            g_assert_cmpfloat (-1 - option->def, <, g_strv_length ((char **) option->names));
          else if (!option->required && option->kind != LAB_OPTION_SHAPE)
            {
              g_assert_cmpfloat (option->def, >=, option->min);
              g_assert_cmpfloat (option->def, <=, option->max);
            }
        }
    }
  g_assert_cmpuint (n_options, ==, 24);

  /* The ranges the engine takes (the editor used to keep its own, out of
   * step: filters up to 4,096, a LeakyReLU slope up to 0.99). */
  g_assert_cmpfloat (lab_layer_class_find_option (lab_layer_class_find ("conv2d"), "filters")->max, ==, 65536);
  g_assert_cmpfloat (lab_layer_class_find_option (lab_layer_class_find ("leaky_relu"), "slope")->max, ==, 0.999);
  g_assert_null (lab_layer_class_find ("conv3d"));
  g_assert_null (lab_layer_class_find_option (lab_layer_class_find ("dense"), "filters"));
}

/* The generic reader's messages name the type, the key and what it takes. */
static void
test_errors (void)
{
  static const struct {
    const char *json;
    const char *message;
  } bad[] = {
    /* out of range */
    { "{\"type\":\"conv2d\",\"filters\":0}",
      "Layer “conv2d”: “filters” must be a whole number from 1 to 65536, not 0" },
    { "{\"type\":\"conv2d\",\"filters\":65537}",
      "Layer “conv2d”: “filters” must be a whole number from 1 to 65536, not 65537" },
    { "{\"type\":\"leaky_relu\",\"slope\":0.9995}",
      "Layer “leaky_relu”: “slope” must be a number from 0 to 0.999, not 0.9995" },
    { "{\"type\":\"batchnorm2d\",\"eps\":0}",
      "Layer “batchnorm2d”: “eps” must be a number from 1e-12 to 1, not 0" },
    { "{\"type\":\"conv2d\",\"filters\":4,\"padding\":65}",
      "Layer “conv2d”: “padding” must be \"same\", \"valid\" or a whole number from 0 to 64, not 65" },
    { "{\"type\":\"reshape\",\"shape\":[2,0,3]}",
      "Layer “reshape”: “shape” must be [channels, height, width] or [features] with whole numbers "
      "from 1 to 16777216, such as [128, 7, 7] or [64], not [2,0,3]" },
    /* the wrong type of value */
    { "{\"type\":\"dense\",\"units\":\"64\"}",
      "Layer “dense”: “units” must be a whole number from 1 to 16777216, not \"64\"" },
    { "{\"type\":\"dense\",\"units\":2.5}",
      "Layer “dense”: “units” must be a whole number from 1 to 16777216, not 2.5" },
    { "{\"type\":\"dropout\",\"rate\":true}",
      "Layer “dropout”: “rate” must be a number from 0 to 0.99, not true" },
    { "{\"type\":\"maxpool2d\",\"ceil_mode\":\"yes\"}",
      "Layer “maxpool2d”: “ceil_mode” must be true or false, not \"yes\"" },
    { "{\"type\":\"conv2d\",\"filters\":4,\"padding\":\"full\"}",
      "Layer “conv2d”: “padding” must be \"same\", \"valid\" or a whole number from 0 to 64, not \"full\"" },
    { "{\"type\":\"reshape\",\"shape\":[2,4]}",
      "Layer “reshape”: “shape” must be [channels, height, width] or [features]" },
    { "{\"type\":\"reshape\",\"shape\":[2,4.0,4]}",
      "not [2,4.0,4]" },
    /* missing */
    { "{\"type\":\"dense\"}",
      "Layer “dense” needs “units” (a whole number from 1 to 16777216)" },
    { "{\"type\":\"reshape\"}",
      "Layer “reshape” needs “shape” ([channels, height, width] or [features]" },
    /* unknown keys */
    { "{\"type\":\"dense\",\"units\":4,\"unitz\":3}",
      "Layer “dense” has no option “unitz”; its options are: units" },
    { "{\"type\":\"conv2d\",\"filters\":4,\"kernal\":5}",
      "Layer “conv2d” has no option “kernal”; its options are: filters, kernel, stride, padding" },
    { "{\"type\":\"relu\",\"slope\":0.1}",
      "Layer “relu” takes no options, not “slope”" },
    /* rules between options */
    { "{\"type\":\"conv_transpose2d\",\"filters\":4,\"stride\":2,\"output_padding\":2}",
      "Layer “conv_transpose2d”: “output_padding” (2) must be smaller than “stride” (2)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabLayer) layer = layer_from_string (bad[i].json, &error);

      g_assert_null (layer);
      g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
      g_test_message ("%s: %s", bad[i].json, error->message);
      if (strstr (error->message, bad[i].message) == NULL)
        g_error ("“%s” is not in: %s", bad[i].message, error->message);
    }

  /* lab_layer_option_read alone, as an editor checks a value it keeps */
  {
    const LabLayerClass *conv = lab_layer_class_find ("conv2d");
    const LabLayerOption *padding = lab_layer_class_find_option (conv, "padding");
    g_autoptr(JsonNode) same = json_from_string ("\"same\"", NULL);
    g_autoptr(JsonNode) two = json_from_string ("2", NULL);
    g_autoptr(JsonNode) minus = json_from_string ("-1", NULL);
    g_autoptr(GError) error = NULL;
    gint value = 99;

    g_assert_true (lab_layer_option_read (conv, padding, same, &value, &error));
    g_assert_cmpint (value, ==, -1);
    g_assert_true (lab_layer_option_read (conv, padding, two, &value, &error));
    g_assert_cmpint (value, ==, 2);
    g_assert_true (lab_layer_option_read (conv, padding, NULL, &value, &error));
    g_assert_cmpint (value, ==, -2);   /* "valid" */
    g_assert_no_error (error);
    g_assert_false (lab_layer_option_read (conv, padding, minus, &value, &error));
    g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
    g_assert_cmpint (value, ==, -2);
  }
}

/* Every kind with only its required options: the others get their
 * defaults (a pool's stride its pool size), and are written back. */
static void
test_defaults (void)
{
  guint n_classes;
  const LabLayerClass * const *classes = lab_layer_classes (&n_classes);

  for (guint c = 0; c < n_classes; c++)
    {
      const LabLayerClass *klass = classes[c];
      g_autoptr(JsonObject) spec = json_object_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(LabLayer) layer = NULL;

      json_object_set_string_member (spec, "type", klass->type);
      for (guint i = 0; i < klass->n_options; i++)
        if (klass->options[i].required && klass->options[i].kind == LAB_OPTION_SHAPE)
          {
            JsonArray *shape = json_array_new ();

            json_array_add_int_element (shape, 5);
            json_object_set_array_member (spec, klass->options[i].key, shape);
          }
        else if (klass->options[i].required)
          json_object_set_int_member (spec, klass->options[i].key, 5);
      layer = lab_layer_new_from_json (spec, &error);
      g_assert_no_error (error);
      g_assert_true (layer->klass == klass);
      for (guint i = 0; i < klass->n_options; i++)
        {
          const LabLayerOption *option = &klass->options[i];
          double want = option->required ? 5 : option->def;

          if (option->default_from)
            want = lab_layer_get_option (layer, lab_layer_class_find_option (klass, option->default_from));
          g_assert_cmpfloat (lab_layer_get_option (layer, option), ==, want);
        }
    }

  {
    struct {
      const char *json, *written;
    } cases[] = {
      { "{\"type\":\"conv2d\",\"filters\":4}",
        "{\"type\":\"conv2d\",\"filters\":4,\"kernel\":3,\"stride\":1,\"padding\":\"valid\"}" },
      { "{\"type\":\"conv2d\",\"filters\":4,\"padding\":null}",
        "{\"type\":\"conv2d\",\"filters\":4,\"kernel\":3,\"stride\":1,\"padding\":\"valid\"}" },
      { "{\"type\":\"maxpool2d\",\"pool\":3}",
        "{\"type\":\"maxpool2d\",\"pool\":3,\"ceil_mode\":false}" },
      { "{\"type\":\"maxpool2d\",\"pool\":3,\"stride\":1}",
        "{\"type\":\"maxpool2d\",\"pool\":3,\"stride\":1,\"ceil_mode\":false}" },
      { "{\"type\":\"avgpool2d\"}", "{\"type\":\"avgpool2d\",\"pool\":2}" },
      { "{\"type\":\"leaky_relu\"}", "{\"type\":\"leaky_relu\",\"slope\":0.01}" },
      { "{\"type\":\"batchnorm2d\"}", "{\"type\":\"batchnorm2d\",\"eps\":1e-05,\"momentum\":0.1}" },
      { "{\"type\":\"dropout\"}", "{\"type\":\"dropout\",\"rate\":0.5}" },
      { "{\"type\":\"conv_transpose2d\",\"filters\":2,\"stride\":2.0}",
        "{\"type\":\"conv_transpose2d\",\"filters\":2,\"kernel\":3,\"stride\":2,\"padding\":0,\"output_padding\":0}" },
      { "{\"type\":\"reshape\",\"shape\":[64]}", "{\"type\":\"reshape\",\"shape\":[64]}" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(LabLayer) layer = layer_from_string (cases[i].json, &error);
        g_autoptr(JsonNode) want = json_from_string (cases[i].written, NULL);
        g_autoptr(JsonNode) node = NULL;

        g_assert_no_error (error);
        node = lab_layer_to_json (layer);
        if (!json_node_equal (node, want))
          {
            g_autofree char *text = json_to_string (node, FALSE);

            g_error ("%s came back as %s, not %s", cases[i].json, text, cases[i].written);
          }
      }
  }
}

/* Every preset's layers: read, written, read again give the same bytes
 * in the layer and the same text; what the preset says is kept. */
static void
test_presets_round_trip (void)
{
  const char * const *names = lab_presets_list ();

  for (guint p = 0; names[p]; p++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabSpec) spec = lab_presets_get (names[p], &error);

      g_assert_no_error (error);
      for (guint i = 0; i < lab_spec_n_layers (spec); i++)
        {
          JsonObject *given = lab_spec_get_layer (spec, i);
          g_autoptr(LabLayer) first = lab_layer_new_from_json (given, &error);
          g_autoptr(JsonNode) written = NULL;
          g_autoptr(LabLayer) second = NULL;
          g_autofree char *text = NULL;
          g_autofree char *again = NULL;
          JsonObjectIter iter;
          const char *key;
          JsonNode *node;

          g_assert_no_error (error);
          written = lab_layer_to_json (first);
          second = lab_layer_new_from_json (json_node_get_object (written), &error);
          g_assert_no_error (error);
          text = layer_json_text (first);
          again = layer_json_text (second);
          g_assert_cmpstr (text, ==, again);
          for (guint o = 0; o < first->klass->n_options; o++)
            {
              const LabLayerOption *option = &first->klass->options[o];

              g_assert_cmpmem (G_STRUCT_MEMBER_P (first, option->offset), option_size (option),
                               G_STRUCT_MEMBER_P (second, option->offset), option_size (option));
            }
          json_object_iter_init (&iter, given);
          while (json_object_iter_next (&iter, &key, &node))
            {
              JsonNode *back = json_object_get_member (json_node_get_object (written), key);

              g_assert_nonnull (back);
              g_assert_true (json_node_equal (node, back));
            }
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/layer-options/registry", test_registry);
  g_test_add_func ("/layer-options/tables", test_tables);
  g_test_add_func ("/layer-options/errors", test_errors);
  g_test_add_func ("/layer-options/defaults", test_defaults);
  g_test_add_func ("/layer-options/presets-round-trip", test_presets_round_trip);
  return g_test_run ();
}
