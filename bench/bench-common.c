#define G_LOG_DOMAIN "latentlab-bench"

#include "bench-common.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

#include <glib/gstdio.h>

#include "lab-dataset-open.h"
#include "lab-pca.h"

double
bench_now (void)
{
  return g_get_monotonic_time () / 1e6;
}

double
bench_cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

gboolean
bench_mnist_open (BenchMnist  *mnist,
                  GError     **error)
{
  *mnist = (BenchMnist) { 0 };
  mnist->train = lab_dataset_open ("mnist", LAB_SPLIT_TRAIN, NULL, NULL, NULL, error);
  if (mnist->train != NULL)
    mnist->test = lab_dataset_open ("mnist", LAB_SPLIT_TEST, NULL, NULL, NULL, error);
  if (mnist->test != NULL)
    mnist->all = lab_dataset_join_splits (mnist->train, mnist->test, error);
  if (mnist->all == NULL)
    {
      bench_mnist_clear (mnist);
      return FALSE;
    }
  return TRUE;
}

void
bench_mnist_clear (BenchMnist *mnist)
{
  g_clear_pointer (&mnist->train, lab_dataset_unref);
  g_clear_pointer (&mnist->test, lab_dataset_unref);
  g_clear_pointer (&mnist->all, lab_dataset_unref);
}

LabDataset *
bench_mnist_source (BenchMnist *mnist,
                    gsize       n,
                    gboolean    test_first)
{
  return test_first && n <= mnist->test->n ? mnist->test : mnist->all;
}

float *
bench_pca50 (LabDataset  *ds,
             gsize        n,
             GError     **error)
{
  gsize dim = (gsize) ds->height * ds->width;
  g_autofree guint *idx = g_new (guint, n);
  g_autofree float *x = g_new (float, n * dim);
  g_autoptr(LabPca) pca = NULL;
  float *x50;
  double start, kept = 0;

  for (gsize i = 0; i < n; i++)
    idx[i] = i;
  lab_dataset_to_float (ds, idx, n, x);
  start = bench_now ();
  pca = lab_pca_fit (x, n, dim, 50, LAB_PCA_SOLVER_AUTO, 0, NULL, error);
  if (pca == NULL)
    return NULL;
  x50 = g_new (float, n * 50);
  lab_pca_transform (pca, x, n, x50);
  for (guint c = 0; c < 50; c++)
    kept += pca->explained_variance_ratio[c];
  printf ("n=%" G_GSIZE_FORMAT " (%s): PCA-50 %.2f s (%.1f%% of the variance)\n",
          n, ds->name, bench_now () - start, 100 * kept);
  return x50;
}

float *
bench_mnist_rows (BenchMnist  *mnist,
                  gsize        n,
                  gsize        min_n,
                  LabDataset **ds_out)
{
  g_autoptr(GError) error = NULL;
  LabDataset *ds = bench_mnist_source (mnist, n, TRUE);
  float *x50;

  *ds_out = ds;
  if (n < min_n || n > ds->n)
    {
      printf ("size %" G_GSIZE_FORMAT ": skipped (at least %" G_GSIZE_FORMAT "; MNIST has %u images)\n",
              n, min_n, mnist->all->n);
      return NULL;
    }
  x50 = bench_pca50 (ds, n, &error);
  if (x50 == NULL)
    printf ("PCA failed: %s\n", error->message);
  return x50;
}

double
bench_nn_agreement (const float  *y,
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

gboolean
bench_python_has (const char *module,
                  const char *script)
{
  g_autofree char *import = g_strdup_printf ("import %s", module);
  const char *argv[] = { BENCH_PYTHON, "-c", import, NULL };
  int status = -1;

  if (!g_file_test (BENCH_PYTHON, G_FILE_TEST_IS_EXECUTABLE) || !g_file_test (script, G_FILE_TEST_EXISTS))
    return FALSE;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
                     | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

JsonObject *
bench_python_layout (const char   *script,
                     const float  *x,
                     gsize         n,
                     gsize         dim,
                     const char   *extra,
                     float       **layout,
                     GError      **error)
{
  g_autofree char *dir = g_dir_make_tmp ("bench-XXXXXX", error);
  g_autofree char *in = NULL, *out = NULL, *stdout_text = NULL, *stderr_text = NULL;
  g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, n);
  g_autofree char *width = g_strdup_printf ("%" G_GSIZE_FORMAT, dim);
  g_autofree char *data = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) lines = NULL;
  const char *last = NULL;
  JsonObject *result = NULL;
  gsize len = 0;
  int status = -1;

  if (dir == NULL)
    return NULL;
  in = g_build_filename (dir, "x.f32", NULL);
  out = g_build_filename (dir, "y.f32", NULL);
  if (g_file_set_contents (in, (const char *) x, n * dim * sizeof (float), error))
    {
      const char *argv[] = { BENCH_PYTHON, script, in, size, width, out, extra, NULL };

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &stdout_text,
                         &stderr_text, &status, error)
          || !g_spawn_check_wait_status (status, error))
        g_prefix_error (error, "%s: %s", script, stderr_text != NULL ? stderr_text : "");
      else
        {
          lines = g_strsplit (stdout_text, "\n", -1);
          for (guint i = 0; lines[i] != NULL; i++)
            if (lines[i][0] == '{')
              last = lines[i];
          if (last == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s printed no result", script);
          else if (json_parser_load_from_data (parser, last, -1, error)
                   && g_file_get_contents (out, &data, &len, error))
            {
              if (len != n * 2 * sizeof (float))
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s wrote %" G_GSIZE_FORMAT
                             " bytes, not a layout of %" G_GSIZE_FORMAT " points", script, len, n);
              else if (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
                {
                  result = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
                  *layout = (float *) g_steal_pointer (&data);
                }
              else
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s printed no JSON object", script);
            }
        }
    }
  g_unlink (in);
  g_unlink (out);
  g_rmdir (dir);
  return result;
}
