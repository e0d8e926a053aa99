#define _GNU_SOURCE
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "lab-blas.h"
#include "lab-dataset-hash.h"
#include "lab-dataset-open.h"
#include "lab-lesson.h"
#include "lab-png.h"
#include "lab-report.h"
#include "lab-run-record.h"
#include "lab-test-system.h"

static char *cache_root;

/* Cairo writes one "/Type /Page" object per page (and one "/Type /Pages"). */
static guint
count_pdf_pages (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpmem (data, 5, "%PDF-", 5);
  /* The file holds binary streams: memmem, not a string search. */
  for (const char *p = data; (p = memmem (p, len - (p - data), "/Type /Page", 11)) != NULL; p++)
    if (p + 11 < data + len && p[11] != 's')
      n++;
  return n;
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d && g_dir_read_name (d))
    n++;
  return n;
}

static void
make_png_folder (const char *dir,
                 guint       n,
                 guint       side)
{
  g_autofree guint8 *pixels = g_malloc0 (side * side);

  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *leaf = g_strdup_printf ("img%03u.png", i);
      g_autofree char *path = g_build_filename (dir, leaf, NULL);
      pixels[i % (side * side)] = 255;
      g_assert_true (lab_png_save_gray (path, pixels, side, side, NULL));
    }
}

/* A lesson's figure: there, a PNG, and taller than one row of cells per
 * row it should hold (the reconstructions: originals and one per model). */
static void
assert_figure_rows (const char *dir,
                    const char *name,
                    guint       rows)
{
  g_autofree char *leaf = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (dir, "figures", leaf, NULL);
  g_autoptr(GError) error = NULL;
  gboolean is_png = FALSE;
  guint width = 0, height = 0;

  g_assert_true (lab_png_read_size (path, &is_png, &width, &height, &error));
  g_assert_no_error (error);
  g_assert_true (is_png);
  /* ten columns of square cells and the row labels across the width
   * (four rows of a 1,200-pixel figure: 390 pixels high, three would be
   * under 300) */
  g_assert_cmpuint (height, >=, rows * (width / 14));
}

static void
test_report_layout (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lab-report-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "r.pdf", NULL);
  g_autofree char *png = g_build_filename (dir, "grid.png", NULL);
  g_autofree char *csv = g_build_filename (dir, "numbers.csv", NULL);
  g_autoptr(LabReport) report = lab_report_new ("A test report", "subtitle");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  float images[6 * 4 * 4];
  guint top, t, n_pages = 0, width, height;
  gboolean is_png = FALSE;
  LabLinePlot *plot = lab_line_plot_new ();
  guint s = lab_line_plot_add_series (plot, "line", 0, LAB_LINE_STYLE_LINE);
  g_autofree guint8 *pixels = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    images[i] = (i % 7) / 6.0f;
  for (guint i = 0; i < 10; i++)
    lab_line_plot_append (plot, s, i, i * i);

  lab_report_add_paragraph (report, "What it teaches.");
  top = lab_report_position (report);
  lab_report_add_heading (report, "Grids");
  lab_report_add_images (report, "grid", "six images", images, 6, 4, 4, 3,
                         (const char *[]) { "row one", "row two" }, NULL);
  lab_report_add_plot (report, "plot", "a parabola", plot, 0.6);
  /* The table goes before the grid, as a lesson puts its results first. */
  lab_report_set_cursor (report, top);
  t = lab_report_add_table (report, "numbers", "Numbers", 2, (const char *[]) { "name", "value" });
  lab_report_add_row (report, t, (const char *[]) { "one, with a comma", "1" });
  lab_report_add_row (report, t, (const char *[]) { "two \"quoted\"", "2" });
  /* Enough rows to run onto a second page, where the header repeats. */
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *v = g_strdup_printf ("%u", i);
      lab_report_add_row (report, t, (const char *[]) { "row", v });
    }
  lab_report_add_page_break (report);
  lab_report_set_cursor (report, G_MAXUINT);
  lab_report_add_paragraph (report, "The end.");

  g_assert_cmpuint (lab_report_n_figures (report), ==, 2);
  g_assert_cmpstr (lab_report_figure_name (report, 0), ==, "grid");
  g_assert_true (lab_report_write_pdf (report, pdf, &n_pages, &error));
  g_assert_no_error (error);
  /* Title page and the table's first rows, the rest of the table, the grid
   * and the plot after the page break. */
  g_assert_cmpuint (n_pages, >=, 3);
  g_assert_cmpuint (count_pdf_pages (pdf), ==, n_pages);
  g_assert_true (lab_report_write_files (report, dir, dir, 300, &error));
  g_assert_no_error (error);
  g_assert_true (lab_png_read_size (png, &is_png, &width, &height, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (width, ==, 300);
  g_assert_cmpuint (height, >, 100);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "name,value\n\"one, with a comma\",1\n\"two \"\"quoted\"\"\",2\n"));
  /* r.pdf, grid.png, plot.png, numbers.csv: no temporary file left. */
  g_assert_cmpuint (count_entries (dir), ==, 4);

  {
    g_autofree char *bad = g_build_filename (dir, "no-such-folder", "r.pdf", NULL);
    g_assert_false (lab_report_write_pdf (report, bad, NULL, &error));
    g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
    g_assert_cmpstr (error->message, ==, "r.pdf: cannot save (No such file or directory)");
  }
}

static void
test_run_record (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) a = lab_dataset_new ("a", 10, 2, 2, TRUE, &error);
  g_autoptr(LabDataset) b = lab_dataset_new ("b", 10, 2, 2, TRUE, &error);
  g_autoptr(LabRunRecord) record = lab_run_record_new ("noise-levels", "quick");
  g_autoptr(LabRunRecord) back = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lab-record-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "record.json", NULL);
  g_autofree char *ha = NULL, *hb = NULL, *hb2 = NULL, *json = NULL;
  guint indices[] = { 3, 4, 5, 9, 0, 1 };
  const char **keys;
  double *values;
  JsonObject *datasets, *test;
  JsonArray *runs;

  g_assert_no_error (error);
  ha = lab_dataset_hash (a);
  hb = lab_dataset_hash (b);
  /* The same content (all zero) hashes the same whatever the name... */
  g_assert_cmpstr (ha, ==, hb);
  g_assert_cmpuint (strlen (ha), ==, 64);
  /* ...and one pixel or one label changes it. */
  b->pixels[5] = 1;
  hb = (g_free (hb), lab_dataset_hash (b));
  g_assert_cmpstr (ha, !=, hb);
  b->pixels[5] = 0;
  b->labels[2] = 7;
  hb2 = lab_dataset_hash (b);
  g_assert_cmpstr (ha, !=, hb2);

  lab_run_record_set_config (record, "synthetic", 7, 1, 100, 2);
  lab_run_record_add_dataset (record, "test", "synthetic", a, indices, G_N_ELEMENTS (indices));
  lab_run_record_set_metric (record, "b/loss", 0.125);
  lab_run_record_set_metric (record, "a/psnr", 21.5);
  lab_run_record_set_metric (record, "nan", NAN);
  lab_run_record_finish (record, "finished");
  g_assert_true (lab_run_record_save (record, path, &error));
  g_assert_no_error (error);

  back = lab_run_record_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lab_run_record_get_string (back, "lesson"), ==, "noise-levels");
  g_assert_cmpstr (lab_run_record_get_string (back, "status"), ==, "finished");
  g_assert_nonnull (lab_run_record_get_string (back, "end"));
  g_assert_cmpuint (lab_run_record_get_metrics (back, &keys, &values), ==, 3);
  /* In the order they were set, exact, and null for NaN. */
  g_assert_cmpstr (keys[0], ==, "b/loss");
  g_assert_cmpfloat (values[0], ==, 0.125);
  g_assert_cmpstr (keys[1], ==, "a/psnr");
  g_assert_cmpfloat (values[1], ==, 21.5);
  g_assert_true (isnan (values[2]));
  /* Index lists as exact runs: [3,6) [9,10) [0,2). */
  datasets = lab_run_record_get_object (back, "datasets");
  test = json_object_get_object_member (datasets, "test");
  g_assert_cmpstr (json_object_get_string_member (test, "sha256"), ==, ha);
  runs = json_object_get_array_member (test, "indices");
  g_assert_cmpuint (json_array_get_length (runs), ==, 3);
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (runs, 0), 0), ==, 3);
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (runs, 0), 1), ==, 6);
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (runs, 1), 0), ==, 9);
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (runs, 2), 1), ==, 2);
  json = lab_run_record_to_json (back);
  g_assert_nonnull (strstr (json, "\"kernels\""));
  g_assert_nonnull (strstr (json, "\"commit\""));

  /* Not a record: the file named. */
  g_assert_true (g_file_set_contents (path, "{\"format\": \"something else\"}", -1, NULL));
  g_assert_null (lab_run_record_load (path, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, path));
}

typedef struct
{
  guint          calls;
  guint          max_step;
  double         last_fraction;
  gboolean       monotonic;
  guint          cancel_at_step;
  GCancellable  *cancellable;
} Seen;

static void
on_progress (const LabLessonProgress *p,
             gpointer                 data)
{
  Seen *seen = data;

  seen->calls++;
  g_assert_cmpuint (p->step, >=, 1);
  g_assert_cmpuint (p->step, <=, p->n_steps);
  g_assert_nonnull (p->what);
  if (p->fraction + 1e-9 < seen->last_fraction)
    seen->monotonic = FALSE;
  seen->last_fraction = p->fraction;
  seen->max_step = MAX (seen->max_step, p->step);
  if (seen->cancel_at_step && p->step >= seen->cancel_at_step)
    g_cancellable_cancel (seen->cancellable);
}

static void
tiny_config (LabLessonConfig *config)
{
  lab_lesson_config_init (config);
  config->dataset = "synthetic";
  config->threads = 1;
  config->max_images = 120;
  config->max_epochs = 1;
}

/* Runs lesson with config into target to the end and loads its record;
 * *dir: the run's folder. */
static LabRunRecord *
run_to_record (const LabLessonInfo   *lesson,
               const LabLessonConfig *config,
               const char            *target,
               char                 **dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  LabRunRecord *record;

  *dir = lab_lesson_run (lesson, config, target, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "record.json", NULL);
  record = lab_run_record_load (path, &error);
  g_assert_no_error (error);
  return record;
}

static void
test_noise_levels_run (void)
{
  const LabLessonInfo *lesson = lab_lesson_find ("noise-levels", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL, *cached = NULL, *record_path = NULL, *pdf = NULL, *fig = NULL;
  g_autofree char *model = NULL;
  g_autoptr(LabRunRecord) record = NULL;
  LabLessonConfig config;
  Seen seen = { .monotonic = TRUE };
  const char **keys;
  double *values;
  guint n;
  gboolean all_match = FALSE;
  GArray *matches;

  g_assert_nonnull (lesson);
  tiny_config (&config);
  g_assert_null (lab_lesson_find_cached (lesson, &config));
  dir = lab_lesson_run (lesson, &config, NULL, on_progress, &seen, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (dir);
  g_assert_true (g_str_has_prefix (dir, cache_root));
  /* Ten steps (a training and a sweep per noise), in order. */
  g_assert_cmpuint (seen.max_step, ==, 10);
  g_assert_true (seen.monotonic);

  record_path = g_build_filename (dir, "record.json", NULL);
  record = lab_run_record_load (record_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lab_run_record_get_string (record, "status"), ==, "finished");
  n = lab_run_record_get_metrics (record, &keys, &values);
  /* Three numbers per noise, and the page count. */
  g_assert_cmpuint (n, ==, 16);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (isfinite (values[i]));
      if (g_str_has_suffix (keys[i], "/test_bce"))
        g_assert_cmpfloat (values[i], >, 0);
      if (g_str_has_suffix (keys[i], "psnr"))
        g_assert_cmpfloat (values[i], >, 3);
    }
  g_assert_cmpstr (keys[0], ==, "gaussian-0.1/test_bce");
  /* The noisier the input, the lower its PSNR. */
  g_assert_cmpfloat (values[2], >, values[5]);
  g_assert_cmpfloat (values[5], >, values[11]);

  pdf = g_build_filename (dir, "report.pdf", NULL);
  g_assert_cmpuint (count_pdf_pages (pdf), ==, (guint) values[n - 1]);
  /* The title page with the reading and the tables, the five grids, the two curves. */
  g_assert_cmpuint (count_pdf_pages (pdf), ==, 3);
  fig = g_build_filename (dir, "figures", "loss-vs-noise.png", NULL);
  g_assert_true (g_file_test (fig, G_FILE_TEST_IS_REGULAR));
  model = g_build_filename (dir, "models", "dae-gaussian-0.5.safetensors", NULL);
  g_assert_true (g_file_test (model, G_FILE_TEST_IS_REGULAR));

  /* The same settings find the finished run; other settings find it as
   * stale. */
  cached = lab_lesson_find_cached (lesson, &config);
  g_assert_cmpstr (cached, ==, dir);
  config.seed = 2;
  g_assert_null (lab_lesson_find_cached (lesson, &config));
  {
    g_autofree char *stale = lab_lesson_find_stale (lesson, &config);
    g_assert_cmpstr (stale, ==, dir);
  }

  /* One thread: every number again, bit for bit. */
  matches = lab_lesson_reproduce (record_path, NULL, NULL, NULL, &all_match, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (matches->len, ==, n);
  g_assert_true (all_match);
  lab_lesson_matches_free (matches);

  /* A record whose numbers were changed does not reproduce. */
  {
    g_autofree char *json = NULL;
    g_autofree char *edited = NULL;
    g_autoptr(GRegex) re = g_regex_new ("\"gaussian-0.5/test_bce\" : [0-9.e-]+", 0, 0, NULL);

    g_assert_true (g_file_get_contents (record_path, &json, NULL, NULL));
    edited = g_regex_replace_literal (re, json, -1, 0, "\"gaussian-0.5/test_bce\" : 9.5", 0, NULL);
    g_assert_cmpstr (edited, !=, json);
    g_assert_true (g_file_set_contents (record_path, edited, -1, NULL));
    matches = lab_lesson_reproduce (record_path, NULL, NULL, NULL, &all_match, &error);
    g_assert_no_error (error);
    g_assert_false (all_match);
    for (guint i = 0; i < matches->len; i++)
      {
        LabLessonMatch *m = &g_array_index (matches, LabLessonMatch, i);
        g_assert_true (m->match == (strcmp (m->key, "gaussian-0.5/test_bce") != 0));
      }
    lab_lesson_matches_free (matches);
  }
}

static void
test_conv_vs_dense_run (void)
{
  const LabLessonInfo *lesson = lab_lesson_find ("conv-vs-dense", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_dir_make_tmp ("lab-lesson-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (out, "run", NULL);
  g_autofree char *dir = NULL, *csv = NULL, *text = NULL;
  g_autoptr(LabRunRecord) record = NULL;
  LabLessonConfig config;
  const char **keys;
  double *values;

  tiny_config (&config);
  record = run_to_record (lesson, &config, target, &dir);
  g_assert_cmpstr (dir, ==, target);
  /* MSE, BCE and PSNR of three models, and the page count. */
  g_assert_cmpuint (lab_run_record_get_metrics (record, &keys, &values), ==, 10);
  g_assert_cmpstr (keys[2], ==, "cae-tiny/test_psnr");
  g_assert_cmpfloat (values[0], >, 0);
  g_assert_cmpfloat (values[0], <, 0.5);
  csv = g_build_filename (dir, "tables", "results.csv", NULL);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  /* The parameter counts of the three architectures. */
  g_assert_nonnull (strstr (text, "cae-tiny,\"4,385\""));
  g_assert_nonnull (strstr (text, "stacked,"));
  g_assert_nonnull (strstr (text, "deep-dense,\"222,384\""));
  /* Seed 004's loss is for Fashion-MNIST at 20 epochs: no row for it here,
   * and the reading says where it holds. */
  g_assert_null (strstr (text, "seed 004"));
  g_assert_nonnull (strstr (lab_run_record_get_string (record, "reading"),
                            "run it on Fashion-MNIST for the lab's loss"));
  assert_figure_rows (dir, "reconstructions", 4);
  /* Only the finished folder, nothing half-written beside it. */
  g_assert_cmpuint (count_entries (out), ==, 1);

  /* Run again over it: replaced, still one folder. */
  g_free (dir);
  dir = lab_lesson_run (lesson, &config, target, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (out), ==, 1);
}

static void
test_architectures_run (void)
{
  const LabLessonInfo *lesson = lab_lesson_find ("architectures", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_dir_make_tmp ("lab-lesson-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (out, "run", NULL);
  g_autofree char *dir = NULL, *fig = NULL;
  g_autoptr(LabRunRecord) record = NULL;
  LabLessonConfig config;
  const char **keys;
  double *values;
  guint n;

  g_assert_nonnull (lesson);
  tiny_config (&config);
  config.max_images = 200;
  record = run_to_record (lesson, &config, target, &dir);
  /* Test MSE, train loss and latent-SVM accuracy of three models, the
   * bicubic baseline and the page count. */
  n = lab_run_record_get_metrics (record, &keys, &values);
  g_assert_cmpuint (n, ==, 11);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (isfinite (values[i]));
      if (g_str_has_suffix (keys[i], "accuracy"))
        {
          g_assert_cmpfloat (values[i], >=, 0);
          g_assert_cmpfloat (values[i], <=, 1);
        }
    }
  g_assert_cmpstr (keys[9], ==, "bicubic/test_mse");
  /* Bicubic upsampling of the 2x2-averaged digits is close but not exact. */
  g_assert_cmpfloat (values[9], >, 0.001);
  g_assert_cmpfloat (values[9], <, 0.05);
  fig = g_build_filename (dir, "figures", "tsne-convae-bn.png", NULL);
  g_assert_true (g_file_test (fig, G_FILE_TEST_IS_REGULAR));
  /* Seed 001's numbers beside this run's, model by model. */
  {
    g_autofree char *csv = g_build_filename (dir, "tables", "seed-001.csv", NULL);
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "\nstacked,0.0155,"));
    g_assert_nonnull (strstr (text, "\nconvae-bn,0.0022,"));
    g_assert_nonnull (strstr (text, ",98.78%,"));
    g_assert_nonnull (strstr (text, "\nsr-ae,0.0080,"));
  }
  assert_figure_rows (dir, "reconstructions", 4);

  /* Unlabelled images cannot feed the latent SVM: refused before training. */
  {
    g_autofree char *folder = g_build_filename (out, "flat", NULL);
    g_autofree char *target2 = g_build_filename (out, "run2", NULL);

    make_png_folder (folder, 30, 28);
    config.dataset = folder;
    g_assert_null (lab_lesson_run (lesson, &config, target2, NULL, NULL, NULL, &error));
    g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "labelled"));
    g_assert_false (g_file_test (target2, G_FILE_TEST_EXISTS));
  }
}

static void
test_transfer_run (void)
{
  const LabLessonInfo *lesson = lab_lesson_find ("transfer", NULL);
  g_autofree char *out = g_dir_make_tmp ("lab-lesson-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (out, "run", NULL);
  g_autofree char *dir = NULL, *fig = NULL;
  g_autoptr(LabRunRecord) record = NULL;
  LabLessonConfig config;
  const char **keys;
  double *values;
  guint n;

  g_assert_nonnull (lesson);
  g_assert_cmpstr (lesson->default_dataset, ==, "fashion-mnist");
  tiny_config (&config);
  config.max_epochs = 3;
  record = run_to_record (lesson, &config, target, &dir);
  /* The quick experiment's one budget, three ways, and the page count. */
  n = lab_run_record_get_metrics (record, &keys, &values);
  g_assert_cmpuint (n, ==, 4);
  g_assert_true (g_str_has_suffix (keys[0], "/baseline"));
  g_assert_true (g_str_has_suffix (keys[2], "/fine-tuned"));
  for (guint i = 0; i < 3; i++)
    {
      /* Better than chance over ten classes, at most everything. */
      g_assert_cmpfloat (values[i], >, 0.15);
      g_assert_cmpfloat (values[i], <=, 1);
    }
  fig = g_build_filename (dir, "figures", "confusion-baseline.png", NULL);
  g_assert_true (g_file_test (fig, G_FILE_TEST_IS_REGULAR));
}

static void
test_augmentation_run (void)
{
  const LabLessonInfo *lesson = lab_lesson_find ("augmentation", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_dir_make_tmp ("lab-lesson-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (out, "run", NULL);
  g_autofree char *dir = NULL, *record_path = NULL, *fig = NULL, *table = NULL;
  g_autoptr(LabRunRecord) record = NULL;
  LabLessonConfig config;
  const char **keys;
  double *values;
  guint n, rates = 0;

  g_assert_nonnull (lesson);
  g_assert_cmpstr (lesson->default_dataset, ==, "mnist");
  g_assert_true (lesson->needs_labels);
  tiny_config (&config);
  config.max_images = 600;
  config.max_epochs = 2;
  record = run_to_record (lesson, &config, target, &dir);
  record_path = g_build_filename (dir, "record.json", NULL);
  n = lab_run_record_get_metrics (record, &keys, &values);
  for (guint i = 0; i < n; i++)
    {
      if (strcmp (keys[i], "classifier/accuracy") == 0)
        /* Two epochs on 600 real synthetic digits: well above chance (0.1). */
        g_assert_cmpfloat (values[i], >, 0.25);
      else if (g_str_has_suffix (keys[i], "/recognised"))
        {
          g_assert_cmpfloat (values[i], >=, 0);
          g_assert_cmpfloat (values[i], <=, 1);
          rates++;
        }
      else if (g_str_has_suffix (keys[i], "/nearest") || g_str_has_suffix (keys[i], "/pixel-diversity"))
        g_assert_cmpfloat (values[i], >, 0);
    }
  /* The quick experiment: sizes 10 and 100, the user's scale and two extreme ones. */
  g_assert_cmpuint (rates, ==, 2 * 3);
  fig = g_build_filename (dir, "figures", "samples-100.png", NULL);
  g_assert_true (g_file_test (fig, G_FILE_TEST_IS_REGULAR));
  g_free (fig);
  fig = g_build_filename (dir, "figures", "recognition.png", NULL);
  g_assert_true (g_file_test (fig, G_FILE_TEST_IS_REGULAR));
  table = g_build_filename (dir, "tables", "results.csv", NULL);
  g_assert_true (g_file_test (table, G_FILE_TEST_IS_REGULAR));
  {
    /* The record names the exact images: the classifier's first 600, and
     * the 10 of the smallest autoencoder, all of them 2s, 3s or 8s. */
    g_autofree char *json = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(LabDataset) train = lab_dataset_open ("synthetic", LAB_SPLIT_TRAIN, NULL, NULL, NULL,
                                                    &error);
    JsonObject *datasets, *d;
    JsonArray *runs;
    guint counted = 0;

    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (record_path, &json, NULL, NULL));
    g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
    datasets = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                              "datasets");
    d = json_object_get_object_member (datasets, "classifier-train");
    runs = json_object_get_array_member (d, "indices");
    g_assert_cmpuint (json_array_get_length (runs), ==, 1);
    g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (runs, 0), 1), ==, 600);
    d = json_object_get_object_member (datasets, "autoencoder-10");
    runs = json_object_get_array_member (d, "indices");
    for (guint r = 0; r < json_array_get_length (runs); r++)
      {
        JsonArray *run = json_array_get_array_element (runs, r);
        for (gint64 i = json_array_get_int_element (run, 0); i < json_array_get_int_element (run, 1); i++)
          {
            guint8 label = train->labels[i];
            g_assert_true (label == 2 || label == 3 || label == 8);
            counted++;
          }
      }
    g_assert_cmpuint (counted, ==, 10);
  }
}

/* Cancelled, a run leaves nothing: no folder of its own, and over a
 * finished run of the same folder, that run as it was (its record byte
 * for byte, the same files) with nothing beside it. */
static void
test_cancel_leaves_nothing (void)
{
  const LabLessonInfo *lesson = lab_lesson_find ("noise-levels", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *out = g_dir_make_tmp ("lab-lesson-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (out, "run", NULL);
  g_autofree char *finished = NULL, *tree_before = NULL, *tree_after = NULL;
  LabLessonConfig config;
  Seen seen = { .monotonic = TRUE, .cancel_at_step = 3, .cancellable = cancellable };
  char *dir;

  tiny_config (&config);
  dir = lab_lesson_run (lesson, &config, target, on_progress, &seen, cancellable, &error);
  g_assert_null (dir);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_CANCELLED);
  g_assert_cmpuint (seen.max_step, <, 5);
  g_assert_cmpuint (count_entries (out), ==, 0);
  g_clear_error (&error);

  /* A finished run, then one cancelled over it. */
  finished = lab_lesson_run (lesson, &config, target, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (finished, ==, target);
  tree_before = lab_test_snapshot_tree (target);
  g_assert_nonnull (strstr (tree_before, "\nrecord.json "));
  g_assert_cmpuint (count_entries (target), >, 3);
  g_cancellable_reset (cancellable);
  seen = (Seen) { .monotonic = TRUE, .cancel_at_step = 3, .cancellable = cancellable };
  g_assert_null (lab_lesson_run (lesson, &config, target, on_progress, &seen, cancellable, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_CANCELLED);
  g_assert_cmpuint (count_entries (out), ==, 1);
  tree_after = lab_test_snapshot_tree (target);
  g_assert_cmpstr (tree_after, ==, tree_before);
}

/* A finished run in the cache, then the same run failing at a write (a
 * file-size limit, as a full disk gives: SIGXFSZ ignored, as the app and
 * the CLI do) and other lessons on bad datasets into its folder: each
 * error names the file or the dataset; the finished run stays byte for
 * byte, is still the cached result, and nothing is left beside it. */
static void
test_fault_keeps_finished (void)
{
  const LabLessonInfo *lesson = lab_lesson_find ("conv-vs-dense", NULL);
  const LabLessonInfo *own = lab_lesson_find ("own-data", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("lab-lesson-XXXXXX", NULL);
  g_autofree char *odd = g_build_filename (tmp, "odd", NULL);
  g_autofree char *missing = g_build_filename (tmp, "missing", NULL);
  g_autofree char *dir = NULL, *cached = NULL, *tree_before = NULL, *names_before = NULL;
  struct rlimit saved, limited;
  LabLessonConfig config, bad;

  tiny_config (&config);
  dir = lab_lesson_run (lesson, &config, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cached = lab_lesson_find_cached (lesson, &config);
  g_assert_cmpstr (cached, ==, dir);
  tree_before = lab_test_snapshot_tree (dir);
  names_before = lab_test_list_dir (cache_root);

  /* Every model file of the run is larger than this. */
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limited = saved;
  limited.rlim_cur = 16384;
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);
  g_assert_null (lab_lesson_run (lesson, &config, NULL, NULL, NULL, NULL, &error));
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, SIG_DFL);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_cmpstr (error->message, ==, "cae-tiny.safetensors: cannot save (File too large)");
  /* the run's first model file */
  g_assert_nonnull (strstr (tree_before, "\nmodels/cae-tiny.safetensors "));
  g_clear_error (&error);

  /* Images own-data cannot pool, and a dataset that is not there, into
   * the same folder. */
  make_png_folder (odd, 30, 30);
  tiny_config (&bad);
  bad.dataset = odd;
  g_assert_null (lab_lesson_run (own, &bad, dir, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, odd));
  g_clear_error (&error);
  bad.dataset = missing;
  g_assert_null (lab_lesson_run (lesson, &bad, dir, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "missing"));
  g_clear_error (&error);

  {
    g_autofree char *tree_after = lab_test_snapshot_tree (dir);
    g_autofree char *names_after = lab_test_list_dir (cache_root);
    g_autofree char *cached_after = lab_lesson_find_cached (lesson, &config);

    g_assert_cmpstr (tree_after, ==, tree_before);
    g_assert_cmpstr (names_after, ==, names_before);
    g_assert_cmpstr (cached_after, ==, dir);
  }
  lab_test_remove_tree (dir);
  lab_test_remove_tree (tmp);
}

static void
test_bad_input (void)
{
  const LabLessonInfo *own = lab_lesson_find ("own-data", NULL);
  const LabLessonInfo *conv = lab_lesson_find ("conv-vs-dense", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_dir_make_tmp ("lab-lesson-XXXXXX", NULL);
  g_autofree char *odd = g_build_filename (out, "odd", NULL);
  g_autofree char *fours = g_build_filename (out, "fours", NULL);
  g_autofree char *target = g_build_filename (out, "run", NULL);
  LabLessonConfig config;
  Seen seen = { .monotonic = TRUE };

  g_assert_null (lab_lesson_find ("no-such-lesson", &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "noise-levels"));
  g_clear_error (&error);

  /* own-data has no default dataset. */
  tiny_config (&config);
  config.dataset = NULL;
  g_assert_null (lab_lesson_run (own, &config, target, on_progress, &seen, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* 30 x 30 images do not pool twice by 2: refused before any training. */
  make_png_folder (odd, 30, 30);
  config.dataset = odd;
  g_assert_null (lab_lesson_run (own, &config, target, on_progress, &seen, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, odd));
  g_assert_nonnull (strstr (error->message, "multiples of 4"));
  g_assert_cmpuint (seen.calls, ==, 0);
  g_clear_error (&error);

  /* conv-vs-dense takes 28 x 28 only. */
  make_png_folder (fours, 30, 32);
  config.dataset = fours;
  g_assert_null (lab_lesson_run (conv, &config, target, on_progress, &seen, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "28 x 28"));
  g_assert_cmpuint (seen.calls, ==, 0);
  g_clear_error (&error);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
}

static void
test_own_data_folder (void)
{
  const LabLessonInfo *own = lab_lesson_find ("own-data", NULL);
  g_autofree char *out = g_dir_make_tmp ("lab-lesson-XXXXXX", NULL);
  g_autofree char *folder = g_build_filename (out, "digits", NULL);
  g_autofree char *target = g_build_filename (out, "run", NULL);
  g_autofree char *dir = NULL;
  g_autoptr(LabRunRecord) record = NULL;
  LabLessonConfig config;
  JsonObject *datasets;

  /* A flat folder of 32 x 32 PNGs: 10% of it held out for testing. */
  make_png_folder (folder, 40, 32);
  tiny_config (&config);
  config.dataset = folder;
  config.max_images = 30;
  record = run_to_record (own, &config, target, &dir);
  datasets = lab_run_record_get_object (record, "datasets");
  g_assert_true (json_object_has_member (datasets, "held-out-test"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (datasets, "source"), "n"),
                   ==, 40);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (datasets, "train"),
                                               "width"), ==, 32);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *tmp = NULL;

  lab_test_private_tmpdir ();
  tmp = g_dir_make_tmp ("lab-lessons-cache-XXXXXX", NULL);
  /* Before GLib reads it: the cache of this test alone. */
  g_setenv ("XDG_CACHE_HOME", tmp, TRUE);
  cache_root = g_build_filename (tmp, "latentlab", "lessons", NULL);
  lab_blas_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report/layout", test_report_layout);
  g_test_add_func ("/report/run-record", test_run_record);
  /* The whole lessons, minutes under the sanitizers, where
   * LAB_TEST_LESSONS_LIGHT leaves them out (tests/meson.build). */
  if (g_getenv ("LAB_TEST_LESSONS_LIGHT") == NULL)
    {
      g_test_add_func ("/lessons/noise-levels", test_noise_levels_run);
      g_test_add_func ("/lessons/conv-vs-dense", test_conv_vs_dense_run);
      g_test_add_func ("/lessons/architectures", test_architectures_run);
      g_test_add_func ("/lessons/transfer", test_transfer_run);
      g_test_add_func ("/lessons/augmentation", test_augmentation_run);
    }
  g_test_add_func ("/lessons/cancel", test_cancel_leaves_nothing);
  g_test_add_func ("/lessons/fault-keeps-finished", test_fault_keeps_finished);
  g_test_add_func ("/lessons/bad-input", test_bad_input);
  g_test_add_func ("/lessons/own-data", test_own_data_folder);
  return g_test_run ();
}
