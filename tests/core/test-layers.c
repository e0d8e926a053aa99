/* Layers: gradient checks of every kind against double-precision central
 * differences, forward values against naive loops and PyTorch fixtures,
 * shape inference, parameter counts, initialisation, BatchNorm statistics. */

#include <math.h>
#include <string.h>

#include "lab-layer.h"
#include "lab-layers-private.h"

#include "../fixtures/layers-torch.h"

/* ---- harness ---------------------------------------------------------- */

typedef struct
{
  LabLayer *layer;
  guint     batch;
  gboolean  training;
  gsize     n_in, n_out;
  float    *params, *dparams, *buffers, *scratch;
  float    *in, *out, *dout, *din;
  double   *r;        /* the objective's weights, (B, out) */
  double    aux;
  LabRng    rng;
} Harness;

static LabLayer *
layer_from_string (const char  *json,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return lab_layer_new_from_json (json_node_get_object (json_parser_get_root (parser)), error);
}

static LabLayer *
layer_new (const char *json,
           LabShape    in)
{
  g_autoptr(GError) error = NULL;
  LabLayer *layer = layer_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (layer);
  lab_layer_setup (layer, in, &error);
  g_assert_no_error (error);
  return layer;
}

static void
fill_uniform (float  *p,
              gsize   n,
              double  lo,
              double  hi,
              LabRng *rng)
{
  for (gsize i = 0; i < n; i++)
    p[i] = (float) (lo + (hi - lo) * lab_rng_uniform (rng));
}

/* Distinct values at least `gap` apart and at least gap/2 away from 0, in
 * random order: no max-pool ties and no ReLU kinks within ±gap/2. */
static void
fill_distinct (float  *p,
               gsize   n,
               double  gap,
               LabRng *rng)
{
  g_autofree guint *perm = g_new (guint, n);

  for (gsize i = 0; i < n; i++)
    perm[i] = (guint) i;
  lab_rng_shuffle (rng, perm, n);
  for (gsize i = 0; i < n; i++)
    p[i] = (float) (((double) perm[i] - (double) n / 2 + 0.5) * gap);
}

static Harness *
harness_new (const char *json,
             LabShape    in,
             guint       batch,
             guint       max_chunk)
{
  Harness *h = g_new0 (Harness, 1);
  gsize scratch;

  h->layer = layer_new (json, in);
  if (max_chunk > 0)
    lab_layer_set_max_chunk (h->layer, max_chunk);
  h->batch = batch;
  h->training = TRUE;
  h->n_in = batch * lab_shape_size (h->layer->in);
  h->n_out = batch * lab_shape_size (h->layer->out);
  scratch = h->layer->klass->scratch_floats (h->layer, batch);
  h->params = g_new0 (float, h->layer->n_params + 1);
  h->dparams = g_new0 (float, h->layer->n_params + 1);
  h->buffers = g_new0 (float, h->layer->n_buffers + 1);
  h->scratch = g_new0 (float, scratch + 1);
  h->in = g_new0 (float, h->n_in);
  h->din = g_new0 (float, h->n_in);
  h->out = g_new0 (float, h->n_out);
  h->dout = g_new0 (float, h->n_out);
  h->r = g_new0 (double, h->n_out);

  lab_rng_init (&h->rng, 1);
  h->layer->klass->init (h->layer, h->params, h->buffers, LAB_INIT_TORCH, &h->rng);
  lab_rng_init (&h->rng, 2);
  fill_uniform (h->in, h->n_in, -1, 1, &h->rng);
  for (gsize i = 0; i < h->n_out; i++)
    h->r[i] = 2 * lab_rng_uniform (&h->rng) - 1;
  return h;
}

static void
harness_free (Harness *h)
{
  lab_layer_free (h->layer);
  g_free (h->params);
  g_free (h->dparams);
  g_free (h->buffers);
  g_free (h->scratch);
  g_free (h->in);
  g_free (h->din);
  g_free (h->out);
  g_free (h->dout);
  g_free (h->r);
  g_free (h);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Harness, harness_free)

/* Forward with the same random stream every time (Dropout masks, VAE
 * noise), so that finite differences see one fixed function. */
static void
run_forward (Harness *h)
{
  LabPass pass = {
    .batch = h->batch,
    .training = h->training,
    .rng = &h->rng,
    .in = h->in,
    .out = h->out,
    .params = h->params,
    .buffers = h->buffers,
    .scratch = h->scratch,
    .aux_loss = &h->aux,
  };

  lab_rng_init (&h->rng, 99);
  h->aux = 0;
  h->layer->klass->forward (h->layer, &pass);
}

static void
run_backward (Harness *h)
{
  LabPass pass = {
    .batch = h->batch,
    .training = h->training,
    .rng = &h->rng,
    .in = h->in,
    .out = h->out,
    .dout = h->dout,
    .din = h->din,
    .params = h->params,
    .dparams = h->dparams,
    .buffers = h->buffers,
    .scratch = h->scratch,
  };

  h->layer->klass->backward (h->layer, &pass);
}

/* L = Σ out · R + aux, in double. */
static double
objective (Harness *h)
{
  double l = h->aux;

  run_forward (h);
  l = h->aux;
  for (gsize i = 0; i < h->n_out; i++)
    l += h->out[i] * h->r[i];
  return l;
}

/* Compares analytic dL/dv (v = inputs or params) with central differences
 * taken on the actual float perturbation. Returns the number of
 * mismatches, after asserting the analytic gradient is not all zero. */
static guint
compare_numeric (Harness     *h,
                 float       *v,
                 const float *analytic,
                 gsize        n,
                 double       eps,
                 double       rtol,
                 double       atol,
                 const char  *what)
{
  guint bad = 0;
  double max_abs = 0;

  for (gsize i = 0; i < n; i++)
    {
      float saved = v[i], plus = (float) (saved + eps), minus = (float) (saved - eps);
      double lp, lm, num, a = analytic[i];

      v[i] = plus;
      lp = objective (h);
      v[i] = minus;
      lm = objective (h);
      v[i] = saved;
      num = (lp - lm) / ((double) plus - (double) minus);
      max_abs = MAX (max_abs, fabs (a));
      if (fabs (a - num) > atol + rtol * MAX (fabs (a), fabs (num)))
        {
          if (bad < 5)
            g_test_message ("%s: %s[%" G_GSIZE_FORMAT "] analytic %.6g, numeric %.6g",
                            h->layer->klass->type, what, i, a, num);
          bad++;
        }
    }
  g_test_message ("%s: %s, %" G_GSIZE_FORMAT " values, largest |gradient| %.4g",
                  h->layer->klass->type, what, n, max_abs);
  /* a backward that does nothing must not pass */
  g_assert_cmpfloat (max_abs, >, 1e-4);
  return bad;
}

static void
check_gradients (Harness *h,
                 double   eps,
                 double   rtol,
                 double   atol)
{
  g_autofree float *din = NULL, *dparams = NULL;
  guint bad = 0;

  /* analytic: G_out = R */
  run_forward (h);
  for (gsize i = 0; i < h->n_out; i++)
    h->dout[i] = (float) h->r[i];
  memset (h->din, 0, h->n_in * sizeof (float));
  memset (h->dparams, 0, h->layer->n_params * sizeof (float));
  run_backward (h);
  din = g_memdup2 (h->din, h->n_in * sizeof (float));
  dparams = g_memdup2 (h->dparams, (h->layer->n_params + 1) * sizeof (float));

  /* backward accumulates: a second call adds the same again */
  run_backward (h);
  for (gsize i = 0; i < h->n_in; i++)
    g_assert_cmpfloat_with_epsilon (h->din[i], 2 * din[i], 1e-5 + 1e-5 * fabsf (din[i]));
  for (gsize i = 0; i < h->layer->n_params; i++)
    g_assert_cmpfloat_with_epsilon (h->dparams[i], 2 * dparams[i], 1e-5 + 1e-5 * fabsf (dparams[i]));

  bad += compare_numeric (h, h->in, din, h->n_in, eps, rtol, atol, "input");
  if (h->layer->n_params > 0)
    bad += compare_numeric (h, h->params, dparams, h->layer->n_params, eps, rtol, atol, "params");
  g_assert_cmpuint (bad, ==, 0);
}

/* A gradient check of a layer on a smooth or piecewise-linear input. */
static void
gradcheck (const char *json,
           LabShape    in,
           guint       batch,
           guint       max_chunk,
           gboolean    training)
{
  g_autoptr(Harness) h = harness_new (json, in, batch, max_chunk);

  g_test_message ("%s on %u×%u×%u, batch %u", json, in.c, in.h, in.w, batch);
  h->training = training;
  check_gradients (h, 1e-2, 1e-2, 1e-3);
}

/* Same on inputs spaced 0.01 apart, for max-pool and ReLU kinks. */
static void
gradcheck_distinct (const char *json,
                    LabShape    in,
                    guint       batch)
{
  g_autoptr(Harness) h = harness_new (json, in, batch, 0);

  fill_distinct (h->in, h->n_in, 0.01, &h->rng);
  check_gradients (h, 1e-3, 1e-2, 3e-3);
}

/* ---- naive references ---------------------------------------------------- */

/* y (B, F, Ho, Wo) of a conv2d with weight (F, C, k, k), in double. */
static void
naive_conv2d (double      *y,
              const float *x,
              const float *w,
              const float *b,
              guint        B,
              LabShape     in,
              LabShape     out,
              guint        k,
              guint        s,
              guint        p)
{
  for (guint n = 0; n < B; n++)
    for (guint f = 0; f < out.c; f++)
      for (guint oy = 0; oy < out.h; oy++)
        for (guint ox = 0; ox < out.w; ox++)
          {
            double acc = b[f];

            for (guint c = 0; c < in.c; c++)
              for (guint ky = 0; ky < k; ky++)
                for (guint kx = 0; kx < k; kx++)
                  {
                    int iy = (int) (oy * s + ky) - (int) p, ix = (int) (ox * s + kx) - (int) p;

                    if (iy < 0 || ix < 0 || iy >= (int) in.h || ix >= (int) in.w)
                      continue;
                    acc += (double) w[((f * in.c + c) * k + ky) * k + kx]
                           * x[((n * in.c + c) * in.h + iy) * in.w + ix];
                  }
            y[((n * out.c + f) * out.h + oy) * out.w + ox] = acc;
          }
}

/* y (B, Cout, Ho, Wo) of a conv_transpose2d with weight (Cin, Cout, k, k):
 * every input pixel scatters its kernel-weighted value. */
static void
naive_conv_transpose2d (double      *y,
                        const float *x,
                        const float *w,
                        const float *b,
                        guint        B,
                        LabShape     in,
                        LabShape     out,
                        guint        k,
                        guint        s,
                        guint        p)
{
  for (guint n = 0; n < B; n++)
    for (guint co = 0; co < out.c; co++)
      for (gsize q = 0; q < (gsize) out.h * out.w; q++)
        y[(n * out.c + co) * out.h * out.w + q] = b[co];
  for (guint n = 0; n < B; n++)
    for (guint ci = 0; ci < in.c; ci++)
      for (guint iy = 0; iy < in.h; iy++)
        for (guint ix = 0; ix < in.w; ix++)
          for (guint co = 0; co < out.c; co++)
            for (guint ky = 0; ky < k; ky++)
              for (guint kx = 0; kx < k; kx++)
                {
                  int oy = (int) (iy * s + ky) - (int) p, ox = (int) (ix * s + kx) - (int) p;

                  if (oy < 0 || ox < 0 || oy >= (int) out.h || ox >= (int) out.w)
                    continue;
                  y[((n * out.c + co) * out.h + oy) * out.w + ox]
                    += (double) w[((ci * out.c + co) * k + ky) * k + kx]
                       * x[((n * in.c + ci) * in.h + iy) * in.w + ix];
                }
}

static void
assert_close (const float  *got,
              const double *want,
              gsize         n,
              double        tol)
{
  for (gsize i = 0; i < n; i++)
    if (fabs (got[i] - want[i]) > tol * (1 + fabs (want[i])))
      {
        g_test_message ("value %" G_GSIZE_FORMAT ": got %.7g, want %.7g", i, got[i], want[i]);
        g_assert_cmpfloat_with_epsilon (got[i], want[i], tol * (1 + fabs (want[i])));
      }
}

typedef struct
{
  const char *json;
  LabShape    in;
  guint       batch, max_chunk;
  guint       k, s, p;
  LabShape    out;
} ConvCase;

static const ConvCase conv_cases[] = {
  { "{\"type\":\"conv2d\",\"filters\":4,\"kernel\":3,\"padding\":\"same\"}", { 3, 7, 7 }, 3, 0, 3, 1, 1, { 4, 7, 7 } },
  { "{\"type\":\"conv2d\",\"filters\":4,\"kernel\":3,\"stride\":2,\"padding\":\"same\"}", { 2, 7, 7 }, 2, 0, 3, 2, 1, { 4, 4, 4 } },
  { "{\"type\":\"conv2d\",\"filters\":4,\"kernel\":3,\"stride\":2,\"padding\":1}", { 2, 8, 8 }, 2, 0, 3, 2, 1, { 4, 4, 4 } },
  { "{\"type\":\"conv2d\",\"filters\":3,\"kernel\":3,\"padding\":\"valid\"}", { 2, 6, 5 }, 2, 0, 3, 1, 0, { 3, 4, 3 } },
  { "{\"type\":\"conv2d\",\"filters\":3,\"kernel\":5,\"padding\":2}", { 2, 6, 6 }, 2, 0, 5, 1, 2, { 3, 6, 6 } },
  { "{\"type\":\"conv2d\",\"filters\":2,\"kernel\":2,\"stride\":2,\"padding\":0}", { 3, 6, 6 }, 2, 0, 2, 2, 0, { 2, 3, 3 } },
  { "{\"type\":\"conv2d\",\"filters\":5,\"kernel\":3,\"padding\":\"same\"}", { 1, 6, 6 }, 3, 0, 3, 1, 1, { 5, 6, 6 } },
  { "{\"type\":\"conv2d\",\"filters\":1,\"kernel\":3,\"padding\":\"same\"}", { 3, 6, 6 }, 3, 0, 3, 1, 1, { 1, 6, 6 } },
  { "{\"type\":\"conv2d\",\"filters\":1,\"kernel\":3,\"padding\":\"valid\"}", { 2, 6, 5 }, 2, 0, 3, 1, 0, { 1, 4, 3 } },
  { "{\"type\":\"conv2d\",\"filters\":1,\"kernel\":3,\"stride\":2,\"padding\":1}", { 2, 6, 6 }, 2, 0, 3, 2, 1, { 1, 3, 3 } },
  /* fewer filters than channels: G_X by the adjoint convolution */
  { "{\"type\":\"conv2d\",\"filters\":2,\"kernel\":3,\"padding\":\"same\"}", { 5, 6, 6 }, 3, 0, 3, 1, 1, { 2, 6, 6 } },
  { "{\"type\":\"conv2d\",\"filters\":3,\"kernel\":3,\"padding\":\"valid\"}", { 4, 6, 5 }, 2, 0, 3, 1, 0, { 3, 4, 3 } },
  { "{\"type\":\"conv2d\",\"filters\":2,\"kernel\":5,\"padding\":1}", { 4, 7, 7 }, 2, 0, 5, 1, 1, { 2, 5, 5 } },
  { "{\"type\":\"conv2d\",\"filters\":2,\"kernel\":3,\"padding\":\"same\"}", { 3, 5, 5 }, 5, 2, 3, 1, 1, { 2, 5, 5 } },
  /* five images through chunks of two: 2 + 2 + 1 */
  { "{\"type\":\"conv2d\",\"filters\":3,\"kernel\":3,\"padding\":\"same\"}", { 2, 5, 5 }, 5, 2, 3, 1, 1, { 3, 5, 5 } },
  { "{\"type\":\"conv2d\",\"filters\":3,\"kernel\":3,\"stride\":2,\"padding\":1}", { 2, 5, 5 }, 5, 2, 3, 2, 1, { 3, 3, 3 } },
  /* 8 channels and more on both sides: Winograd F(4x4, 3x3); partial
   * tiles (7 = 4 + 3, 5), whole ones (8, 4), chunks of two images */
  { "{\"type\":\"conv2d\",\"filters\":8,\"kernel\":3,\"padding\":\"same\"}", { 8, 7, 7 }, 3, 2, 3, 1, 1, { 8, 7, 7 } },
  { "{\"type\":\"conv2d\",\"filters\":9,\"kernel\":3,\"padding\":1}", { 10, 8, 5 }, 2, 0, 3, 1, 1, { 9, 8, 5 } },
  { "{\"type\":\"conv2d\",\"filters\":12,\"kernel\":3,\"padding\":\"same\"}", { 8, 4, 4 }, 1, 0, 3, 1, 1, { 12, 4, 4 } },
  /* one output channel, rows longer than 16 pixels */
  { "{\"type\":\"conv2d\",\"filters\":1,\"kernel\":3,\"padding\":\"same\"}", { 3, 5, 19 }, 2, 0, 3, 1, 1, { 1, 5, 19 } },
  /* rows narrower than 4 pixels, and a block of one channel past 8 */
  { "{\"type\":\"conv2d\",\"filters\":8,\"kernel\":3,\"padding\":\"same\"}", { 9, 3, 2 }, 2, 0, 3, 1, 1, { 8, 3, 2 } },
};

static const ConvCase convt_cases[] = {
  { "{\"type\":\"conv_transpose2d\",\"filters\":2,\"kernel\":3,\"stride\":2,\"padding\":1,\"output_padding\":1}", { 3, 4, 4 }, 2, 0, 3, 2, 1, { 2, 8, 8 } },
  { "{\"type\":\"conv_transpose2d\",\"filters\":3,\"kernel\":3,\"stride\":1,\"padding\":1}", { 2, 5, 4 }, 2, 0, 3, 1, 1, { 3, 5, 4 } },
  { "{\"type\":\"conv_transpose2d\",\"filters\":2,\"kernel\":2,\"stride\":2}", { 3, 3, 3 }, 2, 0, 2, 2, 0, { 2, 6, 6 } },
  { "{\"type\":\"conv_transpose2d\",\"filters\":2,\"kernel\":3,\"stride\":2,\"padding\":1}", { 2, 4, 4 }, 2, 0, 3, 2, 1, { 2, 7, 7 } },
  { "{\"type\":\"conv_transpose2d\",\"filters\":1,\"kernel\":3,\"stride\":2,\"padding\":1,\"output_padding\":1}", { 4, 3, 3 }, 2, 0, 3, 2, 1, { 1, 6, 6 } },
  { "{\"type\":\"conv_transpose2d\",\"filters\":2,\"kernel\":3,\"stride\":2,\"padding\":1,\"output_padding\":1}", { 2, 3, 3 }, 5, 2, 3, 2, 1, { 2, 6, 6 } },
};

static void
test_conv2d_forward (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (conv_cases); t++)
    {
      const ConvCase *c = &conv_cases[t];
      g_autoptr(Harness) h = harness_new (c->json, c->in, c->batch, c->max_chunk);
      g_autofree double *want = g_new (double, h->n_out);
      const gsize nw = (gsize) c->out.c * c->in.c * c->k * c->k;

      g_test_message ("%s", c->json);
      g_assert_cmpuint (h->layer->out.c, ==, c->out.c);
      g_assert_cmpuint (h->layer->out.h, ==, c->out.h);
      g_assert_cmpuint (h->layer->out.w, ==, c->out.w);
      g_assert_cmpuint (h->layer->n_params, ==, nw + c->out.c);
      run_forward (h);
      naive_conv2d (want, h->in, h->params, h->params + nw, c->batch, c->in, c->out, c->k, c->s, c->p);
      assert_close (h->out, want, h->n_out, 1e-5);
    }
}

static void
test_conv2d_gradients (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (conv_cases); t++)
    gradcheck (conv_cases[t].json, conv_cases[t].in, conv_cases[t].batch,
               conv_cases[t].max_chunk, TRUE);
}

static void
test_conv_transpose2d_forward (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (convt_cases); t++)
    {
      const ConvCase *c = &convt_cases[t];
      g_autoptr(Harness) h = harness_new (c->json, c->in, c->batch, c->max_chunk);
      g_autofree double *want = g_new (double, h->n_out);
      const gsize nw = (gsize) c->out.c * c->in.c * c->k * c->k;

      g_test_message ("%s", c->json);
      g_assert_cmpuint (h->layer->out.c, ==, c->out.c);
      g_assert_cmpuint (h->layer->out.h, ==, c->out.h);
      g_assert_cmpuint (h->layer->out.w, ==, c->out.w);
      g_assert_cmpuint (h->layer->n_params, ==, nw + c->out.c);
      g_assert_cmpuint (h->layer->tensors[0].dims[0], ==, c->in.c);
      g_assert_cmpuint (h->layer->tensors[0].dims[1], ==, c->out.c);
      run_forward (h);
      naive_conv_transpose2d (want, h->in, h->params, h->params + nw, c->batch, c->in, c->out,
                              c->k, c->s, c->p);
      assert_close (h->out, want, h->n_out, 1e-5);
    }
}

static void
test_conv_transpose2d_gradients (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (convt_cases); t++)
    gradcheck (convt_cases[t].json, convt_cases[t].in, convt_cases[t].batch,
               convt_cases[t].max_chunk, TRUE);
}

/* Chunking changes the order of the work, not the result. */
static void
test_conv_chunks_agree (void)
{
  const char *specs[] = {
    "{\"type\":\"conv2d\",\"filters\":6,\"kernel\":3,\"padding\":\"same\"}",
    "{\"type\":\"conv2d\",\"filters\":2,\"kernel\":3,\"padding\":\"same\"}",
    "{\"type\":\"conv_transpose2d\",\"filters\":6,\"kernel\":3,\"stride\":2,\"padding\":1,\"output_padding\":1}",
  };

  for (guint t = 0; t < G_N_ELEMENTS (specs); t++)
    {
      g_autoptr(Harness) whole = harness_new (specs[t], (LabShape) { 4, 6, 6 }, 7, 0);
      g_autoptr(Harness) parts = harness_new (specs[t], (LabShape) { 4, 6, 6 }, 7, 3);

      g_assert_cmpuint (parts->layer->klass->scratch_floats (parts->layer, 7), <,
                        whole->layer->klass->scratch_floats (whole->layer, 7));
      for (guint pass = 0; pass < 2; pass++)
        {
          Harness *hh = pass ? parts : whole;

          run_forward (hh);
          for (gsize i = 0; i < hh->n_out; i++)
            hh->dout[i] = (float) hh->r[i];
          run_backward (hh);
        }
      for (gsize i = 0; i < whole->n_out; i++)
        g_assert_cmpfloat_with_epsilon (parts->out[i], whole->out[i], 1e-5);
      for (gsize i = 0; i < whole->n_in; i++)
        g_assert_cmpfloat_with_epsilon (parts->din[i], whole->din[i], 1e-5);
      for (gsize i = 0; i < whole->layer->n_params; i++)
        g_assert_cmpfloat_with_epsilon (parts->dparams[i], whole->dparams[i], 1e-4);
    }
}

/* The gradients of the Winograd path and of kn2row for one output channel
 * against naive loops in double, on the sizes of dae-keras32's middle
 * layers (14×14 with partial tiles of 4, 7×7) and its last (32 -> 1 at
 * 28×28), and one with rows longer than 16 pixels, tighter
 * than the finite differences can check. G_X is added to what din held,
 * as the model asks of layers by default. */
static void
test_conv2d_backward_naive (void)
{
  const struct { guint c, m, hgt, wid, batch; } cases[] = {
    { 16, 24, 14, 14, 2 }, { 24, 8, 7, 7, 3 }, { 32, 1, 28, 28, 2 }, { 3, 1, 5, 19, 2 },
  };

  for (guint t = 0; t < G_N_ELEMENTS (cases); t++)
    {
      const guint c = cases[t].c, m = cases[t].m, hgt = cases[t].hgt, wid = cases[t].wid;
      const guint batch = cases[t].batch;
      g_autofree char *json = g_strdup_printf ("{\"type\":\"conv2d\",\"filters\":%u,\"padding\":\"same\"}", m);
      g_autoptr(Harness) h = harness_new (json, (LabShape) { c, hgt, wid }, batch, 0);
      g_autofree double *dx = g_new0 (double, h->n_in);
      g_autofree double *dw = g_new0 (double, h->layer->n_params);
      const gsize nw = (gsize) m * c * 9;

      for (gsize i = 0; i < h->n_out; i++)
        h->dout[i] = (float) (lab_rng_uniform (&h->rng) - 0.5);
      for (gsize i = 0; i < h->n_in; i++)
        h->din[i] = dx[i] = 0.25f;
      run_forward (h);
      run_backward (h);

      for (guint n = 0; n < batch; n++)
        for (guint f = 0; f < m; f++)
          for (guint y = 0; y < hgt; y++)
            for (guint x = 0; x < wid; x++)
              {
                const double g = h->dout[((n * m + f) * hgt + y) * wid + x];

                dw[nw + f] += g;
                for (guint ci = 0; ci < c; ci++)
                  for (guint ky = 0; ky < 3; ky++)
                    for (guint kx = 0; kx < 3; kx++)
                      {
                        const int iy = (int) (y + ky) - 1, ix = (int) (x + kx) - 1;
                        gsize xi, wi;

                        if (iy < 0 || ix < 0 || iy >= (int) hgt || ix >= (int) wid)
                          continue;
                        xi = ((gsize) (n * c + ci) * hgt + iy) * wid + ix;
                        wi = ((gsize) (f * c + ci) * 3 + ky) * 3 + kx;
                        dx[xi] += g * h->params[wi];
                        dw[wi] += g * h->in[xi];
                      }
              }
      assert_close (h->din, dx, h->n_in, 1e-5);
      assert_close (h->dparams, dw, h->layer->n_params, 1e-4);
    }
}

/* The first layer's own loops (one input channel, no G_X wanted): the
 * weight and bias gradients against naive loops in double, on a size
 * that leaves partial vectors at the end of each row. */
static void
test_conv2d_gray_weight_grad (void)
{
  const guint m = 10, hgt = 9, wid = 11, batch = 3;
  g_autoptr(Harness) h = harness_new ("{\"type\":\"conv2d\",\"filters\":10,\"padding\":\"same\"}",
                                      (LabShape) { 1, hgt, wid }, batch, 0);
  g_autofree double *dw = g_new0 (double, h->layer->n_params);
  float *din = h->din;

  for (gsize i = 0; i < h->n_out; i++)
    h->dout[i] = (float) (lab_rng_uniform (&h->rng) - 0.5);
  run_forward (h);
  h->din = NULL;        /* the first layer of a model */
  run_backward (h);
  h->din = din;

  for (guint n = 0; n < batch; n++)
    for (guint f = 0; f < m; f++)
      for (guint y = 0; y < hgt; y++)
        for (guint x = 0; x < wid; x++)
          {
            const double g = h->dout[((n * m + f) * hgt + y) * wid + x];

            dw[m * 9 + f] += g;
            for (guint ky = 0; ky < 3; ky++)
              for (guint kx = 0; kx < 3; kx++)
                {
                  const int iy = (int) (y + ky) - 1, ix = (int) (x + kx) - 1;

                  if (iy >= 0 && ix >= 0 && iy < (int) hgt && ix < (int) wid)
                    dw[f * 9 + ky * 3 + kx] += g * h->in[(n * hgt + iy) * wid + ix];
                }
          }
  assert_close (h->dparams, dw, h->layer->n_params, 1e-5);
}

static void
test_dense_forward (void)
{
  g_autoptr(Harness) h = harness_new ("{\"type\":\"dense\",\"units\":5}", (LabShape) { 3, 2, 2 }, 4, 0);
  const float *w = h->params, *b = h->params + 5 * 12;

  g_assert_cmpuint (h->layer->out.c, ==, 5);
  g_assert_cmpuint (h->layer->out.h, ==, 1);
  g_assert_cmpuint (h->layer->tensors[0].dims[0], ==, 5);
  g_assert_cmpuint (h->layer->tensors[0].dims[1], ==, 12);
  run_forward (h);
  for (guint n = 0; n < 4; n++)
    for (guint o = 0; o < 5; o++)
      {
        double acc = b[o];

        for (guint i = 0; i < 12; i++)
          acc += (double) w[o * 12 + i] * h->in[n * 12 + i];
        g_assert_cmpfloat_with_epsilon (h->out[n * 5 + o], acc, 1e-5);
      }
}

static void
test_dense_gradients (void)
{
  gradcheck ("{\"type\":\"dense\",\"units\":5}", (LabShape) { 3, 2, 2 }, 4, 0, TRUE);
  gradcheck ("{\"type\":\"dense\",\"units\":1}", (LabShape) { 7, 1, 1 }, 1, 0, TRUE);
}

/* ---- pooling, upsampling ---------------------------------------------------- */

static void
test_maxpool (void)
{
  g_autoptr(Harness) h = harness_new ("{\"type\":\"maxpool2d\",\"pool\":2,\"ceil_mode\":true}",
                                      (LabShape) { 1, 3, 3 }, 1, 0);
  const float x[9] = { 1, 5, 2,
                       3, 4, -1,
                       9, -8, 7 };

  /* 3 -> 2 in ceil mode: the edge windows see only their valid pixels */
  g_assert_cmpuint (h->layer->out.h, ==, 2);
  memcpy (h->in, x, sizeof x);
  run_forward (h);
  g_assert_cmpfloat (h->out[0], ==, 5);
  g_assert_cmpfloat (h->out[1], ==, 2);
  g_assert_cmpfloat (h->out[2], ==, 9);
  g_assert_cmpfloat (h->out[3], ==, 7);

  gradcheck_distinct ("{\"type\":\"maxpool2d\",\"pool\":2}", (LabShape) { 2, 6, 6 }, 2);
  gradcheck_distinct ("{\"type\":\"maxpool2d\",\"pool\":2}", (LabShape) { 1, 4, 10 }, 2);
  gradcheck_distinct ("{\"type\":\"maxpool2d\",\"pool\":2,\"ceil_mode\":true}", (LabShape) { 2, 5, 11 }, 1);
  gradcheck_distinct ("{\"type\":\"maxpool2d\",\"pool\":2,\"ceil_mode\":true}", (LabShape) { 2, 7, 7 }, 2);
  gradcheck_distinct ("{\"type\":\"maxpool2d\",\"pool\":3,\"stride\":2}", (LabShape) { 1, 7, 7 }, 2);
}

/* Max and argmax of every window against a plain scan, on values with
 * many ties (first maximum in row-major order wins, as in PyTorch), for
 * the vector path (whole 2x2 windows) and the edges. */
static void
test_maxpool_ties (void)
{
  const char *specs[] = {
    "{\"type\":\"maxpool2d\",\"pool\":2}",
    "{\"type\":\"maxpool2d\",\"pool\":2,\"ceil_mode\":true}",
    "{\"type\":\"maxpool2d\",\"pool\":3,\"stride\":2,\"ceil_mode\":true}",
  };

  for (guint t = 0; t < G_N_ELEMENTS (specs); t++)
    {
      g_autoptr(Harness) h = harness_new (specs[t], (LabShape) { 3, 9, 13 }, 2, 0);
      const LabShape in = h->layer->in, out = h->layer->out;
      const guint pool = t == 2 ? 3 : 2;
      g_autofree float *want_din = g_new0 (float, h->n_in);

      for (gsize i = 0; i < h->n_in; i++)
        h->in[i] = (float) lab_rng_below (&h->rng, 3);
      for (gsize i = 0; i < h->n_out; i++)
        h->dout[i] = (float) (i + 1);
      run_forward (h);
      memset (h->din, 0, h->n_in * sizeof (float));
      run_backward (h);

      for (guint pl = 0; pl < 2 * in.c; pl++)
        for (guint oy = 0; oy < out.h; oy++)
          for (guint ox = 0; ox < out.w; ox++)
            {
              const float *x = h->in + (gsize) pl * in.h * in.w;
              gsize o = ((gsize) pl * out.h + oy) * out.w + ox, best = 0;
              float m = -1;

              for (guint iy = oy * 2; iy < MIN (oy * 2 + pool, in.h); iy++)
                for (guint ix = ox * 2; ix < MIN (ox * 2 + pool, in.w); ix++)
                  if (x[iy * in.w + ix] > m)
                    {
                      m = x[iy * in.w + ix];
                      best = (gsize) pl * in.h * in.w + iy * in.w + ix;
                    }
              g_assert_cmpfloat (h->out[o], ==, m);
              want_din[best] += h->dout[o];
            }
      g_assert_cmpmem (h->din, h->n_in * sizeof (float), want_din, h->n_in * sizeof (float));
    }
}

/* The 2×2 fast path (vector blocks, the last block of a row overlapping
 * the one before, rows of fewer than four windows, ceil-mode edges) and
 * the general one against a naive scan, on tie-heavy values: forward, and
 * backward both adding to what din held and writing over garbage
 * (din_write, as the model runs it). */
static void
test_maxpool_naive (void)
{
  static const struct
  {
    const char *json;
    LabShape    in;
  } cases[] = {
    { "{\"type\":\"maxpool2d\",\"pool\":2}", { 3, 28, 28 } },
    { "{\"type\":\"maxpool2d\",\"pool\":2}", { 5, 14, 14 } },
    { "{\"type\":\"maxpool2d\",\"pool\":2}", { 2, 6, 16 } },
    { "{\"type\":\"maxpool2d\",\"pool\":2}", { 2, 4, 6 } },
    { "{\"type\":\"maxpool2d\",\"pool\":2}", { 2, 7, 11 } },
    { "{\"type\":\"maxpool2d\",\"pool\":2,\"ceil_mode\":true}", { 3, 7, 7 } },
    { "{\"type\":\"maxpool2d\",\"pool\":2,\"ceil_mode\":true}", { 2, 9, 20 } },
    { "{\"type\":\"maxpool2d\",\"pool\":3,\"stride\":2}", { 2, 9, 9 } },
  };

  for (guint t = 0; t < G_N_ELEMENTS (cases); t++)
    {
      g_autoptr(Harness) h = harness_new (cases[t].json, cases[t].in, 3, 0);
      const LabShape in = h->layer->in, out = h->layer->out;
      const guint pool = strstr (cases[t].json, "\"pool\":3") ? 3 : 2;
      g_autofree float *want_y = g_new0 (float, h->n_out);
      g_autofree float *want_dx = g_new0 (float, h->n_in);
      g_autofree float *start = g_new0 (float, h->n_in);
      g_autofree float *want_add = g_new0 (float, h->n_in);
      LabPass pass = { 0 };

      g_assert_true (h->layer->klass->flags & LAB_LAYER_WRITES_DIN);
      for (gsize i = 0; i < h->n_in; i++)
        h->in[i] = (float) lab_rng_below (&h->rng, 4) - 1;
      for (gsize i = 0; i < h->n_out; i++)
        h->dout[i] = (float) lab_rng_below (&h->rng, 1000) - 500;
      fill_uniform (start, h->n_in, -8, 8, &h->rng);
      memcpy (want_add, start, h->n_in * sizeof (float));
      for (gsize pl = 0; pl < (gsize) 3 * in.c; pl++)
        for (guint oy = 0; oy < out.h; oy++)
          for (guint ox = 0; ox < out.w; ox++)
            {
              const float *x = h->in + pl * in.h * in.w;
              gsize o = (pl * out.h + oy) * out.w + ox, best = 0;
              float m = -INFINITY;

              for (guint iy = oy * 2; iy < MIN (oy * 2 + pool, in.h); iy++)
                for (guint ix = ox * 2; ix < MIN (ox * 2 + pool, in.w); ix++)
                  if (x[iy * in.w + ix] > m)
                    {
                      m = x[iy * in.w + ix];
                      best = pl * in.h * in.w + iy * in.w + ix;
                    }
              want_y[o] = m;
              want_dx[best] += h->dout[o];
              want_add[best] += h->dout[o];
            }

      run_forward (h);
      g_assert_cmpmem (h->out, h->n_out * sizeof (float), want_y, h->n_out * sizeof (float));

      /* adding to what din holds, in output order */
      memcpy (h->din, start, h->n_in * sizeof (float));
      run_backward (h);
      g_assert_cmpmem (h->din, h->n_in * sizeof (float), want_add, h->n_in * sizeof (float));

      /* writing over garbage */
      for (gsize i = 0; i < h->n_in; i++)
        h->din[i] = NAN;
      pass.batch = h->batch;
      pass.training = TRUE;
      pass.in = h->in;
      pass.out = h->out;
      pass.dout = h->dout;
      pass.din = h->din;
      pass.din_write = TRUE;
      pass.scratch = h->scratch;
      h->layer->klass->backward (h->layer, &pass);
      g_assert_cmpmem (h->din, h->n_in * sizeof (float), want_dx, h->n_in * sizeof (float));
    }
}

static void
test_avgpool (void)
{
  g_autoptr(Harness) h = harness_new ("{\"type\":\"avgpool2d\",\"pool\":2}", (LabShape) { 1, 2, 4 }, 1, 0);
  const float x[8] = { 1, 2, 3, 4,
                       5, 6, 7, 9 };

  memcpy (h->in, x, sizeof x);
  run_forward (h);
  g_assert_cmpuint (h->layer->out.w, ==, 2);
  g_assert_cmpfloat_with_epsilon (h->out[0], 3.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (h->out[1], 5.75, 1e-6);

  gradcheck ("{\"type\":\"avgpool2d\",\"pool\":2}", (LabShape) { 2, 6, 6 }, 2, 0, TRUE);
  gradcheck ("{\"type\":\"avgpool2d\",\"pool\":3}", (LabShape) { 1, 7, 7 }, 2, 0, TRUE);
}

static void
test_upsample (void)
{
  g_autoptr(Harness) h = harness_new ("{\"type\":\"upsample2d\",\"scale\":2}", (LabShape) { 1, 2, 2 }, 1, 0);
  const float x[4] = { 1, 2, 3, 4 };
  const float want[16] = { 1, 1, 2, 2,
                           1, 1, 2, 2,
                           3, 3, 4, 4,
                           3, 3, 4, 4 };

  memcpy (h->in, x, sizeof x);
  run_forward (h);
  for (guint i = 0; i < 16; i++)
    g_assert_cmpfloat (h->out[i], ==, want[i]);

  {
    g_autoptr(Harness) wide = harness_new ("{\"type\":\"upsample2d\",\"scale\":2}", (LabShape) { 2, 3, 9 }, 2, 0);

    run_forward (wide);
    for (gsize pl = 0; pl < 4; pl++)
      for (guint oy = 0; oy < 6; oy++)
        for (guint ox = 0; ox < 18; ox++)
          g_assert_cmpfloat (wide->out[(pl * 6 + oy) * 18 + ox], ==, wide->in[(pl * 3 + oy / 2) * 9 + ox / 2]);
  }

  gradcheck ("{\"type\":\"upsample2d\",\"scale\":2}", (LabShape) { 2, 3, 3 }, 2, 0, TRUE);
  gradcheck ("{\"type\":\"upsample2d\",\"scale\":2}", (LabShape) { 2, 3, 9 }, 2, 0, TRUE);
  gradcheck ("{\"type\":\"upsample2d\",\"scale\":3}", (LabShape) { 1, 2, 3 }, 2, 0, TRUE);
}

/* Scale 2 (vector blocks, the last block of a row overlapping the one
 * before, rows under four pixels) and scale 3 against naive loops, on
 * whole-number gradients (exact in any order of additions): forward, and
 * backward adding to din and writing over garbage (din_write). */
static void
test_upsample_naive (void)
{
  static const struct
  {
    guint    scale;
    LabShape in;
  } cases[] = {
    { 2, { 3, 7, 7 } }, { 2, { 2, 14, 14 } }, { 2, { 2, 5, 9 } }, { 2, { 2, 3, 3 } },
    { 2, { 1, 2, 4 } }, { 3, { 2, 4, 5 } },
  };

  for (guint t = 0; t < G_N_ELEMENTS (cases); t++)
    {
      g_autofree char *json = g_strdup_printf ("{\"type\":\"upsample2d\",\"scale\":%u}",
                                               cases[t].scale);
      g_autoptr(Harness) h = harness_new (json, cases[t].in, 2, 0);
      const LabShape in = h->layer->in, out = h->layer->out;
      const guint sc = cases[t].scale;
      g_autofree float *start = g_new0 (float, h->n_in);
      g_autofree float *sums = g_new0 (float, h->n_in);
      LabPass pass = { 0 };

      for (gsize i = 0; i < h->n_out; i++)
        h->dout[i] = (float) lab_rng_below (&h->rng, 1000) - 500;
      for (gsize i = 0; i < h->n_in; i++)
        start[i] = (float) lab_rng_below (&h->rng, 1000) - 500;
      run_forward (h);
      for (gsize pl = 0; pl < (gsize) 2 * in.c; pl++)
        for (guint oy = 0; oy < out.h; oy++)
          for (guint ox = 0; ox < out.w; ox++)
            {
              gsize o = (pl * out.h + oy) * out.w + ox;
              gsize i = (pl * in.h + oy / sc) * in.w + ox / sc;

              g_assert_cmpfloat (h->out[o], ==, h->in[i]);
              sums[i] += h->dout[o];
            }

      memcpy (h->din, start, h->n_in * sizeof (float));
      run_backward (h);
      for (gsize i = 0; i < h->n_in; i++)
        g_assert_cmpfloat (h->din[i], ==, start[i] + sums[i]);

      for (gsize i = 0; i < h->n_in; i++)
        h->din[i] = NAN;
      pass.batch = h->batch;
      pass.in = h->in;
      pass.out = h->out;
      pass.dout = h->dout;
      pass.din = h->din;
      pass.din_write = TRUE;
      h->layer->klass->backward (h->layer, &pass);
      g_assert_cmpmem (h->din, h->n_in * sizeof (float), sums, h->n_in * sizeof (float));
    }
}

/* ---- batch norm ---------------------------------------------------------- */

static void
randomize_bn (Harness *h)
{
  const guint c = h->layer->in.c;

  fill_uniform (h->params, c, 0.5, 1.5, &h->rng);           /* γ */
  fill_uniform (h->params + c, c, -0.5, 0.5, &h->rng);      /* β */
  fill_uniform (h->buffers, c, -0.3, 0.3, &h->rng);         /* running mean */
  fill_uniform (h->buffers + c, c, 0.5, 2.0, &h->rng);      /* running var */
}

static void
test_batchnorm_gradients (void)
{
  const char *specs[] = { "{\"type\":\"batchnorm2d\"}", "{\"type\":\"batchnorm1d\"}" };
  const LabShape shapes[] = { { 3, 4, 4 }, { 6, 1, 1 } };

  for (guint t = 0; t < 2; t++)
    for (guint training = 0; training < 2; training++)
      {
        g_autoptr(Harness) h = harness_new (specs[t], shapes[t], 5, 0);

        randomize_bn (h);
        h->training = training;
        check_gradients (h, 1e-2, 1e-2, 1e-3);
      }
}

/* Running statistics follow PyTorch: r ← (1 - 0.1) r + 0.1 stat, with
 * the unbiased variance; training output uses the batch statistics with the
 * biased variance, eval output the running ones. */
static void
test_batchnorm_statistics (void)
{
  const guint B = 3, C = 2, HW = 4;
  g_autoptr(Harness) h = harness_new ("{\"type\":\"batchnorm2d\"}", (LabShape) { C, 2, 2 }, B, 0);
  double rm[2] = { 0, 0 }, rv[2] = { 1, 1 };

  g_assert_cmpuint (h->layer->n_params, ==, 4);
  g_assert_cmpuint (h->layer->n_buffers, ==, 4);
  g_assert_cmpstr (h->layer->tensors[2].name, ==, "running_mean");
  g_assert_false (h->layer->tensors[3].trainable);
  for (guint c = 0; c < C; c++)
    {
      g_assert_cmpfloat (h->params[c], ==, 1);
      g_assert_cmpfloat (h->params[C + c], ==, 0);
      g_assert_cmpfloat (h->buffers[c], ==, 0);
      g_assert_cmpfloat (h->buffers[C + c], ==, 1);
    }
  h->params[0] = 2.0f;
  h->params[C + 1] = -0.5f;

  for (guint step = 0; step < 2; step++)
    {
      fill_uniform (h->in, h->n_in, (double) step - 2, 3, &h->rng);
      h->training = TRUE;
      run_forward (h);
      for (guint c = 0; c < C; c++)
        {
          double sum = 0, sq = 0, mean, var;
          const guint m = B * HW;

          for (guint n = 0; n < B; n++)
            for (guint q = 0; q < HW; q++)
              sum += h->in[(n * C + c) * HW + q];
          mean = sum / m;
          for (guint n = 0; n < B; n++)
            for (guint q = 0; q < HW; q++)
              sq += pow (h->in[(n * C + c) * HW + q] - mean, 2);
          var = sq / m;
          for (guint n = 0; n < B; n++)
            for (guint q = 0; q < HW; q++)
              {
                gsize i = (n * C + c) * HW + q;
                double y = h->params[c] * (h->in[i] - mean) / sqrt (var + 1e-5) + h->params[C + c];
                g_assert_cmpfloat_with_epsilon (h->out[i], y, 1e-5);
              }
          rm[c] = 0.9 * rm[c] + 0.1 * mean;
          rv[c] = 0.9 * rv[c] + 0.1 * sq / (m - 1);
          g_assert_cmpfloat_with_epsilon (h->buffers[c], rm[c], 1e-6);
          g_assert_cmpfloat_with_epsilon (h->buffers[C + c], rv[c], 1e-6);
        }
    }

  /* eval: running statistics, and they stay put */
  h->training = FALSE;
  run_forward (h);
  for (gsize i = 0; i < h->n_in; i++)
    {
      guint c = (i / HW) % C;
      double y = h->params[c] * (h->in[i] - rm[c]) / sqrt (rv[c] + 1e-5) + h->params[C + c];
      g_assert_cmpfloat_with_epsilon (h->out[i], y, 1e-5);
    }
  g_assert_cmpfloat_with_epsilon (h->buffers[0], rm[0], 1e-6);
  g_assert_cmpfloat_with_epsilon (h->buffers[C + 1], rv[1], 1e-6);
}

/* ---- activations, reshapes, dropout, VAE -------------------------------- */

/* ReLU's eight-at-a-time loops and their tail against the one-line rule,
 * on zeros of both signs and NaN among the values: forward (also in
 * place), and backward adding and writing (din_write). */
static void
test_relu_naive (void)
{
  g_autoptr(Harness) h = harness_new ("{\"type\":\"relu\"}", (LabShape) { 5, 3, 7 }, 3, 0);
  g_autofree float *start = g_new (float, h->n_in);
  g_autofree float *inplace = NULL;
  LabPass pass = { 0 };

  for (gsize i = 0; i < h->n_in; i++)
    h->in[i] = i % 11 == 0 ? 0.0f : i % 13 == 0 ? -0.0f : i % 29 == 0 ? NAN
               : (float) lab_rng_below (&h->rng, 200) - 100;
  for (gsize i = 0; i < h->n_out; i++)
    h->dout[i] = (float) lab_rng_below (&h->rng, 200) - 100;
  fill_uniform (start, h->n_in, -8, 8, &h->rng);
  run_forward (h);
  for (gsize i = 0; i < h->n_in; i++)
    {
      float want = h->in[i] < 0.f ? 0.f : h->in[i];

      g_assert_cmpmem (&h->out[i], sizeof (float), &want, sizeof (float));
    }

  inplace = g_memdup2 (h->in, h->n_in * sizeof (float));
  pass.batch = h->batch;
  pass.in = inplace;
  pass.out = inplace;
  h->layer->klass->forward (h->layer, &pass);
  g_assert_cmpmem (inplace, h->n_in * sizeof (float), h->out, h->n_out * sizeof (float));

  memcpy (h->din, start, h->n_in * sizeof (float));
  run_backward (h);
  for (gsize i = 0; i < h->n_in; i++)
    g_assert_cmpfloat (h->din[i], ==, start[i] + (h->out[i] > 0.f ? h->dout[i] : 0.f));

  for (gsize i = 0; i < h->n_in; i++)
    h->din[i] = NAN;
  pass.out = h->out;
  pass.dout = h->dout;
  pass.din = h->din;
  pass.din_write = TRUE;
  h->layer->klass->backward (h->layer, &pass);
  for (gsize i = 0; i < h->n_in; i++)
    g_assert_cmpfloat (h->din[i], ==, h->out[i] > 0.f ? h->dout[i] : 0.f);
}

static void
test_activations (void)
{
  g_autoptr(Harness) h = harness_new ("{\"type\":\"softmax\"}", (LabShape) { 3, 1, 2 }, 1, 0);
  const float x[6] = { 1, 0, 2, 0, 3, 0 };   /* channel c at pixels 0 and 1 */
  double z = exp (1) + exp (2) + exp (3);

  memcpy (h->in, x, sizeof x);
  run_forward (h);
  /* over the channels at each pixel, as PyTorch's Softmax(dim = 1) */
  g_assert_cmpfloat_with_epsilon (h->out[0], exp (1) / z, 1e-6);
  g_assert_cmpfloat_with_epsilon (h->out[4], exp (3) / z, 1e-6);
  g_assert_cmpfloat_with_epsilon (h->out[1], 1.0 / 3, 1e-6);

  gradcheck_distinct ("{\"type\":\"relu\"}", (LabShape) { 2, 3, 5 }, 3);
  gradcheck_distinct ("{\"type\":\"leaky_relu\",\"slope\":0.1}", (LabShape) { 2, 3, 5 }, 3);
  gradcheck ("{\"type\":\"sigmoid\"}", (LabShape) { 2, 3, 5 }, 3, 0, TRUE);
  gradcheck ("{\"type\":\"tanh\"}", (LabShape) { 2, 3, 5 }, 3, 0, TRUE);
  gradcheck ("{\"type\":\"softmax\"}", (LabShape) { 7, 1, 1 }, 3, 0, TRUE);
  gradcheck ("{\"type\":\"softmax\"}", (LabShape) { 3, 2, 2 }, 2, 0, TRUE);
}

static void
test_reshapes (void)
{
  g_autoptr(Harness) h = harness_new ("{\"type\":\"reshape\",\"shape\":[2,3,3]}", (LabShape) { 18, 1, 1 }, 2, 0);

  g_assert_cmpuint (h->layer->out.c, ==, 2);
  g_assert_cmpuint (h->layer->out.w, ==, 3);
  run_forward (h);
  g_assert_cmpmem (h->out, 36 * sizeof (float), h->in, 36 * sizeof (float));

  gradcheck ("{\"type\":\"flatten\"}", (LabShape) { 2, 3, 3 }, 2, 0, TRUE);
  gradcheck ("{\"type\":\"reshape\",\"shape\":[2,3,3]}", (LabShape) { 18, 1, 1 }, 2, 0, TRUE);
}

static void
test_dropout (void)
{
  g_autoptr(Harness) h = harness_new ("{\"type\":\"dropout\",\"rate\":0.3}", (LabShape) { 100, 10, 10 }, 1, 0);
  guint zeros = 0;

  fill_uniform (h->in, h->n_in, 0.5, 1.5, &h->rng);
  run_forward (h);
  for (gsize i = 0; i < h->n_in; i++)
    {
      if (h->out[i] == 0.f)
        zeros++;
      else
        g_assert_cmpfloat_with_epsilon (h->out[i], h->in[i] / 0.7, 1e-6);
    }
  g_assert_cmpfloat_with_epsilon (zeros / 10000.0, 0.3, 0.02);

  h->training = FALSE;
  run_forward (h);
  g_assert_cmpmem (h->out, h->n_out * sizeof (float), h->in, h->n_in * sizeof (float));

  gradcheck ("{\"type\":\"dropout\",\"rate\":0.4}", (LabShape) { 3, 3, 3 }, 2, 0, TRUE);
  gradcheck ("{\"type\":\"dropout\",\"rate\":0.4}", (LabShape) { 3, 3, 3 }, 2, 0, FALSE);
}

static void
test_vae_sample (void)
{
  g_autoptr(Harness) h = harness_new ("{\"type\":\"vae_sample\",\"beta\":0.5}", (LabShape) { 4000, 1, 1 }, 2, 0);
  const gsize L = 2000;
  double kl = 0, sum = 0, sum2 = 0;

  g_assert_cmpuint (h->layer->out.c, ==, L);
  h->layer->loss_elements = 10;
  h->training = FALSE;
  run_forward (h);
  for (guint n = 0; n < 2; n++)
    for (gsize j = 0; j < L; j++)
      {
        double mu = h->in[n * 2 * L + j], lv = h->in[n * 2 * L + L + j];

        g_assert_cmpfloat (h->out[n * L + j], ==, h->in[n * 2 * L + j]);
        kl += -0.5 * (1 + lv - mu * mu - exp (lv));
      }
  /* β Σ KL / (B · P) */
  g_assert_cmpfloat_with_epsilon (h->aux, 0.5 * kl / (2 * 10), 1e-9 + 1e-6 * kl);

  /* training: (z - μ) / σ is standard normal */
  h->training = TRUE;
  run_forward (h);
  for (guint n = 0; n < 2; n++)
    for (gsize j = 0; j < L; j++)
      {
        double e = (h->out[n * L + j] - h->in[n * 2 * L + j]) / exp (0.5 * h->in[n * 2 * L + L + j]);
        sum += e;
        sum2 += e * e;
      }
  g_assert_cmpfloat_with_epsilon (sum / (2 * L), 0, 0.05);
  g_assert_cmpfloat_with_epsilon (sum2 / (2 * L), 1, 0.08);

  for (guint training = 0; training < 2; training++)
    {
      g_autoptr(Harness) g = harness_new ("{\"type\":\"vae_sample\",\"beta\":0.5}", (LabShape) { 8, 1, 1 }, 3, 0);

      g->layer->loss_elements = 7;
      g->training = training;
      check_gradients (g, 1e-2, 1e-2, 1e-3);
    }
}

/* ---- fixtures from PyTorch (tests/make-fixtures.py) --------------------- */

static void
test_torch_fixtures (void)
{
  /* Conv2d(2, 3, 3, stride 2, padding 1) */
  {
    g_autoptr(Harness) h = harness_new ("{\"type\":\"conv2d\",\"filters\":3,\"kernel\":3,\"stride\":2,\"padding\":1}",
                                        (LabShape) { 2, 5, 5 }, 2, 0);
    g_assert_cmpuint (h->n_out, ==, G_N_ELEMENTS (fx_conv_y));
    memcpy (h->params, fx_conv_w, sizeof fx_conv_w);
    memcpy (h->params + G_N_ELEMENTS (fx_conv_w), fx_conv_b, sizeof fx_conv_b);
    memcpy (h->in, fx_conv_x, sizeof fx_conv_x);
    run_forward (h);
    for (guint i = 0; i < G_N_ELEMENTS (fx_conv_y); i++)
      g_assert_cmpfloat_with_epsilon (h->out[i], fx_conv_y[i], 1e-5);
  }
  /* ConvTranspose2d(3, 2, 3, stride 2, padding 1, output_padding 1) */
  {
    g_autoptr(Harness) h = harness_new ("{\"type\":\"conv_transpose2d\",\"filters\":2,\"kernel\":3,\"stride\":2,\"padding\":1,\"output_padding\":1}",
                                        (LabShape) { 3, 3, 3 }, 2, 0);
    g_assert_cmpuint (h->n_out, ==, G_N_ELEMENTS (fx_convt_y));
    memcpy (h->params, fx_convt_w, sizeof fx_convt_w);
    memcpy (h->params + G_N_ELEMENTS (fx_convt_w), fx_convt_b, sizeof fx_convt_b);
    memcpy (h->in, fx_convt_x, sizeof fx_convt_x);
    run_forward (h);
    for (guint i = 0; i < G_N_ELEMENTS (fx_convt_y); i++)
      g_assert_cmpfloat_with_epsilon (h->out[i], fx_convt_y[i], 1e-5);
  }
  /* BatchNorm2d(3), train mode then eval, with its running statistics */
  {
    g_autoptr(Harness) h = harness_new ("{\"type\":\"batchnorm2d\"}", (LabShape) { 3, 2, 2 }, 4, 0);
    memcpy (h->params, fx_bn_w, sizeof fx_bn_w);
    memcpy (h->params + 3, fx_bn_b, sizeof fx_bn_b);
    memcpy (h->in, fx_bn_x, sizeof fx_bn_x);
    run_forward (h);
    for (guint i = 0; i < G_N_ELEMENTS (fx_bn_y_train); i++)
      g_assert_cmpfloat_with_epsilon (h->out[i], fx_bn_y_train[i], 1e-5);
    for (guint i = 0; i < 3; i++)
      {
        g_assert_cmpfloat_with_epsilon (h->buffers[i], fx_bn_running_mean[i], 1e-6);
        g_assert_cmpfloat_with_epsilon (h->buffers[3 + i], fx_bn_running_var[i], 1e-6);
      }
    h->training = FALSE;
    run_forward (h);
    for (guint i = 0; i < G_N_ELEMENTS (fx_bn_y_eval); i++)
      g_assert_cmpfloat_with_epsilon (h->out[i], fx_bn_y_eval[i], 1e-5);
  }
  /* MaxPool2d(2, ceil_mode=True) on 7x7 */
  {
    g_autoptr(Harness) h = harness_new ("{\"type\":\"maxpool2d\",\"pool\":2,\"ceil_mode\":true}",
                                        (LabShape) { 2, 7, 7 }, 1, 0);
    g_assert_cmpuint (h->n_out, ==, G_N_ELEMENTS (fx_pool_y));
    memcpy (h->in, fx_pool_x, sizeof fx_pool_x);
    run_forward (h);
    for (guint i = 0; i < G_N_ELEMENTS (fx_pool_y); i++)
      g_assert_cmpfloat (h->out[i], ==, fx_pool_y[i]);
  }
}

/* ---- shapes, counts, init, registry ------------------------------------- */

typedef struct
{
  LabShape out;
  gsize    params;
  guint64  macs;
} ChainResult;

static ChainResult
chain (LabShape           in,
       const char *const *specs)
{
  ChainResult r = { in, 0, 0 };

  for (guint i = 0; specs[i] != NULL; i++)
    {
      g_autoptr(LabLayer) layer = layer_new (specs[i], r.out);

      r.out = layer->out;
      r.params += layer->n_params;
      r.macs += layer->macs;
    }
  return r;
}

#define CONV(f, s, p) "{\"type\":\"conv2d\",\"filters\":" #f ",\"kernel\":3,\"stride\":" #s ",\"padding\":" #p "}"
#define CONVT(f)      "{\"type\":\"conv_transpose2d\",\"filters\":" #f ",\"kernel\":3,\"stride\":2,\"padding\":1,\"output_padding\":1}"
#define BN            "{\"type\":\"batchnorm2d\"}"
#define RELU          "{\"type\":\"relu\"}"
#define POOL          "{\"type\":\"maxpool2d\",\"pool\":2}"
#define UP            "{\"type\":\"upsample2d\",\"scale\":2}"

static void
expect_chain (const char *const *specs,
              LabShape           out,
              gsize              params,
              double             fwd_mflop)
{
  ChainResult r = chain ((LabShape) { 1, 28, 28 }, specs);

  g_assert_cmpuint (r.out.c, ==, out.c);
  g_assert_cmpuint (r.out.h, ==, out.h);
  g_assert_cmpuint (r.out.w, ==, out.w);
  /* torch_ref.py params: the same counts and forward MFLOP per image */
  g_assert_cmpuint (r.params, ==, params);
  g_assert_cmpfloat_with_epsilon (2.0 * r.macs / 1e6, fwd_mflop, 0.0005);
}

static void
test_shapes (void)
{
  const char *const convae_bn[] = {
    CONV (32, 2, 1), BN, RELU, CONV (64, 2, 1), BN, RELU, CONV (128, 1, 1), BN, RELU,
    "{\"type\":\"flatten\"}", "{\"type\":\"dense\",\"units\":64}",
    "{\"type\":\"dense\",\"units\":6272}", "{\"type\":\"reshape\",\"shape\":[128,7,7]}",
    CONV (64, 1, 1), BN, RELU, CONVT (32), BN, RELU, CONVT (1), "{\"type\":\"sigmoid\"}", NULL
  };
  const char *const cae_tiny[] = {
    CONV (16, 1, 1), RELU, POOL, CONV (8, 1, 1), RELU, POOL,
    CONV (8, 1, 1), RELU, "{\"type\":\"maxpool2d\",\"pool\":2,\"ceil_mode\":true}",
    CONV (8, 1, 1), RELU, UP, CONV (8, 1, 1), RELU, UP,
    CONV (16, 1, "valid"), RELU, UP, CONV (1, 1, "same"), "{\"type\":\"sigmoid\"}", NULL
  };
  const char *const dae_keras32[] = {
    CONV (32, 1, "same"), RELU, POOL, CONV (64, 1, "same"), RELU, POOL,
    CONV (64, 1, "same"), RELU, UP, CONV (32, 1, "same"), RELU, UP,
    CONV (1, 1, "same"), "{\"type\":\"sigmoid\"}", NULL
  };
  const char *const strided_dae[] = {
    CONV (16, 2, 1), RELU, CONV (8, 2, 1), RELU, CONVT (8), RELU, CONVT (16), RELU,
    CONV (1, 1, 1), "{\"type\":\"sigmoid\"}", NULL
  };
  const char *const stacked[] = {
    "{\"type\":\"flatten\"}",
    "{\"type\":\"dense\",\"units\":512}", RELU, "{\"type\":\"dense\",\"units\":256}", RELU,
    "{\"type\":\"dense\",\"units\":128}", RELU, "{\"type\":\"dense\",\"units\":64}", RELU,
    "{\"type\":\"dense\",\"units\":128}", RELU, "{\"type\":\"dense\",\"units\":256}", RELU,
    "{\"type\":\"dense\",\"units\":512}", RELU, "{\"type\":\"dense\",\"units\":784}",
    "{\"type\":\"sigmoid\"}", "{\"type\":\"reshape\",\"shape\":[1,28,28]}", NULL
  };
  const char *const cae_tiny_encoder[] = {
    CONV (16, 1, 1), RELU, POOL, CONV (8, 1, 1), RELU, POOL, CONV (8, 1, 1), RELU,
    "{\"type\":\"maxpool2d\",\"pool\":2,\"ceil_mode\":true}", NULL
  };
  const char *const valid16[] = { CONV (16, 1, "valid"), NULL };
  g_autofree char *keras1 = lab_shape_to_keras ((LabShape) { 32, 28, 28 });
  g_autofree char *keras2 = lab_shape_to_keras ((LabShape) { 64, 1, 1 });
  ChainResult r;

  expect_chain (dae_keras32, (LabShape) { 1, 28, 28 }, 74497, 18.967);
  expect_chain (cae_tiny, (LabShape) { 1, 28, 28 }, 4385, 1.503);
  expect_chain (convae_bn, (LabShape) { 1, 28, 28 }, 995009, 19.895);
  expect_chain (strided_dae, (LabShape) { 1, 28, 28 }, 3217, 0.903);
  expect_chain (stacked, (LabShape) { 1, 28, 28 }, 1149520, 2.294);

  /* the pieces the brief names: 7 -> 4 (ceil), 16 -> 14 (valid), 7 -> 14 (convT) */
  r = chain ((LabShape) { 1, 28, 28 }, cae_tiny_encoder);
  g_assert_cmpuint (r.out.h, ==, 4);
  g_assert_cmpuint (r.out.w, ==, 4);
  r = chain ((LabShape) { 8, 16, 16 }, valid16);
  g_assert_cmpuint (r.out.h, ==, 14);
  {
    g_autoptr(LabLayer) t = layer_new (CONVT (32), (LabShape) { 64, 7, 7 });
    g_assert_cmpuint (t->out.h, ==, 14);
    g_assert_cmpuint (t->out.c, ==, 32);
    g_assert_cmpuint (t->n_params, ==, 64 * 32 * 9 + 32);
  }

  g_assert_cmpstr (keras1, ==, "(None, 28, 28, 32)");
  g_assert_cmpstr (keras2, ==, "(None, 64)");
}

static void
test_param_counts (void)
{
  g_autoptr(LabLayer) conv = layer_new (CONV (32, 1, "same"), (LabShape) { 1, 28, 28 });
  g_autoptr(LabLayer) dense = layer_new ("{\"type\":\"dense\",\"units\":512}", (LabShape) { 1, 28, 28 });

  g_assert_cmpuint (conv->n_params, ==, 320);
  g_assert_cmpuint (conv->n_tensors, ==, 2);
  g_assert_cmpstr (conv->tensors[0].name, ==, "weight");
  g_assert_cmpuint (conv->tensors[0].ndim, ==, 4);
  g_assert_cmpuint (conv->tensors[0].dims[0], ==, 32);
  g_assert_cmpuint (conv->tensors[0].dims[1], ==, 1);
  g_assert_cmpuint (conv->tensors[1].offset, ==, 288);
  g_assert_cmpuint (dense->n_params, ==, 401920);
  g_assert_cmpuint (dense->tensors[0].dims[0], ==, 512);
  g_assert_cmpuint (dense->tensors[0].dims[1], ==, 784);
}

/* Largest |value| of p[0..n). */
static double
max_abs (const float *p,
         gsize        n)
{
  double m = 0;

  for (gsize i = 0; i < n; i++)
    m = MAX (m, fabs (p[i]));
  return m;
}

static void
test_init (void)
{
  struct {
    const char *json;
    LabShape    in;
    gsize       n_weight;
    double      torch_bound, glorot_bound;
  } cases[] = {
    /* Conv2d 1->32: fan_in 9, fan_out 288 */
    { CONV (32, 1, 1), { 1, 28, 28 }, 288, 1 / 3.0, sqrt (6.0 / 297) },
    /* ConvTranspose2d 64->32: PyTorch's fan_in is weight.size(1)*9 = 288 */
    { CONVT (32), { 64, 7, 7 }, 64 * 32 * 9, 1 / sqrt (288.0), sqrt (6.0 / (288 + 576)) },
    { "{\"type\":\"dense\",\"units\":512}", { 784, 1, 1 }, 401408, 1 / 28.0, sqrt (6.0 / 1296) },
  };

  for (guint t = 0; t < G_N_ELEMENTS (cases); t++)
    {
      g_autoptr(LabLayer) layer = layer_new (cases[t].json, cases[t].in);
      g_autofree float *p = g_new0 (float, layer->n_params);
      gsize n_bias = layer->n_params - cases[t].n_weight;
      LabRng rng;

      lab_rng_init (&rng, 5);
      layer->klass->init (layer, p, NULL, LAB_INIT_TORCH, &rng);
      g_assert_cmpfloat (max_abs (p, cases[t].n_weight), <=, cases[t].torch_bound);
      g_assert_cmpfloat (max_abs (p, cases[t].n_weight), >, 0.95 * cases[t].torch_bound);
      g_assert_cmpfloat (max_abs (p + cases[t].n_weight, n_bias), <=, cases[t].torch_bound);
      g_assert_cmpfloat (max_abs (p + cases[t].n_weight, n_bias), >, 0.5 * cases[t].torch_bound);

      layer->klass->init (layer, p, NULL, LAB_INIT_GLOROT, &rng);
      g_assert_cmpfloat (max_abs (p, cases[t].n_weight), <=, cases[t].glorot_bound);
      g_assert_cmpfloat (max_abs (p, cases[t].n_weight), >, 0.95 * cases[t].glorot_bound);
      g_assert_cmpfloat (max_abs (p + cases[t].n_weight, n_bias), ==, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/layers/shapes", test_shapes);
  g_test_add_func ("/layers/param-counts", test_param_counts);
  g_test_add_func ("/layers/init", test_init);
  g_test_add_func ("/layers/dense/forward", test_dense_forward);
  g_test_add_func ("/layers/dense/gradients", test_dense_gradients);
  g_test_add_func ("/layers/conv2d/forward", test_conv2d_forward);
  g_test_add_func ("/layers/conv2d/gradients", test_conv2d_gradients);
  g_test_add_func ("/layers/conv-transpose2d/forward", test_conv_transpose2d_forward);
  g_test_add_func ("/layers/conv-transpose2d/gradients", test_conv_transpose2d_gradients);
  g_test_add_func ("/layers/conv/chunks", test_conv_chunks_agree);
  g_test_add_func ("/layers/conv2d/backward-naive", test_conv2d_backward_naive);
  g_test_add_func ("/layers/conv2d/gray-weight-grad", test_conv2d_gray_weight_grad);
  g_test_add_func ("/layers/maxpool2d", test_maxpool);
  g_test_add_func ("/layers/maxpool2d/ties", test_maxpool_ties);
  g_test_add_func ("/layers/maxpool2d/naive", test_maxpool_naive);
  g_test_add_func ("/layers/avgpool2d", test_avgpool);
  g_test_add_func ("/layers/upsample2d", test_upsample);
  g_test_add_func ("/layers/upsample2d/naive", test_upsample_naive);
  g_test_add_func ("/layers/relu/naive", test_relu_naive);
  g_test_add_func ("/layers/batchnorm/gradients", test_batchnorm_gradients);
  g_test_add_func ("/layers/batchnorm/statistics", test_batchnorm_statistics);
  g_test_add_func ("/layers/activations", test_activations);
  g_test_add_func ("/layers/reshapes", test_reshapes);
  g_test_add_func ("/layers/dropout", test_dropout);
  g_test_add_func ("/layers/vae-sample", test_vae_sample);
  g_test_add_func ("/layers/torch-fixtures", test_torch_fixtures);

  return g_test_run ();
}
