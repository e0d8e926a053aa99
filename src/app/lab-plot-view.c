#define G_LOG_DOMAIN "latentlab"

#include "lab-plot-view.h"

#include <math.h>

#include "lab-accessible-text.h"
#include "lab-plot-describe.h"
#include "lab-presentation.h"
#include "lab-widget-figure.h"

struct _LabPlotView
{
  GtkWidget    parent_instance;

  LabLinePlot *plot;      /* owned */
  guint        n_draws;
  double       legend_height;  /* below the plot area at the allocated width */
  /* The inside legend went below the plot area (no corner was free): held
   * there, across lab_plot_view_reset(), until the plot is emptied. */
  gboolean     legend_held_below;
};

G_DEFINE_FINAL_TYPE (LabPlotView, lab_plot_view, GTK_TYPE_WIDGET)

static GtkSizeRequestMode
lab_plot_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
lab_plot_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  LabPlotView *self = LAB_PLOT_VIEW (widget);
  int asked, legend;

  /* Below this the axes and their labels leave no room for the curves. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 320;
      return;
    }
  /* A legend that goes below the plot area at this width (a narrow column
   * on a projector) comes on top of the height asked for (the widget's
   * height request, or the least the curves need), which the curves keep. */
  lab_line_plot_set_scale (self->plot, lab_presentation_get_scale (widget));
  gtk_widget_get_size_request (widget, NULL, &asked);
  legend = (int) ceil (lab_line_plot_get_legend_height (self->plot, for_size >= 0 ? for_size : 320));
  *minimum = MAX (asked, 160) + legend;
  *natural = MAX (asked, 240) + legend;
}

static void
lab_plot_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  LabPlotView *self = LAB_PLOT_VIEW (widget);

  self->legend_height = lab_line_plot_get_legend_height (self->plot, width);
  lab_widget_figure_allocate (widget);
}

static void
describe (GtkWidget *widget)
{
  LabLinePlot *plot = LAB_PLOT_VIEW (widget)->plot;
  g_autofree char *name = lab_line_plot_describe_name (plot);
  g_autofree char *text = lab_line_plot_describe (plot);

  lab_accessible_set_text (widget, name, text);
}

/* Asks for a new size when the legend below the plot area grows or
 * shrinks (lines added, a y range whose labels widen the margin), else
 * only draws again. */
static void
queue_update (LabPlotView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  lab_accessible_update_later (widget, describe);
  if (gtk_widget_get_width (widget) > 0
      && lab_line_plot_get_legend_height (self->plot, gtk_widget_get_width (widget)) != self->legend_height)
    gtk_widget_queue_resize (widget);
  else
    gtk_widget_queue_draw (widget);
}

static gboolean
has_points (LabLinePlot *plot)
{
  for (guint i = 0; i < lab_line_plot_get_n_series (plot); i++)
    if (lab_line_plot_get_n_points (plot, i) > 0)
      return TRUE;
  return FALSE;
}

/* An inside legend that found no free corner went below the plot area, the
 * curves giving up the height it takes there. Points arrive one by one (a
 * noise sweep's levels, epochs): the next ones may free a corner and the
 * one after take it again, and each move would make the curves' height
 * jump. So once it went below it stays below (the plot is told so and
 * told again after a reset) until the plot has no points, as when a new
 * model's run begins; a window resized larger keeps it there too. */
static void
hold_legend (LabPlotView *self,
             int          width,
             int          height)
{
  double x, y, w, h;
  gboolean below;

  if (!self->legend_held_below
      && lab_line_plot_get_legend_area (self->plot, width, height, &x, &y, &w, &h, &below) && below
      && lab_line_plot_get_legend_height (self->plot, width) == 0)
    self->legend_held_below = TRUE;
  lab_line_plot_set_legend_below (self->plot, self->legend_held_below);
}

static void
lab_plot_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  LabPlotView *self = LAB_PLOT_VIEW (widget);

  lab_line_plot_set_scale (self->plot, lab_presentation_get_scale (widget));
  hold_legend (self, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
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
  widget_class->get_request_mode = lab_plot_view_get_request_mode;
  widget_class->measure = lab_plot_view_measure;
  widget_class->size_allocate = lab_plot_view_size_allocate;
  widget_class->snapshot = lab_plot_view_snapshot;
  gtk_widget_class_set_css_name (widget_class, "plotview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  lab_widget_figure_class_install (widget_class, get_figure);
}

static void
lab_plot_view_init (LabPlotView *self)
{
  self->plot = lab_line_plot_new ();
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  lab_widget_figure_init (GTK_WIDGET (self), NULL);
  lab_accessible_update_later (GTK_WIDGET (self), describe);
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
  lab_line_plot_set_scale (self->plot, lab_presentation_get_scale (GTK_WIDGET (self)));
  lab_line_plot_set_legend_below (self->plot, self->legend_held_below);
  queue_update (self);
  return self->plot;
}

void
lab_plot_view_changed (LabPlotView *self)
{
  g_return_if_fail (LAB_IS_PLOT_VIEW (self));

  if (!has_points (self->plot))
    self->legend_held_below = FALSE;
  lab_line_plot_set_legend_below (self->plot, self->legend_held_below);
  queue_update (self);
}

guint
lab_plot_view_get_n_draws (LabPlotView *self)
{
  g_return_val_if_fail (LAB_IS_PLOT_VIEW (self), 0);

  return self->n_draws;
}
