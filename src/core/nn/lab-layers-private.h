#pragma once

/* Shared by the layer files and their tests; not for the model or the app. */

#include <string.h>

/* N_() marks the option tables' captions and help for the app's
 * translations; the core itself never translates. */
#include <glib/gi18n.h>

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

/* The pool size and stride of maxpool2d and avgpool2d, for their option
 * tables: type is the layer's private struct, with guint pool, stride. */
#define LAB_POOL_OPTIONS(type) \
  { .key = "pool", .kind = LAB_OPTION_UINT, .min = 1, .max = 64, .def = 2, .fresh = 2, .step = 1, \
    .offset = G_STRUCT_OFFSET (type, pool), .label = N_("pool"), \
    .help = N_("Block size: 2 halves the image") }, \
  { .key = "stride", .kind = LAB_OPTION_UINT, .min = 1, .max = 64, .default_from = "pool", \
    .fresh = 2, .step = 1, .offset = G_STRUCT_OFFSET (type, stride), .label = N_("stride"), \
    .help = N_("Step between blocks; the block size unless given") }

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

/* Vtable entries for layers without parameters or scratch, so that
 * every class fills every entry and callers need no NULL checks. */
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
