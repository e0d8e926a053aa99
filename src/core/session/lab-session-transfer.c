#define G_LOG_DOMAIN "latentlab-core"

/* The Classify page's transfer-learning result in a session, whole, so it
 * shows again as it was with nothing trained. JSON member "transfer":
 *   {"n_seeds", "n_budgets", "n_classes", "class_names", "n_test",
 *    "pretrain_images", "pretrain_val", "pretrain_val_loss" (n_seeds),
 *    "pretrain_seconds", "seconds",
 *    "config": the LabTransferConfig (without its cache folder),
 *    "budgets": per budget {"labels", "val_labels", "mean" (3), "sd" (3),
 *      "runs": per way (baseline, frozen, fine-tuned) a list of n_seeds
 *      {"test_accuracy", "val_accuracy", "best_epoch", "epochs_run",
 *       "stopped_early", "seconds", "encoder_unchanged",
 *       "encoder_changed_fraction", "curve": {"epoch", "train_loss",
 *       "val_accuracy"} (lists of one length)}}}
 * and tensors transfer.confusion I64 (n_budgets, 3, n_seeds, C, C), each
 * run's matrix, and transfer.budget_confusion I64 (n_budgets, 3, C, C),
 * the sums the panel shows, kept as they were rather than summed again.
 * Numbers go through JSON as json-glib writes doubles (17 significant
 * digits), so they come back bit for bit; NAN is null. */

#include <math.h>
#include <string.h>

#include "lab-session-file-private.h"

#define CONFUSION        "transfer.confusion"
#define BUDGET_CONFUSION "transfer.budget_confusion"

static void
save_config (const LabTransferConfig *c,
             JsonBuilder             *b)
{
  json_builder_set_member_name (b, "config");
  json_builder_begin_object (b);
  lab_json_add_string (b, "autoencoder", c->autoencoder);
  lab_json_add_string (b, "baseline", c->baseline);
  lab_json_add_uint (b, "head_units", c->head_units);
  lab_json_add_uint (b, "pretrain_images", c->pretrain_images);
  lab_json_add_uint (b, "pretrain_val", c->pretrain_val);
  lab_json_add_uint (b, "pretrain_epochs", c->pretrain_epochs);
  lab_json_add_uint (b, "pretrain_batch", c->pretrain_batch);
  lab_json_add_number (b, "pretrain_noise", c->pretrain_noise);
  lab_json_add_uints (b, "budgets", c->budgets, MIN (c->n_budgets, LAB_TRANSFER_MAX_BUDGETS));
  lab_json_add_number (b, "val_ratio", c->val_ratio);
  lab_json_add_uint (b, "epochs", c->epochs);
  lab_json_add_uint (b, "patience", c->patience);
  lab_json_add_uint (b, "batch", c->batch);
  lab_json_add_number (b, "lr", c->lr);
  lab_json_add_bool (b, "finetune_from_frozen", c->finetune_from_frozen);
  lab_json_add_number (b, "finetune_lr", c->finetune_lr);
  lab_json_add_uint (b, "n_seeds", c->n_seeds);
  lab_json_add_uint (b, "seed", c->seed);
  lab_json_add_uint (b, "test_limit", c->test_limit);
  lab_json_add_uint (b, "threads", c->threads);
  json_builder_end_object (b);
}

static void
save_run (const LabTransferRun *run,
          JsonBuilder          *b)
{
  guint n = run->curve != NULL ? run->curve->len : 0;
  g_autofree guint *epoch = g_new (guint, MAX (n, 1));
  g_autofree double *loss = g_new (double, MAX (n, 1));
  g_autofree double *acc = g_new (double, MAX (n, 1));

  for (guint e = 0; e < n; e++)
    {
      const LabTransferEpoch *ep = &g_array_index (run->curve, LabTransferEpoch, e);

      epoch[e] = ep->epoch;
      loss[e] = ep->train_loss;
      acc[e] = ep->val_accuracy;
    }
  json_builder_begin_object (b);
  lab_json_add_number (b, "test_accuracy", run->test_accuracy);
  lab_json_add_number (b, "val_accuracy", run->val_accuracy);
  lab_json_add_uint (b, "best_epoch", run->best_epoch);
  lab_json_add_uint (b, "epochs_run", run->epochs_run);
  lab_json_add_bool (b, "stopped_early", run->stopped_early);
  lab_json_add_number (b, "seconds", run->seconds);
  lab_json_add_bool (b, "encoder_unchanged", run->encoder_unchanged);
  lab_json_add_number (b, "encoder_changed_fraction", run->encoder_changed_fraction);
  json_builder_set_member_name (b, "curve");
  json_builder_begin_object (b);
  lab_json_add_uints (b, "epoch", epoch, n);
  lab_json_add_numbers (b, "train_loss", loss, n);
  lab_json_add_numbers (b, "val_accuracy", acc, n);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

void
lab_session_transfer_save (const LabTransferResult *result,
                           JsonBuilder             *b,
                           LabSafetensorsWriter    *w)
{
  guint c2 = result->n_classes * result->n_classes;
  gsize per_budget = (gsize) LAB_TRANSFER_N_WAYS * result->n_seeds * c2;
  g_autofree gint64 *runs = g_new0 (gint64, MAX (result->n_budgets * per_budget, 1));
  g_autofree gint64 *sums = g_new0 (gint64, MAX ((gsize) result->n_budgets * LAB_TRANSFER_N_WAYS * c2, 1));
  guint64 runs_shape[5] = { result->n_budgets, LAB_TRANSFER_N_WAYS, result->n_seeds,
                            result->n_classes, result->n_classes };
  guint64 sums_shape[4] = { result->n_budgets, LAB_TRANSFER_N_WAYS, result->n_classes,
                            result->n_classes };

  json_builder_set_member_name (b, "transfer");
  json_builder_begin_object (b);
  lab_json_add_uint (b, "n_seeds", result->n_seeds);
  lab_json_add_uint (b, "n_budgets", result->n_budgets);
  lab_json_add_uint (b, "n_classes", result->n_classes);
  lab_json_add_strv (b, "class_names", result->class_names, result->n_classes);
  lab_json_add_uint (b, "n_test", result->n_test);
  lab_json_add_uint (b, "pretrain_images", result->pretrain_images);
  lab_json_add_uint (b, "pretrain_val", result->pretrain_val);
  lab_json_add_numbers (b, "pretrain_val_loss", result->pretrain_val_loss, result->n_seeds);
  lab_json_add_number (b, "pretrain_seconds", result->pretrain_seconds);
  lab_json_add_number (b, "seconds", result->seconds);
  save_config (&result->config, b);

  json_builder_set_member_name (b, "budgets");
  json_builder_begin_array (b);
  for (guint i = 0; i < result->n_budgets; i++)
    {
      const LabTransferBudget *tb = &result->budgets[i];

      json_builder_begin_object (b);
      lab_json_add_uint (b, "labels", tb->labels);
      lab_json_add_uint (b, "val_labels", tb->val_labels);
      lab_json_add_numbers (b, "mean", tb->mean, LAB_TRANSFER_N_WAYS);
      lab_json_add_numbers (b, "sd", tb->sd, LAB_TRANSFER_N_WAYS);
      json_builder_set_member_name (b, "runs");
      json_builder_begin_array (b);
      for (guint way = 0; way < LAB_TRANSFER_N_WAYS; way++)
        {
          json_builder_begin_array (b);
          for (guint s = 0; s < result->n_seeds; s++)
            {
              const LabTransferRun *run = &tb->runs[way][s];
              gint64 *m = runs + i * per_budget + ((gsize) way * result->n_seeds + s) * c2;

              save_run (run, b);
              for (guint k = 0; run->confusion != NULL && k < c2; k++)
                m[k] = run->confusion[k];
            }
          json_builder_end_array (b);
          for (guint k = 0; tb->confusion[way] != NULL && k < c2; k++)
            sums[((gsize) i * LAB_TRANSFER_N_WAYS + way) * c2 + k] = tb->confusion[way][k];
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  lab_safetensors_writer_add_copy (w, CONFUSION, "I64", 5, runs_shape, runs);
  lab_safetensors_writer_add_copy (w, BUDGET_CONFUSION, "I64", 4, sums_shape, sums);
}

/* Loading */

static gboolean
read_config (const LabSessionReader  *r,
             JsonObject              *obj,
             LabTransferConfig       *c,
             GError                 **error)
{
  const char *where = "transfer.config";
  const char *autoencoder, *baseline;
  guint64 seed;
  JsonArray *budgets;

  lab_transfer_config_init (c);
  if (!lab_session_read_string (r, obj, where, "autoencoder", FALSE, &autoencoder, error)
      || !lab_session_read_string (r, obj, where, "baseline", FALSE, &baseline, error)
      || !lab_session_read_count (r, obj, where, "head_units", G_MAXUINT32, &c->head_units, error)
      || !lab_session_read_count (r, obj, where, "pretrain_images", G_MAXUINT32, &c->pretrain_images, error)
      || !lab_session_read_count (r, obj, where, "pretrain_val", G_MAXUINT32, &c->pretrain_val, error)
      || !lab_session_read_count (r, obj, where, "pretrain_epochs", G_MAXUINT32, &c->pretrain_epochs, error)
      || !lab_session_read_count (r, obj, where, "pretrain_batch", G_MAXUINT32, &c->pretrain_batch, error)
      || !lab_session_read_double (r, obj, where, "pretrain_noise", TRUE, &c->pretrain_noise, error)
      || !lab_session_read_double (r, obj, where, "val_ratio", TRUE, &c->val_ratio, error)
      || !lab_session_read_count (r, obj, where, "epochs", G_MAXUINT32, &c->epochs, error)
      || !lab_session_read_count (r, obj, where, "patience", G_MAXUINT32, &c->patience, error)
      || !lab_session_read_count (r, obj, where, "batch", G_MAXUINT32, &c->batch, error)
      || !lab_session_read_double (r, obj, where, "lr", TRUE, &c->lr, error)
      || !lab_session_read_bool (r, obj, where, "finetune_from_frozen", &c->finetune_from_frozen, error)
      || !lab_session_read_double (r, obj, where, "finetune_lr", TRUE, &c->finetune_lr, error)
      || !lab_session_read_count (r, obj, where, "n_seeds", LAB_TRANSFER_MAX_SEEDS, &c->n_seeds, error)
      || !lab_session_read_uint (r, obj, where, "seed", G_MAXINT64, &seed, error)
      || !lab_session_read_count (r, obj, where, "test_limit", G_MAXUINT32, &c->test_limit, error)
      || !lab_session_read_count (r, obj, where, "threads", G_MAXUINT32, &c->threads, error)
      || !lab_session_read_array (r, obj, where, "budgets", &budgets, error))
    return FALSE;
  if (json_array_get_length (budgets) > LAB_TRANSFER_MAX_BUDGETS)
    {
      g_autofree char *should = g_strdup_printf ("a list of at most %d label budgets",
                                                 LAB_TRANSFER_MAX_BUDGETS);
      return lab_session_bad_member (r, where, "budgets", should, error);
    }
  c->n_budgets = json_array_get_length (budgets);
  if (!lab_session_read_uints (r, obj, where, "budgets", c->n_budgets, G_MAXUINT32, c->budgets, error))
    return FALSE;
  /* The config holds static names: interned, they live as long as the
   * process, as the presets' names do. */
  c->autoencoder = g_intern_string (autoencoder);
  c->baseline = g_intern_string (baseline);
  c->seed = seed;
  /* A cache folder of the computer that ran it means nothing here. */
  c->pretrained_dir = NULL;
  return TRUE;
}

static gboolean
read_run (const LabSessionReader  *r,
          JsonNode                *node,
          const char              *where,
          LabTransferRun          *run,
          GError                 **error)
{
  JsonObject *obj, *curve;
  JsonArray *epochs;
  guint n;
  g_autofree guint *epoch = NULL;
  g_autofree double *loss = NULL, *acc = NULL;

  if (!lab_session_object_at (r, node, where, &obj, error)
      || !lab_session_read_double (r, obj, where, "test_accuracy", TRUE, &run->test_accuracy, error)
      || !lab_session_read_double (r, obj, where, "val_accuracy", TRUE, &run->val_accuracy, error)
      || !lab_session_read_count (r, obj, where, "best_epoch", G_MAXUINT32, &run->best_epoch, error)
      || !lab_session_read_count (r, obj, where, "epochs_run", G_MAXUINT32, &run->epochs_run, error)
      || !lab_session_read_bool (r, obj, where, "stopped_early", &run->stopped_early, error)
      || !lab_session_read_double (r, obj, where, "seconds", TRUE, &run->seconds, error)
      || !lab_session_read_bool (r, obj, where, "encoder_unchanged", &run->encoder_unchanged, error)
      || !lab_session_read_double (r, obj, where, "encoder_changed_fraction", TRUE,
                                   &run->encoder_changed_fraction, error)
      || !lab_session_read_object (r, obj, where, "curve", FALSE, &curve, error))
    return FALSE;

  {
    g_autofree char *cwhere = g_strdup_printf ("%s.curve", where);

    /* The three lists are as long as the one of epochs, which the JSON
     * holds: nothing is allocated beyond what the file has. */
    if (!lab_session_read_array (r, curve, cwhere, "epoch", &epochs, error))
      return FALSE;
    n = json_array_get_length (epochs);
    epoch = g_new (guint, MAX (n, 1));
    loss = g_new (double, MAX (n, 1));
    acc = g_new (double, MAX (n, 1));
    if (!lab_session_read_uints (r, curve, cwhere, "epoch", n, G_MAXUINT32, epoch, error)
        || !lab_session_read_doubles (r, curve, cwhere, "train_loss", n, loss, error)
        || !lab_session_read_doubles (r, curve, cwhere, "val_accuracy", n, acc, error))
      return FALSE;
  }
  run->curve = g_array_sized_new (FALSE, FALSE, sizeof (LabTransferEpoch), n);
  for (guint e = 0; e < n; e++)
    {
      LabTransferEpoch ep = { epoch[e], loss[e], acc[e] };

      g_array_append_val (run->curve, ep);
    }
  return TRUE;
}

/* counts (n) as guint, each checked. */
static guint *
to_counts (const LabSessionReader  *r,
           const char              *name,
           const gint64            *counts,
           gsize                    n,
           GError                 **error)
{
  g_autofree guint *out = g_new (guint, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      if (counts[i] < 0 || counts[i] > G_MAXUINT32)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                       "%s: tensor %s holds %" G_GINT64_FORMAT " at %" G_GSIZE_FORMAT
                       ", not a count", r->file, name, counts[i], i);
          return NULL;
        }
      out[i] = (guint) counts[i];
    }
  return g_steal_pointer (&out);
}

static gboolean
read_budget (const LabSessionReader  *r,
             JsonNode                *node,
             guint                    i,
             LabTransferResult       *res,
             const gint64            *runs,
             const gint64            *sums,
             GError                 **error)
{
  g_autofree char *where = g_strdup_printf ("transfer.budgets[%u]", i);
  LabTransferBudget *tb = &res->budgets[i];
  guint c2 = res->n_classes * res->n_classes;
  JsonObject *obj;
  JsonArray *ways;

  if (!lab_session_object_at (r, node, where, &obj, error)
      || !lab_session_read_count (r, obj, where, "labels", G_MAXUINT32, &tb->labels, error)
      || !lab_session_read_count (r, obj, where, "val_labels", G_MAXUINT32, &tb->val_labels, error)
      || !lab_session_read_doubles (r, obj, where, "mean", LAB_TRANSFER_N_WAYS, tb->mean, error)
      || !lab_session_read_doubles (r, obj, where, "sd", LAB_TRANSFER_N_WAYS, tb->sd, error)
      || !lab_session_read_array (r, obj, where, "runs", &ways, error))
    return FALSE;
  if (json_array_get_length (ways) != LAB_TRANSFER_N_WAYS)
    return lab_session_bad_member (r, where, "runs", "a list of 3 lists (baseline, frozen, fine-tuned)",
                                   error);
  for (guint way = 0; way < LAB_TRANSFER_N_WAYS; way++)
    {
      JsonNode *wnode = json_array_get_element (ways, way);
      JsonArray *seeds;

      tb->runs[way] = g_new0 (LabTransferRun, res->n_seeds);
      if (!JSON_NODE_HOLDS_ARRAY (wnode)
          || json_array_get_length (seeds = json_node_get_array (wnode)) != res->n_seeds)
        {
          g_autofree char *should = g_strdup_printf ("a list of 3 lists of %u runs (one per seed)",
                                                     res->n_seeds);
          return lab_session_bad_member (r, where, "runs", should, error);
        }
      for (guint s = 0; s < res->n_seeds; s++)
        {
          g_autofree char *rwhere = g_strdup_printf ("%s.runs[%u][%u]", where, way, s);
          LabTransferRun *run = &tb->runs[way][s];
          gsize at = (((gsize) i * LAB_TRANSFER_N_WAYS + way) * res->n_seeds + s) * c2;

          if (!read_run (r, json_array_get_element (seeds, s), rwhere, run, error)
              || (run->confusion = to_counts (r, CONFUSION, runs + at, c2, error)) == NULL)
            return FALSE;
        }
      tb->confusion[way] = to_counts (r, BUDGET_CONFUSION,
                                      sums + ((gsize) i * LAB_TRANSFER_N_WAYS + way) * c2, c2, error);
      if (tb->confusion[way] == NULL)
        return FALSE;
    }
  return TRUE;
}

LabTransferResult *
lab_session_transfer_load (const LabSessionReader  *r,
                           JsonObject              *obj,
                           GError                 **error)
{
  const char *where = "transfer";
  g_autoptr(LabTransferResult) res = g_new0 (LabTransferResult, 1);
  guint n_budgets;
  g_autofree gint64 *runs = NULL, *sums = NULL;
  guint64 runs_shape[5], sums_shape[4];
  JsonObject *config;
  JsonArray *budgets;

  if (!lab_session_read_count (r, obj, where, "n_seeds", LAB_TRANSFER_MAX_SEEDS, &res->n_seeds, error)
      || !lab_session_read_count (r, obj, where, "n_budgets", LAB_TRANSFER_MAX_BUDGETS, &n_budgets, error)
      || !lab_session_read_count (r, obj, where, "n_classes", 256, &res->n_classes, error)
      || !lab_session_read_count (r, obj, where, "n_test", G_MAXUINT32, &res->n_test, error)
      || !lab_session_read_count (r, obj, where, "pretrain_images", G_MAXUINT32, &res->pretrain_images, error)
      || !lab_session_read_count (r, obj, where, "pretrain_val", G_MAXUINT32, &res->pretrain_val, error)
      || !lab_session_read_double (r, obj, where, "pretrain_seconds", TRUE, &res->pretrain_seconds, error)
      || !lab_session_read_double (r, obj, where, "seconds", TRUE, &res->seconds, error)
      || !lab_session_read_object (r, obj, where, "config", FALSE, &config, error)
      || !lab_session_read_array (r, obj, where, "budgets", &budgets, error))
    return NULL;
  if (res->n_seeds < 1)
    {
      lab_session_bad_member (r, where, "n_seeds", "1 or more", error);
      return NULL;
    }
  if (n_budgets < 1)
    {
      lab_session_bad_member (r, where, "n_budgets", "1 or more", error);
      return NULL;
    }
  if (res->n_classes < 2)
    {
      lab_session_bad_member (r, where, "n_classes", "2 or more", error);
      return NULL;
    }
  if (json_array_get_length (budgets) != n_budgets)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "%s: the session's “transfer.budgets” has %u entries, “n_budgets” says %u",
                   r->file, json_array_get_length (budgets), n_budgets);
      return NULL;
    }
  /* Before anything is allocated per budget or seed: the file must hold
   * the matrices that the counts say. */
  runs_shape[0] = sums_shape[0] = n_budgets;
  runs_shape[1] = sums_shape[1] = LAB_TRANSFER_N_WAYS;
  runs_shape[2] = res->n_seeds;
  runs_shape[3] = runs_shape[4] = sums_shape[2] = sums_shape[3] = res->n_classes;
  if ((runs = lab_session_read_tensor (r, CONFUSION, "I64", 5, runs_shape, error)) == NULL
      || (sums = lab_session_read_tensor (r, BUDGET_CONFUSION, "I64", 4, sums_shape, error)) == NULL)
    return NULL;

  res->class_names = lab_session_read_strv (r, obj, where, "class_names", res->n_classes, NULL, error);
  if (res->class_names == NULL)
    return NULL;
  res->pretrain_val_loss = g_new (double, res->n_seeds);
  if (!lab_session_read_doubles (r, obj, where, "pretrain_val_loss", res->n_seeds, res->pretrain_val_loss,
                                 error)
      || !read_config (r, config, &res->config, error))
    return NULL;
  res->budgets = g_new0 (LabTransferBudget, n_budgets);
  for (guint i = 0; i < n_budgets; i++)
    {
      /* Counted as read, so a failure frees what was read so far. */
      res->n_budgets = i + 1;
      if (!read_budget (r, json_array_get_element (budgets, i), i, res, runs, sums, error))
        return NULL;
    }
  return g_steal_pointer (&res);
}
