#pragma once

#include <gtk/gtk.h>

#include "lab-noise-sweep.h"
#include "lab-page.h"

G_BEGIN_DECLS

/* The Denoise page: the session's model on 16 test images, noisy |
 * denoised | clean with each image's PSNR and MSE, following the noise
 * slider as it is dragged; and the test loss and PSNR over 21 noise levels
 * (1,000 test images, computed on a worker) with a marker at the level the
 * model was trained with. Works while training runs, on the latest weights
 * the Train page published.
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
 * Actions (page.*, and win.* through the window, see lab-page.h):
 *   noise-level (double state, 0..1: the "noise-level" property)   the slider
 *   noise-type  (string state: the "noise-type" property)          "gaussian",
 *                                          "salt-pepper", "mask", "downsample"
 *   reshuffle                              other test images
 *   sweep-noise                            recompute the loss-vs-noise curves */
#define LAB_TYPE_DENOISE_PAGE (lab_denoise_page_get_type ())
G_DECLARE_FINAL_TYPE (LabDenoisePage, lab_denoise_page, LAB, DENOISE_PAGE, LabPage)

#define LAB_DENOISE_IMAGES      16
/* Half a frame: the pass and painting it (~3-5 ms with Cairo) fit in one
 * 16.7 ms frame, and the main loop is never held near the 16 ms limit. */
#define LAB_DENOISE_INLINE_MS   8.0
#define LAB_DENOISE_SWEEP_LEVELS LAB_NOISE_SWEEP_DEFAULT_LEVELS
#define LAB_DENOISE_SWEEP_IMAGES LAB_NOISE_SWEEP_DEFAULT_IMAGES

GtkWidget  *lab_denoise_page_new         (void);

G_END_DECLS
