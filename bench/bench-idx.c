/* IDX loading speed: MNIST's 60,000 raw training images against the 0.3 s
 * target, Fashion-MNIST's .gz, peak memory, and Debian's Python + numpy
 * doing the same (the reference loader's way) when it is installed.
 * Benchmarks only: a missing dataset is reported and skipped, exit 0. */
#define G_LOG_DOMAIN "latentlab-bench"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <glib.h>

#include "lab-catalog.h"
#include "lab-format.h"
#include "lab-idx.h"

#define RUNS 5
#define TARGET_SECONDS 0.3
#define PYTHON "/usr/bin/python3"

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *v,
        int     n)
{
  qsort (v, n, sizeof *v, compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Median seconds of RUNS loads of images (+ labels); -1 on error. */
static double
time_load (const char *images,
           const char *labels,
           guint      *n)
{
  double seconds[RUNS];

  for (int r = 0; r < RUNS; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabDataset) ds = NULL;
      gint64 start = g_get_monotonic_time ();

      ds = lab_idx_load (images, labels, NULL, NULL, NULL, &error);
      seconds[r] = (g_get_monotonic_time () - start) / 1e6;
      if (ds == NULL)
        {
          printf ("  error: %s\n", error->message);
          return -1;
        }
      *n = ds->n;
    }
  return median (seconds, RUNS);
}

/* The reference loader (shared/reference/idx.py) inlined: read the whole
 * file (gzip.open for .gz), bytearray, np.frombuffer, reshape. Prints the
 * median seconds of RUNS loads of images + labels. */
static const char python_snippet[] =
  "import gzip, struct, sys, time\n"
  "import numpy as np\n"
  "def load_idx(path):\n"
  "    opener = gzip.open if path.endswith('.gz') else open\n"
  "    with opener(path, 'rb') as f:\n"
  "        data = bytearray(f.read())\n"
  "    zero, dtype, ndim = struct.unpack('>HBB', data[:4])\n"
  "    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])\n"
  "    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)\n"
  "    assert arr.size == int(np.prod(dims))\n"
  "    return arr.reshape(dims)\n"
  "times = []\n"
  "for _ in range(int(sys.argv[1])):\n"
  "    t = time.perf_counter()\n"
  "    x = load_idx(sys.argv[2])\n"
  "    if sys.argv[3]:\n"
  "        y = load_idx(sys.argv[3])\n"
  "    times.append(time.perf_counter() - t)\n"
  "times.sort()\n"
  "print(times[len(times) // 2])\n";

static double
time_python (const char *images,
             const char *labels)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *runs = g_strdup_printf ("%d", RUNS);
  const char *argv[] = { PYTHON, "-c", python_snippet, runs, images, labels ? labels : "", NULL };
  int wait_status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, &err, &wait_status, NULL)
      || !g_spawn_check_wait_status (wait_status, NULL))
    return -1;
  return g_ascii_strtod (out, NULL);
}

static gboolean
python_has_numpy (void)
{
  const char *argv[] = { PYTHON, "-c", "import numpy", NULL };
  int wait_status = 0;

  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  return g_spawn_sync (NULL, (char **) argv, NULL,
                       G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &wait_status, NULL)
         && g_spawn_check_wait_status (wait_status, NULL);
}

static void
bench_entry (const LabCatalogEntry *e,
             gboolean               with_python,
             gboolean               against_target)
{
  g_autofree char *count = NULL;
  double ours, theirs;
  guint n = 0;

  ours = time_load (e->train_images, e->train_labels, &n);
  if (ours < 0)
    return;
  count = lab_format_count (n);
  printf ("%s train (%s images + labels, %s): median of %d loads %.3f s\n",
          e->title, count, g_str_has_suffix (e->train_images, ".gz") ? ".gz" : "raw",
          RUNS, ours);
  if (against_target)
    printf ("  vs the %.1f s target: %.2fx the target (%s)\n", TARGET_SECONDS,
            ours / TARGET_SECONDS, ours <= TARGET_SECONDS ? "met" : "MISSED");
  if (with_python)
    {
      theirs = time_python (e->train_images, e->train_labels);
      if (theirs > 0)
        printf ("  python3 + numpy (reference loader): %.3f s; ours is %.2fx faster\n",
                theirs, theirs / ours);
      else
        printf ("  python3 + numpy: failed to run\n");
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(GPtrArray) entries = NULL;
  const LabCatalogEntry *mnist = NULL;
  const LabCatalogEntry *fashion = NULL;
  gboolean with_python = python_has_numpy ();
  gint64 start = g_get_monotonic_time ();
  struct rusage usage;

  entries = lab_catalog_scan ();
  printf ("catalog scan (IDX headers only): %.1f ms\n",
          (g_get_monotonic_time () - start) / 1e3);
  for (guint i = 0; i < entries->len; i++)
    {
      const LabCatalogEntry *e = g_ptr_array_index (entries, i);

      if (g_str_equal (e->id, "mnist"))
        mnist = e;
      else if (g_str_equal (e->id, "fashion-mnist"))
        fashion = e;
    }
  if (!with_python)
    printf ("(no %s with numpy: no reference timings)\n", PYTHON);

  if (mnist != NULL)
    bench_entry (mnist, with_python, TRUE);
  else
    printf ("MNIST is not installed: nothing to measure against the 0.3 s target\n");
  if (fashion != NULL)
    bench_entry (fashion, with_python, FALSE);
  else
    printf ("Fashion-MNIST is not installed: no .gz timing\n");

  getrusage (RUSAGE_SELF, &usage);
  /* Linux reports KiB. One dataset is alive at a time: ~47 MB + labels. */
  printf ("peak RSS: %.1f MB\n", usage.ru_maxrss / 1024.0);
  return 0;
}
