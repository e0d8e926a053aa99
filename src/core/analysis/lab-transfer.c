#define G_LOG_DOMAIN "latentlab-core"

#include "lab-transfer-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-model-io.h"
#include "lab-presets.h"
#include "lab-split.h"
#include "lab-task.h"
#include "lab-trainer.h"

/* Seeds of the independent draws derived from a run's seed. */
#define SEED_PRETRAIN_SPLIT G_GUINT64_CONSTANT (0xa4093822299f31d0)
#define SEED_LABELLED       G_GUINT64_CONSTANT (0x082efa98ec4e6c89)

/* The ways' names in files and keys; the plots' legends translate them. */
static const char * const way_names[LAB_TRANSFER_N_WAYS] = {
  /* Translators: the three ways of the transfer experiment in its plots'
   * legends: a classifier trained from scratch, one on the pretrained
   * encoder kept frozen, one with the encoder fine-tuned */
  N_("baseline"), N_("frozen"), N_("fine-tuned")
};

const char *
lab_transfer_way_name (LabTransferWay way)
{
  g_return_val_if_fail (way < LAB_TRANSFER_N_WAYS, NULL);
  return way_names[way];
}

void
lab_transfer_config_init (LabTransferConfig *config)
{
  memset (config, 0, sizeof *config);
  config->autoencoder = "strided-dae";
  config->baseline = "cnn-baseline";
  config->head_units = 100;
  config->pretrain_images = 57000;
  config->pretrain_val = 3000;
  config->pretrain_epochs = 10;
  config->pretrain_batch = 128;
  config->pretrain_noise = 0.2;
  config->budgets[0] = 1800;
  config->n_budgets = 1;
  config->val_ratio = 1.0 / 3.0;
  config->epochs = 100;
  config->patience = 10;
  config->batch = 32;
  config->lr = 1e-3;
  config->finetune_lr = 1e-4;
  config->n_seeds = 5;
  config->seed = 1;
}

void
lab_transfer_config_quick (LabTransferConfig *config)
{
  lab_transfer_config_init (config);
  config->pretrain_images = 1500;
  config->pretrain_val = 300;
  config->pretrain_epochs = 2;
  config->budgets[0] = 200;
  config->n_budgets = 1;
  config->epochs = 15;
  config->patience = 5;
  config->n_seeds = 2;
  config->test_limit = 500;
}

void
lab_transfer_config_class (LabTransferConfig *config)
{
  static const guint budgets[] = { 100, 300, 1000 };

  lab_transfer_config_init (config);
  config->n_budgets = G_N_ELEMENTS (budgets);
  for (guint i = 0; i < G_N_ELEMENTS (budgets); i++)
    config->budgets[i] = budgets[i];
  config->n_seeds = 3;
  config->pretrain_images = 10000;
  config->pretrain_val = 1000;
  config->pretrain_epochs = 3;
  config->epochs = 30;
  config->patience = 5;
}

gboolean
lab_transfer_parse_budgets (LabTransferConfig *config,
                            const char        *text,
                            GError           **error)
{
  g_auto(GStrv) parts = g_strsplit (text ? text : "", ",", -1);
  guint n = 0, values[LAB_TRANSFER_MAX_BUDGETS];

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *t = g_strstrip (parts[i]);
      guint64 v = 0;

      if (n == LAB_TRANSFER_MAX_BUDGETS)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "At most %d label budgets, not more", LAB_TRANSFER_MAX_BUDGETS);
          return FALSE;
        }
      if (!g_ascii_string_to_unsigned (t, 10, 1, G_MAXUINT32, &v, NULL))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "A label budget is a positive whole number of images, not “%s”", t);
          return FALSE;
        }
      if (n > 0 && v <= values[n - 1])
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "Label budgets go up, each larger than the one before: %u then %u",
                       values[n - 1], (guint) v);
          return FALSE;
        }
      values[n++] = (guint) v;
    }
  if (n == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Give at least one label budget, e.g. 100,300,1000");
      return FALSE;
    }
  memcpy (config->budgets, values, n * sizeof (guint));
  config->n_budgets = n;
  return TRUE;
}

static JsonNode *
layer_node (const char *json)
{
  return json_from_string (json, NULL);
}

LabSpec *
lab_transfer_classifier_spec (const LabSpec *autoencoder,
                              guint          head_units,
                              guint          n_classes,
                              GError       **error)
{
  g_autoptr(LabModel) ae = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *name = NULL, *dense_head = NULL, *dense_out = NULL;
  JsonObject *obj;
  JsonArray *layers;
  LabShape latent;
  guint enc = autoencoder->encoder_layers;

  if (head_units < 1 || n_classes < 2)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "A classifier head needs at least one unit and two classes");
      return NULL;
    }
  ae = lab_model_new (autoencoder, error);
  if (ae == NULL)
    return NULL;
  if (enc < 1 || enc >= lab_model_n_layers (ae))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "“%s” has no encoder to transfer: its encoder is %u of its %u layers",
                   autoencoder->name, enc, lab_model_n_layers (ae));
      return NULL;
    }
  latent = lab_model_latent_shape (ae);

  layers = json_array_new ();
  for (guint i = 0; i < enc; i++)
    json_array_add_element (layers, json_node_copy (json_array_get_element (autoencoder->layers, i)));
  if (latent.h * latent.w > 1)
    json_array_add_element (layers, layer_node ("{\"type\":\"flatten\"}"));
  dense_head = g_strdup_printf ("{\"type\":\"dense\",\"units\":%u}", head_units);
  dense_out = g_strdup_printf ("{\"type\":\"dense\",\"units\":%u}", n_classes);
  json_array_add_element (layers, layer_node (dense_head));
  json_array_add_element (layers, layer_node ("{\"type\":\"relu\"}"));
  json_array_add_element (layers, layer_node (dense_out));
  json_array_add_element (layers, layer_node ("{\"type\":\"softmax\"}"));

  name = g_strdup_printf ("%s-classifier", autoencoder->name);
  obj = json_object_new ();
  json_object_set_string_member (obj, "name", name);
  json_object_set_string_member (obj, "description",
                                 "A pretrained encoder with a new dense head, for transfer learning.");
  root = lab_spec_to_node (autoencoder);
  json_object_set_member (obj, "input",
                          json_node_copy (json_object_get_member (json_node_get_object (root),
                                                                  "input")));
  json_object_set_string_member (obj, "loss", "softmax_ce");
  json_object_set_int_member (obj, "encoder_layers", enc);
  json_object_set_array_member (obj, "layers", layers);
  json_node_take_object (root, obj);
  return lab_spec_new_from_node (root, name, error);
}

static void
run_clear (LabTransferRun *run)
{
  g_clear_pointer (&run->curve, g_array_unref);
  g_clear_pointer (&run->confusion, g_free);
}

void
lab_transfer_result_free (LabTransferResult *result)
{
  if (result == NULL)
    return;
  for (guint b = 0; b < result->n_budgets; b++)
    for (guint w = 0; w < LAB_TRANSFER_N_WAYS; w++)
      {
        LabTransferBudget *budget = &result->budgets[b];
        for (guint s = 0; budget->runs[w] && s < result->n_seeds; s++)
          run_clear (&budget->runs[w][s]);
        g_free (budget->runs[w]);
        g_free (budget->confusion[w]);
      }
  g_free (result->budgets);
  g_free (result->pretrain_val_loss);
  g_strfreev (result->class_names);
  g_free (result);
}

double
lab_transfer_diff_se (const LabTransferResult *result,
                      guint                    budget,
                      LabTransferWay           a,
                      LabTransferWay           b)
{
  const LabTransferBudget *bu;

  g_return_val_if_fail (budget < result->n_budgets, NAN);
  if (result->n_seeds < 2)
    return NAN;
  bu = &result->budgets[budget];
  return sqrt ((bu->sd[a] * bu->sd[a] + bu->sd[b] * bu->sd[b]) / result->n_seeds);
}

/* Where the run is, for the progress text and fraction: tasks are the
 * pretraining of each seed and each classifier, weighted equally. */
typedef struct
{
  const LabTransferConfig *config;
  LabProgressFunc progress;
  gpointer        user_data;
  guint           seed_index;
  guint           done;
  guint           total;
  char            what[192];     /* translated: the task the seed is at */
} Plan;

static void
report (Plan   *plan,
        double  within,
        const char *detail)
{
  g_autofree char *text = NULL;

  if (plan->progress == NULL)
    return;
  /* Translators: a transfer run's progress: which seed, then what it
   * does, "seed 1 of 3, pretraining dae-keras32 on 10,000 unlabelled images" */
  text = g_strdup_printf (_("seed %u of %u, %s"), plan->seed_index + 1, plan->config->n_seeds,
                          plan->what);
  if (detail != NULL)
    {
      g_autofree char *task = g_steal_pointer (&text);

      /* Translators: a transfer run's progress and where in its task it
       * is, "seed 1 of 3, L = 100, frozen, epoch 4" */
      text = g_strdup_printf (_("%s, %s"), task, detail);
    }
  plan->progress (CLAMP ((plan->done + within) / plan->total, 0, 1), text, plan->user_data);
}

static gboolean
on_pretrain (const LabTrainProgress *p,
             gpointer                data)
{
  Plan *plan = data;
  g_autofree char *detail = NULL;

  if (p->kind == LAB_TRAIN_DONE || (p->kind == LAB_TRAIN_BATCH && p->batch % 20 != 0))
    return TRUE;
  /* Translators: where a transfer run's pretraining is */
  detail = g_strdup_printf (_("epoch %u of %u"), p->epoch, p->n_epochs);
  report (plan, ((p->epoch - 1) + (double) p->batch / MAX (p->n_batches, 1)) / p->n_epochs,
          detail);
  return TRUE;
}

static void
on_fit_epoch (guint    epoch,
              guint    n_epochs,
              gpointer data)
{
  Plan *plan = data;
  /* Translators: where a transfer run's classifier is (it stops early) */
  g_autofree char *detail = g_strdup_printf (_("epoch %u"), epoch);

  /* early stopping usually ends long before n_epochs: show progress as
   * if a third of them ran */
  report (plan, MIN (1.0, epoch / MAX (n_epochs / 3.0, 1.0)), detail);
}

/* The autoencoder of one seed, trained on its unlabelled share. */
static LabModel *
pretrain (LabDataset  *train,
          guint64      seed,
          Plan        *plan,
          double      *val_loss,
          GCancellable *cancellable,
          GError     **error)
{
  const LabTransferConfig *c = plan->config;
  g_autoptr(LabSpec) spec = lab_presets_get (c->autoencoder, error);
  g_autoptr(LabModel) ae = NULL;
  g_autoptr(LabSplitParts) parts = NULL;
  g_autoptr(LabDataset) ae_train = NULL, ae_val = NULL;
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autofree char *cache = NULL;
  guint sizes[2];
  LabTrainConfig tc;
  guint n_epochs;
  const LabEpochRecord *history;

  if (spec == NULL || (ae = lab_model_new (spec, error)) == NULL)
    return NULL;
  lab_model_init (ae, LAB_INIT_TORCH, seed);
  sizes[1] = MIN (c->pretrain_val, train->n / 10);
  sizes[0] = MIN (c->pretrain_images, train->n - sizes[1]);
  if (c->pretrained_dir != NULL)
    {
      g_autofree char *name = g_strdup_printf ("%s-%ux%u-%u-%u-e%u-b%u-g%g-seed%" G_GUINT64_FORMAT
                                               ".safetensors", c->autoencoder, train->width,
                                               train->height, train->n, sizes[0],
                                               c->pretrain_epochs, c->pretrain_batch,
                                               c->pretrain_noise, seed);
      cache = g_build_filename (c->pretrained_dir, name, NULL);
      if (g_file_test (cache, G_FILE_TEST_EXISTS))
        {
          g_autofree char *record = NULL;
          LabModel *kept = lab_model_load (cache, &record, error);

          if (kept == NULL)
            return NULL;
          *val_loss = NAN;
          if (record != NULL)
            {
              g_autoptr(JsonNode) node = json_from_string (record, NULL);
              JsonObject *o = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
              if (o != NULL && json_object_has_member (o, "val_loss"))
                *val_loss = json_object_get_double_member (o, "val_loss");
            }
          return kept;
        }
    }
  parts = lab_split_random (train->n, sizes, 2, seed ^ SEED_PRETRAIN_SPLIT, error);
  if (parts == NULL)
    return NULL;
  ae_train = lab_dataset_subset (train, parts->parts[0], sizes[0], error);
  if (ae_train == NULL)
    return NULL;
  if (sizes[1] > 0 && (ae_val = lab_dataset_subset (train, parts->parts[1], sizes[1], error)) == NULL)
    return NULL;

  lab_train_config_init (&tc);
  tc.epochs = c->pretrain_epochs;
  tc.batch = c->pretrain_batch;
  tc.seed = seed;
  tc.noise.type = c->pretrain_noise > 0 ? LAB_NOISE_GAUSSIAN : LAB_NOISE_NONE;
  tc.noise.amount = (float) c->pretrain_noise;
  tc.threads = c->threads;
  {
    g_autofree char *n = lab_format_count_localized (sizes[0]);

    /* Translators: a transfer run's task, %s the autoencoder's preset
     * ("dae-keras32") and the number of images ("10,000") */
    g_snprintf (plan->what, sizeof plan->what, _("pretraining %s on %s unlabelled images"),
                c->autoencoder, n);
  }
  if (!lab_trainer_run (trainer, ae, ae_train, ae_val, &tc, on_pretrain, plan, cancellable, error))
    return NULL;
  history = lab_trainer_get_history (trainer, &n_epochs);
  *val_loss = n_epochs > 0 ? history[n_epochs - 1].val_loss : NAN;
  if (cache != NULL)
    {
      g_autofree char *record = g_strdup_printf ("{\"val_loss\":%.9g}", *val_loss);

      if (g_mkdir_with_parents (c->pretrained_dir, 0755) != 0
          || !lab_model_save (ae, cache, record, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, LAB_ERROR, LAB_ERROR_IO, "Cannot create the folder %s",
                         c->pretrained_dir);
          return NULL;
        }
    }
  return g_steal_pointer (&ae);
}

/* The fraction of params[0..n) that differ from ref, bit for bit. */
static double
changed_fraction (const float *params,
                  const float *ref,
                  gsize        n)
{
  gsize changed = 0;

  for (gsize i = 0; i < n; i++)
    changed += memcmp (&params[i], &ref[i], sizeof (float)) != 0;
  return n > 0 ? (double) changed / n : 0;
}

static gboolean
fit_and_test (LabModel       *model,
              LabTransferWay  way,
              LabDataset     *lab_train,
              LabDataset     *lab_val,
              LabDataset     *test,
              guint           n_test,
              guint64         seed,
              Plan           *plan,
              LabTransferRun *run,
              GCancellable   *cancellable,
              GError        **error)
{
  const LabTransferConfig *c = plan->config;
  LabTransferFitConfig fc = { 0 };
  gint64 start = g_get_monotonic_time ();
  guint n_classes = test->n_classes;

  {
    g_autofree char *n = lab_format_count_localized (lab_train->n);

    /* Translators: a transfer run's task: the labelled images it trains on
     * and the way ("baseline", "frozen", "fine-tuned"), "L = 1,000, frozen" */
    g_snprintf (plan->what, sizeof plan->what, _("L = %s, %s"), n, _(way_names[way]));
  }
  report (plan, 0, NULL);
  fc.epochs = c->epochs;
  fc.patience = MAX (c->patience, 1);
  fc.batch = c->batch;
  fc.lr = way == LAB_TRANSFER_FINETUNED && c->finetune_from_frozen ? c->finetune_lr : c->lr;
  fc.encoder_lr = way == LAB_TRANSFER_FINETUNED ? c->encoder_lr : 0;
  fc.weight_decay = c->weight_decay;
  fc.warmup_epochs = way == LAB_TRANSFER_FINETUNED && !c->finetune_from_frozen ? c->warmup_epochs : 0;
  fc.seed = seed;
  fc.threads = c->threads;
  fc.progress = on_fit_epoch;
  fc.user_data = plan;
  run->curve = g_array_new (FALSE, FALSE, sizeof (LabTransferEpoch));
  run->confusion = g_new0 (guint, (gsize) n_classes * n_classes);
  if (!lab_transfer_fit (model, lab_train, lab_val, &fc, run, cancellable, error)
      || !lab_transfer_predict (model, test, n_test, run->confusion, &run->test_accuracy,
                                cancellable, error))
    return FALSE;
  run->seconds = (g_get_monotonic_time () - start) / 1e6;
  plan->done++;
  return TRUE;
}

static gboolean
check_inputs (LabDataset              *train,
              LabDataset              *test,
              const LabTransferConfig *c,
              GError                 **error)
{
  guint largest, val;

  if (train->labels == NULL || train->n_classes < 2)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "“%s” has no labels: transfer learning trains classifiers on labelled "
                   "images (a folder with one subfolder per class, or an IDX pair with "
                   "its labels file)", train->name);
      return FALSE;
    }
  if (test->labels == NULL || test->n_classes != train->n_classes)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "The test images “%s” need labels of the same %u classes as “%s”",
                   test->name, train->n_classes, train->name);
      return FALSE;
    }
  if (test->height != train->height || test->width != train->width || test->n == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "The test images “%s” (%u of %u×%u) do not match the training images "
                   "(%u×%u)", test->name, test->n, test->width, test->height, train->width,
                   train->height);
      return FALSE;
    }
  if (c->n_budgets < 1 || c->n_budgets > LAB_TRANSFER_MAX_BUDGETS)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "Give 1 to %d label budgets",
                   LAB_TRANSFER_MAX_BUDGETS);
      return FALSE;
    }
  if (c->n_seeds < 1 || c->n_seeds > LAB_TRANSFER_MAX_SEEDS)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "Use 1 to %d seeds, not %u",
                   LAB_TRANSFER_MAX_SEEDS, c->n_seeds);
      return FALSE;
    }
  if (c->epochs < 1 || c->pretrain_epochs < 1 || c->batch < 1 || c->pretrain_batch < 1)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Train for at least one epoch, in batches of at least one image");
      return FALSE;
    }
  if (!(c->val_ratio > 0 && c->val_ratio <= 1))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The validation ratio must be above 0 and at most 1, not %g", c->val_ratio);
      return FALSE;
    }
  if (c->budgets[0] < train->n_classes)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "%u labelled images cannot show each of the %u classes once", c->budgets[0],
                   train->n_classes);
      return FALSE;
    }
  largest = c->budgets[c->n_budgets - 1];
  val = MAX ((guint) round (largest * c->val_ratio), 1);
  if ((guint64) largest + val > train->n)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "L = %u labelled images and their %u validation images are more than "
                   "the %u labelled images of “%s”; use at most %u",
                   largest, val, train->n, train->name,
                   (guint) floor (train->n / (1 + c->val_ratio)));
      return FALSE;
    }
  return TRUE;
}

/* The autoencoder, the baseline and the pretrained classifier all fit the
 * images, checked before any training. */
static gboolean
check_models (LabDataset              *train,
              const LabTransferConfig *c,
              GError                 **error)
{
  g_autoptr(LabSpec) ae_spec = lab_presets_get (c->autoencoder, error);
  g_autoptr(LabSpec) base_spec = NULL, head_spec = NULL;
  g_autoptr(LabModel) ae = NULL, base = NULL, head = NULL;
  LabTask task;

  if (ae_spec == NULL || (ae = lab_model_new (ae_spec, error)) == NULL
      || !lab_task_for (ae, train, &task, error))
    return FALSE;
  if (task != LAB_TASK_RECONSTRUCT)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s” does not reconstruct its input (it is trained to %s), so it cannot be "
                   "pretrained as a denoising autoencoder on “%s”",
                   c->autoencoder, lab_task_name (task), train->name);
      return FALSE;
    }
  head_spec = lab_transfer_classifier_spec (ae_spec, c->head_units, train->n_classes, error);
  if (head_spec == NULL || (head = lab_model_new (head_spec, error)) == NULL
      || !lab_task_for (head, train, &task, error))
    return FALSE;
  base_spec = lab_presets_get (c->baseline, error);
  if (base_spec == NULL || (base = lab_model_new (base_spec, error)) == NULL
      || !lab_task_for (base, train, &task, error))
    return FALSE;
  if (task != LAB_TASK_CLASSIFY || lab_shape_size (lab_model_output_shape (base)) != train->n_classes)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s” is not a classifier of %u classes, as “%s” needs",
                   c->baseline, train->n_classes, train->name);
      return FALSE;
    }
  return TRUE;
}

/* The ways' models for one seed and budget, trained and tested. */
static gboolean
run_budget (LabTransferResult *result,
            guint              b,
            guint              s,
            LabModel          *ae,
            LabDataset        *train,
            LabDataset        *test,
            Plan              *plan,
            GCancellable      *cancellable,
            GError           **error)
{
  const LabTransferConfig *c = plan->config;
  LabTransferBudget *budget = &result->budgets[b];
  const guint64 seed = c->seed + s;
  const guint enc = lab_model_encoder_layers (ae);
  const gsize enc_params = lab_model_param_offset (ae, enc);
  g_autoptr(LabSplitParts) parts = NULL;
  g_autoptr(LabDataset) lab_train = NULL, lab_val = NULL;
  g_autoptr(LabSpec) base_spec = NULL, head_spec = NULL;
  g_autoptr(LabModel) base = NULL, frozen = NULL, tuned = NULL;
  guint sizes[2] = { budget->labels, budget->val_labels };

  parts = lab_split_stratified (train->n, train->labels, train->n_classes, sizes, 2,
                                seed * SEED_LABELLED + budget->labels, error);
  if (parts == NULL
      || (lab_train = lab_dataset_subset (train, parts->parts[0], sizes[0], error)) == NULL
      || (lab_val = lab_dataset_subset (train, parts->parts[1], sizes[1], error)) == NULL)
    return FALSE;

  base_spec = lab_presets_get (c->baseline, error);
  if (base_spec == NULL || (base = lab_model_new (base_spec, error)) == NULL)
    return FALSE;
  lab_model_init (base, LAB_INIT_TORCH, seed);
  if (!fit_and_test (base, LAB_TRANSFER_BASELINE, lab_train, lab_val, test, result->n_test,
                     seed, plan, &budget->runs[LAB_TRANSFER_BASELINE][s], cancellable, error))
    return FALSE;

  head_spec = lab_transfer_classifier_spec (lab_model_get_spec (ae), c->head_units,
                                            train->n_classes, error);
  if (head_spec == NULL || (frozen = lab_model_new (head_spec, error)) == NULL)
    return FALSE;
  lab_model_init (frozen, LAB_INIT_TORCH, seed);
  if (!lab_model_transfer_layers (frozen, ae, enc, error))
    return FALSE;
  lab_model_set_frozen_layers (frozen, enc);
  if (!fit_and_test (frozen, LAB_TRANSFER_FROZEN, lab_train, lab_val, test, result->n_test,
                     seed, plan, &budget->runs[LAB_TRANSFER_FROZEN][s], cancellable, error))
    return FALSE;
  budget->runs[LAB_TRANSFER_FROZEN][s].encoder_unchanged =
    memcmp (lab_model_params (frozen), lab_model_params (ae), enc_params * sizeof (float)) == 0;
  budget->runs[LAB_TRANSFER_FROZEN][s].encoder_changed_fraction =
    changed_fraction (lab_model_params (frozen), lab_model_params (ae), enc_params);

  /* From the frozen way's result, the head already fits the encoder and a
   * small learning rate adjusts the encoder. From the pretrained encoder
   * and the same new head as the frozen way had, everything learns
   * together at the baseline's rate: the baseline's network and training,
   * only started from the autoencoder's weights. */
  if (c->finetune_from_frozen)
    tuned = lab_model_copy (frozen, 0);
  else
    {
      tuned = lab_model_new (head_spec, error);
      if (tuned == NULL)
        return FALSE;
      lab_model_init (tuned, LAB_INIT_TORCH, seed);
      if (!lab_model_transfer_layers (tuned, ae, enc, error))
        return FALSE;
    }
  lab_model_set_frozen_layers (tuned, 0);
  if (!fit_and_test (tuned, LAB_TRANSFER_FINETUNED, lab_train, lab_val, test, result->n_test,
                     seed, plan, &budget->runs[LAB_TRANSFER_FINETUNED][s], cancellable, error))
    return FALSE;
  budget->runs[LAB_TRANSFER_FINETUNED][s].encoder_changed_fraction =
    changed_fraction (lab_model_params (tuned), lab_model_params (ae), enc_params);
  budget->runs[LAB_TRANSFER_FINETUNED][s].encoder_unchanged =
    budget->runs[LAB_TRANSFER_FINETUNED][s].encoder_changed_fraction == 0;
  return TRUE;
}

static void
summarize (LabTransferResult *result)
{
  const guint n = result->n_classes, S = result->n_seeds;

  for (guint b = 0; b < result->n_budgets; b++)
    for (guint w = 0; w < LAB_TRANSFER_N_WAYS; w++)
      {
        LabTransferBudget *bu = &result->budgets[b];
        double sum = 0, ss = 0;

        bu->confusion[w] = g_new0 (guint, (gsize) n * n);
        for (guint s = 0; s < S; s++)
          {
            sum += bu->runs[w][s].test_accuracy;
            for (guint k = 0; k < n * n; k++)
              bu->confusion[w][k] += bu->runs[w][s].confusion[k];
          }
        bu->mean[w] = sum / S;
        for (guint s = 0; s < S; s++)
          ss += (bu->runs[w][s].test_accuracy - bu->mean[w])
                * (bu->runs[w][s].test_accuracy - bu->mean[w]);
        bu->sd[w] = S > 1 ? sqrt (ss / (S - 1)) : 0;
      }
}

LabTransferResult *
lab_transfer_run (LabDataset              *train,
                  LabDataset              *test,
                  const LabTransferConfig *config,
                  LabProgressFunc          progress,
                  gpointer                 user_data,
                  GCancellable            *cancellable,
                  GError                 **error)
{
  g_autoptr(LabTransferResult) result = NULL;
  Plan plan = { 0 };
  gint64 start = g_get_monotonic_time ();

  if (!check_inputs (train, test, config, error) || !check_models (train, config, error))
    return NULL;

  result = g_new0 (LabTransferResult, 1);
  result->config = *config;
  result->n_seeds = config->n_seeds;
  result->n_budgets = config->n_budgets;
  result->n_classes = train->n_classes;
  result->class_names = g_new0 (char *, train->n_classes + 1);
  for (guint k = 0; k < train->n_classes; k++)
    {
      char buf[16];
      result->class_names[k] = g_strdup (lab_dataset_class_name (train, k, buf));
    }
  result->n_test = config->test_limit > 0 ? MIN (config->test_limit, test->n) : test->n;
  result->pretrain_val = MIN (config->pretrain_val, train->n / 10);
  result->pretrain_images = MIN (config->pretrain_images, train->n - result->pretrain_val);
  result->pretrain_val_loss = g_new0 (double, config->n_seeds);
  result->budgets = g_new0 (LabTransferBudget, config->n_budgets);
  for (guint b = 0; b < config->n_budgets; b++)
    {
      LabTransferBudget *bu = &result->budgets[b];
      bu->labels = config->budgets[b];
      bu->val_labels = MAX ((guint) round (bu->labels * config->val_ratio), 1);
      for (guint w = 0; w < LAB_TRANSFER_N_WAYS; w++)
        bu->runs[w] = g_new0 (LabTransferRun, config->n_seeds);
    }

  plan.config = config;
  plan.progress = progress;
  plan.user_data = user_data;
  plan.total = config->n_seeds * (1 + LAB_TRANSFER_N_WAYS * config->n_budgets);
  for (guint s = 0; s < config->n_seeds; s++)
    {
      g_autoptr(LabModel) ae = NULL;
      gint64 t0 = g_get_monotonic_time ();

      plan.seed_index = s;
      ae = pretrain (train, config->seed + s, &plan, &result->pretrain_val_loss[s], cancellable,
                     error);
      if (ae == NULL)
        return NULL;
      result->pretrain_seconds += (g_get_monotonic_time () - t0) / 1e6;
      plan.done++;
      for (guint b = 0; b < config->n_budgets; b++)
        if (!run_budget (result, b, s, ae, train, test, &plan, cancellable, error))
          return NULL;
    }
  summarize (result);
  result->seconds = (g_get_monotonic_time () - start) / 1e6;
  if (progress)
    /* Translators: a transfer run's progress at its end */
    progress (1.0, _("done"), user_data);
  return g_steal_pointer (&result);
}
