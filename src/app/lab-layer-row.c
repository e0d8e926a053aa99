#define G_LOG_DOMAIN "latentlab"

#include "lab-layer-row.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-spin-digits.h"

struct _LabLayerRow
{
  GtkListBoxRow        parent_instance;

  /* Template widgets */
  GtkLabel            *index_label;
  GtkDropDown         *type_dropdown;
  GtkBox              *options_box;
  GtkCheckButton      *latent_button;
  GtkWidget           *insert_button;
  GtkWidget           *up_button;
  GtkWidget           *down_button;
  GtkWidget           *remove_button;

  /* Owned */
  JsonObject          *layer;            /* the editor's object, a reference */
  GHashTable          *option_widgets;   /* key (owned) → widget (borrowed) */

  /* Borrowed: static class data */
  const LabLayerClass *klass;            /* NULL for a type LatentLab does not know */

  LabShape             input;            /* what the layer gets, when known */
  guint                syncing : 1;      /* the row itself sets its widgets */
};

enum {
  CHANGED,
  INSERT,
  REMOVE,
  MOVE,
  LATENT_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabLayerRow, lab_layer_row, GTK_TYPE_LIST_BOX_ROW)

static const char *
layer_type (JsonObject *layer)
{
  JsonNode *node = json_object_get_member (layer, "type");

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return "";
}

/* The member as a number: what a spin button shows for it; missing (or
 * not a number) gives the option's default. */
static double
member_number (JsonObject           *layer,
               const LabLayerOption *option)
{
  JsonNode *node = json_object_get_member (layer, option->key);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    switch (json_node_get_value_type (node))
      {
      case G_TYPE_INT64:
        return (double) json_node_get_int (node);
      case G_TYPE_DOUBLE:
        return json_node_get_double (node);
      case G_TYPE_BOOLEAN:
        return json_node_get_boolean (node);
      case G_TYPE_STRING:
        /* a name of a UINT_OR_NAME option: -1 - its index */
        for (guint i = 0; option->names && option->names[i]; i++)
          if (g_strcmp0 (json_node_get_string (node), option->names[i]) == 0)
            return -1.0 - i;
        break;
      default:
        break;
      }
  if (option->default_from != NULL)
    {
      const LabLayerClass *klass = lab_layer_class_find (layer_type (layer));

      return member_number (layer, lab_layer_class_find_option (klass, option->default_from));
    }
  return option->def;
}

/* Option controls */

/* Ties an option control to its row and option; owned by the control. */
typedef struct
{
  LabLayerRow          *row;
  const LabLayerOption *option;
} OptionBinding;

/* Fractions an editor writes: six significant digits, which drops the float
 * noise of stepping 0.2 by 0.01 and keeps 0.999 and 1e-05; whole numbers
 * stay integers in the JSON, as the presets write them. */
static void
set_fraction_member (JsonObject *layer,
                   const char *key,
                   double      value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  value = g_ascii_strtod (g_ascii_formatd (text, sizeof text, "%.6g", value), NULL);
  if (value == floor (value) && fabs (value) < 1e15)
    json_object_set_int_member (layer, key, (gint64) value);
  else
    json_object_set_double_member (layer, key, value);
}

/* An option that defaults to another one (a pool's stride) and is not
 * set shows that one's value as it changes. */
static void
sync_followers (LabLayerRow *self)
{
  self->syncing = TRUE;
  for (guint i = 0; self->klass && i < self->klass->n_options; i++)
    {
      const LabLayerOption *option = &self->klass->options[i];
      GtkWidget *spin = g_hash_table_lookup (self->option_widgets, option->key);

      if (option->default_from != NULL && GTK_IS_SPIN_BUTTON (spin)
          && !json_object_has_member (self->layer, option->key))
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), member_number (self->layer, option));
    }
  self->syncing = FALSE;
}

static void
on_option_changed (GtkWidget     *widget,
                   OptionBinding *binding)
{
  LabLayerRow *self = binding->row;
  const LabLayerOption *option = binding->option;

  if (self->syncing)
    return;

  switch (option->kind)
    {
    case LAB_OPTION_UINT:
      json_object_set_int_member (self->layer, option->key,
                                  gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (widget)));
      break;
    case LAB_OPTION_DOUBLE:
      set_fraction_member (self->layer, option->key, gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget)));
      break;
    case LAB_OPTION_UINT_OR_NAME:
      {
        int value = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (widget));

        if (value < 0)
          json_object_set_string_member (self->layer, option->key, option->names[-1 - value]);
        else
          json_object_set_int_member (self->layer, option->key, value);
      }
      break;
    case LAB_OPTION_BOOL:
      json_object_set_boolean_member (self->layer, option->key,
                                      gtk_check_button_get_active (GTK_CHECK_BUTTON (widget)));
      break;
    case LAB_OPTION_SHAPE:
      {
        JsonArray *array = json_array_new ();

        for (guint i = 0; i < 3; i++)
          {
            g_autofree char *key = g_strdup_printf ("%s.%u", option->key, i);
            GtkSpinButton *spin = g_hash_table_lookup (self->option_widgets, key);

            json_array_add_int_element (array, gtk_spin_button_get_value_as_int (spin));
          }
        json_object_set_array_member (self->layer, option->key, array);
      }
      break;
    default:
      g_assert_not_reached ();
    }
  sync_followers (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* A UINT_OR_NAME option spins below its range into its names: -1 is the
 * first name ("same"), -2 the second. */
static gboolean
named_output (GtkSpinButton *spin,
              OptionBinding *binding)
{
  int value = (int) lround (gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin)));

  if (value >= 0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), binding->option->names[-1 - value]);
  return TRUE;
}

static int
named_input (GtkSpinButton *spin,
             double        *new_value,
             OptionBinding *binding)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));
  const char * const *names = binding->option->names;

  for (guint i = 0; names[i]; i++)
    if (g_ascii_strcasecmp (text, names[i]) == 0)
      {
        *new_value = -1.0 - i;
        return TRUE;
      }
  return FALSE;
}

/* Fractions as short as they are ("0.2", "0.999", "0.00001"), not padded
 * to a fixed number of digits, in the window's numbers ("0,2" in French),
 * as the other spin buttons show theirs (lab-spin-digits.h); a value
 * below what six decimals hold (an epsilon of 1e-12) in six significant
 * digits. */
static gboolean
fraction_output (GtkSpinButton *spin,
                 OptionBinding *binding)
{
  double value = gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));
  g_autofree char *text = value != 0 && fabs (value) < 1e-6 ? g_strdup_printf ("%.6g", value)
                                                            : lab_spin_digits_text (value, 6);

  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

/* What the user types: the locale's decimal sign or a point, and an
 * exponent ("1e-5"). */
static int
fraction_input (GtkSpinButton *spin,
                double        *new_value,
                OptionBinding *binding)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  double value = g_strtod (text, &end);

  if (end == text)
    return GTK_INPUT_ERROR;
  *new_value = value;
  return TRUE;
}

static OptionBinding *
option_binding_new (LabLayerRow          *self,
                    GtkWidget            *widget,
                    const LabLayerOption *option)
{
  OptionBinding *binding = g_new0 (OptionBinding, 1);

  binding->row = self;
  binding->option = option;
  g_object_set_data_full (G_OBJECT (widget), "lab-option-binding", binding, g_free);
  return binding;
}

static GtkWidget *
option_spin_new (LabLayerRow          *self,
                 const LabLayerOption *option,
                 double                value,
                 const char           *key)
{
  guint n_names = option->names ? g_strv_length ((char **) option->names) : 0;
  GtkWidget *spin = gtk_spin_button_new_with_range (option->min - n_names, option->max, option->step);
  OptionBinding *binding = option_binding_new (self, spin, option);

  /* Room for "6272" units or a "0.25" rate; kernels and strides are short. */
  gtk_editable_set_width_chars (GTK_EDITABLE (spin),
                                option->kind == LAB_OPTION_SHAPE || option->kind == LAB_OPTION_DOUBLE
                                ? 4 : option->max > 4096 ? 5 : 3);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (spin, _(option->help));
  if (option->kind == LAB_OPTION_UINT_OR_NAME)
    {
      gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), FALSE);
      g_signal_connect (spin, "output", G_CALLBACK (named_output), binding);
      g_signal_connect (spin, "input", G_CALLBACK (named_input), binding);
    }
  else if (option->kind == LAB_OPTION_DOUBLE)
    {
      /* numeric would refuse the "e" of 1e-05 */
      gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), FALSE);
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 6);
      g_signal_connect (spin, "output", G_CALLBACK (fraction_output), binding);
      g_signal_connect (spin, "input", G_CALLBACK (fraction_input), binding);
    }
  else
    gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_option_changed), binding);
  g_hash_table_insert (self->option_widgets, g_strdup (key), spin);
  return spin;
}

static GtkWidget *
option_check_new (LabLayerRow          *self,
                  const LabLayerOption *option)
{
  GtkWidget *check = gtk_check_button_new ();
  OptionBinding *binding = option_binding_new (self, check, option);

  gtk_widget_set_tooltip_text (check, _(option->help));
  gtk_widget_set_halign (check, GTK_ALIGN_START);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), member_number (self->layer, option) != 0);
  g_signal_connect (check, "toggled", G_CALLBACK (on_option_changed), binding);
  g_hash_table_insert (self->option_widgets, g_strdup (option->key), check);
  return check;
}

static GtkWidget *
caption_new (const char *text,
             const char *tooltip)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "arch-option-label");
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_widget_set_tooltip_text (label, tooltip);
  return label;
}

/* [c, h, w], or [features] as [features, 1, 1]. */
static void
append_shape_spins (LabLayerRow          *self,
                    const LabLayerOption *option,
                    GtkBox               *controls)
{
  JsonNode *node = json_object_get_member (self->layer, option->key);
  JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  guint n = array ? json_array_get_length (array) : 0;
  double dims[3] = { 1, 1, 1 };

  for (guint d = 0; d < MIN (n, 3); d++)
    {
      JsonNode *e = json_array_get_element (array, d);

      if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_INT64)
        dims[d] = (double) json_node_get_int (e);
    }
  for (guint d = 0; d < 3; d++)
    {
      g_autofree char *key = g_strdup_printf ("%s.%u", option->key, d);

      if (d > 0)
        gtk_box_append (controls, caption_new ("×", NULL));
      gtk_box_append (controls, option_spin_new (self, option, dims[d], key));
    }
}

static void
build_options (LabLayerRow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->options_box))) != NULL)
    gtk_box_remove (self->options_box, child);
  g_hash_table_remove_all (self->option_widgets);

  if (self->klass == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("unknown type “%s”"), layer_type (self->layer));

      gtk_box_append (self->options_box, caption_new (text, NULL));
      return;
    }

  self->syncing = TRUE;
  /* Each option is a small caption over its control, so a conv row's four
   * options fit beside the summary on a 1280-pixel projector. */
  for (guint o = 0; o < self->klass->n_options; o++)
    {
      const LabLayerOption *option = &self->klass->options[o];
      GtkWidget *group = gtk_box_new (GTK_ORIENTATION_VERTICAL, 1);
      GtkWidget *controls = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

      gtk_widget_add_css_class (group, "arch-option");
      /* Controls take the row's height, so a lone check button sits level
       * with the spin buttons beside it. */
      gtk_widget_set_vexpand (controls, TRUE);
      gtk_box_append (GTK_BOX (group), caption_new (_(option->label), _(option->help)));
      gtk_box_append (GTK_BOX (group), controls);
      switch (option->kind)
        {
        case LAB_OPTION_UINT:
        case LAB_OPTION_UINT_OR_NAME:
        case LAB_OPTION_DOUBLE:
          gtk_box_append (GTK_BOX (controls),
                          option_spin_new (self, option, member_number (self->layer, option), option->key));
          break;
        case LAB_OPTION_BOOL:
          gtk_box_append (GTK_BOX (controls), option_check_new (self, option));
          break;
        case LAB_OPTION_SHAPE:
          append_shape_spins (self, option, GTK_BOX (controls));
          break;
        default:
          g_assert_not_reached ();
        }
      gtk_box_append (self->options_box, group);
    }
  self->syncing = FALSE;
}

static void
sync_type (LabLayerRow *self)
{
  guint n_classes, position = GTK_INVALID_LIST_POSITION;
  const LabLayerClass * const *classes = lab_layer_classes (&n_classes);

  self->klass = lab_layer_class_find (layer_type (self->layer));
  for (guint i = 0; i < n_classes; i++)
    if (classes[i] == self->klass)
      position = i;
  self->syncing = TRUE;
  gtk_drop_down_set_selected (self->type_dropdown, position);
  self->syncing = FALSE;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->type_dropdown),
                               self->klass ? _(self->klass->help)
                                           : _("A layer type LatentLab does not know"));
  build_options (self);
}

/* A new layer of klass: every option at the value a new layer starts
 * with, except those the old layer has and the new type takes (a conv2d
 * turned into a conv_transpose2d keeps its filters, kernel and stride).
 * An option that defaults to another one is left out, so it follows it. */
static JsonObject *
layer_of_class (const LabLayerClass *klass,
                JsonObject          *old,
                LabShape             in)
{
  JsonObject *layer = json_object_new ();

  json_object_set_string_member (layer, "type", klass->type);
  for (guint i = 0; i < klass->n_options; i++)
    {
      const LabLayerOption *option = &klass->options[i];
      JsonNode *node = old ? json_object_get_member (old, option->key) : NULL;
      union { guint u; gint i; double d; gboolean b; LabOptionShape s; } value;

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node)
          && lab_layer_option_read (klass, option, node, &value, NULL))
        json_object_set_member (layer, option->key, json_node_copy (node));
      else if (option->default_from != NULL)
        continue;
      else if (option->kind == LAB_OPTION_SHAPE)
        {
          JsonArray *shape = json_array_new ();

          json_array_add_int_element (shape, in.c ? in.c : (gint64) option->fresh);
          json_array_add_int_element (shape, in.c ? in.h : 1);
          json_array_add_int_element (shape, in.c ? in.w : 1);
          json_object_set_array_member (layer, option->key, shape);
        }
      else if (option->kind == LAB_OPTION_BOOL)
        json_object_set_boolean_member (layer, option->key, option->fresh != 0);
      else if (option->kind == LAB_OPTION_UINT_OR_NAME && option->fresh < 0)
        json_object_set_string_member (layer, option->key, option->names[(int) (-1 - option->fresh)]);
      else if (option->kind == LAB_OPTION_DOUBLE)
        set_fraction_member (layer, option->key, option->fresh);
      else
        json_object_set_int_member (layer, option->key, (gint64) option->fresh);
    }
  return layer;
}

static void
on_type_selected (LabLayerRow *self)
{
  guint n_classes, selected = gtk_drop_down_get_selected (self->type_dropdown);
  const LabLayerClass * const *classes = lab_layer_classes (&n_classes);
  JsonObject *old;

  if (self->syncing || selected >= n_classes || classes[selected] == self->klass)
    return;
  old = self->layer;
  self->layer = layer_of_class (classes[selected], old, self->input);
  json_object_unref (old);
  sync_type (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_latent_toggled (LabLayerRow *self)
{
  if (!self->syncing && gtk_check_button_get_active (self->latent_button))
    g_signal_emit (self, signals[LATENT_CHOSEN], 0);
}

static void
on_insert_clicked (LabLayerRow *self)
{
  g_signal_emit (self, signals[INSERT], 0);
}

static void
on_remove_clicked (LabLayerRow *self)
{
  g_signal_emit (self, signals[REMOVE], 0);
}

static void
on_up_clicked (LabLayerRow *self)
{
  g_signal_emit (self, signals[MOVE], 0, -1);
}

static void
on_down_clicked (LabLayerRow *self)
{
  g_signal_emit (self, signals[MOVE], 0, +1);
}

static void
lab_layer_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_LAYER_ROW);

  G_OBJECT_CLASS (lab_layer_row_parent_class)->dispose (object);
}

static void
lab_layer_row_finalize (GObject *object)
{
  LabLayerRow *self = LAB_LAYER_ROW (object);

  g_clear_pointer (&self->option_widgets, g_hash_table_unref);
  g_clear_pointer (&self->layer, json_object_unref);

  G_OBJECT_CLASS (lab_layer_row_parent_class)->finalize (object);
}

static void
lab_layer_row_class_init (LabLayerRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_layer_row_dispose;
  object_class->finalize = lab_layer_row_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[INSERT] = g_signal_new ("insert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[MOVE] = g_signal_new ("move", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[LATENT_CHOSEN] = g_signal_new ("latent-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-layer-row.ui");
  gtk_widget_class_set_css_name (widget_class, "row");
  gtk_widget_class_bind_template_child (widget_class, LabLayerRow, index_label);
  gtk_widget_class_bind_template_child (widget_class, LabLayerRow, type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabLayerRow, options_box);
  gtk_widget_class_bind_template_child (widget_class, LabLayerRow, latent_button);
  gtk_widget_class_bind_template_child (widget_class, LabLayerRow, insert_button);
  gtk_widget_class_bind_template_child (widget_class, LabLayerRow, up_button);
  gtk_widget_class_bind_template_child (widget_class, LabLayerRow, down_button);
  gtk_widget_class_bind_template_child (widget_class, LabLayerRow, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, on_latent_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_insert_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_up_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_down_clicked);
}

static void
lab_layer_row_init (LabLayerRow *self)
{
  guint n_classes;
  const LabLayerClass * const *classes = lab_layer_classes (&n_classes);
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->option_widgets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n_classes; i++)
    gtk_string_list_append (types, classes[i]->type);
  gtk_drop_down_set_model (self->type_dropdown, G_LIST_MODEL (types));
  g_signal_connect_swapped (self->type_dropdown, "notify::selected", G_CALLBACK (on_type_selected), self);
}

LabLayerRow *
lab_layer_row_new (JsonObject *layer)
{
  LabLayerRow *self;

  g_return_val_if_fail (layer != NULL, NULL);

  self = g_object_new (LAB_TYPE_LAYER_ROW, NULL);
  self->layer = json_object_ref (layer);
  sync_type (self);
  return self;
}

JsonObject *
lab_layer_row_get_layer (LabLayerRow *self)
{
  g_return_val_if_fail (LAB_IS_LAYER_ROW (self), NULL);

  return self->layer;
}

void
lab_layer_row_set_position (LabLayerRow *self,
                            guint        index,
                            guint        n_layers,
                            gboolean     can_insert)
{
  g_autofree char *text = g_strdup_printf ("%u", index);

  g_return_if_fail (LAB_IS_LAYER_ROW (self));

  gtk_label_set_text (self->index_label, text);
  gtk_widget_set_sensitive (self->insert_button, can_insert);
  gtk_widget_set_sensitive (self->up_button, index > 0);
  gtk_widget_set_sensitive (self->down_button, index + 1 < n_layers);
  gtk_widget_set_sensitive (self->remove_button, n_layers > 1);
}

void
lab_layer_row_set_input (LabLayerRow *self,
                         LabShape     in)
{
  g_return_if_fail (LAB_IS_LAYER_ROW (self));

  self->input = in;
}

GtkCheckButton *
lab_layer_row_get_latent_button (LabLayerRow *self)
{
  g_return_val_if_fail (LAB_IS_LAYER_ROW (self), NULL);

  return self->latent_button;
}

GtkDropDown *
lab_layer_row_get_type_dropdown (LabLayerRow *self)
{
  g_return_val_if_fail (LAB_IS_LAYER_ROW (self), NULL);

  return self->type_dropdown;
}

GtkWidget *
lab_layer_row_get_button (LabLayerRow *self,
                          const char  *which)
{
  g_return_val_if_fail (LAB_IS_LAYER_ROW (self), NULL);

  if (g_strcmp0 (which, "latent") == 0)
    return GTK_WIDGET (self->latent_button);
  if (g_strcmp0 (which, "insert") == 0)
    return self->insert_button;
  if (g_strcmp0 (which, "up") == 0)
    return self->up_button;
  if (g_strcmp0 (which, "down") == 0)
    return self->down_button;
  if (g_strcmp0 (which, "remove") == 0)
    return self->remove_button;
  if (g_strcmp0 (which, "type") == 0)
    return GTK_WIDGET (self->type_dropdown);
  return NULL;
}

GtkWidget *
lab_layer_row_get_option_widget (LabLayerRow *self,
                                 const char  *key)
{
  g_return_val_if_fail (LAB_IS_LAYER_ROW (self), NULL);

  return g_hash_table_lookup (self->option_widgets, key);
}

guint
lab_layer_row_get_n_option_widgets (LabLayerRow *self)
{
  g_return_val_if_fail (LAB_IS_LAYER_ROW (self), 0);

  return g_hash_table_size (self->option_widgets);
}
