#define G_LOG_DOMAIN "latentlab"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-arch-editor-private.h"
#include "lab-format.h"
#include "lab-layer-row.h"
#include "lab-presets.h"
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
  GtkListBox           *layer_list;
  GtkListBox           *summary_list;
  GtkLabel             *total_label;
  GtkLabel             *details_label;
  GtkLabel             *task_label;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;

  /* Borrowed: children of input_box */
  GtkSpinButton        *input_spins[3];   /* channels, height, width */

  /* Owned: the spec being edited */
  char                 *name;
  char                 *description;      /* the preset's; dropped by the first edit */
  LabShape              input;
  LabLossKind           loss;
  GPtrArray            *layers;           /* (element-type JsonObject) mutable copies */
  JsonObject           *latent;           /* borrowed: the element of layers giving the latent */
  char                 *preset;           /* the preset it started from, or NULL */
  GPtrArray            *rows;             /* (element-type LabLayerRow) borrowed, in order */

  /* Owned: the last validation */
  LabSpec              *spec;             /* NULL while invalid */
  LabSpecSummary       *summary;          /* NULL when the spec itself is malformed */
  char                 *error;
  int                   error_layer;
  char                 *notice;           /* an import or set that failed, until the next edit */

  GtkSizeGroup         *summary_columns[4];
  GtkFileChooserNative *chooser;          /* while Import… or Export… is up */

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

static void editor_rebuild_rows (LabArchEditor *self);
static void editor_validate     (LabArchEditor *self);

/* A mutable copy with the members in the same order. Values are scalars
 * or small arrays that are replaced, never changed in place, so sharing
 * their nodes' contents with a sealed original is fine. */
static JsonObject *
layer_copy (JsonObject *src)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init_ordered (&iter, src);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    json_object_set_member (copy, name, json_node_copy (node));
  return copy;
}

static guint
editor_latent_index (LabArchEditor *self)
{
  guint index = 0;

  if (self->latent && g_ptr_array_find (self->layers, self->latent, &index))
    return index;
  return self->layers->len > 0 ? self->layers->len - 1 : 0;
}

static guint
editor_encoder_layers (LabArchEditor *self)
{
  return self->layers->len > 0 ? editor_latent_index (self) + 1 : 0;
}

/* The spec as JSON, in lab_spec_to_node's member order. Layers are
 * copied, so the LabSpec built from it never changes under later edits. */
static JsonNode *
editor_build_node (LabArchEditor *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->name);
  if (self->description)
    {
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, self->description);
    }
  json_builder_set_member_name (b, "input");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, self->input.c);
  json_builder_add_int_value (b, self->input.h);
  json_builder_add_int_value (b, self->input.w);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "loss");
  json_builder_add_string_value (b, lab_loss_name (self->loss));
  json_builder_set_member_name (b, "encoder_layers");
  json_builder_add_int_value (b, editor_encoder_layers (self));
  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->layers->len; i++)
    {
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);

      json_node_take_object (node, layer_copy (g_ptr_array_index (self->layers, i)));
      json_builder_add_value (b, node);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
set_css_class (GtkWidget  *widget,
                 const char *css_class,
                 gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

/* Summary view */

static GtkWidget *
summary_cell (LabArchEditor *self,
              guint          column,
              const char    *text,
              float          xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (column == 1)
    {
      /* The long names ("conv_transpose2d_1 (Conv2DTranspose)") may not
       * fit: cut, with the whole name on hover. */
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_tooltip_text (label, text);
      gtk_widget_set_hexpand (label, TRUE);
    }
  gtk_size_group_add_widget (self->summary_columns[column], label);
  return label;
}

static void
summary_add_row (LabArchEditor *self,
                 const char    *index,
                 const char    *label,
                 const char    *shape,
                 const char    *params,
                 const char    *css_class)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *row;

  gtk_box_append (GTK_BOX (box), summary_cell (self, 0, index, 1.0f));
  gtk_box_append (GTK_BOX (box), summary_cell (self, 1, label, 0.0f));
  gtk_box_append (GTK_BOX (box), summary_cell (self, 2, shape, 0.0f));
  gtk_box_append (GTK_BOX (box), summary_cell (self, 3, params, 1.0f));
  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  if (css_class)
    gtk_widget_add_css_class (row, css_class);
  gtk_list_box_append (self->summary_list, row);
}

static void
editor_update_summary (LabArchEditor *self)
{
  GtkWidget *child;
  g_autofree char *input_shape = lab_shape_to_keras (self->input);
  LabSpecSummary *summary = self->summary;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_list))) != NULL)
    gtk_list_box_remove (self->summary_list, child);

  summary_add_row (self, "#", _("Layer (type)"), _("Output shape"), _("Param #"), "header");
  summary_add_row (self, "", "input (InputLayer)", input_shape, "0", NULL);
  for (guint i = 0; summary && i < summary->rows->len; i++)
    {
      LabSummaryRow *row = g_ptr_array_index (summary->rows, i);
      g_autofree char *index = g_strdup_printf ("%u", row->index);
      g_autofree char *label = g_strdup_printf ("%s (%s)", row->name, row->title);
      g_autofree char *params = lab_format_count (row->params + row->buffers);

      summary_add_row (self, index, label, row->output_shape, params, row->is_latent ? "latent" : NULL);
    }
  /* The layer that does not fit ends the table. */
  if (summary && summary->error_layer >= 0)
    {
      g_autofree char *index = g_strdup_printf ("%d", summary->error_layer);

      summary_add_row (self, index, lab_spec_get_layer_type (summary->spec, summary->error_layer),
                       _("does not fit"), "", "error");
    }
}

static void
editor_update_totals (LabArchEditor *self)
{
  if (self->spec != NULL)
    {
      LabSpecSummary *summary = self->summary;
      g_autofree char *total = lab_format_count (summary->n_params + summary->n_buffers);
      g_autofree char *trainable = lab_format_count (summary->n_params);
      g_autofree char *frozen = lab_format_count (summary->n_buffers);
      g_autofree char *latent = lab_shape_to_keras (summary->latent);
      g_autofree char *latent_size = lab_format_count (lab_shape_size (summary->latent));
      g_autofree char *details = NULL;
      double macs = (double) summary->macs;
      g_autofree char *work = macs >= 1e6 ? g_strdup_printf (_("%.1f M multiply-adds per image"), macs / 1e6)
                                          : g_strdup_printf (_("%.0f k multiply-adds per image"), macs / 1e3);

      gtk_label_set_text (self->total_label, total);
      details = g_strdup_printf (_("%s trainable · %s non-trainable\n"
                                   "Latent %s: %s values\n%s"),
                                 trainable, frozen, latent, latent_size, work);
      gtk_label_set_text (self->details_label, details);
    }
  else
    {
      gtk_label_set_text (self->total_label, "—");
      gtk_label_set_text (self->details_label, _("Fix the highlighted layer to see the totals."));
    }
}

/* What training will do with this model: the same rules as lab_task_for_size,
 * told before there is a dataset. A mismatch is a warning, not an error:
 * a folder of PNGs may have any size. */
static void
editor_update_task (LabArchEditor *self)
{
  LabShape in = self->input, out = self->summary ? self->summary->output : (LabShape) { 0, 0, 0 };
  g_autofree char *text = NULL;
  gboolean warn = FALSE;

  if (self->spec == NULL)
    text = NULL;
  else if (in.c != 1)
    {
      text = g_strdup_printf (_("Every dataset is grayscale: give the input 1 channel, not %u."), in.c);
      warn = TRUE;
    }
  else if (self->loss == LAB_LOSS_SOFTMAX_CE)
    text = g_strdup_printf (_("Classifies %u×%u images into %zu classes."),
                            in.h, in.w, lab_shape_size (out));
  else if (out.c == 1 && out.h == in.h && out.w == in.w)
    text = g_strdup_printf (_("Reconstructs %u×%u images: the output has the input’s shape."), in.h, in.w);
  else if (out.c == 1 && out.h == 2 * in.h && out.w == 2 * in.w)
    text = g_strdup_printf (_("Super-resolves %u×%u images to %u×%u."), in.h, in.w, out.h, out.w);
  else
    {
      g_autofree char *out_text = lab_shape_to_keras (out);
      g_autofree char *in_text = lab_shape_to_keras (in);

      text = g_strdup_printf (_("The output %s does not match the input %s: an autoencoder "
                                "must give back an image of one channel and the input’s size."),
                              out_text, in_text);
      warn = TRUE;
    }
  gtk_label_set_text (self->task_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->task_label), text != NULL);
  set_css_class (GTK_WIDGET (self->task_label), "warning", warn);
}

static void
editor_update_error (LabArchEditor *self)
{
  g_autofree char *text = NULL;

  if (self->notice && self->error)
    text = g_strdup_printf ("%s\n\n%s", self->notice, self->error);
  else
    text = g_strdup (self->notice ? self->notice : self->error);
  gtk_label_set_text (self->error_label, text ? text : "");
  gtk_revealer_set_reveal_child (self->error_revealer, text != NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      LabLayerRow *row = g_ptr_array_index (self->rows, i);
      LabSpecSummary *summary = self->summary;
      LabShape in = self->input;

      set_css_class (GTK_WIDGET (row), "error", (int) i == self->error_layer);
      set_css_class (GTK_WIDGET (row), "latent", lab_layer_row_get_layer (row) == self->latent);
      /* What the layer gets, where it is known: a new reshape starts there. */
      if (i > 0 && summary && i - 1 < summary->rows->len)
        in = ((LabSummaryRow *) g_ptr_array_index (summary->rows, i - 1))->output;
      lab_layer_row_set_input (row, in);
    }
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

  editor_update_summary (self);
  editor_update_totals (self);
  editor_update_task (self);
  editor_update_error (self);
  gtk_list_box_invalidate_headers (self->layer_list);
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

/* Layer rows */

static guint
row_index (LabArchEditor *self,
           LabLayerRow   *row)
{
  guint index = 0;

  if (!g_ptr_array_find (self->rows, row, &index))
    g_assert_not_reached ();
  return index;
}

/* An option or the type changed; a new type is a new object. */
static void
on_row_changed (LabLayerRow   *row,
                LabArchEditor *self)
{
  guint index = row_index (self, row);
  JsonObject *layer = lab_layer_row_get_layer (row);
  JsonObject *old = g_ptr_array_index (self->layers, index);

  if (layer != old)
    {
      if (self->latent == old)
        self->latent = layer;
      g_ptr_array_index (self->layers, index) = json_object_ref (layer);
      json_object_unref (old);
    }
  editor_edited (self);
}

static void
on_row_latent_chosen (LabLayerRow   *row,
                      LabArchEditor *self)
{
  JsonObject *layer = lab_layer_row_get_layer (row);

  if (self->syncing || self->latent == layer)
    return;
  self->latent = layer;
  editor_edited (self);
}

/* Structural edits rebuild the rows; focus goes back to the same button of
 * the layer that moved, so keyboard users can keep pressing it. */
static void
editor_focus_row_button (LabArchEditor *self,
                         JsonObject    *layer,
                         const char    *which)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      LabLayerRow *row = g_ptr_array_index (self->rows, i);

      if (lab_layer_row_get_layer (row) == layer)
        {
          GtkWidget *button = lab_layer_row_get_button (row, which);

          if (button && gtk_widget_get_sensitive (button))
            gtk_widget_grab_focus (button);
          else
            gtk_widget_grab_focus (GTK_WIDGET (lab_layer_row_get_type_dropdown (row)));
          return;
        }
    }
}

static void
on_row_insert (LabLayerRow   *row,
               LabArchEditor *self)
{
  guint index = row_index (self, row);
  JsonObject *copy;

  if (self->layers->len >= LAB_SPEC_MAX_LAYERS)
    return;
  copy = layer_copy (lab_layer_row_get_layer (row));
  g_ptr_array_insert (self->layers, index + 1, copy);
  editor_rebuild_rows (self);
  editor_edited (self);
  editor_focus_row_button (self, copy, "type");
}

static void
on_row_remove (LabLayerRow   *row,
               LabArchEditor *self)
{
  guint index = row_index (self, row);
  JsonObject *next_focus;

  if (self->layers->len <= 1)
    return;
  if (self->latent == lab_layer_row_get_layer (row))
    self->latent = g_ptr_array_index (self->layers, index > 0 ? index - 1 : 1);
  next_focus = g_ptr_array_index (self->layers, index + 1 < self->layers->len ? index + 1 : index - 1);
  g_ptr_array_remove_index (self->layers, index);
  editor_rebuild_rows (self);
  editor_edited (self);
  editor_focus_row_button (self, next_focus, "remove");
}

static void
on_row_move (LabLayerRow   *row,
             int            delta,
             LabArchEditor *self)
{
  int index = (int) row_index (self, row);
  JsonObject *layer = lab_layer_row_get_layer (row);
  gpointer *pdata = self->layers->pdata;
  gpointer tmp;

  if (index + delta < 0 || index + delta >= (int) self->layers->len)
    return;
  tmp = pdata[index];
  pdata[index] = pdata[index + delta];
  pdata[index + delta] = tmp;
  editor_rebuild_rows (self);
  editor_edited (self);
  editor_focus_row_button (self, layer, delta < 0 ? "up" : "down");
}

static void
editor_rebuild_rows (LabArchEditor *self)
{
  GtkWidget *child;
  GtkCheckButton *group = NULL;

  self->syncing = TRUE;
  g_ptr_array_set_size (self->rows, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->layer_list))) != NULL)
    gtk_list_box_remove (self->layer_list, child);
  for (guint i = 0; i < self->layers->len; i++)
    {
      JsonObject *layer = g_ptr_array_index (self->layers, i);
      LabLayerRow *row = lab_layer_row_new (layer);
      GtkCheckButton *latent = lab_layer_row_get_latent_button (row);

      lab_layer_row_set_position (row, i, self->layers->len, self->layers->len < LAB_SPEC_MAX_LAYERS);
      if (group)
        gtk_check_button_set_group (latent, group);
      else
        group = latent;
      gtk_check_button_set_active (latent, layer == self->latent);
      g_signal_connect (row, "changed", G_CALLBACK (on_row_changed), self);
      g_signal_connect (row, "latent-chosen", G_CALLBACK (on_row_latent_chosen), self);
      g_signal_connect (row, "insert", G_CALLBACK (on_row_insert), self);
      g_signal_connect (row, "remove", G_CALLBACK (on_row_remove), self);
      g_signal_connect (row, "move", G_CALLBACK (on_row_move), self);
      g_ptr_array_add (self->rows, row);
      gtk_list_box_append (self->layer_list, GTK_WIDGET (row));
    }
  self->syncing = FALSE;
}

/* "Encoder" above the first row, "Decoder" above the first one after the
 * latent, each with the shape flowing in. */
static GtkWidget *
section_header_new (const char *title,
                    const char *detail)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *info = gtk_label_new (detail);

  gtk_widget_add_css_class (box, "arch-section");
  gtk_widget_add_css_class (label, "arch-section-title");
  gtk_widget_add_css_class (info, "arch-section-detail");
  gtk_label_set_xalign (GTK_LABEL (info), 0.0f);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), info);
  return box;
}

static void
layer_list_header (GtkListBoxRow *row,
                   GtkListBoxRow *before,
                   gpointer       data)
{
  LabArchEditor *self = data;
  int index = gtk_list_box_row_get_index (row);
  GtkWidget *header = NULL;

  if (index == 0)
    {
      g_autofree char *shape = lab_shape_to_keras (self->input);
      g_autofree char *detail = g_strdup_printf (_("input %s"), shape);

      header = section_header_new (_("Encoder"), detail);
    }
  else if (index == (int) editor_encoder_layers (self))
    {
      LabShape latent = self->summary ? self->summary->latent : (LabShape) { 0, 0, 0 };
      g_autofree char *detail = NULL;

      if (lab_shape_size (latent) > 0)
        {
          g_autofree char *shape = lab_shape_to_keras (latent);
          g_autofree char *size = lab_format_count (lab_shape_size (latent));

          detail = g_strdup_printf (_("latent %s, %s values"), shape, size);
        }
      header = section_header_new (_("Decoder"), detail ? detail : "");
    }
  gtk_list_box_row_set_header (row, header);
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
  g_ptr_array_set_size (self->layers, 0);
  for (guint i = 0; i < lab_spec_n_layers (spec); i++)
    g_ptr_array_add (self->layers, layer_copy (lab_spec_get_layer (spec, i)));
  self->latent = g_ptr_array_index (self->layers, spec->encoder_layers - 1);
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
  editor_rebuild_rows (self);
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

static GtkWindow *
editor_window (LabArchEditor *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
editor_show_notice (LabArchEditor *self,
                    const char    *message)
{
  g_free (self->notice);
  self->notice = g_strdup (message);
  editor_update_error (self);
}

static void
on_import_response (GtkNativeDialog *dialog,
                    int              response,
                    LabArchEditor   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (!lab_arch_editor_load_file (self, file, &error))
        editor_show_notice (self, error->message);
    }
  g_clear_object (&self->chooser);
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    LabArchEditor   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (!lab_arch_editor_save_file (self, file, &error))
        editor_show_notice (self, error->message);
    }
  g_clear_object (&self->chooser);
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

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (save ? _("Export Architecture") : _("Import Architecture"),
                                               editor_window (self), action,
                                               save ? _("_Export") : _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (save)
    {
      g_autofree char *file_name = g_strdup_printf ("%s.json", *self->name ? self->name : "architecture");

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), file_name);
    }
  g_signal_connect (self->chooser, "response",
                    save ? G_CALLBACK (on_export_response) : G_CALLBACK (on_import_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
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

  if (self->chooser)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->rows)
    g_ptr_array_set_size (self->rows, 0);
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
  g_clear_pointer (&self->layers, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->summary, lab_spec_summary_free);
  g_clear_pointer (&self->spec, lab_spec_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->summary_columns); i++)
    g_clear_object (&self->summary_columns[i]);

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
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, summary_list);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, total_label);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, details_label);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, task_label);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditor, error_label);
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

  self->layers = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->rows = g_ptr_array_new ();
  self->name = g_strdup ("custom");
  self->input = (LabShape) { 1, 28, 28 };
  self->loss = LAB_LOSS_MSE;
  self->error_layer = -1;
  for (guint i = 0; i < G_N_ELEMENTS (self->summary_columns); i++)
    self->summary_columns[i] = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);

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
  gtk_list_box_set_header_func (self->layer_list, layer_list_header, self, NULL);

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
  g_autoptr(GError) local_error = NULL;
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
  if (!g_file_replace_contents (file, text, length, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                NULL, NULL, &local_error))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not save the architecture to %s: %s"), name, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* For tests */

guint
lab_arch_editor_get_n_layers (LabArchEditor *self)
{
  return self->layers->len;
}

guint
lab_arch_editor_get_encoder_layers (LabArchEditor *self)
{
  return editor_encoder_layers (self);
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
  g_return_val_if_fail (layer < self->rows->len, NULL);
  return g_ptr_array_index (self->rows, layer);
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
  return gtk_label_get_text (self->total_label);
}

guint
lab_arch_editor_get_summary_rows (LabArchEditor *self)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    n += !gtk_widget_has_css_class (child, "header");
  return n;
}
