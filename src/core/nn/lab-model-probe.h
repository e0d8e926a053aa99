#pragma once

#include "lab-model.h"

G_BEGIN_DECLS

/* A look inside a model: what every layer makes of one image, the first
 * layer's weights as pictures, and how large each layer's weights and
 * gradients are. The app's Inside page shows these; they are plain data so
 * a test reads the same numbers without a display. */

/* Layer i's output for the image, as the layer wrote it (a convolution's
 * output before the ReLU after it, although the model's own forward keeps
 * only the ReLU's over it: lab_model_layer_output). */
typedef struct
{
  LabShape  shape;    /* of one sample */
  float    *values;   /* (c, h, w) owned */
} LabProbeLayer;

typedef struct
{
  guint          n_layers;
  LabProbeLayer *layers;   /* (n_layers) owned */
} LabProbe;

/* Runs x (one image, the model's input size) through every layer in
 * inference mode and keeps each layer's output. The model needs a batch
 * (one is allocated when it has none; FALSE on failure). The last layer's
 * output equals lab_model_forward's for that image, bit for bit: the
 * layers run the same kernels on the same input. Not thread-safe: the
 * model's activations are overwritten. */
LabProbe   *lab_model_probe          (LabModel       *self,
                                      const float    *x,
                                      GError        **error);
void        lab_probe_free           (LabProbe       *probe);

/* The first layer with weights as pictures, pointing into the model's
 * parameters (valid until they are freed). A Conv2D's [out, in, kh, kw]
 * weight gives out x in tiles of kh x kw; a Dense layer that sees the
 * whole input image ([out, in] with in = the input's h x w, one channel:
 * the classic picture of what each unit looks for) gives out tiles of the
 * input's h x w. */
typedef struct
{
  guint        layer;     /* its index */
  guint        n;         /* tiles */
  guint        height;
  guint        width;
  const float *weights;   /* (n, height, width) */
} LabFilterTiles;

/* FALSE when the first layer with weights has none that are pictures (a
 * batch norm, a dense layer after a convolution) or no layer has weights. */
gboolean    lab_model_first_filters  (LabModel       *self,
                                      LabFilterTiles *tiles);

/* The L2 norm of each layer's trainable parameters (weights and biases
 * together), and of their gradients in the model's gradient array (what
 * the last backward accumulated), (n_layers) each; 0 for a layer without
 * parameters. Either array may be NULL. */
void        lab_model_layer_norms    (LabModel       *self,
                                      float          *param_norms,
                                      float          *grad_norms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabProbe, lab_probe_free)

G_END_DECLS
