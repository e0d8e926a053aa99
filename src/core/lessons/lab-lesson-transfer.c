#define G_LOG_DOMAIN "latentlab-core"

/* Seed 000: an encoder pretrained on unlabelled images helps a classifier
 * that has few labels (lab-transfer.h runs the experiment; this is its
 * lesson: settings, the table, the label-budget curve, the training curves
 * and the two confusion matrices, and a reading that says plainly where
 * pretraining helped and where it did not). */

#include "lab-lesson-private.h"

#include <math.h>
#include <stdlib.h>

#include "lab-confusion-plot.h"
#include "lab-format.h"
#include "lab-transfer.h"

static void
on_transfer_progress (double      fraction,
                      const char *text,
                      gpointer    data)
{
  lab_lesson_progress (data, fraction, text);
}

static void
confusion_free (gpointer data)
{
  lab_confusion_plot_free (data);
}

static void
confusion_draw (gpointer  plot,
                cairo_t  *cr,
                double    width,
                double    height)
{
  lab_confusion_plot_draw (plot, cr, width, height);
}

static void
add_confusion (LabLessonRun            *run,
               const LabTransferResult *result,
               guint                    budget,
               LabTransferWay           way)
{
  const LabTransferBudget *b = &result->budgets[budget];
  LabConfusionPlot *plot = lab_confusion_plot_new ();
  g_autofree char *labels = lab_format_count (b->labels);
  g_autofree char *title = g_strdup_printf ("%s, L = %s (summed over %u seeds)",
                                            lab_transfer_way_name (way), labels, result->n_seeds);
  g_autofree char *name = g_strdup_printf ("confusion-%s", lab_transfer_way_name (way));

  lab_confusion_plot_set_title (plot, title);
  lab_confusion_plot_set_matrix (plot, b->confusion[way], result->n_classes,
                                 (const char * const *) result->class_names);
  lab_report_add_figure (run->report, name, title, confusion_draw, plot, confusion_free, 0.9);
}

static char *
mean_sd (const LabTransferBudget *b,
         LabTransferWay           way)
{
  return g_strdup_printf ("%.1f ± %.1f%%", 100 * b->mean[way], 100 * b->sd[way]);
}

static gboolean
run_transfer (LabLessonRun  *run,
              GError       **error)
{
  static const guint full_budgets[] = { 100, 300, 1000, 1800, 5000 };
  g_autoptr(LabTransferResult) result = NULL;
  LabTransferConfig config;
  guint table, last, shown = 0;

  if (run->config.max_images > 0)
    lab_transfer_config_quick (&config);
  else if (run->config.setting == LAB_LESSON_QUICK)
    lab_transfer_config_class (&config);
  else
    {
      lab_transfer_config_init (&config);
      config.n_budgets = G_N_ELEMENTS (full_budgets);
      for (guint i = 0; i < G_N_ELEMENTS (full_budgets); i++)
        config.budgets[i] = full_budgets[i];
    }
  if (run->config.max_epochs > 0)
    {
      config.pretrain_epochs = MIN (config.pretrain_epochs, run->config.max_epochs);
      config.epochs = MIN (config.epochs, MAX (run->config.max_epochs, 2));
    }
  config.seed = run->config.seed;
  config.threads = lab_lesson_threads (run);
  if (run->config.max_images > 0)
    config.test_limit = run->config.max_images;

  lab_lesson_begin_steps (run, 1);
  lab_lesson_step (run, "Pretraining %s and training %u classifiers", config.autoencoder,
                   config.n_seeds * config.n_budgets * LAB_TRANSFER_N_WAYS);
  result = lab_transfer_run (run->train, run->test, &config, on_transfer_progress, run,
                             run->cancellable, error);
  if (result == NULL)
    return FALSE;
  last = result->n_budgets - 1;
  /* The confusion matrices at the budget nearest seed 000's 1,800 labels. */
  for (guint b = 0; b < result->n_budgets; b++)
    if (abs ((int) result->budgets[b].labels - 1800) < abs ((int) result->budgets[shown].labels - 1800))
      shown = b;

  {
    g_autofree char *images = lab_format_count (result->pretrain_images);
    g_autofree char *extra = g_strdup_printf ("%s pretrained on %s unlabelled images (%u epochs, "
                                              "Gaussian noise %.1f); %s from scratch; %u seeds",
                                              config.autoencoder, images,
                                              config.pretrain_epochs, config.pretrain_noise,
                                              config.baseline, result->n_seeds);
    lab_lesson_add_settings (run, result->pretrain_images, config.epochs, extra);
  }
  {
    static const char *header[] = { "Labels L", "Baseline", "Frozen encoder", "Fine-tuned",
                                    "Fine-tuned − baseline", "Beyond 2 SE?" };
    table = lab_report_add_table (run->report, "results", "Test accuracy on the test images, mean "
                                  "± standard deviation over the seeds", 6, header);
    for (guint b = 0; b < result->n_budgets; b++)
      {
        const LabTransferBudget *tb = &result->budgets[b];
        double diff = tb->mean[LAB_TRANSFER_FINETUNED] - tb->mean[LAB_TRANSFER_BASELINE];
        double se = lab_transfer_diff_se (result, b, LAB_TRANSFER_FINETUNED, LAB_TRANSFER_BASELINE);
        g_autofree char *l = lab_format_count (tb->labels);
        g_autofree char *base = mean_sd (tb, LAB_TRANSFER_BASELINE);
        g_autofree char *frozen = mean_sd (tb, LAB_TRANSFER_FROZEN);
        g_autofree char *fine = mean_sd (tb, LAB_TRANSFER_FINETUNED);
        g_autofree char *d = g_strdup_printf ("%+.1f points (SE %.1f)", 100 * diff, 100 * se);
        const char *sig = !isfinite (se) ? "– (one seed)" : diff > 2 * se ? "yes, better"
                          : diff < -2 * se ? "yes, worse" : "no";

        lab_report_add_row (run->report, table, (const char *[]) { l, base, frozen, fine, d, sig });
        for (guint w = 0; w < LAB_TRANSFER_N_WAYS; w++)
          {
            g_autofree char *key = g_strdup_printf ("L=%u/%s", tb->labels,
                                                    lab_transfer_way_name (w));
            lab_run_record_set_metric (run->record, key, tb->mean[w]);
          }
      }
  }
  lab_report_add_page_break (run->report);
  lab_report_add_heading (run->report, "The label budget");
  lab_report_add_plot (run->report, "budget-curve", "Test accuracy against the number of labels, "
                       "mean over the seeds with one standard deviation",
                       lab_transfer_curve_plot (result), 0.6);
  {
    g_autofree char *labels = lab_format_count (result->budgets[last].labels);
    g_autofree char *caption = g_strdup_printf ("Validation accuracy per epoch at L = %s, first "
                                                "seed; each way keeps its best epoch", labels);
    LabLinePlot *epochs = lab_line_plot_new ();

    lab_transfer_fill_epochs (result, last, epochs);
    lab_report_add_plot (run->report, "epochs", caption, epochs, 0.55);
  }
  lab_report_add_page_break (run->report);
  lab_report_add_heading (run->report, "Which classes gain");
  add_confusion (run, result, shown, LAB_TRANSFER_BASELINE);
  add_confusion (run, result, shown, LAB_TRANSFER_FINETUNED);

  {
    const LabTransferBudget *tb = &result->budgets[last];
    const LabTransferBudget *t0 = &result->budgets[0];
    double se0 = lab_transfer_diff_se (result, 0, LAB_TRANSFER_FINETUNED, LAB_TRANSFER_BASELINE);
    double diff0 = t0->mean[LAB_TRANSFER_FINETUNED] - t0->mean[LAB_TRANSFER_BASELINE];

    g_autofree char *most = lab_format_count (tb->labels);

    g_string_append_printf (run->reading,
                            "With %s labels the fine-tuned pretrained encoder reaches %.1f%% on the "
                            "test images, the baseline trained from scratch %.1f%% and the frozen "
                            "encoder with a new head %.1f%% (seed 000: 74.5%% with 1,800 labels). ",
                            most, 100 * tb->mean[LAB_TRANSFER_FINETUNED],
                            100 * tb->mean[LAB_TRANSFER_BASELINE],
                            100 * tb->mean[LAB_TRANSFER_FROZEN]);
    if (isfinite (se0) && diff0 > 2 * se0)
      g_string_append_printf (run->reading,
                              "With only %u labels pretraining helps beyond doubt: %+.1f points, "
                              "more than two standard errors (%.1f). ", t0->labels, 100 * diff0,
                              100 * se0);
    else if (isfinite (se0))
      g_string_append_printf (run->reading,
                              "With only %u labels the difference, %+.1f points, is within two "
                              "standard errors (%.1f): this run does not show that pretraining "
                              "helps there. ", t0->labels, 100 * diff0, 100 * se0);
    g_string_append (run->reading, "The confusion matrices show which classes the unlabelled "
                     "images taught the encoder to tell apart.");
  }
  return TRUE;
}

const LabLessonInfo lab_lesson_transfer = {
  .name = "transfer",
  .title = N_("Transfer learning with few labels"),
  .teaches = N_("Seed 000: a denoising autoencoder pretrained on unlabelled Fashion-MNIST images "
                "gives its encoder to a classifier that has only a few labelled images, frozen with a "
                "new head or fine-tuned, against the same classifier trained from scratch. Repeated "
                "over seeds, with a curve over the number of labels: the transfer lesson in one "
                "figure, and the confusion matrices of the baseline and the pretrained model."),
  .default_dataset = "fashion-mnist",
  .quick_minutes = 0.5,
  .full_minutes = 6,
  .needs_labels = TRUE,
  .check = lab_lesson_check_28,
  .run = run_transfer,
};
