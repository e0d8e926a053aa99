#define G_LOG_DOMAIN "latentlab-core"

/* t-SNE's driver: settings and input checks, the optional PCA first, the
 * start positions and scikit-learn's gradient descent with its stopping
 * rules. The affinities are in lab-tsne-affinities.c, the gradient in
 * lab-tsne-gradient.c. */

#include "lab-tsne-private.h"

#include <math.h>
#include <string.h>

#include "lab-pca.h"
#include "lab-rng.h"

#define KL_EVERY             50     /* scikit-learn's n_iter_check */
#define MOMENTUM_EARLY       0.5f
#define MOMENTUM_LATE        0.8f
#define MIN_GAIN             0.01f
#define MIN_GRAD_NORM        1e-7
#define ITER_WITHOUT_PROGRESS 300
/* Iterations between renumberings of the points along the layout
 * (lab-tsne-order.c) */
#define RENUMBER_EVERY       50
#define BH_LEAF_SIZE         16     /* points a quadtree leaf holds: measured best of 1..32 */
/* The iteration loop runs the team once or twice per iteration (about a
 * millisecond apart), so its threads poll this many times (about 20-50
 * microseconds) before sleeping. The loop itself calls no BLAS, so the team
 * is the only layer of threads while it runs. */
#define TEAM_SPIN_POLLS      20000

static void
tsne_clear (LabTsneState *t)
{
  g_clear_pointer (&t->team, lab_team_free);
  g_free (t->yx);
  g_free (t->yy);
  g_free (t->gx);
  g_free (t->gy);
  g_free (t->ux);
  g_free (t->uy);
  g_free (t->gain_x);
  g_free (t->gain_y);
  g_free (t->pu);
  g_free (t->acc);
  g_free (t->row_ptr);
  g_free (t->col);
  g_free (t->val);
  g_free (t->spare_row_ptr);
  g_free (t->spare_col);
  g_free (t->spare_val);
  g_free (t->index);
  g_clear_pointer (&t->tree, lab_quadtree_free);
  g_free (t->tree_scratch);
  g_free (t->rep_x);
  g_free (t->rep_y);
  g_free (t->rep_z);
  g_free (t->yxy);
  g_free (t->att_x);
  g_free (t->att_y);
  g_clear_pointer (&t->fft, lab_tsne_fft_free);
}

/* One step of scikit-learn's _gradient_descent: delta-bar-delta gains, then
 * momentum. Returns the norm of the gain-scaled gradient. */
static double
tsne_step (LabTsneState *t,
           float         momentum,
           float         learning_rate)
{
  float *pos[2] = { t->yx, t->yy }, *grad[2] = { t->gx, t->gy };
  float *upd[2] = { t->ux, t->uy }, *gain[2] = { t->gain_x, t->gain_y };
  double norm2 = 0;

  for (guint a = 0; a < 2; a++)
    {
      float *restrict p = pos[a], *restrict g = grad[a];
      float *restrict u = upd[a], *restrict k = gain[a];

      for (gsize i = 0; i < t->n; i++)
        {
          /* the gain grows while the gradient keeps pushing the same way */
          float gi = g[i], ki = u[i] * gi < 0 ? k[i] + 0.2f : k[i] * 0.8f;

          ki = MAX (ki, MIN_GAIN);
          gi *= ki;
          u[i] = momentum * u[i] - learning_rate * gi;
          p[i] += u[i];
          k[i] = ki;
          norm2 += (double) gi * gi;
        }
    }
  return sqrt (norm2);
}

static void
tsne_reset_momentum (LabTsneState *t)
{
  for (gsize i = 0; i < t->n; i++)
    {
      t->ux[i] = t->uy[i] = 0;
      t->gain_x[i] = t->gain_y[i] = 1;
    }
}

/* scikit-learn's init="pca": the first two principal components, scaled so
 * the first has standard deviation 1e-4 (a random init has the same spread). */
static void
tsne_init_positions (LabTsneState        *t,
                     const float         *x,
                     gsize                dim,
                     const LabTsneConfig *config)
{
  gsize n = t->n;
  LabRng rng;

  if (config->init == LAB_TSNE_INIT_PCA && dim >= 2)
    {
      g_autoptr(LabPca) pca = lab_pca_fit (x, n, dim, 2, LAB_PCA_SOLVER_AUTO,
                                           config->seed, NULL, NULL);

      if (pca != NULL)
        {
          g_autofree float *z = g_new (float, 2 * n);
          double mean = 0, var = 0;

          lab_pca_transform (pca, x, n, z);
          for (gsize i = 0; i < n; i++)
            mean += z[2 * i];
          mean /= n;
          for (gsize i = 0; i < n; i++)
            var += (z[2 * i] - mean) * (z[2 * i] - mean);
          var /= n;
          if (var > 0 && isfinite (var))
            {
              double scale = 1e-4 / sqrt (var);

              for (gsize i = 0; i < n; i++)
                {
                  t->yx[i] = z[2 * i] * scale;
                  t->yy[i] = z[2 * i + 1] * scale;
                }
              return;
            }
        }
    }
  lab_rng_init (&rng, config->seed);
  for (gsize i = 0; i < n; i++)
    {
      t->yx[i] = 1e-4 * lab_rng_normal (&rng);
      t->yy[i] = 1e-4 * lab_rng_normal (&rng);
    }
}

static void
tsne_write_positions (const LabTsneState *t,
                      float              *y)
{
  for (gsize i = 0; i < t->n; i++)
    {
      gsize j = t->index != NULL ? t->index[i] : i;

      y[2 * j] = t->yx[i];
      y[2 * j + 1] = t->yy[i];
    }
}

void
lab_tsne_config_init (LabTsneConfig *config)
{
  g_return_if_fail (config != NULL);
  *config = (LabTsneConfig) {
    .perplexity = 30.0,
    .learning_rate = 0.0,
    .n_iter = 1000,
    .seed = 0,
    .method = LAB_TSNE_METHOD_AUTO,
    .exact_max_n = 1000,
    .theta = 0.5,
    .exaggeration = 12.0,
    .exaggeration_iter = 250,
    .publish_every = 10,
    .pca_components = 50,
    .init = LAB_TSNE_INIT_PCA,
    .n_threads = 0,
  };
}

static gboolean
check_config (const LabTsneConfig  *config,
              gsize                 n,
              GError              **error)
{
  if (n < 4)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "t-SNE needs at least 4 points to place; it was given %" G_GSIZE_FORMAT,
                   n);
      return FALSE;
    }
  if (n > G_MAXUINT32 / 4)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "t-SNE of %" G_GSIZE_FORMAT " points is more than it can handle", n);
      return FALSE;
    }
  if (!(config->perplexity > 0) || !isfinite (config->perplexity))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The t-SNE perplexity must be a positive number (it was %g)",
                   config->perplexity);
      return FALSE;
    }
  if (config->perplexity >= n / 3.0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The t-SNE perplexity (%g) is too large for %" G_GSIZE_FORMAT
                   " points: it must be below a third of the number of points "
                   "(here below %.4g). Choose a smaller perplexity or embed more "
                   "points.", config->perplexity, n, n / 3.0);
      return FALSE;
    }
  if (!(config->learning_rate >= 0) || !isfinite (config->learning_rate))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The t-SNE learning rate must be positive, or 0 for automatic "
                   "(it was %g)", config->learning_rate);
      return FALSE;
    }
  if (!(config->theta >= 0 && config->theta <= 1))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The Barnes-Hut angle theta must be between 0 and 1 (it was %g)",
                   config->theta);
      return FALSE;
    }
  if (!(config->exaggeration >= 1 && config->exaggeration <= 1000))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "The t-SNE early exaggeration must be between 1 and 1000 "
                   "(it was %g)", config->exaggeration);
      return FALSE;
    }
  if (config->n_iter == 0)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                           "t-SNE needs at least one iteration");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_finite (const float  *x,
              gsize         n,
              gsize         dim,
              GError      **error)
{
  for (gsize i = 0; i < n * dim; i++)
    if (!isfinite (x[i]))
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                     "The points to embed hold a value that is not a finite "
                     "number (point %" G_GSIZE_FORMAT ", column %" G_GSIZE_FORMAT ")",
                     i / dim, i % dim);
        return FALSE;
      }
  return TRUE;
}

/* The points t-SNE works on: x itself, or when it has more than
 * config->pca_components columns its first principal components (in
 * *reduced, (n, *din)), as scikit-learn users do: neighbourhoods barely
 * change and every later step gets cheaper. NULL on error. */
static const float *
prepare_input (const float          *x,
               gsize                 n,
               gsize                 dim,
               const LabTsneConfig  *config,
               float               **reduced,
               gsize                *din,
               GCancellable         *cancellable,
               GError              **error)
{
  const float *xin = x;

  *din = dim;
  if (dim == 0)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                           "t-SNE needs points with at least one value each");
      return NULL;
    }
  if (config->pca_components > 0 && dim > config->pca_components)
    {
      g_autoptr(LabPca) pca = NULL;

      pca = lab_pca_fit (x, n, dim, config->pca_components, LAB_PCA_SOLVER_AUTO,
                         config->seed, cancellable, error);
      if (pca == NULL)
        return NULL;
      *din = config->pca_components;
      *reduced = g_new (float, n * *din);
      lab_pca_transform (pca, x, n, *reduced);
      xin = *reduced;
    }
  if (!check_finite (xin, n, *din, error))
    return NULL;
  return xin;
}

static gboolean
set_cancelled (guint    done,
               guint    total,
               GError **error)
{
  g_set_error (error, LAB_ERROR, LAB_ERROR_CANCELLED,
               "t-SNE was stopped after %u of %u iterations", done, total);
  return FALSE;
}

/* config, or the defaults (written to *defaults) when it is NULL; NULL
 * with error when it does not suit n points. */
static const LabTsneConfig *
config_for (const LabTsneConfig  *config,
            LabTsneConfig        *defaults,
            gsize                 n,
            GError              **error)
{
  if (config == NULL)
    {
      lab_tsne_config_init (defaults);
      config = defaults;
    }
  return check_config (config, n, error) ? config : NULL;
}

/* *method with AUTO resolved for n points; FALSE when the exact method's
 * n(n-1)/2 affinities would not fit in the allocation limit. */
static gboolean
resolve_method (LabTsneMethod        *method,
                const LabTsneConfig  *config,
                gsize                 n,
                GError              **error)
{
  if (*method == LAB_TSNE_METHOD_AUTO)
    *method = n <= config->exact_max_n ? LAB_TSNE_METHOD_EXACT : LAB_TSNE_METHOD_BARNES_HUT;
  if (*method == LAB_TSNE_METHOD_EXACT
      && n * (n - 1) / 2 > LAB_MAX_ALLOC_BYTES / sizeof (float))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "Exact t-SNE of %" G_GSIZE_FORMAT " points would need more "
                   "memory than allowed; use the Barnes-Hut method", n);
      return FALSE;
    }
  return TRUE;
}

gboolean
lab_tsne_run (const float          *x,
              gsize                 n,
              gsize                 dim,
              const LabTsneConfig  *config,
              float                *y,
              LabTsneFunc           callback,
              gpointer              user_data,
              LabTsneResult        *result,
              GCancellable         *cancellable,
              GError              **error)
{
  LabTsneConfig defaults;
  LabTsneState t = { 0 };
  g_autofree float *reduced = NULL;
  const float *xin;
  gsize din = dim, k = 0;
  guint n_threads, it, n_iter, exaggeration_end;
  float learning_rate;
  double kl = NAN, best_kl = INFINITY;
  guint best_iter = 0;
  gboolean kl_fresh = FALSE, stopped = FALSE, ok = FALSE;

  g_return_val_if_fail (x != NULL || n == 0, FALSE);
  g_return_val_if_fail (y != NULL || n == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  config = config_for (config, &defaults, n, error);
  if (config == NULL)
    return FALSE;

  t.n = n;
  t.method = config->method;
  if (!resolve_method (&t.method, config, n, error))
    return FALSE;
  if (t.method != LAB_TSNE_METHOD_EXACT
      && n * (gsize) (3.0 * config->perplexity + 1.0) > LAB_MAX_ALLOC_BYTES / 32)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                   "t-SNE of %" G_GSIZE_FORMAT " points with perplexity %g would "
                   "need more memory than allowed", n, config->perplexity);
      return FALSE;
    }
  learning_rate = config->learning_rate > 0
    ? config->learning_rate
    : MAX (n / config->exaggeration / 4.0, 50.0);
  n_iter = config->n_iter;

  xin = prepare_input (x, n, dim, config, &reduced, &din, cancellable, error);
  if (xin == NULL)
    return FALSE;

  n_threads = config->n_threads > 0 ? config->n_threads : g_get_num_processors ();
  t.team = lab_team_new (MIN (n_threads, LAB_TSNE_CHUNKS), TEAM_SPIN_POLLS);

  t.yx = g_new (float, n);
  t.yy = g_new (float, n);
  t.gx = g_new (float, n);
  t.gy = g_new (float, n);
  t.ux = g_new (float, n);
  t.uy = g_new (float, n);
  t.gain_x = g_new (float, n);
  t.gain_y = g_new (float, n);
  t.rep_x = g_new (float, n);
  t.rep_y = g_new (float, n);
  tsne_init_positions (&t, xin, din, config);

  if (t.method == LAB_TSNE_METHOD_EXACT)
    {
      gsize total = n * (n - 1) / 2, r = 0;

      t.pu = g_new (float, total);
      t.acc = g_new (float, (gsize) LAB_TSNE_CHUNKS * 4 * n);
      t.plogp = lab_tsne_exact_affinities (t.team, xin, n, din, config->perplexity, t.pu);
      /* rows split so every chunk holds about the same number of pairs */
      t.chunk_row[0] = 0;
      for (guint c = 1; c < LAB_TSNE_CHUNKS; c++)
        {
          gsize target = total * c / LAB_TSNE_CHUNKS;

          while (r < n && r * n - r * (r + 1) / 2 < target)
            r++;
          t.chunk_row[c] = r;
        }
      t.chunk_row[LAB_TSNE_CHUNKS] = n;
    }
  else
    {
      k = MIN (n - 1, (gsize) (3.0 * config->perplexity + 1.0));
      t.plogp = lab_tsne_sparse_affinities (t.team, xin, n, din, config->perplexity, k,
                                            &t.row_ptr, &t.col, &t.val);
      if (t.method == LAB_TSNE_METHOD_FFT)
        t.fft = lab_tsne_fft_new (n);
      else
        {
          t.tree = lab_quadtree_new (n, BH_LEAF_SIZE);
          t.tree_scratch = g_new (float, LAB_TSNE_CHUNKS * lab_quadtree_scratch_size (t.tree));
          t.theta = config->theta;
          t.rep_z = g_new (float, n);
          t.spare_row_ptr = g_new (guint32, n + 1);
          t.spare_col = g_new (guint32, t.row_ptr[n]);
          t.spare_val = g_new (float, t.row_ptr[n]);
          t.index = g_new (guint32, n);
          for (gsize i = 0; i < n; i++)
            t.index[i] = (guint32) i;
        }
      t.yxy = g_new (float, 2 * n);
      t.att_x = g_new (float, n);
      t.att_y = g_new (float, n);
    }
  g_clear_pointer (&reduced, g_free);

  tsne_reset_momentum (&t);
  exaggeration_end = config->exaggeration_iter;
  for (it = 0; it < n_iter; it++)
    {
      gboolean early = it < exaggeration_end;
      gboolean last = it + 1 == n_iter;
      double grad_norm, value;

      if (g_cancellable_is_cancelled (cancellable))
        {
          tsne_write_positions (&t, y);
          set_cancelled (it, n_iter, error);
          goto out;
        }
      /* scikit-learn runs the two phases as two gradient descents: gains and
       * momentum start afresh when the exaggeration ends */
      if (it == exaggeration_end && it > 0)
        {
          tsne_reset_momentum (&t);
          best_kl = INFINITY;
          best_iter = it;
        }
      if (t.tree != NULL && it % RENUMBER_EVERY == 0)
        lab_tsne_renumber (&t);
      t.want_kl = (it + 1) % KL_EVERY == 0 || last;
      kl_fresh = t.want_kl;
      value = lab_tsne_gradient (&t, early ? config->exaggeration : 1.0f);
      if (t.want_kl)
        kl = value;
      grad_norm = tsne_step (&t, early ? MOMENTUM_EARLY : MOMENTUM_LATE, learning_rate);
      if (!isfinite (grad_norm))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_DIVERGED,
                       "t-SNE diverged at iteration %u: the positions are no "
                       "longer finite numbers. Try a smaller learning rate.",
                       it + 1);
          goto out;
        }

      if (callback != NULL
          && (t.want_kl || last
              || (config->publish_every > 0 && (it + 1) % config->publish_every == 0)))
        {
          tsne_write_positions (&t, y);
          if (!callback (it + 1, t.want_kl ? kl : NAN, y, user_data))
            {
              stopped = TRUE;
              it++;
              break;
            }
        }

      /* scikit-learn's stopping rules, checked when the KL is: no progress
       * for a while, or a vanishing gradient. Either ends the exaggerated
       * phase early, or the whole run. */
      if (t.want_kl)
        {
          guint patience = early ? exaggeration_end : ITER_WITHOUT_PROGRESS;
          gboolean converged = FALSE;

          if (kl < best_kl)
            {
              best_kl = kl;
              best_iter = it;
            }
          else if (it - best_iter > patience)
            converged = TRUE;
          if (grad_norm <= MIN_GRAD_NORM)
            converged = TRUE;
          if (converged && early)
            exaggeration_end = it + 1;
          else if (converged)
            {
              it++;
              break;
            }
        }
    }

  if (!kl_fresh)
    {
      t.want_kl = TRUE;
      kl = lab_tsne_gradient (&t, 1.0f);
    }
  tsne_write_positions (&t, y);
  if (result != NULL)
    {
      result->kl = kl;
      result->n_iter = it;
      result->method = t.method;
      result->stopped = stopped;
    }
  ok = TRUE;

out:
  tsne_clear (&t);
  return ok;
}

gboolean
lab_tsne_kl_divergence (const float          *x,
                        gsize                 n,
                        gsize                 dim,
                        const float          *y,
                        const LabTsneConfig  *config,
                        LabTsneMethod         method,
                        double               *kl,
                        GError              **error)
{
  LabTsneConfig defaults;
  g_autoptr(LabTeam) team = NULL;
  g_autofree float *reduced = NULL;
  g_autofree float *pu = NULL;
  g_autofree guint32 *row_ptr = NULL;
  g_autofree guint32 *col = NULL;
  g_autofree float *val = NULL;
  const float *xin;
  gsize din;
  double z = 0, plog = 0, plogp;

  g_return_val_if_fail (x != NULL && y != NULL && kl != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  config = config_for (config, &defaults, n, error);
  if (config == NULL)
    return FALSE;
  if (!resolve_method (&method, config, n, error))
    return FALSE;
  xin = prepare_input (x, n, dim, config, &reduced, &din, NULL, error);
  if (xin == NULL)
    return FALSE;

  team = lab_team_new (MIN (config->n_threads > 0 ? config->n_threads : g_get_num_processors (),
                            LAB_TSNE_CHUNKS), TEAM_SPIN_POLLS);
  if (method == LAB_TSNE_METHOD_EXACT)
    {
      pu = g_new (float, n * (n - 1) / 2);
      plogp = lab_tsne_exact_affinities (team, xin, n, din, config->perplexity, pu);
    }
  else
    {
      gsize k = MIN (n - 1, (gsize) (3.0 * config->perplexity + 1.0));

      plogp = lab_tsne_sparse_affinities (team, xin, n, din, config->perplexity, k,
                                          &row_ptr, &col, &val);
    }
  g_clear_pointer (&team, lab_team_free);

  /* the exact Z, and sum p_ij log (1 + |y_i - y_j|^2), in double */
  for (gsize i = 0; i < n; i++)
    {
      double zi = 0;

      for (gsize j = i + 1; j < n; j++)
        {
          double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
          double d2 = dx * dx + dy * dy;

          zi += 1.0 / (1.0 + d2);
          if (pu != NULL && pu[lab_tsne_packed_index (n, i, j)] > 0)
            plog += 2.0 * pu[lab_tsne_packed_index (n, i, j)] * log1p (d2);
        }
      z += 2 * zi;
      if (pu == NULL)
        for (guint32 e = row_ptr[i]; e < row_ptr[i + 1]; e++)
          {
            double dx = y[2 * i] - y[2 * col[e]], dy = y[2 * i + 1] - y[2 * col[e] + 1];

            plog += val[e] * log1p (dx * dx + dy * dy);
          }
    }
  *kl = plogp + plog + log (z);
  return TRUE;
}
