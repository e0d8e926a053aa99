#pragma once

#include "lab-decode-panel.h"
#include "lab-embedding.h"
#include "lab-gallery-panel.h"
#include "lab-image-view.h"
#include "lab-latent-page.h"
#include "lab-manifold-view.h"
#include "lab-morph-strip.h"
#include "lab-scatter-view.h"

G_BEGIN_DECLS

/* For tests. */
LabScatterView     *lab_latent_page_get_scatter      (LabLatentPage  *self);
LabImageView       *lab_latent_page_get_decoded_view (LabLatentPage  *self);
/* The image view of step i of the morph strip. */
LabImageView       *lab_latent_page_get_strip_view   (LabLatentPage  *self,
                                                      guint           i);
/* The shown embedding, or NULL. */
const LabEmbedding *lab_latent_page_get_embedding    (LabLatentPage  *self);
/* Starts embedding the way the Embed button does, with these settings. */
void                lab_latent_page_embed            (LabLatentPage  *self,
                                                      LabEmbedMethod  method,
                                                      guint           n);
gboolean            lab_latent_page_is_embedding     (LabLatentPage  *self);
/* t-SNE position updates drawn while the last embedding ran. */
guint               lab_latent_page_get_n_frames     (LabLatentPage  *self);
/* A click on the scatter plot at widget coordinates of the scatter view. */
void                lab_latent_page_click            (LabLatentPage  *self,
                                                      double          x,
                                                      double          y);
/* What the last click decoded: its t-SNE neighbours (rows), or 0. */
guint               lab_latent_page_get_neighbours   (LabLatentPage  *self,
                                                      const guint   **rows);
/* The label the Keep button would give (the dropdown), or -1. */
int                 lab_latent_page_get_keep_label   (LabLatentPage  *self);
LabGallery         *lab_latent_page_get_gallery      (LabLatentPage  *self);
/* The nearest-image search for kept images is running. */
gboolean            lab_latent_page_is_searching     (LabLatentPage  *self);
/* What the Export menu does after its dialog: kind "png" (a folder) or
 * "idx" (path of the images file; the labels file goes beside it). */
gboolean            lab_latent_page_export           (LabLatentPage  *self,
                                                      const char     *kind,
                                                      const char     *path,
                                                      GError        **error);
const char         *lab_latent_page_get_status       (LabLatentPage  *self);
/* The text of the empty state, or NULL when the map is shown. */
const char         *lab_latent_page_get_empty_text   (LabLatentPage  *self);

G_END_DECLS
