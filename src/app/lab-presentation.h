#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Presentation mode, for a projector in front of a class (F11 or
 * win.presentation): the window goes fullscreen and gets the CSS class
 * "presentation", the type gets LAB_PRESENTATION_TYPE_SCALE times larger
 * (GtkSettings' gtk-xft-dpi), the plots and
 * image grids draw LAB_PRESENTATION_SCALE times larger (thicker lines,
 * bigger markers, tick labels of 19 px and more), and the plots use the
 * high-contrast palette. */

#define LAB_PRESENTATION_SCALE      1.6
#define LAB_PRESENTATION_TYPE_SCALE 1.5
/* Narrower screens fold the sidebar away in presentation mode. */
#define LAB_PRESENTATION_SIDEBAR_WIDTH 1280

/* Turns presentation mode on or off for window. */
void     lab_presentation_apply     (GtkWindow *window,
                                     gboolean   on);
/* How much larger figures in widget's window draw: 1, or
 * LAB_PRESENTATION_SCALE in presentation mode. */
double   lab_presentation_get_scale (GtkWidget *widget);
/* Whether the monitor widget's window is on (or else the display's first)
 * is narrower than LAB_PRESENTATION_SIDEBAR_WIDTH. */
gboolean lab_presentation_screen_is_narrow (GtkWidget *widget);

G_END_DECLS
