#define G_LOG_DOMAIN "latentlab-core"

#include "lab-blas.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

/* What the loaded library gives; filled once by load(), read-only after. */
typedef struct
{
  void  (*sgemm)       (enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE,
                        int, int, int, float, const float *, int,
                        const float *, int, float, float *, int);
  void  (*dgemm)       (enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE,
                        int, int, int, double, const double *, int,
                        const double *, int, double, double *, int);
  void  (*dsyrk)       (enum CBLAS_ORDER, enum CBLAS_UPLO, enum CBLAS_TRANSPOSE,
                        int, int, double, const double *, int, double, double *, int);
  float (*snrm2)       (int, const float *, int);
  void  (*set_threads) (int);
  int   (*get_threads) (void);
  char *(*corename)    (void);
  char *(*config)      (void);
  void  (*dsyevr)      (const char *, const char *, const char *, const int *, double *,
                        const int *, const double *, const double *, const int *,
                        const int *, const double *, int *, double *, double *,
                        const int *, int *, double *, const int *, int *, const int *,
                        int *, size_t, size_t, size_t);
  void  (*dgesdd)      (const char *, const int *, const int *, double *, const int *,
                        double *, double *, const int *, double *, const int *,
                        double *, const int *, int *, int *, size_t);
  void  (*sgeqrf)      (const int *, const int *, float *, const int *, float *,
                        float *, const int *, int *);
  void  (*sorgqr)      (const int *, const int *, const int *, float *, const int *,
                        const float *, float *, const int *, int *);
  char   *name;
  char   *kernels;
  char   *reason;
} LabBlas;

static LabBlas blas;
static char *cpu_model;
static char *cpu_features;

/* OpenBLAS's kernel sets that need more than SSE3, with what they need.
 * A name not listed (Prescott, Core2, Nehalem, ...) runs on any x86-64. */
typedef enum { NEEDS_AVX = 1, NEEDS_AVX2, NEEDS_AVX512, NEEDS_AVX512_BF16 } Needs;
static const struct { const char *name; Needs needs; } kernel_needs[] = {
  { "sandybridge", NEEDS_AVX },
  { "haswell", NEEDS_AVX2 },
  { "zen", NEEDS_AVX2 },
  { "skylakex", NEEDS_AVX512 },
  { "cooperlake", NEEDS_AVX512_BF16 },
  { "sapphirerapids", NEEDS_AVX512_BF16 },
};

static Needs
cpu_level (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init ();
  /* GCC's checks include the OS's support (XCR0) for the wider state. */
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512dq")
      && __builtin_cpu_supports ("avx512cd") && __builtin_cpu_supports ("avx512bw")
      && __builtin_cpu_supports ("avx512vl"))
    return __builtin_cpu_supports ("avx512bf16") ? NEEDS_AVX512_BF16 : NEEDS_AVX512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return NEEDS_AVX2;
  if (__builtin_cpu_supports ("avx"))
    return NEEDS_AVX;
#endif
  return 0;
}

const char *
lab_blas_kernels_for_cpu (void)
{
  switch (cpu_level ())
    {
    case NEEDS_AVX512_BF16:
    case NEEDS_AVX512:
      /* Cooperlake's single-precision kernels are SkylakeX's. */
      return "SkylakeX";
    case NEEDS_AVX2:
      return "Haswell";
    case NEEDS_AVX:
      return "Sandybridge";
    default:
      return NULL;
    }
}

static gboolean
cpu_runs_kernels (const char *kernels)
{
  g_autofree char *lower = g_ascii_strdown (kernels, -1);

  for (guint i = 0; i < G_N_ELEMENTS (kernel_needs); i++)
    if (strcmp (lower, kernel_needs[i].name) == 0)
      return cpu_level () >= kernel_needs[i].needs;
  return TRUE;
}

static void
read_cpu (void)
{
  g_autofree char *info = NULL;
  GString *features = g_string_new (NULL);

  if (g_file_get_contents ("/proc/cpuinfo", &info, NULL, NULL))
    {
      const char *line = strstr (info, "model name");
      const char *colon = line ? strchr (line, ':') : NULL;

      if (colon != NULL)
        cpu_model = g_strstrip (g_strndup (colon + 1, strcspn (colon + 1, "\n")));
    }
  if (cpu_model == NULL)
    cpu_model = g_strdup ("unknown CPU");

#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f"))
    {
      /* __builtin_cpu_supports takes string literals only. */
      g_string_append (features, "AVX-512 (F");
      if (__builtin_cpu_supports ("avx512dq"))
        g_string_append (features, ", DQ");
      if (__builtin_cpu_supports ("avx512cd"))
        g_string_append (features, ", CD");
      if (__builtin_cpu_supports ("avx512bw"))
        g_string_append (features, ", BW");
      if (__builtin_cpu_supports ("avx512vl"))
        g_string_append (features, ", VL");
      if (__builtin_cpu_supports ("avx512bf16"))
        g_string_append (features, ", BF16");
      if (__builtin_cpu_supports ("avx512vnni"))
        g_string_append (features, ", VNNI");
      g_string_append (features, "), ");
    }
  if (__builtin_cpu_supports ("avx2"))
    g_string_append (features, "AVX2, ");
  if (__builtin_cpu_supports ("fma"))
    g_string_append (features, "FMA, ");
  if (__builtin_cpu_supports ("avx"))
    g_string_append (features, "AVX, ");
  if (__builtin_cpu_supports ("sse4.2"))
    g_string_append (features, "SSE4.2, ");
  g_string_append (features, "SSE2");
#else
  g_string_append (features, "no x86 vector features");
#endif
  cpu_features = g_string_free (features, FALSE);
}

static void *
symbol (void       *handle,
        const char *library,
        const char *name)
{
  void *sym = dlsym (handle, name);

  if (sym == NULL)
    g_error ("%s has no function %s: LatentLab needs OpenBLAS 0.3 or newer", library, name);
  return sym;
}

/* Sets OPENBLAS_CORETYPE for the load and puts the user's value back after. */
static void
load (void)
{
  static const char *const libraries[] = { "libopenblas.so.0", "libopenblas.so" };
  const char *user = g_getenv ("OPENBLAS_CORETYPE");
  const char *mode = g_getenv ("LATENTLAB_BLAS_KERNELS");
  const char *best = lab_blas_kernels_for_cpu ();
  const char *force = NULL;
  const char *library = NULL;
  g_autofree char *user_copy = g_strdup (user);
  void *handle = NULL;

  read_cpu ();
  if (user != NULL && *user != '\0' && cpu_runs_kernels (user))
    blas.reason = g_strdup_printf ("OPENBLAS_CORETYPE=%s from the environment", user);
  else if (user != NULL && *user != '\0')
    {
      force = best;
      blas.reason = g_strdup_printf ("chosen from the CPU's features; OPENBLAS_CORETYPE=%s "
                                     "from the environment needs instructions this CPU "
                                     "lacks", user);
    }
  else if (g_strcmp0 (mode, "openblas") == 0)
    blas.reason = g_strdup ("OpenBLAS's own choice (LATENTLAB_BLAS_KERNELS=openblas)");
  else if (mode != NULL && *mode != '\0' && cpu_runs_kernels (mode))
    {
      force = mode;
      blas.reason = g_strdup_printf ("LATENTLAB_BLAS_KERNELS=%s from the environment", mode);
    }
  else if (best != NULL)
    {
      force = best;
      blas.reason = g_strdup_printf ("chosen from the CPU's features (%s)",
                                     strcmp (best, "SkylakeX") == 0 ? "AVX-512"
                                     : strcmp (best, "Haswell") == 0 ? "AVX2, FMA" : "AVX");
    }
  else
    blas.reason = g_strdup ("OpenBLAS's own choice (no AVX on this CPU)");

  if (force != NULL)
    g_setenv ("OPENBLAS_CORETYPE", force, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (libraries) && handle == NULL; i++)
    {
      library = libraries[i];
      handle = dlopen (library, RTLD_NOW | RTLD_LOCAL);
    }
  if (force != NULL)
    {
      if (user_copy != NULL)
        g_setenv ("OPENBLAS_CORETYPE", user_copy, TRUE);
      else
        g_unsetenv ("OPENBLAS_CORETYPE");
    }
  if (handle == NULL)
    g_error ("LatentLab needs OpenBLAS (libopenblas.so.0, Debian package libopenblas0): %s",
             dlerror ());

  blas.sgemm = symbol (handle, library, "cblas_sgemm");
  blas.dgemm = symbol (handle, library, "cblas_dgemm");
  blas.dsyrk = symbol (handle, library, "cblas_dsyrk");
  blas.snrm2 = symbol (handle, library, "cblas_snrm2");
  blas.set_threads = symbol (handle, library, "openblas_set_num_threads");
  blas.get_threads = symbol (handle, library, "openblas_get_num_threads");
  blas.corename = symbol (handle, library, "openblas_get_corename");
  blas.config = symbol (handle, library, "openblas_get_config");
  blas.dsyevr = symbol (handle, library, "dsyevr_");
  blas.dgesdd = symbol (handle, library, "dgesdd_");
  blas.sgeqrf = symbol (handle, library, "sgeqrf_");
  blas.sorgqr = symbol (handle, library, "sorgqr_");

  /* openblas_get_config (): "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ..." */
  {
    g_auto(GStrv) words = g_strsplit (blas.config (), " ", 3);
    blas.name = words[0] && words[1] ? g_strdup_printf ("%s %s", words[0], words[1])
                                     : g_strdup ("OpenBLAS");
  }
  blas.kernels = g_strdup (blas.corename ());
}

void
lab_blas_init (void)
{
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      load ();
      g_once_init_leave (&loaded, 1);
    }
}

const char *
lab_blas_get_name (void)
{
  lab_blas_init ();
  return blas.name;
}

const char *
lab_blas_get_kernels (void)
{
  lab_blas_init ();
  return blas.kernels;
}

const char *
lab_blas_get_reason (void)
{
  lab_blas_init ();
  return blas.reason;
}

const char *
lab_cpu_get_model (void)
{
  lab_blas_init ();
  return cpu_model;
}

const char *
lab_cpu_get_features (void)
{
  lab_blas_init ();
  return cpu_features;
}

char *
lab_blas_describe (void)
{
  return g_strdup_printf ("CPU: %s, %u cores\nCPU features: %s\nBLAS: %s, %s kernels: %s",
                          lab_cpu_get_model (), g_get_num_processors (), lab_cpu_get_features (),
                          lab_blas_get_name (), lab_blas_get_kernels (), lab_blas_get_reason ());
}

void
lab_blas_set_threads (int n_threads)
{
  lab_blas_init ();
  blas.set_threads (MAX (n_threads, 1));
}

int
lab_blas_get_threads (void)
{
  lab_blas_init ();
  return blas.get_threads ();
}

float
lab_blas_snrm2 (int          n,
                const float *x,
                int          incx)
{
  lab_blas_init ();
  return blas.snrm2 (n, x, incx);
}

void
lab_blas_sgemm (enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb,
                int m, int n, int k, float alpha, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc)
{
  lab_blas_init ();
  blas.sgemm (order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void
lab_blas_dgemm (enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb,
                int m, int n, int k, double alpha, const double *a, int lda,
                const double *b, int ldb, double beta, double *c, int ldc)
{
  lab_blas_init ();
  blas.dgemm (order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void
lab_blas_dsyrk (enum CBLAS_ORDER order, enum CBLAS_UPLO uplo, enum CBLAS_TRANSPOSE trans,
                int n, int k, double alpha, const double *a, int lda,
                double beta, double *c, int ldc)
{
  lab_blas_init ();
  blas.dsyrk (order, uplo, trans, n, k, alpha, a, lda, beta, c, ldc);
}

void
lab_lapack_dsyevr (const char *jobz, const char *range, const char *uplo,
                   const int *n, double *a, const int *lda,
                   const double *vl, const double *vu,
                   const int *il, const int *iu, const double *abstol,
                   int *m, double *w, double *z, const int *ldz, int *isuppz,
                   double *work, const int *lwork, int *iwork, const int *liwork,
                   int *info)
{
  lab_blas_init ();
  blas.dsyevr (jobz, range, uplo, n, a, lda, vl, vu, il, iu, abstol, m, w, z, ldz,
               isuppz, work, lwork, iwork, liwork, info, 1, 1, 1);
}

void
lab_lapack_dgesdd (const char *jobz, const int *m, const int *n,
                   double *a, const int *lda, double *s,
                   double *u, const int *ldu, double *vt, const int *ldvt,
                   double *work, const int *lwork, int *iwork, int *info)
{
  lab_blas_init ();
  blas.dgesdd (jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, iwork, info, 1);
}

void
lab_lapack_sgeqrf (const int *m, const int *n, float *a, const int *lda,
                   float *tau, float *work, const int *lwork, int *info)
{
  lab_blas_init ();
  blas.sgeqrf (m, n, a, lda, tau, work, lwork, info);
}

void
lab_lapack_sorgqr (const int *m, const int *n, const int *k, float *a,
                   const int *lda, const float *tau, float *work,
                   const int *lwork, int *info)
{
  lab_blas_init ();
  blas.sorgqr (m, n, k, a, lda, tau, work, lwork, info);
}
