#define G_LOG_DOMAIN "latentlab"

#include <string.h>

#include <glib/gi18n.h>

#include "lab-arch-editor-private.h"
#include "lab-arch-summary.h"
#include "lab-file-dialog.h"
#include "lab-layer-list.h"
#include "lab-presets.h"
#include "lab-save.h"
#include "lab-spec-summary.h"

/* The loss dropdown's order. */
static const LabLossKind loss_order[] = { LAB_LOSS_MSE, LAB_LOSS_BCE, LAB_LOSS_SOFTMAX_CE };

struct _LabArchEditor
{
  GtkWidget             parent_instance;

  /* Template widgets */
  GtkDropDown          *preset_dropdown;
  GtkButton            *reset_button;
  GtkEntry             *name_entry;
  GtkBox               *input_box;
  GtkDropDown          *loss_dropdown;
  GtkButton            *import_button;
  GtkButton            *export_button;
  GtkPaned             *paned;
  LabLayerList         *layer_list;
  LabArchSummary       *summary_view;

  /* Borrowed: children of input_box */
  GtkSpinButton        *input_spins[3];   /* channels, height, width */

  /* Owned: the spec being edited */
  char                 *name;
  char                 *description;      /* the preset's; dropped by the first edit */
  LabShape              input;
  LabLossKind           loss;
  char                 *preset;           /* the preset it started from, or NULL */

  /* Owned: the last validation */
  LabSpec              *spec;             /* NULL while invalid */
  LabSpecSummary       *summary;          /* NULL when the spec itself is malformed */
  char                 *error;
  int                   error_layer;
  char                 *notice;           /* an import or set that failed, until the next edit */


  guint                 syncing : 1;      /* the editor itself sets its widgets */
  guint                 pristine : 1;     /* unchanged since set or loaded */
};

enum {
  PROP_0,
  PROP_VALID,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabArchEditor, lab_arch_editor, GTK_TYPE_WIDGET)

static void editor_validate     (LabArchEditor *self);

/* The spec as JSON, as lab_spec_to_node writes it. Layers are copied, so
 * the LabSpec built from it never changes under later edits. */
static JsonNode *
editor_build_node (LabArchEditor *self)
{
  g_autoptr(JsonArray) layers = lab_layer_list_copy_layers (self->layer_list);
  LabSpec spec = {
    self->name, self->description, self->input, self->loss,
    lab_layer_list_get_encoder_layers (self->layer_list), layers,
  };

  return lab_spec_to_node (&spec);
}

/* What the summary panel and the rows show after a validation or a notice. */
static void
editor_show_state (LabArchEditor *self)
{
  g_autofree char *text = NULL;

  if (self->notice && self->error)
    text = g_strdup_printf ("%s\n\n%s", self->notice, self->error);
  else
    text = g_strdup (self->notice ? self->notice : self->error);
  lab_arch_summary_show (self->summary_view, self->summary, self->input, self->loss, text);

  lab_layer_list_show (self->layer_list, self->summary, self->input, self->error_layer);
}

/* Validation: the spec's structure (lab_spec_new_from_node), then the
 * shape-only walk over its layers (lab_spec_summarize), which has no
 * parameter arrays, so huge edits stay instant, and names the layer that
 * does not fit with lab_model_new's own message. */
static void
editor_validate (LabArchEditor *self)
{
  g_autoptr(JsonNode) node = editor_build_node (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = NULL;
  gboolean was_valid = self->spec != NULL;

  g_clear_pointer (&self->spec, lab_spec_free);
  g_clear_pointer (&self->summary, lab_spec_summary_free);
  g_clear_pointer (&self->error, g_free);
  self->error_layer = -1;

  spec = lab_spec_new_from_node (node, NULL, &error);
  if (spec == NULL)
    self->error = g_strdup (error->message);
  else
    {
      self->summary = lab_spec_summarize (spec);
      if (self->summary->error != NULL)
        {
          self->error = g_strdup (self->summary->error->message);
          self->error_layer = self->summary->error_layer;
        }
      else
        self->spec = g_steal_pointer (&spec);
    }

  editor_show_state (self);
  if (was_valid != (self->spec != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

/* After any edit by the user: the first one renames a preset ("cae-tiny"
 * becomes "cae-tiny-custom") and drops its description, which no longer
 * describes it. */
static void
editor_edited (LabArchEditor *self)
{
  g_clear_pointer (&self->notice, g_free);
  if (self->pristine)
    {
      self->pristine = FALSE;
      g_clear_pointer (&self->description, g_free);
      if (self->preset != NULL && g_strcmp0 (self->name, self->preset) == 0)
        {
          g_autofree char *name = g_strdup_printf ("%s-custom", self->preset);

          g_free (self->name);
          self->name = g_steal_pointer (&name);
          self->syncing = TRUE;
          gtk_editable_set_text (GTK_EDITABLE (self->name_entry), self->name);
          self->syncing = FALSE;
        }
    }
  editor_validate (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Toolbar */

static void
editor_sync_toolbar (LabArchEditor *self)
{
  const char * const *names = lab_presets_list ();
  guint preset = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; names[i]; i++)
    if (g_strcmp0 (names[i], self->preset) == 0)
      preset = i;

  self->syncing = TRUE;
  gtk_drop_down_set_selected (self->preset_dropdown, preset);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_button), preset != GTK_INVALID_LIST_POSITION);
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), self->name);
  gtk_spin_button_set_value (self->input_spins[0], self->input.c);
  gtk_spin_button_set_value (self->input_spins[1], self->input.h);
  gtk_spin_button_set_value (self->input_spins[2], self->input.w);
  for (guint i = 0; i < G_N_ELEMENTS (loss_order); i++)
    if (loss_order[i] == self->loss)
      gtk_drop_down_set_selected (self->loss_dropdown, i);
  self->syncing = FALSE;
}

/* Takes the spec as the new state; preset names where it came from. */
static void
editor_load_spec (LabArchEditor *self,
                  const LabSpec *spec,
                  const char    *preset)
{
  g_free (self->name);
  self->name = g_strdup (spec->name);
  g_free (self->description);
  self->description = g_strdup (spec->description);
  self->input = spec->input;
  self->loss = spec->loss;
  /* A spec named after a preset, or after one and "-custom" (an edit
   * coming back from the Train page or a saved model), started from it. */
  g_free (self->preset);
  self->preset = g_strdup (preset ? preset : spec->name);
  if (preset == NULL && g_str_has_suffix (self->preset, "-custom"))
    self->preset[strlen (self->preset) - strlen ("-custom")] = '\0';
  if (lab_presets_describe (self->preset) == NULL)
    g_clear_pointer (&self->preset, g_free);
  self->pristine = TRUE;
  g_clear_pointer (&self->notice, g_free);

  editor_sync_toolbar (self);
  lab_layer_list_set_layers (self->layer_list, spec);
  editor_validate (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_preset_selected (GtkDropDown   *dropdown,
                    GParamSpec    *pspec,
                    LabArchEditor *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  if (self->syncing || item == NULL)
    return;
  lab_arch_editor_set_preset (self, gtk_string_object_get_string (item));
}

static void
on_reset_clicked (GtkButton     *button,
                  LabArchEditor *self)
{
  if (self->preset)
    {
      g_autofree char *preset = g_strdup (self->preset);

      lab_arch_editor_set_preset (self, preset);
    }
}

static void
on_name_changed (GtkEditable   *editable,
                 LabArchEditor *self)
{
  if (self->syncing)
    return;
  g_free (self->name);
  self->name = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  /* The user named it: no "-custom" renaming after this. */
  self->pristine = FALSE;
  editor_edited (self);
}

static void
on_input_changed (GtkSpinButton *spin,
                  LabArchEditor *self)
{
  if (self->syncing)
    return;
  self->input.c = gtk_spin_button_get_value_as_int (self->input_spins[0]);
  self->input.h = gtk_spin_button_get_value_as_int (self->input_spins[1]);
  self->input.w = gtk_spin_button_get_value_as_int (self->input_spins[2]);
  editor_edited (self);
}

static void
on_loss_selected (GtkDropDown   *dropdown,
                  GParamSpec    *pspec,
                  LabArchEditor *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || selected >= G_N_ELEMENTS (loss_order))
    return;
  self->loss = loss_order[selected];
  editor_edited (self);
}

/* Import… and Export… */

static void
editor_show_notice (LabArchEditor *self,
                    const char    *message)
{
  g_free (self->notice);
  self->notice = g_strdup (message);
  editor_show_state (self);
}

static void
file_chosen (GtkWidget      *owner,
             GFile          *file,
             GtkFileChooser *chooser,
             gpointer        user_data)
{
  LabArchEditor *self = LAB_ARCH_EDITOR (owner);
  gboolean save = GPOINTER_TO_INT (user_data);
  g_autoptr(GError) error = NULL;

  if (!(save ? lab_arch_editor_save_file (self, file, &error) : lab_arch_editor_load_file (self, file, &error)))
    editor_show_notice (self, error->message);
}

static GtkFileFilter *
json_filter_new (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Architecture (JSON)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_filter_add_mime_type (filter, "application/json");
  return filter;
}

static void
editor_open_chooser (LabArchEditor        *self,
                     GtkFileChooserAction  action)
{
  g_autoptr(GtkFileFilter) filter = json_filter_new ();
  gboolean save = action == GTK_FILE_CHOOSER_ACTION_SAVE;
  GtkFileChooser *chooser;

  chooser = lab_file_dialog_new (GTK_WIDGET (self), action,
                                 save ? _("Export Architecture") : _("Import Architecture"),
                                 save ? _("_Export") : _("_Import"), file_chosen, GINT_TO_POINTER (save), NULL);
  gtk_file_chooser_add_filter (chooser, filter);
  if (save)
    {
      g_autofree char *file_name = g_strdup_printf ("%s.json", *self->name ? self->name : "architecture");

      gtk_file_chooser_set_current_name (chooser, file_name);
    }
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_import_clicked (GtkButton     *button,
                   LabArchEditor *self)
{
  editor_open_chooser (self, GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
on_export_clicked (GtkButton     *button,
                   LabArchEditor *self)
{
  editor_open_chooser (self, GTK_FILE_CHOOSER_ACTION_SAVE);
}

/* GObject */

static void
lab_arch_editor_dispose (GObject *object)
{
  LabArchEditor *self = LAB_ARCH_EDITOR (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_ARCH_EDITOR);
  /* dispose_template only unparents the bound children. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_arch_editor_parent_class)->dispose (object);
}

static void
lab_arch_editor_finalize (GObject *object)
{
  LabArchEditor *self = LAB_ARCH_EDITOR (object);

  g_free (self->name);
  g_free (self->description);
  g_free (self->preset);
  g_free (self->error);
  g_free (self->notice);
  g_clear_pointer (&self->summary, lab_spec_summary_free);
  g_clear_pointer (&self->spec, lab_spec_free);

  G_OBJECT_CLASS (lab_arch_editor_parent_class)->finalize (object);
}

static void
lab_arch_editor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabArchEditor *self = LAB_ARCH_EDITOR (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, lab_arch_editor_is_valid (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_arch_editor_class_init (LabArchEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_arch_editor_dispose;
  object_class->finalize = lab_arch_editor_finalize;
  object_class->get_property = lab_arch_editor_get_property;

  g_type_ensure (LAB_TYPE_ARCH_SUMMARY);
  g_type_ensure (LAB_TYPE_LAYER_LIST);

  /* valid: every layer fits, so lab_arch_editor_get_spec_json gives JSON. */
  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-arch-editor.ui");
  gtk_widget_class_set_css_name (widget_class, "archeditor");
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, preset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, reset_button);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, name_entry);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, input_box);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, loss_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, import_button);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, export_button);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, paned);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, layer_list);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, summary_view);
}

static void
lab_arch_editor_init (LabArchEditor *self)
{
  static const char * const input_tips[3] = {
    N_("Channels of the input (1 for grayscale)"),
    N_("Height of the input in pixels"),
    N_("Width of the input in pixels"),
  };
  g_autoptr(GtkStringList) presets = gtk_string_list_new ((const char * const *) lab_presets_list ());

  gtk_widget_init_template (GTK_WIDGET (self));

  self->name = g_strdup ("custom");
  self->input = (LabShape) { 1, 28, 28 };
  self->loss = LAB_LOSS_MSE;
  self->error_layer = -1;

  for (guint i = 0; i < 3; i++)
    {
      GtkWidget *spin = gtk_spin_button_new_with_range (1, LAB_SPEC_MAX_SIDE, 1);

      if (i > 0)
        {
          GtkWidget *times = gtk_label_new ("×");

          gtk_widget_add_css_class (times, "arch-caption");
          gtk_box_append (self->input_box, times);
        }
      gtk_editable_set_width_chars (GTK_EDITABLE (spin), 3);
      gtk_widget_set_tooltip_text (spin, _(input_tips[i]));
      gtk_box_append (self->input_box, spin);
      self->input_spins[i] = GTK_SPIN_BUTTON (spin);
      g_signal_connect (spin, "value-changed", G_CALLBACK (on_input_changed), self);
    }

  gtk_drop_down_set_model (self->preset_dropdown, G_LIST_MODEL (presets));
  g_signal_connect (self->preset_dropdown, "notify::selected", G_CALLBACK (on_preset_selected), self);
  g_signal_connect (self->reset_button, "clicked", G_CALLBACK (on_reset_clicked), self);
  g_signal_connect (self->name_entry, "changed", G_CALLBACK (on_name_changed), self);
  g_signal_connect (self->loss_dropdown, "notify::selected", G_CALLBACK (on_loss_selected), self);
  g_signal_connect (self->import_button, "clicked", G_CALLBACK (on_import_clicked), self);
  g_signal_connect (self->export_button, "clicked", G_CALLBACK (on_export_clicked), self);
  g_signal_connect_swapped (self->layer_list, "changed", G_CALLBACK (editor_edited), self);

  lab_arch_editor_set_preset (self, lab_presets_list ()[0]);
}

/* Public API */

GtkWidget *
lab_arch_editor_new (void)
{
  return g_object_new (LAB_TYPE_ARCH_EDITOR, NULL);
}

void
lab_arch_editor_set_spec_json (LabArchEditor *self,
                               const char    *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = NULL;

  g_return_if_fail (LAB_IS_ARCH_EDITOR (self));
  g_return_if_fail (json != NULL);

  spec = lab_spec_new_from_string (json, -1, NULL, &error);
  if (spec == NULL)
    {
      editor_show_notice (self, error->message);
      return;
    }
  editor_load_spec (self, spec, NULL);
}

gboolean
lab_arch_editor_set_preset (LabArchEditor *self,
                            const char    *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = NULL;

  g_return_val_if_fail (LAB_IS_ARCH_EDITOR (self), FALSE);

  spec = lab_presets_get (name, &error);
  if (spec == NULL)
    {
      editor_show_notice (self, error->message);
      return FALSE;
    }
  editor_load_spec (self, spec, spec->name);
  return TRUE;
}

char *
lab_arch_editor_get_spec_json (LabArchEditor *self)
{
  g_return_val_if_fail (LAB_IS_ARCH_EDITOR (self), NULL);

  return self->spec ? lab_spec_to_string (self->spec, TRUE) : NULL;
}

gboolean
lab_arch_editor_is_valid (LabArchEditor *self)
{
  g_return_val_if_fail (LAB_IS_ARCH_EDITOR (self), FALSE);

  return self->spec != NULL;
}

gsize
lab_arch_editor_get_total_params (LabArchEditor *self)
{
  g_return_val_if_fail (LAB_IS_ARCH_EDITOR (self), 0);

  return self->spec ? self->summary->n_params + self->summary->n_buffers : 0;
}

const char *
lab_arch_editor_get_error (LabArchEditor *self)
{
  g_return_val_if_fail (LAB_IS_ARCH_EDITOR (self), NULL);

  return self->error;
}

int
lab_arch_editor_get_error_layer (LabArchEditor *self)
{
  g_return_val_if_fail (LAB_IS_ARCH_EDITOR (self), -1);

  return self->error_layer;
}

gboolean
lab_arch_editor_load_file (LabArchEditor  *self,
                           GFile          *file,
                           GError        **error)
{
  g_autofree char *path = NULL;
  g_autoptr(LabSpec) spec = NULL;

  g_return_val_if_fail (LAB_IS_ARCH_EDITOR (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s: only local files can be imported"), uri);
      return FALSE;
    }
  /* lab_spec_load caps the size and names the file in its errors. */
  spec = lab_spec_load (path, error);
  if (spec == NULL)
    return FALSE;
  editor_load_spec (self, spec, NULL);
  return TRUE;
}

gboolean
lab_arch_editor_save_file (LabArchEditor  *self,
                           GFile          *file,
                           GError        **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  gsize length;

  g_return_val_if_fail (LAB_IS_ARCH_EDITOR (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  /* The same text as lab_spec_to_string (pretty), plus a final newline. */
  node = editor_build_node (self);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, &length);
  text = g_realloc (text, length + 2);
  text[length++] = '\n';
  text[length] = '\0';
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s: only files on this computer can be written"), uri);
      return FALSE;
    }
  /* Names the file and the reason; the previous file survives a failure. */
  return lab_save_contents (path, text, length, error);
}

/* For tests */

guint
lab_arch_editor_get_n_layers (LabArchEditor *self)
{
  return lab_layer_list_get_n_layers (self->layer_list);
}

guint
lab_arch_editor_get_encoder_layers (LabArchEditor *self)
{
  return lab_layer_list_get_encoder_layers (self->layer_list);
}

GtkDropDown *
lab_arch_editor_get_preset_dropdown (LabArchEditor *self)
{
  return self->preset_dropdown;
}

GtkDropDown *
lab_arch_editor_get_loss_dropdown (LabArchEditor *self)
{
  return self->loss_dropdown;
}

static LabLayerRow *
editor_row (LabArchEditor *self,
            guint          layer)
{
  return lab_layer_list_get_row (self->layer_list, layer);
}

GtkDropDown *
lab_arch_editor_get_type_dropdown (LabArchEditor *self,
                                   guint          layer)
{
  LabLayerRow *row = editor_row (self, layer);

  return row ? lab_layer_row_get_type_dropdown (row) : NULL;
}

GtkWidget *
lab_arch_editor_get_option_widget (LabArchEditor *self,
                                   guint          layer,
                                   const char    *key)
{
  LabLayerRow *row = editor_row (self, layer);

  return row ? lab_layer_row_get_option_widget (row, key) : NULL;
}

guint
lab_arch_editor_get_n_option_widgets (LabArchEditor *self,
                                      guint          layer)
{
  LabLayerRow *row = editor_row (self, layer);

  return row ? lab_layer_row_get_n_option_widgets (row) : 0;
}

GtkWidget *
lab_arch_editor_get_row_button (LabArchEditor *self,
                                guint          layer,
                                const char    *which)
{
  LabLayerRow *row = editor_row (self, layer);

  return row ? lab_layer_row_get_button (row, which) : NULL;
}

gboolean
lab_arch_editor_row_is_highlighted (LabArchEditor *self,
                                    guint          layer)
{
  LabLayerRow *row = editor_row (self, layer);

  return row && gtk_widget_has_css_class (GTK_WIDGET (row), "error");
}

const char *
lab_arch_editor_get_total_text (LabArchEditor *self)
{
  return lab_arch_summary_get_total_text (self->summary_view);
}

guint
lab_arch_editor_get_summary_rows (LabArchEditor *self)
{
  return lab_arch_summary_get_n_rows (self->summary_view);
}
