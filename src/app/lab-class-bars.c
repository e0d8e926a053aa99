#define G_LOG_DOMAIN "latentlab"

#include "lab-class-bars.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-accessible-text.h"
#include "lab-confusion-plot.h"
#include "lab-plot-describe.h"
#include "lab-presentation.h"
#include "lab-widget-figure.h"

struct _LabClassBars
{
  GtkWidget   parent_instance;

  char       *title;
  double     *values;     /* (n) */
  char      **names;      /* (n) NULL-terminated, or NULL */
  guint       n;
};

G_DEFINE_FINAL_TYPE (LabClassBars, lab_class_bars, GTK_TYPE_WIDGET)

static void
lab_class_bars_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  /* Ten rows of names at the tick labels' size (12 px, 19 px in
   * presentation mode: 170 is the least height that keeps it). */
  double scale = lab_presentation_get_scale (widget);

  *minimum = (int) ((orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 170) * scale);
  *natural = (int) ((orientation == GTK_ORIENTATION_HORIZONTAL ? 300 : 300) * scale);
}

static void
draw_figure (gpointer  data,
             cairo_t  *cr,
             double    width,
             double    height)
{
  LabClassBars *self = data;

  lab_class_bars_draw (cr, width, height, self->title, self->values, self->n,
                       (const char * const *) self->names,
                       lab_presentation_get_scale (GTK_WIDGET (self)));
}

static void
lab_class_bars_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  lab_widget_snapshot_figure (widget, snapshot, draw_figure, widget);
}

void
lab_class_bars_set_values (LabClassBars       *self,
                           const char         *title,
                           const double       *values,
                           guint               n,
                           const char * const *names)
{
  g_return_if_fail (LAB_IS_CLASS_BARS (self));

  g_free (self->title);
  self->title = g_strdup (title);
  g_free (self->values);
  self->values = n > 0 ? g_memdup2 (values, n * sizeof (double)) : NULL;
  g_clear_pointer (&self->names, g_strfreev);
  if (names != NULL && n > 0)
    {
      self->names = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        self->names[i] = g_strdup (names[i]);
    }
  self->n = n;
  {
    g_autofree char *text = lab_class_bars_describe (title, values, n, names);

    lab_accessible_set_text (GTK_WIDGET (self), title != NULL && title[0] != '\0' ? title : _("Per class"), text);
  }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
lab_class_bars_get_n (LabClassBars *self)
{
  g_return_val_if_fail (LAB_IS_CLASS_BARS (self), 0);
  return self->n;
}

double
lab_class_bars_get_value (LabClassBars *self,
                          guint         i)
{
  g_return_val_if_fail (LAB_IS_CLASS_BARS (self), NAN);
  return i < self->n ? self->values[i] : NAN;
}

double
lab_class_bars_get_label_size (LabClassBars *self)
{
  g_return_val_if_fail (LAB_IS_CLASS_BARS (self), 0);
  return lab_class_bars_label_size (gtk_widget_get_height (GTK_WIDGET (self)), self->n,
                                    lab_presentation_get_scale (GTK_WIDGET (self)));
}

static void
lab_class_bars_finalize (GObject *object)
{
  LabClassBars *self = (LabClassBars *)object;

  g_free (self->title);
  g_free (self->values);
  g_strfreev (self->names);

  G_OBJECT_CLASS (lab_class_bars_parent_class)->finalize (object);
}

static void
lab_class_bars_class_init (LabClassBarsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lab_class_bars_finalize;
  widget_class->measure = lab_class_bars_measure;
  widget_class->snapshot = lab_class_bars_snapshot;
  gtk_widget_class_set_css_name (widget_class, "classbars");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_class_bars_init (LabClassBars *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  lab_class_bars_set_values (self, NULL, NULL, 0, NULL);
}

GtkWidget *
lab_class_bars_new (void)
{
  return g_object_new (LAB_TYPE_CLASS_BARS, NULL);
}
