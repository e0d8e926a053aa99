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
  g_autofree char *labels = lab_lesson_count_shown (b->labels);
  /* Translators: a confusion matrix's title: the way ("fine-tuned"), the number of labels L */
  g_autofree char *title = lab_lesson_shown (g_dngettext (GETTEXT_PACKAGE,
                                                          "%s, L = %s (summed over %u seed)",
                                                          "%s, L = %s (summed over %u seeds)",
                                                          result->n_seeds),
                                             _(lab_transfer_way_name (way)), labels,
                                             result->n_seeds);
  g_autofree char *name = g_strdup_printf ("confusion-%s", lab_transfer_way_name (way));

  lab_confusion_plot_set_title (plot, title);
  lab_confusion_plot_set_matrix (plot, b->confusion[way], result->n_classes,
                                 (const char * const *) result->class_names);
  lab_report_add_figure (run->report, name, title, confusion_draw, plot, confusion_free, 0.9);
}

static void
cell_mean_sd (LabLessonRow            *row,
              const LabTransferBudget *b,
              LabTransferWay           way)
{
  /* Translators: an accuracy, mean ± standard deviation: "74.5 ± 1.2%" */
  lab_lesson_cell (row, N_("%.1f ± %.1f%%"), 100 * b->mean[way], 100 * b->sd[way]);
}

/* Translators: the settings' model: the autoencoder's name, a count of images, its epochs
 * and training noise, the baseline's name, the number of seeds */
#define EXTRA_FORMAT N_("%s pretrained on %s unlabelled images (%u epochs, Gaussian noise " \
                        "%.1f); %s from scratch; %u seeds")

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
  /* Translators: a progress step, %s an autoencoder's name */
  lab_lesson_step (run, N_("Pretraining %s and training %u classifiers"), config.autoencoder,
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
    g_autofree char *images_shown = lab_lesson_count_shown (result->pretrain_images);
    g_autofree char *extra = NULL, *extra_shown = NULL;

    extra = g_strdup_printf (EXTRA_FORMAT, config.autoencoder, images, config.pretrain_epochs,
                             config.pretrain_noise, config.baseline, result->n_seeds);
    extra_shown = lab_lesson_shown (_(EXTRA_FORMAT), config.autoencoder, images_shown,
                                    config.pretrain_epochs, config.pretrain_noise,
                                    config.baseline, result->n_seeds);
    lab_lesson_add_settings (run, result->pretrain_images, config.epochs, extra, extra_shown);
  }
  {
    /* Translators: a table's columns; SE is the standard error */
    static const char *header[] = { N_("Labels L"), N_("Baseline"), N_("Frozen encoder"),
                                    N_("Fine-tuned"), N_("Fine-tuned − baseline"),
                                    N_("Beyond 2 SE?") };
    table = lab_report_add_table (run->report, "results", _("Test accuracy on the test images, "
                                  "mean ± standard deviation over the seeds"), 6, header);
    for (guint b = 0; b < result->n_budgets; b++)
      {
        const LabTransferBudget *tb = &result->budgets[b];
        double diff = tb->mean[LAB_TRANSFER_FINETUNED] - tb->mean[LAB_TRANSFER_BASELINE];
        double se = lab_transfer_diff_se (result, b, LAB_TRANSFER_FINETUNED, LAB_TRANSFER_BASELINE);
        /* Translators: whether a difference is beyond two standard errors */
        const char *sig = !isfinite (se) ? N_("– (one seed)") : diff > 2 * se ? N_("yes, better")
                          : diff < -2 * se ? N_("yes, worse") : N_("no");
        g_auto(LabLessonRow) row = { 0 };

        lab_lesson_cell_count (&row, tb->labels);
        cell_mean_sd (&row, tb, LAB_TRANSFER_BASELINE);
        cell_mean_sd (&row, tb, LAB_TRANSFER_FROZEN);
        cell_mean_sd (&row, tb, LAB_TRANSFER_FINETUNED);
        /* Translators: a difference of accuracies in percentage points, and its standard error */
        lab_lesson_cell (&row, N_("%+.1f points (SE %.1f)"), 100 * diff, 100 * se);
        lab_lesson_cell_msg (&row, sig);
        lab_lesson_row_add (run, table, &row);
        for (guint w = 0; w < LAB_TRANSFER_N_WAYS; w++)
          {
            g_autofree char *key = g_strdup_printf ("L=%u/%s", tb->labels,
                                                    lab_transfer_way_name (w));
            lab_run_record_set_metric (run->record, key, tb->mean[w]);
          }
      }
  }
  lab_report_add_page_break (run->report);
  lab_report_add_heading (run->report, _("The label budget"));
  lab_report_add_plot (run->report, "budget-curve", _("Test accuracy against the number of labels, "
                       "mean over the seeds with one standard deviation"),
                       lab_transfer_curve_plot (result), 0.6);
  {
    g_autofree char *labels = lab_lesson_count_shown (result->budgets[last].labels);
    /* Translators: a figure's caption, %s the number of labels L */
    g_autofree char *caption = lab_lesson_shown (_("Validation accuracy per epoch at L = %s, first "
                                                   "seed; each way keeps its best epoch"), labels);
    LabLinePlot *epochs = lab_line_plot_new ();

    lab_transfer_fill_epochs (result, last, epochs);
    lab_report_add_plot (run->report, "epochs", caption, epochs, 0.55);
  }
  lab_report_add_page_break (run->report);
  lab_report_add_heading (run->report, _("Which classes gain"));
  add_confusion (run, result, shown, LAB_TRANSFER_BASELINE);
  add_confusion (run, result, shown, LAB_TRANSFER_FINETUNED);

  {
    const LabTransferBudget *tb = &result->budgets[last];
    const LabTransferBudget *t0 = &result->budgets[0];
    double se0 = lab_transfer_diff_se (result, 0, LAB_TRANSFER_FINETUNED, LAB_TRANSFER_BASELINE);
    double diff0 = t0->mean[LAB_TRANSFER_FINETUNED] - t0->mean[LAB_TRANSFER_BASELINE];

    lab_lesson_read (run, N_("With %'u labels the fine-tuned pretrained encoder reaches %.1f%% on "
                             "the test images, the baseline trained from scratch %.1f%% and the "
                             "frozen encoder with a new head %.1f%% (seed 000: %.1f%% with %'u "
                             "labels). "),
                     tb->labels, 100 * tb->mean[LAB_TRANSFER_FINETUNED],
                     100 * tb->mean[LAB_TRANSFER_BASELINE], 100 * tb->mean[LAB_TRANSFER_FROZEN],
                     74.5, 1800);
    if (isfinite (se0) && diff0 > 2 * se0)
      lab_lesson_read (run, N_("With only %'u labels pretraining helps beyond doubt: %+.1f "
                               "points, more than two standard errors (%.1f). "),
                       t0->labels, 100 * diff0, 100 * se0);
    else if (isfinite (se0))
      lab_lesson_read (run, N_("With only %'u labels the difference, %+.1f points, is within two "
                               "standard errors (%.1f): this run does not show that pretraining "
                               "helps there. "), t0->labels, 100 * diff0, 100 * se0);
    lab_lesson_read (run, N_("The confusion matrices show which classes the unlabelled images "
                             "taught the encoder to tell apart."));
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
