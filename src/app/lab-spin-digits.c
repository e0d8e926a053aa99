#define G_LOG_DOMAIN "latentlab"

#include "lab-spin-digits.h"

#include <locale.h>
#include <string.h>

char *
lab_spin_digits_text (double value,
                      guint  digits)
{
  char *text = g_strdup_printf ("%.*f", (int) digits, value);
  const char *point = localeconv ()->decimal_point;
  char *decimals = point != NULL && point[0] != '\0' ? strstr (text, point) : NULL;

  if (decimals != NULL)
    {
      char *end = text + strlen (text);

      while (end > decimals + strlen (point) && end[-1] == '0')
        end--;
      if (end == decimals + strlen (point))
        end = decimals;
      *end = '\0';
    }
  if (strcmp (text, "-0") == 0)
    {
      g_free (text);
      return g_strdup ("0");
    }
  return text;
}

static gboolean
on_output (GtkSpinButton *spin,
           gpointer       data)
{
  g_autofree char *text = lab_spin_digits_text (gtk_spin_button_get_value (spin),
                                                gtk_spin_button_get_digits (spin));

  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

void
lab_spin_digits_trim (GtkSpinButton *spin)
{
  g_return_if_fail (GTK_IS_SPIN_BUTTON (spin));

  g_signal_connect (spin, "output", G_CALLBACK (on_output), NULL);
  on_output (spin, NULL);
}
