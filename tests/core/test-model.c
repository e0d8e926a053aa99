#include <math.h>
#include <string.h>

#include "lab-gradcheck.h"
#include "lab-model.h"
#include "lab-presets.h"
#include "lab-test-models.h"
#include "lab-test-system.h"

static void
fill_uniform (float  *x,
              gsize   n,
              guint64 seed)
{
  LabRng rng;

  lab_rng_init (&rng, seed);
  for (gsize i = 0; i < n; i++)
    x[i] = (float) lab_rng_uniform (&rng);
}

/* The counts PyTorch gives for torch_ref.py's models (`torch_ref.py params`)
 * and, for the presets it does not have, the sum of their layers:
 *   sr-ae        320 + 18,496 + 803,072 + 16,448 + 16,640 + 805,952 + 18,464 + 4,624 + 145
 *   cnn-baseline 160 + 1,160 + 39,300 + 1,010
 *   vae-conv     320 + 18,496 + 12,548 + 9,408 + 18,464 + 289      (latent 2)
 *   vae-conv16   320 + 18,496 + 100,384 + 53,312 + 18,464 + 289    (latent 16) */
static void
test_model_preset_counts (void)
{
  static const struct
  {
    const char *name;
    gsize       params;
    gsize       buffers;
    guint       layers;
    guint       encoder;
    LabShape    latent;
    LabShape    output;
    LabLossKind loss;
  } expected[] = {
    { "dae-keras32",  74497,   0,   14, 6,  { 64, 7, 7 },  { 1, 28, 28 }, LAB_LOSS_BCE },
    { "cae-tiny",     4385,    0,   20, 9,  { 8, 4, 4 },   { 1, 28, 28 }, LAB_LOSS_BCE },
    { "cae-keras16",  7265,    0,   14, 6,  { 16, 7, 7 },  { 1, 28, 28 }, LAB_LOSS_BCE },
    { "stacked",      1149520, 0,   18, 9,  { 64, 1, 1 },  { 1, 28, 28 }, LAB_LOSS_MSE },
    { "convae-bn",    995009,  640, 21, 11, { 64, 1, 1 },  { 1, 28, 28 }, LAB_LOSS_MSE },
    { "strided-dae",  3217,    0,   10, 4,  { 8, 7, 7 },   { 1, 28, 28 }, LAB_LOSS_MSE },
    { "sr-ae",        1684161, 0,   19, 8,  { 64, 1, 1 },  { 1, 28, 28 }, LAB_LOSS_MSE },
    { "cnn-baseline", 41630,   0,   9,  4,  { 8, 7, 7 },   { 10, 1, 1 },  LAB_LOSS_SOFTMAX_CE },
    { "vae-conv",     59525,   0,   14, 7,  { 2, 1, 1 },   { 1, 28, 28 }, LAB_LOSS_BCE },
    { "vae-conv16",   191265,  0,   14, 7,  { 16, 1, 1 },  { 1, 28, 28 }, LAB_LOSS_BCE },
  };
  const char * const *names = lab_presets_list ();

  g_assert_cmpuint (g_strv_length ((char **) names), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(LabModel) model = lab_test_new_preset (expected[i].name, 1);
      LabShape latent = lab_model_latent_shape (model);
      LabShape out = lab_model_output_shape (model);

      g_test_message ("%s: %" G_GSIZE_FORMAT " params", expected[i].name, lab_model_n_params (model));
      g_assert_cmpstr (names[i], ==, expected[i].name);
      g_assert_nonnull (lab_presets_describe (expected[i].name));
      g_assert_cmpuint (lab_model_n_params (model), ==, expected[i].params);
      g_assert_cmpuint (lab_model_n_buffers (model), ==, expected[i].buffers);
      g_assert_cmpuint (lab_model_n_layers (model), ==, expected[i].layers);
      g_assert_cmpuint (lab_model_encoder_layers (model), ==, expected[i].encoder);
      g_assert_cmpuint (latent.c, ==, expected[i].latent.c);
      g_assert_cmpuint (latent.h, ==, expected[i].latent.h);
      g_assert_cmpuint (latent.w, ==, expected[i].latent.w);
      g_assert_cmpuint (lab_shape_size (out), ==, lab_shape_size (expected[i].output));
      g_assert_cmpint (lab_model_get_loss (model), ==, expected[i].loss);
    }
  /* sr-ae takes the half-size image */
  {
    g_autoptr(LabModel) sr = lab_test_new_preset ("sr_ae", 1);
    g_assert_cmpuint (lab_model_input_shape (sr).h, ==, 14);
  }
}

/* Layer indices mirror torch_ref.py's nn.Sequential, so tensor names are
 * its state_dict keys; spot checks of PyTorch's layouts. */
static void
test_model_tensor_layout (void)
{
  g_autoptr(LabModel) stacked = lab_test_new_preset ("stacked", 1);
  g_autoptr(LabModel) convae = lab_test_new_preset ("convae-bn", 1);
  LabLayer *l;

  /* stacked[1] = Linear(784, 512): weight [512, 784]; stacked[0] = Flatten */
  l = lab_model_get_layer (stacked, 1);
  g_assert_cmpstr (l->klass->type, ==, "dense");
  g_assert_cmpstr (l->tensors[0].name, ==, "weight");
  g_assert_cmpuint (l->tensors[0].dims[0], ==, 512);
  g_assert_cmpuint (l->tensors[0].dims[1], ==, 784);
  g_assert_cmpstr (lab_model_get_layer (stacked, 0)->klass->type, ==, "flatten");
  g_assert_cmpstr (lab_model_get_layer (stacked, 17)->klass->type, ==, "reshape");

  /* convae_bn[14] = BatchNorm2d(64); [16] = ConvTranspose2d(64, 32): [in, out, kh, kw] */
  l = lab_model_get_layer (convae, 14);
  g_assert_cmpuint (l->n_tensors, ==, 4);
  g_assert_cmpstr (l->tensors[2].name, ==, "running_mean");
  g_assert_false (l->tensors[2].trainable);
  l = lab_model_get_layer (convae, 16);
  g_assert_cmpuint (l->tensors[0].dims[0], ==, 64);
  g_assert_cmpuint (l->tensors[0].dims[1], ==, 32);

  /* Offsets pack the layers back to back in the one flat array. */
  g_assert_cmpuint (lab_model_param_offset (convae, 0), ==, 0);
  g_assert_cmpuint (lab_model_param_offset (convae, 1), ==, 32 * 9 + 32);
  g_assert_cmpuint (lab_model_param_offset (convae, lab_model_n_layers (convae)), ==,
                    lab_model_n_params (convae));
}

/* decode(encode(x)) is forward(x) in inference, for every preset. */
static void
test_model_encode_decode_split (void)
{
  const char * const *names = lab_presets_list ();

  for (guint p = 0; names[p]; p++)
    {
      g_autoptr(LabModel) model = lab_test_new_preset (names[p], 3 + p);
      g_autoptr(GError) error = NULL;
      const guint n = 3;
      gsize in_size = lab_shape_size (lab_model_input_shape (model));
      gsize out_size = lab_shape_size (lab_model_output_shape (model));
      gsize latent_size = lab_shape_size (lab_model_latent_shape (model));
      g_autofree float *x = g_new (float, n * in_size);
      g_autofree float *forward = NULL, *latent = NULL;
      const float *y;
      double max_diff = 0, sum = 0;

      g_assert_true (lab_model_set_batch (model, n, &error));
      fill_uniform (x, n * in_size, 10 + p);
      forward = g_memdup2 (lab_model_forward (model, x, n, FALSE), n * out_size * sizeof (float));
      latent = g_memdup2 (lab_model_encode (model, x, n), n * latent_size * sizeof (float));
      /* The encoder's output is what forward computed at that layer. */
      g_assert_cmpmem (latent, n * latent_size * sizeof (float),
                       lab_model_layer_output (model, lab_model_encoder_layers (model) - 1),
                       n * latent_size * sizeof (float));
      y = lab_model_decode (model, latent, n);
      for (gsize i = 0; i < n * out_size; i++)
        {
          max_diff = MAX (max_diff, fabs (y[i] - forward[i]));
          sum += fabs (forward[i]);
        }
      g_test_message ("%s: max |decode(encode(x)) - forward(x)| = %g", names[p], max_diff);
      g_assert_cmpfloat (max_diff, ==, 0.0);
      g_assert_cmpfloat (sum, >, 0.0);
    }
}

/* A copy has its own weights and activations; copy_params_from syncs them. */
static void
test_model_copy_independent (void)
{
  g_autoptr(LabModel) model = lab_test_new_preset ("convae-bn", 1);
  g_autoptr(LabModel) copy = NULL;
  g_autoptr(GError) error = NULL;
  const guint n = 2;
  float x[2 * 784];
  g_autofree float *before = NULL;
  const float *y;

  for (gsize i = 0; i < lab_model_n_buffers (model); i++)
    lab_model_buffers (model)[i] = 0.5f + 0.01f * (float) (i % 7);
  copy = lab_model_copy (model, n);
  g_assert_cmpuint (lab_model_get_batch (copy), ==, n);
  g_assert_cmpmem (lab_model_params (copy), lab_model_n_params (copy) * 4,
                   lab_model_params (model), lab_model_n_params (model) * 4);
  g_assert_cmpmem (lab_model_buffers (copy), lab_model_n_buffers (copy) * 4,
                   lab_model_buffers (model), lab_model_n_buffers (model) * 4);
  g_assert_true (lab_model_params (copy) != lab_model_params (model));

  fill_uniform (x, G_N_ELEMENTS (x), 4);
  before = g_memdup2 (lab_model_forward (copy, x, n, FALSE), n * 784 * sizeof (float));

  /* Retrain the original (here: new weights and a training forward that
   * moves its running statistics): the copy must not notice. */
  lab_model_init (model, LAB_INIT_GLOROT, 99);
  g_assert_true (lab_model_set_batch (model, n, &error));
  lab_model_forward (model, x, n, TRUE);
  y = lab_model_forward (copy, x, n, FALSE);
  g_assert_cmpmem (y, n * 784 * sizeof (float), before, n * 784 * sizeof (float));

  g_assert_true (lab_model_copy_params_from (copy, model));
  g_assert_cmpmem (lab_model_forward (copy, x, n, FALSE), n * 784 * sizeof (float),
                   lab_model_forward (model, x, n, FALSE), n * 784 * sizeof (float));
  g_assert_cmpuint (lab_model_get_batches_tracked (copy), ==, 1);
}

static void
assert_spec_error (const char *json,
                   int         code,
                   const char *fragment1,
                   const char *fragment2)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_spec_new_from_string (json, -1, "spec.json", &error);
  g_autoptr(LabModel) model = NULL;

  if (spec != NULL)
    model = lab_model_new (spec, &error);
  g_assert_null (model);
  g_assert_error (error, LAB_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, fragment1));
  if (fragment2)
    g_assert_nonnull (strstr (error->message, fragment2));
}

/* The JSON of an architecture: input 1x28x28, then layers_json. */
static char *
spec_json (const char *layers_json)
{
  return g_strdup_printf ("{\"name\":\"hostile\",\"input\":[1,28,28],\"loss\":\"mse\","
                          "\"encoder_layers\":1,\"layers\":[%s]}", layers_json);
}

/* Specs that claim what no machine holds are refused with a message,
 * under an address-space limit of 64 MB more than the process maps, so
 * any allocation of what they claim would fail instead. */
static void
test_model_hostile_specs (void)
{
  g_autoptr(GString) million = g_string_new (NULL);
  g_autoptr(GString) many = g_string_new (NULL);
  g_autofree char *million_json = NULL, *many_json = NULL;
  g_autofree char *wide = spec_json ("{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":2147483648}");
  g_autofree char *widest = spec_json ("{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":16777216}");
  g_autofree char *deep = NULL;
  g_autoptr(GString) deep_layers = g_string_new ("{\"type\":\"flatten\"}");

  /* A million layers: 16 MB of JSON, refused before it is parsed. */
  for (guint i = 0; i < 1000000; i++)
    g_string_append (million, i ? ",{\"type\":\"relu\"}" : "{\"type\":\"relu\"}");
  million_json = spec_json (million->str);
  /* 257 layers: small JSON, refused for the count. */
  for (guint i = 0; i < 257; i++)
    g_string_append (many, i ? ",{\"type\":\"relu\"}" : "{\"type\":\"relu\"}");
  many_json = spec_json (many->str);
  /* 40 dense layers of 8192 units: 2.7 billion weights, more than a model
   * may hold (4 GB of floats), refused at the layer that passes it. */
  for (guint i = 0; i < 40; i++)
    g_string_append (deep_layers, ",{\"type\":\"dense\",\"units\":8192}");
  deep = spec_json (deep_layers->str);

  lab_test_limit_address_space (G_GUINT64_CONSTANT (64) << 20);
  assert_spec_error (million_json, LAB_ERROR_TOO_LARGE,
                     "spec.json: an architecture of 16,000,079 bytes is too large (at most 1 MB)", NULL);
  assert_spec_error (many_json, LAB_ERROR_FORMAT,
                     "spec.json: “layers” must be a list of 1 to 256 layer objects", NULL);
  assert_spec_error (wide, LAB_ERROR_INVALID,
                     "“hostile”, layer 1 (dense): Layer “dense”: “units” must be a whole number "
                     "from 1 to 16777216, not 2147483648", NULL);
  assert_spec_error (widest, LAB_ERROR_MISMATCH,
                     "“hostile”, layer 1 (dense) does not fit its input (None, 784): Layer "
                     "“dense” with 16777216 units is too large for an input of 784 values (784×1×1)", NULL);
  assert_spec_error (deep, LAB_ERROR_TOO_LARGE,
                     "“hostile” has too many parameters (layer 17, dense, alone has 67117056)", NULL);
  lab_test_restore_address_space ();
}


static void
test_model_bad_specs (void)
{
  /* The layer that does not fit is named with its index, type and input. */
  assert_spec_error ("{\"name\":\"broken\",\"input\":[1,28,28],\"loss\":\"mse\",\"encoder_layers\":2,"
                     "\"layers\":[{\"type\":\"conv2d\",\"filters\":8,\"kernel\":3,\"stride\":2,\"padding\":1},"
                     "{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":10},"
                     "{\"type\":\"reshape\",\"shape\":[1,28,28]}]}",
                     LAB_ERROR_MISMATCH, "“broken”, layer 3 (reshape) does not fit its input (None, 10)",
                     NULL);
  assert_spec_error ("{\"name\":\"tiny\",\"input\":[1,2,2],\"loss\":\"mse\",\"encoder_layers\":1,"
                     "\"layers\":[{\"type\":\"conv2d\",\"filters\":8,\"kernel\":3,\"stride\":1,\"padding\":0}]}",
                     LAB_ERROR_MISMATCH, "layer 0 (conv2d)", "(None, 2, 2, 1)");
  assert_spec_error ("{\"name\":\"typo\",\"input\":[1,28,28],\"loss\":\"mse\",\"encoder_layers\":1,"
                     "\"layers\":[{\"type\":\"relu\"},{\"type\":\"conv3d\"}]}",
                     LAB_ERROR_NOT_FOUND, "“typo”, layer 1 (conv3d)", "conv3d");
  assert_spec_error ("{\"name\":\"opt\",\"input\":[1,28,28],\"loss\":\"mse\",\"encoder_layers\":1,"
                     "\"layers\":[{\"type\":\"dense\",\"units\":0}]}",
                     LAB_ERROR_INVALID, "layer 0 (dense)", "units");
  /* Structure. */
  assert_spec_error ("{\"input\":[1,28],\"loss\":\"mse\",\"encoder_layers\":1,\"layers\":[{\"type\":\"relu\"}]}",
                     LAB_ERROR_FORMAT, "spec.json: “input” must be [channels, height, width]", NULL);
  assert_spec_error ("{\"input\":[1,28,28],\"loss\":\"l1\",\"encoder_layers\":1,\"layers\":[{\"type\":\"relu\"}]}",
                     LAB_ERROR_INVALID, "spec.json: Unknown loss “l1”", NULL);
  assert_spec_error ("{\"input\":[1,28,28],\"loss\":\"mse\",\"encoder_layers\":2,\"layers\":[{\"type\":\"relu\"}]}",
                     LAB_ERROR_FORMAT, "“encoder_layers” must be a whole number from 1 to 1", NULL);
  assert_spec_error ("{\"input\":[1,28,28],\"loss\":\"mse\",\"encoder_layers\":1,\"layers\":[{\"units\":3}]}",
                     LAB_ERROR_FORMAT, "layer 0 must be an object with a “type”", NULL);
  assert_spec_error ("{\"input\":[1,28,28],\"loss\":\"mse\",", LAB_ERROR_FORMAT,
                     "spec.json: not valid JSON", NULL);
  {
    g_autoptr(GError) error = NULL;
    g_assert_null (lab_presets_get ("dae-keras64", &error));
    g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "dae-keras32, cae-tiny"));
  }
}

static void
test_model_spec_round_trip (void)
{
  const char * const *names = lab_presets_list ();

  for (guint p = 0; names[p]; p++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabSpec) spec = lab_presets_get (names[p], &error);
      g_autofree char *text = lab_spec_to_string (spec, TRUE);
      g_autoptr(LabSpec) back = lab_spec_new_from_string (text, -1, NULL, &error);
      g_autofree char *again = NULL;

      g_assert_no_error (error);
      again = lab_spec_to_string (back, TRUE);
      g_assert_cmpstr (text, ==, again);
      g_assert_cmpstr (back->name, ==, names[p]);
      g_assert_cmpuint (back->encoder_layers, ==, spec->encoder_layers);
    }
}

/* Gradients of whole models (offsets, the ping-pong buffers, the fused
 * softmax, batch norm, the VAE's KL) against central differences. */
static void
test_model_gradients (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = lab_gradcheck_run_all (17, NULL, &error);
  guint n_models = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < results->len; i++)
    {
      LabGradcheckResult *r = g_ptr_array_index (results, i);

      g_test_message ("%-32s %-12s %.3g (%u checked, %u skipped)", r->name, r->metric,
                      r->error, r->n_checked, r->n_skipped);
      g_assert_cmpstr (r->message, ==, NULL);
      g_assert_true (r->passed);
      g_assert_cmpuint (r->n_checked, >, 10);
      if (g_str_has_prefix (r->name, "model "))
        {
          n_models++;
          g_assert_cmpuint (r->n_skipped, <, r->n_checked);
        }
    }
  g_assert_cmpuint (n_models, ==, 5);
}

static void
test_model_batch_too_large (void)
{
  g_autoptr(LabModel) model = lab_test_new_preset ("dae-keras32", 1);
  g_autoptr(GError) error = NULL;

  g_assert_false (lab_model_set_batch (model, 2000000000u, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "smaller batch"));
  g_assert_cmpuint (lab_model_get_batch (model), ==, 0);
}

/* strided-dae's encoder goes into cnn-baseline; frozen, it gets no gradients. */
static void
test_model_transfer_and_freeze (void)
{
  g_autoptr(LabModel) dae = lab_test_new_preset ("strided-dae", 1);
  g_autoptr(LabModel) cnn = lab_test_new_preset ("cnn-baseline", 2);
  g_autoptr(GError) error = NULL;
  float x[4 * 784], target[4 * 10] = { 0 };
  gsize frozen_end;
  double frozen_sum = 0, free_sum = 0;

  g_assert_true (lab_model_transfer_layers (cnn, dae, 4, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (lab_model_params (cnn), lab_model_param_offset (cnn, 4) * 4,
                   lab_model_params (dae), lab_model_param_offset (dae, 4) * 4);
  g_assert_false (lab_model_transfer_layers (cnn, dae, 5, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "layer 4"));

  lab_model_set_frozen_layers (cnn, 4);
  g_assert_true (lab_model_set_batch (cnn, 4, NULL));
  fill_uniform (x, G_N_ELEMENTS (x), 8);
  for (guint b = 0; b < 4; b++)
    target[b * 10 + b] = 1;
  lab_model_forward (cnn, x, 4, TRUE);
  lab_model_loss (cnn, target, 4);
  lab_model_zero_grad (cnn);
  lab_model_backward (cnn, 4);
  frozen_end = lab_model_param_offset (cnn, 4);
  for (gsize i = 0; i < lab_model_n_params (cnn); i++)
    {
      if (i < frozen_end)
        frozen_sum += fabs (lab_model_grads (cnn)[i]);
      else
        free_sum += fabs (lab_model_grads (cnn)[i]);
    }
  g_assert_cmpfloat (frozen_sum, ==, 0.0);
  g_assert_cmpfloat (free_sum, >, 0.0);
}

/* Backward differentiates the mode of the last forward: after an eval-mode
 * forward, Dropout is the identity both ways (a training-mode backward
 * would apply a mask the forward never drew: here all zeros). */
static void
test_model_backward_mode (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_spec_new_from_string (
    "{\"name\":\"drop\",\"input\":[3,1,1],\"loss\":\"mse\",\"encoder_layers\":1,"
    "\"layers\":[{\"type\":\"dense\",\"units\":2},{\"type\":\"dropout\",\"rate\":0.5}]}",
    -1, "drop.json", &error);
  g_autoptr(LabModel) model = NULL;
  const float x[2 * 3] = { 0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.75f };
  const float dout[2 * 2] = { 1.0f, -2.0f, 0.5f, 3.0f };
  const float *grads;

  g_assert_no_error (error);
  model = lab_model_new (spec, &error);
  g_assert_no_error (error);
  lab_model_init (model, LAB_INIT_TORCH, 5);
  g_assert_true (lab_model_set_batch (model, 2, &error));
  lab_model_forward (model, x, 2, FALSE);
  lab_model_zero_grad (model);
  lab_model_backward_from (model, dout, 2);
  grads = lab_model_grads (model);
  /* G_W[o][i] = Σ_b dout[b][o] x[b][i], G_b[o] = Σ_b dout[b][o] */
  for (guint o = 0; o < 2; o++)
    {
      for (guint i = 0; i < 3; i++)
        g_assert_cmpfloat_with_epsilon (grads[o * 3 + i],
                                        dout[o] * x[i] + dout[2 + o] * x[3 + i], 1e-6);
      g_assert_cmpfloat_with_epsilon (grads[6 + o], dout[o] + dout[2 + o], 1e-6);
    }
}

/* One step of forward, loss and backward with `threads` threads: the
 * output, the loss and the gradients. */
typedef struct
{
  float  *out;
  double  loss;
  float  *grads;
} Step;

static void
step_with_threads (const char *preset,
                   guint       threads,
                   guint       n,
                   Step       *step)
{
  g_autoptr(LabModel) model = lab_test_new_preset (preset, 3);
  g_autoptr(GError) error = NULL;
  gsize in = lab_shape_size (lab_model_input_shape (model));
  gsize out = lab_shape_size (lab_model_output_shape (model));
  g_autofree float *x = g_new (float, n * in);
  g_autofree float *target = g_new0 (float, n * out);

  fill_uniform (x, n * in, 11);
  if (lab_model_get_loss (model) == LAB_LOSS_SOFTMAX_CE)
    for (guint b = 0; b < n; b++)
      target[b * out + b % out] = 1.f;
  else
    fill_uniform (target, n * out, 12);
  g_assert_true (lab_model_set_threads (model, threads, &error));
  g_assert_true (lab_model_set_batch (model, n + 3, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lab_model_get_threads (model), ==, threads);
  step->out = g_memdup2 (lab_model_forward (model, x, n, TRUE), n * out * sizeof (float));
  step->loss = lab_model_loss (model, target, n);
  lab_model_zero_grad (model);
  lab_model_backward (model, n);
  step->grads = g_memdup2 (lab_model_grads (model), lab_model_n_params (model) * sizeof (float));
}

/* Data parallelism: per-sample stretches (dae-keras32, stacked), batch norm
 * in training (convae-bn), the VAE's KL (vae-conv) and the fused softmax
 * (cnn-baseline) give what one thread gives, up to the rounding of the
 * summed gradients, and the same bits on every run; a batch smaller than
 * the allocation and not divisible by the thread count splits too. */
static void
test_model_threads (void)
{
  const char *presets[] = { "dae-keras32", "stacked", "convae-bn", "vae-conv", "cnn-baseline" };

  for (guint p = 0; p < G_N_ELEMENTS (presets); p++)
    {
      g_autoptr(LabModel) model = lab_test_new_preset (presets[p], 3);
      gsize out = lab_shape_size (lab_model_output_shape (model));
      gsize n_params = lab_model_n_params (model);
      const guint n = 7;
      Step one, two, again, three;
      double norm = 0, diff = 0;

      step_with_threads (presets[p], 1, n, &one);
      step_with_threads (presets[p], 2, n, &two);
      step_with_threads (presets[p], 2, n, &again);
      step_with_threads (presets[p], 3, n, &three);

      g_assert_cmpmem (two.grads, n_params * 4, again.grads, n_params * 4);
      g_assert_cmpmem (two.out, n * out * 4, again.out, n * out * 4);
      g_assert_cmpfloat (two.loss, ==, again.loss);
      for (gsize i = 0; i < n * out; i++)
        {
          g_assert_cmpfloat_with_epsilon (two.out[i], one.out[i], 1e-5);
          g_assert_cmpfloat_with_epsilon (three.out[i], one.out[i], 1e-5);
        }
      g_assert_cmpfloat_with_epsilon (two.loss, one.loss, 1e-6 * fabs (one.loss));
      g_assert_cmpfloat_with_epsilon (three.loss, one.loss, 1e-6 * fabs (one.loss));
      for (gsize i = 0; i < n_params; i++)
        {
          norm += (double) one.grads[i] * one.grads[i];
          diff += ((double) two.grads[i] - one.grads[i]) * ((double) two.grads[i] - one.grads[i])
                  + ((double) three.grads[i] - one.grads[i]) * ((double) three.grads[i] - one.grads[i]);
        }
      g_test_message ("%s: gradient norm %.3g, difference across thread counts %.3g",
                      presets[p], sqrt (norm), sqrt (diff));
      g_assert_cmpfloat (norm, >, 0);
      g_assert_cmpfloat (sqrt (diff), <, 1e-5 * sqrt (norm));
      for (Step *s = &one; s != NULL; s = s == &one ? &two : s == &two ? &again
                                        : s == &again ? &three : NULL)
        {
          g_free (s->out);
          g_free (s->grads);
        }
    }
}

/* Backward runs element-wise layers that write din in place, G_x over
 * G_y, in the model's own buffers only: from the caller's G_y (backward_from,
 * into dae-keras32's sigmoid, on two threads) the caller's array is left
 * as it was, and the gradients are those of the same G_y coming from the
 * model's loss. */
static void
test_model_backward_from_caller (void)
{
  g_autoptr(LabModel) model = lab_test_new_preset ("dae-keras32", 4);
  g_autoptr(GError) error = NULL;
  const guint n = 5;
  const gsize size = 784, n_params = lab_model_n_params (model);
  g_autofree float *x = g_new (float, n * size), *target = g_new (float, n * size);
  g_autofree float *dout = g_new (float, n * size), *kept = NULL, *from_loss = NULL;
  double norm = 0;

  fill_uniform (x, n * size, 21);
  fill_uniform (target, n * size, 22);
  g_assert_true (lab_model_set_threads (model, 2, &error));
  g_assert_true (lab_model_set_batch (model, n, &error));
  g_assert_no_error (error);

  lab_model_forward (model, x, n, TRUE);
  lab_model_loss (model, target, n);
  lab_model_zero_grad (model);
  lab_model_backward (model, n);
  from_loss = g_memdup2 (lab_model_grads (model), n_params * sizeof (float));

  lab_loss_bce (lab_model_forward (model, x, n, TRUE), target, n * size, dout);
  kept = g_memdup2 (dout, n * size * sizeof (float));
  lab_model_zero_grad (model);
  lab_model_backward_from (model, dout, n);
  g_assert_cmpmem (dout, n * size * sizeof (float), kept, n * size * sizeof (float));
  for (gsize i = 0; i < n_params; i++)
    {
      g_assert_cmpfloat_with_epsilon (lab_model_grads (model)[i], from_loss[i],
                                      1e-6 + 1e-5 * fabsf (from_loss[i]));
      norm += from_loss[i] * from_loss[i];
    }
  g_assert_cmpfloat (norm, >, 0);
}

/* A layer that may write din (LAB_LAYER_WRITES_DIN) gives, writing over
 * garbage, what it gives adding to zeros: every path of conv2d (kn2row,
 * adjoint, col2im, direct) and the activations and upsampling. */
static void
test_model_din_write (void)
{
  static const struct
  {
    const char *json;
    LabShape    in;
  } cases[] = {
    { "{\"type\":\"conv2d\",\"filters\":2,\"kernel\":3,\"padding\":\"same\"}", { 5, 6, 6 } },
    { "{\"type\":\"conv2d\",\"filters\":3,\"kernel\":3,\"padding\":\"valid\"}", { 4, 6, 5 } },
    { "{\"type\":\"conv2d\",\"filters\":4,\"kernel\":3,\"padding\":\"same\"}", { 3, 7, 7 } },
    { "{\"type\":\"conv2d\",\"filters\":4,\"kernel\":3,\"stride\":2,\"padding\":1}", { 2, 8, 8 } },
    { "{\"type\":\"conv2d\",\"filters\":1,\"kernel\":3,\"padding\":\"valid\"}", { 2, 6, 5 } },
    { "{\"type\":\"relu\"}", { 3, 5, 5 } },
    { "{\"type\":\"leaky_relu\",\"slope\":0.1}", { 3, 5, 5 } },
    { "{\"type\":\"sigmoid\"}", { 3, 5, 5 } },
    { "{\"type\":\"tanh\"}", { 3, 5, 5 } },
    { "{\"type\":\"upsample2d\",\"scale\":2}", { 3, 5, 6 } },
  };
  const guint batch = 3;

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = json_from_string (cases[c].json, &error);
      g_autoptr(LabLayer) layer = NULL;
      g_autofree float *x = NULL, *y = NULL, *dy = NULL, *params = NULL, *scratch = NULL;
      g_autofree float *dparams = NULL, *added = NULL, *written = NULL;
      gsize in, out, n_scratch;
      LabRng rng;
      LabPass pass = { 0 };

      g_assert_no_error (error);
      layer = lab_layer_new_from_json (json_node_get_object (node), &error);
      g_assert_no_error (error);
      g_assert_true (lab_layer_setup (layer, cases[c].in, &error));
      g_assert_true (layer->klass->flags & LAB_LAYER_WRITES_DIN);
      in = batch * lab_shape_size (layer->in);
      out = batch * lab_shape_size (layer->out);
      n_scratch = layer->klass->scratch_floats (layer, batch);
      x = g_new (float, in);
      y = g_new (float, out);
      dy = g_new (float, out);
      params = g_new0 (float, layer->n_params + 1);
      dparams = g_new0 (float, layer->n_params + 1);
      scratch = g_new0 (float, n_scratch + 1);
      added = g_new0 (float, in);
      written = g_new (float, in);
      fill_uniform (x, in, 20 + c);
      fill_uniform (dy, out, 30 + c);
      for (gsize i = 0; i < in; i++)
        x[i] -= 0.5f;
      lab_rng_init (&rng, c);
      layer->klass->init (layer, params, NULL, LAB_INIT_TORCH, &rng);

      pass.batch = batch;
      pass.training = TRUE;
      pass.rng = &rng;
      pass.in = x;
      pass.out = y;
      pass.params = params;
      pass.dparams = dparams;
      pass.scratch = scratch;
      pass.dout = dy;
      layer->klass->forward (layer, &pass);
      pass.din = added;
      layer->klass->backward (layer, &pass);
      for (gsize i = 0; i < in; i++)
        written[i] = NAN;
      pass.din = written;
      pass.din_write = TRUE;
      layer->klass->backward (layer, &pass);
      for (gsize i = 0; i < in; i++)
        g_assert_cmpfloat (written[i], ==, added[i]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/preset-counts", test_model_preset_counts);
  g_test_add_func ("/model/tensor-layout", test_model_tensor_layout);
  g_test_add_func ("/model/encode-decode", test_model_encode_decode_split);
  g_test_add_func ("/model/copy", test_model_copy_independent);
  g_test_add_func ("/model/bad-specs", test_model_bad_specs);
  g_test_add_func ("/model/spec-round-trip", test_model_spec_round_trip);
  g_test_add_func ("/model/gradients", test_model_gradients);
  g_test_add_func ("/model/hostile-specs", test_model_hostile_specs);
  g_test_add_func ("/model/batch-too-large", test_model_batch_too_large);
  g_test_add_func ("/model/transfer-freeze", test_model_transfer_and_freeze);
  g_test_add_func ("/model/backward-mode", test_model_backward_mode);
  g_test_add_func ("/model/threads", test_model_threads);
  g_test_add_func ("/model/din-write", test_model_din_write);
  g_test_add_func ("/model/backward-from-caller", test_model_backward_from_caller);
  return g_test_run ();
}
