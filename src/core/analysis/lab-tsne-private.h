#pragma once

/* What t-SNE's three parts share: the driver (lab-tsne.c: checks, start,
 * gradient descent), the input affinities P (lab-tsne-affinities.c) and the
 * gradient (lab-tsne-gradient.c). Not installed; core only. */

#include "lab-quadtree.h"
#include "lab-team.h"
#include "lab-tsne.h"

G_BEGIN_DECLS

/* Work is always cut into this many pieces, whatever the number of threads,
 * and partial sums are added in piece order: a seed gives the same embedding
 * on one core or many. */
#define LAB_TSNE_CHUNKS 16

/* Position of P_ij (i < j) in the packed upper triangle of an n x n matrix,
 * row i holding j = i+1 .. n-1. */
static inline gsize
lab_tsne_packed_index (gsize n,
                       gsize i,
                       gsize j)
{
  return i * (2 * n - i - 1) / 2 + (j - i - 1);
}

/* FIt-SNE's grid and its FFTs (lab-tsne-fft.c). */
typedef struct _LabTsneFft LabTsneFft;

LabTsneFft *lab_tsne_fft_new        (gsize          n);
void        lab_tsne_fft_free       (LabTsneFft    *fft);
/* Repulsion sums R_i = sum_j w_ij^2 (y_i - y_j) into rep_x, rep_y (n, by
 * point) for positions yx, yy (n); returns Z = sum_{i != j} w_ij. */
double      lab_tsne_fft_repulsion  (LabTsneFft    *fft,
                                     LabTeam       *team,
                                     const float   *yx,
                                     const float   *yy,
                                     float         *rep_x,
                                     float         *rep_y);

/* One run's state. Owned by lab_tsne_run; every array is its own. */
typedef struct
{
  gsize           n;
  LabTsneMethod   method;
  LabTeam        *team;              /* the chunks run on it */
  gboolean        want_kl;

  float          *yx, *yy;           /* (n) positions */
  float          *gx, *gy;           /* (n) gradient */
  float          *ux, *uy;           /* (n) last update (momentum) */
  float          *gain_x, *gain_y;   /* (n) */
  double          plogp;             /* sum p log p */
  double          chunk_z[LAB_TSNE_CHUNKS];
  double          chunk_kl[LAB_TSNE_CHUNKS];

  /* exact */
  float          *pu;                /* packed upper triangle of P */
  gsize           chunk_row[LAB_TSNE_CHUNKS + 1];
  float          *acc;               /* (LAB_TSNE_CHUNKS, 4, n) */

  /* Barnes-Hut */
  guint32        *row_ptr;           /* CSR of P */
  guint32        *col;
  float          *val;
  guint32        *spare_row_ptr;     /* the CSR's other copy, for renumbering */
  guint32        *spare_col;
  float          *spare_val;
  guint32        *index;             /* (n) the caller's number of each point */
  LabQuadtree    *tree;
  float          *tree_scratch;      /* (LAB_TSNE_CHUNKS, scratch size) */
  float           theta;
  float          *rep_x, *rep_y, *rep_z;  /* (n) by sorted position (exact:
                                           * repulsion sums by point) */
  float          *att_x, *att_y;          /* (n) by point */
  float          *yxy;                    /* (2n) yx, yy interleaved */

  /* FFT: the CSR of P, rep_x, rep_y (by point) and att_x, att_y above */
  LabTsneFft     *fft;
} LabTsneState;

/* Dense P (n x n, packed upper triangle pu, n (n - 1) / 2 floats) from the
 * squared distances of all pairs of x (n, dim); returns sum p log p over
 * i != j, the constant part of KL(P||Q). */
double    lab_tsne_exact_affinities  (LabTeam       *team,
                                      const float   *x,
                                      gsize          n,
                                      gsize          dim,
                                      double         perplexity,
                                      float         *pu);
/* Sparse symmetric P over the k nearest neighbours of each point of x
 * (n, dim), as scikit-learn's method="barnes_hut", in CSR: *row_ptr_out
 * (n + 1), *col_out and *val_out (nnz), all newly allocated. Returns
 * sum p log p over the stored entries. */
double    lab_tsne_sparse_affinities (LabTeam       *team,
                                      const float   *x,
                                      gsize          n,
                                      gsize          dim,
                                      double         perplexity,
                                      gsize          k,
                                      guint32      **row_ptr_out,
                                      guint32      **col_out,
                                      float        **val_out);
/* Renumbers the points (Barnes-Hut) along the Morton curve of their
 * current positions: P's CSR, positions, updates, gains and t->index
 * follow; t->gx, t->gy are left undefined. */
void      lab_tsne_renumber          (LabTsneState  *t);
/* Fills t->gx, t->gy for the current positions t->yx, t->yy; returns the
 * KL divergence when t->want_kl, else NAN. */
double    lab_tsne_gradient          (LabTsneState  *t,
                                      float          exaggeration);

G_END_DECLS
