#pragma once

#include <gtk/gtk.h>

#include "lab-model.h"
#include "lab-tile-view.h"

G_BEGIN_DECLS

/* The Inside page's picture of the first layer's weights
 * (lab_model_first_filters): a convolution's filters, or a dense layer's
 * rows as images of the input's size (what each unit looks for), 0 as
 * mid-gray, at most LAB_FILTER_GRID_MAX_TILES; with a caption saying what
 * they are, or why there are none. */
#define LAB_TYPE_FILTER_GRID (lab_filter_grid_get_type ())
G_DECLARE_FINAL_TYPE (LabFilterGrid, lab_filter_grid, LAB, FILTER_GRID, GtkWidget)

#define LAB_FILTER_GRID_MAX_TILES 64

GtkWidget   *lab_filter_grid_new      (void);
/* Shows model's current weights (NULL: none). */
void         lab_filter_grid_show     (LabFilterGrid *self,
                                       LabModel      *model);
LabTileView *lab_filter_grid_get_view (LabFilterGrid *self);
const char  *lab_filter_grid_get_caption (LabFilterGrid *self);

G_END_DECLS
