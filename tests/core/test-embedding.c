/* The latent-space explorer's core: embeddings (PCA, t-SNE, raw latent),
 * decoding locations, interpolation, the manifold grid and the gallery of
 * kept samples with its exports. Models are untrained (fresh weights):
 * the maths of every step is the same, and the program stays fast. */

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lab-dataset-open.h"
#include "lab-embedding.h"
#include "lab-gallery.h"
#include "lab-idx.h"
#include "lab-png-folder.h"
#include "lab-presets.h"
#include "lab-synthetic.h"
#include "lab-test-models.h"
#include "lab-test-system.h"

static LabDataset *digits;   /* 600 synthetic digits, shared */

static LabEmbedding *
embed (LabModel       *model,
       LabEmbedMethod  method,
       guint           n)
{
  g_autoptr(GError) error = NULL;
  LabEmbedConfig config;
  LabEmbedding *emb;

  lab_embed_config_init (&config);
  config.method = method;
  config.n = n;
  config.perplexity = 10;
  config.tsne_iter = 300;
  emb = lab_embedding_compute (model, digits, &config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (emb);
  return emb;
}

static void
assert_floats_close (const float *a,
                     const float *b,
                     gsize        n,
                     double       tolerance)
{
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (a[i], b[i], tolerance);
}

static double
max_abs (const float *a,
         gsize        n)
{
  double m = 0;

  for (gsize i = 0; i < n; i++)
    m = MAX (m, fabs (a[i]));
  return m;
}

/* Encoding and the sample of images */

static void
test_embedding_encode (void)
{
  g_autoptr(LabModel) model = lab_test_new_preset ("cae-tiny", 3);
  g_autoptr(LabEmbedding) emb = embed (model, LAB_EMBED_PCA, 200);
  g_autoptr(LabEmbedding) again = embed (model, LAB_EMBED_PCA, 200);
  g_autoptr(GError) error = NULL;
  g_autofree float *one = g_new (float, 128);
  float input[784];
  const float *z;

  g_assert_cmpuint (emb->n, ==, 200);
  g_assert_cmpuint (emb->dim, ==, 128);
  g_assert_cmpuint (emb->height, ==, 28);
  g_assert_cmpuint (emb->width, ==, 28);
  g_assert_nonnull (emb->labels);
  g_assert_cmpuint (emb->n_classes, ==, 10);
  /* A seeded sample of distinct images, ascending. */
  for (guint r = 1; r < emb->n; r++)
    g_assert_cmpuint (emb->indices[r - 1], <, emb->indices[r]);
  g_assert_cmpuint (emb->indices[emb->n - 1], <, digits->n);
  g_assert_cmpmem (emb->indices, 200 * sizeof (guint), again->indices, 200 * sizeof (guint));
  for (guint r = 0; r < emb->n; r++)
    g_assert_cmpuint (emb->labels[r], ==, digits->labels[emb->indices[r]]);

  /* Row 17's latent is the encoder's output for that image alone (the
   * batched pass matches a single one). */
  lab_dataset_to_float (digits, &emb->indices[17], 1, input);
  z = lab_model_encode (model, input, 1);
  assert_floats_close (emb->latents + 17 * 128, z, 128, 1e-5);

  g_assert_true (lab_embedding_encode (model, digits, &emb->indices[17], 1, one, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_floats_close (emb->latents + 17 * 128, one, 128, 1e-5);
  g_assert_cmpfloat (max_abs (one, 128), >, 0);
}

/* PCA: a point's location decodes back to its latent. */
static void
test_embedding_pca_inverse (void)
{
  g_autoptr(LabModel) vae = lab_test_new_preset ("vae-conv", 5);
  g_autoptr(LabModel) cae = lab_test_new_preset ("cae-tiny", 5);
  g_autoptr(LabEmbedding) emb2 = embed (vae, LAB_EMBED_PCA, 150);
  g_autoptr(LabEmbedding) emb = embed (cae, LAB_EMBED_PCA, 150);
  g_autoptr(GError) error = NULL;
  float latent[128], back[2], proj[128];
  float image[784], expected[784];

  /* A 2-D latent: two components are a rotation, so the inverse is exact. */
  g_assert_cmpuint (emb2->dim, ==, 2);
  g_assert_nonnull (emb2->pca);
  for (guint r = 0; r < emb2->n; r += 7)
    {
      double scale = MAX (1e-3, max_abs (emb2->latents + 2 * r, 2));

      lab_embedding_latent_at (emb2, emb2->points[2 * r], emb2->points[2 * r + 1], latent, NULL, NULL, NULL);
      g_assert_cmpfloat_with_epsilon (latent[0], emb2->latents[2 * r], 1e-4 * scale);
      g_assert_cmpfloat_with_epsilon (latent[1], emb2->latents[2 * r + 1], 1e-4 * scale);
    }
  /* ... and the decode of the location is the decode of the image's latent. */
  lab_embedding_latent_at (emb2, emb2->points[0], emb2->points[1], latent, NULL, NULL, NULL);
  g_assert_true (lab_embedding_decode (vae, latent, 1, 2, image, &error));
  g_assert_no_error (error);
  g_assert_true (lab_embedding_decode (vae, emb2->latents, 1, 2, expected, &error));
  assert_floats_close (image, expected, 784, 1e-4);

  /* A 128-D latent: the location gives the latent's projection onto the
   * plane, mean + P^T P (z - mean), which projects back to the same point. */
  for (guint r = 0; r < emb->n; r += 11)
    {
      const float *z = emb->latents + 128 * r;
      double c[2] = { 0, 0 };

      lab_embedding_latent_at (emb, emb->points[2 * r], emb->points[2 * r + 1], latent, NULL, NULL, NULL);
      for (guint a = 0; a < 2; a++)
        for (guint j = 0; j < 128; j++)
          c[a] += (z[j] - emb->pca->mean[j]) * emb->pca->components[a * 128 + j];
      for (guint j = 0; j < 128; j++)
        proj[j] = emb->pca->mean[j] + c[0] * emb->pca->components[j] + c[1] * emb->pca->components[128 + j];
      assert_floats_close (latent, proj, 128, 1e-4 * MAX (1e-3, max_abs (z, 128)));
      lab_pca_transform (emb->pca, latent, 1, back);
      g_assert_cmpfloat_with_epsilon (back[0], emb->points[2 * r], 1e-4 * MAX (1, fabs (back[0])));
      g_assert_cmpfloat_with_epsilon (back[1], emb->points[2 * r + 1], 1e-4 * MAX (1, fabs (back[1])));
    }
  /* Any location has a latent, also far from every point. */
  lab_embedding_latent_at (emb, 1e3, -1e3, latent, NULL, NULL, NULL);
  g_assert_true (isfinite (latent[0]) && isfinite (latent[127]));

  g_assert_cmpstr (lab_embed_method_name (emb->method), ==, "pca");
  {
    g_autofree char *title = lab_embedding_axis_title (emb, 0);

    g_assert_true (g_str_has_prefix (title, "PC 1"));
  }
}

/* The raw 2-D latent: the plane is the latent space. */
static void
test_embedding_raw_latent (void)
{
  g_autoptr(LabModel) vae = lab_test_new_preset ("vae-conv", 8);
  g_autoptr(LabEmbedding) emb = embed (vae, LAB_EMBED_LATENT, 100);
  float latent[2];

  g_assert_cmpmem (emb->points, 200 * sizeof (float), emb->latents, 200 * sizeof (float));
  lab_embedding_latent_at (emb, 0.25, -1.5, latent, NULL, NULL, NULL);
  g_assert_cmpfloat (latent[0], ==, 0.25f);
  g_assert_cmpfloat (latent[1], ==, -1.5f);
  g_assert_true (lab_embed_method_is_invertible (LAB_EMBED_LATENT));
  g_assert_false (lab_embed_method_is_invertible (LAB_EMBED_TSNE));
}

typedef struct
{
  guint  calls;
  guint  last_iteration;
  double last_fraction;
  gboolean monotonic;
} Progress;

static gboolean
count_progress (const LabEmbedProgress *p,
                gpointer                data)
{
  Progress *progress = data;

  if (p->fraction + 1e-12 < progress->last_fraction)
    progress->monotonic = FALSE;
  progress->last_fraction = p->fraction;
  if (p->stage == LAB_EMBED_STAGE_OPTIMISING)
    {
      g_assert_nonnull (p->points);
      g_assert_true (isfinite (p->points[0]) && isfinite (p->points[2 * p->n - 1]));
      progress->calls++;
      progress->last_iteration = p->iteration;
    }
  return TRUE;
}

/* t-SNE: positions are published while it runs; a location decodes as the
 * 1/d² mix of its k nearest points' latents, exactly a point's own latent
 * when it is on that point. */
static void
test_embedding_tsne_mix (void)
{
  g_autoptr(LabModel) model = lab_test_new_preset ("cae-tiny", 11);
  g_autoptr(LabEmbedding) emb = NULL;
  g_autoptr(GError) error = NULL;
  LabEmbedConfig config;
  Progress progress = { 0, 0, 0, TRUE };
  guint rows[LAB_EMBED_MAX_K], near[LAB_EMBED_MAX_K], n_rows;
  float weights[LAB_EMBED_MAX_K], latent[128], expected[128];
  double dist[LAB_EMBED_MAX_K], x, y, sum = 0;
  guint r = 42;

  lab_embed_config_init (&config);
  config.method = LAB_EMBED_TSNE;
  config.n = 150;
  config.perplexity = 10;
  config.tsne_iter = 300;
  config.publish_every = 25;
  emb = lab_embedding_compute (model, digits, &config, count_progress, &progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (progress.monotonic);
  g_assert_cmpuint (progress.calls, >=, 300 / 25);
  g_assert_cmpuint (progress.last_iteration, ==, 300);
  g_assert_cmpfloat_with_epsilon (progress.last_fraction, 1.0, 1e-9);
  g_assert_true (isfinite (emb->kl));
  g_assert_null (emb->pca);
  /* 128 latent values are more than t-SNE takes: PCA to 50 first, said so */
  g_assert_cmpuint (emb->dim, ==, 128);
  g_assert_cmpuint (emb->map_dim, ==, LAB_EMBED_REDUCED_DIM);
  {
    g_autofree char *input = lab_embedding_describe_input (emb);

    g_assert_cmpstr (input, ==, "latent 128 values → PCA 50");
  }

  /* On row r: its own latent, weight 1. */
  lab_embedding_latent_at (emb, emb->points[2 * r], emb->points[2 * r + 1], latent, rows, weights, &n_rows);
  g_assert_cmpuint (n_rows, ==, LAB_EMBED_DEFAULT_K);
  g_assert_cmpuint (rows[0], ==, r);
  g_assert_cmpfloat (weights[0], ==, 1.0f);
  g_assert_cmpfloat (weights[1], ==, 0.0f);
  g_assert_cmpmem (latent, sizeof latent, emb->latents + 128 * r, sizeof latent);

  /* Between points: the weighted mix, computed here by brute force. */
  x = emb->points[2 * r] + 0.37 * (emb->points[2 * (r + 1)] - emb->points[2 * r]);
  y = emb->points[2 * r + 1] + 0.37 * (emb->points[2 * (r + 1) + 1] - emb->points[2 * r + 1]);
  lab_embedding_latent_at (emb, x, y, latent, rows, weights, &n_rows);
  g_assert_cmpuint (lab_embedding_nearest (emb, x, y, LAB_EMBED_DEFAULT_K, near, dist), ==, LAB_EMBED_DEFAULT_K);
  for (guint i = 0; i < emb->n; i++)
    {
      double d = hypot (emb->points[2 * i] - x, emb->points[2 * i + 1] - y);
      guint closer = 0;

      for (guint j = 0; j < emb->n; j++)
        closer += hypot (emb->points[2 * j] - x, emb->points[2 * j + 1] - y) < d;
      /* i is among the k nearest exactly when fewer than k points are closer. */
      if (closer < LAB_EMBED_DEFAULT_K)
        {
          gboolean listed = FALSE;

          for (guint k = 0; k < n_rows; k++)
            listed |= rows[k] == i;
          g_assert_true (listed);
        }
    }
  for (guint k = 0; k < n_rows; k++)
    {
      g_assert_cmpuint (rows[k], ==, near[k]);
      g_assert_cmpfloat (weights[k], >, 0);
      g_assert_cmpfloat (weights[k], <, 1);
      if (k > 0)
        g_assert_cmpfloat (dist[k], >=, dist[k - 1]);
      sum += 1 / (dist[k] * dist[k]);
    }
  memset (expected, 0, sizeof expected);
  for (guint k = 0; k < n_rows; k++)
    {
      double w = 1 / (dist[k] * dist[k]) / sum;

      g_assert_cmpfloat_with_epsilon (weights[k], w, 1e-6);
      for (guint j = 0; j < 128; j++)
        expected[j] += w * emb->latents[128 * rows[k] + j];
    }
  assert_floats_close (latent, expected, 128, 1e-5 * MAX (1, max_abs (expected, 128)));
  /* A mix, not a copy of the nearest. */
  g_assert_cmpfloat (fabs (latent[0] - emb->latents[128 * rows[0]]) + fabs (latent[5] - emb->latents[128 * rows[0] + 5]),
                     >, 0);
}

static void
test_embedding_interpolate (void)
{
  g_autoptr(LabModel) model = lab_test_new_preset ("cae-tiny", 13);
  g_autoptr(LabEmbedding) emb = embed (model, LAB_EMBED_PCA, 50);
  g_autoptr(GError) error = NULL;
  g_autofree float *latents = g_new (float, 10 * 128);
  g_autofree float *images = g_new (float, 10 * 784);
  float a[784], b[784];
  const float *from = emb->latents + 3 * 128, *to = emb->latents + 30 * 128;
  double diff = 0;

  g_assert_true (lab_embedding_interpolate (model, from, to, 128, 10, latents, images, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (latents, 128 * sizeof (float), from, 128 * sizeof (float));
  g_assert_cmpmem (latents + 9 * 128, 128 * sizeof (float), to, 128 * sizeof (float));
  for (guint j = 0; j < 128; j++)
    g_assert_cmpfloat_with_epsilon (latents[3 * 128 + j], from[j] + (to[j] - from[j]) / 3, 1e-5);

  g_assert_true (lab_embedding_decode (model, from, 1, 128, a, &error));
  g_assert_true (lab_embedding_decode (model, to, 1, 128, b, &error));
  g_assert_no_error (error);
  assert_floats_close (images, a, 784, 1e-5);
  assert_floats_close (images + 9 * 784, b, 784, 1e-5);
  for (guint p = 0; p < 784; p++)
    diff += fabs (a[p] - b[p]);
  g_assert_cmpfloat (diff, >, 0);

  g_assert_false (lab_embedding_interpolate (model, from, to, 128, 1, NULL, images, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

/* The Keras VAE example's grid: 15 x 15 decodes over normal quantiles. */
static void
test_embedding_manifold (void)
{
  g_autoptr(LabModel) vae = lab_test_new_preset ("vae-conv", 17);
  g_autoptr(LabModel) cae = lab_test_new_preset ("cae-tiny", 17);
  g_autoptr(LabEmbedding) emb = embed (vae, LAB_EMBED_LATENT, 100);
  g_autoptr(LabEmbedding) pca = embed (cae, LAB_EMBED_PCA, 100);
  g_autoptr(LabEmbedding) tsne = NULL;
  g_autoptr(GError) error = NULL;
  const guint g = LAB_EMBED_MANIFOLD_GRID;
  g_autofree guint8 *mosaic = g_new (guint8, g * 28 * g * 28);
  double x0, x1, y0, y1;
  float z[2], tile[784];

  lab_embedding_manifold_range (emb, vae, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat_with_epsilon (x0, -1.644854, 1e-5);
  g_assert_cmpfloat_with_epsilon (x1, 1.644854, 1e-5);
  g_assert_cmpfloat_with_epsilon (y0, x0, 1e-12);

  g_assert_true (lab_embedding_manifold (emb, vae, g, x0, x1, y0, y1, mosaic, &error));
  g_assert_no_error (error);
  /* Tile (row 2, column 11) is the decode of x = x0 + 11/14 (x1 - x0),
   * y = y1 - 2/14 (y1 - y0): y grows upwards as in the plot. */
  z[0] = x0 + (x1 - x0) * 11 / (g - 1);
  z[1] = y1 - (y1 - y0) * 2 / (g - 1);
  g_assert_true (lab_embedding_decode (vae, z, 1, 2, tile, &error));
  for (guint py = 0; py < 28; py++)
    for (guint px = 0; px < 28; px++)
      {
        guint8 v = mosaic[(2 * 28 + py) * g * 28 + 11 * 28 + px];

        g_assert_cmpint (abs ((int) v - (int) lrintf (CLAMP (tile[py * 28 + px], 0, 1) * 255)), <=, 1);
      }

  /* A VAE whose latents are far from its prior (shifted here by +5):
   * the grid follows the points instead. */
  for (guint r = 0; r < emb->n; r++)
    emb->points[2 * r] += 5;
  lab_embedding_manifold_range (emb, vae, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (x0, >, 2);
  for (guint r = 0; r < emb->n; r++)
    emb->points[2 * r] -= 5;

  /* A non-VAE plane spans its points' 1st to 99th percentiles. */
  lab_embedding_manifold_range (pca, cae, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (x0, <, x1);
  g_assert_cmpfloat (y0, <, y1);
  {
    guint inside = 0;

    for (guint r = 0; r < pca->n; r++)
      inside += pca->points[2 * r] >= x0 && pca->points[2 * r] <= x1;
    g_assert_cmpuint (inside, >=, 96);
    g_assert_cmpuint (inside, <, 100);
  }
  g_assert_true (lab_embedding_manifold (pca, cae, 4, x0, x1, y0, y1, mosaic, &error));
  g_assert_no_error (error);

  tsne = embed (cae, LAB_EMBED_TSNE, 60);
  g_assert_false (lab_embedding_manifold (tsne, cae, g, -1, 1, -1, 1, mosaic, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);
  /* Another model than the embedding's. */
  g_assert_false (lab_embedding_manifold (emb, cae, g, -1, 1, -1, 1, mosaic, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
}

static void
test_embedding_normal_quantile (void)
{
  g_assert_cmpfloat_with_epsilon (lab_normal_quantile (0.5), 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lab_normal_quantile (0.975), 1.959963985, 1e-8);
  g_assert_cmpfloat_with_epsilon (lab_normal_quantile (0.01), -2.326347874, 1e-8);
  g_assert_cmpfloat_with_epsilon (lab_normal_quantile (1e-6), -4.753424309, 1e-7);
  g_assert_true (isinf (lab_normal_quantile (0)));
}

static void
test_embedding_majority_and_csv (void)
{
  g_autoptr(LabModel) model = lab_test_new_preset ("cae-tiny", 19);
  g_autoptr(LabEmbedding) emb = embed (model, LAB_EMBED_PCA, 80);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("latentlab-embed-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "points.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint r = 9;
  int label;

  /* k = 1: the label of the point there. */
  label = lab_embedding_majority_label (emb, emb->points[2 * r], emb->points[2 * r + 1], 1);
  g_assert_cmpint (label, ==, emb->labels[r]);
  label = lab_embedding_majority_label (emb, emb->points[2 * r], emb->points[2 * r + 1], 9);
  g_assert_cmpint (label, >=, 0);
  g_assert_cmpint (label, <, 10);

  g_assert_true (lab_embedding_save_csv (emb, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "x,y,label,index");
  g_assert_cmpuint (g_strv_length (lines), ==, 80 + 2);   /* header, rows, "" after the last \n */
  {
    g_auto(GStrv) f = g_strsplit (lines[1 + r], ",", -1);

    g_assert_cmpuint (g_strv_length (f), ==, 4);
    g_assert_cmpfloat_with_epsilon (g_ascii_strtod (f[0], NULL), emb->points[2 * r], 1e-5 * MAX (1, fabs (emb->points[2 * r])));
    g_assert_cmpuint (g_ascii_strtoull (f[2], NULL, 10), ==, emb->labels[r]);
    g_assert_cmpuint (g_ascii_strtoull (f[3], NULL, 10), ==, emb->indices[r]);
  }
  g_unlink (path);
  g_rmdir (dir);
}

/* Bad input: each error says what is wrong. */
static void
test_embedding_errors (void)
{
  g_autoptr(LabModel) cae = lab_test_new_preset ("cae-tiny", 23);
  g_autoptr(LabModel) classifier = lab_test_new_preset ("cnn-baseline", 23);
  g_autoptr(LabModel) sr = lab_test_new_preset ("sr-ae", 23);
  g_autoptr(LabModel) encoder_only = NULL;
  g_autoptr(LabSpec) spec = NULL;
  g_autoptr(LabDataset) big = NULL;
  g_autoptr(GError) error = NULL;
  LabEmbedConfig config;
  float z[3] = { 0, 0, 0 };
  float image[784];

  lab_embed_config_init (&config);
  config.n = 100;

  /* A classifier has no decoder to draw with. */
  g_assert_null (lab_embedding_compute (classifier, digits, &config, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "classifier"));
  g_clear_error (&error);

  /* No encoder/decoder split: every layer is the encoder. */
  spec = lab_spec_new_from_string ("{\"name\":\"encoder-only\",\"input\":[1,28,28],\"loss\":\"mse\","
                                   "\"encoder_layers\":2,\"layers\":[{\"type\":\"flatten\"},"
                                   "{\"type\":\"dense\",\"units\":16}]}", -1, NULL, &error);
  g_assert_no_error (error);
  encoder_only = lab_model_new (spec, &error);
  g_assert_no_error (error);
  g_assert_null (lab_embedding_compute (encoder_only, digits, &config, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no decoder"));
  g_clear_error (&error);

  /* Images of another size than the model's. */
  big = lab_dataset_new ("faces", 200, 32, 32, TRUE, &error);
  g_assert_no_error (error);
  g_assert_null (lab_embedding_compute (cae, big, &config, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "32×32"));
  g_clear_error (&error);

  /* More images than the dataset has, or than allowed. */
  config.n = digits->n + 1;
  g_assert_null (lab_embedding_compute (cae, digits, &config, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "has only 600 images"));
  g_clear_error (&error);
  config.n = LAB_EMBED_MAX_N + 1;
  g_assert_null (lab_embedding_compute (cae, digits, &config, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);

  /* t-SNE's perplexity must stay below n / 3. */
  config.n = 90;
  config.method = LAB_EMBED_TSNE;
  config.perplexity = 30;
  g_assert_null (lab_embedding_compute (cae, digits, &config, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "perplexity"));
  g_clear_error (&error);

  /* The raw latent only when it is 2-D. */
  config.method = LAB_EMBED_LATENT;
  g_assert_null (lab_embedding_compute (cae, digits, &config, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "128"));
  g_clear_error (&error);

  /* A latent of the wrong length names the length expected. */
  g_assert_false (lab_embedding_decode (cae, z, 1, 3, image, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "128 values"));
  g_clear_error (&error);

  /* super-resolution: 14x14 in, 28x28 out; encodes the halved images. */
  config.method = LAB_EMBED_PCA;
  config.n = 20;
  {
    g_autoptr(LabEmbedding) emb = lab_embedding_compute (sr, digits, &config, NULL, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (emb->height, ==, 28);
  }

  g_assert_false (lab_embed_method_parse ("isomap", &config.method, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (lab_embed_method_parse ("t-SNE", &config.method, &error));
  g_assert_cmpint (config.method, ==, LAB_EMBED_TSNE);
}

/* The gallery */

static LabGallery *
make_gallery (void)
{
  const char *names[] = { "zero", "one", "two", "T-shirt/top" };
  LabGallery *gallery = lab_gallery_new (28, 28, names, 4);
  LabGallerySource source = { "cae-tiny", "pca", 0.5, -0.25, 120 };
  float image[784], latent[3];

  for (guint i = 0; i < 5; i++)
    {
      for (guint p = 0; p < 784; p++)
        image[p] = (float) ((p * (i + 3) + 11 * i) % 256) / 255.0f;
      latent[0] = i;
      latent[1] = -1.0f * i;
      latent[2] = 0.5f;
      g_assert_cmpuint (lab_gallery_add (gallery, image, latent, 3, (int) (i % 4), &source), ==, i + 1);
    }
  return gallery;
}

static void
test_gallery_export (void)
{
  g_autoptr(LabGallery) gallery = make_gallery ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("latentlab-gallery-XXXXXX", NULL);
  g_autofree char *folder = g_build_filename (dir, "augmented", NULL);
  g_autofree char *images = g_build_filename (dir, "aug-images-idx3-ubyte", NULL);
  g_autofree char *labels = g_build_filename (dir, "aug-labels-idx1-ubyte", NULL);
  g_autofree char *csv = g_build_filename (folder, "provenance.csv", NULL);
  g_autoptr(LabDataset) from_folder = NULL;
  g_autoptr(LabDataset) from_idx = NULL;
  g_autoptr(LabDataset) opened = NULL;

  g_assert_true (lab_gallery_set_label (gallery, 5, 2));
  g_assert_cmpint (lab_gallery_find (gallery, 5)->label, ==, 2);

  /* PNG folder: one subfolder per class name, read back by name. */
  g_assert_true (lab_gallery_export_png_folder (gallery, folder, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (csv, G_FILE_TEST_EXISTS));
  from_folder = lab_png_folder_load (folder, 28, 28, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_folder->n, ==, 5);
  g_assert_cmpuint (from_folder->n_ignored, ==, 1);   /* provenance.csv */
  for (guint i = 0; i < lab_gallery_get_n (gallery); i++)
    {
      const LabGalleryItem *item = lab_gallery_get_item (gallery, i);
      g_autofree char *expected = g_strdelimit (g_strdup (lab_gallery_get_class_name (gallery, item->label)), "/", '_');
      gboolean found = FALSE;

      for (guint j = 0; j < from_folder->n; j++)
        if (memcmp (lab_dataset_image (from_folder, j), item->pixels, 784) == 0)
          {
            g_assert_cmpstr (from_folder->class_names[from_folder->labels[j]], ==, expected);
            found = TRUE;
          }
      g_assert_true (found);
    }

  /* IDX pair: labels are the class indices. */
  g_assert_true (lab_gallery_export_idx (gallery, images, labels, &error));
  g_assert_no_error (error);
  from_idx = lab_idx_load (images, labels, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_idx->n, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      const LabGalleryItem *item = lab_gallery_get_item (gallery, i);

      g_assert_cmpmem (lab_dataset_image (from_idx, i), 784, item->pixels, 784);
      g_assert_cmpuint (from_idx->labels[i], ==, (guint) item->label);
    }
  opened = lab_dataset_open (images, LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (opened->n, ==, 5);
  g_assert_cmpuint (opened->labels[4], ==, 2);

  /* An unlabelled item stops the export, naming it. */
  g_assert_true (lab_gallery_set_label (gallery, 2, -1));
  g_assert_false (lab_gallery_export_idx (gallery, images, labels, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "image 2"));
  g_clear_error (&error);

  g_assert_true (lab_gallery_remove (gallery, 2));
  g_assert_false (lab_gallery_remove (gallery, 2));
  g_assert_cmpuint (lab_gallery_get_n (gallery), ==, 4);
  lab_gallery_clear (gallery);
  g_assert_false (lab_gallery_export_png_folder (gallery, folder, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);

  lab_test_remove_tree (dir);
}

static void
test_gallery_diversity (void)
{
  const char *names[] = { "a", "b" };
  g_autoptr(LabGallery) gallery = lab_gallery_new (2, 2, names, 2);
  float img[4] = { 0, 1, 0, 1 }, other[4] = { 1, 1, 0, 0 };
  float za[2] = { 0, 0 }, zb[2] = { 3, 4 };
  double pixel, latent;

  lab_gallery_diversity (gallery, &pixel, &latent);
  g_assert_true (isnan (pixel) && isnan (latent));

  /* Identical images (and latents): no diversity at all. */
  for (guint i = 0; i < 3; i++)
    lab_gallery_add (gallery, img, za, 2, 0, NULL);
  lab_gallery_diversity (gallery, &pixel, &latent);
  g_assert_cmpfloat (pixel, ==, 0);
  g_assert_cmpfloat (latent, ==, 0);

  /* Two images 2 pixels apart by 1: distance sqrt(2); latents 5 apart. */
  lab_gallery_clear (gallery);
  lab_gallery_add (gallery, img, za, 2, 0, NULL);
  lab_gallery_add (gallery, other, zb, 2, 1, NULL);
  lab_gallery_diversity (gallery, &pixel, &latent);
  g_assert_cmpfloat_with_epsilon (pixel, G_SQRT2, 1e-9);
  g_assert_cmpfloat_with_epsilon (latent, 5, 1e-9);

  /* Three: the mean over the 3 pairs (0, sqrt 2, sqrt 2). */
  lab_gallery_add (gallery, img, za, 2, 0, NULL);
  lab_gallery_diversity (gallery, &pixel, &latent);
  g_assert_cmpfloat_with_epsilon (pixel, 2 * G_SQRT2 / 3, 1e-9);
  g_assert_cmpfloat_with_epsilon (latent, 10.0 / 3, 1e-9);
}

/* The memorisation check: a kept copy of a training image is found at
 * distance 0; a changed copy at the distance of the change. */
static void
test_gallery_nearest (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabGallery) gallery = lab_gallery_new (28, 28, NULL, 10);
  guint8 copy[784];
  guint index;
  double distance;
  float image[784];
  guint id;

  memcpy (copy, lab_dataset_image (digits, 123), 784);
  g_assert_true (lab_gallery_find_nearest (copy, 28, 28, digits, &index, &distance, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (distance, ==, 0);
  g_assert_cmpmem (lab_dataset_image (digits, index), 784, copy, 784);

  copy[400] = copy[400] > 127 ? copy[400] - 51 : copy[400] + 51;
  g_assert_true (lab_gallery_find_nearest (copy, 28, 28, digits, &index, &distance, NULL, &error));
  g_assert_cmpfloat (distance, <=, 51 / 255.0 + 1e-12);
  g_assert_cmpfloat (distance, >, 0);

  for (guint p = 0; p < 784; p++)
    image[p] = copy[p] / 255.0f;
  id = lab_gallery_add (gallery, image, NULL, 0, 7, NULL);
  g_assert_cmpstr (lab_gallery_get_class_name (gallery, 7), ==, "7");
  g_assert_true (lab_gallery_set_nearest (gallery, id, index, distance, lab_dataset_image (digits, index)));
  g_assert_true (lab_gallery_find (gallery, id)->has_nearest);
  g_assert_cmpmem (lab_gallery_find (gallery, id)->nearest_pixels, 784, lab_dataset_image (digits, index), 784);

  g_assert_false (lab_gallery_find_nearest (copy, 14, 56, digits, &index, &distance, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_MISMATCH);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  digits = lab_synthetic_digits_new (600, 7, &error);
  g_assert_no_error (error);

  g_test_add_func ("/embedding/encode", test_embedding_encode);
  g_test_add_func ("/embedding/pca-inverse", test_embedding_pca_inverse);
  g_test_add_func ("/embedding/raw-latent", test_embedding_raw_latent);
  g_test_add_func ("/embedding/tsne-mix", test_embedding_tsne_mix);
  g_test_add_func ("/embedding/interpolate", test_embedding_interpolate);
  g_test_add_func ("/embedding/manifold", test_embedding_manifold);
  g_test_add_func ("/embedding/normal-quantile", test_embedding_normal_quantile);
  g_test_add_func ("/embedding/majority-and-csv", test_embedding_majority_and_csv);
  g_test_add_func ("/embedding/errors", test_embedding_errors);
  g_test_add_func ("/gallery/export", test_gallery_export);
  g_test_add_func ("/gallery/diversity", test_gallery_diversity);
  g_test_add_func ("/gallery/nearest", test_gallery_nearest);
  status = g_test_run ();
  lab_dataset_unref (digits);
  return status;
}
