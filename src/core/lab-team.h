#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fixed team of threads for data parallelism, the one the model's lanes
 * and t-SNE's chunks both run on. lab_team_run calls one function once per
 * lane, lane 0 on the calling thread and every other lane on a thread of
 * its own that the team keeps for its lifetime, and returns when all lanes
 * are done. Lane l always runs on the same thread, so what a lane computes
 * does not depend on scheduling. lab_team_run_tasks instead hands out task
 * indices to whichever lane is free: for work cut into more pieces than
 * there are lanes, each piece writing its own result.
 *
 * A run is only a few hundred microseconds for the model's small layers and
 * about a millisecond per t-SNE iteration, so waking a sleeping thread
 * (tens of microseconds) shows. With spin_polls > 0 both sides first poll
 * that many times (20,000: about 20-50 microseconds) before they sleep:
 * worth it when runs come back to back, a waste of a core otherwise.
 *
 * The team is for one caller at a time (a LabModel owns one, a t-SNE run
 * another); runs from two threads at once are not supported. */
typedef struct _LabTeam LabTeam;

/* index is the lane for lab_team_run, the task for lab_team_run_tasks. */
typedef void (*LabTeamFunc) (guint    index,
                             gpointer data);

/* Starts n_lanes - 1 threads (none for one lane). */
LabTeam  *lab_team_new        (guint        n_lanes,
                               guint        spin_polls);
/* Stops and joins the threads. */
void      lab_team_free       (LabTeam     *self);
guint     lab_team_lanes      (LabTeam     *self);
/* func (l, data) for every lane l < n_lanes (at most lab_team_lanes). */
void      lab_team_run        (LabTeam     *self,
                               guint        n_lanes,
                               LabTeamFunc  func,
                               gpointer     data);
/* func (t, data) for every task t < n_tasks, each once, on all lanes; in
 * task order when the team has one lane. */
void      lab_team_run_tasks  (LabTeam     *self,
                               guint        n_tasks,
                               LabTeamFunc  func,
                               gpointer     data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTeam, lab_team_free)

G_END_DECLS
