#define G_LOG_DOMAIN "latentlab-core"

/* UMAP: see lab-umap.h for the steps. The kNN graph comes from lab-knn.c;
 * the rest is here: the fuzzy simplicial set, the start, the curve and the
 * SGD with negative sampling. */

#include "lab-umap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lab-knn.h"
#include "lab-pca.h"
#include "lab-rng.h"
#include "lab-team.h"
#include "lab-umap-private.h"

#define SMOOTH_STEPS      64       /* umap-learn's smooth_knn_dist n_iter */
#define SMOOTH_TOL        1e-5
#define MIN_K_DIST_SCALE  1e-3
/* Up to this many points the neighbours are exact; beyond, NN-descent's
 * (bench-knn, all 70,000 MNIST images after PCA-50, 14 neighbours: 1.55 s
 * against 3.50 s, 98.7% of the exact neighbours found; at 20,000 points the
 * exact search takes 0.3 s). */
#define UMAP_EXACT_KNN_MAX 30000
#define INIT_EXTENT       10.0

void
lab_umap_config_init (LabUmapConfig *config)
{
  *config = (LabUmapConfig) {
    .n_neighbors = 15,
    .min_dist = 0.1,
    .spread = 1.0,
    .n_epochs = 0,
    .negative_sample_rate = 5,
    .learning_rate = 1.0,
    .seed = 0,
    .n_threads = 1,
    .publish_every = 10,
  };
}

/* Least squares of 1 / (1 + a x^(2b)) against 1 for x < min_dist and
 * exp (-(x - min_dist) / spread) beyond, on 300 points of [0, 3 spread]
 * (scipy's curve_fit in umap-learn): Gauss-Newton with Levenberg's
 * damping, from a = 1.5, b = 0.9. */
void
lab_umap_find_ab (double  spread,
                  double  min_dist,
                  double *a_out,
                  double *b_out)
{
  const guint m = 300;
  double a = 1.5, b = 0.9, lambda = 1e-3, cost = INFINITY;

  for (guint it = 0; it < 200; it++)
    {
      double jtj[3] = { 0 }, jtr[2] = { 0 }, c = 0;

      for (guint k = 1; k < m; k++)
        {
          double x = 3 * spread * k / (m - 1);
          double y = x < min_dist ? 1.0 : exp (-(x - min_dist) / spread);
          double p = pow (x, 2 * b), f = 1 / (1 + a * p), r = f - y;
          double da = -p * f * f, db = -a * p * 2 * log (x) * f * f;

          c += r * r;
          jtj[0] += da * da;
          jtj[1] += da * db;
          jtj[2] += db * db;
          jtr[0] += da * r;
          jtr[1] += db * r;
        }
      if (c > cost)
        {
          lambda *= 10;
          continue;
        }
      cost = c;
      {
        double j0 = jtj[0] * (1 + lambda), j2 = jtj[2] * (1 + lambda);
        double det = j0 * j2 - jtj[1] * jtj[1];
        double sa = (j2 * jtr[0] - jtj[1] * jtr[1]) / det;
        double sb = (j0 * jtr[1] - jtj[1] * jtr[0]) / det;

        if (!isfinite (sa) || !isfinite (sb))
          break;
        a -= sa;
        b -= sb;
        lambda = MAX (lambda / 10, 1e-9);
        if (fabs (sa) < 1e-10 && fabs (sb) < 1e-10)
          break;
      }
    }
  *a_out = a;
  *b_out = b;
}

static int
edge_compare (const void *pa,
              const void *pb)
{
  const LabUmapEdge *a = pa, *b = pb;

  if (a->row != b->row)
    return a->row < b->row ? -1 : 1;
  return (a->col > b->col) - (a->col < b->col);
}

/* Steps 1-3: the symmetric fuzzy graph as edges (both directions), sorted. */
static LabUmapEdge *
fuzzy_graph (const guint32 *nbr,
             const float   *d2,
             gsize          n,
             gsize          k,
             guint          n_neighbors,
             guint          n_epochs,
             gsize         *n_edges)
{
  g_autofree LabUmapEdge *all = g_new (LabUmapEdge, 2 * n * k);
  LabUmapEdge *out;
  double target = log2 (n_neighbors), mean_all = 0, wmax = 0;
  gsize m = 0, kept = 0;

  for (gsize i = 0; i < n * k; i++)
    mean_all += sqrt (d2[i]);
  mean_all /= n * k;
  for (gsize i = 0; i < n; i++)
    {
      double d[256 + 1], rho, lo = 0, hi = INFINITY, sigma = 1, mean = 0;

      for (gsize h = 0; h < k; h++)
        {
          d[h] = sqrt (d2[i * k + h]);
          mean += d[h];
        }
      mean /= k;
      rho = d[0];
      for (guint step = 0; step < SMOOTH_STEPS; step++)
        {
          double s = 0;

          for (gsize h = 1; h < k; h++)
            {
              double e = d[h] - rho;
              s += e > 0 ? exp (-e / sigma) : 1.0;
            }
          /* umap-learn counts the nearest neighbour's weight of 1 too */
          s += 1;
          if (fabs (s - target) < SMOOTH_TOL)
            break;
          if (s > target)
            {
              hi = sigma;
              sigma = 0.5 * (lo + hi);
            }
          else
            {
              lo = sigma;
              sigma = isinf (hi) ? sigma * 2 : 0.5 * (lo + hi);
            }
        }
      if (rho > 0)
        sigma = MAX (sigma, MIN_K_DIST_SCALE * mean);
      else
        sigma = MAX (sigma, MIN_K_DIST_SCALE * mean_all);
      for (gsize h = 0; h < k; h++)
        {
          double e = d[h] - rho;
          float w = (float) (e > 0 ? exp (-e / sigma) : 1.0);
          guint32 j = nbr[i * k + h];

          /* direction i -> j at (i, j); its mirror at (j, i) marked by a
           * negative weight, so the union can tell them apart */
          all[m++] = (LabUmapEdge) { (guint32) i, j, w };
          all[m++] = (LabUmapEdge) { j, (guint32) i, -w };
        }
    }
  qsort (all, m, sizeof (LabUmapEdge), edge_compare);
  /* merge (i, j): a = w(i -> j), b = w(j -> i); union a + b - a b */
  for (gsize e = 0; e < m;)
    {
      double a = 0, b = 0;
      gsize f = e;

      for (; f < m && all[f].row == all[e].row && all[f].col == all[e].col; f++)
        {
          if (all[f].w >= 0)
            a = MAX (a, all[f].w);
          else
            b = MAX (b, -all[f].w);
        }
      all[kept] = (LabUmapEdge) { all[e].row, all[e].col, (float) (a + b - a * b) };
      wmax = MAX (wmax, all[kept].w);
      kept++;
      e = f;
    }
  /* edges too weak to be drawn once in n_epochs go */
  out = g_new (LabUmapEdge, MAX (kept, 1));
  *n_edges = 0;
  for (gsize e = 0; e < kept; e++)
    if (all[e].w >= wmax / n_epochs)
      out[(*n_edges)++] = all[e];
  return out;
}

/* Step 4: the first two principal components, scaled to [-10, 10]. */
static void
initial_layout (const float *x,
                gsize        n,
                gsize        dim,
                guint64      seed,
                float       *y)
{
  g_autoptr(LabPca) pca = dim >= 2 ? lab_pca_fit (x, n, dim, 2, LAB_PCA_SOLVER_AUTO, seed, NULL, NULL)
                                   : NULL;
  LabRng rng;
  double extent = 0;

  lab_rng_init (&rng, seed);
  if (pca != NULL)
    lab_pca_transform (pca, x, n, y);
  else
    for (gsize i = 0; i < 2 * n; i++)
      y[i] = (float) lab_rng_normal (&rng);
  for (gsize i = 0; i < 2 * n; i++)
    extent = MAX (extent, fabs (y[i]));
  for (gsize i = 0; i < 2 * n; i++)
    y[i] = (float) (y[i] * (extent > 0 ? INIT_EXTENT / extent : 1.0)
                    + 1e-4 * lab_rng_normal (&rng));
}

gboolean
lab_umap_run (const float          *x,
              gsize                 n,
              gsize                 dim,
              const LabUmapConfig  *config,
              float                *y,
              LabUmapFunc           callback,
              gpointer              user_data,
              gboolean             *stopped,
              GCancellable         *cancellable,
              GError              **error)
{
  LabUmapConfig defaults;
  g_autoptr(LabTeam) team = NULL;
  g_autofree guint32 *nbr = NULL;
  g_autofree float *d2 = NULL;
  g_autofree LabUmapEdge *edges = NULL;
  g_autoptr(LabUmapSgd) sgd = NULL;
  gsize k, n_edges = 0;
  guint n_epochs, lanes;
  double a, b;

  g_return_val_if_fail (x != NULL && y != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (config == NULL)
    {
      lab_umap_config_init (&defaults);
      config = &defaults;
    }
  if (config->n_neighbors < 2 || config->n_neighbors > 256)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "UMAP takes 2 to 256 neighbours, not %u", config->n_neighbors);
      return FALSE;
    }
  if (n < config->n_neighbors + 1)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "UMAP with %u neighbours needs more than %u points; it was given %"
                   G_GSIZE_FORMAT, config->n_neighbors, config->n_neighbors, n);
      return FALSE;
    }
  if (!(config->spread > 0) || !(config->min_dist >= 0 && config->min_dist <= config->spread))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "UMAP's min_dist must be from 0 to the spread (%g), not %g",
                   config->spread, config->min_dist);
      return FALSE;
    }
  for (gsize i = 0; i < n * dim; i++)
    if (!isfinite (x[i]))
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "The points to embed hold a value that is not a finite number "
                     "(point %" G_GSIZE_FORMAT ")", i / MAX (dim, 1));
        return FALSE;
      }

  n_epochs = config->n_epochs > 0 ? config->n_epochs : n <= 10000 ? 500 : 200;
  lanes = config->n_threads > 0 ? config->n_threads : g_get_num_processors ();
  team = lab_team_new (lanes, 0);
  k = config->n_neighbors - 1;
  nbr = g_new (guint32, n * k);
  d2 = g_new (float, n * k);
  if (!(n > UMAP_EXACT_KNN_MAX
        ? lab_knn_descent (team, x, n, dim, k, config->seed, nbr, d2, cancellable, error)
        : lab_knn_exact (team, 0, x, n, dim, k, nbr, d2, cancellable, error)))
    return FALSE;
  edges = fuzzy_graph (nbr, d2, n, k, config->n_neighbors, n_epochs, &n_edges);
  g_clear_pointer (&nbr, g_free);
  g_clear_pointer (&d2, g_free);
  initial_layout (x, n, dim, config->seed, y);
  lab_umap_find_ab (config->spread, config->min_dist, &a, &b);

  sgd = lab_umap_sgd_new (edges, n_edges, n, a, b, config->negative_sample_rate, config->seed,
                          lanes);

  if (stopped != NULL)
    *stopped = FALSE;
  for (guint epoch = 0; epoch < n_epochs; epoch++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_CANCELLED,
                       "UMAP was stopped after %u of %u epochs", epoch, n_epochs);
          return FALSE;
        }
      lab_umap_sgd_epoch (sgd, team, y, epoch,
                          (float) (config->learning_rate * (1.0 - (double) epoch / n_epochs)));
      if (callback != NULL
          && ((config->publish_every > 0 && (epoch + 1) % config->publish_every == 0)
              || epoch + 1 == n_epochs)
          && !callback (epoch + 1, n_epochs, y, user_data))
        {
          if (stopped != NULL)
            *stopped = TRUE;
          break;
        }
    }
  return TRUE;
}
