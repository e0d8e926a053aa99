/* The Classify page under Xvfb, at the 1024 x 768 of a classroom
 * projector. LATENTLAB_DATA_DIR is an empty folder, so the window shows the
 * synthetic digits (6,000 training, 1,000 test images). A cae-tiny is
 * trained here briefly through the core and put into the session, as the
 * Train page does when a run ends. */

#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-classify-page-private.h"
#include "lab-test-models.h"
#include "lab-test-util.h"
#include "lab-window-private.h"

static LabApplication *app;

typedef struct
{
  LabWindow          *window;
  LabSession         *session;
  LabClassifyPage    *page;
  LabClassifyRun     *run;
  LabClassifyResults *results;
  LabConfusionView   *confusion;
  LabCellImages      *cells;
  gint64              last_tick;
  gint64              longest_gap;   /* of the main loop while a run is on, µs */
} Fixture;

static gboolean
session_ready (gpointer data)
{
  return lab_session_is_ready (((Fixture *) data)->session);
}

static gboolean
run_idle (gpointer data)
{
  return !lab_classify_run_is_running (((Fixture *) data)->run);
}

static gboolean
on_tick (gpointer data)
{
  Fixture *f = data;
  gint64 now = g_get_monotonic_time ();

  if (f->last_tick > 0)
    f->longest_gap = MAX (f->longest_gap, now - f->last_tick);
  f->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->window = lab_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1024, 768);
  f->session = lab_window_get_session (f->window);
  f->page = LAB_CLASSIFY_PAGE (lab_window_get_page (f->window, "classify"));
  g_assert_nonnull (f->page);
  f->run = lab_classify_page_get_run (f->page);
  f->results = lab_classify_page_get_results (f->page);
  f->confusion = lab_classify_page_get_confusion (f->page);
  f->cells = lab_classify_page_get_cell_images (f->page);
  gtk_window_present (GTK_WINDOW (f->window));
  lab_test_spin_until (session_ready, f, 30);
  lab_window_set_visible_page (f->window, "classify");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
}

/* Runs what the controls say through win.run-classifier, as a shortcut or
 * `gapplication action` would, and waits for it, timing the main loop. */
static void
run_and_wait (Fixture                 *f,
              const LabClassifyConfig *config)
{
  guint tick;

  lab_classify_run_set_config (f->run, config);
  f->last_tick = 0;
  f->longest_gap = 0;
  tick = g_timeout_add (5, on_tick, f);
  lab_test_activate (f->window, "run-classifier", NULL);
  g_assert_true (lab_classify_run_is_running (f->run));
  g_assert_false (lab_test_action_enabled (f->window, "run-classifier"));
  g_assert_true (lab_test_action_enabled (f->window, "cancel-classifier"));
  lab_test_spin_until (run_idle, f, 120);
  g_source_remove (tick);
  g_test_message ("longest main-loop gap while %s ran: %.1f ms", lab_classifier_kind_name (config->classifier.kind),
                  f->longest_gap / 1000.0);
  /* The fit runs on a worker: the window keeps painting. The bound is
   * loose because the machines that run the tests are shared. */
  g_assert_cmpint (f->longest_gap, <, G_USEC_PER_SEC);
  g_assert_true (lab_test_action_enabled (f->window, "run-classifier"));
  g_assert_false (lab_test_action_enabled (f->window, "cancel-classifier"));
}

/* A cell's centre in the heatmap, found through the view's own hit test. */
static gboolean
find_cell (Fixture *f,
           guint    truth,
           guint    predicted,
           double  *x,
           double  *y)
{
  int w = gtk_widget_get_width (GTK_WIDGET (f->confusion));
  int h = gtk_widget_get_height (GTK_WIDGET (f->confusion));

  for (int yy = 0; yy < h; yy += 3)
    for (int xx = 0; xx < w; xx += 3)
      {
        guint t, p;

        if (lab_confusion_view_cell_at (f->confusion, xx, yy, &t, &p) && t == truth && p == predicted)
          {
            *x = xx + 6;
            *y = yy + 6;
            return TRUE;
          }
      }
  return FALSE;
}

static void
test_classify_run (Fixture       *f,
                   gconstpointer  data)
{
  LabClassifyConfig config;
  const LabClassifyResult *r;
  LabDataset *test = NULL;
  guint confused_t = 0, confused_p = 0, most = 0;
  double x, y;

  lab_test_train_into_session (f->session, "cae-tiny");
  lab_test_spin_for (0.3);

  /* An RBF SVM on the model's latents of 2,000 training digits. */
  lab_classify_config_init (&config, LAB_CLASSIFIER_SVM_RBF);
  config.n_train = 2000;
  run_and_wait (f, &config);
  g_assert_cmpuint (lab_classify_results_get_n (f->results), ==, 1);
  r = lab_classify_results_get (f->results, 0, &test);
  g_assert_nonnull (r);
  g_assert_true (test == lab_session_get_test_dataset (f->session));
  g_assert_cmpuint (r->n_train, ==, 2000);
  g_assert_cmpuint (r->n_test, ==, test->n);
  g_assert_cmpfloat (r->accuracy, >, 0.5);
  g_assert_cmpuint (lab_classify_run_get_n_progress (f->run), >, 0);
  g_assert_cmpstr (lab_classify_results_get_text (f->results, 0, 0), ==, "RBF SVM");
  g_assert_nonnull (strstr (lab_classify_results_get_text (f->results, 0, 1), "latent"));
  g_assert_cmpstr (lab_classify_results_get_text (f->results, 0, 2), ==, "2,000");
  /* Its counts grouped as the table's (C.UTF-8 has no grouping of its own). */
  g_assert_nonnull (strstr (lab_classify_run_get_status (f->run), "% of 1,000 test images right"));
  g_assert_nonnull (strstr (lab_confusion_view_get_title (f->confusion), "% of 1,000 test images"));

  /* The pixels with k-NN beside it: a second row, now shown. */
  lab_classify_config_init (&config, LAB_CLASSIFIER_KNN);
  config.features = LAB_FEATURES_PIXELS;
  config.n_train = 3000;
  run_and_wait (f, &config);
  g_assert_cmpuint (lab_classify_results_get_n (f->results), ==, 2);
  g_assert_cmpint (lab_classify_results_get_selected (f->results), ==, 1);
  g_assert_cmpstr (lab_classify_results_get_text (f->results, 1, 0), ==, "k-NN");
  g_assert_nonnull (strstr (lab_classify_results_get_text (f->results, 1, 1), "pixels"));

  /* Back to the SVM's row: its heatmap shows, drawn. */
  lab_classify_results_select (f->results, 0);
  r = lab_classify_results_get (f->results, 0, &test);
  lab_test_spin_for (0.3);
  g_assert_cmpuint (lab_confusion_view_get_n_draws (f->confusion), >, 0);
  g_assert_cmpfloat (lab_class_bars_get_value (lab_classify_page_get_bars (f->page), 3), ==, r->recall[3]);

  /* A click on a diagonal cell lists its test images, right ones. */
  g_assert_true (find_cell (f, 3, 3, &x, &y));
  lab_confusion_view_click (f->confusion, x, y);
  g_assert_cmpuint (lab_cell_images_get_n (f->cells), ==, MIN (r->confusion[3 * 10 + 3], LAB_CELL_IMAGES_MAX));
  g_assert_nonnull (strstr (lab_cell_images_get_title (f->cells), "True 3, predicted 3"));
  g_assert_cmpstr (lab_cell_images_get_caption (f->cells, 0), ==, "3 → 3");

  /* And on the most common mistake: its images, labelled with both. */
  for (guint t = 0; t < 10; t++)
    for (guint p = 0; p < 10; p++)
      if (t != p && r->confusion[t * 10 + p] > most)
        {
          most = r->confusion[t * 10 + p];
          confused_t = t;
          confused_p = p;
        }
  if (most > 0)
    {
      g_autofree char *caption = g_strdup_printf ("%u → %u", confused_t, confused_p);

      g_assert_true (find_cell (f, confused_t, confused_p, &x, &y));
      lab_confusion_view_click (f->confusion, x, y);
      g_assert_cmpuint (lab_cell_images_get_n (f->cells), ==, most);
      g_assert_cmpstr (lab_cell_images_get_caption (f->cells, 0), ==, caption);
    }
  lab_test_spin_for (0.5);
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-classify.png", 64, 200.0);
}

/* Latent features without a model: the banner says so, nothing is added.
 * Then a run cancelled at once: no row, and the page can run again. */
static void
test_classify_errors (Fixture       *f,
                      gconstpointer  data)
{
  GtkEditable *c_spin = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (f->run), LAB_TYPE_CLASSIFY_RUN,
                                                                     "c_spin"));
  LabClassifyConfig config;

  /* C with the digits it needs: 10, not "10.000" (ten thousand to many a
   * European reader), 0.5, 0.001. */
  lab_classify_config_init (&config, LAB_CLASSIFIER_SVM_RBF);
  config.classifier.C = 0.5;
  lab_classify_run_set_config (f->run, &config);
  g_assert_cmpstr (gtk_editable_get_text (c_spin), ==, "0.5");
  config.classifier.C = 0.001;
  lab_classify_run_set_config (f->run, &config);
  g_assert_cmpstr (gtk_editable_get_text (c_spin), ==, "0.001");
  lab_classify_config_init (&config, LAB_CLASSIFIER_SVM_RBF);
  g_assert_cmpfloat (config.classifier.C, ==, 10);
  config.n_train = 500;
  lab_classify_run_set_config (f->run, &config);
  g_assert_cmpstr (gtk_editable_get_text (c_spin), ==, "10");
  lab_test_activate (f->window, "run-classifier", NULL);
  lab_test_spin_until (run_idle, f, 60);
  lab_test_spin_for (0.2);
  g_assert_true (lab_window_is_error_shown (f->window));
  g_assert_nonnull (strstr (lab_window_get_error_text (f->window), "need a model"));
  g_assert_cmpuint (lab_classify_results_get_n (f->results), ==, 0);

  config.features = LAB_FEATURES_PIXELS;
  config.n_train = 6000;
  lab_classify_run_set_config (f->run, &config);
  lab_test_activate (f->window, "run-classifier", NULL);
  g_assert_true (lab_classify_run_is_running (f->run));
  lab_test_activate (f->window, "cancel-classifier", NULL);
  g_assert_false (lab_classify_run_is_running (f->run));
  g_assert_cmpstr (lab_classify_run_get_status (f->run), ==, "Cancelled");
  lab_test_spin_for (0.5);
  g_assert_cmpuint (lab_classify_results_get_n (f->results), ==, 0);
  g_assert_true (lab_test_action_enabled (f->window, "run-classifier"));
}

static gboolean
transfer_idle (gpointer data)
{
  return !lab_transfer_panel_is_running (lab_classify_page_get_transfer (((Fixture *) data)->page));
}

/* The transfer panel in its quick setting (2 seeds, L = 200): the curve has
 * the three ways, the two confusion matrices are drawn and sum to the test
 * images of both seeds, the reading says what happened. */
static void
test_classify_transfer (Fixture       *f,
                        gconstpointer  data)
{
  LabTransferPanel *panel = lab_classify_page_get_transfer (f->page);
  GtkStack *stack = lab_classify_page_get_stack (f->page);
  const LabTransferResult *r;
  LabLinePlot *curve;
  guint sum = 0;
  int natural;

  /* It fits a 1024-pixel projector beside the sidebar (about 150 pixels). */
  gtk_widget_measure (GTK_WIDGET (panel), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  g_test_message ("transfer panel natural width %d", natural);
  g_assert_cmpint (natural, <=, 860);
  g_object_set (panel, "quick", TRUE, NULL);
  gtk_stack_set_visible_child_name (stack, "transfer");
  g_assert_true (lab_test_action_enabled (f->window, "run-transfer"));
  g_assert_false (lab_test_action_enabled (f->window, "cancel-transfer"));
  lab_test_activate (f->window, "run-transfer", NULL);
  g_assert_true (lab_transfer_panel_is_running (panel));
  g_assert_true (lab_test_action_enabled (f->window, "cancel-transfer"));
  lab_test_spin_until (transfer_idle, f, 240);
  lab_test_spin_for (0.3);

  r = lab_transfer_panel_get_result (panel);
  g_assert_nonnull (r);
  g_assert_cmpuint (r->n_budgets, ==, 1);
  g_assert_cmpuint (r->budgets[0].labels, ==, 200);
  curve = lab_plot_view_get_plot (lab_transfer_panel_get_curve (panel));
  for (guint w = 0; w < LAB_TRANSFER_N_WAYS; w++)
    {
      double x, y;

      g_assert_cmpuint (lab_line_plot_get_n_points (curve, w), ==, 1);
      g_assert_true (lab_line_plot_get_point (curve, w, 0, &x, &y));
      g_assert_cmpfloat (x, ==, 200);
      g_assert_cmpfloat_with_epsilon (y, 100 * r->budgets[0].mean[w], 1e-9);
      /* Above chance (10%) on the synthetic digits. */
      g_assert_cmpfloat (y, >, 20);
    }
  for (guint i = 0; i < r->n_classes * r->n_classes; i++)
    sum += r->budgets[0].confusion[LAB_TRANSFER_FINETUNED][i];
  g_assert_cmpuint (sum, ==, r->n_test * r->n_seeds);
  g_assert_cmpuint (lab_confusion_view_get_n_draws (lab_transfer_panel_get_confusion (panel, LAB_TRANSFER_BASELINE)), >, 0);
  g_assert_cmpuint (lab_confusion_view_get_n_draws (lab_transfer_panel_get_confusion (panel, LAB_TRANSFER_FINETUNED)), >, 0);
  g_assert_true (g_str_has_prefix (lab_transfer_panel_get_status (panel), "Done in"));
  g_assert_true (lab_test_action_enabled (f->window, "run-transfer"));
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-classify-transfer.png", 64, 200.0);

  /* A run cancelled at once leaves the result shown as it was. */
  lab_test_activate (f->window, "run-transfer", NULL);
  lab_test_activate (f->window, "cancel-transfer", NULL);
  g_assert_false (lab_transfer_panel_is_running (panel));
  g_assert_cmpstr (lab_transfer_panel_get_status (panel), ==, "Cancelled");
  g_assert_true (lab_transfer_panel_get_result (panel) == r);
}

/* A result over two label budgets (L = 20 and 40, as a saved session of a
 * quick run brings back) on a wide window: the class names of both
 * matrices at the size of the line plots' tick labels, and a screenshot to
 * look at (the curve's x axis labels 20, 30 and 40: test-plot). */
static void
test_classify_transfer_figures (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  LabTransferPanel *panel = lab_classify_page_get_transfer (f->page);
  LabTransferConfig config;
  LabTransferResult *r;

  lab_test_transfer_config_tiny (&config);
  r = lab_transfer_run (lab_session_get_train_dataset (f->session), lab_session_get_test_dataset (f->session),
                        &config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->n_budgets, ==, 2);
  gtk_stack_set_visible_child_name (lab_classify_page_get_stack (f->page), "transfer");
  lab_transfer_panel_set_result (panel, r);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  lab_test_spin_for (0.5);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), >=, 1270);
  for (guint way = 0; way < 2; way++)
    {
      LabConfusionView *view = lab_transfer_panel_get_confusion (panel, way == 0 ? LAB_TRANSFER_BASELINE
                                                                                  : LAB_TRANSFER_FINETUNED);

      g_assert_cmpfloat (lab_confusion_view_get_label_size (view), >=, 12);
    }
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-classify-transfer-1280.png", 64, 200.0);
}

static gboolean
both_drawn (gpointer data)
{
  LabConfusionView **views = data;

  return lab_confusion_view_get_n_draws (views[0]) > 0 && lab_confusion_view_get_n_draws (views[1]) > 0;
}

/* Appends to origins the place in the window (dx, dy: the translation so
 * far) of each cairo node under node that is width x height: a figure's
 * drawing, as the renderer gets it. */
static void
find_cairo_nodes (GskRenderNode *node,
                  double         dx,
                  double         dy,
                  int            width,
                  int            height,
                  GArray        *origins)
{
  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        find_cairo_nodes (gsk_container_node_get_child (node, i), dx, dy, width, height, origins);
      break;
    case GSK_TRANSFORM_NODE:
      {
        GskTransform *transform = gsk_transform_node_get_transform (node);
        float tx = 0, ty = 0;

        /* the window's are translations */
        g_assert_cmpint (gsk_transform_get_category (transform), >=, GSK_TRANSFORM_CATEGORY_2D_TRANSLATE);
        gsk_transform_to_translate (transform, &tx, &ty);
        find_cairo_nodes (gsk_transform_node_get_child (node), dx + tx, dy + ty, width, height, origins);
      }
      break;
    case GSK_CLIP_NODE:
      find_cairo_nodes (gsk_clip_node_get_child (node), dx, dy, width, height, origins);
      break;
    case GSK_ROUNDED_CLIP_NODE:
      find_cairo_nodes (gsk_rounded_clip_node_get_child (node), dx, dy, width, height, origins);
      break;
    case GSK_OPACITY_NODE:
      find_cairo_nodes (gsk_opacity_node_get_child (node), dx, dy, width, height, origins);
      break;
    case GSK_DEBUG_NODE:
      find_cairo_nodes (gsk_debug_node_get_child (node), dx, dy, width, height, origins);
      break;
    case GSK_CAIRO_NODE:
      {
        graphene_rect_t b;

        gsk_render_node_get_bounds (node, &b);
        if ((int) b.size.width == width && (int) b.size.height == height)
          {
            graphene_point_t at = GRAPHENE_POINT_INIT (dx + b.origin.x, dy + b.origin.y);

            g_array_append_val (origins, at);
          }
      }
      break;
    default:
      break;
    }
}

/* A figure put half a pixel off the pixel grid (a GtkFixed can, a
 * viewport scrolled to a fractional value) goes to the renderer on whole
 * pixels: the GL renderer samples a cairo node's texture GL_NEAREST where
 * the node lies, and half a pixel off it dropped texel columns and rows
 * (light gray zeros lost their left stroke). Two confusion matrices, one
 * at (0, 0), one at (460.5, 0.5): both drawings at whole pixels, the
 * second at most half a pixel from where the GtkFixed put it. */
static void
test_classify_whole_pixels (void)
{
  static const char * const names[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
  const graphene_point_t at[2] = { GRAPHENE_POINT_INIT (0, 0), GRAPHENE_POINT_INIT (460.5, 0.5) };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *fixed = gtk_fixed_new ();
  g_autoptr(GArray) origins = g_array_new (FALSE, FALSE, sizeof (graphene_point_t));
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  LabConfusionView *views[2];
  GtkSnapshot *snapshot;
  guint counts[100];
  int width, height;

  for (guint i = 0; i < 100; i++)
    counts[i] = i / 10 == i % 10 ? 90 + i / 10 : (i % 7 == 0 ? 3 : 0);
  for (guint v = 0; v < 2; v++)
    {
      views[v] = LAB_CONFUSION_VIEW (lab_confusion_view_new ());
      gtk_widget_set_size_request (GTK_WIDGET (views[v]), 300, 300);
      lab_confusion_view_set_matrix (views[v], "90% of 1,000 test images", counts, 10, names);
      gtk_fixed_put (GTK_FIXED (fixed), GTK_WIDGET (views[v]), at[v].x, at[v].y);
    }
  gtk_window_set_child (GTK_WINDOW (window), fixed);
  gtk_window_set_default_size (GTK_WINDOW (window), 940, 480);
  gtk_window_present (GTK_WINDOW (window));
  lab_test_spin_until (both_drawn, views, 10);
  lab_test_screenshot (window, "classify-whole-pixels.png", NULL, NULL);

  width = gtk_widget_get_width (GTK_WIDGET (views[0]));
  height = gtk_widget_get_height (GTK_WIDGET (views[0]));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (views[1])), ==, width);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), gtk_widget_get_width (window),
                          gtk_widget_get_height (window));
  node = gtk_snapshot_free_to_node (snapshot);
  find_cairo_nodes (node, 0, 0, width, height, origins);
  gtk_window_destroy (GTK_WINDOW (window));

  g_assert_cmpuint (origins->len, ==, 2);
  for (guint i = 0; i < origins->len; i++)
    {
      graphene_point_t *o = &g_array_index (origins, graphene_point_t, i);

      g_test_message ("a matrix drawn at %.2f, %.2f", o->x, o->y);
      g_assert_cmpfloat (o->x, ==, round (o->x));
      g_assert_cmpfloat (o->y, ==, round (o->y));
      g_assert_cmpfloat (fabs (o->x - at[i].x), <=, 0.5);
      g_assert_cmpfloat (fabs (o->y - at[i].y), <=, 0.5);
    }
}

int
main (int argc, char **argv)
{
  app = lab_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/classify/run", test_classify_run);
  ADD ("/classify/errors", test_classify_errors);
  ADD ("/classify/transfer", test_classify_transfer);
  ADD ("/classify/transfer-figures", test_classify_transfer_figures);
#undef ADD
  g_test_add_func ("/classify/whole-pixels", test_classify_whole_pixels);

  return lab_test_run ();
}
