#define G_LOG_DOMAIN "latentlab-core"

#include "lab-embedding.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lab-format.h"
#include "lab-rng.h"
#include "lab-task.h"
#include "lab-tsne.h"

/* Images per encoder pass: big enough for sgemm to pay off, small enough
 * that the activations of a wide model stay a few tens of MB. */
#define ENCODE_BATCH 256

/* Share of the job's progress bar the encoder takes before t-SNE. */
#define TSNE_ENCODE_SHARE 0.08

/* Methods */

const char *
lab_embed_method_name (LabEmbedMethod method)
{
  switch (method)
    {
    case LAB_EMBED_PCA:
      return "pca";
    case LAB_EMBED_TSNE:
      return "tsne";
    case LAB_EMBED_LATENT:
      return "latent";
    default:
      return "unknown";
    }
}

gboolean
lab_embed_method_parse (const char      *name,
                        LabEmbedMethod  *method,
                        GError         **error)
{
  if (name != NULL)
    {
      if (g_ascii_strcasecmp (name, "pca") == 0)
        {
          *method = LAB_EMBED_PCA;
          return TRUE;
        }
      if (g_ascii_strcasecmp (name, "tsne") == 0 || g_ascii_strcasecmp (name, "t-sne") == 0)
        {
          *method = LAB_EMBED_TSNE;
          return TRUE;
        }
      if (g_ascii_strcasecmp (name, "latent") == 0 || g_ascii_strcasecmp (name, "raw") == 0)
        {
          *method = LAB_EMBED_LATENT;
          return TRUE;
        }
    }
  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
               "Unknown embedding method “%s”: use pca, tsne or latent", name ? name : "");
  return FALSE;
}

gboolean
lab_embed_method_is_invertible (LabEmbedMethod method)
{
  return method == LAB_EMBED_PCA || method == LAB_EMBED_LATENT;
}

void
lab_embed_config_init (LabEmbedConfig *config)
{
  memset (config, 0, sizeof *config);
  config->method = LAB_EMBED_PCA;
  config->n = LAB_EMBED_DEFAULT_N;
  config->seed = 1;
  config->perplexity = 30;
  config->tsne_iter = 1000;
  config->publish_every = 10;
  config->k = LAB_EMBED_DEFAULT_K;
}

void
lab_embedding_free (LabEmbedding *self)
{
  if (self == NULL)
    return;
  g_free (self->indices);
  g_free (self->labels);
  g_strfreev (self->class_names);
  g_free (self->latents);
  g_free (self->points);
  g_clear_pointer (&self->pca, lab_pca_free);
  g_free (self->model_name);
  g_free (self->dataset_name);
  g_free (self);
}

/* The model */

guint
lab_embedding_latent_dim (LabModel *model)
{
  return (guint) lab_shape_size (lab_model_latent_shape (model));
}

gboolean
lab_embedding_check_model (LabModel    *model,
                           LabDataset  *dataset,
                           GError     **error)
{
  const char *name = lab_model_get_name (model);
  LabShape out = lab_model_output_shape (model);
  LabTask task;

  if (lab_model_get_loss (model) == LAB_LOSS_SOFTMAX_CE)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "“%s” is a classifier: it ends in class scores, so no point of its "
                   "latent space can be turned back into an image. The latent space needs "
                   "an autoencoder",
                   name);
      return FALSE;
    }
  if (lab_model_encoder_layers (model) >= lab_model_n_layers (model))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "“%s” has no decoder: all %u of its layers are the encoder, so a latent "
                   "point cannot be turned back into an image. Choose an architecture with "
                   "an encoder/decoder split",
                   name, lab_model_n_layers (model));
      return FALSE;
    }
  if (out.c != 1)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s” makes %u-channel outputs, not grayscale images", name, out.c);
      return FALSE;
    }
  if (dataset != NULL && !lab_task_for (model, dataset, &task, error))
    return FALSE;
  return TRUE;
}

static gboolean
ensure_batch (LabModel  *model,
              guint      batch,
              GError   **error)
{
  if (lab_model_get_batch (model) >= batch)
    return TRUE;
  return lab_model_set_batch (model, batch, error);
}

static gboolean
check_alloc (gsize        a,
             gsize        b,
             const char  *what,
             GError     **error)
{
  if (a != 0 && (b > G_MAXSIZE / a || a * b > LAB_MAX_ALLOC_BYTES / sizeof (float)))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "The %s (%" G_GSIZE_FORMAT " × %" G_GSIZE_FORMAT " values) would need "
                   "more memory than allowed",
                   what, a, b);
      return FALSE;
    }
  return TRUE;
}

gboolean
lab_embedding_encode (LabModel         *model,
                      LabDataset       *dataset,
                      const guint      *indices,
                      guint             n,
                      float            *latents,
                      GCancellable     *cancellable,
                      LabProgressFunc   progress,
                      gpointer          user_data,
                      GError          **error)
{
  gsize pixels = (gsize) dataset->height * dataset->width;
  gsize in_size = lab_shape_size (lab_model_input_shape (model));
  gsize dim = lab_embedding_latent_dim (model);
  guint batch = MIN (MAX (n, 1u), ENCODE_BATCH);
  g_autofree float *clean = NULL;
  g_autofree float *input = NULL;
  LabTask task;

  if (!lab_embedding_check_model (model, dataset, error))
    return FALSE;
  if (!lab_task_for (model, dataset, &task, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (indices[i] >= dataset->n)
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "Image %u is not in “%s”, which has %u images", indices[i], dataset->name,
                     dataset->n);
        return FALSE;
      }
  if (!ensure_batch (model, batch, error))
    return FALSE;

  clean = g_new (float, (gsize) batch * pixels);
  input = g_new (float, (gsize) batch * in_size);
  for (guint start = 0; start < n; start += batch)
    {
      guint m = MIN (batch, n - start);
      const float *z;

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (error, LAB_ERROR, LAB_ERROR_CANCELLED,
                               "Encoding was stopped before it finished");
          return FALSE;
        }
      lab_dataset_to_float (dataset, indices + start, m, clean);
      lab_task_make_input (task, clean, m, dataset->height, dataset->width, input);
      z = lab_model_encode (model, input, m);
      for (gsize i = 0; i < (gsize) m * dim; i++)
        if (!isfinite (z[i]))
          {
            g_set_error (error, LAB_ERROR, LAB_ERROR_DIVERGED,
                         "“%s” encodes image %u of “%s” as NaN or infinity: the model has "
                         "diverged; train it again with a lower learning rate",
                         lab_model_get_name (model), indices[start + i / dim], dataset->name);
            return FALSE;
          }
      memcpy (latents + (gsize) start * dim, z, (gsize) m * dim * sizeof (float));
      if (progress != NULL)
        progress ((double) (start + m) / n, NULL, user_data);
    }
  return TRUE;
}

/* Computing an embedding */

typedef struct
{
  LabEmbedFunc        callback;
  gpointer            user_data;
  double              share;      /* of the whole job the encoder takes */
  guint               n;
  guint               n_iter;
  const LabEmbedding *self;       /* under construction */
} RunState;

static void
encode_progress (double      fraction,
                 const char *text,
                 gpointer    user_data)
{
  RunState *state = user_data;
  LabEmbedProgress p = { LAB_EMBED_STAGE_ENCODING, fraction * state->share, 0, 0, NAN, NULL, state->n, NULL, NULL };

  if (state->callback != NULL)
    state->callback (&p, state->user_data);
}

static gboolean
tsne_progress (guint        iteration,
               double       kl,
               const float *y,
               gpointer     user_data)
{
  RunState *state = user_data;
  LabEmbedProgress p = {
    LAB_EMBED_STAGE_OPTIMISING,
    state->share + (1 - state->share) * iteration / MAX (state->n_iter, 1u),
    iteration, state->n_iter, kl, y, state->n, state->self->indices, state->self->labels,
  };

  return state->callback == NULL || state->callback (&p, state->user_data);
}

static int
compare_uint (const void *a,
              const void *b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* n distinct indices of [0, total), ascending; all of them when n == total. */
static guint *
sample_indices (guint   total,
                guint   n,
                guint64 seed)
{
  guint *all = g_new (guint, total);
  LabRng rng;

  for (guint i = 0; i < total; i++)
    all[i] = i;
  if (n < total)
    {
      lab_rng_init (&rng, seed);
      /* Partial Fisher-Yates: the first n slots end up a uniform sample. */
      for (guint i = 0; i < n; i++)
        {
          guint j = i + lab_rng_below (&rng, total - i);
          guint t = all[i];

          all[i] = all[j];
          all[j] = t;
        }
      qsort (all, n, sizeof (guint), compare_uint);
    }
  return all;
}

static gboolean
check_config (const LabEmbedConfig  *config,
              LabDataset            *dataset,
              GError               **error)
{
  if (config->n == 0 || config->n > LAB_EMBED_MAX_N)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Embed from 1 to %u images, not %u", LAB_EMBED_MAX_N, config->n);
      return FALSE;
    }
  if (config->n > dataset->n)
    {
      g_autofree char *have = lab_format_count (dataset->n);
      g_autofree char *want = lab_format_count (config->n);

      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "“%s” has only %s images; it cannot give %s to embed",
                   dataset->name, have, want);
      return FALSE;
    }
  if (config->k == 0 || config->k > LAB_EMBED_MAX_K)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Mix from 1 to %u neighbours, not %u", LAB_EMBED_MAX_K, config->k);
      return FALSE;
    }
  if (config->method == LAB_EMBED_TSNE)
    {
      if (!(config->perplexity > 0) || !isfinite (config->perplexity))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "The t-SNE perplexity must be a positive number, not %g",
                       config->perplexity);
          return FALSE;
        }
      if (config->perplexity >= config->n / 3.0)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "A t-SNE perplexity of %g needs more than %.0f images (3 × perplexity); "
                       "embed more images or lower the perplexity below %.1f",
                       config->perplexity, floor (3 * config->perplexity), config->n / 3.0);
          return FALSE;
        }
    }
  if (config->method == LAB_EMBED_PCA && config->n < 2)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                           "PCA needs at least 2 images");
      return FALSE;
    }
  return TRUE;
}

LabEmbedding *
lab_embedding_compute (LabModel              *model,
                       LabDataset            *dataset,
                       const LabEmbedConfig  *config,
                       LabEmbedFunc           callback,
                       gpointer               user_data,
                       GCancellable          *cancellable,
                       GError               **error)
{
  g_autoptr(LabEmbedding) self = NULL;
  RunState state = { callback, user_data, 0.9, config->n, config->tsne_iter, NULL };
  guint dim;

  if (!check_config (config, dataset, error))
    return NULL;
  if (!lab_embedding_check_model (model, dataset, error))
    return NULL;

  dim = lab_embedding_latent_dim (model);
  if (config->method == LAB_EMBED_LATENT && dim != 2)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The raw latent can be plotted only when it has 2 values; “%s” has %u. "
                   "Use PCA or t-SNE, or train vae-conv",
                   lab_model_get_name (model), dim);
      return NULL;
    }
  if (config->method == LAB_EMBED_PCA && dim < 2)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "“%s” has a latent of 1 value: a line, not a plane to plot",
                   lab_model_get_name (model));
      return NULL;
    }
  if (!check_alloc (config->n, dim, "latents", error))
    return NULL;

  self = g_new0 (LabEmbedding, 1);
  self->config = *config;
  self->method = config->method;
  self->n = config->n;
  self->dim = dim;
  self->latent_shape = lab_model_latent_shape (model);
  self->height = lab_model_output_shape (model).h;
  self->width = lab_model_output_shape (model).w;
  self->kl = NAN;
  self->model_name = g_strdup (lab_model_get_name (model));
  self->dataset_name = g_strdup (dataset->name);
  self->indices = sample_indices (dataset->n, config->n, config->seed);
  if (dataset->labels != NULL)
    {
      self->labels = g_new (guint8, self->n);
      for (guint r = 0; r < self->n; r++)
        self->labels[r] = dataset->labels[self->indices[r]];
      self->n_classes = dataset->n_classes;
      if (dataset->class_names != NULL)
        self->class_names = g_strdupv (dataset->class_names);
    }
  self->latents = g_new (float, (gsize) self->n * dim);
  self->points = g_new0 (float, (gsize) self->n * 2);
  state.self = self;

  if (config->method == LAB_EMBED_TSNE)
    state.share = TSNE_ENCODE_SHARE;
  if (!lab_embedding_encode (model, dataset, self->indices, self->n, self->latents,
                             cancellable, encode_progress, &state, error))
    return NULL;

  switch (config->method)
    {
    case LAB_EMBED_LATENT:
      memcpy (self->points, self->latents, (gsize) self->n * 2 * sizeof (float));
      break;

    case LAB_EMBED_PCA:
      {
        LabEmbedProgress p = { LAB_EMBED_STAGE_REDUCING, state.share, 0, 0, NAN, NULL, self->n,
                               self->indices, self->labels };

        if (callback != NULL)
          callback (&p, user_data);
        self->pca = lab_pca_fit (self->latents, self->n, dim, 2, LAB_PCA_SOLVER_AUTO,
                                 config->seed, cancellable, error);
        if (self->pca == NULL)
          return NULL;
        lab_pca_transform (self->pca, self->latents, self->n, self->points);
      }
      break;

    case LAB_EMBED_TSNE:
      {
        LabTsneConfig tc;
        LabTsneResult result;

        lab_tsne_config_init (&tc);
        tc.perplexity = config->perplexity;
        tc.n_iter = config->tsne_iter;
        tc.seed = config->seed;
        tc.publish_every = MAX (config->publish_every, 1u);
        tc.n_threads = config->n_threads;
        if (!lab_tsne_run (self->latents, self->n, dim, &tc, self->points,
                           tsne_progress, &state, &result, cancellable, error))
          return NULL;
        self->kl = result.kl;
        self->stopped = result.stopped;
      }
      break;

    default:
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, "Unknown embedding method %d",
                   config->method);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/* Locations of the plane */

guint
lab_embedding_nearest (const LabEmbedding *self,
                       double              x,
                       double              y,
                       guint               k,
                       guint              *rows,
                       double             *distances)
{
  g_autofree double *best = NULL;
  guint found = 0;

  k = MIN (k, self->n);
  if (k == 0)
    return 0;
  best = g_new (double, k);
  /* Insertion into a sorted list of k: k is a handful, n at most 10,000. */
  for (guint r = 0; r < self->n; r++)
    {
      double dx = self->points[2 * r] - x, dy = self->points[2 * r + 1] - y;
      double d2 = dx * dx + dy * dy;
      guint pos;

      if (found == k && d2 >= best[k - 1])
        continue;
      pos = found < k ? found++ : k - 1;
      while (pos > 0 && best[pos - 1] > d2)
        {
          best[pos] = best[pos - 1];
          rows[pos] = rows[pos - 1];
          pos--;
        }
      best[pos] = d2;
      rows[pos] = r;
    }
  if (distances != NULL)
    for (guint i = 0; i < found; i++)
      distances[i] = sqrt (best[i]);
  return found;
}

void
lab_embedding_latent_at (const LabEmbedding *self,
                         double              x,
                         double              y,
                         float              *latent,
                         guint              *rows,
                         float              *weights,
                         guint              *n_rows)
{
  guint near[LAB_EMBED_MAX_K];
  double dist[LAB_EMBED_MAX_K];
  float w[LAB_EMBED_MAX_K];
  guint k;

  if (n_rows != NULL)
    *n_rows = 0;

  if (self->method == LAB_EMBED_PCA)
    {
      float z[2] = { (float) x, (float) y };

      lab_pca_inverse_transform (self->pca, z, 1, latent);
      return;
    }
  if (self->method == LAB_EMBED_LATENT)
    {
      latent[0] = (float) x;
      latent[1] = (float) y;
      return;
    }

  k = lab_embedding_nearest (self, x, y, MIN (MAX (self->config.k, 1u), LAB_EMBED_MAX_K),
                             near, dist);
  if (k == 0)
    {
      memset (latent, 0, self->dim * sizeof (float));
      return;
    }
  if (dist[0] == 0)
    {
      /* On a point: that point's own latent, not a blend with its neighbours. */
      memset (w, 0, sizeof w);
      w[0] = 1;
    }
  else
    {
      double sum = 0;

      for (guint i = 0; i < k; i++)
        sum += 1 / (dist[i] * dist[i]);
      for (guint i = 0; i < k; i++)
        w[i] = (float) (1 / (dist[i] * dist[i]) / sum);
    }

  memset (latent, 0, self->dim * sizeof (float));
  for (guint i = 0; i < k; i++)
    {
      const float *z = self->latents + (gsize) near[i] * self->dim;

      for (guint j = 0; j < self->dim; j++)
        latent[j] += w[i] * z[j];
    }
  if (rows != NULL)
    memcpy (rows, near, k * sizeof (guint));
  if (weights != NULL)
    memcpy (weights, w, k * sizeof (float));
  if (n_rows != NULL)
    *n_rows = k;
}

int
lab_embedding_majority_label (const LabEmbedding *self,
                              double              x,
                              double              y,
                              guint               k)
{
  guint near[LAB_EMBED_MAX_K];
  double dist[LAB_EMBED_MAX_K];
  guint counts[256] = { 0 };
  double closest[256];
  int best = -1;

  if (self->labels == NULL)
    return -1;
  k = lab_embedding_nearest (self, x, y, MIN (MAX (k, 1u), LAB_EMBED_MAX_K), near, dist);
  for (guint i = 0; i < 256; i++)
    closest[i] = INFINITY;
  for (guint i = 0; i < k; i++)
    {
      guint8 label = self->labels[near[i]];

      counts[label]++;
      closest[label] = MIN (closest[label], dist[i]);
    }
  /* A tie goes to the class with the nearer point. */
  for (guint c = 0; c < 256; c++)
    if (counts[c] > 0
        && (best < 0 || counts[c] > counts[best]
            || (counts[c] == counts[best] && closest[c] < closest[best])))
      best = (int) c;
  return best;
}

/* Decoding */

gboolean
lab_embedding_decode (LabModel     *model,
                      const float  *latents,
                      guint         n,
                      guint         dim,
                      float        *images,
                      GError      **error)
{
  guint expected = lab_embedding_latent_dim (model);
  gsize out_size = lab_shape_size (lab_model_output_shape (model));
  guint batch;

  if (!lab_embedding_check_model (model, NULL, error))
    return FALSE;
  if (dim != expected)
    {
      LabShape s = lab_model_latent_shape (model);

      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s” has a latent of %u values (%u × %u × %u), but %u were given",
                   lab_model_get_name (model), expected, s.c, s.h, s.w, dim);
      return FALSE;
    }
  for (gsize i = 0; i < (gsize) n * dim; i++)
    if (!isfinite (latents[i]))
      {
        g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                             "A latent value is NaN or infinite");
        return FALSE;
      }
  if (n == 0)
    return TRUE;
  batch = MIN (n, ENCODE_BATCH);
  if (!ensure_batch (model, batch, error))
    return FALSE;
  batch = MIN (lab_model_get_batch (model), ENCODE_BATCH);
  for (guint start = 0; start < n; start += batch)
    {
      guint m = MIN (batch, n - start);
      const float *y = lab_model_decode (model, latents + (gsize) start * dim, m);

      memcpy (images + (gsize) start * out_size, y, (gsize) m * out_size * sizeof (float));
    }
  return TRUE;
}

gboolean
lab_embedding_interpolate (LabModel     *model,
                           const float  *from,
                           const float  *to,
                           guint         dim,
                           guint         steps,
                           float        *latents,
                           float        *images,
                           GError      **error)
{
  g_autofree float *owned = NULL;
  float *z = latents;

  if (steps < 2 || steps > 1000)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "An interpolation takes 2 to 1,000 steps, not %u", steps);
      return FALSE;
    }
  if (z == NULL)
    z = owned = g_new (float, (gsize) steps * dim);
  for (guint i = 0; i < steps; i++)
    {
      /* The endpoints are the given latents exactly, not a rounded blend. */
      float t = (float) i / (steps - 1);

      for (guint j = 0; j < dim; j++)
        z[(gsize) i * dim + j] = i == 0 ? from[j]
                                 : i == steps - 1 ? to[j]
                                 : from[j] + t * (to[j] - from[j]);
    }
  /* Without images, decoding none still checks the model and the size. */
  if (images == NULL)
    return lab_embedding_decode (model, z, 0, dim, NULL, error);
  return lab_embedding_decode (model, z, steps, dim, images, error);
}

/* The manifold */

double
lab_normal_quantile (double p)
{
  /* Acklam's rational approximation (relative error 1.15e-9), refined by
   * one Halley step against erfc. */
  static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
                              -2.759285104469687e+02, 1.383577518672690e+02,
                              -3.066479806614716e+01, 2.506628277459239e+00 };
  static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
                              -1.556989798598866e+02, 6.680131188771972e+01,
                              -1.328068155288572e+01 };
  static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
                              -2.400758277161838e+00, -2.549732539343734e+00,
                              4.374664141464968e+00, 2.938163982698783e+00 };
  static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
                              2.445134137142996e+00, 3.754408661907416e+00 };
  double q, r, x, e, u;

  if (p <= 0)
    return -INFINITY;
  if (p >= 1)
    return INFINITY;
  if (p < 0.02425)
    {
      q = sqrt (-2 * log (p));
      x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
  else if (p > 1 - 0.02425)
    {
      q = sqrt (-2 * log (1 - p));
      x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
  else
    {
      q = p - 0.5;
      r = q * q;
      x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
          / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
  e = 0.5 * erfc (-x / G_SQRT2) - p;
  u = e * sqrt (2 * G_PI) * exp (x * x / 2);
  return x - u / (1 + x * u / 2);
}

static int
compare_float (const void *a,
               const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return x < y ? -1 : x > y;
}

static gboolean
is_vae (LabModel *model)
{
  const LabSpec *spec = lab_model_get_spec (model);
  guint last = lab_model_encoder_layers (model) - 1;

  return g_strcmp0 (lab_spec_get_layer_type (spec, last), "vae_sample") == 0;
}

void
lab_embedding_manifold_range (const LabEmbedding *self,
                              LabModel           *model,
                              double             *x0,
                              double             *x1,
                              double             *y0,
                              double             *y1)
{
  g_autofree float *v = NULL;
  gsize lo, hi;

  if (self->method == LAB_EMBED_LATENT && model != NULL && is_vae (model) && self->n > 0)
    {
      double q0 = lab_normal_quantile (0.05), q1 = lab_normal_quantile (0.95);
      guint inside = 0;

      /* The Keras example's grid assumes the latents follow the prior; a
       * briefly trained VAE's do not yet, and the grid would miss them. */
      for (guint r = 0; r < self->n; r++)
        inside += self->points[2 * r] >= q0 && self->points[2 * r] <= q1
                  && self->points[2 * r + 1] >= q0 && self->points[2 * r + 1] <= q1;
      if (inside >= 0.8 * self->n)
        {
          *x0 = *y0 = q0;
          *x1 = *y1 = q1;
          return;
        }
    }
  if (self->n == 0)
    {
      *x0 = *y0 = -1;
      *x1 = *y1 = 1;
      return;
    }
  v = g_new (float, self->n);
  lo = (gsize) lrint (0.01 * (self->n - 1));
  hi = (gsize) lrint (0.99 * (self->n - 1));
  for (guint axis = 0; axis < 2; axis++)
    {
      for (guint r = 0; r < self->n; r++)
        v[r] = self->points[2 * r + axis];
      qsort (v, self->n, sizeof (float), compare_float);
      *(axis == 0 ? x0 : y0) = v[lo];
      *(axis == 0 ? x1 : y1) = v[hi];
    }
  /* A degenerate axis (every point equal) still spans something. */
  if (*x1 - *x0 < 1e-9)
    *x0 -= 0.5, *x1 += 0.5;
  if (*y1 - *y0 < 1e-9)
    *y0 -= 0.5, *y1 += 0.5;
}

static guint8
to_byte (float v)
{
  return (guint8) lrintf (CLAMP (v, 0.0f, 1.0f) * 255.0f);
}

gboolean
lab_embedding_manifold (const LabEmbedding  *self,
                        LabModel            *model,
                        guint                grid,
                        double               x0,
                        double               x1,
                        double               y0,
                        double               y1,
                        guint8              *mosaic,
                        GError             **error)
{
  gsize h = self->height, w = self->width, pixels = h * w;
  g_autofree float *z = NULL;
  g_autofree float *images = NULL;

  if (!lab_embed_method_is_invertible (self->method))
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                           "t-SNE has no inverse, so its plane cannot be decoded as a grid; "
                           "use PCA or the raw 2-D latent");
      return FALSE;
    }
  if (grid < 2 || grid > 64)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "A manifold grid has 2 to 64 images a side, not %u", grid);
      return FALSE;
    }
  if (lab_embedding_latent_dim (model) != self->dim
      || lab_model_output_shape (model).h != self->height
      || lab_model_output_shape (model).w != self->width)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "“%s” is not the model this embedding was made with (“%s”)",
                   lab_model_get_name (model), self->model_name);
      return FALSE;
    }

  z = g_new (float, (gsize) grid * self->dim);
  images = g_new (float, (gsize) grid * pixels);
  for (guint row = 0; row < grid; row++)
    {
      double y = y1 - (y1 - y0) * row / (grid - 1);

      for (guint col = 0; col < grid; col++)
        {
          double x = x0 + (x1 - x0) * col / (grid - 1);

          lab_embedding_latent_at (self, x, y, z + (gsize) col * self->dim, NULL, NULL, NULL);
        }
      if (!lab_embedding_decode (model, z, grid, self->dim, images, error))
        return FALSE;
      for (guint col = 0; col < grid; col++)
        for (gsize py = 0; py < h; py++)
          {
            guint8 *dst = mosaic + ((row * h + py) * grid + col) * w;
            const float *src = images + col * pixels + py * w;

            for (gsize px = 0; px < w; px++)
              dst[px] = to_byte (src[px]);
          }
    }
  return TRUE;
}

/* Output */

gboolean
lab_embedding_save_csv (const LabEmbedding  *self,
                        const char          *path,
                        GError             **error)
{
  g_autoptr(GString) s = g_string_sized_new ((gsize) self->n * 32 + 32);
  g_autoptr(GError) local_error = NULL;

  g_string_append (s, "x,y,label,index\n");
  for (guint r = 0; r < self->n; r++)
    {
      char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (x, sizeof x, "%.6g", self->points[2 * r]);
      g_ascii_formatd (y, sizeof y, "%.6g", self->points[2 * r + 1]);
      if (self->labels != NULL)
        g_string_append_printf (s, "%s,%s,%u,%u\n", x, y, self->labels[r], self->indices[r]);
      else
        g_string_append_printf (s, "%s,%s,,%u\n", x, y, self->indices[r]);
    }
  if (!g_file_set_contents (path, s->str, s->len, &local_error))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_IO, "%s: cannot write the points (%s)",
                   path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

char *
lab_embedding_axis_title (const LabEmbedding *self,
                          guint               axis)
{
  axis = MIN (axis, 1u);
  switch (self->method)
    {
    case LAB_EMBED_PCA:
      return g_strdup_printf ("PC %u  (%.0f%% of the variance)", axis + 1,
                              100 * self->pca->explained_variance_ratio[axis]);
    case LAB_EMBED_TSNE:
      return g_strdup_printf ("t-SNE %u", axis + 1);
    case LAB_EMBED_LATENT:
    default:
      return g_strdup (axis == 0 ? "latent z₁" : "latent z₂");
    }
}
