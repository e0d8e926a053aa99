#pragma once

/* What a lesson's implementation sees of its run (lab-lesson.c drives it,
 * lab-lesson-steps.c has the steps lessons share). Core only. */

#include <glib/gi18n.h>

#include "lab-dataset.h"
#include "lab-lesson.h"
#include "lab-metrics.h"
#include "lab-model.h"
#include "lab-noise.h"
#include "lab-report.h"
#include "lab-run-record.h"
#include "lab-spec.h"
#include "lab-trainer.h"

G_BEGIN_DECLS

struct _LabLessonRun
{
  const LabLessonInfo *lesson;
  LabLessonConfig      config;
  char                *dataset;      /* the spec the datasets came from */
  LabDataset          *train;        /* the dataset's training split */
  LabDataset          *test;         /* its test split (the same when it has none) */
  LabReport           *report;
  LabRunRecord        *record;
  char                *dir;          /* the temporary folder being written */
  LabLessonFunc        progress;
  gpointer             user_data;
  GCancellable        *cancellable;
  GTimer              *timer;
  guint                step, n_steps;
  char                *what;
  GString             *reading;      /* the report's "What this shows", in English and
                                      * "C" numbers, for record.json */
  GString             *reading_shown; /* the same translated, in the user's numbers */
};

/* Text for people and text for programs (lab-lesson-text.c). The report,
 * its figures and the window show what a lesson says in the user's language
 * and LC_NUMERIC ("0,1034" in French); record.json and the tables' CSV keep
 * English and "C" numbers ("0.1034"), whatever the locale. The thread that
 * runs a lesson keeps "C" numbers; these switch only while they format. */

/* Appends a sentence to the reading: format (an English msgid, marked with
 * N_ at the call) in "C" numbers to run->reading, its translation in the
 * user's numbers to run->reading_shown. %s arguments must read the same
 * in every language (model names, counts made with lab_format_count). */
void       lab_lesson_read            (LabLessonRun         *run,
                                       const char           *format,
                                       ...) G_GNUC_PRINTF (2, 3);
/* The same with a plural (singular and plural English, n picks). */
void       lab_lesson_read_n          (LabLessonRun         *run,
                                       const char           *singular,
                                       const char           *plural,
                                       gulong                n,
                                       ...) G_GNUC_PRINTF (3, 5);
/* A text only people read (headings, captions, figure labels): format
 * (already translated) printf'd in the user's numbers. */
char      *lab_lesson_shown           (const char           *format,
                                       ...) G_GNUC_PRINTF (1, 2);
/* n for people: "60 000" in French, "60.000" in German. */
char      *lab_lesson_count_shown     (guint64               n);

/* A table row being built: each cell for the CSV and for people. */
typedef struct
{
  GPtrArray *csv;
  GPtrArray *shown;
} LabLessonRow;

void       lab_lesson_row_init        (LabLessonRow         *row);
/* A cell from format, an English msgid (N_ at the call when it has words
 * to translate): "C" for the CSV, translated in the user's numbers shown. */
void       lab_lesson_cell            (LabLessonRow         *row,
                                       const char           *format,
                                       ...) G_GNUC_PRINTF (2, 3);
/* A cell of words: msgid in the CSV, its translation shown. */
void       lab_lesson_cell_msg        (LabLessonRow         *row,
                                       const char           *msgid);
/* A cell that reads the same everywhere (a model name, a duration). */
void       lab_lesson_cell_text       (LabLessonRow         *row,
                                       const char           *text);
/* A cell made both ways by the caller. */
void       lab_lesson_cell_pair       (LabLessonRow         *row,
                                       const char           *csv,
                                       const char           *shown);
/* "28,353" in the CSV, "28 353" shown in French. */
void       lab_lesson_cell_count      (LabLessonRow         *row,
                                       guint64               n);
/* value with decimals; a dash when it is not finite. */
void       lab_lesson_cell_number     (LabLessonRow         *row,
                                       double                value,
                                       int                   decimals);
/* percent (0..100) with decimals: "94.20%" in the CSV, "94,20 %" shown in
 * French; a dash when it is not finite. */
void       lab_lesson_cell_percent    (LabLessonRow         *row,
                                       double                percent,
                                       int                   decimals);
/* Adds the row to the report's table and empties it for the next one. */
void       lab_lesson_row_add         (LabLessonRun         *run,
                                       guint                 table,
                                       LabLessonRow         *row);
void       lab_lesson_row_clear       (LabLessonRow         *row);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LabLessonRow, lab_lesson_row_clear)

/* The setting's count, bounded by config->max_images / max_epochs. */
guint      lab_lesson_images          (LabLessonRun         *run,
                                       guint                 quick,
                                       guint                 full);
guint      lab_lesson_epochs          (LabLessonRun         *run,
                                       guint                 quick,
                                       guint                 full);
guint      lab_lesson_threads         (LabLessonRun         *run);

void       lab_lesson_begin_steps     (LabLessonRun         *run,
                                       guint                 n_steps);
/* The next step starts; what is printf-style, an English msgid (N_ at the
 * call): the progress says it translated, in the user's numbers. */
void       lab_lesson_step            (LabLessonRun         *run,
                                       const char           *what,
                                       ...) G_GNUC_PRINTF (2, 3);
/* Progress within the current step (fraction 0..1 of it); text, when not
 * NULL, replaces the step's description. */
void       lab_lesson_progress        (LabLessonRun         *run,
                                       double                fraction,
                                       const char           *text);
/* A LabLessonInfo check: the preset networks take 28 x 28 images. */
gboolean   lab_lesson_check_28        (LabLessonRun         *run,
                                       GError              **error);
gboolean   lab_lesson_cancelled       (LabLessonRun         *run,
                                       GError              **error);

/* How a lesson's training went. */
typedef struct
{
  double seconds;       /* training, validation excluded */
  double train_loss;    /* the last epoch's mean */
  double val_loss;      /* the last epoch's; NAN without validation */
} LabLessonFit;

/* Builds spec, trains it on the first n_images of run->train (validating on
 * the first 1,000 of run->test) with config, reporting progress as the
 * current step, evaluates it on the test set with the training noise
 * (*test), saves it as models/NAME.safetensors and records it (train
 * history, test result, time, path); *fit says how training went. */
LabModel  *lab_lesson_train           (LabLessonRun         *run,
                                       const char           *name,
                                       const LabSpec        *spec,
                                       const LabTrainConfig *config,
                                       guint                 n_images,
                                       LabEvalResult        *test,
                                       LabLessonFit         *fit,
                                       GError              **error);
/* A training config for a lesson: the setting's epochs, batch 128, Adam
 * 1e-3, the run's seed and threads, validation on up to 1,000 test images. */
void       lab_lesson_train_config    (LabLessonRun         *run,
                                       LabTrainConfig       *config,
                                       guint                 epochs,
                                       const LabNoise       *noise);
/* Evaluates on the first n test images (0: all; at most config->max_images
 * when that is set) with noise, one fixed draw per image. */
gboolean   lab_lesson_evaluate        (LabLessonRun         *run,
                                       LabModel             *model,
                                       const LabNoise       *noise,
                                       guint                 n,
                                       LabEvalResult        *result,
                                       GError              **error);
/* One image of each class of the test set (up to 10): *indices (10). */
guint      lab_lesson_ten_digits      (LabLessonRun         *run,
                                       guint                *indices);
/* Rows "noisy | denoised | clean" of the test images indices[0..n) through
 * model with noise, as a report figure; the row labels say the PSNR. */
gboolean   lab_lesson_add_denoise_grid (LabLessonRun        *run,
                                        const char          *name,
                                        const char          *caption,
                                        LabModel            *model,
                                        const LabNoise      *noise,
                                        const guint         *indices,
                                        guint                n,
                                        GError             **error);
/* The first ten test images and each model's reconstruction of them, a
 * row per model under the originals (architectures, conv-vs-dense). Rows
 * are added in order; labels are not copied (the lessons' static names). */
#define LAB_LESSON_RECON_SHOWN     10
#define LAB_LESSON_RECON_MAX_ROWS  8

typedef struct
{
  guint        n_shown;
  guint        n_rows;
  guint        shown[LAB_LESSON_RECON_SHOWN];
  gsize        size;
  float       *images;
  const char  *labels[LAB_LESSON_RECON_MAX_ROWS];
} LabLessonRecons;

/* The originals as the first row, room for n_models more. */
void       lab_lesson_recons_init     (LabLessonRecons      *recons,
                                       LabLessonRun         *run,
                                       guint                 n_models);
gboolean   lab_lesson_recons_add      (LabLessonRecons      *recons,
                                       LabLessonRun         *run,
                                       const char           *label,
                                       LabModel             *model,
                                       GError              **error);
/* A new page, headed "The first ten test images", with the grid. */
void       lab_lesson_recons_report   (LabLessonRecons      *recons,
                                       LabLessonRun         *run,
                                       const char           *caption);
void       lab_lesson_recons_clear    (LabLessonRecons      *recons);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LabLessonRecons, lab_lesson_recons_clear)

/* The first page's settings table: the setting, dataset, sizes, seed;
 * extra (the model, NULL: none) as the CSV has it and as people read it
 * (extra_shown, NULL: the same). */
void       lab_lesson_add_settings    (LabLessonRun         *run,
                                       guint                 n_images,
                                       guint                 epochs,
                                       const char           *extra,
                                       const char           *extra_shown);

/* The lessons, one file each. */
extern const LabLessonInfo lab_lesson_noise_levels;
extern const LabLessonInfo lab_lesson_conv_vs_dense;
extern const LabLessonInfo lab_lesson_own_data;
extern const LabLessonInfo lab_lesson_architectures;
extern const LabLessonInfo lab_lesson_transfer;
extern const LabLessonInfo lab_lesson_augmentation;

G_END_DECLS
