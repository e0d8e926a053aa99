#pragma once

#include "lab-dataset.h"

G_BEGIN_DECLS

/* Most pixels the images of one folder may have in all, from their IHDR
 * sizes, before any is decoded: 2,000 megapixels (70,000 MNIST digits are
 * 55; 40 phone photos of 48 megapixels pass it). */
#define LAB_PNG_FOLDER_MAX_PIXELS (G_GUINT64_CONSTANT (2000) * 1000000)

/* Loads a folder of PNGs: one subfolder per class (class names are the
 * folder names, sorted) or a flat folder (unlabelled). Every PNG colour type,
 * 16-bit and interlaced images are converted to gray. Images of another size
 * are resized with an area filter to height x width; 0 x 0 chooses the most
 * common size (28 x 28 when no size is in the majority).
 * Every file that is not loaded is accounted for: a file that looks like an
 * image (by its first bytes or its name) is listed in the dataset's skipped
 * with its reason ("empty.png: empty file", "fake.png: not a PNG file
 * (starts with "this is…")", a JPEG, a corrupt or too large PNG, a PNG
 * beside the class folders, a folder two levels down); any other file
 * (notes, CSVs) is counted in n_ignored. Hidden files are not looked at.
 * An empty folder, one without any readable PNG, or one whose images total
 * more than LAB_PNG_FOLDER_MAX_PIXELS is an error. */
LabDataset *lab_png_folder_load (const char       *path,
                                 guint             height,
                                 guint             width,
                                 GCancellable     *cancellable,
                                 LabProgressFunc   progress,
                                 gpointer          user_data,
                                 GError          **error);

G_END_DECLS
