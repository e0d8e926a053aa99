#include "lab-test-models.h"

#include "lab-model-io.h"
#include "lab-presets.h"
#include "lab-synthetic.h"
#include "lab-train-record.h"

LabModel *
lab_test_new_preset (const char *name,
                     guint64     seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_presets_get (name, &error);
  LabModel *model;

  g_assert_no_error (error);
  model = lab_model_new (spec, &error);
  g_assert_no_error (error);
  lab_model_init (model, LAB_INIT_TORCH, seed);
  return model;
}

LabModel *
lab_test_train_denoiser (LabDataset     *digits,
                         guint64         steps,
                         LabTrainer     *trainer,
                         LabTrainConfig *config)
{
  g_autoptr(GError) error = NULL;
  LabModel *model = lab_test_new_preset ("cae-tiny", 3);
  LabTrainConfig c;

  lab_train_config_init (&c);
  c.epochs = 10;
  c.batch = 32;
  c.max_steps = steps;
  c.seed = 5;
  c.noise.type = LAB_NOISE_GAUSSIAN;
  c.noise.amount = 0.5f;
  g_assert_true (lab_trainer_run (trainer, model, digits, NULL, &c, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  if (config != NULL)
    *config = c;
  return model;
}

char *
lab_test_save_denoiser (const char *dir,
                        guint64     steps,
                        gboolean    with_record)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) digits = lab_synthetic_digits_new (1000, 1, &error);
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  g_autoptr(LabModel) model = NULL;
  g_autofree char *record_json = NULL;
  char *path = g_build_filename (dir, "tiny.safetensors", NULL);
  LabTrainConfig c;

  g_assert_no_error (error);
  model = lab_test_train_denoiser (digits, steps, trainer, &c);
  if (with_record)
    {
      g_autoptr(LabTrainRecord) record = lab_train_record_new_from_trainer (trainer, &c, "synthetic",
                                                                            "torch");

      record_json = lab_train_record_to_json (record);
    }
  g_assert_true (lab_model_save (model, path, record_json, &error));
  g_assert_no_error (error);
  return path;
}

void
lab_test_fill_uniform (float   *x,
                       gsize    n,
                       guint64  seed)
{
  LabRng rng;

  lab_rng_init (&rng, seed);
  for (gsize i = 0; i < n; i++)
    x[i] = (float) lab_rng_uniform (&rng);
}

void
lab_test_transfer_config_tiny (LabTransferConfig *config)
{
  lab_transfer_config_quick (config);
  config->pretrain_images = 200;
  config->pretrain_val = 50;
  config->pretrain_epochs = 1;
  config->budgets[0] = 20;
  config->budgets[1] = 40;
  config->n_budgets = 2;
  config->epochs = 3;
  config->patience = 2;
  config->test_limit = 100;
}
