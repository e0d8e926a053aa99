/* `latentlab-cli layers` as a user runs it: a model file trained on the
 * synthetic digits, one test image through it, every layer's shape, range,
 * mean, zeros and weight norm as lab_model_probe and lab_model_layer_norms
 * give them in this process, the text table, and a bad index. The binary
 * is $LAB_CLI (set by meson). */

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "lab-dataset-open.h"
#include "lab-model-io.h"
#include "lab-model-probe.h"
#include "lab-test-cli.h"
#include "lab-test-models.h"
#include "lab-test-system.h"

static char *tmpdir;
static char *model_path;   /* cae-tiny, 100 steps at gaussian:0.5 */

static void
assert_close (double got,
              double expected)
{
  g_assert_cmpfloat (fabs (got - expected), <=, 1e-6 * MAX (fabs (expected), 1e-3));
}

static void
test_cli_layers_json (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabDataset) ds = NULL;
  g_autoptr(LabProbe) probe = NULL;
  g_autofree float *x = NULL, *norms = NULL;
  JsonObject *root, *filters;
  JsonArray *layers;
  guint index = 5, relu_zeros = 0;
  int status;

  status = lab_test_run_cli (&out, &err, "layers", "--model", model_path, "--dataset", "synthetic",
                             "--index", "5", "--json", NULL);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "model"), ==, "cae-tiny");
  g_assert_cmpint (json_object_get_int_member (root, "index"), ==, 5);

  model = lab_model_load (model_path, NULL, &error);
  g_assert_no_error (error);
  ds = lab_dataset_open ("synthetic", LAB_SPLIT_TEST, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  x = g_new (float, 28 * 28);
  lab_dataset_to_float (ds, &index, 1, x);
  probe = lab_model_probe (model, x, &error);
  g_assert_no_error (error);
  norms = g_new (float, probe->n_layers);
  lab_model_layer_norms (model, norms, NULL);

  layers = json_object_get_array_member (root, "layers");
  g_assert_cmpuint (json_array_get_length (layers), ==, lab_model_n_layers (model));
  for (guint l = 0; l < probe->n_layers; l++)
    {
      JsonObject *o = json_array_get_object_element (layers, l);
      JsonArray *shape = json_object_get_array_member (o, "shape");
      const LabProbeLayer *pl = &probe->layers[l];
      gsize n = lab_shape_size (pl->shape);
      double lo = INFINITY, hi = -INFINITY, mean = 0, zeros = 0;

      for (gsize k = 0; k < n; k++)
        {
          lo = MIN (lo, pl->values[k]);
          hi = MAX (hi, pl->values[k]);
          mean += pl->values[k];
          zeros += pl->values[k] == 0;
        }
      g_assert_cmpstr (json_object_get_string_member (o, "type"), ==,
                       lab_model_get_layer (model, l)->klass->type);
      g_assert_cmpint (json_array_get_int_element (shape, 0), ==, pl->shape.c);
      g_assert_cmpint (json_array_get_int_element (shape, 1), ==, pl->shape.h);
      g_assert_cmpint (json_array_get_int_element (shape, 2), ==, pl->shape.w);
      assert_close (json_object_get_double_member (o, "min"), lo);
      assert_close (json_object_get_double_member (o, "max"), hi);
      assert_close (json_object_get_double_member (o, "mean"), mean / n);
      assert_close (json_object_get_double_member (o, "zeros"), zeros / n);
      assert_close (json_object_get_double_member (o, "weight_norm"), norms[l]);
      g_assert_cmpint (norms[l] > 0, ==, lab_model_get_layer (model, l)->n_params > 0);
      relu_zeros += strcmp (json_object_get_string_member (o, "type"), "relu") == 0 && zeros > 0;
    }
  /* The ReLUs switch units off for this image. */
  g_assert_cmpuint (relu_zeros, >, 0);

  filters = json_object_get_object_member (root, "filters");
  g_assert_cmpint (json_object_get_int_member (filters, "layer"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (filters, "count"), ==, 16);
  g_assert_cmpint (json_object_get_int_member (filters, "height"), ==, 3);
}

static void
test_cli_layers_text (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  status = lab_test_run_cli (&out, &err, "layers", "--model", model_path, "--dataset", "synthetic",
                             "--index", "3", NULL);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_test_message ("%s", out);
  lines = g_strsplit (out, "\n", -1);
  /* a title, the header, 20 layers, the filters, and the final newline */
  g_assert_cmpuint (g_strv_length (lines), ==, 24);
  g_assert_true (g_str_has_prefix (lines[0], "Image 3 of "));
  g_assert_nonnull (strstr (lines[0], "through cae-tiny"));
  g_assert_true (g_str_has_prefix (lines[2], "    0  Conv2D             16 x 28 x 28"));
  g_assert_true (g_str_has_prefix (lines[3], "    1  ReLU               16 x 28 x 28"));
  g_assert_cmpstr (lines[22], ==, "First layer's filters: 16 of 3 x 3 (layer 0, Conv2D)");
}

static void
test_cli_layers_errors (void)
{
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = lab_test_run_cli (&out, &err, "layers", "--model", model_path, "--dataset", "synthetic",
                             "--index", "100000", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "there is no image 100000"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = lab_test_run_cli (&out, &err, "layers", "--dataset", "synthetic", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "--model"));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("test-cli-layers-XXXXXX", &error);
  g_assert_no_error (error);
  model_path = lab_test_save_denoiser (tmpdir, 100, FALSE);
  g_test_add_func ("/cli/layers/json", test_cli_layers_json);
  g_test_add_func ("/cli/layers/text", test_cli_layers_text);
  g_test_add_func ("/cli/layers/errors", test_cli_layers_errors);
  status = g_test_run ();
  lab_test_remove_tree (tmpdir);
  g_free (model_path);
  g_free (tmpdir);
  return status;
}
