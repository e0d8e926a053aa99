#define G_LOG_DOMAIN "latentlab"

#include "lab-transfer-panel.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-job.h"
#include "lab-worker-gate.h"
#include "lab-wrap-box.h"

#define TRANSFER_SLOT "transfer"

/* Seed 000's curve (the dropdown's second entry). */
static const guint full_budgets[] = { 100, 300, 1000, 1800, 5000 };

typedef struct
{
  LabDataset        *train;
  LabDataset        *test;
  LabTransferConfig  config;
  LabWorkerGate     *gate;
} TransferRequest;

struct _LabTransferPanel
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkDropDown       *budgets_dropdown;
  GtkSpinButton     *seeds_spin;
  GtkSpinButton     *epochs_spin;
  GtkProgressBar    *progress_bar;
  GtkLabel          *status_label;
  GtkLabel          *reading_label;
  LabPlotView       *curve_plot;
  LabPlotView       *epochs_plot;
  LabConfusionView  *baseline_confusion;
  LabConfusionView  *finetuned_confusion;

  /* Owned */
  LabWorkerGate     *gate;
  LabTransferResult *result;
  gboolean           quick;
};

enum {
  PROP_0,
  PROP_QUICK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FINISHED,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabTransferPanel, lab_transfer_panel, GTK_TYPE_WIDGET)

static void
request_free (gpointer data)
{
  TransferRequest *req = data;

  g_clear_pointer (&req->train, lab_dataset_unref);
  g_clear_pointer (&req->test, lab_dataset_unref);
  g_clear_pointer (&req->gate, lab_worker_gate_unref);
  g_free (req);
}

/* Worker thread. */
static gpointer
transfer_worker (LabJob        *job,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  TransferRequest *req = data;
  LabTransferResult *result;

  result = lab_transfer_run (req->train, req->test, &req->config, lab_job_progress_func, job,
                             cancellable, error);
  lab_worker_gate_leave (req->gate);
  return result;
}

static void
transfer_progress (gpointer    owner,
                   LabJob     *job,
                   double      fraction,
                   const char *text,
                   gpointer    payload)
{
  LabTransferPanel *self = owner;

  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0, 1));
  if (text != NULL)
    gtk_label_set_label (self->status_label, text);
}

/* Where pretraining helped beyond two standard errors, where it did not. */
static char *
reading (const LabTransferResult *r)
{
  GString *text = g_string_new (NULL);
  const LabTransferBudget *last = &r->budgets[r->n_budgets - 1];
  g_autofree char *labels = lab_format_count_localized (last->labels);
  g_autofree char *fine = lab_format_percent_localized (100 * last->mean[LAB_TRANSFER_FINETUNED], 1);
  g_autofree char *frozen = lab_format_percent_localized (100 * last->mean[LAB_TRANSFER_FROZEN], 1);
  g_autofree char *base = lab_format_percent_localized (100 * last->mean[LAB_TRANSFER_BASELINE], 1);

  g_string_append_printf (text, _("With %s labels: fine-tuned %s, frozen encoder %s, "
                                  "baseline from scratch %s."), labels, fine, frozen, base);
  for (guint b = 0; b < r->n_budgets; b++)
    {
      const LabTransferBudget *tb = &r->budgets[b];
      double diff = tb->mean[LAB_TRANSFER_FINETUNED] - tb->mean[LAB_TRANSFER_BASELINE];
      double se = lab_transfer_diff_se (r, b, LAB_TRANSFER_FINETUNED, LAB_TRANSFER_BASELINE);
      g_autofree char *l = lab_format_count_localized (tb->labels);

      g_string_append_c (text, ' ');
      if (!isfinite (se))
        g_string_append_printf (text, _("L = %s: %+.1f points (one seed: no error bar)."),
                                l, 100 * diff);
      else if (diff > 2 * se)
        g_string_append_printf (text, _("L = %s: pretraining helps, %+.1f points (more than two "
                                        "standard errors, %.1f)."), l, 100 * diff, 100 * se);
      else if (diff < -2 * se)
        g_string_append_printf (text, _("L = %s: pretraining hurts, %+.1f points (more than two "
                                        "standard errors, %.1f)."), l, 100 * diff, 100 * se);
      else
        g_string_append_printf (text, _("L = %s: %+.1f points, within two standard errors "
                                        "(%.1f): no clear gain."), l, 100 * diff, 100 * se);
    }
  return g_string_free (text, FALSE);
}

static void
show_result (LabTransferPanel *self)
{
  const LabTransferResult *r = self->result;
  const LabTransferBudget *last = &r->budgets[r->n_budgets - 1];
  const char * const *names = (const char * const *) r->class_names;
  g_autofree char *text = reading (r);
  g_autofree char *base = NULL, *fine = NULL, *labels = lab_format_count_localized (last->labels);
  g_autofree char *base_percent = lab_format_percent_localized (100 * last->mean[LAB_TRANSFER_BASELINE], 1);
  g_autofree char *fine_percent = lab_format_percent_localized (100 * last->mean[LAB_TRANSFER_FINETUNED], 1);
  LabLinePlot *plot;

  plot = lab_plot_view_reset (self->curve_plot);
  lab_transfer_fill_curve (r, plot);
  lab_plot_view_changed (self->curve_plot);
  plot = lab_plot_view_reset (self->epochs_plot);
  lab_transfer_fill_epochs (r, r->n_budgets - 1, plot);
  lab_plot_view_changed (self->epochs_plot);

  /* Translators: "Baseline, L = 1,000 (2 seeds): 71.2%" */
  base = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Baseline, L = %s (%u seed): %s",
                                       "Baseline, L = %s (%u seeds): %s", r->n_seeds),
                          labels, r->n_seeds, base_percent);
  fine = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Fine-tuned, L = %s (%u seed): %s",
                                       "Fine-tuned, L = %s (%u seeds): %s", r->n_seeds),
                          labels, r->n_seeds, fine_percent);
  lab_confusion_view_set_matrix (self->baseline_confusion, base,
                                 last->confusion[LAB_TRANSFER_BASELINE], r->n_classes, names);
  lab_confusion_view_set_matrix (self->finetuned_confusion, fine,
                                 last->confusion[LAB_TRANSFER_FINETUNED], r->n_classes, names);
  gtk_label_set_label (self->reading_label, text);
}

/* The status line of a finished run, from the result alone, so a result
 * that a saved session brings back says what it said. */
static void
show_done (LabTransferPanel *self)
{
  const LabTransferResult *r = self->result;
  g_autofree char *n_test = lab_format_count_localized (r->n_test);
  g_autofree char *n_pretrain = lab_format_count_localized (r->pretrain_images);
  g_autofree char *text = NULL;

  text = g_strdup_printf (_("Done in %.0f s: %u classifiers on %s test images, the encoder "
                            "pretrained on %s unlabelled images"), r->seconds,
                          r->n_seeds * r->n_budgets * LAB_TRANSFER_N_WAYS, n_test, n_pretrain);
  gtk_progress_bar_set_fraction (self->progress_bar, 1);
  gtk_label_set_label (self->status_label, text);
}

static void
transfer_done (gpointer      owner,
               LabJob       *job,
               gpointer      result,
               const GError *error)
{
  LabTransferPanel *self = owner;

  if (result == NULL)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_label_set_label (self->status_label, error ? error->message : _("Failed"));
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  g_clear_pointer (&self->result, lab_transfer_result_free);
  self->result = result;
  show_result (self);
  show_done (self);
  g_signal_emit (self, signals[FINISHED], 0);
}

void
lab_transfer_panel_set_result (LabTransferPanel  *self,
                               LabTransferResult *result)
{
  g_return_if_fail (LAB_IS_TRANSFER_PANEL (self));
  g_return_if_fail (result != NULL && result->n_budgets > 0 && result->n_seeds > 0);

  /* A run going on would replace it when it ends. */
  lab_transfer_panel_cancel (self);
  g_clear_pointer (&self->result, lab_transfer_result_free);
  self->result = result;
  show_result (self);
  show_done (self);
}

void
lab_transfer_panel_get_config (LabTransferPanel  *self,
                               LabTransferConfig *config)
{
  gboolean full = gtk_drop_down_get_selected (self->budgets_dropdown) == 1;

  g_return_if_fail (LAB_IS_TRANSFER_PANEL (self));

  if (self->quick)
    {
      lab_transfer_config_quick (config);
      return;
    }
  if (full)
    {
      lab_transfer_config_init (config);
      config->n_budgets = G_N_ELEMENTS (full_budgets);
      for (guint i = 0; i < G_N_ELEMENTS (full_budgets); i++)
        config->budgets[i] = full_budgets[i];
    }
  else
    lab_transfer_config_class (config);
  config->n_seeds = (guint) gtk_spin_button_get_value_as_int (self->seeds_spin);
  config->pretrain_epochs = (guint) gtk_spin_button_get_value_as_int (self->epochs_spin);
}

gboolean
lab_transfer_panel_start (LabTransferPanel  *self,
                          LabDataset        *train,
                          LabDataset        *test,
                          GError           **error)
{
  g_autoptr(LabJob) job = NULL;
  TransferRequest *req;

  g_return_val_if_fail (LAB_IS_TRANSFER_PANEL (self), FALSE);

  if (train->labels == NULL || train->n_classes < 2)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   _("%s has no labels: transfer learning needs labelled images"), train->name);
      return FALSE;
    }
  req = g_new0 (TransferRequest, 1);
  lab_transfer_panel_get_config (self, &req->config);
  req->train = lab_dataset_ref (train);
  req->test = lab_dataset_ref (test);
  req->gate = lab_worker_gate_ref (self->gate);

  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_label (self->status_label, _("Pretraining the autoencoder…"));
  lab_worker_gate_enter (self->gate);
  job = lab_job_new (self, TRANSFER_SLOT, transfer_worker, req, request_free);
  lab_job_set_result_free_func (job, (GDestroyNotify) lab_transfer_result_free);
  lab_job_set_progress_func (job, transfer_progress);
  lab_job_set_done_func (job, transfer_done);
  lab_job_start (job);
  return TRUE;
}

void
lab_transfer_panel_set_locked (LabTransferPanel *self,
                               gboolean          locked)
{
  g_return_if_fail (LAB_IS_TRANSFER_PANEL (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->budgets_dropdown), !locked);
  gtk_widget_set_sensitive (GTK_WIDGET (self->seeds_spin), !locked);
  gtk_widget_set_sensitive (GTK_WIDGET (self->epochs_spin), !locked);
}

void
lab_transfer_panel_cancel (LabTransferPanel *self)
{
  g_return_if_fail (LAB_IS_TRANSFER_PANEL (self));

  if (lab_job_lookup (self, TRANSFER_SLOT) == NULL)
    return;
  lab_job_cancel_slot (self, TRANSFER_SLOT);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_label (self->status_label, _("Cancelled"));
}

gboolean
lab_transfer_panel_is_running (LabTransferPanel *self)
{
  g_return_val_if_fail (LAB_IS_TRANSFER_PANEL (self), FALSE);
  return lab_job_lookup (self, TRANSFER_SLOT) != NULL;
}

const LabTransferResult *
lab_transfer_panel_get_result (LabTransferPanel *self)
{
  g_return_val_if_fail (LAB_IS_TRANSFER_PANEL (self), NULL);
  return self->result;
}

const char *
lab_transfer_panel_get_status (LabTransferPanel *self)
{
  g_return_val_if_fail (LAB_IS_TRANSFER_PANEL (self), NULL);
  return gtk_label_get_label (self->status_label);
}

LabPlotView *
lab_transfer_panel_get_curve (LabTransferPanel *self)
{
  g_return_val_if_fail (LAB_IS_TRANSFER_PANEL (self), NULL);
  return self->curve_plot;
}

LabConfusionView *
lab_transfer_panel_get_confusion (LabTransferPanel *self,
                                  LabTransferWay    way)
{
  g_return_val_if_fail (LAB_IS_TRANSFER_PANEL (self), NULL);
  return way == LAB_TRANSFER_BASELINE ? self->baseline_confusion : self->finetuned_confusion;
}

static void
lab_transfer_panel_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LabTransferPanel *self = LAB_TRANSFER_PANEL (object);

  switch (prop_id)
    {
    case PROP_QUICK:
      g_value_set_boolean (value, self->quick);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_transfer_panel_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LabTransferPanel *self = LAB_TRANSFER_PANEL (object);

  switch (prop_id)
    {
    case PROP_QUICK:
      self->quick = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_transfer_panel_dispose (GObject *object)
{
  LabTransferPanel *self = LAB_TRANSFER_PANEL (object);
  GtkWidget *child;

  /* Training checks the cancellable between batches: wait for it to leave
   * the core before the process may exit. */
  lab_job_cancel_slot (self, TRANSFER_SLOT);
  if (self->gate != NULL && !lab_worker_gate_wait (self->gate, 30000))
    g_warning ("A transfer worker did not stop within 30 s");
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_TRANSFER_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (lab_transfer_panel_parent_class)->dispose (object);
}

static void
lab_transfer_panel_finalize (GObject *object)
{
  LabTransferPanel *self = LAB_TRANSFER_PANEL (object);

  g_clear_pointer (&self->gate, lab_worker_gate_unref);
  g_clear_pointer (&self->result, lab_transfer_result_free);
  G_OBJECT_CLASS (lab_transfer_panel_parent_class)->finalize (object);
}

static void
lab_transfer_panel_class_init (LabTransferPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lab_transfer_panel_get_property;
  object_class->set_property = lab_transfer_panel_set_property;
  object_class->dispose = lab_transfer_panel_dispose;
  object_class->finalize = lab_transfer_panel_finalize;

  /* A few seconds on the synthetic digits (lab_transfer_config_quick). */
  properties[PROP_QUICK] =
    g_param_spec_boolean ("quick", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);

  g_type_ensure (LAB_TYPE_PLOT_VIEW);
  g_type_ensure (LAB_TYPE_CONFUSION_VIEW);
  g_type_ensure (LAB_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/latentlab/LatentLab/lab-transfer-panel.ui");
  gtk_widget_class_set_css_name (widget_class, "transferpanel");
  gtk_widget_class_bind_template_child (widget_class, LabTransferPanel, budgets_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabTransferPanel, seeds_spin);
  gtk_widget_class_bind_template_child (widget_class, LabTransferPanel, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, LabTransferPanel, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabTransferPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, LabTransferPanel, reading_label);
  gtk_widget_class_bind_template_child (widget_class, LabTransferPanel, curve_plot);
  gtk_widget_class_bind_template_child (widget_class, LabTransferPanel, epochs_plot);
  gtk_widget_class_bind_template_child (widget_class, LabTransferPanel, baseline_confusion);
  gtk_widget_class_bind_template_child (widget_class, LabTransferPanel, finetuned_confusion);
}

static void
lab_transfer_panel_init (LabTransferPanel *self)
{
  self->gate = lab_worker_gate_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_label_set_label (self->status_label,
                       _("Seed 000: pretrain an autoencoder on the unlabelled images, then give "
                         "its encoder to a classifier that has only a few labels. Run compares it "
                         "with the same classifier trained from scratch."));
  lab_confusion_view_set_matrix (self->baseline_confusion, _("Baseline: not run yet"), NULL, 0, NULL);
  lab_confusion_view_set_matrix (self->finetuned_confusion, _("Fine-tuned: not run yet"), NULL, 0,
                                 NULL);
}

GtkWidget *
lab_transfer_panel_new (void)
{
  return g_object_new (LAB_TYPE_TRANSFER_PANEL, NULL);
}
