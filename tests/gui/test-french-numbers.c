/* The window in French with French numbers: LANGUAGE=fr and
 * LC_ALL=fr_FR.UTF-8 (tests/gui/meson.build; the locale compiled into the
 * build dir, LOCPATH, as for test-format-locale). The process keeps
 * LC_NUMERIC "C" for its files and worker threads (lab-format.h), yet what
 * the window shows reads as a French class reads numbers: a decimal comma
 * and digits grouped with a narrow no-break space. The Train page's
 * learning rate and parameter count, the layer editor's fractions, the
 * Denoise page's means, the
 * Classify page's accuracy and counts, and the progress a worker thread
 * writes for the transfer experiment. A window that formats in "C" shows
 * "0.001", "4,385" and "94.20%", and fails here. */

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-arch-editor-dialog.h"
#include "lab-arch-editor-private.h"
#include "lab-classify-page-private.h"
#include "lab-denoise-page-private.h"
#include "lab-test-models.h"
#include "lab-test-util.h"
#include "lab-train-page-private.h"
#include "lab-window-private.h"

#define LOCALE "fr_FR.UTF-8"
/* fr_FR groups digits with U+202F and writes U+00A0 before "%". */
#define GROUP "\u202f"

static LabApplication *app;

typedef struct
{
  LabWindow  *window;
  LabSession *session;
} Fixture;

static gboolean
session_ready (gpointer data)
{
  return lab_session_is_ready (((Fixture *) data)->session);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->window = lab_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  f->session = lab_window_get_session (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  lab_test_spin_until (session_ready, f, 30);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
}

/* The texts of the labels and spin buttons under widget. */
static void
collect_texts (GtkWidget *widget,
               GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (widget))));
  else if (GTK_IS_SPIN_BUTTON (widget))
    g_ptr_array_add (texts, g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget))));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

/* The first text under widget that pattern matches; fails the test,
 * listing what there is, when none does. */
static char *
find_text (GtkWidget  *widget,
           const char *pattern)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, NULL);

  g_assert_nonnull (regex);
  collect_texts (widget, texts);
  for (guint i = 0; i < texts->len; i++)
    if (g_regex_match (regex, texts->pdata[i], 0, NULL))
      {
        g_test_message ("“%s” matches %s", (char *) texts->pdata[i], pattern);
        return g_strdup (texts->pdata[i]);
      }
  for (guint i = 0; i < texts->len; i++)
    g_test_message ("shown: “%s”", (char *) texts->pdata[i]);
  g_error ("no text matches %s", pattern);
  return NULL;
}

static void
test_train (Fixture       *f,
            gconstpointer  data)
{
  LabTrainPage *page = LAB_TRAIN_PAGE (lab_window_get_page (f->window, "train"));
  g_autofree char *count = NULL;

  lab_window_set_visible_page (f->window, "train");
  lab_test_spin_for (0.3);
  /* Adam's 1e-3, not "0.001" nor "0,001000" */
  g_free (find_text (GTK_WIDGET (page->train_settings), "^0,001$"));
  /* the architecture's parameter count, "4 385" and not "4,385" */
  count = find_text (GTK_WIDGET (page->arch_chooser), "^[1-9][0-9]{0,2}(" GROUP "[0-9]{3})+$");
  g_assert_null (strchr (count, ','));
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "french-numbers-train.png", 50, 50.0);
}

static void
on_editor_done (const char *json,
                gpointer    data)
{
}

/* The layer editor's fraction spin buttons: "0,21" shown, "0,35" typed. */
static void
test_arch_editor (void)
{
  GtkWindow *dialog = lab_arch_editor_run_dialog (NULL, NULL, on_editor_done, NULL);
  LabArchEditor *editor = lab_arch_editor_dialog_get_editor (dialog);
  GtkDropDown *type = lab_arch_editor_get_type_dropdown (editor, 0);
  GListModel *types = gtk_drop_down_get_model (type);
  GtkSpinButton *slope;
  guint leaky = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (types, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), "leaky_relu") == 0)
        leaky = i;
    }
  g_assert_cmpuint (leaky, !=, GTK_INVALID_LIST_POSITION);
  gtk_drop_down_set_selected (type, leaky);
  slope = GTK_SPIN_BUTTON (lab_arch_editor_get_option_widget (editor, 0, "slope"));
  gtk_spin_button_set_value (slope, 0.2);
  gtk_spin_button_spin (slope, GTK_SPIN_STEP_FORWARD, 0.01);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (slope)), ==, "0,21");
  gtk_editable_set_text (GTK_EDITABLE (slope), "0,35");
  gtk_spin_button_update (slope);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (slope), 0.35, 1e-9);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (slope)), ==, "0,35");
  gtk_window_destroy (dialog);
}

static void
test_denoise (Fixture       *f,
              gconstpointer  data)
{
  LabDenoisePage *page = LAB_DENOISE_PAGE (lab_window_get_page (f->window, "denoise"));
  g_autofree char *means = NULL;

  lab_test_train_into_session (f->session, "cae-tiny");
  lab_window_set_visible_page (f->window, "denoise");
  lab_test_spin_for (1.5);
  /* "Moyenne sur 16 images de test :  bruitée 9,4 dB  →  débruitée 10,2 dB  (MSE 0,0952)" */
  means = find_text (GTK_WIDGET (page), "^Moyenne sur [0-9]+ images de test.*[0-9],[0-9] dB.*[0-9],[0-9] dB.*MSE 0,[0-9]{4}");
  g_assert_null (strstr (means, "."));
  /* the loss-against-noise curve's 1,000 test images, computing or done */
  g_free (find_text (GTK_WIDGET (page), "1" GROUP "000 images de test"));
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "french-numbers-denoise.png", 50, 50.0);
}

static gboolean
classify_idle (gpointer data)
{
  return !lab_classify_run_is_running (data);
}

static void
test_classify (Fixture       *f,
               gconstpointer  data)
{
  LabClassifyPage *page = LAB_CLASSIFY_PAGE (lab_window_get_page (f->window, "classify"));
  LabClassifyRun *run = lab_classify_page_get_run (page);
  LabClassifyResults *results = lab_classify_page_get_results (page);
  LabClassifyConfig config;

  lab_window_set_visible_page (f->window, "classify");
  lab_classify_config_init (&config, LAB_CLASSIFIER_KNN);
  config.features = LAB_FEATURES_PIXELS;
  config.n_train = 2000;
  lab_classify_run_set_config (run, &config);
  lab_test_activate (f->window, "run-classifier", NULL);
  lab_test_spin_until (classify_idle, run, 120);
  lab_test_spin_for (0.3);
  g_assert_cmpuint (lab_classify_results_get_n (results), ==, 1);
  /* "k-NN sur pixels (784) : 91,30 % de 1 000 images de test justes (…)" */
  g_assert_true (g_regex_match_simple ("[0-9]+,[0-9]{2}\u00a0% .*1" GROUP "000 ",
                                       lab_classify_run_get_status (run), 0, 0));
  g_assert_true (g_regex_match_simple ("^[0-9]+,[0-9]{2}\u00a0%$", lab_classify_results_get_text (results, 0, 3), 0, 0));
  g_assert_cmpstr (lab_classify_results_get_text (results, 0, 2), ==, "2" GROUP "000");
  g_assert_cmpstr (lab_classify_results_get_text (results, 0, 1), ==, "pixels (784)");
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "french-numbers-classify.png", 50, 50.0);
}

typedef struct
{
  LabTransferPanel *panel;
  char             *progress;   /* the first progress line a worker wrote */
} TransferWatch;

static gboolean
transfer_progressed (gpointer data)
{
  TransferWatch *w = data;
  const char *status = lab_transfer_panel_get_status (w->panel);

  if (w->progress == NULL && g_str_has_prefix (status, "graine "))
    w->progress = g_strdup (status);
  return w->progress != NULL;
}

/* The transfer experiment's progress is written on its worker thread: in
 * French, its count grouped as the window's ("1 500", not "1500"). */
static void
test_transfer_progress (Fixture       *f,
                        gconstpointer  data)
{
  LabClassifyPage *page = LAB_CLASSIFY_PAGE (lab_window_get_page (f->window, "classify"));
  TransferWatch w = { lab_classify_page_get_transfer (page), NULL };

  lab_window_set_visible_page (f->window, "classify");
  gtk_stack_set_visible_child_name (lab_classify_page_get_stack (page), "transfer");
  g_object_set (w.panel, "quick", TRUE, NULL);
  lab_test_activate (f->window, "run-transfer", NULL);
  lab_test_spin_until (transfer_progressed, &w, 120);
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "french-numbers-transfer.png", 50, 50.0);
  lab_test_activate (f->window, "cancel-transfer", NULL);
  g_test_message ("transfer progress: “%s”", w.progress);
  /* "graine 1 sur 2, préentraînement de … sur 1 500 images non étiquetées, époque 1 sur 2" */
  g_assert_true (g_str_has_prefix (w.progress, "graine 1 sur 2, "));
  g_assert_nonnull (strstr (w.progress, " sur 1" GROUP "500 images non étiquetées"));
  g_free (w.progress);
}

int
main (int    argc,
      char **argv)
{
  locale_t french = newlocale (LC_ALL_MASK, LOCALE, (locale_t) 0);

  if (french == (locale_t) 0)
    {
      /* Only where the C library cannot have it (build-aux/setup installs
       * what compiles it). */
      g_print ("1..0 # SKIP the C library has no " LOCALE " here\n");
      return 0;
    }
  freelocale (french);
  app = lab_test_init_in_locale (&argc, &argv, LOCALE);
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, "fr");
  /* The process's numbers stay "C"; the window's are French. */
  g_assert_cmpstr (setlocale (LC_NUMERIC, NULL), ==, "C");
  g_test_add ("/french-numbers/train", Fixture, NULL, fixture_setup, test_train, fixture_teardown);
  g_test_add_func ("/french-numbers/arch-editor", test_arch_editor);
  g_test_add ("/french-numbers/denoise", Fixture, NULL, fixture_setup, test_denoise, fixture_teardown);
  g_test_add ("/french-numbers/classify", Fixture, NULL, fixture_setup, test_classify, fixture_teardown);
  g_test_add ("/french-numbers/transfer-progress", Fixture, NULL, fixture_setup, test_transfer_progress,
              fixture_teardown);
  return lab_test_run ();
}
