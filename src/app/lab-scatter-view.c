#define G_LOG_DOMAIN "latentlab"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-accessible-text.h"
#include "lab-image-view.h"
#include "lab-plot-describe.h"
#include "lab-scatter-view.h"
#include "lab-presentation.h"
#include "lab-widget-figure.h"

/* A drag shorter than this is a click that wobbled, not a morph. */
#define MIN_MORPH_PIXELS 8.0
/* The hover card sits this far from the pointer. */
#define CARD_OFFSET 18

typedef enum
{
  DRAG_NONE,
  DRAG_PAN,
  DRAG_MORPH,
} DragKind;

struct _LabScatterView
{
  GtkWidget       parent_instance;

  /* Owned */
  LabScatterPlot *plot;
  LabDataset     *dataset;        /* behind the points, for the hover card */
  guint          *indices;        /* (n_indices) */
  guint           n_indices;

  /* Children */
  GtkWidget      *card;
  LabImageView   *card_image;
  GtkLabel       *card_label;

  double          pointer_x, pointer_y;
  int             hover;
  DragKind        drag;
  double          drag_x, drag_y;     /* where the drag began */
  double          drag_dx, drag_dy;   /* offset reached, for incremental panning */
  guint           n_draws;
  guint           morph_mode : 1;
  char           *name;           /* what the map is, for screen readers */
};

enum {
  LOCATION_ACTIVATED,
  MORPH_REQUESTED,
  CLASSES_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabScatterView, lab_scatter_view, GTK_TYPE_WIDGET)

/* Hover card */

static void
set_hover (LabScatterView *self,
           int             row)
{
  gboolean show = row >= 0 && self->dataset != NULL && (guint) row < self->n_indices;

  if (row == self->hover && show == gtk_widget_get_visible (self->card))
    {
      if (show)
        gtk_widget_queue_allocate (GTK_WIDGET (self));
      return;
    }
  self->hover = row;
  lab_scatter_plot_set_hover (self->plot, row);
  if (show)
    {
      guint index = self->indices[row];
      g_autofree char *text = NULL;
      double value;

      lab_image_view_set_gray (self->card_image, lab_dataset_image (self->dataset, index),
                               self->dataset->width, self->dataset->height);
      if (self->dataset->labels != NULL && self->dataset->class_names != NULL)
        text = g_strdup_printf (_("%s  ·  #%u"), self->dataset->class_names[self->dataset->labels[index]], index);
      else
        text = g_strdup_printf ("#%u", index);
      if (lab_scatter_plot_get_value (self->plot, row, &value))
        {
          /* the reconstruction error, when the map has them */
          char *more = g_strdup_printf (_("%s\nerror %.4g"), text, value);

          g_free (text);
          text = more;
        }
      gtk_label_set_label (self->card_label, text);
    }
  gtk_widget_set_visible (self->card, show);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_scatter_view_hover_at (LabScatterView *self,
                           double          x,
                           double          y)
{
  g_return_if_fail (LAB_IS_SCATTER_VIEW (self));

  self->pointer_x = x;
  self->pointer_y = y;
  if (self->drag != DRAG_NONE)
    return;
  set_hover (self, lab_scatter_plot_hit (self->plot, x, y, LAB_SCATTER_VIEW_HIT_RADIUS));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   lab_scatter_plot_legend_hit (self->plot, x, y) >= 0 ? "pointer"
                                   : lab_scatter_plot_in_area (self->plot, x, y) ? "crosshair"
                                   : NULL);
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           LabScatterView           *self)
{
  lab_scatter_view_hover_at (self, x, y);
}

static void
on_leave (GtkEventControllerMotion *motion,
          LabScatterView           *self)
{
  if (self->drag == DRAG_NONE)
    set_hover (self, -1);
}

/* Zoom */

static gboolean
on_scroll (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           LabScatterView           *self)
{
  if (!lab_scatter_plot_in_area (self->plot, self->pointer_x, self->pointer_y))
    return FALSE;
  lab_scatter_plot_zoom (self->plot, pow (1.2, -dy), self->pointer_x, self->pointer_y);
  set_hover (self, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

/* Clicks */

void
lab_scatter_view_click (LabScatterView *self,
                        double          x,
                        double          y)
{
  int label, row;
  double dx, dy;

  g_return_if_fail (LAB_IS_SCATTER_VIEW (self));

  label = lab_scatter_plot_legend_hit (self->plot, x, y);
  if (label >= 0)
    {
      lab_scatter_plot_set_class_hidden (self->plot, label,
                                         !lab_scatter_plot_get_class_hidden (self->plot, label));
      set_hover (self, -1);
      lab_scatter_view_changed (self);
      g_signal_emit (self, signals[CLASSES_CHANGED], 0);
      return;
    }
  if (!lab_scatter_plot_in_area (self->plot, x, y) || lab_scatter_plot_get_n_points (self->plot) == 0)
    return;
  row = lab_scatter_plot_hit (self->plot, x, y, LAB_SCATTER_VIEW_HIT_RADIUS);
  if (row >= 0)
    lab_scatter_plot_get_point (self->plot, row, &dx, &dy);
  else
    lab_scatter_plot_to_data (self->plot, x, y, &dx, &dy);
  g_signal_emit (self, signals[LOCATION_ACTIVATED], 0, dx, dy, row);
}

static void
on_released (GtkGestureClick *click,
             int              n_press,
             double           x,
             double           y,
             LabScatterView  *self)
{
  if (n_press == 2 && lab_scatter_plot_in_area (self->plot, x, y))
    {
      lab_scatter_plot_fit (self->plot);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  if (n_press == 1)
    lab_scatter_view_click (self, x, y);
}

/* Drags */

/* Data position of widget (x, y), snapped to the point there if any. */
static void
snap (LabScatterView *self,
      double          x,
      double          y,
      double         *dx,
      double         *dy,
      int            *row)
{
  *row = lab_scatter_plot_hit (self->plot, x, y, LAB_SCATTER_VIEW_HIT_RADIUS);
  if (*row >= 0)
    lab_scatter_plot_get_point (self->plot, *row, dx, dy);
  else
    lab_scatter_plot_to_data (self->plot, x, y, dx, dy);
}

void
lab_scatter_view_drag_morph (LabScatterView *self,
                             double          x0,
                             double          y0,
                             double          x1,
                             double          y1)
{
  double ax, ay, bx, by;
  int a, b;

  g_return_if_fail (LAB_IS_SCATTER_VIEW (self));

  if (hypot (x1 - x0, y1 - y0) < MIN_MORPH_PIXELS || lab_scatter_plot_get_n_points (self->plot) == 0)
    return;
  snap (self, x0, y0, &ax, &ay, &a);
  snap (self, x1, y1, &bx, &by, &b);
  lab_scatter_plot_set_line (self->plot, TRUE, ax, ay, bx, by);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[MORPH_REQUESTED], 0, ax, ay, a, bx, by, b);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               LabScatterView *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  gboolean morph = self->morph_mode != ((state & GDK_SHIFT_MASK) != 0);

  self->drag = DRAG_NONE;
  if (!lab_scatter_plot_in_area (self->plot, x, y))
    return;
  self->drag = morph ? DRAG_MORPH : DRAG_PAN;
  self->drag_x = x;
  self->drag_y = y;
  self->drag_dx = self->drag_dy = 0;
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                LabScatterView *self)
{
  if (self->drag == DRAG_PAN)
    {
      lab_scatter_plot_pan (self->plot, dx - self->drag_dx, dy - self->drag_dy);
      self->drag_dx = dx;
      self->drag_dy = dy;
      if (hypot (dx, dy) > 3)
        {
          set_hover (self, -1);
          gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
        }
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  else if (self->drag == DRAG_MORPH)
    {
      double ax, ay, bx, by;
      int a, b;

      snap (self, self->drag_x, self->drag_y, &ax, &ay, &a);
      snap (self, self->drag_x + dx, self->drag_y + dy, &bx, &by, &b);
      lab_scatter_plot_set_line (self->plot, hypot (dx, dy) >= MIN_MORPH_PIXELS, ax, ay, bx, by);
      /* The card shows the digit the morph would end on. */
      set_hover (self, b);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             LabScatterView *self)
{
  DragKind kind = self->drag;

  self->drag = DRAG_NONE;
  if (kind == DRAG_MORPH)
    lab_scatter_view_drag_morph (self, self->drag_x, self->drag_y, self->drag_x + dx, self->drag_y + dy);
  lab_scatter_view_hover_at (self, self->drag_x + dx, self->drag_y + dy);
}

/* GtkWidget */

static void
lab_scatter_view_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 360 : 280;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 600;
}

static void
lab_scatter_view_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  LabScatterView *self = LAB_SCATTER_VIEW (widget);

  lab_scatter_plot_set_scale (self->plot, lab_presentation_get_scale (widget));
  lab_scatter_plot_set_size (self->plot, width, height);
  lab_widget_figure_allocate (widget);
  if (gtk_widget_get_visible (self->card))
    {
      GtkRequisition req;
      GtkAllocation alloc;

      gtk_widget_get_preferred_size (self->card, NULL, &req);
      alloc.width = req.width;
      alloc.height = req.height;
      alloc.x = (int) self->pointer_x + CARD_OFFSET;
      alloc.y = (int) self->pointer_y + CARD_OFFSET;
      if (alloc.x + alloc.width > width)
        alloc.x = (int) self->pointer_x - CARD_OFFSET - alloc.width;
      if (alloc.y + alloc.height > height)
        alloc.y = (int) self->pointer_y - CARD_OFFSET - alloc.height;
      alloc.x = MAX (alloc.x, 0);
      alloc.y = MAX (alloc.y, 0);
      gtk_widget_size_allocate (self->card, &alloc, -1);
    }
}

static void
lab_scatter_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  LabScatterView *self = LAB_SCATTER_VIEW (widget);

  if (!lab_widget_snapshot_figure (widget, snapshot, lab_scatter_plot_draw_figure, self->plot))
    return;
  self->n_draws++;
  if (gtk_widget_get_visible (self->card))
    gtk_widget_snapshot_child (widget, self->card, snapshot);
}

static gboolean
get_figure (GtkWidget        *widget,
            LabWidgetFigure  *figure,
            GError          **error)
{
  figure->draw = lab_scatter_plot_draw_figure;
  figure->figure = LAB_SCATTER_VIEW (widget)->plot;
  figure->name = "latent-map";
  return TRUE;
}

static void
lab_scatter_view_dispose (GObject *object)
{
  LabScatterView *self = (LabScatterView *)object;

  g_clear_pointer (&self->card, gtk_widget_unparent);

  G_OBJECT_CLASS (lab_scatter_view_parent_class)->dispose (object);
}

static void
lab_scatter_view_finalize (GObject *object)
{
  LabScatterView *self = (LabScatterView *)object;

  g_clear_pointer (&self->plot, lab_scatter_plot_free);
  g_clear_pointer (&self->dataset, lab_dataset_unref);
  g_clear_pointer (&self->indices, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (lab_scatter_view_parent_class)->finalize (object);
}

static void
lab_scatter_view_class_init (LabScatterViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_scatter_view_dispose;
  object_class->finalize = lab_scatter_view_finalize;
  widget_class->measure = lab_scatter_view_measure;
  widget_class->size_allocate = lab_scatter_view_size_allocate;
  widget_class->snapshot = lab_scatter_view_snapshot;

  signals[LOCATION_ACTIVATED] =
    g_signal_new ("location-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_INT);
  signals[MORPH_REQUESTED] =
    g_signal_new ("morph-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 6,
                  G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_INT, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_INT);
  signals[CLASSES_CHANGED] =
    g_signal_new ("classes-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "scatterview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  lab_widget_figure_class_install (widget_class, get_figure);
}

static void
lab_scatter_view_init (LabScatterView *self)
{
  GtkEventController *motion, *scroll;
  g_autoptr(GMenu) points = NULL;
  GtkGesture *click, *drag;
  GtkWidget *image;

  self->plot = lab_scatter_plot_new ();
  lab_scatter_plot_set_legend_hint (self->plot, _("click to hide or show"));
  self->hover = -1;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);

  /* The hover card: the image under the pointer, large enough to read
   * from the back of the room. */
  self->card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_add_css_class (self->card, "hover-card");
  gtk_widget_set_can_target (self->card, FALSE);
  image = lab_image_view_new ();
  lab_image_view_set_pixel_size (LAB_IMAGE_VIEW (image), 112);
  gtk_widget_add_css_class (image, "thumbnail");
  self->card_image = LAB_IMAGE_VIEW (image);
  gtk_box_append (GTK_BOX (self->card), image);
  self->card_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->card_label), "hover-card-label");
  gtk_box_append (GTK_BOX (self->card), GTK_WIDGET (self->card_label));
  gtk_widget_set_visible (self->card, FALSE);
  gtk_widget_set_parent (self->card, GTK_WIDGET (self));

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  /* The page that shows the map writes its points (the Latent page's
   * page.export-points). */
  points = g_menu_new ();
  g_menu_append (points, _("Export Coordinates as CSV…"), "page.export-points");
  lab_widget_figure_init (GTK_WIDGET (self), G_MENU_MODEL (points));
}

GtkWidget *
lab_scatter_view_new (void)
{
  return g_object_new (LAB_TYPE_SCATTER_VIEW, NULL);
}

LabScatterPlot *
lab_scatter_view_get_plot (LabScatterView *self)
{
  g_return_val_if_fail (LAB_IS_SCATTER_VIEW (self), NULL);

  return self->plot;
}

static void
describe (GtkWidget *widget)
{
  LabScatterView *self = LAB_SCATTER_VIEW (widget);
  g_autofree char *text = lab_scatter_plot_describe (self->plot, self->name);

  lab_accessible_set_text (widget, self->name != NULL ? self->name : _("Scatter plot"), text);
}

void
lab_scatter_view_set_name (LabScatterView *self,
                           const char     *name)
{
  g_return_if_fail (LAB_IS_SCATTER_VIEW (self));

  g_free (self->name);
  self->name = g_strdup (name);
  lab_accessible_update_later (GTK_WIDGET (self), describe);
}

void
lab_scatter_view_changed (LabScatterView *self)
{
  g_return_if_fail (LAB_IS_SCATTER_VIEW (self));

  lab_accessible_update_later (GTK_WIDGET (self), describe);
  if (self->hover >= 0 && (guint) self->hover >= lab_scatter_plot_get_n_points (self->plot))
    set_hover (self, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_scatter_view_set_images (LabScatterView *self,
                             LabDataset     *dataset,
                             const guint    *indices,
                             guint           n)
{
  g_return_if_fail (LAB_IS_SCATTER_VIEW (self));

  g_clear_pointer (&self->dataset, lab_dataset_unref);
  g_clear_pointer (&self->indices, g_free);
  self->n_indices = 0;
  if (dataset != NULL && indices != NULL)
    {
      self->dataset = lab_dataset_ref (dataset);
      self->indices = g_memdup2 (indices, (gsize) n * sizeof (guint));
      self->n_indices = n;
    }
  set_hover (self, -1);
}

void
lab_scatter_view_set_morph_mode (LabScatterView *self,
                                 gboolean        morph)
{
  g_return_if_fail (LAB_IS_SCATTER_VIEW (self));

  self->morph_mode = !!morph;
}

gboolean
lab_scatter_view_get_morph_mode (LabScatterView *self)
{
  g_return_val_if_fail (LAB_IS_SCATTER_VIEW (self), FALSE);

  return self->morph_mode;
}

gboolean
lab_scatter_view_point_position (LabScatterView *self,
                                 guint           i,
                                 double         *x,
                                 double         *y)
{
  double dx, dy;

  g_return_val_if_fail (LAB_IS_SCATTER_VIEW (self), FALSE);

  if (!lab_scatter_plot_get_point (self->plot, i, &dx, &dy))
    return FALSE;
  lab_scatter_plot_to_pixel (self->plot, dx, dy, x, y);
  return lab_scatter_plot_in_area (self->plot, *x, *y) && lab_scatter_plot_is_point_shown (self->plot, i);
}

int
lab_scatter_view_get_hover (LabScatterView *self)
{
  g_return_val_if_fail (LAB_IS_SCATTER_VIEW (self), -1);

  return self->hover;
}

guint
lab_scatter_view_get_n_draws (LabScatterView *self)
{
  g_return_val_if_fail (LAB_IS_SCATTER_VIEW (self), 0);

  return self->n_draws;
}
