/* The BLAS the programs load: the kernels chosen, and every routine the
 * core calls against naive double-precision loops, over shapes that reach
 * OpenBLAS's small-matrix paths, its edge tiles and its threaded paths.
 * meson runs this (and the layer, model, PCA and t-SNE tests) once per
 * kernel choice the programs can make (LATENTLAB_BLAS_KERNELS). */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "lab-blas.h"
#include "lab-rng.h"

static void
fill (float  *x,
      gsize   n,
      guint64 seed)
{
  LabRng rng;

  lab_rng_init (&rng, seed);
  for (gsize i = 0; i < n; i++)
    x[i] = (float) (lab_rng_uniform (&rng) * 2.0 - 1.0);
}

static void
test_kernels (void)
{
  const char *mode = g_getenv ("LATENTLAB_BLAS_KERNELS");
  const char *user = g_getenv ("OPENBLAS_CORETYPE");
  const char *best = lab_blas_kernels_for_cpu ();
  const char *kernels = lab_blas_get_kernels ();

  g_test_message ("CPU: %s; %s", lab_cpu_get_model (), lab_cpu_get_features ());
  g_test_message ("%s, %s kernels: %s", lab_blas_get_name (), kernels, lab_blas_get_reason ());
  g_assert_true (g_str_has_prefix (lab_blas_get_name (), "OpenBLAS "));
  g_assert_nonnull (strstr (lab_cpu_get_features (), "SSE2"));

  if (user != NULL && *user != '\0')
    return;   /* the user's choice: checked by the values below */
  if (mode == NULL || *mode == '\0')
    {
      /* What users get: the kernels the features allow. */
      if (best != NULL)
        g_assert_cmpstr (kernels, ==, best);
      g_assert_nonnull (strstr (lab_blas_get_reason (), "CPU's features"));
    }
  else if (strcmp (mode, "openblas") == 0)
    g_assert_nonnull (strstr (lab_blas_get_reason (), "OpenBLAS's own choice"));
  else if (strstr (lab_blas_get_reason (), "LATENTLAB_BLAS_KERNELS") != NULL)
    g_assert_cmpstr (kernels, ==, mode);
  else
    {
      /* Kernels this CPU cannot run were asked for: the best it can. */
      g_test_message ("%s needs instructions this CPU lacks", mode);
      g_assert_cmpstr (kernels, ==, best);
    }
  /* The environment is as the user left it. */
  g_assert_null (g_getenv ("OPENBLAS_CORETYPE"));
}

/* C = alpha op(A) op(B) + beta C against a double loop, row-major. */
static void
check_sgemm (int  m,
             int  n,
             int  k,
             gboolean ta,
             gboolean tb,
             int  threads)
{
  int lda = ta ? m : k, ldb = tb ? k : n;
  g_autofree float *a = g_new (float, (gsize) MAX (m * k, 1));
  g_autofree float *b = g_new (float, (gsize) MAX (k * n, 1));
  g_autofree float *c = g_new (float, (gsize) m * n);
  g_autofree double *ref = g_new (double, (gsize) m * n);
  double worst = 0;

  fill (a, (gsize) m * k, 1 + m);
  fill (b, (gsize) k * n, 2 + n);
  fill (c, (gsize) m * n, 3 + k);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++)
      {
        double s = 0;

        for (int p = 0; p < k; p++)
          s += (double) (ta ? a[p * lda + i] : a[i * lda + p])
               * (double) (tb ? b[j * ldb + p] : b[p * ldb + j]);
        ref[i * n + j] = 0.5 * s - 0.25 * c[i * n + j];
      }
  lab_blas_set_threads (threads);
  lab_blas_sgemm (CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                  m, n, k, 0.5f, a, lda, b, ldb, -0.25f, c, n);
  for (int i = 0; i < m * n; i++)
    worst = MAX (worst, fabs (c[i] - ref[i]));
  /* float accumulation over k terms of size <= 1 */
  if (worst > 1e-5 * (k + 4))
    g_error ("sgemm %dx%dx%d (%c%c, %d threads): off by %g", m, n, k, ta ? 'T' : 'N',
             tb ? 'T' : 'N', threads, worst);
}

static void
test_sgemm (void)
{
  static const int sizes[] = { 1, 3, 8, 17, 64, 129 };

  for (guint x = 0; x < G_N_ELEMENTS (sizes); x++)
    for (guint y = 0; y < G_N_ELEMENTS (sizes); y++)
      for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
        for (int t = 0; t < 4; t++)
          check_sgemm (sizes[x], sizes[y], sizes[z], t & 1, t & 2, 1);
  /* The shapes of the layers' products: Winograd tiles x channels, im2col
   * columns, dense layers; and threaded. */
  check_sgemm (3136, 32, 32, FALSE, FALSE, 1);
  check_sgemm (784, 64, 288, FALSE, TRUE, 1);
  check_sgemm (32, 288, 784, TRUE, FALSE, 1);
  check_sgemm (64, 512, 784, FALSE, TRUE, 2);
  check_sgemm (300, 300, 300, FALSE, FALSE, 2);
}

static void
test_dgemm_dsyrk (void)
{
  int n = 37, k = 53;
  g_autofree double *a = g_new (double, n * k);
  g_autofree double *c = g_new0 (double, n * n);
  g_autofree double *g = g_new0 (double, n * n);

  for (int i = 0; i < n * k; i++)
    a[i] = sin (i * 0.37);
  /* A A^T both ways: the upper triangle of dsyrk is dgemm's. */
  lab_blas_dsyrk (CblasRowMajor, CblasUpper, CblasNoTrans, n, k, 1.0, a, k, 0.0, c, n);
  lab_blas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, n, k, 1.0, a, k, a, k, 0.0, g, n);
  for (int i = 0; i < n; i++)
    for (int j = i; j < n; j++)
      {
        double s = 0;

        for (int p = 0; p < k; p++)
          s += a[i * k + p] * a[j * k + p];
        g_assert_cmpfloat_with_epsilon (c[i * n + j], s, 1e-10);
        g_assert_cmpfloat_with_epsilon (g[i * n + j], s, 1e-10);
      }
}

static void
test_lapack (void)
{
  /* The symmetric tridiagonal (2, -1) matrix of order m has eigenvalues
   * 2 - 2 cos (j pi / (m + 1)). */
  int m = 12, il = m - 2, iu = m, found = 0, info = 0, lwork = -1, liwork = -1, iq = 0;
  double vl = 0, vu = 0, abstol = 0, wq = 0;
  double a[12 * 12] = { 0 }, w[12], z[12 * 3];
  int isuppz[6];
  g_autofree double *work = NULL;
  g_autofree int *iwork = NULL;

  for (int i = 0; i < m; i++)
    {
      a[i * m + i] = 2;
      if (i + 1 < m)
        a[i * m + i + 1] = a[(i + 1) * m + i] = -1;
    }
  lab_lapack_dsyevr ("V", "I", "L", &m, a, &m, &vl, &vu, &il, &iu, &abstol, &found, w, z, &m,
                     isuppz, &wq, &lwork, &iq, &liwork, &info);
  g_assert_cmpint (info, ==, 0);
  lwork = (int) wq;
  liwork = iq;
  work = g_new (double, lwork);
  iwork = g_new (int, liwork);
  lab_lapack_dsyevr ("V", "I", "L", &m, a, &m, &vl, &vu, &il, &iu, &abstol, &found, w, z, &m,
                     isuppz, work, &lwork, iwork, &liwork, &info);
  g_assert_cmpint (info, ==, 0);
  g_assert_cmpint (found, ==, 3);
  for (int j = 0; j < 3; j++)
    g_assert_cmpfloat_with_epsilon (w[j], 2 - 2 * cos ((m - 2 + j) * G_PI / (m + 1)), 1e-12);

  /* QR of a 40 x 5 block: Q's columns are orthonormal. */
  {
    int rows = 40, cols = 5, qlwork = -1;
    float q[40 * 5], tau[5], need = 0;
    g_autofree float *qwork = NULL;

    fill (q, 40 * 5, 9);
    lab_lapack_sgeqrf (&rows, &cols, q, &rows, tau, &need, &qlwork, &info);
    g_assert_cmpint (info, ==, 0);
    qlwork = MAX ((int) need, 64);
    qwork = g_new (float, qlwork);
    lab_lapack_sgeqrf (&rows, &cols, q, &rows, tau, qwork, &qlwork, &info);
    g_assert_cmpint (info, ==, 0);
    lab_lapack_sorgqr (&rows, &cols, &cols, q, &rows, tau, qwork, &qlwork, &info);
    g_assert_cmpint (info, ==, 0);
    for (int i = 0; i < cols; i++)
      for (int j = 0; j < cols; j++)
        {
          double s = 0;

          for (int r = 0; r < rows; r++)
            s += (double) q[i * rows + r] * q[j * rows + r];
          g_assert_cmpfloat_with_epsilon (s, i == j ? 1.0 : 0.0, 1e-5);
        }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/blas/kernels", test_kernels);
  g_test_add_func ("/blas/sgemm", test_sgemm);
  g_test_add_func ("/blas/dgemm-dsyrk", test_dgemm_dsyrk);
  g_test_add_func ("/blas/lapack", test_lapack);
  return g_test_run ();
}
