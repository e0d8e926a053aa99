#define G_LOG_DOMAIN "latentlab-core"

/* Writing PNGs: one gray image, and grids of them with optional captions
 * (drawn with Cairo). Reading is in lab-png.c. */

#include "lab-png-private.h"

#include <math.h>
#include <setjmp.h>
#include <string.h>

#include <cairo.h>

#include "lab-save.h"

typedef struct
{
  char     message[LAB_PNG_MESSAGE_SIZE];   /* lab_png_on_error's */
  LabSave *save;
} LabPngWriteState;

static void
write_to_save (png_structp png,
               png_bytep   data,
               size_t      len)
{
  LabPngWriteState *state = png_get_io_ptr (png);

  /* The failure itself is kept in state->save for its message. */
  if (!lab_save_write (state->save, data, len))
    png_error (png, "write failed");
}

static void
flush_nothing (png_structp png)
{
  /* lab_save_write does not buffer. */
}

/* rows (height) point at width gray bytes each. */
static gboolean
write_png_stream (png_bytep         *rows,
                  guint              width,
                  guint              height,
                  LabPngWriteState  *state)
{
  png_structp png;
  png_infop info;

  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, state->message, lab_png_on_error,
                                 lab_png_ignore_warning);
  if (png == NULL)
    {
      g_strlcpy (state->message, "out of memory", sizeof state->message);
      return FALSE;
    }
  info = png_create_info_struct (png);
  if (info == NULL)
    {
      png_destroy_write_struct (&png, NULL);
      g_strlcpy (state->message, "out of memory", sizeof state->message);
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, &info);
      return FALSE;
    }

  png_set_write_fn (png, state, write_to_save, flush_nothing);
  png_set_IHDR (png, info, width, height, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  png_write_image (png, rows);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  return TRUE;
}

/* data (height, stride) holds width gray bytes per row, saved as path
 * through lab_save (the previous file survives any failure). */
static gboolean
write_gray_png (const char    *path,
                const guint8  *data,
                gsize          stride,
                guint          width,
                guint          height,
                GError       **error)
{
  g_autofree png_bytep *rows = NULL;
  LabPngWriteState state = { { 0 } };

  if (width == 0 || height == 0 || width > PNG_USER_WIDTH_MAX || height > PNG_USER_HEIGHT_MAX)
    {
      g_autofree char *name = g_path_get_basename (path);
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "%s: cannot write an image of %u x %u pixels", name, width, height);
      return FALSE;
    }

  rows = g_new (png_bytep, height);
  for (guint y = 0; y < height; y++)
    rows[y] = (png_bytep) data + (gsize) y * stride;

  state.save = lab_save_begin (path, error);
  if (state.save == NULL)
    return FALSE;
  /* A write failure is already in the save; an encoder failure is not. */
  if (!write_png_stream (rows, width, height, &state))
    lab_save_fail (state.save, g_strdup (state.message));
  return lab_save_commit (state.save, error);
}

gboolean
lab_png_save_gray (const char    *path,
                   const guint8  *pixels,
                   guint          width,
                   guint          height,
                   GError       **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (pixels != NULL, FALSE);

  return write_gray_png (path, pixels, width, width, height, error);
}

/* Grid geometry, in output pixels: a GAP-wide border of gray around and
 * between cells; a cell is the image magnified `scale` times, with a
 * CAPTION_HEIGHT band under it when captioned. */
#define GRID_GAP            2
#define GRID_BACKGROUND     80     /* gray of gaps and caption bands */
#define CAPTION_HEIGHT      14
#define CAPTION_FONT_SIZE   11.0

static guint
grid_columns (guint n,
              guint columns)
{
  if (columns == 0)
    columns = (guint) ceil (sqrt ((double) n));
  return CLAMP (columns, 1, MAX (n, 1));
}

void
lab_png_grid_layout (guint     n,
                     guint     height,
                     guint     width,
                     guint     columns,
                     guint     scale,
                     gboolean  captioned,
                     guint    *grid_width,
                     guint    *grid_height,
                     guint     i,
                     guint    *x,
                     guint    *y)
{
  guint cols = grid_columns (n, columns);
  guint rows = (n + cols - 1) / cols;
  guint cell_w = width * MAX (scale, 1);
  guint cell_h = height * MAX (scale, 1) + (captioned ? CAPTION_HEIGHT : 0);

  if (grid_width)
    *grid_width = GRID_GAP + cols * (cell_w + GRID_GAP);
  if (grid_height)
    *grid_height = GRID_GAP + rows * (cell_h + GRID_GAP);
  if (x)
    *x = GRID_GAP + (i % cols) * (cell_w + GRID_GAP);
  if (y)
    *y = GRID_GAP + (i / cols) * (cell_h + GRID_GAP);
}

gboolean
lab_png_save_grid (const char          *path,
                   const guint8 * const *images,
                   guint                n,
                   guint                height,
                   guint                width,
                   guint                columns,
                   guint                scale,
                   const char * const  *captions,
                   GError             **error)
{
  g_autofree char *display = NULL;
  cairo_surface_t *surface;
  guint cols, rows, grid_w, grid_h;
  guint8 *data;
  int stride;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (images != NULL || n == 0, FALSE);

  display = g_filename_display_name (path);
  if (n == 0 || height == 0 || width == 0 || scale == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "%s: nothing to draw (%u images of %u x %u at scale %u)",
                   display, n, height, width, scale);
      return FALSE;
    }

  /* Cairo surfaces are limited to 32767 pixels a side; check in 64 bits
   * before any multiplication can wrap. */
  cols = grid_columns (n, columns);
  rows = (n + cols - 1) / cols;
  if ((guint64) cols * ((guint64) width * scale + GRID_GAP) + GRID_GAP > 32767
      || (guint64) rows * ((guint64) height * scale + GRID_GAP + (captions ? CAPTION_HEIGHT : 0)) + GRID_GAP > 32767)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: a grid of %u x %u images of %u x %u at scale %u is too large",
                   display, cols, rows, width, height, scale);
      return FALSE;
    }
  lab_png_grid_layout (n, height, width, columns, scale, captions != NULL,
                       &grid_w, &grid_h, 0, NULL, NULL);

  /* An A8 surface is a gray canvas: alpha is the gray level. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, grid_w, grid_h);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: cannot draw a %u x %u grid (%s)", display, grid_w, grid_h,
                   cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return FALSE;
    }
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint yy = 0; yy < grid_h; yy++)
    memset (data + (gsize) yy * stride, GRID_BACKGROUND, grid_w);

  /* Nearest-neighbour magnification, written straight into the surface. */
  for (guint i = 0; i < n; i++)
    {
      const guint8 *img = images[i];
      guint x0, y0;

      lab_png_grid_layout (n, height, width, columns, scale, captions != NULL,
                           NULL, NULL, i, &x0, &y0);
      for (guint yy = 0; yy < height * scale; yy++)
        {
          guint8 *dst = data + (gsize) (y0 + yy) * stride + x0;
          const guint8 *src = img + (gsize) (yy / scale) * width;

          if (scale == 1)
            memcpy (dst, src, width);
          else
            for (guint xx = 0; xx < width * scale; xx++)
              dst[xx] = src[xx / scale];
        }
    }
  cairo_surface_mark_dirty (surface);

  if (captions != NULL)
    {
      cairo_t *cr = cairo_create (surface);

      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, CAPTION_FONT_SIZE);
      cairo_set_source_rgba (cr, 0, 0, 0, 1.0);   /* full alpha = white */
      for (guint i = 0; i < n; i++)
        {
          cairo_text_extents_t ext;
          guint x0, y0;
          double cell_w = (double) width * scale;
          double band_y;

          if (captions[i] == NULL || captions[i][0] == '\0')
            continue;
          lab_png_grid_layout (n, height, width, columns, scale, TRUE, NULL, NULL, i, &x0, &y0);
          band_y = y0 + (double) height * scale;

          /* Centred in the band under the image, clipped to the cell. */
          cairo_save (cr);
          cairo_rectangle (cr, x0, band_y, cell_w, CAPTION_HEIGHT);
          cairo_clip (cr);
          /* Narrow cells get a smaller font, down to a still legible size;
           * what is still too wide is cut off at the cell's edge. */
          cairo_set_font_size (cr, CAPTION_FONT_SIZE);
          cairo_text_extents (cr, captions[i], &ext);
          if (ext.x_advance > cell_w - 2)
            {
              cairo_set_font_size (cr, MAX (7.0, CAPTION_FONT_SIZE * (cell_w - 2) / ext.x_advance));
              cairo_text_extents (cr, captions[i], &ext);
            }
          cairo_move_to (cr,
                         x0 + MAX (0.0, (cell_w - ext.x_advance) / 2),
                         band_y + CAPTION_HEIGHT - 3.0);
          cairo_show_text (cr, captions[i]);
          cairo_restore (cr);
        }
      cairo_destroy (cr);
      cairo_surface_flush (surface);
    }

  ok = write_gray_png (path, data, stride, grid_w, grid_h, error);
  cairo_surface_destroy (surface);
  return ok;
}

gboolean
lab_png_save_grid_float (const char         *path,
                         const float        *images,
                         guint               n,
                         guint               height,
                         guint               width,
                         guint               columns,
                         guint               scale,
                         const char * const *captions,
                         GError            **error)
{
  gsize size = (gsize) height * width;
  g_autofree guint8 *bytes = NULL;
  g_autofree const guint8 **ptrs = NULL;

  g_return_val_if_fail (images != NULL || n == 0, FALSE);

  if ((guint64) n * height * width > LAB_MAX_ALLOC_BYTES)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: %u images of %u x %u are too many for one grid",
                   display, n, width, height);
      return FALSE;
    }

  bytes = g_malloc (MAX (n * size, 1));
  ptrs = g_new (const guint8 *, MAX (n, 1));
  for (gsize k = 0; k < n * size; k++)
    {
      float v = images[k];
      /* NaN fails both comparisons and lands on 0. */
      bytes[k] = v > 0.0f ? (v < 1.0f ? (guint8) (v * 255.0f + 0.5f) : 255) : 0;
    }
  for (guint i = 0; i < n; i++)
    ptrs[i] = bytes + i * size;

  return lab_png_save_grid (path, ptrs, n, height, width, columns, scale, captions, error);
}
