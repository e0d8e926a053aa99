#define G_LOG_DOMAIN "latentlab-core"

#include "lab-team.h"

struct _LabTeam
{
  guint        n_lanes;
  GThread    **threads;      /* (n_lanes - 1): lane l runs on threads[l - 1] */
  GMutex       lock;
  GCond        start;        /* a new run (generation changed) or quit */
  GCond        done;         /* pending reached 0 */
  /* Under lock: */
  guint64      generation;   /* runs started so far */
  guint        pending;      /* worker lanes of the current run not yet done */
  gboolean     quit;
  LabTeamFunc  func;
  gpointer     data;
  guint        run_lanes;
};

typedef struct
{
  LabTeam *team;
  guint    lane;
} Worker;

static gpointer
worker_main (gpointer user_data)
{
  Worker *w = user_data;
  LabTeam *team = w->team;
  const guint lane = w->lane;
  guint64 seen = 0;

  g_free (w);
  for (;;)
    {
      LabTeamFunc func;
      gpointer data;
      guint run_lanes;

      g_mutex_lock (&team->lock);
      while (team->generation == seen && !team->quit)
        g_cond_wait (&team->start, &team->lock);
      if (team->quit)
        {
          g_mutex_unlock (&team->lock);
          return NULL;
        }
      seen = team->generation;
      func = team->func;
      data = team->data;
      run_lanes = team->run_lanes;
      g_mutex_unlock (&team->lock);

      if (lane < run_lanes)
        func (lane, data);

      g_mutex_lock (&team->lock);
      if (--team->pending == 0)
        g_cond_signal (&team->done);
      g_mutex_unlock (&team->lock);
    }
}

LabTeam *
lab_team_new (guint n_lanes)
{
  LabTeam *self = g_new0 (LabTeam, 1);

  self->n_lanes = MAX (n_lanes, 1);
  g_mutex_init (&self->lock);
  g_cond_init (&self->start);
  g_cond_init (&self->done);
  self->threads = g_new0 (GThread *, self->n_lanes);
  for (guint l = 1; l < self->n_lanes; l++)
    {
      Worker *w = g_new (Worker, 1);

      w->team = self;
      w->lane = l;
      self->threads[l - 1] = g_thread_new ("lab-team", worker_main, w);
    }
  return self;
}

void
lab_team_free (LabTeam *self)
{
  if (self == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->quit = TRUE;
  g_cond_broadcast (&self->start);
  g_mutex_unlock (&self->lock);
  for (guint l = 1; l < self->n_lanes; l++)
    g_thread_join (self->threads[l - 1]);
  g_free (self->threads);
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

  g_mutex_lock (&self->lock);
  self->func = func;
  self->data = data;
  self->run_lanes = n_lanes;
  self->pending = self->n_lanes - 1;
  self->generation++;
  g_cond_broadcast (&self->start);
  g_mutex_unlock (&self->lock);

  func (0, data);

  g_mutex_lock (&self->lock);
  while (self->pending > 0)
    g_cond_wait (&self->done, &self->lock);
  g_mutex_unlock (&self->lock);
}
