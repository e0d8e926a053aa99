#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"

#include <signal.h>

#include <glib-unix.h>

#include "lab-error.h"

/* GLib's Unix signal source does the part a signal handler may do (set a
 * flag, wake a poll); its callback, which cancels, runs on a thread of its
 * own, since the computation holds the main thread. Cancelling a
 * GCancellable in the signal handler itself could deadlock on the lock
 * the interrupted thread holds. */
struct _LabCliInterrupt
{
  GCancellable *cancellable;
  GMainContext *context;
  GMainLoop    *loop;
  GSource      *sigint;
  GThread      *thread;
};

static gboolean
on_sigint (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gpointer
dispatch (gpointer data)
{
  LabCliInterrupt *self = data;

  g_main_context_push_thread_default (self->context);
  g_main_loop_run (self->loop);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

LabCliInterrupt *
lab_cli_interrupt_begin (void)
{
  LabCliInterrupt *self = g_new0 (LabCliInterrupt, 1);

  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->sigint = g_unix_signal_source_new (SIGINT);
  g_source_set_callback (self->sigint, on_sigint, self->cancellable, NULL);
  g_source_attach (self->sigint, self->context);
  self->thread = g_thread_new ("ctrl-c", dispatch, self);
  return self;
}

GCancellable *
lab_cli_interrupt_get_cancellable (LabCliInterrupt *self)
{
  return self->cancellable;
}

int
lab_cli_interrupt_fail (LabCliInterrupt *self,
                        const char      *command,
                        GError          *error)
{
  if (g_cancellable_is_cancelled (self->cancellable)
      && (g_error_matches (error, LAB_ERROR, LAB_ERROR_CANCELLED)
          || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    {
      g_printerr ("latentlab-cli %s: cancelled (Ctrl+C); nothing written\n", command);
      return 130;
    }
  return lab_cli_fail (command, error);
}

void
lab_cli_interrupt_end (LabCliInterrupt *self)
{
  /* The loop quits from inside, so also when it has not started yet. */
  GSource *quit = g_idle_source_new ();

  g_source_set_callback (quit, on_quit, self->loop, NULL);
  g_source_attach (quit, self->context);
  g_source_unref (quit);
  g_thread_join (self->thread);
  /* The last source of SIGINT gone, GLib puts its default action back. */
  g_source_destroy (self->sigint);
  g_source_unref (self->sigint);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_object_unref (self->cancellable);
  g_free (self);
}
