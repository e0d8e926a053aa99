#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_APPLICATION (lab_application_get_type ())
G_DECLARE_FINAL_TYPE (LabApplication, lab_application, LAB, APPLICATION, GtkApplication)

LabApplication *lab_application_new             (void);
/* The app's settings (schema io.github.latentlab.LatentLab), or NULL with a
 * warning when the schema is neither installed nor in the build tree. */
GSettings      *lab_application_create_settings (void);

G_END_DECLS
