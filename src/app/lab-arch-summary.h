#pragma once

#include <gtk/gtk.h>

#include "lab-loss.h"
#include "lab-spec-summary.h"

G_BEGIN_DECLS

/* The architecture editor's side panel: what the layers make. The
 * Keras-style table of a LabSpecSummary (ending at the layer that does
 * not fit), the total and trainable parameters, the latent and the work
 * per image, what training will do with such a model, and a message
 * saying what is wrong. */
#define LAB_TYPE_ARCH_SUMMARY (lab_arch_summary_get_type ())
G_DECLARE_FINAL_TYPE (LabArchSummary, lab_arch_summary, LAB, ARCH_SUMMARY, GtkWidget)

/* summary: NULL when the spec is not one at all; totals show only for a
 * summary without error. input and loss: the spec's, also shown without
 * a summary. message: shown in the error box, or NULL to hide it. */
void        lab_arch_summary_show           (LabArchSummary       *self,
                                             const LabSpecSummary *summary,
                                             LabShape              input,
                                             LabLossKind           loss,
                                             const char           *message);
/* The big "Total params" label as shown ("7,265", or "—"). */
const char *lab_arch_summary_get_total_text (LabArchSummary       *self);
/* Rows of the table, the input row included, the header not. */
guint       lab_arch_summary_get_n_rows     (LabArchSummary       *self);

G_END_DECLS
