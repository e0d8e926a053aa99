#define G_LOG_DOMAIN "latentlab-fuzz"

/* A model file, as users pass them around: the safetensors container (the
 * header length, the JSON header, dtypes, shapes, data offsets) through
 * lab_safetensors_open, then the whole model through lab_model_load (the
 * "spec" metadata, every tensor's shape against it, the "train" record). */

#include "lab-fuzz.h"

#include <string.h>

#include "lab-model-io.h"
#include "lab-safetensors.h"
#include "lab-train-record.h"

static void
check_container (const char *path,
                 gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSafetensors) st = lab_safetensors_open (path, &error);
  GList *keys;

  lab_fuzz_check_result (st != NULL, error, "lab_safetensors_open", TRUE);
  if (st == NULL)
    return;
  for (guint i = 0; i < lab_safetensors_n_tensors (st); i++)
    {
      const LabSafetensorsTensor *t = lab_safetensors_get_tensor (st, i);
      g_autofree char *shape = lab_safetensors_shape_to_string (t->ndim, t->shape);

      if (t->begin > t->end || t->end > size)
        g_error ("tensor %s: bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT " of a %zu-byte file",
                 t->name, t->begin, t->end, size);
      if (lab_safetensors_find (st, t->name) != t)
        g_error ("tensor %s is not found by its name", t->name);
      lab_fuzz_touch (lab_safetensors_tensor_data (st, t), t->end - t->begin);
      (void) shape;
    }
  keys = lab_safetensors_metadata_keys (st);
  for (GList *l = keys; l != NULL; l = l->next)
    if (lab_safetensors_get_metadata (st, l->data) == NULL)
      g_error ("metadata key %s has no value", (const char *) l->data);
  g_list_free (keys);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = lab_fuzz_write ("model.safetensors", data, size);
  g_autofree char *train_json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;

  check_container (path, size);

  model = lab_model_load (path, &train_json, &error);
  lab_fuzz_check_result (model != NULL, error, "lab_model_load", TRUE);
  if (model != NULL)
    {
      gsize n_bytes = (lab_model_n_params (model) + lab_model_n_buffers (model)) * sizeof (float);

      /* Every value came from the file: the file holds at least that many bytes. */
      if (n_bytes > size)
        g_error ("a %zu-byte file loaded %zu bytes of parameters", size, n_bytes);
      lab_fuzz_touch ((const guint8 *) lab_model_params (model),
                      lab_model_n_params (model) * sizeof (float));
      lab_fuzz_touch ((const guint8 *) lab_model_buffers (model),
                      lab_model_n_buffers (model) * sizeof (float));
      if (train_json != NULL)
        {
          g_autoptr(GError) record_error = NULL;
          LabTrainRecord *record = lab_train_record_new_from_json (train_json, &record_error);

          lab_fuzz_check_result (record != NULL, record_error, "lab_train_record_new_from_json", TRUE);
          if (record != NULL)
            {
              g_autofree char *again = lab_train_record_to_json (record);

              if (again == NULL || again[0] != '{')
                g_error ("the training record does not write back as JSON");
              lab_train_record_free (record);
            }
        }
    }
  lab_fuzz_clear ();
  return 0;
}
