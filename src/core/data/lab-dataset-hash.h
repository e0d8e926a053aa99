#pragma once

#include "lab-dataset.h"

G_BEGIN_DECLS

/* The SHA-256 of a dataset's content, in hex: its size (n, height, width
 * as little-endian 32-bit numbers), its pixels and its labels (when it has
 * them). Two datasets with the same hash hold the same images in the same
 * order, whatever their files were called. */
char *lab_dataset_hash (const LabDataset *dataset);

G_END_DECLS
