#pragma once

#include "lab-denoise-grid.h"
#include "lab-denoise-page.h"
#include "lab-sweep-plot.h"

G_BEGIN_DECLS

/* For tests: the page's sections and its slider. */
LabDenoiseGrid *lab_denoise_page_get_denoise_grid (LabDenoisePage *self);
LabSweepPlot   *lab_denoise_page_get_sweep_plot   (LabDenoisePage *self);
GtkRange       *lab_denoise_page_get_noise_scale  (LabDenoisePage *self);
/* The line under the means: the model and what it was trained with. */
const char     *lab_denoise_page_get_model_text   (LabDenoisePage *self);

G_END_DECLS
