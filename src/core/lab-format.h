#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Numbers as people read them, the same in the app and the CLI. */

/* 60000 -> "60,000": groups of three digits with a comma, in every locale;
 * what the CLI prints and Keras-style summaries show. */
char  *lab_format_count            (guint64  n);
/* The same in the user's locale: its digit grouping when it has one
 * ("60.000", "60 000"), else "60,000" as lab_format_count. For what the
 * window shows. */
char  *lab_format_count_localized  (guint64  n);
/* A duration rounded to the second: "0:42", "6:20", "1:02:03". Negative or
 * non-finite seconds read "0:00". */
char  *lab_format_duration         (double   seconds);

G_END_DECLS
