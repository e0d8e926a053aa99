#include <math.h>
#include <string.h>

#include "lab-rng.h"
#include "lab-tsne.h"

/* n_clusters well-separated Gaussian blobs of per_cluster points in d
 * dimensions: centres N(0, 8^2) per coordinate, points N(centre, 1).
 * labels (n) receives each point's blob; points are interleaved so a blob is
 * not a contiguous range. */
static float *
make_clusters (guint64  seed,
               gsize    n_clusters,
               gsize    per_cluster,
               gsize    d,
               guint   *labels)
{
  gsize n = n_clusters * per_cluster;
  g_autofree double *centres = g_new (double, n_clusters * d);
  float *x = g_new (float, n * d);
  LabRng rng;

  lab_rng_init (&rng, seed);
  for (gsize i = 0; i < n_clusters * d; i++)
    centres[i] = 8 * lab_rng_normal (&rng);
  for (gsize i = 0; i < n; i++)
    {
      gsize c = i % n_clusters;

      labels[i] = c;
      for (gsize k = 0; k < d; k++)
        x[i * d + k] = centres[c * d + k] + lab_rng_normal (&rng);
    }
  return x;
}

/* Fraction of points whose nearest neighbour in the embedding y (n, 2) is
 * from their own cluster. */
static double
nn_preservation (const float *y,
                 const guint *labels,
                 gsize        n)
{
  gsize same = 0;

  for (gsize i = 0; i < n; i++)
    {
      double best = INFINITY;
      gsize best_j = i;

      for (gsize j = 0; j < n; j++)
        {
          double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];

          if (j != i && dx * dx + dy * dy < best)
            {
              best = dx * dx + dy * dy;
              best_j = j;
            }
        }
      same += labels[best_j] == labels[i];
    }
  return (double) same / n;
}

typedef struct
{
  guint   calls;
  guint   last_iteration;
  GArray *kl;                 /* (element-type double) reported KL values */
  guint   stop_at;            /* return FALSE at this iteration (0 = never) */
  GCancellable *cancel;       /* cancelled at stop_at instead, when set */
  gboolean finite;
} Progress;

static gboolean
record_progress (guint        iteration,
                 double       kl,
                 const float *y,
                 gpointer     user_data)
{
  Progress *p = user_data;

  p->calls++;
  g_assert_cmpuint (iteration, >, p->last_iteration);
  p->last_iteration = iteration;
  if (!isnan (kl))
    g_array_append_val (p->kl, kl);
  p->finite = p->finite && isfinite (y[0]) && isfinite (y[1]);
  if (p->stop_at != 0 && iteration >= p->stop_at)
    {
      if (p->cancel != NULL)
        g_cancellable_cancel (p->cancel);
      else
        return FALSE;
    }
  return TRUE;
}

static void
test_tsne_exact_clusters (void)
{
  const gsize n = 300, d = 10;
  g_autofree guint *labels = g_new (guint, n);
  g_autofree float *x = make_clusters (1, 5, 60, d, labels);
  g_autofree float *y = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;
  Progress progress = { .kl = g_array_new (FALSE, FALSE, sizeof (double)), .finite = TRUE };
  LabTsneConfig config;
  LabTsneResult result;
  double first, last, evaluated;

  lab_tsne_config_init (&config);
  config.method = LAB_TSNE_METHOD_EXACT;
  /* from a random start, so only the optimisation can separate the blobs */
  config.init = LAB_TSNE_INIT_RANDOM;
  g_assert_true (lab_tsne_run (x, n, d, &config, y, record_progress, &progress,
                               &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.method, ==, LAB_TSNE_METHOD_EXACT);
  g_assert_cmpuint (result.n_iter, ==, 1000);
  g_assert_false (result.stopped);
  g_assert_true (progress.finite);

  /* every 10 iterations, the KL every 50 */
  g_assert_cmpuint (progress.calls, ==, 100);
  g_assert_cmpuint (progress.last_iteration, ==, 1000);
  g_assert_cmpuint (progress.kl->len, ==, 20);
  first = g_array_index (progress.kl, double, 0);
  last = g_array_index (progress.kl, double, progress.kl->len - 1);
  g_assert_cmpfloat (last, <, first);
  g_assert_cmpfloat (last, >, 0);
  g_assert_cmpfloat (result.kl, ==, last);

  g_assert_cmpfloat (nn_preservation (y, labels, n), >, 0.95);

  /* the reported KL is that of the layout one step before the end */
  g_assert_true (lab_tsne_kl_divergence (x, n, d, y, &config, LAB_TSNE_METHOD_EXACT,
                                         &evaluated, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (evaluated, result.kl, 0.01);
  g_array_unref (progress.kl);
}

static void
test_tsne_barnes_hut_agrees (void)
{
  const gsize n = 500, d = 10;
  g_autofree guint *labels = g_new (guint, n);
  g_autofree float *x = make_clusters (2, 5, 100, d, labels);
  g_autofree float *y_exact = g_new (float, 2 * n);
  g_autofree float *y_bh = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;
  LabTsneConfig config;
  LabTsneResult r_exact, r_bh;
  double kl_exact, kl_bh, kl_bh_knn;

  lab_tsne_config_init (&config);
  config.method = LAB_TSNE_METHOD_EXACT;
  config.init = LAB_TSNE_INIT_RANDOM;
  g_assert_true (lab_tsne_run (x, n, d, &config, y_exact, NULL, NULL, &r_exact, NULL, &error));
  g_assert_no_error (error);
  config.method = LAB_TSNE_METHOD_BARNES_HUT;
  g_assert_true (lab_tsne_run (x, n, d, &config, y_bh, NULL, NULL, &r_bh, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r_bh.method, ==, LAB_TSNE_METHOD_BARNES_HUT);

  g_assert_cmpfloat (nn_preservation (y_exact, labels, n), >, 0.95);
  g_assert_cmpfloat (nn_preservation (y_bh, labels, n), >, 0.95);

  /* on one scale (dense P, exact Q) the two layouts are about as good */
  g_assert_true (lab_tsne_kl_divergence (x, n, d, y_exact, &config, LAB_TSNE_METHOD_EXACT,
                                         &kl_exact, &error));
  g_assert_true (lab_tsne_kl_divergence (x, n, d, y_bh, &config, LAB_TSNE_METHOD_EXACT,
                                         &kl_bh, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (kl_bh - kl_exact), <, 0.1 * kl_exact);

  /* Barnes-Hut's own KL uses the tree's estimate of Z: close to the exact one */
  g_assert_true (lab_tsne_kl_divergence (x, n, d, y_bh, &config, LAB_TSNE_METHOD_BARNES_HUT,
                                         &kl_bh_knn, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (r_bh.kl, kl_bh_knn, 0.02);
}

/* The large-N method (FIt-SNE's interpolation by FFT) against the exact
 * one on 1,000 points: on one scale (dense P, exact Q) its layout's KL is
 * within 3% of the exact method's, its own KL (kNN P, interpolated Z)
 * within 0.02 of the exact Z's, and the clusters stay apart. */
static void
test_tsne_fft_agrees (void)
{
  const gsize n = 1000, d = 10;
  g_autofree guint *labels = g_new (guint, n);
  g_autofree float *x = make_clusters (2, 5, 200, d, labels);
  g_autofree float *y_exact = g_new (float, 2 * n);
  g_autofree float *y_fft = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;
  LabTsneConfig config;
  LabTsneResult r_exact, r_fft;
  double kl_exact, kl_fft, kl_fft_knn;

  lab_tsne_config_init (&config);
  config.method = LAB_TSNE_METHOD_EXACT;
  g_assert_true (lab_tsne_run (x, n, d, &config, y_exact, NULL, NULL, &r_exact, NULL, &error));
  g_assert_no_error (error);
  config.method = LAB_TSNE_METHOD_FFT;
  g_assert_true (lab_tsne_run (x, n, d, &config, y_fft, NULL, NULL, &r_fft, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r_fft.method, ==, LAB_TSNE_METHOD_FFT);
  g_assert_cmpfloat (nn_preservation (y_fft, labels, n), >, 0.95);

  g_assert_true (lab_tsne_kl_divergence (x, n, d, y_exact, &config, LAB_TSNE_METHOD_EXACT,
                                         &kl_exact, &error));
  g_assert_true (lab_tsne_kl_divergence (x, n, d, y_fft, &config, LAB_TSNE_METHOD_EXACT,
                                         &kl_fft, &error));
  g_assert_no_error (error);
  g_test_message ("KL exact %.4f, FFT %.4f", kl_exact, kl_fft);
  g_assert_cmpfloat (fabs (kl_fft - kl_exact), <, 0.03 * kl_exact);
  g_assert_true (lab_tsne_kl_divergence (x, n, d, y_fft, &config, LAB_TSNE_METHOD_FFT,
                                         &kl_fft_knn, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (r_fft.kl, kl_fft_knn, 0.02);
}

static void
test_tsne_deterministic (void)
{
  const gsize n = 200, d = 8;
  g_autofree guint *labels = g_new (guint, n);
  g_autofree float *x = make_clusters (3, 4, 50, d, labels);
  g_autofree float *a = g_new (float, 2 * n);
  g_autofree float *b = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;
  LabTsneConfig config;

  lab_tsne_config_init (&config);
  config.n_iter = 300;
  config.init = LAB_TSNE_INIT_RANDOM;
  config.seed = 7;
  for (LabTsneMethod m = LAB_TSNE_METHOD_EXACT; m <= LAB_TSNE_METHOD_FFT; m++)
    {
      config.method = m;
      config.n_threads = 1;
      g_assert_true (lab_tsne_run (x, n, d, &config, a, NULL, NULL, NULL, NULL, &error));
      /* the work is cut the same way whatever the number of threads */
      config.n_threads = 3;
      g_assert_true (lab_tsne_run (x, n, d, &config, b, NULL, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (a, 2 * n * sizeof (float), b, 2 * n * sizeof (float));

      /* and another seed starts elsewhere */
      config.seed = 8;
      g_assert_true (lab_tsne_run (x, n, d, &config, b, NULL, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (memcmp (a, b, 2 * n * sizeof (float)) != 0);
      config.seed = 7;
    }
}

static void
test_tsne_errors (void)
{
  const gsize n = 30, d = 4;
  g_autofree guint *labels = g_new (guint, n);
  g_autofree float *x = make_clusters (4, 3, 10, d, labels);
  g_autofree float *y = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;
  LabTsneConfig config;

  lab_tsne_config_init (&config);
  /* 30 points allow a perplexity below 10 */
  config.perplexity = 10;
  g_assert_false (lab_tsne_run (x, n, d, &config, y, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "perplexity"));
  g_clear_error (&error);

  config.perplexity = 9.5;
  config.n_iter = 50;
  g_assert_true (lab_tsne_run (x, n, d, &config, y, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  config.perplexity = 0.5;
  g_assert_false (lab_tsne_run (x, 3, d, &config, y, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "at least 4 points"));
  g_clear_error (&error);

  x[17] = NAN;
  g_assert_false (lab_tsne_run (x, n, d, &config, y, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);
}

static void
test_tsne_stop_and_cancel (void)
{
  const gsize n = 120, d = 6;
  g_autofree guint *labels = g_new (guint, n);
  g_autofree float *x = make_clusters (5, 3, 40, d, labels);
  g_autofree float *y = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Progress progress = { .kl = g_array_new (FALSE, FALSE, sizeof (double)),
                        .stop_at = 100, .finite = TRUE };
  LabTsneConfig config;
  LabTsneResult result;

  lab_tsne_config_init (&config);
  /* the callback asking to stop ends the run normally */
  g_assert_true (lab_tsne_run (x, n, d, &config, y, record_progress, &progress,
                               &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (result.stopped);
  g_assert_cmpuint (result.n_iter, ==, 100);
  g_assert_cmpuint (progress.last_iteration, ==, 100);
  g_assert_true (isfinite (result.kl));

  /* cancelling is an error, after the current iteration */
  progress = (Progress) { .kl = progress.kl, .stop_at = 50, .cancel = cancellable, .finite = TRUE };
  g_assert_false (lab_tsne_run (x, n, d, &config, y, record_progress, &progress,
                                &result, cancellable, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_CANCELLED);
  g_assert_cmpuint (progress.last_iteration, ==, 50);
  g_array_unref (progress.kl);
}

/* Points with more columns than pca_components go through PCA first. */
static void
test_tsne_wide_input (void)
{
  const gsize n = 240, d = 300;
  g_autofree guint *labels = g_new (guint, n);
  g_autofree float *x = make_clusters (6, 6, 40, d, labels);
  g_autofree float *y = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;
  LabTsneConfig config;
  LabTsneResult result;

  lab_tsne_config_init (&config);
  config.method = LAB_TSNE_METHOD_BARNES_HUT;
  config.init = LAB_TSNE_INIT_RANDOM;
  config.perplexity = 20;
  g_assert_true (lab_tsne_run (x, n, d, &config, y, NULL, NULL, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (nn_preservation (y, labels, n), >, 0.95);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tsne/exact-clusters", test_tsne_exact_clusters);
  g_test_add_func ("/tsne/barnes-hut-agrees", test_tsne_barnes_hut_agrees);
  /* the FFT path calls no BLAS: once, not again for every kernel choice */
  if (g_getenv ("LATENTLAB_BLAS_KERNELS") == NULL)
    g_test_add_func ("/tsne/fft-agrees", test_tsne_fft_agrees);
  g_test_add_func ("/tsne/deterministic", test_tsne_deterministic);
  g_test_add_func ("/tsne/errors", test_tsne_errors);
  g_test_add_func ("/tsne/stop-and-cancel", test_tsne_stop_and_cancel);
  g_test_add_func ("/tsne/wide-input", test_tsne_wide_input);
  return g_test_run ();
}
