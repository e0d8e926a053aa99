#define G_LOG_DOMAIN "latentlab"

#include <signal.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "lab-application.h"
#include "lab-blas.h"
#include "lab-format.h"
#include "lab-job.h"
#include "lab-train-page.h"
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

/* The windows keep their sessions for Restore Last Session, as when they
 * are closed; here the file is written before the application ends. */
static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (user_data)); l != NULL; l = l->next)
    if (LAB_IS_WINDOW (l->data))
      lab_window_autosave (l->data, TRUE);
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  static const char *authors[] = { "The LatentLab authors", NULL };
  g_autofree char *system = lab_blas_describe ();

  gtk_show_about_dialog (parent,
                         "program-name", "LatentLab",
                         "logo-icon-name", LAB_APP_ID,
                         "version", LAB_VERSION,
                         "comments", _("Teach and explore autoencoders: train one on MNIST, "
                                       "watch it denoise, and walk its latent space."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         "system-information", system,
                         NULL);
}

/* app.<name> runs win.<name> in the active window, so a running app can be
 * scripted: `gapplication action io.github.latentlab.LatentLab train`. */
static const struct {
  const char *name;
  const char *param_type;
} forwarded_actions[] = {
  { "train", NULL },
  { "pause", NULL },
  { "stop", NULL },
  { "save-model", NULL },
  { "save-model-to", "s" },
  { "open-model", NULL },
  { "open-model-file", "s" },
  { "noise-level", "d" },
  { "noise-type", "s" },
  { "reshuffle", NULL },
  { "sweep-noise", NULL },
  { "show-page", "s" },
  { "load-dataset", "s" },
  { "export-points-to", "s" },
  { "presentation", NULL },
  { "save-session-to", "s" },
  { "open-session-file", "s" },
};

static void
forward_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  LabWindow *window = get_or_create_window (LAB_APPLICATION (user_data));
  g_autofree char *name = g_strconcat ("win.", g_action_get_name (G_ACTION (action)), NULL);

  gtk_window_present (GTK_WINDOW (window));
  if (!gtk_widget_activate_action_variant (GTK_WIDGET (window), name, parameter))
    g_warning ("The window has no action %s", name);
}

/* app.configure (a{sv}): the command line's dataset and training options
 * (see lab_application_handle_local_options) applied to the active window,
 * which then shows the Train page. */
static void
configure_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  LabWindow *window = get_or_create_window (LAB_APPLICATION (user_data));
  g_autoptr(GVariantDict) options = g_variant_dict_new (parameter);
  g_autoptr(GError) error = NULL;
  const char *dataset = NULL;
  GtkWidget *page = lab_window_get_page (window, "train");

  if (g_variant_dict_lookup (options, "dataset", "&s", &dataset))
    lab_window_load_dataset (window, dataset);
  if (!lab_train_page_configure (LAB_TRAIN_PAGE (page), options, dataset != NULL, &error))
    lab_window_show_error (window, error);
  lab_window_set_visible_page (window, "train");
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "configure", configure_activated, "a{sv}" },
};

static const GOptionEntry option_entries[] = {
  { "dataset", 'd', 0, G_OPTION_ARG_STRING, NULL,
    N_("Dataset to show and train on: mnist, fashion-mnist, synthetic, or a file or folder"), N_("NAME") },
  { "arch", 'a', 0, G_OPTION_ARG_STRING, NULL, N_("Architecture preset, e.g. dae-keras32"), N_("NAME") },
  { "noise", 'n', 0, G_OPTION_ARG_STRING, NULL,
    N_("Noise on the training inputs: gaussian:0.5, salt-pepper:0.1, mask:0.3, downsample, none"),
    N_("TYPE[:AMOUNT]") },
  { "loss", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Loss: bce or mse (default: the architecture's)"), N_("NAME") },
  { "optimizer", 0, 0, G_OPTION_ARG_STRING, NULL, N_("adam or sgd (with momentum 0.9)"), N_("NAME") },
  { "epochs", 'e', 0, G_OPTION_ARG_INT, NULL, N_("Passes over the training images"), N_("N") },
  { "batch", 'b', 0, G_OPTION_ARG_INT, NULL, N_("Images per step"), N_("N") },
  { "lr", 0, 0, G_OPTION_ARG_DOUBLE, NULL, N_("Learning rate"), N_("X") },
  { "seed", 's', 0, G_OPTION_ARG_INT64, NULL, N_("Seed of the weights, order and noise"), N_("S") },
  { "limit", 0, 0, G_OPTION_ARG_INT, NULL, N_("Train on the first N images only"), N_("N") },
  { "train", 't', 0, G_OPTION_ARG_NONE, NULL, N_("Start training as soon as the dataset is loaded"), NULL },
  { NULL }
};

/* `latentlab --dataset mnist --arch dae-keras32 --noise gaussian:0.5
 * --train`: the options become one app.configure activation, which reaches
 * the running instance when there is one. */
static int
lab_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  g_autoptr(GVariantDict) ours = g_variant_dict_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean any = FALSE;

  for (guint i = 0; option_entries[i].long_name != NULL; i++)
    {
      g_autoptr(GVariant) value = g_variant_dict_lookup_value (options, option_entries[i].long_name, NULL);

      if (value != NULL)
        {
          g_variant_dict_insert_value (ours, option_entries[i].long_name, value);
          any = TRUE;
        }
    }
  if (!any)
    return -1;

  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("latentlab: %s\n", error->message);
      return 1;
    }
  g_action_group_activate_action (G_ACTION_GROUP (app), "configure", g_variant_dict_end (ours));
  return -1;
}

/* A signal to end (the terminal closed, a logout, Ctrl+C there) quits as
 * Quit does: each window's session is kept for Restore Last Session. */
static gboolean
quit_on_signal (gpointer app)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_CONTINUE;
}

static void
lab_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *open_folder_accels[] = { "<Control><Shift>o", NULL };
  static const struct {
    const char *action;
    const char *accels[2];
  } page_accels[] = {
    { "win.train", { "<Control>t", NULL } },
    { "win.pause", { "<Control>p", NULL } },
    { "win.stop", { "<Control>period", NULL } },
    { "win.save-model", { "<Control>s", NULL } },
    { "win.save-session", { "<Control><Shift>s", NULL } },
    { "win.open-model", { "<Control>m", NULL } },
    { "win.reshuffle", { "<Control>r", NULL } },
    { "win.presentation", { "F11", NULL } },
    { "win.show-sidebar", { "F9", NULL } },
  };

  g_autoptr(GtkCssProvider) css = NULL;

  /* GtkApplication's startup also loads, from resource-base-path,
   * gtk/help-overlay.ui (with win.show-help-overlay on Ctrl+?) and the
   * icons/ folder, which holds the app icon for runs from the build tree. */
  G_APPLICATION_CLASS (lab_application_parent_class)->startup (app);
  /* GTK's start set LC_ALL from the environment: numbers in "C" again for
   * the process (its worker threads, its files), in the user's way for
   * what this thread draws (lab-format.h). */
  lab_format_init_locale ();
  lab_format_localize_thread ();

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
  for (guint i = 0; i < G_N_ELEMENTS (page_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), page_accels[i].action,
                                           page_accels[i].accels);

  for (guint i = 0; i < G_N_ELEMENTS (forwarded_actions); i++)
    {
      const GVariantType *type = forwarded_actions[i].param_type
                                 ? G_VARIANT_TYPE (forwarded_actions[i].param_type) : NULL;
      g_autoptr(GSimpleAction) action = g_simple_action_new (forwarded_actions[i].name, type);

      g_signal_connect (action, "activate", G_CALLBACK (forward_activated), app);
      g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (action));
    }

  gtk_window_set_default_icon_name (LAB_APP_ID);
  g_unix_signal_add (SIGTERM, quit_on_signal, app);
  g_unix_signal_add (SIGINT, quit_on_signal, app);
  g_unix_signal_add (SIGHUP, quit_on_signal, app);
}

/* The main loop has ended: no worker may outlive it, see lab_job_shutdown(). */
static void
lab_application_shutdown (GApplication *app)
{
  lab_job_shutdown (30000);
  G_APPLICATION_CLASS (lab_application_parent_class)->shutdown (app);
}

static void
lab_application_class_init (LabApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->shutdown = lab_application_shutdown;
  app_class->activate = lab_application_activate;
  app_class->open = lab_application_open;
  app_class->startup = lab_application_startup;
  app_class->handle_local_options = lab_application_handle_local_options;
}

static void
lab_application_init (LabApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
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
