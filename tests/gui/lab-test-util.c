#define G_LOG_DOMAIN "latentlab"

#include <locale.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lab-presets.h"
#include "lab-test-models.h"
#include "lab-test-util.h"
#include "lab-trainer.h"
#include "lab-window-private.h"

static LabApplication *test_app;

static LabApplication *
test_init (int         *argc,
           char      ***argv,
           const char  *locale)
{
  g_assert_null (test_app);
  /* Before GTK reads the locale. */
  g_setenv ("LC_ALL", locale, TRUE);
  gtk_test_init (argc, argv, NULL);
  /* gtk_test_init leaves the C locale, in which gettext ignores LANGUAGE
   * (empty but in the French tests); C.UTF-8 keeps the C ways and takes
   * LANGUAGE's messages from the build tree's translations. */
  if (g_strcmp0 (g_getenv ("LANGUAGE"), "") > 0)
    g_assert_cmpstr (setlocale (LC_ALL, ""), ==, locale);
  if (g_getenv ("LATENTLAB_LOCALEDIR") != NULL)
    bindtextdomain (GETTEXT_PACKAGE, g_getenv ("LATENTLAB_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A session an earlier test program's window kept would be offered in a
   * bar above the pages of every window: each program starts without. */
  {
    g_autofree char *last = lab_window_autosave_path ();

    g_unlink (last);
  }

  test_app = lab_application_new ();
  g_application_register (G_APPLICATION (test_app), NULL, NULL);
  return test_app;
}

LabApplication *
lab_test_init (int    *argc,
               char ***argv)
{
  /* Numbers are checked as C groups them. */
  return test_init (argc, argv, "C.UTF-8");
}

LabApplication *
lab_test_init_in_locale (int         *argc,
                         char      ***argv,
                         const char  *locale)
{
  return test_init (argc, argv, locale);
}

int
lab_test_run (void)
{
  int status = g_test_run ();

  g_clear_object (&test_app);
  return status;
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
lab_test_spin_until (gboolean (*done) (gpointer),
                     gpointer   data,
                     double     timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  guint tick = g_timeout_add (5, wake_up, NULL);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out after %.0f s waiting for the main loop", timeout_s);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static gboolean
time_is_up (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

void
lab_test_spin_for (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  lab_test_spin_until (time_is_up, &end, seconds + 10);
}

typedef struct
{
  GtkWidget *widget;
  guint      n_paints;
} Painting;

/* The widget paintable shows the last frame's render node, which a queued
 * draw discards: ask for a few frames, then stop asking. */
static void
count_paints (GdkFrameClock *clock,
              Painting      *painting)
{
  if (++painting->n_paints < 3)
    gtk_widget_queue_draw (painting->widget);
}

static gboolean
painted_enough (gpointer data)
{
  return ((Painting *) data)->n_paints >= 3;
}

char *
lab_test_screenshot (GtkWidget  *window,
                     const char *name,
                     guint      *n_colors,
                     double     *variance)
{
  const char *dir = g_getenv ("G_TEST_BUILDDIR");

  return lab_test_screenshot_to (window, dir != NULL ? dir : ".", name, n_colors, variance);
}

char *
lab_test_screenshot_to (GtkWidget  *window,
                        const char *dir,
                        const char *name,
                        guint      *n_colors,
                        double     *variance)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  g_autoptr(GHashTable) colors = NULL;
  GdkFrameClock *clock;
  Painting painting = { window, 0 };
  gulong handler;
  int width, height;
  double sum = 0, sum2 = 0, mean;
  char *path;

  clock = gtk_widget_get_frame_clock (window);
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_paints), &painting);
  gtk_widget_queue_draw (window);
  lab_test_spin_until (painted_enough, &painting, 30);
  g_signal_handler_disconnect (clock, handler);

  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);

  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, (gsize) width * 4);
  colors = g_hash_table_new (NULL, NULL);
  for (gsize i = 0; i < (gsize) width * height; i++)
    {
      guint32 argb = ((guint32 *) pixels)[i];
      double luma = 0.299 * ((argb >> 16) & 0xff) + 0.587 * ((argb >> 8) & 0xff) + 0.114 * (argb & 0xff);

      g_hash_table_add (colors, GUINT_TO_POINTER (argb));
      sum += luma;
      sum2 += luma * luma;
    }
  mean = sum / ((double) width * height);
  if (n_colors != NULL)
    *n_colors = g_hash_table_size (colors);
  if (variance != NULL)
    *variance = sum2 / ((double) width * height) - mean * mean;
  return path;
}

void
lab_test_assert_screenshot (GtkWidget  *window,
                            const char *name,
                            guint       min_colors,
                            double      min_variance)
{
  g_autofree char *path = NULL;
  guint n_colors;
  double variance;

  path = lab_test_screenshot (window, name, &n_colors, &variance);
  g_test_message ("%s: %u colours, luma variance %.0f", path, n_colors, variance);
  g_assert_cmpuint (n_colors, >, min_colors);
  g_assert_cmpfloat (variance, >, min_variance);
}

gboolean
lab_test_action_enabled (LabWindow  *window,
                         const char *name)
{
  LabPage *page = lab_window_get_action_page (window, name);
  g_autofree char *page_action = g_strconcat (LAB_PAGE_ACTION_PREFIX, name, NULL);

  return page == NULL || lab_page_get_action_enabled (page, page_action);
}

void
lab_test_activate (LabWindow  *window,
                   const char *name,
                   GVariant   *param)
{
  g_autoptr(GVariant) owned = param ? g_variant_ref_sink (param) : NULL;
  g_autofree char *detailed = g_strconcat ("win.", name, NULL);

  g_assert_true (lab_test_action_enabled (window, name));
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), detailed, owned));
}

/* The property behind page.<name>, or NULL for a stateless action. */
static const char *
page_action_property (LabPage    *page,
                      const char *name)
{
  g_autofree char *page_action = g_strconcat (LAB_PAGE_ACTION_PREFIX, name, NULL);
  GType owner;
  const char *action, *property;
  const GVariantType *type;

  for (guint i = 0;
       gtk_widget_class_query_action (GTK_WIDGET_GET_CLASS (page), i, &owner, &action, &type, &property);
       i++)
    if (g_strcmp0 (action, page_action) == 0)
      return property;
  return NULL;
}

GVariant *
lab_test_get_state (LabWindow  *window,
                    const char *name)
{
  LabPage *page = lab_window_get_action_page (window, name);
  const char *property;
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_nonnull (page);
  property = page_action_property (page, name);
  g_assert_nonnull (property);
  g_object_get_property (G_OBJECT (page), property, &value);
  switch (G_VALUE_TYPE (&value))
    {
    case G_TYPE_BOOLEAN:
      return g_variant_ref_sink (g_variant_new_boolean (g_value_get_boolean (&value)));
    case G_TYPE_DOUBLE:
      return g_variant_ref_sink (g_variant_new_double (g_value_get_double (&value)));
    case G_TYPE_INT:
      return g_variant_ref_sink (g_variant_new_int32 (g_value_get_int (&value)));
    case G_TYPE_STRING:
      return g_variant_ref_sink (g_variant_new_string (g_value_get_string (&value)));
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

void
lab_test_change_state (LabWindow  *window,
                       const char *name,
                       GVariant   *value)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (value);
  g_autoptr(GVariant) state = lab_test_get_state (window, name);

  /* A boolean property action takes no parameter: it toggles. */
  if (g_variant_is_of_type (owned, G_VARIANT_TYPE_BOOLEAN))
    {
      if (g_variant_get_boolean (state) != g_variant_get_boolean (owned))
        lab_test_activate (window, name, NULL);
      g_clear_pointer (&state, g_variant_unref);
      state = lab_test_get_state (window, name);
      g_assert_true (g_variant_equal (state, owned));
    }
  else
    lab_test_activate (window, name, g_variant_ref (owned));
}

static gboolean
trigger_is_key (GtkShortcutTrigger *trigger,
                guint               keyval,
                GdkModifierType     mods)
{
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return trigger_is_key (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)), keyval, mods)
           || trigger_is_key (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)), keyval, mods);
  if (GTK_IS_KEYVAL_TRIGGER (trigger))
    return gdk_keyval_to_lower (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger))) == gdk_keyval_to_lower (keyval)
           && gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == mods;
  return FALSE;
}

/* Runs the first shortcut for keyval and mods of controller on its widget;
 * found says whether there was one. */
static gboolean
press_in (GtkShortcutController *controller,
          guint                  keyval,
          GdkModifierType        mods,
          gboolean              *found)
{
  for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
    {
      g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

      if (!trigger_is_key (gtk_shortcut_get_trigger (shortcut), keyval, mods))
        continue;
      *found = TRUE;
      return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                           GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                           gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller)),
                                           gtk_shortcut_get_arguments (shortcut));
    }
  return FALSE;
}

/* The window's own shortcut controllers, then the managed and global ones
 * of the mapped widgets inside it (which the window's shortcut manager
 * runs; its own two controllers are passed over, they list the same
 * shortcuts without their widgets). */
static gboolean
press_on (GtkWidget       *widget,
          gboolean         is_window,
          guint            keyval,
          GdkModifierType  mods,
          gboolean        *found)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean ran;

  if (!is_window && (!gtk_widget_get_mapped (widget) || !gtk_widget_is_sensitive (widget)))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      const char *name;

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      name = gtk_event_controller_get_name (GTK_EVENT_CONTROLLER (controller));
      if (name != NULL && g_str_has_prefix (name, "gtk-shortcut-manager"))
        continue;
      if (!is_window && gtk_shortcut_controller_get_scope (GTK_SHORTCUT_CONTROLLER (controller)) == GTK_SHORTCUT_SCOPE_LOCAL)
        continue;
      ran = press_in (GTK_SHORTCUT_CONTROLLER (controller), keyval, mods, found);
      if (*found)
        return ran;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ran = press_on (child, FALSE, keyval, mods, found);
      if (*found)
        return ran;
    }
  return FALSE;
}

GtkWidget *
lab_test_find_descendant (GtkWidget  *widget,
                          GType       type,
                          const char *css_class)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gboolean match = G_TYPE_CHECK_INSTANCE_TYPE (child, type)
                       && (css_class == NULL || gtk_widget_has_css_class (child, css_class));
      GtkWidget *found = match ? child : lab_test_find_descendant (child, type, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
lab_test_press_accel (GtkWidget  *window,
                      const char *accel)
{
  guint keyval;
  GdkModifierType mods;
  gboolean found = FALSE;

  g_assert_true (gtk_accelerator_parse (accel, &keyval, &mods));
  return press_on (window, TRUE, keyval, mods, &found);
}

LabModel *
lab_test_train_into_session (LabSession *session,
                             const char *preset)
{
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(GError) error = NULL;
  LabModel *model = lab_test_new_preset (preset, 5);
  LabTrainConfig config;

  lab_train_config_init (&config);
  config.epochs = 1;
  config.batch = 64;
  config.lr = 2e-3;
  config.seed = 5;
  config.val_fraction = 0;
  g_assert_true (lab_trainer_run (trainer, model, lab_session_get_train_dataset (session), NULL,
                                  &config, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  lab_session_set_model (session, model, &config, NULL, NULL);
  return model;
}
