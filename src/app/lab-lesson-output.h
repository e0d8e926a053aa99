#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What a finished lesson run's folder (lab-lesson.h) holds, read on a
 * worker thread so the window never waits for the disk: the run record's
 * status line, the reading and every table as the report's text has them
 * (report-text.json: translated, in the user's numbers, as the run was
 * made; a run without one gives the record's reading and the tables'
 * CSV), the results first, then the settings, then the others, and every
 * figure decoded from its PNG in the report's order. Plain data; the Lessons page shows it with
 * lab_lesson_results_show(). */
typedef struct
{
  char       *name;        /* "results" */
  GPtrArray  *rows;        /* (element-type GStrv): the header, then the rows */
} LabLessonTable;

typedef struct
{
  char       *dir;
  gboolean    stale;       /* made with other settings than the ones asked for */
  char       *status;      /* "Finished 02/12/2026 01:30 · quick setting · ..." */
  char       *reading;     /* the report's generated reading, "" when none */
  GPtrArray  *tables;      /* (element-type LabLessonTable) */
  GPtrArray  *figures;     /* (element-type GdkTexture) */
} LabLessonOutput;

/* Any thread. NULL with error when dir holds no readable run record; a
 * table or figure that cannot be read is left out. */
LabLessonOutput *lab_lesson_output_load (const char       *dir,
                                         gboolean          stale,
                                         GError          **error);
void             lab_lesson_output_free (LabLessonOutput  *self);

/* One CSV line as lab-report.c writes it: fields separated by commas,
 * quoted when they hold a comma or a quote, quotes doubled. */
GStrv            lab_lesson_parse_csv_line (const char    *line);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabLessonOutput, lab_lesson_output_free)

G_END_DECLS
