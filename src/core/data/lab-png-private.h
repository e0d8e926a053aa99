#pragma once

/* What lab-png.c (reading) and lab-png-save.c (writing) share. Core only. */

#include <png.h>

#include "lab-png.h"

G_BEGIN_DECLS

/* libpng's warning callback for both directions: the core never prints, and
 * its warnings (bad ancillary chunks) are harmless. */
void  lab_png_ignore_warning  (png_structp      png,
                               png_const_charp  message);

G_END_DECLS
