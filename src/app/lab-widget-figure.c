#define G_LOG_DOMAIN "latentlab"

#include "lab-widget-figure.h"

gboolean
lab_widget_snapshot_figure (GtkWidget         *widget,
                            GtkSnapshot       *snapshot,
                            LabFigureDrawFunc  draw,
                            gpointer           figure)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return FALSE;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw (figure, cr, width, height);
  cairo_destroy (cr);
  return TRUE;
}
