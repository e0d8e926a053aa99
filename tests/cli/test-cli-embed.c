/* `latentlab-cli embed` and `outliers` as a user runs them, on the
 * synthetic digits: the whole set (--split all), the PCA-50 step said in
 * the output, UMAP, the worst reconstructions as JSON and as a grid, and
 * the errors. The binary is $LAB_CLI (set by meson). */

#include <string.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "lab-model-io.h"
#include "lab-test-cli.h"
#include "lab-png.h"
#include "lab-test-models.h"

static char *tmpdir;
static char *model_path;   /* cae-tiny with fresh weights: latent 128 values */

static guint
count_lines (const char *path)
{
  g_autofree char *text = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

/* --split all: the 6,000 training digits and the 1,000 test digits as one
 * set of 7,000, every one of them a row; t-SNE says its PCA-50 step. */
static void
test_cli_embed_all (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *csv = g_build_filename (tmpdir, "all.csv", NULL);

  g_assert_cmpint (lab_test_run_cli (&out, &err, "embed", "--model", model_path, "--dataset", "synthetic",
                            "--split", "all", "--n", "7000", "--out", csv, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "pca: 7000 images of Synthetic digits (train + test)"));
  g_assert_cmpuint (count_lines (csv), ==, 7001);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (lab_test_run_cli (&out, &err, "embed", "--model", model_path, "--dataset", "synthetic",
                            "--method", "tsne", "--n", "300", "--iterations", "250",
                            "--out", csv, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "latent 128 values → PCA 50"));
  g_assert_cmpuint (count_lines (csv), ==, 301);
}

/* --method umap with its own settings: every image a row, and the plot. */
static void
test_cli_embed_umap (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *csv = g_build_filename (tmpdir, "umap.csv", NULL);
  g_autofree char *png = g_build_filename (tmpdir, "umap.png", NULL);

  g_assert_cmpint (lab_test_run_cli (&out, &err, "embed", "--model", model_path, "--dataset", "synthetic",
                            "--method", "umap", "--n", "400", "--neighbors", "10", "--min-dist", "0.3",
                            "--out", csv, "--plot", png, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "umap: 400 images of Synthetic digits through cae-tiny"));
  g_assert_cmpuint (count_lines (csv), ==, 401);
  g_assert_true (g_file_test (png, G_FILE_TEST_EXISTS));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (lab_test_run_cli (&out, &err, "embed", "--model", model_path, "--dataset", "synthetic",
                            "--method", "umap", "--neighbors", "1", "--out", csv, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "--neighbors takes 2 to 256"));
}

/* outliers --json: the top 3, worst first, with index, label and error;
 * --grid: image | reconstruction for each, side by side. */
static void
test_cli_outliers (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *png = g_build_filename (tmpdir, "worst.png", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  JsonObject *root;
  JsonArray *list;
  guint w = 0, h = 0;
  double last = G_MAXDOUBLE;

  g_assert_cmpint (lab_test_run_cli (&out, &err, "outliers", "--model", model_path, "--dataset", "synthetic",
                            "--top", "3", "--json", "--grid", png, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "images"), ==, 1000);
  g_assert_cmpstr (json_object_get_string_member (root, "metric"), ==, "mse");
  list = json_object_get_array_member (root, "outliers");
  g_assert_cmpuint (json_array_get_length (list), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *o = json_array_get_object_element (list, i);
      double e = json_object_get_double_member (o, "error");

      g_assert_cmpint (json_object_get_int_member (o, "rank"), ==, i + 1);
      g_assert_cmpint (json_object_get_int_member (o, "index"), <, 1000);
      g_assert_true (json_object_has_member (o, "label"));
      g_assert_cmpfloat (e, <=, last);
      g_assert_cmpfloat (e, >, json_object_get_double_member (root, "mean_error"));
      last = e;
    }
  g_assert_true (lab_png_load_gray (png, &w, &h, &pixels, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (h, ==, 28 + 2);
  g_assert_cmpuint (w, ==, 3 * (2 * 28 + 2) + 2 * 6);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (lab_test_run_cli (&out, &err, "outliers", "--model", model_path, "--dataset", "synthetic",
                            "--top", "0", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "--top takes 1 to 10000"));
}

static void
test_cli_embed_errors (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *csv = g_build_filename (tmpdir, "bad.csv", NULL);

  g_assert_cmpint (lab_test_run_cli (&out, &err, "embed", "--model", model_path, "--dataset", "synthetic",
                            "--split", "both", "--out", csv, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "--split takes “test”, “train” or “all”, not “both”"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* more than the set holds */
  g_assert_cmpint (lab_test_run_cli (&out, &err, "embed", "--model", model_path, "--dataset", "synthetic",
                            "--split", "all", "--n", "7001", "--out", csv, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "has only 7,000 images"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("lab-cli-embed-XXXXXX", &error);
  g_assert_no_error (error);
  model = lab_test_new_preset ("cae-tiny", 5);
  model_path = g_build_filename (tmpdir, "tiny.safetensors", NULL);
  g_assert_true (lab_model_save (model, model_path, NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/cli/embed/all", test_cli_embed_all);
  g_test_add_func ("/cli/embed/umap", test_cli_embed_umap);
  g_test_add_func ("/cli/embed/errors", test_cli_embed_errors);
  g_test_add_func ("/cli/outliers", test_cli_outliers);
  status = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmpdir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (tmpdir);
  }
  g_free (model_path);
  g_free (tmpdir);
  return status;
}
