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

/* The numbers the window shows (lab_format_localize_thread's), for every
 * thread; (locale_t) 0 until then, and always in the CLI. */
static locale_t shown_numbers;
/* The locale lab_format_localize_thread made for this thread, freed when
 * a later call replaces it. */
static __thread locale_t thread_numbers;

gboolean
lab_format_localize_thread (void)
{
  /* The process's locale (its messages above all) with the user's
   * numbers; kept for the thread's life, the main thread's is the
   * process's. */
  locale_t base = duplocale (LC_GLOBAL_LOCALE);
  locale_t numeric = base != (locale_t) 0 ? newlocale (LC_NUMERIC_MASK, "", base) : (locale_t) 0;

  if (numeric == (locale_t) 0)
    {
      if (base != (locale_t) 0)
        freelocale (base);
      return FALSE;
    }
  uselocale (numeric);
  if (thread_numbers != (locale_t) 0)
    freelocale (thread_numbers);
  thread_numbers = numeric;
  /* A copy of its own, kept for the process's life whatever becomes of the
   * thread's; locale objects are read-only and safe to use from several
   * threads. */
  if (g_atomic_pointer_get (&shown_numbers) == (locale_t) 0)
    {
      locale_t shown = duplocale (numeric);

      if (shown != (locale_t) 0 && !g_atomic_pointer_compare_and_exchange (&shown_numbers, NULL, shown))
        freelocale (shown);
    }
  return TRUE;
}

/* The process's locale with "C" numbers ([0]) and with the user's ([1],
 * (locale_t) 0 when the C library does not have them), made once and kept
 * for the process's life. */
static locale_t numbers_locales[2];

static void
numbers_locales_init (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      locale_t base_c = duplocale (LC_GLOBAL_LOCALE);
      locale_t base_user = duplocale (LC_GLOBAL_LOCALE);

      numbers_locales[0] = base_c != (locale_t) 0 ? newlocale (LC_NUMERIC_MASK, "C", base_c)
                                                   : (locale_t) 0;
      numbers_locales[1] = base_user != (locale_t) 0 ? newlocale (LC_NUMERIC_MASK, "", base_user)
                                                      : (locale_t) 0;
      if (numbers_locales[1] == (locale_t) 0 && base_user != (locale_t) 0)
        freelocale (base_user);
      if (numbers_locales[0] == (locale_t) 0 && base_c != (locale_t) 0)
        freelocale (base_c);
      g_once_init_leave (&once, 1);
    }
}

gpointer
lab_format_numbers_use (gboolean user)
{
  locale_t wanted;

  numbers_locales_init ();
  wanted = numbers_locales[user ? 1 : 0];
  if (wanted == (locale_t) 0)
    wanted = numbers_locales[0];
  /* Without either the global locale, whose numbers are "C" (lab_format_init_locale). */
  return (gpointer) uselocale (wanted != (locale_t) 0 ? wanted : LC_GLOBAL_LOCALE);
}

void
lab_format_numbers_restore (gpointer previous)
{
  uselocale ((locale_t) previous);
}

char *
lab_format_shown (const char *format,
                  ...)
{
  locale_t numbers = g_atomic_pointer_get (&shown_numbers);
  locale_t before = numbers != (locale_t) 0 ? uselocale (numbers) : (locale_t) 0;
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  if (numbers != (locale_t) 0)
    uselocale (before);
  return text;
}

char *
lab_format_count_localized (guint64 n)
{
  locale_t numbers = g_atomic_pointer_get (&shown_numbers);
  const char *separator = numbers != (locale_t) 0 ? nl_langinfo_l (THOUSEP, numbers) : NULL;

  /* The C locale has no grouping: "%'" would print "60000" there. */
  if (separator != NULL && separator[0] != '\0')
    return lab_format_shown ("%'" G_GUINT64_FORMAT, n);
  return lab_format_count (n);
}

char *
lab_format_percent_localized (double percent,
                              int    decimals)
{
  g_autofree char *number = lab_format_shown ("%.*f", decimals, percent);

  /* Translators: a percentage, %s the number ("94.20"): French and German
   * put a no-break space before the sign ("%s\u00a0%%") */
  return g_strdup_printf (_("%s%%"), number);
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
