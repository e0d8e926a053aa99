#define G_LOG_DOMAIN "latentlab-core"

#include "lab-scatter-plot.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lab-palette.h"

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

  /* layout of the last set_size */
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

LabScatterPlot *
lab_scatter_plot_new (void)
{
  LabScatterPlot *self = g_new0 (LabScatterPlot, 1);

  self->class_names = g_new0 (char *, 1);
  self->x0 = self->y0 = -1;
  self->x1 = self->y1 = 1;
  self->fitted = TRUE;
  self->hover = -1;
  self->measure_surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  self->measure = cairo_create (self->measure_surface);
  lab_scatter_plot_set_size (self, 640, 480);
  return self;
}

void
lab_scatter_plot_free (LabScatterPlot *self)
{
  if (self == NULL)
    return;
  g_free (self->title);
  g_free (self->x_label);
  g_free (self->y_label);
  g_free (self->legend_hint);
  g_free (self->points);
  g_free (self->labels);
  g_free (self->order);
  g_strfreev (self->class_names);
  g_free (self->rings);
  cairo_destroy (self->measure);
  cairo_surface_destroy (self->measure_surface);
  g_free (self);
}

void
lab_scatter_plot_set_title (LabScatterPlot *self,
                            const char     *title)
{
  g_free (self->title);
  self->title = title && *title ? g_strdup (title) : NULL;
  lab_scatter_plot_set_size (self, self->width, self->height);
}

void
lab_scatter_plot_set_labels (LabScatterPlot *self,
                             const char     *x_label,
                             const char     *y_label)
{
  g_free (self->x_label);
  g_free (self->y_label);
  self->x_label = g_strdup (x_label);
  self->y_label = g_strdup (y_label);
}

void
lab_scatter_plot_set_legend_hint (LabScatterPlot *self,
                                  const char     *hint)
{
  g_free (self->legend_hint);
  self->legend_hint = hint && *hint ? g_strdup (hint) : NULL;
  lab_scatter_plot_set_size (self, self->width, self->height);
}

/* Points */

static void
group_by_class (LabScatterPlot *self)
{
  guint next[LAB_SCATTER_MAX_CLASSES];

  /* A counting sort: draw order is class by class, each class in one fill. */
  memset (self->class_start, 0, sizeof self->class_start);
  for (guint i = 0; i < self->n; i++)
    self->class_start[self->labels[i] + 1]++;
  for (guint c = 0; c < LAB_SCATTER_MAX_CLASSES; c++)
    self->class_start[c + 1] += self->class_start[c];
  memcpy (next, self->class_start, sizeof next);
  g_free (self->order);
  self->order = g_new (guint, MAX (self->n, 1));
  for (guint i = 0; i < self->n; i++)
    self->order[next[self->labels[i]]++] = i;
}

void
lab_scatter_plot_set_points (LabScatterPlot *self,
                             const float    *points,
                             const guint8   *labels,
                             guint           n,
                             gboolean        keep_view)
{
  g_free (self->points);
  g_free (self->labels);
  self->n = n;
  self->points = g_memdup2 (points, (gsize) n * 2 * sizeof (float));
  self->labels = labels != NULL ? g_memdup2 (labels, MAX (n, 1)) : g_malloc0 (MAX (n, 1));
  group_by_class (self);
  g_clear_pointer (&self->rings, g_free);
  self->n_rings = 0;
  self->hover = -1;
  /* keep_view keeps a view the user chose (zoomed or panned); a view that
   * follows the data follows the new points too. */
  if (!keep_view || self->fitted)
    lab_scatter_plot_fit (self);
}

void
lab_scatter_plot_move_points (LabScatterPlot *self,
                              const float    *points,
                              guint           n)
{
  g_return_if_fail (n == self->n);

  memcpy (self->points, points, (gsize) n * 2 * sizeof (float));
  if (self->fitted)
    lab_scatter_plot_fit (self);
}

guint
lab_scatter_plot_get_n_points (LabScatterPlot *self)
{
  return self->n;
}

gboolean
lab_scatter_plot_get_point (LabScatterPlot *self,
                            guint           i,
                            double         *x,
                            double         *y)
{
  if (i >= self->n)
    return FALSE;
  *x = self->points[2 * i];
  *y = self->points[2 * i + 1];
  return TRUE;
}

void
lab_scatter_plot_set_classes (LabScatterPlot     *self,
                              const char * const *names,
                              guint               n_classes)
{
  n_classes = MIN (n_classes, LAB_SCATTER_MAX_CLASSES);
  g_strfreev (self->class_names);
  self->class_names = g_new0 (char *, n_classes + 1);
  for (guint c = 0; c < n_classes; c++)
    self->class_names[c] = names != NULL && names[c] != NULL ? g_strdup (names[c])
                                                             : g_strdup_printf ("%u", c);
  self->n_classes = n_classes;
  memset (self->hidden, 0, sizeof self->hidden);
  lab_scatter_plot_set_size (self, self->width, self->height);
}

guint
lab_scatter_plot_get_n_classes (LabScatterPlot *self)
{
  return self->n_classes;
}

void
lab_scatter_plot_set_class_hidden (LabScatterPlot *self,
                                   guint           label,
                                   gboolean        hidden)
{
  if (label < LAB_SCATTER_MAX_CLASSES)
    self->hidden[label] = hidden;
}

gboolean
lab_scatter_plot_get_class_hidden (LabScatterPlot *self,
                                   guint           label)
{
  return label < LAB_SCATTER_MAX_CLASSES && self->hidden[label];
}

gboolean
lab_scatter_plot_is_point_shown (LabScatterPlot *self,
                                 guint           i)
{
  return i < self->n && !self->hidden[self->labels[i]];
}

guint
lab_scatter_plot_class_count (LabScatterPlot *self,
                              guint           label)
{
  if (label >= LAB_SCATTER_MAX_CLASSES)
    return 0;
  return self->class_start[label + 1] - self->class_start[label];
}

/* Layout */

static double
text_width (LabScatterPlot *self,
            const char     *text,
            double          size)
{
  cairo_text_extents_t ext;

  cairo_select_font_face (self->measure, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (self->measure, size);
  cairo_text_extents (self->measure, text, &ext);
  return ext.x_advance;
}

void
lab_scatter_plot_set_size (LabScatterPlot *self,
                           double          width,
                           double          height)
{
  double legend = 0;
  double top = MARGIN_TOP + (self->title != NULL ? TITLE_HEIGHT : 0);

  self->width = width;
  self->height = height;
  if (self->n_classes > 0)
    {
      double names = 0;

      for (guint c = 0; c < self->n_classes; c++)
        names = MAX (names, text_width (self, self->class_names[c], LEGEND_FONT));
      /* swatch, name, a gap, the count */
      legend = LEGEND_PAD + 2 * LEGEND_SWATCH + 10 + MIN (names, 220)
               + 12 + text_width (self, "00000", 12) + LEGEND_PAD;
      if (self->legend_hint != NULL)
        legend = MAX (legend, text_width (self, self->legend_hint, 11) + 2 * LEGEND_PAD);
    }
  self->ax = MARGIN_LEFT;
  self->ay = top;
  self->aw = MAX (1, width - MARGIN_LEFT - MARGIN_RIGHT - (legend > 0 ? legend + LEGEND_GAP : 0));
  self->ah = MAX (1, height - top - MARGIN_BOTTOM);
  self->lw = legend;
  self->lx = self->ax + self->aw + LEGEND_GAP;
  self->ly = top;
  /* The legend's header line, then as many rows as fit. */
  self->legend_rows = self->n_classes;
  self->lhead = self->legend_hint != NULL ? 30 : 8;
  if (self->ah < self->lhead + LEGEND_ROW * self->n_classes)
    self->legend_rows = (guint) MAX (0, (self->ah - self->lhead - LEGEND_ROW) / LEGEND_ROW);
  if (self->fitted)
    lab_scatter_plot_fit (self);
}

void
lab_scatter_plot_get_area (LabScatterPlot *self,
                           double         *x,
                           double         *y,
                           double         *width,
                           double         *height)
{
  *x = self->ax;
  *y = self->ay;
  *width = self->aw;
  *height = self->ah;
}

/* The view */

void
lab_scatter_plot_fit (LabScatterPlot *self)
{
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  double mx, my;

  for (guint i = 0; i < self->n; i++)
    {
      double x = self->points[2 * i], y = self->points[2 * i + 1];

      if (!isfinite (x) || !isfinite (y))
        continue;
      x0 = MIN (x0, x);
      x1 = MAX (x1, x);
      y0 = MIN (y0, y);
      y1 = MAX (y1, y);
    }
  if (!(x0 <= x1))
    x0 = y0 = -1, x1 = y1 = 1;
  /* A degenerate spread (one point, t-SNE's first tiny steps) still shows. */
  if (x1 - x0 < 1e-12 * MAX (1, fabs (x0)))
    x0 -= 0.5 * MAX (1e-6, fabs (x0)), x1 += 0.5 * MAX (1e-6, fabs (x1));
  if (y1 - y0 < 1e-12 * MAX (1, fabs (y0)))
    y0 -= 0.5 * MAX (1e-6, fabs (y0)), y1 += 0.5 * MAX (1e-6, fabs (y1));
  mx = (x1 - x0) * 0.05;
  my = (y1 - y0) * 0.05;
  x0 -= mx, x1 += mx, y0 -= my, y1 += my;
  if (self->equal_aspect && self->aw > 1 && self->ah > 1)
    {
      double sx = (x1 - x0) / self->aw, sy = (y1 - y0) / self->ah, s = MAX (sx, sy);
      double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;

      x0 = cx - s * self->aw / 2, x1 = cx + s * self->aw / 2;
      y0 = cy - s * self->ah / 2, y1 = cy + s * self->ah / 2;
    }
  self->x0 = x0, self->x1 = x1, self->y0 = y0, self->y1 = y1;
  self->fitted = TRUE;
}

gboolean
lab_scatter_plot_is_fitted (LabScatterPlot *self)
{
  return self->fitted;
}

void
lab_scatter_plot_set_equal_aspect (LabScatterPlot *self,
                                   gboolean        equal)
{
  self->equal_aspect = equal;
  if (self->fitted)
    lab_scatter_plot_fit (self);
}

void
lab_scatter_plot_get_view (LabScatterPlot *self,
                           double         *x0,
                           double         *x1,
                           double         *y0,
                           double         *y1)
{
  *x0 = self->x0;
  *x1 = self->x1;
  *y0 = self->y0;
  *y1 = self->y1;
}

void
lab_scatter_plot_set_view (LabScatterPlot *self,
                           double          x0,
                           double          x1,
                           double          y0,
                           double          y1)
{
  if (!(x1 > x0) || !(y1 > y0) || !isfinite (x1 - x0) || !isfinite (y1 - y0))
    return;
  self->x0 = x0, self->x1 = x1, self->y0 = y0, self->y1 = y1;
  self->fitted = FALSE;
}

void
lab_scatter_plot_zoom (LabScatterPlot *self,
                       double          factor,
                       double          px,
                       double          py)
{
  double x, y, w, h, fx, fy;

  if (!(factor > 0) || !isfinite (factor))
    return;
  lab_scatter_plot_to_data (self, px, py, &x, &y);
  w = (self->x1 - self->x0) / factor;
  h = (self->y1 - self->y0) / factor;
  /* Neither so close that floats run out, nor so far that nothing shows. */
  if (w < 1e-9 || h < 1e-9 || w > 1e12 || h > 1e12)
    return;
  fx = (px - self->ax) / self->aw;
  fy = (py - self->ay) / self->ah;
  lab_scatter_plot_set_view (self, x - fx * w, x - fx * w + w, y - (1 - fy) * h, y - (1 - fy) * h + h);
}

void
lab_scatter_plot_pan (LabScatterPlot *self,
                      double          dx,
                      double          dy)
{
  double sx = (self->x1 - self->x0) / self->aw;
  double sy = (self->y1 - self->y0) / self->ah;

  lab_scatter_plot_set_view (self, self->x0 - dx * sx, self->x1 - dx * sx,
                             self->y0 + dy * sy, self->y1 + dy * sy);
}

void
lab_scatter_plot_to_data (LabScatterPlot *self,
                          double          px,
                          double          py,
                          double         *x,
                          double         *y)
{
  *x = self->x0 + (px - self->ax) / self->aw * (self->x1 - self->x0);
  *y = self->y0 + (self->ay + self->ah - py) / self->ah * (self->y1 - self->y0);
}

void
lab_scatter_plot_to_pixel (LabScatterPlot *self,
                           double          x,
                           double          y,
                           double         *px,
                           double         *py)
{
  *px = self->ax + (x - self->x0) / (self->x1 - self->x0) * self->aw;
  *py = self->ay + self->ah - (y - self->y0) / (self->y1 - self->y0) * self->ah;
}

gboolean
lab_scatter_plot_in_area (LabScatterPlot *self,
                          double          px,
                          double          py)
{
  return px >= self->ax && px <= self->ax + self->aw && py >= self->ay && py <= self->ay + self->ah;
}

int
lab_scatter_plot_hit (LabScatterPlot *self,
                      double          px,
                      double          py,
                      double          radius)
{
  double best = radius * radius;
  int found = -1;

  if (!lab_scatter_plot_in_area (self, px, py))
    return -1;
  for (guint i = 0; i < self->n; i++)
    {
      double qx, qy, d;

      if (self->hidden[self->labels[i]])
        continue;
      lab_scatter_plot_to_pixel (self, self->points[2 * i], self->points[2 * i + 1], &qx, &qy);
      if (!lab_scatter_plot_in_area (self, qx, qy))
        continue;
      d = (qx - px) * (qx - px) + (qy - py) * (qy - py);
      if (d <= best)
        {
          best = d;
          found = (int) i;
        }
    }
  return found;
}

int
lab_scatter_plot_legend_hit (LabScatterPlot *self,
                             double          px,
                             double          py)
{
  double top = self->ly + self->lhead;

  if (self->n_classes == 0 || px < self->lx || px > self->lx + self->lw || py < top)
    return -1;
  if ((py - top) / LEGEND_ROW >= self->legend_rows)
    return -1;
  return (int) ((py - top) / LEGEND_ROW);
}

gboolean
lab_scatter_plot_get_legend_entry (LabScatterPlot *self,
                                   guint           label,
                                   double         *x,
                                   double         *y,
                                   double         *width,
                                   double         *height)
{
  if (label >= self->legend_rows)
    return FALSE;
  *x = self->lx;
  *y = self->ly + self->lhead + LEGEND_ROW * label;
  *width = self->lw;
  *height = LEGEND_ROW;
  return TRUE;
}

/* Overlays */

void
lab_scatter_plot_set_marker (LabScatterPlot *self,
                             gboolean        shown,
                             double          x,
                             double          y)
{
  self->marker_shown = shown;
  self->marker_x = x;
  self->marker_y = y;
}

void
lab_scatter_plot_set_rings (LabScatterPlot *self,
                            const guint    *indices,
                            guint           n)
{
  g_free (self->rings);
  self->rings = n > 0 ? g_memdup2 (indices, n * sizeof (guint)) : NULL;
  self->n_rings = n;
}

void
lab_scatter_plot_set_hover (LabScatterPlot *self,
                            int             index)
{
  self->hover = index >= 0 && (guint) index < self->n ? index : -1;
}

void
lab_scatter_plot_set_line (LabScatterPlot *self,
                           gboolean        shown,
                           double          x0,
                           double          y0,
                           double          x1,
                           double          y1)
{
  self->line_shown = shown;
  self->line[0] = x0;
  self->line[1] = y0;
  self->line[2] = x1;
  self->line[3] = y1;
}

/* Drawing */

static void
text_at (cairo_t    *cr,
         const char *text,
         double      x,
         double      y,
         double      align_x,   /* 0 left, 0.5 centre, 1 right */
         double      align_y)   /* 0 top, 0.5 middle */
{
  cairo_text_extents_t ext;

  cairo_text_extents (cr, text, &ext);
  cairo_move_to (cr, x - ext.x_advance * align_x, y - ext.y_bearing - ext.height * align_y);
  cairo_show_text (cr, text);
}

static void
draw_axes (LabScatterPlot *self,
           cairo_t        *cr)
{
  double ticks[32];
  guint n_ticks;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 13);
  cairo_set_line_width (cr, 1);

  n_ticks = lab_nice_ticks (self->x0, self->x1, MAX (2, (guint) (self->aw / 110)), ticks, G_N_ELEMENTS (ticks));
  for (guint i = 0; i < n_ticks; i++)
    {
      char buf[32];
      double px, py;

      lab_scatter_plot_to_pixel (self, ticks[i], 0, &px, &py);
      px = round (px) + 0.5;
      cairo_set_source_rgb (cr, 0.92, 0.92, 0.92);
      cairo_move_to (cr, px, self->ay);
      cairo_line_to (cr, px, self->ay + self->ah);
      cairo_stroke (cr);
      lab_format_tick (ticks[i], n_ticks > 1 ? ticks[1] - ticks[0] : 1, buf, sizeof buf);
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
      text_at (cr, buf, px, self->ay + self->ah + 7, 0.5, 0);
    }
  n_ticks = lab_nice_ticks (self->y0, self->y1, MAX (2, (guint) (self->ah / 80)), ticks, G_N_ELEMENTS (ticks));
  for (guint i = 0; i < n_ticks; i++)
    {
      char buf[32];
      double px, py;

      lab_scatter_plot_to_pixel (self, 0, ticks[i], &px, &py);
      py = round (py) + 0.5;
      cairo_set_source_rgb (cr, 0.92, 0.92, 0.92);
      cairo_move_to (cr, self->ax, py);
      cairo_line_to (cr, self->ax + self->aw, py);
      cairo_stroke (cr);
      lab_format_tick (ticks[i], n_ticks > 1 ? ticks[1] - ticks[0] : 1, buf, sizeof buf);
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
      text_at (cr, buf, self->ax - 7, py, 1, 0.5);
    }

  cairo_set_source_rgb (cr, 0.45, 0.45, 0.45);
  cairo_rectangle (cr, self->ax + 0.5, self->ay + 0.5, self->aw - 1, self->ah - 1);
  cairo_stroke (cr);

  cairo_set_font_size (cr, 14);
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  if (self->x_label != NULL)
    text_at (cr, self->x_label, self->ax + self->aw / 2, self->height - 22, 0.5, 0);
  if (self->y_label != NULL)
    {
      cairo_save (cr);
      cairo_translate (cr, 16, self->ay + self->ah / 2);
      cairo_rotate (cr, -G_PI / 2);
      text_at (cr, self->y_label, 0, 0, 0.5, 0.5);
      cairo_restore (cr);
    }
}

static void
draw_points (LabScatterPlot *self,
             cairo_t        *cr)
{
  double area = self->aw * self->ah;
  /* Points shrink as they crowd, and stay big enough to see from the back
   * of a classroom: a 2,000-point plot gets 5-7 px dots, 10,000 points
   * 3 px squares. */
  double size = CLAMP (sqrt (area / MAX (self->n, 1u)) * 0.42, 3.0, 9.0);
  gboolean round_dots = self->n <= MAX_ROUND_POINTS;
  double sx = self->aw / (self->x1 - self->x0);
  double sy = self->ah / (self->y1 - self->y0);
  double bx = self->ax - self->x0 * sx;
  double by = self->ay + self->ah + self->y0 * sy;
  double r = size / 2;
  double side = MAX (2, round (size));
  double oct[8][2];

  for (guint v = 0; v < 8; v++)
    {
      oct[v][0] = r * 1.026 * cos ((v + 0.5) * G_PI / 4);   /* same area as the circle */
      oct[v][1] = r * 1.026 * sin ((v + 0.5) * G_PI / 4);
    }

  cairo_save (cr);
  cairo_rectangle (cr, self->ax, self->ay, self->aw, self->ah);
  cairo_clip (cr);
  for (guint c = 0; c < LAB_SCATTER_MAX_CLASSES; c++)
    {
      guint start = self->class_start[c], end = self->class_start[c + 1];

      if (start == end || self->hidden[c])
        continue;
      for (guint k = start; k < end; k++)
        {
          guint i = self->order[k];
          double px = bx + self->points[2 * i] * sx;
          double py = by - self->points[2 * i + 1] * sy;

          if (px < self->ax - r || px > self->ax + self->aw + r
              || py < self->ay - r || py > self->ay + self->ah + r || !isfinite (px + py))
            continue;
          if (round_dots)
            {
              /* An octagon: round at these sizes, and far cheaper to
               * tessellate than cairo_arc's splines. */
              cairo_move_to (cr, px + oct[0][0], py + oct[0][1]);
              for (guint v = 1; v < 8; v++)
                cairo_line_to (cr, px + oct[v][0], py + oct[v][1]);
              cairo_close_path (cr);
            }
          else
            /* Pixel-aligned squares take pixman's fast path for boxes. */
            cairo_rectangle (cr, floor (px - r + 0.5), floor (py - r + 0.5), side, side);
        }
      /* One fill per class. */
      lab_palette_set (cr, c, 0.82);
      cairo_fill (cr);
    }
  cairo_restore (cr);
}

static void
ring (cairo_t *cr,
      double   px,
      double   py,
      double   radius,
      double   width)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, px, py, radius, 0, 2 * G_PI);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_set_line_width (cr, width + 2.5);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_set_line_width (cr, width);
  cairo_stroke (cr);
}

static void
draw_overlays (LabScatterPlot *self,
               cairo_t        *cr)
{
  double px, py;

  cairo_save (cr);
  cairo_rectangle (cr, self->ax, self->ay, self->aw, self->ah);
  cairo_clip (cr);

  for (guint i = 0; i < self->n_rings; i++)
    if (self->rings[i] < self->n)
      {
        lab_scatter_plot_to_pixel (self, self->points[2 * self->rings[i]],
                                   self->points[2 * self->rings[i] + 1], &px, &py);
        ring (cr, px, py, 7, 1.5);
      }

  if (self->line_shown)
    {
      double qx, qy, angle;

      lab_scatter_plot_to_pixel (self, self->line[0], self->line[1], &px, &py);
      lab_scatter_plot_to_pixel (self, self->line[2], self->line[3], &qx, &qy);
      angle = atan2 (qy - py, qx - px);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      for (guint pass = 0; pass < 2; pass++)
        {
          if (pass == 0)
            cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
          else
            cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
          cairo_set_line_width (cr, pass == 0 ? 6 : 3);
          cairo_move_to (cr, px, py);
          cairo_line_to (cr, qx, qy);
          /* an arrow head at the end the morph goes to */
          cairo_move_to (cr, qx - 14 * cos (angle - 0.45), qy - 14 * sin (angle - 0.45));
          cairo_line_to (cr, qx, qy);
          cairo_line_to (cr, qx - 14 * cos (angle + 0.45), qy - 14 * sin (angle + 0.45));
          cairo_stroke (cr);
        }
      cairo_arc (cr, px, py, 5, 0, 2 * G_PI);
      cairo_fill (cr);
    }

  if (self->hover >= 0)
    {
      lab_scatter_plot_to_pixel (self, self->points[2 * self->hover],
                                 self->points[2 * self->hover + 1], &px, &py);
      ring (cr, px, py, 8, 2.5);
    }

  if (self->marker_shown)
    {
      lab_scatter_plot_to_pixel (self, self->marker_x, self->marker_y, &px, &py);
      ring (cr, px, py, 11, 3);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      for (guint pass = 0; pass < 2; pass++)
        {
          cairo_set_line_width (cr, pass == 0 ? 5 : 2.5);
          if (pass == 0)
            cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
          else
            cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
          cairo_move_to (cr, px - 18, py);
          cairo_line_to (cr, px - 6, py);
          cairo_move_to (cr, px + 6, py);
          cairo_line_to (cr, px + 18, py);
          cairo_move_to (cr, px, py - 18);
          cairo_line_to (cr, px, py - 6);
          cairo_move_to (cr, px, py + 6);
          cairo_line_to (cr, px, py + 18);
          cairo_stroke (cr);
        }
    }
  cairo_restore (cr);
}

static void
draw_legend (LabScatterPlot *self,
             cairo_t        *cr)
{
  double top = self->ly + self->lhead;
  double h = self->lhead + LEGEND_ROW * self->legend_rows + 6;

  if (self->n_classes == 0)
    return;
  cairo_set_source_rgb (cr, 0.975, 0.975, 0.975);
  cairo_rectangle (cr, self->lx + 0.5, self->ly + 0.5, self->lw - 1, h);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.82, 0.82, 0.82);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 11);
  cairo_set_source_rgb (cr, 0.45, 0.45, 0.45);
  if (self->legend_hint != NULL)
    text_at (cr, self->legend_hint, self->lx + LEGEND_PAD, self->ly + 10, 0, 0);

  for (guint c = 0; c < self->legend_rows; c++)
    {
      double cy = top + LEGEND_ROW * c + LEGEND_ROW / 2.0;
      double sx = self->lx + LEGEND_PAD + LEGEND_SWATCH;
      gboolean hidden = self->hidden[c];
      char count[32];

      cairo_new_sub_path (cr);
      cairo_arc (cr, sx, cy, LEGEND_SWATCH - (hidden ? 1 : 0), 0, 2 * G_PI);
      if (hidden)
        {
          lab_palette_set (cr, c, 1);
          cairo_set_line_width (cr, 2);
          cairo_stroke (cr);
        }
      else
        {
          lab_palette_set (cr, c, 1);
          cairo_fill (cr);
        }

      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL,
                              hidden ? CAIRO_FONT_WEIGHT_NORMAL : CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, LEGEND_FONT);
      if (hidden)
        cairo_set_source_rgb (cr, 0.62, 0.62, 0.62);
      else
        cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
      cairo_save (cr);
      cairo_rectangle (cr, sx + LEGEND_SWATCH + 8, cy - LEGEND_ROW / 2.0, 220, LEGEND_ROW);
      cairo_clip (cr);
      text_at (cr, self->class_names[c], sx + LEGEND_SWATCH + 10, cy, 0, 0.5);
      cairo_restore (cr);

      g_snprintf (count, sizeof count, "%u", lab_scatter_plot_class_count (self, c));
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, 12);
      cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
      text_at (cr, count, self->lx + self->lw - LEGEND_PAD, cy, 1, 0.5);
    }
  if (self->legend_rows < self->n_classes)
    {
      char more[64];

      g_snprintf (more, sizeof more, "+ %u more", self->n_classes - self->legend_rows);
      cairo_set_font_size (cr, 12);
      cairo_set_source_rgb (cr, 0.45, 0.45, 0.45);
      text_at (cr, more, self->lx + LEGEND_PAD, top + LEGEND_ROW * self->legend_rows + 8, 0, 0);
    }
}

void
lab_scatter_plot_draw (LabScatterPlot *self,
                       cairo_t        *cr,
                       double          width,
                       double          height)
{
  if (width != self->width || height != self->height)
    lab_scatter_plot_set_size (self, width, height);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  if (self->title != NULL)
    {
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, 16);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      text_at (cr, self->title, self->ax + self->aw / 2, 10, 0.5, 0);
    }
  if (self->aw > 20 && self->ah > 20)
    {
      draw_axes (self, cr);
      draw_points (self, cr);
      draw_overlays (self, cr);
    }
  draw_legend (self, cr);
  cairo_restore (cr);
}

gboolean
lab_scatter_plot_save_png (LabScatterPlot  *self,
                           const char      *path,
                           int              width,
                           int              height,
                           GError         **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  cairo_status_t status;

  if (width < 1 || height < 1 || width > 16384 || height > 16384)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "%s: a plot of %d×%d pixels is not possible", path, width, height);
      return FALSE;
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  lab_scatter_plot_draw (self, cr, width, height);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, tmp);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS || g_rename (tmp, path) != 0)
    {
      int saved = errno;

      g_unlink (tmp);
      g_set_error (error, LAB_ERROR, LAB_ERROR_IO, "%s: cannot write the plot (%s)",
                   path, status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string (status)
                                                      : g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
