#define G_LOG_DOMAIN "latentlab-core"

#include "lab-augment.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-format.h"

#include "lab-metrics.h"
#include "lab-model.h"
#include "lab-presets.h"
#include "lab-split.h"
#include "lab-task.h"
#include "lab-trainer.h"

#define PASS_BATCH          256
#define REAL_DIVERSITY_MAX  500
#define SEED_CLASSIFIER     G_GUINT64_CONSTANT (0x9216d5d98979fb1b)
#define SEED_SUBSET         G_GUINT64_CONSTANT (0xd1310ba698dfb5ac)
#define SEED_SAMPLES        G_GUINT64_CONSTANT (0x2ffd72dbd01adfb7)

void
lab_augment_config_init (LabAugmentConfig *config)
{
  memset (config, 0, sizeof *config);
  config->autoencoder = "cae-keras16";
  config->digits[0] = 2;
  config->digits[1] = 3;
  config->digits[2] = 8;
  config->n_digits = 3;
  config->sizes[0] = 10;
  config->sizes[1] = 100;
  config->sizes[2] = 1000;
  config->sizes[3] = 0;
  config->n_sizes = 4;
  config->steps = 1500;
  config->batch = 32;
  config->lr = 1e-3;
  config->scales[0] = 0.5;
  config->scales[1] = 2;
  config->scales[2] = 4;
  config->n_scales = 3;
  config->n_user_scales = 1;
  config->samples = 60;
  config->classifier_epochs = 3;
  config->seed = 1;
}

void
lab_augment_config_quick (LabAugmentConfig *config)
{
  lab_augment_config_init (config);
  config->sizes[0] = 10;
  config->sizes[1] = 100;
  config->n_sizes = 2;
  config->steps = 300;
  config->samples = 24;
  config->classifier_epochs = 2;
}

/* Comma-separated whole numbers, or "all" (0) when allow_all. */
static gboolean
parse_list (const char  *text,
            const char  *what,
            gboolean     allow_all,
            guint        max,
            guint       *values,
            guint       *n,
            GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text ? text : "", ",", -1);

  *n = 0;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *t = g_strstrip (parts[i]);
      guint64 v;

      if (*n == max)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "At most %u %s", max, what);
          return FALSE;
        }
      if (allow_all && g_ascii_strcasecmp (t, "all") == 0)
        v = 0;
      else if (!g_ascii_string_to_unsigned (t, 10, allow_all ? 1 : 0, G_MAXUINT32, &v, NULL))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "Not one of the %s: “%s”", what, t);
          return FALSE;
        }
      for (guint j = 0; j < *n; j++)
        if (values[j] == v)
          {
            g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "“%s” is among the %s twice", t, what);
            return FALSE;
          }
      values[(*n)++] = (guint) v;
    }
  if (*n == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "Give at least one of the %s", what);
      return FALSE;
    }
  return TRUE;
}

gboolean
lab_augment_parse_digits (LabAugmentConfig *config,
                          const char       *text,
                          guint             n_classes,
                          GError          **error)
{
  guint values[LAB_AUGMENT_MAX_DIGITS], n;

  if (!parse_list (text, "digits", FALSE, LAB_AUGMENT_MAX_DIGITS, values, &n, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (values[i] >= n_classes)
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "There is no class %u: the dataset has classes 0 to %u", values[i],
                     n_classes - 1);
        return FALSE;
      }
  memcpy (config->digits, values, n * sizeof (guint));
  config->n_digits = n;
  return TRUE;
}

gboolean
lab_augment_parse_sizes (LabAugmentConfig *config,
                         const char       *text,
                         GError          **error)
{
  guint values[LAB_AUGMENT_MAX_SIZES], n;

  if (!parse_list (text, "training sizes", TRUE, LAB_AUGMENT_MAX_SIZES, values, &n, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (values[i] == 1)
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "Train on at least 2 images: one image has no spread to sample from");
        return FALSE;
      }
  memcpy (config->sizes, values, n * sizeof (guint));
  config->n_sizes = n;
  return TRUE;
}

gboolean
lab_augment_parse_scales (LabAugmentConfig *config,
                          const char       *user,
                          const char       *extreme,
                          GError          **error)
{
  g_auto(GStrv) a = g_strsplit (user ? user : "", ",", -1);
  g_auto(GStrv) b = g_strsplit (extreme ? extreme : "", ",", -1);
  double values[LAB_AUGMENT_MAX_SCALES];
  guint n = 0, n_user = 0;

  for (guint list = 0; list < 2; list++)
    for (char **p = list == 0 ? a : b; *p != NULL; p++)
      {
        const char *t = g_strstrip (*p);
        char *end = NULL;
        double v;

        if (*t == '\0' && list == 1)
          continue;
        v = g_ascii_strtod (t, &end);
        if (end == t || *end != '\0' || !(v > 0) || !isfinite (v) || v > 100)
          {
            g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                         "A latent noise scale is a number above 0 and at most 100, not “%s”", t);
            return FALSE;
          }
        if (n == LAB_AUGMENT_MAX_SCALES)
          {
            g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "At most %d scales",
                         LAB_AUGMENT_MAX_SCALES);
            return FALSE;
          }
        values[n++] = v;
        n_user += list == 0;
      }
  if (n_user == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "Give a latent noise scale, e.g. 0.5");
      return FALSE;
    }
  memcpy (config->scales, values, n * sizeof (double));
  config->n_scales = n;
  config->n_user_scales = n_user;
  return TRUE;
}

void
lab_augment_result_free (LabAugmentResult *result)
{
  if (result == NULL)
    return;
  for (guint i = 0; i < result->n_sizes; i++)
    {
      LabAugmentSize *s = &result->sizes[i];
      for (guint k = 0; s->scales && k < result->n_scales; k++)
        g_clear_pointer (&s->scales[k].samples, lab_gallery_free);
      g_free (s->scales);
      g_clear_pointer (&s->misses, g_array_unref);
      g_clear_pointer (&s->train, lab_dataset_unref);
      g_free (s->indices);
    }
  g_free (result->sizes);
  g_free (result);
}

static LabModel *
new_preset (const char *name,
            guint64     seed,
            GError    **error)
{
  g_autoptr(LabSpec) spec = lab_presets_get (name, error);
  LabModel *model;

  if (spec == NULL || (model = lab_model_new (spec, error)) == NULL)
    return NULL;
  lab_model_init (model, LAB_INIT_TORCH, seed);
  return model;
}

/* Classifier predictions of x (n, pixels): argmax and its probability. */
static gboolean
classify (LabModel    *cnn,
          const float *x,
          guint        n,
          guint       *predicted,
          double      *confidence,
          GError     **error)
{
  const gsize out = lab_shape_size (lab_model_output_shape (cnn));
  const gsize pixels = lab_shape_size (lab_model_input_shape (cnn));

  if (!lab_model_set_batch (cnn, PASS_BATCH, error))
    return FALSE;
  for (guint start = 0; start < n; start += PASS_BATCH)
    {
      guint m = MIN (PASS_BATCH, n - start);
      const float *p = lab_model_forward (cnn, x + (gsize) start * pixels, m, FALSE);

      for (guint i = 0; i < m; i++)
        {
          guint best = 0;
          for (guint k = 1; k < out; k++)
            if (p[i * out + k] > p[i * out + best])
              best = k;
          predicted[start + i] = best;
          confidence[start + i] = p[i * out + best];
        }
    }
  return TRUE;
}

typedef struct
{
  LabProgressFunc progress;
  gpointer        user_data;
  double          base, span;
  char            what[192];   /* translated */
} Report;

static gboolean
on_train (const LabTrainProgress *p,
          gpointer                data)
{
  Report *r = data;

  if (r->progress != NULL && p->kind == LAB_TRAIN_BATCH && p->step % 25 == 0)
    {
      /* Translators: an augmentation run's progress: its task and epoch,
       * "training the classifier on real images, epoch 3" */
      g_autofree char *text = g_strdup_printf (_("%s, epoch %u"), r->what, p->epoch);
      r->progress (r->base + r->span * (double) (p->epoch - 1 + (double) p->batch / p->n_batches)
                   / p->n_epochs, text, r->user_data);
    }
  return TRUE;
}

/* The images of the chosen digits in train, in index order. */
static GArray *
digit_indices (LabDataset             *train,
               const LabAugmentConfig *c,
               guint                   digit_images[LAB_AUGMENT_MAX_DIGITS])
{
  GArray *idx = g_array_new (FALSE, FALSE, sizeof (guint));

  memset (digit_images, 0, LAB_AUGMENT_MAX_DIGITS * sizeof (guint));
  for (guint i = 0; i < train->n; i++)
    for (guint d = 0; d < c->n_digits; d++)
      if (train->labels[i] == c->digits[d])
        {
          g_array_append_val (idx, i);
          digit_images[d]++;
        }
  return idx;
}

/* N images of the chosen digits, drawn as evenly across them as their
 * counts allow (stratified over a dataset of only those digits). */
static LabDataset *
draw_subset (LabDataset *train,
             GArray     *pool,
             guint       n,
             guint64     seed,
             guint     **indices,
             GError    **error)
{
  g_autoptr(LabDataset) digits = lab_dataset_subset (train, (const guint *) pool->data, pool->len,
                                                     error);
  g_autoptr(LabSplitParts) parts = NULL;
  LabDataset *drawn;

  if (digits == NULL)
    return NULL;
  if (n == 0 || n >= pool->len)
    {
      *indices = g_memdup2 (pool->data, (gsize) pool->len * sizeof (guint));
      return g_steal_pointer (&digits);
    }
  parts = lab_split_stratified (digits->n, digits->labels, digits->n_classes, &n, 1, seed, error);
  if (parts == NULL || (drawn = lab_dataset_subset (digits, parts->parts[0], n, error)) == NULL)
    return NULL;
  *indices = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    (*indices)[i] = g_array_index (pool, guint, parts->parts[0][i]);
  return drawn;
}

static gboolean
check_inputs (LabDataset             *train,
              LabDataset             *test,
              const LabAugmentConfig *c,
              GError                **error)
{
  if (train->labels == NULL || train->n_classes < 2 || test->labels == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "“%s” has no labels: the experiment needs to know which images show "
                   "which digit, and a classifier trained on labelled ones",
                   train->labels == NULL ? train->name : test->name);
      return FALSE;
    }
  if (c->n_digits < 1 || c->n_sizes < 1 || c->n_scales < 1 || c->samples < 2 || c->steps < 1
      || c->classifier_epochs < 1)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Give digits, sizes and scales, and at least 2 samples and 1 training step");
      return FALSE;
    }
  for (guint d = 0; d < c->n_digits; d++)
    if (c->digits[d] >= train->n_classes)
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "There is no class %u in “%s” (classes 0 to %u)", c->digits[d], train->name,
                     train->n_classes - 1);
        return FALSE;
      }
  return TRUE;
}

/* Trains one autoencoder on size->train and generates, classifies and
 * measures its samples at every scale. */
static gboolean
run_size (const LabAugmentConfig *c,
          LabAugmentResult       *result,
          LabAugmentSize         *size,
          LabModel               *cnn,
          guint64                 seed,
          Report                 *report,
          GCancellable           *cancellable,
          GError                **error)
{
  LabDataset *imgs = size->train;
  const gsize pixels = (gsize) imgs->height * imgs->width;
  g_autoptr(LabModel) ae = new_preset (c->autoencoder, seed, error);
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autofree double *sum = NULL, *sumsq = NULL;
  g_autofree float *x = NULL, *z = NULL, *zs = NULL, *decoded = NULL, *sd = NULL;
  g_autofree guint *indices = NULL, *src = NULL, *predicted = NULL;
  g_autofree double *confidence = NULL;
  const LabEpochRecord *history;
  LabTrainConfig tc;
  LabTask task;
  LabRng rng;
  gsize dim;
  guint n_epochs, batch, n_samples = c->samples;

  if (ae == NULL || !lab_task_for (ae, imgs, &task, error))
    return FALSE;
  if (task != LAB_TASK_RECONSTRUCT)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s” does not reconstruct its input, so it cannot generate digits",
                   c->autoencoder);
      return FALSE;
    }
  /* the same number of steps for every size: a few images are seen many
   * times, as the seed's small autoencoders were */
  batch = MIN (c->batch, imgs->n);
  lab_train_config_init (&tc);
  tc.batch = batch;
  tc.epochs = (guint) MAX (1, ((guint64) c->steps * batch + imgs->n - 1) / imgs->n);
  tc.max_steps = c->steps;
  tc.lr = c->lr;
  tc.seed = seed;
  tc.threads = c->threads;
  tc.publish_every = 0;
  if (!lab_trainer_run (trainer, ae, imgs, NULL, &tc, on_train, report, cancellable, error))
    return FALSE;
  history = lab_trainer_get_history (trainer, &n_epochs);
  size->train_loss = n_epochs > 0 ? history[n_epochs - 1].train_loss : NAN;

  /* the latents' per-dimension spread over the training images */
  dim = lab_shape_size (lab_model_latent_shape (ae));
  if (!lab_model_set_batch (ae, PASS_BATCH, error))
    return FALSE;
  sum = g_new0 (double, dim);
  sumsq = g_new0 (double, dim);
  x = g_new (float, (gsize) PASS_BATCH * pixels);
  indices = g_new (guint, PASS_BATCH);
  for (guint start = 0; start < imgs->n; start += PASS_BATCH)
    {
      guint m = MIN (PASS_BATCH, imgs->n - start);
      const float *lat;

      for (guint i = 0; i < m; i++)
        indices[i] = start + i;
      lab_dataset_to_float (imgs, indices, m, x);
      lat = lab_model_encode (ae, x, m);
      for (guint i = 0; i < m; i++)
        for (gsize k = 0; k < dim; k++)
          {
            double v = lat[i * dim + k];
            sum[k] += v;
            sumsq[k] += v * v;
          }
    }
  sd = g_new (float, dim);
  for (gsize k = 0; k < dim; k++)
    {
      double mean = sum[k] / imgs->n;
      sd[k] = (float) sqrt (MAX (sumsq[k] / imgs->n - mean * mean, 0) * imgs->n / (imgs->n - 1));
    }

  /* the real images' own diversity, as the yardstick */
  {
    g_autoptr(LabGallery) real = lab_gallery_new (imgs->height, imgs->width, NULL, 0);
    g_autofree float *one = g_new (float, pixels);
    guint n_real = MIN (imgs->n, REAL_DIVERSITY_MAX);

    for (guint i = 0; i < n_real; i++)
      {
        lab_dataset_to_float (imgs, &i, 1, one);
        lab_gallery_add (real, one, NULL, 0, -1, NULL);
      }
    lab_gallery_diversity (real, &size->real_pixel_diversity, NULL);
  }

  src = g_new (guint, n_samples);
  z = g_new (float, (gsize) n_samples * dim);
  zs = g_new (float, (gsize) n_samples * dim);
  decoded = g_new (float, (gsize) n_samples * pixels);
  predicted = g_new (guint, n_samples);
  confidence = g_new (double, n_samples);
  lab_rng_init (&rng, seed ^ SEED_SAMPLES);
  for (guint i = 0; i < n_samples; i++)
    src[i] = lab_rng_below (&rng, imgs->n);
  for (guint start = 0; start < n_samples; start += PASS_BATCH)
    {
      guint m = MIN (PASS_BATCH, n_samples - start);
      lab_dataset_to_float (imgs, src + start, m, x);
      memcpy (z + (gsize) start * dim, lab_model_encode (ae, x, m), (gsize) m * dim * sizeof (float));
    }

  size->scales = g_new0 (LabAugmentScale, result->n_scales);
  size->misses = g_array_new (FALSE, FALSE, sizeof (LabAugmentMiss));
  for (guint k = 0; k < result->n_scales; k++)
    {
      LabAugmentScale *sc = &size->scales[k];
      LabGallerySource source = { c->autoencoder, "latent-noise", c->scales[k], 0,
                                  lab_trainer_get_steps (trainer) };
      double nearest_sum = 0;

      sc->scale = c->scales[k];
      sc->extreme = k >= c->n_user_scales;
      sc->n_samples = n_samples;
      for (gsize j = 0; j < (gsize) n_samples * dim; j++)
        zs[j] = z[j] + (float) (c->scales[k] * sd[j % dim] * lab_rng_normal (&rng));
      for (guint start = 0; start < n_samples; start += PASS_BATCH)
        {
          guint m = MIN (PASS_BATCH, n_samples - start);
          memcpy (decoded + (gsize) start * pixels,
                  lab_model_decode (ae, zs + (gsize) start * dim, m),
                  (gsize) m * pixels * sizeof (float));
        }
      if (!classify (cnn, decoded, n_samples, predicted, confidence, error))
        return FALSE;

      sc->samples = lab_gallery_new (imgs->height, imgs->width,
                                     (const char * const *) imgs->class_names, imgs->n_classes);
      for (guint i = 0; i < n_samples; i++)
        {
          guint digit = imgs->labels[src[i]];
          const LabGalleryItem *item;
          guint id, nearest;
          double distance;

          id = lab_gallery_add (sc->samples, decoded + (gsize) i * pixels, zs + (gsize) i * dim,
                                (guint) dim, (int) digit, &source);
          item = lab_gallery_find (sc->samples, id);
          if (!lab_gallery_find_nearest (item->pixels, imgs->height, imgs->width, imgs, &nearest,
                                         &distance, cancellable, error))
            return FALSE;
          lab_gallery_set_nearest (sc->samples, id, nearest, distance,
                                   lab_dataset_image (imgs, nearest));
          nearest_sum += distance;
          if (predicted[i] == digit)
            sc->recognised++;
          else
            {
              LabAugmentMiss miss = { k, i, digit, predicted[i], confidence[i] };
              g_array_append_val (size->misses, miss);
            }
        }
      sc->recognition_rate = (double) sc->recognised / n_samples;
      sc->nearest_distance = nearest_sum / n_samples;
      lab_gallery_diversity (sc->samples, &sc->pixel_diversity, &sc->latent_diversity);
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_CANCELLED, "The experiment was stopped");
          return FALSE;
        }
    }
  return TRUE;
}

LabAugmentResult *
lab_augment_run (LabDataset             *train,
                 LabDataset             *test,
                 const LabAugmentConfig *config,
                 LabProgressFunc         progress,
                 gpointer                user_data,
                 GCancellable           *cancellable,
                 GError                **error)
{
  g_autoptr(LabAugmentResult) result = NULL;
  g_autoptr(LabModel) cnn = NULL;
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(GArray) pool = NULL;
  guint digit_images[LAB_AUGMENT_MAX_DIGITS];
  LabTrainConfig tc;
  LabEvalResult eval;
  LabNoise none = { LAB_NOISE_NONE, 0 };
  LabTask task;
  Report report = { progress, user_data, 0, 0, "" };
  gint64 start = g_get_monotonic_time ();

  if (!check_inputs (train, test, config, error))
    return NULL;
  pool = digit_indices (train, config, digit_images);
  for (guint d = 0; d < config->n_digits; d++)
    if (digit_images[d] == 0)
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "“%s” has no images of class %u",
                     train->name, config->digits[d]);
        return NULL;
      }
  for (guint s = 0; s < config->n_sizes; s++)
    if (config->sizes[s] > pool->len || config->sizes[s] == 1
        || (config->sizes[s] == 0 && pool->len < 2))
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "Cannot train on %u images: “%s” has %u images of the chosen digits",
                     config->sizes[s], train->name, pool->len);
        return NULL;
      }

  cnn = new_preset ("cnn-baseline", config->seed ^ SEED_CLASSIFIER, error);
  if (cnn == NULL || !lab_task_for (cnn, train, &task, error))
    return NULL;
  if (task != LAB_TASK_CLASSIFY || lab_shape_size (lab_model_output_shape (cnn)) != train->n_classes)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "cnn-baseline tells 10 classes apart, but “%s” has %u", train->name,
                   train->n_classes);
      return NULL;
    }

  result = g_new0 (LabAugmentResult, 1);
  result->config = *config;
  result->n_sizes = config->n_sizes;
  result->n_scales = config->n_scales;
  result->sizes = g_new0 (LabAugmentSize, config->n_sizes);

  /* the judge: a CNN trained on all real digits */
  lab_train_config_init (&tc);
  tc.epochs = config->classifier_epochs;
  tc.batch = 64;
  tc.limit = config->classifier_images;
  tc.seed = config->seed ^ SEED_CLASSIFIER;
  tc.threads = config->threads;
  tc.publish_every = 0;
  report.span = 0.3;
  /* Translators: an augmentation run's first task */
  g_strlcpy (report.what, _("training the classifier on real images"), sizeof report.what);
  if (!lab_trainer_run (trainer, cnn, train, NULL, &tc, on_train, &report, cancellable, error)
      || !lab_evaluate (cnn, test, &none, 0, 0, &eval, cancellable, error))
    return NULL;
  result->classifier_accuracy = eval.accuracy;
  result->classifier_test_images = eval.n_images;
  result->classifier_images = config->classifier_images > 0 ? MIN (config->classifier_images, train->n)
                                                            : train->n;

  for (guint s = 0; s < config->n_sizes; s++)
    {
      LabAugmentSize *size = &result->sizes[s];
      g_autofree char *n = NULL;

      size->requested = config->sizes[s];
      size->train = draw_subset (train, pool, config->sizes[s], config->seed ^ SEED_SUBSET,
                                 &size->indices, error);
      if (size->train == NULL)
        return NULL;
      size->n_images = size->train->n;
      report.base = 0.3 + 0.7 * s / config->n_sizes;
      report.span = 0.7 / config->n_sizes;
      n = lab_format_count_localized (size->n_images);
      /* Translators: an augmentation run's task: the autoencoder's preset
       * ("vae-dense") trained on a number of images ("1,000") */
      g_snprintf (report.what, sizeof report.what, _("%s on %s images"), config->autoencoder, n);
      if (!run_size (config, result, size, cnn, config->seed + s, &report, cancellable, error))
        return NULL;
    }
  result->seconds = (g_get_monotonic_time () - start) / 1e6;
  if (progress)
    /* Translators: an augmentation run's progress at its end */
    progress (1.0, _("done"), user_data);
  return g_steal_pointer (&result);
}
