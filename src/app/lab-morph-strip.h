#pragma once

#include <gtk/gtk.h>

#include "lab-embedding.h"
#include "lab-image-view.h"

G_BEGIN_DECLS

/* The morph strip, under the Latent page's map: the images decoded at
 * LAB_MORPH_STRIP_STEPS evenly spaced points of the straight line in latent
 * space between two spots (a morph drag), each with how far along it is.
 * It slides up when a morph is shown. A click on a step emits
 * step-activated, for the page to show that step large.
 *
 * Signals:
 *   step-activated (guint step) */
#define LAB_TYPE_MORPH_STRIP (lab_morph_strip_get_type ())
G_DECLARE_FINAL_TYPE (LabMorphStrip, lab_morph_strip, LAB, MORPH_STRIP, GtkWidget)

#define LAB_MORPH_STRIP_STEPS LAB_EMBED_DEFAULT_STEPS

/* Decodes the line from spot (x0, y0) to (x1, y1) of emb's plane through
 * decoder and shows it; row0, row1: the points at the ends, or -1 (their
 * own latents are used then, and their images name the ends). images is
 * what emb->indices index. Nothing is kept of emb, decoder or images. */
gboolean      lab_morph_strip_morph    (LabMorphStrip      *self,
                                        const LabEmbedding *emb,
                                        LabModel           *decoder,
                                        LabDataset         *images,
                                        double              x0,
                                        double              y0,
                                        int                 row0,
                                        double              x1,
                                        double              y1,
                                        int                 row1,
                                        GError            **error);
/* Hides the strip and forgets the morph. */
void          lab_morph_strip_clear    (LabMorphStrip      *self);
/* Step i of the morph shown: its latent (dim), image (height, width) and
 * place on the plane; FALSE when none is shown. Owned by the strip. */
gboolean      lab_morph_strip_get_step (LabMorphStrip      *self,
                                        guint               i,
                                        const float       **latent,
                                        const float       **image,
                                        double             *x,
                                        double             *y);
LabImageView *lab_morph_strip_get_view (LabMorphStrip      *self,
                                        guint               i);

G_END_DECLS
