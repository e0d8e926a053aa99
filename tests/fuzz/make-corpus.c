#define G_LOG_DOMAIN "latentlab-fuzz"

/* Writes the fuzz harnesses' seed corpora and the JSON dictionaries from
 * the built-in synthetic digits and a few tiny models, with the project's
 * own writers where it has them:
 *
 *   build/tests/fuzz/make-corpus tests/fuzz
 *
 * makes tests/fuzz/corpus/<harness>/ and tests/fuzz/{spec,model}.dict.
 * Every input is small (a few kB), so the replay suite stays fast. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <png.h>

#include "lab-idx.h"
#include "lab-layer.h"
#include "lab-model-io.h"
#include "lab-png.h"
#include "lab-presets.h"
#include "lab-safetensors.h"
#include "lab-session-file.h"
#include "lab-spec.h"
#include "lab-synthetic.h"
#include "lab-train-record.h"

static const char *out_dir;
static char *tmp_dir;

static void
die (GError *error)
{
  g_printerr ("make-corpus: %s\n", error->message);
  exit (1);
}

static void
put (const char   *harness,
     const char   *name,
     const guint8 *data,
     gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (out_dir, "corpus", harness, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    g_error ("%s: %s", dir, g_strerror (errno));
  if (!g_file_set_contents (path, (const char *) data, (gssize) len, &error))
    die (error);
}

static void
put_text (const char *harness,
          const char *name,
          const char *text)
{
  put (harness, name, (const guint8 *) text, strlen (text));
}

static GBytes *
slurp (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, &error))
    die (error);
  g_unlink (path);
  return g_bytes_new_take (data, len);
}

/* The first n digits, shrunk to side x side. */
static LabDataset *
digits (LabDataset *all,
        guint       n,
        guint       side)
{
  g_autoptr(GError) error = NULL;
  LabDataset *ds = lab_dataset_new ("digits", n, side, side, TRUE, &error);

  if (ds == NULL)
    die (error);
  for (guint i = 0; i < n; i++)
    {
      lab_png_resize_area (lab_dataset_image (all, i), all->width, all->height,
                           ds->pixels + (gsize) i * side * side, side, side);
      ds->labels[i] = all->labels[i];
    }
  lab_dataset_set_class_names (ds, (const char * const *) all->class_names, all->n_classes);
  return ds;
}

/* The IDX harness's input: a flags byte, with flag 1 a 2-byte length and
 * the images file, then the labels file. */
static void
put_idx (const char *name,
         guint8      flags,
         GBytes     *images,
         GBytes     *labels)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();
  gsize len = g_bytes_get_size (images);

  g_byte_array_append (input, &flags, 1);
  if (labels != NULL)
    {
      guint8 split[2] = { len & 0xff, len >> 8 };

      g_assert (len <= 0xffff);
      g_byte_array_append (input, split, 2);
    }
  g_byte_array_append (input, g_bytes_get_data (images, NULL), len);
  if (labels != NULL)
    g_byte_array_append (input, g_bytes_get_data (labels, NULL), g_bytes_get_size (labels));
  put ("idx", name, input->data, input->len);
}

static void
make_idx (LabDataset *all)
{
  struct { guint n, side; const char *suffix; } sets[] = {
    { 10, 8, "" }, { 3, 28, "" }, { 4, 12, ".gz" },
  };

  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      g_autoptr(GError) error = NULL;
      LabDataset *ds = digits (all, sets[s].n, sets[s].side);
      g_autofree char *images_path = g_strdup_printf ("%s/images%s", tmp_dir, sets[s].suffix);
      g_autofree char *labels_path = g_strdup_printf ("%s/labels%s", tmp_dir, sets[s].suffix);
      g_autofree char *name = NULL;
      g_autoptr(GBytes) images = NULL, labels = NULL;

      if (!lab_idx_save (ds, images_path, labels_path, &error))
        die (error);
      images = slurp (images_path);
      labels = slurp (labels_path);
      name = g_strdup_printf ("%ux%u%s-images", sets[s].n, sets[s].side, sets[s].suffix);
      put_idx (name, 0, images, NULL);
      g_free (name);
      name = g_strdup_printf ("%ux%u%s-pair", sets[s].n, sets[s].side, sets[s].suffix);
      put_idx (name, 1, images, labels);
      if (sets[s].suffix[0] == '\0' && sets[s].side == 8)
        {
          /* The same pair gzipped by the harness, images and labels. */
          put_idx ("10x8-pair-gzipped", 1 | 2 | 4, images, labels);
          put_idx ("10x8-labels-as-images", 1, labels, images);
        }
      lab_dataset_unref (ds);
    }
}

/* PNG in memory, written with libpng in any colour type and depth. */
typedef struct
{
  GByteArray *out;
} PngSink;

static void
png_sink_write (png_structp png,
                png_bytep   data,
                png_size_t  len)
{
  PngSink *sink = png_get_io_ptr (png);

  g_byte_array_append (sink->out, data, len);
}

static void
png_sink_flush (png_structp png)
{
}

/* gray (side, side) as a PNG of colour type `color` and `depth` bits. */
static GByteArray *
encode_png (const guint8 *gray,
            guint         side,
            int           color,
            int           depth,
            gboolean      interlaced,
            gboolean      trns)
{
  PngSink sink = { g_byte_array_new () };
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  int channels = color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_PALETTE ? 1
                 : color == PNG_COLOR_TYPE_GRAY_ALPHA ? 2
                 : color == PNG_COLOR_TYPE_RGB ? 3 : 4;
  gsize row_bytes = ((gsize) side * channels * depth + 7) / 8;
  g_autofree guint8 *rows = g_malloc0 (row_bytes * side);
  g_autofree png_bytep *row_pointers = g_new (png_bytep, side);
  int levels = 1 << MIN (depth, 8);

  if (setjmp (png_jmpbuf (png)))
    g_error ("libpng failed writing the corpus");
  png_set_write_fn (png, &sink, png_sink_write, png_sink_flush);
  png_set_IHDR (png, info, side, side, depth, color,
                interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (color == PNG_COLOR_TYPE_PALETTE)
    {
      png_color palette[256];
      png_byte alpha[256];

      for (int i = 0; i < levels; i++)
        {
          guint8 v = (guint8) (i * 255 / (levels - 1));

          palette[i].red = v;
          palette[i].green = (guint8) (255 - v);
          palette[i].blue = v / 2;
          alpha[i] = (png_byte) (255 - i);
        }
      png_set_PLTE (png, info, palette, levels);
      if (trns)
        png_set_tRNS (png, info, alpha, levels, NULL);
    }
  else if (trns)
    {
      png_color_16 key = { 0, 0, 0, 0, 0 };

      png_set_tRNS (png, info, NULL, 0, &key);
    }
  png_write_info (png, info);
  if (depth == 16)
    png_set_swap (png);   /* we fill 16-bit samples in host order below */
  for (guint y = 0; y < side; y++)
    {
      guint8 *row = rows + y * row_bytes;

      row_pointers[y] = row;
      for (guint x = 0; x < side; x++)
        for (int c = 0; c < channels; c++)
          {
            guint v = gray[y * side + x];
            gsize bit;

            if (c == 1 && channels == 2)
              v = 255 - v;          /* alpha */
            else if (c > 0 && channels >= 3)
              v = c == 3 ? 200 : v / (guint) c;
            bit = ((gsize) x * channels + c) * depth;
            if (depth == 16)
              {
                guint16 s = (guint16) (v * 257);

                memcpy (row + bit / 8, &s, 2);
              }
            else
              {
                guint q = v * (guint) (levels - 1) / 255;

                row[bit / 8] |= (guint8) (q << (8 - depth - bit % 8));
              }
          }
    }
  png_write_image (png, row_pointers);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  return sink.out;
}

static void
make_png (LabDataset *all)
{
  struct { const char *name; int color, depth; gboolean interlaced, trns; guint side; } kinds[] = {
    { "gray8",              PNG_COLOR_TYPE_GRAY,       8,  FALSE, FALSE, 28 },
    { "gray1",              PNG_COLOR_TYPE_GRAY,       1,  FALSE, FALSE, 16 },
    { "gray2-interlaced",   PNG_COLOR_TYPE_GRAY,       2,  TRUE,  FALSE, 16 },
    { "gray4-trns",         PNG_COLOR_TYPE_GRAY,       4,  FALSE, TRUE,  16 },
    { "gray16",             PNG_COLOR_TYPE_GRAY,       16, FALSE, FALSE, 12 },
    { "gray-alpha8",        PNG_COLOR_TYPE_GRAY_ALPHA, 8,  FALSE, FALSE, 12 },
    { "gray-alpha16-interlaced", PNG_COLOR_TYPE_GRAY_ALPHA, 16, TRUE, FALSE, 9 },
    { "rgb8-trns",          PNG_COLOR_TYPE_RGB,        8,  FALSE, TRUE,  12 },
    { "rgb16",              PNG_COLOR_TYPE_RGB,        16, FALSE, FALSE, 8 },
    { "rgba8-interlaced",   PNG_COLOR_TYPE_RGB_ALPHA,  8,  TRUE,  FALSE, 12 },
    { "rgba16",             PNG_COLOR_TYPE_RGB_ALPHA,  16, FALSE, FALSE, 8 },
    { "palette8-trns",      PNG_COLOR_TYPE_PALETTE,    8,  FALSE, TRUE,  12 },
    { "palette4",           PNG_COLOR_TYPE_PALETTE,    4,  FALSE, FALSE, 16 },
    { "palette1-interlaced", PNG_COLOR_TYPE_PALETTE,   1,  TRUE,  TRUE,  16 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      LabDataset *ds = digits (all, 1 + k % 9, kinds[k].side);
      g_autoptr(GByteArray) png = encode_png (lab_dataset_image (ds, ds->n - 1), kinds[k].side,
                                              kinds[k].color, kinds[k].depth,
                                              kinds[k].interlaced, kinds[k].trns);

      put ("png", kinds[k].name, png->data, png->len);
      lab_dataset_unref (ds);
    }
}

/* The folder harness's input: a size byte, then files of a selector byte
 * (place in bits 0-1: top, a/, b/, c/; ending in bits 2-3: .png, .PNG,
 * .txt, none), a 2-byte length and the bytes. */
static void
folder_add (GByteArray   *input,
            guint         place,
            guint         ending,
            const guint8 *data,
            gsize         len)
{
  guint8 head[3] = { (guint8) (place | ending << 2), len & 0xff, (len >> 8) & 0xff };

  g_byte_array_append (input, head, 3);
  g_byte_array_append (input, data, len);
}

static GByteArray *
digit_png (LabDataset *all,
           guint       i,
           guint       side)
{
  LabDataset *ds = digits (all, i + 1, side);
  GByteArray *png = encode_png (lab_dataset_image (ds, i), side, PNG_COLOR_TYPE_GRAY, 8, FALSE, FALSE);

  lab_dataset_unref (ds);
  return png;
}

static void
make_png_folder (LabDataset *all)
{
  static const char text[] = "this is not a PNG, only its name says so\n";
  g_autoptr(GByteArray) classes = g_byte_array_new ();
  g_autoptr(GByteArray) flat = g_byte_array_new ();
  g_autoptr(GByteArray) mixed = g_byte_array_new ();
  guint8 side;

  side = 0;
  g_byte_array_append (classes, &side, 1);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(GByteArray) png = digit_png (all, i, 8);

      folder_add (classes, 1 + i % 2, i == 3 ? 1 : 0, png->data, png->len);
    }

  side = 7;   /* loads at 1 + 7 % 32 = 8 */
  g_byte_array_append (flat, &side, 1);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GByteArray) png = digit_png (all, i, 6 + 2 * i);

      folder_add (flat, 0, 0, png->data, png->len);
    }

  side = 0;
  g_byte_array_append (mixed, &side, 1);
  {
    g_autoptr(GByteArray) png = digit_png (all, 5, 8);
    g_autoptr(GByteArray) other = digit_png (all, 6, 10);

    folder_add (mixed, 1, 0, png->data, png->len);
    folder_add (mixed, 1, 2, (const guint8 *) text, sizeof text - 1);   /* a/1.txt */
    folder_add (mixed, 3, 0, NULL, 0);                                  /* c/2.png, empty */
    folder_add (mixed, 2, 0, (const guint8 *) text, sizeof text - 1);   /* b/3.png, text */
    folder_add (mixed, 2, 3, other->data, other->len);                  /* b/4, a PNG without .png */
    folder_add (mixed, 3, 0, png->data, 40);                            /* c/5.png, cut short */
  }

  put ("png-folder", "two-classes", classes->data, classes->len);
  put ("png-folder", "flat-sizes", flat->data, flat->len);
  put ("png-folder", "mixed-files", mixed->data, mixed->len);
}

/* Tiny architectures that between them use every layer kind. */
static const char *const tiny_specs[][2] = {
  { "dense",
    "{\"name\":\"tiny-dense\",\"input\":[1,4,4],\"loss\":\"mse\",\"encoder_layers\":3,\"layers\":["
    "{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":3},{\"type\":\"relu\"},"
    "{\"type\":\"dense\",\"units\":16},{\"type\":\"sigmoid\"},{\"type\":\"reshape\",\"shape\":[1,4,4]}]}" },
  { "conv",
    "{\"name\":\"tiny-conv\",\"input\":[1,8,8],\"loss\":\"bce\",\"encoder_layers\":4,\"layers\":["
    "{\"type\":\"conv2d\",\"filters\":2,\"kernel\":3,\"padding\":1},{\"type\":\"batchnorm2d\"},"
    "{\"type\":\"relu\"},{\"type\":\"maxpool2d\",\"pool\":2},"
    "{\"type\":\"conv_transpose2d\",\"filters\":1,\"kernel\":3,\"stride\":2,\"padding\":1,\"output_padding\":1},"
    "{\"type\":\"sigmoid\"}]}" },
  { "mixed",
    "{\"name\":\"tiny-mixed\",\"description\":\"every other layer kind\",\"input\":[1,4,4],"
    "\"loss\":\"mse\",\"encoder_layers\":8,\"layers\":["
    "{\"type\":\"conv2d\",\"filters\":2,\"kernel\":3,\"padding\":\"same\"},"
    "{\"type\":\"leaky_relu\",\"slope\":0.1},{\"type\":\"avgpool2d\",\"pool\":2},"
    "{\"type\":\"upsample2d\",\"scale\":2},{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":4},"
    "{\"type\":\"batchnorm1d\"},{\"type\":\"tanh\"},{\"type\":\"dropout\",\"rate\":0.25},"
    "{\"type\":\"dense\",\"units\":16},{\"type\":\"softmax\"},{\"type\":\"reshape\",\"shape\":[1,4,4]}]}" },
  { "vae",
    "{\"name\":\"tiny-vae\",\"input\":[1,4,4],\"loss\":\"bce\",\"encoder_layers\":3,\"layers\":["
    "{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":4},{\"type\":\"vae_sample\",\"beta\":1},"
    "{\"type\":\"dense\",\"units\":16},{\"type\":\"sigmoid\"},{\"type\":\"reshape\",\"shape\":[1,4,4]}]}" },
};

/* Sessions of the tiny dense model on 4x4 images: one with everything (a
 * PCA map, a gallery, a k-NN run, page settings), one with a model only. */
static void
make_sessions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = lab_spec_new_from_string (tiny_specs[0][1], -1, "dense", &error);
  g_autoptr(LabDataset) ds = lab_dataset_new ("tiny", 24, 4, 4, TRUE, &error);
  const char *names[] = { "a", "b" };
  g_autofree char *path = g_strdup_printf ("%s/session.latentlab", tmp_dir);
  LabEmbedConfig ec;
  LabClassifyConfig cc;
  float image[16], latent[3] = { 0.5f, -1.f, 2.f };

  if (spec == NULL || ds == NULL)
    die (error);
  for (guint i = 0; i < 24 * 16; i++)
    ds->pixels[i] = (guint8) (i * 37 % 251);
  for (guint i = 0; i < 24; i++)
    ds->labels[i] = i % 2;
  lab_dataset_set_class_names (ds, names, 2);

  for (guint full = 0; full < 2; full++)
    {
      g_autoptr(LabSessionFile) s = lab_session_file_new ();
      g_autoptr(GBytes) bytes = NULL;
      LabGallerySource source = { "tiny-dense", "pca", 0.5, -0.25, 3 };
      guint id;

      if ((s->model = lab_model_new (spec, &error)) == NULL)
        die (error);
      lab_model_init (s->model, LAB_INIT_TORCH, 1);
      lab_session_file_set_dataset (s, ds, "/data/tiny", LAB_SPLIT_TEST);
      s->page = g_strdup ("denoise");
      if (full)
        {
          lab_embed_config_init (&ec);
          ec.n = 12;
          s->map = lab_embedding_compute (s->model, ds, &ec, NULL, NULL, NULL, &error);
          if (s->map == NULL)
            die (error);
          s->gallery = lab_gallery_new (4, 4, names, 2);
          for (guint i = 0; i < 16; i++)
            image[i] = i / 16.f;
          id = lab_gallery_add (s->gallery, image, latent, 3, 1, &source);
          lab_gallery_set_nearest (s->gallery, id, 3, 0.5, lab_dataset_image (ds, 3));
          lab_gallery_add (s->gallery, image, NULL, 0, -1, NULL);
          lab_classify_config_init (&cc, LAB_CLASSIFIER_KNN);
          cc.features = LAB_FEATURES_PIXELS;
          cc.classifier.k = 3;
          cc.n_train = 16;
          cc.n_test = 6;
          g_ptr_array_add (s->classify, lab_classify_run (NULL, ds, ds, &cc, NULL, NULL, NULL, &error));
          if (g_ptr_array_index (s->classify, 0) == NULL)
            die (error);
          json_object_set_double_member (lab_session_file_get_page_state (s, "denoise"), "level", 0.5);
          json_object_set_string_member (lab_session_file_get_page_state (s, "latent"), "images", "test");
        }
      if (!lab_session_file_save (s, path, &error))
        die (error);
      bytes = slurp (path);
      put ("session", full ? "full" : "model-only", g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  g_unlink (path);
}

static void
make_models (void)
{
  g_autoptr(LabTrainRecord) record = lab_train_record_new (NULL, "synthetic");
  g_autofree char *train_json = lab_train_record_to_json (record);

  for (guint s = 0; s < G_N_ELEMENTS (tiny_specs); s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabSpec) spec = lab_spec_new_from_string (tiny_specs[s][1], -1, tiny_specs[s][0], &error);
      g_autoptr(LabModel) model = NULL;
      g_autofree char *path = g_strdup_printf ("%s/model.safetensors", tmp_dir);
      g_autoptr(GBytes) bytes = NULL;

      if (spec == NULL || (model = lab_model_new (spec, &error)) == NULL)
        die (error);
      lab_model_init (model, LAB_INIT_TORCH, 1);
      if (!lab_model_save (model, path, s % 2 == 0 ? train_json : NULL, &error))
        die (error);
      bytes = slurp (path);
      put ("model", tiny_specs[s][0], g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }

  /* Weights only, as PyTorch exports them: no spec, an I64 scalar, an empty tensor. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LabSafetensorsWriter) writer = lab_safetensors_writer_new ();
    g_autofree char *path = g_strdup_printf ("%s/weights.safetensors", tmp_dir);
    g_autoptr(GBytes) bytes = NULL;
    const float weight[6] = { 0.5f, -1.f, 2.f, 0.f, 1e-3f, -7.f };
    const gint64 tracked = 3;
    const guint64 shape[2] = { 2, 3 }, empty[1] = { 0 };

    lab_safetensors_writer_add (writer, "0.weight", "F32", 2, shape, weight);
    lab_safetensors_writer_add (writer, "0.bias", "F32", 1, empty, weight);
    lab_safetensors_writer_add (writer, "1.num_batches_tracked", "I64", 0, NULL, &tracked);
    lab_safetensors_writer_set_metadata (writer, "format", "pt");
    if (!lab_safetensors_writer_save (writer, path, &error))
      die (error);
    bytes = slurp (path);
    put ("model", "weights-only", g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  }
}

static void
make_specs (void)
{
  const char * const *names = lab_presets_list ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabSpec) spec = lab_presets_get (names[i], &error);
      g_autofree char *json = NULL;

      if (spec == NULL)
        die (error);
      json = lab_spec_to_string (spec, FALSE);
      put_text ("spec", names[i], json);
    }
  for (guint s = 0; s < G_N_ELEMENTS (tiny_specs); s++)
    {
      g_autofree char *name = g_strdup_printf ("tiny-%s", tiny_specs[s][0]);

      put_text ("spec", name, tiny_specs[s][1]);
    }
}

static void
make_text (void)
{
  static const char *const latents[] = {
    "0.5,-1.2", "1 2 3", " 0.25, -3\t4e-2\n", "-1e+3,0,7.5e-38", "1,,2", "nan", "1e39", "0x1p3",
  };
  static const char *const noises[] = {
    "gaussian:0.5", "salt-pepper:0.1", "mask:0.3", "downsample", "none", " Gaussian : 1 ",
    "mask:0", "gaussian:", "blur:0.2",
  };

  for (guint i = 0; i < G_N_ELEMENTS (latents); i++)
    {
      g_autofree char *name = g_strdup_printf ("latent-%u", i);

      put_text ("latent", name, latents[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (noises); i++)
    {
      g_autofree char *name = g_strdup_printf ("noise-%u", i);

      put_text ("noise", name, noises[i]);
    }
}

/* One libFuzzer dictionary entry; escaped twice when it sits inside a JSON
 * string (the model file's "spec" metadata). */
static void
dict_add (GString    *dict,
          const char *token,
          gboolean    in_string)
{
  g_string_append (dict, "\"");
  for (const char *p = token; *p; p++)
    {
      if (*p == '"' && in_string)
        g_string_append (dict, "\\\\\\\"");
      else if (*p == '"' || *p == '\\')
        g_string_append_printf (dict, "\\%c", *p);
      else
        g_string_append_c (dict, *p);
    }
  g_string_append (dict, "\"\n");
}

static void
dict_add_spec_words (GString  *dict,
                     gboolean  in_string)
{
  static const char *const members[] = {
    "name", "description", "input", "loss", "encoder_layers", "layers", "type",
    "mse", "bce", "softmax_ce", "same", "valid",
  };
  static const char *const values[] = { "true", "false", "null", "[1,28,28]", "0", "1", "-1", "1e309" };
  guint n_classes;
  const LabLayerClass * const *classes = lab_layer_classes (&n_classes);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", members[i]);

      dict_add (dict, quoted, in_string);
    }
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    dict_add (dict, values[i], in_string);
  for (guint c = 0; c < n_classes; c++)
    {
      g_autofree char *type = g_strdup_printf ("\"%s\"", classes[c]->type);

      dict_add (dict, type, in_string);
      for (guint o = 0; o < classes[c]->n_options; o++)
        {
          const char *key = classes[c]->options[o].key;
          g_autofree char *quoted = NULL;

          if (g_hash_table_contains (seen, key))
            continue;
          g_hash_table_add (seen, (gpointer) key);
          quoted = g_strdup_printf ("\"%s\"", key);
          dict_add (dict, quoted, in_string);
        }
    }
}

static void
write_dict (const char *name,
            GString    *dict)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (out_dir, name, NULL);

  if (!g_file_set_contents (path, dict->str, (gssize) dict->len, &error))
    die (error);
}

static void
make_dicts (void)
{
  static const char *const safetensors_words[] = {
    "\"__metadata__\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"F32\"", "\"I64\"",
    "\"F16\"", "\"BF16\"", "\"U8\"", "\"F64\"", "\"format\"", "\"spec\"", "\"train\"",
    "\"latentlab-1\"", "\"0.weight\"", "\"0.bias\"", ".running_mean\"", ".running_var\"",
    ".num_batches_tracked\"", "[0,0]", "[]",
  };
  g_autoptr(GString) spec = g_string_new ("# Spec JSON words, written by make-corpus.c from the layer table.\n");
  g_autoptr(GString) model = g_string_new ("# safetensors header words and the spec's, escaped as the \"spec\" "
                                           "metadata string holds them; written by make-corpus.c.\n");

  dict_add_spec_words (spec, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (safetensors_words); i++)
    dict_add (model, safetensors_words[i], FALSE);
  dict_add_spec_words (model, TRUE);
  write_dict ("spec.dict", spec);
  write_dict ("model.dict", model);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  LabDataset *all;

  if (argc != 2)
    {
      g_printerr ("usage: make-corpus TESTS_FUZZ_DIR\n");
      return 2;
    }
  out_dir = argv[1];
  tmp_dir = g_dir_make_tmp ("latentlab-corpus-XXXXXX", &error);
  if (tmp_dir == NULL)
    die (error);
  all = lab_synthetic_digits_new (10, 1, &error);
  if (all == NULL)
    die (error);
  make_idx (all);
  make_png (all);
  make_png_folder (all);
  make_models ();
  make_sessions ();
  make_specs ();
  make_text ();
  make_dicts ();
  lab_dataset_unref (all);
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return 0;
}
