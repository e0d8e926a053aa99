#include <math.h>
#include <string.h>

#include "lab-synthetic.h"

static void
test_synthetic_shape (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) ds = lab_synthetic_digits_new (25, 1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, ==, 25);
  g_assert_cmpuint (ds->height, ==, 28);
  g_assert_cmpuint (ds->width, ==, 28);
  g_assert_cmpuint (ds->n_classes, ==, 10);
  g_assert_cmpstr (ds->name, ==, "Synthetic digits");
  g_assert_cmpstr (ds->source, ==, "synthetic");
  for (guint k = 0; k < 10; k++)
    {
      char expect[2] = { (char) ('0' + k), '\0' };
      g_assert_cmpstr (ds->class_names[k], ==, expect);
    }
  for (guint i = 0; i < ds->n; i++)
    g_assert_cmpuint (ds->labels[i], ==, i % 10);

  g_assert_null (lab_synthetic_digits_new (0, 1, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

static void
test_synthetic_deterministic (void)
{
  g_autoptr(LabDataset) a = lab_synthetic_digits_new (100, 42, NULL);
  g_autoptr(LabDataset) b = lab_synthetic_digits_new (100, 42, NULL);
  g_autoptr(LabDataset) c = lab_synthetic_digits_new (100, 43, NULL);
  g_autoptr(LabDataset) prefix = lab_synthetic_digits_new (30, 42, NULL);
  guint differing = 0;

  g_assert_cmpmem (a->pixels, 100 * 28 * 28, b->pixels, 100 * 28 * 28);
  /* Image i does not depend on how many follow it. */
  g_assert_cmpmem (prefix->pixels, 30 * 28 * 28, a->pixels, 30 * 28 * 28);
  for (guint i = 0; i < 100; i++)
    differing += memcmp (lab_dataset_image (a, i), lab_dataset_image (c, i), 28 * 28) != 0;
  g_assert_cmpuint (differing, >=, 95);
}

static void
test_synthetic_looks_like_digits (void)
{
  const guint n = 1000;
  g_autoptr(LabDataset) ds = lab_synthetic_digits_new (n, 7, NULL);
  double means[10][28 * 28] = { { 0 } };
  guint edge_ink = 0;

  for (guint i = 0; i < n; i++)
    {
      const guint8 *img = lab_dataset_image (ds, i);
      double sum = 0, cx = 0, cy = 0;
      guint ink = 0;

      for (guint y = 0; y < 28; y++)
        for (guint x = 0; x < 28; x++)
          {
            double v = img[y * 28 + x] / 255.0;
            sum += v;
            cx += v * x;
            cy += v * y;
            ink += img[y * 28 + x] > 128;
            means[ds->labels[i]][y * 28 + x] += v / (n / 10);
            if (x == 0 || y == 0 || x == 27 || y == 27)
              edge_ink += img[y * 28 + x] > 128;
          }
      /* Filled strokes, not hairlines, and not a blob: MNIST's mean
       * intensity is about 0.13. */
      g_assert_cmpfloat (sum / (28 * 28), >, 0.05);
      g_assert_cmpfloat (sum / (28 * 28), <, 0.40);
      g_assert_cmpuint (ink, >, 25);
      /* Roughly centred. */
      g_assert_cmpfloat (fabs (cx / sum - 13.5), <, 4.0);
      g_assert_cmpfloat (fabs (cy / sum - 13.5), <, 4.0);
    }
  /* Like MNIST, the border stays (almost) empty. */
  g_assert_cmpuint (edge_ink, <, n / 20);

  /* The classes are told apart: mean images differ pairwise. */
  for (guint a = 0; a < 10; a++)
    for (guint b = a + 1; b < 10; b++)
      {
        double d2 = 0;
        for (guint k = 0; k < 28 * 28; k++)
          d2 += (means[a][k] - means[b][k]) * (means[a][k] - means[b][k]);
        if (sqrt (d2) < 2.0)
          g_test_message ("classes %u and %u: mean images %.2f apart", a, b, sqrt (d2));
        g_assert_cmpfloat (sqrt (d2), >, 2.0);
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/synthetic/shape", test_synthetic_shape);
  g_test_add_func ("/synthetic/deterministic", test_synthetic_deterministic);
  g_test_add_func ("/synthetic/looks-like-digits", test_synthetic_looks_like_digits);

  return g_test_run ();
}
