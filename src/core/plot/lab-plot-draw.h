#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Cairo drawing both plots (LabLinePlot, LabScatterPlot) share, so that
 * their axes look alike. Files are written by lab-figure.h. */

/* text with its advance box aligned to (x, y): align_x 0 left, 0.5 centre,
 * 1 right; align_y 0 top, 0.5 middle. Font and source are the caller's. */
void     lab_plot_text_at     (cairo_t         *cr,
                               const char      *text,
                               double           x,
                               double           y,
                               double           align_x,
                               double           align_y);
/* One grid line at pixel `pos` with its tick label (value, labelled with
 * the digits `step` needs): vertical from y = from to y = to with the label
 * `gap` below `to`, or horizontal from x = from to x = to with the label
 * `gap` left of `from`. The line is drawn in `gray`, the label in dark gray,
 * with the caller's font and line width. */
void     lab_plot_grid_tick   (cairo_t         *cr,
                               gboolean         vertical,
                               double           pos,
                               double           from,
                               double           to,
                               double           gap,
                               double           gray,
                               double           value,
                               double           step);
/* A title in bold, at size or smaller so that it fits within [0, width]
 * less a margin, centred with its top at y; in dark gray. */
void     lab_plot_title       (cairo_t         *cr,
                               const char      *text,
                               double           width,
                               double           y,
                               double           size);
/* The frame around the plot area (x, y, w, h in pixels). */
void     lab_plot_frame       (cairo_t         *cr,
                               double           x,
                               double           y,
                               double           w,
                               double           h);
/* The axis titles, in the caller's font size: x_label centred on x_center
 * with its top at x_top; y_label turned a quarter left, centred on
 * (y_x, y_center). Either may be NULL. */
void     lab_plot_axis_labels (cairo_t         *cr,
                               const char      *x_label,
                               double           x_center,
                               double           x_top,
                               const char      *y_label,
                               double           y_x,
                               double           y_center);
/* A log axis's tick label for v (log10 units): "100", "0.01",
 * "1,000,000" (the thread's grouping, as lab_format_count_localized()). */
void     lab_plot_log_tick_text (double         v,
                                 char          *buf,
                                 gsize          size);
/* Whether the labels of ticks[n] (increasing; log10 units on a log axis)
 * under a horizontal axis over [lo, hi], drawn from px_lo to px_hi in the
 * caller's font, stand apart (half a line's height between two) and
 * within [0, width]. Their text as lab_plot_log_tick_text() or
 * lab_format_tick() with the ticks' step makes it. */
gboolean lab_plot_x_labels_fit (cairo_t      *cr,
                                gboolean      log,
                                const double *ticks,
                                guint         n,
                                double        lo,
                                double        hi,
                                double        px_lo,
                                double        px_hi,
                                double        width);
/* Grid lines of a log axis over [lo, hi] (log10 units): every decade,
 * with 2..9 between when the axis spans 2.5 decades or less, and a label
 * and a decade's line at each of labelled[n_labelled] (log10 units);
 * labelled NULL: as lab_log_ticks() places them. px_lo..px_hi are lo and
 * hi in pixels along the axis; from..to is the line's extent across it
 * (vertical: lines across the x axis, labels below to). */
void     lab_plot_log_grid    (cairo_t         *cr,
                               gboolean         vertical,
                               double           lo,
                               double           hi,
                               double           px_lo,
                               double           px_hi,
                               double           from,
                               double           to,
                               const double    *labelled,
                               guint            n_labelled);
G_END_DECLS
