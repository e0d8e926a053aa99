#define G_LOG_DOMAIN "latentlab-core"

#include "lab-format.h"

#include <locale.h>
#include <math.h>

char *
lab_format_count (guint64 n)
{
  char digits[32];
  GString *out = g_string_new (NULL);
  int len = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, n);

  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

char *
lab_format_count_localized (guint64 n)
{
  const struct lconv *lc = localeconv ();

  /* The C locale has no grouping: "%'" would print "60000" there. */
  if (lc->thousands_sep != NULL && lc->thousands_sep[0] != '\0')
    return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
  return lab_format_count (n);
}

char *
lab_format_duration (double seconds)
{
  guint s = isfinite (seconds) && seconds > 0 ? (guint) (seconds + 0.5) : 0;

  if (s >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
  return g_strdup_printf ("%u:%02u", s / 60, s % 60);
}
