#define G_LOG_DOMAIN "latentlab-core"

#include "lab-rng.h"
#include "lab-vmath-private.h"

#include <math.h>
#include <string.h>

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

/* The step itself, inlined into the block generator below. */
static inline guint64
next (LabRng *rng)
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

guint64
lab_rng_next (LabRng *rng)
{
  return next (rng);
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

/* 8 normals from 4 draws: the top 24 bits of each give the radius
 * sqrt(-2 ln u), u in (0, 1], the low 32 the angle 2π a / 2^32. The angle
 * goes to the nearest quarter turn k and a remainder x in [-π/4, π/4],
 * where Cephes' sinf and cosf polynomials are accurate to about 1 ulp;
 * k then swaps and negates them. out[0..4) = r sin, out[4..8) = r cos. */
static inline void
normals8 (LabRng *rng,
          float  *out)
{
  /* four named draws, not an array: its 8-byte stores read back as
   * 16-byte vectors would stall store forwarding */
  const guint64 d0 = next (rng), d1 = next (rng), d2 = next (rng), d3 = next (rng);
  LabU4 a, k;
  LabV4 u, r, x, z, s, c, sn, cs;
  LabV4i swap;

  a = (LabU4) { (guint32) d0, (guint32) d1, (guint32) d2, (guint32) d3 };
  u = __builtin_convertvector ((LabV4i) { (gint32) (d0 >> 40), (gint32) (d1 >> 40),
                                         (gint32) (d2 >> 40), (gint32) (d3 >> 40) } + 1,
                               LabV4) * lab_v4_splat (0x1p-24f);
  r = lab_v4_sqrt (lab_v4_splat (-2.f) * lab_v4_log (u));

  k = (a + 0x20000000u) >> 30;
  x = __builtin_convertvector ((LabV4i) (a - (k << 30)), LabV4)
      * lab_v4_splat ((float) (2 * G_PI / 4294967296.0));
  z = x * x;
  s = ((lab_v4_splat (-1.9515295891e-4f) * z + lab_v4_splat (8.3321608736e-3f)) * z
       - lab_v4_splat (1.6666654611e-1f)) * z * x + x;
  c = ((lab_v4_splat (2.443315711809948e-5f) * z - lab_v4_splat (1.388731625493765e-3f)) * z
       + lab_v4_splat (4.166664568298827e-2f)) * z * z - lab_v4_splat (0.5f) * z + lab_v4_splat (1.f);
  /* sin(kπ/2 + x), cos(kπ/2 + x) for k = 0..3:
   * (s, c), (c, -s), (-s, -c), (-c, s) */
  swap = (k & 1) != 0;
  sn = lab_v4_select (swap, c, s);
  cs = lab_v4_select (swap, s, c);
  sn = (LabV4) ((LabV4i) sn ^ (LabV4i) ((k & 2) << 30));
  cs = (LabV4) ((LabV4i) cs ^ (LabV4i) (((k + 1) & 2) << 30));
  lab_v4_store (out, sn * r);
  lab_v4_store (out + 4, cs * r);
}

void
lab_rng_normals (LabRng *rng,
                 float  *out,
                 gsize   n)
{
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    normals8 (rng, out + i);
  if (i < n)
    {
      float last[8];

      normals8 (rng, last);
      memcpy (out + i, last, (n - i) * sizeof (float));
    }
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
