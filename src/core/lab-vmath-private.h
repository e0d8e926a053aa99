#pragma once

/* Four- and eight-lane float math for the core's bulk loops (the layers,
 * the normal generator, the BCE loss, Adam, t-SNE), as GCC's vector
 * extension: SSE2 on x86-64, NEON on aarch64, plain lanes elsewhere. Loads
 * and stores go through memcpy, so any alignment is fine. Private to
 * src/core. */

#include <glib.h>
#include <math.h>
#include <string.h>

#if defined(__SSE__)
# include <xmmintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
# include <arm_neon.h>
#endif

G_BEGIN_DECLS

/* Four floats as one SSE (or NEON) value, for the loops GCC would not
 * vectorise at -O2 (variable trip counts). Loads and stores go through
 * memcpy, so any alignment is fine. */
typedef float LabV4 __attribute__ ((vector_size (16)));
/* Comparisons of LabV4 give a LabV4i mask: all ones where true. */
typedef gint32 LabV4i __attribute__ ((vector_size (16)));

static inline LabV4
lab_v4_load (const float *p)
{
  LabV4 v;

  memcpy (&v, p, sizeof v);
  return v;
}

static inline void
lab_v4_store (float *p,
              LabV4  v)
{
  memcpy (p, &v, sizeof v);
}

static inline LabV4
lab_v4_splat (float x)
{
  return (LabV4) { x, x, x, x };
}

/* mask ? a : b, lane by lane */
static inline LabV4
lab_v4_select (LabV4i mask,
               LabV4  a,
               LabV4  b)
{
  return (LabV4) (((LabV4i) a & mask) | ((LabV4i) b & ~mask));
}

/* Lanes of two vectors by index (0-3 from a, 4-7 from b). */
#if defined(__clang__)
# define LAB_V4_SHUFFLE(a, b, i0, i1, i2, i3) __builtin_shufflevector (a, b, i0, i1, i2, i3)
#else
# define LAB_V4_SHUFFLE(a, b, i0, i1, i2, i3) __builtin_shuffle (a, b, (LabV4i) { i0, i1, i2, i3 })
#endif

typedef guint32 LabU4 __attribute__ ((vector_size (16)));

/* Eight floats: two SSE registers by default, one AVX register in the
 * builds LAB_SIMD_CLONES adds. Macros, not functions: passing a 32-byte
 * vector by value changes the calling convention between the builds
 * (-Wpsabi). */
typedef float  LabV8  __attribute__ ((vector_size (32)));
typedef gint32 LabV8i __attribute__ ((vector_size (32)));

#define LAB_V8_SPLAT(x) ((LabV8) { (x), (x), (x), (x), (x), (x), (x), (x) })
#define LAB_V8_LOAD(v, p) memcpy (&(v), (p), sizeof (LabV8))
#define LAB_V8_STORE(p, v) memcpy ((p), &(v), sizeof (LabV8))

/* A hot loop's function compiled three times, for AVX-512 (x86-64-v4:
 * F, BW, CD, DQ, VL), for AVX2 + FMA (x86-64-v3) and for the baseline, the
 * one to use picked at load time from the CPU's features. The v4 clone
 * keeps the 8-float vectors but has 32 registers and masked tails: t-SNE's
 * Barnes-Hut at 10,000 points takes 10% less CPU with it (4.44 -> 4.00 s
 * on a Zen 4, three runs each), training the same (convae-bn, same losses
 * and speed). Not under
 * ThreadSanitizer: it instruments the clones' ifunc resolver, which runs
 * while the program is being relocated, before TSan is set up (SIGSEGV). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) \
    && !defined(__SANITIZE_THREAD__)
# define LAB_SIMD_CLONES __attribute__ ((target_clones ("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
# define LAB_SIMD_CLONES
#endif

/* Natural log of *x >= FLT_MIN in place, 8 lanes: Cephes' logf (mantissa
 * in [sqrt(1/2), sqrt(2)), then a degree-9 polynomial), relative error
 * ~1e-7. By pointer, as the other LabV8 helpers. */
static inline void
lab_v8_log (LabV8 *x)
{
  LabV8i bits = (LabV8i) *x;
  LabV8i e = ((bits >> 23) & 0xff) - 127;
  LabV8 m = (LabV8) ((bits & 0x007fffff) | 0x3f800000);   /* [1, 2) */
  LabV8i big = m > 1.41421356f;                          /* -1 where true */
  LabV8 f, z, y, fe;

  m = (LabV8) (((LabV8i) (m * 0.5f) & big) | ((LabV8i) m & ~big));
  e -= big;
  f = m - 1.0f;
  z = f * f;
  y = 7.0376836292e-2f * f - 1.1514610310e-1f;
  y = y * f + 1.1676998740e-1f;
  y = y * f - 1.2420140846e-1f;
  y = y * f + 1.4249322787e-1f;
  y = y * f - 1.6668057665e-1f;
  y = y * f + 2.0000714765e-1f;
  y = y * f - 2.4999993993e-1f;
  y = y * f + 3.3333331174e-1f;
  y = y * f * z;
  fe = __builtin_convertvector (e, LabV8);
  y += -2.12194440e-4f * fe;
  y += -0.5f * z;
  *x = f + y + 0.693359375f * fe;
}

/* e^*x in place, 8 lanes, for *x in [-87, 88] (clamped there): Cephes'
 * expf (x = n ln 2 + r, |r| <= ln 2 / 2, a degree-5 polynomial in r, 2^n
 * from the exponent bits), relative error ~2e-7. */
static inline void
lab_v8_exp (LabV8 *x)
{
  LabV8 v = *x, lo = LAB_V8_SPLAT (-87.0f), hi = LAB_V8_SPLAT (88.0f), n, r, y;
  LabV8i below = v < lo, above = v > hi, bits;

  v = (LabV8) (((LabV8i) v & ~(below | above)) | ((LabV8i) lo & below) | ((LabV8i) hi & above));
  /* round to nearest through the float format: |v log2 e| < 2^22 */
  n = (v * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  r = v - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  y = 1.9875691500e-4f * r + 1.3981999507e-3f;
  y = y * r + 8.3334519073e-3f;
  y = y * r + 4.1665795894e-2f;
  y = y * r + 1.6666665459e-1f;
  y = y * r + 5.0000001201e-1f;
  y = y * (r * r) + r + 1.0f;
  bits = (__builtin_convertvector (n, LabV8i) + 127) << 23;
  *x = y * (LabV8) bits;
}

/* Correctly rounded, as sqrtf. */
static inline LabV4
lab_v4_sqrt (LabV4 x)
{
#if defined(__SSE__)
  return (LabV4) _mm_sqrt_ps ((__m128) x);
#elif defined(__ARM_NEON) && defined(__aarch64__)
  return vsqrtq_f32 (x);
#else
  return (LabV4) { sqrtf (x[0]), sqrtf (x[1]), sqrtf (x[2]), sqrtf (x[3]) };
#endif
}

/* ln x for positive normal x (from FLT_MIN up; anything else gives
 * garbage), as Cephes' logf: x = m 2^e with m in [sqrt(1/2), sqrt(2)),
 * ln m from a polynomial in m - 1; within about 1 ulp of logf. */
static inline LabV4
lab_v4_log (LabV4 x)
{
  LabV4i bits, small;
  LabV4 m, e, z, y;

  memcpy (&bits, &x, sizeof bits);
  e = __builtin_convertvector ((bits >> 23) - 126, LabV4);
  bits = (bits & 0x007fffff) | 0x3f000000;   /* m in [0.5, 1) */
  memcpy (&m, &bits, sizeof m);
  small = m < lab_v4_splat (0.707106781186547524f);
  /* below sqrt(1/2): 2m - 1 with e - 1, else m - 1 */
  e -= (LabV4) ((LabV4i) lab_v4_splat (1.f) & small);
  m = m + (LabV4) ((LabV4i) m & small) - lab_v4_splat (1.f);
  z = m * m;
  y = lab_v4_splat (7.0376836292e-2f);
  y = y * m - lab_v4_splat (1.1514610310e-1f);
  y = y * m + lab_v4_splat (1.1676998740e-1f);
  y = y * m - lab_v4_splat (1.2420140846e-1f);
  y = y * m + lab_v4_splat (1.4249322787e-1f);
  y = y * m - lab_v4_splat (1.6668057665e-1f);
  y = y * m + lab_v4_splat (2.0000714765e-1f);
  y = y * m - lab_v4_splat (2.4999993993e-1f);
  y = y * m + lab_v4_splat (3.3333331174e-1f);
  y = y * m * z;
  y += lab_v4_splat (-2.12194440e-4f) * e;
  y -= lab_v4_splat (0.5f) * z;
  return m + y + lab_v4_splat (0.693359375f) * e;
}

G_END_DECLS
