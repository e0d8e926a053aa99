#define G_LOG_DOMAIN "latentlab"

/* The Train page's reconstruction strip (noisy | reconstruction | clean,
 * one test image of each class) while no run draws it: the session's
 * model on those images, on a worker, or the noisy and clean images alone
 * before there is a model. Part of LabTrainPage (its struct is in
 * lab-train-page-private.h). */

#include <string.h>

#include "lab-job.h"
#include "lab-rng.h"
#include "lab-task.h"
#include "lab-train-page-private.h"

#define RECON_SLOT "recon"

/* The strip's forward pass on a worker while no training runs. */
typedef struct
{
  LabModel   *model;
  LabDataset *dataset;
  guint       indices[LAB_TRAIN_RUN_STRIP_IMAGES];
  guint       n;
  LabNoise    noise;
} ReconRequest;

/* Picks the strip's images: one of each class from the test images. */
void
lab_train_page_pick_strip_images (LabTrainPage *self)
{
  LabSession *session = lab_page_get_session (LAB_PAGE (self));
  LabDataset *ds = session != NULL ? lab_session_get_test_dataset (session) : NULL;

  g_clear_pointer (&self->recon_ds, lab_dataset_unref);
  self->n_recon = 0;
  if (ds == NULL)
    return;
  self->recon_ds = lab_dataset_ref (ds);
  self->n_recon = lab_recon_pick_by_class (ds, self->recon_indices, LAB_TRAIN_RUN_STRIP_IMAGES);
}

static void
recon_request_free (gpointer data)
{
  ReconRequest *req = data;

  lab_model_free (req->model);
  lab_dataset_unref (req->dataset);
  g_free (req);
}

static gpointer
recon_worker (LabJob        *job,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  ReconRequest *req = data;

  return lab_recon_batch_compute (req->model, req->dataset, req->indices, req->n, &req->noise,
                                  LAB_TRAIN_RUN_STRIP_SEED, error);
}

static void
recon_done (gpointer      owner,
            LabJob       *job,
            gpointer      result,
            const GError *error)
{
  LabTrainPage *self = owner;
  g_autoptr(LabReconBatch) batch = result;

  if (batch != NULL && self->run == NULL)
    lab_recon_grid_show_batch (self->recon_grid, batch, FALSE);
}

/* The strip for the session's model, or just the noisy and clean images
 * before there is one. */
void
lab_train_page_refresh_recon (LabTrainPage *self)
{
  LabSession *session = lab_page_get_session (LAB_PAGE (self));
  LabModel *model = session != NULL ? lab_session_get_model (session) : NULL;
  LabNoise noise = lab_train_settings_get_noise (self->train_settings);
  LabTask task;

  lab_job_cancel_slot (self, RECON_SLOT);
  if (self->recon_ds == NULL || self->n_recon == 0)
    {
      for (guint r = 0; r < 3; r++)
        lab_recon_grid_set_row (self->recon_grid, r, NULL, 0, 0, 0);
      return;
    }

  if (model != NULL && lab_task_for (model, self->recon_ds, &task, NULL))
    {
      g_autoptr(LabJob) job = NULL;
      ReconRequest *req = g_new0 (ReconRequest, 1);

      req->model = lab_model_copy (model, self->n_recon);
      req->dataset = lab_dataset_ref (self->recon_ds);
      memcpy (req->indices, self->recon_indices, sizeof req->indices);
      req->n = self->n_recon;
      req->noise = noise;
      job = lab_job_new (self, RECON_SLOT, recon_worker, req, recon_request_free);
      lab_job_set_result_free_func (job, (GDestroyNotify) lab_recon_batch_free);
      lab_job_set_done_func (job, recon_done);
      lab_job_start (job);
      return;
    }

  /* No model (or one that does not fit): noisy and clean, seeded per image
   * as training draws them. */
  {
    LabDataset *ds = self->recon_ds;
    gsize pixels = (gsize) ds->height * ds->width;
    g_autofree float *clean = g_new (float, self->n_recon * pixels);
    g_autofree float *noisy = g_new (float, self->n_recon * pixels);

    lab_dataset_to_float (ds, self->recon_indices, self->n_recon, clean);
    memcpy (noisy, clean, self->n_recon * pixels * sizeof (float));
    for (guint i = 0; i < self->n_recon; i++)
      {
        LabRng rng;

        lab_rng_init (&rng, LAB_TRAIN_RUN_STRIP_SEED ^ ((guint64) self->recon_indices[i] * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)));
        lab_noise_apply (&noise, noisy + i * pixels, 1, ds->height, ds->width, &rng);
      }
    lab_recon_grid_set_row (self->recon_grid, 0, noisy, self->n_recon, ds->height, ds->width);
    lab_recon_grid_set_row (self->recon_grid, 1, NULL, 0, 0, 0);
    lab_recon_grid_set_row (self->recon_grid, 2, clean, self->n_recon, ds->height, ds->width);
  }
}

void
lab_train_page_cancel_strip (LabTrainPage *self)
{
  lab_job_cancel_slot (self, RECON_SLOT);
}
