#pragma once

#include <math.h>

#include "lab-line-plot.h"

G_BEGIN_DECLS

/* What lab-line-plot.c and its axes', legend's and markers' files share:
 * the plot's fields, its mapping of data to plot space, and where its
 * parts go. */

/* A vertical dashed line at x, with its label (NULL or "": none). */
typedef struct
{
  double  x;
  char   *label;
} LabLineMarker;

typedef struct
{
  char         *name;
  guint         color;
  LabLineStyle  style;
  GArray       *points;   /* (element-type double) x0, y0, x1, y1, ... */
  GArray       *errors;   /* (element-type double) one per point: the error bar's
                           * half height, NAN for none */
} LabLineSeries;

struct _LabLinePlot
{
  double     scale;        /* presentation: drawn this much larger */
  char      *title;
  char      *x_label;
  char      *y_label;
  gboolean   log_x;
  gboolean   log_y;
  gboolean   legend_outside;  /* beside or below the plot area rather than over it */
  gboolean   legend_below;    /* below the plot area whatever the data */
  double     x_lo, x_hi;    /* fixed range when x_lo < x_hi */
  GPtrArray *series;        /* (element-type LabLineSeries) */
  GArray    *markers;       /* (element-type LabLineMarker) */
};

/* Where a drawing's parts go, in logical units (before the scale). */
typedef struct
{
  double   x0, x1, y0, y1;     /* the ranges, in plot space */
  gboolean have_data;
  double   left, top, pw, ph;  /* the plot area */
  double   y_title_x;          /* the rotated y title's centre */
  /* The legend's box (lw 0: none), the height it takes below the plot
   * area (0: it is beside it or over it; an inside legend goes there
   * where every corner would hide data), and the columns its entries
   * fill there, row by row (1 elsewhere). */
  double   lx, ly, lw, lh;
  double   below;
  guint    legend_columns;
  /* An inside legend moved below: its entries one after another in
   * flow_lines lines, the widest flow_width wide (without the box's
   * padding), rather than in columns. */
  gboolean flow;
  guint    flow_lines;
  double   flow_width;
} LabLinePlotLayout;

static inline gboolean
lab_line_plot_usable (const LabLinePlot *self,
                      double             x,
                      double             y)
{
  return isfinite (x) && isfinite (y) && (!self->log_y || y > 0) && (!self->log_x || x > 0);
}

/* x and y in plot space: log10 on a log axis. */
static inline double
lab_line_plot_tx (const LabLinePlot *self,
                  double             x)
{
  return self->log_x ? log10 (x) : x;
}

static inline double
lab_line_plot_ty (const LabLinePlot *self,
                  double             y)
{
  return self->log_y ? log10 (y) : y;
}

/* The points style's dots, and a line's of a single point. */
#define LAB_LINE_DOT_RADIUS 3.5

static inline gboolean
lab_line_series_draws_dots (const LabLineSeries *s)
{
  return s->style == LAB_LINE_STYLE_POINTS || s->points->len == 2;
}

/* The half height of point k / 2's error bar, or 0. */
static inline double
lab_line_plot_point_error (const LabLineSeries *s,
                           guint                k)
{
  double e = g_array_index (s->errors, double, k / 2);

  return isfinite (e) && e > 0 ? e : 0;
}

/* The axes' ticks and the left margin their labels take
 * (lab-line-plot-axes.c). */
/* About how many labelled ticks a linear y axis ph high (logical px)
 * has: 5, fewer where their labels would run into each other. */
guint  lab_line_plot_y_tick_target (double ph);
/* The left margin for the y title and the widest y tick label of a plot
 * area ph high over [y0, y1]; *title_x gets the title's centre. */
double lab_line_plot_left_margin   (LabLinePlot *self,
                                    cairo_t     *cr,
                                    double       y0,
                                    double       y1,
                                    double       ph,
                                    double      *title_x);
/* The labelled ticks of the x axis over [x0, x1] drawn from left to
 * left + pw in a figure width wide, into ticks[max]: their count. */
guint  lab_line_plot_x_ticks       (LabLinePlot *self,
                                    cairo_t     *cr,
                                    double       x0,
                                    double       x1,
                                    double       left,
                                    double       pw,
                                    double       width,
                                    double      *ticks,
                                    guint        max);

/* The legend's size (lw, lh, below and legend_columns of layout) in a figure width wide whose plot area would start at
 * layout->left: beside the plot area when outside and that leaves the
 * curves room, else below it. Returns the width the plot area gives up to
 * it on the right. */
double lab_line_plot_legend_size  (LabLinePlot       *self,
                                   cairo_t           *cr,
                                   double             width,
                                   LabLinePlotLayout *layout);
/* The legend's place (lx, ly of layout, whose plot area is set): beside,
 * below, or in a corner of the plot area where it hides no data, else
 * below it after all, the plot area (ph) giving up the height. */
void   lab_line_plot_legend_place (LabLinePlot       *self,
                                   double             width,
                                   LabLinePlotLayout *layout);
void   lab_line_plot_legend_draw  (LabLinePlot       *self,
                                   cairo_t           *cr,
                                   const LabLinePlotLayout *layout);
/* How much of the series a box (bx, by, bw, bh) over the plot area would
 * hide: their points, points 4 px apart along each line's segments and
 * the ends of error bars that fall inside it, the points counting most. */
guint  lab_line_plot_hidden_by    (const LabLinePlot       *self,
                                   const LabLinePlotLayout *layout,
                                   double bx, double by, double bw, double bh);
/* The markers in the x range: their dashed lines, drawn under the
 * series, and their labels, over them, each beside its line where it
 * hides no curve, no legend and no other marker's label or line
 * (lab-line-plot-marker.c). */
void   lab_line_plot_markers_draw_lines  (LabLinePlot             *self,
                                          cairo_t                 *cr,
                                          const LabLinePlotLayout *layout);
void   lab_line_plot_markers_draw_labels (LabLinePlot             *self,
                                          cairo_t                 *cr,
                                          const LabLinePlotLayout *layout);

G_END_DECLS
