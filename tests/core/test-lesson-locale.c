#define _GNU_SOURCE
/* A lesson's text in the user's language and numbers, its data in English
 * and "C" (lab-lesson-private.h). Runs under LC_ALL=fr_FR.UTF-8 with
 * LANGUAGE=fr and under LC_ALL=de_DE.UTF-8 with LANGUAGE=de
 * (tests/meson.build), with the build tree's catalogues: a tiny run of
 * conv-vs-dense writes its reading and tables translated with comma
 * decimals into report-text.json (what the Lessons page shows, the same
 * text the PDF draws), a translated PDF, and record.json and the CSV tables
 * in English with "0.2415" decimals; reproducing the run from its record
 * matches every number. */

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lab-blas.h"
#include "lab-format.h"
#include "lab-lesson.h"
#include "lab-run-record.h"
#include "lab-test-system.h"

typedef struct
{
  const char *language;
  const char *title;        /* the PDF's, in its metadata */
  const char *reading;      /* the reading's start */
  const char *model;        /* the results' first header */
  const char *count;        /* cae-tiny's 4385 parameters */
  const char *settings;     /* the settings' first row */
} Expected;

static const Expected expected[] = {
  { "fr", "Auto-encodeurs convolutifs contre denses", "L’auto-encodeur ", "Modèle", "4\u202f385",
    "rapide (moins d’images et d’époques que le TP, pour la classe)" },
  { "de", "Konvolutionale gegen dichte Autoencoder", "Der Autoencoder ", "Modell", "4.385",
    "schnell (weniger Bilder und Epochen als im Praktikum, für den Unterricht)" },
};

static const Expected *want;

static gboolean
matches (const char *pattern,
         const char *text)
{
  return g_regex_match_simple (pattern, text, 0, 0);
}

static JsonObject *
load_object (JsonParser *parser,
             const char *path)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_conv_vs_dense (void)
{
  const LabLessonInfo *lesson = lab_lesson_find ("conv-vs-dense", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_dir_make_tmp ("lab-lesson-locale-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (out, "run", NULL);
  g_autofree char *dir = NULL, *csv = NULL, *settings = NULL, *pdf = NULL;
  g_autofree char *path = NULL, *title = NULL;
  g_autoptr(JsonParser) text_parser = json_parser_new ();
  g_autoptr(JsonParser) record_parser = json_parser_new ();
  JsonObject *text, *record;
  JsonArray *tables, *rows, *row;
  const char *reading;
  LabLessonConfig config;
  GArray *matched;
  gboolean all_match = FALSE;
  gsize pdf_len;

  lab_lesson_config_init (&config);
  config.dataset = "synthetic";
  config.threads = 1;
  config.max_images = 120;
  config.max_epochs = 1;
  dir = lab_lesson_run (lesson, &config, target, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* For people: translated, comma decimals, the locale's grouping. */
  path = g_build_filename (dir, "report-text.json", NULL);
  text = load_object (text_parser, path);
  g_assert_cmpstr (json_object_get_string_member (text, "language"), ==, want->language);
  reading = json_object_get_string_member (text, "reading");
  g_assert_true (g_str_has_prefix (reading, want->reading));
  g_assert_true (matches ("[0-9],[0-9][0-9] dB", reading));
  g_assert_false (matches ("[0-9]\\.[0-9]", reading));
  tables = json_object_get_array_member (text, "tables");
  g_assert_cmpuint (json_array_get_length (tables), ==, 2);
  /* The settings first (the first page's order), then the results. */
  rows = json_object_get_array_member (json_array_get_object_element (tables, 0), "rows");
  g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (rows, 1), 1), ==,
                   want->settings);
  rows = json_object_get_array_member (json_array_get_object_element (tables, 1), "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, 4);
  g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (rows, 0), 0), ==,
                   want->model);
  row = json_array_get_array_element (rows, 1);
  g_assert_cmpstr (json_array_get_string_element (row, 0), ==, "cae-tiny");
  g_assert_cmpstr (json_array_get_string_element (row, 1), ==, want->count);
  g_assert_true (matches ("^0,[0-9]{4}$", json_array_get_string_element (row, 3)));
  g_assert_true (matches ("^[0-9]+,[0-9]{2} dB$", json_array_get_string_element (row, 5)));

  /* The PDF says its title in the language (Cairo writes it as a literal
   * string when it is ASCII, as both titles are). */
  g_free (path);
  path = g_build_filename (dir, "report.pdf", NULL);
  g_assert_true (g_file_get_contents (path, &pdf, &pdf_len, NULL));
  title = g_strdup_printf ("/Title (%s)", want->title);
  g_assert_nonnull (memmem (pdf, pdf_len, title, strlen (title)));

  /* For programs: English, "C" numbers. */
  csv = g_build_filename (dir, "tables", "results.csv", NULL);
  g_free (path);
  path = g_steal_pointer (&csv);
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "Model,Parameters,Training time,Test MSE,Test BCE,"
                                        "Test PSNR\n"));
  g_assert_true (matches ("\ncae-tiny,\"4,385\",[0-9:]+,0\\.[0-9]{4},0\\.[0-9]{4},[0-9]+\\.[0-9]{2} dB\n",
                          csv));
  g_free (path);
  path = g_build_filename (dir, "tables", "settings.csv", NULL);
  g_assert_true (g_file_get_contents (path, &settings, NULL, NULL));
  g_assert_nonnull (strstr (settings, "\nSetting,\"quick (fewer images and epochs than the lab, "
                                      "for class)\"\n"));
  g_free (path);
  path = g_build_filename (dir, "record.json", NULL);
  record = load_object (record_parser, path);
  reading = json_object_get_string_member (record, "reading");
  g_assert_true (g_str_has_prefix (reading, "The "));
  g_assert_true (matches ("[0-9]\\.[0-9][0-9] dB", reading));
  g_assert_false (matches ("[0-9],[0-9]", reading));
  g_assert_cmpstr (json_object_get_string_member (record, "title"), ==,
                   "Convolutional against dense autoencoders");

  /* Reproduced from the record's numbers, in this locale too: one thread,
   * bit for bit. */
  matched = lab_lesson_reproduce (path, NULL, NULL, NULL, &all_match, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (matched->len, ==, 10);
  g_assert_true (all_match);
  lab_lesson_matches_free (matched);
}

int
main (int argc, char **argv)
{
  const char *language = g_getenv ("LANGUAGE");
  g_autofree char *tmp = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (g_strcmp0 (language, expected[i].language) == 0)
      want = &expected[i];
  if (want == NULL)
    g_error ("LANGUAGE is “%s”, not fr or de: run through meson test", language ? language : "");
  lab_test_user_locale ();
  lab_test_private_tmpdir ();
  tmp = g_dir_make_tmp ("lab-lesson-locale-cache-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", tmp, TRUE);
  lab_blas_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lesson-locale/conv-vs-dense", test_conv_vs_dense);
  return g_test_run ();
}
