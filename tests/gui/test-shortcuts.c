/* The keyboard-shortcuts window (Ctrl+?, gtk/help-overlay.ui) lists every
 * shortcut the window has: the application's accelerators, the window's
 * key bindings (Escape, Alt+1 ... Alt+6) and the pages' own shortcuts
 * (Ctrl+E on the Latent page, ...), so one added without its row fails
 * here. It shows on the 1024 x 768 screen of this test (a classroom's
 * projector) without GTK warnings, which g_test makes fatal, and fits it. */

#include <string.h>

#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-page.h"
#include "lab-test-util.h"
#include "lab-window.h"

static LabApplication *app;

typedef struct
{
  GPtrArray *accels;    /* each row's accelerator, parsed: keyval, mods pairs */
  GPtrArray *actions;   /* each row's action-name */
} Listed;

static void
listed_add_accels (Listed     *listed,
                   const char *accelerators)
{
  g_auto(GStrv) accels = g_strsplit (accelerators, " ", -1);

  for (guint i = 0; accels[i] != NULL; i++)
    {
      guint keyval;
      GdkModifierType mods;

      if (*accels[i] == '\0')
        continue;
      g_assert_true (gtk_accelerator_parse (accels[i], &keyval, &mods));
      g_ptr_array_add (listed->accels, GUINT_TO_POINTER (keyval));
      g_ptr_array_add (listed->accels, GUINT_TO_POINTER (mods));
    }
}

/* The rows of the shortcuts window, under widget. */
static void
collect_rows (GtkWidget *widget,
              Listed    *listed)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SHORTCUTS_SHORTCUT (child))
        {
          g_autofree char *accelerator = NULL;
          g_autofree char *action = NULL;

          g_object_get (child, "accelerator", &accelerator, "action-name", &action, NULL);
          if (accelerator != NULL)
            listed_add_accels (listed, accelerator);
          if (action != NULL)
            g_ptr_array_add (listed->actions, g_steal_pointer (&action));
        }
      collect_rows (child, listed);
    }
}

static gboolean
is_listed (Listed          *listed,
           const char      *action,
           guint            keyval,
           GdkModifierType  mods)
{
  for (guint i = 0; i < listed->actions->len; i++)
    if (g_strcmp0 (g_ptr_array_index (listed->actions, i), action) == 0)
      return TRUE;
  for (guint i = 0; i + 1 < listed->accels->len; i += 2)
    if (gdk_keyval_to_lower (GPOINTER_TO_UINT (g_ptr_array_index (listed->accels, i))) == gdk_keyval_to_lower (keyval)
        && GPOINTER_TO_UINT (g_ptr_array_index (listed->accels, i + 1)) == mods)
      return TRUE;
  return FALSE;
}

/* Asserts that each key of trigger, running action, is listed. */
static guint
assert_trigger_listed (Listed             *listed,
                       const char         *action,
                       GtkShortcutTrigger *trigger)
{
  g_autofree char *name = NULL;
  guint keyval;
  GdkModifierType mods;

  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return assert_trigger_listed (listed, action, gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)))
           + assert_trigger_listed (listed, action, gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)));
  if (!GTK_IS_KEYVAL_TRIGGER (trigger))
    return 0;
  keyval = gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger));
  mods = gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger));
  name = gtk_accelerator_name (keyval, mods);
  g_test_message ("%s: %s", name, action);
  if (!is_listed (listed, action, keyval, mods))
    g_error ("%s (%s) is not in the shortcuts window", name, action);
  return 1;
}

/* The shortcuts of the controllers of widget and the widgets inside it:
 * every one of the pages' own (Ctrl+Return runs a callback), and
 * elsewhere those that run the application's, the
 * window's or a page's actions (not GTK's own, such as text.undo in an
 * entry). page.<name> is listed as the win.<name> it forwards. Returns
 * how many keys were checked. */
static guint
assert_controllers_listed (GtkWidget *widget,
                           Listed    *listed)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  /* (The window's class shortcuts hold GtkWindow's too, which run
   * signals: its own are win.* ones.) */
  gboolean ours = LAB_IS_PAGE (widget);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          g_autofree char *win_name = NULL;
          const char *name = GTK_IS_NAMED_ACTION (action)
                             ? gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)) : "";

          if (g_str_has_prefix (name, LAB_PAGE_ACTION_PREFIX))
            win_name = g_strconcat ("win.", name + strlen (LAB_PAGE_ACTION_PREFIX), NULL);
          else if (g_str_has_prefix (name, "win.") || g_str_has_prefix (name, "app.") || ours)
            win_name = g_strdup (name);
          else
            continue;
          n += assert_trigger_listed (listed, win_name, gtk_shortcut_get_trigger (shortcut));
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += assert_controllers_listed (child, listed);
  return n;
}

static void
test_shortcuts_listed (void)
{
  LabWindow *window = lab_window_new (app);
  GtkWidget *overlay = GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_auto(GStrv) actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  Listed listed = { g_ptr_array_new (), g_ptr_array_new_with_free_func (g_free) };
  guint n_app = 0, n_widgets;

  g_assert_nonnull (overlay);
  collect_rows (overlay, &listed);
  g_assert_cmpuint (listed.actions->len + listed.accels->len / 2, >=, 20);

  /* The application's accelerators (F11, Ctrl+T, Ctrl+?, ...). */
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);

      for (guint j = 0; accels[j] != NULL; j++)
        {
          guint keyval;
          GdkModifierType mods;

          g_assert_true (gtk_accelerator_parse (accels[j], &keyval, &mods));
          g_test_message ("%s: %s", accels[j], actions[i]);
          if (!is_listed (&listed, actions[i], keyval, mods))
            g_error ("%s (%s) is not in the shortcuts window", accels[j], actions[i]);
          n_app++;
        }
    }
  /* Quit, open, open folder, the help itself, and the eight the pages'
   * actions get (Ctrl+T, Ctrl+P, Ctrl+., Ctrl+S, Ctrl+M, Ctrl+R, F11, F9). */
  g_assert_cmpuint (n_app, >=, 12);

  /* The window's key bindings and the pages' own shortcuts: Escape,
   * Alt+1 ... Alt+6, Ctrl+E, Ctrl+K, Ctrl+Return. */
  n_widgets = assert_controllers_listed (GTK_WIDGET (window), &listed);
  g_assert_cmpuint (n_widgets, >=, 10);

  g_ptr_array_unref (listed.accels);
  g_ptr_array_unref (listed.actions);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
overlay_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Shown on this 1024 x 768 screen, with no warning (fatal under g_test),
 * the shortcuts window asks for no more than the screen less a panel. */
static void
test_shortcuts_fit (void)
{
  LabWindow *window = lab_window_new (app);
  GtkWidget *overlay = GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  int min_w, nat_w, min_h, nat_h;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  lab_test_spin_until (overlay_mapped, overlay, 10);
  lab_test_spin_for (0.3);
  gtk_widget_measure (overlay, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
  gtk_widget_measure (overlay, GTK_ORIENTATION_VERTICAL, nat_w, &min_h, &nat_h, NULL, NULL);
  g_test_message ("shortcuts window: %d×%d, naturally %d×%d", min_w, min_h, nat_w, nat_h);
  g_assert_cmpint (nat_w, <=, 1024);
  g_assert_cmpint (nat_h, <=, 720);
  lab_test_assert_screenshot (overlay, "shortcuts.png", 16, 50.0);

  gtk_widget_set_visible (overlay, FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  app = lab_test_init (&argc, &argv);
  g_test_add_func ("/shortcuts/listed", test_shortcuts_listed);
  g_test_add_func ("/shortcuts/fit", test_shortcuts_fit);
  return lab_test_run ();
}
