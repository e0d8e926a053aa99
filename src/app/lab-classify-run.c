#define G_LOG_DOMAIN "latentlab"

#include "lab-classify-run.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-job.h"
#include "lab-spin-digits.h"
#include "lab-worker-gate.h"

#define CLASSIFY_SLOT "classify"

/* In the order of the dropdowns. */
static const LabClassifierKind kinds[] = {
  LAB_CLASSIFIER_SVM_RBF, LAB_CLASSIFIER_SVM_LINEAR, LAB_CLASSIFIER_LOGISTIC, LAB_CLASSIFIER_KNN,
};
static const LabFeatureKind features[] = {
  LAB_FEATURES_LATENT, LAB_FEATURES_PIXELS, LAB_FEATURES_PCA,
};

/* What the worker owns. */
typedef struct
{
  LabModel          *model;     /* a copy, or NULL */
  LabDataset        *train;
  LabDataset        *test;
  LabClassifyConfig  config;
  LabWorkerGate     *gate;
} ClassifyRequest;

struct _LabClassifyRun
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkWidget      *settings_row;
  GtkWidget      *advanced_box;
  GtkDropDown    *classifier_dropdown;
  GtkDropDown    *features_dropdown;
  GtkSpinButton  *train_spin;
  GtkCheckButton *standardize_check;
  GtkSpinButton  *c_spin;
  GtkEntry       *gamma_entry;
  GtkSpinButton  *k_spin;
  GtkDropDown    *distance_dropdown;
  GtkProgressBar *progress_bar;
  GtkLabel       *status_label;

  /* Owned */
  LabWorkerGate  *gate;
  guint           n_progress;
};

enum {
  FINISHED,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabClassifyRun, lab_classify_run, GTK_TYPE_WIDGET)

static void
request_free (gpointer data)
{
  ClassifyRequest *req = data;

  g_clear_pointer (&req->model, lab_model_free);
  g_clear_pointer (&req->train, lab_dataset_unref);
  g_clear_pointer (&req->test, lab_dataset_unref);
  g_clear_pointer (&req->gate, lab_worker_gate_unref);
  g_free (req);
}

/* Worker thread. */
static gpointer
classify_worker (LabJob        *job,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  ClassifyRequest *req = data;
  LabClassifyResult *result;

  result = lab_classify_run (req->model, req->train, req->test, &req->config,
                             lab_job_progress_func, job, cancellable, error);
  lab_worker_gate_leave (req->gate);
  return result;
}

static void
classify_progress (gpointer    owner,
                   LabJob     *job,
                   double      fraction,
                   const char *text,
                   gpointer    payload)
{
  LabClassifyRun *self = owner;

  self->n_progress++;
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0, 1));
  if (text != NULL)
    gtk_label_set_label (self->status_label, text);
}

static void
classify_done (gpointer      owner,
               LabJob       *job,
               gpointer      result,
               const GError *error)
{
  LabClassifyRun *self = owner;
  ClassifyRequest *req = lab_job_get_data (job);
  LabClassifyResult *r = result;

  if (r == NULL)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_label_set_label (self->status_label, error ? error->message : _("Failed"));
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  {
    g_autofree char *percent = lab_format_percent_localized (100 * r->accuracy, 2);
    g_autofree char *n_test = lab_format_count_localized (r->n_test);
    g_autofree char *features_label = lab_classify_result_features_label (r);
    g_autofree char *text = g_strdup_printf (_("%s on %s: %s of %s test images right "
                                               "(fit %.1f s, predict %.1f s)"),
                                             _(lab_classifier_kind_title (r->kind)),
                                             features_label, percent, n_test,
                                             r->fit_seconds, r->predict_seconds);

    gtk_progress_bar_set_fraction (self->progress_bar, 1);
    gtk_label_set_label (self->status_label, text);
  }
  g_signal_emit (self, signals[FINISHED], 0, r, req->test);
}

gboolean
lab_classify_run_get_config (LabClassifyRun     *self,
                             LabClassifyConfig  *config,
                             GError            **error)
{
  guint ki = MIN (gtk_drop_down_get_selected (self->classifier_dropdown), G_N_ELEMENTS (kinds) - 1);
  guint fi = MIN (gtk_drop_down_get_selected (self->features_dropdown), G_N_ELEMENTS (features) - 1);
  g_autofree char *gamma = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->gamma_entry))));

  g_return_val_if_fail (LAB_IS_CLASSIFY_RUN (self), FALSE);

  lab_classify_config_init (config, kinds[ki]);
  config->features = features[fi];
  config->n_train = (guint) gtk_spin_button_get_value_as_int (self->train_spin);
  config->standardize = gtk_check_button_get_active (self->standardize_check);
  config->classifier.C = gtk_spin_button_get_value (self->c_spin);
  config->classifier.k = (guint) gtk_spin_button_get_value_as_int (self->k_spin);
  config->classifier.distance = gtk_drop_down_get_selected (self->distance_dropdown) == 1
                                ? LAB_DISTANCE_COSINE : LAB_DISTANCE_EUCLIDEAN;
  /* An unconverged linear model is kept and marked, not lost. */
  config->classifier.keep_unconverged = TRUE;
  if (g_ascii_strcasecmp (gamma, "scale") != 0)
    {
      char *end = NULL;
      double g = g_ascii_strtod (gamma, &end);

      if (end == gamma || *end != '\0' || !(g > 0) || !isfinite (g))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       _("Gamma must be a positive number or “scale”, not “%s”"), gamma);
          return FALSE;
        }
      config->classifier.gamma = g;
    }
  return TRUE;
}

void
lab_classify_run_set_config (LabClassifyRun          *self,
                             const LabClassifyConfig *config)
{
  g_return_if_fail (LAB_IS_CLASSIFY_RUN (self));

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i] == config->classifier.kind)
      gtk_drop_down_set_selected (self->classifier_dropdown, i);
  for (guint i = 0; i < G_N_ELEMENTS (features); i++)
    if (features[i] == config->features)
      gtk_drop_down_set_selected (self->features_dropdown, i);
  gtk_spin_button_set_value (self->train_spin, config->n_train);
  gtk_check_button_set_active (self->standardize_check, config->standardize);
  gtk_spin_button_set_value (self->c_spin, config->classifier.C);
  gtk_spin_button_set_value (self->k_spin, config->classifier.k);
  gtk_drop_down_set_selected (self->distance_dropdown,
                              config->classifier.distance == LAB_DISTANCE_COSINE ? 1 : 0);
  if (config->classifier.gamma > 0)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      gtk_editable_set_text (GTK_EDITABLE (self->gamma_entry),
                             g_ascii_dtostr (buf, sizeof buf, config->classifier.gamma));
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (self->gamma_entry), "scale");
}

gboolean
lab_classify_run_start (LabClassifyRun  *self,
                        LabModel        *model,
                        LabDataset      *train,
                        LabDataset      *test,
                        GError         **error)
{
  g_autoptr(LabJob) job = NULL;
  ClassifyRequest *req;
  LabClassifyConfig config;

  g_return_val_if_fail (LAB_IS_CLASSIFY_RUN (self), FALSE);

  if (!lab_classify_run_get_config (self, &config, error))
    return FALSE;
  /* At most the training images there are, so a small dataset runs as is. */
  config.n_train = MIN (config.n_train, train->n);
  req = g_new0 (ClassifyRequest, 1);
  req->config = config;
  /* The weights as they are now; the worker owns the copy. */
  if (model != NULL && config.features == LAB_FEATURES_LATENT)
    {
      req->model = lab_model_copy (model, 0);
      lab_model_set_threads (req->model, g_get_num_processors (), NULL);
    }
  req->train = lab_dataset_ref (train);
  req->test = lab_dataset_ref (test);
  req->gate = lab_worker_gate_ref (self->gate);

  self->n_progress = 0;
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_label (self->status_label, _("Starting…"));
  lab_worker_gate_enter (self->gate);
  job = lab_job_new (self, CLASSIFY_SLOT, classify_worker, req, request_free);
  lab_job_set_result_free_func (job, (GDestroyNotify) lab_classify_result_free);
  lab_job_set_progress_func (job, classify_progress);
  lab_job_set_done_func (job, classify_done);
  lab_job_start (job);
  return TRUE;
}

void
lab_classify_run_cancel (LabClassifyRun *self)
{
  g_return_if_fail (LAB_IS_CLASSIFY_RUN (self));

  if (lab_job_lookup (self, CLASSIFY_SLOT) == NULL)
    return;
  lab_job_cancel_slot (self, CLASSIFY_SLOT);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_label (self->status_label, _("Cancelled"));
}

gboolean
lab_classify_run_is_running (LabClassifyRun *self)
{
  g_return_val_if_fail (LAB_IS_CLASSIFY_RUN (self), FALSE);
  return lab_job_lookup (self, CLASSIFY_SLOT) != NULL;
}

const char *
lab_classify_run_get_status (LabClassifyRun *self)
{
  g_return_val_if_fail (LAB_IS_CLASSIFY_RUN (self), NULL);
  return gtk_label_get_label (self->status_label);
}

guint
lab_classify_run_get_n_progress (LabClassifyRun *self)
{
  g_return_val_if_fail (LAB_IS_CLASSIFY_RUN (self), 0);
  return self->n_progress;
}

/* A classifier's own default C when the kind changes. */
static void
on_classifier_changed (LabClassifyRun *self)
{
  guint ki = MIN (gtk_drop_down_get_selected (self->classifier_dropdown), G_N_ELEMENTS (kinds) - 1);
  LabClassifierConfig c;

  lab_classifier_config_init (&c, kinds[ki]);
  gtk_spin_button_set_value (self->c_spin, c.C);
}

static void
lab_classify_run_dispose (GObject *object)
{
  LabClassifyRun *self = (LabClassifyRun *)object;
  GtkWidget *child;

  /* Wait for the worker to see the cancel (the SVM's child processes are
   * killed at once), so it is not inside the core at exit. */
  lab_job_cancel_slot (self, CLASSIFY_SLOT);
  if (self->gate != NULL && !lab_worker_gate_wait (self->gate, 30000))
    g_warning ("A classifier worker did not stop within 30 s");
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_CLASSIFY_RUN);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_classify_run_parent_class)->dispose (object);
}

static void
lab_classify_run_finalize (GObject *object)
{
  LabClassifyRun *self = (LabClassifyRun *)object;

  g_clear_pointer (&self->gate, lab_worker_gate_unref);

  G_OBJECT_CLASS (lab_classify_run_parent_class)->finalize (object);
}

static void
lab_classify_run_class_init (LabClassifyRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_classify_run_dispose;
  object_class->finalize = lab_classify_run_finalize;

  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-classify-run.ui");
  gtk_widget_class_set_css_name (widget_class, "classifyrun");
  gtk_widget_class_bind_template_child (widget_class, LabClassifyRun, settings_row);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyRun, advanced_box);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyRun, classifier_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyRun, features_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyRun, train_spin);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyRun, standardize_check);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyRun, c_spin);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyRun, gamma_entry);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyRun, k_spin);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyRun, distance_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyRun, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyRun, status_label);
}

static void
lab_classify_run_init (LabClassifyRun *self)
{
  self->gate = lab_worker_gate_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  lab_spin_digits_trim (self->c_spin);
  g_signal_connect_swapped (self->classifier_dropdown, "notify::selected",
                            G_CALLBACK (on_classifier_changed), self);
  gtk_label_set_label (self->status_label,
                       _("Pick a classifier and its features, then Run: latent against pixels is "
                         "one glance in the table below."));
}

GtkWidget *
lab_classify_run_new (void)
{
  return g_object_new (LAB_TYPE_CLASSIFY_RUN, NULL);
}

/* A locked demo: the classifier's settings, Advanced ones too (which stay
 * there to read), cannot change; Run still works. */
void
lab_classify_run_set_locked (LabClassifyRun *self,
                             gboolean        locked)
{
  g_return_if_fail (LAB_IS_CLASSIFY_RUN (self));

  gtk_widget_set_sensitive (self->settings_row, !locked);
  gtk_widget_set_sensitive (self->advanced_box, !locked);
}
