#pragma once

#include "lab-arch-editor.h"

G_BEGIN_DECLS

/* The window "Build your own" runs in (lab_arch_editor_run_dialog): a
 * header bar with Cancel and Use over a LabArchEditor. Use hands the
 * editor's spec to the done callback and closes; every other way out
 * (Cancel, Escape, the window closed, its parent destroyed) hands NULL.
 * Use is insensitive while the spec is invalid. */
#define LAB_TYPE_ARCH_EDITOR_DIALOG (lab_arch_editor_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LabArchEditorDialog, lab_arch_editor_dialog, LAB, ARCH_EDITOR_DIALOG, GtkWindow)

G_END_DECLS
