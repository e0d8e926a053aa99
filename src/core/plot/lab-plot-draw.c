#define G_LOG_DOMAIN "latentlab-core"

#include "lab-plot-draw.h"

#include <math.h>
#include <stdio.h>

#include "lab-format.h"
#include "lab-palette.h"

void
lab_plot_text_at (cairo_t    *cr,
                  const char *text,
                  double      x,
                  double      y,
                  double      align_x,
                  double      align_y)
{
  cairo_text_extents_t ext;

  cairo_text_extents (cr, text, &ext);
  cairo_move_to (cr, x - ext.x_advance * align_x, y - ext.y_bearing - ext.height * align_y);
  cairo_show_text (cr, text);
}

void
lab_plot_grid_tick (cairo_t  *cr,
                    gboolean  vertical,
                    double    pos,
                    double    from,
                    double    to,
                    double    gap,
                    double    gray,
                    double    value,
                    double    step)
{
  char buf[32];

  cairo_set_source_rgb (cr, gray, gray, gray);
  if (vertical)
    {
      cairo_move_to (cr, pos, from);
      cairo_line_to (cr, pos, to);
    }
  else
    {
      cairo_move_to (cr, from, pos);
      cairo_line_to (cr, to, pos);
    }
  cairo_stroke (cr);
  lab_format_tick (value, step, buf, sizeof buf);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  if (vertical)
    lab_plot_text_at (cr, buf, pos, to + gap, 0.5, 0);
  else
    lab_plot_text_at (cr, buf, from - gap, pos, 1, 0.5);
}

void
lab_plot_title (cairo_t    *cr,
                const char *text,
                double      width,
                double      y,
                double      size)
{
  cairo_text_extents_t ext;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, size);
  cairo_text_extents (cr, text, &ext);
  if (ext.x_advance > width - 12 && ext.x_advance > 0)
    cairo_set_font_size (cr, MAX (size * (width - 12) / ext.x_advance, 1));
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  lab_plot_text_at (cr, text, width / 2, y, 0.5, 0);
}

void
lab_plot_frame (cairo_t *cr,
                double   x,
                double   y,
                double   w,
                double   h)
{
  cairo_set_source_rgb (cr, 0.45, 0.45, 0.45);
  cairo_rectangle (cr, x + 0.5, y + 0.5, w - 1, h - 1);
  cairo_stroke (cr);
}

void
lab_plot_axis_labels (cairo_t    *cr,
                      const char *x_label,
                      double      x_center,
                      double      x_top,
                      const char *y_label,
                      double      y_x,
                      double      y_center)
{
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  if (x_label != NULL)
    lab_plot_text_at (cr, x_label, x_center, x_top, 0.5, 0);
  if (y_label != NULL)
    {
      cairo_save (cr);
      cairo_translate (cr, y_x, y_center);
      cairo_rotate (cr, -G_PI / 2);
      lab_plot_text_at (cr, y_label, 0, 0, 0.5, 0.5);
      cairo_restore (cr);
    }
}

void
lab_plot_log_tick_text (double  v,
                        char   *buf,
                        gsize   size)
{
  double value = pow (10, v);
  int decimals = 0;

  /* Never exponent notation: thousands grouped from 1,000 on, in the
   * thread's LC_NUMERIC as the window's counts; below, the decimals the
   * value needs ("0.01", "0.5", "2.5"). */
  if (value >= 1000 && fabs (value - round (value)) < 1e-6 * value)
    {
      g_autofree char *count = lab_format_count_localized ((guint64) round (value));

      g_strlcpy (buf, count, size);
      return;
    }
  for (double scaled = value; decimals < 8 && fabs (scaled - round (scaled)) > 1e-6 * scaled; scaled *= 10)
    decimals++;
  snprintf (buf, size, "%.*f", decimals, value);
}

gboolean
lab_plot_x_labels_fit (cairo_t      *cr,
                       gboolean      log,
                       const double *ticks,
                       guint         n,
                       double        lo,
                       double        hi,
                       double        px_lo,
                       double        px_hi,
                       double        width)
{
  cairo_font_extents_t fext;
  double prev_end = 0;

  cairo_font_extents (cr, &fext);
  for (guint i = 0; i < n; i++)
    {
      double p = px_lo + (ticks[i] - lo) / (hi - lo) * (px_hi - px_lo);
      cairo_text_extents_t ext;
      char buf[32];

      if (log)
        lab_plot_log_tick_text (ticks[i], buf, sizeof buf);
      else
        lab_format_tick (ticks[i], n > 1 ? ticks[1] - ticks[0] : 1, buf, sizeof buf);
      cairo_text_extents (cr, buf, &ext);
      if (p - ext.x_advance / 2 < (i == 0 ? 0 : prev_end + fext.height / 2))
        return FALSE;
      prev_end = p + ext.x_advance / 2;
    }
  return prev_end <= width;
}

void
lab_plot_log_grid (cairo_t      *cr,
                   gboolean      vertical,
                   double        lo,
                   double        hi,
                   double        px_lo,
                   double        px_hi,
                   double        from,
                   double        to,
                   const double *labelled,
                   guint         n_labelled)
{
  double ticks[32];
  guint n;

  if (labelled == NULL)
    {
      n = lab_log_ticks (lo, hi, ticks, G_N_ELEMENTS (ticks));
      labelled = ticks;
    }
  else
    n = n_labelled;

#define LOG_PX(v) (round (px_lo + ((v) - lo) / (hi - lo) * (px_hi - px_lo)) + 0.5)
#define GRID_LINE(p, gray)                              \
  G_STMT_START {                                        \
    cairo_set_source_rgb (cr, (gray), (gray), (gray));  \
    if (vertical)                                       \
      {                                                 \
        cairo_move_to (cr, (p), from);                  \
        cairo_line_to (cr, (p), to);                    \
      }                                                 \
    else                                                \
      {                                                 \
        cairo_move_to (cr, from, (p));                  \
        cairo_line_to (cr, to, (p));                    \
      }                                                 \
    cairo_stroke (cr);                                  \
  } G_STMT_END
  for (double d = floor (lo); d <= ceil (hi); d += 1)
    for (int m = 1; m < 10; m++)
      {
        double v = d + log10 (m);

        if (v < lo || v > hi || (m != 1 && (hi - lo) > 2.5))
          continue;
        GRID_LINE (LOG_PX (v), m == 1 ? 0.85 : 0.94);
      }
  /* A labelled value between those (a label budget of 1800) gets a line
   * to read it by, as light as the 2..9 ones. */
  for (guint i = 0; i < n; i++)
    {
      double m = pow (10, labelled[i] - floor (labelled[i]));

      if (fabs (m - round (m)) > 1e-6 || ((hi - lo) > 2.5 && round (m) != 1))
        GRID_LINE (LOG_PX (labelled[i]), 0.94);
    }
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  for (guint i = 0; i < n; i++)
    {
      double p = LOG_PX (labelled[i]);
      char buf[32];

      lab_plot_log_tick_text (labelled[i], buf, sizeof buf);
      if (vertical)
        lab_plot_text_at (cr, buf, p, to + 6, 0.5, 0);
      else
        lab_plot_text_at (cr, buf, from - 6, p, 1, 0.5);
    }
#undef GRID_LINE
#undef LOG_PX
}
