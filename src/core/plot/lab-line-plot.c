#define G_LOG_DOMAIN "latentlab-core"

#include "lab-line-plot-private.h"

#include <math.h>

#include "lab-palette.h"
#include "lab-figure.h"
#include "lab-plot-draw.h"

static void
series_free (gpointer data)
{
  LabLineSeries *s = data;

  g_free (s->name);
  g_array_unref (s->points);
  g_array_unref (s->errors);
  g_free (s);
}

static void
marker_clear (gpointer data)
{
  g_free (((LabLineMarker *) data)->label);
}

LabLinePlot *
lab_line_plot_new (void)
{
  LabLinePlot *self = g_new0 (LabLinePlot, 1);

  self->scale = 1;
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->markers = g_array_new (FALSE, FALSE, sizeof (LabLineMarker));
  g_array_set_clear_func (self->markers, marker_clear);
  return self;
}

void
lab_line_plot_set_scale (LabLinePlot *self,
                         double       scale)
{
  self->scale = CLAMP (scale, 0.25, 4.0);
}

double
lab_line_plot_get_scale (LabLinePlot *self)
{
  return self->scale;
}

void
lab_line_plot_free (LabLinePlot *self)
{
  if (self == NULL)
    return;
  g_free (self->title);
  g_free (self->x_label);
  g_free (self->y_label);
  g_ptr_array_unref (self->series);
  g_array_unref (self->markers);
  g_free (self);
}

void
lab_line_plot_set_title (LabLinePlot *self,
                         const char  *title)
{
  g_free (self->title);
  self->title = g_strdup (title);
}

const char *
lab_line_plot_get_title (LabLinePlot *self)
{
  return self->title;
}

void
lab_line_plot_set_labels (LabLinePlot *self,
                          const char  *x_label,
                          const char  *y_label)
{
  g_free (self->x_label);
  g_free (self->y_label);
  self->x_label = g_strdup (x_label);
  self->y_label = g_strdup (y_label);
}

void
lab_line_plot_set_log_y (LabLinePlot *self,
                         gboolean     log_y)
{
  self->log_y = log_y;
}

void
lab_line_plot_set_legend_outside (LabLinePlot *self,
                                  gboolean     outside)
{
  self->legend_outside = outside;
}

void
lab_line_plot_set_legend_below (LabLinePlot *self,
                                gboolean     below)
{
  self->legend_below = below;
}

void
lab_line_plot_set_log_x (LabLinePlot *self,
                         gboolean     log_x)
{
  self->log_x = log_x;
}

void
lab_line_plot_set_x_range (LabLinePlot *self,
                           double       lo,
                           double       hi)
{
  self->x_lo = lo;
  self->x_hi = hi;
}

gboolean
lab_line_plot_get_x_range (LabLinePlot *self,
                           double      *lo,
                           double      *hi)
{
  *lo = self->x_lo;
  *hi = self->x_hi;
  return self->x_lo < self->x_hi;
}

guint
lab_line_plot_add_series (LabLinePlot  *self,
                          const char   *name,
                          guint         color,
                          LabLineStyle  style)
{
  LabLineSeries *s = g_new0 (LabLineSeries, 1);

  s->name = g_strdup (name);
  s->color = color;
  s->style = style;
  s->points = g_array_new (FALSE, FALSE, sizeof (double));
  s->errors = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (self->series, s);
  return self->series->len - 1;
}

void
lab_line_plot_append (LabLinePlot *self,
                      guint        series,
                      double       x,
                      double       y)
{
  lab_line_plot_append_with_error (self, series, x, y, NAN);
}

void
lab_line_plot_append_with_error (LabLinePlot *self,
                                 guint        series,
                                 double       x,
                                 double       y,
                                 double       error)
{
  LabLineSeries *s;

  g_return_if_fail (series < self->series->len);
  s = g_ptr_array_index (self->series, series);
  g_array_append_val (s->points, x);
  g_array_append_val (s->points, y);
  g_array_append_val (s->errors, error);
}

guint
lab_line_plot_get_n_series (LabLinePlot *self)
{
  return self->series->len;
}

guint
lab_line_plot_get_n_points (LabLinePlot *self,
                            guint        series)
{
  g_return_val_if_fail (series < self->series->len, 0);
  return ((LabLineSeries *) g_ptr_array_index (self->series, series))->points->len / 2;
}

gboolean
lab_line_plot_get_point (LabLinePlot *self,
                         guint        series,
                         guint        i,
                         double      *x,
                         double      *y)
{
  LabLineSeries *s;

  if (series >= self->series->len)
    return FALSE;
  s = g_ptr_array_index (self->series, series);
  if (i >= s->points->len / 2)
    return FALSE;
  *x = g_array_index (s->points, double, 2 * i);
  *y = g_array_index (s->points, double, 2 * i + 1);
  return TRUE;
}

void
lab_line_plot_clear (LabLinePlot *self)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      LabLineSeries *s = g_ptr_array_index (self->series, i);
      g_array_set_size (s->points, 0);
      g_array_set_size (s->errors, 0);
    }
}

void
lab_line_plot_add_marker (LabLinePlot *self,
                          double       x,
                          const char  *label)
{
  LabLineMarker m = { x, g_strdup (label) };

  g_array_append_val (self->markers, m);
}

void
lab_line_plot_clear_markers (LabLinePlot *self)
{
  g_array_set_size (self->markers, 0);
}

static gboolean
draws_dots (LabLinePlot *self)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      LabLineSeries *s = g_ptr_array_index (self->series, i);

      if (s->points->len > 0 && lab_line_series_draws_dots (s))
        return TRUE;
    }
  return FALSE;
}

/* Data bounds in plot space (log10 of y on a log axis). FALSE if empty. */
static gboolean
bounds (LabLinePlot *self,
        double      *x0,
        double      *x1,
        double      *y0,
        double      *y1)
{
  gboolean any = FALSE;

  *x0 = *y0 = INFINITY;
  *x1 = *y1 = -INFINITY;
  for (guint i = 0; i < self->series->len; i++)
    {
      LabLineSeries *s = g_ptr_array_index (self->series, i);
      for (guint k = 0; k + 1 < s->points->len; k += 2)
        {
          double x = g_array_index (s->points, double, k);
          double y = g_array_index (s->points, double, k + 1);
          double e = lab_line_plot_point_error (s, k);
          if (!lab_line_plot_usable (self, x, y))
            continue;
          *x0 = MIN (*x0, lab_line_plot_tx (self, x));
          *x1 = MAX (*x1, lab_line_plot_tx (self, x));
          *y0 = MIN (*y0, lab_line_plot_ty (self, self->log_y || y - e <= 0 ? y : y - e));
          *y1 = MAX (*y1, lab_line_plot_ty (self, y + e));
          any = TRUE;
        }
    }
  if (self->x_lo < self->x_hi && (!self->log_x || self->x_lo > 0))
    {
      *x0 = lab_line_plot_tx (self, self->x_lo);
      *x1 = lab_line_plot_tx (self, self->x_hi);
    }
  if (!any)
    return FALSE;
  if (*x1 - *x0 < 1e-12)
    {
      *x0 -= 0.5;
      *x1 += 0.5;
    }
  else if (self->log_x)
    {
      /* room for the first and last points' dots and error bars */
      double pad = (*x1 - *x0) * 0.04;
      *x0 -= pad;
      *x1 += pad;
    }
  if (*y1 - *y0 < 1e-12)
    {
      double pad = self->log_y ? 0.5 : MAX (fabs (*y0) * 0.1, 1e-3);
      *y0 -= pad;
      *y1 += pad;
    }
  else
    {
      double pad = (*y1 - *y0) * 0.06;
      *y0 -= pad;
      *y1 += pad;
    }
  return TRUE;
}

/* Lays out a drawing width x height (logical units) into l; FALSE when
 * the plot area would be too small to draw. cr's font is the caller's. */
static gboolean
layout (LabLinePlot       *self,
        cairo_t           *cr,
        double             width,
        double             height,
        LabLinePlotLayout *l)
{
  double right = 16;

  l->top = self->title != NULL ? 34 : 16;
  l->have_data = bounds (self, &l->x0, &l->x1, &l->y0, &l->y1);
  if (!l->have_data)
    {
      if (self->x_lo < self->x_hi)
        l->x0 = self->x_lo, l->x1 = self->x_hi;
      else
        l->x0 = 0, l->x1 = 1;
      l->y0 = self->log_y ? -2 : 0;
      l->y1 = self->log_y ? 0 : 1;
    }

  /* The y ticks' labels depend on the range only, so the left margin fits
   * the widest of them beside the y title, whatever their text. */
  l->left = lab_line_plot_left_margin (self, cr, l->y0, l->y1, height - l->top - 48, &l->y_title_x);
  /* A legend of many lines (a line per layer) beside the plot rather than
   * over the curves, the plot area giving up its width, or below it when
   * that would leave the curves too little. */
  right += lab_line_plot_legend_size (self, cr, width, l);
  l->pw = width - l->left - right;
  /* the x tick labels and title below, 48 px, and a legend there */
  l->ph = height - l->top - 48 - l->below;
  if (l->pw < 20 || l->ph < 20)
    return FALSE;

  /* Dots whole at both ends of the x axis (a point at step 0, the last
   * epoch's): the range widens by a dot and a pixel each side. */
  if (l->have_data && draws_dots (self) && l->pw > 4 * (LAB_LINE_DOT_RADIUS + 1))
    {
      double pad = (LAB_LINE_DOT_RADIUS + 1) * (l->x1 - l->x0) / (l->pw - 2 * (LAB_LINE_DOT_RADIUS + 1));

      l->x0 -= pad;
      l->x1 += pad;
    }
  lab_line_plot_legend_place (self, width, l);
  return TRUE;
}

void
lab_line_plot_draw (LabLinePlot *self,
                    cairo_t     *cr,
                    double       width,
                    double       height)
{
  LabLinePlotLayout l;
  double left, top, pw, ph, x0, x1, y0, y1;
  double ticks[32];
  guint n_ticks;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  /* Everything larger by the scale: draw at the logical size. */
  cairo_scale (cr, self->scale, self->scale);
  width /= self->scale;
  height /= self->scale;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  /* smaller where it would not fit (a long title in a narrow column) */
  if (self->title != NULL)
    {
      lab_plot_title (cr, self->title, width, 8, 15);
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    }
  if (!layout (self, cr, width, height, &l))
    {
      cairo_restore (cr);
      return;
    }

  left = l.left, top = l.top, pw = l.pw, ph = l.ph;
  x0 = l.x0, x1 = l.x1, y0 = l.y0, y1 = l.y1;
#define PX(v) (left + ((v) - x0) / (x1 - x0) * pw)
#define PY(v) (top + ph - ((v) - y0) / (y1 - y0) * ph)

  /* grid and ticks */
  cairo_set_font_size (cr, 12);
  cairo_set_line_width (cr, 1);
  n_ticks = lab_line_plot_x_ticks (self, cr, x0, x1, left, pw, width, ticks, G_N_ELEMENTS (ticks));
  if (self->log_x)
    lab_plot_log_grid (cr, TRUE, x0, x1, left, left + pw, top, top + ph, ticks, n_ticks);
  else
    for (guint i = 0; i < n_ticks; i++)
      lab_plot_grid_tick (cr, TRUE, round (PX (ticks[i])) + 0.5, top, top + ph, 6, 0.91,
                          ticks[i], n_ticks > 1 ? ticks[1] - ticks[0] : 1);
  if (self->log_y)
    lab_plot_log_grid (cr, FALSE, y0, y1, top + ph, top, left, left + pw, NULL, 0);
  else
    {
      n_ticks = lab_nice_ticks (y0, y1, lab_line_plot_y_tick_target (ph), ticks, G_N_ELEMENTS (ticks));
      for (guint i = 0; i < n_ticks; i++)
        lab_plot_grid_tick (cr, FALSE, round (PY (ticks[i])) + 0.5, left, left + pw, 6, 0.91,
                            ticks[i], n_ticks > 1 ? ticks[1] - ticks[0] : 1);
    }

  /* axes frame */
  lab_plot_frame (cr, left, top, pw, ph);

  /* axis labels; a y title longer than the plot area is high (a legend
   * below it) reaches down from the top edge rather than past it */
  cairo_set_font_size (cr, 13);
  {
    cairo_text_extents_t ext = { 0 };

    if (self->y_label != NULL)
      cairo_text_extents (cr, self->y_label, &ext);
    lab_plot_axis_labels (cr, self->x_label, left + pw / 2, top + ph + 30,
                          self->y_label, l.y_title_x, MAX (top + ph / 2, ext.x_advance / 2 + 4));
  }

  lab_line_plot_markers_draw_lines (self, cr, &l);

  /* series, clipped to the plot area */
  cairo_save (cr);
  cairo_rectangle (cr, left, top, pw, ph);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < self->series->len && l.have_data; i++)
    {
      LabLineSeries *s = g_ptr_array_index (self->series, i);
      gboolean pen_down = FALSE;

      lab_palette_set (cr, s->color, 1);
      cairo_set_line_width (cr, s->style == LAB_LINE_STYLE_POINTS ? 1.5 : 2);
      for (guint k = 0; k + 1 < s->points->len; k += 2)
        {
          double x = g_array_index (s->points, double, k);
          double y = g_array_index (s->points, double, k + 1);
          if (!lab_line_plot_usable (self, x, y))
            {
              pen_down = FALSE;
              continue;
            }
          if (pen_down)
            cairo_line_to (cr, PX (lab_line_plot_tx (self, x)), PY (lab_line_plot_ty (self, y)));
          else
            cairo_move_to (cr, PX (lab_line_plot_tx (self, x)), PY (lab_line_plot_ty (self, y)));
          pen_down = TRUE;
        }
      cairo_stroke (cr);
      /* error bars: a vertical line from y - e to y + e with caps */
      cairo_set_line_width (cr, 1.5);
      for (guint k = 0; k + 1 < s->points->len; k += 2)
        {
          double x = g_array_index (s->points, double, k);
          double y = g_array_index (s->points, double, k + 1);
          double e = lab_line_plot_point_error (s, k), px, lo, hi;
          if (!lab_line_plot_usable (self, x, y) || e == 0)
            continue;
          px = PX (lab_line_plot_tx (self, x));
          lo = PY (lab_line_plot_ty (self, self->log_y && y - e <= 0 ? y : y - e));
          hi = PY (lab_line_plot_ty (self, y + e));
          cairo_move_to (cr, px, lo);
          cairo_line_to (cr, px, hi);
          cairo_move_to (cr, px - 4, lo);
          cairo_line_to (cr, px + 4, lo);
          cairo_move_to (cr, px - 4, hi);
          cairo_line_to (cr, px + 4, hi);
        }
      cairo_stroke (cr);
      /* dots for the points style, and for a line of a single point,
       * which no stroke would show */
      if (lab_line_series_draws_dots (s))
        for (guint k = 0; k + 1 < s->points->len; k += 2)
          {
            double x = g_array_index (s->points, double, k);
            double y = g_array_index (s->points, double, k + 1);
            if (!lab_line_plot_usable (self, x, y))
              continue;
            cairo_new_sub_path (cr);
            cairo_arc (cr, PX (lab_line_plot_tx (self, x)), PY (lab_line_plot_ty (self, y)), LAB_LINE_DOT_RADIUS, 0, 2 * G_PI);
          }
      cairo_fill (cr);
    }
  cairo_restore (cr);

  lab_line_plot_markers_draw_labels (self, cr, &l);
  lab_line_plot_legend_draw (self, cr, &l);
#undef PX
#undef PY
  cairo_restore (cr);
}

/* A context to measure text in as lab_line_plot_draw() draws it, at the
 * plot's scale; the caller destroys it. */
static cairo_t *
measuring_context (LabLinePlot *self)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
  cairo_t *cr = cairo_create (surface);

  cairo_surface_destroy (surface);
  cairo_scale (cr, self->scale, self->scale);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  return cr;
}

double
lab_line_plot_get_legend_height (LabLinePlot *self,
                                 double       width)
{
  cairo_t *cr = measuring_context (self);
  LabLinePlotLayout l;

  /* an outside legend's size depends on the width alone */
  layout (self, cr, width / self->scale, G_MAXINT16, &l);
  cairo_destroy (cr);
  return self->legend_outside ? l.below * self->scale : 0;
}

gboolean
lab_line_plot_get_area (LabLinePlot *self,
                        double       width,
                        double       height,
                        double      *x,
                        double      *y,
                        double      *w,
                        double      *h)
{
  cairo_t *cr = measuring_context (self);
  LabLinePlotLayout l;
  gboolean fits = layout (self, cr, width / self->scale, height / self->scale, &l);

  cairo_destroy (cr);
  *x = l.left * self->scale;
  *y = l.top * self->scale;
  *w = l.pw * self->scale;
  *h = l.ph * self->scale;
  return fits;
}

gboolean
lab_line_plot_get_legend_area (LabLinePlot *self,
                               double       width,
                               double       height,
                               double      *x,
                               double      *y,
                               double      *w,
                               double      *h,
                               gboolean    *below)
{
  cairo_t *cr = measuring_context (self);
  LabLinePlotLayout l = { 0 };
  gboolean fits = layout (self, cr, width / self->scale, height / self->scale, &l);

  cairo_destroy (cr);
  *x = l.lx * self->scale;
  *y = l.ly * self->scale;
  *w = l.lw * self->scale;
  *h = l.lh * self->scale;
  *below = l.below > 0;
  return fits && self->series->len > 0;
}

void
lab_line_plot_draw_figure (gpointer  plot,
                           cairo_t  *cr,
                           double    width,
                           double    height)
{
  lab_line_plot_draw (plot, cr, width, height);
}

gboolean
lab_line_plot_save_png (LabLinePlot  *self,
                        const char   *path,
                        int           width,
                        int           height,
                        GError      **error)
{
  return lab_figure_save_as (lab_line_plot_draw_figure, self, LAB_FIGURE_PNG, width, height, path, error);
}
