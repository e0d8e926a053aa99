#pragma once

#include <glib.h>

#include "lab-confusion-plot.h"
#include "lab-histogram-plot.h"
#include "lab-image-grid.h"
#include "lab-line-plot.h"
#include "lab-scatter-plot.h"

G_BEGIN_DECLS

/* Figures said in words, from their data, for those who cannot see them
 * (a screen reader reads a widget's accessible description) and for a
 * figure's caption. Each returns one or two plain sentences, translated,
 * with numbers in the calling thread's LC_NUMERIC (lab-format.h: the
 * window's thread writes "0,71" in French). Free with g_free(). */

/* What the plot is: its title, else "loss against epoch" from its axes. */
char *lab_line_plot_describe_name   (LabLinePlot        *self);
/* One sentence per series: "Validation loss falls from 0.71 to 0.10
 * between epoch 1 and 5, lowest 0.09 at epoch 4." (rises, falls, or stays
 * at about a value; the lowest or highest point where it lies between
 * the ends). */
char *lab_line_plot_describe        (LabLinePlot        *self);
/* "t-SNE map: 5,000 points in 10 classes." with the hidden classes, and
 * the values points are coloured by, when they are; name (NULL: the
 * plot's title, else "Scatter plot") says what the plot is. */
char *lab_scatter_plot_describe     (LabScatterPlot     *self,
                                     const char         *name);
/* "98.3% of 10,000 images classified right; most often confused: 4 taken
 * for 9, 12 times." */
char *lab_confusion_plot_describe   (LabConfusionPlot   *self);
/* values (n) in [0, 1] as lab_class_bars_draw takes them, NAN for none:
 * "Recall per class: from 95.1% (8) to 99.6% (1)." */
char *lab_class_bars_describe       (const char         *title,
                                     const double       *values,
                                     guint               n,
                                     const char * const *names);
/* "MSE of 1,000 images, from 0.010 to 0.090, most between 0.020 and
 * 0.030; 12 above the threshold 0.060." */
char *lab_histogram_plot_describe   (LabHistogramPlot   *self);
/* "16 images in each of 3 rows: noisy input, denoised, clean." */
char *lab_image_grid_describe       (LabImageGrid       *self);
/* How good reconstructions are: "Mean PSNR 21.3 dB (noisy input 14.2
 * dB)."; NAN leaves a value out; NULL when both are. */
char *lab_psnr_describe             (double              output_db,
                                     double              input_db);

G_END_DECLS
