#pragma once

#include <json-glib/json-glib.h>

#include "lab-layer.h"
#include "lab-spec.h"

G_BEGIN_DECLS

/* One row of a Keras-style summary: one layer. */
typedef struct
{
  guint       index;          /* layer index: its tensors are "<index>.<name>" */
  char       *name;           /* Keras-style: "conv2d", "conv2d_1", ... */
  const char *type;           /* spec type: "conv2d" (static) */
  const char *title;          /* "Conv2D" (static) */
  LabShape    output;
  char       *output_shape;   /* "(None, 28, 28, 32)" */
  gsize       params;         /* trainable */
  gsize       buffers;        /* running statistics (Keras' non-trainable) */
  guint64     macs;
  gboolean    is_latent;      /* the last encoder layer */
} LabSummaryRow;

/* What a spec builds into, from its layers' shape setup alone: no
 * parameter arrays, no batch buffers, so it is cheap enough to run on
 * every keystroke of an editor. The model summary (`latentlab-cli
 * summary`), the architecture editor and the Train page all show it.
 *
 * When a layer does not fit, rows stop before it, error_layer is its
 * index and error says what clashes, with lab_model_new's own message;
 * the totals then count the rows only. */
typedef struct
{
  LabSpec   *spec;            /* a copy of the spec summarised */
  GPtrArray *rows;            /* (element-type LabSummaryRow) */
  gsize      n_params;        /* trainable */
  gsize      n_buffers;       /* running statistics */
  guint64    macs;            /* multiply-accumulates of one forward pass, one image */
  LabShape   latent;          /* the last encoder layer's output; zero when not reached */
  LabShape   output;          /* the last layer's; zero unless every layer fits */
  int        error_layer;     /* -1 when every layer fits */
  GError    *error;           /* NULL when every layer fits */
} LabSpecSummary;

LabSpecSummary *lab_spec_summarize        (const LabSpec        *spec);
void            lab_spec_summary_free     (LabSpecSummary       *self);
/* The table the seeds' notebooks print, plus the latent and the work per
 * image. Only for a summary without error. */
char           *lab_spec_summary_to_text  (const LabSpecSummary *self);
/* {"name", "loss", "input_shape", "output_shape", "latent_shape", "latent_size",
 *  "params", "non_trainable", "macs", "encoder_layers",
 *  "layers": [{"index", "name", "type", "output_shape", "params", ...}]}.
 * Only for a summary without error. */
JsonNode       *lab_spec_summary_to_json  (const LabSpecSummary *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSpecSummary, lab_spec_summary_free)

G_END_DECLS
