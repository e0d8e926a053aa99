#define G_LOG_DOMAIN "latentlab-core"

#include "lab-pca.h"

#include "lab-blas.h"
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-rng.h"

/* Rows (or columns) converted to double per block, so no centred double copy
 * of the whole input is ever made. */
#define BLOCK 256

/* Beyond this many columns a D x D covariance gets slow (D^3 eigen-solve). */
#define COVARIANCE_MAX_DIM 1000

/* Randomized solver: extra directions sampled beyond k (Halko et al. 2011). */
#define OVERSAMPLE 10

void
lab_pca_free (LabPca *self)
{
  if (self == NULL)
    return;
  g_free (self->mean);
  g_free (self->components);
  g_free (self->explained_variance);
  g_free (self->explained_variance_ratio);
  g_free (self);
}

static gboolean
check_size (gsize          a,
            gsize          b,
            gsize          elem,
            const char    *what,
            GError       **error)
{
  if (a != 0 && (b > G_MAXSIZE / a || a * b > LAB_MAX_ALLOC_BYTES / elem))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "PCA: the %s (%" G_GSIZE_FORMAT " x %" G_GSIZE_FORMAT ") "
                   "would need more memory than allowed",
                   what, a, b);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_cancel (GCancellable  *cancellable,
              GError       **error)
{
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_CANCELLED,
                           _("PCA was stopped before it finished"));
      return TRUE;
    }
  return FALSE;
}

/* Mean (D) in double, and the summed squared deviations (the total variance
 * times n-1) in a second pass so no cancellation creeps in. */
static gboolean
column_stats (const float  *x,
              gsize         n,
              gsize         dim,
              double       *mean,
              double       *sum_sq,
              GError      **error)
{
  double ss = 0;

  memset (mean, 0, dim * sizeof (double));
  for (gsize i = 0; i < n; i++)
    {
      const float *row = x + i * dim;

      for (gsize d = 0; d < dim; d++)
        mean[d] += row[d];
    }
  for (gsize d = 0; d < dim; d++)
    {
      if (!isfinite (mean[d]))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "PCA: column %" G_GSIZE_FORMAT " of the input holds "
                       "a value that is not a finite number", d);
          return FALSE;
        }
      mean[d] /= n;
    }
  for (gsize i = 0; i < n; i++)
    {
      const float *row = x + i * dim;

      for (gsize d = 0; d < dim; d++)
        {
          double c = row[d] - mean[d];
          ss += c * c;
        }
    }
  *sum_sq = ss;
  return TRUE;
}

/* Rows [i0, i0+rows) of x minus the mean, as double: out (rows, dim). */
static void
centred_rows (const float  *x,
              gsize         dim,
              const double *mean,
              gsize         i0,
              gsize         rows,
              double       *out)
{
  for (gsize r = 0; r < rows; r++)
    {
      const float *row = x + (i0 + r) * dim;

      for (gsize d = 0; d < dim; d++)
        out[r * dim + d] = row[d] - mean[d];
    }
}

/* Top k eigenpairs of the symmetric a (m, m), whose upper triangle in row-major
 * order is filled (= the lower triangle in LAPACK's column-major view).
 * values (k) decreasing; vectors (k, m) row-major. Destroys a. */
static gboolean
top_eigen (double  *a,
           int      m,
           int      k,
           double  *values,
           double  *vectors,
           GError **error)
{
  int il = m - k + 1, iu = m, found = 0, info = 0;
  int lwork = -1, liwork = -1, iwork_query = 0;
  double vl = 0, vu = 0, abstol = 0, work_query = 0;
  g_autofree double *w = g_new (double, m);
  g_autofree double *z = g_new (double, (gsize) m * k);
  g_autofree int *isuppz = g_new (int, 2 * (gsize) k);
  g_autofree double *work = NULL;
  g_autofree int *iwork = NULL;

  lab_lapack_dsyevr ("V", "I", "L", &m, a, &m, &vl, &vu, &il, &iu, &abstol, &found, w,
           z, &m, isuppz, &work_query, &lwork, &iwork_query, &liwork, &info);
  if (info != 0)
    goto failed;
  lwork = (int) work_query;
  liwork = iwork_query;
  work = g_new (double, lwork);
  iwork = g_new (int, liwork);
  lab_lapack_dsyevr ("V", "I", "L", &m, a, &m, &vl, &vu, &il, &iu, &abstol, &found, w,
           z, &m, isuppz, work, &lwork, iwork, &liwork, &info);
  if (info != 0 || found != k)
    goto failed;

  /* LAPACK returns ascending eigenvalues, vectors as columns of z (m, k). */
  for (int c = 0; c < k; c++)
    {
      int src = k - 1 - c;

      values[c] = w[src];
      memcpy (vectors + (gsize) c * m, z + (gsize) src * m, m * sizeof (double));
    }
  return TRUE;

failed:
  g_set_error (error, LAB_ERROR, LAB_ERROR_FAILED,
               "PCA: the eigenvalue solver (LAPACK dsyevr) did not converge "
               "(code %d)", info);
  return FALSE;
}

static gboolean
fit_covariance (LabPca        *self,
                const float   *x,
                gsize          n,
                const double  *mean,
                double        *comps,
                GCancellable  *cancellable,
                GError       **error)
{
  gsize dim = self->dim;
  g_autofree double *cov = NULL;
  g_autofree double *buf = NULL;

  if (!check_size (dim, dim, sizeof (double), "covariance matrix", error))
    return FALSE;
  cov = g_new0 (double, dim * dim);
  buf = g_new (double, (gsize) BLOCK * dim);
  for (gsize i0 = 0; i0 < n; i0 += BLOCK)
    {
      gsize rows = MIN (BLOCK, n - i0);

      if (check_cancel (cancellable, error))
        return FALSE;
      centred_rows (x, dim, mean, i0, rows, buf);
      /* cov (D, D) += buf^T buf, upper triangle */
      lab_blas_dsyrk (CblasRowMajor, CblasUpper, CblasTrans, dim, rows,
                   1.0 / (n - 1), buf, dim, 1.0, cov, dim);
    }
  if (check_cancel (cancellable, error))
    return FALSE;
  return top_eigen (cov, dim, self->n_components, self->explained_variance,
                    comps, error);
}

/* Few rows of many columns: the eigenvectors u of G = Xc Xc^T (n, n) give the
 * components Xc^T u / sqrt((n-1) lambda). Both products go over blocks of
 * columns. */
static gboolean
fit_gram (LabPca        *self,
          const float   *x,
          gsize          n,
          const double  *mean,
          double        *comps,
          GCancellable  *cancellable,
          GError       **error)
{
  gsize dim = self->dim, k = self->n_components;
  g_autofree double *gram = NULL;
  g_autofree double *buf = NULL;
  g_autofree double *u = NULL;

  if (!check_size (n, n, sizeof (double), "Gram matrix", error))
    return FALSE;
  gram = g_new0 (double, n * n);
  buf = g_new (double, n * BLOCK);
  u = g_new (double, k * n);
  for (gsize d0 = 0; d0 < dim; d0 += BLOCK)
    {
      gsize cols = MIN (BLOCK, dim - d0);

      if (check_cancel (cancellable, error))
        return FALSE;
      /* buf (n, cols): the centred columns [d0, d0+cols) */
      for (gsize i = 0; i < n; i++)
        for (gsize c = 0; c < cols; c++)
          buf[i * cols + c] = x[i * dim + d0 + c] - mean[d0 + c];
      lab_blas_dsyrk (CblasRowMajor, CblasUpper, CblasNoTrans, n, cols,
                   1.0 / (n - 1), buf, cols, 1.0, gram, n);
    }
  if (!top_eigen (gram, n, k, self->explained_variance, u, error))
    return FALSE;

  for (gsize c = 0; c < k; c++)
    {
      double lambda = self->explained_variance[c];

      if (!(lambda > 1e-12 * self->explained_variance[0]))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "PCA: the data has only %" G_GSIZE_FORMAT " independent "
                       "directions, fewer than the %" G_GSIZE_FORMAT " requested",
                       c, k);
          return FALSE;
        }
      /* fold 1/sqrt((n-1) lambda) into u so one GEMM gives unit components */
      for (gsize i = 0; i < n; i++)
        u[c * n + i] /= sqrt ((n - 1) * lambda);
    }
  for (gsize d0 = 0; d0 < dim; d0 += BLOCK)
    {
      gsize cols = MIN (BLOCK, dim - d0);
      g_autofree double *part = g_new (double, k * cols);

      for (gsize i = 0; i < n; i++)
        for (gsize c = 0; c < cols; c++)
          buf[i * cols + c] = x[i * dim + d0 + c] - mean[d0 + c];
      /* part (k, cols) = u (k, n) · buf (n, cols) */
      lab_blas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, k, cols, n,
                   1.0, u, n, buf, cols, 0.0, part, cols);
      for (gsize c = 0; c < k; c++)
        memcpy (comps + c * dim + d0, part + c * cols, cols * sizeof (double));
    }
  return TRUE;
}

/* Grows the LAPACK workspace to what a workspace query answered. */
static void
grow_work (float    need,
           float  **work,
           int     *lwork)
{
  if ((int) need > *lwork)
    {
      *lwork = (int) need;
      *work = g_renew (float, *work, *lwork);
    }
}

/* Orthonormalizes the l rows of a (l, len) row-major, which LAPACK sees as a
 * column-major (len, l) matrix: QR, then Q in place. */
static gboolean
orthonormalize_rows (float   *a,
                     int      l,
                     int      len,
                     float   *tau,
                     float  **work,
                     int     *lwork,
                     GError **error)
{
  int info = 0, query = -1;
  float need = 0;

  lab_lapack_sgeqrf (&len, &l, a, &len, tau, &need, &query, &info);
  if (info == 0)
    grow_work (need, work, lwork);
  if (info == 0)
    lab_lapack_sorgqr (&len, &l, &l, a, &len, tau, &need, &query, &info);
  if (info == 0)
    grow_work (need, work, lwork);
  if (info == 0)
    lab_lapack_sgeqrf (&len, &l, a, &len, tau, *work, lwork, &info);
  if (info == 0)
    lab_lapack_sorgqr (&len, &l, &l, a, &len, tau, *work, lwork, &info);
  if (info != 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FAILED,
                   "PCA: the QR factorization (LAPACK sgeqrf) failed (code %d)",
                   info);
      return FALSE;
    }
  return TRUE;
}

/* out (l, cols) = a (l, n) · Xc (n, D): the centring is a rank-one
 * correction, a·X - (a·1) mean^T, so Xc is never formed. */
static void
mul_left_centred (const float  *a,
                  const float  *x,
                  const float  *meanf,
                  gsize         l,
                  gsize         n,
                  gsize         dim,
                  float        *out)
{
  lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, l, dim, n,
               1.0f, a, n, x, dim, 0.0f, out, dim);
  for (gsize r = 0; r < l; r++)
    {
      double s = 0;

      for (gsize i = 0; i < n; i++)
        s += a[r * n + i];
      for (gsize d = 0; d < dim; d++)
        out[r * dim + d] -= (float) (s * meanf[d]);
    }
}

/* out (l, n) = b (l, D) · Xc^T = b·X^T - (b·mean) 1^T. */
static void
mul_right_centred (const float  *b,
                   const float  *x,
                   const float  *meanf,
                   gsize         l,
                   gsize         n,
                   gsize         dim,
                   float        *out)
{
  lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, l, n, dim,
               1.0f, b, dim, x, dim, 0.0f, out, n);
  for (gsize r = 0; r < l; r++)
    {
      double s = 0;

      for (gsize d = 0; d < dim; d++)
        s += (double) b[r * dim + d] * meanf[d];
      for (gsize i = 0; i < n; i++)
        out[r * n + i] -= (float) s;
    }
}

static gboolean
fit_randomized (LabPca        *self,
                const float   *x,
                gsize          n,
                guint64        seed,
                double        *comps,
                GCancellable  *cancellable,
                GError       **error)
{
  gsize dim = self->dim, k = self->n_components;
  gsize l = MIN (k + OVERSAMPLE, MIN (n, dim));
  /* scikit-learn's n_iter="auto": more power iterations for few components */
  guint n_power = k < 0.1 * MIN (n, dim) ? 7 : 4;
  g_autofree float *qt = NULL;       /* (l, n) orthonormal rows: range of Xc */
  g_autofree float *zt = NULL;       /* (l, D) */
  g_autofree float *tau = g_new (float, l);
  g_autofree float *work = NULL;
  g_autofree double *b = NULL;
  g_autofree double *s = g_new (double, l);
  g_autofree double *u = NULL;
  g_autofree double *vt = g_new (double, l * l);
  g_autofree double *dwork = NULL;
  g_autofree int *iwork = g_new (int, 8 * l);
  int lwork = 0, info = 0, m = dim, nn = l, query = -1;
  double need = 0;
  LabRng rng;

  if (!check_size (l, MAX (n, dim), sizeof (double), "sketch", error))
    return FALSE;
  qt = g_new (float, l * n);
  zt = g_new (float, l * dim);
  lab_rng_init (&rng, seed);
  for (gsize i = 0; i < l * dim; i++)
    zt[i] = lab_rng_normal (&rng);

  for (guint it = 0; it <= n_power; it++)
    {
      if (check_cancel (cancellable, error))
        return FALSE;
      mul_right_centred (zt, x, self->mean, l, n, dim, qt);
      if (!orthonormalize_rows (qt, l, n, tau, &work, &lwork, error))
        return FALSE;
      mul_left_centred (qt, x, self->mean, l, n, dim, zt);
      if (it < n_power && !orthonormalize_rows (zt, l, dim, tau, &work, &lwork, error))
        return FALSE;
    }

  /* zt = Qt·Xc (l, D) holds all of Xc's top directions; its SVD gives them.
   * As column-major it is B^T (D, l), so its left singular vectors are the
   * components. */
  b = g_new (double, l * dim);
  u = g_new (double, l * dim);
  for (gsize i = 0; i < l * dim; i++)
    b[i] = zt[i];
  lab_lapack_dgesdd ("S", &m, &nn, b, &m, s, u, &m, vt, &nn, &need, &query, iwork, &info);
  if (info == 0)
    {
      int ldwork = (int) need;

      dwork = g_new (double, ldwork);
      lab_lapack_dgesdd ("S", &m, &nn, b, &m, s, u, &m, vt, &nn, dwork, &ldwork, iwork,
               &info);
    }
  if (info != 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FAILED,
                   "PCA: the singular value decomposition (LAPACK dgesdd) did "
                   "not converge (code %d)", info);
      return FALSE;
    }
  for (gsize c = 0; c < k; c++)
    {
      self->explained_variance[c] = s[c] * s[c] / (n - 1);
      memcpy (comps + c * dim, u + c * dim, dim * sizeof (double));
    }
  return TRUE;
}

static LabPcaSolver
choose_solver (gsize n,
               gsize dim,
               gsize k)
{
  if (dim <= COVARIANCE_MAX_DIM)
    return LAB_PCA_SOLVER_COVARIANCE;
  if (4 * (k + OVERSAMPLE) <= MIN (n, dim))
    return LAB_PCA_SOLVER_RANDOMIZED;
  if (n < dim && k < n)
    return LAB_PCA_SOLVER_GRAM;
  return LAB_PCA_SOLVER_COVARIANCE;
}

LabPca *
lab_pca_fit (const float   *x,
             gsize          n,
             gsize          dim,
             guint          n_components,
             LabPcaSolver   solver,
             guint64        seed,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(LabPca) self = NULL;
  g_autofree double *mean = NULL;
  g_autofree double *comps = NULL;
  gsize k = n_components;
  double sum_sq = 0;

  g_return_val_if_fail (x != NULL || n == 0 || dim == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (n < 2 || dim == 0 || k == 0 || k > dim)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "PCA needs at least 2 points and between 1 and %" G_GSIZE_FORMAT
                   " components; got %" G_GSIZE_FORMAT " points and %" G_GSIZE_FORMAT
                   " components", dim, n, k);
      return NULL;
    }
  if (n > G_MAXINT || dim > G_MAXINT)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "PCA: %" G_GSIZE_FORMAT " points of %" G_GSIZE_FORMAT
                   " values is more than LAPACK can take", n, dim);
      return NULL;
    }
  if (!check_size (k, dim, sizeof (double), "components", error)
      || !check_size (BLOCK, MAX (n, dim), sizeof (double), "work buffer", error))
    return NULL;
  if (solver == LAB_PCA_SOLVER_AUTO)
    solver = choose_solver (n, dim, k);
  if (solver == LAB_PCA_SOLVER_GRAM && k >= n)
    solver = LAB_PCA_SOLVER_COVARIANCE;

  self = g_new0 (LabPca, 1);
  self->dim = dim;
  self->n_components = k;
  self->solver = solver;
  self->mean = g_new (float, dim);
  self->components = g_new (float, k * dim);
  self->explained_variance = g_new0 (double, k);
  self->explained_variance_ratio = g_new0 (double, k);

  mean = g_new (double, dim);
  if (!column_stats (x, n, dim, mean, &sum_sq, error))
    return NULL;
  for (gsize d = 0; d < dim; d++)
    self->mean[d] = mean[d];
  self->total_variance = sum_sq / (n - 1);

  comps = g_new0 (double, k * dim);
  switch (solver)
    {
    case LAB_PCA_SOLVER_GRAM:
      if (!fit_gram (self, x, n, mean, comps, cancellable, error))
        return NULL;
      break;
    case LAB_PCA_SOLVER_RANDOMIZED:
      if (!fit_randomized (self, x, n, seed, comps, cancellable, error))
        return NULL;
      break;
    case LAB_PCA_SOLVER_AUTO:
    case LAB_PCA_SOLVER_COVARIANCE:
    default:
      if (!fit_covariance (self, x, n, mean, comps, cancellable, error))
        return NULL;
      break;
    }

  for (gsize c = 0; c < k; c++)
    {
      double *v = comps + c * dim;
      double big = 0, norm = 0, sign;

      /* the sign of an eigenvector is arbitrary: make the entry of largest
       * magnitude positive, renormalizing away rounding on the way */
      for (gsize d = 0; d < dim; d++)
        {
          norm += v[d] * v[d];
          if (fabs (v[d]) > fabs (big))
            big = v[d];
        }
      sign = (big < 0 ? -1.0 : 1.0) / sqrt (norm);
      for (gsize d = 0; d < dim; d++)
        self->components[c * dim + d] = v[d] * sign;
      /* eigenvalues of a covariance are >= 0 up to rounding */
      self->explained_variance[c] = MAX (self->explained_variance[c], 0.0);
      self->explained_variance_ratio[c] = self->total_variance > 0
        ? self->explained_variance[c] / self->total_variance : 0.0;
    }

  return g_steal_pointer (&self);
}

void
lab_pca_transform (const LabPca *self,
                   const float  *x,
                   gsize         n,
                   float        *z)
{
  gsize dim = self->dim, k = self->n_components;
  g_autofree float *buf = NULL;

  g_return_if_fail (self != NULL);
  if (n == 0)
    return;
  /* centre a block of rows first, so the mean maps to exactly 0 */
  buf = g_new (float, (gsize) BLOCK * dim);
  for (gsize i0 = 0; i0 < n; i0 += BLOCK)
    {
      gsize rows = MIN (BLOCK, n - i0);

      for (gsize r = 0; r < rows; r++)
        for (gsize d = 0; d < dim; d++)
          buf[r * dim + d] = x[(i0 + r) * dim + d] - self->mean[d];
      /* z (rows, k) = buf (rows, D) · components^T */
      lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, k, dim,
                   1.0f, buf, dim, self->components, dim, 0.0f, z + i0 * k, k);
    }
}

void
lab_pca_inverse_transform (const LabPca *self,
                           const float  *z,
                           gsize         n,
                           float        *x)
{
  gsize dim = self->dim, k = self->n_components;

  g_return_if_fail (self != NULL);
  if (n == 0)
    return;
  for (gsize i = 0; i < n; i++)
    memcpy (x + i * dim, self->mean, dim * sizeof (float));
  /* x (n, D) += z (n, k) · components (k, D) */
  lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, dim, k,
               1.0f, z, k, self->components, dim, 1.0f, x, dim);
}
