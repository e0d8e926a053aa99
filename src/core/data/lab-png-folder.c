#define G_LOG_DOMAIN "latentlab-core"

#include "lab-png-folder.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lab-format.h"
#include "lab-png.h"

/* Size used when the folder's images disagree and none is the majority:
 * the MNIST size, so a model for the built-in datasets fits. */
#define DEFAULT_SIDE 28

/* One file that began with a PNG signature. */
typedef struct
{
  char  *path;    /* full path, for reading */
  char  *name;    /* relative to the folder, for messages: "cat/a.png" */
  guint  label;
  guint  width;   /* from IHDR */
  guint  height;
} Candidate;

static void
candidate_free (gpointer data)
{
  Candidate *c = data;

  g_free (c->path);
  g_free (c->name);
  g_free (c);
}

/* Natural order, independent of the locale so that class indices do not
 * change between machines: runs of digits compare by value ("2" < "10"),
 * everything else byte by byte. */
static int
natural_compare (const char *a,
                 const char *b)
{
  while (*a && *b)
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          const char *ea, *eb;
          gsize la, lb;

          while (*a == '0' && g_ascii_isdigit (a[1]))
            a++;
          while (*b == '0' && g_ascii_isdigit (b[1]))
            b++;
          for (ea = a; g_ascii_isdigit (*ea); ea++)
            ;
          for (eb = b; g_ascii_isdigit (*eb); eb++)
            ;
          la = ea - a;
          lb = eb - b;
          if (la != lb)
            return la < lb ? -1 : 1;
          for (; a < ea; a++, b++)
            if (*a != *b)
              return (guchar) *a < (guchar) *b ? -1 : 1;
          continue;
        }
      if (*a != *b)
        return (guchar) *a < (guchar) *b ? -1 : 1;
      a++;
      b++;
    }
  if (*a == *b)
    return 0;
  return *a == '\0' ? -1 : 1;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  int c = natural_compare (*(const char * const *) a, *(const char * const *) b);

  /* "01" and "1" are equal by value; keep the order total. */
  return c != 0 ? c : strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The visible regular files and folders directly in dir, each sorted. */
static gboolean
list_folder (const char  *dir,
             const char  *display,
             GPtrArray  **files,
             GPtrArray  **folders,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) f = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) d = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;

  enumerator = g_file_enumerate_children (file,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                          G_FILE_ATTRIBUTE_STANDARD_IS_HIDDEN,
                                          G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (enumerator == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_IO,
                   "%s: cannot read the folder (%s)", display, local_error->message);
      return FALSE;
    }

  for (;;)
    {
      GFileInfo *info = NULL;

      if (!g_file_enumerator_iterate (enumerator, &info, NULL, NULL, &local_error))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_IO,
                       "%s: cannot read the folder (%s)", display, local_error->message);
          return FALSE;
        }
      if (info == NULL)
        break;
      /* Dot files and folders (.thumbnails, .DS_Store) are not the user's data. */
      if (g_file_info_get_is_hidden (info))
        continue;
      switch (g_file_info_get_file_type (info))
        {
        case G_FILE_TYPE_REGULAR:
          g_ptr_array_add (f, g_strdup (g_file_info_get_name (info)));
          break;
        case G_FILE_TYPE_DIRECTORY:
          g_ptr_array_add (d, g_strdup (g_file_info_get_name (info)));
          break;
        default:
          break;
        }
    }

  g_ptr_array_sort (f, compare_names);
  g_ptr_array_sort (d, compare_names);
  if (files)
    *files = g_steal_pointer (&f);
  if (folders)
    *folders = g_steal_pointer (&d);
  return TRUE;
}

typedef struct
{
  GPtrArray     *candidates;  /* (element-type Candidate) */
  GPtrArray     *skipped;     /* (element-type utf8) "name: reason" */
  guint          n_ignored;
  GCancellable  *cancellable;
} Scan;

static gboolean
check_cancelled (Scan        *scan,
                 const char  *display,
                 GError     **error)
{
  if (g_cancellable_is_cancelled (scan->cancellable))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_CANCELLED, "%s: loading was cancelled", display);
      return TRUE;
    }
  return FALSE;
}

/* Image formats that are not PNG, by their first bytes. */
static const char *
other_image_format (const guint8 *head,
                    gsize         len)
{
  if (len >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
    return "JPEG";
  if (len >= 6 && (memcmp (head, "GIF87a", 6) == 0 || memcmp (head, "GIF89a", 6) == 0))
    return "GIF";
  if (len >= 12 && memcmp (head, "RIFF", 4) == 0 && memcmp (head + 8, "WEBP", 4) == 0)
    return "WebP";
  if (len >= 4 && (memcmp (head, "II*\0", 4) == 0 || memcmp (head, "MM\0*", 4) == 0))
    return "TIFF";
  return NULL;
}

/* A name that says "image": such a file is listed with its reason when
 * it does not load; any other file that is no image is only counted. */
static gboolean
has_image_suffix (const char *name)
{
  static const char * const suffixes[] = {
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff",
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}

/* "starts with "this is…"" or "starts with bytes 00 01 …": the first 8
 * bytes (as many as a PNG signature), so the user sees what the file is. */
static char *
describe_start (const guint8 *head,
                gsize         len)
{
  gsize n = MIN (len, 8), shown = n;
  gboolean text = TRUE;
  GString *s;

  for (gsize i = 0; i < n; i++)
    text &= head[i] >= 0x20 && head[i] < 0x7f;
  if (text)
    {
      while (shown > 0 && head[shown - 1] == ' ')
        shown--;
      s = g_string_new ("starts with \"");
      g_string_append_len (s, (const char *) head, shown);
      g_string_append (s, len > shown ? "…\"" : "\"");
      return g_string_free (s, FALSE);
    }
  s = g_string_new ("starts with bytes");
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, " %02x", head[i]);
  if (len > n)
    g_string_append (s, " …");
  return g_string_free (s, FALSE);
}

/* Reads the header of every file in files (names inside dir, which is
 * rel inside the root). PNGs become candidates with this label; every
 * other file that looks like an image (by its first bytes or its name) is
 * listed in skipped with the reason, the rest counted as non-image files.
 * Loose files (beside class folders) are never candidates: they have no
 * class. Returns the number of candidates added, or -1 when cancelled. */
static int
scan_files (Scan        *scan,
            const char  *dir,
            const char  *rel,
            GPtrArray   *files,
            guint        label,
            gboolean     loose,
            const char  *display,
            GError     **error)
{
  int added = 0;

  for (guint i = 0; i < files->len; i++)
    {
      const char *base = g_ptr_array_index (files, i);
      g_autofree char *path = g_build_filename (dir, base, NULL);
      g_autofree char *base_display = g_filename_display_name (base);
      g_autofree char *name = rel ? g_strdup_printf ("%s/%s", rel, base_display)
                                  : g_strdup (base_display);
      g_autoptr(GError) local_error = NULL;
      guint8 head[LAB_PNG_HEADER_BYTES];
      gboolean is_png = FALSE, parsed;
      const char *format;
      guint w = 0, h = 0;
      gsize got;
      FILE *fp;

      if (check_cancelled (scan, display, error))
        return -1;

      fp = g_fopen (path, "rbe");
      if (fp == NULL)
        {
          int saved = errno;
          g_ptr_array_add (scan->skipped,
                           g_strdup_printf ("%s: cannot open (%s)", name, g_strerror (saved)));
          continue;
        }
      got = fread (head, 1, sizeof head, fp);
      fclose (fp);

      parsed = lab_png_parse_header (head, got, name, &is_png, &w, &h, &local_error);
      format = is_png ? "PNG" : other_image_format (head, got);
      if (loose && (format != NULL || has_image_suffix (base)))
        g_ptr_array_add (scan->skipped,
                         g_strdup_printf ("%s: beside the class folders, so it has no class "
                                          "(move it into one)", name));
      else if (loose)
        scan->n_ignored++;
      else if (parsed)
        {
          Candidate *c = g_new0 (Candidate, 1);

          c->path = g_steal_pointer (&path);
          c->name = g_steal_pointer (&name);
          c->label = label;
          c->width = w;
          c->height = h;
          g_ptr_array_add (scan->candidates, c);
          added++;
        }
      else if (is_png)
        g_ptr_array_add (scan->skipped, g_strdup (local_error->message));
      else if (format != NULL)
        g_ptr_array_add (scan->skipped,
                         g_strdup_printf ("%s: a %s image; only PNG images are read "
                                          "(convert it to PNG)", name, format));
      else if (has_image_suffix (base) && got == 0)
        g_ptr_array_add (scan->skipped, g_strdup_printf ("%s: empty file", name));
      else if (has_image_suffix (base))
        {
          g_autofree char *start = describe_start (head, got);
          g_ptr_array_add (scan->skipped,
                           g_strdup_printf ("%s: not a PNG file (%s)", name, start));
        }
      else
        scan->n_ignored++;
    }
  return added;
}

/* The most common size if more than half of the images have it. */
static void
choose_size (GPtrArray *candidates,
             guint     *height,
             guint     *width)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *keys = g_new (gint64, MAX (candidates->len, 1));
  guint best = 0;
  gint64 best_key = 0;

  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = g_ptr_array_index (candidates, i);
      guint count;

      keys[i] = ((gint64) c->height << 32) | c->width;
      count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, &keys[i])) + 1;
      g_hash_table_insert (counts, &keys[i], GUINT_TO_POINTER (count));
      if (count > best)
        {
          best = count;
          best_key = keys[i];
        }
    }

  if (best * 2 > candidates->len)
    {
      *height = (guint) (best_key >> 32);
      *width = (guint) (best_key & G_MAXUINT32);
    }
  else
    {
      *height = DEFAULT_SIDE;
      *width = DEFAULT_SIDE;
    }
}

static char *
describe_failures (Scan *scan)
{
  GString *s = g_string_new (NULL);

  if (scan->skipped->len > 0)
    {
      g_string_append_printf (s, "; %u not loaded: %s", scan->skipped->len,
                              (const char *) g_ptr_array_index (scan->skipped, 0));
      if (scan->skipped->len > 1)
        g_string_append (s, ", ...");
    }
  if (scan->n_ignored > 0)
    g_string_append_printf (s, "; %u other %s, not images", scan->n_ignored,
                            scan->n_ignored == 1 ? "file" : "files");
  if (s->len > 0)
    {
      /* "; a; b" -> " (a; b)" */
      g_string_erase (s, 0, 2);
      g_string_prepend (s, " (");
      g_string_append_c (s, ')');
    }
  return g_string_free (s, FALSE);
}

LabDataset *
lab_png_folder_load (const char       *path,
                     guint             height,
                     guint             width,
                     GCancellable     *cancellable,
                     LabProgressFunc   progress,
                     gpointer          user_data,
                     GError          **error)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (candidate_free);
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) top_files = NULL;
  g_autoptr(GPtrArray) top_folders = NULL;
  g_autoptr(GPtrArray) class_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LabDataset) dataset = NULL;
  g_autofree char *display = NULL;
  g_autofree char *base = NULL;
  g_autofree guint8 *pixels = NULL;
  g_autofree guint8 *labels = NULL;
  Scan scan = { candidates, skipped, 0, cancellable };
  gboolean labelled;
  gsize image_size;
  guint n = 0;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);

  {
    g_autofree char *d = g_filename_display_name (path);
    display = g_str_has_suffix (d, "/") ? g_strdup (d) : g_strconcat (d, "/", NULL);
  }

  if ((height == 0) != (width == 0))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "%s: image size %u x %u: give both sides, or neither", display, width, height);
      return NULL;
    }
  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, LAB_ERROR, saved == ENOENT ? LAB_ERROR_NOT_FOUND : LAB_ERROR_IO,
                   "%s: cannot open (%s)", display, g_strerror (saved));
      return NULL;
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "%s: not a folder", display);
      return NULL;
    }

  if (!list_folder (path, display, &top_files, &top_folders, error))
    return NULL;

  /* A subfolder with at least one PNG is a class. Its own subfolders are
   * not descended into. */
  for (guint i = 0; i < top_folders->len; i++)
    {
      const char *sub = g_ptr_array_index (top_folders, i);
      g_autofree char *dir = g_build_filename (path, sub, NULL);
      g_autofree char *sub_display = g_filename_display_name (sub);
      g_autoptr(GPtrArray) files = NULL;
      g_autoptr(GPtrArray) nested = NULL;
      g_autoptr(GError) local_error = NULL;
      int added;

      if (!list_folder (dir, sub_display, &files, &nested, &local_error))
        {
          g_ptr_array_add (skipped, g_strdup (local_error->message));
          continue;
        }
      for (guint k = 0; k < nested->len; k++)
        {
          g_autofree char *nested_display = g_filename_display_name (g_ptr_array_index (nested, k));
          g_ptr_array_add (skipped, g_strdup_printf ("%s/%s/: a folder two levels down; "
                                                     "only the class folders' own files are read",
                                                     sub_display, nested_display));
        }
      added = scan_files (&scan, dir, sub_display, files, class_names->len, FALSE, display, error);
      if (added < 0)
        return NULL;
      if (added > 0)
        g_ptr_array_add (class_names, g_steal_pointer (&sub_display));
    }

  /* Loose files beside class folders have no class: listed or counted,
   * never loaded. */
  labelled = class_names->len > 0;
  if (scan_files (&scan, path, NULL, top_files, 0, labelled, display, error) < 0)
    return NULL;

  if (labelled && class_names->len > 256)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: %u class folders; at most 256 classes are supported",
                   display, class_names->len);
      return NULL;
    }

  if (candidates->len == 0)
    {
      g_autofree char *why = describe_failures (&scan);
      g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND,
                   "%s: no PNG images found%s", display, why);
      return NULL;
    }

  /* Every image is decoded whole before it is resized: the IHDR sizes
   * bound the decoding's time and memory before any pixel is read. */
  {
    guint64 total = 0;

    for (guint i = 0; i < candidates->len; i++)
      {
        Candidate *c = g_ptr_array_index (candidates, i);
        total += (guint64) c->width * c->height;
      }
    if (total > LAB_PNG_FOLDER_MAX_PIXELS)
      {
        g_autofree char *mp = lab_format_count (total / 1000000);
        g_autofree char *budget = lab_format_count (LAB_PNG_FOLDER_MAX_PIXELS / 1000000);
        g_autofree char *count = lab_format_count (candidates->len);

        g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                     "%s: its %s images total %s megapixels, more than the %s-megapixel "
                     "budget of one folder (make them smaller, or load fewer at once)",
                     display, count, mp, budget);
        return NULL;
      }
  }

  if (height == 0)
    choose_size (candidates, &height, &width);

  image_size = (gsize) height * width;
  if ((guint64) candidates->len * height * width > LAB_MAX_ALLOC_BYTES)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: %u images of %u x %u pixels are too many to load",
                   display, candidates->len, width, height);
      return NULL;
    }
  /* Decoded images land here first; corrupt files are only found while
   * decoding, and the dataset is made once the final count is known. */
  pixels = g_try_malloc (candidates->len * image_size);
  labels = g_new0 (guint8, candidates->len);
  if (pixels == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: not enough memory for %u images of %u x %u pixels",
                   display, candidates->len, width, height);
      return NULL;
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = g_ptr_array_index (candidates, i);
      g_autoptr(GError) local_error = NULL;
      g_autofree guint8 *img = NULL;
      guint w, h;

      if (check_cancelled (&scan, display, error))
        return NULL;
      if (progress)
        progress ((double) i / candidates->len, c->name, user_data);

      if (!lab_png_load_gray_named (c->path, c->name, &w, &h, &img, &local_error))
        {
          g_ptr_array_add (skipped, g_strdup (local_error->message));
          continue;
        }
      if (w == width && h == height)
        memcpy (pixels + n * image_size, img, image_size);
      else
        lab_png_resize_area (img, w, h, pixels + n * image_size, width, height);
      labels[n] = c->label;
      n++;
    }

  if (n == 0)
    {
      g_autofree char *why = describe_failures (&scan);
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: no readable PNG images%s", display, why);
      return NULL;
    }

  /* Give back what corrupt files left unused, then hand the buffers over. */
  pixels = g_realloc (g_steal_pointer (&pixels), n * image_size);
  if (!labelled)
    g_clear_pointer (&labels, g_free);
  base = g_path_get_basename (path);
  {
    g_autofree char *name = g_filename_display_name (base);
    dataset = lab_dataset_new_take (name, n, height, width,
                                    g_steal_pointer (&pixels), g_steal_pointer (&labels),
                                    error);
  }
  if (dataset == NULL)
    return NULL;
  if (labelled)
    {
      g_ptr_array_add (class_names, NULL);
      lab_dataset_set_class_names (dataset, (const char * const *) class_names->pdata,
                                   class_names->len - 1);
    }
  g_free (dataset->source);
  dataset->source = g_strdup (path);
  for (guint i = 0; i < skipped->len; i++)
    g_ptr_array_add (dataset->skipped, g_strdup (g_ptr_array_index (skipped, i)));
  dataset->n_ignored = scan.n_ignored;

  if (progress)
    progress (1.0, NULL, user_data);
  return g_steal_pointer (&dataset);
}
