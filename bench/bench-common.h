#pragma once

/* What the benchmarks that embed MNIST share: clocks, and the rows they
 * all start from (N images, pixels / 255, PCA to 50). */

#include <glib.h>
#include <json-glib/json-glib.h>

#include "lab-dataset.h"

G_BEGIN_DECLS

/* Wall seconds, monotonic. */
double  bench_now       (void);

/* CPU seconds of the whole process: on a machine others load, the wall
 * clock says little and this says what the work cost. */
double  bench_cpu_now   (void);

typedef struct
{
  LabDataset *train;
  LabDataset *test;
  LabDataset *all;   /* train + test, so 70,000 is all of MNIST */
} BenchMnist;

/* Opens both splits of MNIST. FALSE (with error) when it is not installed. */
gboolean  bench_mnist_open   (BenchMnist  *mnist,
                              GError     **error);
void      bench_mnist_clear  (BenchMnist  *mnist);

/* The dataset the first n rows come from: the test set up to its size
 * when test_first, else train + test. */
LabDataset *bench_mnist_source (BenchMnist *mnist,
                                gsize       n,
                                gboolean    test_first);

/* The rows of one size from a benchmark's list: the first n images of
 * bench_mnist_source (test first), through PCA to 50; *ds_out (not owned)
 * is where they came from. NULL, said on stdout, when n is below min_n or
 * beyond MNIST, or PCA fails. */
float  *bench_mnist_rows (BenchMnist  *mnist,
                          gsize        n,
                          gsize        min_n,
                          LabDataset **ds_out);

/* The first n images of ds, pixels / 255, through PCA to 50 (fitted on
 * them); NULL with error when PCA fails. Prints the PCA line. */
float  *bench_pca50      (LabDataset  *ds,
                          gsize        n,
                          GError     **error);

/* Fraction of points whose nearest neighbour in the layout y (n, 2) has
 * their label, over every (n / 5,000)-th point so 70,000 take a moment. */
double  bench_nn_agreement (const float  *y,
                            const guint8 *labels,
                            gsize         n);

#define BENCH_PYTHON "/usr/bin/python3"

/* Debian's python3 is there, script exists and it can import module. */
gboolean    bench_python_has     (const char   *module,
                                  const char   *script);

/* Runs `python3 script IN.f32 N DIM OUT.f32 [extra]` on the rows x (n,
 * dim), the way the reference scripts beside the benchmarks take them:
 * returns the object of the last JSON line it printed and, in *layout, the
 * (n, 2) floats it wrote; NULL with error when it failed. */
JsonObject *bench_python_layout  (const char   *script,
                                  const float  *x,
                                  gsize         n,
                                  gsize         dim,
                                  const char   *extra,
                                  float       **layout,
                                  GError      **error);

G_END_DECLS
