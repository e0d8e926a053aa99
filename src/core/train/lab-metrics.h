#pragma once

#include <gio/gio.h>

#include "lab-dataset.h"
#include "lab-model.h"
#include "lab-noise.h"

G_BEGIN_DECLS

/* One finished epoch, as the trainer records it and the metrics files hold
 * it: JSON lines {"epoch", "train_loss", "val_loss", "seconds",
 * "images_per_s", "steps"} (val_loss null without validation), or CSV with
 * the same columns (val_loss empty). */
typedef struct
{
  guint   epoch;          /* 1-based */
  double  train_loss;     /* mean over the epoch's batches, weighted by size */
  double  val_loss;       /* NAN without validation */
  double  seconds;        /* training time of the epoch, validation excluded */
  double  images_per_s;
  guint64 steps;          /* optimizer steps so far */
} LabEpochRecord;

/* One line without the newline. */
char       *lab_epoch_record_to_json   (const LabEpochRecord *record);
char       *lab_epoch_record_to_csv    (const LabEpochRecord *record);
const char *lab_epoch_record_csv_header (void);

/* Records as they come, CSV when path ends in ".csv", else JSON lines,
 * through lab_save: each line is written at once to the temporary file
 * beside path ("NAME.XXXXXX.part", which a plot may follow), and finish
 * renames it over path. A failed write (disk full, file-size limit) is an
 * error "NAME: cannot save (REASON)" from then on; the previous file stays
 * as it was and nothing partial is left under path. free without finish
 * drops the records. */
typedef struct _LabMetricsWriter LabMetricsWriter;

LabMetricsWriter *lab_metrics_writer_new    (const char             *path,
                                             GError                **error);
gboolean          lab_metrics_writer_append (LabMetricsWriter       *self,
                                             const LabEpochRecord   *record,
                                             GError                **error);
/* Puts the file in place and frees self, either way. */
gboolean          lab_metrics_writer_finish (LabMetricsWriter       *self,
                                             GError                **error);
void              lab_metrics_writer_free   (LabMetricsWriter       *self);

/* Means over images of a model's results on a dataset. */
typedef struct
{
  guint   n_images;
  double  loss;       /* the model's own loss (reconstruction + KL, or cross-entropy) */
  double  mse;        /* per-pixel, against the clean image; NAN for classifiers */
  double  bce;        /* per-pixel, clamped like PyTorch; NAN for classifiers */
  double  psnr;       /* mean of per-image 10 log10(1/mse) in dB; NAN for classifiers */
  double  accuracy;   /* classifiers: fraction right; NAN otherwise */
} LabEvalResult;

/* The first `limit` images (0: all) of dataset through the model in
 * inference mode, each with its own fixed noise draw from (seed, index), so
 * the numbers do not depend on the batch size. Uses the model's batch, or
 * allocates one of 256 when it has none. */
gboolean    lab_evaluate               (LabModel        *model,
                                        LabDataset      *dataset,
                                        const LabNoise  *noise,
                                        guint64          seed,
                                        guint            limit,
                                        LabEvalResult   *result,
                                        GCancellable    *cancellable,
                                        GError         **error);
/* The same over the images at indices[0..n). */
gboolean    lab_evaluate_indices       (LabModel        *model,
                                        LabDataset      *dataset,
                                        const guint     *indices,
                                        guint            n,
                                        const LabNoise  *noise,
                                        guint64          seed,
                                        LabEvalResult   *result,
                                        GCancellable    *cancellable,
                                        GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabMetricsWriter, lab_metrics_writer_free)

G_END_DECLS
