/* The window in a translation (LANGUAGE, given by tests/gui/meson.build:
 * German and French) on a 1024 x 768 screen: with a model trained, every
 * page is shown in turn, normal and presentation mode, and each time the
 * window lays out and draws (the main loop comes back) and its minimum
 * width still fits the screen. A German page once wider than the window
 * made GTK lay the window out forever. */

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-latent-page-private.h"
#include "lab-test-models.h"
#include "lab-test-util.h"
#include "lab-window-private.h"

#define SCREEN_WIDTH  1024
#define SCREEN_HEIGHT 768

static LabApplication *app;

static const char *pages[] = { "data", "train", "denoise", "latent", "lessons", "classify", "inside" };

static gboolean
session_ready (gpointer data)
{
  return lab_session_is_ready (data);
}

static gboolean
latent_embedded (gpointer data)
{
  LabLatentPage *page = data;

  return !lab_latent_page_is_embedding (page) && lab_latent_page_get_embedding (page) != NULL;
}

static void
assert_pages_lay_out (LabWindow  *window,
                      const char *mode)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *shot = g_strdup_printf ("translated-%s-%s-%s.png", g_getenv ("LANGUAGE"), mode, pages[i]);
      int min_w;

      lab_window_set_visible_page (window, pages[i]);
      /* Each frame's layout returns: the stack's crossfade runs and ends. */
      lab_test_spin_for (0.3);
      lab_test_screenshot (GTK_WIDGET (window), shot, NULL, NULL);
      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
      g_test_message ("%s %s: window min width %d", mode, pages[i], min_w);
      g_assert_cmpint (min_w, <=, SCREEN_WIDTH);
      g_assert_cmpint (gdk_surface_get_width (surface), ==, SCREEN_WIDTH);
      g_assert_cmpint (gtk_widget_get_width (lab_window_get_page (window, pages[i])), >, 0);
    }
}

static void
test_translated (void)
{
  g_autoptr(LabWindow) window = g_object_ref (lab_window_new (app));
  LabSession *session = lab_window_get_session (window);
  LabLatentPage *latent = LAB_LATENT_PAGE (lab_window_get_page (window, "latent"));

  /* A translation, not English: the test means nothing otherwise. */
  g_assert_nonnull (g_getenv ("LANGUAGE"));
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Pan"), !=, "Pan");

  gtk_window_set_default_size (GTK_WINDOW (window), SCREEN_WIDTH, SCREEN_HEIGHT);
  gtk_window_present (GTK_WINDOW (window));
  lab_test_spin_until (session_ready, session, 30);
  lab_test_train_into_session (session, "cae-tiny");

  lab_window_set_visible_page (window, "latent");
  lab_test_spin_for (0.2);
  lab_test_spin_until (latent_embedded, latent, 60);

  assert_pages_lay_out (window, "normal");
  lab_window_set_presentation (window, TRUE);
  lab_test_spin_for (0.6);
  assert_pages_lay_out (window, "presentation");
  lab_window_set_presentation (window, FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  app = lab_test_init (&argc, &argv);
  g_test_add_func ("/fit-translated/1024x768", test_translated);
  return lab_test_run ();
}
