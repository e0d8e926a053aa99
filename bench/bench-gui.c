/* Responsiveness of the window while a model trains.
 *
 * Starts the app as a teacher would in class (`latentlab --dataset mnist
 * --arch dae-keras32 --noise gaussian:0.5 --train`), and measures on the
 * GTK main thread:
 *  - the longest main-loop stall: gaps between runs of a 1 ms timeout
 *    (anything beyond the period is time the loop was busy elsewhere, or
 *    the thread waited for a core or the X server), and how much of it the
 *    main thread spent running (its CPU time over the gap);
 *  - slider-to-frame latency on the Denoise page: from moving the noise
 *    slider to the end of the first frame painted after the denoised grid
 *    was updated (a pass on the main thread runs inside the move, so it
 *    counts in "move to frame start"), and how many moves had their grid in
 *    the very first frame GDK started after the move (one frame later costs
 *    a refresh interval: GDK 4.8 starts no frame sooner than 16.7 ms after
 *    the previous one, gdkframeclockidle.c maybe_start_idle and
 *    gdk_frame_clock_paint_idle).
 * Both while training runs and after it stopped (idle; the loss-vs-noise
 * sweep that starts then runs on a worker during the idle moves).
 *
 * First of all, training speed: the CLI trains the same preset on the same
 * images ($LAB_CLI train, one epoch of THROUGHPUT_IMAGES), then the window
 * trains with the Train page shown, as the class watches it (loss curves
 * and reconstruction strip live), for THROUGHPUT_SECONDS after a warm-up;
 * the window's images/s over the CLI's is the ratio (target 85%). During
 * that phase the bench also counts the frames painted and the main
 * thread's CPU time per second: what the window costs while it trains.
 * The 1 ms probe below is off in that phase (its thousand wake-ups a second
 * on cores the training threads fill would be the bench's cost, not the
 * window's; the stalls are measured in the phases after it).
 *
 * A move is gtk_range_set_value() from the probe, 250 ms after the previous
 * move was painted, to 30 values spread over 0.2-0.8. That is what a
 * pointer motion does when the frame clock is idle: GDK holds motion events
 * until the frame clock's flush-events phase (gdkevents.c
 * _gdk_event_queue_find_first, gdksurface.c gdk_surface_flush_events), which
 * runs at once when no frame ran in the last refresh interval, and paints in
 * the same cycle. In a continuous drag the event may wait up to one refresh
 * interval for that phase; that wait is GDK's and not counted here. Run
 * under Xvfb (no compositor: frames are not throttled to a vblank). */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-blas.h"
#include "lab-catalog.h"
#include "lab-denoise-page-private.h"
#include "lab-train-page-private.h"
#include "lab-window.h"

#define N_CLI_RUNS 3
#define N_MOVES 30
#define BATCH 128
#define THROUGHPUT_IMAGES 12800
#define THROUGHPUT_SECONDS 12
#define TARGET_WINDOW_SHARE 0.85

typedef enum
{
  PHASE_WAIT_TRAINING,
  PHASE_THROUGHPUT,
  PHASE_WAIT_DENOISE,
  PHASE_TRAINING,
  PHASE_WAIT_STOPPED,
  PHASE_IDLE,
  PHASE_DONE,
} Phase;

typedef struct
{
  LabApplication *app;
  LabWindow      *window;
  LabTrainPage   *train;
  LabDenoisePage *denoise;
  Phase           phase;
  gint64          phase_start;
  gint64          last_tick;
  double          max_stall_ms[2];     /* [0] training, [1] idle */
  double          max_stall_at[2];     /* seconds into the phase */
  double          max_stall_cpu[2];    /* ms the main thread ran during it */
  gint64          last_cpu;            /* main thread CPU time at last_tick, µs */
  double          max_stall_paint[2];  /* ms of it painting frames */
  double          max_stall_move[2];   /* ms of it in the slider's handler */
  double          gap_paint_ms;        /* since last_tick: frames painted, */
  double          gap_move_ms;         /* and the slider's handler */
  gint64          paint_cpu_start;     /* main thread CPU time at before-paint, µs */
  double          max_paint_cpu[2];    /* the most CPU one frame took, ms */
  double          max_move_cpu[2];     /* the most CPU one slider handler took, ms */
  double          max_paint_cpu_at[2];
  double          pass_ms[2][N_MOVES]; /* each move's 16-image pass as the grid timed it */
  double          latency_ms[2][N_MOVES];
  guint           n_moves;
  gint64          move_start;
  gint64          paint_start;         /* before-paint of the frame being drawn */
  double          wait_ms[2];          /* sums over the moves: move to frame start */
  double          paint_ms[2];         /* and frame start to painted */
  guint           first_frame[2];      /* moves whose grid was in the first frame after them */
  guint           frames_since_move;
  guint           passes_before;
  gboolean        waiting_paint;
  gboolean        pass_seen;
  guint           probe_id;
  int             status;
  /* the throughput phase */
  guint64         steps_start;
  gint64          cpu_start;
  guint           n_frames;
  double          window_ips;
  double          window_fps;
  double          window_cpu_ms_per_s;
} Bench;

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, guint n)
{
  double tmp[N_MOVES];

  memcpy (tmp, v, n * sizeof (double));
  qsort (tmp, n, sizeof (double), cmp_double);
  return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

static double
max_of (double *v, guint n)
{
  double m = 0;
  for (guint i = 0; i < n; i++)
    m = MAX (m, v[i]);
  return m;
}

static int
measuring (Bench *b)
{
  if (b->phase == PHASE_TRAINING)
    return 0;
  if (b->phase == PHASE_IDLE)
    return 1;
  return -1;
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
start_move (Bench *b)
{
  GtkRange *scale = lab_denoise_page_get_noise_scale (b->denoise);
  double v = 0.2 + 0.6 * ((b->n_moves * 7) % N_MOVES) / (double) N_MOVES;

  b->passes_before = lab_denoise_grid_get_n_passes (lab_denoise_page_get_denoise_grid (b->denoise));
  b->pass_seen = FALSE;
  b->frames_since_move = 0;
  b->waiting_paint = TRUE;
  gint64 cpu = thread_cpu_us ();
  int m = measuring (b);

  b->move_start = g_get_monotonic_time ();
  gtk_range_set_value (scale, v);
  b->gap_move_ms += (g_get_monotonic_time () - b->move_start) / 1000.0;
  if (m >= 0)
    {
      double move_cpu = (thread_cpu_us () - cpu) / 1000.0;   /* read once, not inside MAX () */

      b->max_move_cpu[m] = MAX (b->max_move_cpu[m], move_cpu);
      b->pass_ms[m][b->n_moves] = lab_denoise_grid_get_pass_ms (lab_denoise_page_get_denoise_grid (b->denoise));
    }
}

static void
finish_phase (Bench *b)
{
  if (b->phase == PHASE_TRAINING)
    {
      gtk_widget_activate_action (GTK_WIDGET (b->window), "win.stop", NULL);
      b->phase = PHASE_WAIT_STOPPED;
      b->phase_start = g_get_monotonic_time ();
    }
  else
    {
      b->phase = PHASE_DONE;
      g_application_quit (G_APPLICATION (b->app));
    }
  b->n_moves = 0;
}

static void
before_paint (GdkFrameClock *clock,
              Bench         *b)
{
  b->paint_start = g_get_monotonic_time ();
  b->paint_cpu_start = thread_cpu_us ();
  b->n_frames++;
  if (b->waiting_paint)
    b->frames_since_move++;
}

static void
after_paint (GdkFrameClock *clock,
             Bench         *b)
{
  int m = measuring (b);

  double cpu_ms = (thread_cpu_us () - b->paint_cpu_start) / 1000.0;

  b->gap_paint_ms += (g_get_monotonic_time () - b->paint_start) / 1000.0;
  if (m >= 0 && cpu_ms > b->max_paint_cpu[m])
    {
      b->max_paint_cpu[m] = cpu_ms;
      b->max_paint_cpu_at[m] = (g_get_monotonic_time () - b->phase_start) / (double) G_USEC_PER_SEC;
    }
  if (m < 0 || !b->waiting_paint)
    return;
  if (!b->pass_seen && lab_denoise_grid_get_n_passes (lab_denoise_page_get_denoise_grid (b->denoise)) != b->passes_before)
    {
      /* The grid changed in this frame's update; this paint shows it. */
      b->pass_seen = TRUE;
    }
  if (!b->pass_seen)
    return;
  b->wait_ms[m] += (b->paint_start - b->move_start) / 1000.0;
  b->paint_ms[m] += (g_get_monotonic_time () - b->paint_start) / 1000.0;
  b->latency_ms[m][b->n_moves++] = (g_get_monotonic_time () - b->move_start) / 1000.0;
  if (b->frames_since_move == 1)
    b->first_frame[m]++;
  b->waiting_paint = FALSE;
}

static gboolean probe (gpointer data);

/* The end of the training speed's phase; the probe starts again. */
static gboolean
end_throughput (gpointer data)
{
  Bench *b = data;
  gint64 now = g_get_monotonic_time ();
  double seconds = (now - b->phase_start) / (double) G_USEC_PER_SEC;

  b->window_ips = (lab_train_page_get_step (b->train) - b->steps_start) * BATCH / seconds;
  b->window_fps = b->n_frames / seconds;
  b->window_cpu_ms_per_s = (thread_cpu_us () - b->cpu_start) / 1000.0 / seconds;
  /* Then the slider: the page switch (the Denoise page's first frame)
   * happens before measuring starts. */
  lab_window_set_visible_page (b->window, "denoise");
  b->phase = PHASE_WAIT_DENOISE;
  b->phase_start = now;
  b->last_tick = 0;
  b->probe_id = g_timeout_add_full (G_PRIORITY_DEFAULT, 1, probe, b, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
probe (gpointer data)
{
  Bench *b = data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();
  int m = measuring (b);

  if (m >= 0 && b->last_tick > 0 && (now - b->last_tick) / 1000.0 - 1.0 > b->max_stall_ms[m])
    {
      b->max_stall_ms[m] = (now - b->last_tick) / 1000.0 - 1.0;
      b->max_stall_at[m] = (now - b->phase_start) / (double) G_USEC_PER_SEC;
      b->max_stall_cpu[m] = (cpu - b->last_cpu) / 1000.0;
      b->max_stall_paint[m] = b->gap_paint_ms;
      b->max_stall_move[m] = b->gap_move_ms;
    }
  b->last_tick = now;
  b->last_cpu = cpu;
  b->gap_paint_ms = 0;
  b->gap_move_ms = 0;

  switch (b->phase)
    {
    case PHASE_WAIT_TRAINING:
      /* Warm-up on the Train page, as the class sees it. */
      if (lab_train_page_get_step (b->train) >= 20 && gtk_widget_get_mapped (GTK_WIDGET (b->train)))
        {
          b->phase = PHASE_THROUGHPUT;
          b->phase_start = now;
          b->steps_start = lab_train_page_get_step (b->train);
          b->cpu_start = cpu;
          b->n_frames = 0;
          /* Nothing is probed while the speed is measured: the 1 ms probe
           * would wake the main thread a thousand times a second on cores
           * the training threads fill, which no class's window does. */
          b->probe_id = 0;
          g_timeout_add_full (G_PRIORITY_DEFAULT, THROUGHPUT_SECONDS * 1000, end_throughput, b, NULL);
          return G_SOURCE_REMOVE;
        }
      else if (now - b->phase_start > 300 * G_USEC_PER_SEC)
        {
          g_printerr ("bench-gui: training did not start within 300 s\n");
          b->status = 1;
          b->phase = PHASE_DONE;
          g_application_quit (G_APPLICATION (b->app));
        }
      break;

    case PHASE_THROUGHPUT:
      break;

    case PHASE_WAIT_DENOISE:
      if (gtk_widget_get_mapped (GTK_WIDGET (b->denoise)) && now - b->phase_start > G_USEC_PER_SEC)
        {
          b->phase = PHASE_TRAINING;
          b->phase_start = now;
          b->last_tick = 0;
        }
      else if (now - b->phase_start > 60 * G_USEC_PER_SEC)
        {
          g_printerr ("bench-gui: the Denoise page did not show within 60 s\n");
          b->status = 1;
          b->phase = PHASE_DONE;
          g_application_quit (G_APPLICATION (b->app));
        }
      break;

    case PHASE_TRAINING:
    case PHASE_IDLE:
      if (now - b->phase_start > 120 * G_USEC_PER_SEC)
        {
          g_printerr ("bench-gui: only %u of %d slider moves reached the screen in 120 s\n",
                      b->n_moves, N_MOVES);
          b->status = 1;
          b->phase = PHASE_DONE;
          g_application_quit (G_APPLICATION (b->app));
          break;
        }
      /* A move every 250 ms once the previous one has been painted. */
      if (!b->waiting_paint && now - b->move_start > 250 * 1000)
        {
          if (b->n_moves == N_MOVES)
            finish_phase (b);
          else
            start_move (b);
        }
      break;

    case PHASE_WAIT_STOPPED:
      if (now - b->phase_start > 120 * G_USEC_PER_SEC)
        {
          g_printerr ("bench-gui: training did not stop within 120 s of win.stop\n");
          b->status = 1;
          b->phase = PHASE_DONE;
          g_application_quit (G_APPLICATION (b->app));
          break;
        }
      if (!lab_train_page_is_training (b->train))
        {
          b->phase = PHASE_IDLE;
          b->phase_start = now;
          b->last_tick = 0;
        }
      break;

    case PHASE_DONE:
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* The CLI's training images/s for the preset and images the window trains
 * on (pure training: the trainer leaves validation out of it), or NAN. */
static double
cli_images_per_s (void)
{
  const char *cli = g_getenv ("LAB_CLI");
  g_autofree char *dir = g_dir_make_tmp ("bench-gui-XXXXXX", NULL);
  g_autofree char *out = dir ? g_build_filename (dir, "m.safetensors", NULL) : NULL;
  g_autofree char *metrics = dir ? g_build_filename (dir, "m.jsonl", NULL) : NULL;
  g_autofree char *limit = g_strdup_printf ("%d", THROUGHPUT_IMAGES);
  g_autofree char *batch = g_strdup_printf ("%d", BATCH);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { cli, "train", "--arch", "dae-keras32", "--dataset", "mnist",
                         "--noise", "gaussian:0.5", "--epochs", "1", "--batch", batch,
                         "--limit", limit, "--out", out, "--metrics", metrics, NULL };
  const char *field;
  int status = 0;
  double ips = NAN;

  if (cli == NULL || dir == NULL)
    {
      g_printerr ("bench-gui: LAB_CLI is not set; no CLI comparison\n");
      return NAN;
    }
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error)
      || !g_file_get_contents (metrics, &text, NULL, &error))
    g_printerr ("bench-gui: the CLI run failed: %s\n", error->message);
  else if ((field = strstr (text, "\"images_per_s\":")) != NULL)
    ips = g_ascii_strtod (field + strlen ("\"images_per_s\":"), NULL);
  g_unlink (out);
  g_unlink (metrics);
  g_rmdir (dir);
  return ips;
}

static void
window_mapped (GtkWidget *widget,
               Bench     *b)
{
  g_signal_connect (gtk_widget_get_frame_clock (widget), "before-paint", G_CALLBACK (before_paint), b);
  g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint", G_CALLBACK (after_paint), b);
}

static void
window_added_first (GtkApplication *app,
                    GtkWindow      *window,
                    Bench          *b)
{
  if (b->window != NULL || !LAB_IS_WINDOW (window))
    return;
  b->window = LAB_WINDOW (window);
  b->train = LAB_TRAIN_PAGE (lab_window_get_page (b->window, "train"));
  b->denoise = LAB_DENOISE_PAGE (lab_window_get_page (b->window, "denoise"));
  g_signal_connect (window, "map", G_CALLBACK (window_mapped), b);
  b->phase_start = g_get_monotonic_time ();
  b->probe_id = g_timeout_add_full (G_PRIORITY_DEFAULT, 1, probe, b, NULL);
}

int
main (int argc, char **argv)
{
  g_autoptr(LabCatalogEntry) mnist = NULL;
  const char *args[] = { "latentlab", "--dataset", "mnist", "--arch", "dae-keras32",
                   "--noise", "gaussian:0.5", "--train", NULL };
  Bench b = { 0 };
  /* The CLI's speed moves by a seventh from one run to the next on a
   * virtual machine: three runs, two before the window and one after, and
   * the window is held to their median. */
  double cli_runs[N_CLI_RUNS], cli_ips;

  gtk_init ();
  mnist = lab_catalog_find ("mnist", NULL);
  if (mnist == NULL)
    {
      printf ("bench-gui: MNIST is not installed (build-aux/setup fetches it); nothing measured\n");
      return 0;
    }

  for (guint i = 0; i + 1 < N_CLI_RUNS; i++)
    cli_runs[i] = cli_images_per_s ();
  b.app = lab_application_new ();
  g_application_set_flags (G_APPLICATION (b.app),
                           g_application_get_flags (G_APPLICATION (b.app)) | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (b.app, "window-added", G_CALLBACK (window_added_first), &b);
  g_application_run (G_APPLICATION (b.app), G_N_ELEMENTS (args) - 1, (char **) args);

  if (b.status != 0 || b.phase != PHASE_DONE)
    return b.status ? b.status : 1;
  cli_runs[N_CLI_RUNS - 1] = cli_images_per_s ();
  cli_ips = median (cli_runs, N_CLI_RUNS);

  printf ("Training speed, dae-keras32 on MNIST, batch %d, Gaussian noise 0.5 (%s, %s kernels)\n",
          BATCH, lab_cpu_get_model (), lab_blas_get_kernels ());
  printf ("CLI runs (two before the window, one after): %.0f, %.0f, %.0f images/s; median below\n",
          cli_runs[0], cli_runs[1], cli_runs[2]);
  printf ("| CLI | window (Train page shown) | window / CLI | target |\n|---|---|---|---|\n");
  printf ("| %.0f images/s | %.0f images/s | %.0f%% | >= %.0f%% %s |\n", cli_ips, b.window_ips,
          100 * b.window_ips / cli_ips, 100 * TARGET_WINDOW_SHARE,
          b.window_ips >= TARGET_WINDOW_SHARE * cli_ips ? "met" : "**missed**");
  printf ("while the window trained: %.1f frames/s painted, main thread %.0f ms CPU per s\n\n",
          b.window_fps, b.window_cpu_ms_per_s);
  printf ("GUI responsiveness, dae-keras32 training on MNIST (Xvfb)\n");
  printf ("| measure | training | idle | target (training / idle) |\n");
  printf ("|---|---|---|---|\n");
  printf ("| longest main-loop stall | %.1f ms | %.1f ms | 16 / 16 ms |\n",
          b.max_stall_ms[0], b.max_stall_ms[1]);
  printf ("| longest stall happened at | %.1f s | %.1f s | into the phase |\n",
          b.max_stall_at[0], b.max_stall_at[1]);
  printf ("| main thread running during it | %.1f ms | %.1f ms | the rest: waiting for a core or X |\n",
          b.max_stall_cpu[0], b.max_stall_cpu[1]);
  printf ("| of it: painting frames | %.1f ms | %.1f ms | |\n",
          b.max_stall_paint[0], b.max_stall_paint[1]);
  printf ("| of it: the slider's handler (a pass on the main thread) | %.1f ms | %.1f ms | |\n",
          b.max_stall_move[0], b.max_stall_move[1]);
  printf ("| the most main-thread CPU of one frame | %.1f ms (at %.1f s) | %.1f ms (at %.1f s) | |\n",
          b.max_paint_cpu[0], b.max_paint_cpu_at[0], b.max_paint_cpu[1], b.max_paint_cpu_at[1]);
  printf ("| the most main-thread CPU of one slider handler | %.1f ms | %.1f ms | |\n",
          b.max_move_cpu[0], b.max_move_cpu[1]);
  printf ("| 16-image pass (main thread idle, worker training), median / worst | %.1f / %.1f ms | %.1f / %.1f ms | |\n",
          median (b.pass_ms[0], N_MOVES), max_of (b.pass_ms[0], N_MOVES),
          median (b.pass_ms[1], N_MOVES), max_of (b.pass_ms[1], N_MOVES));
  printf ("| slider to frame, median | %.1f ms | %.1f ms | 33 / 16 ms |\n",
          median (b.latency_ms[0], N_MOVES), median (b.latency_ms[1], N_MOVES));
  printf ("| slider to frame, worst | %.1f ms | %.1f ms | 33 / 16 ms |\n",
          max_of (b.latency_ms[0], N_MOVES), max_of (b.latency_ms[1], N_MOVES));
  printf ("| grid in the first frame after the move | %u of %d | %u of %d | |\n",
          b.first_frame[0], N_MOVES, b.first_frame[1], N_MOVES);
  printf ("| of which: move to frame start, mean | %.1f ms | %.1f ms | |\n",
          b.wait_ms[0] / N_MOVES, b.wait_ms[1] / N_MOVES);
  printf ("| of which: painting the frame, mean | %.1f ms | %.1f ms | |\n",
          b.paint_ms[0] / N_MOVES, b.paint_ms[1] / N_MOVES);
  printf ("ratios to target: stall %.2f / %.2f, slider median %.2f / %.2f\n",
          b.max_stall_ms[0] / 16, b.max_stall_ms[1] / 16,
          median (b.latency_ms[0], N_MOVES) / 33, median (b.latency_ms[1], N_MOVES) / 16);
  g_object_unref (b.app);
  return 0;
}
