#pragma once

/* The BLAS and LAPACK the core calls, loaded at run time.
 *
 * Debian 12's OpenBLAS 0.3.21 picks its kernels from a table of CPU models
 * when it loads; a CPU newer than the table (Intel family 6 model 207, for
 * one) gets its SSE3 "Prescott" kernels, five to seven times slower than
 * the CPU allows. OpenBLAS reads OPENBLAS_CORETYPE only while it loads, so
 * the core does not link it: on first use it decides the kernels from the
 * CPU's feature bits (AVX-512 -> SkylakeX, AVX2 + FMA -> Haswell, AVX ->
 * Sandybridge), sets OPENBLAS_CORETYPE for the load only, and dlopen()s
 * the library. Every program (app, CLI, tests, benchmarks) gets the same
 * choice without doing anything.
 *
 * A user's own OPENBLAS_CORETYPE is respected, unless it names kernels the
 * CPU cannot run (it would die of an illegal instruction): then the choice
 * from the features is used and lab_blas_get_reason() says why.
 * LATENTLAB_BLAS_KERNELS=openblas leaves the choice to OpenBLAS's own table
 * (the tests run with each choice the programs can make).
 *
 * Arguments are CBLAS's and LAPACK's own (cblas.h for the enums; LAPACK's
 * Fortran routines take every argument by pointer, column-major, with one
 * hidden length per character argument). Thread safe once loaded; call
 * lab_blas_init() at the top of main() so the load (which touches the
 * environment) happens before any other thread runs. */

#include <cblas.h>
#include <glib.h>

G_BEGIN_DECLS

/* Loads the library (once; later calls do nothing). Aborts with a message
 * naming the library when it cannot be loaded: nothing works without it. */
void        lab_blas_init             (void);

/* "OpenBLAS 0.3.21" (transfer none). */
const char *lab_blas_get_name         (void);
/* The kernels OpenBLAS runs, e.g. "SkylakeX" (transfer none). */
const char *lab_blas_get_kernels      (void);
/* Why those: "chosen from the CPU's features (AVX-512)",
 * "OPENBLAS_CORETYPE=Haswell from the environment", ... (transfer none). */
const char *lab_blas_get_reason       (void);
/* The CPU's model name and the vector features the core uses, e.g.
 * "AMD EPYC; AVX-512 (F, DQ, CD, BW, VL), AVX2, FMA, AVX, SSE4.2"
 * (transfer none). */
const char *lab_cpu_get_model         (void);
const char *lab_cpu_get_features      (void);
/* "CPU: ...\nCPU features: ...\nBLAS: ..." for the CLI's `system` and
 * the About dialog (free it). */
char       *lab_blas_describe         (void);
/* The kernels the features allow ("SkylakeX", "Haswell", "Sandybridge"),
 * or NULL when OpenBLAS's own table is as good as any. */
const char *lab_blas_kernels_for_cpu  (void);

/* Threads inside each BLAS call (the model runs its own lanes and sets 1). */
void        lab_blas_set_threads      (int n_threads);
int         lab_blas_get_threads      (void);

/* The Euclidean norm of n values of x, incx apart. */
float lab_blas_snrm2 (int n, const float *x, int incx);
void lab_blas_sgemm (enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb,
                     int m, int n, int k, float alpha, const float *a, int lda,
                     const float *b, int ldb, float beta, float *c, int ldc);
void lab_blas_dgemm (enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb,
                     int m, int n, int k, double alpha, const double *a, int lda,
                     const double *b, int ldb, double beta, double *c, int ldc);
void lab_blas_dsyrk (enum CBLAS_ORDER order, enum CBLAS_UPLO uplo, enum CBLAS_TRANSPOSE trans,
                     int n, int k, double alpha, const double *a, int lda,
                     double beta, double *c, int ldc);

void lab_lapack_dsyevr (const char *jobz, const char *range, const char *uplo,
                        const int *n, double *a, const int *lda,
                        const double *vl, const double *vu,
                        const int *il, const int *iu, const double *abstol,
                        int *m, double *w, double *z, const int *ldz, int *isuppz,
                        double *work, const int *lwork, int *iwork, const int *liwork,
                        int *info);
void lab_lapack_dgesdd (const char *jobz, const int *m, const int *n,
                        double *a, const int *lda, double *s,
                        double *u, const int *ldu, double *vt, const int *ldvt,
                        double *work, const int *lwork, int *iwork, int *info);
void lab_lapack_sgeqrf (const int *m, const int *n, float *a, const int *lda,
                        float *tau, float *work, const int *lwork, int *info);
void lab_lapack_sorgqr (const int *m, const int *n, const int *k, float *a,
                        const int *lda, const float *tau, float *work,
                        const int *lwork, int *info);

G_END_DECLS
