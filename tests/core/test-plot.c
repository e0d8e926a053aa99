#include <math.h>
#include <stdlib.h>

#include <string.h>

#include <glib/gstdio.h>

#include "lab-histogram-plot.h"
#include "lab-line-plot.h"
#include "lab-palette.h"
#include "lab-plot-draw.h"
#include "lab-test-png.h"

static void
test_plot_nice_ticks (void)
{
  double t[32];
  guint n = lab_nice_ticks (0.0, 1.0, 5, t, 32);
  char buf[32];

  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpfloat_with_epsilon (t[0], 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (t[1], 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (t[5], 1.0, 1e-12);

  n = lab_nice_ticks (0.0123, 0.0871, 4, t, 32);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpfloat_with_epsilon (t[0], 0.02, 1e-12);
  g_assert_cmpfloat_with_epsilon (t[3], 0.08, 1e-12);
  lab_format_tick (t[1], t[1] - t[0], buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.04");

  n = lab_nice_ticks (3.0, 3.0, 5, t, 32);
  g_assert_cmpuint (n, ==, 1);

  /* Never one tick alone over a range (a projector's short map axis):
   * steps of 5 would give only "0" here, steps of 2 give five. */
  n = lab_nice_ticks (-4.4, 4.6, 2, t, 32);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpfloat_with_epsilon (t[0], -4.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (t[4], 4.0, 1e-12);
}

/* A log axis labels ticks at the values a plot over a few of them shows:
 * decades and 1-2-5 over a wide range, every 1 to 9 over a factor of two
 * (the transfer curve at L = 20, 40), round values over a narrower one. */
static void
test_plot_log_ticks (void)
{
  double t[32];
  guint n;

  n = lab_log_ticks (log10 (80), log10 (6000), t, 32);
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpfloat_with_epsilon (pow (10, t[0]), 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (pow (10, t[1]), 200, 1e-9);
  g_assert_cmpfloat_with_epsilon (pow (10, t[5]), 5000, 1e-9);

  n = lab_log_ticks (0, 4, t, 32);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpfloat_with_epsilon (pow (10, t[4]), 10000, 1e-9);

  /* 20 and 40 with the dots' margin each side */
  n = lab_log_ticks (log10 (18), log10 (44), t, 32);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat_with_epsilon (pow (10, t[0]), 20, 1e-9);
  g_assert_cmpfloat_with_epsilon (pow (10, t[1]), 30, 1e-9);
  g_assert_cmpfloat_with_epsilon (pow (10, t[2]), 40, 1e-9);

  n = lab_log_ticks (log10 (21), log10 (29), t, 32);
  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpfloat_with_epsilon (pow (10, t[0]), 22, 1e-9);
  g_assert_cmpfloat_with_epsilon (pow (10, t[1]), 24, 1e-9);
}

static void
test_plot_draws_series (void)
{
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  g_autofree char *dir = g_dir_make_tmp ("lab-plot-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "plot.png", NULL);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *s;
  guint colored = 0;
  unsigned char *data;
  int stride;
  double x, y;
  guint train;

  lab_line_plot_set_title (plot, "Loss");
  lab_line_plot_set_labels (plot, "epoch", "loss");
  lab_line_plot_set_log_y (plot, TRUE);
  train = lab_line_plot_add_series (plot, "training", 0, LAB_LINE_STYLE_LINE);
  for (int i = 0; i < 100; i++)
    lab_line_plot_append (plot, train, i / 20.0, 0.3 * exp (-i / 30.0) + 0.05);
  lab_line_plot_append (plot, train, 5.1, NAN);   /* skipped, not drawn */
  lab_line_plot_add_marker (plot, 2.5, "now");
  g_assert_cmpuint (lab_line_plot_get_n_points (plot, train), ==, 101);
  g_assert_true (lab_line_plot_get_point (plot, train, 0, &x, &y));
  g_assert_cmpfloat_with_epsilon (y, 0.35, 1e-12);
  g_assert_false (lab_line_plot_get_point (plot, train, 101, &x, &y));

  g_assert_true (lab_line_plot_save_png (plot, path, 480, 320, &error));
  g_assert_no_error (error);

  /* The curve is drawn in the first palette colour (Tableau blue 4e79a7). */
  s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 480);
  data = cairo_image_surface_get_data (s);
  stride = cairo_image_surface_get_stride (s);
  for (int r = 0; r < 320; r++)
    for (int c = 0; c < 480; c++)
      {
        guint32 px = *(guint32 *) (data + r * stride + c * 4) & 0xffffff;
        colored += px == 0x4e79a7;
      }
  cairo_surface_destroy (s);
  g_assert_cmpuint (colored, >, 200);

  g_assert_false (lab_line_plot_save_png (plot, "/nonexistent-dir/plot.png", 100, 100, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "plot.png: cannot save (No such file or directory)");

  g_unlink (path);
  g_rmdir (dir);
}

/* Pixels of the first palette colour (blue, 4e79a7) or its antialiased
 * blends with white in a plot drawn at width x height: blue well above
 * red, which neither the grays nor the second colour (orange) have,
 * in the lower two thirds (the legend is above).
 * *first_col and *last_col get the leftmost and rightmost columns that
 * have one. */
static guint
count_blue (LabLinePlot *plot,
            int          width,
            int          height,
            int         *first_col,
            int         *last_col)
{
  cairo_surface_t *s = lab_test_draw_figure (lab_line_plot_draw_figure, plot, width, height);
  unsigned char *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  guint n = 0;

  *first_col = width;
  *last_col = -1;
  for (int r = height / 3; r < height; r++)   /* below the legend */
    for (int c = 0; c < width; c++)
      {
        guint32 px = *(guint32 *) (data + r * stride + c * 4);
        int red = (px >> 16) & 0xff, blue = px & 0xff;

        if (blue - red > 30)
          {
            n++;
            *first_col = MIN (*first_col, c);
            *last_col = MAX (*last_col, c);
          }
      }
  cairo_surface_destroy (s);
  return n;
}

/* Error bars add ink in the series' colour, and only where asked; on a log
 * x axis 10, 100 and 1000 sit at even spacing, so the middle point's error
 * bar is midway between the ends. */
static void
test_plot_error_bars_log_x (void)
{
  g_autoptr(LabLinePlot) plain = lab_line_plot_new ();
  g_autoptr(LabLinePlot) bars = lab_line_plot_new ();
  g_autoptr(LabLinePlot) middle = lab_line_plot_new ();
  const double xs[] = { 10, 100, 1000 }, ys[] = { 50, 70, 80 };
  int f0, l0, f1, l1, f2, l2;
  guint n_plain, n_bars;

  for (guint k = 0; k < 3; k++)
    {
      LabLinePlot *p = k == 0 ? plain : k == 1 ? bars : middle;
      lab_line_plot_set_log_x (p, TRUE);
      lab_line_plot_add_series (p, "ways", 0, LAB_LINE_STYLE_POINTS);
      /* a second series fixes the y range the same for all three */
      lab_line_plot_add_series (p, "range", 1, LAB_LINE_STYLE_LINE);
      lab_line_plot_append (p, 1, 10, 0);
      lab_line_plot_append (p, 1, 1000, 200);
    }
  for (guint i = 0; i < 3; i++)
    {
      lab_line_plot_append (plain, 0, xs[i], ys[i]);
      lab_line_plot_append_with_error (bars, 0, xs[i], ys[i], 8);
    }
  lab_line_plot_append_with_error (middle, 0, 100, 70, 8);
  lab_line_plot_append (middle, 0, 10, NAN);
  n_plain = count_blue (plain, 480, 320, &f0, &l0);
  n_bars = count_blue (bars, 480, 320, &f1, &l1);
  g_assert_cmpuint (n_bars, >, n_plain + 3 * 20);
  count_blue (middle, 480, 320, &f2, &l2);
  /* the point at 100 (its bar's caps are 4 px wide each side) midway
   * between those at 10 and 1000 */
  g_assert_cmpint (abs ((f2 + l2) / 2 - (f0 + l0) / 2), <=, 2);
  g_assert_cmpint (l2 - f2, <=, 10);
}

/* A line of one point is drawn as a dot, whole also at either end of the
 * x axis (a norm plot's step 0, the last epoch): as many blue pixels as
 * the same dot drawn well inside the range. */
static void
test_plot_dots_at_ends (void)
{
  const double at[] = { 0, 10 };

  for (guint k = 0; k < G_N_ELEMENTS (at); k++)
    {
      g_autoptr(LabLinePlot) edge = lab_line_plot_new ();
      g_autoptr(LabLinePlot) inside = lab_line_plot_new ();
      int first, last;
      guint n_edge, n_inside;

      for (guint p = 0; p < 2; p++)
        {
          LabLinePlot *plot = p == 0 ? edge : inside;

          lab_line_plot_add_series (plot, "dot", 0, LAB_LINE_STYLE_LINE);
          lab_line_plot_append (plot, 0, at[k], 3);
          /* the second colour sets the ranges: x 0..10 (the dot on the
           * edge) or -5..15 (well inside), y 0..10 */
          lab_line_plot_add_series (plot, "range", 1, LAB_LINE_STYLE_LINE);
          lab_line_plot_append (plot, 1, p == 0 ? 0 : -5, 0);
          lab_line_plot_append (plot, 1, p == 0 ? 10 : 15, 10);
        }
      n_edge = count_blue (edge, 480, 320, &first, &last);
      n_inside = count_blue (inside, 480, 320, &first, &last);
      g_assert_cmpuint (n_inside, >=, 20);
      g_assert_cmpuint (n_edge * 10, >=, n_inside * 9);
    }
}

/* A series drawn as dots shows a dot in the legend, on a short line: its
 * swatch, in the top right corner (the dots take the other three), is
 * blue over the dot's height and the line's length. */
static void
test_plot_legend_dot (void)
{
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  const int width = 480, height = 320;
  cairo_surface_t *surface;
  unsigned char *data;
  int stride, top = height, bottom = -1, left = width, right = -1;

  lab_line_plot_add_series (plot, "model", 0, LAB_LINE_STYLE_POINTS);
  lab_line_plot_append (plot, 0, 0, 10);
  lab_line_plot_append (plot, 0, 0, 0);
  lab_line_plot_append (plot, 0, 10, 0);
  surface = lab_test_draw_figure (lab_line_plot_draw_figure, plot, width, height);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int r = 0; r < height / 3; r++)
    for (int c = width / 2; c < width; c++)
      {
        guint32 px = *(guint32 *) (data + r * stride + c * 4);

        if ((int) (px & 0xff) - (int) ((px >> 16) & 0xff) > 60)
          {
            top = MIN (top, r), bottom = MAX (bottom, r);
            left = MIN (left, c), right = MAX (right, c);
          }
      }
  cairo_surface_destroy (surface);
  g_test_message ("swatch %d x %d px", right - left + 1, bottom - top + 1);
  g_assert_cmpint (bottom - top + 1, >=, 6);
  g_assert_cmpint (bottom - top + 1, <=, 9);
  g_assert_cmpint (right - left + 1, >=, 18);
  g_assert_cmpint (right - left + 1, <=, 22);
}

/* The legend goes to the corner of the plot area where it hides the
 * least: a curve rising into the top right corner (the transfer lesson's
 * accuracy against labels) is drawn whole there, not under the legend. */
static void
test_plot_legend_corner (void)
{
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  const int width = 480, height = 320;
  cairo_surface_t *surface;
  unsigned char *data;
  int stride;
  guint n = 0;

  lab_line_plot_add_series (plot, "rising", 0, LAB_LINE_STYLE_LINE);
  lab_line_plot_append (plot, 0, 0, 0);
  lab_line_plot_append (plot, 0, 8, 10);
  lab_line_plot_append (plot, 0, 10, 10);
  lab_line_plot_add_series (plot, "range", 1, LAB_LINE_STYLE_LINE);
  lab_line_plot_append (plot, 1, 0, 0);
  lab_line_plot_append (plot, 1, 10, 12);
  surface = lab_test_draw_figure (lab_line_plot_draw_figure, plot, width, height);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  /* Blue (the first colour) along the flat stretch at y = 10, which the
   * legend box hid in the top right before (its white veils what is
   * under it); the legend's own blue swatch lies above these rows. */
  for (int r = height / 6; r < height / 4; r++)
    for (int c = width - 90; c < width - 30; c++)
      {
        guint32 px = *(guint32 *) (data + r * stride + c * 4);

        n += (int) (px & 0xff) - (int) ((px >> 16) & 0xff) > 30;
      }
  cairo_surface_destroy (surface);
  g_test_message ("blue pixels in the top right corner: %u", n);
  g_assert_cmpuint (n, >=, 85);
}

/* The points style's lines count as what a legend would hide, as the
 * plot draws them: a line from the top's middle down to the right edge,
 * crossing the top right corner between its points, keeps that corner
 * free; the legend (its name's dark gray ink, right of the y axis's
 * labels) goes top left. */
static void
test_plot_legend_corner_points (void)
{
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  const int width = 480, height = 320;
  cairo_surface_t *surface;
  unsigned char *data;
  int stride;
  guint left = 0, right = 0;

  lab_line_plot_add_series (plot, "model", 0, LAB_LINE_STYLE_POINTS);
  lab_line_plot_append (plot, 0, 0, 0);
  lab_line_plot_append (plot, 0, 6, 10);
  lab_line_plot_append (plot, 0, 10, 8);
  surface = lab_test_draw_figure (lab_line_plot_draw_figure, plot, width, height);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int r = 0; r < height / 3; r++)
    for (int c = 60; c < width; c++)
      {
        guint32 px = *(guint32 *) (data + r * stride + c * 4);
        guint red = (px >> 16) & 0xff, green = (px >> 8) & 0xff, blue = px & 0xff;

        if (red == green && green == blue && red < 80)
          *(c < width / 2 ? &left : &right) += 1;
      }
  cairo_surface_destroy (surface);
  g_test_message ("legend ink: %u px left, %u px right", left, right);
  g_assert_cmpuint (left, >=, 20);
  g_assert_cmpuint (right, ==, 0);
}

/* Dark gray ink (text) of a drawing's rows [r0, r1) and columns [c0, c1):
 * the legend's names, which nothing else in a plot area draws. */
static guint
count_ink (cairo_surface_t *surface,
           int r0, int r1, int c0, int c1)
{
  unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint n = 0;

  for (int r = MAX (r0, 0); r < MIN (r1, cairo_image_surface_get_height (surface)); r++)
    for (int c = MAX (c0, 0); c < MIN (c1, cairo_image_surface_get_width (surface)); c++)
      {
        guint32 px = *(guint32 *) (data + r * stride + c * 4);
        guint red = (px >> 16) & 0xff, green = (px >> 8) & 0xff, blue = px & 0xff;

        n += red == green && green == blue && red < 80;
      }
  return n;
}

/* Where every corner of the plot area holds data (two diagonals, as the
 * Denoise page's PSNR of the denoised and of the noisy input can cross a
 * projector's small plot), an inside legend goes below the plot area,
 * hiding none of the curves, and the curves give up its height; where a
 * corner is free it stays there, unless held below. */
static void
test_plot_legend_no_free_corner (void)
{
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  const int width = 480, height = 320;
  double x, y, w, h, lx, ly, lw, lh;
  cairo_surface_t *surface;
  gboolean below = FALSE;

  lab_line_plot_set_labels (plot, "noise factor", "PSNR (dB)");
  lab_line_plot_add_series (plot, "denoised", 0, LAB_LINE_STYLE_POINTS);
  lab_line_plot_add_series (plot, "noisy input", 1, LAB_LINE_STYLE_POINTS);
  for (int i = 0; i <= 10; i++)
    {
      lab_line_plot_append (plot, 0, i / 10.0, 10 + i);
      lab_line_plot_append (plot, 1, i / 10.0, 20 - i);
    }
  g_assert_true (lab_line_plot_get_area (plot, width, height, &x, &y, &w, &h));
  g_assert_true (lab_line_plot_get_legend_area (plot, width, height, &lx, &ly, &lw, &lh, &below));
  g_test_message ("plot area %.0f,%.0f %.0f×%.0f; legend %.0f,%.0f %.0f×%.0f", x, y, w, h, lx, ly, lw, lh);
  g_assert_true (below);
  /* below the plot area and its x axis title, inside the figure */
  g_assert_cmpfloat (ly, >=, y + h + 30);
  g_assert_cmpfloat (ly + lh, <=, height);
  g_assert_cmpfloat (lx, >=, 0);
  g_assert_cmpfloat (lx + lw, <=, width);
  /* its two entries side by side: one row */
  g_assert_cmpfloat (lh, <, 30);
  g_assert_cmpfloat (h, >=, height - 34 - 48 - 8 - lh - 16);
  /* an inside legend's move takes no height from the widget's request */
  g_assert_cmpfloat (lab_line_plot_get_legend_height (plot, width), ==, 0);

  /* The names' ink is under the plot area, none over the curves. */
  surface = lab_test_draw_figure (lab_line_plot_draw_figure, plot, width, height);
  g_assert_cmpuint (count_ink (surface, (int) y + 1, (int) (y + h) - 1, (int) x + 1, (int) (x + w) - 1), ==, 0);
  g_assert_cmpuint (count_ink (surface, (int) ly, (int) (ly + lh), (int) lx, (int) (lx + lw)), >=, 40);
  cairo_surface_destroy (surface);

  /* A free corner (the top right, where the denoised curve stays low)
   * keeps the legend there ... */
  lab_line_plot_clear (plot);
  for (int i = 0; i <= 10; i++)
    {
      lab_line_plot_append (plot, 0, i / 10.0, 10 + i / 2.0);
      lab_line_plot_append (plot, 1, i / 10.0, 20 - i);
    }
  g_assert_true (lab_line_plot_get_legend_area (plot, width, height, &lx, &ly, &lw, &lh, &below));
  g_assert_true (lab_line_plot_get_area (plot, width, height, &x, &y, &w, &h));
  g_test_message ("free corner: legend %.0f,%.0f in %.0f,%.0f %.0f×%.0f", lx, ly, x, y, w, h);
  g_assert_false (below);
  g_assert_cmpfloat (ly, <, y + h);
  /* ... unless held below */
  lab_line_plot_set_legend_below (plot, TRUE);
  g_assert_true (lab_line_plot_get_legend_area (plot, width, height, &lx, &ly, &lw, &lh, &below));
  g_assert_true (below);
  g_assert_cmpfloat (ly, >=, y + h);
}

/* A legend outside with a line per layer goes beside the plot area while
 * that leaves the curves room, else below it, where it adds its height
 * (the widget grows by it) and the curves keep the figure's width; the
 * area said is where the frame is drawn. */
static void
test_plot_legend_below (void)
{
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  double x, y, w, h, legend;
  cairo_surface_t *surface;
  unsigned char *data;
  int stride, height;

  lab_line_plot_set_title (plot, "Weight norm per layer");
  lab_line_plot_set_labels (plot, "training step", "L2 norm");
  lab_line_plot_set_log_y (plot, TRUE);
  lab_line_plot_set_legend_outside (plot, TRUE);
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u Conv2D", 3 * i);

      lab_line_plot_add_series (plot, name, i, LAB_LINE_STYLE_LINE);
      for (int t = 0; t < 50; t++)
        lab_line_plot_append (plot, i, t, (i + 1) * exp (-t / 40.0));
    }

  /* wide: beside, taking its width from the plot area */
  g_assert_cmpfloat (lab_line_plot_get_legend_height (plot, 640), ==, 0);
  g_assert_true (lab_line_plot_get_area (plot, 640, 320, &x, &y, &w, &h));
  g_assert_cmpfloat (w, <, 640 - x - 100);
  g_assert_cmpfloat (w, >, 400);

  /* a projector's side column: 302 px at a scale of 1.6 */
  lab_line_plot_set_scale (plot, 1.6);
  legend = lab_line_plot_get_legend_height (plot, 302);
  g_test_message ("legend below: %.0f px", legend);
  g_assert_cmpfloat (legend, >=, 1.6 * 18 * 7);
  height = 280 + (int) ceil (legend);
  g_assert_true (lab_line_plot_get_area (plot, 302, height, &x, &y, &w, &h));
  g_test_message ("plot area %.0f,%.0f %.0f×%.0f", x, y, w, h);
  g_assert_cmpfloat (w, >=, 302 / 2.0);
  g_assert_cmpfloat (x + w, >=, 302 - 16 * 1.6 - 1);
  /* the curves keep what 280 px with no legend under them gives */
  g_assert_cmpfloat (h, >=, 280 - 1.6 * (34 + 48) - 1);

  /* The frame's top and bottom edges (a dark gray, 0x737373 blended with
   * white at this scale) run along the rows said, from the left said to
   * the right said; the curves stay clear of both (the y range's margin). */
  surface = lab_test_draw_figure (lab_line_plot_draw_figure, plot, 302, height);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint edge = 0; edge < 2; edge++)
    {
      int row = (int) (edge == 0 ? y : y + h - 1), cols = 0;

      for (int c = (int) x + 2; c < (int) (x + w) - 2; c++)
        {
          gboolean frame = FALSE;

          for (int r = row - 2; r <= row + 2; r++)
            {
              guint32 px = *(guint32 *) (data + r * stride + c * 4);
              guint red = (px >> 16) & 0xff, green = (px >> 8) & 0xff, blue = px & 0xff;

              frame |= red == green && green == blue && red < 0xb0;
            }
          cols += frame;
        }
      g_assert_cmpint (cols, ==, (int) (x + w) - 2 - ((int) x + 2));
    }
  cairo_surface_destroy (surface);
}

/* The x tick labels under a line plot drawn at width x height without an
 * x axis title: the centre column of each label, into centres[max]
 * (labels are runs of dark columns less than 4 px times the plot's scale
 * apart, in the rows from 7
 * to 20 px times the plot's scale below the plot area's frame, the lowest
 * row more than half of whose pixels are the frame's dark gray, 0x737373
 * or, at a scale, its blend with white) and its width in pixels, into
 * widths[max]. Returns their count. */
static guint
x_tick_labels (LabLinePlot *plot,
               int          width,
               int          height,
               double      *centres,
               double      *widths,
               guint        max)
{
  cairo_surface_t *s = lab_test_draw_figure (lab_line_plot_draw_figure, plot, width, height);
  unsigned char *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  double scale = lab_line_plot_get_scale (plot);
  int frame = -1, start = -1, last = -10;
  guint n = 0;

  for (int r = height - 1; r >= 0 && frame < 0; r--)
    {
      int gray = 0;

      for (int c = 0; c < width; c++)
        {
          guint32 px = *(guint32 *) (data + r * stride + c * 4);
          guint red = (px >> 16) & 0xff, green = (px >> 8) & 0xff, blue = px & 0xff;

          gray += red == green && green == blue && red >= 0x73 && red < 0xb0;
        }
      if (gray > width / 2)
        frame = r;
    }
  g_assert_cmpint (frame, >, 0);
  g_assert_cmpint (frame + 20 * scale, <, height);
  for (int c = 0; c <= width; c++)
    {
      gboolean dark = FALSE;

      for (int r = frame + (int) (7 * scale); r <= frame + (int) (20 * scale) && c < width; r++)
        dark |= (*(guint32 *) (data + r * stride + c * 4) & 0xff) < 140;
      if (dark && c - last >= 4 * scale)
        start = c;
      if (!dark && start >= 0 && c - last >= 4 * scale)
        {
          g_assert_cmpuint (n, <, max);
          widths[n] = last - start + 1;
          centres[n++] = (start + last) / 2.0;
          start = -1;
        }
      last = dark ? c : last;
    }
  cairo_surface_destroy (s);
  return n;
}

/* A linear x axis in a narrow plot on a projector (the Denoise page's
 * curves against the noise factor, 0 to 1, in presentation mode) has
 * fewer ticks, their labels apart by half a line or more, rather than six
 * labels nearly touching; a wide one keeps its six. */
static void
test_plot_narrow_x_ticks (void)
{
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  double at[16], wide[16];
  guint n;

  lab_line_plot_add_series (plot, "denoised", 0, LAB_LINE_STYLE_POINTS);
  for (guint i = 0; i <= 20; i++)
    lab_line_plot_append (plot, 0, i / 20.0, 0.2 + 0.3 * i * i / 400.0);
  n = x_tick_labels (plot, 640, 400, at, wide, G_N_ELEMENTS (at));
  g_assert_cmpuint (n, ==, 6);

  lab_line_plot_set_scale (plot, 1.6);
  n = x_tick_labels (plot, 280, 220, at, wide, G_N_ELEMENTS (at));
  g_test_message ("%u x tick labels at 280 px, scale 1.6", n);
  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpuint (n, <, 6);
  /* half a line of 12 px type (14 px) */
  for (guint i = 0; i + 1 < n; i++)
    {
      double gap = (at[i + 1] - wide[i + 1] / 2) - (at[i] + wide[i] / 2);

      g_test_message ("gap %u: %.0f px", i, gap);
      g_assert_cmpfloat (gap, >=, 1.6 * 7);
    }
}

/* A title too long for a narrow plot (the Inside page's gradient norms on
 * a projector) is drawn smaller, whole: no ink in the first and last
 * columns of the rows it is drawn in. */
static void
test_plot_title_fits (void)
{
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  cairo_surface_t *surface;
  unsigned char *data;
  int stride, width = 320;
  guint edge = 0;

  lab_line_plot_set_title (plot, "Gradient norm per layer (while training)");
  lab_line_plot_set_scale (plot, 1.6);
  lab_line_plot_add_series (plot, "0 Conv2D", 0, LAB_LINE_STYLE_LINE);
  lab_line_plot_append (plot, 0, 0, 1);
  lab_line_plot_append (plot, 0, 1, 2);
  surface = lab_test_draw_figure (lab_line_plot_draw_figure, plot, width, 300);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int r = 0; r < 30 * 1.6; r++)
    for (int c = 0; c < 4; c++)
      {
        edge += (*(guint32 *) (data + r * stride + c * 4) & 0xff) < 200;
        edge += (*(guint32 *) (data + r * stride + (width - 1 - c) * 4) & 0xff) < 200;
      }
  cairo_surface_destroy (surface);
  g_assert_cmpuint (edge, ==, 0);
}

/* A log x axis over a few shared x (label budgets) has a tick label at
 * each of them, where the 1-2-5 ticks would label 20 and 50 only; where
 * those labels would run into each other, the 1-2-5 ticks or the decades
 * instead. Label centres sit as the values' logarithms do. */
static void
test_plot_log_x_shared_ticks (void)
{
  const double budgets[] = { 100, 300, 1000, 1800, 5000 };
  g_autoptr(LabLinePlot) few = lab_line_plot_new ();
  g_autoptr(LabLinePlot) transfer = lab_line_plot_new ();
  double at[16], wide[16];
  guint n;

  lab_line_plot_set_log_x (few, TRUE);
  lab_line_plot_add_series (few, "accuracy", 0, LAB_LINE_STYLE_POINTS);
  lab_line_plot_add_series (few, "baseline", 1, LAB_LINE_STYLE_POINTS);
  for (guint i = 1; i <= 4; i++)
    {
      lab_line_plot_append (few, 0, 20.0 * i, 50 + 10 * i);
      lab_line_plot_append (few, 1, 20.0 * i, 40 + 10 * i);
    }
  n = x_tick_labels (few, 480, 320, at, wide, G_N_ELEMENTS (at));
  g_assert_cmpuint (n, ==, 4);
  /* 20, 40, 60, 80: log 2 / log 4 and log 3 / log 4 of the way */
  g_assert_cmpfloat_with_epsilon ((at[1] - at[0]) / (at[3] - at[0]), 0.5, 0.02);
  g_assert_cmpfloat_with_epsilon ((at[2] - at[0]) / (at[3] - at[0]), log (3) / log (4), 0.02);

  lab_line_plot_set_log_x (transfer, TRUE);
  lab_line_plot_add_series (transfer, "pretrained", 0, LAB_LINE_STYLE_POINTS);
  for (guint i = 0; i < G_N_ELEMENTS (budgets); i++)
    lab_line_plot_append (transfer, 0, budgets[i], 60 + 5 * i);
  n = x_tick_labels (transfer, 640, 400, at, wide, G_N_ELEMENTS (at));
  g_assert_cmpuint (n, ==, 5);
  for (guint i = 1; i + 1 < n; i++)
    g_assert_cmpfloat_with_epsilon ((at[i] - at[0]) / (at[4] - at[0]),
                                    log (budgets[i] / 100) / log (50), 0.02);

  /* Narrow, 1000 and 1800 would touch, and so would the 1-2-5 ticks:
   * the decades, 100 and 1000 (a digit wider). */
  n = x_tick_labels (transfer, 220, 200, at, wide, G_N_ELEMENTS (at));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpfloat (wide[1], >, wide[0] + 4);
}

/* Sizes that are not round (parameters against PSNR: 4385, 222384,
 * 1149520) get the decades instead, each a third of the way further, and a
 * log axis's labels never read in exponent notation ("1.14952e+06"):
 * thousands grouped, decimals as the value needs them. */
static void
test_plot_log_x_unround (void)
{
  const double params[] = { 4385, 222384, 1149520 };
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  double at[16], wide[16];
  char buf[32];
  guint n;

  lab_line_plot_set_log_x (plot, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    {
      lab_line_plot_add_series (plot, "model", i, LAB_LINE_STYLE_POINTS);
      lab_line_plot_append (plot, i, params[i], 6 + i);
    }
  /* the report's figure size */
  n = x_tick_labels (plot, 1200, 640, at, wide, G_N_ELEMENTS (at));
  g_assert_cmpuint (n, ==, 3);
  /* 10,000, 100,000 and 1,000,000 (not 4385, 222384, 1149520: 0.71 of
   * the way) */
  g_assert_cmpfloat_with_epsilon ((at[1] - at[0]) / (at[2] - at[0]), 0.5, 0.02);

  lab_plot_log_tick_text (6, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1,000,000");
  lab_plot_log_tick_text (log10 (1800), buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1,800");
  lab_plot_log_tick_text (log10 (300), buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "300");
  lab_plot_log_tick_text (-5, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.00001");
  lab_plot_log_tick_text (log10 (0.25), buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.25");
}

/* The histogram of errors: its bins, the pixel <-> value mapping the
 * threshold drag uses, and a drawing with something on it. */
static void
test_plot_histogram (void)
{
  g_autoptr(LabHistogramPlot) plot = lab_histogram_plot_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 300, 200);
  cairo_t *cr = cairo_create (surface);
  float values[101];
  double lo, hi;
  guint dark = 0;

  for (guint i = 0; i < 100; i++)
    values[i] = i / 99.0f;
  values[100] = NAN;
  lab_histogram_plot_set_values (plot, values, 101, 10);
  g_assert_cmpuint (lab_histogram_plot_get_n_values (plot), ==, 100);
  lab_histogram_plot_get_range (plot, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 0);
  g_assert_cmpfloat (hi, ==, 1);
  for (guint b = 0; b < 10; b++)
    g_assert_cmpuint (lab_histogram_plot_get_bin (plot, b), ==, 10);
  g_assert_cmpuint (lab_histogram_plot_get_bin (plot, 10), ==, 0);

  lab_histogram_plot_set_threshold (plot, 0.7);
  lab_histogram_plot_set_note (plot, "30 above");
  lab_histogram_plot_draw (plot, cr, 300, 200);
  cairo_surface_flush (surface);
  for (int y = 0; y < 200; y++)
    for (int x = 0; x < 300; x++)
      dark += (*(guint32 *) (cairo_image_surface_get_data (surface) + y * cairo_image_surface_get_stride (surface)
                             + 4 * x) & 0xff) < 160;
  g_assert_cmpuint (dark, >, 300 * 200 / 20);
  for (double v = 0; v <= 1; v += 0.125)
    g_assert_cmpfloat_with_epsilon (lab_histogram_plot_to_value (plot, lab_histogram_plot_to_pixel (plot, v)), v, 1e-9);
  /* clamped to the range, and the area a little wider than the bars */
  g_assert_cmpfloat (lab_histogram_plot_to_value (plot, -50), ==, 0);
  g_assert_cmpfloat (lab_histogram_plot_to_value (plot, 1000), ==, 1);
  g_assert_true (lab_histogram_plot_in_area (plot, lab_histogram_plot_to_pixel (plot, 0) - 4, 100));
  g_assert_false (lab_histogram_plot_in_area (plot, 2, 100));

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot/nice-ticks", test_plot_nice_ticks);
  g_test_add_func ("/plot/log-ticks", test_plot_log_ticks);
  g_test_add_func ("/plot/histogram", test_plot_histogram);
  g_test_add_func ("/plot/draws-series", test_plot_draws_series);
  g_test_add_func ("/plot/error-bars-log-x", test_plot_error_bars_log_x);
  g_test_add_func ("/plot/dots-at-ends", test_plot_dots_at_ends);
  g_test_add_func ("/plot/legend-corner", test_plot_legend_corner);
  g_test_add_func ("/plot/legend-dot", test_plot_legend_dot);
  g_test_add_func ("/plot/legend-corner-points", test_plot_legend_corner_points);
  g_test_add_func ("/plot/log-x-shared-ticks", test_plot_log_x_shared_ticks);
  g_test_add_func ("/plot/log-x-unround", test_plot_log_x_unround);
  g_test_add_func ("/plot/legend-below", test_plot_legend_below);
  g_test_add_func ("/plot/legend-no-free-corner", test_plot_legend_no_free_corner);
  g_test_add_func ("/plot/narrow-x-ticks", test_plot_narrow_x_ticks);
  g_test_add_func ("/plot/title-fits", test_plot_title_fits);
  return g_test_run ();
}
