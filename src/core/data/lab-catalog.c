#define G_LOG_DOMAIN "latentlab-core"

#include "lab-catalog.h"

#include <string.h>

#include "lab-idx.h"

#ifndef LAB_DATADIR
# define LAB_DATADIR "/usr/share"
#endif

static const char * const digit_names[] = {
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL,
};

static const char * const fashion_names[] = {
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot", NULL,
};

typedef struct
{
  const char         *id;
  const char         *title;
  const char * const *class_names;
} KnownDataset;

static const KnownDataset known[] = {
  { "mnist",         "MNIST",            digit_names },
  { "fashion-mnist", "Fashion-MNIST",    fashion_names },
  { "synthetic",     "Synthetic digits", digit_names },
};

/* lab_synthetic_digits_new sizes lab_dataset_open asks for. */
#define SYNTHETIC_TRAIN 6000
#define SYNTHETIC_TEST 1000

static const KnownDataset *
lookup (const char *id)
{
  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_strcmp0 (known[i].id, id) == 0)
      return &known[i];
  return NULL;
}

gboolean
lab_catalog_is_known_id (const char *id)
{
  return lookup (id) != NULL;
}

const char * const *
lab_catalog_class_names (const char *id)
{
  const KnownDataset *k = lookup (id);

  return k != NULL ? k->class_names : NULL;
}

void
lab_catalog_entry_free (LabCatalogEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->id);
  g_free (entry->title);
  g_free (entry->directory);
  g_free (entry->train_images);
  g_free (entry->train_labels);
  g_free (entry->test_images);
  g_free (entry->test_labels);
  g_strfreev (entry->class_names);
  g_free (entry);
}

static void
add_unique (GPtrArray *dirs,
            char      *dir)
{
  for (guint i = 0; i < dirs->len; i++)
    if (strcmp (g_ptr_array_index (dirs, i), dir) == 0)
      {
        g_free (dir);
        return;
      }
  g_ptr_array_add (dirs, dir);
}

char **
lab_catalog_search_dirs (const char *id)
{
  GPtrArray *dirs = g_ptr_array_new ();
  const char *override = g_getenv ("LATENTLAB_DATA_DIR");
  const char *xdg = g_getenv ("XDG_DATA_HOME");
  g_autofree char *user_data = NULL;

  if (lookup (id) == NULL || g_strcmp0 (id, "synthetic") == 0)
    {
      g_ptr_array_add (dirs, NULL);
      return (char **) g_ptr_array_free (dirs, FALSE);
    }

  /* Tests point this at an empty folder so they never see installed data. */
  if (override != NULL && override[0] != '\0')
    {
      g_ptr_array_add (dirs, g_build_filename (override, id, NULL));
      g_ptr_array_add (dirs, NULL);
      return (char **) g_ptr_array_free (dirs, FALSE);
    }

  /* Read the variable each time (g_get_user_data_dir caches it). */
  if (xdg != NULL && g_path_is_absolute (xdg))
    user_data = g_strdup (xdg);
  else
    user_data = g_build_filename (g_get_home_dir (), ".local", "share", NULL);
  add_unique (dirs, g_build_filename (user_data, "latentlab", "datasets", id, NULL));
  add_unique (dirs, g_build_filename ("/usr/share/datasets", id, NULL));
  add_unique (dirs, g_build_filename (LAB_DATADIR, "latentlab", "datasets", id, NULL));
  g_ptr_array_add (dirs, NULL);
  return (char **) g_ptr_array_free (dirs, FALSE);
}

/* An entry for the IDX set in dir, or NULL when dir has no readable
 * training images. Headers only. */
static LabCatalogEntry *
entry_from_dir (const KnownDataset *k,
                const char         *dir)
{
  g_autoptr(LabCatalogEntry) entry = NULL;
  LabIdxHeader images = { 0 };
  LabIdxHeader labels = { 0 };
  g_autofree char *train_images = lab_idx_find_images (dir, LAB_SPLIT_TRAIN);

  if (train_images == NULL || !lab_idx_read_header (train_images, 3, &images, NULL, NULL))
    return NULL;

  entry = g_new0 (LabCatalogEntry, 1);
  entry->id = g_strdup (k->id);
  entry->title = g_strdup (k->title);
  entry->directory = g_strdup (dir);
  entry->n_train = images.dims[0];
  entry->height = images.dims[1];
  entry->width = images.dims[2];
  entry->train_labels = lab_idx_find_labels (train_images);
  entry->train_images = g_steal_pointer (&train_images);
  if (entry->train_labels != NULL
      && !lab_idx_read_header (entry->train_labels, 1, &labels, NULL, NULL))
    g_clear_pointer (&entry->train_labels, g_free);

  entry->test_images = lab_idx_find_images (dir, LAB_SPLIT_TEST);
  if (entry->test_images != NULL)
    {
      LabIdxHeader test = { 0 };

      /* A test set of another image size is not part of this dataset. */
      if (lab_idx_read_header (entry->test_images, 3, &test, NULL, NULL)
          && test.dims[1] == entry->height && test.dims[2] == entry->width)
        {
          entry->n_test = test.dims[0];
          entry->test_labels = lab_idx_find_labels (entry->test_images);
          if (entry->test_labels != NULL
              && !lab_idx_read_header (entry->test_labels, 1, &labels, NULL, NULL))
            g_clear_pointer (&entry->test_labels, g_free);
        }
      else
        g_clear_pointer (&entry->test_images, g_free);
    }

  entry->n_classes = g_strv_length ((char **) k->class_names);
  entry->class_names = g_strdupv ((char **) k->class_names);
  return g_steal_pointer (&entry);
}

static LabCatalogEntry *
synthetic_entry (void)
{
  const KnownDataset *k = lookup ("synthetic");
  LabCatalogEntry *entry = g_new0 (LabCatalogEntry, 1);

  entry->id = g_strdup (k->id);
  entry->title = g_strdup (k->title);
  entry->n_train = SYNTHETIC_TRAIN;
  entry->n_test = SYNTHETIC_TEST;
  entry->height = 28;
  entry->width = 28;
  entry->n_classes = g_strv_length ((char **) k->class_names);
  entry->class_names = g_strdupv ((char **) k->class_names);
  return entry;
}

static LabCatalogEntry *
find_entry (const KnownDataset *k)
{
  g_auto(GStrv) dirs = NULL;

  if (g_strcmp0 (k->id, "synthetic") == 0)
    return synthetic_entry ();

  dirs = lab_catalog_search_dirs (k->id);
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      LabCatalogEntry *entry;

      if (!g_file_test (dirs[i], G_FILE_TEST_IS_DIR))
        continue;
      entry = entry_from_dir (k, dirs[i]);
      if (entry != NULL)
        return entry;
    }
  return NULL;
}

GPtrArray *
lab_catalog_scan (void)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_catalog_entry_free);

  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    {
      LabCatalogEntry *entry = find_entry (&known[i]);

      if (entry != NULL)
        g_ptr_array_add (entries, entry);
    }
  return entries;
}

LabCatalogEntry *
lab_catalog_find (const char  *id,
                  GError     **error)
{
  const KnownDataset *k = lookup (id);
  LabCatalogEntry *entry;

  if (k == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND,
                   "%s: no such dataset (known: mnist, fashion-mnist, synthetic)", id);
      return NULL;
    }

  entry = find_entry (k);
  if (entry == NULL)
    {
      g_auto(GStrv) dirs = lab_catalog_search_dirs (id);
      g_autofree char *where = g_strjoinv (", ", dirs);

      g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND,
                   "%s is not installed: no train-images-idx3-ubyte[.gz] in %s",
                   k->title, where);
    }
  return entry;
}
