#pragma once

#include <gtk/gtk.h>

#include "lab-page.h"

G_BEGIN_DECLS

/* The Inside page: a look inside the session's model for one test image.
 * A layout of its sections: the image picker (the test image's number, the
 * image and its class), the feature maps of every layer (lab-layer-maps.h:
 * a convolution's channels as gray tiles, a dense layer's values as bars),
 * the first layer's filters (lab-filter-grid.h) and each layer's weight
 * and gradient norms over the training steps published
 * (lab-norm-plot.h). It follows the weights as training publishes them.
 *
 * The image's pass (lab_model_probe, one image: well under a millisecond
 * for the presets) runs on the main thread on the page's own one-lane
 * copy of the model, when the page is shown; new weights that arrive while
 * it is hidden make it dirty, and it runs when the page is shown again.
 * The norms are added for every set of weights published, shown or not
 * (one snrm2 over the parameters: 0.3 ms for the largest preset).
 *
 * Actions (page.*, and win.* through the window, see lab-page.h):
 *   inside-image (int32 state: the "image" property)  the test image shown */
#define LAB_TYPE_INSIDE_PAGE (lab_inside_page_get_type ())
G_DECLARE_FINAL_TYPE (LabInsidePage, lab_inside_page, LAB, INSIDE_PAGE, LabPage)

GtkWidget  *lab_inside_page_new         (void);

G_END_DECLS
