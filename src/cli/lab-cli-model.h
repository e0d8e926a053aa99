#pragma once

#include <json-glib/json-glib.h>

#include "lab-dataset.h"
#include "lab-metrics.h"
#include "lab-noise.h"
#include "lab-spec.h"

G_BEGIN_DECLS

/* Helpers shared by the model commands (summary, train, eval, denoise, sweep). */

/* The spec of --arch NAME (a preset) or --arch-file FILE; exactly one. */
LabSpec *lab_cli_load_spec  (const char          *arch,
                             const char          *arch_file,
                             GError             **error);
/* Pretty-printed on stdout. */
void     lab_cli_print_json (JsonNode            *node);
/* "what (N images): loss ...  mse ...  bce ...  psnr ... dB  accuracy ...%" */
void     lab_cli_print_eval (const char          *what,
                             const LabEvalResult *result);
/* A number member, or null when it is not finite (JSON has no NaN). */
void     lab_cli_json_add_number (JsonBuilder    *builder,
                                  const char     *name,
                                  double          value);
/* --split: NULL or "test" is the test split, "train" the training split. */
gboolean lab_cli_parse_split     (const char     *text,
                                  LabSplit       *split,
                                  GError        **error);
/* The noise a model file's training record (train_json, may be NULL) says
 * it was trained with; FALSE and LAB_NOISE_NONE when it says none. */
gboolean lab_cli_trained_noise   (const char     *train_json,
                                  LabNoise       *noise);

G_END_DECLS
