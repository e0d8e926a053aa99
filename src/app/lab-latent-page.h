#pragma once

#include <gtk/gtk.h>

#include "lab-page.h"

G_BEGIN_DECLS

/* The Latent page: how the encoder has arranged the images. The session's
 * model encodes N test images on a worker (LabEmbedRun over
 * lab_embedding_compute), and the latents appear as a scatter plot coloured
 * by class: PCA, t-SNE (the points move while it optimises) or the raw 2-D
 * latent. The page is the layout that wires its sections:
 *   the map (LabScatterView) or the manifold view (lab-manifold-view.h:
 *     the decoder's picture of the whole plane), in a stack with the empty state;
 *   the morph strip (lab-morph-strip.h): a drag decodes 10 images along the
 *     line between two latents;
 *   the decode panel (lab-decode-panel.h): a click decodes that spot;
 *   the gallery panel (lab-gallery-panel.h): what Keep kept, with each kept
 *     image's nearest training image (is it invented or remembered?), its
 *     diversity and the PNG folder or IDX export.
 *
 * "Embed" uses the weights the session has at that moment, so during
 * training it shows the latest published weights; the embedding then keeps
 * its own copy of those weights for decoding, so clicks match the map.
 *
 * Actions (page.*, and win.* through the window, see lab-page.h); the
 * stateful ones are the properties of the same name:
 *   embed                               encode and map (Ctrl+E)
 *   latent-method (string state)        "pca", "tsne", "latent"
 *   latent-drag   (string state)        "pan" or "morph": what a drag does
 *   latent-fit                          show every point again
 *   latent-manifold (boolean state)     the decoded 15 × 15 grid instead of the points
 *   keep-sample                         keep the decoded image (Ctrl+K)
 *   export-gallery (string: "png", "idx")
 *   clear-gallery
 *   export-points                       the map's points as CSV (a file dialog)
 *   export-points-to (string: a path)   the same without a dialog */
#define LAB_TYPE_LATENT_PAGE (lab_latent_page_get_type ())
G_DECLARE_FINAL_TYPE (LabLatentPage, lab_latent_page, LAB, LATENT_PAGE, LabPage)

GtkWidget  *lab_latent_page_new         (void);

G_END_DECLS
