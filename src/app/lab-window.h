#pragma once

#include <gtk/gtk.h>

#include "lab-application.h"

G_BEGIN_DECLS

#define LAB_TYPE_WINDOW (lab_window_get_type ())
G_DECLARE_FINAL_TYPE (LabWindow, lab_window, LAB, WINDOW, GtkApplicationWindow)

LabWindow *lab_window_new (LabApplication *app);

G_END_DECLS
