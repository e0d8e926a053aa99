#include "lab-test-cli.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include <gio/gio.h>

/* Between fork and exec: only async-signal-safe calls. */
static void
limit_file_size (gpointer data)
{
  const guint64 *limit = data;
  struct rlimit r = { (rlim_t) *limit, (rlim_t) *limit };

  signal (SIGXFSZ, SIG_DFL);
  setrlimit (RLIMIT_FSIZE, &r);
}

int
lab_test_run_cli_limited (guint64             fsize_limit,
                          char              **out,
                          char              **err,
                          const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("LAB_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (fsize_limit > 0)
    g_subprocess_launcher_set_child_setup (launcher, limit_file_size, &fsize_limit, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (proc))
    g_error ("%s %s was killed by signal %d", cli, args[0], g_subprocess_get_term_sig (proc));
  return g_subprocess_get_exit_status (proc);
}

int
lab_test_run_cli (char       **out,
                  char       **err,
                  const char  *first,
                  ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return lab_test_run_cli_limited (0, out, err, (const char * const *) args->pdata);
}

typedef struct
{
  gboolean  done;
  gboolean  timed_out;
  char     *out;
  GError   *error;
} Ending;

static void
on_communicated (GObject      *proc,
                 GAsyncResult *result,
                 gpointer      data)
{
  Ending *e = data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (proc), result, &e->out, NULL, &e->error);
  e->done = TRUE;
}

static gboolean
on_limit (gpointer data)
{
  Ending *e = data;

  e->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

int
lab_test_interrupt_cli (const char          *ready,
                        guint                delay_ms,
                        char               **printed,
                        const char * const  *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) head = g_string_new (NULL);
  const char *cli = g_getenv ("LAB_CLI");
  Ending e = { 0 };
  guint limit;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  /* Unbuffered reads, so that nothing after ready is lost to
   * communicate below. */
  while (ready != NULL && strstr (head->str, ready) == NULL)
    {
      char c;
      gssize n = g_input_stream_read (g_subprocess_get_stdout_pipe (proc), &c, 1, NULL, &error);

      g_assert_no_error (error);
      if (n == 0)
        g_error ("%s %s ended before printing “%s”: %s", cli, args[0], ready, head->str);
      g_string_append_c (head, c);
    }
  g_usleep (delay_ms * (G_USEC_PER_SEC / 1000));
  g_subprocess_send_signal (proc, SIGINT);

  g_subprocess_communicate_utf8_async (proc, NULL, NULL, on_communicated, &e);
  limit = g_timeout_add_seconds (LAB_TEST_INTERRUPT_LIMIT_S, on_limit, &e);
  while (!e.done && !e.timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!e.done)
    {
      g_subprocess_force_exit (proc);
      g_error ("%s %s still ran %d s after SIGINT", cli, args[0], LAB_TEST_INTERRUPT_LIMIT_S);
    }
  g_source_remove (limit);
  g_assert_no_error (e.error);
  g_assert_true (g_subprocess_wait (proc, NULL, NULL));
  if (!g_subprocess_get_if_exited (proc))
    g_error ("%s %s was killed by signal %d", cli, args[0], g_subprocess_get_term_sig (proc));
  *printed = g_strconcat (head->str, e.out, NULL);
  g_free (e.out);
  return g_subprocess_get_exit_status (proc);
}
