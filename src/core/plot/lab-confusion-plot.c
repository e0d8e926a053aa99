#define G_LOG_DOMAIN "latentlab-core"

#include "lab-confusion-plot.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-figure.h"
#include "lab-format.h"
#include "lab-palette.h"
#include "lab-plot-draw.h"

struct _LabConfusionPlot
{
  char    *title;
  guint    n;
  guint   *counts;       /* (n, n) */
  char   **names;        /* (n) NULL-terminated */
  int      sel_truth, sel_pred;
  double   scale;        /* presentation: drawn this much larger */
};

/* The class names' size at a logical width x height: 12 px like the line
 * plots' tick labels, larger in a larger drawing. */
static double
label_font (double width,
            double height)
{
  return CLAMP (MIN (width, height) / 40, 12, 16);
}

/* Where the matrix sits in a drawing, in logical units (the drawing's
 * pixels over the scale). */
typedef struct
{
  double x0, y0;         /* top left of cell (0, 0) */
  double cell;           /* side of a cell */
  double font;           /* class names */
} Layout;

LabConfusionPlot *
lab_confusion_plot_new (void)
{
  LabConfusionPlot *self = g_new0 (LabConfusionPlot, 1);

  self->sel_truth = self->sel_pred = -1;
  self->scale = 1;
  return self;
}

void
lab_confusion_plot_free (LabConfusionPlot *self)
{
  if (self == NULL)
    return;
  g_free (self->title);
  g_free (self->counts);
  g_strfreev (self->names);
  g_free (self);
}

void
lab_confusion_plot_set_title (LabConfusionPlot *self,
                              const char       *title)
{
  g_free (self->title);
  self->title = g_strdup (title);
}

const char *
lab_confusion_plot_get_title (LabConfusionPlot *self)
{
  return self->title;
}

void
lab_confusion_plot_set_matrix (LabConfusionPlot   *self,
                               const guint        *counts,
                               guint               n_classes,
                               const char * const *class_names)
{
  g_clear_pointer (&self->counts, g_free);
  g_clear_pointer (&self->names, g_strfreev);
  self->n = n_classes;
  self->sel_truth = self->sel_pred = -1;
  if (n_classes == 0)
    return;
  self->counts = g_memdup2 (counts, (gsize) n_classes * n_classes * sizeof (guint));
  self->names = g_new0 (char *, n_classes + 1);
  for (guint c = 0; c < n_classes; c++)
    self->names[c] = class_names != NULL && class_names[c] != NULL ? g_strdup (class_names[c])
                                                                   : g_strdup_printf ("%u", c);
}

guint
lab_confusion_plot_get_n_classes (LabConfusionPlot *self)
{
  return self->n;
}

guint
lab_confusion_plot_get_count (LabConfusionPlot *self,
                              guint             truth,
                              guint             predicted)
{
  if (truth >= self->n || predicted >= self->n)
    return 0;
  return self->counts[truth * self->n + predicted];
}

const char *
lab_confusion_plot_get_class_name (LabConfusionPlot *self,
                                   guint             c)
{
  return c < self->n ? self->names[c] : NULL;
}

void
lab_confusion_plot_set_selected (LabConfusionPlot *self,
                                 int               truth,
                                 int               predicted)
{
  self->sel_truth = truth;
  self->sel_pred = predicted;
}

void
lab_confusion_plot_set_scale (LabConfusionPlot *self,
                              double            scale)
{
  self->scale = CLAMP (scale, 0.25, 4.0);
}

double
lab_confusion_plot_get_label_size (LabConfusionPlot *self,
                                   double            width,
                                   double            height)
{
  return self->scale * label_font (width / self->scale, height / self->scale);
}

static void
layout (LabConfusionPlot *self,
        cairo_t          *cr,
        double            width,
        double            height,
        Layout           *l)
{
  double name_w = 0, title_h = self->title ? 34 : 8;
  double cell;

  l->font = label_font (width, height);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, l->font);
  for (guint c = 0; c < self->n; c++)
    {
      cairo_text_extents_t ext;

      cairo_text_extents (cr, self->names[c], &ext);
      name_w = MAX (name_w, ext.x_advance);
    }
  /* left: axis title, names; bottom: names (turned when long), axis title */
  cell = MIN ((width - name_w - l->font * 2.5 - 16) / MAX (self->n, 1u),
              (height - title_h - name_w - l->font * 2.5 - 12) / MAX (self->n, 1u));
  l->cell = MAX (cell, 4);
  l->x0 = name_w + l->font * 2 + 10 + (width - name_w - l->font * 2.5 - 16 - l->cell * self->n) / 2;
  l->y0 = title_h;
}

void
lab_confusion_plot_draw (LabConfusionPlot *self,
                         cairo_t          *cr,
                         double            width,
                         double            height)
{
  Layout l;
  guint n = self->n;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  /* Everything larger by the scale: draw at the logical size. */
  cairo_scale (cr, self->scale, self->scale);
  width /= self->scale;
  height /= self->scale;
  if (self->title != NULL)
    lab_plot_title (cr, self->title, width, 8, 15);
  if (n == 0)
    {
      cairo_restore (cr);
      return;
    }
  layout (self, cr, width, height, &l);
  for (guint r = 0; r < n; r++)
    {
      guint row_total = 0;

      for (guint c = 0; c < n; c++)
        row_total += self->counts[r * n + c];
      for (guint c = 0; c < n; c++)
        {
          guint v = self->counts[r * n + c];
          double share = row_total > 0 ? (double) v / row_total : 0;
          /* white to a deep blue; errors the same scale, so a dark
           * off-diagonal cell is a confusion worth a look */
          double t = sqrt (share);
          double x = l.x0 + c * l.cell, y = l.y0 + r * l.cell;
          char buf[16];

          cairo_set_source_rgb (cr, 1 - 0.92 * t, 1 - 0.72 * t, 1 - 0.35 * t);
          cairo_rectangle (cr, x, y, l.cell, l.cell);
          cairo_fill (cr);
          if (l.cell >= 14)
            {
              g_snprintf (buf, sizeof buf, "%u", v);
              cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL,
                                      r == c ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
              cairo_set_font_size (cr, CLAMP (l.cell * (v >= 1000 ? 0.26 : 0.32), 7, 20));
              if (t > 0.55)
                cairo_set_source_rgb (cr, 1, 1, 1);
              else
                cairo_set_source_rgb (cr, v == 0 ? 0.65 : 0.1, v == 0 ? 0.65 : 0.1, v == 0 ? 0.65 : 0.1);
              lab_plot_text_at (cr, buf, x + l.cell / 2, y + l.cell / 2, 0.5, 0.5);
            }
        }
    }
  /* grid, frame and the selected cell */
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.35);
  for (guint i = 1; i < n; i++)
    {
      cairo_move_to (cr, l.x0 + i * l.cell, l.y0);
      cairo_line_to (cr, l.x0 + i * l.cell, l.y0 + n * l.cell);
      cairo_move_to (cr, l.x0, l.y0 + i * l.cell);
      cairo_line_to (cr, l.x0 + n * l.cell, l.y0 + i * l.cell);
    }
  cairo_stroke (cr);
  lab_plot_frame (cr, l.x0, l.y0, n * l.cell, n * l.cell);
  if (self->sel_truth >= 0 && self->sel_pred >= 0 && (guint) self->sel_truth < n
      && (guint) self->sel_pred < n)
    {
      cairo_set_source_rgb (cr, 0.9, 0.3, 0.05);
      cairo_set_line_width (cr, 3);
      cairo_rectangle (cr, l.x0 + self->sel_pred * l.cell + 1.5, l.y0 + self->sel_truth * l.cell + 1.5,
                       l.cell - 3, l.cell - 3);
      cairo_stroke (cr);
    }

  /* class names: left of each row, below each column */
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, l.font);
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  for (guint c = 0; c < n; c++)
    {
      cairo_text_extents_t ext;

      lab_plot_text_at (cr, self->names[c], l.x0 - 6, l.y0 + (c + 0.5) * l.cell, 1, 0.5);
      cairo_text_extents (cr, self->names[c], &ext);
      if (ext.x_advance <= l.cell - 4)
        lab_plot_text_at (cr, self->names[c], l.x0 + (c + 0.5) * l.cell, l.y0 + n * l.cell + 5, 0.5, 0);
      else
        {
          /* long names (Fashion-MNIST's) turned a quarter, reading upwards */
          cairo_save (cr);
          cairo_translate (cr, l.x0 + (c + 0.5) * l.cell, l.y0 + n * l.cell + 5);
          cairo_rotate (cr, -G_PI / 2);
          lab_plot_text_at (cr, self->names[c], 0, 0, 1, 0.5);
          cairo_restore (cr);
        }
    }
  {
    double name_h = 0;

    for (guint c = 0; c < n; c++)
      {
        cairo_text_extents_t ext;

        cairo_text_extents (cr, self->names[c], &ext);
        name_h = MAX (name_h, ext.x_advance <= l.cell - 4 ? l.font * 1.2 : ext.x_advance);
      }
    cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
    /* Translators: a confusion matrix's axis titles: the class a
     * classifier gave (below the columns) and the image's own class
     * (beside the rows) */
    lab_plot_axis_labels (cr, _("Predicted class"), l.x0 + n * l.cell / 2, l.y0 + n * l.cell + 10 + name_h,
                          _("True class"), l.font * 0.8, l.y0 + n * l.cell / 2);
  }
  cairo_restore (cr);
}

gboolean
lab_confusion_plot_cell_at (LabConfusionPlot *self,
                            double            width,
                            double            height,
                            double            x,
                            double            y,
                            guint            *truth,
                            guint            *predicted)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  Layout l;
  double c, r;

  if (self->n == 0)
    return FALSE;
  /* The layout measures text: a scratch context gives the same metrics. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
  cr = cairo_create (surface);
  layout (self, cr, width / self->scale, height / self->scale, &l);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  c = floor ((x / self->scale - l.x0) / l.cell);
  r = floor ((y / self->scale - l.y0) / l.cell);
  if (c < 0 || r < 0 || c >= self->n || r >= self->n)
    return FALSE;
  *truth = (guint) r;
  *predicted = (guint) c;
  return TRUE;
}

void
lab_confusion_plot_draw_figure (gpointer  plot,
                                cairo_t  *cr,
                                double    width,
                                double    height)
{
  lab_confusion_plot_draw (plot, cr, width, height);
}

gboolean
lab_confusion_plot_save_png (LabConfusionPlot *self,
                             const char       *path,
                             int               width,
                             int               height,
                             GError          **error)
{
  return lab_figure_save_as (lab_confusion_plot_draw_figure, self, LAB_FIGURE_PNG, width, height, path, error);
}

/* The class names' and values' size at a logical height for n bars: 12 px
 * like the line plots' tick labels, up to 14 when the bars are tall. */
static double
bars_font (double height,
           guint  n)
{
  double bar_h = (height - 36) / MAX (n, 1u);

  /* never taller than its bar's row, so that rows never overlap */
  return MIN (CLAMP (height / (MAX (n, 1u) * 2.2), 12, 14), MAX (bar_h * 0.9, 1));
}

double
lab_class_bars_label_size (double height,
                           guint  n,
                           double scale)
{
  return scale * bars_font (height / scale, n);
}

void
lab_class_bars_draw (cairo_t            *cr,
                     double              width,
                     double              height,
                     const char         *title,
                     const double       *values,
                     guint               n,
                     const char * const *names,
                     double              scale)
{
  double title_h = title ? 30 : 6, name_w = 0, value_w, bar_h, x0, bar_w;
  double font;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  /* Everything larger by the scale: draw at the logical size. */
  cairo_scale (cr, scale, scale);
  width /= scale;
  height /= scale;
  font = bars_font (height, n);
  bar_h = (height - title_h - 6) / MAX (n, 1u);
  if (title != NULL)
    lab_plot_title (cr, title, width, 6, 15);
  if (n == 0)
    {
      cairo_restore (cr);
      return;
    }
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, font);
  for (guint c = 0; c < n; c++)
    {
      cairo_text_extents_t ext;

      cairo_text_extents (cr, names ? names[c] : "00", &ext);
      name_w = MAX (name_w, ext.x_advance);
    }
  {
    cairo_text_extents_t ext;

    g_autofree char *widest = lab_format_percent_localized (100, 1);

    cairo_text_extents (cr, widest, &ext);
    value_w = ext.x_advance + 8;
  }
  x0 = name_w + 12;
  bar_w = MAX (width - x0 - value_w - 6, 10);
  for (guint c = 0; c < n; c++)
    {
      double y = title_h + c * bar_h;
      g_autofree char *value = NULL;
      char num[4];
      const char *name = names ? names[c] : NULL;

      if (name == NULL)
        {
          g_snprintf (num, sizeof num, "%u", c);
          name = num;
        }
      cairo_set_source_rgb (cr, 0.93, 0.93, 0.93);
      cairo_rectangle (cr, x0, y + bar_h * 0.15, bar_w, bar_h * 0.7);
      cairo_fill (cr);
      if (isfinite (values[c]))
        {
          lab_palette_set (cr, c, 1);
          cairo_rectangle (cr, x0, y + bar_h * 0.15, bar_w * CLAMP (values[c], 0, 1), bar_h * 0.7);
          cairo_fill (cr);
          value = lab_format_percent_localized (100 * values[c], 1);
        }
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      lab_plot_text_at (cr, name, x0 - 6, y + bar_h / 2, 1, 0.5);
      lab_plot_text_at (cr, value != NULL ? value : "–", x0 + bar_w + 6, y + bar_h / 2, 0, 0.5);
    }
  cairo_restore (cr);
}
