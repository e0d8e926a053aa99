#define G_LOG_DOMAIN "latentlab"

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-spin-digits.h"
#include "lab-train-settings.h"

/* In the order of the noise dropdown. */
static const LabNoiseType noise_types[] = {
  LAB_NOISE_NONE, LAB_NOISE_GAUSSIAN, LAB_NOISE_SALT_PEPPER, LAB_NOISE_MASK, LAB_NOISE_DOWNSAMPLE,
};

/* Training-set sizes offered; 0 is all. A size from the command line or a
 * model file that is not here is appended. */
static const guint default_limits[] = { 0, 10, 100, 1000, 10000 };

/* The loss dropdown's entries, in order. */
enum {
  LOSS_FROM_ARCH,
  LOSS_BCE,
  LOSS_MSE,
};

struct _LabTrainSettings
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkSpinButton  *epochs_spin;
  GtkSpinButton  *batch_spin;
  GtkSpinButton  *lr_spin;
  GtkSpinButton  *seed_spin;
  GtkDropDown    *optimizer_dropdown;
  GtkDropDown    *loss_dropdown;
  GtkDropDown    *noise_type_dropdown;
  GtkSpinButton  *noise_amount_spin;
  GtkDropDown    *limit_dropdown;

  /* Owned */
  GtkStringList  *loss_titles;
  GtkStringList  *limit_titles;
  GArray         *limits;           /* (element-type guint) per limit title */
};

enum {
  PROP_0,
  PROP_LOSS,
  PROP_LOSS_LOCKED,
  N_PROPS
};

enum {
  NOISE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabTrainSettings, lab_train_settings, GTK_TYPE_WIDGET)

static guint
selected_limit (LabTrainSettings *self)
{
  guint i = gtk_drop_down_get_selected (self->limit_dropdown);

  return i < self->limits->len ? g_array_index (self->limits, guint, i) : 0;
}

static void
select_limit (LabTrainSettings *self,
              guint             limit)
{
  for (guint i = 0; i < self->limits->len; i++)
    if (g_array_index (self->limits, guint, i) == limit)
      {
        gtk_drop_down_set_selected (self->limit_dropdown, i);
        return;
      }
  {
    g_autofree char *count = lab_format_count_localized (limit);

    g_array_append_val (self->limits, limit);
    gtk_string_list_append (self->limit_titles, count);
    gtk_drop_down_set_selected (self->limit_dropdown, self->limits->len - 1);
  }
}

LabNoise
lab_train_settings_get_noise (LabTrainSettings *self)
{
  LabNoise noise;
  guint i;

  g_return_val_if_fail (LAB_IS_TRAIN_SETTINGS (self), (LabNoise) { 0 });

  i = gtk_drop_down_get_selected (self->noise_type_dropdown);
  noise.type = noise_types[MIN (i, G_N_ELEMENTS (noise_types) - 1)];
  noise.amount = noise.type == LAB_NOISE_NONE || noise.type == LAB_NOISE_DOWNSAMPLE
                 ? 0 : (float) gtk_spin_button_get_value (self->noise_amount_spin);
  return noise;
}

static void
show_noise (LabTrainSettings *self,
            const LabNoise   *noise)
{
  for (guint i = 0; i < G_N_ELEMENTS (noise_types); i++)
    if (noise_types[i] == noise->type)
      gtk_drop_down_set_selected (self->noise_type_dropdown, i);
  if (noise->type != LAB_NOISE_NONE && noise->type != LAB_NOISE_DOWNSAMPLE)
    gtk_spin_button_set_value (self->noise_amount_spin, noise->amount);
}

void
lab_train_settings_get_config (LabTrainSettings *self,
                               LabTrainConfig   *config)
{
  g_return_if_fail (LAB_IS_TRAIN_SETTINGS (self));
  g_return_if_fail (config != NULL);

  config->epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  config->batch = gtk_spin_button_get_value_as_int (self->batch_spin);
  config->lr = gtk_spin_button_get_value (self->lr_spin);
  config->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  config->optimizer = gtk_drop_down_get_selected (self->optimizer_dropdown) == 1 ? LAB_OPTIM_SGD : LAB_OPTIM_ADAM;
  config->noise = lab_train_settings_get_noise (self);
  config->limit = selected_limit (self);
}

void
lab_train_settings_set_config (LabTrainSettings     *self,
                               const LabTrainConfig *config)
{
  g_return_if_fail (LAB_IS_TRAIN_SETTINGS (self));
  g_return_if_fail (config != NULL);

  gtk_spin_button_set_value (self->epochs_spin, config->epochs);
  gtk_spin_button_set_value (self->batch_spin, config->batch);
  gtk_spin_button_set_value (self->lr_spin, config->lr);
  gtk_spin_button_set_value (self->seed_spin, (double) config->seed);
  gtk_drop_down_set_selected (self->optimizer_dropdown, config->optimizer == LAB_OPTIM_SGD ? 1 : 0);
  show_noise (self, &config->noise);
  select_limit (self, config->limit);
}

int
lab_train_settings_get_loss (LabTrainSettings *self)
{
  g_return_val_if_fail (LAB_IS_TRAIN_SETTINGS (self), LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH);

  switch (gtk_drop_down_get_selected (self->loss_dropdown))
    {
    case LOSS_BCE:
      return LAB_LOSS_BCE;
    case LOSS_MSE:
      return LAB_LOSS_MSE;
    default:
      return LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH;
    }
}

void
lab_train_settings_set_loss (LabTrainSettings *self,
                             int               loss)
{
  g_return_if_fail (LAB_IS_TRAIN_SETTINGS (self));

  gtk_drop_down_set_selected (self->loss_dropdown,
                              loss == LAB_LOSS_BCE ? LOSS_BCE : loss == LAB_LOSS_MSE ? LOSS_MSE : LOSS_FROM_ARCH);
}

gboolean
lab_train_settings_apply_options (LabTrainSettings  *self,
                                  GVariantDict      *options,
                                  GError           **error)
{
  const char *noise_text = NULL, *loss = NULL, *optimizer = NULL;
  gint32 epochs, batch, limit;
  gint64 seed;
  double lr;

  g_return_val_if_fail (LAB_IS_TRAIN_SETTINGS (self), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  if (g_variant_dict_lookup (options, "noise", "&s", &noise_text))
    {
      LabNoise noise;

      if (!lab_noise_parse (noise_text, &noise, error))
        return FALSE;
      show_noise (self, &noise);
    }
  if (g_variant_dict_lookup (options, "loss", "&s", &loss))
    {
      LabLossKind kind;

      if (!lab_loss_from_name (loss, &kind, error))
        return FALSE;
      /* A classifier's loss comes with its architecture. */
      lab_train_settings_set_loss (self, kind == LAB_LOSS_SOFTMAX_CE ? LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH : (int) kind);
    }
  if (g_variant_dict_lookup (options, "optimizer", "&s", &optimizer))
    {
      LabOptimKind kind;

      if (!lab_optim_kind_from_name (optimizer, &kind, error))
        return FALSE;
      gtk_drop_down_set_selected (self->optimizer_dropdown, kind == LAB_OPTIM_SGD ? 1 : 0);
    }
  if (g_variant_dict_lookup (options, "epochs", "i", &epochs))
    gtk_spin_button_set_value (self->epochs_spin, epochs);
  if (g_variant_dict_lookup (options, "batch", "i", &batch))
    gtk_spin_button_set_value (self->batch_spin, batch);
  if (g_variant_dict_lookup (options, "lr", "d", &lr))
    gtk_spin_button_set_value (self->lr_spin, lr);
  if (g_variant_dict_lookup (options, "seed", "x", &seed))
    gtk_spin_button_set_value (self->seed_spin, (double) seed);
  if (g_variant_dict_lookup (options, "limit", "i", &limit))
    select_limit (self, (guint) MAX (limit, 0));
  return TRUE;
}

static void
on_noise_changed (LabTrainSettings *self)
{
  LabNoise noise = lab_train_settings_get_noise (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->noise_amount_spin),
                            noise.type != LAB_NOISE_NONE && noise.type != LAB_NOISE_DOWNSAMPLE);
  g_signal_emit (self, signals[NOISE_CHANGED], 0);
}

static void
on_loss_changed (LabTrainSettings *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOSS]);
}

/* GObject */

static void
lab_train_settings_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_TRAIN_SETTINGS);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_train_settings_parent_class)->dispose (object);
}

static void
lab_train_settings_finalize (GObject *object)
{
  LabTrainSettings *self = (LabTrainSettings *)object;

  g_clear_object (&self->loss_titles);
  g_clear_object (&self->limit_titles);
  g_clear_pointer (&self->limits, g_array_unref);

  G_OBJECT_CLASS (lab_train_settings_parent_class)->finalize (object);
}

static void
lab_train_settings_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LabTrainSettings *self = LAB_TRAIN_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_LOSS:
      g_value_set_int (value, lab_train_settings_get_loss (self));
      break;

    case PROP_LOSS_LOCKED:
      g_value_set_boolean (value, !gtk_widget_get_sensitive (GTK_WIDGET (self->loss_dropdown)));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_train_settings_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LabTrainSettings *self = LAB_TRAIN_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_LOSS:
      lab_train_settings_set_loss (self, g_value_get_int (value));
      break;

    case PROP_LOSS_LOCKED:
      gtk_widget_set_sensitive (GTK_WIDGET (self->loss_dropdown), !g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_train_settings_class_init (LabTrainSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_train_settings_dispose;
  object_class->finalize = lab_train_settings_finalize;
  object_class->get_property = lab_train_settings_get_property;
  object_class->set_property = lab_train_settings_set_property;

  properties[PROP_LOSS] =
    g_param_spec_int ("loss", NULL, NULL,
                      LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH, G_MAXINT, LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOSS_LOCKED] =
    g_param_spec_boolean ("loss-locked", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[NOISE_CHANGED] =
    g_signal_new ("noise-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-train-settings.ui");
  gtk_widget_class_bind_template_child (widget_class, LabTrainSettings, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, LabTrainSettings, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, LabTrainSettings, lr_spin);
  gtk_widget_class_bind_template_child (widget_class, LabTrainSettings, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, LabTrainSettings, optimizer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabTrainSettings, loss_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabTrainSettings, noise_type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabTrainSettings, noise_amount_spin);
  gtk_widget_class_bind_template_child (widget_class, LabTrainSettings, limit_dropdown);
}

static void
lab_train_settings_init (LabTrainSettings *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  lab_spin_digits_trim (self->lr_spin);
  lab_spin_digits_trim (self->noise_amount_spin);

  self->loss_titles = gtk_string_list_new ((const char * const []) {
    _("As the architecture says"), _("Binary cross-entropy (bce)"), _("Mean squared error (mse)"), NULL });
  gtk_drop_down_set_model (self->loss_dropdown, G_LIST_MODEL (self->loss_titles));

  self->limits = g_array_new (FALSE, FALSE, sizeof (guint));
  self->limit_titles = gtk_string_list_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (default_limits); i++)
    {
      g_autofree char *title = default_limits[i] ? lab_format_count_localized (default_limits[i])
                                                 : g_strdup (_("All"));

      g_array_append_val (self->limits, default_limits[i]);
      gtk_string_list_append (self->limit_titles, title);
    }
  gtk_drop_down_set_model (self->limit_dropdown, G_LIST_MODEL (self->limit_titles));

  g_signal_connect_swapped (self->loss_dropdown, "notify::selected", G_CALLBACK (on_loss_changed), self);
  g_signal_connect_swapped (self->noise_type_dropdown, "notify::selected", G_CALLBACK (on_noise_changed), self);
  g_signal_connect_swapped (self->noise_amount_spin, "value-changed", G_CALLBACK (on_noise_changed), self);
  on_noise_changed (self);
}
