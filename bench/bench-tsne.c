/* t-SNE speed and quality against scikit-learn, both sides in one run on
 * the same input: N MNIST images (the first N test images up to 10,000,
 * beyond that train + test from the start, so 70,000 is all of MNIST),
 * pixels / 255, PCA to 50 (ours, once), then t-SNE to 2-D with the
 * defaults (perplexity 30, 1000 iterations, PCA start) by our Barnes-Hut
 * (the default above 1,000 points), our FIt-SNE-style FFT interpolation
 * for comparison, and scikit-learn 1.2's Barnes-Hut (bench/tsne-sklearn.py,
 * Debian's /usr/bin/python3) on the very same rows. Our times include the
 * exact neighbour search and the affinities, as scikit-learn's do.
 *
 * The final layouts are all scored on one scale: KL(P || Q) with P over
 * the 90 nearest neighbours (scikit-learn's Barnes-Hut P) and the exact Z
 * (lab_tsne_kl_divergence), besides each side's own figure.
 *
 *   bench-tsne [SIZES]         SIZES defaults to 10000,70000
 *   BENCH_TSNE_METHODS         ours to run, default "barnes_hut,fft"
 *   BENCH_TSNE_SKLEARN=0       leave scikit-learn out (its 70,000 run takes
 *                              several minutes)
 *
 * Wall time and CPU time are both printed: on a machine others share the
 * CPU time says what the work cost. Benchmarks only: a missing dataset or
 * scikit-learn is reported, exit 0. */
#define G_LOG_DOMAIN "latentlab-bench"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "bench-common.h"
#include "lab-blas.h"
#include "lab-tsne.h"


typedef struct
{
  const char *who;
  double      seconds;
  double      cpu;
  double      kl;          /* as the method reports it */
  double      kl_knn;      /* kNN P, exact Z: one scale for all */
  double      nn_agree;    /* points whose nearest embedded neighbour shares their label */
} Run;

static void
score (const float  *x50,
       const guint8 *labels,
       gsize         n,
       const float  *y,
       Run          *run)
{
  g_autoptr(GError) error = NULL;

  if (!lab_tsne_kl_divergence (x50, n, 50, y, NULL, LAB_TSNE_METHOD_BARNES_HUT,
                               &run->kl_knn, &error))
    run->kl_knn = NAN;
  run->nn_agree = labels != NULL ? bench_nn_agreement (y, labels, n) : NAN;
}

static gboolean
run_ours (const float   *x50,
          const guint8  *labels,
          gsize          n,
          LabTsneMethod  method,
          Run           *run)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *y = g_new (float, 2 * n);
  LabTsneConfig config;
  LabTsneResult result;
  double start, cpu;

  lab_tsne_config_init (&config);
  config.method = method;
  start = bench_now ();
  cpu = bench_cpu_now ();
  if (!lab_tsne_run (x50, n, 50, &config, y, NULL, NULL, &result, NULL, &error))
    {
      printf ("  ours: error: %s\n", error->message);
      return FALSE;
    }
  run->seconds = bench_now () - start;
  run->cpu = bench_cpu_now () - cpu;
  run->kl = result.kl;
  run->who = result.method == LAB_TSNE_METHOD_EXACT ? "ours exact"
             : result.method == LAB_TSNE_METHOD_FFT ? "ours FFT" : "ours BH";
  score (x50, labels, n, y, run);
  return TRUE;
}

/* scikit-learn on the same rows. */
static gboolean
run_sklearn (const char   *script,
             const float  *x50,
             const guint8 *labels,
             gsize         n,
             Run          *run)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *layout = NULL;
  g_autoptr(JsonObject) obj = bench_python_layout (script, x50, n, 50, "barnes_hut", &layout, &error);

  if (obj == NULL)
    {
      printf ("  sklearn: %s\n", error->message);
      return FALSE;
    }
  run->who = "sklearn BH";
  run->seconds = json_object_get_double_member_with_default (obj, "seconds", NAN);
  run->cpu = json_object_get_double_member_with_default (obj, "cpu_seconds", NAN);
  run->kl = json_object_get_double_member_with_default (obj, "kl_divergence", NAN);
  score (x50, labels, n, layout, run);
  return TRUE;
}

static void
print_run (gsize      n,
           const Run *run)
{
  printf ("  %-11s n=%-6" G_GSIZE_FORMAT " %8.2f s (CPU %7.2f s)  KL %.4f  KL on one scale %.4f"
          "  1-NN label agreement %.3f\n", run->who, n, run->seconds, run->cpu, run->kl,
          run->kl_knn, run->nn_agree);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  BenchMnist mnist;
  g_auto(GStrv) sizes = g_strsplit (argc > 1 ? argv[1] : "10000,70000", ",", -1);
  g_auto(GStrv) methods = g_strsplit (g_getenv ("BENCH_TSNE_METHODS") ? g_getenv ("BENCH_TSNE_METHODS")
                                      : "barnes_hut,fft", ",", -1);
  g_autofree char *script = NULL;
  gboolean sklearn;

  setvbuf (stdout, NULL, _IOLBF, 0);
  lab_blas_init ();
  if (!bench_mnist_open (&mnist, &error))
    {
      printf ("bench-tsne: MNIST not available, skipped: %s\n", error->message);
      return 0;
    }
  script = g_build_filename (BENCH_SOURCE_DIR, "tsne-sklearn.py", NULL);
  sklearn = g_strcmp0 (g_getenv ("BENCH_TSNE_SKLEARN"), "0") != 0 && bench_python_has ("sklearn", script);
  if (!sklearn)
    printf ("note: no scikit-learn comparison (BENCH_TSNE_SKLEARN=0, or %s cannot import "
            "sklearn, or %s is missing)\n", BENCH_PYTHON, script);
  printf ("t-SNE of MNIST: pixels/255, PCA-50, 2-D, perplexity 30, 1000 iterations; %u cores; "
          "BLAS %s %s; times include the neighbour search\n", g_get_num_processors (),
          lab_blas_get_name (), lab_blas_get_kernels ());

  for (guint s = 0; sizes[s] != NULL; s++)
    {
      gsize n = g_ascii_strtoull (sizes[s], NULL, 10);
      LabDataset *ds = NULL;
      g_autofree float *x50 = NULL;
      Run runs[4] = { { 0 } };
      guint n_runs = 0;

      x50 = bench_mnist_rows (&mnist, n, 4, &ds);
      if (x50 == NULL)
        continue;

      for (guint m = 0; methods[m] != NULL; m++)
        {
          LabTsneMethod method = g_strcmp0 (methods[m], "barnes_hut") == 0 ? LAB_TSNE_METHOD_BARNES_HUT
                                 : g_strcmp0 (methods[m], "exact") == 0 ? LAB_TSNE_METHOD_EXACT
                                 : g_strcmp0 (methods[m], "auto") == 0 ? LAB_TSNE_METHOD_AUTO
                                 : LAB_TSNE_METHOD_FFT;

          if (run_ours (x50, ds->labels, n, method, &runs[n_runs]))
            print_run (n, &runs[n_runs++]);
        }
      if (sklearn && run_sklearn (script, x50, ds->labels, n, &runs[n_runs]))
        {
          const Run *ref = &runs[n_runs];

          print_run (n, &runs[n_runs++]);
          for (guint r = 0; r + 1 < n_runs; r++)
            printf ("  ratio n=%" G_GSIZE_FORMAT ": %s %.1fx faster than sklearn (CPU %.1fx), "
                    "KL on one scale %+.4f (%s)\n", n, runs[r].who, ref->seconds / runs[r].seconds,
                    ref->cpu / runs[r].cpu, runs[r].kl_knn - ref->kl_knn,
                    runs[r].kl_knn <= ref->kl_knn ? "no worse" : "WORSE");
        }
    }
  bench_mnist_clear (&mnist);
  return 0;
}
