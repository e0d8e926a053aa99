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

gboolean
lab_model_save (LabModel    *model,
                const char  *path,
                const char  *train_json,
                GError     **error)
{
  g_autoptr(LabSafetensorsWriter) w = lab_safetensors_writer_new ();
  g_autofree char *spec = lab_spec_to_string (lab_model_get_spec (model), FALSE);
  gint64 tracked = (gint64) lab_model_get_batches_tracked (model);

  lab_safetensors_writer_set_metadata (w, "format", LAB_MODEL_FILE_FORMAT);
  lab_safetensors_writer_set_metadata (w, "spec", spec);
  if (train_json)
    lab_safetensors_writer_set_metadata (w, "train", train_json);

  for (guint i = 0; i < lab_model_n_layers (model); i++)
    {
      LabLayer *layer = lab_model_get_layer (model, i);

      for (guint t = 0; t < layer->n_tensors; t++)
        {
          const LabTensorInfo *info = &layer->tensors[t];
          g_autofree char *name = g_strdup_printf ("%u.%s", i, info->name);
          guint64 shape[4];

          for (guint d = 0; d < info->ndim; d++)
            shape[d] = info->dims[d];
          lab_safetensors_writer_add (w, name, "F32", info->ndim, shape,
                                      tensor_ptr (model, i, info));
        }
      /* PyTorch's BatchNorm has this buffer too; strict loading wants it. */
      if (layer_has_running_stats (layer))
        {
          g_autofree char *name = g_strdup_printf ("%u.num_batches_tracked", i);
          lab_safetensors_writer_add (w, name, "I64", 0, NULL, &tracked);
        }
    }
  return lab_safetensors_writer_save (w, path, error);
}

static gboolean
load_tensors (LabModel        *model,
              LabSafetensors  *st,
              GError         **error)
{
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *arch = lab_model_get_name (model);
  guint64 tracked = 0;

  for (guint i = 0; i < lab_model_n_layers (model); i++)
    {
      LabLayer *layer = lab_model_get_layer (model, i);

      for (guint t = 0; t < layer->n_tensors; t++)
        {
          const LabTensorInfo *info = &layer->tensors[t];
          g_autofree char *name = g_strdup_printf ("%u.%s", i, info->name);
          const LabSafetensorsTensor *tensor = lab_safetensors_find (st, name);
          guint64 want[4];
          gboolean same;
          float *dst;
          gsize n;

          for (guint d = 0; d < info->ndim; d++)
            want[d] = info->dims[d];
          if (tensor == NULL)
            {
              g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                           "%s: tensor %s is missing; the architecture “%s” needs it",
                           lab_safetensors_get_name (st), name, arch);
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
          dst = tensor_ptr (model, i, info);
          n = (gsize) ((tensor->end - tensor->begin) / 4);
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
          g_hash_table_add (expected, g_steal_pointer (&name));
        }

      if (layer_has_running_stats (layer))
        {
          g_autofree char *name = g_strdup_printf ("%u.num_batches_tracked", i);
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
              tracked = MAX (tracked, (guint64) MAX (v, 0));
            }
          g_hash_table_add (expected, g_steal_pointer (&name));
        }
    }

  for (guint i = 0; i < lab_safetensors_n_tensors (st); i++)
    {
      const LabSafetensorsTensor *tensor = lab_safetensors_get_tensor (st, i);
      if (!g_hash_table_contains (expected, tensor->name))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                       "%s: tensor %s is not part of the architecture “%s”",
                       lab_safetensors_get_name (st), tensor->name, arch);
          return FALSE;
        }
    }
  lab_model_set_batches_tracked (model, tracked);
  return TRUE;
}

LabModel *
lab_model_load (const char  *path,
                char       **train_json,
                GError     **error)
{
  g_autoptr(LabSafetensors) st = lab_safetensors_open (path, error);
  g_autoptr(LabSpec) spec = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(GError) local_error = NULL;
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
  spec = lab_spec_new_from_string (spec_json, -1, lab_safetensors_get_name (st), error);
  if (spec == NULL)
    return NULL;
  model = lab_model_new (spec, &local_error);
  if (model == NULL)
    {
      g_set_error (error, LAB_ERROR, local_error->code, "%s: %s", lab_safetensors_get_name (st), local_error->message);
      return NULL;
    }
  if (!load_tensors (model, st, error))
    return NULL;
  if (train_json)
    *train_json = g_strdup (lab_safetensors_get_metadata (st, "train"));
  return g_steal_pointer (&model);
}

gboolean
lab_model_load_weights (LabModel    *model,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(LabSafetensors) st = lab_safetensors_open (path, error);
  g_autoptr(LabModel) staging = NULL;

  if (st == NULL)
    return FALSE;
  /* Load into a copy first, so a file that fails halfway leaves the model as it was. */
  staging = lab_model_copy (model, 0);
  if (!load_tensors (staging, st, error))
    return FALSE;
  return lab_model_copy_params_from (model, staging);
}
