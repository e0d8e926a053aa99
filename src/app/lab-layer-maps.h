#pragma once

#include <gtk/gtk.h>

#include "lab-model-probe.h"

G_BEGIN_DECLS

/* The Inside page's feature maps: one section per layer of the model,
 * titled with the layer's number, kind and output shape, showing what the
 * layer made of the image (lab_model_probe): a layer with an image-shaped
 * output (c, h, w) as c gray tiles (LabTileView, at most
 * LAB_LAYER_MAPS_MAX_TILES), a vector (c, 1, 1) as bars
 * (LabActivationBars). */
#define LAB_TYPE_LAYER_MAPS (lab_layer_maps_get_type ())
G_DECLARE_FINAL_TYPE (LabLayerMaps, lab_layer_maps, LAB, LAYER_MAPS, GtkWidget)

#define LAB_LAYER_MAPS_MAX_TILES 64

GtkWidget *lab_layer_maps_new            (void);
/* Builds a section per layer of model (NULL: none). */
void       lab_layer_maps_set_model      (LabLayerMaps   *self,
                                          LabModel       *model);
/* Shows probe, from the model set (same layers), in the sections. */
void       lab_layer_maps_show           (LabLayerMaps   *self,
                                          const LabProbe *probe);
guint      lab_layer_maps_get_n_sections (LabLayerMaps   *self);
/* Section i's picture: a LabTileView or a LabActivationBars (transfer none). */
GtkWidget *lab_layer_maps_get_view       (LabLayerMaps   *self,
                                          guint           i);
/* Section i's title label (transfer none). */
GtkLabel  *lab_layer_maps_get_title      (LabLayerMaps   *self,
                                          guint           i);

G_END_DECLS
