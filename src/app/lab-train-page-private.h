#pragma once

#include "lab-plot-view.h"
#include "lab-recon-grid.h"
#include "lab-train-page.h"

G_BEGIN_DECLS

/* For tests. */

/* The loss plot's series. */
#define LAB_TRAIN_PAGE_SERIES_TRAIN 0   /* smoothed batch losses, x in epochs */
#define LAB_TRAIN_PAGE_SERIES_VAL   1   /* validation loss at each epoch's end */

/* When a run ends (completed or stopped), the worker evaluates the final
 * weights with lab_evaluate on the first LAB_TRAIN_PAGE_EVAL_IMAGES test
 * images (the validation set), with the training noise and this seed. */
#define LAB_TRAIN_PAGE_EVAL_SEED    G_GUINT64_CONSTANT (20240611)
#define LAB_TRAIN_PAGE_EVAL_IMAGES  2000

LabPlotView  *lab_train_page_get_loss_plot      (LabTrainPage *self);
LabReconGrid *lab_train_page_get_recon_grid     (LabTrainPage *self);
/* The final evaluation of the last run (NAN before one ended), and the
 * steps it trained. */
double        lab_train_page_get_final_loss     (LabTrainPage *self);
guint64       lab_train_page_get_final_steps    (LabTrainPage *self);
gboolean      lab_train_page_get_final_stopped  (LabTrainPage *self);
/* Progress updates the page received from the worker. */
guint         lab_train_page_get_n_progress     (LabTrainPage *self);
guint64       lab_train_page_get_step           (LabTrainPage *self);
const char   *lab_train_page_get_status_text    (LabTrainPage *self);
const char   *lab_train_page_get_progress_text  (LabTrainPage *self);
const char   *lab_train_page_get_arch           (LabTrainPage *self);
/* Layer rows of the Keras-style summary shown (0 when the spec is invalid). */
guint         lab_train_page_get_summary_rows   (LabTrainPage *self);
/* Fills the config the next win.train would use. */
void          lab_train_page_get_config         (LabTrainPage   *self,
                                                 LabTrainConfig *config);

G_END_DECLS
