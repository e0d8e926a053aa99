#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-blas.h"
#include "lab-format.h"

static const LabCliEntry commands[] = {
  { "datasets", "List every dataset found, with sizes and where it is", lab_cli_datasets },
  { "inspect",  "Load an IDX file or a PNG folder and describe it",     lab_cli_inspect },
  { "noise",    "Render a grid of clean and noisy samples to PNG",      lab_cli_noise },
  { "summary",  "Show an architecture's layers and parameter counts",   lab_cli_summary },
  { "train",    "Train an autoencoder and save it as safetensors",      lab_cli_train },
  { "eval",     "Measure a saved model's MSE, BCE and PSNR on a dataset", lab_cli_eval },
  { "denoise",  "Run a PNG image through a saved autoencoder",          lab_cli_denoise },
  { "sweep",    "Measure a saved denoiser's loss and PSNR against the noise level", lab_cli_sweep },
  { "transfer", "Transfer learning with few labels: baseline, frozen and fine-tuned encoder", lab_cli_transfer },
  { "augment-experiment", "Generate digits from noisy latents and test them with a CNN", lab_cli_augment },
  { "gradcheck", "Check every layer's gradients against finite differences", lab_cli_gradcheck },
  { "embed",    "Map a model's latents of a dataset to 2-D (PCA, t-SNE, UMAP)", lab_cli_embed },
  { "outliers", "The images a model reconstructs worst", lab_cli_outliers },
  { "layers",   "What every layer of a model makes of one image, and its weight norms", lab_cli_layers },
  { "decode",   "Decode a point of a model's latent space to an image",  lab_cli_decode },
  { "interpolate", "Morph one image into another through the latent space", lab_cli_interpolate },
  { "lesson",   "List, run and reproduce the lessons, with their PDF reports", lab_cli_lesson },
  { "classify", "Train a classifier on latents or pixels and score it",  lab_cli_classify },
  { "export",   "Export a saved model as PyTorch code, with its weights and training loop", lab_cli_export },
  { "session",  "Describe a session saved by the app (dataset, model, map, pages)", lab_cli_session },
  { "system",   "Show the CPU, its features and the BLAS kernels chosen", lab_cli_system },
};

int
lab_cli_fail (const char *command,
              GError     *error)
{
  g_printerr ("latentlab-cli %s: %s\n", command, error ? error->message : "failed");
  return 1;
}

gboolean
lab_cli_parse (const char          *command,
               const char          *parameter_string,
               const char          *summary,
               const GOptionEntry  *entries,
               int                 *argc,
               char              ***argv,
               int                 *status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = lab_cli_fail (command, error);
      return FALSE;
    }
  return TRUE;
}

static void
usage (FILE *out)
{
  fprintf (out, "Usage: latentlab-cli COMMAND [OPTIONS...]\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-12s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'latentlab-cli COMMAND --help' for a command's options.\n");
}

int
main (int    argc,
      char **argv)
{
  /* A write past the file-size limit (ulimit -f) then fails with EFBIG,
   * which every save reports with the file's name, instead of killing the
   * program with SIGXFSZ and a temporary file left behind. */
  signal (SIGXFSZ, SIG_IGN);
  /* Numbers in "C": the JSON and CSV it prints are read by programs. */
  lab_format_init_locale ();
  /* LATENTLAB_LOCALEDIR: the build tree's catalogues, as the app takes them. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("LATENTLAB_LOCALEDIR") ? g_getenv ("LATENTLAB_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* Before any thread: loading the BLAS sets its kernels in the environment. */
  lab_blas_init ();

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 1 : 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      lab_cli_print_system ();
      return 0;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  g_printerr ("latentlab-cli: unknown command '%s'\n\n", argv[1]);
  usage (stderr);
  return 1;
}
