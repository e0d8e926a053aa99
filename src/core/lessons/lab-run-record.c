#define G_LOG_DOMAIN "latentlab-core"

#include "lab-run-record.h"

#include <math.h>
#include <string.h>

#include "lab-blas.h"
#include "lab-dataset-hash.h"
#include "lab-save.h"
#include "lab-version.h"

struct _LabRunRecord
{
  JsonObject *root;
  GPtrArray  *metric_keys;    /* cache for lab_run_record_get_metrics */
  double     *metric_values;
};

static char *
now_utc (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format_iso8601 (now);
}

static JsonObject *
member_object (JsonObject *parent,
               const char *name)
{
  if (!json_object_has_member (parent, name))
    json_object_set_object_member (parent, name, json_object_new ());
  return json_object_get_object_member (parent, name);
}

LabRunRecord *
lab_run_record_new (const char *lesson,
                    const char *setting)
{
  LabRunRecord *self = g_new0 (LabRunRecord, 1);
  g_autofree char *start = now_utc ();
  JsonObject *app, *host;

  self->root = json_object_new ();
  json_object_set_string_member (self->root, "format", LAB_RUN_RECORD_FORMAT);
  json_object_set_string_member (self->root, "lesson", lesson);
  json_object_set_string_member (self->root, "setting", setting);
  app = member_object (self->root, "app");
  json_object_set_string_member (app, "version", LAB_VERSION);
  json_object_set_string_member (app, "commit", LAB_COMMIT);
  json_object_set_string_member (self->root, "start", start);
  json_object_set_string_member (self->root, "status", "running");
  host = member_object (self->root, "host");
  json_object_set_string_member (host, "cpu", lab_cpu_get_model ());
  json_object_set_string_member (host, "features", lab_cpu_get_features ());
  json_object_set_int_member (host, "cores", g_get_num_processors ());
  json_object_set_string_member (host, "blas", lab_blas_get_name ());
  json_object_set_string_member (host, "kernels", lab_blas_get_kernels ());
  member_object (self->root, "config");
  member_object (self->root, "datasets");
  member_object (self->root, "models");
  member_object (self->root, "metrics");
  json_object_set_array_member (self->root, "figures", json_array_new ());
  json_object_set_array_member (self->root, "tables", json_array_new ());
  return self;
}

static void
clear_metric_cache (LabRunRecord *self)
{
  g_clear_pointer (&self->metric_keys, g_ptr_array_unref);
  g_clear_pointer (&self->metric_values, g_free);
}

void
lab_run_record_free (LabRunRecord *self)
{
  if (self == NULL)
    return;
  json_object_unref (self->root);
  clear_metric_cache (self);
  g_free (self);
}

void
lab_run_record_set_config (LabRunRecord *self,
                           const char   *dataset,
                           guint64       seed,
                           guint         threads,
                           guint         max_images,
                           guint         max_epochs)
{
  JsonObject *config = member_object (self->root, "config");

  json_object_set_string_member (config, "dataset", dataset);
  json_object_set_int_member (config, "seed", (gint64) seed);
  json_object_set_int_member (config, "threads", threads);
  json_object_set_int_member (config, "max_images", max_images);
  json_object_set_int_member (config, "max_epochs", max_epochs);
}

static JsonArray *
index_runs (const guint *indices,
            guint        n)
{
  JsonArray *runs = json_array_new ();
  guint i = 0;

  while (i < n)
    {
      guint first = indices ? indices[i] : i, end = first + 1;
      JsonArray *run = json_array_new ();

      for (i++; i < n && (indices ? indices[i] : i) == end; i++)
        end++;
      json_array_add_int_element (run, first);
      json_array_add_int_element (run, end);
      json_array_add_array_element (runs, run);
    }
  return runs;
}

void
lab_run_record_add_dataset (LabRunRecord     *self,
                            const char       *role,
                            const char       *spec,
                            const LabDataset *dataset,
                            const guint      *indices,
                            guint             n)
{
  JsonObject *d = json_object_new ();
  g_autofree char *hash = lab_dataset_hash (dataset);

  json_object_set_string_member (d, "spec", spec);
  json_object_set_string_member (d, "name", dataset->name);
  json_object_set_int_member (d, "n", dataset->n);
  json_object_set_int_member (d, "height", dataset->height);
  json_object_set_int_member (d, "width", dataset->width);
  json_object_set_string_member (d, "sha256", hash);
  json_object_set_array_member (d, "indices", index_runs (indices, indices ? n : MIN (n, dataset->n)));
  json_object_set_object_member (member_object (self->root, "datasets"), role, d);
}

void
lab_run_record_add_model (LabRunRecord *self,
                          const char   *name,
                          const char   *arch,
                          gsize         n_params,
                          const char   *train_json,
                          double        seconds,
                          const char   *path)
{
  JsonObject *m = json_object_new ();

  json_object_set_string_member (m, "arch", arch);
  json_object_set_int_member (m, "params", (gint64) n_params);
  if (train_json != NULL)
    {
      JsonNode *train = json_from_string (train_json, NULL);
      if (train != NULL)
        json_object_set_member (m, "train", train);
    }
  json_object_set_double_member (m, "seconds", seconds);
  if (path != NULL)
    json_object_set_string_member (m, "path", path);
  json_object_set_object_member (member_object (self->root, "models"), name, m);
}

void
lab_run_record_set_metric (LabRunRecord *self,
                           const char   *key,
                           double        value)
{
  JsonObject *metrics = member_object (self->root, "metrics");

  clear_metric_cache (self);
  if (isfinite (value))
    json_object_set_double_member (metrics, key, value);
  else
    json_object_set_null_member (metrics, key);
}

void
lab_run_record_add_file (LabRunRecord *self,
                         const char   *kind,
                         const char   *path)
{
  JsonArray *files = json_object_get_array_member (self->root, kind);

  g_return_if_fail (files != NULL);
  json_array_add_string_element (files, path);
}

void
lab_run_record_set_string (LabRunRecord *self,
                           const char   *member,
                           const char   *value)
{
  json_object_set_string_member (self->root, member, value);
}

void
lab_run_record_finish (LabRunRecord *self,
                       const char   *status)
{
  g_autofree char *end = now_utc ();

  json_object_set_string_member (self->root, "end", end);
  json_object_set_string_member (self->root, "status", status);
}

char *
lab_run_record_to_json (LabRunRecord *self)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, self->root);
  return json_to_string (node, TRUE);
}

gboolean
lab_run_record_save (LabRunRecord *self,
                     const char   *path,
                     GError      **error)
{
  g_autofree char *json = lab_run_record_to_json (self);

  /* Names the file; the previous record survives a failed save. */
  return lab_save_contents (path, json, strlen (json), error);
}

LabRunRecord *
lab_run_record_load (const char  *path,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  JsonObject *obj;
  LabRunRecord *self;

  if (!json_parser_load_from_file (parser, path, &local))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT, "%s: not a run record (%s)",
                   path, local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  obj = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (obj == NULL
      || g_strcmp0 (json_object_get_string_member_with_default (obj, "format", ""),
                    LAB_RUN_RECORD_FORMAT) != 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: not a run record (no \"format\": \"%s\")", path, LAB_RUN_RECORD_FORMAT);
      return NULL;
    }
  for (const char *const *m = (const char *const[]) { "config", "datasets", "models", "metrics",
                                                      "app", "host", NULL }; *m; m++)
    if (!json_object_has_member (obj, *m)
        || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, *m)))
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT, "%s: run record without \"%s\"",
                     path, *m);
        return NULL;
      }
  self = g_new0 (LabRunRecord, 1);
  self->root = json_object_ref (obj);
  if (!json_object_has_member (obj, "figures"))
    json_object_set_array_member (obj, "figures", json_array_new ());
  if (!json_object_has_member (obj, "tables"))
    json_object_set_array_member (obj, "tables", json_array_new ());
  return self;
}

const char *
lab_run_record_get_string (LabRunRecord *self,
                           const char   *member)
{
  JsonNode *node = json_object_get_member (self->root, member);

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

JsonObject *
lab_run_record_get_object (LabRunRecord *self,
                           const char   *member)
{
  JsonNode *node = json_object_get_member (self->root, member);

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
lab_run_record_get_array (LabRunRecord *self,
                          const char   *member)
{
  JsonNode *node = json_object_get_member (self->root, member);

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

guint
lab_run_record_get_metrics (LabRunRecord   *self,
                            const char   ***keys,
                            double        **values)
{
  JsonObject *metrics = member_object (self->root, "metrics");
  GList *members = json_object_get_members (metrics);
  guint n = 0;

  clear_metric_cache (self);
  self->metric_keys = g_ptr_array_new_with_free_func (g_free);
  self->metric_values = g_new0 (double, g_list_length (members) + 1);
  for (GList *l = members; l; l = l->next, n++)
    {
      JsonNode *node = json_object_get_member (metrics, l->data);
      g_ptr_array_add (self->metric_keys, g_strdup (l->data));
      self->metric_values[n] = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : NAN;
    }
  g_list_free (members);
  g_ptr_array_add (self->metric_keys, NULL);
  *keys = (const char **) self->metric_keys->pdata;
  *values = self->metric_values;
  return n;
}
