#define G_LOG_DOMAIN "latentlab-core"

#include "lab-png-private.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

/* libpng reports errors by calling our error function, which must not
 * return: we keep its message and longjmp back to the setjmp in the caller.
 * Everything the caller must free after a longjmp lives in this struct (not
 * in locals, which setjmp may not preserve). */
typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;
  gboolean      truncated;
  char          message[LAB_PNG_MESSAGE_SIZE];
  guint8       *buffer;   /* decoded rows (height, rowbytes) */
  png_bytep    *rows;     /* (height) pointers into buffer */
} LabPngState;

void
lab_png_on_error (png_structp      png,
                  png_const_charp  message)
{
  char *kept = png_get_error_ptr (png);

  g_strlcpy (kept, message ? message : "unknown error", LAB_PNG_MESSAGE_SIZE);
  png_longjmp (png, 1);
}

void
lab_png_ignore_warning (png_structp      png,
                        png_const_charp  message)
{
  /* The core never prints; warnings (bad ancillary chunks) are harmless. */
}

static void
on_png_read (png_structp  png,
             png_bytep    out,
             png_size_t   len)
{
  LabPngState *state = png_get_io_ptr (png);

  if (len > state->len - state->pos)
    {
      state->truncated = TRUE;
      png_error (png, "the file ends early");
    }
  memcpy (out, state->data + state->pos, len);
  state->pos += len;
}

gboolean
lab_png_has_signature (const guint8 *data,
                       gsize         len)
{
  return len >= sizeof png_signature && memcmp (data, png_signature, sizeof png_signature) == 0;
}

/* Reads the whole file at path, refusing anything but a regular file no
 * larger than LAB_MAX_ALLOC_BYTES. */
static gboolean
read_file (const char  *path,
           const char  *display,
           guint8     **data,
           gsize       *len,
           GError     **error)
{
  g_autofree guint8 *buffer = NULL;
  struct stat st;
  gsize done = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, LAB_ERROR, saved == ENOENT ? LAB_ERROR_NOT_FOUND : LAB_ERROR_IO,
                   "%s: cannot open (%s)", display, g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_IO,
                   "%s: cannot open (not a regular file)", display);
      close (fd);
      return FALSE;
    }
  if ((guint64) st.st_size > LAB_MAX_ALLOC_BYTES)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: the file is too large (%" G_GUINT64_FORMAT " bytes)",
                   display, (guint64) st.st_size);
      close (fd);
      return FALSE;
    }

  buffer = g_try_malloc (MAX (st.st_size, 1));
  if (buffer == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: not enough memory to read the file", display);
      close (fd);
      return FALSE;
    }
  while (done < (gsize) st.st_size)
    {
      gssize r = read (fd, buffer + done, st.st_size - done);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int saved = errno;
          g_set_error (error, LAB_ERROR, LAB_ERROR_IO,
                       "%s: cannot read (%s)", display, g_strerror (saved));
          close (fd);
          return FALSE;
        }
      if (r == 0)
        break;   /* shrank while we read: use what is there */
      done += r;
    }
  close (fd);

  *data = g_steal_pointer (&buffer);
  *len = done;
  return TRUE;
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

gboolean
lab_png_check_size (guint32      width,
                    guint32      height,
                    const char  *name,
                    GError     **error)
{
  guint64 pixels = (guint64) width * height;

  if (width > LAB_PNG_MAX_SIDE || height > LAB_PNG_MAX_SIDE)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: the image is too large (%u x %u; at most %u pixels a side)",
                   name, width, height, LAB_PNG_MAX_SIDE);
      return FALSE;
    }
  if (pixels > LAB_PNG_MAX_PIXELS)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: the image is too large (%u x %u, %" G_GUINT64_FORMAT
                   " megapixels; at most %" G_GUINT64_FORMAT " megapixels)",
                   name, width, height, pixels / 1000000, LAB_PNG_MAX_PIXELS / 1000000);
      return FALSE;
    }
  return TRUE;
}

gboolean
lab_png_parse_header (const guint8  *data,
                      gsize          len,
                      const char    *name,
                      gboolean      *is_png,
                      guint         *width,
                      guint         *height,
                      GError       **error)
{
  guint32 w, h;

  if (is_png)
    *is_png = FALSE;
  if (!lab_png_has_signature (data, len))
    return FALSE;
  if (is_png)
    *is_png = TRUE;

  /* signature, then IHDR: length 13, "IHDR", width, height, ... */
  if (len < LAB_PNG_HEADER_BYTES)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TRUNCATED,
                   "%s: corrupt PNG data (the file ends early)", name);
      return FALSE;
    }
  if (read_be32 (data + 8) != 13 || memcmp (data + 12, "IHDR", 4) != 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: corrupt PNG data (no IHDR header)", name);
      return FALSE;
    }
  w = read_be32 (data + 16);
  h = read_be32 (data + 20);
  if (w == 0 || h == 0 || w > G_MAXINT32 || h > G_MAXINT32)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: corrupt PNG data (image size %u x %u)", name, w, h);
      return FALSE;
    }
  if (!lab_png_check_size (w, h, name, error))
    return FALSE;

  *width = w;
  *height = h;
  return TRUE;
}

gboolean
lab_png_read_size (const char  *path,
                   gboolean    *is_png,
                   guint       *width,
                   guint       *height,
                   GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  guint8 head[LAB_PNG_HEADER_BYTES];
  gsize got;
  FILE *fp;

  if (is_png)
    *is_png = FALSE;

  fp = g_fopen (path, "rbe");
  if (fp == NULL)
    {
      int saved = errno;
      g_set_error (error, LAB_ERROR, saved == ENOENT ? LAB_ERROR_NOT_FOUND : LAB_ERROR_IO,
                   "%s: cannot open (%s)", display, g_strerror (saved));
      return FALSE;
    }
  got = fread (head, 1, sizeof head, fp);
  fclose (fp);

  return lab_png_parse_header (head, got, display, is_png, width, height, error);
}

/* Decodes into state->buffer as 8-bit gray, gray+alpha, RGB or RGBA rows.
 * Returns FALSE after a libpng error (message in state->message), and sets
 * *too_large when the declared size is beyond what we allocate. */
static gboolean
decode_rows (LabPngState *state,
             guint       *width,
             guint       *height,
             guint       *channels,
             gboolean    *too_large)
{
  png_structp png;
  png_infop info;
  png_uint_32 w, h;
  int bit_depth, color_type, interlace;
  gsize rowbytes;

  *too_large = FALSE;
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, state->message, lab_png_on_error,
                                lab_png_ignore_warning);
  if (png == NULL)
    {
      g_strlcpy (state->message, "out of memory", sizeof state->message);
      return FALSE;
    }
  info = png_create_info_struct (png);
  if (info == NULL)
    {
      png_destroy_read_struct (&png, NULL, NULL);
      g_strlcpy (state->message, "out of memory", sizeof state->message);
      return FALSE;
    }

  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_read_struct (&png, &info, NULL);
      return FALSE;
    }

  png_set_read_fn (png, state, on_png_read);
  png_set_user_limits (png, LAB_PNG_MAX_SIDE, LAB_PNG_MAX_SIDE);
  png_read_info (png, info);
  png_get_IHDR (png, info, &w, &h, &bit_depth, &color_type, &interlace, NULL, NULL);

  /* Deflate packs at most 1032 bytes into one, so a file this short cannot
   * hold the (filter byte + row) * height bytes IHDR claims. Checked before
   * we allocate for the claim. */
  if ((guint64) (png_get_rowbytes (png, info) + 1) * h > (guint64) state->len * 1032 + 4096)
    {
      g_snprintf (state->message, sizeof state->message,
                  "the file is too short for a %u x %u image", (guint) w, (guint) h);
      png_longjmp (png, 1);
    }

  if (color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8)
    png_set_expand_gray_1_2_4_to_8 (png);
  if (png_get_valid (png, info, PNG_INFO_tRNS))
    png_set_tRNS_to_alpha (png);
  if (bit_depth == 16)
    {
#ifdef PNG_READ_SCALE_16_TO_8_SUPPORTED
      png_set_scale_16 (png);   /* rounds: v * 255 / 65535 */
#else
      png_set_strip_16 (png);
#endif
    }
  png_set_interlace_handling (png);
  png_read_update_info (png, info);

  *channels = png_get_channels (png, info);
  rowbytes = png_get_rowbytes (png, info);
  if (*channels < 1 || *channels > 4 || rowbytes != (gsize) w * *channels)
    png_error (png, "unexpected pixel layout");

  if ((guint64) rowbytes * h > LAB_MAX_ALLOC_BYTES)
    {
      *too_large = TRUE;
      png_error (png, "image too large");
    }
  state->buffer = g_try_malloc ((gsize) rowbytes * h);
  state->rows = g_try_new (png_bytep, h);
  if (state->buffer == NULL || state->rows == NULL)
    {
      *too_large = TRUE;
      png_error (png, "not enough memory");
    }
  for (png_uint_32 y = 0; y < h; y++)
    state->rows[y] = state->buffer + (gsize) y * rowbytes;

  /* Handles all interlace passes. We stop after the image data: a file
   * missing only its IEND trailer still holds a complete image. */
  png_read_image (png, state->rows);

  *width = w;
  *height = h;
  png_destroy_read_struct (&png, &info, NULL);
  return TRUE;
}

gboolean
lab_png_decode_gray (const guint8  *data,
                     gsize          len,
                     const char    *name,
                     guint         *width,
                     guint         *height,
                     guint8       **pixels,
                     GError       **error)
{
  LabPngState state = { .data = data, .len = len };
  g_autofree guint8 *out = NULL;
  guint w = 0, h = 0, channels = 0;
  gboolean too_large;
  gsize n;

  if (!lab_png_has_signature (data, len))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT, "%s: not a PNG file", name);
      return FALSE;
    }
  /* The same first look a folder scan takes: IHDR right after the
   * signature, as the PNG standard demands, and the size limits
   * (LAB_PNG_MAX_SIDE, LAB_PNG_MAX_PIXELS) before libpng reads or
   * allocates anything. libpng alone also reads a file with other chunks
   * before IHDR, which opened on its own but was skipped in a folder. */
  if (!lab_png_parse_header (data, len, name, NULL, &w, &h, error))
    return FALSE;

  if (!decode_rows (&state, &w, &h, &channels, &too_large))
    {
      if (too_large)
        g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                     "%s: the image is too large to load (%s)", name, state.message);
      else if (state.truncated)
        g_set_error (error, LAB_ERROR, LAB_ERROR_TRUNCATED,
                     "%s: corrupt PNG data (%s)", name, state.message);
      else
        g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                     "%s: corrupt PNG data (%s)", name, state.message);
      g_free (state.buffer);
      g_free (state.rows);
      return FALSE;
    }

  /* Fewer bytes than the decoded rows: converting in place would do, but
   * the decoded buffer is short-lived and may be 4x larger. */
  n = (gsize) w * h;
  out = g_try_malloc (n);
  if (out == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: not enough memory for a %u x %u image", name, w, h);
      g_free (state.buffer);
      g_free (state.rows);
      return FALSE;
    }

  {
    const guint8 *s = state.buffer;

    switch (channels)
      {
      case 1:
        memcpy (out, s, n);
        break;
      case 2:   /* gray, alpha: over black */
        for (gsize i = 0; i < n; i++, s += 2)
          out[i] = (s[0] * s[1] + 127) / 255;
        break;
      case 3:   /* Rec. 601 luma */
        for (gsize i = 0; i < n; i++, s += 3)
          out[i] = (299 * s[0] + 587 * s[1] + 114 * s[2] + 500) / 1000;
        break;
      case 4:   /* luma, then alpha over black */
        for (gsize i = 0; i < n; i++, s += 4)
          {
            guint y = (299 * s[0] + 587 * s[1] + 114 * s[2] + 500) / 1000;
            out[i] = (y * s[3] + 127) / 255;
          }
        break;
      default:
        g_assert_not_reached ();
      }
  }

  g_free (state.buffer);
  g_free (state.rows);
  *width = w;
  *height = h;
  *pixels = g_steal_pointer (&out);
  return TRUE;
}

gboolean
lab_png_load_gray_named (const char  *path,
                         const char  *name,
                         guint       *width,
                         guint       *height,
                         guint8     **pixels,
                         GError     **error)
{
  g_autofree char *display = name ? g_strdup (name) : g_filename_display_name (path);
  g_autofree guint8 *data = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!read_file (path, display, &data, &len, error))
    return FALSE;
  return lab_png_decode_gray (data, len, display, width, height, pixels, error);
}

gboolean
lab_png_load_gray (const char  *path,
                   guint       *width,
                   guint       *height,
                   guint8     **pixels,
                   GError     **error)
{
  return lab_png_load_gray_named (path, NULL, width, height, pixels, error);
}

/* The source pixels output pixel o covers along one axis, with weights
 * that sum to 1: output o spans [o * S / T, (o + 1) * S / T) in source
 * coordinates, and source pixel s gets the length of its overlap with that
 * span, divided by the span's length. */
typedef struct
{
  guint   first;    /* first source index */
  guint   count;
  guint   offset;   /* into the weights array */
} AreaSpan;

static float *
area_weights (guint      src,
              guint      dst,
              AreaSpan  *spans)
{
  /* Each output touches at most ceil(S / T) + 1 sources. */
  gsize per = src / dst + 2;
  float *weights = g_new (float, per * dst);
  guint offset = 0;

  for (guint o = 0; o < dst; o++)
    {
      double a = (double) o * src / dst;
      double b = (double) (o + 1) * src / dst;
      guint s0 = (guint) floor (a);
      guint s1 = MIN ((guint) ceil (b), src);

      spans[o].first = s0;
      spans[o].offset = offset;
      spans[o].count = 0;
      for (guint s = s0; s < s1; s++)
        {
          double w = MIN (b, (double) s + 1) - MAX (a, (double) s);
          if (w <= 0)
            continue;
          if (spans[o].count == 0)
            spans[o].first = s;
          weights[offset++] = (float) (w / (b - a));
          spans[o].count++;
        }
    }
  return weights;
}

void
lab_png_resize_area (const guint8 *src,
                     guint         src_width,
                     guint         src_height,
                     guint8       *dst,
                     guint         dst_width,
                     guint         dst_height)
{
  g_autofree AreaSpan *xs = g_new (AreaSpan, dst_width);
  g_autofree AreaSpan *ys = g_new (AreaSpan, dst_height);
  g_autofree float *wx = area_weights (src_width, dst_width, xs);
  g_autofree float *wy = area_weights (src_height, dst_height, ys);
  /* tmp (src_height, dst_width): rows resized horizontally first */
  g_autofree float *tmp = g_new (float, (gsize) src_height * dst_width);

  for (guint y = 0; y < src_height; y++)
    {
      const guint8 *row = src + (gsize) y * src_width;
      float *out = tmp + (gsize) y * dst_width;

      for (guint o = 0; o < dst_width; o++)
        {
          const float *w = wx + xs[o].offset;
          const guint8 *p = row + xs[o].first;
          float acc = 0;

          for (guint k = 0; k < xs[o].count; k++)
            acc += w[k] * p[k];
          out[o] = acc;
        }
    }

  for (guint o = 0; o < dst_height; o++)
    {
      const float *w = wy + ys[o].offset;
      guint8 *out = dst + (gsize) o * dst_width;

      for (guint x = 0; x < dst_width; x++)
        {
          float acc = 0;

          for (guint k = 0; k < ys[o].count; k++)
            acc += w[k] * tmp[(gsize) (ys[o].first + k) * dst_width + x];
          out[x] = (guint8) CLAMP (acc + 0.5f, 0.0f, 255.0f);
        }
    }
}
