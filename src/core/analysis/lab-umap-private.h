#pragma once

/* What UMAP's driver (lab-umap.c: the graph, the start, the curve) and its
 * stochastic gradient descent (lab-umap-sgd.c) share. Core only. */

#include <glib.h>

#include "lab-team.h"

G_BEGIN_DECLS

/* One edge of the fuzzy graph: w is its membership strength. */
typedef struct
{
  guint32 row, col;
  float   w;
} LabUmapEdge;

typedef struct _LabUmapSgd LabUmapSgd;

/* The descent over edges (n_edges of them, sorted by row, over n points)
 * for the curve 1 / (1 + a d^(2b)); lanes threads, each with its own
 * generator from seed. edges must outlive it. */
LabUmapSgd *lab_umap_sgd_new    (const LabUmapEdge *edges,
                                 gsize              n_edges,
                                 gsize              n,
                                 double             a,
                                 double             b,
                                 guint              negative_sample_rate,
                                 guint64            seed,
                                 guint              lanes);
void        lab_umap_sgd_free   (LabUmapSgd        *sgd);
/* Epoch `epoch` (from 0) with learning rate alpha on y (n, 2), on team. */
void        lab_umap_sgd_epoch  (LabUmapSgd        *sgd,
                                 LabTeam           *team,
                                 float             *y,
                                 guint              epoch,
                                 float              alpha);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabUmapSgd, lab_umap_sgd_free)

G_END_DECLS
