#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli-model.h"

#include <stdio.h>

#include "lab-dataset-open.h"
#include "lab-model-io.h"
#include "lab-presets.h"
#include "lab-train-record.h"

LabSpec *
lab_cli_load_spec (const char  *arch,
                   const char  *arch_file,
                   GError     **error)
{
  if (arch != NULL && arch_file != NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "give either --arch or --arch-file, not both");
      return NULL;
    }
  if (arch_file != NULL)
    return lab_spec_load (arch_file, error);
  if (arch != NULL)
    return lab_presets_get (arch, error);
  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
               "say which architecture with --arch NAME (see 'latentlab-cli summary') "
               "or --arch-file spec.json");
  return NULL;
}

void
lab_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
}

void
lab_cli_json_add_images (JsonBuilder        *b,
                         guint               height,
                         guint               width,
                         guint               n_classes,
                         const char * const *class_names)
{
  lab_json_add_int (b, "height", height);
  lab_json_add_int (b, "width", width);
  lab_json_add_int (b, "classes", n_classes);
  json_builder_set_member_name (b, "class_names");
  json_builder_begin_array (b);
  for (guint k = 0; k < n_classes; k++)
    json_builder_add_string_value (b, class_names[k]);
  json_builder_end_array (b);
}

gboolean
lab_cli_parse_split (const char  *text,
                     LabSplit    *split,
                     GError     **error)
{
  *split = LAB_SPLIT_TEST;
  if (text == NULL || g_strcmp0 (text, "test") == 0)
    return TRUE;
  if (g_strcmp0 (text, "train") != 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "--split takes “test” or “train”, not “%s”", text);
      return FALSE;
    }
  *split = LAB_SPLIT_TRAIN;
  return TRUE;
}

LabDataset *
lab_cli_open_dataset (const char  *dataset,
                      LabSplit     split,
                      GError     **error)
{
  return lab_dataset_open (dataset ? dataset : "mnist", split, NULL, NULL, NULL, error);
}

LabDataset *
lab_cli_open_images (const char  *dataset,
                     const char  *split,
                     GError     **error)
{
  g_autoptr(LabDataset) train = NULL;
  g_autoptr(LabDataset) test = NULL;
  LabSplit which;

  if (split != NULL && g_strcmp0 (split, "all") != 0 && g_strcmp0 (split, "test") != 0
      && g_strcmp0 (split, "train") != 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "--split takes “test”, “train” or “all”, not “%s”", split);
      return NULL;
    }
  if (g_strcmp0 (split, "all") != 0)
    {
      which = g_strcmp0 (split, "train") == 0 ? LAB_SPLIT_TRAIN : LAB_SPLIT_TEST;
      return lab_cli_open_dataset (dataset, which, error);
    }
  train = lab_cli_open_dataset (dataset, LAB_SPLIT_TRAIN, error);
  if (train == NULL)
    return NULL;
  test = lab_cli_open_dataset (dataset, LAB_SPLIT_TEST, error);
  if (test == NULL)
    return NULL;
  return lab_dataset_join_splits (train, test, error);
}

gboolean
lab_cli_open_model_data (const char  *model_path,
                         const char  *dataset,
                         const char  *split,
                         gboolean     all_splits,
                         LabModel   **model,
                         char       **train_json,
                         LabDataset **ds,
                         GError     **error)
{
  g_autoptr(LabModel) m = NULL;
  g_autofree char *train = NULL;
  LabSplit which;

  if (model_path == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "say which model with --model FILE");
      return FALSE;
    }
  if (!all_splits && !lab_cli_parse_split (split, &which, error))
    return FALSE;
  m = lab_model_load (model_path, train_json != NULL ? &train : NULL, error);
  if (m == NULL)
    return FALSE;
  *ds = all_splits ? lab_cli_open_images (dataset, split, error)
                   : lab_cli_open_dataset (dataset, which, error);
  if (*ds == NULL)
    return FALSE;
  *model = g_steal_pointer (&m);
  if (train_json != NULL)
    *train_json = g_steal_pointer (&train);
  return TRUE;
}

gboolean
lab_cli_check_image (const LabDataset *ds,
                     gint64            index,
                     GError          **error)
{
  if (index >= 0 && index < ds->n)
    return TRUE;
  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
               "“%s” has images 0 to %u; there is no image %" G_GINT64_FORMAT,
               ds->name, ds->n - 1, index);
  return FALSE;
}

void
lab_cli_json_add_model_data (JsonBuilder *b,
                             const char  *model_name,
                             const char  *dataset_name)
{
  lab_json_add_string (b, "model", model_name);
  lab_json_add_string (b, "dataset", dataset_name);
}

gboolean
lab_cli_trained_noise (const char *train_json,
                       LabNoise   *noise)
{
  g_autoptr(LabTrainRecord) record = train_json ? lab_train_record_new_from_json (train_json, NULL)
                                                : NULL;

  noise->type = LAB_NOISE_NONE;
  noise->amount = 0;
  if (record != NULL)
    *noise = record->config.noise;
  return noise->type != LAB_NOISE_NONE;
}
