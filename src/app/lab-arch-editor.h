#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* "Build your own": edits an architecture spec (the JSON of lab-spec.h).
 * Start from a preset, add, remove, reorder and retype layers, change their
 * options, mark the latent (the last encoder layer) and pick the loss. The
 * Keras-style summary and the parameter count follow every edit; a layer
 * that does not fit its input is highlighted and the engine's message says
 * which layer and which shapes clash.
 *
 * Validation walks the layers' shape setup only (lab_spec_summarize: no
 * parameters, no batch buffers), so it runs on every keystroke.
 *
 * Made of a toolbar (its template), the layers (LabLayerList of
 * LabLayerRow, built from the layers' option tables) and the summary
 * panel (LabArchSummary). The window it runs in is LabArchEditorDialog.
 *
 * Signals:
 *   changed (): the spec shown changed, by an edit or by a set/load;
 *   query lab_arch_editor_is_valid() and lab_arch_editor_get_spec_json(). */
#define LAB_TYPE_ARCH_EDITOR (lab_arch_editor_get_type ())
G_DECLARE_FINAL_TYPE (LabArchEditor, lab_arch_editor, LAB, ARCH_EDITOR, GtkWidget)

GtkWidget *lab_arch_editor_new            (void);
/* Shows json (a spec, as lab_spec_new_from_string takes it). JSON that is
 * no spec at all (not an object, no layers) leaves the editor as it was
 * and shows why; a spec whose layers do not fit is shown, marked invalid. */
void       lab_arch_editor_set_spec_json  (LabArchEditor *self,
                                           const char    *json);
/* Starts over from a preset of lab-presets.h. FALSE for an unknown name. */
gboolean   lab_arch_editor_set_preset     (LabArchEditor *self,
                                           const char    *name);
/* The spec as pretty JSON (lab_spec_to_string), or NULL while invalid. */
char      *lab_arch_editor_get_spec_json  (LabArchEditor *self);
gboolean   lab_arch_editor_is_valid       (LabArchEditor *self);
/* Parameters as Keras' "Total params" counts them: trainable weights plus
 * running statistics (BatchNorm). 0 while invalid. */
gsize      lab_arch_editor_get_total_params (LabArchEditor *self);
/* The message saying what does not fit, or NULL when valid. */
const char *lab_arch_editor_get_error     (LabArchEditor *self);
/* The index of the layer that does not fit, or -1 (valid, or a problem of
 * the whole spec such as no layers). */
int        lab_arch_editor_get_error_layer (LabArchEditor *self);

/* What Import… and Export… do after their file chooser. */
gboolean   lab_arch_editor_load_file      (LabArchEditor *self,
                                           GFile         *file,
                                           GError       **error);
/* Writes the spec even while its shapes do not fit (work in progress). */
gboolean   lab_arch_editor_save_file      (LabArchEditor *self,
                                           GFile         *file,
                                           GError       **error);

/* json: the spec the user chose with "Use", or NULL when cancelled; owned
 * by the caller of the callback (valid during the call only). */
typedef void (*LabArchEditorDone) (const char *json,
                                   gpointer    user_data);

/* Presents the editor in a modal window over parent (a
 * LabArchEditorDialog, lab-arch-editor-dialog.h), starting from
 * initial_json (NULL: the first preset). "Use" is insensitive while the
 * spec is invalid. done is called exactly once, when the window closes.
 * Returns the window (transfer none; it destroys itself). */
GtkWindow *lab_arch_editor_run_dialog     (GtkWindow        *parent,
                                           const char       *initial_json,
                                           LabArchEditorDone done,
                                           gpointer          user_data);

G_END_DECLS
