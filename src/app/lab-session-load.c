#define G_LOG_DOMAIN "latentlab"

#include "lab-session-load.h"

#include "lab-dataset-open.h"
#include "lab-job.h"

#define SPLIT_SLOT "other-split"

typedef struct
{
  char     *spec;
  LabSplit  split;
} SplitRequest;

static void
split_request_free (gpointer data)
{
  SplitRequest *req = data;

  g_free (req->spec);
  g_free (req);
}

/* Worker thread. */
static gpointer
load_split_worker (LabJob        *job,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  SplitRequest *req = data;

  return lab_dataset_open (req->spec, req->split, cancellable, NULL, NULL, error);
}

static void
load_split_done (gpointer      owner,
                 LabJob       *job,
                 gpointer      result,
                 const GError *error)
{
  g_autoptr(LabDataset) other = result;

  lab_session_add_other_split (LAB_SESSION (owner), other, error);
}

void
lab_session_load_dataset (LabSession *session,
                          LabDataset *dataset,
                          const char *spec,
                          LabSplit    split)
{
  g_autoptr(LabJob) job = NULL;
  SplitRequest *req;
  LabSplit other;

  g_return_if_fail (LAB_IS_SESSION (session));

  lab_job_cancel_slot (session, SPLIT_SLOT);
  if (!lab_session_set_dataset (session, dataset, spec, split, &other))
    return;

  req = g_new0 (SplitRequest, 1);
  req->spec = g_strdup (spec);
  req->split = other;
  job = lab_job_new (session, SPLIT_SLOT, load_split_worker, req, split_request_free);
  lab_job_set_result_free_func (job, (GDestroyNotify) lab_dataset_unref);
  lab_job_set_done_func (job, load_split_done);
  lab_job_start (job);
}
