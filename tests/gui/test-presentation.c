/* The classroom: presentation mode for a projector, F11 (win.presentation)
 * turns on the window's "presentation" class, large type, plots and grids
 * drawn 1.6 times larger with the high-contrast palette; the sidebar folds
 * away (win.show-sidebar, F9); a screenshot of the Denoise page shows it.
 * And the lock on a prepared demo's settings. */

#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-classify-page-private.h"
#include "lab-denoise-page-private.h"
#include "lab-latent-page-private.h"
#include "lab-palette.h"
#include "lab-presentation.h"
#include "lab-sweep-plot.h"
#include "lab-test-models.h"
#include "lab-test-util.h"
#include "lab-train-page-private.h"
#include "lab-window-private.h"

static LabApplication *app;

typedef struct
{
  LabWindow    *window;
  LabSession   *session;
  LabPlotView  *loss_plot;
  guint         draws;
} Fixture;

static gboolean
session_ready (gpointer data)
{
  return lab_session_is_ready (((Fixture *) data)->session);
}

static gboolean
swept_and_drawn (gpointer data)
{
  Fixture *f = data;
  LabSweepPlot *sweep = lab_denoise_page_get_sweep_plot (LAB_DENOISE_PAGE (lab_window_get_page (f->window, "denoise")));

  return lab_sweep_plot_get_n_levels (sweep) > 0 && lab_plot_view_get_n_draws (f->loss_plot) > f->draws;
}

static gboolean
redrawn (gpointer data)
{
  Fixture *f = data;

  return lab_plot_view_get_n_draws (f->loss_plot) > f->draws;
}

static void
test_presentation (void)
{
  Fixture fx = { 0 }, *f = &fx;
  g_autoptr(LabModel) model = NULL;
  LabDenoisePage *denoise;
  LabReconGrid *grid;
  LabTrainConfig config;
  gboolean on = FALSE;
  double scale;

  f->window = g_object_ref (lab_window_new (app));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  f->session = lab_window_get_session (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  lab_test_spin_until (session_ready, f, 30);

  /* A model, so the Denoise page has its strips and its curves. */
  lab_train_config_init (&config);
  model = lab_test_new_preset ("strided-dae", 5);
  lab_session_set_model (f->session, lab_model_copy (model, 0), &config, NULL, NULL);
  lab_window_set_visible_page (f->window, "denoise");
  denoise = LAB_DENOISE_PAGE (lab_window_get_page (f->window, "denoise"));
  f->loss_plot = lab_sweep_plot_get_loss_plot (lab_denoise_page_get_sweep_plot (denoise));
  grid = lab_denoise_grid_get_grid (lab_denoise_page_get_denoise_grid (denoise));
  lab_test_spin_until (swept_and_drawn, f, 60);
  g_assert_false (lab_window_get_presentation (f->window));
  g_assert_cmpfloat (lab_line_plot_get_scale (lab_plot_view_get_plot (f->loss_plot)), ==, 1.0);
  g_assert_false (lab_palette_get_high_contrast ());

  /* F11: on. */
  f->draws = lab_plot_view_get_n_draws (f->loss_plot);
  g_assert_true (lab_test_press_accel (GTK_WIDGET (f->window), "F11"));
  g_assert_true (lab_window_get_presentation (f->window));
  g_object_get (f->window, "presentation", &on, NULL);
  g_assert_true (on);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (f->window), "presentation"));
  g_assert_true (lab_palette_get_high_contrast ());
  g_assert_cmpfloat (lab_presentation_get_scale (GTK_WIDGET (f->loss_plot)), ==, LAB_PRESENTATION_SCALE);
  lab_test_spin_until (redrawn, f, 10);
  scale = lab_line_plot_get_scale (lab_plot_view_get_plot (f->loss_plot));
  g_assert_cmpfloat (scale, ==, LAB_PRESENTATION_SCALE);
  /* Tick labels are drawn at 12 px times the scale: 18 px or more, which a
   * 1080p projector shows large enough for the back of a room. */
  g_assert_cmpfloat (12 * scale, >=, 18);

  /* F9: the sidebar folds away for the width; and back. */
  g_assert_true (lab_test_press_accel (GTK_WIDGET (f->window), "F9"));
  g_object_get (f->window, "show-sidebar", &on, NULL);
  g_assert_false (on);
  lab_test_spin_for (0.6);
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-presentation.png", 256, 500.0);
  {
    guint n;

    g_assert_nonnull (lab_recon_grid_get_row_pixels (grid, 0, &n, NULL, NULL));
    g_assert_cmpuint (n, >, 0);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-sidebar", NULL));
  g_object_get (f->window, "show-sidebar", &on, NULL);
  g_assert_true (on);

  /* The action (as gapplication sends it) turns it off again. */
  f->draws = lab_plot_view_get_n_draws (f->loss_plot);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.presentation", NULL));
  g_assert_false (lab_window_get_presentation (f->window));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (f->window), "presentation"));
  g_assert_false (lab_palette_get_high_contrast ());
  lab_test_spin_until (redrawn, f, 10);
  g_assert_cmpfloat (lab_line_plot_get_scale (lab_plot_view_get_plot (f->loss_plot)), ==, 1.0);

  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
}

/* The Classify page's confusion matrix and per-class bars scale with
 * presentation mode as the line plots do: their class names (the tick
 * labels) are 18 px or more on this 1280 x 800 screen, so at least that on
 * a 1080p projector, and back to the plain size after. */
static void
test_presentation_classify (void)
{
  LabWindow *window = g_object_ref (lab_window_new (app));
  LabClassifyPage *page = LAB_CLASSIFY_PAGE (lab_window_get_page (window, "classify"));
  LabConfusionView *confusion = lab_classify_page_get_confusion (page);
  LabClassBars *bars = lab_classify_page_get_bars (page);
  const char *names[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL };
  guint counts[100] = { 0 };
  double recall[10];
  double normal_confusion, normal_bars;

  for (guint c = 0; c < 10; c++)
    {
      counts[c * 10 + c] = 90 + c;
      counts[c * 10 + (c + 1) % 10] = 10 - c;
      recall[c] = (90.0 + c) / 100;
    }
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  lab_window_set_visible_page (window, "classify");
  lab_confusion_view_set_matrix (confusion, "RBF SVM on latent (128): 94.20% of 1000 test images", counts, 10,
                                 names);
  lab_class_bars_set_values (bars, "Accuracy per class (recall)", recall, 10, names);
  lab_test_spin_for (0.5);
  normal_confusion = lab_confusion_view_get_label_size (confusion);
  normal_bars = lab_class_bars_get_label_size (bars);
  g_test_message ("class names: %.1f px in the matrix, %.1f px beside the bars", normal_confusion, normal_bars);
  g_assert_cmpfloat (normal_confusion, >=, 12);
  g_assert_cmpfloat (normal_bars, >=, 12);

  lab_window_set_presentation (window, TRUE);
  lab_test_spin_for (0.8);
  g_test_message ("presentation: %.1f px in the matrix, %.1f px beside the bars",
                  lab_confusion_view_get_label_size (confusion), lab_class_bars_get_label_size (bars));
  g_assert_cmpfloat (lab_confusion_view_get_label_size (confusion), >=, 18);
  g_assert_cmpfloat (lab_class_bars_get_label_size (bars), >=, 18);
  lab_test_assert_screenshot (GTK_WIDGET (window), "screenshot-presentation-classify.png", 64, 200.0);

  lab_window_set_presentation (window, FALSE);
  lab_test_spin_for (0.5);
  g_assert_cmpfloat (lab_confusion_view_get_label_size (confusion), <=, 16);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
}

/* The settings a locked demo keeps, on the other pages: the Latent page's
 * Advanced image count, the Classify page's classifier and its transfer
 * panel's label budgets, the Lessons page's Quick or Full. */
static void
assert_pages_locked (LabWindow *window,
                     gboolean   locked)
{
  GtkWidget *widgets[] = {
    /* (A closed expander holds its child outside the widget tree.) */
    LAB_LATENT_PAGE (lab_window_get_page (window, "latent"))->advanced_box,
    lab_test_find_descendant (lab_window_get_page (window, "classify"), GTK_TYPE_DROP_DOWN, NULL),
    lab_test_find_descendant (lab_window_get_page (window, "lessons"), GTK_TYPE_DROP_DOWN, NULL),
    lab_test_find_descendant (GTK_WIDGET (lab_classify_page_get_transfer (LAB_CLASSIFY_PAGE (
                       lab_window_get_page (window, "classify")))), GTK_TYPE_DROP_DOWN, NULL),
  };

  for (guint i = 0; i < G_N_ELEMENTS (widgets); i++)
    {
      g_assert_nonnull (widgets[i]);
      g_assert_true (gtk_widget_is_sensitive (widgets[i]) == !locked);
    }
}

/* The lock-settings preference (GSettings, and the menu's
 * win.lock-settings): a prepared demo's architecture, training settings
 * and the other pages' settings cannot be changed; Train still works. */
static void
test_lock_settings (void)
{
  g_autoptr(GSettings) settings = lab_application_create_settings ();
  LabWindow *window = lab_window_new (app);
  LabTrainPage *train = LAB_TRAIN_PAGE (lab_window_get_page (window, "train"));
  Fixture fx = { window, lab_window_get_session (window), NULL, 0 };
  GtkWidget *chooser = GTK_WIDGET (train->arch_chooser);
  GtkWidget *form = GTK_WIDGET (train->train_settings);
  GAction *lock;
  gboolean locked = FALSE;

  g_assert_nonnull (settings);
  gtk_window_present (GTK_WINDOW (window));
  lab_test_spin_until (session_ready, &fx, 30);
  g_assert_false (g_settings_get_boolean (settings, "lock-settings"));
  g_assert_true (gtk_widget_is_sensitive (chooser));
  g_assert_true (gtk_widget_is_sensitive (form));
  g_assert_true (lab_test_action_enabled (window, "build-architecture"));
  assert_pages_locked (window, FALSE);

  /* The preference set (as dconf or a demo's setup would). */
  g_settings_set_boolean (settings, "lock-settings", TRUE);
  lab_test_spin_for (0.1);
  g_object_get (train, "settings-locked", &locked, NULL);
  g_assert_true (locked);
  g_assert_false (gtk_widget_is_sensitive (chooser));
  g_assert_false (gtk_widget_is_sensitive (form));
  g_assert_false (lab_test_action_enabled (window, "build-architecture"));
  g_assert_true (lab_test_action_enabled (window, "train"));
  assert_pages_locked (window, TRUE);
  g_assert_true (lab_test_action_enabled (window, "run-classifier"));
  lock = g_action_map_lookup_action (G_ACTION_MAP (window), "lock-settings");
  g_assert_nonnull (lock);
  {
    g_autoptr(GVariant) state = g_action_get_state (lock);

    g_assert_true (g_variant_get_boolean (state));
  }

  /* The menu's switch turns it off again, in the preference too. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lock-settings", NULL));
  lab_test_spin_for (0.1);
  g_assert_false (g_settings_get_boolean (settings, "lock-settings"));
  g_object_get (train, "settings-locked", &locked, NULL);
  g_assert_false (locked);
  g_assert_true (gtk_widget_is_sensitive (chooser));
  g_assert_true (gtk_widget_is_sensitive (form));
  g_assert_true (lab_test_action_enabled (window, "build-architecture"));
  assert_pages_locked (window, FALSE);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  app = lab_test_init (&argc, &argv);
  g_test_add_func ("/presentation/toggle", test_presentation);
  g_test_add_func ("/presentation/lock-settings", test_lock_settings);
  g_test_add_func ("/presentation/classify", test_presentation_classify);
  return lab_test_run ();
}
