#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lab-model-io.h"
#include "lab-model.h"
#include "lab-presets.h"
#include "lab-safetensors.h"
#include "lab-test-system.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("test-safetensors-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  g_chmod (path, 0755);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->dir);
}

static LabModel *
new_model (const char *preset,
           guint64     seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_presets_get (preset, &error);
  LabModel *model;

  g_assert_no_error (error);
  model = lab_model_new (spec, &error);
  g_assert_no_error (error);
  lab_model_init (model, LAB_INIT_TORCH, seed);
  /* Running statistics away from their 0 / 1 start, so a lost buffer shows. */
  for (gsize i = 0; i < lab_model_n_buffers (model); i++)
    lab_model_buffers (model)[i] = 0.25f + 0.001f * (float) i;
  return model;
}

/* 8-byte length, header, data: a file exactly as given. */
static void
write_raw (const char *path,
           const char *header,
           const void *data,
           gsize       data_len)
{
  gsize hlen = strlen (header);
  guint64 le = GUINT64_TO_LE ((guint64) hlen);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  g_byte_array_append (bytes, (const guint8 *) &le, 8);
  g_byte_array_append (bytes, (const guint8 *) header, hlen);
  if (data_len)
    g_byte_array_append (bytes, data, data_len);
  g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error);
  g_assert_no_error (error);
}

static void
assert_open_fails (const char *path,
                   int         code,
                   const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSafetensors) st = lab_safetensors_open (path, &error);

  g_assert_null (st);
  g_assert_error (error, LAB_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, fragment));
  /* Every message starts with the file's name. */
  g_assert_true (g_str_has_prefix (error->message, "bad.safetensors: "));
}

static void
test_writer_round_trip (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "t.safetensors", NULL);
  g_autoptr(LabSafetensorsWriter) w = lab_safetensors_writer_new ();
  g_autoptr(LabSafetensors) st = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const float a[6] = { 1.5f, -2.0f, 3.25f, 0.0f, -0.0f, 1e-30f };
  const gint64 count = 1234567890123;
  const guint64 shape_a[2] = { 2, 3 };
  const LabSafetensorsTensor *ta, *tc;
  guint64 header_len;
  gsize len;
  float back[6];
  gint64 back_count;

  lab_safetensors_writer_add (w, "0.weight", "F32", 2, shape_a, a);
  lab_safetensors_writer_add (w, "1.num_batches_tracked", "I64", 0, NULL, &count);
  lab_safetensors_writer_set_metadata (w, "format", "latentlab-1");
  lab_safetensors_writer_set_metadata (w, "note", "ünïcode \"quoted\"");
  g_assert_true (lab_safetensors_writer_save (w, path, &error));
  g_assert_no_error (error);

  /* The header is padded so the data starts on an 8-byte boundary. */
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  memcpy (&header_len, contents, 8);
  header_len = GUINT64_FROM_LE (header_len);
  g_assert_cmpuint ((8 + header_len) % 8, ==, 0);
  g_assert_cmpuint (len, ==, 8 + header_len + sizeof a + 8);
  g_assert_cmpint (contents[8], ==, '{');

  st = lab_safetensors_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lab_safetensors_n_tensors (st), ==, 2);
  ta = lab_safetensors_find (st, "0.weight");
  g_assert_nonnull (ta);
  g_assert_cmpstr (ta->dtype, ==, "F32");
  g_assert_cmpuint (ta->ndim, ==, 2);
  g_assert_cmpuint (ta->shape[0], ==, 2);
  g_assert_cmpuint (ta->shape[1], ==, 3);
  memcpy (back, lab_safetensors_tensor_data (st, ta), sizeof back);
  g_assert_cmpmem (back, sizeof back, a, sizeof a);
  tc = lab_safetensors_find (st, "1.num_batches_tracked");
  g_assert_nonnull (tc);
  g_assert_cmpstr (tc->dtype, ==, "I64");
  g_assert_cmpuint (tc->ndim, ==, 0);
  memcpy (&back_count, lab_safetensors_tensor_data (st, tc), 8);
  g_assert_cmpint (GINT64_FROM_LE (back_count), ==, count);
  g_assert_cmpstr (lab_safetensors_get_metadata (st, "note"), ==, "ünïcode \"quoted\"");
  g_assert_cmpstr (lab_safetensors_get_metadata (st, "format"), ==, "latentlab-1");
  g_assert_null (lab_safetensors_get_metadata (st, "spec"));
}

static void
assert_models_equal (LabModel *a,
                     LabModel *b)
{
  g_autofree char *sa = lab_spec_to_string (lab_model_get_spec (a), FALSE);
  g_autofree char *sb = lab_spec_to_string (lab_model_get_spec (b), FALSE);

  g_assert_cmpstr (sa, ==, sb);
  g_assert_cmpuint (lab_model_n_params (a), ==, lab_model_n_params (b));
  g_assert_cmpmem (lab_model_params (a), lab_model_n_params (a) * sizeof (float),
                   lab_model_params (b), lab_model_n_params (b) * sizeof (float));
  g_assert_cmpmem (lab_model_buffers (a), lab_model_n_buffers (a) * sizeof (float),
                   lab_model_buffers (b), lab_model_n_buffers (b) * sizeof (float));
  g_assert_cmpuint (lab_model_get_batches_tracked (a), ==, lab_model_get_batches_tracked (b));
}

static void
test_model_round_trip (Fixture       *f,
                       gconstpointer  data)
{
  const char *presets[] = { "convae-bn", "cae-tiny", "vae-conv16" };

  for (guint p = 0; p < G_N_ELEMENTS (presets); p++)
    {
      g_autofree char *path = g_build_filename (f->dir, "model.safetensors", NULL);
      g_autoptr(LabModel) model = new_model (presets[p], 7 + p);
      g_autoptr(LabModel) back = NULL;
      g_autoptr(LabSafetensors) st = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *train = NULL;
      const char *train_json = "{\"dataset\":\"mnist\",\"epochs\":5,\"train_loss\":[0.1,0.09]}";

      /* Only BatchNorm layers carry num_batches_tracked into the file. */
      if (lab_model_n_buffers (model) > 0)
        lab_model_set_batches_tracked (model, 469 * 5);
      g_assert_true (lab_model_save (model, path, train_json, &error));
      g_assert_no_error (error);

      back = lab_model_load (path, &train, &error);
      g_assert_no_error (error);
      g_assert_nonnull (back);
      assert_models_equal (model, back);
      g_assert_cmpstr (train, ==, train_json);

      /* Names and layouts as PyTorch's state_dict has them. */
      st = lab_safetensors_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (lab_safetensors_get_metadata (st, "format"), ==, "latentlab-1");
      if (p == 0)
        {
          const LabSafetensorsTensor *t = lab_safetensors_find (st, "16.weight");

          /* convae_bn[16] is ConvTranspose2d(64, 32, 3): weight [in, out, kh, kw] */
          g_assert_nonnull (t);
          g_assert_cmpuint (t->ndim, ==, 4);
          g_assert_cmpuint (t->shape[0], ==, 64);
          g_assert_cmpuint (t->shape[1], ==, 32);
          g_assert_nonnull (lab_safetensors_find (st, "1.running_var"));
          g_assert_nonnull (lab_safetensors_find (st, "10.bias"));
          t = lab_safetensors_find (st, "17.num_batches_tracked");
          g_assert_nonnull (t);
          g_assert_cmpstr (t->dtype, ==, "I64");
          /* as len(convae_bn().state_dict()): 13 layers x weight+bias, 5 BN x 3 buffers */
          g_assert_cmpuint (lab_safetensors_n_tensors (st), ==, 13 * 2 + 5 * 3);
          /* Linear(6272, 64) is [out, in] */
          t = lab_safetensors_find (st, "10.weight");
          g_assert_cmpuint (t->shape[0], ==, 64);
          g_assert_cmpuint (t->shape[1], ==, 6272);
        }
    }
}

/* A file from another tool: tensors only, loaded into a chosen architecture. */
static void
test_load_weights_without_spec (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "weights.safetensors", NULL);
  g_autoptr(LabModel) src = new_model ("strided-dae", 1);
  g_autoptr(LabModel) dst = new_model ("strided-dae", 2);
  g_autoptr(LabSafetensorsWriter) w = lab_safetensors_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) none = NULL;

  for (guint i = 0; i < lab_model_n_layers (src); i++)
    {
      LabLayer *layer = lab_model_get_layer (src, i);
      for (guint t = 0; t < layer->n_tensors; t++)
        {
          g_autofree char *name = g_strdup_printf ("%u.%s", i, layer->tensors[t].name);
          guint64 shape[4];
          for (guint d = 0; d < layer->tensors[t].ndim; d++)
            shape[d] = layer->tensors[t].dims[d];
          lab_safetensors_writer_add (w, name, "F32", layer->tensors[t].ndim, shape,
                                      lab_model_params (src) + lab_model_param_offset (src, i)
                                      + layer->tensors[t].offset);
        }
    }
  g_assert_true (lab_safetensors_writer_save (w, path, &error));

  g_assert_true (lab_model_load_weights (dst, path, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (lab_model_params (src), lab_model_n_params (src) * 4,
                   lab_model_params (dst), lab_model_n_params (dst) * 4);

  none = lab_model_load (path, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "has no architecture"));
}

static void
test_corrupt_headers (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "bad.safetensors", NULL);
  const float data12[3] = { 1, 2, 3 };
  guint64 huge = GUINT64_TO_LE (G_GUINT64_CONSTANT (1) << 40);

  /* Shorter than the length field. */
  g_assert_true (g_file_set_contents (path, "abc", 3, NULL));
  assert_open_fails (path, LAB_ERROR_TRUNCATED, "too short");

  /* A header length past the end of the file: nothing is allocated for it. */
  {
    guint8 bytes[20] = { 0 };
    memcpy (bytes, &huge, 8);
    g_assert_true (g_file_set_contents (path, (const char *) bytes, sizeof bytes, NULL));
    assert_open_fails (path, LAB_ERROR_TRUNCATED, "header claims 1099511627776 bytes");
  }

  write_raw (path, "{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 12]", data12, 12);
  assert_open_fails (path, LAB_ERROR_FORMAT, "not valid JSON");

  write_raw (path, "[1, 2, 3]", NULL, 0);
  assert_open_fails (path, LAB_ERROR_FORMAT, "must be a JSON object");

  write_raw (path, "{\"a\": {\"dtype\": \"F33\", \"shape\": [3], \"data_offsets\": [0, 12]}}", data12, 12);
  assert_open_fails (path, LAB_ERROR_FORMAT, "unknown dtype “F33”");

  write_raw (path, "{\"a\": {\"dtype\": \"F32\", \"shape\": [-3], \"data_offsets\": [0, 12]}}", data12, 12);
  assert_open_fails (path, LAB_ERROR_FORMAT, "invalid size");

  write_raw (path, "{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 12]}}", data12, 12);
  assert_open_fails (path, LAB_ERROR_FORMAT, "needs a different size");

  write_raw (path, "{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [12, 0]}}", data12, 12);
  assert_open_fails (path, LAB_ERROR_FORMAT, "begin ≤ end");

  /* Offsets past the data: the tensor says where it wanted to read. */
  write_raw (path, "{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [4, 16]}}", data12, 12);
  assert_open_fails (path, LAB_ERROR_TRUNCATED, "tensor a needs bytes 4 to 16 of the data, but the file holds only 12");

  write_raw (path, "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                   " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", data12, 12);
  assert_open_fails (path, LAB_ERROR_FORMAT, "overlap");

  /* An empty tensor between two that overlap does not hide the overlap
   * (sorted by start: a [0,8), e [4,4), b [4,12)), whatever the names' order. */
  write_raw (path, "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                   " \"e\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [4, 4]},"
                   " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", data12, 12);
  assert_open_fails (path, LAB_ERROR_FORMAT,
                     "tensors a and e overlap in the data (empty tensor e starts at byte 4, "
                     "inside a's bytes 0 to 8)");
  /* Three tensors where only the first and the third overlap. */
  write_raw (path, "{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 12]},"
                   " \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]},"
                   " \"c\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 12]}}", data12, 12);
  assert_open_fails (path, LAB_ERROR_FORMAT, "tensors a and b overlap");
  /* Empty tensors at the edges of others, and two at one place, share no
   * bytes: the file opens. */
  write_raw (path, "{\"e0\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [0, 0]},"
                   " \"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},"
                   " \"e1\": {\"dtype\": \"F32\", \"shape\": [0, 5], \"data_offsets\": [4, 4]},"
                   " \"e2\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [4, 4]},"
                   " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]},"
                   " \"e3\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [12, 12]}}", data12, 12);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LabSafetensors) st = lab_safetensors_open (path, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (lab_safetensors_n_tensors (st), ==, 6);
  }

  write_raw (path, "{\"__metadata__\": {\"spec\": 3}}", NULL, 0);
  assert_open_fails (path, LAB_ERROR_FORMAT, "metadata “spec” must be a string");

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *missing = g_build_filename (f->dir, "missing.safetensors", NULL);
    g_assert_null (lab_safetensors_open (missing, &error));
    g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND);
    g_assert_true (g_str_has_prefix (error->message, "missing.safetensors: "));
  }
}

/* Saves model to path and returns the file's bytes. */
static GBytes *
save_and_read (LabModel   *model,
               const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize len;

  g_assert_true (lab_model_save (model, path, NULL, &error));
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  return g_bytes_new_take (contents, len);
}

/* Replaces the first `from` in the header by `to` (same length), keeping the data. */
static void
patch_file (const char *path,
            GBytes     *original,
            const char *from,
            const char *to)
{
  gsize len = g_bytes_get_size (original);
  g_autofree char *copy = g_memdup2 (g_bytes_get_data (original, NULL), len);
  guint64 hlen;
  char *hit;

  g_assert_cmpuint (strlen (from), ==, strlen (to));
  memcpy (&hlen, copy, 8);
  hit = g_strstr_len (copy + 8, (gssize) GUINT64_FROM_LE (hlen), from);
  g_assert_nonnull (hit);
  memcpy (hit, to, strlen (to));
  g_assert_true (g_file_set_contents (path, copy, len, NULL));
}

static void
assert_load_fails (const char *path,
                   int         code,
                   const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = lab_model_load (path, NULL, &error);

  g_assert_null (model);
  g_assert_error (error, LAB_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, message));
}

static void
test_corrupt_models (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "bad.safetensors", NULL);
  g_autoptr(LabModel) model = new_model ("dae-keras32", 3);
  g_autoptr(GBytes) good = save_and_read (model, path);
  gsize len;
  const char *bytes = g_bytes_get_data (good, &len);

  /* Wrong dtype (same size, so only the dtype check can catch it). */
  patch_file (path, good, "\"dtype\":\"F32\"", "\"dtype\":\"I32\"");
  assert_load_fails (path, LAB_ERROR_FORMAT, "has dtype I32; LatentLab reads float32");

  /* A tensor renamed: one missing, one unexpected. */
  patch_file (path, good, "\"12.bias\"", "\"12.beta\"");
  assert_load_fails (path, LAB_ERROR_MISMATCH, "tensor 12.bias is missing");

  /* The architecture in the metadata (a JSON string, so its quotes are
   * escaped) changed under the weights. */
  patch_file (path, good, "\\\"filters\\\":32", "\\\"filters\\\":48");
  assert_load_fails (path, LAB_ERROR_MISMATCH,
                     "bad.safetensors: tensor 0.weight has shape [32,1,3,3], "
                     "the architecture needs [48,1,3,3]");

  /* Cut short: the last tensors' bytes are gone. */
  g_assert_true (g_file_set_contents (path, bytes, len - 100, NULL));
  assert_load_fails (path, LAB_ERROR_TRUNCATED, "is it cut short?");

  /* An architecture that does not build is reported with the file's name. */
  patch_file (path, good, "\\\"encoder_layers\\\":6", "\\\"encoder_layers\\\":0");
  assert_load_fails (path, LAB_ERROR_FORMAT, "bad.safetensors: “encoder_layers” must be");

  /* An extra tensor the architecture has no place for. */
  {
    g_autoptr(LabSafetensorsWriter) w = lab_safetensors_writer_new ();
    g_autoptr(LabSafetensors) st = NULL;
    g_autoptr(GError) error = NULL;
    const float extra[2] = { 1, 2 };
    const guint64 shape[1] = { 2 };
    g_autofree char *good_path = g_build_filename (f->dir, "good.safetensors", NULL);

    g_assert_true (g_file_set_contents (good_path, bytes, len, NULL));
    st = lab_safetensors_open (good_path, &error);
    g_assert_no_error (error);
    lab_safetensors_writer_set_metadata (w, "format", "latentlab-1");
    lab_safetensors_writer_set_metadata (w, "spec", lab_safetensors_get_metadata (st, "spec"));
    for (guint i = 0; i < lab_safetensors_n_tensors (st); i++)
      {
        const LabSafetensorsTensor *t = lab_safetensors_get_tensor (st, i);
        lab_safetensors_writer_add (w, t->name, "F32", t->ndim, t->shape,
                                    lab_safetensors_tensor_data (st, t));
      }
    lab_safetensors_writer_add (w, "99.weight", "F32", 1, shape, extra);
    g_assert_true (lab_safetensors_writer_save (w, path, &error));
    assert_load_fails (path, LAB_ERROR_MISMATCH, "tensor 99.weight is not part of the architecture");
  }

  /* A future format is refused rather than misread. */
  patch_file (path, good, "latentlab-1", "latentlab-9");
  assert_load_fails (path, LAB_ERROR_FORMAT, "newer LatentLab");
}

/* A small file whose architecture claims far more weights than it holds
 * (a dense layer of 600,000 units and one back to 784: 3.8 GB of weights,
 * as much again for their gradients) is refused from its header, before
 * the model is built:
 * under an address-space limit of 256 MB more than the process maps, an
 * allocation of what the metadata claims would abort in GLib. */
static void
test_claims_more_than_it_holds (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "huge.safetensors", NULL);
  g_autoptr(LabSafetensorsWriter) w = lab_safetensors_writer_new ();
  g_autoptr(GError) error = NULL;
  const char *spec =
    "{\"name\":\"huge\",\"input\":[1,28,28],\"loss\":\"mse\",\"encoder_layers\":2,"
    "\"layers\":[{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":600000},"
    "{\"type\":\"dense\",\"units\":784},{\"type\":\"reshape\",\"shape\":[1,28,28]}]}";
  const float small[4] = { 1, 2, 3, 4 };
  const guint64 small_shape[1] = { 4 };
  GStatBuf st;

  lab_safetensors_writer_set_metadata (w, "format", LAB_MODEL_FILE_FORMAT);
  lab_safetensors_writer_set_metadata (w, "spec", spec);
  g_assert_true (lab_safetensors_writer_save (w, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, <, 1024);

  lab_test_limit_address_space (G_GUINT64_CONSTANT (256) << 20);
  assert_load_fails (path, LAB_ERROR_MISMATCH,
                     "huge.safetensors: tensor 1.weight is missing; the architecture “huge” "
                     "needs it (shape [600000,784])");

  /* A tensor of the right name but a small shape: named with both shapes. */
  {
    g_autoptr(LabSafetensorsWriter) w2 = lab_safetensors_writer_new ();
    const guint64 wrong[2] = { 2, 2 };

    lab_safetensors_writer_set_metadata (w2, "format", LAB_MODEL_FILE_FORMAT);
    lab_safetensors_writer_set_metadata (w2, "spec", spec);
    lab_safetensors_writer_add (w2, "1.weight", "F32", 2, wrong, small);
    lab_safetensors_writer_add (w2, "1.bias", "F32", 1, small_shape, small);
    g_assert_true (lab_safetensors_writer_save (w2, path, &error));
    g_assert_no_error (error);
    assert_load_fails (path, LAB_ERROR_MISMATCH,
                       "huge.safetensors: tensor 1.weight has shape [2,2], "
                       "the architecture needs [600000,784]");
  }
  lab_test_restore_address_space ();
}

/* Architecture mismatch through load_weights, naming both shapes. */
static void
test_shape_mismatch_message (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "model.safetensors", NULL);
  g_autoptr(LabModel) small = new_model ("dae-keras32", 1);
  g_autoptr(LabModel) other = NULL;
  g_autoptr(LabSpec) spec = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *before = NULL;
  /* dae-keras32's first two layers, then a reshape to 64 channels, so layer
   * 3 is a conv whose weight is [64,64,3,3] where the file has [64,32,3,3]. */
  const char *json =
    "{\"name\":\"wide\",\"input\":[1,28,28],\"loss\":\"bce\",\"encoder_layers\":2,\"layers\":["
    "{\"type\":\"conv2d\",\"filters\":32,\"kernel\":3,\"stride\":1,\"padding\":1},{\"type\":\"relu\"},"
    "{\"type\":\"reshape\",\"shape\":[64,14,28]},"
    "{\"type\":\"conv2d\",\"filters\":64,\"kernel\":3,\"stride\":1,\"padding\":1}]}";

  g_assert_true (lab_model_save (small, path, NULL, &error));
  spec = lab_spec_new_from_string (json, -1, NULL, &error);
  g_assert_no_error (error);
  other = lab_model_new (spec, &error);
  g_assert_no_error (error);
  lab_model_init (other, LAB_INIT_TORCH, 9);
  before = g_memdup2 (lab_model_params (other), lab_model_n_params (other) * 4);

  g_assert_false (lab_model_load_weights (other, path, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
  g_assert_cmpstr (error->message, ==,
                   "model.safetensors: tensor 3.weight has shape [64,32,3,3], "
                   "the architecture needs [64,64,3,3]");
  /* Nothing was half-loaded. */
  g_assert_cmpmem (before, lab_model_n_params (other) * 4,
                   lab_model_params (other), lab_model_n_params (other) * 4);
}

/* A save that fails leaves the file that was there as it was. */
static void
test_failed_save_keeps_old_file (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(LabModel) a = new_model ("cae-tiny", 1);
  g_autoptr(LabModel) b = new_model ("cae-tiny", 2);
  g_autofree char *short_path = g_build_filename (f->dir, "a.safetensors", NULL);
  g_autoptr(GBytes) old = save_and_read (a, short_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *missing_dir = g_build_filename (f->dir, "no-such-dir", "m.safetensors", NULL);
  /* A 250-byte name exists, but the temporary file beside it (name plus
   * ".XXXXXX.part") is longer than any file name may be, so the save fails
   * before touching it, even for root. */
  g_autofree char *long_name = g_strnfill (250 - strlen (".safetensors"), 'm');
  g_autofree char *long_base = g_strconcat (long_name, ".safetensors", NULL);
  g_autofree char *long_path = g_build_filename (f->dir, long_base, NULL);
  g_autofree char *after = NULL;
  gsize after_len;

  g_assert_cmpint (g_rename (short_path, long_path), ==, 0);
  g_assert_false (lab_model_save (b, long_path, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, long_base));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (long_path, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, g_bytes_get_data (old, NULL), g_bytes_get_size (old));
  {
    g_autoptr(LabModel) back = lab_model_load (long_path, NULL, &error);
    g_assert_no_error (error);
    assert_models_equal (a, back);
  }

  g_assert_false (lab_model_save (b, missing_dir, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, "m.safetensors: cannot save"));
  g_clear_error (&error);

  /* A read-only folder also refuses, for users other than root. */
  if (geteuid () != 0)
    {
      g_autofree char *ro_dir = g_build_filename (f->dir, "ro", NULL);
      g_autofree char *ro_path = g_build_filename (ro_dir, "m.safetensors", NULL);
      g_autoptr(GBytes) ro_old = NULL;
      g_autofree char *ro_after = NULL;
      gsize ro_len;

      g_assert_cmpint (g_mkdir (ro_dir, 0755), ==, 0);
      ro_old = save_and_read (a, ro_path);
      g_assert_cmpint (g_chmod (ro_dir, 0555), ==, 0);
      g_assert_false (lab_model_save (b, ro_path, NULL, &error));
      g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
      g_assert_true (g_file_get_contents (ro_path, &ro_after, &ro_len, NULL));
      g_assert_cmpmem (ro_after, ro_len, g_bytes_get_data (ro_old, NULL), g_bytes_get_size (ro_old));
      g_chmod (ro_dir, 0755);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/safetensors/writer-round-trip", test_writer_round_trip);
  ADD ("/safetensors/model-round-trip", test_model_round_trip);
  ADD ("/safetensors/load-weights", test_load_weights_without_spec);
  ADD ("/safetensors/corrupt-headers", test_corrupt_headers);
  ADD ("/safetensors/corrupt-models", test_corrupt_models);
  ADD ("/safetensors/shape-mismatch", test_shape_mismatch_message);
  ADD ("/safetensors/claims-more-than-it-holds", test_claims_more_than_it_holds);
  ADD ("/safetensors/failed-save", test_failed_save_keeps_old_file);
#undef ADD
  return g_test_run ();
}
