/* A running LatentLab scripted from outside, as README shows:
 * `gapplication action io.github.latentlab.LatentLab show-page "'denoise'"`.
 * Runs under dbus-run-session (a private session bus) and Xvfb: the test
 * program is the application, registered on that bus, and each
 * gapplication command is a child process whose D-Bus call the main loop
 * answers while the test waits. */

#include <string.h>

#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-data-page.h"
#include "lab-test-util.h"
#include "lab-window-private.h"

static LabApplication *app;

typedef struct
{
  GSubprocess *process;
  char        *output;
  gboolean     done;
  gboolean     ok;
} Command;

static void
command_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Command *command = data;
  g_autoptr(GError) error = NULL;

  command->ok = g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result,
                                                      &command->output, NULL, &error);
  g_assert_no_error (error);
  command->ok = command->ok && g_subprocess_get_if_exited (command->process)
                && g_subprocess_get_exit_status (command->process) == 0;
  command->done = TRUE;
}

static gboolean
command_finished (gpointer data)
{
  return ((Command *) data)->done;
}

/* Runs `PROGRAM ARGS...` (gapplication or gdbus) against this process;
 * returns its output. */
static char *
run (const char *program,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Command command = { 0 };
  va_list args;

  g_ptr_array_add (argv, (gpointer) program);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  command.process = g_subprocess_newv ((const char * const *) argv->pdata,
                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (command.process, NULL, NULL, command_done, &command);
  lab_test_spin_until (command_finished, &command, 30);
  if (!command.ok)
    g_test_message ("%s failed: %s", program, command.output);
  g_assert_true (command.ok);
  g_object_unref (command.process);
  return command.output;
}

typedef struct
{
  LabWindow  *window;
  const char *page;
} PageWait;

static gboolean
page_shown (gpointer data)
{
  PageWait *w = data;

  return g_strcmp0 (lab_window_get_visible_page (w->window), w->page) == 0;
}

static gboolean
data_loaded (gpointer data)
{
  LabDataPage *page = LAB_DATA_PAGE (lab_window_get_page (data, "data"));

  return !lab_data_page_is_loading (page) && lab_data_page_get_dataset (page) != NULL;
}

static void
test_scripting_gapplication (void)
{
  LabWindow *window;
  g_autofree char *list = NULL;
  g_autofree char *out = NULL;
  g_autofree char *gapplication = g_find_program_in_path ("gapplication");
  g_autofree char *gdbus = g_find_program_in_path ("gdbus");
  PageWait w;
  double level = 0;

  /* meson runs this under dbus-run-session; build-aux/setup installs
   * libglib2.0-bin for the two tools. Missing, they fail the test: a skip
   * would let the scripting path go unchecked in CI. */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    g_error ("no session bus: run this test under dbus-run-session, as meson does");
  if (gapplication == NULL || gdbus == NULL)
    g_error ("gapplication or gdbus is missing: install libglib2.0-bin (build-aux/setup does)");
  g_assert_true (g_application_get_is_registered (G_APPLICATION (app)));
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));

  window = lab_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  lab_test_spin_until (data_loaded, window, 30);

  /* What a script can call: the application's actions on the bus
   * (`gapplication list-actions` lists the .desktop file's instead). */
  list = run (gdbus, "call", "--session", "--dest", LAB_APP_ID, "--object-path", "/io/github/latentlab/LatentLab",
              "--method", "org.gtk.Actions.List", NULL);
  g_test_message ("org.gtk.Actions.List: %s", list);
  for (guint i = 0; i < 7; i++)
    {
      const char *name = (const char *[]) { "show-page", "train", "pause", "stop", "save-model",
                                            "open-model", "noise-level" }[i];
      g_autofree char *quoted = g_strdup_printf ("'%s'", name);

      g_assert_nonnull (strstr (list, quoted));
    }

  /* README's example, word for word. */
  out = run (gapplication, "action", LAB_APP_ID, "show-page", "'denoise'", NULL);
  w = (PageWait) { window, "denoise" };
  lab_test_spin_until (page_shown, &w, 10);

  /* A page's action through the window, with a parameter. */
  g_clear_pointer (&out, g_free);
  out = run (gapplication, "action", LAB_APP_ID, "noise-level", "0.25", NULL);
  lab_test_spin_for (0.2);
  g_object_get (lab_window_get_page (window, "denoise"), "noise-level", &level, NULL);
  g_assert_cmpfloat_with_epsilon (level, 0.25, 1e-9);

  g_clear_pointer (&out, g_free);
  out = run (gapplication, "action", LAB_APP_ID, "show-page", "'train'", NULL);
  w = (PageWait) { window, "train" };
  lab_test_spin_until (page_shown, &w, 10);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  app = lab_test_init (&argc, &argv);

  g_test_add_func ("/scripting/gapplication", test_scripting_gapplication);

  return lab_test_run ();
}
