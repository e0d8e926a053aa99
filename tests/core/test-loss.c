#include <math.h>
#include <string.h>

#include "lab-gradcheck.h"
#include "lab-loss.h"
#include "lab-model.h"
#include "lab-optim.h"

static void
test_loss_mse_values (void)
{
  const float pred[] = { 0.1f, 0.5f, 0.9f, 0.0f };
  const float target[] = { 0.0f, 1.0f, 1.0f, 0.0f };
  float grad[4];
  /* (0.01 + 0.25 + 0.01 + 0) / 4 */
  double loss = lab_loss_mse (pred, target, 4, grad);

  g_assert_cmpfloat_with_epsilon (loss, 0.0675, 1e-7);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (grad[i], 2.0 * (pred[i] - target[i]) / 4, 1e-7);
  /* grad NULL: the same value, no write. */
  g_assert_cmpfloat_with_epsilon (lab_loss_mse (pred, target, 4, NULL), loss, 1e-12);
}

static void
test_loss_bce_values (void)
{
  const float pred[] = { 0.5f, 0.2f, 0.9f };
  const float target[] = { 1.0f, 0.0f, 0.75f };
  float grad[3];
  double want = -(log (0.5) + log (0.8) + (0.75 * log (0.9) + 0.25 * log (0.1))) / 3;
  double loss = lab_loss_bce (pred, target, 3, grad);

  g_assert_cmpfloat_with_epsilon (loss, want, 1e-6);
  for (int i = 0; i < 3; i++)
    {
      double p = pred[i], t = target[i];
      g_assert_cmpfloat_with_epsilon (grad[i], (p - t) / (p * (1 - p)) / 3, 1e-6);
    }
}

/* The four-at-a-time path (float, vector log) against the formula in
 * double, element by element (one element at a time is the scalar
 * tail), on predictions across (0, 1) including 0, 1, subnormals, values
 * next to 1 and the clamp at -100, and a NaN. */
static void
test_loss_bce_vector (void)
{
  static const float special[] = { 0.0f, 1.0f, 1e-45f, 1e-40f, 1.2e-38f, 1e-30f, 1e-12f,
                                   0.99999994f, 0.9999999f, 0.5f, 1e-44f, 3e-39f };
  const gsize n = 4000;
  g_autofree float *pred = g_new (float, n), *target = g_new (float, n), *grad = g_new (float, n);
  double want = 0;
  float one_grad;
  guint32 state = 1;

  for (gsize i = 0; i < n; i++)
    {
      state = state * 1664525u + 1013904223u;
      pred[i] = i < G_N_ELEMENTS (special) ? special[i] : (float) (state >> 8) * 0x1p-24f;
      target[i] = (float) ((i * 37) % 101) / 100.0f;
    }
  for (gsize i = 0; i < n; i++)
    {
      double p = pred[i], t = target[i];
      double lp = p > 0 ? MAX (log (p), -100.0) : -100.0;
      double lq = 1 - p > 0 ? MAX (log (1 - p), -100.0) : -100.0;

      /* each element alone: the scalar code in double */
      g_assert_cmpfloat_with_epsilon (lab_loss_bce (pred + i, target + i, 1, &one_grad),
                                      -(t * lp + (1 - t) * lq), 1e-9);
      want -= t * lp + (1 - t) * lq;
    }
  want /= n;
  g_assert_cmpfloat_with_epsilon (lab_loss_bce (pred, target, n, grad), want, 1e-6 * want);
  for (gsize i = 0; i < n; i++)
    {
      double p = pred[i], t = target[i];
      double g = (p - t) / MAX (p * (1 - p), 1e-12) / n;

      g_assert_cmpfloat_with_epsilon (grad[i], g, 1e-5 * fabs (g) + 1e-30);
    }

  /* NaN predicted: both clamped logs give -100 (a term of 100), as in the
   * scalar code */
  pred[1] = NAN;
  target[1] = 0.5f;
  g_assert_cmpfloat_with_epsilon (lab_loss_bce (pred + 1, target + 1, 1, NULL), 100.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_loss_bce (pred, target, 4, NULL),
                                  (lab_loss_bce (pred, target, 1, NULL) + 100.0
                                   + lab_loss_bce (pred + 2, target + 2, 1, NULL)
                                   + lab_loss_bce (pred + 3, target + 3, 1, NULL)) / 4, 1e-5);
}

/* A saturated sigmoid gives exactly 0 or 1: the loss must stay finite, as
 * PyTorch's does (each log clamped at -100). Expected values from
 * F.binary_cross_entropy([0, 1, 0, 1, 0.3], [1, 1, 0, 0, 0.6]) in torch 1.13. */
static void
test_loss_bce_safe_at_0_and_1 (void)
{
  const float pred[] = { 0.0f, 1.0f, 0.0f, 1.0f, 0.3f };
  const float target[] = { 1.0f, 1.0f, 0.0f, 0.0f, 0.6f };
  float grad[5];
  double loss = lab_loss_bce (pred, target, 5, grad);

  g_assert_cmpfloat_with_epsilon (loss, 40.173011779785156, 1e-5);
  g_assert_true (isfinite (grad[0]) && isfinite (grad[3]));
  g_assert_cmpfloat_with_epsilon (grad[0] / -1.9999999590e+11, 1.0, 1e-6);
  g_assert_cmpfloat (grad[1], ==, 0.0f);
  g_assert_cmpfloat (grad[2], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (grad[3] / 1.9999999590e+11, 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (grad[4], -2.8571429849e-01, 1e-6);
}

static void
test_loss_softmax_ce_values (void)
{
  /* Row 0: equal logits, CE = ln 3. Row 1: a huge logit must not overflow:
   * the right class at 1000 costs ~0, the wrong one 1000. */
  const float logits[] = { 0.0f, 0.0f, 0.0f, 1000.0f, 0.0f, -5.0f };
  const float target[] = { 0.0f, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f };
  const float wrong[] = { 0.0f, 1.0f, 0.0f, 0.0f, 1.0f, 0.0f };
  float grad[6];
  double loss = lab_loss_softmax_ce (logits, target, 2, 3, grad);

  g_assert_cmpfloat_with_epsilon (loss, log (3.0) / 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (grad[0], (1.0 / 3) / 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (grad[1], (1.0 / 3 - 1) / 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (grad[3], 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (grad[5], 0.0, 1e-6);

  loss = lab_loss_softmax_ce (logits, wrong, 2, 3, grad);
  g_assert_cmpfloat_with_epsilon (loss, (log (3.0) + 1000.0) / 2, 1e-4);
  g_assert_cmpfloat_with_epsilon (grad[3], 0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (grad[4], -0.5, 1e-6);
}

/* Every loss's gradient against central differences. */
static void
test_loss_gradients_numeric (void)
{
  const LabLossKind kinds[] = { LAB_LOSS_MSE, LAB_LOSS_BCE, LAB_LOSS_SOFTMAX_CE };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(LabGradcheckResult) r = lab_gradcheck_loss (kinds[k], 5, 7, 11 + k);

      g_test_message ("%s: error %.3g over %u elements", r->name, r->error, r->n_checked);
      g_assert_cmpuint (r->n_checked, ==, 35);
      g_assert_null (r->message);
      g_assert_true (r->passed);
      g_assert_cmpfloat (r->error, <, 1e-3);
    }
}

/* A classifier ending in softmax trained with softmax_ce takes the fused
 * gradient (p - t)/B at the logits and skips the softmax's backward. It must
 * equal the long way: dL/dp = -t / (B p) through the softmax layer. */
static void
test_loss_fused_softmax_matches_unfused (void)
{
  const char *json =
    "{\"name\":\"tiny-classifier\",\"input\":[6,1,1],\"loss\":\"softmax_ce\",\"encoder_layers\":1,"
    "\"layers\":[{\"type\":\"dense\",\"units\":4},{\"type\":\"softmax\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_spec_new_from_string (json, -1, NULL, &error);
  g_autoptr(LabModel) model = NULL;
  const guint B = 3;
  float x[3 * 6], target[3 * 4] = { 0 }, dprob[3 * 4];
  g_autofree float *fused = NULL;
  const float *prob;
  double loss, want = 0, gnorm = 0;
  LabRng rng;

  g_assert_no_error (error);
  model = lab_model_new (spec, &error);
  g_assert_no_error (error);
  lab_model_init (model, LAB_INIT_TORCH, 3);
  g_assert_true (lab_model_set_batch (model, B, &error));
  lab_rng_init (&rng, 5);
  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = (float) (2 * lab_rng_uniform (&rng) - 1);
  target[0 * 4 + 1] = target[1 * 4 + 3] = target[2 * 4 + 0] = 1;

  prob = lab_model_forward (model, x, B, TRUE);
  loss = lab_model_loss (model, target, B);
  for (guint b = 0; b < B; b++)
    for (guint k = 0; k < 4; k++)
      if (target[b * 4 + k] > 0)
        want -= log (prob[b * 4 + k]) / B;
  g_assert_cmpfloat_with_epsilon (loss, want, 1e-5);
  lab_model_zero_grad (model);
  lab_model_backward (model, B);
  fused = g_memdup2 (lab_model_grads (model), lab_model_n_params (model) * sizeof (float));

  for (guint i = 0; i < B * 4; i++)
    dprob[i] = -target[i] / (B * prob[i]);
  lab_model_zero_grad (model);
  lab_model_backward_from (model, dprob, B);
  for (gsize i = 0; i < lab_model_n_params (model); i++)
    {
      g_assert_cmpfloat_with_epsilon (fused[i], lab_model_grads (model)[i], 1e-5);
      gnorm += fused[i] * fused[i];
    }
  g_assert_cmpfloat (gnorm, >, 1e-4);
}

static void
test_loss_metrics (void)
{
  const float pred[] = { 0.5f, 0.5f, 0.0f, 1.0f };
  const float target[] = { 0.6f, 0.4f, 0.0f, 1.0f };
  double mse[2], bce[2];

  lab_loss_per_image (pred, target, 2, 2, mse, bce);
  g_assert_cmpfloat_with_epsilon (mse[0], 0.01, 1e-7);
  g_assert_cmpfloat_with_epsilon (mse[1], 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (bce[0], log (2.0), 1e-6);
  g_assert_cmpfloat_with_epsilon (bce[1], 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lab_psnr (0.01), 20.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_psnr (1e-4), 40.0, 1e-9);
  g_assert_cmpfloat (lab_psnr (0.0), ==, 100.0);
}

static void
test_loss_names (void)
{
  g_autoptr(GError) error = NULL;
  LabLossKind kind;

  g_assert_true (lab_loss_from_name ("bce", &kind, &error));
  g_assert_cmpint (kind, ==, LAB_LOSS_BCE);
  g_assert_cmpstr (lab_loss_name (LAB_LOSS_SOFTMAX_CE), ==, "softmax_ce");
  g_assert_false (lab_loss_from_name ("l1", &kind, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "l1"));
}

/* Three steps on p = [0.5, -1, 2] with gradients g1..g3; expected values
 * from torch.optim in torch 1.13 (see the comment in each case). */
static void
run_optim (const LabOptimConfig *config,
           float                *p)
{
  const float g[3][3] = { { 0.1f, -0.2f, 0.3f }, { -0.05f, 0.4f, 0.0f }, { 0.2f, 0.2f, -1.0f } };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabOptim) optim = lab_optim_new (config, 3, &error);

  g_assert_no_error (error);
  p[0] = 0.5f;
  p[1] = -1.0f;
  p[2] = 2.0f;
  for (int s = 0; s < 3; s++)
    {
      float grad[3] = { g[s][0], g[s][1], g[s][2] };
      lab_optim_step (optim, p, grad, -1);
    }
  g_assert_cmpuint (lab_optim_get_steps (optim), ==, 3);
}

static void
test_optim_matches_torch (void)
{
  LabOptimConfig c;
  float p[3];

  /* torch.optim.Adam([p], lr=1e-3) */
  lab_optim_config_init (&c, LAB_OPTIM_ADAM);
  run_optim (&c, p);
  g_assert_cmpfloat_with_epsilon (p[0], 0.498075545, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[1], -0.999885321, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[2], 1.99879313, 1e-6);

  /* torch.optim.Adam([p], lr=1e-2, weight_decay=0.1) */
  c.lr = 1e-2;
  c.weight_decay = 0.1;
  run_optim (&c, p);
  g_assert_cmpfloat_with_epsilon (p[0], 0.475223541, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[1], -0.99242866, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[2], 1.982463, 1e-6);

  /* torch.optim.SGD([p], lr=0.1, momentum=0.9) */
  lab_optim_config_init (&c, LAB_OPTIM_SGD);
  c.lr = 0.1;
  run_optim (&c, p);
  g_assert_cmpfloat_with_epsilon (p[0], 0.462399989, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[1], -1.04180002, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[2], 2.01870012, 1e-6);

  /* torch.optim.SGD([p], lr=0.1) */
  c.momentum = 0;
  run_optim (&c, p);
  g_assert_cmpfloat_with_epsilon (p[0], 0.474999994, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[1], -1.03999996, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[2], 2.06999993, 1e-6);
}

/* The first Adam step moves every weight by lr against its gradient's sign
 * (m^ = g, v^ = g^2), whatever the gradient's size. */
static void
test_optim_adam_first_step (void)
{
  LabOptimConfig c;
  g_autoptr(LabOptim) optim = NULL;
  float p[3] = { 1.0f, 1.0f, 1.0f };
  float g[3] = { 1e-3f, -50.0f, 0.0f };

  lab_optim_config_init (&c, LAB_OPTIM_ADAM);
  optim = lab_optim_new (&c, 3, NULL);
  lab_optim_step (optim, p, g, -1);
  g_assert_cmpfloat_with_epsilon (p[0], 1.0 - 1e-3 * (1e-3 / (1e-3 + 1e-8)), 1e-6);
  g_assert_cmpfloat_with_epsilon (p[1], 1.0 + 1e-3, 1e-6);
  g_assert_cmpfloat (p[2], ==, 1.0f);
}

static void
test_optim_clipping (void)
{
  LabOptimConfig c;
  g_autoptr(LabOptim) optim = NULL;
  float p[2] = { 0, 0 };
  float g[2] = { 3.0f, 4.0f };   /* norm 5 */

  lab_optim_config_init (&c, LAB_OPTIM_SGD);
  c.lr = 1.0;
  c.momentum = 0;
  c.clip_norm = 1.0;
  optim = lab_optim_new (&c, 2, NULL);
  g_assert_cmpfloat_with_epsilon (lab_optim_grad_norm (optim, g), 5.0, 1e-9);
  lab_optim_step (optim, p, g, -1);
  g_assert_cmpfloat_with_epsilon (p[0], -0.6, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[1], -0.8, 1e-6);

  g[0] = NAN;
  g_assert_true (isnan (lab_optim_grad_norm (optim, g)));
}

static void
test_optim_finite_check (void)
{
  float x[37];

  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = (float) i - 18.0f;
  x[3] = 3.4e38f;        /* large but finite */
  x[4] = 1e-45f;         /* denormal */
  x[5] = -0.0f;
  g_assert_true (lab_floats_finite (x, G_N_ELEMENTS (x)));
  g_assert_true (lab_floats_finite (x, 0));
  x[36] = NAN;
  g_assert_false (lab_floats_finite (x, G_N_ELEMENTS (x)));
  g_assert_true (lab_floats_finite (x, 36));
  x[36] = -INFINITY;
  g_assert_false (lab_floats_finite (x, G_N_ELEMENTS (x)));
  x[36] = 0;
  x[0] = INFINITY;
  g_assert_false (lab_floats_finite (x, G_N_ELEMENTS (x)));
  /* every lane of the four-at-a-time loop */
  x[0] = 0;
  for (guint i = 17; i < 21; i++)
    {
      x[i] = NAN;
      g_assert_false (lab_floats_finite (x, G_N_ELEMENTS (x)));
      x[i] = 0;
    }
  g_assert_true (lab_floats_finite (x, G_N_ELEMENTS (x)));
}

/* Adam's four-at-a-time loop gives the bits of torch.optim.Adam's formula
 * in float, evaluated one value at a time in the same order; with weight
 * decay (the one-at-a-time loop) too. */
static void
test_optim_adam_bits (void)
{
  const gsize n = 1003;

  for (int decay = 0; decay < 2; decay++)
    {
      LabOptimConfig c;
      g_autoptr(LabOptim) optim = NULL;
      g_autofree float *p = g_new (float, n), *g = g_new (float, n), *want = g_new (float, n);
      g_autofree float *m = g_new0 (float, n), *v = g_new0 (float, n);
      guint32 state = 7;

      lab_optim_config_init (&c, LAB_OPTIM_ADAM);
      c.weight_decay = decay ? 0.01 : 0;
      optim = lab_optim_new (&c, n, NULL);
      for (gsize i = 0; i < n; i++)
        p[i] = want[i] = (float) i / n - 0.5f;
      for (int step = 1; step <= 3; step++)
        {
          const float b1 = 0.9f, b2 = 0.999f, one_b1 = (float) (1.0 - 0.9), one_b2 = (float) (1.0 - 0.999);
          const float step_size = (float) (1e-3 / (1.0 - pow (0.9, step)));
          const float bc2_sqrt = (float) sqrt (1.0 - pow (0.999, step));
          const float wd = (float) c.weight_decay;

          for (gsize i = 0; i < n; i++)
            {
              state = state * 1664525u + 1013904223u;
              g[i] = ((float) (state >> 8) * 0x1p-24f - 0.5f) * (i % 3 == 0 ? 1e-6f : 1.0f);
            }
          for (gsize i = 0; i < n; i++)
            {
              float gi = wd != 0 ? g[i] + wd * want[i] : g[i];

              m[i] = m[i] * b1 + one_b1 * gi;
              v[i] = v[i] * b2 + one_b2 * gi * gi;
              want[i] -= step_size * (m[i] / (sqrtf (v[i]) / bc2_sqrt + 1e-8f));
            }
          lab_optim_step (optim, p, g, -1);
          g_assert_cmpmem (p, n * sizeof (float), want, n * sizeof (float));
        }
    }
}

/* A parameter group: the first group_size parameters step exactly as an
 * optimizer of their own at group_lr, the rest as one at lr (Adam and SGD
 * with momentum, three steps); the first Adam step moves each by its rate. */
static void
test_optim_group_lr (void)
{
  const gsize n = 11, k = 5;

  for (int kind = 0; kind < 2; kind++)
    {
      LabOptimConfig c, c_head, c_group;
      g_autoptr(LabOptim) both = NULL, head = NULL, group = NULL;
      float p[11], q[11], g[11];

      lab_optim_config_init (&c, kind ? LAB_OPTIM_SGD : LAB_OPTIM_ADAM);
      c.weight_decay = 0.01;
      c_head = c_group = c;
      c.group_size = k;
      c.group_lr = c.lr / 10;
      c_group.lr = c.group_lr;
      both = lab_optim_new (&c, n, NULL);
      group = lab_optim_new (&c_group, k, NULL);
      head = lab_optim_new (&c_head, n - k, NULL);
      for (gsize i = 0; i < n; i++)
        p[i] = q[i] = 0.1f * i - 0.4f;
      for (int step = 1; step <= 3; step++)
        {
          float h[11];

          for (gsize i = 0; i < n; i++)
            g[i] = h[i] = (i % 2 ? 1.0f : -0.5f) * (step + i);
          lab_optim_step (both, p, g, -1);
          lab_optim_step (group, q, h, -1);
          lab_optim_step (head, q + k, h + k, -1);
          if (step == 1 && kind == 0)
            for (gsize i = 0; i < n; i++)
              g_assert_cmpfloat_with_epsilon (fabs (p[i] - (0.1f * i - 0.4f)),
                                              i < k ? 1e-4 : 1e-3, 1e-7);
        }
      g_assert_cmpmem (p, sizeof p, q, sizeof q);
    }
}

static void
test_optim_rejects_bad_config (void)
{
  g_autoptr(GError) error = NULL;
  LabOptimConfig c;

  lab_optim_config_init (&c, LAB_OPTIM_ADAM);
  c.lr = -1;
  g_assert_null (lab_optim_new (&c, 10, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);
  c.lr = 1e-3;
  c.group_size = 4;
  c.group_lr = 0;
  g_assert_null (lab_optim_new (&c, 10, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/loss/mse", test_loss_mse_values);
  g_test_add_func ("/loss/bce", test_loss_bce_values);
  g_test_add_func ("/loss/bce-safe", test_loss_bce_safe_at_0_and_1);
  g_test_add_func ("/loss/bce-vector", test_loss_bce_vector);
  g_test_add_func ("/loss/softmax-ce", test_loss_softmax_ce_values);
  g_test_add_func ("/loss/gradients", test_loss_gradients_numeric);
  g_test_add_func ("/loss/fused-softmax", test_loss_fused_softmax_matches_unfused);
  g_test_add_func ("/loss/metrics", test_loss_metrics);
  g_test_add_func ("/loss/names", test_loss_names);
  g_test_add_func ("/optim/torch", test_optim_matches_torch);
  g_test_add_func ("/optim/adam-first-step", test_optim_adam_first_step);
  g_test_add_func ("/optim/clipping", test_optim_clipping);
  g_test_add_func ("/optim/finite", test_optim_finite_check);
  g_test_add_func ("/optim/adam-bits", test_optim_adam_bits);
  g_test_add_func ("/optim/group-lr", test_optim_group_lr);
  g_test_add_func ("/optim/bad-config", test_optim_rejects_bad_config);
  return g_test_run ();
}
