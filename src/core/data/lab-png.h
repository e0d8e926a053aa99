#pragma once

#include <glib.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* Largest width or height of a PNG we decode. A teacher's photos fit; a
 * 100,000-pixel-wide "image" that inflates from a few kB does not. */
#define LAB_PNG_MAX_SIDE 16384
/* Largest width x height of a PNG we decode: 64 megapixels (8000 x 8000,
 * or a 48-megapixel photo), checked from the IHDR before any pixel is
 * decoded. Decoding needs up to 4 bytes a pixel for a moment, so one
 * image never takes more than about 320 MB; a 16384 x 16384 image (268
 * megapixels, 1 GB of RGBA rows) is refused. */
#define LAB_PNG_MAX_PIXELS (G_GUINT64_CONSTANT (64) * 1000000)

/* The 8-byte PNG signature. */
gboolean  lab_png_has_signature (const guint8        *data,
                                 gsize                len);

/* Number of leading bytes lab_png_parse_header needs: the signature and
 * the IHDR chunk. */
#define LAB_PNG_HEADER_BYTES 33

/* Classifies the first len bytes of a file (len >= LAB_PNG_HEADER_BYTES
 * unless the file is shorter): not a PNG (FALSE, *is_png FALSE, no error),
 * a PNG whose header is broken or too large (beyond LAB_PNG_MAX_SIDE or
 * LAB_PNG_MAX_PIXELS: FALSE with an error naming name), or a PNG of
 * width x height (TRUE). */
gboolean  lab_png_parse_header  (const guint8        *data,
                                 gsize                len,
                                 const char          *name,
                                 gboolean            *is_png,
                                 guint               *width,
                                 guint               *height,
                                 GError             **error);

/* Reads only the signature and the IHDR chunk (the first 33 bytes) of the
 * file at path. Returns FALSE without an error when the file is not a PNG
 * (is_png set to FALSE), FALSE with an error when it cannot be read or its
 * header is broken, TRUE with the size otherwise. is_png may be NULL. */
gboolean  lab_png_read_size     (const char          *path,
                                 gboolean            *is_png,
                                 guint               *width,
                                 guint               *height,
                                 GError             **error);

/* Decodes any PNG (gray, gray+alpha, RGB, RGBA, palette; 1, 2, 4, 8 and
 * 16 bits; tRNS; interlaced) to 8-bit gray: luma = 0.299 R + 0.587 G +
 * 0.114 B. Alpha is composited onto a BLACK background: the datasets are
 * white strokes on black, and a digit drawn on a transparent canvas means
 * "ink where opaque", so transparent pixels become 0.
 * pixels (height, width) is newly allocated; free with g_free.
 * name is used in error messages ("name: corrupt PNG data (...)"). */
gboolean  lab_png_decode_gray   (const guint8        *data,
                                 gsize                len,
                                 const char          *name,
                                 guint               *width,
                                 guint               *height,
                                 guint8             **pixels,
                                 GError             **error);
/* lab_png_decode_gray on the contents of the file at path. */
gboolean  lab_png_load_gray     (const char          *path,
                                 guint               *width,
                                 guint               *height,
                                 guint8             **pixels,
                                 GError             **error);
/* The same, naming the file `name` in error messages (a path relative to
 * a folder the user chose, say); name NULL means the path. */
gboolean  lab_png_load_gray_named (const char        *path,
                                   const char        *name,
                                   guint             *width,
                                   guint             *height,
                                   guint8           **pixels,
                                   GError           **error);

/* Resizes src (src_height, src_width) to dst (dst_height, dst_width) with
 * an area filter: each output pixel is the mean of the source area it
 * covers, partial pixels weighted by their coverage. Correct for shrinking
 * and enlarging alike; a 2x2 block of equal values shrinks to that value. */
void      lab_png_resize_area   (const guint8        *src,
                                 guint                src_width,
                                 guint                src_height,
                                 guint8              *dst,
                                 guint                dst_width,
                                 guint                dst_height);

/* Writes pixels (height, width) as an 8-bit gray PNG. The file is written
 * beside path under a temporary name and renamed over it, so a reader never
 * sees half a file and a failed write leaves an older file intact. */
gboolean  lab_png_save_gray     (const char          *path,
                                 const guint8        *pixels,
                                 guint                width,
                                 guint                height,
                                 GError             **error);

/* A grid of n images, each (height, width) uint8, images[i] pointing at
 * image i, in rows of `columns` (0 chooses a near-square grid). Every image
 * is magnified `scale` times (nearest neighbour, so pixels stay visible)
 * and separated by a gray gap; captions (n strings, NULL entries allowed)
 * are rendered under each image with Cairo when captions is not NULL.
 * Written as an 8-bit gray PNG, atomically like lab_png_save_gray. */
gboolean  lab_png_save_grid     (const char          *path,
                                 const guint8 * const *images,
                                 guint                n,
                                 guint                height,
                                 guint                width,
                                 guint                columns,
                                 guint                scale,
                                 const char * const  *captions,
                                 GError             **error);
/* The same for float images (n, height, width) in [0,1] stored contiguously,
 * as the trainer and the noise models produce them; values are clamped. */
gboolean  lab_png_save_grid_float (const char         *path,
                                   const float        *images,
                                   guint               n,
                                   guint               height,
                                   guint               width,
                                   guint               columns,
                                   guint               scale,
                                   const char * const *captions,
                                   GError            **error);

/* Geometry of the grid lab_png_save_grid writes, so a caller (or a test)
 * can find image i in it: its top-left pixel is at (x, y). */
void      lab_png_grid_layout   (guint                n,
                                 guint                height,
                                 guint                width,
                                 guint                columns,
                                 guint                scale,
                                 gboolean             captioned,
                                 guint               *grid_width,
                                 guint               *grid_height,
                                 guint                i,
                                 guint               *x,
                                 guint               *y);

G_END_DECLS
