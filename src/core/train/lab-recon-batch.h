#pragma once

#include "lab-dataset.h"
#include "lab-model.h"
#include "lab-noise.h"
#include "lab-task.h"

G_BEGIN_DECLS

/* A few images of a dataset through a model, for display: what the model
 * saw (the noisy input), what it made of it, the clean image, and how close
 * the two are. The Train page's live reconstructions and the Denoise page's
 * grid are both one of these. Plain data: made on any thread, read on the
 * main thread.
 *
 * Each image gets its own noise draw seeded by (seed, index), so moving the
 * noise slider scales one fixed pattern instead of flickering. */
typedef struct
{
  LabTask   task;
  guint     n;
  guint     height, width;    /* of the clean images */
  LabShape  in_shape;         /* model input of one image */
  LabShape  out_shape;        /* model output of one image */
  guint    *indices;          /* (n) dataset indices */
  float    *input;            /* (n, in size): noisy, or noisy and halved (super-resolution) */
  float    *output;           /* (n, out size); class probabilities for a classifier */
  float    *clean;            /* (n, height * width) */
  double   *mse;              /* (n) output against clean; NAN for a classifier */
  double   *psnr;             /* (n) dB */
  double   *noisy_mse;        /* (n) input against clean; NAN when their sizes differ */
  double   *noisy_psnr;       /* (n) */
  double    mean_mse;
  double    mean_psnr;        /* mean of the per-image dB values */
  double    mean_noisy_psnr;
  double    forward_ms;       /* the forward pass alone */
} LabReconBatch;

/* model must not be used by another thread meanwhile; its batch grows to n
 * when smaller. Fails when the model does not fit the dataset's images. */
LabReconBatch *lab_recon_batch_compute (LabModel        *model,
                                        LabDataset      *dataset,
                                        const guint     *indices,
                                        guint            n,
                                        const LabNoise  *noise,
                                        guint64          seed,
                                        GError         **error);
void           lab_recon_batch_free    (LabReconBatch   *self);
/* Whether the model's output is an image to show (not class scores). */
static inline gboolean
lab_recon_batch_has_images (const LabReconBatch *self)
{
  return self->task != LAB_TASK_CLASSIFY;
}

/* Up to n indices of dataset for a grid: one image of each class in class
 * order, then the next of each class again, ...; unlabelled: 0, 1, 2, ...
 * Returns how many were written. */
guint          lab_recon_pick_by_class (LabDataset      *dataset,
                                        guint           *indices,
                                        guint            n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabReconBatch, lab_recon_batch_free)

G_END_DECLS
