/* The PyTorch export: code for every preset and for a spec with every
 * layer kind the editor offers, with the modules and shapes they need; the
 * code compiles (python3 -m py_compile); with Debian's python3-torch the
 * generated files run (through tests/export-forward.py, one interpreter for
 * all) and give our outputs to 1e-4 on the weights written beside them;
 * write errors name the whole path.
 *
 * $LAB_PYTHON is a python3 for py_compile; the torch run uses
 * /usr/bin/python3 (or $LAB_TORCH_PYTHON, to try the branch without
 * torch on a machine that has it) when `import torch` works there. */

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "lab-export-pytorch.h"
#include "lab-model-io.h"
#include "lab-presets.h"
#include "lab-rng.h"
#include "lab-task.h"
#include "lab-test-models.h"
#include "lab-test-system.h"

#define TORCH_PYTHON (g_getenv ("LAB_TORCH_PYTHON") ? g_getenv ("LAB_TORCH_PYTHON") : "/usr/bin/python3")
#define N_IMAGES     5

/* Every layer kind, each at least once, in shapes that fit: 1x12x12 ->
 * 4x12x12 -> ... -> the latent of a VAE (4) -> 1x12x12. */
static const char every_layer_spec[] =
  "{\"name\": \"every-layer\", \"description\": \"All the editor's layers, with \\\"quotes\\\" "
  "and a backslash \\\\ in a name\", \"input\": [1, 12, 12], \"loss\": \"mse\", \"encoder_layers\": 12,"
  " \"layers\": ["
  "{\"type\": \"conv2d\", \"filters\": 4, \"kernel\": 3, \"padding\": \"same\"},"      /* 0  4x12x12 */
  "{\"type\": \"batchnorm2d\", \"eps\": 0.001, \"momentum\": 0.2},"                     /* 1 */
  "{\"type\": \"leaky_relu\", \"slope\": 0.2},"                                         /* 2 */
  "{\"type\": \"maxpool2d\", \"pool\": 3, \"stride\": 2, \"ceil_mode\": true},"         /* 3  4x6x6 */
  "{\"type\": \"conv_transpose2d\", \"filters\": 3, \"kernel\": 3, \"stride\": 2,"
  " \"padding\": 1, \"output_padding\": 1},"                                            /* 4  3x12x12 */
  "{\"type\": \"avgpool2d\", \"pool\": 2},"                                             /* 5  3x6x6 */
  "{\"type\": \"tanh\"},"                                                               /* 6 */
  "{\"type\": \"flatten\"},"                                                            /* 7  108 */
  "{\"type\": \"dropout\", \"rate\": 0.3},"                                             /* 8 */
  "{\"type\": \"dense\", \"units\": 8},"                                                /* 9 */
  "{\"type\": \"batchnorm1d\"},"                                                        /* 10 */
  "{\"type\": \"vae_sample\", \"beta\": 0.5},"                                          /* 11 latent 4 */
  "{\"type\": \"dense\", \"units\": 36},"                                               /* 12 */
  "{\"type\": \"relu\"},"                                                               /* 13 */
  "{\"type\": \"reshape\", \"shape\": [4, 3, 3]},"                                      /* 14 */
  "{\"type\": \"upsample2d\", \"scale\": 4},"                                           /* 15 4x12x12 */
  "{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3, \"stride\": 1, \"padding\": 1}," /* 16 */
  "{\"type\": \"softmax\"},"                                                            /* 17 */
  "{\"type\": \"conv2d\", \"filters\": 1, \"kernel\": 1, \"padding\": \"valid\"},"      /* 18 */
  "{\"type\": \"sigmoid\"}]}";                                                          /* 19 */

static LabSpec *
every_layer (void)
{
  g_autoptr(GError) error = NULL;
  LabSpec *spec = lab_spec_new_from_string (every_layer_spec, -1, NULL, &error);

  g_assert_no_error (error);
  return spec;
}

static LabSpec *
spec_named (const char *name)
{
  g_autoptr(GError) error = NULL;
  LabSpec *spec = g_str_equal (name, "every-layer") ? every_layer () : lab_presets_get (name, &error);

  g_assert_no_error (error);
  return spec;
}

/* The presets, then the spec with every layer kind. */
static GPtrArray *
all_names (void)
{
  GPtrArray *names = g_ptr_array_new ();

  for (const char * const *p = lab_presets_list (); *p; p++)
    g_ptr_array_add (names, (gpointer) *p);
  g_ptr_array_add (names, (gpointer) "every-layer");
  return names;
}

static char *
code_for (const LabSpec *spec)
{
  g_autoptr(GError) error = NULL;
  char *code = lab_export_pytorch_code (spec, NULL, "model.py", "model.safetensors", &error);

  g_assert_no_error (error);
  g_assert_nonnull (code);
  return code;
}

/* Every layer is one module line, "# i: shape" after it, in order. */
static void
test_layer_lines (void)
{
  g_autoptr(GPtrArray) names = all_names ();

  for (guint n = 0; n < names->len; n++)
    {
      g_autoptr(LabSpec) spec = spec_named (g_ptr_array_index (names, n));
      g_autofree char *code = code_for (spec);
      const char *p = strstr (code, "class Model(LatentLabSequential):");

      g_assert_nonnull (p);
      for (guint i = 0; i < lab_spec_n_layers (spec); i++)
        {
          g_autofree char *mark = g_strdup_printf ("  # %u: (None, ", i);

          p = strstr (p, mark);
          g_assert_nonnull (p);
        }
      {
        g_autofree char *past = g_strdup_printf ("  # %u: (None, ", lab_spec_n_layers (spec));
        g_assert_null (strstr (code, past));
      }
      g_assert_nonnull (strstr (code, "WEIGHTS = \"model.safetensors\""));
    }
}

/* What a few layers become, word for word. */
static void
test_modules (void)
{
  g_autoptr(LabSpec) dae = spec_named ("dae-keras32");
  g_autoptr(LabSpec) bn = spec_named ("convae-bn");
  g_autoptr(LabSpec) vae = spec_named ("vae-conv");
  g_autoptr(LabSpec) every = every_layer ();
  g_autofree char *dae_code = code_for (dae);
  g_autofree char *bn_code = code_for (bn);
  g_autofree char *vae_code = code_for (vae);
  g_autofree char *every_code = code_for (every);
  const char *dae_lines[] = {
    "nn.Conv2d(1, 32, 3, stride=1, padding=1),", "nn.MaxPool2d(2, stride=2, ceil_mode=False),",
    "nn.Upsample(scale_factor=2, mode=\"nearest\"),", "nn.Sigmoid(),", "# 5: (None, 7, 7, 64), the latent",
    "LOSS = \"bce\"", "TASK = \"reconstruct\"", "ENCODER_LAYERS = 6",
    "\"epochs\": 5,", "\"batch\": 128,", "\"lr\": 0.001,", "\"noise\": \"none\",",
  };
  const char *bn_lines[] = {
    "nn.Conv2d(1, 32, 3, stride=2, padding=1),", "nn.BatchNorm2d(32, eps=1e-05, momentum=0.1),",
    "Flatten(),", "Dense(6272, 64),", "Reshape(128, 7, 7),",
    "nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1),", "LOSS = \"mse\"",
  };
  const char *every_lines[] = {
    "nn.Conv2d(1, 4, 3, stride=1, padding=1),", "nn.BatchNorm2d(4, eps=0.001, momentum=0.2),",
    "nn.LeakyReLU(0.2),", "nn.MaxPool2d(3, stride=2, ceil_mode=True),",
    "nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1),",
    "nn.AvgPool2d(2, stride=2),", "nn.Tanh(),", "nn.Dropout(0.3),", "Dense(108, 8),",
    "BatchNorm1d(8, eps=1e-05, momentum=0.1),", "VaeSample(beta=0.5, pixels=144),",
    "Reshape(4, 3, 3),", "nn.Upsample(scale_factor=4, mode=\"nearest\"),", "nn.Softmax(dim=1),",
    "nn.Conv2d(2, 1, 1, stride=1, padding=0),", "nn.ReLU(),",
    "\"\"\"every-layer: a LatentLab model", "quotes\\\" and a backslash \\\\ in a name",
  };

  for (guint i = 0; i < G_N_ELEMENTS (dae_lines); i++)
    g_assert_nonnull (strstr (dae_code, dae_lines[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bn_lines); i++)
    g_assert_nonnull (strstr (bn_code, bn_lines[i]));
  for (guint i = 0; i < G_N_ELEMENTS (every_lines); i++)
    g_assert_nonnull (strstr (every_code, every_lines[i]));
  /* the VAE's KL is divided by the 784 output pixels, as vae_sample does */
  g_assert_nonnull (strstr (vae_code, "VaeSample(beta=1, pixels=784),"));
  g_assert_nonnull (strstr (vae_code, "Dense(3136, 4),"));
}

/* The custom spec has every kind the editor offers: a new layer kind
 * must be added to it (and to the export). */
static void
test_every_kind_covered (void)
{
  g_autoptr(LabSpec) spec = every_layer ();
  guint n_classes;
  const LabLayerClass * const *classes = lab_layer_classes (&n_classes);

  for (guint c = 0; c < n_classes; c++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < lab_spec_n_layers (spec) && !found; i++)
        found = g_str_equal (lab_spec_get_layer_type (spec, i), classes[c]->type);
      if (!found)
        g_error ("every_layer_spec lacks the layer kind %s", classes[c]->type);
    }
}

/* The training settings of a model file's record become --train's defaults. */
static void
test_settings (void)
{
  g_autoptr(LabSpec) spec = spec_named ("strided-dae");
  g_autoptr(LabTrainRecord) record = lab_train_record_new (NULL, "fashion-mnist");
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  record->config.epochs = 12;
  record->config.batch = 64;
  record->config.lr = 3e-4;
  record->config.optimizer = LAB_OPTIM_SGD;
  record->config.seed = 7;
  record->config.limit = 1000;
  g_assert_true (lab_noise_parse ("gaussian:0.5", &record->config.noise, &error));
  code = lab_export_pytorch_code (spec, record, "dae.py", "dae.safetensors", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (code, "TRAIN = {\n    \"dataset\": \"fashion-mnist\",\n    \"epochs\": 12,\n"
                                  "    \"batch\": 64,\n    \"lr\": 0.0003,\n    \"optimizer\": \"sgd\",\n"
                                  "    \"noise\": \"gaussian:0.5\",\n    \"seed\": 7,\n    \"limit\": 1000,\n}"));
  g_assert_nonnull (strstr (code, "python3 dae.py --check IMAGES-idx3-ubyte"));
}

/* A spec whose layers clash is refused, naming the layer. */
static void
test_bad_spec (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_spec_new_from_string (
    "{\"input\": [1, 28, 28], \"loss\": \"mse\", \"encoder_layers\": 1,"
    " \"layers\": [{\"type\": \"reshape\", \"shape\": [5]}]}", -1, NULL, &error);
  g_autofree char *code = NULL;

  g_assert_no_error (error);
  code = lab_export_pytorch_code (spec, NULL, "m.py", "m.safetensors", &error);
  g_assert_null (code);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "layer 0 (reshape)"));
}

static void
write_idx (const char   *path,
           const guint8 *pixels,
           guint         n,
           guint         h,
           guint         w)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint32 head[4] = { GUINT32_TO_BE (0x803), GUINT32_TO_BE (n), GUINT32_TO_BE (h), GUINT32_TO_BE (w) };

  g_byte_array_append (data, (const guint8 *) head, sizeof head);
  g_byte_array_append (data, pixels, n * h * w);
  g_assert_true (g_file_set_contents (path, (const char *) data->data, data->len, &error));
  g_assert_no_error (error);
}

static gboolean
have_torch (void)
{
  const char *argv[] = { TORCH_PYTHON, "-c", "import torch", NULL };
  int status = 1;

  if (!g_file_test (TORCH_PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, NULL);
  return status == 0;
}

static void
run (GPtrArray *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 1;

  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", (char *) argv->pdata[0], err);
}

/* Each spec as a model with random weights and running statistics, its
 * export, images and our outputs; then the generated files compile, and
 * with torch give our outputs. */
static void
test_run_generated (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lab-export-XXXXXX", NULL);
  g_autoptr(GPtrArray) names = all_names ();
  g_autoptr(GPtrArray) compile = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) forward = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ours = g_ptr_array_new_with_free_func (g_free);
  const char *python = g_getenv ("LAB_PYTHON");
  gboolean torch = have_torch ();
  LabRng rng;

  g_assert_nonnull (dir);
  lab_rng_init (&rng, 20261202);
  g_ptr_array_add (compile, g_strdup (python ? python : "python3"));
  g_ptr_array_add (compile, g_strdup ("-m"));
  g_ptr_array_add (compile, g_strdup ("py_compile"));
  g_ptr_array_add (forward, g_strdup (TORCH_PYTHON));
  g_ptr_array_add (forward, g_test_build_filename (G_TEST_DIST, "export-forward.py", NULL));
  for (guint n = 0; n < names->len; n++)
    {
      const char *name = g_ptr_array_index (names, n);
      g_autoptr(LabSpec) spec = spec_named (name);
      g_autoptr(LabModel) model = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *py = g_strdup_printf ("%s/%s.py", dir, name);
      g_autofree char *images = g_strdup_printf ("%s/%s-idx3-ubyte", dir, name);
      g_autofree char *weights = NULL;
      g_autofree guint8 *pixels = NULL;
      g_autofree float *x = NULL, *input = NULL;
      LabShape in, out;
      guint h, w;
      LabTask task;

      model = lab_model_new (spec, &error);
      g_assert_no_error (error);
      lab_model_init (model, LAB_INIT_TORCH, 100 + n);
      /* Running statistics away from 0 and 1, so eval-mode batch norm matters. */
      for (gsize i = 0; i < lab_model_n_buffers (model); i++)
        lab_model_buffers (model)[i] = (float) (0.5 + lab_rng_uniform (&rng));
      g_assert_true (lab_export_pytorch (model, NULL, NULL, py, &weights, &error));
      g_assert_no_error (error);
      g_assert_true (g_str_has_suffix (weights, ".safetensors") && g_file_test (weights, G_FILE_TEST_EXISTS));
      g_ptr_array_add (compile, g_strdup (py));

      in = lab_model_input_shape (model);
      out = lab_model_output_shape (model);
      task = g_str_equal (name, "sr-ae") ? LAB_TASK_SUPER_RESOLVE : LAB_TASK_RECONSTRUCT;
      h = task == LAB_TASK_SUPER_RESOLVE ? out.h : in.h;
      w = task == LAB_TASK_SUPER_RESOLVE ? out.w : in.w;
      pixels = g_new (guint8, N_IMAGES * h * w);
      x = g_new (float, N_IMAGES * h * w);
      input = g_new (float, N_IMAGES * lab_shape_size (in));
      for (guint i = 0; i < N_IMAGES * h * w; i++)
        {
          pixels[i] = (guint8) (lab_rng_uniform (&rng) * 256);
          x[i] = (float) pixels[i] / 255.0f;
        }
      write_idx (images, pixels, N_IMAGES, h, w);
      lab_task_make_input (task, x, N_IMAGES, h, w, input);
      g_assert_true (lab_model_set_batch (model, N_IMAGES, &error));
      g_ptr_array_add (ours, g_memdup2 (lab_model_forward (model, input, N_IMAGES, FALSE),
                                        N_IMAGES * lab_shape_size (out) * sizeof (float)));
      g_ptr_array_add (forward, g_strdup (py));
      g_ptr_array_add (forward, g_strdup (images));
      g_ptr_array_add (forward, g_strdup_printf ("%s/%s.out", dir, name));
    }

  run (compile);
  if (!torch)
    g_test_message ("no PyTorch at %s: the generated code was compiled, not run", TORCH_PYTHON);
  else
    {
      run (forward);
      for (guint n = 0; n < names->len; n++)
        {
          g_autoptr(LabSpec) spec = spec_named (g_ptr_array_index (names, n));
          g_autoptr(LabModel) model = lab_model_new (spec, NULL);
          g_autofree char *path = g_strdup_printf ("%s/%s.out", dir, (char *) g_ptr_array_index (names, n));
          g_autofree char *data = NULL;
          g_autoptr(GError) error = NULL;
          gsize len, count = N_IMAGES * lab_shape_size (lab_model_output_shape (model));
          const float *mine = g_ptr_array_index (ours, n);
          double worst = 0;

          g_assert_true (g_file_get_contents (path, &data, &len, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (len, ==, count * sizeof (float));
          for (gsize i = 0; i < count; i++)
            {
              float theirs;

              memcpy (&theirs, data + i * sizeof (float), sizeof theirs);
              g_assert_true (isfinite (theirs));
              worst = MAX (worst, fabs ((double) theirs - mine[i]));
            }
          g_test_message ("%s: max |PyTorch - ours| = %.3g", (char *) g_ptr_array_index (names, n), worst);
          g_assert_cmpfloat (worst, <=, 1e-4);
        }
    }
  lab_test_remove_tree (dir);
}

/* A folder that does not exist: the error names the whole path. Weights
 * that would go over the model file itself leave it alone. */
static void
test_write_errors (void)
{
  g_autoptr(LabModel) model = lab_test_new_preset ("strided-dae", 1);
  g_autofree char *dir = g_dir_make_tmp ("lab-export-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "model.py", NULL);
  g_autofree char *model_path = g_build_filename (dir, "dae.safetensors", NULL);
  g_autofree char *py = g_build_filename (dir, "dae.py", NULL);
  g_autofree char *weights = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf before, after;

  /* the file as it was, not written again (a save renames a new one over it) */

  g_assert_false (lab_export_pytorch (model, NULL, NULL, missing, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, missing));
  g_clear_error (&error);

  g_assert_true (lab_model_save (model, model_path, "{\"epochs\": 3}", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (model_path, &before), ==, 0);
  g_assert_true (lab_export_pytorch (model, NULL, model_path, py, &weights, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (weights, ==, model_path);
  g_assert_cmpint (g_stat (model_path, &after), ==, 0);
  g_assert_cmpint (before.st_ino, ==, after.st_ino);
  lab_test_remove_tree (dir);
}

/* An export over an earlier one under a file-size limit (as a full disk
 * gives; SIGXFSZ ignored, as the app and the CLI do) that the code fits
 * and the weights pass: the error names the weights' whole path, and the
 * earlier code and weights both stay byte for byte, with nothing beside
 * them (before: the new code was put in place beside the old weights of
 * another architecture). */
static void
test_file_size_limit (void)
{
  g_autoptr(LabModel) first = lab_test_new_preset ("cae-tiny", 1);
  g_autoptr(LabModel) second = lab_test_new_preset ("dae-keras32", 2);
  g_autofree char *dir = g_dir_make_tmp ("lab-export-XXXXXX", NULL);
  g_autofree char *py = g_build_filename (dir, "model.py", NULL);
  g_autofree char *weights = g_build_filename (dir, "model.safetensors", NULL);
  g_autofree char *want = g_strconcat (weights, ": cannot save (File too large)", NULL);
  g_autofree char *before = NULL, *after = NULL, *code = NULL;
  g_autoptr(GError) error = NULL;
  struct rlimit saved, limited;

  g_assert_true (lab_export_pytorch (first, NULL, NULL, py, NULL, &error));
  g_assert_no_error (error);
  before = lab_test_snapshot_tree (dir);
  code = lab_export_pytorch_code (lab_model_get_spec (second), NULL, "model.py", "model.safetensors", &error);
  g_assert_no_error (error);
  /* The new code fits under the limit, the new weights do not. */
  g_assert_cmpuint (strlen (code), <, 65536);
  g_assert_cmpuint (lab_model_n_params (second) * sizeof (float), >, 65536);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limited = saved;
  limited.rlim_cur = 65536;
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);
  g_assert_false (lab_export_pytorch (second, NULL, NULL, py, NULL, &error));
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, SIG_DFL);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_assert_cmpstr (error->message, ==, want);
  after = lab_test_snapshot_tree (dir);
  g_assert_cmpstr (after, ==, before);
  lab_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  lab_test_private_tmpdir ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/export-pytorch/layer-lines", test_layer_lines);
  g_test_add_func ("/export-pytorch/modules", test_modules);
  g_test_add_func ("/export-pytorch/every-kind-covered", test_every_kind_covered);
  g_test_add_func ("/export-pytorch/settings", test_settings);
  g_test_add_func ("/export-pytorch/bad-spec", test_bad_spec);
  g_test_add_func ("/export-pytorch/write-errors", test_write_errors);
  g_test_add_func ("/export-pytorch/file-size-limit", test_file_size_limit);
  g_test_add_func ("/export-pytorch/run-generated", test_run_generated);
  return g_test_run ();
}
