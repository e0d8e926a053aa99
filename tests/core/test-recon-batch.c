#include <math.h>
#include <string.h>

#include "lab-loss.h"
#include "lab-presets.h"
#include "lab-recon-batch.h"
#include "lab-synthetic.h"
#include "lab-test-models.h"

static LabDataset *digits;   /* 200 synthetic digits, labelled 0..9 */

/* Noise none: the input is the clean image, the output is the model's
 * forward pass on it, and the numbers are those of lab-loss.h. */
static void
test_recon_batch_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = lab_test_new_preset ("cae-tiny", 5);
  g_autoptr(LabModel) reference = lab_model_copy (model, 4);
  g_autoptr(LabReconBatch) batch = NULL;
  const guint indices[] = { 3, 17, 42, 199 };
  const LabNoise none = { LAB_NOISE_NONE, 0 };
  g_autofree float *x = g_new (float, 4 * 784);
  const float *out;
  double sum_mse = 0, sum_psnr = 0, mse[4];

  batch = lab_recon_batch_compute (model, digits, indices, 4, &none, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  g_assert_true (lab_recon_batch_has_images (batch));
  g_assert_cmpuint (batch->n, ==, 4);
  g_assert_cmpuint (batch->height, ==, 28);
  g_assert_cmpuint (batch->width, ==, 28);
  g_assert_cmpuint (lab_shape_size (batch->in_shape), ==, 784);
  g_assert_cmpuint (lab_shape_size (batch->out_shape), ==, 784);
  g_assert_cmpmem (batch->indices, 4 * sizeof (guint), indices, sizeof indices);
  g_assert_cmpuint (lab_model_get_batch (model), >=, 4);
  g_assert_cmpfloat (batch->forward_ms, >=, 0);

  for (guint i = 0; i < 4; i++)
    for (guint p = 0; p < 784; p++)
      x[i * 784 + p] = digits->pixels[(gsize) indices[i] * 784 + p] / 255.0f;
  g_assert_cmpmem (batch->clean, 4 * 784 * sizeof (float), x, 4 * 784 * sizeof (float));
  g_assert_cmpmem (batch->input, 4 * 784 * sizeof (float), x, 4 * 784 * sizeof (float));
  out = lab_model_forward (reference, x, 4, FALSE);
  g_assert_cmpmem (batch->output, 4 * 784 * sizeof (float), out, 4 * 784 * sizeof (float));

  lab_loss_per_image (out, x, 4, 784, mse, NULL);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpfloat (mse[i], >, 0.01);
      g_assert_cmpfloat (batch->mse[i], ==, mse[i]);
      g_assert_cmpfloat (batch->psnr[i], ==, lab_psnr (mse[i]));
      /* the input is the clean image itself */
      g_assert_cmpfloat (batch->noisy_mse[i], ==, 0);
      g_assert_cmpfloat (batch->noisy_psnr[i], ==, 100);
      sum_mse += mse[i];
      sum_psnr += lab_psnr (mse[i]);
    }
  g_assert_cmpfloat_with_epsilon (batch->mean_mse, sum_mse / 4, 1e-15);
  g_assert_cmpfloat_with_epsilon (batch->mean_psnr, sum_psnr / 4, 1e-12);
  g_assert_cmpfloat (batch->mean_noisy_psnr, ==, 100);
}

/* Each image's noise comes from (seed, index): the same image gets the same
 * draw in any batch, another seed another one. */
static void
test_recon_batch_noise (void)
{
  g_autoptr(LabModel) model = lab_test_new_preset ("cae-tiny", 5);
  const guint pair[] = { 10, 11 }, single[] = { 11 };
  const LabNoise noise = { LAB_NOISE_GAUSSIAN, 0.5f };
  g_autoptr(LabReconBatch) a = lab_recon_batch_compute (model, digits, pair, 2, &noise, 7, NULL);
  g_autoptr(LabReconBatch) b = lab_recon_batch_compute (model, digits, single, 1, &noise, 7, NULL);
  g_autoptr(LabReconBatch) c = lab_recon_batch_compute (model, digits, single, 1, &noise, 8, NULL);

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_nonnull (c);
  g_assert_cmpmem (a->input + 784, 784 * sizeof (float), b->input, 784 * sizeof (float));
  g_assert_cmpfloat (a->noisy_mse[1], ==, b->noisy_mse[0]);
  g_assert_cmpfloat (b->noisy_mse[0], >, 0.05);
  g_assert_cmpfloat (b->noisy_psnr[0], <, 15);
  g_assert_true (memcmp (b->input, c->input, 784 * sizeof (float)) != 0);
  g_assert_cmpmem (b->clean, 784 * sizeof (float), c->clean, 784 * sizeof (float));
}

static void
test_recon_batch_mismatch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_presets_get ("cae-tiny", &error);
  g_autoptr(LabModel) model = NULL;
  const guint one[] = { 0 };
  const LabNoise none = { LAB_NOISE_NONE, 0 };

  /* 32x32 inputs (still 28x28 out) do not fit 28x28 images */
  g_assert_no_error (error);
  spec->input.h = spec->input.w = 32;
  model = lab_model_new (spec, &error);
  g_assert_no_error (error);
  g_assert_null (lab_recon_batch_compute (model, digits, one, 1, &none, 1, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
}

static void
test_recon_pick_by_class (void)
{
  guint indices[25];
  guint n = lab_recon_pick_by_class (digits, indices, 25);

  g_assert_cmpuint (n, ==, 25);
  /* one of each class in class order, then the second of each, ... */
  for (guint i = 0; i < 25; i++)
    g_assert_cmpuint (digits->labels[indices[i]], ==, i % 10);
  for (guint i = 10; i < 25; i++)
    g_assert_cmpuint (indices[i], >, indices[i - 10]);
  /* the first image of its class */
  for (guint i = 0; i < 10; i++)
    for (guint j = 0; j < indices[i]; j++)
      g_assert_cmpuint (digits->labels[j], !=, i);
}

static void
test_recon_pick_unlabelled (void)
{
  g_autoptr(LabDataset) bare = lab_dataset_subset (digits, (const guint[]) { 5, 6, 7 }, 3, NULL);
  guint indices[8];

  g_clear_pointer (&bare->labels, g_free);
  bare->n_classes = 0;
  g_assert_cmpuint (lab_recon_pick_by_class (bare, indices, 8), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (indices[i], ==, i);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  digits = lab_synthetic_digits_new (200, 1, &error);
  g_assert_no_error (error);
  g_test_add_func ("/recon-batch/values", test_recon_batch_values);
  g_test_add_func ("/recon-batch/noise", test_recon_batch_noise);
  g_test_add_func ("/recon-batch/mismatch", test_recon_batch_mismatch);
  g_test_add_func ("/recon-batch/pick-by-class", test_recon_pick_by_class);
  g_test_add_func ("/recon-batch/pick-unlabelled", test_recon_pick_unlabelled);
  status = g_test_run ();
  lab_dataset_unref (digits);
  return status;
}
