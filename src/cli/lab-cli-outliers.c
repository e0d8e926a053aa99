#define G_LOG_DOMAIN "latentlab-cli"

/* latentlab-cli outliers: the images a model reconstructs worst. */

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <stdio.h>
#include <string.h>

#include "lab-outliers.h"
#include "lab-png.h"

/* Pairs of image | reconstruction, PAIRS_PER_ROW to a row, 2 px apart. */
#define PAIRS_PER_ROW 5
#define GAP           2

static gboolean
write_grid (LabModel     *model,
            LabDataset   *ds,
            const guint  *indices,
            guint         k,
            const char   *path,
            GError      **error)
{
  guint h = ds->height, w = ds->width, cols = MIN (k, PAIRS_PER_ROW), rows = (k + cols - 1) / cols;
  guint cell_w = 2 * w + GAP, width = cols * cell_w + (cols - 1) * 3 * GAP, height = rows * (h + GAP);
  gsize pixels = (gsize) h * w;
  g_autofree float *recon = g_new (float, (gsize) k * pixels);
  g_autofree guint8 *mosaic = g_new0 (guint8, (gsize) width * height);

  if (!lab_outliers_reconstruct (model, ds, indices, k, recon, error))
    return FALSE;
  for (guint i = 0; i < k; i++)
    {
      guint x0 = (i % cols) * (cell_w + 3 * GAP), y0 = (i / cols) * (h + GAP);

      for (guint y = 0; y < h; y++)
        for (guint x = 0; x < w; x++)
          {
            float r = recon[(gsize) i * pixels + y * w + x];

            mosaic[(gsize) (y0 + y) * width + x0 + x] = lab_dataset_image (ds, indices[i])[y * w + x];
            mosaic[(gsize) (y0 + y) * width + x0 + w + GAP + x] = (guint8) (r * 255 + 0.5f);
          }
    }
  return lab_png_save_gray (path, mosaic, width, height, error);
}

int
lab_cli_outliers (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *dataset = NULL, *split = NULL, *metric_name = NULL;
  g_autofree char *grid_path = NULL;
  gint64 top = 20;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    LAB_CLI_OPTION_MODEL (&model_path),
    LAB_CLI_OPTION_DATASET (&dataset, "NAME"),
    LAB_CLI_OPTION_IMAGES (&split),
    { "top", 't', 0, G_OPTION_ARG_INT64, &top, "How many of the worst to list (default 20)", "N" },
    { "metric", 0, 0, G_OPTION_ARG_STRING, &metric_name, "mse (default) or bce", "METRIC" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "grid", 'g', 0, G_OPTION_ARG_FILENAME, &grid_path,
      "Also write the worst images beside their reconstructions", "PNG" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabDataset) ds = NULL;
  g_autofree guint *all = NULL;
  g_autofree float *errors = NULL;
  g_autofree guint *worst = NULL;
  LabReconMetric metric = LAB_RECON_MSE;
  double mean = 0;
  guint k;
  int status = 0;

  if (!lab_cli_parse ("outliers", NULL,
                      "Reconstruct every image of a split with a saved autoencoder and list the "
                      "ones it reconstructs worst: mislabelled, inverted and odd images come first.",
                      entries, &argc, &argv, &status))
    return status;
  if (top < 1 || top > 10000)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "--top takes 1 to 10000, not %" G_GINT64_FORMAT, top);
      return lab_cli_fail ("outliers", error);
    }
  if (metric_name != NULL && g_strcmp0 (metric_name, "bce") == 0)
    metric = LAB_RECON_BCE;
  else if (metric_name != NULL && g_strcmp0 (metric_name, "mse") != 0)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "--metric takes “mse” or “bce”, not “%s”", metric_name);
      return lab_cli_fail ("outliers", error);
    }
  if (!lab_cli_open_model_data (model_path, dataset, split, TRUE, &model, NULL, &ds, &error))
    return lab_cli_fail ("outliers", error);

  all = g_new (guint, ds->n);
  for (guint i = 0; i < ds->n; i++)
    all[i] = i;
  errors = g_new (float, ds->n);
  if (!lab_outliers_errors (model, ds, all, ds->n, metric, errors, NULL, NULL, NULL, &error))
    return lab_cli_fail ("outliers", error);
  for (guint i = 0; i < ds->n; i++)
    mean += errors[i] / ds->n;
  worst = g_new (guint, top);
  k = lab_outliers_top (errors, ds->n, (guint) top, worst);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      lab_cli_json_add_model_data (b, lab_model_get_name (model), ds->name);
      lab_json_add_string (b, "metric", metric == LAB_RECON_BCE ? "bce" : "mse");
      lab_json_add_int (b, "images", ds->n);
      lab_json_add_number (b, "mean_error", mean);
      json_builder_set_member_name (b, "outliers");
      json_builder_begin_array (b);
      for (guint i = 0; i < k; i++)
        {
          json_builder_begin_object (b);
          lab_json_add_int (b, "rank", i + 1);
          lab_json_add_int (b, "index", worst[i]);
          if (ds->labels != NULL)
            {
              char buf[16];

              lab_json_add_string (b, "label", lab_dataset_class_name (ds, ds->labels[worst[i]], buf));
            }
          lab_json_add_number (b, "error", errors[worst[i]]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      lab_cli_print_json (root);
    }
  else
    {
      printf ("%u images of %s through %s: mean %s %.5f; the %u worst:\n", ds->n, ds->name,
              lab_model_get_name (model), metric == LAB_RECON_BCE ? "BCE" : "MSE", mean, k);
      printf ("%5s %7s %-12s %10s %8s\n", "rank", "index", "label", "error", "x mean");
      for (guint i = 0; i < k; i++)
        {
          char buf[16];

          printf ("%5u %7u %-12s %10.5f %8.1f\n", i + 1, worst[i],
                  ds->labels != NULL ? lab_dataset_class_name (ds, ds->labels[worst[i]], buf) : "",
                  errors[worst[i]], mean > 0 ? errors[worst[i]] / mean : 0);
        }
    }
  if (grid_path != NULL)
    {
      if (!write_grid (model, ds, worst, k, grid_path, &error))
        return lab_cli_fail ("outliers", error);
      if (!json)
        printf ("wrote %s (image | reconstruction, worst first)\n", grid_path);
    }
  return 0;
}
