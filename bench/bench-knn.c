/* Exact k nearest neighbours (lab-knn.h) on all 70,000 MNIST images
 * (train + test, pixels / 255, PCA to 50): the time, and a check of 200
 * sampled rows against brute force in double.
 *
 *   bench-knn [N] [K]      N defaults to 70000, K to 90 (3 x perplexity 30)
 *
 * Benchmarks only: a missing dataset is reported, exit 0. */
#define G_LOG_DOMAIN "latentlab-bench"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "bench-common.h"
#include "lab-blas.h"
#include "lab-knn.h"

#define UMAP_K 14

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  BenchMnist mnist;
  gsize n = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 70000;
  gsize k = argc > 2 ? g_ascii_strtoull (argv[2], NULL, 10) : 90;
  g_autofree float *x50 = NULL;
  g_autofree guint32 *nbr = NULL;
  g_autofree float *d2 = NULL;
  g_autofree double *all = NULL;
  double start, seconds, cpu, worst = 0;
  gsize exact_rows = 0;

  setvbuf (stdout, NULL, _IOLBF, 0);
  lab_blas_init ();
  if (!bench_mnist_open (&mnist, &error))
    {
      printf ("bench-knn: MNIST not available, skipped: %s\n", error->message);
      return 0;
    }
  n = MIN (n, mnist.all->n);
  printf ("%" G_GSIZE_FORMAT " MNIST images; BLAS: %s %s\n", n, lab_blas_get_name (),
          lab_blas_get_kernels ());
  x50 = bench_pca50 (mnist.all, n, &error);
  bench_mnist_clear (&mnist);
  g_assert_no_error (error);

  nbr = g_new (guint32, n * k);
  d2 = g_new (float, n * k);
  start = bench_now ();
  cpu = bench_cpu_now ();
  if (!lab_knn_exact (NULL, 0, x50, n, 50, k, nbr, d2, NULL, &error))
    {
      printf ("kNN failed: %s\n", error->message);
      return 1;
    }
  seconds = bench_now () - start;
  cpu = bench_cpu_now () - cpu;
  printf ("exact kNN, k=%" G_GSIZE_FORMAT ", %u threads: %.2f s, %.2f CPU s (%.1f GFLOP of distances, "
          "%.1f GFLOP/s)\n", k, g_get_num_processors (), seconds, cpu, 2.0 * n * n * 50 / 1e9,
          2.0 * n * n * 50 / 1e9 / seconds);

  /* brute force for 200 rows spread over the set */
  all = g_new (double, n);
  for (gsize s = 0; s < 200; s++)
    {
      gsize i = s * (n / 200), m = 0;
      gboolean same = TRUE;

      for (gsize j = 0; j < n; j++)
        if (j != i)
          {
            double t = 0;

            for (gsize c = 0; c < 50; c++)
              {
                double e = (double) x50[i * 50 + c] - x50[j * 50 + c];
                t += e * e;
              }
            all[m++] = t;
          }
      qsort (all, m, sizeof (double), compare_double);
      for (gsize h = 0; h < k; h++)
        {
          double rel = fabs (d2[i * k + h] - all[h]) / MAX (all[h], 1e-12);

          worst = MAX (worst, rel);
          same &= rel < 1e-5;
        }
      exact_rows += same;
    }
  printf ("brute force on 200 rows: %" G_GSIZE_FORMAT " of 200 with the same k distances "
          "(worst relative difference %.1e)\n", exact_rows, worst);

  /* NN-descent for UMAP's 14 neighbours (n_neighbors 15), against the
   * exact search's first 14 (recall: the share of the exact neighbours it
   * finds) */
  if (k >= UMAP_K)
    {
      g_autofree guint32 *approx = g_new (guint32, n * UMAP_K);
      g_autofree guint32 *exact = g_new (guint32, n * UMAP_K);
      g_autofree float *exact_d2 = g_new (float, n * UMAP_K);
      double exact_s, exact_cpu;
      gsize found = 0;

      start = bench_now ();
      cpu = bench_cpu_now ();
      g_assert_true (lab_knn_exact (NULL, 0, x50, n, 50, UMAP_K, exact, exact_d2, NULL, &error));
      exact_s = bench_now () - start;
      exact_cpu = bench_cpu_now () - cpu;
      start = bench_now ();
      cpu = bench_cpu_now ();
      g_assert_true (lab_knn_descent (NULL, x50, n, 50, UMAP_K, 42, approx, NULL, NULL, &error));
      seconds = bench_now () - start;
      cpu = bench_cpu_now () - cpu;
      for (gsize i = 0; i < n; i++)
        for (gsize h = 0; h < UMAP_K; h++)
          for (gsize g = 0; g < UMAP_K; g++)
            if (approx[i * UMAP_K + h] == exact[i * UMAP_K + g])
              {
                found++;
                break;
              }
      printf ("k=%d: exact %.2f s (CPU %.2f s), NN-descent %.2f s (CPU %.2f s), recall %.4f, "
              "%.1fx faster\n", UMAP_K, exact_s, exact_cpu, seconds, cpu,
              (double) found / (n * UMAP_K), exact_s / seconds);
    }
  return 0;
}
