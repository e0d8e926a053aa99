#define G_LOG_DOMAIN "latentlab-core"

/* The PyTorch export: the generated lines (the spec, the training settings,
 * one module per layer) between two fixed parts kept as Python files in
 * this folder (lab-export-pytorch-layers.py: the modules LatentLab has and
 * torch.nn has not; lab-export-pytorch-main.py: safetensors and IDX I/O,
 * --check, the training loop and the command line).
 *
 * Between layers the Python keeps LatentLab's shapes, (N, C, H, W) with a
 * vector as (N, C, 1, 1), so every layer takes what the one before gives,
 * whatever the order the architecture editor put them in. */

#include "lab-export-pytorch.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "lab-model-io.h"
#include "lab-noise.h"
#include "lab-optim.h"
#include "lab-save.h"

GResource *lab_export_get_resource (void);

#define RESOURCE_DIR "/io/github/latentlab/LatentLab/core/export/"

/* One of the fixed parts, as text (they are compiled in: never missing). */
static GBytes *
fixed_part (const char *name)
{
  g_autofree char *path = g_strconcat (RESOURCE_DIR, name, NULL);
  GBytes *bytes = g_resource_lookup_data (lab_export_get_resource (), path,
                                          G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  g_assert (bytes != NULL);
  return bytes;
}

static void
append_part (GString    *s,
             const char *name)
{
  g_autoptr(GBytes) bytes = fixed_part (name);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_string_append_len (s, data, (gssize) len);
}

/* The shortest decimal that reads back as v, as Python writes floats
 * (0.001, 1e-05), in any locale. */
static void
append_number (GString *s,
               double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE], format[8];

  for (int precision = 1; precision <= 17; precision++)
    {
      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (s, buf);
}

/* text as a Python string literal: JSON's escapes are Python's too. */
static void
append_string (GString    *s,
               const char *text)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text ? text : "");
  g_autofree char *literal = json_to_string (node, FALSE);

  g_string_append (s, literal);
}

/* text inside a Python string quoted by quote (' or ", one or three):
 * backslashes and that quote escaped. */
static void
append_quoted_block (GString    *s,
                     const char *text,
                     char        quote)
{
  for (const char *p = text; *p; p++)
    {
      if (*p == '\\' || *p == quote)
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
}

/* A number member of a layer's normalised JSON (lab_layer_to_json writes
 * every option, defaults included). */
static double
option_number (JsonObject *o,
               const char *key)
{
  JsonNode *node = json_object_get_member (o, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  return json_node_get_double (node);
}

static guint
option_uint (JsonObject *o,
             const char *key)
{
  return (guint) option_number (o, key);
}

/* The Python expression of one layer, e.g. nn.Conv2d(1, 32, 3, stride=1, padding=1).
 * pixels: what a VAE's KL is divided by (lab-vae-sample.c). */
static gboolean
append_layer (GString   *s,
              LabLayer  *layer,
              gsize      pixels,
              GError   **error)
{
  g_autoptr(JsonNode) node = lab_layer_to_json (layer);
  JsonObject *o = json_node_get_object (node);
  const char *type = layer->klass->type;
  const LabShape in = layer->in, out = layer->out;

  if (g_str_equal (type, "conv2d"))
    {
      guint k = option_uint (o, "kernel"), p;
      const char *padding = json_object_get_member (o, "padding") != NULL
                            && json_node_get_value_type (json_object_get_member (o, "padding")) == G_TYPE_STRING
                            ? json_object_get_string_member (o, "padding") : NULL;

      p = padding == NULL ? option_uint (o, "padding") : g_str_equal (padding, "same") ? (k - 1) / 2 : 0;
      g_string_append_printf (s, "nn.Conv2d(%u, %u, %u, stride=%u, padding=%u)",
                              in.c, option_uint (o, "filters"), k, option_uint (o, "stride"), p);
    }
  else if (g_str_equal (type, "conv_transpose2d"))
    g_string_append_printf (s, "nn.ConvTranspose2d(%u, %u, %u, stride=%u, padding=%u, output_padding=%u)",
                            in.c, option_uint (o, "filters"), option_uint (o, "kernel"),
                            option_uint (o, "stride"), option_uint (o, "padding"),
                            option_uint (o, "output_padding"));
  else if (g_str_equal (type, "maxpool2d"))
    g_string_append_printf (s, "nn.MaxPool2d(%u, stride=%u, ceil_mode=%s)",
                            option_uint (o, "pool"),
                            json_object_has_member (o, "stride") ? option_uint (o, "stride")
                                                                 : option_uint (o, "pool"),
                            option_number (o, "ceil_mode") != 0 ? "True" : "False");
  else if (g_str_equal (type, "avgpool2d"))
    g_string_append_printf (s, "nn.AvgPool2d(%u, stride=%u)", option_uint (o, "pool"),
                            json_object_has_member (o, "stride") ? option_uint (o, "stride")
                                                                 : option_uint (o, "pool"));
  else if (g_str_equal (type, "upsample2d"))
    g_string_append_printf (s, "nn.Upsample(scale_factor=%u, mode=\"nearest\")", option_uint (o, "scale"));
  else if (g_str_equal (type, "dense"))
    g_string_append_printf (s, "Dense(%" G_GSIZE_FORMAT ", %u)", lab_shape_size (in), out.c);
  else if (g_str_equal (type, "flatten"))
    g_string_append (s, "Flatten()");
  else if (g_str_equal (type, "reshape"))
    g_string_append_printf (s, "Reshape(%u, %u, %u)", out.c, out.h, out.w);
  else if (g_str_equal (type, "batchnorm2d") || g_str_equal (type, "batchnorm1d"))
    {
      g_string_append_printf (s, "%s(%u, eps=", g_str_equal (type, "batchnorm2d") ? "nn.BatchNorm2d"
                                                                                    : "BatchNorm1d", in.c);
      append_number (s, option_number (o, "eps"));
      g_string_append (s, ", momentum=");
      append_number (s, option_number (o, "momentum"));
      g_string_append (s, ")");
    }
  else if (g_str_equal (type, "relu"))
    g_string_append (s, "nn.ReLU()");
  else if (g_str_equal (type, "leaky_relu"))
    {
      /* both multiply by the slope as a float */
      g_string_append (s, "nn.LeakyReLU(");
      append_number (s, option_number (o, "slope"));
      g_string_append (s, ")");
    }
  else if (g_str_equal (type, "sigmoid"))
    g_string_append (s, "nn.Sigmoid()");
  else if (g_str_equal (type, "tanh"))
    g_string_append (s, "nn.Tanh()");
  else if (g_str_equal (type, "softmax"))
    g_string_append (s, "nn.Softmax(dim=1)");
  else if (g_str_equal (type, "dropout"))
    {
      g_string_append (s, "nn.Dropout(");
      append_number (s, option_number (o, "rate"));
      g_string_append (s, ")");
    }
  else if (g_str_equal (type, "vae_sample"))
    {
      g_string_append (s, "VaeSample(beta=");
      append_number (s, option_number (o, "beta"));
      g_string_append_printf (s, ", pixels=%" G_GSIZE_FORMAT ")", pixels);
    }
  else
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The PyTorch export does not know the layer type “%s” yet", type);
      return FALSE;
    }
  return TRUE;
}

/* What the model learns, as lab_task_for_size decides it from the shapes. */
static const char *
task_name (const LabSpec *spec,
           LabShape       out)
{
  if (spec->loss == LAB_LOSS_SOFTMAX_CE)
    return "classify";
  if (out.h == 2 * spec->input.h && out.w == 2 * spec->input.w)
    return "super-resolve";
  return "reconstruct";
}

static void
append_header (GString              *s,
               const LabSpec        *spec,
               const char           *py_name,
               const char           *weights_name)
{
  g_string_append (s, "#!/usr/bin/env python3\n\"\"\"");
  append_quoted_block (s, spec->name, '"');
  g_string_append (s, ": a LatentLab model as PyTorch code.\n\n");
  if (spec->description != NULL)
    {
      append_quoted_block (s, spec->description, '"');
      g_string_append (s, "\n\n");
    }
  g_string_append_printf (s,
    "Model is its nn.Module; the weights are in %s beside this file\n"
    "(safetensors, with PyTorch's state_dict names \"<layer>.<tensor>\").\n"
    "\n"
    "  python3 %s --check IMAGES-idx3-ubyte[.gz]\n"
    "      the clean reconstruction MSE on those images, as\n"
    "      `latentlab-cli eval --noise none` prints it (a classifier: --labels, accuracy)\n"
    "  python3 %s --train train-images-idx3-ubyte.gz --out more.safetensors\n"
    "      go on training with the settings LatentLab used (see --help), on the GPU\n"
    "      when there is one; LatentLab opens the saved file again\n"
    "  torchrun --nproc_per_node=4 %s --train IMAGES --distributed --out more.safetensors\n"
    "      the same with DistributedDataParallel, one process per GPU (or CPU\n"
    "      processes with gloo), each taking a share of every batch; on a\n"
    "      cluster add --nnodes=N --rdzv_backend=c10d --rdzv_endpoint=HOST:29500\n"
    "      and start it on every node\n"
    "\n"
    "Needs PyTorch; reads the weights with the safetensors package when it is\n"
    "installed, else with a few lines of its own. Written by LatentLab's export.\n"
    "\"\"\"\n",
    weights_name, py_name, py_name, py_name);
  g_string_append (s, "import argparse\nimport gzip\nimport json\nimport math\nimport os\n"
                      "import struct\nimport sys\n\nimport torch\nimport torch.nn as nn\n"
                      "import torch.nn.functional as F\n\n");
}

static void
append_settings (GString              *s,
                 const LabSpec        *spec,
                 const LabTrainRecord *record,
                 const char           *weights_name,
                 LabShape              out)
{
  g_autofree char *spec_json = lab_spec_to_string (spec, FALSE);
  g_autofree char *noise = lab_noise_to_string (&record->config.noise);

  g_string_append (s, "# The architecture as LatentLab has it (the model file's \"spec\").\nSPEC = json.loads('''");
  append_quoted_block (s, spec_json, '\'');
  g_string_append (s, "''')\n\n# How LatentLab trained it: the defaults of --train.\nTRAIN = {\n    \"dataset\": ");
  append_string (s, record->dataset);
  g_string_append_printf (s, ",\n    \"epochs\": %u,\n    \"batch\": %u,\n    \"lr\": ",
                          record->config.epochs, record->config.batch);
  append_number (s, record->config.lr);
  g_string_append (s, ",\n    \"optimizer\": ");
  append_string (s, lab_optim_kind_name (record->config.optimizer));
  g_string_append (s, ",\n    \"noise\": ");
  append_string (s, noise);
  g_string_append_printf (s, ",\n    \"seed\": %" G_GUINT64_FORMAT ",\n    \"limit\": %u,\n}\n",
                          record->config.seed, record->config.limit);
  g_string_append (s, "WEIGHTS = ");
  append_string (s, weights_name);
  g_string_append_printf (s, "\nLOSS = \"%s\"          # mse, bce or softmax_ce (on the logits)\n"
                             "TASK = \"%s\"\n"
                             "INPUT_SHAPE = (%u, %u, %u)\nOUTPUT_SHAPE = (%u, %u, %u)\n"
                             "ENCODER_LAYERS = %u\n",
                          lab_loss_name (spec->loss), task_name (spec, out),
                          spec->input.c, spec->input.h, spec->input.w, out.c, out.h, out.w,
                          spec->encoder_layers);
}

char *
lab_export_pytorch_code (const LabSpec         *spec,
                         const LabTrainRecord  *record,
                         const char            *py_name,
                         const char            *weights_name,
                         GError               **error)
{
  g_autoptr(GPtrArray) layers = NULL;
  g_autoptr(LabTrainRecord) defaults = NULL;
  g_autoptr(GString) s = g_string_new (NULL);
  gsize n_params = 0, pixels;
  LabShape shape;

  g_return_val_if_fail (spec != NULL && py_name != NULL && weights_name != NULL, NULL);

  layers = lab_spec_new_layers (spec, &n_params, error);
  if (layers == NULL)
    return NULL;
  shape = ((LabLayer *) g_ptr_array_index (layers, layers->len - 1))->out;
  if (record == NULL)
    record = defaults = lab_train_record_new (NULL, NULL);
  pixels = spec->loss == LAB_LOSS_SOFTMAX_CE ? 1 : lab_shape_size (shape);

  append_header (s, spec, py_name, weights_name);
  append_settings (s, spec, record, weights_name, shape);
  append_part (s, "lab-export-pytorch-layers.py");

  g_string_append (s, "\n\nclass Model(LatentLabSequential):\n    \"\"\"");
  append_quoted_block (s, spec->name, '"');
  g_string_append_printf (s, ": %" G_GSIZE_FORMAT " parameters; each layer's output shape "
                             "is written after it\n    as Keras prints it, (None, H, W, C) "
                             "or (None, features).\"\"\"\n\n"
                             "    def __init__(self):\n        super().__init__(\n", n_params);
  for (guint i = 0; i < layers->len; i++)
    {
      LabLayer *layer = g_ptr_array_index (layers, i);
      g_autofree char *keras = lab_shape_to_keras (layer->out);
      gsize start;

      g_string_append (s, "            ");
      start = s->len;
      if (!append_layer (s, layer, pixels, error))
        return NULL;
      g_string_append_c (s, ',');
      /* the comments in one column where the lines allow */
      for (gsize width = s->len - start; width < 60; width++)
        g_string_append_c (s, ' ');
      g_string_append_printf (s, "  # %u: %s%s\n", i, keras,
                              i + 1 == spec->encoder_layers ? ", the latent" : "");
    }
  g_string_append (s, "        )\n");
  append_part (s, "lab-export-pytorch-main.py");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

char *
lab_export_pytorch_weights_path (const char *py_path)
{
  g_autofree char *stem = g_str_has_suffix (py_path, ".py")
                          ? g_strndup (py_path, strlen (py_path) - 3) : g_strdup (py_path);

  return g_strconcat (stem, ".safetensors", NULL);
}

/* lab_save's "NAME: cannot save (...)" with the whole path for NAME: the
 * folder is often what is wrong. */
static void
name_whole_path (GError     *error,
                 const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  char *message;

  if (error == NULL || !g_str_has_prefix (error->message, base)
      || strncmp (error->message + strlen (base), ": ", 2) != 0 || g_str_equal (base, path))
    return;
  message = g_strconcat (path, error->message + strlen (base), NULL);
  g_free (error->message);
  error->message = message;
}

static gboolean
same_file (const char *a,
           const char *b)
{
  GStatBuf sa, sb;

  return a != NULL && g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0
         && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

gboolean
lab_export_pytorch (LabModel    *model,
                    const char  *train_json,
                    const char  *model_path,
                    const char  *py_path,
                    char       **weights_path,
                    GError     **error)
{
  g_autofree char *weights = lab_export_pytorch_weights_path (py_path);
  g_autofree char *py_name = g_path_get_basename (py_path);
  g_autofree char *weights_name = g_path_get_basename (weights);
  g_autoptr(LabTrainRecord) record = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *code = NULL;
  LabSave *code_save, *weights_save;
  gboolean ok = FALSE;

  g_return_val_if_fail (model != NULL && py_path != NULL, FALSE);

  if (train_json != NULL)
    record = lab_train_record_new_from_json (train_json, NULL);
  code = lab_export_pytorch_code (lab_model_get_spec (model), record, py_name, weights_name, error);
  if (code == NULL)
    return FALSE;
  /* The code and the weights go in place together, or neither (the
   * previous pair stays): code beside weights of another architecture
   * would not load them. */
  code_save = lab_save_begin (py_path, &local_error);
  if (code_save != NULL)
    {
      lab_save_write (code_save, code, strlen (code));
      if (same_file (model_path, weights))
        ok = lab_save_commit (code_save, &local_error);
      else if ((weights_save = lab_model_save_begin (model, weights, train_json, &local_error)) == NULL)
        lab_save_abandon (code_save);
      else
        ok = lab_save_commit_pair (code_save, weights_save, &local_error);
    }
  if (!ok)
    {
      name_whole_path (local_error, py_path);
      name_whole_path (local_error, weights);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (weights_path != NULL)
    *weights_path = g_steal_pointer (&weights);
  return TRUE;
}
