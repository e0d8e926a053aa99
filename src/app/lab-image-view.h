#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Shows one small gray image (a digit) magnified with crisp pixels: the
 * image is enlarged by the largest whole factor that fits the allocation,
 * nearest neighbour, on the CPU (GTK 4.8 has no nearest-filter texture
 * scaling), and drawn 1:1. Used for grid thumbnails and the big previews. */
#define LAB_TYPE_IMAGE_VIEW (lab_image_view_get_type ())
G_DECLARE_FINAL_TYPE (LabImageView, lab_image_view, LAB, IMAGE_VIEW, GtkWidget)

GtkWidget    *lab_image_view_new            (void);
/* pixels (height, width), copied. */
void          lab_image_view_set_gray       (LabImageView *self,
                                             const guint8 *pixels,
                                             guint         width,
                                             guint         height);
/* pixels (height, width) in [0,1], clamped and copied as uint8. */
void          lab_image_view_set_float      (LabImageView *self,
                                             const float  *pixels,
                                             guint         width,
                                             guint         height);
void          lab_image_view_clear          (LabImageView *self);
/* The shown image (height, width), or NULL when empty. */
const guint8 *lab_image_view_get_pixels     (LabImageView *self,
                                             guint        *width,
                                             guint        *height);
/* The requested size of the longer side, in logical pixels. */
int           lab_image_view_get_pixel_size (LabImageView *self);
void          lab_image_view_set_pixel_size (LabImageView *self,
                                             int           pixel_size);

G_END_DECLS
