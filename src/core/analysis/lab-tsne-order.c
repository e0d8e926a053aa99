#define G_LOG_DOMAIN "latentlab-core"

/* Barnes-Hut t-SNE's points renumbered along the layout's Morton curve.
 * The attraction gathers the positions of each point's neighbours in P;
 * once clusters form, those neighbours lie near the point in the layout,
 * so after renumbering they lie near it in memory too and the gathers hit
 * the first-level cache instead of going to the second. */

#include "lab-tsne-private.h"

#include <string.h>

/* *a in the new order, written into *scratch; the two swap, so the old
 * array is the next call's scratch */
static void
permute (float         **a,
         float         **scratch,
         const guint32  *order,
         gsize           n)
{
  float *out = *scratch;

  for (gsize s = 0; s < n; s++)
    out[s] = (*a)[order[s]];
  *scratch = *a;
  *a = out;
}

void
lab_tsne_renumber (LabTsneState *t)
{
  gsize n = t->n;
  const guint32 *order;
  g_autofree guint32 *inv = g_new (guint32, n);
  g_autofree guint32 *index = g_new (guint32, n);
  guint32 e = 0;

  lab_quadtree_build (t->tree, t->yx, t->yy, n);
  order = lab_quadtree_get_order (t->tree);
  for (gsize s = 0; s < n; s++)
    {
      inv[order[s]] = (guint32) s;
      index[s] = t->index[order[s]];
    }
  memcpy (t->index, index, n * sizeof (guint32));

  /* P's rows in the new order, their columns renamed */
  t->spare_row_ptr[0] = 0;
  for (gsize s = 0; s < n; s++)
    {
      guint32 i = order[s];

      for (guint32 f = t->row_ptr[i]; f < t->row_ptr[i + 1]; f++, e++)
        {
          t->spare_col[e] = inv[t->col[f]];
          t->spare_val[e] = t->val[f];
        }
      t->spare_row_ptr[s + 1] = e;
    }
  { guint32 *tmp = t->row_ptr; t->row_ptr = t->spare_row_ptr; t->spare_row_ptr = tmp; }
  { guint32 *tmp = t->col; t->col = t->spare_col; t->spare_col = tmp; }
  { float *tmp = t->val; t->val = t->spare_val; t->spare_val = tmp; }

  /* the gradient is recomputed before it is read: gx serves as scratch */
  permute (&t->yx, &t->gx, order, n);
  permute (&t->yy, &t->gx, order, n);
  permute (&t->ux, &t->gx, order, n);
  permute (&t->uy, &t->gx, order, n);
  permute (&t->gain_x, &t->gx, order, n);
  permute (&t->gain_y, &t->gx, order, n);
}
