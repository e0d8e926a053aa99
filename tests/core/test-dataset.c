#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "lab-catalog.h"
#include "lab-dataset-open.h"
#include "lab-dataset.h"
#include "lab-idx.h"
#include "lab-png.h"
#include "lab-test-system.h"

static char *tmpdir;
static char *catalog_root;

static void
test_dataset_new_refuses_huge (void)
{
  g_autoptr(GError) error = NULL;
  LabDataset *ds;

  /* 10^11 bytes: over the 4 GiB cap, refused before allocating. */
  ds = lab_dataset_new ("big", 100000, 1000, 1000, TRUE, &error);
  g_assert_null (ds);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "100,000 images of 1000 x 1000 pixels"));
  g_clear_error (&error);

  /* 2^96: overflows 64 bits. */
  ds = lab_dataset_new ("overflow", G_MAXUINT, G_MAXUINT, G_MAXUINT, FALSE, &error);
  g_assert_null (ds);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE);
  g_clear_error (&error);

  ds = lab_dataset_new ("flat", 10, 0, 28, FALSE, &error);
  g_assert_null (ds);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

static void
test_dataset_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) ds = lab_dataset_new ("small", 3, 4, 5, FALSE, &error);
  LabDataset *again;

  g_assert_no_error (error);
  g_assert_cmpstr (ds->name, ==, "small");
  g_assert_cmpuint (ds->n, ==, 3);
  g_assert_cmpuint (ds->height, ==, 4);
  g_assert_cmpuint (ds->width, ==, 5);
  for (guint i = 0; i < 60; i++)
    g_assert_cmpuint (ds->pixels[i], ==, 0);
  g_assert_null (ds->labels);
  g_assert_cmpuint (ds->n_classes, ==, 0);
  g_assert_nonnull (ds->class_names);
  g_assert_null (ds->class_names[0]);
  g_assert_nonnull (ds->skipped);
  g_assert_cmpuint (ds->skipped->len, ==, 0);
  g_assert_true (lab_dataset_image (ds, 2) == ds->pixels + 40);

  again = lab_dataset_ref (ds);
  g_assert_true (again == ds);
  lab_dataset_unref (again);
  g_assert_cmpuint (ds->n, ==, 3);
}

static LabDataset *
make_labelled (void)
{
  const char * const names[] = { "zero", "one", "two", NULL };
  g_autoptr(GError) error = NULL;
  LabDataset *ds = lab_dataset_new ("labelled", 7, 2, 3, TRUE, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < 7 * 6; i++)
    ds->pixels[i] = (guint8) (i * 6);
  /* labels 0 1 2 0 1 0 0 */
  ds->labels[1] = 1;
  ds->labels[2] = 2;
  ds->labels[4] = 1;
  lab_dataset_set_class_names (ds, names, 3);
  return ds;
}

static void
test_dataset_class_counts (void)
{
  g_autoptr(LabDataset) ds = make_labelled ();
  guint counts[3] = { 99, 99, 99 };

  g_assert_cmpuint (ds->n_classes, ==, 3);
  g_assert_cmpstr (ds->class_names[2], ==, "two");
  g_assert_null (ds->class_names[3]);
  lab_dataset_class_counts (ds, counts);
  g_assert_cmpuint (counts[0], ==, 4);
  g_assert_cmpuint (counts[1], ==, 2);
  g_assert_cmpuint (counts[2], ==, 1);

  /* NULL names: numbered. */
  lab_dataset_set_class_names (ds, NULL, 4);
  g_assert_cmpuint (ds->n_classes, ==, 4);
  g_assert_cmpstr (ds->class_names[3], ==, "3");
}

static void
test_dataset_subset (void)
{
  g_autoptr(LabDataset) ds = make_labelled ();
  g_autoptr(LabDataset) sub = NULL;
  g_autoptr(GError) error = NULL;
  const guint indices[] = { 4, 2, 4 };
  const guint bad[] = { 1, 7 };

  sub = lab_dataset_subset (ds, indices, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sub->n, ==, 3);
  g_assert_cmpuint (sub->height, ==, 2);
  g_assert_cmpuint (sub->width, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpmem (lab_dataset_image (sub, i), 6, lab_dataset_image (ds, indices[i]), 6);
      g_assert_cmpuint (sub->labels[i], ==, ds->labels[indices[i]]);
    }
  g_assert_true (sub->pixels != ds->pixels);
  g_assert_cmpuint (sub->n_classes, ==, 3);
  g_assert_cmpstr (sub->class_names[1], ==, "one");

  g_assert_null (lab_dataset_subset (ds, bad, 2, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

/* Train + test as one set: a's images, then b's, labels alike, a's class
 * names; sets that do not fit together are refused. */
static void
test_dataset_concat (void)
{
  g_autoptr(LabDataset) a = make_labelled ();
  g_autoptr(LabDataset) b = make_labelled ();
  g_autoptr(LabDataset) both = NULL;
  g_autoptr(LabDataset) other = NULL;
  g_autoptr(LabDataset) joined = NULL;
  g_autoptr(GError) error = NULL;

  b->pixels[0] = 201;
  b->labels[0] = 2;
  both = lab_dataset_concat (a, b, "both", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (both->n, ==, a->n + b->n);
  g_assert_cmpstr (both->name, ==, "both");
  for (guint i = 0; i < a->n; i++)
    {
      g_assert_cmpmem (lab_dataset_image (both, i), 6, lab_dataset_image (a, i), 6);
      g_assert_cmpuint (both->labels[i], ==, a->labels[i]);
    }
  for (guint i = 0; i < b->n; i++)
    {
      g_assert_cmpmem (lab_dataset_image (both, a->n + i), 6, lab_dataset_image (b, i), 6);
      g_assert_cmpuint (both->labels[a->n + i], ==, b->labels[i]);
    }
  g_assert_cmpuint (both->pixels[a->n * 6], ==, 201);
  g_assert_cmpstr (both->class_names[1], ==, "one");

  g_free (a->name);
  a->name = g_strdup ("Digits (train)");
  joined = lab_dataset_join_splits (a, b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (joined->name, ==, "Digits (train + test)");

  other = lab_dataset_new ("wide", 2, 2, 4, TRUE, &error);
  g_assert_no_error (error);
  g_assert_null (lab_dataset_concat (a, other, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "wide"));
}

static void
test_dataset_to_float (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) ds = lab_dataset_new ("ramp", 256, 1, 1, FALSE, &error);
  g_autofree guint *indices = g_new (guint, 256);
  g_autofree float *out = g_new (float, 256);
  const guint two[] = { 255, 0 };
  float pair[2];

  for (guint i = 0; i < 256; i++)
    {
      ds->pixels[i] = (guint8) i;
      indices[i] = i;
    }
  lab_dataset_to_float (ds, indices, 256, out);
  for (guint i = 0; i < 256; i++)
    g_assert_cmpfloat (out[i], ==, (float) i / 255.0f);
  g_assert_cmpfloat (out[0], ==, 0.0f);
  g_assert_cmpfloat (out[255], ==, 1.0f);

  lab_dataset_to_float (ds, two, 2, pair);
  g_assert_cmpfloat (pair[0], ==, 1.0f);
  g_assert_cmpfloat (pair[1], ==, 0.0f);
}

/* Writes an IDX set of n images (h x w) into dir under the given prefix
 * ("train"/"t10k"); labels cycle through n_classes. */
static void
write_set (const char *dir,
           const char *prefix,
           const char *suffix,
           guint       n,
           guint       n_classes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) ds = lab_dataset_new ("fixture", n, 28, 28, TRUE, &error);
  g_autofree char *images_name = g_strdup_printf ("%s-images-idx3-ubyte%s", prefix, suffix);
  g_autofree char *labels_name = g_strdup_printf ("%s-labels-idx1-ubyte%s", prefix, suffix);
  g_autofree char *images = g_build_filename (dir, images_name, NULL);
  g_autofree char *labels = g_build_filename (dir, labels_name, NULL);

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (gsize i = 0; i < (gsize) n * 28 * 28; i++)
    ds->pixels[i] = (guint8) (i % 251);
  for (guint i = 0; i < n; i++)
    ds->labels[i] = i % n_classes;
  g_assert_true (lab_idx_save (ds, images, labels, &error));
  g_assert_no_error (error);
}

static void
test_dataset_open_paths (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "my-set", NULL);
  g_autofree char *fashion = g_build_filename (tmpdir, "Fashion", NULL);
  g_autofree char *file = NULL;
  g_autofree char *fashion_file = NULL;
  g_autoptr(LabDataset) train = NULL;
  g_autoptr(LabDataset) test = NULL;
  g_autoptr(LabDataset) by_file = NULL;
  g_autoptr(LabDataset) fashion_ds = NULL;
  g_autoptr(GError) error = NULL;
  LabDataset *missing;

  write_set (dir, "train", "", 30, 10);
  write_set (dir, "t10k", ".gz", 12, 4);

  train = lab_dataset_open (dir, LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (train->n, ==, 30);
  g_assert_cmpuint (train->n_classes, ==, 10);
  g_assert_cmpstr (train->class_names[9], ==, "9");
  g_assert_cmpstr (train->name, ==, "my-set (train)");

  test = lab_dataset_open (dir, LAB_SPLIT_TEST, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test->n, ==, 12);
  g_assert_cmpuint (test->n_classes, ==, 4);
  g_assert_cmpuint (test->labels[5], ==, 1);

  file = g_build_filename (dir, "t10k-images-idx3-ubyte.gz", NULL);
  by_file = lab_dataset_open (file, LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_file->n, ==, 12);
  g_assert_nonnull (by_file->labels);
  g_assert_cmpmem (by_file->pixels, 12 * 784, test->pixels, 12 * 784);

  /* A path that says "fashion" with 10 classes gets Fashion-MNIST's names. */
  write_set (fashion, "train", ".gz", 20, 10);
  fashion_file = g_build_filename (fashion, "train-images-idx3-ubyte.gz", NULL);
  fashion_ds = lab_dataset_open (fashion_file, LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fashion_ds->class_names[0], ==, "T-shirt/top");
  g_assert_cmpstr (fashion_ds->class_names[9], ==, "Ankle boot");

  missing = lab_dataset_open ("/nonexistent/folder", LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/folder"));
}

static void
test_dataset_open_png_folder (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "pngs", NULL);
  g_autofree char *class_dir = g_build_filename (dir, "circle", NULL);
  g_autofree char *png = g_build_filename (class_dir, "a.png", NULL);
  g_autoptr(LabDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  guint8 pixels[28 * 28];

  for (guint i = 0; i < 28 * 28; i++)
    pixels[i] = (guint8) i;
  g_assert_cmpint (g_mkdir_with_parents (class_dir, 0700), ==, 0);
  g_assert_true (lab_png_save_gray (png, pixels, 28, 28, &error));
  g_assert_no_error (error);

  /* No IDX files in the folder: the PNG loader takes it. */
  ds = lab_dataset_open (dir, LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, ==, 1);
  g_assert_cmpuint (ds->height, ==, 28);
  g_assert_cmpmem (ds->pixels, 28 * 28, pixels, 28 * 28);
}

static void
test_dataset_catalog (void)
{
  const char *root = g_getenv ("LATENTLAB_DATA_DIR");
  g_autofree char *mnist = g_build_filename (root, "mnist", NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(LabDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  LabCatalogEntry *e;
  LabCatalogEntry *none;

  g_assert_true (g_str_has_prefix (root, tmpdir));
  g_assert_cmpint (g_mkdir_with_parents (root, 0700), ==, 0);

  /* Nothing installed: only the built-in synthetic digits. */
  entries = lab_catalog_scan ();
  g_assert_cmpuint (entries->len, ==, 1);
  e = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (e->id, ==, "synthetic");
  g_assert_cmpstr (e->title, ==, "Synthetic digits");
  g_assert_null (e->directory);
  g_assert_cmpuint (e->n_train, ==, 6000);
  g_assert_cmpuint (e->n_test, ==, 1000);
  g_assert_cmpuint (e->n_classes, ==, 10);
  g_clear_pointer (&entries, g_ptr_array_unref);

  none = lab_catalog_find ("mnist", &error);
  g_assert_null (none);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, mnist));
  g_clear_error (&error);

  write_set (mnist, "train", "", 50, 10);
  write_set (mnist, "t10k", "", 20, 10);
  entries = lab_catalog_scan ();
  g_assert_cmpuint (entries->len, ==, 2);
  e = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (e->id, ==, "mnist");
  g_assert_cmpstr (e->title, ==, "MNIST");
  g_assert_cmpstr (e->directory, ==, mnist);
  g_assert_cmpuint (e->n_train, ==, 50);
  g_assert_cmpuint (e->n_test, ==, 20);
  g_assert_cmpuint (e->height, ==, 28);
  g_assert_cmpuint (e->width, ==, 28);
  g_assert_cmpuint (e->n_classes, ==, 10);
  g_assert_nonnull (e->train_labels);
  g_assert_nonnull (e->test_labels);

  ds = lab_dataset_open ("mnist", LAB_SPLIT_TEST, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ds->name, ==, "MNIST (test)");
  g_assert_cmpuint (ds->n, ==, 20);
  g_assert_cmpstr (ds->class_names[7], ==, "7");

  g_assert_null (lab_dataset_open ("fashion-mnist", LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Fashion-MNIST is not installed"));
}

static void
test_dataset_synthetic (void)
{
  g_autoptr(LabDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  guint counts[10];

  ds = lab_dataset_open ("synthetic", LAB_SPLIT_TEST, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, ==, 1000);
  g_assert_cmpuint (ds->height, ==, 28);
  g_assert_cmpuint (ds->width, ==, 28);
  g_assert_cmpuint (ds->n_classes, ==, 10);
  lab_dataset_class_counts (ds, counts);
  for (guint k = 0; k < 10; k++)
    g_assert_cmpuint (counts[k], ==, 100);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("test-dataset-XXXXXX", &error);
  g_assert_no_error (error);
  /* The catalog looks only here (set before any thread exists). */
  catalog_root = g_build_filename (tmpdir, "catalog", NULL);
  g_setenv ("LATENTLAB_DATA_DIR", catalog_root, TRUE);

  g_test_add_func ("/dataset/new-refuses-huge", test_dataset_new_refuses_huge);
  g_test_add_func ("/dataset/new", test_dataset_new);
  g_test_add_func ("/dataset/class-counts", test_dataset_class_counts);
  g_test_add_func ("/dataset/subset", test_dataset_subset);
  g_test_add_func ("/dataset/concat", test_dataset_concat);
  g_test_add_func ("/dataset/to-float", test_dataset_to_float);
  g_test_add_func ("/dataset/open-paths", test_dataset_open_paths);
  g_test_add_func ("/dataset/open-png-folder", test_dataset_open_png_folder);
  g_test_add_func ("/dataset/catalog", test_dataset_catalog);
  g_test_add_func ("/dataset/synthetic", test_dataset_synthetic);
  status = g_test_run ();

  lab_test_remove_tree (tmpdir);
  g_free (tmpdir);
  g_free (catalog_root);
  return status;
}
