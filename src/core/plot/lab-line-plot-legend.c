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

/* The legend below the plot area, under the x axis title, its entries
 * (ew wide) in as many columns as the figure's width holds: the height it
 * takes there, which the plot area gives up. */
static double
legend_below (LabLinePlot       *self,
              double             width,
              double             ew,
              LabLinePlotLayout *layout)
{
  guint n = self->series->len, rows;

  layout->legend_columns = CLAMP ((guint) MAX ((width - 16) / ew, 1), 1, n);
  rows = (n + layout->legend_columns - 1) / layout->legend_columns;
  layout->lw = ew * layout->legend_columns;
  layout->lh = 8 + 18.0 * rows;
  layout->below = layout->lh + 8;
  return layout->below;
}

/* A legend moved below for want of a free corner takes one line where it
 * can: its entries one after another, each as wide as its own name (a
 * swatch FLOW_SWATCH wide, the name FLOW_NAME_AT from its start), FLOW_GAP
 * apart, wrapping into more lines only where the figure is too narrow. */
#define FLOW_SWATCH  16
#define FLOW_NAME_AT 21
#define FLOW_GAP     10
#define FLOW_PAD     4
#define FLOW_LINE    18

static double
flow_entry_width (LabLinePlot *self,
                  cairo_t     *cr,
                  guint        i)
{
  LabLineSeries *s = g_ptr_array_index (self->series, i);
  cairo_text_extents_t ext;

  cairo_text_extents (cr, s->name ? s->name : "", &ext);
  return FLOW_NAME_AT + ext.x_advance;
}

/* The lines of the flowing legend in a line at most avail wide: their
 * count, and the widest's width in *widest. */
static guint
flow_lines (LabLinePlot *self,
            cairo_t     *cr,
            double       avail,
            double      *widest)
{
  guint lines = 1;
  double x = 0;

  *widest = 0;
  cairo_save (cr);
  cairo_set_font_size (cr, 12);
  for (guint i = 0; i < self->series->len; i++)
    {
      double w = flow_entry_width (self, cr, i);

      if (x > 0 && x + FLOW_GAP + w > avail)
        {
          lines++;
          x = 0;
        }
      x += (x > 0 ? FLOW_GAP : 0) + w;
      *widest = MAX (*widest, x);
    }
  cairo_restore (cr);
  return lines;
}

double
lab_line_plot_legend_size (LabLinePlot       *self,
                           cairo_t           *cr,
                           double             width,
                           LabLinePlotLayout *layout)
{
  guint n = self->series->len;
  double ew;

  layout->below = 0;
  layout->lw = layout->lh = 0;
  layout->legend_columns = 1;
  layout->flow = FALSE;
  if (n == 0)
    return 0;
  layout->flow_lines = flow_lines (self, cr, width - 8 - 2 * FLOW_PAD, &layout->flow_width);
  ew = entry_width (self, cr);
  layout->lw = ew;
  layout->lh = 8 + 18.0 * n;
  if (!self->legend_outside)
    return 0;
  if (width - layout->left - 16 - (ew + 8) >= MIN_BESIDE_PLOT_WIDTH)
    return ew + 8;
  legend_below (self, width, ew, layout);
  return 0;
}

guint
lab_line_plot_hidden_by (const LabLinePlot       *self,
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

/* The least plot area height an inside legend moved below leaves the
 * curves (two y ticks); less, and it stays over them. */
#define MIN_PLOT_HEIGHT_UNDER 30

void
lab_line_plot_legend_place (LabLinePlot       *self,
                            double             width,
                            LabLinePlotLayout *l)
{
  gboolean to_below = self->legend_below;

  if (self->series->len == 0)
    return;
  l->lx = self->legend_outside ? l->left + l->pw + 8 : l->left + l->pw - l->lw - 8;
  l->ly = self->legend_outside ? l->top : l->top + 8;
  /* Inside, in the corner where it hides the least of the data, top right
   * when several hide as little (the transfer curve rises into the top
   * right corner); below the plot area when every corner would hide some
   * (or the legend is taller than the plot area), the curves giving up the
   * height it takes there. */
  if (!self->legend_outside && !to_below && l->have_data)
    {
      const double xs[] = { l->left + l->pw - l->lw - 8, l->left + 8, l->left + l->pw - l->lw - 8, l->left + 8 };
      const double ys[] = { l->top + 8, l->top + 8, l->top + l->ph - l->lh - 8, l->top + l->ph - l->lh - 8 };
      guint best = G_MAXUINT;

      for (guint c = 0; c < G_N_ELEMENTS (xs) && best > 0 && l->lh + 16 < l->ph; c++)
        {
          guint hidden = lab_line_plot_hidden_by (self, l, xs[c] - 4, ys[c] - 4, l->lw + 8, l->lh + 8);

          if (hidden < best)
            {
              best = hidden;
              l->lx = xs[c];
              l->ly = ys[c];
            }
        }
      to_below = best > 0;
    }
  if (l->below == 0 && to_below && !self->legend_outside)
    {
      LabLinePlotLayout below = *l;

      below.flow = TRUE;
      below.lw = below.flow_width + 2 * FLOW_PAD;
      below.lh = 2 * FLOW_PAD + FLOW_LINE * below.flow_lines;
      below.below = below.lh + 4;
      below.ph -= below.below;
      if (below.ph >= MIN_PLOT_HEIGHT_UNDER)
        *l = below;
    }
  if (l->below > 0)
    {
      /* under the x axis title, centred under the plot area */
      l->lx = CLAMP (l->left + (l->pw - l->lw) / 2, 4, MAX (4, width - 4 - l->lw));
      l->ly = l->top + l->ph + (l->flow ? 46 : 48);
    }
}

/* An entry's swatch, the series' look: a line swatch_w wide from x, or a
 * dot on a thinner one. */
static void
draw_swatch (const LabLineSeries *s,
             cairo_t             *cr,
             double               x,
             double               swatch_w,
             double               cy)
{
  lab_palette_set (cr, s->color, 1);
  cairo_set_line_width (cr, lab_line_series_draws_dots (s) ? 1.5 : 2.5);
  cairo_move_to (cr, x, cy);
  cairo_line_to (cr, x + swatch_w, cy);
  cairo_stroke (cr);
  if (lab_line_series_draws_dots (s))
    {
      cairo_arc (cr, x + swatch_w / 2, cy, LAB_LINE_DOT_RADIUS, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

/* The flowing legend's entries, broken into lines as flow_lines() did. */
static void
draw_flow (LabLinePlot             *self,
           cairo_t                 *cr,
           const LabLinePlotLayout *l)
{
  double x = 0, cy = l->ly + FLOW_PAD + FLOW_LINE / 2.0;

  for (guint i = 0; i < self->series->len; i++)
    {
      LabLineSeries *s = g_ptr_array_index (self->series, i);
      double w = flow_entry_width (self, cr, i);

      if (x > 0 && x + FLOW_GAP + w > l->flow_width + 0.5)
        {
          x = 0;
          cy += FLOW_LINE;
        }
      x += x > 0 ? FLOW_GAP : 0;
      draw_swatch (s, cr, l->lx + FLOW_PAD + x, FLOW_SWATCH, cy);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      lab_plot_text_at (cr, s->name ? s->name : "", l->lx + FLOW_PAD + x + FLOW_NAME_AT, cy, 0, 0.5);
      x += w;
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
  if (l->flow)
    {
      draw_flow (self, cr, l);
      return;
    }
  for (guint i = 0; i < self->series->len; i++)
    {
      LabLineSeries *s = g_ptr_array_index (self->series, i);
      double x = l->lx + ew * (i % l->legend_columns);
      double cy = l->ly + 13 + 18 * (i / l->legend_columns);

      draw_swatch (s, cr, x + 8, 20, cy);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      lab_plot_text_at (cr, s->name ? s->name : "", x + 34, cy, 0, 0.5);
    }
}
