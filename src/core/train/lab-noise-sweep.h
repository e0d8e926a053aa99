#pragma once

#include <gio/gio.h>

#include "lab-dataset.h"
#include "lab-model.h"
#include "lab-noise.h"

G_BEGIN_DECLS

/* The loss-vs-noise sweep: how a denoiser copes as its input gets noisier.
 * One noise type at n_levels amounts spread evenly over [0, 1]; at each the
 * first n_images test images go through the model (lab_evaluate, each image
 * with its own fixed draw from (seed, index)), and the PSNR of the noisy
 * inputs themselves is measured as the line the model has to beat. The
 * Denoise page draws it beside the slider; `latentlab-cli sweep` prints it. */

#define LAB_NOISE_SWEEP_DEFAULT_LEVELS 21
#define LAB_NOISE_SWEEP_MAX_LEVELS     101
#define LAB_NOISE_SWEEP_DEFAULT_IMAGES 1000
#define LAB_NOISE_SWEEP_DEFAULT_SEED   G_GUINT64_CONSTANT (0x5ee9)

typedef struct
{
  LabNoiseType type;
  guint        n_levels;   /* 2..LAB_NOISE_SWEEP_MAX_LEVELS */
  guint        n_images;   /* the first n images of the dataset; 0: all */
  guint64      seed;
} LabNoiseSweepConfig;

/* One noise level. */
typedef struct
{
  double level;       /* the noise amount, i / (n_levels - 1) as a float */
  double loss;        /* the model's own loss against the clean images */
  double psnr;        /* mean per-image PSNR of the outputs, dB */
  double noisy_psnr;  /* the same of the noisy inputs; NAN when the input is not
                       * an image of the clean size (super-resolution) */
} LabNoiseSweepPoint;

/* Called on the calling (worker) thread after each level: points[0..n_done)
 * are final. */
typedef void (*LabNoiseSweepFunc) (const LabNoiseSweepPoint *points,
                                   guint                     n_done,
                                   guint                     n_levels,
                                   gpointer                  user_data);

/* Gaussian, 21 levels, 1,000 images, the default seed: the Denoise page's curves. */
void     lab_noise_sweep_config_init (LabNoiseSweepConfig       *config);
/* Fills points[0..config->n_levels). A type without an amount (downsample,
 * none) gives the same numbers at every level: it is measured once. Synchronous; uses the model's batch (or
 * sets one, see lab_evaluate), so the caller owns the model for the call.
 * Fails for a classifier, a model that does not fit the dataset, a level
 * count out of range, or with LAB_ERROR_CANCELLED when cancellable fires
 * (checked between batches); points are then partly filled. */
gboolean lab_noise_sweep_run         (LabModel                  *model,
                                      LabDataset                *dataset,
                                      const LabNoiseSweepConfig *config,
                                      LabNoiseSweepPoint        *points,
                                      LabNoiseSweepFunc          progress,
                                      gpointer                   user_data,
                                      GCancellable              *cancellable,
                                      GError                   **error);

G_END_DECLS
