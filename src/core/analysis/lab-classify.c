#define G_LOG_DOMAIN "latentlab-core"

/* A classification run: features, standardisation, fit, predict, scores. */

#include "lab-classify.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-embedding.h"
#include "lab-format.h"
#include "lab-pca.h"
#include "lab-split.h"

/* Shares of the whole run's progress bar. */
#define SHARE_FEATURES 0.15
#define SHARE_FIT      0.70

const char *
lab_feature_kind_name (LabFeatureKind kind)
{
  return kind == LAB_FEATURES_PIXELS ? "pixels" : kind == LAB_FEATURES_PCA ? "pca" : "latent";
}

const char *
lab_feature_kind_title (LabFeatureKind kind)
{
  return kind == LAB_FEATURES_PIXELS ? N_("Pixels") : kind == LAB_FEATURES_PCA ? N_("PCA")
                                                                               : N_("Latent");
}

char *
lab_classify_result_features_label (const LabClassifyResult *self)
{
  g_autofree char *dim = lab_format_count_localized (self->dim);

  switch (self->config.features)
    {
    case LAB_FEATURES_PIXELS:
      /* Translators: a classifier's features: the pixels of each image and
       * how many, "pixels (784)" */
      return g_strdup_printf (_("pixels (%s)"), dim);
    case LAB_FEATURES_PCA:
      /* Translators: a classifier's features: the first principal
       * components of the pixels, "PCA-50" */
      return g_strdup_printf (_("PCA-%s"), dim);
    case LAB_FEATURES_LATENT:
    default:
      /* Translators: a classifier's features: the model's latent values
       * and how many, "latent (128)" */
      return g_strdup_printf (_("latent (%s)"), dim);
    }
}

char *
lab_classify_result_warning_label (const LabClassifyResult *self)
{
  g_autofree char *c = NULL;

  if (self->converged || self->warning == NULL)
    return NULL;
  if (self->kind == LAB_CLASSIFIER_SVM_RBF)
    return g_strdup (_("libsvm stopped at its iteration limit before the optimum: "
                       "standardise the features or lower C"));
  c = lab_format_shown ("%g", self->config.classifier.C);
  if (self->kind == LAB_CLASSIFIER_LOGISTIC)
    return g_strdup_printf (_("Logistic regression stopped at liblinear's iteration limit (C = %s) "
                              "before it converged: standardise the features or lower C"), c);
  return g_strdup_printf (_("The linear SVM stopped at liblinear's iteration limit (C = %s) "
                            "before it converged: standardise the features or lower C"), c);
}

gboolean
lab_feature_kind_parse (const char      *text,
                        LabFeatureKind  *kind,
                        guint           *pca_k,
                        GError         **error)
{
  if (text != NULL && g_ascii_strcasecmp (text, "latent") == 0)
    *kind = LAB_FEATURES_LATENT;
  else if (text != NULL && g_ascii_strcasecmp (text, "pixels") == 0)
    *kind = LAB_FEATURES_PIXELS;
  else if (text != NULL && g_ascii_strncasecmp (text, "pca", 3) == 0
           && (text[3] == '\0' || text[3] == ':'))
    {
      guint64 k = LAB_CLASSIFY_DEFAULT_PCA;

      if (text[3] == ':' && !g_ascii_string_to_unsigned (text + 4, 10, 1, 4096, &k, NULL))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "“%s”: PCA takes a number of components from 1 to 4096, as pca:50", text);
          return FALSE;
        }
      *kind = LAB_FEATURES_PCA;
      *pca_k = (guint) k;
    }
  else
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Unknown features “%s”: use latent, pixels or pca:K", text ? text : "");
      return FALSE;
    }
  return TRUE;
}

void
lab_classify_config_init (LabClassifyConfig *config,
                          LabClassifierKind  kind)
{
  memset (config, 0, sizeof *config);
  lab_classifier_config_init (&config->classifier, kind);
  config->features = LAB_FEATURES_LATENT;
  config->pca_k = LAB_CLASSIFY_DEFAULT_PCA;
  config->n_train = LAB_CLASSIFY_DEFAULT_TRAIN;
  config->n_test = 0;
  config->standardize = FALSE;
  config->seed = 1;
}

void
lab_classify_result_free (LabClassifyResult *self)
{
  if (self == NULL)
    return;
  g_free (self->model_name);
  g_free (self->dataset_name);
  g_free (self->features_title);
  g_strfreev (self->class_names);
  g_free (self->precision);
  g_free (self->recall);
  g_free (self->f1);
  g_free (self->support);
  g_free (self->confusion);
  g_free (self->test_indices);
  g_free (self->truth);
  g_free (self->predicted);
  g_free (self->warning);
  g_free (self);
}

void
lab_classify_score (LabClassifyResult *self,
                    const guint8      *truth,
                    const guint8      *predicted,
                    guint              n)
{
  guint k = self->n_classes, right = 0;

  self->confusion = g_new0 (guint, (gsize) k * k);
  self->support = g_new0 (guint, k);
  self->precision = g_new (double, k);
  self->recall = g_new (double, k);
  self->f1 = g_new (double, k);
  for (guint i = 0; i < n; i++)
    {
      self->confusion[(gsize) truth[i] * k + predicted[i]]++;
      self->support[truth[i]]++;
      right += truth[i] == predicted[i];
    }
  self->accuracy = n > 0 ? (double) right / n : NAN;
  for (guint c = 0; c < k; c++)
    {
      guint tp = self->confusion[(gsize) c * k + c], col = 0;

      for (guint r = 0; r < k; r++)
        col += self->confusion[(gsize) r * k + c];
      self->precision[c] = col > 0 ? (double) tp / col : NAN;
      self->recall[c] = self->support[c] > 0 ? (double) tp / self->support[c] : NAN;
      self->f1[c] = isnan (self->precision[c]) || isnan (self->recall[c]) ? NAN
                    : self->precision[c] + self->recall[c] > 0
                    ? 2 * self->precision[c] * self->recall[c] / (self->precision[c] + self->recall[c])
                    : 0;
    }
}

guint
lab_classify_cell_rows (const LabClassifyResult *self,
                        guint                    truth,
                        guint                    predicted,
                        guint                   *rows,
                        guint                    max_rows)
{
  guint found = 0;

  for (guint i = 0; i < self->n_test && found < max_rows; i++)
    if (self->truth[i] == truth && self->predicted[i] == predicted)
      rows[found++] = i;
  return found;
}

/* Progress of one stage, scaled into its share of the run. */
typedef struct
{
  LabProgressFunc  func;
  gpointer         data;
  double           lo, hi;
  const char      *stage;
} Stage;

static void
on_stage_progress (double      fraction,
                   const char *text,
                   gpointer    data)
{
  Stage *s = data;
  g_autofree char *line = NULL;

  if (s->func == NULL)
    return;
  /* Translators: a classification's progress: its stage and where in it
   * it is, "Training: pair 12 of 45" */
  line = text != NULL ? g_strdup_printf (_("%s: %s"), s->stage, text) : g_strdup (s->stage);
  s->func (s->lo + (s->hi - s->lo) * CLAMP (fraction, 0, 1), line, s->data);
}

static int
compare_uint (const void *a,
              const void *b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* n of the dataset's images: all of them in order, or a class-stratified
 * seeded sample, ascending. */
static guint *
pick_images (LabDataset *ds,
             guint       n,
             guint64     seed)
{
  LabSplitParts *parts;
  guint *indices;

  if (n >= ds->n)
    {
      indices = g_new (guint, ds->n);
      for (guint i = 0; i < ds->n; i++)
        indices[i] = i;
      return indices;
    }
  parts = lab_split_stratified (ds->n, ds->labels, ds->n_classes, &n, 1, seed, NULL);
  indices = g_memdup2 (parts->parts[0], (gsize) n * sizeof (guint));
  lab_split_parts_free (parts);
  qsort (indices, n, sizeof (guint), compare_uint);
  return indices;
}

static gboolean
check_run (LabModel                *model,
           LabDataset              *train,
           LabDataset              *test,
           const LabClassifyConfig *config,
           GError                 **error)
{
  LabDataset *sets[2] = { train, test };

  for (guint i = 0; i < 2; i++)
    if (sets[i]->labels == NULL || sets[i]->n_classes < 2)
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "“%s” (%s) has no labels: a classifier learns from labelled images. "
                     "Put each class in a subfolder of its own",
                     sets[i]->name, sets[i]->source ? sets[i]->source : "");
        return FALSE;
      }
  if (train->height != test->height || train->width != test->width
      || train->n_classes != test->n_classes)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s” has %u×%u images in %u classes, but “%s” %u×%u in %u",
                   train->name, train->height, train->width, train->n_classes,
                   test->name, test->height, test->width, test->n_classes);
      return FALSE;
    }
  if (config->features == LAB_FEATURES_LATENT)
    {
      if (model == NULL)
        {
          g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                               "Latent features need a model: train or open one, or "
                               "classify the pixels");
          return FALSE;
        }
      if (!lab_embedding_check_encoder (model, train, error))
        return FALSE;
    }
  if (config->n_train > train->n)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "%u training images asked for, but “%s” has %u", config->n_train,
                   train->name, train->n);
      return FALSE;
    }
  if (config->n_test > test->n)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "%u test images asked for, but “%s” has %u", config->n_test, test->name, test->n);
      return FALSE;
    }
  if (config->features == LAB_FEATURES_PCA
      && (config->pca_k < 1 || config->pca_k > train->height * train->width))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "PCA of %u×%u images takes 1 to %u components, not %u",
                   train->height, train->width, train->height * train->width, config->pca_k);
      return FALSE;
    }
  return TRUE;
}

/* Features of the training and the test images, (n_train, dim) and
 * (n_test, dim). */
static gboolean
make_features (LabModel                *model,
               LabDataset              *train,
               LabDataset              *test,
               const LabClassifyConfig *config,
               LabClassifyResult       *result,
               const guint             *train_rows,
               float                  **train_x,
               float                  **test_x,
               Stage                   *stage,
               GCancellable            *cancellable,
               GError                 **error)
{
  guint pixels = train->height * train->width;
  double lo = stage->lo, hi = stage->hi;

  if (config->features == LAB_FEATURES_LATENT)
    {
      guint dim = lab_embedding_latent_dim (model);

      result->dim = dim;
      *train_x = g_new (float, (gsize) result->n_train * dim);
      *test_x = g_new (float, (gsize) result->n_test * dim);
      stage->stage = _("Encoding the training images");
      stage->hi = lo + (hi - lo) * result->n_train / (result->n_train + result->n_test);
      if (!lab_embedding_encode (model, train, train_rows, result->n_train, *train_x,
                                 cancellable, on_stage_progress, stage, error))
        return FALSE;
      stage->stage = _("Encoding the test images");
      stage->lo = stage->hi;
      stage->hi = hi;
      if (!lab_embedding_encode (model, test, result->test_indices, result->n_test, *test_x,
                                 cancellable, on_stage_progress, stage, error))
        return FALSE;
      result->features_title = g_strdup_printf ("latent (%u)", dim);
      return TRUE;
    }

  *train_x = g_new (float, (gsize) result->n_train * pixels);
  *test_x = g_new (float, (gsize) result->n_test * pixels);
  lab_dataset_to_float (train, train_rows, result->n_train, *train_x);
  lab_dataset_to_float (test, result->test_indices, result->n_test, *test_x);
  result->dim = pixels;
  result->features_title = g_strdup_printf ("pixels (%u)", pixels);
  if (config->features == LAB_FEATURES_PCA)
    {
      g_autoptr(LabPca) pca = NULL;
      float *z;

      on_stage_progress (0, _("Fitting the PCA"), stage);
      pca = lab_pca_fit (*train_x, result->n_train, pixels, config->pca_k,
                         LAB_PCA_SOLVER_AUTO, config->seed, cancellable, error);
      if (pca == NULL)
        return FALSE;
      z = g_new (float, (gsize) result->n_train * config->pca_k);
      lab_pca_transform (pca, *train_x, result->n_train, z);
      g_free (*train_x);
      *train_x = z;
      z = g_new (float, (gsize) result->n_test * config->pca_k);
      lab_pca_transform (pca, *test_x, result->n_test, z);
      g_free (*test_x);
      *test_x = z;
      result->dim = config->pca_k;
      g_free (result->features_title);
      result->features_title = g_strdup_printf ("PCA-%u", config->pca_k);
    }
  return TRUE;
}

/* (x - mean) / std per feature, both from the training rows (population
 * std, as scikit-learn's StandardScaler; a constant feature keeps std 1). */
static void
standardize (float       *train_x,
             guint        n_train,
             float       *test_x,
             guint        n_test,
             guint        dim)
{
  g_autofree double *mean = g_new0 (double, dim);
  g_autofree double *var = g_new0 (double, dim);

  for (gsize i = 0; i < n_train; i++)
    for (guint j = 0; j < dim; j++)
      mean[j] += train_x[i * dim + j];
  for (guint j = 0; j < dim; j++)
    mean[j] /= n_train;
  for (gsize i = 0; i < n_train; i++)
    for (guint j = 0; j < dim; j++)
      {
        double v = train_x[i * dim + j] - mean[j];

        var[j] += v * v;
      }
  for (guint j = 0; j < dim; j++)
    var[j] = var[j] > 0 ? sqrt (var[j] / n_train) : 1;
  for (gsize i = 0; i < n_train; i++)
    for (guint j = 0; j < dim; j++)
      train_x[i * dim + j] = (float) ((train_x[i * dim + j] - mean[j]) / var[j]);
  for (gsize i = 0; i < n_test; i++)
    for (guint j = 0; j < dim; j++)
      test_x[i * dim + j] = (float) ((test_x[i * dim + j] - mean[j]) / var[j]);
}

LabClassifyResult *
lab_classify_run (LabModel                *model,
                  LabDataset              *train,
                  LabDataset              *test,
                  const LabClassifyConfig *config,
                  LabProgressFunc          progress,
                  gpointer                 user_data,
                  GCancellable            *cancellable,
                  GError                 **error)
{
  g_autoptr(LabClassifyResult) result = NULL;
  g_autoptr(LabClassifier) classifier = NULL;
  g_autofree float *train_x = NULL, *test_x = NULL;
  g_autofree guint8 *train_y = NULL;
  g_autofree guint *train_rows = NULL;
  Stage stage = { progress, user_data, 0, SHARE_FEATURES, NULL };
  gint64 t0;

  if (!check_run (model, train, test, config, error))
    return NULL;

  result = g_new0 (LabClassifyResult, 1);
  result->config = *config;
  result->kind = config->classifier.kind;
  result->model_name = config->features == LAB_FEATURES_LATENT
                       ? g_strdup (lab_model_get_name (model)) : NULL;
  result->dataset_name = g_strdup (train->name);
  result->n_train = config->n_train == 0 ? train->n : config->n_train;
  result->n_test = config->n_test == 0 ? test->n : config->n_test;
  result->n_classes = train->n_classes;
  result->class_names = g_new0 (char *, train->n_classes + 1);
  for (guint c = 0; c < train->n_classes; c++)
    {
      char buf[16];

      result->class_names[c] = g_strdup (lab_dataset_class_name (train, c, buf));
    }
  result->height = test->height;
  result->width = test->width;
  result->config.n_train = result->n_train;
  result->config.n_test = result->n_test;
  result->test_indices = pick_images (test, result->n_test, config->seed);

  train_rows = pick_images (train, result->n_train, config->seed);
  t0 = g_get_monotonic_time ();
  if (!make_features (model, train, test, config, result, train_rows, &train_x, &test_x, &stage,
                      cancellable, error))
    return NULL;
  if (config->standardize)
    standardize (train_x, result->n_train, test_x, result->n_test, result->dim);
  result->features_seconds = (g_get_monotonic_time () - t0) / 1e6;

  train_y = g_new (guint8, result->n_train);
  for (guint i = 0; i < result->n_train; i++)
    train_y[i] = train->labels[train_rows[i]];

  stage = (Stage) { progress, user_data, SHARE_FEATURES, SHARE_FEATURES + SHARE_FIT, _("Training") };
  on_stage_progress (0, NULL, &stage);
  t0 = g_get_monotonic_time ();
  classifier = lab_classifier_fit (&config->classifier, train_x, train_y, result->n_train,
                                   result->dim, result->n_classes, on_stage_progress, &stage,
                                   cancellable, error);
  if (classifier == NULL)
    return NULL;
  result->fit_seconds = (g_get_monotonic_time () - t0) / 1e6;
  result->config.classifier = *lab_classifier_get_config (classifier);
  result->n_support = lab_classifier_n_support (classifier);
  result->converged = lab_classifier_converged (classifier);
  result->warning = g_strdup (lab_classifier_get_warning (classifier));
  g_clear_pointer (&train_x, g_free);

  stage = (Stage) { progress, user_data, SHARE_FEATURES + SHARE_FIT, 1, _("Classifying the test images") };
  result->predicted = g_new (guint8, result->n_test);
  result->truth = g_new (guint8, result->n_test);
  for (guint i = 0; i < result->n_test; i++)
    result->truth[i] = test->labels[result->test_indices[i]];
  t0 = g_get_monotonic_time ();
  if (!lab_classifier_predict (classifier, test_x, result->n_test, result->predicted,
                               on_stage_progress, &stage, cancellable, error))
    return NULL;
  result->predict_seconds = (g_get_monotonic_time () - t0) / 1e6;
  lab_classify_score (result, result->truth, result->predicted, result->n_test);
  return g_steal_pointer (&result);
}
