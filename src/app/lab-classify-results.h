#pragma once

#include <gtk/gtk.h>

#include "lab-classify.h"

G_BEGIN_DECLS

/* The runs of the Classify page side by side, one row each: classifier,
 * features, training images, accuracy, fit time, predict time; so the
 * latent against the pixels is one glance. The table owns the runs; the
 * selected one (the newest, or the one clicked) is what the heatmap and
 * the bars show.
 *
 * Signals:
 *   selected (guint index)     a row was selected (also when added) */
#define LAB_TYPE_CLASSIFY_RESULTS (lab_classify_results_get_type ())
G_DECLARE_FINAL_TYPE (LabClassifyResults, lab_classify_results, LAB, CLASSIFY_RESULTS, GtkWidget)

GtkWidget               *lab_classify_results_new          (void);
/* Takes result; test (referenced) is what its test_indices index. */
void                     lab_classify_results_add          (LabClassifyResults *self,
                                                            LabClassifyResult  *result,
                                                            LabDataset         *test);
void                     lab_classify_results_clear        (LabClassifyResults *self);
guint                    lab_classify_results_get_n        (LabClassifyResults *self);
/* Run i and its test dataset (transfer none), or NULL. */
const LabClassifyResult *lab_classify_results_get          (LabClassifyResults *self,
                                                            guint               i,
                                                            LabDataset        **test);
void                     lab_classify_results_select       (LabClassifyResults *self,
                                                            guint               i);
/* -1 when none is. */
int                      lab_classify_results_get_selected (LabClassifyResults *self);
/* The text of cell (row, column) as shown, for tests; columns 0..5. */
const char              *lab_classify_results_get_text     (LabClassifyResults *self,
                                                            guint               row,
                                                            guint               column);

G_END_DECLS
