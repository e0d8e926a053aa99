#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lab-model-io.h"
#include "lab-presets.h"
#include "lab-synthetic.h"
#include "lab-test-system.h"
#include "lab-train-record.h"
#include "lab-trainer.h"

static GArray *
series (guint         n,
        const double *values)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (double));

  g_array_append_vals (a, values, n);
  return a;
}

/* NAN == NAN here: a loss that was not there reads back as not there. */
static void
assert_same_series (GArray *a,
                    GArray *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      double x = g_array_index (a, double, i), y = g_array_index (b, double, i);

      if (isnan (x))
        g_assert_true (isnan (y));
      else
        g_assert_cmpfloat (x, ==, y);
    }
}

static void
assert_same_record (const LabTrainRecord *a,
                    const LabTrainRecord *b)
{
  g_assert_cmpstr (a->dataset, ==, b->dataset);
  g_assert_cmpint (a->config.noise.type, ==, b->config.noise.type);
  g_assert_cmpfloat (a->config.noise.amount, ==, b->config.noise.amount);
  g_assert_cmpuint (a->config.seed, ==, b->config.seed);
  g_assert_cmpuint (a->config.epochs, ==, b->config.epochs);
  g_assert_cmpuint (a->config.batch, ==, b->config.batch);
  g_assert_cmpfloat (a->config.lr, ==, b->config.lr);
  g_assert_cmpint (a->config.optimizer, ==, b->config.optimizer);
  g_assert_cmpuint (a->config.limit, ==, b->config.limit);
  g_assert_cmpstr (a->init, ==, b->init);
  g_assert_cmpuint (a->steps, ==, b->steps);
  if (a->train_loss == NULL)
    {
      g_assert_null (b->train_loss);
      g_assert_null (b->val_loss);
      g_assert_null (b->epoch_seconds);
    }
  else
    {
      assert_same_series (a->train_loss, b->train_loss);
      assert_same_series (a->val_loss, b->val_loss);
      assert_same_series (a->epoch_seconds, b->epoch_seconds);
    }
  g_assert_cmpint (a->has_test, ==, b->has_test);
  if (a->has_test)
    {
      g_assert_cmpuint (a->test.n_images, ==, b->test.n_images);
      g_assert_cmpfloat (a->test.loss, ==, b->test.loss);
      g_assert_cmpfloat (a->test.mse, ==, b->test.mse);
      g_assert_cmpfloat (a->test.psnr, ==, b->test.psnr);
      g_assert_true (isnan (a->test.accuracy) ? isnan (b->test.accuracy)
                                              : a->test.accuracy == b->test.accuracy);
    }
}

/* Everything a record holds, written, read back and written again. */
static void
test_record_round_trip (void)
{
  const double train[] = { 0.5, 0.25, 0.125 }, val[] = { NAN, 0.3, 0.2 }, secs[] = { 1.5, 1.25, 1 };
  const LabEvalResult test = { 1000, 0.1, 0.02, 0.1, 17.0, NAN };
  g_autoptr(LabTrainRecord) r = lab_train_record_new (NULL, "fashion-mnist");
  g_autoptr(LabTrainRecord) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL, *again = NULL;

  g_assert_true (lab_noise_parse ("gaussian:0.25", &r->config.noise, NULL));
  r->config.seed = 7;
  r->config.epochs = 3;
  r->config.batch = 64;
  r->config.lr = 0.002;
  r->config.optimizer = LAB_OPTIM_SGD;
  r->config.limit = 500;
  r->init = g_strdup ("glorot");
  r->steps = 42;
  r->train_loss = series (3, train);
  r->val_loss = series (3, val);
  r->epoch_seconds = series (3, secs);
  lab_train_record_set_test (r, &test);

  json = lab_train_record_to_json (r);
  g_assert_cmpstr (json, ==,
                   "{\"dataset\":\"fashion-mnist\",\"noise\":\"gaussian:0.25\",\"seed\":7,"
                   "\"epochs\":3,\"batch\":64,\"lr\":0.002,\"optimizer\":\"sgd\",\"limit\":500,"
                   "\"init\":\"glorot\",\"steps\":42,\"train_loss\":[0.5,0.25,0.125],"
                   "\"val_loss\":[null,0.29999999999999999,0.20000000000000001],"
                   "\"epoch_seconds\":[1.5,1.25,1.0],"
                   "\"test\":{\"images\":1000,\"loss\":0.10000000000000001,"
                   "\"mse\":0.02,\"bce\":0.10000000000000001,\"psnr\":17.0}}");
  back = lab_train_record_new_from_json (json, &error);
  g_assert_no_error (error);
  assert_same_record (r, back);
  g_assert_true (isnan (back->test.accuracy));
  again = lab_train_record_to_json (back);
  g_assert_cmpstr (again, ==, json);
}

/* A record of a run still going (the Train page saves one): the config and
 * the steps, no history, no init, no test. */
static void
test_record_minimal (void)
{
  g_autoptr(LabTrainRecord) r = lab_train_record_new (NULL, NULL);
  g_autoptr(LabTrainRecord) back = NULL;
  g_autofree char *json = NULL;

  r->steps = 9;
  json = lab_train_record_to_json (r);
  g_assert_cmpstr (json, ==,
                   "{\"dataset\":\"\",\"noise\":\"none\",\"seed\":0,\"epochs\":5,\"batch\":128,"
                   "\"lr\":0.001,\"optimizer\":\"adam\",\"limit\":0,\"steps\":9}");
  back = lab_train_record_new_from_json (json, NULL);
  g_assert_nonnull (back);
  assert_same_record (r, back);
  g_assert_false (back->has_test);
}

/* What is missing keeps its default, what is out of range is clamped, what
 * is unknown is left at the default; not an object is an error. */
static void
test_record_foreign (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabTrainRecord) empty = lab_train_record_new_from_json ("{}", &error);
  g_autoptr(LabTrainRecord) odd = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (empty->dataset, ==, "");
  g_assert_cmpuint (empty->config.epochs, ==, 5);
  g_assert_cmpuint (empty->config.batch, ==, 128);
  g_assert_cmpint (empty->config.noise.type, ==, LAB_NOISE_NONE);
  g_assert_null (empty->init);
  g_assert_null (empty->train_loss);

  odd = lab_train_record_new_from_json ("{\"epochs\":0,\"batch\":100000,\"noise\":\"bogus:2\","
                                        "\"optimizer\":\"lion\",\"seed\":-3,"
                                        "\"val_loss\":[0.5,null]}", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (odd->config.epochs, ==, 1);
  g_assert_cmpuint (odd->config.batch, ==, 4096);
  g_assert_cmpint (odd->config.noise.type, ==, LAB_NOISE_NONE);
  g_assert_cmpint (odd->config.optimizer, ==, LAB_OPTIM_ADAM);
  g_assert_cmpuint (odd->config.seed, ==, 0);
  /* one series is a history: the others are there, empty */
  g_assert_cmpuint (odd->train_loss->len, ==, 0);
  g_assert_cmpuint (odd->epoch_seconds->len, ==, 0);
  g_assert_cmpuint (odd->val_loss->len, ==, 2);
  g_assert_cmpfloat (g_array_index (odd->val_loss, double, 0), ==, 0.5);
  g_assert_true (isnan (g_array_index (odd->val_loss, double, 1)));

  g_assert_null (lab_train_record_new_from_json ("not json", &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
  g_clear_error (&error);
  g_assert_null (lab_train_record_new_from_json ("[1, 2]", &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
}

/* A real run: the record holds the trainer's history, and a model file
 * gives back the same record. */
static void
test_record_from_trainer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_presets_get ("cae-tiny", &error);
  g_autoptr(LabModel) model = NULL, loaded = NULL;
  g_autoptr(LabDataset) digits = lab_synthetic_digits_new (64, 1, &error);
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(LabTrainRecord) r = NULL, back = NULL;
  g_autofree char *json = NULL, *stored = NULL, *dir = NULL, *path = NULL;
  const LabEpochRecord *history;
  LabTrainConfig config;
  guint n_epochs;

  g_assert_no_error (error);
  model = lab_model_new (spec, &error);
  g_assert_no_error (error);
  lab_model_init (model, LAB_INIT_TORCH, 3);
  lab_train_config_init (&config);
  config.epochs = 2;
  config.batch = 16;
  config.seed = 3;
  config.val_fraction = 0.25;
  config.threads = 1;
  g_assert_true (lab_trainer_run (trainer, model, digits, NULL, &config, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  r = lab_train_record_new_from_trainer (trainer, &config, "synthetic", "torch");
  history = lab_trainer_get_history (trainer, &n_epochs);
  g_assert_cmpuint (n_epochs, ==, 2);
  g_assert_cmpuint (r->steps, ==, lab_trainer_get_steps (trainer));
  g_assert_cmpuint (r->steps, ==, 2 * 3);   /* 48 training images in batches of 16 */
  g_assert_cmpuint (r->train_loss->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (isfinite (history[i].train_loss) && history[i].train_loss > 0);
      g_assert_cmpfloat (g_array_index (r->train_loss, double, i), ==, history[i].train_loss);
      g_assert_cmpfloat (g_array_index (r->val_loss, double, i), ==, history[i].val_loss);
      g_assert_cmpfloat (g_array_index (r->epoch_seconds, double, i), ==, history[i].seconds);
    }
  json = lab_train_record_to_json (r);

  dir = g_dir_make_tmp ("latentlab-record-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "model.safetensors", NULL);
  g_assert_true (lab_model_save (model, path, json, &error));
  g_assert_no_error (error);
  loaded = lab_model_load (path, &stored, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpstr (stored, ==, json);
  back = lab_train_record_new_from_json (stored, &error);
  g_assert_no_error (error);
  assert_same_record (r, back);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  lab_test_private_tmpdir ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/train-record/round-trip", test_record_round_trip);
  g_test_add_func ("/train-record/minimal", test_record_minimal);
  g_test_add_func ("/train-record/foreign", test_record_foreign);
  g_test_add_func ("/train-record/from-trainer", test_record_from_trainer);
  return g_test_run ();
}
