#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "lab-dataset-open.h"
#include "lab-format.h"
#include "lab-line-plot.h"
#include "lab-loss.h"
#include "lab-noise-sweep.h"

#define PLOT_WIDTH  800
#define PLOT_HEIGHT 500

/* "level 3 of 21" on a terminal, so a long sweep shows it is moving. */
static void
on_progress (const LabNoiseSweepPoint *points,
             guint                     n_done,
             guint                     n_levels,
             gpointer                  data)
{
  fprintf (stderr, "\r\033[Klevel %u of %u", n_done, n_levels);
  if (n_done == n_levels)
    fputs ("\r\033[K", stderr);
  fflush (stderr);
}

static gboolean
parse_type (const char    *text,
            LabNoiseType  *type,
            GError       **error)
{
  for (LabNoiseType t = LAB_NOISE_GAUSSIAN; t <= LAB_NOISE_DOWNSAMPLE; t++)
    if (g_ascii_strcasecmp (text, lab_noise_type_name (t)) == 0)
      {
        *type = t;
        return TRUE;
      }
  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
               "--type takes gaussian, salt-pepper, mask or downsample, not “%s”", text);
  return FALSE;
}

static void
print_json (const LabNoiseSweepPoint  *points,
            const LabNoiseSweepConfig *config,
            const char                *model,
            const char                *dataset,
            guint                      n_images)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  lab_cli_json_add_model_data (b, model, dataset);
  lab_json_add_string (b, "type", lab_noise_type_name (config->type));
  lab_json_add_int (b, "images", n_images);
  lab_json_add_int (b, "seed", (gint64) config->seed);
  json_builder_set_member_name (b, "levels");
  json_builder_begin_array (b);
  for (guint l = 0; l < config->n_levels; l++)
    {
      json_builder_begin_object (b);
      lab_json_add_number (b, "level", points[l].level);
      lab_json_add_number (b, "loss", points[l].loss);
      lab_json_add_number (b, "psnr", points[l].psnr);
      lab_json_add_number (b, "noisy_psnr", points[l].noisy_psnr);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  lab_cli_print_json (root);
}

static void
print_table (const LabNoiseSweepPoint  *points,
             const LabNoiseSweepConfig *config,
             const char                *loss_name)
{
  printf ("%-7s %-10s %-9s %s\n", "level", loss_name, "psnr dB", "noisy dB");
  for (guint l = 0; l < config->n_levels; l++)
    {
      printf ("%-7.3f %-10.5f %-9.2f ", points[l].level, points[l].loss, points[l].psnr);
      if (isfinite (points[l].noisy_psnr))
        printf ("%.2f\n", points[l].noisy_psnr);
      else
        printf ("-\n");
    }
}

/* The loss curve as the Denoise page draws it, with the training level. */
static gboolean
save_plot (const char                *path,
           const LabNoiseSweepPoint  *points,
           const LabNoiseSweepConfig *config,
           const char                *title,
           const char                *loss_name,
           const LabNoise            *trained,
           GError                   **error)
{
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  g_autofree char *y_label = g_strdup_printf ("test loss (%s)", loss_name);

  lab_line_plot_set_title (plot, title);
  lab_line_plot_set_labels (plot, "noise factor", y_label);
  lab_line_plot_set_x_range (plot, 0, 1);
  lab_line_plot_add_series (plot, "denoised", 0, LAB_LINE_STYLE_POINTS);
  for (guint l = 0; l < config->n_levels; l++)
    if (isfinite (points[l].loss))
      lab_line_plot_append (plot, 0, points[l].level, points[l].loss);
  if (trained->type == config->type && lab_noise_type_has_amount (trained->type))
    lab_line_plot_add_marker (plot, trained->amount, "trained");
  return lab_line_plot_save_png (plot, path, PLOT_WIDTH, PLOT_HEIGHT, error);
}

int
lab_cli_sweep (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *dataset = NULL, *split = NULL, *type_text = NULL;
  g_autofree char *plot_path = NULL;
  gint64 levels = LAB_NOISE_SWEEP_DEFAULT_LEVELS, limit = LAB_NOISE_SWEEP_DEFAULT_IMAGES;
  gint64 seed = LAB_NOISE_SWEEP_DEFAULT_SEED;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    LAB_CLI_OPTION_MODEL (&model_path),
    LAB_CLI_OPTION_DATASET (&dataset, "NAME|PATH"),
    LAB_CLI_OPTION_SPLIT (&split),
    { "type", 't', 0, G_OPTION_ARG_STRING, &type_text,
      "gaussian, salt-pepper, mask or downsample (default: what the model was trained with, "
      "else gaussian)", "TYPE" },
    { "levels", 'l', 0, G_OPTION_ARG_INT64, &levels,
      "Noise amounts from 0 to 1 (default 21: steps of 0.05)", "N" },
    { "limit", 0, 0, G_OPTION_ARG_INT64, &limit,
      "The first N images (default 1000, as the Denoise page; 0: all)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the fixed noise draws", "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the levels as JSON", NULL },
    { "plot", 'p', 0, G_OPTION_ARG_FILENAME, &plot_path, "Also draw the loss curve", "PNG" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabDataset) ds = NULL;
  g_autofree char *train_json = NULL;
  g_autofree LabNoiseSweepPoint *points = NULL;
  LabNoiseSweepConfig config;
  LabNoise trained;
  const char *loss_name;
  guint n_images;
  int status = 0;

  if (!lab_cli_parse ("sweep", NULL,
                      "Measure a saved denoiser at evenly spaced noise levels: its loss and "
                      "PSNR, and the PSNR of the noisy inputs it starts from (the Denoise "
                      "page's curves).",
                      entries, &argc, &argv, &status))
    return status;
  if (levels < 2 || levels > LAB_NOISE_SWEEP_MAX_LEVELS)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID, "--levels takes 2 to %u, not %" G_GINT64_FORMAT,
                   LAB_NOISE_SWEEP_MAX_LEVELS, levels);
      return lab_cli_fail ("sweep", error);
    }
  if (limit < 0)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID, "--limit cannot be negative");
      return lab_cli_fail ("sweep", error);
    }

  lab_noise_sweep_config_init (&config);
  config.n_levels = (guint) levels;
  config.n_images = (guint) MIN (limit, G_MAXUINT);
  config.seed = (guint64) seed;
  if (type_text != NULL && !parse_type (type_text, &config.type, &error))
    return lab_cli_fail ("sweep", error);

  if (!lab_cli_open_model_data (model_path, dataset, split, FALSE, &model, &train_json, &ds, &error))
    return lab_cli_fail ("sweep", error);
  lab_cli_trained_noise (train_json, &trained);
  if (type_text == NULL && trained.type != LAB_NOISE_NONE)
    config.type = trained.type;
  n_images = config.n_images > 0 ? MIN (config.n_images, ds->n) : ds->n;

  points = g_new0 (LabNoiseSweepPoint, config.n_levels);
  if (!lab_noise_sweep_run (model, ds, &config, points, isatty (STDERR_FILENO) ? on_progress : NULL,
                            NULL, NULL, &error))
    return lab_cli_fail ("sweep", error);

  loss_name = lab_loss_name (lab_model_get_loss (model));
  if (json)
    print_json (points, &config, lab_model_get_name (model), ds->name, n_images);
  else
    {
      g_autofree char *count = lab_format_count (n_images);

      printf ("%s on %s, %s noise, %s images\n", lab_model_get_name (model), ds->name,
              lab_noise_type_name (config.type), count);
      print_table (points, &config, loss_name);
    }

  if (plot_path != NULL)
    {
      g_autofree char *title = g_strdup_printf ("%s on %s, %s noise", lab_model_get_name (model),
                                                ds->name, lab_noise_type_name (config.type));

      if (!save_plot (plot_path, points, &config, title, loss_name, &trained, &error))
        return lab_cli_fail ("sweep", error);
      if (!json)
        printf ("wrote %s\n", plot_path);
    }
  return 0;
}
