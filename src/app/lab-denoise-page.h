#pragma once

#include <gtk/gtk.h>

#include "lab-page.h"

G_BEGIN_DECLS

/* The Denoise page: how well the session's model removes noise, as the
 * slider moves. A layout of its sections: the toolbar (noise type, the
 * slider, new images), the means of the images shown and the model's
 * training noise, the slider grid (lab-denoise-grid.h: 16 test images
 * noisy | denoised | clean, on the main thread or a worker) and the sweep
 * plot (lab-sweep-plot.h: test loss and PSNR over 21 noise levels, with
 * markers at the trained and current levels). The page decides when to
 * sweep: for each new model once training is over, or on request.
 *
 * Actions (page.*, and win.* through the window, see lab-page.h):
 *   noise-level (double state, 0..1: the "noise-level" property)   the slider
 *   noise-type  (string state: the "noise-type" property)          "gaussian",
 *                                          "salt-pepper", "mask", "downsample"
 *   reshuffle                              other test images
 *   sweep-noise                            recompute the loss-vs-noise curves */
#define LAB_TYPE_DENOISE_PAGE (lab_denoise_page_get_type ())
G_DECLARE_FINAL_TYPE (LabDenoisePage, lab_denoise_page, LAB, DENOISE_PAGE, LabPage)

GtkWidget  *lab_denoise_page_new         (void);

G_END_DECLS
