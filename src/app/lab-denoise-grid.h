#pragma once

#include <gtk/gtk.h>

#include "lab-recon-batch.h"
#include "lab-recon-grid.h"
#include "lab-session.h"

G_BEGIN_DECLS

/* The Denoise page's slider grid: the session's model on 16 test images,
 * noisy | denoised | clean with each image's PSNR and MSE, following the
 * noise slider as it is dragged. It works while training runs, on the
 * latest weights the Train page published.
 *
 * The 16-image pass runs on the main thread while it takes at most
 * LAB_DENOISE_INLINE_MS (each pass is timed), so its images are in the same
 * frame as the slider's knob; else on a worker with at most one pass in
 * flight and the latest slider value next, and a pass on the worker that is
 * well under the limit brings the next ones back. A worker's result comes
 * one frame late: GDK starts the frame for the knob at once and the next one
 * no sooner than a refresh interval (16.7 ms) later. While training runs the
 * passes always use the worker (the trainer's threads take the cores); when
 * it ends the main thread gets a new try. dae-keras32 takes 3-6 ms on 2
 * cores when idle (less with OpenBLAS' AVX-512 kernels).
 *
 * The page binds its "session" property to the grid's, and tells it what
 * changed (the model, training, the noise).
 *
 * Signals:
 *   pass-shown (LabReconBatch *batch, double level)   new images are shown
 *   problem (const char *why)   after each request: why nothing can be shown
 *                               (no model, a classifier, ...), or NULL */
#define LAB_TYPE_DENOISE_GRID (lab_denoise_grid_get_type ())
G_DECLARE_FINAL_TYPE (LabDenoiseGrid, lab_denoise_grid, LAB, DENOISE_GRID, GtkWidget)

#define LAB_DENOISE_IMAGES      16
/* Half a frame: the pass and painting it (~3-5 ms with Cairo) fit in one
 * 16.7 ms frame, and the main loop is never held near the 16 ms limit. */
#define LAB_DENOISE_INLINE_MS   8.0

/* Shows the images at noise (level: the slider's value, shown for a
 * downsample too), on the main thread or a worker as above. */
void                 lab_denoise_grid_request         (LabDenoiseGrid *self,
                                                       const LabNoise *noise,
                                                       double          level);
/* The session's model changed: its copy and the timing start over. */
void                 lab_denoise_grid_model_changed   (LabDenoiseGrid *self);
/* Training started or ended: without it the main thread gets a new try. */
void                 lab_denoise_grid_training_changed (LabDenoiseGrid *self);
/* Picks the test images: one of each class first, or at random. */
void                 lab_denoise_grid_pick_images     (LabDenoiseGrid *self,
                                                       gboolean        shuffle);

/* Shows these test images (a saved session's), when each is one of the
 * test dataset's; FALSE changes nothing. */
gboolean             lab_denoise_grid_set_images      (LabDenoiseGrid *self,
                                                       const guint    *indices,
                                                       guint           n);
/* The test images shown (*n of them, 0 before a dataset). */
const guint         *lab_denoise_grid_get_images      (LabDenoiseGrid *self,
                                                       guint          *n);

/* "Gaussian", "Salt & pepper", ... translated. */
const char          *lab_denoise_noise_title          (LabNoiseType    type);
LabReconGrid        *lab_denoise_grid_get_grid        (LabDenoiseGrid *self);
/* What the grid shows and the noise level it was computed for. */
const LabReconBatch *lab_denoise_grid_get_shown       (LabDenoiseGrid *self,
                                                       double         *level);
/* A pass is running or waiting. */
gboolean             lab_denoise_grid_is_busy         (LabDenoiseGrid *self);
/* The time of the last pass (on the main thread or the worker), and
 * whether passes run on a worker because one took too long. */
double               lab_denoise_grid_get_pass_ms     (LabDenoiseGrid *self);
gboolean             lab_denoise_grid_uses_worker     (LabDenoiseGrid *self);
guint                lab_denoise_grid_get_n_passes    (LabDenoiseGrid *self);

G_END_DECLS
