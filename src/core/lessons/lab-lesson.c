#define G_LOG_DOMAIN "latentlab-core"

#include "lab-lesson-private.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>

#include <glib/gstdio.h>

#include "lab-dataset-open.h"
#include "lab-save-folder.h"
#include "lab-split.h"

static const LabLessonInfo * const lessons[] = {
  &lab_lesson_architectures,
  &lab_lesson_noise_levels,
  &lab_lesson_conv_vs_dense,
  &lab_lesson_transfer,
  &lab_lesson_augmentation,
  &lab_lesson_own_data,
  NULL,
};

const LabLessonInfo * const *
lab_lessons_list (void)
{
  return lessons;
}

const LabLessonInfo *
lab_lesson_find (const char  *name,
                 GError     **error)
{
  g_autoptr(GString) known = g_string_new (NULL);

  for (guint i = 0; lessons[i]; i++)
    {
      if (g_strcmp0 (lessons[i]->name, name) == 0)
        return lessons[i];
      g_string_append_printf (known, "%s%s", i ? ", " : "", lessons[i]->name);
    }
  g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND, "no lesson “%s” (the lessons: %s)",
               name, known->str);
  return NULL;
}

void
lab_lesson_config_init (LabLessonConfig *config)
{
  *config = (LabLessonConfig) { .setting = LAB_LESSON_QUICK, .seed = 1 };
}

const char *
lab_lesson_setting_name (LabLessonSetting setting)
{
  return setting == LAB_LESSON_FULL ? "full" : "quick";
}

gboolean
lab_lesson_setting_parse (const char       *text,
                          LabLessonSetting *setting)
{
  if (g_strcmp0 (text, "quick") == 0)
    *setting = LAB_LESSON_QUICK;
  else if (g_strcmp0 (text, "full") == 0)
    *setting = LAB_LESSON_FULL;
  else
    return FALSE;
  return TRUE;
}

static const char *
config_dataset (const LabLessonInfo   *lesson,
                const LabLessonConfig *config)
{
  return config->dataset ? config->dataset : lesson->default_dataset;
}

static char *
lessons_cache_root (void)
{
  return g_build_filename (g_get_user_cache_dir (), "latentlab", "lessons", NULL);
}

char *
lab_lesson_cache_dir (const LabLessonInfo   *lesson,
                      const LabLessonConfig *config)
{
  g_autofree char *canon = g_strdup_printf ("%s\n%s\n%s\n%" G_GUINT64_FORMAT "\n%u\n%u\n%u\n%s",
                                            lesson->name, lab_lesson_setting_name (config->setting),
                                            config_dataset (lesson, config) ?: "",
                                            config->seed,
                                            config->threads ? config->threads
                                                            : (guint) g_get_num_processors (),
                                            config->max_images, config->max_epochs, LAB_VERSION);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canon, -1);
  g_autofree char *root = lessons_cache_root ();
  g_autofree char *leaf = g_strdup_printf ("%s-%s-%.12s", lesson->name,
                                           lab_lesson_setting_name (config->setting), sum);

  return g_build_filename (root, leaf, NULL);
}

static gboolean
is_finished_run (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "record.json", NULL);
  g_autoptr(LabRunRecord) record = lab_run_record_load (path, NULL);
  g_autofree char *pdf = g_build_filename (dir, "report.pdf", NULL);

  return record != NULL && g_strcmp0 (lab_run_record_get_string (record, "status"), "finished") == 0
         && g_file_test (pdf, G_FILE_TEST_IS_REGULAR);
}

char *
lab_lesson_find_cached (const LabLessonInfo   *lesson,
                        const LabLessonConfig *config)
{
  g_autofree char *dir = lab_lesson_cache_dir (lesson, config);

  return is_finished_run (dir) ? g_steal_pointer (&dir) : NULL;
}

char *
lab_lesson_find_stale (const LabLessonInfo   *lesson,
                       const LabLessonConfig *config)
{
  g_autofree char *root = lessons_cache_root ();
  g_autofree char *mine = lab_lesson_cache_dir (lesson, config);
  g_autofree char *prefix = g_strconcat (lesson->name, "-", NULL);
  g_autoptr(GDir) d = g_dir_open (root, 0, NULL);
  const char *leaf;

  while (d && (leaf = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *dir = NULL;
      /* "noise-levels-" must not match "noise-levels-x-..." of another
       * lesson: the rest is SETTING-KEY. */
      if (!g_str_has_prefix (leaf, prefix) || strchr (leaf, '.') != NULL
          || (!g_str_has_prefix (leaf + strlen (prefix), "quick-")
              && !g_str_has_prefix (leaf + strlen (prefix), "full-")))
        continue;
      dir = g_build_filename (root, leaf, NULL);
      if (g_strcmp0 (dir, mine) != 0 && is_finished_run (dir))
        return g_steal_pointer (&dir);
    }
  return NULL;
}

/* A run's folder is at most two levels deep and holds no symbolic links
 * of ours; links found are removed, not followed. */
static gboolean
make_dirs (const char  *dir,
           GError     **error)
{
  for (const char *const *sub = (const char *const[]) { "figures", "tables", "models", NULL };
       *sub; sub++)
    {
      g_autofree char *path = g_build_filename (dir, *sub, NULL);
      if (g_mkdir_with_parents (path, 0755) != 0)
        {
          int saved = errno;
          g_set_error (error, LAB_ERROR, LAB_ERROR_IO, "%s: cannot create the folder (%s)",
                       path, g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}

/* The datasets: the spec's training and test splits; a dataset without a
 * test split (a folder of PNGs) gives 10% of its images, seeded, for
 * testing. */
static gboolean
open_datasets (LabLessonRun  *run,
               GError       **error)
{
  g_autoptr(GError) test_error = NULL;

  run->train = lab_dataset_open (run->dataset, LAB_SPLIT_TRAIN, run->cancellable, NULL, NULL,
                                 error);
  if (run->train == NULL)
    return FALSE;
  if (lab_dataset_spec_has_splits (run->dataset))
    run->test = lab_dataset_open (run->dataset, LAB_SPLIT_TEST, run->cancellable, NULL, NULL,
                                  &test_error);
  if (run->test != NULL && (run->test->height != run->train->height
                            || run->test->width != run->train->width))
    g_clear_pointer (&run->test, lab_dataset_unref);
  if (run->test == NULL)
    {
      guint n_test = MAX (run->train->n / 10, 1);
      guint sizes[2] = { run->train->n - n_test, n_test };
      g_autoptr(LabDataset) all = g_steal_pointer (&run->train);
      LabSplitParts *parts;

      if (all->n < 20)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                       "%s: %u images are too few for a lesson (at least 20)", run->dataset, all->n);
          return FALSE;
        }
      parts = lab_split_random (all->n, sizes, 2, run->config.seed, error);
      if (parts == NULL)
        return FALSE;
      run->train = lab_dataset_subset (all, parts->parts[0], parts->sizes[0], error);
      run->test = run->train ? lab_dataset_subset (all, parts->parts[1], parts->sizes[1], error)
                             : NULL;
      if (run->test != NULL)
        {
          lab_run_record_add_dataset (run->record, "source", run->dataset, all, NULL, all->n);
          lab_run_record_add_dataset (run->record, "held-out-test", run->dataset, all,
                                      parts->parts[1], parts->sizes[1]);
        }
      lab_split_parts_free (parts);
      if (run->test == NULL)
        return FALSE;
    }
  else
    lab_run_record_add_dataset (run->record, "test", run->dataset, run->test, NULL, run->test->n);
  if (run->lesson->needs_labels && run->train->labels == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "%s: the lesson “%s” needs labelled images, and this dataset has none",
                   run->dataset, run->lesson->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_outputs (LabLessonRun  *run,
               GError       **error)
{
  g_autofree char *pdf = g_build_filename (run->dir, "report.pdf", NULL);
  g_autofree char *figures = g_build_filename (run->dir, "figures", NULL);
  g_autofree char *tables = g_build_filename (run->dir, "tables", NULL);
  g_autofree char *record = g_build_filename (run->dir, "record.json", NULL);
  g_autofree char *text = g_build_filename (run->dir, "report-text.json", NULL);
  guint n_pages = 0;

  /* The reading on the first page, under the lesson's description (block 0),
   * as the window shows it: the class sees the conclusion, then the numbers. */
  if (run->reading_shown->len > 0)
    {
      lab_report_set_cursor (run->report, 1);
      lab_report_add_heading (run->report, _("What this shows"));
      lab_report_add_paragraph (run->report, run->reading_shown->str);
      lab_report_set_cursor (run->report, G_MAXUINT);
    }
  if (!lab_report_write_pdf (run->report, pdf, &n_pages, error)
      || !lab_report_write_files (run->report, figures, tables, 1200, error)
      || !lab_report_write_text (run->report, text, run->reading_shown->str, error))
    return FALSE;
  for (guint i = 0; i < lab_report_n_figures (run->report); i++)
    {
      g_autofree char *file = g_strconcat (lab_report_figure_name (run->report, i), ".png", NULL);
      g_autofree char *rel = g_build_filename ("figures", file, NULL);
      lab_run_record_add_file (run->record, "figures", rel);
    }
  lab_run_record_set_metric (run->record, "report_pages", n_pages);
  lab_run_record_set_string (run->record, "title", run->lesson->title);
  lab_run_record_set_string (run->record, "reading", run->reading->str);
  lab_run_record_finish (run->record, "finished");
  return lab_run_record_save (run->record, record, error);
}

static void
run_clear (LabLessonRun *run)
{
  g_clear_pointer (&run->train, lab_dataset_unref);
  g_clear_pointer (&run->test, lab_dataset_unref);
  g_clear_pointer (&run->report, lab_report_free);
  g_clear_pointer (&run->record, lab_run_record_free);
  g_clear_pointer (&run->timer, g_timer_destroy);
  g_free (run->dataset);
  g_free (run->dir);
  g_free (run->what);
  if (run->reading)
    g_string_free (run->reading, TRUE);
  if (run->reading_shown)
    g_string_free (run->reading_shown, TRUE);
}

char *
lab_lesson_run (const LabLessonInfo   *lesson,
                const LabLessonConfig *config,
                const char            *out_dir,
                LabLessonFunc          progress,
                gpointer               user_data,
                GCancellable          *cancellable,
                GError               **error)
{
  LabLessonRun run = { 0 };
  g_autofree char *target = out_dir ? g_strdup (out_dir) : lab_lesson_cache_dir (lesson, config);
  g_autoptr(LabSaveFolder) folder = NULL;
  const char *dataset = config_dataset (lesson, config);
  gboolean ok = FALSE;

  if (dataset == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND,
                   "the lesson “%s” runs on a dataset of your choice: name one (a folder of PNGs, "
                   "an IDX file, or mnist, fashion-mnist, synthetic)", lesson->name);
      return NULL;
    }
  run.lesson = lesson;
  run.config = *config;
  run.config.threads = config->threads ? config->threads : (guint) g_get_num_processors ();
  run.config.dataset = NULL;
  run.dataset = g_strdup (dataset);
  run.progress = progress;
  run.user_data = user_data;
  run.cancellable = cancellable;
  run.timer = g_timer_new ();
  run.reading = g_string_new (NULL);
  run.reading_shown = g_string_new (NULL);
  run.record = lab_run_record_new (lesson->name, lab_lesson_setting_name (config->setting));
  lab_run_record_set_config (run.record, dataset, run.config.seed, run.config.threads,
                             config->max_images, config->max_epochs);
  run.report = lab_report_new (_(lesson->title), NULL);

  if (!open_datasets (&run, error) || (lesson->check && !lesson->check (&run, error)))
    goto out;

  if ((folder = lab_save_folder_begin (target, error)) == NULL)
    goto out;
  run.dir = g_strdup (lab_save_folder_get_dir (folder));
  if (!make_dirs (run.dir, error))
    goto out;

  lab_report_add_paragraph (run.report, _(lesson->teaches));
  if (!lesson->run (&run, error) || lab_lesson_cancelled (&run, error) || !write_outputs (&run, error))
    goto out;

  /* Into place; on a failure the older run stays and run.dir is gone
   * (out: abandons it). */
  ok = lab_save_folder_commit (g_steal_pointer (&folder), error);

out:
  run_clear (&run);
  return ok ? g_steal_pointer (&target) : NULL;
}

void
lab_lesson_matches_free (GArray *matches)
{
  if (matches == NULL)
    return;
  for (guint i = 0; i < matches->len; i++)
    g_free (g_array_index (matches, LabLessonMatch, i).key);
  g_array_unref (matches);
}

GArray *
lab_lesson_reproduce (const char    *record_path,
                      LabLessonFunc  progress,
                      gpointer       user_data,
                      GCancellable  *cancellable,
                      gboolean      *all_match,
                      GError       **error)
{
  g_autoptr(LabRunRecord) record = lab_run_record_load (record_path, error);
  g_autoptr(LabRunRecord) again = NULL;
  g_autofree char *tmp = NULL, *dir = NULL, *again_path = NULL, *ran = NULL;
  const LabLessonInfo *lesson;
  LabLessonConfig config;
  JsonObject *c;
  const char **keys, **keys2;
  double *values, *values2;
  guint n, n2;
  GArray *matches;
  gboolean exact;

  *all_match = FALSE;
  if (record == NULL)
    return NULL;
  if ((lesson = lab_lesson_find (lab_run_record_get_string (record, "lesson"), error)) == NULL)
    return NULL;
  lab_lesson_config_init (&config);
  c = lab_run_record_get_object (record, "config");
  if (!lab_lesson_setting_parse (lab_run_record_get_string (record, "setting"), &config.setting))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FORMAT, "%s: unknown \"setting\"", record_path);
      return NULL;
    }
  config.dataset = json_object_get_string_member_with_default (c, "dataset", NULL);
  config.seed = (guint64) json_object_get_int_member_with_default (c, "seed", 1);
  config.threads = (guint) json_object_get_int_member_with_default (c, "threads", 1);
  config.max_images = (guint) json_object_get_int_member_with_default (c, "max_images", 0);
  config.max_epochs = (guint) json_object_get_int_member_with_default (c, "max_epochs", 0);
  exact = config.threads == 1;

  if ((tmp = g_dir_make_tmp ("latentlab-reproduce-XXXXXX", error)) == NULL)
    return NULL;
  dir = g_build_filename (tmp, "run", NULL);
  ran = lab_lesson_run (lesson, &config, dir, progress, user_data, cancellable, error);
  if (ran == NULL)
    {
      lab_save_remove_tree (tmp);
      return NULL;
    }
  again_path = g_build_filename (dir, "record.json", NULL);
  again = lab_run_record_load (again_path, error);
  lab_save_remove_tree (tmp);
  if (again == NULL)
    return NULL;

  n = lab_run_record_get_metrics (record, &keys, &values);
  n2 = lab_run_record_get_metrics (again, &keys2, &values2);
  matches = g_array_new (FALSE, TRUE, sizeof (LabLessonMatch));
  *all_match = TRUE;
  for (guint i = 0; i < n; i++)
    {
      LabLessonMatch m = { g_strdup (keys[i]), values[i], NAN, FALSE };
      for (guint j = 0; j < n2; j++)
        if (g_strcmp0 (keys[i], keys2[j]) == 0)
          m.reproduced = values2[j];
      if (isnan (m.recorded) && isnan (m.reproduced))
        m.match = TRUE;
      else if (exact)
        m.match = m.recorded == m.reproduced;
      else
        m.match = fabs (m.recorded - m.reproduced) <= 0.02 * MAX (fabs (m.recorded), 1e-12);
      *all_match = *all_match && m.match;
      g_array_append_val (matches, m);
    }
  return matches;
}
