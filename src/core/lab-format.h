#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Numbers as people read them, the same in the app and the CLI.
 *
 * Locales: both programs call lab_format_init_locale() at start (the app
 * again after GTK's own setlocale): messages, character types and the rest
 * follow the user's locale, but the process's LC_NUMERIC stays "C", so that
 * the CLI's JSON and CSV and every worker thread write "0.5" whatever the
 * locale. The app's main thread, which draws the window, then calls
 * lab_format_localize_thread(): what the window shows follows the user's
 * LC_NUMERIC ("94,20" and "4 385" in French, "94,20" and "4.385" in
 * German). Files the main thread writes stay "C" because every writer and
 * parser of the project is locale-independent (g_ascii_formatd,
 * g_ascii_strtod, json-glib, Cairo). */

/* setlocale (LC_ALL, "") and then LC_NUMERIC back to "C"; FALSE when the
 * C library does not have the user's locale. */
gboolean lab_format_init_locale     (void);
/* From now on the calling thread prints numbers in the user's LC_NUMERIC
 * (from the environment, as setlocale (LC_ALL, "") reads it): printf's
 * decimal sign, and digit grouping with its ' flag; and the first call
 * makes those the numbers the window shows, for the formatters below on
 * every thread. FALSE (and "C") when the C library does not have it. Any
 * thread may call it, one that then ends too: the locale it uses is
 * lab-format's, one for the process. */
gboolean lab_format_localize_thread (void);

/* For a thread that writes text for people and files alike (a lesson's
 * report and its record): from now on the calling thread prints numbers in
 * the user's LC_NUMERIC (user TRUE; "C" when the C library does not have
 * it) or in "C" (user FALSE), until lab_format_numbers_restore() with what
 * this returned. The messages stay the process's. The window's numbers
 * (lab_format_shown and the rest below) are these same user's ones. */
gpointer lab_format_numbers_use     (gboolean  user);
void     lab_format_numbers_restore (gpointer  previous);

/* Formatters with those numbers, whatever the calling thread's: printf,
 * a count with the digit grouping they have ("60 000"; "60,000" as
 * lab_format_count in "C"), and a percentage as below. */
char    *lab_format_printf_in       (gboolean    user,
                                     const char *format,
                                     ...) G_GNUC_PRINTF (2, 3);
char    *lab_format_vprintf_in      (gboolean    user,
                                     const char *format,
                                     va_list     args) G_GNUC_PRINTF (2, 0);
char    *lab_format_count_in        (gboolean    user,
                                     guint64     n);
char    *lab_format_percent_in      (gboolean    user,
                                     double      percent,
                                     int         decimals);

/* 60000 -> "60,000": groups of three digits with a comma, in every locale;
 * what the CLI prints and Keras-style summaries show. */
char  *lab_format_count            (guint64  n);

/* Text for the window made on any thread, a worker's progress lines too:
 * numbers as the window shows them once lab_format_localize_thread ran
 * (in the app), else in "C" (the CLI, the tests in C). Never for files. */

/* printf with those numbers ("%.3f" -> "0,001" in French). */
char  *lab_format_shown            (const char *format,
                                    ...) G_GNUC_PRINTF (1, 2);
/* n with their digit grouping when they have one ("60.000", "60 000"),
 * else "60,000" as lab_format_count. */
char  *lab_format_count_localized  (guint64  n);
/* A percentage with decimals digits, the sign placed as the language
 * writes it: "94.20%" in English, "94,20 %" in French and German. */
char  *lab_format_percent_localized (double  percent,
                                     int     decimals);
/* An estimate of a run's time, as a lesson's is said: "about 5 min",
 * "under a minute" (translated). */
char  *lab_format_minutes          (double   minutes);
/* A duration rounded to the second: "0:42", "6:20", "1:02:03". Negative or
 * non-finite seconds read "0:00". */
char  *lab_format_duration         (double   seconds);

G_END_DECLS
