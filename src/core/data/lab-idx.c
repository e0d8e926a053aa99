#define G_LOG_DOMAIN "latentlab-core"

#include "lab-idx.h"

#include <string.h>

#include "lab-format.h"
#include "lab-save.h"

/* Reads go straight into the final buffer in slices of this size, so a
 * large raw file is never copied and progress/cancellation stay responsive. */
#define READ_SLICE (G_GUINT64_CONSTANT (8) << 20)
/* First buffer for gzip data whose size only the header claims. */
#define GZIP_FIRST_BUFFER (G_GUINT64_CONSTANT (4) << 20)
/* Deflate cannot expand data more than about 1032:1; a claim beyond
 * compressed size x this is impossible, below it plausible. */
#define GZIP_MAX_RATIO 1032

static gboolean
has_gzip_suffix (const char *path)
{
  return g_str_has_suffix (path, ".gz") || g_str_has_suffix (path, ".GZ");
}

/* Turns a GIO error into a LAB_ERROR that names the file. */
static void
propagate_io_error (GError     **error,
                    GError      *io_error,
                    const char  *name)
{
  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND, "%s: no such file", name);
  else if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_set_error (error, LAB_ERROR, LAB_ERROR_CANCELLED, "%s: loading was cancelled", name);
  else if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    g_set_error (error, LAB_ERROR, LAB_ERROR_TRUNCATED, "%s: truncated gzip data", name);
  else if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT, "%s: corrupt gzip data (%s)",
                 name, io_error->message);
  else if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
    g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT, "%s: is a folder, not an IDX file", name);
  else
    g_set_error (error, LAB_ERROR, LAB_ERROR_IO, "%s: %s", name, io_error->message);
  g_error_free (io_error);
}

/* An open IDX file positioned after its header. */
typedef struct
{
  char         *name;      /* basename, for messages */
  GInputStream *stream;    /* decompressing when header.gzip */
  LabIdxHeader  header;
} IdxReader;

static void
idx_reader_clear (IdxReader *r)
{
  g_clear_pointer (&r->name, g_free);
  g_clear_object (&r->stream);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdxReader, idx_reader_clear)

/* Reads exactly len bytes; a short read is reported in *got. */
static gboolean
read_exact (IdxReader     *r,
            void          *buf,
            gsize          len,
            gsize         *got,
            GCancellable  *cancellable,
            GError       **error)
{
  GError *io_error = NULL;
  gsize n = 0;

  if (!g_input_stream_read_all (r->stream, buf, len, &n, cancellable, &io_error))
    {
      propagate_io_error (error, io_error, r->name);
      return FALSE;
    }
  *got = n;
  return TRUE;
}

static gboolean
idx_reader_open (IdxReader     *r,
                 const char    *path,
                 guint          expected_ndim,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) base = NULL;
  g_autoptr(GFileInfo) info = NULL;
  const char *kind = expected_ndim == 3 ? "image" : "label";
  GError *io_error = NULL;
  guint8 magic[4];
  guint8 dims[12];
  gsize got = 0;

  r->name = g_path_get_basename (path);

  base = g_file_read (file, cancellable, &io_error);
  if (base == NULL)
    {
      propagate_io_error (error, io_error, r->name);
      return FALSE;
    }
  info = g_file_input_stream_query_info (base, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                         cancellable, &io_error);
  if (info == NULL)
    {
      propagate_io_error (error, io_error, r->name);
      return FALSE;
    }
  r->header.file_size = g_file_info_get_size (info);

  /* An IDX file starts with two zero bytes and gzip with 1f 8b, so the
   * content decides, whatever the name says. */
  r->stream = g_object_ref (G_INPUT_STREAM (base));
  if (!read_exact (r, magic, 2, &got, cancellable, error))
    return FALSE;
  if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
    {
      g_autoptr(GZlibDecompressor) gunzip = NULL;

      if (!g_seekable_seek (G_SEEKABLE (base), 0, G_SEEK_SET, cancellable, &io_error))
        {
          propagate_io_error (error, io_error, r->name);
          return FALSE;
        }
      gunzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      g_clear_object (&r->stream);
      r->stream = g_converter_input_stream_new (G_INPUT_STREAM (base), G_CONVERTER (gunzip));
      r->header.gzip = TRUE;
      got = 0;
      if (!read_exact (r, magic, 2, &got, cancellable, error))
        return FALSE;
    }
  if (got == 2 && !read_exact (r, magic + 2, 2, &got, cancellable, error))
    return FALSE;
  if (got < 2)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TRUNCATED,
                   "%s: file ends inside the IDX header (not an IDX %s file?)",
                   r->name, kind);
      return FALSE;
    }
  if (magic[0] != 0 || magic[1] != 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: not an IDX %s file (magic 0x%02x%02x%02x%02x)",
                   r->name, kind, magic[0], magic[1], magic[2], magic[3]);
      return FALSE;
    }
  if (magic[2] != 0x08)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: IDX data type 0x%02x is not supported, only unsigned bytes "
                   "(0x08) (magic 0x%02x%02x%02x%02x)",
                   r->name, magic[2], magic[0], magic[1], magic[2], magic[3]);
      return FALSE;
    }
  if (magic[3] != expected_ndim)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: not an IDX %s file (magic 0x%02x%02x%02x%02x: %u dimension%s, "
                   "%s files have %u)",
                   r->name, kind, magic[0], magic[1], magic[2], magic[3], magic[3],
                   magic[3] == 1 ? "" : "s", kind, expected_ndim);
      return FALSE;
    }

  r->header.ndim = expected_ndim;
  if (!read_exact (r, dims, 4 * expected_ndim, &got, cancellable, error))
    return FALSE;
  if (got < 4 * expected_ndim)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TRUNCATED,
                   "%s: file ends inside the IDX header", r->name);
      return FALSE;
    }
  for (guint i = 0; i < expected_ndim; i++)
    r->header.dims[i] = ((guint32) dims[4 * i] << 24) | ((guint32) dims[4 * i + 1] << 16)
                        | ((guint32) dims[4 * i + 2] << 8) | dims[4 * i + 3];

  if (expected_ndim == 3 && (r->header.dims[1] == 0 || r->header.dims[2] == 0))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: header claims images of %u x %u pixels",
                   r->name, r->header.dims[1], r->header.dims[2]);
      return FALSE;
    }
  return TRUE;
}

gboolean
lab_idx_read_header (const char    *path,
                     guint          expected_ndim,
                     LabIdxHeader  *header,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_auto(IdxReader) r = { 0 };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (expected_ndim == 1 || expected_ndim == 3, FALSE);

  if (!idx_reader_open (&r, path, expected_ndim, cancellable, error))
    return FALSE;
  *header = r.header;
  return TRUE;
}

static guint64
header_items (const LabIdxHeader *h)
{
  return h->dims[0];
}

/* Bytes of one item: an image's pixels or one label. */
static guint64
header_item_bytes (const LabIdxHeader *h)
{
  return h->ndim == 3 ? (guint64) h->dims[1] * h->dims[2] : 1;
}

static void
set_too_large (GError            **error,
               const char         *name,
               const LabIdxHeader *h)
{
  g_autofree char *n = lab_format_count (h->dims[0]);

  if (h->ndim == 3)
    {
      g_autofree char *height = lab_format_count (h->dims[1]);
      g_autofree char *width = lab_format_count (h->dims[2]);

      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: header claims %s x %s x %s images: more than 4 GiB",
                   name, n, height, width);
    }
  else
    g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                 "%s: header claims %s labels: more than 4 GiB", name, n);
}

static void
set_short (GError            **error,
           const char         *name,
           const LabIdxHeader *h,
           guint64             bytes)
{
  g_autofree char *have = lab_format_count (bytes / header_item_bytes (h));
  g_autofree char *want = lab_format_count (header_items (h));
  const char *what = h->ndim == 3 ? "images" : "labels";

  g_set_error (error, LAB_ERROR, LAB_ERROR_TRUNCATED,
               "%s: file ends after %s of %s %s", name, have, want, what);
}

static void
set_longer (GError            **error,
            const char         *name,
            const LabIdxHeader *h)
{
  g_autofree char *n = lab_format_count (header_items (h));

  g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
               "%s: file is longer than the %s %s its header claims",
               name, n, h->ndim == 3 ? "images" : "labels");
}

/* The data after the header: header.dims[0] items, newly allocated and
 * checked. progress covers [from, to]. */
static guint8 *
idx_reader_read_data (IdxReader        *r,
                      GCancellable     *cancellable,
                      LabProgressFunc   progress,
                      gpointer          user_data,
                      double            from,
                      double            to,
                      GError          **error)
{
  const LabIdxHeader *h = &r->header;
  guint64 want = 0;
  guint64 capacity;
  g_autofree guint8 *data = NULL;
  guint64 have = 0;
  guint8 extra;
  gsize got = 0;

  /* At most 2^32 x 2^32 x 2^32 for images: can overflow 64 bits. */
  if (!g_uint64_checked_mul (&want, header_items (h), header_item_bytes (h))
      || want > LAB_MAX_ALLOC_BYTES)
    {
      set_too_large (error, r->name, h);
      return NULL;
    }

  if (!h->gzip)
    {
      guint64 header_bytes = 4 + 4 * (guint64) h->ndim;
      guint64 on_disk = (guint64) MAX (h->file_size, (goffset) header_bytes) - header_bytes;

      if (on_disk < want)
        {
          set_short (error, r->name, h, on_disk);
          return NULL;
        }
      if (on_disk > want)
        {
          set_longer (error, r->name, h);
          return NULL;
        }
      capacity = want;
    }
  else
    {
      /* Only a plausible claim is allocated up front (Fashion-MNIST's
       * 26 MB of gzip for 47 MB of pixels is); otherwise start small and
       * grow as decompressed data really arrives. */
      guint64 plausible = (guint64) MAX (h->file_size, 0) * GZIP_MAX_RATIO;

      capacity = want <= plausible ? want : MIN (want, GZIP_FIRST_BUFFER);
    }

  data = g_try_malloc (MAX (capacity, 1));
  if (data == NULL)
    {
      g_autofree char *mib = lab_format_count (capacity >> 20);

      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: not enough memory for %s MiB of data", r->name, mib);
      return NULL;
    }

  while (have < want)
    {
      gsize slice;

      if (have == capacity)
        {
          guint64 bigger = MIN (want, capacity * 2);
          guint8 *grown = g_try_realloc (data, bigger);

          if (grown == NULL)
            {
              g_autofree char *mib = lab_format_count (bigger >> 20);

              g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                           "%s: not enough memory for %s MiB of data", r->name, mib);
              return NULL;
            }
          data = grown;
          capacity = bigger;
        }

      slice = (gsize) MIN (capacity - have, READ_SLICE);
      if (!read_exact (r, data + have, slice, &got, cancellable, error))
        return NULL;
      have += got;
      if (got < slice)
        {
          set_short (error, r->name, h, have);
          return NULL;
        }
      if (progress != NULL)
        progress (from + (to - from) * (double) have / (double) want, NULL, user_data);
    }

  /* Reading past the end also makes the decompressor check the gzip
   * trailer, so a cut-off .gz is caught even when the pixels are complete. */
  if (!read_exact (r, &extra, 1, &got, cancellable, error))
    return NULL;
  if (got != 0)
    {
      set_longer (error, r->name, h);
      return NULL;
    }

  return g_steal_pointer (&data);
}

static char **
numeric_class_names (guint n_classes)
{
  char **names = g_new0 (char *, n_classes + 1);

  for (guint k = 0; k < n_classes; k++)
    names[k] = g_strdup_printf ("%u", k);
  return names;
}

LabDataset *
lab_idx_load (const char       *images_path,
              const char       *labels_path,
              GCancellable     *cancellable,
              LabProgressFunc   progress,
              gpointer          user_data,
              GError          **error)
{
  g_auto(IdxReader) images = { 0 };
  g_auto(IdxReader) labels = { 0 };
  g_autofree guint8 *pixels = NULL;
  g_autofree guint8 *label_data = NULL;
  g_autoptr(LabDataset) ds = NULL;

  g_return_val_if_fail (images_path != NULL, NULL);

  if (!idx_reader_open (&images, images_path, 3, cancellable, error))
    return NULL;
  /* The format allows an empty file; a dataset of no images is none, and
   * its sides (which nothing then checks against the data) could be
   * anything. */
  if (images.header.dims[0] == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT, "%s: the file holds no images",
                   images.name);
      return NULL;
    }

  /* Compare the counts before reading 47 MB of pixels. */
  if (labels_path != NULL)
    {
      if (!idx_reader_open (&labels, labels_path, 1, cancellable, error))
        return NULL;
      if (labels.header.dims[0] != images.header.dims[0])
        {
          g_autofree char *n_images = lab_format_count (images.header.dims[0]);
          g_autofree char *n_labels = lab_format_count (labels.header.dims[0]);

          g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                       "%s: %s images but %s has %s labels",
                       images.name, n_images, labels.name, n_labels);
          return NULL;
        }
    }

  pixels = idx_reader_read_data (&images, cancellable, progress, user_data,
                                 0.0, labels_path != NULL ? 0.98 : 1.0, error);
  if (pixels == NULL)
    return NULL;

  if (labels_path != NULL)
    {
      label_data = idx_reader_read_data (&labels, cancellable, NULL, NULL, 0, 0, error);
      if (label_data == NULL)
        return NULL;
    }

  ds = lab_dataset_new_take (images.name, images.header.dims[0], images.header.dims[1],
                             images.header.dims[2], g_steal_pointer (&pixels),
                             g_steal_pointer (&label_data), error);
  if (ds == NULL)
    return NULL;
  g_free (ds->source);
  ds->source = g_strdup (images_path);

  if (ds->labels != NULL)
    {
      guint max = 0;
      g_auto(GStrv) names = NULL;

      for (guint i = 0; i < ds->n; i++)
        max = MAX (max, ds->labels[i]);
      names = numeric_class_names (ds->n > 0 ? max + 1 : 0);
      lab_dataset_set_class_names (ds, (const char * const *) names, ds->n > 0 ? max + 1 : 0);
    }

  if (progress != NULL)
    progress (1.0, NULL, user_data);
  return g_steal_pointer (&ds);
}

static void
put_be32 (guint8  *out,
          guint32  v)
{
  out[0] = v >> 24;
  out[1] = v >> 16;
  out[2] = v >> 8;
  out[3] = v;
}

/* Appends len bytes of input (all of it when last) to save through gzip. */
static gboolean
write_gzip (LabSave         *save,
            GConverter      *gzip,
            const guint8    *data,
            gsize            len,
            gboolean         last)
{
  guint8 out[64 * 1024];

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gsize read = 0, written = 0;
      GConverterResult r = g_converter_convert (gzip, data, len, out, sizeof out,
                                                last ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                                                &read, &written, &local_error);

      if (r == G_CONVERTER_ERROR)
        {
          lab_save_fail (save, g_strdup (local_error->message));
          return FALSE;
        }
      if (!lab_save_write (save, out, written))
        return FALSE;
      data += read;
      len -= read;
      if (r == G_CONVERTER_FINISHED || (len == 0 && !last))
        return TRUE;
    }
}

/* header, then data, into a save of path (gzip when the name says so),
 * not yet committed; NULL when the temporary file cannot be made. */
static LabSave *
write_idx_file (const char    *path,
                const guint8  *header,
                gsize          header_len,
                const guint8  *data,
                gsize          data_len,
                GError       **error)
{
  LabSave *save = lab_save_begin (path, error);

  if (save == NULL)
    return NULL;
  if (has_gzip_suffix (path))
    {
      g_autoptr(GZlibCompressor) gzip = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);

      if (write_gzip (save, G_CONVERTER (gzip), header, header_len, FALSE))
        write_gzip (save, G_CONVERTER (gzip), data, data_len, TRUE);
    }
  else if (lab_save_write (save, header, header_len))
    lab_save_write (save, data, data_len);
  return save;
}

gboolean
lab_idx_save (const LabDataset  *ds,
              const char        *images_path,
              const char        *labels_path,
              GError           **error)
{
  guint8 header[16];
  LabSave *images, *labels;

  g_return_val_if_fail (ds != NULL, FALSE);
  g_return_val_if_fail (images_path != NULL, FALSE);

  if (labels_path != NULL && ds->labels == NULL)
    {
      g_autofree char *name = g_path_get_basename (labels_path);

      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "%s: %s has no labels to write", name, ds->name);
      return FALSE;
    }

  header[0] = 0;
  header[1] = 0;
  header[2] = 0x08;
  header[3] = 3;
  put_be32 (header + 4, ds->n);
  put_be32 (header + 8, ds->height);
  put_be32 (header + 12, ds->width);
  images = write_idx_file (images_path, header, 16, ds->pixels,
                           (gsize) ds->n * ds->height * ds->width, error);
  if (images == NULL)
    return FALSE;
  if (labels_path == NULL)
    return lab_save_commit (images, error);

  /* Both whole before either is renamed, the labels last: a failure on
   * either leaves the previous pair as it was. */
  header[3] = 1;
  put_be32 (header + 4, ds->n);
  labels = write_idx_file (labels_path, header, 8, ds->labels, ds->n, error);
  if (labels == NULL)
    {
      lab_save_abandon (images);
      return FALSE;
    }
  return lab_save_commit_pair (images, labels, error);
}

/* Replaces the first `from` in s by `to`; NULL when s has none. */
static char *
replace_first (const char *s,
               const char *from,
               const char *to)
{
  const char *at = strstr (s, from);

  if (at == NULL)
    return NULL;
  return g_strdup_printf ("%.*s%s%s", (int) (at - s), s, to, at + strlen (from));
}

/* path itself, or the same name with ".gz" added or removed. */
static char *
existing_variant (const char *path)
{
  g_autofree char *other = NULL;

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_strdup (path);
  if (has_gzip_suffix (path))
    other = g_strndup (path, strlen (path) - 3);
  else
    other = g_strconcat (path, ".gz", NULL);
  if (g_file_test (other, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&other);
  return NULL;
}

char *
lab_idx_find_labels (const char *images_path)
{
  g_autofree char *dir = g_path_get_dirname (images_path);
  g_autofree char *base = g_path_get_basename (images_path);
  g_autofree char *step = NULL;
  g_autofree char *labels_base = NULL;
  g_autofree char *candidate = NULL;

  /* "train-images-idx3-ubyte" -> "train-labels-idx1-ubyte", also
   * "train-images.idx3-ubyte" and generic "*images*" -> "*labels*". */
  step = replace_first (base, "images", "labels");
  if (step == NULL)
    return NULL;
  labels_base = replace_first (step, "idx3", "idx1");
  if (labels_base == NULL)
    labels_base = g_strdup (step);
  candidate = g_build_filename (dir, labels_base, NULL);
  return existing_variant (candidate);
}

static gboolean
name_matches_split (const char *name,
                    LabSplit    split)
{
  if (split == LAB_SPLIT_TRAIN)
    return g_str_has_prefix (name, "train");
  return g_str_has_prefix (name, "t10k") || g_str_has_prefix (name, "test");
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char *
lab_idx_find_images (const char *dir,
                     LabSplit    split)
{
  static const char * const train_names[] = {
    "train-images-idx3-ubyte", "train-images.idx3-ubyte", NULL,
  };
  static const char * const test_names[] = {
    "t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte", "test-images-idx3-ubyte", NULL,
  };
  const char * const *names = split == LAB_SPLIT_TRAIN ? train_names : test_names;
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *entry;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      char *existing = existing_variant (path);

      if (existing != NULL)
        return existing;
    }

  /* Other spellings: "train-images-idx3.ubyte", "test_images.idx3"... */
  d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return NULL;
  found = g_ptr_array_new_with_free_func (g_free);
  while ((entry = g_dir_read_name (d)) != NULL)
    if (name_matches_split (entry, split) && strstr (entry, "images") != NULL
        && strstr (entry, "idx3") != NULL)
      g_ptr_array_add (found, g_strdup (entry));
  if (found->len == 0)
    return NULL;
  /* GDir's order is the file system's: sort so the choice is stable. */
  g_ptr_array_sort (found, compare_names);
  return g_build_filename (dir, (const char *) g_ptr_array_index (found, 0), NULL);
}

gboolean
lab_idx_dir_has_set (const char *dir)
{
  g_autofree char *train = lab_idx_find_images (dir, LAB_SPLIT_TRAIN);
  g_autofree char *test = NULL;

  if (train != NULL)
    return TRUE;
  test = lab_idx_find_images (dir, LAB_SPLIT_TEST);
  return test != NULL;
}
