#include <math.h>
#include <string.h>

#include <glib.h>

#include "lab-image-grid.h"
#include "lab-test-png.h"

#define N      8
#define HEIGHT 160

static guint32
pixel (cairo_surface_t *surface,
       int              c,
       int              r)
{
  return *(guint32 *) (cairo_image_surface_get_data (surface) + r * cairo_image_surface_get_stride (surface)
                       + c * 4) & 0xffffff;
}

/* The width text takes at the captions' size in presentation mode (9 pt
 * at 96 dpi, 1.5 times): its advance, or its ink's. */
static double
full_width (const char *text,
            gboolean    ink)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
  cairo_t *cr = cairo_create (surface);
  cairo_text_extents_t ext;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 9.0 * 96 / 72 * 1.5);
  cairo_text_extents (cr, text, &ext);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return ink ? ext.width : ext.x_advance;
}

/* A Denoise row of white images in presentation mode, their PSNR under
 * them, one of them "10.0 dB" among "9.9 dB"s, drawn width wide: every
 * caption is drawn at one size, "10.0 dB" as much wider than "9.9 dB" as
 * at full size (on the old code a caption wider than its image was
 * shrunk alone to its width, "10.0 dB" more than "9.9 dB"), and within
 * its image's width. Returns whether the
 * images were narrower than "10.0 dB" at full size. */
static gboolean
check_one_size (int width)
{
  g_autoptr(LabImageGrid) grid = lab_image_grid_new ();
  g_autofree guint8 *px = g_malloc (N * 28 * 28);
  const char *captions[N + 1] = { "9.9 dB", "9.9 dB", "9.9 dB", "10.0 dB", "9.9 dB", "9.9 dB", "9.9 dB",
                                  "9.9 dB", NULL };
  cairo_surface_t *surface;
  int img_top = -1, img_bottom = -1, spans[N][2], n_spans = 0, ink_left[N], ink_right[N];
  double full_ratio = full_width ("10.0 dB", TRUE) / full_width ("9.9 dB", TRUE), ratio;
  gboolean in = FALSE;

  memset (px, 255, N * 28 * 28);
  lab_image_grid_set_n_rows (grid, 1);
  lab_image_grid_set_row (grid, 0, px, N, 28, 28);
  lab_image_grid_set_captions (grid, 0, captions);
  lab_image_grid_set_max_columns (grid, N);
  lab_image_grid_set_gaps (grid, 8, 6);
  lab_image_grid_set_text_scale (grid, 1.5);
  surface = lab_test_draw_figure (lab_image_grid_draw_figure, grid, width, HEIGHT);

  /* the first block's images: white squares on the slate */
  for (int r = 0; r < HEIGHT && img_top < 0; r++)
    for (int c = 0; c < width && img_top < 0; c++)
      if (pixel (surface, c, r) == 0xffffff)
        {
          img_top = r;
          for (img_bottom = r; img_bottom + 1 < HEIGHT && pixel (surface, c, img_bottom + 1) == 0xffffff;)
            img_bottom++;
        }
  g_assert_cmpint (img_top, >=, 0);
  for (int c = 0; c < width && n_spans < N; c++)
    {
      gboolean white = pixel (surface, c, (img_top + img_bottom) / 2) == 0xffffff;

      if (white && !in)
        spans[n_spans][0] = c;
      if (!white && in)
        spans[n_spans++][1] = c - 1;
      in = white;
    }
  if (in && n_spans < N)
    spans[n_spans++][1] = width - 1;
  /* "10.0 dB" among them */
  g_assert_cmpint (n_spans, >=, 4);

  /* each caption's ink: bright pixels under its image (past the
   * smoothed edge of a fractional zoom's), how wide */
  for (int i = 0; i < n_spans; i++)
    {
      ink_left[i] = width;
      ink_right[i] = -1;
      for (int r = img_bottom + 3; r < MIN (HEIGHT, img_bottom + 1 + 28); r++)
        for (int c = spans[i][0] - 4; c <= spans[i][1] + 4; c++)
          if ((pixel (surface, c, r) >> 8 & 0xff) > 90)
            {
              ink_left[i] = MIN (ink_left[i], c);
              ink_right[i] = MAX (ink_right[i], c);
            }
      /* within its image's width */
      g_assert_cmpint (ink_right[i], >, ink_left[i]);
      g_assert_cmpint (ink_left[i], >=, spans[i][0] - 1);
      g_assert_cmpint (ink_right[i], <=, spans[i][1] + 1);
    }
  cairo_surface_destroy (surface);
  /* "10.0 dB" wider than "9.9 dB" by as much as at full size: one size */
  ratio = (ink_right[3] - ink_left[3] + 1.0) / (ink_right[0] - ink_left[0] + 1.0);
  g_test_message ("%d px wide: images %d px, \"10.0 dB\" %.0f px at full size; its ink %d px beside %d "
                  "(%.3f times, %.3f at full size)", width, spans[0][1] - spans[0][0] + 1,
                  full_width ("10.0 dB", FALSE), ink_right[3] - ink_left[3] + 1,
                  ink_right[0] - ink_left[0] + 1, ratio, full_ratio);
  g_assert_cmpfloat (fabs (ratio - full_ratio), <, 0.05);
  for (int i = 1; i < n_spans; i++)
    if (i != 3)
      g_assert_cmpint (ABS ((ink_right[i] - ink_left[i]) - (ink_right[0] - ink_left[0])), <=, 1);
  return spans[0][1] - spans[0][0] + 1 < full_width ("10.0 dB", FALSE);
}

static void
test_grid_captions_one_size (void)
{
  guint shrunk = 0;

  /* from images about as wide as "10.0 dB" to narrower than "9.9 dB" */
  for (int width = 420; width <= 700; width += 40)
    shrunk += check_one_size (width);
  g_assert_cmpuint (shrunk, >=, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot-grid-captions/one-size", test_grid_captions_one_size);
  return g_test_run ();
}
