#pragma once

#include <glib.h>

#include "lab-error.h"
#include "lab-model.h"
#include "lab-spec.h"
#include "lab-train-record.h"

G_BEGIN_DECLS

/* A model as PyTorch code: one Python file that defines the nn.Module of
 * its architecture (any spec, layer i of the spec as module i of an
 * nn.Sequential, so the model file's tensor names are its state_dict's),
 * loads the weights from a safetensors file beside it, and holds the
 * training loop with the model's training settings (optimizer, learning
 * rate, batch, epochs, noise, loss with the VAE's KL), also as
 * DistributedDataParallel under torchrun. Run as
 *   python3 model.py --check IMAGES-idx3-ubyte
 * it prints {"mse": ...}, the clean reconstruction MSE that
 * `latentlab-cli eval --noise none` reports on the same images. */

/* The Python source. py_name and weights_name are the base names of the
 * file itself and of its weights, for its help text and default --weights;
 * record (may be NULL: defaults) gives the training settings. Fails only
 * for a spec whose layers do not fit together. */
char     *lab_export_pytorch_code         (const LabSpec         *spec,
                                           const LabTrainRecord  *record,
                                           const char            *py_name,
                                           const char            *weights_name,
                                           GError               **error);

/* Where lab_export_pytorch puts the weights for py_path: "model.py" ->
 * "model.safetensors" in the same folder (any other name gets
 * ".safetensors" added). */
char     *lab_export_pytorch_weights_path (const char            *py_path);

/* Writes the code to py_path and the model's weights (with train_json, the
 * model file's "train" record, may be NULL) beside it. When model_path
 * (may be NULL) is the file the weights would go to, that file is left as
 * it is. *weights_path (may be NULL) gets where the weights are. Errors
 * name the file that could not be written, with its whole path. */
gboolean  lab_export_pytorch              (LabModel              *model,
                                           const char            *train_json,
                                           const char            *model_path,
                                           const char            *py_path,
                                           char                 **weights_path,
                                           GError               **error);

G_END_DECLS
