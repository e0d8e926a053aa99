#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <stdio.h>
#include <string.h>

#include "lab-export-pytorch.h"
#include "lab-model-io.h"

/* MODEL's path with its .safetensors (or any) extension replaced by .py. */
static char *
default_out (const char *model_path)
{
  g_autofree char *stem = g_str_has_suffix (model_path, ".safetensors")
    ? g_strndup (model_path, strlen (model_path) - strlen (".safetensors")) : g_strdup (model_path);

  return g_strconcat (stem, ".py", NULL);
}

int
lab_cli_export (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *format = NULL, *out = NULL;
  const GOptionEntry entries[] = {
    LAB_CLI_OPTION_MODEL (&model_path),
    { "format", 'F', 0, G_OPTION_ARG_STRING, &format, "What to export to: pytorch (the default)", "NAME" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      "The Python file to write (default: the model's name with .py); the weights go "
      "beside it with .safetensors", "FILE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autofree char *train_json = NULL, *weights = NULL;
  int status = 0;

  if (!lab_cli_parse ("export", NULL,
                      "Export a saved model as PyTorch code: a Python file with its nn.Module, "
                      "the training loop with the model's settings (also distributed, under "
                      "torchrun) and --check IMAGES, which prints the clean reconstruction MSE "
                      "that 'eval --noise none' gives; its weights are written beside it.",
                      entries, &argc, &argv, &status))
    return status;

  if (model_path == NULL)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID, "say which model with --model FILE");
      return lab_cli_fail ("export", error);
    }
  if (format != NULL && g_ascii_strcasecmp (format, "pytorch") != 0)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "unknown --format “%s”: the export knows pytorch", format);
      return lab_cli_fail ("export", error);
    }
  model = lab_model_load (model_path, &train_json, &error);
  if (model == NULL)
    return lab_cli_fail ("export", error);
  if (out == NULL)
    out = default_out (model_path);
  if (!lab_export_pytorch (model, train_json, model_path, out, &weights, &error))
    return lab_cli_fail ("export", error);
  printf ("Wrote %s (PyTorch code) and %s (its weights)\n"
          "Check it with: python3 %s --check IMAGES-idx3-ubyte\n", out, weights, out);
  return 0;
}
