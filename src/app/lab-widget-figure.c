#define G_LOG_DOMAIN "latentlab"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-error.h"
#include "lab-file-dialog.h"
#include "lab-page.h"
#include "lab-widget-figure.h"

/* The Size choice of the export dialog: "shown" or "WIDTHxHEIGHT". */
static const char * const size_ids[] = { "shown", "1280x960", "1920x1080", "3840x2160", NULL };

static GQuark
figure_func_quark (void)
{
  return g_quark_from_static_string ("lab-widget-figure-func");
}

/* GTK 4.8's GL renderer draws a cairo node as a texture of the node's
 * size, sampled GL_NEAREST where the node lies in the window. Half a
 * device pixel off the pixel grid, every column and row of the window
 * falls on the edge between two texels and rounding picks one or the
 * other: some texel columns are dropped and their neighbours doubled
 * (a light gray "0" in the confusion matrix lost its left stroke, a row
 * of counts their bottom). The cairo renderer draws the node in place and
 * shows none of it. A container can put a widget there (a GtkFixed, a
 * viewport scrolled to a fractional value, a CSS size in em), so the
 * figure goes on whole device pixels, at most half a pixel from where it
 * was put. */
static graphene_point_t
to_whole_pixels (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  graphene_point_t at;
  double sx = 0, sy = 0;

  if (native == NULL
      || !gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (0, 0), &at))
    return GRAPHENE_POINT_INIT (0, 0);
  gtk_native_get_surface_transform (native, &sx, &sy);
  at.x = (at.x + sx) * scale;
  at.y = (at.y + sy) * scale;
  return GRAPHENE_POINT_INIT ((round (at.x) - at.x) / scale, (round (at.y) - at.y) / scale);
}

gboolean
lab_widget_snapshot_figure (GtkWidget         *widget,
                            GtkSnapshot       *snapshot,
                            LabFigureDrawFunc  draw,
                            gpointer           figure)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  graphene_point_t snap;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return FALSE;
  snap = to_whole_pixels (widget);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &snap);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw (figure, cr, width, height);
  cairo_destroy (cr);
  gtk_snapshot_restore (snapshot);
  return TRUE;
}

static LabWidgetFigureFunc
figure_func (GtkWidget *widget)
{
  for (GType type = G_OBJECT_TYPE (widget); type != G_TYPE_INVALID; type = g_type_parent (type))
    {
      LabWidgetFigureFunc get = g_type_get_qdata (type, figure_func_quark ());

      if (get != NULL)
        return get;
    }
  return NULL;
}

gboolean
lab_widget_figure_export (GtkWidget   *widget,
                          const char  *path,
                          int          width,
                          int          height,
                          GError     **error)
{
  LabWidgetFigureFunc get;
  LabWidgetFigure figure = { 0 };
  gboolean ok;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  get = figure_func (widget);
  g_return_val_if_fail (get != NULL, FALSE);

  if (width <= 0 || height <= 0)
    {
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
    }
  if (!get (widget, &figure, error))
    return FALSE;
  ok = lab_figure_save (figure.draw, figure.figure, width, height, path, error);
  if (figure.free_figure != NULL)
    figure.free_figure (figure.figure);
  return ok;
}

static gboolean
export_chosen (GtkWidget       *owner,
               const char      *path,
               GtkFileChooser  *chooser,
               gpointer         user_data,
               GError         **error)
{
  const char *size = gtk_file_chooser_get_choice (chooser, "size");
  int width = 0, height = 0;

  if (size != NULL && sscanf (size, "%dx%d", &width, &height) != 2)
    width = height = 0;
  return lab_widget_figure_export (owner, path, width, height, error);
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  LabWidgetFigureFunc get = figure_func (widget);
  LabWidgetFigure figure = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *shown = NULL;
  g_autofree char *name = NULL;
  GtkFileChooser *chooser;
  const char *labels[G_N_ELEMENTS (size_ids)];

  /* Nothing shown yet: say so now, not after the dialog. */
  if (!get (widget, &figure, &error))
    {
      lab_widget_show_error (widget, error);
      return;
    }
  name = g_strconcat (figure.name != NULL ? figure.name : "figure", ".png", NULL);
  if (figure.free_figure != NULL)
    figure.free_figure (figure.figure);

  chooser = lab_file_dialog_new_for_path (widget, GTK_FILE_CHOOSER_ACTION_SAVE, _("Export the Figure"),
                                          _("_Export"), export_chosen, NULL, NULL);
  gtk_file_filter_set_name (filter, _("PNG, SVG or PDF"));
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "svg");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (chooser, filter);
  gtk_file_chooser_set_current_name (chooser, name);
  shown = g_strdup_printf (_("As shown (%d × %d)"), gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  labels[0] = shown;
  labels[1] = _("1280 × 960");
  labels[2] = _("1920 × 1080 (a projector)");
  labels[3] = _("3840 × 2160 (print)");
  labels[4] = NULL;
  gtk_file_chooser_add_choice (chooser, "size", _("Size"), (const char **) size_ids, labels);
  gtk_file_chooser_set_choice (chooser, "size", "shown");
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_to_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  g_autoptr(GError) error = NULL;
  const char *path;
  int width, height;

  g_variant_get (param, "(&sii)", &path, &width, &height);
  if (!lab_widget_figure_export (widget, path, width, height, &error))
    lab_widget_show_error (widget, error);
}

void
lab_widget_figure_class_install (GtkWidgetClass      *widget_class,
                                 LabWidgetFigureFunc  get)
{
  g_return_if_fail (GTK_IS_WIDGET_CLASS (widget_class));
  g_return_if_fail (get != NULL);

  g_type_set_qdata (G_TYPE_FROM_CLASS (widget_class), figure_func_quark (), get);
  gtk_widget_class_install_action (widget_class, "figure.export", NULL, export_activated);
  gtk_widget_class_install_action (widget_class, "figure.export-to", "(sii)", export_to_activated);
}

/* The context menu */

static void
popup_menu_at (GtkWidget *widget,
               double     x,
               double     y)
{
  GtkPopover *menu = g_object_get_data (G_OBJECT (widget), "lab-figure-menu");

  gtk_popover_set_pointing_to (menu, &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (menu);
  gtk_popover_present (menu);
}

static void
on_right_click (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                GtkWidget       *widget)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_menu_at (widget, x, y);
}

static void
on_long_press (GtkGestureLongPress *gesture,
               double               x,
               double               y,
               GtkWidget           *widget)
{
  popup_menu_at (widget, x, y);
}

void
lab_widget_figure_allocate (GtkWidget *widget)
{
  GtkPopover *menu = g_object_get_data (G_OBJECT (widget), "lab-figure-menu");

  if (menu != NULL)
    gtk_popover_present (menu);
}

/* On the widget's destroy: its dispose may have unparented the menu with
 * its other children already (the widget holds a reference either way). */
static void
unparent_menu (GtkWidget *widget)
{
  GtkWidget *menu = g_object_get_data (G_OBJECT (widget), "lab-figure-menu");

  if (menu != NULL && gtk_widget_get_parent (menu) == widget)
    gtk_widget_unparent (menu);
  g_object_set_data (G_OBJECT (widget), "lab-figure-menu", NULL);
}

void
lab_widget_figure_init (GtkWidget  *widget,
                        GMenuModel *extra)
{
  g_autoptr(GMenu) model = g_menu_new ();
  GtkGesture *click, *press;
  GtkWidget *menu;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  g_menu_append (model, _("Export as PNG / SVG / PDF…"), "figure.export");
  if (extra != NULL)
    g_menu_append_section (model, NULL, extra);
  menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (model));
  gtk_popover_set_has_arrow (GTK_POPOVER (menu), FALSE);
  gtk_widget_set_halign (menu, GTK_ALIGN_START);
  gtk_widget_set_parent (menu, widget);
  g_object_set_data_full (G_OBJECT (widget), "lab-figure-menu", g_object_ref (menu), g_object_unref);
  /* The menu is a child the widget's dispose may not know of. */
  g_signal_connect (widget, "destroy", G_CALLBACK (unparent_menu), NULL);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_right_click), widget);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  press = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (press), TRUE);
  g_signal_connect (press, "pressed", G_CALLBACK (on_long_press), widget);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (press));
}
