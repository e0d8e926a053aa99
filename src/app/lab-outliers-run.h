#pragma once

#include <glib-object.h>

#include "lab-outliers.h"
#include "lab-run.h"

G_BEGIN_DECLS

/* The outliers run (a LabRun): the reconstruction error of every image on
 * the latent map (lab_outliers_errors) on a worker, then the worst ones
 * and their reconstructions, one run at a time (a new start supersedes
 * the running one), with LabRun's progress and done signals:
 *   done (LabOutliersResult *result, const GError *error)
 *       either result (its arrays may be stolen; what is left is freed
 *       after the emission) or error */
#define LAB_TYPE_OUTLIERS_RUN (lab_outliers_run_get_type ())
G_DECLARE_FINAL_TYPE (LabOutliersRun, lab_outliers_run, LAB, OUTLIERS_RUN, LabRun)

/* The most outliers a result shows. */
#define LAB_OUTLIERS_RUN_TOP 50

typedef struct
{
  guint          n;
  float         *errors;   /* (n) image indices[i]'s error */
  LabReconMetric metric;
  guint          n_top;
  guint         *top;      /* (n_top) rows of errors, worst first */
  float         *recon;    /* (n_top, height, width) in [0, 1] */
  guint          height, width;
} LabOutliersResult;

LabOutliersRun *lab_outliers_run_new        (void);
/* Reconstructs images indices (n) of dataset through a copy of model
 * (taken now) and measures metric. */
void            lab_outliers_run_start      (LabOutliersRun *self,
                                             LabModel       *model,
                                             LabDataset     *dataset,
                                             const guint    *indices,
                                             guint           n,
                                             LabReconMetric  metric);
void            lab_outliers_run_cancel     (LabOutliersRun *self);
gboolean        lab_outliers_run_is_running (LabOutliersRun *self);

G_END_DECLS
