#define G_LOG_DOMAIN "latentlab-core"

#include "lab-palette.h"

#include <math.h>
#include <stdio.h>

static const guint32 tableau10[10] = {
  0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f,
  0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac,
};

/* For a projector: darker, fully saturated colours that stay apart on a
 * washed-out screen (after Okabe and Ito's and Tableau's), drawn opaque. */
static const guint32 high_contrast10[10] = {
  0x0041a8, 0xd55e00, 0xc00018, 0x007f7f, 0x117a00,
  0x9a6a00, 0x7b2c9e, 0xe0007a, 0x5a3a1a, 0x202020,
};

static gint high_contrast;   /* atomic */

void
lab_palette_set_high_contrast (gboolean on)
{
  g_atomic_int_set (&high_contrast, on ? 1 : 0);
}

gboolean
lab_palette_get_high_contrast (void)
{
  return g_atomic_int_get (&high_contrast) != 0;
}

void
lab_palette_color (guint   index,
                   double *r,
                   double *g,
                   double *b)
{
  const guint32 *colors = lab_palette_get_high_contrast () ? high_contrast10 : tableau10;
  guint32 c = colors[index % 10];

  *r = ((c >> 16) & 0xff) / 255.0;
  *g = ((c >> 8) & 0xff) / 255.0;
  *b = (c & 0xff) / 255.0;
}

void
lab_palette_set (cairo_t *cr,
                 guint    index,
                 double   alpha)
{
  double r, g, b;

  lab_palette_color (index, &r, &g, &b);
  cairo_set_source_rgba (cr, r, g, b, lab_palette_get_high_contrast () ? 1.0 : alpha);
}

static const guint32 viridis10[10] = {
  0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e,
  0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b, 0xfde725,
};

void
lab_colormap_color (double  t,
                    double *r,
                    double *g,
                    double *b)
{
  double x = (isnan (t) ? 0 : CLAMP (t, 0.0, 1.0)) * (G_N_ELEMENTS (viridis10) - 1);
  guint i = MIN ((guint) x, G_N_ELEMENTS (viridis10) - 2);
  double f = x - i;
  guint32 a = viridis10[i], c = viridis10[i + 1];

  *r = (((a >> 16) & 0xff) * (1 - f) + ((c >> 16) & 0xff) * f) / 255.0;
  *g = (((a >> 8) & 0xff) * (1 - f) + ((c >> 8) & 0xff) * f) / 255.0;
  *b = ((a & 0xff) * (1 - f) + (c & 0xff) * f) / 255.0;
}

static double
nice_step (double range,
           guint  target)
{
  double raw = range / MAX (target, 1);
  double mag = pow (10, floor (log10 (raw)));
  double f = raw / mag;

  if (f < 1.5)
    return mag;
  if (f < 3.5)
    return 2 * mag;
  if (f < 7.5)
    return 5 * mag;
  return 10 * mag;
}

guint
lab_nice_ticks (double  lo,
                double  hi,
                guint   target,
                double *ticks,
                guint   max)
{
  double step, t;
  guint n = 0;

  if (!(hi > lo) || !isfinite (lo) || !isfinite (hi))
    {
      if (max > 0 && isfinite (lo))
        ticks[n++] = lo;
      return n;
    }
  step = nice_step (hi - lo, target);
  for (guint finer = 0; ; finer++)
    {
      n = 0;
      for (t = ceil (lo / step - 1e-9) * step; t <= hi + step * 1e-9 && n < max; t += step)
        ticks[n++] = fabs (t) < step * 1e-9 ? 0.0 : t;
      /* One tick alone gives the axis no scale (-4.4 to 4.6 in steps of 5
       * is "0"): the next finer step, 5 -> 2 -> 1 -> 0.5. */
      if (n >= 2 || n == max || finer == 3)
        return n;
      step = nice_step (step, 2);
    }
}

guint
lab_log_ticks (double  lo,
               double  hi,
               double *ticks,
               guint   max)
{
  static const int labelled[] = { 1, 2, 5 };
  guint n = 0;

  for (double d = floor (lo); d <= ceil (hi); d += 1)
    for (guint k = 0; k < G_N_ELEMENTS (labelled); k++)
      {
        double v = d + log10 (labelled[k]);

        if (v >= lo && v <= hi && (labelled[k] == 1 || hi - lo <= 2.5) && n < max)
          ticks[n++] = v;
      }
  if (n >= 2)
    return n;
  n = 0;
  for (double d = floor (lo); d <= ceil (hi); d += 1)
    for (int m = 1; m < 10; m++)
      {
        double v = d + log10 (m);

        if (v >= lo && v <= hi && n < max)
          ticks[n++] = v;
      }
  if (n >= 2)
    return n;
  n = lab_nice_ticks (pow (10, lo), pow (10, hi), 4, ticks, max);
  for (guint i = 0; i < n; i++)
    ticks[i] = log10 (ticks[i]);
  return n;
}

void
lab_format_tick (double  value,
                 double  step,
                 char   *buf,
                 gsize   size)
{
  int decimals = 0;

  if (fabs (value) >= 10000 && step >= 1000)
    {
      snprintf (buf, size, "%gk", value / 1000);
      return;
    }
  if (step > 0 && step < 1)
    decimals = (int) ceil (-log10 (step) - 1e-9);
  snprintf (buf, size, "%.*f", CLAMP (decimals, 0, 8), value);
}
