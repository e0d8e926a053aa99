#pragma once

#include <cairo.h>
#include <glib.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* A confusion matrix as a heatmap with counts: rows the true class, columns
 * the predicted one, each cell shaded by its share of its row (so a class
 * with few images reads as clearly as one with many) and labelled with its
 * count. One cell may be marked as selected. The Classify page draws it in
 * its widget, `latentlab-cli classify --confusion` into a PNG.
 *
 * Per-class bars (lab_class_bars_draw) go with it: one horizontal bar per
 * class, a value in [0, 1] (the class's recall, "per-class accuracy"). */
typedef struct _LabConfusionPlot LabConfusionPlot;

LabConfusionPlot *lab_confusion_plot_new      (void);
void              lab_confusion_plot_free     (LabConfusionPlot *self);
void              lab_confusion_plot_set_title (LabConfusionPlot *self,
                                               const char       *title);
const char       *lab_confusion_plot_get_title (LabConfusionPlot *self);
/* counts (n_classes, n_classes) row-major, copied; class_names
 * (n_classes) may be NULL (numbers are shown). n_classes 0 clears it. */
void              lab_confusion_plot_set_matrix (LabConfusionPlot   *self,
                                                 const guint        *counts,
                                                 guint               n_classes,
                                                 const char * const *class_names);
guint             lab_confusion_plot_get_n_classes (LabConfusionPlot *self);
/* Images of class truth predicted as predicted; 0 out of range. */
guint             lab_confusion_plot_get_count (LabConfusionPlot *self,
                                                guint             truth,
                                                guint             predicted);
/* Class c's name ("7" without names); NULL out of range. */
const char       *lab_confusion_plot_get_class_name (LabConfusionPlot *self,
                                                     guint             c);
/* Marks cell (truth, predicted); -1 for none. */
void              lab_confusion_plot_set_selected (LabConfusionPlot *self,
                                                   int               truth,
                                                   int               predicted);
/* Draws everything (text, cells) scale times larger, for a projector
 * (presentation mode); 1 by default. */
void              lab_confusion_plot_set_scale (LabConfusionPlot *self,
                                                double            scale);
/* The size in pixels of the class names (the axes' tick labels) in a
 * drawing of width x height at the plot's scale. */
double            lab_confusion_plot_get_label_size (LabConfusionPlot *self,
                                                     double            width,
                                                     double            height);
/* Draws into [0, width] x [0, height] of cr, background included. */
void              lab_confusion_plot_draw     (LabConfusionPlot *self,
                                               cairo_t          *cr,
                                               double            width,
                                               double            height);
/* lab_confusion_plot_draw as a LabFigureDrawFunc (lab-figure.h). */
void              lab_confusion_plot_draw_figure (gpointer       plot,
                                                  cairo_t       *cr,
                                                  double         width,
                                                  double         height);
/* The cell under (x, y) of a drawing of width x height: TRUE and the
 * cell's true and predicted class, or FALSE outside the matrix. */
gboolean          lab_confusion_plot_cell_at  (LabConfusionPlot *self,
                                               double            width,
                                               double            height,
                                               double            x,
                                               double            y,
                                               guint            *truth,
                                               guint            *predicted);
gboolean          lab_confusion_plot_save_png (LabConfusionPlot *self,
                                               const char       *path,
                                               int               width,
                                               int               height,
                                               GError          **error);

/* One bar per class, values (n) in [0, 1] (NAN: no bar, "–"), each with
 * its class name and its value as a percentage, in the class's palette
 * colour; drawn into [0, width] x [0, height] of cr, background included,
 * everything scale times larger (1, or more for a projector). */
void              lab_class_bars_draw         (cairo_t            *cr,
                                               double              width,
                                               double              height,
                                               const char         *title,
                                               const double       *values,
                                               guint               n,
                                               const char * const *names,
                                               double              scale);
/* The size in pixels of the bars' class names and values in a drawing
 * height pixels tall of n bars at scale. */
double            lab_class_bars_label_size   (double              height,
                                               guint               n,
                                               double              scale);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabConfusionPlot, lab_confusion_plot_free)

G_END_DECLS
