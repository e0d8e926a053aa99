#define G_LOG_DOMAIN "latentlab"

#include "lab-classify-results.h"

#include <glib/gi18n.h>

#include "lab-format.h"

#define N_COLUMNS 6

typedef struct
{
  LabClassifyResult *result;
  LabDataset        *test;
  GtkLabel          *cells[N_COLUMNS];
} Run;

struct _LabClassifyResults
{
  GtkWidget     parent_instance;

  /* Template widgets */
  GtkBox       *header;
  GtkListBox   *list;

  /* Owned */
  GPtrArray    *runs;                  /* (element-type Run) */
  GtkSizeGroup *columns[N_COLUMNS];
  gboolean      selecting;
};

enum {
  SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabClassifyResults, lab_classify_results, GTK_TYPE_WIDGET)

static void
run_free (gpointer data)
{
  Run *run = data;

  lab_classify_result_free (run->result);
  lab_dataset_unref (run->test);
  g_free (run);
}

static GtkWidget *
cell_new (LabClassifyResults *self,
          guint               column,
          const char         *text,
          gboolean            bold)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column >= 2 ? 1 : 0);
  gtk_widget_set_hexpand (label, column == 1);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_label_set_ellipsize (GTK_LABEL (label), column == 1 || bold ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  if (bold)
    {
      /* The titles in small capitals' size, and ellipsized (whole in the
       * tooltip) before they widen the page past a projector's screen:
       * "Images d’entraînement" is wider than its column's numbers. */
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_set_tooltip_text (label, text);
    }
  else
    gtk_widget_add_css_class (label, "numeric");
  gtk_size_group_add_widget (self->columns[column], label);
  return label;
}

void
lab_classify_results_add (LabClassifyResults *self,
                          LabClassifyResult  *result,
                          LabDataset         *test)
{
  Run *run = g_new0 (Run, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  g_autofree char *n = lab_format_count_localized (result->n_train);
  g_autofree char *what = NULL, *acc = NULL, *fit = NULL, *predict = NULL, *features = NULL;
  g_autofree char *warning = NULL;
  const char *texts[N_COLUMNS];

  g_return_if_fail (LAB_IS_CLASSIFY_RESULTS (self));

  run->result = result;
  run->test = lab_dataset_ref (test);
  features = lab_classify_result_features_label (result);
  what = g_strdup_printf ("%s%s%s", features,
                          result->model_name ? " · " : "", result->model_name ? result->model_name : "");
  if (result->config.standardize)
    {
      char *t = g_strconcat (what, _(" · standardised"), NULL);

      g_free (what);
      what = t;
    }
  {
    g_autofree char *percent = lab_format_percent_localized (100 * result->accuracy, 2);

    acc = g_strconcat (percent, result->converged ? "" : " *", NULL);
  }
  fit = g_strdup_printf ("%.2f s", result->fit_seconds);
  predict = g_strdup_printf ("%.2f s", result->predict_seconds);
  texts[0] = _(lab_classifier_kind_title (result->kind));
  texts[1] = what;
  texts[2] = n;
  texts[3] = acc;
  texts[4] = fit;
  texts[5] = predict;
  for (guint c = 0; c < N_COLUMNS; c++)
    {
      GtkWidget *cell = cell_new (self, c, texts[c], FALSE);

      run->cells[c] = GTK_LABEL (cell);
      gtk_box_append (GTK_BOX (box), cell);
    }
  warning = lab_classify_result_warning_label (result);
  if (warning != NULL)
    gtk_widget_set_tooltip_text (box, warning);
  g_ptr_array_add (self->runs, run);
  gtk_list_box_append (self->list, box);
  lab_classify_results_select (self, self->runs->len - 1);
}

void
lab_classify_results_clear (LabClassifyResults *self)
{
  GtkListBoxRow *row;

  g_return_if_fail (LAB_IS_CLASSIFY_RESULTS (self));

  while ((row = gtk_list_box_get_row_at_index (self->list, 0)) != NULL)
    gtk_list_box_remove (self->list, GTK_WIDGET (row));
  g_ptr_array_set_size (self->runs, 0);
}

guint
lab_classify_results_get_n (LabClassifyResults *self)
{
  g_return_val_if_fail (LAB_IS_CLASSIFY_RESULTS (self), 0);
  return self->runs->len;
}

const LabClassifyResult *
lab_classify_results_get (LabClassifyResults  *self,
                          guint                i,
                          LabDataset         **test)
{
  Run *run;

  g_return_val_if_fail (LAB_IS_CLASSIFY_RESULTS (self), NULL);
  if (i >= self->runs->len)
    return NULL;
  run = g_ptr_array_index (self->runs, i);
  if (test != NULL)
    *test = run->test;
  return run->result;
}

void
lab_classify_results_select (LabClassifyResults *self,
                             guint               i)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, (int) i);

  g_return_if_fail (LAB_IS_CLASSIFY_RESULTS (self));
  if (row == NULL)
    return;
  self->selecting = TRUE;
  gtk_list_box_select_row (self->list, row);
  self->selecting = FALSE;
  g_signal_emit (self, signals[SELECTED], 0, i);
}

int
lab_classify_results_get_selected (LabClassifyResults *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (LAB_IS_CLASSIFY_RESULTS (self), -1);
  row = gtk_list_box_get_selected_row (self->list);
  return row != NULL ? gtk_list_box_row_get_index (row) : -1;
}

const char *
lab_classify_results_get_text (LabClassifyResults *self,
                               guint               row,
                               guint               column)
{
  Run *run;

  g_return_val_if_fail (LAB_IS_CLASSIFY_RESULTS (self), NULL);
  if (row >= self->runs->len || column >= N_COLUMNS)
    return NULL;
  run = g_ptr_array_index (self->runs, row);
  return gtk_label_get_label (run->cells[column]);
}

static void
on_row_selected (LabClassifyResults *self,
                 GtkListBoxRow      *row)
{
  if (row != NULL && !self->selecting)
    g_signal_emit (self, signals[SELECTED], 0, (guint) gtk_list_box_row_get_index (row));
}

static void
lab_classify_results_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_CLASSIFY_RESULTS);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_classify_results_parent_class)->dispose (object);
}

static void
lab_classify_results_finalize (GObject *object)
{
  LabClassifyResults *self = (LabClassifyResults *)object;

  g_ptr_array_unref (self->runs);
  for (guint c = 0; c < N_COLUMNS; c++)
    g_clear_object (&self->columns[c]);

  G_OBJECT_CLASS (lab_classify_results_parent_class)->finalize (object);
}

static void
lab_classify_results_class_init (LabClassifyResultsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_classify_results_dispose;
  object_class->finalize = lab_classify_results_finalize;

  signals[SELECTED] =
    g_signal_new ("selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-classify-results.ui");
  gtk_widget_class_set_css_name (widget_class, "classifyresults");
  gtk_widget_class_bind_template_child (widget_class, LabClassifyResults, header);
  gtk_widget_class_bind_template_child (widget_class, LabClassifyResults, list);
}

static void
lab_classify_results_init (LabClassifyResults *self)
{
  const char *titles[N_COLUMNS] = {
    N_("Classifier"), N_("Features"), N_("Training images"), N_("Accuracy"), N_("Fit"), N_("Predict"),
  };

  self->runs = g_ptr_array_new_with_free_func (run_free);
  for (guint c = 0; c < N_COLUMNS; c++)
    self->columns[c] = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint c = 0; c < N_COLUMNS; c++)
    gtk_box_append (self->header, cell_new (self, c, _(titles[c]), TRUE));
  g_signal_connect_swapped (self->list, "row-selected", G_CALLBACK (on_row_selected), self);
}

GtkWidget *
lab_classify_results_new (void)
{
  return g_object_new (LAB_TYPE_CLASSIFY_RESULTS, NULL);
}
