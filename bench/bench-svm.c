/* The RBF SVM on an autoencoder's latents against scikit-learn's SVC.
 *
 * 1. A convae-bn model: the file in $BENCH_SVM_MODEL (e.g. the 5-epoch
 *    model of the README's accuracy table), else one trained here briefly:
 *    one epoch over the first 12,800 MNIST training images (batch 128, Adam
 *    1e-3, seed 0), which already gives well-separated latents.
 * 2. Its 64-d latents of N MNIST training images (all 60,000 unless
 *    $BENCH_SVM_N says otherwise) and the 10,000 test images.
 * 3. Ours: C = 10, gamma 'scale', the pairs on 2 threads, predicted by
 *    GEMMs; then libsvm's own serial svm_train on the same latents (at the
 *    classroom size only, unless $BENCH_SVM_SERIAL=all): does splitting
 *    the pairs pay off?
 * 4. scikit-learn's SVC(C=10, gamma='scale') on the same latents, written
 *    to a file for bench/svm_ref.py, when /usr/bin/python3 has sklearn.
 *    $BENCH_SVM_CACHE sets libsvm's kernel cache per child process (MB).
 * 5. The classroom run: what the Classify page does by default (10,000
 *    training latents, RBF SVM, encoding included) against its 15 s target.
 *
 * Prints the times, accuracies and ratios. Benchmarks only: a missing
 * dataset or reference is reported, exit 0. */
#define G_LOG_DOMAIN "latentlab-bench"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <sys/resource.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-blas.h"
#include "lab-classify.h"
#include "lab-dataset-open.h"
#include "lab-embedding.h"
#include "lab-model-io.h"
#include "lab-presets.h"
#include "lab-trainer.h"

#define PYTHON "/usr/bin/python3"
#define CLASSROOM_N 10000
#define CLASSROOM_TARGET 15.0

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* CPU seconds of this process and of its finished children (the SVM's
 * fit runs in child processes, reaped when it ends): on a machine shared
 * with other work, the figure that does not depend on how much of the
 * cores we were given. */
static double
cpu_seconds (void)
{
  double total = 0;

  for (guint k = 0; k < 2; k++)
    {
      struct rusage u;

      getrusage (k == 0 ? RUSAGE_SELF : RUSAGE_CHILDREN, &u);
      total += u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    }
  return total;
}

/* The peak resident memory in MB of this process (who = RUSAGE_SELF) or
 * of the largest of its finished children (RUSAGE_CHILDREN). */
static double
peak_rss_mb (int who)
{
  struct rusage u;

  getrusage (who, &u);
  return u.ru_maxrss / 1024.0;
}

/* libsvm's kernel cache per child process in MB: $BENCH_SVM_CACHE, else
 * the default. */
static guint
cache_mb (void)
{
  const char *env = g_getenv ("BENCH_SVM_CACHE");

  return env != NULL ? (guint) MAX (g_ascii_strtoull (env, NULL, 10), 1) : LAB_SVM_DEFAULT_CACHE_MB;
}

static LabModel *
get_model (LabDataset *train)
{
  const char *path = g_getenv ("BENCH_SVM_MODEL");
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = NULL;
  g_autoptr(LabTrainer) trainer = NULL;
  LabTrainConfig c;
  LabModel *model;
  double t0;

  if (path != NULL)
    {
      model = lab_model_load (path, NULL, &error);
      if (model == NULL)
        g_error ("%s", error->message);
      printf ("model: %s from %s\n", lab_model_get_name (model), path);
      return model;
    }
  spec = lab_presets_get ("convae-bn", &error);
  model = lab_model_new (spec, &error);
  g_assert_no_error (error);
  lab_model_init (model, LAB_INIT_TORCH, 0);
  lab_train_config_init (&c);
  c.epochs = 1;
  c.limit = 12800;
  c.seed = 0;
  trainer = lab_trainer_new ();
  t0 = now ();
  if (!lab_trainer_run (trainer, model, train, NULL, &c, NULL, NULL, NULL, &error))
    g_error ("%s", error->message);
  printf ("model: convae-bn trained here for 1 epoch of 12,800 MNIST images (%.1f s)\n", now () - t0);
  return model;
}

static double
accuracy (const guint8 *a,
          const guint8 *b,
          guint         n)
{
  guint right = 0;

  for (guint i = 0; i < n; i++)
    right += a[i] == b[i];
  return (double) right / n;
}

typedef struct
{
  double fit, predict, accuracy;
  double cpu_fit, cpu_predict;   /* CPU seconds, all threads and the fit's children */
  guint  n_support;
} Run;

static Run
run_ours (const float  *x,
          const guint8 *y,
          guint         n,
          const float  *tx,
          const guint8 *ty,
          guint         m,
          guint         d,
          LabSvmTrainer trainer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabClassifier) c = NULL;
  g_autofree guint8 *p = g_new (guint8, m);
  LabClassifierConfig config;
  Run r;
  double t0, c0;

  lab_classifier_config_init (&config, LAB_CLASSIFIER_SVM_RBF);
  config.svm_trainer = trainer;
  config.n_threads = 2;
  config.cache_mb = cache_mb ();
  t0 = now ();
  c0 = cpu_seconds ();
  c = lab_classifier_fit (&config, x, y, n, d, 10, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  r.fit = now () - t0;
  r.cpu_fit = cpu_seconds () - c0;
  t0 = now ();
  c0 = cpu_seconds ();
  g_assert_true (lab_classifier_predict (c, tx, m, p, NULL, NULL, NULL, &error));
  r.predict = now () - t0;
  r.cpu_predict = cpu_seconds () - c0;
  r.accuracy = accuracy (p, ty, m);
  r.n_support = lab_classifier_n_support (c);
  return r;
}

static void
print_run (const char *who,
           guint       n,
           const Run  *r)
{
  printf ("  %-23s n=%-6u fit %7.2f s  predict %6.2f s  total %7.2f s  accuracy %.2f%%  "
          "support vectors %u\n  %-23s          CPU: fit %6.2f s, predict %5.2f s (all threads and processes)\n",
          who, n, r->fit, r->predict, r->fit + r->predict, 100 * r->accuracy, r->n_support,
          "", r->cpu_fit, r->cpu_predict);
}

static gboolean
have_sklearn (void)
{
  const char *argv[] = { PYTHON, "-c", "import sklearn", NULL };
  int status;

  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

static gboolean
run_sklearn (const float  *x,
             const guint8 *y,
             guint         n,
             const float  *tx,
             const guint8 *ty,
             guint         m,
             guint         d,
             Run          *r)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-svm-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "latents.bin", NULL);
  g_autofree char *script = g_build_filename (BENCH_SRCDIR, "svm_ref.py", NULL);
  g_autofree char *sn = g_strdup_printf ("%u", n), *sm = g_strdup_printf ("%u", m);
  g_autofree char *sd = g_strdup_printf ("%u", d);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *argv[] = { PYTHON, script, path, sn, sm, sd, "10", NULL };
  FILE *f;
  JsonObject *o;
  int status;

  g_assert_no_error (error);
  f = g_fopen (path, "wb");
  fwrite (x, sizeof (float), (gsize) n * d, f);
  fwrite (y, 1, n, f);
  fwrite (tx, sizeof (float), (gsize) m * d, f);
  fwrite (ty, 1, m, f);
  fclose (f);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      printf ("  sklearn: failed: %s\n%s", error->message, err ? err : "");
      g_unlink (path);
      g_rmdir (dir);
      return FALSE;
    }
  g_unlink (path);
  g_rmdir (dir);
  if (!json_parser_load_from_data (parser, out, -1, &error))
    {
      printf ("  sklearn: no result in its output: %s\n", out);
      return FALSE;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  r->fit = json_object_get_double_member (o, "fit");
  r->predict = json_object_get_double_member (o, "predict");
  r->accuracy = json_object_get_double_member (o, "accuracy");
  r->n_support = (guint) json_object_get_int_member (o, "n_support");
  r->cpu_fit = json_object_get_double_member (o, "cpu_fit");
  r->cpu_predict = json_object_get_double_member (o, "cpu_predict");
  printf ("  (sklearn's gamma %.6g)\n", json_object_get_double_member (o, "gamma"));
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) train = NULL, test = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autofree float *x = NULL, *tx = NULL;
  g_autofree guint8 *y = NULL, *ty = NULL;
  g_autofree guint *rows = NULL, *trows = NULL;
  const char *n_env = g_getenv ("BENCH_SVM_N");
  const char *serial_env = g_getenv ("BENCH_SVM_SERIAL");
  guint n, m, d, cn;
  Run ours, serial, ref, small;
  double t0, gamma;

  /* Line by line, also into a log file: a long run shows how far it got. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  lab_blas_init ();
  train = lab_dataset_open ("mnist", LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error);
  if (train != NULL)
    test = lab_dataset_open ("mnist", LAB_SPLIT_TEST, NULL, NULL, NULL, &error);
  if (test == NULL)
    {
      printf ("note: no MNIST (%s): nothing to measure\n", error->message);
      return 0;
    }
  printf ("machine: %s, %u cores; load average at start: ", lab_cpu_get_model (), g_get_num_processors ());
  {
    g_autofree char *load = NULL;

    if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
      printf ("%s", load);
    else
      printf ("unknown\n");
  }
  model = get_model (train);
  if (!lab_model_set_threads (model, 2, &error))
    g_error ("%s", error->message);

  n = n_env != NULL ? (guint) MIN (g_ascii_strtoull (n_env, NULL, 10), train->n) : train->n;
  n = MAX (n, 100u);
  m = test->n;
  d = lab_embedding_latent_dim (model);
  rows = g_new (guint, n);
  trows = g_new (guint, m);
  for (guint i = 0; i < n; i++)
    rows[i] = i;
  for (guint i = 0; i < m; i++)
    trows[i] = i;
  x = g_new (float, (gsize) n * d);
  tx = g_new (float, (gsize) m * d);
  y = g_new (guint8, n);
  ty = g_new (guint8, m);
  t0 = now ();
  if (!lab_embedding_encode (model, train, rows, n, x, NULL, NULL, NULL, &error)
      || !lab_embedding_encode (model, test, trows, m, tx, NULL, NULL, NULL, &error))
    g_error ("%s", error->message);
  for (guint i = 0; i < n; i++)
    y[i] = train->labels[i];
  for (guint i = 0; i < m; i++)
    ty[i] = test->labels[i];
  gamma = lab_svm_gamma_scale (x, n, d);
  printf ("latents: %u training + %u test images, %u values each, encoded in %.1f s; "
          "gamma 'scale' %.6g, C 10\n\n", n, m, d, now () - t0, gamma);

  ours = run_ours (x, y, n, tx, ty, m, d, LAB_SVM_PAIRS);
  print_run ("ours (pairs, 2 threads)", n, &ours);
  /* Before any other child: the fit's two are the only ones yet. */
  printf ("  peak resident memory: this process %.0f MB, the larger of the fit's two child "
          "processes %.0f MB (libsvm's kernel cache: up to %u MB each)\n",
          peak_rss_mb (RUSAGE_SELF), peak_rss_mb (RUSAGE_CHILDREN), cache_mb ());
  cn = MIN (n, (guint) CLASSROOM_N);
  if (g_strcmp0 (serial_env, "all") == 0)
    {
      serial = run_ours (x, y, n, tx, ty, m, d, LAB_SVM_LIBSVM);
      print_run ("libsvm's serial train", n, &serial);
      printf ("  pairs on 2 threads against libsvm's serial training: fit %.2fx faster\n",
              serial.fit / ours.fit);
    }
  small = run_ours (x, y, cn, tx, ty, m, d, LAB_SVM_PAIRS);
  print_run ("ours (pairs, 2 threads)", cn, &small);
  serial = run_ours (x, y, cn, tx, ty, m, d, LAB_SVM_LIBSVM);
  print_run ("libsvm's serial train", cn, &serial);
  printf ("  at n=%u: pairs on 2 threads fit %.2fx faster than libsvm's serial train "
          "(same model: %u support vectors each)\n", cn, serial.fit / small.fit, small.n_support);

  if (have_sklearn ())
    {
      if (run_sklearn (x, y, n, tx, ty, m, d, &ref))
        {
          print_run ("sklearn SVC", n, &ref);
          printf ("  ratio: sklearn / ours, fit + predict: %.2fx (target >= 1.5x); fit %.2fx, "
                  "predict %.2fx; accuracy ours %.2f%%, sklearn %.2f%% (%+.2f points, target +-0.05)\n",
                  (ref.fit + ref.predict) / (ours.fit + ours.predict), ref.fit / ours.fit,
                  ref.predict / ours.predict, 100 * ours.accuracy, 100 * ref.accuracy,
                  100 * (ours.accuracy - ref.accuracy));
        }
    }
  else
    printf ("note: no scikit-learn comparison (%s cannot import sklearn)\n", PYTHON);

  /* The classroom run, as the Classify page starts it. */
  {
    g_autoptr(LabClassifyResult) r = NULL;
    LabClassifyConfig config;

    lab_classify_config_init (&config, LAB_CLASSIFIER_SVM_RBF);
    double c0, wall, cpu;

    config.classifier.n_threads = 2;
    t0 = now ();
    c0 = cpu_seconds ();
    r = lab_classify_run (model, train, test, &config, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    wall = now () - t0;
    cpu = cpu_seconds () - c0;
    printf ("\nclassroom run (the page's defaults: %u training latents, RBF SVM, all %u test "
            "images, encoding included): %.2f s (encode %.2f, fit %.2f, predict %.2f), "
            "CPU %.2f s on 2 threads, accuracy %.2f%%; target <= %.0f s: %s\n",
            r->n_train, r->n_test, wall, r->features_seconds, r->fit_seconds,
            r->predict_seconds, cpu, 100 * r->accuracy, CLASSROOM_TARGET,
            wall <= CLASSROOM_TARGET ? "met" : "missed");
  }
  {
    g_autofree char *load = NULL;

    if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
      printf ("load average at the end: %s", load);
  }
  return 0;
}
