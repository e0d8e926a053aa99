#define G_LOG_DOMAIN "latentlab-core"

#include "lab-line-plot-private.h"

#include <math.h>
#include <string.h>

#include "lab-palette.h"
#include "lab-plot-draw.h"

/* About how many labelled ticks a linear y axis ph high (logical px)
 * has: 5, fewer where their labels would run into each other (a
 * projector's small plot, a legend below it). */
guint
lab_line_plot_y_tick_target (double ph)
{
  return CLAMP ((guint) (MAX (ph, 0) / 24), 2, 5);
}

/* The widest y tick label, at the font size the ticks are drawn with:
 * the same labels (and the same rule for which get one) as the drawing's
 * on a y axis ph high, or a shorter one. */
static double
y_tick_width (LabLinePlot *self,
              cairo_t     *cr,
              double       y0,
              double       y1,
              double       ph)
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
      n = lab_nice_ticks (y0, y1, lab_line_plot_y_tick_target (ph), ticks, G_N_ELEMENTS (ticks));
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
 * gap, for a plot area ph high (before a legend below takes some).
 * *title_x gets the title's centre. */
double
lab_line_plot_left_margin (LabLinePlot *self,
                           cairo_t     *cr,
                           double       y0,
                           double       y1,
                           double       ph,
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
  return ceil (edge + title_h + gap + y_tick_width (self, cr, y0, y1, ph) + tick_gap);
}

/* A log x axis labels each x the series share when they are a few round
 * values (the label budgets of a transfer curve: 100, 300, 1000, 1800,
 * 5000): at most this many. */
#define MAX_LABELLED_X 8

/* Whether x > 0 reads at a glance: two significant digits at most (1800,
 * 300, 0.25), not 4385 or 1149520. */
static gboolean
round_x (double x)
{
  double r = x / pow (10, floor (log10 (x)) - 1);

  return fabs (r - round (r)) < 1e-6 * r;
}

/* The distinct x of the series' points in [x0, x1] (log10 units), in
 * increasing order, into xs[MAX_LABELLED_X]: their count, or 0 when there
 * are more or one is not round_x(). */
static guint
shared_log_x (LabLinePlot *self,
              double       x0,
              double       x1,
              double      *xs)
{
  guint n = 0;

  for (guint i = 0; i < self->series->len; i++)
    {
      LabLineSeries *s = g_ptr_array_index (self->series, i);

      for (guint k = 0; k + 1 < s->points->len; k += 2)
        {
          double x = g_array_index (s->points, double, k);
          double v;
          guint at = 0;

          if (!lab_line_plot_usable (self, x, g_array_index (s->points, double, k + 1))
              || (v = lab_line_plot_tx (self, x)) < x0 || v > x1)
            continue;
          while (at < n && xs[at] < v - 1e-9)
            at++;
          if (at < n && xs[at] <= v + 1e-9)
            continue;
          if (n == MAX_LABELLED_X || !round_x (x))
            return 0;
          memmove (xs + at + 1, xs + at, (n - at) * sizeof *xs);
          xs[at] = v;
          n++;
        }
    }
  return n;
}

/* The labelled ticks of the x axis over [x0, x1] (log10 units on a log
 * axis) drawn from left to left + pw in a figure width wide, into
 * ticks[max], max at least MAX_LABELLED_X, so that their labels stand
 * apart. Linear: about 6, fewer in a narrow plot (a projector's), 2 at the
 * least. Log: the x the series share when they are few and round, else
 * lab_log_ticks()'s, else only its decades. */
guint
lab_line_plot_x_ticks (LabLinePlot *self,
                       cairo_t     *cr,
                       double       x0,
                       double       x1,
                       double       left,
                       double       pw,
                       double       width,
                       double      *ticks,
                       guint        max)
{
  guint n, n_decades = 0;

#define FIT(n) lab_plot_x_labels_fit (cr, self->log_x, ticks, (n), x0, x1, left, left + pw, width)
  if (!self->log_x)
    for (guint target = 6; ; target--)
      {
        n = lab_nice_ticks (x0, x1, target, ticks, max);
        if (target == 2 || FIT (n))
          return n;
      }
  n = shared_log_x (self, x0, x1, ticks);
  if (n > 0 && FIT (n))
    return n;
  n = lab_log_ticks (x0, x1, ticks, max);
  if (FIT (n))
    return n;
#undef FIT
  for (guint i = 0; i < n; i++)
    if (fabs (ticks[i] - round (ticks[i])) < 1e-9)
      ticks[n_decades++] = ticks[i];
  return n_decades >= 2 ? n_decades : lab_log_ticks (x0, x1, ticks, max);
}
