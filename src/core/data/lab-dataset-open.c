#define G_LOG_DOMAIN "latentlab-core"

/* The one entry point to data: a spec (a catalog id, an IDX file or folder,
 * a folder of PNGs) to the loader that reads it. Apart from lab-dataset.c,
 * which the loaders build on, so the type does not depend on its loaders. */

#include "lab-dataset-open.h"

#include <string.h>

#include "lab-catalog.h"
#include "lab-idx.h"
#include "lab-png-folder.h"
#include "lab-synthetic.h"

static gboolean
contains_fashion (const char *path)
{
  g_autofree char *folded = g_ascii_strdown (path, -1);

  return strstr (folded, "fashion") != NULL;
}

static const char *
split_word (LabSplit split)
{
  return split == LAB_SPLIT_TRAIN ? "train" : "test";
}

/* Loads an IDX images file and the labels beside it (if any). name_for
 * chooses the class names: Fashion-MNIST's when the path says "fashion"
 * and there are 10 classes, else "0".."max". */
static LabDataset *
open_idx (const char       *images_path,
          const char       *labels_path,
          const char       *name,
          GCancellable     *cancellable,
          LabProgressFunc   progress,
          gpointer          user_data,
          GError          **error)
{
  LabDataset *ds = lab_idx_load (images_path, labels_path, cancellable,
                                 progress, user_data, error);

  if (ds == NULL)
    return NULL;
  if (name != NULL)
    {
      g_free (ds->name);
      ds->name = g_strdup (name);
    }
  if (ds->n_classes == 10 && contains_fashion (images_path))
    lab_dataset_set_class_names (ds, lab_catalog_class_names ("fashion-mnist"), 10);
  return ds;
}

static LabDataset *
open_catalog (const char       *id,
              LabSplit          split,
              GCancellable     *cancellable,
              LabProgressFunc   progress,
              gpointer          user_data,
              GError          **error)
{
  g_autoptr(LabCatalogEntry) entry = NULL;
  g_autofree char *name = NULL;
  const char *images;
  const char *labels;
  LabDataset *ds;

  if (g_strcmp0 (id, "synthetic") == 0)
    {
      ds = lab_synthetic_digits_new (split == LAB_SPLIT_TRAIN ? 6000 : 1000,
                                     split == LAB_SPLIT_TRAIN ? 1 : 2, error);
      if (ds != NULL && progress != NULL)
        progress (1.0, NULL, user_data);
      return ds;
    }

  entry = lab_catalog_find (id, error);
  if (entry == NULL)
    return NULL;
  images = split == LAB_SPLIT_TRAIN ? entry->train_images : entry->test_images;
  labels = split == LAB_SPLIT_TRAIN ? entry->train_labels : entry->test_labels;
  if (images == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND,
                   "%s: no %s images in %s", entry->title, split_word (split),
                   entry->directory);
      return NULL;
    }

  name = g_strdup_printf ("%s (%s)", entry->title, split_word (split));
  ds = lab_idx_load (images, labels, cancellable, progress, user_data, error);
  if (ds == NULL)
    return NULL;
  g_free (ds->name);
  ds->name = g_steal_pointer (&name);
  /* The catalog's names, when the labels fit them. */
  if (ds->labels != NULL && ds->n_classes <= entry->n_classes)
    lab_dataset_set_class_names (ds, (const char * const *) entry->class_names,
                                 entry->n_classes);
  return ds;
}

LabDataset *
lab_dataset_open (const char       *spec,
                  LabSplit          split,
                  GCancellable     *cancellable,
                  LabProgressFunc   progress,
                  gpointer          user_data,
                  GError          **error)
{
  g_return_val_if_fail (spec != NULL, NULL);

  /* A file or folder of that name wins over a catalog id. */
  if (g_file_test (spec, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *images = NULL;
      g_autofree char *labels = NULL;
      g_autofree char *base = NULL;
      g_autofree char *name = NULL;

      if (!lab_idx_dir_has_set (spec))
        return lab_png_folder_load (spec, 0, 0, cancellable, progress, user_data, error);

      images = lab_idx_find_images (spec, split);
      if (images == NULL)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND,
                       "%s: folder has IDX files but no %s images (%s-images-idx3-ubyte)",
                       spec, split_word (split), split == LAB_SPLIT_TRAIN ? "train" : "t10k");
          return NULL;
        }
      labels = lab_idx_find_labels (images);
      base = g_path_get_basename (spec);
      name = g_strdup_printf ("%s (%s)", base, split_word (split));
      return open_idx (images, labels, name, cancellable, progress, user_data, error);
    }

  if (g_file_test (spec, G_FILE_TEST_EXISTS))
    {
      g_autofree char *labels = lab_idx_find_labels (spec);

      return open_idx (spec, labels, NULL, cancellable, progress, user_data, error);
    }

  if (lab_catalog_is_known_id (spec))
    return open_catalog (spec, split, cancellable, progress, user_data, error);

  g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND,
               "%s: no such file, folder or dataset (datasets: mnist, fashion-mnist, synthetic)",
               spec);
  return NULL;
}

gboolean
lab_dataset_spec_has_splits (const char *spec)
{
  if (g_file_test (spec, G_FILE_TEST_IS_DIR))
    return lab_idx_dir_has_set (spec);
  /* A single IDX file is one split; a catalog id has both. */
  return !g_file_test (spec, G_FILE_TEST_EXISTS);
}

LabDataset *
lab_dataset_join_splits (const LabDataset  *train,
                         const LabDataset  *test,
                         GError           **error)
{
  g_autofree char *title = g_strdup (train->name);
  g_autofree char *name = NULL;

  if (g_str_has_suffix (title, " (train)"))
    title[strlen (title) - strlen (" (train)")] = '\0';
  name = g_strdup_printf ("%s (train + test)", title);
  return lab_dataset_concat (train, test, name, error);
}
