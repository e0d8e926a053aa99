#pragma once

#include <gtk/gtk.h>

#include "lab-embed-run.h"
#include "lab-manifold-view.h"
#include "lab-scatter-view.h"

G_BEGIN_DECLS

/* The latent map, the Latent page's big left part: a status line (what is
 * shown, or the embedding job's progress), a hint line (what a click and a
 * drag do), and in one place the empty state (why there is nothing to show,
 * with "Go to Train"), the scatter plot of the embedding (LabScatterView,
 * also t-SNE's moving points) or the manifold view. */
#define LAB_TYPE_LATENT_MAP (lab_latent_map_get_type ())
G_DECLARE_FINAL_TYPE (LabLatentMap, lab_latent_map, LAB, LATENT_MAP, GtkWidget)

void             lab_latent_map_show_empty     (LabLatentMap        *self,
                                                const char          *text,
                                                gboolean             go_to_train);
/* The empty state's text, or NULL when the map is shown. */
const char      *lab_latent_map_get_empty_text (LabLatentMap        *self);
/* The points of emb (images: what its indices index); keep_view keeps the
 * zoom (t-SNE's final positions after its frames). */
void             lab_latent_map_show_points    (LabLatentMap        *self,
                                                const LabEmbedding  *emb,
                                                LabDataset          *images,
                                                gboolean             keep_view);
/* t-SNE's positions so far; first: a new run's first frame, which brings
 * the classes and images (later ones only move the points). */
void             lab_latent_map_show_frame     (LabLatentMap        *self,
                                                const LabEmbedFrame *frame,
                                                gboolean             first);
/* Empties the plot. */
void             lab_latent_map_clear          (LabLatentMap        *self);
/* The manifold view instead of the points, or back. */
void             lab_latent_map_show_manifold  (LabLatentMap        *self,
                                                gboolean             manifold);
void             lab_latent_map_set_status     (LabLatentMap        *self,
                                                const char          *text);
const char      *lab_latent_map_get_status     (LabLatentMap        *self);
/* fraction < 0 hides the progress bar. */
void             lab_latent_map_set_progress   (LabLatentMap        *self,
                                                double               fraction);
/* The hint for a map of method (NULL emb: none); morph: what a drag does. */
void             lab_latent_map_set_hint       (LabLatentMap        *self,
                                                const LabEmbedding  *emb,
                                                gboolean             morph);
LabScatterView  *lab_latent_map_get_scatter    (LabLatentMap        *self);
LabManifoldView *lab_latent_map_get_manifold   (LabLatentMap        *self);

G_END_DECLS
