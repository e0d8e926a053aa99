#define G_LOG_DOMAIN "latentlab-core"

#include "lab-team.h"

/* A run is published by bumping generation (atomic, under lock so a
 * sleeping worker cannot miss the broadcast); the fields written before the
 * bump are visible to a worker that has seen it, since GLib's atomics are
 * full barriers. Each worker lane counts pending down when it is done; the
 * caller returns once pending is 0, so a worker never sees two generations
 * in one wait. */
struct _LabTeam
{
  guint        n_lanes;
  guint        spin_polls;   /* polls before sleeping, on both sides */
  GThread    **threads;      /* (n_lanes - 1): lane l runs on threads[l - 1] */
  struct Worker *workers;    /* (n_lanes - 1): what each thread was started with */
  guint        ready;        /* under lock: threads that reached their first wait */
  GMutex       lock;
  GCond        start;        /* a new run (generation changed) or quit */
  GCond        done;         /* pending reached 0, or a thread is ready */
  gint         generation;   /* atomic: runs started so far */
  gint         pending;      /* atomic: worker lanes of the current run not yet done */
  gint         quit;         /* atomic */
  /* The current run, written before generation is bumped: */
  LabTeamFunc  func;
  gpointer     data;
  guint        run_lanes;
};

typedef struct Worker
{
  LabTeam *team;
  guint    lane;
} Worker;

static gboolean
run_started (LabTeam *team,
             gint     seen)
{
  return g_atomic_int_get (&team->generation) != seen || g_atomic_int_get (&team->quit);
}

static gpointer
worker_main (gpointer user_data)
{
  Worker *w = user_data;
  LabTeam *team = w->team;
  const guint lane = w->lane;
  gint seen = 0;

  /* Ready, and from here on this thread allocates nothing while it
   * waits: lab_team_new returns only then (below). */
  g_mutex_lock (&team->lock);
  team->ready++;
  g_cond_signal (&team->done);
  g_mutex_unlock (&team->lock);
  for (;;)
    {
      for (guint spin = 0; spin < team->spin_polls; spin++)
        if (run_started (team, seen))
          break;
      if (!run_started (team, seen))
        {
          g_mutex_lock (&team->lock);
          while (!run_started (team, seen))
            g_cond_wait (&team->start, &team->lock);
          g_mutex_unlock (&team->lock);
        }
      if (g_atomic_int_get (&team->quit))
        return NULL;
      seen = g_atomic_int_get (&team->generation);

      if (lane < team->run_lanes)
        team->func (lane, team->data);

      if (g_atomic_int_dec_and_test (&team->pending))
        {
          g_mutex_lock (&team->lock);
          g_cond_signal (&team->done);
          g_mutex_unlock (&team->lock);
        }
    }
}

LabTeam *
lab_team_new (guint n_lanes,
              guint spin_polls)
{
  LabTeam *self = g_new0 (LabTeam, 1);

  self->n_lanes = MAX (n_lanes, 1);
  self->spin_polls = spin_polls;
  g_mutex_init (&self->lock);
  g_cond_init (&self->start);
  g_cond_init (&self->done);
  self->threads = g_new0 (GThread *, self->n_lanes);
  self->workers = g_new0 (Worker, self->n_lanes);
  for (guint l = 1; l < self->n_lanes; l++)
    {
      Worker *w = &self->workers[l - 1];

      w->team = self;
      w->lane = l;
      self->threads[l - 1] = g_thread_new ("lab-team", worker_main, w);
    }
  /* Every thread started and waiting before the caller goes on: a thread
   * still starting (GLib's and the sanitizers' bookkeeping allocate) while
   * the caller forks (the SVM's fit children, lab-fork.c) could leave an
   * allocator lock held in the child for good. */
  g_mutex_lock (&self->lock);
  while (self->ready + 1 < self->n_lanes)
    g_cond_wait (&self->done, &self->lock);
  g_mutex_unlock (&self->lock);
  return self;
}

void
lab_team_free (LabTeam *self)
{
  if (self == NULL)
    return;
  g_mutex_lock (&self->lock);
  g_atomic_int_set (&self->quit, TRUE);
  g_cond_broadcast (&self->start);
  g_mutex_unlock (&self->lock);
  for (guint l = 1; l < self->n_lanes; l++)
    g_thread_join (self->threads[l - 1]);
  g_free (self->threads);
  g_free (self->workers);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->start);
  g_cond_clear (&self->done);
  g_free (self);
}

guint
lab_team_lanes (LabTeam *self)
{
  return self->n_lanes;
}

void
lab_team_run (LabTeam     *self,
              guint        n_lanes,
              LabTeamFunc  func,
              gpointer     data)
{
  n_lanes = MIN (n_lanes, self->n_lanes);
  if (n_lanes <= 1)
    {
      if (n_lanes == 1)
        func (0, data);
      return;
    }

  self->func = func;
  self->data = data;
  self->run_lanes = n_lanes;
  g_atomic_int_set (&self->pending, (gint) self->n_lanes - 1);
  g_mutex_lock (&self->lock);
  g_atomic_int_inc (&self->generation);
  g_cond_broadcast (&self->start);
  g_mutex_unlock (&self->lock);

  func (0, data);

  for (guint spin = 0; spin < self->spin_polls; spin++)
    if (g_atomic_int_get (&self->pending) == 0)
      return;
  g_mutex_lock (&self->lock);
  while (g_atomic_int_get (&self->pending) > 0)
    g_cond_wait (&self->done, &self->lock);
  g_mutex_unlock (&self->lock);
}

typedef struct
{
  LabTeamFunc  func;
  gpointer     data;
  guint        n_tasks;
  gint         next;     /* atomic: the next task to hand out */
} Tasks;

static void
run_tasks_lane (guint    lane,
                gpointer data)
{
  Tasks *tasks = data;
  gint t;

  while ((t = g_atomic_int_add (&tasks->next, 1)) < (gint) tasks->n_tasks)
    tasks->func ((guint) t, tasks->data);
}

void
lab_team_run_tasks (LabTeam     *self,
                    guint        n_tasks,
                    LabTeamFunc  func,
                    gpointer     data)
{
  Tasks tasks = { func, data, n_tasks, 0 };

  if (self->n_lanes == 1)
    {
      for (guint t = 0; t < n_tasks; t++)
        func (t, data);
      return;
    }
  lab_team_run (self, self->n_lanes, run_tasks_lane, &tasks);
}
