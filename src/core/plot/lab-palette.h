#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Ten well-separated colours (Tableau 10), one per class or series; the
 * same everywhere so a class keeps its colour from plot to plot. */
void lab_palette_color (guint   index,
                        double *r,
                        double *g,
                        double *b);
void lab_palette_set   (cairo_t *cr,
                        guint    index,
                        double   alpha);
/* The high-contrast palette for a projector instead (presentation mode),
 * for every plot the process draws from then on; colours are opaque. */
void     lab_palette_set_high_contrast (gboolean on);
gboolean lab_palette_get_high_contrast (void);

/* A perceptual sequential colormap for a value t in [0, 1] (clamped):
 * viridis (van der Walt and Smith, matplotlib; the 10 stops R's viridis(10)
 * gives, interpolated), from dark violet at 0 through teal to yellow at 1.
 * Its lightness rises evenly, so it reads the same in gray on a washed-out
 * projector and to colour-blind eyes. */
void lab_colormap_color (double  t,
                         double *r,
                         double *g,
                         double *b);

/* Round tick positions for [lo, hi]: steps of 1, 2 or 5 x 10^k so that
 * about `target` ticks fit. Returns the count written to ticks[max]. */
guint lab_nice_ticks   (double  lo,
                        double  hi,
                        guint   target,
                        double *ticks,
                        guint   max);
/* The labelled ticks of a log axis over [lo, hi] (log10 units, as
 * log10 values), into ticks[max]: the 1, 2 and 5 of every decade (only
 * the 1s over more than 2.5 decades). A shorter range with fewer than two
 * of them gets every 1 to 9 (20, 30, 40); one with still fewer, round
 * values as a linear axis has them (22, 24, 26), so that a plot over
 * several values reads them. Returns the count. */
guint lab_log_ticks    (double  lo,
                        double  hi,
                        double *ticks,
                        guint   max);
/* A tick label with just enough digits for the step ("0.002", "1.5k"). */
void  lab_format_tick  (double  value,
                        double  step,
                        char   *buf,
                        gsize   size);

G_END_DECLS
