#pragma once

#include "lab-decode-panel.h"
#include "lab-embed-run.h"
#include "lab-embedding.h"
#include "lab-gallery-panel.h"
#include "lab-image-view.h"
#include "lab-latent-map.h"
#include "lab-latent-page.h"
#include "lab-manifold-view.h"
#include "lab-morph-strip.h"
#include "lab-outliers-panel.h"
#include "lab-scatter-view.h"

G_BEGIN_DECLS

/* What lab-latent-page.c and lab-latent-page-embed.c share. */
struct _LabLatentPage
{
  LabPage               parent_instance;

  /* Template widgets */
  GtkDropDown          *method_dropdown;
  GtkWidget            *advanced_box;     /* the Advanced expander's */
  GtkSpinButton        *size_spin;
  GtkDropDown          *images_dropdown;  /* test, training or train + test images */
  LabLatentMap         *map;
  LabMorphStrip        *morph_strip;
  LabDecodePanel       *decode_panel;
  LabGalleryPanel      *gallery_panel;
  GtkStack             *side_stack;       /* "decode" or "outliers" */
  GtkToggleButton      *decode_tab;       /* which of the two side_stack shows */
  GtkToggleButton      *outliers_tab;
  LabOutliersPanel     *outliers_panel;

  /* Borrowed: the map's */
  LabScatterView       *scatter;
  LabManifoldView      *manifold_view;

  /* Owned */
  LabEmbedRun          *run;
  LabEmbedding         *embedding;        /* lent to the decode panel */
  LabModel             *decoder;          /* the embedding's weights; main thread only */
  LabDataset           *images_ds;        /* what embedding->indices index */
  LabDataset           *embed_source;     /* the session's set the map was made from */
  guint64               embed_serial;
  guint64               embed_step;
  guint                 model_generation;
  guint                 n_frames;
  gboolean              frames_shown;     /* the running job has drawn positions */
  GtkStringList        *class_list;       /* the label dropdowns' model */

  guint                 manifold : 1;     /* page.latent-manifold's state */
  guint                 morph : 1;        /* page.latent-drag is "morph" */
  guint                 auto_embed_done : 1;
  guint                 color_error : 1;  /* page.latent-color is "error" */
};

static inline LabSession *
lab_latent_page_session (LabLatentPage *self)
{
  return lab_page_get_session (LAB_PAGE (self));
}

static inline LabModel *
lab_latent_page_session_model (LabLatentPage *self)
{
  return lab_latent_page_session (self) != NULL ? lab_session_get_model (lab_latent_page_session (self)) : NULL;
}

static inline LabDataset *
lab_latent_page_test_dataset (LabLatentPage *self)
{
  return lab_latent_page_session (self) != NULL ? lab_session_get_test_dataset (lab_latent_page_session (self)) : NULL;
}

/* lab-latent-page.c, for its other parts */
LabEmbedMethod  lab_latent_page_selected_method    (LabLatentPage *self);
void            lab_latent_page_update_actions     (LabLatentPage *self);
void            lab_latent_page_set_manifold       (LabLatentPage *self,
                                                    gboolean       on);
/* page.latent-color (the "latent-color" property): by class, or by error. */
void            lab_latent_page_set_color          (LabLatentPage *self,
                                                    gboolean       by_error);
/* What a click on the map does at (x, y), on point row (or -1): decodes
 * there and marks it. */
void            lab_latent_page_decode_at          (LabLatentPage *self,
                                                    double         x,
                                                    double         y,
                                                    int            row);

/* lab-latent-page-outliers.c: the Outliers tab and the map's colours. */
void            lab_latent_page_init_outliers      (LabLatentPage *self);
/* Measures the errors of the map just installed. */
void            lab_latent_page_measure_outliers   (LabLatentPage *self);
/* The map's colours, its highlight and the outliers' note as they are now. */
void            lab_latent_page_show_outliers      (LabLatentPage *self);

/* lab-latent-page-embed.c: the embedding and its run. */
/* The images the images dropdown asks for: the test set, the training set,
 * or the training set with *more (the test set) to join after it. */
LabDataset     *lab_latent_page_chosen_images      (LabLatentPage  *self,
                                                    LabDataset    **more);
/* The size spin's range: up to every chosen image. */
void            lab_latent_page_update_size_range  (LabLatentPage  *self);
void            lab_latent_page_init_embed         (LabLatentPage *self);
void            lab_latent_page_start_embed        (LabLatentPage *self);
void            lab_latent_page_clear_embedding    (LabLatentPage *self);
/* Shows emb (taken) with its decoder (taken; the weights it was made
 * with) and images (what its indices index). */
void            lab_latent_page_install_embedding  (LabLatentPage *self,
                                                    LabEmbedding  *emb,
                                                    LabModel      *decoder,
                                                    LabDataset    *images,
                                                    guint64        serial,
                                                    guint64        step);
/* lab-latent-page-session.c: the page in a saved session. */
void            lab_latent_page_save_state         (LabPage        *page,
                                                    LabSessionFile *file);
void            lab_latent_page_restore_state      (LabPage        *page,
                                                    LabSessionFile *file);
/* Starts embedding when the page shows and nothing is on the map yet. */
void            lab_latent_page_maybe_auto_embed   (LabLatentPage *self);
/* Why the session's model cannot be explored (and whether Train is the
 * way out), or NULL when it can. */
char           *lab_latent_page_model_problem      (LabLatentPage *self,
                                                    gboolean      *go_to_train);
/* The empty state that fits, or nothing when the map has points. */
void            lab_latent_page_show_waiting       (LabLatentPage *self);
void            lab_latent_page_show_status        (LabLatentPage *self);
void            lab_latent_page_show_hint          (LabLatentPage *self);


/* For tests: the page's sections, and what it keeps of the embedding. */
LabLatentMap       *lab_latent_page_get_map           (LabLatentPage  *self);
LabDecodePanel     *lab_latent_page_get_decode_panel  (LabLatentPage  *self);
LabMorphStrip      *lab_latent_page_get_morph_strip   (LabLatentPage  *self);
LabGalleryPanel    *lab_latent_page_get_gallery_panel (LabLatentPage  *self);
LabOutliersPanel   *lab_latent_page_get_outliers_panel (LabLatentPage *self);
/* Shows the side tab "decode" or "outliers". */
void                lab_latent_page_show_side         (LabLatentPage  *self,
                                                       const char     *name);
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
