#define G_LOG_DOMAIN "latentlab-core"

#include "lab-quadtree.h"
#include "lab-vmath-private.h"

#include <math.h>
#include <string.h>

#define KEY_LEVELS 16   /* Morton digits: 16 bits of each coordinate */

typedef struct
{
  float   cx, cy;       /* centre of mass */
  float   count;        /* points in the cell */
  float   width2;       /* squared side of the cell */
  guint32 begin, end;   /* the cell's points: sorted positions [begin, end) */
  guint32 skip;         /* node after this subtree (depth-first order) */
  guint32 leaf;
} Node;

struct _LabQuadtree
{
  gsize    capacity;
  guint    leaf_size;
  gsize    n;
  guint32 *keys;        /* (capacity) Morton keys, sorted */
  guint32 *keys_tmp;
  guint32 *order;       /* (capacity) sorted position -> original index */
  guint32 *order_tmp;
  float   *sx, *sy;     /* (capacity) coordinates in sorted order */
  Node    *nodes;       /* (2 * capacity) */
  gsize    n_nodes;
  float    root_size;
};

LabQuadtree *
lab_quadtree_new (gsize capacity,
                  guint leaf_size)
{
  LabQuadtree *self;

  g_return_val_if_fail (capacity > 0 && capacity < G_MAXUINT32 / 2, NULL);
  self = g_new0 (LabQuadtree, 1);
  self->capacity = capacity;
  self->leaf_size = MAX (leaf_size, 1);
  self->keys = g_new (guint32, capacity);
  self->keys_tmp = g_new (guint32, capacity);
  self->order = g_new (guint32, capacity);
  self->order_tmp = g_new (guint32, capacity);
  self->sx = g_new (float, capacity);
  self->sy = g_new (float, capacity);
  self->nodes = g_new (Node, 2 * capacity);
  return self;
}

void
lab_quadtree_free (LabQuadtree *self)
{
  if (self == NULL)
    return;
  g_free (self->keys);
  g_free (self->keys_tmp);
  g_free (self->order);
  g_free (self->order_tmp);
  g_free (self->sx);
  g_free (self->sy);
  g_free (self->nodes);
  g_free (self);
}

const guint32 *
lab_quadtree_get_order (const LabQuadtree *self)
{
  return self->order;
}

gsize
lab_quadtree_get_n_nodes (const LabQuadtree *self)
{
  return self->n_nodes;
}

/* 16 bits spread to the even bit positions of 32. */
static inline guint32
spread_bits (guint32 v)
{
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v;
}

/* LSD radix sort of (keys, order) by key, 8 bits a pass; 4 passes leave the
 * result back in the primary buffers. */
static void
radix_sort (LabQuadtree *self)
{
  guint32 *k_in = self->keys, *k_out = self->keys_tmp;
  guint32 *o_in = self->order, *o_out = self->order_tmp;
  gsize n = self->n;

  for (guint shift = 0; shift < 32; shift += 8)
    {
      gsize count[256] = { 0 };
      gsize pos = 0;

      for (gsize i = 0; i < n; i++)
        count[(k_in[i] >> shift) & 0xff]++;
      for (guint b = 0; b < 256; b++)
        {
          gsize c = count[b];
          count[b] = pos;
          pos += c;
        }
      for (gsize i = 0; i < n; i++)
        {
          gsize dst = count[(k_in[i] >> shift) & 0xff]++;
          k_out[dst] = k_in[i];
          o_out[dst] = o_in[i];
        }
      { guint32 *t = k_in; k_in = k_out; k_out = t; }
      { guint32 *t = o_in; o_in = o_out; o_out = t; }
    }
}

/* First position in [lo, hi) whose key is >= key. */
static inline gsize
lower_bound (const guint32 *keys,
             gsize          lo,
             gsize          hi,
             guint32        key)
{
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (keys[mid] < key)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Builds the node for sorted points [begin, end) and its subtree; returns
 * its index. The cell is the one named by the Morton digits all its points
 * share, so runs of single-child cells collapse into one node. */
static guint32
build_node (LabQuadtree *self,
            gsize        begin,
            gsize        end)
{
  guint32 first = self->keys[begin], last = self->keys[end - 1];
  guint level = first == last ? KEY_LEVELS : (guint) __builtin_clz (first ^ last) / 2;
  guint32 id = self->n_nodes++;
  Node *node = &self->nodes[id];
  float width = ldexpf (self->root_size, -(int) level);

  node->begin = begin;
  node->end = end;
  node->count = end - begin;
  node->width2 = width * width;

  if (end - begin <= self->leaf_size || level == KEY_LEVELS)
    {
      double cx = 0, cy = 0;

      for (gsize s = begin; s < end; s++)
        {
          cx += self->sx[s];
          cy += self->sy[s];
        }
      node->cx = cx / (end - begin);
      node->cy = cy / (end - begin);
      node->leaf = TRUE;
    }
  else
    {
      guint shift = 30 - 2 * level;
      guint32 prefix = level == 0 ? 0 : first & ~((G_GUINT64_CONSTANT (1) << (shift + 2)) - 1);
      double cx = 0, cy = 0;
      gsize b = begin;

      node->leaf = FALSE;
      for (guint32 q = 0; q < 4; q++)
        {
          gsize e = q == 3 ? end : lower_bound (self->keys, b, end, prefix | ((q + 1) << shift));

          if (e > b)
            {
              guint32 child = build_node (self, b, e);
              const Node *c = &self->nodes[child];

              cx += (double) c->cx * c->count;
              cy += (double) c->cy * c->count;
            }
          b = e;
        }
      node->cx = cx / node->count;
      node->cy = cy / node->count;
    }
  self->nodes[id].skip = self->n_nodes;
  return id;
}

void
lab_quadtree_build (LabQuadtree *self,
                    const float *x,
                    const float *y,
                    gsize        n)
{
  float min_x = G_MAXFLOAT, min_y = G_MAXFLOAT, max_x = -G_MAXFLOAT, max_y = -G_MAXFLOAT;
  float side, scale;

  g_return_if_fail (n > 0 && n <= self->capacity);
  self->n = n;
  for (gsize i = 0; i < n; i++)
    {
      min_x = MIN (min_x, x[i]);
      max_x = MAX (max_x, x[i]);
      min_y = MIN (min_y, y[i]);
      max_y = MAX (max_y, y[i]);
    }
  /* a square root cell, a hair larger so the maximum maps inside */
  side = MAX (max_x - min_x, max_y - min_y);
  side = side > 0 ? side * (1.0f + 1e-5f) : 1e-30f;
  self->root_size = side;
  scale = 65536.0f / side;
  for (gsize i = 0; i < n; i++)
    {
      guint32 qx = MIN ((guint32) ((x[i] - min_x) * scale), 65535u);
      guint32 qy = MIN ((guint32) ((y[i] - min_y) * scale), 65535u);

      self->keys[i] = (spread_bits (qx) << 1) | spread_bits (qy);
      self->order[i] = i;
    }
  radix_sort (self);
  for (gsize s = 0; s < n; s++)
    {
      self->sx[s] = x[self->order[s]];
      self->sy[s] = y[self->order[s]];
    }
  self->n_nodes = 0;
  build_node (self, 0, n);
}

gsize
lab_quadtree_scratch_size (const LabQuadtree *self)
{
  return 3 * self->capacity;
}

/* LabV8 and LAB_SIMD_CLONES: see lab-vmath-private.h. */

#define GROUP_VECTORS 4                 /* groups of 32 points (measured 16..32) */
#define GROUP (8 * GROUP_VECTORS)

/* Forces on 8 points pos[0..1] (SoA, 8 lanes) from the len masses
 * (lx, ly, lm): sums into out[0..2] (fx, fy, z), 8 lanes each. Two sets of
 * accumulators halve the dependency chains. By pointer: passing 32-byte
 * vectors by value differs between the clones. */
LAB_SIMD_CLONES static void
group_forces (const LabV8  *pos,
              const float *restrict lx,
              const float *restrict ly,
              const float *restrict lm,
              gsize        len,
              LabV8        *out)
{
  LabV8 px = pos[0], py = pos[1];
  LabV8 ax = { 0 }, ay = { 0 }, az = { 0 }, bx = { 0 }, by = { 0 }, bz = { 0 };
  gsize e = 0;

  for (; e + 2 <= len; e += 2)
    {
      LabV8 dx = px - lx[e], dy = py - ly[e];
      LabV8 ex = px - lx[e + 1], ey = py - ly[e + 1];
      LabV8 w = 1.0f / (1.0f + dx * dx + dy * dy);
      LabV8 v = 1.0f / (1.0f + ex * ex + ey * ey);
      LabV8 mw = lm[e] * w, mv = lm[e + 1] * v;

      az += mw;
      bz += mv;
      mw *= w;
      mv *= v;
      ax += mw * dx;
      ay += mw * dy;
      bx += mv * ex;
      by += mv * ey;
    }
  if (e < len)
    {
      LabV8 dx = px - lx[e], dy = py - ly[e];
      LabV8 w = 1.0f / (1.0f + dx * dx + dy * dy);
      LabV8 mw = lm[e] * w;

      az += mw;
      mw *= w;
      ax += mw * dx;
      ay += mw * dy;
    }
  out[0] = ax + bx;
  out[1] = ay + by;
  out[2] = az + bz;
}

void
lab_quadtree_repulsion (const LabQuadtree *self,
                        gsize              s0,
                        gsize              s1,
                        float              theta,
                        float             *scratch,
                        float             *fx,
                        float             *fy,
                        float             *z)
{
  const Node *nodes = self->nodes;
  const float *sx = self->sx, *sy = self->sy;
  guint32 n_nodes = self->n_nodes;
  float theta2 = theta * theta;
  float *lx = scratch, *ly = scratch + self->capacity, *lm = scratch + 2 * self->capacity;

  /* Consecutive points along the Morton curve are near each other: walk the
   * tree once for a group of GROUP of them, listing the masses that act on
   * the whole group, then evaluate the list for the 8 points at once. A
   * cell counts as one mass when its side is below theta times its distance
   * to the group's bounding box, a stricter test than for each point alone.
   * A cell holding any point of the group is always opened, so each point
   * meets itself exactly once, in its own leaf, adding w = 1 to z and
   * nothing to the force: that 1 is taken off at the end. */
  for (gsize g0 = s0; g0 < s1; g0 += GROUP)
    {
      gsize g1 = MIN (g0 + GROUP, s1), len = 0;
      float x0 = G_MAXFLOAT, x1 = -G_MAXFLOAT, y0 = G_MAXFLOAT, y1 = -G_MAXFLOAT;
      LabV8 pos[2 * GROUP_VECTORS], out[3];
      guint32 id = 0;

      for (gsize k = 0; k < GROUP; k++)
        {
          /* lanes past the end repeat the last point; their sums are dropped */
          gsize s = MIN (g0 + k, g1 - 1);

          pos[2 * (k / 8)][k % 8] = sx[s];
          pos[2 * (k / 8) + 1][k % 8] = sy[s];
          x0 = MIN (x0, sx[s]);
          x1 = MAX (x1, sx[s]);
          y0 = MIN (y0, sy[s]);
          y1 = MAX (y1, sy[s]);
        }

      while (id < n_nodes)
        {
          const Node *node = &nodes[id];

          if (node->end <= g0 || node->begin >= g1)
            {
              float dx = MAX (MAX (x0 - node->cx, node->cx - x1), 0.0f);
              float dy = MAX (MAX (y0 - node->cy, node->cy - y1), 0.0f);

              if (node->width2 < theta2 * (dx * dx + dy * dy))
                {
                  lx[len] = node->cx;
                  ly[len] = node->cy;
                  lm[len] = node->count;
                  len++;
                  id = node->skip;
                  continue;
                }
            }
          if (node->leaf)
            {
              for (guint32 t = node->begin; t < node->end; t++)
                {
                  lx[len] = sx[t];
                  ly[len] = sy[t];
                  lm[len] = 1.0f;
                  len++;
                }
              id = node->skip;
            }
          else
            id++;
        }

      for (gsize v = 0; v < GROUP_VECTORS && g0 + 8 * v < g1; v++)
        {
          gsize a = g0 + 8 * v, b = MIN (a + 8, g1);

          group_forces (pos + 2 * v, lx, ly, lm, len, out);
          for (gsize s = a; s < b; s++)
            {
              fx[s - s0] = out[0][s - a];
              fy[s - s0] = out[1][s - a];
              z[s - s0] = out[2][s - a] - 1.0f;
            }
        }
    }
}
