#include <math.h>
#include <string.h>

#include "lab-pca.h"
#include "lab-rng.h"

/* rows of r (d, d) become a random orthonormal basis (Gram-Schmidt) */
static void
random_rotation (LabRng *rng,
                 gsize   d,
                 double *r)
{
  for (gsize a = 0; a < d; a++)
    {
      double norm = 0;

      for (gsize c = 0; c < d; c++)
        r[a * d + c] = lab_rng_normal (rng);
      for (gsize b = 0; b < a; b++)
        {
          double dot = 0;

          for (gsize c = 0; c < d; c++)
            dot += r[a * d + c] * r[b * d + c];
          for (gsize c = 0; c < d; c++)
            r[a * d + c] -= dot * r[b * d + c];
        }
      for (gsize c = 0; c < d; c++)
        norm += r[a * d + c] * r[a * d + c];
      for (gsize c = 0; c < d; c++)
        r[a * d + c] /= sqrt (norm);
    }
}

/* x (n, d) = mean + sum_a sigma_a z_a axis_a with z ~ N(0, 1): an ellipsoid
 * whose principal axes are the rows of axes (len(sigma), d). */
static float *
make_ellipsoid (LabRng       *rng,
                gsize         n,
                gsize         d,
                const double *sigma,
                gsize         n_axes,
                const double *axes,
                const double *mean,
                double        noise)
{
  float *x = g_new (float, n * d);

  for (gsize i = 0; i < n; i++)
    {
      for (gsize c = 0; c < d; c++)
        x[i * d + c] = mean[c] + noise * lab_rng_normal (rng);
      for (gsize a = 0; a < n_axes; a++)
        {
          double z = sigma[a] * lab_rng_normal (rng);

          for (gsize c = 0; c < d; c++)
            x[i * d + c] += z * axes[a * d + c];
        }
    }
  return x;
}

static double
dot_fd (const float  *a,
        const double *b,
        gsize         d)
{
  double s = 0;

  for (gsize c = 0; c < d; c++)
    s += a[c] * b[c];
  return s;
}

static void
test_pca_known_axes (void)
{
  const gsize n = 4000, d = 5;
  const double sigma[5] = { 5, 3, 2, 1, 0.5 };
  const double mean[5] = { 1, -2, 3, 0.5, 10 };
  double axes[25], total = 0;
  g_autofree float *x = NULL;
  g_autoptr(LabPca) pca = NULL;
  g_autoptr(GError) error = NULL;
  LabRng rng;

  lab_rng_init (&rng, 11);
  random_rotation (&rng, d, axes);
  x = make_ellipsoid (&rng, n, d, sigma, 5, axes, mean, 0);
  for (gsize a = 0; a < 5; a++)
    total += sigma[a] * sigma[a];

  pca = lab_pca_fit (x, n, d, 3, LAB_PCA_SOLVER_AUTO, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pca);
  g_assert_cmpuint (pca->n_components, ==, 3);
  g_assert_cmpint (pca->solver, ==, LAB_PCA_SOLVER_COVARIANCE);

  for (gsize c = 0; c < d; c++)
    g_assert_cmpfloat_with_epsilon (pca->mean[c], mean[c], 0.3);
  /* sample variances are within a few percent of the generating ones */
  g_assert_cmpfloat_with_epsilon (pca->total_variance / total, 1.0, 0.05);
  for (gsize a = 0; a < 3; a++)
    {
      const float *comp = pca->components + a * d;
      double big = 0, norm = 0;

      /* the axes come back in order, up to sign */
      g_assert_cmpfloat (fabs (dot_fd (comp, axes + a * d, d)), >, 0.995);
      g_assert_cmpfloat_with_epsilon (pca->explained_variance[a] / (sigma[a] * sigma[a]), 1.0, 0.08);
      g_assert_cmpfloat_with_epsilon (pca->explained_variance_ratio[a],
                                      sigma[a] * sigma[a] / total, 0.02);
      g_assert_cmpfloat_with_epsilon (pca->explained_variance_ratio[a],
                                      pca->explained_variance[a] / pca->total_variance, 1e-12);
      /* unit length, and the entry of largest magnitude is positive */
      for (gsize c = 0; c < d; c++)
        {
          norm += comp[c] * comp[c];
          if (fabs (comp[c]) > fabs (big))
            big = comp[c];
        }
      g_assert_cmpfloat_with_epsilon (norm, 1.0, 1e-5);
      g_assert_cmpfloat (big, >, 0);
      /* orthogonal to the ones before */
      for (gsize b = 0; b < a; b++)
        {
          double dot = 0;

          for (gsize c = 0; c < d; c++)
            dot += (double) comp[c] * pca->components[b * d + c];
          g_assert_cmpfloat_with_epsilon (dot, 0.0, 1e-5);
        }
    }
  g_assert_cmpfloat (pca->explained_variance[0], >, pca->explained_variance[1]);
  g_assert_cmpfloat (pca->explained_variance[1], >, pca->explained_variance[2]);
}

static void
test_pca_inverse_full_rank (void)
{
  const gsize n = 500, d = 5;
  const double sigma[5] = { 4, 2, 1, 0.7, 0.2 };
  const double mean[5] = { -3, 2, 0, 7, 1 };
  double axes[25];
  g_autofree float *x = NULL;
  g_autofree float *z = g_new (float, n * d);
  g_autofree float *back = g_new (float, n * d);
  float zmean[5], ratio_sum = 0;
  g_autoptr(LabPca) pca = NULL;
  g_autoptr(GError) error = NULL;
  LabRng rng;

  lab_rng_init (&rng, 5);
  random_rotation (&rng, d, axes);
  x = make_ellipsoid (&rng, n, d, sigma, 5, axes, mean, 0);
  pca = lab_pca_fit (x, n, d, d, LAB_PCA_SOLVER_AUTO, 0, NULL, &error);
  g_assert_no_error (error);

  lab_pca_transform (pca, x, n, z);
  lab_pca_inverse_transform (pca, z, n, back);
  for (gsize i = 0; i < n * d; i++)
    g_assert_cmpfloat_with_epsilon (back[i], x[i], 1e-4);
  for (gsize c = 0; c < d; c++)
    ratio_sum += pca->explained_variance_ratio[c];
  g_assert_cmpfloat_with_epsilon (ratio_sum, 1.0, 1e-6);

  /* the mean maps to the origin, and the origin decodes to the mean */
  lab_pca_transform (pca, pca->mean, 1, zmean);
  for (gsize c = 0; c < d; c++)
    g_assert_cmpfloat_with_epsilon (zmean[c], 0.0, 1e-6);
  memset (zmean, 0, sizeof zmean);
  lab_pca_inverse_transform (pca, zmean, 1, back);
  for (gsize c = 0; c < d; c++)
    g_assert_cmpfloat_with_epsilon (back[c], pca->mean[c], 1e-6);

  /* projected columns are uncorrelated with the fitted variances */
  for (gsize a = 0; a < d; a++)
    {
      double var = 0;

      for (gsize i = 0; i < n; i++)
        var += (double) z[i * d + a] * z[i * d + a];
      g_assert_cmpfloat_with_epsilon (var / (n - 1) / pca->explained_variance[a], 1.0, 1e-3);
    }
}

/* All three solvers find the same top axes of a wide low-rank data set. */
static void
test_pca_solvers_agree (void)
{
  const gsize d = 1100, n_axes = 6, k = 5;
  const double sigma[6] = { 10, 8, 6, 4, 3, 2 };
  g_autofree double *axes = g_new (double, n_axes * d);
  g_autofree double *mean = g_new0 (double, d);
  const gsize sizes[2] = { 1500, 600 };
  LabRng rng;

  lab_rng_init (&rng, 99);
  /* a few random orthonormal axes of a d-dimensional space */
  for (gsize a = 0; a < n_axes; a++)
    for (gsize c = 0; c < d; c++)
      axes[a * d + c] = lab_rng_normal (&rng);
  for (gsize a = 0; a < n_axes; a++)
    {
      double norm = 0;

      for (gsize b = 0; b < a; b++)
        {
          double dot = 0;

          for (gsize c = 0; c < d; c++)
            dot += axes[a * d + c] * axes[b * d + c];
          for (gsize c = 0; c < d; c++)
            axes[a * d + c] -= dot * axes[b * d + c];
        }
      for (gsize c = 0; c < d; c++)
        norm += axes[a * d + c] * axes[a * d + c];
      for (gsize c = 0; c < d; c++)
        axes[a * d + c] /= sqrt (norm);
    }
  for (gsize c = 0; c < d; c++)
    mean[c] = lab_rng_uniform (&rng);

  for (guint s = 0; s < 2; s++)
    {
      gsize n = sizes[s];
      g_autofree float *x = make_ellipsoid (&rng, n, d, sigma, n_axes, axes, mean, 0.1);
      LabPcaSolver other = s == 0 ? LAB_PCA_SOLVER_RANDOMIZED : LAB_PCA_SOLVER_GRAM;
      g_autoptr(LabPca) exact = NULL;
      g_autoptr(LabPca) fast = NULL;
      g_autoptr(LabPca) chosen = NULL;
      g_autoptr(GError) error = NULL;

      exact = lab_pca_fit (x, n, d, k, LAB_PCA_SOLVER_COVARIANCE, 1, NULL, &error);
      g_assert_no_error (error);
      fast = lab_pca_fit (x, n, d, k, other, 1, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (fast->solver, ==, other);
      /* auto picks the randomized solver for a few axes of a big matrix */
      chosen = lab_pca_fit (x, n, d, k, LAB_PCA_SOLVER_AUTO, 1, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (chosen->solver, ==, LAB_PCA_SOLVER_RANDOMIZED);

      for (gsize a = 0; a < k; a++)
        {
          double dot = 0, truth = 0;

          for (gsize c = 0; c < d; c++)
            {
              dot += (double) exact->components[a * d + c] * fast->components[a * d + c];
              truth += exact->components[a * d + c] * axes[a * d + c];
            }
          /* same sign convention, so the same vector, not just the same axis */
          g_assert_cmpfloat (dot, >, 0.999);
          g_assert_cmpfloat (fabs (truth), >, 0.99);
          g_assert_cmpfloat_with_epsilon (fast->explained_variance[a] / exact->explained_variance[a],
                                          1.0, 1e-3);
          g_assert_cmpfloat_with_epsilon (fast->explained_variance_ratio[a],
                                          exact->explained_variance_ratio[a], 1e-4);
        }
    }
}

static void
test_pca_deterministic (void)
{
  const gsize n = 1200, d = 1050;
  g_autofree float *x = g_new (float, n * d);
  LabRng rng;

  lab_rng_init (&rng, 3);
  for (gsize i = 0; i < n * d; i++)
    x[i] = lab_rng_normal (&rng) * (1 + (i % d) % 7);
  for (guint solver = LAB_PCA_SOLVER_COVARIANCE; solver <= LAB_PCA_SOLVER_RANDOMIZED; solver++)
    {
      g_autoptr(LabPca) a = lab_pca_fit (x, n, d, 4, solver, 8, NULL, NULL);
      g_autoptr(LabPca) b = lab_pca_fit (x, n, d, 4, solver, 8, NULL, NULL);

      g_assert_nonnull (a);
      g_assert_nonnull (b);
      g_assert_cmpmem (a->components, 4 * d * sizeof (float),
                       b->components, 4 * d * sizeof (float));
    }
}

static void
test_pca_errors (void)
{
  float x[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  LabPca *pca;

  pca = lab_pca_fit (x, 4, 3, 4, LAB_PCA_SOLVER_AUTO, 0, NULL, &error);
  g_assert_null (pca);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);

  pca = lab_pca_fit (x, 1, 3, 1, LAB_PCA_SOLVER_AUTO, 0, NULL, &error);
  g_assert_null (pca);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);

  x[7] = NAN;
  pca = lab_pca_fit (x, 4, 3, 2, LAB_PCA_SOLVER_AUTO, 0, NULL, &error);
  g_assert_null (pca);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "column 1"));
  g_clear_error (&error);
  x[7] = 8;

  g_cancellable_cancel (cancellable);
  pca = lab_pca_fit (x, 4, 3, 2, LAB_PCA_SOLVER_AUTO, 0, cancellable, &error);
  g_assert_null (pca);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pca/known-axes", test_pca_known_axes);
  g_test_add_func ("/pca/inverse-full-rank", test_pca_inverse_full_rank);
  g_test_add_func ("/pca/solvers-agree", test_pca_solvers_agree);
  g_test_add_func ("/pca/deterministic", test_pca_deterministic);
  g_test_add_func ("/pca/errors", test_pca_errors);
  return g_test_run ();
}
