#define G_LOG_DOMAIN "latentlab"

#include "lab-palette.h"
#include "lab-presentation.h"

double
lab_presentation_get_scale (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  return root != NULL && gtk_widget_has_css_class (GTK_WIDGET (root), "presentation")
         ? LAB_PRESENTATION_SCALE : 1.0;
}

/* Every widget measures and draws again: the figures read the scale in
 * their measure, allocation and snapshot. */
static void
queue_resize_all (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    queue_resize_all (child);
  gtk_widget_queue_resize (widget);
  gtk_widget_queue_draw (widget);
}

/* The type LAB_PRESENTATION_TYPE_SCALE times larger through the display's
 * font resolution (in 1024ths of a dot per inch; -1 is the system's), so
 * sizes set in points in CSS grow too; the old value comes back after. */
static void
scale_type (GtkWindow *window,
            gboolean   on)
{
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (window));
  gpointer saved = g_object_get_data (G_OBJECT (settings), "lab-presentation-dpi");
  int dpi;

  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  if (on && saved == NULL)
    {
      g_object_set_data (G_OBJECT (settings), "lab-presentation-dpi", GINT_TO_POINTER (dpi == 0 ? -2 : dpi));
      g_object_set (settings, "gtk-xft-dpi",
                    (int) ((dpi > 0 ? dpi : 96 * 1024) * LAB_PRESENTATION_TYPE_SCALE), NULL);
    }
  else if (!on && saved != NULL)
    {
      int old = GPOINTER_TO_INT (saved);

      g_object_set (settings, "gtk-xft-dpi", old == -2 ? 0 : old, NULL);
      g_object_set_data (G_OBJECT (settings), "lab-presentation-dpi", NULL);
    }
}

void
lab_presentation_apply (GtkWindow *window,
                        gboolean   on)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

  if (on)
    {
      gtk_widget_add_css_class (GTK_WIDGET (window), "presentation");
      gtk_window_fullscreen (window);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (window), "presentation");
      gtk_window_unfullscreen (window);
    }
  scale_type (window, on);
  /* One projector, one palette for every plot the process draws. */
  lab_palette_set_high_contrast (on);
  queue_resize_all (GTK_WIDGET (window));
}

gboolean
lab_presentation_screen_is_narrow (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  GdkMonitor *monitor = NULL;
  GdkRectangle geometry;

  if (surface != NULL)
    monitor = gdk_display_get_monitor_at_surface (display, surface);
  if (monitor == NULL)
    {
      g_autoptr(GdkMonitor) first = g_list_model_get_item (gdk_display_get_monitors (display), 0);

      if (first == NULL)
        return FALSE;
      gdk_monitor_get_geometry (first, &geometry);
    }
  else
    gdk_monitor_get_geometry (monitor, &geometry);
  return geometry.width < LAB_PRESENTATION_SIDEBAR_WIDTH;
}
