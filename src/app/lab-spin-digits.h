#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A spin button that shows its value with only the digits it needs, in the
 * window's numbers: "10", "0.5", "0.001" ("0,5" in French), not "10.000",
 * which a European reader takes for ten thousand. Its digits property
 * stays the precision (and the width); what the user types is read as
 * GTK reads it (the locale's decimal sign, or a point). */
void  lab_spin_digits_trim (GtkSpinButton *spin);
/* The text such a spin button shows for value with digits decimals. */
char *lab_spin_digits_text (double         value,
                            guint          digits);

G_END_DECLS
