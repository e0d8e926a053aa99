#define G_LOG_DOMAIN "latentlab-fuzz"

/* A small folder of files through lab_png_folder_load, as a user's folder
 * of class subfolders (or a flat one) reaches it. The input is a list of
 * files, each a selector byte and a 2-byte little-endian length, then that
 * many bytes (the last file takes what is left). The selector's bits 0-1
 * choose the place (top, a/, b/, c/), bits 2-3 the name's ending (.png,
 * .PNG, .txt, none); file i is named "<i><ending>". The first byte of the
 * input, before the files, says the size to load at: 0 the most common one,
 * else a side of 1 + byte % 32. */

#include "lab-fuzz.h"

#include "lab-png-folder.h"

#define MAX_FILES 16

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char *const places[] = { "", "a/", "b/", "c/" };
  static const char *const endings[] = { ".png", ".PNG", ".txt", "" };
  g_autoptr(GError) error = NULL;
  LabDataset *ds;
  guint side, n_files = 0;
  gsize pos = 1;

  if (size < 1)
    return 0;
  side = data[0] == 0 ? 0 : 1 + data[0] % 32;
  while (pos + 3 <= size && n_files < MAX_FILES)
    {
      guint8 selector = data[pos];
      gsize len = (gsize) data[pos + 1] | (gsize) data[pos + 2] << 8;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      pos += 3;
      len = MIN (len, size - pos);
      if (n_files + 1 == MAX_FILES || pos + len + 3 > size)
        len = size - pos;
      name = g_strdup_printf ("folder/%s%u%s", places[selector & 3], n_files,
                              endings[(selector >> 2) & 3]);
      path = lab_fuzz_write (name, data + pos, len);
      pos += len;
      n_files++;
    }
  if (n_files == 0)
    return 0;

  {
    g_autofree char *folder = g_build_filename (lab_fuzz_dir (), "folder", NULL);

    ds = lab_png_folder_load (folder, side, side, NULL, NULL, NULL, &error);
  }
  lab_fuzz_check_result (ds != NULL, error, "lab_png_folder_load", TRUE);
  if (ds != NULL)
    {
      if (ds->n == 0 || ds->n > n_files || ds->height == 0 || ds->width == 0)
        g_error ("%u images of %u x %u from %u files", ds->n, ds->height, ds->width, n_files);
      if (side != 0 && (ds->height != side || ds->width != side))
        g_error ("asked for %u x %u, got %u x %u", side, side, ds->height, ds->width);
      if (ds->n + ds->skipped->len + ds->n_ignored > n_files)
        g_error ("%u loaded, %u skipped and %u ignored of %u files", ds->n, ds->skipped->len,
                 ds->n_ignored, n_files);
      lab_fuzz_touch (ds->pixels, (gsize) ds->n * ds->height * ds->width);
      if (ds->labels != NULL)
        for (guint i = 0; i < ds->n; i++)
          if (ds->labels[i] >= ds->n_classes)
            g_error ("label %u of image %u is not below %u classes", ds->labels[i], i, ds->n_classes);
      for (guint i = 0; i < ds->skipped->len; i++)
        if (!g_utf8_validate (g_ptr_array_index (ds->skipped, i), -1, NULL))
          g_error ("skipped entry %u is not UTF-8", i);
      lab_dataset_unref (ds);
    }
  lab_fuzz_clear ();
  return 0;
}
