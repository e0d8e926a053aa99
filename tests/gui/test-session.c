/* Saved sessions in the window under Xvfb: Save Session, then Open Session
 * in a new window gives the same model, the same reconstructions on the
 * Denoise page, the same map (points and zoom), the same gallery and the
 * same transfer-learning result on the Classify page, bit for bit, with
 * nothing trained or embedded again; a session whose dataset
 * is not on this computer opens with the rest and says which dataset it
 * needs, one whose dataset holds other images under the same name says
 * so; a window started when a last session was kept offers it in a bar; closing the window or quitting keeps the session for Restore Last
 * Session.
 * LATENTLAB_DATA_DIR is an empty folder, so the windows show the synthetic
 * digits (6,000 training, 1,000 test images). */

#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "lab-classify-page-private.h"
#include "lab-denoise-page-private.h"
#include "lab-latent-page-private.h"
#include "lab-session-file.h"
#include "lab-test-models.h"
#include "lab-test-util.h"
#include "lab-train-page-private.h"
#include "lab-train-record.h"
#include "lab-window-private.h"

static LabApplication *app;
static char *state_dir;
/* The demo the first test saves; the others open it (one training). */
static char *demo_path;

typedef struct
{
  LabWindow  *window;
  LabSession *session;
} Win;

static gboolean
win_ready (gpointer data)
{
  return lab_session_is_ready (((Win *) data)->session);
}

static void
win_open (Win *w)
{
  w->window = lab_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (w->window), 1280, 800);
  w->session = lab_window_get_session (w->window);
  gtk_window_present (GTK_WINDOW (w->window));
  lab_test_spin_until (win_ready, w, 30);
}

static gboolean
session_idle (gpointer data)
{
  return !lab_window_is_session_busy (((Win *) data)->window);
}

static gboolean
data_loaded (gpointer data)
{
  Win *w = data;

  return !lab_data_page_is_loading (lab_window_get_data_page (w->window)) && lab_session_is_ready (w->session);
}

static LabLatentPage *
latent_page (Win *w)
{
  return LAB_LATENT_PAGE (lab_window_get_page (w->window, "latent"));
}

static gboolean
embedded (gpointer data)
{
  LabLatentPage *page = latent_page (data);

  return !lab_latent_page_is_embedding (page) && lab_latent_page_get_embedding (page) != NULL;
}

static LabDenoiseGrid *
denoise_grid (Win *w)
{
  return lab_denoise_page_get_denoise_grid (LAB_DENOISE_PAGE (lab_window_get_page (w->window, "denoise")));
}

static gboolean
denoised (gpointer data)
{
  LabDenoiseGrid *grid = denoise_grid (data);

  return lab_denoise_grid_get_shown (grid, NULL) != NULL && !lab_denoise_grid_is_busy (grid);
}

typedef struct
{
  Win    *w;
  double  level;
} LevelWait;

static gboolean
denoised_at (gpointer data)
{
  LevelWait *lw = data;
  double level;

  return denoised (lw->w) && lab_denoise_grid_get_shown (denoise_grid (lw->w), &level) != NULL
         && fabs (level - lw->level) < 1e-6;
}

static const char *
denoise_title (Win  *w,
               guint row)
{
  return lab_image_grid_get_row_title (lab_recon_grid_get_grid (lab_denoise_grid_get_grid (denoise_grid (w))), row);
}

static gboolean
denoised_downsampled (gpointer data)
{
  return denoised (data) && g_str_has_prefix (denoise_title (data, 0), "Input, downsampled");
}

static void
assert_denoise_titles (Win        *w,
                       const char *noisy,
                       const char *denoised_title)
{
  g_assert_cmpstr (denoise_title (w, 0), ==, noisy);
  g_assert_cmpstr (denoise_title (w, 1), ==, denoised_title);
  g_assert_cmpstr (denoise_title (w, 2), ==, "Clean");
}

static gboolean
gallery_idle (gpointer data)
{
  return !lab_gallery_panel_is_searching (lab_latent_page_get_gallery_panel (latent_page (data)));
}

/* What the test compares after reopening. */
typedef struct
{
  float  *params;
  gsize   n_params;
  float  *points;
  guint   n_points;
  double  view[4];
  guint8 *gallery;        /* 28 x 28 */
  guint   n_test;
  guint   indices[LAB_DENOISE_IMAGES];
  float  *output;         /* the shown reconstructions, n_test x 784 */
  double  level;
  /* The transfer panel: its status line, the curve's points (3 ways x 2
   * budgets, x and y) and the last budget's two matrices shown (10 x 10). */
  char   *transfer_status;
  double  transfer_curve[3][2][2];
  guint   transfer_confusion[2][100];
} Shown;

static void
shown_clear (Shown *s)
{
  g_free (s->params);
  g_free (s->points);
  g_free (s->gallery);
  g_free (s->output);
  g_free (s->transfer_status);
}

static LabTransferPanel *
transfer_panel (Win *w)
{
  return lab_classify_page_get_transfer (LAB_CLASSIFY_PAGE (lab_window_get_page (w->window, "classify")));
}

static void
record_shown (Win   *w,
              Shown *s)
{
  LabModel *model = lab_session_get_model (w->session);
  const LabEmbedding *emb = lab_latent_page_get_embedding (latent_page (w));
  LabScatterPlot *plot = lab_scatter_view_get_plot (lab_latent_map_get_scatter (lab_latent_page_get_map (latent_page (w))));
  LabGallery *gallery = lab_gallery_panel_get_gallery (lab_latent_page_get_gallery_panel (latent_page (w)));
  const LabReconBatch *batch;

  s->n_params = lab_model_n_params (model);
  s->params = g_memdup2 (lab_model_params (model), s->n_params * sizeof (float));
  s->n_points = emb->n;
  s->points = g_memdup2 (emb->points, (gsize) emb->n * 2 * sizeof (float));
  lab_scatter_plot_get_view (plot, &s->view[0], &s->view[1], &s->view[2], &s->view[3]);
  g_assert_cmpuint (lab_gallery_get_n (gallery), ==, 1);
  s->gallery = g_memdup2 (lab_gallery_get_item (gallery, 0)->pixels, 28 * 28);
  lab_test_spin_until (denoised, w, 30);
  batch = lab_denoise_grid_get_shown (denoise_grid (w), &s->level);
  s->n_test = batch->n;
  memcpy (s->indices, batch->indices, batch->n * sizeof (guint));
  s->output = g_memdup2 (batch->output, (gsize) batch->n * 28 * 28 * sizeof (float));

  {
    LabTransferPanel *panel = transfer_panel (w);
    const LabTransferResult *r = lab_transfer_panel_get_result (panel);
    LabLinePlot *curve = lab_plot_view_get_plot (lab_transfer_panel_get_curve (panel));

    g_assert_nonnull (r);
    g_assert_false (lab_transfer_panel_is_running (panel));
    g_assert_cmpuint (r->n_budgets, ==, 2);
    g_assert_cmpuint (r->n_classes, ==, 10);
    s->transfer_status = g_strdup (lab_transfer_panel_get_status (panel));
    for (guint way = 0; way < 3; way++)
      {
        g_assert_cmpuint (lab_line_plot_get_n_points (curve, way), ==, 2);
        for (guint i = 0; i < 2; i++)
          g_assert_true (lab_line_plot_get_point (curve, way, i, &s->transfer_curve[way][i][0],
                                                  &s->transfer_curve[way][i][1]));
      }
    memcpy (s->transfer_confusion[0], r->budgets[1].confusion[LAB_TRANSFER_BASELINE], sizeof s->transfer_confusion[0]);
    memcpy (s->transfer_confusion[1], r->budgets[1].confusion[LAB_TRANSFER_FINETUNED], sizeof s->transfer_confusion[1]);
  }
}

/* A small transfer-learning run (two budgets, two seeds) on the window's
 * digits, shown as the panel shows a finished run. */
static void
run_transfer (Win *w)
{
  g_autoptr(GError) error = NULL;
  LabTransferResult *r;
  LabTransferConfig c;

  lab_test_transfer_config_tiny (&c);
  r = lab_transfer_run (lab_session_get_train_dataset (w->session), lab_session_get_test_dataset (w->session),
                        &c, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  lab_transfer_panel_set_result (transfer_panel (w), r);
  g_assert_true (lab_transfer_panel_get_result (transfer_panel (w)) == r);
  g_assert_true (g_str_has_prefix (lab_transfer_panel_get_status (transfer_panel (w)), "Done in"));
}

/* A trained model with a training record (two epochs of curves), a PCA
 * map of 300 test images zoomed in, one kept image, other test images on
 * the Denoise page at another noise level, a transfer-learning result on
 * the Classify page; then saved to path. */
static void
prepare_demo (Win        *w,
              const char *path,
              Shown      *s)
{
  LabLatentPage *page;
  LabScatterPlot *plot;
  g_autoptr(LabTrainRecord) record = NULL;
  g_autofree char *json = NULL;
  g_autofree float *image = g_new0 (float, 28 * 28);
  const LabEmbedding *emb;
  LabDecodedSample sample = { 0 };
  LabGallerySource source = { "cae-tiny", "pca", 0, 0, 0 };
  double losses[2] = { 0.25, 0.125 };

  lab_test_train_into_session (w->session, "cae-tiny");
  record = lab_train_record_new (lab_session_get_train_config (w->session), "synthetic");
  record->train_loss = g_array_new (FALSE, FALSE, sizeof (double));
  record->val_loss = g_array_new (FALSE, FALSE, sizeof (double));
  record->epoch_seconds = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_append_vals (record->train_loss, losses, 2);
  g_array_append_vals (record->val_loss, losses, 2);
  g_array_append_vals (record->epoch_seconds, losses, 2);
  json = lab_train_record_to_json (record);
  lab_session_set_train_json (w->session, json);

  page = latent_page (w);
  lab_window_set_visible_page (w->window, "latent");
  lab_latent_page_embed (page, LAB_EMBED_PCA, 300);
  lab_test_spin_until (embedded, w, 60);
  emb = lab_latent_page_get_embedding (page);
  g_assert_cmpuint (emb->n, ==, 300);
  plot = lab_scatter_view_get_plot (lab_latent_map_get_scatter (lab_latent_page_get_map (page)));
  lab_scatter_plot_set_view (plot, emb->points[0] - 1, emb->points[0] + 1.5,
                             emb->points[1] - 0.75, emb->points[1] + 1);

  for (guint i = 0; i < 28 * 28; i++)
    image[i] = (i % 29) / 28.0f;
  sample.latent = emb->latents;
  sample.dim = emb->dim;
  sample.image = image;
  sample.height = sample.width = 28;
  sample.method = "pca";
  lab_gallery_panel_keep (lab_latent_page_get_gallery_panel (page), &sample, 3, &source,
                          lab_session_get_train_dataset (w->session));
  lab_test_spin_until (gallery_idle, w, 30);

  run_transfer (w);
  lab_test_activate (w->window, "reshuffle", NULL);
  g_object_set (lab_window_get_page (w->window, "denoise"), "noise-level", 0.35, NULL);
  g_object_set (lab_window_get_page (w->window, "inside"), "image", 42, NULL);
  lab_test_spin_until (denoised, w, 30);
  record_shown (w, s);
  g_assert_cmpfloat (s->level, ==, 0.35);

  lab_test_activate (w->window, "save-session-to", g_variant_new_string (path));
  lab_test_spin_until (session_idle, w, 30);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (strstr (lab_window_get_error_text (w->window), "Saved the session to"));
}

static void
assert_same_shown (Win   *w,
                   Shown *s)
{
  Shown again = { 0 };

  record_shown (w, &again);
  g_assert_cmpmem (again.params, again.n_params * 4, s->params, s->n_params * 4);
  g_assert_cmpmem (again.points, again.n_points * 8, s->points, s->n_points * 8);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat (again.view[i], ==, s->view[i]);
  g_assert_cmpmem (again.gallery, 28 * 28, s->gallery, 28 * 28);
  g_assert_cmpfloat (again.level, ==, s->level);
  g_assert_cmpmem (again.indices, again.n_test * sizeof (guint), s->indices, s->n_test * sizeof (guint));
  g_assert_cmpmem (again.output, (gsize) again.n_test * 28 * 28 * 4, s->output, (gsize) s->n_test * 28 * 28 * 4);
  g_assert_cmpstr (again.transfer_status, ==, s->transfer_status);
  g_assert_cmpmem (again.transfer_curve, sizeof again.transfer_curve, s->transfer_curve, sizeof s->transfer_curve);
  g_assert_cmpmem (again.transfer_confusion, sizeof again.transfer_confusion, s->transfer_confusion,
                   sizeof s->transfer_confusion);
  shown_clear (&again);
}

static void
test_session_reopen (void)
{
  const char *path = demo_path;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LabLinePlot *curves;
  Win a = { 0 }, b = { 0 };
  Shown s = { 0 };

  win_open (&a);
  prepare_demo (&a, path, &s);
  gtk_window_destroy (GTK_WINDOW (a.window));

  /* A new window, showing the other split, opens it as a file given on
   * the command line is: the Data page loads the session's split first. */
  win_open (&b);
  lab_data_page_load (lab_window_get_data_page (b.window), "synthetic", LAB_SPLIT_TEST);
  lab_test_spin_until (data_loaded, &b, 30);
  g_assert_cmpint (lab_data_page_get_split (lab_window_get_data_page (b.window)), ==, LAB_SPLIT_TEST);
  lab_window_open_file (b.window, file);
  lab_test_spin_until (session_idle, &b, 60);
  g_assert_cmpint (lab_data_page_get_split (lab_window_get_data_page (b.window)), ==, LAB_SPLIT_TRAIN);
  g_assert_false (lab_latent_page_is_embedding (latent_page (&b)));
  g_assert_cmpstr (lab_window_get_visible_page (b.window), ==, "latent");
  g_assert_cmpstr (lab_model_get_name (lab_session_get_model (b.session)), ==, "cae-tiny");
  /* The same digits: their hash matched, and the banner says nothing of it. */
  g_assert_null (strstr (lab_window_get_error_text (b.window) ? lab_window_get_error_text (b.window) : "",
                         "differs"));
  assert_same_shown (&b, &s);
  /* The Inside page's test image. */
  {
    int image = -1;

    g_object_get (lab_window_get_page (b.window, "inside"), "image", &image, NULL);
    g_assert_cmpint (image, ==, 42);
  }
  /* The loss curves of the training record. */
  curves = lab_plot_view_get_plot (lab_train_page_get_loss_plot (LAB_TRAIN_PAGE (lab_window_get_page (b.window, "train"))));
  g_assert_cmpuint (lab_line_plot_get_n_points (curves, 0), ==, 2);
  lab_test_spin_for (0.3);
  lab_test_assert_screenshot (GTK_WIDGET (b.window), "screenshot-session-reopened.png", 16, 50.0);

  /* The Denoise page too, as the class sees it: its rows say the noise
   * and factor their images have, the model line what it was trained with. */
  lab_window_set_visible_page (b.window, "denoise");
  lab_test_spin_until (denoised, &b, 30);
  assert_denoise_titles (&b, "Noisy input: Gaussian, noise factor 0.35  (PSNR)", "Denoised  (PSNR, MSE)");
  g_assert_cmpstr (lab_denoise_page_get_model_text (LAB_DENOISE_PAGE (lab_window_get_page (b.window, "denoise"))),
                   ==, "cae-tiny  ·  trained without noise");
  lab_test_spin_for (0.8);   /* the pages' cross-fade */
  lab_test_assert_screenshot (GTK_WIDGET (b.window), "screenshot-session-denoise.png", 16, 50.0);

  /* And the transfer panel, shown as it was (the status line above said
   * the same), with nothing running. */
  lab_window_set_visible_page (b.window, "classify");
  gtk_stack_set_visible_child_name (lab_classify_page_get_stack (LAB_CLASSIFY_PAGE (lab_window_get_page (b.window, "classify"))),
                                    "transfer");
  g_assert_false (lab_transfer_panel_is_running (transfer_panel (&b)));
  lab_test_spin_for (0.8);
  lab_test_assert_screenshot (GTK_WIDGET (b.window), "screenshot-session-transfer.png", 16, 50.0);

  /* Another type and factor, none, and downsampling: the titles follow
   * the images shown. */
  g_object_set (lab_window_get_page (b.window, "denoise"), "noise-type", "salt-pepper", "noise-level", 0.1, NULL);
  lab_test_spin_until (denoised_at, &(LevelWait) { &b, 0.1 }, 30);
  assert_denoise_titles (&b, "Noisy input: Salt & pepper, noise factor 0.10  (PSNR)", "Denoised  (PSNR, MSE)");
  g_object_set (lab_window_get_page (b.window, "denoise"), "noise-level", 0.0, NULL);
  lab_test_spin_until (denoised_at, &(LevelWait) { &b, 0.0 }, 30);
  assert_denoise_titles (&b, "Input, without noise", "Output  (PSNR, MSE)");
  g_object_set (lab_window_get_page (b.window, "denoise"), "noise-type", "downsample", NULL);
  lab_test_spin_until (denoised_downsampled, &b, 30);
  assert_denoise_titles (&b, "Input, downsampled 2×2  (PSNR)", "Denoised  (PSNR, MSE)");
  gtk_window_destroy (GTK_WINDOW (b.window));
  shown_clear (&s);
}

/* The demo of test_session_reopen, for a test run alone (-p). */
static void
ensure_demo (void)
{
  Win a = { 0 };
  Shown s = { 0 };

  if (g_file_test (demo_path, G_FILE_TEST_IS_REGULAR))
    return;
  win_open (&a);
  prepare_demo (&a, demo_path, &s);
  gtk_window_destroy (GTK_WINDOW (a.window));
  shown_clear (&s);
}

/* Made on another computer: the dataset's folder is not here. */
static void
test_session_missing_dataset (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (demo_path);
  g_autofree char *away = g_build_filename (dir, "away.latentlab", NULL);
  g_autoptr(LabSessionFile) loaded = NULL;
  g_autofree float *points = NULL;
  Win b = { 0 };
  const LabEmbedding *emb;
  guint n_points;

  ensure_demo ();
  loaded = lab_session_file_load (demo_path, &error);
  g_assert_no_error (error);
  n_points = loaded->map->n;
  points = g_memdup2 (loaded->map->points, n_points * 8);
  g_free (loaded->dataset.spec);
  loaded->dataset.spec = g_strdup ("/nowhere/class-digits");
  g_assert_true (lab_session_file_save (loaded, away, &error));
  g_assert_no_error (error);

  win_open (&b);
  lab_test_activate (b.window, "open-session-file", g_variant_new_string (away));
  lab_test_spin_until (session_idle, &b, 60);
  g_test_message ("%s", lab_window_get_error_text (b.window));
  g_assert_true (lab_window_is_error_shown (b.window));
  g_assert_nonnull (strstr (lab_window_get_error_text (b.window), "/nowhere/class-digits"));
  /* The rest is there: the model, its map with its own images, the gallery. */
  g_assert_cmpstr (lab_model_get_name (lab_session_get_model (b.session)), ==, "cae-tiny");
  emb = lab_latent_page_get_embedding (latent_page (&b));
  g_assert_nonnull (emb);
  g_assert_cmpmem (emb->points, emb->n * 8, points, n_points * 8);
  g_assert_cmpuint (lab_gallery_get_n (lab_gallery_panel_get_gallery (lab_latent_page_get_gallery_panel (latent_page (&b)))), ==, 1);
  lab_test_assert_screenshot (GTK_WIDGET (b.window), "screenshot-session-missing-dataset.png", 16, 50.0);
  gtk_window_destroy (GTK_WINDOW (b.window));
  g_unlink (away);
}

/* The same dataset's name and size, but other images: the session opens,
 * and the banner says the content differs once the hash is compared. */
static void
test_session_other_content (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (demo_path);
  g_autofree char *other = g_build_filename (dir, "other-content.latentlab", NULL);
  g_autoptr(LabSessionFile) loaded = NULL;
  const char *text;
  Win b = { 0 };

  ensure_demo ();
  loaded = lab_session_file_load (demo_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->dataset.spec, ==, "synthetic");
  g_assert_cmpuint (strlen (loaded->dataset.sha256), ==, 64);
  /* As if the digits had been drawn with another seed. */
  g_free (loaded->dataset.sha256);
  loaded->dataset.sha256 = g_strdup ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  g_assert_true (lab_session_file_save (loaded, other, &error));
  g_assert_no_error (error);

  win_open (&b);
  lab_test_activate (b.window, "open-session-file", g_variant_new_string (other));
  lab_test_spin_until (session_idle, &b, 60);
  text = lab_window_get_error_text (b.window);
  g_test_message ("%s", text);
  g_assert_true (lab_window_is_error_shown (b.window));
  g_assert_true (g_str_has_prefix (text, "The content of Synthetic digits"));
  g_assert_nonnull (strstr (text, "differs from the one the session was saved with"));
  g_assert_nonnull (strstr (text, "0123456789ab… in the session"));
  /* It opened all the same. */
  g_assert_cmpstr (lab_model_get_name (lab_session_get_model (b.session)), ==, "cae-tiny");
  g_assert_nonnull (lab_latent_page_get_embedding (latent_page (&b)));
  lab_test_spin_for (0.8);   /* the pages' cross-fade */
  lab_test_assert_screenshot (GTK_WIDGET (b.window), "screenshot-session-other-content.png", 16, 50.0);
  gtk_window_destroy (GTK_WINDOW (b.window));
  g_unlink (other);
}

static gboolean
autosaved (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_IS_REGULAR);
}

/* Closing the window keeps the session; Restore Last Session brings it back. */
static void
test_session_autosave (void)
{
  g_autofree char *last = lab_window_autosave_path ();
  Win a = { 0 }, b = { 0 };
  g_autofree float *params = NULL;
  gsize n;

  g_assert_true (g_str_has_prefix (last, state_dir));
  g_unlink (last);
  ensure_demo ();
  win_open (&a);
  lab_test_activate (a.window, "open-session-file", g_variant_new_string (demo_path));
  lab_test_spin_until (session_idle, &a, 60);
  n = lab_model_n_params (lab_session_get_model (a.session));
  params = g_memdup2 (lab_model_params (lab_session_get_model (a.session)), n * 4);
  g_object_ref (a.window);
  gtk_window_close (GTK_WINDOW (a.window));
  lab_test_spin_until (autosaved, last, 30);
  g_object_unref (a.window);

  win_open (&b);
  g_assert_null (lab_session_get_model (b.session));
  lab_test_activate (b.window, "restore-session", NULL);
  lab_test_spin_until (session_idle, &b, 60);
  g_assert_nonnull (lab_session_get_model (b.session));
  g_assert_cmpmem (lab_model_params (lab_session_get_model (b.session)), n * 4, params, n * 4);

  /* Quitting (Ctrl+Q) writes it before the application ends (which it does
   * not here: the tests' application is not running). */
  g_unlink (last);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_true (g_file_test (last, G_FILE_TEST_IS_REGULAR));
  /* So does a signal to end: the terminal closed, a logout. */
  g_unlink (last);
  g_assert_cmpint (kill (getpid (), SIGTERM), ==, 0);
  lab_test_spin_until (autosaved, last, 30);
  gtk_window_destroy (GTK_WINDOW (b.window));
  g_unlink (last);
}

/* The first button under widget whose action is action_name, or NULL. */
static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action_name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child)
          && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action_name) == 0)
        return child;
      if ((found = find_action_button (child, action_name)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
restore_bar_settled (gpointer data)
{
  GtkWidget *bar = gtk_widget_get_parent (data);

  while (bar != NULL && !GTK_IS_REVEALER (bar))
    bar = gtk_widget_get_parent (bar);
  return bar != NULL && gtk_revealer_get_child_revealed (GTK_REVEALER (bar))
         == gtk_revealer_get_reveal_child (GTK_REVEALER (bar));
}

/* At start, a window offers the kept last session in a bar above the
 * pages when there is one, and not when there is none; its Restore button
 * opens it, and its close button (or opening anything) puts it away. */
static void
test_session_restore_bar (void)
{
  g_autofree char *last = lab_window_autosave_path ();
  g_autofree char *dir = g_path_get_dirname (last);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(LabSessionFile) kept = NULL;
  GtkWidget *restore;
  const char *label;
  gsize len;
  Win a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };

  ensure_demo ();
  g_unlink (last);
  win_open (&a);
  g_assert_false (lab_window_is_restore_offered (a.window));
  restore = find_action_button (GTK_WIDGET (a.window), "win.restore-session");
  g_assert_nonnull (restore);
  g_assert_false (gtk_widget_is_drawable (restore));
  gtk_window_destroy (GTK_WINDOW (a.window));

  /* A session kept when a window closed. */
  g_assert_true (g_file_get_contents (demo_path, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (last, contents, len, &error));
  g_assert_no_error (error);
  kept = lab_session_file_load (last, &error);
  g_assert_no_error (error);

  win_open (&b);
  g_assert_true (lab_window_is_restore_offered (b.window));
  restore = find_action_button (GTK_WIDGET (b.window), "win.restore-session");
  lab_test_spin_until (restore_bar_settled, restore, 10);
  g_assert_true (gtk_widget_is_drawable (restore));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (restore)), ==, "_Restore");
  label = gtk_label_get_text (GTK_LABEL (gtk_widget_get_prev_sibling (restore)));
  g_test_message ("%s", label);
  g_assert_true (g_str_has_prefix (label, "The last session, kept when a window closed ("));
  g_assert_true (g_str_has_suffix (label, "), can be opened again"));
  g_assert_null (lab_session_get_model (b.session));
  lab_test_assert_screenshot (GTK_WIDGET (b.window), "screenshot-session-restore-bar.png", 16, 50.0);

  /* Restore, as a click does. */
  g_signal_emit_by_name (restore, "clicked");
  g_assert_false (lab_window_is_restore_offered (b.window));
  lab_test_spin_until (session_idle, &b, 60);
  g_assert_nonnull (lab_session_get_model (b.session));
  g_assert_cmpmem (lab_model_params (lab_session_get_model (b.session)), lab_model_n_params (kept->model) * 4,
                   lab_model_params (kept->model), lab_model_n_params (kept->model) * 4);
  g_assert_cmpstr (lab_window_get_visible_page (b.window), ==, kept->page);
  gtk_window_destroy (GTK_WINDOW (b.window));

  /* Dismissed, it goes and the window stays as it started. */
  win_open (&c);
  g_assert_true (lab_window_is_restore_offered (c.window));
  g_signal_emit_by_name (find_action_button (GTK_WIDGET (c.window), "win.dismiss-restore"), "clicked");
  g_assert_false (lab_window_is_restore_offered (c.window));
  g_assert_null (lab_session_get_model (c.session));
  gtk_window_destroy (GTK_WINDOW (c.window));

  /* So does presentation mode: the bar would take a line of the
   * projector's height. */
  win_open (&c);
  g_assert_true (lab_window_is_restore_offered (c.window));
  lab_window_set_presentation (c.window, TRUE);
  g_assert_false (lab_window_is_restore_offered (c.window));
  lab_window_set_presentation (c.window, FALSE);
  gtk_window_destroy (GTK_WINDOW (c.window));

  /* Opening another session puts it away too. */
  win_open (&d);
  g_assert_true (lab_window_is_restore_offered (d.window));
  lab_test_activate (d.window, "open-session-file", g_variant_new_string (demo_path));
  g_assert_false (lab_window_is_restore_offered (d.window));
  lab_test_spin_until (session_idle, &d, 60);
  gtk_window_destroy (GTK_WINDOW (d.window));
  g_unlink (last);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* Before GLib reads it: the autosave goes to a folder of the test's own. */
  state_dir = g_dir_make_tmp ("latentlab-state-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_STATE_HOME", state_dir, TRUE);
  demo_path = g_build_filename (state_dir, "demo.latentlab", NULL);
  app = lab_test_init (&argc, &argv);
  g_test_add_func ("/session/reopen", test_session_reopen);
  g_test_add_func ("/session/missing-dataset", test_session_missing_dataset);
  g_test_add_func ("/session/other-content", test_session_other_content);
  g_test_add_func ("/session/autosave", test_session_autosave);
  g_test_add_func ("/session/restore-bar", test_session_restore_bar);
  status = lab_test_run ();
  lab_test_remove_tree (state_dir);
  g_free (demo_path);
  g_free (state_dir);
  return status;
}
