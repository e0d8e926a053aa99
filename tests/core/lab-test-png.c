#include "lab-test-png.h"

#include <string.h>

static guint32
crc32_png (const guint8 *p,
           gsize         n)
{
  guint32 c = 0xffffffffu;

  for (gsize i = 0; i < n; i++)
    {
      c ^= p[i];
      for (int k = 0; k < 8; k++)
        c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
  return c ^ 0xffffffffu;
}

static void
put_be32 (guint8  *p,
          guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

void
lab_test_write_png_header (const char *path,
                           guint32     width,
                           guint32     height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 head[33 + 12];

  memcpy (head, signature, 8);
  put_be32 (head + 8, 13);
  memcpy (head + 12, "IHDR", 4);
  put_be32 (head + 16, width);
  put_be32 (head + 20, height);
  head[24] = 8;   /* bit depth */
  head[25] = 6;   /* RGBA */
  head[26] = 0;
  head[27] = 0;
  head[28] = 0;
  put_be32 (head + 29, crc32_png (head + 12, 17));
  put_be32 (head + 33, 0);
  memcpy (head + 37, "IEND", 4);
  put_be32 (head + 41, crc32_png (head + 37, 4));
  g_assert_true (g_file_set_contents (path, (const char *) head, sizeof head, NULL));
}

cairo_surface_t *
lab_test_draw_figure (LabFigureDrawFunc  draw,
                      gpointer           figure,
                      int                width,
                      int                height)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (s);

  draw (figure, cr, width, height);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  return s;
}
