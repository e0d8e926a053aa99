#pragma once

#include <gio/gio.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* Classifiers over feature vectors: what shows that an autoencoder's latent
 * space learned something useful without labels (seed 001: an RBF SVM on a
 * 64-d latent, 98.78% on MNIST), next to the obvious baselines.
 *
 *   SVM_RBF     libsvm's C-SVC with the RBF kernel exp(-gamma |x - y|²),
 *               one-vs-one over the class pairs, as scikit-learn's SVC.
 *               The pairs train on a LabTeam (one binary libsvm problem
 *               per pair, handed to whichever thread is free) and vote as
 *               libsvm does; prediction computes the kernel rows against
 *               all support vectors as GEMMs.
 *   SVM_LINEAR  liblinear's L2-regularised squared-hinge SVM (dual
 *               coordinate descent), one-vs-rest, as LinearSVC.
 *   LOGISTIC    liblinear's L2-regularised logistic regression (trust
 *               region Newton), one-vs-rest.
 *   KNN         exact k nearest neighbours (euclidean or cosine), majority
 *               vote, ties to the smaller label; the distances come from
 *               GEMMs over blocks of rows.
 *
 * Everything here is synchronous and GTK-free; the caller runs it on a
 * worker. Labels are class numbers below n_classes (at most 256). */

typedef enum
{
  LAB_CLASSIFIER_SVM_RBF,
  LAB_CLASSIFIER_SVM_LINEAR,
  LAB_CLASSIFIER_LOGISTIC,
  LAB_CLASSIFIER_KNN,
} LabClassifierKind;

#define LAB_CLASSIFIER_N_KINDS 4

typedef enum
{
  LAB_DISTANCE_EUCLIDEAN,
  LAB_DISTANCE_COSINE,
} LabDistance;

/* How the RBF SVM's one-vs-one pairs are trained: on the team, one pair
 * per free thread (PAIRS, the default), or by libsvm's own multi-class
 * svm_train, one pair after the other (LIBSVM; the benchmark's reference
 * and the check that PAIRS votes as libsvm does). */
typedef enum
{
  LAB_SVM_PAIRS,
  LAB_SVM_LIBSVM,
} LabSvmTrainer;

/* "svm-rbf", "svm-linear", "logistic", "knn". */
const char *lab_classifier_kind_name  (LabClassifierKind  kind);
/* "RBF SVM", "Linear SVM", "Logistic regression", "k-NN", marked N_(). */
const char *lab_classifier_kind_title (LabClassifierKind  kind);
/* The names above, any case; also "svm" (RBF), "linear", "lr". */
gboolean    lab_classifier_kind_parse (const char        *name,
                                       LabClassifierKind *kind,
                                       GError           **error);
/* "euclidean" or "cosine". */
const char *lab_distance_name         (LabDistance        distance);
gboolean    lab_distance_parse        (const char        *name,
                                       LabDistance       *distance,
                                       GError           **error);

/* libsvm's kernel cache per training thread, in MB. */
#define LAB_SVM_DEFAULT_CACHE_MB 200
#define LAB_KNN_DEFAULT_K        5
#define LAB_KNN_MAX_K            100

typedef struct
{
  LabClassifierKind kind;
  double            C;          /* 10 for the RBF SVM (seed 001), 1 for liblinear's */
  double            gamma;      /* RBF; <= 0 is 'scale': 1 / (d · var(X)) */
  guint             k;          /* k-NN: 5 */
  LabDistance       distance;   /* k-NN: euclidean */
  guint             n_threads;  /* 0: one per processor */
  guint             cache_mb;   /* libsvm: LAB_SVM_DEFAULT_CACHE_MB per thread */
  gboolean          shrinking;  /* libsvm's shrinking heuristic: TRUE */
  LabSvmTrainer     svm_trainer;
  /* liblinear stops at its own iteration limit (1,000 passes). FALSE: that
   * is an error (LAB_ERROR_FAILED, saying what to change); TRUE: the model
   * is kept, lab_classifier_converged() says FALSE and the warning says
   * why. */
  gboolean          keep_unconverged;
} LabClassifierConfig;

/* The defaults above for kind (C depends on it). */
void        lab_classifier_config_init (LabClassifierConfig *config,
                                        LabClassifierKind    kind);

/* scikit-learn's gamma='scale': 1 / (d · var(X)), the variance over all
 * n · d entries of x (n, d) (population, ddof 0), in double; 1 when the
 * variance is 0. */
double      lab_svm_gamma_scale        (const float         *x,
                                        gsize                n,
                                        gsize                d);

typedef struct _LabClassifier LabClassifier;

/* Fits a classifier to x (n, d) row-major with labels y (n) below
 * n_classes. progress (may be NULL) gets the fraction and a short text
 * ("pair 12 of 45"); cancellable is checked between the SVM's pairs (libsvm
 * itself cannot be interrupted) and between k-NN blocks. Errors
 * (LAB_ERROR): INVALID for empty input, labels out of range, fewer than two
 * classes present, non-finite values, bad C, gamma or k; FAILED when
 * liblinear did not converge (see keep_unconverged); CANCELLED. */
LabClassifier *lab_classifier_fit      (const LabClassifierConfig *config,
                                        const float         *x,
                                        const guint8        *y,
                                        guint                n,
                                        guint                d,
                                        guint                n_classes,
                                        LabProgressFunc      progress,
                                        gpointer             user_data,
                                        GCancellable        *cancellable,
                                        GError             **error);
void        lab_classifier_free        (LabClassifier       *self);

/* Predicted labels (m) of x (m, d). Errors: CANCELLED only. */
gboolean    lab_classifier_predict     (LabClassifier       *self,
                                        const float         *x,
                                        guint                m,
                                        guint8              *labels,
                                        LabProgressFunc      progress,
                                        gpointer             user_data,
                                        GCancellable        *cancellable,
                                        GError             **error);

/* The configuration as fitted: gamma resolved from 'scale'. */
const LabClassifierConfig *lab_classifier_get_config (LabClassifier *self);
guint       lab_classifier_get_dim        (LabClassifier    *self);
/* Support vectors of the RBF SVM (distinct training rows); 0 otherwise. */
guint       lab_classifier_n_support      (LabClassifier    *self);
/* FALSE when liblinear stopped at its iteration limit (kept only with
 * keep_unconverged); the warning then says so (NULL when converged). */
gboolean    lab_classifier_converged      (LabClassifier    *self);
const char *lab_classifier_get_warning    (LabClassifier    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabClassifier, lab_classifier_free)

G_END_DECLS
