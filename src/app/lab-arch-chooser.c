#define G_LOG_DOMAIN "latentlab"

#include <glib/gi18n.h>

#include "lab-arch-chooser.h"
#include "lab-arch-editor.h"
#include "lab-format.h"
#include "lab-loss.h"
#include "lab-page.h"
#include "lab-presets.h"
#include "lab-spec-summary.h"

struct _LabArchChooser
{
  GtkWidget      parent_instance;

  /* Template widgets */
  GtkDropDown   *arch_dropdown;
  GtkTextView   *spec_view;
  GtkLabel      *arch_description;
  GtkGrid       *summary_grid;
  GtkLabel      *summary_total;

  /* Owned */
  GtkStringList *arch_titles;        /* the dropdown's model */
  GPtrArray     *arch_names;         /* (element-type utf8) preset per title; "" custom */
  LabSpec       *custom_spec;        /* built or opened, not a preset; or NULL */
  LabSpec       *chosen_spec;        /* what the dropdown shows, before the loss choice */

  /* Borrowed: the form whose loss choice the spec gets (the "settings"
   * property), or NULL */
  LabTrainSettings *settings;
  gboolean       quiet;              /* the chooser itself sets the form's loss */
};

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CLASSIFIER,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabArchChooser, lab_arch_chooser, GTK_TYPE_WIDGET)

static gboolean
is_classifier (LabArchChooser *self)
{
  return self->chosen_spec != NULL && self->chosen_spec->loss == LAB_LOSS_SOFTMAX_CE;
}

/* The loss chosen in the form, LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH without one. */
static int
chosen_loss (LabArchChooser *self)
{
  return self->settings != NULL ? lab_train_settings_get_loss (self->settings) : LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH;
}

LabSpec *
lab_arch_chooser_build_spec (LabArchChooser *self)
{
  LabSpec *spec;
  int loss;

  g_return_val_if_fail (LAB_IS_ARCH_CHOOSER (self), NULL);

  if (self->chosen_spec == NULL)
    return NULL;
  spec = lab_spec_copy (self->chosen_spec);
  loss = chosen_loss (self);
  if (spec->loss != LAB_LOSS_SOFTMAX_CE && loss != LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH)
    spec->loss = loss;
  return spec;
}

const LabSpec *
lab_arch_chooser_get_chosen (LabArchChooser *self)
{
  g_return_val_if_fail (LAB_IS_ARCH_CHOOSER (self), NULL);

  return self->chosen_spec;
}

/* Summary */

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static GtkWidget *
summary_cell (const char *text,
              const char *css_class,
              float       xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  /* A title longer than its column's values ("Layer (type)") wraps
   * rather than widen the settings column. */
  if (g_strcmp0 (css_class, "summary-header") == 0)
    gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  return label;
}

static void
show_summary (LabArchChooser *self)
{
  g_autoptr(LabSpec) spec = lab_arch_chooser_build_spec (self);
  g_autoptr(LabSpecSummary) summary = NULL;
  g_autofree char *json = NULL;
  g_autofree char *total = NULL;
  g_autofree char *latent = NULL;
  g_autofree char *text = NULL;
  int r = 0;

  clear_grid (self->summary_grid);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->spec_view), "", -1);
  if (spec == NULL)
    {
      gtk_label_set_label (self->summary_total, "");
      return;
    }
  json = lab_spec_to_string (spec, TRUE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->spec_view), json, -1);

  summary = lab_spec_summarize (spec);
  if (summary->error != NULL)
    {
      gtk_label_set_label (self->summary_total, summary->error->message);
      return;
    }

  /* Keras' columns; the layer's Keras name ("conv2d_1") in a tooltip, so
   * the table fits beside the plot. */
  gtk_grid_attach (self->summary_grid, summary_cell ("#", "summary-header", 1), 0, r, 1, 1);
  gtk_grid_attach (self->summary_grid, summary_cell (_("Layer (type)"), "summary-header", 0), 1, r, 1, 1);
  gtk_grid_attach (self->summary_grid, summary_cell (_("Output shape"), "summary-header", 0), 2, r, 1, 1);
  gtk_grid_attach (self->summary_grid, summary_cell (_("Param #"), "summary-header", 1), 3, r, 1, 1);
  r++;
  for (guint i = 0; i < summary->rows->len; i++)
    {
      LabSummaryRow *row = g_ptr_array_index (summary->rows, i);
      g_autofree char *index = g_strdup_printf ("%u", row->index);
      g_autofree char *params = lab_format_count_localized (row->params + row->buffers);
      g_autofree char *tooltip = NULL;
      const char *css = row->is_latent ? "summary-latent" : "summary-row";
      GtkWidget *name_label = summary_cell (row->title, css, 0);

      if (row->is_latent)
        tooltip = g_strdup_printf (_("%s: the latent, the encoder's output"), row->name);
      gtk_widget_set_tooltip_text (name_label, tooltip ? tooltip : row->name);
      gtk_grid_attach (self->summary_grid, summary_cell (index, css, 1), 0, r, 1, 1);
      gtk_grid_attach (self->summary_grid, name_label, 1, r, 1, 1);
      gtk_grid_attach (self->summary_grid, summary_cell (row->output_shape, css, 0), 2, r, 1, 1);
      gtk_grid_attach (self->summary_grid, summary_cell (params, css, 1), 3, r, 1, 1);
      r++;
    }

  total = lab_format_count_localized (summary->n_params + summary->n_buffers);
  latent = lab_format_count_localized (lab_shape_size (summary->latent));
  text = g_strdup_printf (_("Total params: %s  ·  latent: %s values (layer %u)  ·  %.1f MFLOP per image  ·  loss: %s"),
                          total, latent, spec->encoder_layers - 1,
                          2.0 * summary->macs / 1e6, lab_loss_name (spec->loss));
  gtk_label_set_label (self->summary_total, text);
}

guint
lab_arch_chooser_get_summary_rows (LabArchChooser *self)
{
  guint n = 0;

  g_return_val_if_fail (LAB_IS_ARCH_CHOOSER (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_grid));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  /* Four cells a row, one header row. */
  return n >= 4 ? n / 4 - 1 : 0;
}

/* Another loss in the form: another spec. */
static void
on_loss_changed (LabArchChooser *self)
{
  if (self->quiet)
    return;
  show_summary (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Sets the form's loss; the summary follows unless quiet. */
static void
set_loss (LabArchChooser *self,
          int             loss,
          gboolean        quiet)
{
  if (self->settings == NULL)
    return;
  self->quiet = quiet;
  lab_train_settings_set_loss (self->settings, loss);
  self->quiet = FALSE;
}

static void
set_settings (LabArchChooser   *self,
              LabTrainSettings *settings)
{
  if (self->settings == settings)
    return;
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_weak_pointer (&self->settings, settings);
  if (settings != NULL)
    g_signal_connect_object (settings, "notify::loss", G_CALLBACK (on_loss_changed), self, G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTINGS]);
  on_loss_changed (self);
}

/* Choosing */

static const char *
chosen_arch_name (LabArchChooser *self)
{
  guint i = gtk_drop_down_get_selected (self->arch_dropdown);

  if (i >= self->arch_names->len)
    return NULL;
  return g_ptr_array_index (self->arch_names, i);
}

static void
on_arch_changed (LabArchChooser *self)
{
  const char *name = chosen_arch_name (self);
  g_autoptr(GError) error = NULL;
  const char *description = NULL;
  gboolean was_classifier = is_classifier (self);

  g_clear_pointer (&self->chosen_spec, lab_spec_free);
  if (name == NULL)
    ;
  else if (name[0] == '\0')
    {
      if (self->custom_spec != NULL)
        {
          self->chosen_spec = lab_spec_copy (self->custom_spec);
          description = self->custom_spec->description;
        }
    }
  else
    {
      self->chosen_spec = lab_presets_get (name, &error);
      description = lab_presets_describe (name);
      description = description ? _(description) : NULL;
      if (error != NULL)
        g_warning ("%s", error->message);
    }

  gtk_label_set_label (self->arch_description, description ? description : "");
  gtk_widget_set_visible (GTK_WIDGET (self->arch_description), description != NULL);
  /* A classifier's loss is part of what it is. */
  if (is_classifier (self))
    set_loss (self, LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH, TRUE);
  if (was_classifier != is_classifier (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLASSIFIER]);
  show_summary (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Selects preset name, or shows spec as the custom entry. */
static void
select_arch (LabArchChooser *self,
             const char     *name,
             const LabSpec  *spec)
{
  guint custom = G_MAXUINT;

  if (name != NULL)
    for (guint i = 0; i < self->arch_names->len; i++)
      if (g_strcmp0 (g_ptr_array_index (self->arch_names, i), name) == 0)
        {
          if (gtk_drop_down_get_selected (self->arch_dropdown) == i)
            on_arch_changed (self);
          else
            gtk_drop_down_set_selected (self->arch_dropdown, i);
          return;
        }

  if (spec == NULL)
    return;
  g_clear_pointer (&self->custom_spec, lab_spec_free);
  self->custom_spec = lab_spec_copy (spec);
  for (guint i = 0; i < self->arch_names->len; i++)
    if (((const char *) g_ptr_array_index (self->arch_names, i))[0] == '\0')
      custom = i;
  {
    g_autofree char *title = g_strdup_printf (_("%s (custom)"), spec->name);

    if (custom == G_MAXUINT)
      {
        gtk_string_list_append (self->arch_titles, title);
        g_ptr_array_add (self->arch_names, g_strdup (""));
        custom = self->arch_names->len - 1;
      }
    else
      gtk_string_list_splice (self->arch_titles, custom, 1, (const char * const []) { title, NULL });
  }
  /* The custom entry's spec changed even when it stays selected. */
  if (gtk_drop_down_get_selected (self->arch_dropdown) == custom)
    on_arch_changed (self);
  else
    gtk_drop_down_set_selected (self->arch_dropdown, custom);
}

gboolean
lab_arch_chooser_select_preset (LabArchChooser  *self,
                                const char      *name,
                                GError         **error)
{
  g_autoptr(LabSpec) spec = NULL;

  g_return_val_if_fail (LAB_IS_ARCH_CHOOSER (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  spec = lab_presets_get (name, error);
  if (spec == NULL)
    return FALSE;
  select_arch (self, spec->name, NULL);
  return TRUE;
}

/* Whether spec is preset name exactly (then the dropdown shows the preset). */
static gboolean
spec_is_preset (const LabSpec *spec,
                LabLossKind   *preset_loss)
{
  g_autoptr(LabSpec) preset = lab_presets_get (spec->name, NULL);
  g_autoptr(LabSpec) same_loss = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (preset == NULL)
    return FALSE;
  *preset_loss = preset->loss;
  same_loss = lab_spec_copy (spec);
  same_loss->loss = preset->loss;
  a = lab_spec_to_string (same_loss, FALSE);
  b = lab_spec_to_string (preset, FALSE);
  return g_strcmp0 (a, b) == 0;
}

void
lab_arch_chooser_show_spec (LabArchChooser *self,
                            const LabSpec  *spec)
{
  LabLossKind preset_loss;
  int loss = LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH;

  g_return_if_fail (LAB_IS_ARCH_CHOOSER (self));
  g_return_if_fail (spec != NULL);

  if (spec_is_preset (spec, &preset_loss))
    {
      select_arch (self, spec->name, NULL);
      if (spec->loss != preset_loss)
        loss = spec->loss == LAB_LOSS_BCE ? LAB_LOSS_BCE : LAB_LOSS_MSE;
    }
  else
    select_arch (self, NULL, spec);
  set_loss (self, loss, FALSE);
  show_summary (self);
}

void
lab_arch_chooser_set_settings (LabArchChooser   *self,
                               LabTrainSettings *settings)
{
  g_return_if_fail (LAB_IS_ARCH_CHOOSER (self));
  g_return_if_fail (settings == NULL || LAB_IS_TRAIN_SETTINGS (settings));

  set_settings (self, settings);
}

/* The architecture editor */

static void
arch_editor_done (const char *json,
                  gpointer    user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(LabArchChooser) self = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = NULL;

  g_weak_ref_clear (ref);
  g_free (ref);
  if (self == NULL || json == NULL)
    return;
  spec = lab_spec_new_from_string (json, -1, NULL, &error);
  if (spec == NULL)
    {
      lab_widget_show_error (GTK_WIDGET (self), error);
      return;
    }
  lab_arch_chooser_show_spec (self, spec);
}

void
lab_arch_chooser_edit (LabArchChooser *self)
{
  g_autoptr(LabSpec) spec = NULL;
  g_autofree char *json = NULL;
  GWeakRef *ref;

  g_return_if_fail (LAB_IS_ARCH_CHOOSER (self));

  spec = lab_arch_chooser_build_spec (self);
  json = spec ? lab_spec_to_string (spec, TRUE) : NULL;
  /* The chooser may be gone when the editor closes. */
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  lab_arch_editor_run_dialog (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                              json, arch_editor_done, ref);
}

/* GObject */

static void
lab_arch_chooser_dispose (GObject *object)
{
  LabArchChooser *self = (LabArchChooser *)object;
  GtkWidget *child;

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_weak_pointer (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_ARCH_CHOOSER);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_arch_chooser_parent_class)->dispose (object);
}

static void
lab_arch_chooser_finalize (GObject *object)
{
  LabArchChooser *self = (LabArchChooser *)object;

  g_clear_object (&self->arch_titles);
  g_clear_pointer (&self->arch_names, g_ptr_array_unref);
  g_clear_pointer (&self->custom_spec, lab_spec_free);
  g_clear_pointer (&self->chosen_spec, lab_spec_free);

  G_OBJECT_CLASS (lab_arch_chooser_parent_class)->finalize (object);
}

static void
lab_arch_chooser_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LabArchChooser *self = LAB_ARCH_CHOOSER (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_CLASSIFIER:
      g_value_set_boolean (value, is_classifier (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_arch_chooser_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LabArchChooser *self = LAB_ARCH_CHOOSER (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      set_settings (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_arch_chooser_class_init (LabArchChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_arch_chooser_dispose;
  object_class->finalize = lab_arch_chooser_finalize;
  object_class->get_property = lab_arch_chooser_get_property;
  object_class->set_property = lab_arch_chooser_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         LAB_TYPE_TRAIN_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CLASSIFIER] =
    g_param_spec_boolean ("classifier", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-arch-chooser.ui");
  gtk_widget_class_bind_template_child (widget_class, LabArchChooser, arch_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabArchChooser, spec_view);
  gtk_widget_class_bind_template_child (widget_class, LabArchChooser, arch_description);
  gtk_widget_class_bind_template_child (widget_class, LabArchChooser, summary_grid);
  gtk_widget_class_bind_template_child (widget_class, LabArchChooser, summary_total);
}

static void
lab_arch_chooser_init (LabArchChooser *self)
{
  const char * const *presets = lab_presets_list ();

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Architectures: every preset, then a custom one when there is one. */
  self->arch_titles = gtk_string_list_new (NULL);
  self->arch_names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; presets[i] != NULL; i++)
    {
      gtk_string_list_append (self->arch_titles, presets[i]);
      g_ptr_array_add (self->arch_names, g_strdup (presets[i]));
    }
  gtk_drop_down_set_model (self->arch_dropdown, G_LIST_MODEL (self->arch_titles));
  g_signal_connect_swapped (self->arch_dropdown, "notify::selected", G_CALLBACK (on_arch_changed), self);
}
