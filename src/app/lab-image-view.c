#define G_LOG_DOMAIN "latentlab"

#include "lab-image-view.h"

struct _LabImageView
{
  GtkWidget   parent_instance;

  guint8     *pixels;      /* (height, width), owned */
  guint       width;
  guint       height;
  int         pixel_size;

  /* The image enlarged `zoom` times in device pixels, made on demand. */
  GdkTexture *texture;
  guint       zoom;
};

enum {
  PROP_0,
  PROP_PIXEL_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabImageView, lab_image_view, GTK_TYPE_WIDGET)

/* Nearest-neighbour enlargement of a gray image to R8G8B8 (GDK_MEMORY_G8
 * needs GTK 4.12): out (height*zoom, width*zoom, 3). */
static GdkTexture *
make_texture (const guint8 *pixels,
              guint         width,
              guint         height,
              guint         zoom)
{
  gsize out_w = (gsize) width * zoom;
  gsize out_h = (gsize) height * zoom;
  gsize stride = out_w * 3;
  guint8 *out = g_malloc (stride * out_h);
  g_autoptr(GBytes) bytes = NULL;

  for (guint y = 0; y < height; y++)
    {
      const guint8 *src = pixels + (gsize) y * width;
      guint8 *row = out + (gsize) y * zoom * stride;

      for (guint x = 0; x < width; x++)
        memset (row + (gsize) x * zoom * 3, src[x], (gsize) zoom * 3);
      for (guint r = 1; r < zoom; r++)
        memcpy (row + r * stride, row, stride);
    }

  bytes = g_bytes_new_take (out, stride * out_h);
  return gdk_memory_texture_new (out_w, out_h, GDK_MEMORY_R8G8B8, bytes, stride);
}

static void
lab_image_view_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  LabImageView *self = LAB_IMAGE_VIEW (widget);
  guint w = self->width ? self->width : 1;
  guint h = self->height ? self->height : 1;
  int size = self->pixel_size;

  /* The longer side gets pixel_size, the other keeps the aspect ratio;
   * an empty view reserves a square. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL && h > w)
    size = (int) ((gint64) size * w / h);
  else if (orientation == GTK_ORIENTATION_VERTICAL && w > h)
    size = (int) ((gint64) size * h / w);

  *minimum = *natural = size;
}

static void
lab_image_view_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  LabImageView *self = LAB_IMAGE_VIEW (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint zoom;
  float draw_w, draw_h;

  if (self->pixels == NULL || width <= 0 || height <= 0)
    return;

  /* The largest whole magnification in device pixels keeps every image
   * pixel the same size on screen. */
  zoom = MIN ((guint) (width * scale) / self->width, (guint) (height * scale) / self->height);
  zoom = MAX (zoom, 1);

  if (self->texture == NULL || self->zoom != zoom)
    {
      g_clear_object (&self->texture);
      self->texture = make_texture (self->pixels, self->width, self->height, zoom);
      self->zoom = zoom;
    }

  draw_w = (float) (self->width * zoom) / scale;
  draw_h = (float) (self->height * zoom) / scale;
  if (draw_w > width || draw_h > height)
    {
      /* Smaller than the image itself: shrink to fit (rare, blurry). */
      float f = MIN (width / draw_w, height / draw_h);

      draw_w *= f;
      draw_h *= f;
    }

  gtk_snapshot_append_texture (snapshot, self->texture,
                               &GRAPHENE_RECT_INIT (floorf ((width - draw_w) / 2),
                                                    floorf ((height - draw_h) / 2),
                                                    draw_w, draw_h));
}

static void
lab_image_view_finalize (GObject *object)
{
  LabImageView *self = (LabImageView *)object;

  g_clear_pointer (&self->pixels, g_free);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (lab_image_view_parent_class)->finalize (object);
}

static void
lab_image_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LabImageView *self = LAB_IMAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PIXEL_SIZE:
      g_value_set_int (value, self->pixel_size);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_image_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LabImageView *self = LAB_IMAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PIXEL_SIZE:
      lab_image_view_set_pixel_size (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_image_view_class_init (LabImageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lab_image_view_finalize;
  object_class->get_property = lab_image_view_get_property;
  object_class->set_property = lab_image_view_set_property;

  widget_class->measure = lab_image_view_measure;
  widget_class->snapshot = lab_image_view_snapshot;

  properties[PROP_PIXEL_SIZE] =
    g_param_spec_int ("pixel-size", NULL, NULL,
                      1, 4096, 56,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "imageview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_image_view_init (LabImageView *self)
{
  /* No overflow clip: the texture never leaves the content box, and a clip
   * node per thumbnail costs the GL renderer while scrolling. */
  self->pixel_size = 56;
}

GtkWidget *
lab_image_view_new (void)
{
  return g_object_new (LAB_TYPE_IMAGE_VIEW, NULL);
}

static void
lab_image_view_take (LabImageView *self,
                     guint8       *pixels,
                     guint         width,
                     guint         height)
{
  gboolean resized = width != self->width || height != self->height;

  g_free (self->pixels);
  self->pixels = pixels;
  self->width = pixels ? width : 0;
  self->height = pixels ? height : 0;
  g_clear_object (&self->texture);

  if (resized)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_image_view_set_gray (LabImageView *self,
                         const guint8 *pixels,
                         guint         width,
                         guint         height)
{
  g_return_if_fail (LAB_IS_IMAGE_VIEW (self));
  g_return_if_fail (pixels != NULL);
  g_return_if_fail (width > 0 && height > 0);

  lab_image_view_take (self, g_memdup2 (pixels, (gsize) width * height), width, height);
}

void
lab_image_view_set_float (LabImageView *self,
                          const float  *pixels,
                          guint         width,
                          guint         height)
{
  gsize n = (gsize) width * height;
  guint8 *gray;

  g_return_if_fail (LAB_IS_IMAGE_VIEW (self));
  g_return_if_fail (pixels != NULL);
  g_return_if_fail (width > 0 && height > 0);

  gray = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    gray[i] = (guint8) (CLAMP (pixels[i], 0.0f, 1.0f) * 255.0f + 0.5f);
  lab_image_view_take (self, gray, width, height);
}

void
lab_image_view_clear (LabImageView *self)
{
  g_return_if_fail (LAB_IS_IMAGE_VIEW (self));

  if (self->pixels != NULL)
    lab_image_view_take (self, NULL, 0, 0);
}

const guint8 *
lab_image_view_get_pixels (LabImageView *self,
                           guint        *width,
                           guint        *height)
{
  g_return_val_if_fail (LAB_IS_IMAGE_VIEW (self), NULL);

  if (width != NULL)
    *width = self->width;
  if (height != NULL)
    *height = self->height;
  return self->pixels;
}

int
lab_image_view_get_pixel_size (LabImageView *self)
{
  g_return_val_if_fail (LAB_IS_IMAGE_VIEW (self), 0);

  return self->pixel_size;
}

void
lab_image_view_set_pixel_size (LabImageView *self,
                               int           pixel_size)
{
  g_return_if_fail (LAB_IS_IMAGE_VIEW (self));
  g_return_if_fail (pixel_size > 0);

  if (self->pixel_size == pixel_size)
    return;
  self->pixel_size = pixel_size;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PIXEL_SIZE]);
}
