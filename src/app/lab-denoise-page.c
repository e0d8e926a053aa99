#define G_LOG_DOMAIN "latentlab"

#include <math.h>

#include <inttypes.h>

#include <glib/gi18n.h>

#include "lab-denoise-page-private.h"
#include "lab-format.h"

/* In the order of the noise type dropdown. */
static const LabNoiseType noise_types[] = {
  LAB_NOISE_GAUSSIAN, LAB_NOISE_SALT_PEPPER, LAB_NOISE_MASK, LAB_NOISE_DOWNSAMPLE,
};

struct _LabDenoisePage
{
  LabPage         parent_instance;

  /* Template widgets */
  GtkStack       *stack;
  GtkLabel       *empty_label;
  GtkDropDown    *noise_type_dropdown;
  GtkScale       *noise_scale;
  GtkLabel       *means_label;
  GtkLabel       *model_label;
  LabDenoiseGrid *denoise_grid;
  LabSweepPlot   *sweep_plot;

  guint           dirty : 1;      /* new weights arrived while hidden */
  guint           sweep_dirty : 1;
  guint           syncing : 1;
};

enum {
  PROP_0,
  PROP_NOISE_LEVEL,
  PROP_NOISE_TYPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabDenoisePage, lab_denoise_page, LAB_TYPE_PAGE)

static void maybe_sweep    (LabDenoisePage *self);
static void update_markers (LabDenoisePage *self);

static LabSession *
page_session (LabDenoisePage *self)
{
  return lab_page_get_session (LAB_PAGE (self));
}

static LabModel *
session_model (LabDenoisePage *self)
{
  return page_session (self) != NULL ? lab_session_get_model (page_session (self)) : NULL;
}

static LabDataset *
test_dataset (LabDenoisePage *self)
{
  return page_session (self) != NULL ? lab_session_get_test_dataset (page_session (self)) : NULL;
}

static double
noise_level (LabDenoisePage *self)
{
  return gtk_range_get_value (GTK_RANGE (self->noise_scale));
}

static LabNoise
current_noise (LabDenoisePage *self)
{
  guint i = gtk_drop_down_get_selected (self->noise_type_dropdown);
  LabNoise noise;

  noise.type = noise_types[MIN (i, G_N_ELEMENTS (noise_types) - 1)];
  noise.amount = noise.type == LAB_NOISE_DOWNSAMPLE ? 0 : (float) noise_level (self);
  return noise;
}

/* Showing */

static void
show_empty (LabDenoisePage *self,
            const char     *text)
{
  gtk_label_set_label (self->empty_label, text);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
show_model_label (LabDenoisePage *self)
{
  LabModel *model = session_model (self);
  const LabTrainConfig *config;
  GString *text;

  if (model == NULL)
    return;
  config = lab_session_get_train_config (page_session (self));
  text = g_string_new (lab_model_get_name (model));
  if (config != NULL && config->noise.type == LAB_NOISE_NONE)
    g_string_append (text, _("  ·  trained without noise"));
  else if (config != NULL && config->noise.type == LAB_NOISE_DOWNSAMPLE)
    g_string_append (text, _("  ·  trained on inputs downsampled 2×2"));
  else if (config != NULL)
    /* Translators: the noise type and factor the model was trained with
     * ("Gaussian", 0.50) */
    g_string_append_printf (text, _("  ·  trained with %s noise, factor %.2f"),
                            lab_denoise_noise_title (config->noise.type), config->noise.amount);
  if (lab_session_get_training (page_session (self)))
    g_string_append_printf (text, _("  ·  training: live weights of step %" PRIu64),
                            lab_session_get_step (page_session (self)));
  gtk_label_set_label (self->model_label, text->str);
  g_string_free (text, TRUE);
}

static void
on_pass_shown (LabDenoisePage *self,
               LabReconBatch  *batch,
               double          level,
               LabDenoiseGrid *grid)
{
  g_autofree char *text = NULL, *n = lab_format_count_localized (batch->n);

  if (isfinite (batch->mean_noisy_psnr))
    text = g_strdup_printf (_("Mean of %s test images:  noisy %.1f dB  →  denoised %.1f dB  (MSE %.4f)"),
                            n, batch->mean_noisy_psnr, batch->mean_psnr, batch->mean_mse);
  else
    text = g_strdup_printf (_("Mean of %s test images:  output %.1f dB  (MSE %.4f)"),
                            n, batch->mean_psnr, batch->mean_mse);
  gtk_label_set_label (self->means_label, text);
  show_model_label (self);
}

/* Why the grid cannot show anything, or NULL: then it does. */
static void
on_problem (LabDenoisePage *self,
            const char     *why,
            LabDenoiseGrid *grid)
{
  if (why != NULL)
    show_empty (self, why);
  else
    gtk_stack_set_visible_child_name (self->stack, "content");
}

/* The pass for the slider as it is now. */
static void
request_pass (LabDenoisePage *self)
{
  LabNoise noise = current_noise (self);

  lab_denoise_grid_request (self->denoise_grid, &noise, noise_level (self));
}

/* The loss-vs-noise sweep */

static void
start_sweep (LabDenoisePage *self)
{
  LabSession *session = page_session (self);

  if (session == NULL)
    return;
  if (lab_sweep_plot_start (self->sweep_plot, session_model (self), test_dataset (self),
                            current_noise (self).type, lab_session_get_weights_serial (session)))
    self->sweep_dirty = FALSE;
}

/* The sweep runs for each new model once training is over: while it
 * trains, the curves would go stale at once and slow the training down
 * (win.sweep-noise still computes them on request). */
static void
maybe_sweep (LabDenoisePage *self)
{
  if (!self->sweep_dirty || page_session (self) == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (lab_session_get_training (page_session (self)))
    {
      if (lab_sweep_plot_get_serial (self->sweep_plot) == 0 && !lab_sweep_plot_is_running (self->sweep_plot))
        lab_sweep_plot_set_title (self->sweep_plot,
                                  _("Loss and PSNR against noise: computed when training ends, "
                                    "or now with ↻"));
      return;
    }
  start_sweep (self);
}

static void
update_markers (LabDenoisePage *self)
{
  const LabTrainConfig *config = page_session (self) != NULL ? lab_session_get_train_config (page_session (self)) : NULL;
  LabNoise noise = current_noise (self);

  lab_sweep_plot_set_markers (self->sweep_plot, config != NULL ? &config->noise : NULL, &noise);
}

/* Actions and controls */

static void
set_level (LabDenoisePage *self,
           double          level)
{
  level = round (CLAMP (level, 0.0, 1.0) * 100) / 100;
  if (fabs (gtk_range_get_value (GTK_RANGE (self->noise_scale)) - level) > 1e-9)
    {
      self->syncing = TRUE;
      gtk_range_set_value (GTK_RANGE (self->noise_scale), level);
      self->syncing = FALSE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOISE_LEVEL]);
  update_markers (self);
  request_pass (self);
}

static void
on_scale_changed (LabDenoisePage *self)
{
  if (!self->syncing)
    set_level (self, gtk_range_get_value (GTK_RANGE (self->noise_scale)));
}

/* page.noise-type (the "noise-type" property): a noise type's name. */
static void
set_noise_type (LabDenoisePage *self,
                const char     *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (noise_types); i++)
    if (g_strcmp0 (lab_noise_type_name (noise_types[i]), name) == 0)
      {
        gtk_drop_down_set_selected (self->noise_type_dropdown, i);
        return;
      }
  {
    g_autoptr(GError) error = g_error_new (LAB_ERROR, LAB_ERROR_INVALID,
                                           _("Unknown noise type “%s”: use gaussian, salt-pepper, "
                                             "mask or downsample"), name);

    lab_widget_show_error (GTK_WIDGET (self), error);
  }
}

static void
on_noise_type_changed (LabDenoisePage *self)
{
  LabNoise noise = current_noise (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOISE_TYPE]);
  gtk_widget_set_sensitive (GTK_WIDGET (self->noise_scale), lab_noise_type_has_amount (noise.type));
  self->sweep_dirty = TRUE;
  update_markers (self);
  request_pass (self);
  maybe_sweep (self);
}

static void
reshuffle_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (widget);

  lab_denoise_grid_pick_images (self->denoise_grid, TRUE);
  request_pass (self);
}

static void
sweep_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  start_sweep (LAB_DENOISE_PAGE (widget));
}

/* Session */

/* A new model: show it at the noise it was trained with. */
static void
lab_denoise_page_model_changed (LabPage *page)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (page);
  const LabTrainConfig *config = lab_session_get_train_config (page_session (self));

  lab_denoise_grid_model_changed (self->denoise_grid);
  self->sweep_dirty = TRUE;
  lab_sweep_plot_reset (self->sweep_plot, _("Loss and PSNR against noise"));
  update_markers (self);

  if (config != NULL && config->noise.type != LAB_NOISE_NONE)
    {
      for (guint i = 0; i < G_N_ELEMENTS (noise_types); i++)
        if (noise_types[i] == config->noise.type)
          gtk_drop_down_set_selected (self->noise_type_dropdown, i);
      if (lab_noise_type_has_amount (config->noise.type))
        set_level (self, config->noise.amount);
    }
  update_markers (self);
  request_pass (self);
  maybe_sweep (self);
}

static void
lab_denoise_page_weights_published (LabPage *page)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (page);

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->dirty = TRUE;
      return;
    }
  request_pass (self);
}

static void
lab_denoise_page_datasets_changed (LabPage *page)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (page);

  lab_denoise_grid_pick_images (self->denoise_grid, FALSE);
  self->sweep_dirty = TRUE;
  request_pass (self);
  maybe_sweep (self);
}

/* Saved sessions: the noise, the level and the test images shown (with the
 * size of the test set they index). */
static void
lab_denoise_page_save_state (LabPage        *page,
                             LabSessionFile *file)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (page);
  JsonObject *state = lab_session_file_get_page_state (file, "denoise");
  LabDataset *test = test_dataset (self);
  g_autoptr(JsonArray) images = json_array_new ();
  const guint *indices;
  guint n;

  json_object_set_string_member (state, "noise", lab_noise_type_name (current_noise (self).type));
  json_object_set_double_member (state, "level", round (CLAMP (noise_level (self), 0.0, 1.0) * 100) / 100);
  indices = lab_denoise_grid_get_images (self->denoise_grid, &n);
  for (guint i = 0; i < n; i++)
    json_array_add_int_element (images, indices[i]);
  json_object_set_array_member (state, "images", g_steal_pointer (&images));
  json_object_set_int_member (state, "test_images", test != NULL ? test->n : 0);
}

static void
lab_denoise_page_restore_state (LabPage        *page,
                                LabSessionFile *file)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (page);
  JsonObject *state = lab_session_file_lookup_page_state (file, "denoise");
  LabDataset *test = test_dataset (self);
  const char *noise;
  JsonNode *images;

  if (state == NULL)
    return;
  if ((noise = lab_session_state_get_string (state, "noise")) != NULL)
    set_noise_type (self, noise);
  images = json_object_get_member (state, "images");
  if (test != NULL && images != NULL && JSON_NODE_HOLDS_ARRAY (images)
      && lab_session_state_get_int (state, "test_images", -1) == test->n)
    {
      JsonArray *array = json_node_get_array (images);
      guint indices[LAB_DENOISE_IMAGES], n = MIN (json_array_get_length (array), LAB_DENOISE_IMAGES);
      gboolean ok = n > 0;

      for (guint i = 0; ok && i < n; i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          gint64 v = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
                     ? json_node_get_int (node) : -1;

          ok = v >= 0 && v < test->n;
          indices[i] = ok ? (guint) v : 0;
        }
      if (ok)
        lab_denoise_grid_set_images (self->denoise_grid, indices, n);
    }
  set_level (self, lab_session_state_get_double (state, "level", noise_level (self)));
}

static void
on_training_changed (LabDenoisePage *self)
{
  show_model_label (self);
  lab_denoise_grid_training_changed (self->denoise_grid);
  /* Training finished: the curves are worth computing for the final weights. */
  if (!lab_session_get_training (page_session (self))
      && lab_sweep_plot_get_serial (self->sweep_plot) != lab_session_get_weights_serial (page_session (self)))
    self->sweep_dirty = TRUE;
  maybe_sweep (self);
}

/* GObject */

static void
lab_denoise_page_map (GtkWidget *widget)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (widget);

  GTK_WIDGET_CLASS (lab_denoise_page_parent_class)->map (widget);
  if (self->dirty)
    {
      self->dirty = FALSE;
      request_pass (self);
    }
  maybe_sweep (self);
}

static void
lab_denoise_page_dispose (GObject *object)
{
  LabDenoisePage *self = (LabDenoisePage *)object;
  GtkWidget *child;

  /* The grid and the sweep plot wait for their workers as they go. */
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_DENOISE_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_denoise_page_parent_class)->dispose (object);
}

static void
lab_denoise_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (object);

  switch (prop_id)
    {
    case PROP_NOISE_LEVEL:
      /* In steps of 0.01, as set_level() keeps it. */
      g_value_set_double (value, round (CLAMP (noise_level (self), 0.0, 1.0) * 100) / 100);
      break;

    case PROP_NOISE_TYPE:
      g_value_set_string (value, lab_noise_type_name (current_noise (self).type));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_denoise_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LabDenoisePage *self = LAB_DENOISE_PAGE (object);

  switch (prop_id)
    {
    case PROP_NOISE_LEVEL:
      set_level (self, g_value_get_double (value));
      break;

    case PROP_NOISE_TYPE:
      set_noise_type (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_denoise_page_class_init (LabDenoisePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  LabPageClass *page_class = LAB_PAGE_CLASS (klass);

  object_class->dispose = lab_denoise_page_dispose;
  object_class->get_property = lab_denoise_page_get_property;
  object_class->set_property = lab_denoise_page_set_property;
  widget_class->map = lab_denoise_page_map;

  page_class->datasets_changed = lab_denoise_page_datasets_changed;
  page_class->model_changed = lab_denoise_page_model_changed;
  page_class->save_state = lab_denoise_page_save_state;
  page_class->restore_state = lab_denoise_page_restore_state;
  page_class->weights_published = lab_denoise_page_weights_published;

  properties[PROP_NOISE_LEVEL] =
    g_param_spec_double ("noise-level", NULL, NULL,
                         0.0, 1.0, 0.5,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NOISE_TYPE] =
    g_param_spec_string ("noise-type", NULL, NULL,
                         "gaussian",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_property_action (widget_class, "page.noise-level", "noise-level");
  gtk_widget_class_install_property_action (widget_class, "page.noise-type", "noise-type");
  gtk_widget_class_install_action (widget_class, "page.reshuffle", NULL, reshuffle_activated);
  gtk_widget_class_install_action (widget_class, "page.sweep-noise", NULL, sweep_activated);

  g_type_ensure (LAB_TYPE_DENOISE_GRID);
  g_type_ensure (LAB_TYPE_SWEEP_PLOT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-denoise-page.ui");
  gtk_widget_class_set_css_name (widget_class, "denoisepage");
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, stack);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, noise_type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, noise_scale);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, means_label);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, model_label);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, denoise_grid);
  gtk_widget_class_bind_template_child (widget_class, LabDenoisePage, sweep_plot);
}

static void
lab_denoise_page_init (LabDenoisePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_object_bind_property (self, "session", self->denoise_grid, "session", G_BINDING_SYNC_CREATE);
  g_signal_group_connect_swapped (lab_page_get_session_signals (LAB_PAGE (self)), "notify::training",
                                  G_CALLBACK (on_training_changed), self);
  g_signal_connect_swapped (self->denoise_grid, "pass-shown", G_CALLBACK (on_pass_shown), self);
  g_signal_connect_swapped (self->denoise_grid, "problem", G_CALLBACK (on_problem), self);

  lab_sweep_plot_reset (self->sweep_plot, _("Loss and PSNR against noise"));
  update_markers (self);

  g_signal_connect_swapped (self->noise_scale, "value-changed", G_CALLBACK (on_scale_changed), self);
  g_signal_connect_swapped (self->noise_type_dropdown, "notify::selected",
                            G_CALLBACK (on_noise_type_changed), self);
  show_empty (self, _("There is no model yet. Train one on the Train page, or open a "
                      "model file, and its denoising shows here."));
}

GtkWidget *
lab_denoise_page_new (void)
{
  return g_object_new (LAB_TYPE_DENOISE_PAGE, NULL);
}

/* Testing accessors */

LabDenoiseGrid *
lab_denoise_page_get_denoise_grid (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), NULL);
  return self->denoise_grid;
}

LabSweepPlot *
lab_denoise_page_get_sweep_plot (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), NULL);
  return self->sweep_plot;
}

GtkRange *
lab_denoise_page_get_noise_scale (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), NULL);
  return GTK_RANGE (self->noise_scale);
}

const char *
lab_denoise_page_get_model_text (LabDenoisePage *self)
{
  g_return_val_if_fail (LAB_IS_DENOISE_PAGE (self), NULL);
  return gtk_label_get_label (self->model_label);
}
