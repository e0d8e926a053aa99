#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_APPLICATION (lab_application_get_type ())
G_DECLARE_FINAL_TYPE (LabApplication, lab_application, LAB, APPLICATION, GtkApplication)

LabApplication *lab_application_new (void);

G_END_DECLS
