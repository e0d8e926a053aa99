/* `latentlab-cli` saving under a file-size limit (ulimit -f), as a user
 * with a quota meets it: every command that writes a file (a model, a PNG
 * grid, a plot, a CSV, the metrics of train, the confusion heatmap of
 * classify) exits 1 with a message naming the file, instead of dying of
 * SIGXFSZ; the file that was there stays as it was and no temporary file
 * is left beside it. The binary is $LAB_CLI (set by meson). */

#include <string.h>

#include <glib/gstdio.h>

#include "lab-test-cli.h"
#include "lab-test-system.h"

/* Every file below is larger than this; writes past it fail. */
#define FILE_SIZE_LIMIT 2048

static GBytes *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return lab_test_read_file (path);
}

static void
test_cli_save_file_size_limit (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-cli-save-XXXXXX", &error);
  g_autofree char *model = g_build_filename (dir, "m.safetensors", NULL);
  g_autofree char *grid = g_build_filename (dir, "grid.png", NULL);
  g_autofree char *points = g_build_filename (dir, "points.csv", NULL);
  g_autofree char *curve = g_build_filename (dir, "curve.png", NULL);
  g_autofree char *heatmap = g_build_filename (dir, "confusion.png", NULL);
  /* Each command twice: first unlimited (the previous file), then limited
   * with another seed, so the new file would differ. */
  const char *train[] = { "train", "--arch", "cae-tiny", "--dataset", "synthetic", "--epochs", "1",
                          "--limit", "256", "--seed", "1", "--out", model, NULL };
  const char *train2[] = { "train", "--arch", "cae-tiny", "--dataset", "synthetic", "--epochs", "1",
                           "--limit", "256", "--seed", "2", "--out", model, NULL };
  const char *noise[] = { "noise", "--dataset", "synthetic", "--type", "gaussian", "--amount", "0.5",
                          "--count", "32", "--seed", "1", "--out", grid, NULL };
  const char *noise2[] = { "noise", "--dataset", "synthetic", "--type", "gaussian", "--amount", "0.5",
                           "--count", "32", "--seed", "2", "--out", grid, NULL };
  const char *embed[] = { "embed", "--model", model, "--dataset", "synthetic", "--n", "300",
                          "--seed", "1", "--out", points, NULL };
  const char *embed2[] = { "embed", "--model", model, "--dataset", "synthetic", "--n", "300",
                           "--seed", "2", "--out", points, NULL };
  const char *sweep[] = { "sweep", "--model", model, "--dataset", "synthetic", "--levels", "3",
                          "--limit", "100", "--seed", "1", "--plot", curve, NULL };
  const char *sweep2[] = { "sweep", "--model", model, "--dataset", "synthetic", "--levels", "3",
                           "--limit", "100", "--seed", "2", "--plot", curve, NULL };
  const char *classify[] = { "classify", "--dataset", "synthetic", "--features", "pixels", "--classifier", "knn",
                             "--train", "300", "--test", "100", "--seed", "1", "--confusion", heatmap, NULL };
  const char *classify2[] = { "classify", "--dataset", "synthetic", "--features", "pixels", "--classifier", "knn",
                              "--train", "300", "--test", "100", "--seed", "2", "--confusion", heatmap, NULL };
  const struct
  {
    const char * const *first, * const *limited;
    const char         *file;
  } cases[] = {
    { train, train2, "m.safetensors" },
    { noise, noise2, "grid.png" },
    { embed, embed2, "points.csv" },
    { sweep, sweep2, "curve.png" },
    { classify, classify2, "confusion.png" },
  };
  g_autofree char *names_before = NULL, *names_after = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      int status = lab_test_run_cli_limited (0, &out, &err, cases[i].first);
      g_autoptr(GBytes) first = NULL;

      g_assert_cmpstr (err, ==, "");
      g_assert_cmpint (status, ==, 0);
      first = read_file (dir, cases[i].file);
      g_assert_cmpuint (g_bytes_get_size (first), >, FILE_SIZE_LIMIT);
    }
  names_before = lab_test_list_dir (dir);
  g_assert_cmpstr (names_before, ==, "confusion.png curve.png grid.png m.safetensors points.csv");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_autofree char *want = g_strdup_printf ("latentlab-cli %s: %s: cannot save (File too large)\n",
                                               cases[i].limited[0], cases[i].file);
      g_autoptr(GBytes) before = read_file (dir, cases[i].file);
      g_autoptr(GBytes) after = NULL;
      int status = lab_test_run_cli_limited (FILE_SIZE_LIMIT, &out, &err, cases[i].limited);

      g_test_message ("%s", err);
      g_assert_cmpstr (err, ==, want);
      g_assert_cmpint (status, ==, 1);
      after = read_file (dir, cases[i].file);
      g_assert_true (g_bytes_equal (before, after));
      names_after = (g_free (names_after), lab_test_list_dir (dir));
      g_assert_cmpstr (names_after, ==, names_before);
    }

  /* The per-epoch metrics of train --metrics: 24 lines (2.5 KB) are past
   * the limit, and the model after them too; both are said, both stay as
   * they were. */
  {
    g_autofree char *log = g_build_filename (dir, "m.jsonl", NULL);
    const char *first[] = { "train", "--arch", "cae-tiny", "--dataset", "synthetic", "--epochs", "24",
                            "--limit", "16", "--batch", "16", "--validation", "none", "--seed", "1", "--out", model,
                            "--metrics", log, NULL };
    const char *limited[] = { "train", "--arch", "cae-tiny", "--dataset", "synthetic", "--epochs", "24",
                              "--limit", "16", "--batch", "16", "--validation", "none", "--seed", "2", "--out", model,
                              "--metrics", log, NULL };
    g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL, *text = NULL;
    g_autoptr(GBytes) log_before = NULL, model_before = NULL, log_after = NULL, model_after = NULL;
    g_auto(GStrv) lines = NULL;

    g_assert_cmpint (lab_test_run_cli_limited (0, &out, &err, first), ==, 0);
    g_assert_cmpstr (err, ==, "");
    log_before = read_file (dir, "m.jsonl");
    model_before = read_file (dir, "m.safetensors");
    text = g_strndup (g_bytes_get_data (log_before, NULL), g_bytes_get_size (log_before));
    lines = g_strsplit (text, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 25);   /* 24 lines, then "" */
    g_assert_true (g_str_has_prefix (lines[23], "{\"epoch\": 24, \"train_loss\": "));
    g_assert_cmpuint (g_bytes_get_size (log_before), >, FILE_SIZE_LIMIT);

    g_assert_cmpint (lab_test_run_cli_limited (FILE_SIZE_LIMIT, &out2, &err2, limited), ==, 1);
    g_test_message ("%s", err2);
    g_assert_cmpstr (err2, ==, "latentlab-cli train: m.jsonl: cannot save (File too large)\n"
                               "latentlab-cli train: m.safetensors: cannot save (File too large)\n");
    log_after = read_file (dir, "m.jsonl");
    model_after = read_file (dir, "m.safetensors");
    g_assert_true (g_bytes_equal (log_before, log_after));
    g_assert_true (g_bytes_equal (model_before, model_after));
    g_clear_pointer (&names_after, g_free);
    names_after = lab_test_list_dir (dir);
    g_assert_cmpstr (names_after, ==, "confusion.png curve.png grid.png m.jsonl m.safetensors points.csv");
    g_unlink (log);
  }

  g_unlink (model);
  g_unlink (grid);
  g_unlink (points);
  g_unlink (curve);
  g_unlink (heatmap);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/save/file-size-limit", test_cli_save_file_size_limit);
  return g_test_run ();
}
