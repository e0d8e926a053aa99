#define G_LOG_DOMAIN "latentlab"

#include <glib/gi18n.h>

#include "lab-window.h"

struct _LabWindow
{
  GtkApplicationWindow parent_instance;

  /* template widgets */
  GtkStack *stack;
};

G_DEFINE_FINAL_TYPE (LabWindow, lab_window, GTK_TYPE_APPLICATION_WINDOW)

static void
lab_window_class_init (LabWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LabWindow, stack);
}

static void
lab_window_init (LabWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

LabWindow *
lab_window_new (LabApplication *app)
{
  return g_object_new (LAB_TYPE_WINDOW, "application", app, NULL);
}
