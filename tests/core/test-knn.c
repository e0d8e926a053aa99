/* Exact k nearest neighbours (lab-knn.h) against brute force in double,
 * on one thread and on several, with sizes that leave partial tiles. */

#include <math.h>
#include <stdlib.h>

#include "lab-knn.h"
#include "lab-rng.h"

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

static float *
random_points (gsize   n,
               gsize   dim,
               guint64 seed)
{
  float *x = g_new (float, n * dim);
  LabRng rng;

  lab_rng_init (&rng, seed);
  /* clusters around a few centres, so near neighbours are close and far
   * ones far, as in a latent space; offset so |x|^2 is large against the
   * distances (where the GEMM form loses digits) */
  for (gsize i = 0; i < n; i++)
    for (gsize d = 0; d < dim; d++)
      x[i * dim + d] = 10.0f + 3.0f * (float) ((i % 7) == d % 7) + lab_rng_normal (&rng);
  return x;
}

static void
check_against_brute_force (gsize n,
                           gsize dim,
                           gsize k,
                           guint n_threads)
{
  g_autofree float *x = random_points (n, dim, n + dim);
  g_autofree guint32 *nbr = g_new (guint32, n * k);
  g_autofree float *d2 = g_new (float, n * k);
  g_autofree Pair *all = g_new (Pair, n);
  g_autoptr(GError) error = NULL;

  g_assert_true (lab_knn_exact (NULL, n_threads, x, n, dim, k, nbr, d2, NULL, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < n; i++)
    {
      gsize m = 0;

      for (gsize j = 0; j < n; j++)
        {
          double s = 0;

          if (j == i)
            continue;
          for (gsize c = 0; c < dim; c++)
            {
              double e = (double) x[i * dim + c] - x[j * dim + c];
              s += e * e;
            }
          all[m++] = (Pair) { s, (guint32) j };
        }
      qsort (all, m, sizeof (Pair), pair_compare);
      for (gsize h = 0; h < k; h++)
        {
          /* the same distances in the same order; the same points unless
           * two are tied at float precision */
          g_assert_cmpfloat_with_epsilon (d2[i * k + h], all[h].d, 1e-5 * all[h].d + 1e-6);
          if (fabs (all[h].d - all[MIN (h + 1, m - 1)].d) > 1e-4 * all[h].d
              && (h == 0 || fabs (all[h].d - all[h - 1].d) > 1e-4 * all[h].d))
            g_assert_cmpuint (nbr[i * k + h], ==, all[h].j);
          g_assert_cmpuint (nbr[i * k + h], !=, i);
          if (h > 0)
            g_assert_cmpfloat (d2[i * k + h], >=, d2[i * k + h - 1]);
        }
    }
}

static void
test_knn_brute_force (void)
{
  /* a single partial tile, several tiles with a partial last one, odd
   * dimensions and k; one thread and two */
  check_against_brute_force (300, 5, 7, 1);
  check_against_brute_force (700, 50, 90, 2);
  check_against_brute_force (4200, 3, 15, 2);
}

/* Points on a few hundred clusters in 50-d, as latents through PCA-50 are. */
static float *
clustered_points (gsize   n,
                  gsize   dim,
                  guint64 seed)
{
  float *x = g_new (float, n * dim);
  g_autofree float *centres = g_new (float, 300 * dim);
  LabRng rng;

  lab_rng_init (&rng, seed);
  for (gsize c = 0; c < 300 * dim; c++)
    centres[c] = 4.0f * (float) lab_rng_normal (&rng);
  for (gsize i = 0; i < n; i++)
    {
      gsize c = lab_rng_below (&rng, 300);

      for (gsize d = 0; d < dim; d++)
        x[i * dim + d] = centres[c * dim + d] + (float) lab_rng_normal (&rng);
    }
  return x;
}

/* NN-descent finds nearly all of the exact neighbours, at their exact
 * distances, nearest first; the same on one lane and on two; and all of
 * them when the points fit in one leaf. */
static void
test_knn_descent (void)
{
  const gsize n = 8000, dim = 50, k = 15;
  g_autofree float *x = clustered_points (n, dim, 3);
  g_autofree guint32 *exact = g_new (guint32, n * k);
  g_autofree float *exact_d2 = g_new (float, n * k);
  g_autofree guint32 *nbr = g_new (guint32, n * k);
  g_autofree guint32 *nbr1 = g_new (guint32, n * k);
  g_autofree float *d2 = g_new (float, n * k);
  g_autofree float *d21 = g_new (float, n * k);
  g_autoptr(LabTeam) two = lab_team_new (2, 0);
  g_autoptr(LabTeam) one = lab_team_new (1, 0);
  g_autoptr(GError) error = NULL;
  gsize found = 0;

  g_assert_true (lab_knn_exact (two, 0, x, n, dim, k, exact, exact_d2, NULL, &error));
  g_assert_true (lab_knn_descent (two, x, n, dim, k, 7, nbr, d2, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (lab_knn_descent (one, x, n, dim, k, 7, nbr1, d21, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (nbr, n * k * sizeof (guint32), nbr1, n * k * sizeof (guint32));
  g_assert_cmpmem (d2, n * k * sizeof (float), d21, n * k * sizeof (float));

  for (gsize i = 0; i < n; i++)
    for (gsize h = 0; h < k; h++)
      {
        guint32 j = nbr[i * k + h];
        double s = 0;

        g_assert_cmpuint (j, <, n);
        g_assert_cmpuint (j, !=, i);
        for (gsize g = 0; g < h; g++)
          g_assert_cmpuint (nbr[i * k + g], !=, j);
        if (h > 0)
          g_assert_cmpfloat (d2[i * k + h], >=, d2[i * k + h - 1]);
        for (gsize c = 0; c < dim; c++)
          s += ((double) x[i * dim + c] - x[j * dim + c]) * ((double) x[i * dim + c] - x[j * dim + c]);
        g_assert_cmpfloat_with_epsilon (d2[i * k + h], s, 1e-5 * s);
        for (gsize g = 0; g < k; g++)
          if (exact[i * k + g] == j)
            {
              found++;
              break;
            }
      }
  g_test_message ("NN-descent recall on %" G_GSIZE_FORMAT " points: %.4f", n, (double) found / (n * k));
  g_assert_cmpfloat ((double) found / (n * k), >=, 0.97);

  /* 30 points: one leaf, every pair measured */
  g_assert_true (lab_knn_exact (one, 0, x, 30, dim, 5, exact, exact_d2, NULL, &error));
  g_assert_true (lab_knn_descent (one, x, 30, dim, 5, 1, nbr, d2, NULL, &error));
  g_assert_cmpmem (nbr, 30 * 5 * sizeof (guint32), exact, 30 * 5 * sizeof (guint32));

  g_assert_false (lab_knn_descent (one, x, 30, dim, 30, 1, nbr, d2, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

static void
test_knn_errors (void)
{
  g_autoptr(GError) error = NULL;
  float x[8] = { 0 };
  guint32 nbr[16];

  g_assert_false (lab_knn_exact (NULL, 1, x, 4, 2, 4, nbr, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (lab_knn_exact (NULL, 1, x, 4, 2, 0, nbr, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

static void
test_knn_cancelled (void)
{
  g_autofree float *x = random_points (2000, 4, 3);
  g_autofree guint32 *nbr = g_new (guint32, 2000 * 5);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (lab_knn_exact (NULL, 2, x, 2000, 4, 5, nbr, NULL, cancellable, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/knn/brute-force", test_knn_brute_force);
  g_test_add_func ("/knn/descent", test_knn_descent);
  g_test_add_func ("/knn/errors", test_knn_errors);
  g_test_add_func ("/knn/cancelled", test_knn_cancelled);
  return g_test_run ();
}
