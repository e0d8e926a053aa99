#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The Barnes-Hut quadtree of a 2-D t-SNE embedding, rebuilt every iteration.
 *
 * Points are sorted along a Morton (Z-order) curve of 16 bits per axis, so
 * every cell is a contiguous range of the sorted points; nodes are stored in
 * depth-first order with a "skip" index to the next subtree, so a traversal
 * needs neither recursion nor a stack. Cells with a single non-empty quadrant
 * are collapsed, so there are fewer than 2n nodes. All buffers are allocated
 * once for a given capacity; building never allocates. */
typedef struct _LabQuadtree LabQuadtree;

LabQuadtree  *lab_quadtree_new         (gsize              capacity,
                                        guint              leaf_size);
void          lab_quadtree_free        (LabQuadtree       *self);

/* Builds the tree of the n <= capacity points (x[i], y[i]). */
void          lab_quadtree_build       (LabQuadtree       *self,
                                        const float       *x,
                                        const float       *y,
                                        gsize              n);

/* order[s] is the original index of the point at sorted position s. */
const guint32 *lab_quadtree_get_order  (const LabQuadtree *self);
gsize          lab_quadtree_get_n_nodes (const LabQuadtree *self);

/* Floats of scratch one lab_quadtree_repulsion call needs (3 * capacity). */
gsize          lab_quadtree_scratch_size (const LabQuadtree *self);

/* Repulsive t-SNE forces (Student-t, one degree of freedom) on the points at
 * sorted positions [s0, s1), every other point j contributing
 *   w_ij = 1 / (1 + |y_i - y_j|^2),   F_i = sum_j w_ij^2 (y_i - y_j),
 * where a cell whose side is below theta times its distance counts as its
 * points gathered at their centre of mass. fx, fy (s1 - s0) receive F_i and
 * z (s1 - s0) receives sum_j w_ij (to be summed into the normalization Z).
 * scratch holds lab_quadtree_scratch_size() floats, one per concurrent call.
 * The result depends on s0 (points are taken in groups from there). */
void          lab_quadtree_repulsion   (const LabQuadtree *self,
                                        gsize              s0,
                                        gsize              s1,
                                        float              theta,
                                        float             *scratch,
                                        float             *fx,
                                        float             *fy,
                                        float             *z);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabQuadtree, lab_quadtree_free)

G_END_DECLS
