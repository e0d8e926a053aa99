#define G_LOG_DOMAIN "latentlab-core"

/* Element-wise activations and softmax, as PyTorch's nn.ReLU, LeakyReLU,
 * Sigmoid, Tanh and Softmax(dim = 1). Backward reads only the forward's
 * output and G_y, never its input, so a model may run these in place;
 * the element-wise ones' backward also works in place, G_x over G_y
 * (din == dout, writing: din_write), which the model does.
 *
 * Loops over whole arrays go four floats at a time (LabV4): GCC does not
 * vectorise them by itself at -O2, and the ReLUs of a conv net touch
 * millions of values per step. */

#include "lab-layers-private.h"

#include <math.h>

typedef struct
{
  LabLayer parent;
  double   slope;
} LabLeakyRelu;

static gboolean
same_shape_setup (LabLayer  *layer,
                  LabShape   in,
                  GError   **error)
{
  layer->out = in;
  return TRUE;
}

static inline gsize
n_values (LabLayer      *layer,
          const LabPass *pass)
{
  return (gsize) pass->batch * lab_shape_size (layer->in);
}

/* G_x += term (G_y, y, param) for an activation whose derivative is a
 * function of its output y (LeakyReLU, Sigmoid, Tanh), four values at a
 * time and then one by one; term4 and term1 are the same rule. dx may be
 * dy: in place. din_write: add to zeros, which gives the same bits as
 * adding to a zeroed din. Always inlined with constant rules. */
typedef LabV4 (*BackwardTerm4) (LabV4 dy, LabV4 y, LabV4 param);
typedef float (*BackwardTerm1) (float dy, float y, float param);

static inline G_ALWAYS_INLINE void
backward_from_output (LabLayer      *layer,
                      const LabPass *pass,
                      float          param,
                      BackwardTerm4  term4,
                      BackwardTerm1  term1)
{
  const float *y = pass->out, *dy = pass->dout;
  float *dx = pass->din;
  const gsize n = n_values (layer, pass);
  const LabV4 zero = { 0 }, p4 = lab_v4_splat (param);
  const gboolean write = pass->din_write;
  gsize i = 0;

  if (dx == NULL)
    return;
  for (; i + 4 <= n; i += 4)
    lab_v4_store (dx + i, (write ? zero : lab_v4_load (dx + i))
                          + term4 (lab_v4_load (dy + i), lab_v4_load (y + i), p4));
  for (; i < n; i++)
    dx[i] = (write ? 0.f : dx[i]) + term1 (dy[i], y[i], param);
}

/* ReLU: y = max(x, 0) (NaN stays NaN);  G_x += G_y [y > 0]
 *
 * Eight floats at a time: on CPUs with AVX2 (x86-64-v3) these loops get a
 * build of their own, picked at load time (a fifth faster on the 1.6M
 * values of dae-keras32's first ReLU per 64 images), elsewhere the 8-lane
 * vectors are two SSE registers each. Only masks and adds: both builds
 * give the same bits. */

/* y[0..n) = max (x, 0); y may be x */
LAB_SIMD_CLONES static void
relu_kernel (float       *y,
             const float *x,
             gsize        n)
{
  const LabV8 zero = { 0 };
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      LabV8 v;

      LAB_V8_LOAD (v, x + i);
      v = (LabV8) ((LabV8i) v & ~(v < zero));
      LAB_V8_STORE (y + i, v);
    }
  for (; i < n; i++)
    y[i] = x[i] < 0.f ? 0.f : x[i];
}

/* dx[0..n) (+)= dy where y > 0, else 0 (added, or written with `write`) */
LAB_SIMD_CLONES static void
relu_backward_kernel (float       *dx,
                      const float *y,
                      const float *dy,
                      gsize        n,
                      gboolean     write)
{
  const LabV8 zero = { 0 };
  gsize i = 0;

  if (write)
    {
      for (; i + 8 <= n; i += 8)
        {
          LabV8 v, d;

          LAB_V8_LOAD (v, y + i);
          LAB_V8_LOAD (d, dy + i);
          d = (LabV8) ((LabV8i) d & (v > zero));
          LAB_V8_STORE (dx + i, d);
        }
      for (; i < n; i++)
        dx[i] = y[i] > 0.f ? dy[i] : 0.f;
      return;
    }
  for (; i + 8 <= n; i += 8)
    {
      LabV8 v, d, g;

      LAB_V8_LOAD (v, y + i);
      LAB_V8_LOAD (d, dy + i);
      LAB_V8_LOAD (g, dx + i);
      g += (LabV8) ((LabV8i) d & (v > zero));
      LAB_V8_STORE (dx + i, g);
    }
  for (; i < n; i++)
    dx[i] += y[i] > 0.f ? dy[i] : 0.f;
}

static void
relu_forward (LabLayer      *layer,
              const LabPass *pass)
{
  /* pass->in may be pass->out: in place */
  relu_kernel (pass->out, pass->in, n_values (layer, pass));
}

static void
relu_backward (LabLayer      *layer,
               const LabPass *pass)
{
  if (pass->din == NULL)
    return;
  relu_backward_kernel (pass->din, pass->out, pass->dout, n_values (layer, pass),
                        pass->din_write);
}

/* LeakyReLU: y = x for x > 0, slope·x otherwise;  G_x += G_y (1 or slope) */

/* slope in [0, 1): y > 0 exactly when x > 0, which backward relies on */
static const LabLayerOption leaky_options[] = {
  { .key = "slope", .kind = LAB_OPTION_DOUBLE, .min = 0.0, .max = 0.999, .def = 0.01, .fresh = 0.2,
    .step = 0.01, .offset = G_STRUCT_OFFSET (LabLeakyRelu, slope), .label = N_("slope"),
    .help = N_("How much of a negative input gets through") },
};

static void
leaky_forward (LabLayer      *layer,
               const LabPass *pass)
{
  const float slope = (float) ((LabLeakyRelu *) layer)->slope;
  const float *x = pass->in;   /* may be y itself: in place */
  float *y = pass->out;
  const gsize n = n_values (layer, pass);
  const LabV4 zero = { 0 }, s4 = lab_v4_splat (slope);
  gsize i = 0;

  for (; i + 4 <= n; i += 4)
    {
      LabV4 v = lab_v4_load (x + i);
      lab_v4_store (y + i, lab_v4_select (v > zero, v, s4 * v));
    }
  for (; i < n; i++)
    y[i] = x[i] > 0.f ? x[i] : slope * x[i];
}

static inline LabV4
leaky_term4 (LabV4 d,
             LabV4 y,
             LabV4 slope)
{
  const LabV4 zero = { 0 };

  return lab_v4_select (y > zero, d, slope * d);
}

static inline float
leaky_term1 (float d,
             float y,
             float slope)
{
  return y > 0.f ? d : slope * d;
}

static void
leaky_backward (LabLayer      *layer,
                const LabPass *pass)
{
  backward_from_output (layer, pass, (float) ((LabLeakyRelu *) layer)->slope, leaky_term4,
                        leaky_term1);
}

/* Sigmoid: y = 1 / (1 + e^-x);  G_x += G_y y (1 - y) */

static void
sigmoid_forward (LabLayer      *layer,
                 const LabPass *pass)
{
  const float *x = pass->in;   /* may be y itself: in place */
  float *y = pass->out;
  const gsize n = n_values (layer, pass);

  for (gsize i = 0; i < n; i++)
    y[i] = 1.f / (1.f + expf (-x[i]));
}

static inline LabV4
sigmoid_term4 (LabV4 d,
               LabV4 y,
               LabV4 unused)
{
  const LabV4 one = lab_v4_splat (1.f);

  return d * y * (one - y);
}

static inline float
sigmoid_term1 (float d,
               float y,
               float unused)
{
  return d * y * (1.f - y);
}

static void
sigmoid_backward (LabLayer      *layer,
                  const LabPass *pass)
{
  backward_from_output (layer, pass, 0.f, sigmoid_term4, sigmoid_term1);
}

/* Tanh: y = tanh x;  G_x += G_y (1 - y²) */

static void
tanh_forward (LabLayer      *layer,
              const LabPass *pass)
{
  const gsize n = n_values (layer, pass);

  for (gsize i = 0; i < n; i++)
    pass->out[i] = tanhf (pass->in[i]);
}

static inline LabV4
tanh_term4 (LabV4 d,
            LabV4 y,
            LabV4 unused)
{
  const LabV4 one = lab_v4_splat (1.f);

  return d * (one - y * y);
}

static inline float
tanh_term1 (float d,
            float y,
            float unused)
{
  return d * (1.f - y * y);
}

static void
tanh_backward (LabLayer      *layer,
               const LabPass *pass)
{
  backward_from_output (layer, pass, 0.f, tanh_term4, tanh_term1);
}

/* Softmax over the channels at every pixel (PyTorch dim = 1; for features
 * (C, 1, 1) the usual softmax):
 *   y_c = e^{x_c - max} / Σ e^{x - max};  G_x_c += y_c (G_y_c - Σ_j G_y_j y_j) */

static void
softmax_forward (LabLayer      *layer,
                 const LabPass *pass)
{
  const guint C = layer->in.c;
  const gsize hw = (gsize) layer->in.h * layer->in.w;

  for (guint n = 0; n < pass->batch; n++)
    for (gsize q = 0; q < hw; q++)
      {
        const float *x = pass->in + (gsize) n * C * hw + q;
        float *y = pass->out + (gsize) n * C * hw + q;
        float max = x[0];
        double sum = 0;

        for (guint c = 1; c < C; c++)
          max = MAX (max, x[c * hw]);
        for (guint c = 0; c < C; c++)
          {
            y[c * hw] = expf (x[c * hw] - max);
            sum += y[c * hw];
          }
        for (guint c = 0; c < C; c++)
          y[c * hw] = (float) (y[c * hw] / sum);
      }
}

static void
softmax_backward (LabLayer      *layer,
                  const LabPass *pass)
{
  const guint C = layer->in.c;
  const gsize hw = (gsize) layer->in.h * layer->in.w;

  if (pass->din == NULL)
    return;
  for (guint n = 0; n < pass->batch; n++)
    for (gsize q = 0; q < hw; q++)
      {
        const gsize off = (gsize) n * C * hw + q;
        const float *y = pass->out + off, *dy = pass->dout + off;
        float *dx = pass->din + off;
        double dot = 0;

        for (guint c = 0; c < C; c++)
          dot += (double) dy[c * hw] * y[c * hw];
        for (guint c = 0; c < C; c++)
          dx[c * hw] += y[c * hw] * (dy[c * hw] - (float) dot);
      }
}

#define ACTIVATION_CLASS(name, type_, title_, help_, flags_)           \
  const LabLayerClass lab_##name##_class = {                          \
    .type = type_,                                                    \
    .title = title_,                                                  \
    .help = help_,                                                    \
    .flags = flags_,                                                  \
    .size = sizeof (LabLayer),                                        \
    .setup = same_shape_setup,                                        \
    .init = lab_layer_init_none,                                      \
    .scratch_floats = lab_layer_scratch_none,                         \
    .forward = name##_forward,                                        \
    .backward = name##_backward,                                      \
    .free = lab_layer_free_plain,                                     \
  }

ACTIVATION_CLASS (relu, "relu", "ReLU", N_("ReLU: max(0, x)"),
                  LAB_LAYER_IN_PLACE | LAB_LAYER_READS_OUTPUT | LAB_LAYER_WRITES_DIN);
ACTIVATION_CLASS (sigmoid, "sigmoid", "Sigmoid",
                  N_("Sigmoid: squashes to 0…1, the usual image output for cross-entropy"),
                  LAB_LAYER_IN_PLACE | LAB_LAYER_READS_OUTPUT | LAB_LAYER_WRITES_DIN);
ACTIVATION_CLASS (tanh, "tanh", "Tanh", N_("Tanh: squashes to −1…1"),
                  LAB_LAYER_IN_PLACE | LAB_LAYER_READS_OUTPUT | LAB_LAYER_WRITES_DIN);
ACTIVATION_CLASS (softmax, "softmax", "Softmax", N_("Softmax: turns scores into class probabilities"),
                  LAB_LAYER_READS_OUTPUT);

const LabLayerClass lab_leaky_relu_class = {
  .type = "leaky_relu",
  .title = "LeakyReLU",
  .help = N_("Leaky ReLU: x when positive, slope·x otherwise"),
  .flags = LAB_LAYER_IN_PLACE | LAB_LAYER_READS_OUTPUT | LAB_LAYER_WRITES_DIN,
  .size = sizeof (LabLeakyRelu),
  .options = leaky_options,
  .n_options = G_N_ELEMENTS (leaky_options),
  .setup = same_shape_setup,
  .init = lab_layer_init_none,
  .scratch_floats = lab_layer_scratch_none,
  .forward = leaky_forward,
  .backward = leaky_backward,
  .free = lab_layer_free_plain,
};
