#define G_LOG_DOMAIN "latentlab-core"

/* The latent map of a session: a LabEmbedding as computed, so the map
 * reopens without encoding or t-SNE. JSON member "map":
 *   {"method", "n", "dim", "latent_shape": [c, h, w], "height", "width",
 *    "map_dim", "n_classes", "class_names", "labelled", "kl", "stopped",
 *    "model", "dataset", "config": {"seed", "perplexity", "tsne_iter", "k",
 *    "umap_neighbors", "umap_min_dist", "umap_epochs"},
 *    "pca": null or {"dim", "n_components", "explained_variance": [...],
 *    "explained_variance_ratio": [...], "total_variance"}}
 * tensors map.indices I64 (n), map.labels U8 (n, when labelled),
 * map.latents F32 (n, dim), map.points F32 (n, 2), and for PCA
 * map.pca.mean F32 (pca dim), map.pca.components F32 (n_components, pca dim),
 * and when "images" is true, map.images U8 (n, image_height, image_width):
 * the images of the rows, so the map needs no dataset to show them. */

#include <math.h>
#include <string.h>

#include "lab-session-file-private.h"

void
lab_session_map_save (const LabEmbedding   *map,
                      LabDataset           *images,
                      JsonBuilder          *b,
                      LabSafetensorsWriter *w)
{
  guint64 latents[2] = { map->n, map->dim }, points[2] = { map->n, 2 }, n[1] = { map->n };

  json_builder_set_member_name (b, "map");
  json_builder_begin_object (b);
  lab_json_add_string (b, "method", lab_embed_method_name (map->method));
  lab_json_add_uint (b, "n", map->n);
  lab_json_add_uint (b, "dim", map->dim);
  json_builder_set_member_name (b, "latent_shape");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, map->latent_shape.c);
  json_builder_add_int_value (b, map->latent_shape.h);
  json_builder_add_int_value (b, map->latent_shape.w);
  json_builder_end_array (b);
  lab_json_add_uint (b, "height", map->height);
  lab_json_add_uint (b, "width", map->width);
  lab_json_add_uint (b, "map_dim", map->map_dim);
  lab_json_add_uint (b, "n_classes", map->n_classes);
  lab_json_add_strv (b, "class_names", map->class_names,
                     map->class_names != NULL ? map->n_classes : 0);
  lab_json_add_bool (b, "labelled", map->labels != NULL);
  lab_json_add_number (b, "kl", map->kl);
  lab_json_add_bool (b, "stopped", map->stopped);
  lab_json_add_string (b, "model", map->model_name != NULL ? map->model_name : "");
  lab_json_add_string (b, "dataset", map->dataset_name != NULL ? map->dataset_name : "");

  json_builder_set_member_name (b, "config");
  json_builder_begin_object (b);
  lab_json_add_uint (b, "seed", map->config.seed);
  lab_json_add_number (b, "perplexity", map->config.perplexity);
  lab_json_add_uint (b, "tsne_iter", map->config.tsne_iter);
  lab_json_add_uint (b, "k", map->config.k);
  lab_json_add_uint (b, "umap_neighbors", map->config.umap_neighbors);
  lab_json_add_number (b, "umap_min_dist", map->config.umap_min_dist);
  lab_json_add_uint (b, "umap_epochs", map->config.umap_epochs);
  json_builder_end_object (b);

  images = images != NULL && images->n == map->n ? images : NULL;
  lab_json_add_bool (b, "images", images != NULL);
  if (images != NULL)
    {
      guint64 ishape[3] = { images->n, images->height, images->width };

      lab_json_add_uint (b, "image_height", images->height);
      lab_json_add_uint (b, "image_width", images->width);
      lab_safetensors_writer_add (w, "map.images", "U8", 3, ishape, images->pixels);
    }

  json_builder_set_member_name (b, "pca");
  if (map->pca != NULL)
    {
      guint64 mean[1] = { map->pca->dim };
      guint64 comp[2] = { map->pca->n_components, map->pca->dim };

      json_builder_begin_object (b);
      lab_json_add_uint (b, "dim", map->pca->dim);
      lab_json_add_uint (b, "n_components", map->pca->n_components);
      lab_json_add_numbers (b, "explained_variance", map->pca->explained_variance,
                            map->pca->n_components);
      lab_json_add_numbers (b, "explained_variance_ratio", map->pca->explained_variance_ratio,
                            map->pca->n_components);
      lab_json_add_number (b, "total_variance", map->pca->total_variance);
      json_builder_end_object (b);
      lab_safetensors_writer_add (w, "map.pca.mean", "F32", 1, mean, map->pca->mean);
      lab_safetensors_writer_add (w, "map.pca.components", "F32", 2, comp, map->pca->components);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  lab_session_add_indices (w, "map.indices", map->indices, map->n);
  if (map->labels != NULL)
    lab_safetensors_writer_add (w, "map.labels", "U8", 1, n, map->labels);
  lab_safetensors_writer_add (w, "map.latents", "F32", 2, latents, map->latents);
  lab_safetensors_writer_add (w, "map.points", "F32", 2, points, map->points);
}

static gboolean
all_finite (const LabSessionReader  *r,
            const char              *name,
            const float             *v,
            gsize                    n,
            GError                 **error)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (v[i]))
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                     "%s: tensor %s holds a value that is not a finite number (at %" G_GSIZE_FORMAT ")",
                     r->file, name, i);
        return FALSE;
      }
  return TRUE;
}

static LabPca *
read_pca (const LabSessionReader  *r,
          JsonObject              *obj,
          GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  LabPca *pca = g_new0 (LabPca, 1);
  guint64 dim, k, shape[2];
  gboolean ok;

  ok = lab_session_read_uint (r, obj, "map.pca", "dim", G_MAXUINT32, &dim, error)
       && lab_session_read_uint (r, obj, "map.pca", "n_components", 2, &k, error);
  if (ok)
    {
      pca->dim = (guint) dim;
      pca->n_components = (guint) k;
      pca->solver = LAB_PCA_SOLVER_AUTO;
      shape[0] = k;
      shape[1] = dim;
      pca->explained_variance = g_new0 (double, MAX (k, 1));
      pca->explained_variance_ratio = g_new0 (double, MAX (k, 1));
      ok = lab_session_read_doubles (r, obj, "map.pca", "explained_variance", pca->n_components,
                                     pca->explained_variance, error)
           && lab_session_read_doubles (r, obj, "map.pca", "explained_variance_ratio", pca->n_components,
                                        pca->explained_variance_ratio, error)
           && lab_session_read_double (r, obj, "map.pca", "total_variance", TRUE, &pca->total_variance, error)
           && (pca->mean = lab_session_read_tensor (r, "map.pca.mean", "F32", 1, &shape[1], error)) != NULL
           && (pca->components = lab_session_read_tensor (r, "map.pca.components", "F32", 2, shape, error)) != NULL;
    }
  if (!ok)
    {
      lab_pca_free (pca);
      return NULL;
    }
  return pca;
}

/* The map's images as a dataset with the rows' labels. */
static LabDataset *
read_images (const LabSessionReader  *r,
             JsonObject              *obj,
             const LabEmbedding      *map,
             GError                 **error)
{
  g_autoptr(LabDataset) ds = NULL;
  guint64 h, w, shape[3];
  guint8 *pixels, *labels = NULL;

  if (!lab_session_read_uint (r, obj, "map", "image_height", G_MAXUINT16, &h, error)
      || !lab_session_read_uint (r, obj, "map", "image_width", G_MAXUINT16, &w, error))
    return NULL;
  shape[0] = map->n;
  shape[1] = h;
  shape[2] = w;
  pixels = lab_session_read_tensor (r, "map.images", "U8", 3, shape, error);
  if (pixels == NULL)
    return NULL;
  if (map->labels != NULL)
    labels = g_memdup2 (map->labels, map->n);
  ds = lab_dataset_new_take (map->dataset_name != NULL && *map->dataset_name ? map->dataset_name : "map",
                             map->n, (guint) h, (guint) w, pixels, labels, error);
  if (ds == NULL)
    return NULL;
  if (labels != NULL)
    lab_dataset_set_class_names (ds, (const char * const *) map->class_names, map->n_classes);
  return g_steal_pointer (&ds);
}

LabEmbedding *
lab_session_map_load (const LabSessionReader  *r,
                      JsonObject              *obj,
                      LabDataset             **images,
                      GError                 **error)
{
  gboolean has_images = FALSE;

  g_autoptr(LabEmbedding) map = g_new0 (LabEmbedding, 1);
  const char *method, *model, *dataset;
  JsonObject *config, *pca;
  JsonArray *shape_array;
  guint64 n, dim, height, width, map_dim, n_classes, v;
  guint64 latents[2], points[2], ns[1];
  gboolean labelled;
  guint64 cshape[3];

  if (!lab_session_read_string (r, obj, "map", "method", FALSE, &method, error))
    return NULL;
  if (!lab_embed_method_parse (method, &map->method, NULL))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the session's map has an unknown method “%s”", r->file, method);
      return NULL;
    }
  if (!lab_session_read_uint (r, obj, "map", "n", LAB_EMBED_MAX_N, &n, error)
      || !lab_session_read_uint (r, obj, "map", "dim", G_MAXUINT32, &dim, error)
      || !lab_session_read_uint (r, obj, "map", "height", G_MAXUINT16, &height, error)
      || !lab_session_read_uint (r, obj, "map", "width", G_MAXUINT16, &width, error)
      || !lab_session_read_uint (r, obj, "map", "map_dim", G_MAXUINT32, &map_dim, error)
      || !lab_session_read_uint (r, obj, "map", "n_classes", 256, &n_classes, error)
      || !lab_session_read_bool (r, obj, "map", "labelled", &labelled, error)
      || !lab_session_read_double (r, obj, "map", "kl", TRUE, &map->kl, error)
      || !lab_session_read_bool (r, obj, "map", "stopped", &map->stopped, error)
      || !lab_session_read_string (r, obj, "map", "model", FALSE, &model, error)
      || !lab_session_read_string (r, obj, "map", "dataset", FALSE, &dataset, error)
      || !lab_session_read_array (r, obj, "map", "latent_shape", &shape_array, error)
      || !lab_session_read_object (r, obj, "map", "config", FALSE, &config, error)
      || !lab_session_read_object (r, obj, "map", "pca", TRUE, &pca, error))
    return NULL;
  if (n == 0 || dim == 0 || (labelled && n_classes == 0))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the session's map is empty (n %" G_GUINT64_FORMAT ", dim %" G_GUINT64_FORMAT
                   ", %" G_GUINT64_FORMAT " classes)", r->file, n, dim, n_classes);
      return NULL;
    }
  if (json_array_get_length (shape_array) != 3)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the session's “map.latent_shape” must be [c, h, w]", r->file);
      return NULL;
    }
  for (guint i = 0; i < 3; i++)
    {
      JsonNode *node = json_array_get_element (shape_array, i);
      gint64 s = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
                 ? json_node_get_int (node) : -1;

      if (s < 1 || s > G_MAXUINT32)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                       "%s: the session's “map.latent_shape” must be [c, h, w] of sizes ≥ 1", r->file);
          return NULL;
        }
      cshape[i] = (guint64) s;
    }
  if (cshape[0] * cshape[1] * cshape[2] != dim)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "%s: the session's map latent shape [%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
                   ",%" G_GUINT64_FORMAT "] does not hold its %" G_GUINT64_FORMAT " values",
                   r->file, cshape[0], cshape[1], cshape[2], dim);
      return NULL;
    }

  lab_embed_config_init (&map->config);
  map->config.method = map->method;
  map->config.n = (guint) n;
  if (!lab_session_read_uint (r, config, "map.config", "seed", G_MAXINT64, &map->config.seed, error)
      || !lab_session_read_double (r, config, "map.config", "perplexity", TRUE, &map->config.perplexity, error)
      || !lab_session_read_uint (r, config, "map.config", "tsne_iter", G_MAXUINT32, &v, error))
    return NULL;
  map->config.tsne_iter = (guint) v;
  if (!lab_session_read_uint (r, config, "map.config", "k", LAB_EMBED_MAX_K, &v, error))
    return NULL;
  map->config.k = MAX ((guint) v, 1);
  if (!lab_session_read_uint (r, config, "map.config", "umap_neighbors", G_MAXUINT32, &v, error))
    return NULL;
  map->config.umap_neighbors = (guint) v;
  if (!lab_session_read_double (r, config, "map.config", "umap_min_dist", TRUE, &map->config.umap_min_dist, error)
      || !lab_session_read_uint (r, config, "map.config", "umap_epochs", G_MAXUINT32, &v, error))
    return NULL;
  map->config.umap_epochs = (guint) v;

  map->n = (guint) n;
  map->dim = (guint) dim;
  map->latent_shape.c = (guint) cshape[0];
  map->latent_shape.h = (guint) cshape[1];
  map->latent_shape.w = (guint) cshape[2];
  map->height = (guint) height;
  map->width = (guint) width;
  map->map_dim = (guint) map_dim;
  map->n_classes = (guint) n_classes;
  map->model_name = g_strdup (model);
  map->dataset_name = g_strdup (dataset);
  if (n_classes > 0)
    {
      guint n_names;
      map->class_names = lab_session_read_strv (r, obj, "map", "class_names", G_MAXUINT, &n_names, error);
      if (map->class_names == NULL)
        return NULL;
      if (n_names == 0)
        g_clear_pointer (&map->class_names, g_strfreev);
      else if (n_names != n_classes)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                       "%s: the session's map has %u class names for %" G_GUINT64_FORMAT " classes",
                       r->file, n_names, n_classes);
          return NULL;
        }
    }

  latents[0] = n;
  latents[1] = dim;
  points[0] = n;
  points[1] = 2;
  ns[0] = n;
  map->indices = lab_session_read_indices (r, "map.indices", map->n, G_MAXUINT32, error);
  if (map->indices == NULL)
    return NULL;
  for (guint i = 1; i < map->n; i++)
    if (map->indices[i] <= map->indices[i - 1])
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                     "%s: tensor map.indices must rise (row %u has %u after %u)",
                     r->file, i, map->indices[i], map->indices[i - 1]);
        return NULL;
      }
  if (labelled)
    {
      map->labels = lab_session_read_tensor (r, "map.labels", "U8", 1, ns, error);
      if (map->labels == NULL)
        return NULL;
      for (guint i = 0; i < map->n; i++)
        if (map->labels[i] >= map->n_classes)
          {
            g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                         "%s: tensor map.labels has label %u at row %u, beyond the %u classes",
                         r->file, map->labels[i], i, map->n_classes);
            return NULL;
          }
    }
  map->latents = lab_session_read_tensor (r, "map.latents", "F32", 2, latents, error);
  if (map->latents == NULL || !all_finite (r, "map.latents", map->latents, (gsize) n * dim, error))
    return NULL;
  map->points = lab_session_read_tensor (r, "map.points", "F32", 2, points, error);
  if (map->points == NULL || !all_finite (r, "map.points", map->points, (gsize) n * 2, error))
    return NULL;

  if (pca != NULL)
    {
      map->pca = read_pca (r, pca, error);
      if (map->pca == NULL)
        return NULL;
    }
  if (map->method == LAB_EMBED_PCA && (map->pca == NULL || map->pca->dim != map->dim
                                       || map->pca->n_components != 2))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the session's PCA map needs its two axes over the %u latent values (“map.pca”)",
                   r->file, map->dim);
      return NULL;
    }
  if (map->method == LAB_EMBED_LATENT && map->dim != 2)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the session's raw latent map needs 2 latent values, not %u", r->file, map->dim);
      return NULL;
    }
  if (json_object_has_member (obj, "images")
      && !lab_session_read_bool (r, obj, "map", "images", &has_images, error))
    return NULL;
  if (has_images && (*images = read_images (r, obj, map, error)) == NULL)
    return NULL;
  return g_steal_pointer (&map);
}
