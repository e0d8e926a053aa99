#define G_LOG_DOMAIN "latentlab-core"

#include "lab-gallery.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lab-idx.h"
#include "lab-png.h"
#include "lab-save.h"
#include "lab-save-folder.h"

struct _LabGallery
{
  guint       height, width;
  guint       n_classes;
  char      **class_names;   /* (n_classes) NULL-terminated */
  GPtrArray  *items;         /* (element-type LabGalleryItem) owned */
  guint       next_id;
};

static void
item_free (gpointer data)
{
  LabGalleryItem *item = data;

  g_free (item->pixels);
  g_free (item->latent);
  g_free (item->model);
  g_free (item->method);
  g_free (item->nearest_pixels);
  g_free (item);
}

LabGallery *
lab_gallery_new (guint               height,
                 guint               width,
                 const char * const *class_names,
                 guint               n_classes)
{
  LabGallery *self = g_new0 (LabGallery, 1);

  self->height = height;
  self->width = width;
  self->n_classes = n_classes;
  self->class_names = g_new0 (char *, n_classes + 1);
  for (guint c = 0; c < n_classes; c++)
    self->class_names[c] = class_names != NULL && class_names[c] != NULL
                           ? g_strdup (class_names[c]) : g_strdup_printf ("%u", c);
  self->items = g_ptr_array_new_with_free_func (item_free);
  self->next_id = 1;
  return self;
}

void
lab_gallery_free (LabGallery *self)
{
  if (self == NULL)
    return;
  g_strfreev (self->class_names);
  g_ptr_array_unref (self->items);
  g_free (self);
}

guint
lab_gallery_get_height (LabGallery *self)
{
  return self->height;
}

guint
lab_gallery_get_width (LabGallery *self)
{
  return self->width;
}

guint
lab_gallery_get_n_classes (LabGallery *self)
{
  return self->n_classes;
}

const char *
lab_gallery_get_class_name (LabGallery *self,
                            guint       label)
{
  return label < self->n_classes ? self->class_names[label] : NULL;
}

/* Takes pixels (height * width, g_malloc'd). */
static guint
add_item (LabGallery             *self,
          guint8                 *pixels,
          const float            *latent,
          guint                   latent_dim,
          int                     label,
          const LabGallerySource *source)
{
  LabGalleryItem *item = g_new0 (LabGalleryItem, 1);

  item->id = self->next_id++;
  item->pixels = pixels;
  item->latent_dim = latent != NULL ? latent_dim : 0;
  item->latent = latent != NULL ? g_memdup2 (latent, (gsize) latent_dim * sizeof (float)) : NULL;
  item->label = label >= 0 && (guint) label < self->n_classes ? label : -1;
  item->x = NAN;
  item->y = NAN;
  if (source != NULL)
    {
      item->model = g_strdup (source->model);
      item->method = g_strdup (source->method);
      item->x = source->x;
      item->y = source->y;
      item->step = source->step;
    }
  g_ptr_array_add (self->items, item);
  return item->id;
}

guint
lab_gallery_add (LabGallery             *self,
                 const float            *image,
                 const float            *latent,
                 guint                   latent_dim,
                 int                     label,
                 const LabGallerySource *source)
{
  gsize n = (gsize) self->height * self->width;
  guint8 *pixels = g_new (guint8, n);

  for (gsize i = 0; i < n; i++)
    pixels[i] = (guint8) lrintf (CLAMP (image[i], 0.0f, 1.0f) * 255.0f);
  return add_item (self, pixels, latent, latent_dim, label, source);
}

guint
lab_gallery_add_pixels (LabGallery             *self,
                        const guint8           *pixels,
                        const float            *latent,
                        guint                   latent_dim,
                        int                     label,
                        const LabGallerySource *source)
{
  return add_item (self, g_memdup2 (pixels, (gsize) self->height * self->width),
                   latent, latent_dim, label, source);
}

guint
lab_gallery_get_n (LabGallery *self)
{
  return self->items->len;
}

const LabGalleryItem *
lab_gallery_get_item (LabGallery *self,
                      guint       i)
{
  return i < self->items->len ? g_ptr_array_index (self->items, i) : NULL;
}

static LabGalleryItem *
find_item (LabGallery *self,
           guint       id,
           guint      *position)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      LabGalleryItem *item = g_ptr_array_index (self->items, i);

      if (item->id == id)
        {
          if (position != NULL)
            *position = i;
          return item;
        }
    }
  return NULL;
}

const LabGalleryItem *
lab_gallery_find (LabGallery *self,
                  guint       id)
{
  return find_item (self, id, NULL);
}

gboolean
lab_gallery_remove (LabGallery *self,
                    guint       id)
{
  guint position;

  if (find_item (self, id, &position) == NULL)
    return FALSE;
  g_ptr_array_remove_index (self->items, position);
  return TRUE;
}

void
lab_gallery_clear (LabGallery *self)
{
  g_ptr_array_set_size (self->items, 0);
}

gboolean
lab_gallery_set_label (LabGallery *self,
                       guint       id,
                       int         label)
{
  LabGalleryItem *item = find_item (self, id, NULL);

  if (item == NULL)
    return FALSE;
  item->label = label >= 0 && (guint) label < self->n_classes ? label : -1;
  return TRUE;
}

gboolean
lab_gallery_set_nearest (LabGallery   *self,
                         guint         id,
                         guint         index,
                         double        distance,
                         const guint8 *pixels)
{
  LabGalleryItem *item = find_item (self, id, NULL);

  if (item == NULL)
    return FALSE;
  item->has_nearest = TRUE;
  item->nearest_index = index;
  item->nearest_distance = distance;
  g_clear_pointer (&item->nearest_pixels, g_free);
  if (pixels != NULL)
    item->nearest_pixels = g_memdup2 (pixels, (gsize) self->height * self->width);
  return TRUE;
}

/* Memorisation and diversity */

gboolean
lab_gallery_find_nearest (const guint8  *pixels,
                          guint          height,
                          guint          width,
                          LabDataset    *dataset,
                          guint         *index,
                          double        *distance,
                          GCancellable  *cancellable,
                          GError       **error)
{
  gsize size = (gsize) height * width;
  guint64 best = G_MAXUINT64;
  guint best_i = 0;

  if (dataset->height != height || dataset->width != width)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "The kept images are %u×%u pixels, but “%s” has %u×%u images",
                   width, height, dataset->name, dataset->width, dataset->height);
      return FALSE;
    }
  if (dataset->n == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "“%s” has no images", dataset->name);
      return FALSE;
    }
  for (guint i = 0; i < dataset->n; i++)
    {
      const guint8 *img = lab_dataset_image (dataset, i);
      guint64 sum = 0;

      /* Squared differences of bytes fit 32 bits per 66,000 pixels; sum
       * them in 64 bits and the whole search stays exact. */
      for (gsize p = 0; p < size; p++)
        {
          int d = (int) img[p] - (int) pixels[p];

          sum += (guint32) (d * d);
        }
      if (sum < best)
        {
          best = sum;
          best_i = i;
        }
      if ((i & 4095) == 4095 && g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (error, LAB_ERROR, LAB_ERROR_CANCELLED,
                               "The search for the nearest training image was stopped");
          return FALSE;
        }
    }
  *index = best_i;
  *distance = sqrt ((double) best) / 255.0;
  return TRUE;
}

void
lab_gallery_diversity (LabGallery *self,
                       double     *pixel_distance,
                       double     *latent_distance)
{
  gsize size = (gsize) self->height * self->width;
  double pixel_sum = 0, latent_sum = 0;
  guint64 pixel_pairs = 0, latent_pairs = 0;

  for (guint i = 0; i < self->items->len; i++)
    for (guint j = i + 1; j < self->items->len; j++)
      {
        const LabGalleryItem *a = g_ptr_array_index (self->items, i);
        const LabGalleryItem *b = g_ptr_array_index (self->items, j);
        guint64 sum = 0;

        for (gsize p = 0; p < size; p++)
          {
            int d = (int) a->pixels[p] - (int) b->pixels[p];

            sum += (guint32) (d * d);
          }
        pixel_sum += sqrt ((double) sum) / 255.0;
        pixel_pairs++;

        if (a->latent != NULL && b->latent != NULL && a->latent_dim == b->latent_dim)
          {
            double s = 0;

            for (guint k = 0; k < a->latent_dim; k++)
              {
                double d = (double) a->latent[k] - b->latent[k];

                s += d * d;
              }
            latent_sum += sqrt (s);
            latent_pairs++;
          }
      }
  if (pixel_distance != NULL)
    *pixel_distance = pixel_pairs > 0 ? pixel_sum / pixel_pairs : NAN;
  if (latent_distance != NULL)
    *latent_distance = latent_pairs > 0 ? latent_sum / latent_pairs : NAN;
}

/* Export */

LabDataset *
lab_gallery_to_dataset (LabGallery  *self,
                        const char  *name,
                        GError     **error)
{
  gsize size = (gsize) self->height * self->width;
  g_autoptr(LabDataset) ds = NULL;

  if (self->items->len == 0)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                           "The gallery is empty: keep some decoded images first");
      return NULL;
    }
  for (guint i = 0; i < self->items->len; i++)
    {
      const LabGalleryItem *item = g_ptr_array_index (self->items, i);

      if (item->label < 0)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "Kept image %u has no label; give it one before exporting", i + 1);
          return NULL;
        }
    }
  ds = lab_dataset_new (name ? name : "Gallery", self->items->len, self->height, self->width,
                        TRUE, error);
  if (ds == NULL)
    return NULL;
  for (guint i = 0; i < self->items->len; i++)
    {
      const LabGalleryItem *item = g_ptr_array_index (self->items, i);

      memcpy (ds->pixels + i * size, item->pixels, size);
      ds->labels[i] = (guint8) item->label;
    }
  lab_dataset_set_class_names (ds, (const char * const *) self->class_names, self->n_classes);
  g_free (ds->source);
  ds->source = g_strdup ("gallery");
  return g_steal_pointer (&ds);
}

/* A class name as one folder name: no separators, no leading dot, never
 * empty ("T-shirt/top" -> "T-shirt_top"). */
static char *
folder_name (const char *class_name,
             guint       label)
{
  GString *s = g_string_new (NULL);

  for (const char *p = class_name; p != NULL && *p; p++)
    {
      char c = *p;

      if (c == '/' || c == '\\' || c == ':' || (guchar) c < 0x20)
        c = '_';
      g_string_append_c (s, c);
    }
  while (s->len > 0 && s->str[0] == '.')
    g_string_erase (s, 0, 1);
  if (s->len == 0)
    g_string_printf (s, "class-%u", label);
  return g_string_free (s, FALSE);
}

static char *
item_file (LabGallery *self,
           guint       i)
{
  const LabGalleryItem *item = g_ptr_array_index (self->items, i);
  g_autofree char *folder = folder_name (self->class_names[item->label], item->label);

  return g_strdup_printf ("%s/sample-%04u.png", folder, i + 1);
}

static void
csv_field (GString    *s,
           const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\n") == NULL)
    {
      g_string_append (s, text);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

static void
csv_double (GString *s,
            double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isfinite (v))
    g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.6g", v));
}

gboolean
lab_gallery_save_csv (LabGallery  *self,
                      const char  *path,
                      GError     **error)
{
  g_autoptr(GString) s = g_string_new ("file,label,class,model,method,x,y,step,"
                                       "nearest_index,nearest_distance,latent\n");

  for (guint i = 0; i < self->items->len; i++)
    {
      const LabGalleryItem *item = g_ptr_array_index (self->items, i);

      if (item->label >= 0)
        {
          g_autofree char *file = item_file (self, i);

          csv_field (s, file);
          g_string_append_printf (s, ",%d,", item->label);
          csv_field (s, self->class_names[item->label]);
        }
      else
        g_string_append (s, ",,");
      g_string_append_c (s, ',');
      csv_field (s, item->model);
      g_string_append_c (s, ',');
      csv_field (s, item->method);
      g_string_append_c (s, ',');
      csv_double (s, item->x);
      g_string_append_c (s, ',');
      csv_double (s, item->y);
      g_string_append_printf (s, ",%" G_GUINT64_FORMAT ",", item->step);
      if (item->has_nearest)
        {
          g_string_append_printf (s, "%u,", item->nearest_index);
          csv_double (s, item->nearest_distance);
        }
      else
        g_string_append_c (s, ',');
      g_string_append_c (s, ',');
      for (guint k = 0; k < item->latent_dim; k++)
        {
          if (k > 0)
            g_string_append_c (s, ' ');
          csv_double (s, item->latent[k]);
        }
      g_string_append_c (s, '\n');
    }
  return lab_save_contents (path, s->str, s->len, error);
}

/* What an export leaves in its folder: provenance.csv and class folders
 * of sample-NNNN.png. Only such a folder is replaced by another export;
 * any other is the user's, and not for us to remove. */
static gboolean
is_export_folder (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  gboolean csv = FALSE;

  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GDir) sub = NULL;
      const char *leaf;

      if (strcmp (name, "provenance.csv") == 0)
        {
          csv = TRUE;
          continue;
        }
      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || (sub = g_dir_open (path, 0, NULL)) == NULL)
        return FALSE;
      while ((leaf = g_dir_read_name (sub)) != NULL)
        if (!g_str_has_prefix (leaf, "sample-") || !g_str_has_suffix (leaf, ".png"))
          return FALSE;
    }
  return csv;
}

gboolean
lab_gallery_export_png_folder (LabGallery  *self,
                               const char  *dir,
                               GError     **error)
{
  g_autoptr(LabSaveFolder) folder = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(LabDataset) check = NULL;
  const char *tmp;

  /* The same checks as the IDX export: labelled and not empty. */
  check = lab_gallery_to_dataset (self, NULL, error);
  if (check == NULL)
    return FALSE;
  if (g_file_test (dir, G_FILE_TEST_EXISTS) && !is_export_folder (dir))
    {
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);

      if (d == NULL || g_dir_read_name (d) != NULL)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_IO,
                       "%s: already there and not an empty folder or an earlier export; "
                       "choose a new name", dir);
          return FALSE;
        }
    }

  /* Whole into a new folder beside dir, then renamed into place. */
  if ((folder = lab_save_folder_begin (dir, error)) == NULL)
    return FALSE;
  tmp = lab_save_folder_get_dir (folder);
  for (guint i = 0; i < self->items->len; i++)
    {
      const LabGalleryItem *item = g_ptr_array_index (self->items, i);
      g_autofree char *file = item_file (self, i);
      g_autofree char *path = g_build_filename (tmp, file, NULL);
      g_autofree char *parent = g_path_get_dirname (path);

      if (g_mkdir_with_parents (parent, 0755) != 0)
        {
          int saved = errno;

          g_set_error (error, LAB_ERROR, LAB_ERROR_IO, "%s: cannot create the folder (%s)",
                       parent, g_strerror (saved));
          return FALSE;
        }
      if (!lab_png_save_gray (path, item->pixels, self->width, self->height, error))
        return FALSE;
    }
  csv = g_build_filename (tmp, "provenance.csv", NULL);
  if (!lab_gallery_save_csv (self, csv, error))
    return FALSE;
  return lab_save_folder_commit (g_steal_pointer (&folder), error);
}

gboolean
lab_gallery_export_idx (LabGallery  *self,
                        const char  *images_path,
                        const char  *labels_path,
                        GError     **error)
{
  g_autoptr(LabDataset) ds = lab_gallery_to_dataset (self, NULL, error);

  if (ds == NULL)
    return FALSE;
  return lab_idx_save (ds, images_path, labels_path, error);
}
