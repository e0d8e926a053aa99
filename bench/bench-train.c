/* Training and inference speed of the engine against its targets (issue 3)
 * and against PyTorch (shared/reference/torch_ref.py) in the same run:
 *
 *   - the ceiling: OpenBLAS sgemm GFLOP/s on a large square product, with
 *     as many threads as cores (and with one), the better of a measurement
 *     at the start and one at the end;
 *   - per preset, training images/s and GFLOP/s at batch 128 on the first
 *     --limit MNIST training images (one epoch, Gaussian noise 0.5, Adam;
 *     train FLOPs = 6 x forward MACs per image, as torch_ref counts them),
 *     the median of --reps runs interleaved across presets;
 *   - eval-mode forward latency for 1 and 16 images (median of many runs);
 *   - peak RSS of one full 60,000-image MNIST epoch of dae-keras32, in a
 *     child process (its VmHWM, and getrusage's ru_maxrss of the child);
 *   - the same figures for torch_ref.py when /usr/bin/python3 can import
 *     torch (run right after our first run of the same preset, with the
 *     same noise; the median of its 3 epochs), and the ratios ours / PyTorch;
 *   - a closing Markdown table for the README.
 *
 *   bench-train [--limit N] [--reps N] [--presets a,b] [--threads N] [--no-torch] [--no-rss]
 *   LATENTLAB_REFERENCE_DIR   where torch_ref.py and idx.py are
 *                             (default /work/shared/reference)
 *
 * Run it as a user runs the programs, with no variables set by hand: the
 * kernels are the ones lab-blas.c chooses from the CPU's features, and the
 * output names them and the reason (a user's OPENBLAS_CORETYPE included).
 * PyTorch's OpenBLAS gets the same kernels, and the output says so.
 *
 * Benchmarks only: a missing dataset or reference is reported, exit 0. */
#define G_LOG_DOMAIN "latentlab-bench"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab-blas.h"
#include <glib.h>
#include <json-glib/json-glib.h>

#include "lab-catalog.h"
#include "lab-dataset-open.h"
#include "lab-dataset.h"
#include "lab-model.h"
#include "lab-presets.h"
#include "lab-trainer.h"

#define PYTHON "/usr/bin/python3"
#define DEFAULT_REFERENCE_DIR "/work/shared/reference"
#define BATCH 128
#define NOISE 0.5
#define SEED 0
/* PyTorch's figure is the median of its epochs, as ours is of our runs. */
#define TORCH_EPOCHS "3"

static guint threads;   /* --threads: the trainer's (0: one per core) */

/* Targets of issue 3 for dae-keras32. */
#define TARGET_TORCH_RATIO  2.5
#define TARGET_PEAK_SHARE   0.70
#define TARGET_FWD16_MS     4.0
#define TARGET_RSS_MB       200.0

static const char * const default_presets[] = {
  "dae-keras32", "cae-tiny", "stacked", "convae-bn", "strided-dae", NULL
};

typedef struct
{
  const char *name;
  guint64     macs;              /* forward, per image */
  GArray     *ips;               /* (double) our images/s, one per rep */
  double      fwd1_ms, fwd16_ms; /* ours */
  gboolean    have_torch;
  double      torch_ips, torch_gflops, torch_fwd1_ms, torch_fwd16_ms, torch_rss_mb;
} Preset;

static double
now (void)
{
  struct timespec t;

  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v,
        guint   n)
{
  if (n == 0)
    return NAN;
  qsort (v, n, sizeof *v, (int (*) (const void *, const void *)) cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Best of a few C = A·B, n×n, with n_threads BLAS threads. */
static double
sgemm_gflops (guint n,
              guint n_threads)
{
  g_autofree float *a = g_new (float, (gsize) n * n);
  g_autofree float *b = g_new (float, (gsize) n * n);
  g_autofree float *c = g_new0 (float, (gsize) n * n);
  double best = INFINITY;

  for (gsize i = 0; i < (gsize) n * n; i++)
    a[i] = b[i] = (float) ((i * 2654435761u) % 1000) / 1000.f;
  lab_blas_set_threads (n_threads);
  for (guint r = 0; r < 6; r++)
    {
      double t = now ();

      lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n,
                   1.f, a, n, b, n, 0.f, c, n);
      t = now () - t;
      if (r > 0)   /* the first one also faults the pages in */
        best = MIN (best, t);
    }
  return 2.0 * n * n * n / best / 1e9;
}

static LabModel *
new_model (const char  *preset,
           GError     **error)
{
  g_autoptr(LabSpec) spec = lab_presets_get (preset, error);
  LabModel *model;

  if (spec == NULL || (model = lab_model_new (spec, error)) == NULL)
    return NULL;
  lab_model_init (model, LAB_INIT_TORCH, SEED);
  return model;
}

/* One epoch of `limit` images (0: all); the epoch's images/s. */
static double
train_once (LabDataset  *ds,
            const char  *preset,
            guint        limit,
            GError     **error)
{
  g_autoptr(LabModel) model = new_model (preset, error);
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  LabTrainConfig config;
  const LabEpochRecord *history;
  guint n_epochs;

  if (model == NULL)
    return NAN;
  lab_train_config_init (&config);
  config.epochs = 1;
  config.batch = BATCH;
  config.limit = limit;
  config.seed = SEED;
  config.val_fraction = 0;
  config.noise.type = LAB_NOISE_GAUSSIAN;
  config.noise.amount = NOISE;
  config.threads = threads;
  if (!lab_trainer_run (trainer, model, ds, NULL, &config, NULL, NULL, NULL, error))
    return NAN;
  history = lab_trainer_get_history (trainer, &n_epochs);
  return n_epochs == 1 ? history[0].images_per_s : NAN;
}

/* Median eval-mode forward time of n images, in ms. */
static double
forward_ms (LabModel *model,
            guint     n,
            guint     runs)
{
  gsize in_size = lab_shape_size (lab_model_input_shape (model));
  g_autofree float *x = g_new (float, n * in_size);
  g_autofree double *t = g_new (double, runs);
  LabRng rng;

  lab_rng_init (&rng, 1);
  for (gsize i = 0; i < n * in_size; i++)
    x[i] = (float) lab_rng_uniform (&rng);
  for (guint r = 0; r < 20; r++)
    lab_model_forward (model, x, n, FALSE);
  for (guint r = 0; r < runs; r++)
    {
      double start = now ();

      lab_model_forward (model, x, n, FALSE);
      t[r] = 1e3 * (now () - start);
    }
  return median (t, runs);
}

static gboolean
latency (const char  *preset,
         guint        runs,
         double      *ms1,
         double      *ms16,
         GError     **error)
{
  g_autoptr(LabModel) model = new_model (preset, error);

  if (model == NULL
      || !lab_model_set_threads (model, threads ? threads : g_get_num_processors (), error)
      || !lab_model_set_batch (model, 16, error))
    return FALSE;
  *ms1 = forward_ms (model, 1, runs);
  *ms16 = forward_ms (model, 16, runs);
  return TRUE;
}

static guint64
vm_hwm_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, "VmHWM:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + 6, NULL, 10);
}

/* The child of the RSS measurement: MNIST's training set, one full epoch
 * of dae-keras32, then one JSON line. */
static int
rss_child (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) ds = lab_dataset_open ("mnist", LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error);
  double ips, start = now ();

  if (ds == NULL)
    {
      g_printerr ("bench-train: %s\n", error->message);
      return 1;
    }
  ips = train_once (ds, "dae-keras32", 0, &error);
  if (isnan (ips))
    {
      g_printerr ("bench-train: %s\n", error ? error->message : "no epoch");
      return 1;
    }
  printf ("{\"images\": %u, \"images_per_s\": %.1f, \"seconds\": %.2f, \"vm_hwm_kb\": %"
          G_GUINT64_FORMAT "}\n", ds->n, ips, now () - start, vm_hwm_kb ());
  return 0;
}

/* Runs argv in cwd, collecting its stdout; ru gets the child's resource
 * usage (ru_maxrss: its peak RSS in KiB). stderr goes to ours. */
static gboolean
run_child (const char     *cwd,
           const char    **argv,
           char          **envp,
           char          **out,
           struct rusage  *ru,
           GError        **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  GPid pid;
  int fd, status;
  char buf[4096];
  ssize_t got;

  if (!g_spawn_async_with_pipes (cwd, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD,
                                 NULL, NULL, &pid, NULL, &fd, NULL, error))
    return FALSE;
  while ((got = read (fd, buf, sizeof buf)) > 0)
    g_string_append_len (s, buf, got);
  close (fd);
  if (wait4 (pid, &status, 0, ru) < 0)
    {
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "wait4 failed");
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, error))
    return FALSE;
  *out = g_string_free (g_steal_pointer (&s), FALSE);
  return TRUE;
}

/* The JSON objects of out's lines whose "event" is event (or all, for
 * NULL), in order. */
static GPtrArray *
json_lines (const char *out,
            const char *event)
{
  GPtrArray *objs = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *obj;

      if (lines[i][0] != '{' || !json_parser_load_from_data (parser, lines[i], -1, NULL)
          || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        continue;
      obj = json_node_get_object (json_parser_get_root (parser));
      if (event == NULL
          || g_strcmp0 (json_object_get_string_member_with_default (obj, "event", ""), event) == 0)
        g_ptr_array_add (objs, json_object_ref (obj));
    }
  return objs;
}

static gboolean
have_torch (void)
{
  const char *argv[] = { PYTHON, "-c", "import torch", NULL };
  int status = -1;

  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
                     | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* torch_ref.py's names have underscores where ours have dashes. */
static char *
torch_arch (const char *preset)
{
  return g_strdelimit (g_strdup (preset), "-", '_');
}

/* PyTorch's BLAS is OpenBLAS too (libblas.so.3): it gets the kernels ours
 * run, so that it is measured at its best on this CPU, not with the
 * fallback its table may pick. Its convolutions are oneDNN's, which reads
 * the CPU's features itself. */
static char **
torch_environ (const char *mnist_dir)
{
  char **envp = g_environ_setenv (g_get_environ (), "MNIST_DIR", mnist_dir, TRUE);

  return g_environ_setenv (envp, "OPENBLAS_CORETYPE", lab_blas_get_kernels (), FALSE);
}

static gboolean
torch_preset (const char  *ref_dir,
              const char  *mnist_dir,
              Preset      *p,
              guint        limit,
              guint        runs)
{
  g_autofree char *script = g_build_filename (ref_dir, "torch_ref.py", NULL);
  g_autofree char *arch = torch_arch (p->name);
  g_autofree char *limit_s = g_strdup_printf ("%u", limit);
  g_autofree char *noise_s = g_strdup_printf ("%g", NOISE);
  g_autofree char *runs_s = g_strdup_printf ("%u", runs);
  const char *train_argv[] = { PYTHON, script, "train", arch, "--epochs", TORCH_EPOCHS,
                               "--limit", limit_s, "--noise", noise_s, NULL };
  const char *lat_argv[] = { PYTHON, script, "latency", arch, "--sizes", "1,16",
                             "--runs", runs_s, NULL };
  g_auto(GStrv) envp = torch_environ (mnist_dir);
  g_autofree char *out = NULL, *lat_out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) epochs = NULL, lats = NULL;
  struct rusage ru = { 0 };

  if (!run_child (ref_dir, train_argv, envp, &out, &ru, &error))
    {
      printf ("  torch %s: failed: %s\n", arch, error->message);
      return FALSE;
    }
  epochs = json_lines (out, "epoch");
  if (epochs->len == 0)
    {
      printf ("  torch %s: no epoch line in its output\n", arch);
      return FALSE;
    }
  {
    g_autofree double *ips = g_new (double, epochs->len);
    g_autofree double *gflops = g_new (double, epochs->len);

    for (guint e = 0; e < epochs->len; e++)
      {
        ips[e] = json_object_get_double_member_with_default (g_ptr_array_index (epochs, e),
                                                             "images_per_s", NAN);
        gflops[e] = json_object_get_double_member_with_default (g_ptr_array_index (epochs, e),
                                                                "achieved_gflops", NAN);
      }
    p->torch_ips = median (ips, epochs->len);
    p->torch_gflops = median (gflops, epochs->len);
  }
  p->torch_rss_mb = ru.ru_maxrss / 1024.0;

  p->torch_fwd1_ms = p->torch_fwd16_ms = NAN;
  if (run_child (ref_dir, lat_argv, envp, &lat_out, &ru, &error))
    {
      lats = json_lines (lat_out, "latency");
      for (guint i = 0; i < lats->len; i++)
        {
          JsonObject *o = g_ptr_array_index (lats, i);
          gint64 bs = json_object_get_int_member_with_default (o, "batch", 0);
          double ms = json_object_get_double_member_with_default (o, "median_ms", NAN);

          if (bs == 1)
            p->torch_fwd1_ms = ms;
          else if (bs == 16)
            p->torch_fwd16_ms = ms;
        }
    }
  else
    printf ("  torch %s latency: failed: %s\n", arch, error->message);
  p->have_torch = TRUE;
  printf ("  torch %-12s %7.1f images/s  %6.1f GFLOP/s  peak RSS %.0f MB  "
          "forward 1: %.3f ms  16: %.3f ms\n", p->name, p->torch_ips, p->torch_gflops,
          p->torch_rss_mb, p->torch_fwd1_ms, p->torch_fwd16_ms);
  return TRUE;
}

static const char *
verdict (gboolean met)
{
  return met ? "met" : "**missed**";
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(LabDataset) ds = NULL;
  g_autoptr(LabCatalogEntry) entry = NULL;
  g_autofree char *presets_opt = NULL, *ref_script = NULL, *cpu = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree Preset *presets = NULL;
  int limit = 6400, reps = 3, runs = 200, threads_opt = 0;
  gboolean no_torch = FALSE, no_rss = FALSE, child = FALSE, torch = FALSE;
  const char *ref_dir = g_getenv ("LATENTLAB_REFERENCE_DIR");
  guint n_presets, cores = g_get_num_processors ();
  int blas_threads;
  double peak_all, peak_one, again, rss_mb = NAN, rss_hwm_mb = NAN, rss_ips = NAN;
  Preset *dae = NULL;
  GOptionEntry entries[] = {
    { "limit", 'l', 0, G_OPTION_ARG_INT, &limit, "Training images per preset run (default 6400)", "N" },
    { "reps", 'r', 0, G_OPTION_ARG_INT, &reps, "Runs per preset, interleaved; the median counts (default 3)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Forward passes per latency figure (default 200)", "N" },
    { "presets", 'p', 0, G_OPTION_ARG_STRING, &presets_opt, "Comma-separated presets (default: the five of issue 3)", "LIST" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads_opt, "Threads of our training and inference (default: one per core)", "N" },
    { "no-torch", 0, 0, G_OPTION_ARG_NONE, &no_torch, "Skip the PyTorch comparison", NULL },
    { "no-rss", 0, 0, G_OPTION_ARG_NONE, &no_rss, "Skip the full-epoch peak RSS run", NULL },
    { "rss-child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &child, NULL, NULL },
    { NULL }
  };

  setvbuf (stdout, NULL, _IOLBF, 0);
  context = g_option_context_new ("- training and inference speed against PyTorch");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-train: %s\n", error->message);
      return 1;
    }
  threads = (guint) MAX (threads_opt, 0);
  if (child)
    return rss_child ();
  limit = MAX (limit, BATCH);
  reps = MAX (reps, 1);
  runs = MAX (runs, 1);
  if (ref_dir == NULL)
    ref_dir = DEFAULT_REFERENCE_DIR;

  entry = lab_catalog_find ("mnist", &error);
  if (entry != NULL)
    ds = lab_dataset_open ("mnist", LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error);
  if (ds == NULL)
    {
      printf ("bench-train: MNIST training images not available, skipped: %s\n", error->message);
      return 0;
    }
  names = presets_opt ? g_strsplit (presets_opt, ",", -1) : g_strdupv ((char **) default_presets);
  n_presets = g_strv_length (names);
  presets = g_new0 (Preset, n_presets);
  for (guint i = 0; i < n_presets; i++)
    {
      g_autoptr(LabModel) model = new_model (names[i], &error);

      if (model == NULL)
        {
          printf ("bench-train: %s\n", error->message);
          return 1;
        }
      presets[i].name = names[i];
      presets[i].macs = lab_model_macs (model);
      presets[i].ips = g_array_new (FALSE, FALSE, sizeof (double));
      if (g_strcmp0 (names[i], "dae-keras32") == 0)
        dae = &presets[i];
    }

  ref_script = g_build_filename (ref_dir, "torch_ref.py", NULL);
  torch = !no_torch && g_file_test (ref_script, G_FILE_TEST_EXISTS) && have_torch ();
  cpu = g_strdup (lab_cpu_get_model ());
  printf ("Machine: %s, %u cores; %s\n", cpu, cores, lab_cpu_get_features ());
  printf ("Ours: %s, %s kernels, %s\n", lab_blas_get_name (), lab_blas_get_kernels (),
          lab_blas_get_reason ());
  if (torch)
    printf ("PyTorch: its OpenBLAS with OPENBLAS_CORETYPE=%s (%s), convolutions by oneDNN\n",
            g_getenv ("OPENBLAS_CORETYPE") ? g_getenv ("OPENBLAS_CORETYPE")
                                           : lab_blas_get_kernels (),
            g_getenv ("OPENBLAS_CORETYPE") ? "from the environment" : "the kernels ours run");
  printf ("Training: batch %d, Gaussian noise %g, Adam, one epoch on the first %d MNIST "
          "images, median of %d interleaved runs\n", BATCH, NOISE, limit, reps);
  if (!torch)
    printf ("note: no PyTorch comparison (%s)\n", no_torch ? "--no-torch"
            : "torch_ref.py missing or /usr/bin/python3 cannot import torch");

  /* The ceiling first, on a quiet process; then OpenBLAS' threads as
   * they were (our models set them as they need). */
  blas_threads = lab_blas_get_threads ();
  peak_one = sgemm_gflops (2048, 1);
  peak_all = sgemm_gflops (2048, cores);
  lab_blas_set_threads (blas_threads);
  printf ("sgemm 2048² with %s kernels: %.1f GFLOP/s on %u threads (the ceiling), %.1f on one\n",
          lab_blas_get_kernels (), peak_all, cores, peak_one);

  /* PyTorch runs right after our first run of each preset, so that both
   * see much the same load on a shared machine. */
  for (int r = 0; r < reps; r++)
    for (guint i = 0; i < n_presets; i++)
      {
        Preset *p = &presets[i];
        double ips = train_once (ds, p->name, limit, &error);

        if (isnan (ips))
          {
            printf ("  ours  %s: training failed: %s\n", p->name, error ? error->message : "?");
            g_clear_error (&error);
          }
        else
          {
            g_array_append_val (p->ips, ips);
            printf ("  ours  %-12s run %d: %7.1f images/s  %6.1f GFLOP/s\n", p->name, r + 1,
                    ips, 6.0 * p->macs * ips / 1e9);
          }
        if (torch && r == 0)
          torch_preset (ref_dir, entry->directory, p, limit, runs);
      }

  for (guint i = 0; i < n_presets; i++)
    {
      Preset *p = &presets[i];

      if (!latency (p->name, runs, &p->fwd1_ms, &p->fwd16_ms, &error))
        {
          printf ("  ours  %s latency: %s\n", p->name, error->message);
          g_clear_error (&error);
          p->fwd1_ms = p->fwd16_ms = NAN;
          continue;
        }
      printf ("  ours  %-12s forward 1: %.3f ms  16: %.3f ms\n", p->name, p->fwd1_ms, p->fwd16_ms);
    }

  if (!no_rss)
    {
      g_autofree char *threads_s = g_strdup_printf ("--threads=%u", threads);
      const char *child_argv[] = { "/proc/self/exe", "--rss-child", threads_s, NULL };
      g_autofree char *out = NULL;
      struct rusage ru = { 0 };

      printf ("Peak RSS: one full MNIST epoch of dae-keras32 in a child process...\n");
      if (run_child (NULL, child_argv, NULL, &out, &ru, &error))
        {
          g_autoptr(GPtrArray) objs = json_lines (out, NULL);

          rss_mb = ru.ru_maxrss / 1024.0;
          if (objs->len > 0)
            {
              JsonObject *o = g_ptr_array_index (objs, 0);

              rss_hwm_mb = json_object_get_int_member_with_default (o, "vm_hwm_kb", 0) / 1024.0;
              rss_ips = json_object_get_double_member_with_default (o, "images_per_s", NAN);
            }
          printf ("  ours  dae-keras32 60,000 images: %.1f images/s, peak RSS %.1f MB "
                  "(VmHWM %.1f MB)\n", rss_ips, rss_mb, rss_hwm_mb);
        }
      else
        {
          printf ("  RSS child failed: %s\n", error->message);
          g_clear_error (&error);
        }
    }

  /* The ceiling again: a busy moment at the start must not make the
   * shares look better than they are. */
  again = sgemm_gflops (2048, cores);   /* not inside MAX (), which would run it twice */
  peak_all = MAX (peak_all, again);
  again = sgemm_gflops (2048, 1);
  peak_one = MAX (peak_one, again);
  lab_blas_set_threads (blas_threads);

  /* The tables */
  printf ("\n### Training and inference speed (%s, %u cores, %s %s kernels)\n\n", cpu, cores,
          lab_blas_get_name (), lab_blas_get_kernels ());
  printf ("sgemm ceiling (2048², the kernels ours run, %u threads, the better of two measurements): "
          "%.1f GFLOP/s (one thread: %.1f). Ours: %u threads, each taking an equal share "
          "of every batch (OpenBLAS at one thread). Training: batch %d, Gaussian noise %g, Adam, "
          "one epoch of the first %d MNIST images, median of %d runs (PyTorch: median of "
          "its %s epochs); GFLOP/s are effective: 6 × the direct convolution's forward MACs "
          "per image, whatever algorithm runs (Winograd needs fewer). Forward: eval mode, "
          "median of %d passes.\n\n",
          cores, peak_all, peak_one, threads ? threads : cores, BATCH, NOISE, limit, reps,
          TORCH_EPOCHS, runs);
  printf ("| Preset | MFLOP/image (train) | Images/s | GFLOP/s | Share of sgemm | "
          "PyTorch images/s | Ours / PyTorch | Forward 1 image (ms) | Forward 16 images (ms) |\n");
  printf ("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (guint i = 0; i < n_presets; i++)
    {
      Preset *p = &presets[i];
      double ips = median ((double *) (gpointer) p->ips->data, p->ips->len);
      double gf = 6.0 * p->macs * ips / 1e9;

      printf ("| %s | %.1f | %.0f | %.1f | %.0f%% |", p->name, 6.0 * p->macs / 1e6, ips, gf,
              100 * gf / peak_all);
      if (p->have_torch)
        printf (" %.0f | %.2f× | %.3f (PyTorch %.3f) | %.3f (PyTorch %.3f) |\n", p->torch_ips,
                ips / p->torch_ips, p->fwd1_ms, p->torch_fwd1_ms, p->fwd16_ms, p->torch_fwd16_ms);
      else
        printf (" – | – | %.3f | %.3f |\n", p->fwd1_ms, p->fwd16_ms);
    }

  if (dae != NULL)
    {
      double ips = median ((double *) (gpointer) dae->ips->data, dae->ips->len);
      double share = 6.0 * dae->macs * ips / 1e9 / peak_all;

      /* Effective FLOPs can beat the ceiling only by Winograd's saving:
       * F(4x4, 3x3) multiplies 4 times less than the direct convolution
       * counted here. More than that means the ceiling was measured low. */
      if (share > 4.0)
        printf ("\nwarning: dae-keras32 runs at %.0f%% of the sgemm ceiling, more than "
                "Winograd's saving explains: the ceiling (%s kernels) is not what this CPU "
                "can do, or the machine was busy while it was measured; the share below is "
                "not meaningful\n", 100 * share, lab_blas_get_kernels ());
      else if (share > 1.0)
        printf ("\nnote: dae-keras32's effective rate is above the sgemm ceiling: its 3x3 "
                "layers run as Winograd F(4x4, 3x3), up to 4 times fewer multiplications than "
                "the direct convolution the effective rate counts\n");
      printf ("\n| Target (dae-keras32) | Measured | |\n|---|---:|---|\n");
      if (dae->have_torch)
        printf ("| Training ≥ %.1f× PyTorch's images/s | %.2f× (%.0f vs %.0f) | %s |\n",
                TARGET_TORCH_RATIO, ips / dae->torch_ips, ips, dae->torch_ips,
                verdict (ips / dae->torch_ips >= TARGET_TORCH_RATIO));
      printf ("| Training ≥ %.0f%% of sgemm peak (%.0f GFLOP/s) | %.0f%% (%.1f GFLOP/s) | %s |\n",
              100 * TARGET_PEAK_SHARE, peak_all, 100 * share, share * peak_all,
              verdict (share >= TARGET_PEAK_SHARE));
      printf ("| 16-image forward ≤ %.0f ms | %.3f ms", TARGET_FWD16_MS, dae->fwd16_ms);
      if (dae->have_torch)
        printf (" (PyTorch %.3f ms)", dae->torch_fwd16_ms);
      printf (" | %s |\n", verdict (dae->fwd16_ms <= TARGET_FWD16_MS));
      if (!isnan (rss_mb))
        {
          printf ("| Peak RSS of a 60,000-image epoch ≤ %.0f MB | %.0f MB", TARGET_RSS_MB, rss_mb);
          if (dae->have_torch)
            printf (" (PyTorch %.0f MB on its %d-image run, all 60,000 images loaded)",
                    dae->torch_rss_mb, limit);
          printf (" | %s |\n", verdict (rss_mb <= TARGET_RSS_MB));
        }
    }
  for (guint i = 0; i < n_presets; i++)
    g_array_unref (presets[i].ips);
  return 0;
}
