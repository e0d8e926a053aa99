#pragma once

#include "lab-dataset.h"
#include "lab-model.h"
#include "lab-noise.h"
#include "lab-rng.h"

G_BEGIN_DECLS

/* What a model learns from a dataset's images, decided by its shapes and
 * loss. The trainer, the evaluation and the CLI prepare batches the same way:
 *   RECONSTRUCT    input = noise(x), target = x             (input, output H x W)
 *   SUPER_RESOLVE  input = 2x2 area average of noise(x),    (input H/2 x W/2,
 *                  target = x                                output H x W: sr-ae)
 *   CLASSIFY       input = noise(x), target = one-hot label (softmax_ce) */
typedef enum
{
  LAB_TASK_RECONSTRUCT,
  LAB_TASK_SUPER_RESOLVE,
  LAB_TASK_CLASSIFY,
} LabTask;

const char *lab_task_name          (LabTask        task);
/* The task, or an error saying in words why the model and the images do
 * not fit ("cae-tiny expects 28×28 images, but “faces” has 32×32"). */
gboolean    lab_task_for           (LabModel      *model,
                                    LabDataset    *dataset,
                                    LabTask       *task,
                                    GError       **error);
/* The same for bare images of height x width (the CLI's denoise). */
gboolean    lab_task_for_size      (LabModel      *model,
                                    guint          height,
                                    guint          width,
                                    LabTask       *task,
                                    GError       **error);

/* Fills input (n, model input size), target (n, model output size) and
 * clean (n, height * width) for the images at indices[0..n).
 * Noise comes from rng when it is not NULL (training: a fresh draw per
 * batch); with rng NULL each image i gets its own draw seeded by
 * (seed, indices[i]), so evaluation sees the same noisy images whatever
 * the batch size. */
void        lab_task_prepare_batch (LabTask         task,
                                    LabModel       *model,
                                    LabDataset     *dataset,
                                    const guint    *indices,
                                    guint           n,
                                    const LabNoise *noise,
                                    LabRng         *rng,
                                    guint64         seed,
                                    float          *input,
                                    float          *target,
                                    float          *clean);
/* The model input for already noisy images x (n, height, width) of this
 * task: a copy, or the 2x2 area average for super-resolution. */
void        lab_task_make_input    (LabTask         task,
                                    const float    *x,
                                    guint           n,
                                    guint           height,
                                    guint           width,
                                    float          *input);

G_END_DECLS
