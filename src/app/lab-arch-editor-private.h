#pragma once

#include "lab-arch-editor.h"

G_BEGIN_DECLS

/* For tests: the parts of the editor a test drives or reads. Layer rows
 * are rebuilt after structural edits (insert, remove, move, retype), so
 * fetch their widgets again after those. */

guint        lab_arch_editor_get_n_layers        (LabArchEditor *self);
/* Layers [0, encoder_layers) are the encoder. */
guint        lab_arch_editor_get_encoder_layers  (LabArchEditor *self);
GtkDropDown *lab_arch_editor_get_preset_dropdown (LabArchEditor *self);
GtkDropDown *lab_arch_editor_get_loss_dropdown   (LabArchEditor *self);
/* The type dropdown of a layer row. */
GtkDropDown *lab_arch_editor_get_type_dropdown   (LabArchEditor *self,
                                                  guint          layer);
/* The widget editing option key of a layer ("filters", "kernel", ...; the
 * reshape sizes are "shape.0" to "shape.2"): a GtkSpinButton, or a
 * GtkCheckButton for true/false options. NULL when the type has no such
 * option. */
GtkWidget   *lab_arch_editor_get_option_widget   (LabArchEditor *self,
                                                  guint          layer,
                                                  const char    *key);
/* How many option widgets the row of layer has (a shape's sizes count one each). */
guint        lab_arch_editor_get_n_option_widgets (LabArchEditor *self,
                                                   guint          layer);
/* which: "latent", "insert", "up", "down", "remove" or "type" (the dropdown). */
GtkWidget   *lab_arch_editor_get_row_button      (LabArchEditor *self,
                                                  guint          layer,
                                                  const char    *which);
/* TRUE when the row of layer is marked as the one that does not fit. */
gboolean     lab_arch_editor_row_is_highlighted  (LabArchEditor *self,
                                                  guint          layer);
/* The big "Total params" label as shown ("7,265", or "—" while invalid). */
const char  *lab_arch_editor_get_total_text      (LabArchEditor *self);
/* Rows of the summary table, the input row included. */
guint        lab_arch_editor_get_summary_rows    (LabArchEditor *self);

/* The editor and the "Use" button of a window from run_dialog. */
LabArchEditor *lab_arch_editor_dialog_get_editor     (GtkWindow *dialog);
GtkWidget     *lab_arch_editor_dialog_get_use_button (GtkWindow *dialog);

G_END_DECLS
