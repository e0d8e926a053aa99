#pragma once

#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-dataset.h"
#include "lab-session.h"

G_BEGIN_DECLS

/* The main window: header bar, a sidebar of pages (Data, later Train,
 * Denoise, Latent, Classify, Lessons), and an error banner above them.
 *
 * Actions (win.*): open, open-folder, show-page (string state: the page
 * name, e.g. win.show-page::data), load-dataset (string: a dataset spec as
 * lab_dataset_open() takes it), show-error (string: the message for the
 * banner), dismiss-error; and win.<name> for every page.<name> of a page
 * (lab-page.h), e.g. win.train, win.noise-level.
 *
 * Signals:
 *   dataset-changed (LabDataset *dataset): the Data page shows a new
 *   dataset; pages that train or embed connect here. */
#define LAB_TYPE_WINDOW (lab_window_get_type ())
G_DECLARE_FINAL_TYPE (LabWindow, lab_window, LAB, WINDOW, GtkApplicationWindow)

LabWindow  *lab_window_new              (LabApplication *app);
/* Errors always reach the user here, naming the file and the problem. */
void        lab_window_show_error       (LabWindow      *self,
                                         const GError   *error);
void        lab_window_show_message     (LabWindow      *self,
                                         const char     *message);
void        lab_window_dismiss_error    (LabWindow      *self);
/* A folder or IDX file loads as a dataset; a .safetensors file is a model;
 * a .latentlab file is a saved session. */
void        lab_window_open_file        (LabWindow      *self,
                                         GFile          *file);
void        lab_window_load_dataset     (LabWindow      *self,
                                         const char     *spec);
/* The dataset the Data page shows, or NULL (transfer none). */
LabDataset *lab_window_get_dataset      (LabWindow      *self);
const char *lab_window_get_visible_page (LabWindow      *self);
void        lab_window_set_visible_page (LabWindow      *self,
                                         const char     *name);

/* The datasets and model the pages share (transfer none). */
LabSession *lab_window_get_session      (LabWindow      *self);
/* The page named name ("data", "train", "denoise", ...), or NULL. */
GtkWidget  *lab_window_get_page         (LabWindow      *self,
                                         const char     *name);

/* Saved sessions (lab-window-session.c): the whole window in one file,
 * written and read on a worker; errors go to the banner. */
void         lab_window_save_session     (LabWindow  *self,
                                          const char *path);
void         lab_window_open_session     (LabWindow  *self,
                                          const char *path);
/* Keeps the session for Restore Last Session (when there is a model): on
 * a worker, the application held until it is written; or, with wait (the
 * application is quitting), at once. */
void         lab_window_autosave         (LabWindow  *self,
                                          gboolean    wait);

/* Presentation mode (win.presentation, F11): lab-presentation.h. */
void         lab_window_set_presentation (LabWindow  *self,
                                          gboolean    on);
gboolean     lab_window_get_presentation (LabWindow  *self);

G_END_DECLS
