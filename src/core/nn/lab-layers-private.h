#pragma once

/* Shared by the layer files and their tests; not for the model or the app. */

#include <string.h>

#include "lab-layer.h"
#include "lab-vmath-private.h"

G_BEGIN_DECLS

/* One class per layer kind, each in its own lab-<kind>.c. */
extern const LabLayerClass lab_dense_class;
extern const LabLayerClass lab_conv2d_class;
extern const LabLayerClass lab_conv_transpose2d_class;
extern const LabLayerClass lab_maxpool2d_class;
extern const LabLayerClass lab_avgpool2d_class;
extern const LabLayerClass lab_upsample2d_class;
extern const LabLayerClass lab_batchnorm2d_class;
extern const LabLayerClass lab_batchnorm1d_class;
extern const LabLayerClass lab_relu_class;
extern const LabLayerClass lab_leaky_relu_class;
extern const LabLayerClass lab_sigmoid_class;
extern const LabLayerClass lab_tanh_class;
extern const LabLayerClass lab_softmax_class;
extern const LabLayerClass lab_flatten_class;
extern const LabLayerClass lab_reshape_class;
extern const LabLayerClass lab_dropout_class;
extern const LabLayerClass lab_vae_sample_class;

/* Spec options. Each reads `key` from `spec`; a missing key gives the
 * default, unless `required`. Errors name the layer type, the option and
 * what was wrong, e.g. Layer “conv2d”: “filters” must be a whole number
 * from 1 to 65536, not 0. */
gboolean lab_spec_get_uint   (JsonObject   *spec,
                              const char   *type,
                              const char   *key,
                              gboolean      required,
                              guint         def,
                              guint         min,
                              guint         max,
                              guint        *value,
                              GError      **error);
gboolean lab_spec_get_double (JsonObject   *spec,
                              const char   *type,
                              const char   *key,
                              double        def,
                              double        min,
                              double        max,
                              double       *value,
                              GError      **error);
gboolean lab_spec_get_bool   (JsonObject   *spec,
                              const char   *type,
                              const char   *key,
                              gboolean      def,
                              gboolean     *value,
                              GError      **error);

/* Appends a tensor after the ones already added (offsets follow in order),
 * growing n_params (trainable) or n_buffers. */
void     lab_layer_add_tensor (LabLayer    *self,
                               const char  *name,
                               gboolean     trainable,
                               guint        ndim,
                               guint        d0,
                               guint        d1,
                               guint        d2,
                               guint        d3);

/* p[i] ~ U(-bound, bound). */
void     lab_fill_uniform     (float       *p,
                               gsize        n,
                               double       bound,
                               LabRng      *rng);
/* Weight and bias of a Linear/Conv/ConvTranspose as PyTorch or Keras
 * would initialise them, given the fans PyTorch computes for the weight
 * (fan_in = dims[1] * kh * kw, fan_out = dims[0] * kh * kw). */
void     lab_init_weight_bias (float       *weight,
                               gsize        n_weight,
                               float       *bias,
                               gsize        n_bias,
                               gsize        fan_in,
                               gsize        fan_out,
                               LabInit      init,
                               LabRng      *rng);

/* Vtable entries for layers without options, parameters or scratch, so
 * that every class fills every entry and callers need no NULL checks. */
void     lab_layer_to_json_none (LabLayer    *self,
                                 JsonBuilder *builder);
void     lab_layer_init_none    (LabLayer    *self,
                                 float       *params,
                                 float       *buffers,
                                 LabInit      init,
                                 LabRng      *rng);
gsize    lab_layer_scratch_none (LabLayer    *self,
                                 guint        batch);
/* Most layers own nothing beyond their struct. */
void     lab_layer_free_plain   (LabLayer    *self);

/* Upper bound of images a convolution puts through one GEMM (its im2col
 * chunk); 0 restores the automatic size from the column budget. Only
 * conv2d and conv_transpose2d have chunks; for tests that must cross a
 * chunk boundary with a small batch. Call before scratch_floats. */
void     lab_layer_set_max_chunk (LabLayer *self,
                                  guint     images);

/* y[0..n) += x[0..n) */
static inline void
lab_add_to (float       *restrict y,
            const float *restrict x,
            gsize                 n)
{
  gsize i = 0;

  for (; i + 4 <= n; i += 4)
    lab_v4_store (y + i, lab_v4_load (y + i) + lab_v4_load (x + i));
  for (; i < n; i++)
    y[i] += x[i];
}

G_END_DECLS
