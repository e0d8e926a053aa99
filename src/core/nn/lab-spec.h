#pragma once

#include <json-glib/json-glib.h>

#include "lab-error.h"
#include "lab-layer.h"
#include "lab-loss.h"

G_BEGIN_DECLS

/* An architecture as JSON, the form presets, --arch-file and the
 * safetensors "spec" metadata share:
 *
 *   {"name": "cae-tiny", "input": [1, 28, 28], "loss": "bce",
 *    "encoder_layers": 9,
 *    "layers": [{"type": "conv2d", "filters": 16, "kernel": 3, ...}, ...]}
 *
 * Layers [0, encoder_layers) are the encoder, the rest the decoder; the
 * latent is the output of layer encoder_layers - 1. Optional members:
 * "description" (one sentence for the UI). Parsing checks the structure
 * only; whether the layers fit together is checked layer by layer
 * (lab_spec_new_layer) by lab_spec_summarize and lab_model_new, which
 * name the layer that does not fit. */
typedef struct
{
  char       *name;
  char       *description;     /* may be NULL */
  LabShape    input;           /* [C, H, W] */
  LabLossKind loss;
  guint       encoder_layers;
  JsonArray  *layers;          /* (element-type JsonObject) owned reference */
} LabSpec;

/* Most layers a spec may have, largest input side, largest input size. */
#define LAB_SPEC_MAX_LAYERS     256
#define LAB_SPEC_MAX_SIDE       4096
#define LAB_SPEC_MAX_INPUT      (1u << 24)

/* source names where the JSON came from in error messages ("spec.json",
 * "model.safetensors"); NULL says "Architecture". */
LabSpec    *lab_spec_new_from_node   (JsonNode      *root,
                                      const char    *source,
                                      GError       **error);
LabSpec    *lab_spec_new_from_string (const char    *json,
                                      gssize         length,
                                      const char    *source,
                                      GError       **error);
/* Reads a spec file (at most 1 MB). */
LabSpec    *lab_spec_load            (const char    *path,
                                      GError       **error);
LabSpec    *lab_spec_copy            (const LabSpec *self);
void        lab_spec_free            (LabSpec       *self);

static inline guint
lab_spec_n_layers (const LabSpec *self)
{
  return json_array_get_length (self->layers);
}
/* Borrowed. */
JsonObject *lab_spec_get_layer       (const LabSpec *self,
                                      guint          index);
/* The "type" of layer index (borrowed). */
const char *lab_spec_get_layer_type  (const LabSpec *self,
                                      guint          index);

/* Builds layer index of the spec and sets it up on its input `in` (the
 * output of the layer before, or the spec's input). *n_params and
 * *n_buffers are the totals of the layers before it; the layer's are
 * added, and may not pass LAB_MAX_ALLOC_BYTES. Errors name the spec, the
 * layer's index and type, and the shapes that clash:
 *   “stacked”, layer 17 (reshape) does not fit its input (None, 100): …
 * lab_model_new and lab_spec_summarize both walk a spec with it. */
LabLayer   *lab_spec_new_layer       (const LabSpec *self,
                                      guint          index,
                                      LabShape       in,
                                      gsize         *n_params,
                                      gsize         *n_buffers,
                                      GError       **error);

/* Every layer of the spec, set up on its input as lab_model_new does,
 * without weights (element-type LabLayer, owned); *n_params (may be NULL)
 * gets their trainable parameters. Errors as lab_spec_new_layer's. */
GPtrArray  *lab_spec_new_layers      (const LabSpec *self,
                                      gsize         *n_params,
                                      GError       **error);

JsonNode   *lab_spec_to_node         (const LabSpec *self);
/* Members in a fixed order: name, description, input, loss,
 * encoder_layers, layers. */
char       *lab_spec_to_string       (const LabSpec *self,
                                      gboolean       pretty);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSpec, lab_spec_free)

G_END_DECLS
