#include <math.h>

#include "lab-rng.h"

static void
test_rng_deterministic (void)
{
  LabRng a, b;

  lab_rng_init (&a, 42);
  lab_rng_init (&b, 42);
  for (int i = 0; i < 1000; i++)
    g_assert_cmpuint (lab_rng_next (&a), ==, lab_rng_next (&b));

  lab_rng_init (&b, 43);
  g_assert_cmpuint (lab_rng_next (&a), !=, lab_rng_next (&b));
}

static void
test_rng_normal_moments (void)
{
  LabRng rng;
  const int n = 200000;
  double sum = 0, sum2 = 0;

  lab_rng_init (&rng, 7);
  for (int i = 0; i < n; i++)
    {
      double x = lab_rng_normal (&rng);
      sum += x;
      sum2 += x * x;
    }
  g_assert_cmpfloat_with_epsilon (sum / n, 0.0, 0.01);
  g_assert_cmpfloat_with_epsilon (sqrt (sum2 / n - (sum / n) * (sum / n)), 1.0, 0.01);
}

/* lab_rng_normals: every value is the Box-Muller pair of its block's
 * draws, r = sqrt(-2 ln u) with u = (top 24 bits + 1) / 2^24 and angle
 * 2π (low 32 bits) / 2^32, r sin in the first four lanes and r cos in the
 * last four; recomputed here in double from a copy of the stream, it
 * checks the vector log, sine, cosine and quadrant logic everywhere. */
static void
test_rng_normals_box_muller (void)
{
  LabRng rng, copy;
  float out[8 * 64 + 5];
  double worst = 0;

  lab_rng_init (&rng, 5);
  for (int rep = 0; rep < 2000; rep++)
    {
      copy = rng;
      lab_rng_normals (&rng, out, G_N_ELEMENTS (out));
      for (guint b = 0; b < (G_N_ELEMENTS (out) + 7) / 8; b++)
        for (guint l = 0; l < 4; l++)
          {
            guint64 d = lab_rng_next (&copy);
            double r = sqrt (-2 * log (((d >> 40) + 1) * 0x1p-24));
            double t = 2 * G_PI * (double) (guint32) d / 4294967296.0;

            if (8 * b + l < G_N_ELEMENTS (out))
              worst = MAX (worst, fabs (out[8 * b + l] - r * sin (t)) / MAX (r, 0.01));
            if (8 * b + 4 + l < G_N_ELEMENTS (out))
              worst = MAX (worst, fabs (out[8 * b + 4 + l] - r * cos (t)) / MAX (r, 0.01));
          }
      /* the stream goes on where a whole last block left it */
      g_assert_cmpuint (lab_rng_next (&copy), ==, lab_rng_next (&rng));
    }
  g_test_message ("largest error relative to the radius: %.3g", worst);
  g_assert_cmpfloat (worst, <, 1e-6);
}

/* Moments and the histogram of a million values against N(0, 1). */
static void
test_rng_normals_distribution (void)
{
  static const double edges[] = { -INFINITY, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, INFINITY };
  const gsize n = 1000000;
  g_autofree float *x = g_new (float, n);
  double s1 = 0, s2 = 0, s3 = 0, s4 = 0, mean, var;
  guint counts[G_N_ELEMENTS (edges) - 1] = { 0 };
  LabRng rng, again;

  lab_rng_init (&rng, 9);
  lab_rng_normals (&rng, x, n);
  for (gsize i = 0; i < n; i++)
    {
      double v = x[i];
      guint k = 0;

      s1 += v;
      s2 += v * v;
      s3 += v * v * v;
      s4 += v * v * v * v;
      while (v >= edges[k + 1])
        k++;
      counts[k]++;
    }
  mean = s1 / n;
  var = s2 / n - mean * mean;
  /* standard errors: 0.001, 0.0014, 0.0024 and 0.01 */
  g_assert_cmpfloat_with_epsilon (mean, 0.0, 0.005);
  g_assert_cmpfloat_with_epsilon (var, 1.0, 0.007);
  g_assert_cmpfloat_with_epsilon (s3 / n, 0.0, 0.012);
  g_assert_cmpfloat_with_epsilon (s4 / n, 3.0, 0.05);
  for (guint k = 0; k + 1 < G_N_ELEMENTS (edges); k++)
    {
      double p = 0.5 * (erfc (-edges[k + 1] / G_SQRT2) - erfc (-edges[k] / G_SQRT2));
      double sd = sqrt (n * p * (1 - p));

      g_assert_cmpfloat (fabs (counts[k] - n * p), <, 5 * sd);
    }

  /* the same seed gives the same values */
  lab_rng_init (&again, 9);
  for (gsize i = 0; i < 1000; i += 8)
    {
      float y[8];

      lab_rng_normals (&again, y, 8);
      g_assert_cmpmem (y, sizeof y, x + i, sizeof y);
    }
}

static void
test_rng_below_uniform (void)
{
  LabRng rng;
  guint counts[10] = { 0 };

  lab_rng_init (&rng, 1);
  for (int i = 0; i < 100000; i++)
    counts[lab_rng_below (&rng, 10)]++;
  for (int k = 0; k < 10; k++)
    g_assert_cmpuint (counts[k], >, 9500);
}

static void
test_rng_shuffle_permutes (void)
{
  LabRng rng;
  guint v[100];
  gboolean seen[100] = { FALSE };
  guint fixed = 0;

  for (guint i = 0; i < 100; i++)
    v[i] = i;
  lab_rng_init (&rng, 3);
  lab_rng_shuffle (&rng, v, 100);
  for (guint i = 0; i < 100; i++)
    {
      g_assert_false (seen[v[i]]);
      seen[v[i]] = TRUE;
      fixed += v[i] == i;
    }
  g_assert_cmpuint (fixed, <, 10);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rng/deterministic", test_rng_deterministic);
  g_test_add_func ("/rng/normal-moments", test_rng_normal_moments);
  g_test_add_func ("/rng/normals-box-muller", test_rng_normals_box_muller);
  g_test_add_func ("/rng/normals-distribution", test_rng_normals_distribution);
  g_test_add_func ("/rng/below-uniform", test_rng_below_uniform);
  g_test_add_func ("/rng/shuffle-permutes", test_rng_shuffle_permutes);
  return g_test_run ();
}
