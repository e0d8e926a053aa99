#pragma once

/* Conv2d's path for a one-channel output (M = 1) at stride 1 with padding
 * below the kernel size, where a GEMM with M = 1 would run at a few
 * GFLOP/s: direct vectorised correlations (see lab-conv-direct.c). */

#include "lab-im2col.h"

G_BEGIN_DECLS

gboolean lab_conv_direct_fits           (const LabConvGeom *g);
gsize    lab_conv_direct_scratch_floats (const LabConvGeom *g);

/* out (B, 1, Ho, Wo) = b + W ⋆ x */
void     lab_conv_direct_forward        (float             *out,
                                         const float       *x,
                                         const float       *w,
                                         const float       *b,
                                         guint              batch,
                                         const LabConvGeom *g,
                                         float             *scratch);

/* G_W += G_y ⋆ x, G_b += Σ G_y, and G_x (when dx is not NULL) from the
 * adjoint correlation with rot180 (W). */
void     lab_conv_direct_backward       (float             *dx,
                                         float             *dw,
                                         float             *db,
                                         const float       *x,
                                         const float       *w,
                                         const float       *dy,
                                         guint              batch,
                                         const LabConvGeom *g,
                                         float             *scratch);

G_END_DECLS
