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
#include <time.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-blas.h"
#include "lab-dataset-open.h"
#include "lab-dataset.h"
#include "lab-pca.h"
#include "lab-tsne.h"

#define PYTHON "/usr/bin/python3"

typedef struct
{
  const char *who;
  double      seconds;
  double      cpu;
  double      kl;          /* as the method reports it */
  double      kl_knn;      /* kNN P, exact Z: one scale for all */
  double      nn_agree;    /* points whose nearest embedded neighbour shares their label */
} Run;

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static double
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Fraction of points whose nearest neighbour in y (n, 2) has their label,
 * over a grid of cells so 70,000 points take a moment. */
static double
nn_agreement (const float  *y,
              const guint8 *labels,
              gsize         n)
{
  gsize same = 0, step = MAX (n / 5000, 1), tried = 0;

  for (gsize i = 0; i < n; i += step)
    {
      float best = INFINITY;
      gsize best_j = i;

      for (gsize j = 0; j < n; j++)
        {
          float dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
          float d = dx * dx + dy * dy;

          if (j != i && d < best)
            {
              best = d;
              best_j = j;
            }
        }
      same += labels[best_j] == labels[i];
      tried++;
    }
  return (double) same / tried;
}

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
  run->nn_agree = labels != NULL ? nn_agreement (y, labels, n) : NAN;
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
  start = now ();
  cpu = cpu_now ();
  if (!lab_tsne_run (x50, n, 50, &config, y, NULL, NULL, &result, NULL, &error))
    {
      printf ("  ours: error: %s\n", error->message);
      return FALSE;
    }
  run->seconds = now () - start;
  run->cpu = cpu_now () - cpu;
  run->kl = result.kl;
  run->who = result.method == LAB_TSNE_METHOD_EXACT ? "ours exact"
             : result.method == LAB_TSNE_METHOD_FFT ? "ours FFT" : "ours BH";
  score (x50, labels, n, y, run);
  return TRUE;
}

static gboolean
have_sklearn (const char *script)
{
  const char *argv[] = { PYTHON, "-c", "import sklearn", NULL };
  int status = -1;

  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE) || !g_file_test (script, G_FILE_TEST_EXISTS))
    return FALSE;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
                     | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* scikit-learn on the same rows: x50 through a file, the layout back. */
static gboolean
run_sklearn (const char   *script,
             const float  *x50,
             const guint8 *labels,
             gsize         n,
             Run          *run)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-tsne-XXXXXX", &error);
  g_autofree char *in = NULL, *out = NULL, *stdout_text = NULL, *stderr_text = NULL;
  g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, n);
  g_autofree char *layout = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) lines = NULL;
  const char *last = NULL;
  JsonObject *obj;
  gsize len = 0;
  int status = -1;

  if (dir == NULL)
    return FALSE;
  in = g_build_filename (dir, "x50.f32", NULL);
  out = g_build_filename (dir, "y.f32", NULL);
  if (!g_file_set_contents (in, (const char *) x50, n * 50 * sizeof (float), &error))
    {
      printf ("  sklearn: %s\n", error->message);
      return FALSE;
    }
  {
    const char *argv[] = { PYTHON, script, in, size, "50", out, "barnes_hut", NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &stdout_text,
                       &stderr_text, &status, &error)
        || !g_spawn_check_wait_status (status, &error))
      {
        printf ("  sklearn: failed: %s\n%s", error->message, stderr_text ? stderr_text : "");
        return FALSE;
      }
  }
  lines = g_strsplit (stdout_text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] == '{')
      last = lines[i];
  if (last == NULL || !json_parser_load_from_data (parser, last, -1, &error)
      || !g_file_get_contents (out, &layout, &len, &error) || len != n * 2 * sizeof (float))
    {
      printf ("  sklearn: no result\n");
      return FALSE;
    }
  obj = json_node_get_object (json_parser_get_root (parser));
  run->who = "sklearn BH";
  run->seconds = json_object_get_double_member_with_default (obj, "seconds", NAN);
  run->cpu = json_object_get_double_member_with_default (obj, "cpu_seconds", NAN);
  run->kl = json_object_get_double_member_with_default (obj, "kl_divergence", NAN);
  score (x50, labels, n, (const float *) layout, run);
  g_unlink (in);
  g_unlink (out);
  g_rmdir (dir);
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
  g_autoptr(LabDataset) train = NULL;
  g_autoptr(LabDataset) test = NULL;
  g_autoptr(LabDataset) all = NULL;
  g_auto(GStrv) sizes = g_strsplit (argc > 1 ? argv[1] : "10000,70000", ",", -1);
  g_auto(GStrv) methods = g_strsplit (g_getenv ("BENCH_TSNE_METHODS") ? g_getenv ("BENCH_TSNE_METHODS")
                                      : "barnes_hut,fft", ",", -1);
  g_autofree char *script = NULL;
  gboolean sklearn;

  setvbuf (stdout, NULL, _IOLBF, 0);
  lab_blas_init ();
  train = lab_dataset_open ("mnist", LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error);
  if (train != NULL)
    test = lab_dataset_open ("mnist", LAB_SPLIT_TEST, NULL, NULL, NULL, &error);
  if (test != NULL)
    all = lab_dataset_join_splits (train, test, &error);
  if (all == NULL)
    {
      printf ("bench-tsne: MNIST not available, skipped: %s\n", error->message);
      return 0;
    }
  {
    script = g_build_filename (BENCH_SOURCE_DIR, "tsne-sklearn.py", NULL);
  }
  sklearn = g_strcmp0 (g_getenv ("BENCH_TSNE_SKLEARN"), "0") != 0 && have_sklearn (script);
  if (!sklearn)
    printf ("note: no scikit-learn comparison (BENCH_TSNE_SKLEARN=0, or %s cannot import "
            "sklearn, or %s is missing)\n", PYTHON, script);
  printf ("t-SNE of MNIST: pixels/255, PCA-50, 2-D, perplexity 30, 1000 iterations; %u cores; "
          "BLAS %s %s; times include the neighbour search\n", g_get_num_processors (),
          lab_blas_get_name (), lab_blas_get_kernels ());

  for (guint s = 0; sizes[s] != NULL; s++)
    {
      gsize n = g_ascii_strtoull (sizes[s], NULL, 10), dim = (gsize) all->height * all->width;
      LabDataset *ds = n <= test->n ? test : all;
      g_autofree guint *idx = NULL;
      g_autofree float *x = NULL;
      g_autofree float *x50 = NULL;
      g_autoptr(LabPca) pca = NULL;
      Run runs[4] = { { 0 } };
      guint n_runs = 0;
      double start, kept = 0;

      if (n < 4 || n > ds->n)
        {
          printf ("size %" G_GSIZE_FORMAT ": skipped (MNIST has %u images)\n", n, all->n);
          continue;
        }
      idx = g_new (guint, n);
      for (gsize i = 0; i < n; i++)
        idx[i] = i;
      x = g_new (float, n * dim);
      x50 = g_new (float, n * 50);
      lab_dataset_to_float (ds, idx, n, x);
      start = now ();
      pca = lab_pca_fit (x, n, dim, 50, LAB_PCA_SOLVER_AUTO, 0, NULL, &error);
      if (pca == NULL)
        {
          printf ("PCA failed: %s\n", error->message);
          return 0;
        }
      lab_pca_transform (pca, x, n, x50);
      g_clear_pointer (&x, g_free);
      for (guint c = 0; c < 50; c++)
        kept += pca->explained_variance_ratio[c];
      printf ("n=%" G_GSIZE_FORMAT " (%s): PCA-50 %.2f s (%.1f%% of the variance)\n",
              n, ds->name, now () - start, 100 * kept);

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
  return 0;
}
