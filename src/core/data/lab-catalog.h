#pragma once

#include <gio/gio.h>

#include "lab-dataset.h"

G_BEGIN_DECLS

/* The datasets LatentLab knows by name, and where they were found.
 *
 * MNIST and Fashion-MNIST are looked for, in this order, in
 *   $LATENTLAB_DATA_DIR/{mnist,fashion-mnist}  (when set: ONLY there)
 *   ${XDG_DATA_HOME:-~/.local/share}/latentlab/datasets/{mnist,fashion-mnist}
 *   /usr/share/datasets/{mnist,fashion-mnist}   (Debian's dataset-* packages)
 *   <prefix>/share/latentlab/datasets/{mnist,fashion-mnist}
 * and the first folder with a readable training set wins. "synthetic" is
 * built in and always present. Sizes come from the IDX headers only, so a
 * scan is fast. */

typedef struct
{
  char   *id;             /* "mnist", "fashion-mnist", "synthetic" */
  char   *title;          /* "MNIST", "Fashion-MNIST", "Synthetic digits" */
  char   *directory;      /* where the files are; NULL for "synthetic" */
  char   *train_images;   /* paths, NULL when absent (always for synthetic) */
  char   *train_labels;
  char   *test_images;
  char   *test_labels;
  guint   n_train;
  guint   n_test;
  guint   height;
  guint   width;
  guint   n_classes;
  char  **class_names;    /* (n_classes) NULL-terminated */
} LabCatalogEntry;

void              lab_catalog_entry_free   (LabCatalogEntry *entry);

/* (element-type LabCatalogEntry): every dataset found, in the order
 * mnist, fashion-mnist, synthetic (the ones not installed left out). */
GPtrArray        *lab_catalog_scan         (void);

/* The entry for id, or NULL with LAB_ERROR_NOT_FOUND saying where it was
 * looked for. */
LabCatalogEntry  *lab_catalog_find         (const char      *id,
                                            GError         **error);

/* TRUE when id is one the catalog knows, installed or not. */
gboolean          lab_catalog_is_known_id  (const char      *id);

/* The folders searched for id, in order (NULL-terminated; g_strfreev). */
char            **lab_catalog_search_dirs  (const char      *id);

/* The class names of a known dataset id, or NULL (static strings). */
const char * const *lab_catalog_class_names (const char     *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabCatalogEntry, lab_catalog_entry_free)

G_END_DECLS
