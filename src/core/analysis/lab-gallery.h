#pragma once

#include <gio/gio.h>

#include "lab-dataset.h"
#include "lab-error.h"

G_BEGIN_DECLS

/* Synthetic images a teacher kept from the latent space, as augmentation
 * data (seed 002, tasks 4 and 5): each with a label (guessed from its
 * neighbours, editable), its latent, where it came from, and the nearest
 * real training image with its distance, so the class can see whether the
 * model invents digits or recalls ones it memorised. The gallery exports
 * as a folder of PNGs (one subfolder per label) and as an IDX pair, both of
 * which lab_dataset_open() loads again.
 *
 * Plain data, not thread-safe: the app keeps it on the main thread and
 * hands copies of pixels to a worker for the nearest-image search. */

typedef struct
{
  guint     id;                /* unique in this gallery, never reused */
  guint8   *pixels;            /* (height, width) of the gallery */
  float    *latent;            /* (latent_dim) */
  guint     latent_dim;
  int       label;             /* class index, -1 when unknown */
  char     *model;             /* model file, or the architecture's name */
  char     *method;            /* "pca", "tsne", "latent", "interpolation", ... */
  double    x, y;              /* where in the plane it was decoded */
  guint64   step;              /* optimizer steps behind the weights (0 unknown) */
  /* The memorisation check (lab_gallery_set_nearest). */
  gboolean  has_nearest;
  guint     nearest_index;     /* into the training set searched */
  double    nearest_distance;  /* Euclidean, pixels in [0, 1] */
  guint8   *nearest_pixels;    /* (height, width) copy, or NULL */
} LabGalleryItem;

/* Where a kept image came from; strings are copied. */
typedef struct
{
  const char *model;
  const char *method;
  double      x, y;
  guint64     step;
} LabGallerySource;

typedef struct _LabGallery LabGallery;

/* A gallery of height x width images labelled with class_names
 * (n_classes, may be NULL for "0", "1", ...). */
LabGallery           *lab_gallery_new            (guint                height,
                                                  guint                width,
                                                  const char * const  *class_names,
                                                  guint                n_classes);
void                  lab_gallery_free           (LabGallery          *self);
guint                 lab_gallery_get_height     (LabGallery          *self);
guint                 lab_gallery_get_width      (LabGallery          *self);
guint                 lab_gallery_get_n_classes  (LabGallery          *self);
/* "0".."9" for MNIST, "T-shirt/top" ... for Fashion-MNIST. */
const char           *lab_gallery_get_class_name (LabGallery          *self,
                                                  guint                label);

/* Keeps image (height * width floats in [0, 1], stored as uint8) with its
 * latent (latent_dim) and label (-1 or < n_classes). Returns its id. */
guint                 lab_gallery_add            (LabGallery          *self,
                                                  const float         *image,
                                                  const float         *latent,
                                                  guint                latent_dim,
                                                  int                  label,
                                                  const LabGallerySource *source);
/* The same with the pixels as kept (height * width bytes): a gallery read
 * back from a session is the one saved, byte for byte. */
guint                 lab_gallery_add_pixels     (LabGallery          *self,
                                                  const guint8        *pixels,
                                                  const float         *latent,
                                                  guint                latent_dim,
                                                  int                  label,
                                                  const LabGallerySource *source);
guint                 lab_gallery_get_n          (LabGallery          *self);
/* Item i (insertion order), or NULL; valid until the gallery changes. */
const LabGalleryItem *lab_gallery_get_item       (LabGallery          *self,
                                                  guint                i);
const LabGalleryItem *lab_gallery_find           (LabGallery          *self,
                                                  guint                id);
gboolean              lab_gallery_remove         (LabGallery          *self,
                                                  guint                id);
void                  lab_gallery_clear          (LabGallery          *self);
gboolean              lab_gallery_set_label      (LabGallery          *self,
                                                  guint                id,
                                                  int                  label);
/* Records the result of lab_gallery_find_nearest for item id; pixels
 * (height, width) are copied and may be NULL. */
gboolean              lab_gallery_set_nearest    (LabGallery          *self,
                                                  guint                id,
                                                  guint                index,
                                                  double               distance,
                                                  const guint8        *pixels);

/* The image of dataset nearest to pixels (height, width) in Euclidean
 * distance over pixel values in [0, 1]: *index and *distance. Exact
 * integer arithmetic, so a copy of a dataset image is found at distance 0.
 * MISMATCH when the sizes differ, INVALID for an empty dataset, CANCELLED. */
gboolean              lab_gallery_find_nearest   (const guint8        *pixels,
                                                  guint                height,
                                                  guint                width,
                                                  LabDataset          *dataset,
                                                  guint               *index,
                                                  double              *distance,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

/* Diversity of the gallery: the mean Euclidean distance over all pairs of
 * images (pixels in [0, 1]) and over all pairs of latents of the same size.
 * NAN when there are fewer than two (such pairs). Identical images give 0. */
void                  lab_gallery_diversity      (LabGallery          *self,
                                                  double              *pixel_distance,
                                                  double              *latent_distance);

/* The gallery as a labelled dataset (images in insertion order). Every
 * item needs a label (INVALID names the first without one); an empty
 * gallery is INVALID too. */
LabDataset           *lab_gallery_to_dataset     (LabGallery          *self,
                                                  const char          *name,
                                                  GError             **error);
/* dir/<class name>/sample-0001.png ... (class names that are not usable
 * as folder names are made safe), plus dir/provenance.csv.
 * lab_png_folder_load (dir) reads the images and labels back (by name).
 * Written whole into a new folder beside dir and renamed into place
 * (lab_save_folder_commit): a failure leaves the previous folder or none.
 * dir may be missing, an empty folder or an earlier export, which is
 * replaced; anything else there is refused. */
gboolean              lab_gallery_export_png_folder (LabGallery       *self,
                                                     const char       *dir,
                                                     GError          **error);
/* An IDX images file and its labels file (lab_idx_save; ".gz" names are
 * compressed), read back by lab_idx_load and lab_dataset_open. */
gboolean              lab_gallery_export_idx     (LabGallery          *self,
                                                  const char          *images_path,
                                                  const char          *labels_path,
                                                  GError             **error);
/* A header line, then one line per item: file (its PNG in a folder
 * export, "<class>/sample-0001.png"), label, class, model, method, x, y,
 * step, nearest_index, nearest_distance, latent (values joined by spaces).
 * Written atomically. */
gboolean              lab_gallery_save_csv       (LabGallery          *self,
                                                  const char          *path,
                                                  GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabGallery, lab_gallery_free)

G_END_DECLS
