/* Numbers in the user's locale for what the window shows, "C" for every
 * file (lab-format.h). Runs under LC_ALL=fr_FR.UTF-8 with LANGUAGE=fr and
 * under LC_ALL=de_DE.UTF-8 with LANGUAGE=de (tests/meson.build), with the
 * locales tests/make-locales.sh compiled into the build dir (LOCPATH): the
 * window's formatters give "4 385" and "94,20 %" (French), "4.385" and
 * "94,20 %" (German), a worker thread prints "0.50", and every writer of
 * the project writes the same bytes as in the C locale, even with the
 * process's LC_NUMERIC the user's, and reads them back. */

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lab-embedding.h"
#include "lab-model-io.h"
#include "lab-format.h"
#include "lab-gallery.h"
#include "lab-metrics.h"
#include "lab-plot-describe.h"
#include "lab-session-file.h"
#include "lab-synthetic.h"
#include "lab-test-models.h"
#include "lab-test-system.h"

typedef struct
{
  const char *language;
  const char *count;       /* 4385 */
  const char *percent;     /* 94.2, 2 digits */
  const char *confusion;   /* a confusion matrix in words (lab-plot-describe.h) */
  const char *loss;        /* a loss curve in words */
} Expected;

static const Expected expected[] = {
  { "fr", "4\u202f385", "94,20\u00a0%",
    "98,3\u00a0% des 10\u202f000 images bien classées. Confusion la plus fréquente\u00a0: 4 pris pour 9, 12 fois.",
    "Perte (validation) descend de 0,71 à 0,10 entre époque 1 et 5." },
  { "de", "4.385", "94,20\u00a0%",
    "98,3\u00a0% von 10.000 Bildern richtig klassifiziert. Am häufigsten verwechselt: 4 für 9 gehalten, 12 Mal.",
    "Verlust (Validierung) fällt von 0,71 auf 0,10 zwischen Epoche 1 und 5." },
};

static const Expected *want;

static const char *files[] = { "m.safetensors", "s.latentlab", "metrics.csv", "metrics.jsonl",
                               "map.csv", "gallery.csv" };

typedef struct
{
  LabDataset   *digits;
  LabModel     *model;
  LabEmbedding *map;
  LabGallery   *gallery;
} Savables;

static gpointer
print_half (gpointer data)
{
  return g_strdup_printf ("%.2f", 0.5);
}

/* What a worker writes for the window: its progress lines. */
static gpointer
print_shown (gpointer data)
{
  g_autofree char *count = lab_format_count_localized (4385);
  g_autofree char *rate = lab_format_shown ("%.3f", 0.001);
  g_autofree char *percent = lab_format_percent_localized (94.2, 2);

  return g_strjoin ("|", count, rate, percent, NULL);
}

/* A thread that shows numbers as the window's thread does, and ends. */
static gpointer
localize_and_print (gpointer data)
{
  if (!lab_format_localize_thread ())
    return NULL;
  return g_strdup_printf ("%.2f|%'d", 0.5, 4385);
}

/* Threads that call lab_format_localize_thread and exit: each prints the
 * user's numbers, and what lab-format made for it does not outlive it (in
 * the sanitized build LeakSanitizer checks that when the test exits). */
static void
test_format_thread_exits (void)
{
  g_autofree char *wanted = g_strconcat ("0,50|", want->count, NULL);
  g_autofree char *here = g_strdup_printf ("%.2f", 0.5);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = g_thread_join (g_thread_new ("localized", localize_and_print, NULL));

      g_assert_cmpstr (text, ==, wanted);
    }
  /* and this thread's numbers are its own */
  g_assert_cmpstr (here, ==, "0.50");
}

static void
test_format_window (void)
{
  g_autofree char *count = NULL, *percent = NULL, *c_half = NULL, *half = NULL, *worker = NULL;

  c_half = g_strdup_printf ("%.2f", 0.5);
  g_assert_cmpstr (c_half, ==, "0.50");
  g_assert_true (lab_format_localize_thread ());
  half = g_strdup_printf ("%.2f", 0.5);
  g_assert_cmpstr (half, ==, "0,50");
  count = lab_format_count_localized (4385);
  g_assert_cmpstr (count, ==, want->count);
  percent = lab_format_percent_localized (94.2, 2);
  g_assert_cmpstr (percent, ==, want->percent);
  /* and the messages still in the language */
  g_assert_cmpstr (_("Predicted class"), ==, want->language[0] == 'f' ? "Classe prédite" : "Vorhergesagte Klasse");
  /* a worker thread keeps the process's "C" */
  worker = g_thread_join (g_thread_new ("worker", print_half, NULL));
  g_assert_cmpstr (worker, ==, "0.50");
  /* but writes the window's text in the window's numbers */
  g_free (worker);
  worker = g_thread_join (g_thread_new ("worker", print_shown, NULL));
  {
    g_autofree char *shown = g_strjoin ("|", want->count, "0,001", want->percent, NULL);

    g_assert_cmpstr (worker, ==, shown);
  }
  /* the CLI's and the files' */
  g_free (count);
  count = lab_format_count (4385);
  g_assert_cmpstr (count, ==, "4,385");
}

/* Every kind of file the app and the CLI write, into dir. */
static void
write_all (Savables   *s,
           const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *model = g_build_filename (dir, files[0], NULL);
  g_autofree char *session_path = g_build_filename (dir, files[1], NULL);
  g_autofree char *csv = g_build_filename (dir, files[2], NULL);
  g_autofree char *jsonl = g_build_filename (dir, files[3], NULL);
  g_autofree char *map = g_build_filename (dir, files[4], NULL);
  g_autofree char *gallery = g_build_filename (dir, files[5], NULL);
  LabSessionFile *session = lab_session_file_new_borrowing ();
  JsonObject *state;

  g_assert_true (lab_model_save (s->model, model, "{\"lr\": 0.001, \"noise\": 0.5}", &error));
  g_assert_no_error (error);

  session->model = s->model;
  session->gallery = s->gallery;
  session->map = s->map;
  state = lab_session_file_get_page_state (session, "denoise");
  json_object_set_double_member (state, "level", 0.375);
  g_assert_true (lab_session_file_save (session, session_path, &error));
  g_assert_no_error (error);
  lab_session_file_free (session);

  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(LabMetricsWriter) writer = lab_metrics_writer_new (k == 0 ? csv : jsonl, &error);

      g_assert_no_error (error);
      for (guint epoch = 1; epoch <= 3; epoch++)
        {
          LabEpochRecord record = { epoch, 1.0 / epoch, 1.1 / epoch, 0.25, 4000.5 + epoch, 8 * epoch };

          g_assert_true (lab_metrics_writer_append (writer, &record, &error));
        }
      g_assert_true (lab_metrics_writer_finish (g_steal_pointer (&writer), &error));
      g_assert_no_error (error);
    }
  g_assert_true (lab_embedding_save_csv (s->map, map, &error));
  g_assert_no_error (error);
  g_assert_true (lab_gallery_save_csv (s->gallery, gallery, &error));
  g_assert_no_error (error);
}

static void
test_format_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *c_dir = g_dir_make_tmp ("latentlab-c-XXXXXX", NULL);
  g_autofree char *user_dir = g_dir_make_tmp ("latentlab-locale-XXXXXX", NULL);
  g_autofree char *half = NULL;
  g_autofree float *image = g_new (float, 28 * 28);
  LabGallerySource source = { "cae-tiny", "pca", 0.25, -1.0 / 3, 40 };
  LabEmbedConfig ec;
  Savables s = { 0 };

  s.digits = lab_synthetic_digits_new (200, 7, &error);
  g_assert_no_error (error);
  s.model = lab_test_new_preset ("cae-tiny", 3);
  lab_embed_config_init (&ec);
  ec.n = 60;
  s.map = lab_embedding_compute (s.model, s.digits, &ec, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  s.gallery = lab_gallery_new (28, 28, (const char * const *) s.digits->class_names, s.digits->n_classes);
  g_assert_true (lab_embedding_decode (s.model, s.map->latents, 1, (guint) s.map->dim, image, &error));
  g_assert_no_error (error);
  lab_gallery_add (s.gallery, image, s.map->latents, (guint) s.map->dim, 3, &source);

  /* In "C" first (the test starts so, as lab_format_init_locale leaves
   * the process), then with this thread and the process both in the
   * user's numbers, as no program of the project runs. */
  write_all (&s, c_dir);
  g_assert_true (lab_format_localize_thread ());
  g_assert_nonnull (setlocale (LC_NUMERIC, ""));
  half = g_strdup_printf ("%.1f", 0.5);
  g_assert_cmpstr (half, ==, "0,5");
  write_all (&s, user_dir);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *a_path = g_build_filename (c_dir, files[i], NULL);
      g_autofree char *b_path = g_build_filename (user_dir, files[i], NULL);
      g_autofree char *a = NULL, *b = NULL;
      gsize a_len, b_len;

      g_assert_true (g_file_get_contents (a_path, &a, &a_len, NULL));
      g_assert_true (g_file_get_contents (b_path, &b, &b_len, NULL));
      g_test_message ("%s: %" G_GSIZE_FORMAT " bytes", files[i], a_len);
      g_assert_cmpuint (a_len, >, 0);
      g_assert_cmpmem (a, a_len, b, b_len);
      g_unlink (a_path);
      g_unlink (b_path);
    }

  /* And read back in the user's numbers. */
  write_all (&s, user_dir);
  {
    g_autofree char *session_path = g_build_filename (user_dir, files[1], NULL);
    g_autofree char *model_path = g_build_filename (user_dir, files[0], NULL);
    g_autoptr(LabModel) model = lab_model_load (model_path, NULL, &error);
    LabSessionFile *session;
    JsonObject *state;

    g_assert_no_error (error);
    g_assert_cmpuint (lab_model_n_params (model), ==, lab_model_n_params (s.model));
    session = lab_session_file_load (session_path, &error);
    g_assert_no_error (error);
    g_assert_nonnull (session->map);
    g_assert_cmpuint (session->map->n, ==, 60);
    state = lab_session_file_get_page_state (session, "denoise");
    g_assert_cmpfloat (json_object_get_double_member (state, "level"), ==, 0.375);
    lab_session_file_free (session);
    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *path = g_build_filename (user_dir, files[i], NULL);

        g_unlink (path);
      }
  }
  g_rmdir (c_dir);
  g_rmdir (user_dir);
  setlocale (LC_NUMERIC, "C");
  uselocale (LC_GLOBAL_LOCALE);  /* lab-format keeps the locale it made */

  lab_gallery_free (s.gallery);
  lab_embedding_free (s.map);
  lab_model_free (s.model);
  lab_dataset_unref (s.digits);
}

/* Figures in words as the window says them: the language's sentences,
 * the locale's numbers. */
static void
test_format_describe (void)
{
  static const double val[] = { 0.7123, 0.3105, 0.1804, 0.1095, 0.1012 };
  g_autoptr(LabConfusionPlot) confusion = lab_confusion_plot_new ();
  g_autoptr(LabLinePlot) plot = lab_line_plot_new ();
  g_autofree char *matrix = NULL, *curve = NULL;
  guint counts[100] = { 0 };
  guint s;

  g_assert_true (lab_format_localize_thread ());
  for (guint t = 0; t < 10; t++)
    {
      counts[t * 10 + t] = 983;
      counts[t * 10 + (t + 1) % 10] = t == 4 ? 5 : 9;
      counts[t * 10 + (t + 2) % 10] = t == 4 ? 0 : 8;
    }
  counts[4 * 10 + 9] = 12;
  lab_confusion_plot_set_matrix (confusion, counts, 10, NULL);
  matrix = lab_confusion_plot_describe (confusion);
  g_assert_cmpstr (matrix, ==, want->confusion);

  /* the axis titles and the series' name as the app gives them */
  lab_line_plot_set_labels (plot, _("epoch"), _("loss"));
  s = lab_line_plot_add_series (plot, _("validation"), 1, LAB_LINE_STYLE_POINTS);
  for (guint e = 0; e < 5; e++)
    lab_line_plot_append (plot, s, e + 1, val[e]);
  curve = lab_line_plot_describe (plot);
  g_assert_cmpstr (curve, ==, want->loss);
}

int
main (int argc, char **argv)
{
  const char *language = g_getenv ("LANGUAGE");

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (g_strcmp0 (language, expected[i].language) == 0)
      want = &expected[i];
  if (want == NULL)
    g_error ("LANGUAGE is “%s”, not fr or de: run through meson test", language ? language : "");
  /* As the programs start. */
  lab_test_user_locale ();

  g_test_init (&argc, &argv, NULL);
  /* files first: the window's test leaves this thread localized */
  g_test_add_func ("/format-locale/files", test_format_files);
  g_test_add_func ("/format-locale/thread-exits", test_format_thread_exits);
  g_test_add_func ("/format-locale/window", test_format_window);
  g_test_add_func ("/format-locale/describe", test_format_describe);
  return g_test_run ();
}
