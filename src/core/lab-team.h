#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fixed team of threads for data parallelism: lab_team_run calls one
 * function once per lane, lane 0 on the calling thread and every other
 * lane on a thread of its own that the team keeps for its lifetime, and
 * returns when all lanes are done. Lane l always runs on the same thread,
 * so what a lane computes does not depend on scheduling.
 *
 * The team is for one caller at a time (a LabModel owns one); runs from
 * two threads at once are not supported. */
typedef struct _LabTeam LabTeam;

typedef void (*LabTeamFunc) (guint    lane,
                             gpointer data);

/* Starts n_lanes - 1 threads (none for one lane). */
LabTeam  *lab_team_new    (guint        n_lanes);
/* Stops and joins the threads. */
void      lab_team_free   (LabTeam     *self);
guint     lab_team_lanes  (LabTeam     *self);
/* func (l, data) for every lane l < n_lanes (at most lab_team_lanes). */
void      lab_team_run    (LabTeam     *self,
                           guint        n_lanes,
                           LabTeamFunc  func,
                           gpointer     data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTeam, lab_team_free)

G_END_DECLS
