#pragma once

#include <gtk/gtk.h>

#include "lab-image-grid.h"
#include "lab-recon-batch.h"

G_BEGIN_DECLS

/* Rows of small gray images side by side, with a title above each row
 * and optional captions under each image: the noisy | reconstruction |
 * clean strips of the Train and Denoise pages. It shows a LabImageGrid
 * (lab-image-grid.h: the layout, whole zoom factors, the blocks it wraps
 * into), drawn by the core's code, so an export draws the same. */
#define LAB_TYPE_RECON_GRID (lab_recon_grid_get_type ())
G_DECLARE_FINAL_TYPE (LabReconGrid, lab_recon_grid, LAB, RECON_GRID, GtkWidget)

#define LAB_RECON_GRID_MAX_ROWS 4

/* What the widget shows (owned by it): for exports. */
LabImageGrid *lab_recon_grid_get_grid        (LabReconGrid       *self);

GtkWidget    *lab_recon_grid_new             (void);
void          lab_recon_grid_set_n_rows      (LabReconGrid       *self,
                                              guint               n_rows);
void          lab_recon_grid_set_row_title   (LabReconGrid       *self,
                                              guint               row,
                                              const char         *title);
/* pixels (n, height, width) in [0,1], copied; NULL empties the row, which
 * then shows its placeholder text. */
void          lab_recon_grid_set_row         (LabReconGrid       *self,
                                              guint               row,
                                              const float        *pixels,
                                              guint               n,
                                              guint               height,
                                              guint               width);
/* Shown across an empty row ("Press Train to see reconstructions"). */
void          lab_recon_grid_set_placeholder (LabReconGrid       *self,
                                              guint               row,
                                              const char         *text);
/* One caption per image of the row (NULL-terminated; NULL clears). */
void          lab_recon_grid_set_captions    (LabReconGrid       *self,
                                              guint               row,
                                              const char * const *captions);
/* Rows 0, 1, 2 = noisy input, output, clean of batch; with_metrics adds
 * captions: each noisy image's PSNR, and each output's PSNR over its MSE. */
void          lab_recon_grid_show_batch      (LabReconGrid       *self,
                                              const LabReconBatch *batch,
                                              gboolean            with_metrics);
/* Most columns in one block; 0: no limit. */
void          lab_recon_grid_set_max_columns (LabReconGrid       *self,
                                              guint               max_columns);

/* For tests: the row's pixels as shown (n, height, width) uint8, or NULL. */
const guint8 *lab_recon_grid_get_row_pixels  (LabReconGrid       *self,
                                              guint               row,
                                              guint              *n,
                                              guint              *height,
                                              guint              *width);
/* Times the images changed. */
guint         lab_recon_grid_get_n_updates   (LabReconGrid       *self);

G_END_DECLS
