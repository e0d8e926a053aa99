#pragma once

#include <gtk/gtk.h>

#include "lab-histogram-plot.h"

G_BEGIN_DECLS

/* A widget that shows one LabHistogramPlot (the reconstruction errors)
 * and lets the teacher drag its threshold line: a press anywhere over the
 * bars moves the line there, a drag moves it along. Exported as PNG, SVG
 * or PDF from its context menu (lab-widget-figure.h).
 *
 * Signals:
 *   threshold-changed (double threshold): the teacher moved the line
 *     (not emitted for lab_histogram_view_set_threshold). */
#define LAB_TYPE_HISTOGRAM_VIEW (lab_histogram_view_get_type ())
G_DECLARE_FINAL_TYPE (LabHistogramView, lab_histogram_view, LAB, HISTOGRAM_VIEW, GtkWidget)

GtkWidget        *lab_histogram_view_new           (void);
/* Owned by the view: change it, then call lab_histogram_view_changed. */
LabHistogramPlot *lab_histogram_view_get_plot      (LabHistogramView *self);
void              lab_histogram_view_changed       (LabHistogramView *self);
void              lab_histogram_view_set_threshold (LabHistogramView *self,
                                                    double            threshold);
/* What a press at widget x then a drag to x + dx do (for tests: the
 * gesture's path). */
void              lab_histogram_view_drag          (LabHistogramView *self,
                                                    double            x,
                                                    double            dx);

G_END_DECLS
