#pragma once

#include <gtk/gtk.h>

#include "lab-line-plot.h"

G_BEGIN_DECLS

/* A widget that shows one LabLinePlot, drawn with Cairo in snapshot() at
 * whatever size the widget gets, and exported as PNG, SVG or PDF from its
 * context menu (lab-widget-figure.h: figure.export, figure.export-to).
 * Change the plot through lab_plot_view_get_plot(), then call
 * lab_plot_view_changed(). */
#define LAB_TYPE_PLOT_VIEW (lab_plot_view_get_type ())
G_DECLARE_FINAL_TYPE (LabPlotView, lab_plot_view, LAB, PLOT_VIEW, GtkWidget)

GtkWidget   *lab_plot_view_new        (void);
/* Owned by the view. */
LabLinePlot *lab_plot_view_get_plot   (LabPlotView *self);
/* Replaces the plot by an empty one (no series, labels or markers) and
 * returns it: LabLinePlot can clear points but not drop series. */
LabLinePlot *lab_plot_view_reset      (LabPlotView *self);
/* Redraws on the next frame. */
void         lab_plot_view_changed    (LabPlotView *self);
/* Frames drawn so far (for tests). */
guint        lab_plot_view_get_n_draws (LabPlotView *self);

G_END_DECLS
