#define G_LOG_DOMAIN "latentlab-fuzz"

/* An architecture spec, as --arch-file, the editor and a model file's
 * "spec" metadata give it: lab_spec_new_from_string, the summary (every
 * layer's shape setup and options), a written spec read back, and, for
 * small ones, the model itself. */

#include "lab-fuzz.h"

#include <string.h>

#include "lab-model.h"
#include "lab-spec.h"
#include "lab-spec-summary.h"

/* Models up to this many floats are built: enough for every preset's
 * layers on small inputs, and quick. */
#define BUILD_LIMIT (1u << 20)

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = NULL;
  g_autoptr(LabSpec) again = NULL;
  g_autoptr(LabSpecSummary) summary = NULL;
  g_autofree char *text = NULL, *text_again = NULL;

  spec = lab_spec_new_from_string ((const char *) data, (gssize) size, "fuzz.json", &error);
  lab_fuzz_check_result (spec != NULL, error, "lab_spec_new_from_string", TRUE);
  if (spec == NULL)
    return 0;

  /* What is written reads back as the same spec. */
  text = lab_spec_to_string (spec, FALSE);
  again = lab_spec_new_from_string (text, -1, "written", &error);
  if (again == NULL)
    g_error ("a written spec does not read back: %s\n%s", error->message, text);
  text_again = lab_spec_to_string (again, FALSE);
  if (strcmp (text, text_again) != 0)
    g_error ("a spec changes when written twice:\n%s\n%s", text, text_again);

  summary = lab_spec_summarize (spec);
  if ((summary->error == NULL) != (summary->error_layer < 0))
    g_error ("summary error %s at layer %d", summary->error ? summary->error->message : "none",
             summary->error_layer);
  if (summary->error == NULL)
    {
      g_autofree char *table = lab_spec_summary_to_text (summary);
      JsonNode *node = lab_spec_summary_to_json (summary);

      if (table == NULL || node == NULL)
        g_error ("a summary without error does not print");
      json_node_unref (node);
      if (summary->rows->len != lab_spec_n_layers (spec))
        g_error ("%u rows for %u layers", summary->rows->len, lab_spec_n_layers (spec));
      if (summary->n_params + summary->n_buffers <= BUILD_LIMIT)
        {
          g_autoptr(LabModel) model = lab_model_new (spec, &error);

          if (model == NULL)
            g_error ("the summary fits, the model does not: %s", error->message);
          if (lab_model_n_params (model) != summary->n_params
              || lab_model_n_buffers (model) != summary->n_buffers)
            g_error ("model has %zu + %zu values, the summary says %zu + %zu",
                     lab_model_n_params (model), lab_model_n_buffers (model),
                     summary->n_params, summary->n_buffers);
        }
    }
  else if (summary->error->message == NULL || summary->error->message[0] == '\0')
    g_error ("a summary error without a message");
  return 0;
}
