#define G_LOG_DOMAIN "latentlab-core"

/* The linear SVM and logistic regression: liblinear, one-vs-rest, with a
 * bias feature of 1 (scikit-learn's intercept_scaling = 1).
 *
 * liblinear prints through one process-wide function and draws its
 * coordinate order from rand(); one fit at a time holds the lock, seeds
 * rand() (so a fit is the same every time) and reads the printout for the
 * iteration-limit warning. More than two classes are fitted one binary
 * problem at a time, so a cancel waits for one class, not all of them. */

#include "lab-classifier-private.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <linear.h>

#include "lab-blas.h"

/* liblinear links the system BLAS (libblas.so.3, which is OpenBLAS on
 * Debian). Linked into the programs, it would load and initialise OpenBLAS
 * when they start, before lab_blas_init() could choose its kernels from the
 * CPU's features; so liblinear is loaded here on first use, after the BLAS,
 * and only its header is used at build time. */
typedef struct
{
  struct model *(*train)                     (const struct problem   *prob,
                                              const struct parameter *param);
  double        (*predict)                   (const struct model        *model,
                                              const struct feature_node *x);
  const char   *(*check_parameter)           (const struct problem   *prob,
                                              const struct parameter *param);
  void          (*set_print_string_function) (void (*print) (const char *));
  void          (*free_and_destroy_model)    (struct model **model);
} LinearApi;

static LinearApi linear;
static char *linear_failure;

static gboolean
linear_load (GError **error)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      void *handle;

      lab_blas_init ();
      handle = dlopen ("liblinear.so.4", RTLD_NOW | RTLD_LOCAL);
      if (handle == NULL)
        linear_failure = g_strdup (dlerror ());
      else
        {
          *(void **) &linear.train = dlsym (handle, "train");
          *(void **) &linear.predict = dlsym (handle, "predict");
          *(void **) &linear.check_parameter = dlsym (handle, "check_parameter");
          *(void **) &linear.set_print_string_function = dlsym (handle, "set_print_string_function");
          *(void **) &linear.free_and_destroy_model = dlsym (handle, "free_and_destroy_model");
          if (!linear.train || !linear.predict || !linear.check_parameter
              || !linear.set_print_string_function || !linear.free_and_destroy_model)
            linear_failure = g_strdup ("liblinear.so.4 lacks one of its functions");
        }
      g_once_init_leave (&once, 1);
    }
  if (linear_failure != NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND,
                   "the linear SVM and logistic regression need liblinear (Debian package "
                   "liblinear4): %s", linear_failure);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  struct model        *model;
  guint                d;
} Linear;

static void
linear_free (gpointer data)
{
  Linear *lin = data;

  if (lin->model != NULL)
    linear.free_and_destroy_model (&lin->model);
  g_free (lin);
}

G_LOCK_DEFINE_STATIC (liblinear);
static gboolean linear_hit_limit;   /* under the lock */

static void
linear_print (const char *s)
{
  if (strstr (s, "reaching max number of") != NULL)
    linear_hit_limit = TRUE;
}

/* Row i of x as liblinear nodes: the non-zero features (1-based), the bias
 * as feature d + 1, then -1. nodes holds at least d + 2. */
static void
fill_row (const float         *row,
          guint                d,
          struct feature_node *nodes)
{
  guint k = 0;

  for (guint j = 0; j < d; j++)
    if (row[j] != 0)
      nodes[k++] = (struct feature_node) { (int) j + 1, row[j] };
  nodes[k++] = (struct feature_node) { (int) d + 1, 1.0 };
  nodes[k] = (struct feature_node) { -1, 0 };
}

static gboolean
linear_predict (LabClassifier   *self,
                const float     *x,
                guint            m,
                guint8          *labels,
                LabProgressFunc  progress,
                gpointer         user_data,
                GCancellable    *cancellable,
                GError         **error)
{
  Linear *lin = self->impl;
  g_autofree struct feature_node *nodes = g_new (struct feature_node, lin->d + 2);

  for (guint i = 0; i < m; i++)
    {
      if ((i & 1023) == 0)
        {
          if (lab_classifier_cancelled (cancellable, error))
            return FALSE;
          if (progress != NULL)
            progress ((double) i / m, NULL, user_data);
        }
      fill_row (x + (gsize) i * lin->d, lin->d, nodes);
      labels[i] = (guint8) linear.predict (lin->model, nodes);
    }
  if (progress != NULL)
    progress (1, NULL, user_data);
  return TRUE;
}

/* liblinear's one-vs-rest, one class at a time: what its train() does for
 * more than two classes (class c's rows +1, the others -1, c in order of
 * first appearance), but with the cancellable checked between classes,
 * since one call of liblinear cannot be interrupted. The binary models'
 * weights become one model of all classes, as train() lays it out, so
 * liblinear's predict reads it. NULL when cancelled. Under the lock. */
static struct model *
train_one_vs_rest (const struct problem   *prob,
                   const struct parameter *param,
                   const guint8           *y,
                   LabProgressFunc         progress,
                   gpointer                user_data,
                   GCancellable           *cancellable)
{
  guint8 order[256];
  guint n_order = 0, w_size = (guint) prob->n;
  gboolean seen[256] = { FALSE };
  g_autofree double *sub_y = g_new (double, prob->l);
  struct problem sub = *prob;
  struct model *all;

  for (int i = 0; i < prob->l; i++)
    if (!seen[y[i]])
      {
        seen[y[i]] = TRUE;
        order[n_order++] = y[i];
      }
  /* Two classes are one problem: liblinear's own. */
  if (n_order <= 2)
    return g_cancellable_is_cancelled (cancellable) ? NULL : linear.train (prob, param);

  all = malloc (sizeof *all);
  *all = (struct model) { .param = *param, .nr_class = (int) n_order, .nr_feature = prob->n - 1,
                          .w = malloc (sizeof (double) * w_size * n_order),
                          .label = malloc (sizeof (int) * n_order), .bias = prob->bias };
  sub.y = sub_y;
  for (guint c = 0; c < n_order; c++)
    {
      struct model *one;
      double sign;

      if (g_cancellable_is_cancelled (cancellable))
        {
          linear.free_and_destroy_model (&all);
          return NULL;
        }
      all->label[c] = order[c];
      for (int i = 0; i < prob->l; i++)
        sub_y[i] = y[i] == order[c] ? 1 : -1;
      one = linear.train (&sub, param);
      /* Its first label is the one a positive decision means. */
      sign = one->label[0] == 1 ? 1 : -1;
      for (guint j = 0; j < w_size; j++)
        all->w[(gsize) j * n_order + c] = sign * one->w[j];
      linear.free_and_destroy_model (&one);
      if (progress != NULL)
        progress ((double) (c + 1) / n_order, NULL, user_data);
    }
  return all;
}

gboolean
lab_classifier_fit_linear (LabClassifier   *self,
                           const float     *x,
                           const guint8    *y,
                           guint            n,
                           LabProgressFunc  progress,
                           gpointer         user_data,
                           GCancellable    *cancellable,
                           GError         **error)
{
  gboolean logistic = self->config.kind == LAB_CLASSIFIER_LOGISTIC;
  guint d = self->dim;
  struct parameter param = {
    .solver_type = logistic ? L2R_LR : L2R_L2LOSS_SVC_DUAL,
    .eps = logistic ? 0.01 : 0.1,      /* liblinear's own defaults per solver */
    .C = self->config.C,
  };
  g_autofree struct feature_node **rows = g_new (struct feature_node *, n);
  g_autofree struct feature_node *nodes = NULL;
  g_autofree double *yd = g_new (double, n);
  struct problem prob = { .l = (int) n, .n = (int) d + 1, .y = yd, .x = rows, .bias = 1 };
  Linear *lin = g_new0 (Linear, 1);
  gsize n_nodes = 0;
  const char *problem;
  gboolean hit_limit;

  if (!linear_load (error))
    {
      g_free (lin);
      return FALSE;
    }
  lin->d = d;
  self->impl = lin;
  self->free_impl = linear_free;
  self->predict = linear_predict;

  for (gsize i = 0; i < (gsize) n * d; i++)
    n_nodes += x[i] != 0;
  nodes = g_new (struct feature_node, n_nodes + 2 * (gsize) n);
  n_nodes = 0;
  for (guint i = 0; i < n; i++)
    {
      rows[i] = nodes + n_nodes;
      fill_row (x + (gsize) i * d, d, rows[i]);
      while (nodes[n_nodes].index != -1)
        n_nodes++;
      n_nodes++;
      yd[i] = y[i];
    }
  problem = linear.check_parameter (&prob, &param);
  if (problem != NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "liblinear refuses the settings: %s", problem);
      return FALSE;
    }
  if (progress != NULL)
    /* Translators: a classifier's fit, by the library liblinear */
    progress (0, logistic ? _("liblinear, logistic regression") : _("liblinear, linear SVM"), user_data);

  G_LOCK (liblinear);
  linear.set_print_string_function (linear_print);
  linear_hit_limit = FALSE;
  srand (1);
  lin->model = train_one_vs_rest (&prob, &param, y, progress, user_data, cancellable);
  hit_limit = linear_hit_limit;
  G_UNLOCK (liblinear);

  if (lab_classifier_cancelled (cancellable, error))
    return FALSE;
  if (progress != NULL)
    progress (1, NULL, user_data);
  if (hit_limit)
    {
      const char *what = logistic ? "Logistic regression" : "The linear SVM";

      if (!self->config.keep_unconverged)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_FAILED,
                       "%s did not converge within liblinear's iteration limit "
                       "(C = %g, %u features): standardise the features, lower C, "
                       "or keep the unconverged model",
                       what, self->config.C, d);
          return FALSE;
        }
      self->converged = FALSE;
      self->warning = g_strdup_printf ("%s stopped at liblinear's iteration limit (C = %g) "
                                       "before it converged: standardise the features or "
                                       "lower C", what, self->config.C);
    }
  return TRUE;
}
