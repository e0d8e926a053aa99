#define G_LOG_DOMAIN "latentlab-core"

#include "lab-model-io.h"

#include <string.h>

#include "lab-safetensors.h"

static gboolean
layer_has_running_stats (LabLayer *layer)
{
  for (guint t = 0; t < layer->n_tensors; t++)
    if (g_strcmp0 (layer->tensors[t].name, "running_mean") == 0)
      return TRUE;
  return FALSE;
}

static float *
tensor_ptr (LabModel            *model,
            guint                layer,
            const LabTensorInfo *info)
{
  return info->trainable
    ? lab_model_params (model) + lab_model_param_offset (model, layer) + info->offset
    : lab_model_buffers (model) + lab_model_buffer_offset (model, layer) + info->offset;
}

void
lab_model_add_tensors (LabModel             *model,
                       LabSafetensorsWriter *writer,
                       const char           *prefix)
{
  gint64 tracked = (gint64) lab_model_get_batches_tracked (model);

  for (guint i = 0; i < lab_model_n_layers (model); i++)
    {
      LabLayer *layer = lab_model_get_layer (model, i);

      for (guint t = 0; t < layer->n_tensors; t++)
        {
          const LabTensorInfo *info = &layer->tensors[t];
          g_autofree char *name = g_strdup_printf ("%s%u.%s", prefix, i, info->name);
          guint64 shape[4];

          for (guint d = 0; d < info->ndim; d++)
            shape[d] = info->dims[d];
          lab_safetensors_writer_add (writer, name, "F32", info->ndim, shape,
                                      tensor_ptr (model, i, info));
        }
      /* PyTorch's BatchNorm has this buffer too; strict loading wants it. */
      if (layer_has_running_stats (layer))
        {
          g_autofree char *name = g_strdup_printf ("%s%u.num_batches_tracked", prefix, i);
          lab_safetensors_writer_add_copy (writer, name, "I64", 0, NULL, &tracked);
        }
    }
}

static LabSafetensorsWriter *
model_writer (LabModel   *model,
              const char *train_json)
{
  LabSafetensorsWriter *w = lab_safetensors_writer_new ();
  g_autofree char *spec = lab_spec_to_string (lab_model_get_spec (model), FALSE);

  lab_safetensors_writer_set_metadata (w, "format", LAB_MODEL_FILE_FORMAT);
  lab_safetensors_writer_set_metadata (w, "spec", spec);
  if (train_json)
    lab_safetensors_writer_set_metadata (w, "train", train_json);
  lab_model_add_tensors (model, w, "");
  return w;
}

LabSave *
lab_model_save_begin (LabModel    *model,
                      const char  *path,
                      const char  *train_json,
                      GError     **error)
{
  g_autoptr(LabSafetensorsWriter) w = model_writer (model, train_json);
  LabSave *save = lab_save_begin (path, error);

  if (save != NULL && !lab_safetensors_writer_write (w, save, path, error))
    g_clear_pointer (&save, lab_save_abandon);
  return save;
}

gboolean
lab_model_save (LabModel    *model,
                const char  *path,
                const char  *train_json,
                GError     **error)
{
  LabSave *save = lab_model_save_begin (model, path, train_json, error);

  return save != NULL && lab_save_commit (save, error);
}

/* Checks that st holds exactly the tensors of layers (named prefix +
 * "<layer>.<name>"; other tensors not starting with prefix are not ours) (the architecture
 * "arch", set up on its input), each as float32 of the shape it needs, and
 * returns the largest num_batches_tracked in *tracked. Nothing is copied:
 * this runs before the model's weights are allocated, so a file whose
 * architecture claims more than the file holds is refused at the cost of
 * its header. Every float the model will hold is then in the file. */
static gboolean
check_tensors (GPtrArray       *layers,
               const char      *arch,
               LabSafetensors  *st,
               const char      *prefix,
               guint64         *tracked,
               GError         **error)
{
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  *tracked = 0;
  for (guint i = 0; i < layers->len; i++)
    {
      LabLayer *layer = g_ptr_array_index (layers, i);

      for (guint t = 0; t < layer->n_tensors; t++)
        {
          const LabTensorInfo *info = &layer->tensors[t];
          g_autofree char *name = g_strdup_printf ("%s%u.%s", prefix, i, info->name);
          const LabSafetensorsTensor *tensor = lab_safetensors_find (st, name);
          guint64 want[4];
          gboolean same;

          for (guint d = 0; d < info->ndim; d++)
            want[d] = info->dims[d];
          if (tensor == NULL)
            {
              g_autofree char *needs = lab_safetensors_shape_to_string (info->ndim, want);
              g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                           "%s: tensor %s is missing; the architecture “%s” needs it (shape %s)",
                           lab_safetensors_get_name (st), name, arch, needs);
              return FALSE;
            }
          if (strcmp (tensor->dtype, "F32") != 0)
            {
              g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                           "%s: tensor %s has dtype %s; LatentLab reads float32 (F32) weights",
                           lab_safetensors_get_name (st), name, tensor->dtype);
              return FALSE;
            }
          same = tensor->ndim == info->ndim;
          for (guint d = 0; same && d < info->ndim; d++)
            same = tensor->shape[d] == want[d];
          if (!same)
            {
              g_autofree char *has = lab_safetensors_shape_to_string (tensor->ndim, tensor->shape);
              g_autofree char *needs = lab_safetensors_shape_to_string (info->ndim, want);
              g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                           "%s: tensor %s has shape %s, the architecture needs %s",
                           lab_safetensors_get_name (st), name, has, needs);
              return FALSE;
            }
          g_hash_table_add (expected, g_steal_pointer (&name));
        }

      if (layer_has_running_stats (layer))
        {
          g_autofree char *name = g_strdup_printf ("%s%u.num_batches_tracked", prefix, i);
          const LabSafetensorsTensor *tensor = lab_safetensors_find (st, name);

          /* Optional: files from other tools may leave it out. */
          if (tensor != NULL)
            {
              gint64 v;
              if (strcmp (tensor->dtype, "I64") != 0 || tensor->end - tensor->begin != 8)
                {
                  g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                               "%s: tensor %s must be one I64 number", lab_safetensors_get_name (st), name);
                  return FALSE;
                }
              memcpy (&v, lab_safetensors_tensor_data (st, tensor), 8);
              v = GINT64_FROM_LE (v);
              *tracked = MAX (*tracked, (guint64) MAX (v, 0));
            }
          g_hash_table_add (expected, g_steal_pointer (&name));
        }
    }

  for (guint i = 0; i < lab_safetensors_n_tensors (st); i++)
    {
      const LabSafetensorsTensor *tensor = lab_safetensors_get_tensor (st, i);
      if (g_str_has_prefix (tensor->name, prefix)
          && !g_hash_table_contains (expected, tensor->name))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                       "%s: tensor %s is not part of the architecture “%s”",
                       lab_safetensors_get_name (st), tensor->name, arch);
          return FALSE;
        }
    }
  return TRUE;
}

/* The model's layers, borrowed, for check_tensors. */
static GPtrArray *
model_layers (LabModel *model)
{
  GPtrArray *layers = g_ptr_array_sized_new (lab_model_n_layers (model));

  for (guint i = 0; i < lab_model_n_layers (model); i++)
    g_ptr_array_add (layers, lab_model_get_layer (model, i));
  return layers;
}

/* Copies st's tensors, checked by check_tensors, into model. */
static void
copy_tensors (LabModel       *model,
              LabSafetensors *st,
              const char     *prefix,
              guint64         tracked)
{
  for (guint i = 0; i < lab_model_n_layers (model); i++)
    {
      LabLayer *layer = lab_model_get_layer (model, i);

      for (guint t = 0; t < layer->n_tensors; t++)
        {
          const LabTensorInfo *info = &layer->tensors[t];
          g_autofree char *name = g_strdup_printf ("%s%u.%s", prefix, i, info->name);
          const LabSafetensorsTensor *tensor = lab_safetensors_find (st, name);
          float *dst = tensor_ptr (model, i, info);
          gsize n = (gsize) ((tensor->end - tensor->begin) / 4);

          memcpy (dst, lab_safetensors_tensor_data (st, tensor), n * 4);
#if G_BYTE_ORDER == G_BIG_ENDIAN
          for (gsize k = 0; k < n; k++)
            {
              guint32 v;
              memcpy (&v, dst + k, 4);
              v = GUINT32_FROM_LE (v);
              memcpy (dst + k, &v, 4);
            }
#endif
        }
    }
  lab_model_set_batches_tracked (model, tracked);
}

LabModel *
lab_model_load_from (LabSafetensors  *st,
                     const char      *prefix,
                     const char      *spec_json,
                     GError         **error)
{
  g_autoptr(LabSpec) spec = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) layers = NULL;
  guint64 tracked;

  spec = lab_spec_new_from_string (spec_json, -1, lab_safetensors_get_name (st), error);
  if (spec == NULL)
    return NULL;
  /* The file's tensors against the architecture's shapes before the model
   * is built: what the model allocates is then bounded by what the file
   * holds, not by what its metadata claims. */
  layers = lab_spec_new_layers (spec, NULL, &local_error);
  if (layers == NULL)
    {
      g_set_error (error, LAB_ERROR, local_error->code, "%s: %s", lab_safetensors_get_name (st), local_error->message);
      return NULL;
    }
  if (!check_tensors (layers, spec->name, st, prefix, &tracked, error))
    return NULL;
  model = lab_model_new (spec, &local_error);
  if (model == NULL)
    {
      g_set_error (error, LAB_ERROR, local_error->code, "%s: %s", lab_safetensors_get_name (st), local_error->message);
      return NULL;
    }
  copy_tensors (model, st, prefix, tracked);
  return g_steal_pointer (&model);
}

LabModel *
lab_model_load (const char  *path,
                char       **train_json,
                GError     **error)
{
  g_autoptr(LabSafetensors) st = lab_safetensors_open (path, error);
  g_autoptr(LabModel) model = NULL;
  const char *format, *spec_json;

  if (st == NULL)
    return NULL;
  format = lab_safetensors_get_metadata (st, "format");
  if (format != NULL && !g_str_has_prefix (format, "latentlab-"))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: metadata says format “%s”, not a LatentLab model", lab_safetensors_get_name (st), format);
      return NULL;
    }
  if (format != NULL && g_str_has_prefix (format, "latentlab-session"))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: is a LatentLab session, not a model; open it as a session",
                   lab_safetensors_get_name (st));
      return NULL;
    }
  if (format != NULL && strcmp (format, LAB_MODEL_FILE_FORMAT) != 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: written in format “%s” by a newer LatentLab; this one reads “%s”",
                   lab_safetensors_get_name (st), format, LAB_MODEL_FILE_FORMAT);
      return NULL;
    }
  spec_json = lab_safetensors_get_metadata (st, "spec");
  if (spec_json == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: has no architecture (“spec” metadata), so it was not saved by "
                   "LatentLab; load it into a chosen architecture instead",
                   lab_safetensors_get_name (st));
      return NULL;
    }
  model = lab_model_load_from (st, "", spec_json, error);
  if (model != NULL && train_json)
    *train_json = g_strdup (lab_safetensors_get_metadata (st, "train"));
  return g_steal_pointer (&model);
}

gboolean
lab_model_load_weights (LabModel    *model,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(LabSafetensors) st = lab_safetensors_open (path, error);
  g_autoptr(GPtrArray) layers = NULL;
  guint64 tracked;

  if (st == NULL)
    return FALSE;
  /* Every tensor is checked before any is copied, so a file that does not
   * fit leaves the model as it was. */
  layers = model_layers (model);
  if (!check_tensors (layers, lab_model_get_name (model), st, "", &tracked, error))
    return FALSE;
  copy_tensors (model, st, "", tracked);
  return TRUE;
}
