/* How long the latent map takes to draw: 70,000 points must redraw within
 * one frame (16.7 ms at 60 Hz). The points are drawn as the Latent page and
 * `latentlab-cli embed --plot` draw them: one Cairo fill per class up to
 * 20,000 points, stamped into an image beyond (both sides of that line are
 * measured); then coloured point by point by a value, as the map is by
 * reconstruction error. */

#include <math.h>
#include <stdio.h>

#include "lab-rng.h"
#include "lab-scatter-plot.h"

#define W 900
#define H 700

static double
draw_ms (guint    n,
         gboolean by_value)
{
  const char *names[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
  g_autofree float *points = g_new (float, 2 * n);
  g_autofree guint8 *labels = g_new (guint8, n);
  LabScatterPlot *plot = lab_scatter_plot_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (surface);
  double best = INFINITY;
  LabRng rng;

  /* Ten Gaussian blobs on a circle, as t-SNE draws MNIST. */
  lab_rng_init (&rng, 1);
  for (guint i = 0; i < n; i++)
    {
      labels[i] = i % 10;
      points[2 * i] = 30 * cos (labels[i] * G_PI / 5) + 5 * lab_rng_normal (&rng);
      points[2 * i + 1] = 30 * sin (labels[i] * G_PI / 5) + 5 * lab_rng_normal (&rng);
    }
  lab_scatter_plot_set_classes (plot, names, 10);
  lab_scatter_plot_set_size (plot, W, H);
  lab_scatter_plot_set_points (plot, points, labels, n, FALSE);
  if (by_value)
    {
      /* coloured one by one (as by reconstruction error): a value per
       * point, here its distance from its blob's centre */
      g_autofree float *values = g_new (float, n);

      for (guint i = 0; i < n; i++)
        values[i] = hypotf (points[2 * i] - 30 * cos (labels[i] * G_PI / 5),
                            points[2 * i + 1] - 30 * sin (labels[i] * G_PI / 5));
      lab_scatter_plot_set_values (plot, values, n, "error");
      lab_scatter_plot_set_color_mode (plot, LAB_SCATTER_COLOR_VALUE);
    }
  for (guint rep = 0; rep < 20; rep++)
    {
      gint64 start = g_get_monotonic_time ();

      lab_scatter_plot_draw (plot, cr, W, H);
      cairo_surface_flush (surface);
      double took = (g_get_monotonic_time () - start) / 1000.0;   /* read once, not inside MIN () */

      best = MIN (best, took);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  lab_scatter_plot_free (plot);
  return best;
}

int
main (void)
{
  const guint sizes[] = { 2000, 10000, 20000, 20001, 70000 };

  printf ("| points | draw (best of 20) | frame budget | ratio |\n|---|---|---|---|\n");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      double ms = draw_ms (sizes[i], FALSE);
      printf ("| %u | %.2f ms | 16.7 ms | %.2f |\n", sizes[i], ms, ms / 16.7);
    }
  /* the same, coloured by a value per point (the outliers view) */
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i += 2)
    {
      double ms = draw_ms (sizes[i], TRUE);
      printf ("| %u, by error | %.2f ms | 16.7 ms | %.2f |\n", sizes[i], ms, ms / 16.7);
    }
  return 0;
}
