#define G_LOG_DOMAIN "latentlab-core"

#include "lab-tsne-private.h"

#include <math.h>
#include <string.h>

#include "lab-vmath-private.h"

/* t-SNE's gradient of KL(P||Q) in the 2-D positions y. With
 * w_ij = 1 / (1 + |y_i - y_j|^2) and Z = sum_{k != l} w_kl,
 *   dC/dy_i = 4 sum_j (e p_ij - w_ij / Z) w_ij (y_i - y_j)
 *           = 4 (e A_i - R_i / Z),
 *   A_i = sum_j p_ij w_ij (y_i - y_j)    (attraction, over P's non-zeros)
 *   R_i = sum_j w_ij^2 (y_i - y_j)       (repulsion, over all j)
 * with e the early exaggeration, so one pass gives A, R and Z together.
 * KL(P||Q) = sum p log p + sum p_ij log (1 + |y_i - y_j|^2) + log Z.
 */

/* LabV8 and LAB_SIMD_CLONES: see lab-vmath-private.h. */
typedef float v8sf_u __attribute__ ((vector_size (32), aligned (4), __may_alias__));

/* by pointer: passing 32-byte vectors by value differs between the clones */
static inline float
hsum8 (const LabV8 *v)
{
  return (((*v)[0] + (*v)[4]) + ((*v)[1] + (*v)[5]))
       + (((*v)[2] + (*v)[6]) + ((*v)[3] + (*v)[7]));
}

/* Rows [r0, r1) of the upper triangle: each pair (i, j > i) is visited once
 * and its terms go to both i and j. Accumulators a[4] (ax, ay, rx, ry), each
 * (n), are this chunk's own. Returns the rows' share of Z / 2. */
LAB_SIMD_CLONES static double
exact_rows (const float *restrict yx,
            const float *restrict yy,
            const float *restrict pu,
            gsize                 n,
            gsize                 r0,
            gsize                 r1,
            float *restrict       ax,
            float *restrict       ay,
            float *restrict       rx,
            float *restrict       ry)
{
  double z = 0;

  for (gsize i = r0; i < r1; i++)
    {
      /* p[j] = P_ij for j > i */
      const float *p = pu + lab_tsne_packed_index (n, i, i + 1) - (i + 1);
      float xi = yx[i], yi = yy[i];
      LabV8 sax = { 0 }, say = { 0 }, srx = { 0 }, sry = { 0 }, sz = { 0 };
      float tax = 0, tay = 0, trx = 0, try_ = 0, tz = 0;
      gsize j = i + 1;

      for (; j + 8 <= n; j += 8)
        {
          LabV8 dx = xi - *(const v8sf_u *) (yx + j);
          LabV8 dy = yi - *(const v8sf_u *) (yy + j);
          LabV8 w = 1.0f / (1.0f + dx * dx + dy * dy);
          LabV8 pw = *(const v8sf_u *) (p + j) * w;
          LabV8 w2 = w * w;
          LabV8 fx = pw * dx, fy = pw * dy, gx = w2 * dx, gy = w2 * dy;

          sz += w;
          sax += fx;
          say += fy;
          srx += gx;
          sry += gy;
          *(v8sf_u *) (ax + j) -= fx;
          *(v8sf_u *) (ay + j) -= fy;
          *(v8sf_u *) (rx + j) -= gx;
          *(v8sf_u *) (ry + j) -= gy;
        }
      for (; j < n; j++)
        {
          float dx = xi - yx[j], dy = yi - yy[j];
          float w = 1.0f / (1.0f + dx * dx + dy * dy);
          float pw = p[j] * w, w2 = w * w;

          tz += w;
          tax += pw * dx;
          tay += pw * dy;
          trx += w2 * dx;
          try_ += w2 * dy;
          ax[j] -= pw * dx;
          ay[j] -= pw * dy;
          rx[j] -= w2 * dx;
          ry[j] -= w2 * dy;
        }
      ax[i] += hsum8 (&sax) + tax;
      ay[i] += hsum8 (&say) + tay;
      rx[i] += hsum8 (&srx) + trx;
      ry[i] += hsum8 (&sry) + try_;
      z += hsum8 (&sz) + tz;
    }
  return z;
}

/* sum_{i in [r0, r1), j > i} P_ij log (1 + |y_i - y_j|^2) */
LAB_SIMD_CLONES static double
exact_rows_kl (const float *restrict yx,
               const float *restrict yy,
               const float *restrict pu,
               gsize                 n,
               gsize                 r0,
               gsize                 r1)
{
  double s = 0;

  for (gsize i = r0; i < r1; i++)
    {
      const float *p = pu + lab_tsne_packed_index (n, i, i + 1) - (i + 1);
      float xi = yx[i], yi = yy[i], t = 0;
      LabV8 acc = { 0 };
      gsize j = i + 1;

      for (; j + 8 <= n; j += 8)
        {
          LabV8 dx = xi - *(const v8sf_u *) (yx + j);
          LabV8 dy = yi - *(const v8sf_u *) (yy + j);
          LabV8 l = 1.0f + dx * dx + dy * dy;

          lab_v8_log (&l);
          acc += *(const v8sf_u *) (p + j) * l;
        }
      for (; j < n; j++)
        {
          float dx = xi - yx[j], dy = yi - yy[j];

          t += p[j] * log1pf (dx * dx + dy * dy);
        }
      s += hsum8 (&acc) + t;
    }
  return s;
}

static void
exact_task (guint    c,
            gpointer data)
{
  LabTsneState *t = data;
  gsize n = t->n, r0 = t->chunk_row[c], r1 = t->chunk_row[c + 1];
  float *a = t->acc + (gsize) c * 4 * n;

  /* only indices >= r0 are touched by rows >= r0 */
  for (guint q = 0; q < 4; q++)
    memset (a + q * n + r0, 0, (n - r0) * sizeof (float));
  t->chunk_z[c] = exact_rows (t->yx, t->yy, t->pu, n, r0, r1,
                              a, a + n, a + 2 * n, a + 3 * n);
  t->chunk_kl[c] = t->want_kl ? exact_rows_kl (t->yx, t->yy, t->pu, n, r0, r1) : 0;
}

typedef double v4df __attribute__ ((vector_size (32)));

/* The positions of points c[0..8) from yxy (x, y interleaved), one 8-byte
 * load each, as xs and ys (8 lanes, in the order of c). */
#define GATHER8(yxy, c, xs, ys)                                                 \
  G_STMT_START {                                                                \
    double d_[8];                                                               \
    v4df lo_, hi_;                                                              \
                                                                                \
    for (guint l_ = 0; l_ < 8; l_++)                                            \
      memcpy (&d_[l_], (yxy) + 2 * (gsize) (c)[l_], sizeof (double));           \
    lo_ = (v4df) { d_[0], d_[1], d_[4], d_[5] };                                \
    hi_ = (v4df) { d_[2], d_[3], d_[6], d_[7] };                                \
    (xs) = SHUFFLE8 ((LabV8) lo_, (LabV8) hi_, 0, 2, 8, 10, 4, 6, 12, 14);      \
    (ys) = SHUFFLE8 ((LabV8) lo_, (LabV8) hi_, 1, 3, 9, 11, 5, 7, 13, 15);      \
  } G_STMT_END

#if defined(__clang__)
# define SHUFFLE8(a, b, ...) __builtin_shufflevector (a, b, __VA_ARGS__)
#else
# define SHUFFLE8(a, b, ...) __builtin_shuffle (a, b, (LabV8i) { __VA_ARGS__ })
#endif

/* Attraction A_i = sum_j P_ij w_ij (y_i - y_j) over the CSR rows
 * [i0, i1), into ax, ay, 8 entries at a time; with want_kl, returns their
 * sum_j P_ij log (1 + |y_i - y_j|^2). yxy (2n) holds the positions with x
 * and y interleaved, so a neighbour's position is one load. */
LAB_SIMD_CLONES static double
attraction_rows (const float   *restrict yxy,
                 const guint32 *restrict row_ptr,
                 const guint32 *restrict col,
                 const float   *restrict val,
                 gsize                   i0,
                 gsize                   i1,
                 gboolean                want_kl,
                 float         *restrict ax,
                 float         *restrict ay)
{
  double kl = 0;

  for (gsize i = i0; i < i1; i++)
    {
      guint32 e = row_ptr[i], end = row_ptr[i + 1];
      float xi = yxy[2 * i], yi = yxy[2 * i + 1], tx = 0, ty = 0, tk = 0;
      LabV8 sx = { 0 }, sy = { 0 }, sk = { 0 };

      for (; e + 8 <= end; e += 8)
        {
          LabV8 xj, yj, dx, dy, q, p, pw;

          GATHER8 (yxy, col + e, xj, yj);
          dx = xi - xj;
          dy = yi - yj;
          q = 1.0f + dx * dx + dy * dy;
          p = *(const v8sf_u *) (val + e);
          pw = p / q;
          sx += pw * dx;
          sy += pw * dy;
          if (want_kl)
            {
              lab_v8_log (&q);
              sk += p * q;
            }
        }
      for (; e < end; e++)
        {
          guint32 j = col[e];
          float dx = xi - yxy[2 * j], dy = yi - yxy[2 * j + 1];
          float d2 = dx * dx + dy * dy;
          float pw = val[e] / (1.0f + d2);

          tx += pw * dx;
          ty += pw * dy;
          if (want_kl)
            tk += val[e] * log1pf (d2);
        }
      ax[i] = hsum8 (&sx) + tx;
      ay[i] = hsum8 (&sy) + ty;
      kl += hsum8 (&sk) + tk;
    }
  return kl;
}

static void
bh_task (guint    c,
         gpointer data)
{
  LabTsneState *t = data;
  gsize n = t->n, s0 = n * c / LAB_TSNE_CHUNKS, s1 = n * (c + 1) / LAB_TSNE_CHUNKS;
  double z = 0;

  lab_quadtree_repulsion (t->tree, s0, s1, t->theta,
                          t->tree_scratch + c * lab_quadtree_scratch_size (t->tree),
                          t->rep_x + s0, t->rep_y + s0, t->rep_z + s0);
  for (gsize s = s0; s < s1; s++)
    z += t->rep_z[s];
  t->chunk_z[c] = z;
  /* rows in index order: the CSR arrays are read front to back */
  t->chunk_kl[c] = attraction_rows (t->yxy, t->row_ptr, t->col, t->val,
                                    s0, s1, t->want_kl, t->att_x, t->att_y);
}

static void
attraction_task (guint    c,
                 gpointer data)
{
  LabTsneState *t = data;
  gsize n = t->n, i0 = n * c / LAB_TSNE_CHUNKS, i1 = n * (c + 1) / LAB_TSNE_CHUNKS;

  t->chunk_kl[c] = attraction_rows (t->yxy, t->row_ptr, t->col, t->val,
                                    i0, i1, t->want_kl, t->att_x, t->att_y);
}

static void
interleave (LabTsneState *t)
{
  for (gsize i = 0; i < t->n; i++)
    {
      t->yxy[2 * i] = t->yx[i];
      t->yxy[2 * i + 1] = t->yy[i];
    }
}

double
lab_tsne_gradient (LabTsneState *t,
                   float         exaggeration)
{
  gsize n = t->n;
  double z = 0, kl = 0;

  if (t->method == LAB_TSNE_METHOD_EXACT)
    {
      lab_team_run_tasks (t->team, LAB_TSNE_CHUNKS, exact_task, t);
      for (guint c = 0; c < LAB_TSNE_CHUNKS; c++)
        {
          z += 2 * t->chunk_z[c];
          kl += 2 * t->chunk_kl[c];
        }
      /* chunk c only touched indices >= its first row; sum in chunk order
       * into gx, gy (attraction) and rep_x, rep_y (repulsion) */
      memset (t->gx, 0, n * sizeof (float));
      memset (t->gy, 0, n * sizeof (float));
      memset (t->rep_x, 0, n * sizeof (float));
      memset (t->rep_y, 0, n * sizeof (float));
      for (guint c = 0; c < LAB_TSNE_CHUNKS; c++)
        {
          const float *a = t->acc + (gsize) c * 4 * n;

          for (gsize i = t->chunk_row[c]; i < n; i++)
            {
              t->gx[i] += a[i];
              t->gy[i] += a[n + i];
              t->rep_x[i] += a[2 * n + i];
              t->rep_y[i] += a[3 * n + i];
            }
        }
      for (gsize i = 0; i < n; i++)
        {
          t->gx[i] = 4.0f * (exaggeration * t->gx[i] - (float) (t->rep_x[i] / z));
          t->gy[i] = 4.0f * (exaggeration * t->gy[i] - (float) (t->rep_y[i] / z));
        }
    }
  else if (t->method == LAB_TSNE_METHOD_FFT)
    {
      interleave (t);
      lab_team_run_tasks (t->team, LAB_TSNE_CHUNKS, attraction_task, t);
      for (guint c = 0; c < LAB_TSNE_CHUNKS; c++)
        kl += t->chunk_kl[c];
      z = lab_tsne_fft_repulsion (t->fft, t->team, t->yx, t->yy, t->rep_x, t->rep_y);
      for (gsize i = 0; i < n; i++)
        {
          t->gx[i] = 4.0f * (exaggeration * t->att_x[i] - (float) (t->rep_x[i] / z));
          t->gy[i] = 4.0f * (exaggeration * t->att_y[i] - (float) (t->rep_y[i] / z));
        }
    }
  else
    {
      const guint32 *order;

      lab_quadtree_build (t->tree, t->yx, t->yy, n);
      order = lab_quadtree_get_order (t->tree);
      interleave (t);
      lab_team_run_tasks (t->team, LAB_TSNE_CHUNKS, bh_task, t);
      for (guint c = 0; c < LAB_TSNE_CHUNKS; c++)
        {
          z += t->chunk_z[c];
          kl += t->chunk_kl[c];
        }
      for (gsize s = 0; s < n; s++)
        {
          guint32 i = order[s];

          t->gx[i] = 4.0f * (exaggeration * t->att_x[i] - (float) (t->rep_x[s] / z));
          t->gy[i] = 4.0f * (exaggeration * t->att_y[i] - (float) (t->rep_y[s] / z));
        }
    }
  return t->want_kl ? t->plogp + kl + log (z) : NAN;
}
