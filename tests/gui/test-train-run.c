/* LabTrainRun without a display: a real run of cae-tiny on synthetic
 * digits, its progress drained and published into the session, pause,
 * Stop, and a run dropped while it trains. Only GLib and the core. */

#include <math.h>

#include "lab-synthetic.h"
#include "lab-test-models.h"
#include "lab-test-util.h"
#include "lab-train-run.h"

typedef struct
{
  LabSession     *session;
  LabDataset     *train;
  LabDataset     *test;
  LabTrainRun    *run;
  guint           n_progress;
  guint           n_points;
  guint           n_val_points;
  guint           n_strips;
  guint64         last_step;
  gboolean        finished;
  LabTrainResult  result;         /* copied from "done" (no pointers kept) */
  gboolean        have_record;
  gboolean        had_error;
  guint           n_with_grads;  /* weights published with their gradients' norms */
} Fixture;

/* Training publishes each layer's gradient norm with the weights: a
 * convolution's is positive, a ReLU's (no parameters) 0. */
static void
on_weights_published (LabSession *session,
                      Fixture    *f)
{
  const float *norms = lab_session_get_grad_norms (session);

  if (norms == NULL)
    return;
  g_assert_cmpstr (lab_model_get_layer (lab_session_get_model (session), 0)->klass->type, ==, "conv2d");
  g_assert_cmpfloat (norms[0], >, 0.0f);
  g_assert_true (isfinite (norms[0]));
  g_assert_cmpfloat (norms[1], ==, 0.0f);
  f->n_with_grads++;
}

static void
take_update (Fixture *f)
{
  LabTrainRunUpdate update = { 0 };

  lab_train_run_drain (f->run, &update);
  g_assert_nonnull (update.points);
  g_assert_nonnull (update.val_points);
  g_assert_cmpuint (update.points->len % 2, ==, 0);
  /* x in epochs, y a finite loss. */
  for (guint i = 0; i + 1 < update.points->len; i += 2)
    {
      g_assert_cmpfloat (g_array_index (update.points, double, i), >, 0.0);
      g_assert_true (isfinite (g_array_index (update.points, double, i + 1)));
    }
  f->n_points += update.points->len / 2;
  f->n_val_points += update.val_points->len / 2;
  if (update.recon != NULL)
    f->n_strips++;
  if (update.have_latest)
    {
      g_assert_cmpuint (update.latest.step, >=, f->last_step);
      g_assert_null (update.latest.model);
      f->last_step = update.latest.step;
    }
  lab_train_run_update_clear (&update);
}

static void
on_progress (LabTrainRun *run,
             double       fraction,
             const char  *text,
             Fixture     *f)
{
  g_assert_cmpfloat (fraction, >=, 0.0);
  g_assert_cmpfloat (fraction, <=, 1.0);
  f->n_progress++;
  take_update (f);
}

static void
on_finished (LabTrainRun    *run,
             LabTrainResult *result,
             const GError   *error,
             Fixture        *f)
{
  take_update (f);
  f->finished = TRUE;
  f->had_error = error != NULL;
  if (result != NULL)
    {
      f->result = *result;
      f->have_record = result->record_json != NULL && g_str_has_prefix (result->record_json, "{");
      f->result.diverged = NULL;
      f->result.record_json = NULL;
      f->result.recon = NULL;
    }
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->train = lab_synthetic_digits_new (600, 1, &error);
  g_assert_no_error (error);
  f->test = lab_synthetic_digits_new (100, 2, &error);
  g_assert_no_error (error);
  f->session = lab_session_new ();
  /* The session shows a copy of what the run trains. */
  lab_session_set_model (f->session, lab_test_new_preset ("cae-tiny", 5), NULL, NULL, NULL);
  g_signal_connect (f->session, "weights-published", G_CALLBACK (on_weights_published), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->run);
  g_clear_object (&f->session);
  g_clear_pointer (&f->train, lab_dataset_unref);
  g_clear_pointer (&f->test, lab_dataset_unref);
}

static void
start_run (Fixture *f,
           guint    epochs)
{
  LabTrainConfig config;
  guint indices[] = { 0, 1, 2, 3, 4 };

  lab_train_config_init (&config);
  config.epochs = epochs;
  config.batch = 32;
  config.lr = 0.002;
  config.seed = 3;
  config.noise.type = LAB_NOISE_GAUSSIAN;
  config.noise.amount = 0.3f;
  config.val_limit = 100;
  f->run = lab_train_run_new (f->session, lab_test_new_preset ("cae-tiny", 5), f->train, f->test, &config);
  lab_train_run_set_origin (f->run, "synthetic", "torch");
  lab_train_run_set_strip (f->run, f->test, indices, G_N_ELEMENTS (indices));
  g_signal_connect (f->run, "progress", G_CALLBACK (on_progress), f);
  g_signal_connect (f->run, "done", G_CALLBACK (on_finished), f);
  g_assert_true (lab_train_run_has_val (f->run));
  g_assert_cmpuint (lab_train_run_get_config (f->run)->epochs, ==, epochs);
  lab_train_run_start (f->run);
}

static gboolean
finished (gpointer data)
{
  return ((Fixture *) data)->finished;
}

static gboolean
trained_steps (gpointer data)
{
  return ((Fixture *) data)->last_step >= 5;
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("timed out");
  return G_SOURCE_REMOVE;
}

static void
spin_until (gboolean (*done) (gpointer),
            Fixture   *f)
{
  guint timeout = g_timeout_add_seconds (60, timeout_cb, NULL);

  while (!done (f))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

/* Two epochs to the end: the curve, the validation points, the strip, the
 * weights in the session, and the result. */
static void
test_run_completes (Fixture       *f,
                    gconstpointer  data)
{
  guint64 serial = lab_session_get_weights_serial (f->session);
  guint n_batches = (600 + 31) / 32;

  start_run (f, 2);
  spin_until (finished, f);

  g_assert_false (f->had_error);
  g_assert_false (f->result.stopped);
  g_assert_cmpuint (f->result.steps, ==, 2 * n_batches);
  g_assert_true (isfinite (f->result.final_loss));
  g_assert_true (isfinite (f->result.final_psnr));
  g_assert_cmpuint (f->result.final_images, ==, 100);
  g_assert_true (f->have_record);
  g_assert_cmpuint (f->n_progress, >=, 1);
  g_assert_cmpuint (f->n_points, >=, 1);
  g_assert_cmpuint (f->n_val_points, ==, 2);
  g_assert_cmpuint (f->n_strips, >=, 1);
  /* The final weights and record are the session's. */
  g_assert_cmpuint (lab_session_get_weights_serial (f->session), >, serial);
  g_assert_cmpuint (lab_session_get_step (f->session), ==, 2 * n_batches);
  /* At least the epoch ends published with the gradients' norms. */
  g_assert_cmpuint (f->n_with_grads, >=, 2);
  g_assert_nonnull (lab_session_get_train_json (f->session));
}

/* Pause holds the steps; Stop ends it early with the result still delivered. */
static void
test_run_pause_stop (Fixture       *f,
                     gconstpointer  data)
{
  guint64 paused_at;
  gint64 until;

  start_run (f, 50);
  spin_until (trained_steps, f);
  lab_train_run_set_paused (f->run, TRUE);
  g_assert_true (lab_train_run_is_paused (f->run));
  /* The step running when Pause came may still finish. */
  until = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  paused_at = f->last_step;
  until = g_get_monotonic_time () + 500 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (f->last_step, ==, paused_at);
  g_assert_false (f->finished);

  lab_train_run_set_paused (f->run, FALSE);
  g_assert_false (lab_train_run_is_paused (f->run));
  lab_train_run_stop (f->run);
  spin_until (finished, f);
  g_assert_false (f->had_error);
  g_assert_true (f->result.stopped);
  g_assert_cmpuint (f->result.steps, >=, paused_at);
  g_assert_cmpuint (f->result.steps, <, 50 * ((600 + 31) / 32));
}

/* Cancelled (the window closes): the worker leaves, nothing is delivered. */
static void
test_run_cancel (Fixture       *f,
                 gconstpointer  data)
{
  gint64 until;

  start_run (f, 50);
  spin_until (trained_steps, f);
  g_assert_true (lab_train_run_cancel (f->run, 10000));
  until = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (f->finished);
  g_clear_object (&f->run);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/train-run/completes", test_run_completes);
  ADD ("/train-run/pause-stop", test_run_pause_stop);
  ADD ("/train-run/cancel", test_run_cancel);
#undef ADD

  return g_test_run ();
}
