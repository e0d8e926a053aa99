#pragma once

#include <gtk/gtk.h>

#include "lab-classify.h"

G_BEGIN_DECLS

/* The Classify page's controls and its run: classifier and features, the
 * number of training images (10,000 by default: a class's patience),
 * standardisation, and behind an Advanced expander C, gamma, k and the
 * distance; Run and Cancel (the page's actions page.run-classifier and
 * page.cancel-classifier), a progress bar and a status line.
 *
 * lab_classify_run_start runs lab_classify_run on a worker (LabJob, one at
 * a time: a new start supersedes the running one) with a copy of the
 * model taken at the start, so training may go on; the main thread only
 * shows the coalesced progress.
 *
 * Signals, on the main thread:
 *   finished (LabClassifyResult *result, LabDataset *test)
 *       the handler owns result (transfer full); test (borrowed) is the
 *       dataset its test_indices index
 *   failed (const GError *error)        not for a cancelled run */
#define LAB_TYPE_CLASSIFY_RUN (lab_classify_run_get_type ())
G_DECLARE_FINAL_TYPE (LabClassifyRun, lab_classify_run, LAB, CLASSIFY_RUN, GtkWidget)

GtkWidget  *lab_classify_run_new         (void);
/* The settings as the controls show them; FALSE (and error) when one of
 * them does not parse (gamma). */
gboolean    lab_classify_run_get_config  (LabClassifyRun     *self,
                                          LabClassifyConfig  *config,
                                          GError            **error);
/* Sets the controls from config (tests, scripting). */
void        lab_classify_run_set_config  (LabClassifyRun          *self,
                                          const LabClassifyConfig *config);
/* model may be NULL (pixel and PCA features). FALSE and error when the
 * settings do not parse; the run's own errors come as "failed". */
gboolean    lab_classify_run_start       (LabClassifyRun     *self,
                                          LabModel           *model,
                                          LabDataset         *train,
                                          LabDataset         *test,
                                          GError            **error);
void        lab_classify_run_cancel      (LabClassifyRun     *self);
void        lab_classify_run_set_locked  (LabClassifyRun     *self,
                                          gboolean            locked);
gboolean    lab_classify_run_is_running  (LabClassifyRun     *self);
/* The status line (tests). */
const char *lab_classify_run_get_status  (LabClassifyRun     *self);
/* Progress updates shown so far (tests). */
guint       lab_classify_run_get_n_progress (LabClassifyRun  *self);

G_END_DECLS
