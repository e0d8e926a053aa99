#define G_LOG_DOMAIN "latentlab-core"

#include "lab-session-file-private.h"

#include <math.h>
#include <string.h>

#include "lab-catalog.h"
#include "lab-dataset-hash.h"
#include "lab-model-io.h"

/* The tensors of the model are the model file's under this prefix. */
#define MODEL_PREFIX "model."

LabSessionFile *
lab_session_file_new (void)
{
  LabSessionFile *self = g_new0 (LabSessionFile, 1);

  self->classify = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_classify_result_free);
  self->pages = json_object_new ();
  return self;
}

LabSessionFile *
lab_session_file_new_borrowing (void)
{
  LabSessionFile *self = lab_session_file_new ();

  self->borrowing = TRUE;
  g_ptr_array_set_free_func (self->classify, NULL);
  return self;
}

void
lab_session_file_free (LabSessionFile *self)
{
  if (self == NULL)
    return;
  g_free (self->dataset.spec);
  g_free (self->dataset.name);
  g_free (self->dataset.sha256);
  g_clear_pointer (&self->dataset_source, lab_dataset_unref);
  g_clear_pointer (&self->map_images, lab_dataset_unref);
  if (!self->borrowing)
    {
      g_clear_pointer (&self->model, lab_model_free);
      g_clear_pointer (&self->map, lab_embedding_free);
      g_clear_pointer (&self->gallery, lab_gallery_free);
      g_clear_pointer (&self->transfer, lab_transfer_result_free);
    }
  g_free (self->train_json);
  g_free (self->model_path);
  g_free (self->page);
  g_ptr_array_unref (self->classify);
  json_object_unref (self->pages);
  g_free (self);
}

void
lab_session_file_set_dataset (LabSessionFile   *self,
                              const LabDataset *dataset,
                              const char       *spec,
                              LabSplit          split)
{
  g_clear_pointer (&self->dataset.spec, g_free);
  g_clear_pointer (&self->dataset.name, g_free);
  g_clear_pointer (&self->dataset.sha256, g_free);
  g_clear_pointer (&self->dataset_source, lab_dataset_unref);
  if (dataset == NULL || spec == NULL)
    return;
  self->dataset.spec = g_strdup (spec);
  self->dataset.name = g_strdup (dataset->name);
  self->dataset.split = split;
  self->dataset.n = dataset->n;
  self->dataset.height = dataset->height;
  self->dataset.width = dataset->width;
  self->dataset_source = lab_dataset_ref ((LabDataset *) dataset);
}

JsonObject *
lab_session_file_get_page_state (LabSessionFile *self,
                                 const char     *page)
{
  JsonObject *state = lab_session_file_lookup_page_state (self, page);

  if (state == NULL)
    {
      state = json_object_new ();
      json_object_set_object_member (self->pages, page, state);
    }
  return state;
}

JsonObject *
lab_session_file_lookup_page_state (const LabSessionFile *self,
                                    const char           *page)
{
  JsonNode *node = json_object_get_member (self->pages, page);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

char **
lab_session_file_list_pages (const LabSessionFile *self)
{
  g_autoptr(GList) names = json_object_get_members (self->pages);
  GStrvBuilder *b = g_strv_builder_new ();
  char **strv;

  for (GList *l = names; l != NULL; l = l->next)
    g_strv_builder_add (b, l->data);
  strv = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  qsort (strv, g_strv_length (strv), sizeof (char *), compare_strings);
  return strv;
}

/* Page settings */

static JsonNode *
state_member (JsonObject *state,
              const char *member)
{
  JsonNode *node = state != NULL ? json_object_get_member (state, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? node : NULL;
}

double
lab_session_state_get_double (JsonObject *state,
                              const char *member,
                              double      fallback)
{
  JsonNode *node = state_member (state, member);
  GType type = node != NULL ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type == G_TYPE_DOUBLE || type == G_TYPE_INT64)
    return json_node_get_double (node);
  return fallback;
}

gint64
lab_session_state_get_int (JsonObject *state,
                           const char *member,
                           gint64      fallback)
{
  JsonNode *node = state_member (state, member);

  if (node != NULL && json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  return fallback;
}

const char *
lab_session_state_get_string (JsonObject *state,
                              const char *member)
{
  JsonNode *node = state_member (state, member);

  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

/* Saving */

static const char *
split_name (LabSplit split)
{
  return split == LAB_SPLIT_TEST ? "test" : "train";
}

struct _LabSessionSnapshot
{
  JsonNode             *root;      /* the session JSON, owned, shared with nobody */
  LabSafetensorsWriter *writer;    /* with copies of every tensor */
  LabDataset           *dataset;   /* to hash, or NULL */
};

void
lab_session_snapshot_free (LabSessionSnapshot *snap)
{
  if (snap == NULL)
    return;
  json_node_unref (snap->root);
  lab_safetensors_writer_free (snap->writer);
  g_clear_pointer (&snap->dataset, lab_dataset_unref);
  g_free (snap);
}

LabSessionSnapshot *
lab_session_file_snapshot (const LabSessionFile *self)
{
  LabSessionSnapshot *snap = g_new0 (LabSessionSnapshot, 1);
  LabSafetensorsWriter *w = lab_safetensors_writer_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) pages = json_node_init_object (json_node_alloc (), self->pages);
  g_autofree char *pages_json = json_to_string (pages, FALSE);

  /* The tensors are copied now, so the window may change or free what
   * they came from while a worker writes the file. */
  lab_safetensors_writer_set_copy_data (w, TRUE);
  snap->writer = w;

  json_builder_begin_object (b);
  lab_json_add_string (b, "app", LAB_VERSION);
  lab_json_add_string (b, "page", self->page);

  json_builder_set_member_name (b, "dataset");
  if (self->dataset.spec != NULL)
    {
      json_builder_begin_object (b);
      lab_json_add_string (b, "spec", self->dataset.spec);
      lab_json_add_string (b, "name", self->dataset.name);
      lab_json_add_string (b, "split", split_name (self->dataset.split));
      lab_json_add_uint (b, "n", self->dataset.n);
      lab_json_add_uint (b, "height", self->dataset.height);
      lab_json_add_uint (b, "width", self->dataset.width);
      /* Hashed by lab_session_snapshot_save when there is a dataset. */
      lab_json_add_string (b, "sha256", self->dataset.sha256);
      json_builder_end_object (b);
      if (self->dataset.sha256 == NULL && self->dataset_source != NULL)
        snap->dataset = lab_dataset_ref (self->dataset_source);
    }
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "model");
  if (self->model != NULL)
    {
      g_autofree char *spec = lab_spec_to_string (lab_model_get_spec (self->model), FALSE);

      json_builder_begin_object (b);
      lab_json_add_string (b, "name", lab_model_get_name (self->model));
      lab_json_add_string (b, "path", self->model_path);
      lab_json_add_uint (b, "step", self->step);
      json_builder_end_object (b);
      /* As a model file has them, so the same reader takes them. */
      lab_safetensors_writer_set_metadata (w, "spec", spec);
      if (self->train_json != NULL)
        lab_safetensors_writer_set_metadata (w, "train", self->train_json);
      lab_model_add_tensors (self->model, w, MODEL_PREFIX);
    }
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "pages");
  json_builder_add_value (b, json_from_string (pages_json, NULL));

  if (self->map != NULL)
    lab_session_map_save (self->map, self->map_images, b, w);
  if (self->gallery != NULL)
    lab_session_gallery_save (self->gallery, b, w);
  lab_session_classify_save (self->classify, b, w);
  if (self->transfer != NULL)
    lab_session_transfer_save (self->transfer, b, w);
  json_builder_end_object (b);

  snap->root = json_builder_get_root (b);
  return snap;
}

gboolean
lab_session_snapshot_save (LabSessionSnapshot  *snap,
                           const char          *path,
                           GError             **error)
{
  g_autofree char *json = NULL;

  if (snap->dataset != NULL)
    {
      JsonObject *ds = json_object_get_object_member (json_node_get_object (snap->root), "dataset");
      g_autofree char *hash = lab_dataset_hash (snap->dataset);

      json_object_set_string_member (ds, "sha256", hash);
      g_clear_pointer (&snap->dataset, lab_dataset_unref);
    }
  json = json_to_string (snap->root, FALSE);
  lab_safetensors_writer_set_metadata (snap->writer, "format", LAB_SESSION_FILE_FORMAT);
  lab_safetensors_writer_set_metadata (snap->writer, "session", json);
  return lab_safetensors_writer_save (snap->writer, path, error);
}

gboolean
lab_session_file_save (const LabSessionFile  *self,
                       const char            *path,
                       GError               **error)
{
  g_autoptr(LabSessionSnapshot) snap = lab_session_file_snapshot (self);

  return lab_session_snapshot_save (snap, path, error);
}

/* Loading */

static gboolean
read_dataset (const LabSessionReader  *r,
              JsonObject              *obj,
              LabSessionDataset       *ds,
              GError                 **error)
{
  const char *spec, *name, *split, *sha;
  guint64 n, h, w;

  if (!lab_session_read_string (r, obj, "dataset", "spec", FALSE, &spec, error)
      || !lab_session_read_string (r, obj, "dataset", "name", TRUE, &name, error)
      || !lab_session_read_string (r, obj, "dataset", "split", FALSE, &split, error)
      || !lab_session_read_uint (r, obj, "dataset", "n", G_MAXUINT32, &n, error)
      || !lab_session_read_uint (r, obj, "dataset", "height", G_MAXUINT16, &h, error)
      || !lab_session_read_uint (r, obj, "dataset", "width", G_MAXUINT16, &w, error)
      || !lab_session_read_string (r, obj, "dataset", "sha256", TRUE, &sha, error))
    return FALSE;
  if (strcmp (split, "train") != 0 && strcmp (split, "test") != 0)
    return lab_session_bad_member (r, "dataset", "split", "“train” or “test”", error);
  if (*spec == '\0')
    return lab_session_bad_member (r, "dataset", "spec", "a dataset name or path", error);
  ds->spec = g_strdup (spec);
  ds->name = g_strdup (name != NULL ? name : spec);
  ds->split = strcmp (split, "test") == 0 ? LAB_SPLIT_TEST : LAB_SPLIT_TRAIN;
  ds->n = (guint) n;
  ds->height = (guint) h;
  ds->width = (guint) w;
  ds->sha256 = g_strdup (sha);
  return TRUE;
}

static gboolean
read_model (const LabSessionReader  *r,
            JsonObject              *obj,
            LabSessionFile          *self,
            GError                 **error)
{
  const char *path, *spec = lab_safetensors_get_metadata (r->st, "spec");
  guint64 step;

  if (!lab_session_read_string (r, obj, "model", "path", TRUE, &path, error)
      || !lab_session_read_uint (r, obj, "model", "step", G_MAXINT64, &step, error))
    return FALSE;
  if (spec == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the session has a model but no architecture (“spec” metadata)", r->file);
      return FALSE;
    }
  self->model = lab_model_load_from (r->st, MODEL_PREFIX, spec, error);
  if (self->model == NULL)
    return FALSE;
  self->model_path = g_strdup (path);
  self->step = step;
  self->train_json = g_strdup (lab_safetensors_get_metadata (r->st, "train"));
  return TRUE;
}

/* The tensors of the file that no part of the session reads: a file that
 * has them was not written by this version, or was edited. */
static gboolean
check_all_known (const LabSessionReader  *r,
                 const LabSessionFile    *self,
                 GError                 **error)
{
  for (guint i = 0; i < lab_safetensors_n_tensors (r->st); i++)
    {
      const char *name = lab_safetensors_get_tensor (r->st, i)->name;
      gboolean known = (self->model != NULL && g_str_has_prefix (name, MODEL_PREFIX))
                       || (self->map != NULL && g_str_has_prefix (name, "map."))
                       || (self->gallery != NULL && g_str_has_prefix (name, "gallery."))
                       || (self->classify->len > 0 && g_str_has_prefix (name, "classify."))
                       || (self->transfer != NULL && g_str_has_prefix (name, "transfer."));

      if (!known)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                       "%s: tensor %s belongs to no part of the session", r->file, name);
          return FALSE;
        }
    }
  return TRUE;
}

LabSessionFile *
lab_session_file_load (const char  *path,
                       GError     **error)
{
  g_autoptr(LabSafetensors) st = lab_safetensors_open (path, error);
  g_autoptr(LabSessionFile) self = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  LabSessionReader r;
  const char *format, *json, *page;
  JsonObject *root, *obj;
  JsonArray *classify = NULL;
  JsonNode *node;

  if (st == NULL)
    return NULL;
  r.st = st;
  r.file = lab_safetensors_get_name (st);
  format = lab_safetensors_get_metadata (st, "format");
  if (g_strcmp0 (format, LAB_SESSION_FILE_FORMAT) != 0)
    {
      if (format != NULL && g_str_has_prefix (format, "latentlab-session"))
        g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                     "%s: a session of format “%s”, from a newer LatentLab; this one reads “%s”",
                     r.file, format, LAB_SESSION_FILE_FORMAT);
      else if (g_strcmp0 (format, LAB_MODEL_FILE_FORMAT) == 0)
        g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                     "%s: is a LatentLab model, not a session; open it as a model", r.file);
      else
        g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                     "%s: not a LatentLab session (its metadata has no “format” “%s”)",
                     r.file, LAB_SESSION_FILE_FORMAT);
      return NULL;
    }
  json = lab_safetensors_get_metadata (st, "session");
  parser = json_parser_new_immutable ();
  if (json == NULL || !json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_autofree char *why = local_error ? lab_error_printable (local_error->message) : NULL;

      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the “session” metadata is %s%s%s", r.file,
                   why ? "not valid JSON (" : "missing", why ? why : "", why ? ")" : "");
      return NULL;
    }
  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the “session” metadata must be a JSON object", r.file);
      return NULL;
    }
  root = json_node_get_object (node);
  self = lab_session_file_new ();

  if (!lab_session_read_string (&r, root, "session", "page", TRUE, &page, error))
    return NULL;
  self->page = g_strdup (page);

  if (!lab_session_read_object (&r, root, "session", "dataset", TRUE, &obj, error)
      || (obj != NULL && !read_dataset (&r, obj, &self->dataset, error)))
    return NULL;
  if (!lab_session_read_object (&r, root, "session", "model", TRUE, &obj, error)
      || (obj != NULL && !read_model (&r, obj, self, error)))
    return NULL;

  if (!lab_session_read_object (&r, root, "session", "pages", TRUE, &obj, error))
    return NULL;
  if (obj != NULL)
    {
      JsonObjectIter iter;
      const char *name;

      json_object_iter_init (&iter, obj);
      while (json_object_iter_next (&iter, &name, &node))
        {
          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              lab_session_bad_member (&r, "pages", name, "an object", error);
              return NULL;
            }
          json_object_set_member (self->pages, name, json_node_copy (node));
        }
    }

  if (!lab_session_read_object (&r, root, "session", "map", TRUE, &obj, error))
    return NULL;
  if (obj != NULL && (self->map = lab_session_map_load (&r, obj, &self->map_images, error)) == NULL)
    return NULL;
  if (!lab_session_read_object (&r, root, "session", "gallery", TRUE, &obj, error))
    return NULL;
  if (obj != NULL && (self->gallery = lab_session_gallery_load (&r, obj, error)) == NULL)
    return NULL;
  if (json_object_has_member (root, "classify")
      && (!lab_session_read_array (&r, root, "session", "classify", &classify, error)
          || !lab_session_classify_load (&r, classify, self->classify, error)))
    return NULL;
  if (!lab_session_read_object (&r, root, "session", "transfer", TRUE, &obj, error))
    return NULL;
  if (obj != NULL && (self->transfer = lab_session_transfer_load (&r, obj, error)) == NULL)
    return NULL;

  if (!check_all_known (&r, self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* The dataset */

gboolean
lab_session_file_check_dataset (const LabSessionFile  *self,
                                const LabDataset      *dataset,
                                GError               **error)
{
  const LabSessionDataset *ds = &self->dataset;
  g_autofree char *hash = NULL;

  if (ds->spec == NULL)
    return TRUE;
  if (dataset->n != ds->n || dataset->height != ds->height || dataset->width != ds->width)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "%s has %u images of %u×%u; the session's “%s” had %u of %u×%u",
                   dataset->name, dataset->n, dataset->height, dataset->width,
                   ds->name, ds->n, ds->height, ds->width);
      return FALSE;
    }
  if (ds->sha256 == NULL)
    return TRUE;
  hash = lab_dataset_hash (dataset);
  if (g_ascii_strcasecmp (hash, ds->sha256) != 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "The content of %s differs from the one the session was saved with (SHA-256 "
                   "%.12s… here, %.12s… in the session): the same name holds other images",
                   dataset->name, hash, ds->sha256);
      return FALSE;
    }
  return TRUE;
}

gboolean
lab_session_file_find_dataset (const LabSessionFile  *self,
                               GError               **error)
{
  const LabSessionDataset *ds = &self->dataset;

  if (ds->spec == NULL || strcmp (ds->spec, "synthetic") == 0)
    return TRUE;
  if (lab_catalog_is_known_id (ds->spec))
    {
      g_autoptr(LabCatalogEntry) entry = lab_catalog_find (ds->spec, NULL);

      if (entry != NULL)
        return TRUE;
      g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND,
                   "This session was made with %s, which is not installed on this computer: "
                   "install %s (see the README) or open its folder on the Data page; the "
                   "model, curves, map and gallery are shown without it",
                   ds->name, ds->spec);
      return FALSE;
    }
  if (g_file_test (ds->spec, G_FILE_TEST_EXISTS))
    return TRUE;
  g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND,
               "This session was made with the dataset %s from %s, which is not on this "
               "computer: put it there, or open it where it is on the Data page; the model, "
               "curves, map and gallery are shown without it", ds->name, ds->spec);
  return FALSE;
}
