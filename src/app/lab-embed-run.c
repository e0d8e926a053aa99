#define G_LOG_DOMAIN "latentlab"

#include <glib/gi18n.h>

#include "lab-dataset-open.h"
#include "lab-embed-run.h"
#include "lab-format.h"
#include "lab-job.h"

/* What the worker owns. */
typedef struct
{
  LabModel       *model;     /* a copy of the session's model: the embedding's weights */
  LabDataset     *dataset;   /* the joined set once the worker has made it */
  LabDataset     *more;      /* to join after dataset, or NULL */
  LabEmbedConfig  config;
  guint64         serial;
  guint64         step;
  LabJob         *job;       /* borrowed, for reports from the worker */
} EmbedRequest;

/* t-SNE positions on their way to the main thread (a job progress payload). */
typedef struct
{
  guint    n;
  float   *points;     /* (n, 2) */
  guint   *indices;    /* (n) */
  guint8  *labels;     /* (n) or NULL */
} EmbedFrame;

struct _LabEmbedRun
{
  LabRun parent_instance;
};

enum {
  FRAME,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabEmbedRun, lab_embed_run, LAB_TYPE_RUN)

static void
embed_request_free (gpointer data)
{
  EmbedRequest *req = data;

  g_clear_pointer (&req->model, lab_model_free);
  g_clear_pointer (&req->dataset, lab_dataset_unref);
  g_clear_pointer (&req->more, lab_dataset_unref);
  g_free (req);
}

static void
embed_frame_free (gpointer data)
{
  EmbedFrame *frame = data;

  g_free (frame->points);
  g_free (frame->indices);
  g_free (frame->labels);
  g_free (frame);
}

static void
embed_result_free (gpointer data)
{
  LabEmbedRunResult *result = data;

  g_clear_pointer (&result->embedding, lab_embedding_free);
  g_clear_pointer (&result->decoder, lab_model_free);
  g_free (result);
}

/* Worker thread. */
static gboolean
embed_progress_worker (const LabEmbedProgress *p,
                       gpointer                data)
{
  EmbedRequest *req = data;
  g_autofree char *text = NULL;
  EmbedFrame *frame = NULL;

  switch (p->stage)
    {
    case LAB_EMBED_STAGE_ENCODING:
      {
        /* The count as the window shows it, from this thread too. */
        g_autofree char *n = lab_format_count_localized (p->n);

        text = g_strdup_printf (_("Encoding %s images…"), n);
      }
      break;
    case LAB_EMBED_STAGE_REDUCING:
      text = g_strdup (_("Finding the two main axes…"));
      break;
    case LAB_EMBED_STAGE_OPTIMISING:
    default:
      if (req->config.method == LAB_EMBED_UMAP)
        text = g_strdup_printf (_("UMAP is arranging the points: epoch %u of %u"), p->iteration, p->n_iter);
      else
        text = g_strdup_printf (_("t-SNE is arranging the points: iteration %u of %u"), p->iteration, p->n_iter);
      break;
    }
  if (p->points != NULL && p->indices != NULL)
    {
      frame = g_new0 (EmbedFrame, 1);
      frame->n = p->n;
      frame->points = g_memdup2 (p->points, (gsize) p->n * 2 * sizeof (float));
      frame->indices = g_memdup2 (p->indices, (gsize) p->n * sizeof (guint));
      frame->labels = p->labels ? g_memdup2 (p->labels, p->n) : NULL;
    }
  lab_job_report (req->job, p->fraction, text, frame, frame ? embed_frame_free : NULL);
  return !g_cancellable_is_cancelled (lab_job_get_cancellable (req->job));
}

/* Worker thread. */
static gpointer
embed_worker (LabJob        *job,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  EmbedRequest *req = data;
  LabEmbedRunResult *result = NULL;
  LabEmbedding *emb;

  req->job = job;
  if (req->more != NULL)
    {
      /* written before the first report, which the main thread reads after */
      LabDataset *both = lab_dataset_join_splits (req->dataset, req->more, error);

      if (both == NULL)
        return NULL;
      lab_dataset_unref (req->dataset);
      req->dataset = both;
    }
  emb = lab_embedding_compute (req->model, req->dataset, &req->config, embed_progress_worker, req,
                               cancellable, error);
  if (emb != NULL)
    {
      result = g_new0 (LabEmbedRunResult, 1);
      result->embedding = emb;
      result->decoder = g_steal_pointer (&req->model);
    }
  return result;
}

static void
embed_progress (gpointer    owner,
                LabJob     *job,
                double      fraction,
                const char *text,
                gpointer    payload)
{
  LabEmbedRun *self = owner;
  EmbedRequest *req = lab_job_get_data (job);
  EmbedFrame *frame = payload;

  lab_run_emit_progress (LAB_RUN (self), fraction, text);
  if (frame != NULL)
    {
      LabEmbedFrame shown = { frame->n, frame->points, frame->indices, frame->labels, req->dataset,
                              req->config.method };

      g_signal_emit (self, signals[FRAME], 0, &shown);
    }
}

static void
embed_done (gpointer      owner,
            LabJob       *job,
            gpointer      result,
            const GError *error)
{
  LabEmbedRun *self = owner;
  EmbedRequest *req = lab_job_get_data (job);
  LabEmbedRunResult *res = result;

  if (res != NULL)
    {
      res->dataset = req->dataset;
      res->method = req->config.method;
      res->serial = req->serial;
      res->step = req->step;
    }
  lab_run_emit_done (LAB_RUN (self), res, res == NULL ? error : NULL);
  if (res != NULL)
    embed_result_free (res);
}

void
lab_embed_run_start (LabEmbedRun          *self,
                     LabModel             *model,
                     LabDataset           *dataset,
                     LabDataset           *more,
                     const LabEmbedConfig *config,
                     guint64               serial,
                     guint64               step)
{
  g_autoptr(LabJob) job = NULL;
  EmbedRequest *req;

  g_return_if_fail (LAB_IS_EMBED_RUN (self));

  req = g_new0 (EmbedRequest, 1);
  req->config = *config;
  /* Weights as they are now; the worker owns the copy. */
  req->model = lab_model_copy (model, 0);
  req->dataset = lab_dataset_ref (dataset);
  req->more = more != NULL ? lab_dataset_ref (more) : NULL;
  req->serial = serial;
  req->step = step;

  job = lab_run_new_job (LAB_RUN (self), embed_worker, req, embed_request_free);
  lab_job_set_result_free_func (job, embed_result_free);
  lab_job_set_progress_func (job, embed_progress);
  lab_job_set_done_func (job, embed_done);
  lab_job_start (job);
}

void
lab_embed_run_cancel (LabEmbedRun *self)
{
  g_return_if_fail (LAB_IS_EMBED_RUN (self));

  lab_run_cancel (LAB_RUN (self));
}

gboolean
lab_embed_run_is_running (LabEmbedRun *self)
{
  g_return_val_if_fail (LAB_IS_EMBED_RUN (self), FALSE);

  return lab_run_is_running (LAB_RUN (self));
}

LabEmbedRun *
lab_embed_run_new (void)
{
  return g_object_new (LAB_TYPE_EMBED_RUN, NULL);
}

static void
lab_embed_run_class_init (LabEmbedRunClass *klass)
{
  signals[FRAME] =
    g_signal_new ("frame",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
lab_embed_run_init (LabEmbedRun *self)
{
}
