#define G_LOG_DOMAIN "latentlab-core"

/* How a LabScatterPlot colours its points: by class, or by a value per
 * point (the reconstruction error) on viridis, with the points at or
 * below a threshold faint beneath the others. Either way the points are
 * sorted into groups of one colour, drawn in order, so the drawing code
 * fills (or stamps) one group at a time as it did one class at a time,
 * and 70,000 points coloured one by one cost what 70,000 by class do. */

#include "lab-scatter-plot-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lab-palette.h"

/* The scale's top: values above this share of them take its top colour,
 * so a few huge errors do not wash the rest into one colour. */
#define TOP_QUANTILE 0.99
/* How far along viridis the lowest value sits: its yellow end is too pale
 * on white, so the scale stops short of it. */
#define LOW_END 0.92

void
lab_scatter_plot_value_color (double  v,
                              double *r,
                              double *g,
                              double *b)
{
  /* high values dark, low ones light */
  lab_colormap_color (LOW_END * (1 - CLAMP (v, 0.0, 1.0)), r, g, b);
}

void
lab_scatter_plot_group_color (LabScatterPlot *self,
                              guint           group,
                              double         *r,
                              double         *g,
                              double         *b,
                              double         *alpha)
{
  gboolean faint = !isnan (self->threshold) && self->values != NULL;

  *alpha = lab_palette_get_high_contrast () ? 1.0 : 0.82;
  if (faint && group == 0)
    {
      /* under the threshold: there, but out of the way */
      *r = *g = *b = 0.78;
      *alpha = 0.55;
    }
  else if (lab_scatter_plot_shows_colorbar (self))
    lab_scatter_plot_value_color ((double) (group - 1) / (VALUE_BINS - 1), r, g, b);
  else
    lab_palette_color (faint ? group - 1 : group, r, g, b);
}

static int
compare_floats (const void *pa,
                const void *pb)
{
  float a = *(const float *) pa, b = *(const float *) pb;

  return (a > b) - (a < b);
}

static void
value_range (LabScatterPlot *self)
{
  g_autofree float *sorted = g_new (float, MAX (self->n, 1u));
  guint m = 0;

  for (guint i = 0; i < self->n; i++)
    if (isfinite (self->values[i]))
      sorted[m++] = self->values[i];
  self->value_lo = 0;
  self->value_hi = 1;
  if (m == 0)
    return;
  qsort (sorted, m, sizeof (float), compare_floats);
  self->value_lo = sorted[0];
  self->value_hi = sorted[MIN (m - 1, (guint) floor (TOP_QUANTILE * (m - 1) + 0.5))];
  if (!(self->value_hi > self->value_lo))
    self->value_hi = sorted[m - 1];
  if (!(self->value_hi > self->value_lo))
    self->value_hi = self->value_lo + MAX (1e-9, fabs (self->value_lo) * 1e-6);
}

void
lab_scatter_plot_regroup (LabScatterPlot *self)
{
  gboolean faint = !isnan (self->threshold) && self->values != NULL;
  gboolean value = lab_scatter_plot_shows_colorbar (self);
  double span = self->value_hi - self->value_lo;
  guint next[LAB_SCATTER_GROUPS];

  g_free (self->groups);
  self->groups = g_new (guint8, MAX (self->n, 1u));
  for (guint i = 0; i < self->n; i++)
    {
      guint g;

      if (faint && !(self->values[i] > self->threshold))
        g = 0;
      else if (value)
        {
          double v = isfinite (self->values[i]) ? (self->values[i] - self->value_lo) / span : 1;

          g = 1 + (guint) lrint (CLAMP (v, 0.0, 1.0) * (VALUE_BINS - 1));
        }
      else
        g = MIN ((guint) self->labels[i] + (faint ? 1 : 0), LAB_SCATTER_GROUPS - 1);
      self->groups[i] = g;
    }
  /* A counting sort: drawn group by group, each in one fill. */
  memset (self->group_start, 0, sizeof self->group_start);
  for (guint i = 0; i < self->n; i++)
    self->group_start[self->groups[i] + 1]++;
  for (guint g = 0; g < LAB_SCATTER_GROUPS; g++)
    self->group_start[g + 1] += self->group_start[g];
  memcpy (next, self->group_start, sizeof next);
  g_free (self->order);
  self->order = g_new (guint, MAX (self->n, 1u));
  for (guint i = 0; i < self->n; i++)
    self->order[next[self->groups[i]]++] = i;
}

void
lab_scatter_plot_set_values (LabScatterPlot *self,
                             const float    *values,
                             guint           n,
                             const char     *label)
{
  g_clear_pointer (&self->values, g_free);
  g_free (self->value_label);
  self->value_label = g_strdup (label);
  if (values != NULL && n == self->n && n > 0)
    {
      self->values = g_memdup2 (values, (gsize) n * sizeof (float));
      value_range (self);
    }
  lab_scatter_plot_regroup (self);
  lab_scatter_plot_set_size (self, self->dev_width, self->dev_height);
}

gboolean
lab_scatter_plot_has_values (LabScatterPlot *self)
{
  return self->values != NULL;
}

gboolean
lab_scatter_plot_get_value (LabScatterPlot *self,
                            guint           i,
                            double         *value)
{
  if (self->values == NULL || i >= self->n)
    return FALSE;
  *value = self->values[i];
  return TRUE;
}

void
lab_scatter_plot_get_value_range (LabScatterPlot *self,
                                  double         *lo,
                                  double         *hi)
{
  *lo = self->value_lo;
  *hi = self->value_hi;
}

void
lab_scatter_plot_set_color_mode (LabScatterPlot  *self,
                                 LabScatterColor  mode)
{
  if (mode == self->color_mode)
    return;
  self->color_mode = mode;
  lab_scatter_plot_regroup (self);
  /* the legend becomes the colour bar, or back */
  lab_scatter_plot_set_size (self, self->dev_width, self->dev_height);
}

LabScatterColor
lab_scatter_plot_get_color_mode (LabScatterPlot *self)
{
  return self->color_mode;
}

void
lab_scatter_plot_set_threshold (LabScatterPlot *self,
                                double          threshold)
{
  if (threshold == self->threshold || (isnan (threshold) && isnan (self->threshold)))
    return;
  self->threshold = threshold;
  lab_scatter_plot_regroup (self);
}

double
lab_scatter_plot_get_threshold (LabScatterPlot *self)
{
  return self->threshold;
}

gboolean
lab_scatter_plot_point_color (LabScatterPlot *self,
                              guint           i,
                              double         *r,
                              double         *g,
                              double         *b)
{
  double alpha;

  if (i >= self->n)
    return FALSE;
  lab_scatter_plot_group_color (self, self->groups[i], r, g, b, &alpha);
  return TRUE;
}
