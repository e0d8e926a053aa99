#define G_LOG_DOMAIN "latentlab-core"

/* t-SNE's input affinities P: perplexity-calibrated Gaussian neighbourhoods,
 * over all pairs (exact) or the nearest neighbours (Barnes-Hut). */

#include "lab-tsne-private.h"

#include "lab-blas.h"
#include "lab-knn.h"
#include <math.h>
#include <string.h>

#define PERPLEXITY_TOL       1e-5
#define PERPLEXITY_STEPS     100
#define AFFINITY_BLOCK       256    /* rows of the distance matrix per GEMM */

/* calibrate_row: d (m) squared distances from point i to the others;
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
  double        *scratch;    /* (LAB_TSNE_CHUNKS, 2 n) */
  /* sparse: k nearest neighbours */
  gsize          k;
  const float   *x;          /* (n, dim) */
  const float   *nbr_d2;     /* (n, k) squared distances, nearest first */
  float         *nbr_p;      /* (n, k) p_{j|i} */
} AffinityJob;

static void
exact_affinity_task (guint    task,
                     gpointer data)
{
  AffinityJob *job = data;
  gsize n = job->n;
  double *d = job->scratch + (gsize) task * 2 * n;
  double *p = d + n;

  for (gsize r = task; r < job->rows; r += LAB_TSNE_CHUNKS)
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
double
lab_tsne_exact_affinities (LabTeam     *team,
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
  g_autofree double *scratch = g_new (double, (gsize) LAB_TSNE_CHUNKS * 2 * n);
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
      lab_blas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, n, dim,
                   -2.0, xd + i0 * dim, dim, xd, dim, 0.0, dist, n);
      for (gsize r = 0; r < rows; r++)
        for (gsize j = 0; j < n; j++)
          dist[r * n + j] = MAX (dist[r * n + j] + norms[i0 + r] + norms[j], 0.0);
      job.i0 = i0;
      job.rows = rows;
      lab_team_run_tasks (team, LAB_TSNE_CHUNKS, exact_affinity_task, &job);

      /* P_ij = p_{j|i} + p_{i|j}, gathered into the upper triangle */
      for (gsize r = 0; r < rows; r++)
        {
          gsize i = i0 + r;
          const float *row = cond + r * n;

          for (gsize j = 0; j < i; j++)
            pu[lab_tsne_packed_index (n, j, i)] += row[j];
          for (gsize j = i + 1; j < n; j++)
            pu[lab_tsne_packed_index (n, i, j)] += row[j];
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

/* Rows task, task + LAB_TSNE_CHUNKS, ...: p_{j|i} over each row's k
 * neighbours from their squared distances. */
static void
calibrate_task (guint    task,
                gpointer data)
{
  AffinityJob *job = data;
  gsize k = job->k;
  double *d = job->scratch + (gsize) task * 2 * k;
  double *p = d + k;

  for (gsize i = task; i < job->n; i += LAB_TSNE_CHUNKS)
    {
      for (gsize h = 0; h < k; h++)
        d[h] = job->nbr_d2[i * k + h];
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
double
lab_tsne_sparse_affinities (LabTeam      *team,
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
  g_autofree double *scratch = g_new (double, (gsize) LAB_TSNE_CHUNKS * 2 * k);
  g_autofree guint32 *nbr = g_new (guint32, n * k);
  g_autofree float *nbr_d2 = g_new (float, n * k);
  g_autofree float *nbr_p = g_new (float, n * k);
  g_autofree guint32 *count = g_new0 (guint32, n + 1);
  g_autofree Entry *entries = g_new (Entry, 2 * n * k);
  guint32 *row_ptr = g_new (guint32, n + 1);
  guint32 *col;
  float *val;
  gsize nnz = 0;
  double total = 0, plogp = 0;

  /* k < n and the sizes were checked by the caller: this cannot fail */
  if (!lab_knn_exact (team, 0, x, n, dim, k, nbr, nbr_d2, NULL, NULL))
    g_assert_not_reached ();
  job.scratch = scratch;
  job.nbr_d2 = nbr_d2;
  job.nbr_p = nbr_p;
  lab_team_run_tasks (team, LAB_TSNE_CHUNKS, calibrate_task, &job);

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
