#include "lab-test-models.h"

#include <stdarg.h>

#include <gio/gio.h>

#include "lab-presets.h"

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

int
lab_test_run_cli (char       **out,
                  char       **err,
                  const char  *first,
                  ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("LAB_CLI");
  va_list ap;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}
