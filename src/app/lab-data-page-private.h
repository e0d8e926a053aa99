#pragma once

#include "lab-data-page.h"
#include "lab-dataset-chooser.h"
#include "lab-image-view.h"
#include "lab-noise-preview.h"

G_BEGIN_DECLS

/* For tests: the parts of the page a test drives or reads. */

/* The model the thumbnail grid shows. */
GtkSelectionModel *lab_data_page_get_grid_model   (LabDataPage *self);
/* Clicks the class filter button of klass (-1: All). FALSE when the
 * dataset has no such class. */
gboolean           lab_data_page_select_class     (LabDataPage *self,
                                                   int          klass);
/* The label of the class filter button of klass (-1: All), or NULL. */
char              *lab_data_page_dup_class_button_text (LabDataPage *self,
                                                        int          klass);
GtkRange          *lab_data_page_get_noise_scale  (LabDataPage *self);
GtkDropDown       *lab_data_page_get_noise_type   (LabDataPage *self);
LabImageView      *lab_data_page_get_preview_view (LabDataPage *self);
LabImageView      *lab_data_page_get_noisy_view   (LabDataPage *self);
const char        *lab_data_page_get_status_text  (LabDataPage *self);
/* The list of files a PNG folder did not load with their reasons, and the
 * expander's title that counts them and the files that are not images;
 * NULL when hidden. */
const char        *lab_data_page_get_skipped_text (LabDataPage *self);
const char        *lab_data_page_get_skipped_title (LabDataPage *self);
/* The dataset index of the image shown large, or G_MAXUINT. */
guint              lab_data_page_get_selected_index (LabDataPage *self);

G_END_DECLS
