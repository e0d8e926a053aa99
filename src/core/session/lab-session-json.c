#define G_LOG_DOMAIN "latentlab-core"

/* The checked readers and the small writers every part of a session file
 * uses (lab-session-file-private.h). */

#include "lab-session-file-private.h"

#include <math.h>
#include <string.h>

/* Checked readers (lab-session-file-private.h) */

static JsonNode *
get_member (const LabSessionReader  *r,
            JsonObject              *obj,
            const char              *where,
            const char              *member,
            GError                 **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL)
    g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                 "%s: the session has no “%s.%s”", r->file, where, member);
  return node;
}

/* Like get_member, but a missing or null member is no error when
 * optional: TRUE with *node NULL. */
static gboolean
get_optional (const LabSessionReader  *r,
              JsonObject              *obj,
              const char              *where,
              const char              *member,
              gboolean                 optional,
              JsonNode               **node,
              GError                 **error)
{
  *node = json_object_get_member (obj, member);
  if (optional && *node != NULL && JSON_NODE_HOLDS_NULL (*node))
    *node = NULL;
  if (optional && *node == NULL)
    return TRUE;
  return *node != NULL || get_member (r, obj, where, member, error) != NULL;
}

/* The values a member or a list element may hold: a whole number from 0
 * to max, any number, a string; FALSE (and *value untouched) for
 * anything else, null included. */
static gboolean
node_uint (JsonNode *node,
           guint64   max,
           guint64  *value)
{
  gint64 v;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || (v = json_node_get_int (node)) < 0 || (guint64) v > max)
    return FALSE;
  *value = (guint64) v;
  return TRUE;
}

static gboolean
node_number (JsonNode *node,
             double   *value)
{
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_double (node);
  return TRUE;
}

static gboolean
node_string (JsonNode    *node,
             const char **value)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  *value = json_node_get_string (node);
  return TRUE;
}

gboolean
lab_session_bad_member (const LabSessionReader  *r,
                        const char              *where,
                        const char              *member,
                        const char              *should,
                        GError                 **error)
{
  g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
               "%s: the session's “%s.%s” must be %s", r->file, where, member, should);
  return FALSE;
}

gboolean
lab_session_object_at (const LabSessionReader  *r,
                       JsonNode                *node,
                       const char              *where,
                       JsonObject             **value,
                       GError                 **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the session's “%s” must be an object", r->file, where);
      return FALSE;
    }
  *value = json_node_get_object (node);
  return TRUE;
}

gboolean
lab_session_read_uint (const LabSessionReader  *r,
                       JsonObject              *obj,
                       const char              *where,
                       const char              *member,
                       guint64                  max,
                       guint64                 *value,
                       GError                 **error)
{
  JsonNode *node = get_member (r, obj, where, member, error);

  if (node == NULL)
    return FALSE;
  if (!node_uint (node, max, value))
    {
      g_autofree char *should = g_strdup_printf ("a whole number from 0 to %" G_GUINT64_FORMAT, max);
      return lab_session_bad_member (r, where, member, should, error);
    }
  return TRUE;
}

gboolean
lab_session_read_count (const LabSessionReader  *r,
                        JsonObject              *obj,
                        const char              *where,
                        const char              *member,
                        guint                    max,
                        guint                   *value,
                        GError                 **error)
{
  guint64 v;

  if (!lab_session_read_uint (r, obj, where, member, max, &v, error))
    return FALSE;
  *value = (guint) v;
  return TRUE;
}

gboolean
lab_session_read_double (const LabSessionReader  *r,
                         JsonObject              *obj,
                         const char              *where,
                         const char              *member,
                         gboolean                 nullable,
                         double                  *value,
                         GError                 **error)
{
  JsonNode *node = get_member (r, obj, where, member, error);

  if (node == NULL)
    return FALSE;
  if (nullable && JSON_NODE_HOLDS_NULL (node))
    {
      *value = NAN;
      return TRUE;
    }
  if (!node_number (node, value))
    return lab_session_bad_member (r, where, member, nullable ? "a number or null" : "a number", error);
  return TRUE;
}

gboolean
lab_session_read_bool (const LabSessionReader  *r,
                       JsonObject              *obj,
                       const char              *where,
                       const char              *member,
                       gboolean                *value,
                       GError                 **error)
{
  JsonNode *node = get_member (r, obj, where, member, error);

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return lab_session_bad_member (r, where, member, "true or false", error);
  *value = json_node_get_boolean (node);
  return TRUE;
}

gboolean
lab_session_read_string (const LabSessionReader  *r,
                         JsonObject              *obj,
                         const char              *where,
                         const char              *member,
                         gboolean                 optional,
                         const char             **value,
                         GError                 **error)
{
  JsonNode *node;

  *value = NULL;
  if (!get_optional (r, obj, where, member, optional, &node, error))
    return FALSE;
  if (node != NULL && !node_string (node, value))
    return lab_session_bad_member (r, where, member, "a string", error);
  return TRUE;
}

gboolean
lab_session_read_object (const LabSessionReader  *r,
                         JsonObject              *obj,
                         const char              *where,
                         const char              *member,
                         gboolean                 optional,
                         JsonObject             **value,
                         GError                 **error)
{
  JsonNode *node;

  *value = NULL;
  if (!get_optional (r, obj, where, member, optional, &node, error))
    return FALSE;
  if (node != NULL && !JSON_NODE_HOLDS_OBJECT (node))
    return lab_session_bad_member (r, where, member, "an object", error);
  if (node != NULL)
    *value = json_node_get_object (node);
  return TRUE;
}

gboolean
lab_session_read_array (const LabSessionReader  *r,
                        JsonObject              *obj,
                        const char              *where,
                        const char              *member,
                        JsonArray              **value,
                        GError                 **error)
{
  JsonNode *node = get_member (r, obj, where, member, error);

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return lab_session_bad_member (r, where, member, "a list", error);
  *value = json_node_get_array (node);
  return TRUE;
}

/* The list where.member, of exactly n values. */
static JsonArray *
read_list (const LabSessionReader  *r,
           JsonObject              *obj,
           const char              *where,
           const char              *member,
           guint                    n,
           GError                 **error)
{
  JsonArray *array;

  if (!lab_session_read_array (r, obj, where, member, &array, error))
    return NULL;
  if (json_array_get_length (array) != n)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "%s: the session's “%s.%s” has %u values, %u expected",
                   r->file, where, member, json_array_get_length (array), n);
      return NULL;
    }
  return array;
}

gboolean
lab_session_read_uints (const LabSessionReader  *r,
                        JsonObject              *obj,
                        const char              *where,
                        const char              *member,
                        guint                    n,
                        guint64                  max,
                        guint                   *out,
                        GError                 **error)
{
  JsonArray *array = read_list (r, obj, where, member, n, error);

  if (array == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      guint64 v;

      if (!node_uint (json_array_get_element (array, i), max, &v))
        {
          g_autofree char *should = g_strdup_printf ("a list of whole numbers from 0 to %" G_GUINT64_FORMAT,
                                                     max);
          return lab_session_bad_member (r, where, member, should, error);
        }
      out[i] = (guint) v;
    }
  return TRUE;
}

gboolean
lab_session_read_doubles (const LabSessionReader  *r,
                          JsonObject              *obj,
                          const char              *where,
                          const char              *member,
                          guint                    n,
                          double                  *out,
                          GError                 **error)
{
  JsonArray *array = read_list (r, obj, where, member, n, error);

  if (array == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_NULL (node))
        out[i] = NAN;
      else if (!node_number (node, &out[i]))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                       "%s: the session's “%s.%s” must be a list of numbers", r->file, where, member);
          return FALSE;
        }
    }
  return TRUE;
}

char **
lab_session_read_strv (const LabSessionReader  *r,
                       JsonObject              *obj,
                       const char              *where,
                       const char              *member,
                       guint                    n_expected,
                       guint                   *n,
                       GError                 **error)
{
  JsonArray *array;
  g_auto(GStrv) strv = NULL;
  guint len;

  if (!lab_session_read_array (r, obj, where, member, &array, error))
    return NULL;
  len = json_array_get_length (array);
  if (n_expected != G_MAXUINT && len != n_expected)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "%s: the session's “%s.%s” has %u names, %u expected",
                   r->file, where, member, len, n_expected);
      return NULL;
    }
  strv = g_new0 (char *, len + 1);
  for (guint i = 0; i < len; i++)
    {
      const char *s;

      if (!node_string (json_array_get_element (array, i), &s))
        {
          lab_session_bad_member (r, where, member, "a list of strings", error);
          return NULL;
        }
      strv[i] = g_strdup (s);
    }
  if (n != NULL)
    *n = len;
  return g_steal_pointer (&strv);
}

gpointer
lab_session_read_tensor (const LabSessionReader  *r,
                         const char              *name,
                         const char              *dtype,
                         guint                    ndim,
                         const guint64           *shape,
                         GError                 **error)
{
  const LabSafetensorsTensor *t = lab_safetensors_find (r->st, name);
  gboolean same;
  gsize n_bytes;
  guint8 *copy;

  if (t == NULL)
    {
      g_autofree char *want = lab_safetensors_shape_to_string (ndim, shape);
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the session has no tensor %s (%s %s)", r->file, name, dtype, want);
      return NULL;
    }
  if (strcmp (t->dtype, dtype) != 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: tensor %s has dtype %s, the session needs %s", r->file, name, t->dtype, dtype);
      return NULL;
    }
  same = t->ndim == ndim;
  for (guint d = 0; same && d < ndim; d++)
    same = t->shape[d] == shape[d];
  if (!same)
    {
      g_autofree char *has = lab_safetensors_shape_to_string (t->ndim, t->shape);
      g_autofree char *want = lab_safetensors_shape_to_string (ndim, shape);
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "%s: tensor %s has shape %s, but the session's JSON says %s",
                   r->file, name, has, want);
      return NULL;
    }
  /* safetensors checked that these bytes are in the file. */
  n_bytes = (gsize) (t->end - t->begin);
  copy = g_malloc (MAX (n_bytes, 1));
  memcpy (copy, lab_safetensors_tensor_data (r->st, t), n_bytes);
#if G_BYTE_ORDER == G_BIG_ENDIAN
  if (t->dtype_size == 4)
    for (gsize k = 0; k < n_bytes; k += 4)
      {
        guint32 v;
        memcpy (&v, copy + k, 4);
        v = GUINT32_SWAP_LE_BE (v);
        memcpy (copy + k, &v, 4);
      }
  else if (t->dtype_size == 8)
    for (gsize k = 0; k < n_bytes; k += 8)
      {
        guint64 v;
        memcpy (&v, copy + k, 8);
        v = GUINT64_SWAP_LE_BE (v);
        memcpy (copy + k, &v, 8);
      }
#endif
  return copy;
}

guint *
lab_session_read_indices (const LabSessionReader  *r,
                          const char              *name,
                          guint                    n,
                          guint64                  limit,
                          GError                 **error)
{
  guint64 shape[1] = { n };
  g_autofree gint64 *values = lab_session_read_tensor (r, name, "I64", 1, shape, error);
  g_autofree guint *out = NULL;

  if (values == NULL)
    return NULL;
  out = g_new (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      if (values[i] < 0 || (guint64) values[i] >= limit)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                       "%s: tensor %s holds %" G_GINT64_FORMAT " at %u, outside 0 to %" G_GUINT64_FORMAT,
                       r->file, name, values[i], i, limit - 1);
          return NULL;
        }
      out[i] = (guint) values[i];
    }
  return g_steal_pointer (&out);
}

void
lab_session_add_indices (LabSafetensorsWriter *w,
                         const char           *name,
                         const guint          *values,
                         guint                 n)
{
  g_autofree gint64 *v = g_new (gint64, MAX (n, 1));
  guint64 shape[1] = { n };

  for (guint i = 0; i < n; i++)
    v[i] = values[i];
  lab_safetensors_writer_add_copy (w, name, "I64", 1, shape, v);
}

