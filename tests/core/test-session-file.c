#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lab-dataset-hash.h"
#include "lab-model-io.h"
#include "lab-recon-batch.h"
#include "lab-safetensors.h"
#include "lab-session-file.h"
#include "lab-synthetic.h"
#include "lab-test-models.h"
#include "lab-train-record.h"
#include "lab-transfer.h"

/* What the tests share: a trained model, its map, a gallery, a
 * classifier run and a small transfer-learning run on synthetic digits,
 * saved once. */
typedef struct
{
  char           *dir;
  char           *path;       /* the saved session */
  LabDataset     *digits;
  LabSessionFile *saved;
} Fixture;

static Fixture fx;

static void
make_fixture (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(LabTrainRecord) record = NULL;
  LabTrainConfig config;
  LabEmbedConfig ec;
  LabClassifyConfig cc;
  LabClassifyResult *res;
  JsonObject *state;
  float *image;
  guint64 dim;

  fx.dir = g_dir_make_tmp ("latentlab-session-XXXXXX", &error);
  g_assert_no_error (error);
  fx.path = g_build_filename (fx.dir, "demo.latentlab", NULL);
  fx.digits = lab_synthetic_digits_new (300, 7, &error);
  g_assert_no_error (error);

  fx.saved = lab_session_file_new ();
  lab_session_file_set_dataset (fx.saved, fx.digits, "synthetic", LAB_SPLIT_TEST);
  fx.saved->model = lab_test_train_denoiser (fx.digits, 40, trainer, &config);
  record = lab_train_record_new_from_trainer (trainer, &config, "synthetic", "torch");
  fx.saved->train_json = lab_train_record_to_json (record);
  fx.saved->step = 40;
  fx.saved->page = g_strdup ("latent");

  lab_embed_config_init (&ec);
  ec.n = 120;
  fx.saved->map = lab_embedding_compute (fx.saved->model, fx.digits, &ec, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx.saved->map->pca);
  fx.saved->map_images = lab_dataset_subset (fx.digits, fx.saved->map->indices, 120, &error);
  g_assert_no_error (error);

  dim = fx.saved->map->dim;
  fx.saved->gallery = lab_gallery_new (28, 28, (const char * const *) fx.digits->class_names,
                                       fx.digits->n_classes);
  image = g_new (float, 28 * 28);
  for (guint i = 0; i < 3; i++)
    {
      LabGallerySource source = { "cae-tiny", "pca", 0.25 * i, -1.0 / 3, 40 };
      guint id;

      g_assert_true (lab_embedding_decode (fx.saved->model, fx.saved->map->latents + i * dim, 1,
                                           (guint) dim, image, &error));
      g_assert_no_error (error);
      id = lab_gallery_add (fx.saved->gallery, image, fx.saved->map->latents + i * dim,
                            (guint) dim, i == 1 ? -1 : (int) i, &source);
      if (i != 2)
        lab_gallery_set_nearest (fx.saved->gallery, id, 17 + i, 1.0 / 7,
                                 i == 0 ? lab_dataset_image (fx.digits, 17) : NULL);
    }
  g_free (image);

  lab_classify_config_init (&cc, LAB_CLASSIFIER_KNN);
  cc.n_train = 200;
  cc.n_test = 100;
  res = lab_classify_run (fx.saved->model, fx.digits, fx.digits, &cc, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (fx.saved->classify, res);

  /* Two label budgets and two seeds, so every index of the matrices'
   * tensors counts. */
  {
    LabTransferConfig tc;

    lab_test_transfer_config_tiny (&tc);
    fx.saved->transfer = lab_transfer_run (fx.digits, fx.digits, &tc, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (fx.saved->transfer->n_budgets, ==, 2);
  }

  state = lab_session_file_get_page_state (fx.saved, "denoise");
  json_object_set_string_member (state, "noise", "gaussian");
  json_object_set_double_member (state, "level", 0.375);
  state = lab_session_file_get_page_state (fx.saved, "latent");
  json_object_set_double_member (state, "x0", -1.5);

  g_assert_true (lab_session_file_save (fx.saved, fx.path, &error));
  g_assert_no_error (error);
}

static void
assert_same_floats (const float *a,
                    const float *b,
                    gsize        n)
{
  g_assert_cmpmem (a, n * sizeof (float), b, n * sizeof (float));
}

/* Every number of two transfer results is the same bit for bit (NAN as
 * NAN), and every matrix and curve. */
static void
assert_same_double (double a,
                    double b)
{
  g_assert_cmpmem (&a, sizeof a, &b, sizeof b);
}

static void
assert_same_transfer (const LabTransferResult *a,
                      const LabTransferResult *b)
{
  guint c2 = a->n_classes * a->n_classes;

  g_assert_cmpuint (b->n_seeds, ==, a->n_seeds);
  g_assert_cmpuint (b->n_budgets, ==, a->n_budgets);
  g_assert_cmpuint (b->n_classes, ==, a->n_classes);
  g_assert_cmpuint (b->n_test, ==, a->n_test);
  g_assert_cmpuint (b->pretrain_images, ==, a->pretrain_images);
  g_assert_cmpuint (b->pretrain_val, ==, a->pretrain_val);
  for (guint i = 0; i < a->n_classes; i++)
    g_assert_cmpstr (b->class_names[i], ==, a->class_names[i]);
  g_assert_null (b->class_names[a->n_classes]);
  for (guint s = 0; s < a->n_seeds; s++)
    assert_same_double (b->pretrain_val_loss[s], a->pretrain_val_loss[s]);
  assert_same_double (b->pretrain_seconds, a->pretrain_seconds);
  assert_same_double (b->seconds, a->seconds);

  g_assert_cmpstr (b->config.autoencoder, ==, a->config.autoencoder);
  g_assert_cmpstr (b->config.baseline, ==, a->config.baseline);
  g_assert_cmpuint (b->config.head_units, ==, a->config.head_units);
  g_assert_cmpuint (b->config.pretrain_images, ==, a->config.pretrain_images);
  g_assert_cmpuint (b->config.pretrain_epochs, ==, a->config.pretrain_epochs);
  assert_same_double (b->config.pretrain_noise, a->config.pretrain_noise);
  g_assert_cmpuint (b->config.n_budgets, ==, a->config.n_budgets);
  g_assert_cmpmem (b->config.budgets, a->config.n_budgets * sizeof (guint),
                   a->config.budgets, a->config.n_budgets * sizeof (guint));
  assert_same_double (b->config.val_ratio, a->config.val_ratio);
  g_assert_cmpuint (b->config.epochs, ==, a->config.epochs);
  g_assert_cmpuint (b->config.patience, ==, a->config.patience);
  assert_same_double (b->config.lr, a->config.lr);
  g_assert_cmpint (b->config.finetune_from_frozen, ==, a->config.finetune_from_frozen);
  assert_same_double (b->config.finetune_lr, a->config.finetune_lr);
  g_assert_cmpuint (b->config.n_seeds, ==, a->config.n_seeds);
  g_assert_cmpuint (b->config.seed, ==, a->config.seed);
  g_assert_cmpuint (b->config.test_limit, ==, a->config.test_limit);
  g_assert_null (b->config.pretrained_dir);

  for (guint i = 0; i < a->n_budgets; i++)
    {
      const LabTransferBudget *x = &a->budgets[i], *y = &b->budgets[i];

      g_assert_cmpuint (y->labels, ==, x->labels);
      g_assert_cmpuint (y->val_labels, ==, x->val_labels);
      for (guint w = 0; w < LAB_TRANSFER_N_WAYS; w++)
        {
          assert_same_double (y->mean[w], x->mean[w]);
          assert_same_double (y->sd[w], x->sd[w]);
          g_assert_cmpmem (y->confusion[w], c2 * sizeof (guint), x->confusion[w], c2 * sizeof (guint));
          for (guint s = 0; s < a->n_seeds; s++)
            {
              const LabTransferRun *p = &x->runs[w][s], *q = &y->runs[w][s];

              assert_same_double (q->test_accuracy, p->test_accuracy);
              assert_same_double (q->val_accuracy, p->val_accuracy);
              g_assert_cmpuint (q->best_epoch, ==, p->best_epoch);
              g_assert_cmpuint (q->epochs_run, ==, p->epochs_run);
              g_assert_cmpint (q->stopped_early, ==, p->stopped_early);
              assert_same_double (q->seconds, p->seconds);
              g_assert_cmpint (q->encoder_unchanged, ==, p->encoder_unchanged);
              assert_same_double (q->encoder_changed_fraction, p->encoder_changed_fraction);
              g_assert_cmpmem (q->confusion, c2 * sizeof (guint), p->confusion, c2 * sizeof (guint));
              g_assert_cmpuint (q->curve->len, ==, p->curve->len);
              for (guint e = 0; e < p->curve->len; e++)
                {
                  const LabTransferEpoch *u = &g_array_index (p->curve, LabTransferEpoch, e);
                  const LabTransferEpoch *v = &g_array_index (q->curve, LabTransferEpoch, e);

                  g_assert_cmpuint (v->epoch, ==, u->epoch);
                  assert_same_double (v->train_loss, u->train_loss);
                  assert_same_double (v->val_accuracy, u->val_accuracy);
                }
            }
        }
    }
}

/* Everything comes back bit for bit, and the model makes the same
 * reconstructions. */
static void
test_session_file_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSessionFile) back = lab_session_file_load (fx.path, &error);
  LabSessionFile *s = fx.saved;
  const LabEmbedding *a, *b;
  g_autoptr(LabReconBatch) ra = NULL, rb = NULL;
  g_auto(GStrv) pages = NULL;
  LabNoise noise = { LAB_NOISE_GAUSSIAN, 0.5f };
  guint indices[8] = { 0, 3, 9, 27, 81, 100, 200, 299 };
  const LabClassifyResult *ca, *cb;

  g_assert_no_error (error);
  g_assert_nonnull (back);

  g_assert_cmpstr (back->dataset.spec, ==, "synthetic");
  g_assert_cmpstr (back->dataset.name, ==, fx.digits->name);
  g_assert_cmpint (back->dataset.split, ==, LAB_SPLIT_TEST);
  g_assert_cmpuint (back->dataset.n, ==, 300);
  {
    g_autofree char *hash = lab_dataset_hash (fx.digits);
    g_assert_cmpstr (back->dataset.sha256, ==, hash);
  }
  g_assert_cmpuint (strlen (back->dataset.sha256), ==, 64);
  g_assert_cmpstr (back->page, ==, "latent");
  g_assert_cmpuint (back->step, ==, 40);
  g_assert_cmpstr (back->train_json, ==, s->train_json);
  g_assert_nonnull (strstr (back->train_json, "\"train_loss\""));

  /* The model */
  g_assert_cmpstr (lab_model_get_name (back->model), ==, "cae-tiny");
  g_assert_cmpuint (lab_model_n_params (back->model), ==, lab_model_n_params (s->model));
  assert_same_floats (lab_model_params (back->model), lab_model_params (s->model),
                      lab_model_n_params (s->model));
  /* The thread count is the machine's, not the session's: a model splits
   * a batch across its threads, and OpenBLAS's kernels for a share of 4
   * images may round differently from those for 8 (Haswell's do). */
  g_assert_true (lab_model_set_threads (back->model, lab_model_get_threads (s->model), &error));
  ra = lab_recon_batch_compute (s->model, fx.digits, indices, 8, &noise, 11, &error);
  g_assert_no_error (error);
  rb = lab_recon_batch_compute (back->model, fx.digits, indices, 8, &noise, 11, &error);
  g_assert_no_error (error);
  assert_same_floats (ra->output, rb->output, 8 * 28 * 28);
  g_assert_cmpfloat (ra->mean_mse, ==, rb->mean_mse);
  g_assert_cmpfloat (ra->mean_mse, >, 0);

  /* The map */
  a = s->map;
  b = back->map;
  g_assert_cmpint (b->method, ==, LAB_EMBED_PCA);
  g_assert_cmpuint (b->n, ==, 120);
  g_assert_cmpuint (b->dim, ==, a->dim);
  g_assert_cmpuint (b->latent_shape.c * b->latent_shape.h * b->latent_shape.w, ==, a->dim);
  g_assert_cmpuint (b->height, ==, a->height);
  g_assert_cmpuint (b->map_dim, ==, a->map_dim);
  g_assert_cmpmem (b->indices, b->n * sizeof (guint), a->indices, a->n * sizeof (guint));
  g_assert_cmpmem (b->labels, b->n, a->labels, a->n);
  assert_same_floats (b->latents, a->latents, (gsize) a->n * a->dim);
  assert_same_floats (b->points, a->points, (gsize) a->n * 2);
  assert_same_floats (b->pca->mean, a->pca->mean, a->dim);
  assert_same_floats (b->pca->components, a->pca->components, 2 * a->dim);
  g_assert_cmpfloat (b->pca->explained_variance_ratio[0], ==, a->pca->explained_variance_ratio[0]);
  g_assert_cmpstr (b->class_names[3], ==, "3");
  /* The map's images travel with it, labelled as its rows. */
  g_assert_cmpuint (back->map_images->n, ==, 120);
  g_assert_cmpmem (back->map_images->pixels, 120 * 28 * 28, s->map_images->pixels, 120 * 28 * 28);
  g_assert_cmpmem (back->map_images->labels, 120, a->labels, 120);
  g_assert_cmpstr (back->map_images->class_names[9], ==, "9");
  g_assert_cmpstr (b->model_name, ==, a->model_name);
  {
    /* A location decodes to the same latent. */
    g_autofree float *la = g_new (float, a->dim), *lb = g_new (float, a->dim);

    lab_embedding_latent_at (a, 0.3, -0.2, la, NULL, NULL, NULL);
    lab_embedding_latent_at (b, 0.3, -0.2, lb, NULL, NULL, NULL);
    assert_same_floats (la, lb, a->dim);
  }

  /* The gallery */
  g_assert_cmpuint (lab_gallery_get_n (back->gallery), ==, 3);
  g_assert_cmpstr (lab_gallery_get_class_name (back->gallery, 9), ==, "9");
  for (guint i = 0; i < 3; i++)
    {
      const LabGalleryItem *x = lab_gallery_get_item (s->gallery, i);
      const LabGalleryItem *y = lab_gallery_get_item (back->gallery, i);

      g_assert_cmpmem (y->pixels, 28 * 28, x->pixels, 28 * 28);
      assert_same_floats (y->latent, x->latent, x->latent_dim);
      g_assert_cmpint (y->label, ==, x->label);
      g_assert_cmpfloat (y->x, ==, x->x);
      g_assert_cmpfloat (y->y, ==, x->y);
      g_assert_cmpuint (y->step, ==, 40);
      g_assert_cmpstr (y->method, ==, "pca");
      g_assert_cmpint (y->has_nearest, ==, x->has_nearest);
      g_assert_cmpuint (y->nearest_index, ==, x->nearest_index);
      g_assert_cmpfloat (y->nearest_distance, ==, x->nearest_distance);
      g_assert_cmpint (y->nearest_pixels != NULL, ==, x->nearest_pixels != NULL);
      if (x->nearest_pixels != NULL)
        g_assert_cmpmem (y->nearest_pixels, 28 * 28, x->nearest_pixels, 28 * 28);
    }
  g_assert_cmpint (lab_gallery_get_item (back->gallery, 1)->label, ==, -1);

  /* The classifier run */
  g_assert_cmpuint (back->classify->len, ==, 1);
  ca = g_ptr_array_index (s->classify, 0);
  cb = g_ptr_array_index (back->classify, 0);
  g_assert_cmpint (cb->kind, ==, LAB_CLASSIFIER_KNN);
  g_assert_cmpuint (cb->n_test, ==, 100);
  g_assert_cmpfloat (cb->accuracy, ==, ca->accuracy);
  g_assert_cmpmem (cb->confusion, 100 * sizeof (guint), ca->confusion, 100 * sizeof (guint));
  g_assert_cmpmem (cb->test_indices, 100 * sizeof (guint), ca->test_indices, 100 * sizeof (guint));
  g_assert_cmpmem (cb->predicted, 100, ca->predicted, 100);
  g_assert_cmpstr (cb->features_title, ==, ca->features_title);
  g_assert_cmpfloat (cb->fit_seconds, ==, ca->fit_seconds);

  /* The transfer-learning result, whole: the curve, the matrices, the
   * per-epoch curves and the reading's numbers are the saved ones. Its
   * first epoch's training loss is NAN (no loss before training), which
   * comes back as NAN. */
  g_assert_nonnull (back->transfer);
  g_assert_true (isnan (g_array_index (back->transfer->budgets[0].runs[0][0].curve,
                                       LabTransferEpoch, 0).train_loss));
  g_assert_cmpfloat (back->transfer->budgets[1].mean[LAB_TRANSFER_FINETUNED], >, 0);
  assert_same_transfer (s->transfer, back->transfer);
  {
    g_autoptr(LabLinePlot) pa = lab_transfer_curve_plot (s->transfer);
    g_autoptr(LabLinePlot) pb = lab_transfer_curve_plot (back->transfer);

    /* The panel's label-budget curve: the three ways at both budgets. */
    for (guint way = 0; way < LAB_TRANSFER_N_WAYS; way++)
      {
        g_assert_cmpuint (lab_line_plot_get_n_points (pa, way), ==, 2);
        g_assert_cmpuint (lab_line_plot_get_n_points (pb, way), ==, 2);
        for (guint i = 0; i < 2; i++)
          {
            double xa, ya, xb, yb;

            g_assert_true (lab_line_plot_get_point (pa, way, i, &xa, &ya));
            g_assert_true (lab_line_plot_get_point (pb, way, i, &xb, &yb));
            assert_same_double (xb, xa);
            assert_same_double (yb, ya);
          }
      }
  }

  /* The pages' own settings */
  pages = lab_session_file_list_pages (back);
  g_assert_cmpuint (g_strv_length (pages), ==, 2);
  g_assert_cmpstr (pages[0], ==, "denoise");
  g_assert_cmpstr (lab_session_state_get_string (lab_session_file_lookup_page_state (back, "denoise"), "noise"),
                   ==, "gaussian");
  g_assert_cmpfloat (lab_session_state_get_double (lab_session_file_lookup_page_state (back, "denoise"),
                                                   "level", 0), ==, 0.375);
  g_assert_null (lab_session_file_lookup_page_state (back, "classify"));

  /* The dataset it names is this one, and not another. */
  g_assert_true (lab_session_file_check_dataset (back, fx.digits, &error));
  g_assert_no_error (error);
  g_assert_true (lab_session_file_find_dataset (back, &error));
  g_assert_no_error (error);
  {
    g_autoptr(LabDataset) other = lab_synthetic_digits_new (300, 8, NULL);

    g_assert_false (lab_session_file_check_dataset (back, other, &error));
    g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
    g_assert_cmpstr (other->name, ==, fx.digits->name);
    g_test_message ("%s", error->message);
    g_assert_true (g_str_has_prefix (error->message, "The content of "));
    g_assert_nonnull (strstr (error->message, fx.digits->name));
    g_assert_nonnull (strstr (error->message, "differs from the one the session was saved with"));
  }
}

/* Python (and any safetensors reader) sees the model under "model.", as a
 * model file has it. */
static void
test_session_file_layout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSafetensors) st = lab_safetensors_open (fx.path, &error);
  const LabSafetensorsTensor *t;

  g_assert_no_error (error);
  g_assert_cmpstr (lab_safetensors_get_metadata (st, "format"), ==, LAB_SESSION_FILE_FORMAT);
  g_assert_nonnull (lab_safetensors_get_metadata (st, "spec"));
  g_assert_nonnull (lab_safetensors_find (st, "model.0.weight"));
  t = lab_safetensors_find (st, "map.points");
  g_assert_nonnull (t);
  g_assert_cmpstr (t->dtype, ==, "F32");
  g_assert_cmpuint (t->shape[0], ==, 120);
  g_assert_cmpuint (t->shape[1], ==, 2);
  t = lab_safetensors_find (st, "gallery.pixels");
  g_assert_cmpstr (t->dtype, ==, "U8");
  g_assert_cmpuint (t->ndim, ==, 3);

  /* Opened as a model, it says what it is. */
  g_assert_null (lab_model_load (fx.path, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "session"));
}

/* A copy of the saved file with the session JSON edited (old -> new, once),
 * and tensor drop (may be NULL) left out. */
static char *
edited_copy (const char *name,
             const char *old,
             const char *new,
             const char *drop)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSafetensors) st = lab_safetensors_open (fx.path, &error);
  g_autoptr(LabSafetensorsWriter) w = lab_safetensors_writer_new ();
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GList) keys = NULL;
  char *path = g_build_filename (fx.dir, name, NULL);

  g_assert_no_error (error);
  keys = lab_safetensors_metadata_keys (st);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      GString *value = g_string_new (lab_safetensors_get_metadata (st, l->data));

      if (old != NULL && strcmp (l->data, "session") == 0)
        g_assert_cmpuint (g_string_replace (value, old, new, 1), ==, 1);
      lab_safetensors_writer_set_metadata (w, l->data, value->str);
      g_string_free (value, TRUE);
    }
  for (guint i = 0; i < lab_safetensors_n_tensors (st); i++)
    {
      const LabSafetensorsTensor *t = lab_safetensors_get_tensor (st, i);
      gpointer data;

      if (g_strcmp0 (t->name, drop) == 0)
        continue;
      data = g_memdup2 (lab_safetensors_tensor_data (st, t), t->end - t->begin);
      g_ptr_array_add (copies, data);
      lab_safetensors_writer_add (w, t->name, t->dtype, t->ndim, t->shape, data);
    }
  g_assert_true (lab_safetensors_writer_save (w, path, &error));
  g_assert_no_error (error);
  return path;
}

static void
assert_refused (const char *path,
                const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSessionFile) back = lab_session_file_load (path, &error);
  g_autofree char *base = g_path_get_basename (path);

  g_assert_null (back);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, base));
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
}

static void
test_session_file_hostile (void)
{
  struct
  {
    const char *old, *new, *drop, *words;
  } cases[] = {
    /* Counts in the JSON against the tensors that hold the data */
    { "\"n\":120", "\"n\":121", NULL, "map.indices has shape [120], but the session's JSON says [121]" },
    { "\"n\":120", "\"n\":4000000000", NULL, "“map.n” must be a whole number from 0 to 100000" },
    { "\"dim\":", "\"dimension\":", NULL, "the session has no “map.dim”" },
    { "\"method\":\"pca\"", "\"method\":\"magic\"", NULL, "unknown method “magic”" },
    { "\"split\":\"test\"", "\"split\":3", NULL, "“dataset.split” must be a string" },
    { "\"pages\":{", "\"pages\":{\"x\":1,", NULL, "“pages.x” must be an object" },
    { "\"n_test\":100", "\"n_test\":101", NULL, "classify.0.test_indices has shape [100]" },
    { "\"latent_dim\":", "\"latent_dim\":1", NULL, "gallery.latents has shape" },
    { "\"label\":0", "\"label\":10", NULL, "“gallery.items[0].label” must be -1 or a class below 10" },
    { "\"n_classes\":10", "\"n_classes\":3", NULL, "map has 10 class names for 3 classes" },
    { NULL, NULL, "map.points", "no tensor map.points (F32 [120,2])" },
    { NULL, NULL, "model.0.weight", "tensor model.0.weight is missing" },
    { NULL, NULL, "gallery.nearest_pixels", "no tensor gallery.nearest_pixels" },
    { "\"n_seeds\":2", "\"n_seeds\":3", NULL, "transfer.confusion has shape [2,3,2,10,10], but the session's JSON says [2,3,3,10,10]" },
    { "\"n_budgets\":2", "\"n_budgets\":1", NULL, "“transfer.budgets” has 2 entries, “n_budgets” says 1" },
    { "\"epoch\":[0,", "\"epoch\":[", NULL, "“transfer.budgets[0].runs[0][0].curve.train_loss” has" },
    { "\"mean\":[", "\"mean\":[0.5,", NULL, "“transfer.budgets[0].mean” has 4 values, 3 expected" },
    { NULL, NULL, "transfer.budget_confusion", "no tensor transfer.budget_confusion (I64 [2,3,10,10])" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("hostile-%u.latentlab", i);
      g_autofree char *path = edited_copy (name, cases[i].old, cases[i].new, cases[i].drop);

      assert_refused (path, cases[i].words);
    }

  /* Not JSON, no session, a model file, a file cut short */
  {
    g_autofree char *path = edited_copy ("not-json.latentlab", "{", "[{", NULL);
    assert_refused (path, "the “session” metadata is not valid JSON");
  }
  {
    g_autofree char *path = g_build_filename (fx.dir, "model.safetensors", NULL);
    g_assert_true (lab_model_save (fx.saved->model, path, NULL, &error));
    g_assert_no_error (error);
    assert_refused (path, "is a LatentLab model, not a session");
  }
  g_assert_true (g_file_get_contents (fx.path, &contents, &len, &error));
  g_assert_no_error (error);
  {
    g_autofree char *path = g_build_filename (fx.dir, "cut.latentlab", NULL);

    g_assert_true (g_file_set_contents (path, contents, len - 100, &error));
    g_assert_no_error (error);
    assert_refused (path, "cut short");
  }
}

/* A session whose dataset is not here says which one to install or find. */
static void
test_session_file_missing_dataset (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSessionFile) s = lab_session_file_new ();

  g_assert_true (lab_session_file_find_dataset (s, &error));   /* none */
  lab_session_file_set_dataset (s, fx.digits, "/nowhere/my-digits", LAB_SPLIT_TRAIN);
  g_assert_false (lab_session_file_find_dataset (s, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nowhere/my-digits"));
  g_clear_error (&error);

  /* The tests' LATENTLAB_DATA_DIR holds no datasets. */
  lab_session_file_set_dataset (s, fx.digits, "fashion-mnist", LAB_SPLIT_TRAIN);
  g_assert_false (lab_session_file_find_dataset (s, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "install fashion-mnist"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  make_fixture ();
  g_test_add_func ("/session-file/round-trip", test_session_file_round_trip);
  g_test_add_func ("/session-file/layout", test_session_file_layout);
  g_test_add_func ("/session-file/hostile", test_session_file_hostile);
  g_test_add_func ("/session-file/missing-dataset", test_session_file_missing_dataset);
  status = g_test_run ();

  lab_session_file_free (fx.saved);
  lab_dataset_unref (fx.digits);
  {
    g_autoptr(GDir) d = g_dir_open (fx.dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (fx.dir, name, NULL);
        g_unlink (p);
      }
  }
  g_rmdir (fx.dir);
  g_free (fx.path);
  g_free (fx.dir);
  return status;
}
