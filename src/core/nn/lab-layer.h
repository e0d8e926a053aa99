#pragma once

#include <json-glib/json-glib.h>

#include "lab-error.h"
#include "lab-rng.h"

G_BEGIN_DECLS

/* Shape of ONE sample, NCHW without the N. Dense activations are (c, 1, 1). */
typedef struct
{
  guint c, h, w;
} LabShape;

static inline gsize
lab_shape_size (LabShape s)
{
  return (gsize) s.c * s.h * s.w;
}

typedef enum
{
  LAB_INIT_TORCH,    /* PyTorch defaults: kaiming_uniform(a=sqrt(5)), bias U(+-1/sqrt(fan_in)) */
  LAB_INIT_GLOROT,   /* Keras defaults: glorot_uniform weights, zero bias */
} LabInit;

/* One named tensor of a layer, as PyTorch's state_dict has it:
 * "<layer index>.<name>" with these dims. Trainable tensors live in the
 * model's flat parameter array; running statistics in its buffer array. */
typedef struct
{
  const char *name;        /* "weight", "bias", "running_mean", "running_var" */
  guint       ndim;
  guint       dims[4];     /* PyTorch layout: Linear [out,in], Conv2d [out,in,kh,kw],
                            * ConvTranspose2d [in,out,kh,kw] */
  gsize       offset;      /* floats from the start of the layer's params (or buffers) */
  gboolean    trainable;   /* FALSE: in buffers, not touched by the optimizer */
} LabTensorInfo;

#define LAB_LAYER_MAX_TENSORS 4

typedef struct _LabLayer      LabLayer;
typedef struct _LabLayerClass LabLayerClass;
typedef struct _LabPass       LabPass;

/* How a layer option is written in the spec and kept in the layer. */
typedef enum
{
  LAB_OPTION_UINT,          /* guint: a whole number in [min, max] */
  LAB_OPTION_UINT_OR_NAME,  /* gint: a whole number in [min, max] (min >= 0), or one of
                             * `names`, kept as -1 - its index ("same" is -1) */
  LAB_OPTION_DOUBLE,        /* double in [min, max] */
  LAB_OPTION_BOOL,          /* gboolean: true or false */
  LAB_OPTION_SHAPE,         /* LabOptionShape: [c, h, w] or [c], every size in [min, max] */
} LabOptionKind;

/* A LAB_OPTION_SHAPE value: [c] is kept as (c, 1, 1) with ndim 1, so it
 * is written back as it was given. */
typedef struct
{
  LabShape shape;
  guint    ndim;   /* 1 or 3 */
} LabOptionShape;

/* One option of a layer kind, declared once in the layer's file: the
 * generic JSON reader and writer (lab-layer.c), the error messages and an
 * editor's widgets (the app's LabLayerRow) all work from it. */
typedef struct
{
  const char         *key;           /* the JSON member: "filters" */
  LabOptionKind       kind;
  double              min, max;      /* the allowed range (of each size, for SHAPE) */
  double              def;           /* when the member is absent (a name: -1 - its index) */
  gsize               offset;        /* of the value in the layer's private struct */
  const char         *help;          /* one sentence for a tooltip (marked N_) */
  const char         *label;         /* a short caption for an editor: "out pad" (N_) */
  gboolean            required;      /* absent is an error: there is no sensible default */
  /* The key of an earlier option whose value is the default (a pool's
   * stride is its pool size); written back only when it differs. */
  const char         *default_from;
  const char * const *names;         /* UINT_OR_NAME: NULL-terminated words */
  double              fresh;         /* what a new layer in an editor starts with */
  double              step;          /* an editor's increment (whole numbers: 1) */
} LabLayerOption;

/* Everything one forward or backward call of one layer sees. Pointers are
 * the layer's own slices; sizes are for `batch` samples.
 * backward ACCUMULATES (+=) into din and dparams; the model zeroes them
 * (din only when the class cannot write it instead: din_write).
 * backward must see what its forward saw and left: the same in, out,
 * params, scratch, batch and `training` (BatchNorm, Dropout and vae_sample
 * differentiate the mode the forward ran in, from masks and statistics
 * the forward kept in scratch). */
struct _LabPass
{
  guint        batch;
  gboolean     training;   /* BatchNorm batch statistics, Dropout masks, VAE sampling */
  LabRng      *rng;        /* Dropout, VAE sampling */
  const float *in;         /* (B, in)  */
  float       *out;        /* (B, out) */
  const float *dout;       /* (B, out), backward only */
  float       *din;        /* (B, in), backward only; NULL for the first layer */
  gboolean     din_write;  /* backward only, for classes with LAB_LAYER_WRITES_DIN: din
                            * holds garbage; write it (=) rather than add to it */
  const float *params;     /* n_params floats */
  float       *dparams;    /* n_params floats, backward only */
  float       *buffers;    /* n_buffers floats; forward in training updates them */
  float       *scratch;    /* scratch_floats(batch) floats, kept from forward to backward */
  double      *aux_loss;   /* a layer's own loss term (the VAE's KL), added to the total; may be NULL */
};

/* How a layer's passes treat the samples of a batch. A model that splits
 * its batches across threads (lab_model_set_threads) gives a per-sample
 * layer any slice of the batch (with scratch of its own for that slice),
 * and runs a mixing layer on the whole batch in one thread. */
typedef enum
{
  LAB_BATCH_PER_SAMPLE,      /* every sample on its own (the default) */
  LAB_BATCH_MIXES_TRAINING,  /* in training only: batch statistics (BatchNorm),
                              * draws from the model's RNG in sample order (Dropout) */
  LAB_BATCH_MIXES,           /* always: divides by the batch size (the VAE's KL) */
} LabBatchUse;

/* What a model may do with a layer's memory. No flags is always safe. */
typedef enum
{
  LAB_LAYER_FLAGS_NONE        = 0,
  /* Scratch is only used during one forward or backward call (im2col
   * columns), never kept from forward to backward: layers with this flag
   * share one arena. */
  LAB_LAYER_SCRATCH_TEMPORARY = 1 << 0,
  /* Element by element: forward works with out == in, and backward reads
   * only out and dout, never in. The model may write the output over the
   * input (an activation over its convolution's output). */
  LAB_LAYER_IN_PLACE          = 1 << 1,
  /* Backward reads the layer's own output (activations, softmax), so the
   * next layer may not overwrite it in place. */
  LAB_LAYER_READS_OUTPUT      = 1 << 2,
  /* Backward honours LabPass.din_write: it then writes every element of
   * din instead of adding to it, and the model need not zero din first.
   * A layer with this flag and LAB_LAYER_IN_PLACE must also work with
   * din == dout: the model then writes G_X over G_Y in the same buffer. */
  LAB_LAYER_WRITES_DIN        = 1 << 3,
} LabLayerFlags;

struct _LabLayerClass
{
  const char *type;        /* spec name: "conv2d"; also the JSON "type" */
  const char *title;       /* Keras-style summary name: "Conv2D" */
  const char *help;        /* what the layer does, one sentence (marked N_) */
  LabBatchUse batch_use;
  LabLayerFlags flags;
  gsize       size;        /* of the private struct that embeds LabLayer first */
  /* The spec options, read and written by lab-layer.c in this order. */
  const LabLayerOption *options;
  guint       n_options;
  /* Rules between options (conv2d's "same" needs an odd kernel), once
   * all are read; NULL when there are none. */
  gboolean   (*check)          (LabLayer      *self,
                                GError       **error);
  /* Fixes the input shape: sets self->out, n_params, n_buffers, tensors.
   * A shape that does not fit fails, naming both shapes. */
  gboolean   (*setup)          (LabLayer      *self,
                                LabShape       in,
                                GError       **error);
  void       (*init)           (LabLayer      *self,
                                float         *params,
                                float         *buffers,
                                LabInit        init,
                                LabRng        *rng);
  /* Floats of scratch for a batch of `batch`: im2col columns, masks,
   * argmax, batch statistics. Kept bounded: convolutions work through the
   * batch in chunks rather than holding the whole batch's columns. */
  gsize      (*scratch_floats) (LabLayer      *self,
                                guint          batch);
  void       (*forward)        (LabLayer      *self,
                                const LabPass *pass);
  void       (*backward)       (LabLayer      *self,
                                const LabPass *pass);
  void       (*free)           (LabLayer      *self);
};

/* The common head of every layer; each layer file embeds it first in its
 * private struct. */
struct _LabLayer
{
  const LabLayerClass *klass;
  LabShape             in;
  LabShape             out;
  gsize                n_params;
  gsize                n_buffers;
  guint                n_tensors;
  LabTensorInfo        tensors[LAB_LAYER_MAX_TENSORS];
  /* Multiply-accumulates of one forward pass for one sample (for GFLOP/s). */
  guint64              macs;
  /* Elements per sample the model's mean-reduced loss divides by (its
   * output size, 784 for MNIST). A layer with a loss of its own
   * (vae_sample's KL) divides by it too, so that term is on the same
   * per-pixel scale as MSE/BCE. A new layer has 1; the model sets the
   * real value once it knows its output shape. */
  gsize                loss_elements;
};

/* Every layer kind, in the order an editor offers them: image layers,
 * vector layers, normalisation, activations, the rest. n_classes may be NULL. */
const LabLayerClass * const *lab_layer_classes (guint *n_classes);
/* The class whose spec "type" is type, or NULL. */
const LabLayerClass *lab_layer_class_find      (const char          *type);
/* The option of klass with that key, or NULL. */
const LabLayerOption *lab_layer_class_find_option (const LabLayerClass *klass,
                                                   const char          *key);
/* Reads one option's JSON value (node may be NULL or a JSON null: absent)
 * into value, which points at storage of the option's kind (guint, gint,
 * double, gboolean, LabOptionShape). An absent option gets its default,
 * except a required one and one with default_from (value untouched, TRUE).
 * Errors name the layer type, the key and what is allowed, e.g.
 * Layer “conv2d”: “filters” must be a whole number from 1 to 65536, not 0. */
gboolean    lab_layer_option_read   (const LabLayerClass  *klass,
                                     const LabLayerOption *option,
                                     JsonNode             *node,
                                     gpointer              value,
                                     GError              **error);

/* The value of option in layer as a number: a name of a UINT_OR_NAME
 * option is -1 - its index, true is 1, a shape gives its channels. */
double      lab_layer_get_option    (LabLayer             *layer,
                                     const LabLayerOption *option);

/* Registry over all layer kinds: builds a layer from {"type": ..., ...}.
 * A member that is no option of the type is an error (a typo would
 * otherwise silently give the default). */
LabLayer   *lab_layer_new_from_json (JsonObject     *spec,
                                     GError        **error);
/* The layer's spec as a JSON object node: "type", then every option in
 * its table's order (one with default_from only when it differs). */
JsonNode   *lab_layer_to_json       (LabLayer       *self);
gboolean    lab_layer_setup         (LabLayer       *self,
                                     LabShape        in,
                                     GError        **error);
void        lab_layer_free          (LabLayer       *self);
/* "(None, 28, 28, 32)" in Keras' NHWC order, as the seeds print it. */
char       *lab_shape_to_keras      (LabShape        shape);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabLayer, lab_layer_free)

G_END_DECLS
