/* The Lessons page under Xvfb. LATENTLAB_DATA_DIR is an empty folder, so the
 * window shows the synthetic digits; lessons run on them with their images
 * and epochs capped through the page's max-images and max-epochs, into a
 * cache folder of this test alone. */

#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-lessons-page.h"
#include "lab-test-util.h"
#include "lab-window-private.h"

static LabApplication *app;
static char *cache_home;

typedef struct
{
  LabWindow        *window;
  LabLessonsPage   *page;
  LabLessonResults *results;
} Fixture;

static gboolean
session_ready (gpointer data)
{
  return lab_session_is_ready (lab_window_get_session (((Fixture *) data)->window));
}

static gboolean
results_shown (gpointer data)
{
  Fixture *f = data;

  return lab_lesson_results_get_dir (f->results) != NULL
         && lab_test_action_enabled (f->window, "run-lesson");
}

static gboolean
shown (gpointer data)
{
  return !lab_lessons_page_is_showing (((Fixture *) data)->page);
}

/* Changes a page state and waits until the worker has read the run to show. */
static void
change_and_wait (Fixture    *f,
                 const char *action,
                 const char *value)
{
  lab_test_change_state (f->window, action, g_variant_new_string (value));
  lab_test_spin_until (shown, f, 10);
}

static gboolean
run_enabled (gpointer data)
{
  return lab_test_action_enabled (((Fixture *) data)->window, "run-lesson");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->window = lab_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1024, 768);
  f->page = LAB_LESSONS_PAGE (lab_window_get_page (f->window, "lessons"));
  g_assert_nonnull (f->page);
  f->results = lab_lessons_page_get_results (f->page);
  g_object_set (f->page, "max-images", 150, "max-epochs", 1, NULL);
  gtk_window_present (GTK_WINDOW (f->window));
  lab_test_activate (f->window, "show-page", g_variant_new_string ("lessons"));
  lab_test_spin_until (session_ready, f, 30);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
}

static void
test_lessons_run (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *dir = NULL, *pdf = NULL;
  g_autoptr(GVariant) state = NULL;

  /* The first lesson is selected; choosing another goes through page.lesson. */
  state = lab_test_get_state (f->window, "lesson");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "architectures");
  change_and_wait (f, "lesson", "conv-vs-dense");
  /* Not run yet: nothing to open or reproduce. */
  g_assert_null (lab_lesson_results_get_dir (f->results));
  g_assert_false (lab_test_action_enabled (f->window, "open-report"));
  g_assert_false (lab_test_action_enabled (f->window, "cancel-lesson"));

  lab_test_activate (f->window, "run-lesson", NULL);
  g_assert_false (lab_test_action_enabled (f->window, "run-lesson"));
  g_assert_true (lab_test_action_enabled (f->window, "cancel-lesson"));
  lab_test_spin_until (results_shown, f, 240);

  /* The report's tables (results, settings) and figures (the ten test
   * images reconstructed, parameters against PSNR), from its folder. */
  dir = g_strdup (lab_lesson_results_get_dir (f->results));
  g_assert_true (g_str_has_prefix (dir, cache_home));
  g_assert_cmpuint (lab_lesson_results_get_n_tables (f->results), ==, 2);
  g_assert_cmpuint (lab_lesson_results_get_n_figures (f->results), ==, 2);
  g_assert_false (lab_lesson_results_get_stale (f->results));
  pdf = g_build_filename (dir, "report.pdf", NULL);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  g_assert_true (lab_test_action_enabled (f->window, "open-report"));
  g_assert_true (lab_test_action_enabled (f->window, "reproduce-lesson"));
  /* When it finished and how long it took here. */
  {
    GtkWidget *status = lab_test_find_descendant (GTK_WIDGET (f->results), GTK_TYPE_LABEL,
                                                  "lesson-status");
    const char *text = gtk_label_get_label (GTK_LABEL (status));

    g_test_message ("status: %s", text);
    g_assert_true (g_regex_match_simple ("^Finished .+ in [0-9]+:[0-9]{2} · quick setting · ",
                                         text, 0, 0));
  }
  /* Shown whole on a 1024 x 768 screen: the six-column results table
   * scrolls within its pane instead of asking for more than the pane has
   * (the pane then shrank below its minimum and cut every line at the
   * right). */
  {
    GtkWidget *pane = gtk_widget_get_parent (GTK_WIDGET (f->results));
    int min_w = 0;

    lab_test_spin_for (0.5);   /* the tables just made, laid out */
    g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), <=, 1024);
    gtk_widget_measure (pane, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
    g_test_message ("the lesson's pane: at least %d px of %d", min_w, gtk_widget_get_width (pane));
    g_assert_cmpint (min_w, <=, gtk_widget_get_width (pane));
    /* ... and at this size it fits: the table is shown whole. */
    {
      GtkWidget *table = lab_test_find_descendant (GTK_WIDGET (f->results), GTK_TYPE_GRID,
                                                   "lesson-table");
      int table_w = 0;

      g_assert_nonnull (table);
      gtk_widget_measure (table, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &table_w, NULL, NULL);
      g_test_message ("the results table: %d px, shown %d", table_w, gtk_widget_get_width (table));
      g_assert_cmpint (table_w, <=, gtk_widget_get_width (gtk_widget_get_parent (table)));
    }
  }
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "lessons-conv-vs-dense.png", 100, 200.0);

  /* Another lesson has not run; back again, the cached run is there at once. */
  change_and_wait (f, "lesson", "noise-levels");
  g_assert_null (lab_lesson_results_get_dir (f->results));
  lab_test_change_state (f->window, "lesson", g_variant_new_string ("conv-vs-dense"));
  /* The folder is read on a worker: until it is, the old run is not shown. */
  g_assert_null (lab_lesson_results_get_dir (f->results));
  lab_test_spin_until (shown, f, 10);
  g_assert_cmpstr (lab_lesson_results_get_dir (f->results), ==, dir);
  g_assert_cmpuint (lab_lesson_results_get_n_figures (f->results), ==, 2);

  /* Other settings: the same run, flagged as stale. */
  change_and_wait (f, "lesson-setting", "full");
  g_assert_cmpstr (lab_lesson_results_get_dir (f->results), ==, dir);
  g_assert_true (lab_lesson_results_get_stale (f->results));
  change_and_wait (f, "lesson-setting", "quick");
  g_assert_false (lab_lesson_results_get_stale (f->results));
}

static void
test_lessons_cancel (Fixture       *f,
                     gconstpointer  data)
{
  change_and_wait (f, "lesson", "noise-levels");
  g_assert_null (lab_lesson_results_get_dir (f->results));
  lab_test_activate (f->window, "run-lesson", NULL);
  lab_test_spin_for (0.5);
  lab_test_activate (f->window, "cancel-lesson", NULL);
  lab_test_spin_until (run_enabled, f, 30);
  /* Nothing was kept, and the window is as before. */
  g_assert_null (lab_lesson_results_get_dir (f->results));
  g_assert_false (lab_test_action_enabled (f->window, "cancel-lesson"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* Before GLib reads it: lessons cache into a folder of this test alone. */
  cache_home = g_dir_make_tmp ("latentlab-lessons-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  app = lab_test_init (&argc, &argv);
  g_test_add ("/lessons/run", Fixture, NULL, fixture_setup, test_lessons_run, fixture_teardown);
  g_test_add ("/lessons/cancel", Fixture, NULL, fixture_setup, test_lessons_cancel, fixture_teardown);
  status = lab_test_run ();
  lab_test_remove_tree (cache_home);
  g_free (cache_home);
  return status;
}
