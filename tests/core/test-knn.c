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
  g_test_add_func ("/knn/errors", test_knn_errors);
  g_test_add_func ("/knn/cancelled", test_knn_cancelled);
  return g_test_run ();
}
