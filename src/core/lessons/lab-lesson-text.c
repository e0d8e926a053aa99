#define G_LOG_DOMAIN "latentlab-core"

/* What a lesson says, twice: in English with "C" numbers for the files
 * programs read, translated in the user's numbers for people. */

#include "lab-lesson-private.h"

#include <math.h>
#include <stdarg.h>

#include "lab-format.h"

/* gettext of "" is the catalogue's header. */
static const char *
translate (const char *msgid)
{
  return msgid[0] != '\0' ? _(msgid) : msgid;
}

/* The core of lab_lesson_read, _read_n and _cell: the English text with
 * args in "C" numbers appended to c_text, its translation (plural NULL) or
 * the translation of singular or plural for n in the user's numbers to
 * shown. */
static void
say_both (GString    *c_text,
          GString    *shown,
          const char *singular,
          const char *plural,
          gulong      n,
          va_list     args)
{
  const char *format = plural == NULL || n == 1 ? singular : plural;
  const char *translated = plural == NULL ? translate (singular)
                                          : g_dngettext (GETTEXT_PACKAGE, singular, plural, n);
  va_list copy;
  gpointer previous;

  va_copy (copy, args);
  previous = lab_format_numbers_use (FALSE);
  g_string_append_vprintf (c_text, format, args);
  lab_format_numbers_use (TRUE);
  g_string_append_vprintf (shown, translated, copy);
  lab_format_numbers_restore (previous);
  va_end (copy);
}

void
lab_lesson_read (LabLessonRun *run,
                 const char   *format,
                 ...)
{
  va_list args;

  va_start (args, format);
  say_both (run->reading, run->reading_shown, format, NULL, 0, args);
  va_end (args);
}

void
lab_lesson_read_n (LabLessonRun *run,
                   const char   *singular,
                   const char   *plural,
                   gulong        n,
                   ...)
{
  va_list args;

  va_start (args, n);
  say_both (run->reading, run->reading_shown, singular, plural, n, args);
  va_end (args);
}

char *
lab_lesson_shown (const char *format,
                  ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = lab_format_vprintf_in (TRUE, format, args);
  va_end (args);
  return text;
}

/* lab_format_count_localized and _percent_localized give the window's
 * numbers, "C" in the CLI; a lesson's report follows the user's in both. */
char *
lab_lesson_count_shown (guint64 n)
{
  return lab_format_count_in (TRUE, n);
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
  GString *c_text = g_string_new (NULL), *shown = g_string_new (NULL);
  va_list args;

  va_start (args, format);
  say_both (c_text, shown, format, NULL, 0, args);
  va_end (args);
  add_cell (row, g_string_free (c_text, FALSE), g_string_free (shown, FALSE));
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
  add_cell (row, lab_format_count (n), lab_format_count_in (TRUE, n));
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
  if (!isfinite (percent))
    lab_lesson_cell_text (row, "–");
  else
    add_cell (row, lab_format_printf_in (FALSE, "%.*f%%", decimals, percent),
              lab_format_percent_in (TRUE, percent, decimals));
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
