#pragma once

#include <gtk/gtk.h>

#include "lab-confusion-view.h"
#include "lab-dataset.h"
#include "lab-plot-view.h"
#include "lab-transfer.h"

G_BEGIN_DECLS

/* The Classify page's transfer panel (seed 000): does an encoder pretrained
 * on unlabelled images help a classifier that has few labels? The label
 * budgets and seeds to try, Run and Cancel; then the label-budget curve
 * (the three ways, mean and spread over the seeds), the three ways'
 * validation curves at the largest budget, and the confusion matrices of
 * the baseline and the fine-tuned encoder side by side, with a line that
 * says plainly whether pretraining helped.
 *
 * lab_transfer_panel_start runs lab_transfer_run on a worker (LabJob) on
 * the datasets given; the main thread only shows its coalesced progress.
 * The default is for class (3 pretraining epochs on up to 10,000 images,
 * L = 100, 300 and 1,000, 2 seeds: a few minutes on Fashion-MNIST with 2
 * cores); "quick" (a property, for tests and a first look) uses
 * lab_transfer_config_quick.
 *
 * Signals, on the main thread:
 *   finished ()                      the result is shown
 *   failed (const GError *error)     not for a cancelled run */
#define LAB_TYPE_TRANSFER_PANEL (lab_transfer_panel_get_type ())
G_DECLARE_FINAL_TYPE (LabTransferPanel, lab_transfer_panel, LAB, TRANSFER_PANEL, GtkWidget)

GtkWidget               *lab_transfer_panel_new          (void);
/* The settings as the controls show them. */
void                     lab_transfer_panel_get_config   (LabTransferPanel  *self,
                                                          LabTransferConfig *config);
/* FALSE and error when train has no labels. */
gboolean                 lab_transfer_panel_start        (LabTransferPanel  *self,
                                                          LabDataset        *train,
                                                          LabDataset        *test,
                                                          GError           **error);
void                     lab_transfer_panel_cancel       (LabTransferPanel  *self);
/* A locked demo (LabPage's settings-locked) keeps the budgets, seeds and
 * epochs; Run still works. */
void                     lab_transfer_panel_set_locked   (LabTransferPanel  *self,
                                                          gboolean           locked);
gboolean                 lab_transfer_panel_is_running   (LabTransferPanel  *self);
/* Shows result (transfer full) as a finished run's, without running:
 * a saved session's (cancels a run going on). */
void                     lab_transfer_panel_set_result   (LabTransferPanel  *self,
                                                          LabTransferResult *result);
/* The last result shown, or NULL. */
const LabTransferResult *lab_transfer_panel_get_result   (LabTransferPanel  *self);
const char              *lab_transfer_panel_get_status   (LabTransferPanel  *self);
LabPlotView             *lab_transfer_panel_get_curve    (LabTransferPanel  *self);
LabConfusionView        *lab_transfer_panel_get_confusion (LabTransferPanel *self,
                                                           LabTransferWay    way);

G_END_DECLS
