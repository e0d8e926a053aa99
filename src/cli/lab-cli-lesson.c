#define G_LOG_DOMAIN "latentlab-cli"

/* latentlab-cli lesson list | run NAME | reproduce RECORD: the lessons of
 * src/core/lessons from a terminal. */

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-format.h"
#include "lab-lesson.h"
#include "lab-run-record.h"
#include "lab-save.h"

#define BAR_WIDTH 24

typedef struct
{
  gboolean tty;
  gint64   last_draw;
  char     last_line[256];   /* off a terminal: the line printed last */
} Bar;

static void
on_progress (const LabLessonProgress *p,
             gpointer                 data)
{
  Bar *bar = data;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *eta = NULL;
  guint filled;
  GString *line;

  if (!bar->tty)
    {
      /* A log gets a line when the step says something new, not one per
       * update (a transfer lesson sends thousands). */
      g_autofree char *text = g_strdup_printf ("[%u/%u] %s", p->step, p->n_steps, p->what);

      if (p->train_step == 0 && strcmp (text, bar->last_line) != 0)
        {
          g_printerr ("%s\n", text);
          g_strlcpy (bar->last_line, text, sizeof bar->last_line);
        }
      return;
    }
  if (now - bar->last_draw < 100 * G_TIME_SPAN_MILLISECOND && p->train_step != 0)
    return;
  bar->last_draw = now;
  eta = isfinite (p->eta_seconds) ? lab_format_duration (p->eta_seconds) : g_strdup ("…");
  filled = (guint) (BAR_WIDTH * CLAMP (p->fraction, 0, 1));
  line = g_string_new ("\r\033[K");
  for (guint i = 0; i < BAR_WIDTH; i++)
    g_string_append (line, i < filled ? "█" : "░");
  g_string_append_printf (line, " %3.0f%%  step %u/%u  %s", 100 * p->fraction, p->step,
                          p->n_steps, p->what);
  if (isfinite (p->loss))
    g_string_append_printf (line, "  loss %.4f", p->loss);
  g_string_append_printf (line, "  %s left", eta);
  fputs (line->str, stderr);
  fflush (stderr);
  g_string_free (line, TRUE);
}

static int
lesson_list (int    argc,
             char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL },
  };
  const LabLessonInfo * const *lessons = lab_lessons_list ();
  int status = 0;

  if (!lab_cli_parse ("lesson list", "", "List the lessons", entries, &argc, &argv, &status))
    return status;
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; lessons[i]; i++)
        {
          json_builder_begin_object (b);
          lab_json_add_string (b, "name", lessons[i]->name);
          lab_json_add_string (b, "title", lessons[i]->title);
          lab_json_add_string (b, "teaches", lessons[i]->teaches);
          json_builder_set_member_name (b, "dataset");
          if (lessons[i]->default_dataset)
            json_builder_add_string_value (b, lessons[i]->default_dataset);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "quick_minutes");
          json_builder_add_double_value (b, lessons[i]->quick_minutes);
          json_builder_set_member_name (b, "full_minutes");
          json_builder_add_double_value (b, lessons[i]->full_minutes);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
      return 0;
    }
  for (guint i = 0; lessons[i]; i++)
    {
      g_autofree char *quick = lab_format_minutes (lessons[i]->quick_minutes);
      g_autofree char *full = lab_format_minutes (lessons[i]->full_minutes);

      printf ("%-14s %s (quick %s, full %s on 2 cores)\n               %s\n\n",
              lessons[i]->name, lessons[i]->title, quick, full, lessons[i]->teaches);
    }
  return 0;
}

/* Copies the finished report to where the user asked, atomically. */
static gboolean
copy_report (const char  *dir,
             const char  *dest,
             GError     **error)
{
  g_autofree char *src_path = g_build_filename (dir, "report.pdf", NULL);
  g_autoptr(GMappedFile) src = g_mapped_file_new (src_path, FALSE, error);

  if (src == NULL)
    return FALSE;
  /* lab_save names dest in its errors and keeps a previous file intact. */
  return lab_save_contents (dest, g_mapped_file_get_contents (src), g_mapped_file_get_length (src),
                            error);
}

static void
print_metrics (const char *dir,
               gboolean    json,
               gboolean    cached)
{
  g_autofree char *record_path = g_build_filename (dir, "record.json", NULL);
  g_autoptr(LabRunRecord) record = lab_run_record_load (record_path, NULL);
  const char **keys;
  double *values;
  guint n;

  if (record == NULL)
    return;
  n = lab_run_record_get_metrics (record, &keys, &values);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL, *pdf = g_build_filename (dir, "report.pdf", NULL);

      json_builder_begin_object (b);
      lab_json_add_string (b, "lesson", lab_run_record_get_string (record, "lesson"));
      lab_json_add_string (b, "setting", lab_run_record_get_string (record, "setting"));
      json_builder_set_member_name (b, "cached");
      json_builder_add_boolean_value (b, cached);
      lab_json_add_string (b, "dir", dir);
      lab_json_add_string (b, "report", pdf);
      lab_json_add_string (b, "record", record_path);
      json_builder_set_member_name (b, "metrics");
      json_builder_begin_object (b);
      for (guint i = 0; i < n; i++)
        {
          json_builder_set_member_name (b, keys[i]);
          if (isfinite (values[i]))
            json_builder_add_double_value (b, values[i]);
          else
            json_builder_add_null_value (b);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
      return;
    }
  printf ("%s%s\n", cached ? "cached (finished earlier with these settings): " : "", dir);
  for (guint i = 0; i < n; i++)
    printf ("  %-28s %.6g\n", keys[i], values[i]);
}

static int
lesson_run (int    argc,
            char **argv)
{
  gboolean quick = FALSE, full = FALSE, json = FALSE, force = FALSE;
  g_autofree char *dataset = NULL, *report = NULL, *out = NULL;
  gint threads = 0, max_images = 0, max_epochs = 0;
  gint64 seed = 1;
  const GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "The quick setting, for class (the default)", NULL },
    { "full", 0, 0, G_OPTION_ARG_NONE, &full, "The lab's epochs and sizes", NULL },
    { "dataset", 'd', 0, G_OPTION_ARG_FILENAME, &dataset, "Dataset (default: the lesson's)", "D" },
    { "report", 'o', 0, G_OPTION_ARG_FILENAME, &report, "Also copy the PDF report here", "FILE.pdf" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Write the run's folder here instead of the cache", "DIR" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed (default 1)", "S" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (default: one per core)", "N" },
    { "max-images", 0, 0, G_OPTION_ARG_INT, &max_images, "Train on at most N images", "N" },
    { "max-epochs", 0, 0, G_OPTION_ARG_INT, &max_epochs, "Train for at most N epochs", "N" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Run again even when a finished run is cached", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  const LabLessonInfo *lesson;
  LabLessonConfig config;
  Bar bar = { isatty (STDERR_FILENO) && !json, 0, "" };
  gboolean cached = FALSE;
  int status = 0;

  if (!lab_cli_parse ("lesson run", "NAME", "Run a lesson and write its report", entries,
                      &argc, &argv, &status))
    return status;
  if (argc != 2)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_FORMAT, "name one lesson (see 'lesson list')");
      return lab_cli_fail ("lesson run", error);
    }
  if (quick && full)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_FORMAT, "--quick and --full exclude each other");
      return lab_cli_fail ("lesson run", error);
    }
  if (threads < 0 || max_images < 0 || max_epochs < 0 || seed < 0)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_FORMAT,
                   "--threads, --max-images, --max-epochs and --seed take numbers >= 0");
      return lab_cli_fail ("lesson run", error);
    }
  if ((lesson = lab_lesson_find (argv[1], &error)) == NULL)
    return lab_cli_fail ("lesson run", error);

  lab_lesson_config_init (&config);
  config.setting = full ? LAB_LESSON_FULL : LAB_LESSON_QUICK;
  config.dataset = dataset;
  config.seed = (guint64) seed;
  config.threads = (guint) threads;
  config.max_images = (guint) max_images;
  config.max_epochs = (guint) max_epochs;

  if (!force && out == NULL && (dir = lab_lesson_find_cached (lesson, &config)) != NULL)
    cached = TRUE;
  else
    {
      g_autoptr(LabCliInterrupt) interrupt = lab_cli_interrupt_begin ();

      dir = lab_lesson_run (lesson, &config, out, on_progress, &bar,
                            lab_cli_interrupt_get_cancellable (interrupt), &error);
      if (bar.tty)
        fputs ("\r\033[K", stderr);
      if (dir == NULL)
        return lab_cli_interrupt_fail (interrupt, "lesson run", error);
    }
  if (report != NULL && !copy_report (dir, report, &error))
    return lab_cli_fail ("lesson run", error);
  print_metrics (dir, json, cached);
  return 0;
}

static int
lesson_reproduce (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL },
  };
  g_autoptr(GError) error = NULL;
  Bar bar = { isatty (STDERR_FILENO) && !json, 0, "" };
  gboolean all_match = FALSE;
  g_autoptr(LabCliInterrupt) interrupt = NULL;
  GArray *matches;
  int status = 0;

  if (!lab_cli_parse ("lesson reproduce", "RECORD.json",
                      "Run a lesson again from its run record and compare every number",
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_FORMAT, "name one run record (record.json)");
      return lab_cli_fail ("lesson reproduce", error);
    }
  interrupt = lab_cli_interrupt_begin ();
  matches = lab_lesson_reproduce (argv[1], on_progress, &bar,
                                  lab_cli_interrupt_get_cancellable (interrupt), &all_match, &error);
  if (bar.tty)
    fputs ("\r\033[K", stderr);
  if (matches == NULL)
    return lab_cli_interrupt_fail (interrupt, "lesson reproduce", error);
  g_clear_pointer (&interrupt, lab_cli_interrupt_end);
  if (json)
    {
      printf ("{\"match\": %s, \"metrics\": [", all_match ? "true" : "false");
      for (guint i = 0; i < matches->len; i++)
        {
          LabLessonMatch *m = &g_array_index (matches, LabLessonMatch, i);
          printf ("%s{\"key\": \"%s\", \"recorded\": %.17g, \"reproduced\": %.17g, \"match\": %s}",
                  i ? ", " : "", m->key, m->recorded, m->reproduced, m->match ? "true" : "false");
        }
      printf ("]}\n");
    }
  else
    {
      for (guint i = 0; i < matches->len; i++)
        {
          LabLessonMatch *m = &g_array_index (matches, LabLessonMatch, i);
          printf ("  %-28s %-12.6g %-12.6g %s\n", m->key, m->recorded, m->reproduced,
                  m->match ? "same" : "DIFFERENT");
        }
      printf ("%s\n", all_match ? "every number reproduced" : "some numbers differ");
    }
  lab_lesson_matches_free (matches);
  return all_match ? 0 : 2;
}

int
lab_cli_lesson (int    argc,
                char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "list") == 0)
    return lesson_list (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "run") == 0)
    return lesson_run (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "reproduce") == 0)
    return lesson_reproduce (argc - 1, argv + 1);
  g_printerr ("Usage: latentlab-cli lesson list [--json]\n"
              "       latentlab-cli lesson run NAME [--quick|--full] [--dataset D] "
              "[--report out.pdf] [--json]\n"
              "       latentlab-cli lesson reproduce record.json [--json]\n");
  return argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0) ? 0 : 1;
}
