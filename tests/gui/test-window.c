#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-window.h"

static void
test_window_opens (void)
{
  g_autoptr(LabApplication) app = lab_application_new ();
  LabWindow *window;

  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_application_activate (G_APPLICATION (app));
  window = LAB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/window/opens", test_window_opens);
  return g_test_run ();
}
