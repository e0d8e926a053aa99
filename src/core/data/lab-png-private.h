#pragma once

/* What lab-png.c (reading) and lab-png-save.c (writing) share. Core only. */

#include <png.h>

#include "lab-png.h"

G_BEGIN_DECLS

/* libpng reports errors by calling an error function that must not
 * return. This one copies the message into the error pointer given to
 * png_create_*_struct, a char[LAB_PNG_MESSAGE_SIZE] in the caller's state,
 * and longjmps back to the caller's setjmp. */
#define LAB_PNG_MESSAGE_SIZE 256
G_NORETURN
void  lab_png_on_error        (png_structp      png,
                               png_const_charp  message);
/* libpng's warning callback for both directions: the core never prints, and
 * its warnings (bad ancillary chunks) are harmless. */
void  lab_png_ignore_warning  (png_structp      png,
                               png_const_charp  message);

/* Within LAB_PNG_MAX_SIDE and LAB_PNG_MAX_PIXELS, else FALSE with a
 * LAB_ERROR_TOO_LARGE error naming name and both limits. */
gboolean lab_png_check_size   (guint32          width,
                               guint32          height,
                               const char      *name,
                               GError         **error);

G_END_DECLS
