#pragma once

#include <gtk/gtk.h>

#include "lab-spec.h"

G_BEGIN_DECLS

/* The Train page's architecture chooser ("Architecture"): every preset, or
 * one built in the architecture editor or read from a model file (shown as
 * "<name> (custom)"), its description, its JSON, and its Keras-style
 * summary (layer, output shape, params) from lab_spec_summarize().
 *
 * The Build Your Own and Save As JSON buttons activate page.build-architecture
 * and page.save-spec of the page that holds the chooser.
 *
 * Properties:
 *   loss (int): the loss the spec gets, LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH
 *     (-1, the architecture's own), LAB_LOSS_BCE or LAB_LOSS_MSE.
 *   classifier (boolean, read-only): the chosen architecture classifies;
 *     its loss is part of it and "loss" does not apply.
 *
 * Signals:
 *   changed (): another architecture, or another loss for it. */
#define LAB_TYPE_ARCH_CHOOSER (lab_arch_chooser_get_type ())
G_DECLARE_FINAL_TYPE (LabArchChooser, lab_arch_chooser, LAB, ARCH_CHOOSER, GtkWidget)

/* Selects preset name; FALSE with error when there is none by that name. */
gboolean       lab_arch_chooser_select_preset    (LabArchChooser  *self,
                                                  const char      *name,
                                                  GError         **error);
/* Shows spec: as its preset when it is one exactly (with its loss as the
 * loss choice when that differs), else as the custom entry. */
void           lab_arch_chooser_show_spec        (LabArchChooser  *self,
                                                  const LabSpec   *spec);
/* The architecture chosen, before the loss choice, or NULL (transfer none). */
const LabSpec *lab_arch_chooser_get_chosen       (LabArchChooser  *self);
/* What training builds: the chosen architecture with the loss chosen, or
 * NULL (transfer full). */
LabSpec       *lab_arch_chooser_build_spec       (LabArchChooser  *self);
/* Opens the architecture editor on the spec shown; its result is shown
 * when the editor closes with one (the chooser may be gone by then). */
void           lab_arch_chooser_edit             (LabArchChooser  *self);
/* Layer rows of the summary shown (0 when the spec is invalid). */
guint          lab_arch_chooser_get_summary_rows (LabArchChooser  *self);

G_END_DECLS
