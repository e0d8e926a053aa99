#define G_LOG_DOMAIN "latentlab-core"

/* Drawing a LabScatterPlot with Cairo: axes, points by class, overlays,
 * the legend, and a PNG of it all. */

#include "lab-scatter-plot-private.h"

#include <math.h>
#include <string.h>

#include "lab-palette.h"
#include "lab-figure.h"
#include "lab-plot-draw.h"

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
      double px, py;

      lab_scatter_plot_to_logical (self, ticks[i], 0, &px, &py);
      lab_plot_grid_tick (cr, TRUE, round (px) + 0.5, self->ay, self->ay + self->ah, 7, 0.92,
                          ticks[i], n_ticks > 1 ? ticks[1] - ticks[0] : 1);
    }
  n_ticks = lab_nice_ticks (self->y0, self->y1, MAX (2, (guint) (self->ah / 80)), ticks, G_N_ELEMENTS (ticks));
  for (guint i = 0; i < n_ticks; i++)
    {
      double px, py;

      lab_scatter_plot_to_logical (self, 0, ticks[i], &px, &py);
      lab_plot_grid_tick (cr, FALSE, round (py) + 0.5, self->ax, self->ax + self->aw, 7, 0.92,
                          ticks[i], n_ticks > 1 ? ticks[1] - ticks[0] : 1);
    }

  lab_plot_frame (cr, self->ax, self->ay, self->aw, self->ah);

  cairo_set_font_size (cr, 14);
  lab_plot_axis_labels (cr, self->x_label, self->ax + self->aw / 2, self->height - 22,
                        self->y_label, 16, self->ay + self->ah / 2);
}

/* Squares of side `side` px at the points, group by group (a class, or a
 * colour of the value scale), written straight into an ARGB32 image of the
 * plot area and painted once: Cairo took 210 ms to fill 70,000 rectangles,
 * this takes a few. The look is that of the rectangles: premultiplied
 * colour at the group's alpha over what is below, groups in order. */
static void
stamp_points (LabScatterPlot *self,
              cairo_t        *cr,
              double          bx,
              double          by,
              double          sx,
              double          sy,
              double          r,
              guint           side)
{
  int w = (int) ceil (self->aw), h = (int) ceil (self->ah);
  cairo_surface_t *dots;
  guint32 *pix;
  int stride;

  if (w <= 0 || h <= 0)
    return;
  dots = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  if (cairo_surface_status (dots) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (dots);
      return;
    }
  cairo_surface_flush (dots);
  pix = (guint32 *) cairo_image_surface_get_data (dots);
  stride = cairo_image_surface_get_stride (dots) / 4;
  for (guint c = 0; c < LAB_SCATTER_GROUPS; c++)
    {
      guint start = self->group_start[c], end = self->group_start[c + 1];
      double cr_, cg, cb, alpha;
      guint sa, keep, pr, pg, pb;

      if (start == end)
        continue;
      lab_scatter_plot_group_color (self, c, &cr_, &cg, &cb, &alpha);
      sa = (guint) (alpha * 255 + 0.5);
      keep = 255 - sa;
      pr = (guint) (cr_ * sa + 0.5);
      pg = (guint) (cg * sa + 0.5);
      pb = (guint) (cb * sa + 0.5);
      for (guint k = start; k < end; k++)
        {
          guint i = self->order[k];
          double px = bx + self->points[2 * i] * sx - self->ax;
          double py = by - self->points[2 * i + 1] * sy - self->ay;
          int x0, y0, x1, y1;

          if (!isfinite (px + py) || self->hidden[self->labels[i]])
            continue;
          x0 = (int) floor (px - r + 0.5);
          y0 = (int) floor (py - r + 0.5);
          x1 = MIN (x0 + (int) side, w);
          y1 = MIN (y0 + (int) side, h);
          x0 = MAX (x0, 0);
          y0 = MAX (y0, 0);
          for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
              {
                guint32 d = pix[y * stride + x];
                guint da = d >> 24, dr = (d >> 16) & 0xff, dg = (d >> 8) & 0xff, db = d & 0xff;

                /* over, premultiplied; t / 255 rounded as
                 * ((t + 128) * 257) >> 16, exact for t < 65535 */
                da = sa + (((da * keep + 128) * 257) >> 16);
                dr = pr + (((dr * keep + 128) * 257) >> 16);
                dg = pg + (((dg * keep + 128) * 257) >> 16);
                db = pb + (((db * keep + 128) * 257) >> 16);
                pix[y * stride + x] = (da << 24) | (dr << 16) | (dg << 8) | db;
              }
        }
    }
  cairo_surface_mark_dirty (dots);
  cairo_set_source_surface (cr, dots, self->ax, self->ay);
  cairo_paint (cr);
  cairo_surface_destroy (dots);
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
  if (self->n > MAX_PATH_POINTS)
    {
      stamp_points (self, cr, bx, by, sx, sy, r, (guint) side);
      cairo_restore (cr);
      return;
    }
  for (guint c = 0; c < LAB_SCATTER_GROUPS; c++)
    {
      guint start = self->group_start[c], end = self->group_start[c + 1];
      double cr_, cg, cb, alpha;

      if (start == end)
        continue;
      for (guint k = start; k < end; k++)
        {
          guint i = self->order[k];
          double px = bx + self->points[2 * i] * sx;
          double py = by - self->points[2 * i + 1] * sy;

          if (px < self->ax - r || px > self->ax + self->aw + r
              || py < self->ay - r || py > self->ay + self->ah + r || !isfinite (px + py)
              || self->hidden[self->labels[i]])
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
      /* One fill per group. */
      lab_scatter_plot_group_color (self, c, &cr_, &cg, &cb, &alpha);
      cairo_set_source_rgba (cr, cr_, cg, cb, alpha);
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
        lab_scatter_plot_to_logical (self, self->points[2 * self->rings[i]],
                                   self->points[2 * self->rings[i] + 1], &px, &py);
        ring (cr, px, py, 7, 1.5);
      }

  if (self->line_shown)
    {
      double qx, qy, angle;

      lab_scatter_plot_to_logical (self, self->line[0], self->line[1], &px, &py);
      lab_scatter_plot_to_logical (self, self->line[2], self->line[3], &qx, &qy);
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
      lab_scatter_plot_to_logical (self, self->points[2 * self->hover],
                                 self->points[2 * self->hover + 1], &px, &py);
      ring (cr, px, py, 8, 2.5);
    }

  if (self->marker_shown)
    {
      lab_scatter_plot_to_logical (self, self->marker_x, self->marker_y, &px, &py);
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

/* The value scale instead of the classes: its name, a bar from the
 * highest value (top, dark) to the lowest, round ticks, and the threshold
 * across it with the faint part below. */
static void
draw_colorbar (LabScatterPlot *self,
               cairo_t        *cr)
{
  double lo = self->value_lo, hi = self->value_hi;
  double bar_x = self->lx + LEGEND_PAD, bar_y = self->ly + 34;
  double bar_h = MAX (40, MIN (self->ah - 44, 320));
  cairo_pattern_t *ramp = cairo_pattern_create_linear (0, bar_y + bar_h, 0, bar_y);
  double ticks[16];
  guint n_ticks;

  cairo_set_source_rgb (cr, 0.975, 0.975, 0.975);
  cairo_rectangle (cr, self->lx + 0.5, self->ly + 0.5, self->lw - 1, bar_h + 44);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.82, 0.82, 0.82);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 13);
  cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
  if (self->value_label != NULL)
    lab_plot_text_at (cr, self->value_label, self->lx + LEGEND_PAD, self->ly + 10, 0, 0);

  for (guint k = 0; k <= 16; k++)
    {
      double r, g, b;

      lab_scatter_plot_value_color (k / 16.0, &r, &g, &b);
      cairo_pattern_add_color_stop_rgb (ramp, k / 16.0, r, g, b);
    }
  cairo_rectangle (cr, bar_x, bar_y, COLORBAR_WIDTH, bar_h);
  cairo_set_source (cr, ramp);
  cairo_fill (cr);
  cairo_pattern_destroy (ramp);

  if (!isnan (self->threshold) && self->threshold > lo)
    {
      double f = MIN (1, (self->threshold - lo) / (hi - lo)), ty = bar_y + bar_h * (1 - f);

      /* below the threshold the points are faint: so is the bar */
      cairo_rectangle (cr, bar_x, ty, COLORBAR_WIDTH, bar_y + bar_h - ty);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.7);
      cairo_fill (cr);
      cairo_move_to (cr, bar_x - 4, round (ty) + 0.5);
      cairo_line_to (cr, bar_x + COLORBAR_WIDTH + 4, round (ty) + 0.5);
      cairo_set_source_rgb (cr, 0.8, 0.1, 0.1);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
    }
  cairo_rectangle (cr, bar_x + 0.5, bar_y + 0.5, COLORBAR_WIDTH - 1, bar_h - 1);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 13);
  n_ticks = lab_nice_ticks (lo, hi, MAX (2, (guint) (bar_h / 60)), ticks, G_N_ELEMENTS (ticks));
  for (guint i = 0; i < n_ticks; i++)
    {
      double ty = round (bar_y + bar_h * (1 - (ticks[i] - lo) / (hi - lo))) + 0.5;
      char text[32];

      lab_format_tick (ticks[i], n_ticks > 1 ? ticks[1] - ticks[0] : hi - lo, text, sizeof text);
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
      cairo_move_to (cr, bar_x + COLORBAR_WIDTH, ty);
      cairo_line_to (cr, bar_x + COLORBAR_WIDTH + 5, ty);
      cairo_stroke (cr);
      lab_plot_text_at (cr, text, bar_x + COLORBAR_WIDTH + 8, ty, 0, 0.5);
    }
}

static void
draw_legend (LabScatterPlot *self,
             cairo_t        *cr)
{
  double top = self->ly + self->lhead;
  double h = self->lhead + self->legend_row * self->legend_rows + 6;

  if (lab_scatter_plot_shows_colorbar (self))
    {
      draw_colorbar (self, cr);
      return;
    }
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
  if (self->legend_hint != NULL && self->lhead == LEGEND_HEAD_HINT)
    lab_plot_text_at (cr, self->legend_hint, self->lx + LEGEND_PAD, self->ly + 10, 0, 0);

  for (guint c = 0; c < self->legend_rows; c++)
    {
      double cy = top + self->legend_row * c + self->legend_row / 2.0;
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
      cairo_rectangle (cr, sx + LEGEND_SWATCH + 8, cy - self->legend_row / 2.0, 220, self->legend_row);
      cairo_clip (cr);
      lab_plot_text_at (cr, self->class_names[c], sx + LEGEND_SWATCH + 10, cy, 0, 0.5);
      cairo_restore (cr);

      g_snprintf (count, sizeof count, "%u", lab_scatter_plot_class_count (self, c));
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, 12);
      cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
      lab_plot_text_at (cr, count, self->lx + self->lw - LEGEND_PAD, cy, 1, 0.5);
    }
  if (self->legend_rows < self->n_classes)
    {
      char more[64];

      g_snprintf (more, sizeof more, "+ %u more", self->n_classes - self->legend_rows);
      cairo_set_font_size (cr, 12);
      cairo_set_source_rgb (cr, 0.45, 0.45, 0.45);
      lab_plot_text_at (cr, more, self->lx + LEGEND_PAD, top + LEGEND_ROW * self->legend_rows + 8, 0, 0);
    }
}

void
lab_scatter_plot_draw (LabScatterPlot *self,
                       cairo_t        *cr,
                       double          width,
                       double          height)
{
  if (width != self->dev_width || height != self->dev_height)
    lab_scatter_plot_set_size (self, width, height);

  cairo_save (cr);
  /* Everything larger by the scale: draw at the logical size. */
  cairo_scale (cr, self->scale, self->scale);
  width = self->width;
  height = self->height;
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  if (self->title != NULL)
    {
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, 16);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      lab_plot_text_at (cr, self->title, self->ax + self->aw / 2, 10, 0.5, 0);
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

void
lab_scatter_plot_draw_figure (gpointer  plot,
                              cairo_t  *cr,
                              double    width,
                              double    height)
{
  lab_scatter_plot_draw (plot, cr, width, height);
}

gboolean
lab_scatter_plot_save_png (LabScatterPlot  *self,
                           const char      *path,
                           int              width,
                           int              height,
                           GError         **error)
{
  return lab_figure_save_as (lab_scatter_plot_draw_figure, self, LAB_FIGURE_PNG, width, height, path, error);
}
