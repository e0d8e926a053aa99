/* The Inside page under Xvfb. LATENTLAB_DATA_DIR is an empty folder, so the
 * window shows the synthetic digits (6,000 training, 1,000 test images).
 * Models are trained through the core for one short epoch and put into the
 * session, as the Train page does when a run ends, or trained by the Train
 * page itself to watch the page follow the weights it publishes. */

#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include "lab-activation-bars.h"
#include "lab-application.h"
#include "lab-inside-page-private.h"
#include "lab-model-probe.h"
#include "lab-task.h"
#include "lab-test-util.h"
#include "lab-tile-view.h"
#include "lab-train-page.h"
#include "lab-window-private.h"

static LabApplication *app;

typedef struct
{
  LabWindow     *window;
  LabSession    *session;
  LabInsidePage *page;
  guint          passes_before;
} Fixture;

static gboolean
session_ready (gpointer data)
{
  return lab_session_is_ready (((Fixture *) data)->session);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->window = lab_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  f->session = lab_window_get_session (f->window);
  f->page = LAB_INSIDE_PAGE (lab_window_get_page (f->window, "inside"));
  g_assert_nonnull (f->page);
  gtk_window_present (GTK_WINDOW (f->window));
  lab_test_spin_until (session_ready, f, 30);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
}

static gboolean
passed_again (gpointer data)
{
  Fixture *f = data;

  return lab_inside_page_get_n_passes (f->page) > f->passes_before;
}

static void
show_inside (Fixture *f)
{
  f->passes_before = lab_inside_page_get_n_passes (f->page);
  lab_test_activate (f->window, "show-page", g_variant_new_string ("inside"));
  lab_test_spin_until (passed_again, f, 10);
  g_assert_cmpstr (lab_window_get_visible_page (f->window), ==, "inside");
}

/* The probe the page should show: image `index` of the test set through a
 * copy of the session's model. */
static LabProbe *
expected_probe (Fixture *f,
                guint    index)
{
  LabDataset *test = lab_session_get_test_dataset (f->session);
  g_autoptr(LabModel) model = lab_model_copy (lab_session_get_model (f->session), 1);
  g_autoptr(GError) error = NULL;
  g_autofree float *x = g_new (float, (gsize) test->height * test->width);
  LabProbe *probe;

  lab_dataset_to_float (test, &index, 1, x);
  probe = lab_model_probe (model, x, &error);
  g_assert_no_error (error);
  return probe;
}

/* Every section shows its layer: as many sections as layers, a tile per
 * channel (white at the channel's largest value, black at its smallest),
 * a bar per value with the value. */
static void
assert_sections_show (Fixture        *f,
                      const LabProbe *probe)
{
  LabLayerMaps *maps = lab_inside_page_get_layer_maps (f->page);
  LabModel *model = lab_session_get_model (f->session);
  guint n_tiles = 0, n_bars = 0;

  g_assert_cmpuint (lab_layer_maps_get_n_sections (maps), ==, lab_model_n_layers (model));
  for (guint i = 0; i < probe->n_layers; i++)
    {
      const LabProbeLayer *pl = &probe->layers[i];
      GtkWidget *view = lab_layer_maps_get_view (maps, i);
      const char *title = gtk_label_get_label (lab_layer_maps_get_title (maps, i));
      g_autofree char *number = g_strdup_printf ("Layer %u · %s", i, lab_model_get_layer (model, i)->klass->title);

      g_assert_true (g_str_has_prefix (title, number));
      if (pl->shape.h > 1 || pl->shape.w > 1)
        {
          LabTileView *tiles = LAB_TILE_VIEW (view);
          gsize size = (gsize) pl->shape.h * pl->shape.w;

          g_assert_cmpuint (lab_tile_view_get_n (tiles), ==, MIN (pl->shape.c, LAB_LAYER_MAPS_MAX_TILES));
          for (guint c = 0; c < lab_tile_view_get_n (tiles); c++)
            {
              const float *v = pl->values + c * size;
              gsize lo = 0, hi = 0;

              for (gsize k = 1; k < size; k++)
                {
                  lo = v[k] < v[lo] ? k : lo;
                  hi = v[k] > v[hi] ? k : hi;
                }
              if (v[hi] > v[lo])
                {
                  g_assert_cmpint (lab_tile_view_get_gray (tiles, c, hi / pl->shape.w, hi % pl->shape.w), ==, 255);
                  g_assert_cmpint (lab_tile_view_get_gray (tiles, c, lo / pl->shape.w, lo % pl->shape.w), ==, 0);
                }
            }
          n_tiles++;
        }
      else
        {
          LabActivationBars *bars = LAB_ACTIVATION_BARS (view);

          g_assert_cmpuint (lab_activation_bars_get_n (bars), ==, pl->shape.c);
          for (guint c = 0; c < pl->shape.c; c++)
            g_assert_cmpfloat (lab_activation_bars_get_value (bars, c), ==, pl->values[c]);
          n_bars++;
        }
    }
  g_test_message ("%u sections: %u of tiles, %u of bars", probe->n_layers, n_tiles, n_bars);
  g_assert_cmpuint (n_tiles + n_bars, ==, probe->n_layers);
}

/* No model: the page says where to get one. */
static void
test_inside_empty (Fixture       *f,
                   gconstpointer  data)
{
  lab_window_set_visible_page (f->window, "inside");
  lab_test_spin_for (0.2);
  g_assert_nonnull (lab_inside_page_get_problem (f->page));
  g_assert_nonnull (strstr (lab_inside_page_get_problem (f->page), "Train"));
  g_assert_cmpuint (lab_inside_page_get_n_passes (f->page), ==, 0);
}

/* A convolutional autoencoder: every layer's maps, the first layer's 16
 * filters of 3 x 3, another image through the action, and a screenshot. */
static void
test_inside_conv (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(LabProbe) probe = NULL;
  LabModel *model = lab_test_train_into_session (f->session, "cae-tiny");
  LabFilterGrid *filters = lab_inside_page_get_filter_grid (f->page);
  LabTileView *filter_tiles = lab_filter_grid_get_view (filters);
  LabNormPlot *norms = lab_inside_page_get_norm_plot (f->page);
  LabDataset *test = lab_session_get_test_dataset (f->session);
  const guint8 *shown;
  guint w, h;

  /* Hidden, nothing ran yet. */
  g_assert_cmpuint (lab_inside_page_get_n_passes (f->page), ==, 0);
  show_inside (f);
  g_assert_null (lab_inside_page_get_problem (f->page));
  g_assert_cmpuint (lab_inside_page_get_shown_serial (f->page), ==, lab_session_get_weights_serial (f->session));
  g_test_message ("one image through cae-tiny: %.2f ms", lab_inside_page_get_pass_ms (f->page));

  probe = expected_probe (f, 0);
  assert_sections_show (f, probe);

  /* Conv2D [16, 1, 3, 3]: 16 filters, 0 mid-gray, the largest magnitude
   * of each white or black. */
  g_assert_cmpuint (lab_tile_view_get_n (filter_tiles), ==, 16);
  g_assert_nonnull (strstr (lab_filter_grid_get_caption (filters), "16 filters of layer 0, Conv2D (3 × 3 each)"));
  for (guint t = 0; t < 16; t++)
    {
      const float *wt = lab_model_params (model) + t * 9;
      guint big = 0;

      for (guint k = 1; k < 9; k++)
        big = fabsf (wt[k]) > fabsf (wt[big]) ? k : big;
      g_assert_cmpint (lab_tile_view_get_gray (filter_tiles, t, big / 3, big % 3), ==, wt[big] > 0 ? 255 : 0);
    }

  /* The norms: one point for the weights set, no gradients (no training
   * step published), a line per layer with parameters (7 convolutions). */
  g_assert_cmpuint (lab_norm_plot_get_n_lines (norms), ==, 7);
  g_assert_cmpuint (lab_norm_plot_get_n_points (norms, FALSE), ==, 1);
  g_assert_cmpuint (lab_norm_plot_get_n_points (norms, TRUE), ==, 0);
  {
    float pn[20];
    double x, y;

    lab_model_layer_norms (model, pn, NULL);
    g_assert_true (lab_line_plot_get_point (lab_plot_view_get_plot (lab_norm_plot_get_view (norms, FALSE)),
                                            0, 0, &x, &y));
    g_assert_cmpfloat (y, ==, pn[0]);
    g_assert_cmpfloat (y, >, 0);
    /* a single step spans 0 to the step (0 to 1 at step 0), no negative
     * steps */
    {
      double lo, hi;

      g_assert_true (lab_line_plot_get_x_range (lab_plot_view_get_plot (lab_norm_plot_get_view (norms, FALSE)),
                                                &lo, &hi));
      g_assert_cmpfloat (lo, ==, 0);
      g_assert_cmpfloat (hi, ==, MAX (x, 1.0));
    }
  }

  /* Another image, as a script picks it: the image and the maps follow. */
  f->passes_before = lab_inside_page_get_n_passes (f->page);
  lab_test_change_state (f->window, "inside-image", g_variant_new_int32 (7));
  g_assert_cmpuint (lab_inside_page_get_n_passes (f->page), >, f->passes_before);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (lab_inside_page_get_image_spin (f->page)), ==, 7);
  shown = lab_image_view_get_pixels (lab_inside_page_get_image_view (f->page), &w, &h);
  g_assert_nonnull (shown);
  g_assert_cmpmem (shown, (gsize) w * h, lab_dataset_image (test, 7), (gsize) test->width * test->height);
  g_clear_pointer (&probe, lab_probe_free);
  probe = expected_probe (f, 7);
  assert_sections_show (f, probe);

  lab_test_spin_for (0.3);
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-inside.png", 64, 100.0);
}

/* A dense autoencoder: bars for the dense layers, the first layer's rows
 * as 28 x 28 pictures (the first 64 of 512). */
static void
test_inside_dense (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(LabProbe) probe = NULL;
  LabFilterGrid *filters = lab_inside_page_get_filter_grid (f->page);

  lab_test_train_into_session (f->session, "stacked");
  show_inside (f);
  probe = expected_probe (f, 0);
  assert_sections_show (f, probe);
  g_assert_true (LAB_IS_ACTIVATION_BARS (lab_layer_maps_get_view (lab_inside_page_get_layer_maps (f->page), 1)));
  g_assert_cmpuint (lab_tile_view_get_n (lab_filter_grid_get_view (filters)), ==, 64);
  g_assert_nonnull (strstr (lab_filter_grid_get_caption (filters), "The first 64 of 512"));
  lab_test_spin_for (0.3);
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-inside-dense.png", 64, 100.0);
}

static gboolean
page_unmapped (gpointer data)
{
  return !gtk_widget_get_mapped (GTK_WIDGET (((Fixture *) data)->page));
}

static gboolean
not_training (gpointer data)
{
  Fixture *f = data;

  return !lab_train_page_is_training (LAB_TRAIN_PAGE (lab_window_get_page (f->window, "train")));
}

/* Training with the page shown: the norms plot gets a point for every set
 * of weights published, with gradients, and the maps follow the weights.
 * Hidden, the page waits; shown again, it catches up. */
static void
test_inside_live (Fixture       *f,
                  gconstpointer  data)
{
  LabNormPlot *norms = lab_inside_page_get_norm_plot (f->page);
  LabLinePlot *grads;
  guint n_weight, n_grad;
  double last_x = -1;
  g_autoptr(LabModel) other = NULL;

  /* 3,000 images in batches of 32: 94 steps an epoch, 3 epochs. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "configure",
                                  g_variant_new_parsed ("{'arch': <'cae-tiny'>, 'noise': <'gaussian:0.3'>, "
                                                        "'epochs': <3>, 'batch': <32>, 'lr': <0.002>, "
                                                        "'seed': <int64 4>, 'limit': <3000>}"));
  lab_test_activate (f->window, "train", NULL);
  show_inside (f);
  lab_test_spin_until (not_training, f, 120);
  lab_test_spin_for (0.2);

  n_weight = lab_norm_plot_get_n_points (norms, FALSE);
  n_grad = lab_norm_plot_get_n_points (norms, TRUE);
  g_test_message ("after training: %u weight points, %u gradient points, %u passes (last %.2f ms, "
                  "slowest %.2f ms)", n_weight, n_grad, lab_inside_page_get_n_passes (f->page),
                  lab_inside_page_get_pass_ms (f->page), lab_inside_page_get_max_pass_ms (f->page));
  /* One image on the main thread while training takes the cores: within
   * a frame (0.2 ms here), even on a busy machine. */
  g_assert_cmpfloat (lab_inside_page_get_max_pass_ms (f->page), <, 16.7);
  /* At least each epoch's end came with its gradients. */
  g_assert_cmpuint (n_grad, >=, 3);
  g_assert_cmpuint (n_weight, >=, n_grad);
  grads = lab_plot_view_get_plot (lab_norm_plot_get_view (norms, TRUE));
  for (guint i = 0; i < n_grad; i++)
    {
      double x, y;

      g_assert_true (lab_line_plot_get_point (grads, 0, i, &x, &y));
      g_assert_cmpfloat (x, >, last_x);
      g_assert_true (isfinite (y) && y > 0);
      last_x = x;
    }
  g_assert_cmpfloat (last_x, ==, 3 * 94);
  /* The maps show the final weights. */
  g_assert_cmpuint (lab_inside_page_get_shown_serial (f->page), ==, lab_session_get_weights_serial (f->session));
  {
    g_autoptr(LabProbe) probe = expected_probe (f, 0);

    assert_sections_show (f, probe);
  }
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-inside-trained.png", 64, 100.0);

  /* Weights published while another page shows: the page waits. */
  lab_window_set_visible_page (f->window, "data");
  lab_test_spin_until (page_unmapped, f, 10);
  f->passes_before = lab_inside_page_get_n_passes (f->page);
  other = lab_model_copy (lab_session_get_model (f->session), 0);
  lab_model_init (other, LAB_INIT_TORCH, 99);
  lab_session_publish_from (f->session, other, 1000);
  g_assert_cmpuint (lab_inside_page_get_n_passes (f->page), ==, f->passes_before);
  /* the norms are kept all the same: a weight point, no gradients */
  g_assert_cmpuint (lab_norm_plot_get_n_points (norms, FALSE), ==, n_weight + 1);
  g_assert_cmpuint (lab_norm_plot_get_n_points (norms, TRUE), ==, n_grad);
  show_inside (f);
  g_assert_cmpuint (lab_inside_page_get_shown_serial (f->page), ==, lab_session_get_weights_serial (f->session));
  {
    g_autoptr(LabProbe) probe = expected_probe (f, 0);

    assert_sections_show (f, probe);
  }
}

int
main (int   argc,
      char *argv[])
{
  app = lab_test_init (&argc, &argv);

  g_test_add ("/inside/empty", Fixture, NULL, fixture_setup, test_inside_empty, fixture_teardown);
  g_test_add ("/inside/conv", Fixture, NULL, fixture_setup, test_inside_conv, fixture_teardown);
  g_test_add ("/inside/dense", Fixture, NULL, fixture_setup, test_inside_dense, fixture_teardown);
  g_test_add ("/inside/live", Fixture, NULL, fixture_setup, test_inside_live, fixture_teardown);
  return lab_test_run ();
}
