#pragma once

#include <gtk/gtk.h>

#include "lab-model.h"
#include "lab-plot-view.h"

G_BEGIN_DECLS

/* The Inside page's history of how large each layer's weights and their
 * gradients are (L2 norms, lab_model_layer_norms) over the training steps
 * of the weights published: two line plots on a log scale, a line per
 * layer with parameters. Weights that come without gradients (a model
 * file) add a weight point only. */
#define LAB_TYPE_NORM_PLOT (lab_norm_plot_get_type ())
G_DECLARE_FINAL_TYPE (LabNormPlot, lab_norm_plot, LAB, NORM_PLOT, GtkWidget)

GtkWidget   *lab_norm_plot_new          (void);
/* Empties both plots and makes a line per layer of model with parameters
 * (NULL: none). */
void         lab_norm_plot_reset        (LabNormPlot *self,
                                         LabModel    *model);
/* The norms of the weights of step (n_layers each; grad_norms may be
 * NULL). The last step again adds nothing; an earlier one starts the
 * history again (a new run). */
void         lab_norm_plot_add          (LabNormPlot *self,
                                         guint64      step,
                                         const float *param_norms,
                                         const float *grad_norms);
/* Points of each line of the weight (grads FALSE) or gradient plot. */
guint        lab_norm_plot_get_n_points (LabNormPlot *self,
                                         gboolean     grads);
guint        lab_norm_plot_get_n_lines  (LabNormPlot *self);
LabPlotView *lab_norm_plot_get_view     (LabNormPlot *self,
                                         gboolean     grads);

G_END_DECLS
