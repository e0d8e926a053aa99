#define G_LOG_DOMAIN "latentlab-core"

/* UMAP's stochastic gradient descent (step 5 of lab-umap.h), as umap-learn's
 * optimize_layout_euclidean: each edge is drawn once every eps epochs
 * (eps = max weight / its weight), each draw pulls its two ends together
 * and pushes its head away from negative_sample_rate / eps random points
 * per epoch, every gradient component clipped to 4.
 *
 * One difference, for speed: a draw's attraction and its negative samples
 * are evaluated together, from the head's position before the draw (a
 * mini-batch), and their sum is applied at once. umap-learn moves the head
 * after each of them, which makes every step wait for the one before (the
 * power in the curve included): about 90 cycles each. Evaluated together,
 * eight of them take one pass of 8-lane vector math, pow (d^2, b) as
 * exp (b ln d^2) in float. The layouts are as good by trustworthiness
 * (bench-umap). */

#include "lab-umap-private.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "lab-rng.h"
#include "lab-vmath-private.h"

#define GRAD_CLIP 4.0f
#define BATCH     8

struct _LabUmapSgd
{
  const LabUmapEdge *edges;
  gsize              n_edges, n;
  float             *eps;          /* (edges) epochs per sample */
  float             *next;         /* (edges) epoch of the next sample */
  float             *next_neg;     /* (edges) epoch of the next negative samples */
  float              neg_rate, a, b;
  LabRng            *rngs;         /* (lanes) */
  guint              lanes;
  /* the epoch running */
  float             *y;
  float              alpha, epoch;
};

LabUmapSgd *
lab_umap_sgd_new (const LabUmapEdge *edges,
                  gsize              n_edges,
                  gsize              n,
                  double             a,
                  double             b,
                  guint              negative_sample_rate,
                  guint64            seed,
                  guint              lanes)
{
  LabUmapSgd *sgd = g_new0 (LabUmapSgd, 1);
  double wmax = 0;

  sgd->edges = edges;
  sgd->n_edges = n_edges;
  sgd->n = n;
  sgd->a = (float) a;
  sgd->b = (float) b;
  sgd->neg_rate = (float) MAX (negative_sample_rate, 1u);
  sgd->eps = g_new (float, MAX (n_edges, 1));
  sgd->next = g_new (float, MAX (n_edges, 1));
  sgd->next_neg = g_new (float, MAX (n_edges, 1));
  for (gsize e = 0; e < n_edges; e++)
    wmax = MAX (wmax, edges[e].w);
  for (gsize e = 0; e < n_edges; e++)
    {
      sgd->eps[e] = (float) (wmax / edges[e].w);
      sgd->next[e] = sgd->eps[e];
      sgd->next_neg[e] = sgd->eps[e] / sgd->neg_rate;
    }
  sgd->lanes = lanes;
  sgd->rngs = g_new (LabRng, lanes);
  for (guint l = 0; l < lanes; l++)
    lab_rng_init (&sgd->rngs[l], seed * 7919 + l + 1);
  return sgd;
}

void
lab_umap_sgd_free (LabUmapSgd *sgd)
{
  if (sgd == NULL)
    return;
  g_free (sgd->eps);
  g_free (sgd->next);
  g_free (sgd->next_neg);
  g_free (sgd->rngs);
  g_free (sgd);
}

/* mask ? a : b, lane by lane */
#define SELECT8(mask, a, b) ((LabV8) (((LabV8i) (a) & (mask)) | ((LabV8i) (b) & ~(mask))))

/* The gradients on the head (cx, cy) from the m <= BATCH points (ox, oy):
 * lane 0 the edge's tail when attract, every other lane a negative sample;
 * lanes whose point is the head itself (self) count for nothing. Adds the
 * summed components to *sx, *sy; the tail's component into *tx, *ty. */
/* inlined into each build of sgd_range, so it runs on its vector units */
static inline __attribute__ ((always_inline)) void
batch_gradient (const float *ox,
                const float *oy,
                const gint32 *self,
                guint        m,
                gboolean     attract,
                float        cx,
                float        cy,
                float        a,
                float        b,
                float       *sx,
                float       *sy,
                float       *tx,
                float       *ty)
{
  LabV8 px, py, dx, dy, d2, pb, den, rep, att, coeff, gx, gy, clip = LAB_V8_SPLAT (GRAD_CLIP);
  LabV8i is_att = { 0 }, is_self, zero, in_range = { 0 };
  float s_x = 0, s_y = 0;

  LAB_V8_LOAD (px, ox);
  LAB_V8_LOAD (py, oy);
  memcpy (&is_self, self, sizeof is_self);
  for (guint l = 0; l < BATCH; l++)
    in_range[l] = l < m ? -1 : 0;
  if (attract)
    is_att[0] = -1;
  dx = cx - px;
  dy = cy - py;
  d2 = dx * dx + dy * dy;
  zero = d2 == 0.0f;
  /* pow (d2, b) = exp (b ln d2) */
  pb = SELECT8 (zero, LAB_V8_SPLAT (FLT_MIN), d2);
  lab_v8_log (&pb);
  pb *= b;
  lab_v8_exp (&pb);
  den = a * pb + 1.0f;
  /* repulsion 2b / ((0.001 + d^2) (1 + a d^2b)); attraction
   * -2ab d^(2(b-1)) / (1 + a d^2b), 0 at d = 0 */
  rep = 2.0f * b / ((0.001f + d2) * den);
  att = -2.0f * a * b * pb / (d2 * den);
  coeff = SELECT8 (is_att, att, rep);
  gx = coeff * dx;
  gy = coeff * dy;
  gx = SELECT8 (gx > clip, clip, SELECT8 (gx < -clip, -clip, gx));
  gy = SELECT8 (gy > clip, clip, SELECT8 (gy < -clip, -clip, gy));
  /* a negative sample on the head's very position: pushed by the clip */
  gx = SELECT8 (zero & ~is_att, clip, gx);
  gy = SELECT8 (zero & ~is_att, clip, gy);
  gx = SELECT8 (zero & is_att, LAB_V8_SPLAT (0.0f), gx);
  gy = SELECT8 (zero & is_att, LAB_V8_SPLAT (0.0f), gy);
  gx = SELECT8 (in_range & ~is_self, gx, LAB_V8_SPLAT (0.0f));
  gy = SELECT8 (in_range & ~is_self, gy, LAB_V8_SPLAT (0.0f));
  for (guint l = 0; l < BATCH; l++)
    {
      s_x += gx[l];
      s_y += gy[l];
    }
  *sx += s_x;
  *sy += s_y;
  if (attract)
    {
      *tx = gx[0];
      *ty = gy[0];
    }
}

/* One epoch over edges [e0, e1) with rng. */
LAB_SIMD_CLONES static void
sgd_range (LabUmapSgd *sgd,
           gsize       e0,
           gsize       e1,
           LabRng     *rng)
{
  const LabUmapEdge *edges = sgd->edges;
  float a = sgd->a, b = sgd->b, alpha = sgd->alpha, epoch = sgd->epoch;
  float *y = sgd->y;
  guint64 n = sgd->n;

  for (gsize e = e0; e < e1; e++)
    {
      guint32 i = edges[e].row, j = edges[e].col;
      float *cur = y + 2 * (gsize) i, *oth = y + 2 * (gsize) j;
      float cx, cy, sx = 0, sy = 0, tx = 0, ty = 0, eps_neg;
      float ox[BATCH], oy[BATCH];
      gint32 self[BATCH];
      guint total;

      if (sgd->next[e] > epoch)
        continue;
      sgd->next[e] += sgd->eps[e];
      eps_neg = sgd->eps[e] / sgd->neg_rate;
      {
        gint n_neg = MAX ((gint) ((epoch - sgd->next_neg[e]) / eps_neg), 0);

        sgd->next_neg[e] += n_neg * eps_neg;
        total = 1 + (guint) n_neg;
      }
      cx = cur[0];
      cy = cur[1];
      /* lane 0 of the first batch is the tail, then the negative samples */
      for (guint done = 0; done < total; done += BATCH)
        {
          guint m = MIN (BATCH, total - done);

          for (guint l = 0; l < BATCH; l++)
            {
              guint32 k = i;

              if (l < m)
                k = done + l == 0 ? j : (guint32) (((lab_rng_next (rng) >> 32) * n) >> 32);
              ox[l] = y[2 * (gsize) k];
              oy[l] = y[2 * (gsize) k + 1];
              self[l] = done + l > 0 && k == i ? -1 : 0;
            }
          batch_gradient (ox, oy, self, m, done == 0, cx, cy, a, b, &sx, &sy, &tx, &ty);
        }
      cur[0] = cx + sx * alpha;
      cur[1] = cy + sy * alpha;
      oth[0] -= tx * alpha;
      oth[1] -= ty * alpha;
    }
}

/* Lane l's share of the edges: their order, hence the result, depends on
 * the number of lanes only. */
static void
sgd_lane (guint    lane,
          gpointer data)
{
  LabUmapSgd *sgd = data;
  /* the lanes' generators share a cache line: each draws from a copy on
   * its own stack (two lanes writing that line at every draw took twice
   * the time of one lane alone) */
  LabRng rng = sgd->rngs[lane];

  sgd_range (sgd, sgd->n_edges * lane / sgd->lanes, sgd->n_edges * (lane + 1) / sgd->lanes,
             &rng);
  sgd->rngs[lane] = rng;
}

void
lab_umap_sgd_epoch (LabUmapSgd *sgd,
                    LabTeam    *team,
                    float      *y,
                    guint       epoch,
                    float       alpha)
{
  sgd->y = y;
  sgd->epoch = (float) epoch;
  sgd->alpha = alpha;
  lab_team_run (team, sgd->lanes, sgd_lane, sgd);
}
