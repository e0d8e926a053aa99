#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-augment.h"
#include "lab-png.h"
#include "lab-save.h"

#define GRID_SCALE 2

static void
on_progress (double      fraction,
             const char *text,
             gpointer    data)
{
  fprintf (stderr, "\r\033[K%3.0f%% %s", 100 * fraction, text);
  fflush (stderr);
}

static char *
size_name (const LabAugmentSize *size)
{
  return size->requested == 0 ? g_strdup_printf ("all (%u)", size->n_images)
                              : g_strdup_printf ("%u", size->n_images);
}

static JsonNode *
build_json (const LabAugmentResult *r,
            const char             *dataset,
            const char             *out_dir)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const LabAugmentConfig *c = &r->config;

  json_builder_begin_object (b);
  lab_json_add_string (b, "dataset", dataset);
  lab_json_add_string (b, "autoencoder", c->autoencoder);
  json_builder_set_member_name (b, "digits");
  json_builder_begin_array (b);
  for (guint d = 0; d < c->n_digits; d++)
    json_builder_add_int_value (b, c->digits[d]);
  json_builder_end_array (b);
  lab_json_add_int (b, "steps", c->steps);
  lab_json_add_int (b, "samples", c->samples);
  json_builder_set_member_name (b, "classifier");
  json_builder_begin_object (b);
  lab_json_add_string (b, "arch", "cnn-baseline");
  lab_json_add_int (b, "epochs", c->classifier_epochs);
  lab_json_add_number (b, "test_accuracy", r->classifier_accuracy);
  lab_json_add_int (b, "test_images", r->classifier_test_images);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "sizes");
  json_builder_begin_array (b);
  for (guint s = 0; s < r->n_sizes; s++)
    {
      const LabAugmentSize *size = &r->sizes[s];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "size");
      if (size->requested == 0)
        json_builder_add_string_value (b, "all");
      else
        json_builder_add_int_value (b, size->requested);
      lab_json_add_int (b, "images", size->n_images);
      lab_json_add_number (b, "train_loss", size->train_loss);
      lab_json_add_number (b, "real_pixel_diversity", size->real_pixel_diversity);
      json_builder_set_member_name (b, "scales");
      json_builder_begin_array (b);
      for (guint k = 0; k < r->n_scales; k++)
        {
          const LabAugmentScale *sc = &size->scales[k];
          json_builder_begin_object (b);
          lab_json_add_number (b, "scale", sc->scale);
          json_builder_set_member_name (b, "extreme");
          json_builder_add_boolean_value (b, sc->extreme);
          lab_json_add_int (b, "samples", sc->n_samples);
          lab_json_add_int (b, "recognised", sc->recognised);
          lab_json_add_number (b, "recognition_rate", sc->recognition_rate);
          lab_json_add_number (b, "pixel_diversity", sc->pixel_diversity);
          lab_json_add_number (b, "latent_diversity", sc->latent_diversity);
          lab_json_add_number (b, "nearest_distance", sc->nearest_distance);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "misrecognised");
      json_builder_begin_array (b);
      for (guint m = 0; m < size->misses->len; m++)
        {
          const LabAugmentMiss *miss = &g_array_index (size->misses, LabAugmentMiss, m);
          json_builder_begin_object (b);
          lab_json_add_number (b, "scale", size->scales[miss->scale_index].scale);
          lab_json_add_int (b, "sample", miss->sample);
          lab_json_add_int (b, "digit", miss->digit);
          lab_json_add_int (b, "predicted", miss->predicted);
          lab_json_add_number (b, "confidence", miss->confidence);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (out_dir != NULL)
    lab_json_add_string (b, "out", out_dir);
  lab_json_add_number (b, "seconds", r->seconds);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_table (const LabAugmentResult *r,
             const char             *dataset)
{
  const LabAugmentConfig *c = &r->config;
  g_autoptr(GString) digits = g_string_new (NULL);

  for (guint d = 0; d < c->n_digits; d++)
    g_string_append_printf (digits, "%s%u", d ? "," : "", c->digits[d]);
  printf ("%s, digits %s: %s trained %u steps per size; %u samples per scale; "
          "classifier cnn-baseline %.2f%% on %u real test images\n", dataset, digits->str,
          c->autoencoder, c->steps, c->samples, 100 * r->classifier_accuracy,
          r->classifier_test_images);
  printf ("%-11s %-8s %-11s %-10s %-10s %-9s %s\n", "train size", "scale", "recognised",
          "pixel div", "latent div", "nearest", "misrecognised as");
  for (guint s = 0; s < r->n_sizes; s++)
    {
      const LabAugmentSize *size = &r->sizes[s];
      g_autofree char *name = size_name (size);

      for (guint k = 0; k < r->n_scales; k++)
        {
          const LabAugmentScale *sc = &size->scales[k];
          g_autoptr(GString) missed = g_string_new (NULL);
          g_autofree char *scale = g_strdup_printf ("%g%s", sc->scale, sc->extreme ? " (x)" : "");

          for (guint m = 0; m < size->misses->len && missed->len < 40; m++)
            {
              const LabAugmentMiss *miss = &g_array_index (size->misses, LabAugmentMiss, m);
              if (miss->scale_index == k)
                g_string_append_printf (missed, "%s%u->%u", missed->len ? " " : "", miss->digit,
                                        miss->predicted);
            }
          printf ("%-11s %-8s %5.1f%%      %-10.3f %-10.3f %-9.3f %s\n", k == 0 ? name : "",
                  scale, 100 * sc->recognition_rate, sc->pixel_diversity, sc->latent_diversity,
                  sc->nearest_distance, missed->str);
        }
      printf ("%-11s real images: pixel diversity %.3f\n", "", size->real_pixel_diversity);
    }
}

/* out/samples-<size>.png: one row per scale; out/misrecognised-<size>.png
 * with "digit->predicted" under each. */
static gboolean
save_grids (const LabAugmentResult *r,
            const char             *dir,
            GError                **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, LAB_ERROR, LAB_ERROR_IO, "Cannot create the folder %s: %s", dir,
                   g_strerror (e));
      return FALSE;
    }
  for (guint s = 0; s < r->n_sizes; s++)
    {
      const LabAugmentSize *size = &r->sizes[s];
      const guint h = size->train->height, w = size->train->width;
      const guint per_row = MIN (r->config.samples, 20);
      g_autoptr(GPtrArray) images = g_ptr_array_new ();
      g_autoptr(GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *tag = size->requested == 0 ? g_strdup ("all")
                                                  : g_strdup_printf ("%u", size->requested);
      g_autofree char *name = g_strdup_printf ("samples-%s.png", tag);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      for (guint k = 0; k < r->n_scales; k++)
        for (guint i = 0; i < per_row; i++)
          {
            g_ptr_array_add (images, lab_gallery_get_item (size->scales[k].samples, i)->pixels);
            g_ptr_array_add (captions, i == 0 ? g_strdup_printf ("s=%g", size->scales[k].scale)
                                              : NULL);
          }
      if (!lab_png_save_grid (path, (const guint8 * const *) images->pdata, images->len, h, w,
                              per_row, GRID_SCALE, (const char * const *) captions->pdata, error))
        return FALSE;

      g_ptr_array_set_size (images, 0);
      g_ptr_array_set_size (captions, 0);
      for (guint m = 0; m < size->misses->len; m++)
        {
          const LabAugmentMiss *miss = &g_array_index (size->misses, LabAugmentMiss, m);
          g_ptr_array_add (images, lab_gallery_get_item (size->scales[miss->scale_index].samples,
                                                         miss->sample)->pixels);
          g_ptr_array_add (captions, g_strdup_printf ("%u->%u", miss->digit, miss->predicted));
        }
      if (images->len == 0)
        continue;
      g_free (name);
      g_free (path);
      name = g_strdup_printf ("misrecognised-%s.png", tag);
      path = g_build_filename (dir, name, NULL);
      if (!lab_png_save_grid (path, (const guint8 * const *) images->pdata, images->len, h, w, 0,
                              GRID_SCALE, (const char * const *) captions->pdata, error))
        return FALSE;
    }
  return TRUE;
}

int
lab_cli_augment (int argc, char **argv)
{
  g_autofree char *dataset = NULL, *digits = NULL, *sizes = NULL, *out_dir = NULL;
  g_autofree char *scale = NULL, *extreme = NULL, *arch = NULL;
  gint64 samples = -1, steps = -1, classifier_epochs = -1, classifier_images = -1, seed = -1;
  gint64 threads = -1;
  gboolean json = FALSE, quick = FALSE;
  const GOptionEntry entries[] = {
    LAB_CLI_OPTION_DATASET (&dataset, "NAME|PATH"),
    { "digits", 0, 0, G_OPTION_ARG_STRING, &digits, "The digits (classes) to generate (default 2,3,8)", "D1,D2,..." },
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes,
      "Training images per autoencoder (default 10,100,1000,all)", "N1,N2,...|all" },
    { "arch", 'a', 0, G_OPTION_ARG_STRING, &arch, "The autoencoder preset (default cae-keras16)", "NAME" },
    { "scale", 0, 0, G_OPTION_ARG_STRING, &scale,
      "Latent noise, in standard deviations of the latents (default 0.5)", "S" },
    { "extreme", 0, 0, G_OPTION_ARG_STRING, &extreme,
      "Extreme latent noise scales (default 2,4; \"\" for none)", "S1,S2,..." },
    { "samples", 'n', 0, G_OPTION_ARG_INT64, &samples, "Samples per size and scale (default 60)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT64, &steps, "Adam steps per autoencoder (default 1500)", "N" },
    { "classifier-epochs", 0, 0, G_OPTION_ARG_INT64, &classifier_epochs,
      "Epochs of the classifier on real images (default 3)", "E" },
    { "classifier-images", 0, 0, G_OPTION_ARG_INT64, &classifier_images,
      "Real training images for the classifier (default: all)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed (default 1)", "S" },
    { "threads", 't', 0, G_OPTION_ARG_INT64, &threads,
      "Threads of each model (default: one per core, at most one per 16 images of a batch)", "N" },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick, "A small run: sizes 10 and 100, few steps", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the results as JSON", NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Write PNG grids of the samples and of the misrecognised ones, and results.json", "DIR" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) train = NULL, test = NULL;
  g_autoptr(LabAugmentResult) result = NULL;
  g_autoptr(JsonNode) root = NULL;
  LabAugmentConfig config;
  int status = 0;

  if (!lab_cli_parse ("augment-experiment", NULL,
                      "Seed 002's augmentation experiment: autoencoders trained on 10, 100, "
                      "1,000 and all images of some digits generate new ones from noisy "
                      "latents; a CNN trained on real digits judges them; diversity and the "
                      "nearest real image measure what is new.",
                      entries, &argc, &argv, &status))
    return status;
  if (quick)
    lab_augment_config_quick (&config);
  else
    lab_augment_config_init (&config);
  if (arch != NULL)
    config.autoencoder = arch;
#define SET_COUNT(var, field, option, lo)                                                  \
  if ((var) != -1)                                                                          \
    {                                                                                       \
      if ((var) < (lo) || (var) > G_MAXINT32)                                               \
        {                                                                                   \
          g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,                                \
                       option " takes a number of at least %d, not %" G_GINT64_FORMAT, (lo), \
                       (gint64) (var));                                                     \
          return lab_cli_fail ("augment-experiment", error);                                \
        }                                                                                   \
      config.field = (guint) (var);                                                         \
    }
  SET_COUNT (samples, samples, "--samples", 2);
  SET_COUNT (steps, steps, "--steps", 1);
  SET_COUNT (classifier_epochs, classifier_epochs, "--classifier-epochs", 1);
  SET_COUNT (classifier_images, classifier_images, "--classifier-images", 1);
  SET_COUNT (threads, threads, "--threads", 1);
#undef SET_COUNT
  if (seed != -1)
    config.seed = (guint64) seed;
  if ((sizes != NULL && !lab_augment_parse_sizes (&config, sizes, &error))
      || ((scale != NULL || extreme != NULL)
          && !lab_augment_parse_scales (&config, scale ? scale : "0.5",
                                        extreme ? extreme : "2,4", &error)))
    return lab_cli_fail ("augment-experiment", error);

  train = lab_cli_open_dataset (dataset, LAB_SPLIT_TRAIN, &error);
  if (train == NULL)
    return lab_cli_fail ("augment-experiment", error);
  if (digits != NULL && !lab_augment_parse_digits (&config, digits, MAX (train->n_classes, 1), &error))
    return lab_cli_fail ("augment-experiment", error);
  test = lab_cli_open_dataset (dataset, LAB_SPLIT_TEST, &error);
  if (test == NULL)
    return lab_cli_fail ("augment-experiment", error);

  result = lab_augment_run (train, test, &config, isatty (STDERR_FILENO) ? on_progress : NULL,
                            NULL, NULL, &error);
  if (isatty (STDERR_FILENO))
    fputs ("\r\033[K", stderr);
  if (result == NULL)
    return lab_cli_fail ("augment-experiment", error);
  if (out_dir != NULL && !save_grids (result, out_dir, &error))
    return lab_cli_fail ("augment-experiment", error);
  root = build_json (result, train->name, out_dir);
  if (out_dir != NULL)
    {
      g_autofree char *path = g_build_filename (out_dir, "results.json", NULL);
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autofree char *text = NULL;
      gsize len;

      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, &len);
      if (!lab_save_contents (path, text, len, &error))
        return lab_cli_fail ("augment-experiment", error);
    }
  if (json)
    lab_cli_print_json (root);
  else
    {
      print_table (result, train->name);
      if (out_dir != NULL)
        printf ("wrote %s\n", out_dir);
    }
  return 0;
}
