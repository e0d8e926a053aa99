#pragma once

#include <json-glib/json-glib.h>

#include "lab-metrics.h"
#include "lab-spec.h"

G_BEGIN_DECLS

/* Helpers shared by the model commands (summary, train, eval, denoise). */

/* The spec of --arch NAME (a preset) or --arch-file FILE; exactly one. */
LabSpec *lab_cli_load_spec  (const char          *arch,
                             const char          *arch_file,
                             GError             **error);
/* Pretty-printed on stdout. */
void     lab_cli_print_json (JsonNode            *node);
/* "what (N images): loss ...  mse ...  bce ...  psnr ... dB  accuracy ...%" */
void     lab_cli_print_eval (const char          *what,
                             const LabEvalResult *result);

G_END_DECLS
