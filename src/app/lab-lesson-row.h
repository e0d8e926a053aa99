#pragma once

#include <gtk/gtk.h>

#include "lab-lesson.h"

G_BEGIN_DECLS

/* A lesson in the Lessons page's list: its title, its quick and full run
 * times (wrapped only between the two), what it teaches as the tooltip. */
GtkWidget *lab_lesson_row_new (const LabLessonInfo *lesson);

G_END_DECLS
