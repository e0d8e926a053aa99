/* Outliers by reconstruction error (lab-outliers.h): a denoiser trained on
 * the synthetic digits reconstructs digits well and inverted ones badly,
 * so the inverted images planted among 200 test digits rank on top. */

#include <math.h>

#include "lab-outliers.h"
#include "lab-synthetic.h"
#include "lab-test-models.h"

static void
test_outliers_planted (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) train = lab_synthetic_digits_new (1000, 1, &error);
  g_autoptr(LabDataset) test = lab_synthetic_digits_new (200, 2, &error);
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(LabModel) model = NULL;
  const guint planted[] = { 17, 93, 160 };
  g_autofree guint *all = g_new (guint, 200);
  g_autofree float *mse = g_new (float, 200);
  g_autofree float *bce = g_new (float, 200);
  guint top[5];
  double mean = 0;

  g_assert_no_error (error);
  model = lab_test_train_denoiser (train, 300, trainer, NULL);
  /* inverted: white digits' background, black strokes */
  for (guint p = 0; p < G_N_ELEMENTS (planted); p++)
    {
      guint8 *img = test->pixels + (gsize) planted[p] * test->height * test->width;

      for (guint i = 0; i < test->height * test->width; i++)
        img[i] = 255 - img[i];
    }
  for (guint i = 0; i < 200; i++)
    all[i] = i;
  g_assert_true (lab_outliers_errors (model, test, all, 200, LAB_RECON_MSE, mse, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (lab_outliers_errors (model, test, all, 200, LAB_RECON_BCE, bce, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 200; i++)
    {
      g_assert_true (isfinite (mse[i]) && mse[i] >= 0);
      g_assert_cmpfloat (bce[i], >, 0);
      mean += mse[i] / 200;
    }

  for (guint m = 0; m < 2; m++)
    {
      const float *e = m == 0 ? mse : bce;

      g_assert_cmpuint (lab_outliers_top (e, 200, 5, top), ==, 5);
      for (guint p = 0; p < G_N_ELEMENTS (planted); p++)
        {
          gboolean found = FALSE;

          for (guint t = 0; t < 5; t++)
            found |= top[t] == planted[p];
          g_assert_true (found);
        }
      for (guint t = 1; t < 5; t++)
        g_assert_cmpfloat (e[top[t]], <=, e[top[t - 1]]);
    }
  /* far above the rest */
  g_assert_cmpfloat (mse[planted[0]], >, 3 * mean);

  /* the reconstructions of the worst are what their errors measured */
  {
    g_autofree float *recon = g_new (float, 5 * 28 * 28);
    g_autofree float *clean = g_new (float, 5 * 28 * 28);

    g_assert_cmpuint (lab_outliers_top (mse, 200, 5, top), ==, 5);
    g_assert_true (lab_outliers_reconstruct (model, test, top, 5, recon, &error));
    g_assert_no_error (error);
    lab_dataset_to_float (test, top, 5, clean);
    for (guint t = 0; t < 5; t++)
      {
        double s = 0;

        for (guint p = 0; p < 28 * 28; p++)
          s += (recon[t * 784 + p] - clean[t * 784 + p]) * (recon[t * 784 + p] - clean[t * 784 + p]);
        g_assert_cmpfloat_with_epsilon (s / 784, mse[top[t]], 1e-5);
      }
  }

  /* the threshold's count, and a threshold to start from: with these
   * errors, three planted far above, mean + 3 sd leaves them above */
  {
    double t = lab_outliers_suggest_threshold (mse, 200);

    g_assert_cmpuint (lab_outliers_count_above (mse, 200, t), >=, 3);
    g_assert_cmpuint (lab_outliers_count_above (mse, 200, t), <, 10);
    g_assert_cmpuint (lab_outliers_count_above (mse, 200, -1), ==, 200);
  }

  /* the top of a short list, and ties to the lower row */
  {
    const float e[] = { 0.5f, 2.0f, 2.0f, NAN, 1.0f };
    const float four[] = { 1, 2, 3, 4 };
    guint rows[5];

    /* NaN is never above; mean 2.5, sd sqrt(1.25) */
    g_assert_cmpuint (lab_outliers_count_above (e, 5, 1.0), ==, 2);
    g_assert_cmpfloat_with_epsilon (lab_outliers_suggest_threshold (four, 4), 2.5 + 3 * sqrt (1.25), 1e-9);
    g_assert_true (isnan (lab_outliers_suggest_threshold (e + 3, 1)));

    g_assert_cmpuint (lab_outliers_top (e, 5, 9, rows), ==, 5);
    g_assert_cmpuint (rows[0], ==, 1);
    g_assert_cmpuint (rows[1], ==, 2);
    g_assert_cmpuint (rows[2], ==, 4);
    g_assert_cmpuint (rows[3], ==, 0);
    g_assert_cmpuint (rows[4], ==, 3);
  }
}

static void
test_outliers_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) test = lab_synthetic_digits_new (20, 2, &error);
  g_autoptr(LabModel) classifier = lab_test_new_preset ("cnn-baseline", 1);
  g_autoptr(LabModel) model = lab_test_new_preset ("cae-tiny", 1);
  guint bad[] = { 3, 20 };
  float e[2];

  g_assert_false (lab_outliers_errors (classifier, test, bad, 1, LAB_RECON_MSE, e, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (lab_outliers_errors (model, test, bad, 2, LAB_RECON_MSE, e, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/outliers/planted", test_outliers_planted);
  g_test_add_func ("/outliers/errors", test_outliers_errors);
  return g_test_run ();
}
