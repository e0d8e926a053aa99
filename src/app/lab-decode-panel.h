#pragma once

#include <gtk/gtk.h>

#include "lab-embedding.h"
#include "lab-image-view.h"

G_BEGIN_DECLS

/* The decode panel, at the top of the Latent page's side panel: the image
 * decoded from a spot of the latent map, large, with what the spot is; for
 * t-SNE the nearest points it was blended from, with their weights; and the
 * label it would be kept with (guessed from the points around it) beside
 * the Keep button (page.keep-sample).
 *
 * It decodes on the main thread (one image through the embedding's own
 * copy of the decoder) with the embedding the page shows, which the page
 * lends it with lab_decode_panel_set_embedding. */
#define LAB_TYPE_DECODE_PANEL (lab_decode_panel_get_type ())
G_DECLARE_FINAL_TYPE (LabDecodePanel, lab_decode_panel, LAB, DECODE_PANEL, GtkWidget)

/* What Keep keeps; the pointers belong to the panel and stay valid until
 * the next decode. */
typedef struct
{
  const float *latent;    /* (dim) */
  guint        dim;
  const float *image;     /* (height, width) in [0, 1] */
  guint        height;
  guint        width;
  double       x, y;      /* where on the plane */
  const char  *method;    /* "pca", "tsne", "latent" or "interpolation" (static) */
} LabDecodedSample;

/* The label dropdown's model: the class names of the images on the map
 * (the page's, shared with the gallery). */
void          lab_decode_panel_set_classes     (LabDecodePanel     *self,
                                                GListModel         *classes);
/* Borrowed, all three: the page keeps them alive until it sets others or
 * NULL. images is what emb->indices index. Hides the neighbours. */
void          lab_decode_panel_set_embedding   (LabDecodePanel     *self,
                                                const LabEmbedding *emb,
                                                LabModel           *decoder,
                                                LabDataset         *images);
/* The embedding lent is gone before the next one comes (t-SNE's first
 * positions): nothing to decode until then; what is shown stays. */
void          lab_decode_panel_drop_embedding  (LabDecodePanel     *self);
/* Decodes the spot (x, y) of the plane; row is the point there, or -1.
 * Returns the rows it blended (t-SNE; *n_rows 0 otherwise), for the page to
 * ring on the map. */
gboolean      lab_decode_panel_decode_at       (LabDecodePanel     *self,
                                                double              x,
                                                double              y,
                                                int                 row,
                                                const guint       **rows,
                                                guint              *n_rows,
                                                GError            **error);
/* Shows step of n_steps of a morph: latent (dim) decoded to image at (x, y). */
void          lab_decode_panel_show_step       (LabDecodePanel     *self,
                                                const float        *latent,
                                                const float        *image,
                                                double              x,
                                                double              y,
                                                guint               step,
                                                guint               n_steps);
/* FALSE before the first decode. */
gboolean      lab_decode_panel_get_sample      (LabDecodePanel     *self,
                                                LabDecodedSample   *sample);
/* The label chosen in the dropdown, or -1. */
int           lab_decode_panel_get_label       (LabDecodePanel     *self);
LabImageView *lab_decode_panel_get_view        (LabDecodePanel     *self);
/* The rows the last decode of a spot blended. */
guint         lab_decode_panel_get_neighbours  (LabDecodePanel     *self,
                                                const guint       **rows);

G_END_DECLS
