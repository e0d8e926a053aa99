#define G_LOG_DOMAIN "latentlab"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-error.h"
#include "lab-image-grid.h"
#include "lab-manifold-view.h"
#include "lab-widget-figure.h"

struct _LabManifoldView
{
  GtkWidget        parent_instance;

  /* Template widgets */
  GtkDrawingArea  *manifold_area;
  GtkLabel        *manifold_label;

  /* Owned: the mosaic as one image of a LabImageGrid, drawn by the core's
   * code on screen and in an export */
  LabImageGrid    *grid;
};

G_DEFINE_FINAL_TYPE (LabManifoldView, lab_manifold_view, GTK_TYPE_WIDGET)

static void
draw_manifold (GtkDrawingArea *area,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        data)
{
  LabManifoldView *self = data;

  lab_image_grid_draw (self->grid, cr, width, height);
}

static gboolean
get_figure (GtkWidget        *widget,
            LabWidgetFigure  *figure,
            GError          **error)
{
  LabManifoldView *self = LAB_MANIFOLD_VIEW (widget);

  if (!lab_manifold_view_is_ready (self))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, _("The manifold is not decoded yet."));
      return FALSE;
    }
  figure->draw = lab_image_grid_draw_figure;
  figure->figure = self->grid;
  figure->name = "manifold";
  return TRUE;
}

gboolean
lab_manifold_view_decode (LabManifoldView     *self,
                          const LabEmbedding  *emb,
                          LabModel            *decoder,
                          GError             **error)
{
  const guint g = LAB_EMBED_MANIFOLD_GRID;
  guint w = g * emb->width, h = g * emb->height;
  g_autofree guint8 *mosaic = g_new (guint8, (gsize) w * h);
  double x0, x1, y0, y1;
  g_autofree char *text = NULL;

  g_return_val_if_fail (LAB_IS_MANIFOLD_VIEW (self), FALSE);

  lab_embedding_manifold_range (emb, decoder, &x0, &x1, &y0, &y1);
  if (!lab_embedding_manifold (emb, decoder, g, x0, x1, y0, y1, mosaic, error))
    return FALSE;
  lab_image_grid_set_row (self->grid, 0, mosaic, 1, h, w);
  gtk_widget_queue_draw (GTK_WIDGET (self->manifold_area));
  text = g_strdup_printf (_("What the decoder draws across the %s plane: %u × %u decodes, %s from %.2f to %.2f left to right, "
                            "%s from %.2f (bottom) to %.2f (top)"),
                          _(lab_embed_method_title (emb->method)), g, g,
                          emb->method == LAB_EMBED_PCA ? "PC 1" : "z₁", x0, x1,
                          emb->method == LAB_EMBED_PCA ? "PC 2" : "z₂", y0, y1);
  gtk_label_set_label (self->manifold_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->manifold_area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Manifold of the decoder"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  return TRUE;
}

void
lab_manifold_view_clear (LabManifoldView *self)
{
  g_return_if_fail (LAB_IS_MANIFOLD_VIEW (self));

  lab_image_grid_set_row (self->grid, 0, NULL, 0, 0, 0);
}

gboolean
lab_manifold_view_is_ready (LabManifoldView *self)
{
  g_return_val_if_fail (LAB_IS_MANIFOLD_VIEW (self), FALSE);

  return lab_image_grid_get_row_pixels (self->grid, 0, NULL, NULL, NULL) != NULL;
}

static void
lab_manifold_view_dispose (GObject *object)
{
  LabManifoldView *self = (LabManifoldView *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_MANIFOLD_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_manifold_view_parent_class)->dispose (object);
}

static void
lab_manifold_view_finalize (GObject *object)
{
  LabManifoldView *self = (LabManifoldView *)object;

  g_clear_pointer (&self->grid, lab_image_grid_free);

  G_OBJECT_CLASS (lab_manifold_view_parent_class)->finalize (object);
}

static void
lab_manifold_view_class_init (LabManifoldViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_manifold_view_dispose;
  object_class->finalize = lab_manifold_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-manifold-view.ui");
  gtk_widget_class_set_css_name (widget_class, "manifoldview");
  gtk_widget_class_bind_template_child (widget_class, LabManifoldView, manifold_area);
  gtk_widget_class_bind_template_child (widget_class, LabManifoldView, manifold_label);
  lab_widget_figure_class_install (widget_class, get_figure);
}

static void
lab_manifold_view_init (LabManifoldView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->grid = lab_image_grid_new ();
  lab_image_grid_set_n_rows (self->grid, 1);
  gtk_drawing_area_set_draw_func (self->manifold_area, draw_manifold, self, NULL);
  lab_widget_figure_init (GTK_WIDGET (self), NULL);
}
