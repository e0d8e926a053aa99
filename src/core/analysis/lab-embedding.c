#define G_LOG_DOMAIN "latentlab-core"

#include "lab-embedding.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-rng.h"
#include "lab-save.h"
#include "lab-task.h"
#include "lab-tsne.h"
#include "lab-umap.h"

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
    case LAB_EMBED_UMAP:
      return "umap";
    default:
      return "unknown";
    }
}

const char *
lab_embed_method_title (LabEmbedMethod method)
{
  switch (method)
    {
    case LAB_EMBED_PCA:
      return N_("PCA");
    case LAB_EMBED_TSNE:
      return N_("t-SNE");
    case LAB_EMBED_UMAP:
      return N_("UMAP");
    case LAB_EMBED_LATENT:
    default:
      return N_("Raw latent");
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
      if (g_ascii_strcasecmp (name, "umap") == 0)
        {
          *method = LAB_EMBED_UMAP;
          return TRUE;
        }
    }
  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
               "Unknown embedding method “%s”: use pca, tsne, umap or latent", name ? name : "");
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
  config->umap_neighbors = 15;
  config->umap_min_dist = 0.1;
  config->umap_epochs = 0;
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

static gboolean
umap_progress (guint        epoch,
               guint        n_epochs,
               const float *y,
               gpointer     user_data)
{
  return tsne_progress (epoch, NAN, y, user_data);
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
  if (config->method == LAB_EMBED_UMAP && config->n <= config->umap_neighbors)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "UMAP with %u neighbours needs more than %u images; embed more images or "
                   "use fewer neighbours", config->umap_neighbors, config->umap_neighbors);
      return FALSE;
    }
  if (config->method == LAB_EMBED_PCA && config->n < 2)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                           "PCA needs at least 2 images");
      return FALSE;
    }
  return TRUE;
}

/* The rows t-SNE works on: the latents, or when they are wider than
 * LAB_EMBED_REDUCED_DIM their first principal components (in *reduced),
 * self->map_dim set to match. NULL on error. */
static const float *
reduce_input (LabEmbedding          *self,
              const LabEmbedConfig  *config,
              RunState              *state,
              float                **reduced,
              GCancellable          *cancellable,
              GError               **error)
{
  LabEmbedProgress p = { LAB_EMBED_STAGE_REDUCING, state->share, 0, 0, NAN, NULL, self->n,
                         self->indices, self->labels };
  g_autoptr(LabPca) pca = NULL;

  self->map_dim = self->dim;
  if (self->dim <= LAB_EMBED_REDUCED_DIM || self->n <= LAB_EMBED_REDUCED_DIM)
    return self->latents;
  if (state->callback != NULL)
    state->callback (&p, state->user_data);
  pca = lab_pca_fit (self->latents, self->n, self->dim, LAB_EMBED_REDUCED_DIM,
                     LAB_PCA_SOLVER_AUTO, config->seed, cancellable, error);
  if (pca == NULL)
    return NULL;
  *reduced = g_new (float, (gsize) self->n * LAB_EMBED_REDUCED_DIM);
  lab_pca_transform (pca, self->latents, self->n, *reduced);
  self->map_dim = LAB_EMBED_REDUCED_DIM;
  return *reduced;
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
  self->map_dim = dim;
  state.self = self;

  if (config->method == LAB_EMBED_TSNE || config->method == LAB_EMBED_UMAP)
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
        g_autofree float *reduced = NULL;
        const float *input;
        LabTsneConfig tc;
        LabTsneResult result;

        input = reduce_input (self, config, &state, &reduced, cancellable, error);
        if (input == NULL)
          return NULL;
        lab_tsne_config_init (&tc);
        tc.pca_components = 0;
        tc.perplexity = config->perplexity;
        tc.n_iter = config->tsne_iter;
        tc.seed = config->seed;
        tc.publish_every = MAX (config->publish_every, 1u);
        tc.n_threads = config->n_threads;
        if (!lab_tsne_run (input, self->n, self->map_dim, &tc, self->points,
                           tsne_progress, &state, &result, cancellable, error))
          return NULL;
        self->kl = result.kl;
        self->stopped = result.stopped;
      }
      break;

    case LAB_EMBED_UMAP:
      {
        g_autofree float *reduced = NULL;
        const float *input;
        LabUmapConfig uc;

        input = reduce_input (self, config, &state, &reduced, cancellable, error);
        if (input == NULL)
          return NULL;
        lab_umap_config_init (&uc);
        uc.n_neighbors = config->umap_neighbors;
        uc.min_dist = config->umap_min_dist;
        uc.n_epochs = config->umap_epochs;
        uc.seed = config->seed;
        uc.n_threads = config->n_threads;
        uc.publish_every = MAX (config->publish_every / 2, 1u);
        state.n_iter = uc.n_epochs > 0 ? uc.n_epochs : self->n <= 10000 ? 500 : 200;
        if (!lab_umap_run (input, self->n, self->map_dim, &uc, self->points, umap_progress, &state,
                           &self->stopped, cancellable, error))
          return NULL;
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

/* Output */

gboolean
lab_embedding_save_csv (const LabEmbedding  *self,
                        const char          *path,
                        GError             **error)
{
  g_autoptr(GString) s = g_string_sized_new ((gsize) self->n * 32 + 32);

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
  return lab_save_contents (path, s->str, s->len, error);
}

char *
lab_embedding_describe_input (const LabEmbedding *self)
{
  g_autofree char *dim = lab_format_count (self->dim);

  if (self->map_dim != self->dim)
    return g_strdup_printf ("latent %s values → PCA %u", dim, self->map_dim);
  return g_strdup_printf ("latent %s values", dim);
}

char *
lab_embedding_axis_title (const LabEmbedding *self,
                          guint               axis)
{
  axis = MIN (axis, 1u);
  switch (self->method)
    {
    case LAB_EMBED_PCA:
      /* Translators: a latent map's axis title: principal component 1 or
       * 2 and the share of the variance along it, "PC 1  (27% of the variance)" */
      return g_strdup_printf (_("PC %u  (%.0f%% of the variance)"), axis + 1,
                              100 * self->pca->explained_variance_ratio[axis]);
    case LAB_EMBED_TSNE:
      /* Translators: a latent map's axis title, "t-SNE 1" or "t-SNE 2" */
      return g_strdup_printf (_("t-SNE %u"), axis + 1);
    case LAB_EMBED_UMAP:
      /* Translators: a latent map's axis title, "UMAP 1" or "UMAP 2" */
      return g_strdup_printf (_("UMAP %u"), axis + 1);
    case LAB_EMBED_LATENT:
    default:
      return g_strdup (axis == 0 ? _("latent z₁") : _("latent z₂"));
    }
}

float *
lab_embedding_parse_latent (const char  *text,
                            guint       *n,
                            GError     **error)
{
  g_auto(GStrv) parts = g_strsplit_set (text, ", \t\n", -1);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (float));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      double v;
      float f;

      if (*parts[i] == '\0')
        continue;
      v = g_ascii_strtod (parts[i], &end);
      /* A finite double beyond float's range (1e300) would become inf. */
      if (end == parts[i] || *end != '\0' || !isfinite (v) || fabs (v) > G_MAXFLOAT)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "“%s” is not a number a latent value can hold "
                       "(give values like \"0.5,-1.2\")", parts[i]);
          return NULL;
        }
      f = (float) v;
      g_array_append_val (values, f);
    }
  if (values->len == 0)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                           "no values (give values like \"0.5,-1.2\")");
      return NULL;
    }
  *n = values->len;
  return (float *) g_array_free (g_steal_pointer (&values), FALSE);
}
