#define G_LOG_DOMAIN "latentlab"

/* The Train page's run: starting a training run (LabTrainRun) from the
 * chosen architecture and the form, what the page shows while it trains
 * (the loss curves, the progress line, the live reconstruction strip) and
 * what it says when the run ends (completed, stopped, diverged, or could
 * not start). Part of LabTrainPage (its struct is in
 * lab-train-page-private.h). */

#include <math.h>

#include <glib/gi18n.h>

#include "lab-denoise-grid.h"
#include "lab-format.h"
#include "lab-task.h"
#include "lab-train-page-private.h"

/* The run: what it shows while it trains and when it ends */

static void
show_update (LabTrainPage      *self,
             LabTrainRunUpdate *update)
{
  LabLinePlot *plot = lab_plot_view_get_plot (self->loss_plot);
  GArray *points = update->points;
  GArray *val_points = update->val_points;

  for (guint i = 0; i + 1 < points->len; i += 2)
    lab_line_plot_append (plot, LAB_TRAIN_PAGE_SERIES_TRAIN,
                          g_array_index (points, double, i), g_array_index (points, double, i + 1));
  /* The x axis reaches to the end of the epoch running: the curve fills
   * the plot from the first minute, and the axis only rescales when a new
   * epoch starts. */
  if (points->len >= 2)
    lab_line_plot_set_x_range (plot, 0, MAX (1.0, ceil (g_array_index (points, double, points->len - 2) - 1e-9)));
  for (guint i = 0; i + 1 < val_points->len; i += 2)
    lab_line_plot_append (plot, LAB_TRAIN_PAGE_SERIES_VAL,
                          g_array_index (val_points, double, i), g_array_index (val_points, double, i + 1));
  if (points->len > 0 || val_points->len > 0)
    lab_plot_view_changed (self->loss_plot);

  if (update->have_latest && update->latest.kind != LAB_TRAIN_DONE)
    {
      const LabTrainProgress *latest = &update->latest;
      g_autofree char *rate = lab_format_count_localized ((guint64) (latest->images_per_s + 0.5));
      g_autofree char *eta = lab_format_duration (latest->eta_seconds);
      g_autofree char *batch = lab_format_count_localized (latest->batch);
      g_autofree char *n_batches = lab_format_count_localized (latest->n_batches);
      g_autofree char *text = NULL;

      self->step = latest->step;
      if (lab_train_run_is_paused (self->run))
        text = g_strdup_printf (_("Paused at epoch %u of %u, batch %s of %s"),
                                latest->epoch, latest->n_epochs, batch, n_batches);
      else
        /* Translators: epoch, batch, speed and time left of a training run */
        text = g_strdup_printf (_("Epoch %u of %u  ·  batch %s of %s  ·  %s images/s  ·  %s left  ·  loss %.4f"),
                                latest->epoch, latest->n_epochs, batch, n_batches,
                                rate, eta, latest->smoothed_loss);
      gtk_label_set_label (self->progress_label, text);
    }

  if (update->recon != NULL)
    lab_recon_grid_show_batch (self->recon_grid, update->recon, FALSE);
}

static void
on_run_progress (LabTrainPage *self,
                 double        fraction,
                 const char   *text,
                 LabTrainRun  *run)
{
  LabTrainRunUpdate update = { 0 };

  self->n_progress++;
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  lab_train_run_drain (run, &update);
  show_update (self, &update);
  lab_train_run_update_clear (&update);
}

static void
finish_run (LabTrainPage *self)
{
  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_clear_object (&self->run);
  if (lab_page_get_session (LAB_PAGE (self)) != NULL)
    lab_session_set_training (lab_page_get_session (LAB_PAGE (self)), FALSE);
  lab_train_page_show_paused (self, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_scroller), TRUE);
  gtk_revealer_set_reveal_child (self->settings_revealer, TRUE);
  lab_train_page_update_actions (self);
  lab_train_page_update_continue (self);
}

/* "BCE loss 0.0712, PSNR 18.3 dB on 1,000 test images." */
static char *
describe_evaluation (LabTrainRun          *run,
                     const LabTrainResult *result)
{
  g_autofree char *images = NULL;
  const char *which = lab_train_run_has_val (run) ? _("test") : _("training");
  const char *loss = lab_train_page_loss_title (lab_model_get_loss (lab_train_run_get_model (run)));

  if (!isfinite (result->final_loss))
    return g_strdup ("");
  images = lab_format_count_localized (result->final_images);
  if (isfinite (result->final_psnr))
    return g_strdup_printf (_("%s loss %.4f, PSNR %.1f dB on %s %s images."),
                            loss, result->final_loss, result->final_psnr, images, which);
  return g_strdup_printf (_("%s loss %.4f, accuracy %.1f%% on %s %s images."),
                          loss, result->final_loss, 100 * result->final_accuracy, images, which);
}

static void
on_run_finished (LabTrainPage   *self,
                 LabTrainResult *result,
                 const GError   *error,
                 LabTrainRun    *run)
{
  LabTrainRunUpdate update = { 0 };
  const LabTrainConfig *config = lab_train_run_get_config (run);
  g_autofree char *steps = NULL;
  g_autofree char *text = NULL;
  g_autofree char *eval = NULL;

  lab_train_run_drain (run, &update);
  show_update (self, &update);
  lab_train_run_update_clear (&update);

  if (error != NULL)
    {
      gtk_label_set_label (self->progress_label, _("Training could not start"));
      gtk_label_set_label (self->status_label, error->message);
      lab_widget_show_error (GTK_WIDGET (self), error);
      finish_run (self);
      return;
    }

  if (result->recon != NULL)
    lab_recon_grid_show_batch (self->recon_grid, result->recon, FALSE);

  self->final_loss = result->final_loss;
  self->final_steps = result->steps;
  self->final_stopped = result->stopped;
  self->step = result->steps;
  steps = lab_format_count_localized (result->steps);
  eval = describe_evaluation (run, result);

  if (result->diverged != NULL)
    {
      text = g_strdup_printf (_("Training diverged after %s steps: the loss became too large to "
                                "compute. The last good weights are kept. Try a lower learning "
                                "rate. %s"), steps, eval);
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_label_set_label (self->progress_label, _("Diverged"));
      lab_widget_show_error (GTK_WIDGET (self), result->diverged);
    }
  else if (result->stopped)
    {
      text = g_strdup_printf (_("Stopped after %s steps; the weights trained so far are kept. %s"),
                              steps, eval);
      gtk_label_set_label (self->progress_label, _("Stopped"));
    }
  else
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Trained %s for %u epoch (%s steps). %s",
                                           "Trained %s for %u epochs (%s steps). %s", config->epochs),
                              lab_model_get_name (lab_train_run_get_model (run)), config->epochs, steps, eval);
      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      gtk_label_set_label (self->progress_label, _("Done"));
    }
  gtk_label_set_label (self->status_label, text);
  finish_run (self);
}

gboolean
lab_train_page_start_training (LabTrainPage  *self,
                               GError       **error)
{
  g_autoptr(LabSpec) spec = NULL;
  g_autoptr(LabModel) model = NULL;
  LabModel *current = lab_session_get_model (lab_page_get_session (LAB_PAGE (self)));
  LabDataset *train = lab_session_get_train_dataset (lab_page_get_session (LAB_PAGE (self)));
  LabDataset *test = lab_session_get_test_dataset (lab_page_get_session (LAB_PAGE (self)));
  gboolean has_val = lab_session_has_test_split (lab_page_get_session (LAB_PAGE (self)));
  LabLinePlot *plot;
  LabTrainConfig config;
  LabTask task;
  const char *init = NULL;
  g_autofree char *title = NULL;
  g_autofree char *count = NULL;
  g_autofree char *noise = NULL;
  g_autofree char *y_label = NULL;
  guint n_images;

  if (self->run != NULL)
    return TRUE;
  if (train == NULL || test == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   _("The dataset is still loading; training starts once it is there."));
      return FALSE;
    }
  spec = lab_arch_chooser_build_spec (self->arch_chooser);
  if (spec == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, _("Choose an architecture first."));
      return FALSE;
    }
  lab_train_page_get_config (self, &config);

  if (gtk_check_button_get_active (self->continue_check) && current != NULL)
    model = lab_model_copy (current, 0);
  else
    {
      model = lab_model_new (spec, error);
      if (model == NULL)
        return FALSE;
      lab_model_init (model, LAB_INIT_TORCH, config.seed);
      init = "torch";
    }
  /* Says in words when the architecture does not fit the images. */
  if (!lab_task_for (model, train, &task, error))
    return FALSE;

  /* The session shows a copy; the worker trains the original. Training
   * is on before the model changes, so the pages treat it as live. */
  lab_session_set_training (lab_page_get_session (LAB_PAGE (self)), TRUE);
  lab_session_set_model (lab_page_get_session (LAB_PAGE (self)), lab_model_copy (model, 0), &config, NULL, NULL);
  self->run = lab_train_run_new (lab_page_get_session (LAB_PAGE (self)), g_steal_pointer (&model), train,
                                 has_val ? test : NULL, &config);
  lab_train_run_set_origin (self->run, lab_session_get_dataset_spec (lab_page_get_session (LAB_PAGE (self))), init);
  /* A classifier's output is a class, not an image: no strip to show. */
  lab_recon_grid_set_placeholder (self->recon_grid, 1,
                                  task == LAB_TASK_CLASSIFY
                                  ? _("This model classifies: its output is a class, not an image")
                                  : _("Press Train: the reconstructions appear here as the model learns"));
  if (task == LAB_TASK_CLASSIFY)
    lab_recon_grid_set_row (self->recon_grid, 1, NULL, 0, 0, 0);
  if (task != LAB_TASK_CLASSIFY && self->recon_ds != NULL && self->n_recon > 0
      && lab_task_for (lab_train_run_get_model (self->run), self->recon_ds, &task, NULL))
    lab_train_run_set_strip (self->run, self->recon_ds, self->recon_indices, self->n_recon);
  g_signal_connect_swapped (self->run, "progress", G_CALLBACK (on_run_progress), self);
  g_signal_connect_swapped (self->run, "done", G_CALLBACK (on_run_finished), self);

  plot = lab_plot_view_reset (self->loss_plot);
  y_label = g_strdup_printf (_("loss (%s)"), lab_train_page_loss_title (spec->loss));
  lab_line_plot_set_labels (plot, _("epoch"), y_label);
  lab_line_plot_set_x_range (plot, 0, 1);
  lab_line_plot_add_series (plot, _("training (smoothed)"), 0, LAB_LINE_STYLE_LINE);
  lab_line_plot_add_series (plot, has_val ? _("validation (test images)") : _("validation (held out)"),
                            1, LAB_LINE_STYLE_POINTS);
  lab_plot_view_changed (self->loss_plot);

  self->final_loss = NAN;
  self->final_steps = 0;
  self->final_stopped = FALSE;
  self->step = 0;
  self->start_pending = FALSE;
  n_images = config.limit ? MIN (config.limit, train->n) : train->n;
  count = lab_format_count_localized (n_images);
  /* The noise as the Denoise page names it and its factor in the window's
   * numbers ("Gaussien 0,4"), not the CLI's "gaussian:0.4". */
  if (config.noise.type == LAB_NOISE_NONE)
    /* Translators: the noise of a training run without any ("noise none") */
    noise = g_strdup (_("none"));
  else
    noise = g_strdup_printf ("%s %g", lab_denoise_noise_title (config.noise.type), config.noise.amount);
  title = g_strdup_printf (_("Training %s on %s: %s images, noise %s, learning rate %g."),
                           lab_model_get_name (lab_train_run_get_model (self->run)), train->name, count,
                           noise, config.lr);
  gtk_label_set_label (self->status_label, title);
  gtk_label_set_label (self->progress_label, _("Starting…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_scroller), FALSE);
  /* The class watches the curves and the strip now: give them the width. */
  gtk_revealer_set_reveal_child (self->settings_revealer, FALSE);
  lab_train_page_cancel_strip (self);

  lab_train_run_start (self->run);

  lab_train_page_update_actions (self);
  lab_train_page_update_continue (self);
  return TRUE;
}

