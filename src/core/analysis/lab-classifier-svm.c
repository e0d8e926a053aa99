#define G_LOG_DOMAIN "latentlab-core"

/* The RBF SVM: libsvm's C-SVC, one-vs-one.
 *
 * libsvm's own multi-class svm_train trains its k(k-1)/2 pairs one after
 * the other. Here (LAB_SVM_PAIRS) each pair is a binary libsvm problem of
 * its own, built exactly as svm_train builds it (classes in order of first
 * appearance, the first class's rows then the second's, +1 then -1), handed
 * to whichever thread of the team is free; so the pairs' solutions are
 * libsvm's and the vote is libsvm's (ties to the class that appeared
 * first). LAB_SVM_LIBSVM calls svm_train itself, for comparison.
 *
 * Either way the fitted pairs become one table: the distinct support
 * vectors (n_sv, d), their coefficients in every pair (n_sv, n_pairs, zero
 * where a vector is not one of the pair's) and the pairs' rho. Prediction
 * is then two GEMMs per block of rows: the kernel rows
 * K = exp(-gamma |x - s|²) (block, n_sv) from x · s^T, and the decision
 * values K · coef (block, n_pairs). */

#include "lab-classifier-private.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libsvm/svm.h>

#include "lab-blas.h"
#include "lab-fork.h"

typedef struct
{
  guint     d;
  guint     n_sv;
  guint     n_pairs;
  guint     n_order;
  float    *sv;          /* (n_sv, d) */
  float    *sv_norms;    /* (n_sv) */
  float    *coef;        /* (n_sv, n_pairs) */
  float    *rho;         /* (n_pairs) */
  guint8   *first;       /* (n_pairs) class a decision > 0 votes for */
  guint8   *second;      /* (n_pairs) the other one */
  guint8    order[256];  /* classes in order of first appearance: the vote's ties */
  double    gamma;
} Svm;

static void
svm_free (gpointer data)
{
  Svm *svm = data;

  g_free (svm->sv);
  g_free (svm->sv_norms);
  g_free (svm->coef);
  g_free (svm->rho);
  g_free (svm->first);
  g_free (svm->second);
  g_free (svm);
}

/* libsvm prints through one process-wide function; it is set once, to
 * nothing but a note (per thread) of the iteration-limit warning. */
static _Thread_local gboolean svm_hit_limit;

static void
svm_print (const char *s)
{
  if (strstr (s, "reaching max number of iterations") != NULL)
    svm_hit_limit = TRUE;
}

static void
svm_quiet_once (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      svm_set_print_string_function (svm_print);
      g_once_init_leave (&done, 1);
    }
}

/* One binary problem's result, in training rows of the whole set. */
typedef struct
{
  guint8   a, b;
  guint    n;
  guint   *rows;         /* (n) */
  double  *coef;         /* (n) */
  double   rho;
} PairFit;

static void
pairs_free (PairFit *pairs,
            guint    n_pairs)
{
  for (guint p = 0; p < n_pairs; p++)
    {
      g_free (pairs[p].rows);
      g_free (pairs[p].coef);
    }
  g_free (pairs);
}

/* Fitted pairs as bytes, the way a fit's child process hands them back:
 * n_pairs and hit_limit (guint32 each), then per pair a, b, n (guint32
 * each), rho (double), rows (n guint32) and coef (n double), native byte
 * order. In g_malloc's memory, not a GByteArray: GLib 2.74 takes GSlice's
 * lock for one, which the child must not. */
static gpointer
pairs_to_buffer (const PairFit *pairs,
                 guint          n_pairs,
                 gboolean       hit_limit,
                 gsize         *len)
{
  guint32 head[2] = { n_pairs, hit_limit };
  gsize size = sizeof head;
  guint8 *buf, *p;

  for (guint k = 0; k < n_pairs; k++)
    size += 3 * sizeof (guint32) + sizeof (double)
            + pairs[k].n * (sizeof (guint32) + sizeof (double));
  p = buf = g_malloc (size);
  memcpy (p, head, sizeof head);
  p += sizeof head;
  for (guint k = 0; k < n_pairs; k++)
    {
      guint32 h[3] = { pairs[k].a, pairs[k].b, pairs[k].n };

      memcpy (p, h, sizeof h);
      p += sizeof h;
      memcpy (p, &pairs[k].rho, sizeof (double));
      p += sizeof (double);
      for (guint s = 0; s < pairs[k].n; s++)
        {
          guint32 row = pairs[k].rows[s];

          memcpy (p, &row, sizeof row);
          p += sizeof row;
        }
      memcpy (p, pairs[k].coef, pairs[k].n * sizeof (double));
      p += pairs[k].n * sizeof (double);
    }
  *len = size;
  return buf;
}

static gboolean
take (const guint8 **p,
      const guint8  *end,
      void          *out,
      gsize          len)
{
  if ((gsize) (end - *p) < len)
    return FALSE;
  memcpy (out, *p, len);
  *p += len;
  return TRUE;
}

/* The pairs of pairs_to_bytes, checked against the n training rows;
 * NULL when they do not fit. */
static PairFit *
pairs_from_bytes (GBytes   *bytes,
                  guint     n,
                  guint    *n_pairs,
                  gboolean *hit_limit)
{
  gsize size;
  const guint8 *p = g_bytes_get_data (bytes, &size), *end = p + size;
  guint32 head[2];
  PairFit *pairs;

  if (!take (&p, end, head, sizeof head) || head[0] > 256 * 255 / 2)
    return NULL;
  pairs = g_new0 (PairFit, head[0]);
  for (guint k = 0; k < head[0]; k++)
    {
      PairFit *fit = &pairs[k];
      guint32 h[3];

      if (!take (&p, end, h, sizeof h) || h[0] > 255 || h[1] > 255 || h[2] > n
          || !take (&p, end, &fit->rho, sizeof (double)))
        goto bad;
      fit->a = (guint8) h[0];
      fit->b = (guint8) h[1];
      fit->n = h[2];
      fit->rows = g_new (guint, fit->n);
      fit->coef = g_new (double, fit->n);
      for (guint s = 0; s < fit->n; s++)
        {
          guint32 row;

          if (!take (&p, end, &row, sizeof row) || row >= n)
            goto bad;
          fit->rows[s] = row;
        }
      if (!take (&p, end, fit->coef, fit->n * sizeof (double)))
        goto bad;
    }
  if (p != end)
    goto bad;
  *n_pairs = head[0];
  *hit_limit = head[1] != 0;
  return pairs;

bad:
  pairs_free (pairs, head[0]);
  return NULL;
}

/* The rows of x (n, d) that rows (l) picks, in that order (all n in order
 * when rows is NULL), as libsvm's sparse nodes in one block (1-based index,
 * -1 ends a row; zeros left out, which halves the work on raw pixels);
 * out (l) gets the rows' starts. One block in the problem's order, because
 * libsvm's kernel reads the rows over and over: a pair's rows scattered
 * among those of the other classes made the pair 3 to 6 times slower on
 * the 60,000 MNIST latents (the same model, bit for bit). */
static struct svm_node *
svm_nodes (const float      *x,
           guint             d,
           const guint      *rows,
           guint             l,
           struct svm_node **out)
{
  struct svm_node *nodes;
  gsize n_nodes = 0;

  for (guint i = 0; i < l; i++)
    {
      const float *r = x + (gsize) (rows != NULL ? rows[i] : i) * d;

      for (guint j = 0; j < d; j++)
        n_nodes += r[j] != 0;
    }
  nodes = g_new (struct svm_node, n_nodes + l);
  n_nodes = 0;
  for (guint i = 0; i < l; i++)
    {
      const float *r = x + (gsize) (rows != NULL ? rows[i] : i) * d;

      out[i] = nodes + n_nodes;
      for (guint j = 0; j < d; j++)
        if (r[j] != 0)
          nodes[n_nodes++] = (struct svm_node) { (int) j + 1, r[j] };
      nodes[n_nodes++] = (struct svm_node) { -1, 0 };
    }
  return nodes;
}

typedef struct
{
  const struct svm_parameter *param;
  const float      *x;           /* (n, d) */
  guint             d;
  guint             n;
  guint           **class_rows;  /* (256) rows of each class, ascending */
  guint            *class_n;     /* (256) */
  PairFit          *pairs;
  guint            *schedule;    /* task -> pair, largest first */
  guint             n_pairs;
  gint              next;        /* the next task */
  LabForkWorker   **workers;     /* (lanes) */
  gboolean          hit_limit;
  GMutex            lock;
  guint             done;
  GError           *error;       /* the first pair that failed (not a cancel) */
  LabProgressFunc   progress;
  gpointer          user_data;
  GCancellable     *cancellable;
} PairsJob;

/* In a fit's child process: the pair of the request (its index, a
 * guint32), as svm_train gets it when it trains all pairs. */
static gpointer
fit_pair (gconstpointer  request,
          gsize          request_len,
          gsize         *answer_len,
          gpointer       data)
{
  PairsJob *job = data;
  guint32 index;
  PairFit fit;
  guint na, nb, l;
  g_autofree double *y = NULL;
  g_autofree struct svm_node **x = NULL;
  g_autofree struct svm_node *nodes = NULL;
  g_autofree guint *rows = NULL;
  struct svm_problem prob;
  struct svm_model *model;
  gpointer answer;

  if (request_len != sizeof index)
    return NULL;
  memcpy (&index, request, sizeof index);
  if (index >= job->n_pairs)
    return NULL;
  fit = (PairFit) { job->pairs[index].a, job->pairs[index].b };
  na = job->class_n[fit.a];
  nb = job->class_n[fit.b];
  l = na + nb;
  y = g_new (double, l);
  x = g_new (struct svm_node *, l);
  rows = g_new (guint, l);
  for (guint i = 0; i < l; i++)
    {
      rows[i] = i < na ? job->class_rows[fit.a][i] : job->class_rows[fit.b][i - na];
      y[i] = i < na ? 1 : -1;
    }
  nodes = svm_nodes (job->x, job->d, rows, l, x);
  prob = (struct svm_problem) { .l = (int) l, .y = y, .x = x };
  svm_hit_limit = FALSE;
  model = svm_train (&prob, job->param);
  /* +1 came first, so it is label[0]: decision > 0 means class a. */
  g_assert (model->nr_class == 2 && model->label[0] == 1);
  fit.n = (guint) model->l;
  fit.rows = g_new (guint, fit.n);
  fit.coef = g_new (double, fit.n);
  for (guint s = 0; s < fit.n; s++)
    {
      fit.rows[s] = rows[model->sv_indices[s] - 1];
      fit.coef[s] = model->sv_coef[0][s];
    }
  fit.rho = model->rho[0];
  svm_free_and_destroy_model (&model);
  answer = pairs_to_buffer (&fit, 1, svm_hit_limit, answer_len);
  g_free (fit.rows);
  g_free (fit.coef);
  return answer;
}

/* libsvm cannot be interrupted inside one problem (a pair of 2,000 MNIST
 * images takes seconds), and nothing it calls may leave it early: its
 * solver keeps its arrays in plain pointers, so a longjmp or an exception
 * out of its print function (called every 1,000 iterations) would leak
 * them and leave the kernel cache half linked. So each lane's pairs are
 * solved by a child process of its own (a LabForkWorker: one fork per
 * lane, not per pair, so its heap and kernel cache are reused), which a
 * cancel kills at once; the child's results are libsvm's own, bit for
 * bit. The pairs go to whichever lane is free, largest first. */
static void
train_lane (guint    lane,
            gpointer data)
{
  PairsJob *job = data;

  for (;;)
    {
      guint task = (guint) g_atomic_int_add (&job->next, 1);
      guint32 index;
      PairFit *fit, *got = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      guint n_got = 0;
      gboolean hit_limit = FALSE;
      char text[128];

      if (task >= job->n_pairs || g_cancellable_is_cancelled (job->cancellable)
          || g_atomic_pointer_get (&job->error) != NULL)
        return;
      index = job->schedule[task];
      fit = &job->pairs[index];
      bytes = lab_fork_worker_call (job->workers[lane], &index, sizeof index, job->cancellable, &error);
      if (bytes != NULL && ((got = pairs_from_bytes (bytes, job->n, &n_got, &hit_limit)) == NULL
                            || n_got != 1 || got->a != fit->a || got->b != fit->b))
        g_set_error_literal (&error, LAB_ERROR, LAB_ERROR_FAILED, "The SVM's fit sent back a broken result");
      if (error != NULL)
        {
          pairs_free (got, n_got);
          g_mutex_lock (&job->lock);
          if (job->error == NULL && !g_error_matches (error, LAB_ERROR, LAB_ERROR_CANCELLED))
            g_atomic_pointer_set (&job->error, g_steal_pointer (&error));
          g_mutex_unlock (&job->lock);
          return;
        }
      /* Moved into the job's table, got's arrays with it. */
      fit->n = got->n;
      fit->rows = got->rows;
      fit->coef = got->coef;
      fit->rho = got->rho;
      g_free (got);

      g_mutex_lock (&job->lock);
      job->hit_limit |= hit_limit;
      job->done++;
      /* Translators: an SVM's fit, one classifier for each pair of classes */
      g_snprintf (text, sizeof text, _("pair %u of %u"), job->done, job->n_pairs);
      if (job->progress != NULL)
        job->progress ((double) job->done / job->n_pairs, text, job->user_data);
      g_mutex_unlock (&job->lock);
    }
}

static int
compare_pair_size (gconstpointer a,
                   gconstpointer b,
                   gpointer      data)
{
  const PairsJob *job = data;
  const PairFit *pa = &job->pairs[*(const guint *) a], *pb = &job->pairs[*(const guint *) b];
  guint sa = job->class_n[pa->a] + job->class_n[pa->b];
  guint sb = job->class_n[pb->a] + job->class_n[pb->b];

  return sa != sb ? (sa > sb ? -1 : 1) : (int) *(const guint *) a - (int) *(const guint *) b;
}

/* The pairs' results, as libsvm's one model or one model per pair, into
 * the prediction table. */
static void
svm_table (Svm           *svm,
           const PairFit *pairs,
           guint          n_pairs,
           const float   *x,
           guint          n)
{
  g_autofree gint *column = g_new (gint, n);
  guint d = svm->d;

  memset (column, 0xff, (gsize) n * sizeof (gint));
  for (guint p = 0; p < n_pairs; p++)
    for (guint s = 0; s < pairs[p].n; s++)
      column[pairs[p].rows[s]] = 0;
  svm->n_sv = 0;
  for (guint i = 0; i < n; i++)
    if (column[i] == 0)
      column[i] = (gint) svm->n_sv++;
    else
      column[i] = -1;
  svm->n_pairs = n_pairs;
  svm->sv = g_new (float, (gsize) svm->n_sv * d);
  svm->sv_norms = g_new (float, svm->n_sv);
  svm->coef = g_new0 (float, (gsize) svm->n_sv * n_pairs);
  svm->rho = g_new (float, n_pairs);
  svm->first = g_new (guint8, n_pairs);
  svm->second = g_new (guint8, n_pairs);
  for (guint i = 0; i < n; i++)
    if (column[i] >= 0)
      memcpy (svm->sv + (gsize) column[i] * d, x + (gsize) i * d, d * sizeof (float));
  lab_classifier_row_norms (svm->sv, svm->n_sv, d, svm->sv_norms);
  for (guint p = 0; p < n_pairs; p++)
    {
      for (guint s = 0; s < pairs[p].n; s++)
        svm->coef[(gsize) column[pairs[p].rows[s]] * n_pairs + p] = (float) pairs[p].coef[s];
      svm->rho[p] = (float) pairs[p].rho;
      svm->first[p] = pairs[p].a;
      svm->second[p] = pairs[p].b;
    }
}

/* libsvm's own multi-class model as pairs: pair (i, j) of its label order
 * takes class i's vectors with sv_coef[j - 1] and class j's with
 * sv_coef[i] (libsvm's layout). */
static PairFit *
pairs_from_model (const struct svm_model *model,
                  guint                  *n_pairs)
{
  guint k = (guint) model->nr_class, p = 0;
  g_autofree guint *start = g_new (guint, k);
  PairFit *pairs = g_new0 (PairFit, k * (k - 1) / 2);

  start[0] = 0;
  for (guint i = 1; i < k; i++)
    start[i] = start[i - 1] + (guint) model->nSV[i - 1];
  for (guint i = 0; i < k; i++)
    for (guint j = i + 1; j < k; j++, p++)
      {
        guint ni = (guint) model->nSV[i], nj = (guint) model->nSV[j];
        PairFit *fit = &pairs[p];

        fit->a = (guint8) model->label[i];
        fit->b = (guint8) model->label[j];
        fit->n = ni + nj;
        fit->rows = g_new (guint, fit->n);
        fit->coef = g_new (double, fit->n);
        for (guint s = 0; s < ni; s++)
          {
            fit->rows[s] = (guint) model->sv_indices[start[i] + s] - 1;
            fit->coef[s] = model->sv_coef[j - 1][start[i] + s];
          }
        for (guint s = 0; s < nj; s++)
          {
            fit->rows[ni + s] = (guint) model->sv_indices[start[j] + s] - 1;
            fit->coef[ni + s] = model->sv_coef[i][start[j] + s];
          }
        fit->rho = model->rho[p];
      }
  *n_pairs = p;
  return pairs;
}

/* libsvm's own svm_train over the whole set, in the fit's child process;
 * its label order is ours (first appearance). */
typedef struct
{
  const struct svm_parameter *param;
  struct svm_problem          prob;
} AllProblem;

static gpointer
fit_all (gconstpointer  request,
         gsize          request_len,
         gsize         *answer_len,
         gpointer       data)
{
  AllProblem *all = data;
  struct svm_model *model;
  PairFit *pairs;
  guint n_pairs;
  gpointer answer;

  svm_hit_limit = FALSE;
  model = svm_train (&all->prob, all->param);
  pairs = pairs_from_model (model, &n_pairs);
  svm_free_and_destroy_model (&model);
  answer = pairs_to_buffer (pairs, n_pairs, svm_hit_limit, answer_len);
  pairs_free (pairs, n_pairs);
  return answer;
}

/* Prediction */

typedef struct
{
  Svm          *svm;
  const float  *x;
  guint8       *labels;
  float       **kernel;      /* per lane (BLOCK, n_sv) */
  float       **decision;    /* per lane (BLOCK, n_pairs) */
  float       **norms;       /* per lane (BLOCK) */
} PredictJob;

static void
predict_block (gpointer data,
               guint    lane,
               guint    row0,
               guint    rows)
{
  PredictJob *job = data;
  const Svm *svm = job->svm;
  const float *x = job->x + (gsize) row0 * svm->d;
  float *k = job->kernel[lane], *dec = job->decision[lane], *xn = job->norms[lane];
  float g = (float) svm->gamma;

  lab_classifier_row_norms (x, rows, svm->d, xn);
  /* k (rows, n_sv) = x · sv^T, then exp(-gamma |x - s|²) in place */
  lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, svm->n_sv, svm->d,
                  1.0f, x, svm->d, svm->sv, svm->d, 0.0f, k, svm->n_sv);
  for (guint r = 0; r < rows; r++)
    {
      float *kr = k + (gsize) r * svm->n_sv;

      for (guint s = 0; s < svm->n_sv; s++)
        kr[s] = expf (-g * MAX (xn[r] + svm->sv_norms[s] - 2 * kr[s], 0.0f));
    }
  /* dec (rows, n_pairs) = k · coef */
  lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, svm->n_pairs, svm->n_sv,
                  1.0f, k, svm->n_sv, svm->coef, svm->n_pairs, 0.0f, dec, svm->n_pairs);
  for (guint r = 0; r < rows; r++)
    {
      guint votes[256] = { 0 };
      guint8 best = svm->order[0];

      for (guint p = 0; p < svm->n_pairs; p++)
        votes[dec[(gsize) r * svm->n_pairs + p] - svm->rho[p] > 0 ? svm->first[p] : svm->second[p]]++;
      for (guint c = 1; c < svm->n_order; c++)
        if (votes[svm->order[c]] > votes[best])
          best = svm->order[c];
      job->labels[row0 + r] = best;
    }
}

static gboolean
svm_predict_rows (LabClassifier   *self,
                  const float     *x,
                  guint            m,
                  guint8          *labels,
                  LabProgressFunc  progress,
                  gpointer         user_data,
                  GCancellable    *cancellable,
                  GError         **error)
{
  Svm *svm = self->impl;
  PredictJob job = { svm, x, labels };
  gboolean ok;

  job.kernel = lab_classifier_lane_buffers (self, (gsize) LAB_CLASSIFIER_BLOCK * svm->n_sv);
  job.decision = lab_classifier_lane_buffers (self, (gsize) LAB_CLASSIFIER_BLOCK * svm->n_pairs);
  job.norms = lab_classifier_lane_buffers (self, LAB_CLASSIFIER_BLOCK);
  ok = lab_classifier_run_blocks (self, m, predict_block, &job, progress, user_data, cancellable, error);
  lab_classifier_free_lanes (job.kernel);
  lab_classifier_free_lanes (job.decision);
  lab_classifier_free_lanes (job.norms);
  return ok;
}

/* Fitting */

gboolean
lab_classifier_fit_svm (LabClassifier   *self,
                        const float     *x,
                        const guint8    *y,
                        guint            n,
                        LabProgressFunc  progress,
                        gpointer         user_data,
                        GCancellable    *cancellable,
                        GError         **error)
{
  guint d = self->dim;
  struct svm_parameter param = {
    .svm_type = C_SVC,
    .kernel_type = RBF,
    .degree = 3,
    .gamma = self->config.gamma,
    .cache_size = MAX (self->config.cache_mb, 1u),
    .eps = 1e-3,                  /* libsvm's and scikit-learn's tol */
    .C = self->config.C,
    .nu = 0.5,
    .p = 0.1,
    .shrinking = self->config.shrinking ? 1 : 0,
    .probability = 0,
  };
  g_autofree guint *class_n = g_new0 (guint, 256);
  g_autofree guint *class_fill = g_new0 (guint, 256);
  g_autofree guint *row_store = g_new (guint, n);
  guint *class_rows[256] = { NULL };
  PairFit *pairs = NULL;
  guint n_pairs = 0;
  gboolean hit_limit = FALSE, cancelled, failed;
  g_autoptr(GError) fit_error = NULL;
  Svm *svm = g_new0 (Svm, 1);
  const char *problem;

  svm_quiet_once ();
  svm->d = d;
  svm->gamma = self->config.gamma;
  self->impl = svm;
  self->free_impl = svm_free;
  self->predict = svm_predict_rows;

  for (guint i = 0; i < n; i++)
    {
      if (class_n[y[i]]++ == 0)
        svm->order[svm->n_order++] = y[i];
    }
  for (guint c = 0, offset = 0; c < svm->n_order; c++)
    {
      class_rows[svm->order[c]] = row_store + offset;
      offset += class_n[svm->order[c]];
    }
  for (guint i = 0; i < n; i++)
    class_rows[y[i]][class_fill[y[i]]++] = i;

  {
    g_autofree double *yd = g_new (double, n);
    /* No rows yet: libsvm checks the settings and, for C-SVC, nothing of
     * the data. */
    struct svm_problem prob = { .l = (int) n, .y = yd };

    for (guint i = 0; i < n; i++)
      yd[i] = y[i];
    problem = svm_check_parameter (&prob, &param);
    if (problem != NULL)
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "libsvm refuses the settings: %s", problem);
        return FALSE;
      }
    if (self->config.svm_trainer == LAB_SVM_LIBSVM)
      {
        AllProblem all = { &param, prob };
        g_autoptr(LabForkWorker) worker = NULL;
        g_autoptr(GBytes) bytes = NULL;
        g_autofree struct svm_node **rows = g_new (struct svm_node *, n);
        g_autofree struct svm_node *nodes = svm_nodes (x, d, NULL, n, rows);

        all.prob.x = rows;
        if (progress != NULL)
          /* Translators: an SVM's fit by libsvm, every pair of classes at once */
          progress (0, _("libsvm, all pairs"), user_data);
        /* In a child process too, so that a cancel stops it. */
        worker = lab_fork_worker_new ("The SVM's fit", fit_all, &all);
        bytes = lab_fork_worker_call (worker, "", 0, cancellable, &fit_error);
        if (bytes != NULL && (pairs = pairs_from_bytes (bytes, n, &n_pairs, &hit_limit)) == NULL)
          g_set_error_literal (&fit_error, LAB_ERROR, LAB_ERROR_FAILED,
                               "The SVM's fit sent back a broken result");
        if (progress != NULL && fit_error == NULL)
          progress (1, _("libsvm, all pairs"), user_data);
      }
  }

  if (self->config.svm_trainer != LAB_SVM_LIBSVM)
    {
      PairsJob job = {
        .param = &param, .x = x, .d = d, .n = n, .class_rows = class_rows, .class_n = class_n,
        .progress = progress, .user_data = user_data, .cancellable = cancellable,
      };
      guint p = 0, lanes;

      n_pairs = svm->n_order * (svm->n_order - 1) / 2;
      pairs = g_new0 (PairFit, n_pairs);
      for (guint i = 0; i < svm->n_order; i++)
        for (guint j = i + 1; j < svm->n_order; j++, p++)
          {
            pairs[p].a = svm->order[i];
            pairs[p].b = svm->order[j];
          }
      job.pairs = pairs;
      job.n_pairs = n_pairs;
      job.schedule = g_new (guint, n_pairs);
      for (p = 0; p < n_pairs; p++)
        job.schedule[p] = p;
      /* The largest pairs first, so no thread is left with a big one at the end. */
      g_qsort_with_data (job.schedule, n_pairs, sizeof (guint), compare_pair_size, &job);
      g_mutex_init (&job.lock);
      /* The children copy the job as it is now: complete but for results. */
      lanes = MIN (lab_team_lanes (self->team), n_pairs);
      job.workers = g_new (LabForkWorker *, lanes);
      for (guint l = 0; l < lanes; l++)
        job.workers[l] = lab_fork_worker_new ("The SVM's fit", fit_pair, &job);
      lab_team_run (self->team, lanes, train_lane, &job);
      for (guint l = 0; l < lanes; l++)
        lab_fork_worker_free (job.workers[l]);
      g_free (job.workers);
      g_mutex_clear (&job.lock);
      g_free (job.schedule);
      hit_limit = job.hit_limit;
      fit_error = job.error;
    }

  /* A cancel first: a pair's child killed by it is not a failure. */
  cancelled = lab_classifier_cancelled (cancellable, error);
  failed = !cancelled && fit_error != NULL;
  if (failed)
    g_propagate_error (error, g_steal_pointer (&fit_error));
  else if (!cancelled)
    svm_table (svm, pairs, n_pairs, x, n);
  pairs_free (pairs, n_pairs);
  if (cancelled || failed)
    return FALSE;
  self->n_support = svm->n_sv;
  if (hit_limit)
    {
      self->converged = FALSE;
      self->warning = g_strdup ("libsvm stopped at its iteration limit before the optimum: "
                                "standardise the features or lower C");
    }
  return TRUE;
}
