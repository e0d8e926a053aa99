#define G_LOG_DOMAIN "latentlab-core"

/* The steps lessons share: counting by setting, progress, training a model
 * into the report's folder and record, evaluating, and the image grids. */

#include "lab-lesson-private.h"

#include <math.h>
#include <stdarg.h>

#include <glib/gstdio.h>

#include "lab-format.h"
#include "lab-model-io.h"
#include "lab-recon-batch.h"
#include "lab-train-record.h"

#define VAL_IMAGES 1000

guint
lab_lesson_images (LabLessonRun *run,
                   guint         quick,
                   guint         full)
{
  guint n = run->config.setting == LAB_LESSON_QUICK ? quick : full;

  if (run->config.max_images > 0)
    n = MIN (n, run->config.max_images);
  return MIN (n, run->train->n);
}

guint
lab_lesson_epochs (LabLessonRun *run,
                   guint         quick,
                   guint         full)
{
  guint n = run->config.setting == LAB_LESSON_QUICK ? quick : full;

  if (run->config.max_epochs > 0)
    n = MIN (n, run->config.max_epochs);
  return MAX (n, 1);
}

guint
lab_lesson_threads (LabLessonRun *run)
{
  return run->config.threads ? run->config.threads : (guint) g_get_num_processors ();
}

static void
report_progress (LabLessonRun *run,
                 double        within,
                 guint64       train_step,
                 double        loss)
{
  LabLessonProgress p = { 0 };
  double elapsed = g_timer_elapsed (run->timer, NULL);

  if (run->progress == NULL)
    return;
  p.step = run->step;
  p.n_steps = run->n_steps;
  p.what = run->what;
  p.fraction = run->n_steps ? ((run->step ? run->step - 1 : 0) + CLAMP (within, 0, 1)) / run->n_steps
                            : 0;
  p.elapsed_seconds = elapsed;
  p.eta_seconds = p.fraction > 0.02 ? elapsed / p.fraction * (1 - p.fraction) : NAN;
  p.train_step = train_step;
  p.loss = loss;
  run->progress (&p, run->user_data);
}

void
lab_lesson_begin_steps (LabLessonRun *run,
                        guint         n_steps)
{
  run->n_steps = n_steps;
  run->step = 0;
}

void
lab_lesson_step (LabLessonRun *run,
                 const char   *what,
                 ...)
{
  gpointer previous = lab_format_numbers_use (TRUE);
  va_list args;

  /* For people: the window's progress line, the CLI's progress bar. */
  va_start (args, what);
  g_free (run->what);
  run->what = g_strdup_vprintf (_(what), args);
  va_end (args);
  lab_format_numbers_restore (previous);
  run->step = MIN (run->step + 1, MAX (run->n_steps, 1));
  report_progress (run, 0, 0, NAN);
}

void
lab_lesson_progress (LabLessonRun *run,
                     double        fraction,
                     const char   *text)
{
  if (text != NULL && g_strcmp0 (text, run->what) != 0)
    {
      g_free (run->what);
      run->what = g_strdup (text);
    }
  report_progress (run, fraction, 0, NAN);
}

gboolean
lab_lesson_check_28 (LabLessonRun  *run,
                     GError       **error)
{
  if (run->train->height != 28 || run->train->width != 28)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: images of %u x %u pixels; the networks of the lesson “%s” take 28 x 28 "
                   "(the size of MNIST and Fashion-MNIST)", run->dataset, run->train->width,
                   run->train->height, run->lesson->name);
      return FALSE;
    }
  return TRUE;
}

gboolean
lab_lesson_cancelled (LabLessonRun  *run,
                      GError       **error)
{
  return g_cancellable_set_error_if_cancelled (run->cancellable, error);
}

void
lab_lesson_train_config (LabLessonRun   *run,
                         LabTrainConfig *config,
                         guint           epochs,
                         const LabNoise *noise)
{
  lab_train_config_init (config);
  config->epochs = epochs;
  config->seed = run->config.seed;
  config->threads = lab_lesson_threads (run);
  config->val_limit = VAL_IMAGES;
  if (noise != NULL)
    config->noise = *noise;
}

static gboolean
on_train_progress (const LabTrainProgress *p,
                   gpointer                data)
{
  LabLessonRun *run = data;
  double within = p->n_epochs && p->n_batches
                  ? ((p->epoch - 1) + (double) p->batch / p->n_batches) / p->n_epochs : 0;

  if (p->kind == LAB_TRAIN_BATCH && (p->batch % 10 == 0 || p->batch == p->n_batches))
    report_progress (run, within, p->step, p->smoothed_loss);
  return !g_cancellable_is_cancelled (run->cancellable);
}

LabModel *
lab_lesson_train (LabLessonRun         *run,
                  const char           *name,
                  const LabSpec        *spec,
                  const LabTrainConfig *config,
                  guint                 n_images,
                  LabEvalResult        *test,
                  LabLessonFit         *fit,
                  GError              **error)
{
  g_autoptr(LabModel) model = lab_model_new (spec, error);
  g_autoptr(LabTrainer) trainer = NULL;
  g_autoptr(LabTrainRecord) record = NULL;
  g_autofree char *json = NULL, *file = NULL, *path = NULL, *rel = NULL;
  LabTrainConfig cfg = *config;
  gint64 start;
  double took;

  if (model == NULL)
    return NULL;
  lab_model_init (model, LAB_INIT_TORCH, cfg.seed);
  cfg.limit = n_images;
  trainer = lab_trainer_new ();
  start = g_get_monotonic_time ();
  if (!lab_trainer_run (trainer, model, run->train, run->test, &cfg, on_train_progress, run,
                        run->cancellable, error))
    return NULL;
  took = (g_get_monotonic_time () - start) / 1e6;
  {
    guint n_epochs = 0;
    const LabEpochRecord *history = lab_trainer_get_history (trainer, &n_epochs);
    double train_seconds = 0;

    for (guint e = 0; e < n_epochs; e++)
      train_seconds += history[e].seconds;
    fit->seconds = n_epochs ? train_seconds : took;
    fit->train_loss = n_epochs ? history[n_epochs - 1].train_loss : NAN;
    fit->val_loss = n_epochs ? history[n_epochs - 1].val_loss : NAN;
  }

  if (!lab_lesson_evaluate (run, model, &cfg.noise, 0, test, error))
    return NULL;
  record = lab_train_record_new_from_trainer (trainer, &cfg, run->dataset, "torch");
  lab_train_record_set_test (record, test);
  json = lab_train_record_to_json (record);

  file = g_strconcat (name, ".safetensors", NULL);
  rel = g_build_filename ("models", file, NULL);
  path = g_build_filename (run->dir, rel, NULL);
  if (!lab_model_save (model, path, json, error))
    return NULL;
  lab_run_record_add_model (run->record, name, spec->name, lab_model_n_params (model), json,
                            took, rel);
  lab_run_record_add_dataset (run->record, "train", run->dataset, run->train, NULL, n_images);
  return g_steal_pointer (&model);
}

gboolean
lab_lesson_evaluate (LabLessonRun   *run,
                     LabModel       *model,
                     const LabNoise *noise,
                     guint           n,
                     LabEvalResult  *result,
                     GError        **error)
{
  if (run->config.max_images > 0)
    n = n ? MIN (n, run->config.max_images) : run->config.max_images;
  /* A fixed noise draw, the same for every model of a lesson. */
  return lab_evaluate (model, run->test, noise, run->config.seed + 1234, n, result,
                       run->cancellable, error);
}

guint
lab_lesson_ten_digits (LabLessonRun *run,
                       guint        *indices)
{
  guint n = run->test->n_classes ? MIN (run->test->n_classes, 10) : 10;

  return lab_recon_pick_by_class (run->test, indices, MIN (n, run->test->n));
}

void
lab_lesson_recons_init (LabLessonRecons *recons,
                        LabLessonRun    *run,
                        guint            n_models)
{
  g_return_if_fail (n_models + 1 <= LAB_LESSON_RECON_MAX_ROWS);

  *recons = (LabLessonRecons) { 0 };
  recons->n_shown = MIN (LAB_LESSON_RECON_SHOWN, run->test->n);
  recons->size = (gsize) run->test->height * run->test->width;
  recons->images = g_new0 (float, (n_models + 1) * recons->n_shown * recons->size);
  for (guint i = 0; i < recons->n_shown; i++)
    recons->shown[i] = i;
  lab_dataset_to_float (run->test, recons->shown, recons->n_shown, recons->images);
  recons->labels[0] = _("original");
  recons->n_rows = 1;
}

gboolean
lab_lesson_recons_add (LabLessonRecons  *recons,
                       LabLessonRun     *run,
                       const char       *label,
                       LabModel         *model,
                       GError          **error)
{
  g_autoptr(LabReconBatch) batch = lab_recon_batch_compute (model, run->test, recons->shown,
                                                            recons->n_shown, NULL, 0, error);

  if (batch == NULL)
    return FALSE;
  memcpy (recons->images + recons->n_rows * recons->n_shown * recons->size, batch->output,
          recons->n_shown * recons->size * sizeof (float));
  recons->labels[recons->n_rows++] = label;
  return TRUE;
}

void
lab_lesson_recons_report (LabLessonRecons *recons,
                          LabLessonRun    *run,
                          const char      *caption)
{
  lab_report_add_page_break (run->report);
  lab_report_add_heading (run->report, _("The first ten test images"));
  lab_report_add_images (run->report, "reconstructions", caption, recons->images,
                         recons->n_rows * recons->n_shown, run->test->height, run->test->width,
                         recons->n_shown, recons->labels, NULL);
}

void
lab_lesson_recons_clear (LabLessonRecons *recons)
{
  g_clear_pointer (&recons->images, g_free);
}

gboolean
lab_lesson_add_denoise_grid (LabLessonRun   *run,
                             const char     *name,
                             const char     *caption,
                             LabModel       *model,
                             const LabNoise *noise,
                             const guint    *indices,
                             guint           n,
                             GError        **error)
{
  g_autoptr(LabReconBatch) batch = lab_recon_batch_compute (model, run->test, indices, n, noise,
                                                            run->config.seed + 77, error);
  gsize size, in_size;
  gboolean same_size;
  g_autofree float *images = NULL;
  g_autofree char *noisy = NULL, *denoised = NULL;
  guint rows;

  if (batch == NULL)
    return FALSE;
  size = (gsize) batch->height * batch->width;
  in_size = lab_shape_size (batch->in_shape);
  same_size = in_size == size;
  rows = same_size ? 3 : 2;
  images = g_new (float, rows * n * size);
  for (guint i = 0; i < n; i++)
    {
      guint r = 0;
      if (same_size)
        memcpy (images + ((gsize) r++ * n + i) * size, batch->input + i * size, size * sizeof (float));
      memcpy (images + ((gsize) r++ * n + i) * size, batch->output + i * size, size * sizeof (float));
      memcpy (images + ((gsize) r * n + i) * size, batch->clean + i * size, size * sizeof (float));
    }
  /* Translators: the rows of an image grid, with the row's mean PSNR */
  noisy = lab_lesson_shown (_("noisy\n%.1f dB"), batch->mean_noisy_psnr);
  denoised = lab_lesson_shown (_("denoised\n%.1f dB"), batch->mean_psnr);
  {
    const char *labels3[] = { noisy, denoised, _("clean") };
    const char *labels2[] = { denoised, _("clean") };
    lab_report_add_images (run->report, name, caption, images, rows * n, batch->height,
                           batch->width, n, same_size ? labels3 : labels2, NULL);
  }
  return TRUE;
}

void
lab_lesson_add_settings (LabLessonRun *run,
                         guint         n_images,
                         guint         epochs,
                         const char   *extra,
                         const char   *extra_shown)
{
  static const char *header[] = { N_("Setting"), N_("Value") };
  guint t = lab_report_add_table (run->report, "settings", _("Settings"), 2, header);
  guint n_test = run->config.max_images ? MIN (run->test->n, run->config.max_images) : run->test->n;
  const char *setting = run->config.setting == LAB_LESSON_QUICK
                        ? N_("quick (fewer images and epochs than the lab, for class)")
                        : N_("full (the lab's epochs and sizes)");
  g_auto(LabLessonRow) row = { 0 };

  lab_lesson_cell_msg (&row, N_("Setting"));
  lab_lesson_cell_msg (&row, setting);
  lab_lesson_row_add (run, t, &row);
  lab_lesson_cell_msg (&row, N_("Dataset"));
  lab_lesson_cell_text (&row, run->train->name);
  lab_lesson_row_add (run, t, &row);
  lab_lesson_cell_msg (&row, N_("Training images"));
  lab_lesson_cell_count (&row, n_images);
  lab_lesson_row_add (run, t, &row);
  lab_lesson_cell_msg (&row, N_("Test images"));
  lab_lesson_cell_count (&row, n_test);
  lab_lesson_row_add (run, t, &row);
  lab_lesson_cell_msg (&row, N_("Epochs"));
  lab_lesson_cell (&row, "%u", epochs);
  lab_lesson_row_add (run, t, &row);
  lab_lesson_cell_msg (&row, N_("Seed"));
  lab_lesson_cell (&row, "%" G_GUINT64_FORMAT, run->config.seed);
  lab_lesson_row_add (run, t, &row);
  lab_lesson_cell_msg (&row, N_("Threads"));
  lab_lesson_cell (&row, "%u", lab_lesson_threads (run));
  lab_lesson_row_add (run, t, &row);
  if (extra != NULL)
    {
      lab_lesson_cell_msg (&row, N_("Model"));
      lab_lesson_cell_pair (&row, extra, extra_shown ? extra_shown : extra);
      lab_lesson_row_add (run, t, &row);
    }
}
