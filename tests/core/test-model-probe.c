/* A look inside a model (lab-model-probe.h): every layer's output for one
 * image, the first layer's weights as pictures, and the layers' weight and
 * gradient norms, against the model's own forward and hand-computed values. */

#include <math.h>
#include <string.h>

#include "lab-model-probe.h"
#include "lab-presets.h"
#include "lab-test-models.h"

/* For each preset: one output per layer with the layer's shape, the last
 * equal to lab_model_forward's bit for bit, and an in-place ReLU's input
 * kept as the convolution wrote it (negative values the ReLU clips). */
static void
test_probe_presets (void)
{
  static const char *names[] = { "cae-tiny", "stacked", "convae-bn", "vae-conv", "dae-keras32" };

  for (guint p = 0; p < G_N_ELEMENTS (names); p++)
    {
      g_autoptr(LabModel) model = lab_test_new_preset (names[p], 3);
      g_autoptr(LabModel) twin = lab_model_copy (model, 1);
      g_autoptr(LabProbe) probe = NULL;
      g_autoptr(GError) error = NULL;
      gsize in_size = lab_shape_size (lab_model_input_shape (model));
      gsize out_size = lab_shape_size (lab_model_output_shape (model));
      g_autofree float *x = g_new (float, in_size);
      const float *y;
      guint clipped_layers = 0;

      lab_test_fill_uniform (x, in_size, 17 + p);
      /* Without a batch, the probe allocates one. */
      g_assert_cmpuint (lab_model_get_batch (model), ==, 0);
      probe = lab_model_probe (model, x, &error);
      g_assert_no_error (error);
      g_assert_nonnull (probe);
      g_assert_cmpuint (probe->n_layers, ==, lab_model_n_layers (model));
      for (guint i = 0; i < probe->n_layers; i++)
        {
          LabShape s = lab_model_get_layer (model, i)->out;

          g_assert_cmpuint (probe->layers[i].shape.c, ==, s.c);
          g_assert_cmpuint (probe->layers[i].shape.h, ==, s.h);
          g_assert_cmpuint (probe->layers[i].shape.w, ==, s.w);
          for (gsize k = 0; k < lab_shape_size (s); k++)
            g_assert_true (isfinite (probe->layers[i].values[k]));
        }

      y = lab_model_forward (twin, x, 1, FALSE);
      g_assert_cmpmem (probe->layers[probe->n_layers - 1].values, out_size * sizeof (float),
                       y, out_size * sizeof (float));

      /* relu(previous) == this, and the previous kept its negatives. */
      for (guint i = 1; i < probe->n_layers; i++)
        {
          const LabProbeLayer *a = &probe->layers[i - 1], *b = &probe->layers[i];
          gsize n = lab_shape_size (b->shape);
          guint negative = 0;

          if (strcmp (lab_model_get_layer (model, i)->klass->type, "relu") != 0)
            continue;
          g_assert_cmpuint (lab_shape_size (a->shape), ==, n);
          for (gsize k = 0; k < n; k++)
            {
              g_assert_cmpfloat (b->values[k], ==, MAX (a->values[k], 0.0f));
              negative += a->values[k] < 0;
            }
          clipped_layers += negative > 0;
        }
      g_assert_cmpuint (clipped_layers, >, 0);

      /* Again with the batch the model now has: the same numbers. */
      {
        g_autoptr(LabProbe) again = lab_model_probe (model, x, &error);

        g_assert_no_error (error);
        for (guint i = 0; i < probe->n_layers; i++)
          g_assert_cmpmem (again->layers[i].values, lab_shape_size (again->layers[i].shape) * sizeof (float),
                           probe->layers[i].values, lab_shape_size (probe->layers[i].shape) * sizeof (float));
      }
    }
}

/* 2x2 image -> dense 3 -> relu -> dense 4 -> reshape: every value by hand. */
static const char tiny[] =
  "{\"name\":\"tiny\",\"input\":[1,2,2],\"loss\":\"mse\",\"encoder_layers\":3,\"layers\":["
  "{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":3},{\"type\":\"relu\"},"
  "{\"type\":\"dense\",\"units\":4},{\"type\":\"reshape\",\"shape\":[1,2,2]}]}";

static LabModel *
tiny_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_spec_new_from_string (tiny, -1, NULL, &error);
  LabModel *model;
  float *p;

  g_assert_no_error (error);
  model = lab_model_new (spec, &error);
  g_assert_no_error (error);
  /* dense 1: W (3, 4), b (3); dense 2: W (4, 3), b (4) = 31 parameters */
  g_assert_cmpuint (lab_model_n_params (model), ==, 31);
  p = lab_model_params (model);
  for (guint i = 0; i < 31; i++)
    p[i] = (float) ((int) (i % 7) - 3) * 0.25f;   /* -0.75 .. 0.75 */
  return model;
}

static void
test_probe_tiny_values (void)
{
  g_autoptr(LabModel) model = tiny_model ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LabProbe) probe = NULL;
  const float x[4] = { 0.1f, 0.5f, 0.9f, 0.3f };
  const float *p = lab_model_params (model);
  double h[3], o[4];

  probe = lab_model_probe (model, x, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (probe->n_layers, ==, 5);
  g_assert_cmpuint (probe->layers[1].shape.c, ==, 3);
  g_assert_cmpuint (probe->layers[1].shape.h, ==, 1);
  g_assert_cmpuint (probe->layers[4].shape.c, ==, 1);
  g_assert_cmpuint (probe->layers[4].shape.h, ==, 2);
  g_assert_cmpuint (probe->layers[4].shape.w, ==, 2);
  for (guint k = 0; k < 4; k++)
    g_assert_cmpfloat (probe->layers[0].values[k], ==, x[k]);
  for (guint j = 0; j < 3; j++)
    {
      h[j] = p[12 + j];
      for (guint k = 0; k < 4; k++)
        h[j] += (double) p[j * 4 + k] * x[k];
      g_assert_cmpfloat_with_epsilon (probe->layers[1].values[j], h[j], 1e-6);
      g_assert_cmpfloat_with_epsilon (probe->layers[2].values[j], MAX (h[j], 0), 1e-6);
    }
  /* Something for the ReLU to clip, and something it lets through. */
  g_assert_cmpfloat (MIN (MIN (h[0], h[1]), h[2]), <, 0);
  g_assert_cmpfloat (MAX (MAX (h[0], h[1]), h[2]), >, 0);
  for (guint j = 0; j < 4; j++)
    {
      o[j] = p[15 + 12 + j];
      for (guint k = 0; k < 3; k++)
        o[j] += (double) p[15 + j * 3 + k] * MAX (h[k], 0);
      g_assert_cmpfloat_with_epsilon (probe->layers[3].values[j], o[j], 1e-6);
      g_assert_cmpfloat (probe->layers[4].values[j], ==, probe->layers[3].values[j]);
    }
}

static double
norm2 (const float *v,
       gsize        n)
{
  double s = 0;

  for (gsize i = 0; i < n; i++)
    s += (double) v[i] * v[i];
  return sqrt (s);
}

/* Norms: the parameters' by hand; the gradients' after a backward, from the
 * model's gradient array; 0 for layers without parameters. */
static void
test_probe_norms (void)
{
  g_autoptr(LabModel) model = tiny_model ();
  g_autoptr(GError) error = NULL;
  const float x[4] = { 0.1f, 0.5f, 0.9f, 0.3f }, target[4] = { 0, 1, 1, 0 };
  float pn[5], gn[5];
  const float *g;
  double sum = 0;

  /* By hand: the first dense layer's 15 values are (i % 7 - 3) / 4 for i
   * in 0..14, squares 9,4,1,0,1,4,9 (28) twice and 9 once: 65 / 16. */
  lab_model_layer_norms (model, pn, NULL);
  g_assert_cmpfloat_with_epsilon (pn[1], sqrt (65.0 / 16), 1e-6);
  for (guint i = 15; i < 31; i++)
    {
      double v = ((int) (i % 7) - 3) * 0.25;

      sum += v * v;
    }
  g_assert_cmpfloat_with_epsilon (pn[3], sqrt (sum), 1e-6);
  g_assert_cmpfloat (pn[0], ==, 0);
  g_assert_cmpfloat (pn[2], ==, 0);
  g_assert_cmpfloat (pn[4], ==, 0);

  g_assert_true (lab_model_set_batch (model, 1, &error));
  lab_model_forward (model, x, 1, TRUE);
  lab_model_loss (model, target, 1);
  lab_model_zero_grad (model);
  lab_model_backward (model, 1);
  lab_model_layer_norms (model, NULL, gn);
  g = lab_model_grads (model);
  g_assert_cmpfloat (gn[1], >, 0);
  g_assert_cmpfloat (gn[3], >, 0);
  g_assert_cmpfloat_with_epsilon (gn[1], norm2 (g, 15), 1e-6);
  g_assert_cmpfloat_with_epsilon (gn[3], norm2 (g + 15, 16), 1e-6);
  g_assert_cmpfloat (gn[0], ==, 0);
  g_assert_cmpfloat (gn[4], ==, 0);

  /* A big layer: snrm2 against the double sum. */
  {
    g_autoptr(LabModel) big = lab_test_new_preset ("stacked", 9);
    g_autofree float *norms = g_new (float, lab_model_n_layers (big));

    lab_model_layer_norms (big, norms, NULL);
    for (guint i = 0; i < lab_model_n_layers (big); i++)
      {
        gsize off = lab_model_param_offset (big, i), n = lab_model_param_offset (big, i + 1) - off;
        double expect = norm2 (lab_model_params (big) + off, n);

        g_assert_cmpfloat (fabs (norms[i] - expect), <=, 1e-5 * MAX (expect, 1));
        g_assert_cmpint (n > 0, ==, norms[i] > 0);
      }
  }
}

/* The first layer's weights as pictures. */
static void
test_probe_filters (void)
{
  LabFilterTiles tiles;

  {
    g_autoptr(LabModel) model = lab_test_new_preset ("cae-tiny", 1);

    g_assert_true (lab_model_first_filters (model, &tiles));
    g_assert_cmpuint (tiles.layer, ==, 0);
    g_assert_cmpuint (tiles.n, ==, 16);
    g_assert_cmpuint (tiles.height, ==, 3);
    g_assert_cmpuint (tiles.width, ==, 3);
    /* Conv2d's weight comes first in its parameters: [16, 1, 3, 3]. */
    g_assert_true (tiles.weights == lab_model_params (model));
  }
  {
    g_autoptr(LabModel) model = lab_test_new_preset ("stacked", 1);

    /* Flatten, then Dense 784 -> 512: 512 tiles of 28 x 28. */
    g_assert_true (lab_model_first_filters (model, &tiles));
    g_assert_cmpuint (tiles.layer, ==, 1);
    g_assert_cmpuint (tiles.n, ==, 512);
    g_assert_cmpuint (tiles.height, ==, 28);
    g_assert_cmpuint (tiles.width, ==, 28);
    g_assert_true (tiles.weights == lab_model_params (model));
  }
  {
    /* The tiny model's 2 x 2 input: rows of its first dense layer. */
    g_autoptr(LabModel) model = tiny_model ();

    g_assert_true (lab_model_first_filters (model, &tiles));
    g_assert_cmpuint (tiles.n, ==, 3);
    g_assert_cmpuint (tiles.height, ==, 2);
    g_assert_cmpfloat (tiles.weights[5], ==, lab_model_params (model)[5]);
  }
  {
    /* Batch norm first: its weights are no pictures. */
    g_autoptr(GError) error = NULL;
    g_autoptr(LabSpec) spec = lab_spec_new_from_string (
      "{\"name\":\"bn-first\",\"input\":[1,28,28],\"loss\":\"mse\",\"encoder_layers\":1,\"layers\":["
      "{\"type\":\"batchnorm2d\"},{\"type\":\"conv2d\",\"filters\":1,\"kernel\":3,\"padding\":1}]}",
      -1, NULL, &error);
    g_autoptr(LabModel) model = NULL;

    g_assert_no_error (error);
    model = lab_model_new (spec, &error);
    g_assert_no_error (error);
    g_assert_false (lab_model_first_filters (model, &tiles));
    g_assert_cmpuint (tiles.n, ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/probe/presets", test_probe_presets);
  g_test_add_func ("/probe/tiny-values", test_probe_tiny_values);
  g_test_add_func ("/probe/norms", test_probe_norms);
  g_test_add_func ("/probe/filters", test_probe_filters);
  return g_test_run ();
}
