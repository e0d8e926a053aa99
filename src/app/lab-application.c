#define G_LOG_DOMAIN "latentlab"

#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-window.h"

struct _LabApplication
{
  GtkApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (LabApplication, lab_application, GTK_TYPE_APPLICATION)

GSettings *
lab_application_create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, LAB_APP_ID, TRUE);

#ifdef LAB_BUILD_SCHEMA_DIR
  /* Run from the build tree (./build-aux/run): the schema is compiled
   * there, not installed. */
  if (schema == NULL)
    {
      g_autoptr(GSettingsSchemaSource) build_source = NULL;

      build_source = g_settings_schema_source_new_from_directory (LAB_BUILD_SCHEMA_DIR, source, FALSE, NULL);
      if (build_source != NULL)
        schema = g_settings_schema_source_lookup (build_source, LAB_APP_ID, FALSE);
    }
#endif

  if (schema == NULL)
    {
      g_message ("Settings schema %s is not installed; window size and the last dataset are not remembered",
                 LAB_APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static LabWindow *
get_or_create_window (LabApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (LAB_IS_WINDOW (window))
    return LAB_WINDOW (window);
  return lab_window_new (self);
}

static void
lab_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_or_create_window (LAB_APPLICATION (app))));
}

/* `latentlab FILE...`: a dataset folder or IDX file loads on the Data page,
 * a .safetensors file goes to the window's model hook. */
static void
lab_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  LabWindow *window = get_or_create_window (LAB_APPLICATION (app));

  for (int i = 0; i < n_files; i++)
    lab_window_open_file (window, files[i]);
  gtk_window_present (GTK_WINDOW (window));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  static const char *authors[] = { "The LatentLab authors", NULL };

  gtk_show_about_dialog (parent,
                         "program-name", "LatentLab",
                         "logo-icon-name", LAB_APP_ID,
                         "version", LAB_VERSION,
                         "comments", _("Teach and explore autoencoders: train one on MNIST, "
                                       "watch it denoise, and walk its latent space."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
};

static void
lab_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *open_folder_accels[] = { "<Control><Shift>o", NULL };

  g_autoptr(GtkCssProvider) css = NULL;

  /* GtkApplication's startup also loads, from resource-base-path,
   * gtk/help-overlay.ui (with win.show-help-overlay on Ctrl+?) and the
   * icons/ folder, which holds the app icon for runs from the build tree. */
  G_APPLICATION_CLASS (lab_application_parent_class)->startup (app);

  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/latentlab/LatentLab/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.open-folder", open_folder_accels);

  gtk_window_set_default_icon_name (LAB_APP_ID);
}

static void
lab_application_class_init (LabApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = lab_application_activate;
  app_class->open = lab_application_open;
  app_class->startup = lab_application_startup;
}

static void
lab_application_init (LabApplication *self)
{
}

LabApplication *
lab_application_new (void)
{
  return g_object_new (LAB_TYPE_APPLICATION,
                       "application-id", LAB_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/latentlab/LatentLab",
                       NULL);
}
