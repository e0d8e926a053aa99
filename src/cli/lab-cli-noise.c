#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "lab-dataset-open.h"
#include "lab-dataset.h"
#include "lab-noise.h"
#include "lab-png.h"
#include "lab-rng.h"

/* Up to this many images, the grid is two rows: clean over noisy. Beyond,
 * it is clean|noisy pairs side by side, PAIRS_PER_ROW pairs a row. */
#define MAX_TWO_ROW    16
#define PAIRS_PER_ROW  8

static gboolean
noise_type_from_name (const char    *name,
                      LabNoiseType  *type,
                      GError       **error)
{
  for (int t = LAB_NOISE_NONE; t <= LAB_NOISE_DOWNSAMPLE; t++)
    if (g_ascii_strcasecmp (name, lab_noise_type_name (t)) == 0)
      {
        *type = t;
        return TRUE;
      }
  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
               "unknown noise type '%s' (use gaussian, salt-pepper, mask, downsample or none)",
               name);
  return FALSE;
}

/* The test split when there is one, else the training split. */
static LabDataset *
open_dataset (const char  *spec,
              const char **split_name,
              GError     **error)
{
  g_autoptr(GError) test_error = NULL;
  LabDataset *ds;

  ds = lab_dataset_open (spec, LAB_SPLIT_TEST, NULL, NULL, NULL, &test_error);
  if (ds != NULL)
    {
      *split_name = "test";
      return ds;
    }
  *split_name = "train";
  return lab_dataset_open (spec, LAB_SPLIT_TRAIN, NULL, NULL, NULL, error);
}

static double
mse_of (const float *a,
        const float *b,
        gsize        n)
{
  double sum = 0;

  for (gsize k = 0; k < n; k++)
    sum += ((double) a[k] - b[k]) * ((double) a[k] - b[k]);
  return sum / n;
}

/* Peak signal-to-noise ratio for values in [0,1]; capped where MSE is 0. */
static double
psnr_of (double mse)
{
  return mse > 1e-10 ? -10.0 * log10 (mse) : 100.0;
}

int
lab_cli_noise (int argc, char **argv)
{
  g_autofree char *spec = NULL;
  g_autofree char *type_name = NULL;
  g_autofree char *out = NULL;
  double amount = 0.5;
  int count = 8;
  gint64 seed = 1;
  int scale = 2;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "dataset", 'd', 0, G_OPTION_ARG_STRING, &spec,
      "Dataset id (mnist, fashion-mnist, synthetic), IDX file or folder", "NAME|PATH" },
    { "type", 't', 0, G_OPTION_ARG_STRING, &type_name,
      "Noise: gaussian, salt-pepper, mask, downsample or none (default gaussian)", "TYPE" },
    { "amount", 'a', 0, G_OPTION_ARG_DOUBLE, &amount, "Noise amount from 0 to 1 (default 0.5)", "F" },
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, "Number of images (default 8)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Random seed for the picks and the noise (default 1)", "S" },
    { "scale", 0, 0, G_OPTION_ARG_INT, &scale, "Magnification of each image (default 2)", "K" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "PNG file to write", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the result as JSON", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) ds = NULL;
  g_autofree guint *order = NULL;
  g_autofree float *clean = NULL;
  g_autofree float *noisy = NULL;
  g_autofree float *grid = NULL;
  g_autofree double *mse = NULL;
  g_autoptr(GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *noise_text = NULL;
  const char *split_name = NULL;
  LabNoise noise = { LAB_NOISE_GAUSSIAN, 0.5f };
  LabRng pick_rng, noise_rng;
  gsize image_size;
  guint n, columns, cells;
  double mean_mse = 0;
  int status = 0;

  if (!lab_cli_parse ("noise", NULL,
                      "Render clean test images over their noisy versions to a PNG grid.",
                      entries, &argc, &argv, &status))
    return status;

  if (argc > 1)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID, "unexpected argument '%s'", argv[1]);
      return lab_cli_fail ("noise", error);
    }
  if (spec == NULL || out == NULL)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "--dataset and --out are required (see --help)");
      return lab_cli_fail ("noise", error);
    }
  if (!(amount >= 0.0 && amount <= 1.0))
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "--amount %g: the amount must be from 0 to 1", amount);
      return lab_cli_fail ("noise", error);
    }
  if (count < 1)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID, "--count %d: must be at least 1", count);
      return lab_cli_fail ("noise", error);
    }
  if (scale < 1 || scale > 16)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID, "--scale %d: must be from 1 to 16", scale);
      return lab_cli_fail ("noise", error);
    }
  if (!noise_type_from_name (type_name ? type_name : "gaussian", &noise.type, &error))
    return lab_cli_fail ("noise", error);
  noise.amount = (float) amount;
  noise_text = lab_noise_to_string (&noise);

  ds = open_dataset (spec, &split_name, &error);
  if (ds == NULL)
    return lab_cli_fail ("noise", error);
  if (ds->n == 0)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_NOT_FOUND, "%s: the dataset has no images", spec);
      return lab_cli_fail ("noise", error);
    }

  /* A dataset smaller than --count shows all its images. */
  n = MIN ((guint) count, ds->n);
  image_size = (gsize) ds->height * ds->width;

  /* Distinct picks: the first n steps of a Fisher-Yates shuffle. */
  lab_rng_init (&pick_rng, (guint64) seed);
  lab_rng_split (&pick_rng, &noise_rng);
  order = g_new (guint, ds->n);
  for (guint i = 0; i < ds->n; i++)
    order[i] = i;
  for (guint i = 0; i < n; i++)
    {
      guint j = i + lab_rng_below (&pick_rng, ds->n - i);
      guint t = order[i];
      order[i] = order[j];
      order[j] = t;
    }

  /* clean, noisy (n, height, width) */
  clean = g_new (float, n * image_size);
  noisy = g_new (float, n * image_size);
  lab_dataset_to_float (ds, order, n, clean);
  memcpy (noisy, clean, n * image_size * sizeof (float));
  lab_noise_apply (&noise, noisy, n, ds->height, ds->width, &noise_rng);

  mse = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      mse[i] = mse_of (clean + i * image_size, noisy + i * image_size, image_size);
      mean_mse += mse[i] / n;
    }

  /* Arrange the cells: grid (cells, height, width), with a caption each:
   * the class under a clean image, the PSNR under a noisy one. */
  if (n <= MAX_TWO_ROW)
    {
      columns = n;
      cells = 2 * n;
    }
  else
    {
      columns = 2 * PAIRS_PER_ROW;
      cells = 2 * n;
    }
  grid = g_new (float, cells * image_size);
  for (guint i = 0; i < n; i++)
    {
      guint clean_cell = n <= MAX_TWO_ROW ? i : 2 * i;
      guint noisy_cell = n <= MAX_TWO_ROW ? n + i : 2 * i + 1;
      guint label_index = order[i];
      char *caption;

      memcpy (grid + clean_cell * image_size, clean + i * image_size, image_size * sizeof (float));
      memcpy (grid + noisy_cell * image_size, noisy + i * image_size, image_size * sizeof (float));
      if (captions->len < cells)
        g_ptr_array_set_size (captions, cells);
      if (ds->labels != NULL && ds->labels[label_index] < ds->n_classes)
        caption = g_strdup (ds->class_names[ds->labels[label_index]]);
      else
        caption = g_strdup_printf ("#%u", label_index);
      g_ptr_array_index (captions, clean_cell) = caption;
      g_ptr_array_index (captions, noisy_cell) = g_strdup_printf ("%.1f dB", psnr_of (mse[i]));
    }

  if (!lab_png_save_grid_float (out, grid, cells, ds->height, ds->width, columns, scale,
                                (const char * const *) captions->pdata, &error))
    return lab_cli_fail ("noise", error);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      lab_json_add_string (b, "dataset", ds->name);
      lab_json_add_string (b, "source", ds->source);
      lab_json_add_string (b, "split", split_name);
      lab_json_add_string (b, "noise", noise_text);
      lab_json_add_int (b, "seed", seed);
      lab_json_add_int (b, "count", n);
      lab_json_add_string (b, "out", out);
      json_builder_set_member_name (b, "mean_mse");
      json_builder_add_double_value (b, mean_mse);
      json_builder_set_member_name (b, "mean_psnr");
      json_builder_add_double_value (b, psnr_of (mean_mse));
      json_builder_set_member_name (b, "images");
      json_builder_begin_array (b);
      for (guint i = 0; i < n; i++)
        {
          json_builder_begin_object (b);
          lab_json_add_int (b, "index", order[i]);
          if (ds->labels != NULL)
            lab_json_add_int (b, "label", ds->labels[order[i]]);
          json_builder_set_member_name (b, "mse");
          json_builder_add_double_value (b, mse[i]);
          json_builder_set_member_name (b, "psnr");
          json_builder_add_double_value (b, psnr_of (mse[i]));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);

      root = json_builder_get_root (b);
      lab_cli_print_json (root);
    }
  else
    {
      printf ("%s: %u %s images of %s, %s, mean PSNR %.1f dB%s\n",
              out, n, split_name, ds->name, noise_text, psnr_of (mean_mse),
              n < (guint) count ? " (all the dataset has)" : "");
    }
  return 0;
}
