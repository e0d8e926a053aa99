#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "lab-dataset.h"
#include "lab-idx.h"
#include "lab-test-system.h"

/* Every fixture is written into a fresh temporary folder at run time. */
static char *tmpdir;

static char *
fixture_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
write_bytes (const char   *path,
             const guint8 *data,
             gsize         len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, len, &error);
  g_assert_no_error (error);
}

static void
put_be32 (guint8 *out, guint32 v)
{
  out[0] = v >> 24;
  out[1] = v >> 16;
  out[2] = v >> 8;
  out[3] = v;
}

/* An images file whose header says n x h x w, followed by data_len bytes. */
static void
write_images (const char *path,
              guint32     n,
              guint32     h,
              guint32     w,
              gsize       data_len)
{
  g_autofree guint8 *buf = g_malloc0 (16 + data_len);

  buf[2] = 0x08;
  buf[3] = 3;
  put_be32 (buf + 4, n);
  put_be32 (buf + 8, h);
  put_be32 (buf + 12, w);
  for (gsize i = 0; i < data_len; i++)
    buf[16 + i] = (guint8) (i * 7 + 3);
  write_bytes (path, buf, 16 + data_len);
}

static void
write_labels (const char *path,
              guint32     n)
{
  g_autofree guint8 *buf = g_malloc0 (8 + n);

  buf[2] = 0x08;
  buf[3] = 1;
  put_be32 (buf + 4, n);
  for (guint i = 0; i < n; i++)
    buf[8 + i] = i % 10;
  write_bytes (path, buf, 8 + n);
}

/* gzip of bytes, written to path. */
static void
write_gzip (const char   *path,
            const guint8 *data,
            gsize         len)
{
  g_autoptr(GZlibCompressor) gz = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (mem, G_CONVERTER (gz));
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (out, data, len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  write_bytes (path, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (mem)),
               g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (mem)));
}

/* A small labelled dataset whose pixels use all 256 values. */
static LabDataset *
make_dataset (guint n, guint h, guint w)
{
  g_autoptr(GError) error = NULL;
  LabDataset *ds = lab_dataset_new ("fixture", n, h, w, TRUE, &error);

  g_assert_no_error (error);
  for (gsize i = 0; i < (gsize) n * h * w; i++)
    ds->pixels[i] = (guint8) ((i * 37 + i / 5) & 0xff);
  for (guint i = 0; i < n; i++)
    ds->labels[i] = (guint8) ((i * 3) % 13);
  return ds;
}

static void
assert_same (const LabDataset *a,
             const LabDataset *b)
{
  g_assert_cmpuint (a->n, ==, b->n);
  g_assert_cmpuint (a->height, ==, b->height);
  g_assert_cmpuint (a->width, ==, b->width);
  g_assert_cmpmem (a->pixels, (gsize) a->n * a->height * a->width,
                   b->pixels, (gsize) b->n * b->height * b->width);
  g_assert_nonnull (b->labels);
  g_assert_cmpmem (a->labels, a->n, b->labels, b->n);
}

static void
test_idx_round_trip_raw (void)
{
  g_autoptr(LabDataset) ds = make_dataset (9, 5, 3);
  g_autoptr(LabDataset) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *images = fixture_path ("rt-images-idx3-ubyte");
  g_autofree char *labels = fixture_path ("rt-labels-idx1-ubyte");
  g_autofree char *found = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (lab_idx_save (ds, images, labels, &error));
  g_assert_no_error (error);

  /* The exact bytes: header, then pixels. */
  g_assert_true (g_file_get_contents (images, &contents, &len, NULL));
  g_assert_cmpuint (len, ==, 16 + 9 * 5 * 3);
  g_assert_cmpmem (contents, 16, "\0\0\x08\x03\0\0\0\x09\0\0\0\x05\0\0\0\x03", 16);
  g_assert_cmpmem (contents + 16, len - 16, ds->pixels, 9 * 5 * 3);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (labels, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, "\0\0\x08\x01\0\0\0\x09\0\x03\x06\x09\x0c\x02\x05\x08\x0b", 17);

  found = lab_idx_find_labels (images);
  g_assert_cmpstr (found, ==, labels);

  back = lab_idx_load (images, found, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_same (ds, back);
  /* Labels 0..12 occur: 13 classes named "0".."12". */
  g_assert_cmpuint (back->n_classes, ==, 13);
  g_assert_cmpstr (back->class_names[0], ==, "0");
  g_assert_cmpstr (back->class_names[12], ==, "12");
  g_assert_null (back->class_names[13]);
  g_assert_cmpstr (back->source, ==, images);
}

static void
test_idx_round_trip_gzip (void)
{
  g_autoptr(LabDataset) ds = make_dataset (200, 28, 28);
  g_autoptr(LabDataset) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *images = fixture_path ("train-images-idx3-ubyte.gz");
  g_autofree char *labels = fixture_path ("train-labels-idx1-ubyte.gz");
  g_autofree char *found = NULL;
  g_autofree char *contents = NULL;
  LabIdxHeader header = { 0 };
  gsize len = 0;

  g_assert_true (lab_idx_save (ds, images, labels, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (images, &contents, &len, NULL));
  g_assert_cmpuint ((guint8) contents[0], ==, 0x1f);
  g_assert_cmpuint ((guint8) contents[1], ==, 0x8b);
  g_assert_cmpuint (len, <, 16 + 200 * 28 * 28);

  g_assert_true (lab_idx_read_header (images, 3, &header, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (header.gzip);
  g_assert_cmpuint (header.dims[0], ==, 200);
  g_assert_cmpuint (header.dims[1], ==, 28);
  g_assert_cmpuint (header.dims[2], ==, 28);

  found = lab_idx_find_labels (images);
  g_assert_cmpstr (found, ==, labels);
  back = lab_idx_load (images, found, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_same (ds, back);
}

static void
assert_load_error (const char *images,
                   const char *labels,
                   int         code,
                   const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) ds = lab_idx_load (images, labels, NULL, NULL, NULL, &error);

  g_assert_null (ds);
  g_assert_error (error, LAB_ERROR, code);
  if (strstr (error->message, message_part) == NULL)
    g_error ("message '%s' does not contain '%s'", error->message, message_part);
}

static void
test_idx_wrong_magic (void)
{
  g_autofree char *path = fixture_path ("magic-images");
  g_autofree char *labels_as_images = fixture_path ("magic-labels-idx1-ubyte");
  const guint8 bytes[20] = { 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1 };

  write_bytes (path, bytes, sizeof bytes);
  assert_load_error (path, NULL, LAB_ERROR_FORMAT,
                     "magic-images: not an IDX image file (magic 0x12345678)");

  /* A labels file where images are expected names the problem too. */
  write_labels (labels_as_images, 4);
  assert_load_error (labels_as_images, NULL, LAB_ERROR_FORMAT, "not an IDX image file");

  /* An empty file. */
  write_bytes (path, bytes, 0);
  assert_load_error (path, NULL, LAB_ERROR_TRUNCATED, "ends inside the IDX header");
}

static void
test_idx_truncated (void)
{
  g_autofree char *path = fixture_path ("train-images-idx3-ubyte");
  g_autofree char *longer = fixture_path ("longer-images-idx3-ubyte");

  /* 60,000 images of 2 x 2 claimed, 12,544.5 present. */
  write_images (path, 60000, 2, 2, 12544 * 4 + 2);
  assert_load_error (path, NULL, LAB_ERROR_TRUNCATED,
                     "train-images-idx3-ubyte: file ends after 12,544 of 60,000 images");

  write_images (longer, 3, 2, 2, 3 * 4 + 1);
  assert_load_error (longer, NULL, LAB_ERROR_FORMAT, "longer than the 3 images");
}

static void
test_idx_truncated_gzip (void)
{
  g_autoptr(LabDataset) ds = make_dataset (300, 28, 28);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_path ("cut-images-idx3-ubyte.gz");
  g_autofree char *short_path = fixture_path ("short-images-idx3-ubyte.gz");
  g_autofree char *contents = NULL;
  g_autofree guint8 *raw = NULL;
  gsize len = 0;

  g_assert_true (lab_idx_save (ds, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));

  /* Cut inside the compressed data. */
  write_bytes (path, (guint8 *) contents, len / 2);
  assert_load_error (path, NULL, LAB_ERROR_TRUNCATED,
                     "cut-images-idx3-ubyte.gz: truncated gzip data");

  /* Cut inside the 8-byte trailer: every pixel arrives, the CRC does not. */
  write_bytes (path, (guint8 *) contents, len - 3);
  assert_load_error (path, NULL, LAB_ERROR_TRUNCATED, "truncated gzip data");

  /* A complete gzip stream whose content stops after 5 of 9 images. */
  raw = g_malloc0 (16 + 5 * 4);
  raw[2] = 0x08;
  raw[3] = 3;
  put_be32 (raw + 4, 9);
  put_be32 (raw + 8, 2);
  put_be32 (raw + 12, 2);
  write_gzip (short_path, raw, 16 + 5 * 4);
  assert_load_error (short_path, NULL, LAB_ERROR_TRUNCATED, "file ends after 5 of 9 images");

  /* Garbage after a gzip magic. */
  memset (contents + 10, 0xa5, 64);
  write_bytes (path, (guint8 *) contents, len);
  assert_load_error (path, NULL, LAB_ERROR_FORMAT, "corrupt gzip data");
}

static void
test_idx_count_mismatch (void)
{
  g_autofree char *images = fixture_path ("mm-images-idx3-ubyte");
  g_autofree char *labels = fixture_path ("mm-labels-idx1-ubyte");

  write_images (images, 60000, 1, 1, 60000);
  write_labels (labels, 10000);
  assert_load_error (images, labels, LAB_ERROR_MISMATCH,
                     "mm-images-idx3-ubyte: 60,000 images but mm-labels-idx1-ubyte has "
                     "10,000 labels");
}

static void
test_idx_huge_header (void)
{
  g_autofree char *path = fixture_path ("huge-images-idx3-ubyte");
  g_autofree char *big = fixture_path ("big-images-idx3-ubyte");
  g_autofree char *big_gz = fixture_path ("big-images-idx3-ubyte.gz");
  g_autofree guint8 *raw = g_malloc0 (16 + 100);

  write_images (path, 4294967295u, 65535, 65535, 100);
  assert_load_error (path, NULL, LAB_ERROR_TOO_LARGE,
                     "huge-images-idx3-ubyte: header claims 4,294,967,295 x 65,535 x 65,535 "
                     "images: more than 4 GiB");

  /* 1.5 GB claimed: under the 4 GiB cap, so only the file length can
   * refuse it, and it must do so without trying to allocate 1.5 GB. */
  write_images (big, 2000000, 28, 28, 100);
  raw[2] = 0x08;
  raw[3] = 3;
  put_be32 (raw + 4, 2000000);
  put_be32 (raw + 8, 28);
  put_be32 (raw + 12, 28);
  write_gzip (big_gz, raw, 16 + 100);

  lab_test_limit_address_space (G_GUINT64_CONSTANT (256) << 20);
  assert_load_error (big, NULL, LAB_ERROR_TRUNCATED, "file ends after 0 of 2,000,000 images");
  assert_load_error (big_gz, NULL, LAB_ERROR_TRUNCATED, "file ends after 0 of 2,000,000 images");
  lab_test_restore_address_space ();
}

static void
test_idx_unlabelled (void)
{
  g_autofree char *dir = fixture_path ("unlabelled");
  g_autofree char *images = NULL;
  g_autofree char *labels = NULL;
  g_autoptr(LabDataset) ds = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  images = g_build_filename (dir, "t10k-images-idx3-ubyte", NULL);
  write_images (images, 4, 3, 3, 36);

  labels = lab_idx_find_labels (images);
  g_assert_null (labels);
  ds = lab_idx_load (images, labels, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, ==, 4);
  g_assert_null (ds->labels);
  g_assert_cmpuint (ds->n_classes, ==, 0);
  g_assert_null (ds->class_names[0]);
  g_assert_cmpuint (ds->pixels[35], ==, (guint8) (35 * 7 + 3));

  /* A labels path that does not exist is an error, not "unlabelled". */
  g_clear_pointer (&labels, g_free);
  labels = g_build_filename (dir, "t10k-labels-idx1-ubyte", NULL);
  assert_load_error (images, labels, LAB_ERROR_NOT_FOUND, "t10k-labels-idx1-ubyte: no such file");
}

static void
test_idx_find_files (void)
{
  g_autofree char *dir = fixture_path ("set");
  g_autofree char *train = NULL;
  g_autofree char *test = NULL;
  g_autofree char *generic = NULL;
  g_autofree char *generic_labels = NULL;
  g_autofree char *p = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_false (lab_idx_dir_has_set (dir));

  p = g_build_filename (dir, "t10k-images-idx3-ubyte.gz", NULL);
  write_bytes (p, (const guint8 *) "x", 1);
  g_clear_pointer (&p, g_free);
  p = g_build_filename (dir, "t10k-labels-idx1-ubyte", NULL);
  write_bytes (p, (const guint8 *) "x", 1);
  g_clear_pointer (&p, g_free);

  g_assert_true (lab_idx_dir_has_set (dir));
  train = lab_idx_find_images (dir, LAB_SPLIT_TRAIN);
  g_assert_null (train);
  test = lab_idx_find_images (dir, LAB_SPLIT_TEST);
  p = g_build_filename (dir, "t10k-images-idx3-ubyte.gz", NULL);
  g_assert_cmpstr (test, ==, p);
  g_clear_pointer (&p, g_free);

  /* .gz images, raw labels: still siblings. */
  g_clear_pointer (&generic_labels, g_free);
  generic_labels = lab_idx_find_labels (test);
  p = g_build_filename (dir, "t10k-labels-idx1-ubyte", NULL);
  g_assert_cmpstr (generic_labels, ==, p);
  g_clear_pointer (&p, g_free);
  g_clear_pointer (&generic_labels, g_free);

  /* Generic "*images*" -> "*labels*". */
  generic = g_build_filename (dir, "my-images.idx", NULL);
  write_bytes (generic, (const guint8 *) "x", 1);
  p = g_build_filename (dir, "my-labels.idx", NULL);
  g_assert_null (lab_idx_find_labels (generic));
  write_bytes (p, (const guint8 *) "x", 1);
  generic_labels = lab_idx_find_labels (generic);
  g_assert_cmpstr (generic_labels, ==, p);
}

static void
record_progress (double      fraction,
                 const char *text,
                 gpointer    user_data)
{
  GArray *fractions = user_data;

  g_array_append_val (fractions, fraction);
}

static void
test_idx_progress_cancel (void)
{
  g_autoptr(LabDataset) ds = make_dataset (50, 28, 28);
  g_autoptr(LabDataset) back = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  g_autofree char *images = fixture_path ("pc-images-idx3-ubyte.gz");
  g_autofree char *labels = fixture_path ("pc-labels-idx1-ubyte");
  g_autofree char *nowhere = fixture_path ("no-such-folder/x-images-idx3-ubyte");

  g_assert_true (lab_idx_save (ds, images, labels, &error));
  g_assert_no_error (error);

  back = lab_idx_load (images, labels, cancellable, record_progress, fractions, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fractions->len, >=, 2);
  for (guint i = 1; i < fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >=,
                       g_array_index (fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);

  g_cancellable_cancel (cancellable);
  g_clear_pointer (&back, lab_dataset_unref);
  back = lab_idx_load (images, labels, cancellable, NULL, NULL, &error);
  g_assert_null (back);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Saving where no folder exists says so; an unlabelled dataset has no
   * labels to save. */
  g_assert_false (lab_idx_save (ds, nowhere, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "x-images-idx3-ubyte: cannot save (No such file or directory)");
  g_clear_error (&error);
  g_clear_pointer (&ds->labels, g_free);
  g_assert_false (lab_idx_save (ds, images, labels, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("test-idx-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/idx/round-trip-raw", test_idx_round_trip_raw);
  g_test_add_func ("/idx/round-trip-gzip", test_idx_round_trip_gzip);
  g_test_add_func ("/idx/wrong-magic", test_idx_wrong_magic);
  g_test_add_func ("/idx/truncated", test_idx_truncated);
  g_test_add_func ("/idx/truncated-gzip", test_idx_truncated_gzip);
  g_test_add_func ("/idx/count-mismatch", test_idx_count_mismatch);
  g_test_add_func ("/idx/huge-header", test_idx_huge_header);
  g_test_add_func ("/idx/unlabelled", test_idx_unlabelled);
  g_test_add_func ("/idx/find-files", test_idx_find_files);
  g_test_add_func ("/idx/progress-cancel", test_idx_progress_cancel);
  status = g_test_run ();

  lab_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
