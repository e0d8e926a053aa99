#pragma once

/* What lab-scatter-plot.c (data, view, layout, hit tests) and
 * lab-scatter-plot-draw.c (drawing with Cairo) share. Core only. */

#include "lab-scatter-plot.h"

G_BEGIN_DECLS

/* Margins around the plot area, in pixels: room for tick labels and axis
 * titles; the legend takes its own width on the right. */
#define MARGIN_LEFT    70
#define MARGIN_RIGHT   14
#define MARGIN_TOP     16
#define MARGIN_BOTTOM  56
#define TITLE_HEIGHT   30
#define LEGEND_GAP     14
#define LEGEND_ROW     28
#define LEGEND_PAD     10
#define LEGEND_FONT    15
#define LEGEND_SWATCH  9

/* Below this many points they are round; above, squares fill faster. */
#define MAX_ROUND_POINTS 5000
/* Beyond this many points the squares are stamped into an image, not
 * filled as Cairo paths (lab-scatter-plot-draw.c). */
#define MAX_PATH_POINTS  20000

struct _LabScatterPlot
{
  char     *title;
  char     *x_label;
  char     *y_label;
  char     *legend_hint;

  guint     n;
  float    *points;          /* (n, 2) */
  guint8   *labels;          /* (n) */
  guint    *order;           /* (n) point indices grouped by class, class 0 first */
  guint     class_start[LAB_SCATTER_MAX_CLASSES + 1];  /* into order */

  guint     n_classes;       /* legend entries */
  char    **class_names;     /* (n_classes) NULL-terminated */
  gboolean  hidden[LAB_SCATTER_MAX_CLASSES];

  /* view */
  double    x0, x1, y0, y1;
  gboolean  fitted;
  gboolean  equal_aspect;

  /* layout of the last set_size, in logical pixels (device / scale) */
  double    scale;           /* presentation: everything drawn this much larger */
  double    dev_width, dev_height;
  double    width, height;
  double    ax, ay, aw, ah;  /* plot area */
  double    lx, ly, lw;      /* legend box: left, top, width */
  double    lhead;           /* above the first entry: the hint, or a margin */
  guint     legend_rows;     /* entries shown (the rest do not fit) */

  /* overlays */
  gboolean  marker_shown;
  double    marker_x, marker_y;
  guint    *rings;
  guint     n_rings;
  int       hover;
  gboolean  line_shown;
  double    line[4];

  cairo_surface_t *measure_surface;   /* 1x1, for text extents outside draw */
  cairo_t         *measure;
};

/* lab-scatter-plot.c: data to logical pixels, for the drawing code. */
void lab_scatter_plot_to_logical (LabScatterPlot *self,
                                  double          x,
                                  double          y,
                                  double         *px,
                                  double         *py);

G_END_DECLS
