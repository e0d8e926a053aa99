#pragma once

#include <gio/gio.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* UMAP (McInnes, Healy & Melville 2018) to 2-D, as umap-learn 0.5 does it
 * with its defaults:
 *   1. the n_neighbors - 1 nearest neighbours of every point (lab-knn.h;
 *      umap-learn counts the point itself): exact up to 30,000 points,
 *      beyond by NN-descent, as umap-learn finds them always;
 *   2. each point's fuzzy neighbourhood: w_ij = exp (-(d_ij - rho_i) /
 *      sigma_i), rho_i the distance to its nearest neighbour, sigma_i
 *      chosen so the weights sum to log2 (n_neighbors);
 *   3. the fuzzy union of the two directions, w + w' - w w', without the
 *      edges weaker than max / n_epochs;
 *   4. a start from the first two principal components scaled to [-10, 10];
 *   5. stochastic gradient descent on the fuzzy cross-entropy with the
 *      curve 1 / (1 + a d^(2b)) fitted to min_dist and spread: each edge
 *      drawn in proportion to its weight, each draw followed by
 *      negative_sample_rate repulsive draws of random points, gradients
 *      clipped to 4, the learning rate falling linearly to 0 (a draw's
 *      attraction and repulsions are evaluated together, from the same
 *      position: lab-umap-sgd.c).
 * With one thread the result is a function of the seed; with more, the
 * edges are cut between threads that move shared points without locks
 * (as umap-learn's parallel mode), so runs differ slightly. */

typedef struct
{
  guint    n_neighbors;          /* 15 */
  double   min_dist;             /* 0.1 */
  double   spread;               /* 1.0 */
  guint    n_epochs;             /* 0: 500 up to 10,000 points, else 200 */
  guint    negative_sample_rate; /* 5 */
  double   learning_rate;        /* 1.0 */
  guint64  seed;
  guint    n_threads;            /* 1 (deterministic); 0 = one per processor */
  guint    publish_every;        /* 10: epochs between callbacks */
} LabUmapConfig;

/* Called on the calling thread every publish_every epochs and at the end;
 * y (n, 2) is valid during the call only. FALSE stops the run early with
 * the positions reached. */
typedef gboolean (*LabUmapFunc) (guint        epoch,
                                 guint        n_epochs,
                                 const float *y,
                                 gpointer     user_data);

void      lab_umap_config_init   (LabUmapConfig        *config);

/* The a and b of 1 / (1 + a d^(2b)) for min_dist and spread (least
 * squares against the fuzzy membership, as umap-learn's find_ab_params). */
void      lab_umap_find_ab       (double                spread,
                                  double                min_dist,
                                  double               *a,
                                  double               *b);

/* Embeds x (n, dim) into y (n, 2). *stopped (may be NULL): the callback
 * ended it early. Errors (LAB_ERROR): INVALID for fewer than n_neighbors +
 * 1 points, n_neighbors below 2, min_dist outside [0, spread], non-finite
 * input; TOO_LARGE; CANCELLED (checked every epoch; y then holds the
 * positions reached). */
gboolean  lab_umap_run           (const float          *x,
                                  gsize                 n,
                                  gsize                 dim,
                                  const LabUmapConfig  *config,
                                  float                *y,
                                  LabUmapFunc           callback,
                                  gpointer              user_data,
                                  gboolean             *stopped,
                                  GCancellable         *cancellable,
                                  GError              **error);

G_END_DECLS
