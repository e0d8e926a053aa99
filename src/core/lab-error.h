#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LAB_ERROR (lab_error_quark ())

typedef enum
{
  LAB_ERROR_FAILED,       /* anything without a better code */
  LAB_ERROR_IO,           /* a file could not be read or written */
  LAB_ERROR_FORMAT,       /* a file is not what it claims to be */
  LAB_ERROR_TRUNCATED,    /* a file ends early */
  LAB_ERROR_TOO_LARGE,    /* sizes overflow or exceed what we allow */
  LAB_ERROR_MISMATCH,     /* two inputs disagree (counts, shapes, sizes) */
  LAB_ERROR_INVALID,      /* an argument or setting is out of range */
  LAB_ERROR_NOT_FOUND,    /* a dataset, preset or file does not exist */
  LAB_ERROR_DIVERGED,     /* training produced NaN or Inf */
  LAB_ERROR_CANCELLED,    /* the user stopped the job */
} LabError;

GQuark lab_error_quark (void);

/* text as valid UTF-8 (each invalid byte becomes U+FFFD), for a message
 * that quotes a library's error: json-glib's quote the bytes of the broken
 * file, and a window shows only UTF-8. Free with g_free. */
char  *lab_error_printable (const char *text);

/* Progress of a long synchronous core call: fraction in [0,1], and an
 * optional short text. Called on the calling (worker) thread. */
typedef void (*LabProgressFunc) (double      fraction,
                                 const char *text,
                                 gpointer    user_data);

/* Largest single allocation a loader may make from sizes it read from a file. */
#define LAB_MAX_ALLOC_BYTES (G_GUINT64_CONSTANT (4) << 30)

G_END_DECLS
