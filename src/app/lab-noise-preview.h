#pragma once

#include <gtk/gtk.h>

#include "lab-dataset.h"
#include "lab-image-view.h"

G_BEGIN_DECLS

/* The noise preview, beside the Data page's grid: one image large, as it
 * is and with the noise chosen below it (type and amount, with what that
 * noise does in a sentence). The noise is drawn from a seed mixed with the
 * image's index, so the slider scales one fixed pattern instead of
 * flickering; one image is fast enough to redo on the main thread at every
 * step of the slider. */
#define LAB_TYPE_NOISE_PREVIEW (lab_noise_preview_get_type ())
G_DECLARE_FINAL_TYPE (LabNoisePreview, lab_noise_preview, LAB, NOISE_PREVIEW, GtkWidget)

/* Shows image index of dataset (ref taken), or nothing for G_MAXUINT. */
void          lab_noise_preview_show           (LabNoisePreview *self,
                                                LabDataset      *dataset,
                                                guint            index);
GtkRange     *lab_noise_preview_get_noise_scale (LabNoisePreview *self);
GtkDropDown  *lab_noise_preview_get_noise_type  (LabNoisePreview *self);
LabImageView *lab_noise_preview_get_clean_view  (LabNoisePreview *self);
LabImageView *lab_noise_preview_get_noisy_view  (LabNoisePreview *self);

G_END_DECLS
