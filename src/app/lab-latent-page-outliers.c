#define G_LOG_DOMAIN "latentlab"

/* The Latent page's outliers: what the autoencoder cannot reconstruct.
 * When a map is installed, the Outliers tab (LabOutliersPanel) measures
 * the reconstruction error of every point's image on a worker, with the
 * weights the map was made with, so errors and points always belong
 * together (a new model or dataset clears both; new weights leave a note,
 * as on the map's status line). The errors colour the map when
 * page.latent-color is "error"; the threshold can make the images under
 * it faint; a click on one of the worst finds it on the map and decodes
 * it. Part of LabLatentPage (lab-latent-page-private.h). */

#include <math.h>

#include <glib/gi18n.h>

#include "lab-latent-page-private.h"

void
lab_latent_page_show_outliers (LabLatentPage *self)
{
  LabScatterPlot *plot = lab_scatter_view_get_plot (self->scatter);
  LabSession *session = lab_latent_page_session (self);
  gboolean stale = session != NULL && self->embedding != NULL
                   && self->embed_serial != lab_session_get_weights_serial (session);

  lab_scatter_plot_set_color_mode (plot, self->color_error ? LAB_SCATTER_COLOR_VALUE : LAB_SCATTER_COLOR_CLASS);
  lab_scatter_plot_set_threshold (plot, lab_outliers_panel_get_highlight (self->outliers_panel)
                                        ? lab_outliers_panel_get_threshold (self->outliers_panel) : NAN);
  lab_outliers_panel_set_note (self->outliers_panel,
                               stale ? _("the model has changed since: Embed again for the latest weights") : NULL);
  lab_scatter_view_changed (self->scatter);
}

static void
on_errors_changed (LabLatentPage    *self,
                   LabOutliersPanel *panel)
{
  LabScatterPlot *plot = lab_scatter_view_get_plot (self->scatter);
  guint n;
  const float *errors = lab_outliers_panel_get_errors (panel, &n);
  g_autofree char *label = g_strdup_printf (_("Error (%s)"), lab_outliers_panel_get_metric (panel) == LAB_RECON_BCE
                                                             ? _("BCE") : _("MSE"));

  /* errors of these very points, or none */
  if (errors != NULL && n == lab_scatter_plot_get_n_points (plot))
    lab_scatter_plot_set_values (plot, errors, n, label);
  else
    lab_scatter_plot_set_values (plot, NULL, 0, NULL);
  lab_latent_page_show_outliers (self);
}

static void
on_threshold_changed (LabLatentPage    *self,
                      LabOutliersPanel *panel)
{
  lab_latent_page_show_outliers (self);
}

/* One of the worst, clicked: where it is on the map, decoded. */
static void
on_outlier_activated (LabLatentPage    *self,
                      int               row,
                      LabOutliersPanel *panel)
{
  LabScatterPlot *plot = lab_scatter_view_get_plot (self->scatter);
  double x, y, px, py;

  if (self->embedding == NULL || !lab_scatter_plot_get_point (plot, row, &x, &y))
    return;
  /* zoomed away from it: every point again */
  if (!lab_scatter_view_point_position (self->scatter, row, &px, &py))
    lab_scatter_plot_fit (plot);
  lab_latent_page_decode_at (self, x, y, row);
}

void
lab_latent_page_measure_outliers (LabLatentPage *self)
{
  if (self->embedding == NULL || self->decoder == NULL || self->images_ds == NULL)
    return;
  lab_outliers_panel_compute (self->outliers_panel, self->decoder, self->images_ds,
                              self->embedding->indices, self->embedding->n);
}

/* The two tab buttons over the side panel. */
static void
on_tab_toggled (LabLatentPage   *self,
                GtkToggleButton *button)
{
  if (gtk_toggle_button_get_active (button))
    gtk_stack_set_visible_child_name (self->side_stack, button == self->outliers_tab ? "outliers" : "decode");
}

void
lab_latent_page_init_outliers (LabLatentPage *self)
{
  g_signal_connect_swapped (self->decode_tab, "toggled", G_CALLBACK (on_tab_toggled), self);
  g_signal_connect_swapped (self->outliers_tab, "toggled", G_CALLBACK (on_tab_toggled), self);
  g_signal_connect_swapped (self->outliers_panel, "errors-changed", G_CALLBACK (on_errors_changed), self);
  g_signal_connect_swapped (self->outliers_panel, "threshold-changed", G_CALLBACK (on_threshold_changed), self);
  g_signal_connect_swapped (self->outliers_panel, "outlier-activated", G_CALLBACK (on_outlier_activated), self);
}

LabOutliersPanel *
lab_latent_page_get_outliers_panel (LabLatentPage *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_PAGE (self), NULL);
  return self->outliers_panel;
}

void
lab_latent_page_show_side (LabLatentPage *self,
                           const char    *name)
{
  g_return_if_fail (LAB_IS_LATENT_PAGE (self));
  gtk_toggle_button_set_active (g_strcmp0 (name, "outliers") == 0 ? self->outliers_tab : self->decode_tab, TRUE);
}
