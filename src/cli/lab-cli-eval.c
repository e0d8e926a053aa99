#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <math.h>
#include <stdio.h>

#include <json-glib/json-glib.h>

#include "lab-dataset-open.h"
#include "lab-dataset.h"
#include "lab-metrics.h"
#include "lab-noise.h"
#include "lab-train-record.h"

int
lab_cli_eval (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *dataset = NULL, *noise_text = NULL, *split = NULL;
  gint64 limit = 0, seed = 1234;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    LAB_CLI_OPTION_MODEL (&model_path),
    LAB_CLI_OPTION_DATASET (&dataset, "NAME|PATH"),
    LAB_CLI_OPTION_SPLIT (&split),
    { "noise", 'n', 0, G_OPTION_ARG_STRING, &noise_text,
      "Noise on the inputs (default: what the model was trained with)", "TYPE[:AMOUNT]" },
    { "limit", 0, 0, G_OPTION_ARG_INT64, &limit, "Only the first N images", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the fixed noise draw (default 1234)", "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the result as JSON", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabDataset) ds = NULL;
  g_autofree char *train_json = NULL, *noise_name = NULL;
  LabNoise noise = { LAB_NOISE_NONE, 0 };
  LabEvalResult r;
  int status = 0;

  if (!lab_cli_parse ("eval", NULL,
                      "Measure a saved model on a dataset: mean per-pixel MSE and binary "
                      "cross-entropy against the clean images, PSNR (and accuracy for a "
                      "classifier), with one fixed noise draw.",
                      entries, &argc, &argv, &status))
    return status;

  if (limit < 0)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID, "--limit cannot be negative");
      return lab_cli_fail ("eval", error);
    }
  if (!lab_cli_open_model_data (model_path, dataset, split, FALSE, &model, &train_json, &ds, &error))
    return lab_cli_fail ("eval", error);

  /* Without --noise, the noise the model was trained with. */
  if (noise_text != NULL)
    {
      if (!lab_noise_parse (noise_text, &noise, &error))
        return lab_cli_fail ("eval", error);
    }
  else
    lab_cli_trained_noise (train_json, &noise);

  if (!lab_evaluate (model, ds, &noise, (guint64) seed, (guint) MIN (limit, G_MAXUINT), &r,
                     NULL, &error))
    return lab_cli_fail ("eval", error);

  noise_name = lab_noise_to_string (&noise);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      lab_cli_json_add_model_data (b, lab_model_get_name (model), ds->name);
      lab_json_add_string (b, "noise", noise_name);
      lab_json_add_int (b, "seed", seed);
      lab_json_add_int (b, "images", r.n_images);
      lab_json_add_number (b, "loss", r.loss);
      lab_json_add_number (b, "mse", r.mse);
      lab_json_add_number (b, "bce", r.bce);
      lab_json_add_number (b, "psnr", r.psnr);
      lab_json_add_number (b, "accuracy", r.accuracy);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      lab_cli_print_json (root);
    }
  else
    {
      g_autofree char *what = g_strdup_printf ("%s on %s, noise %s", lab_model_get_name (model),
                                               ds->name, noise_name);
      lab_cli_print_eval (what, &r);
    }
  return 0;
}
