/* `latentlab-cli classify` as a user runs it: pixels and a model file's
 * latents of the synthetic digits, the table, --json, --confusion, and the
 * errors. The binary is $LAB_CLI (set by meson). */

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-model-io.h"
#include "lab-png.h"
#include "lab-test-cli.h"
#include "lab-test-models.h"

static char *tmpdir;
static char *model_path;   /* cae-tiny, 200 steps on the digits */

/* --json has accuracy, per_class and confusion, and they agree: the matrix
 * sums to the test images, its diagonal over them is the accuracy, each
 * row sums to the class's support and gives its recall. --confusion draws
 * the heatmap. */
static void
test_cli_classify_json (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *png = g_build_filename (tmpdir, "confusion.png", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  JsonObject *root;
  JsonArray *per_class, *confusion;
  guint total = 0, diagonal = 0, width, height;
  int status;

  status = lab_test_run_cli (&out, &err, "classify", "--dataset", "synthetic", "--features", "pixels",
                             "--classifier", "knn", "--k", "3", "--train", "1500", "--test", "500",
                             "--json", "--confusion", png, NULL);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "classifier"), ==, "knn");
  g_assert_cmpstr (json_object_get_string_member (root, "features"), ==, "pixels");
  g_assert_cmpint (json_object_get_int_member (root, "n_train"), ==, 1500);
  g_assert_cmpint (json_object_get_int_member (root, "n_test"), ==, 500);
  g_assert_cmpint (json_object_get_int_member (root, "k"), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (root, "accuracy"), >, 0.9);
  per_class = json_object_get_array_member (root, "per_class");
  confusion = json_object_get_array_member (root, "confusion");
  g_assert_cmpuint (json_array_get_length (per_class), ==, 10);
  g_assert_cmpuint (json_array_get_length (confusion), ==, 10);
  for (guint t = 0; t < 10; t++)
    {
      JsonArray *row = json_array_get_array_element (confusion, t);
      JsonObject *pc = json_array_get_object_element (per_class, t);
      guint row_sum = 0, d;

      g_assert_cmpuint (json_array_get_length (row), ==, 10);
      for (guint p = 0; p < 10; p++)
        row_sum += (guint) json_array_get_int_element (row, p);
      d = (guint) json_array_get_int_element (row, t);
      total += row_sum;
      diagonal += d;
      g_assert_cmpint (json_object_get_int_member (pc, "support"), ==, row_sum);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (pc, "recall"),
                                      (double) d / row_sum, 1e-9);
    }
  g_assert_cmpuint (total, ==, 500);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (root, "accuracy"),
                                  diagonal / 500.0, 1e-9);
  g_assert_true (lab_png_load_gray (png, &width, &height, &pixels, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (width, ==, 900);
  g_assert_cmpuint (height, ==, 820);
}

/* The table for an RBF SVM on a model file's latents. */
static void
test_cli_classify_latent (void)
{
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = lab_test_run_cli (&out, &err, "classify", "-m", model_path, "-d", "synthetic",
                             "--train", "1000", "--test", "300", "--standardize", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "svm-rbf (C 10, gamma "));
  g_assert_nonnull (strstr (out, "on latent ("));
  g_assert_nonnull (strstr (out, "from cae-tiny, standardised"));
  g_assert_nonnull (strstr (out, "1,000 training images, 300 test images"));
  g_assert_nonnull (strstr (out, "accuracy "));
  g_assert_nonnull (strstr (out, "support vectors "));
  g_assert_nonnull (strstr (out, "precision"));
}

static void
test_cli_classify_errors (void)
{
  g_autofree char *flat = g_build_filename (tmpdir, "flat", NULL);
  g_autofree char *png = g_build_filename (flat, "a.png", NULL);
  g_autofree char *png2 = g_build_filename (flat, "b.png", NULL);
  guint8 gray[28 * 28] = { 0 };
  g_autoptr(GError) error = NULL;
  const struct { const char *args[6]; const char *says; } cases[] = {
    { { "--classifier", "forest", "--features", "pixels", NULL }, "forest" },
    { { "--features", "latent", NULL }, "--model" },
    { { "--features", "pixels", "--train", "99999", NULL }, "99999" },
    { { "--features", "pca:0", NULL }, "pca:0" },
    { { "--features", "pixels", "--gamma", "-1", NULL }, "--gamma" },
    { { "--features", "pixels", "--dataset", flat, NULL }, "no labels" },
  };

  g_mkdir_with_parents (flat, 0755);
  g_assert_true (lab_png_save_gray (png, gray, 28, 28, &error));
  g_assert_true (lab_png_save_gray (png2, gray, 28, 28, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      int status;

      if (cases[i].args[2] == NULL)
        status = lab_test_run_cli (&out, &err, "classify", "-d", "synthetic", cases[i].args[0],
                                   cases[i].args[1], NULL);
      else if (cases[i].args[4] == NULL)
        status = lab_test_run_cli (&out, &err, "classify", "-d", "synthetic", cases[i].args[0],
                                   cases[i].args[1], cases[i].args[2], cases[i].args[3], NULL);
      else
        status = lab_test_run_cli (&out, &err, "classify", cases[i].args[0], cases[i].args[1],
                                   cases[i].args[2], cases[i].args[3], cases[i].args[4],
                                   cases[i].args[5], NULL);
      g_assert_cmpint (status, ==, 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "latentlab-cli classify: "));
      if (strstr (err, cases[i].says) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, err, cases[i].says);
    }
  g_unlink (png);
  g_unlink (png2);
  g_rmdir (flat);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *png = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("cli-classify-XXXXXX", &error);
  g_assert_no_error (error);
  model_path = lab_test_save_denoiser (tmpdir, 200, FALSE);
  g_test_add_func ("/cli/classify/json", test_cli_classify_json);
  g_test_add_func ("/cli/classify/latent", test_cli_classify_latent);
  g_test_add_func ("/cli/classify/errors", test_cli_classify_errors);
  status = g_test_run ();
  g_unlink (model_path);
  png = g_build_filename (tmpdir, "confusion.png", NULL);
  g_unlink (png);
  g_rmdir (tmpdir);
  g_free (model_path);
  g_free (tmpdir);
  return status;
}
