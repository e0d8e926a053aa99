#pragma once

#include <glib.h>

#include "lab-error.h"
#include "lab-model.h"
#include "lab-safetensors.h"

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
/* The same written into a temporary file beside path, for the caller to
 * put in place with lab_save_commit (or with another file,
 * lab_save_commit_pair) or abandon; NULL with error when it cannot be
 * begun. */
LabSave   *lab_model_save_begin    (LabModel     *model,
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

/* The same inside a larger file (a session, lab-session-file.h): the
 * model's tensors named prefix + "<layer>.<name>" beside others. */
void       lab_model_add_tensors   (LabModel             *model,
                                    LabSafetensorsWriter *writer,
                                    const char           *prefix);
/* Builds the model of spec_json from st's tensors that start with prefix:
 * exactly the architecture's, as lab_model_load demands. */
LabModel  *lab_model_load_from     (LabSafetensors       *st,
                                    const char           *prefix,
                                    const char           *spec_json,
                                    GError              **error);

G_END_DECLS
