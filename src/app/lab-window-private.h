#pragma once

#include "lab-data-page.h"
#include "lab-window.h"

G_BEGIN_DECLS

/* For tests. */
LabDataPage *lab_window_get_data_page      (LabWindow *self);
gboolean     lab_window_is_error_shown     (LabWindow *self);
const char  *lab_window_get_error_text     (LabWindow *self);

G_END_DECLS
