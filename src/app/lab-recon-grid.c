#define G_LOG_DOMAIN "latentlab"

#include "lab-recon-grid.h"

#include <math.h>

/* Layout in logical pixels. Row titles sit above their row, in the first
 * block only: width is what the images are short of. */
#define PAD          8
#define TITLE_HEIGHT 18
#define GAP          4
#define ROW_GAP      6
#define BLOCK_GAP    16
#define CAPTION_LINE 16
#define MAX_BLOCKS   4

typedef struct
{
  char            *title;
  char            *placeholder;
  guint8          *pixels;        /* (n, height, width), owned */
  guint            n, height, width;
  GPtrArray       *captions;      /* (element-type utf8), or NULL */
  guint            caption_lines;
  cairo_surface_t *strip;         /* the n images side by side, made on demand */
} Row;

struct _LabReconGrid
{
  GtkWidget  parent_instance;

  Row        rows[LAB_RECON_GRID_MAX_ROWS];
  guint      n_rows;
  guint      max_columns;
  guint      n_updates;
};

typedef struct
{
  guint  blocks;
  guint  columns;     /* per block */
  double cell;        /* side of one image cell */
  double width, height;
} Layout;

G_DEFINE_FINAL_TYPE (LabReconGrid, lab_recon_grid, GTK_TYPE_WIDGET)

static void
row_clear_images (Row *row)
{
  g_clear_pointer (&row->pixels, g_free);
  g_clear_pointer (&row->strip, cairo_surface_destroy);
  row->n = row->height = row->width = 0;
}

static guint
n_columns (LabReconGrid *self)
{
  guint n = 0;

  for (guint r = 0; r < self->n_rows; r++)
    n = MAX (n, self->rows[r].n);
  return n;
}

/* The side, in image pixels, every cell is scaled from: the largest image.
 * A half-size input (super-resolution) is shown at the same cell size. */
static guint
reference_side (LabReconGrid *self)
{
  guint side = 0;

  for (guint r = 0; r < self->n_rows; r++)
    side = MAX (side, MAX (self->rows[r].height, self->rows[r].width));
  return side ? side : 28;
}

static double
caption_height (const Row *row)
{
  return row->caption_lines * CAPTION_LINE + (row->caption_lines ? 4 : 0);
}

static double
titles_height (LabReconGrid *self)
{
  double h = 0;

  for (guint r = 0; r < self->n_rows; r++)
    if (self->rows[r].title != NULL)
      h += TITLE_HEIGHT;
  return h;
}

static void
compute_layout (LabReconGrid *self,
                double        width,
                double        height,
                Layout       *out)
{
  guint n = MAX (n_columns (self), 1);
  guint side = reference_side (self);
  double captions = 0, titles = titles_height (self);

  for (guint r = 0; r < self->n_rows; r++)
    captions += caption_height (&self->rows[r]);

  out->cell = -1;
  out->blocks = 1;
  out->columns = n;
  for (guint b = 1; b <= MAX_BLOCKS; b++)
    {
      guint cols = (n + b - 1) / b;
      double cw, ch, cell;

      if (self->max_columns && cols > self->max_columns)
        continue;
      cw = (width - 2 * PAD - (cols - 1) * GAP) / cols;
      ch = (height - 2 * PAD - (b - 1) * BLOCK_GAP - titles
            - b * ((self->n_rows - 1) * ROW_GAP + captions)) / (b * MAX (self->n_rows, 1));
      cell = MIN (cw, ch);
      /* Whole zoom factors keep pixels square and equal. */
      if (cell >= side)
        cell = floor (cell / side) * side;
      if (cell > out->cell + 0.5)
        {
          out->cell = cell;
          out->blocks = b;
          out->columns = cols;
        }
      if (cols == 1)
        break;
    }
  if (out->cell < 0)
    {
      out->blocks = 1;
      out->columns = n;
      out->cell = side;
    }
  out->cell = MAX (out->cell, 8);
  out->width = out->columns * out->cell + (out->columns - 1) * GAP;
  out->height = out->blocks * (self->n_rows * out->cell + (self->n_rows - 1) * ROW_GAP + captions)
                + (out->blocks - 1) * BLOCK_GAP + titles;
}

static void
lab_recon_grid_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  LabReconGrid *self = LAB_RECON_GRID (widget);
  guint n = MAX (n_columns (self), 1);
  guint side = reference_side (self);
  guint cols = self->max_columns ? MIN (n, self->max_columns) : n;
  guint blocks = (n + cols - 1) / cols;
  double captions = 0;

  for (guint r = 0; r < self->n_rows; r++)
    captions += caption_height (&self->rows[r]);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* At least 1:1, naturally 3x. */
      *minimum = 2 * PAD + cols * (side + GAP);
      *natural = 2 * PAD + cols * (3 * side + GAP);
    }
  else
    {
      double rows = blocks * (self->n_rows * (side + ROW_GAP) + captions)
                    + (blocks - 1) * BLOCK_GAP + titles_height (self);

      /* Naturally 3x. */
      *minimum = 2 * PAD + rows;
      *natural = 2 * PAD + rows + blocks * self->n_rows * 2 * side;
    }
}

static cairo_surface_t *
row_strip (Row *row)
{
  guint total_w = row->n * row->width;
  guchar *data;
  int stride;

  if (row->strip != NULL || row->pixels == NULL)
    return row->strip;

  row->strip = cairo_image_surface_create (CAIRO_FORMAT_RGB24, total_w, row->height);
  data = cairo_image_surface_get_data (row->strip);
  stride = cairo_image_surface_get_stride (row->strip);
  for (guint i = 0; i < row->n; i++)
    for (guint y = 0; y < row->height; y++)
      {
        const guint8 *src = row->pixels + ((gsize) i * row->height + y) * row->width;
        guint32 *dst = (guint32 *) (data + (gsize) y * stride) + (gsize) i * row->width;

        for (guint x = 0; x < row->width; x++)
          dst[x] = 0xff000000u | (src[x] << 16) | (src[x] << 8) | src[x];
      }
  cairo_surface_mark_dirty (row->strip);
  return row->strip;
}

static void
append_text (LabReconGrid *self,
             GtkSnapshot  *snapshot,
             const char   *text,
             double        x,
             double        y,
             double        width,
             double        height,
             PangoAlignment align,
             double        points,
             gboolean      bold,
             double        alpha)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoFontDescription *desc = pango_font_description_copy (pango_context_get_font_description (pango_layout_get_context (layout)));
  int lw, lh;

  pango_font_description_set_size (desc, (int) (points * PANGO_SCALE));
  if (bold)
    pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_alignment (layout, align);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_get_pixel_size (layout, &lw, &lh);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, round (y + (height - lh) / 2)));
  gtk_snapshot_append_layout (snapshot, layout, &(GdkRGBA) { 1, 1, 1, alpha });
  gtk_snapshot_restore (snapshot);
}

static void
lab_recon_grid_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  LabReconGrid *self = LAB_RECON_GRID (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  Layout lay;
  double x0, y0, y;
  cairo_t *cr;

  if (width <= 0 || height <= 0 || self->n_rows == 0)
    return;
  compute_layout (self, width, height, &lay);
  x0 = MAX (PAD, round ((width - lay.width) / 2));
  y0 = MAX (PAD, round ((height - lay.height) / 2));

  /* Images in one Cairo node; nearest filter keeps the pixels square. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  y = y0;
  for (guint b = 0; b < lay.blocks; b++)
    {
      for (guint r = 0; r < self->n_rows; r++)
        {
          Row *row = &self->rows[r];
          cairo_surface_t *strip = row_strip (row);

          if (b == 0 && row->title != NULL)
            y += TITLE_HEIGHT;
          for (guint c = 0; c < lay.columns && strip != NULL; c++)
            {
              guint i = b * lay.columns + c;
              double x = x0 + c * (lay.cell + GAP);

              if (i >= row->n)
                break;
              cairo_save (cr);
              cairo_rectangle (cr, x, y, lay.cell, lay.cell);
              cairo_clip (cr);
              cairo_translate (cr, x, y);
              cairo_scale (cr, lay.cell / row->width, lay.cell / row->height);
              cairo_set_source_surface (cr, strip, -(double) i * row->width, 0);
              cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
              cairo_paint (cr);
              cairo_restore (cr);
            }
          y += lay.cell + caption_height (row) + ROW_GAP;
        }
      y += BLOCK_GAP - ROW_GAP;
    }
  cairo_destroy (cr);

  /* Titles, captions and placeholders as Pango layouts on top. */
  y = y0;
  for (guint b = 0; b < lay.blocks; b++)
    {
      for (guint r = 0; r < self->n_rows; r++)
        {
          Row *row = &self->rows[r];

          if (b == 0 && row->title != NULL)
            {
              append_text (self, snapshot, row->title, x0, y, lay.width, TITLE_HEIGHT,
                           PANGO_ALIGN_LEFT, 10, TRUE, 0.8);
              y += TITLE_HEIGHT;
            }
          if (row->pixels == NULL && row->placeholder != NULL && b == 0)
            append_text (self, snapshot, row->placeholder, x0, y, lay.width, lay.cell,
                         PANGO_ALIGN_CENTER, 11, FALSE, 0.55);
          for (guint c = 0; row->captions != NULL && c < lay.columns; c++)
            {
              guint i = b * lay.columns + c;

              if (i >= row->captions->len)
                break;
              append_text (self, snapshot, g_ptr_array_index (row->captions, i),
                           x0 + c * (lay.cell + GAP) - GAP / 2.0, y + lay.cell + 2,
                           lay.cell + GAP, caption_height (row) - 2, PANGO_ALIGN_CENTER,
                           9, FALSE, 0.85);
            }
          y += lay.cell + caption_height (row) + ROW_GAP;
        }
      y += BLOCK_GAP - ROW_GAP;
    }
}

static void
lab_recon_grid_finalize (GObject *object)
{
  LabReconGrid *self = (LabReconGrid *)object;

  for (guint r = 0; r < LAB_RECON_GRID_MAX_ROWS; r++)
    {
      row_clear_images (&self->rows[r]);
      g_clear_pointer (&self->rows[r].title, g_free);
      g_clear_pointer (&self->rows[r].placeholder, g_free);
      g_clear_pointer (&self->rows[r].captions, g_ptr_array_unref);
    }

  G_OBJECT_CLASS (lab_recon_grid_parent_class)->finalize (object);
}

static void
lab_recon_grid_class_init (LabReconGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lab_recon_grid_finalize;
  widget_class->measure = lab_recon_grid_measure;
  widget_class->snapshot = lab_recon_grid_snapshot;
  gtk_widget_class_set_css_name (widget_class, "recongrid");
}

static void
lab_recon_grid_init (LabReconGrid *self)
{
  self->n_rows = 3;
}

GtkWidget *
lab_recon_grid_new (void)
{
  return g_object_new (LAB_TYPE_RECON_GRID, NULL);
}

void
lab_recon_grid_set_n_rows (LabReconGrid *self,
                           guint         n_rows)
{
  g_return_if_fail (LAB_IS_RECON_GRID (self));
  g_return_if_fail (n_rows <= LAB_RECON_GRID_MAX_ROWS);

  self->n_rows = n_rows;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
lab_recon_grid_set_row_title (LabReconGrid *self,
                              guint         row,
                              const char   *title)
{
  g_return_if_fail (LAB_IS_RECON_GRID (self));
  g_return_if_fail (row < LAB_RECON_GRID_MAX_ROWS);

  g_free (self->rows[row].title);
  self->rows[row].title = g_strdup (title);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_recon_grid_set_placeholder (LabReconGrid *self,
                                guint         row,
                                const char   *text)
{
  g_return_if_fail (LAB_IS_RECON_GRID (self));
  g_return_if_fail (row < LAB_RECON_GRID_MAX_ROWS);

  g_free (self->rows[row].placeholder);
  self->rows[row].placeholder = g_strdup (text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_recon_grid_set_row (LabReconGrid *self,
                        guint         row,
                        const float  *pixels,
                        guint         n,
                        guint         height,
                        guint         width)
{
  Row *r;
  gsize total;
  gboolean resize;

  g_return_if_fail (LAB_IS_RECON_GRID (self));
  g_return_if_fail (row < LAB_RECON_GRID_MAX_ROWS);

  r = &self->rows[row];
  resize = r->n != (pixels ? n : 0) || r->height != height || r->width != width;
  row_clear_images (r);
  if (pixels != NULL && n > 0 && height > 0 && width > 0)
    {
      total = (gsize) n * height * width;
      r->pixels = g_malloc (total);
      for (gsize i = 0; i < total; i++)
        {
          float v = pixels[i];

          r->pixels[i] = v <= 0 ? 0 : v >= 1 ? 255 : (guint8) lrintf (v * 255.f);
        }
      r->n = n;
      r->height = height;
      r->width = width;
    }
  self->n_updates++;
  if (resize)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_recon_grid_set_captions (LabReconGrid       *self,
                             guint               row,
                             const char * const *captions)
{
  Row *r;
  guint old_lines;

  g_return_if_fail (LAB_IS_RECON_GRID (self));
  g_return_if_fail (row < LAB_RECON_GRID_MAX_ROWS);

  r = &self->rows[row];
  old_lines = r->caption_lines;
  g_clear_pointer (&r->captions, g_ptr_array_unref);
  r->caption_lines = 0;
  if (captions != NULL)
    {
      r->captions = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; captions[i] != NULL; i++)
        {
          guint lines = 1;

          for (const char *p = captions[i]; *p; p++)
            lines += *p == '\n';
          r->caption_lines = MAX (r->caption_lines, lines);
          g_ptr_array_add (r->captions, g_strdup (captions[i]));
        }
    }
  if (old_lines != r->caption_lines)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_recon_grid_show_batch (LabReconGrid        *self,
                           const LabReconBatch *batch,
                           gboolean             with_metrics)
{
  g_return_if_fail (LAB_IS_RECON_GRID (self));
  g_return_if_fail (batch != NULL);

  lab_recon_grid_set_row (self, 0, batch->input, batch->n, batch->in_shape.h, batch->in_shape.w);
  if (lab_recon_batch_has_images (batch))
    lab_recon_grid_set_row (self, 1, batch->output, batch->n, batch->out_shape.h, batch->out_shape.w);
  else
    lab_recon_grid_set_row (self, 1, NULL, 0, 0, 0);
  lab_recon_grid_set_row (self, 2, batch->clean, batch->n, batch->height, batch->width);

  if (with_metrics)
    {
      g_autoptr(GStrvBuilder) noisy = g_strv_builder_new ();
      g_autoptr(GStrvBuilder) output = g_strv_builder_new ();
      g_auto(GStrv) noisy_v = NULL;
      g_auto(GStrv) output_v = NULL;

      for (guint i = 0; i < batch->n; i++)
        {
          g_autofree char *a = isfinite (batch->noisy_psnr[i])
                               ? g_strdup_printf ("%.1f dB", batch->noisy_psnr[i]) : g_strdup ("");
          g_autofree char *b = isfinite (batch->psnr[i])
                               ? g_strdup_printf ("%.1f dB\n%.4f", batch->psnr[i], batch->mse[i])
                               : g_strdup ("");

          g_strv_builder_add (noisy, a);
          g_strv_builder_add (output, b);
        }
      noisy_v = g_strv_builder_end (noisy);
      output_v = g_strv_builder_end (output);
      lab_recon_grid_set_captions (self, 0, (const char * const *) noisy_v);
      lab_recon_grid_set_captions (self, 1, (const char * const *) output_v);
    }
  else
    {
      lab_recon_grid_set_captions (self, 0, NULL);
      lab_recon_grid_set_captions (self, 1, NULL);
    }
}

void
lab_recon_grid_set_max_columns (LabReconGrid *self,
                                guint         max_columns)
{
  g_return_if_fail (LAB_IS_RECON_GRID (self));

  self->max_columns = max_columns;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const guint8 *
lab_recon_grid_get_row_pixels (LabReconGrid *self,
                               guint         row,
                               guint        *n,
                               guint        *height,
                               guint        *width)
{
  g_return_val_if_fail (LAB_IS_RECON_GRID (self), NULL);
  g_return_val_if_fail (row < LAB_RECON_GRID_MAX_ROWS, NULL);

  if (n)
    *n = self->rows[row].n;
  if (height)
    *height = self->rows[row].height;
  if (width)
    *width = self->rows[row].width;
  return self->rows[row].pixels;
}

guint
lab_recon_grid_get_n_updates (LabReconGrid *self)
{
  g_return_val_if_fail (LAB_IS_RECON_GRID (self), 0);

  return self->n_updates;
}
