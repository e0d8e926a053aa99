#pragma once

#include <gio/gio.h>

#include "lab-dataset.h"
#include "lab-error.h"
#include "lab-model.h"

G_BEGIN_DECLS

/* What the autoencoder cannot reconstruct: each image's reconstruction
 * error (the image, clean, through the whole model, against itself), and
 * the images it reconstructs worst. Mislabelled, inverted and odd digits
 * surface at the top: the anomaly detection of seed 000. */

typedef enum
{
  LAB_RECON_MSE,    /* mean over pixels of (out - x)^2 */
  LAB_RECON_BCE,    /* mean over pixels of -(x log out + (1 - x) log (1 - out)) */
} LabReconMetric;

/* errors (n): the error of each image indices[i] of dataset through model.
 * model's batch grows as needed (its weights are untouched); progress (a
 * fraction, may be NULL) between batches, cancellable checked there too.
 * Errors (LAB_ERROR): INVALID for a model that does not reconstruct images
 * or an index past the dataset, MISMATCH for images of another size,
 * CANCELLED. */
gboolean  lab_outliers_errors  (LabModel         *model,
                                LabDataset       *dataset,
                                const guint      *indices,
                                guint             n,
                                LabReconMetric    metric,
                                float            *errors,
                                GCancellable     *cancellable,
                                LabProgressFunc   progress,
                                gpointer          user_data,
                                GError          **error);

/* The k (at most n) rows of errors (n) with the largest errors, largest
 * first, a tie to the lower row; returns how many were written. */
guint     lab_outliers_top     (const float      *errors,
                                guint             n,
                                guint             k,
                                guint            *rows);

/* How many of errors (n) lie above threshold (NaN never does). */
guint     lab_outliers_count_above (const float  *errors,
                                    guint         n,
                                    double        threshold);

/* A threshold to start from: the mean plus three standard deviations of
 * the finite errors (n), the classic rule for anomalies. NAN without any. */
double    lab_outliers_suggest_threshold (const float *errors,
                                          guint        n);

/* out (k, height, width) in [0, 1]: images indices (k) of dataset, clean,
 * through the whole model, as lab_outliers_errors reconstructs them. The
 * model's batch grows to k; its weights are untouched. Errors as
 * lab_outliers_errors's. */
gboolean  lab_outliers_reconstruct (LabModel     *model,
                                    LabDataset   *dataset,
                                    const guint  *indices,
                                    guint         k,
                                    float        *out,
                                    GError      **error);

G_END_DECLS
