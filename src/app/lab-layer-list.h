#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "lab-layer-row.h"
#include "lab-spec-summary.h"

G_BEGIN_DECLS

/* The architecture editor's layers: one LabLayerRow per layer under an
 * "Encoder" and a "Decoder" heading, and what the rows' buttons do
 * (insert a copy, remove, move, mark the latent). It owns the layers as
 * mutable JSON objects; the latent is the last encoder layer and follows
 * its layer when layers move.
 *
 * Signals:
 *   changed (): a layer, the latent or the order changed. */
#define LAB_TYPE_LAYER_LIST (lab_layer_list_get_type ())
G_DECLARE_FINAL_TYPE (LabLayerList, lab_layer_list, LAB, LAYER_LIST, GtkWidget)

/* Copies of spec's layers; layers [0, encoder_layers) the encoder. */
void         lab_layer_list_set_layers         (LabLayerList         *self,
                                                const LabSpec        *spec);
guint        lab_layer_list_get_n_layers       (LabLayerList         *self);
/* Borrowed; the list edits it. */
JsonObject  *lab_layer_list_get_layer          (LabLayerList         *self,
                                                guint                 index);
/* Copies of the layers, for a spec that later edits do not change. */
JsonArray   *lab_layer_list_copy_layers        (LabLayerList         *self);
/* The latent's index + 1 (0 without layers). */
guint        lab_layer_list_get_encoder_layers (LabLayerList         *self);
/* After a validation: the shapes flowing in (the headings, and where a
 * new reshape starts) and the row that does not fit (-1: none).
 * summary may be NULL. */
void         lab_layer_list_show               (LabLayerList         *self,
                                                const LabSpecSummary *summary,
                                                LabShape              input,
                                                int                   error_layer);
LabLayerRow *lab_layer_list_get_row            (LabLayerList         *self,
                                                guint                 index);

G_END_DECLS
