#define G_LOG_DOMAIN "latentlab-core"

#include "lab-tsne.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "lab-pca.h"
#include "lab-quadtree.h"
#include "lab-rng.h"
#include "lab-vmath-private.h"

/* Work is always cut into this many pieces, whatever the number of threads,
 * and partial sums are added in piece order: a seed gives the same embedding
 * on one core or many. */
#define N_CHUNKS 16

#define KL_EVERY             50     /* scikit-learn's n_iter_check */
#define MOMENTUM_EARLY       0.5f
#define MOMENTUM_LATE        0.8f
#define MIN_GAIN             0.01f
#define MIN_GRAD_NORM        1e-7
#define ITER_WITHOUT_PROGRESS 300
#define PERPLEXITY_TOL       1e-5
#define PERPLEXITY_STEPS     100
#define AFFINITY_BLOCK       256    /* rows of the distance matrix per GEMM */
#define BH_LEAF_SIZE         16     /* points a quadtree leaf holds: measured best of 1..32 */

/* ---------------------------------------------------------------------------
 * A small pool of worker threads: the caller runs func (data, task) for
 * task = 0 .. n_tasks-1, sharing the tasks with the helpers, and returns when
 * all are done. The iteration loop calls this once or twice per iteration
 * (about a millisecond apart), so both sides spin briefly before sleeping on
 * the condition: waking a sleeping thread costs tens of microseconds. The
 * loop itself calls no BLAS, so this is the only layer of threads while it
 * runs.
 */
#define POOL_SPIN 20000   /* polls, about 20-50 microseconds */

typedef void (*TaskFunc) (gpointer data,
                          guint    task);

typedef struct
{
  GMutex     lock;
  GCond      wake;
  GCond      done;
  GThread  **threads;
  guint      n_helpers;
  gint       generation;    /* atomic; bumped for every pool_run */
  gint       n_finished;    /* atomic; helpers done with this generation */
  gint       quit;          /* atomic */
  TaskFunc   func;
  gpointer   data;
  guint      n_tasks;
  gint       next_task;     /* atomic */
} Pool;

static void
pool_work (Pool *pool)
{
  gint t;

  while ((t = g_atomic_int_add (&pool->next_task, 1)) < (gint) pool->n_tasks)
    pool->func (pool->data, t);
}

static gpointer
pool_thread (gpointer data)
{
  Pool *pool = data;
  gint seen = 0;

  for (;;)
    {
      for (guint spin = 0; spin < POOL_SPIN; spin++)
        if (g_atomic_int_get (&pool->generation) != seen || g_atomic_int_get (&pool->quit))
          break;
      if (g_atomic_int_get (&pool->generation) == seen && !g_atomic_int_get (&pool->quit))
        {
          g_mutex_lock (&pool->lock);
          while (g_atomic_int_get (&pool->generation) == seen && !g_atomic_int_get (&pool->quit))
            g_cond_wait (&pool->wake, &pool->lock);
          g_mutex_unlock (&pool->lock);
        }
      if (g_atomic_int_get (&pool->quit))
        break;
      seen = g_atomic_int_get (&pool->generation);
      pool_work (pool);
      if (g_atomic_int_add (&pool->n_finished, 1) + 1 == (gint) pool->n_helpers)
        {
          g_mutex_lock (&pool->lock);
          g_cond_signal (&pool->done);
          g_mutex_unlock (&pool->lock);
        }
    }
  return NULL;
}

static void
pool_init (Pool  *pool,
           guint  n_threads)
{
  memset (pool, 0, sizeof *pool);
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->wake);
  g_cond_init (&pool->done);
  pool->threads = g_new0 (GThread *, MAX (n_threads, 1));
  for (guint t = 1; t < n_threads; t++)
    {
      GThread *thread = g_thread_try_new ("latentlab-tsne", pool_thread, pool, NULL);

      if (thread == NULL)
        break;
      pool->threads[pool->n_helpers++] = thread;
    }
}

static void
pool_clear (Pool *pool)
{
  g_mutex_lock (&pool->lock);
  g_atomic_int_set (&pool->quit, TRUE);
  g_cond_broadcast (&pool->wake);
  g_mutex_unlock (&pool->lock);
  for (guint t = 0; t < pool->n_helpers; t++)
    g_thread_join (pool->threads[t]);
  g_free (pool->threads);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->wake);
  g_cond_clear (&pool->done);
}

static void
pool_run (Pool     *pool,
          TaskFunc  func,
          gpointer  data,
          guint     n_tasks)
{
  if (pool->n_helpers == 0)
    {
      for (guint t = 0; t < n_tasks; t++)
        func (data, t);
      return;
    }
  pool->func = func;
  pool->data = data;
  pool->n_tasks = n_tasks;
  g_atomic_int_set (&pool->next_task, 0);
  g_atomic_int_set (&pool->n_finished, 0);
  /* the atomic bump publishes the fields above to the helpers */
  g_mutex_lock (&pool->lock);
  g_atomic_int_inc (&pool->generation);
  g_cond_broadcast (&pool->wake);
  g_mutex_unlock (&pool->lock);

  pool_work (pool);

  for (guint spin = 0; spin < POOL_SPIN; spin++)
    if (g_atomic_int_get (&pool->n_finished) == (gint) pool->n_helpers)
      return;
  g_mutex_lock (&pool->lock);
  while (g_atomic_int_get (&pool->n_finished) < (gint) pool->n_helpers)
    g_cond_wait (&pool->done, &pool->lock);
  g_mutex_unlock (&pool->lock);
}

/* ---------------------------------------------------------------------------
 * Input affinities.
 *
 * calibrate_row: d (m) squared distances from point i to the others;
 * p (m) receives p_{j|i} proportional to exp (-beta d_j), with beta chosen so
 * that the entropy of p is log (perplexity) within PERPLEXITY_TOL, as in
 * scikit-learn's _binary_search_perplexity. Instead of plain bisection on
 * beta this takes Newton steps on log beta (dH/dlog beta = -beta^2 Var_p(d)),
 * falling back to bisection whenever a step leaves the bracket: about 5
 * passes over the row instead of 20 to 50.
 */
static void
calibrate_row (const double *d,
               gsize         m,
               double        log_perp,
               double       *p)
{
  double dmin = G_MAXDOUBLE, mean = 0, sum = 1, u, lo = -INFINITY, hi = INFINITY;

  for (gsize k = 0; k < m; k++)
    dmin = MIN (dmin, d[k]);
  for (gsize k = 0; k < m; k++)
    mean += d[k] - dmin;
  mean /= m;
  u = mean > 0 ? -log (mean) : 0;

  for (guint step = 0; step < PERPLEXITY_STEPS; step++)
    {
      double beta = exp (u), s = 0, se = 0, se2 = 0;
      double mu, var, h, diff, slope, next;

      /* distances shifted by their minimum: same p, and the sum is >= 1 */
      for (gsize k = 0; k < m; k++)
        {
          double e = d[k] - dmin;
          /* exp underflows past 708 through a slow path: cut it short */
          double q = beta * e < 700 ? exp (-beta * e) : 0.0;

          p[k] = q;
          s += q;
          se += q * e;
          se2 += q * e * e;
        }
      sum = s;
      mu = se / s;
      var = MAX (se2 / s - mu * mu, 0.0);
      h = log (s) + beta * mu;
      diff = h - log_perp;
      if (fabs (diff) < PERPLEXITY_TOL)
        break;
      /* too much entropy: beta must grow */
      if (diff > 0)
        lo = u;
      else
        hi = u;
      slope = -beta * beta * var;
      next = slope < 0 ? u - diff / slope : NAN;
      if (!(next > lo && next < hi))
        next = isinf (hi) ? lo + 2 : isinf (lo) ? hi - 2 : 0.5 * (lo + hi);
      u = next;
    }
  for (gsize k = 0; k < m; k++)
    p[k] /= sum;
}

/* Position of P_ij (i < j) in the packed upper triangle of an n x n matrix,
 * row i holding j = i+1 .. n-1. */
static inline gsize
packed_index (gsize n,
              gsize i,
              gsize j)
{
  return i * (2 * n - i - 1) / 2 + (j - i - 1);
}

typedef struct
{
  gsize          n;
  gsize          dim;
  double         log_perp;
  /* exact: one block of rows of the distance matrix */
  gsize          i0;
  gsize          rows;
  const double  *dist;       /* (rows, n) */
  float         *cond;       /* (rows, n) p_{j|i}, 0 on the diagonal */
  double        *scratch;    /* (N_CHUNKS, 2 n) */
  /* sparse: k nearest neighbours */
  gsize          k;
  const float   *x;          /* (n, dim) */
  const float   *norms;      /* (n) */
  const float   *gram;       /* (rows, n) x_i . x_j for the block */
  guint32       *nbr;        /* (n, k) neighbour indices */
  float         *nbr_p;      /* (n, k) p_{j|i} */
  float         *heap_d;     /* (N_CHUNKS, k) */
  guint32       *heap_i;     /* (N_CHUNKS, k) */
} AffinityJob;

static void
exact_affinity_task (gpointer data,
                     guint    task)
{
  AffinityJob *job = data;
  gsize n = job->n;
  double *d = job->scratch + (gsize) task * 2 * n;
  double *p = d + n;

  for (gsize r = task; r < job->rows; r += N_CHUNKS)
    {
      gsize i = job->i0 + r, m = 0;
      const double *row = job->dist + r * n;
      float *out = job->cond + r * n;

      for (gsize j = 0; j < n; j++)
        if (j != i)
          d[m++] = row[j];
      calibrate_row (d, m, job->log_perp, p);
      m = 0;
      for (gsize j = 0; j < n; j++)
        out[j] = j == i ? 0.0f : (float) p[m++];
    }
}

/* Dense P (n x n, packed upper triangle pu) from the squared distances of all
 * pairs; returns sum p log p over i != j, the constant part of KL(P||Q). */
static double
exact_affinities (Pool        *pool,
                  const float *x,
                  gsize        n,
                  gsize        dim,
                  double       perplexity,
                  float       *pu)
{
  AffinityJob job = { .n = n, .dim = dim, .log_perp = log (perplexity) };
  g_autofree double *xd = g_new (double, n * dim);
  g_autofree double *norms = g_new (double, n);
  g_autofree double *dist = g_new (double, (gsize) AFFINITY_BLOCK * n);
  g_autofree float *cond = g_new (float, (gsize) AFFINITY_BLOCK * n);
  g_autofree double *scratch = g_new (double, (gsize) N_CHUNKS * 2 * n);
  gsize n_pairs = n * (n - 1) / 2;
  double total = 0, plogp = 0;

  for (gsize i = 0; i < n * dim; i++)
    xd[i] = x[i];
  for (gsize i = 0; i < n; i++)
    {
      double s = 0;

      for (gsize d = 0; d < dim; d++)
        s += xd[i * dim + d] * xd[i * dim + d];
      norms[i] = s;
    }
  memset (pu, 0, n_pairs * sizeof (float));
  job.dist = dist;
  job.cond = cond;
  job.scratch = scratch;

  for (gsize i0 = 0; i0 < n; i0 += AFFINITY_BLOCK)
    {
      gsize rows = MIN (AFFINITY_BLOCK, n - i0);

      /* dist (rows, n) = |x_i|^2 + |x_j|^2 - 2 x_i . x_j */
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, n, dim,
                   -2.0, xd + i0 * dim, dim, xd, dim, 0.0, dist, n);
      for (gsize r = 0; r < rows; r++)
        for (gsize j = 0; j < n; j++)
          dist[r * n + j] = MAX (dist[r * n + j] + norms[i0 + r] + norms[j], 0.0);
      job.i0 = i0;
      job.rows = rows;
      pool_run (pool, exact_affinity_task, &job, N_CHUNKS);

      /* P_ij = p_{j|i} + p_{i|j}, gathered into the upper triangle */
      for (gsize r = 0; r < rows; r++)
        {
          gsize i = i0 + r;
          const float *row = cond + r * n;

          for (gsize j = 0; j < i; j++)
            pu[packed_index (n, j, i)] += row[j];
          for (gsize j = i + 1; j < n; j++)
            pu[packed_index (n, i, j)] += row[j];
        }
    }

  for (gsize t = 0; t < n_pairs; t++)
    total += pu[t];
  /* each pair appears twice in the full matrix */
  total *= 2;
  for (gsize t = 0; t < n_pairs; t++)
    {
      double v = pu[t] / total;

      pu[t] = v;
      if (pu[t] > 0)
        plogp += 2 * v * log (v);
    }
  return plogp;
}

/* Max-heap of (distance, index) pairs on distance, size k. */
static inline void
heap_sift_down (float   *hd,
                guint32 *hi,
                gsize    k,
                gsize    at)
{
  for (;;)
    {
      gsize l = 2 * at + 1, r = l + 1, big = at;

      if (l < k && hd[l] > hd[big])
        big = l;
      if (r < k && hd[r] > hd[big])
        big = r;
      if (big == at)
        return;
      { float t = hd[at]; hd[at] = hd[big]; hd[big] = t; }
      { guint32 t = hi[at]; hi[at] = hi[big]; hi[big] = t; }
      at = big;
    }
}

static void
knn_task (gpointer data,
          guint    task)
{
  AffinityJob *job = data;
  gsize n = job->n, k = job->k, dim = job->dim;
  double *d = job->scratch + (gsize) task * 2 * n;
  double *p = d + n;
  float *hd = job->heap_d + (gsize) task * k;
  guint32 *hi = job->heap_i + (gsize) task * k;

  for (gsize r = task; r < job->rows; r += N_CHUNKS)
    {
      gsize i = job->i0 + r, filled = 0;
      const float *g = job->gram + r * n;
      const float *xi = job->x + i * dim;
      float ni = job->norms[i];
      guint32 *nbr = job->nbr + i * k;

      /* k smallest |x_i - x_j|^2 over j != i; the GEMM form is only used to
       * choose them, their distances are recomputed below */
      for (gsize j = 0; j < n; j++)
        {
          float dj;

          if (j == i)
            continue;
          dj = ni + job->norms[j] - 2 * g[j];
          if (filled < k)
            {
              hd[filled] = dj;
              hi[filled] = j;
              if (++filled == k)
                for (gsize h = k / 2; h-- > 0;)
                  heap_sift_down (hd, hi, k, h);
            }
          else if (dj < hd[0])
            {
              hd[0] = dj;
              hi[0] = j;
              heap_sift_down (hd, hi, k, 0);
            }
        }
      for (gsize h = 0; h < k; h++)
        {
          const float *xj = job->x + (gsize) hi[h] * dim;
          double s = 0;

          for (gsize c = 0; c < dim; c++)
            {
              double e = (double) xi[c] - xj[c];
              s += e * e;
            }
          nbr[h] = hi[h];
          d[h] = s;
        }
      calibrate_row (d, k, job->log_perp, p);
      for (gsize h = 0; h < k; h++)
        job->nbr_p[i * k + h] = p[h];
    }
}

typedef struct
{
  guint32 col;
  float   val;
} Entry;

static int
entry_compare (gconstpointer a,
               gconstpointer b)
{
  const Entry *ea = a, *eb = b;

  return (ea->col > eb->col) - (ea->col < eb->col);
}

/* Sparse symmetric P over the k nearest neighbours of each point (CSR:
 * row_ptr (n+1), col and val (nnz)), as scikit-learn's method="barnes_hut".
 * Returns sum p log p over the stored entries. */
static double
sparse_affinities (Pool         *pool,
                   const float  *x,
                   gsize         n,
                   gsize         dim,
                   double        perplexity,
                   gsize         k,
                   guint32     **row_ptr_out,
                   guint32     **col_out,
                   float       **val_out)
{
  AffinityJob job = { .n = n, .dim = dim, .log_perp = log (perplexity), .k = k, .x = x };
  g_autofree float *norms = g_new (float, n);
  g_autofree float *gram = g_new (float, (gsize) AFFINITY_BLOCK * n);
  g_autofree double *scratch = g_new (double, (gsize) N_CHUNKS * 2 * n);
  g_autofree guint32 *nbr = g_new (guint32, n * k);
  g_autofree float *nbr_p = g_new (float, n * k);
  g_autofree guint32 *count = g_new0 (guint32, n + 1);
  g_autofree Entry *entries = g_new (Entry, 2 * n * k);
  g_autofree float *heap_d = g_new (float, (gsize) N_CHUNKS * k);
  g_autofree guint32 *heap_i = g_new (guint32, (gsize) N_CHUNKS * k);
  guint32 *row_ptr = g_new (guint32, n + 1);
  guint32 *col;
  float *val;
  gsize nnz = 0;
  double total = 0, plogp = 0;

  for (gsize i = 0; i < n; i++)
    {
      double s = 0;

      for (gsize d = 0; d < dim; d++)
        s += (double) x[i * dim + d] * x[i * dim + d];
      norms[i] = s;
    }
  job.norms = norms;
  job.gram = gram;
  job.scratch = scratch;
  job.nbr = nbr;
  job.nbr_p = nbr_p;
  job.heap_d = heap_d;
  job.heap_i = heap_i;
  for (gsize i0 = 0; i0 < n; i0 += AFFINITY_BLOCK)
    {
      gsize rows = MIN (AFFINITY_BLOCK, n - i0);

      /* gram (rows, n) = x[i0 : i0+rows] . x^T */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, n, dim,
                   1.0f, x + i0 * dim, dim, x, dim, 0.0f, gram, n);
      job.i0 = i0;
      job.rows = rows;
      pool_run (pool, knn_task, &job, N_CHUNKS);
    }

  /* each p_{j|i} goes to both (i, j) and (j, i); duplicates merge below */
  for (gsize i = 0; i < n; i++)
    for (gsize h = 0; h < k; h++)
      {
        count[i + 1]++;
        count[nbr[i * k + h] + 1]++;
      }
  for (gsize i = 0; i < n; i++)
    count[i + 1] += count[i];
  for (gsize i = 0; i < n; i++)
    for (gsize h = 0; h < k; h++)
      {
        guint32 j = nbr[i * k + h];
        float v = nbr_p[i * k + h];

        entries[count[i]++] = (Entry) { j, v };
        entries[count[j]++] = (Entry) { i, v };
      }
  /* count[i] now ends row i, so row i starts at count[i-1] */
  for (gsize i = 0; i < n; i++)
    {
      gsize b = i == 0 ? 0 : count[i - 1], e = count[i];

      qsort (entries + b, e - b, sizeof (Entry), entry_compare);
      row_ptr[i] = nnz;
      for (gsize t = b; t < e; t++)
        {
          if (nnz > row_ptr[i] && entries[nnz - 1].col == entries[t].col)
            entries[nnz - 1].val += entries[t].val;
          else
            entries[nnz++] = entries[t];
        }
    }
  row_ptr[n] = nnz;

  col = g_new (guint32, nnz);
  val = g_new (float, nnz);
  for (gsize t = 0; t < nnz; t++)
    total += entries[t].val;
  for (gsize t = 0; t < nnz; t++)
    {
      double v = entries[t].val / total;

      col[t] = entries[t].col;
      val[t] = v;
      if (val[t] > 0)
        plogp += v * log (v);
    }
  *row_ptr_out = row_ptr;
  *col_out = col;
  *val_out = val;
  return plogp;
}

/* ---------------------------------------------------------------------------
 * Gradients. With w_ij = 1 / (1 + |y_i - y_j|^2) and Z = sum_{k != l} w_kl,
 *   dC/dy_i = 4 sum_j (e p_ij - w_ij / Z) w_ij (y_i - y_j)
 *           = 4 (e A_i - R_i / Z),
 *   A_i = sum_j p_ij w_ij (y_i - y_j)    (attraction, over P's non-zeros)
 *   R_i = sum_j w_ij^2 (y_i - y_j)       (repulsion, over all j)
 * with e the early exaggeration, so one pass gives A, R and Z together.
 * KL(P||Q) = sum p log p + sum p_ij log (1 + |y_i - y_j|^2) + log Z.
 */

/* LabV8 and LAB_SIMD_CLONES: see lab-vmath-private.h. */
typedef float v8sf_u __attribute__ ((vector_size (32), aligned (4), __may_alias__));

/* by pointer: passing 32-byte vectors by value differs between the clones */
static inline float
hsum8 (const LabV8 *v)
{
  return (((*v)[0] + (*v)[4]) + ((*v)[1] + (*v)[5]))
       + (((*v)[2] + (*v)[6]) + ((*v)[3] + (*v)[7]));
}

/* Rows [r0, r1) of the upper triangle: each pair (i, j > i) is visited once
 * and its terms go to both i and j. Accumulators a[4] (ax, ay, rx, ry), each
 * (n), are this chunk's own. Returns the rows' share of Z / 2. */
LAB_SIMD_CLONES static double
exact_rows (const float *restrict yx,
            const float *restrict yy,
            const float *restrict pu,
            gsize                 n,
            gsize                 r0,
            gsize                 r1,
            float *restrict       ax,
            float *restrict       ay,
            float *restrict       rx,
            float *restrict       ry)
{
  double z = 0;

  for (gsize i = r0; i < r1; i++)
    {
      /* p[j] = P_ij for j > i */
      const float *p = pu + packed_index (n, i, i + 1) - (i + 1);
      float xi = yx[i], yi = yy[i];
      LabV8 sax = { 0 }, say = { 0 }, srx = { 0 }, sry = { 0 }, sz = { 0 };
      float tax = 0, tay = 0, trx = 0, try_ = 0, tz = 0;
      gsize j = i + 1;

      for (; j + 8 <= n; j += 8)
        {
          LabV8 dx = xi - *(const v8sf_u *) (yx + j);
          LabV8 dy = yi - *(const v8sf_u *) (yy + j);
          LabV8 w = 1.0f / (1.0f + dx * dx + dy * dy);
          LabV8 pw = *(const v8sf_u *) (p + j) * w;
          LabV8 w2 = w * w;
          LabV8 fx = pw * dx, fy = pw * dy, gx = w2 * dx, gy = w2 * dy;

          sz += w;
          sax += fx;
          say += fy;
          srx += gx;
          sry += gy;
          *(v8sf_u *) (ax + j) -= fx;
          *(v8sf_u *) (ay + j) -= fy;
          *(v8sf_u *) (rx + j) -= gx;
          *(v8sf_u *) (ry + j) -= gy;
        }
      for (; j < n; j++)
        {
          float dx = xi - yx[j], dy = yi - yy[j];
          float w = 1.0f / (1.0f + dx * dx + dy * dy);
          float pw = p[j] * w, w2 = w * w;

          tz += w;
          tax += pw * dx;
          tay += pw * dy;
          trx += w2 * dx;
          try_ += w2 * dy;
          ax[j] -= pw * dx;
          ay[j] -= pw * dy;
          rx[j] -= w2 * dx;
          ry[j] -= w2 * dy;
        }
      ax[i] += hsum8 (&sax) + tax;
      ay[i] += hsum8 (&say) + tay;
      rx[i] += hsum8 (&srx) + trx;
      ry[i] += hsum8 (&sry) + try_;
      z += hsum8 (&sz) + tz;
    }
  return z;
}

typedef gint32 v8si __attribute__ ((vector_size (32)));

/* Natural log of *x >= FLT_MIN in place, 8 at a time: Cephes' logf
 * (mantissa in [sqrt(1/2), sqrt(2)), then a degree-9 polynomial), relative
 * error ~1e-7. glibc's log1pf called per pair was a fifth of the exact
 * method's time. By pointer, as hsum8. */
static inline void
v8_log (LabV8 *x)
{
  v8si bits = (v8si) *x;
  v8si e = ((bits >> 23) & 0xff) - 127;
  LabV8 m = (LabV8) ((bits & 0x007fffff) | 0x3f800000);   /* [1, 2) */
  v8si big = m > 1.41421356f;                          /* -1 where true */
  LabV8 f, z, y, fe;

  m = (LabV8) (((v8si) (m * 0.5f) & big) | ((v8si) m & ~big));
  e -= big;
  f = m - 1.0f;
  z = f * f;
  y = 7.0376836292e-2f * f - 1.1514610310e-1f;
  y = y * f + 1.1676998740e-1f;
  y = y * f - 1.2420140846e-1f;
  y = y * f + 1.4249322787e-1f;
  y = y * f - 1.6668057665e-1f;
  y = y * f + 2.0000714765e-1f;
  y = y * f - 2.4999993993e-1f;
  y = y * f + 3.3333331174e-1f;
  y = y * f * z;
  fe = __builtin_convertvector (e, LabV8);
  y += -2.12194440e-4f * fe;
  y += -0.5f * z;
  *x = f + y + 0.693359375f * fe;
}

/* sum_{i in [r0, r1), j > i} P_ij log (1 + |y_i - y_j|^2) */
LAB_SIMD_CLONES static double
exact_rows_kl (const float *restrict yx,
               const float *restrict yy,
               const float *restrict pu,
               gsize                 n,
               gsize                 r0,
               gsize                 r1)
{
  double s = 0;

  for (gsize i = r0; i < r1; i++)
    {
      const float *p = pu + packed_index (n, i, i + 1) - (i + 1);
      float xi = yx[i], yi = yy[i], t = 0;
      LabV8 acc = { 0 };
      gsize j = i + 1;

      for (; j + 8 <= n; j += 8)
        {
          LabV8 dx = xi - *(const v8sf_u *) (yx + j);
          LabV8 dy = yi - *(const v8sf_u *) (yy + j);
          LabV8 l = 1.0f + dx * dx + dy * dy;

          v8_log (&l);
          acc += *(const v8sf_u *) (p + j) * l;
        }
      for (; j < n; j++)
        {
          float dx = xi - yx[j], dy = yi - yy[j];

          t += p[j] * log1pf (dx * dx + dy * dy);
        }
      s += hsum8 (&acc) + t;
    }
  return s;
}

typedef struct
{
  gsize           n;
  LabTsneMethod   method;
  Pool            pool;
  gboolean        want_kl;

  float          *yx, *yy;           /* (n) positions */
  float          *gx, *gy;           /* (n) gradient */
  float          *ux, *uy;           /* (n) last update (momentum) */
  float          *gain_x, *gain_y;   /* (n) */
  double          plogp;             /* sum p log p */
  double          chunk_z[N_CHUNKS];
  double          chunk_kl[N_CHUNKS];

  /* exact */
  float          *pu;                /* packed upper triangle of P */
  gsize           chunk_row[N_CHUNKS + 1];
  float          *acc;               /* (N_CHUNKS, 4, n) */

  /* Barnes-Hut */
  guint32        *row_ptr;           /* CSR of P */
  guint32        *col;
  float          *val;
  LabQuadtree    *tree;
  float          *tree_scratch;      /* (N_CHUNKS, scratch size) */
  float           theta;
  float          *rep_x, *rep_y, *rep_z;  /* (n) by sorted position (exact:
                                           * repulsion sums by point) */
  float          *att_x, *att_y;          /* (n) by point */
} Tsne;

static void
tsne_clear (Tsne *t)
{
  pool_clear (&t->pool);
  g_free (t->yx);
  g_free (t->yy);
  g_free (t->gx);
  g_free (t->gy);
  g_free (t->ux);
  g_free (t->uy);
  g_free (t->gain_x);
  g_free (t->gain_y);
  g_free (t->pu);
  g_free (t->acc);
  g_free (t->row_ptr);
  g_free (t->col);
  g_free (t->val);
  g_clear_pointer (&t->tree, lab_quadtree_free);
  g_free (t->tree_scratch);
  g_free (t->rep_x);
  g_free (t->rep_y);
  g_free (t->rep_z);
  g_free (t->att_x);
  g_free (t->att_y);
}

static void
exact_task (gpointer data,
            guint    c)
{
  Tsne *t = data;
  gsize n = t->n, r0 = t->chunk_row[c], r1 = t->chunk_row[c + 1];
  float *a = t->acc + (gsize) c * 4 * n;

  /* only indices >= r0 are touched by rows >= r0 */
  for (guint q = 0; q < 4; q++)
    memset (a + q * n + r0, 0, (n - r0) * sizeof (float));
  t->chunk_z[c] = exact_rows (t->yx, t->yy, t->pu, n, r0, r1,
                              a, a + n, a + 2 * n, a + 3 * n);
  t->chunk_kl[c] = t->want_kl ? exact_rows_kl (t->yx, t->yy, t->pu, n, r0, r1) : 0;
}

/* Attraction A_i = sum_j P_ij w_ij (y_i - y_j) over the CSR rows
 * [i0, i1), into ax, ay, 8 entries at a time; with want_kl, returns their
 * sum_j P_ij log (1 + |y_i - y_j|^2). */
LAB_SIMD_CLONES static double
attraction_rows (const float   *restrict yx,
                 const float   *restrict yy,
                 const guint32 *restrict row_ptr,
                 const guint32 *restrict col,
                 const float   *restrict val,
                 gsize                   i0,
                 gsize                   i1,
                 gboolean                want_kl,
                 float         *restrict ax,
                 float         *restrict ay)
{
  double kl = 0;

  for (gsize i = i0; i < i1; i++)
    {
      guint32 e = row_ptr[i], end = row_ptr[i + 1];
      float xi = yx[i], yi = yy[i], tx = 0, ty = 0, tk = 0;
      LabV8 sx = { 0 }, sy = { 0 }, sk = { 0 };

      for (; e + 8 <= end; e += 8)
        {
          const guint32 *c = col + e;
          LabV8 xj = { yx[c[0]], yx[c[1]], yx[c[2]], yx[c[3]],
                      yx[c[4]], yx[c[5]], yx[c[6]], yx[c[7]] };
          LabV8 yj = { yy[c[0]], yy[c[1]], yy[c[2]], yy[c[3]],
                      yy[c[4]], yy[c[5]], yy[c[6]], yy[c[7]] };
          LabV8 dx = xi - xj, dy = yi - yj;
          LabV8 q = 1.0f + dx * dx + dy * dy;
          LabV8 p = *(const v8sf_u *) (val + e);
          LabV8 pw = p / q;

          sx += pw * dx;
          sy += pw * dy;
          if (want_kl)
            {
              v8_log (&q);
              sk += p * q;
            }
        }
      for (; e < end; e++)
        {
          guint32 j = col[e];
          float dx = xi - yx[j], dy = yi - yy[j];
          float d2 = dx * dx + dy * dy;
          float pw = val[e] / (1.0f + d2);

          tx += pw * dx;
          ty += pw * dy;
          if (want_kl)
            tk += val[e] * log1pf (d2);
        }
      ax[i] = hsum8 (&sx) + tx;
      ay[i] = hsum8 (&sy) + ty;
      kl += hsum8 (&sk) + tk;
    }
  return kl;
}

static void
bh_task (gpointer data,
         guint    c)
{
  Tsne *t = data;
  gsize n = t->n, s0 = n * c / N_CHUNKS, s1 = n * (c + 1) / N_CHUNKS;
  double z = 0;

  lab_quadtree_repulsion (t->tree, s0, s1, t->theta,
                          t->tree_scratch + c * lab_quadtree_scratch_size (t->tree),
                          t->rep_x + s0, t->rep_y + s0, t->rep_z + s0);
  for (gsize s = s0; s < s1; s++)
    z += t->rep_z[s];
  t->chunk_z[c] = z;
  /* rows in index order: the CSR arrays are read front to back */
  t->chunk_kl[c] = attraction_rows (t->yx, t->yy, t->row_ptr, t->col, t->val,
                                    s0, s1, t->want_kl, t->att_x, t->att_y);
}

/* Fills t->gx, t->gy for the current positions; returns the KL divergence
 * when t->want_kl, else NAN. */
static double
tsne_gradient (Tsne  *t,
               float  exaggeration)
{
  gsize n = t->n;
  double z = 0, kl = 0;

  if (t->method == LAB_TSNE_METHOD_EXACT)
    {
      pool_run (&t->pool, exact_task, t, N_CHUNKS);
      for (guint c = 0; c < N_CHUNKS; c++)
        {
          z += 2 * t->chunk_z[c];
          kl += 2 * t->chunk_kl[c];
        }
      /* chunk c only touched indices >= its first row; sum in chunk order
       * into gx, gy (attraction) and rep_x, rep_y (repulsion) */
      memset (t->gx, 0, n * sizeof (float));
      memset (t->gy, 0, n * sizeof (float));
      memset (t->rep_x, 0, n * sizeof (float));
      memset (t->rep_y, 0, n * sizeof (float));
      for (guint c = 0; c < N_CHUNKS; c++)
        {
          const float *a = t->acc + (gsize) c * 4 * n;

          for (gsize i = t->chunk_row[c]; i < n; i++)
            {
              t->gx[i] += a[i];
              t->gy[i] += a[n + i];
              t->rep_x[i] += a[2 * n + i];
              t->rep_y[i] += a[3 * n + i];
            }
        }
      for (gsize i = 0; i < n; i++)
        {
          t->gx[i] = 4.0f * (exaggeration * t->gx[i] - (float) (t->rep_x[i] / z));
          t->gy[i] = 4.0f * (exaggeration * t->gy[i] - (float) (t->rep_y[i] / z));
        }
    }
  else
    {
      const guint32 *order;

      lab_quadtree_build (t->tree, t->yx, t->yy, n);
      order = lab_quadtree_get_order (t->tree);
      pool_run (&t->pool, bh_task, t, N_CHUNKS);
      for (guint c = 0; c < N_CHUNKS; c++)
        {
          z += t->chunk_z[c];
          kl += t->chunk_kl[c];
        }
      for (gsize s = 0; s < n; s++)
        {
          guint32 i = order[s];

          t->gx[i] = 4.0f * (exaggeration * t->att_x[i] - (float) (t->rep_x[s] / z));
          t->gy[i] = 4.0f * (exaggeration * t->att_y[i] - (float) (t->rep_y[s] / z));
        }
    }
  return t->want_kl ? t->plogp + kl + log (z) : NAN;
}

/* One step of scikit-learn's _gradient_descent: delta-bar-delta gains, then
 * momentum. Returns the norm of the gain-scaled gradient. */
static double
tsne_step (Tsne  *t,
           float  momentum,
           float  learning_rate)
{
  float *pos[2] = { t->yx, t->yy }, *grad[2] = { t->gx, t->gy };
  float *upd[2] = { t->ux, t->uy }, *gain[2] = { t->gain_x, t->gain_y };
  double norm2 = 0;

  for (guint a = 0; a < 2; a++)
    {
      float *restrict p = pos[a], *restrict g = grad[a];
      float *restrict u = upd[a], *restrict k = gain[a];

      for (gsize i = 0; i < t->n; i++)
        {
          /* the gain grows while the gradient keeps pushing the same way */
          float gi = g[i], ki = u[i] * gi < 0 ? k[i] + 0.2f : k[i] * 0.8f;

          ki = MAX (ki, MIN_GAIN);
          gi *= ki;
          u[i] = momentum * u[i] - learning_rate * gi;
          p[i] += u[i];
          k[i] = ki;
          norm2 += (double) gi * gi;
        }
    }
  return sqrt (norm2);
}

static void
tsne_reset_momentum (Tsne *t)
{
  for (gsize i = 0; i < t->n; i++)
    {
      t->ux[i] = t->uy[i] = 0;
      t->gain_x[i] = t->gain_y[i] = 1;
    }
}

/* scikit-learn's init="pca": the first two principal components, scaled so
 * the first has standard deviation 1e-4 (a random init has the same spread). */
static void
tsne_init_positions (Tsne                *t,
                     const float         *x,
                     gsize                dim,
                     const LabTsneConfig *config)
{
  gsize n = t->n;
  LabRng rng;

  if (config->init == LAB_TSNE_INIT_PCA && dim >= 2)
    {
      g_autoptr(LabPca) pca = lab_pca_fit (x, n, dim, 2, LAB_PCA_SOLVER_AUTO,
                                           config->seed, NULL, NULL);

      if (pca != NULL)
        {
          g_autofree float *z = g_new (float, 2 * n);
          double mean = 0, var = 0;

          lab_pca_transform (pca, x, n, z);
          for (gsize i = 0; i < n; i++)
            mean += z[2 * i];
          mean /= n;
          for (gsize i = 0; i < n; i++)
            var += (z[2 * i] - mean) * (z[2 * i] - mean);
          var /= n;
          if (var > 0 && isfinite (var))
            {
              double scale = 1e-4 / sqrt (var);

              for (gsize i = 0; i < n; i++)
                {
                  t->yx[i] = z[2 * i] * scale;
                  t->yy[i] = z[2 * i + 1] * scale;
                }
              return;
            }
        }
    }
  lab_rng_init (&rng, config->seed);
  for (gsize i = 0; i < n; i++)
    {
      t->yx[i] = 1e-4 * lab_rng_normal (&rng);
      t->yy[i] = 1e-4 * lab_rng_normal (&rng);
    }
}

static void
tsne_write_positions (const Tsne *t,
                      float      *y)
{
  for (gsize i = 0; i < t->n; i++)
    {
      y[2 * i] = t->yx[i];
      y[2 * i + 1] = t->yy[i];
    }
}

void
lab_tsne_config_init (LabTsneConfig *config)
{
  g_return_if_fail (config != NULL);
  *config = (LabTsneConfig) {
    .perplexity = 30.0,
    .learning_rate = 0.0,
    .n_iter = 1000,
    .seed = 0,
    .method = LAB_TSNE_METHOD_AUTO,
    .exact_max_n = 1000,
    .theta = 0.5,
    .exaggeration = 12.0,
    .exaggeration_iter = 250,
    .publish_every = 10,
    .pca_components = 50,
    .init = LAB_TSNE_INIT_PCA,
    .n_threads = 0,
  };
}

static gboolean
check_config (const LabTsneConfig  *config,
              gsize                 n,
              GError              **error)
{
  if (n < 4)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "t-SNE needs at least 4 points to place; it was given %" G_GSIZE_FORMAT,
                   n);
      return FALSE;
    }
  if (n > G_MAXUINT32 / 4)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "t-SNE of %" G_GSIZE_FORMAT " points is more than it can handle", n);
      return FALSE;
    }
  if (!(config->perplexity > 0) || !isfinite (config->perplexity))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The t-SNE perplexity must be a positive number (it was %g)",
                   config->perplexity);
      return FALSE;
    }
  if (config->perplexity >= n / 3.0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The t-SNE perplexity (%g) is too large for %" G_GSIZE_FORMAT
                   " points: it must be below a third of the number of points "
                   "(here below %.4g). Choose a smaller perplexity or embed more "
                   "points.", config->perplexity, n, n / 3.0);
      return FALSE;
    }
  if (!(config->learning_rate >= 0) || !isfinite (config->learning_rate))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The t-SNE learning rate must be positive, or 0 for automatic "
                   "(it was %g)", config->learning_rate);
      return FALSE;
    }
  if (!(config->theta >= 0 && config->theta <= 1))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The Barnes-Hut angle theta must be between 0 and 1 (it was %g)",
                   config->theta);
      return FALSE;
    }
  if (!(config->exaggeration >= 1 && config->exaggeration <= 1000))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The t-SNE early exaggeration must be between 1 and 1000 "
                   "(it was %g)", config->exaggeration);
      return FALSE;
    }
  if (config->n_iter == 0)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                           "t-SNE needs at least one iteration");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_finite (const float  *x,
              gsize         n,
              gsize         dim,
              GError      **error)
{
  for (gsize i = 0; i < n * dim; i++)
    if (!isfinite (x[i]))
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "The points to embed hold a value that is not a finite "
                     "number (point %" G_GSIZE_FORMAT ", column %" G_GSIZE_FORMAT ")",
                     i / dim, i % dim);
        return FALSE;
      }
  return TRUE;
}

/* The points t-SNE works on: x itself, or when it has more than
 * config->pca_components columns its first principal components (in
 * *reduced, (n, *din)), as scikit-learn users do: neighbourhoods barely
 * change and every later step gets cheaper. NULL on error. */
static const float *
prepare_input (const float          *x,
               gsize                 n,
               gsize                 dim,
               const LabTsneConfig  *config,
               float               **reduced,
               gsize                *din,
               GCancellable         *cancellable,
               GError              **error)
{
  const float *xin = x;

  *din = dim;
  if (dim == 0)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                           "t-SNE needs points with at least one value each");
      return NULL;
    }
  if (config->pca_components > 0 && dim > config->pca_components)
    {
      g_autoptr(LabPca) pca = NULL;

      pca = lab_pca_fit (x, n, dim, config->pca_components, LAB_PCA_SOLVER_AUTO,
                         config->seed, cancellable, error);
      if (pca == NULL)
        return NULL;
      *din = config->pca_components;
      *reduced = g_new (float, n * *din);
      lab_pca_transform (pca, x, n, *reduced);
      xin = *reduced;
    }
  if (!check_finite (xin, n, *din, error))
    return NULL;
  return xin;
}

static gboolean
set_cancelled (guint    done,
               guint    total,
               GError **error)
{
  g_set_error (error, LAB_ERROR, LAB_ERROR_CANCELLED,
               "t-SNE was stopped after %u of %u iterations", done, total);
  return FALSE;
}

gboolean
lab_tsne_run (const float          *x,
              gsize                 n,
              gsize                 dim,
              const LabTsneConfig  *config,
              float                *y,
              LabTsneFunc           callback,
              gpointer              user_data,
              LabTsneResult        *result,
              GCancellable         *cancellable,
              GError              **error)
{
  LabTsneConfig defaults;
  Tsne t = { 0 };
  g_autofree float *reduced = NULL;
  const float *xin;
  gsize din = dim, k = 0;
  guint n_threads, it, n_iter, exaggeration_end;
  float learning_rate;
  double kl = NAN, best_kl = INFINITY;
  guint best_iter = 0;
  gboolean kl_fresh = FALSE, stopped = FALSE, ok = FALSE;

  g_return_val_if_fail (x != NULL || n == 0, FALSE);
  g_return_val_if_fail (y != NULL || n == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (config == NULL)
    {
      lab_tsne_config_init (&defaults);
      config = &defaults;
    }
  if (!check_config (config, n, error))
    return FALSE;

  t.n = n;
  t.method = config->method;
  if (t.method == LAB_TSNE_METHOD_AUTO)
    t.method = n <= config->exact_max_n ? LAB_TSNE_METHOD_EXACT : LAB_TSNE_METHOD_BARNES_HUT;
  if (t.method == LAB_TSNE_METHOD_EXACT
      && n * (n - 1) / 2 > LAB_MAX_ALLOC_BYTES / sizeof (float))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "Exact t-SNE of %" G_GSIZE_FORMAT " points would need more "
                   "memory than allowed; use the Barnes-Hut method", n);
      return FALSE;
    }
  if (t.method == LAB_TSNE_METHOD_BARNES_HUT
      && n * (gsize) (3.0 * config->perplexity + 1.0) > LAB_MAX_ALLOC_BYTES / 32)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "t-SNE of %" G_GSIZE_FORMAT " points with perplexity %g would "
                   "need more memory than allowed", n, config->perplexity);
      return FALSE;
    }
  learning_rate = config->learning_rate > 0
    ? config->learning_rate
    : MAX (n / config->exaggeration / 4.0, 50.0);
  n_iter = config->n_iter;

  xin = prepare_input (x, n, dim, config, &reduced, &din, cancellable, error);
  if (xin == NULL)
    return FALSE;

  n_threads = config->n_threads > 0 ? config->n_threads : g_get_num_processors ();
  pool_init (&t.pool, MIN (n_threads, N_CHUNKS));

  t.yx = g_new (float, n);
  t.yy = g_new (float, n);
  t.gx = g_new (float, n);
  t.gy = g_new (float, n);
  t.ux = g_new (float, n);
  t.uy = g_new (float, n);
  t.gain_x = g_new (float, n);
  t.gain_y = g_new (float, n);
  t.rep_x = g_new (float, n);
  t.rep_y = g_new (float, n);
  tsne_init_positions (&t, xin, din, config);

  if (t.method == LAB_TSNE_METHOD_EXACT)
    {
      gsize total = n * (n - 1) / 2, r = 0;

      t.pu = g_new (float, total);
      t.acc = g_new (float, (gsize) N_CHUNKS * 4 * n);
      t.plogp = exact_affinities (&t.pool, xin, n, din, config->perplexity, t.pu);
      /* rows split so every chunk holds about the same number of pairs */
      t.chunk_row[0] = 0;
      for (guint c = 1; c < N_CHUNKS; c++)
        {
          gsize target = total * c / N_CHUNKS;

          while (r < n && r * n - r * (r + 1) / 2 < target)
            r++;
          t.chunk_row[c] = r;
        }
      t.chunk_row[N_CHUNKS] = n;
    }
  else
    {
      k = MIN (n - 1, (gsize) (3.0 * config->perplexity + 1.0));
      t.plogp = sparse_affinities (&t.pool, xin, n, din, config->perplexity, k,
                                   &t.row_ptr, &t.col, &t.val);
      t.tree = lab_quadtree_new (n, BH_LEAF_SIZE);
      t.tree_scratch = g_new (float, N_CHUNKS * lab_quadtree_scratch_size (t.tree));
      t.theta = config->theta;
      t.rep_z = g_new (float, n);
      t.att_x = g_new (float, n);
      t.att_y = g_new (float, n);
    }
  g_clear_pointer (&reduced, g_free);

  tsne_reset_momentum (&t);
  exaggeration_end = config->exaggeration_iter;
  for (it = 0; it < n_iter; it++)
    {
      gboolean early = it < exaggeration_end;
      gboolean last = it + 1 == n_iter;
      double grad_norm, value;

      if (g_cancellable_is_cancelled (cancellable))
        {
          tsne_write_positions (&t, y);
          set_cancelled (it, n_iter, error);
          goto out;
        }
      /* scikit-learn runs the two phases as two gradient descents: gains and
       * momentum start afresh when the exaggeration ends */
      if (it == exaggeration_end && it > 0)
        {
          tsne_reset_momentum (&t);
          best_kl = INFINITY;
          best_iter = it;
        }
      t.want_kl = (it + 1) % KL_EVERY == 0 || last;
      kl_fresh = t.want_kl;
      value = tsne_gradient (&t, early ? config->exaggeration : 1.0f);
      if (t.want_kl)
        kl = value;
      grad_norm = tsne_step (&t, early ? MOMENTUM_EARLY : MOMENTUM_LATE, learning_rate);
      if (!isfinite (grad_norm))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_DIVERGED,
                       "t-SNE diverged at iteration %u: the positions are no "
                       "longer finite numbers. Try a smaller learning rate.",
                       it + 1);
          goto out;
        }

      if (callback != NULL
          && (t.want_kl || last
              || (config->publish_every > 0 && (it + 1) % config->publish_every == 0)))
        {
          tsne_write_positions (&t, y);
          if (!callback (it + 1, t.want_kl ? kl : NAN, y, user_data))
            {
              stopped = TRUE;
              it++;
              break;
            }
        }

      /* scikit-learn's stopping rules, checked when the KL is: no progress
       * for a while, or a vanishing gradient. Either ends the exaggerated
       * phase early, or the whole run. */
      if (t.want_kl)
        {
          guint patience = early ? exaggeration_end : ITER_WITHOUT_PROGRESS;
          gboolean converged = FALSE;

          if (kl < best_kl)
            {
              best_kl = kl;
              best_iter = it;
            }
          else if (it - best_iter > patience)
            converged = TRUE;
          if (grad_norm <= MIN_GRAD_NORM)
            converged = TRUE;
          if (converged && early)
            exaggeration_end = it + 1;
          else if (converged)
            {
              it++;
              break;
            }
        }
    }

  if (!kl_fresh)
    {
      t.want_kl = TRUE;
      kl = tsne_gradient (&t, 1.0f);
    }
  tsne_write_positions (&t, y);
  if (result != NULL)
    {
      result->kl = kl;
      result->n_iter = it;
      result->method = t.method;
      result->stopped = stopped;
    }
  ok = TRUE;

out:
  tsne_clear (&t);
  return ok;
}

gboolean
lab_tsne_kl_divergence (const float          *x,
                        gsize                 n,
                        gsize                 dim,
                        const float          *y,
                        const LabTsneConfig  *config,
                        LabTsneMethod         method,
                        double               *kl,
                        GError              **error)
{
  LabTsneConfig defaults;
  Pool pool;
  g_autofree float *reduced = NULL;
  g_autofree float *pu = NULL;
  g_autofree guint32 *row_ptr = NULL;
  g_autofree guint32 *col = NULL;
  g_autofree float *val = NULL;
  const float *xin;
  gsize din;
  double z = 0, plog = 0, plogp;

  g_return_val_if_fail (x != NULL && y != NULL && kl != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (config == NULL)
    {
      lab_tsne_config_init (&defaults);
      config = &defaults;
    }
  if (!check_config (config, n, error))
    return FALSE;
  if (method == LAB_TSNE_METHOD_AUTO)
    method = n <= config->exact_max_n ? LAB_TSNE_METHOD_EXACT : LAB_TSNE_METHOD_BARNES_HUT;
  if (method == LAB_TSNE_METHOD_EXACT
      && n * (n - 1) / 2 > LAB_MAX_ALLOC_BYTES / sizeof (float))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "Exact t-SNE of %" G_GSIZE_FORMAT " points would need more "
                   "memory than allowed; use the Barnes-Hut method", n);
      return FALSE;
    }
  xin = prepare_input (x, n, dim, config, &reduced, &din, NULL, error);
  if (xin == NULL)
    return FALSE;

  pool_init (&pool, MIN (config->n_threads > 0 ? config->n_threads : g_get_num_processors (),
                         N_CHUNKS));
  if (method == LAB_TSNE_METHOD_EXACT)
    {
      pu = g_new (float, n * (n - 1) / 2);
      plogp = exact_affinities (&pool, xin, n, din, config->perplexity, pu);
    }
  else
    {
      gsize k = MIN (n - 1, (gsize) (3.0 * config->perplexity + 1.0));

      plogp = sparse_affinities (&pool, xin, n, din, config->perplexity, k,
                                 &row_ptr, &col, &val);
    }
  pool_clear (&pool);

  /* the exact Z, and sum p_ij log (1 + |y_i - y_j|^2), in double */
  for (gsize i = 0; i < n; i++)
    {
      double zi = 0;

      for (gsize j = i + 1; j < n; j++)
        {
          double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
          double d2 = dx * dx + dy * dy;

          zi += 1.0 / (1.0 + d2);
          if (pu != NULL && pu[packed_index (n, i, j)] > 0)
            plog += 2.0 * pu[packed_index (n, i, j)] * log1p (d2);
        }
      z += 2 * zi;
      if (pu == NULL)
        for (guint32 e = row_ptr[i]; e < row_ptr[i + 1]; e++)
          {
            double dx = y[2 * i] - y[2 * col[e]], dy = y[2 * i + 1] - y[2 * col[e] + 1];

            plog += val[e] * log1p (dx * dx + dy * dy);
          }
    }
  *kl = plogp + plog + log (z);
  return TRUE;
}
