#define G_LOG_DOMAIN "latentlab-core"

#include "lab-dataset-hash.h"

char *
lab_dataset_hash (const LabDataset *dataset)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint32 dims[3] = { GUINT32_TO_LE (dataset->n), GUINT32_TO_LE (dataset->height),
                      GUINT32_TO_LE (dataset->width) };
  gsize size = (gsize) dataset->n * dataset->height * dataset->width;

  g_checksum_update (sum, (const guchar *) dims, sizeof dims);
  g_checksum_update (sum, dataset->pixels, size);
  if (dataset->labels != NULL)
    g_checksum_update (sum, dataset->labels, dataset->n);
  return g_strdup (g_checksum_get_string (sum));
}
