/* The loss-vs-noise sweep (lab-noise-sweep.h) on a tiny denoiser trained
 * on synthetic digits: real numbers, the levels asked for, cancellation. */

#include <math.h>
#include <string.h>

#include "lab-blas.h"

#include "lab-metrics.h"
#include "lab-noise-sweep.h"
#include "lab-synthetic.h"
#include "lab-test-models.h"

static LabDataset *digits;   /* 1,000 synthetic digits: the training set */
static LabDataset *tests;    /* 300 others: what the sweep measures */
static LabModel   *denoiser; /* cae-tiny after 600 steps with gaussian:0.5 */

typedef struct
{
  guint         calls;
  guint         last_done;
  guint         cancel_after;   /* 0: never */
  GCancellable *cancellable;
} Progress;

static void
on_progress (const LabNoiseSweepPoint *points,
             guint                     n_done,
             guint                     n_levels,
             gpointer                  data)
{
  Progress *p = data;

  p->calls++;
  /* One call per level, in order, each with the finished points. */
  g_assert_cmpuint (n_done, ==, p->last_done + 1);
  g_assert_cmpuint (n_done, <=, n_levels);
  g_assert_true (isfinite (points[n_done - 1].loss));
  p->last_done = n_done;
  if (p->cancel_after > 0 && n_done == p->cancel_after)
    g_cancellable_cancel (p->cancellable);
}

/* 11 Gaussian levels on 300 test images of a model trained at 0.5: the
 * levels are 0, 0.1, ... 1; above the training level the loss grows level
 * by level; its lowest point is near where it was trained, not on clean
 * inputs (a denoiser has never seen those); the noisy inputs get strictly
 * worse; the model beats its noisy input from 0.4 on; and each level's
 * numbers are exactly lab_evaluate's at that noise. (Measured: loss 0.240
 * clean, 0.208 at 0.4, 0.211 at 0.5, 0.279 at 1; PSNR 13.2 dB at 0.5
 * against the noisy 9.4 dB.) */
static void
test_sweep_gaussian (void)
{
  g_autoptr(GError) error = NULL;
  LabNoiseSweepConfig config;
  LabNoiseSweepPoint points[11];
  Progress progress = { 0 };
  LabEvalResult at_half;
  LabNoise half = { LAB_NOISE_GAUSSIAN, 0.5f };
  guint lowest = 0;

  lab_noise_sweep_config_init (&config);
  g_assert_cmpint (config.type, ==, LAB_NOISE_GAUSSIAN);
  g_assert_cmpuint (config.n_levels, ==, 21);
  g_assert_cmpuint (config.n_images, ==, 1000);
  config.n_levels = 11;
  config.n_images = 300;
  g_assert_true (lab_noise_sweep_run (denoiser, tests, &config, points, on_progress, &progress,
                                      NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (progress.calls, ==, 11);

  for (guint l = 0; l < 11; l++)
    g_test_message ("level %.1f: loss %.4f  psnr %.2f dB  noisy %.2f dB", points[l].level,
                    points[l].loss, points[l].psnr, points[l].noisy_psnr);
  for (guint l = 0; l < 11; l++)
    {
      g_assert_cmpfloat_with_epsilon (points[l].level, l / 10.0, 1e-6);
      g_assert_true (isfinite (points[l].loss) && points[l].loss > 0);
      g_assert_cmpfloat (points[l].psnr, >, 8);
      if (points[l].loss < points[lowest].loss)
        lowest = l;
      if (l > 0)
        g_assert_cmpfloat (points[l].noisy_psnr, <, points[l - 1].noisy_psnr);
      if (l > 5)
        g_assert_cmpfloat (points[l].loss, >, points[l - 1].loss);
      if (l >= 4)
        g_assert_cmpfloat (points[l].psnr, >, points[l].noisy_psnr + 1);
    }
  g_assert_cmpuint (lowest, >=, 2);
  g_assert_cmpuint (lowest, <=, 6);
  g_assert_cmpfloat (points[lowest].loss, <, 0.95 * points[0].loss);
  /* A clean input is the clean image: lab_psnr's cap of 100 dB. */
  g_assert_cmpfloat (points[0].noisy_psnr, >=, 99);
  g_assert_cmpfloat (points[10].loss, >, 1.2 * points[5].loss);
  g_assert_cmpfloat (points[10].psnr, <, points[5].psnr - 1);

  g_assert_true (lab_evaluate (denoiser, tests, &half, config.seed, 300, &at_half, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (points[5].loss, ==, at_half.loss);
  g_assert_cmpfloat (points[5].psnr, ==, at_half.psnr);
}

/* Downsampling has no amount: every level holds the numbers of the first. */
static void
test_sweep_without_amount (void)
{
  g_autoptr(GError) error = NULL;
  LabNoiseSweepConfig config;
  LabNoiseSweepPoint points[5];

  lab_noise_sweep_config_init (&config);
  config.type = LAB_NOISE_DOWNSAMPLE;
  config.n_levels = 5;
  config.n_images = 100;
  g_assert_true (lab_noise_sweep_run (denoiser, tests, &config, points, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint l = 0; l < 5; l++)
    {
      g_assert_cmpfloat_with_epsilon (points[l].level, l / 4.0, 1e-6);
      g_assert_cmpfloat (points[l].loss, ==, points[0].loss);
      g_assert_cmpfloat (points[l].noisy_psnr, ==, points[0].noisy_psnr);
    }
  /* Downsampled inputs are not the clean images. */
  g_assert_cmpfloat (points[0].noisy_psnr, <, 40);
}

/* Cancelled after the second of 9 levels: it stops there, says why. */
static void
test_sweep_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  LabNoiseSweepConfig config;
  LabNoiseSweepPoint points[9];
  Progress progress = { 0, 0, 2, cancellable };

  lab_noise_sweep_config_init (&config);
  config.n_levels = 9;
  config.n_images = 200;
  g_assert_false (lab_noise_sweep_run (denoiser, tests, &config, points, on_progress, &progress,
                                       cancellable, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_CANCELLED);
  g_assert_cmpuint (progress.calls, ==, 2);
}

static void
test_sweep_refuses (void)
{
  g_autoptr(LabModel) classifier = lab_test_new_preset ("cnn-baseline", 2);
  LabNoiseSweepConfig config;
  LabNoiseSweepPoint points[LAB_NOISE_SWEEP_MAX_LEVELS + 1];

  lab_noise_sweep_config_init (&config);
  config.n_images = 50;
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (lab_noise_sweep_run (classifier, tests, &config, points, NULL, NULL, NULL, &error));
    g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "cnn-baseline"));
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;

      config.n_levels = i == 0 ? 1 : LAB_NOISE_SWEEP_MAX_LEVELS + 1;
      g_assert_false (lab_noise_sweep_run (denoiser, tests, &config, points, NULL, NULL, NULL, &error));
      g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  lab_blas_set_threads (1);
  digits = lab_synthetic_digits_new (1000, 1, &error);
  g_assert_no_error (error);
  tests = lab_synthetic_digits_new (300, 2, &error);
  g_assert_no_error (error);
  {
    g_autoptr(LabTrainer) trainer = lab_trainer_new ();

    denoiser = lab_test_train_denoiser (digits, 600, trainer, NULL);
  }

  g_test_add_func ("/noise-sweep/gaussian", test_sweep_gaussian);
  g_test_add_func ("/noise-sweep/without-amount", test_sweep_without_amount);
  g_test_add_func ("/noise-sweep/cancel", test_sweep_cancel);
  g_test_add_func ("/noise-sweep/refuses", test_sweep_refuses);
  status = g_test_run ();
  lab_model_free (denoiser);
  lab_dataset_unref (tests);
  lab_dataset_unref (digits);
  return status;
}
