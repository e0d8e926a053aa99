#pragma once

#include <gio/gio.h>

#include "lab-dataset.h"
#include "lab-error.h"
#include "lab-model.h"
#include "lab-pca.h"

G_BEGIN_DECLS

/* The latent space of an autoencoder, made visible: N images of a dataset
 * go through the encoder half (their latents, flattened to D values), and
 * the latents are mapped to a 2-D plane the class can look at:
 *
 *   PCA     the plane of the two main axes of the latents; invertible:
 *           latent = mean + (x, y) · components, for ANY point of the plane.
 *   TSNE    t-SNE of the latents (lab-tsne.h); keeps neighbourhoods, has no
 *           inverse: a location decodes as a distance-weighted mix of the
 *           latents of the k embedded points nearest to it.
 *   LATENT  the raw latent, when it has exactly 2 dimensions (vae-conv):
 *           the plane IS the latent space, latent = (x, y).
 *   UMAP    UMAP of the latents (lab-umap.h); like t-SNE, no inverse: a
 *           location decodes as a mix of its nearest points' latents.
 *
 * Then any location decodes (decoder half) to a new image, two latents
 * morph into each other along a straight line, and a 2-D plane decodes as
 * a grid of images (the Keras VAE example's "manifold").
 *
 * Everything here is synchronous and GTK-free; the app runs
 * lab_embedding_compute() as a worker job. A LabModel is not thread-safe:
 * the caller lends one to each call and keeps other threads off it. */

/* Most images one embedding takes: all of MNIST's 70,000 (train + test)
 * and some room. */
#define LAB_EMBED_MAX_N          100000
/* Latents wider than this go through PCA to this many values before t-SNE
 * (as scikit-learn's and openTSNE's users do): neighbourhoods barely
 * change and every later step gets cheaper. */
#define LAB_EMBED_REDUCED_DIM    50
#define LAB_EMBED_DEFAULT_N      2000
/* Neighbours mixed when a t-SNE location decodes. */
#define LAB_EMBED_DEFAULT_K      6
#define LAB_EMBED_MAX_K          64
/* Images of an interpolation strip and the side of a manifold grid. */
#define LAB_EMBED_DEFAULT_STEPS  10
#define LAB_EMBED_MANIFOLD_GRID  15

typedef enum
{
  LAB_EMBED_PCA,
  LAB_EMBED_TSNE,
  LAB_EMBED_LATENT,
  LAB_EMBED_UMAP,
} LabEmbedMethod;

/* "pca", "tsne", "latent", "umap". */
const char *lab_embed_method_name  (LabEmbedMethod   method);
/* What the user reads: "PCA", "t-SNE", "Raw latent", marked with N_() for
 * the app to translate (_(lab_embed_method_title (m))). */
const char *lab_embed_method_title (LabEmbedMethod   method);
/* Accepts the names above (any case), "t-sne" and "raw". */
gboolean    lab_embed_method_parse (const char      *name,
                                    LabEmbedMethod  *method,
                                    GError         **error);
/* TRUE for the methods where every point of the plane has a latent
 * (PCA, LATENT): these decode exactly and draw a manifold. */
gboolean    lab_embed_method_is_invertible (LabEmbedMethod method);

typedef struct
{
  LabEmbedMethod method;         /* PCA */
  guint          n;              /* 2000 images, at most LAB_EMBED_MAX_N */
  guint64        seed;           /* 1: which images (a seeded sample) and t-SNE */
  double         perplexity;     /* 30, t-SNE only; must be below n / 3 */
  guint          tsne_iter;      /* 1000 */
  guint          publish_every;  /* 10: t-SNE positions reach the callback this often */
  guint          k;              /* LAB_EMBED_DEFAULT_K: neighbours of a t-SNE decode */
  guint          umap_neighbors; /* 15, UMAP only */
  double         umap_min_dist;  /* 0.1, UMAP only */
  guint          umap_epochs;    /* 0: UMAP's own (500 up to 10,000 points, else 200) */
  guint          n_threads;      /* t-SNE threads; 0 = one per processor (an app
                                  * leaves one to its UI) */
} LabEmbedConfig;

void        lab_embed_config_init  (LabEmbedConfig  *config);

typedef enum
{
  LAB_EMBED_STAGE_ENCODING,      /* fraction of images through the encoder */
  LAB_EMBED_STAGE_REDUCING,      /* fitting the PCA */
  LAB_EMBED_STAGE_OPTIMISING,    /* t-SNE iterations or UMAP epochs; points hold the positions */
} LabEmbedStage;

typedef struct
{
  LabEmbedStage  stage;
  double         fraction;       /* of the whole job, 0..1 */
  guint          iteration;      /* OPTIMISING: 1-based, of n_iter */
  guint          n_iter;
  double         kl;             /* OPTIMISING: KL(P || Q) when computed, else NAN */
  const float   *points;         /* OPTIMISING: (n, 2), valid during the call; else NULL */
  guint          n;
  /* From REDUCING on (NULL while ENCODING), valid during the call: the rows'
   * dataset indices (n) and labels (n, NULL when unlabelled), so a caller
   * can draw the positions before the embedding is returned. */
  const guint   *indices;
  const guint8  *labels;
} LabEmbedProgress;

/* Called on the calling (worker) thread. Return FALSE to stop a t-SNE run
 * early: the embedding then keeps the positions reached. */
typedef gboolean (*LabEmbedFunc) (const LabEmbedProgress *progress,
                                  gpointer                user_data);

/* An embedding; plain data, immutable once computed, so any thread may read
 * it. Row r is the image indices[r] of the dataset. */
typedef struct
{
  LabEmbedConfig config;         /* as run */
  LabEmbedMethod method;
  guint          n;
  guint          dim;            /* D: latent values per image */
  LabShape       latent_shape;   /* before flattening */
  guint          height, width;  /* of a decoded image (the model's output) */
  guint         *indices;        /* (n) dataset indices, ascending */
  guint8        *labels;         /* (n) or NULL for an unlabelled dataset */
  guint          n_classes;
  char         **class_names;    /* (n_classes) NULL-terminated, or NULL */
  float         *latents;        /* (n, D) row-major */
  float         *points;         /* (n, 2) row-major: the plane */
  guint          map_dim;        /* values per image the plane was made from:
                                  * dim, or LAB_EMBED_REDUCED_DIM when t-SNE's
                                  * input went through PCA first */
  LabPca        *pca;            /* PCA: the 2 fitted axes; else NULL */
  double         kl;             /* t-SNE: final KL(P || Q); else NAN */
  gboolean       stopped;        /* t-SNE stopped early by the callback */
  char          *model_name;
  char          *dataset_name;
} LabEmbedding;

void          lab_embedding_free     (LabEmbedding        *self);

/* Checks that model can go both ways between images and latents:
 * an encoder/decoder split whose decoder makes images (not a classifier's
 * scores), and, when dataset is not NULL, images of the dataset's size.
 * Errors (LAB_ERROR_INVALID, LAB_ERROR_MISMATCH) say so in words. */
gboolean      lab_embedding_check_model (LabModel         *model,
                                         LabDataset       *dataset,
                                         GError          **error);

/* Checks that model has an encoder whose output can be read as a latent
 * (an encoder/decoder split; a classifier's convolutional part counts),
 * and, when dataset is not NULL, that it takes the dataset's images.
 * What encoding needs; lab_embedding_check_model adds the decoder. */
gboolean      lab_embedding_check_encoder (LabModel       *model,
                                           LabDataset     *dataset,
                                           GError        **error);

/* The latent size D of model (the encoder's output, flattened). */
guint         lab_embedding_latent_dim  (LabModel         *model);

/* Encodes the images at indices[0..n) of dataset: latents (n, D); needs
 * only an encoder (lab_embedding_check_encoder), so a classifier's first
 * layers encode too.
 * model's batch grows as needed (its weights are untouched). progress
 * (fraction of images, may be NULL) is called between batches;
 * cancellable is checked there too. */
gboolean      lab_embedding_encode   (LabModel            *model,
                                      LabDataset          *dataset,
                                      const guint         *indices,
                                      guint                n,
                                      float               *latents,
                                      GCancellable        *cancellable,
                                      LabProgressFunc      progress,
                                      gpointer             user_data,
                                      GError             **error);

/* Picks config->n images of dataset (a seeded sample without repeats,
 * ascending; all of them, in order, when n equals the dataset's size),
 * encodes them with model and maps the latents to the plane. Errors
 * (LAB_ERROR): INVALID for a model without an encoder/decoder split, a
 * classifier, n of 0 or above LAB_EMBED_MAX_N or the dataset's size, a
 * perplexity not below n / 3, LATENT on a latent that is not 2-D;
 * MISMATCH when the dataset's images do not fit the model; CANCELLED. */
LabEmbedding *lab_embedding_compute  (LabModel            *model,
                                      LabDataset          *dataset,
                                      const LabEmbedConfig *config,
                                      LabEmbedFunc         callback,
                                      gpointer             user_data,
                                      GCancellable        *cancellable,
                                      GError             **error);

/* The k rows nearest to (x, y) in the plane, nearest first: rows (k) and
 * their distances (k, may be NULL). Returns how many were written
 * (min (k, n)). */
guint         lab_embedding_nearest  (const LabEmbedding  *self,
                                      double               x,
                                      double               y,
                                      guint                k,
                                      guint               *rows,
                                      double              *distances);

/* The latent (D) of a location of the plane.
 *   PCA:    mean + (x, y) · components (the point's place in latent space).
 *   LATENT: (x, y).
 *   TSNE:   the latents of the k (self->config.k) nearest rows mixed with
 *           weights 1 / d² (normalised to sum 1); a location ON a row
 *           (d = 0) gives exactly that row's latent.
 * rows and weights (LAB_EMBED_MAX_K each, may be NULL) receive the mixed
 * rows and their weights; *n_rows (may be NULL) how many (0 for PCA and
 * LATENT). */
void          lab_embedding_latent_at (const LabEmbedding *self,
                                       double              x,
                                       double              y,
                                       float              *latent,
                                       guint              *rows,
                                       float              *weights,
                                       guint              *n_rows);

/* The most common label among the k rows nearest to (x, y): the label a
 * sample decoded there most likely shows. -1 without labels. */
int           lab_embedding_majority_label (const LabEmbedding *self,
                                            double              x,
                                            double              y,
                                            guint               k);

/* A latent point typed by a user ("0.5, -1.2 3": commas and/or white space
 * between the values) as floats; *n receives how many. Every value must be
 * a finite number that fits a float. Free with g_free. */
float        *lab_embedding_parse_latent (const char      *text,
                                          guint           *n,
                                          GError         **error);

/* Decodes latents (n, D) with model's decoder half: images (n, height *
 * width) in [0, 1] as the model makes them. Fails (LAB_ERROR_MISMATCH) when
 * D is not the model's latent size, naming the size it expects. */
gboolean      lab_embedding_decode   (LabModel            *model,
                                      const float         *latents,
                                      guint                n,
                                      guint                dim,
                                      float               *images,
                                      GError             **error);

/* Latents (steps, D) on the straight line from `from` to `to` (D each),
 * endpoints included (step i at t = i / (steps - 1)), and, when images is
 * not NULL, their decodes (steps, height * width). steps >= 2. */
gboolean      lab_embedding_interpolate (LabModel          *model,
                                         const float       *from,
                                         const float       *to,
                                         guint              dim,
                                         guint              steps,
                                         float             *latents,
                                         float             *images,
                                         GError           **error);

/* The part of the plane a manifold grid spans by default: the 1st to 99th
 * percentile of the points on each axis. For the raw 2-D latent of a VAE
 * whose points follow its N(0, 1) prior (80% of them inside the box),
 * normal quantiles 0.05 to 0.95 on both axes, as the Keras VAE example. */
void          lab_embedding_manifold_range (const LabEmbedding *self,
                                            LabModel           *model,
                                            double             *x0,
                                            double             *x1,
                                            double             *y0,
                                            double             *y1);

/* Decodes a grid x grid lattice of the plane over [x0, x1] x [y0, y1]
 * (cell centres at the ends included) into one image mosaic
 * (grid * height, grid * width) uint8: x grows to the right and y UPWARDS
 * (the top row is y1), as in the scatter plot. Needs an invertible method
 * (PCA, LATENT), else LAB_ERROR_INVALID. */
gboolean      lab_embedding_manifold (const LabEmbedding  *self,
                                      LabModel            *model,
                                      guint                grid,
                                      double               x0,
                                      double               x1,
                                      double               y0,
                                      double               y1,
                                      guint8              *mosaic,
                                      GError             **error);

/* Writes "x,y,label,index" and one line per row (label empty when
 * unlabelled), atomically. */
gboolean      lab_embedding_save_csv (const LabEmbedding  *self,
                                      const char          *path,
                                      GError             **error);

/* Where the plane came from, for titles: "latent 1,568 values → PCA 50"
 * when the latent was reduced first, else "latent 32 values". */
char         *lab_embedding_describe_input (const LabEmbedding *self);

/* Axis titles for a plot of the plane: "PC 1 (34% of variance)",
 * "t-SNE 1", "z₁". axis is 0 (x) or 1 (y). */
char         *lab_embedding_axis_title (const LabEmbedding *self,
                                        guint               axis);

/* The standard normal quantile (inverse CDF) at p in (0, 1). */
double        lab_normal_quantile    (double               p);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabEmbedding, lab_embedding_free)

G_END_DECLS
