#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes to path a PNG that is only a header: the signature, an IHDR (with
 * its CRC, so libpng accepts it) claiming width x height 8-bit RGBA, and
 * IEND, no pixel data: 45 bytes that claim whatever size a test needs. */
void lab_test_write_png_header (const char *path,
                                guint32     width,
                                guint32     height);

G_END_DECLS
