#define G_LOG_DOMAIN "latentlab"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-accessible-text.h"
#include "lab-histogram-view.h"
#include "lab-plot-describe.h"
#include "lab-presentation.h"
#include "lab-widget-figure.h"

struct _LabHistogramView
{
  GtkWidget         parent_instance;

  LabHistogramPlot *plot;       /* owned */
  double            drag_x;     /* where the drag began */
  gboolean          dragging;
};

enum {
  THRESHOLD_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void describe (GtkWidget *widget);

G_DEFINE_FINAL_TYPE (LabHistogramView, lab_histogram_view, GTK_TYPE_WIDGET)

/* The line to pixel column x, as the teacher moves it. */
static void
move_to (LabHistogramView *self,
         double            x)
{
  double t;

  if (lab_histogram_plot_get_n_values (self->plot) == 0)
    return;
  t = lab_histogram_plot_to_value (self->plot, x);
  lab_histogram_plot_set_threshold (self->plot, t);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[THRESHOLD_CHANGED], 0, t);
}

static void
on_drag_begin (GtkGestureDrag   *gesture,
               double            x,
               double            y,
               LabHistogramView *self)
{
  self->dragging = lab_histogram_plot_in_area (self->plot, x, y);
  if (!self->dragging)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_x = x;
  move_to (self, x);
}

static void
on_drag_update (GtkGestureDrag   *gesture,
                double            dx,
                double            dy,
                LabHistogramView *self)
{
  if (self->dragging)
    move_to (self, self->drag_x + dx);
}

static void
on_drag_end (GtkGestureDrag   *gesture,
             double            dx,
             double            dy,
             LabHistogramView *self)
{
  if (self->dragging)
    move_to (self, self->drag_x + dx);
  self->dragging = FALSE;
}

void
lab_histogram_view_drag (LabHistogramView *self,
                         double            x,
                         double            dx)
{
  g_return_if_fail (LAB_IS_HISTOGRAM_VIEW (self));

  self->dragging = lab_histogram_plot_in_area (self->plot, x,
                                               gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
  if (!self->dragging)
    return;
  self->drag_x = x;
  move_to (self, x);
  on_drag_update (NULL, dx / 2, 0, self);
  on_drag_end (NULL, dx, 0, self);
}

static void
lab_histogram_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  double scale = lab_presentation_get_scale (widget);

  *minimum = (int) ((orientation == GTK_ORIENTATION_HORIZONTAL ? 180 : 120) * MIN (scale, 1.3));
  *natural = (int) ((orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 150) * MIN (scale, 1.3));
}

static void
lab_histogram_view_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  LabHistogramView *self = LAB_HISTOGRAM_VIEW (widget);

  lab_histogram_plot_set_scale (self->plot, MIN (lab_presentation_get_scale (widget), 1.3));
  lab_histogram_plot_set_size (self->plot, width, height);
  lab_widget_figure_allocate (widget);
}

static void
lab_histogram_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  LabHistogramView *self = LAB_HISTOGRAM_VIEW (widget);

  lab_widget_snapshot_figure (widget, snapshot, lab_histogram_plot_draw_figure, self->plot);
}

static gboolean
get_figure (GtkWidget        *widget,
            LabWidgetFigure  *figure,
            GError          **error)
{
  figure->draw = lab_histogram_plot_draw_figure;
  figure->figure = LAB_HISTOGRAM_VIEW (widget)->plot;
  figure->name = "error-histogram";
  return TRUE;
}

static void
lab_histogram_view_finalize (GObject *object)
{
  LabHistogramView *self = (LabHistogramView *)object;

  g_clear_pointer (&self->plot, lab_histogram_plot_free);

  G_OBJECT_CLASS (lab_histogram_view_parent_class)->finalize (object);
}

static void
lab_histogram_view_class_init (LabHistogramViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lab_histogram_view_finalize;
  widget_class->measure = lab_histogram_view_measure;
  widget_class->size_allocate = lab_histogram_view_size_allocate;
  widget_class->snapshot = lab_histogram_view_snapshot;

  signals[THRESHOLD_CHANGED] =
    g_signal_new ("threshold-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "histogramview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  lab_widget_figure_class_install (widget_class, get_figure);
}

static void
lab_histogram_view_init (LabHistogramView *self)
{
  GtkGesture *drag;

  self->plot = lab_histogram_plot_new ();
  lab_accessible_update_later (GTK_WIDGET (self), describe);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "col-resize");

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  lab_widget_figure_init (GTK_WIDGET (self), NULL);
}

GtkWidget *
lab_histogram_view_new (void)
{
  return g_object_new (LAB_TYPE_HISTOGRAM_VIEW, NULL);
}

LabHistogramPlot *
lab_histogram_view_get_plot (LabHistogramView *self)
{
  g_return_val_if_fail (LAB_IS_HISTOGRAM_VIEW (self), NULL);

  return self->plot;
}

static void
describe (GtkWidget *widget)
{
  LabHistogramPlot *plot = LAB_HISTOGRAM_VIEW (widget)->plot;
  const char *what = lab_histogram_plot_get_x_label (plot);
  /* Translators: a histogram's accessible name; %s is what it counts,
   * "MSE". */
  g_autofree char *name = what != NULL ? g_strdup_printf (_("Histogram of %s"), what) : g_strdup (_("Histogram"));
  g_autofree char *text = lab_histogram_plot_describe (plot);

  lab_accessible_set_text (widget, name, text);
}

void
lab_histogram_view_changed (LabHistogramView *self)
{
  g_return_if_fail (LAB_IS_HISTOGRAM_VIEW (self));

  lab_accessible_update_later (GTK_WIDGET (self), describe);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_histogram_view_set_threshold (LabHistogramView *self,
                                  double            threshold)
{
  g_return_if_fail (LAB_IS_HISTOGRAM_VIEW (self));

  lab_histogram_plot_set_threshold (self->plot, threshold);
  lab_accessible_update_later (GTK_WIDGET (self), describe);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
