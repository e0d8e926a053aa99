#pragma once

#include "lab-data-page.h"
#include "lab-page.h"
#include "lab-window.h"

G_BEGIN_DECLS

/* For tests. */
LabDataPage *lab_window_get_data_page      (LabWindow *self);
gboolean     lab_window_is_error_shown     (LabWindow *self);
const char  *lab_window_get_error_text     (LabWindow *self);
/* The page whose page.<name> win.<name> activates, or NULL when win.<name>
 * is the window's own action (or none). */
LabPage     *lab_window_get_action_page    (LabWindow  *self,
                                            const char *name);

/* lab-window-open.c: files, drops and the open actions. */
void         lab_window_class_init_open    (GtkWidgetClass *widget_class);
void         lab_window_init_open          (LabWindow      *self);

/* lab-window-session.c: saved sessions. */
void         lab_window_class_init_session (GtkWidgetClass *widget_class);
/* $XDG_STATE_HOME/latentlab/last.latentlab */
char        *lab_window_autosave_path      (void);
GtkStack    *lab_window_get_stack          (LabWindow  *self);
/* A session is being saved or opened, or waits for its dataset. */
gboolean     lab_window_is_session_busy    (LabWindow  *self);
/* At start: when a last session was kept, the bar above the pages offers
 * to restore it. */
void         lab_window_offer_last_session (LabWindow  *self);

/* lab-window.c: the bar's text, or NULL to hide it. */
void         lab_window_offer_restore      (LabWindow  *self,
                                            const char *text);
gboolean     lab_window_is_restore_offered (LabWindow  *self);

G_END_DECLS
