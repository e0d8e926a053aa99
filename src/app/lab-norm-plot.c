#define G_LOG_DOMAIN "latentlab"

#include "lab-norm-plot.h"

#include <math.h>

#include <glib/gi18n.h>

struct _LabNormPlot
{
  GtkWidget    parent_instance;

  /* Template widgets */
  LabPlotView *weight_plot;
  LabPlotView *grad_plot;

  /* Owned */
  GArray      *layers;       /* (element-type guint) the layer of each line */
  GPtrArray   *names;        /* (element-type char *) each line's name */
  guint64      last_step;
  gboolean     any;          /* a point was added since the reset */
};

G_DEFINE_FINAL_TYPE (LabNormPlot, lab_norm_plot, GTK_TYPE_WIDGET)

static void
setup_plot (LabNormPlot *self,
            LabPlotView *view,
            const char  *title)
{
  LabLinePlot *plot = lab_plot_view_reset (view);

  lab_line_plot_set_title (plot, title);
  lab_line_plot_set_labels (plot, _("training step"), _("L2 norm"));
  lab_line_plot_set_log_y (plot, TRUE);
  lab_line_plot_set_legend_outside (plot, TRUE);
  for (guint i = 0; i < self->layers->len; i++)
    lab_line_plot_add_series (plot, g_ptr_array_index (self->names, i), i, LAB_LINE_STYLE_LINE);
}

void
lab_norm_plot_reset (LabNormPlot *self,
                     LabModel    *model)
{
  g_return_if_fail (LAB_IS_NORM_PLOT (self));

  g_array_set_size (self->layers, 0);
  g_ptr_array_set_size (self->names, 0);
  for (guint i = 0; model != NULL && i < lab_model_n_layers (model); i++)
    {
      LabLayer *layer = lab_model_get_layer (model, i);

      if (layer->n_params == 0)
        continue;
      g_array_append_val (self->layers, i);
      /* A layer's number and kind: "3 Conv2D". */
      g_ptr_array_add (self->names, g_strdup_printf ("%u %s", i, layer->klass->title));
    }
  setup_plot (self, self->weight_plot, _("Weight norm per layer"));
  setup_plot (self, self->grad_plot, _("Gradient norm per layer (while training)"));
  self->last_step = 0;
  self->any = FALSE;
  lab_plot_view_changed (self->weight_plot);
  lab_plot_view_changed (self->grad_plot);
}

/* A single step (a model opened from a file) spans 0 to that step, or
 * 0 to 1 at step 0, rather than half a step either side of it; more steps
 * span theirs. */
static void
fit_x_range (LabLinePlot *plot,
             guint64      step)
{
  if (lab_line_plot_get_n_points (plot, 0) == 1)
    lab_line_plot_set_x_range (plot, 0, MAX ((double) step, 1.0));
  else
    lab_line_plot_set_x_range (plot, 0, 0);
}

void
lab_norm_plot_add (LabNormPlot *self,
                   guint64      step,
                   const float *param_norms,
                   const float *grad_norms)
{
  LabLinePlot *wp, *gp;

  g_return_if_fail (LAB_IS_NORM_PLOT (self));

  wp = lab_plot_view_get_plot (self->weight_plot);
  gp = lab_plot_view_get_plot (self->grad_plot);
  /* The same step again (a run's last weights come twice: as published
   * and as kept) adds nothing; an earlier one is a new run. */
  if (self->any && step == self->last_step)
    return;
  if (self->any && step < self->last_step)
    {
      lab_line_plot_clear (wp);
      lab_line_plot_clear (gp);
    }
  for (guint i = 0; i < self->layers->len; i++)
    {
      guint layer = g_array_index (self->layers, guint, i);

      lab_line_plot_append (wp, i, step, param_norms[layer]);
      if (grad_norms != NULL && isfinite (grad_norms[layer]))
        lab_line_plot_append (gp, i, step, grad_norms[layer]);
    }
  if (self->layers->len > 0)
    {
      fit_x_range (wp, step);
      fit_x_range (gp, step);
    }
  self->last_step = step;
  self->any = TRUE;
  lab_plot_view_changed (self->weight_plot);
  lab_plot_view_changed (self->grad_plot);
}

guint
lab_norm_plot_get_n_points (LabNormPlot *self,
                            gboolean     grads)
{
  g_return_val_if_fail (LAB_IS_NORM_PLOT (self), 0);

  if (self->layers->len == 0)
    return 0;
  return lab_line_plot_get_n_points (lab_plot_view_get_plot (grads ? self->grad_plot : self->weight_plot), 0);
}

guint
lab_norm_plot_get_n_lines (LabNormPlot *self)
{
  g_return_val_if_fail (LAB_IS_NORM_PLOT (self), 0);
  return self->layers->len;
}

LabPlotView *
lab_norm_plot_get_view (LabNormPlot *self,
                        gboolean     grads)
{
  g_return_val_if_fail (LAB_IS_NORM_PLOT (self), NULL);
  return grads ? self->grad_plot : self->weight_plot;
}

static void
lab_norm_plot_dispose (GObject *object)
{
  LabNormPlot *self = (LabNormPlot *)object;

  g_clear_pointer (&self->layers, g_array_unref);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_NORM_PLOT);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (lab_norm_plot_parent_class)->dispose (object);
}

static void
lab_norm_plot_class_init (LabNormPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_norm_plot_dispose;

  g_type_ensure (LAB_TYPE_PLOT_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-norm-plot.ui");
  gtk_widget_class_set_css_name (widget_class, "normplot");
  gtk_widget_class_bind_template_child (widget_class, LabNormPlot, weight_plot);
  gtk_widget_class_bind_template_child (widget_class, LabNormPlot, grad_plot);
}

static void
lab_norm_plot_init (LabNormPlot *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->layers = g_array_new (FALSE, FALSE, sizeof (guint));
  self->names = g_ptr_array_new_with_free_func (g_free);
  lab_norm_plot_reset (self, NULL);
}

GtkWidget *
lab_norm_plot_new (void)
{
  return g_object_new (LAB_TYPE_NORM_PLOT, NULL);
}
