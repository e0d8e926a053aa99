#define G_LOG_DOMAIN "latentlab"

#include "lab-tile-view.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-presentation.h"

#define TARGET_PX 48   /* a tile's size to aim for by default, before presentation mode */
#define GAP       5

struct _LabTileView
{
  GtkWidget        parent_instance;

  LabTileScale     scale;
  int              target;    /* the tile size to aim for */
  int              max_natural;  /* natural width at most this, in presentation mode too; -1 */
  guint            n, height, width;
  guint8          *grays;     /* (n, height, width) as drawn */
  float           *lo, *hi;   /* (n) each tile's range, for the tooltip */
  cairo_surface_t *surface;   /* all tiles in one column, 1:1, built on first draw */
};

G_DEFINE_FINAL_TYPE (LabTileView, lab_tile_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYMMETRIC,   /* LAB_TILE_SCALE_SYMMETRIC, for templates */
  PROP_MAX_NATURAL_WIDTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
zoom (LabTileView *self)
{
  guint side = MAX (MAX (self->height, self->width), 1);
  double target = self->target * lab_presentation_get_scale (GTK_WIDGET (self));

  return MAX (1, (int) lround (target / side));
}

int
lab_tile_view_get_tile_size (LabTileView *self)
{
  g_return_val_if_fail (LAB_IS_TILE_VIEW (self), 0);
  return zoom (self) * (int) MAX (self->width, 1);
}

static int
tile_w (LabTileView *self)
{
  return zoom (self) * (int) self->width;
}

static int
tile_h (LabTileView *self)
{
  return zoom (self) * (int) self->height;
}

static guint
columns_for (LabTileView *self,
             int          width)
{
  int step = tile_w (self) + GAP;

  return (guint) CLAMP ((width + GAP) / MAX (step, 1), 1, (int) MAX (self->n, 1));
}

static void
lab_tile_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  LabTileView *self = LAB_TILE_VIEW (widget);

  if (self->n == 0)
    {
      *minimum = *natural = 0;
      return;
    }
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* One tile at least; naturally up to 8 in a row, then wrap. */
      *minimum = tile_w (self);
      *natural = MIN (self->n, 8) * (tile_w (self) + GAP) - GAP;
      if (self->max_natural > 0)
        *natural = MAX (*minimum, MIN (*natural, self->max_natural));
    }
  else
    {
      guint cols = for_size < 0 ? MIN (self->n, 8) : columns_for (self, for_size);
      guint rows = (self->n + cols - 1) / cols;

      *minimum = *natural = rows * (tile_h (self) + GAP) - GAP;
    }
}

static GtkSizeRequestMode
lab_tile_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* The tiles as one RGB24 column at 1:1: tile i at rows
 * [i * height, (i + 1) * height). */
static cairo_surface_t *
build_surface (LabTileView *self)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, self->width,
                                                         self->n * self->height);
  guint8 *data;
  int stride;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint r = 0; r < self->n * self->height; r++)
    {
      guint32 *row = (guint32 *) (data + (gsize) r * stride);

      for (guint x = 0; x < self->width; x++)
        {
          guint32 g = self->grays[(gsize) r * self->width + x];

          row[x] = (g << 16) | (g << 8) | g;
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static void
lab_tile_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  LabTileView *self = LAB_TILE_VIEW (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  int z = zoom (self), tw = tile_w (self), th = tile_h (self);
  guint cols;
  cairo_t *cr;

  if (self->n == 0 || width <= 0 || height <= 0)
    return;
  if (self->surface == NULL)
    self->surface = build_surface (self);
  cols = columns_for (self, width);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (guint i = 0; i < self->n; i++)
    {
      double x = (i % cols) * (tw + GAP), y = (i / cols) * (th + GAP);

      cairo_save (cr);
      cairo_rectangle (cr, x, y, tw, th);
      cairo_clip (cr);
      cairo_translate (cr, x, y);
      cairo_scale (cr, z, z);
      cairo_set_source_surface (cr, self->surface, 0, -(double) i * self->height);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_paint (cr);
      cairo_restore (cr);
      /* A thin frame: tiles of similar gray (a filter's near-zero weights
       * on the page's gray) stay apart. */
      cairo_set_source_rgba (cr, 0.25, 0.28, 0.32, 0.6);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, x + 0.5, y + 0.5, tw - 1, th - 1);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

/* The tile under (x, y) in widget coordinates, or -1. */
static int
tile_at (LabTileView *self,
         double       x,
         double       y)
{
  int tw = tile_w (self), th = tile_h (self);
  guint cols = columns_for (self, gtk_widget_get_width (GTK_WIDGET (self)));
  int c = (int) floor (x / (tw + GAP)), r = (int) floor (y / (th + GAP));
  int i = r * (int) cols + c;

  if (x < 0 || y < 0 || c >= (int) cols || fmod (x, tw + GAP) >= tw || fmod (y, th + GAP) >= th
      || i >= (int) self->n)
    return -1;
  return i;
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    data)
{
  LabTileView *self = LAB_TILE_VIEW (widget);
  int i = keyboard ? -1 : tile_at (self, x, y);
  g_autofree char *text = NULL;

  if (i < 0)
    return FALSE;
  /* Translators: one channel of a layer's output, or one filter: its
   * number and the range of its values. */
  text = g_strdup_printf (_("Tile %d: values from %.3g to %.3g"), i, self->lo[i], self->hi[i]);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
lab_tile_view_set_tiles (LabTileView *self,
                         const float *values,
                         guint        n,
                         guint        height,
                         guint        width,
                         const char  *description)
{
  gsize size = (gsize) height * width;
  gboolean resized;
  float all_lo = INFINITY, all_hi = -INFINITY;

  g_return_if_fail (LAB_IS_TILE_VIEW (self));

  resized = n != self->n || height != self->height || width != self->width;
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  if (resized)
    {
      g_free (self->grays);
      g_free (self->lo);
      g_free (self->hi);
      self->grays = g_new (guint8, MAX (n * size, 1));
      self->lo = g_new (float, MAX (n, 1));
      self->hi = g_new (float, MAX (n, 1));
      self->n = n;
      self->height = height;
      self->width = width;
    }
  for (guint i = 0; i < n; i++)
    {
      const float *v = values + i * size;
      guint8 *g = self->grays + i * size;
      float lo = INFINITY, hi = -INFINITY;

      for (gsize k = 0; k < size; k++)
        {
          lo = MIN (lo, v[k]);
          hi = MAX (hi, v[k]);
        }
      self->lo[i] = lo;
      self->hi[i] = hi;
      all_lo = MIN (all_lo, lo);
      all_hi = MAX (all_hi, hi);
      if (self->scale == LAB_TILE_SCALE_SYMMETRIC)
        {
          float m = MAX (fabsf (lo), fabsf (hi));

          for (gsize k = 0; k < size; k++)
            g[k] = m > 0 ? (guint8) lrintf (127.5f + 127.5f * v[k] / m) : 128;
        }
      else
        {
          /* A channel that is the same everywhere (a ReLU's all zero) is black. */
          float range = hi - lo;

          for (gsize k = 0; k < size; k++)
            g[k] = range > 0 ? (guint8) lrintf (255.0f * (v[k] - lo) / range) : 0;
        }
    }
  if (n > 0)
    {
      /* Translators: an accessible description; the first %s says what the
       * tiles are ("16 channels of Conv2D"). */
      g_autofree char *text = g_strdup_printf (_("%s: %u tiles of %u × %u, values from %.3g to %.3g"),
                                               description != NULL ? description : "", n, height,
                                               width, all_lo, all_hi);

      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      text, -1);
    }
  if (resized)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_tile_view_set_target_size (LabTileView *self,
                               int          pixels)
{
  g_return_if_fail (LAB_IS_TILE_VIEW (self));

  pixels = MAX (pixels, 1);
  if (pixels == self->target)
    return;
  self->target = pixels;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
lab_tile_view_get_n (LabTileView *self)
{
  g_return_val_if_fail (LAB_IS_TILE_VIEW (self), 0);
  return self->n;
}

int
lab_tile_view_get_gray (LabTileView *self,
                        guint        i,
                        guint        y,
                        guint        x)
{
  g_return_val_if_fail (LAB_IS_TILE_VIEW (self), -1);
  if (i >= self->n || y >= self->height || x >= self->width)
    return -1;
  return self->grays[((gsize) i * self->height + y) * self->width + x];
}

static void
lab_tile_view_finalize (GObject *object)
{
  LabTileView *self = (LabTileView *)object;

  g_free (self->grays);
  g_free (self->lo);
  g_free (self->hi);
  g_clear_pointer (&self->surface, cairo_surface_destroy);

  G_OBJECT_CLASS (lab_tile_view_parent_class)->finalize (object);
}

static void
lab_tile_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LabTileView *self = LAB_TILE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SYMMETRIC:
      g_value_set_boolean (value, self->scale == LAB_TILE_SCALE_SYMMETRIC);
      break;

    case PROP_MAX_NATURAL_WIDTH:
      g_value_set_int (value, self->max_natural);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_tile_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LabTileView *self = LAB_TILE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SYMMETRIC:
      /* Tiles shown so far keep their grays until set again. */
      self->scale = g_value_get_boolean (value) ? LAB_TILE_SCALE_SYMMETRIC : LAB_TILE_SCALE_RANGE;
      break;

    case PROP_MAX_NATURAL_WIDTH:
      self->max_natural = g_value_get_int (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_tile_view_class_init (LabTileViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lab_tile_view_finalize;
  object_class->get_property = lab_tile_view_get_property;
  object_class->set_property = lab_tile_view_set_property;
  properties[PROP_SYMMETRIC] =
    g_param_spec_boolean ("symmetric", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /* A column beside others: wrap rather than widen it, in presentation
   * mode too (its larger tiles wrap sooner), so that the column beside
   * keeps its room. */
  properties[PROP_MAX_NATURAL_WIDTH] =
    g_param_spec_int ("max-natural-width", NULL, NULL, -1, G_MAXINT, -1,
                      (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
  widget_class->measure = lab_tile_view_measure;
  widget_class->get_request_mode = lab_tile_view_get_request_mode;
  widget_class->snapshot = lab_tile_view_snapshot;
  gtk_widget_class_set_css_name (widget_class, "tileview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_tile_view_init (LabTileView *self)
{
  self->target = TARGET_PX;
  self->max_natural = -1;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
}

GtkWidget *
lab_tile_view_new (LabTileScale scale)
{
  return g_object_new (LAB_TYPE_TILE_VIEW, "symmetric", scale == LAB_TILE_SCALE_SYMMETRIC, NULL);
}
