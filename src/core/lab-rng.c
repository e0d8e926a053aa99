#define G_LOG_DOMAIN "latentlab-core"

#include "lab-rng.h"

#include <math.h>

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void
lab_rng_init (LabRng  *rng,
              guint64  seed)
{
  guint64 x = seed;

  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
  rng->has_spare = FALSE;
  rng->spare = 0;
}

void
lab_rng_split (LabRng *rng,
               LabRng *child)
{
  lab_rng_init (child, lab_rng_next (rng) ^ G_GUINT64_CONSTANT (0x6a09e667f3bcc909));
}

guint64
lab_rng_next (LabRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);

  return result;
}

double
lab_rng_uniform (LabRng *rng)
{
  /* 53 high bits into the mantissa of a double in [0, 1). */
  return (lab_rng_next (rng) >> 11) * 0x1.0p-53;
}

guint32
lab_rng_below (LabRng  *rng,
               guint32  n)
{
  /* Lemire's multiply-and-reject: unbiased without a division per call. */
  guint64 m = (guint64) (guint32) (lab_rng_next (rng) >> 32) * n;
  guint32 low = (guint32) m;

  if (low < n)
    {
      guint32 threshold = -n % n;
      while (low < threshold)
        {
          m = (guint64) (guint32) (lab_rng_next (rng) >> 32) * n;
          low = (guint32) m;
        }
    }
  return (guint32) (m >> 32);
}

double
lab_rng_normal (LabRng *rng)
{
  double u, v, s;

  if (rng->has_spare)
    {
      rng->has_spare = FALSE;
      return rng->spare;
    }

  /* Marsaglia's polar method: no trigonometry, exact N(0,1). */
  do
    {
      u = 2.0 * lab_rng_uniform (rng) - 1.0;
      v = 2.0 * lab_rng_uniform (rng) - 1.0;
      s = u * u + v * v;
    }
  while (s >= 1.0 || s == 0.0);

  s = sqrt (-2.0 * log (s) / s);
  rng->spare = v * s;
  rng->has_spare = TRUE;
  return u * s;
}

void
lab_rng_shuffle (LabRng *rng,
                 guint  *v,
                 gsize   n)
{
  for (gsize i = n; i > 1; i--)
    {
      gsize j = lab_rng_below (rng, (guint32) i);
      guint t = v[i - 1];
      v[i - 1] = v[j];
      v[j] = t;
    }
}
