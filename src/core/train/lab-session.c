#define G_LOG_DOMAIN "latentlab-core"

#include "lab-session.h"

#include <string.h>

#include "lab-dataset-open.h"

struct _LabSession
{
  GObject         parent_instance;

  /* Datasets (refs) */
  LabDataset     *train;
  LabDataset     *test;
  char           *spec;
  guint           dataset_serial;
  LabSplit        other_split;     /* while loading: the split still to come */
  guint           loading : 1;
  guint           has_test_split : 1;

  /* Model */
  LabModel       *model;
  LabTrainConfig  config;
  char           *train_json;
  char           *model_path;
  guint64         weights_serial;
  guint64         step;
  float          *grad_norms;      /* (n_layers) of the weights published, or NULL */
  guint           has_config : 1;
  guint           training : 1;
};

enum {
  PROP_0,
  PROP_TRAINING,
  PROP_READY,
  N_PROPS
};

enum {
  DATASETS_CHANGED,
  MODEL_CHANGED,
  WEIGHTS_PUBLISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabSession, lab_session, G_TYPE_OBJECT)

static void
datasets_ready (LabSession *self)
{
  self->loading = FALSE;
  self->dataset_serial++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
  g_signal_emit (self, signals[DATASETS_CHANGED], 0);
}

gboolean
lab_session_set_dataset (LabSession *self,
                         LabDataset *dataset,
                         const char *spec,
                         LabSplit    split,
                         LabSplit   *other_split)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), FALSE);

  g_clear_pointer (&self->train, lab_dataset_unref);
  g_clear_pointer (&self->test, lab_dataset_unref);
  g_clear_pointer (&self->spec, g_free);
  if (dataset == NULL)
    {
      self->loading = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
      return FALSE;
    }

  self->spec = g_strdup (spec);
  if (split == LAB_SPLIT_TEST)
    self->test = lab_dataset_ref (dataset);
  else
    self->train = lab_dataset_ref (dataset);

  if (spec == NULL || !lab_dataset_spec_has_splits (spec))
    {
      if (self->train == NULL)
        self->train = lab_dataset_ref (dataset);
      if (self->test == NULL)
        self->test = lab_dataset_ref (dataset);
      self->has_test_split = FALSE;
      datasets_ready (self);
      return FALSE;
    }

  self->loading = TRUE;
  self->other_split = split == LAB_SPLIT_TEST ? LAB_SPLIT_TRAIN : LAB_SPLIT_TEST;
  if (other_split != NULL)
    *other_split = self->other_split;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
  return TRUE;
}

void
lab_session_add_other_split (LabSession   *self,
                             LabDataset   *other,
                             const GError *error)
{
  LabDataset *shown;

  g_return_if_fail (LAB_IS_SESSION (self));
  g_return_if_fail (self->loading);

  shown = self->other_split == LAB_SPLIT_TEST ? self->train : self->test;
  if (other == NULL || other->height != shown->height || other->width != shown->width)
    {
      /* No usable other split: validate and test on the shown dataset. */
      g_debug ("No %s split for %s: %s", self->other_split == LAB_SPLIT_TEST ? "test" : "train",
               self->spec, error ? error->message : "its images differ in size");
      shown = lab_dataset_ref (shown);
      g_clear_pointer (&self->train, lab_dataset_unref);
      g_clear_pointer (&self->test, lab_dataset_unref);
      self->train = shown;
      self->test = lab_dataset_ref (shown);
      self->has_test_split = FALSE;
    }
  else if (self->other_split == LAB_SPLIT_TEST)
    {
      g_clear_pointer (&self->test, lab_dataset_unref);
      self->test = lab_dataset_ref (other);
      self->has_test_split = TRUE;
    }
  else
    {
      g_clear_pointer (&self->train, lab_dataset_unref);
      self->train = lab_dataset_ref (other);
      self->has_test_split = TRUE;
    }
  datasets_ready (self);
}

LabDataset *
lab_session_get_train_dataset (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  return self->loading ? NULL : self->train;
}

LabDataset *
lab_session_get_test_dataset (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  return self->loading ? NULL : self->test;
}

gboolean
lab_session_has_test_split (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), FALSE);

  return self->has_test_split;
}

const char *
lab_session_get_dataset_spec (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  return self->spec;
}

gboolean
lab_session_is_ready (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), FALSE);

  return !self->loading && self->train != NULL && self->test != NULL;
}

guint
lab_session_get_dataset_serial (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), 0);

  return self->dataset_serial;
}

/* Model */

LabModel *
lab_session_get_model (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  return self->model;
}

void
lab_session_set_model (LabSession           *self,
                       LabModel             *model,
                       const LabTrainConfig *config,
                       const char           *train_json,
                       const char           *path)
{
  g_return_if_fail (LAB_IS_SESSION (self));

  if (model != self->model)
    g_clear_pointer (&self->model, lab_model_free);
  self->model = model;
  self->has_config = config != NULL;
  if (config != NULL)
    self->config = *config;
  g_free (self->train_json);
  self->train_json = g_strdup (train_json);
  g_free (self->model_path);
  self->model_path = g_strdup (path);
  self->step = 0;
  g_clear_pointer (&self->grad_norms, g_free);
  self->weights_serial++;
  g_signal_emit (self, signals[MODEL_CHANGED], 0);
}

void
lab_session_publish (LabSession  *self,
                     const float *params,
                     const float *buffers,
                     const float *grad_norms,
                     guint64      step)
{
  g_return_if_fail (LAB_IS_SESSION (self));
  g_return_if_fail (self->model != NULL);

  g_clear_pointer (&self->grad_norms, g_free);
  if (grad_norms != NULL)
    self->grad_norms = g_memdup2 (grad_norms, lab_model_n_layers (self->model) * sizeof (float));

  memcpy (lab_model_params (self->model), params, lab_model_n_params (self->model) * sizeof (float));
  if (lab_model_n_buffers (self->model) > 0)
    memcpy (lab_model_buffers (self->model), buffers,
            lab_model_n_buffers (self->model) * sizeof (float));
  self->step = step;
  self->weights_serial++;
  g_signal_emit (self, signals[WEIGHTS_PUBLISHED], 0);
}

void
lab_session_publish_from (LabSession *self,
                          LabModel   *model,
                          guint64     step)
{
  g_return_if_fail (LAB_IS_SESSION (self));
  g_return_if_fail (self->model != NULL);

  if (!lab_model_copy_params_from (self->model, model))
    return;
  g_clear_pointer (&self->grad_norms, g_free);
  self->step = step;
  self->weights_serial++;
  g_signal_emit (self, signals[WEIGHTS_PUBLISHED], 0);
}

guint64
lab_session_get_weights_serial (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), 0);

  return self->weights_serial;
}

const float *
lab_session_get_grad_norms (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  return self->grad_norms;
}

guint64
lab_session_get_step (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), 0);

  return self->step;
}

const LabTrainConfig *
lab_session_get_train_config (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  return self->has_config ? &self->config : NULL;
}

const char *
lab_session_get_train_json (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  return self->train_json;
}

void
lab_session_set_train_json (LabSession *self,
                            const char *train_json)
{
  g_return_if_fail (LAB_IS_SESSION (self));

  g_free (self->train_json);
  self->train_json = g_strdup (train_json);
}

const char *
lab_session_get_model_path (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  return self->model_path;
}

void
lab_session_set_model_path (LabSession *self,
                            const char *path)
{
  g_return_if_fail (LAB_IS_SESSION (self));

  g_free (self->model_path);
  self->model_path = g_strdup (path);
}

gboolean
lab_session_get_training (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), FALSE);

  return self->training;
}

void
lab_session_set_training (LabSession *self,
                          gboolean    training)
{
  g_return_if_fail (LAB_IS_SESSION (self));

  training = !!training;
  if (self->training == training)
    return;
  self->training = training;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING]);
}

/* GObject */

static void
lab_session_finalize (GObject *object)
{
  LabSession *self = (LabSession *)object;

  g_clear_pointer (&self->train, lab_dataset_unref);
  g_clear_pointer (&self->test, lab_dataset_unref);
  g_clear_pointer (&self->spec, g_free);
  g_clear_pointer (&self->model, lab_model_free);
  g_clear_pointer (&self->train_json, g_free);
  g_clear_pointer (&self->model_path, g_free);
  g_clear_pointer (&self->grad_norms, g_free);

  G_OBJECT_CLASS (lab_session_parent_class)->finalize (object);
}

static void
lab_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LabSession *self = LAB_SESSION (object);

  switch (prop_id)
    {
    case PROP_TRAINING:
      g_value_set_boolean (value, self->training);
      break;

    case PROP_READY:
      g_value_set_boolean (value, lab_session_is_ready (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_session_class_init (LabSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_session_finalize;
  object_class->get_property = lab_session_get_property;

  properties[PROP_TRAINING] =
    g_param_spec_boolean ("training", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DATASETS_CHANGED] =
    g_signal_new ("datasets-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[MODEL_CHANGED] =
    g_signal_new ("model-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[WEIGHTS_PUBLISHED] =
    g_signal_new ("weights-published", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lab_session_init (LabSession *self)
{
}

LabSession *
lab_session_new (void)
{
  return g_object_new (LAB_TYPE_SESSION, NULL);
}
