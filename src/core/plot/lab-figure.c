#define G_LOG_DOMAIN "latentlab-core"

#include "lab-figure.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "lab-error.h"
#include "lab-save.h"

gboolean
lab_figure_format_for_path (const char       *path,
                            LabFigureFormat  *format,
                            GError          **error)
{
  static const struct { const char *ext; LabFigureFormat format; } known[] = {
    { ".png", LAB_FIGURE_PNG }, { ".svg", LAB_FIGURE_SVG }, { ".pdf", LAB_FIGURE_PDF },
  };
  g_autofree char *lower = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_has_suffix (lower, known[i].ext))
      {
        *format = known[i].format;
        return TRUE;
      }
  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
               "%s: a figure is written as .png, .svg or .pdf; the file name says none of them", path);
  return FALSE;
}

static cairo_status_t
write_to_save (void                *closure,
               const unsigned char *data,
               unsigned int         len)
{
  return lab_save_write (closure, data, len) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* SVG and PDF surfaces write into save as they are drawn and finished. */
static cairo_surface_t *
surface_new (LabFigureFormat  format,
             LabSave         *save,
             int              width,
             int              height)
{
  switch (format)
    {
    case LAB_FIGURE_SVG:
      return cairo_svg_surface_create_for_stream (write_to_save, save, width, height);
    case LAB_FIGURE_PDF:
      return cairo_pdf_surface_create_for_stream (write_to_save, save, width, height);
    case LAB_FIGURE_PNG:
    default:
      return cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
    }
}

gboolean
lab_figure_save_as (LabFigureDrawFunc   draw,
                    gpointer            figure,
                    LabFigureFormat     format,
                    int                 width,
                    int                 height,
                    const char         *path,
                    GError            **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  LabSave *save;
  cairo_t *cr;

  g_return_val_if_fail (draw != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (width < 1 || height < 1 || width > LAB_FIGURE_MAX_SIDE || height > LAB_FIGURE_MAX_SIDE)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "%s: a figure of %d×%d is not possible (each side 1 to %d)",
                   path, width, height, LAB_FIGURE_MAX_SIDE);
      return FALSE;
    }
  /* Through lab_save: the previous file survives any failure. */
  save = lab_save_begin (path, error);
  if (save == NULL)
    return FALSE;
  surface = surface_new (format, save, width, height);
  cr = cairo_create (surface);
  draw (figure, cr, width, height);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == LAB_FIGURE_PNG)
    status = cairo_surface_write_to_png_stream (surface, write_to_save, save);
  /* SVG and PDF are written as the surface finishes. */
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  /* A write failure is already in the save, with its reason. */
  if (status != CAIRO_STATUS_SUCCESS)
    lab_save_fail (save, g_strdup (cairo_status_to_string (status)));
  return lab_save_commit (save, error);
}

gboolean
lab_figure_save (LabFigureDrawFunc   draw,
                 gpointer            figure,
                 int                 width,
                 int                 height,
                 const char         *path,
                 GError            **error)
{
  LabFigureFormat format;

  if (!lab_figure_format_for_path (path, &format, error))
    return FALSE;
  return lab_figure_save_as (draw, figure, format, width, height, path, error);
}
