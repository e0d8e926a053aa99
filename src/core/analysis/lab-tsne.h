#pragma once

#include <gio/gio.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* t-SNE (van der Maaten & Hinton 2008; Barnes-Hut: van der Maaten 2014) to
 * 2-D, following scikit-learn 1.2's TSNE where results depend on it:
 * perplexity 30, early exaggeration 12 for 250 iterations with momentum 0.5
 * then 0.8, learning rate "auto" = max(n / exaggeration / 4, 50), 1000
 * iterations, delta-bar-delta gains (min 0.01), PCA initialisation scaled to
 * standard deviation 1e-4, Student-t kernel with one degree of freedom.
 *
 * As scikit-learn's usage (and tsne_ref.py) does, inputs with more than
 * pca_components columns are first reduced with PCA (lab-pca.h); set
 * pca_components to 0 to use the columns as given. */

typedef enum
{
  LAB_TSNE_METHOD_AUTO,         /* EXACT up to exact_max_n points, else
                                 * BARNES_HUT (faster than FFT at 10,000
                                 * MNIST points, and a lower KL: see README) */
  LAB_TSNE_METHOD_EXACT,        /* all n^2 pairs; memory n^2 / 2 floats */
  LAB_TSNE_METHOD_BARNES_HUT,   /* 3 * perplexity neighbours + quadtree, theta */
  LAB_TSNE_METHOD_FFT,          /* 3 * perplexity neighbours + FIt-SNE's
                                 * interpolation on a grid, by FFT: its
                                 * cost grows with the map's area, not n */
} LabTsneMethod;

typedef enum
{
  LAB_TSNE_INIT_PCA,
  LAB_TSNE_INIT_RANDOM,         /* normal, standard deviation 1e-4, from seed */
} LabTsneInit;

typedef struct
{
  double         perplexity;         /* 30; must be below n / 3 */
  double         learning_rate;      /* 0 = auto: max (n / exaggeration / 4, 50) */
  guint          n_iter;             /* 1000 */
  guint64        seed;               /* random init and randomized PCA */
  LabTsneMethod  method;             /* AUTO */
  guint          exact_max_n;        /* 1000: AUTO uses EXACT up to this many
                                      * points (as fast as BARNES_HUT there on
                                      * PCA-50 MNIST, slower beyond) */
  double         theta;              /* 0.5: Barnes-Hut accuracy, 0 = exact forces */
  double         exaggeration;       /* 12 */
  guint          exaggeration_iter;  /* 250 */
  guint          publish_every;      /* 10: callback every this many iterations */
  guint          pca_components;     /* 50: reduce wider inputs first; 0 = never */
  LabTsneInit    init;               /* PCA */
  guint          n_threads;          /* 0 = one per processor; the result does
                                      * not depend on it */
} LabTsneConfig;

typedef struct
{
  double         kl;                 /* KL(P || Q) at the last iteration */
  guint          n_iter;             /* iterations run */
  LabTsneMethod  method;             /* EXACT or BARNES_HUT, as used */
  gboolean       stopped;            /* the callback asked to stop early */
} LabTsneResult;

/* Called on the calling thread every publish_every iterations, at every
 * iteration where the KL divergence was computed (every 50) and at the end.
 * iteration counts from 1; kl is KL(P || Q) with the un-exaggerated P, or NAN
 * when not computed at this iteration (exact for EXACT; for BARNES_HUT, as
 * scikit-learn, over the neighbour pairs with the tree's estimate of Z);
 * y (n, 2) row-major is valid during the call only. Return FALSE to stop: the
 * run then ends normally with the positions reached. */
typedef gboolean (*LabTsneFunc) (guint        iteration,
                                 double       kl,
                                 const float *y,
                                 gpointer     user_data);

/* Defaults above. */
void      lab_tsne_config_init (LabTsneConfig        *config);

/* Embeds x (n, dim) row-major into y (n, 2) row-major. callback may be NULL;
 * result may be NULL. Errors (LAB_ERROR): INVALID for fewer than 4 points, a
 * perplexity not below n / 3, other settings out of range or non-finite
 * input; TOO_LARGE when the exact method would need more than
 * LAB_MAX_ALLOC_BYTES; DIVERGED when positions stop being finite; CANCELLED
 * when cancellable fires (checked every iteration; y then holds the
 * positions reached once the optimisation has started). Reentrant: each call
 * has its own state and threads. */
gboolean  lab_tsne_run         (const float          *x,
                                gsize                 n,
                                gsize                 dim,
                                const LabTsneConfig  *config,
                                float                *y,
                                LabTsneFunc           callback,
                                gpointer              user_data,
                                LabTsneResult        *result,
                                GCancellable         *cancellable,
                                GError              **error);

/* KL(P || Q) of any 2-D layout y (n, 2) of x (n, dim): P built as method
 * builds it from config (perplexity, pca_components; NULL for defaults),
 * EXACT over all pairs or BARNES_HUT over the 3 * perplexity nearest
 * neighbours, and Q exact (O(n^2) time). Lets layouts from different runs or
 * programs be compared on one scale. Same errors as lab_tsne_run. */
gboolean  lab_tsne_kl_divergence (const float          *x,
                                  gsize                 n,
                                  gsize                 dim,
                                  const float          *y,
                                  const LabTsneConfig  *config,
                                  LabTsneMethod         method,
                                  double               *kl,
                                  GError              **error);

G_END_DECLS
