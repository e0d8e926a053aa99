#include <math.h>

#include <glib.h>

#include "lab-line-plot.h"
#include "lab-test-png.h"

/* A Denoise page's PSNR sweep: the denoised and noisy input's PSNR
 * falling from the top left, flat at first, the model trained at noise 0
 * and the sliders at 0.5; with labels "trained" and "now", or none (""),
 * at scale. */
static LabLinePlot *
psnr_sweep (gboolean labels,
            double   scale)
{
  LabLinePlot *plot = lab_line_plot_new ();

  lab_line_plot_set_scale (plot, scale);
  lab_line_plot_set_labels (plot, "noise factor", "PSNR (dB)");
  lab_line_plot_add_series (plot, "denoised", 0, LAB_LINE_STYLE_POINTS);
  lab_line_plot_add_series (plot, "noisy input", 3, LAB_LINE_STYLE_POINTS);
  for (int i = 0; i <= 20; i++)
    {
      double x = i / 20.0;

      lab_line_plot_append (plot, 0, x, 20 - 10 * x * x);
      lab_line_plot_append (plot, 1, x, 16 - 12 * x);
    }
  lab_line_plot_add_marker (plot, 0, labels ? "trained" : "");
  lab_line_plot_add_marker (plot, 0.5, labels ? "now" : "");
  lab_line_plot_set_x_range (plot, 0, 1);
  return plot;
}

static guint32
pixel (cairo_surface_t *surface,
       int              c,
       int              r)
{
  return *(guint32 *) (cairo_image_surface_get_data (surface) + r * cairo_image_surface_get_stride (surface)
                       + c * 4);
}

/* A curve's ink: a colour, not the grays of the grid, frame and text. */
static gboolean
coloured (guint32 px)
{
  int red = (px >> 16) & 0xff, green = (px >> 8) & 0xff, blue = px & 0xff;

  return MAX (red, MAX (green, blue)) - MIN (red, MIN (green, blue)) > 24;
}

/* The markers' labels are drawn where the plot without them shows none of
 * a curve within 2 px, and off the legend: every pixel their text changes
 * is such. On the old placement "trained" sat right of its line at the
 * top, on the denoised curve's first points. */
static void
check_labels_clear (int    width,
                    int    height,
                    double scale)
{
  g_autoptr(LabLinePlot) with = psnr_sweep (TRUE, scale);
  g_autoptr(LabLinePlot) without = psnr_sweep (FALSE, scale);
  cairo_surface_t *a = lab_test_draw_figure (lab_line_plot_draw_figure, with, width, height);
  cairo_surface_t *b = lab_test_draw_figure (lab_line_plot_draw_figure, without, width, height);
  double x, y, w, h, lx, ly, lw, lh;
  gboolean below;
  guint text = 0, on_curve = 0, on_legend = 0, outside = 0;

  g_assert_true (lab_line_plot_get_area (with, width, height, &x, &y, &w, &h));
  g_assert_true (lab_line_plot_get_legend_area (with, width, height, &lx, &ly, &lw, &lh, &below));
  g_test_message ("%d×%d at %.2f: plot area %.0f,%.0f %.0f×%.0f, legend %.0f,%.0f %.0f×%.0f", width, height,
                  scale, x, y, w, h, lx, ly, lw, lh);
  for (int r = 0; r < height; r++)
    for (int c = 0; c < width; c++)
      {
        gboolean near = FALSE;

        if (pixel (a, c, r) == pixel (b, c, r))
          continue;
        text++;
        for (int dr = -2; dr <= 2; dr++)
          for (int dc = -2; dc <= 2; dc++)
            if (r + dr >= 0 && r + dr < height && c + dc >= 0 && c + dc < width)
              near |= coloured (pixel (b, c + dc, r + dr));
        on_curve += near;
        on_legend += c >= lx && c < lx + lw && r >= ly && r < ly + lh;
        outside += c <= x || c >= x + w || r <= y || r >= y + h;
      }
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
  g_test_message ("label pixels: %u, by a curve %u, on the legend %u, outside the plot area %u", text,
                  on_curve, on_legend, outside);
  /* both labels drawn: "trained" and "now" */
  g_assert_cmpuint (text, >=, 60);
  g_assert_cmpuint (on_curve, ==, 0);
  g_assert_cmpuint (on_legend, ==, 0);
  g_assert_cmpuint (outside, ==, 0);
}

static void
test_marker_labels_clear (void)
{
  /* the Denoise page's plot on a desk, and projected (a larger scale in a
   * figure about as many pixels) */
  check_labels_clear (480, 320, 1);
  check_labels_clear (320, 240, 1);
  check_labels_clear (480, 320, 1.5);
}

/* A zigzag filling the plot area from 0 to 1, with a marker at 0.5
 * labelled label. */
static LabLinePlot *
zigzag (const char *label)
{
  LabLinePlot *plot = lab_line_plot_new ();

  lab_line_plot_add_series (plot, "zigzag", 0, LAB_LINE_STYLE_LINE);
  for (int i = 0; i <= 200; i++)
    lab_line_plot_append (plot, 0, i / 200.0, i % 2);
  lab_line_plot_add_marker (plot, 0.5, label);
  return plot;
}

/* A label whose every place beside its line hides some of a curve goes
 * where it hides least, over the curve: drawn all the same, beside its
 * line, inside the plot area. */
static void
test_marker_label_no_free_place (void)
{
  g_autoptr(LabLinePlot) with = zigzag ("now");
  g_autoptr(LabLinePlot) without = zigzag ("");
  const int width = 320, height = 200;
  cairo_surface_t *a = lab_test_draw_figure (lab_line_plot_draw_figure, with, width, height);
  cairo_surface_t *b = lab_test_draw_figure (lab_line_plot_draw_figure, without, width, height);
  double x, y, w, h;
  guint text = 0, away = 0;

  g_assert_true (lab_line_plot_get_area (with, width, height, &x, &y, &w, &h));
  for (int r = 0; r < height; r++)
    for (int c = 0; c < width; c++)
      if (pixel (a, c, r) != pixel (b, c, r))
        {
          text++;
          away += c <= x || c >= x + w || r <= y || r >= y + h || fabs (c - (x + w / 2)) > 40;
        }
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
  g_test_message ("label pixels: %u, %u away from its line", text, away);
  g_assert_cmpuint (text, >=, 20);
  g_assert_cmpuint (away, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot-marker/labels-clear", test_marker_labels_clear);
  g_test_add_func ("/plot-marker/no-free-place", test_marker_label_no_free_place);
  return g_test_run ();
}
