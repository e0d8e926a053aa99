#include <string.h>

#include "lab-split.h"

/* Every index in the parts is < n and appears at most once; returns how
 * many indices the parts hold. */
static guint
assert_disjoint (guint               n,
                 guint * const      *parts,
                 const guint        *sizes,
                 guint               n_parts)
{
  g_autofree guint8 *seen = g_new0 (guint8, n);
  guint total = 0;

  for (guint j = 0; j < n_parts; j++)
    for (guint i = 0; i < sizes[j]; i++)
      {
        guint v = parts[j][i];

        g_assert_cmpuint (v, <, n);
        g_assert_cmpuint (seen[v], ==, 0);
        seen[v] = 1;
        total++;
      }
  return total;
}

static void
test_split_random_sizes (void)
{
  const guint sizes[] = { 700, 200, 100 };
  g_autoptr(LabSplitParts) p = NULL;
  g_autoptr(LabSplitParts) q = NULL;
  g_autoptr(LabSplitParts) other = NULL;
  g_autoptr(LabSplitParts) some = NULL;
  g_autoptr(GError) error = NULL;
  const guint some_sizes[] = { 10, 5 };
  guint ascending = 0;

  p = lab_split_random (1000, sizes, 3, 42, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->n_parts, ==, 3);
  for (guint j = 0; j < 3; j++)
    g_assert_cmpuint (p->sizes[j], ==, sizes[j]);
  g_assert_cmpuint (assert_disjoint (1000, p->parts, p->sizes, 3), ==, 1000);

  /* The same seed gives the same parts, another seed others. */
  q = lab_split_random (1000, sizes, 3, 42, NULL);
  other = lab_split_random (1000, sizes, 3, 43, NULL);
  for (guint j = 0; j < 3; j++)
    g_assert_cmpmem (p->parts[j], sizes[j] * sizeof (guint), q->parts[j], sizes[j] * sizeof (guint));
  g_assert_true (memcmp (p->parts[0], other->parts[0], 700 * sizeof (guint)) != 0);

  /* Random order, not the identity. */
  for (guint i = 1; i < 700; i++)
    ascending += p->parts[0][i] > p->parts[0][i - 1];
  g_assert_cmpuint (ascending, <, 450);

  /* Sizes that leave images out. */
  some = lab_split_random (100, some_sizes, 2, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (assert_disjoint (100, some->parts, some->sizes, 2), ==, 15);
}

static void
test_split_too_many (void)
{
  const guint sizes[] = { 60, 50 };
  g_autoptr(GError) error = NULL;
  LabSplitParts *p = lab_split_random (100, sizes, 2, 1, &error);

  g_assert_null (p);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "110"));
}

static void
test_split_fractions (void)
{
  const double fractions[] = { 0.8, 0.1, 0.1 };
  const double thirds[] = { 1.0 / 3, 1.0 / 3, 1.0 / 3 };
  const double bad[] = { 0.7, 0.5 };
  g_autoptr(LabSplitParts) p = NULL;
  g_autoptr(LabSplitParts) t = NULL;
  g_autoptr(GError) error = NULL;

  p = lab_split_fractions (1001, fractions, 3, 7, &error);
  g_assert_no_error (error);
  /* 800.8 / 100.1 / 100.1: the lost image goes to the largest remainder. */
  g_assert_cmpuint (p->sizes[0], ==, 801);
  g_assert_cmpuint (p->sizes[1], ==, 100);
  g_assert_cmpuint (p->sizes[2], ==, 100);
  g_assert_cmpuint (assert_disjoint (1001, p->parts, p->sizes, 3), ==, 1001);

  t = lab_split_fractions (100, thirds, 3, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (t->sizes[0] + t->sizes[1] + t->sizes[2], ==, 100);

  g_assert_null (lab_split_fractions (100, bad, 2, 7, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

static void
test_split_stratified (void)
{
  const guint n = 10000;
  const guint sizes[] = { 1800, 600, 600 };
  g_autofree guint8 *labels = g_new (guint8, n);
  g_autoptr(LabSplitParts) p = NULL;
  g_autoptr(GError) error = NULL;
  guint class_total[4] = { 0 };

  /* Unbalanced classes: 10%, 20%, 30%, 40%. */
  for (guint i = 0; i < n; i++)
    labels[i] = i % 10 < 1 ? 0 : i % 10 < 3 ? 1 : i % 10 < 6 ? 2 : 3;
  for (guint i = 0; i < n; i++)
    class_total[labels[i]]++;

  p = lab_split_stratified (n, labels, 4, sizes, 3, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (assert_disjoint (n, p->parts, p->sizes, 3), ==, 3000);

  for (guint j = 0; j < 3; j++)
    {
      guint counts[4] = { 0 };

      for (guint i = 0; i < sizes[j]; i++)
        counts[labels[p->parts[j][i]]]++;
      for (guint k = 0; k < 4; k++)
        {
          double expected = (double) sizes[j] * class_total[k] / n;

          g_assert_cmpfloat_with_epsilon (counts[k], expected, 2.0);
        }
    }

  /* A label outside [0, n_classes) is refused. */
  labels[17] = 4;
  g_assert_null (lab_split_stratified (n, labels, 4, sizes, 3, 5, &error));
}

static void
test_split_seed000 (void)
{
  const guint n = 60000;
  g_autofree guint8 *labels = g_new (guint8, n);
  g_autoptr(LabTransferSplit) s = NULL;
  g_autoptr(LabTransferSplit) again = NULL;
  g_autoptr(LabTransferSplit) unlabelled = NULL;
  g_autoptr(GError) error = NULL;
  guint *parts[4];
  guint sizes[4];
  guint train_counts[10] = { 0 };
  guint class_total[10] = { 0 };

  for (guint i = 0; i < n; i++)
    labels[i] = (i * 7 + i / 13) % 10;

  s = lab_split_seed000 (n, labels, 10, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->n_unlabelled, ==, 57000);
  g_assert_cmpuint (s->n_labelled, ==, 3000);
  g_assert_cmpuint (s->n_train, ==, 1800);
  g_assert_cmpuint (s->n_val, ==, 600);
  g_assert_cmpuint (s->n_test, ==, 600);

  parts[0] = s->unlabelled;
  parts[1] = s->train;
  parts[2] = s->val;
  parts[3] = s->test;
  sizes[0] = 57000;
  sizes[1] = 1800;
  sizes[2] = 600;
  sizes[3] = 600;
  g_assert_cmpuint (assert_disjoint (n, parts, sizes, 4), ==, n);

  /* labelled is exactly train, val and test. */
  g_assert_true (s->train == s->labelled);
  g_assert_true (s->val == s->labelled + 1800);
  g_assert_true (s->test == s->labelled + 2400);

  /* Stratified: each class's share of train is its share of all 60,000
   * (5,538 to 6,462 images per class here). */
  for (guint i = 0; i < n; i++)
    class_total[labels[i]]++;
  for (guint i = 0; i < s->n_train; i++)
    train_counts[labels[s->train[i]]]++;
  for (guint k = 0; k < 10; k++)
    g_assert_cmpfloat_with_epsilon (train_counts[k], 1800.0 * class_total[k] / n, 2.0);

  again = lab_split_seed000 (n, labels, 10, 4, NULL);
  g_assert_cmpmem (s->labelled, 3000 * sizeof (guint), again->labelled, 3000 * sizeof (guint));
  g_assert_cmpmem (s->unlabelled, 57000 * sizeof (guint), again->unlabelled, 57000 * sizeof (guint));

  /* Without labels: same sizes, still disjoint. */
  unlabelled = lab_split_seed000 (n, NULL, 0, 4, &error);
  g_assert_no_error (error);
  parts[0] = unlabelled->unlabelled;
  parts[1] = unlabelled->train;
  parts[2] = unlabelled->val;
  parts[3] = unlabelled->test;
  g_assert_cmpuint (assert_disjoint (n, parts, sizes, 4), ==, n);

  /* Too few images for 3,000 labelled ones. */
  g_assert_null (lab_split_seed000 (2000, NULL, 0, 4, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "3,000"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/split/random-sizes", test_split_random_sizes);
  g_test_add_func ("/split/too-many", test_split_too_many);
  g_test_add_func ("/split/fractions", test_split_fractions);
  g_test_add_func ("/split/stratified", test_split_stratified);
  g_test_add_func ("/split/seed000", test_split_seed000);
  return g_test_run ();
}
