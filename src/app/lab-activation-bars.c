#define G_LOG_DOMAIN "latentlab"

#include "lab-activation-bars.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-palette.h"
#include "lab-presentation.h"
#include "lab-widget-figure.h"

#define HEIGHT 72   /* before presentation mode */

struct _LabActivationBars
{
  GtkWidget  parent_instance;

  float     *values;   /* (n) */
  guint      n;
  float      lo, hi;
};

G_DEFINE_FINAL_TYPE (LabActivationBars, lab_activation_bars, GTK_TYPE_WIDGET)

static void
lab_activation_bars_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  LabActivationBars *self = LAB_ACTIVATION_BARS (widget);
  double scale = lab_presentation_get_scale (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Bars of 8 px when there is room, at most a comfortable width. */
      *minimum = 120;
      *natural = CLAMP ((int) self->n * 8, 160, 420);
    }
  else
    *minimum = *natural = (int) (HEIGHT * scale);
}

static void
draw_figure (gpointer  data,
             cairo_t  *cr,
             double    width,
             double    height)
{
  LabActivationBars *self = data;
  double top = MAX (self->hi, 0), bottom = MIN (self->lo, 0), span = top - bottom;
  double zero_y, bar_w, plot_w;

  if (span <= 0)
    span = 1;
  /* Bars keep a whole-pixel width up to 12 px; a layer wider than the
   * widget draws one bar per pixel column, as a comb. */
  bar_w = MIN (12.0, (double) width / self->n);
  plot_w = bar_w * self->n;
  zero_y = height * top / span;

  for (guint i = 0; i < self->n; i++)
    {
      double v = self->values[i], x = i * bar_w, h = height * fabs (v) / span;

      if (v == 0 || !isfinite (v))
        continue;
      lab_palette_set (cr, v > 0 ? 0 : 1, 1.0);
      cairo_rectangle (cr, x, v > 0 ? zero_y - h : zero_y, MAX (bar_w - (bar_w >= 4 ? 1 : 0), 0.5), h);
      cairo_fill (cr);
    }
  /* the zero line */
  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.8);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, floor (zero_y) + 0.5);
  cairo_line_to (cr, plot_w, floor (zero_y) + 0.5);
  cairo_stroke (cr);
}

static void
lab_activation_bars_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  if (LAB_ACTIVATION_BARS (widget)->n > 0)
    lab_widget_snapshot_figure (widget, snapshot, draw_figure, widget);
}

void
lab_activation_bars_set_values (LabActivationBars *self,
                                const float       *values,
                                guint              n,
                                const char        *description)
{
  guint zero = 0;

  g_return_if_fail (LAB_IS_ACTIVATION_BARS (self));

  if (n != self->n)
    {
      g_free (self->values);
      self->values = g_new (float, MAX (n, 1));
      self->n = n;
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }
  self->lo = INFINITY;
  self->hi = -INFINITY;
  for (guint i = 0; i < n; i++)
    {
      self->values[i] = values[i];
      self->lo = MIN (self->lo, values[i]);
      self->hi = MAX (self->hi, values[i]);
      zero += values[i] == 0;
    }
  if (n > 0)
    {
      /* Translators: an accessible description and tooltip of a dense
       * layer's output; %s says which layer. */
      g_autofree char *count = lab_format_count_localized (n);
      g_autofree char *zeros = lab_format_count_localized (zero);
      g_autofree char *text = g_strdup_printf (_("%s: %s values from %.3g to %.3g, %s of them zero"),
                                               description != NULL ? description : "", count,
                                               self->lo, self->hi, zeros);

      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      text, -1);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), text);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
lab_activation_bars_get_n (LabActivationBars *self)
{
  g_return_val_if_fail (LAB_IS_ACTIVATION_BARS (self), 0);
  return self->n;
}

float
lab_activation_bars_get_value (LabActivationBars *self,
                               guint              i)
{
  g_return_val_if_fail (LAB_IS_ACTIVATION_BARS (self), NAN);
  return i < self->n ? self->values[i] : NAN;
}

static void
lab_activation_bars_finalize (GObject *object)
{
  LabActivationBars *self = (LabActivationBars *)object;

  g_free (self->values);

  G_OBJECT_CLASS (lab_activation_bars_parent_class)->finalize (object);
}

static void
lab_activation_bars_class_init (LabActivationBarsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lab_activation_bars_finalize;
  widget_class->measure = lab_activation_bars_measure;
  widget_class->snapshot = lab_activation_bars_snapshot;
  gtk_widget_class_set_css_name (widget_class, "activationbars");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_activation_bars_init (LabActivationBars *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
lab_activation_bars_new (void)
{
  return g_object_new (LAB_TYPE_ACTIVATION_BARS, NULL);
}
