#pragma once

#include <gio/gio.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* N gray images of height x width uint8 pixels, with optional labels.
 * Pixels stay uint8 (MNIST's 60,000 training images are 47 MB); batches are
 * converted to float on demand, never the whole set.
 * Reference counted and immutable once loaded, so a worker thread and the UI
 * may hold the same dataset. */
typedef struct _LabDataset LabDataset;

struct _LabDataset
{
  /*< private >*/
  grefcount   ref_count;
  /*< public, read-only >*/
  char       *name;          /* shown to the user: "MNIST (train)" */
  char       *source;        /* path it came from, or "synthetic" */
  guint       n;             /* images */
  guint       height;
  guint       width;
  guint8     *pixels;        /* (n, height, width), row-major, owned */
  guint8     *labels;        /* (n), or NULL when unlabelled */
  guint       n_classes;     /* 0 when unlabelled */
  char      **class_names;   /* (n_classes) NULL-terminated, owned */
  GPtrArray  *skipped;       /* (element-type utf8) "file: reason" for every file of a
                              * PNG folder that looked like an image but was not loaded;
                              * never NULL */
  guint       n_ignored;     /* files of a PNG folder that are not images (notes, CSVs) */
};

typedef enum
{
  LAB_SPLIT_TRAIN,
  LAB_SPLIT_TEST,
} LabSplit;

/* Allocates an empty dataset; refuses sizes that overflow or exceed
 * LAB_MAX_ALLOC_BYTES with LAB_ERROR_TOO_LARGE. class_names may be NULL. */
LabDataset   *lab_dataset_new              (const char         *name,
                                            guint               n,
                                            guint               height,
                                            guint               width,
                                            gboolean            labelled,
                                            GError            **error);
/* Wraps buffers a loader already filled: pixels (n, height, width) and
 * labels (n) or NULL, both from g_malloc, owned by the dataset from here on
 * (also when this fails: they are freed then). The same size checks as
 * lab_dataset_new; no class names yet. */
LabDataset   *lab_dataset_new_take         (const char         *name,
                                            guint               n,
                                            guint               height,
                                            guint               width,
                                            guint8             *pixels,
                                            guint8             *labels,
                                            GError            **error);
LabDataset   *lab_dataset_ref              (LabDataset         *self);
void          lab_dataset_unref            (LabDataset         *self);
void          lab_dataset_set_class_names  (LabDataset         *self,
                                            const char * const *names,
                                            guint               n_classes);
static inline const guint8 *
lab_dataset_image (const LabDataset *self, guint i)
{
  return self->pixels + (gsize) i * self->height * self->width;
}
/* The name of class klass, or its number written into buf when the
 * dataset has no name for it. */
const char   *lab_dataset_class_name       (const LabDataset   *self,
                                            guint               klass,
                                            char                buf[16]);
/* Per-class counts into counts[n_classes]. */
void          lab_dataset_class_counts     (const LabDataset   *self,
                                            guint              *counts);
/* A new dataset of the images at indices[0..n), copied. */
LabDataset   *lab_dataset_subset           (const LabDataset   *self,
                                            const guint        *indices,
                                            guint               n,
                                            GError            **error);
/* A new dataset of a's images followed by b's, copied (train + test as one
 * set): both must have the same image size and both labels or neither;
 * class names are a's. Errors (LAB_ERROR_MISMATCH) name both datasets. */
LabDataset   *lab_dataset_concat           (const LabDataset   *a,
                                            const LabDataset   *b,
                                            const char         *name,
                                            GError            **error);
/* Images at indices[0..n) as floats in [0,1]: out (n, height*width). */
void          lab_dataset_to_float         (const LabDataset   *self,
                                            const guint        *indices,
                                            guint               n,
                                            float              *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabDataset, lab_dataset_unref)

G_END_DECLS
