#pragma once

#include <gtk/gtk.h>

#include "lab-confusion-plot.h"

G_BEGIN_DECLS

/* The confusion matrix of a classification run as a heatmap with counts
 * (LabConfusionPlot, drawn in snapshot() at whatever size the widget
 * gets). A click on a cell selects it and emits
 *   cell-activated (guint truth, guint predicted)
 * so the page can show the test images of that cell. */
#define LAB_TYPE_CONFUSION_VIEW (lab_confusion_view_get_type ())
G_DECLARE_FINAL_TYPE (LabConfusionView, lab_confusion_view, LAB, CONFUSION_VIEW, GtkWidget)

GtkWidget        *lab_confusion_view_new          (void);
/* counts (n_classes, n_classes) copied; n_classes 0 clears. */
void              lab_confusion_view_set_matrix   (LabConfusionView   *self,
                                                   const char         *title,
                                                   const guint        *counts,
                                                   guint               n_classes,
                                                   const char * const *class_names);
/* The title set_matrix gave, as drawn above the matrix. */
const char       *lab_confusion_view_get_title    (LabConfusionView   *self);
void              lab_confusion_view_select       (LabConfusionView   *self,
                                                   int                 truth,
                                                   int                 predicted);
/* The cell under (x, y) in widget coordinates (tests click through it). */
gboolean          lab_confusion_view_cell_at      (LabConfusionView   *self,
                                                   double              x,
                                                   double              y,
                                                   guint              *truth,
                                                   guint              *predicted);
/* Presses at (x, y) as a click would. */
void              lab_confusion_view_click        (LabConfusionView   *self,
                                                   double              x,
                                                   double              y);
/* The size in pixels of the class names beside the rows and below the
 * columns, at the widget's size (larger in presentation mode). */
double            lab_confusion_view_get_label_size (LabConfusionView *self);
guint             lab_confusion_view_get_n_draws  (LabConfusionView   *self);

G_END_DECLS
