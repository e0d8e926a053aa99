#pragma once

#include "lab-decode-panel.h"
#include "lab-embedding.h"
#include "lab-gallery-panel.h"
#include "lab-image-view.h"
#include "lab-latent-map.h"
#include "lab-latent-page.h"
#include "lab-manifold-view.h"
#include "lab-morph-strip.h"
#include "lab-scatter-view.h"

G_BEGIN_DECLS

/* For tests: the page's sections, and what it keeps of the embedding. */
LabLatentMap       *lab_latent_page_get_map           (LabLatentPage  *self);
LabDecodePanel     *lab_latent_page_get_decode_panel  (LabLatentPage  *self);
LabMorphStrip      *lab_latent_page_get_morph_strip   (LabLatentPage  *self);
LabGalleryPanel    *lab_latent_page_get_gallery_panel (LabLatentPage  *self);
/* The shown embedding, or NULL. */
const LabEmbedding *lab_latent_page_get_embedding     (LabLatentPage  *self);
/* Starts embedding the way the Embed button does, with these settings. */
void                lab_latent_page_embed             (LabLatentPage  *self,
                                                       LabEmbedMethod  method,
                                                       guint           n);
gboolean            lab_latent_page_is_embedding      (LabLatentPage  *self);
/* t-SNE position updates drawn while the last embedding ran. */
guint               lab_latent_page_get_n_frames      (LabLatentPage  *self);

G_END_DECLS
