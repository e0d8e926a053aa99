#pragma once

#include <gtk/gtk.h>

#include "lab-noise-sweep.h"
#include "lab-plot-view.h"

G_BEGIN_DECLS

/* The sweep plot, beside the Denoise page's grid: the test loss and the PSNR
 * (denoised, and of the noisy input) over LAB_SWEEP_PLOT_LEVELS noise levels
 * of one type on up to LAB_SWEEP_PLOT_IMAGES test images, with markers at
 * the level the model was trained with and the slider's. The curves come
 * from lab_noise_sweep_run on a worker and grow level by level; the ↻
 * button is page.sweep-noise. When to sweep is the page's choice. */
#define LAB_TYPE_SWEEP_PLOT (lab_sweep_plot_get_type ())
G_DECLARE_FINAL_TYPE (LabSweepPlot, lab_sweep_plot, LAB, SWEEP_PLOT, GtkWidget)

#define LAB_SWEEP_PLOT_LEVELS LAB_NOISE_SWEEP_DEFAULT_LEVELS
#define LAB_SWEEP_PLOT_IMAGES LAB_NOISE_SWEEP_DEFAULT_IMAGES
/* The series of the two plots (tests read them). */
#define LAB_SWEEP_PLOT_SERIES_DENOISED 0
#define LAB_SWEEP_PLOT_SERIES_NOISY    1

/* Sweeps noise type on a copy of model over dataset's first images; serial
 * says which weights. FALSE (and nothing starts) when the model makes no
 * images of the dataset's kind. */
gboolean     lab_sweep_plot_start          (LabSweepPlot   *self,
                                            LabModel       *model,
                                            LabDataset     *dataset,
                                            LabNoiseType    type,
                                            guint64         serial);
/* Drops a running sweep and empties the curves under title. */
void         lab_sweep_plot_reset          (LabSweepPlot   *self,
                                            const char     *title);
/* The line above the curves. */
void         lab_sweep_plot_set_title      (LabSweepPlot   *self,
                                            const char     *title);
/* The markers: trained (NULL: unknown) and the slider's noise now. */
void         lab_sweep_plot_set_markers    (LabSweepPlot   *self,
                                            const LabNoise *trained,
                                            const LabNoise *now);
gboolean     lab_sweep_plot_is_running     (LabSweepPlot   *self);
/* The weights serial of the curves shown, 0 before a sweep finished. */
guint64      lab_sweep_plot_get_serial     (LabSweepPlot   *self);
/* Levels of the last finished sweep (0 before one). */
guint        lab_sweep_plot_get_n_levels   (LabSweepPlot   *self);
LabPlotView *lab_sweep_plot_get_loss_plot  (LabSweepPlot   *self);
LabPlotView *lab_sweep_plot_get_psnr_plot  (LabSweepPlot   *self);

G_END_DECLS
