#define G_LOG_DOMAIN "latentlab-core"

#include "lab-histogram-plot.h"

#include <math.h>

#include "lab-palette.h"
#include "lab-plot-draw.h"

/* Margins in logical pixels: the plot sits in a narrow side panel. */
#define LEFT   46
#define RIGHT  12
#define TOP    14
#define BOTTOM 40
/* Grabbing the threshold works this far outside the bars. */
#define GRAB   8

struct _LabHistogramPlot
{
  char    *x_label;
  char    *y_label;
  char    *note;
  double   scale;
  guint    n;          /* finite values */
  guint    n_bins;
  guint   *bins;       /* (n_bins) */
  guint    max_bin;
  double   lo, hi;
  double   threshold;
  double   width, height;   /* device pixels of the last layout */
};

LabHistogramPlot *
lab_histogram_plot_new (void)
{
  LabHistogramPlot *self = g_new0 (LabHistogramPlot, 1);

  self->scale = 1;
  self->lo = 0;
  self->hi = 1;
  self->threshold = NAN;
  self->width = 320;
  self->height = 200;
  return self;
}

void
lab_histogram_plot_free (LabHistogramPlot *self)
{
  if (self == NULL)
    return;
  g_free (self->x_label);
  g_free (self->y_label);
  g_free (self->note);
  g_free (self->bins);
  g_free (self);
}

void
lab_histogram_plot_set_labels (LabHistogramPlot *self,
                               const char       *x_label,
                               const char       *y_label)
{
  g_free (self->x_label);
  g_free (self->y_label);
  self->x_label = g_strdup (x_label);
  self->y_label = g_strdup (y_label);
}

void
lab_histogram_plot_set_scale (LabHistogramPlot *self,
                              double            scale)
{
  self->scale = CLAMP (scale, 0.25, 4.0);
}

void
lab_histogram_plot_set_values (LabHistogramPlot *self,
                               const float      *values,
                               guint             n,
                               guint             n_bins)
{
  double lo = INFINITY, hi = -INFINITY;

  n_bins = MAX (n_bins, 1u);
  g_free (self->bins);
  self->bins = g_new0 (guint, n_bins);
  self->n_bins = n_bins;
  self->n = 0;
  self->max_bin = 0;
  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        lo = MIN (lo, values[i]);
        hi = MAX (hi, values[i]);
        self->n++;
      }
  if (self->n == 0)
    {
      self->lo = 0;
      self->hi = 1;
      return;
    }
  if (!(hi > lo))
    hi = lo + MAX (1e-9, fabs (lo) * 1e-3);
  self->lo = lo;
  self->hi = hi;
  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        guint b = MIN ((guint) ((values[i] - lo) / (hi - lo) * n_bins), n_bins - 1);

        self->bins[b]++;
        self->max_bin = MAX (self->max_bin, self->bins[b]);
      }
}

guint
lab_histogram_plot_get_n_values (LabHistogramPlot *self)
{
  return self->n;
}

void
lab_histogram_plot_get_range (LabHistogramPlot *self,
                              double           *lo,
                              double           *hi)
{
  *lo = self->lo;
  *hi = self->hi;
}

guint
lab_histogram_plot_get_bin (LabHistogramPlot *self,
                            guint             i)
{
  return i < self->n_bins ? self->bins[i] : 0;
}

guint
lab_histogram_plot_get_n_bins (LabHistogramPlot *self)
{
  return self->bins != NULL ? self->n_bins : 0;
}

const char *
lab_histogram_plot_get_x_label (LabHistogramPlot *self)
{
  return self->x_label;
}

const char *
lab_histogram_plot_get_note (LabHistogramPlot *self)
{
  return self->note;
}

void
lab_histogram_plot_set_threshold (LabHistogramPlot *self,
                                  double            threshold)
{
  self->threshold = threshold;
}

double
lab_histogram_plot_get_threshold (LabHistogramPlot *self)
{
  return self->threshold;
}

void
lab_histogram_plot_set_note (LabHistogramPlot *self,
                             const char       *note)
{
  g_free (self->note);
  self->note = note != NULL && *note ? g_strdup (note) : NULL;
}

void
lab_histogram_plot_set_size (LabHistogramPlot *self,
                             double            width,
                             double            height)
{
  self->width = width;
  self->height = height;
}

/* The bars' area in logical pixels. */
static void
area (LabHistogramPlot *self,
      double           *x,
      double           *y,
      double           *w,
      double           *h)
{
  *x = LEFT;
  *y = TOP;
  *w = MAX (1, self->width / self->scale - LEFT - RIGHT);
  *h = MAX (1, self->height / self->scale - TOP - BOTTOM);
}

gboolean
lab_histogram_plot_in_area (LabHistogramPlot *self,
                            double            px,
                            double            py)
{
  double x, y, w, h;

  area (self, &x, &y, &w, &h);
  px /= self->scale;
  py /= self->scale;
  return px >= x - GRAB && px <= x + w + GRAB && py >= y - GRAB && py <= y + h + GRAB;
}

double
lab_histogram_plot_to_value (LabHistogramPlot *self,
                             double            px)
{
  double x, y, w, h;

  area (self, &x, &y, &w, &h);
  return self->lo + CLAMP ((px / self->scale - x) / w, 0.0, 1.0) * (self->hi - self->lo);
}

double
lab_histogram_plot_to_pixel (LabHistogramPlot *self,
                             double            value)
{
  double x, y, w, h;

  area (self, &x, &y, &w, &h);
  return (x + (value - self->lo) / (self->hi - self->lo) * w) * self->scale;
}

void
lab_histogram_plot_draw (LabHistogramPlot *self,
                         cairo_t          *cr,
                         double            width,
                         double            height)
{
  double x, y, w, h, bw, ymax, tx = NAN;
  double ticks[16];
  guint n_ticks;

  lab_histogram_plot_set_size (self, width, height);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_scale (cr, self->scale, self->scale);
  area (self, &x, &y, &w, &h);
  if (w < 20 || h < 20)
    {
      cairo_restore (cr);
      return;
    }

  /* counts: round ticks up to the tallest bar */
  ymax = MAX (1, self->max_bin) * 1.08;
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 12);
  cairo_set_line_width (cr, 1);
  n_ticks = lab_nice_ticks (0, ymax, MAX (2, (guint) (h / 45)), ticks, G_N_ELEMENTS (ticks));
  for (guint i = 0; i < n_ticks; i++)
    lab_plot_grid_tick (cr, FALSE, round (y + h - ticks[i] / ymax * h) + 0.5, x, x + w, 5, 0.91,
                        ticks[i], n_ticks > 1 ? ticks[1] - ticks[0] : ymax);
  /* at least two round values on a narrow axis */
  n_ticks = lab_nice_ticks (self->lo, self->hi, MAX (3, (guint) (w / 60)), ticks, G_N_ELEMENTS (ticks));
  for (guint i = 0; i < n_ticks; i++)
    lab_plot_grid_tick (cr, TRUE, round (x + (ticks[i] - self->lo) / (self->hi - self->lo) * w) + 0.5,
                        y, y + h, 5, 0.91, ticks[i], n_ticks > 1 ? ticks[1] - ticks[0] : (self->hi - self->lo) / 2);

  if (!isnan (self->threshold))
    tx = x + CLAMP ((self->threshold - self->lo) / (self->hi - self->lo), 0.0, 1.0) * w;
  bw = w / MAX (self->n_bins, 1u);
  for (guint b = 0; b < self->n_bins; b++)
    {
      double bh, bx = x + b * bw;

      if (self->bins[b] == 0)
        continue;
      /* a single image in a bin still shows */
      bh = MAX (2, self->bins[b] / ymax * h);
      /* above the threshold: the colour of high errors on the map */
      if (!isnan (tx) && bx + bw / 2 > tx)
        {
          double r, g, bl;

          lab_colormap_color (0.0, &r, &g, &bl);
          cairo_set_source_rgb (cr, r, g, bl);
        }
      else
        cairo_set_source_rgb (cr, 0.55, 0.62, 0.70);
      cairo_rectangle (cr, bx + 0.5, y + h - bh, MAX (1, bw - 1), bh);
      cairo_fill (cr);
    }
  lab_plot_frame (cr, x, y, w, h);

  if (!isnan (tx))
    {
      /* the line, and a handle on top to grab */
      cairo_set_source_rgb (cr, 0.80, 0.10, 0.10);
      cairo_set_line_width (cr, 2.5);
      cairo_move_to (cr, tx, y - 4);
      cairo_line_to (cr, tx, y + h);
      cairo_stroke (cr);
      cairo_move_to (cr, tx - 6, y - 10);
      cairo_line_to (cr, tx + 6, y - 10);
      cairo_line_to (cr, tx, y - 2);
      cairo_close_path (cr);
      cairo_fill (cr);
    }
  if (self->note != NULL)
    {
      cairo_text_extents_t ext;

      /* inside the bars' top right corner, where the long tail is low,
       * on white so the line may pass under it */
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, 12);
      cairo_text_extents (cr, self->note, &ext);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
      cairo_rectangle (cr, x + w - ext.x_advance - 8, y + 2, ext.x_advance + 6, 18);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      lab_plot_text_at (cr, self->note, x + w - 5, y + 5, 1, 0);
    }
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 12);
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  lab_plot_axis_labels (cr, self->x_label, x + w / 2, y + h + 20, self->y_label, 10, y + h / 2);
  cairo_restore (cr);
}

void
lab_histogram_plot_draw_figure (gpointer  plot,
                                cairo_t  *cr,
                                double    width,
                                double    height)
{
  lab_histogram_plot_draw (plot, cr, width, height);
}
