#define G_LOG_DOMAIN "latentlab-core"

#include "lab-train-record.h"

#include <math.h>

#include <json-glib/json-glib.h>

#include "lab-json-builder.h"
#include "lab-noise.h"
#include "lab-optim.h"

LabTrainRecord *
lab_train_record_new (const LabTrainConfig *config,
                      const char           *dataset)
{
  LabTrainRecord *self = g_new0 (LabTrainRecord, 1);

  if (config != NULL)
    self->config = *config;
  else
    lab_train_config_init (&self->config);
  self->dataset = g_strdup (dataset ? dataset : "");
  return self;
}

LabTrainRecord *
lab_train_record_new_from_trainer (LabTrainer           *trainer,
                                   const LabTrainConfig *config,
                                   const char           *dataset,
                                   const char           *init)
{
  LabTrainRecord *self = lab_train_record_new (config, dataset);
  guint n_epochs = 0;
  const LabEpochRecord *history = lab_trainer_get_history (trainer, &n_epochs);

  self->init = g_strdup (init);
  self->steps = lab_trainer_get_steps (trainer);
  self->train_loss = g_array_sized_new (FALSE, FALSE, sizeof (double), n_epochs);
  self->val_loss = g_array_sized_new (FALSE, FALSE, sizeof (double), n_epochs);
  self->epoch_seconds = g_array_sized_new (FALSE, FALSE, sizeof (double), n_epochs);
  for (guint i = 0; i < n_epochs; i++)
    {
      g_array_append_val (self->train_loss, history[i].train_loss);
      g_array_append_val (self->val_loss, history[i].val_loss);
      g_array_append_val (self->epoch_seconds, history[i].seconds);
    }
  return self;
}

void
lab_train_record_free (LabTrainRecord *self)
{
  if (self == NULL)
    return;
  g_free (self->dataset);
  g_free (self->init);
  g_clear_pointer (&self->train_loss, g_array_unref);
  g_clear_pointer (&self->val_loss, g_array_unref);
  g_clear_pointer (&self->epoch_seconds, g_array_unref);
  g_free (self);
}

void
lab_train_record_set_test (LabTrainRecord      *self,
                           const LabEvalResult *test)
{
  self->has_test = test != NULL;
  if (test != NULL)
    self->test = *test;
}

static void
add_double (JsonBuilder *b,
            const char  *name,
            double       v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, v);
}

char *
lab_train_record_to_json (const LabTrainRecord *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *noise = lab_noise_to_string (&self->config.noise);
  const LabTrainConfig *config = &self->config;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "dataset");
  json_builder_add_string_value (b, self->dataset ? self->dataset : "");
  json_builder_set_member_name (b, "noise");
  json_builder_add_string_value (b, noise);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, (gint64) config->seed);
  json_builder_set_member_name (b, "epochs");
  json_builder_add_int_value (b, config->epochs);
  json_builder_set_member_name (b, "batch");
  json_builder_add_int_value (b, config->batch);
  add_double (b, "lr", config->lr);
  json_builder_set_member_name (b, "optimizer");
  json_builder_add_string_value (b, lab_optim_kind_name (config->optimizer));
  json_builder_set_member_name (b, "limit");
  json_builder_add_int_value (b, config->limit);
  if (self->init)
    {
      json_builder_set_member_name (b, "init");
      json_builder_add_string_value (b, self->init);
    }
  json_builder_set_member_name (b, "steps");
  json_builder_add_int_value (b, (gint64) self->steps);
  if (self->train_loss != NULL)
    {
      lab_json_add_numbers (b, "train_loss", (const double *) self->train_loss->data,
                            self->train_loss->len);
      lab_json_add_numbers (b, "val_loss", (const double *) self->val_loss->data,
                            self->val_loss->len);
      lab_json_add_numbers (b, "epoch_seconds", (const double *) self->epoch_seconds->data,
                            self->epoch_seconds->len);
    }
  if (self->has_test)
    {
      const LabEvalResult *t = &self->test;

      json_builder_set_member_name (b, "test");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "images");
      json_builder_add_int_value (b, t->n_images);
      add_double (b, "loss", t->loss);
      if (isfinite (t->mse))
        {
          add_double (b, "mse", t->mse);
          add_double (b, "bce", t->bce);
          add_double (b, "psnr", t->psnr);
        }
      if (isfinite (t->accuracy))
        add_double (b, "accuracy", t->accuracy);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* An array of numbers (null: NAN), or NULL when obj has no such array. */
static GArray *
read_series (JsonObject *obj,
             const char *name)
{
  JsonArray *array;
  GArray *out;

  if (!json_object_has_member (obj, name) || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, name)))
    return NULL;
  array = json_object_get_array_member (obj, name);
  out = g_array_sized_new (FALSE, FALSE, sizeof (double), json_array_get_length (array));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      double v = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : NAN;

      g_array_append_val (out, v);
    }
  return out;
}

static double
read_double (JsonObject *obj,
             const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : NAN;
}

LabTrainRecord *
lab_train_record_new_from_json (const char  *json,
                                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(LabTrainRecord) self = NULL;
  LabTrainConfig *config;
  JsonObject *obj;
  const char *init;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_FORMAT,
                           "The training record is not a JSON object");
      return NULL;
    }
  obj = json_node_get_object (json_parser_get_root (parser));
  self = lab_train_record_new (NULL, json_object_get_string_member_with_default (obj, "dataset", ""));
  config = &self->config;
  /* A noise or optimizer this version does not know keeps the default. */
  if (json_object_has_member (obj, "noise"))
    lab_noise_parse (json_object_get_string_member_with_default (obj, "noise", "none"), &config->noise, NULL);
  config->epochs = CLAMP (json_object_get_int_member_with_default (obj, "epochs", config->epochs), 1, 1000);
  config->batch = CLAMP (json_object_get_int_member_with_default (obj, "batch", config->batch), 1, 4096);
  config->lr = json_object_get_double_member_with_default (obj, "lr", config->lr);
  config->seed = (guint64) MAX (json_object_get_int_member_with_default (obj, "seed", 0), 0);
  config->limit = (guint) CLAMP (json_object_get_int_member_with_default (obj, "limit", 0), 0, G_MAXINT);
  lab_optim_kind_from_name (json_object_get_string_member_with_default (obj, "optimizer", "adam"),
                            &config->optimizer, NULL);
  init = json_object_get_string_member_with_default (obj, "init", NULL);
  self->init = g_strdup (init);
  self->steps = (guint64) MAX (json_object_get_int_member_with_default (obj, "steps", 0), 0);
  self->train_loss = read_series (obj, "train_loss");
  self->val_loss = read_series (obj, "val_loss");
  self->epoch_seconds = read_series (obj, "epoch_seconds");
  /* Any of the three means a history: the others are then empty. */
  if (self->train_loss != NULL || self->val_loss != NULL || self->epoch_seconds != NULL)
    for (guint k = 0; k < 3; k++)
      {
        GArray **series = k == 0 ? &self->train_loss : k == 1 ? &self->val_loss : &self->epoch_seconds;

        if (*series == NULL)
          *series = g_array_new (FALSE, FALSE, sizeof (double));
      }
  if (json_object_has_member (obj, "test") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "test")))
    {
      JsonObject *t = json_object_get_object_member (obj, "test");

      self->has_test = TRUE;
      self->test.n_images = (guint) CLAMP (json_object_get_int_member_with_default (t, "images", 0), 0, G_MAXUINT);
      self->test.loss = read_double (t, "loss");
      self->test.mse = read_double (t, "mse");
      self->test.bce = read_double (t, "bce");
      self->test.psnr = read_double (t, "psnr");
      self->test.accuracy = read_double (t, "accuracy");
    }
  return g_steal_pointer (&self);
}
