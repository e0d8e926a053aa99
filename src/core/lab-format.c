#define G_LOG_DOMAIN "latentlab-core"

#include "lab-format.h"

#include <langinfo.h>
#include <locale.h>
#include <math.h>

#include <glib/gi18n.h>

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

gboolean
lab_format_init_locale (void)
{
  gboolean found = setlocale (LC_ALL, "") != NULL;

  setlocale (LC_NUMERIC, "C");
  return found;
}

/* The process's locale with "C" numbers ([0]) and with the user's LC_NUMERIC
 * ([1], (locale_t) 0 when the C library does not have it), made once from
 * the locale lab_format_init_locale set (the messages above all) and kept
 * for the process's life. Every thread that prints in either uses these
 * two: locale objects are read-only and safe to share, and a thread that
 * ends leaves nothing of its own to free. */
static locale_t numbers_locales[2];
/* Whether the window shows [1]: lab_format_localize_thread ran. */
static gint shown_user;

static void
numbers_locales_init (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      static const char *const numeric[2] = { "C", "" };

      for (guint i = 0; i < 2; i++)
        {
          locale_t base = duplocale (LC_GLOBAL_LOCALE);

          numbers_locales[i] = base != (locale_t) 0 ? newlocale (LC_NUMERIC_MASK, numeric[i], base)
                                                    : (locale_t) 0;
          if (numbers_locales[i] == (locale_t) 0 && base != (locale_t) 0)
            freelocale (base);
        }
      g_once_init_leave (&once, 1);
    }
}

/* The locale with those numbers, [0] when the user's are missing;
 * (locale_t) 0 when the C library made neither. */
static locale_t
numbers_locale (gboolean user)
{
  numbers_locales_init ();
  if (user && numbers_locales[1] != (locale_t) 0)
    return numbers_locales[1];
  return numbers_locales[0];
}

gboolean
lab_format_localize_thread (void)
{
  locale_t numbers;

  numbers_locales_init ();
  numbers = numbers_locales[1];
  if (numbers == (locale_t) 0)
    return FALSE;
  uselocale (numbers);
  g_atomic_int_set (&shown_user, TRUE);
  return TRUE;
}

gpointer
lab_format_numbers_use (gboolean user)
{
  locale_t wanted = numbers_locale (user);

  /* Without either the global locale, whose numbers are "C" (lab_format_init_locale). */
  return (gpointer) uselocale (wanted != (locale_t) 0 ? wanted : LC_GLOBAL_LOCALE);
}

void
lab_format_numbers_restore (gpointer previous)
{
  uselocale ((locale_t) previous);
}

char *
lab_format_vprintf_in (gboolean    user,
                       const char *format,
                       va_list     args)
{
  gpointer previous = lab_format_numbers_use (user);
  char *text = g_strdup_vprintf (format, args);

  lab_format_numbers_restore (previous);
  return text;
}

char *
lab_format_printf_in (gboolean    user,
                      const char *format,
                      ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = lab_format_vprintf_in (user, format, args);
  va_end (args);
  return text;
}

char *
lab_format_count_in (gboolean user,
                     guint64  n)
{
  locale_t numbers = numbers_locale (user);
  const char *separator = numbers != (locale_t) 0 ? nl_langinfo_l (THOUSEP, numbers) : NULL;

  /* The C locale has no grouping: "%'" would print "60000" there. */
  if (separator != NULL && separator[0] != '\0')
    return lab_format_printf_in (user, "%'" G_GUINT64_FORMAT, n);
  return lab_format_count (n);
}

char *
lab_format_percent_in (gboolean user,
                       double   percent,
                       int      decimals)
{
  g_autofree char *number = lab_format_printf_in (user, "%.*f", decimals, percent);

  /* Translators: a percentage, %s the number ("94.20"): French and German
   * put a no-break space before the sign ("%s\u00a0%%") */
  return g_strdup_printf (_("%s%%"), number);
}

/* The window's numbers, from any thread. */
static gboolean
shows_user (void)
{
  return g_atomic_int_get (&shown_user);
}

char *
lab_format_shown (const char *format,
                  ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = lab_format_vprintf_in (shows_user (), format, args);
  va_end (args);
  return text;
}

char *
lab_format_count_localized (guint64 n)
{
  return lab_format_count_in (shows_user (), n);
}

char *
lab_format_percent_localized (double percent,
                              int    decimals)
{
  return lab_format_percent_in (shows_user (), percent, decimals);
}

char *
lab_format_minutes (double minutes)
{
  if (!(minutes >= 1))
    return g_strdup (_("under a minute"));
  return g_strdup_printf (_("about %.0f min"), minutes);
}

char *
lab_format_duration (double seconds)
{
  guint s = isfinite (seconds) && seconds > 0 ? (guint) (seconds + 0.5) : 0;

  if (s >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
  return g_strdup_printf ("%u:%02u", s / 60, s % 60);
}
