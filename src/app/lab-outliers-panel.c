#define G_LOG_DOMAIN "latentlab"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-histogram-view.h"
#include "lab-image-grid.h"
#include "lab-image-view.h"
#include "lab-outliers-panel.h"
#include "lab-outliers-run.h"
#include "lab-presentation.h"
#include "lab-widget-figure.h"

/* Bins of the histogram: fine enough to drag through, coarse enough that
 * 1,000 images still make a shape. */
#define HISTOGRAM_BINS 60
/* The worst images in the exported picture: this many to a row. */
#define FIGURE_COLUMNS 10

struct _LabOutliersPanel
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkLabel          *status_label;
  GtkDropDown       *metric_dropdown;
  GtkWidget         *progress_box;
  GtkProgressBar    *progress_bar;
  GtkButton         *stop_button;
  LabHistogramView  *histogram;
  GtkLabel          *fraction_label;
  GtkCheckButton    *highlight_check;
  GtkLabel          *worst_title;
  GtkFlowBox        *worst_box;

  /* Owned */
  LabOutliersRun    *run;
  LabModel          *model;       /* to measure again with another metric */
  LabDataset        *images;      /* what indices index */
  guint             *indices;     /* (n) the map's points' images */
  guint              n;
  float             *errors;      /* (n) or NULL */
  LabReconMetric     metric;      /* of errors */
  guint             *worst;       /* (n_worst) rows, worst first */
  float             *recon;       /* (n_worst, height, width) */
  guint              n_worst;
  double             threshold;   /* NAN without errors */
  double             asked;       /* a threshold set before the errors came, or NAN */
  char              *note;
  char              *empty_text;
};

enum {
  ERRORS_CHANGED,
  THRESHOLD_CHANGED,
  OUTLIER_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabOutliersPanel, lab_outliers_panel, GTK_TYPE_WIDGET)

static const char *
metric_name (LabReconMetric metric)
{
  return metric == LAB_RECON_BCE ? _("BCE") : _("MSE");
}

static void
show_status (LabOutliersPanel *self)
{
  g_autofree char *text = NULL;

  if (lab_outliers_run_is_running (self->run))
    text = g_strdup (_("Reconstructing every image on the map…"));
  else if (self->errors != NULL)
    {
      g_autofree char *count = lab_format_count_localized (self->n);

      text = g_strdup_printf (_("The error (%s) of each of the %s images on the map"),
                              metric_name (self->metric), count);
    }
  else
    text = g_strdup (self->empty_text != NULL ? self->empty_text
                     : _("Embed to measure how well the autoencoder reconstructs each image on the map."));
  if (self->note != NULL && self->errors != NULL)
    {
      char *both = g_strconcat (text, "  ·  ", self->note, NULL);

      g_free (text);
      text = both;
    }
  gtk_label_set_label (self->status_label, text);
}

/* The count above the threshold, in the label and on the histogram. */
static void
show_fraction (LabOutliersPanel *self)
{
  LabHistogramPlot *plot = lab_histogram_view_get_plot (self->histogram);
  g_autofree char *text = NULL;
  g_autofree char *note = NULL;

  if (self->errors != NULL && !isnan (self->threshold))
    {
      guint above = lab_outliers_count_above (self->errors, self->n, self->threshold);
      double percent = self->n > 0 ? 100.0 * above / self->n : 0;
      g_autofree char *count = lab_format_count_localized (above);
      g_autofree char *total = lab_format_count_localized (self->n);

      text = g_strdup_printf (_("%s of %s images above %.4g (%.1f%%)"), count, total, self->threshold, percent);
      note = g_strdup_printf (_("%s above (%.1f%%)"), count, percent);
    }
  gtk_label_set_label (self->fraction_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->fraction_label), text != NULL);
  lab_histogram_plot_set_note (plot, note);
  lab_histogram_view_set_threshold (self->histogram, self->errors != NULL ? self->threshold : NAN);
}

static void
set_threshold (LabOutliersPanel *self,
               double            threshold)
{
  self->threshold = threshold;
  show_fraction (self);
  g_signal_emit (self, signals[THRESHOLD_CHANGED], 0);
}

/* The worst images */

static GtkWidget *
worst_cell (LabOutliersPanel *self,
            guint             i)
{
  guint row = self->worst[i], index = self->indices[row];
  LabDataset *ds = self->images;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *pair = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  GtkWidget *image = lab_image_view_new (), *recon = lab_image_view_new ();
  GtkWidget *caption;
  g_autofree char *text = NULL;
  char buf[16];

  lab_image_view_set_pixel_size (LAB_IMAGE_VIEW (image), 48);
  lab_image_view_set_pixel_size (LAB_IMAGE_VIEW (recon), 48);
  lab_image_view_set_gray (LAB_IMAGE_VIEW (image), lab_dataset_image (ds, index), ds->width, ds->height);
  lab_image_view_set_float (LAB_IMAGE_VIEW (recon), self->recon + (gsize) i * ds->height * ds->width,
                            ds->width, ds->height);
  gtk_widget_set_tooltip_text (image, _("The image"));
  gtk_widget_set_tooltip_text (recon, _("What the autoencoder makes of it"));
  gtk_box_append (GTK_BOX (pair), image);
  gtk_box_append (GTK_BOX (pair), recon);
  gtk_widget_set_halign (pair, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), pair);
  if (ds->labels != NULL)
    text = g_strdup_printf (_("“%s”  #%u\n%.4g"), lab_dataset_class_name (ds, ds->labels[index], buf), index,
                            self->errors[row]);
  else
    text = g_strdup_printf (_("#%u\n%.4g"), index, self->errors[row]);
  caption = gtk_label_new (text);
  gtk_label_set_justify (GTK_LABEL (caption), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (caption, "outlier-caption");
  gtk_box_append (GTK_BOX (box), caption);
  gtk_widget_add_css_class (box, "outlier-cell");
  return box;
}

static void
show_worst (LabOutliersPanel *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->worst_box))) != NULL)
    gtk_flow_box_remove (self->worst_box, child);
  for (guint i = 0; self->errors != NULL && i < self->n_worst; i++)
    gtk_flow_box_append (self->worst_box, worst_cell (self, i));
  if (self->errors != NULL && self->n_worst > 0)
    {
      g_autofree char *title = g_strdup_printf (ngettext ("The worst image: click it to find it",
                                                          "The %u worst: click one to find it on the map",
                                                          self->n_worst), self->n_worst);

      gtk_label_set_label (self->worst_title, title);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->worst_title), self->errors != NULL && self->n_worst > 0);
}

static void
on_child_activated (LabOutliersPanel *self,
                    GtkFlowBoxChild  *child,
                    GtkFlowBox       *box)
{
  int i = gtk_flow_box_child_get_index (child);

  if (i >= 0)
    lab_outliers_panel_activate (self, (guint) i);
}

/* Measuring */

static void
clear_errors (LabOutliersPanel *self)
{
  LabHistogramPlot *plot = lab_histogram_view_get_plot (self->histogram);

  g_clear_pointer (&self->errors, g_free);
  g_clear_pointer (&self->worst, g_free);
  g_clear_pointer (&self->recon, g_free);
  self->n_worst = 0;
  self->threshold = NAN;
  lab_histogram_plot_set_values (plot, NULL, 0, HISTOGRAM_BINS);
  lab_histogram_view_changed (self->histogram);
  gtk_widget_set_visible (GTK_WIDGET (self->histogram), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->highlight_check), FALSE);
  show_fraction (self);
  show_worst (self);
}

static void
on_run_progress (LabOutliersPanel *self,
                 double            fraction,
                 const char       *text,
                 LabOutliersRun   *run)
{
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0, 1));
}

static void
on_run_done (LabOutliersPanel  *self,
             LabOutliersResult *res,
             const GError      *error,
             LabOutliersRun    *run)
{
  LabHistogramPlot *plot = lab_histogram_view_get_plot (self->histogram);
  double lo, hi, threshold;

  gtk_widget_set_visible (self->progress_box, FALSE);
  if (res == NULL)
    {
      g_free (self->empty_text);
      self->empty_text = g_strdup_printf (_("The reconstruction errors cannot be measured: %s"),
                                          error != NULL ? error->message : _("unknown error"));
      show_status (self);
      g_signal_emit (self, signals[ERRORS_CHANGED], 0);
      return;
    }
  self->errors = g_steal_pointer (&res->errors);
  self->worst = g_steal_pointer (&res->top);
  self->recon = g_steal_pointer (&res->recon);
  self->n_worst = res->n_top;
  self->metric = res->metric;
  lab_histogram_plot_set_values (plot, self->errors, self->n, HISTOGRAM_BINS);
  lab_histogram_plot_set_labels (plot, metric_name (self->metric), _("images"));
  lab_histogram_view_changed (self->histogram);
  gtk_widget_set_visible (GTK_WIDGET (self->histogram), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->highlight_check), TRUE);
  /* the threshold asked for while it lies among these errors, else the
   * mean plus three standard deviations */
  lab_histogram_plot_get_range (plot, &lo, &hi);
  threshold = self->asked;
  if (isnan (threshold) || threshold < lo || threshold > hi)
    threshold = lab_outliers_suggest_threshold (self->errors, self->n);
  if (!isnan (threshold))
    threshold = CLAMP (threshold, lo, hi);
  self->threshold = threshold;
  show_status (self);
  show_fraction (self);
  show_worst (self);
  g_signal_emit (self, signals[ERRORS_CHANGED], 0);
  g_signal_emit (self, signals[THRESHOLD_CHANGED], 0);
}

static void
start (LabOutliersPanel *self)
{
  lab_outliers_run_start (self->run, self->model, self->images, self->indices, self->n,
                          gtk_drop_down_get_selected (self->metric_dropdown) == 1 ? LAB_RECON_BCE : LAB_RECON_MSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (self->progress_box, TRUE);
  show_status (self);
}

void
lab_outliers_panel_compute (LabOutliersPanel *self,
                            LabModel         *model,
                            LabDataset       *images,
                            const guint      *indices,
                            guint             n)
{
  g_return_if_fail (LAB_IS_OUTLIERS_PANEL (self));

  /* a threshold the teacher set stays for the next errors, if it fits */
  if (!isnan (self->threshold))
    self->asked = self->threshold;
  g_clear_pointer (&self->model, lab_model_free);
  g_clear_pointer (&self->images, lab_dataset_unref);
  g_clear_pointer (&self->indices, g_free);
  g_clear_pointer (&self->empty_text, g_free);
  g_clear_pointer (&self->note, g_free);
  clear_errors (self);
  self->model = lab_model_copy (model, 0);
  self->images = lab_dataset_ref (images);
  self->indices = g_memdup2 (indices, (gsize) MAX (n, 1u) * sizeof (guint));
  self->n = n;
  start (self);
  g_signal_emit (self, signals[ERRORS_CHANGED], 0);
}

void
lab_outliers_panel_clear (LabOutliersPanel *self,
                          const char       *text)
{
  g_return_if_fail (LAB_IS_OUTLIERS_PANEL (self));

  lab_outliers_run_cancel (self->run);
  gtk_widget_set_visible (self->progress_box, FALSE);
  if (!isnan (self->threshold))
    self->asked = self->threshold;
  g_clear_pointer (&self->model, lab_model_free);
  g_clear_pointer (&self->images, lab_dataset_unref);
  g_clear_pointer (&self->indices, g_free);
  g_free (self->empty_text);
  self->empty_text = g_strdup (text);
  self->n = 0;
  clear_errors (self);
  show_status (self);
  g_signal_emit (self, signals[ERRORS_CHANGED], 0);
}

static void
on_stop (LabOutliersPanel *self)
{
  lab_outliers_run_cancel (self->run);
  gtk_widget_set_visible (self->progress_box, FALSE);
  g_free (self->empty_text);
  self->empty_text = g_strdup (_("Stopped. Embed again, or choose the other measure, to measure the errors."));
  show_status (self);
}

static void
on_metric_changed (LabOutliersPanel *self)
{
  if (self->model == NULL)
    return;
  if (!isnan (self->threshold))
    self->asked = NAN;   /* another metric: other numbers */
  clear_errors (self);
  start (self);
  g_signal_emit (self, signals[ERRORS_CHANGED], 0);
}

static void
on_histogram_threshold (LabOutliersPanel *self,
                        double            threshold,
                        LabHistogramView *view)
{
  if (self->errors != NULL)
    set_threshold (self, threshold);
}

static void
on_highlight_toggled (LabOutliersPanel *self)
{
  g_signal_emit (self, signals[THRESHOLD_CHANGED], 0);
}

/* The worst images as a picture: ten to a row, each row of images above
 * the row of their reconstructions. */
static gboolean
get_figure (GtkWidget        *widget,
            LabWidgetFigure  *figure,
            GError          **error)
{
  LabOutliersPanel *self = LAB_OUTLIERS_PANEL (widget);
  guint h, w, blocks;
  LabImageGrid *grid;

  if (self->errors == NULL || self->n_worst == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   _("There are no outliers to export yet: embed, and wait for the errors."));
      return FALSE;
    }
  h = self->images->height;
  w = self->images->width;
  blocks = (self->n_worst + FIGURE_COLUMNS - 1) / FIGURE_COLUMNS;
  grid = lab_image_grid_new ();
  lab_image_grid_set_text_scale (grid, lab_presentation_get_scale (widget));
  lab_image_grid_set_n_rows (grid, MIN (2 * blocks, LAB_IMAGE_GRID_MAX_ROWS));
  for (guint b = 0; b < blocks && 2 * b + 1 < LAB_IMAGE_GRID_MAX_ROWS; b++)
    {
      guint first = b * FIGURE_COLUMNS, m = MIN (FIGURE_COLUMNS, self->n_worst - first);
      g_autofree guint8 *pixels = g_new (guint8, (gsize) m * h * w);
      g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *title = g_strdup_printf (_("Worst %u to %u: the images"), first + 1, first + m);

      for (guint i = 0; i < m; i++)
        {
          guint row = self->worst[first + i], index = self->indices[row];
          char buf[16];

          memcpy (pixels + (gsize) i * h * w, lab_dataset_image (self->images, index), (gsize) h * w);
          g_ptr_array_add (labels, self->images->labels != NULL
                           ? g_strdup_printf ("%s #%u", lab_dataset_class_name (self->images, self->images->labels[index], buf), index)
                           : g_strdup_printf ("#%u", index));
          g_ptr_array_add (values, g_strdup_printf ("%.4g", self->errors[row]));
        }
      g_ptr_array_add (labels, NULL);
      g_ptr_array_add (values, NULL);
      lab_image_grid_set_row_title (grid, 2 * b, title);
      lab_image_grid_set_row (grid, 2 * b, pixels, m, h, w);
      lab_image_grid_set_captions (grid, 2 * b, (const char * const *) labels->pdata);
      lab_image_grid_set_row_title (grid, 2 * b + 1, _("their reconstructions and errors"));
      lab_image_grid_set_row_float (grid, 2 * b + 1, self->recon + (gsize) first * h * w, m, h, w);
      lab_image_grid_set_captions (grid, 2 * b + 1, (const char * const *) values->pdata);
    }
  figure->draw = lab_image_grid_draw_figure;
  figure->figure = grid;
  figure->free_figure = (GDestroyNotify) lab_image_grid_free;
  figure->name = "outliers";
  return TRUE;
}

/* GObject */

static void
lab_outliers_panel_dispose (GObject *object)
{
  LabOutliersPanel *self = (LabOutliersPanel *)object;
  GtkWidget *child;

  /* waits for its worker to leave the core */
  g_clear_object (&self->run);

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_OUTLIERS_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_outliers_panel_parent_class)->dispose (object);
}

static void
lab_outliers_panel_finalize (GObject *object)
{
  LabOutliersPanel *self = (LabOutliersPanel *)object;

  g_clear_pointer (&self->model, lab_model_free);
  g_clear_pointer (&self->images, lab_dataset_unref);
  g_free (self->indices);
  g_free (self->errors);
  g_free (self->worst);
  g_free (self->recon);
  g_free (self->note);
  g_free (self->empty_text);

  G_OBJECT_CLASS (lab_outliers_panel_parent_class)->finalize (object);
}

static void
lab_outliers_panel_class_init (LabOutliersPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_outliers_panel_dispose;
  object_class->finalize = lab_outliers_panel_finalize;

  signals[ERRORS_CHANGED] =
    g_signal_new ("errors-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[THRESHOLD_CHANGED] =
    g_signal_new ("threshold-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[OUTLIER_ACTIVATED] =
    g_signal_new ("outlier-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  g_type_ensure (LAB_TYPE_HISTOGRAM_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-outliers-panel.ui");
  gtk_widget_class_set_css_name (widget_class, "outlierspanel");
  gtk_widget_class_bind_template_child (widget_class, LabOutliersPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, LabOutliersPanel, metric_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabOutliersPanel, progress_box);
  gtk_widget_class_bind_template_child (widget_class, LabOutliersPanel, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabOutliersPanel, stop_button);
  gtk_widget_class_bind_template_child (widget_class, LabOutliersPanel, histogram);
  gtk_widget_class_bind_template_child (widget_class, LabOutliersPanel, fraction_label);
  gtk_widget_class_bind_template_child (widget_class, LabOutliersPanel, highlight_check);
  gtk_widget_class_bind_template_child (widget_class, LabOutliersPanel, worst_title);
  gtk_widget_class_bind_template_child (widget_class, LabOutliersPanel, worst_box);
  lab_widget_figure_class_install (widget_class, get_figure);
}

static void
lab_outliers_panel_init (LabOutliersPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->threshold = NAN;
  self->asked = NAN;
  self->run = lab_outliers_run_new ();
  g_signal_connect_swapped (self->run, "progress", G_CALLBACK (on_run_progress), self);
  g_signal_connect_swapped (self->run, "done", G_CALLBACK (on_run_done), self);
  g_signal_connect_swapped (self->stop_button, "clicked", G_CALLBACK (on_stop), self);
  g_signal_connect_swapped (self->metric_dropdown, "notify::selected", G_CALLBACK (on_metric_changed), self);
  g_signal_connect_swapped (self->histogram, "threshold-changed", G_CALLBACK (on_histogram_threshold), self);
  g_signal_connect_swapped (self->highlight_check, "toggled", G_CALLBACK (on_highlight_toggled), self);
  g_signal_connect_swapped (self->worst_box, "child-activated", G_CALLBACK (on_child_activated), self);
  clear_errors (self);
  show_status (self);
  lab_widget_figure_init (GTK_WIDGET (self), NULL);
}

/* The rest of the API */

void
lab_outliers_panel_set_note (LabOutliersPanel *self,
                             const char       *note)
{
  g_return_if_fail (LAB_IS_OUTLIERS_PANEL (self));

  if (g_strcmp0 (note, self->note) == 0)
    return;
  g_free (self->note);
  self->note = g_strdup (note);
  show_status (self);
}

gboolean
lab_outliers_panel_is_running (LabOutliersPanel *self)
{
  g_return_val_if_fail (LAB_IS_OUTLIERS_PANEL (self), FALSE);

  return lab_outliers_run_is_running (self->run);
}

const float *
lab_outliers_panel_get_errors (LabOutliersPanel *self,
                               guint            *n)
{
  g_return_val_if_fail (LAB_IS_OUTLIERS_PANEL (self), NULL);

  *n = self->errors != NULL ? self->n : 0;
  return self->errors;
}

guint
lab_outliers_panel_get_worst (LabOutliersPanel  *self,
                              const guint      **rows)
{
  g_return_val_if_fail (LAB_IS_OUTLIERS_PANEL (self), 0);

  *rows = self->worst;
  return self->errors != NULL ? self->n_worst : 0;
}

LabReconMetric
lab_outliers_panel_get_metric (LabOutliersPanel *self)
{
  g_return_val_if_fail (LAB_IS_OUTLIERS_PANEL (self), LAB_RECON_MSE);

  return gtk_drop_down_get_selected (self->metric_dropdown) == 1 ? LAB_RECON_BCE : LAB_RECON_MSE;
}

void
lab_outliers_panel_set_metric (LabOutliersPanel *self,
                               LabReconMetric    metric)
{
  g_return_if_fail (LAB_IS_OUTLIERS_PANEL (self));

  gtk_drop_down_set_selected (self->metric_dropdown, metric == LAB_RECON_BCE ? 1 : 0);
}

double
lab_outliers_panel_get_threshold (LabOutliersPanel *self)
{
  g_return_val_if_fail (LAB_IS_OUTLIERS_PANEL (self), NAN);

  return self->errors != NULL ? self->threshold : NAN;
}

void
lab_outliers_panel_set_threshold (LabOutliersPanel *self,
                                  double            threshold)
{
  g_return_if_fail (LAB_IS_OUTLIERS_PANEL (self));

  self->asked = threshold;
  if (self->errors != NULL && isfinite (threshold))
    set_threshold (self, threshold);
}

gboolean
lab_outliers_panel_get_highlight (LabOutliersPanel *self)
{
  g_return_val_if_fail (LAB_IS_OUTLIERS_PANEL (self), FALSE);

  return gtk_check_button_get_active (self->highlight_check);
}

void
lab_outliers_panel_set_highlight (LabOutliersPanel *self,
                                  gboolean          highlight)
{
  g_return_if_fail (LAB_IS_OUTLIERS_PANEL (self));

  gtk_check_button_set_active (self->highlight_check, highlight);
}

const char *
lab_outliers_panel_get_fraction_text (LabOutliersPanel *self)
{
  g_return_val_if_fail (LAB_IS_OUTLIERS_PANEL (self), NULL);

  return gtk_label_get_label (self->fraction_label);
}

const char *
lab_outliers_panel_get_status (LabOutliersPanel *self)
{
  g_return_val_if_fail (LAB_IS_OUTLIERS_PANEL (self), NULL);

  return gtk_label_get_label (self->status_label);
}

LabHistogramView *
lab_outliers_panel_get_histogram (LabOutliersPanel *self)
{
  g_return_val_if_fail (LAB_IS_OUTLIERS_PANEL (self), NULL);

  return self->histogram;
}

void
lab_outliers_panel_activate (LabOutliersPanel *self,
                             guint             i)
{
  g_return_if_fail (LAB_IS_OUTLIERS_PANEL (self));

  if (self->errors != NULL && i < self->n_worst)
    g_signal_emit (self, signals[OUTLIER_ACTIVATED], 0, (int) self->worst[i]);
}
