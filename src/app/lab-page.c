#define G_LOG_DOMAIN "latentlab"

#include "lab-application.h"
#include "lab-page.h"
#include "lab-wrap-box.h"

typedef struct
{
  /* Owned */
  LabSession   *session;
  GSignalGroup *session_signals;   /* target: session */
  GHashTable   *disabled;          /* action names (owned) that are disabled */
  GSettings    *settings;          /* NULL without the schema */

  gboolean      settings_locked;
} LabPagePrivate;

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SETTINGS_LOCKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (LabPage, lab_page, GTK_TYPE_WIDGET)

static void
datasets_changed (LabPage *self)
{
  if (LAB_PAGE_GET_CLASS (self)->datasets_changed != NULL)
    LAB_PAGE_GET_CLASS (self)->datasets_changed (self);
}

static void
model_changed (LabPage *self)
{
  if (LAB_PAGE_GET_CLASS (self)->model_changed != NULL)
    LAB_PAGE_GET_CLASS (self)->model_changed (self);
}

static void
weights_published (LabPage *self)
{
  if (LAB_PAGE_GET_CLASS (self)->weights_published != NULL)
    LAB_PAGE_GET_CLASS (self)->weights_published (self);
}

LabSession *
lab_page_get_session (LabPage *self)
{
  LabPagePrivate *priv = lab_page_get_instance_private (self);

  g_return_val_if_fail (LAB_IS_PAGE (self), NULL);

  return priv->session;
}

void
lab_page_set_session (LabPage    *self,
                      LabSession *session)
{
  LabPagePrivate *priv = lab_page_get_instance_private (self);

  g_return_if_fail (LAB_IS_PAGE (self));
  g_return_if_fail (session == NULL || LAB_IS_SESSION (session));

  if (!g_set_object (&priv->session, session))
    return;
  g_signal_group_set_target (priv->session_signals, session);
  if (session != NULL)
    {
      datasets_changed (self);
      model_changed (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

GSignalGroup *
lab_page_get_session_signals (LabPage *self)
{
  LabPagePrivate *priv = lab_page_get_instance_private (self);

  g_return_val_if_fail (LAB_IS_PAGE (self), NULL);

  return priv->session_signals;
}

void
lab_page_save_state (LabPage        *self,
                     LabSessionFile *file)
{
  g_return_if_fail (LAB_IS_PAGE (self));

  if (LAB_PAGE_GET_CLASS (self)->save_state != NULL)
    LAB_PAGE_GET_CLASS (self)->save_state (self, file);
}

void
lab_page_restore_state (LabPage        *self,
                        LabSessionFile *file)
{
  g_return_if_fail (LAB_IS_PAGE (self));

  if (LAB_PAGE_GET_CLASS (self)->restore_state != NULL)
    LAB_PAGE_GET_CLASS (self)->restore_state (self, file);
}

void
lab_page_set_action_enabled (LabPage    *self,
                             const char *action_name,
                             gboolean    enabled)
{
  LabPagePrivate *priv = lab_page_get_instance_private (self);

  g_return_if_fail (LAB_IS_PAGE (self));
  g_return_if_fail (action_name != NULL);

  if (enabled)
    g_hash_table_remove (priv->disabled, action_name);
  else
    g_hash_table_add (priv->disabled, g_strdup (action_name));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), action_name, enabled);
}

gboolean
lab_page_get_action_enabled (LabPage    *self,
                             const char *action_name)
{
  LabPagePrivate *priv = lab_page_get_instance_private (self);

  g_return_val_if_fail (LAB_IS_PAGE (self), FALSE);
  g_return_val_if_fail (action_name != NULL, FALSE);

  return !g_hash_table_contains (priv->disabled, action_name);
}

void
lab_widget_show_error (GtkWidget    *widget,
                       const GError *error)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (error != NULL);

  if (!gtk_widget_activate_action (widget, "win.show-error", "s", error->message))
    g_warning ("%s", error->message);
}

/* GObject */

static void
lab_page_dispose (GObject *object)
{
  LabPage *self = (LabPage *)object;
  LabPagePrivate *priv = lab_page_get_instance_private (self);

  g_signal_group_set_target (priv->session_signals, NULL);
  g_clear_object (&priv->session);

  G_OBJECT_CLASS (lab_page_parent_class)->dispose (object);
}

static void
lab_page_finalize (GObject *object)
{
  LabPage *self = (LabPage *)object;
  LabPagePrivate *priv = lab_page_get_instance_private (self);

  g_clear_object (&priv->session_signals);
  g_clear_pointer (&priv->disabled, g_hash_table_unref);
  g_clear_object (&priv->settings);

  G_OBJECT_CLASS (lab_page_parent_class)->finalize (object);
}

static void
lab_page_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  LabPage *self = LAB_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, lab_page_get_session (self));
      break;

    case PROP_SETTINGS_LOCKED:
      g_value_set_boolean (value, lab_page_get_settings_locked (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_page_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  LabPage *self = LAB_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      lab_page_set_session (self, g_value_get_object (value));
      break;

    case PROP_SETTINGS_LOCKED:
      {
        LabPagePrivate *priv = lab_page_get_instance_private (self);

        if (priv->settings_locked != g_value_get_boolean (value))
          {
            priv->settings_locked = g_value_get_boolean (value);
            g_object_notify_by_pspec (object, pspec);
          }
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_page_class_init (LabPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_page_dispose;
  object_class->finalize = lab_page_finalize;
  object_class->get_property = lab_page_get_property;
  object_class->set_property = lab_page_set_property;

  /* The pages' and their sections' templates wrap toolbars with it. */
  g_type_ensure (LAB_TYPE_WRAP_BOX);

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         LAB_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* GSettings lock-settings: a prepared demo's settings stay as they are. */
  properties[PROP_SETTINGS_LOCKED] =
    g_param_spec_boolean ("settings-locked", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_page_init (LabPage *self)
{
  LabPagePrivate *priv = lab_page_get_instance_private (self);

  priv->disabled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  priv->session_signals = g_signal_group_new (LAB_TYPE_SESSION);
  g_signal_group_connect_swapped (priv->session_signals, "datasets-changed",
                                  G_CALLBACK (datasets_changed), self);
  g_signal_group_connect_swapped (priv->session_signals, "model-changed",
                                  G_CALLBACK (model_changed), self);
  g_signal_group_connect_swapped (priv->session_signals, "weights-published",
                                  G_CALLBACK (weights_published), self);

  priv->settings = lab_application_create_settings ();
  if (priv->settings != NULL)
    g_settings_bind (priv->settings, "lock-settings", self, "settings-locked", G_SETTINGS_BIND_GET);
}

gboolean
lab_page_get_settings_locked (LabPage *self)
{
  LabPagePrivate *priv = lab_page_get_instance_private (self);

  g_return_val_if_fail (LAB_IS_PAGE (self), FALSE);

  return priv->settings_locked;
}

void
lab_page_bind_unlocked (LabPage   *self,
                        GtkWidget *widget)
{
  g_return_if_fail (LAB_IS_PAGE (self));
  g_return_if_fail (GTK_IS_WIDGET (widget));

  g_object_bind_property (self, "settings-locked", widget, "sensitive",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
}
