#define G_LOG_DOMAIN "latentlab"

#include "lab-confusion-view.h"

#include <glib/gi18n.h>

#include "lab-accessible-text.h"
#include "lab-plot-describe.h"
#include "lab-presentation.h"
#include "lab-widget-figure.h"

struct _LabConfusionView
{
  GtkWidget         parent_instance;

  LabConfusionPlot *plot;      /* owned */
  guint             n_draws;
};

enum {
  CELL_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabConfusionView, lab_confusion_view, GTK_TYPE_WIDGET)

static void
lab_confusion_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  /* ten classes of cells big enough for a four-digit count */
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 300;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 360 : 480;
}

static void
lab_confusion_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  LabConfusionView *self = LAB_CONFUSION_VIEW (widget);

  lab_confusion_plot_set_scale (self->plot, lab_presentation_get_scale (widget));
  if (lab_widget_snapshot_figure (widget, snapshot, lab_confusion_plot_draw_figure, self->plot))
    self->n_draws++;
}

gboolean
lab_confusion_view_cell_at (LabConfusionView *self,
                            double            x,
                            double            y,
                            guint            *truth,
                            guint            *predicted)
{
  g_return_val_if_fail (LAB_IS_CONFUSION_VIEW (self), FALSE);

  lab_confusion_plot_set_scale (self->plot, lab_presentation_get_scale (GTK_WIDGET (self)));
  return lab_confusion_plot_cell_at (self->plot, gtk_widget_get_width (GTK_WIDGET (self)),
                                     gtk_widget_get_height (GTK_WIDGET (self)), x, y, truth, predicted);
}

void
lab_confusion_view_click (LabConfusionView *self,
                          double            x,
                          double            y)
{
  guint t, p;

  g_return_if_fail (LAB_IS_CONFUSION_VIEW (self));

  if (!lab_confusion_view_cell_at (self, x, y, &t, &p))
    return;
  lab_confusion_view_select (self, (int) t, (int) p);
  g_signal_emit (self, signals[CELL_ACTIVATED], 0, t, p);
}

static void
on_pressed (GtkGestureClick  *gesture,
            int               n_press,
            double            x,
            double            y,
            LabConfusionView *self)
{
  lab_confusion_view_click (self, x, y);
}

void
lab_confusion_view_set_matrix (LabConfusionView   *self,
                               const char         *title,
                               const guint        *counts,
                               guint               n_classes,
                               const char * const *class_names)
{
  g_return_if_fail (LAB_IS_CONFUSION_VIEW (self));

  lab_confusion_plot_set_title (self->plot, title);
  lab_confusion_plot_set_matrix (self->plot, counts, n_classes, class_names);
  {
    g_autofree char *text = lab_confusion_plot_describe (self->plot);

    lab_accessible_set_text (GTK_WIDGET (self), title != NULL && title[0] != '\0' ? title : _("Confusion matrix"),
                             text);
  }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
lab_confusion_view_get_title (LabConfusionView *self)
{
  g_return_val_if_fail (LAB_IS_CONFUSION_VIEW (self), NULL);
  return lab_confusion_plot_get_title (self->plot);
}

void
lab_confusion_view_select (LabConfusionView *self,
                           int               truth,
                           int               predicted)
{
  g_return_if_fail (LAB_IS_CONFUSION_VIEW (self));

  lab_confusion_plot_set_selected (self->plot, truth, predicted);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
lab_confusion_view_get_label_size (LabConfusionView *self)
{
  g_return_val_if_fail (LAB_IS_CONFUSION_VIEW (self), 0);

  lab_confusion_plot_set_scale (self->plot, lab_presentation_get_scale (GTK_WIDGET (self)));
  return lab_confusion_plot_get_label_size (self->plot, gtk_widget_get_width (GTK_WIDGET (self)),
                                            gtk_widget_get_height (GTK_WIDGET (self)));
}

guint
lab_confusion_view_get_n_draws (LabConfusionView *self)
{
  g_return_val_if_fail (LAB_IS_CONFUSION_VIEW (self), 0);
  return self->n_draws;
}

static void
lab_confusion_view_finalize (GObject *object)
{
  LabConfusionView *self = (LabConfusionView *)object;

  g_clear_pointer (&self->plot, lab_confusion_plot_free);

  G_OBJECT_CLASS (lab_confusion_view_parent_class)->finalize (object);
}

static void
lab_confusion_view_class_init (LabConfusionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lab_confusion_view_finalize;
  widget_class->measure = lab_confusion_view_measure;
  widget_class->snapshot = lab_confusion_view_snapshot;
  gtk_widget_class_set_css_name (widget_class, "confusionview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);

  signals[CELL_ACTIVATED] =
    g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
lab_confusion_view_init (LabConfusionView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->plot = lab_confusion_plot_new ();
  lab_confusion_view_set_matrix (self, NULL, NULL, 0, NULL);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
lab_confusion_view_new (void)
{
  return g_object_new (LAB_TYPE_CONFUSION_VIEW, NULL);
}
