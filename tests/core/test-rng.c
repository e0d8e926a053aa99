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
  g_test_add_func ("/rng/below-uniform", test_rng_below_uniform);
  g_test_add_func ("/rng/shuffle-permutes", test_rng_shuffle_permutes);
  return g_test_run ();
}
