#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A dense layer's output for one image: one vertical bar per value, up
 * from a zero line for positive values and down for negative ones, so a
 * class sees at a glance how many units are on and how strongly. Drawn
 * with Cairo in snapshot(); wide layers (784 values) become a fine comb. */
#define LAB_TYPE_ACTIVATION_BARS (lab_activation_bars_get_type ())
G_DECLARE_FINAL_TYPE (LabActivationBars, lab_activation_bars, LAB, ACTIVATION_BARS, GtkWidget)

GtkWidget *lab_activation_bars_new        (void);
/* values (n), copied. description: what they are, for screen readers. */
void       lab_activation_bars_set_values (LabActivationBars *self,
                                           const float       *values,
                                           guint              n,
                                           const char        *description);
guint      lab_activation_bars_get_n      (LabActivationBars *self);
/* Value i, NAN beyond. */
float      lab_activation_bars_get_value  (LabActivationBars *self,
                                           guint              i);

G_END_DECLS
