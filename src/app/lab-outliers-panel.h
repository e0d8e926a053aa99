#pragma once

#include <gtk/gtk.h>

#include "lab-dataset.h"
#include "lab-histogram-view.h"
#include "lab-model.h"
#include "lab-outliers.h"

G_BEGIN_DECLS

/* The outliers panel, the Latent page's "Outliers" side tab: what the
 * autoencoder cannot reconstruct. The reconstruction error (MSE or BCE) of
 * every image on the map, measured on a worker (LabOutliersRun) with
 * progress and Stop; the colour choice of the map (page.latent-color); a
 * histogram of the errors with a threshold to drag, the count and share
 * of images above it, and whether the map highlights them; and the worst
 * LAB_OUTLIERS_RUN_TOP images, each beside its reconstruction with its
 * label, index and error. Mislabelled and odd digits come first. Right
 * click exports the worst images as a picture (lab-widget-figure.h); the
 * histogram exports itself.
 *
 * Signals:
 *   errors-changed ()         new errors (or none any more)
 *   threshold-changed ()      the threshold or the highlight changed
 *   outlier-activated (int row)  a worst image was clicked: row is its
 *                             point on the map */
#define LAB_TYPE_OUTLIERS_PANEL (lab_outliers_panel_get_type ())
G_DECLARE_FINAL_TYPE (LabOutliersPanel, lab_outliers_panel, LAB, OUTLIERS_PANEL, GtkWidget)

/* Measures images indices (n) of images (the map's points, in order)
 * through a copy of model, superseding a measure that runs. */
void            lab_outliers_panel_compute       (LabOutliersPanel *self,
                                                  LabModel         *model,
                                                  LabDataset       *images,
                                                  const guint      *indices,
                                                  guint             n);
/* No errors any more; text says why (NULL: nothing on the map yet). */
void            lab_outliers_panel_clear         (LabOutliersPanel *self,
                                                  const char       *text);
/* A note after the status (the weights have changed since), or NULL. */
void            lab_outliers_panel_set_note      (LabOutliersPanel *self,
                                                  const char       *note);
gboolean        lab_outliers_panel_is_running    (LabOutliersPanel *self);
/* One per point of the map, or NULL while there are none. */
const float    *lab_outliers_panel_get_errors    (LabOutliersPanel *self,
                                                  guint            *n);
/* The worst points' rows, worst first. */
guint           lab_outliers_panel_get_worst     (LabOutliersPanel *self,
                                                  const guint     **rows);
LabReconMetric  lab_outliers_panel_get_metric    (LabOutliersPanel *self);
/* Measures again with metric when there is something to measure. */
void            lab_outliers_panel_set_metric    (LabOutliersPanel *self,
                                                  LabReconMetric    metric);
/* NAN while there are no errors. Setting one before the errors come
 * keeps it for them (a saved session's). */
double          lab_outliers_panel_get_threshold (LabOutliersPanel *self);
void            lab_outliers_panel_set_threshold (LabOutliersPanel *self,
                                                  double            threshold);
gboolean        lab_outliers_panel_get_highlight (LabOutliersPanel *self);
void            lab_outliers_panel_set_highlight (LabOutliersPanel *self,
                                                  gboolean          highlight);
/* "12 of 1,000 images above 0.0452 (1.2%)", or "" without errors. */
const char     *lab_outliers_panel_get_fraction_text (LabOutliersPanel *self);
const char     *lab_outliers_panel_get_status    (LabOutliersPanel *self);
LabHistogramView *lab_outliers_panel_get_histogram (LabOutliersPanel *self);
/* As a click on worst image i. */
void            lab_outliers_panel_activate      (LabOutliersPanel *self,
                                                  guint             i);

G_END_DECLS
