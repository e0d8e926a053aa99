#define G_LOG_DOMAIN "latentlab-core"

/* Seeds 002 and 003: one convolutional DAE per noise level, and how each
 * copes with more or less noise than it was trained on. own-data is the
 * same lesson on a dataset the teacher brings (seed 003's exercise). */

#include "lab-lesson-private.h"

#include <math.h>
#include <string.h>

#include "lab-format.h"
#include "lab-noise-sweep.h"
#include "lab-presets.h"
#include "lab-recon-batch.h"

static const LabNoise noises[] = {
  { LAB_NOISE_GAUSSIAN, 0.1f },
  { LAB_NOISE_GAUSSIAN, 0.5f },
  { LAB_NOISE_GAUSSIAN, 0.7f },
  { LAB_NOISE_GAUSSIAN, 0.9f },
  { LAB_NOISE_SALT_PEPPER, 0.3f },
};
#define N_NOISES G_N_ELEMENTS (noises)
#define PSNR_IMAGES 2000

/* Seed 003's DAE (the Keras denoiser: four 3x3 convs of 32 and 64 filters
 * around a quarter-size latent, and the output conv), sized to the data. */
static LabSpec *
dae_spec (LabLessonRun  *run,
          GError       **error)
{
  LabSpec *spec = lab_presets_get ("dae-keras32", error);

  if (spec != NULL)
    {
      spec->input.h = run->train->height;
      spec->input.w = run->train->width;
    }
  return spec;
}

static gboolean
check_size (LabLessonRun  *run,
            GError       **error)
{
  if (run->train->height % 4 != 0 || run->train->width % 4 != 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: images of %u x %u pixels; this lesson's autoencoder pools twice by 2, so "
                   "both sides must be multiples of 4 (28 x 28 and 32 x 32 are)",
                   run->dataset, run->train->width, run->train->height);
      return FALSE;
    }
  return TRUE;
}

/* Translators: a noise and its factor, as a table's row and a legend say it */
#define GAUSSIAN_LABEL N_("Gaussian %.1f")
#define SALT_PEPPER_LABEL N_("salt-and-pepper %.1f")

/* For people: "Gaussian 0.5", "gaussien 0,5". */
static char *
noise_label (const LabNoise *noise)
{
  return lab_lesson_shown (_(noise->type == LAB_NOISE_GAUSSIAN ? GAUSSIAN_LABEL : SALT_PEPPER_LABEL),
                           noise->amount);
}

static char *
noise_key (const LabNoise *noise)
{
  return g_strdup_printf ("%s-%.1f", lab_noise_type_name (noise->type), noise->amount);
}

typedef struct
{
  double bce, psnr, noisy_psnr, seconds;
} Result;

/* Translators: the settings' model: "dae-keras32, 28,353 parameters" */
#define ARCH_FORMAT N_("%s, %s parameters")

static gboolean
run_noise_levels (LabLessonRun  *run,
                  GError       **error)
{
  guint n_images = lab_lesson_images (run, 60000, 60000);
  guint epochs = lab_lesson_epochs (run, 2, 10);
  guint sweep_levels = run->config.setting == LAB_LESSON_QUICK ? 11 : 21;
  guint sweep_images = MIN (run->config.setting == LAB_LESSON_QUICK ? 500 : 1000, run->test->n);
  g_autoptr(LabSpec) spec = dae_spec (run, error);
  g_autoptr(LabLinePlot) bce_plot = lab_line_plot_new ();
  g_autoptr(LabLinePlot) psnr_plot = lab_line_plot_new ();
  g_autofree LabNoiseSweepPoint *points = g_new0 (LabNoiseSweepPoint, sweep_levels);
  g_autofree LabNoiseSweepPoint *input = g_new0 (LabNoiseSweepPoint, sweep_levels);
  g_autofree char *arch = NULL;
  Result results[N_NOISES];
  guint digits[10], n_digits, table, psnr_images;
  g_autofree guint *first = NULL;
  gsize n_params = 0;
  guint baseline, top;
  /* Seed 002's numbers and "digits" hold for MNIST, not for a teacher's own images. */
  gboolean on_mnist = g_strcmp0 (run->dataset, "mnist") == 0;

  if (spec == NULL)
    return FALSE;
  lab_lesson_begin_steps (run, 2 * N_NOISES);
  n_digits = lab_lesson_ten_digits (run, digits);
  psnr_images = MIN (PSNR_IMAGES, run->test->n);
  if (run->config.max_images > 0)
    {
      sweep_images = MIN (sweep_images, run->config.max_images);
      psnr_images = MIN (psnr_images, run->config.max_images);
    }
  first = g_new (guint, psnr_images);
  for (guint i = 0; i < psnr_images; i++)
    first[i] = i;

  lab_line_plot_set_title (bce_plot, _("Test loss against the noise of the input"));
  /* Translators: axis titles */
  lab_line_plot_set_labels (bce_plot, _("Gaussian noise factor"), _("test BCE"));
  lab_line_plot_set_title (psnr_plot, _("Output PSNR against the noise of the input"));
  lab_line_plot_set_labels (psnr_plot, _("Gaussian noise factor"), _("PSNR (dB)"));

  top = lab_report_position (run->report);
  lab_report_add_page_break (run->report);
  lab_report_add_heading (run->report, on_mnist ? _("Denoised digits") : _("Denoised images"));
  for (guint k = 0; k < N_NOISES; k++)
    {
      g_autofree char *label = noise_label (&noises[k]);
      g_autofree char *key = noise_key (&noises[k]);
      g_autofree char *name = g_strdup_printf ("dae-%s", key);
      /* Translators: %s is a noise ("Gaussian 0.5") */
      g_autofree char *caption = lab_lesson_shown (_("Trained and tested at %s noise: noisy input, "
                                                     "the DAE's output, the clean image"), label);
      g_autofree char *grid = g_strdup_printf ("grid-%s", key);
      /* Translators: a legend entry, %s a noise ("Gaussian 0.5") */
      g_autofree char *series = lab_lesson_shown (_("trained at %s"), label);
      g_autoptr(LabModel) model = NULL;
      g_autoptr(LabReconBatch) batch = NULL;
      LabEvalResult eval;
      LabNoiseSweepConfig sweep;
      LabTrainConfig config;
      LabLessonFit fit;
      guint s_bce, s_psnr;

      /* Translators: a progress step, %s a noise ("Gaussian 0.5") */
      lab_lesson_step (run, N_("Training the DAE at %s noise"), label);
      lab_lesson_train_config (run, &config, epochs, &noises[k]);
      model = lab_lesson_train (run, name, spec, &config, n_images, &eval, &fit,
                                error);
      if (model == NULL)
        return FALSE;
      n_params = lab_model_n_params (model);
      batch = lab_recon_batch_compute (model, run->test, first, psnr_images, &noises[k],
                                       run->config.seed + 77, error);
      if (batch == NULL)
        return FALSE;
      results[k] = (Result) { eval.bce, batch->mean_psnr, batch->mean_noisy_psnr,
                              fit.seconds };
      {
        g_autofree char *m1 = g_strconcat (key, "/test_bce", NULL);
        g_autofree char *m2 = g_strconcat (key, "/psnr", NULL);
        g_autofree char *m3 = g_strconcat (key, "/noisy_psnr", NULL);
        lab_run_record_set_metric (run->record, m1, eval.bce);
        lab_run_record_set_metric (run->record, m2, batch->mean_psnr);
        lab_run_record_set_metric (run->record, m3, batch->mean_noisy_psnr);
      }
      if (!lab_lesson_add_denoise_grid (run, grid, caption, model, &noises[k], digits, n_digits,
                                        error))
        return FALSE;

      /* Translators: a progress step, %s a noise ("Gaussian 0.5") */
      lab_lesson_step (run, N_("Sweeping the noise for the DAE trained at %s"), label);
      lab_noise_sweep_config_init (&sweep);
      sweep.n_levels = sweep_levels;
      sweep.n_images = sweep_images;
      sweep.seed = run->config.seed + 99;
      if (!lab_noise_sweep_run (model, run->test, &sweep, points, NULL, NULL, run->cancellable,
                                error))
        return FALSE;
      s_bce = lab_line_plot_add_series (bce_plot, series, k, LAB_LINE_STYLE_POINTS);
      s_psnr = lab_line_plot_add_series (psnr_plot, series, k, LAB_LINE_STYLE_POINTS);
      for (guint i = 0; i < sweep_levels; i++)
        {
          lab_line_plot_append (bce_plot, s_bce, points[i].level, points[i].loss);
          lab_line_plot_append (psnr_plot, s_psnr, points[i].level, points[i].psnr);
        }
      if (k == 0)
        memcpy (input, points, sweep_levels * sizeof *points);
    }
  /* The noisy input last, under the models in the legend. At noise 0 the
   * input is the image itself: no finite PSNR to draw. */
  baseline = lab_line_plot_add_series (psnr_plot, _("the noisy input itself"), 7, LAB_LINE_STYLE_LINE);
  for (guint i = 0; i < sweep_levels; i++)
    if (input[i].noisy_psnr < 60)
      lab_line_plot_append (psnr_plot, baseline, input[i].level, input[i].noisy_psnr);
  for (guint k = 0; k < N_NOISES; k++)
    if (noises[k].type == LAB_NOISE_GAUSSIAN)
      {
        g_autofree char *at = lab_lesson_shown ("%.1f", noises[k].amount);
        lab_line_plot_add_marker (bce_plot, noises[k].amount, at);
      }

  /* The first page: settings and the results table. */
  lab_report_set_cursor (run->report, top);
  {
    g_autofree char *count = lab_format_count (n_params);
    g_autofree char *count_shown = lab_lesson_count_shown (n_params);
    g_autofree char *arch_shown = NULL;

    arch = g_strdup_printf (ARCH_FORMAT, spec->name, count);
    arch_shown = g_strdup_printf (_(ARCH_FORMAT), spec->name, count_shown);
    lab_lesson_add_settings (run, n_images, epochs, arch, arch_shown);
  }
  {
    static const char *header[] = { N_("Trained and tested at"), N_("Test BCE"), N_("Noisy PSNR"),
                                    N_("Output PSNR"), N_("Gain"), N_("Training time") };
    table = lab_report_add_table (run->report, "results", _("Each DAE on the test images, at the "
                                  "noise it was trained with"), 6, header);
    for (guint k = 0; k < N_NOISES; k++)
      {
        g_auto(LabLessonRow) row = { 0 };
        g_autofree char *time = lab_format_duration (results[k].seconds);

        lab_lesson_cell (&row, noises[k].type == LAB_NOISE_GAUSSIAN ? GAUSSIAN_LABEL
                                                                     : SALT_PEPPER_LABEL,
                         noises[k].amount);
        lab_lesson_cell_number (&row, results[k].bce, 4);
        lab_lesson_cell (&row, "%.2f dB", results[k].noisy_psnr);
        lab_lesson_cell (&row, "%.2f dB", results[k].psnr);
        lab_lesson_cell (&row, "%+.2f dB", results[k].psnr - results[k].noisy_psnr);
        lab_lesson_cell_text (&row, time);
        lab_lesson_row_add (run, table, &row);
      }
  }
  lab_report_set_cursor (run->report, G_MAXUINT);
  lab_report_add_page_break (run->report);
  lab_report_add_heading (run->report, _("Loss and PSNR against noise"));
  lab_report_add_paragraph (run->report, _("Every model on the same test images at every Gaussian "
                            "noise factor; the marks are the factors the models were trained at."));
  lab_report_add_plot (run->report, "loss-vs-noise", _("Test BCE against the Gaussian noise factor"),
                       g_steal_pointer (&bce_plot), 0.62);
  lab_report_add_plot (run->report, "psnr-vs-noise", _("Output PSNR against the Gaussian noise "
                       "factor, above the noisy input's own"), g_steal_pointer (&psnr_plot), 0.62);

  /* The reading: the lab's numbers, the gain, and what training noise does. */
  if (on_mnist)
    lab_lesson_read (run, N_("The more noise, the higher the loss: the DAE trained at %.1f reaches "
                             "a test BCE of %.3f, the one trained at %.1f reaches %.3f (seed 002 "
                             "reported about %.2f and %.2f on MNIST). "),
                     0.5, results[1].bce, 0.9, results[3].bce, 0.10, 0.15);
  else
    lab_lesson_read (run, N_("The more noise, the higher the loss: the DAE trained at %.1f reaches "
                             "a test BCE of %.3f, the one trained at %.1f reaches %.3f. "),
                     0.5, results[1].bce, 0.9, results[3].bce);
  lab_lesson_read (run, N_("At %.1f the output is %.1f dB above its noisy input (%.1f against "
                           "%.1f dB); at %.1f, %.1f dB above. "),
                   0.5, results[1].psnr - results[1].noisy_psnr, results[1].psnr,
                   results[1].noisy_psnr, 0.9, results[3].psnr - results[3].noisy_psnr);
  lab_lesson_read (run, N_("Salt-and-pepper noise at %.1f is cleaned to %.1f dB. Read the curves "
                           "to see how a model trained on light noise fails on heavy noise, while "
                           "one trained on heavy noise gives up a little on clean input."),
                   0.3, results[4].psnr);
  return TRUE;
}

const LabLessonInfo lab_lesson_noise_levels = {
  .name = "noise-levels",
  .title = N_("Denoising at several noise levels"),
  .teaches = N_("One convolutional denoising autoencoder per noise level (Gaussian noise of "
                "factor 0.1, 0.5, 0.7 and 0.9, and salt-and-pepper noise), as in seeds 002 and 003. "
                "The class sees how the test loss grows with the noise, how much the output gains "
                "over its noisy input, and what happens when a model meets more or less noise than "
                "it was trained on."),
  .default_dataset = "mnist",
  .quick_minutes = 3,
  .full_minutes = 9,
  .needs_labels = FALSE,
  .check = check_size,
  .run = run_noise_levels,
};

const LabLessonInfo lab_lesson_own_data = {
  .name = "own-data",
  .title = N_("Denoising your own images"),
  .teaches = N_("The noise-levels lesson on a dataset you bring (seed 003's exercise: a folder of "
                "Devanagari digits, say): a denoising autoencoder four convolutions deep, one per "
                "noise level, with the same table, curves and image grids."),
  .default_dataset = NULL,
  .quick_minutes = 3,
  .full_minutes = 9,
  .needs_labels = FALSE,
  .check = check_size,
  .run = run_noise_levels,
};
