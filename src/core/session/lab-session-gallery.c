#define G_LOG_DOMAIN "latentlab-core"

/* The augmentation gallery of a session. JSON member "gallery":
 *   {"height", "width", "class_names": [...], "items": [{"label" (-1:
 *    none), "model", "method", "x", "y", "step", "latent_dim", "nearest":
 *    null or {"index", "distance", "pixels": true/false}}, ...]}
 * tensors (when there are items) gallery.pixels U8 (n, height, width),
 * gallery.latents F32 (sum of latent_dim) and gallery.nearest_pixels U8
 * (m, height, width): the nearest training images of the m items whose
 * "pixels" is true, in item order. */

#include <math.h>
#include <string.h>

#include "lab-session-file-private.h"

void
lab_session_gallery_save (LabGallery           *gallery,
                          JsonBuilder          *b,
                          LabSafetensorsWriter *w)
{
  guint n = lab_gallery_get_n (gallery), h = lab_gallery_get_height (gallery);
  guint width = lab_gallery_get_width (gallery), n_classes = lab_gallery_get_n_classes (gallery);
  gsize size = (gsize) h * width, n_latent = 0, n_nearest = 0;
  g_autofree char **names = g_new0 (char *, n_classes + 1);
  g_autofree guint8 *pixels = NULL, *nearest = NULL;
  g_autofree float *latents = NULL;

  for (guint c = 0; c < n_classes; c++)
    names[c] = (char *) lab_gallery_get_class_name (gallery, c);

  json_builder_set_member_name (b, "gallery");
  json_builder_begin_object (b);
  lab_json_add_uint (b, "height", h);
  lab_json_add_uint (b, "width", width);
  lab_json_add_strv (b, "class_names", names, n_classes);
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      const LabGalleryItem *item = lab_gallery_get_item (gallery, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "label");
      json_builder_add_int_value (b, item->label);
      lab_json_add_string (b, "model", item->model != NULL ? item->model : "");
      lab_json_add_string (b, "method", item->method != NULL ? item->method : "");
      lab_json_add_number (b, "x", item->x);
      lab_json_add_number (b, "y", item->y);
      json_builder_set_member_name (b, "step");
      json_builder_add_int_value (b, (gint64) MIN (item->step, (guint64) G_MAXINT64));
      lab_json_add_uint (b, "latent_dim", item->latent != NULL ? item->latent_dim : 0);
      json_builder_set_member_name (b, "nearest");
      if (item->has_nearest)
        {
          json_builder_begin_object (b);
          lab_json_add_uint (b, "index", item->nearest_index);
          lab_json_add_number (b, "distance", item->nearest_distance);
          lab_json_add_bool (b, "pixels", item->nearest_pixels != NULL);
          json_builder_end_object (b);
          n_nearest += item->nearest_pixels != NULL;
        }
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
      n_latent += item->latent != NULL ? item->latent_dim : 0;
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  if (n == 0)
    return;
  /* One tensor each, copied together (the writer copies them again). */
  pixels = g_new (guint8, n * size);
  latents = g_new (float, MAX (n_latent, 1));
  nearest = g_new (guint8, MAX (n_nearest, 1) * size);
  n_latent = n_nearest = 0;
  for (guint i = 0; i < n; i++)
    {
      const LabGalleryItem *item = lab_gallery_get_item (gallery, i);

      memcpy (pixels + i * size, item->pixels, size);
      if (item->latent != NULL)
        {
          memcpy (latents + n_latent, item->latent, item->latent_dim * sizeof (float));
          n_latent += item->latent_dim;
        }
      if (item->has_nearest && item->nearest_pixels != NULL)
        memcpy (nearest + size * n_nearest++, item->nearest_pixels, size);
    }
  {
    guint64 pshape[3] = { n, h, width }, lshape[1] = { n_latent }, nshape[3] = { n_nearest, h, width };

    lab_safetensors_writer_add_copy (w, "gallery.pixels", "U8", 3, pshape, pixels);
    if (n_latent > 0)
      lab_safetensors_writer_add_copy (w, "gallery.latents", "F32", 1, lshape, latents);
    if (n_nearest > 0)
      lab_safetensors_writer_add_copy (w, "gallery.nearest_pixels", "U8", 3, nshape, nearest);
  }
}

typedef struct
{
  gint64       label;
  const char  *model, *method;
  double       x, y, distance;
  guint64      step, latent_dim, index;
  gboolean     has_nearest, has_pixels;
} ItemInfo;

static gboolean
read_item (const LabSessionReader  *r,
           JsonNode                *node,
           guint                    i,
           guint                    n_classes,
           ItemInfo                *info,
           GError                 **error)
{
  g_autofree char *where = g_strdup_printf ("gallery.items[%u]", i);
  JsonObject *obj, *nearest;
  JsonNode *label;

  memset (info, 0, sizeof *info);
  if (!lab_session_object_at (r, node, where, &obj, error))
    return FALSE;
  label = json_object_get_member (obj, "label");
  if (label == NULL || !JSON_NODE_HOLDS_VALUE (label) || json_node_get_value_type (label) != G_TYPE_INT64
      || (info->label = json_node_get_int (label)) < -1 || info->label >= (gint64) n_classes)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the session's “%s.label” must be -1 or a class below %u", r->file, where, n_classes);
      return FALSE;
    }
  if (!lab_session_read_string (r, obj, where, "model", FALSE, &info->model, error)
      || !lab_session_read_string (r, obj, where, "method", FALSE, &info->method, error)
      || !lab_session_read_double (r, obj, where, "x", TRUE, &info->x, error)
      || !lab_session_read_double (r, obj, where, "y", TRUE, &info->y, error)
      || !lab_session_read_uint (r, obj, where, "step", G_MAXINT64, &info->step, error)
      || !lab_session_read_uint (r, obj, where, "latent_dim", G_MAXUINT32, &info->latent_dim, error)
      || !lab_session_read_object (r, obj, where, "nearest", TRUE, &nearest, error))
    return FALSE;
  if (nearest != NULL)
    {
      g_autofree char *nwhere = g_strconcat (where, ".nearest", NULL);

      info->has_nearest = TRUE;
      if (!lab_session_read_uint (r, nearest, nwhere, "index", G_MAXUINT32, &info->index, error)
          || !lab_session_read_double (r, nearest, nwhere, "distance", TRUE, &info->distance, error)
          || !lab_session_read_bool (r, nearest, nwhere, "pixels", &info->has_pixels, error))
        return FALSE;
    }
  return TRUE;
}

LabGallery *
lab_session_gallery_load (const LabSessionReader  *r,
                          JsonObject              *obj,
                          GError                 **error)
{
  g_autoptr(LabGallery) gallery = NULL;
  g_autofree ItemInfo *items = NULL;
  g_autofree guint8 *pixels = NULL, *nearest = NULL;
  g_autofree float *latents = NULL;
  g_auto(GStrv) names = NULL;
  JsonArray *array;
  guint64 h, w, n_latent = 0, n_nearest = 0;
  guint n, n_classes;
  gsize size;

  if (!lab_session_read_uint (r, obj, "gallery", "height", G_MAXUINT16, &h, error)
      || !lab_session_read_uint (r, obj, "gallery", "width", G_MAXUINT16, &w, error)
      || (names = lab_session_read_strv (r, obj, "gallery", "class_names", G_MAXUINT, &n_classes, error)) == NULL
      || !lab_session_read_array (r, obj, "gallery", "items", &array, error))
    return NULL;
  if (n_classes > 256)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the session's gallery has %u classes; labels are bytes (at most 256)",
                   r->file, n_classes);
      return NULL;
    }
  n = json_array_get_length (array);
  size = (gsize) h * w;
  /* The items' JSON is in the file; each ItemInfo stands for one. */
  items = g_new0 (ItemInfo, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      if (!read_item (r, json_array_get_element (array, i), i, n_classes, &items[i], error))
        return NULL;
      n_latent += items[i].latent_dim;
      n_nearest += items[i].has_pixels;
    }
  gallery = lab_gallery_new ((guint) h, (guint) w, (const char * const *) names, n_classes);
  if (n == 0)
    return g_steal_pointer (&gallery);
  if (h == 0 || w == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the session's gallery has images of %" G_GUINT64_FORMAT "×%" G_GUINT64_FORMAT,
                   r->file, h, w);
      return NULL;
    }

  {
    guint64 pshape[3] = { n, h, w }, lshape[1] = { n_latent }, nshape[3] = { n_nearest, h, w };

    pixels = lab_session_read_tensor (r, "gallery.pixels", "U8", 3, pshape, error);
    if (pixels == NULL)
      return NULL;
    if (n_latent > 0 && (latents = lab_session_read_tensor (r, "gallery.latents", "F32", 1, lshape, error)) == NULL)
      return NULL;
    if (n_nearest > 0
        && (nearest = lab_session_read_tensor (r, "gallery.nearest_pixels", "U8", 3, nshape, error)) == NULL)
      return NULL;
  }

  n_latent = n_nearest = 0;
  for (guint i = 0; i < n; i++)
    {
      const ItemInfo *info = &items[i];
      LabGallerySource source = { info->model, info->method, info->x, info->y, info->step };
      guint id;

      id = lab_gallery_add_pixels (gallery, pixels + i * size,
                                   info->latent_dim > 0 ? latents + n_latent : NULL,
                                   (guint) info->latent_dim, (int) info->label, &source);
      n_latent += info->latent_dim;
      if (info->has_nearest)
        lab_gallery_set_nearest (gallery, id, (guint) info->index, info->distance,
                                 info->has_pixels ? nearest + size * n_nearest++ : NULL);
    }
  return g_steal_pointer (&gallery);
}
