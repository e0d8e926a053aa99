/* Transfer learning (lab-transfer.c): the classifier built from an
 * encoder, freezing in the trainer (the optimizer never touches a frozen
 * encoder), a small end-to-end run on the synthetic digits, the curve, and
 * the errors for inputs that cannot work. */

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lab-png.h"
#include "lab-presets.h"
#include "lab-synthetic.h"
#include "lab-test-models.h"
#include "lab-trainer.h"
#include "lab-transfer.h"

static LabDataset *digits_train;   /* 6,000 synthetic digits, as the CLI's "synthetic" */
static LabDataset *digits_test;    /* 500 others */
static LabTransferResult *quick;   /* lab_transfer_config_quick on them, shared */

/* strided-dae's encoder and a Dense 100 head are cnn-baseline, layer for
 * layer: the frozen and fine-tuned ways train the same network as the
 * baseline, only from other weights. */
static void
test_transfer_classifier_spec (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) ae = lab_presets_get ("strided-dae", &error);
  g_autoptr(LabSpec) base = lab_presets_get ("cnn-baseline", &error);
  g_autoptr(LabSpec) head = NULL;
  g_autoptr(LabModel) m = NULL, b = NULL;

  head = lab_transfer_classifier_spec (ae, 100, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (head->encoder_layers, ==, 4);
  g_assert_cmpuint (head->loss, ==, LAB_LOSS_SOFTMAX_CE);
  m = lab_model_new (head, &error);
  g_assert_no_error (error);
  b = lab_model_new (base, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lab_model_n_layers (m), ==, lab_model_n_layers (b));
  g_assert_cmpuint (lab_model_n_params (m), ==, 41630);
  for (guint i = 0; i < lab_model_n_layers (m); i++)
    g_assert_cmpstr (lab_spec_get_layer_type (head, i), ==, lab_spec_get_layer_type (base, i));

  /* a 64-d dense latent (convae-bn) gets no flatten; 3 classes, 16 units */
  {
    g_autoptr(LabSpec) bn = lab_presets_get ("convae-bn", &error);
    g_autoptr(LabSpec) h2 = lab_transfer_classifier_spec (bn, 16, 3, &error);
    g_autoptr(LabModel) m2 = NULL;

    g_assert_no_error (error);
    m2 = lab_model_new (h2, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (lab_shape_size (lab_model_output_shape (m2)), ==, 3);
    g_assert_cmpstr (lab_spec_get_layer_type (h2, bn->encoder_layers), ==, "dense");
  }

  g_assert_null (lab_transfer_classifier_spec (ae, 100, 1, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

/* The trainer on a model whose first layers are frozen: their parameters
 * (and a frozen batch norm's running statistics) are bit-identical after
 * training; the head's moved. */
static void
test_transfer_trainer_skips_frozen (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) bn = lab_presets_get ("convae-bn", &error);
  g_autoptr(LabSpec) spec = lab_transfer_classifier_spec (bn, 16, 10, &error);
  g_autoptr(LabModel) ae = lab_test_new_preset ("convae-bn", 4);
  g_autoptr(LabModel) model = lab_model_new (spec, &error);
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autofree float *params0 = NULL, *buffers0 = NULL;
  LabTrainConfig c;
  guint enc = bn->encoder_layers;
  gsize enc_params, enc_buffers, n;
  double moved = 0;

  g_assert_no_error (error);
  /* running statistics that are not the initial 0 and 1 */
  for (gsize i = 0; i < lab_model_n_buffers (ae); i++)
    lab_model_buffers (ae)[i] = 0.5f + 0.001f * (i % 7);
  lab_model_init (model, LAB_INIT_TORCH, 5);
  g_assert_true (lab_model_transfer_layers (model, ae, enc, &error));
  lab_model_set_frozen_layers (model, enc);
  enc_params = lab_model_param_offset (model, enc);
  enc_buffers = lab_model_buffer_offset (model, enc);
  g_assert_cmpuint (enc_buffers, >, 0);
  n = lab_model_n_params (model);
  params0 = g_memdup2 (lab_model_params (model), n * sizeof (float));
  buffers0 = g_memdup2 (lab_model_buffers (model), lab_model_n_buffers (model) * sizeof (float));

  lab_train_config_init (&c);
  c.epochs = 1;
  c.batch = 16;
  c.limit = 64;
  c.seed = 2;
  g_assert_true (lab_trainer_run (trainer, model, digits_train, NULL, &c, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (lab_model_params (model), enc_params * sizeof (float), params0,
                   enc_params * sizeof (float));
  g_assert_cmpmem (lab_model_buffers (model), enc_buffers * sizeof (float), buffers0,
                   enc_buffers * sizeof (float));
  for (gsize i = enc_params; i < n; i++)
    moved += fabs (lab_model_params (model)[i] - params0[i]);
  g_assert_cmpfloat (moved, >, 1e-3);
}

/* Discriminative rates: with encoder_lr the encoder's layers step at their
 * own rate and the head at lr. Adam's first step moves a weight by its rate
 * against its gradient's sign (less when the gradient is near epsilon, not
 * at all without one), so after one step no encoder weight moved by more
 * than 1e-4 and most by that, most head weights by 1e-3; a frozen encoder
 * stays frozen. */
static void
test_transfer_encoder_lr (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) ae_spec = lab_presets_get ("strided-dae", &error);
  g_autoptr(LabSpec) spec = lab_transfer_classifier_spec (ae_spec, 16, 10, &error);
  g_autoptr(LabModel) ae = lab_test_new_preset ("strided-dae", 3);

  g_assert_no_error (error);
  for (int frozen = 0; frozen < 2; frozen++)
    {
      g_autoptr(LabModel) model = lab_model_new (spec, &error);
      g_autoptr(LabTrainer) trainer = lab_trainer_new ();
      g_autofree float *params0 = NULL;
      const guint enc = ae_spec->encoder_layers;
      gsize enc_params, n, moved_enc = 0, moved_head = 0;
      LabTrainConfig c;

      g_assert_no_error (error);
      lab_model_init (model, LAB_INIT_TORCH, 5);
      g_assert_true (lab_model_transfer_layers (model, ae, enc, &error));
      lab_model_set_frozen_layers (model, frozen ? enc : 0);
      enc_params = lab_model_param_offset (model, enc);
      n = lab_model_n_params (model);
      params0 = g_memdup2 (lab_model_params (model), n * sizeof (float));

      lab_train_config_init (&c);
      c.batch = 32;
      c.limit = 32;
      c.max_steps = 1;
      c.lr = 1e-3;
      c.encoder_lr = 1e-4;
      c.seed = 2;
      g_assert_true (lab_trainer_run (trainer, model, digits_train, NULL, &c, NULL, NULL, NULL,
                                      &error));
      g_assert_no_error (error);
      for (gsize i = 0; i < n; i++)
        {
          double d = fabs (lab_model_params (model)[i] - params0[i]);

          if (i < enc_params && frozen)
            g_assert_cmpfloat (d, ==, 0);
          else
            {
              double rate = i < enc_params ? 1e-4 : 1e-3;

              /* at most the rate (less for a gradient near Adam's epsilon);
               * 2e-6 is more than the float rounding of a weight near 1 */
              g_assert_cmpfloat (d, <=, rate + 2e-6);
              if (fabs (d - rate) < 2e-6)
                *(i < enc_params ? &moved_enc : &moved_head) += 1;
            }
        }
      /* most weights have a gradient well above epsilon (a ReLU at 0 gives none) */
      if (frozen)
        g_assert_cmpuint (moved_enc, ==, 0);
      else
        g_assert_cmpuint (moved_enc, >, enc_params / 2);
      g_assert_cmpuint (moved_head, >, (n - enc_params) / 2);
    }
}

static void
check_run (const LabTransferRun *run,
           guint                 n_test,
           guint                 n_classes)
{
  const LabTransferEpoch *best;
  guint64 sum = 0;

  g_assert_cmpfloat (run->test_accuracy, >=, 0);
  g_assert_cmpfloat (run->test_accuracy, <=, 1);
  g_assert_cmpuint (run->curve->len, ==, run->epochs_run + 1);
  g_assert_cmpuint (run->best_epoch, <=, run->epochs_run);
  best = &g_array_index (run->curve, LabTransferEpoch, run->best_epoch);
  g_assert_cmpfloat (run->val_accuracy, ==, best->val_accuracy);
  for (guint e = 0; e < run->curve->len; e++)
    {
      const LabTransferEpoch *ep = &g_array_index (run->curve, LabTransferEpoch, e);
      g_assert_cmpuint (ep->epoch, ==, e);
      g_assert_cmpfloat (ep->val_accuracy, <=, run->val_accuracy);
      g_assert_true (e == 0 ? isnan (ep->train_loss) : ep->train_loss > 0);
    }
  for (guint k = 0; k < n_classes * n_classes; k++)
    sum += run->confusion[k];
  g_assert_cmpuint (sum, ==, n_test);
  /* the diagonal is the accuracy */
  sum = 0;
  for (guint k = 0; k < n_classes; k++)
    sum += run->confusion[k * n_classes + k];
  g_assert_cmpfloat (fabs ((double) sum / n_test - run->test_accuracy), <, 1e-12);
}

/* The quick setting end to end: every classifier well above chance (10%),
 * the frozen encoder bit-identical to the autoencoder's, the fine-tuned one
 * moved, means and standard deviations from the runs, confusion matrices
 * that sum to the test images. */
static void
test_transfer_quick_run (void)
{
  const LabTransferResult *r = quick;
  const LabTransferBudget *bu;

  g_assert_nonnull (r);
  g_assert_cmpuint (r->n_seeds, ==, 2);
  g_assert_cmpuint (r->n_budgets, ==, 1);
  g_assert_cmpuint (r->n_test, ==, 500);
  g_assert_cmpuint (r->pretrain_images, ==, 1500);
  g_assert_cmpuint (r->pretrain_val, ==, 300);
  bu = &r->budgets[0];
  g_assert_cmpuint (bu->labels, ==, 200);
  g_assert_cmpuint (bu->val_labels, ==, 67);
  for (guint s = 0; s < r->n_seeds; s++)
    g_assert_cmpfloat (r->pretrain_val_loss[s], >, 0);
  for (guint w = 0; w < LAB_TRANSFER_N_WAYS; w++)
    {
      double mean = 0, ss = 0;
      guint64 sum = 0;

      for (guint s = 0; s < r->n_seeds; s++)
        {
          check_run (&bu->runs[w][s], r->n_test, r->n_classes);
          g_assert_cmpfloat (bu->runs[w][s].test_accuracy, >, 0.3);
          mean += bu->runs[w][s].test_accuracy / r->n_seeds;
        }
      for (guint s = 0; s < r->n_seeds; s++)
        ss += pow (bu->runs[w][s].test_accuracy - mean, 2);
      g_assert_cmpfloat (fabs (bu->mean[w] - mean), <, 1e-12);
      g_assert_cmpfloat (fabs (bu->sd[w] - sqrt (ss / (r->n_seeds - 1))), <, 1e-12);
      for (guint k = 0; k < r->n_classes * r->n_classes; k++)
        sum += bu->confusion[w][k];
      g_assert_cmpuint (sum, ==, (guint64) r->n_test * r->n_seeds);
    }
  for (guint s = 0; s < r->n_seeds; s++)
    {
      const LabTransferRun *frozen = &bu->runs[LAB_TRANSFER_FROZEN][s];
      const LabTransferRun *tuned = &bu->runs[LAB_TRANSFER_FINETUNED][s];

      g_assert_true (frozen->encoder_unchanged);
      g_assert_cmpfloat (frozen->encoder_changed_fraction, ==, 0);
      /* both start from the same pretrained encoder and the same new head */
      g_assert_cmpfloat (g_array_index (tuned->curve, LabTransferEpoch, 0).val_accuracy, ==,
                         g_array_index (frozen->curve, LabTransferEpoch, 0).val_accuracy);
    }
  /* at least one seed's fine-tuning found a better epoch, which moved
   * the encoder: most of its weights */
  {
    gboolean moved = FALSE;
    for (guint s = 0; s < r->n_seeds; s++)
      {
        const LabTransferRun *tuned = &bu->runs[LAB_TRANSFER_FINETUNED][s];
        g_assert_true (tuned->encoder_unchanged == (tuned->best_epoch == 0));
        if (tuned->best_epoch > 0)
          {
            g_assert_cmpfloat (tuned->encoder_changed_fraction, >, 0.5);
            moved = TRUE;
          }
      }
    g_assert_true (moved);
  }
  g_assert_cmpfloat (lab_transfer_diff_se (r, 0, LAB_TRANSFER_FINETUNED, LAB_TRANSFER_BASELINE),
                     ==, sqrt ((pow (bu->sd[2], 2) + pow (bu->sd[0], 2)) / 2));
}

/* Fine-tuning from the frozen way's result starts at its best weights, so
 * its validation accuracy is at least the frozen one's. */
static void
test_transfer_finetune_from_frozen (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabTransferResult) r = NULL;
  LabTransferConfig c;
  const LabTransferRun *frozen, *tuned;

  lab_transfer_config_quick (&c);
  c.n_seeds = 1;
  c.finetune_from_frozen = TRUE;
  r = lab_transfer_run (digits_train, digits_test, &c, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  frozen = &r->budgets[0].runs[LAB_TRANSFER_FROZEN][0];
  tuned = &r->budgets[0].runs[LAB_TRANSFER_FINETUNED][0];
  g_assert_cmpfloat (g_array_index (tuned->curve, LabTransferEpoch, 0).val_accuracy, ==,
                     frozen->val_accuracy);
  g_assert_cmpfloat (tuned->val_accuracy, >=, frozen->val_accuracy);
  g_assert_true (frozen->encoder_unchanged);
  g_assert_true (tuned->encoder_unchanged == (tuned->best_epoch == 0));
}

/* A warm-up of the new head alone on the frozen encoder: fine-tuning then
 * starts from a head that already fits the encoder, so its first epoch's
 * training loss is below the one without a warm-up (the shared quick run,
 * the same seeds otherwise), and the encoder is still the autoencoder's at
 * epoch 0; the frozen way is not warmed up: the same runs as without. */
static void
test_transfer_warmup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabTransferResult) r = NULL;
  LabTransferConfig c;

  lab_transfer_config_quick (&c);
  c.warmup_epochs = 5;
  r = lab_transfer_run (digits_train, digits_test, &c, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint s = 0; s < r->n_seeds; s++)
    {
      const LabTransferRun *frozen = &r->budgets[0].runs[LAB_TRANSFER_FROZEN][s];
      const LabTransferRun *tuned = &r->budgets[0].runs[LAB_TRANSFER_FINETUNED][s];
      const LabTransferRun *frozen0 = &quick->budgets[0].runs[LAB_TRANSFER_FROZEN][s];
      const LabTransferRun *tuned0 = &quick->budgets[0].runs[LAB_TRANSFER_FINETUNED][s];

      check_run (tuned, r->n_test, r->n_classes);
      g_assert_cmpfloat (g_array_index (tuned->curve, LabTransferEpoch, 1).train_loss, <,
                         g_array_index (tuned0->curve, LabTransferEpoch, 1).train_loss - 0.02);
      g_assert_true (tuned->encoder_unchanged == (tuned->best_epoch == 0));
      g_assert_cmpfloat (frozen->test_accuracy, ==, frozen0->test_accuracy);
      g_assert_cmpuint (frozen->epochs_run, ==, frozen0->epochs_run);
      g_assert_true (frozen->encoder_unchanged);
    }
}

/* The curve: one series per way, a point per budget at the mean in %. */
static void
test_transfer_curve (void)
{
  g_autoptr(LabLinePlot) plot = lab_transfer_curve_plot (quick);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lab-transfer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "curve.png", NULL);
  guint w, h;
  double x, y;

  for (guint way = 0; way < LAB_TRANSFER_N_WAYS; way++)
    {
      g_assert_cmpuint (lab_line_plot_get_n_points (plot, way), ==, 1);
      g_assert_true (lab_line_plot_get_point (plot, way, 0, &x, &y));
      g_assert_cmpfloat (x, ==, 200);
      g_assert_cmpfloat (fabs (y - 100 * quick->budgets[0].mean[way]), <, 1e-9);
    }
  g_assert_true (lab_transfer_save_curve (quick, path, 640, 400, &error));
  g_assert_no_error (error);
  g_assert_true (lab_png_read_size (path, NULL, &w, &h, &error));
  g_assert_cmpuint (w, ==, 640);
  g_assert_cmpuint (h, ==, 400);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_transfer_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) unlabelled = lab_dataset_new ("flat folder", 100, 28, 28, FALSE, &error);
  g_autoptr(LabDataset) tiny = lab_synthetic_digits_new (300, 3, &error);
  LabTransferConfig c;

  lab_transfer_config_quick (&c);
  g_assert_null (lab_transfer_run (unlabelled, digits_test, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“flat folder” has no labels"));
  g_clear_error (&error);

  /* L = 250 and its 83 validation images are more than the 300 there are */
  c.budgets[0] = 250;
  g_assert_null (lab_transfer_run (tiny, digits_test, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "L = 250"));
  g_assert_nonnull (strstr (error->message, "use at most 225"));
  g_clear_error (&error);

  g_assert_false (lab_transfer_parse_budgets (&c, "300,100", &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (lab_transfer_parse_budgets (&c, "100,x", &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“x”"));
  g_clear_error (&error);
  g_assert_true (lab_transfer_parse_budgets (&c, "100, 300,1000", &error));
  g_assert_cmpuint (c.n_budgets, ==, 3);
  g_assert_cmpuint (c.budgets[2], ==, 1000);

  /* fewer labels than classes */
  lab_transfer_config_quick (&c);
  c.budgets[0] = 5;
  g_assert_null (lab_transfer_run (digits_train, digits_test, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);

  /* images of another size than the models' */
  {
    g_autoptr(LabDataset) big = lab_dataset_new ("faces", 400, 32, 32, TRUE, &error);
    g_autoptr(LabDataset) big_test = lab_dataset_new ("faces test", 50, 32, 32, TRUE, &error);
    static const char * const names[] = { "a", "b", NULL };

    g_assert_no_error (error);
    lab_dataset_set_class_names (big, names, 2);
    lab_dataset_set_class_names (big_test, names, 2);
    lab_transfer_config_quick (&c);
    c.budgets[0] = 20;
    g_assert_null (lab_transfer_run (big, big_test, &c, NULL, NULL, NULL, &error));
    g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
    g_assert_nonnull (strstr (error->message, "strided-dae"));
    g_assert_nonnull (strstr (error->message, "32×32"));
    g_clear_error (&error);
  }

  /* an autoencoder that is not one (the super-resolver) */
  lab_transfer_config_quick (&c);
  c.autoencoder = "sr-ae";
  g_assert_null (lab_transfer_run (digits_train, digits_test, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "sr-ae"));
}

static void
cancel_on_second (double      fraction,
                  const char *text,
                  gpointer    data)
{
  if (strstr (text, "baseline") != NULL)
    g_cancellable_cancel (data);
}

static void
test_transfer_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  LabTransferConfig c;

  lab_transfer_config_quick (&c);
  c.n_seeds = 1;
  g_assert_null (lab_transfer_run (digits_train, digits_test, &c, cancel_on_second, cancel, cancel,
                                   &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  LabTransferConfig c;
  int status;

  g_test_init (&argc, &argv, NULL);
  digits_train = lab_synthetic_digits_new (6000, 11, &error);
  g_assert_no_error (error);
  digits_test = lab_synthetic_digits_new (500, 12, &error);
  g_assert_no_error (error);
  lab_transfer_config_quick (&c);
  quick = lab_transfer_run (digits_train, digits_test, &c, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/transfer/classifier-spec", test_transfer_classifier_spec);
  g_test_add_func ("/transfer/trainer-skips-frozen", test_transfer_trainer_skips_frozen);
  g_test_add_func ("/transfer/encoder-lr", test_transfer_encoder_lr);
  g_test_add_func ("/transfer/quick-run", test_transfer_quick_run);
  g_test_add_func ("/transfer/finetune-from-frozen", test_transfer_finetune_from_frozen);
  g_test_add_func ("/transfer/warmup", test_transfer_warmup);
  g_test_add_func ("/transfer/curve", test_transfer_curve);
  g_test_add_func ("/transfer/bad-input", test_transfer_bad_input);
  g_test_add_func ("/transfer/cancel", test_transfer_cancel);
  status = g_test_run ();
  lab_transfer_result_free (quick);
  lab_dataset_unref (digits_train);
  lab_dataset_unref (digits_test);
  return status;
}
