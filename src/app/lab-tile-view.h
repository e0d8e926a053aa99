#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Small gray pictures side by side, wrapping onto more rows when the width
 * runs out (height for width): a convolution's channels for one image, or
 * a layer's filters. Each tile is enlarged by a whole factor (to about 48
 * pixels, more in presentation mode), nearest neighbour, so every value
 * stays a crisp square on a projector.
 *
 * How values become grays, per tile:
 *   LAB_TILE_SCALE_RANGE      from the tile's minimum (black) to its
 *                             maximum (white): a feature map, where what
 *                             matters is where the channel responds most;
 *   LAB_TILE_SCALE_SYMMETRIC  0 is mid-gray, the tile's largest magnitude
 *                             white (positive) or black (negative): a
 *                             filter's weights. */
typedef enum
{
  LAB_TILE_SCALE_RANGE,
  LAB_TILE_SCALE_SYMMETRIC,
} LabTileScale;

#define LAB_TYPE_TILE_VIEW (lab_tile_view_get_type ())
G_DECLARE_FINAL_TYPE (LabTileView, lab_tile_view, LAB, TILE_VIEW, GtkWidget)

GtkWidget *lab_tile_view_new        (LabTileScale  scale);
/* values (n, height, width), copied; n 0 clears. description: what the
 * tiles are, for screen readers (the accessible description also says
 * how many tiles and their range). */
void       lab_tile_view_set_tiles  (LabTileView  *self,
                                     const float  *values,
                                     guint         n,
                                     guint         height,
                                     guint         width,
                                     const char   *description);
/* The tile size to aim for (48 by default); the zoom is the whole factor
 * that comes closest. */
void       lab_tile_view_set_target_size (LabTileView *self,
                                          int          pixels);
guint      lab_tile_view_get_n      (LabTileView  *self);
/* The gray of tile i's value at (y, x) as drawn (0-255); -1 beyond. */
int        lab_tile_view_get_gray   (LabTileView  *self,
                                     guint         i,
                                     guint         y,
                                     guint         x);
/* Tile pixels in logical pixels (the zoom times the tile's size). */
int        lab_tile_view_get_tile_size (LabTileView *self);

G_END_DECLS
