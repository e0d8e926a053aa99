#define G_LOG_DOMAIN "latentlab"


#include "lab-job.h"
#include "lab-outliers-run.h"

/* What the worker owns. */
typedef struct
{
  LabModel       *model;     /* a copy: the map's weights */
  LabDataset     *dataset;
  guint          *indices;   /* (n) */
  guint           n;
  LabReconMetric  metric;
} OutliersRequest;

struct _LabOutliersRun
{
  LabRun parent_instance;
};

G_DEFINE_FINAL_TYPE (LabOutliersRun, lab_outliers_run, LAB_TYPE_RUN)

static void
outliers_request_free (gpointer data)
{
  OutliersRequest *req = data;

  g_clear_pointer (&req->model, lab_model_free);
  g_clear_pointer (&req->dataset, lab_dataset_unref);
  g_free (req->indices);
  g_free (req);
}

static void
outliers_result_free (gpointer data)
{
  LabOutliersResult *res = data;

  g_free (res->errors);
  g_free (res->top);
  g_free (res->recon);
  g_free (res);
}

/* Worker thread. */
static gpointer
outliers_worker (LabJob        *job,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  OutliersRequest *req = data;
  LabOutliersResult *res = g_new0 (LabOutliersResult, 1);
  g_autofree guint *top_indices = NULL;

  res->n = req->n;
  res->metric = req->metric;
  res->height = req->dataset->height;
  res->width = req->dataset->width;
  res->errors = g_new (float, MAX (req->n, 1u));
  res->top = g_new (guint, LAB_OUTLIERS_RUN_TOP);
  if (!lab_outliers_errors (req->model, req->dataset, req->indices, req->n, req->metric, res->errors,
                            cancellable, lab_job_progress_func, job, error))
    {
      outliers_result_free (res);
      return NULL;
    }
  res->n_top = lab_outliers_top (res->errors, req->n, LAB_OUTLIERS_RUN_TOP, res->top);
  top_indices = g_new (guint, MAX (res->n_top, 1u));
  for (guint i = 0; i < res->n_top; i++)
    top_indices[i] = req->indices[res->top[i]];
  res->recon = g_new (float, (gsize) MAX (res->n_top, 1u) * res->height * res->width);
  if (!lab_outliers_reconstruct (req->model, req->dataset, top_indices, res->n_top, res->recon, error))
    {
      outliers_result_free (res);
      return NULL;
    }
  return res;
}

static void
outliers_progress (gpointer    owner,
                   LabJob     *job,
                   double      fraction,
                   const char *text,
                   gpointer    payload)
{
  lab_run_emit_progress (LAB_RUN (owner), fraction, text);
}

static void
outliers_done (gpointer      owner,
               LabJob       *job,
               gpointer      result,
               const GError *error)
{
  lab_run_emit_done (LAB_RUN (owner), result, result == NULL ? error : NULL);
  if (result != NULL)
    outliers_result_free (result);
}

void
lab_outliers_run_start (LabOutliersRun *self,
                        LabModel       *model,
                        LabDataset     *dataset,
                        const guint    *indices,
                        guint           n,
                        LabReconMetric  metric)
{
  g_autoptr(LabJob) job = NULL;
  OutliersRequest *req;

  g_return_if_fail (LAB_IS_OUTLIERS_RUN (self));

  req = g_new0 (OutliersRequest, 1);
  req->model = lab_model_copy (model, 0);
  req->dataset = lab_dataset_ref (dataset);
  req->indices = g_memdup2 (indices, (gsize) MAX (n, 1u) * sizeof (guint));
  req->n = n;
  req->metric = metric;

  job = lab_run_new_job (LAB_RUN (self), outliers_worker, req, outliers_request_free);
  lab_job_set_result_free_func (job, outliers_result_free);
  lab_job_set_progress_func (job, outliers_progress);
  lab_job_set_done_func (job, outliers_done);
  lab_job_start (job);
}

void
lab_outliers_run_cancel (LabOutliersRun *self)
{
  g_return_if_fail (LAB_IS_OUTLIERS_RUN (self));

  lab_run_cancel (LAB_RUN (self));
}

gboolean
lab_outliers_run_is_running (LabOutliersRun *self)
{
  g_return_val_if_fail (LAB_IS_OUTLIERS_RUN (self), FALSE);

  return lab_run_is_running (LAB_RUN (self));
}

LabOutliersRun *
lab_outliers_run_new (void)
{
  return g_object_new (LAB_TYPE_OUTLIERS_RUN, NULL);
}

static void
lab_outliers_run_class_init (LabOutliersRunClass *klass)
{
}

static void
lab_outliers_run_init (LabOutliersRun *self)
{
}
