#define G_LOG_DOMAIN "latentlab-core"

#include "lab-scatter-plot-private.h"

#include <math.h>
#include <string.h>

#include "lab-palette.h"

LabScatterPlot *
lab_scatter_plot_new (void)
{
  LabScatterPlot *self = g_new0 (LabScatterPlot, 1);

  self->class_names = g_new0 (char *, 1);
  self->x0 = self->y0 = -1;
  self->x1 = self->y1 = 1;
  self->fitted = TRUE;
  self->hover = -1;
  self->scale = 1;
  self->legend_row = LEGEND_ROW;
  self->threshold = NAN;
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
  g_free (self->groups);
  g_free (self->values);
  g_free (self->value_label);
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
  lab_scatter_plot_set_size (self, self->dev_width, self->dev_height);
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
  lab_scatter_plot_set_size (self, self->dev_width, self->dev_height);
}

/* Points */

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
  self->labels = g_malloc0 (MAX (n, 1));
  if (labels != NULL && n > 0)
    memcpy (self->labels, labels, n);
  memset (self->class_count, 0, sizeof self->class_count);
  for (guint i = 0; i < n; i++)
    self->class_count[self->labels[i]]++;
  /* values belong to the points they came with */
  g_clear_pointer (&self->values, g_free);
  lab_scatter_plot_regroup (self);
  if (self->color_mode == LAB_SCATTER_COLOR_VALUE)
    lab_scatter_plot_set_size (self, self->dev_width, self->dev_height);   /* the legend is back */
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
  lab_scatter_plot_set_size (self, self->dev_width, self->dev_height);
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
  return self->class_count[label];
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

  self->dev_width = width;
  self->dev_height = height;
  width /= self->scale;
  height /= self->scale;
  self->width = width;
  self->height = height;
  if (lab_scatter_plot_shows_colorbar (self))
    {
      char tick[32];

      /* the bar, its tick labels; the title above */
      lab_format_tick (self->value_hi, (self->value_hi - self->value_lo) / 5, tick, sizeof tick);
      legend = LEGEND_PAD + COLORBAR_WIDTH + 8 + text_width (self, tick, 13) + 12 + LEGEND_PAD;
      if (self->value_label != NULL)
        legend = MAX (legend, text_width (self, self->value_label, 13) + 2 * LEGEND_PAD);
    }
  else if (self->n_classes > 0)
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
  /* The legend's header line, then its rows: closer together where that
   * fits them all (ten digits on a projector's short plot), without the
   * hint if that is what it takes; else as many as fit, with a line saying
   * how many are left out. */
  self->legend_rows = self->n_classes;
  self->legend_row = LEGEND_ROW;
  self->lhead = self->legend_hint != NULL ? LEGEND_HEAD_HINT : LEGEND_HEAD;
  if (self->ah < self->lhead + LEGEND_ROW * self->n_classes)
    {
      if (self->ah < self->lhead + LEGEND_ROW_MIN * self->n_classes
          && self->ah >= LEGEND_HEAD + LEGEND_ROW_MIN * self->n_classes)
        self->lhead = LEGEND_HEAD;
      if (self->ah >= self->lhead + LEGEND_ROW_MIN * self->n_classes)
        self->legend_row = MIN (LEGEND_ROW, (self->ah - self->lhead) / self->n_classes);
      else
        self->legend_rows = (guint) MAX (0, (self->ah - self->lhead - LEGEND_ROW) / LEGEND_ROW);
    }
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
  *x = self->ax * self->scale;
  *y = self->ay * self->scale;
  *width = self->aw * self->scale;
  *height = self->ah * self->scale;
}

void
lab_scatter_plot_set_scale (LabScatterPlot *self,
                            double          scale)
{
  scale = CLAMP (scale, 0.25, 4.0);
  if (scale == self->scale)
    return;
  self->scale = scale;
  lab_scatter_plot_set_size (self, self->dev_width, self->dev_height);
}

double
lab_scatter_plot_get_scale (LabScatterPlot *self)
{
  return self->scale;
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
  px /= self->scale;
  py /= self->scale;
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
  double sx = (self->x1 - self->x0) / (self->aw * self->scale);
  double sy = (self->y1 - self->y0) / (self->ah * self->scale);

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
  px /= self->scale;
  py /= self->scale;
  *x = self->x0 + (px - self->ax) / self->aw * (self->x1 - self->x0);
  *y = self->y0 + (self->ay + self->ah - py) / self->ah * (self->y1 - self->y0);
}

void
lab_scatter_plot_to_logical (LabScatterPlot *self,
                             double          x,
                             double          y,
                             double         *px,
                             double         *py)
{
  *px = self->ax + (x - self->x0) / (self->x1 - self->x0) * self->aw;
  *py = self->ay + self->ah - (y - self->y0) / (self->y1 - self->y0) * self->ah;
}

void
lab_scatter_plot_to_pixel (LabScatterPlot *self,
                           double          x,
                           double          y,
                           double         *px,
                           double         *py)
{
  lab_scatter_plot_to_logical (self, x, y, px, py);
  *px *= self->scale;
  *py *= self->scale;
}

gboolean
lab_scatter_plot_in_area (LabScatterPlot *self,
                          double          px,
                          double          py)
{
  px /= self->scale;
  py /= self->scale;
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

  px /= self->scale;
  py /= self->scale;
  if (lab_scatter_plot_shows_colorbar (self))
    return -1;
  if (self->n_classes == 0 || px < self->lx || px > self->lx + self->lw || py < top)
    return -1;
  if ((py - top) / self->legend_row >= self->legend_rows)
    return -1;
  return (int) ((py - top) / self->legend_row);
}

gboolean
lab_scatter_plot_get_legend_entry (LabScatterPlot *self,
                                   guint           label,
                                   double         *x,
                                   double         *y,
                                   double         *width,
                                   double         *height)
{
  if (label >= self->legend_rows || lab_scatter_plot_shows_colorbar (self))
    return FALSE;
  *x = self->lx * self->scale;
  *y = (self->ly + self->lhead + self->legend_row * label) * self->scale;
  *width = self->lw * self->scale;
  *height = self->legend_row * self->scale;
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
