#pragma once

#include <gtk/gtk.h>

#include "lab-lesson-output.h"

G_BEGIN_DECLS

/* A finished lesson run shown in the window, read from its folder (see
 * lab-lesson.h, read by lab_lesson_output_load() on a worker) so a fresh
 * run and one cached from last week look the same:
 * when and how it ran, the generated reading, every table (from its CSV)
 * and every figure (from its PNG). A stale run (other settings than the
 * ones chosen now) says so above it. */
#define LAB_TYPE_LESSON_RESULTS (lab_lesson_results_get_type ())
G_DECLARE_FINAL_TYPE (LabLessonResults, lab_lesson_results, LAB, LESSON_RESULTS, GtkWidget)

void        lab_lesson_results_show          (LabLessonResults      *self,
                                              const LabLessonOutput *output);
/* Shows text instead of results. */
void        lab_lesson_results_show_empty    (LabLessonResults  *self,
                                              const char        *text);
/* The folder shown, or NULL. */
const char *lab_lesson_results_get_dir       (LabLessonResults  *self);
gboolean    lab_lesson_results_get_stale     (LabLessonResults  *self);
guint       lab_lesson_results_get_n_figures (LabLessonResults  *self);
guint       lab_lesson_results_get_n_tables  (LabLessonResults  *self);
/* A line under the status, e.g. the outcome of a reproduction. */
void        lab_lesson_results_set_note      (LabLessonResults  *self,
                                              const char        *note);

G_END_DECLS
