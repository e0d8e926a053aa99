#pragma once

#include <glib.h>

#include "lab-error.h"
#include "lab-model.h"

G_BEGIN_DECLS

/* A model file is a safetensors file (lab-safetensors.h): every tensor
 * "<layer>.<name>" as PyTorch's state_dict has it (BatchNorm layers also
 * "<layer>.num_batches_tracked", I64 shape []), metadata "format" =
 * LAB_MODEL_FILE_FORMAT, "spec" = the architecture JSON and, optionally,
 * "train" = the training record (lab-train-record.h writes and reads it). */
#define LAB_MODEL_FILE_FORMAT "latentlab-1"

/* Writes model to path; train_json, when not NULL, becomes the "train"
 * metadata. A failed save leaves an existing file as it was. */
gboolean   lab_model_save          (LabModel     *model,
                                    const char   *path,
                                    const char   *train_json,
                                    GError      **error);
/* Rebuilds the model from the file's "spec" and loads every tensor. The
 * file must hold exactly the architecture's tensors with their shapes, as
 * PyTorch's load_state_dict(strict=True) demands. train_json (may be NULL)
 * receives the "train" metadata or NULL. The model has no batch yet. */
LabModel  *lab_model_load          (const char   *path,
                                    char        **train_json,
                                    GError      **error);
/* Loads a file's tensors into an existing model of a known architecture,
 * e.g. one exported from PyTorch without LatentLab's metadata. */
gboolean   lab_model_load_weights  (LabModel     *model,
                                    const char   *path,
                                    GError      **error);

G_END_DECLS
