/* `latentlab-cli sweep` as a user runs it: a model file trained on the
 * synthetic digits, the table, --json, --plot, and the errors. The binary is
 * $LAB_CLI (set by meson). */

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-dataset-open.h"
#include "lab-model-io.h"
#include "lab-noise-sweep.h"
#include "lab-png.h"
#include "lab-test-cli.h"
#include "lab-test-models.h"

static char *tmpdir;
static char *model_path;   /* cae-tiny, 300 steps at gaussian:0.5, with its training record */

/* --json: the type comes from the model's training record, the levels are
 * the 5 asked for, and every number is what lab_noise_sweep_run gives in
 * this process for the same file; the loss grows beyond the training level
 * and the noisy inputs get worse. --plot writes an 800 × 500 PNG. */
static void
test_cli_sweep_json (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *plot = g_build_filename (tmpdir, "curve.png", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabDataset) ds = NULL;
  g_autofree guint8 *pixels = NULL;
  LabNoiseSweepConfig config;
  LabNoiseSweepPoint points[5];
  JsonObject *root;
  JsonArray *levels;
  guint width, height;
  int status;

  status = lab_test_run_cli (&out, &err, "sweep", "--model", model_path, "--dataset", "synthetic",
                    "--levels", "5", "--limit", "200", "--json", "--plot", plot, NULL);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "model"), ==, "cae-tiny");
  g_assert_cmpstr (json_object_get_string_member (root, "type"), ==, "gaussian");
  g_assert_cmpint (json_object_get_int_member (root, "images"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (root, "seed"), ==, LAB_NOISE_SWEEP_DEFAULT_SEED);
  levels = json_object_get_array_member (root, "levels");
  g_assert_cmpuint (json_array_get_length (levels), ==, 5);

  model = lab_model_load (model_path, NULL, &error);
  g_assert_no_error (error);
  ds = lab_dataset_open ("synthetic", LAB_SPLIT_TEST, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  lab_noise_sweep_config_init (&config);
  config.n_levels = 5;
  config.n_images = 200;
  g_assert_true (lab_noise_sweep_run (model, ds, &config, points, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  for (guint l = 0; l < 5; l++)
    {
      JsonObject *p = json_array_get_object_element (levels, l);
      double loss = json_object_get_double_member (p, "loss");

      g_test_message ("level %.2f: loss %.4f  psnr %.2f  noisy %.2f", json_object_get_double_member (p, "level"),
                      loss, json_object_get_double_member (p, "psnr"),
                      json_object_get_double_member (p, "noisy_psnr"));
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (p, "level"), l / 4.0, 1e-6);
      g_assert_cmpfloat_with_epsilon (loss, points[l].loss, 1e-6 * points[l].loss);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (p, "psnr"), points[l].psnr, 1e-4);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (p, "noisy_psnr"), points[l].noisy_psnr, 1e-4);
    }
  g_assert_cmpfloat (points[4].loss, >, 1.1 * points[2].loss);
  g_assert_cmpfloat (points[3].loss, >, points[2].loss);
  g_assert_cmpfloat (points[4].noisy_psnr, <, points[2].noisy_psnr);
  g_assert_cmpfloat (points[2].psnr, >, points[2].noisy_psnr + 1);

  g_assert_true (lab_png_load_gray (plot, &width, &height, &pixels, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (width, ==, 800);
  g_assert_cmpuint (height, ==, 500);
}

/* The table: a title line, a header naming the loss, one row per level;
 * --type downsample has no amount, so every row shows the same numbers. */
static void
test_cli_sweep_table (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  status = lab_test_run_cli (&out, &err, "sweep", "-m", model_path, "-d", "synthetic", "--type", "downsample",
                    "--levels", "3", "--limit", "100", NULL);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 6);   /* 5 lines and the empty end */
  g_assert_cmpstr (lines[0], ==, "cae-tiny on Synthetic digits, downsample noise, 100 images");
  g_assert_true (g_str_has_prefix (lines[1], "level   bce "));
  g_assert_true (g_str_has_prefix (lines[2], "0.000 "));
  g_assert_true (g_str_has_prefix (lines[4], "1.000 "));
  /* Same loss, PSNR and noisy PSNR at every level. */
  g_assert_cmpstr (strchr (lines[2], ' '), ==, strchr (lines[3], ' '));
  g_assert_cmpstr (strchr (lines[2], ' '), ==, strchr (lines[4], ' '));
}

/* Errors: exit status 1 and one line saying what is wrong, naming the file. */
static void
test_cli_sweep_errors (void)
{
  g_autofree char *missing = g_build_filename (tmpdir, "missing.safetensors", NULL);
  struct {
    const char *args[4];
    const char *says;
  } cases[] = {
    { { "--model", missing, NULL }, "missing.safetensors" },
    { { "--model", model_path, "--levels=1", NULL }, "--levels takes 2 to 101" },
    { { "--model", model_path, "--type=blur", NULL }, "--type takes gaussian" },
    { { "--dataset=synthetic", NULL }, "--model" },
    { { "--model", model_path, "--dataset=/nonexistent/digits", NULL }, "/nonexistent/digits" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      int status = lab_test_run_cli (&out, &err, "sweep", cases[i].args[0], cases[i].args[1], cases[i].args[2],
                            cases[i].args[3], NULL);

      g_test_message ("%s", err);
      g_assert_cmpint (status, ==, 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "latentlab-cli sweep: "));
      g_assert_nonnull (strstr (err, cases[i].says));
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("lab-cli-sweep-XXXXXX", &error);
  g_assert_no_error (error);
  model_path = lab_test_save_denoiser (tmpdir, 300, TRUE);

  g_test_add_func ("/cli/sweep/json", test_cli_sweep_json);
  g_test_add_func ("/cli/sweep/table", test_cli_sweep_table);
  g_test_add_func ("/cli/sweep/errors", test_cli_sweep_errors);
  status = g_test_run ();

  {
    g_autofree char *plot = g_build_filename (tmpdir, "curve.png", NULL);

    g_unlink (plot);
    g_unlink (model_path);
  }
  g_rmdir (tmpdir);
  g_free (tmpdir);
  g_free (model_path);
  return status;
}
