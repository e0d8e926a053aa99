/* The window on a classroom projector's 1024 x 768 screen (this test's Xvfb
 * screen). Normal mode: every page's natural width fits beside the
 * sidebar, the window's minimum size fits the screen less a desktop panel.
 * Presentation mode (larger type, fullscreen): the sidebar folds away by
 * itself on this narrow screen and every page's natural width fits; with
 * the sidebar back (F9) every page still gets its minimum. In all of them
 * no widget is clipped: each one gets at least its minimum size, lies
 * inside the window, and no scrolled window hides content sideways. A
 * screenshot of every page in every mode goes under the build dir
 * (fit-MODE-PAGE.png). And no two controls shown at once share a
 * mnemonic (Alt+letter). The Lessons page shows a run of the first
 * lesson (three architectures, capped to a few images and an epoch, into
 * a cache folder of this test alone), whose tables are seen whole.
 * tests/gui/meson.build runs it in English, French and German (LANGUAGE). */

#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-classify-page-private.h"
#include "lab-inside-page-private.h"
#include "lab-latent-page-private.h"
#include "lab-lessons-page.h"
#include "lab-presentation.h"
#include "lab-test-models.h"
#include "lab-test-util.h"
#include "lab-window-private.h"

#define SCREEN_WIDTH  1024
#define SCREEN_HEIGHT 768
/* 768 less a desktop's top bar or panel. */
#define USABLE_HEIGHT 720

static LabApplication *app;
static char *cache_home;

static const char *pages[] = { "data", "train", "denoise", "latent", "lessons", "classify", "inside" };

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

static gboolean
latent_embedded (gpointer data)
{
  LabLatentPage *page = data;

  return !lab_latent_page_is_embedding (page) && lab_latent_page_get_embedding (page) != NULL;
}

static gboolean
outliers_measured (gpointer data)
{
  LabOutliersPanel *panel = lab_latent_page_get_outliers_panel (data);
  guint n;

  return !lab_outliers_panel_is_running (panel) && lab_outliers_panel_get_errors (panel, &n) != NULL;
}

static gboolean
classify_idle (gpointer data)
{
  return !lab_classify_run_is_running (data);
}

static gboolean
lesson_shown (gpointer data)
{
  return lab_lesson_results_get_dir (lab_lessons_page_get_results (data)) != NULL;
}

/* "GtkLabel.title" */
static char *
describe (GtkWidget *widget)
{
  GString *s = g_string_new (G_OBJECT_TYPE_NAME (widget));
  g_auto(GStrv) classes = gtk_widget_get_css_classes (widget);
  const char *name = gtk_widget_get_name (widget);

  for (guint i = 0; classes[i] != NULL; i++)
    g_string_append_printf (s, ".%s", classes[i]);
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (s, " “%s”", gtk_label_get_text (GTK_LABEL (widget)));
  else if (name != NULL && g_strcmp0 (name, G_OBJECT_TYPE_NAME (widget)) != 0)
    g_string_append_printf (s, "#%s", name);
  return g_string_free (s, FALSE);
}

/* Appends to problems each mapped widget under widget that is clipped:
 * allocated less than its minimum, reaching outside the window, or a
 * scrolled window whose content is wider than what it shows. Popovers
 * and other natives are their own surfaces: not followed. */
static void
find_clipped (GtkWidget *widget,
              GtkWidget *window,
              GPtrArray *problems)
{
  graphene_rect_t w;
  int width, height;

  /* The window's border box: a window without a compositor draws a
   * 1-pixel border around its content (its own -1 origin). */
  g_assert_true (gtk_widget_compute_bounds (window, window, &w));
  width = (int) (w.origin.x + w.size.width);
  height = (int) (w.origin.y + w.size.height);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      g_autofree char *what = NULL;
      GtkAllocation alloc;
      graphene_rect_t b;
      int min_w, min_h;

      if (!gtk_widget_get_mapped (child) || GTK_IS_NATIVE (child))
        continue;
      what = describe (child);
      g_assert_true (gtk_widget_compute_bounds (child, window, &b));
      /* The allocation with the CSS margin, plus the widget's margins: what
       * measure() counts. */
      gtk_widget_get_allocation (child, &alloc);
      alloc.width += gtk_widget_get_margin_start (child) + gtk_widget_get_margin_end (child);
      alloc.height += gtk_widget_get_margin_top (child) + gtk_widget_get_margin_bottom (child);
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, alloc.width, &min_h, NULL, NULL, NULL);
      if (alloc.width < min_w || alloc.height < min_h)
        g_ptr_array_add (problems, g_strdup_printf ("%s: %d×%d, needs %d×%d", what,
                                                    alloc.width, alloc.height, min_w, min_h));
      if (b.origin.x < w.origin.x - 0.5 || b.origin.y < w.origin.y - 0.5
          || b.origin.x + b.size.width > width + 0.5 || b.origin.y + b.size.height > height + 0.5)
        g_ptr_array_add (problems, g_strdup_printf ("%s: at %.0f,%.0f %.0f×%.0f, outside the window",
                                                    what, b.origin.x, b.origin.y,
                                                    b.size.width, b.size.height));
      if (GTK_IS_SCROLLED_WINDOW (child))
        {
          GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (child));
          double hidden = gtk_adjustment_get_upper (h) - gtk_adjustment_get_lower (h)
                          - gtk_adjustment_get_page_size (h);

          if (hidden > 1)
            g_ptr_array_add (problems, g_strdup_printf ("%s: %.0f px of its content hidden sideways",
                                                        what, hidden));
          /* Inside, height scrolls by design. */
          continue;
        }
      find_clipped (child, window, problems);
    }
}

/* Appends to clashes each mapped label under widget whose mnemonic (the
 * underlined letter, Alt+letter) one seen before it has too: in each
 * language, what one screen shows must have one key per control. seen maps
 * a lower-case keyval to the first label's text. */
static void
find_mnemonic_clashes (GtkWidget  *widget,
                       GHashTable *seen,
                       GPtrArray  *clashes)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child) || GTK_IS_NATIVE (child))
        continue;
      if (GTK_IS_LABEL (child) && gtk_label_get_use_underline (GTK_LABEL (child)))
        {
          guint key = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (GTK_LABEL (child)));
          const char *text = gtk_label_get_label (GTK_LABEL (child));
          const char *other = g_hash_table_lookup (seen, GUINT_TO_POINTER (key));

          if (key == GDK_KEY_VoidSymbol)
            ;
          else if (other != NULL)
            g_ptr_array_add (clashes, g_strdup_printf ("“%s” and “%s” both take Alt+%s", other, text,
                                                       gdk_keyval_name (key)));
          else
            g_hash_table_insert (seen, GUINT_TO_POINTER (key), (gpointer) text);
        }
      find_mnemonic_clashes (child, seen, clashes);
    }
}

/* Logs the widgets under widget, to max_depth, that are wider or taller
 * than limit: their minimum and natural sizes. */
static void
dump (GtkWidget *widget,
      int        depth,
      int        max_depth,
      int        limit)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      int min, nat, min_h, nat_h;
      g_autofree char *what = NULL;

      if (!gtk_widget_get_visible (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (child), &min_h, &nat_h, NULL, NULL);
      if (nat < limit && min_h < limit)
        continue;
      what = describe (child);
      g_test_message ("%*s%s min %d nat %d; height min %d nat %d (has %d)", depth * 2, "", what, min, nat,
                      min_h, nat_h, gtk_widget_get_height (child));
      if (depth < max_depth)
        dump (child, depth + 1, max_depth, limit);
    }
}

/* Appends to wide each mapped lesson table under widget whose natural
 * width is more than its scrolled window shows: a teacher would have to
 * scroll sideways through the numbers. Returns how many tables it saw. */
static guint
find_wide_tables (GtkWidget *widget,
                  GPtrArray *wide)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child))
        continue;
      if (GTK_IS_GRID (child) && gtk_widget_has_css_class (child, "lesson-table"))
        {
          GtkWidget *pane = gtk_widget_get_ancestor (child, GTK_TYPE_SCROLLED_WINDOW);
          int columns = 0, nat = 0;

          while (gtk_grid_get_child_at (GTK_GRID (child), columns, 0) != NULL)
            columns++;
          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat, NULL, NULL);
          g_test_message ("lesson table of %d columns: %d px wide, its pane %d", columns, nat,
                          gtk_widget_get_width (pane));
          if (nat > gtk_widget_get_width (pane))
            g_ptr_array_add (wide, g_strdup_printf ("a table of %d columns, %d px in %d", columns, nat,
                                                    gtk_widget_get_width (pane)));
          n++;
          continue;
        }
      n += find_wide_tables (child, wide);
    }
  return n;
}

/* natural: the page's natural width fits (else its minimum, which with
 * the widgets' own wrapping still clips nothing). tab: the screenshot's
 * name after the page's. */
static void
assert_page_tab_fits (Fixture    *f,
                      const char *page_name,
                      const char *tab,
                      const char *mode,
                      gboolean    natural)
{
  GtkWidget *window = GTK_WIDGET (f->window);
  GtkWidget *page = lab_window_get_page (f->window, page_name);
  GtkWidget *stack = gtk_widget_get_parent (page);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) clashes = g_ptr_array_new_with_free_func (g_free);
  const char *language = g_getenv ("LANGUAGE");
  /* fit-MODE-PAGE.png in English, fit-LANGUAGE-MODE-PAGE.png in a translation. */
  g_autofree char *shot = language != NULL && *language != '\0'
                          ? g_strdup_printf ("fit-%s-%s-%s%s.png", language, mode, page_name, tab)
                          : g_strdup_printf ("fit-%s-%s%s.png", mode, page_name, tab);
  int min_w, nat_w, min_h, nat_h, win_min_w, win_min_h;
  int avail_w = gtk_widget_get_width (stack);
  int avail_h = gtk_widget_get_height (stack);

  lab_window_set_visible_page (f->window, page_name);
  /* The stack's crossfade settles. */
  lab_test_spin_for (0.3);
  lab_test_screenshot (window, shot, NULL, NULL);

  avail_w = gtk_widget_get_width (stack);
  avail_h = gtk_widget_get_height (stack);
  gtk_widget_measure (page, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
  gtk_widget_measure (page, GTK_ORIENTATION_VERTICAL, avail_w, &min_h, &nat_h, NULL, NULL);
  gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &win_min_w, NULL, NULL, NULL);
  /* As GtkWindow tells the window manager: the height for that width. */
  gtk_widget_measure (window, GTK_ORIENTATION_VERTICAL, win_min_w, &win_min_h, NULL, NULL, NULL);
  g_test_message ("%s %s: page min %d nat %d (of %d) wide, min %d tall (of %d); window min %d×%d",
                  mode, page_name, min_w, nat_w, avail_w, min_h, avail_h, win_min_w, win_min_h);

  find_clipped (window, window, problems);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("clipped: %s", (char *) problems->pdata[i]);
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

    find_mnemonic_clashes (window, seen, clashes);
    {
      /* what the page takes, for whoever picks a letter for a new one */
      GHashTableIter iter;
      gpointer text;
      GString *taken = g_string_new (NULL);

      g_hash_table_iter_init (&iter, seen);
      while (g_hash_table_iter_next (&iter, NULL, &text))
        g_string_append_printf (taken, " “%s”", (char *) text);
      g_test_message ("mnemonics of %s %s:%s", mode, page_name, taken->str);
      g_string_free (taken, TRUE);
    }
    for (guint i = 0; i < clashes->len; i++)
      g_test_message ("mnemonic clash in %s %s: %s", mode, page_name, (char *) clashes->pdata[i]);
    /* a page shows a few controls with a key each, at least its own */
    g_assert_cmpuint (g_hash_table_size (seen), >, 0);
  }
  /* Where the width or the height goes, for whoever makes it fit. */
  if (problems->len > 0 || (natural ? nat_w : min_w) > avail_w || min_h > avail_h)
    dump (page, 0, 4, 200);

  /* The X window (its content and the frame GTK draws around it) kept
   * the screen's size: the window did not grow past it. */
  g_assert_cmpint (gdk_surface_get_width (surface), ==, SCREEN_WIDTH);
  g_assert_cmpint (gdk_surface_get_height (surface), ==, SCREEN_HEIGHT);
  g_assert_cmpint (natural ? nat_w : min_w, <=, avail_w);
  g_assert_cmpint (min_h, <=, avail_h);
  g_assert_cmpint (gtk_widget_get_width (page), >=, min_w);
  g_assert_cmpint (gtk_widget_get_height (page), >=, min_h);
  g_assert_cmpint (win_min_w, <=, SCREEN_WIDTH);
  /* Fullscreen in presentation mode: the whole screen, else the screen
   * less a desktop panel. */
  g_assert_cmpint (win_min_h, <=, lab_window_get_presentation (f->window) ? SCREEN_HEIGHT : USABLE_HEIGHT);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (clashes->len, ==, 0);
  /* The lesson's tables (results, seed 001's seven columns beside this
   * run's, settings) whole, at their natural width, where the page has
   * its natural width (with the sidebar shown in presentation mode, they
   * may scroll). */
  if (natural && g_strcmp0 (page_name, "lessons") == 0)
    {
      g_autoptr(GPtrArray) wide = g_ptr_array_new_with_free_func (g_free);

      g_assert_cmpuint (find_wide_tables (page, wide), >=, 2);
      for (guint i = 0; i < wide->len; i++)
        g_test_message ("scrolls sideways: %s", (char *) wide->pdata[i]);
      g_assert_cmpuint (wide->len, ==, 0);
    }
}

static void
assert_page_fits (Fixture    *f,
                  const char *page_name,
                  const char *mode,
                  gboolean    natural)
{
  GtkWidget *latent = lab_window_get_page (f->window, "latent");

  /* The Latent page with either side tab: decoding, or the outliers. */
  lab_latent_page_show_side (LAB_LATENT_PAGE (latent), "decode");
  assert_page_tab_fits (f, page_name, "", mode, natural);
  if (g_strcmp0 (page_name, "latent") == 0)
    {
      lab_latent_page_show_side (LAB_LATENT_PAGE (latent), "outliers");
      assert_page_tab_fits (f, page_name, "-outliers", mode, natural);
      lab_latent_page_show_side (LAB_LATENT_PAGE (latent), "decode");
    }
}

/* Opens every expander under widget: the pages fit with their Advanced
 * settings shown too. */
static guint
expand_all (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_EXPANDER (child))
        {
          gtk_expander_set_expanded (GTK_EXPANDER (child), TRUE);
          n++;
        }
      n += expand_all (child);
    }
  return n;
}

/* The Classify page's confusion matrix is seen whole, its axis titles too:
 * the page does not scroll it out of the window. */
static void
assert_classify_matrix_whole (Fixture    *f,
                              const char *mode)
{
  LabClassifyPage *classify = LAB_CLASSIFY_PAGE (lab_window_get_page (f->window, "classify"));
  GtkWidget *view = GTK_WIDGET (lab_classify_page_get_confusion (classify));
  graphene_rect_t bounds;

  lab_window_set_visible_page (f->window, "classify");
  lab_test_spin_for (0.3);
  g_assert_true (gtk_widget_compute_bounds (view, GTK_WIDGET (f->window), &bounds));
  g_test_message ("%s classify: the confusion matrix from y = %.0f to %.0f of %d", mode, bounds.origin.y,
                  bounds.origin.y + bounds.size.height, gtk_widget_get_height (GTK_WIDGET (f->window)));
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (GTK_WIDGET (f->window)));
}

/* The Inside page gives the feature maps the room: in presentation mode
 * on this screen a row holds 6 of the first layer's tiles or more, and the
 * side column (filters, norms) is no wider than the maps. */
static void
assert_inside_maps_room (Fixture *f)
{
  LabInsidePage *inside = LAB_INSIDE_PAGE (lab_window_get_page (f->window, "inside"));
  LabLayerMaps *maps = lab_inside_page_get_layer_maps (inside);
  GtkWidget *view = lab_layer_maps_get_view (maps, 0);
  GtkWidget *side = gtk_widget_get_parent (GTK_WIDGET (lab_inside_page_get_filter_grid (inside)));
  int tile, per_row;

  lab_window_set_visible_page (f->window, "inside");
  lab_test_spin_for (0.3);
  g_assert_true (LAB_IS_TILE_VIEW (view));
  tile = lab_tile_view_get_tile_size (LAB_TILE_VIEW (view));
  /* tiles 5 px apart */
  per_row = (gtk_widget_get_width (view) + 5) / (tile + 5);
  g_test_message ("inside: %d tiles of %d px a row; maps %d px, side column %d px wide", per_row, tile,
                  gtk_widget_get_width (GTK_WIDGET (maps)), gtk_widget_get_width (side));
  g_assert_cmpint (per_row, >=, 6);
  g_assert_cmpint (gtk_widget_get_width (side), <=, gtk_widget_get_width (GTK_WIDGET (maps)));
}

/* The Inside page's norm plots keep their curves readable in its side
 * column: the plot area at least half the plot's width (a legend with a
 * line per layer beside it left a sliver on the projector), and a
 * screenshot of them (fit-MODE-inside-norms.png). */
static void
assert_norm_plots_room (Fixture    *f,
                        const char *mode)
{
  LabInsidePage *inside = LAB_INSIDE_PAGE (lab_window_get_page (f->window, "inside"));
  LabNormPlot *norms = lab_inside_page_get_norm_plot (inside);
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (norms), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_autofree char *shot = g_strdup_printf ("fit-%s-inside-norms.png", mode);
  graphene_point_t at;

  lab_window_set_visible_page (f->window, "inside");
  lab_test_spin_for (0.3);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (norms), gtk_widget_get_parent (GTK_WIDGET (norms)),
                                           &GRAPHENE_POINT_INIT (0, 0), &at));
  gtk_adjustment_set_value (v, at.y);
  lab_test_spin_for (0.3);
  lab_test_screenshot (GTK_WIDGET (f->window), shot, NULL, NULL);
  for (guint grads = 0; grads < 2; grads++)
    {
      GtkWidget *view = GTK_WIDGET (lab_norm_plot_get_view (norms, grads));
      LabLinePlot *plot = lab_plot_view_get_plot (LAB_PLOT_VIEW (view));
      int width = gtk_widget_get_width (view), height = gtk_widget_get_height (view);
      double x, y, w, h;

      g_assert_true (lab_line_plot_get_area (plot, width, height, &x, &y, &w, &h));
      g_test_message ("%s inside: norm plot %u %d×%d, its plot area %.0f×%.0f", mode, grads,
                      width, height, w, h);
      g_assert_cmpfloat (w, >=, width / 2.0);
      g_assert_cmpfloat (h, >=, 100);
    }
  gtk_adjustment_set_value (v, 0);
}

static void
show_sidebar (Fixture  *f,
              gboolean  shown)
{
  g_object_set (f->window, "show-sidebar", shown, NULL);
  /* The revealer's slide. */
  lab_test_spin_for (0.6);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  LabLatentPage *latent;
  LabClassifyPage *classify;
  LabClassifyConfig config;

  f->window = g_object_ref (lab_window_new (app));
  gtk_window_set_default_size (GTK_WINDOW (f->window), SCREEN_WIDTH, SCREEN_HEIGHT);
  f->session = lab_window_get_session (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  lab_test_spin_until (session_ready, f, 30);

  /* A model, so every page shows what a class sees: reconstructions,
   * curves, a map and a classifier's scores. */
  lab_test_train_into_session (f->session, "cae-tiny");

  latent = LAB_LATENT_PAGE (lab_window_get_page (f->window, "latent"));
  lab_window_set_visible_page (f->window, "latent");
  lab_test_spin_for (0.2);
  lab_test_spin_until (latent_embedded, latent, 60);
  lab_test_spin_until (outliers_measured, latent, 60);

  classify = LAB_CLASSIFY_PAGE (lab_window_get_page (f->window, "classify"));
  lab_window_set_visible_page (f->window, "classify");
  lab_classify_config_init (&config, LAB_CLASSIFIER_SVM_RBF);
  config.n_train = 1000;
  lab_classify_run_set_config (lab_classify_page_get_run (classify), &config);
  lab_test_activate (f->window, "run-classifier", NULL);
  lab_test_spin_until (classify_idle, lab_classify_page_get_run (classify), 120);

  /* The first lesson run, on a few images for an epoch. */
  {
    LabLessonsPage *lessons = LAB_LESSONS_PAGE (lab_window_get_page (f->window, "lessons"));

    g_object_set (lessons, "max-images", 150, "max-epochs", 1, NULL);
    lab_window_set_visible_page (f->window, "lessons");
    lab_test_activate (f->window, "run-lesson", NULL);
    lab_test_spin_until (lesson_shown, lessons, 240);
  }

  /* Train's, Latent's, Classify's Advanced, and the Data page's list of
   * files it skipped (hidden until a folder has some). */
  g_assert_cmpuint (expand_all (GTK_WIDGET (f->window)), >=, 3);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  lab_window_set_presentation (f->window, FALSE);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
}

/* Normal mode, then presentation mode. Fullscreen on this screen is
 * 1024 x 768; with no window manager to grant fullscreen the window keeps
 * the size given, which is the same. */
static void
test_fit (Fixture       *f,
          gconstpointer  data)
{
  gboolean shown = TRUE;

  show_sidebar (f, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    assert_page_fits (f, pages[i], "normal", TRUE);
  assert_norm_plots_room (f, "normal");
  assert_classify_matrix_whole (f, "normal");

  /* On this narrow screen the sidebar folds away by itself. */
  lab_window_set_presentation (f->window, TRUE);
  lab_test_spin_for (0.6);
  g_object_get (f->window, "show-sidebar", &shown, NULL);
  g_assert_false (shown);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    assert_page_fits (f, pages[i], "presentation", TRUE);
  assert_classify_matrix_whole (f, "presentation");
  assert_inside_maps_room (f);
  assert_norm_plots_room (f, "presentation");

  /* F9 brings it back: the pages get their minimum or more. */
  show_sidebar (f, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    assert_page_fits (f, pages[i], "presentation-sidebar", FALSE);

  /* And it stays shown after presentation mode, as before it. */
  lab_window_set_presentation (f->window, FALSE);
  g_object_get (f->window, "show-sidebar", &shown, NULL);
  g_assert_true (shown);
}

int
main (int argc, char **argv)
{
  int status;

  /* Before GLib reads it: the lesson caches into a folder of this test alone. */
  cache_home = g_dir_make_tmp ("latentlab-fit-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  app = lab_test_init (&argc, &argv);
  g_test_add ("/fit/1024x768", Fixture, NULL, fixture_setup, test_fit, fixture_teardown);
  status = lab_test_run ();
  lab_test_remove_tree (cache_home);
  g_free (cache_home);
  return status;
}
