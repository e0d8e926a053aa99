#include <math.h>
#include <string.h>

#include "lab-blas.h"
#include <glib/gstdio.h>

#include "lab-metrics.h"
#include "lab-presets.h"
#include "lab-synthetic.h"
#include "lab-task.h"
#include "lab-test-models.h"
#include "lab-test-system.h"
#include "lab-trainer.h"

static LabDataset *digits;   /* 2,000 synthetic digits, shared by the tests */

typedef struct
{
  GArray *losses;        /* double, every batch */
  guint   epoch_ends;
  guint   dones;
  guint   publishes;
  guint64 stop_at;       /* return FALSE at this step (0: never) */
  GCancellable *cancel_at_stop;
  LabModel *snapshot;    /* a copy taken at the last callback */
  double  last_val;
} Recorder;

static gboolean
record (const LabTrainProgress *p,
        gpointer                data)
{
  Recorder *r = data;

  switch (p->kind)
    {
    case LAB_TRAIN_BATCH:
      g_array_append_val (r->losses, p->loss);
      g_assert_cmpuint (p->batch, >=, 1);
      g_assert_cmpuint (p->batch, <=, p->n_batches);
      g_assert_true (isfinite (p->smoothed_loss));
      g_assert_cmpfloat (p->eta_seconds, >=, 0);
      break;
    case LAB_TRAIN_EPOCH_END:
      r->epoch_ends++;
      r->last_val = p->val_loss;
      break;
    case LAB_TRAIN_DONE:
      r->dones++;
      break;
    }
  if (p->publish)
    r->publishes++;
  if (r->snapshot)
    g_assert_true (lab_model_copy_params_from (r->snapshot, p->model));
  if (r->stop_at > 0 && p->step >= r->stop_at)
    {
      if (r->cancel_at_stop)
        {
          g_cancellable_cancel (r->cancel_at_stop);
          return TRUE;
        }
      return FALSE;
    }
  return TRUE;
}

static double
mean (GArray *a,
      guint   from,
      guint   n)
{
  double s = 0;

  for (guint i = from; i < from + n; i++)
    s += g_array_index (a, double, i);
  return s / n;
}

/* 200 Adam steps of cae-tiny on 2,000 digits: the mean loss of the last 20
 * batches is under 0.6 times that of the first 10. (It typically ends near
 * 0.3 times: 0.71 to 0.2.) */
static void
test_trainer_lowers_loss (void)
{
  g_autoptr(LabModel) model = lab_test_new_preset ("cae-tiny", 1);
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(GError) error = NULL;
  Recorder r = { g_array_new (FALSE, FALSE, sizeof (double)) };
  LabTrainConfig c;
  const LabEpochRecord *history;
  guint n_epochs;
  double first, last;

  lab_train_config_init (&c);
  c.epochs = 10;
  c.batch = 32;
  c.max_steps = 200;
  c.val_fraction = 0.1;
  c.seed = 4;
  g_assert_true (lab_trainer_run (trainer, model, digits, NULL, &c, record, &r, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (r.losses->len, ==, 200);
  g_assert_cmpuint (lab_trainer_get_steps (trainer), ==, 200);
  first = mean (r.losses, 0, 10);
  last = mean (r.losses, 190, 10);
  g_test_message ("cae-tiny: first 10 batches %.4f, last 10 %.4f (ratio %.2f)", first, last,
                  last / first);
  g_assert_cmpfloat (last, <, 0.6 * first);

  /* 1,800 training images in batches of 32: 57 per epoch, so 200 steps end
   * during epoch 4, which still gets its record. */
  history = lab_trainer_get_history (trainer, &n_epochs);
  g_assert_cmpuint (n_epochs, ==, 4);
  g_assert_cmpuint (r.epoch_ends, ==, 4);
  g_assert_cmpuint (r.dones, ==, 1);
  g_assert_cmpuint (history[3].steps, ==, 200);
  g_assert_true (isfinite (history[0].val_loss));
  g_assert_cmpfloat (history[3].val_loss, <, history[0].val_loss);
  g_assert_cmpfloat (history[3].train_loss, <, history[0].train_loss);
  g_assert_cmpfloat (history[0].images_per_s, >, 0);
  /* publish every 50 steps (4), at each epoch end (4) and when done (1) */
  g_assert_cmpuint (r.publishes, ==, 9);
  g_array_unref (r.losses);
}

static void
train_steps (LabModel *model,
             guint     steps,
             guint64   seed,
             const char *noise)
{
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(GError) error = NULL;
  LabTrainConfig c;

  lab_train_config_init (&c);
  c.batch = 25;
  c.limit = 500;
  c.max_steps = steps;
  c.seed = seed;
  g_assert_true (lab_noise_parse (noise, &c.noise, &error));
  g_assert_true (lab_trainer_run (trainer, model, digits, NULL, &c, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* The same seed gives the same weights, bit for bit; another seed does not. */
static void
test_trainer_deterministic (void)
{
  const char *presets[] = { "strided-dae", "vae-conv" };

  for (guint p = 0; p < G_N_ELEMENTS (presets); p++)
    {
      g_autoptr(LabModel) a = lab_test_new_preset (presets[p], 2);
      g_autoptr(LabModel) b = lab_test_new_preset (presets[p], 2);
      g_autoptr(LabModel) c = lab_test_new_preset (presets[p], 2);
      gsize bytes = lab_model_n_params (a) * sizeof (float);

      train_steps (a, 40, 7, "gaussian:0.5");
      train_steps (b, 40, 7, "gaussian:0.5");
      train_steps (c, 40, 8, "gaussian:0.5");
      g_assert_cmpmem (lab_model_params (a), bytes, lab_model_params (b), bytes);
      g_assert_true (memcmp (lab_model_params (a), lab_model_params (c), bytes) != 0);
    }
}

/* Stopping keeps the weights of the last step: they equal the copy the
 * callback took when it asked to stop, and evaluate the same. */
static void
test_trainer_cancel_keeps_weights (void)
{
  for (guint how = 0; how < 2; how++)
    {
      g_autoptr(LabModel) model = lab_test_new_preset ("strided-dae", 3);
      g_autoptr(LabTrainer) trainer = lab_trainer_new ();
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GError) error = NULL;
      Recorder r = { g_array_new (FALSE, FALSE, sizeof (double)) };
      LabEvalResult ea, eb;
      LabNoise noise = { LAB_NOISE_GAUSSIAN, 0.3f };
      LabTrainConfig c;

      r.snapshot = lab_model_copy (model, 0);
      r.stop_at = 15;
      r.cancel_at_stop = how == 1 ? cancellable : NULL;
      lab_train_config_init (&c);
      c.batch = 20;
      c.limit = 1000;
      g_assert_false (lab_trainer_run (trainer, model, digits, NULL, &c, record, &r,
                                       cancellable, &error));
      g_assert_error (error, LAB_ERROR, LAB_ERROR_CANCELLED);
      g_assert_cmpuint (lab_trainer_get_steps (trainer), ==, 15);
      g_assert_cmpuint (r.dones, ==, 0);
      g_assert_cmpmem (lab_model_params (model), lab_model_n_params (model) * 4,
                       lab_model_params (r.snapshot), lab_model_n_params (model) * 4);

      /* Same weights; the two models run different batch sizes (20 and
       * 256), which may change GEMM rounding in the last bits only. */
      g_assert_true (lab_evaluate (model, digits, &noise, 1234, 300, &ea, NULL, NULL));
      g_assert_true (lab_evaluate (r.snapshot, digits, &noise, 1234, 300, &eb, NULL, NULL));
      g_assert_cmpfloat_with_epsilon (ea.mse, eb.mse, 1e-9);
      g_assert_cmpfloat_with_epsilon (ea.bce, eb.bce, 1e-9);
      lab_model_free (r.snapshot);
      g_array_unref (r.losses);
    }
}

/* lr = 1e6 blows cae-tiny up within a few steps: a clear error, and the
 * weights from before (here the initial ones) stay, finite. */
static void
test_trainer_divergence (void)
{
  g_autoptr(LabModel) model = lab_test_new_preset ("cae-tiny", 5);
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(GError) error = NULL;
  g_autofree float *initial = g_memdup2 (lab_model_params (model),
                                         lab_model_n_params (model) * sizeof (float));
  LabTrainConfig c;

  lab_train_config_init (&c);
  c.lr = 1e6;
  c.batch = 32;
  c.limit = 1000;
  c.epochs = 2;
  g_assert_false (lab_trainer_run (trainer, model, digits, NULL, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_DIVERGED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Training diverged at epoch 1, batch "));
  g_assert_nonnull (strstr (error->message, "The weights from before are kept; try a lower "
                                            "learning rate (now 1e+06)."));
  g_assert_true (lab_model_is_finite (model));
  g_assert_cmpuint (lab_trainer_get_steps (trainer), <, 50);
  g_assert_cmpmem (lab_model_params (model), lab_model_n_params (model) * 4,
                   initial, lab_model_n_params (model) * 4);
}

typedef struct
{
  LabTrainer   *trainer;
  LabModel     *model;
  GCancellable *cancellable;
  gint          steps;      /* atomic */
  gboolean      ok;
  GError       *error;
} Job;

static gboolean
count_steps (const LabTrainProgress *p,
             gpointer                data)
{
  Job *job = data;

  if (p->kind == LAB_TRAIN_BATCH)
    {
      g_atomic_int_set (&job->steps, (gint) p->step);
      /* Any thread may pause; doing it here makes the stop exact. */
      if (p->step == 3)
        lab_trainer_pause (job->trainer);
    }
  return TRUE;
}

static gpointer
run_job (gpointer data)
{
  Job *job = data;
  LabTrainConfig c;

  lab_train_config_init (&c);
  c.batch = 10;
  c.limit = 400;
  c.epochs = 3;
  job->ok = lab_trainer_run (job->trainer, job->model, digits, NULL, &c, count_steps, job,
                             job->cancellable, &job->error);
  return NULL;
}

static void
wait_for_step (Job  *job,
               gint  step)
{
  for (int i = 0; i < 2000 && g_atomic_int_get (&job->steps) < step; i++)
    g_usleep (5000);
  g_assert_cmpint (g_atomic_int_get (&job->steps), >=, step);
}

/* Pause from another thread holds the worker between batches; resume goes
 * on to the end; cancelling a paused run ends it at once. */
static void
test_trainer_pause_resume (void)
{
  for (guint cancel = 0; cancel < 2; cancel++)
    {
      g_autoptr(LabModel) model = lab_test_new_preset ("strided-dae", 6);
      g_autoptr(LabTrainer) trainer = lab_trainer_new ();
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      Job job = { trainer, model, cancellable, 0, FALSE, NULL };
      GThread *thread;
      gint held;
      gint64 t0;

      thread = g_thread_new ("train", run_job, &job);
      wait_for_step (&job, 3);
      g_assert_true (lab_trainer_is_paused (trainer));
      g_usleep (300 * 1000);
      held = g_atomic_int_get (&job.steps);
      g_assert_cmpint (held, ==, 3);

      t0 = g_get_monotonic_time ();
      if (cancel)
        g_cancellable_cancel (cancellable);
      else
        lab_trainer_resume (trainer);
      g_thread_join (thread);
      if (cancel)
        {
          /* woken within its 100 ms poll, not left waiting */
          g_assert_cmpint (g_get_monotonic_time () - t0, <, 2 * G_USEC_PER_SEC);
          g_assert_false (job.ok);
          g_assert_error (job.error, LAB_ERROR, LAB_ERROR_CANCELLED);
          g_assert_cmpint (g_atomic_int_get (&job.steps), ==, held);
        }
      else
        {
          g_assert_no_error (job.error);
          g_assert_true (job.ok);
          g_assert_cmpint (g_atomic_int_get (&job.steps), ==, 120);
        }
      g_clear_error (&job.error);
    }
}

/* The classifier learns digits from labels; the evaluation reports accuracy. */
static void
test_trainer_classifier (void)
{
  g_autoptr(LabModel) model = lab_test_new_preset ("cnn-baseline", 7);
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(GError) error = NULL;
  LabEvalResult before, after;
  LabNoise none = { LAB_NOISE_NONE, 0 };
  LabTrainConfig c;

  g_assert_true (lab_evaluate (model, digits, &none, 1, 500, &before, NULL, &error));
  lab_train_config_init (&c);
  c.batch = 32;
  c.epochs = 3;
  c.seed = 2;
  g_assert_true (lab_trainer_run (trainer, model, digits, NULL, &c, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (lab_evaluate (model, digits, &none, 1, 500, &after, NULL, &error));
  g_test_message ("cnn-baseline accuracy %.3f -> %.3f, CE %.3f -> %.3f", before.accuracy,
                  after.accuracy, before.loss, after.loss);
  g_assert_cmpfloat (before.accuracy, <, 0.3);
  g_assert_cmpfloat (after.accuracy, >, 0.6);
  g_assert_cmpfloat (after.loss, <, 0.5 * before.loss);
  g_assert_true (isnan (after.mse));
}

/* Weight decay reaches the optimizer: one plain SGD step from the same
 * weights on the same batch, with and without decay, differs by
 * lr * decay * w for every weight w (PyTorch's L2 added to the gradient). */
static void
test_trainer_weight_decay (void)
{
  g_autoptr(LabModel) a = lab_test_new_preset ("cnn-baseline", 7);
  g_autoptr(LabModel) b = lab_test_new_preset ("cnn-baseline", 7);
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(GError) error = NULL;
  g_autofree float *w0 = g_memdup2 (lab_model_params (a), lab_model_n_params (a) * sizeof (float));
  const double lr = 0.1, decay = 0.5;
  LabTrainConfig c;

  lab_train_config_init (&c);
  c.optimizer = LAB_OPTIM_SGD;
  c.momentum = 0;
  c.lr = lr;
  c.batch = 16;
  c.limit = 16;
  c.max_steps = 1;
  c.threads = 1;
  g_assert_true (lab_trainer_run (trainer, a, digits, NULL, &c, NULL, NULL, NULL, &error));
  c.weight_decay = decay;
  g_assert_true (lab_trainer_run (trainer, b, digits, NULL, &c, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < lab_model_n_params (a); i++)
    g_assert_cmpfloat_with_epsilon (lab_model_params (a)[i] - lab_model_params (b)[i],
                                    lr * decay * w0[i], 1e-6);
  c.weight_decay = -1;
  g_assert_false (lab_trainer_run (trainer, b, digits, NULL, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

/* Evaluation: the means of per-image metrics, the same for any batch size. */
static void
test_trainer_evaluate (void)
{
  g_autoptr(LabModel) a = lab_test_new_preset ("strided-dae", 8);
  g_autoptr(LabModel) b = lab_model_copy (a, 7);
  g_autoptr(GError) error = NULL;
  LabNoise noise = { LAB_NOISE_GAUSSIAN, 0.5f };
  LabEvalResult ra, rb, rc;
  guint idx[5] = { 0, 1, 2, 3, 4 };
  float input[5 * 784], target[5 * 784], clean[5 * 784];
  double mse = 0, psnr = 0, per[5];
  const float *out;

  g_assert_true (lab_evaluate (a, digits, &noise, 1234, 5, &ra, NULL, &error));
  g_assert_true (lab_evaluate (b, digits, &noise, 1234, 5, &rb, NULL, &error));
  g_assert_cmpuint (ra.n_images, ==, 5);
  g_assert_cmpfloat_with_epsilon (ra.mse, rb.mse, 1e-12);
  g_assert_cmpfloat_with_epsilon (ra.bce, rb.bce, 1e-12);
  g_assert_true (isnan (ra.accuracy));

  /* By hand: the same noisy batch, per-image MSE and PSNR. */
  lab_task_prepare_batch (LAB_TASK_RECONSTRUCT, a, digits, idx, 5, &noise, NULL, 1234,
                          input, target, clean);
  g_assert_cmpmem (target, sizeof target, clean, sizeof clean);
  out = lab_model_forward (a, input, 5, FALSE);
  lab_loss_per_image (out, clean, 5, 784, per, NULL);
  for (int i = 0; i < 5; i++)
    {
      mse += per[i] / 5;
      psnr += 10 * log10 (1 / per[i]) / 5;
    }
  g_assert_cmpfloat_with_epsilon (ra.mse, mse, 1e-9);
  g_assert_cmpfloat_with_epsilon (ra.psnr, psnr, 1e-9);
  g_assert_cmpfloat_with_epsilon (ra.loss, ra.mse, 1e-9);   /* an mse model */

  /* Another seed, other noise. */
  g_assert_true (lab_evaluate (a, digits, &noise, 99, 5, &rc, NULL, &error));
  g_assert_cmpfloat (rc.mse, !=, ra.mse);
}

static void
test_trainer_tasks (void)
{
  g_autoptr(LabModel) sr = lab_test_new_preset ("sr-ae", 1);
  g_autoptr(LabModel) cae = lab_test_new_preset ("cae-tiny", 1);
  g_autoptr(LabDataset) small = NULL;
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(GError) error = NULL;
  const float img[16] = { 0, 1, 0, 0,
                          1, 0, 0, 0,
                          1, 1, 0.5f, 0.5f,
                          1, 1, 0.5f, 0.5f };
  float half[4];
  LabTrainConfig c;
  LabTask task;

  g_assert_true (lab_task_for (sr, digits, &task, &error));
  g_assert_cmpint (task, ==, LAB_TASK_SUPER_RESOLVE);
  g_assert_true (lab_task_for (cae, digits, &task, &error));
  g_assert_cmpint (task, ==, LAB_TASK_RECONSTRUCT);
  lab_task_make_input (LAB_TASK_SUPER_RESOLVE, img, 1, 4, 4, half);
  g_assert_cmpfloat (half[0], ==, 0.5f);
  g_assert_cmpfloat (half[1], ==, 0.0f);
  g_assert_cmpfloat (half[2], ==, 1.0f);
  g_assert_cmpfloat (half[3], ==, 0.5f);

  /* sr-ae trains on 14x14 inputs against 28x28 targets. */
  lab_train_config_init (&c);
  c.batch = 16;
  c.max_steps = 3;
  g_assert_true (lab_trainer_run (trainer, sr, digits, NULL, &c, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Images of the wrong size are refused before any training, in words. */
  small = lab_dataset_new ("faces", 10, 14, 14, FALSE, &error);
  g_assert_no_error (error);
  g_assert_false (lab_trainer_run (trainer, cae, small, NULL, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "“cae-tiny” produces 28×28×1 images, but the images are 14×14"));
  g_assert_nonnull (strstr (error->message, "faces"));
  g_clear_error (&error);

  c.lr = -1;
  g_assert_false (lab_trainer_run (trainer, cae, digits, NULL, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

static void
test_trainer_metrics_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-trainer-XXXXXX", &error);
  g_autofree char *jsonl = g_build_filename (dir, "run.jsonl", NULL);
  g_autofree char *csv = g_build_filename (dir, "run.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(LabMetricsWriter) w = NULL;
  g_autoptr(LabMetricsWriter) wc = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_auto(GStrv) lines = NULL;
  LabEpochRecord r1 = { 1, 0.25, 0.2, 12.5, 4800, 469 };
  LabEpochRecord r2 = { 2, 0.125, NAN, 12.0, 5000, 938 };
  JsonObject *obj;

  w = lab_metrics_writer_new (jsonl, &error);
  g_assert_no_error (error);
  g_assert_true (lab_metrics_writer_append (w, &r1, &error));
  g_assert_true (lab_metrics_writer_append (w, &r2, &error));
  /* Under its name only once finished. */
  g_assert_false (g_file_test (jsonl, G_FILE_TEST_EXISTS));
  g_assert_true (lab_metrics_writer_finish (g_steal_pointer (&w), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (jsonl, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  node = json_from_string (lines[1], &error);
  g_assert_no_error (error);
  obj = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (obj, "epoch"), ==, 2);
  g_assert_cmpfloat (json_object_get_double_member (obj, "train_loss"), ==, 0.125);
  g_assert_true (json_object_get_null_member (obj, "val_loss"));
  g_assert_cmpint (json_object_get_int_member (obj, "steps"), ==, 938);

  wc = lab_metrics_writer_new (csv, &error);
  g_assert_true (lab_metrics_writer_append (wc, &r1, &error));
  g_assert_true (lab_metrics_writer_append (wc, &r2, &error));
  g_assert_true (lab_metrics_writer_finish (g_steal_pointer (&wc), &error));
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==,
                   "epoch,train_loss,val_loss,seconds,images_per_s,steps\n"
                   "1,0.25,0.2,12.5,4800,469\n"
                   "2,0.125,,12,5000,938\n");

  /* Freed unfinished: dropped, the finished file as it was. */
  wc = lab_metrics_writer_new (csv, &error);
  g_assert_true (lab_metrics_writer_append (wc, &r1, &error));
  g_clear_pointer (&wc, lab_metrics_writer_free);
  {
    g_autofree char *again = NULL;
    g_autofree char *names = lab_test_list_dir (dir);

    g_assert_true (g_file_get_contents (csv, &again, NULL, NULL));
    g_assert_cmpstr (again, ==, contents);
    g_assert_cmpstr (names, ==, "run.csv run.jsonl");
  }

  g_assert_null (lab_metrics_writer_new ("/nonexistent-dir/run.csv", &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "run.csv: cannot save (No such file or directory)");
  g_remove (jsonl);
  g_remove (csv);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Bit-identical runs are promised for a fixed thread count; the model
   * keeps OpenBLAS at one thread inside its own data-parallel lanes. */
  lab_blas_set_threads (1);
  digits = lab_synthetic_digits_new (2000, 1, &error);
  g_assert_no_error (error);

  g_test_add_func ("/trainer/lowers-loss", test_trainer_lowers_loss);
  g_test_add_func ("/trainer/deterministic", test_trainer_deterministic);
  g_test_add_func ("/trainer/cancel", test_trainer_cancel_keeps_weights);
  g_test_add_func ("/trainer/divergence", test_trainer_divergence);
  g_test_add_func ("/trainer/pause-resume", test_trainer_pause_resume);
  g_test_add_func ("/trainer/classifier", test_trainer_classifier);
  g_test_add_func ("/trainer/weight-decay", test_trainer_weight_decay);
  g_test_add_func ("/trainer/evaluate", test_trainer_evaluate);
  g_test_add_func ("/trainer/tasks", test_trainer_tasks);
  g_test_add_func ("/trainer/metrics-files", test_trainer_metrics_files);
  status = g_test_run ();
  lab_dataset_unref (digits);
  return status;
}
