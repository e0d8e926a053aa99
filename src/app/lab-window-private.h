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

G_END_DECLS
