/* Ctrl+C (SIGINT) in `latentlab-cli classify`, `train`, `embed` and
 * `lesson run`, as a user presses it in the middle of work that takes
 * seconds: the command ends within LAB_TEST_INTERRUPT_LIMIT_S, says it was
 * stopped, exits with status 130, as a shell reports a program ended by
 * SIGINT, and leaves no partial file; what was there before stays byte for
 * byte, and the next command runs as usual. `train` and `embed` keep what
 * they reached instead (the weights, the t-SNE positions). A lesson run
 * under a file-size limit too. The binary is $LAB_CLI (set by meson). */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lab-model-io.h"
#include "lab-test-cli.h"
#include "lab-test-models.h"
#include "lab-test-system.h"

static char *tmpdir;

/* The RBF SVM on the pixels of all 6,000 training digits on one thread:
 * tens of seconds; Ctrl+C 1.5 s after the start, while the data loads or
 * the classifier fits, cancels it. The heatmap of an earlier run stays. */
static void
test_cli_interrupt_classify (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "classify", NULL);
  g_autofree char *png = g_build_filename (dir, "confusion.png", NULL);
  g_autofree char *out = NULL, *err = NULL, *printed = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *before = NULL, *after = NULL;
  const char *quick[] = { "classify", "--dataset", "synthetic", "--features", "pixels",
                          "--classifier", "knn", "--train", "300", "--test", "100",
                          "--confusion", png, NULL };
  const char *slow[] = { "classify", "--dataset", "synthetic", "--features", "pixels",
                         "--classifier", "svm-rbf", "--train", "all", "--threads", "1",
                         "--confusion", png, NULL };
  int status;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_cmpint (lab_test_run_cli_limited (0, &out, &err, quick), ==, 0);
  before = lab_test_snapshot_tree (dir);
  g_assert_true (g_str_has_prefix (before, "confusion.png "));

  status = lab_test_interrupt_cli (NULL, 1500, &printed, slow);
  g_test_message ("%s", printed);
  g_assert_cmpint (status, ==, 130);
  g_assert_cmpstr (printed, ==, "latentlab-cli classify: cancelled (Ctrl+C); nothing written\n");
  after = lab_test_snapshot_tree (dir);
  g_assert_cmpstr (after, ==, before);

  /* Usable afterwards. */
  g_assert_cmpint (lab_test_run_cli_limited (0, &out2, &err2, quick), ==, 0);
  g_assert_cmpstr (err2, ==, "");
  g_assert_nonnull (strstr (out2, "wrote "));
  lab_test_remove_tree (dir);
}

/* Training of 1,000 epochs stopped a second after it starts: the weights
 * learnt so far are saved (train's documented Ctrl+C), the file loads,
 * nothing else is left beside it. */
static void
test_cli_interrupt_train (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "train", NULL);
  g_autofree char *model = g_build_filename (dir, "m.safetensors", NULL);
  g_autofree char *printed = NULL, *names = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) loaded = NULL;
  const char *train[] = { "train", "--arch", "cae-tiny", "--dataset", "synthetic", "--epochs", "1000",
                          "--threads", "1", "--out", model, NULL };
  int status;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  status = lab_test_interrupt_cli ("training ", 1000, &printed, train);
  g_test_message ("%s", printed);
  g_assert_cmpint (status, ==, 130);
  g_assert_nonnull (strstr (printed, "\nstopped after "));
  g_assert_nonnull (strstr (printed, " steps; saved those weights to "));
  names = lab_test_list_dir (dir);
  g_assert_cmpstr (names, ==, "m.safetensors");
  loaded = lab_model_load (model, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  lab_test_remove_tree (dir);
}

/* t-SNE of the 1,000 test digits' latents for 100,000 iterations (minutes)
 * stopped 1.5 s after the start, while it optimises: embed's Ctrl+C keeps
 * the positions reached, says so, exits 0 and writes the whole CSV, a
 * header and a row of finite x, y, label and index for every image. */
static void
test_cli_interrupt_embed (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "embed", NULL);
  g_autofree char *model_path = g_build_filename (dir, "tiny.safetensors", NULL);
  g_autofree char *csv = g_build_filename (dir, "points.csv", NULL);
  g_autofree char *printed = NULL, *names = NULL, *text = NULL;
  g_auto(GStrv) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = lab_test_new_preset ("cae-tiny", 5);
  const char *embed[] = { "embed", "--model", model_path, "--dataset", "synthetic", "--method", "tsne",
                          "--n", "1000", "--iterations", "100000", "--out", csv, NULL };
  int status;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_true (lab_model_save (model, model_path, NULL, &error));
  g_assert_no_error (error);
  status = lab_test_interrupt_cli (NULL, 1500, &printed, embed);
  g_test_message ("%s", printed);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (printed, "tsne: 1000 images of Synthetic digits through cae-tiny"));
  g_assert_nonnull (strstr (printed, " (stopped early)\nwrote "));
  names = lab_test_list_dir (dir);
  g_assert_cmpstr (names, ==, "points.csv tiny.safetensors");
  g_assert_true (g_file_get_contents (csv, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (text, "\n"));
  rows = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (rows), ==, 1002);
  g_assert_cmpstr (rows[0], ==, "x,y,label,index");
  for (guint i = 1; i <= 1000; i++)
    {
      double x, y;
      int label;
      guint index;
      char end;

      g_assert_cmpint (sscanf (rows[i], "%lf,%lf,%d,%u%c", &x, &y, &label, &index, &end), ==, 4);
      g_assert_true (isfinite (x) && isfinite (y));
      g_assert_cmpint (label, >=, 0);
      g_assert_cmpint (label, <, 10);
    }
  lab_test_remove_tree (dir);
}

/* A small lesson run to the end into the cache, then run again over it
 * (--force) and stopped with Ctrl+C as its first step begins, and again
 * under a file-size limit (ulimit -f, as a full disk): the finished run
 * stays byte for byte with nothing beside it, and is still what `lesson
 * run` finds in the cache. */
static void
test_cli_interrupt_lesson (void)
{
  g_autofree char *cache = g_build_filename (tmpdir, "cache", "latentlab", "lessons", NULL);
  g_autofree char *out = NULL, *err = NULL, *printed = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL, *before = NULL, *after = NULL;
  g_autofree char *names = NULL, *names_after = NULL, *run = NULL;
  const char *small[] = { "lesson", "run", "conv-vs-dense", "--dataset", "synthetic", "--max-images", "80",
                          "--max-epochs", "1", "--threads", "1", "--json", NULL };
  const char *again[] = { "lesson", "run", "conv-vs-dense", "--dataset", "synthetic", "--max-images", "80",
                          "--max-epochs", "1", "--threads", "1", "--json", "--force", NULL };
  int status;

  g_assert_cmpint (lab_test_run_cli_limited (0, &out, &err, small), ==, 0);
  g_assert_nonnull (strstr (out, "\"cached\" : false"));
  names = lab_test_list_dir (cache);
  g_assert_true (g_str_has_prefix (names, "conv-vs-dense-quick-"));
  g_assert_null (strchr (names, ' '));
  run = g_build_filename (cache, names, NULL);
  before = lab_test_snapshot_tree (run);
  g_assert_nonnull (strstr (before, "\nreport.pdf "));

  status = lab_test_interrupt_cli ("[1/", 0, &printed, again);
  g_test_message ("%s", printed);
  g_assert_cmpint (status, ==, 130);
  g_assert_true (g_str_has_suffix (printed, "\nlatentlab-cli lesson run: cancelled (Ctrl+C); nothing written\n"));

  /* The first model file (some 20 kB) is past the limit. */
  g_assert_cmpint (lab_test_run_cli_limited (16384, &out2, &err2, again), ==, 1);
  g_test_message ("%s", err2);
  g_assert_true (g_str_has_prefix (err2, "[1/"));
  g_assert_true (g_str_has_suffix (err2, "\nlatentlab-cli lesson run: cae-tiny.safetensors: "
                                         "cannot save (File too large)\n"));

  after = lab_test_snapshot_tree (run);
  g_assert_cmpstr (after, ==, before);
  names_after = lab_test_list_dir (cache);
  g_assert_cmpstr (names_after, ==, names);
  g_assert_cmpint (lab_test_run_cli_limited (0, &out3, &err3, small), ==, 0);
  g_assert_nonnull (strstr (out3, "\"cached\" : true"));
  g_assert_cmpstr (err3, ==, "");
}

int
main (int argc, char **argv)
{
  int status;

  lab_test_private_tmpdir ();
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("test-cli-interrupt-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  {
    /* The lessons' cache of this test alone, for the CLI it starts. */
    g_autofree char *cache = g_build_filename (tmpdir, "cache", NULL);

    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  }
  g_test_add_func ("/cli/interrupt/classify", test_cli_interrupt_classify);
  g_test_add_func ("/cli/interrupt/train", test_cli_interrupt_train);
  g_test_add_func ("/cli/interrupt/embed", test_cli_interrupt_embed);
  g_test_add_func ("/cli/interrupt/lesson", test_cli_interrupt_lesson);
  status = g_test_run ();
  lab_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
