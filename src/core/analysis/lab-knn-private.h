#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What both neighbour searches check before they start (lab-knn.c):
 * k from 1 to n - 1 and at most max_k (G_MAXSIZE: no bound of its own,
 * else the message names it), n at most max_n, and floats, the search's
 * working memory counted in floats, within the allocation limit.
 * Errors: INVALID for k, TOO_LARGE for n or the memory. */
gboolean  lab_knn_check (gsize    n,
                         gsize    k,
                         gsize    max_k,
                         gsize    max_n,
                         gsize    floats,
                         GError **error);

/* The max-heap of (key, index) on key that both neighbour searches keep
 * per point (lab-knn.c, lab-knn-descent.c): restores the heap below at
 * after its entry there changed. */
static inline void
lab_knn_sift_down (float   *hd,
                   guint32 *hi,
                   gsize    k,
                   gsize    at)
{
  float d = hd[at];
  guint32 i = hi[at];

  for (;;)
    {
      gsize l = 2 * at + 1, big;

      if (l >= k)
        break;
      big = l + 1 < k && hd[l + 1] > hd[l] ? l + 1 : l;
      if (hd[big] <= d)
        break;
      hd[at] = hd[big];
      hi[at] = hi[big];
      at = big;
    }
  hd[at] = d;
  hi[at] = i;
}

G_END_DECLS
