#define G_LOG_DOMAIN "latentlab-core"

/* Seed 002, tasks 4 and 5: can an autoencoder trained on few images of
 * some digits make new ones for augmentation? lab-augment.h runs the
 * experiment; this is its lesson: per training size and latent-noise scale
 * how many samples a classifier trained on real digits recognises, how
 * diverse they are and how close to the nearest real image, with the
 * samples themselves and the ones the classifier got wrong. */

#include "lab-lesson-private.h"

#include <math.h>
#include <string.h>

#include "lab-augment.h"
#include "lab-format.h"

#define SHOWN_SAMPLES 12
#define SHOWN_MISSES  24

static void
on_augment_progress (double      fraction,
                     const char *text,
                     gpointer    data)
{
  lab_lesson_progress (data, fraction, text);
}

/* "all (5,958)" for the CSV, or as people read it (shown). */
static char *
size_label (const LabAugmentSize *size,
            gboolean              shown)
{
  g_autofree char *n = shown ? lab_lesson_count_shown (size->n_images)
                             : lab_format_count (size->n_images);

  /* Translators: an autoencoder trained on all the images of its digits, %s their count */
  return size->requested == 0 ? g_strdup_printf (shown ? _("all (%s)") : "all (%s)", n)
                              : g_steal_pointer (&n);
}

static char *
size_tag (const LabAugmentSize *size)
{
  return size->requested == 0 ? g_strdup ("all") : g_strdup_printf ("%u", size->requested);
}

/* "2, 3 and 8", in English or as people read it (shown). */
static char *
digits_text (const LabAugmentConfig *config,
             gboolean                shown)
{
  GString *s = g_string_new (NULL);
  /* Translators: between the last two of a list of digits ("2, 3 and 8") */
  const char *and = shown ? _(" and ") : " and ";

  for (guint i = 0; i < config->n_digits; i++)
    g_string_append_printf (s, "%s%u", i == 0 ? "" : i + 1 == config->n_digits ? and : ", ",
                            config->digits[i]);
  return g_string_free (s, FALSE);
}

static void
gallery_pixels (LabGallery *gallery,
                guint       index,
                float      *out)
{
  const LabGalleryItem *item = lab_gallery_get_item (gallery, index);
  gsize n = (gsize) lab_gallery_get_height (gallery) * lab_gallery_get_width (gallery);

  for (gsize p = 0; p < n; p++)
    out[p] = item->pixels[p] / 255.0f;
}

/* One row of samples per scale, then the misrecognised ones with
 * "digit → predicted" under each. */
static void
add_samples (LabLessonRun         *run,
             const LabAugmentSize *size,
             guint                 n_scales)
{
  const gsize pixels = (gsize) size->train->height * size->train->width;
  guint per_row = SHOWN_SAMPLES, n_misses;
  g_autofree float *images = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *tag = size_tag (size);
  g_autofree char *label = size_label (size, TRUE);
  g_autofree char *name = g_strdup_printf ("samples-%s", tag);
  g_autofree char *caption = NULL;

  for (guint k = 0; k < n_scales; k++)
    per_row = MIN (per_row, lab_gallery_get_n (size->scales[k].samples));
  if (per_row == 0)
    return;
  images = g_new (float, (gsize) n_scales * per_row * pixels);
  for (guint k = 0; k < n_scales; k++)
    {
      const LabAugmentScale *sc = &size->scales[k];

      for (guint i = 0; i < per_row; i++)
        gallery_pixels (sc->samples, i, images + ((gsize) k * per_row + i) * pixels);
      /* Translators: an image grid's row: the latent noise scale s, and when it is pushed far */
      g_ptr_array_add (rows, lab_lesson_shown (sc->extreme ? _("s = %g (extreme)") : "s = %g",
                                               sc->scale));
    }
  /* Translators: a figure's caption, %s a count of images ("1,000" or "all (5,958)") */
  caption = lab_lesson_shown (_("Samples of the autoencoder trained on %s images, one row per "
                                "latent noise scale s (in standard deviations of the latents)"),
                              label);
  lab_report_add_images (run->report, name, caption, images, n_scales * per_row,
                         size->train->height, size->train->width, per_row,
                         (const char * const *) rows->pdata, NULL);

  n_misses = MIN (size->misses->len, SHOWN_MISSES);
  if (n_misses == 0)
    return;
  g_free (images);
  images = g_new (float, (gsize) n_misses * pixels);
  for (guint m = 0; m < n_misses; m++)
    {
      const LabAugmentMiss *miss = &g_array_index (size->misses, LabAugmentMiss, m);

      gallery_pixels (size->scales[miss->scale_index].samples, miss->sample,
                      images + (gsize) m * pixels);
      g_ptr_array_add (captions, g_strdup_printf ("%u → %u", miss->digit, miss->predicted));
    }
  g_free (name);
  g_free (caption);
  name = g_strdup_printf ("misrecognised-%s", tag);
  /* Translators: a figure's caption, %s a count of images ("1,000"), then how many of the
   * misrecognised samples are shown */
  caption = lab_lesson_shown (_("Samples of the %s-image autoencoder the classifier did not "
                                "recognise (%u of %u shown): the digit they came from → what it "
                                "said"), label, n_misses, size->misses->len);
  lab_report_add_images (run->report, name, caption, images, n_misses, size->train->height,
                         size->train->width, MIN (n_misses, 12), NULL,
                         (const char * const *) captions->pdata);
}

/* Recognition rate (%) against the training size, one series per scale. */
static LabLinePlot *
recognition_plot (const LabAugmentResult *result)
{
  LabLinePlot *plot = lab_line_plot_new ();

  lab_line_plot_set_title (plot, _("How many samples the classifier recognises"));
  /* Translators: axis titles */
  lab_line_plot_set_labels (plot, _("training images of the autoencoder"), _("recognised (%)"));
  lab_line_plot_set_log_x (plot, TRUE);
  for (guint k = 0; k < result->n_scales; k++)
    {
      g_autofree char *name = lab_lesson_shown ("s = %g", result->sizes[0].scales[k].scale);
      guint series = lab_line_plot_add_series (plot, name, k, LAB_LINE_STYLE_POINTS);

      for (guint s = 0; s < result->n_sizes; s++)
        lab_line_plot_append (plot, series, result->sizes[s].n_images,
                              100 * result->sizes[s].scales[k].recognition_rate);
    }
  return plot;
}

static void
config_for_run (LabLessonRun     *run,
                LabAugmentConfig *config)
{
  if (run->config.max_images > 0)
    lab_augment_config_quick (config);
  else if (run->config.setting == LAB_LESSON_QUICK)
    {
      /* 10, 100 and 1,000 images, not all of them. */
      lab_augment_config_init (config);
      config->n_sizes = 3;
      config->steps = 1000;
      config->classifier_epochs = 2;
    }
  else
    lab_augment_config_init (config);
  if (run->config.max_images > 0)
    config->classifier_images = run->config.max_images;
  if (run->config.max_epochs > 0)
    config->classifier_epochs = MIN (config->classifier_epochs, run->config.max_epochs);
  config->seed = run->config.seed;
  config->threads = lab_lesson_threads (run);
}

static void
add_table (LabLessonRun           *run,
           const LabAugmentResult *result)
{
  static const char *header[] = { N_("Training images"), N_("Scale s"), N_("Recognised"),
                                  N_("Pixel diversity"), N_("Latent diversity"),
                                  N_("Nearest real image") };
  guint table = lab_report_add_table (run->report, "results", _("Per autoencoder and latent noise "
                                      "scale: the share of samples the classifier recognises as "
                                      "the digit they came from, the mean pairwise distance of "
                                      "the samples (pixels in [0, 1], and latents), and the mean "
                                      "distance to the nearest training image"), 6, header);

  for (guint s = 0; s < result->n_sizes; s++)
    {
      const LabAugmentSize *size = &result->sizes[s];
      g_autofree char *label = size_label (size, FALSE);
      g_autofree char *label_shown = size_label (size, TRUE);
      g_autofree char *tag = size_tag (size);

      for (guint k = 0; k < result->n_scales; k++)
        {
          const LabAugmentScale *sc = &size->scales[k];
          g_auto(LabLessonRow) row = { 0 };
          g_autofree char *key = NULL;

          lab_lesson_cell_pair (&row, k == 0 ? label : "", k == 0 ? label_shown : "");
          /* Translators: a latent noise scale pushed far */
          lab_lesson_cell (&row, sc->extreme ? N_("%g (extreme)") : "%g", sc->scale);
          /* Translators: a recognition rate: "93.5% (187 of 200)" */
          lab_lesson_cell (&row, N_("%.1f%% (%u of %u)"), 100 * sc->recognition_rate,
                           sc->recognised, sc->n_samples);
          lab_lesson_cell_number (&row, sc->pixel_diversity, 3);
          lab_lesson_cell_number (&row, sc->latent_diversity, 3);
          lab_lesson_cell_number (&row, sc->nearest_distance, 3);
          lab_lesson_row_add (run, table, &row);
          key = g_strdup_printf ("N=%s/s=%g/recognised", tag, sc->scale);
          lab_run_record_set_metric (run->record, key, sc->recognition_rate);
          g_free (key);
          key = g_strdup_printf ("N=%s/s=%g/pixel-diversity", tag, sc->scale);
          lab_run_record_set_metric (run->record, key, sc->pixel_diversity);
          g_free (key);
          key = g_strdup_printf ("N=%s/s=%g/nearest", tag, sc->scale);
          lab_run_record_set_metric (run->record, key, sc->nearest_distance);
        }
      {
        g_autofree char *key = g_strdup_printf ("N=%s/train-loss", tag);
        lab_run_record_set_metric (run->record, key, size->train_loss);
      }
    }
}

static void
add_reading (LabLessonRun           *run,
             const LabAugmentResult *result)
{
  const LabAugmentSize *first = &result->sizes[0], *last = &result->sizes[result->n_sizes - 1];
  const LabAugmentScale *f = &first->scales[0], *l = &last->scales[0];
  guint extreme = result->n_scales > result->config.n_user_scales ? result->n_scales - 1 : 0;

  lab_lesson_read (run, N_("The classifier, trained on real digits only, recognises %.1f%% of the "
                           "real test images. "), 100 * result->classifier_accuracy);
  lab_lesson_read (run, N_("At latent noise s = %g it recognises %.1f%% of the samples of the "
                           "autoencoder trained on %'u images and %.1f%% of the one trained on "
                           "%'u. "),
                   f->scale, 100 * f->recognition_rate, first->n_images,
                   100 * l->recognition_rate, last->n_images);
  lab_lesson_read (run, N_("Their mean distance to the nearest training image is %.2f and %.2f "
                           "(a sample near 0 is a copy of an image the model saw). "),
                   f->nearest_distance, l->nearest_distance);
  if (extreme > 0)
    {
      const LabAugmentScale *x = &last->scales[extreme];

      lab_lesson_read (run, N_("Pushed to s = %g, the latents spread %.1f times as far (latent "
                               "diversity %.1f against %.1f) and only %.1f%% of the samples are "
                               "still recognised: too much noise leaves the digits behind. "),
                       x->scale, x->latent_diversity / MAX (l->latent_diversity, 1e-12),
                       x->latent_diversity, l->latent_diversity, 100 * x->recognition_rate);
      if (x->pixel_diversity < l->pixel_diversity)
        lab_lesson_read (run, N_("In pixels they are even less diverse: many decode to the same "
                                 "blurred strokes."));
    }
}

/* Translators: the settings' model: the autoencoder's name, the digits ("2, 3 and 8"),
 * counts of steps, samples, epochs and images */
#define EXTRA_FORMAT N_("%s autoencoders on the digits %s, %s Adam steps each (batch %u); " \
                        "%u samples per size and scale; the classifier (cnn-baseline) %u " \
                        "epochs on %s real images")

static gboolean
run_augmentation (LabLessonRun  *run,
                  GError       **error)
{
  g_autoptr(LabAugmentResult) result = NULL;
  LabAugmentConfig config;
  g_autofree char *digits = NULL, *digits_shown = NULL;

  config_for_run (run, &config);
  digits = digits_text (&config, FALSE);
  digits_shown = digits_text (&config, TRUE);
  lab_lesson_begin_steps (run, 1);
  /* Translators: a progress step, %s a list of digits ("2, 3 and 8") */
  lab_lesson_step (run, N_("Training a classifier and %u autoencoders on the digits %s"),
                   config.n_sizes, digits_shown);
  result = lab_augment_run (run->train, run->test, &config, on_augment_progress, run,
                            run->cancellable, error);
  if (result == NULL)
    return FALSE;

  {
    g_autofree char *steps = lab_format_count (config.steps);
    g_autofree char *real = lab_format_count (result->classifier_images);
    g_autofree char *steps_shown = lab_lesson_count_shown (config.steps);
    g_autofree char *real_shown = lab_lesson_count_shown (result->classifier_images);
    g_autofree char *extra = g_strdup_printf (EXTRA_FORMAT, config.autoencoder, digits, steps,
                                              config.batch, config.samples,
                                              config.classifier_epochs, real);
    g_autofree char *extra_shown = g_strdup_printf (_(EXTRA_FORMAT), config.autoencoder, digits_shown,
                                                    steps_shown, config.batch, config.samples,
                                                    config.classifier_epochs, real_shown);

    lab_lesson_add_settings (run, result->sizes[result->n_sizes - 1].n_images,
                             config.classifier_epochs, extra, extra_shown);
  }
  lab_run_record_add_dataset (run->record, "classifier-train", run->dataset, run->train, NULL,
                              result->classifier_images);
  for (guint s = 0; s < result->n_sizes; s++)
    {
      g_autofree char *tag = size_tag (&result->sizes[s]);
      g_autofree char *role = g_strdup_printf ("autoencoder-%s", tag);

      lab_run_record_add_dataset (run->record, role, run->dataset, run->train,
                                  result->sizes[s].indices, result->sizes[s].n_images);
    }
  lab_run_record_set_metric (run->record, "classifier/accuracy", result->classifier_accuracy);
  add_table (run, result);
  lab_report_add_page_break (run->report);
  lab_report_add_heading (run->report, _("Recognised and new"));
  lab_report_add_plot (run->report, "recognition", _("The share of samples the classifier "
                       "recognises against the autoencoder's training images, per latent noise "
                       "scale"), recognition_plot (result), 0.55);
  for (guint s = 0; s < result->n_sizes; s++)
    {
      if (s % 2 == 0)
        lab_report_add_page_break (run->report);
      add_samples (run, &result->sizes[s], result->n_scales);
    }
  add_reading (run, result);
  return TRUE;
}

static gboolean
check_augmentation (LabLessonRun  *run,
                    GError       **error)
{
  LabAugmentConfig config;

  if (!lab_lesson_check_28 (run, error))
    return FALSE;
  lab_augment_config_init (&config);
  for (guint i = 0; i < config.n_digits; i++)
    if (config.digits[i] >= run->train->n_classes)
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "The augmentation lesson generates the digits 2, 3 and 8, but %s has %u "
                     "classes", run->dataset, run->train->n_classes);
        return FALSE;
      }
  return TRUE;
}

const LabLessonInfo lab_lesson_augmentation = {
  .name = "augmentation",
  .title = N_("New digits for augmentation"),
  .teaches = N_("Seed 002: autoencoders trained on 10, 100, 1,000 and all images of the digits 2, 3 "
                "and 8 make new ones from noisy latents. A classifier trained on real digits says "
                "whether it still recognises them; their diversity and their distance to the nearest "
                "real image show whether the model invents digits or recalls the ones it saw, and "
                "how far the latent noise can go before the digits fall apart."),
  .default_dataset = "mnist",
  .quick_minutes = 0.2,
  .full_minutes = 0.5,
  .needs_labels = TRUE,
  .check = check_augmentation,
  .run = run_augmentation,
};
