#define G_LOG_DOMAIN "latentlab-core"

#include "lab-split.h"

#include <math.h>
#include <string.h>

#include "lab-format.h"
#include "lab-rng.h"

void
lab_split_parts_free (LabSplitParts *parts)
{
  if (parts == NULL)
    return;
  /* parts[0] is the start of the one index allocation. */
  if (parts->n_parts > 0)
    g_free (parts->parts[0]);
  g_free (parts->parts);
  g_free (parts->sizes);
  g_free (parts);
}

void
lab_transfer_split_free (LabTransferSplit *split)
{
  if (split == NULL)
    return;
  /* labelled is the start of the one index allocation. */
  g_free (split->labelled);
  g_free (split);
}

/* The sizes plus a last "rest" part when they do not cover n. */
static gboolean
check_sizes (guint         n,
             const guint  *sizes,
             guint         n_parts,
             guint        *rest,
             GError      **error)
{
  guint64 total = 0;

  for (guint i = 0; i < n_parts; i++)
    total += sizes[i];
  if (total > n)
    {
      g_autofree char *want = lab_format_count (total);
      g_autofree char *have = lab_format_count (n);

      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "a split of %s images asked for, but there are only %s", want, have);
      return FALSE;
    }
  *rest = n - (guint) total;
  return TRUE;
}

static LabSplitParts *
parts_new (const guint *sizes,
           guint        n_parts)
{
  LabSplitParts *parts = g_new0 (LabSplitParts, 1);
  gsize total = 0;
  guint *storage;

  parts->n_parts = n_parts;
  /* Never fewer than one, never more copied than the caller has. */
  parts->sizes = g_new0 (guint, MAX (n_parts, 1));
  if (n_parts > 0)
    memcpy (parts->sizes, sizes, n_parts * sizeof (guint));
  parts->parts = g_new0 (guint *, MAX (n_parts, 1));
  for (guint i = 0; i < n_parts; i++)
    total += sizes[i];
  storage = g_new (guint, MAX (total, 1));
  for (guint i = 0; i < n_parts; i++)
    {
      parts->parts[i] = storage;
      storage += sizes[i];
    }
  return parts;
}

LabSplitParts *
lab_split_random (guint          n,
                  const guint   *sizes,
                  guint          n_parts,
                  guint64        seed,
                  GError       **error)
{
  return lab_split_stratified (n, NULL, 0, sizes, n_parts, seed, error);
}

LabSplitParts *
lab_split_fractions (guint          n,
                     const double  *fractions,
                     guint          n_parts,
                     guint64        seed,
                     GError       **error)
{
  g_autofree guint *sizes = g_new0 (guint, MAX (n_parts, 1));
  g_autofree double *remainders = g_new0 (double, MAX (n_parts, 1));
  double sum = 0.0;
  guint64 assigned = 0;

  for (guint i = 0; i < n_parts; i++)
    {
      if (!(fractions[i] >= 0.0 && fractions[i] <= 1.0))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "split fraction %g is not between 0 and 1", fractions[i]);
          return NULL;
        }
      sum += fractions[i];
    }
  if (sum > 1.0 + 1e-9)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "split fractions add up to %g, more than 1", sum);
      return NULL;
    }

  for (guint i = 0; i < n_parts; i++)
    {
      double exact = fractions[i] * n;

      sizes[i] = (guint) floor (exact);
      remainders[i] = exact - sizes[i];
      assigned += sizes[i];
    }
  /* Fractions that add up to 1 must cover every image: hand the images
   * lost to rounding to the parts with the largest remainders. */
  if (sum > 1.0 - 1e-9)
    while (assigned < n)
      {
        guint best = 0;

        for (guint i = 1; i < n_parts; i++)
          if (remainders[i] > remainders[best])
            best = i;
        sizes[best]++;
        remainders[best] = -1.0;
        assigned++;
      }

  return lab_split_random (n, sizes, n_parts, seed, error);
}

LabSplitParts *
lab_split_stratified (guint          n,
                      const guint8  *labels,
                      guint          n_classes,
                      const guint   *sizes,
                      guint          n_parts,
                      guint64        seed,
                      GError       **error)
{
  g_autoptr(LabSplitParts) parts = NULL;
  g_autofree guint *order = NULL;
  g_autofree guint *quota = NULL;
  g_autofree guint *taken = NULL;
  guint rest = 0;
  guint n_all;
  LabRng rng;

  g_return_val_if_fail (sizes != NULL || n_parts == 0, NULL);

  if (!check_sizes (n, sizes, n_parts, &rest, error))
    return NULL;
  if (labels != NULL)
    for (guint i = 0; i < n; i++)
      if (labels[i] >= n_classes)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "image %u has label %u, but there are only %u classes",
                       i, labels[i], n_classes);
          return NULL;
        }

  lab_rng_init (&rng, seed);
  order = g_new (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    order[i] = i;
  lab_rng_shuffle (&rng, order, n);

  parts = parts_new (sizes, n_parts);

  if (labels == NULL)
    {
      /* Cut the shuffled order into consecutive runs. */
      gsize offset = 0;

      for (guint j = 0; j < n_parts; j++)
        {
          memcpy (parts->parts[j], order + offset, sizes[j] * sizeof (guint));
          offset += sizes[j];
        }
      return g_steal_pointer (&parts);
    }

  /* Group the shuffled order by class (stable counting sort), then deal
   * positions to the parts in an evenly interleaved sequence: at every
   * step the part furthest behind its share gets the next image. Each
   * class is a contiguous run, so each part gets its share of every class. */
  {
    g_autofree guint *start = g_new0 (guint, n_classes + 1);
    g_autofree guint *grouped = g_new (guint, MAX (n, 1));

    for (guint i = 0; i < n; i++)
      start[labels[i] + 1]++;
    for (guint k = 0; k < n_classes; k++)
      start[k + 1] += start[k];
    for (guint i = 0; i < n; i++)
      grouped[start[labels[order[i]]]++] = order[i];
    memcpy (order, grouped, (gsize) n * sizeof (guint));
  }

  /* Parts 0..n_parts-1 as asked, part n_parts the left-out rest. */
  n_all = n_parts + 1;
  quota = g_new (guint, n_all);
  taken = g_new0 (guint, n_all);
  memcpy (quota, sizes, n_parts * sizeof (guint));
  quota[n_parts] = rest;

  for (guint r = 0; r < n; r++)
    {
      guint best = G_MAXUINT;
      gint64 best_deficit = G_MININT64;

      for (guint j = 0; j < n_all; j++)
        {
          gint64 deficit;

          if (taken[j] >= quota[j])
            continue;
          deficit = (gint64) (r + 1) * quota[j] - (gint64) n * taken[j];
          if (deficit > best_deficit)
            {
              best_deficit = deficit;
              best = j;
            }
        }
      g_assert (best != G_MAXUINT);
      if (best < n_parts)
        parts->parts[best][taken[best]] = order[r];
      taken[best]++;
    }

  /* Within a part the images came in class order. */
  for (guint j = 0; j < n_parts; j++)
    lab_rng_shuffle (&rng, parts->parts[j], sizes[j]);
  return g_steal_pointer (&parts);
}

LabTransferSplit *
lab_split_transfer (guint          n,
                    const guint8  *labels,
                    guint          n_classes,
                    guint          n_train,
                    guint          n_val,
                    guint          n_test,
                    guint64        seed,
                    GError       **error)
{
  g_autoptr(LabSplitParts) parts = NULL;
  LabTransferSplit *split;
  guint64 n_labelled = (guint64) n_train + n_val + n_test;
  guint sizes[4];
  guint *storage;

  if (n_labelled > n)
    {
      g_autofree char *want = lab_format_count (n_labelled);
      g_autofree char *have = lab_format_count (n);

      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "%s labelled images asked for, but the dataset has only %s images",
                   want, have);
      return NULL;
    }

  /* One stratified pass over all four parts is the same as first setting
   * the labelled images aside and then splitting them. */
  sizes[0] = n_train;
  sizes[1] = n_val;
  sizes[2] = n_test;
  sizes[3] = n - (guint) n_labelled;
  parts = lab_split_stratified (n, labels, n_classes, sizes, 4, seed, error);
  if (parts == NULL)
    return NULL;

  /* parts_new laid the four parts out in order in one allocation: train,
   * val, test (together: labelled), then unlabelled. Take it over. */
  storage = g_steal_pointer (&parts->parts[0]);
  split = g_new0 (LabTransferSplit, 1);
  split->labelled = storage;
  split->n_labelled = (guint) n_labelled;
  split->train = storage;
  split->n_train = n_train;
  split->val = storage + n_train;
  split->n_val = n_val;
  split->test = storage + n_train + n_val;
  split->n_test = n_test;
  split->unlabelled = storage + n_labelled;
  split->n_unlabelled = sizes[3];
  /* parts->parts[0] is NULL now; the free function frees nothing twice. */
  return split;
}

LabTransferSplit *
lab_split_seed000 (guint          n,
                   const guint8  *labels,
                   guint          n_classes,
                   guint64        seed,
                   GError       **error)
{
  return lab_split_transfer (n, labels, n_classes,
                             LAB_SPLIT_TRANSFER_TRAIN, LAB_SPLIT_TRANSFER_VAL,
                             LAB_SPLIT_TRANSFER_TEST, seed, error);
}
