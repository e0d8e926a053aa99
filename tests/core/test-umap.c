/* UMAP (lab-umap.h): umap-learn's curve for its defaults, well-separated
 * clusters kept apart, determinism for a seed on one thread, errors. */

#include <math.h>
#include <string.h>

#include "lab-rng.h"
#include "lab-umap.h"

/* n points in `clusters` clusters of dim values, centres 10 apart. */
static float *
make_clusters (gsize   n,
               gsize   dim,
               guint   clusters,
               guint  *labels)
{
  float *x = g_new (float, n * dim);
  LabRng rng;

  lab_rng_init (&rng, 42);
  for (gsize i = 0; i < n; i++)
    {
      labels[i] = i % clusters;
      for (gsize d = 0; d < dim; d++)
        x[i * dim + d] = (float) (lab_rng_normal (&rng) + (d % clusters == labels[i] ? 10.0 : 0.0));
    }
  return x;
}

/* Of each point's 10 nearest in the layout, the share with its label. */
static double
knn_label_agreement (const float *y,
                     const guint *labels,
                     gsize        n)
{
  gsize same = 0;

  for (gsize i = 0; i < n; i++)
    {
      float best[10];
      guint lab[10];
      guint filled = 0;

      for (gsize j = 0; j < n; j++)
        {
          float dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1], d = dx * dx + dy * dy;
          guint pos;

          if (j == i || (filled == 10 && d >= best[9]))
            continue;
          pos = filled < 10 ? filled++ : 9;
          while (pos > 0 && best[pos - 1] > d)
            {
              best[pos] = best[pos - 1];
              lab[pos] = lab[pos - 1];
              pos--;
            }
          best[pos] = d;
          lab[pos] = labels[j];
        }
      for (guint h = 0; h < 10; h++)
        same += lab[h] == labels[i];
    }
  return (double) same / (10 * n);
}

static void
test_umap_curve (void)
{
  double a, b;

  /* umap-learn 0.5's find_ab_params (1.0, 0.1): a 1.5769, b 0.8951 */
  lab_umap_find_ab (1.0, 0.1, &a, &b);
  g_assert_cmpfloat_with_epsilon (a, 1.5769, 0.01);
  g_assert_cmpfloat_with_epsilon (b, 0.8951, 0.005);
  /* a larger min_dist keeps the curve up longer: 1 / (1 + a d^2b) at 0.5 */
  lab_umap_find_ab (1.0, 0.5, &a, &b);
  g_assert_cmpfloat (1 / (1 + a * pow (0.5, 2 * b)), >, 0.8);
}

static void
test_umap_clusters (void)
{
  const gsize n = 600, dim = 8;
  g_autofree guint *labels = g_new (guint, n);
  g_autofree float *x = make_clusters (n, dim, 4, labels);
  g_autofree float *y = g_new (float, 2 * n);
  g_autofree float *again = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;
  LabUmapConfig config;
  double centre[4][2] = { { 0 } }, spread = 0, gap = INFINITY;

  lab_umap_config_init (&config);
  config.n_epochs = 200;
  config.seed = 3;
  g_assert_true (lab_umap_run (x, n, dim, &config, y, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (knn_label_agreement (y, labels, n), >, 0.98);

  /* apart: the centres further from each other than a cluster is wide */
  for (gsize i = 0; i < n; i++)
    {
      centre[labels[i]][0] += y[2 * i] / (n / 4.0);
      centre[labels[i]][1] += y[2 * i + 1] / (n / 4.0);
    }
  for (gsize i = 0; i < n; i++)
    spread = MAX (spread, hypot (y[2 * i] - centre[labels[i]][0], y[2 * i + 1] - centre[labels[i]][1]));
  for (guint c = 0; c < 4; c++)
    for (guint e = c + 1; e < 4; e++)
      gap = MIN (gap, hypot (centre[c][0] - centre[e][0], centre[c][1] - centre[e][1]));
  g_test_message ("largest radius %.2f, smallest gap between centres %.2f", spread, gap);
  g_assert_cmpfloat (gap, >, 2 * spread);

  /* one thread: the same layout for the same seed, another for another */
  g_assert_true (lab_umap_run (x, n, dim, &config, again, NULL, NULL, NULL, NULL, &error));
  g_assert_cmpmem (y, 2 * n * sizeof (float), again, 2 * n * sizeof (float));
  config.seed = 4;
  g_assert_true (lab_umap_run (x, n, dim, &config, again, NULL, NULL, NULL, NULL, &error));
  g_assert_true (memcmp (y, again, 2 * n * sizeof (float)) != 0);
}

static gboolean
stop_at_20 (guint        epoch,
            guint        n_epochs,
            const float *y,
            gpointer     data)
{
  guint *calls = data;

  (*calls)++;
  g_assert_true (isfinite (y[0]));
  return epoch < 20;
}

static void
test_umap_callback_and_errors (void)
{
  const gsize n = 100, dim = 4;
  g_autofree guint *labels = g_new (guint, n);
  g_autofree float *x = make_clusters (n, dim, 2, labels);
  g_autofree float *y = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;
  LabUmapConfig config;
  gboolean stopped = FALSE;
  guint calls = 0;

  lab_umap_config_init (&config);
  g_assert_true (lab_umap_run (x, n, dim, &config, y, stop_at_20, &calls, &stopped, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (stopped);
  g_assert_cmpuint (calls, ==, 2);

  g_assert_false (lab_umap_run (x, 10, dim, &config, y, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);
  config.min_dist = 2;
  g_assert_false (lab_umap_run (x, n, dim, &config, y, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/umap/curve", test_umap_curve);
  g_test_add_func ("/umap/clusters", test_umap_clusters);
  g_test_add_func ("/umap/callback-and-errors", test_umap_callback_and_errors);
  return g_test_run ();
}
