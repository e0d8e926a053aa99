/* Figures said in words (lab-plot-describe.h), in the C locale: a
 * training's loss curves, a flat PSNR curve, a real loss-vs-noise sweep of
 * a tiny denoiser, a t-SNE-sized scatter, a confusion matrix of 10,000
 * test images, per-class recall, an outliers histogram and a
 * reconstruction strip. The French and German sentences are checked in
 * test-format-locale. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lab-noise-sweep.h"
#include "lab-plot-describe.h"
#include "lab-synthetic.h"
#include "lab-test-models.h"

static void
assert_text (char       *text,
             const char *expected)
{
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
}

/* A run of 5 epochs: the training loss falls and rises again, the
 * validation loss falls all along. */
static void
test_describe_line (void)
{
  static const double train[] = { 0.2512, 0.1203, 0.0811, 0.1107, 0.1598 };
  static const double val[] = { 0.7123, 0.3105, 0.1804, 0.1095, 0.1012 };
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  guint t, v;

  assert_text (lab_line_plot_describe (plot), "No points yet.");
  assert_text (lab_line_plot_describe_name (plot), "Line plot");
  lab_line_plot_set_labels (plot, "epoch", "loss");
  assert_text (lab_line_plot_describe_name (plot), "loss against epoch");
  t = lab_line_plot_add_series (plot, "training", 0, LAB_LINE_STYLE_LINE);
  v = lab_line_plot_add_series (plot, "validation", 1, LAB_LINE_STYLE_POINTS);
  lab_line_plot_append (plot, v, 1, val[0]);
  assert_text (lab_line_plot_describe (plot), "Loss (validation) is 0.71 at epoch 1.");
  for (guint e = 0; e < 5; e++)
    lab_line_plot_append (plot, t, e + 1, train[e]);
  for (guint e = 1; e < 5; e++)
    lab_line_plot_append (plot, v, e + 1, val[e]);
  assert_text (lab_line_plot_describe (plot),
               "Loss (training) falls from 0.25 to 0.16 between epoch 1 and 5, lowest 0.081 at epoch 3. "
               "Loss (validation) falls from 0.71 to 0.10 between epoch 1 and 5.");
  lab_line_plot_set_title (plot, "Training loss");
  assert_text (lab_line_plot_describe_name (plot), "Training loss");
}

/* A curve that hardly moves stays "at about"; one that climbs rises. */
static void
test_describe_line_flat (void)
{
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  guint flat, up;

  lab_line_plot_set_labels (plot, "noise factor", "PSNR (dB)");
  flat = lab_line_plot_add_series (plot, "denoised", 0, LAB_LINE_STYLE_POINTS);
  up = lab_line_plot_add_series (plot, NULL, 1, LAB_LINE_STYLE_POINTS);
  lab_line_plot_append (plot, flat, 0.1, 21.30);
  lab_line_plot_append (plot, flat, 0.5, 21.25);
  lab_line_plot_append (plot, flat, 0.9, 21.31);
  lab_line_plot_append (plot, up, 0.1, 12.1);
  lab_line_plot_append (plot, up, 0.9, 19.84);
  assert_text (lab_line_plot_describe (plot),
               "PSNR (dB) (denoised) stays at about 21.3 between noise factor 0.1 and 0.9. "
               "PSNR (dB) rises from 12.1 to 19.8 between noise factor 0.1 and 0.9.");
}

/* A real sweep: the noisy input's PSNR falls as the noise grows, and the
 * sentence's numbers are the sweep's first and last, rounded. */
static void
test_describe_sweep (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) digits = lab_synthetic_digits_new (1000, 1, &error);
  g_autoptr(LabDataset) tests = lab_synthetic_digits_new (200, 2, &error);
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(LabModel) denoiser = NULL;
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  g_autofree char *text = NULL;
  LabNoiseSweepConfig config;
  LabNoiseSweepPoint points[5];
  const char *prefix = "PSNR (dB) (noisy input) falls from ";
  double first, last;
  char *end;
  guint s;

  g_assert_no_error (error);
  denoiser = lab_test_train_denoiser (digits, 200, trainer, NULL);
  lab_noise_sweep_config_init (&config);
  config.n_levels = 5;
  config.n_images = 200;
  g_assert_true (lab_noise_sweep_run (denoiser, tests, &config, points, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  lab_line_plot_set_labels (plot, "noise factor", "PSNR (dB)");
  s = lab_line_plot_add_series (plot, "noisy input", 3, LAB_LINE_STYLE_POINTS);
  /* level 0 is the clean image itself: PSNR's cap of 100 dB */
  for (guint l = 0; l < 5; l++)
    lab_line_plot_append (plot, s, points[l].level, points[l].noisy_psnr);
  text = lab_line_plot_describe (plot);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, prefix));
  g_assert_true (g_str_has_suffix (text, " between noise factor 0 and 1."));
  first = g_ascii_strtod (text + strlen (prefix), &end);
  g_assert_true (g_str_has_prefix (end, " to "));
  last = g_ascii_strtod (end + 4, NULL);
  g_assert_cmpfloat_with_epsilon (first, points[0].noisy_psnr, 0.05);
  g_assert_cmpfloat_with_epsilon (last, points[4].noisy_psnr, 0.05);
  g_assert_cmpfloat (last, <, first - 3);
}

static void
test_describe_scatter (void)
{
  g_autoptr(LabScatterPlot) plot = lab_scatter_plot_new ();
  g_autofree float *points = g_new (float, 2 * 5000);
  g_autofree guint8 *labels = g_new (guint8, 5000);
  float mse[6] = { 0.01f, 0.02f, 0.09f, 0.03f, 0.07f, 0.02f };

  assert_text (lab_scatter_plot_describe (plot, NULL), "Scatter plot: no points yet.");
  lab_scatter_plot_set_title (plot, "t-SNE map of test images");
  assert_text (lab_scatter_plot_describe (plot, NULL), "t-SNE map of test images: no points yet.");
  for (guint i = 0; i < 5000; i++)
    {
      points[2 * i] = sinf (i);
      points[2 * i + 1] = cosf (i * 0.7f);
      labels[i] = i % 10;
    }
  lab_scatter_plot_set_points (plot, points, labels, 5000, FALSE);
  assert_text (lab_scatter_plot_describe (plot, "t-SNE map"), "t-SNE map: 5,000 points in 10 classes.");
  lab_scatter_plot_set_class_hidden (plot, 3, TRUE);
  lab_scatter_plot_set_class_hidden (plot, 7, TRUE);
  assert_text (lab_scatter_plot_describe (plot, NULL),
               "t-SNE map of test images: 5,000 points in 10 classes. 2 classes hidden.");

  /* coloured by reconstruction error, two above the threshold */
  lab_scatter_plot_set_title (plot, "Outliers");
  lab_scatter_plot_set_points (plot, points, labels, 6, FALSE);
  lab_scatter_plot_set_class_hidden (plot, 3, FALSE);
  lab_scatter_plot_set_class_hidden (plot, 7, FALSE);
  lab_scatter_plot_set_values (plot, mse, 6, "MSE");
  lab_scatter_plot_set_color_mode (plot, LAB_SCATTER_COLOR_VALUE);
  lab_scatter_plot_set_threshold (plot, 0.05);
  assert_text (lab_scatter_plot_describe (plot, NULL),
               "Outliers: 6 points in 6 classes. Coloured by MSE from 0.010 to 0.090. 2 points above 0.050.");
}

/* 10,000 test images, 983 of each class right; class 4 goes to 9 most. */
static void
test_describe_confusion (void)
{
  g_autoptr(LabConfusionPlot) plot = lab_confusion_plot_new ();
  guint counts[100] = { 0 };

  assert_text (lab_confusion_plot_describe (plot), "No images classified yet.");
  for (guint t = 0; t < 10; t++)
    {
      counts[t * 10 + t] = 983;
      if (t == 4)
        {
          counts[4 * 10 + 9] = 12;
          counts[4 * 10 + 2] = 5;
          continue;
        }
      counts[t * 10 + (t + 1) % 10] = 9;
      counts[t * 10 + (t + 2) % 10] = 8;
    }
  lab_confusion_plot_set_matrix (plot, counts, 10, NULL);
  assert_text (lab_confusion_plot_describe (plot),
               "98.3% of 10,000 images classified right. Most often confused: 4 taken for 9, 12 times.");
  {
    const guint one[4] = { 3, 0, 1, 2 };
    const char *names[] = { "Sneaker", "Boot" };

    lab_confusion_plot_set_matrix (plot, one, 2, names);
    assert_text (lab_confusion_plot_describe (plot),
                 "83.3% of 6 images classified right. Most often confused: Boot taken for Sneaker, 1 time.");
  }
}

static void
test_describe_class_bars (void)
{
  const double recall[10] = { 0.990, 0.996, 0.981, 0.975, 0.969, 0.972, 0.985, 0.962, 0.951, 0.958 };
  const double none[2] = { NAN, NAN };

  assert_text (lab_class_bars_describe ("Recall per class", recall, 10, NULL),
               "Recall per class: from 95.1% (8) to 99.6% (1).");
  assert_text (lab_class_bars_describe ("Recall per class", none, 2, NULL), "Recall per class: no values yet.");
}

static void
test_describe_histogram (void)
{
  g_autoptr(LabHistogramPlot) plot = lab_histogram_plot_new ();
  float values[1000];

  assert_text (lab_histogram_plot_describe (plot), "No values yet.");
  values[0] = 0.010f;
  values[1] = 0.090f;
  for (guint i = 2; i < 902; i++)
    values[i] = 0.025f;
  for (guint i = 902; i < 1000; i++)
    values[i] = 0.045f;
  lab_histogram_plot_set_labels (plot, "MSE", "images");
  lab_histogram_plot_set_values (plot, values, 1000, 8);
  lab_histogram_plot_set_note (plot, "12 above 0.060");
  assert_text (lab_histogram_plot_describe (plot),
               "MSE of 1,000 images: from 0.010 to 0.090, most between 0.020 and 0.030. 12 above 0.060.");
}

static void
test_describe_image_grid (void)
{
  g_autoptr(LabImageGrid) grid = lab_image_grid_new ();
  g_autofree guint8 *pixels = g_new0 (guint8, 16 * 28 * 28);
  const char *titles[] = { "noisy input", "denoised", "clean" };

  lab_image_grid_set_n_rows (grid, 3);
  assert_text (lab_image_grid_describe (grid), "No images yet.");
  for (guint r = 0; r < 3; r++)
    lab_image_grid_set_row_title (grid, r, titles[r]);
  lab_image_grid_set_row (grid, 0, pixels, 16, 28, 28);
  assert_text (lab_image_grid_describe (grid), "16 images: noisy input.");
  lab_image_grid_set_row (grid, 1, pixels, 16, 28, 28);
  lab_image_grid_set_row (grid, 2, pixels, 16, 28, 28);
  assert_text (lab_image_grid_describe (grid), "16 images in each of 3 rows: noisy input, denoised, clean.");
  assert_text (lab_psnr_describe (21.34, 14.16), "Mean PSNR 21.3 dB (noisy input 14.2 dB).");
  assert_text (lab_psnr_describe (21.34, NAN), "Mean PSNR 21.3 dB.");
  g_assert_null (lab_psnr_describe (NAN, NAN));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot-describe/line", test_describe_line);
  g_test_add_func ("/plot-describe/line-flat", test_describe_line_flat);
  g_test_add_func ("/plot-describe/sweep", test_describe_sweep);
  g_test_add_func ("/plot-describe/scatter", test_describe_scatter);
  g_test_add_func ("/plot-describe/confusion", test_describe_confusion);
  g_test_add_func ("/plot-describe/class-bars", test_describe_class_bars);
  g_test_add_func ("/plot-describe/histogram", test_describe_histogram);
  g_test_add_func ("/plot-describe/image-grid", test_describe_image_grid);
  return g_test_run ();
}
