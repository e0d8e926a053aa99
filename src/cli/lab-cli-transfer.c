#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "lab-format.h"
#include "lab-transfer.h"

#define PLOT_WIDTH      800
#define PLOT_HEIGHT     500

typedef struct
{
  gboolean tty;
  char    *last;   /* the task of the last line written without a terminal */
} Progress;

/* On a terminal one line that updates; in a log one line per task, with
 * the time, so a long run in the background shows where it is. */
static void
on_progress (double      fraction,
             const char *text,
             gpointer    data)
{
  Progress *p = data;

  if (p->tty)
    {
      fprintf (stderr, "\r\033[K%3.0f%% %s", 100 * fraction, text);
      fflush (stderr);
      return;
    }
  /* "seed 1 of 5, L = 300, frozen, epoch 4": the task is all before ", epoch" */
  {
    const char *cut = g_strrstr (text, ", epoch");
    g_autofree char *task = cut ? g_strndup (text, cut - text) : g_strdup (text);
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *clock = g_date_time_format (now, "%H:%M:%S");

    if (g_strcmp0 (task, p->last) == 0)
      return;
    fprintf (stderr, "%s %3.0f%% %s\n", clock, 100 * fraction, task);
    fflush (stderr);
    g_free (p->last);
    p->last = g_steal_pointer (&task);
  }
}

static void
add_confusion (JsonBuilder *b,
               const char  *name,
               const guint *counts,
               guint        n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint r = 0; r < n; r++)
    {
      json_builder_begin_array (b);
      for (guint c = 0; c < n; c++)
        json_builder_add_int_value (b, counts[r * n + c]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

static void
add_run (JsonBuilder          *b,
         const LabTransferRun *run,
         guint64               seed,
         LabTransferWay        way,
         guint                 n_classes)
{
  json_builder_begin_object (b);
  lab_json_add_int (b, "seed", (gint64) seed);
  lab_json_add_number (b, "test_accuracy", run->test_accuracy);
  lab_json_add_number (b, "val_accuracy", run->val_accuracy);
  lab_json_add_int (b, "best_epoch", run->best_epoch);
  lab_json_add_int (b, "epochs_run", run->epochs_run);
  json_builder_set_member_name (b, "stopped_early");
  json_builder_add_boolean_value (b, run->stopped_early);
  if (way != LAB_TRANSFER_BASELINE)
    {
      json_builder_set_member_name (b, "encoder_unchanged");
      json_builder_add_boolean_value (b, run->encoder_unchanged);
      lab_json_add_number (b, "encoder_changed_fraction", run->encoder_changed_fraction);
    }
  lab_json_add_number (b, "seconds", run->seconds);
  json_builder_set_member_name (b, "curve");
  json_builder_begin_array (b);
  for (guint e = 0; e < run->curve->len; e++)
    {
      const LabTransferEpoch *ep = &g_array_index (run->curve, LabTransferEpoch, e);
      json_builder_begin_object (b);
      lab_json_add_int (b, "epoch", ep->epoch);
      lab_json_add_number (b, "train_loss", ep->train_loss);
      lab_json_add_number (b, "val_accuracy", ep->val_accuracy);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_confusion (b, "confusion", run->confusion, n_classes);
  json_builder_end_object (b);
}

static void
print_json (const LabTransferResult *r,
            const char              *dataset)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const LabTransferConfig *c = &r->config;

  json_builder_begin_object (b);
  lab_json_add_string (b, "dataset", dataset);
  json_builder_set_member_name (b, "class_names");
  json_builder_begin_array (b);
  for (guint k = 0; k < r->n_classes; k++)
    json_builder_add_string_value (b, r->class_names[k]);
  json_builder_end_array (b);
  lab_json_add_int (b, "seeds", r->n_seeds);
  lab_json_add_int (b, "test_images", r->n_test);

  json_builder_set_member_name (b, "pretrain");
  json_builder_begin_object (b);
  lab_json_add_string (b, "autoencoder", c->autoencoder);
  lab_json_add_int (b, "images", r->pretrain_images);
  lab_json_add_int (b, "val_images", r->pretrain_val);
  lab_json_add_int (b, "epochs", c->pretrain_epochs);
  lab_json_add_number (b, "noise", c->pretrain_noise);
  json_builder_set_member_name (b, "val_loss");
  json_builder_begin_array (b);
  for (guint s = 0; s < r->n_seeds; s++)
    json_builder_add_double_value (b, r->pretrain_val_loss[s]);
  json_builder_end_array (b);
  lab_json_add_number (b, "seconds", r->pretrain_seconds);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "classifier");
  json_builder_begin_object (b);
  lab_json_add_string (b, "baseline", c->baseline);
  lab_json_add_int (b, "head_units", c->head_units);
  lab_json_add_int (b, "max_epochs", c->epochs);
  lab_json_add_int (b, "patience", c->patience);
  lab_json_add_int (b, "batch", c->batch);
  lab_json_add_number (b, "lr", c->lr);
  lab_json_add_string (b, "finetune_from", c->finetune_from_frozen ? "frozen" : "pretrained");
  if (c->finetune_from_frozen)
    lab_json_add_number (b, "finetune_lr", c->finetune_lr);
  lab_json_add_number (b, "encoder_lr", c->encoder_lr > 0 ? c->encoder_lr
                                        : c->finetune_from_frozen ? c->finetune_lr : c->lr);
  lab_json_add_number (b, "weight_decay", c->weight_decay);
  lab_json_add_int (b, "warmup_epochs", c->finetune_from_frozen ? 0 : c->warmup_epochs);
  lab_json_add_number (b, "val_ratio", c->val_ratio);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "budgets");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->n_budgets; i++)
    {
      const LabTransferBudget *bu = &r->budgets[i];
      double se = lab_transfer_diff_se (r, i, LAB_TRANSFER_FINETUNED, LAB_TRANSFER_BASELINE);

      json_builder_begin_object (b);
      lab_json_add_int (b, "labels", bu->labels);
      lab_json_add_int (b, "val_labels", bu->val_labels);
      lab_json_add_number (b, "finetuned_minus_baseline",
                           bu->mean[LAB_TRANSFER_FINETUNED] - bu->mean[LAB_TRANSFER_BASELINE]);
      lab_json_add_number (b, "difference_se", se);
      json_builder_set_member_name (b, "ways");
      json_builder_begin_object (b);
      for (guint w = 0; w < LAB_TRANSFER_N_WAYS; w++)
        {
          json_builder_set_member_name (b, lab_transfer_way_name (w));
          json_builder_begin_object (b);
          lab_json_add_number (b, "mean", bu->mean[w]);
          lab_json_add_number (b, "sd", bu->sd[w]);
          add_confusion (b, "confusion", bu->confusion[w], r->n_classes);
          json_builder_set_member_name (b, "runs");
          json_builder_begin_array (b);
          for (guint s = 0; s < r->n_seeds; s++)
            add_run (b, &bu->runs[w][s], c->seed + s, w, r->n_classes);
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  lab_json_add_number (b, "seconds", r->seconds);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  lab_cli_print_json (root);
}

static void
print_table (const LabTransferResult *r,
             const char              *dataset)
{
  const LabTransferConfig *c = &r->config;
  g_autofree char *pre = lab_format_count (r->pretrain_images);
  g_autofree char *test = lab_format_count (r->n_test);

  printf ("%s: %s pretrained on %s unlabelled images (%u validation, %u epochs, Gaussian %.2g); "
          "%u seed%s; test on %s images\n", dataset, c->autoencoder, pre, r->pretrain_val,
          c->pretrain_epochs, c->pretrain_noise, r->n_seeds, r->n_seeds == 1 ? "" : "s", test);
  printf ("test accuracy %%, mean ± sd over the seeds; gain = fine-tuned - baseline, in "
          "standard errors\n");
  printf ("%-6s %-5s %-14s %-14s %-14s %s\n", "L", "val", "baseline", "frozen", "fine-tuned",
          "gain");
  for (guint i = 0; i < r->n_budgets; i++)
    {
      const LabTransferBudget *bu = &r->budgets[i];
      double gain = bu->mean[LAB_TRANSFER_FINETUNED] - bu->mean[LAB_TRANSFER_BASELINE];
      double se = lab_transfer_diff_se (r, i, LAB_TRANSFER_FINETUNED, LAB_TRANSFER_BASELINE);

      printf ("%-6u %-5u", bu->labels, bu->val_labels);
      for (guint w = 0; w < LAB_TRANSFER_N_WAYS; w++)
        {
          g_autofree char *cell = g_strdup_printf ("%.2f ± %.2f", 100 * bu->mean[w], 100 * bu->sd[w]);
          /* padded by characters, not bytes: "±" is two */
          printf (" %s%*s", cell, (int) MAX (0, 14 - (glong) g_utf8_strlen (cell, -1)), "");
        }
      if (isfinite (se) && se > 0)
        printf (" %+.2f (%.1f SE)\n", 100 * gain, gain / se);
      else
        printf (" %+.2f\n", 100 * gain);
    }
}

int
lab_cli_transfer (int argc, char **argv)
{
  g_autofree char *dataset = NULL, *curve = NULL, *plot_path = NULL;
  g_autofree char *pretrained_dir = NULL, *finetune_from = NULL;
  gint64 labels = -1, seeds = -1, pretrain_epochs = -1, epochs = -1, patience = -1;
  gint64 pretrain_images = -1, test_limit = -1, seed = -1, batch = -1, threads = -1;
  gint64 warmup = -1;
  double lr = -1, finetune_lr = -1, encoder_lr = -1, weight_decay = -1;
  gboolean json = FALSE, quick = FALSE;
  const GOptionEntry entries[] = {
    { "dataset", 'd', 0, G_OPTION_ARG_STRING, &dataset,
      "fashion-mnist (default), mnist, synthetic, an IDX file or a labelled folder", "NAME|PATH" },
    { "labels", 'L', 0, G_OPTION_ARG_INT64, &labels, "Labelled training images (default 1800)", "L" },
    { "budget-curve", 0, 0, G_OPTION_ARG_STRING, &curve,
      "Several label budgets instead of --labels, e.g. 100,300,1000,1800,5000", "L1,L2,..." },
    { "seeds", 's', 0, G_OPTION_ARG_INT64, &seeds, "Repeats with seeds 1..N (default 5)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "The first seed (default 1)", "S" },
    { "pretrain-epochs", 0, 0, G_OPTION_ARG_INT64, &pretrain_epochs,
      "Epochs of the autoencoder (default 10)", "E" },
    { "pretrain-images", 0, 0, G_OPTION_ARG_INT64, &pretrain_images,
      "Unlabelled images for the autoencoder (default 57000)", "N" },
    { "epochs", 'e', 0, G_OPTION_ARG_INT64, &epochs,
      "Most epochs of each classifier; early stopping usually ends sooner (default 100)", "E" },
    { "patience", 0, 0, G_OPTION_ARG_INT64, &patience,
      "Epochs without a better validation accuracy before stopping (default 10)", "E" },
    { "batch", 'b', 0, G_OPTION_ARG_INT64, &batch, "Classifier batch size (default 32)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, "Baseline and head learning rate (default 0.001)", "X" },
    { "finetune-from", 0, 0, G_OPTION_ARG_STRING, &finetune_from,
      "pretrained: fine-tune the pretrained encoder with a new head at --lr (default); frozen: "
      "fine-tune the frozen way's result at --finetune-lr", "pretrained|frozen" },
    { "finetune-lr", 0, 0, G_OPTION_ARG_DOUBLE, &finetune_lr,
      "Learning rate of fine-tuning from the frozen result (default 0.0001)", "X" },
    { "encoder-lr", 0, 0, G_OPTION_ARG_DOUBLE, &encoder_lr,
      "Learning rate of the fine-tuned way's pretrained encoder; 0: the head's (default 0)", "X" },
    { "warmup-epochs", 0, 0, G_OPTION_ARG_INT64, &warmup,
      "Fine-tuned way: epochs of the new head alone on the frozen encoder before every layer "
      "trains (default 0)", "E" },
    { "weight-decay", 0, 0, G_OPTION_ARG_DOUBLE, &weight_decay,
      "L2 weight decay of every classifier (default 0)", "X" },
    { "test-limit", 0, 0, G_OPTION_ARG_INT64, &test_limit,
      "Test on the first N test images (default: all)", "N" },
    { "pretrained-dir", 0, 0, G_OPTION_ARG_FILENAME, &pretrained_dir,
      "Keep each seed's pretrained autoencoder here and reuse it when the settings match", "DIR" },
    { "threads", 't', 0, G_OPTION_ARG_INT64, &threads,
      "Threads of each model (default: one per core, at most one per 16 images of a batch)", "N" },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick,
      "A small run for a first look (2 seeds, L = 200, short pretraining)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print every run as JSON", NULL },
    { "plot", 'p', 0, G_OPTION_ARG_FILENAME, &plot_path,
      "Draw the label-budget curve with error bars", "PNG" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) train = NULL, test = NULL;
  g_autoptr(LabTransferResult) result = NULL;
  LabTransferConfig config;
  Progress progress = { 0 };
  int status = 0;

  if (!lab_cli_parse ("transfer", NULL,
                      "Transfer learning with few labels (seed 000): pretrain an autoencoder on "
                      "unlabelled images, then train a classifier on L labelled images from "
                      "scratch, on the frozen pretrained encoder and fine-tuned; test accuracy "
                      "over several seeds.",
                      entries, &argc, &argv, &status))
    return status;

  if (quick)
    lab_transfer_config_quick (&config);
  else
    lab_transfer_config_init (&config);
#define SET_POSITIVE(var, field, option)                                                    \
  if ((var) != -1)                                                                           \
    {                                                                                        \
      if ((var) < 1 || (var) > G_MAXINT32)                                                   \
        {                                                                                    \
          g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,                                 \
                       option " takes a positive number, not %" G_GINT64_FORMAT, (gint64) (var)); \
          return lab_cli_fail ("transfer", error);                                           \
        }                                                                                    \
      config.field = (guint) (var);                                                          \
    }
  SET_POSITIVE (seeds, n_seeds, "--seeds");
  SET_POSITIVE (pretrain_epochs, pretrain_epochs, "--pretrain-epochs");
  SET_POSITIVE (pretrain_images, pretrain_images, "--pretrain-images");
  SET_POSITIVE (epochs, epochs, "--epochs");
  SET_POSITIVE (patience, patience, "--patience");
  SET_POSITIVE (batch, batch, "--batch");
  SET_POSITIVE (test_limit, test_limit, "--test-limit");
  SET_POSITIVE (threads, threads, "--threads");
#undef SET_POSITIVE
  if (seed != -1)
    config.seed = (guint64) seed;
  config.pretrained_dir = pretrained_dir;
  if (finetune_from != NULL)
    {
      if (g_strcmp0 (finetune_from, "frozen") != 0 && g_strcmp0 (finetune_from, "pretrained") != 0)
        {
          g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                       "--finetune-from takes pretrained or frozen, not “%s”", finetune_from);
          return lab_cli_fail ("transfer", error);
        }
      config.finetune_from_frozen = g_strcmp0 (finetune_from, "frozen") == 0;
    }
  if (lr != -1)
    config.lr = lr;
  if (finetune_lr != -1)
    config.finetune_lr = finetune_lr;
  if (warmup != -1)
    {
      if (warmup < 0 || warmup > 1000)
        {
          g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                       "--warmup-epochs takes 0 to 1000, not %" G_GINT64_FORMAT, warmup);
          return lab_cli_fail ("transfer", error);
        }
      config.warmup_epochs = (guint) warmup;
    }
  if (encoder_lr != -1)
    config.encoder_lr = encoder_lr;
  if (weight_decay != -1)
    config.weight_decay = weight_decay;
  if (!(config.lr > 0) || !(config.finetune_lr > 0) || !(config.encoder_lr >= 0))
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID, "Learning rates must be positive");
      return lab_cli_fail ("transfer", error);
    }
  if (!(config.weight_decay >= 0))
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID, "The weight decay must be 0 or more");
      return lab_cli_fail ("transfer", error);
    }
  if (curve != NULL && labels != -1)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Give either --labels or --budget-curve, not both");
      return lab_cli_fail ("transfer", error);
    }
  if (curve != NULL && !lab_transfer_parse_budgets (&config, curve, &error))
    return lab_cli_fail ("transfer", error);
  if (labels != -1)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, labels);
      if (!lab_transfer_parse_budgets (&config, text, &error))
        return lab_cli_fail ("transfer", error);
    }

  train = lab_cli_open_dataset (dataset ? dataset : "fashion-mnist", LAB_SPLIT_TRAIN, &error);
  if (train == NULL)
    return lab_cli_fail ("transfer", error);
  if (train->labels == NULL)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "“%s” has no labels: transfer learning trains classifiers on labelled "
                   "images (a folder with one subfolder per class, or an IDX pair with its "
                   "labels file)", train->name);
      return lab_cli_fail ("transfer", error);
    }
  test = lab_cli_open_dataset (dataset ? dataset : "fashion-mnist", LAB_SPLIT_TEST, &error);
  if (test == NULL)
    return lab_cli_fail ("transfer", error);

  progress.tty = isatty (STDERR_FILENO);
  result = lab_transfer_run (train, test, &config, on_progress, &progress, NULL, &error);
  if (progress.tty)
    fputs ("\r\033[K", stderr);
  g_free (progress.last);
  if (result == NULL)
    return lab_cli_fail ("transfer", error);

  if (json)
    print_json (result, train->name);
  else
    print_table (result, train->name);
  if (plot_path != NULL)
    {
      if (!lab_transfer_save_curve (result, plot_path, PLOT_WIDTH, PLOT_HEIGHT, &error))
        return lab_cli_fail ("transfer", error);
      if (!json)
        printf ("wrote %s\n", plot_path);
    }
  return 0;
}
