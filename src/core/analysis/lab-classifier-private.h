#pragma once

#include "lab-classifier.h"

#include "lab-team.h"

G_BEGIN_DECLS

/* One fitted classifier: the common part and the kind's own state behind
 * two functions (lab-classifier-svm.c, -linear.c, -knn.c). */
struct _LabClassifier
{
  LabClassifierConfig config;     /* as fitted: gamma resolved */
  guint               dim;
  guint               n_classes;
  guint               n_support;
  gboolean            converged;
  char               *warning;
  LabTeam            *team;       /* owned; lanes for predict */
  gpointer            impl;       /* owned by the kind */
  void              (*free_impl) (gpointer impl);
  gboolean          (*predict)   (LabClassifier  *self,
                                  const float    *x,
                                  guint           m,
                                  guint8         *labels,
                                  LabProgressFunc progress,
                                  gpointer        user_data,
                                  GCancellable   *cancellable,
                                  GError        **error);
};

/* Each fills self->impl, free_impl and predict (and n_support, converged,
 * warning as they apply). Inputs are checked by lab_classifier_fit. */
gboolean lab_classifier_fit_svm    (LabClassifier  *self,
                                    const float    *x,
                                    const guint8   *y,
                                    guint           n,
                                    LabProgressFunc progress,
                                    gpointer        user_data,
                                    GCancellable   *cancellable,
                                    GError        **error);
gboolean lab_classifier_fit_linear (LabClassifier  *self,
                                    const float    *x,
                                    const guint8   *y,
                                    guint           n,
                                    LabProgressFunc progress,
                                    gpointer        user_data,
                                    GCancellable   *cancellable,
                                    GError        **error);
gboolean lab_classifier_fit_knn    (LabClassifier  *self,
                                    const float    *x,
                                    const guint8   *y,
                                    guint           n,
                                    LabProgressFunc progress,
                                    gpointer        user_data,
                                    GCancellable   *cancellable,
                                    GError        **error);

/* Rows of x per block of the GEMM-based predictions: (block, n_train)
 * floats of distances or kernel values per lane. */
#define LAB_CLASSIFIER_BLOCK 128

/* The CANCELLED error of a stopped fit or prediction. */
gboolean lab_classifier_cancelled  (GCancellable   *cancellable,
                                    GError        **error);

/* Runs func over the rows [0, m) of a prediction in blocks of
 * LAB_CLASSIFIER_BLOCK, on every lane of self->team (lane < the team's
 * lanes, for per-lane scratch), with progress by finished blocks and the
 * cancellable checked before each block. BLAS runs one thread per lane. */
typedef void (*LabClassifierBlockFunc) (gpointer job,
                                        guint    lane,
                                        guint    row0,
                                        guint    rows);

gboolean lab_classifier_run_blocks (LabClassifier          *self,
                                    guint                   m,
                                    LabClassifierBlockFunc  func,
                                    gpointer                job,
                                    LabProgressFunc         progress,
                                    gpointer                user_data,
                                    GCancellable           *cancellable,
                                    GError                **error);

/* One scratch buffer of n_floats per lane of self->team (a NULL-terminated
 * array; lab_classifier_free_lanes frees it). */
float  **lab_classifier_lane_buffers (LabClassifier *self,
                                      gsize          n_floats);
void     lab_classifier_free_lanes   (float        **buffers);

/* Squared norms (n) of the rows of x (n, d), in float. */
void     lab_classifier_row_norms  (const float    *x,
                                    gsize           n,
                                    gsize           d,
                                    float          *norms);

G_END_DECLS
