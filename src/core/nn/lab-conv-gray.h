#pragma once

/* Conv2d's path for one input channel, 3×3, stride 1, padding 1: the
 * first layer of the presets on gray images (see lab-conv-gray.c). */

#include "lab-im2col.h"

G_BEGIN_DECLS

gboolean lab_conv_gray_fits           (const LabConvGeom *g);
gsize    lab_conv_gray_scratch_floats (const LabConvGeom *g);

/* y (B, m, h, w) = bias + W ⋆ x, W (m, 1, 3, 3). */
void     lab_conv_gray_forward        (const LabConvGeom *g,
                                       float             *y,
                                       const float       *x,
                                       const float       *w,
                                       const float       *bias,
                                       guint              batch,
                                       float             *scratch);

/* G_W (m, 1, 3, 3) and G_b (m) += the gradients from G_Y (B, m, h, w). */
void     lab_conv_gray_weight_grad    (const LabConvGeom *g,
                                       float             *dw,
                                       float             *db,
                                       const float       *x,
                                       const float       *dy,
                                       guint              batch,
                                       float             *scratch);

G_END_DECLS
