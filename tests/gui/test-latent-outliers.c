/* The Latent page's outliers under Xvfb, on a projector's 1024 x 768
 * screen. LATENTLAB_DATA_DIR is an empty folder, so the window shows the
 * synthetic digits (6,000 training, 1,000 test images); three test digits
 * are planted inverted (white background, black strokes), a model is
 * trained for one short epoch through the core and put into the session,
 * and the page measures every test image's reconstruction error on a
 * worker. The planted images must lead the Outliers tab, the map colours
 * by error, the threshold's count matches the core's, and the colour mode
 * and threshold come back with a saved session. Screenshots go under the
 * build dir (outliers-*.png). */

#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include "lab-format.h"
#include "lab-latent-page-private.h"
#include "lab-outliers.h"
#include "lab-palette.h"
#include "lab-test-models.h"
#include "lab-test-util.h"
#include "lab-window-private.h"

static LabApplication *app;

static const guint planted[] = { 17, 93, 160 };

typedef struct
{
  LabWindow        *window;
  LabSession       *session;
  LabLatentPage    *page;
  LabOutliersPanel *panel;
} Win;

static gboolean
session_ready (gpointer data)
{
  return lab_session_is_ready (((Win *) data)->session);
}

static gboolean
measured (gpointer data)
{
  Win *w = data;
  guint n;

  return !lab_latent_page_is_embedding (w->page) && lab_latent_page_get_embedding (w->page) != NULL
         && !lab_outliers_panel_is_running (w->panel) && lab_outliers_panel_get_errors (w->panel, &n) != NULL;
}

static gboolean
session_idle (gpointer data)
{
  return !lab_window_is_session_busy (((Win *) data)->window);
}

static void
win_open (Win *w)
{
  w->window = lab_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (w->window), 1024, 768);
  w->session = lab_window_get_session (w->window);
  w->page = LAB_LATENT_PAGE (lab_window_get_page (w->window, "latent"));
  w->panel = lab_latent_page_get_outliers_panel (w->page);
  gtk_window_present (GTK_WINDOW (w->window));
  lab_test_spin_until (session_ready, w, 30);
}

/* The formula of the panel's label, with the core's count. */
static char *
expected_fraction (const float *errors,
                   guint        n,
                   double       threshold)
{
  guint above = lab_outliers_count_above (errors, n, threshold);
  g_autofree char *count = lab_format_count (above);
  g_autofree char *total = lab_format_count (n);

  return g_strdup_printf ("%s of %s images above %.4g (%.1f%%)", count, total, threshold, 100.0 * above / n);
}

static void
assert_color (LabScatterPlot *plot,
              guint           row,
              double          r,
              double          g,
              double          b)
{
  double pr, pg, pb;

  g_assert_true (lab_scatter_plot_point_color (plot, row, &pr, &pg, &pb));
  g_assert_cmpfloat_with_epsilon (pr, r, 1e-6);
  g_assert_cmpfloat_with_epsilon (pg, g, 1e-6);
  g_assert_cmpfloat_with_epsilon (pb, b, 1e-6);
}

static void
export_figure (GtkWidget  *widget,
               const char *path)
{
  cairo_surface_t *s;

  g_assert_true (gtk_widget_activate_action (widget, "figure.export-to", "(sii)", path, 800, 500));
  s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 800);
  cairo_surface_destroy (s);
}

static void
test_outliers (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = g_dir_make_tmp ("latentlab-outliers-XXXXXX", &error);
  g_autofree char *session_path = g_build_filename (tmpdir, "outliers.latentlab", NULL);
  g_autofree char *histogram_png = g_build_filename (tmpdir, "histogram.png", NULL);
  g_autofree char *grid_png = g_build_filename (tmpdir, "outliers.png", NULL);
  g_autofree float *mse = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GFile) file = NULL;
  Win a = { 0 }, b = { 0 };
  LabDataset *test;
  LabModel *model;
  const LabEmbedding *emb;
  LabScatterPlot *plot;
  LabHistogramView *histogram;
  LabHistogramPlot *hplot;
  LabDecodedSample sample;
  const float *errors;
  const guint *worst;
  guint n, n_worst, planted_rows[G_N_ELEMENTS (planted)], low_row = 0;
  double lo, hi, x, threshold, r, g, bl;

  g_assert_no_error (error);
  win_open (&a);
  test = lab_session_get_test_dataset (a.session);
  g_assert_cmpuint (test->n, ==, 1000);
  for (guint p = 0; p < G_N_ELEMENTS (planted); p++)
    {
      guint8 *img = test->pixels + (gsize) planted[p] * test->height * test->width;

      for (guint i = 0; i < test->height * test->width; i++)
        img[i] = 255 - img[i];
    }
  model = lab_test_train_into_session (a.session, "cae-tiny");

  /* Showing the page embeds the test images, then measures their errors. */
  lab_window_set_visible_page (a.window, "latent");
  lab_latent_page_show_side (a.page, "outliers");
  lab_test_spin_until (measured, &a, 90);
  emb = lab_latent_page_get_embedding (a.page);
  g_assert_cmpuint (emb->n, ==, 1000);
  errors = lab_outliers_panel_get_errors (a.panel, &n);
  g_assert_cmpuint (n, ==, emb->n);
  g_test_message ("%s", lab_outliers_panel_get_status (a.panel));
  g_assert_nonnull (strstr (lab_outliers_panel_get_status (a.panel), "error (MSE) of each of the 1,000 images"));

  /* The window's errors are the core's, image by image. */
  mse = g_new (float, n);
  g_assert_true (lab_outliers_errors (model, test, emb->indices, n, LAB_RECON_MSE, mse, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (errors[i], mse[i], 1e-5 * MAX (1.0f, mse[i]));

  /* The planted images lead the worst 50. */
  n_worst = lab_outliers_panel_get_worst (a.panel, &worst);
  g_assert_cmpuint (n_worst, ==, 50);
  for (guint p = 0; p < G_N_ELEMENTS (planted); p++)
    {
      gboolean found = FALSE;

      for (guint r0 = 0; r0 < n; r0++)
        if (emb->indices[r0] == planted[p])
          planted_rows[p] = r0;
      for (guint t = 0; t < 5; t++)
        found |= worst[t] == planted_rows[p];
      g_test_message ("planted image #%u: row %u, error %.4f", planted[p], planted_rows[p], errors[planted_rows[p]]);
      g_assert_true (found);
    }
  for (guint t = 1; t < n_worst; t++)
    g_assert_cmpfloat (errors[worst[t]], <=, errors[worst[t - 1]]);
  for (guint r0 = 0; r0 < n; r0++)
    if (errors[r0] < errors[low_row])
      low_row = r0;
  lab_test_assert_screenshot (GTK_WIDGET (a.window), "outliers-tab.png", 16, 50.0);

  /* Colour by error: the map's points take the value scale, the planted
   * ones (above the scale's top) its darkest colour. */
  plot = lab_scatter_view_get_plot (lab_latent_map_get_scatter (lab_latent_page_get_map (a.page)));
  g_assert_cmpint (lab_scatter_plot_get_color_mode (plot), ==, LAB_SCATTER_COLOR_CLASS);
  lab_palette_color (emb->labels[planted_rows[0]], &r, &g, &bl);
  assert_color (plot, planted_rows[0], r, g, bl);
  lab_test_change_state (a.window, "latent-color", g_variant_new_string ("error"));
  g_assert_cmpint (lab_scatter_plot_get_color_mode (plot), ==, LAB_SCATTER_COLOR_VALUE);
  g_assert_true (lab_scatter_plot_has_values (plot));
  lab_colormap_color (0.0, &r, &g, &bl);
  for (guint p = 0; p < G_N_ELEMENTS (planted); p++)
    assert_color (plot, planted_rows[p], r, g, bl);
  lab_colormap_color (0.92, &r, &g, &bl);
  assert_color (plot, low_row, r, g, bl);
  lab_test_assert_screenshot (GTK_WIDGET (a.window), "outliers-error-colors.png", 16, 50.0);
  /* the legend is the colour bar: no class entry to click */
  g_assert_false (lab_scatter_plot_get_legend_entry (plot, 0, &lo, &hi, &x, &threshold));

  /* The threshold, dragged on the histogram: the label counts as the core. */
  histogram = lab_outliers_panel_get_histogram (a.panel);
  hplot = lab_histogram_view_get_plot (histogram);
  lab_histogram_plot_get_range (hplot, &lo, &hi);
  g_assert_cmpfloat (hi, ==, errors[worst[0]]);
  g_assert_cmpfloat (fabs (lab_outliers_panel_get_threshold (a.panel)
                           - lab_outliers_suggest_threshold (errors, n)), <, 1e-9);
  x = lab_histogram_plot_to_pixel (hplot, lo + 0.1 * (hi - lo));
  lab_histogram_view_drag (histogram, x, 30);
  threshold = lab_outliers_panel_get_threshold (a.panel);
  g_assert_cmpfloat_with_epsilon (threshold, lab_histogram_plot_to_value (hplot, x + 30), 1e-9);
  g_assert_cmpfloat (threshold, >, lo + 0.1 * (hi - lo));
  text = expected_fraction (mse, n, threshold);
  g_test_message ("%s", lab_outliers_panel_get_fraction_text (a.panel));
  g_assert_cmpstr (lab_outliers_panel_get_fraction_text (a.panel), ==, text);
  g_clear_pointer (&text, g_free);
  /* and set exactly: 3 above, the planted ones */
  threshold = (errors[worst[2]] + errors[worst[3]]) / 2;
  lab_outliers_panel_set_threshold (a.panel, threshold);
  g_assert_true (g_str_has_prefix (lab_outliers_panel_get_fraction_text (a.panel), "3 of 1,000 images above"));
  text = expected_fraction (mse, n, threshold);
  g_assert_cmpstr (lab_outliers_panel_get_fraction_text (a.panel), ==, text);

  /* Highlighted: the points under the threshold turn faint gray. */
  lab_outliers_panel_set_highlight (a.panel, TRUE);
  g_assert_cmpfloat (lab_scatter_plot_get_threshold (plot), ==, threshold);
  assert_color (plot, low_row, 0.78, 0.78, 0.78);
  lab_colormap_color (0.0, &r, &g, &bl);
  assert_color (plot, planted_rows[0], r, g, bl);
  lab_test_assert_screenshot (GTK_WIDGET (a.window), "outliers-error-map.png", 16, 50.0);

  /* The worst image, clicked: marked on the map and decoded. */
  lab_outliers_panel_activate (a.panel, 0);
  g_assert_true (lab_decode_panel_get_sample (lab_latent_page_get_decode_panel (a.page), &sample));
  g_assert_cmpfloat (sample.x, ==, emb->points[2 * worst[0]]);
  g_assert_cmpfloat (sample.y, ==, emb->points[2 * worst[0] + 1]);

  /* Both export as pictures. */
  export_figure (GTK_WIDGET (histogram), histogram_png);
  export_figure (GTK_WIDGET (a.panel), grid_png);

  /* BCE: measured again, the planted ones still on top. */
  lab_outliers_panel_set_metric (a.panel, LAB_RECON_BCE);
  g_assert_true (lab_outliers_panel_is_running (a.panel));
  lab_test_spin_until (measured, &a, 60);
  g_assert_nonnull (strstr (lab_outliers_panel_get_status (a.panel), "(BCE)"));
  n_worst = lab_outliers_panel_get_worst (a.panel, &worst);
  for (guint p = 0; p < G_N_ELEMENTS (planted); p++)
    {
      gboolean found = FALSE;

      for (guint t = 0; t < 5; t++)
        found |= worst[t] == planted_rows[p];
      g_assert_true (found);
    }
  lab_outliers_panel_set_metric (a.panel, LAB_RECON_MSE);
  lab_test_spin_until (measured, &a, 60);
  lab_outliers_panel_set_threshold (a.panel, threshold);

  /* A saved session brings the colour mode, the metric and the threshold back. */
  lab_test_activate (a.window, "save-session-to", g_variant_new_string (session_path));
  lab_test_spin_until (session_idle, &a, 30);
  win_open (&b);
  file = g_file_new_for_path (session_path);
  lab_window_open_file (b.window, file);
  lab_test_spin_until (session_idle, &b, 60);
  lab_window_set_visible_page (b.window, "latent");
  lab_test_spin_until (measured, &b, 90);
  g_assert_cmpint (lab_scatter_plot_get_color_mode (lab_scatter_view_get_plot (lab_latent_map_get_scatter (lab_latent_page_get_map (b.page)))), ==,
                   LAB_SCATTER_COLOR_VALUE);
  g_assert_true (lab_outliers_panel_get_highlight (b.panel));
  g_assert_cmpfloat_with_epsilon (lab_outliers_panel_get_threshold (b.panel), threshold, 1e-9);

  gtk_window_destroy (GTK_WINDOW (b.window));
  gtk_window_destroy (GTK_WINDOW (a.window));
  lab_test_remove_tree (tmpdir);
}

int
main (int   argc,
      char *argv[])
{
  app = lab_test_init (&argc, &argv);
  g_test_add_func ("/outliers/window", test_outliers);
  return lab_test_run ();
}
