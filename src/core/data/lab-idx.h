#pragma once

#include <gio/gio.h>

#include "lab-dataset.h"

G_BEGIN_DECLS

/* IDX, the format MNIST and Fashion-MNIST ship in: 2 zero bytes, a type byte
 * (0x08, unsigned bytes: the only type we read), the number of dimensions,
 * then that many big-endian uint32 sizes, then the data in row-major order.
 * Images are 3-dimensional (n, height, width), labels 1-dimensional (n).
 * A file may be gzip-compressed; it is recognised by its content, not its
 * name. */

typedef struct
{
  guint    ndim;          /* 3 for images, 1 for labels */
  guint32  dims[3];       /* images: n, height, width; labels: n, 0, 0 */
  gboolean gzip;          /* the file is gzip-compressed */
  goffset  file_size;     /* bytes on disk (compressed size when gzip) */
} LabIdxHeader;

/* Reads and checks the header only: ndim must be expected_ndim (3 or 1).
 * Cheap also for .gz files (decompresses a few bytes), which is what the
 * catalog uses to describe a dataset without loading it. */
gboolean     lab_idx_read_header  (const char       *path,
                                   guint             expected_ndim,
                                   LabIdxHeader     *header,
                                   GCancellable     *cancellable,
                                   GError          **error);

/* Loads an images file and, when labels_path is not NULL, its labels.
 * Classes are named "0".."max label"; the dataset's name is the images
 * file's name and its source the images path. Nothing is allocated from
 * what the header claims before the claim is checked against the file
 * (raw) or backed by data that actually arrived (gzip). */
LabDataset  *lab_idx_load         (const char       *images_path,
                                   const char       *labels_path,
                                   GCancellable     *cancellable,
                                   LabProgressFunc   progress,
                                   gpointer          user_data,
                                   GError          **error);

/* Writes ds as an IDX images file and, when labels_path is not NULL, a
 * labels file (ds must be labelled then). A name ending in ".gz" is written
 * gzip-compressed. Each file is written under a temporary name, and both
 * are renamed only when both are whole (lab_save_commit_pair), the labels
 * last: a failed save leaves the previous pair as it was, never half a
 * file nor new images beside old labels. */
gboolean     lab_idx_save         (const LabDataset *ds,
                                   const char       *images_path,
                                   const char       *labels_path,
                                   GError          **error);

/* The labels file beside an images file: "train-images-idx3-ubyte.gz" ->
 * "train-labels-idx1-ubyte.gz" (or without .gz), "my-images.idx" ->
 * "my-labels.idx". NULL when no such file exists. */
char        *lab_idx_find_labels  (const char       *images_path);

/* The images file of a split in a folder holding an IDX set
 * (train-images-idx3-ubyte[.gz], t10k-images-idx3-ubyte[.gz] and the
 * like). NULL when the folder has none. */
char        *lab_idx_find_images  (const char       *dir,
                                   LabSplit          split);

/* TRUE when the folder holds any IDX images file (of either split). */
gboolean     lab_idx_dir_has_set  (const char       *dir);

G_END_DECLS
