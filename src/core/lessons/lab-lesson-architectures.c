#define G_LOG_DOMAIN "latentlab-core"

/* Seed 001: a stacked, a convolutional (with batch normalization) and a
 * super-resolution autoencoder on the same data and seed; what each costs,
 * how well it reconstructs, and how useful its latent space is to an RBF
 * SVM that never saw a pixel. */

#include "lab-lesson-private.h"

#include <math.h>
#include <string.h>

#include "lab-classify.h"
#include "lab-embedding.h"
#include "lab-format.h"
#include "lab-presets.h"
#include "lab-recon-batch.h"
#include "lab-scatter-plot.h"

/* Each model, with what seed 001's tables report for it (final training
 * loss, test MSE, and the RBF SVM's accuracy on the latents of all 60,000
 * training images; NAN where the seed gives none). */
typedef struct
{
  const char *name;
  const char *what;
  double      seed_train_loss, seed_test_mse, seed_svm;
} Contender;

static const Contender contenders[] = {
  { "stacked",   N_("the stacked dense autoencoder"), 0.015532, 0.014568, NAN },
  { "convae-bn", N_("the convolutional autoencoder with batch normalization"), 0.002153, 0.002096,
    0.9878 },
  { "sr-ae",     N_("the super-resolution autoencoder (14 x 14 in, 28 x 28 out)"), 0.008047, 0.007407,
    NAN },
};
#define N_MODELS G_N_ELEMENTS (contenders)

/* Keys' cubic convolution kernel, a = -0.5 (bicubic as PIL and PyTorch). */
static double
cubic (double x)
{
  x = fabs (x);
  if (x <= 1)
    return (1.5 * x - 2.5) * x * x + 1;
  if (x < 2)
    return ((-0.5 * x + 2.5) * x - 4) * x + 2;
  return 0;
}

/* src (h, w) up to dst (2h, 2w), pixel centres aligned as PyTorch's
 * align_corners=False, edges clamped. */
static void
bicubic_upsample2 (const float *src,
                   guint        h,
                   guint        w,
                   float       *dst)
{
  for (guint y = 0; y < 2 * h; y++)
    for (guint x = 0; x < 2 * w; x++)
      {
        double sy = (y + 0.5) / 2 - 0.5, sx = (x + 0.5) / 2 - 0.5;
        int iy = (int) floor (sy), ix = (int) floor (sx);
        double sum = 0;

        for (int dy = -1; dy <= 2; dy++)
          for (int dx = -1; dx <= 2; dx++)
            {
              int yy = CLAMP (iy + dy, 0, (int) h - 1), xx = CLAMP (ix + dx, 0, (int) w - 1);
              sum += src[yy * w + xx] * cubic (sy - (iy + dy)) * cubic (sx - (ix + dx));
            }
        dst[y * 2 * w + x] = (float) CLAMP (sum, 0.0, 1.0);
      }
}

/* The MSE of bicubic upsampling from the 2x2-averaged test images, the
 * baseline the super-resolution autoencoder has to beat. */
static double
bicubic_mse (LabLessonRun *run,
             guint         n)
{
  guint h = run->test->height, w = run->test->width;
  g_autofree float *clean = g_new (float, h * w);
  g_autofree float *small = g_new (float, (h / 2) * (w / 2));
  g_autofree float *up = g_new (float, h * w);
  double sum = 0;

  for (guint i = 0; i < n; i++)
    {
      lab_dataset_to_float (run->test, &i, 1, clean);
      for (guint y = 0; y < h / 2; y++)
        for (guint x = 0; x < w / 2; x++)
          small[y * (w / 2) + x] = (clean[2 * y * w + 2 * x] + clean[2 * y * w + 2 * x + 1]
                                    + clean[(2 * y + 1) * w + 2 * x]
                                    + clean[(2 * y + 1) * w + 2 * x + 1]) / 4;
      bicubic_upsample2 (small, h / 2, w / 2, up);
      for (guint p = 0; p < h * w; p++)
        sum += (double) (up[p] - clean[p]) * (up[p] - clean[p]);
    }
  return sum / ((double) n * h * w);
}

typedef struct
{
  gsize  params;
  double seconds, train_loss, mse, svm_accuracy;
} Result;

/* Seed 001's tables beside this run's numbers, model by model. */
static void
add_seed_table (LabLessonRun *run,
                const Result *results)
{
  /* Translators: a table's columns: seed 001's number, then this run's ("here") */
  static const char *header[] = { N_("Model"), N_("Train loss, seed 001"), N_("here"),
                                  N_("Test MSE, seed 001"), N_("here"), N_("Latent SVM, seed 001"),
                                  N_("here") };
  g_autofree char *all = lab_lesson_count_shown (60000);
  g_autofree char *caption = lab_lesson_shown (_("Seed 001's numbers beside this run's (the seed: "
                                                 "%u epochs, the SVM on all %s training latents)"),
                                               5, all);
  guint table = lab_report_add_table (run->report, "seed-001", caption, 7, header);

  for (guint k = 0; k < N_MODELS; k++)
    {
      const Contender *c = &contenders[k];
      g_auto(LabLessonRow) row = { 0 };

      lab_lesson_cell_text (&row, c->name);
      lab_lesson_cell_number (&row, c->seed_train_loss, 4);
      lab_lesson_cell_number (&row, results[k].train_loss, 4);
      lab_lesson_cell_number (&row, c->seed_test_mse, 4);
      lab_lesson_cell_number (&row, results[k].mse, 4);
      lab_lesson_cell_percent (&row, 100 * c->seed_svm, 2);
      lab_lesson_cell_percent (&row, 100 * results[k].svm_accuracy, 2);
      lab_lesson_row_add (run, table, &row);
    }
}

static void
scatter_free (gpointer data)
{
  lab_scatter_plot_free (data);
}

static gboolean
run_architectures (LabLessonRun  *run,
                   GError       **error)
{
  guint n_images = lab_lesson_images (run, 60000, 60000);
  guint epochs = lab_lesson_epochs (run, 3, 5);
  guint n_svm = lab_lesson_images (run, 10000, 60000);
  guint n_map = MIN (run->config.setting == LAB_LESSON_QUICK ? 1000 : 2000, run->test->n);
  guint n_test = run->config.max_images ? MIN (run->config.max_images, run->test->n) : run->test->n;
  g_auto(LabLessonRecons) recons = { 0 };
  Result results[N_MODELS];
  double baseline;
  guint table, top, best_svm = 0, best_mse = 0;

  if (run->config.max_images > 0)
    n_map = MIN (n_map, MAX (run->config.max_images, 100));
  lab_lesson_recons_init (&recons, run, N_MODELS);
  lab_lesson_begin_steps (run, 3 * N_MODELS);
  /* The tables go first (at top, once the numbers are in); the maps
   * follow them on the same page when there is room. */
  top = lab_report_position (run->report);
  lab_report_add_heading (run->report, _("How each model arranged the test images"));

  for (guint k = 0; k < N_MODELS; k++)
    {
      g_autoptr(LabSpec) spec = lab_presets_get (contenders[k].name, error);
      g_autoptr(LabModel) model = NULL;
      g_autoptr(LabClassifyResult) svm = NULL;
      g_autoptr(LabEmbedding) map = NULL;
      LabClassifyConfig classify;
      LabEmbedConfig embed;
      LabTrainConfig config;
      LabEvalResult eval;
      LabLessonFit fit;
      LabScatterPlot *scatter;
      g_autofree char *title = NULL, *fig = NULL, *caption = NULL;

      if (spec == NULL)
        return FALSE;
      /* Translators: a progress step: a model's name and what it is */
      lab_lesson_step (run, N_("Training %s (%s)"), contenders[k].name, _(contenders[k].what));
      lab_lesson_train_config (run, &config, epochs, NULL);
      model = lab_lesson_train (run, contenders[k].name, spec, &config, n_images, &eval, &fit,
                                error);
      if (model == NULL)
        return FALSE;
      results[k] = (Result) { lab_model_n_params (model), fit.seconds, fit.train_loss, eval.mse,
                              NAN };
      if (!lab_lesson_recons_add (&recons, run, contenders[k].name, model, error))
        return FALSE;

      /* Translators: a progress step, %s a model's name */
      lab_lesson_step (run, N_("An RBF SVM on %s's latents of %u training images"),
                       contenders[k].name, n_svm);
      lab_classify_config_init (&classify, LAB_CLASSIFIER_SVM_RBF);
      classify.features = LAB_FEATURES_LATENT;
      classify.n_train = n_svm;
      classify.n_test = n_test;
      classify.seed = run->config.seed;
      classify.classifier.n_threads = lab_lesson_threads (run);
      classify.classifier.keep_unconverged = TRUE;
      svm = lab_classify_run (model, run->train, run->test, &classify, NULL, NULL,
                              run->cancellable, error);
      if (svm == NULL)
        return FALSE;
      results[k].svm_accuracy = svm->accuracy;

      /* Translators: a progress step, %s a model's name */
      lab_lesson_step (run, N_("A t-SNE map of %s's latents of %u test images"), contenders[k].name,
                       n_map);
      lab_embed_config_init (&embed);
      embed.method = LAB_EMBED_TSNE;
      embed.n = n_map;
      embed.seed = run->config.seed;
      embed.perplexity = MIN (30.0, (n_map - 1) / 3.0 - 1);
      embed.n_threads = lab_lesson_threads (run);
      map = lab_embedding_compute (model, run->test, &embed, NULL, NULL, run->cancellable, error);
      if (map == NULL)
        return FALSE;
      scatter = lab_scatter_plot_new ();
      /* Translators: a plot's title, %s a model's name, %u the latent's size */
      title = lab_lesson_shown (_("%s: t-SNE of its %u-value latents"), contenders[k].name, map->dim);
      lab_scatter_plot_set_title (scatter, title);
      lab_scatter_plot_set_points (scatter, map->points, map->labels, map->n, FALSE);
      lab_scatter_plot_set_classes (scatter, (const char * const *) map->class_names,
                                    map->n_classes);
      fig = g_strdup_printf ("tsne-%s", contenders[k].name);
      {
        g_autofree char *n = lab_lesson_count_shown (map->n);
        /* Translators: a figure's caption: a count of images, a model's name */
        caption = lab_lesson_shown (_("%s test images through %s's encoder, coloured by their label"),
                                    n, contenders[k].name);
      }
      lab_report_add_figure (run->report, fig, caption, lab_scatter_plot_draw_figure, scatter,
                             scatter_free, 0.62);

      {
        g_autofree char *m1 = g_strconcat (contenders[k].name, "/test_mse", NULL);
        g_autofree char *m2 = g_strconcat (contenders[k].name, "/train_loss", NULL);
        g_autofree char *m3 = g_strconcat (contenders[k].name, "/latent_svm_accuracy", NULL);
        lab_run_record_set_metric (run->record, m1, eval.mse);
        lab_run_record_set_metric (run->record, m2, fit.train_loss);
        lab_run_record_set_metric (run->record, m3, svm->accuracy);
      }
      if (results[k].svm_accuracy > results[best_svm].svm_accuracy)
        best_svm = k;
      if (results[k].mse < results[best_mse].mse)
        best_mse = k;
    }
  baseline = bicubic_mse (run, n_test);
  lab_run_record_set_metric (run->record, "bicubic/test_mse", baseline);

  lab_lesson_recons_report (&recons, run, _("The first ten test images and each model's "
                            "reconstruction (sr-ae from the 14 x 14 version)"));

  lab_report_set_cursor (run->report, top);
  {
    /* Translators: the settings' models, three names */
    const char *models = N_("stacked, convae-bn and sr-ae");
    lab_lesson_add_settings (run, n_images, epochs, models, _(models));
  }
  {
    static const char *header[] = { N_("Model"), N_("Parameters"), N_("Training time"),
                                    N_("Train loss"), N_("Test MSE"), N_("Latent SVM") };
    g_autofree char *svm_images = lab_lesson_count_shown (n_svm);
    /* Translators: a table's caption, %s a count of images */
    g_autofree char *svm_caption = lab_lesson_shown (_("Each model at equal epochs; the latent SVM "
                                                       "is an RBF SVM (C = 10, gamma = scale) on "
                                                       "the latents of %s training images"),
                                                     svm_images);
    table = lab_report_add_table (run->report, "results", svm_caption, 6, header);
    for (guint k = 0; k < N_MODELS; k++)
      {
        g_auto(LabLessonRow) row = { 0 };
        g_autofree char *time = lab_format_duration (results[k].seconds);

        lab_lesson_cell_text (&row, contenders[k].name);
        lab_lesson_cell_count (&row, results[k].params);
        lab_lesson_cell_text (&row, time);
        lab_lesson_cell_number (&row, results[k].train_loss, 4);
        lab_lesson_cell_number (&row, results[k].mse, 4);
        lab_lesson_cell_percent (&row, 100 * results[k].svm_accuracy, 2);
        lab_lesson_row_add (run, table, &row);
      }
    {
      g_auto(LabLessonRow) row = { 0 };

      lab_lesson_cell_msg (&row, N_("bicubic upsampling (for sr-ae)"));
      lab_lesson_cell_text (&row, "0");
      lab_lesson_cell_text (&row, "–");
      lab_lesson_cell_text (&row, "–");
      lab_lesson_cell_number (&row, baseline, 4);
      lab_lesson_cell_text (&row, "–");
      lab_lesson_row_add (run, table, &row);
    }
  }
  add_seed_table (run, results);
  lab_report_set_cursor (run->report, G_MAXUINT);

  /* Translators: %s is a model's name ("convae-bn") */
  lab_lesson_read (run, N_("An RBF SVM that never saw a pixel classifies the test digits best from "
                           "%s's latent space: %.2f%% (seed 001 reported %.2f%% for its "
                           "convolutional latent with %'u training images and %u epochs). "),
                   contenders[best_svm].name, 100 * results[best_svm].svm_accuracy, 98.78,
                   60000, 5);
  /* Translators: %s is a model's name ("convae-bn") */
  lab_lesson_read (run, N_("Of the three, %s reconstructs best, at a test MSE of %.4f. "),
                   contenders[best_mse].name, results[best_mse].mse);
  if (results[2].mse < baseline)
    lab_lesson_read (run, N_("The super-resolution model makes the 28 x 28 digit from a 14 x 14 "
                             "one with a test MSE of %.4f, against %.4f for bicubic upsampling: it "
                             "beats the textbook interpolation by learning what digits look like."),
                     results[2].mse, baseline);
  else
    lab_lesson_read (run, N_("The super-resolution model makes the 28 x 28 digit from a 14 x 14 "
                             "one with a test MSE of %.4f, against %.4f for bicubic upsampling: it "
                             "does not yet beat the textbook interpolation."),
                     results[2].mse, baseline);
  return TRUE;
}

const LabLessonInfo lab_lesson_architectures = {
  .name = "architectures",
  .title = N_("Three autoencoder architectures compared"),
  .teaches = N_("Seed 001: a stacked dense, a convolutional (with batch normalization) and a "
                "super-resolution autoencoder, trained on the same images with the same seed. The "
                "class sees what each costs in parameters and time, how well it reconstructs, how "
                "it arranges the digits (a t-SNE map per model), and how well an SVM classifies "
                "digits from its latent space alone; the super-resolution model faces bicubic "
                "upsampling."),
  .default_dataset = "mnist",
  .quick_minutes = 2,
  .full_minutes = 4,
  .needs_labels = TRUE,
  .check = lab_lesson_check_28,
  .run = run_architectures,
};
