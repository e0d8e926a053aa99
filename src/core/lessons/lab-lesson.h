#pragma once

#include <gio/gio.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* Lessons: the labs this app grew from as one-click experiments that end
 * in a report. Each has a quick setting (a few minutes on 2 cores, for
 * class: fewer images and epochs, said on the report's first page) and a
 * full one (the labs' epochs and sizes). A run writes one folder:
 *   report.pdf      the report (title page, tables, figures, a reading)
 *   record.json     the run record (lab-run-record.h)
 *   figures/NAME.png   every figure
 *   tables/NAME.csv    every table
 *   models/NAME.safetensors  every model it trained
 * into a temporary folder that is renamed into place only when the run
 * finishes, so a cancelled or failed run leaves no half-written report. The
 * CLI and the Lessons page are peers over this API. */

typedef enum
{
  LAB_LESSON_QUICK,
  LAB_LESSON_FULL,
} LabLessonSetting;

typedef struct _LabLessonRun LabLessonRun;

typedef struct
{
  const char *name;            /* "noise-levels" */
  const char *title;           /* "Denoising at several noise levels" */
  const char *teaches;         /* a paragraph: what the class sees */
  const char *default_dataset; /* "mnist"; NULL: the user must choose one */
  double      quick_minutes;   /* measured on 2 cores (a 2-core AMD EPYC, Zen 5, on
                                * MNIST-sized data), rounded up */
  double      full_minutes;
  gboolean    needs_labels;
  /* Checks the datasets before anything trains; then runs. */
  gboolean  (*check)           (LabLessonRun *run,
                                GError      **error);
  gboolean  (*run)             (LabLessonRun *run,
                                GError      **error);
} LabLessonInfo;

typedef struct
{
  LabLessonSetting setting;
  const char      *dataset;     /* NULL: the lesson's default */
  guint64          seed;        /* 1 */
  guint            threads;     /* 0: one per core */
  guint            max_images;  /* 0: as the setting says; else fewer training images */
  guint            max_epochs;  /* 0: as the setting says; else fewer epochs */
} LabLessonConfig;

typedef struct
{
  guint       step;            /* 1-based */
  guint       n_steps;
  const char *what;            /* "Training the DAE for noise 0.5" */
  double      fraction;        /* of the whole lesson, 0..1 */
  double      eta_seconds;     /* NAN while unknown */
  double      elapsed_seconds;
  /* Within a training step: the optimizer step and its smoothed loss
   * (train_step 0: not training), for a live curve. */
  guint64     train_step;
  double      loss;
} LabLessonProgress;

/* Called on the thread that runs the lesson. */
typedef void (*LabLessonFunc) (const LabLessonProgress *progress,
                               gpointer                 user_data);

/* NULL-terminated, in the order of the labs. */
const LabLessonInfo * const *lab_lessons_list      (void);
/* NULL with LAB_ERROR_NOT_FOUND naming the known ones. */
const LabLessonInfo         *lab_lesson_find       (const char            *name,
                                                    GError               **error);
void                         lab_lesson_config_init (LabLessonConfig      *config);
const char                  *lab_lesson_setting_name (LabLessonSetting     setting);
gboolean                     lab_lesson_setting_parse (const char         *text,
                                                       LabLessonSetting   *setting);

/* Where a run of lesson with config is cached:
 * $XDG_CACHE_HOME/latentlab/lessons/NAME-SETTING-KEY, KEY a hash of the
 * config and the app's version. */
char                        *lab_lesson_cache_dir  (const LabLessonInfo   *lesson,
                                                    const LabLessonConfig *config);
/* The finished run's folder for exactly this config, or NULL. */
char                        *lab_lesson_find_cached (const LabLessonInfo  *lesson,
                                                     const LabLessonConfig *config);
/* A finished run of the lesson with other settings (stale for this config),
 * or NULL. */
char                        *lab_lesson_find_stale (const LabLessonInfo   *lesson,
                                                    const LabLessonConfig *config);

/* Runs lesson into out_dir (NULL: the cache folder), replacing an older run
 * there. Returns the folder, or NULL with the error (LAB_ERROR_CANCELLED
 * when cancelled); nothing is left behind then. A dataset that does not fit
 * the lesson is refused before any training starts. */
char                        *lab_lesson_run        (const LabLessonInfo   *lesson,
                                                    const LabLessonConfig *config,
                                                    const char            *out_dir,
                                                    LabLessonFunc          progress,
                                                    gpointer               user_data,
                                                    GCancellable          *cancellable,
                                                    GError               **error);

/* One number of a reproduction. */
typedef struct
{
  char    *key;
  double   recorded;
  double   reproduced;
  gboolean match;
} LabLessonMatch;

/* Runs the lesson a record describes again (same config) into a temporary
 * folder and compares every metric: bit-exact when the record ran with one
 * thread, else within a relative tolerance of 2%. Returns the comparisons
 * (free with lab_lesson_matches_free) and sets *all_match. */
GArray                      *lab_lesson_reproduce  (const char            *record_path,
                                                    LabLessonFunc          progress,
                                                    gpointer               user_data,
                                                    GCancellable          *cancellable,
                                                    gboolean              *all_match,
                                                    GError               **error);
void                         lab_lesson_matches_free (GArray              *matches);

G_END_DECLS
