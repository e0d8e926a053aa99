#pragma once

#include <json-glib/json-glib.h>

#include "lab-dataset.h"
#include "lab-error.h"
#include "lab-metrics.h"
#include "lab-trainer.h"

G_BEGIN_DECLS

/* A lesson run's record, the JSON a report's reader (or a script) needs to
 * know exactly what ran and to run it again, with the fields scikit-learn,
 * MLflow and Sacred users expect:
 *   {"format": "latentlab-run-1", "lesson", "setting", "app": {"version",
 *    "commit"}, "start", "end" (UTC, ISO 8601), "status" ("finished",
 *    "cancelled", "failed"), "host": {"cpu", "features", "cores", "blas",
 *    "kernels"}, "config": {"dataset", "seed", "threads", "max_images",
 *    "max_epochs"}, "datasets": {ROLE: {"spec", "name", "n", "height",
 *    "width", "sha256", "indices": [[first, end), ...]]}},
 *    "models": {NAME: {"arch", "params", "train": TRAIN_RECORD, "seconds",
 *    "path"}}, "metrics": {KEY: number}, "figures": [path, ...],
 *    "tables": [path, ...]}
 * Index lists are stored exactly, as runs of consecutive indices. */
#define LAB_RUN_RECORD_FORMAT "latentlab-run-1"

typedef struct _LabRunRecord LabRunRecord;

LabRunRecord *lab_run_record_new          (const char           *lesson,
                                           const char           *setting);
void          lab_run_record_free         (LabRunRecord         *self);
/* The run's inputs, as lab_lesson_run takes them again to reproduce it. */
void          lab_run_record_set_config   (LabRunRecord         *self,
                                           const char           *dataset,
                                           guint64               seed,
                                           guint                 threads,
                                           guint                 max_images,
                                           guint                 max_epochs);
/* indices (n) into dataset; NULL means its first n images in order. */
void          lab_run_record_add_dataset  (LabRunRecord         *self,
                                           const char           *role,
                                           const char           *spec,
                                           const LabDataset     *dataset,
                                           const guint          *indices,
                                           guint                 n);
/* train_json as lab_train_record_to_json writes it; path may be NULL. */
void          lab_run_record_add_model    (LabRunRecord         *self,
                                           const char           *name,
                                           const char           *arch,
                                           gsize                 n_params,
                                           const char           *train_json,
                                           double                seconds,
                                           const char           *path);
/* Non-finite values are written as null. */
void          lab_run_record_set_metric   (LabRunRecord         *self,
                                           const char           *key,
                                           double                value);
void          lab_run_record_add_file     (LabRunRecord         *self,
                                           const char           *kind,
                                           const char           *path);
/* A top-level string member, e.g. "reading" (the report's closing text). */
void          lab_run_record_set_string   (LabRunRecord         *self,
                                           const char           *member,
                                           const char           *value);
/* Sets "end" and "status". */
void          lab_run_record_finish       (LabRunRecord         *self,
                                           const char           *status);
char         *lab_run_record_to_json      (LabRunRecord         *self);
gboolean      lab_run_record_save         (LabRunRecord         *self,
                                           const char           *path,
                                           GError              **error);

/* Reading one back: NULL with an error naming the file when it is not a
 * run record. */
LabRunRecord *lab_run_record_load         (const char           *path,
                                           GError              **error);
const char   *lab_run_record_get_string   (LabRunRecord         *self,
                                           const char           *member);
JsonObject   *lab_run_record_get_object   (LabRunRecord         *self,
                                           const char           *member);
JsonArray    *lab_run_record_get_array    (LabRunRecord         *self,
                                           const char           *member);
/* The metrics in the order they were set: keys (transfer none) and values
 * (NAN for null). */
guint         lab_run_record_get_metrics  (LabRunRecord         *self,
                                           const char         ***keys,
                                           double              **values);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabRunRecord, lab_run_record_free)

G_END_DECLS
