#pragma once

/* Winograd's minimal filtering F(4×4, 3×3) for the 3×3 convolutions at
 * stride 1 that keep the image size (padding 1): the middle layers of
 * every convolutional preset. Each 4×4 block of output comes from one
 * 6×6 patch of input with 36 multiplications per channel pair instead of
 * 144, as 36 GEMMs over all the chunk's tiles; the gradients are the
 * exact adjoints of the same algorithm (G_W through the tiles' products,
 * G_X as the convolution of G_Y with the weights turned 180°).
 * Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016. */

#include "lab-im2col.h"

G_BEGIN_DECLS

/* TRUE for a 3×3 kernel at stride 1 with padding 1 (output size = input
 * size), and enough channels on both sides for the GEMMs to pay. */
gboolean lab_winograd_fits            (const LabConvGeom *g);

/* Scratch the passes of a batch of `batch` need (the forward's fits in the
 * backward's). */
gsize    lab_winograd_scratch_floats  (const LabConvBase *conv,
                                       guint              batch);

/* y (B, m, h, w) = bias + W ⋆ x, W (m, c, 3, 3) as Conv2d's weight. */
void     lab_winograd_forward         (const LabConvBase *conv,
                                       float             *y,
                                       const float       *x,
                                       const float       *w,
                                       const float       *bias,
                                       guint              batch,
                                       float             *scratch);

/* G_W += the weights' gradient; G_X = (dx_write) or += the input's
 * gradient when dx is not NULL. The bias gradient is not included. */
void     lab_winograd_backward        (const LabConvBase *conv,
                                       float             *dx,
                                       gboolean           dx_write,
                                       float             *dw,
                                       const float       *x,
                                       const float       *w,
                                       const float       *dy,
                                       guint              batch,
                                       float             *scratch);

G_END_DECLS
