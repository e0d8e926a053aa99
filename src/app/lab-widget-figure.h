#pragma once

#include <gtk/gtk.h>

#include "lab-figure.h"

G_BEGIN_DECLS

/* Widgets that show a figure (lab-figure.h: a plot or an image grid drawn
 * with Cairo) draw it with the same function on screen and in a file, and
 * share one export: a context menu (right click, long press) with "Export
 * as PNG / SVG / PDF…", whose file dialog takes the format from the file
 * name's extension and the size from its Size choice; errors go to the
 * window's banner (win.show-error).
 *
 * Actions a figure widget's class gets:
 *   figure.export              the file dialog
 *   figure.export-to (sii)     path, width, height (0, 0: as shown): the
 *                              same without a dialog, for scripts and tests */

/* What a widget exports: the draw function and figure it shows (or one
 * made for the export, freed with free_figure), and a file name to
 * suggest, without its extension. */
typedef struct
{
  LabFigureDrawFunc  draw;
  gpointer           figure;
  GDestroyNotify     free_figure;   /* NULL: the widget keeps the figure */
  const char        *name;
} LabWidgetFigure;

/* Fills figure with what widget shows; FALSE with error when it shows
 * nothing to export yet. */
typedef gboolean (*LabWidgetFigureFunc) (GtkWidget        *widget,
                                         LabWidgetFigure  *figure,
                                         GError          **error);

/* Draws figure at the widget's size into snapshot; FALSE (nothing drawn)
 * while the widget has no size. */
gboolean lab_widget_snapshot_figure     (GtkWidget          *widget,
                                         GtkSnapshot        *snapshot,
                                         LabFigureDrawFunc   draw,
                                         gpointer            figure);
/* In class_init: the figure.* actions, with get saying what to export. */
void     lab_widget_figure_class_install (GtkWidgetClass    *widget_class,
                                          LabWidgetFigureFunc get);
/* In init: the context menu, with extra's items after Export (or NULL). */
void     lab_widget_figure_init         (GtkWidget          *widget,
                                         GMenuModel         *extra);
/* In size_allocate of a widget without a layout manager: places the
 * context menu (as gtk_popover_present() must be). */
void     lab_widget_figure_allocate     (GtkWidget          *widget);
/* Writes what widget shows to path at width × height (0, 0: as shown),
 * in the format of path's extension. */
gboolean lab_widget_figure_export       (GtkWidget          *widget,
                                         const char         *path,
                                         int                 width,
                                         int                 height,
                                         GError            **error);

G_END_DECLS
