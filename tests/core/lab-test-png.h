#pragma once

#include <cairo.h>
#include <glib.h>

#include "lab-figure.h"

G_BEGIN_DECLS

/* Writes to path a PNG that is only a header: the signature, an IHDR (with
 * its CRC, so libpng accepts it) claiming width x height 8-bit RGBA, and
 * IEND, no pixel data: 45 bytes that claim whatever size a test needs. */
void lab_test_write_png_header (const char *path,
                                guint32     width,
                                guint32     height);

/* figure drawn with draw into a new RGB24 image surface of width x
 * height, flushed for reading its pixels; the caller destroys it. */
cairo_surface_t *lab_test_draw_figure (LabFigureDrawFunc  draw,
                                       gpointer           figure,
                                       int                width,
                                       int                height);

G_END_DECLS
