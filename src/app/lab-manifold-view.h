#pragma once

#include <gtk/gtk.h>

#include "lab-embedding.h"

G_BEGIN_DECLS

/* The manifold view, in place of the Latent page's map: what the decoder
 * draws all over the plane, a LAB_EMBED_MANIFOLD_GRID² mosaic of decodes
 * spread over the points' range (PCA and the raw 2-D latent, where every
 * spot of the plane has a latent), drawn with whole-pixel scaling, and a
 * caption with the axes' ranges. */
#define LAB_TYPE_MANIFOLD_VIEW (lab_manifold_view_get_type ())
G_DECLARE_FINAL_TYPE (LabManifoldView, lab_manifold_view, LAB, MANIFOLD_VIEW, GtkWidget)

/* Decodes the grid of emb's plane through decoder (on this thread: 225
 * small decodes) and shows it. */
gboolean lab_manifold_view_decode   (LabManifoldView     *self,
                                     const LabEmbedding  *emb,
                                     LabModel            *decoder,
                                     GError             **error);
/* Forgets the mosaic (a new embedding). */
void     lab_manifold_view_clear    (LabManifoldView     *self);
/* A mosaic is there to show. */
gboolean lab_manifold_view_is_ready (LabManifoldView     *self);

G_END_DECLS
