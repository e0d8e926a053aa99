/* The README's and the AppStream metainfo's screenshots, from a model the
 * user trained on MNIST (not the tests' small synthetic-digit models):
 *
 *   build-aux/screenshots MODEL.safetensors [OUTDIR]
 *
 * opens the window at 1280 x 800 on MNIST with MODEL, and saves the Train,
 * Denoise, Latent (a t-SNE map of 5,000 test images with a point decoded),
 * Inside, Classify (the RBF SVM on the model's latents) and Lessons (the
 * noise-levels lesson's quick run, from the cache or run here: about three
 * minutes) pages as OUTDIR/screenshot-<page>.png. Not a test: it needs MNIST
 * and a well-trained model, which the test suite does not have. */

#include <stdio.h>

#include <gtk/gtk.h>

#include "lab-classify-page-private.h"
#include "lab-classify-run.h"
#include "lab-denoise-page-private.h"
#include "lab-latent-page-private.h"
#include "lab-lesson-results.h"
#include "lab-lessons-page.h"
#include "lab-sweep-plot.h"
#include "lab-test-util.h"
#include "lab-window-private.h"

#define MAP_POINTS 5000

static LabWindow *window;

static gboolean
session_ready (gpointer data)
{
  return lab_session_is_ready (lab_window_get_session (window));
}

static gboolean
model_loaded (gpointer data)
{
  return lab_session_get_model (lab_window_get_session (window)) != NULL;
}

typedef struct
{
  LabDenoisePage *page;
  guint           before;
} Passes;

static gboolean
passes_grew (gpointer data)
{
  Passes *p = data;

  return lab_denoise_grid_get_n_passes (lab_denoise_page_get_denoise_grid (p->page)) > p->before;
}

static gboolean
sweep_done (gpointer data)
{
  return !lab_sweep_plot_is_running (data);
}

static gboolean
embedded (gpointer data)
{
  LabLatentPage *page = data;

  return !lab_latent_page_is_embedding (page) && lab_latent_page_get_embedding (page) != NULL;
}

static gboolean
classified (gpointer data)
{
  return !lab_classify_run_is_running (data);
}

static gboolean
lesson_shown (gpointer data)
{
  LabLessonsPage *page = data;

  return !lab_lessons_page_is_showing (page)
         && lab_lesson_results_get_dir (lab_lessons_page_get_results (page)) != NULL
         && lab_test_action_enabled (window, "run-lesson");
}

static gboolean
lesson_idle (gpointer data)
{
  return !lab_lessons_page_is_showing (data) && lab_test_action_enabled (window, "run-lesson");
}

static void
save (const char *outdir,
      const char *page)
{
  g_autofree char *name = g_strdup_printf ("screenshot-%s.png", page);
  g_autofree char *path = NULL;
  guint n_colors;
  double variance;

  lab_window_set_visible_page (window, page);
  lab_test_spin_for (1.5);
  path = lab_test_screenshot_to (GTK_WIDGET (window), outdir, name, &n_colors, &variance);
  printf ("%s: %u colours\n", path, n_colors);
}

int
main (int argc, char **argv)
{
  LabApplication *app = lab_test_init (&argc, &argv);
  g_autoptr(GFile) model = NULL;
  const char *outdir;
  LabDenoisePage *denoise;
  LabLatentPage *latent;
  const LabEmbedding *emb;
  Passes passes;

  if (argc < 2)
    {
      fprintf (stderr, "usage: make-screenshots MODEL.safetensors [OUTDIR]\n");
      return 2;
    }
  outdir = argc > 2 ? argv[2] : ".";
  model = g_file_new_for_commandline_arg (argv[1]);

  window = lab_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  lab_window_load_dataset (window, "mnist");
  lab_test_spin_until (session_ready, NULL, 120);
  lab_window_open_file (window, model);
  lab_test_spin_until (model_loaded, NULL, 60);
  lab_test_spin_until (session_ready, NULL, 120);

  save (outdir, "train");

  denoise = LAB_DENOISE_PAGE (lab_window_get_page (window, "denoise"));
  lab_window_set_visible_page (window, "denoise");
  lab_test_spin_for (1.0);
  passes.page = denoise;
  passes.before = lab_denoise_grid_get_n_passes (lab_denoise_page_get_denoise_grid (denoise));
  gtk_range_set_value (lab_denoise_page_get_noise_scale (denoise), 0.49);
  gtk_range_set_value (lab_denoise_page_get_noise_scale (denoise), 0.5);
  lab_test_spin_until (passes_grew, &passes, 60);
  lab_test_spin_for (0.5);
  lab_test_spin_until (sweep_done, lab_denoise_page_get_sweep_plot (denoise), 300);
  save (outdir, "denoise");

  latent = LAB_LATENT_PAGE (lab_window_get_page (window, "latent"));
  lab_window_set_visible_page (window, "latent");
  lab_test_spin_for (0.5);
  if (lab_latent_page_is_embedding (latent))
    lab_test_spin_until (embedded, latent, 300);
  lab_latent_page_embed (latent, LAB_EMBED_TSNE, MAP_POINTS);
  lab_test_spin_until (embedded, latent, 600);
  emb = lab_latent_page_get_embedding (latent);
  /* Decode the point of a "2" near the middle of its cluster. */
  for (guint i = 0; i < emb->n; i++)
    if (emb->labels != NULL && emb->labels[i] == 2)
      {
        lab_latent_page_decode_at (latent, emb->points[2 * i], emb->points[2 * i + 1], (int) i);
        break;
      }
  save (outdir, "latent");

  save (outdir, "inside");

  {
    LabClassifyPage *classify = LAB_CLASSIFY_PAGE (lab_window_get_page (window, "classify"));
    LabClassifyRun *run = lab_classify_page_get_run (classify);

    lab_window_set_visible_page (window, "classify");
    lab_test_spin_for (0.5);
    lab_test_activate (window, "run-classifier", NULL);
    lab_test_spin_until (classified, run, 600);
    save (outdir, "classify");
  }

  {
    LabLessonsPage *lessons = LAB_LESSONS_PAGE (lab_window_get_page (window, "lessons"));

    lab_window_set_visible_page (window, "lessons");
    lab_test_change_state (window, "lesson", g_variant_new_string ("noise-levels"));
    lab_test_spin_until (lesson_idle, lessons, 30);
    if (lab_lesson_results_get_dir (lab_lessons_page_get_results (lessons)) == NULL)
      lab_test_activate (window, "run-lesson", NULL);
    lab_test_spin_until (lesson_shown, lessons, 1200);
    save (outdir, "lessons");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
