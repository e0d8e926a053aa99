/* The Train and Denoise pages under Xvfb, driven through their actions.
 * LATENTLAB_DATA_DIR is an empty folder, so the window shows the synthetic
 * digits (6,000 training, 1,000 test images); runs are kept to a few
 * thousand images so the whole program takes well under a minute. */

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-denoise-page-private.h"
#include "lab-metrics.h"
#include "lab-model-io.h"
#include "lab-presets.h"
#include "lab-spec-summary.h"
#include "lab-test-util.h"
#include "lab-train-page-private.h"
#include "lab-window-private.h"

static LabApplication *app;

typedef struct
{
  LabWindow      *window;
  LabSession     *session;
  LabTrainPage   *train;
  LabDenoisePage *denoise;
  LabDenoiseGrid *denoise_grid;   /* the Denoise page's slider grid */
  LabSweepPlot   *sweep_plot;     /* and its sweep plot */
  char           *tmpdir;
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
  g_autoptr(GError) error = NULL;

  f->window = lab_window_new (app);
  f->session = lab_window_get_session (f->window);
  f->train = LAB_TRAIN_PAGE (lab_window_get_page (f->window, "train"));
  f->denoise = LAB_DENOISE_PAGE (lab_window_get_page (f->window, "denoise"));
  f->denoise_grid = lab_denoise_page_get_denoise_grid (f->denoise);
  f->sweep_plot = lab_denoise_page_get_sweep_plot (f->denoise);
  gtk_window_present (GTK_WINDOW (f->window));
  lab_test_spin_until (session_ready, f, 30);
  f->tmpdir = g_dir_make_tmp ("latentlab-train-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  lab_test_remove_tree (f->tmpdir);
  g_free (f->tmpdir);
}

/* Actions, as a script or a shortcut would use them. */

static void
activate (Fixture    *f,
          const char *name,
          GVariant   *param)
{
  lab_test_activate (f->window, name, param);
}

static void
change_state (Fixture    *f,
              const char *name,
              GVariant   *value)
{
  lab_test_change_state (f->window, name, value);
}

/* app.configure: what `latentlab --arch ... --train` sends. */
static void
configure (const char *text)
{
  GVariant *options = g_variant_new_parsed (text);

  g_action_group_activate_action (G_ACTION_GROUP (app), "configure", options);
}

static gboolean
not_training (gpointer data)
{
  return !lab_train_page_is_training (((Fixture *) data)->train);
}

static gboolean
is_training (gpointer data)
{
  return lab_train_page_is_training (((Fixture *) data)->train);
}

static void
train_to_end (Fixture *f)
{
  activate (f, "train", NULL);
  g_assert_true (lab_train_page_is_training (f->train));
  lab_test_spin_until (not_training, f, 60);
}

static gboolean
denoise_settled (gpointer data)
{
  Fixture *f = data;

  return lab_denoise_grid_get_shown (f->denoise_grid, NULL) != NULL && !lab_denoise_grid_is_busy (f->denoise_grid);
}

typedef struct
{
  Fixture *f;
  double   level;
} LevelWait;

static gboolean
denoise_at_level (gpointer data)
{
  LevelWait *w = data;
  double level;

  return denoise_settled (w->f) && lab_denoise_grid_get_shown (w->f->denoise_grid, &level) != NULL
         && fabs (level - w->level) < 1e-6;
}

/* Sets the slider through win.noise-level and waits for the grid. */
static const LabReconBatch *
denoise_at (Fixture *f,
            double   level)
{
  LevelWait w = { f, level };

  change_state (f, "noise-level", g_variant_new_double (level));
  lab_test_spin_until (denoise_at_level, &w, 30);
  return lab_denoise_grid_get_shown (f->denoise_grid, NULL);
}

static guint8 *
denoised_pixels (Fixture *f,
                 gsize   *size)
{
  guint n, h, w;
  const guint8 *pixels = lab_recon_grid_get_row_pixels (lab_denoise_grid_get_grid (f->denoise_grid), 1, &n, &h, &w);

  g_assert_nonnull (pixels);
  g_assert_cmpuint (n, ==, LAB_DENOISE_IMAGES);
  *size = (gsize) n * h * w;
  return g_memdup2 (pixels, *size);
}

/* The page before any training: actions, summary, settings. */
static void
test_train_page (Fixture       *f,
                 gconstpointer  data)
{
  LabTrainConfig config;
  guint rows_dae, rows_strided;

  g_assert_null (lab_session_get_model (f->session));
  g_assert_true (lab_test_action_enabled (f->window, "train"));
  g_assert_false (lab_test_action_enabled (f->window, "pause"));
  g_assert_false (lab_test_action_enabled (f->window, "stop"));
  g_assert_false (lab_test_action_enabled (f->window, "save-model"));
  g_assert_true (lab_test_action_enabled (f->window, "open-model"));
  g_assert_true (lab_session_has_test_split (f->session));
  g_assert_cmpuint (lab_session_get_test_dataset (f->session)->n, ==, 1000);
  g_assert_cmpuint (lab_session_get_train_dataset (f->session)->n, ==, 6000);

  /* The default architecture and its Keras summary: one row per layer. */
  g_assert_cmpstr (lab_train_page_get_arch (f->train), ==, "dae-keras32");
  rows_dae = lab_train_page_get_summary_rows (f->train);
  g_assert_cmpuint (rows_dae, ==, 14);

  configure ("{'arch': <'strided-dae'>, 'noise': <'mask:0.3'>, 'epochs': <3>, 'batch': <64>,"
             " 'lr': <0.002>, 'seed': <int64 7>, 'limit': <1000>, 'optimizer': <'sgd'>}");
  g_assert_cmpstr (lab_window_get_visible_page (f->window), ==, "train");
  g_assert_cmpstr (lab_train_page_get_arch (f->train), ==, "strided-dae");
  rows_strided = lab_train_page_get_summary_rows (f->train);
  g_assert_cmpuint (rows_strided, ==, 10);

  lab_train_page_get_config (f->train, &config);
  g_assert_cmpuint (config.epochs, ==, 3);
  g_assert_cmpuint (config.batch, ==, 64);
  g_assert_cmpfloat_with_epsilon (config.lr, 0.002, 1e-9);
  g_assert_cmpuint (config.seed, ==, 7);
  g_assert_cmpuint (config.limit, ==, 1000);
  g_assert_cmpint (config.optimizer, ==, LAB_OPTIM_SGD);
  g_assert_cmpint (config.noise.type, ==, LAB_NOISE_MASK);
  g_assert_cmpfloat_with_epsilon (config.noise.amount, 0.3, 1e-6);
  /* A separate test split: validate on it, hold nothing out. */
  g_assert_cmpfloat (config.val_fraction, ==, 0.0);

  /* An unknown preset is refused in words and changes nothing. */
  configure ("{'arch': <'no-such-net'>}");
  g_assert_true (lab_window_is_error_shown (f->window));
  g_assert_nonnull (strstr (lab_window_get_error_text (f->window), "no-such-net"));
  g_assert_cmpstr (lab_train_page_get_arch (f->train), ==, "strided-dae");

  /* "Build your own…" opens the architecture editor over the window;
   * closing it changes nothing. */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    guint before = g_list_model_get_n_items (toplevels);
    GtkWindow *editor = NULL;

    activate (f, "build-architecture", NULL);
    g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, before + 1);
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

        if (gtk_window_get_transient_for (w) == GTK_WINDOW (f->window))
          editor = w;
      }
    g_assert_nonnull (editor);
    gtk_window_destroy (editor);
    lab_test_spin_for (0.1);
    g_assert_cmpstr (lab_train_page_get_arch (f->train), ==, "strided-dae");
  }

  /* The page at rest, with the architecture and the settings shown. */
  activate (f, "show-page", g_variant_new_string ("train"));
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-train-settings.png", 256, 500.0);

  /* The Denoise page has nothing to show yet and says so. */
  activate (f, "show-page", g_variant_new_string ("denoise"));
  g_assert_cmpstr (lab_window_get_visible_page (f->window), ==, "denoise");
  g_assert_null (lab_denoise_grid_get_shown (f->denoise_grid, NULL));
}

typedef struct
{
  Fixture *f;
  guint64  step;
  gint64   until;
  guint    last_updates;
  guint    n_update_events;
} Watch;

/* Counts the strip's refreshes as the main loop delivers them. */
static gboolean
watch_until (gpointer data)
{
  Watch *w = data;
  guint updates = lab_recon_grid_get_n_updates (lab_train_page_get_recon_grid (w->f->train));

  if (updates != w->last_updates)
    {
      w->n_update_events++;
      w->last_updates = updates;
    }
  if (w->until != 0)
    return g_get_monotonic_time () >= w->until;
  return lab_train_page_get_step (w->f->train) >= w->step || !lab_train_page_is_training (w->f->train);
}

/* More than four progress updates have reached the Train page. */
static gboolean
progress_past_four (gpointer data)
{
  Fixture *f = data;

  return lab_train_page_get_n_progress (f->train) > 4 || !lab_train_page_is_training (f->train);
}

static void
test_train_live (Fixture       *f,
                 gconstpointer  data)
{
  LabPlotView *plot_view = lab_train_page_get_loss_plot (f->train);
  LabLinePlot *plot;
  LabReconGrid *grid = lab_train_page_get_recon_grid (f->train);
  LabDataset *test = lab_session_get_test_dataset (f->session);
  Watch watch = { f, 0, 0, 0, 0 };
  LabTrainConfig config;
  LabEvalResult eval;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *low_pixels = NULL;
  g_autofree guint8 *high_pixels = NULL;
  const LabReconBatch *batch;
  guint n_train, n_val, n_batches;
  double first_x, first_y, last_x, last_y, x, y, seconds, low_psnr, low_noisy;
  guint64 paused_step;
  gint64 start;
  gsize size;

  /* 2,000 images in batches of 32: 63 steps an epoch; more epochs than the
   * test waits for, so Stop always comes before the end. */
  configure ("{'arch': <'strided-dae'>, 'noise': <'gaussian:0.5'>, 'epochs': <8>, 'batch': <32>,"
             " 'lr': <0.002>, 'seed': <int64 3>, 'limit': <2000>, 'optimizer': <'adam'>}");
  n_batches = (2000 + 31) / 32;
  lab_train_page_get_config (f->train, &config);

  activate (f, "train", NULL);
  start = g_get_monotonic_time ();
  g_assert_true (lab_train_page_is_training (f->train));
  g_assert_true (lab_session_get_training (f->session));
  g_assert_nonnull (lab_session_get_model (f->session));
  g_assert_false (lab_test_action_enabled (f->window, "train"));
  g_assert_true (lab_test_action_enabled (f->window, "stop"));
  g_assert_false (lab_test_action_enabled (f->window, "open-model"));

  /* Two seconds of training: the strip follows (the worker publishes every
   * 250 ms; the rate is logged, not asserted: CI machines are shared). */
  watch.last_updates = lab_recon_grid_get_n_updates (grid);
  watch.until = start + 2 * G_USEC_PER_SEC;
  lab_test_spin_until (watch_until, &watch, 30);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("strip refreshed %u times in %.2f s of training, step %" G_GUINT64_FORMAT,
                  watch.n_update_events, seconds, lab_train_page_get_step (f->train));
  g_assert_true (lab_train_page_is_training (f->train));
  g_assert_cmpuint (watch.n_update_events, >=, 2);
  /* Progress reaches the page at most 15 times a second, and on a loaded
   * machine fewer steps are made in two seconds: wait for the fifth update
   * rather than asserting a rate. */
  lab_test_spin_until (progress_past_four, f, 30);
  g_assert_true (lab_train_page_is_training (f->train));
  g_assert_cmpuint (lab_train_page_get_n_progress (f->train), >, 4);
  {
    guint n, h, w;

    g_assert_nonnull (lab_recon_grid_get_row_pixels (grid, 1, &n, &h, &w));
    g_assert_cmpuint (n, ==, 10);
    g_assert_cmpuint (h, ==, 28);
  }

  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-train.png", 256, 500.0);

  /* Pause: the steps stand still; resume: they go on. */
  change_state (f, "pause", g_variant_new_boolean (TRUE));
  lab_test_spin_for (0.4);
  paused_step = lab_train_page_get_step (f->train);
  lab_test_spin_for (0.6);
  g_assert_cmpuint (lab_train_page_get_step (f->train), ==, paused_step);
  g_assert_true (lab_train_page_is_training (f->train));
  change_state (f, "pause", g_variant_new_boolean (FALSE));

  /* Into the second epoch, past the first validation, then Stop. */
  watch.until = 0;
  watch.step = MAX (n_batches + 15, paused_step + 5);
  lab_test_spin_until (watch_until, &watch, 60);
  g_assert_cmpuint (lab_train_page_get_step (f->train), >, paused_step);
  g_assert_true (lab_train_page_is_training (f->train));
  activate (f, "stop", NULL);
  lab_test_spin_until (not_training, f, 30);

  g_assert_false (lab_session_get_training (f->session));
  g_assert_true (lab_train_page_get_final_stopped (f->train));
  g_assert_cmpuint (lab_train_page_get_final_steps (f->train), >=, n_batches + 15);
  g_assert_cmpuint (lab_train_page_get_final_steps (f->train), <, 8 * n_batches);
  g_assert_nonnull (strstr (lab_train_page_get_status_text (f->train), "Stopped"));
  g_assert_true (lab_test_action_enabled (f->window, "train"));
  g_assert_true (lab_test_action_enabled (f->window, "save-model"));

  /* The curve: many smoothed batch losses, falling; one validation point. */
  plot = lab_plot_view_get_plot (plot_view);
  n_train = lab_line_plot_get_n_points (plot, LAB_TRAIN_PAGE_SERIES_TRAIN);
  n_val = lab_line_plot_get_n_points (plot, LAB_TRAIN_PAGE_SERIES_VAL);
  g_test_message ("loss curve: %u training points, %u validation points", n_train, n_val);
  g_assert_cmpuint (n_train, >=, n_batches);
  /* One validation point per finished epoch; when Stop comes right after
   * an epoch's last batch, that epoch's validation is cut short. */
  {
    guint64 steps = lab_train_page_get_final_steps (f->train);

    if (steps % n_batches == 0 && n_val + 1 == steps / n_batches)
      g_test_message ("stopped between an epoch's last batch and its validation");
    else
      g_assert_cmpuint (n_val, ==, steps / n_batches);
  }
  g_assert_true (lab_line_plot_get_point (plot, LAB_TRAIN_PAGE_SERIES_TRAIN, 0, &first_x, &first_y));
  g_assert_true (lab_line_plot_get_point (plot, LAB_TRAIN_PAGE_SERIES_TRAIN, n_train - 1, &last_x, &last_y));
  g_test_message ("smoothed loss %.4f at epoch %.2f, %.4f at epoch %.2f", first_y, first_x, last_y, last_x);
  g_assert_cmpfloat (first_x, <, last_x);
  g_assert_cmpfloat (last_x, >, 1.0);
  g_assert_cmpfloat (last_y, <, 0.8 * first_y);
  g_assert_true (lab_line_plot_get_point (plot, LAB_TRAIN_PAGE_SERIES_VAL, 0, &x, &y));
  g_assert_cmpfloat (x, ==, 1.0);
  g_assert_true (isfinite (y) && y > 0);

  /* Stop kept the weights of the last step: the session's model gives the
   * loss the page reported for them. */
  g_assert_true (isfinite (lab_train_page_get_final_loss (f->train)));
  g_assert_true (lab_evaluate (lab_session_get_model (f->session), test, &config.noise,
                               LAB_TRAIN_PAGE_EVAL_SEED, LAB_TRAIN_PAGE_EVAL_IMAGES,
                               &eval, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("reported %.7f, evaluated %.7f", lab_train_page_get_final_loss (f->train), eval.loss);
  g_assert_cmpfloat_with_epsilon (eval.loss, lab_train_page_get_final_loss (f->train),
                                  1e-5 * eval.loss);
  g_assert_cmpfloat (eval.loss, <, first_y);

  /* Denoise: the slider moves the denoised images and their PSNR. */
  activate (f, "show-page", g_variant_new_string ("denoise"));
  lab_test_spin_until (denoise_settled, f, 30);
  /* It starts at the training noise. */
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (lab_denoise_page_get_noise_scale (f->denoise)), 0.5, 1e-9);

  batch = denoise_at (f, 0.1);
  low_pixels = denoised_pixels (f, &size);
  low_psnr = batch->mean_psnr;
  low_noisy = batch->mean_noisy_psnr;
  g_assert_cmpuint (batch->n, ==, LAB_DENOISE_IMAGES);

  batch = denoise_at (f, 0.9);
  high_pixels = denoised_pixels (f, &size);
  g_test_message ("PSNR at noise 0.1: noisy %.2f dB, denoised %.2f dB; at 0.9: noisy %.2f, denoised %.2f; "
                  "a pass takes %.2f ms on the main thread%s",
                  low_noisy, low_psnr, batch->mean_noisy_psnr, batch->mean_psnr,
                  lab_denoise_grid_get_pass_ms (f->denoise_grid),
                  lab_denoise_grid_uses_worker (f->denoise_grid) ? " (so it runs on a worker)" : "");
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (lab_denoise_page_get_noise_scale (f->denoise)), 0.9, 1e-9);
  g_assert_true (memcmp (low_pixels, high_pixels, size) != 0);
  g_assert_cmpfloat (batch->mean_psnr, <, low_psnr);
  g_assert_cmpfloat (batch->mean_noisy_psnr, <, low_noisy);
  /* Denoising helps at heavy noise. */
  g_assert_cmpfloat (batch->mean_psnr, >, batch->mean_noisy_psnr);
  {
    g_autoptr(GVariant) state = lab_test_get_state (f->window, "noise-level");

    g_assert_cmpfloat_with_epsilon (g_variant_get_double (state), 0.9, 1e-9);
  }

  /* The loss-vs-noise sweep ran on its own once training was over. */
  {
    LabLinePlot *loss_plot, *psnr_plot;
    double x0, y0, x20, y20;

    while (lab_sweep_plot_get_n_levels (f->sweep_plot) < LAB_SWEEP_PLOT_LEVELS)
      {
        g_assert_true (lab_sweep_plot_is_running (f->sweep_plot));
        g_main_context_iteration (NULL, TRUE);
      }
    loss_plot = lab_plot_view_get_plot (lab_sweep_plot_get_loss_plot (f->sweep_plot));
    psnr_plot = lab_plot_view_get_plot (lab_sweep_plot_get_psnr_plot (f->sweep_plot));
    g_assert_cmpuint (lab_line_plot_get_n_points (loss_plot, LAB_SWEEP_PLOT_SERIES_DENOISED), ==, LAB_SWEEP_PLOT_LEVELS);
    g_assert_true (lab_line_plot_get_point (loss_plot, LAB_SWEEP_PLOT_SERIES_DENOISED, 0, &x0, &y0));
    g_assert_true (lab_line_plot_get_point (loss_plot, LAB_SWEEP_PLOT_SERIES_DENOISED, 20, &x20, &y20));
    g_test_message ("test loss %.4f at noise 0, %.4f at noise 1", y0, y20);
    g_assert_cmpfloat (x0, ==, 0.0);
    g_assert_cmpfloat (x20, ==, 1.0);
    g_assert_cmpfloat (y20, >, y0);
    g_assert_true (lab_line_plot_get_point (psnr_plot, LAB_SWEEP_PLOT_SERIES_DENOISED, 20, &x20, &y20));
    g_assert_true (lab_line_plot_get_point (psnr_plot, LAB_SWEEP_PLOT_SERIES_DENOISED, 0, &x0, &y0));
    g_assert_cmpfloat (y20, <, y0);
    /* The noisy inputs' own PSNR, without the perfect 0-noise point. */
    g_assert_cmpuint (lab_line_plot_get_n_points (psnr_plot, LAB_SWEEP_PLOT_SERIES_NOISY), ==, LAB_SWEEP_PLOT_LEVELS - 1);
  }

  denoise_at (f, 0.6);
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-denoise.png", 256, 500.0);
}

static void
test_train_save_open (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->tmpdir, "digits.safetensors", NULL);
  g_autoptr(GSettings) settings = lab_application_create_settings ();
  g_auto(GStrv) recent = NULL;
  g_autofree guint8 *before = NULL;
  g_autofree guint8 *zeroed = NULL;
  g_autofree guint8 *after = NULL;
  g_autofree float *params = NULL;
  g_autofree float *zeros = NULL;
  LabModel *trained, *opened;
  const LabTrainConfig *config;
  double psnr_before;
  gsize size, n_params;

  configure ("{'arch': <'cae-tiny'>, 'noise': <'gaussian:0.4'>, 'epochs': <1>, 'batch': <32>,"
             " 'seed': <int64 11>, 'limit': <600>}");
  train_to_end (f);
  g_assert_false (lab_train_page_get_final_stopped (f->train));
  trained = lab_session_get_model (f->session);
  n_params = lab_model_n_params (trained);
  params = g_memdup2 (lab_model_params (trained), n_params * sizeof (float));

  activate (f, "save-model-to", g_variant_new_string (path));
  g_assert_false (lab_window_is_error_shown (f->window));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (lab_session_get_model_path (f->session), ==, path);
  g_assert_nonnull (settings);
  recent = g_settings_get_strv (settings, "recent-models");
  g_assert_cmpstr (recent[0], ==, path);

  /* A save that fails, past a file-size limit (a quota; the app ignores
   * SIGXFSZ, as main does here) or into a folder that is not there, says
   * so in the banner, naming the file, and leaves the saved file as it
   * was with nothing beside it. */
  {
    g_autofree char *missing = g_build_filename (f->tmpdir, "no-such-folder", "digits.safetensors", NULL);
    g_autoptr(GBytes) saved = lab_test_read_file (path);
    g_autoptr(GBytes) saved_after = NULL;
    g_autofree char *names = lab_test_list_dir (f->tmpdir);
    g_autofree char *names_after = NULL;
    struct rlimit limit, lowered;
    void (*handler) (int) = signal (SIGXFSZ, SIG_IGN);

    g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &limit), ==, 0);
    lowered = limit;
    lowered.rlim_cur = 4096;
    g_assert_cmpuint (g_bytes_get_size (saved), >, lowered.rlim_cur);
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lowered), ==, 0);
    activate (f, "save-model-to", g_variant_new_string (path));
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
    signal (SIGXFSZ, handler);
    g_assert_true (lab_window_is_error_shown (f->window));
    g_assert_cmpstr (lab_window_get_error_text (f->window), ==,
                     "digits.safetensors: cannot save (File too large)");
    lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-save-error.png", 64, 100.0);
    saved_after = lab_test_read_file (path);
    g_assert_true (g_bytes_equal (saved, saved_after));
    names_after = lab_test_list_dir (f->tmpdir);
    g_assert_cmpstr (names_after, ==, names);
    activate (f, "dismiss-error", NULL);

    activate (f, "save-model-to", g_variant_new_string (missing));
    g_assert_true (lab_window_is_error_shown (f->window));
    g_assert_cmpstr (lab_window_get_error_text (f->window), ==,
                     "digits.safetensors: cannot save (No such file or directory)");
    activate (f, "dismiss-error", NULL);
    g_assert_cmpstr (lab_session_get_model_path (f->session), ==, path);
  }

  /* Export as PyTorch (the main menu's item): the code beside the saved
   * model, whose file already holds the weights; a missing folder goes to
   * the banner with its path. */
  {
    g_autofree char *py = g_build_filename (f->tmpdir, "digits.py", NULL);
    g_autofree char *bad = g_build_filename (f->tmpdir, "no-such-folder", "digits.py", NULL);
    g_autofree char *code = NULL;
    GStatBuf st_before, st_after;

    g_assert_true (lab_test_action_enabled (f->window, "export-pytorch"));
    g_assert_cmpint (g_stat (path, &st_before), ==, 0);
    activate (f, "export-pytorch-to", g_variant_new_string (py));
    g_assert_false (lab_window_is_error_shown (f->window));
    g_assert_true (g_file_get_contents (py, &code, NULL, NULL));
    g_assert_nonnull (strstr (code, "class Model(LatentLabSequential):"));
    g_assert_nonnull (strstr (code, "WEIGHTS = \"digits.safetensors\""));
    g_assert_nonnull (strstr (code, "\"noise\": \"gaussian:0.4\","));
    g_assert_cmpint (g_stat (path, &st_after), ==, 0);
    g_assert_cmpint (st_before.st_ino, ==, st_after.st_ino);
    activate (f, "export-pytorch-to", g_variant_new_string (bad));
    g_assert_true (lab_window_is_error_shown (f->window));
    g_assert_nonnull (strstr (lab_window_get_error_text (f->window), bad));
    activate (f, "dismiss-error", NULL);
  }

  activate (f, "show-page", g_variant_new_string ("denoise"));
  lab_test_spin_until (denoise_settled, f, 30);
  denoise_at (f, 0.4);
  before = denoised_pixels (f, &size);
  psnr_before = lab_denoise_grid_get_shown (f->denoise_grid, NULL)->mean_psnr;

  /* Wreck the weights in the session: the Denoise page follows. */
  zeros = g_new0 (float, n_params + lab_model_n_buffers (trained) + 1);
  lab_session_publish (f->session, zeros, zeros, NULL, 0);
  denoise_at (f, 0.41);
  denoise_at (f, 0.4);
  zeroed = denoised_pixels (f, &size);
  g_assert_true (memcmp (before, zeroed, size) != 0);

  /* Open what was saved: the same weights, the same reconstructions. */
  activate (f, "open-model-file", g_variant_new_string (path));
  g_assert_false (lab_window_is_error_shown (f->window));
  opened = lab_session_get_model (f->session);
  g_assert_true (opened != trained);
  g_assert_cmpstr (lab_model_get_name (opened), ==, "cae-tiny");
  g_assert_cmpmem (lab_model_params (opened), n_params * sizeof (float), params, n_params * sizeof (float));
  config = lab_session_get_train_config (f->session);
  g_assert_nonnull (config);
  g_assert_cmpint (config->noise.type, ==, LAB_NOISE_GAUSSIAN);
  g_assert_cmpfloat_with_epsilon (config->noise.amount, 0.4, 1e-6);
  g_assert_cmpuint (config->limit, ==, 600);
  g_assert_cmpstr (lab_train_page_get_arch (f->train), ==, "cae-tiny");
  /* The file's history: one epoch, with its validation loss. */
  g_assert_cmpuint (lab_line_plot_get_n_points (lab_plot_view_get_plot (lab_train_page_get_loss_plot (f->train)),
                                                LAB_TRAIN_PAGE_SERIES_VAL), ==, 1);

  activate (f, "show-page", g_variant_new_string ("denoise"));
  denoise_at (f, 0.41);
  denoise_at (f, 0.4);
  after = denoised_pixels (f, &size);
  g_assert_cmpmem (after, size, before, size);
  g_assert_cmpfloat (lab_denoise_grid_get_shown (f->denoise_grid, NULL)->mean_psnr, ==, psnr_before);
}

/* A linear autoencoder for 28x28 (or side x side) images, saved untrained. */
static char *
save_linear_model (Fixture *f,
                   guint    side)
{
  g_autofree char *json = g_strdup_printf (
    "{\"name\": \"linear-%u\", \"input\": [1, %u, %u], \"loss\": \"mse\", \"encoder_layers\": 2,"
    " \"layers\": [{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 32},"
    " {\"type\": \"dense\", \"units\": %u}, {\"type\": \"reshape\", \"shape\": [1, %u, %u]}]}",
    side, side, side, side * side, side, side);
  g_autofree char *name = g_strdup_printf ("linear-%u.safetensors", side);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_spec_new_from_string (json, -1, NULL, &error);
  g_autoptr(LabModel) model = NULL;
  char *path = g_build_filename (f->tmpdir, name, NULL);

  g_assert_no_error (error);
  model = lab_model_new (spec, &error);
  g_assert_no_error (error);
  lab_model_init (model, LAB_INIT_TORCH, 1);
  g_assert_true (lab_model_save (model, path, NULL, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_train_bad_models (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *good = save_linear_model (f, 28);
  g_autofree char *wrong_size = save_linear_model (f, 32);
  g_autofree char *broken = g_build_filename (f->tmpdir, "broken.safetensors", NULL);
  g_autoptr(GFile) good_file = g_file_new_for_path (good);
  g_autoptr(GFile) wrong_file = g_file_new_for_path (wrong_size);
  g_autoptr(GFile) broken_file = g_file_new_for_path (broken);
  g_autoptr(GError) error = NULL;
  LabModel *current;

  /* The path a drop or `latentlab model.safetensors` takes. */
  lab_window_open_file (f->window, good_file);
  g_assert_false (lab_window_is_error_shown (f->window));
  g_assert_cmpstr (lab_window_get_visible_page (f->window), ==, "train");
  current = lab_session_get_model (f->session);
  g_assert_nonnull (current);
  g_assert_cmpstr (lab_model_get_name (current), ==, "linear-28");
  /* Not a preset: shown as a custom architecture. */
  g_assert_cmpstr (lab_train_page_get_arch (f->train), ==, "linear-28");

  /* Made for 32x32 images: refused in words; the model stays. */
  lab_window_open_file (f->window, wrong_file);
  g_assert_true (lab_window_is_error_shown (f->window));
  g_test_message ("banner: %s", lab_window_get_error_text (f->window));
  g_assert_nonnull (strstr (lab_window_get_error_text (f->window), "linear-32.safetensors"));
  g_assert_nonnull (strstr (lab_window_get_error_text (f->window), "32"));
  g_assert_true (lab_session_get_model (f->session) == current);
  lab_window_dismiss_error (f->window);

  /* A truncated header: the file is named, the model stays. */
  g_file_set_contents (broken, "\x40\0\0\0\0\0\0\0{\"__metadata__\": {", 25, &error);
  g_assert_no_error (error);
  lab_window_open_file (f->window, broken_file);
  g_assert_true (lab_window_is_error_shown (f->window));
  g_test_message ("banner: %s", lab_window_get_error_text (f->window));
  g_assert_nonnull (strstr (lab_window_get_error_text (f->window), "broken.safetensors"));
  g_assert_true (lab_session_get_model (f->session) == current);
}

static void
test_train_diverges (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *linear = save_linear_model (f, 28);

  activate (f, "open-model-file", g_variant_new_string (linear));
  g_assert_cmpstr (lab_train_page_get_arch (f->train), ==, "linear-28");

  /* Plain SGD at learning rate 100 on a linear autoencoder blows up in a
   * few steps. */
  configure ("{'optimizer': <'sgd'>, 'lr': <100.0>, 'epochs': <1>, 'batch': <128>,"
             " 'limit': <2000>, 'noise': <'none'>}");
  train_to_end (f);

  g_assert_true (lab_window_is_error_shown (f->window));
  g_test_message ("banner: %s", lab_window_get_error_text (f->window));
  g_assert_nonnull (strstr (lab_window_get_error_text (f->window), "learning rate"));
  g_assert_nonnull (strstr (lab_train_page_get_status_text (f->train), "lower learning rate"));
  /* The last good weights are kept and usable. */
  g_assert_true (lab_model_is_finite (lab_session_get_model (f->session)));
  g_assert_true (lab_test_action_enabled (f->window, "train"));
}

static gboolean
progressed (gpointer data)
{
  return lab_train_page_get_n_progress (((Fixture *) data)->train) >= 3;
}

static void
test_train_close_while_training (Fixture       *f,
                                 gconstpointer  data)
{
  gint64 start;

  configure ("{'arch': <'dae-keras32'>, 'epochs': <50>, 'noise': <'gaussian:0.5'>}");
  activate (f, "train", NULL);
  lab_test_spin_until (progressed, f, 30);
  /* Paused runs must notice the close too. */
  change_state (f, "pause", g_variant_new_boolean (TRUE));
  lab_test_spin_for (0.2);

  start = g_get_monotonic_time ();
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  g_test_message ("closing took %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  /* Whatever the worker left behind is dropped, not delivered. */
  lab_test_spin_for (0.3);
}

/* This process's threads, from /proc. */
static guint
count_threads (void)
{
  g_autoptr(GDir) d = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* Train, then Stop after 0 to 20 ms, 100 times in a row, as a restless
 * class might: each run ends (the page idle: Train enabled, Stop not, the
 * session not training, no error), and the threads the runs used are
 * gone again (the count after one run and after the 100 differ only by
 * GLib's pool of idle workers, which keeps a few). */
static void
test_train_start_stop_100 (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (100);
  guint threads_before, threads_after;
  gint64 start;

  configure ("{'arch': <'cae-tiny'>, 'noise': <'gaussian:0.3'>, 'epochs': <50>, 'batch': <32>,"
             " 'seed': <int64 3>, 'limit': <600>}");
  /* One run first, so the threads made once (the job pool's, BLAS's) are there. */
  activate (f, "train", NULL);
  lab_test_spin_for (0.05);
  activate (f, "stop", NULL);
  lab_test_spin_until (not_training, f, 30);
  lab_test_spin_for (0.2);
  threads_before = count_threads ();

  start = g_get_monotonic_time ();
  for (guint run = 0; run < 100; run++)
    {
      activate (f, "train", NULL);
      g_assert_true (lab_train_page_is_training (f->train));
      g_assert_true (lab_test_action_enabled (f->window, "stop"));
      lab_test_spin_for (g_rand_int_range (rand, 0, 21) / 1000.0);
      activate (f, "stop", NULL);
      lab_test_spin_until (not_training, f, 30);
      g_assert_false (lab_session_get_training (f->session));
      g_assert_true (lab_test_action_enabled (f->window, "train"));
      g_assert_false (lab_test_action_enabled (f->window, "stop"));
      g_assert_false (lab_window_is_error_shown (f->window));
    }
  g_test_message ("100 runs started and stopped in %.1f s",
                  (g_get_monotonic_time () - start) / 1e6);
  lab_test_spin_for (0.5);
  threads_after = count_threads ();
  g_test_message ("threads: %u after one run, %u after 100 more", threads_before, threads_after);
  g_assert_cmpuint (threads_after, <=, threads_before + 4);
  g_assert_true (lab_train_page_get_final_stopped (f->train));
  g_assert_nonnull (strstr (lab_train_page_get_status_text (f->train), "Stopped"));
}

static void
test_train_command_line (Fixture       *f,
                         gconstpointer  data)
{
  guint serial = lab_session_get_dataset_serial (f->session);
  const LabTrainConfig *config;

  /* As `latentlab --dataset synthetic --arch cae-tiny --noise gaussian:0.3
   * --epochs 1 --limit 300 --train` sends it. */
  configure ("{'dataset': <'synthetic'>, 'arch': <'cae-tiny'>, 'noise': <'gaussian:0.3'>,"
             " 'epochs': <1>, 'batch': <32>, 'limit': <300>, 'train': <true>}");
  g_assert_cmpstr (lab_window_get_visible_page (f->window), ==, "train");
  /* Training waits for the dataset the command line asked for. */
  g_assert_false (lab_train_page_is_training (f->train));
  lab_test_spin_until (is_training, f, 30);
  g_assert_cmpuint (lab_session_get_dataset_serial (f->session), >, serial);
  lab_test_spin_until (not_training, f, 60);

  g_assert_false (lab_window_is_error_shown (f->window));
  g_assert_cmpstr (lab_train_page_get_arch (f->train), ==, "cae-tiny");
  g_assert_cmpuint (lab_train_page_get_final_steps (f->train), ==, (300 + 31) / 32);
  config = lab_session_get_train_config (f->session);
  g_assert_cmpint (config->noise.type, ==, LAB_NOISE_GAUSSIAN);
  g_assert_cmpfloat_with_epsilon (config->noise.amount, 0.3, 1e-6);

  /* app.* actions reach the window, as `gapplication action` would. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-page", g_variant_new_string ("denoise"));
  g_assert_cmpstr (lab_window_get_visible_page (f->window), ==, "denoise");
  g_action_group_activate_action (G_ACTION_GROUP (app), "noise-level", g_variant_new_double (0.25));
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (lab_denoise_page_get_noise_scale (f->denoise)), 0.25, 1e-9);
}

static void
count_signal (guint *n)
{
  (*n)++;
}

/* The hyperparameter form on its own: to and from a config, and the
 * command line's options by name. */
static void
test_train_settings (void)
{
  g_autoptr(LabTrainSettings) settings = g_object_ref_sink (g_object_new (LAB_TYPE_TRAIN_SETTINGS, NULL));
  g_autoptr(GVariantDict) options = NULL;
  g_autoptr(GError) error = NULL;
  LabTrainConfig in, out;
  guint n_noise = 0;
  int loss = 0;

  g_signal_connect_swapped (settings, "noise-changed", G_CALLBACK (count_signal), &n_noise);
  lab_train_config_init (&in);
  in.epochs = 7;
  in.batch = 48;
  in.lr = 0.003;
  in.seed = 42;
  in.optimizer = LAB_OPTIM_SGD;
  in.noise.type = LAB_NOISE_SALT_PEPPER;
  in.noise.amount = 0.2f;
  in.limit = 1234;              /* not offered: appended to the sizes */
  lab_train_settings_set_config (settings, &in);
  g_assert_cmpuint (n_noise, >=, 1);

  lab_train_config_init (&out);
  out.val_limit = 77;           /* not the form's: left alone */
  lab_train_settings_get_config (settings, &out);
  g_assert_cmpuint (out.epochs, ==, 7);
  g_assert_cmpuint (out.batch, ==, 48);
  g_assert_cmpfloat_with_epsilon (out.lr, 0.003, 1e-12);
  g_assert_cmpuint (out.seed, ==, 42);
  g_assert_cmpint (out.optimizer, ==, LAB_OPTIM_SGD);
  g_assert_cmpint (out.noise.type, ==, LAB_NOISE_SALT_PEPPER);
  g_assert_cmpfloat_with_epsilon (out.noise.amount, 0.2, 1e-6);
  g_assert_cmpuint (out.limit, ==, 1234);
  g_assert_cmpuint (out.val_limit, ==, 77);

  /* As `latentlab --noise mask:0.3 --loss bce ...` gives them. */
  options = g_variant_dict_new (g_variant_new_parsed ("{'noise': <'mask:0.3'>, 'loss': <'bce'>, "
                                                      "'optimizer': <'adam'>, 'epochs': <2>, 'batch': <16>, "
                                                      "'lr': <0.01>, 'seed': <int64 9>, 'limit': <100>}"));
  g_assert_true (lab_train_settings_apply_options (settings, options, &error));
  g_assert_no_error (error);
  lab_train_settings_get_config (settings, &out);
  g_assert_cmpint (out.noise.type, ==, LAB_NOISE_MASK);
  g_assert_cmpfloat_with_epsilon (out.noise.amount, 0.3, 1e-6);
  g_assert_cmpint (out.optimizer, ==, LAB_OPTIM_ADAM);
  g_assert_cmpuint (out.epochs, ==, 2);
  g_assert_cmpuint (out.batch, ==, 16);
  g_assert_cmpfloat_with_epsilon (out.lr, 0.01, 1e-12);
  g_assert_cmpuint (out.seed, ==, 9);
  g_assert_cmpuint (out.limit, ==, 100);
  g_assert_cmpint (lab_train_settings_get_loss (settings), ==, LAB_LOSS_BCE);
  g_object_get (settings, "loss", &loss, NULL);
  g_assert_cmpint (loss, ==, LAB_LOSS_BCE);
  g_clear_pointer (&options, g_variant_dict_unref);

  /* A classifier's loss is the architecture's. */
  options = g_variant_dict_new (g_variant_new_parsed ("{'loss': <'softmax_ce'>}"));
  g_assert_true (lab_train_settings_apply_options (settings, options, &error));
  g_assert_cmpint (lab_train_settings_get_loss (settings), ==, LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH);
  g_clear_pointer (&options, g_variant_dict_unref);

  /* A bad value stops there, in words; what follows it is not applied. */
  options = g_variant_dict_new (g_variant_new_parsed ("{'noise': <'fog:0.5'>, 'epochs': <9>}"));
  g_assert_false (lab_train_settings_apply_options (settings, options, &error));
  g_assert_nonnull (error);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, "fog"));
  lab_train_settings_get_config (settings, &out);
  g_assert_cmpuint (out.epochs, ==, 2);
  g_assert_cmpint (out.noise.type, ==, LAB_NOISE_MASK);
}

/* The architecture chooser with the form that owns the loss choice:
 * presets, the loss choice, a classifier, a custom spec, and the summary
 * from lab_spec_summarize. */
static void
test_train_arch_chooser (void)
{
  g_autoptr(LabTrainSettings) settings = g_object_ref_sink (g_object_new (LAB_TYPE_TRAIN_SETTINGS, NULL));
  g_autoptr(LabArchChooser) chooser = g_object_ref_sink (g_object_new (LAB_TYPE_ARCH_CHOOSER,
                                                                       "settings", settings, NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) preset = NULL;
  g_autoptr(LabSpec) built = NULL;
  g_autoptr(LabSpecSummary) summary = NULL;
  guint n_changed = 0;
  gboolean classifier = TRUE;
  int loss = 0;

  g_signal_connect_swapped (chooser, "changed", G_CALLBACK (count_signal), &n_changed);
  g_assert_true (lab_arch_chooser_select_preset (chooser, "cae-tiny", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_changed, ==, 1);
  g_assert_cmpstr (lab_arch_chooser_get_chosen (chooser)->name, ==, "cae-tiny");
  preset = lab_presets_get ("cae-tiny", NULL);
  summary = lab_spec_summarize (preset);
  g_assert_cmpuint (lab_arch_chooser_get_summary_rows (chooser), ==, summary->rows->len);
  g_assert_cmpuint (lab_arch_chooser_get_summary_rows (chooser), >, 2);
  g_object_get (chooser, "classifier", &classifier, NULL);
  g_assert_false (classifier);

  /* Another loss in the form: the spec built carries it, and the chooser says so. */
  g_object_set (settings, "loss", (int) (preset->loss == LAB_LOSS_BCE ? LAB_LOSS_MSE : LAB_LOSS_BCE), NULL);
  g_assert_cmpuint (n_changed, ==, 2);
  built = lab_arch_chooser_build_spec (chooser);
  g_assert_cmpint (built->loss, ==, preset->loss == LAB_LOSS_BCE ? LAB_LOSS_MSE : LAB_LOSS_BCE);
  g_assert_cmpint (lab_arch_chooser_get_chosen (chooser)->loss, ==, preset->loss);
  g_clear_pointer (&built, lab_spec_free);

  /* A classifier: its own loss, whatever was chosen. */
  g_assert_true (lab_arch_chooser_select_preset (chooser, "cnn-baseline", NULL));
  g_object_get (chooser, "classifier", &classifier, NULL);
  g_object_get (settings, "loss", &loss, NULL);
  g_assert_true (classifier);
  g_assert_cmpint (loss, ==, LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH);
  built = lab_arch_chooser_build_spec (chooser);
  g_assert_cmpint (built->loss, ==, LAB_LOSS_SOFTMAX_CE);
  g_clear_pointer (&built, lab_spec_free);

  /* A preset with another loss shows as the preset with that loss chosen. */
  {
    g_autoptr(LabSpec) dae = lab_presets_get ("dae-keras32", NULL);
    LabLossKind other = dae->loss == LAB_LOSS_BCE ? LAB_LOSS_MSE : LAB_LOSS_BCE;

    dae->loss = other;
    lab_arch_chooser_show_spec (chooser, dae);
    g_assert_cmpstr (lab_arch_chooser_get_chosen (chooser)->name, ==, "dae-keras32");
    g_object_get (settings, "loss", &loss, NULL);
    g_object_get (chooser, "classifier", &classifier, NULL);
    g_assert_cmpint (loss, ==, other);
    g_assert_false (classifier);
  }

  /* Anything else is the custom entry, with its own name. */
  {
    g_autoptr(LabSpec) custom = lab_spec_copy (preset);

    g_free (custom->name);
    custom->name = g_strdup ("my-net");
    lab_arch_chooser_show_spec (chooser, custom);
    g_assert_cmpstr (lab_arch_chooser_get_chosen (chooser)->name, ==, "my-net");
    g_object_get (settings, "loss", &loss, NULL);
    g_assert_cmpint (loss, ==, LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH);
    g_assert_cmpuint (lab_arch_chooser_get_summary_rows (chooser), ==, summary->rows->len);
  }

  /* An unknown preset is refused and changes nothing. */
  g_assert_false (lab_arch_chooser_select_preset (chooser, "no-such-net", &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (lab_arch_chooser_get_chosen (chooser)->name, ==, "my-net");
}

int
main (int argc, char **argv)
{
  app = lab_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/train/page", test_train_page);
  ADD ("/train/live", test_train_live);
  ADD ("/train/save-open", test_train_save_open);
  ADD ("/train/bad-models", test_train_bad_models);
  ADD ("/train/diverges", test_train_diverges);
  ADD ("/train/close-while-training", test_train_close_while_training);
  ADD ("/train/command-line", test_train_command_line);
  ADD ("/train/start-stop-100", test_train_start_stop_100);
#undef ADD
  g_test_add_func ("/train/settings", test_train_settings);
  g_test_add_func ("/train/arch-chooser", test_train_arch_chooser);

  return lab_test_run ();
}
