#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lab-classify.h"
#include "lab-confusion-plot.h"
#include "lab-format.h"
#include "lab-model-io.h"

static void
on_progress (double      fraction,
             const char *text,
             gpointer    data)
{
  gint64 *last = data;
  gint64 now = g_get_monotonic_time ();

  if (now - *last < G_USEC_PER_SEC / 10 && fraction < 1)
    return;
  *last = now;
  fprintf (stderr, "\r\033[K%3.0f%%  %s", 100 * CLAMP (fraction, 0, 1), text ? text : "");
  fflush (stderr);
}

static JsonNode *
result_to_json (const LabClassifyResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const LabClassifierConfig *c = &r->config.classifier;

  json_builder_begin_object (b);
  lab_json_add_string (b, "classifier", lab_classifier_kind_name (r->kind));
  lab_json_add_string (b, "features", lab_feature_kind_name (r->config.features));
  lab_json_add_int (b, "dim", r->dim);
  json_builder_set_member_name (b, "model");
  if (r->model_name != NULL)
    json_builder_add_string_value (b, r->model_name);
  else
    json_builder_add_null_value (b);
  lab_json_add_string (b, "dataset", r->dataset_name);
  lab_json_add_int (b, "n_train", r->n_train);
  lab_json_add_int (b, "n_test", r->n_test);
  json_builder_set_member_name (b, "standardize");
  json_builder_add_boolean_value (b, r->config.standardize);
  if (r->kind == LAB_CLASSIFIER_KNN)
    {
      lab_json_add_int (b, "k", c->k);
      lab_json_add_string (b, "distance", lab_distance_name (c->distance));
    }
  else
    lab_json_add_number (b, "C", c->C);
  if (r->kind == LAB_CLASSIFIER_SVM_RBF)
    {
      lab_json_add_number (b, "gamma", c->gamma);
      lab_json_add_int (b, "n_support", r->n_support);
    }
  lab_json_add_number (b, "accuracy", r->accuracy);
  lab_json_add_number (b, "features_seconds", r->features_seconds);
  lab_json_add_number (b, "fit_seconds", r->fit_seconds);
  lab_json_add_number (b, "predict_seconds", r->predict_seconds);
  json_builder_set_member_name (b, "converged");
  json_builder_add_boolean_value (b, r->converged);
  json_builder_set_member_name (b, "warning");
  if (r->warning != NULL)
    json_builder_add_string_value (b, r->warning);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "per_class");
  json_builder_begin_array (b);
  for (guint k = 0; k < r->n_classes; k++)
    {
      json_builder_begin_object (b);
      lab_json_add_int (b, "class", k);
      lab_json_add_string (b, "name", r->class_names[k]);
      lab_json_add_number (b, "precision", r->precision[k]);
      lab_json_add_number (b, "recall", r->recall[k]);
      lab_json_add_number (b, "f1", r->f1[k]);
      lab_json_add_int (b, "support", r->support[k]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "confusion");
  json_builder_begin_array (b);
  for (guint t = 0; t < r->n_classes; t++)
    {
      json_builder_begin_array (b);
      for (guint p = 0; p < r->n_classes; p++)
        json_builder_add_int_value (b, r->confusion[t * r->n_classes + p]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_result (const LabClassifyResult *r)
{
  const LabClassifierConfig *c = &r->config.classifier;
  g_autofree char *n_train = lab_format_count (r->n_train);
  g_autofree char *n_test = lab_format_count (r->n_test);

  printf ("%s", lab_classifier_kind_name (r->kind));
  if (r->kind == LAB_CLASSIFIER_KNN)
    printf (" (k %u, %s)", c->k, lab_distance_name (c->distance));
  else if (r->kind == LAB_CLASSIFIER_SVM_RBF)
    printf (" (C %g, gamma %.4g)", c->C, c->gamma);
  else
    printf (" (C %g)", c->C);
  printf (" on %s%s%s%s of %s: %s training images, %s test images\n",
          r->features_title, r->model_name ? " from " : "", r->model_name ? r->model_name : "",
          r->config.standardize ? ", standardised" : "", r->dataset_name, n_train, n_test);
  printf ("accuracy %.2f%%  fit %.2f s  predict %.2f s  features %.2f s",
          100 * r->accuracy, r->fit_seconds, r->predict_seconds, r->features_seconds);
  if (r->kind == LAB_CLASSIFIER_SVM_RBF)
    printf ("  support vectors %u", r->n_support);
  printf ("\n\n%-12s %9s %9s %9s %8s\n", "class", "precision", "recall", "f1", "support");
  for (guint k = 0; k < r->n_classes; k++)
    printf ("%-12s %8.2f%% %8.2f%% %8.2f%% %8u\n", r->class_names[k], 100 * r->precision[k],
            100 * r->recall[k], 100 * r->f1[k], r->support[k]);
  if (r->warning != NULL)
    printf ("\nwarning: %s\n", r->warning);
}

static gboolean
parse_count (const char  *option,
             const char  *text,
             guint       *value,
             GError     **error)
{
  guint64 v;

  if (text == NULL)
    return TRUE;
  if (g_ascii_strcasecmp (text, "all") == 0)
    {
      *value = 0;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &v, NULL))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "%s takes a number of images or “all”, not “%s”", option, text);
      return FALSE;
    }
  *value = (guint) v;
  return TRUE;
}

int
lab_cli_classify (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *dataset = NULL, *kind_text = NULL, *features = NULL;
  g_autofree char *train_text = NULL, *test_text = NULL, *gamma_text = NULL, *distance = NULL;
  g_autofree char *confusion = NULL, *trainer = NULL;
  double C = 0;
  gint64 k = LAB_KNN_DEFAULT_K, threads = 0, seed = 1, cache = LAB_SVM_DEFAULT_CACHE_MB;
  gboolean standardize = FALSE, json = FALSE, keep = FALSE;
  const GOptionEntry entries[] = {
    LAB_CLI_OPTION_MODEL (&model_path),
    LAB_CLI_OPTION_DATASET (&dataset, "NAME"),
    { "classifier", 'c', 0, G_OPTION_ARG_STRING, &kind_text,
      "svm-rbf (default), svm-linear, logistic or knn", "NAME" },
    { "features", 'f', 0, G_OPTION_ARG_STRING, &features,
      "latent (default; needs --model), pixels, or pca:K", "WHAT" },
    { "train", 'n', 0, G_OPTION_ARG_STRING, &train_text,
      "Training images: a number (default 10000) or all", "N" },
    { "test", 0, 0, G_OPTION_ARG_STRING, &test_text, "Test images: a number or all (default)", "N" },
    { "C", 'C', 0, G_OPTION_ARG_DOUBLE, &C, "Regularisation C (default 10 for svm-rbf, else 1)", "X" },
    { "gamma", 'g', 0, G_OPTION_ARG_STRING, &gamma_text,
      "RBF gamma, or scale (default): 1 / (features × variance)", "X|scale" },
    { "k", 'k', 0, G_OPTION_ARG_INT64, &k, "Neighbours of k-NN (default 5)", "K" },
    { "distance", 0, 0, G_OPTION_ARG_STRING, &distance, "k-NN: euclidean (default) or cosine", "D" },
    { "standardize", 0, 0, G_OPTION_ARG_NONE, &standardize,
      "Scale each feature to mean 0, variance 1 over the training images", NULL },
    { "keep-unconverged", 0, 0, G_OPTION_ARG_NONE, &keep,
      "Keep a linear model that stopped at liblinear's iteration limit (else an error)", NULL },
    { "threads", 't', 0, G_OPTION_ARG_INT64, &threads, "Threads (default: one per core)", "N" },
    { "trainer", 0, 0, G_OPTION_ARG_STRING, &trainer,
      "RBF SVM: pairs (default, the class pairs on all threads) or libsvm (its own serial loop)", "HOW" },
    { "cache", 0, 0, G_OPTION_ARG_INT64, &cache, "libsvm's kernel cache per thread in MB (default 200)", "MB" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Which training images (default 1)", "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the result as JSON", NULL },
    { "confusion", 0, 0, G_OPTION_ARG_FILENAME, &confusion,
      "Also draw the confusion matrix as a heatmap", "PNG" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabDataset) train = NULL, test = NULL;
  g_autoptr(LabClassifyResult) result = NULL;
  LabClassifierKind kind = LAB_CLASSIFIER_SVM_RBF;
  LabClassifyConfig config;
  g_autoptr(LabCliInterrupt) interrupt = NULL;
  gint64 last = 0;
  int status = 0;

  if (!lab_cli_parse ("classify", NULL,
                      "Train a classifier on features of the training images (a model's "
                      "latent, the raw pixels, or PCA of the pixels) and score it on the test "
                      "images: accuracy, per-class precision, recall and F1, confusion matrix.",
                      entries, &argc, &argv, &status))
    return status;
  if (kind_text != NULL && !lab_classifier_kind_parse (kind_text, &kind, &error))
    return lab_cli_fail ("classify", error);
  lab_classify_config_init (&config, kind);
  if (features != NULL && !lab_feature_kind_parse (features, &config.features, &config.pca_k, &error))
    return lab_cli_fail ("classify", error);
  if (!parse_count ("--train", train_text, &config.n_train, &error)
      || !parse_count ("--test", test_text, &config.n_test, &error))
    return lab_cli_fail ("classify", error);
  if (C != 0)
    config.classifier.C = C;
  if (gamma_text != NULL && g_ascii_strcasecmp (gamma_text, "scale") != 0)
    {
      char *end = NULL;

      config.classifier.gamma = g_ascii_strtod (gamma_text, &end);
      if (end == gamma_text || *end != '\0' || !(config.classifier.gamma > 0)
          || !isfinite (config.classifier.gamma))
        {
          g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                       "--gamma takes a positive number or scale, not “%s”", gamma_text);
          return lab_cli_fail ("classify", error);
        }
    }
  if (k < 1 || k > LAB_KNN_MAX_K || threads < 0 || threads > 256 || cache < 1 || cache > 65536)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "--k takes 1 to %u, --threads 0 to 256, --cache 1 to 65536", LAB_KNN_MAX_K);
      return lab_cli_fail ("classify", error);
    }
  config.classifier.k = (guint) k;
  config.classifier.n_threads = (guint) threads;
  config.classifier.cache_mb = (guint) cache;
  config.classifier.keep_unconverged = keep;
  if (distance != NULL && !lab_distance_parse (distance, &config.classifier.distance, &error))
    return lab_cli_fail ("classify", error);
  if (trainer != NULL)
    {
      if (g_ascii_strcasecmp (trainer, "libsvm") == 0)
        config.classifier.svm_trainer = LAB_SVM_LIBSVM;
      else if (g_ascii_strcasecmp (trainer, "pairs") != 0)
        {
          g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                       "--trainer takes pairs or libsvm, not “%s”", trainer);
          return lab_cli_fail ("classify", error);
        }
    }
  config.standardize = standardize;
  config.seed = (guint64) seed;
  if (config.features == LAB_FEATURES_LATENT && model_path == NULL)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "latent features need --model FILE (or use --features pixels)");
      return lab_cli_fail ("classify", error);
    }

  /* From here: Ctrl+C while the data loads cancels the classifier as it
   * starts. */
  interrupt = lab_cli_interrupt_begin ();
  if (model_path != NULL && config.features == LAB_FEATURES_LATENT)
    {
      model = lab_model_load (model_path, NULL, &error);
      /* the encoder's batches split across the threads too */
      if (model == NULL
          || !lab_model_set_threads (model, threads > 0 ? (guint) threads : g_get_num_processors (),
                                     &error))
        return lab_cli_fail ("classify", error);
    }
  train = lab_cli_open_dataset (dataset, LAB_SPLIT_TRAIN, &error);
  if (train == NULL)
    return lab_cli_fail ("classify", error);
  test = lab_cli_open_dataset (dataset, LAB_SPLIT_TEST, &error);
  if (test == NULL)
    return lab_cli_fail ("classify", error);
  /* --train beyond the training set is an error, not a silent "all". */
  result = lab_classify_run (model, train, test, &config,
                             isatty (STDERR_FILENO) ? on_progress : NULL, &last,
                             lab_cli_interrupt_get_cancellable (interrupt), &error);
  if (isatty (STDERR_FILENO))
    fputs ("\r\033[K", stderr);
  if (result == NULL)
    return lab_cli_interrupt_fail (interrupt, "classify", error);
  g_clear_pointer (&interrupt, lab_cli_interrupt_end);

  if (json)
    {
      g_autoptr(JsonNode) node = result_to_json (result);

      lab_cli_print_json (node);
    }
  else
    print_result (result);
  if (confusion != NULL)
    {
      g_autoptr(LabConfusionPlot) plot = lab_confusion_plot_new ();
      g_autofree char *title = g_strdup_printf ("%s on %s: %.2f%% of %u test images",
                                                lab_classifier_kind_name (result->kind),
                                                result->features_title, 100 * result->accuracy,
                                                result->n_test);

      lab_confusion_plot_set_title (plot, title);
      lab_confusion_plot_set_matrix (plot, result->confusion, result->n_classes,
                                     (const char * const *) result->class_names);
      if (!lab_confusion_plot_save_png (plot, confusion, 900, 820, &error))
        return lab_cli_fail ("classify", error);
      if (!json)
        printf ("wrote %s\n", confusion);
    }
  return 0;
}
