#define G_LOG_DOMAIN "latentlab"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-arch-editor-private.h"
#include "lab-format.h"
#include "lab-layer.h"
#include "lab-model.h"
#include "lab-presets.h"
#include "lab-spec.h"

/* How an option is edited. */
typedef enum
{
  OPT_UINT,
  OPT_DOUBLE,
  OPT_BOOL,
  OPT_PADDING,   /* conv2d: a number, or "same" (shown and stored as -1 ↔ "same") */
  OPT_SHAPE,     /* reshape: [channels, height, width] */
} OptionKind;

typedef struct
{
  const char *key;       /* the JSON member */
  const char *label;
  const char *tooltip;
  OptionKind  kind;
  double      min, max, step;
  guint       digits;
  double      missing;   /* what the engine uses when the member is absent */
} OptionInfo;

#define MAX_OPTIONS 5

typedef struct
{
  const char *type;
  const char *tooltip;
  /* A new layer of this type, options that suit an autoencoder. */
  const char *fresh;
  OptionInfo  options[MAX_OPTIONS];
} TypeInfo;

#define OPT_FILTERS { "filters", N_("filters"), N_("Output channels: how many patterns the layer learns"), OPT_UINT, 1, 4096, 1, 0, 16 }
#define OPT_KERNEL  { "kernel", N_("kernel"), N_("Kernel size: each output sees kernel×kernel input pixels"), OPT_UINT, 1, 64, 1, 0, 3 }
#define OPT_STRIDE  { "stride", N_("stride"), N_("Step between kernel positions: 2 halves the image (doubles it, transposed)"), OPT_UINT, 1, 64, 1, 0, 1 }

/* In the order of the type dropdown: the image layers, the vector layers,
 * activations, then the rest. */
static const TypeInfo type_infos[] = {
  { "conv2d", N_("Convolution: slides learned kernel×kernel patterns over the image"),
    "{\"type\":\"conv2d\",\"filters\":16,\"kernel\":3,\"stride\":1,\"padding\":1}",
    { OPT_FILTERS, OPT_KERNEL, OPT_STRIDE,
      { "padding", N_("padding"), N_("Zero pixels added on every side; “same” keeps the size at stride 1"),
        OPT_PADDING, -1, 64, 1, 0, 0 } } },
  { "conv_transpose2d", N_("Transposed convolution: a convolution run backwards; stride 2 doubles the image"),
    "{\"type\":\"conv_transpose2d\",\"filters\":16,\"kernel\":3,\"stride\":2,\"padding\":1,\"output_padding\":1}",
    { OPT_FILTERS, OPT_KERNEL, OPT_STRIDE,
      { "padding", N_("padding"), N_("Pixels taken off every side of the output"), OPT_UINT, 0, 64, 1, 0, 0 },
      { "output_padding", N_("out pad"), N_("Extra rows and columns on one side, to reach an exact size (less than the stride)"),
        OPT_UINT, 0, 63, 1, 0, 0 } } },
  { "maxpool2d", N_("Max pooling: keeps the largest value of each pool×pool block"),
    "{\"type\":\"maxpool2d\",\"pool\":2}",
    { { "pool", N_("pool"), N_("Block size: 2 halves the image"), OPT_UINT, 1, 64, 1, 0, 2 },
      { "ceil_mode", N_("ceil"), N_("Round the size up: a partial block at the edge still gives an output (7 → 4)"),
        OPT_BOOL, 0, 1, 1, 0, 0 } } },
  { "avgpool2d", N_("Average pooling: the mean of each pool×pool block"),
    "{\"type\":\"avgpool2d\",\"pool\":2}",
    { { "pool", N_("pool"), N_("Block size: 2 halves the image"), OPT_UINT, 1, 64, 1, 0, 2 } } },
  { "upsample2d", N_("Upsampling: repeats every pixel scale×scale times"),
    "{\"type\":\"upsample2d\",\"scale\":2}",
    { { "scale", N_("scale"), N_("How many times larger the image gets"), OPT_UINT, 1, 64, 1, 0, 2 } } },
  { "dense", N_("Fully connected: every output unit sees every input value"),
    "{\"type\":\"dense\",\"units\":64}",
    { { "units", N_("units"), N_("Output values; in the encoder’s last layer, the latent size"),
        OPT_UINT, 1, 1 << 20, 1, 0, 64 } } },
  { "flatten", N_("Flattens the image into one long vector for dense layers"), "{\"type\":\"flatten\"}", { { NULL } } },
  { "reshape", N_("Turns a vector back into channels × height × width"), NULL,
    { { "shape", N_("shape"), N_("Channels × height × width; their product must equal the input size"),
        OPT_SHAPE, 1, 1 << 24, 1, 0, 1 } } },
  { "batchnorm2d", N_("Batch normalization per channel: steadier, faster training"), "{\"type\":\"batchnorm2d\"}", { { NULL } } },
  { "batchnorm1d", N_("Batch normalization per value of a vector"), "{\"type\":\"batchnorm1d\"}", { { NULL } } },
  { "relu", N_("ReLU: max(0, x)"), "{\"type\":\"relu\"}", { { NULL } } },
  { "leaky_relu", N_("Leaky ReLU: x when positive, slope·x otherwise"),
    "{\"type\":\"leaky_relu\",\"slope\":0.2}",
    { { "slope", N_("slope"), N_("How much of a negative input gets through"), OPT_DOUBLE, 0, 0.99, 0.01, 2, 0.01 } } },
  { "sigmoid", N_("Sigmoid: squashes to 0…1, the usual image output for cross-entropy"), "{\"type\":\"sigmoid\"}", { { NULL } } },
  { "tanh", N_("Tanh: squashes to −1…1"), "{\"type\":\"tanh\"}", { { NULL } } },
  { "softmax", N_("Softmax: turns scores into class probabilities"), "{\"type\":\"softmax\"}", { { NULL } } },
  { "dropout", N_("Dropout: zeroes a random fraction of the values while training"),
    "{\"type\":\"dropout\",\"rate\":0.2}",
    { { "rate", N_("rate"), N_("The fraction of values zeroed"), OPT_DOUBLE, 0, 0.99, 0.05, 2, 0.5 } } },
  { "vae_sample", N_("Variational sampling: splits its input into means and log-variances and draws the latent"),
    "{\"type\":\"vae_sample\",\"beta\":1}",
    { { "beta", N_("beta"), N_("Weight of the KL term that keeps the latent near a standard normal"),
        OPT_DOUBLE, 0, 1000, 0.1, 2, 1 } } },
};

/* The loss dropdown's order. */
static const LabLossKind loss_order[] = { LAB_LOSS_MSE, LAB_LOSS_BCE, LAB_LOSS_SOFTMAX_CE };

/* One layer row of the list. Owned by its GtkListBoxRow (object data). */
typedef struct
{
  LabArchEditor   *editor;          /* borrowed */
  JsonObject      *layer;           /* a reference to the object in editor->layers */
  GtkWidget       *row;             /* borrowed: the GtkListBoxRow */
  GtkLabel        *index_label;
  GtkDropDown     *type_dropdown;
  GtkWidget       *options_box;
  GtkCheckButton  *latent_button;
  GtkWidget       *insert_button;
  GtkWidget       *up_button;
  GtkWidget       *down_button;
  GtkWidget       *remove_button;
  GHashTable      *option_widgets;  /* key → widget, borrowed */
} LayerRow;

/* Ties an option widget to its row and option. */
typedef struct
{
  LayerRow         *row;
  const OptionInfo *info;
} OptionBinding;

/* One line of the summary, computed by validation. */
typedef struct
{
  char     *label;    /* "conv2d_1 (Conv2D)" */
  char     *shape;    /* "(None, 14, 14, 32)" */
  LabShape  out;
  gsize     params;   /* trainable + running statistics */
  guint     index;
  gboolean  latent;
  gboolean  failed;
} SummaryLine;

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
  GPtrArray            *rows;             /* (element-type LayerRow) borrowed, in order */

  /* Owned: the last validation */
  LabSpec              *spec;             /* NULL while invalid */
  char                 *error;
  int                   error_layer;
  char                 *notice;           /* an import or set that failed, until the next edit */
  GPtrArray            *summary;          /* (element-type SummaryLine) */
  gsize                 n_params;
  gsize                 n_buffers;
  guint64               macs;
  LabShape              latent_shape;     /* zero while unknown */
  LabShape              output_shape;

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

static const TypeInfo *
type_info_find (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (type_infos); i++)
    if (g_strcmp0 (type_infos[i].type, type) == 0)
      return &type_infos[i];
  return NULL;
}

static guint
type_info_position (const TypeInfo *info)
{
  return info ? (guint) (info - type_infos) : GTK_INVALID_LIST_POSITION;
}

static const char *
layer_type (JsonObject *layer)
{
  JsonNode *node = json_object_get_member (layer, "type");

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return "";
}

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

static JsonObject *
layer_from_string (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, json, -1, NULL))
    g_assert_not_reached ();
  return layer_copy (json_node_get_object (json_parser_get_root (parser)));
}

static double
member_number (JsonObject *layer,
               const char *key,
               double      missing)
{
  JsonNode *node = json_object_get_member (layer, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return missing;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return (double) json_node_get_int (node);
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node);
    default:
      return missing;
    }
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

static int
layer_row_index (LayerRow *lr)
{
  guint index;

  if (g_ptr_array_find (lr->editor->layers, lr->layer, &index))
    return (int) index;
  return -1;
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
summary_line_free (SummaryLine *line)
{
  g_free (line->label);
  g_free (line->shape);
  g_free (line);
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

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_list))) != NULL)
    gtk_list_box_remove (self->summary_list, child);

  summary_add_row (self, "#", _("Layer (type)"), _("Output shape"), _("Param #"), "header");
  summary_add_row (self, "", "input (InputLayer)", input_shape, "0", NULL);
  for (guint i = 0; i < self->summary->len; i++)
    {
      SummaryLine *line = g_ptr_array_index (self->summary, i);
      g_autofree char *index = g_strdup_printf ("%u", line->index);
      g_autofree char *params = line->failed ? g_strdup ("") : lab_format_count (line->params);

      summary_add_row (self, index, line->label, line->shape, params,
                       line->failed ? "error" : line->latent ? "latent" : NULL);
    }
}

static void
editor_update_totals (LabArchEditor *self)
{
  if (self->spec != NULL)
    {
      g_autofree char *total = lab_format_count (self->n_params + self->n_buffers);
      g_autofree char *trainable = lab_format_count (self->n_params);
      g_autofree char *frozen = lab_format_count (self->n_buffers);
      g_autofree char *latent = lab_shape_to_keras (self->latent_shape);
      g_autofree char *latent_size = lab_format_count (lab_shape_size (self->latent_shape));
      g_autofree char *details = NULL;
      double macs = (double) self->macs;
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
  LabShape in = self->input, out = self->output_shape;
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
      LayerRow *lr = g_ptr_array_index (self->rows, i);

      set_css_class (lr->row, "error", (int) i == self->error_layer);
      set_css_class (lr->row, "latent", lr->layer == self->latent);
    }
}

/* Validation: the spec's structure (lab_spec_new_from_node), then each
 * layer's shape setup in turn, as lab_model_new does but without its
 * parameter arrays, so huge edits stay instant. A layer that fails is
 * reported with lab_model_new's own message (it fails at the same layer,
 * before allocating anything). */
static void
editor_validate (LabArchEditor *self)
{
  g_autoptr(JsonNode) node = editor_build_node (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean was_valid = self->spec != NULL;
  const gsize limit = LAB_MAX_ALLOC_BYTES / sizeof (float);
  LabShape shape;
  int failed = -1;

  g_clear_pointer (&self->spec, lab_spec_free);
  g_clear_pointer (&self->error, g_free);
  g_ptr_array_set_size (self->summary, 0);
  self->error_layer = -1;
  self->n_params = self->n_buffers = 0;
  self->macs = 0;
  self->latent_shape = self->output_shape = (LabShape) { 0, 0, 0 };

  spec = lab_spec_new_from_node (node, NULL, &error);
  if (spec == NULL)
    {
      self->error = g_strdup (error->message);
      goto done;
    }

  shape = spec->input;
  for (guint i = 0; i < lab_spec_n_layers (spec); i++)
    {
      JsonObject *obj = lab_spec_get_layer (spec, i);
      g_autoptr(LabLayer) layer = lab_layer_new_from_json (obj, &error);
      SummaryLine *line;
      guint k;

      if (layer == NULL || !lab_layer_setup (layer, shape, &error)
          || lab_shape_size (layer->out) == 0
          || self->n_params + layer->n_params > limit
          || self->n_buffers + layer->n_buffers > limit)
        {
          failed = (int) i;
          break;
        }

      /* Keras numbers repeated layers: conv2d, conv2d_1, ... */
      k = GPOINTER_TO_UINT (g_hash_table_lookup (seen, layer->klass->type));
      g_hash_table_insert (seen, (gpointer) layer->klass->type, GUINT_TO_POINTER (k + 1));
      line = g_new0 (SummaryLine, 1);
      line->index = i;
      line->label = k == 0 ? g_strdup_printf ("%s (%s)", layer->klass->type, layer->klass->title)
                           : g_strdup_printf ("%s_%u (%s)", layer->klass->type, k, layer->klass->title);
      line->shape = lab_shape_to_keras (layer->out);
      line->out = layer->out;
      line->params = layer->n_params + layer->n_buffers;
      line->latent = i + 1 == spec->encoder_layers;
      g_ptr_array_add (self->summary, line);

      self->n_params += layer->n_params;
      self->n_buffers += layer->n_buffers;
      self->macs += layer->macs;
      if (line->latent)
        self->latent_shape = layer->out;
      shape = layer->out;
    }

  if (failed >= 0)
    {
      g_autoptr(GError) model_error = NULL;
      g_autoptr(LabModel) model = lab_model_new (spec, &model_error);
      SummaryLine *line = g_new0 (SummaryLine, 1);

      self->error_layer = failed;
      if (model_error != NULL)
        self->error = g_strdup (model_error->message);
      else if (error != NULL)
        self->error = g_strdup_printf (_("Layer %d (%s): %s"), failed,
                                       lab_spec_get_layer_type (spec, failed), error->message);
      else
        self->error = g_strdup_printf (_("Layer %d (%s) does not fit its input"), failed,
                                       lab_spec_get_layer_type (spec, failed));
      line->index = failed;
      line->label = g_strdup (lab_spec_get_layer_type (spec, failed));
      line->shape = g_strdup (_("does not fit"));
      line->failed = TRUE;
      g_ptr_array_add (self->summary, line);
      self->n_params = self->n_buffers = 0;
      self->macs = 0;
      goto done;
    }

  self->output_shape = shape;
  self->spec = g_steal_pointer (&spec);

done:
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

static void
on_option_changed (GtkWidget     *widget,
                   OptionBinding *binding)
{
  LayerRow *lr = binding->row;
  LabArchEditor *self = lr->editor;
  const OptionInfo *info = binding->info;

  if (self->syncing)
    return;

  switch (info->kind)
    {
    case OPT_UINT:
      json_object_set_int_member (lr->layer, info->key,
                                  (gint64) gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (widget)));
      break;
    case OPT_DOUBLE:
      {
        double scale = pow (10.0, info->digits);
        double value = round (gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget)) * scale) / scale;

        /* Whole numbers stay integers in the JSON, as the presets write them. */
        if (value == floor (value))
          json_object_set_int_member (lr->layer, info->key, (gint64) value);
        else
          json_object_set_double_member (lr->layer, info->key, value);
      }
      break;
    case OPT_BOOL:
      json_object_set_boolean_member (lr->layer, info->key,
                                      gtk_check_button_get_active (GTK_CHECK_BUTTON (widget)));
      break;
    case OPT_PADDING:
      {
        int value = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (widget));

        if (value < 0)
          json_object_set_string_member (lr->layer, info->key, "same");
        else
          json_object_set_int_member (lr->layer, info->key, value);
      }
      break;
    case OPT_SHAPE:
      {
        JsonArray *array = json_array_new ();

        for (guint i = 0; i < 3; i++)
          {
            g_autofree char *key = g_strdup_printf ("shape.%u", i);
            GtkSpinButton *spin = g_hash_table_lookup (lr->option_widgets, key);

            json_array_add_int_element (array, gtk_spin_button_get_value_as_int (spin));
          }
        json_object_set_array_member (lr->layer, info->key, array);
      }
      break;
    default:
      g_assert_not_reached ();
    }
  editor_edited (self);
}

static gboolean
padding_output (GtkSpinButton *spin,
                gpointer       data)
{
  if (gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin)) < 0)
    {
      gtk_editable_set_text (GTK_EDITABLE (spin), "same");
      return TRUE;
    }
  return FALSE;
}

static int
padding_input (GtkSpinButton *spin,
               double        *new_value,
               gpointer       data)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));

  if (g_ascii_strcasecmp (text, "same") == 0)
    {
      *new_value = -1;
      return TRUE;
    }
  return FALSE;
}

static GtkWidget *
option_spin_new (LayerRow         *lr,
                 const OptionInfo *info,
                 double            value,
                 const char       *key)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (info->min, info->max, info->step);
  OptionBinding *binding = g_new0 (OptionBinding, 1);

  binding->row = lr;
  binding->info = info;
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), info->digits);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), info->kind != OPT_PADDING);
  /* Room for "6272" units or a "0.25" rate; kernels and strides are short. */
  gtk_editable_set_width_chars (GTK_EDITABLE (spin),
                                info->kind == OPT_SHAPE || info->digits ? 4 : info->max > 4096 ? 5 : 3);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (spin, _(info->tooltip));
  if (info->kind == OPT_PADDING)
    {
      g_signal_connect (spin, "output", G_CALLBACK (padding_output), NULL);
      g_signal_connect (spin, "input", G_CALLBACK (padding_input), NULL);
    }
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  g_object_set_data_full (G_OBJECT (spin), "lab-option-binding", binding, g_free);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_option_changed), binding);
  g_hash_table_insert (lr->option_widgets, g_strdup (key), spin);
  return spin;
}

static GtkWidget *
option_caption_new (const OptionInfo *info)
{
  GtkWidget *label = gtk_label_new (_(info->label));

  gtk_widget_add_css_class (label, "arch-option-label");
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_widget_set_tooltip_text (label, _(info->tooltip));
  return label;
}

static void
layer_row_build_options (LayerRow *lr)
{
  const char *type = layer_type (lr->layer);
  const TypeInfo *tinfo = type_info_find (type);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (lr->options_box)) != NULL)
    gtk_box_remove (GTK_BOX (lr->options_box), child);
  g_hash_table_remove_all (lr->option_widgets);

  if (tinfo == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("unknown type “%s”"), type);
      GtkWidget *label = gtk_label_new (text);

      gtk_widget_add_css_class (label, "arch-option-label");
      gtk_box_append (GTK_BOX (lr->options_box), label);
      return;
    }

  /* Each option is a small caption over its control, so a conv row's four
   * options fit beside the summary on a 1280-pixel projector. */
  for (guint o = 0; o < MAX_OPTIONS && tinfo->options[o].key; o++)
    {
      const OptionInfo *info = &tinfo->options[o];
      GtkWidget *group = gtk_box_new (GTK_ORIENTATION_VERTICAL, 1);
      GtkWidget *controls = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

      gtk_widget_add_css_class (group, "arch-option");
      /* Controls take the row's height, so a lone check button sits level
       * with the spin buttons beside it. */
      gtk_widget_set_vexpand (controls, TRUE);
      gtk_box_append (GTK_BOX (group), option_caption_new (info));
      gtk_box_append (GTK_BOX (group), controls);
      switch (info->kind)
        {
        case OPT_UINT:
        case OPT_DOUBLE:
          gtk_box_append (GTK_BOX (controls),
                          option_spin_new (lr, info, member_number (lr->layer, info->key, info->missing),
                                           info->key));
          break;
        case OPT_PADDING:
          {
            JsonNode *node = json_object_get_member (lr->layer, info->key);
            double value;

            if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
              value = g_strcmp0 (json_node_get_string (node), "same") == 0 ? -1 : 0;
            else
              value = member_number (lr->layer, info->key, info->missing);
            gtk_box_append (GTK_BOX (controls), option_spin_new (lr, info, value, info->key));
          }
          break;
        case OPT_BOOL:
          {
            GtkWidget *check = gtk_check_button_new ();
            OptionBinding *binding = g_new0 (OptionBinding, 1);

            binding->row = lr;
            binding->info = info;
            gtk_widget_set_tooltip_text (check, _(info->tooltip));
            gtk_widget_set_halign (check, GTK_ALIGN_START);
            gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
            gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                         member_number (lr->layer, info->key, info->missing) != 0);
            g_object_set_data_full (G_OBJECT (check), "lab-option-binding", binding, g_free);
            g_signal_connect (check, "toggled", G_CALLBACK (on_option_changed), binding);
            g_hash_table_insert (lr->option_widgets, g_strdup (info->key), check);
            gtk_box_append (GTK_BOX (controls), check);
          }
          break;
        case OPT_SHAPE:
          {
            JsonNode *node = json_object_get_member (lr->layer, info->key);
            JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
            guint n = array ? json_array_get_length (array) : 0;
            double dims[3] = { 1, 1, 1 };

            /* [features] is the same as [features, 1, 1]. */
            for (guint d = 0; d < MIN (n, 3); d++)
              {
                JsonNode *e = json_array_get_element (array, d);

                if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_INT64)
                  dims[d] = (double) json_node_get_int (e);
              }
            for (guint d = 0; d < 3; d++)
              {
                g_autofree char *key = g_strdup_printf ("shape.%u", d);

                if (d > 0)
                  {
                    GtkWidget *times = gtk_label_new ("×");

                    gtk_widget_add_css_class (times, "arch-option-label");
                    gtk_box_append (GTK_BOX (controls), times);
                  }
                gtk_box_append (GTK_BOX (controls), option_spin_new (lr, info, dims[d], key));
              }
          }
          break;
        default:
          g_assert_not_reached ();
        }
      gtk_box_append (GTK_BOX (lr->options_box), group);
    }
}

/* A fresh layer of type, keeping the options it shares with old (a conv2d
 * turned into a conv_transpose2d keeps its filters, kernel and stride). */
static JsonObject *
layer_of_type (LabArchEditor  *self,
               const TypeInfo *tinfo,
               JsonObject     *old,
               guint           index)
{
  JsonObject *layer;

  if (tinfo->fresh != NULL)
    layer = layer_from_string (tinfo->fresh);
  else
    {
      /* reshape: to the shape it gets, so it starts out fitting. */
      LabShape in = self->input;
      JsonArray *shape = json_array_new ();

      if (index > 0 && index - 1 < self->summary->len)
        {
          SummaryLine *line = g_ptr_array_index (self->summary, index - 1);

          if (!line->failed)
            in = line->out;
        }
      json_array_add_int_element (shape, in.c);
      json_array_add_int_element (shape, in.h);
      json_array_add_int_element (shape, in.w);
      layer = json_object_new ();
      json_object_set_string_member (layer, "type", tinfo->type);
      json_object_set_array_member (layer, "shape", shape);
    }

  for (guint o = 0; old && o < MAX_OPTIONS && tinfo->options[o].key; o++)
    {
      const OptionInfo *info = &tinfo->options[o];
      JsonNode *node = json_object_get_member (old, info->key);

      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
        continue;
      if (json_node_get_value_type (node) == G_TYPE_INT64
          && (info->kind == OPT_UINT || info->kind == OPT_PADDING)
          && json_node_get_int (node) >= info->min && json_node_get_int (node) <= info->max)
        json_object_set_int_member (layer, info->key, json_node_get_int (node));
      else if (json_node_get_value_type (node) == G_TYPE_STRING && info->kind == OPT_PADDING)
        json_object_set_string_member (layer, info->key, json_node_get_string (node));
    }
  return layer;
}

static void
on_type_changed (GtkDropDown *dropdown,
                 GParamSpec  *pspec,
                 LayerRow    *lr)
{
  LabArchEditor *self = lr->editor;
  guint selected = gtk_drop_down_get_selected (dropdown);
  int index = layer_row_index (lr);
  JsonObject *layer, *old;

  if (self->syncing || index < 0 || selected >= G_N_ELEMENTS (type_infos))
    return;
  if (g_strcmp0 (layer_type (lr->layer), type_infos[selected].type) == 0)
    return;

  old = lr->layer;
  layer = layer_of_type (self, &type_infos[selected], old, index);
  if (self->latent == old)
    self->latent = layer;
  /* The old object had two references, the array's and the row's. */
  g_ptr_array_index (self->layers, index) = layer;
  lr->layer = json_object_ref (layer);
  json_object_unref (old);
  json_object_unref (old);
  gtk_widget_set_tooltip_text (GTK_WIDGET (dropdown), _(type_infos[selected].tooltip));
  layer_row_build_options (lr);
  editor_edited (self);
}

static void
on_latent_toggled (GtkCheckButton *button,
                   LayerRow       *lr)
{
  LabArchEditor *self = lr->editor;

  if (self->syncing || !gtk_check_button_get_active (button) || self->latent == lr->layer)
    return;
  self->latent = lr->layer;
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
      LayerRow *lr = g_ptr_array_index (self->rows, i);

      if (lr->layer == layer)
        {
          GtkWidget *button = lab_arch_editor_get_row_button (self, i, which);

          if (button && gtk_widget_get_sensitive (button))
            gtk_widget_grab_focus (button);
          else
            gtk_widget_grab_focus (GTK_WIDGET (lr->type_dropdown));
          return;
        }
    }
}

static void
on_insert_clicked (GtkButton *button,
                   LayerRow  *lr)
{
  LabArchEditor *self = lr->editor;
  int index = layer_row_index (lr);
  JsonObject *copy;

  if (index < 0 || self->layers->len >= LAB_SPEC_MAX_LAYERS)
    return;
  copy = layer_copy (lr->layer);
  g_ptr_array_insert (self->layers, index + 1, copy);
  editor_rebuild_rows (self);
  editor_edited (self);
  editor_focus_row_button (self, copy, "type");
}

static void
on_remove_clicked (GtkButton *button,
                   LayerRow  *lr)
{
  LabArchEditor *self = lr->editor;
  int index = layer_row_index (lr);
  JsonObject *next_focus;

  if (index < 0 || self->layers->len <= 1)
    return;
  if (self->latent == lr->layer)
    self->latent = g_ptr_array_index (self->layers, index > 0 ? index - 1 : 1);
  next_focus = g_ptr_array_index (self->layers, (guint) index + 1 < self->layers->len ? index + 1 : index - 1);
  g_ptr_array_remove_index (self->layers, index);
  editor_rebuild_rows (self);
  editor_edited (self);
  editor_focus_row_button (self, next_focus, "remove");
}

static void
editor_move (LayerRow   *lr,
             int         delta,
             const char *which)
{
  LabArchEditor *self = lr->editor;
  int index = layer_row_index (lr);
  JsonObject *layer = lr->layer;
  gpointer *pdata = self->layers->pdata;
  gpointer tmp;

  if (index < 0 || index + delta < 0 || index + delta >= (int) self->layers->len)
    return;
  tmp = pdata[index];
  pdata[index] = pdata[index + delta];
  pdata[index + delta] = tmp;
  editor_rebuild_rows (self);
  editor_edited (self);
  editor_focus_row_button (self, layer, which);
}

static void
on_up_clicked (GtkButton *button,
               LayerRow  *lr)
{
  editor_move (lr, -1, "up");
}

static void
on_down_clicked (GtkButton *button,
                 LayerRow  *lr)
{
  editor_move (lr, +1, "down");
}

static void
layer_row_free (LayerRow *lr)
{
  g_clear_pointer (&lr->option_widgets, g_hash_table_unref);
  g_clear_pointer (&lr->layer, json_object_unref);
  g_free (lr);
}

static GtkWidget *
row_icon_button (const char *icon_name,
                 const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static LayerRow *
layer_row_new (LabArchEditor  *self,
               guint           index,
               GtkCheckButton *group)
{
  LayerRow *lr = g_new0 (LayerRow, 1);
  JsonObject *layer = g_ptr_array_index (self->layers, index);
  const TypeInfo *tinfo = type_info_find (layer_type (layer));
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autofree char *index_text = g_strdup_printf ("%u", index);
  GtkWidget *box, *buttons;

  lr->editor = self;
  lr->layer = json_object_ref (layer);
  lr->option_widgets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (box, "arch-layer");

  lr->index_label = GTK_LABEL (gtk_label_new (index_text));
  gtk_widget_add_css_class (GTK_WIDGET (lr->index_label), "arch-index");
  gtk_label_set_xalign (lr->index_label, 1.0f);
  gtk_label_set_width_chars (lr->index_label, 2);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (lr->index_label));

  for (guint i = 0; i < G_N_ELEMENTS (type_infos); i++)
    gtk_string_list_append (types, type_infos[i].type);
  lr->type_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&types)), NULL));
  gtk_widget_add_css_class (GTK_WIDGET (lr->type_dropdown), "arch-type");
  gtk_widget_set_valign (GTK_WIDGET (lr->type_dropdown), GTK_ALIGN_CENTER);
  gtk_drop_down_set_selected (lr->type_dropdown, type_info_position (tinfo));
  gtk_widget_set_tooltip_text (GTK_WIDGET (lr->type_dropdown),
                               tinfo ? _(tinfo->tooltip) : _("A layer type LatentLab does not know"));
  g_signal_connect (lr->type_dropdown, "notify::selected", G_CALLBACK (on_type_changed), lr);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (lr->type_dropdown));

  lr->options_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  gtk_widget_set_hexpand (lr->options_box, TRUE);
  gtk_box_append (GTK_BOX (box), lr->options_box);
  layer_row_build_options (lr);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);

  lr->latent_button = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_widget_add_css_class (GTK_WIDGET (lr->latent_button), "arch-latent-button");
  gtk_widget_set_valign (GTK_WIDGET (lr->latent_button), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (lr->latent_button),
                               _("The latent: this layer’s output is the code the encoder "
                                 "makes. Layers up to here are the encoder, the rest the decoder."));
  if (group)
    gtk_check_button_set_group (lr->latent_button, group);
  gtk_check_button_set_active (lr->latent_button, layer == self->latent);
  g_signal_connect (lr->latent_button, "toggled", G_CALLBACK (on_latent_toggled), lr);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (lr->latent_button));

  lr->insert_button = row_icon_button ("list-add-symbolic", _("Insert a copy of this layer below it"));
  lr->up_button = row_icon_button ("go-up-symbolic", _("Move up"));
  lr->down_button = row_icon_button ("go-down-symbolic", _("Move down"));
  lr->remove_button = row_icon_button ("list-remove-symbolic", _("Remove this layer"));
  gtk_widget_set_sensitive (lr->insert_button, self->layers->len < LAB_SPEC_MAX_LAYERS);
  gtk_widget_set_sensitive (lr->up_button, index > 0);
  gtk_widget_set_sensitive (lr->down_button, index + 1 < self->layers->len);
  gtk_widget_set_sensitive (lr->remove_button, self->layers->len > 1);
  g_signal_connect (lr->insert_button, "clicked", G_CALLBACK (on_insert_clicked), lr);
  g_signal_connect (lr->up_button, "clicked", G_CALLBACK (on_up_clicked), lr);
  g_signal_connect (lr->down_button, "clicked", G_CALLBACK (on_down_clicked), lr);
  g_signal_connect (lr->remove_button, "clicked", G_CALLBACK (on_remove_clicked), lr);
  gtk_box_append (GTK_BOX (buttons), lr->insert_button);
  gtk_box_append (GTK_BOX (buttons), lr->up_button);
  gtk_box_append (GTK_BOX (buttons), lr->down_button);
  gtk_box_append (GTK_BOX (buttons), lr->remove_button);
  gtk_box_append (GTK_BOX (box), buttons);

  lr->row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (lr->row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (lr->row), box);
  g_object_set_data_full (G_OBJECT (lr->row), "lab-layer-row", lr, (GDestroyNotify) layer_row_free);
  return lr;
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
      LayerRow *lr = layer_row_new (self, i, group);

      if (group == NULL)
        group = lr->latent_button;
      g_ptr_array_add (self->rows, lr);
      gtk_list_box_append (self->layer_list, lr->row);
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
      g_autofree char *detail = NULL;

      if (lab_shape_size (self->latent_shape) > 0)
        {
          g_autofree char *shape = lab_shape_to_keras (self->latent_shape);
          g_autofree char *size = lab_format_count (lab_shape_size (self->latent_shape));

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
  g_clear_pointer (&self->summary, g_ptr_array_unref);
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
  self->summary = g_ptr_array_new_with_free_func ((GDestroyNotify) summary_line_free);
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

  return self->spec ? self->n_params + self->n_buffers : 0;
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

/* The dialog */

typedef struct
{
  LabArchEditorDone  done;
  gpointer           user_data;
  char              *json;       /* set by Use */
  gboolean           finished;
} DialogState;

static void
dialog_state_free (DialogState *state)
{
  g_free (state->json);
  g_free (state);
}

/* Every way the window goes (Use, Cancel, Escape, close button, a parent
 * destroyed with it) ends here, so done runs exactly once. */
static void
on_dialog_destroy (GtkWindow   *window,
                   DialogState *state)
{
  if (state->finished)
    return;
  state->finished = TRUE;
  if (state->done)
    state->done (state->json, state->user_data);
}

static void
on_dialog_use (GtkButton *button,
               GtkWindow *window)
{
  DialogState *state = g_object_get_data (G_OBJECT (window), "lab-dialog-state");
  LabArchEditor *editor = lab_arch_editor_dialog_get_editor (window);
  char *json = lab_arch_editor_get_spec_json (editor);

  if (json == NULL)
    return;
  g_free (state->json);
  state->json = json;
  gtk_window_destroy (window);
}

GtkWindow *
lab_arch_editor_run_dialog (GtkWindow         *parent,
                            const char        *initial_json,
                            LabArchEditorDone  done,
                            gpointer           user_data)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *title = gtk_label_new (_("Build Your Own Architecture"));
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *use = gtk_button_new_with_mnemonic (_("_Use"));
  GtkWidget *editor = lab_arch_editor_new ();
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  DialogState *state = g_new0 (DialogState, 1);

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  state->done = done;
  state->user_data = user_data;
  g_object_set_data_full (G_OBJECT (window), "lab-dialog-state", state, (GDestroyNotify) dialog_state_free);
  g_object_set_data (G_OBJECT (window), "lab-dialog-editor", editor);
  g_object_set_data (G_OBJECT (window), "lab-dialog-use", use);

  gtk_widget_add_css_class (title, "title");
  gtk_header_bar_set_title_widget (GTK_HEADER_BAR (header), title);
  gtk_header_bar_set_show_title_buttons (GTK_HEADER_BAR (header), FALSE);
  gtk_widget_add_css_class (use, "suggested-action");
  gtk_widget_set_tooltip_text (use, _("Train with this architecture"));
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), cancel);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), use);
  gtk_window_set_titlebar (GTK_WINDOW (window), header);

  if (initial_json != NULL)
    lab_arch_editor_set_spec_json (LAB_ARCH_EDITOR (editor), initial_json);
  g_object_bind_property (editor, "valid", use, "sensitive", G_BINDING_SYNC_CREATE);
  gtk_window_set_child (GTK_WINDOW (window), editor);

  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (window, shortcuts);

  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_close), window);
  g_signal_connect (use, "clicked", G_CALLBACK (on_dialog_use), window);
  g_signal_connect (window, "destroy", G_CALLBACK (on_dialog_destroy), state);

  gtk_window_set_title (GTK_WINDOW (window), _("Build Your Own Architecture"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1240, 760);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  if (parent)
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), parent);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
    }
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
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

static LayerRow *
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
  LayerRow *lr = editor_row (self, layer);

  return lr ? lr->type_dropdown : NULL;
}

GtkWidget *
lab_arch_editor_get_option_widget (LabArchEditor *self,
                                   guint          layer,
                                   const char    *key)
{
  LayerRow *lr = editor_row (self, layer);

  return lr ? g_hash_table_lookup (lr->option_widgets, key) : NULL;
}

GtkWidget *
lab_arch_editor_get_row_button (LabArchEditor *self,
                                guint          layer,
                                const char    *which)
{
  LayerRow *lr = editor_row (self, layer);

  if (lr == NULL)
    return NULL;
  if (g_strcmp0 (which, "latent") == 0)
    return GTK_WIDGET (lr->latent_button);
  if (g_strcmp0 (which, "insert") == 0)
    return lr->insert_button;
  if (g_strcmp0 (which, "up") == 0)
    return lr->up_button;
  if (g_strcmp0 (which, "down") == 0)
    return lr->down_button;
  if (g_strcmp0 (which, "remove") == 0)
    return lr->remove_button;
  if (g_strcmp0 (which, "type") == 0)
    return GTK_WIDGET (lr->type_dropdown);
  return NULL;
}

gboolean
lab_arch_editor_row_is_highlighted (LabArchEditor *self,
                                    guint          layer)
{
  LayerRow *lr = editor_row (self, layer);

  return lr && gtk_widget_has_css_class (lr->row, "error");
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

LabArchEditor *
lab_arch_editor_dialog_get_editor (GtkWindow *dialog)
{
  return g_object_get_data (G_OBJECT (dialog), "lab-dialog-editor");
}

GtkWidget *
lab_arch_editor_dialog_get_use_button (GtkWindow *dialog)
{
  return g_object_get_data (G_OBJECT (dialog), "lab-dialog-use");
}
