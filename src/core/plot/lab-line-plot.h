#pragma once

#include <cairo.h>
#include <glib.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* A line chart drawn with Cairo: several named series of (x, y) points,
 * axes with round ticks, axis labels, a legend, and optional vertical
 * markers ("trained at 0.5"). The app draws it in a widget's snapshot; the
 * CLI and the lesson reports draw the same object into PNG or PDF. */
typedef struct _LabLinePlot LabLinePlot;

typedef enum
{
  LAB_LINE_STYLE_LINE,     /* a polyline */
  LAB_LINE_STYLE_POINTS,   /* dots at each point, joined by a thin line */
} LabLineStyle;

LabLinePlot *lab_line_plot_new           (void);
void         lab_line_plot_free          (LabLinePlot  *self);
void         lab_line_plot_set_title     (LabLinePlot  *self,
                                          const char   *title);
const char  *lab_line_plot_get_title     (LabLinePlot  *self);
void         lab_line_plot_set_labels    (LabLinePlot  *self,
                                          const char   *x_label,
                                          const char   *y_label);
/* Draws everything (text, lines, points) scale times larger, for a
 * projector (presentation mode: about 1.6). Default 1. */
void         lab_line_plot_set_scale     (LabLinePlot  *self,
                                          double        scale);
double       lab_line_plot_get_scale     (LabLinePlot  *self);
/* A logarithmic y axis (losses); non-positive values are not drawn. */
void         lab_line_plot_set_log_y     (LabLinePlot  *self,
                                          gboolean      log_y);
/* The legend right of the plot area instead of over it, in the corner of
 * the plot area where it hides the least data (for many series, whose
 * legend would hide the curves wherever it went); below the plot area,
 * its entries in columns, where beside it would leave the curves too
 * narrow (a side column on a projector). */
void         lab_line_plot_set_legend_outside (LabLinePlot *self,
                                          gboolean      outside);
/* Keeps the legend below the plot area, as where every corner of it would
 * hide data, whatever the data: a widget whose points arrive one by one
 * holds it there once it went there, so that the curves' height does not
 * jump back and forth. Default FALSE. */
void         lab_line_plot_set_legend_below (LabLinePlot *self,
                                          gboolean      below);
/* A logarithmic x axis (label budgets); non-positive values are not drawn. */
void         lab_line_plot_set_log_x     (LabLinePlot  *self,
                                          gboolean      log_x);
/* Fixes the x range; lo >= hi lets the data decide. */
void         lab_line_plot_set_x_range   (LabLinePlot  *self,
                                          double        lo,
                                          double        hi);
/* The fixed x range set with lab_line_plot_set_x_range(): FALSE when none
 * (the data's own). */
gboolean     lab_line_plot_get_x_range   (LabLinePlot  *self,
                                          double       *lo,
                                          double       *hi);
/* Adds a series with palette colour `color`; returns its index. */
guint        lab_line_plot_add_series    (LabLinePlot  *self,
                                          const char   *name,
                                          guint         color,
                                          LabLineStyle  style);
void         lab_line_plot_append        (LabLinePlot  *self,
                                          guint         series,
                                          double        x,
                                          double        y);
/* A point with an error bar from y - error to y + error (NAN: none). */
void         lab_line_plot_append_with_error (LabLinePlot *self,
                                          guint         series,
                                          double        x,
                                          double        y,
                                          double        error);
guint        lab_line_plot_get_n_series  (LabLinePlot  *self);
guint        lab_line_plot_get_n_points  (LabLinePlot  *self,
                                          guint         series);
/* Point i of a series; FALSE when out of range. */
gboolean     lab_line_plot_get_point     (LabLinePlot  *self,
                                          guint         series,
                                          guint         i,
                                          double       *x,
                                          double       *y);
void         lab_line_plot_clear         (LabLinePlot  *self);
void         lab_line_plot_add_marker    (LabLinePlot  *self,
                                          double        x,
                                          const char   *label);
void         lab_line_plot_clear_markers (LabLinePlot  *self);
/* Draws into [0, width] x [0, height] of cr, background included. */
void         lab_line_plot_draw          (LabLinePlot  *self,
                                          cairo_t      *cr,
                                          double        width,
                                          double        height);
/* The height a legend outside takes below the plot area when the plot is
 * drawn width wide (pixels, at the plot's scale): 0 where it goes beside
 * the plot area, and for a legend inside (which goes below only where
 * the data leave it no corner, taking the height from the curves). A widget adds it to the height it asks for,
 * so that the curves keep theirs. */
double       lab_line_plot_get_legend_height (LabLinePlot *self,
                                          double        width);
/* The plot area (inside its frame) of a drawing width x height, in
 * pixels; FALSE when that is too small to draw the curves. */
gboolean     lab_line_plot_get_area      (LabLinePlot  *self,
                                          double        width,
                                          double        height,
                                          double       *x,
                                          double       *y,
                                          double       *w,
                                          double       *h);
/* The legend's box in a drawing width x height, in pixels; FALSE when
 * there is none (no series, or too small to draw). *below: whether it is
 * below the plot area (where it hides none of the curves). */
gboolean     lab_line_plot_get_legend_area (LabLinePlot *self,
                                          double        width,
                                          double        height,
                                          double       *x,
                                          double       *y,
                                          double       *w,
                                          double       *h,
                                          gboolean     *below);
/* lab_line_plot_draw as a LabFigureDrawFunc (lab-figure.h). */
void         lab_line_plot_draw_figure   (gpointer      plot,
                                          cairo_t      *cr,
                                          double        width,
                                          double        height);
gboolean     lab_line_plot_save_png      (LabLinePlot  *self,
                                          const char   *path,
                                          int           width,
                                          int           height,
                                          GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabLinePlot, lab_line_plot_free)

G_END_DECLS
