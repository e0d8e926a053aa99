#pragma once

#include <gio/gio.h>

#include "lab-classifier.h"
#include "lab-dataset.h"
#include "lab-model.h"

G_BEGIN_DECLS

/* A classification run, what the Classify page and `latentlab-cli classify`
 * do: features of N training images (the model's latent, the raw pixels,
 * or PCA-k of the pixels), optionally standardised, a classifier fitted to
 * them, and its predictions for the test images, with accuracy, per-class
 * precision, recall and F1, the confusion matrix and the times.
 * Synchronous and GTK-free: the app runs it on a worker. */

typedef enum
{
  LAB_FEATURES_LATENT,
  LAB_FEATURES_PIXELS,
  LAB_FEATURES_PCA,
} LabFeatureKind;

#define LAB_CLASSIFY_DEFAULT_TRAIN 10000
#define LAB_CLASSIFY_DEFAULT_PCA   50

/* "latent", "pixels", "pca"; titles "Latent", "Pixels", "PCA" (N_()). */
const char *lab_feature_kind_name  (LabFeatureKind  kind);
const char *lab_feature_kind_title (LabFeatureKind  kind);
/* "latent", "pixels", "pca:K" (K >= 1; plain "pca" is PCA-50). */
gboolean    lab_feature_kind_parse (const char     *text,
                                    LabFeatureKind *kind,
                                    guint          *pca_k,
                                    GError        **error);

typedef struct
{
  LabClassifierConfig classifier;
  LabFeatureKind      features;     /* LATENT */
  guint               pca_k;        /* LAB_CLASSIFY_DEFAULT_PCA */
  guint               n_train;      /* LAB_CLASSIFY_DEFAULT_TRAIN; 0: all */
  guint               n_test;       /* 0: all test images */
  gboolean            standardize;  /* per feature: (x - mean) / std of the training rows */
  guint64             seed;         /* 1: which training images, the PCA */
} LabClassifyConfig;

void        lab_classify_config_init (LabClassifyConfig *config,
                                      LabClassifierKind  kind);

typedef enum
{
  LAB_CLASSIFY_STAGE_FEATURES,
  LAB_CLASSIFY_STAGE_FIT,
  LAB_CLASSIFY_STAGE_PREDICT,
} LabClassifyStage;

/* progress gets the fraction of the whole run and a text that names the
 * stage ("Encoding the training images", "Training: pair 12 of 45"). */

typedef struct
{
  LabClassifyConfig config;        /* as run: gamma resolved, n_train the count used */
  LabClassifierKind kind;
  char       *model_name;          /* NULL for pixels and PCA */
  char       *dataset_name;
  char       *features_title;      /* "latent (64)", "pixels (784)", "PCA-50"; English */
  guint       dim;                 /* features per image */
  guint       n_train;
  guint       n_test;
  guint       n_classes;
  char      **class_names;         /* (n_classes) NULL-terminated */
  guint       height, width;       /* of the test images */
  double      accuracy;            /* 0..1 */
  double     *precision;           /* (n_classes), NAN for a class never predicted */
  double     *recall;              /* (n_classes), NAN for a class absent from the test */
  double     *f1;                  /* (n_classes), NAN when either is */
  guint      *support;             /* (n_classes) test images of each class */
  guint      *confusion;           /* (n_classes, n_classes): row true, column predicted */
  guint      *test_indices;        /* (n_test) images of the test dataset, in order */
  guint8     *truth;               /* (n_test) */
  guint8     *predicted;           /* (n_test) */
  double      features_seconds;
  double      fit_seconds;
  double      predict_seconds;
  guint       n_support;           /* RBF SVM */
  gboolean    converged;
  char       *warning;             /* NULL when converged; English */
} LabClassifyResult;

void        lab_classify_result_free (LabClassifyResult *self);

/* What the window calls its features: features_title translated, the
 * count as the window shows it ("latent (128)", "pixels (784)", "PCA-50";
 * lab-format.h). features_title stays English, for the files. */
char       *lab_classify_result_features_label (const LabClassifyResult *self);
/* The warning of a fit that did not converge, translated for the window;
 * NULL when it converged. warning stays English, for the files. */
char       *lab_classify_result_warning_label  (const LabClassifyResult *self);

/* Fills accuracy, precision, recall, f1, support and confusion of self
 * (n_classes set, arrays not yet allocated) from truth and predicted
 * (n each). */
void        lab_classify_score       (LabClassifyResult *self,
                                      const guint8      *truth,
                                      const guint8      *predicted,
                                      guint              n);

/* The test images (in test_indices order) of confusion cell (truth,
 * predicted): their positions in the result's arrays; returns how many. */
guint       lab_classify_cell_rows   (const LabClassifyResult *self,
                                      guint                    truth,
                                      guint                    predicted,
                                      guint                   *rows,
                                      guint                    max_rows);

/* Runs it: train and test are the two splits of one dataset; model gives
 * the latent (LATENT only; may be NULL otherwise). Errors (LAB_ERROR):
 * INVALID for a dataset without labels, a model without an encoder, no
 * model for LATENT, n_train above the training images, a bad pca_k;
 * MISMATCH for images the model does not take or two splits of different
 * sizes; FAILED for a classifier that did not converge; CANCELLED. */
LabClassifyResult *lab_classify_run  (LabModel                *model,
                                      LabDataset              *train,
                                      LabDataset              *test,
                                      const LabClassifyConfig *config,
                                      LabProgressFunc          progress,
                                      gpointer                 user_data,
                                      GCancellable            *cancellable,
                                      GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabClassifyResult, lab_classify_result_free)

G_END_DECLS
