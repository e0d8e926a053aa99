#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "lab-layer.h"

G_BEGIN_DECLS

/* One layer of the architecture editor: its index, its type, a control
 * for every option its class declares (LabLayerClass.options: a spin
 * button for numbers, with the class's range, a check button for
 * true/false, three spin buttons for a shape), the latent mark and the
 * insert, move and remove buttons. Nothing here knows any layer kind: a
 * new option in a layer's table appears in the row by itself.
 *
 * The row edits the layer's JSON object in place (the editor's mutable
 * copy) and says so with "changed"; a new type replaces the object
 * (lab_layer_row_get_layer then gives the new one), keeping the options
 * the two types share.
 *
 * Signals:
 *   changed ():          an option or the type changed;
 *   insert ():           the insert button (a copy of this layer below it);
 *   remove ():           the remove button;
 *   move (int delta):    up (-1) or down (+1);
 *   latent-chosen ():    the latent mark was set on this row. */
#define LAB_TYPE_LAYER_ROW (lab_layer_row_get_type ())
G_DECLARE_FINAL_TYPE (LabLayerRow, lab_layer_row, LAB, LAYER_ROW, GtkListBoxRow)

/* layer: a mutable object; the row keeps a reference. */
LabLayerRow    *lab_layer_row_new               (JsonObject     *layer);
/* Borrowed. */
JsonObject     *lab_layer_row_get_layer         (LabLayerRow    *self);
/* Index shown, and which of the row's buttons can act (no up for the
 * first layer, no remove for the only one, no insert at the limit). */
void            lab_layer_row_set_position      (LabLayerRow    *self,
                                                 guint           index,
                                                 guint           n_layers,
                                                 gboolean        can_insert);
/* The shape the layer gets, where a new shape option starts (a reshape
 * made from another type starts out fitting). */
void            lab_layer_row_set_input         (LabLayerRow    *self,
                                                 LabShape        in);
GtkCheckButton *lab_layer_row_get_latent_button (LabLayerRow    *self);
GtkDropDown    *lab_layer_row_get_type_dropdown (LabLayerRow    *self);
/* which: "latent", "insert", "up", "down", "remove" or "type". */
GtkWidget      *lab_layer_row_get_button        (LabLayerRow    *self,
                                                 const char     *which);
/* The control of option key: a GtkSpinButton, a GtkCheckButton for
 * true/false; a shape's sizes are "key.0" to "key.2". NULL when the
 * layer's type has no such option. */
GtkWidget      *lab_layer_row_get_option_widget (LabLayerRow    *self,
                                                 const char     *key);
/* How many option controls the row shows. */
guint           lab_layer_row_get_n_option_widgets (LabLayerRow *self);

G_END_DECLS
