/* UMAP speed and quality against umap-learn, both sides in one run on the
 * same input: N MNIST images (the test set up to 10,000, beyond that
 * train + test, so 70,000 is all of MNIST), pixels / 255, PCA to 50 (ours,
 * once), then UMAP to 2-D with the defaults (15 neighbours, min_dist 0.1,
 * 200 epochs beyond 10,000 points, 500 below) by ours (lab-umap.h, one
 * lane per core, exact neighbours included in the time) and by Debian's
 * umap-learn (bench/umap-learn.py, /usr/bin/python3; approximate
 * neighbours by pynndescent, numba on every core) on the very same rows.
 * umap-learn's numba compilation is timed apart: it first embeds 4,500
 * points (enough for pynndescent's code to compile too), then the N.
 *
 * Both layouts are scored on one scale: trustworthiness (k = 10) over the
 * same 5,000 sampled points (as sklearn.manifold.trustworthiness on those
 * rows), and the share of points whose nearest neighbour in the layout has
 * their label.
 *
 *   bench-umap [SIZES]         SIZES defaults to 10000,70000
 *   BENCH_UMAP_REF=0           leave umap-learn out
 *
 * Wall time and CPU time are both printed. Benchmarks only: a missing
 * dataset or umap-learn is reported, exit 0. */
#define G_LOG_DOMAIN "latentlab-bench"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "bench-common.h"
#include "lab-blas.h"
#include "lab-umap.h"

#define TRUST_K       10
#define TRUST_SAMPLE  5000

typedef struct
{
  const char *who;
  double      seconds;
  double      cpu;
  double      compile;     /* umap-learn: the 4,500-point warm-up */
  gsize       n_trust;     /* the points trustworthiness was measured on */
  double      trust;
  double      nn_agree;
} Run;

typedef struct
{
  double d;
  guint  j;
} Dist;

static int
compare_dist (const void *a,
              const void *b)
{
  const Dist *x = a, *y = b;

  return (x->d > y->d) - (x->d < y->d);
}

/* Trustworthiness (Venna & Kaski) of y (n, 2) against x (n, dim) over the
 * rows in sample (m of them), within that sample: 1 - 2 / (m k (2m - 3k -
 * 1)) * sum over each point's k nearest in the layout that are not among
 * its k nearest in x of (their rank in x - k). */
static double
trustworthiness (const float *x,
                 gsize        dim,
                 const float *y,
                 const guint *sample,
                 gsize        m,
                 guint        k)
{
  g_autofree Dist *high = g_new (Dist, m);
  g_autofree Dist *low = g_new (Dist, m);
  g_autofree guint *rank = g_new (guint, m);
  double penalty = 0;

  for (gsize a = 0; a < m; a++)
    {
      const float *xa = x + (gsize) sample[a] * dim, *ya = y + 2 * (gsize) sample[a];

      for (gsize b = 0; b < m; b++)
        {
          const float *xb = x + (gsize) sample[b] * dim, *yb = y + 2 * (gsize) sample[b];
          double t = 0, dx = ya[0] - yb[0], dy = ya[1] - yb[1];

          for (gsize c = 0; c < dim; c++)
            t += ((double) xa[c] - xb[c]) * ((double) xa[c] - xb[c]);
          high[b] = (Dist) { b == a ? -1 : t, (guint) b };
          low[b] = (Dist) { b == a ? -1 : dx * dx + dy * dy, (guint) b };
        }
      qsort (high, m, sizeof (Dist), compare_dist);
      qsort (low, m, sizeof (Dist), compare_dist);
      for (gsize r = 1; r < m; r++)
        rank[high[r].j] = (guint) r;
      for (guint h = 1; h <= k; h++)
        if (rank[low[h].j] > k)
          penalty += rank[low[h].j] - k;
    }
  return 1 - 2.0 / (m * k * (2.0 * m - 3.0 * k - 1)) * penalty;
}

static void
score (const float  *x50,
       const guint8 *labels,
       gsize         n,
       const float  *y,
       const guint  *sample,
       gsize         m,
       Run          *run)
{
  run->trust = trustworthiness (x50, 50, y, sample, m, TRUST_K);
  run->n_trust = m;
  run->nn_agree = bench_nn_agreement (y, labels, n);
}

static gboolean
run_ours (const float  *x50,
          const guint8 *labels,
          gsize         n,
          const guint  *sample,
          gsize         m,
          Run          *run)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *y = g_new (float, 2 * n);
  LabUmapConfig config;
  double start, cpu;

  lab_umap_config_init (&config);
  config.n_threads = 0;
  start = bench_now ();
  cpu = bench_cpu_now ();
  if (!lab_umap_run (x50, n, 50, &config, y, NULL, NULL, NULL, NULL, &error))
    {
      printf ("  ours: error: %s\n", error->message);
      return FALSE;
    }
  run->seconds = bench_now () - start;
  run->cpu = bench_cpu_now () - cpu;
  run->compile = 0;
  run->who = "ours";
  score (x50, labels, n, y, sample, m, run);
  return TRUE;
}

/* umap-learn on the same rows. */
static gboolean
run_reference (const char   *script,
               const float  *x50,
               const guint8 *labels,
               gsize         n,
               const guint  *sample,
               gsize         m,
               Run          *run)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *layout = NULL;
  g_autoptr(JsonObject) obj = bench_python_layout (script, x50, n, 50, NULL, &layout, &error);

  if (obj == NULL)
    {
      printf ("  umap-learn: %s\n", error->message);
      return FALSE;
    }
  run->who = "umap-learn";
  run->seconds = json_object_get_double_member_with_default (obj, "seconds", NAN);
  run->cpu = json_object_get_double_member_with_default (obj, "cpu_seconds", NAN);
  run->compile = json_object_get_double_member_with_default (obj, "warmup_seconds", NAN);
  printf ("  umap-learn %s, numba %s, %s threads\n",
          json_object_get_string_member_with_default (obj, "umap", "?"),
          json_object_get_string_member_with_default (obj, "numba", "?"),
          json_object_get_string_member_with_default (obj, "threads", "?"));
  score (x50, labels, n, layout, sample, m, run);
  return TRUE;
}

static void
print_run (gsize      n,
           const Run *run)
{
  printf ("  %-10s n=%-6" G_GSIZE_FORMAT " %8.2f s (CPU %7.2f s)", run->who, n, run->seconds,
          run->cpu);
  if (run->compile > 0)
    printf (" + %.2f s numba compilation and warm-up", run->compile);
  printf ("  trustworthiness (k=%d, %" G_GSIZE_FORMAT " points) %.4f  1-NN label agreement %.3f\n",
          TRUST_K, run->n_trust, run->trust, run->nn_agree);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  BenchMnist mnist;
  g_auto(GStrv) sizes = g_strsplit (argc > 1 ? argv[1] : "10000,70000", ",", -1);
  g_autofree char *script = g_build_filename (BENCH_SOURCE_DIR, "umap-learn.py", NULL);
  gboolean reference;

  setvbuf (stdout, NULL, _IOLBF, 0);
  lab_blas_init ();
  if (!bench_mnist_open (&mnist, &error))
    {
      printf ("bench-umap: MNIST not available, skipped: %s\n", error->message);
      return 0;
    }
  reference = g_strcmp0 (g_getenv ("BENCH_UMAP_REF"), "0") != 0 && bench_python_has ("umap", script);
  if (!reference)
    printf ("note: no umap-learn comparison (BENCH_UMAP_REF=0, or %s cannot import umap: "
            "Debian's package umap-learn)\n", BENCH_PYTHON);
  printf ("UMAP of MNIST: pixels/255, PCA-50, 2-D, 15 neighbours, min_dist 0.1; %u cores; "
          "BLAS %s %s; times include the neighbour search\n", g_get_num_processors (),
          lab_blas_get_name (), lab_blas_get_kernels ());

  for (guint s = 0; sizes[s] != NULL; s++)
    {
      gsize n = g_ascii_strtoull (sizes[s], NULL, 10), m;
      LabDataset *ds = NULL;
      g_autofree float *x50 = NULL;
      g_autofree guint *sample = NULL;
      Run runs[2] = { { 0 } };
      guint n_runs = 0;

      x50 = bench_mnist_rows (&mnist, n, 100, &ds);
      if (x50 == NULL)
        continue;
      /* the same evenly spread sample for both sides */
      m = MIN (n, (gsize) TRUST_SAMPLE);
      sample = g_new (guint, m);
      for (gsize i = 0; i < m; i++)
        sample[i] = (guint) (i * n / m);

      if (run_ours (x50, ds->labels, n, sample, m, &runs[n_runs]))
        print_run (n, &runs[n_runs++]);
      if (reference && run_reference (script, x50, ds->labels, n, sample, m, &runs[n_runs]))
        {
          const Run *ref = &runs[n_runs];

          print_run (n, &runs[n_runs++]);
          printf ("  ratio n=%" G_GSIZE_FORMAT ": ours %.1fx faster than umap-learn (CPU %.1fx; "
                  "%.1fx counting its compilation), trustworthiness %+.4f (%s)\n", n,
                  ref->seconds / runs[0].seconds, ref->cpu / runs[0].cpu,
                  (ref->seconds + ref->compile) / runs[0].seconds, runs[0].trust - ref->trust,
                  runs[0].trust >= ref->trust - 0.01 ? "within 0.01 or better" : "WORSE by more than 0.01");
        }
    }
  bench_mnist_clear (&mnist);
  return 0;
}
