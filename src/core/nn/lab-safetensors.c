#define G_LOG_DOMAIN "latentlab-core"

#include "lab-safetensors.h"

#include <errno.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "lab-save.h"

#define MAX_TENSORS 100000

struct _LabSafetensors
{
  char         *name;       /* the file's base name, for messages */
  GMappedFile  *mapped;
  const guint8 *data;       /* start of the tensor bytes, after the header */
  guint64       data_len;
  GPtrArray    *tensors;    /* (element-type LabSafetensorsTensor) in header order */
  GHashTable   *by_name;    /* name -> LabSafetensorsTensor, borrowed */
  GHashTable   *metadata;   /* key -> value, owned */
};

static const struct
{
  const char *name;
  guint       size;
} dtypes[] = {
  { "F64", 8 }, { "F32", 4 }, { "F16", 2 }, { "BF16", 2 },
  { "I64", 8 }, { "I32", 4 }, { "I16", 2 }, { "I8", 1 },
  { "U64", 8 }, { "U32", 4 }, { "U16", 2 }, { "U8", 1 }, { "BOOL", 1 },
};

static guint
dtype_size (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (dtypes); i++)
    if (g_strcmp0 (name, dtypes[i].name) == 0)
      return dtypes[i].size;
  return 0;
}

static void
tensor_free (LabSafetensorsTensor *t)
{
  g_free (t->name);
  g_free (t->dtype);
  g_free (t);
}

void
lab_safetensors_free (LabSafetensors *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->tensors, g_ptr_array_unref);
  g_clear_pointer (&self->metadata, g_hash_table_unref);
  g_clear_pointer (&self->mapped, g_mapped_file_unref);
  g_free (self->name);
  g_free (self);
}

char *
lab_safetensors_shape_to_string (guint          ndim,
                                 const guint64 *shape)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < ndim; i++)
    g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, i ? "," : "", shape[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static gboolean
node_get_u64 (JsonNode *node,
              guint64  *value)
{
  gint64 v;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  v = json_node_get_int (node);
  if (v < 0)
    return FALSE;
  *value = (guint64) v;
  return TRUE;
}

/* One tensor entry of the header, checked against the data length. */
static LabSafetensorsTensor *
parse_tensor (LabSafetensors  *self,
              const char      *name,
              JsonNode        *node,
              GError         **error)
{
  g_autoptr(GPtrArray) guard = g_ptr_array_new_with_free_func ((GDestroyNotify) tensor_free);
  LabSafetensorsTensor *t = g_new0 (LabSafetensorsTensor, 1);
  JsonObject *obj;
  JsonNode *member;
  JsonArray *shape, *offsets;
  guint64 n_elems = 1, n_bytes;

  g_ptr_array_add (guard, t);
  t->name = g_strdup (name);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: tensor %s is not described by a JSON object", self->name, name);
      return NULL;
    }
  obj = json_node_get_object (node);

  member = json_object_get_member (obj, "dtype");
  if (member && JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
    t->dtype = g_strdup (json_node_get_string (member));
  t->dtype_size = dtype_size (t->dtype);
  if (t->dtype_size == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: tensor %s has an unknown dtype “%s”", self->name, name,
                   t->dtype ? t->dtype : "(none)");
      return NULL;
    }

  member = json_object_get_member (obj, "shape");
  shape = member && JSON_NODE_HOLDS_ARRAY (member) ? json_node_get_array (member) : NULL;
  if (shape == NULL || json_array_get_length (shape) > LAB_SAFETENSORS_MAX_DIMS)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: tensor %s needs a “shape” list of at most %d sizes",
                   self->name, name, LAB_SAFETENSORS_MAX_DIMS);
      return NULL;
    }
  t->ndim = json_array_get_length (shape);
  for (guint i = 0; i < t->ndim; i++)
    {
      if (!node_get_u64 (json_array_get_element (shape, i), &t->shape[i])
          || t->shape[i] > G_MAXUINT32
          || (t->shape[i] > 0 && n_elems > G_MAXUINT64 / t->shape[i]))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                       "%s: tensor %s has an invalid size in its shape", self->name, name);
          return NULL;
        }
      n_elems *= t->shape[i];
    }

  member = json_object_get_member (obj, "data_offsets");
  offsets = member && JSON_NODE_HOLDS_ARRAY (member) ? json_node_get_array (member) : NULL;
  if (offsets == NULL || json_array_get_length (offsets) != 2
      || !node_get_u64 (json_array_get_element (offsets, 0), &t->begin)
      || !node_get_u64 (json_array_get_element (offsets, 1), &t->end)
      || t->begin > t->end)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: tensor %s needs “data_offsets” [begin, end] with begin ≤ end",
                   self->name, name);
      return NULL;
    }
  if (n_elems > G_MAXUINT64 / t->dtype_size
      || (n_bytes = n_elems * t->dtype_size) != t->end - t->begin)
    {
      g_autofree char *s = lab_safetensors_shape_to_string (t->ndim, t->shape);
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: tensor %s has data_offsets [%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
                   "] (%" G_GUINT64_FORMAT " bytes), but shape %s of %s needs a different size",
                   self->name, name, t->begin, t->end, t->end - t->begin, s, t->dtype);
      return NULL;
    }
  if (t->end > self->data_len)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TRUNCATED,
                   "%s: tensor %s needs bytes %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
                   " of the data, but the file holds only %" G_GUINT64_FORMAT
                   " after its header (is it cut short?)",
                   self->name, name, t->begin, t->end, self->data_len);
      return NULL;
    }
  return g_ptr_array_steal_index (guard, 0);
}

/* By start, and at one start the empty tensors first, so a tensor that
 * starts where an empty one sits is not taken for an overlap. */
static int
compare_begin (gconstpointer a,
               gconstpointer b)
{
  const LabSafetensorsTensor *x = *(LabSafetensorsTensor * const *) a;
  const LabSafetensorsTensor *y = *(LabSafetensorsTensor * const *) b;

  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end ? 1 : 0;
}

/* No two tensors may share bytes, and an empty tensor may not sit inside
 * another: in order of start, every tensor (empty ones too) begins at or
 * after the furthest end so far. Comparing neighbours only would let an
 * empty tensor between two overlapping ones hide the overlap. */
static gboolean
check_no_overlap (LabSafetensors  *self,
                  GError         **error)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_copy (self->tensors, NULL, NULL);
  const LabSafetensorsTensor *furthest = NULL;   /* the tensor with the furthest end so far */

  g_ptr_array_set_free_func (sorted, NULL);   /* the copy borrows the tensors */
  g_ptr_array_sort (sorted, compare_begin);
  for (guint i = 0; i < sorted->len; i++)
    {
      const LabSafetensorsTensor *t = g_ptr_array_index (sorted, i);

      if (furthest != NULL && t->begin < furthest->end)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                       "%s: tensors %s and %s overlap in the data (%s %s starts at byte %"
                       G_GUINT64_FORMAT ", inside %s's bytes %" G_GUINT64_FORMAT " to %"
                       G_GUINT64_FORMAT ")", self->name, furthest->name, t->name,
                       t->begin == t->end ? "empty tensor" : "tensor", t->name, t->begin,
                       furthest->name, furthest->begin, furthest->end);
          return FALSE;
        }
      if (furthest == NULL || t->end > furthest->end)
        furthest = t;
    }
  return TRUE;
}

LabSafetensors *
lab_safetensors_open (const char  *path,
                      GError     **error)
{
  g_autoptr(LabSafetensors) self = g_new0 (LabSafetensors, 1);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  const guint8 *contents;
  guint64 file_len, header_len;
  JsonObject *root;
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  self->name = g_path_get_basename (path);
  self->tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) tensor_free);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  self->mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (self->mapped == NULL)
    {
      g_set_error (error, LAB_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? LAB_ERROR_NOT_FOUND : LAB_ERROR_IO,
                   "%s: cannot read the file (%s)", self->name, local_error->message);
      return NULL;
    }
  contents = (const guint8 *) g_mapped_file_get_contents (self->mapped);
  file_len = g_mapped_file_get_length (self->mapped);

  if (file_len < 8)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TRUNCATED,
                   "%s: only %" G_GUINT64_FORMAT " bytes, too short for a safetensors file",
                   self->name, file_len);
      return NULL;
    }
  memcpy (&header_len, contents, 8);
  header_len = GUINT64_FROM_LE (header_len);
  if (header_len > file_len - 8)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TRUNCATED,
                   "%s: the header claims %" G_GUINT64_FORMAT " bytes but the file has only %"
                   G_GUINT64_FORMAT " (it is cut short, or not a safetensors file)",
                   self->name, header_len, file_len - 8);
      return NULL;
    }
  if (header_len < 2 || header_len > LAB_SAFETENSORS_MAX_HEADER)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: a header of %" G_GUINT64_FORMAT " bytes is not a safetensors header",
                   self->name, header_len);
      return NULL;
    }
  self->data = contents + 8 + header_len;
  self->data_len = file_len - 8 - header_len;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, (const char *) contents + 8, (gssize) header_len,
                                   &local_error))
    {
      g_autofree char *why = lab_error_printable (local_error->message);

      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the header is not valid JSON (%s)", self->name, why);
      return NULL;
    }
  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the header must be a JSON object of tensors", self->name);
      return NULL;
    }
  root = json_node_get_object (node);
  if (json_object_get_size (root) > MAX_TENSORS)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: more than %d tensors", self->name, MAX_TENSORS);
      return NULL;
    }

  json_object_iter_init (&iter, root);
  while (json_object_iter_next (&iter, &member, &node))
    {
      LabSafetensorsTensor *t;

      if (strcmp (member, "__metadata__") == 0)
        {
          JsonObjectIter miter;
          const char *key;
          JsonNode *value;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                           "%s: “__metadata__” must be an object of strings", self->name);
              return NULL;
            }
          json_object_iter_init (&miter, json_node_get_object (node));
          while (json_object_iter_next (&miter, &key, &value))
            {
              if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
                {
                  g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                               "%s: metadata “%s” must be a string", self->name, key);
                  return NULL;
                }
              g_hash_table_replace (self->metadata, g_strdup (key),
                                    g_strdup (json_node_get_string (value)));
            }
          continue;
        }

      t = parse_tensor (self, member, node, error);
      if (t == NULL)
        return NULL;
      g_ptr_array_add (self->tensors, t);
      g_hash_table_insert (self->by_name, t->name, t);
    }

  if (!check_no_overlap (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
lab_safetensors_get_name (LabSafetensors *self)
{
  return self->name;
}

guint
lab_safetensors_n_tensors (LabSafetensors *self)
{
  return self->tensors->len;
}

const LabSafetensorsTensor *
lab_safetensors_get_tensor (LabSafetensors *self,
                            guint           index)
{
  g_return_val_if_fail (index < self->tensors->len, NULL);
  return g_ptr_array_index (self->tensors, index);
}

const LabSafetensorsTensor *
lab_safetensors_find (LabSafetensors *self,
                      const char     *name)
{
  return g_hash_table_lookup (self->by_name, name);
}

const guint8 *
lab_safetensors_tensor_data (LabSafetensors             *self,
                             const LabSafetensorsTensor *tensor)
{
  return self->data + tensor->begin;
}

const char *
lab_safetensors_get_metadata (LabSafetensors *self,
                              const char     *key)
{
  return g_hash_table_lookup (self->metadata, key);
}

GList *
lab_safetensors_metadata_keys (LabSafetensors *self)
{
  return g_hash_table_get_keys (self->metadata);
}

/* Writer */

typedef struct
{
  char          *name;
  const char    *dtype;
  guint          dtype_size;
  guint          ndim;
  guint64        shape[LAB_SAFETENSORS_MAX_DIMS];
  gconstpointer  data;
  gpointer       copy;     /* owned data, or NULL when data is borrowed */
  guint64        n_bytes;
} Entry;

struct _LabSafetensorsWriter
{
  GArray    *entries;    /* (element-type Entry) */
  GPtrArray *meta_keys;  /* insertion order */
  GHashTable *meta;      /* key -> value */
  gboolean   copy_data;  /* add() copies as add_copy() does */
};

static void
entry_clear (Entry *e)
{
  g_free (e->name);
  g_free (e->copy);
}

LabSafetensorsWriter *
lab_safetensors_writer_new (void)
{
  LabSafetensorsWriter *self = g_new0 (LabSafetensorsWriter, 1);

  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->entries, (GDestroyNotify) entry_clear);
  self->meta_keys = g_ptr_array_new_with_free_func (g_free);
  self->meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
lab_safetensors_writer_free (LabSafetensorsWriter *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->entries);
  g_ptr_array_unref (self->meta_keys);
  g_hash_table_unref (self->meta);
  g_free (self);
}

void
lab_safetensors_writer_add (LabSafetensorsWriter *self,
                            const char           *name,
                            const char           *dtype,
                            guint                 ndim,
                            const guint64        *shape,
                            gconstpointer         data)
{
  Entry e = { 0 };

  g_return_if_fail (ndim <= LAB_SAFETENSORS_MAX_DIMS);
  g_return_if_fail (g_strcmp0 (dtype, "F32") == 0 || g_strcmp0 (dtype, "I64") == 0
                    || g_strcmp0 (dtype, "U8") == 0);

  e.name = g_strdup (name);
  e.dtype = g_strcmp0 (dtype, "F32") == 0 ? "F32" : g_strcmp0 (dtype, "I64") == 0 ? "I64" : "U8";
  e.dtype_size = dtype_size (e.dtype);
  e.ndim = ndim;
  e.n_bytes = e.dtype_size;
  for (guint i = 0; i < ndim; i++)
    {
      e.shape[i] = shape[i];
      e.n_bytes *= shape[i];
    }
  e.data = data;
  if (self->copy_data)
    e.data = e.copy = g_memdup2 (data, e.n_bytes);
  g_array_append_val (self->entries, e);
}

void
lab_safetensors_writer_set_copy_data (LabSafetensorsWriter *self,
                                      gboolean              copy)
{
  self->copy_data = copy;
}

void
lab_safetensors_writer_add_copy (LabSafetensorsWriter *self,
                                 const char           *name,
                                 const char           *dtype,
                                 guint                 ndim,
                                 const guint64        *shape,
                                 gconstpointer         data)
{
  Entry *e;

  lab_safetensors_writer_add (self, name, dtype, ndim, shape, data);
  e = &g_array_index (self->entries, Entry, self->entries->len - 1);
  if (e->copy == NULL)
    e->data = e->copy = g_memdup2 (data, e->n_bytes);
}

void
lab_safetensors_writer_set_metadata (LabSafetensorsWriter *self,
                                     const char           *key,
                                     const char           *value)
{
  /* A key set twice keeps its first place and its last value. */
  if (!g_hash_table_contains (self->meta, key))
    g_ptr_array_add (self->meta_keys, g_strdup (key));
  g_hash_table_replace (self->meta, g_strdup (key), g_strdup (value));
}

gboolean
lab_safetensors_writer_save (LabSafetensorsWriter  *self,
                             const char            *path,
                             GError               **error)
{
  LabSave *save = lab_save_begin (path, error);

  if (save == NULL)
    return FALSE;
  if (!lab_safetensors_writer_write (self, save, path, error))
    {
      lab_save_abandon (save);
      return FALSE;
    }
  return lab_save_commit (save, error);
}

gboolean
lab_safetensors_writer_write (LabSafetensorsWriter  *self,
                              LabSave               *save,
                              const char            *path,
                              GError               **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *header = NULL;
  g_autofree guint8 *file = NULL;
  g_autofree char *base = g_path_get_basename (path);
  gsize header_len, padded_len;
  guint64 offset = 0, le_len;
  guint8 *p;

  json_builder_begin_object (b);
  if (self->meta_keys->len > 0)
    {
      json_builder_set_member_name (b, "__metadata__");
      json_builder_begin_object (b);
      for (guint i = 0; i < self->meta_keys->len; i++)
        {
          const char *key = g_ptr_array_index (self->meta_keys, i);
          json_builder_set_member_name (b, key);
          json_builder_add_string_value (b, g_hash_table_lookup (self->meta, key));
        }
      json_builder_end_object (b);
    }
  for (guint i = 0; i < self->entries->len; i++)
    {
      const Entry *e = &g_array_index (self->entries, Entry, i);

      json_builder_set_member_name (b, e->name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "dtype");
      json_builder_add_string_value (b, e->dtype);
      json_builder_set_member_name (b, "shape");
      json_builder_begin_array (b);
      for (guint d = 0; d < e->ndim; d++)
        json_builder_add_int_value (b, (gint64) e->shape[d]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "data_offsets");
      json_builder_begin_array (b);
      json_builder_add_int_value (b, (gint64) offset);
      json_builder_add_int_value (b, (gint64) (offset + e->n_bytes));
      json_builder_end_array (b);
      json_builder_end_object (b);
      offset += e->n_bytes;
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  header = json_generator_to_data (gen, &header_len);

  /* Spaces up to a multiple of 8, so the data starts 8-byte aligned. */
  padded_len = (8 + header_len + 7) / 8 * 8 - 8;
  if (offset > LAB_MAX_ALLOC_BYTES - padded_len - 8)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: %" G_GUINT64_FORMAT " bytes of tensors are too many to save", base, offset);
      return FALSE;
    }
  file = g_malloc (8 + padded_len + offset);
  le_len = GUINT64_TO_LE ((guint64) padded_len);
  memcpy (file, &le_len, 8);
  memcpy (file + 8, header, header_len);
  memset (file + 8 + header_len, ' ', padded_len - header_len);
  p = file + 8 + padded_len;
  for (guint i = 0; i < self->entries->len; i++)
    {
      const Entry *e = &g_array_index (self->entries, Entry, i);

      memcpy (p, e->data, e->n_bytes);
#if G_BYTE_ORDER == G_BIG_ENDIAN
      if (e->dtype_size == 4)
        for (guint64 k = 0; k < e->n_bytes; k += 4)
          {
            guint32 v;
            memcpy (&v, p + k, 4);
            v = GUINT32_SWAP_LE_BE (v);
            memcpy (p + k, &v, 4);
          }
      else if (e->dtype_size == 8)
        for (guint64 k = 0; k < e->n_bytes; k += 8)
          {
            guint64 v;
            memcpy (&v, p + k, 8);
            v = GUINT64_SWAP_LE_BE (v);
            memcpy (p + k, &v, 8);
          }
#endif
      p += e->n_bytes;
    }

  lab_save_write (save, file, 8 + padded_len + offset);
  return TRUE;
}
