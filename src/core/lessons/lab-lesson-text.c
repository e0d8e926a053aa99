#define G_LOG_DOMAIN "latentlab-core"

/* What a lesson says, twice: in English with "C" numbers for the files
 * programs read, translated in the user's numbers for people. */

#include "lab-lesson-private.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>

#include "lab-format.h"

/* format with args in "C" numbers, and its translation in the user's. */
static void
format_both (char       **c_text,
             char       **shown,
             const char  *format,
             const char  *translated,
             va_list      args)
{
  va_list copy;
  gpointer previous;

  va_copy (copy, args);
  previous = lab_format_numbers_use (FALSE);
  *c_text = g_strdup_vprintf (format, args);
  lab_format_numbers_use (TRUE);
  *shown = g_strdup_vprintf (translated, copy);
  lab_format_numbers_restore (previous);
  va_end (copy);
}

/* gettext of "" is the catalogue's header. */
static const char *
translate (const char *msgid)
{
  return msgid[0] != '\0' ? _(msgid) : msgid;
}

void
lab_lesson_read (LabLessonRun *run,
                 const char   *format,
                 ...)
{
  g_autofree char *c_text = NULL, *shown = NULL;
  va_list args;

  va_start (args, format);
  format_both (&c_text, &shown, format, translate (format), args);
  va_end (args);
  g_string_append (run->reading, c_text);
  g_string_append (run->reading_shown, shown);
}

void
lab_lesson_read_n (LabLessonRun *run,
                   const char   *singular,
                   const char   *plural,
                   gulong        n,
                   ...)
{
  g_autofree char *c_text = NULL, *shown = NULL;
  va_list args;

  va_start (args, n);
  format_both (&c_text, &shown, n == 1 ? singular : plural,
               g_dngettext (GETTEXT_PACKAGE, singular, plural, n), args);
  va_end (args);
  g_string_append (run->reading, c_text);
  g_string_append (run->reading_shown, shown);
}

char *
lab_lesson_shown (const char *format,
                  ...)
{
  gpointer previous = lab_format_numbers_use (TRUE);
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  lab_format_numbers_restore (previous);
  return text;
}

/* lab_format_count_localized and _percent_localized give the window's
 * numbers, "C" in the CLI; a lesson's report follows the user's in both. */
char *
lab_lesson_count_shown (guint64 n)
{
  gpointer previous = lab_format_numbers_use (TRUE);
  const struct lconv *lc = localeconv ();
  /* The C locale has no grouping: "%'" would print "60000" there. */
  char *text = lc->thousands_sep != NULL && lc->thousands_sep[0] != '\0'
               ? g_strdup_printf ("%'" G_GUINT64_FORMAT, n) : lab_format_count (n);

  lab_format_numbers_restore (previous);
  return text;
}

void
lab_lesson_row_init (LabLessonRow *row)
{
  row->csv = g_ptr_array_new_with_free_func (g_free);
  row->shown = g_ptr_array_new_with_free_func (g_free);
}

void
lab_lesson_row_clear (LabLessonRow *row)
{
  g_clear_pointer (&row->csv, g_ptr_array_unref);
  g_clear_pointer (&row->shown, g_ptr_array_unref);
}

static void
add_cell (LabLessonRow *row,
          char         *c_text,
          char         *shown)
{
  if (row->csv == NULL)
    lab_lesson_row_init (row);
  g_ptr_array_add (row->csv, c_text);
  g_ptr_array_add (row->shown, shown);
}

void
lab_lesson_cell (LabLessonRow *row,
                 const char   *format,
                 ...)
{
  char *c_text, *shown;
  va_list args;

  va_start (args, format);
  format_both (&c_text, &shown, format, translate (format), args);
  va_end (args);
  add_cell (row, c_text, shown);
}

void
lab_lesson_cell_msg (LabLessonRow *row,
                     const char   *msgid)
{
  add_cell (row, g_strdup (msgid), g_strdup (translate (msgid)));
}

void
lab_lesson_cell_text (LabLessonRow *row,
                      const char   *text)
{
  add_cell (row, g_strdup (text), g_strdup (text));
}

void
lab_lesson_cell_pair (LabLessonRow *row,
                      const char   *csv,
                      const char   *shown)
{
  add_cell (row, g_strdup (csv), g_strdup (shown));
}

void
lab_lesson_cell_count (LabLessonRow *row,
                       guint64       n)
{
  add_cell (row, lab_format_count (n), lab_lesson_count_shown (n));
}

void
lab_lesson_cell_number (LabLessonRow *row,
                        double        value,
                        int           decimals)
{
  if (!isfinite (value))
    lab_lesson_cell_text (row, "–");
  else
    lab_lesson_cell (row, "%.*f", decimals, value);
}

void
lab_lesson_cell_percent (LabLessonRow *row,
                         double        percent,
                         int           decimals)
{
  g_autofree char *number = NULL;
  gpointer previous;

  if (!isfinite (percent))
    {
      lab_lesson_cell_text (row, "–");
      return;
    }
  previous = lab_format_numbers_use (TRUE);
  number = g_strdup_printf ("%.*f", decimals, percent);
  lab_format_numbers_use (FALSE);
  add_cell (row, g_strdup_printf ("%.*f%%", decimals, percent),
            /* lab-format.c's msgid: "%s\u00a0%%" in French and German */
            g_strdup_printf (_("%s%%"), number));
  lab_format_numbers_restore (previous);
}

void
lab_lesson_row_add (LabLessonRun *run,
                    guint         table,
                    LabLessonRow *row)
{
  if (row->csv == NULL)
    lab_lesson_row_init (row);
  g_ptr_array_add (row->csv, NULL);
  g_ptr_array_add (row->shown, NULL);
  lab_report_add_row_shown (run->report, table, (const char * const *) row->csv->pdata,
                            (const char * const *) row->shown->pdata);
  lab_lesson_row_clear (row);
}
