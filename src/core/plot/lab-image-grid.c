#define G_LOG_DOMAIN "latentlab-core"

#include "lab-image-grid.h"

#include <math.h>
#include <string.h>

/* Layout in pixels (logical pixels on screen, points in SVG and PDF). Row
 * titles sit above their row, in every block (so that the rows of a second
 * block read without looking back at the first) while the images still get
 * their own size; else, and in the measured minimum, in the first block
 * only. */
#define PAD          8
#define TITLE_HEIGHT 18
#define BLOCK_GAP    16
#define CAPTION_LINE 16
#define MAX_BLOCKS   4

/* Text sizes in points, as GTK shows them at 96 dpi. */
#define PT_TO_PX     (96.0 / 72.0)
#define TITLE_PT     10.0
#define PLACEHOLDER_PT 11.0
#define CAPTION_PT   9.0

/* The app's slate (@lab_slate in style.css). */
#define SLATE_R 0.086
#define SLATE_G 0.094
#define SLATE_B 0.122

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

struct _LabImageGrid
{
  Row      rows[LAB_IMAGE_GRID_MAX_ROWS];
  guint    n_rows;
  guint    max_columns;
  guint    gap, row_gap;
  gboolean background;
  double   text_scale;
};

typedef struct
{
  guint  blocks;
  guint  columns;     /* per block */
  double cell;        /* side of one image cell */
  double width, height;
  gboolean all_titles; /* every block titles its rows, not only the first */
} Layout;

LabImageGrid *
lab_image_grid_new (void)
{
  LabImageGrid *self = g_new0 (LabImageGrid, 1);

  self->n_rows = 3;
  self->gap = 4;
  self->row_gap = 6;
  self->background = TRUE;
  self->text_scale = 1;
  return self;
}

static void
row_clear_images (Row *row)
{
  g_clear_pointer (&row->pixels, g_free);
  g_clear_pointer (&row->strip, cairo_surface_destroy);
  row->n = row->height = row->width = 0;
}

void
lab_image_grid_free (LabImageGrid *self)
{
  if (self == NULL)
    return;
  for (guint r = 0; r < LAB_IMAGE_GRID_MAX_ROWS; r++)
    {
      row_clear_images (&self->rows[r]);
      g_free (self->rows[r].title);
      g_free (self->rows[r].placeholder);
      g_clear_pointer (&self->rows[r].captions, g_ptr_array_unref);
    }
  g_free (self);
}

void
lab_image_grid_set_n_rows (LabImageGrid *self,
                           guint         n_rows)
{
  g_return_if_fail (n_rows <= LAB_IMAGE_GRID_MAX_ROWS);

  self->n_rows = n_rows;
}

guint
lab_image_grid_get_n_rows (LabImageGrid *self)
{
  return self->n_rows;
}

void
lab_image_grid_set_row_title (LabImageGrid *self,
                              guint         row,
                              const char   *title)
{
  g_return_if_fail (row < LAB_IMAGE_GRID_MAX_ROWS);

  g_free (self->rows[row].title);
  self->rows[row].title = g_strdup (title);
}

const char *
lab_image_grid_get_row_title (LabImageGrid *self,
                              guint         row)
{
  g_return_val_if_fail (row < LAB_IMAGE_GRID_MAX_ROWS, NULL);

  return self->rows[row].title;
}

void
lab_image_grid_set_placeholder (LabImageGrid *self,
                                guint         row,
                                const char   *text)
{
  g_return_if_fail (row < LAB_IMAGE_GRID_MAX_ROWS);

  g_free (self->rows[row].placeholder);
  self->rows[row].placeholder = g_strdup (text);
}

void
lab_image_grid_set_row (LabImageGrid *self,
                        guint         row,
                        const guint8 *pixels,
                        guint         n,
                        guint         height,
                        guint         width)
{
  Row *r;

  g_return_if_fail (row < LAB_IMAGE_GRID_MAX_ROWS);

  r = &self->rows[row];
  row_clear_images (r);
  if (pixels == NULL || n == 0 || height == 0 || width == 0)
    return;
  r->pixels = g_memdup2 (pixels, (gsize) n * height * width);
  r->n = n;
  r->height = height;
  r->width = width;
}

void
lab_image_grid_set_row_float (LabImageGrid *self,
                              guint         row,
                              const float  *pixels,
                              guint         n,
                              guint         height,
                              guint         width)
{
  Row *r;
  gsize total;

  g_return_if_fail (row < LAB_IMAGE_GRID_MAX_ROWS);

  r = &self->rows[row];
  row_clear_images (r);
  if (pixels == NULL || n == 0 || height == 0 || width == 0)
    return;
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

void
lab_image_grid_set_captions (LabImageGrid       *self,
                             guint               row,
                             const char * const *captions)
{
  Row *r;

  g_return_if_fail (row < LAB_IMAGE_GRID_MAX_ROWS);

  r = &self->rows[row];
  g_clear_pointer (&r->captions, g_ptr_array_unref);
  r->caption_lines = 0;
  if (captions == NULL)
    return;
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

void
lab_image_grid_set_max_columns (LabImageGrid *self,
                                guint         max_columns)
{
  self->max_columns = max_columns;
}

void
lab_image_grid_set_gaps (LabImageGrid *self,
                         guint         gap,
                         guint         row_gap)
{
  self->gap = gap;
  self->row_gap = row_gap;
}

void
lab_image_grid_set_background (LabImageGrid *self,
                               gboolean      background)
{
  self->background = background;
}

void
lab_image_grid_set_text_scale (LabImageGrid *self,
                               double        scale)
{
  self->text_scale = scale > 0 ? scale : 1;
}

const guint8 *
lab_image_grid_get_row_pixels (LabImageGrid *self,
                               guint         row,
                               guint        *n,
                               guint        *height,
                               guint        *width)
{
  g_return_val_if_fail (row < LAB_IMAGE_GRID_MAX_ROWS, NULL);

  if (n)
    *n = self->rows[row].n;
  if (height)
    *height = self->rows[row].height;
  if (width)
    *width = self->rows[row].width;
  return self->rows[row].pixels;
}

/* Layout */

static guint
n_columns (LabImageGrid *self)
{
  guint n = 0;

  for (guint r = 0; r < self->n_rows; r++)
    n = MAX (n, self->rows[r].n);
  return n;
}

/* The side, in image pixels, every cell is scaled from: the largest image.
 * A half-size input (super-resolution) is shown at the same cell size. */
static guint
reference_side (LabImageGrid *self)
{
  guint side = 0;

  for (guint r = 0; r < self->n_rows; r++)
    side = MAX (side, MAX (self->rows[r].height, self->rows[r].width));
  return side ? side : 28;
}

static double
title_height (LabImageGrid *self)
{
  return round (TITLE_HEIGHT * self->text_scale);
}

static double
caption_height (LabImageGrid *self,
                const Row    *row)
{
  return row->caption_lines * round (CAPTION_LINE * self->text_scale) + (row->caption_lines ? 4 : 0);
}

static double
titles_height (LabImageGrid *self)
{
  double h = 0;

  for (guint r = 0; r < self->n_rows; r++)
    if (self->rows[r].title != NULL)
      h += title_height (self);
  return h;
}

static double
captions_height (LabImageGrid *self)
{
  double h = 0;

  for (guint r = 0; r < self->n_rows; r++)
    h += caption_height (self, &self->rows[r]);
  return h;
}

/* The cell side that fits b blocks of cols columns into width x height,
 * with the row titles in every block or in the first only. */
static double
fit_cell (LabImageGrid *self,
          double        width,
          double        height,
          guint         b,
          guint         cols,
          gboolean      all_titles)
{
  guint side = reference_side (self);
  guint rows = MAX (self->n_rows, 1);
  double titles = titles_height (self);
  double cw = (width - 2 * PAD - (cols - 1.0) * self->gap) / cols;
  double ch = (height - 2 * PAD - (b - 1) * BLOCK_GAP - (all_titles ? b : 1) * titles
               - b * ((rows - 1.0) * self->row_gap + captions_height (self))) / (b * rows);
  double cell = MIN (cw, ch);

  /* Whole zoom factors keep pixels square and equal from 2x up; between
   * 1x and 2x (a 1024 px projector) the cell takes the room there is,
   * drawn smoothed, rather than fall back to 1x. */
  if (cell >= 2 * side)
    cell = floor (cell / side) * side;
  else if (cell >= side)
    cell = floor (cell);
  return cell;
}

static void
compute_layout (LabImageGrid *self,
                double        width,
                double        height,
                Layout       *out)
{
  guint n = MAX (n_columns (self), 1);
  guint side = reference_side (self);
  guint rows = MAX (self->n_rows, 1);
  double captions = captions_height (self), titles = titles_height (self);

  out->cell = -1;
  out->blocks = 1;
  out->columns = n;
  out->all_titles = TRUE;
  /* The blocks that give the largest images with every block titled;
   * when none gets them their own size, titles in the first block only. */
  for (guint pass = 0; pass < 2 && out->cell < side; pass++)
    {
      out->cell = -1;
      for (guint b = 1; b <= MAX_BLOCKS; b++)
        {
          guint cols = (n + b - 1) / b;
          double cell = fit_cell (self, width, height, b, cols, pass == 0);

          if (cell > out->cell + 0.5)
            {
              out->cell = cell;
              out->blocks = b;
              out->columns = cols;
              out->all_titles = pass == 0 || b == 1;
            }
          if (cols == 1)
            break;
        }
    }
  if (out->cell < 0)
    {
      out->blocks = 1;
      out->columns = n;
      out->cell = side;
    }
  out->cell = MAX (out->cell, 8);
  out->width = out->columns * out->cell + (out->columns - 1.0) * self->gap;
  out->height = out->blocks * (rows * out->cell + (rows - 1.0) * self->row_gap + captions)
                + (out->blocks - 1) * BLOCK_GAP + (out->all_titles ? out->blocks : 1) * titles;
}

void
lab_image_grid_measure (LabImageGrid *self,
                        gboolean      horizontal,
                        int          *minimum,
                        int          *natural)
{
  guint n = MAX (n_columns (self), 1);
  guint side = reference_side (self);
  guint cols = self->max_columns ? MIN (n, self->max_columns) : n;
  guint blocks = (n + cols - 1) / cols;
  double captions = captions_height (self);

  if (horizontal)
    {
      /* At least 1:1, naturally 1.4x (ten MNIST digits fit beside the
       * Train page's settings on a 1024 px projector, with the German
       * sidebar too); more when there is room. */
      *minimum = 2 * PAD + cols * (side + self->gap);
      *natural = 2 * PAD + cols * (7 * side / 5 + self->gap);
    }
  else
    {
      double rows = blocks * (self->n_rows * (side + self->row_gap) + captions)
                    + (blocks - 1) * BLOCK_GAP;

      /* At least 1:1 with the titles once; naturally 3x with the titles in
       * every block. */
      *minimum = 2 * PAD + rows + titles_height (self);
      *natural = 2 * PAD + rows + blocks * (self->n_rows * 2 * side + titles_height (self));
    }
}

/* Drawing */

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

/* The lines of text that fit width: at '\n', and between words when a
 * line is too wide (wrap is FALSE: only at '\n'). */
static GPtrArray *
text_lines (cairo_t    *cr,
            const char *text,
            double      width,
            gboolean    wrap)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) paragraphs = g_strsplit (text, "\n", -1);

  for (guint p = 0; paragraphs[p] != NULL; p++)
    {
      g_auto(GStrv) words = g_strsplit (paragraphs[p], " ", -1);
      GString *line = g_string_new (NULL);

      for (guint w = 0; words[w] != NULL; w++)
        {
          g_autofree char *longer = line->len ? g_strconcat (line->str, " ", words[w], NULL)
                                              : g_strdup (words[w]);
          cairo_text_extents_t ext;

          cairo_text_extents (cr, longer, &ext);
          if (wrap && line->len > 0 && ext.x_advance > width)
            {
              g_ptr_array_add (lines, g_string_free (line, FALSE));
              line = g_string_new (words[w]);
            }
          else
            g_string_assign (line, longer);
        }
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }
  return lines;
}

/* The widest of lines at cr's font. */
static double
widest_line (cairo_t   *cr,
             GPtrArray *lines)
{
  double widest = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      cairo_text_extents_t ext;

      cairo_text_extents (cr, g_ptr_array_index (lines, i), &ext);
      widest = MAX (widest, ext.x_advance);
    }
  return widest;
}

/* The captions' size in points for cells cell wide: CAPTION_PT, or
 * smaller where one of them would be wider than its image (large type,
 * small cells) and run into its neighbours; the same for every caption
 * of the grid, so that a row's numbers ("9.9 dB", "10.0 dB") read as one
 * size, as do the rows. */
static double
caption_points (LabImageGrid *self,
                cairo_t      *cr,
                double        cell)
{
  double size = CAPTION_PT * PT_TO_PX * self->text_scale, widest = 0;

  cairo_save (cr);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
  for (guint r = 0; r < self->n_rows; r++)
    for (guint i = 0; self->rows[r].captions != NULL && i < self->rows[r].captions->len; i++)
      {
        g_autoptr(GPtrArray) lines = text_lines (cr, g_ptr_array_index (self->rows[r].captions, i),
                                                 cell, FALSE);

        widest = MAX (widest, widest_line (cr, lines));
      }
  cairo_restore (cr);
  if (widest <= cell || cell <= 0)
    return CAPTION_PT;
  /* a hair under, so that draw_text finds it fits */
  return MAX (6.0 / (PT_TO_PX * self->text_scale), CAPTION_PT * cell / widest * 0.999);
}

/* text in the box (x, y, width, height), centred vertically, aligned left
 * (align 0) or centred (0.5), white at alpha. */
static void
draw_text (LabImageGrid *self,
           cairo_t      *cr,
           const char   *text,
           double        x,
           double        y,
           double        width,
           double        height,
           double        align,
           double        points,
           gboolean      bold,
           gboolean      wrap,
           double        alpha)
{
  g_autoptr(GPtrArray) lines = NULL;
  cairo_font_extents_t font;
  double size = points * PT_TO_PX * self->text_scale;
  double line_height, top;

  cairo_save (cr);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
  lines = text_lines (cr, text, width, wrap);
  /* A title wider than its box gets smaller rather than run past it. */
  if (!wrap)
    {
      double widest = widest_line (cr, lines);

      if (widest > width && width > 0)
        cairo_set_font_size (cr, MAX (6.0, size * width / widest));
    }
  cairo_font_extents (cr, &font);
  line_height = font.ascent + font.descent;
  /* Wrapped text taller than its box (large type over 1x cells) gets
   * smaller rather than run over the rows around it. */
  while (wrap && lines->len * line_height > height && size > 6.0)
    {
      size = MAX (6.0, 0.9 * size);
      cairo_set_font_size (cr, size);
      g_ptr_array_unref (lines);
      lines = text_lines (cr, text, width, wrap);
      cairo_font_extents (cr, &font);
      line_height = font.ascent + font.descent;
    }
  top = round (y + (height - lines->len * line_height) / 2);
  cairo_set_source_rgba (cr, 1, 1, 1, alpha);
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      cairo_text_extents_t ext;

      cairo_text_extents (cr, line, &ext);
      cairo_move_to (cr, x + (width - ext.x_advance) * align, top + i * line_height + font.ascent);
      cairo_show_text (cr, line);
    }
  cairo_restore (cr);
}

void
lab_image_grid_draw (LabImageGrid *self,
                     cairo_t      *cr,
                     double        width,
                     double        height)
{
  Layout lay;
  double x0, y0, y, caption_pt;

  g_return_if_fail (self != NULL);

  cairo_save (cr);
  if (self->background)
    {
      cairo_set_source_rgb (cr, SLATE_R, SLATE_G, SLATE_B);
      cairo_paint (cr);
    }
  if (self->n_rows == 0)
    {
      cairo_restore (cr);
      return;
    }
  compute_layout (self, width, height, &lay);
  caption_pt = caption_points (self, cr, lay.cell);
  x0 = MAX (PAD, round ((width - lay.width) / 2));
  y0 = MAX (PAD, round ((height - lay.height) / 2));

  y = y0;
  for (guint b = 0; b < lay.blocks; b++)
    {
      for (guint r = 0; r < self->n_rows; r++)
        {
          Row *row = &self->rows[r];
          cairo_surface_t *strip = row_strip (row);

          if (row->title != NULL && (b == 0 || lay.all_titles))
            {
              draw_text (self, cr, row->title, x0, y, lay.width, title_height (self), 0, TITLE_PT,
                         TRUE, FALSE, 0.8);
              y += title_height (self);
            }
          if (row->pixels == NULL && row->placeholder != NULL && b == 0)
            draw_text (self, cr, row->placeholder, x0, y, lay.width, lay.cell, 0.5, PLACEHOLDER_PT,
                       FALSE, TRUE, 0.55);
          for (guint c = 0; c < lay.columns; c++)
            {
              guint i = b * lay.columns + c;
              double x = x0 + c * (lay.cell + self->gap);

              if (strip != NULL && i < row->n)
                {
                  /* Nearest filter keeps the pixels square at whole zooms;
                   * a fractional one is smoothed, not uneven. */
                  cairo_save (cr);
                  cairo_rectangle (cr, x, y, lay.cell, lay.cell);
                  cairo_clip (cr);
                  cairo_translate (cr, x, y);
                  cairo_scale (cr, lay.cell / row->width, lay.cell / row->height);
                  cairo_set_source_surface (cr, strip, -(double) i * row->width, 0);
                  cairo_pattern_set_filter (cairo_get_source (cr),
                                            fmod (lay.cell, row->width) == 0 ? CAIRO_FILTER_NEAREST
                                                                             : CAIRO_FILTER_GOOD);
                  cairo_paint (cr);
                  cairo_restore (cr);
                }
              if (row->captions != NULL && i < row->captions->len)
                /* Within its image's width: the gap stays between captions. */
                draw_text (self, cr, g_ptr_array_index (row->captions, i),
                           x, y + lay.cell + 2, lay.cell,
                           caption_height (self, row) - 2, 0.5, caption_pt, FALSE, FALSE, 0.85);
            }
          y += lay.cell + caption_height (self, row) + self->row_gap;
        }
      y += BLOCK_GAP - self->row_gap;
    }
  cairo_restore (cr);
}

void
lab_image_grid_draw_figure (gpointer  grid,
                            cairo_t  *cr,
                            double    width,
                            double    height)
{
  lab_image_grid_draw (grid, cr, width, height);
}
