#pragma once

#include "lab-denoise-page.h"
#include "lab-plot-view.h"
#include "lab-recon-batch.h"
#include "lab-recon-grid.h"

G_BEGIN_DECLS

/* For tests. */
#define LAB_DENOISE_SERIES_DENOISED 0
#define LAB_DENOISE_SERIES_NOISY    1

LabReconGrid        *lab_denoise_page_get_grid        (LabDenoisePage *self);
GtkRange            *lab_denoise_page_get_noise_scale (LabDenoisePage *self);
/* What the grid shows and the noise level it was computed for. */
const LabReconBatch *lab_denoise_page_get_shown       (LabDenoisePage *self,
                                                       double         *level);
/* A pass is running or waiting. */
gboolean             lab_denoise_page_is_busy         (LabDenoisePage *self);
/* The time of the last 16-image pass (on the main thread or the worker),
 * and whether passes run on a worker because one took too long. */
double               lab_denoise_page_get_pass_ms     (LabDenoisePage *self);
gboolean             lab_denoise_page_uses_worker     (LabDenoisePage *self);
gboolean             lab_denoise_page_is_sweeping     (LabDenoisePage *self);
/* Levels of the last finished sweep (0 before one). */
guint                lab_denoise_page_get_sweep_levels (LabDenoisePage *self);
LabPlotView         *lab_denoise_page_get_loss_plot   (LabDenoisePage *self);
LabPlotView         *lab_denoise_page_get_psnr_plot   (LabDenoisePage *self);
guint                lab_denoise_page_get_n_passes    (LabDenoisePage *self);

G_END_DECLS
