#pragma once

#include <gtk/gtk.h>

#include "lab-lesson-results.h"
#include "lab-page.h"

G_BEGIN_DECLS

/* The Lessons page: the labs' experiments as one-click runs (see
 * lab-lesson.h). The list of lessons with what each teaches and its time;
 * the setting (quick for class, full as the lab did it); Run on the Data
 * page's dataset (or the lesson's own) on a worker, with the step, the time
 * left and the live training curve; Cancel; the finished report's reading,
 * tables and figures (lab-lesson-results.h), also for a run cached earlier
 * or, flagged as stale, one made with other settings; Open PDF; Reproduce.
 *
 * Actions (page.*, and win.* through the window, see lab-page.h):
 *   lesson          (string state: the "lesson" property)   the lesson shown
 *   lesson-setting  (string state: "quick" or "full")
 *   run-lesson, cancel-lesson, open-report, reproduce-lesson */
#define LAB_TYPE_LESSONS_PAGE (lab_lessons_page_get_type ())
G_DECLARE_FINAL_TYPE (LabLessonsPage, lab_lessons_page, LAB, LESSONS_PAGE, LabPage)

GtkWidget        *lab_lessons_page_new         (void);
/* The results section (for tests). */
LabLessonResults *lab_lessons_page_get_results (LabLessonsPage *self);
/* TRUE while a run's folder is being read to be shown (for tests). */
gboolean          lab_lessons_page_is_showing  (LabLessonsPage *self);

G_END_DECLS
