#define G_LOG_DOMAIN "latentlab-core"

#include "lab-error.h"

G_DEFINE_QUARK (lab-error-quark, lab_error)
