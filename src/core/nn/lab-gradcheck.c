#define G_LOG_DOMAIN "latentlab-core"

#include "lab-gradcheck.h"

#include <math.h>
#include <string.h>

#include "lab-presets.h"

#define LAYER_TOLERANCE  1e-2
#define LOSS_TOLERANCE   1e-3
#define MODEL_TOLERANCE  5e-2
#define MAX_CHECKS       400

static const LabGradcheckCase layer_cases[] = {
  { "dense", "{\"type\":\"dense\",\"units\":5}", { 7, 1, 1 }, 3, TRUE, FALSE, 1e-2 },
  { "conv2d 3x3 same", "{\"type\":\"conv2d\",\"filters\":4,\"kernel\":3,\"stride\":1,\"padding\":1}",
    { 3, 6, 6 }, 2, TRUE, FALSE, 1e-2 },
  { "conv2d 3x3 stride 2", "{\"type\":\"conv2d\",\"filters\":3,\"kernel\":3,\"stride\":2,\"padding\":1}",
    { 2, 7, 7 }, 2, TRUE, FALSE, 1e-2 },
  { "conv2d 3x3 valid", "{\"type\":\"conv2d\",\"filters\":3,\"kernel\":3,\"stride\":1,\"padding\":0}",
    { 2, 6, 6 }, 2, TRUE, FALSE, 1e-2 },
  { "conv_transpose2d stride 2",
    "{\"type\":\"conv_transpose2d\",\"filters\":3,\"kernel\":3,\"stride\":2,\"padding\":1,"
    "\"output_padding\":1}", { 2, 4, 4 }, 2, TRUE, FALSE, 1e-2 },
  { "maxpool2d 2", "{\"type\":\"maxpool2d\",\"pool\":2}", { 2, 6, 6 }, 2, TRUE, TRUE, 1e-3 },
  { "maxpool2d 2 ceil", "{\"type\":\"maxpool2d\",\"pool\":2,\"ceil_mode\":true}",
    { 2, 7, 7 }, 2, TRUE, TRUE, 1e-3 },
  { "avgpool2d 2", "{\"type\":\"avgpool2d\",\"pool\":2}", { 2, 6, 6 }, 2, TRUE, FALSE, 1e-2 },
  { "upsample2d 2", "{\"type\":\"upsample2d\",\"scale\":2}", { 2, 3, 3 }, 2, TRUE, FALSE, 1e-2 },
  { "batchnorm2d (training)", "{\"type\":\"batchnorm2d\"}", { 3, 4, 4 }, 4, TRUE, FALSE, 1e-2 },
  { "batchnorm2d (eval)", "{\"type\":\"batchnorm2d\"}", { 3, 4, 4 }, 4, FALSE, FALSE, 1e-2 },
  { "batchnorm1d (training)", "{\"type\":\"batchnorm1d\"}", { 5, 1, 1 }, 6, TRUE, FALSE, 1e-2 },
  { "relu", "{\"type\":\"relu\"}", { 2, 4, 4 }, 2, TRUE, TRUE, 1e-3 },
  { "leaky_relu", "{\"type\":\"leaky_relu\",\"slope\":0.1}", { 2, 4, 4 }, 2, TRUE, TRUE, 1e-3 },
  { "sigmoid", "{\"type\":\"sigmoid\"}", { 2, 4, 4 }, 2, TRUE, FALSE, 1e-2 },
  { "tanh", "{\"type\":\"tanh\"}", { 2, 4, 4 }, 2, TRUE, FALSE, 1e-2 },
  { "softmax", "{\"type\":\"softmax\"}", { 6, 1, 1 }, 3, TRUE, FALSE, 1e-2 },
  { "flatten", "{\"type\":\"flatten\"}", { 2, 3, 3 }, 2, TRUE, FALSE, 1e-2 },
  { "reshape", "{\"type\":\"reshape\",\"shape\":[1,3,6]}", { 2, 3, 3 }, 2, TRUE, FALSE, 1e-2 },
  { "dropout (training)", "{\"type\":\"dropout\",\"rate\":0.3}", { 2, 4, 4 }, 2, TRUE, FALSE, 1e-2 },
  { "vae_sample (training, with KL)", "{\"type\":\"vae_sample\",\"beta\":1}",
    { 6, 1, 1 }, 3, TRUE, FALSE, 1e-2 },
};

const LabGradcheckCase *
lab_gradcheck_layer_cases (guint *n_cases)
{
  *n_cases = G_N_ELEMENTS (layer_cases);
  return layer_cases;
}

void
lab_gradcheck_result_free (LabGradcheckResult *result)
{
  if (result == NULL)
    return;
  g_free (result->name);
  g_free (result->message);
  g_free (result);
}

/* Analytic and numeric values of one group (parameters, inputs). */
typedef struct
{
  const char *what;
  GArray     *analytic;   /* double */
  GArray     *numeric;    /* double */
} Group;

static void
group_init (Group      *g,
            const char *what)
{
  g->what = what;
  g->analytic = g_array_new (FALSE, FALSE, sizeof (double));
  g->numeric = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
group_add (Group  *g,
           double  analytic,
           double  numeric)
{
  g_array_append_val (g->analytic, analytic);
  g_array_append_val (g->numeric, numeric);
}

/* Folds a group into result, per element or as one relative L2 error;
 * a dead analytic gradient sets result->message. */
static void
group_finish (Group              *g,
              gboolean            l2,
              LabGradcheckResult *result)
{
  double scale = 0, max_a = 0, diff2 = 0, norm2 = 0;

  for (guint i = 0; i < g->numeric->len; i++)
    {
      scale = MAX (scale, fabs (g_array_index (g->numeric, double, i)));
      max_a = MAX (max_a, fabs (g_array_index (g->analytic, double, i)));
    }
  for (guint i = 0; i < g->numeric->len; i++)
    {
      double a = g_array_index (g->analytic, double, i);
      double n = g_array_index (g->numeric, double, i);
      double denom = MAX (MAX (fabs (a), fabs (n)), 0.05 * scale);
      double err = denom > 0 ? fabs (a - n) / denom : 0;

      if (!isfinite (a) || !isfinite (n))
        err = INFINITY;
      diff2 += (a - n) * (a - n);
      norm2 += n * n;
      if (!l2)
        result->error = MAX (result->error, err);
    }
  if (l2)
    result->error = MAX (result->error, norm2 > 0 ? sqrt (diff2 / norm2) : sqrt (diff2));
  result->metric = l2 ? "relative L2" : "max element";
  result->n_checked += g->numeric->len;
  if (scale > 1e-12 && max_a == 0 && result->message == NULL)
    result->message = g_strdup_printf ("the %s gradient is all zero", g->what);
  g_array_unref (g->analytic);
  g_array_unref (g->numeric);
}

static void
finish_result (LabGradcheckResult *result)
{
  if (result->message == NULL && !(result->error <= result->tolerance))
    result->message = g_strdup_printf ("%s error %.3g exceeds %.3g", result->metric,
                                       result->error, result->tolerance);
  result->passed = result->message == NULL;
}

/* Indices to check among n: all of them, or max_checks drawn at random. */
static GArray *
pick_indices (gsize   n,
              guint   max_checks,
              LabRng *rng)
{
  GArray *idx = g_array_new (FALSE, FALSE, sizeof (gsize));

  if (n <= max_checks)
    for (gsize i = 0; i < n; i++)
      g_array_append_val (idx, i);
  else
    for (guint k = 0; k < max_checks; k++)
      {
        gsize i = (gsize) (lab_rng_uniform (rng) * n);
        g_array_append_val (idx, i);
      }
  return idx;
}

static void
fill_uniform (float  *x,
              gsize   n,
              double  lo,
              double  hi,
              LabRng *rng)
{
  for (gsize i = 0; i < n; i++)
    x[i] = (float) (lo + (hi - lo) * lab_rng_uniform (rng));
}

/* Distinct values (i - n/2 + 1/2) * 4h in random order: no two within 2h of
 * each other and none within 2h of zero, so a step of h crosses no kink. */
static void
fill_spaced (float  *x,
             gsize   n,
             double  h,
             LabRng *rng)
{
  g_autofree guint *perm = g_new (guint, n);

  for (gsize i = 0; i < n; i++)
    perm[i] = (guint) i;
  lab_rng_shuffle (rng, perm, n);
  for (gsize i = 0; i < n; i++)
    x[i] = (float) (((double) perm[i] - n / 2.0 + 0.5) * 4.0 * h);
}

typedef struct
{
  LabLayer *layer;
  guint     batch;
  gboolean  training;
  LabRng    rng0;        /* every forward starts from this state */
  float    *x, *out, *w, *din, *params, *dparams, *buffers, *scratch;
} LayerCtx;

static double
layer_objective (LayerCtx *c)
{
  LabPass pass = { 0 };
  LabRng rng = c->rng0;
  gsize n_out = (gsize) c->batch * lab_shape_size (c->layer->out);
  double aux = 0, f = 0;

  pass.batch = c->batch;
  pass.training = c->training;
  pass.rng = &rng;
  pass.in = c->x;
  pass.out = c->out;
  pass.params = c->params;
  pass.buffers = c->buffers;
  pass.scratch = c->scratch;
  pass.aux_loss = &aux;
  c->layer->klass->forward (c->layer, &pass);
  for (gsize i = 0; i < n_out; i++)
    f += (double) c->out[i] * c->w[i];
  return f + aux;
}

/* dobjective/dv[i] by central differences, using the float steps taken. */
static double
numeric_derivative (float     *v,
                    gsize      i,
                    double     h,
                    double   (*objective) (gpointer),
                    gpointer   data)
{
  float saved = v[i];
  float up = (float) (saved + h), down = (float) (saved - h);
  double fu, fd;

  v[i] = up;
  fu = objective (data);
  v[i] = down;
  fd = objective (data);
  v[i] = saved;
  return (fu - fd) / ((double) up - (double) down);
}

static double
layer_objective_cb (gpointer data)
{
  return layer_objective (data);
}

LabGradcheckResult *
lab_gradcheck_layer (const LabGradcheckCase  *c,
                     guint64                  seed,
                     GError                 **error)
{
  g_autoptr(LabGradcheckResult) result = g_new0 (LabGradcheckResult, 1);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(LabLayer) layer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GArray) pidx = NULL, xidx = NULL;
  LayerCtx ctx = { 0 };
  LabPass pass = { 0 };
  LabRng rng;
  gsize n_in, n_out;
  Group gp, gx;

  result->name = g_strdup (c->name);
  result->tolerance = LAYER_TOLERANCE;

  node = json_from_string (c->json, &local_error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "Gradient check “%s”: bad layer JSON",
                   c->name);
      return NULL;
    }
  layer = lab_layer_new_from_json (json_node_get_object (node), error);
  if (layer == NULL || !lab_layer_setup (layer, c->in, error))
    {
      g_prefix_error (error, "Gradient check “%s”: ", c->name);
      return NULL;
    }

  lab_rng_init (&rng, seed);
  n_in = (gsize) c->batch * lab_shape_size (layer->in);
  n_out = (gsize) c->batch * lab_shape_size (layer->out);
  ctx.layer = layer;
  ctx.batch = c->batch;
  ctx.training = c->training;
  lab_rng_split (&rng, &ctx.rng0);
  ctx.x = g_new0 (float, n_in);
  ctx.din = g_new0 (float, n_in);
  ctx.out = g_new0 (float, n_out);
  ctx.w = g_new0 (float, n_out);
  ctx.params = g_new0 (float, layer->n_params + 1);
  ctx.dparams = g_new0 (float, layer->n_params + 1);
  ctx.buffers = g_new0 (float, layer->n_buffers + 1);
  ctx.scratch = g_new0 (float, (layer->klass->scratch_floats
                                ? layer->klass->scratch_floats (layer, c->batch) : 0) + 1);

  if (layer->klass->init)
    layer->klass->init (layer, ctx.params, ctx.buffers, LAB_INIT_TORCH, &rng);
  /* Move off the initial values (BatchNorm's 1 and 0) so nothing is special. */
  for (gsize i = 0; i < layer->n_params; i++)
    ctx.params[i] += (float) (0.5 * (lab_rng_uniform (&rng) - 0.5));
  if (c->spaced)
    fill_spaced (ctx.x, n_in, c->h, &rng);
  else
    fill_uniform (ctx.x, n_in, -1, 1, &rng);
  fill_uniform (ctx.w, n_out, -1, 1, &rng);

  /* Analytic: forward (its scratch holds the dropout mask or VAE noise that
   * every later forward redraws identically from rng0), then backward with
   * dout = w. */
  layer_objective (&ctx);
  pass.batch = c->batch;
  pass.training = c->training;
  pass.rng = &rng;
  pass.in = ctx.x;
  pass.out = ctx.out;
  pass.dout = ctx.w;
  pass.din = ctx.din;
  pass.params = ctx.params;
  pass.dparams = ctx.dparams;
  pass.buffers = ctx.buffers;
  pass.scratch = ctx.scratch;
  layer->klass->backward (layer, &pass);

  pidx = pick_indices (layer->n_params, MAX_CHECKS, &rng);
  xidx = pick_indices (n_in, MAX_CHECKS, &rng);
  group_init (&gp, "parameter");
  group_init (&gx, "input");
  for (guint k = 0; k < pidx->len; k++)
    {
      gsize i = g_array_index (pidx, gsize, k);
      group_add (&gp, ctx.dparams[i],
                 numeric_derivative (ctx.params, i, c->h, layer_objective_cb, &ctx));
    }
  for (guint k = 0; k < xidx->len; k++)
    {
      gsize i = g_array_index (xidx, gsize, k);
      group_add (&gx, ctx.din[i], numeric_derivative (ctx.x, i, c->h, layer_objective_cb, &ctx));
    }
  group_finish (&gp, FALSE, result);
  group_finish (&gx, FALSE, result);
  finish_result (result);

  g_free (ctx.x);
  g_free (ctx.din);
  g_free (ctx.out);
  g_free (ctx.w);
  g_free (ctx.params);
  g_free (ctx.dparams);
  g_free (ctx.buffers);
  g_free (ctx.scratch);
  return g_steal_pointer (&result);
}

typedef struct
{
  LabLossKind  kind;
  const float *pred;
  const float *target;
  guint        batch;
  gsize        dim;
} LossCtx;

static double
loss_objective_cb (gpointer data)
{
  LossCtx *c = data;
  return lab_loss_compute (c->kind, c->pred, c->target, c->batch, c->dim, NULL);
}

LabGradcheckResult *
lab_gradcheck_loss (LabLossKind kind,
                    guint       batch,
                    gsize       dim,
                    guint64     seed)
{
  LabGradcheckResult *result = g_new0 (LabGradcheckResult, 1);
  gsize n = (gsize) batch * dim;
  g_autofree float *pred = g_new (float, n);
  g_autofree float *target = g_new0 (float, n);
  g_autofree float *grad = g_new (float, n);
  g_autoptr(GArray) idx = NULL;
  LossCtx ctx = { kind, pred, target, batch, dim };
  LabRng rng;
  Group g;

  result->name = g_strdup_printf ("loss %s", lab_loss_name (kind));
  result->tolerance = LOSS_TOLERANCE;
  lab_rng_init (&rng, seed);
  switch (kind)
    {
    case LAB_LOSS_MSE:
      fill_uniform (pred, n, 0, 1, &rng);
      fill_uniform (target, n, 0, 1, &rng);
      break;
    case LAB_LOSS_BCE:
      fill_uniform (pred, n, 0.05, 0.95, &rng);
      fill_uniform (target, n, 0, 1, &rng);
      break;
    case LAB_LOSS_SOFTMAX_CE:
    default:
      fill_uniform (pred, n, -2, 2, &rng);
      for (guint b = 0; b < batch; b++)
        target[b * dim + lab_rng_below (&rng, (guint32) dim)] = 1;
      break;
    }
  lab_loss_compute (kind, pred, target, batch, dim, grad);

  idx = pick_indices (n, MAX_CHECKS, &rng);
  group_init (&g, "prediction");
  for (guint k = 0; k < idx->len; k++)
    {
      gsize i = g_array_index (idx, gsize, k);
      group_add (&g, grad[i], numeric_derivative (pred, i, 1e-3, loss_objective_cb, &ctx));
    }
  group_finish (&g, FALSE, result);
  finish_result (result);
  return result;
}

typedef struct
{
  LabModel    *model;
  const float *x;
  const float *target;
  guint        n;
  gboolean     training;
  LabRng       rng0;
} ModelCtx;

static double
model_objective_cb (gpointer data)
{
  ModelCtx *c = data;

  *lab_model_get_rng (c->model) = c->rng0;
  lab_model_forward (c->model, c->x, c->n, c->training);
  return lab_model_loss (c->model, c->target, c->n);
}

LabGradcheckResult *
lab_gradcheck_model (LabModel    *model,
                     const float *x,
                     const float *target,
                     guint        n,
                     gboolean     training,
                     guint        per_tensor,
                     double       h,
                     guint64      seed)
{
  LabGradcheckResult *result = g_new0 (LabGradcheckResult, 1);
  gsize n_buffers = lab_model_n_buffers (model);
  /* Exactly the model's floats: g_memdup2 of 0 bytes is NULL, and then
   * nothing is copied back. */
  g_autofree float *saved_buffers = g_memdup2 (lab_model_buffers (model),
                                               n_buffers * sizeof (float));
  guint64 tracked = lab_model_get_batches_tracked (model);
  float *params = lab_model_params (model);
  g_autofree float *grads = NULL;
  ModelCtx ctx = { model, x, target, n, training, *lab_model_get_rng (model) };
  LabRng rng;
  Group g;

  result->name = g_strdup_printf ("model %s", lab_model_get_name (model));
  result->tolerance = MODEL_TOLERANCE;
  lab_rng_init (&rng, seed);

  model_objective_cb (&ctx);
  lab_model_zero_grad (model);
  lab_model_backward (model, n);
  grads = g_memdup2 (lab_model_grads (model), lab_model_n_params (model) * sizeof (float));

  group_init (&g, "parameter");
  for (guint i = 0; i < lab_model_n_layers (model); i++)
    {
      LabLayer *layer = lab_model_get_layer (model, i);

      for (guint t = 0; t < layer->n_tensors; t++)
        {
          const LabTensorInfo *info = &layer->tensors[t];
          gsize count = 1, base;
          g_autoptr(GArray) idx = NULL;

          if (!info->trainable)
            continue;
          for (guint d = 0; d < info->ndim; d++)
            count *= info->dims[d];
          base = lab_model_param_offset (model, i) + info->offset;
          idx = pick_indices (count, per_tensor, &rng);
          for (guint k = 0; k < idx->len; k++)
            {
              gsize p = base + g_array_index (idx, gsize, k);
              double n1 = numeric_derivative (params, p, h, model_objective_cb, &ctx);
              double n2 = numeric_derivative (params, p, h / 2, model_objective_cb, &ctx);

              /* Two step sizes that disagree: a ReLU or max-pool kink lies
               * within h, where no difference quotient means anything. */
              if (fabs (n1 - n2) > 0.1 * MAX (fabs (n1), fabs (n2)))
                {
                  result->n_skipped++;
                  continue;
                }
              group_add (&g, grads[p], n2);
            }
        }
    }
  group_finish (&g, TRUE, result);
  finish_result (result);

  if (n_buffers > 0)
    memcpy (lab_model_buffers (model), saved_buffers, n_buffers * sizeof (float));
  lab_model_set_batches_tracked (model, tracked);
  *lab_model_get_rng (model) = ctx.rng0;
  return result;
}

/* A small whole model checked on random images (or one-hot labels). */
static LabGradcheckResult *
check_preset (const char  *preset,
              guint        n,
              guint64      seed,
              GError     **error)
{
  g_autoptr(LabSpec) spec = lab_presets_get (preset, error);
  g_autoptr(LabModel) model = NULL;
  g_autofree float *x = NULL, *target = NULL;
  gsize in_size, out_size;
  LabRng rng;

  if (spec == NULL || (model = lab_model_new (spec, error)) == NULL)
    return NULL;
  lab_model_init (model, LAB_INIT_TORCH, seed);
  if (!lab_model_set_batch (model, n, error))
    return NULL;
  in_size = lab_shape_size (lab_model_input_shape (model));
  out_size = lab_shape_size (lab_model_output_shape (model));
  x = g_new (float, n * in_size);
  target = g_new0 (float, n * out_size);
  lab_rng_init (&rng, seed + 1);
  fill_uniform (x, n * in_size, 0, 1, &rng);
  if (spec->loss == LAB_LOSS_SOFTMAX_CE)
    for (guint b = 0; b < n; b++)
      target[b * out_size + lab_rng_below (&rng, (guint32) out_size)] = 1;
  else
    fill_uniform (target, n * out_size, 0, 1, &rng);
  return lab_gradcheck_model (model, x, target, n, TRUE, 6, 2e-3, seed + 2);
}

GPtrArray *
lab_gradcheck_run_all (guint64        seed,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GPtrArray) results =
    g_ptr_array_new_with_free_func ((GDestroyNotify) lab_gradcheck_result_free);
  static const char * const presets[] = {
    "strided-dae", "cae-tiny", "cnn-baseline", "convae-bn", "vae-conv",
  };

  for (guint i = 0; i < G_N_ELEMENTS (layer_cases); i++)
    {
      LabGradcheckResult *r = lab_gradcheck_layer (&layer_cases[i], seed + i, error);
      if (r == NULL)
        return NULL;
      g_ptr_array_add (results, r);
    }
  g_ptr_array_add (results, lab_gradcheck_loss (LAB_LOSS_MSE, 4, 10, seed));
  g_ptr_array_add (results, lab_gradcheck_loss (LAB_LOSS_BCE, 4, 10, seed));
  g_ptr_array_add (results, lab_gradcheck_loss (LAB_LOSS_SOFTMAX_CE, 4, 10, seed));
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      LabGradcheckResult *r;

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_CANCELLED, "The gradient check was stopped");
          return NULL;
        }
      r = check_preset (presets[i], 2, seed + 100 + i, error);
      if (r == NULL)
        return NULL;
      g_ptr_array_add (results, r);
    }
  return g_steal_pointer (&results);
}
