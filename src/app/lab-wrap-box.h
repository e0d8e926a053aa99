#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A toolbar row that wraps: its children go left to right, and onto the
 * next line when the width runs out, so a narrow window (a classroom's
 * 1024 x 768 projector, or presentation mode's larger type) gets two
 * rows of controls instead of a window wider than the screen. Each line
 * is laid out as a horizontal GtkBox would be: natural widths, extra
 * space to the children that expand, halign and valign inside that.
 * GTK 4.8 has no AdwWrapBox; this is the small part of it we need. */
#define LAB_TYPE_WRAP_BOX (lab_wrap_box_get_type ())
G_DECLARE_FINAL_TYPE (LabWrapBox, lab_wrap_box, LAB, WRAP_BOX, GtkWidget)

GtkWidget *lab_wrap_box_new    (void);
void       lab_wrap_box_append (LabWrapBox *self,
                                GtkWidget  *child);
void       lab_wrap_box_remove (LabWrapBox *self,
                                GtkWidget  *child);

G_END_DECLS
