#pragma once

#include <gio/gio.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* How lab_pca_fit finds the components of X (n, dim).
 * COVARIANCE: the (dim, dim) covariance in double, eigen-decomposed with
 *   LAPACK dsyevr; exact, cost n*dim^2 + dim^3.
 * GRAM: the (n, n) Gram matrix of the centred rows; exact, for few rows of
 *   many columns (n < dim).
 * RANDOMIZED: Halko et al.'s range finder with power iterations (as
 *   scikit-learn's svd_solver="randomized"); for n and dim both large and few
 *   components, cost about n*dim*k*16.
 * AUTO picks COVARIANCE when dim <= 1000, else RANDOMIZED when k is small
 *   against min(n, dim), else GRAM when n < dim, else COVARIANCE. */
typedef enum
{
  LAB_PCA_SOLVER_AUTO,
  LAB_PCA_SOLVER_COVARIANCE,
  LAB_PCA_SOLVER_GRAM,
  LAB_PCA_SOLVER_RANDOMIZED,
} LabPcaSolver;

/* A fitted PCA: x ≈ mean + z · components, z = (x - mean) · components^T.
 * Components are orthonormal rows sorted by decreasing variance; the sign of
 * each is fixed so that its entry of largest magnitude is positive, so the
 * same data always gives the same axes. Immutable once fitted. */
typedef struct
{
  guint         dim;                        /* D, input columns */
  guint         n_components;               /* k */
  LabPcaSolver  solver;                     /* the one actually used */
  float        *mean;                       /* (D) */
  float        *components;                 /* (k, D) row-major, unit rows */
  double       *explained_variance;         /* (k) variance along each axis, /(n-1) */
  double       *explained_variance_ratio;   /* (k) share of the total variance */
  double        total_variance;             /* sum of the per-column variances */
} LabPca;

/* Fits k = n_components axes to x (n, dim) row-major. Needs n >= 2 and
 * 1 <= n_components <= dim (GRAM also needs n_components < n). seed drives
 * the randomized solver only. Errors: LAB_ERROR_INVALID for bad sizes or
 * non-finite input, LAB_ERROR_TOO_LARGE when the work buffers would exceed
 * LAB_MAX_ALLOC_BYTES, LAB_ERROR_FAILED when LAPACK does not converge,
 * LAB_ERROR_CANCELLED. cancellable may be NULL. */
LabPca *lab_pca_fit               (const float   *x,
                                   gsize          n,
                                   gsize          dim,
                                   guint          n_components,
                                   LabPcaSolver   solver,
                                   guint64        seed,
                                   GCancellable  *cancellable,
                                   GError       **error);
void    lab_pca_free              (LabPca        *self);

/* z (n, k) = (x (n, D) - mean) · components^T. */
void    lab_pca_transform         (const LabPca  *self,
                                   const float   *x,
                                   gsize          n,
                                   float         *z);
/* x (n, D) = mean + z (n, k) · components: decodes points of the projection
 * (a click in a PCA scatter plot) back to input space. Exact inverse of
 * lab_pca_transform when k = D. */
void    lab_pca_inverse_transform (const LabPca  *self,
                                   const float   *z,
                                   gsize          n,
                                   float         *x);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabPca, lab_pca_free)

G_END_DECLS
