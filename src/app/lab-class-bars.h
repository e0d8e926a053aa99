#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Per-class accuracy (each class's recall) as horizontal bars in the
 * class colours, drawn with lab_class_bars_draw in snapshot(). */
#define LAB_TYPE_CLASS_BARS (lab_class_bars_get_type ())
G_DECLARE_FINAL_TYPE (LabClassBars, lab_class_bars, LAB, CLASS_BARS, GtkWidget)

GtkWidget    *lab_class_bars_new        (void);
/* values (n) in [0, 1] or NAN, names (n) may be NULL; both copied. */
void          lab_class_bars_set_values (LabClassBars       *self,
                                         const char         *title,
                                         const double       *values,
                                         guint               n,
                                         const char * const *names);
guint         lab_class_bars_get_n      (LabClassBars       *self);
/* Value of bar i, NAN beyond the bars. */
double        lab_class_bars_get_value  (LabClassBars       *self,
                                         guint               i);
/* The size in pixels of the class names and values at the widget's
 * height (larger in presentation mode). */
double        lab_class_bars_get_label_size (LabClassBars   *self);

G_END_DECLS
