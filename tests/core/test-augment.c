/* The augmentation experiment (lab-augment.c), small, on the synthetic
 * digits: sizes, recognition rates that agree with the misses listed,
 * diversity and nearest-image distances that agree with the gallery's own
 * measures, and the errors. */

#include <math.h>
#include <string.h>

#include "lab-augment.h"
#include "lab-synthetic.h"

static LabDataset *train;
static LabDataset *test;
static LabAugmentResult *quick;

static void
test_augment_quick_run (void)
{
  const LabAugmentResult *r = quick;

  g_assert_nonnull (r);
  g_assert_cmpuint (r->n_sizes, ==, 2);
  g_assert_cmpuint (r->n_scales, ==, 3);
  /* the judge learned the synthetic digits */
  g_assert_cmpfloat (r->classifier_accuracy, >, 0.6);
  g_assert_cmpuint (r->classifier_test_images, ==, test->n);

  for (guint s = 0; s < r->n_sizes; s++)
    {
      const LabAugmentSize *size = &r->sizes[s];
      guint per_digit[10] = { 0 }, misses_per_scale[LAB_AUGMENT_MAX_SCALES] = { 0 };

      g_assert_cmpuint (size->n_images, ==, r->config.sizes[s]);
      g_assert_cmpuint (size->train->n, ==, size->n_images);
      /* only the chosen digits, evenly: 10 images of 2, 3, 8 are 4/3/3 */
      for (guint i = 0; i < size->train->n; i++)
        per_digit[size->train->labels[i]]++;
      g_assert_cmpuint (per_digit[2] + per_digit[3] + per_digit[8], ==, size->n_images);
      for (guint d = 0; d < 3; d++)
        {
          guint k = r->config.digits[d];
          g_assert_cmpuint (per_digit[k], >=, size->n_images / 3 - 1);
          g_assert_cmpuint (per_digit[k], <=, size->n_images / 3 + 2);
        }
      g_assert_cmpfloat (size->train_loss, >, 0);
      g_assert_cmpfloat (size->real_pixel_diversity, >, 0);

      for (guint m = 0; m < size->misses->len; m++)
        {
          const LabAugmentMiss *miss = &g_array_index (size->misses, LabAugmentMiss, m);
          const LabGalleryItem *item = lab_gallery_get_item (size->scales[miss->scale_index].samples,
                                                             miss->sample);
          g_assert_nonnull (item);
          g_assert_cmpint (item->label, ==, (int) miss->digit);
          g_assert_cmpuint (miss->predicted, !=, miss->digit);
          g_assert_cmpfloat (miss->confidence, >, 0);
          g_assert_cmpfloat (miss->confidence, <=, 1);
          misses_per_scale[miss->scale_index]++;
        }
      for (guint k = 0; k < r->n_scales; k++)
        {
          const LabAugmentScale *sc = &size->scales[k];
          double pix, lat, nearest = 0;

          g_assert_cmpfloat (sc->scale, ==, r->config.scales[k]);
          g_assert_true (sc->extreme == (k > 0));
          g_assert_cmpuint (lab_gallery_get_n (sc->samples), ==, sc->n_samples);
          g_assert_cmpuint (sc->recognised + misses_per_scale[k], ==, sc->n_samples);
          g_assert_cmpfloat (sc->recognition_rate, ==, (double) sc->recognised / sc->n_samples);
          lab_gallery_diversity (sc->samples, &pix, &lat);
          g_assert_cmpfloat (pix, ==, sc->pixel_diversity);
          g_assert_cmpfloat (lat, ==, sc->latent_diversity);
          g_assert_cmpfloat (sc->pixel_diversity, >, 0);
          for (guint i = 0; i < sc->n_samples; i++)
            {
              const LabGalleryItem *item = lab_gallery_get_item (sc->samples, i);
              g_assert_true (item->has_nearest);
              g_assert_cmpuint (item->nearest_index, <, size->n_images);
              nearest += item->nearest_distance;
            }
          g_assert_cmpfloat (fabs (nearest / sc->n_samples - sc->nearest_distance), <, 1e-12);
        }
      /* more latent noise spreads the samples further apart */
      g_assert_cmpfloat (size->scales[2].latent_diversity, >, size->scales[0].latent_diversity);
      /* small noise gives mostly recognisable digits */
      g_assert_cmpfloat (size->scales[0].recognition_rate, >, 0.5);
    }
}

static void
test_augment_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) unlabelled = lab_dataset_new ("flat", 50, 28, 28, FALSE, &error);
  LabAugmentConfig c;

  lab_augment_config_quick (&c);
  g_assert_null (lab_augment_run (unlabelled, test, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“flat” has no labels"));
  g_clear_error (&error);

  /* 2, 3 and 8 are 3 in 10 of 6,000 synthetic digits: 1,800 images */
  c.sizes[1] = 5000;
  g_assert_null (lab_augment_run (train, test, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "5000"));
  g_clear_error (&error);

  g_assert_false (lab_augment_parse_digits (&c, "2,12", 10, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no class 12"));
  g_clear_error (&error);
  g_assert_false (lab_augment_parse_digits (&c, "2,2", 10, &error));
  g_clear_error (&error);
  g_assert_true (lab_augment_parse_sizes (&c, "10, 100,all", &error));
  g_assert_cmpuint (c.n_sizes, ==, 3);
  g_assert_cmpuint (c.sizes[2], ==, 0);
  g_assert_false (lab_augment_parse_sizes (&c, "10,1", &error));
  g_clear_error (&error);
  g_assert_true (lab_augment_parse_scales (&c, "0.3", "1.5,3", &error));
  g_assert_cmpuint (c.n_scales, ==, 3);
  g_assert_cmpuint (c.n_user_scales, ==, 1);
  g_assert_cmpfloat (c.scales[2], ==, 3);
  g_assert_true (lab_augment_parse_scales (&c, "0.3", "", &error));
  g_assert_cmpuint (c.n_scales, ==, 1);
  g_assert_false (lab_augment_parse_scales (&c, "-1", "2", &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  LabAugmentConfig c;
  int status;

  g_test_init (&argc, &argv, NULL);
  train = lab_synthetic_digits_new (6000, 21, &error);
  g_assert_no_error (error);
  test = lab_synthetic_digits_new (500, 22, &error);
  g_assert_no_error (error);
  lab_augment_config_quick (&c);
  quick = lab_augment_run (train, test, &c, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/augment/quick-run", test_augment_quick_run);
  g_test_add_func ("/augment/bad-input", test_augment_bad_input);
  status = g_test_run ();
  lab_augment_result_free (quick);
  lab_dataset_unref (train);
  lab_dataset_unref (test);
  return status;
}
