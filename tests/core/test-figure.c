/* Every figure the window exports (the line plot, the scatter plot, the
 * image grids of the strips, the manifold, the morph and the gallery)
 * written by lab_figure_save as PNG, SVG and PDF, and the files read back;
 * bad names, sizes and places refused in words. */

#define _GNU_SOURCE
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lab-error.h"
#include "lab-figure.h"
#include "lab-image-grid.h"
#include "lab-line-plot.h"
#include "lab-scatter-plot.h"
#include "lab-test-png.h"

#define W 640
#define H 400

typedef struct
{
  const char        *name;
  LabFigureDrawFunc  draw;
  gpointer           figure;
} Figure;

static LabLinePlot *
make_line_plot (void)
{
  LabLinePlot *plot = lab_line_plot_new ();
  guint s;

  lab_line_plot_set_labels (plot, "epoch", "loss (mse)");
  s = lab_line_plot_add_series (plot, "training", 0, LAB_LINE_STYLE_LINE);
  for (int i = 0; i < 50; i++)
    lab_line_plot_append (plot, s, i / 10.0, 0.2 * exp (-i / 15.0) + 0.02);
  lab_line_plot_add_marker (plot, 2.5, "trained");
  return plot;
}

static LabScatterPlot *
make_scatter_plot (float **points, guint8 **labels)
{
  const char *names[] = { "0", "1", "2" };
  LabScatterPlot *plot = lab_scatter_plot_new ();
  guint n = 300;

  *points = g_new (float, 2 * n);
  *labels = g_new (guint8, n);
  for (guint i = 0; i < n; i++)
    {
      (*labels)[i] = i % 3;
      (*points)[2 * i] = (float) ((i % 3) * 4 + sin (i * 1.7));
      (*points)[2 * i + 1] = (float) ((i % 3) * 2 + cos (i * 2.3));
    }
  lab_scatter_plot_set_classes (plot, names, 3);
  lab_scatter_plot_set_labels (plot, "PC 1", "PC 2");
  lab_scatter_plot_set_points (plot, *points, *labels, n, FALSE);
  return plot;
}

/* n images of side 28: a bright square that moves with i. */
static guint8 *
make_images (guint n)
{
  guint8 *px = g_new0 (guint8, (gsize) n * 28 * 28);

  for (guint i = 0; i < n; i++)
    for (guint y = 6; y < 20; y++)
      for (guint x = 4 + i % 8; x < 14 + i % 8; x++)
        px[(gsize) i * 784 + y * 28 + x] = 255;
  return px;
}

/* The strips: noisy | output (empty, a placeholder) | clean with captions. */
static LabImageGrid *
make_strip_grid (void)
{
  g_autofree guint8 *px = make_images (10);
  const char *captions[] = { "8.0 dB", "7.9 dB", "8.5 dB", "7.7 dB", "8.0 dB",
                             "8.0 dB", "8.1 dB", "8.0 dB", "8.4 dB", "8.3 dB", NULL };
  LabImageGrid *grid = lab_image_grid_new ();

  lab_image_grid_set_row_title (grid, 0, "Noisy input");
  lab_image_grid_set_row (grid, 0, px, 10, 28, 28);
  lab_image_grid_set_captions (grid, 0, captions);
  lab_image_grid_set_row_title (grid, 1, "Reconstruction");
  lab_image_grid_set_placeholder (grid, 1, "Press Train: the reconstructions appear here as the model learns");
  lab_image_grid_set_row_title (grid, 2, "Clean");
  lab_image_grid_set_row (grid, 2, px, 10, 28, 28);
  return grid;
}

/* The manifold: one mosaic image. */
static LabImageGrid *
make_mosaic_grid (void)
{
  g_autofree guint8 *px = g_new (guint8, 140 * 140);
  LabImageGrid *grid = lab_image_grid_new ();

  for (guint i = 0; i < 140 * 140; i++)
    px[i] = (guint8) ((i / 140 + i % 140) % 256);
  lab_image_grid_set_n_rows (grid, 1);
  lab_image_grid_set_row (grid, 0, px, 1, 140, 140);
  return grid;
}

static void
check_png (const char *path,
           int         width,
           int         height)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (path);
  g_autofree char *head = NULL;
  gsize len;
  unsigned char *data;
  int stride;
  guint bright = 0;

  g_assert_true (g_file_get_contents (path, &head, &len, NULL));
  g_assert_cmpuint (len, >, 1000);
  g_assert_cmpint (memcmp (head, "\x89PNG\r\n\x1a\n", 8), ==, 0);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, height);
  /* Something was drawn: more than a blank page. */
  data = cairo_image_surface_get_data (s);
  stride = cairo_image_surface_get_stride (s);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      bright += ((*(guint32 *) (data + y * stride + x * 4)) & 0xff) > 128;
  g_assert_cmpuint (bright, >, 50);
  g_assert_cmpuint (bright, <, (guint) (width * height) - 50);
  cairo_surface_destroy (s);
}

static void
check_text_start (const char *path,
                  const char *what)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 500);
  if (g_strcmp0 (what, "svg") == 0)
    {
      g_assert_true (g_str_has_prefix (contents, "<?xml") || g_str_has_prefix (contents, "<svg"));
      g_assert_nonnull (strstr (contents, "<svg"));
      g_assert_nonnull (strstr (contents, "</svg>"));
    }
  else
    {
      g_assert_true (g_str_has_prefix (contents, "%PDF"));
      /* A finished file: its trailer is there (binary streams before it). */
      g_assert_nonnull (memmem (contents + len - MIN (len, 16), MIN (len, 16), "%%EOF", 5));
    }
}

static void
test_figure_formats (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lab-figure-XXXXXX", NULL);
  g_autoptr(LabLinePlot) line = make_line_plot ();
  g_autofree float *points = NULL;
  g_autofree guint8 *labels = NULL;
  g_autoptr(LabScatterPlot) scatter = make_scatter_plot (&points, &labels);
  g_autoptr(LabImageGrid) strip = make_strip_grid ();
  g_autoptr(LabImageGrid) mosaic = make_mosaic_grid ();
  const Figure figures[] = {
    { "loss", lab_line_plot_draw_figure, line },
    { "map", lab_scatter_plot_draw_figure, scatter },
    { "strip", lab_image_grid_draw_figure, strip },
    { "manifold", lab_image_grid_draw_figure, mosaic },
  };
  const char *formats[] = { "png", "svg", "pdf", "PNG" };

  g_assert_nonnull (dir);
  for (guint f = 0; f < G_N_ELEMENTS (figures); f++)
    for (guint k = 0; k < G_N_ELEMENTS (formats); k++)
      {
        g_autofree char *name = g_strdup_printf ("%s.%s", figures[f].name, formats[k]);
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
        g_autoptr(GError) error = NULL;
        g_autofree char *lower = g_ascii_strdown (formats[k], -1);

        g_assert_true (lab_figure_save (figures[f].draw, figures[f].figure, W, H, path, &error));
        g_assert_no_error (error);
        g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
        if (g_strcmp0 (lower, "png") == 0)
          check_png (path, W, H);
        else
          check_text_start (path, lower);
        g_test_message ("%s written", name);
        g_unlink (path);
      }
  g_rmdir (dir);
}

static void
test_figure_errors (void)
{
  g_autoptr(LabLinePlot) line = make_line_plot ();
  g_autofree char *dir = g_dir_make_tmp ("lab-figure-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "loss.jpg", NULL);
  g_autofree char *png = g_build_filename (dir, "loss.png", NULL);
  g_autoptr(GError) error = NULL;
  LabFigureFormat format;

  g_assert_true (lab_figure_format_for_path ("a/b.Svg", &format, NULL));
  g_assert_cmpint (format, ==, LAB_FIGURE_SVG);
  g_assert_true (lab_figure_format_for_path ("b.pdf", &format, NULL));
  g_assert_cmpint (format, ==, LAB_FIGURE_PDF);

  /* A format by a name it does not have. */
  g_assert_false (lab_figure_save (lab_line_plot_draw_figure, line, W, H, path, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "loss.jpg"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A size no screen or printer has; nothing allocated for it. */
  g_assert_false (lab_figure_save (lab_line_plot_draw_figure, line, 0, H, png, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (lab_figure_save (lab_line_plot_draw_figure, line, 100000, 100000, png, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "loss.png"));
  g_clear_error (&error);
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));

  /* A folder that is not there. */
  for (guint k = 0; k < 3; k++)
    {
      const char *bad = (const char *[]) { "/nonexistent-dir/x.png", "/nonexistent-dir/x.svg",
                                           "/nonexistent-dir/x.pdf" }[k];
      g_autofree char *base = g_path_get_basename (bad);

      g_assert_false (lab_figure_save (lab_line_plot_draw_figure, line, W, H, bad, &error));
      g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
      /* The file named as lab_save names it: its base name. */
      g_assert_nonnull (strstr (error->message, base));
      g_clear_error (&error);
    }
  g_rmdir (dir);
}

/* The grid's layout: whole zoom factors, blocks when the columns are many,
 * and a measured size that fits its rows. */
static void
test_figure_image_grid (void)
{
  g_autoptr(LabImageGrid) grid = make_strip_grid ();
  g_autofree guint8 *px = make_images (16);
  cairo_surface_t *s;
  cairo_t *cr;
  int min_w, nat_w, min_h, nat_h;
  guint n, h, w;

  lab_image_grid_measure (grid, TRUE, &min_w, &nat_w);
  lab_image_grid_measure (grid, FALSE, &min_h, &nat_h);
  g_assert_cmpint (min_w, >=, 10 * 28);
  g_assert_cmpint (nat_w, >, min_w);
  g_assert_cmpint (nat_h, >, min_h);
  g_assert_nonnull (lab_image_grid_get_row_pixels (grid, 0, &n, &h, &w));
  g_assert_cmpuint (n, ==, 10);
  g_assert_null (lab_image_grid_get_row_pixels (grid, 1, &n, NULL, NULL));
  g_assert_cmpuint (n, ==, 0);

  /* 16 columns of 28 px at 2x: a clean row shows 56-px squares. */
  lab_image_grid_set_row (grid, 2, px, 16, 28, 28);
  lab_image_grid_set_background (grid, TRUE);
  s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 2 * 8 + 16 * 56 + 15 * 4, 600);
  cr = cairo_create (s);
  lab_image_grid_draw (grid, cr, cairo_image_surface_get_width (s), 600);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  {
    unsigned char *data = cairo_image_surface_get_data (s);
    int stride = cairo_image_surface_get_stride (s);
    guint white = 0;

    for (int y = 0; y < 600; y++)
      for (int x = 0; x < cairo_image_surface_get_width (s); x++)
        white += ((*(guint32 *) (data + y * stride + x * 4)) & 0xffffff) == 0xffffff;
    /* Each image's square is 10 × 14 pixels, 2 × 2 on screen, in 26 images
     * (10 noisy, 16 clean); captions add a little. */
    g_assert_cmpuint (white, >=, 26 * 140 * 4);
  }
  cairo_surface_destroy (s);
}

/* Light pixels (title text, white on slate) in grid drawn at width x
 * height. */
static guint
count_light (LabImageGrid *grid,
             int           width,
             int           height)
{
  cairo_surface_t *s = lab_test_draw_figure (lab_image_grid_draw_figure, grid, width, height);
  unsigned char *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  guint light = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      light += (data[y * stride + 4 * x + 1]) > 128;
  cairo_surface_destroy (s);
  return light;
}

/* A grid wrapped into blocks (the Denoise page's 16 images in 2 blocks of
 * 8) titles its rows in every block when its images get their own size:
 * naturally taller by the titles' lines in each block, and drawn there
 * with twice the title text of one block; at its minimum, the titles once. */
static void
test_figure_grid_block_titles (void)
{
  g_autoptr(LabImageGrid) titled = lab_image_grid_new ();
  g_autoptr(LabImageGrid) untitled = lab_image_grid_new ();
  g_autoptr(LabImageGrid) one_block = lab_image_grid_new ();
  /* black images: the titles are the only light pixels */
  g_autofree guint8 *px = g_new0 (guint8, 16 * 28 * 28);
  const char *titles[] = { "Noisy input", "Denoised", "Clean" };
  int titled_min, titled_nat, untitled_min, untitled_nat, one_min, one_nat;
  guint two_light, one_light;

  for (guint r = 0; r < 3; r++)
    {
      lab_image_grid_set_row_title (titled, r, titles[r]);
      lab_image_grid_set_row (titled, r, px, 16, 28, 28);
      lab_image_grid_set_row (untitled, r, px, 16, 28, 28);
      lab_image_grid_set_row_title (one_block, r, titles[r]);
      lab_image_grid_set_row (one_block, r, px, 8, 28, 28);
    }
  lab_image_grid_set_max_columns (titled, 8);
  lab_image_grid_set_max_columns (untitled, 8);
  lab_image_grid_set_max_columns (one_block, 8);
  lab_image_grid_measure (titled, FALSE, &titled_min, &titled_nat);
  lab_image_grid_measure (untitled, FALSE, &untitled_min, &untitled_nat);
  lab_image_grid_measure (one_block, FALSE, &one_min, &one_nat);
  /* 3 titles of 18 px, in each of the 2 blocks */
  g_assert_cmpint (titled_nat - untitled_nat, ==, 2 * 3 * 18);
  g_assert_cmpint (titled_min - untitled_min, ==, 3 * 18);

  two_light = count_light (titled, 400, titled_nat);
  one_light = count_light (one_block, 400, one_nat);
  g_test_message ("title pixels: %u in 2 blocks, %u in 1", two_light, one_light);
  g_assert_cmpuint (one_light, >, 100);
  g_assert_cmpuint (two_light, >=, 2 * one_light * 9 / 10);
  /* At the minimum height the images keep 1:1 and the second block goes
   * untitled. */
  two_light = count_light (titled, 400, titled_min);
  g_assert_cmpuint (two_light, <=, one_light * 11 / 10);
}

/* Presentation mode's scale: the map drawn twice as large keeps its
 * clicks where its points are, in device pixels. */
static void
test_figure_scale (void)
{
  g_autofree float *points = NULL;
  g_autofree guint8 *labels = NULL;
  g_autoptr(LabScatterPlot) plot = make_scatter_plot (&points, &labels);
  g_autoptr(LabLinePlot) line = make_line_plot ();
  double ax1, ay1, aw1, ah1, ax2, ay2, aw2, ah2, px, py, x, y;

  lab_scatter_plot_set_size (plot, 800, 600);
  lab_scatter_plot_get_area (plot, &ax1, &ay1, &aw1, &ah1);
  lab_scatter_plot_set_scale (plot, 2);
  g_assert_cmpfloat (lab_scatter_plot_get_scale (plot), ==, 2);
  lab_scatter_plot_get_area (plot, &ax2, &ay2, &aw2, &ah2);
  /* The margins (text) grow with the scale; the area stays in the plot. */
  g_assert_cmpfloat (ax2, ==, 2 * ax1);
  g_assert_cmpfloat (aw2, <, aw1);
  g_assert_cmpfloat (ax2 + aw2, <=, 800);
  g_assert_cmpfloat (ay2 + ah2, <=, 600);
  lab_scatter_plot_to_pixel (plot, points[0], points[1], &px, &py);
  g_assert_true (lab_scatter_plot_in_area (plot, px, py));
  lab_scatter_plot_to_data (plot, px, py, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, points[0], 1e-4);
  g_assert_cmpfloat_with_epsilon (y, points[1], 1e-4);
  g_assert_cmpint (lab_scatter_plot_hit (plot, px, py, 3), >=, 0);

  lab_line_plot_set_scale (line, LAB_FIGURE_MAX_SIDE);
  g_assert_cmpfloat (lab_line_plot_get_scale (line), ==, 4);
  lab_line_plot_set_scale (line, 1.6);
  g_assert_cmpfloat (lab_line_plot_get_scale (line), ==, 1.6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/figure/formats", test_figure_formats);
  g_test_add_func ("/figure/errors", test_figure_errors);
  g_test_add_func ("/figure/image-grid", test_figure_image_grid);
  g_test_add_func ("/figure/grid-block-titles", test_figure_grid_block_titles);
  g_test_add_func ("/figure/scale", test_figure_scale);
  return g_test_run ();
}
