#pragma once

#include "lab-dataset.h"

G_BEGIN_DECLS

/* n labelled 28x28 digits 0-9 drawn with Cairo from the system's fonts, with
 * seeded random rotation, scale, shift and stroke width. The same seed gives
 * the same pixels. Labels cycle so every class has n/10 (+1) images. */
LabDataset *lab_synthetic_digits_new (guint     n,
                                      guint64   seed,
                                      GError  **error);

G_END_DECLS
