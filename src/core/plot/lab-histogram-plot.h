#pragma once

#include <cairo.h>
#include <glib.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* A histogram of values drawn with Cairo (the reconstruction errors of
 * the Latent page's outliers view): equal bins from the smallest value to
 * the largest, a threshold line the app lets the teacher drag, the bars
 * above it in a warning colour, and a note (the count above) in the top
 * corner. The app draws it in a widget's snapshot and maps the pointer to
 * a value with it; an export draws the same object into a file. Pixel
 * coordinates are those of the last draw (or set_size), device pixels. */
typedef struct _LabHistogramPlot LabHistogramPlot;

LabHistogramPlot *lab_histogram_plot_new           (void);
void              lab_histogram_plot_free          (LabHistogramPlot *self);
void              lab_histogram_plot_set_labels    (LabHistogramPlot *self,
                                                    const char       *x_label,
                                                    const char       *y_label);
/* Text and lines scale times larger (presentation mode). Default 1. */
void              lab_histogram_plot_set_scale     (LabHistogramPlot *self,
                                                    double            scale);
/* values (n, copied; non-finite ones are left out) in n_bins bins. */
void              lab_histogram_plot_set_values    (LabHistogramPlot *self,
                                                    const float      *values,
                                                    guint             n,
                                                    guint             n_bins);
guint             lab_histogram_plot_get_n_values  (LabHistogramPlot *self);
/* The x axis: the smallest and largest value (0, 1 without values). */
void              lab_histogram_plot_get_range     (LabHistogramPlot *self,
                                                    double           *lo,
                                                    double           *hi);
guint             lab_histogram_plot_get_n_bins    (LabHistogramPlot *self);
/* The axis titles (NULL: none). */
const char       *lab_histogram_plot_get_x_label   (LabHistogramPlot *self);
/* Bin i's count; 0 out of range. */
guint             lab_histogram_plot_get_bin       (LabHistogramPlot *self,
                                                    guint             i);
/* NAN: no threshold line. */
void              lab_histogram_plot_set_threshold (LabHistogramPlot *self,
                                                    double            threshold);
double            lab_histogram_plot_get_threshold (LabHistogramPlot *self);
/* A line in the top right corner of the bars (NULL: none). */
void              lab_histogram_plot_set_note      (LabHistogramPlot *self,
                                                    const char       *note);
const char       *lab_histogram_plot_get_note      (LabHistogramPlot *self);
void              lab_histogram_plot_set_size      (LabHistogramPlot *self,
                                                    double            width,
                                                    double            height);
/* Whether pixel (px, py) is over the bars' area (a little beyond its
 * sides, so the ends can be grabbed). */
gboolean          lab_histogram_plot_in_area       (LabHistogramPlot *self,
                                                    double            px,
                                                    double            py);
/* The value at pixel column px (clamped to the range), and back. */
double            lab_histogram_plot_to_value      (LabHistogramPlot *self,
                                                    double            px);
double            lab_histogram_plot_to_pixel      (LabHistogramPlot *self,
                                                    double            value);
void              lab_histogram_plot_draw          (LabHistogramPlot *self,
                                                    cairo_t          *cr,
                                                    double            width,
                                                    double            height);
/* lab_histogram_plot_draw as a LabFigureDrawFunc (lab-figure.h). */
void              lab_histogram_plot_draw_figure   (gpointer          plot,
                                                    cairo_t          *cr,
                                                    double            width,
                                                    double            height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabHistogramPlot, lab_histogram_plot_free)

G_END_DECLS
