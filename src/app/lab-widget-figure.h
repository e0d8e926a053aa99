#pragma once

#include <gtk/gtk.h>

#include "lab-figure.h"

G_BEGIN_DECLS

/* Widgets that show a figure (lab-figure.h: a plot or an image grid drawn
 * with Cairo) draw it with the same function on screen and in a file. */

/* Draws figure at the widget's size into snapshot; FALSE (nothing drawn)
 * while the widget has no size. */
gboolean lab_widget_snapshot_figure (GtkWidget         *widget,
                                     GtkSnapshot       *snapshot,
                                     LabFigureDrawFunc  draw,
                                     gpointer           figure);

G_END_DECLS
