#define G_LOG_DOMAIN "latentlab"

/* The Train page: a layout of its sections (lab-train-page.h), its actions
 * and what ties the sections together. Its parts: the training run and
 * what it shows (lab-train-page-run.c), the Model menu with open and save
 * (lab-train-page-models.c), the reconstruction strip while no run draws
 * it (lab-train-page-strip.c). */

#include <math.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-train-page-private.h"

/* Without a test split, this share of the training images validates. */
#define HOLD_OUT_FRACTION   0.1

enum {
  PROP_0,
  PROP_PAUSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabTrainPage, lab_train_page, LAB_TYPE_PAGE)

static void maybe_start (LabTrainPage *self);

static LabSession *
page_session (LabTrainPage *self)
{
  return lab_page_get_session (LAB_PAGE (self));
}

const char *
lab_train_page_loss_title (LabLossKind kind)
{
  switch (kind)
    {
    case LAB_LOSS_BCE:
      return "BCE";
    case LAB_LOSS_MSE:
      return "MSE";
    case LAB_LOSS_SOFTMAX_CE:
      return _("cross-entropy");
    default:
      return "";
    }
}

void
lab_train_page_get_config (LabTrainPage   *self,
                           LabTrainConfig *config)
{
  g_return_if_fail (LAB_IS_TRAIN_PAGE (self));

  lab_train_config_init (config);
  lab_train_settings_get_config (self->train_settings, config);
  config->val_limit = LAB_TRAIN_PAGE_EVAL_IMAGES;
  config->val_fraction = page_session (self) != NULL && lab_session_has_test_split (page_session (self))
                         ? 0 : HOLD_OUT_FRACTION;
}

/* The session's model has this architecture: training can go on from it. */
void
lab_train_page_update_continue (LabTrainPage *self)
{
  LabModel *model = page_session (self) != NULL ? lab_session_get_model (page_session (self)) : NULL;
  g_autoptr(LabSpec) spec = lab_arch_chooser_build_spec (self->arch_chooser);
  gboolean same = FALSE;

  if (model != NULL && spec != NULL)
    {
      g_autofree char *a = lab_spec_to_string (spec, FALSE);
      g_autofree char *b = lab_spec_to_string (lab_model_get_spec (model), FALSE);

      same = g_strcmp0 (a, b) == 0;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_check), same && self->run == NULL);
  if (!same)
    gtk_check_button_set_active (self->continue_check, FALSE);
}

void
lab_train_page_show_paused (LabTrainPage *self,
                            gboolean      paused)
{
  if (self->paused != paused)
    {
      self->paused = paused;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
    }
  gtk_label_set_label (self->pause_label, paused ? _("Resume") : _("Pause"));
  gtk_image_set_from_icon_name (self->pause_icon, paused ? "media-playback-start-symbolic"
                                                         : "media-playback-pause-symbolic");
}

/* The architecture chooser and the form */

static void
on_arch_changed (LabTrainPage *self)
{
  lab_train_page_update_continue (self);
  lab_train_page_update_actions (self);
  if (self->run == NULL)
    lab_train_page_refresh_recon (self);
}

static void
on_noise_changed (LabTrainPage *self)
{
  LabNoise noise = lab_train_settings_get_noise (self->train_settings);

  lab_recon_grid_set_row_title (self->recon_grid, 0,
                                noise.type == LAB_NOISE_NONE ? _("Input") : _("Noisy input"));
  if (self->run == NULL)
    lab_train_page_refresh_recon (self);
}

/* Status */

void
lab_train_page_show_model_status (LabTrainPage *self)
{
  LabModel *model = page_session (self) != NULL ? lab_session_get_model (page_session (self)) : NULL;
  g_autofree char *params = NULL;
  g_autofree char *text = NULL;
  const char *path;

  if (self->run != NULL)
    return;
  if (model == NULL)
    {
      gtk_label_set_label (self->status_label,
                           _("No model yet: choose an architecture and its settings, then press Train."));
      return;
    }
  params = lab_format_count_localized (lab_model_n_params (model));
  path = lab_session_get_model_path (page_session (self));
  if (path != NULL)
    {
      g_autofree char *base = g_path_get_basename (path);

      text = g_strdup_printf (_("Model %s (%s, %s parameters)."), base, lab_model_get_name (model), params);
    }
  else
    text = g_strdup_printf (_("Model %s, %s parameters."), lab_model_get_name (model), params);
  gtk_label_set_label (self->status_label, text);
}

/* Actions */

static void
set_enabled (LabTrainPage *self,
             const char   *name,
             gboolean      enabled)
{
  g_autofree char *action_name = g_strconcat (LAB_PAGE_ACTION_PREFIX, name, NULL);

  lab_page_set_action_enabled (LAB_PAGE (self), action_name, enabled);
}

void
lab_train_page_update_actions (LabTrainPage *self)
{
  gboolean running = self->run != NULL;
  gboolean have_model = page_session (self) != NULL && lab_session_get_model (page_session (self)) != NULL;
  gboolean ready = page_session (self) != NULL && lab_session_is_ready (page_session (self));
  gboolean chosen = lab_arch_chooser_get_chosen (self->arch_chooser) != NULL;

  set_enabled (self, "train", !running && ready && chosen);
  set_enabled (self, "pause", running);
  set_enabled (self, "stop", running);
  set_enabled (self, "save-model", have_model);
  set_enabled (self, "save-model-to", have_model);
  set_enabled (self, "export-pytorch", have_model);
  set_enabled (self, "export-pytorch-to", have_model);
  set_enabled (self, "open-model", !running);
  set_enabled (self, "open-model-file", !running);
  set_enabled (self, "save-spec", chosen);
  set_enabled (self, "build-architecture", !running && !lab_page_get_settings_locked (LAB_PAGE (self)));
}

static void
train_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!lab_train_page_start_training (self, &error))
    lab_widget_show_error (GTK_WIDGET (self), error);
}

/* page.pause (the "paused" property): pauses or resumes the run. */
static void
set_paused (LabTrainPage *self,
            gboolean      paused)
{
  if (self->run == NULL)
    paused = FALSE;
  else
    lab_train_run_set_paused (self->run, paused);
  lab_train_page_show_paused (self, paused);
  if (self->run != NULL)
    gtk_label_set_label (self->progress_label, paused ? _("Paused") : _("Resuming…"));
}

static void
stop_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (widget);

  if (self->run == NULL)
    return;
  gtk_label_set_label (self->progress_label, _("Stopping…"));
  lab_train_run_stop (self->run);
  set_enabled (self, "stop", FALSE);
}

static void
build_architecture_activated (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  lab_arch_chooser_edit (LAB_TRAIN_PAGE (widget)->arch_chooser);
}


/* Session */

static void
lab_train_page_datasets_changed (LabPage *page)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (page);

  lab_train_page_pick_strip_images (self);
  lab_train_page_update_actions (self);
  if (self->run == NULL)
    lab_train_page_refresh_recon (self);
  maybe_start (self);
}

static void
lab_train_page_model_changed (LabPage *page)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (page);

  lab_train_page_update_continue (self);
  lab_train_page_update_actions (self);
  lab_train_page_show_model_status (self);
}

/* Saved sessions: the model with its training record (the curves); the
 * settings come back from the record. */
static void
lab_train_page_save_state (LabPage        *page,
                           LabSessionFile *file)
{
  LabSession *session = lab_page_get_session (page);

  if (session == NULL || lab_session_get_model (session) == NULL)
    return;
  file->model = lab_session_get_model (session);
  g_free (file->train_json);
  file->train_json = g_strdup (lab_session_get_train_json (session));
  g_free (file->model_path);
  file->model_path = g_strdup (lab_session_get_model_path (session));
  file->step = lab_session_get_step (session);
}

static void
lab_train_page_restore_state (LabPage        *page,
                              LabSessionFile *file)
{
  g_autoptr(GError) error = NULL;

  if (file->model == NULL)
    return;
  if (!lab_train_page_show_model (LAB_TRAIN_PAGE (page), g_steal_pointer (&file->model),
                                  file->train_json, NULL, &error))
    lab_widget_show_error (GTK_WIDGET (page), error);
}

static void
on_ready_changed (LabTrainPage *self)
{
  lab_train_page_update_actions (self);
}

/* Command line */

static void
maybe_start (LabTrainPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->start_pending || self->run != NULL || page_session (self) == NULL
      || !lab_session_is_ready (page_session (self))
      || lab_session_get_dataset_serial (page_session (self)) < self->start_after_serial)
    return;
  self->start_pending = FALSE;
  if (!lab_train_page_start_training (self, &error))
    lab_widget_show_error (GTK_WIDGET (self), error);
}

gboolean
lab_train_page_configure (LabTrainPage  *self,
                          GVariantDict  *options,
                          gboolean       wait_for_dataset,
                          GError       **error)
{
  const char *arch = NULL;
  gboolean train = FALSE;

  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), FALSE);

  if (g_variant_dict_lookup (options, "arch", "&s", &arch)
      && !lab_arch_chooser_select_preset (self->arch_chooser, arch, error))
    return FALSE;
  if (!lab_train_settings_apply_options (self->train_settings, options, error))
    return FALSE;
  g_variant_dict_lookup (options, "train", "b", &train);

  if (train)
    {
      self->start_pending = TRUE;
      self->start_after_serial = page_session (self) != NULL
                                 ? lab_session_get_dataset_serial (page_session (self)) + (wait_for_dataset ? 1 : 0)
                                 : 0;
      maybe_start (self);
    }
  return TRUE;
}

gboolean
lab_train_page_is_training (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), FALSE);

  return self->run != NULL;
}

/* GObject */

static void
lab_train_page_dispose (GObject *object)
{
  LabTrainPage *self = (LabTrainPage *)object;
  GtkWidget *child;

  /* Closing the window stops a running training, paused or not: wait for
   * the worker to leave the core. */
  if (self->run != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      if (!lab_train_run_cancel (self->run, 10000))
        g_warning ("A training worker did not stop within 10 s");
    }
  g_clear_object (&self->run);
  lab_train_page_cancel_strip (self);
  lab_train_page_dispose_models (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_TRAIN_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_train_page_parent_class)->dispose (object);
}

static void
lab_train_page_finalize (GObject *object)
{
  LabTrainPage *self = (LabTrainPage *)object;

  g_clear_pointer (&self->recon_ds, lab_dataset_unref);

  G_OBJECT_CLASS (lab_train_page_parent_class)->finalize (object);
}

static void
lab_train_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_train_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LabTrainPage *self = LAB_TRAIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      set_paused (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_train_page_class_init (LabTrainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  LabPageClass *page_class = LAB_PAGE_CLASS (klass);

  object_class->dispose = lab_train_page_dispose;
  object_class->finalize = lab_train_page_finalize;
  object_class->get_property = lab_train_page_get_property;
  object_class->set_property = lab_train_page_set_property;

  page_class->datasets_changed = lab_train_page_datasets_changed;
  page_class->model_changed = lab_train_page_model_changed;
  page_class->save_state = lab_train_page_save_state;
  page_class->restore_state = lab_train_page_restore_state;

  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "page.train", NULL, train_activated);
  gtk_widget_class_install_property_action (widget_class, "page.pause", "paused");
  gtk_widget_class_install_action (widget_class, "page.stop", NULL, stop_activated);
  gtk_widget_class_install_action (widget_class, "page.build-architecture", NULL,
                                   build_architecture_activated);
  lab_train_page_class_init_models (widget_class);

  g_type_ensure (LAB_TYPE_ARCH_CHOOSER);
  g_type_ensure (LAB_TYPE_PLOT_VIEW);
  g_type_ensure (LAB_TYPE_RECON_GRID);
  g_type_ensure (LAB_TYPE_TRAIN_SETTINGS);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-train-page.ui");
  gtk_widget_class_set_css_name (widget_class, "trainpage");
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, settings_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, settings_scroller);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, arch_chooser);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, train_settings);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, continue_check);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, pause_icon);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, pause_label);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, stop_button);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, model_button);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, loss_plot);
  gtk_widget_class_bind_template_child (widget_class, LabTrainPage, recon_grid);
}

static void
lab_train_page_init (LabTrainPage *self)
{
  LabLinePlot *plot;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->final_loss = NAN;
  g_signal_group_connect_swapped (lab_page_get_session_signals (LAB_PAGE (self)), "notify::ready",
                                  G_CALLBACK (on_ready_changed), self);
  lab_train_page_init_models (self);
  /* A locked demo (LabPage's settings-locked): its architecture and
   * hyperparameters cannot be changed by a stray click; training,
   * pausing and opening models still work. */
  lab_page_bind_unlocked (LAB_PAGE (self), GTK_WIDGET (self->arch_chooser));
  lab_page_bind_unlocked (LAB_PAGE (self), GTK_WIDGET (self->train_settings));
  g_signal_connect_swapped (self, "notify::settings-locked",
                            G_CALLBACK (lab_train_page_update_actions), self);

  plot = lab_plot_view_get_plot (self->loss_plot);
  lab_line_plot_set_labels (plot, _("epoch"), _("loss"));
  lab_line_plot_add_series (plot, _("training (smoothed)"), 0, LAB_LINE_STYLE_LINE);
  lab_line_plot_add_series (plot, _("validation"), 1, LAB_LINE_STYLE_POINTS);

  lab_recon_grid_set_row_title (self->recon_grid, 0, _("Noisy input"));
  lab_recon_grid_set_row_title (self->recon_grid, 1, _("Reconstruction"));
  lab_recon_grid_set_row_title (self->recon_grid, 2, _("Clean"));
  lab_recon_grid_set_placeholder (self->recon_grid, 1, _("Press Train: the reconstructions appear here as the model learns"));

  /* The loss belongs to the spec, but its choice sits in the form. */
  lab_arch_chooser_set_settings (self->arch_chooser, self->train_settings);
  g_object_bind_property (self->arch_chooser, "classifier", self->train_settings, "loss-locked",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_swapped (self->arch_chooser, "changed", G_CALLBACK (on_arch_changed), self);
  g_signal_connect_swapped (self->train_settings, "noise-changed", G_CALLBACK (on_noise_changed), self);

  lab_arch_chooser_select_preset (self->arch_chooser, "dae-keras32", NULL);
  on_noise_changed (self);
  lab_train_page_update_actions (self);
  lab_train_page_show_model_status (self);
}

GtkWidget *
lab_train_page_new (void)
{
  return g_object_new (LAB_TYPE_TRAIN_PAGE, NULL);
}

/* Testing accessors */

LabPlotView *
lab_train_page_get_loss_plot (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), NULL);
  return self->loss_plot;
}

LabReconGrid *
lab_train_page_get_recon_grid (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), NULL);
  return self->recon_grid;
}

double
lab_train_page_get_final_loss (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), NAN);
  return self->final_loss;
}

guint64
lab_train_page_get_final_steps (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), 0);
  return self->final_steps;
}

gboolean
lab_train_page_get_final_stopped (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), FALSE);
  return self->final_stopped;
}

guint
lab_train_page_get_n_progress (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), 0);
  return self->n_progress;
}

guint64
lab_train_page_get_step (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), 0);
  return self->step;
}

const char *
lab_train_page_get_status_text (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), NULL);
  return gtk_label_get_label (self->status_label);
}

const char *
lab_train_page_get_progress_text (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), NULL);
  return gtk_label_get_label (self->progress_label);
}

const char *
lab_train_page_get_arch (LabTrainPage *self)
{
  const LabSpec *spec;

  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), NULL);
  spec = lab_arch_chooser_get_chosen (self->arch_chooser);
  return spec ? spec->name : NULL;
}

guint
lab_train_page_get_summary_rows (LabTrainPage *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_PAGE (self), 0);
  return lab_arch_chooser_get_summary_rows (self->arch_chooser);
}
