#include <string.h>

#include "lab-session.h"
#include "lab-synthetic.h"
#include "lab-test-models.h"

typedef struct
{
  guint datasets_changed;
  guint model_changed;
  guint weights_published;
  guint ready_notified;
  guint training_notified;
} Counts;

static void
count_signal (LabSession *session,
              guint      *counter)
{
  (*counter)++;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *counter)
{
  (*counter)++;
}

static LabSession *
new_counted_session (Counts *c)
{
  LabSession *session = lab_session_new ();

  memset (c, 0, sizeof *c);
  g_signal_connect (session, "datasets-changed", G_CALLBACK (count_signal), &c->datasets_changed);
  g_signal_connect (session, "model-changed", G_CALLBACK (count_signal), &c->model_changed);
  g_signal_connect (session, "weights-published", G_CALLBACK (count_signal), &c->weights_published);
  g_signal_connect (session, "notify::ready", G_CALLBACK (count_notify), &c->ready_notified);
  g_signal_connect (session, "notify::training", G_CALLBACK (count_notify), &c->training_notified);
  return session;
}

static gboolean
session_ready (LabSession *session)
{
  gboolean ready;

  g_object_get (session, "ready", &ready, NULL);
  g_assert_cmpint (ready, ==, lab_session_is_ready (session));
  return ready;
}

/* A dataset with no other split (no spec, a single file): it is both the
 * training and the test set at once. */
static void
test_session_single_split (void)
{
  g_autoptr(LabDataset) ds = lab_synthetic_digits_new (50, 1, NULL);
  g_autoptr(LabSession) session = NULL;
  Counts c;
  LabSplit other = LAB_SPLIT_TRAIN;

  session = new_counted_session (&c);
  g_assert_false (session_ready (session));
  g_assert_null (lab_session_get_train_dataset (session));
  g_assert_false (lab_session_set_dataset (session, ds, NULL, LAB_SPLIT_TRAIN, &other));
  g_assert_cmpint (other, ==, LAB_SPLIT_TRAIN);   /* untouched */
  g_assert_true (session_ready (session));
  g_assert_true (lab_session_get_train_dataset (session) == ds);
  g_assert_true (lab_session_get_test_dataset (session) == ds);
  g_assert_false (lab_session_has_test_split (session));
  g_assert_null (lab_session_get_dataset_spec (session));
  g_assert_cmpuint (c.datasets_changed, ==, 1);
  g_assert_cmpuint (lab_session_get_dataset_serial (session), ==, 1);

  /* NULL clears them, without datasets-changed */
  g_assert_false (lab_session_set_dataset (session, NULL, NULL, LAB_SPLIT_TRAIN, NULL));
  g_assert_false (session_ready (session));
  g_assert_null (lab_session_get_test_dataset (session));
  g_assert_cmpuint (c.datasets_changed, ==, 1);
  g_assert_cmpuint (c.ready_notified, ==, 2);
}

/* A catalog id has two splits: the session waits for the other one. */
static void
test_session_other_split (void)
{
  g_autoptr(LabDataset) train = lab_synthetic_digits_new (60, 1, NULL);
  g_autoptr(LabDataset) test = lab_synthetic_digits_new (20, 2, NULL);
  g_autoptr(LabSession) session = NULL;
  Counts c;
  LabSplit other = LAB_SPLIT_TRAIN;

  session = new_counted_session (&c);
  g_assert_true (lab_session_set_dataset (session, train, "synthetic", LAB_SPLIT_TRAIN, &other));
  g_assert_cmpint (other, ==, LAB_SPLIT_TEST);
  g_assert_false (session_ready (session));
  g_assert_null (lab_session_get_train_dataset (session));
  g_assert_cmpstr (lab_session_get_dataset_spec (session), ==, "synthetic");
  g_assert_cmpuint (c.datasets_changed, ==, 0);

  lab_session_add_other_split (session, test, NULL);
  g_assert_true (session_ready (session));
  g_assert_true (lab_session_get_train_dataset (session) == train);
  g_assert_true (lab_session_get_test_dataset (session) == test);
  g_assert_true (lab_session_has_test_split (session));
  g_assert_cmpuint (c.datasets_changed, ==, 1);

  /* The test split shown: the training split is the one to load. */
  g_assert_true (lab_session_set_dataset (session, test, "synthetic", LAB_SPLIT_TEST, &other));
  g_assert_cmpint (other, ==, LAB_SPLIT_TRAIN);
  lab_session_add_other_split (session, train, NULL);
  g_assert_true (lab_session_get_train_dataset (session) == train);
  g_assert_true (lab_session_get_test_dataset (session) == test);
  g_assert_cmpuint (c.datasets_changed, ==, 2);
  g_assert_cmpuint (lab_session_get_dataset_serial (session), ==, 2);
}

/* An other split that failed or does not match: the shown one serves both. */
static void
test_session_other_split_unusable (void)
{
  g_autoptr(LabDataset) train = lab_synthetic_digits_new (60, 1, NULL);
  g_autoptr(LabDataset) small = NULL;
  g_autoptr(LabSession) session = lab_session_new ();
  g_autoptr(GError) failed = g_error_new_literal (LAB_ERROR, LAB_ERROR_NOT_FOUND, "no test images");
  g_autoptr(GError) error = NULL;

  g_assert_true (lab_session_set_dataset (session, train, "synthetic", LAB_SPLIT_TRAIN, NULL));
  lab_session_add_other_split (session, NULL, failed);
  g_assert_true (lab_session_is_ready (session));
  g_assert_true (lab_session_get_train_dataset (session) == train);
  g_assert_true (lab_session_get_test_dataset (session) == train);
  g_assert_false (lab_session_has_test_split (session));

  small = lab_dataset_new ("small", 4, 14, 14, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (lab_session_set_dataset (session, train, "synthetic", LAB_SPLIT_TRAIN, NULL));
  lab_session_add_other_split (session, small, NULL);
  g_assert_true (lab_session_get_test_dataset (session) == train);
  g_assert_false (lab_session_has_test_split (session));
}

/* The model, the weights published into it, and what it was trained with. */
static void
test_session_model (void)
{
  g_autoptr(LabSession) session = NULL;
  g_autoptr(LabModel) trained = lab_test_new_preset ("cae-tiny", 2);
  LabModel *model = lab_test_new_preset ("cae-tiny", 1);
  g_autofree float *params = NULL;
  LabTrainConfig config;
  guint64 serial;
  gsize n;
  Counts c;

  session = new_counted_session (&c);
  g_assert_null (lab_session_get_model (session));
  g_assert_null (lab_session_get_train_config (session));
  lab_train_config_init (&config);
  config.epochs = 3;
  lab_session_set_model (session, model, &config, "{\"epochs\":3}", "/tmp/m.safetensors");
  g_assert_true (lab_session_get_model (session) == model);
  g_assert_cmpuint (lab_session_get_train_config (session)->epochs, ==, 3);
  g_assert_cmpstr (lab_session_get_train_json (session), ==, "{\"epochs\":3}");
  g_assert_cmpstr (lab_session_get_model_path (session), ==, "/tmp/m.safetensors");
  g_assert_cmpuint (lab_session_get_step (session), ==, 0);
  g_assert_cmpuint (c.model_changed, ==, 1);
  serial = lab_session_get_weights_serial (session);

  /* publish: the weights of another model of the same architecture */
  n = lab_model_n_params (trained);
  params = g_memdup2 (lab_model_params (trained), n * sizeof (float));
  g_assert_true (memcmp (lab_model_params (model), params, n * sizeof (float)) != 0);
  lab_session_publish (session, params, lab_model_buffers (trained), NULL, 40);
  g_assert_cmpmem (lab_model_params (model), n * sizeof (float), params, n * sizeof (float));
  g_assert_cmpuint (lab_session_get_step (session), ==, 40);
  g_assert_cmpuint (lab_session_get_weights_serial (session), ==, serial + 1);
  g_assert_cmpuint (c.weights_published, ==, 1);
  g_assert_null (lab_session_get_grad_norms (session));

  /* with the gradient norms of the step, one per layer, copied */
  {
    guint n_layers = lab_model_n_layers (model);
    g_autofree float *norms = g_new (float, n_layers);

    for (guint i = 0; i < n_layers; i++)
      norms[i] = 0.5f * i;
    lab_session_publish (session, params, lab_model_buffers (trained), norms, 45);
    norms[1] = -1;
    g_assert_nonnull (lab_session_get_grad_norms (session));
    g_assert_cmpfloat (lab_session_get_grad_norms (session)[1], ==, 0.5f);
    g_assert_cmpfloat (lab_session_get_grad_norms (session)[n_layers - 1], ==, 0.5f * (n_layers - 1));
    g_assert_cmpuint (lab_session_get_step (session), ==, 45);
    g_assert_cmpuint (c.weights_published, ==, 2);
  }

  lab_model_params (trained)[0] += 1.0f;
  lab_session_publish_from (session, trained, 50);
  /* another model's weights come without gradients */
  g_assert_null (lab_session_get_grad_norms (session));
  g_assert_cmpfloat (lab_model_params (model)[0], ==, lab_model_params (trained)[0]);
  g_assert_cmpuint (lab_session_get_step (session), ==, 50);
  g_assert_cmpuint (c.weights_published, ==, 3);
  g_assert_cmpuint (c.model_changed, ==, 1);

  lab_session_set_train_json (session, "{\"epochs\":4}");
  g_assert_cmpstr (lab_session_get_train_json (session), ==, "{\"epochs\":4}");
  lab_session_set_model_path (session, NULL);
  g_assert_null (lab_session_get_model_path (session));

  lab_session_set_training (session, TRUE);
  lab_session_set_training (session, TRUE);
  g_assert_true (lab_session_get_training (session));
  lab_session_set_training (session, FALSE);
  g_assert_cmpuint (c.training_notified, ==, 2);

  /* a new model: no config known, step back to 0 */
  lab_session_set_model (session, lab_test_new_preset ("cae-tiny", 3), NULL, NULL, NULL);
  g_assert_null (lab_session_get_train_config (session));
  g_assert_null (lab_session_get_train_json (session));
  g_assert_cmpuint (lab_session_get_step (session), ==, 0);
  g_assert_cmpuint (c.model_changed, ==, 2);
  g_assert_cmpuint (lab_session_get_weights_serial (session), ==, serial + 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/single-split", test_session_single_split);
  g_test_add_func ("/session/other-split", test_session_other_split);
  g_test_add_func ("/session/other-split-unusable", test_session_other_split_unusable);
  g_test_add_func ("/session/model", test_session_model);
  return g_test_run ();
}
