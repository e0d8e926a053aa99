#pragma once

#include <json-glib/json-glib.h>

#include "lab-error.h"
#include "lab-layer.h"
#include "lab-loss.h"
#include "lab-rng.h"
#include "lab-spec.h"

G_BEGIN_DECLS

/* A sequence of layers over ONE flat parameter array, ONE flat gradient
 * array and ONE flat buffer array (BatchNorm running statistics), each layer
 * owning a slice at its offset. Activations (one buffer per layer output),
 * two ping-pong activation-gradient buffers and one scratch arena are
 * allocated by lab_model_set_batch, never in forward or backward.
 *
 * Layer i's tensors are named "<i>.<tensor>" ("3.weight"), exactly as the
 * keys of the PyTorch nn.Sequential it mirrors.
 *
 * A model is not thread-safe. To show results while training runs on a
 * worker, keep a second model (lab_model_copy) and refresh it with
 * lab_model_copy_params_from under your own lock. */
typedef struct _LabModel LabModel;

/* Builds the layers and runs their shape setup from spec->input on. A layer
 * that does not fit names its index, type and the clashing shapes.
 * The model has no batch yet (lab_model_set_batch) and zero parameters
 * (lab_model_init). */
LabModel       *lab_model_new              (const LabSpec  *spec,
                                            GError        **error);
void            lab_model_free             (LabModel       *self);
/* Same spec, copied parameters, buffers, frozen layers and RNG state; its own
 * activations, allocated for batch (0: none yet). */
LabModel       *lab_model_copy             (LabModel       *self,
                                            guint           batch);
/* Parameters and buffers of src into dst; both from the same spec (same
 * sizes), else FALSE. */
gboolean        lab_model_copy_params_from (LabModel       *dst,
                                            LabModel       *src);
/* Copies the parameters and buffers of layers [0, n_layers) of src into
 * dst, for transfer learning (an autoencoder's encoder into a classifier).
 * Every layer pair must have the same type and tensor shapes. */
gboolean        lab_model_transfer_layers  (LabModel       *dst,
                                            LabModel       *src,
                                            guint           n_layers,
                                            GError        **error);

/* Fresh weights (PyTorch's or Keras' defaults) from seed; also reseeds the
 * model's own RNG (dropout masks, VAE noise) from it. */
void            lab_model_init             (LabModel       *self,
                                            LabInit         init,
                                            guint64         seed);
/* Allocates for batches of up to `batch` samples; forward and backward take
 * any n <= batch. Refuses sizes above LAB_MAX_ALLOC_BYTES. */
gboolean        lab_model_set_batch        (LabModel       *self,
                                            guint           batch,
                                            GError        **error);
guint           lab_model_get_batch        (LabModel       *self);
/* Splits every batch across n_threads threads (data parallelism, 1 by
 * default): each thread takes a contiguous share of the samples through
 * the layers that treat samples one by one, with its own scratch and
 * gradients; a layer that mixes the batch (BatchNorm or Dropout in
 * training, VAE sampling) runs on the whole batch in the calling thread.
 * Parameter gradients are summed in thread order, so a seed and a thread
 * count give the same bits every time; different thread counts differ in
 * rounding only. It also sets OpenBLAS to one thread, process-wide
 * (OpenBLAS 0.3.21 has no per-call setting): one layer of parallelism,
 * ours, not two fighting over the same cores; on this project's 2-core
 * machines two threads of half a batch each beat OpenBLAS' two threads
 * inside every GEMM, most of all for small batches and 7x7 layers.
 * Reallocates for the current batch, if any; FALSE (and no change) when
 * that fails. */
gboolean        lab_model_set_threads      (LabModel       *self,
                                            guint           n_threads,
                                            GError        **error);
guint           lab_model_get_threads      (LabModel       *self);

const LabSpec  *lab_model_get_spec         (LabModel       *self);
const char     *lab_model_get_name         (LabModel       *self);
LabLossKind     lab_model_get_loss         (LabModel       *self);
guint           lab_model_n_layers         (LabModel       *self);
LabLayer       *lab_model_get_layer        (LabModel       *self,
                                            guint           index);
gsize           lab_model_param_offset     (LabModel       *self,
                                            guint           index);
gsize           lab_model_buffer_offset    (LabModel       *self,
                                            guint           index);
guint           lab_model_encoder_layers   (LabModel       *self);
LabShape        lab_model_input_shape      (LabModel       *self);
LabShape        lab_model_output_shape     (LabModel       *self);
/* Output of layer encoder_layers - 1. */
LabShape        lab_model_latent_shape     (LabModel       *self);
/* Multiply-accumulates of one forward pass for one sample. */
guint64         lab_model_macs             (LabModel       *self);

/* The flat arrays: params and grads (n_params), buffers (n_buffers). */
gsize           lab_model_n_params         (LabModel       *self);
gsize           lab_model_n_buffers        (LabModel       *self);
float          *lab_model_params           (LabModel       *self);
float          *lab_model_grads            (LabModel       *self);
float          *lab_model_buffers          (LabModel       *self);
/* FALSE when a parameter or buffer is NaN or infinite. */
gboolean        lab_model_is_finite        (LabModel       *self);
/* Forward passes in training mode so far (PyTorch's num_batches_tracked). */
guint64         lab_model_get_batches_tracked (LabModel    *self);
void            lab_model_set_batches_tracked (LabModel    *self,
                                               guint64      n);

/* The RNG of dropout and VAE sampling. */
LabRng         *lab_model_get_rng          (LabModel       *self);
/* Layers [0, n) get no gradients and are skipped by backward (a frozen,
 * transferred encoder); they run in inference mode also in a training
 * forward (batch norm keeps its running statistics), and the trainer's
 * optimizer never steps their parameters. 0 trains everything. */
void            lab_model_set_frozen_layers (LabModel      *self,
                                            guint           n);
guint           lab_model_get_frozen_layers (LabModel      *self);

/* x (n, input size). x is read again by backward, so it must stay
 * unchanged until then. Returns the output (n, output size), owned by the
 * model and valid until the next forward, encode or decode. */
const float    *lab_model_forward          (LabModel       *self,
                                            const float    *x,
                                            guint           n,
                                            gboolean        training);
/* Output of layer index from the last forward (n, its output size). An
 * activation (ReLU, sigmoid, tanh) is computed in place over its input when
 * the layer before it does not need its own output in backward (a
 * convolution, dense or batch-norm layer), so that layer's output then
 * reads as the activation's; the latent (the encoder's last layer) and the
 * loss' input are never overwritten. */
const float    *lab_model_layer_output     (LabModel       *self,
                                            guint           index);
/* Loss of the last forward against target (n, output size) (probabilities
 * or one-hot rows for softmax_ce), plus the layers' own terms (the VAE's
 * KL). Writes dL/d(output) for lab_model_backward. With softmax_ce and a
 * final softmax layer, the loss reads the softmax's input (the logits) and
 * the gradient skips the softmax: the fused, stable form. */
double          lab_model_loss             (LabModel       *self,
                                            const float    *target,
                                            guint           n);
/* The layers' own loss terms of the last forward (0 without a VAE layer). */
double          lab_model_aux_loss         (LabModel       *self);
void            lab_model_zero_grad        (LabModel       *self);
/* Backpropagates the gradient lab_model_loss wrote; ACCUMULATES into grads
 * (call lab_model_zero_grad once per step). */
void            lab_model_backward         (LabModel       *self,
                                            guint           n);
/* The same from a caller's dL/d(output) (n, output size), through every
 * layer including a final softmax. */
void            lab_model_backward_from    (LabModel       *self,
                                            const float    *dout,
                                            guint           n);

/* Inference through the halves (no training behaviour): x (n, input size)
 * to latents (n, latent size), and latents to outputs. The results are
 * owned by the model and valid until the next pass. */
const float    *lab_model_encode           (LabModel       *self,
                                            const float    *x,
                                            guint           n);
const float    *lab_model_decode           (LabModel       *self,
                                            const float    *z,
                                            guint           n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabModel, lab_model_free)

G_END_DECLS
