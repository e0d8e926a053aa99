/* The Cairo scatter plot of the latent space: the view transform, hit
 * testing, the legend, and drawing 10,000 points fast. */

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lab-palette.h"
#include "lab-png.h"
#include "lab-rng.h"
#include "lab-scatter-plot.h"

#define W 900
#define H 640

/* n points in 10 Gaussian blobs; labels (n) the blob. */
static float *
blobs (guint    n,
       guint8  *labels,
       guint64  seed)
{
  float *xy = g_new (float, 2 * n);
  LabRng rng;

  lab_rng_init (&rng, seed);
  for (guint i = 0; i < n; i++)
    {
      guint c = i % 10;

      labels[i] = c;
      xy[2 * i] = 10 * cos (c * G_PI / 5) + lab_rng_normal (&rng);
      xy[2 * i + 1] = 10 * sin (c * G_PI / 5) + lab_rng_normal (&rng);
    }
  return xy;
}

static LabScatterPlot *
make_plot (guint    n,
           float  **points,
           guint8 **labels)
{
  const char *names[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
  LabScatterPlot *plot = lab_scatter_plot_new ();

  *labels = g_new (guint8, n);
  *points = blobs (n, *labels, 5);
  lab_scatter_plot_set_classes (plot, names, 10);
  lab_scatter_plot_set_size (plot, W, H);
  lab_scatter_plot_set_points (plot, *points, *labels, n, FALSE);
  return plot;
}

static void
test_scatter_view (void)
{
  g_autofree float *points = NULL;
  g_autofree guint8 *labels = NULL;
  g_autoptr(LabScatterPlot) plot = make_plot (500, &points, &labels);
  double ax, ay, aw, ah, px, py, x, y, x0, x1, y0, y1, qx, qy;

  lab_scatter_plot_get_area (plot, &ax, &ay, &aw, &ah);
  g_assert_cmpfloat (aw, >, 500);
  g_assert_cmpfloat (ah, >, 450);
  g_assert_true (lab_scatter_plot_is_fitted (plot));

  /* Fitted: every point inside the area, y upwards. */
  for (guint i = 0; i < 500; i++)
    {
      lab_scatter_plot_to_pixel (plot, points[2 * i], points[2 * i + 1], &px, &py);
      g_assert_true (lab_scatter_plot_in_area (plot, px, py));
      lab_scatter_plot_to_data (plot, px, py, &x, &y);
      g_assert_cmpfloat_with_epsilon (x, points[2 * i], 1e-9 * 20);
      g_assert_cmpfloat_with_epsilon (y, points[2 * i + 1], 1e-9 * 20);
    }
  lab_scatter_plot_to_pixel (plot, 0, 10, &px, &py);
  lab_scatter_plot_to_pixel (plot, 0, -10, &qx, &qy);
  g_assert_cmpfloat (py, <, qy);

  /* Zoom 2x around a pixel: the data point there stays there. */
  lab_scatter_plot_get_view (plot, &x0, &x1, &y0, &y1);
  lab_scatter_plot_to_data (plot, ax + 100, ay + 80, &x, &y);
  lab_scatter_plot_zoom (plot, 2, ax + 100, ay + 80);
  g_assert_false (lab_scatter_plot_is_fitted (plot));
  lab_scatter_plot_to_pixel (plot, x, y, &px, &py);
  g_assert_cmpfloat_with_epsilon (px, ax + 100, 1e-6);
  g_assert_cmpfloat_with_epsilon (py, ay + 80, 1e-6);
  {
    double z0, z1, w0, w1;

    lab_scatter_plot_get_view (plot, &z0, &z1, &w0, &w1);
    g_assert_cmpfloat_with_epsilon (z1 - z0, (x1 - x0) / 2, 1e-9);
    g_assert_cmpfloat_with_epsilon (w1 - w0, (y1 - y0) / 2, 1e-9);
  }

  /* Pan: the content follows the pointer. */
  lab_scatter_plot_to_pixel (plot, 1, 2, &px, &py);
  lab_scatter_plot_pan (plot, 30, -12);
  lab_scatter_plot_to_pixel (plot, 1, 2, &qx, &qy);
  g_assert_cmpfloat_with_epsilon (qx - px, 30, 1e-6);
  g_assert_cmpfloat_with_epsilon (qy - py, -12, 1e-6);

  lab_scatter_plot_fit (plot);
  lab_scatter_plot_get_view (plot, &qx, &qy, &px, &py);
  g_assert_cmpfloat_with_epsilon (qx, x0, 1e-9);
  g_assert_cmpfloat_with_epsilon (py, y1, 1e-9);

  /* Equal aspect: one data unit is as many pixels on both axes. */
  lab_scatter_plot_set_equal_aspect (plot, TRUE);
  lab_scatter_plot_get_view (plot, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat_with_epsilon ((x1 - x0) / aw, (y1 - y0) / ah, 1e-9);
}

static void
test_scatter_hit (void)
{
  g_autofree float *points = NULL;
  g_autofree guint8 *labels = NULL;
  g_autoptr(LabScatterPlot) plot = make_plot (300, &points, &labels);
  double px, py, lx, ly, lw, lh;
  guint i = 123;
  int hit;

  lab_scatter_plot_to_pixel (plot, points[2 * i], points[2 * i + 1], &px, &py);
  g_assert_cmpint (lab_scatter_plot_hit (plot, px, py, 6), ==, (int) i);
  /* Near it, still it or a neighbour of the same blob within the radius. */
  hit = lab_scatter_plot_hit (plot, px + 2, py - 1, 6);
  g_assert_cmpint (hit, >=, 0);
  /* Far from every point and outside the area: nothing. */
  g_assert_cmpint (lab_scatter_plot_hit (plot, 2, 2, 6), ==, -1);

  /* A hidden class is never hit. */
  lab_scatter_plot_set_class_hidden (plot, labels[i], TRUE);
  hit = lab_scatter_plot_hit (plot, px, py, 6);
  g_assert_cmpint (hit, !=, (int) i);
  if (hit >= 0)
    g_assert_cmpuint (labels[hit], !=, labels[i]);

  /* The legend: class 3's entry is where the plot says. */
  g_assert_cmpuint (lab_scatter_plot_class_count (plot, 3), ==, 30);
  g_assert_true (lab_scatter_plot_get_legend_entry (plot, 3, &lx, &ly, &lw, &lh));
  g_assert_cmpfloat (lx, >, 600);
  g_assert_cmpint (lab_scatter_plot_legend_hit (plot, lx + lw / 2, ly + lh / 2), ==, 3);
  g_assert_true (lab_scatter_plot_get_legend_entry (plot, 0, &lx, &ly, &lw, &lh));
  g_assert_cmpint (lab_scatter_plot_legend_hit (plot, lx + lw / 2, ly + 9 * lh + lh / 2), ==, 9);
  g_assert_cmpint (lab_scatter_plot_legend_hit (plot, lx + lw / 2, ly + 10 * lh + lh / 2), ==, -1);
  g_assert_cmpint (lab_scatter_plot_legend_hit (plot, 10, ly + lh / 2), ==, -1);
  g_assert_false (lab_scatter_plot_get_legend_entry (plot, 10, &lx, &ly, &lw, &lh));
}

static void
pixel_rgb (cairo_surface_t *surface,
           int              x,
           int              y,
           double          *r,
           double          *g,
           double          *b)
{
  guint32 v;

  cairo_surface_flush (surface);
  v = *(guint32 *) (cairo_image_surface_get_data (surface) + y * cairo_image_surface_get_stride (surface) + 4 * x);
  *r = ((v >> 16) & 0xff) / 255.0;
  *g = ((v >> 8) & 0xff) / 255.0;
  *b = (v & 0xff) / 255.0;
}

/* Drawing 10,000 points (the speed is measured by bench/bench-scatter.c,
 * not here: CI machines are shared and noisy). */
static void
check_draw (guint n)
{
  g_autofree float *points = NULL;
  g_autofree guint8 *labels = NULL;
  g_autoptr(LabScatterPlot) plot = make_plot (n, &points, &labels);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (surface);
  double r, g, b, pr, pg, pb, px, py;
  guint lone = 0;

  lab_scatter_plot_draw (plot, cr, W, H);

  /* A point drawn on top of its class: the pixel at its centre has the
   * class colour (blended with white at the points' alpha). Pick the last
   * point of class 9 (drawn last). */
  for (guint i = 0; i < n; i++)
    if (labels[i] == 9)
      lone = i;
  lab_scatter_plot_to_pixel (plot, points[2 * lone], points[2 * lone + 1], &px, &py);
  pixel_rgb (surface, (int) px, (int) py, &r, &g, &b);
  lab_palette_color (9, &pr, &pg, &pb);
  g_assert_cmpfloat (fabs (r - pr) + fabs (g - pg) + fabs (b - pb), <, 0.3);

  /* Hidden: the same pixel is not of that colour any more (white or
   * another class). */
  for (guint c = 0; c < 10; c++)
    lab_scatter_plot_set_class_hidden (plot, c, TRUE);
  lab_scatter_plot_draw (plot, cr, W, H);
  pixel_rgb (surface, (int) px, (int) py, &r, &g, &b);
  g_assert_cmpfloat (r + g + b, >, 2.9);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* 10,000 points are filled as Cairo paths, 70,000 stamped into an image:
 * the same colours either way, and hiding works for both. */
static void
test_scatter_draw (void)
{
  check_draw (10000);
  check_draw (70000);
}

static void
assert_color (LabScatterPlot *plot,
              guint           i,
              double          r,
              double          g,
              double          b)
{
  double pr, pg, pb;

  g_assert_true (lab_scatter_plot_point_color (plot, i, &pr, &pg, &pb));
  g_assert_cmpfloat_with_epsilon (pr, r, 1e-9);
  g_assert_cmpfloat_with_epsilon (pg, g, 1e-9);
  g_assert_cmpfloat_with_epsilon (pb, b, 1e-9);
}

/* Whether a pixel shows colour (r, g, b) at the points' alpha: over
 * white, or over more points of the same colour (nearly opaque then). */
static gboolean
near_color (double pr,
            double pg,
            double pb,
            double r,
            double g,
            double b)
{
  double over_white = fabs (0.82 * r + 0.18 - pr) + fabs (0.82 * g + 0.18 - pg) + fabs (0.82 * b + 0.18 - pb);
  double opaque = fabs (r - pr) + fabs (g - pg) + fabs (b - pb);

  return MIN (over_white, opaque) < 0.2;
}

/* Colouring by a value per point (the reconstruction error): the scale
 * from the smallest value to the 99th percentile, the colour bar instead of
 * the legend, the threshold's faint points, on both drawing paths. */
static void
check_values (guint n)
{
  g_autofree float *points = NULL;
  g_autofree guint8 *labels = NULL;
  g_autoptr(LabScatterPlot) plot = make_plot (n, &points, &labels);
  g_autofree float *values = g_new (float, n);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (surface);
  double lo, hi, r, g, b, pr, pg, pb, px, py, lx, ly, lw, lh;
  guint top = n - 1;

  /* point i's value is i: the last one is the worst */
  for (guint i = 0; i < n; i++)
    values[i] = (float) i;
  lab_scatter_plot_set_values (plot, values, n - 1, "MSE");
  g_assert_false (lab_scatter_plot_has_values (plot));
  lab_scatter_plot_set_values (plot, values, n, "MSE");
  g_assert_true (lab_scatter_plot_has_values (plot));
  lab_scatter_plot_get_value_range (plot, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 0);
  g_assert_cmpfloat (hi, ==, floor (0.99 * (n - 1) + 0.5));

  /* by class until asked */
  lab_palette_color (labels[top], &r, &g, &b);
  assert_color (plot, top, r, g, b);
  g_assert_true (lab_scatter_plot_get_legend_entry (plot, 0, &lx, &ly, &lw, &lh));
  lab_scatter_plot_set_color_mode (plot, LAB_SCATTER_COLOR_VALUE);
  lab_colormap_color (0.0, &r, &g, &b);
  assert_color (plot, top, r, g, b);
  lab_colormap_color (0.92, &r, &g, &b);
  assert_color (plot, 0, r, g, b);
  /* the legend is a colour bar: no class to click */
  g_assert_false (lab_scatter_plot_get_legend_entry (plot, 0, &lx, &ly, &lw, &lh));
  g_assert_cmpint (lab_scatter_plot_legend_hit (plot, lx + lw / 2, ly + lh / 2), ==, -1);

  /* drawn last, on top: the worst point's pixel is the darkest colour
   * (at the points' alpha, over what is below) */
  lab_scatter_plot_draw (plot, cr, W, H);
  lab_scatter_plot_to_pixel (plot, points[2 * top], points[2 * top + 1], &px, &py);
  pixel_rgb (surface, (int) px, (int) py, &pr, &pg, &pb);
  lab_colormap_color (0.0, &r, &g, &b);
  g_assert_true (near_color (pr, pg, pb, r, g, b));

  /* a threshold: under it faint gray, above it the scale as before */
  lab_scatter_plot_set_threshold (plot, n / 2.0);
  assert_color (plot, 0, 0.78, 0.78, 0.78);
  assert_color (plot, top, r, g, b);
  lab_scatter_plot_draw (plot, cr, W, H);
  pixel_rgb (surface, (int) px, (int) py, &pr, &pg, &pb);
  g_assert_true (near_color (pr, pg, pb, r, g, b));
  /* with class colours too */
  lab_scatter_plot_set_color_mode (plot, LAB_SCATTER_COLOR_CLASS);
  assert_color (plot, 0, 0.78, 0.78, 0.78);
  lab_palette_color (labels[top], &r, &g, &b);
  assert_color (plot, top, r, g, b);

  /* new points bring no values */
  lab_scatter_plot_set_color_mode (plot, LAB_SCATTER_COLOR_VALUE);
  lab_scatter_plot_set_points (plot, points, labels, n, FALSE);
  g_assert_false (lab_scatter_plot_has_values (plot));
  g_assert_false (lab_scatter_plot_get_value (plot, 0, &lo));
  assert_color (plot, top, r, g, b);
  g_assert_true (lab_scatter_plot_get_legend_entry (plot, 0, &lx, &ly, &lw, &lh));

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_scatter_values (void)
{
  check_values (2000);
  check_values (70000);
}

static void
test_scatter_png (void)
{
  g_autofree float *points = NULL;
  g_autofree guint8 *labels = NULL;
  g_autoptr(LabScatterPlot) plot = make_plot (2000, &points, &labels);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("latentlab-scatter-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "scatter.png", NULL);
  g_autofree guint8 *gray = NULL;
  guint w, h, dark = 0;

  lab_scatter_plot_set_labels (plot, "PC 1", "PC 2");
  lab_scatter_plot_set_title (plot, "Latent space");
  lab_scatter_plot_set_marker (plot, TRUE, 0, 0);
  lab_scatter_plot_set_line (plot, TRUE, -10, 0, 10, 0);
  g_assert_true (lab_scatter_plot_save_png (plot, path, 800, 600, &error));
  g_assert_no_error (error);
  g_assert_true (lab_png_load_gray (path, &w, &h, &gray, &error));
  g_assert_cmpuint (w, ==, 800);
  g_assert_cmpuint (h, ==, 600);
  for (gsize i = 0; i < (gsize) w * h; i++)
    dark += gray[i] < 200;
  /* points, text, axes: a good share of the picture is not background */
  g_assert_cmpuint (dark, >, w * h / 50);

  g_assert_false (lab_scatter_plot_save_png (plot, "/nonexistent/dir/x.png", 100, 100, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_unlink (path);
  g_rmdir (dir);
}

/* A short plot (a projector's, in presentation mode) closes the legend's
 * rows up so that all ten digits stay listed and clickable; only where
 * even close rows cannot fit does the legend leave some out. */
static void
test_scatter_legend_short (void)
{
  g_autofree float *points = NULL;
  g_autofree guint8 *labels = NULL;
  g_autoptr(LabScatterPlot) plot = make_plot (300, &points, &labels);
  double lx, ly, lw, lh, x9, y9, w9, h9;

  /* 10 rows of 28 px do not fit in this plot area; of 20 they do. */
  lab_scatter_plot_set_size (plot, W, 300);
  g_assert_true (lab_scatter_plot_get_legend_entry (plot, 0, &lx, &ly, &lw, &lh));
  g_assert_cmpfloat (lh, <, 28);
  g_assert_cmpfloat (lh, >=, 20);
  g_assert_true (lab_scatter_plot_get_legend_entry (plot, 9, &x9, &y9, &w9, &h9));
  g_assert_cmpfloat_with_epsilon (y9, ly + 9 * lh, 1e-9);
  g_assert_cmpfloat (y9 + h9, <=, 300);
  for (int c = 0; c < 10; c++)
    g_assert_cmpint (lab_scatter_plot_legend_hit (plot, lx + lw / 2, ly + c * lh + lh / 2), ==, c);

  /* Twice the scale on the same device size: the same, drawn larger. */
  lab_scatter_plot_set_scale (plot, 2);
  lab_scatter_plot_set_size (plot, 2 * W, 600);
  g_assert_true (lab_scatter_plot_get_legend_entry (plot, 9, &x9, &y9, &w9, &h9));
  g_assert_cmpfloat (y9 + h9, <=, 600);

  /* With the hint above the rows ("click to hide or show"): kept where
   * the close rows fit below it (the legend starts 16 px down), left
   * out where only that leaves room for all ten. */
  lab_scatter_plot_set_scale (plot, 1);
  lab_scatter_plot_set_legend_hint (plot, "click to hide or show");
  lab_scatter_plot_set_size (plot, W, 330);
  g_assert_true (lab_scatter_plot_get_legend_entry (plot, 9, &x9, &y9, &w9, &h9));
  g_assert_true (lab_scatter_plot_get_legend_entry (plot, 0, &lx, &ly, &lw, &lh));
  g_assert_cmpfloat (ly, ==, 16 + 30);
  lab_scatter_plot_set_size (plot, W, 300);
  g_assert_true (lab_scatter_plot_get_legend_entry (plot, 9, &x9, &y9, &w9, &h9));
  g_assert_true (lab_scatter_plot_get_legend_entry (plot, 0, &lx, &ly, &lw, &lh));
  g_assert_cmpfloat (ly, ==, 16 + 8);
  g_assert_cmpfloat (lh, >=, 20);
  lab_scatter_plot_set_legend_hint (plot, NULL);

  /* Too short even for close rows: the full-height ones that fit. */
  lab_scatter_plot_set_size (plot, W, 180);
  g_assert_true (lab_scatter_plot_get_legend_entry (plot, 0, &lx, &ly, &lw, &lh));
  g_assert_cmpfloat (lh, ==, 28);
  g_assert_false (lab_scatter_plot_get_legend_entry (plot, 9, &x9, &y9, &w9, &h9));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scatter/view", test_scatter_view);
  g_test_add_func ("/scatter/hit", test_scatter_hit);
  g_test_add_func ("/scatter/legend-short", test_scatter_legend_short);
  g_test_add_func ("/scatter/draw", test_scatter_draw);
  g_test_add_func ("/scatter/values", test_scatter_values);
  g_test_add_func ("/scatter/png", test_scatter_png);
  return g_test_run ();
}
