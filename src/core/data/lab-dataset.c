#define G_LOG_DOMAIN "latentlab-core"

#include "lab-dataset.h"

#include "lab-format.h"

#include <string.h>


/* Checks n x height x width against overflow and LAB_MAX_ALLOC_BYTES. */
static gboolean
check_size (const char  *name,
            guint        n,
            guint        height,
            guint        width,
            guint64     *bytes,
            GError     **error)
{
  guint64 pixels = 0;

  if (height == 0 || width == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "%s: images of %u x %u pixels", name, height, width);
      return FALSE;
    }
  /* Each factor < 2^32, so the product of two cannot overflow; three can. */
  if (!g_uint64_checked_mul (&pixels, (guint64) height * width, n)
      || pixels > LAB_MAX_ALLOC_BYTES)
    {
      g_autofree char *count = lab_format_count (n);

      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: %s images of %u x %u pixels need more than 4 GiB",
                   name, count, height, width);
      return FALSE;
    }
  *bytes = pixels;
  return TRUE;
}

static LabDataset *
dataset_wrap (const char *name,
              guint       n,
              guint       height,
              guint       width,
              guint8     *pixels,
              guint8     *labels)
{
  LabDataset *self = g_new0 (LabDataset, 1);

  g_ref_count_init (&self->ref_count);
  self->name = g_strdup (name != NULL ? name : "dataset");
  self->source = g_strdup ("");
  self->n = n;
  self->height = height;
  self->width = width;
  self->pixels = pixels;
  self->labels = labels;
  self->class_names = g_new0 (char *, 1);
  self->skipped = g_ptr_array_new_with_free_func (g_free);
  return self;
}

LabDataset *
lab_dataset_new (const char  *name,
                 guint        n,
                 guint        height,
                 guint        width,
                 gboolean     labelled,
                 GError     **error)
{
  guint64 bytes = 0;
  guint8 *pixels;
  guint8 *labels = NULL;

  if (!check_size (name, n, height, width, &bytes, error))
    return NULL;

  /* calloc: zero pages come from the kernel lazily, so a loader that
   * overwrites every byte next does not pay for the zeroing twice. */
  pixels = g_try_malloc0 (MAX (bytes, 1));
  if (labelled)
    labels = g_try_malloc0 (MAX (n, 1));
  if (pixels == NULL || (labelled && labels == NULL))
    {
      g_free (pixels);
      g_free (labels);
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s: not enough memory for %u images of %u x %u pixels",
                   name, n, height, width);
      return NULL;
    }
  return dataset_wrap (name, n, height, width, pixels, labels);
}

LabDataset *
lab_dataset_new_take (const char  *name,
                      guint        n,
                      guint        height,
                      guint        width,
                      guint8      *pixels,
                      guint8      *labels,
                      GError     **error)
{
  guint64 bytes = 0;

  if (!check_size (name, n, height, width, &bytes, error))
    {
      g_free (pixels);
      g_free (labels);
      return NULL;
    }
  return dataset_wrap (name, n, height, width, pixels, labels);
}

LabDataset *
lab_dataset_ref (LabDataset *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

void
lab_dataset_unref (LabDataset *self)
{
  g_return_if_fail (self != NULL);

  if (!g_ref_count_dec (&self->ref_count))
    return;
  g_free (self->name);
  g_free (self->source);
  g_free (self->pixels);
  g_free (self->labels);
  g_strfreev (self->class_names);
  g_ptr_array_unref (self->skipped);
  g_free (self);
}

void
lab_dataset_set_class_names (LabDataset         *self,
                             const char * const *names,
                             guint               n_classes)
{
  char **copy;

  g_return_if_fail (self != NULL);

  /* NULL names: "0".."n_classes-1"; missing entries likewise. */
  copy = g_new0 (char *, n_classes + 1);
  for (guint k = 0; k < n_classes; k++)
    {
      if (names != NULL && names[k] == NULL)
        names = NULL;
      copy[k] = names != NULL ? g_strdup (names[k]) : g_strdup_printf ("%u", k);
    }
  g_strfreev (self->class_names);
  self->class_names = copy;
  self->n_classes = n_classes;
}

const char *
lab_dataset_class_name (const LabDataset *self,
                        guint             klass,
                        char              buf[16])
{
  if (self->class_names != NULL && klass < self->n_classes && self->class_names[klass] != NULL)
    return self->class_names[klass];
  g_snprintf (buf, 16, "%u", klass);
  return buf;
}

void
lab_dataset_class_counts (const LabDataset *self,
                          guint            *counts)
{
  g_return_if_fail (self != NULL);

  if (self->n_classes == 0)
    return;
  memset (counts, 0, self->n_classes * sizeof *counts);
  if (self->labels == NULL)
    return;
  for (guint i = 0; i < self->n; i++)
    if (self->labels[i] < self->n_classes)
      counts[self->labels[i]]++;
}

LabDataset *
lab_dataset_subset (const LabDataset  *self,
                    const guint       *indices,
                    guint              n,
                    GError           **error)
{
  g_autoptr(LabDataset) sub = NULL;
  gsize image_bytes;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (indices != NULL || n == 0, NULL);

  for (guint i = 0; i < n; i++)
    if (indices[i] >= self->n)
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "%s: image %u asked for, but it has only %u images",
                     self->name, indices[i], self->n);
        return NULL;
      }

  sub = lab_dataset_new (self->name, n, self->height, self->width,
                         self->labels != NULL, error);
  if (sub == NULL)
    return NULL;

  image_bytes = (gsize) self->height * self->width;
  for (guint i = 0; i < n; i++)
    {
      memcpy (sub->pixels + i * image_bytes, self->pixels + indices[i] * image_bytes,
              image_bytes);
      if (self->labels != NULL)
        sub->labels[i] = self->labels[indices[i]];
    }
  g_free (sub->source);
  sub->source = g_strdup (self->source);
  lab_dataset_set_class_names (sub, (const char * const *) self->class_names, self->n_classes);
  return g_steal_pointer (&sub);
}

LabDataset *
lab_dataset_concat (const LabDataset  *a,
                    const LabDataset  *b,
                    const char        *name,
                    GError           **error)
{
  g_autoptr(LabDataset) both = NULL;
  gsize image_bytes;

  g_return_val_if_fail (a != NULL && b != NULL, NULL);

  if (a->height != b->height || a->width != b->width
      || (a->labels != NULL) != (b->labels != NULL) || a->n_classes != b->n_classes)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "%s (%u × %u, %u classes) and %s (%u × %u, %u classes) cannot be "
                   "joined into one set", a->name, a->height, a->width, a->n_classes,
                   b->name, b->height, b->width, b->n_classes);
      return NULL;
    }
  if ((guint64) a->n + b->n > G_MAXUINT)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "%s and %s together hold too many images", a->name, b->name);
      return NULL;
    }
  both = lab_dataset_new (name != NULL ? name : a->name, a->n + b->n, a->height, a->width,
                          a->labels != NULL, error);
  if (both == NULL)
    return NULL;
  image_bytes = (gsize) a->height * a->width;
  memcpy (both->pixels, a->pixels, a->n * image_bytes);
  memcpy (both->pixels + a->n * image_bytes, b->pixels, b->n * image_bytes);
  if (a->labels != NULL)
    {
      memcpy (both->labels, a->labels, a->n);
      memcpy (both->labels + a->n, b->labels, b->n);
    }
  g_free (both->source);
  both->source = g_strdup (a->source);
  lab_dataset_set_class_names (both, (const char * const *) a->class_names, a->n_classes);
  return g_steal_pointer (&both);
}

void
lab_dataset_to_float (const LabDataset *self,
                      const guint      *indices,
                      guint             n,
                      float            *out)
{
  gsize image_size = (gsize) self->height * self->width;
  float table[256];

  /* k / 255.0f exactly, looked up rather than divided per pixel. */
  for (int k = 0; k < 256; k++)
    table[k] = (float) k / 255.0f;

  for (guint i = 0; i < n; i++)
    {
      const guint8 *src = lab_dataset_image (self, indices[i]);
      float *dst = out + i * image_size;

      for (gsize j = 0; j < image_size; j++)
        dst[j] = table[src[j]];
    }
}
