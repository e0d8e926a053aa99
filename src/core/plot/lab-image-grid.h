#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Rows of small gray images side by side, drawn with Cairo: a title above
 * each row, optional captions under each image, a placeholder text across
 * an empty row. Images are enlarged by the largest whole factor that fits,
 * nearest neighbour, so every pixel of a digit stays a crisp square on a
 * projector; when there are many columns the grid wraps them into blocks
 * (8 columns over 2 blocks, each block repeating the rows, and their
 * titles while the images still get their own size), whichever gives
 * the larger images. The app's reconstruction strips draw one on screen;
 * the exports of every image grid (strips, manifold, morph, gallery) write
 * one with lab_figure_save(). Text is white on the grid's dark slate. */
typedef struct _LabImageGrid LabImageGrid;

#define LAB_IMAGE_GRID_MAX_ROWS 16

LabImageGrid *lab_image_grid_new             (void);
void          lab_image_grid_free            (LabImageGrid       *self);
void          lab_image_grid_set_n_rows      (LabImageGrid       *self,
                                              guint               n_rows);
guint         lab_image_grid_get_n_rows      (LabImageGrid       *self);
void          lab_image_grid_set_row_title   (LabImageGrid       *self,
                                              guint               row,
                                              const char         *title);
/* NULL when the row has none. */
const char   *lab_image_grid_get_row_title   (LabImageGrid       *self,
                                              guint               row);
/* pixels (n, height, width), copied; NULL empties the row, which then
 * shows its placeholder. */
void          lab_image_grid_set_row         (LabImageGrid       *self,
                                              guint               row,
                                              const guint8       *pixels,
                                              guint               n,
                                              guint               height,
                                              guint               width);
/* The same from floats in [0,1] (rounded, clamped). */
void          lab_image_grid_set_row_float   (LabImageGrid       *self,
                                              guint               row,
                                              const float        *pixels,
                                              guint               n,
                                              guint               height,
                                              guint               width);
void          lab_image_grid_set_placeholder (LabImageGrid       *self,
                                              guint               row,
                                              const char         *text);
/* One caption per image of the row (NULL-terminated; NULL clears). */
void          lab_image_grid_set_captions    (LabImageGrid       *self,
                                              guint               row,
                                              const char * const *captions);
/* Most columns in one block at the measured width (the minimum and
 * natural width wrap after this many); 0: no limit. A wider drawing may
 * take more columns in fewer blocks when its images get larger so. */
void          lab_image_grid_set_max_columns (LabImageGrid       *self,
                                              guint               max_columns);
/* Pixels between images and between rows (a mosaic: 0); default 4, 6. */
void          lab_image_grid_set_gaps        (LabImageGrid       *self,
                                              guint               gap,
                                              guint               row_gap);
/* Whether draw paints the slate background (files: yes; a widget whose
 * CSS paints it: no). Default TRUE. */
void          lab_image_grid_set_background  (LabImageGrid       *self,
                                              gboolean            background);
/* Text size factor (presentation mode: about 1.5). Default 1. */
void          lab_image_grid_set_text_scale  (LabImageGrid       *self,
                                              double              scale);
/* The row's pixels (n, height, width) as shown, or NULL. */
const guint8 *lab_image_grid_get_row_pixels  (LabImageGrid       *self,
                                              guint               row,
                                              guint              *n,
                                              guint              *height,
                                              guint              *width);
/* Minimum and natural width (horizontal) or height: at least 1:1 (with
 * the row titles once), naturally 3x (with them in every block). */
void          lab_image_grid_measure         (LabImageGrid       *self,
                                              gboolean            horizontal,
                                              int                *minimum,
                                              int                *natural);
/* Draws into [0, width] x [0, height] of cr. */
void          lab_image_grid_draw            (LabImageGrid       *self,
                                              cairo_t            *cr,
                                              double              width,
                                              double              height);
/* lab_image_grid_draw as a LabFigureDrawFunc (lab-figure.h). */
void          lab_image_grid_draw_figure     (gpointer            grid,
                                              cairo_t            *cr,
                                              double              width,
                                              double              height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabImageGrid, lab_image_grid_free)

G_END_DECLS
