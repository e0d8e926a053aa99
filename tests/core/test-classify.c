/* The latent classifiers (libsvm's RBF SVM on the team's pairs, liblinear's
 * linear SVM and logistic regression, exact k-NN over GEMM distances), the
 * scores of a run, the confusion plot, and the bad-input errors. */

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lab-classify.h"
#include "lab-confusion-plot.h"
#include "lab-png.h"
#include "lab-rng.h"
#include "lab-synthetic.h"
#include "lab-test-models.h"

/* k Gaussian clusters in d dimensions, n_per points each, centres `spread`
 * apart on the axes (class c at +spread on axis c mod d, sign alternating
 * past d), unit noise. Rows are interleaved by class. */
static void
make_clusters (guint     k,
               guint     d,
               guint     n_per,
               double    spread,
               guint64   seed,
               float   **x,
               guint8  **y)
{
  LabRng rng;

  lab_rng_init (&rng, seed);
  *x = g_new0 (float, (gsize) k * n_per * d);
  *y = g_new (guint8, (gsize) k * n_per);
  for (guint i = 0; i < k * n_per; i++)
    {
      guint c = i % k;

      (*y)[i] = (guint8) c;
      for (guint j = 0; j < d; j++)
        (*x)[(gsize) i * d + j] = (float) lab_rng_normal (&rng);
      (*x)[(gsize) i * d + c % d] += (float) (c < d ? spread : -spread);
    }
}

static double
accuracy_of (const guint8 *a,
             const guint8 *b,
             guint         n)
{
  guint right = 0;

  for (guint i = 0; i < n; i++)
    right += a[i] == b[i];
  return (double) right / n;
}

static void
test_classify_separable (void)
{
  const guint k = 4, d = 8, n_train = 4 * 100, n_test = 4 * 50;
  g_autofree float *x = NULL, *tx = NULL;
  g_autofree guint8 *y = NULL, *ty = NULL;
  guint8 predicted[4 * 50];

  make_clusters (k, d, 100, 6, 11, &x, &y);
  make_clusters (k, d, 50, 6, 12, &tx, &ty);
  for (LabClassifierKind kind = 0; kind < LAB_CLASSIFIER_N_KINDS; kind++)
    for (guint threads = 1; threads <= 2; threads++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(LabClassifier) c = NULL;
        LabClassifierConfig config;

        lab_classifier_config_init (&config, kind);
        config.n_threads = threads;
        c = lab_classifier_fit (&config, x, y, n_train, d, k, NULL, NULL, NULL, &error);
        g_assert_no_error (error);
        g_assert_true (lab_classifier_converged (c));
        memset (predicted, 0xff, sizeof predicted);
        g_assert_true (lab_classifier_predict (c, tx, n_test, predicted, NULL, NULL, NULL, &error));
        g_assert_no_error (error);
        /* clusters 6 standard deviations apart: all right */
        g_assert_cmpfloat (accuracy_of (predicted, ty, n_test), ==, 1.0);
        if (kind == LAB_CLASSIFIER_SVM_RBF)
          {
            g_assert_cmpuint (lab_classifier_n_support (c), >, 0);
            g_assert_cmpuint (lab_classifier_n_support (c), <, n_train);
          }
        else
          g_assert_cmpuint (lab_classifier_n_support (c), ==, 0);
      }
}

/* The pairs trained on two threads vote exactly as libsvm's own serial
 * multi-class svm_train: the same support vectors, the same predictions,
 * on clusters that overlap (so many vectors, and errors). */
static void
test_classify_pairs_as_libsvm (void)
{
  const guint k = 5, d = 6, n_train = 5 * 80, n_test = 5 * 60;
  g_autofree float *x = NULL, *tx = NULL;
  g_autofree guint8 *y = NULL, *ty = NULL;
  guint8 by_pairs[5 * 60], by_libsvm[5 * 60];
  g_autoptr(GError) error = NULL;
  g_autoptr(LabClassifier) pairs = NULL;
  g_autoptr(LabClassifier) serial = NULL;
  LabClassifierConfig config;
  double acc;

  make_clusters (k, d, 80, 1.5, 21, &x, &y);
  make_clusters (k, d, 60, 1.5, 22, &tx, &ty);
  /* a first row of class 3: libsvm orders the classes by first appearance */
  y[0] = 3;
  /* zeros, as pixels have: libsvm's nodes leave them out, so rows differ
   * in length */
  for (guint i = 0; i < n_train; i += 3)
    x[(gsize) i * d + i % d] = 0;
  lab_classifier_config_init (&config, LAB_CLASSIFIER_SVM_RBF);
  config.n_threads = 2;
  pairs = lab_classifier_fit (&config, x, y, n_train, d, k, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  config.svm_trainer = LAB_SVM_LIBSVM;
  serial = lab_classifier_fit (&config, x, y, n_train, d, k, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lab_classifier_n_support (pairs), ==, lab_classifier_n_support (serial));
  g_assert_cmpuint (lab_classifier_n_support (pairs), >, n_train / 4);
  g_assert_true (lab_classifier_predict (pairs, tx, n_test, by_pairs, NULL, NULL, NULL, &error));
  g_assert_true (lab_classifier_predict (serial, tx, n_test, by_libsvm, NULL, NULL, NULL, &error));
  g_assert_cmpmem (by_pairs, n_test, by_libsvm, n_test);
  acc = accuracy_of (by_pairs, ty, n_test);
  g_assert_cmpfloat (acc, >, 0.5);
  g_assert_cmpfloat (acc, <, 1.0);
  /* gamma 'scale' resolved the same way */
  g_assert_cmpfloat (lab_classifier_get_config (pairs)->gamma, ==,
                     lab_classifier_get_config (serial)->gamma);
}

/* scikit-learn's gamma='scale' = 1 / (n_features * X.var()), var over all
 * entries (ddof 0). For X = [[1, 2], [3, 4], [5, 6]]: mean 3.5, squared
 * deviations 6.25, 2.25, 0.25 twice each, var = 17.5 / 6, so gamma =
 * 1 / (2 * 17.5 / 6) = 6 / 35 = 0.171428...; numpy:
 * 1 / (2 * np.var([[1, 2], [3, 4], [5, 6]])) = 0.17142857142857143. */
static void
test_classify_gamma_scale (void)
{
  const float x[] = { 1, 2, 3, 4, 5, 6 };
  const float flat[] = { 2, 2, 2, 2 };
  float big[4 * 3] = { 0.5f, -1.25f, 3, 0, 7, 2, -4, 1, 0.25f, 9, -2, 5 };

  g_assert_cmpfloat_with_epsilon (lab_svm_gamma_scale (x, 3, 2), 6.0 / 35.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (lab_svm_gamma_scale (x, 3, 2), 0.17142857142857143, 1e-15);
  /* constant input: scikit-learn falls back to 1 */
  g_assert_cmpfloat (lab_svm_gamma_scale (flat, 2, 2), ==, 1.0);
  /* 12 numbers summing to 20.5 with squares summing to 190.875: var =
   * 190.875 / 12 - (20.5 / 12)² = 12.987847222222223 (np.var says the
   * same), gamma = 1 / (3 · var) = 0.02566501804571581 (sklearn 1.2.1's
   * SVC(gamma='scale')._gamma on this matrix) */
  g_assert_cmpfloat_with_epsilon (lab_svm_gamma_scale (big, 4, 3), 0.02566501804571581, 1e-15);
}

/* k-NN against a plain double loop, both distances. */
static void
test_classify_knn_exact (void)
{
  const guint n = 300, m = 170, d = 7, k = 4;
  g_autofree float *x = g_new (float, n * d), *q = g_new (float, m * d);
  g_autofree guint8 *y = g_new (guint8, n);
  guint8 got[170];
  LabRng rng;

  lab_rng_init (&rng, 5);
  for (guint i = 0; i < n * d; i++)
    x[i] = (float) lab_rng_normal (&rng);
  for (guint i = 0; i < m * d; i++)
    q[i] = (float) lab_rng_normal (&rng);
  for (guint i = 0; i < n; i++)
    y[i] = (guint8) lab_rng_below (&rng, k);
  for (LabDistance dist = LAB_DISTANCE_EUCLIDEAN; dist <= LAB_DISTANCE_COSINE; dist++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabClassifier) c = NULL;
      LabClassifierConfig config;
      guint differ = 0;

      lab_classifier_config_init (&config, LAB_CLASSIFIER_KNN);
      config.k = 5;
      config.distance = dist;
      config.n_threads = 2;
      c = lab_classifier_fit (&config, x, y, n, d, k, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (lab_classifier_predict (c, q, m, got, NULL, NULL, NULL, &error));
      for (guint r = 0; r < m; r++)
        {
          double best[5];
          guint best_i[5], votes[4] = { 0 }, win = 0;

          for (guint h = 0; h < 5; h++)
            best[h] = INFINITY;
          for (guint t = 0; t < n; t++)
            {
              double dot = 0, nq = 0, nt = 0, dd;
              guint h = 4;

              for (guint j = 0; j < d; j++)
                {
                  dot += (double) q[r * d + j] * x[t * d + j];
                  nq += (double) q[r * d + j] * q[r * d + j];
                  nt += (double) x[t * d + j] * x[t * d + j];
                }
              dd = dist == LAB_DISTANCE_COSINE ? 1 - dot / sqrt (nq * nt) : nq + nt - 2 * dot;
              if (dd >= best[4])
                continue;
              while (h > 0 && best[h - 1] > dd)
                {
                  best[h] = best[h - 1];
                  best_i[h] = best_i[h - 1];
                  h--;
                }
              best[h] = dd;
              best_i[h] = t;
            }
          for (guint h = 0; h < 5; h++)
            votes[y[best_i[h]]]++;
          for (guint c2 = 1; c2 < k; c2++)
            if (votes[c2] > votes[win])
              win = c2;
          differ += got[r] != win;
        }
      /* float against double distances: a near-tie may flip, nothing more */
      g_assert_cmpuint (differ, <=, 1);
    }
}

/* Hand-made predictions: the confusion matrix, accuracy and per-class
 * precision, recall and F1 worked out on paper. */
static void
test_classify_scores (void)
{
  /* truth:     0 0 0 0 1 1 1 2 2 2
   * predicted: 0 0 1 2 1 1 0 2 2 2 */
  const guint8 truth[] = { 0, 0, 0, 0, 1, 1, 1, 2, 2, 2 };
  const guint8 pred[] = { 0, 0, 1, 2, 1, 1, 0, 2, 2, 2 };
  const guint expected[9] = { 2, 1, 1,   1, 2, 0,   0, 0, 3 };
  LabClassifyResult r = { .n_classes = 3 };

  lab_classify_score (&r, truth, pred, 10);
  g_assert_cmpmem (r.confusion, sizeof expected, expected, sizeof expected);
  g_assert_cmpfloat (r.accuracy, ==, 0.7);
  /* class 0: tp 2, predicted 3, true 4 */
  g_assert_cmpfloat_with_epsilon (r.precision[0], 2.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (r.recall[0], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (r.f1[0], 2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5), 1e-12);
  /* class 1: tp 2, predicted 3, true 3; class 2: tp 3, predicted 4, true 3 */
  g_assert_cmpfloat_with_epsilon (r.precision[1], 2.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (r.recall[1], 2.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (r.precision[2], 0.75, 1e-12);
  g_assert_cmpfloat (r.recall[2], ==, 1.0);
  g_assert_cmpuint (r.support[0], ==, 4);
  g_assert_cmpuint (r.support[1], ==, 3);
  g_assert_cmpuint (r.support[2], ==, 3);
  g_free (r.confusion);
  g_free (r.support);
  g_free (r.precision);
  g_free (r.recall);
  g_free (r.f1);
}

static void
check_result_consistent (const LabClassifyResult *r)
{
  guint total = 0, diagonal = 0;

  for (guint t = 0; t < r->n_classes; t++)
    {
      guint row = 0, col = 0;

      for (guint p = 0; p < r->n_classes; p++)
        {
          row += r->confusion[t * r->n_classes + p];
          col += r->confusion[p * r->n_classes + t];
        }
      total += row;
      diagonal += r->confusion[t * r->n_classes + t];
      g_assert_cmpuint (row, ==, r->support[t]);
      if (row > 0)
        g_assert_cmpfloat_with_epsilon (r->recall[t], (double) r->confusion[t * r->n_classes + t] / row, 1e-12);
      if (col > 0)
        g_assert_cmpfloat_with_epsilon (r->precision[t], (double) r->confusion[t * r->n_classes + t] / col, 1e-12);
    }
  g_assert_cmpuint (total, ==, r->n_test);
  g_assert_cmpfloat_with_epsilon (r->accuracy, (double) diagonal / r->n_test, 1e-12);
  g_assert_cmpfloat_with_epsilon (r->accuracy, accuracy_of (r->truth, r->predicted, r->n_test), 1e-12);
}

/* Whole runs on synthetic digits: pixels, PCA and a (briefly trained)
 * model's latent, each scored and self-consistent. */
static void
test_classify_run (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) train = lab_synthetic_digits_new (1000, 3, &error);
  g_autoptr(LabDataset) test = lab_synthetic_digits_new (400, 4, &error);
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(LabModel) model = lab_test_train_denoiser (train, 60, trainer, NULL);
  const struct { LabFeatureKind features; LabClassifierKind kind; gboolean standardize; double min_acc; } runs[] = {
    { LAB_FEATURES_PIXELS, LAB_CLASSIFIER_SVM_RBF, FALSE, 0.95 },
    { LAB_FEATURES_PCA, LAB_CLASSIFIER_KNN, FALSE, 0.9 },
    { LAB_FEATURES_LATENT, LAB_CLASSIFIER_SVM_RBF, TRUE, 0.8 },
    { LAB_FEATURES_LATENT, LAB_CLASSIFIER_LOGISTIC, TRUE, 0.6 },
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autoptr(LabClassifyResult) r = NULL;
      LabClassifyConfig config;
      guint rows[400];
      guint n;

      lab_classify_config_init (&config, runs[i].kind);
      config.features = runs[i].features;
      config.pca_k = 20;
      config.n_train = 800;
      config.standardize = runs[i].standardize;
      config.classifier.keep_unconverged = TRUE;
      r = lab_classify_run (model, train, test, &config, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (r->n_train, ==, 800);
      g_assert_cmpuint (r->n_test, ==, 400);
      g_assert_cmpuint (r->dim, ==, runs[i].features == LAB_FEATURES_PIXELS ? 784
                                    : runs[i].features == LAB_FEATURES_PCA ? 20
                                    : lab_shape_size (lab_model_latent_shape (model)));
      g_assert_true (r->config.standardize == runs[i].standardize);
      g_assert_cmpfloat (r->accuracy, >=, runs[i].min_acc);
      check_result_consistent (r);
      /* a cell's rows are exactly its count */
      n = lab_classify_cell_rows (r, 3, 3, rows, 400);
      g_assert_cmpuint (n, ==, r->confusion[3 * 10 + 3]);
      for (guint j = 0; j < n; j++)
        g_assert_true (r->truth[rows[j]] == 3 && r->predicted[rows[j]] == 3);
      if (runs[i].kind == LAB_CLASSIFIER_SVM_RBF)
        g_assert_cmpfloat (r->config.classifier.gamma, >, 0);
      g_assert_cmpfloat (r->fit_seconds, >=, 0);
    }
}

static void
test_classify_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) train = lab_synthetic_digits_new (200, 3, &error);
  g_autoptr(LabDataset) flat = lab_dataset_new ("holiday photos", 50, 28, 28, FALSE, &error);
  g_autoptr(LabDataset) big = lab_dataset_new ("faces", 50, 32, 32, TRUE, &error);
  g_autoptr(LabModel) cae = lab_test_new_preset ("cae-tiny", 3);
  g_autoptr(LabModel) encoder_only = NULL;
  g_autoptr(LabSpec) spec = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autofree float *x = NULL;
  g_autofree guint8 *y = NULL;
  LabClassifyConfig config;
  LabClassifierConfig cc;
  LabClassifyResult *r;

  g_assert_no_error (error);
  lab_dataset_set_class_names (big, NULL, 2);
  lab_classify_config_init (&config, LAB_CLASSIFIER_SVM_RBF);
  config.n_train = 100;

  /* a dataset without labels */
  r = lab_classify_run (cae, flat, flat, &config, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "holiday photos"));
  g_assert_nonnull (strstr (error->message, "no labels"));
  g_clear_error (&error);

  /* a model without an encoder/decoder split */
  spec = lab_spec_new_from_string ("{\"name\":\"one-block\",\"input\":[1,28,28],\"loss\":\"mse\","
                                   "\"encoder_layers\":2,\"layers\":[{\"type\":\"flatten\"},"
                                   "{\"type\":\"dense\",\"units\":16}]}", -1, NULL, &error);
  g_assert_no_error (error);
  encoder_only = lab_model_new (spec, &error);
  g_assert_no_error (error);
  r = lab_classify_run (encoder_only, train, train, &config, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "one-block"));
  g_assert_nonnull (strstr (error->message, "no encoder"));
  g_clear_error (&error);

  /* no model at all for latent features */
  r = lab_classify_run (NULL, train, train, &config, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);

  /* images the model does not take */
  r = lab_classify_run (cae, big, big, &config, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "32×32"));
  g_clear_error (&error);

  /* more training images than there are */
  config.n_train = 201;
  r = lab_classify_run (cae, train, train, &config, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "201"));
  g_clear_error (&error);

  /* stopped */
  config.n_train = 100;
  g_cancellable_cancel (cancelled);
  config.features = LAB_FEATURES_PIXELS;
  r = lab_classify_run (NULL, train, train, &config, NULL, NULL, cancelled, &error);
  g_assert_null (r);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_CANCELLED);
  g_clear_error (&error);

  /* bare classifier input: one class, a label out of range, bad C and k */
  make_clusters (2, 3, 50, 1, 9, &x, &y);
  lab_classifier_config_init (&cc, LAB_CLASSIFIER_SVM_RBF);
  g_assert_null (lab_classifier_fit (&cc, x, y, 1, 3, 2, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "one class"));
  g_clear_error (&error);
  y[7] = 5;
  g_assert_null (lab_classifier_fit (&cc, x, y, 100, 3, 2, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "label 5"));
  g_clear_error (&error);
  y[7] = 1;
  cc.C = -1;
  g_assert_null (lab_classifier_fit (&cc, x, y, 100, 3, 2, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);
  lab_classifier_config_init (&cc, LAB_CLASSIFIER_KNN);
  cc.k = 101;
  g_assert_null (lab_classifier_fit (&cc, x, y, 100, 3, 2, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);
  x[4] = NAN;
  cc.k = 3;
  g_assert_null (lab_classifier_fit (&cc, x, y, 100, 3, 2, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "row 1"));
  g_clear_error (&error);
}

/* liblinear's dual solver on overlapping, badly scaled clusters with a
 * huge C runs into its 1,000-pass limit: an error that says what to do, or,
 * when asked, a kept model marked as not converged. */
static void
test_classify_not_converged (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabClassifier) kept = NULL;
  g_autofree float *x = NULL;
  g_autofree guint8 *y = NULL;
  LabClassifierConfig cc;

  make_clusters (3, 4, 200, 0.5, 31, &x, &y);
  for (guint i = 0; i < 600 * 4; i++)
    x[i] *= i % 4 == 0 ? 1000 : 1;
  lab_classifier_config_init (&cc, LAB_CLASSIFIER_SVM_LINEAR);
  cc.C = 1e6;
  g_assert_null (lab_classifier_fit (&cc, x, y, 600, 4, 3, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "did not converge"));
  g_assert_nonnull (strstr (error->message, "standardise"));
  g_clear_error (&error);
  cc.keep_unconverged = TRUE;
  kept = lab_classifier_fit (&cc, x, y, 600, 4, 3, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (lab_classifier_converged (kept));
  g_assert_nonnull (strstr (lab_classifier_get_warning (kept), "iteration limit"));
}

/* The heatmap: cells where the layout says, the PNG written and not blank. */
static void
test_classify_confusion_plot (void)
{
  const guint counts[9] = { 50, 2, 0,   3, 40, 7,   0, 1, 60 };
  const char * const names[] = { "T-shirt/top", "Trouser", "Pullover" };
  g_autoptr(LabConfusionPlot) plot = lab_confusion_plot_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("classify-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "confusion.png", NULL);
  g_autofree guint8 *pixels = NULL;
  guint w = 0, h = 0, t, p, dark = 0, light = 0, found = 0;

  g_assert_no_error (error);
  lab_confusion_plot_set_title (plot, "test");
  lab_confusion_plot_set_matrix (plot, counts, 3, names);
  g_assert_cmpuint (lab_confusion_plot_get_n_classes (plot), ==, 3);
  /* every cell is found somewhere on a 600 x 500 drawing, each once per probe */
  for (guint yy = 0; yy < 500; yy += 5)
    for (guint xx = 0; xx < 600; xx += 5)
      if (lab_confusion_plot_cell_at (plot, 600, 500, xx, yy, &t, &p))
        {
          g_assert_cmpuint (t, <, 3);
          g_assert_cmpuint (p, <, 3);
          found |= 1u << (t * 3 + p);
        }
  g_assert_cmpuint (found, ==, 0x1ff);
  g_assert_false (lab_confusion_plot_cell_at (plot, 600, 500, 1, 1, &t, &p));
  g_assert_true (lab_confusion_plot_save_png (plot, path, 600, 500, &error));
  g_assert_no_error (error);
  g_assert_true (lab_png_load_gray (path, &w, &h, &pixels, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, 600);
  g_assert_cmpuint (h, ==, 500);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      dark += pixels[i] < 100;
      light += pixels[i] > 200;
    }
  /* dark diagonal cells and text, mostly white around */
  g_assert_cmpuint (dark, >, w * h / 50);
  g_assert_cmpuint (light, >, w * h / 3);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_classify_names (void)
{
  g_autoptr(GError) error = NULL;
  LabClassifierKind kind;
  LabFeatureKind features;
  guint k = 0;

  for (LabClassifierKind i = 0; i < LAB_CLASSIFIER_N_KINDS; i++)
    {
      g_assert_true (lab_classifier_kind_parse (lab_classifier_kind_name (i), &kind, &error));
      g_assert_cmpint (kind, ==, i);
    }
  g_assert_false (lab_classifier_kind_parse ("forest", &kind, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (lab_feature_kind_parse ("pca:30", &features, &k, &error));
  g_assert_cmpint (features, ==, LAB_FEATURES_PCA);
  g_assert_cmpuint (k, ==, 30);
  g_assert_true (lab_feature_kind_parse ("pixels", &features, &k, &error));
  g_assert_cmpint (features, ==, LAB_FEATURES_PIXELS);
  g_assert_false (lab_feature_kind_parse ("pca:0", &features, &k, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/classify/separable", test_classify_separable);
  g_test_add_func ("/classify/pairs-as-libsvm", test_classify_pairs_as_libsvm);
  g_test_add_func ("/classify/gamma-scale", test_classify_gamma_scale);
  g_test_add_func ("/classify/knn-exact", test_classify_knn_exact);
  g_test_add_func ("/classify/scores", test_classify_scores);
  g_test_add_func ("/classify/run", test_classify_run);
  g_test_add_func ("/classify/errors", test_classify_errors);
  g_test_add_func ("/classify/not-converged", test_classify_not_converged);
  g_test_add_func ("/classify/confusion-plot", test_classify_confusion_plot);
  g_test_add_func ("/classify/names", test_classify_names);
  return g_test_run ();
}
