#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A custom-drawn widget says in words what it shows: its accessible label
 * (what it is, "loss against epoch") and description (the figure in a
 * sentence, lab-plot-describe.h), which screen readers read. Its data may
 * change every batch while a model trains; the words follow at most about
 * once a second, on the main loop's low priority, so that describing
 * costs the window nothing it would notice. */

/* Sets widget's label and description with gtk_accessible_update_property. */
typedef void (*LabAccessibleUpdateFunc) (GtkWidget *widget);

/* Calls update on widget soon (at once when the last call was over a
 * second ago, else a second after it); calls before then are one. None
 * after the widget is destroyed. */
void lab_accessible_update_later (GtkWidget               *widget,
                                  LabAccessibleUpdateFunc  update);
/* Sets label (NULL: leaves it) and description (NULL: none) now. */
void lab_accessible_set_text     (GtkWidget               *widget,
                                  const char              *label,
                                  const char              *description);

G_END_DECLS
