#include <math.h>
#include <string.h>

#include "lab-noise.h"

#define H 28
#define W 28
#define N 64

static float *
gray_batch (float value)
{
  float *x = g_new (float, N * H * W);

  for (gsize i = 0; i < N * H * W; i++)
    x[i] = value;
  return x;
}

static void
test_noise_gaussian_std (void)
{
  LabNoise noise = { LAB_NOISE_GAUSSIAN, 0.1f };
  g_autofree float *x = gray_batch (0.5f);
  double sum = 0, sum2 = 0;
  gsize count = N * H * W;
  LabRng rng;

  /* At 0.5 +- 0.1 clipping to [0,1] needs 5 sigma: negligible. */
  lab_rng_init (&rng, 11);
  lab_noise_apply (&noise, x, N, H, W, &rng);
  for (gsize i = 0; i < count; i++)
    {
      double d = x[i] - 0.5;

      g_assert_cmpfloat (x[i], >=, 0.0f);
      g_assert_cmpfloat (x[i], <=, 1.0f);
      sum += d;
      sum2 += d * d;
    }
  g_assert_cmpfloat_with_epsilon (sum / count, 0.0, 0.003);
  g_assert_cmpfloat_with_epsilon (sqrt (sum2 / count - (sum / count) * (sum / count)), 0.1, 0.003);
}

static void
test_noise_gaussian_clips (void)
{
  LabNoise noise = { LAB_NOISE_GAUSSIAN, 1.0f };
  g_autofree float *x = gray_batch (0.0f);
  guint zeros = 0;
  LabRng rng;

  lab_rng_init (&rng, 5);
  lab_noise_apply (&noise, x, N, H, W, &rng);
  for (gsize i = 0; i < N * H * W; i++)
    {
      g_assert_cmpfloat (x[i], >=, 0.0f);
      g_assert_cmpfloat (x[i], <=, 1.0f);
      zeros += x[i] == 0.0f;
    }
  /* Half the draws are negative and clip to exactly 0. */
  g_assert_cmpfloat_with_epsilon ((double) zeros / (N * H * W), 0.5, 0.02);
}

static void
test_noise_deterministic (void)
{
  const LabNoiseType types[] = { LAB_NOISE_GAUSSIAN, LAB_NOISE_SALT_PEPPER, LAB_NOISE_MASK };

  for (gsize t = 0; t < G_N_ELEMENTS (types); t++)
    {
      LabNoise noise = { types[t], 0.3f };
      g_autofree float *a = gray_batch (0.4f);
      g_autofree float *b = gray_batch (0.4f);
      g_autofree float *c = gray_batch (0.4f);
      LabRng ra, rb, rc;

      lab_rng_init (&ra, 1234);
      lab_rng_init (&rb, 1234);
      lab_rng_init (&rc, 1235);
      lab_noise_apply (&noise, a, N, H, W, &ra);
      lab_noise_apply (&noise, b, N, H, W, &rb);
      lab_noise_apply (&noise, c, N, H, W, &rc);
      g_assert_cmpmem (a, N * H * W * sizeof (float), b, N * H * W * sizeof (float));
      g_assert_true (memcmp (a, c, N * H * W * sizeof (float)) != 0);
    }
}

static void
test_noise_salt_pepper (void)
{
  LabNoise noise = { LAB_NOISE_SALT_PEPPER, 0.2f };
  g_autofree float *x = gray_batch (0.5f);
  guint salt = 0, pepper = 0, kept = 0;
  gsize count = N * H * W;
  LabRng rng;

  lab_rng_init (&rng, 3);
  lab_noise_apply (&noise, x, N, H, W, &rng);
  for (gsize i = 0; i < count; i++)
    {
      if (x[i] == 1.0f)
        salt++;
      else if (x[i] == 0.0f)
        pepper++;
      else
        {
          g_assert_cmpfloat (x[i], ==, 0.5f);
          kept++;
        }
    }
  /* 50,176 pixels: the standard error of a 0.1 fraction is 0.0013. */
  g_assert_cmpfloat_with_epsilon ((double) salt / count, 0.1, 0.01);
  g_assert_cmpfloat_with_epsilon ((double) pepper / count, 0.1, 0.01);
  g_assert_cmpfloat_with_epsilon ((double) kept / count, 0.8, 0.01);
}

static void
test_noise_mask (void)
{
  LabNoise noise = { LAB_NOISE_MASK, 0.3f };
  g_autofree float *x = gray_batch (0.75f);
  guint zeros = 0;
  gsize count = N * H * W;
  LabRng rng;

  lab_rng_init (&rng, 9);
  lab_noise_apply (&noise, x, N, H, W, &rng);
  for (gsize i = 0; i < count; i++)
    {
      g_assert_true (x[i] == 0.0f || x[i] == 0.75f);
      zeros += x[i] == 0.0f;
    }
  g_assert_cmpfloat_with_epsilon ((double) zeros / count, 0.3, 0.01);

  /* Amount 0 and "none" leave the batch alone. */
  {
    LabNoise off = { LAB_NOISE_MASK, 0.0f };
    LabNoise none = { LAB_NOISE_NONE, 0.0f };
    g_autofree float *y = gray_batch (0.25f);
    g_autofree float *z = gray_batch (0.25f);

    lab_noise_apply (&off, y, N, H, W, &rng);
    lab_noise_apply (&none, y, N, H, W, &rng);
    g_assert_cmpmem (y, count * sizeof (float), z, count * sizeof (float));
  }
}

/* Every output pixel equals the mean of its 2x2 block of the input (a
 * smaller block at an odd edge), computed here independently. */
static void
check_downsample (guint h, guint w)
{
  LabNoise noise = { LAB_NOISE_DOWNSAMPLE, 0.0f };
  const guint n = 3;
  g_autofree float *clean = g_new (float, n * h * w);
  g_autofree float *x = g_new (float, n * h * w);
  LabRng rng;

  lab_rng_init (&rng, 17);
  for (gsize i = 0; i < (gsize) n * h * w; i++)
    clean[i] = (float) lab_rng_uniform (&rng);
  memcpy (x, clean, (gsize) n * h * w * sizeof (float));
  lab_noise_apply (&noise, x, n, h, w, &rng);

  for (guint k = 0; k < n; k++)
    for (guint y = 0; y < h; y++)
      for (guint xx = 0; xx < w; xx++)
        {
          const float *img = clean + (gsize) k * h * w;
          guint y0 = y / 2 * 2, x0 = xx / 2 * 2;
          double sum = 0;
          guint cnt = 0;

          for (guint yy = y0; yy < MIN (y0 + 2, h); yy++)
            for (guint x1 = x0; x1 < MIN (x0 + 2, w); x1++)
              {
                sum += img[yy * w + x1];
                cnt++;
              }
          g_assert_cmpfloat_with_epsilon (x[(gsize) k * h * w + y * w + xx], sum / cnt, 1e-6);
        }
}

static void
test_noise_downsample (void)
{
  float tiny[4] = { 0.0f, 1.0f, 0.5f, 0.5f };
  LabNoise noise = { LAB_NOISE_DOWNSAMPLE, 0.0f };

  lab_noise_apply (&noise, tiny, 1, 2, 2, NULL);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (tiny[i], 0.5, 1e-7);

  check_downsample (28, 28);
  check_downsample (5, 7);
  check_downsample (1, 3);
}

static void
test_noise_parse (void)
{
  const struct { const char *text; LabNoiseType type; float amount; const char *back; } good[] = {
    { "gaussian:0.5", LAB_NOISE_GAUSSIAN, 0.5f, "gaussian:0.5" },
    { "salt-pepper:0.1", LAB_NOISE_SALT_PEPPER, 0.1f, "salt-pepper:0.1" },
    { "mask:0.3", LAB_NOISE_MASK, 0.3f, "mask:0.3" },
    { "downsample", LAB_NOISE_DOWNSAMPLE, 0.0f, "downsample" },
    { "none", LAB_NOISE_NONE, 0.0f, "none" },
    { " Gaussian : 1 ", LAB_NOISE_GAUSSIAN, 1.0f, "gaussian:1" },
    { "mask:0", LAB_NOISE_MASK, 0.0f, "mask:0" },
  };
  const char *bad[] = {
    "", "blur:0.5", "gaussian", "gaussian:", "gaussian:abc", "gaussian:1.5",
    "gaussian:-0.1", "mask:0.3x", "downsample:2", "none:0.1", "gaussian:nan",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      LabNoise noise = { LAB_NOISE_MASK, 0.7f };
      LabNoise again = { 0 };

      g_assert_true (lab_noise_parse (good[i].text, &noise, &error));
      g_assert_no_error (error);
      g_assert_cmpint (noise.type, ==, good[i].type);
      g_assert_cmpfloat (noise.amount, ==, good[i].amount);
      text = lab_noise_to_string (&noise);
      g_assert_cmpstr (text, ==, good[i].back);
      g_assert_true (lab_noise_parse (text, &again, NULL));
      g_assert_cmpint (again.type, ==, noise.type);
      g_assert_cmpfloat (again.amount, ==, noise.amount);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      LabNoise noise = { LAB_NOISE_MASK, 0.7f };

      g_assert_false (lab_noise_parse (bad[i], &noise, &error));
      g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
      g_assert_true (strstr (error->message, bad[i]) != NULL);
      /* A failed parse leaves the noise untouched. */
      g_assert_cmpint (noise.type, ==, LAB_NOISE_MASK);
      g_assert_cmpfloat (noise.amount, ==, 0.7f);
    }

  g_assert_cmpstr (lab_noise_type_name (LAB_NOISE_SALT_PEPPER), ==, "salt-pepper");
  g_assert_cmpstr (lab_noise_type_name (LAB_NOISE_DOWNSAMPLE), ==, "downsample");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/noise/gaussian-std", test_noise_gaussian_std);
  g_test_add_func ("/noise/gaussian-clips", test_noise_gaussian_clips);
  g_test_add_func ("/noise/deterministic", test_noise_deterministic);
  g_test_add_func ("/noise/salt-pepper", test_noise_salt_pepper);
  g_test_add_func ("/noise/mask", test_noise_mask);
  g_test_add_func ("/noise/downsample", test_noise_downsample);
  g_test_add_func ("/noise/parse", test_noise_parse);
  return g_test_run ();
}
