#define G_LOG_DOMAIN "latentlab-core"

/* The Classify page's runs in a session. JSON member "classify": a list of
 *   {"kind", "features", "pca_k", "standardize", "seed", "C", "gamma", "k",
 *    "distance", "model", "dataset", "features_title", "dim", "n_train",
 *    "n_test", "n_classes", "class_names", "height", "width",
 *    "features_seconds", "fit_seconds", "predict_seconds", "n_support",
 *    "converged", "warning"}
 * and tensors classify.<i>.test_indices I64 (n_test), classify.<i>.truth
 * and classify.<i>.predicted U8 (n_test). Accuracy, the per-class scores
 * and the confusion matrix are computed again from truth and predicted, so
 * they always agree with them. */

#include <string.h>

#include "lab-session-file-private.h"

void
lab_session_classify_save (GPtrArray            *results,
                           JsonBuilder          *b,
                           LabSafetensorsWriter *w)
{
  json_builder_set_member_name (b, "classify");
  json_builder_begin_array (b);
  for (guint i = 0; i < results->len; i++)
    {
      const LabClassifyResult *r = g_ptr_array_index (results, i);
      g_autofree char *indices = g_strdup_printf ("classify.%u.test_indices", i);
      g_autofree char *truth = g_strdup_printf ("classify.%u.truth", i);
      g_autofree char *predicted = g_strdup_printf ("classify.%u.predicted", i);
      guint64 shape[1] = { r->n_test };

      json_builder_begin_object (b);
      lab_json_add_string (b, "kind", lab_classifier_kind_name (r->kind));
      lab_json_add_string (b, "features", lab_feature_kind_name (r->config.features));
      lab_json_add_uint (b, "pca_k", r->config.pca_k);
      lab_json_add_bool (b, "standardize", r->config.standardize);
      lab_json_add_uint (b, "seed", r->config.seed);
      lab_json_add_number (b, "C", r->config.classifier.C);
      lab_json_add_number (b, "gamma", r->config.classifier.gamma);
      lab_json_add_uint (b, "k", r->config.classifier.k);
      lab_json_add_string (b, "distance", lab_distance_name (r->config.classifier.distance));
      lab_json_add_string (b, "model", r->model_name);
      lab_json_add_string (b, "dataset", r->dataset_name);
      lab_json_add_string (b, "features_title", r->features_title);
      lab_json_add_uint (b, "dim", r->dim);
      lab_json_add_uint (b, "n_train", r->n_train);
      lab_json_add_uint (b, "n_test", r->n_test);
      lab_json_add_uint (b, "n_classes", r->n_classes);
      lab_json_add_strv (b, "class_names", r->class_names, r->n_classes);
      lab_json_add_uint (b, "height", r->height);
      lab_json_add_uint (b, "width", r->width);
      lab_json_add_number (b, "features_seconds", r->features_seconds);
      lab_json_add_number (b, "fit_seconds", r->fit_seconds);
      lab_json_add_number (b, "predict_seconds", r->predict_seconds);
      lab_json_add_uint (b, "n_support", r->n_support);
      lab_json_add_bool (b, "converged", r->converged);
      lab_json_add_string (b, "warning", r->warning);
      json_builder_end_object (b);

      if (r->n_test == 0)
        continue;
      lab_session_add_indices (w, indices, r->test_indices, r->n_test);
      lab_safetensors_writer_add (w, truth, "U8", 1, shape, r->truth);
      lab_safetensors_writer_add (w, predicted, "U8", 1, shape, r->predicted);
    }
  json_builder_end_array (b);
}

static gboolean
labels_below (const LabSessionReader  *r,
              const char              *name,
              const guint8            *labels,
              guint                    n,
              guint                    n_classes,
              GError                 **error)
{
  for (guint i = 0; i < n; i++)
    if (labels[i] >= n_classes)
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                     "%s: tensor %s has label %u at %u, beyond the %u classes",
                     r->file, name, labels[i], i, n_classes);
        return FALSE;
      }
  return TRUE;
}

static LabClassifyResult *
read_result (const LabSessionReader  *r,
             JsonObject              *obj,
             const char              *where,
             guint                    i,
             GError                 **error)
{
  g_autofree char *indices = g_strdup_printf ("classify.%u.test_indices", i);
  g_autofree char *truth_name = g_strdup_printf ("classify.%u.truth", i);
  g_autofree char *predicted_name = g_strdup_printf ("classify.%u.predicted", i);
  LabClassifyResult *res = g_new0 (LabClassifyResult, 1);
  g_autoptr(GPtrArray) guard = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_classify_result_free);
  const char *kind, *features, *distance, *model, *dataset, *title, *warning;
  guint64 seed;
  guint parsed_k;
  guint64 shape[1];
  g_autofree guint8 *truth = NULL, *predicted = NULL;

  g_ptr_array_add (guard, res);
  if (!lab_session_read_string (r, obj, where, "kind", FALSE, &kind, error)
      || !lab_session_read_string (r, obj, where, "features", FALSE, &features, error)
      || !lab_session_read_string (r, obj, where, "distance", FALSE, &distance, error)
      || !lab_session_read_string (r, obj, where, "model", TRUE, &model, error)
      || !lab_session_read_string (r, obj, where, "dataset", TRUE, &dataset, error)
      || !lab_session_read_string (r, obj, where, "features_title", TRUE, &title, error)
      || !lab_session_read_string (r, obj, where, "warning", TRUE, &warning, error)
      || !lab_session_read_count (r, obj, where, "pca_k", G_MAXUINT32, &res->config.pca_k, error)
      || !lab_session_read_uint (r, obj, where, "seed", G_MAXINT64, &seed, error)
      || !lab_session_read_count (r, obj, where, "k", G_MAXUINT32, &res->config.classifier.k, error)
      || !lab_session_read_count (r, obj, where, "dim", G_MAXUINT32, &res->dim, error)
      || !lab_session_read_count (r, obj, where, "n_train", G_MAXUINT32, &res->n_train, error)
      || !lab_session_read_count (r, obj, where, "n_test", G_MAXUINT32, &res->n_test, error)
      || !lab_session_read_count (r, obj, where, "n_classes", 256, &res->n_classes, error)
      || !lab_session_read_count (r, obj, where, "height", G_MAXUINT16, &res->height, error)
      || !lab_session_read_count (r, obj, where, "width", G_MAXUINT16, &res->width, error)
      || !lab_session_read_count (r, obj, where, "n_support", G_MAXUINT32, &res->n_support, error)
      || !lab_session_read_bool (r, obj, where, "standardize", &res->config.standardize, error)
      || !lab_session_read_bool (r, obj, where, "converged", &res->converged, error)
      || !lab_session_read_double (r, obj, where, "C", TRUE, &res->config.classifier.C, error)
      || !lab_session_read_double (r, obj, where, "gamma", TRUE, &res->config.classifier.gamma, error)
      || !lab_session_read_double (r, obj, where, "features_seconds", TRUE, &res->features_seconds, error)
      || !lab_session_read_double (r, obj, where, "fit_seconds", TRUE, &res->fit_seconds, error)
      || !lab_session_read_double (r, obj, where, "predict_seconds", TRUE, &res->predict_seconds, error))
    return NULL;
  if (!lab_classifier_kind_parse (kind, &res->kind, NULL)
      || !lab_feature_kind_parse (features, &res->config.features, &parsed_k, NULL)
      || !lab_distance_parse (distance, &res->config.classifier.distance, NULL))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the session's “%s” has an unknown classifier, features or distance "
                   "(“%s”, “%s”, “%s”)", r->file, where, kind, features, distance);
      return NULL;
    }
  if (res->n_classes < 2)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the session's “%s” has %u classes; a classifier needs two or more",
                   r->file, where, res->n_classes);
      return NULL;
    }
  res->class_names = lab_session_read_strv (r, obj, where, "class_names", res->n_classes, NULL, error);
  if (res->class_names == NULL)
    return NULL;

  res->config.classifier.kind = res->kind;
  res->config.seed = seed;
  res->config.n_train = res->n_train;
  res->config.n_test = res->n_test;
  res->model_name = g_strdup (model);
  res->dataset_name = g_strdup (dataset);
  res->features_title = g_strdup (title != NULL ? title : features);
  res->warning = g_strdup (warning);

  shape[0] = res->n_test;
  if (res->n_test > 0)
    {
      res->test_indices = lab_session_read_indices (r, indices, res->n_test, G_MAXUINT32, error);
      if (res->test_indices == NULL
          || (truth = lab_session_read_tensor (r, truth_name, "U8", 1, shape, error)) == NULL
          || (predicted = lab_session_read_tensor (r, predicted_name, "U8", 1, shape, error)) == NULL
          || !labels_below (r, truth_name, truth, res->n_test, res->n_classes, error)
          || !labels_below (r, predicted_name, predicted, res->n_test, res->n_classes, error))
        return NULL;
    }
  lab_classify_score (res, truth, predicted, res->n_test);
  res->truth = g_steal_pointer (&truth);
  res->predicted = g_steal_pointer (&predicted);
  return g_ptr_array_steal_index (guard, 0);
}

gboolean
lab_session_classify_load (const LabSessionReader  *r,
                           JsonArray               *array,
                           GPtrArray               *results,
                           GError                 **error)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("classify[%u]", i);
      LabClassifyResult *res;
      JsonObject *obj;

      if (!lab_session_object_at (r, json_array_get_element (array, i), where, &obj, error))
        return FALSE;
      res = read_result (r, obj, where, i, error);
      if (res == NULL)
        return FALSE;
      g_ptr_array_add (results, res);
    }
  return TRUE;
}
