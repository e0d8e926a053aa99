#define G_LOG_DOMAIN "latentlab-core"

/* The transfer experiment's figures: the label-budget curve and the
 * validation accuracy per epoch, from a finished result. */

#include "lab-transfer.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-line-plot.h"

LabLinePlot *
lab_transfer_curve_plot (const LabTransferResult *result)
{
  LabLinePlot *plot = lab_line_plot_new ();

  lab_transfer_fill_curve (result, plot);
  return plot;
}

void
lab_transfer_fill_curve (const LabTransferResult *result,
                         LabLinePlot             *plot)
{
  g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Test accuracy against labels (%u seed)",
                                                         "Test accuracy against labels (%u seeds)", result->n_seeds),
                                            result->n_seeds);

  lab_line_plot_set_title (plot, title);
  /* Translators: the axis titles of the transfer experiment's curve; L is
   * the number of labelled images, as the rest of the page calls it */
  lab_line_plot_set_labels (plot, _("labelled training images (L)"), _("test accuracy (%)"));
  lab_line_plot_set_log_x (plot, TRUE);
  for (guint w = 0; w < LAB_TRANSFER_N_WAYS; w++)
    {
      guint series = lab_line_plot_add_series (plot, _(lab_transfer_way_name (w)), w, LAB_LINE_STYLE_POINTS);
      for (guint b = 0; b < result->n_budgets; b++)
        lab_line_plot_append_with_error (plot, series, result->budgets[b].labels,
                                         100 * result->budgets[b].mean[w],
                                         result->n_seeds > 1 ? 100 * result->budgets[b].sd[w]
                                                             : NAN);
    }
}

void
lab_transfer_fill_epochs (const LabTransferResult *result,
                          guint                    budget,
                          LabLinePlot             *plot)
{
  g_return_if_fail (budget < result->n_budgets);

  lab_line_plot_set_title (plot, _("Validation accuracy while training"));
  lab_line_plot_set_labels (plot, _("epoch"), _("validation accuracy (%)"));
  for (guint w = 0; w < LAB_TRANSFER_N_WAYS; w++)
    {
      const LabTransferRun *r = &result->budgets[budget].runs[w][0];
      guint s = lab_line_plot_add_series (plot, _(lab_transfer_way_name (w)), w, LAB_LINE_STYLE_POINTS);

      for (guint e = 0; r->curve && e < r->curve->len; e++)
        {
          const LabTransferEpoch *ep = &g_array_index (r->curve, LabTransferEpoch, e);
          lab_line_plot_append (plot, s, ep->epoch, 100 * ep->val_accuracy);
        }
    }
}

gboolean
lab_transfer_save_curve (const LabTransferResult *result,
                         const char              *path,
                         int                      width,
                         int                      height,
                         GError                 **error)
{
  g_autoptr(LabLinePlot) plot = lab_transfer_curve_plot (result);

  return lab_line_plot_save_png (plot, path, width, height, error);
}
