#pragma once

#include <gio/gio.h>

#include "lab-error.h"
#include "lab-team.h"

G_BEGIN_DECLS

/* Exact k nearest neighbours of every row of a set of points, the graph
 * t-SNE's affinities and UMAP's fuzzy set are built on.
 *
 * The squared distances |x_i|^2 + |x_j|^2 - 2 x_i . x_j come from blocks of
 * single-precision GEMMs (lab_blas_sgemm), a tile of rows against a tile of
 * columns at a time, each lane of a LabTeam on tiles of its own with the
 * BLAS at one thread; each row keeps its k best in a max-heap, and a tile's
 * candidates are compared with the heap's worst eight at a time, so almost
 * every one costs a single comparison. The k chosen are then sorted and
 * their distances recomputed in double from the coordinates (the GEMM form
 * loses digits when two points are close). Ties at the k-th distance may
 * go either way. */

/* nbr (n, k) receives the neighbours of each row, nearest first, never the
 * row itself; dist2 (n, k, may be NULL) their squared distances. k must be
 * below n. team may be NULL (a team of n_threads lanes is made for the
 * call; 0 = one per processor). Errors: INVALID for k of 0 or not below n,
 * TOO_LARGE past the allocation limit, CANCELLED (checked between tiles). */
gboolean  lab_knn_exact   (LabTeam       *team,
                           guint          n_threads,
                           const float   *x,
                           gsize          n,
                           gsize          dim,
                           gsize          k,
                           guint32       *nbr,
                           float         *dist2,
                           GCancellable  *cancellable,
                           GError       **error);

/* Approximate neighbours by NN-descent from a random-projection forest
 * (lab-knn-descent.c), for large n where the exact search's n^2 distances
 * dominate: the same outputs as lab_knn_exact, nearest first, distances in
 * float. The result depends on seed, not on the team's lanes. k at most
 * 255. Errors as lab_knn_exact's; CANCELLED is checked between rounds. */
gboolean  lab_knn_descent (LabTeam       *team,
                           const float   *x,
                           gsize          n,
                           gsize          dim,
                           gsize          k,
                           guint64        seed,
                           guint32       *nbr,
                           float         *dist2,
                           GCancellable  *cancellable,
                           GError       **error);

G_END_DECLS
