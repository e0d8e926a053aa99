#pragma once

#include <gtk/gtk.h>

#include "lab-dataset.h"
#include "lab-scatter-plot.h"

G_BEGIN_DECLS

/* The latent-space scatter plot as a widget: the core's LabScatterPlot drawn
 * in snapshot, plus the gestures a teacher uses on it:
 *
 *   scroll                  zoom around the pointer
 *   drag                    pan (in morph mode: morph)
 *   Shift + drag            morph from the point under the press to the
 *                           point under the release (in morph mode: pan)
 *   click                   decode there ("location-activated")
 *   double-click            show every point again (fit)
 *   click on a legend entry hide or show that class
 *   hover                   a card with the image under the pointer
 *
 * Signals:
 *   location-activated (double x, double y, int row): a click in the plot
 *     area at data (x, y); on a point, row is its index and (x, y) its
 *     exact position, else row is -1.
 *   morph-requested (double x0, double y0, int row0, double x1, double y1,
 *     int row1): a morph drag from one location to another, snapped to the
 *     points under its ends (row -1 where there is none).
 *   classes-changed (): a class was hidden or shown from the legend. */
#define LAB_TYPE_SCATTER_VIEW (lab_scatter_view_get_type ())
G_DECLARE_FINAL_TYPE (LabScatterView, lab_scatter_view, LAB, SCATTER_VIEW, GtkWidget)

/* Pixels around a point that still count as on it. */
#define LAB_SCATTER_VIEW_HIT_RADIUS 7.0

GtkWidget      *lab_scatter_view_new             (void);
/* The plot (transfer none): change it, then call lab_scatter_view_changed. */
LabScatterPlot *lab_scatter_view_get_plot        (LabScatterView *self);
void            lab_scatter_view_changed         (LabScatterView *self);
/* What the plot shows, "t-SNE map", the start of its accessible
 * description (which follows the plot's points); NULL: "Scatter plot". */
void            lab_scatter_view_set_name        (LabScatterView *self,
                                                  const char     *name);
/* The images behind the points, for the hover card: point i shows image
 * indices[i] of dataset (both copied/referenced; NULL clears). */
void            lab_scatter_view_set_images      (LabScatterView *self,
                                                  LabDataset     *dataset,
                                                  const guint    *indices,
                                                  guint           n);
/* Drag morphs instead of panning (Shift swaps the two). */
void            lab_scatter_view_set_morph_mode  (LabScatterView *self,
                                                  gboolean        morph);
gboolean        lab_scatter_view_get_morph_mode  (LabScatterView *self);
/* Where point i is, in widget coordinates; FALSE when it is hidden or
 * outside the view. */
gboolean        lab_scatter_view_point_position  (LabScatterView *self,
                                                  guint           i,
                                                  double         *x,
                                                  double         *y);
/* What a click at widget (x, y) does: the same path as the gesture. */
void            lab_scatter_view_click           (LabScatterView *self,
                                                  double          x,
                                                  double          y);
/* The same for a morph drag between two widget positions. */
void            lab_scatter_view_drag_morph      (LabScatterView *self,
                                                  double          x0,
                                                  double          y0,
                                                  double          x1,
                                                  double          y1);
/* The hovered point, or -1; moving the pointer to widget (x, y). */
int             lab_scatter_view_get_hover       (LabScatterView *self);
void            lab_scatter_view_hover_at        (LabScatterView *self,
                                                  double          x,
                                                  double          y);
guint           lab_scatter_view_get_n_draws     (LabScatterView *self);

G_END_DECLS
