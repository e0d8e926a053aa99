#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Members of a JSON object being built (the builder is inside an open
 * object): one call a member, the same for the session files, the records
 * and the CLI's --json output. */

/* A string, or null for NULL. */
void  lab_json_add_string   (JsonBuilder   *b,
                             const char    *member,
                             const char    *value);
void  lab_json_add_int      (JsonBuilder   *b,
                             const char    *member,
                             gint64         value);
/* A count, up to G_MAXINT64 (larger ones are written as that). */
void  lab_json_add_uint     (JsonBuilder   *b,
                             const char    *member,
                             guint64        value);
void  lab_json_add_bool     (JsonBuilder   *b,
                             const char    *member,
                             gboolean       value);
/* A number, or null when it is not finite (JSON has no NaN). */
void  lab_json_add_number   (JsonBuilder   *b,
                             const char    *member,
                             double         value);

/* Arrays of n values. Numbers: each null when it is not finite. Strings:
 * "" for a missing one (strv or strv[i] NULL). */
void  lab_json_add_numbers  (JsonBuilder   *b,
                             const char    *member,
                             const double  *values,
                             guint          n);
void  lab_json_add_uints    (JsonBuilder   *b,
                             const char    *member,
                             const guint   *values,
                             guint          n);
void  lab_json_add_strv     (JsonBuilder   *b,
                             const char    *member,
                             char         **strv,
                             guint          n);

G_END_DECLS
