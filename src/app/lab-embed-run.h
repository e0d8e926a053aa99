#pragma once

#include <glib-object.h>

#include "lab-embedding.h"
#include "lab-run.h"

G_BEGIN_DECLS

/* The embed run (a LabRun): the Latent page's lab_embedding_compute on a
 * worker, one at a time (a new start supersedes the running one), with its
 * progress and t-SNE's moving points brought back to the main thread.
 *
 * Signals, on the main thread (and LabRun's progress):
 *   frame (const LabEmbedFrame *frame)              t-SNE's positions so far
 *   done (LabEmbedRunResult *result, const GError *error)
 *       either result (its embedding and decoder may be stolen; what is
 *       left is freed after the emission) or error */
#define LAB_TYPE_EMBED_RUN (lab_embed_run_get_type ())
G_DECLARE_FINAL_TYPE (LabEmbedRun, lab_embed_run, LAB, EMBED_RUN, LabRun)

/* Borrowed for the emission. */
typedef struct
{
  guint         n;
  const float  *points;     /* (n, 2) */
  const guint  *indices;    /* (n) into dataset */
  const guint8 *labels;     /* (n) or NULL */
  LabDataset   *dataset;
  LabEmbedMethod method;    /* TSNE or UMAP */
} LabEmbedFrame;

typedef struct
{
  LabEmbedding  *embedding;
  LabModel      *decoder;   /* the weights the embedding was computed with */
  LabDataset    *dataset;   /* borrowed: what embedding->indices index */
  LabEmbedMethod method;
  guint64        serial;    /* as given to start */
  guint64        step;
} LabEmbedRunResult;

LabEmbedRun *lab_embed_run_new        (void);
/* Encodes and maps dataset through a copy of model (taken now, so training
 * may go on) with config; serial and step say which weights it was. With
 * more (may be NULL: the test set after a training set), the worker joins
 * the two (lab_dataset_join_splits) and maps that; frames and the result
 * carry the joined set. */
void         lab_embed_run_start      (LabEmbedRun          *self,
                                       LabModel             *model,
                                       LabDataset           *dataset,
                                       LabDataset           *more,
                                       const LabEmbedConfig *config,
                                       guint64               serial,
                                       guint64               step);
/* Drops the running job: no more signals from it. */
void         lab_embed_run_cancel     (LabEmbedRun          *self);
gboolean     lab_embed_run_is_running (LabEmbedRun          *self);

G_END_DECLS
