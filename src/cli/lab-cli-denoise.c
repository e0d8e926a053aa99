#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lab-loss.h"
#include "lab-model-io.h"
#include "lab-noise.h"
#include "lab-png.h"
#include "lab-task.h"

static void
to_bytes (const float *x,
          gsize        n,
          guint8      *out)
{
  for (gsize i = 0; i < n; i++)
    out[i] = (guint8) lrintf (CLAMP (x[i], 0.0f, 1.0f) * 255.0f);
}

int
lab_cli_denoise (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *input_path = NULL, *out = NULL, *noise_text = NULL;
  g_autofree char *grid = NULL;
  gint64 seed = 1;
  const GOptionEntry entries[] = {
    LAB_CLI_OPTION_MODEL (&model_path),
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &input_path, "A grayscale (or any) PNG image", "PNG" },
    { "noise", 'n', 0, G_OPTION_ARG_STRING, &noise_text,
      "Add this noise first, to see how well it is removed (default none)", "TYPE[:AMOUNT]" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the noise (default 1)", "S" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "The denoised PNG to write", "PNG" },
    { "grid", 'g', 0, G_OPTION_ARG_FILENAME, &grid,
      "Also write input | noisy | denoised side by side", "PNG" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autofree guint8 *pixels = NULL, *result = NULL;
  g_autofree float *clean = NULL, *noisy = NULL, *input = NULL, *strip = NULL;
  g_autofree char *in_base = NULL;
  LabNoise noise = { LAB_NOISE_NONE, 0 };
  const float *y;
  guint width, height;
  gsize n;
  LabTask task;
  LabRng rng;
  int status = 0;

  if (!lab_cli_parse ("denoise", NULL,
                      "Run a PNG image through a saved autoencoder and write what it makes "
                      "of it.",
                      entries, &argc, &argv, &status))
    return status;
  if (model_path == NULL || input_path == NULL || out == NULL)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "give --model FILE, --input a.png and --out b.png");
      return lab_cli_fail ("denoise", error);
    }
  if (noise_text && !lab_noise_parse (noise_text, &noise, &error))
    return lab_cli_fail ("denoise", error);

  model = lab_model_load (model_path, NULL, &error);
  if (model == NULL)
    return lab_cli_fail ("denoise", error);
  if (!lab_png_load_gray (input_path, &width, &height, &pixels, &error))
    return lab_cli_fail ("denoise", error);

  in_base = g_path_get_basename (input_path);
  if (lab_model_get_loss (model) == LAB_LOSS_SOFTMAX_CE)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "“%s” is a classifier; it makes labels, not images", lab_model_get_name (model));
      return lab_cli_fail ("denoise", error);
    }
  if (!lab_task_for_size (model, height, width, &task, NULL))
    {
      LabShape s = lab_model_output_shape (model);
      g_set_error (&error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "%s is %u×%u pixels, but “%s” works on %u×%u images; resize it first",
                   in_base, width, height, lab_model_get_name (model), s.w, s.h);
      return lab_cli_fail ("denoise", error);
    }

  n = (gsize) width * height;
  clean = g_new (float, n);
  noisy = g_new (float, n);
  input = g_new (float, lab_shape_size (lab_model_input_shape (model)));
  for (gsize i = 0; i < n; i++)
    clean[i] = pixels[i] / 255.0f;
  memcpy (noisy, clean, n * sizeof (float));
  lab_rng_init (&rng, (guint64) seed);
  lab_noise_apply (&noise, noisy, 1, height, width, &rng);
  lab_task_make_input (task, noisy, 1, height, width, input);

  if (!lab_model_set_batch (model, 1, &error))
    return lab_cli_fail ("denoise", error);
  y = lab_model_forward (model, input, 1, FALSE);

  result = g_new (guint8, n);
  to_bytes (y, n, result);
  if (!lab_png_save_gray (out, result, width, height, &error))
    return lab_cli_fail ("denoise", error);

  if (noise.type != LAB_NOISE_NONE)
    {
      double noisy_mse = lab_loss_mse (noisy, clean, n, NULL);
      double out_mse = lab_loss_mse (y, clean, n, NULL);
      printf ("noisy vs %s: mse %.5f, psnr %.2f dB\n", in_base, noisy_mse, lab_psnr (noisy_mse));
      printf ("denoised vs %s: mse %.5f, psnr %.2f dB\n", in_base, out_mse, lab_psnr (out_mse));
    }
  else
    {
      double out_mse = lab_loss_mse (y, clean, n, NULL);
      printf ("output vs %s: mse %.5f, psnr %.2f dB\n", in_base, out_mse, lab_psnr (out_mse));
    }

  if (grid != NULL)
    {
      const char *captions[] = { "input", "noisy", "output" };
      strip = g_new (float, 3 * n);
      memcpy (strip, clean, n * sizeof (float));
      memcpy (strip + n, noisy, n * sizeof (float));
      memcpy (strip + 2 * n, y, n * sizeof (float));
      if (!lab_png_save_grid_float (grid, strip, 3, height, width, 3, MAX (1, 112 / MAX (width, height)),
                                    captions, &error))
        return lab_cli_fail ("denoise", error);
    }
  printf ("wrote %s\n", out);
  return 0;
}
