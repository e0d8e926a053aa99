#pragma once

/* Four-lane float math for the core's bulk loops outside the layers (the
 * normal generator, the BCE loss, Adam), as GCC's vector extension: SSE2
 * on x86-64, NEON on aarch64, plain lanes elsewhere. Loads and stores go
 * through memcpy, so any alignment is fine. Private to src/core. */

#include <glib.h>
#include <math.h>
#include <string.h>

#if defined(__SSE__)
# include <xmmintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
# include <arm_neon.h>
#endif

G_BEGIN_DECLS

typedef float   LabF4 __attribute__ ((vector_size (16)));
typedef gint32  LabI4 __attribute__ ((vector_size (16)));   /* also comparison masks */
typedef guint32 LabU4 __attribute__ ((vector_size (16)));

static inline LabF4
lab_f4 (float x)
{
  return (LabF4) { x, x, x, x };
}

static inline LabF4
lab_f4_load (const float *p)
{
  LabF4 v;

  memcpy (&v, p, sizeof v);
  return v;
}

static inline void
lab_f4_store (float *p,
              LabF4  v)
{
  memcpy (p, &v, sizeof v);
}

/* mask ? a : b, lane by lane */
static inline LabF4
lab_f4_select (LabI4 mask,
               LabF4 a,
               LabF4 b)
{
  return (LabF4) (((LabI4) a & mask) | ((LabI4) b & ~mask));
}

/* Correctly rounded, as sqrtf. */
static inline LabF4
lab_f4_sqrt (LabF4 x)
{
#if defined(__SSE__)
  return (LabF4) _mm_sqrt_ps ((__m128) x);
#elif defined(__ARM_NEON) && defined(__aarch64__)
  return vsqrtq_f32 (x);
#else
  return (LabF4) { sqrtf (x[0]), sqrtf (x[1]), sqrtf (x[2]), sqrtf (x[3]) };
#endif
}

/* ln x for positive normal x (from FLT_MIN up; anything else gives
 * garbage), as Cephes' logf: x = m 2^e with m in [sqrt(1/2), sqrt(2)),
 * ln m from a polynomial in m - 1; within about 1 ulp of logf. */
static inline LabF4
lab_f4_log (LabF4 x)
{
  LabI4 bits, small;
  LabF4 m, e, z, y;

  memcpy (&bits, &x, sizeof bits);
  e = __builtin_convertvector ((bits >> 23) - 126, LabF4);
  bits = (bits & 0x007fffff) | 0x3f000000;   /* m in [0.5, 1) */
  memcpy (&m, &bits, sizeof m);
  small = m < lab_f4 (0.707106781186547524f);
  /* below sqrt(1/2): 2m - 1 with e - 1, else m - 1 */
  e -= (LabF4) ((LabI4) lab_f4 (1.f) & small);
  m = m + (LabF4) ((LabI4) m & small) - lab_f4 (1.f);
  z = m * m;
  y = lab_f4 (7.0376836292e-2f);
  y = y * m - lab_f4 (1.1514610310e-1f);
  y = y * m + lab_f4 (1.1676998740e-1f);
  y = y * m - lab_f4 (1.2420140846e-1f);
  y = y * m + lab_f4 (1.4249322787e-1f);
  y = y * m - lab_f4 (1.6668057665e-1f);
  y = y * m + lab_f4 (2.0000714765e-1f);
  y = y * m - lab_f4 (2.4999993993e-1f);
  y = y * m + lab_f4 (3.3333331174e-1f);
  y = y * m * z;
  y += lab_f4 (-2.12194440e-4f) * e;
  y -= lab_f4 (0.5f) * z;
  return m + y + lab_f4 (0.693359375f) * e;
}

G_END_DECLS
