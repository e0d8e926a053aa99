/* Cancel at any moment: training (two lanes), t-SNE (two threads, exact and
 * Barnes-Hut), the loss-vs-noise sweep, a classifier (RBF SVM, linear SVM,
 * logistic regression, k-NN: fit then predict, two threads) and UMAP (two
 * threads) each start on a worker thread, as the app's jobs run them, and
 * are cancelled after a random delay, sometimes before they start and
 * sometimes while training is paused; 100 runs in all. Each must return
 * within seconds (no hang), either finished or with LAB_ERROR_CANCELLED,
 * leave its model (or its points) finite and usable, and, in the sanitized
 * build, leak nothing and touch no freed memory.
 *
 * libsvm cannot be interrupted inside one binary problem, so the RBF SVM
 * solves its one-vs-one pairs in child processes that a cancel kills: the
 * slowest stop of the SVM must be well under one whole fit, and a fit of
 * one huge pair stops within seconds (/cancel/svm-fit). liblinear's one
 * call is not interruptible; its fits here take milliseconds. */

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "lab-classifier.h"
#include "lab-noise-sweep.h"
#include "lab-synthetic.h"
#include "lab-test-models.h"
#include "lab-tsne.h"
#include "lab-umap.h"

#define RUNS          100
#define MAX_DELAY_US  15000
/* A cancelled job that has not returned by then hangs. */
#define HANG_SECONDS  30

typedef enum { TASK_TRAIN, TASK_TSNE, TASK_SWEEP, TASK_CLASSIFY, TASK_UMAP, N_TASKS } Task;

static const char * const task_names[N_TASKS] = { "train", "t-SNE", "sweep", "classifier", "UMAP" };

static LabDataset *digits;   /* 256 synthetic digits */
static float      *points;   /* (TSNE_N, TSNE_DIM) for t-SNE and UMAP */
#define TSNE_N   300
#define TSNE_DIM 10
/* Five overlapping classes, so the SVM keeps many support vectors and its
 * ten pairs take tens of milliseconds each (a whole fit a few tenths of
 * a second). */
static float      *cls_x;    /* (CLS_N, CLS_DIM) */
static guint8     *cls_y;    /* (CLS_N) below CLS_CLASSES */
#define CLS_N       3000
#define CLS_DIM     10
#define CLS_CLASSES 5

static const char tiny_dense[] =
  "{\"name\":\"cancel-dense\",\"input\":[1,28,28],\"loss\":\"bce\",\"encoder_layers\":3,\"layers\":["
  "{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":16},{\"type\":\"relu\"},"
  "{\"type\":\"dense\",\"units\":784},{\"type\":\"sigmoid\"},{\"type\":\"reshape\",\"shape\":[1,28,28]}]}";

typedef struct
{
  Task          task;
  guint         run;
  LabModel     *model;
  LabTrainer   *trainer;
  GCancellable *cancellable;
  LabClassifierKind kind;   /* TASK_CLASSIFY */
  gboolean      ok;
  GError       *error;
  float        *y;
  guint8       *labels;     /* TASK_CLASSIFY: predictions */

  GMutex        lock;
  GCond         cond;
  gboolean      done;
} Job;

/* A classifier of kind fitted to the classes' points on two threads, then
 * their predictions, as a classification run does. */
static gboolean
fit_and_predict (LabClassifierKind   kind,
                 guint8             *labels,
                 GCancellable       *cancellable,
                 GError            **error)
{
  g_autoptr(LabClassifier) classifier = NULL;
  LabClassifierConfig config;

  lab_classifier_config_init (&config, kind);
  config.n_threads = 2;
  config.keep_unconverged = TRUE;
  classifier = lab_classifier_fit (&config, cls_x, cls_y, CLS_N, CLS_DIM, CLS_CLASSES,
                                   NULL, NULL, cancellable, error);
  return classifier != NULL
         && lab_classifier_predict (classifier, cls_x, CLS_N, labels, NULL, NULL, cancellable, error);
}

static gpointer
job_thread (gpointer data)
{
  Job *job = data;

  switch (job->task)
    {
    case TASK_TRAIN:
      {
        LabTrainConfig config;

        lab_train_config_init (&config);
        config.epochs = 1000;          /* never finishes on its own in time */
        config.batch = 32;
        config.threads = 2;            /* two lanes share every batch */
        config.noise.type = LAB_NOISE_GAUSSIAN;
        config.noise.amount = 0.3f;
        config.val_fraction = 0.1;
        config.seed = job->run;
        job->ok = lab_trainer_run (job->trainer, job->model, digits, NULL, &config,
                                   NULL, NULL, job->cancellable, &job->error);
        break;
      }
    case TASK_TSNE:
      {
        LabTsneConfig config;

        lab_tsne_config_init (&config);
        config.perplexity = 10;
        config.n_threads = 2;
        config.pca_components = 0;
        config.seed = job->run;
        config.method = job->run % 2 ? LAB_TSNE_METHOD_EXACT : LAB_TSNE_METHOD_BARNES_HUT;
        job->y = g_new0 (float, TSNE_N * 2);   /* a run cancelled before it starts leaves it */
        job->ok = lab_tsne_run (points, TSNE_N, TSNE_DIM, &config, job->y, NULL, NULL, NULL,
                                job->cancellable, &job->error);
        break;
      }
    case TASK_SWEEP:
      {
        LabNoiseSweepConfig config;
        LabNoiseSweepPoint sweep[LAB_NOISE_SWEEP_MAX_LEVELS];

        lab_noise_sweep_config_init (&config);
        config.n_levels = LAB_NOISE_SWEEP_MAX_LEVELS;
        config.n_images = 0;
        job->ok = lab_noise_sweep_run (job->model, digits, &config, sweep, NULL, NULL,
                                       job->cancellable, &job->error);
        break;
      }
    case TASK_CLASSIFY:
      job->labels = g_new0 (guint8, CLS_N);
      job->ok = fit_and_predict (job->kind, job->labels, job->cancellable, &job->error);
      break;
    case TASK_UMAP:
      {
        LabUmapConfig config;

        lab_umap_config_init (&config);
        config.n_threads = 2;
        config.seed = job->run;
        job->y = g_new0 (float, TSNE_N * 2);
        job->ok = lab_umap_run (points, TSNE_N, TSNE_DIM, &config, job->y, NULL, NULL, NULL,
                                job->cancellable, &job->error);
        break;
      }
    default:
      g_assert_not_reached ();
    }

  g_mutex_lock (&job->lock);
  job->done = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
  return NULL;
}

/* The model after a stop: finite, and a forward pass on real images gives
 * finite outputs in [0, 1]. */
static void
check_model_usable (LabModel *model)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *x = g_new (float, 4 * 28 * 28);
  const guint first[4] = { 0, 1, 2, 3 };
  const float *y;

  g_assert_true (lab_model_is_finite (model));
  if (lab_model_get_batch (model) < 4)
    g_assert_true (lab_model_set_batch (model, 4, &error));
  g_assert_no_error (error);
  lab_dataset_to_float (digits, first, 4, x);
  y = lab_model_forward (model, x, 4, FALSE);
  for (guint i = 0; i < 4 * 28 * 28; i++)
    g_assert_true (isfinite (y[i]) && y[i] >= 0.0f && y[i] <= 1.0f);
}

static void
test_cancel_any_moment (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261202);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_spec_new_from_string (tiny_dense, -1, "cancel-dense", &error);
  guint finished[N_TASKS] = { 0 }, cancelled[N_TASKS] = { 0 };
  double worst[N_TASKS] = { 0 };   /* ms from the cancel to the thread's end */
  double worst_kind[LAB_CLASSIFIER_N_KINDS] = { 0 };
  double svm_fit_ms = G_MAXDOUBLE;
  GString *summary = g_string_new (NULL);

  g_assert_no_error (error);
  /* One whole RBF SVM fit (and its predictions), the best of two, is
   * what the SVM's slowest stop is measured against. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree guint8 *labels = g_new (guint8, CLS_N);
      gint64 start = g_get_monotonic_time ();
      guint right = 0;

      g_assert_true (fit_and_predict (LAB_CLASSIFIER_SVM_RBF, labels, NULL, &error));
      g_assert_no_error (error);
      svm_fit_ms = MIN (svm_fit_ms, (g_get_monotonic_time () - start) / 1000.0);
      for (guint r = 0; r < CLS_N; r++)
        right += labels[r] == cls_y[r];
      /* Overlapping, but far better than the 20% of chance. */
      g_assert_cmpuint (right, >, CLS_N / 2);
    }

  for (guint run = 0; run < RUNS; run++)
    {
      Job job = { .task = run % N_TASKS, .run = run,
                  .kind = (run / N_TASKS) % LAB_CLASSIFIER_N_KINDS };
      guint delay = g_rand_int_range (rand, 0, MAX_DELAY_US);
      gboolean early = g_rand_int_range (rand, 0, 10) == 0;     /* cancelled before it starts */
      gboolean paused = job.task == TASK_TRAIN && g_rand_boolean (rand);
      GThread *thread;
      gint64 deadline, cancelled_at;
      double latency;

      g_mutex_init (&job.lock);
      g_cond_init (&job.cond);
      job.cancellable = g_cancellable_new ();
      job.model = lab_model_new (spec, &error);
      g_assert_no_error (error);
      lab_model_init (job.model, LAB_INIT_TORCH, run);
      job.trainer = lab_trainer_new ();
      if (early)
        g_cancellable_cancel (job.cancellable);

      thread = g_thread_new ("cancel-job", job_thread, &job);
      g_usleep (delay);
      if (paused)
        {
          /* Stop pressed while paused: the paused run must still notice. */
          lab_trainer_pause (job.trainer);
          g_usleep (delay / 4);
        }
      g_cancellable_cancel (job.cancellable);
      cancelled_at = g_get_monotonic_time ();

      deadline = g_get_monotonic_time () + HANG_SECONDS * G_TIME_SPAN_SECOND;
      g_mutex_lock (&job.lock);
      while (!job.done)
        if (!g_cond_wait_until (&job.cond, &job.lock, deadline))
          g_error ("run %u (task %u, cancelled after %u us%s) hangs", run, job.task, delay,
                   paused ? ", paused" : "");
      g_mutex_unlock (&job.lock);
      g_thread_join (thread);
      latency = (g_get_monotonic_time () - cancelled_at) / 1000.0;
      worst[job.task] = MAX (worst[job.task], latency);
      if (job.task == TASK_CLASSIFY)
        worst_kind[job.kind] = MAX (worst_kind[job.kind], latency);

      if (job.ok)
        {
          g_assert_no_error (job.error);
          finished[job.task]++;
        }
      else
        {
          g_assert_error (job.error, LAB_ERROR, LAB_ERROR_CANCELLED);
          cancelled[job.task]++;
        }
      if (job.task == TASK_TSNE || job.task == TASK_UMAP)
        for (guint i = 0; i < TSNE_N * 2; i++)
          g_assert_true (isfinite (job.y[i]));
      if (job.task == TASK_CLASSIFY && job.ok)
        for (guint i = 0; i < CLS_N; i++)
          g_assert_cmpuint (job.labels[i], <, CLS_CLASSES);
      /* Whatever was stopped, the model is fine (the others do not touch it). */
      check_model_usable (job.model);

      g_clear_error (&job.error);
      g_free (job.y);
      g_free (job.labels);
      lab_trainer_free (job.trainer);
      lab_model_free (job.model);
      g_object_unref (job.cancellable);
      g_mutex_clear (&job.lock);
      g_cond_clear (&job.cond);
    }
  /* Training never runs its 1000 epochs in 15 ms: every one was stopped. */
  g_assert_cmpuint (finished[TASK_TRAIN], ==, 0);
  g_assert_cmpuint (cancelled[TASK_TRAIN], ==, RUNS / N_TASKS);
  for (guint t = 0; t < N_TASKS; t++)
    {
      g_assert_cmpuint (finished[t] + cancelled[t], ==, RUNS / N_TASKS);
      g_assert_cmpuint (cancelled[t], >, 0);
      g_string_append_printf (summary, "%s %u/%u (%.0f ms)%s", task_names[t], cancelled[t],
                              finished[t], worst[t], t + 1 < N_TASKS ? ", " : "");
    }
  g_test_message ("cancelled / finished (slowest stop): %s", summary->str);
  g_test_message ("slowest stop of each classifier: RBF SVM %.0f ms (a whole fit and "
                  "prediction %.0f ms), linear SVM %.0f ms, logistic %.0f ms, k-NN %.0f ms",
                  worst_kind[LAB_CLASSIFIER_SVM_RBF], svm_fit_ms,
                  worst_kind[LAB_CLASSIFIER_SVM_LINEAR], worst_kind[LAB_CLASSIFIER_LOGISTIC],
                  worst_kind[LAB_CLASSIFIER_KNN]);
  /* The SVM stops between pairs: at worst it finishes the two it is
   * solving (of ten, the largest first), not the fit. */
  g_assert_cmpfloat (worst_kind[LAB_CLASSIFIER_SVM_RBF], <, svm_fit_ms / 2);
  g_string_free (summary, TRUE);
}

/* A fit of 10,000 points of 50 values in two overlapping classes: one
 * libsvm problem of all of them, which takes minutes uncancelled (235 s
 * with the pairs trainer, 164 s with libsvm's own, measured niced on a
 * loaded 2-core machine), cancelled 300 ms in. The fit runs in a child
 * process that the cancel kills: it must return LAB_ERROR_CANCELLED within
 * 3 s of the cancel (a few milliseconds on a quiet machine; 3 s leaves
 * room for a loaded one), with no child process left. */
#define BIG_N   10000
#define BIG_DIM 50

typedef struct
{
  const float   *x;
  const guint8  *y;
  LabSvmTrainer  trainer;
  GCancellable  *cancellable;
  GError        *error;
  gboolean       ok;
  gint64         returned;    /* monotonic, microseconds */
} BigFit;

static gpointer
big_fit_thread (gpointer data)
{
  BigFit *fit = data;
  g_autoptr(LabClassifier) classifier = NULL;
  LabClassifierConfig config;

  lab_classifier_config_init (&config, LAB_CLASSIFIER_SVM_RBF);
  config.n_threads = 2;
  config.svm_trainer = fit->trainer;
  classifier = lab_classifier_fit (&config, fit->x, fit->y, BIG_N, BIG_DIM, 2,
                                   NULL, NULL, fit->cancellable, &fit->error);
  fit->ok = classifier != NULL;
  fit->returned = g_get_monotonic_time ();
  return NULL;
}

static void
test_cancel_svm_fit (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autofree float *x = g_new (float, BIG_N * BIG_DIM);
  g_autofree guint8 *y = g_new (guint8, BIG_N);
  const LabSvmTrainer trainers[] = { LAB_SVM_PAIRS, LAB_SVM_LIBSVM };

  for (guint i = 0; i < BIG_N; i++)
    {
      y[i] = i % 2;
      for (guint j = 0; j < BIG_DIM; j++)
        x[i * BIG_DIM + j] = (float) g_rand_double_range (rand, -1.0, 1.0) + (j == 0 ? 0.3f * y[i] : 0);
    }
  for (guint t = 0; t < G_N_ELEMENTS (trainers); t++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      BigFit fit = { x, y, trainers[t], cancellable };
      GThread *thread = g_thread_new ("big-fit", big_fit_thread, &fit);
      gint64 cancelled;
      int status;

      g_usleep (300 * 1000);
      cancelled = g_get_monotonic_time ();
      g_cancellable_cancel (cancellable);
      g_thread_join (thread);
      g_test_message ("%s: returned %.1f ms after the cancel",
                      trainers[t] == LAB_SVM_PAIRS ? "pairs" : "libsvm",
                      (fit.returned - cancelled) / 1000.0);
      g_assert_false (fit.ok);
      g_assert_error (fit.error, LAB_ERROR, LAB_ERROR_CANCELLED);
      g_clear_error (&fit.error);
      g_assert_cmpint (fit.returned - cancelled, <, 3 * G_USEC_PER_SEC);
      /* The child is gone and reaped: this process has no children. */
      g_assert_cmpint (waitpid (-1, &status, WNOHANG), ==, -1);
      g_assert_cmpint (errno, ==, ECHILD);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  int status;

  g_test_init (&argc, &argv, NULL);
  digits = lab_synthetic_digits_new (256, 3, &error);
  g_assert_no_error (error);
  points = g_new (float, TSNE_N * TSNE_DIM);
  for (guint i = 0; i < TSNE_N * TSNE_DIM; i++)
    points[i] = (float) g_rand_double_range (rand, -1.0, 1.0) + (float) (i / TSNE_DIM % 5);
  cls_x = g_new (float, CLS_N * CLS_DIM);
  cls_y = g_new (guint8, CLS_N);
  for (guint i = 0; i < CLS_N; i++)
    {
      cls_y[i] = i % CLS_CLASSES;
      for (guint j = 0; j < CLS_DIM; j++)
        cls_x[i * CLS_DIM + j] = (float) g_rand_double_range (rand, -1.0, 1.0)
                                 + (j < 2 ? 0.6f * (cls_y[i] >> j & 1) + 0.3f * (cls_y[i] == 4) : 0);
    }
  g_test_add_func ("/cancel/any-moment", test_cancel_any_moment);
  g_test_add_func ("/cancel/svm-fit", test_cancel_svm_fit);
  status = g_test_run ();
  g_free (points);
  g_free (cls_x);
  g_free (cls_y);
  lab_dataset_unref (digits);
  return status;
}
