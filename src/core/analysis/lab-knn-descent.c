#define G_LOG_DOMAIN "latentlab-core"

/* Approximate k nearest neighbours by NN-descent (Dong, Moses and Li,
 * "Efficient k-nearest neighbor graph construction for generic similarity
 * measures", WWW 2011), started from a random-projection forest as
 * pynndescent (and so umap-learn) does:
 *
 *  1. Forest: each tree splits the points by the hyperplane halfway
 *     between two random points of the node until a leaf holds at most
 *     LEAF points; every pair in a leaf is offered to both heaps.
 *  2. Descent: a neighbour of a neighbour is likely a neighbour. Each round,
 *     every point's candidates are its heap entries and the points whose
 *     heaps hold it (reverse edges), at most k of each, split into new ones
 *     (entered since the last round) and old ones; each pair new x new and
 *     new x old is measured and offered to both points' heaps. Rounds stop
 *     when fewer than DELTA n k entries changed, or after MAX_ROUNDS.
 *
 * The pair distances run on the team's lanes, a chunk of points per task,
 * each chunk writing its proposals to its own buffer; the heaps are then
 * updated in chunk order, so the result does not depend on the lanes. */

#include "lab-knn.h"
#include "lab-knn-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lab-rng.h"
#include "lab-vmath-private.h"

#define LEAF        32
#define N_TREES     4
#define MAX_ROUNDS  12
#define DELTA       0.001
#define CHUNK       512

typedef struct
{
  gsize     n, dim, k;
  const float *x;
  float    *hd;       /* (n, k) max-heaps of squared distances */
  guint32  *hi;       /* (n, k) their points, NEW when entered since the
                       * last round; EMPTY when none */
} Heaps;

#define NEW    0x80000000u
#define EMPTY  0x7fffffffu
#define WHO(e) ((e) & ~NEW)

LAB_SIMD_CLONES static float
dist2 (const float *restrict a,
       const float *restrict b,
       gsize                 dim)
{
  LabV8 acc = LAB_V8_SPLAT (0.0f);
  float s = 0;
  gsize c = 0;

  for (; c + 8 <= dim; c += 8)
    {
      LabV8 va, vb, e;

      LAB_V8_LOAD (va, a + c);
      LAB_V8_LOAD (vb, b + c);
      e = va - vb;
      acc += e * e;
    }
  for (; c < dim; c++)
    s += (a[c] - b[c]) * (a[c] - b[c]);
  return s + ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/* Offers j at d to i's heap; TRUE when it entered. */
static gboolean
heap_push (Heaps   *h,
           gsize    i,
           guint32  j,
           float    d)
{
  float *hd = h->hd + i * h->k;
  guint32 *hi = h->hi + i * h->k;

  if (!(d < hd[0]) || j == i)
    return FALSE;
  for (gsize e = 0; e < h->k; e++)
    if (WHO (hi[e]) == j)
      return FALSE;
  hd[0] = d;
  hi[0] = j | NEW;
  lab_knn_sift_down (hd, hi, h->k, 0);
  return TRUE;
}

/* Random-projection tree over idx[0..m): splits in place, joins leaves. */
static void
rp_tree (Heaps   *h,
         guint32 *idx,
         gsize    m,
         LabRng  *rng,
         float   *normal)
{
  gsize dim = h->dim;

  while (m > LEAF)
    {
      const float *a = h->x + (gsize) idx[lab_rng_below (rng, (guint32) m)] * dim;
      const float *b = h->x + (gsize) idx[lab_rng_below (rng, (guint32) m)] * dim;
      double offset = 0;
      gsize lo = 0, hi = m;

      for (gsize c = 0; c < dim; c++)
        {
          normal[c] = a[c] - b[c];
          offset += (double) normal[c] * (a[c] + b[c]) / 2;
        }
      /* points with normal . x > offset first */
      while (lo < hi)
        {
          const float *p = h->x + (gsize) idx[lo] * dim;
          double s = 0;

          for (gsize c = 0; c < dim; c++)
            s += (double) normal[c] * p[c];
          if (s > offset || (s == offset && (lab_rng_next (rng) & 1)))
            lo++;
          else
            {
              guint32 t = idx[lo];

              idx[lo] = idx[--hi];
              idx[hi] = t;
            }
        }
      /* two equal points, or all on one side: halve as they lie */
      if (lo == 0 || lo == m)
        lo = m / 2;
      rp_tree (h, idx, lo, rng, normal);
      idx += lo;
      m -= lo;
    }
  for (gsize u = 0; u < m; u++)
    for (gsize v = u + 1; v < m; v++)
      {
        float d = dist2 (h->x + (gsize) idx[u] * dim, h->x + (gsize) idx[v] * dim, dim);

        heap_push (h, idx[u], idx[v], d);
        heap_push (h, idx[v], idx[u], d);
      }
}

/* At most k candidates per point, kept by smallest random priority. */
typedef struct
{
  guint32 *who;    /* (n, k) */
  guint32 *key;    /* (n, k) */
  guint8  *len;    /* (n) */
} Cands;

static void
cand_add (Cands   *c,
          gsize    k,
          gsize    i,
          guint32  j,
          guint32  key)
{
  guint32 *w = c->who + i * k, *ky = c->key + i * k;
  gsize worst = 0;

  for (gsize e = 0; e < c->len[i]; e++)
    if (w[e] == j)
      return;
  if (c->len[i] < k)
    {
      w[c->len[i]] = j;
      ky[c->len[i]] = key;
      c->len[i]++;
      return;
    }
  for (gsize e = 1; e < k; e++)
    if (ky[e] > ky[worst])
      worst = e;
  if (key < ky[worst])
    {
      w[worst] = j;
      ky[worst] = key;
    }
}

static inline guint32
pair_key (guint64 seed,
          gsize   i,
          gsize   j)
{
  guint64 z = seed ^ ((guint64) i * 0x9E3779B97F4A7C15ull) ^ ((guint64) j * 0xC2B2AE3D27D4EB4Full);

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (guint32) (z ^ (z >> 31));
}

typedef struct
{
  guint32 u, v;
  float   d;
} Proposal;

typedef struct
{
  Heaps      *h;
  Cands      *fresh, *old;
  GArray    **out;      /* (n_chunks) of Proposal */
} JoinJob;

/* Chunk t of points: every new x new and new x old pair of their
 * candidates that would enter either heap. Heaps are only read here. */
static void
join_chunk (guint    t,
            gpointer data)
{
  JoinJob *job = data;
  Heaps *h = job->h;
  gsize k = h->k, dim = h->dim;
  gsize i0 = (gsize) t * CHUNK, i1 = MIN (i0 + CHUNK, h->n);
  GArray *out = job->out[t];

  for (gsize i = i0; i < i1; i++)
    {
      const guint32 *nw = job->fresh->who + i * k, *od = job->old->who + i * k;
      gsize nn = job->fresh->len[i], no = job->old->len[i];

      for (gsize a = 0; a < nn; a++)
        {
          guint32 u = nw[a];
          const float *xu = h->x + (gsize) u * dim;
          float wu = h->hd[(gsize) u * k];

          for (gsize b = a + 1; b < nn + no; b++)
            {
              guint32 v = b < nn ? nw[b] : od[b - nn];
              float d;

              if (u == v)
                continue;
              d = dist2 (xu, h->x + (gsize) v * dim, dim);
              if (d < wu || d < h->hd[(gsize) v * k])
                {
                  Proposal p = { u, v, d };

                  g_array_append_val (out, p);
                }
            }
        }
    }
}

static int
by_distance (const void *a,
             const void *b,
             gpointer    data)
{
  const float *hd = data;
  guint32 ia = *(const guint32 *) a, ib = *(const guint32 *) b;

  if (hd[ia] != hd[ib])
    return hd[ia] < hd[ib] ? -1 : 1;
  return (ia > ib) - (ia < ib);
}

gboolean
lab_knn_descent (LabTeam       *team,
                 const float   *x,
                 gsize          n,
                 gsize          dim,
                 gsize          k,
                 guint64        seed,
                 guint32       *nbr,
                 float         *dist2_out,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(LabTeam) own = NULL;
  g_autofree float *hd = NULL;
  g_autofree guint32 *hi = NULL, *idx = NULL;
  g_autofree float *normal = NULL;
  g_autofree guint32 *order = NULL;
  Cands fresh = { 0 }, old = { 0 };
  guint n_chunks;
  GArray **out;
  Heaps h;
  LabRng rng;

  g_return_val_if_fail (x != NULL && nbr != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!lab_knn_check (n, k, 255, EMPTY - 1, n * k * 4, error))
    return FALSE;
  if (team == NULL)
    {
      own = lab_team_new (g_get_num_processors (), 0);
      team = own;
    }

  hd = g_new (float, n * k);
  hi = g_new (guint32, n * k);
  for (gsize e = 0; e < n * k; e++)
    {
      hd[e] = INFINITY;
      hi[e] = EMPTY;
    }
  h = (Heaps) { n, dim, k, x, hd, hi };

  lab_rng_init (&rng, seed ^ 0x6E6E64657363656Eull);
  idx = g_new (guint32, n);
  normal = g_new (float, dim);
  for (guint t = 0; t < N_TREES; t++)
    {
      for (gsize i = 0; i < n; i++)
        idx[i] = (guint32) i;
      rp_tree (&h, idx, n, &rng, normal);
    }
  /* a heap the leaves left short gets random points */
  for (gsize i = 0; i < n; i++)
    for (guint tries = 0; hi[i * k] == EMPTY && tries < 16 * k; tries++)
      {
        guint32 j = lab_rng_below (&rng, (guint32) n);

        heap_push (&h, i, j, dist2 (x + i * dim, x + (gsize) j * dim, dim));
      }
  /* and, should chance leave one short still, the first points there are */
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; hi[i * k] == EMPTY && j < n; j++)
      heap_push (&h, i, (guint32) j, dist2 (x + i * dim, x + j * dim, dim));

  fresh.who = g_new (guint32, n * k);
  fresh.key = g_new (guint32, n * k);
  fresh.len = g_new (guint8, n);
  old.who = g_new (guint32, n * k);
  old.key = g_new (guint32, n * k);
  old.len = g_new (guint8, n);
  n_chunks = (guint) ((n + CHUNK - 1) / CHUNK);
  out = g_new (GArray *, n_chunks);
  for (guint t = 0; t < n_chunks; t++)
    out[t] = g_array_new (FALSE, FALSE, sizeof (Proposal));

  for (guint round = 0; round < MAX_ROUNDS; round++)
    {
      JoinJob job = { &h, &fresh, &old, out };
      gsize changed = 0;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      memset (fresh.len, 0, n);
      memset (old.len, 0, n);
      /* candidates: heap entries and reverse edges, new and old apart */
      for (gsize i = 0; i < n; i++)
        for (gsize e = 0; e < k; e++)
          {
            guint32 j = WHO (hi[i * k + e]);
            Cands *to = hi[i * k + e] & NEW ? &fresh : &old;
            guint32 key = pair_key (seed + round, i, j);

            cand_add (to, k, i, j, key);
            cand_add (to, k, j, (guint32) i, key);
          }
      /* the new entries that became candidates are old from now on */
      for (gsize i = 0; i < n; i++)
        for (gsize e = 0; e < k; e++)
          if (hi[i * k + e] & NEW)
            {
              const guint32 *w = fresh.who + i * k;

              for (gsize c = 0; c < fresh.len[i]; c++)
                if (w[c] == WHO (hi[i * k + e]))
                  {
                    hi[i * k + e] = WHO (hi[i * k + e]);
                    break;
                  }
            }

      lab_team_run_tasks (team, n_chunks, join_chunk, &job);
      for (guint t = 0; t < n_chunks; t++)
        {
          for (guint p = 0; p < out[t]->len; p++)
            {
              Proposal *pr = &g_array_index (out[t], Proposal, p);

              changed += heap_push (&h, pr->u, pr->v, pr->d);
              changed += heap_push (&h, pr->v, pr->u, pr->d);
            }
          g_array_set_size (out[t], 0);
        }
      if (changed < DELTA * n * k)
        break;
    }

  for (guint t = 0; t < n_chunks; t++)
    g_array_unref (out[t]);
  g_free (out);
  g_free (fresh.who);
  g_free (fresh.key);
  g_free (fresh.len);
  g_free (old.who);
  g_free (old.key);
  g_free (old.len);

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_CANCELLED,
                           "The nearest-neighbour search was stopped");
      return FALSE;
    }

  /* each row nearest first */
  order = g_new (guint32, k);
  for (gsize i = 0; i < n; i++)
    {
      for (gsize e = 0; e < k; e++)
        order[e] = (guint32) e;
      g_qsort_with_data (order, (gint) k, sizeof (guint32), by_distance, hd + i * k);
      for (gsize e = 0; e < k; e++)
        {
          nbr[i * k + e] = WHO (hi[i * k + order[e]]);
          if (dist2_out != NULL)
            dist2_out[i * k + e] = hd[i * k + order[e]];
        }
    }
  return TRUE;
}
