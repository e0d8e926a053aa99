#define G_LOG_DOMAIN "latentlab-core"

#include "lab-line-plot-private.h"

#include "lab-palette.h"
#include "lab-plot-draw.h"

/* A legend outside goes beside the plot area while that leaves the curves
 * this wide (logical pixels) or more, else below it: on a projector a
 * narrow column's plot area would be a sliver beside a line per layer. */
#define MIN_BESIDE_PLOT_WIDTH 160

/* An entry's width (its swatch, gaps and name) at the font size it is
 * drawn with: the widest name's. */
static double
entry_width (LabLinePlot *self,
             cairo_t     *cr)
{
  double lw = 0;

  cairo_save (cr);
  cairo_set_font_size (cr, 12);
  for (guint i = 0; i < self->series->len; i++)
    {
      LabLineSeries *s = g_ptr_array_index (self->series, i);
      cairo_text_extents_t ext;

      cairo_text_extents (cr, s->name ? s->name : "", &ext);
      lw = MAX (lw, ext.x_advance);
    }
  cairo_restore (cr);
  return lw + 40;
}

double
lab_line_plot_legend_size (LabLinePlot       *self,
                           cairo_t           *cr,
                           double             width,
                           LabLinePlotLayout *layout)
{
  guint n = self->series->len, rows;
  double ew;

  layout->below = 0;
  layout->lw = layout->lh = 0;
  layout->legend_columns = 1;
  if (n == 0)
    return 0;
  ew = entry_width (self, cr);
  layout->lw = ew;
  layout->lh = 8 + 18.0 * n;
  if (!self->legend_outside)
    return 0;
  if (width - layout->left - 16 - (ew + 8) >= MIN_BESIDE_PLOT_WIDTH)
    return ew + 8;
  layout->legend_columns = CLAMP ((guint) MAX ((width - 16) / ew, 1), 1, n);
  rows = (n + layout->legend_columns - 1) / layout->legend_columns;
  layout->lw = ew * layout->legend_columns;
  layout->lh = 8 + 18.0 * rows;
  layout->below = layout->lh + 8;
  return 0;
}

/* How much of the series a box (bx, by, bw, bh) over the plot area would
 * hide: their points, points 4 px apart along each line's segments and
 * the ends of error bars that fall inside it, the points counting most. */
static guint
hidden_by (const LabLinePlot       *self,
           const LabLinePlotLayout *l,
           double bx, double by, double bw, double bh)
{
  guint n = 0;

#define INSIDE(px, py) ((px) >= bx && (px) <= bx + bw && (py) >= by && (py) <= by + bh)
#define TO_PX(x) (l->left + (lab_line_plot_tx (self, x) - l->x0) / (l->x1 - l->x0) * l->pw)
#define TO_PY(y) (l->top + l->ph - (lab_line_plot_ty (self, y) - l->y0) / (l->y1 - l->y0) * l->ph)
  for (guint i = 0; i < self->series->len; i++)
    {
      const LabLineSeries *s = g_ptr_array_index (self->series, i);
      gboolean have_prev = FALSE;
      double prev_x = 0, prev_y = 0;

      for (guint k = 0; k + 1 < s->points->len; k += 2)
        {
          double x = g_array_index (s->points, double, k);
          double y = g_array_index (s->points, double, k + 1);
          double px, py, e;

          if (!lab_line_plot_usable (self, x, y))
            {
              have_prev = FALSE;
              continue;
            }
          px = TO_PX (x);
          py = TO_PY (y);
          n += 4 * INSIDE (px, py);
          if ((e = lab_line_plot_point_error (s, k)) > 0)
            for (int sign = -1; sign <= 1; sign += 2)
              {
                double v = y + sign * e;

                if (!self->log_y || v > 0)
                  n += INSIDE (px, TO_PY (v));
              }
          /* the points style's lines too, which the plot draws thinner;
           * a point every 4 px, which no box a legend has can miss */
          if (have_prev)
            {
              guint steps = MAX (8, (guint) ceil (hypot (px - prev_x, py - prev_y) / 4));

              for (guint t = 1; t < steps; t++)
                n += INSIDE (prev_x + (px - prev_x) * t / steps, prev_y + (py - prev_y) * t / steps);
            }
          prev_x = px;
          prev_y = py;
          have_prev = TRUE;
        }
    }
#undef TO_PY
#undef TO_PX
#undef INSIDE
  return n;
}

void
lab_line_plot_legend_place (LabLinePlot       *self,
                            double             width,
                            LabLinePlotLayout *l)
{
  if (self->series->len == 0)
    return;
  if (l->below > 0)
    {
      /* under the x axis title, centred under the plot area */
      l->lx = CLAMP (l->left + (l->pw - l->lw) / 2, 4, MAX (4, width - 4 - l->lw));
      l->ly = l->top + l->ph + 48;
      return;
    }
  l->lx = self->legend_outside ? l->left + l->pw + 8 : l->left + l->pw - l->lw - 8;
  l->ly = self->legend_outside ? l->top : l->top + 8;
  /* Inside, in the corner where it hides the least of the data, top right
   * when several hide as little (the transfer curve rises into the top
   * right corner). */
  if (!self->legend_outside && l->have_data && l->lh + 16 < l->ph)
    {
      const double xs[] = { l->left + l->pw - l->lw - 8, l->left + 8, l->left + l->pw - l->lw - 8, l->left + 8 };
      const double ys[] = { l->top + 8, l->top + 8, l->top + l->ph - l->lh - 8, l->top + l->ph - l->lh - 8 };
      guint best = G_MAXUINT;

      for (guint c = 0; c < G_N_ELEMENTS (xs) && best > 0; c++)
        {
          guint hidden = hidden_by (self, l, xs[c] - 4, ys[c] - 4, l->lw + 8, l->lh + 8);

          if (hidden < best)
            {
              best = hidden;
              l->lx = xs[c];
              l->ly = ys[c];
            }
        }
    }
}

void
lab_line_plot_legend_draw (LabLinePlot             *self,
                           cairo_t                 *cr,
                           const LabLinePlotLayout *l)
{
  double ew = l->lw / l->legend_columns;

  if (self->series->len == 0)
    return;
  cairo_set_font_size (cr, 12);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.88);
  cairo_rectangle (cr, l->lx, l->ly, l->lw, l->lh);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.8, 0.8, 0.8);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  for (guint i = 0; i < self->series->len; i++)
    {
      LabLineSeries *s = g_ptr_array_index (self->series, i);
      double x = l->lx + ew * (i % l->legend_columns);
      double cy = l->ly + 13 + 18 * (i / l->legend_columns);

      /* the series' look: a line, or a dot on a thinner one */
      lab_palette_set (cr, s->color, 1);
      cairo_set_line_width (cr, lab_line_series_draws_dots (s) ? 1.5 : 2.5);
      cairo_move_to (cr, x + 8, cy);
      cairo_line_to (cr, x + 28, cy);
      cairo_stroke (cr);
      if (lab_line_series_draws_dots (s))
        {
          cairo_arc (cr, x + 18, cy, LAB_LINE_DOT_RADIUS, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      lab_plot_text_at (cr, s->name ? s->name : "", x + 34, cy, 0, 0.5);
    }
}
