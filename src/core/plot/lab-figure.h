#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* A figure is anything drawn with Cairo into a width × height box: the
 * line and scatter plots, the image grids. The app draws it in a widget's
 * snapshot at the widget's size; lab_figure_save() draws the same figure,
 * with the same function, into a PNG, SVG or PDF file at a size of the
 * caller's choosing, so an export looks like the screen. */
typedef void (*LabFigureDrawFunc) (gpointer  figure,
                                   cairo_t  *cr,
                                   double    width,
                                   double    height);

typedef enum
{
  LAB_FIGURE_PNG,   /* pixels */
  LAB_FIGURE_SVG,   /* vectors; width and height in points */
  LAB_FIGURE_PDF,
} LabFigureFormat;

/* The largest side of a figure written to a file, in pixels or points. */
#define LAB_FIGURE_MAX_SIDE 16384

/* The format a file name asks for by its extension (.png, .svg, .pdf, in
 * any case); FALSE with an error naming the path for any other. */
gboolean lab_figure_format_for_path (const char         *path,
                                     LabFigureFormat    *format,
                                     GError            **error);
/* Draws figure into path at width × height in format, through path.tmp
 * and a rename, so a reader never sees half a file. */
gboolean lab_figure_save_as         (LabFigureDrawFunc   draw,
                                     gpointer            figure,
                                     LabFigureFormat     format,
                                     int                 width,
                                     int                 height,
                                     const char         *path,
                                     GError            **error);
/* The same, in the format path's extension names. */
gboolean lab_figure_save            (LabFigureDrawFunc   draw,
                                     gpointer            figure,
                                     int                 width,
                                     int                 height,
                                     const char         *path,
                                     GError            **error);

G_END_DECLS
