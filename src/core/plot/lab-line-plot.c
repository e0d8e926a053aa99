#define G_LOG_DOMAIN "latentlab-core"

#include "lab-line-plot.h"

#include <math.h>
#include <string.h>

#include "lab-palette.h"
#include "lab-figure.h"
#include "lab-plot-draw.h"

typedef struct
{
  char         *name;
  guint         color;
  LabLineStyle  style;
  GArray       *points;   /* (element-type double) x0, y0, x1, y1, ... */
  GArray       *errors;   /* (element-type double) one per point: the error bar's
                           * half height, NAN for none */
} Series;

typedef struct
{
  double  x;
  char   *label;
} Marker;

struct _LabLinePlot
{
  double     scale;        /* presentation: drawn this much larger */
  char      *title;
  char      *x_label;
  char      *y_label;
  gboolean   log_x;
  gboolean   log_y;
  gboolean   legend_outside;  /* right of the plot area rather than over it */
  double     x_lo, x_hi;    /* fixed range when x_lo < x_hi */
  GPtrArray *series;        /* (element-type Series) */
  GArray    *markers;       /* (element-type Marker) */
};

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->name);
  g_array_unref (s->points);
  g_array_unref (s->errors);
  g_free (s);
}

static void
marker_clear (gpointer data)
{
  g_free (((Marker *) data)->label);
}

LabLinePlot *
lab_line_plot_new (void)
{
  LabLinePlot *self = g_new0 (LabLinePlot, 1);

  self->scale = 1;
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->markers = g_array_new (FALSE, FALSE, sizeof (Marker));
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
  Series *s = g_new0 (Series, 1);

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
  Series *s;

  g_return_if_fail (series < self->series->len);
  s = g_ptr_array_index (self->series, series);
  g_array_append_val (s->points, x);
  g_array_append_val (s->points, y);
  g_array_append_val (s->errors, error);
}

guint
lab_line_plot_get_n_points (LabLinePlot *self,
                            guint        series)
{
  g_return_val_if_fail (series < self->series->len, 0);
  return ((Series *) g_ptr_array_index (self->series, series))->points->len / 2;
}

gboolean
lab_line_plot_get_point (LabLinePlot *self,
                         guint        series,
                         guint        i,
                         double      *x,
                         double      *y)
{
  Series *s;

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
      Series *s = g_ptr_array_index (self->series, i);
      g_array_set_size (s->points, 0);
      g_array_set_size (s->errors, 0);
    }
}

void
lab_line_plot_add_marker (LabLinePlot *self,
                          double       x,
                          const char  *label)
{
  Marker m = { x, g_strdup (label) };

  g_array_append_val (self->markers, m);
}

void
lab_line_plot_clear_markers (LabLinePlot *self)
{
  g_array_set_size (self->markers, 0);
}

static gboolean
usable (const LabLinePlot *self,
        double             x,
        double             y)
{
  return isfinite (x) && isfinite (y) && (!self->log_y || y > 0) && (!self->log_x || x > 0);
}

static double
ty (const LabLinePlot *self,
    double             y)
{
  return self->log_y ? log10 (y) : y;
}

static double
tx (const LabLinePlot *self,
    double             x)
{
  return self->log_x ? log10 (x) : x;
}

/* The half height of point k / 2's error bar, or 0. */
static double
point_error (const Series *s,
             guint         k)
{
  double e = g_array_index (s->errors, double, k / 2);

  return isfinite (e) && e > 0 ? e : 0;
}

/* The points style's dots, and a line's of a single point. */
#define DOT_RADIUS 3.5

static gboolean
series_draws_dots (const Series *s)
{
  return s->style == LAB_LINE_STYLE_POINTS || s->points->len == 2;
}

static gboolean
draws_dots (LabLinePlot *self)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      if (s->points->len > 0 && series_draws_dots (s))
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
      Series *s = g_ptr_array_index (self->series, i);
      for (guint k = 0; k + 1 < s->points->len; k += 2)
        {
          double x = g_array_index (s->points, double, k);
          double y = g_array_index (s->points, double, k + 1);
          double e = point_error (s, k);
          if (!usable (self, x, y))
            continue;
          *x0 = MIN (*x0, tx (self, x));
          *x1 = MAX (*x1, tx (self, x));
          *y0 = MIN (*y0, ty (self, self->log_y || y - e <= 0 ? y : y - e));
          *y1 = MAX (*y1, ty (self, y + e));
          any = TRUE;
        }
    }
  if (self->x_lo < self->x_hi && (!self->log_x || self->x_lo > 0))
    {
      *x0 = tx (self, self->x_lo);
      *x1 = tx (self, self->x_hi);
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

/* The widest y tick label, at the font size the ticks are drawn with:
 * the same labels (and the same rule for which get one) as the drawing's. */
static double
y_tick_width (LabLinePlot *self,
              cairo_t     *cr,
              double       y0,
              double       y1)
{
  double widest = 0, ticks[32];
  char buf[32];
  guint n;

  cairo_save (cr);
  cairo_set_font_size (cr, 12);
  if (self->log_y)
    {
      n = lab_log_ticks (y0, y1, ticks, G_N_ELEMENTS (ticks));
      for (guint i = 0; i < n; i++)
        {
          cairo_text_extents_t ext;

          lab_plot_log_tick_text (ticks[i], buf, sizeof buf);
          cairo_text_extents (cr, buf, &ext);
          widest = MAX (widest, ext.x_advance);
        }
    }
  else
    {
      n = lab_nice_ticks (y0, y1, 5, ticks, G_N_ELEMENTS (ticks));
      for (guint i = 0; i < n; i++)
        {
          cairo_text_extents_t ext;

          lab_format_tick (ticks[i], n > 1 ? ticks[1] - ticks[0] : 1, buf, sizeof buf);
          cairo_text_extents (cr, buf, &ext);
          widest = MAX (widest, ext.x_advance);
        }
    }
  cairo_restore (cr);
  return widest;
}

/* The left margin: from the edge, the rotated y title (its line height at
 * the axis-title font size), a gap, the widest tick label and the tick
 * gap. *title_x gets the title's centre. */
static double
left_margin (LabLinePlot *self,
             cairo_t     *cr,
             double       y0,
             double       y1,
             double      *title_x)
{
  const double edge = 4, gap = 8, tick_gap = 6;
  double title_h = 0;

  if (self->y_label != NULL && self->y_label[0] != '\0')
    {
      cairo_font_extents_t fext;

      cairo_save (cr);
      cairo_set_font_size (cr, 13);
      cairo_font_extents (cr, &fext);
      cairo_restore (cr);
      title_h = fext.ascent + fext.descent;
    }
  *title_x = edge + title_h / 2;
  return ceil (edge + title_h + gap + y_tick_width (self, cr, y0, y1) + tick_gap);
}

/* The legend box's width at the font size it is drawn with. */
static double
legend_width (LabLinePlot *self,
              cairo_t     *cr)
{
  double lw = 0;

  cairo_save (cr);
  cairo_set_font_size (cr, 12);
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      cairo_text_extents_t ext;

      cairo_text_extents (cr, s->name ? s->name : "", &ext);
      lw = MAX (lw, ext.x_advance);
    }
  cairo_restore (cr);
  return lw + 40;
}

/* How much of the series a box (bx, by, bw, bh) over the plot area would
 * hide: their points, points along each line's segments and the ends of
 * error bars that fall inside it, the points counting most. */
static guint
hidden_by (const LabLinePlot *self,
           double x0, double x1, double y0, double y1,
           double left, double top, double pw, double ph,
           double bx, double by, double bw, double bh)
{
  guint n = 0;

#define INSIDE(px, py) ((px) >= bx && (px) <= bx + bw && (py) >= by && (py) <= by + bh)
  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *s = g_ptr_array_index (self->series, i);
      gboolean have_prev = FALSE;
      double prev_x = 0, prev_y = 0;

      for (guint k = 0; k + 1 < s->points->len; k += 2)
        {
          double x = g_array_index (s->points, double, k);
          double y = g_array_index (s->points, double, k + 1);
          double px, py, e;

          if (!usable (self, x, y))
            {
              have_prev = FALSE;
              continue;
            }
          px = left + (tx (self, x) - x0) / (x1 - x0) * pw;
          py = top + ph - (ty (self, y) - y0) / (y1 - y0) * ph;
          n += 4 * INSIDE (px, py);
          if ((e = point_error (s, k)) > 0)
            for (int sign = -1; sign <= 1; sign += 2)
              {
                double v = y + sign * e;

                if (!self->log_y || v > 0)
                  n += INSIDE (px, top + ph - (ty (self, v) - y0) / (y1 - y0) * ph);
              }
          if (have_prev && s->style != LAB_LINE_STYLE_POINTS)
            for (guint t = 1; t < 8; t++)
              n += INSIDE (prev_x + (px - prev_x) * t / 8, prev_y + (py - prev_y) * t / 8);
          prev_x = px;
          prev_y = py;
          have_prev = TRUE;
        }
    }
#undef INSIDE
  return n;
}

/* A log x axis labels each x the series share when they are a few (the
 * label budgets of a transfer curve: 100, 300, 1000, 1800, 5000): at most
 * this many. */
#define MAX_LABELLED_X 8

/* The distinct x of the series' points in [x0, x1] (log10 units), in
 * increasing order, into xs[MAX_LABELLED_X]: their count, or 0 when there
 * are more. */
static guint
shared_log_x (LabLinePlot *self,
              double       x0,
              double       x1,
              double      *xs)
{
  guint n = 0;

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      for (guint k = 0; k + 1 < s->points->len; k += 2)
        {
          double x = g_array_index (s->points, double, k);
          double v;
          guint at = 0;

          if (!usable (self, x, g_array_index (s->points, double, k + 1))
              || (v = tx (self, x)) < x0 || v > x1)
            continue;
          while (at < n && xs[at] < v - 1e-9)
            at++;
          if (at < n && xs[at] <= v + 1e-9)
            continue;
          if (n == MAX_LABELLED_X)
            return 0;
          memmove (xs + at + 1, xs + at, (n - at) * sizeof *xs);
          xs[at] = v;
          n++;
        }
    }
  return n;
}

/* The labelled ticks of a log x axis over [x0, x1] drawn from left to
 * left + pw in a figure width wide (log10 units, into ticks[max], max at
 * least MAX_LABELLED_X): the x the series share when they are few and
 * their labels stand apart, else lab_log_ticks()'s, else only its
 * decades where its labels would run into each other. */
static guint
log_x_ticks (LabLinePlot *self,
             cairo_t     *cr,
             double       x0,
             double       x1,
             double       left,
             double       pw,
             double       width,
             double      *ticks,
             guint        max)
{
  guint n = shared_log_x (self, x0, x1, ticks), n_decades = 0;

  if (n > 0 && lab_plot_log_labels_fit (cr, ticks, n, x0, x1, left, left + pw, width))
    return n;
  n = lab_log_ticks (x0, x1, ticks, max);
  if (lab_plot_log_labels_fit (cr, ticks, n, x0, x1, left, left + pw, width))
    return n;
  for (guint i = 0; i < n; i++)
    if (fabs (ticks[i] - round (ticks[i])) < 1e-9)
      ticks[n_decades++] = ticks[i];
  return n_decades >= 2 ? n_decades : lab_log_ticks (x0, x1, ticks, max);
}

void
lab_line_plot_draw (LabLinePlot *self,
                    cairo_t     *cr,
                    double       width,
                    double       height)
{
  double x0, x1, y0, y1;
  double left, right = 16, top = 16, bottom = 48, y_title_x;
  double pw, ph;
  double lw = 0, lh = 8, lx = 0, ly = 0;   /* the legend box */
  double ticks[32];
  guint n_ticks;
  gboolean have_data;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  /* Everything larger by the scale: draw at the logical size. */
  cairo_scale (cr, self->scale, self->scale);
  width /= self->scale;
  height /= self->scale;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  if (self->title != NULL)
    {
      cairo_set_font_size (cr, 15);
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      lab_plot_text_at (cr, self->title, width / 2, 8, 0.5, 0);
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      top = 34;
    }

  /* A legend of many lines (a line per layer) beside the plot rather than
   * over the curves: the plot area gives up its width. */
  if (self->legend_outside && self->series->len > 0)
    right += legend_width (self, cr) + 8;

  have_data = bounds (self, &x0, &x1, &y0, &y1);
  if (!have_data)
    {
      if (self->x_lo < self->x_hi)
        x0 = self->x_lo, x1 = self->x_hi;
      else
        x0 = 0, x1 = 1;
      y0 = self->log_y ? -2 : 0;
      y1 = self->log_y ? 0 : 1;
    }

  /* The y ticks' labels depend on the range only, so the left margin fits
   * the widest of them beside the y title, whatever their text. */
  left = left_margin (self, cr, y0, y1, &y_title_x);
  pw = width - left - right;
  ph = height - top - bottom;
  if (pw < 20 || ph < 20)
    {
      cairo_restore (cr);
      return;
    }

  /* Dots whole at both ends of the x axis (a point at step 0, the last
   * epoch's): the range widens by a dot and a pixel each side. */
  if (have_data && draws_dots (self) && pw > 4 * (DOT_RADIUS + 1))
    {
      double pad = (DOT_RADIUS + 1) * (x1 - x0) / (pw - 2 * (DOT_RADIUS + 1));

      x0 -= pad;
      x1 += pad;
    }

#define PX(v) (left + ((v) - x0) / (x1 - x0) * pw)
#define PY(v) (top + ph - ((v) - y0) / (y1 - y0) * ph)

  /* grid and ticks */
  cairo_set_font_size (cr, 12);
  cairo_set_line_width (cr, 1);
  if (self->log_x)
    {
      n_ticks = log_x_ticks (self, cr, x0, x1, left, pw, width, ticks, G_N_ELEMENTS (ticks));
      lab_plot_log_grid (cr, TRUE, x0, x1, left, left + pw, top, top + ph, ticks, n_ticks);
    }
  else
    {
      n_ticks = lab_nice_ticks (x0, x1, 6, ticks, G_N_ELEMENTS (ticks));
      for (guint i = 0; i < n_ticks; i++)
        lab_plot_grid_tick (cr, TRUE, round (PX (ticks[i])) + 0.5, top, top + ph, 6, 0.91,
                            ticks[i], n_ticks > 1 ? ticks[1] - ticks[0] : 1);
    }
  if (self->log_y)
    lab_plot_log_grid (cr, FALSE, y0, y1, top + ph, top, left, left + pw, NULL, 0);
  else
    {
      n_ticks = lab_nice_ticks (y0, y1, 5, ticks, G_N_ELEMENTS (ticks));
      for (guint i = 0; i < n_ticks; i++)
        lab_plot_grid_tick (cr, FALSE, round (PY (ticks[i])) + 0.5, left, left + pw, 6, 0.91,
                            ticks[i], n_ticks > 1 ? ticks[1] - ticks[0] : 1);
    }

  /* axes frame */
  lab_plot_frame (cr, left, top, pw, ph);

  /* axis labels */
  cairo_set_font_size (cr, 13);
  lab_plot_axis_labels (cr, self->x_label, left + pw / 2, height - 18,
                        self->y_label, y_title_x, top + ph / 2);

  /* The legend's box (drawn last): beside the plot, or inside it in the
   * corner where it hides the least of the data, top right when several
   * hide as little (the transfer curve rises into the top right corner). */
  if (self->series->len > 0)
    {
      lw = legend_width (self, cr);
      lh = 8 + 18.0 * self->series->len;
      lx = self->legend_outside ? left + pw + 8 : left + pw - lw - 8;
      ly = self->legend_outside ? top : top + 8;
      if (!self->legend_outside && have_data && lh + 16 < ph)
        {
          const double xs[] = { left + pw - lw - 8, left + 8, left + pw - lw - 8, left + 8 };
          const double ys[] = { top + 8, top + 8, top + ph - lh - 8, top + ph - lh - 8 };
          guint best = G_MAXUINT;

          for (guint c = 0; c < G_N_ELEMENTS (xs) && best > 0; c++)
            {
              guint hidden = hidden_by (self, x0, x1, y0, y1, left, top, pw, ph,
                                        xs[c] - 4, ys[c] - 4, lw + 8, lh + 8);

              if (hidden < best)
                {
                  best = hidden;
                  lx = xs[c];
                  ly = ys[c];
                }
            }
        }
    }

  /* markers */
  for (guint i = 0; i < self->markers->len; i++)
    {
      Marker *m = &g_array_index (self->markers, Marker, i);
      double px;
      const double dash[] = { 5, 4 };

      if ((self->log_x && m->x <= 0) || tx (self, m->x) < x0 || tx (self, m->x) > x1)
        continue;
      px = round (PX (tx (self, m->x))) + 0.5;
      cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, px, top);
      cairo_line_to (cr, px, top + ph);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (m->label != NULL)
        {
          gboolean on_left = px > left + pw * 0.7;
          cairo_text_extents_t ext;
          double from, to, y = top + 4;

          cairo_set_font_size (cr, 12);
          cairo_text_extents (cr, m->label, &ext);
          from = on_left ? px - 4 - ext.x_advance : px + 4;
          to = on_left ? px - 4 : px + 4 + ext.x_advance;
          /* Below the legend where it would hide the label. */
          if (self->series->len > 0 && to > lx && from < lx + lw && y < ly + lh)
            y = ly + lh + 4;
          lab_plot_text_at (cr, m->label, from, y, 0, 0);
        }
    }

  /* series, clipped to the plot area */
  cairo_save (cr);
  cairo_rectangle (cr, left, top, pw, ph);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < self->series->len && have_data; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      gboolean pen_down = FALSE;

      lab_palette_set (cr, s->color, 1);
      cairo_set_line_width (cr, s->style == LAB_LINE_STYLE_POINTS ? 1.5 : 2);
      for (guint k = 0; k + 1 < s->points->len; k += 2)
        {
          double x = g_array_index (s->points, double, k);
          double y = g_array_index (s->points, double, k + 1);
          if (!usable (self, x, y))
            {
              pen_down = FALSE;
              continue;
            }
          if (pen_down)
            cairo_line_to (cr, PX (tx (self, x)), PY (ty (self, y)));
          else
            cairo_move_to (cr, PX (tx (self, x)), PY (ty (self, y)));
          pen_down = TRUE;
        }
      cairo_stroke (cr);
      /* error bars: a vertical line from y - e to y + e with caps */
      cairo_set_line_width (cr, 1.5);
      for (guint k = 0; k + 1 < s->points->len; k += 2)
        {
          double x = g_array_index (s->points, double, k);
          double y = g_array_index (s->points, double, k + 1);
          double e = point_error (s, k), px, lo, hi;
          if (!usable (self, x, y) || e == 0)
            continue;
          px = PX (tx (self, x));
          lo = PY (ty (self, self->log_y && y - e <= 0 ? y : y - e));
          hi = PY (ty (self, y + e));
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
      if (series_draws_dots (s))
        for (guint k = 0; k + 1 < s->points->len; k += 2)
          {
            double x = g_array_index (s->points, double, k);
            double y = g_array_index (s->points, double, k + 1);
            if (!usable (self, x, y))
              continue;
            cairo_new_sub_path (cr);
            cairo_arc (cr, PX (tx (self, x)), PY (ty (self, y)), DOT_RADIUS, 0, 2 * G_PI);
          }
      cairo_fill (cr);
    }
  cairo_restore (cr);

  /* legend */
  if (self->series->len > 0)
    {
      cairo_set_font_size (cr, 12);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.88);
      cairo_rectangle (cr, lx, ly, lw, lh);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0.8, 0.8, 0.8);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
      for (guint i = 0; i < self->series->len; i++)
        {
          Series *s = g_ptr_array_index (self->series, i);
          double cy = ly + 13 + 18 * i;
          lab_palette_set (cr, s->color, 1);
          cairo_set_line_width (cr, 2.5);
          cairo_move_to (cr, lx + 8, cy);
          cairo_line_to (cr, lx + 28, cy);
          cairo_stroke (cr);
          cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
          lab_plot_text_at (cr, s->name ? s->name : "", lx + 34, cy, 0, 0.5);
        }
    }
#undef PX
#undef PY
  cairo_restore (cr);
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
