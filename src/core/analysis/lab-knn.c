#define G_LOG_DOMAIN "latentlab-core"

#include "lab-knn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lab-blas.h"
#include "lab-knn-private.h"
#include "lab-vmath-private.h"

/* A task: ROW_TILE rows against all columns, COL_TILE at a time: a tile
 * of 256 x 4096 floats (4 MB) is what one GEMM call writes and the
 * selection reads back. 64..512 x 1024..8192 measured within 15% of each
 * other in CPU time on 20,000 x 50. */
#define ROW_TILE   256
#define COL_TILE   4096
/* Candidates kept beyond k, whose distances are recomputed too: a point
 * the float GEMM form ranks just past the k-th gets its exact place. */
#define MARGIN     8

typedef struct
{
  const float   *x;          /* (n, dim) centred */
  const float   *xo;         /* (n, dim) as given: the distances kept */
  const float   *norms;      /* (n) |x_j|^2 */
  gsize          n, dim, k;
  gsize          kc;         /* candidates per row: k + MARGIN, at most n - 1 */
  guint32       *nbr;        /* (n, k) */
  guint32       *cand;       /* (n, kc) */
  float         *dist2;      /* (n, k) or NULL */
  guint          n_tasks;    /* row tiles */
  gint           next;       /* the next row tile a lane takes */
  float         *heap_d;     /* (n, kc) while selecting: |x_j|^2 - 2 x_i . x_j */
  GCancellable  *cancellable;
  gint           cancelled;
} KnnJob;

static inline void
offer (float   *hd,
       guint32 *hi,
       gsize    k,
       float    d,
       gsize    j,
       gsize    i)
{
  if (d < hd[0] && j != i)
    {
      hd[0] = d;
      hi[0] = (guint32) j;
      lab_knn_sift_down (hd, hi, k, 0);
    }
}

typedef gint64 V4l __attribute__ ((vector_size (32)));

/* The lanes of a comparison that hold, as bits. */
static inline guint32
lane_bits (LabV8i m)
{
  guint32 bits = 0;

  for (guint l = 0; l < 8; l++)
    bits |= (guint32) (m[l] & 1) << l;
  return bits;
}

/* Row i's candidates g[0..m) (columns j0 + c: -2 x_i . x_j) into its heap
 * (hd, hi, full). 32 at a time against the heap's worst: a block only
 * costs more when one of them beats it, which after the first few
 * thousand columns is rare, and then only the columns that beat it are
 * offered (with a large k most of the first columns' blocks hold some). */
LAB_SIMD_CLONES static void
select_row (const float *restrict g,
            const float *restrict norms,
            gsize                 m,
            gsize                 i,
            gsize                 j0,
            float       *restrict hd,
            guint32     *restrict hi,
            gsize                 k)
{
  const float *nj = norms + j0;
  gsize c = 0;

  for (; c + 32 <= m; c += 32)
    {
      LabV8 a0, a1, a2, a3, b0, b1, b2, b3, worst = LAB_V8_SPLAT (hd[0]);
      LabV8i m0, m1, m2, m3;
      V4l any;
      guint32 bits;

      LAB_V8_LOAD (a0, g + c);
      LAB_V8_LOAD (a1, g + c + 8);
      LAB_V8_LOAD (a2, g + c + 16);
      LAB_V8_LOAD (a3, g + c + 24);
      LAB_V8_LOAD (b0, nj + c);
      LAB_V8_LOAD (b1, nj + c + 8);
      LAB_V8_LOAD (b2, nj + c + 16);
      LAB_V8_LOAD (b3, nj + c + 24);
      m0 = a0 + b0 < worst;
      m1 = a1 + b1 < worst;
      m2 = a2 + b2 < worst;
      m3 = a3 + b3 < worst;
      any = (V4l) (m0 | m1 | m2 | m3);
      if ((any[0] | any[1] | any[2] | any[3]) == 0)
        continue;
      bits = lane_bits (m0) | lane_bits (m1) << 8 | lane_bits (m2) << 16 | lane_bits (m3) << 24;
      /* the heap's worst only falls, so the other columns cannot beat it */
      for (; bits != 0; bits &= bits - 1)
        {
          guint l = (guint) __builtin_ctz (bits);

          offer (hd, hi, k, g[c + l] + nj[c + l], j0 + c + l, i);
        }
    }
  for (; c < m; c++)
    offer (hd, hi, k, g[c] + nj[c], j0 + c, i);
}

typedef struct
{
  double  d;
  guint32 j;
} Pair;

static int
pair_compare (const void *a,
              const void *b)
{
  const Pair *pa = a, *pb = b;

  if (pa->d != pb->d)
    return pa->d < pb->d ? -1 : 1;
  return (pa->j > pb->j) - (pa->j < pb->j);
}

/* Row tile `task`; tile (ROW_TILE, COL_TILE) and pairs (k) are the lane's. */
static void
knn_rows (KnnJob  *job,
          guint    task,
          float   *tile,
          Pair    *pairs)
{
  gsize n = job->n, k = job->k, kc = job->kc, dim = job->dim;
  gsize i0 = (gsize) task * ROW_TILE, rows = MIN (ROW_TILE, n - i0);

  /* heaps start full of +inf at an impossible index */
  for (gsize r = 0; r < rows; r++)
    for (gsize h = 0; h < kc; h++)
      {
        job->heap_d[(i0 + r) * kc + h] = INFINITY;
        job->cand[(i0 + r) * kc + h] = G_MAXUINT32;
      }
  for (gsize j0 = 0; j0 < n; j0 += COL_TILE)
    {
      gsize cols = MIN (COL_TILE, n - j0);

      /* tile (rows, cols) = -2 x[i0 : i0+rows] . x[j0 : j0+cols]^T */
      lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, cols, dim,
                      -2.0f, job->x + i0 * dim, dim, job->x + j0 * dim, dim, 0.0f, tile, cols);
      for (gsize r = 0; r < rows; r++)
        select_row (tile + r * cols, job->norms, cols, i0 + r, j0,
                    job->heap_d + (i0 + r) * kc, job->cand + (i0 + r) * kc, kc);
    }
  /* the candidates' distances in double, nearest first; the k best stay */
  for (gsize r = 0; r < rows; r++)
    {
      gsize i = i0 + r;
      const float *xi = job->xo + i * dim;
      const guint32 *cd = job->cand + i * kc;

      for (gsize h = 0; h < kc; h++)
        {
          const float *xj = job->xo + (gsize) cd[h] * dim;
          double s = 0;

          for (gsize c = 0; c < dim; c++)
            {
              double e = (double) xi[c] - xj[c];
              s += e * e;
            }
          pairs[h] = (Pair) { s, cd[h] };
        }
      qsort (pairs, kc, sizeof (Pair), pair_compare);
      for (gsize h = 0; h < k; h++)
        {
          job->nbr[i * k + h] = pairs[h].j;
          if (job->dist2 != NULL)
            job->dist2[i * k + h] = (float) pairs[h].d;
        }
    }
}

/* One lane: row tiles until none are left (or the search is cancelled). */
static void
knn_lane (guint    lane,
          gpointer data)
{
  KnnJob *job = data;
  g_autofree float *tile = g_new (float, (gsize) ROW_TILE * COL_TILE);
  g_autofree Pair *pairs = g_new (Pair, job->kc);

  for (;;)
    {
      guint task = (guint) g_atomic_int_add (&job->next, 1);

      if (job->cancellable != NULL && g_cancellable_is_cancelled (job->cancellable))
        g_atomic_int_set (&job->cancelled, 1);
      if (task >= job->n_tasks || g_atomic_int_get (&job->cancelled))
        return;
      knn_rows (job, task, tile, pairs);
    }
}

gboolean
lab_knn_check (gsize    n,
               gsize    k,
               gsize    max_k,
               gsize    max_n,
               gsize    floats,
               GError **error)
{
  if (k == 0 || k >= n || k > max_k)
    {
      g_autofree char *bound = max_k < G_MAXSIZE
        ? g_strdup_printf (" (and at most %" G_GSIZE_FORMAT ")", max_k) : g_strdup ("");

      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Nearest neighbours: %" G_GSIZE_FORMAT " neighbours asked for among %"
                   G_GSIZE_FORMAT " points; it must be from 1 to one less than the points%s",
                   k, n, bound);
      return FALSE;
    }
  if (n > max_n || floats > LAB_MAX_ALLOC_BYTES / sizeof (float) / 4)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%" G_GSIZE_FORMAT " neighbours of %" G_GSIZE_FORMAT " points would need "
                   "more memory than allowed", k, n);
      return FALSE;
    }
  return TRUE;
}

gboolean
lab_knn_exact (LabTeam       *team,
               guint          n_threads,
               const float   *x,
               gsize          n,
               gsize          dim,
               gsize          k,
               guint32       *nbr,
               float         *dist2,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(LabTeam) own = NULL;
  g_autofree float *norms = NULL;
  g_autofree float *heap_d = NULL;
  g_autofree float *centred = NULL;
  g_autofree double *mean = NULL;
  g_autofree guint32 *cand = NULL;
  gsize kc;
  KnnJob job = { 0 };
  int blas_threads;

  g_return_val_if_fail (x != NULL && nbr != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!lab_knn_check (n, k, G_MAXSIZE, G_MAXUINT32 - 1, n * (k + MARGIN) + n * dim, error))
    return FALSE;
  if (team == NULL)
    {
      own = lab_team_new (n_threads > 0 ? n_threads : g_get_num_processors (), 0);
      team = own;
    }
  /* centred: distances do not change, and |x|^2 no longer dwarfs them
   * in the GEMM form */
  centred = g_new (float, n * dim);
  mean = g_new0 (double, dim);
  for (gsize i = 0; i < n; i++)
    for (gsize d = 0; d < dim; d++)
      mean[d] += x[i * dim + d];
  for (gsize d = 0; d < dim; d++)
    mean[d] /= n;
  norms = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    {
      double s = 0;

      for (gsize d = 0; d < dim; d++)
        {
          float v = (float) (x[i * dim + d] - mean[d]);

          centred[i * dim + d] = v;
          s += (double) v * v;
        }
      norms[i] = (float) s;
    }
  kc = MIN (k + MARGIN, n - 1);
  heap_d = g_new (float, n * kc);
  cand = g_new (guint32, n * kc);
  job = (KnnJob) { centred, x, norms, n, dim, k, kc, nbr, cand, dist2,
                   (guint) ((n + ROW_TILE - 1) / ROW_TILE), 0, heap_d, cancellable, 0 };

  /* the lanes are the threads: each GEMM runs on the lane that calls it */
  blas_threads = lab_blas_get_threads ();
  if (lab_team_lanes (team) > 1)
    lab_blas_set_threads (1);
  lab_team_run (team, lab_team_lanes (team), knn_lane, &job);
  if (lab_team_lanes (team) > 1)
    lab_blas_set_threads (blas_threads);

  if (g_atomic_int_get (&job.cancelled))
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_CANCELLED,
                           "The nearest-neighbour search was stopped");
      return FALSE;
    }
  return TRUE;
}
