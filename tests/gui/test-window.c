/* The window and the Data page under Xvfb. LATENTLAB_DATA_DIR points at an
 * empty folder, so the catalog offers only the synthetic digits, and
 * GSETTINGS_BACKEND=memory keeps the user's settings out of it. */

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-blas.h"
#include "lab-classify-page-private.h"
#include "lab-data-page-private.h"
#include "lab-image-item.h"
#include "lab-latent-page-private.h"
#include "lab-png.h"
#include "lab-test-util.h"
#include "lab-train-page-private.h"
#include "lab-window-private.h"

static LabApplication *app;

typedef struct
{
  LabWindow   *window;
  LabDataPage *page;
} Fixture;

/* 6000 -> "6,000", as the page writes counts in the C locale. */
static char *
thousands (guint n)
{
  if (n >= 1000000)
    return g_strdup_printf ("%u,%03u,%03u", n / 1000000, n / 1000 % 1000, n % 1000);
  if (n >= 1000)
    return g_strdup_printf ("%u,%03u", n / 1000, n % 1000);
  return g_strdup_printf ("%u", n);
}

static gboolean
page_idle (gpointer data)
{
  LabDataPage *page = data;

  return !lab_data_page_is_loading (page) && lab_data_page_get_dataset (page) != NULL;
}

static void
wait_loaded (Fixture *f)
{
  lab_test_spin_until (page_idle, f->page, 30);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  /* Our own reference: a test may close (and so destroy) the window. */
  f->window = g_object_ref (lab_window_new (app));
  f->page = lab_window_get_data_page (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  /* The startup dataset: the last one, else (no MNIST here) synthetic. */
  wait_loaded (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
}

/* The error banner is up and names what failed (a file or a folder). */
static void
assert_banner_names (Fixture    *f,
                     const char *name)
{
  const char *text = lab_window_get_error_text (f->window);

  g_assert_true (lab_window_is_error_shown (f->window));
  g_test_message ("banner: %s", text);
  g_assert_nonnull (strstr (text, name));
}

static void
load_through_action (Fixture    *f,
                     const char *spec)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.load-dataset", "s", spec));
  g_assert_true (lab_data_page_is_loading (f->page));
  wait_loaded (f);
}

static void
test_window_opens (Fixture       *f,
                   gconstpointer  data)
{
  LabDataset *ds = lab_window_get_dataset (f->window);
  g_autoptr(GVariant) state = NULL;

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  g_assert_true (gtk_application_get_active_window (GTK_APPLICATION (app)) == GTK_WINDOW (f->window));
  g_assert_cmpstr (lab_window_get_visible_page (f->window), ==, "data");
  g_assert_false (lab_window_is_error_shown (f->window));

  /* The default dataset when nothing else is installed. */
  g_assert_nonnull (ds);
  g_assert_cmpstr (lab_data_page_get_spec (f->page), ==, "synthetic");
  g_assert_cmpint (lab_data_page_get_split (f->page), ==, LAB_SPLIT_TRAIN);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "data"));
  g_assert_cmpstr (lab_window_get_visible_page (f->window), ==, "data");

  /* The Open dialogs come up (and go with the window). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.open", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.open-folder", NULL));
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  /* The shortcuts window came from the resource gtk/help-overlay.ui, and
   * GtkApplication gave it Ctrl+?. */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (f->window)));
  {
    g_auto(GStrv) help = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay");
    g_auto(GStrv) open = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.open");

    g_assert_cmpuint (g_strv_length (help), >=, 1);
    g_assert_cmpuint (g_strv_length (open), ==, 1);
    g_assert_cmpstr (open[0], ==, "<Control>o");
  }
}

static void
test_window_loads_dataset (Fixture       *f,
                           gconstpointer  data)
{
  LabDataset *ds;
  GtkSelectionModel *model;
  g_autoptr(GSettings) settings = lab_application_create_settings ();
  g_autofree char *expected = NULL;
  g_autofree char *last = NULL;

  load_through_action (f, "synthetic");
  ds = lab_window_get_dataset (f->window);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n, >, 0);
  g_assert_cmpuint (ds->n_classes, ==, 10);
  g_assert_cmpuint (ds->width, ==, 28);
  g_assert_cmpuint (ds->height, ==, 28);

  model = lab_data_page_get_grid_model (f->page);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, ds->n);
  {
    g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (model), ds->n - 1);

    g_assert_true (LAB_IS_IMAGE_ITEM (item));
    g_assert_cmpuint (lab_image_item_get_index (LAB_IMAGE_ITEM (item)), ==, ds->n - 1);
    g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), ds->n));
  }

  /* "Synthetic digits (train): 6,000 images, 28×28, 10 classes" */
  {
    g_autofree char *count = thousands (ds->n);

    expected = g_strdup_printf ("%s: %s images, 28×28, 10 classes", ds->name, count);
  }
  g_assert_cmpstr (lab_data_page_get_status_text (f->page), ==, expected);

  /* The first image is selected and shown large. */
  g_assert_cmpuint (lab_data_page_get_selected_index (f->page), ==, 0);
  {
    guint w, h;
    const guint8 *shown = lab_image_view_get_pixels (lab_data_page_get_preview_view (f->page), &w, &h);

    g_assert_cmpuint (w, ==, ds->width);
    g_assert_cmpuint (h, ==, ds->height);
    g_assert_cmpmem (shown, w * h, lab_dataset_image (ds, 0), w * h);
  }

  g_assert_nonnull (settings);
  last = g_settings_get_string (settings, "last-dataset");
  g_assert_cmpstr (last, ==, "synthetic");
}

static void
test_window_class_filter (Fixture       *f,
                          gconstpointer  data)
{
  LabDataset *ds = lab_window_get_dataset (f->window);
  GListModel *model = G_LIST_MODEL (lab_data_page_get_grid_model (f->page));
  guint counts[10];
  g_autofree char *button_text = NULL;
  g_autofree char *expected_text = NULL;
  guint n;

  g_assert_cmpuint (ds->n_classes, ==, 10);
  lab_dataset_class_counts (ds, counts);
  g_assert_cmpuint (counts[3], >, 0);

  g_assert_true (lab_data_page_select_class (f->page, 3));
  n = g_list_model_get_n_items (model);
  g_assert_cmpuint (n, ==, counts[3]);
  g_assert_cmpuint (n, <, ds->n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabImageItem) item = g_list_model_get_item (model, i);

      g_assert_cmpint (lab_image_item_get_label (item), ==, 3);
    }
  /* The large preview follows the filter. */
  g_assert_cmpuint (ds->labels[lab_data_page_get_selected_index (f->page)], ==, 3);

  /* The button says the class and its count. */
  button_text = lab_data_page_dup_class_button_text (f->page, 3);
  {
    g_autofree char *count = thousands (counts[3]);

    expected_text = g_strdup_printf ("3 %s", count);
  }
  g_assert_cmpstr (button_text, ==, expected_text);

  g_assert_true (lab_data_page_select_class (f->page, -1));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, ds->n);
  g_assert_false (lab_data_page_select_class (f->page, 10));
}

static guint
count_differences (LabDataPage *page)
{
  guint w1, h1, w2, h2, diff = 0;
  const guint8 *clean = lab_image_view_get_pixels (lab_data_page_get_preview_view (page), &w1, &h1);
  const guint8 *noisy = lab_image_view_get_pixels (lab_data_page_get_noisy_view (page), &w2, &h2);

  g_assert_nonnull (clean);
  g_assert_nonnull (noisy);
  g_assert_cmpuint (w1, ==, w2);
  g_assert_cmpuint (h1, ==, h2);
  for (guint i = 0; i < w1 * h1; i++)
    diff += clean[i] != noisy[i];
  return diff;
}

static void
test_window_noise_preview (Fixture       *f,
                           gconstpointer  data)
{
  GtkRange *scale = lab_data_page_get_noise_scale (f->page);
  LabImageView *noisy = lab_data_page_get_noisy_view (f->page);
  g_autofree guint8 *before = NULL;
  const guint8 *after;
  guint w, h, low, high;

  /* Gaussian */
  gtk_drop_down_set_selected (lab_data_page_get_noise_type (f->page), 0);
  gtk_range_set_value (scale, 0.0);
  g_assert_cmpuint (count_differences (f->page), ==, 0);

  gtk_range_set_value (scale, 0.2);
  before = g_memdup2 (lab_image_view_get_pixels (noisy, &w, &h), 28 * 28);
  low = count_differences (f->page);
  g_assert_cmpuint (low, >, 0);

  gtk_range_set_value (scale, 0.8);
  after = lab_image_view_get_pixels (noisy, &w, &h);
  g_assert_true (memcmp (before, after, w * h) != 0);
  high = count_differences (f->page);
  g_assert_cmpuint (high, >=, low);

  /* The same amount gives the same picture: the preview is seeded. */
  gtk_range_set_value (scale, 0.2);
  g_assert_cmpmem (lab_image_view_get_pixels (noisy, NULL, NULL), w * h, before, w * h);

  /* Mask at 0.5 blanks about half of the pixels that have ink. */
  gtk_drop_down_set_selected (lab_data_page_get_noise_type (f->page), 2);
  gtk_range_set_value (scale, 0.5);
  g_assert_cmpuint (count_differences (f->page), >, 0);
  g_assert_true (memcmp (before, lab_image_view_get_pixels (noisy, NULL, NULL), w * h) != 0);

  /* Downsample ignores the amount: the slider is greyed out. */
  gtk_drop_down_set_selected (lab_data_page_get_noise_type (f->page), 3);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (scale)));
  gtk_drop_down_set_selected (lab_data_page_get_noise_type (f->page), 0);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (scale)));
}

static gboolean
error_shown (gpointer data)
{
  Fixture *f = data;

  return !lab_data_page_is_loading (f->page) && lab_window_is_error_shown (f->window);
}

static void
test_window_corrupt_idx (Fixture       *f,
                         gconstpointer  data)
{
  LabDataset *before = lab_window_get_dataset (f->window);
  guint n_before = before->n;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  /* An IDX3 header claiming 1000 images of 28x28, then 16 bytes of them. */
  static const guint8 bad[32] = { 0, 0, 8, 3, 0, 0, 3, 232, 0, 0, 0, 28, 0, 0, 0, 28,
                                  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

  dir = g_dir_make_tmp ("latentlab-gui-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "broken-images-idx3-ubyte", NULL);
  g_file_set_contents (path, (const char *) bad, sizeof bad, &error);
  g_assert_no_error (error);

  /* The path a drop or the command line takes. */
  file = g_file_new_for_path (path);
  lab_window_open_file (f->window, file);
  g_assert_true (lab_data_page_is_loading (f->page));
  lab_test_spin_until (error_shown, f, 30);

  assert_banner_names (f, "broken-images-idx3-ubyte");
  /* The previous dataset stays, grid and all. */
  g_assert_true (lab_window_get_dataset (f->window) == before);
  g_assert_cmpuint (lab_window_get_dataset (f->window)->n, ==, n_before);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lab_data_page_get_grid_model (f->page))), ==, n_before);
  g_assert_cmpstr (lab_data_page_get_spec (f->page), ==, "synthetic");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.dismiss-error", NULL));
  g_assert_false (lab_window_is_error_shown (f->window));

  lab_test_remove_tree (dir);
}

static void
test_window_empty_folder (Fixture       *f,
                          gconstpointer  data)
{
  LabDataset *before = lab_window_get_dataset (f->window);
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  dir = g_dir_make_tmp ("latentlab-empty-XXXXXX", &error);
  g_assert_no_error (error);
  base = g_path_get_basename (dir);
  file = g_file_new_for_path (dir);
  lab_window_open_file (f->window, file);
  lab_test_spin_until (error_shown, f, 30);

  assert_banner_names (f, base);
  g_assert_true (lab_window_get_dataset (f->window) == before);
  lab_test_remove_tree (dir);
}

static void
test_window_png_folder (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *skipped;
  guint8 pixels[28 * 28];
  LabDataset *ds;

  dir = g_dir_make_tmp ("latentlab-png-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint k = 0; k < 2; k++)
    {
      g_autofree char *class_dir = g_build_filename (dir, k ? "ring" : "bar", NULL);

      g_assert_cmpint (g_mkdir (class_dir, 0700), ==, 0);
      for (guint i = 0; i < 3; i++)
        {
          g_autofree char *name = g_strdup_printf ("%u.png", i);
          g_autofree char *path = g_build_filename (class_dir, name, NULL);

          for (guint p = 0; p < 28 * 28; p++)
            pixels[p] = (guint8) ((p * (k + 1) + i * 31) & 0xff);
          g_assert_true (lab_png_save_gray (path, pixels, 28, 28, &error));
          g_assert_no_error (error);
        }
    }
  {
    /* A PNG signature with nothing after it, an empty file and a text file
     * named .png, and a file that is no image. */
    g_autofree char *cut = g_build_filename (dir, "ring", "cut-short.png", NULL);
    g_autofree char *empty = g_build_filename (dir, "bar", "empty.png", NULL);
    g_autofree char *fake = g_build_filename (dir, "bar", "fake.png", NULL);
    g_autofree char *notes = g_build_filename (dir, "notes.txt", NULL);
    static const char signature[] = "\x89PNG\r\n\x1a\n";

    g_assert_true (g_file_set_contents (cut, signature, 8, NULL));
    g_assert_true (g_file_set_contents (empty, "", 0, NULL));
    g_assert_true (g_file_set_contents (fake, "this is not a png", -1, NULL));
    g_assert_true (g_file_set_contents (notes, "class notes", -1, NULL));
  }

  load_through_action (f, dir);
  ds = lab_window_get_dataset (f->window);
  g_assert_cmpuint (ds->n, ==, 6);
  g_assert_cmpuint (ds->n_classes, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lab_data_page_get_grid_model (f->page))), ==, 6);
  g_assert_false (lab_window_is_error_shown (f->window));

  skipped = lab_data_page_get_skipped_text (f->page);
  g_assert_nonnull (skipped);
  g_test_message ("skipped: %s", skipped);
  g_assert_nonnull (strstr (skipped, "ring/cut-short.png: corrupt PNG data"));
  g_assert_nonnull (strstr (skipped, "bar/empty.png: empty file"));
  g_assert_nonnull (strstr (skipped, "bar/fake.png: not a PNG file (starts with \"this is…\")"));
  g_assert_cmpuint (ds->skipped->len, ==, 3);
  g_assert_cmpuint (ds->n_ignored, ==, 1);   /* notes.txt */
  g_assert_cmpstr (lab_data_page_get_skipped_title (f->page), ==,
                   "3 files not loaded, 1 other file, not an image");

  /* Back to a dataset without skipped files: the list goes away. */
  load_through_action (f, "synthetic");
  g_assert_null (lab_data_page_get_skipped_text (f->page));

  lab_test_remove_tree (dir);
}

static void
test_window_remembers_size (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GSettings) settings = lab_application_create_settings ();
  LabWindow *second;
  int width, height;

  gtk_window_set_default_size (GTK_WINDOW (f->window), 1000, 700);
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  second = lab_window_new (app);
  gtk_window_get_default_size (GTK_WINDOW (second), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 700);
  gtk_window_destroy (GTK_WINDOW (second));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

/* The last dataset comes back on startup; when it no longer loads, the
 * error shows and the built-in digits fill the page. */
static void
test_window_startup_dataset (void)
{
  g_autoptr(GSettings) settings = lab_application_create_settings ();
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  Fixture f;
  static const guint8 bad[8] = { 0, 0, 8, 3, 0, 0, 0, 5 };

  dir = g_dir_make_tmp ("latentlab-last-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "last-images-idx3-ubyte", NULL);
  g_assert_true (g_file_set_contents (path, (const char *) bad, sizeof bad, NULL));
  g_settings_set_string (settings, "last-dataset", path);

  fixture_setup (&f, NULL);

  assert_banner_names (&f, "last-images-idx3-ubyte");
  g_assert_cmpstr (lab_data_page_get_spec (f.page), ==, "synthetic");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lab_data_page_get_grid_model (f.page))),
                    ==, lab_window_get_dataset (f.window)->n);

  fixture_teardown (&f, NULL);
  g_settings_reset (settings, "last-dataset");
  lab_test_remove_tree (dir);
}

/* A folder dropped on the window goes where a command-line one does. The
 * drop is delivered as GTK would: the window's drop target gets "drop". */
static void
test_window_drop (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->window));
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/dropped-folder");
  g_auto(GValue) value = G_VALUE_INIT;
  GtkDropTarget *target = NULL;
  GSList files = { file, NULL };
  gboolean accepted = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (&files));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_assert_true (accepted);
  g_assert_true (lab_data_page_is_loading (f->page));
  lab_test_spin_until (error_shown, f, 30);
  assert_banner_names (f, "dropped-folder");
}

static void
test_window_model_hook (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/autoencoder.safetensors");
  LabDataset *before = lab_window_get_dataset (f->window);

  lab_window_open_file (f->window, file);
  g_assert_false (lab_data_page_is_loading (f->page));
  assert_banner_names (f, "autoencoder.safetensors");
  g_assert_true (lab_window_get_dataset (f->window) == before);
}

static void
test_window_screenshot (Fixture       *f,
                        gconstpointer  data)
{
  /* Select an image further in, so the preview is not the grid's first. */
  gtk_selection_model_select_item (lab_data_page_get_grid_model (f->page), 7, TRUE);
  gtk_range_set_value (lab_data_page_get_noise_scale (f->page), 0.35);

  /* Not blank: many distinct colours and a real spread of brightness. */
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-data.png", 64, 500.0);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), >, 600);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (f->window)), >, 400);
}

/* The page contract */

/* A page as a new one is written: it counts what LabPage calls. */
#define LAB_TYPE_TEST_PAGE (lab_test_page_get_type ())
G_DECLARE_FINAL_TYPE (LabTestPage, lab_test_page, LAB, TEST_PAGE, LabPage)

struct _LabTestPage
{
  LabPage parent_instance;
  guint   n_datasets;
  guint   n_models;
  guint   n_weights;
  guint   n_ready;
  guint   n_pokes;
};

G_DEFINE_FINAL_TYPE (LabTestPage, lab_test_page, LAB_TYPE_PAGE)

static void
test_page_datasets_changed (LabPage *page)
{
  LAB_TEST_PAGE (page)->n_datasets++;
}

static void
test_page_model_changed (LabPage *page)
{
  LAB_TEST_PAGE (page)->n_models++;
}

static void
test_page_weights_published (LabPage *page)
{
  LAB_TEST_PAGE (page)->n_weights++;
}

static void
test_page_ready_changed (LabTestPage *self)
{
  self->n_ready++;
}

static void
test_page_poke (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  LAB_TEST_PAGE (widget)->n_pokes++;
}

static void
lab_test_page_class_init (LabTestPageClass *klass)
{
  LabPageClass *page_class = LAB_PAGE_CLASS (klass);

  page_class->datasets_changed = test_page_datasets_changed;
  page_class->model_changed = test_page_model_changed;
  page_class->weights_published = test_page_weights_published;
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "page.poke", NULL, test_page_poke);
}

static void
lab_test_page_init (LabTestPage *self)
{
  g_signal_group_connect_swapped (lab_page_get_session_signals (LAB_PAGE (self)), "notify::ready",
                                  G_CALLBACK (test_page_ready_changed), self);
}

static void
count_notify (guint *n)
{
  (*n)++;
}

/* The session property, the virtual methods for the session's signals
 * through the signal group, and the enabled state of a page's action. */
static void
test_window_page_contract (void)
{
  g_autoptr(LabTestPage) page = g_object_ref_sink (g_object_new (LAB_TYPE_TEST_PAGE, NULL));
  g_autoptr(LabSession) first = lab_session_new ();
  g_autoptr(LabSession) second = lab_session_new ();
  LabSession *got = NULL;
  guint n_notify = 0;

  g_signal_connect_swapped (page, "notify::session", G_CALLBACK (count_notify), &n_notify);
  g_assert_null (lab_page_get_session (LAB_PAGE (page)));

  /* A new session counts as new datasets and a new model. */
  g_object_set (page, "session", first, NULL);
  g_object_get (page, "session", &got, NULL);
  g_assert_true (got == first);
  g_clear_object (&got);
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_cmpuint (page->n_datasets, ==, 1);
  g_assert_cmpuint (page->n_models, ==, 1);
  g_assert_cmpuint (page->n_weights, ==, 0);
  g_object_set (page, "session", first, NULL);
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_cmpuint (page->n_models, ==, 1);

  g_signal_emit_by_name (first, "weights-published");
  g_signal_emit_by_name (first, "weights-published");
  g_signal_emit_by_name (first, "datasets-changed");
  g_signal_emit_by_name (first, "model-changed");
  g_object_notify (G_OBJECT (first), "ready");
  g_assert_cmpuint (page->n_weights, ==, 2);
  g_assert_cmpuint (page->n_datasets, ==, 2);
  g_assert_cmpuint (page->n_models, ==, 2);
  g_assert_cmpuint (page->n_ready, ==, 1);

  /* Another session: the first one no longer reaches the page. */
  lab_page_set_session (LAB_PAGE (page), second);
  g_assert_cmpuint (n_notify, ==, 2);
  g_assert_cmpuint (page->n_datasets, ==, 3);
  g_assert_cmpuint (page->n_models, ==, 3);
  g_signal_emit_by_name (first, "model-changed");
  g_signal_emit_by_name (first, "weights-published");
  g_object_notify (G_OBJECT (first), "ready");
  g_assert_cmpuint (page->n_models, ==, 3);
  g_assert_cmpuint (page->n_weights, ==, 2);
  g_assert_cmpuint (page->n_ready, ==, 1);
  g_signal_emit_by_name (second, "weights-published");
  g_object_notify (G_OBJECT (second), "ready");
  g_assert_cmpuint (page->n_weights, ==, 3);
  g_assert_cmpuint (page->n_ready, ==, 2);

  /* No session: nothing is called, nothing arrives. */
  lab_page_set_session (LAB_PAGE (page), NULL);
  g_assert_cmpuint (page->n_datasets, ==, 3);
  g_assert_cmpuint (page->n_models, ==, 3);
  g_signal_emit_by_name (second, "model-changed");
  g_assert_cmpuint (page->n_models, ==, 3);

  /* A disabled action does not run, and the page says it is disabled. */
  g_assert_true (lab_page_get_action_enabled (LAB_PAGE (page), "page.poke"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "page.poke", NULL));
  g_assert_cmpuint (page->n_pokes, ==, 1);
  lab_page_set_action_enabled (LAB_PAGE (page), "page.poke", FALSE);
  g_assert_false (lab_page_get_action_enabled (LAB_PAGE (page), "page.poke"));
  gtk_widget_activate_action (GTK_WIDGET (page), "page.poke", NULL);
  g_assert_cmpuint (page->n_pokes, ==, 1);
  lab_page_set_action_enabled (LAB_PAGE (page), "page.poke", TRUE);
  gtk_widget_activate_action (GTK_WIDGET (page), "page.poke", NULL);
  g_assert_cmpuint (page->n_pokes, ==, 2);

  /* Outside a window an error is logged. */
  {
    g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "Nowhere to show this");

    g_test_expect_message ("latentlab", G_LOG_LEVEL_WARNING, "Nowhere to show this");
    lab_widget_show_error (GTK_WIDGET (page), error);
    g_test_assert_expected_messages ();
  }
}

/* Every page of the window is a LabPage with the window's session. */
static void
test_window_pages (Fixture       *f,
                   gconstpointer  data)
{
  static const char *names[] = { "data", "train", "denoise", "latent", "lessons", "classify" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkWidget *page = lab_window_get_page (f->window, names[i]);

      g_assert_true (LAB_IS_PAGE (page));
      g_assert_true (lab_page_get_session (LAB_PAGE (page)) == lab_window_get_session (f->window));
    }
  /* A page's action has its twin on the window. */
  g_assert_true (lab_window_get_action_page (f->window, "train") == LAB_PAGE (lab_window_get_page (f->window, "train")));
  g_assert_true (lab_window_get_action_page (f->window, "noise-level") == LAB_PAGE (lab_window_get_page (f->window, "denoise")));
  g_assert_true (lab_window_get_action_page (f->window, "keep-sample") == LAB_PAGE (lab_window_get_page (f->window, "latent")));
  g_assert_true (lab_window_get_action_page (f->window, "run-classifier") == LAB_PAGE (lab_window_get_page (f->window, "classify")));
  g_assert_null (lab_window_get_action_page (f->window, "show-page"));
}

/* win.show-error puts the message in the banner, from any widget inside. */
static void
test_window_show_error (Fixture       *f,
                        gconstpointer  data)
{
  GtkWidget *page = lab_window_get_page (f->window, "denoise");
  GtkWidget *deep = page;
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "digits.idx: the file is cut short");

  g_assert_false (lab_window_is_error_shown (f->window));
  g_assert_true (gtk_widget_activate_action (page, "win.show-error", "s", "Nothing to denoise yet"));
  g_assert_true (lab_window_is_error_shown (f->window));
  g_assert_cmpstr (lab_window_get_error_text (f->window), ==, "Nothing to denoise yet");
  lab_window_dismiss_error (f->window);
  g_assert_false (lab_window_is_error_shown (f->window));

  /* lab_widget_show_error from a widget deep in a page. */
  while (gtk_widget_get_first_child (deep) != NULL)
    deep = gtk_widget_get_first_child (deep);
  g_assert_true (deep != page);
  lab_widget_show_error (deep, error);
  g_assert_true (lab_window_is_error_shown (f->window));
  g_assert_cmpstr (lab_window_get_error_text (f->window), ==, "digits.idx: the file is cut short");
}

static gboolean
session_ready (gpointer data)
{
  return lab_session_is_ready (lab_window_get_session (((Fixture *) data)->window));
}

static gboolean
train_page_idle (gpointer data)
{
  return !lab_train_page_is_training (data);
}

/* A toplevel window (a dialog) with this title is up. */
static gboolean
has_toplevel (const char *title)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_window_get_title (window), title) == 0 && gtk_widget_get_visible (GTK_WIDGET (window)))
        return TRUE;
    }
  return FALSE;
}

/* accel is among registered, however each spells its modifiers. */
static gboolean
accels_contain (char       **registered,
                const char  *accel)
{
  guint keyval, other_keyval;
  GdkModifierType mods, other_mods;

  g_assert_true (gtk_accelerator_parse (accel, &keyval, &mods));
  for (guint i = 0; registered[i] != NULL; i++)
    if (gtk_accelerator_parse (registered[i], &other_keyval, &other_mods)
        && other_keyval == keyval && other_mods == mods)
      return TRUE;
  return FALSE;
}

static gboolean
latent_idle (gpointer data)
{
  return !lab_latent_page_is_embedding (data);
}

static void
count_activations (guint *n)
{
  (*n)++;
}

/* Every shortcut of README and the help overlay, pressed through the
 * window's shortcut controllers, does what it says whichever page shows. */
static void
test_window_shortcuts (Fixture       *f,
                       gconstpointer  data)
{
  static const struct {
    const char *action;
    const char *accel;
  } accels[] = {
    { "win.train", "<Control>t" },
    { "win.pause", "<Control>p" },
    { "win.stop", "<Control>period" },
    { "win.save-model", "<Control>s" },
    { "win.open-model", "<Control>m" },
    { "win.reshuffle", "<Control>r" },
    { "win.open", "<Control>o" },
    { "win.open-folder", "<Control><Shift>o" },
    { "win.show-help-overlay", "<Control>question" },
    { "app.quit", "<Control>q" },
  };
  static const char *pages[] = { "data", "train", "denoise", "latent", "lessons", "classify" };
  LabTrainPage *train = LAB_TRAIN_PAGE (lab_window_get_page (f->window, "train"));
  GtkWidget *window = GTK_WIDGET (f->window);
  GtkWindow *overlay;
  gboolean paused = TRUE;
  guint n_quit = 0;

  /* What the application registers (the help overlay lists these). */
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    {
      g_auto(GStrv) registered = gtk_application_get_accels_for_action (GTK_APPLICATION (app), accels[i].action);

      g_test_message ("%s: %s", accels[i].action, registered[0] ? registered[0] : "(none)");
      g_assert_true (accels_contain (registered, accels[i].accel));
    }

  /* Alt+1 ... Alt+6, from any page. */
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *accel = g_strdup_printf ("<Alt>%u", i + 1);

      g_assert_true (lab_test_press_accel (window, accel));
      g_assert_cmpstr (lab_window_get_visible_page (f->window), ==, pages[i]);
    }

  /* Training, from the Data page: Ctrl+T, Ctrl+P twice, Ctrl+. */
  lab_test_spin_until (session_ready, f, 30);
  g_action_group_activate_action (G_ACTION_GROUP (app), "configure",
                                  g_variant_new_parsed ("{'arch': <'cae-tiny'>, 'epochs': <50>, 'limit': <300>}"));
  g_assert_true (lab_test_press_accel (window, "<Alt>1"));
  g_assert_true (lab_test_press_accel (window, "<Control>t"));
  g_assert_true (lab_train_page_is_training (train));
  g_assert_cmpstr (lab_window_get_visible_page (f->window), ==, "data");
  g_assert_true (lab_test_press_accel (window, "<Control>p"));
  g_object_get (train, "paused", &paused, NULL);
  g_assert_true (paused);
  g_assert_true (lab_test_press_accel (window, "<Control>p"));
  g_object_get (train, "paused", &paused, NULL);
  g_assert_false (paused);
  g_assert_true (lab_test_press_accel (window, "<Control>period"));
  lab_test_spin_until (train_page_idle, train, 30);
  g_assert_true (lab_train_page_get_final_stopped (train));
  g_assert_nonnull (lab_session_get_model (lab_window_get_session (f->window)));

  /* Ctrl+S and Ctrl+M bring up the model dialogs, Ctrl+O the window's. */
  g_assert_false (has_toplevel ("Save the Model"));
  g_assert_true (lab_test_press_accel (window, "<Control>s"));
  g_assert_true (has_toplevel ("Save the Model"));
  g_assert_true (lab_test_press_accel (window, "<Control>m"));
  g_assert_true (has_toplevel ("Open a Model"));
  g_assert_false (has_toplevel ("Open a Dataset or Model File"));
  g_assert_true (lab_test_press_accel (window, "<Control>o"));
  g_assert_true (has_toplevel ("Open a Dataset or Model File"));

  /* The Latent page's own Ctrl+E works where the page is shown, and only
   * there: with the model just trained it encodes the test images. */
  {
    LabLatentPage *latent = LAB_LATENT_PAGE (lab_window_get_page (f->window, "latent"));

    g_assert_false (lab_test_press_accel (window, "<Control>e"));
    g_assert_false (lab_latent_page_is_embedding (latent));
    g_assert_true (lab_test_press_accel (window, "<Alt>4"));
    lab_test_spin_for (0.2);
    /* Showing the page embeds once by itself: let that one finish. */
    lab_test_spin_until (latent_idle, latent, 60);
    g_assert_true (lab_test_press_accel (window, "<Control>e"));
    g_assert_true (lab_latent_page_is_embedding (latent));
    lab_test_spin_until (latent_idle, latent, 60);
    g_assert_nonnull (lab_latent_page_get_embedding (latent));
  }

  /* The Classify page's own Ctrl+Return, likewise: it starts the classifier. */
  {
    LabClassifyPage *classify = LAB_CLASSIFY_PAGE (lab_window_get_page (f->window, "classify"));
    LabClassifyRun *run = lab_classify_page_get_run (classify);

    g_assert_false (lab_test_press_accel (window, "<Control>Return"));
    g_assert_false (lab_classify_run_is_running (run));
    g_assert_true (lab_test_press_accel (window, "<Alt>6"));
    lab_test_spin_for (0.2);
    g_assert_true (lab_test_press_accel (window, "<Control>Return"));
    g_assert_true (lab_classify_run_is_running (run));
    lab_test_activate (f->window, "cancel-classifier", NULL);
    g_assert_false (lab_classify_run_is_running (run));
  }

  /* Ctrl+? shows the shortcuts window. */
  overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (f->window)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  g_assert_true (lab_test_press_accel (window, "<Control>question"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  gtk_widget_set_visible (GTK_WIDGET (overlay), FALSE);

  /* Ctrl+Q runs app.quit (the application is not running here, so it
   * has nothing to end). */
  g_signal_connect_swapped (g_action_map_lookup_action (G_ACTION_MAP (app), "quit"), "activate",
                            G_CALLBACK (count_activations), &n_quit);
  g_assert_true (lab_test_press_accel (window, "<Control>q"));
  g_assert_cmpuint (n_quit, ==, 1);
  g_signal_handlers_disconnect_by_data (g_action_map_lookup_action (G_ACTION_MAP (app), "quit"), &n_quit);

  /* A key nothing is bound to does nothing. */
  g_assert_false (lab_test_press_accel (window, "<Control><Shift>F12"));
}

/* `gapplication action APP NAME` activates app.NAME: each one the
 * application forwards is a window action, and reaches the page. */
static void
test_window_app_actions (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(GStrv) names = g_action_group_list_actions (G_ACTION_GROUP (app));
  GtkWidgetClass *window_class = g_type_class_peek (LAB_TYPE_WINDOW);
  LabPage *denoise = LAB_PAGE (lab_window_get_page (f->window, "denoise"));
  double level = 0;
  guint n_forwarded = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *win_name = g_strconcat ("win.", names[i], NULL);
      gboolean found = FALSE;
      GType owner;
      const char *name, *property;
      const GVariantType *type;

      if (g_strv_contains ((const char * const []) { "quit", "about", "configure", NULL }, names[i]))
        continue;
      for (guint j = 0; gtk_widget_class_query_action (window_class, j, &owner, &name, &type, &property); j++)
        if (g_strcmp0 (name, win_name) == 0)
          {
            const GVariantType *app_type = g_action_group_get_action_parameter_type (G_ACTION_GROUP (app), names[i]);

            found = TRUE;
            g_assert_true ((type == NULL) == (app_type == NULL));
            g_assert_true (type == NULL || g_variant_type_equal (type, app_type));
          }
      g_test_message ("app.%s -> %s", names[i], found ? win_name : "(nothing)");
      g_assert_true (found);
      n_forwarded++;
    }
  g_assert_cmpuint (n_forwarded, >=, 13);

  g_action_group_activate_action (G_ACTION_GROUP (app), "show-page", g_variant_new_string ("latent"));
  g_assert_cmpstr (lab_window_get_visible_page (f->window), ==, "latent");
  g_action_group_activate_action (G_ACTION_GROUP (app), "noise-level", g_variant_new_double (0.7));
  g_object_get (denoise, "noise-level", &level, NULL);
  g_assert_cmpfloat_with_epsilon (level, 0.7, 1e-9);
  g_action_group_activate_action (G_ACTION_GROUP (app), "load-dataset", g_variant_new_string ("synthetic"));
  g_assert_cmpstr (lab_window_get_visible_page (f->window), ==, "data");
  g_assert_true (lab_data_page_is_loading (f->page));
  wait_loaded (f);
}

/* About: the System tab says the CPU, its features and the BLAS kernels,
 * as `latentlab-cli system` does. */
static void
test_window_about (Fixture       *f,
                   gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */
  g_autofree char *expected = lab_blas_describe ();
  GtkAboutDialog *about = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && about == NULL; i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (GTK_IS_ABOUT_DIALOG (w))
        about = GTK_ABOUT_DIALOG (w);
    }
  g_assert_nonnull (about);
  g_assert_cmpstr (gtk_about_dialog_get_system_information (about), ==, expected);
  g_assert_nonnull (strstr (expected, "BLAS: OpenBLAS "));
  g_assert_nonnull (strstr (expected, lab_blas_get_kernels ()));
  g_assert_nonnull (strstr (expected, "CPU features: "));
  gtk_window_destroy (GTK_WINDOW (about));
}

int
main (int argc, char **argv)
{
  app = lab_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/window/opens", test_window_opens);
  ADD ("/window/loads-dataset", test_window_loads_dataset);
  ADD ("/window/class-filter", test_window_class_filter);
  ADD ("/window/noise-preview", test_window_noise_preview);
  ADD ("/window/corrupt-idx", test_window_corrupt_idx);
  ADD ("/window/empty-folder", test_window_empty_folder);
  ADD ("/window/png-folder", test_window_png_folder);
  ADD ("/window/drop", test_window_drop);
  ADD ("/window/model-hook", test_window_model_hook);
  ADD ("/window/remembers-size", test_window_remembers_size);
  ADD ("/window/screenshot", test_window_screenshot);
  ADD ("/window/pages", test_window_pages);
  ADD ("/window/show-error", test_window_show_error);
  ADD ("/window/app-actions", test_window_app_actions);
  ADD ("/window/shortcuts", test_window_shortcuts);
  ADD ("/window/about", test_window_about);
#undef ADD
  g_test_add_func ("/window/startup-dataset", test_window_startup_dataset);
  g_test_add_func ("/window/page-contract", test_window_page_contract);

  return lab_test_run ();
}
