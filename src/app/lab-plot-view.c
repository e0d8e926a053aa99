#define G_LOG_DOMAIN "latentlab"

#include "lab-plot-view.h"
#include "lab-presentation.h"
#include "lab-widget-figure.h"

struct _LabPlotView
{
  GtkWidget    parent_instance;

  LabLinePlot *plot;      /* owned */
  guint        n_draws;
};

G_DEFINE_FINAL_TYPE (LabPlotView, lab_plot_view, GTK_TYPE_WIDGET)

static void
lab_plot_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  /* Below this the axes and their labels leave no room for the curves. */
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 240;
}

static void
lab_plot_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  lab_widget_figure_allocate (widget);
}

static void
lab_plot_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  LabPlotView *self = LAB_PLOT_VIEW (widget);

  lab_line_plot_set_scale (self->plot, lab_presentation_get_scale (widget));
  if (lab_widget_snapshot_figure (widget, snapshot, lab_line_plot_draw_figure, self->plot))
    self->n_draws++;
}

static gboolean
get_figure (GtkWidget        *widget,
            LabWidgetFigure  *figure,
            GError          **error)
{
  figure->draw = lab_line_plot_draw_figure;
  figure->figure = LAB_PLOT_VIEW (widget)->plot;
  return TRUE;
}

static void
lab_plot_view_finalize (GObject *object)
{
  LabPlotView *self = (LabPlotView *)object;

  g_clear_pointer (&self->plot, lab_line_plot_free);

  G_OBJECT_CLASS (lab_plot_view_parent_class)->finalize (object);
}

static void
lab_plot_view_class_init (LabPlotViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lab_plot_view_finalize;
  widget_class->measure = lab_plot_view_measure;
  widget_class->size_allocate = lab_plot_view_size_allocate;
  widget_class->snapshot = lab_plot_view_snapshot;
  gtk_widget_class_set_css_name (widget_class, "plotview");
  lab_widget_figure_class_install (widget_class, get_figure);
}

static void
lab_plot_view_init (LabPlotView *self)
{
  self->plot = lab_line_plot_new ();
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  lab_widget_figure_init (GTK_WIDGET (self), NULL);
}

GtkWidget *
lab_plot_view_new (void)
{
  return g_object_new (LAB_TYPE_PLOT_VIEW, NULL);
}

LabLinePlot *
lab_plot_view_get_plot (LabPlotView *self)
{
  g_return_val_if_fail (LAB_IS_PLOT_VIEW (self), NULL);

  return self->plot;
}

LabLinePlot *
lab_plot_view_reset (LabPlotView *self)
{
  g_return_val_if_fail (LAB_IS_PLOT_VIEW (self), NULL);

  lab_line_plot_free (self->plot);
  self->plot = lab_line_plot_new ();
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return self->plot;
}

void
lab_plot_view_changed (LabPlotView *self)
{
  g_return_if_fail (LAB_IS_PLOT_VIEW (self));

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
lab_plot_view_get_n_draws (LabPlotView *self)
{
  g_return_val_if_fail (LAB_IS_PLOT_VIEW (self), 0);

  return self->n_draws;
}
