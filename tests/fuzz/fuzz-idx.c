#define G_LOG_DOMAIN "latentlab-fuzz"

/* IDX images and labels, raw and gzip, through lab_idx_read_header and
 * lab_idx_load. Input: a flags byte, then the images file; with flag 1 a
 * 2-byte little-endian length L follows the flags and the images file is
 * the next L bytes, the labels file the rest. Flags 2 and 4 gzip the images
 * and the labels before writing them, so the fuzzer's changes to the IDX
 * structure reach the gzip path too (a gzip file in the corpus is also read
 * as it is). */

#include "lab-fuzz.h"

#include "lab-idx.h"

static char *
write_part (const char   *name,
            const guint8 *data,
            gsize         len,
            gboolean      gzip)
{
  g_autofree guint8 *packed = NULL;
  gsize packed_len = 0;

  if (!gzip)
    return lab_fuzz_write (name, data, len);
  packed = lab_fuzz_gzip (data, len, &packed_len);
  return lab_fuzz_write (name, packed, packed_len);
}

static void
check_dataset (LabDataset   *ds,
               const guint8 *images,
               gsize         images_len,
               gboolean      images_gzip,
               gboolean      labelled)
{
  gsize n_pixels = (gsize) ds->n * ds->height * ds->width;

  if (ds->n == 0 || ds->height == 0 || ds->width == 0)
    g_error ("an empty dataset loaded: %u x %u x %u", ds->n, ds->height, ds->width);
  /* A raw file holds its 16-byte header and every pixel; nothing is made up. */
  if (!images_gzip && images_len >= 4 && images[0] == 0 && images[1] == 0
      && n_pixels + 16 > images_len)
    g_error ("%zu pixels loaded from a %zu-byte file", n_pixels, images_len);
  lab_fuzz_touch (ds->pixels, n_pixels);
  if (labelled != (ds->labels != NULL))
    g_error ("labels %s but the dataset %s them", labelled ? "given" : "not given",
             ds->labels ? "has" : "lacks");
  if (ds->labels != NULL)
    {
      if (ds->n_classes == 0 || ds->n_classes > 256)
        g_error ("%u classes", ds->n_classes);
      for (guint i = 0; i < ds->n; i++)
        if (ds->labels[i] >= ds->n_classes)
          g_error ("label %u of image %u is not below %u classes", ds->labels[i], i, ds->n_classes);
      for (guint c = 0; c < ds->n_classes; c++)
        {
          char buf[16];
          const char *name = lab_dataset_class_name (ds, c, buf);

          if (name == NULL || !g_utf8_validate (name, -1, NULL))
            g_error ("class %u has no name", c);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *images_path = NULL, *labels_path = NULL;
  g_autoptr(GError) error = NULL;
  LabIdxHeader header;
  LabDataset *ds;
  const guint8 *images, *labels = NULL;
  gsize images_len, labels_len = 0;
  guint8 flags;
  gboolean ok;

  if (size < 1)
    return 0;
  flags = data[0];
  images = data + 1;
  images_len = size - 1;
  if ((flags & 1) && images_len >= 2)
    {
      gsize split = MIN ((gsize) (images[0] | images[1] << 8), images_len - 2);

      labels = images + 2 + split;
      labels_len = images_len - 2 - split;
      images += 2;
      images_len = split;
    }

  images_path = write_part ("images-idx3-ubyte", images, images_len, flags & 2);
  if (labels != NULL)
    labels_path = write_part ("labels-idx1-ubyte", labels, labels_len, flags & 4);

  ok = lab_idx_read_header (images_path, 3, &header, NULL, &error);
  lab_fuzz_check_result (ok, error, "lab_idx_read_header (images)", TRUE);
  /* An IDX file may hold no images, but never images without pixels. */
  if (ok && (header.ndim != 3 || header.dims[1] == 0 || header.dims[2] == 0))
    g_error ("header accepted with %u dimensions %u x %u x %u", header.ndim,
             header.dims[0], header.dims[1], header.dims[2]);
  g_clear_error (&error);
  if (labels_path != NULL)
    {
      ok = lab_idx_read_header (labels_path, 1, &header, NULL, &error);
      lab_fuzz_check_result (ok, error, "lab_idx_read_header (labels)", TRUE);
      g_clear_error (&error);
    }

  ds = lab_idx_load (images_path, labels_path, NULL, NULL, NULL, &error);
  lab_fuzz_check_result (ds != NULL, error, "lab_idx_load", TRUE);
  if (ds != NULL)
    {
      check_dataset (ds, images, images_len, flags & 2, labels_path != NULL);
      lab_dataset_unref (ds);
    }
  lab_fuzz_clear ();
  return 0;
}
