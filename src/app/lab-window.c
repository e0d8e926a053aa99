#define G_LOG_DOMAIN "latentlab"

#include <string.h>

#include <glib/gi18n.h>

#include "lab-classify-page.h"
#include "lab-data-page.h"
#include "lab-denoise-page.h"
#include "lab-inside-page.h"
#include "lab-latent-page.h"
#include "lab-lessons-page.h"
#include "lab-page.h"
#include "lab-presentation.h"
#include "lab-session-load.h"
#include "lab-train-page.h"
#include "lab-window-private.h"

/* The pages of the sidebar, in order. Adding a page is one line here: a
 * LabPage type whose instances fill the page (lab-<name>-page.{c,h,ui}).
 * Alt+1, Alt+2, ... show them in this order. Each page's actions
 * (page.<name>) get a twin win.<name> here, see forward_page_action(). */
typedef struct
{
  const char *name;        /* win.show-page::<name> */
  const char *title;
  const char *icon_name;
  GType     (*get_type) (void);
} LabWindowPage;

static const LabWindowPage lab_window_pages[] = {
  { "data", N_("Data"), "view-grid-symbolic", lab_data_page_get_type },
  { "train", N_("Train"), "media-playback-start-symbolic", lab_train_page_get_type },
  { "denoise", N_("Denoise"), "image-x-generic-symbolic", lab_denoise_page_get_type },
  { "latent", N_("Latent"), "find-location-symbolic", lab_latent_page_get_type },
  { "lessons", N_("Lessons"), "x-office-document-symbolic", lab_lessons_page_get_type },
  { "classify", N_("Classify"), "view-list-bullet-symbolic", lab_classify_page_get_type },
  { "inside", N_("Inside"), "view-reveal-symbolic", lab_inside_page_get_type },
};

struct _LabWindow
{
  GtkApplicationWindow  parent_instance;

  /* Template widgets */
  GtkHeaderBar         *header_bar;
  GtkMenuButton        *primary_menu_button;
  GtkLabel             *subtitle_label;
  GtkListBox           *sidebar;
  GtkRevealer          *sidebar_revealer;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  GtkRevealer          *restore_revealer;
  GtkLabel             *restore_label;
  GtkStack             *stack;

  /* Borrowed: a child of stack */
  LabDataPage          *data_page;

  /* Owned: the datasets and the model the pages share */
  LabSession           *session;

  /* Owned */
  GSettings            *settings;       /* NULL when the schema is not installed */
  gboolean              presentation;   /* win.presentation's state */
  gboolean              sidebar_folded; /* by presentation mode, to unfold after */
};

enum {
  PROP_0,
  PROP_VISIBLE_PAGE,
  PROP_PRESENTATION,
  PROP_SHOW_SIDEBAR,
  N_PROPS
};

enum {
  DATASET_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
/* "win.<name>" -> the name of the page whose "page.<name>" it activates
 * (static strings); filled in class_init. */
static GHashTable *page_of_action;

G_DEFINE_FINAL_TYPE (LabWindow, lab_window, GTK_TYPE_APPLICATION_WINDOW)

static const LabWindowPage *
find_page (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (lab_window_pages); i++)
    if (g_strcmp0 (lab_window_pages[i].name, name) == 0)
      return &lab_window_pages[i];
  return NULL;
}

/* Error banner */

void
lab_window_show_message (LabWindow  *self,
                         const char *message)
{
  g_return_if_fail (LAB_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  g_debug ("Shown to the user: %s", message);
  gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

void
lab_window_show_error (LabWindow    *self,
                       const GError *error)
{
  g_return_if_fail (LAB_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  lab_window_show_message (self, error->message);
}

void
lab_window_dismiss_error (LabWindow *self)
{
  g_return_if_fail (LAB_IS_WINDOW (self));

  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

/* The offer to restore the last session (lab-window-session.c fills it) */

void
lab_window_offer_restore (LabWindow  *self,
                          const char *text)
{
  g_return_if_fail (LAB_IS_WINDOW (self));

  if (text != NULL)
    gtk_label_set_label (self->restore_label, text);
  gtk_revealer_set_reveal_child (self->restore_revealer, text != NULL);
}

gboolean
lab_window_is_restore_offered (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), FALSE);

  return gtk_revealer_get_reveal_child (self->restore_revealer);
}

/* Pages */

const char *
lab_window_get_visible_page (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
lab_window_set_visible_page (LabWindow  *self,
                             const char *name)
{
  g_return_if_fail (LAB_IS_WINDOW (self));

  if (name == NULL || find_page (name) == NULL)
    {
      g_warning ("No page named “%s”", name ? name : "(null)");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, name);
}

static void
on_visible_child_changed (LabWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  for (GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sidebar, 0);
       row != NULL;
       row = gtk_list_box_get_row_at_index (self->sidebar, gtk_list_box_row_get_index (row) + 1))
    {
      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "lab-page"), name) == 0)
        {
          if (gtk_list_box_get_selected_row (self->sidebar) != row)
            gtk_list_box_select_row (self->sidebar, row);
          break;
        }
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_PAGE]);
}

static void
on_sidebar_row_selected (LabWindow     *self,
                         GtkListBoxRow *row)
{
  if (row != NULL)
    gtk_stack_set_visible_child_name (self->stack, g_object_get_data (G_OBJECT (row), "lab-page"));
}

static GtkWidget *
sidebar_row_new (const LabWindowPage *page)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *image = gtk_image_new_from_icon_name (page->icon_name);
  GtkWidget *label = gtk_label_new (_(page->title));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "lab-page", (gpointer) page->name);
  return row;
}

static void
on_dataset_changed (LabWindow   *self,
                    LabDataset  *dataset,
                    LabDataPage *page)
{
  const char *spec = lab_data_page_get_spec (page);

  gtk_label_set_label (self->subtitle_label, dataset ? dataset->name : "");
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), dataset != NULL);
  if (self->settings != NULL && spec != NULL)
    g_settings_set_string (self->settings, "last-dataset", spec);
  lab_session_load_dataset (self->session, dataset, spec, lab_data_page_get_split (page));

  g_signal_emit (self, signals[DATASET_CHANGED], 0, dataset);
}

/* Actions */

static void
show_error_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  lab_window_show_message (LAB_WINDOW (widget), g_variant_get_string (param, NULL));
}

/* win.<name> of a page action: activates page.<name> on that page, shown
 * or not, as the action it was before pages had their own. */
static void
forward_page_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  LabWindow *self = LAB_WINDOW (widget);
  const char *page_name = g_hash_table_lookup (page_of_action, action_name);
  GtkWidget *page = gtk_stack_get_child_by_name (self->stack, page_name);
  g_autofree char *page_action = NULL;

  g_return_if_fail (page != NULL);
  page_action = g_strconcat (LAB_PAGE_ACTION_PREFIX, action_name + strlen ("win."), NULL);
  gtk_widget_activate_action_variant (page, page_action, param);
}

/* Installs win.<name> for each page.<name> of the pages' classes. */
static void
install_page_actions (GtkWidgetClass *widget_class)
{
  page_of_action = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (lab_window_pages); i++)
    {
      GtkWidgetClass *page_class = g_type_class_ref (lab_window_pages[i].get_type ());
      GType owner;
      const char *name;
      const GVariantType *param_type;
      const char *property;

      g_assert (g_type_is_a (G_TYPE_FROM_CLASS (page_class), LAB_TYPE_PAGE));
      for (guint j = 0;
           gtk_widget_class_query_action (page_class, j, &owner, &name, &param_type, &property);
           j++)
        {
          g_autofree char *win_name = NULL;
          g_autofree char *type_string = NULL;

          if (!g_str_has_prefix (name, LAB_PAGE_ACTION_PREFIX))
            continue;
          win_name = g_strconcat ("win.", name + strlen (LAB_PAGE_ACTION_PREFIX), NULL);
          /* Two pages with one action name would make one unreachable. */
          g_assert (!g_hash_table_contains (page_of_action, win_name));
          type_string = param_type ? g_variant_type_dup_string (param_type) : NULL;
          gtk_widget_class_install_action (widget_class, win_name, type_string, forward_page_action);
          g_hash_table_insert (page_of_action, g_steal_pointer (&win_name),
                               (gpointer) lab_window_pages[i].name);
        }
      g_type_class_unref (page_class);
    }
}

static void
dismiss_error_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  lab_window_dismiss_error (LAB_WINDOW (widget));
}

/* GObject */

static gboolean
lab_window_close_request (GtkWindow *window)
{
  LabWindow *self = LAB_WINDOW (window);

  lab_window_autosave (self, FALSE);
  if (self->settings != NULL)
    {
      int width, height;

      /* The unmaximized size, so un-maximizing next time restores it. */
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }

  return GTK_WINDOW_CLASS (lab_window_parent_class)->close_request (window);
}

static void
lab_window_dispose (GObject *object)
{
  LabWindow *self = (LabWindow *)object;

  /* GtkWindow unparents its child and titlebar itself. */
  self->data_page = NULL;

  G_OBJECT_CLASS (lab_window_parent_class)->dispose (object);
}

static void
lab_window_finalize (GObject *object)
{
  LabWindow *self = (LabWindow *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (lab_window_parent_class)->finalize (object);
}

/* win.presentation (the "presentation" property): lab-presentation.h.
 * On a screen narrower than LAB_PRESENTATION_SIDEBAR_WIDTH (a classroom's
 * 1024 x 768 projector) the larger type leaves the pages no room for
 * their natural width beside the sidebar: it folds away (F9 brings it
 * back, the pages still fit then) and unfolds when presentation ends. */
void
lab_window_set_presentation (LabWindow *self,
                             gboolean   on)
{
  g_return_if_fail (LAB_IS_WINDOW (self));

  if (self->presentation == on)
    return;
  self->presentation = on;
  /* In front of the class the offer of the last session is put away: it
   * would take a line of the projector's height. */
  if (on)
    lab_window_offer_restore (self, NULL);
  lab_presentation_apply (GTK_WINDOW (self), on);
  if (on && lab_presentation_screen_is_narrow (GTK_WIDGET (self))
      && gtk_revealer_get_reveal_child (self->sidebar_revealer))
    {
      g_object_set (self, "show-sidebar", FALSE, NULL);
      self->sidebar_folded = TRUE;
    }
  else if (!on && self->sidebar_folded)
    {
      g_object_set (self, "show-sidebar", TRUE, NULL);
      self->sidebar_folded = FALSE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTATION]);
}

gboolean
lab_window_get_presentation (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), FALSE);

  return self->presentation;
}

static void
lab_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LabWindow *self = LAB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_VISIBLE_PAGE:
      g_value_set_string (value, lab_window_get_visible_page (self));
      break;

    case PROP_PRESENTATION:
      g_value_set_boolean (value, self->presentation);
      break;

    case PROP_SHOW_SIDEBAR:
      /* Before the template is built and after it is gone: shown. */
      g_value_set_boolean (value, self->sidebar_revealer == NULL
                                  || gtk_revealer_get_reveal_child (self->sidebar_revealer));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LabWindow *self = LAB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_VISIBLE_PAGE:
      lab_window_set_visible_page (self, g_value_get_string (value));
      break;

    case PROP_PRESENTATION:
      lab_window_set_presentation (self, g_value_get_boolean (value));
      break;

    case PROP_SHOW_SIDEBAR:
      if (self->sidebar_revealer != NULL
          && gtk_revealer_get_reveal_child (self->sidebar_revealer) != g_value_get_boolean (value))
        {
          gtk_revealer_set_reveal_child (self->sidebar_revealer, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_window_class_init (LabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = lab_window_dispose;
  object_class->finalize = lab_window_finalize;
  object_class->get_property = lab_window_get_property;
  object_class->set_property = lab_window_set_property;

  window_class->close_request = lab_window_close_request;

  properties[PROP_VISIBLE_PAGE] =
    g_param_spec_string ("visible-page", NULL, NULL,
                         "data",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PRESENTATION] =
    g_param_spec_boolean ("presentation", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SHOW_SIDEBAR] =
    g_param_spec_boolean ("show-sidebar", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DATASET_CHANGED] =
    g_signal_new ("dataset-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LabWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, sidebar_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, restore_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, restore_label);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, stack);

  lab_window_class_init_open (widget_class);
  gtk_widget_class_install_action (widget_class, "win.dismiss-error", NULL, dismiss_error_action);
  gtk_widget_class_install_action (widget_class, "win.show-error", "s", show_error_action);
  install_page_actions (widget_class);
  lab_window_class_init_session (widget_class);
  gtk_widget_class_install_property_action (widget_class, "win.show-page", "visible-page");
  gtk_widget_class_install_property_action (widget_class, "win.presentation", "presentation");
  gtk_widget_class_install_property_action (widget_class, "win.show-sidebar", "show-sidebar");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.dismiss-error", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (lab_window_pages) && i < 9; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.show-page", "s", lab_window_pages[i].name);
}

static void
lab_window_init (LabWindow *self)
{
  g_autoptr(GAction) lock = NULL;
  g_autofree char *last_dataset = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->session = lab_session_new ();

  for (guint i = 0; i < G_N_ELEMENTS (lab_window_pages); i++)
    {
      const LabWindowPage *page = &lab_window_pages[i];
      GtkWidget *child = g_object_new (page->get_type (), "session", self->session, NULL);
      GtkStackPage *stack_page = gtk_stack_add_titled (self->stack, child, page->name, _(page->title));

      gtk_stack_page_set_icon_name (stack_page, page->icon_name);
      gtk_list_box_append (self->sidebar, sidebar_row_new (page));
    }
  /* The one the window itself uses: datasets go there. */
  self->data_page = LAB_DATA_PAGE (gtk_stack_get_child_by_name (self->stack, "data"));
  g_assert (self->data_page != NULL);

  g_signal_connect_swapped (self->stack, "notify::visible-child-name",
                            G_CALLBACK (on_visible_child_changed), self);
  g_signal_connect_swapped (self->sidebar, "row-selected",
                            G_CALLBACK (on_sidebar_row_selected), self);
  g_signal_connect_swapped (self->data_page, "dataset-changed",
                            G_CALLBACK (on_dataset_changed), self);
  on_visible_child_changed (self);

  lab_window_init_open (self);

  self->settings = lab_application_create_settings ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      last_dataset = g_settings_get_string (self->settings, "last-dataset");
      /* win.lock-settings: the menu's switch for the preference. */
      lock = g_settings_create_action (self->settings, "lock-settings");
      g_action_map_add_action (G_ACTION_MAP (self), lock);
    }

  lab_data_page_load_default (self->data_page, last_dataset);
  lab_window_offer_last_session (self);
}

LabWindow *
lab_window_new (LabApplication *app)
{
  return g_object_new (LAB_TYPE_WINDOW, "application", app, NULL);
}

/* Testing accessors (lab-window-private.h) */

LabDataPage *
lab_window_get_data_page (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);

  return self->data_page;
}

gboolean
lab_window_is_error_shown (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), FALSE);

  return gtk_revealer_get_reveal_child (self->error_revealer);
}

const char *
lab_window_get_error_text (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);

  return gtk_label_get_label (self->error_label);
}

GtkStack *
lab_window_get_stack (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);

  return self->stack;
}

LabSession *
lab_window_get_session (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);

  return self->session;
}

GtkWidget *
lab_window_get_page (LabWindow  *self,
                     const char *name)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return gtk_stack_get_child_by_name (self->stack, name);
}

LabPage *
lab_window_get_action_page (LabWindow  *self,
                            const char *name)
{
  g_autofree char *win_name = NULL;
  const char *page_name;

  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  win_name = g_strconcat ("win.", name, NULL);
  page_name = g_hash_table_lookup (page_of_action, win_name);
  return page_name != NULL ? LAB_PAGE (gtk_stack_get_child_by_name (self->stack, page_name)) : NULL;
}
