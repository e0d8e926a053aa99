/* The window in French: LANGUAGE=fr (tests/gui/meson.build) with the GUI
 * tests' C.UTF-8 locale (in which, unlike C, gettext lets LANGUAGE choose
 * the messages), and the build tree's compiled translations (LATENTLAB_LOCALEDIR, bound
 * by lab_test_init). Every page of the window, whichever pages there are,
 * has a French title and French labels, and so has the main menu; the
 * known pages show the labels a French class reads; a lesson's results
 * (made by the core) are French too. Screenshots of the Data, Train and
 * Lessons pages go under the build dir (french-PAGE.png). */

#include <locale.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-data-page-private.h"
#include "lab-lessons-page.h"
#include "lab-test-util.h"
#include "lab-transfer.h"
#include "lab-window-private.h"

static LabApplication *app;
/* Every translation of the French catalogue that differs from its English. */
static GHashTable *french;

/* A page's French title and one label it shows. */
static const struct
{
  const char *name;
  const char *title;
  const char *label;
} known[] = {
  { "data", "Données", "Jeu de données" },
  { "train", "Entraîner", "Entraî_ner" },
  { "denoise", "Débruiter", "Type de bruit" },
  { "latent", "Latent", "_Encoder" },
  { "lessons", "Leçons", "Rapide" },
  { "classify", "Classer", "Classifieurs latents" },
  { "inside", "Intérieur", "_Image de test" },
};

static char *cache_home;

static guint32
read_u32 (const char *mo,
          gsize       size,
          gsize       offset)
{
  guint32 value;

  g_assert_cmpuint (offset + 4, <=, size);
  memcpy (&value, mo + offset, 4);
  return GUINT32_FROM_LE (value);
}

/* The msgstrs of a GNU .mo file (little-endian, as msgfmt writes it here),
 * each plural form on its own, but only where the English reads otherwise. */
static GHashTable *
load_catalogue (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mo = NULL;
  gsize size;
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint32 n, originals, translations;

  g_file_get_contents (path, &mo, &size, &error);
  g_assert_no_error (error);
  g_assert_cmphex (read_u32 (mo, size, 0), ==, 0x950412de);
  n = read_u32 (mo, size, 8);
  originals = read_u32 (mo, size, 12);
  translations = read_u32 (mo, size, 16);
  for (guint32 i = 0; i < n; i++)
    {
      guint32 id_len = read_u32 (mo, size, originals + 8 * i);
      guint32 id_at = read_u32 (mo, size, originals + 8 * i + 4);
      guint32 str_len = read_u32 (mo, size, translations + 8 * i);
      guint32 str_at = read_u32 (mo, size, translations + 8 * i + 4);

      g_assert_cmpuint ((gsize) id_at + id_len, <, size);
      g_assert_cmpuint ((gsize) str_at + str_len, <, size);
      if (id_len == 0)
        continue;  /* the header */
      for (const char *s = mo + str_at; s < mo + str_at + str_len; s += strlen (s) + 1)
        if (strcmp (s, mo + id_at) != 0)
          g_hash_table_add (set, g_strdup (s));
    }
  g_test_message ("%s: %u French messages", path, g_hash_table_size (set));
  return set;
}

/* The labels and tooltips under widget that are French translations. */
static void
collect_french (GtkWidget *widget,
                GPtrArray *found)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  if (GTK_IS_LABEL (widget) && g_hash_table_contains (french, gtk_label_get_label (GTK_LABEL (widget))))
    g_ptr_array_add (found, (gpointer) gtk_label_get_label (GTK_LABEL (widget)));
  if (tooltip != NULL && g_hash_table_contains (french, tooltip))
    g_ptr_array_add (found, (gpointer) tooltip);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_french (child, found);
}

static gboolean
has_string (GPtrArray  *strings,
            const char *string)
{
  return g_ptr_array_find_with_equal_func (strings, string, g_str_equal, NULL);
}

static gboolean
data_loaded (gpointer data)
{
  LabDataPage *page = lab_window_get_data_page (data);

  return !lab_data_page_is_loading (page) && lab_data_page_get_dataset (page) != NULL;
}

static void
test_pages (void)
{
  LabWindow *window = lab_window_new (app);
  GtkStack *stack = lab_window_get_stack (window);
  g_autoptr(GListModel) pages = G_LIST_MODEL (gtk_stack_get_pages (stack));
  guint n_known = 0;

  gtk_window_present (GTK_WINDOW (window));
  lab_test_spin_until (data_loaded, window, 30);
  g_assert_cmpuint (g_list_model_get_n_items (pages), >=, G_N_ELEMENTS (known));
  for (guint i = 0; i < g_list_model_get_n_items (pages); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (pages, i);
      GtkStackPage *page = GTK_STACK_PAGE (item);
      const char *name = gtk_stack_page_get_name (page);
      const char *title = gtk_stack_page_get_title (page);
      g_autoptr(GPtrArray) found = g_ptr_array_new ();
      guint k;

      gtk_stack_set_visible_child_name (stack, name);
      lab_test_spin_for (0.2);
      collect_french (gtk_stack_page_get_child (page), found);
      g_test_message ("page %s, “%s”: %u French labels and tooltips, e.g. “%s”",
                      name, title, found->len, found->len ? (char *) found->pdata[0] : "");
      /* Every page, also one this test does not know yet. */
      g_assert_cmpuint (found->len, >=, 3);
      for (k = 0; k < G_N_ELEMENTS (known) && strcmp (known[k].name, name) != 0; k++)
        ;
      if (k < G_N_ELEMENTS (known))
        {
          /* "Latent" reads the same in French. */
          g_assert_cmpstr (title, ==, known[k].title);
          if (!has_string (found, known[k].label))
            g_error ("page %s does not show “%s”", name, known[k].label);
          n_known++;
        }
      else if (!g_hash_table_contains (french, title))
        g_error ("page %s: its title “%s” is not French", name, title);
      if (strcmp (name, "data") == 0 || strcmp (name, "train") == 0)
        {
          g_autofree char *png = g_strdup_printf ("french-%s.png", name);

          lab_test_assert_screenshot (GTK_WIDGET (window), png, 50, 50.0);
        }
    }
  g_assert_cmpuint (n_known, ==, G_N_ELEMENTS (known));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The header bar's main menu button (its icon tells it from the pages'). */
static GtkWidget *
find_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) &&
      g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)), "open-menu-symbolic") == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = find_menu_button (child);

      if (button != NULL)
        return button;
    }
  return NULL;
}

static void
collect_menu_labels (GMenuModel *menu,
                     GPtrArray  *labels)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      char *label = NULL;
      GMenuModel *section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label))
        g_ptr_array_add (labels, label);
      if (section != NULL)
        {
          collect_menu_labels (section, labels);
          g_object_unref (section);
        }
    }
}

/* The main menu: every entry French, the first and the last as a class
 * reads them. */
static void
test_menu (void)
{
  LabWindow *window = lab_window_new (app);
  GtkWidget *button = find_menu_button (GTK_WIDGET (window));
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (button);
  collect_menu_labels (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button)), labels);
  g_assert_cmpuint (labels->len, >=, 5);
  for (guint i = 0; i < labels->len; i++)
    if (!g_hash_table_contains (french, labels->pdata[i]))
      g_error ("the main menu's “%s” is not French", (char *) labels->pdata[i]);
  g_assert_cmpstr (labels->pdata[0], ==, "_Ouvrir un fichier…");
  g_assert_cmpstr (labels->pdata[labels->len - 1], ==, "_Quitter");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Core-made strings reach the window through the same catalogue: the
 * transfer panel's curve is made in the core, titles, axes and legend. */
static void
test_core_strings (void)
{
  LabTransferBudget budget = { .labels = 200 };
  LabTransferResult result = { .n_seeds = 2, .n_budgets = 1, .budgets = &budget };
  g_autoptr(LabLinePlot) curve = lab_transfer_curve_plot (&result);

  g_assert_cmpstr (lab_line_plot_get_title (curve), ==, "Exactitude de test selon les étiquettes (2 graines)");
  g_assert_cmpstr (_("labelled training images (L)"), ==, "images d’entraînement étiquetées (L)");
  g_assert_cmpstr (_("Transfer learning with few labels"), ==, "Apprentissage par transfert avec peu d’étiquettes");
  g_assert_cmpstr (_("Logistic regression"), ==, "Régression logistique");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%s file not loaded", "%s files not loaded", 2),
                   ==, "%s fichiers non chargés");
}

static gboolean
lesson_shown (gpointer data)
{
  LabLessonsPage *page = LAB_LESSONS_PAGE (lab_window_get_page (data, "lessons"));

  return lab_lesson_results_get_dir (lab_lessons_page_get_results (page)) != NULL
         && lab_test_action_enabled (data, "run-lesson");
}

/* A label's text on one line: a line break read as a space, or as
 * nothing after a hyphen (a table's "MSE de" / "test," and "Test-" /
 * "MSE" headings). */
static char *
one_line (const char *label)
{
  GString *line = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p++)
    if (*p != '\n')
      g_string_append_c (line, *p);
    else if (p == label || p[-1] != '-')
      g_string_append_c (line, ' ');
  return g_string_free (line, FALSE);
}

/* Whether a label under widget reads text, its line breaks as spaces. */
static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget))
    {
      g_autofree char *line = one_line (gtk_label_get_label (GTK_LABEL (widget)));

      if (g_strcmp0 (line, text) == 0)
        return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

/* A lesson run from the Lessons page on a 1024 x 768 window: its reading
 * and its tables' headers, row labels and settings in French. */
static void
test_lesson_results (void)
{
  LabWindow *window = lab_window_new (app);
  LabLessonsPage *page = LAB_LESSONS_PAGE (lab_window_get_page (window, "lessons"));
  GtkWidget *results = GTK_WIDGET (lab_lessons_page_get_results (page));
  GtkWidget *reading;

  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 768);
  g_object_set (page, "max-images", 150, "max-epochs", 1, NULL);
  gtk_window_present (GTK_WINDOW (window));
  lab_test_spin_until (data_loaded, window, 30);
  lab_test_activate (window, "show-page", g_variant_new_string ("lessons"));
  lab_test_change_state (window, "lesson", g_variant_new_string ("conv-vs-dense"));
  lab_test_spin_for (0.5);
  lab_test_activate (window, "run-lesson", NULL);
  lab_test_spin_until (lesson_shown, window, 240);
  lab_test_spin_for (0.5);

  reading = lab_test_find_descendant (results, GTK_TYPE_LABEL, "lesson-reading");
  g_assert_nonnull (reading);
  g_test_message ("reading: %s", gtk_label_get_label (GTK_LABEL (reading)));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (reading)), "L’auto-encodeur "));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (reading)),
                            "Les convolutions partagent leurs poids"));
  for (const char *const *text = (const char *const[]) { "Modèle", "Paramètres", "MSE (test)",
                                                         "Réglage", "Époques", "Fils d’exécution",
                                                         "cae-tiny, stacked et deep-dense", NULL };
       *text; text++)
    if (!has_label (results, *text))
      g_error ("the lesson's results do not show “%s”", *text);
  /* The French headers are longer than the English: the results table
   * still fits the pane whole at 1024 x 768, no column cut at the right. */
  {
    GtkWidget *table = lab_test_find_descendant (results, GTK_TYPE_GRID, "lesson-table");
    int table_w = 0;

    g_assert_nonnull (table);
    gtk_widget_measure (table, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &table_w, NULL, NULL);
    g_test_message ("the results table: %d px, shown %d", table_w,
                    gtk_widget_get_width (gtk_widget_get_parent (table)));
    g_assert_cmpint (table_w, <=, gtk_widget_get_width (gtk_widget_get_parent (table)));
  }
  lab_test_assert_screenshot (GTK_WIDGET (window), "french-lessons.png", 50, 50.0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *mo = NULL;
  int status;

  /* Before GLib reads it: lessons cache into a folder of this test alone. */
  cache_home = g_dir_make_tmp ("latentlab-french-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  app = lab_test_init (&argc, &argv);
  g_assert_cmpstr (setlocale (LC_MESSAGES, NULL), ==, "C.UTF-8");
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, "fr");
  mo = g_build_filename (g_getenv ("LATENTLAB_LOCALEDIR"), "fr", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  french = load_catalogue (mo);
  g_test_add_func ("/french/core-strings", test_core_strings);
  g_test_add_func ("/french/pages", test_pages);
  g_test_add_func ("/french/menu", test_menu);
  g_test_add_func ("/french/lesson-results", test_lesson_results);
  status = lab_test_run ();
  lab_test_remove_tree (cache_home);
  g_free (cache_home);
  return status;
}
