#define G_LOG_DOMAIN "latentlab-core"

#include "lab-error.h"

G_DEFINE_QUARK (lab-error-quark, lab_error)

char *
lab_error_printable (const char *text)
{
  return g_utf8_make_valid (text != NULL ? text : "", -1);
}
