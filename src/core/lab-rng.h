#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* xoshiro256** seeded through splitmix64. Every source of randomness in the
 * core takes one of these explicitly, so a seed reproduces a run exactly.
 * Not thread-safe: one generator per thread (see lab_rng_split). */
typedef struct
{
  guint64  s[4];
  gboolean has_spare;   /* Box-Muller makes normals in pairs */
  double   spare;
} LabRng;

void    lab_rng_init     (LabRng  *rng,
                          guint64  seed);
/* A new independent stream derived from this one (for worker threads). */
void    lab_rng_split    (LabRng  *rng,
                          LabRng  *child);
guint64 lab_rng_next     (LabRng  *rng);
/* Uniform in [0, 1). */
double  lab_rng_uniform  (LabRng  *rng);
/* Uniform integer in [0, n); n > 0. Unbiased. */
guint32 lab_rng_below    (LabRng  *rng,
                          guint32  n);
/* Standard normal N(0, 1). */
double  lab_rng_normal   (LabRng  *rng);
/* n standard normals into out, in float: Box-Muller four pairs at a time
 * with vector log, sine and cosine, about ten times faster than n calls
 * of lab_rng_normal, for noise over whole images. Each block of 8 values
 * takes 4 draws, so a call for n values advances the stream by
 * 4 * ceil(n / 8) draws; the spare of lab_rng_normal is left alone.
 * The radius comes from 24 random bits: |value| < 5.8 (a tail the double
 * lab_rng_normal would reach once in 10^8 values). */
void    lab_rng_normals  (LabRng  *rng,
                          float   *out,
                          gsize    n);
/* Fisher-Yates shuffle of v[0..n). */
void    lab_rng_shuffle  (LabRng  *rng,
                          guint   *v,
                          gsize    n);

G_END_DECLS
