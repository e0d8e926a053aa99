#pragma once

#include "lab-filter-grid.h"
#include "lab-image-view.h"
#include "lab-inside-page.h"
#include "lab-layer-maps.h"
#include "lab-norm-plot.h"

G_BEGIN_DECLS

/* For tests: the page's sections, and what it shows. */
LabLayerMaps  *lab_inside_page_get_layer_maps  (LabInsidePage *self);
LabFilterGrid *lab_inside_page_get_filter_grid (LabInsidePage *self);
LabNormPlot   *lab_inside_page_get_norm_plot   (LabInsidePage *self);
LabImageView  *lab_inside_page_get_image_view  (LabInsidePage *self);
GtkSpinButton *lab_inside_page_get_image_spin  (LabInsidePage *self);
/* Passes run so far, the weights serial of the last one (0: none), and
 * its time in ms. */
guint          lab_inside_page_get_n_passes    (LabInsidePage *self);
guint64        lab_inside_page_get_shown_serial (LabInsidePage *self);
double         lab_inside_page_get_pass_ms     (LabInsidePage *self);
double         lab_inside_page_get_max_pass_ms (LabInsidePage *self);
/* The empty state's text, or NULL when the content shows. */
const char    *lab_inside_page_get_problem     (LabInsidePage *self);

G_END_DECLS
