#pragma once

#include <gtk/gtk.h>

#include "lab-spec.h"
#include "lab-train-settings.h"

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
 *   settings (LabTrainSettings): the hyperparameter form whose "loss" the
 *     spec gets (it owns the loss choice; the chooser follows it, and sets
 *     it when it shows a model's spec or a classifier). Without one, the
 *     spec keeps the architecture's own loss.
 *   classifier (boolean, read-only): the chosen architecture classifies;
 *     its loss is part of it and the form's loss does not apply.
 *
 * Signals:
 *   changed (): another architecture, or another loss for it. */
#define LAB_TYPE_ARCH_CHOOSER (lab_arch_chooser_get_type ())
G_DECLARE_FINAL_TYPE (LabArchChooser, lab_arch_chooser, LAB, ARCH_CHOOSER, GtkWidget)

void           lab_arch_chooser_set_settings     (LabArchChooser   *self,
                                                  LabTrainSettings *settings);
/* Selects preset name; FALSE with error when there is none by that name. */
gboolean       lab_arch_chooser_select_preset    (LabArchChooser  *self,
                                                  const char      *name,
                                                  GError         **error);
/* Shows spec: as its preset when it is one exactly (with its loss as the
 * form's loss choice when that differs), else as the custom entry. */
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
