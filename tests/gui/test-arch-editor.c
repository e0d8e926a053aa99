/* The "Build your own" architecture editor under Xvfb, driven through its
 * widgets: the preset dropdown, the option spin buttons, the row buttons.
 * Expected parameter counts come from the layer formulas (a k×k conv from
 * c_in to f channels has k·k·c_in·f + f) and are cross-checked against
 * lab_model_new on the JSON the editor hands out. */

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-arch-editor-private.h"
#include "lab-layer.h"
#include "lab-model.h"
#include "lab-presets.h"
#include "lab-test-util.h"

typedef struct
{
  GtkWindow     *dialog;
  LabArchEditor *editor;
  guint          n_changed;
  guint          n_done;
  char          *done_json;
} Fixture;

static gsize
conv_params (gsize k,
             gsize c_in,
             gsize filters)
{
  return k * k * c_in * filters + filters;
}

/* dae-keras32: conv 1→32, 32→64, 64→64, 64→32, 32→1, all 3×3. */
static gsize
dae_keras32_params (void)
{
  return conv_params (3, 1, 32) + conv_params (3, 32, 64) + conv_params (3, 64, 64)
       + conv_params (3, 64, 32) + conv_params (3, 32, 1);
}

static void
on_changed (LabArchEditor *editor,
            Fixture       *f)
{
  f->n_changed++;
}

static void
on_done (const char *json,
         gpointer    data)
{
  Fixture *f = data;

  f->n_done++;
  g_free (f->done_json);
  f->done_json = g_strdup (json);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dialog = lab_arch_editor_run_dialog (NULL, NULL, on_done, f);
  g_object_add_weak_pointer (G_OBJECT (f->dialog), (gpointer *) &f->dialog);
  f->editor = lab_arch_editor_dialog_get_editor (f->dialog);
  g_assert_true (LAB_IS_ARCH_EDITOR (f->editor));
  g_signal_connect (f->editor, "changed", G_CALLBACK (on_changed), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->dialog)
    gtk_window_destroy (f->dialog);
  g_assert_null (f->dialog);
  g_free (f->done_json);
}

static guint
preset_position (const char *name)
{
  const char * const *names = lab_presets_list ();

  for (guint i = 0; names[i]; i++)
    if (g_strcmp0 (names[i], name) == 0)
      return i;
  g_assert_not_reached ();
}

static void
select_preset (Fixture    *f,
               const char *name)
{
  guint before = f->n_changed;

  /* Another preset first, so selecting name always changes the dropdown. */
  gtk_drop_down_set_selected (lab_arch_editor_get_preset_dropdown (f->editor),
                              preset_position (g_strcmp0 (name, "stacked") ? "stacked" : "cae-tiny"));
  gtk_drop_down_set_selected (lab_arch_editor_get_preset_dropdown (f->editor), preset_position (name));
  g_assert_cmpuint (f->n_changed, ==, before + 2);
}

static GtkSpinButton *
option_spin (Fixture    *f,
             guint       layer,
             const char *key)
{
  GtkWidget *widget = lab_arch_editor_get_option_widget (f->editor, layer, key);

  g_assert_true (GTK_IS_SPIN_BUTTON (widget));
  return GTK_SPIN_BUTTON (widget);
}

static guint
type_position (GtkDropDown *dropdown,
               const char  *type)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), type) == 0)
        return i;
    }
  g_assert_not_reached ();
}

static void
click (GtkWidget *button)
{
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* The editor's JSON built into a model: its parameters, as the trainer
 * would see them. */
static gsize
model_params_of_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_spec_new_from_string (json, -1, NULL, &error);
  g_autoptr(LabModel) model = NULL;

  g_assert_no_error (error);
  model = lab_model_new (spec, &error);
  g_assert_no_error (error);
  return lab_model_n_params (model) + lab_model_n_buffers (model);
}

static void
test_filters_change_params (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *json = NULL;
  g_autoptr(LabSpec) spec = NULL;
  gsize expected;

  select_preset (f, "cae-keras16");
  g_assert_true (lab_arch_editor_is_valid (f->editor));
  /* 1→16, then 16→16 three times, then 16→1 */
  expected = conv_params (3, 1, 16) + 3 * conv_params (3, 16, 16) + conv_params (3, 16, 1);
  g_assert_cmpuint (expected, ==, 7265);
  g_assert_cmpuint (lab_arch_editor_get_total_params (f->editor), ==, expected);
  g_assert_cmpstr (lab_arch_editor_get_total_text (f->editor), ==, "7,265");
  /* The input row plus one row per layer. */
  g_assert_cmpuint (lab_arch_editor_get_summary_rows (f->editor), ==, 1 + 14);

  /* The first conv gets 32 filters: it and the conv after it grow. */
  gtk_spin_button_set_value (option_spin (f, 0, "filters"), 32);
  expected = conv_params (3, 1, 32) + conv_params (3, 32, 16) + 2 * conv_params (3, 16, 16)
           + conv_params (3, 16, 1);
  g_assert_cmpuint (expected, ==, 9729);
  g_assert_true (lab_arch_editor_is_valid (f->editor));
  g_assert_cmpuint (lab_arch_editor_get_total_params (f->editor), ==, expected);
  g_assert_cmpstr (lab_arch_editor_get_total_text (f->editor), ==, "9,729");

  /* What "Use" would hand out builds the same model, renamed. */
  json = lab_arch_editor_get_spec_json (f->editor);
  g_assert_nonnull (json);
  g_assert_cmpuint (model_params_of_json (json), ==, expected);
  spec = lab_spec_new_from_string (json, -1, NULL, NULL);
  g_assert_cmpstr (spec->name, ==, "cae-keras16-custom");
  g_assert_null (spec->description);
  g_assert_cmpint (json_object_get_int_member (lab_spec_get_layer (spec, 0), "filters"), ==, 32);
  g_assert_cmpuint (spec->encoder_layers, ==, 6);

  /* Back from the Train page: the same spec, still "started from"
   * cae-keras16, and an edit keeps the user's name. */
  lab_arch_editor_set_spec_json (f->editor, json);
  g_assert_cmpuint (gtk_drop_down_get_selected (lab_arch_editor_get_preset_dropdown (f->editor)), ==,
                    preset_position ("cae-keras16"));
  {
    g_autofree char *again = lab_arch_editor_get_spec_json (f->editor);
    g_autoptr(LabSpec) edited = NULL;

    g_assert_cmpstr (again, ==, json);
    gtk_spin_button_set_value (option_spin (f, 3, "filters"), 8);
    g_clear_pointer (&again, g_free);
    again = lab_arch_editor_get_spec_json (f->editor);
    edited = lab_spec_new_from_string (again, -1, NULL, NULL);
    g_assert_cmpstr (edited->name, ==, "cae-keras16-custom");
  }

  /* A dense autoencoder: the latent's units. */
  select_preset (f, "stacked");
  expected = lab_arch_editor_get_total_params (f->editor);
  gtk_spin_button_set_value (option_spin (f, 7, "units"), 2);
  /* dense 128→64 and 64→128 become 128→2 and 2→128 */
  g_assert_cmpuint (lab_arch_editor_get_total_params (f->editor), ==,
                    expected - (128 * 64 + 64) - (64 * 128 + 128) + (128 * 2 + 2) + (2 * 128 + 128));
}

static void
test_clash_and_fix (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *use = lab_arch_editor_dialog_get_use_button (f->dialog);
  GtkDropDown *type;
  const char *message;
  g_autofree char *json = NULL;
  g_autoptr(LabSpec) spec = NULL;
  g_autoptr(LabSpec) preset = lab_presets_get ("dae-keras32", NULL);

  select_preset (f, "dae-keras32");
  g_assert_cmpuint (lab_arch_editor_get_n_layers (f->editor), ==, 14);
  g_assert_cmpuint (lab_arch_editor_get_encoder_layers (f->editor), ==, 6);
  g_assert_cmpuint (lab_arch_editor_get_total_params (f->editor), ==, dae_keras32_params ());
  g_assert_true (gtk_widget_get_sensitive (use));

  /* A copy of the latent's max pool below it: 7×7 becomes 3×3; the decoder
   * still fits (it just gives 12×12), so this is valid. */
  click (lab_arch_editor_get_row_button (f->editor, 5, "insert"));
  g_assert_cmpuint (lab_arch_editor_get_n_layers (f->editor), ==, 15);
  g_assert_cmpuint (lab_arch_editor_get_encoder_layers (f->editor), ==, 6);
  g_assert_true (lab_arch_editor_is_valid (f->editor));

  /* As a reshape it starts at the shape it gets, 64×7×7 ... */
  type = lab_arch_editor_get_type_dropdown (f->editor, 6);
  gtk_drop_down_set_selected (type, type_position (type, "reshape"));
  g_assert_true (lab_arch_editor_is_valid (f->editor));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (option_spin (f, 6, "shape.0")), ==, 64);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (option_spin (f, 6, "shape.1")), ==, 7);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (option_spin (f, 6, "shape.2")), ==, 7);

  /* ... and 32×7×7 does not fit: 1,568 values from 3,136. */
  gtk_spin_button_set_value (option_spin (f, 6, "shape.0"), 32);
  g_assert_false (lab_arch_editor_is_valid (f->editor));
  g_assert_null (lab_arch_editor_get_spec_json (f->editor));
  g_assert_cmpuint (lab_arch_editor_get_total_params (f->editor), ==, 0);
  g_assert_cmpstr (lab_arch_editor_get_total_text (f->editor), ==, "—");
  g_assert_cmpint (lab_arch_editor_get_error_layer (f->editor), ==, 6);
  g_assert_true (lab_arch_editor_row_is_highlighted (f->editor, 6));
  g_assert_false (lab_arch_editor_row_is_highlighted (f->editor, 5));
  g_assert_false (gtk_widget_get_sensitive (use));
  message = lab_arch_editor_get_error (f->editor);
  g_test_message ("error: %s", message);
  g_assert_nonnull (strstr (message, "layer 6 (reshape)"));
  g_assert_nonnull (strstr (message, "(None, 7, 7, 64)"));
  g_assert_nonnull (strstr (message, "32×7×7"));
  g_assert_nonnull (strstr (message, "64×7×7"));
  /* The summary stops at the layer that does not fit: input, 0-5, 6. */
  g_assert_cmpuint (lab_arch_editor_get_summary_rows (f->editor), ==, 1 + 7);

  /* Fixed: valid again, the same count as the preset (a reshape has no
   * parameters), "Use" comes back. */
  gtk_spin_button_set_value (option_spin (f, 6, "shape.0"), 64);
  g_assert_true (lab_arch_editor_is_valid (f->editor));
  g_assert_cmpint (lab_arch_editor_get_error_layer (f->editor), ==, -1);
  g_assert_null (lab_arch_editor_get_error (f->editor));
  g_assert_false (lab_arch_editor_row_is_highlighted (f->editor, 6));
  g_assert_true (gtk_widget_get_sensitive (use));
  g_assert_cmpuint (lab_arch_editor_get_total_params (f->editor), ==, dae_keras32_params ());

  /* Removed again: the preset's layers, under the new name. */
  click (lab_arch_editor_get_row_button (f->editor, 6, "remove"));
  json = lab_arch_editor_get_spec_json (f->editor);
  spec = lab_spec_new_from_string (json, -1, NULL, NULL);
  g_assert_nonnull (spec);
  g_assert_cmpuint (lab_spec_n_layers (spec), ==, lab_spec_n_layers (preset));
  g_assert_cmpuint (spec->encoder_layers, ==, preset->encoder_layers);
  for (guint i = 0; i < lab_spec_n_layers (spec); i++)
    {
      g_autoptr(JsonNode) a = json_node_init_object (json_node_alloc (), lab_spec_get_layer (spec, i));
      g_autoptr(JsonNode) b = json_node_init_object (json_node_alloc (), lab_spec_get_layer (preset, i));

      g_assert_true (json_node_equal (a, b));
    }

  /* A conv whose kernel outgrows the 7×7 latent, then "same" padding. */
  gtk_spin_button_set_value (option_spin (f, 6, "padding"), 0);
  g_assert_true (lab_arch_editor_is_valid (f->editor));
  gtk_spin_button_set_value (option_spin (f, 6, "kernel"), 9);
  g_assert_false (lab_arch_editor_is_valid (f->editor));
  g_assert_cmpint (lab_arch_editor_get_error_layer (f->editor), ==, 6);
  g_assert_nonnull (strstr (lab_arch_editor_get_error (f->editor), "layer 6 (conv2d)"));
  g_assert_nonnull (strstr (lab_arch_editor_get_error (f->editor), "(None, 7, 7, 64)"));
  gtk_spin_button_set_value (option_spin (f, 6, "padding"), -1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (option_spin (f, 6, "padding"))), ==, "same");
  g_assert_true (lab_arch_editor_is_valid (f->editor));
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&spec, lab_spec_free);
  json = lab_arch_editor_get_spec_json (f->editor);
  spec = lab_spec_new_from_string (json, -1, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (lab_spec_get_layer (spec, 6), "padding"), ==, "same");
  g_assert_cmpuint (model_params_of_json (json), ==,
                    dae_keras32_params () - conv_params (3, 64, 64) + conv_params (9, 64, 64));
}

static void
test_rows_latent_loss (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *json = NULL;
  g_autoptr(LabSpec) spec = NULL;
  GtkDropDown *loss = lab_arch_editor_get_loss_dropdown (f->editor);

  select_preset (f, "strided-dae");
  g_assert_cmpuint (lab_arch_editor_get_encoder_layers (f->editor), ==, 4);
  g_assert_false (gtk_widget_get_sensitive (lab_arch_editor_get_row_button (f->editor, 0, "up")));
  g_assert_false (gtk_widget_get_sensitive (lab_arch_editor_get_row_button (f->editor, 9, "down")));

  /* The latent moves to layer 1's output: a 2-layer encoder. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (lab_arch_editor_get_row_button (f->editor, 1, "latent")), TRUE);
  g_assert_cmpuint (lab_arch_editor_get_encoder_layers (f->editor), ==, 2);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (lab_arch_editor_get_row_button (f->editor, 3, "latent"))));

  /* Layer 0 (conv) down below its relu, then back: the latent follows its
   * layer, the relu stays the latent. */
  click (lab_arch_editor_get_row_button (f->editor, 0, "down"));
  g_assert_cmpint (gtk_drop_down_get_selected (lab_arch_editor_get_type_dropdown (f->editor, 0)), ==,
                   type_position (lab_arch_editor_get_type_dropdown (f->editor, 0), "relu"));
  g_assert_cmpuint (lab_arch_editor_get_encoder_layers (f->editor), ==, 1);
  click (lab_arch_editor_get_row_button (f->editor, 1, "up"));
  g_assert_cmpuint (lab_arch_editor_get_encoder_layers (f->editor), ==, 2);

  /* Removing the latent hands it to the layer before. */
  click (lab_arch_editor_get_row_button (f->editor, 1, "remove"));
  g_assert_cmpuint (lab_arch_editor_get_n_layers (f->editor), ==, 9);
  g_assert_cmpuint (lab_arch_editor_get_encoder_layers (f->editor), ==, 1);

  gtk_drop_down_set_selected (loss, 1);
  json = lab_arch_editor_get_spec_json (f->editor);
  spec = lab_spec_new_from_string (json, -1, NULL, NULL);
  g_assert_nonnull (spec);
  g_assert_cmpint (spec->loss, ==, LAB_LOSS_BCE);
  g_assert_cmpuint (spec->encoder_layers, ==, 1);
  g_assert_cmpstr (lab_spec_get_layer_type (spec, 0), ==, "conv2d");
  g_assert_cmpstr (lab_spec_get_layer_type (spec, 1), ==, "conv2d");
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  const char * const *names = lab_presets_list ();
  g_autofree char *dir = g_dir_make_tmp ("latentlab-arch-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "spec.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  /* Every preset, set as JSON, comes back as the same JSON. */
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(LabSpec) spec = lab_presets_get (names[i], NULL);
      g_autofree char *in = lab_spec_to_string (spec, TRUE);
      g_autofree char *out = NULL;

      lab_arch_editor_set_spec_json (f->editor, in);
      out = lab_arch_editor_get_spec_json (f->editor);
      g_assert_cmpstr (out, ==, in);
    }

  /* Export, change, import: the exported spec is back. */
  select_preset (f, "vae-conv");
  gtk_spin_button_set_value (option_spin (f, 5, "units"), 8);
  g_assert_true (lab_arch_editor_save_file (f->editor, file, &error));
  g_assert_no_error (error);
  {
    g_autofree char *saved = lab_arch_editor_get_spec_json (f->editor);
    g_autofree char *loaded = NULL;
    gsize params = lab_arch_editor_get_total_params (f->editor);

    select_preset (f, "cae-tiny");
    g_assert_cmpuint (lab_arch_editor_get_total_params (f->editor), !=, params);
    g_assert_true (lab_arch_editor_load_file (f->editor, file, &error));
    g_assert_no_error (error);
    loaded = lab_arch_editor_get_spec_json (f->editor);
    g_assert_cmpstr (loaded, ==, saved);
    g_assert_cmpuint (lab_arch_editor_get_total_params (f->editor), ==, params);
  }

  /* Not a spec: the editor keeps what it had and says why. */
  g_assert_true (g_file_set_contents (path, "{\"layers\": 3}", -1, NULL));
  g_assert_false (lab_arch_editor_load_file (f->editor, file, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "spec.json"));
  g_assert_true (lab_arch_editor_is_valid (f->editor));
  {
    g_autofree char *before = lab_arch_editor_get_spec_json (f->editor);
    g_autofree char *after = NULL;

    lab_arch_editor_set_spec_json (f->editor, "not JSON");
    after = lab_arch_editor_get_spec_json (f->editor);
    g_assert_cmpstr (after, ==, before);
  }

  /* A type the engine does not know is shown, flagged and named; picking
   * a real type keeps the options the two share (filters 4). */
  lab_arch_editor_set_spec_json (f->editor,
                                 "{\"name\":\"typo\",\"input\":[1,28,28],\"loss\":\"mse\","
                                 "\"encoder_layers\":1,\"layers\":[{\"type\":\"relu\"},"
                                 "{\"type\":\"conv3d\",\"filters\":4}]}");
  g_assert_false (lab_arch_editor_is_valid (f->editor));
  g_assert_cmpint (lab_arch_editor_get_error_layer (f->editor), ==, 1);
  g_assert_true (lab_arch_editor_row_is_highlighted (f->editor, 1));
  g_assert_nonnull (strstr (lab_arch_editor_get_error (f->editor), "conv3d"));
  g_assert_cmpuint (gtk_drop_down_get_selected (lab_arch_editor_get_type_dropdown (f->editor, 1)), ==,
                    GTK_INVALID_LIST_POSITION);
  gtk_drop_down_set_selected (lab_arch_editor_get_type_dropdown (f->editor, 1),
                              type_position (lab_arch_editor_get_type_dropdown (f->editor, 1), "conv2d"));
  g_assert_true (lab_arch_editor_is_valid (f->editor));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (option_spin (f, 1, "filters")), ==, 4);
  g_assert_cmpuint (lab_arch_editor_get_total_params (f->editor), ==, conv_params (3, 1, 4));

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_dialog_use_and_cancel (Fixture       *f,
                            gconstpointer  data)
{
  GtkWindow *second;
  g_autoptr(LabSpec) spec = NULL;

  select_preset (f, "cnn-baseline");
  click (lab_arch_editor_dialog_get_use_button (f->dialog));
  g_assert_null (f->dialog);
  g_assert_cmpuint (f->n_done, ==, 1);
  g_assert_nonnull (f->done_json);
  spec = lab_spec_new_from_string (f->done_json, -1, NULL, NULL);
  g_assert_cmpstr (spec->name, ==, "cnn-baseline");

  /* Starting from JSON, then cancelled: done(NULL), once. */
  second = lab_arch_editor_run_dialog (NULL, f->done_json, on_done, f);
  g_assert_cmpstr (lab_arch_editor_get_spec_json (lab_arch_editor_dialog_get_editor (second)), ==, f->done_json);
  gtk_window_close (second);
  g_assert_cmpuint (f->n_done, ==, 2);
  g_assert_null (f->done_json);
}

/* The layer the editor holds at index, as Export… writes it (also while
 * the spec does not fit), built by the engine. */
static LabLayer *
exported_layer (Fixture *f,
                guint    index)
{
  g_autofree char *dir = g_dir_make_tmp ("latentlab-arch-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "spec.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = NULL;
  LabLayer *layer;

  g_assert_true (lab_arch_editor_save_file (f->editor, file, &error));
  spec = lab_spec_load (path, &error);
  g_assert_no_error (error);
  layer = lab_layer_new_from_json (lab_spec_get_layer (spec, index), &error);
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);
  return layer;
}

/* The rows come from the layers' option tables and nothing else: for
 * every kind the engine has, a row turned into it shows exactly one
 * control per option (three for a shape), with the engine's range, step
 * and help, set to what the engine reads from the row's JSON; the
 * largest value the control allows is one the engine takes. */
static void
test_rows_from_option_tables (Fixture       *f,
                              gconstpointer  data)
{
  guint n_classes;
  const LabLayerClass * const *classes = lab_layer_classes (&n_classes);

  select_preset (f, "stacked");
  for (guint c = 0; c < n_classes; c++)
    {
      const LabLayerClass *klass = classes[c];
      GtkDropDown *type = lab_arch_editor_get_type_dropdown (f->editor, 0);
      g_autoptr(LabLayer) layer = NULL;
      guint n_widgets = 0;

      g_test_message ("%s", klass->type);
      gtk_drop_down_set_selected (type, type_position (type, klass->type));
      type = lab_arch_editor_get_type_dropdown (f->editor, 0);
      g_assert_cmpuint (gtk_drop_down_get_selected (type), ==, c);
      g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (type)), ==, klass->help);
      layer = exported_layer (f, 0);
      g_assert_true (layer->klass == klass);

      for (guint o = 0; o < klass->n_options; o++)
        {
          const LabLayerOption *option = &klass->options[o];
          guint n_names = option->names ? g_strv_length ((char **) option->names) : 0;

          if (option->kind == LAB_OPTION_BOOL)
            {
              GtkWidget *check = lab_arch_editor_get_option_widget (f->editor, 0, option->key);

              g_assert_true (GTK_IS_CHECK_BUTTON (check));
              g_assert_cmpstr (gtk_widget_get_tooltip_text (check), ==, option->help);
              g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)) == (lab_layer_get_option (layer, option) != 0));
              n_widgets++;
              continue;
            }
          for (guint d = 0; d < (option->kind == LAB_OPTION_SHAPE ? 3u : 1u); d++)
            {
              g_autofree char *key = option->kind == LAB_OPTION_SHAPE
                ? g_strdup_printf ("%s.%u", option->key, d) : g_strdup (option->key);
              GtkSpinButton *spin = option_spin (f, 0, key);
              GtkAdjustment *adj = gtk_spin_button_get_adjustment (spin);

              g_assert_cmpfloat (gtk_adjustment_get_lower (adj), ==, option->min - n_names);
              g_assert_cmpfloat (gtk_adjustment_get_upper (adj), ==, option->max);
              g_assert_cmpfloat (gtk_adjustment_get_step_increment (adj), ==, option->step);
              g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (spin)), ==, option->help);
              if (option->kind != LAB_OPTION_SHAPE)
                g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, lab_layer_get_option (layer, option));
              n_widgets++;
            }
        }
      g_assert_cmpuint (lab_arch_editor_get_n_option_widgets (f->editor, 0), ==, n_widgets);
      g_assert_null (lab_arch_editor_get_option_widget (f->editor, 0, "no-such-option"));

      /* Every number at its largest: the engine takes what the editor allows. */
      for (guint o = 0; o < klass->n_options; o++)
        {
          const LabLayerOption *option = &klass->options[o];
          g_autoptr(LabLayer) edited = NULL;

          if (option->kind != LAB_OPTION_UINT && option->kind != LAB_OPTION_DOUBLE
              && option->kind != LAB_OPTION_UINT_OR_NAME)
            continue;
          gtk_spin_button_set_value (option_spin (f, 0, option->key), option->max + option->step);
          g_assert_cmpfloat (gtk_spin_button_get_value (option_spin (f, 0, option->key)), ==, option->max);
          /* output_padding must stay below the stride */
          if (g_strcmp0 (option->key, "output_padding") == 0)
            gtk_spin_button_set_value (option_spin (f, 0, option->key), 1);
          edited = exported_layer (f, 0);
          if (g_strcmp0 (option->key, "output_padding") != 0)
            g_assert_cmpfloat (lab_layer_get_option (edited, option), ==, option->max);
        }
    }

  /* A pool's stride follows its pool size until it is set. */
  {
    GtkDropDown *type = lab_arch_editor_get_type_dropdown (f->editor, 0);

    gtk_drop_down_set_selected (type, type_position (type, "maxpool2d"));
    g_assert_cmpint (gtk_spin_button_get_value_as_int (option_spin (f, 0, "stride")), ==, 2);
    gtk_spin_button_set_value (option_spin (f, 0, "pool"), 3);
    g_assert_cmpint (gtk_spin_button_get_value_as_int (option_spin (f, 0, "stride")), ==, 3);
    {
      g_autoptr(LabLayer) pool = exported_layer (f, 0);
      g_autoptr(JsonNode) node = lab_layer_to_json (pool);

      g_assert_false (json_object_has_member (json_node_get_object (node), "stride"));
    }
    gtk_spin_button_set_value (option_spin (f, 0, "stride"), 1);
    gtk_spin_button_set_value (option_spin (f, 0, "pool"), 4);
    g_assert_cmpint (gtk_spin_button_get_value_as_int (option_spin (f, 0, "stride")), ==, 1);
  }

  /* A fraction shows as short as it is, and is stored so. */
  {
    GtkDropDown *type = lab_arch_editor_get_type_dropdown (f->editor, 0);
    g_autoptr(LabLayer) leaky = NULL;

    gtk_drop_down_set_selected (type, type_position (type, "leaky_relu"));
    gtk_spin_button_set_value (option_spin (f, 0, "slope"), 0.2);
    gtk_spin_button_spin (option_spin (f, 0, "slope"), GTK_SPIN_STEP_FORWARD, 0.01);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (option_spin (f, 0, "slope"))), ==, "0.21");
    leaky = exported_layer (f, 0);
    g_assert_cmpfloat (lab_layer_get_option (leaky, lab_layer_class_find_option (leaky->klass, "slope")), ==, 0.21);
  }
}

/* Saves the dialog as name under G_TEST_BUILDDIR; asserts it is not blank
 * (many colours, a real spread of brightness) and at its full size. */
static void
save_screenshot (GtkWindow  *window,
                 const char *name)
{
  lab_test_assert_screenshot (GTK_WIDGET (window), name, 64, 300.0);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), >, 800);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), >, 500);
}

static void
test_screenshot (Fixture       *f,
                 gconstpointer  data)
{
  select_preset (f, "dae-keras32");
  gtk_spin_button_set_value (option_spin (f, 3, "filters"), 48);
  save_screenshot (f->dialog, "screenshot-arch-editor.png");

  /* The same with a layer that does not fit, for the eye. */
  gtk_spin_button_set_value (option_spin (f, 6, "padding"), 0);
  gtk_spin_button_set_value (option_spin (f, 6, "kernel"), 9);
  g_assert_false (lab_arch_editor_is_valid (f->editor));
  save_screenshot (f->dialog, "screenshot-arch-editor-error.png");
  select_preset (f, "convae-bn");
  save_screenshot (f->dialog, "screenshot-arch-editor-convt.png");
}

int
main (int argc, char **argv)
{
  /* The application's startup loads style.css for the display. */
  lab_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/arch-editor/filters-change-params", test_filters_change_params);
  ADD ("/arch-editor/clash-and-fix", test_clash_and_fix);
  ADD ("/arch-editor/rows-latent-loss", test_rows_latent_loss);
  ADD ("/arch-editor/round-trip", test_round_trip);
  ADD ("/arch-editor/dialog-use-and-cancel", test_dialog_use_and_cancel);
  ADD ("/arch-editor/rows-from-option-tables", test_rows_from_option_tables);
  ADD ("/arch-editor/screenshot", test_screenshot);
#undef ADD

  return lab_test_run ();
}
