#pragma once

#include "lab-cell-images.h"
#include "lab-class-bars.h"
#include "lab-classify-page.h"
#include "lab-classify-results.h"
#include "lab-classify-run.h"
#include "lab-confusion-view.h"
#include "lab-transfer-panel.h"

G_BEGIN_DECLS

/* For tests: the page's sections. */
LabClassifyRun     *lab_classify_page_get_run        (LabClassifyPage *self);
LabClassifyResults *lab_classify_page_get_results    (LabClassifyPage *self);
LabConfusionView   *lab_classify_page_get_confusion  (LabClassifyPage *self);
LabClassBars       *lab_classify_page_get_bars       (LabClassifyPage *self);
LabCellImages      *lab_classify_page_get_cell_images (LabClassifyPage *self);
GtkStack           *lab_classify_page_get_stack      (LabClassifyPage *self);
LabTransferPanel   *lab_classify_page_get_transfer   (LabClassifyPage *self);

G_END_DECLS
