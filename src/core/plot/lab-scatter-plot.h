#pragma once

#include <cairo.h>
#include <glib.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* A scatter plot drawn with Cairo: up to tens of thousands of points
 * coloured by class (lab-palette), a legend of class names where a class
 * can be hidden, axes with round ticks, and a view (the part of the data
 * plane shown) for zoom and pan. The app draws it in a widget's snapshot
 * and asks it which point or legend entry lies under the pointer; the CLI
 * draws the same object into a PNG.
 *
 * Pixel coordinates are those of the last lab_scatter_plot_set_size() (or
 * draw): [0, width] x [0, height], y downwards. Data y grows upwards. */
typedef struct _LabScatterPlot LabScatterPlot;

/* Most classes the plot colours apart (labels above share the last). */
#define LAB_SCATTER_MAX_CLASSES 256

LabScatterPlot *lab_scatter_plot_new            (void);
void            lab_scatter_plot_free           (LabScatterPlot *self);

void            lab_scatter_plot_set_title      (LabScatterPlot *self,
                                                 const char     *title);
void            lab_scatter_plot_set_labels     (LabScatterPlot *self,
                                                 const char     *x_label,
                                                 const char     *y_label);
/* points (n, 2) row-major and labels (n, NULL: every point is class 0),
 * copied. The view is fitted to the new points unless keep_view and the
 * user has zoomed or panned (a fitted view follows the points). */
void            lab_scatter_plot_set_points     (LabScatterPlot *self,
                                                 const float    *points,
                                                 const guint8   *labels,
                                                 guint           n,
                                                 gboolean        keep_view);
/* New positions for the same n points (an animation step of t-SNE); the
 * view follows the points (fitted again) unless the user zoomed or panned. */
void            lab_scatter_plot_move_points    (LabScatterPlot *self,
                                                 const float    *points,
                                                 guint           n);
guint           lab_scatter_plot_get_n_points   (LabScatterPlot *self);
/* Point i's data coordinates; FALSE when out of range. */
gboolean        lab_scatter_plot_get_point      (LabScatterPlot *self,
                                                 guint           i,
                                                 double         *x,
                                                 double         *y);
/* A line atop the legend ("click to hide" in the app); NULL: none. */
void            lab_scatter_plot_set_legend_hint (LabScatterPlot *self,
                                                 const char     *hint);
/* FALSE when point i's class is hidden (or i is out of range). */
gboolean        lab_scatter_plot_is_point_shown (LabScatterPlot *self,
                                                 guint           i);
/* Legend entries: class names (n_classes, NULL for "0", "1", ...). */
void            lab_scatter_plot_set_classes    (LabScatterPlot *self,
                                                 const char * const *names,
                                                 guint           n_classes);
guint           lab_scatter_plot_get_n_classes  (LabScatterPlot *self);
void            lab_scatter_plot_set_class_hidden (LabScatterPlot *self,
                                                 guint           label,
                                                 gboolean        hidden);
gboolean        lab_scatter_plot_get_class_hidden (LabScatterPlot *self,
                                                 guint           label);
/* Points of class label among the points. */
guint           lab_scatter_plot_class_count    (LabScatterPlot *self,
                                                 guint           label);

/* Colouring: by class (the default), or by a value each point has (its
 * reconstruction error), on a perceptual sequential scale with a colour
 * bar instead of the class legend. */
typedef enum
{
  LAB_SCATTER_COLOR_CLASS,
  LAB_SCATTER_COLOR_VALUE,
} LabScatterColor;

/* values (n, as many as the points; copied; NULL or another n clears),
 * named label in the colour bar ("MSE"). The scale runs from the smallest
 * value to the 99th percentile (higher values take its top colour), dark
 * for high values so they stand out on the white plot. New points clear
 * the values. */
void            lab_scatter_plot_set_values     (LabScatterPlot *self,
                                                 const float    *values,
                                                 guint           n,
                                                 const char     *label);
gboolean        lab_scatter_plot_has_values     (LabScatterPlot *self);
/* Point i's value; FALSE without values or out of range. */
gboolean        lab_scatter_plot_get_value      (LabScatterPlot *self,
                                                 guint           i,
                                                 double         *value);
void            lab_scatter_plot_get_value_range (LabScatterPlot *self,
                                                 double         *lo,
                                                 double         *hi);
/* VALUE draws by class while there are no values. */
void            lab_scatter_plot_set_color_mode (LabScatterPlot *self,
                                                 LabScatterColor mode);
LabScatterColor lab_scatter_plot_get_color_mode (LabScatterPlot *self);
/* Highlights the points whose value is above threshold: the others are
 * drawn faint gray, beneath them. NAN (the default) highlights none. */
void            lab_scatter_plot_set_threshold  (LabScatterPlot *self,
                                                 double          threshold);
double          lab_scatter_plot_get_threshold  (LabScatterPlot *self);
/* The colour point i is drawn with; FALSE when i is out of range. */
gboolean        lab_scatter_plot_point_color    (LabScatterPlot *self,
                                                 guint           i,
                                                 double         *r,
                                                 double         *g,
                                                 double         *b);

/* Layout for a width x height drawing: the plot area, the legend. */
void            lab_scatter_plot_set_size       (LabScatterPlot *self,
                                                 double          width,
                                                 double          height);
/* Draws everything (text, points, lines, margins) scale times larger, for
 * a projector (presentation mode: about 1.6); every pixel argument and
 * result of the functions below stays in device pixels. Default 1. */
void            lab_scatter_plot_set_scale      (LabScatterPlot *self,
                                                 double          scale);
double          lab_scatter_plot_get_scale      (LabScatterPlot *self);
/* The plot area (where points are drawn) in pixels. */
void            lab_scatter_plot_get_area       (LabScatterPlot *self,
                                                 double         *x,
                                                 double         *y,
                                                 double         *width,
                                                 double         *height);

/* The view: the data rectangle the plot area shows. Fitting shows every
 * point with a margin, both axes at the same scale when equal_aspect. */
void            lab_scatter_plot_fit            (LabScatterPlot *self);
gboolean        lab_scatter_plot_is_fitted      (LabScatterPlot *self);
void            lab_scatter_plot_set_equal_aspect (LabScatterPlot *self,
                                                 gboolean        equal);
void            lab_scatter_plot_get_view       (LabScatterPlot *self,
                                                 double         *x0,
                                                 double         *x1,
                                                 double         *y0,
                                                 double         *y1);
void            lab_scatter_plot_set_view       (LabScatterPlot *self,
                                                 double          x0,
                                                 double          x1,
                                                 double          y0,
                                                 double          y1);
/* Zooms by factor (> 1 closer) keeping the data point under pixel
 * (px, py) where it is. */
void            lab_scatter_plot_zoom           (LabScatterPlot *self,
                                                 double          factor,
                                                 double          px,
                                                 double          py);
/* Moves the content by (dx, dy) pixels, as a drag does. */
void            lab_scatter_plot_pan            (LabScatterPlot *self,
                                                 double          dx,
                                                 double          dy);

/* Pixel <-> data under the current view and size. */
void            lab_scatter_plot_to_data        (LabScatterPlot *self,
                                                 double          px,
                                                 double          py,
                                                 double         *x,
                                                 double         *y);
void            lab_scatter_plot_to_pixel       (LabScatterPlot *self,
                                                 double          x,
                                                 double          y,
                                                 double         *px,
                                                 double         *py);
/* TRUE when pixel (px, py) is inside the plot area. */
gboolean        lab_scatter_plot_in_area        (LabScatterPlot *self,
                                                 double          px,
                                                 double          py);
/* The visible point nearest to pixel (px, py) within radius pixels, or -1.
 * Hidden classes and points outside the view are never hit. */
int             lab_scatter_plot_hit            (LabScatterPlot *self,
                                                 double          px,
                                                 double          py,
                                                 double          radius);
/* The class whose legend entry is at pixel (px, py), or -1. */
int             lab_scatter_plot_legend_hit     (LabScatterPlot *self,
                                                 double          px,
                                                 double          py);
/* The rectangle of class label's legend entry; FALSE when not shown. */
gboolean        lab_scatter_plot_get_legend_entry (LabScatterPlot *self,
                                                 guint           label,
                                                 double         *x,
                                                 double         *y,
                                                 double         *width,
                                                 double         *height);

/* Overlays. A marker is a location (a decoded click): a crosshair ring.
 * Rings circle points (the t-SNE neighbours of a decode; the hovered
 * point). A line joins two data locations (an interpolation). */
void            lab_scatter_plot_set_marker     (LabScatterPlot *self,
                                                 gboolean        shown,
                                                 double          x,
                                                 double          y);
void            lab_scatter_plot_set_rings      (LabScatterPlot *self,
                                                 const guint    *indices,
                                                 guint           n);
void            lab_scatter_plot_set_hover      (LabScatterPlot *self,
                                                 int             index);
void            lab_scatter_plot_set_line       (LabScatterPlot *self,
                                                 gboolean        shown,
                                                 double          x0,
                                                 double          y0,
                                                 double          x1,
                                                 double          y1);

/* Draws into [0, width] x [0, height] of cr, background included (also
 * sets the size). The points of each class are filled in one cairo_fill,
 * so 10,000 points draw in a few milliseconds. */
void            lab_scatter_plot_draw           (LabScatterPlot *self,
                                                 cairo_t        *cr,
                                                 double          width,
                                                 double          height);
/* lab_scatter_plot_draw as a LabFigureDrawFunc (lab-figure.h). */
void            lab_scatter_plot_draw_figure    (gpointer        plot,
                                                 cairo_t        *cr,
                                                 double          width,
                                                 double          height);
gboolean        lab_scatter_plot_save_png       (LabScatterPlot *self,
                                                 const char     *path,
                                                 int             width,
                                                 int             height,
                                                 GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabScatterPlot, lab_scatter_plot_free)

G_END_DECLS
