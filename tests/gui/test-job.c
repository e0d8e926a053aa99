/* LabJob without a display: progress coalescing, superseding, cancelling,
 * and an owner that goes away. Only GLib; the worker is a test function. */

#include <gio/gio.h>

#include "lab-job.h"

/* The worker and the test thread meet at gates: the worker reports while
 * the main loop is not running, so every report but the last must be
 * coalesced away. */
typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean reported;   /* worker -> test: all reports are published */
  gboolean go;         /* test -> worker: you may return */
  guint    n_reports;
  guint    result;
} Gate;

typedef struct
{
  guint  n_progress;
  double last_fraction;
  char  *last_text;
  guint  last_payload;
  guint  n_done;
  guint  result;
  GError *error;
} Seen;

static guint payloads_freed;
static guint results_freed;

static void
payload_free (gpointer data)
{
  g_atomic_int_inc (&payloads_freed);
  g_free (data);
}

static void
result_free (gpointer data)
{
  g_atomic_int_inc (&results_freed);
  g_free (data);
}

static Gate *
gate_new (guint n_reports,
          guint result)
{
  Gate *gate = g_new0 (Gate, 1);

  g_mutex_init (&gate->mutex);
  g_cond_init (&gate->cond);
  gate->n_reports = n_reports;
  gate->result = result;
  return gate;
}

static void
gate_free (gpointer data)
{
  Gate *gate = data;

  g_mutex_clear (&gate->mutex);
  g_cond_clear (&gate->cond);
  g_free (gate);
}

static void
gate_wait_reported (Gate *gate)
{
  g_mutex_lock (&gate->mutex);
  while (!gate->reported)
    g_cond_wait (&gate->cond, &gate->mutex);
  g_mutex_unlock (&gate->mutex);
}

static void
gate_open (Gate *gate)
{
  g_mutex_lock (&gate->mutex);
  gate->go = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->mutex);
}

/* Worker side: says every report is published, then waits for the test
 * to let it return. */
static void
gate_reported_wait_go (Gate *gate)
{
  g_mutex_lock (&gate->mutex);
  gate->reported = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->go)
    g_cond_wait (&gate->cond, &gate->mutex);
  g_mutex_unlock (&gate->mutex);
}

static gpointer
gated_worker (LabJob        *job,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  Gate *gate = data;
  guint *result;

  for (guint i = 1; i <= gate->n_reports; i++)
    {
      guint *payload = g_new (guint, 1);
      g_autofree char *text = g_strdup_printf ("step %u", i);

      *payload = i;
      lab_job_report (job, (double) i / gate->n_reports, text, payload, payload_free);
    }

  gate_reported_wait_go (gate);

  if (gate->result == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "worker failed on purpose");
      return NULL;
    }
  result = g_new (guint, 1);
  *result = gate->result;
  return result;
}

static void
on_progress (gpointer    owner,
             LabJob     *job,
             double      fraction,
             const char *text,
             gpointer    payload)
{
  Seen *seen = g_object_get_data (owner, "seen");

  seen->n_progress++;
  seen->last_fraction = fraction;
  g_free (seen->last_text);
  seen->last_text = g_strdup (text);
  seen->last_payload = payload ? *(guint *) payload : 0;
}

static void
on_done (gpointer      owner,
         LabJob       *job,
         gpointer      result,
         const GError *error)
{
  Seen *seen = g_object_get_data (owner, "seen");

  seen->n_done++;
  if (error != NULL)
    seen->error = g_error_copy (error);
  else
    {
      seen->result = *(guint *) result;
      result_free (result);
    }
}

static void
seen_free (gpointer data)
{
  Seen *seen = data;

  g_free (seen->last_text);
  g_clear_error (&seen->error);
  g_free (seen);
}

static GObject *
owner_new (Seen **seen)
{
  GObject *owner = g_object_new (G_TYPE_OBJECT, NULL);

  *seen = g_new0 (Seen, 1);
  g_object_set_data_full (owner, "seen", *seen, seen_free);
  return owner;
}

/* What every test starts from: an owner that records what reaches it, and
 * the free counters as they were, since the tests share them. */
typedef struct
{
  GObject *owner;
  Seen    *seen;             /* the owner's "seen" data */
  guint    payloads_before;
  guint    results_before;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->owner = owner_new (&f->seen);
  f->payloads_before = g_atomic_int_get (&payloads_freed);
  f->results_before = g_atomic_int_get (&results_freed);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->owner);
}

static guint
payloads_freed_since (Fixture *f)
{
  return g_atomic_int_get (&payloads_freed) - f->payloads_before;
}

static guint
results_freed_since (Fixture *f)
{
  return g_atomic_int_get (&results_freed) - f->results_before;
}

/* Starts a job in the owner's "work" slot whose worker makes n_reports
 * reports, then waits at *gate and returns result (0: fails). The job
 * owns the gate. */
static LabJob *
start_gated_job (Fixture  *f,
                 guint     n_reports,
                 guint     result,
                 Gate    **gate)
{
  LabJob *job;

  *gate = gate_new (n_reports, result);
  job = lab_job_new (f->owner, "work", gated_worker, *gate, gate_free);
  lab_job_set_result_free_func (job, result_free);
  lab_job_set_progress_func (job, on_progress);
  lab_job_set_done_func (job, on_done);
  lab_job_start (job);
  return job;
}

/* Iterates the main context until done(data) or 10 s pass. */
static void
spin_until (gboolean (*done) (gpointer),
            gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
time_is_up (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static void
spin_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  spin_until (time_is_up, &end);
}

static gboolean
job_finished (gpointer data)
{
  return !lab_job_is_running (data);
}

/* Lets the worker return, then runs the main loop until the job is done
 * with (its done func called, if it still counts). */
static void
release_and_finish (Gate   *gate,
                    LabJob *job)
{
  gate_open (gate);
  spin_until (job_finished, job);
}

typedef struct
{
  Fixture *f;
  guint    n;
} FreedWait;

static gboolean
results_freed_reached (gpointer data)
{
  FreedWait *w = data;

  return results_freed_since (w->f) >= w->n;
}

/* Waits for the worker threads to have freed n results since the test
 * began: a job that no longer counts frees its result unseen. */
static void
wait_results_freed (Fixture *f,
                    guint    n)
{
  FreedWait w = { f, n };

  spin_until (results_freed_reached, &w);
}

/* Reports once and waits for the test to have seen it, reports twice more,
 * then waits at the gate as gated_worker does. */
static gpointer
interval_worker (LabJob        *job,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  Gate *gate = data;
  guint *result;

  lab_job_report (job, 0.25, "first", NULL, NULL);
  g_mutex_lock (&gate->mutex);
  while (!gate->go)
    g_cond_wait (&gate->cond, &gate->mutex);
  gate->go = FALSE;
  g_mutex_unlock (&gate->mutex);

  for (guint i = 2; i <= 3; i++)
    {
      guint *payload = g_new (guint, 1);

      *payload = i;
      lab_job_report (job, i / 4.0, i == 2 ? "second" : "third", payload, payload_free);
    }

  gate_reported_wait_go (gate);

  result = g_new (guint, 1);
  *result = gate->result;
  return result;
}

static gboolean
two_payloads_freed (gpointer data)
{
  return payloads_freed_since (data) >= 2;
}

static gboolean
progress_seen (gpointer data)
{
  return ((Fixture *) data)->seen->n_progress > 0;
}

static void
test_job_progress_interval (Fixture       *f,
                            gconstpointer  data)
{
  Gate *gate = gate_new (0, 7);
  g_autoptr(LabJob) job = lab_job_new (f->owner, "work", interval_worker, gate, gate_free);

  lab_job_set_result_free_func (job, result_free);
  lab_job_set_progress_func (job, on_progress);
  lab_job_set_done_func (job, on_done);
  /* An hour: nothing after the first report can come while the test runs. */
  lab_job_set_progress_interval (job, 3600 * 1000);
  lab_job_start (job);

  /* The first report comes at once... */
  spin_until (progress_seen, f);
  g_assert_cmpuint (f->seen->n_progress, ==, 1);
  g_assert_cmpstr (f->seen->last_text, ==, "first");

  /* ...the next ones wait for the interval, though the loop is idle. */
  gate_open (gate);
  gate_wait_reported (gate);
  spin_for (50);
  g_assert_cmpuint (f->seen->n_progress, ==, 1);
  g_assert_cmpstr (f->seen->last_text, ==, "first");
  g_assert_cmpuint (payloads_freed_since (f), ==, 1);

  /* The job ends with its delivery pending: done comes at once, the
   * pending progress never does, and its source lets go of the job. */
  release_and_finish (gate, job);
  g_assert_cmpuint (f->seen->n_done, ==, 1);
  g_assert_cmpuint (f->seen->result, ==, 7);
  spin_for (20);
  g_assert_cmpuint (f->seen->n_progress, ==, 1);
  g_assert_cmpuint (payloads_freed_since (f), ==, 1);
  /* The last payload goes with the job's last reference (the worker's
   * task may hold one a little longer). */
  g_clear_object (&job);
  spin_until (two_payloads_freed, f);
  g_assert_cmpuint (payloads_freed_since (f), ==, 2);
}

static void
test_job_coalesces_progress (Fixture       *f,
                             gconstpointer  data)
{
  Gate *gate;
  g_autoptr(LabJob) job = start_gated_job (f, 5000, 42, &gate);

  g_assert_true (lab_job_is_running (job));
  g_assert_true (lab_job_lookup (f->owner, "work") == job);

  /* 5000 reports while the main loop sleeps... */
  gate_wait_reported (gate);
  g_assert_cmpuint (payloads_freed_since (f), ==, 4999);

  /* ...arrive as ONE progress call carrying the latest state. */
  spin_for (50);
  g_assert_cmpuint (f->seen->n_progress, ==, 1);
  g_assert_cmpfloat_with_epsilon (f->seen->last_fraction, 1.0, 1e-12);
  g_assert_cmpstr (f->seen->last_text, ==, "step 5000");
  g_assert_cmpuint (f->seen->last_payload, ==, 5000);
  g_assert_cmpuint (payloads_freed_since (f), ==, 5000);
  g_assert_cmpuint (f->seen->n_done, ==, 0);

  release_and_finish (gate, job);
  g_assert_cmpuint (f->seen->n_done, ==, 1);
  g_assert_cmpuint (f->seen->result, ==, 42);
  g_assert_no_error (f->seen->error);
  g_assert_null (lab_job_lookup (f->owner, "work"));
}

static void
test_job_error (Fixture       *f,
                gconstpointer  data)
{
  Gate *gate;
  g_autoptr(LabJob) job = start_gated_job (f, 1, 0, &gate);

  release_and_finish (gate, job);
  g_assert_cmpuint (f->seen->n_done, ==, 1);
  g_assert_error (f->seen->error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpstr (f->seen->error->message, ==, "worker failed on purpose");
}

static void
test_job_superseded (Fixture       *f,
                     gconstpointer  data)
{
  Gate *gate1, *gate2;
  g_autoptr(LabJob) first = start_gated_job (f, 3, 1, &gate1);
  g_autoptr(LabJob) second = NULL;

  gate_wait_reported (gate1);

  second = start_gated_job (f, 3, 2, &gate2);
  g_assert_true (g_cancellable_is_cancelled (lab_job_get_cancellable (first)));
  g_assert_false (lab_job_is_running (first));
  g_assert_true (lab_job_lookup (f->owner, "work") == second);

  /* The first job's pending progress and its late result are dropped. */
  gate_open (gate1);
  gate_wait_reported (gate2);
  release_and_finish (gate2, second);
  wait_results_freed (f, 2);
  spin_for (20);

  g_assert_cmpuint (f->seen->n_done, ==, 1);
  g_assert_cmpuint (f->seen->result, ==, 2);
  /* Both results freed: the first dropped, the second by on_done. */
  g_assert_cmpuint (results_freed_since (f), ==, 2);
}

static void
test_job_cancelled (Fixture       *f,
                    gconstpointer  data)
{
  Gate *gate;
  g_autoptr(LabJob) job = start_gated_job (f, 10, 7, &gate);

  gate_wait_reported (gate);
  lab_job_cancel_slot (f->owner, "work");
  g_assert_false (lab_job_is_running (job));
  g_assert_null (lab_job_lookup (f->owner, "work"));

  gate_open (gate);
  wait_results_freed (f, 1);
  spin_for (20);
  g_assert_cmpuint (f->seen->n_progress, ==, 0);
  g_assert_cmpuint (f->seen->n_done, ==, 0);
  g_assert_cmpuint (results_freed_since (f), ==, 1);
}

static void
test_job_owner_gone (Fixture       *f,
                     gconstpointer  data)
{
  Gate *gate;
  g_autoptr(LabJob) job = start_gated_job (f, 10, 9, &gate);

  gate_wait_reported (gate);

  /* Finalizing the owner cancels what it started. */
  g_clear_object (&f->owner);
  g_assert_true (g_cancellable_is_cancelled (lab_job_get_cancellable (job)));

  gate_open (gate);
  wait_results_freed (f, 1);
  g_assert_false (lab_job_is_running (job));
  g_assert_cmpuint (results_freed_since (f), ==, 1);
}

/* Workers for lab_job_shutdown(): what each saw and when it left. */
typedef struct
{
  guint    sleep_ms;        /* the work, in 1 ms steps */
  gboolean heeds_cancel;    /* stops early when cancelled */
  gint     saw_cancelled;   /* atomic: the cancellable was set while working */
  gint     left;            /* atomic: the function has returned */
} ShutdownWork;

static gpointer
shutdown_worker (LabJob        *job,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  ShutdownWork *w = data;

  for (guint i = 0; i < w->sleep_ms; i++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_atomic_int_set (&w->saw_cancelled, TRUE);
          if (w->heeds_cancel)
            break;
        }
      g_usleep (1000);
    }
  /* Some work after noticing, as a trainer finishes its minibatch. */
  g_usleep (30 * 1000);
  g_atomic_int_set (&w->left, TRUE);
  return NULL;
}

static LabJob *
start_shutdown_job (Fixture      *f,
                    const char   *slot,
                    ShutdownWork *w,
                    gboolean      finish_before_exit)
{
  LabJob *job = lab_job_new (f->owner, slot, shutdown_worker, w, NULL);

  lab_job_set_finish_before_exit (job, finish_before_exit);
  lab_job_start (job);
  return job;
}

/* Quitting cancels every running job and returns once their workers have
 * left; a job that must finish (a file being written) is waited for
 * uncancelled; one that outlasts the timeout is named. */
static void
test_job_shutdown (Fixture       *f,
                   gconstpointer  data)
{
  ShutdownWork training = { 60000, TRUE }, saving = { 200, TRUE }, stubborn = { 400, FALSE };
  g_autoptr(LabJob) job1 = start_shutdown_job (f, "train", &training, FALSE);
  g_autoptr(LabJob) job2 = start_shutdown_job (f, "save", &saving, TRUE);
  g_autoptr(LabJob) job3 = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_true (lab_job_shutdown (10000));
  g_assert_true (g_atomic_int_get (&training.left));
  g_assert_true (g_atomic_int_get (&training.saw_cancelled));
  g_assert_true (g_atomic_int_get (&saving.left));
  g_assert_false (g_atomic_int_get (&saving.saw_cancelled));
  /* The save's 200 ms, not the training's minute. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_true (lab_job_shutdown (0));

  job3 = start_shutdown_job (f, "stubborn", &stubborn, FALSE);
  g_test_expect_message ("latentlab", G_LOG_LEVEL_WARNING,
                         "A job (stubborn) did not stop within 0.05 s of quitting");
  g_assert_false (lab_job_shutdown (50));
  g_test_assert_expected_messages ();
  g_assert_false (g_atomic_int_get (&stubborn.left));
  g_assert_true (lab_job_shutdown (10000));
  g_assert_true (g_atomic_int_get (&stubborn.left));
  g_assert_true (g_atomic_int_get (&stubborn.saw_cancelled));
  spin_for (20);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/job/coalesces-progress", test_job_coalesces_progress);
  ADD ("/job/progress-interval", test_job_progress_interval);
  ADD ("/job/error", test_job_error);
  ADD ("/job/superseded", test_job_superseded);
  ADD ("/job/cancelled", test_job_cancelled);
  ADD ("/job/owner-gone", test_job_owner_gone);
  ADD ("/job/shutdown", test_job_shutdown);
#undef ADD
  return g_test_run ();
}
