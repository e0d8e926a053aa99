#pragma once

#include "lab-dataset.h"

G_BEGIN_DECLS

/* Loads a folder of PNGs: one subfolder per class (class names are the
 * folder names, sorted) or a flat folder (unlabelled). Every PNG colour type,
 * 16-bit and interlaced images are converted to gray. Images of another size
 * are resized with an area filter to height x width; 0 x 0 chooses the most
 * common size (28 x 28 when no size is in the majority). Non-PNG files are
 * counted in n_ignored; corrupt PNGs are listed in skipped; the rest loads.
 * An empty folder or one without any readable PNG is an error. */
LabDataset *lab_png_folder_load (const char       *path,
                                 guint             height,
                                 guint             width,
                                 GCancellable     *cancellable,
                                 LabProgressFunc   progress,
                                 gpointer          user_data,
                                 GError          **error);

G_END_DECLS
