/* What a PNG folder does with files it does not load, and the bounds of a
 * folder load: every file that looks like an image and is not loaded is
 * listed with its reason, every other file is counted, and a folder whose
 * images claim more pixels than the budget is refused from their headers,
 * before any is decoded. */

#include <string.h>

#include <glib/gstdio.h>

#include "lab-png.h"
#include "lab-png-folder.h"
#include "lab-test-png.h"
#include "lab-test-system.h"

static char *
make_folder (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpl = g_strdup_printf ("test-png-folder-%s-XXXXXX", name);
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

static void
write_digit (const char *dir,
             const char *name,
             guint8      value)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  guint8 px[28 * 28];

  memset (px, value, sizeof px);
  g_assert_true (lab_png_save_gray (path, px, 28, 28, &error));
  g_assert_no_error (error);
}

static void
assert_skipped (LabDataset          *ds,
                const char * const  *want)
{
  guint n = g_strv_length ((char **) want);

  for (guint i = 0; i < ds->skipped->len; i++)
    g_test_message ("skipped: %s", (const char *) g_ptr_array_index (ds->skipped, i));
  g_assert_cmpuint (ds->skipped->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (ds->skipped, i), ==, want[i]);
}

/* A flat folder as a new user brings it: two digits, an empty file and a
 * text file named .png, a JPEG, a binary file named .png, a PNG too large
 * to decode, and notes. */
static void
test_folder_accounts_for_every_file (void)
{
  g_autofree char *dir = make_folder ("flat");
  g_autofree char *big = g_build_filename (dir, "big.png", NULL);
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0 };
  static const guint8 binary[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  static const char * const want[] = {
    "big.png: the image is too large (16384 x 16384, 268 megapixels; at most 64 megapixels)",
    "binary.png: not a PNG file (starts with bytes 00 01 02 03 04 05 06 07 …)",
    "empty.png: empty file",
    "fake.png: not a PNG file (starts with \"this is…\")",
    "photo.jpg: a JPEG image; only PNG images are read (convert it to PNG)",
    NULL,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) ds = NULL;

  write_digit (dir, "a.png", 10);
  write_digit (dir, "b.png", 20);
  lab_test_write_file (dir, "empty.png", "", 0);
  lab_test_write_file (dir, "fake.png", "this is not a png", -1);
  lab_test_write_file (dir, "photo.jpg", jpeg, sizeof jpeg);
  lab_test_write_file (dir, "binary.png", binary, sizeof binary);
  lab_test_write_png_header (big, 16384, 16384);
  lab_test_write_file (dir, "notes.txt", "class notes", -1);
  lab_test_write_file (dir, "labels.csv", "a,1\nb,2\n", -1);
  lab_test_write_file (dir, ".hidden.png", "dot files are not looked at", -1);

  ds = lab_png_folder_load (dir, 0, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, ==, 2);
  g_assert_cmpuint (lab_dataset_image (ds, 0)[0], ==, 10);
  g_assert_cmpuint (lab_dataset_image (ds, 1)[0], ==, 20);
  assert_skipped (ds, want);
  g_assert_cmpuint (ds->n_ignored, ==, 2);   /* notes.txt, labels.csv */
  lab_test_remove_tree (dir);
}

/* Class folders: a PNG beside them has no class, a folder inside one is
 * not read, a broken file inside one is listed with its class folder. */
static void
test_folder_classes_account (void)
{
  g_autofree char *dir = make_folder ("classes");
  g_autofree char *cat = g_build_filename (dir, "cat", NULL);
  g_autofree char *dog = g_build_filename (dir, "dog", NULL);
  g_autofree char *deep = g_build_filename (dir, "cat", "more", NULL);
  static const char * const want[] = {
    "cat/more/: a folder two levels down; only the class folders' own files are read",
    "dog/empty.png: empty file",
    "stray.png: beside the class folders, so it has no class (move it into one)",
    NULL,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) ds = NULL;

  g_assert_cmpint (g_mkdir_with_parents (deep, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (dog, 0755), ==, 0);
  write_digit (cat, "1.png", 1);
  write_digit (deep, "2.png", 2);
  write_digit (dog, "1.png", 3);
  lab_test_write_file (dog, "empty.png", "", 0);
  lab_test_write_file (dog, "Thumbs.db", "\x01\x02", 2);
  write_digit (dir, "stray.png", 4);
  lab_test_write_file (dir, "README", "about", -1);

  ds = lab_png_folder_load (dir, 0, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, ==, 2);
  g_assert_cmpuint (ds->n_classes, ==, 2);
  assert_skipped (ds, want);
  g_assert_cmpuint (ds->n_ignored, ==, 2);   /* Thumbs.db, README */
  lab_test_remove_tree (dir);
}

/* 40 files of 45 bytes whose headers claim 8000 x 8000 each (64 megapixels,
 * each within the one-image limit): 2,560 megapixels in all, refused from
 * the headers under an address-space limit that one decoded image would
 * already break. */
static void
test_folder_pixel_budget (void)
{
  g_autofree char *dir = make_folder ("budget");
  g_autoptr(GError) error = NULL;
  LabDataset *ds;

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%02u.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      lab_test_write_png_header (path, 8000, 8000);
    }
  lab_test_limit_address_space (G_GUINT64_CONSTANT (128) << 20);
  ds = lab_png_folder_load (dir, 0, 0, NULL, NULL, NULL, &error);
  lab_test_restore_address_space ();
  g_assert_null (ds);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE);
  g_assert_true (g_str_has_suffix (error->message,
                                   "/: its 40 images total 2,560 megapixels, more than the "
                                   "2,000-megapixel budget of one folder (make them smaller, "
                                   "or load fewer at once)"));
  lab_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/png-folder/accounts-for-every-file", test_folder_accounts_for_every_file);
  g_test_add_func ("/png-folder/classes-account", test_folder_classes_account);
  g_test_add_func ("/png-folder/pixel-budget", test_folder_pixel_budget);
  return g_test_run ();
}
