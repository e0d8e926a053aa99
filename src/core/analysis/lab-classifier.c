#define G_LOG_DOMAIN "latentlab-core"

/* The classifiers' common part: names, defaults, input checks, and the
 * dispatch to the kind's fit (lab-classifier-svm.c, -linear.c, -knn.c). */

#include "lab-classifier-private.h"

#include <math.h>

#include "lab-blas.h"

#include <glib/gi18n.h>

static const struct
{
  const char *name;
  const char *title;
} kinds[LAB_CLASSIFIER_N_KINDS] = {
  [LAB_CLASSIFIER_SVM_RBF]    = { "svm-rbf",    N_("RBF SVM") },
  [LAB_CLASSIFIER_SVM_LINEAR] = { "svm-linear", N_("Linear SVM") },
  [LAB_CLASSIFIER_LOGISTIC]   = { "logistic",   N_("Logistic regression") },
  [LAB_CLASSIFIER_KNN]        = { "knn",        N_("k-NN") },
};

const char *
lab_classifier_kind_name (LabClassifierKind kind)
{
  g_return_val_if_fail (kind < LAB_CLASSIFIER_N_KINDS, NULL);
  return kinds[kind].name;
}

const char *
lab_classifier_kind_title (LabClassifierKind kind)
{
  g_return_val_if_fail (kind < LAB_CLASSIFIER_N_KINDS, NULL);
  return kinds[kind].title;
}

gboolean
lab_classifier_kind_parse (const char         *name,
                           LabClassifierKind  *kind,
                           GError            **error)
{
  static const struct { const char *alias; LabClassifierKind kind; } aliases[] = {
    { "svm", LAB_CLASSIFIER_SVM_RBF },
    { "rbf", LAB_CLASSIFIER_SVM_RBF },
    { "linear", LAB_CLASSIFIER_SVM_LINEAR },
    { "lr", LAB_CLASSIFIER_LOGISTIC },
    { "k-nn", LAB_CLASSIFIER_KNN },
  };

  for (guint i = 0; name != NULL && i < LAB_CLASSIFIER_N_KINDS; i++)
    if (g_ascii_strcasecmp (name, kinds[i].name) == 0)
      {
        *kind = i;
        return TRUE;
      }
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (aliases); i++)
    if (g_ascii_strcasecmp (name, aliases[i].alias) == 0)
      {
        *kind = aliases[i].kind;
        return TRUE;
      }
  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
               "Unknown classifier “%s”: use svm-rbf, svm-linear, logistic or knn",
               name ? name : "");
  return FALSE;
}

const char *
lab_distance_name (LabDistance distance)
{
  return distance == LAB_DISTANCE_COSINE ? "cosine" : "euclidean";
}

gboolean
lab_distance_parse (const char   *name,
                    LabDistance  *distance,
                    GError      **error)
{
  if (name != NULL && g_ascii_strcasecmp (name, "euclidean") == 0)
    *distance = LAB_DISTANCE_EUCLIDEAN;
  else if (name != NULL && g_ascii_strcasecmp (name, "cosine") == 0)
    *distance = LAB_DISTANCE_COSINE;
  else
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Unknown distance “%s”: use euclidean or cosine", name ? name : "");
      return FALSE;
    }
  return TRUE;
}

void
lab_classifier_config_init (LabClassifierConfig *config,
                            LabClassifierKind    kind)
{
  *config = (LabClassifierConfig) {
    .kind = kind,
    .C = kind == LAB_CLASSIFIER_SVM_RBF ? 10 : 1,
    .gamma = 0,
    .k = LAB_KNN_DEFAULT_K,
    .distance = LAB_DISTANCE_EUCLIDEAN,
    .n_threads = 0,
    .cache_mb = LAB_SVM_DEFAULT_CACHE_MB,
    .shrinking = TRUE,
    .svm_trainer = LAB_SVM_PAIRS,
    .keep_unconverged = FALSE,
  };
}

double
lab_svm_gamma_scale (const float *x,
                     gsize        n,
                     gsize        d)
{
  gsize total = n * d;
  double mean = 0, var = 0;

  if (total == 0)
    return 1;
  /* Two passes in double, as numpy's var. */
  for (gsize i = 0; i < total; i++)
    mean += x[i];
  mean /= total;
  for (gsize i = 0; i < total; i++)
    var += ((double) x[i] - mean) * ((double) x[i] - mean);
  var /= total;
  return var > 0 ? 1.0 / (d * var) : 1.0;
}

gboolean
lab_classifier_cancelled (GCancellable  *cancellable,
                          GError       **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error_literal (error, LAB_ERROR, LAB_ERROR_CANCELLED,
                       _("The classifier was stopped before it finished"));
  return TRUE;
}

void
lab_classifier_row_norms (const float *x,
                          gsize        n,
                          gsize        d,
                          float       *norms)
{
  for (gsize i = 0; i < n; i++)
    {
      const float *r = x + i * d;
      float s = 0;

      for (gsize j = 0; j < d; j++)
        s += r[j] * r[j];
      norms[i] = s;
    }
}

typedef struct
{
  LabClassifierBlockFunc func;
  gpointer               job;
  guint                  m;
  guint                  n_blocks;
  gint                   next;        /* atomic: the next block to take */
  guint                  done;        /* under lock */
  GMutex                 lock;
  LabProgressFunc        progress;
  gpointer               user_data;
  GCancellable          *cancellable;
} Blocks;

static void
blocks_lane (guint    lane,
             gpointer data)
{
  Blocks *b = data;

  for (;;)
    {
      guint block = (guint) g_atomic_int_add (&b->next, 1);
      guint row0 = block * LAB_CLASSIFIER_BLOCK;

      if (block >= b->n_blocks || g_cancellable_is_cancelled (b->cancellable))
        return;
      b->func (b->job, lane, row0, MIN (LAB_CLASSIFIER_BLOCK, b->m - row0));
      g_mutex_lock (&b->lock);
      b->done++;
      if (b->progress != NULL)
        b->progress ((double) b->done / b->n_blocks, NULL, b->user_data);
      g_mutex_unlock (&b->lock);
    }
}

gboolean
lab_classifier_run_blocks (LabClassifier          *self,
                           guint                   m,
                           LabClassifierBlockFunc  func,
                           gpointer                job,
                           LabProgressFunc         progress,
                           gpointer                user_data,
                           GCancellable           *cancellable,
                           GError                **error)
{
  Blocks b = {
    .func = func, .job = job, .m = m,
    .n_blocks = (m + LAB_CLASSIFIER_BLOCK - 1) / LAB_CLASSIFIER_BLOCK,
    .progress = progress, .user_data = user_data, .cancellable = cancellable,
  };
  guint lanes = lab_team_lanes (self->team);

  /* One level of parallelism, ours: each lane's GEMMs on one BLAS thread. */
  if (lanes > 1)
    lab_blas_set_threads (1);
  g_mutex_init (&b.lock);
  lab_team_run (self->team, lanes, blocks_lane, &b);
  g_mutex_clear (&b.lock);
  return !lab_classifier_cancelled (cancellable, error);
}

float **
lab_classifier_lane_buffers (LabClassifier *self,
                             gsize          n_floats)
{
  guint lanes = lab_team_lanes (self->team);
  float **buffers = g_new0 (float *, lanes + 1);

  for (guint l = 0; l < lanes; l++)
    buffers[l] = g_new (float, MAX (n_floats, 1));
  return buffers;
}

void
lab_classifier_free_lanes (float **buffers)
{
  for (guint l = 0; buffers != NULL && buffers[l] != NULL; l++)
    g_free (buffers[l]);
  g_free (buffers);
}

static gboolean
check_input (const LabClassifierConfig  *config,
             const float                *x,
             const guint8               *y,
             guint                       n,
             guint                       d,
             guint                       n_classes,
             GError                    **error)
{
  guint present = 0;
  g_autofree guint *counts = NULL;

  if (config->kind >= LAB_CLASSIFIER_N_KINDS)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "Unknown classifier kind %d", config->kind);
      return FALSE;
    }
  if (n == 0 || d == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "A classifier needs training rows and features, not %u × %u", n, d);
      return FALSE;
    }
  if (n_classes < 2 || n_classes > 256)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "A classifier needs 2 to 256 classes, not %u", n_classes);
      return FALSE;
    }
  if (config->kind != LAB_CLASSIFIER_KNN && !(config->C > 0 && isfinite (config->C)))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "C must be a positive number, not %g", config->C);
      return FALSE;
    }
  if (config->kind == LAB_CLASSIFIER_SVM_RBF && !isfinite (config->gamma))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "gamma must be a positive number or 'scale', not %g", config->gamma);
      return FALSE;
    }
  if (config->kind == LAB_CLASSIFIER_KNN && (config->k < 1 || config->k > MIN (n, LAB_KNN_MAX_K)))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "k must be 1 to %u (the training rows, at most %u), not %u",
                   MIN (n, LAB_KNN_MAX_K), LAB_KNN_MAX_K, config->k);
      return FALSE;
    }
  counts = g_new0 (guint, n_classes);
  for (guint i = 0; i < n; i++)
    {
      if (y[i] >= n_classes)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "Training row %u has label %u, but there are %u classes", i, y[i], n_classes);
          return FALSE;
        }
      present += counts[y[i]]++ == 0;
    }
  if (present < 2)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The %u training rows hold only one class: a classifier needs at least two", n);
      return FALSE;
    }
  for (gsize i = 0; i < (gsize) n * d; i++)
    if (!isfinite (x[i]))
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "Training row %" G_GSIZE_FORMAT " has a NaN or infinite feature", i / d);
        return FALSE;
      }
  return TRUE;
}

LabClassifier *
lab_classifier_fit (const LabClassifierConfig *config,
                    const float               *x,
                    const guint8              *y,
                    guint                      n,
                    guint                      d,
                    guint                      n_classes,
                    LabProgressFunc            progress,
                    gpointer                   user_data,
                    GCancellable              *cancellable,
                    GError                   **error)
{
  g_autoptr(LabClassifier) self = NULL;
  guint threads;
  gboolean ok = FALSE;

  if (!check_input (config, x, y, n, d, n_classes, error))
    return NULL;
  if (lab_classifier_cancelled (cancellable, error))
    return NULL;

  self = g_new0 (LabClassifier, 1);
  self->config = *config;
  self->dim = d;
  self->n_classes = n_classes;
  self->converged = TRUE;
  if (config->kind == LAB_CLASSIFIER_SVM_RBF && !(config->gamma > 0))
    self->config.gamma = lab_svm_gamma_scale (x, n, d);
  threads = config->n_threads > 0 ? config->n_threads : (guint) g_get_num_processors ();
  self->config.n_threads = threads;
  self->team = lab_team_new (threads, 0);

  switch (config->kind)
    {
    case LAB_CLASSIFIER_SVM_RBF:
      ok = lab_classifier_fit_svm (self, x, y, n, progress, user_data, cancellable, error);
      break;
    case LAB_CLASSIFIER_SVM_LINEAR:
    case LAB_CLASSIFIER_LOGISTIC:
      ok = lab_classifier_fit_linear (self, x, y, n, progress, user_data, cancellable, error);
      break;
    case LAB_CLASSIFIER_KNN:
    default:
      ok = lab_classifier_fit_knn (self, x, y, n, progress, user_data, cancellable, error);
      break;
    }
  if (!ok)
    return NULL;
  return g_steal_pointer (&self);
}

void
lab_classifier_free (LabClassifier *self)
{
  if (self == NULL)
    return;
  if (self->free_impl != NULL && self->impl != NULL)
    self->free_impl (self->impl);
  g_clear_pointer (&self->team, lab_team_free);
  g_free (self->warning);
  g_free (self);
}

gboolean
lab_classifier_predict (LabClassifier   *self,
                        const float     *x,
                        guint            m,
                        guint8          *labels,
                        LabProgressFunc  progress,
                        gpointer         user_data,
                        GCancellable    *cancellable,
                        GError         **error)
{
  if (m == 0)
    return TRUE;
  return self->predict (self, x, m, labels, progress, user_data, cancellable, error);
}

const LabClassifierConfig *
lab_classifier_get_config (LabClassifier *self)
{
  return &self->config;
}

guint
lab_classifier_get_dim (LabClassifier *self)
{
  return self->dim;
}

guint
lab_classifier_n_support (LabClassifier *self)
{
  return self->n_support;
}

gboolean
lab_classifier_converged (LabClassifier *self)
{
  return self->converged;
}

const char *
lab_classifier_get_warning (LabClassifier *self)
{
  return self->warning;
}
