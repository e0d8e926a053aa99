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
#define LEGEND_ROW_MIN 20     /* rows close up to this before any is left out */
#define LEGEND_HEAD    8      /* above the first row: a margin, */
#define LEGEND_HEAD_HINT 30   /* or the hint ("click to hide or show") */
#define LEGEND_PAD     10
#define LEGEND_FONT    15
#define LEGEND_SWATCH  9
/* The colour bar that replaces the legend when colouring by value. */
#define COLORBAR_WIDTH 18

/* Groups a plot draws apart (the classes, or colour bins and the faint
 * points under the threshold). */
#define LAB_SCATTER_GROUPS 256
/* Colour bins of the value scale. */
#define VALUE_BINS 254

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
  guint     class_count[LAB_SCATTER_MAX_CLASSES];

  /* Colouring (lab-scatter-plot-color.c): each point is drawn in the
   * colour of its group, group by group in order (each group one fill). */
  float    *values;          /* (n) or NULL */
  char     *value_label;
  double    value_lo, value_hi;   /* the colour scale's ends */
  LabScatterColor color_mode;
  double    threshold;       /* NAN: none */
  guint8   *groups;          /* (n) */
  guint    *order;           /* (n) point indices by group, group 0 first */
  guint     group_start[LAB_SCATTER_GROUPS + 1];  /* into order */

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
  double    legend_row;      /* an entry's height: LEGEND_ROW, less to fit them all */

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

/* lab-scatter-plot-color.c: the groups again after the points, values,
 * colour mode or threshold changed; a group's colour and opacity. */
void lab_scatter_plot_regroup     (LabScatterPlot *self);
void lab_scatter_plot_group_color (LabScatterPlot *self,
                                   guint           group,
                                   double         *r,
                                   double         *g,
                                   double         *b,
                                   double         *alpha);
/* The colour of normalised value v (0 at value_lo, 1 at value_hi). */
void lab_scatter_plot_value_color (double          v,
                                   double         *r,
                                   double         *g,
                                   double         *b);

/* Whether the legend is the value scale's colour bar. */
static inline gboolean
lab_scatter_plot_shows_colorbar (LabScatterPlot *self)
{
  return self->color_mode == LAB_SCATTER_COLOR_VALUE && self->values != NULL;
}

/* lab-scatter-plot.c: data to logical pixels, for the drawing code. */
void lab_scatter_plot_to_logical (LabScatterPlot *self,
                                  double          x,
                                  double          y,
                                  double         *px,
                                  double         *py);

G_END_DECLS
