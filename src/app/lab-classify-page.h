#pragma once

#include <gtk/gtk.h>

#include "lab-page.h"

G_BEGIN_DECLS

/* The Classify page: does the autoencoder's latent space know the classes
 * it never saw? A stack of panels with a switcher; the first, "Latent
 * classifiers", is a layout of its sections: the run (lab-classify-run.h:
 * classifier, features, training images, Advanced, Run and Cancel,
 * progress), the table of runs side by side (lab-classify-results.h), the
 * confusion heatmap with counts (lab-confusion-view.h; a click lists the
 * test images of the cell, lab-cell-images.h) and the per-class accuracy
 * bars (lab-class-bars.h). The second, "Transfer learning", is seed 000's
 * experiment (lab-transfer-panel.h). Further panels are added with
 * lab_classify_page_add_panel.
 *
 * Actions (page.*, and win.* through the window, see lab-page.h):
 *   run-classifier      train and score the classifier as the controls say
 *                       (Ctrl+Return where the page shows)
 *   cancel-classifier   stop it (between the SVM's class pairs)
 *   run-transfer        the transfer experiment on the Data page's dataset
 *   cancel-transfer     stop it */
#define LAB_TYPE_CLASSIFY_PAGE (lab_classify_page_get_type ())
G_DECLARE_FINAL_TYPE (LabClassifyPage, lab_classify_page, LAB, CLASSIFY_PAGE, LabPage)

GtkWidget  *lab_classify_page_new       (void);
/* Adds a panel to the page's stack, after the ones there, with its name
 * (for the stack) and the title the switcher shows. */
void        lab_classify_page_add_panel (LabClassifyPage *self,
                                         GtkWidget       *panel,
                                         const char      *name,
                                         const char      *title);

G_END_DECLS
