#define G_LOG_DOMAIN "latentlab"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-manifold-view.h"

struct _LabManifoldView
{
  GtkWidget        parent_instance;

  /* Template widgets */
  GtkDrawingArea  *manifold_area;
  GtkLabel        *manifold_label;

  /* Owned */
  cairo_surface_t *mosaic;    /* RGB24, grid × (width, height) pixels, or NULL */
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
  int w, h;
  double scale;

  cairo_set_source_rgb (cr, 0.086, 0.094, 0.122);
  cairo_paint (cr);
  if (self->mosaic == NULL)
    return;
  w = cairo_image_surface_get_width (self->mosaic);
  h = cairo_image_surface_get_height (self->mosaic);
  scale = MIN ((double) width / w, (double) height / h);
  /* Whole factors when they fit keep every pixel the same size. */
  if (scale >= 1)
    scale = floor (scale) + (scale - floor (scale) > 0.5 ? 0.5 : 0);
  cairo_translate (cr, floor ((width - w * scale) / 2), floor ((height - h * scale) / 2));
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, self->mosaic, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle (cr, 0, 0, w, h);
  cairo_fill (cr);
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
  cairo_surface_t *surface;
  guint8 *data;
  int stride;
  g_autofree char *text = NULL;

  g_return_val_if_fail (LAB_IS_MANIFOLD_VIEW (self), FALSE);

  lab_embedding_manifold_range (emb, decoder, &x0, &x1, &y0, &y1);
  if (!lab_embedding_manifold (emb, decoder, g, x0, x1, y0, y1, mosaic, error))
    return FALSE;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint32 v = mosaic[(gsize) y * w + x];

        ((guint32 *) (data + (gsize) y * stride))[x] = (v << 16) | (v << 8) | v;
      }
  cairo_surface_mark_dirty (surface);
  g_clear_pointer (&self->mosaic, cairo_surface_destroy);
  self->mosaic = surface;
  gtk_widget_queue_draw (GTK_WIDGET (self->manifold_area));
  text = g_strdup_printf (_("What the decoder draws across the %s plane: %u × %u decodes, %s from %.2f to %.2f left to right, "
                            "%s from %.2f (bottom) to %.2f (top)"),
                          _(lab_embed_method_title (emb->method)), g, g,
                          emb->method == LAB_EMBED_PCA ? "PC 1" : "z₁", x0, x1,
                          emb->method == LAB_EMBED_PCA ? "PC 2" : "z₂", y0, y1);
  gtk_label_set_label (self->manifold_label, text);
  return TRUE;
}

void
lab_manifold_view_clear (LabManifoldView *self)
{
  g_return_if_fail (LAB_IS_MANIFOLD_VIEW (self));

  g_clear_pointer (&self->mosaic, cairo_surface_destroy);
}

gboolean
lab_manifold_view_is_ready (LabManifoldView *self)
{
  g_return_val_if_fail (LAB_IS_MANIFOLD_VIEW (self), FALSE);

  return self->mosaic != NULL;
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

  g_clear_pointer (&self->mosaic, cairo_surface_destroy);

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
}

static void
lab_manifold_view_init (LabManifoldView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->manifold_area, draw_manifold, self, NULL);
}
