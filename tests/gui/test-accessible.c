/* What a teacher and a screen reader get beyond the picture: every control
 * of every page (with a model loaded, each Advanced expander open) and of
 * the architecture editor has a tooltip, and every custom-drawn figure an
 * accessible description that says what it shows, following its data
 * (checked with GTK's test API for the accessible properties). */

#include <string.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "lab-activation-bars.h"
#include "lab-arch-editor.h"
#include "lab-class-bars.h"
#include "lab-classify-page-private.h"
#include "lab-confusion-view.h"
#include "lab-histogram-view.h"
#include "lab-latent-page-private.h"
#include "lab-plot-view.h"
#include "lab-recon-grid.h"
#include "lab-scatter-view.h"
#include "lab-test-util.h"
#include "lab-tile-view.h"
#include "lab-window-private.h"

static LabApplication *app;

static gboolean
session_ready (gpointer data)
{
  return lab_session_is_ready (data);
}

static gboolean
latent_embedded (gpointer data)
{
  LabLatentPage *page = data;

  return !lab_latent_page_is_embedding (page) && lab_latent_page_get_embedding (page) != NULL;
}

/* gtk_test_accessible_assert_property, for values with a % (the macro
 * makes its message's format from them). */
static void
assert_text (gpointer              widget,
             GtkAccessibleProperty property,
             const char           *expected)
{
  g_autofree char *differs = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property, expected);

  if (differs != NULL)
    g_error ("%s's %s is “%s”, not “%s”", G_OBJECT_TYPE_NAME (widget),
             property == GTK_ACCESSIBLE_PROPERTY_LABEL ? "label" : "description", differs, expected);
}

static gboolean
is_control (GtkWidget *w)
{
  return GTK_IS_BUTTON (w) || GTK_IS_MENU_BUTTON (w) || GTK_IS_CHECK_BUTTON (w) || GTK_IS_SWITCH (w)
         || GTK_IS_SPIN_BUTTON (w) || GTK_IS_SCALE (w) || GTK_IS_DROP_DOWN (w) || GTK_IS_ENTRY (w)
         || GTK_IS_SEARCH_ENTRY (w) || GTK_IS_EXPANDER (w);
}

/* Controls that need no tooltip of their own, and why. */
static const char *
excepted (GtkWidget *w)
{
  for (GtkWidget *a = gtk_widget_get_parent (w); a != NULL; a = gtk_widget_get_parent (a))
    {
      if (GTK_IS_WINDOW_CONTROLS (a))
        return "the window's own close button, as in every GTK application";
      if (GTK_IS_STACK_SWITCHER (a) || GTK_IS_STACK_SIDEBAR (a))
        return "a page switcher's button is the page's name";
    }
  return NULL;
}

/* The control's tooltip, its own or its parent's (GTK shows a parent's
 * where the control has none: a switch in a row with the row's tooltip). */
static gboolean
has_tooltip (GtkWidget *w)
{
  for (guint up = 0; up < 2 && w != NULL; up++, w = gtk_widget_get_parent (w))
    if (gtk_widget_get_tooltip_text (w) != NULL || gtk_widget_get_tooltip_markup (w) != NULL)
      return TRUE;
  return FALSE;
}

/* How a teacher would point at a control: its type, id, label or icon. */
static char *
name_control (GtkWidget *w)
{
  const char *id = GTK_IS_BUILDABLE (w) ? gtk_buildable_get_buildable_id (GTK_BUILDABLE (w)) : NULL;
  const char *text = NULL;

  if (GTK_IS_BUTTON (w))
    text = gtk_button_get_label (GTK_BUTTON (w)) != NULL ? gtk_button_get_label (GTK_BUTTON (w))
                                                         : gtk_button_get_icon_name (GTK_BUTTON (w));
  else if (GTK_IS_MENU_BUTTON (w))
    text = gtk_menu_button_get_label (GTK_MENU_BUTTON (w)) != NULL ? gtk_menu_button_get_label (GTK_MENU_BUTTON (w))
                                                                   : gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (w));
  else if (GTK_IS_CHECK_BUTTON (w))
    text = gtk_check_button_get_label (GTK_CHECK_BUTTON (w));
  else if (GTK_IS_EXPANDER (w))
    text = gtk_expander_get_label (GTK_EXPANDER (w));
  if (text == NULL && GTK_IS_BUTTON (w) && GTK_IS_LABEL (gtk_button_get_child (GTK_BUTTON (w))))
    text = gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (w))));
  if (text == NULL)
    {
      GList *labels = gtk_widget_list_mnemonic_labels (w);

      if (labels != NULL && GTK_IS_LABEL (labels->data))
        text = gtk_label_get_label (labels->data);
      g_list_free (labels);
    }
  if (text == NULL && gtk_widget_get_parent (w) != NULL)
    {
      /* a label beside it in its row */
      for (GtkWidget *c = gtk_widget_get_first_child (gtk_widget_get_parent (w)); c; c = gtk_widget_get_next_sibling (c))
        if (GTK_IS_LABEL (c))
          {
            text = gtk_label_get_label (GTK_LABEL (c));
            break;
          }
    }
  return g_strdup_printf ("%s%s%s “%s”", G_OBJECT_TYPE_NAME (w), id ? " #" : "", id ? id : "", text ? text : "");
}

static void
expand_all (GtkWidget *w)
{
  if (GTK_IS_EXPANDER (w))
    gtk_expander_set_expanded (GTK_EXPANDER (w), TRUE);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    expand_all (c);
}

static gboolean
is_figure (GtkWidget *w)
{
  return LAB_IS_PLOT_VIEW (w) || LAB_IS_SCATTER_VIEW (w) || LAB_IS_RECON_GRID (w) || LAB_IS_CONFUSION_VIEW (w)
         || LAB_IS_CLASS_BARS (w) || LAB_IS_HISTOGRAM_VIEW (w) || LAB_IS_TILE_VIEW (w) || LAB_IS_ACTIVATION_BARS (w);
}

/* Walks the shown widgets under w: controls without a tooltip go to
 * missing, figures to figures. A control's insides (a spin button's
 * arrows, a drop-down's toggle) are the control's. */
static void
walk (GtkWidget  *w,
      const char *where,
      GPtrArray  *missing,
      GPtrArray  *figures,
      guint      *n_controls)
{
  if (!gtk_widget_get_mapped (w))
    return;
  if (is_figure (w))
    g_ptr_array_add (figures, w);
  if (is_control (w))
    {
      const char *why = excepted (w);

      (*n_controls)++;
      if (why == NULL && !has_tooltip (w))
        g_ptr_array_add (missing, g_strdup_printf ("%s: %s", where, name_control (w)));
      if (!GTK_IS_EXPANDER (w))
        return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    walk (c, where, missing, figures, n_controls);
}

static void
on_editor_done (const char *json,
                gpointer    data)
{
}

/* Figures say what they show: the description is there, and not empty. */
static void
assert_described (GPtrArray *figures)
{
  for (guint i = 0; i < figures->len; i++)
    {
      GtkAccessible *a = figures->pdata[i];
      g_autofree char *text = NULL;

      if (!gtk_test_accessible_has_property (a, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION))
        g_error ("%s has no accessible description", G_OBJECT_TYPE_NAME (a));
      /* what it is, differing from "" */
      text = gtk_test_accessible_check_property (a, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "");
      g_assert_nonnull (text);
      g_test_message ("%s: %s", G_OBJECT_TYPE_NAME (a), text);
    }
}

/* Every page in turn, its expanders opened. */
static void
walk_pages (LabWindow  *window,
            const char *when,
            GPtrArray  *missing,
            GPtrArray  *figures,
            guint      *n_controls)
{
  g_autoptr(GListModel) pages = G_LIST_MODEL (gtk_stack_get_pages (lab_window_get_stack (window)));

  for (guint i = 0; i < g_list_model_get_n_items (pages); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (pages, i);
      GtkStackPage *page = GTK_STACK_PAGE (item);
      const char *name = gtk_stack_page_get_name (page);
      g_autofree char *where = g_strdup_printf ("%s, %s", name, when);
      guint before = *n_controls;

      lab_window_set_visible_page (window, name);
      lab_test_spin_for (0.3);
      expand_all (gtk_stack_page_get_child (page));
      /* the figures' words follow within about a second */
      lab_test_spin_for (1.3);
      walk (gtk_stack_page_get_child (page), where, missing, figures, n_controls);
      g_test_message ("page %s: %u controls, %u figures so far", where, *n_controls - before, figures->len);
    }
}

static void
test_tooltips_and_descriptions (void)
{
  g_autoptr(LabWindow) window = g_object_ref (lab_window_new (app));
  LabSession *session = lab_window_get_session (window);
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) figures = g_ptr_array_new ();
  GtkWindow *dialog;
  guint n_controls = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  lab_test_spin_until (session_ready, session, 30);
  /* first as the window opens ("Go to Train"), then with a model */
  walk_pages (window, "without a model", missing, figures, &n_controls);
  lab_test_train_into_session (session, "cae-tiny");
  lab_window_set_visible_page (window, "latent");
  lab_test_spin_for (0.2);
  lab_test_spin_until (latent_embedded, lab_window_get_page (window, "latent"), 60);

  walk_pages (window, "with a model", missing, figures, &n_controls);
  /* the header bar's */
  walk (gtk_window_get_titlebar (GTK_WINDOW (window)), "header bar", missing, figures, &n_controls);

  dialog = lab_arch_editor_run_dialog (GTK_WINDOW (window), NULL, on_editor_done, NULL);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  lab_test_spin_for (0.5);
  expand_all (GTK_WIDGET (dialog));
  lab_test_spin_for (0.3);
  walk (GTK_WIDGET (dialog), "architecture editor", missing, figures, &n_controls);
  gtk_window_destroy (dialog);
  g_assert_null (dialog);

  g_test_message ("%u controls, %u without a tooltip; %u figures", n_controls, missing->len, figures->len);
  for (guint i = 0; i < missing->len; i++)
    g_test_message ("no tooltip: %s", (char *) missing->pdata[i]);
  g_assert_cmpuint (n_controls, >=, 60);
  if (missing->len > 0)
    g_error ("%u controls without a tooltip, the first: %s", missing->len, (char *) missing->pdata[0]);

  /* the Train page's loss plot, the strip, the Latent page's map, ... */
  g_assert_cmpuint (figures->len, >=, 5);
  assert_described (figures);

  /* one known value: the Classify page's confusion matrix */
  {
    LabConfusionView *confusion = lab_classify_page_get_confusion (LAB_CLASSIFY_PAGE (lab_window_get_page (window, "classify")));
    const guint counts[4] = { 45, 5, 2, 48 };

    lab_confusion_view_set_matrix (confusion, "k-NN on the latent", counts, 2, NULL);
    assert_text (confusion, GTK_ACCESSIBLE_PROPERTY_LABEL, "k-NN on the latent");
    assert_text (confusion, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                         "93.0% of 100 images classified right. "
                                         "Most often confused: 0 taken for 1, 5 times.");
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* data: the widget and the description it should have */
static gboolean
described_as (gpointer data)
{
  gpointer *args = data;
  char *differs = gtk_test_accessible_check_property (args[0], GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, args[1]);

  g_free (differs);
  return differs == NULL;
}

/* A plot fed point by point, as training does: its words follow the
 * points, once the burst is over. */
static void
test_plot_follows (void)
{
  static const double val[] = { 0.7123, 0.3105, 0.1804, 0.1095, 0.1012 };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = lab_plot_view_new ();
  LabLinePlot *plot = lab_plot_view_get_plot (LAB_PLOT_VIEW (view));
  guint s;

  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  lab_line_plot_set_labels (plot, "epoch", "loss");
  s = lab_line_plot_add_series (plot, "validation", 1, LAB_LINE_STYLE_POINTS);
  lab_plot_view_changed (LAB_PLOT_VIEW (view));
  /* on the main loop's low priority: after the first frame */
  lab_test_spin_until (described_as, (gpointer[]) { view, (gpointer) "No points yet." }, 10);
  assert_text (view, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "No points yet.");
  assert_text (view, GTK_ACCESSIBLE_PROPERTY_LABEL, "loss against epoch");
  for (guint e = 0; e < 5; e++)
    {
      lab_line_plot_append (plot, s, e + 1, val[e]);
      lab_plot_view_changed (LAB_PLOT_VIEW (view));
    }
  lab_test_spin_until (described_as,
                       (gpointer[]) { view, (gpointer) "Loss (validation) falls from 0.71 to 0.10 between epoch 1 and 5." }, 10);
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (view)), ==, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  app = lab_test_init (&argc, &argv);
  g_test_add_func ("/accessible/plot-follows", test_plot_follows);
  g_test_add_func ("/accessible/tooltips-and-descriptions", test_tooltips_and_descriptions);
  return lab_test_run ();
}
