#pragma once

#include "lab-arch-chooser.h"
#include "lab-plot-view.h"
#include "lab-recon-grid.h"
#include "lab-train-page.h"
#include "lab-train-run.h"
#include "lab-train-settings.h"

G_BEGIN_DECLS

/* What lab-train-page.c and its parts (-run.c, -models.c, -strip.c) share (as
 * gnome-text-editor's editor-window-private.h does for its window). */
struct _LabTrainPage
{
  LabPage               parent_instance;

  /* Template widgets */
  GtkRevealer          *settings_revealer;
  GtkScrolledWindow    *settings_scroller;
  LabArchChooser       *arch_chooser;
  LabTrainSettings     *train_settings;
  GtkCheckButton       *continue_check;
  GtkButton            *start_button;
  GtkToggleButton      *pause_button;
  GtkImage             *pause_icon;
  GtkLabel             *pause_label;
  GtkButton            *stop_button;
  GtkProgressBar       *progress_bar;
  GtkLabel             *progress_label;
  GtkMenuButton        *model_button;
  GtkLabel             *status_label;
  LabPlotView          *loss_plot;
  LabReconGrid         *recon_grid;

  /* Owned */
  GSettings            *settings;         /* NULL without the schema */
  GMenu                *recent_section;
  LabTrainRun          *run;              /* the running training, or NULL */
  guint                 recon_indices[LAB_TRAIN_RUN_STRIP_IMAGES];
  guint                 n_recon;
  LabDataset           *recon_ds;         /* the dataset recon_indices index */

  /* State shown */
  double                final_loss;
  guint64               final_steps;
  guint64               step;
  guint                 n_progress;
  gboolean              final_stopped;
  gboolean              paused;           /* page.pause's state */
  gboolean              start_pending;
  guint                 start_after_serial;
};

/* lab-train-page.c, for its other parts */
const char *lab_train_page_loss_title          (LabLossKind    kind);
void        lab_train_page_update_actions      (LabTrainPage  *self);
void        lab_train_page_update_continue     (LabTrainPage  *self);
void        lab_train_page_show_model_status   (LabTrainPage  *self);
/* The Pause button and the "paused" property show paused. */
void        lab_train_page_show_paused         (LabTrainPage  *self,
                                                gboolean       paused);

/* lab-train-page-run.c: starts a run with the chosen architecture and the
 * form's settings (TRUE when one runs already), and shows it. */
gboolean    lab_train_page_start_training      (LabTrainPage  *self,
                                                GError       **error);

/* lab-train-page-strip.c: the strip while no run draws it. */
void        lab_train_page_pick_strip_images   (LabTrainPage  *self);
void        lab_train_page_refresh_recon       (LabTrainPage  *self);
void        lab_train_page_cancel_strip        (LabTrainPage  *self);

/* lab-train-page-models.c: the Model menu, its dialogs and the recent
 * models; page.open-model, open-model-file, save-model, save-model-to and
 * save-spec. */
void        lab_train_page_class_init_models   (GtkWidgetClass *widget_class);
void        lab_train_page_init_models         (LabTrainPage  *self);
void        lab_train_page_dispose_models      (LabTrainPage  *self);

/* For tests. */

/* The loss plot's series. */
#define LAB_TRAIN_PAGE_SERIES_TRAIN 0   /* smoothed batch losses, x in epochs */
#define LAB_TRAIN_PAGE_SERIES_VAL   1   /* validation loss at each epoch's end */

/* When a run ends (completed or stopped), the worker evaluates the final
 * weights with lab_evaluate on the first LAB_TRAIN_PAGE_EVAL_IMAGES test
 * images (the validation set), with the training noise and this seed. */
#define LAB_TRAIN_PAGE_EVAL_SEED    LAB_TRAIN_RUN_EVAL_SEED
#define LAB_TRAIN_PAGE_EVAL_IMAGES  LAB_TRAIN_RUN_EVAL_IMAGES

LabPlotView  *lab_train_page_get_loss_plot      (LabTrainPage *self);
LabReconGrid *lab_train_page_get_recon_grid     (LabTrainPage *self);
/* The final evaluation of the last run (NAN before one ended), and the
 * steps it trained. */
double        lab_train_page_get_final_loss     (LabTrainPage *self);
guint64       lab_train_page_get_final_steps    (LabTrainPage *self);
gboolean      lab_train_page_get_final_stopped  (LabTrainPage *self);
/* Progress updates the page received from the worker. */
guint         lab_train_page_get_n_progress     (LabTrainPage *self);
guint64       lab_train_page_get_step           (LabTrainPage *self);
const char   *lab_train_page_get_status_text    (LabTrainPage *self);
const char   *lab_train_page_get_progress_text  (LabTrainPage *self);
const char   *lab_train_page_get_arch           (LabTrainPage *self);
/* Layer rows of the Keras-style summary shown (0 when the spec is invalid). */
guint         lab_train_page_get_summary_rows   (LabTrainPage *self);
/* Fills the config the next win.train would use. */
void          lab_train_page_get_config         (LabTrainPage   *self,
                                                 LabTrainConfig *config);

G_END_DECLS
