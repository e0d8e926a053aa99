#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lab-dataset-open.h"
#include "lab-dataset.h"
#include "lab-format.h"
#include "lab-metrics.h"
#include "lab-model-io.h"
#include "lab-model.h"
#include "lab-noise.h"
#include "lab-train-record.h"
#include "lab-trainer.h"

#define BAR_WIDTH        24
#define REDRAW_INTERVAL  (100 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  gboolean          tty;          /* draw the one-line bar on stderr */
  gboolean          utf8;
  gint64            last_draw;
  LabMetricsWriter *metrics;
  GError           *metrics_error;
  GCancellable     *interrupted;  /* by Ctrl+C: the run stops, what it learnt is kept */
} Progress;

static void
draw_bar (Progress               *pr,
          const LabTrainProgress *p)
{
  GString *line = g_string_new ("\r\033[K");
  g_autofree char *eta = lab_format_duration (p->eta_seconds);
  guint filled = p->n_batches ? (guint) ((guint64) BAR_WIDTH * p->batch / p->n_batches) : 0;

  g_string_append_printf (line, "epoch %u/%u ", p->epoch, p->n_epochs);
  for (guint i = 0; i < BAR_WIDTH; i++)
    g_string_append (line, i < filled ? (pr->utf8 ? "█" : "#") : (pr->utf8 ? "░" : "-"));
  g_string_append_printf (line, " %u/%u  loss %.4f  %.0f img/s  ETA %s",
                          p->batch, p->n_batches, p->smoothed_loss, p->images_per_s, eta);
  fputs (line->str, stderr);
  fflush (stderr);
  g_string_free (line, TRUE);
}

static gboolean
on_progress (const LabTrainProgress *p,
             gpointer                data)
{
  Progress *pr = data;

  if (p->kind == LAB_TRAIN_BATCH && pr->tty)
    {
      gint64 now = g_get_monotonic_time ();
      if (now - pr->last_draw >= REDRAW_INTERVAL || p->batch == p->n_batches)
        {
          draw_bar (pr, p);
          pr->last_draw = now;
        }
    }
  else if (p->kind == LAB_TRAIN_EPOCH_END)
    {
      LabEpochRecord record = { p->epoch, p->train_loss, p->val_loss, p->epoch_seconds,
                                p->images_per_s, p->step };

      if (pr->tty)
        fputs ("\r\033[K", stderr);
      printf ("epoch %u/%u  train loss %.6f", p->epoch, p->n_epochs, p->train_loss);
      if (isfinite (p->val_loss))
        printf ("  val loss %.6f", p->val_loss);
      printf ("  %.1f s  %.0f images/s\n", p->epoch_seconds, p->images_per_s);
      fflush (stdout);
      if (pr->metrics && pr->metrics_error == NULL)
        lab_metrics_writer_append (pr->metrics, &record, &pr->metrics_error);
    }
  return !g_cancellable_is_cancelled (pr->interrupted);
}

static gboolean
parse_validation (const char  *text,
                  double      *fraction,
                  gboolean    *use_test,
                  GError     **error)
{
  char *end = NULL;

  *fraction = 0;
  *use_test = FALSE;
  if (text == NULL || g_strcmp0 (text, "test") == 0)
    *use_test = TRUE;
  else if (g_strcmp0 (text, "none") != 0)
    {
      *fraction = g_ascii_strtod (text, &end);
      if (end == text || *end != '\0' || !(*fraction > 0 && *fraction < 1))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "--validation takes “test”, “none” or a fraction such as 0.1, not “%s”",
                       text);
          return FALSE;
        }
    }
  return TRUE;
}

/* The trainer's record plus the test results, for the file's metadata. */
static char *
train_record (LabTrainer           *trainer,
              const LabTrainConfig *config,
              const char           *dataset,
              const char           *init,
              const LabEvalResult  *test)
{
  g_autoptr(LabTrainRecord) record = lab_train_record_new_from_trainer (trainer, config, dataset, init);

  lab_train_record_set_test (record, test);
  return lab_train_record_to_json (record);
}

void
lab_cli_print_eval (const char          *what,
                    const LabEvalResult *r)
{
  printf ("%s (%u images): loss %.6f", what, r->n_images, r->loss);
  if (isfinite (r->mse))
    printf ("  mse %.6f  bce %.6f  psnr %.2f dB", r->mse, r->bce, r->psnr);
  if (isfinite (r->accuracy))
    printf ("  accuracy %.2f%%", 100 * r->accuracy);
  printf ("\n");
}

int
lab_cli_train (int argc, char **argv)
{
  g_autofree char *arch = NULL, *arch_file = NULL, *from = NULL, *dataset = NULL;
  g_autofree char *noise_text = NULL, *init_name = NULL, *out = NULL, *metrics = NULL;
  g_autofree char *optimizer = NULL, *validation = NULL;
  int epochs = 5, batch = 128, threads = 0;
  gint64 seed = 0, limit = 0, max_steps = 0;
  double lr = 1e-3;
  const GOptionEntry entries[] = {
    { "arch", 'a', 0, G_OPTION_ARG_STRING, &arch, "A preset architecture (see 'summary')", "NAME" },
    { "arch-file", 'f', 0, G_OPTION_ARG_FILENAME, &arch_file, "An architecture spec in JSON", "FILE" },
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from,
      "Go on training a saved model instead of a new one", "MODEL" },
    LAB_CLI_OPTION_DATASET (&dataset, "NAME|PATH"),
    { "noise", 'n', 0, G_OPTION_ARG_STRING, &noise_text,
      "Noise on the inputs: gaussian:0.5, salt-pepper:0.1, mask:0.3, downsample, none (default)",
      "TYPE[:AMOUNT]" },
    { "epochs", 'e', 0, G_OPTION_ARG_INT, &epochs, "Passes over the data (default 5)", "N" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, "Images per step (default 128)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, "Learning rate (default 0.001)", "X" },
    { "optimizer", 0, 0, G_OPTION_ARG_STRING, &optimizer, "adam (default) or sgd", "NAME" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of weights, order and noise (default 0)", "S" },
    { "limit", 0, 0, G_OPTION_ARG_INT64, &limit, "Train on the first N images only", "N" },
    { "max-steps", 0, 0, G_OPTION_ARG_INT64, &max_steps, "Stop after N steps in all", "N" },
    { "validation", 0, 0, G_OPTION_ARG_STRING, &validation,
      "Validate each epoch on the test split (test, default), a held-out FRACTION "
      "of the training images, or none", "test|FRACTION|none" },
    { "init", 0, 0, G_OPTION_ARG_STRING, &init_name,
      "Initial weights as PyTorch (torch, default) or Keras (glorot) does", "torch|glorot" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads, each taking a share of every batch (default: one per core)", "N" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Where to save the model (.safetensors)", "FILE" },
    { "metrics", 'm', 0, G_OPTION_ARG_FILENAME, &metrics,
      "Write per-epoch metrics: JSON lines, or CSV for a .csv name", "FILE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabDataset) train = NULL, test = NULL;
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(LabMetricsWriter) writer = NULL;
  g_autoptr(LabCliInterrupt) interrupt = NULL;
  g_autofree char *record = NULL, *noise_name = NULL;
  Progress pr = { 0 };
  LabTrainConfig config;
  LabEvalResult result;
  LabInit init = LAB_INIT_TORCH;
  gboolean use_test, ok, have_test = FALSE, metrics_failed = FALSE;
  int status = 0;

  if (!lab_cli_parse ("train", NULL,
                      "Train an autoencoder (or the baseline classifier) and save it as "
                      "safetensors. The input gets the noise; the target is the clean image.",
                      entries, &argc, &argv, &status))
    return status;

  lab_train_config_init (&config);
  if (out == NULL)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "say where to save the model with --out model.safetensors");
      return lab_cli_fail ("train", error);
    }
  /* Find out now, not after an hour of training, that --out cannot be written. */
  {
    g_autofree char *dir = g_path_get_dirname (out);
    if (!g_file_test (dir, G_FILE_TEST_IS_DIR) || access (dir, W_OK) != 0)
      {
        g_set_error (&error, LAB_ERROR, LAB_ERROR_IO,
                     "cannot save to %s: the folder %s does not exist or is not writable",
                     out, dir);
        return lab_cli_fail ("train", error);
      }
  }
  if (epochs < 1 || batch < 1 || limit < 0 || max_steps < 0 || threads < 0)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "--epochs and --batch must be at least 1; --limit, --max-steps and "
                   "--threads cannot be negative");
      return lab_cli_fail ("train", error);
    }
  if ((noise_text && !lab_noise_parse (noise_text, &config.noise, &error))
      || (optimizer && !lab_optim_kind_from_name (optimizer, &config.optimizer, &error))
      || !parse_validation (validation, &config.val_fraction, &use_test, &error))
    return lab_cli_fail ("train", error);
  if (init_name == NULL || g_strcmp0 (init_name, "torch") == 0)
    init = LAB_INIT_TORCH;
  else if (g_strcmp0 (init_name, "glorot") == 0)
    init = LAB_INIT_GLOROT;
  else
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "--init takes “torch” or “glorot”, not “%s”", init_name);
      return lab_cli_fail ("train", error);
    }
  config.epochs = epochs;
  config.batch = batch;
  config.lr = lr;
  config.seed = (guint64) seed;
  config.limit = (guint) MIN (limit, G_MAXUINT);
  config.max_steps = (guint64) max_steps;
  config.threads = (guint) threads;

  if (from != NULL)
    {
      if (arch != NULL || arch_file != NULL)
        {
          g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                       "--from brings its own architecture; leave out --arch and --arch-file");
          return lab_cli_fail ("train", error);
        }
      model = lab_model_load (from, NULL, &error);
      if (model == NULL)
        return lab_cli_fail ("train", error);
    }
  else
    {
      spec = lab_cli_load_spec (arch, arch_file, &error);
      if (spec == NULL || (model = lab_model_new (spec, &error)) == NULL)
        return lab_cli_fail ("train", error);
      lab_model_init (model, init, config.seed);
    }

  if (dataset == NULL)
    dataset = g_strdup ("mnist");
  train = lab_dataset_open (dataset, LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error);
  if (train == NULL)
    return lab_cli_fail ("train", error);
  {
    g_autoptr(GError) test_error = NULL;
    test = lab_dataset_open (dataset, LAB_SPLIT_TEST, NULL, NULL, NULL, &test_error);
    /* A folder of PNGs may have no test split: hold out a tenth instead. */
    have_test = test != NULL && test->n > 0
                && !(test->n == train->n && test->height == train->height
                     && test->width == train->width
                     && memcmp (test->pixels, train->pixels,
                                (gsize) train->n * train->height * train->width) == 0);
    if (!have_test && use_test)
      {
        g_printerr ("latentlab-cli train: “%s” has no separate test images; validating on "
                    "a held-out tenth of the training images\n", dataset);
        use_test = FALSE;
        config.val_fraction = 0.1;
      }
  }
  if (metrics != NULL && (writer = lab_metrics_writer_new (metrics, &error)) == NULL)
    return lab_cli_fail ("train", error);

  noise_name = lab_noise_to_string (&config.noise);
  printf ("training %s (%" G_GSIZE_FORMAT " parameters) on %s, %u images, noise %s, "
          "%u %s of batch %u, lr %g\n",
          lab_model_get_name (model), lab_model_n_params (model), train->name,
          config.limit ? MIN (config.limit, train->n) : train->n, noise_name, config.epochs,
          config.epochs == 1 ? "epoch" : "epochs", config.batch, config.lr);
  fflush (stdout);

  pr.tty = isatty (STDERR_FILENO);
  pr.utf8 = g_get_charset (NULL);
  pr.metrics = writer;
  interrupt = lab_cli_interrupt_begin ();
  pr.interrupted = lab_cli_interrupt_get_cancellable (interrupt);
  ok = lab_trainer_run (trainer, model, train, use_test ? test : NULL, &config, on_progress, &pr,
                        NULL, &error);
  g_clear_pointer (&interrupt, lab_cli_interrupt_end);
  if (pr.tty)
    fputs ("\r\033[K", stderr);
  /* The records so far go in place whatever became of the training (they
   * say how it went); a failed write is said here, the model is still
   * saved and the exit status is 1. */
  pr.metrics = NULL;
  if (writer != NULL && pr.metrics_error == NULL)
    lab_metrics_writer_finish (g_steal_pointer (&writer), &pr.metrics_error);
  if (pr.metrics_error)
    {
      g_printerr ("latentlab-cli train: %s\n", pr.metrics_error->message);
      g_clear_error (&pr.metrics_error);
      metrics_failed = TRUE;
    }

  if (!ok && !g_error_matches (error, LAB_ERROR, LAB_ERROR_CANCELLED))
    return lab_cli_fail ("train", error);
  if (!ok)
    {
      /* Ctrl-C: keep what was learnt. */
      record = train_record (trainer, &config, dataset, from ? NULL : init_name ? init_name : "torch", NULL);
      if (!lab_model_save (model, out, record, &error))
        return lab_cli_fail ("train", error);
      printf ("stopped after %" G_GUINT64_FORMAT " steps; saved those weights to %s\n",
              lab_trainer_get_steps (trainer), out);
      return 130;
    }

  if (have_test)
    {
      g_autofree char *what = g_strdup_printf ("test, noise %s", noise_name);
      if (!lab_evaluate (model, test, &config.noise, 1234, 0, &result, NULL, &error))
        return lab_cli_fail ("train", error);
      lab_cli_print_eval (what, &result);
    }
  record = train_record (trainer, &config, dataset, from ? NULL : init_name ? init_name : "torch",
                         have_test ? &result : NULL);
  if (!lab_model_save (model, out, record, &error))
    return lab_cli_fail ("train", error);
  printf ("saved %s\n", out);
  return metrics_failed ? 1 : 0;
}
