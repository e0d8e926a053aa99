#include <glib.h>
#include <string.h>

#include "lab-team.h"

/* Lanes: every lane of a run once, each on its own thread, lane 0 on the
 * caller's. */
typedef struct
{
  gint     calls[8];      /* atomic */
  GThread *thread[8];
} LaneRecord;

static void
record_lane (guint    lane,
             gpointer data)
{
  LaneRecord *r = data;

  g_atomic_int_inc (&r->calls[lane]);
  r->thread[lane] = g_thread_self ();
}

static void
check_lanes (guint spin)
{
  g_autoptr(LabTeam) team = lab_team_new (4, spin);
  GThread *first[4];

  g_assert_cmpuint (lab_team_lanes (team), ==, 4);
  for (guint run = 0; run < 200; run++)
    {
      LaneRecord r = { { 0 } };
      guint n = run % 5;   /* 0 to 4 lanes, then more than the team has */

      if (run == 199)
        n = 7;
      lab_team_run (team, n, record_lane, &r);
      for (guint l = 0; l < 8; l++)
        g_assert_cmpint (r.calls[l], ==, l < MIN (n, 4) ? 1 : 0);
      if (n >= 1)
        g_assert_true (r.thread[0] == g_thread_self ());
      if (run == 4)
        memcpy (first, r.thread, sizeof first);
      /* lane l always runs on the same thread */
      if (run > 4 && n == 4)
        for (guint l = 0; l < 4; l++)
          g_assert_true (r.thread[l] == first[l]);
    }
  for (guint l = 1; l < 4; l++)
    for (guint m = 0; m < l; m++)
      g_assert_true (first[l] != first[m]);
}

static void
test_team_lanes (void)
{
  check_lanes (0);
}

static void
test_team_lanes_spinning (void)
{
  check_lanes (20000);
}

/* Tasks: each of n once, whatever lane takes it; in order on one lane. */
typedef struct
{
  gint   done[100];     /* atomic */
  guint  order[100];
  gint   n_order;       /* atomic */
} TaskRecord;

static void
record_task (guint    task,
             gpointer data)
{
  TaskRecord *r = data;

  g_atomic_int_inc (&r->done[task]);
  r->order[g_atomic_int_add (&r->n_order, 1)] = task;
}

static void
test_team_tasks (void)
{
  for (guint lanes = 1; lanes <= 3; lanes++)
    for (guint spin = 0; spin <= 20000; spin += 20000)
      {
        g_autoptr(LabTeam) team = lab_team_new (lanes, spin);

        for (guint n = 0; n <= 100; n += 7)
          {
            TaskRecord r = { { 0 } };

            lab_team_run_tasks (team, n, record_task, &r);
            g_assert_cmpint (r.n_order, ==, n);
            for (guint t = 0; t < 100; t++)
              g_assert_cmpint (r.done[t], ==, t < n ? 1 : 0);
            if (lanes == 1)
              for (guint t = 0; t < n; t++)
                g_assert_cmpuint (r.order[t], ==, t);
          }
      }
}

/* A sum cut into fixed pieces and added in piece order gives the same bits
 * on any number of lanes: what t-SNE relies on. */
typedef struct
{
  const float *x;
  gsize        n;
  double       part[16];
} SumJob;

static void
sum_piece (guint    task,
           gpointer data)
{
  SumJob *job = data;
  double s = 0;

  for (gsize i = job->n * task / 16; i < job->n * (task + 1) / 16; i++)
    s += job->x[i] * (double) job->x[i];
  job->part[task] = s;
}

static void
test_team_tasks_deterministic (void)
{
  g_autofree float *x = g_new (float, 100000);
  double sums[4];

  for (gsize i = 0; i < 100000; i++)
    x[i] = (float) ((i * 2654435761u) % 1000) / 997.0f;
  for (guint lanes = 1; lanes <= 4; lanes++)
    {
      g_autoptr(LabTeam) team = lab_team_new (lanes, lanes % 2 ? 20000 : 0);
      SumJob job = { x, 100000, { 0 } };
      double s = 0;

      lab_team_run_tasks (team, 16, sum_piece, &job);
      for (guint t = 0; t < 16; t++)
        s += job.part[t];
      sums[lanes - 1] = s;
    }
  g_assert_cmpfloat (sums[0], >, 0);
  for (guint l = 1; l < 4; l++)
    g_assert_true (memcmp (&sums[l], &sums[0], sizeof (double)) == 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/team/lanes", test_team_lanes);
  g_test_add_func ("/team/lanes-spinning", test_team_lanes_spinning);
  g_test_add_func ("/team/tasks", test_team_tasks);
  g_test_add_func ("/team/tasks-deterministic", test_team_tasks_deterministic);
  return g_test_run ();
}
