#pragma once

#include <glib.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* Seeded partitions of the image indices [0, n) of a dataset into disjoint
 * parts. The same n, sizes, labels and seed always give the same parts;
 * within a part the indices are in random order (ready for minibatches). */
typedef struct
{
  guint    n_parts;
  guint   *sizes;      /* (n_parts) */
  guint  **parts;      /* (n_parts) arrays of sizes[i] indices; one allocation */
} LabSplitParts;

void            lab_split_parts_free     (LabSplitParts  *parts);

/* Parts of the given sizes; sizes may sum to less than n (the rest is
 * left out), not to more. Uniformly random. */
LabSplitParts  *lab_split_random         (guint           n,
                                          const guint    *sizes,
                                          guint           n_parts,
                                          guint64         seed,
                                          GError        **error);
/* The same with sizes given as fractions of n (each in [0,1], summing to at
 * most 1). Sizes are rounded so that fractions summing to 1 cover all n. */
LabSplitParts  *lab_split_fractions      (guint           n,
                                          const double   *fractions,
                                          guint           n_parts,
                                          guint64         seed,
                                          GError        **error);
/* As lab_split_random, stratified by labels (n) in [0, n_classes): every
 * part gets each class in proportion to its share of all n, to within two
 * images per class and part. labels NULL: same as lab_split_random. */
LabSplitParts  *lab_split_stratified     (guint           n,
                                          const guint8   *labels,
                                          guint           n_classes,
                                          const guint    *sizes,
                                          guint           n_parts,
                                          guint64         seed,
                                          GError        **error);

/* Seed 000's scheme (transfer learning with few labels): a training set of
 * 60,000 gives 57,000 images for the autoencoder, whose labels are never
 * used, and 3,000 labelled images for the classifier, split into 1,800
 * train / 600 validation / 600 test. The parts are disjoint; labelled is
 * train + validation + test. Stratified by class when labels are given. */
#define LAB_SPLIT_TRANSFER_LABELLED 3000
#define LAB_SPLIT_TRANSFER_TRAIN    1800
#define LAB_SPLIT_TRANSFER_VAL      600
#define LAB_SPLIT_TRANSFER_TEST     600

typedef struct
{
  guint  *unlabelled;     /* (n_unlabelled) for the autoencoder */
  guint   n_unlabelled;
  guint  *labelled;       /* (n_labelled) = train, then val, then test */
  guint   n_labelled;
  guint  *train;          /* (n_train) points into labelled */
  guint   n_train;
  guint  *val;            /* (n_val) points into labelled */
  guint   n_val;
  guint  *test;           /* (n_test) points into labelled */
  guint   n_test;
} LabTransferSplit;

void              lab_transfer_split_free (LabTransferSplit *split);

/* n images: n - (n_train + n_val + n_test) unlabelled, the rest labelled
 * and split as asked. labels may be NULL. */
LabTransferSplit *lab_split_transfer      (guint           n,
                                           const guint8   *labels,
                                           guint           n_classes,
                                           guint           n_train,
                                           guint           n_val,
                                           guint           n_test,
                                           guint64         seed,
                                           GError        **error);
/* lab_split_transfer with seed 000's 1,800 / 600 / 600. */
LabTransferSplit *lab_split_seed000       (guint           n,
                                           const guint8   *labels,
                                           guint           n_classes,
                                           guint64         seed,
                                           GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSplitParts, lab_split_parts_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTransferSplit, lab_transfer_split_free)

G_END_DECLS
