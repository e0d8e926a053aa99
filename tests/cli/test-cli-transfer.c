/* `latentlab-cli transfer` and `augment-experiment` as a user runs them, on
 * the synthetic digits with their quick settings: the JSON, the pictures,
 * and the errors for inputs that cannot work. The binary is $LAB_CLI. */

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-png.h"
#include "lab-test-cli.h"

static char *tmpdir;

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
assert_png_size (const char *path,
                 guint       width,
                 guint       height)
{
  g_autoptr(GError) error = NULL;
  guint w = 0, h = 0;

  g_assert_true (lab_png_read_size (path, NULL, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, width);
  g_assert_cmpuint (h, ==, height);
}

/* --quick --json: one budget of 200 labels, 2 seeds; each way's mean is
 * the mean of its runs, each accuracy well above chance; the frozen
 * encoders are unchanged; the fine-tuning recipe is recorded (by default
 * the encoder at the head's rate, no warm-up, no decay); --plot writes the
 * curve. */
static void
test_cli_transfer_json (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *curve = g_build_filename (tmpdir, "curve.png", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *budget, *ways, *classifier;
  JsonArray *budgets;
  int status;

  status = lab_test_run_cli (&out, &err, "transfer", "--dataset", "synthetic", "--quick", "--json",
                             "--plot", curve, NULL);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);
  root = parse_object (parser, out);
  g_assert_cmpint (json_object_get_int_member (root, "seeds"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (root, "test_images"), ==, 500);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "pretrain"),
                                               "images"), ==, 1500);
  classifier = json_object_get_object_member (root, "classifier");
  g_assert_cmpfloat (json_object_get_double_member (classifier, "lr"), ==, 0.001);
  g_assert_cmpfloat (json_object_get_double_member (classifier, "encoder_lr"), ==, 0.001);
  g_assert_cmpint (json_object_get_int_member (classifier, "warmup_epochs"), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (classifier, "weight_decay"), ==, 0);
  budgets = json_object_get_array_member (root, "budgets");
  g_assert_cmpuint (json_array_get_length (budgets), ==, 1);
  budget = json_array_get_object_element (budgets, 0);
  g_assert_cmpint (json_object_get_int_member (budget, "labels"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (budget, "val_labels"), ==, 67);
  ways = json_object_get_object_member (budget, "ways");
  for (guint w = 0; w < 3; w++)
    {
      const char *name = (const char *[]) { "baseline", "frozen", "fine-tuned" }[w];
      JsonObject *way = json_object_get_object_member (ways, name);
      JsonArray *runs = json_object_get_array_member (way, "runs");
      JsonArray *confusion_rows = json_object_get_array_member (way, "confusion");
      double mean = 0;
      gint64 total = 0;

      g_assert_cmpuint (json_array_get_length (runs), ==, 2);
      for (guint s = 0; s < 2; s++)
        {
          JsonObject *run = json_array_get_object_element (runs, s);
          double acc = json_object_get_double_member (run, "test_accuracy");

          g_assert_cmpfloat (acc, >, 0.3);
          g_assert_cmpfloat (acc, <=, 1);
          mean += acc / 2;
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (run, "curve")), ==,
                            json_object_get_int_member (run, "epochs_run") + 1);
          if (w == 1)
            g_assert_true (json_object_get_boolean_member (run, "encoder_unchanged"));
          if (w == 0)
            g_assert_false (json_object_has_member (run, "encoder_unchanged"));
        }
      g_assert_cmpfloat (fabs (json_object_get_double_member (way, "mean") - mean), <, 1e-9);
      g_assert_cmpuint (json_array_get_length (confusion_rows), ==, 10);
      for (guint r = 0; r < 10; r++)
        {
          JsonArray *row = json_array_get_array_element (confusion_rows, r);
          for (guint c = 0; c < 10; c++)
            total += json_array_get_int_element (row, c);
        }
      g_assert_cmpint (total, ==, 2 * 500);
    }
  assert_png_size (curve, 800, 500);
  g_unlink (curve);
}

static void
save_flat_folder (const char *dir)
{
  guint8 pixels[28 * 28] = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("img%u.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) error = NULL;

      pixels[i * 30] = 255;
      g_assert_true (lab_png_save_gray (path, pixels, 28, 28, &error));
    }
}

/* Errors: status 1, nothing on stdout, one line naming the problem. */
static void
test_cli_transfer_errors (void)
{
  g_autofree char *flat = g_build_filename (tmpdir, "flat", NULL);
  struct {
    const char *command;
    const char *args[4];
    const char *says;
  } cases[] = {
    { "transfer", { "--dataset=synthetic", "--labels=5000", NULL }, "L = 5000" },
    { "transfer", { "--dataset", flat, NULL }, "has no labels" },
    { "transfer", { "--dataset=synthetic", "--budget-curve=300,100", NULL }, "go up" },
    { "transfer", { "--labels=100", "--budget-curve=100,300", NULL }, "not both" },
    { "transfer", { "--dataset=synthetic", "--seeds=0", NULL }, "--seeds" },
    { "transfer", { "--dataset=synthetic", "--finetune-from=scratch", NULL }, "--finetune-from" },
    { "transfer", { "--dataset=synthetic", "--encoder-lr=-0.5", NULL }, "Learning rates" },
    { "transfer", { "--dataset=synthetic", "--weight-decay=-0.5", NULL }, "weight decay" },
    { "transfer", { "--dataset=synthetic", "--warmup-epochs=-2", NULL }, "--warmup-epochs" },
    { "augment-experiment", { "--dataset", flat, NULL }, "has no labels" },
    { "augment-experiment", { "--dataset=synthetic", "--digits=2,12", NULL }, "no class 12" },
    { "augment-experiment", { "--dataset=synthetic", "--sizes=10,5000", "--quick", NULL }, "5000" },
    { "augment-experiment", { "--dataset=synthetic", "--scale=0", NULL }, "scale" },
  };

  save_flat_folder (flat);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_autofree char *prefix = g_strdup_printf ("latentlab-cli %s: ", cases[i].command);
      int status = lab_test_run_cli (&out, &err, cases[i].command, cases[i].args[0],
                                     cases[i].args[1], cases[i].args[2], cases[i].args[3], NULL);

      g_test_message ("%s", err);
      g_assert_cmpint (status, ==, 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, prefix));
      g_assert_nonnull (strstr (err, cases[i].says));
    }
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("img%u.png", i);
      g_autofree char *path = g_build_filename (flat, name, NULL);
      g_unlink (path);
    }
  g_rmdir (flat);
}

/* --quick --out: results.json equals what --json printed, a grid of
 * samples per size (3 scales of 20 samples), the misrecognised ones. */
static void
test_cli_augment (void)
{
  g_autofree char *out = NULL, *err = NULL, *saved = NULL;
  g_autofree char *dir = g_build_filename (tmpdir, "augment", NULL);
  g_autofree char *results = g_build_filename (dir, "results.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *sizes;
  int status;

  status = lab_test_run_cli (&out, &err, "augment-experiment", "--dataset", "synthetic", "--quick",
                             "--json", "--out", dir, NULL);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);
  root = parse_object (parser, out);
  g_assert_true (g_file_get_contents (results, &saved, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_strstrip (saved), ==, g_strstrip (out));
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (root, "classifier"),
                                                    "test_accuracy"), >, 0.6);
  sizes = json_object_get_array_member (root, "sizes");
  g_assert_cmpuint (json_array_get_length (sizes), ==, 2);
  for (guint s = 0; s < 2; s++)
    {
      JsonObject *size = json_array_get_object_element (sizes, s);
      JsonArray *scales = json_object_get_array_member (size, "scales");
      gint64 n = json_object_get_int_member (size, "size");
      g_autofree char *grid = g_strdup_printf ("%s/samples-%" G_GINT64_FORMAT ".png", dir, n);
      g_autofree char *missed = g_strdup_printf ("%s/misrecognised-%" G_GINT64_FORMAT ".png", dir, n);
      gint64 wrong = 0;

      g_assert_cmpint (json_object_get_int_member (size, "images"), ==, n);
      g_assert_cmpuint (json_array_get_length (scales), ==, 3);
      for (guint k = 0; k < 3; k++)
        {
          JsonObject *sc = json_array_get_object_element (scales, k);
          double rate = json_object_get_double_member (sc, "recognition_rate");
          g_assert_cmpfloat (rate, >=, 0);
          g_assert_cmpfloat (rate, <=, 1);
          wrong += json_object_get_int_member (sc, "samples") - json_object_get_int_member (sc, "recognised");
        }
      g_assert_cmpint (json_array_get_length (json_object_get_array_member (size, "misrecognised")), ==, wrong);
      g_assert_true (g_file_test (grid, G_FILE_TEST_EXISTS));
      g_assert_true (wrong == 0 || g_file_test (missed, G_FILE_TEST_EXISTS));
      g_unlink (grid);
      g_unlink (missed);
    }
  g_unlink (results);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("lab-cli-transfer-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_add_func ("/cli/transfer/json", test_cli_transfer_json);
  g_test_add_func ("/cli/transfer/errors", test_cli_transfer_errors);
  g_test_add_func ("/cli/augment", test_cli_augment);
  status = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return status;
}
