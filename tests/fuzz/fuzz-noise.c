#define G_LOG_DOMAIN "latentlab-fuzz"

/* The noise spec the CLI's --noise, --type and the Train page read
 * ("gaussian:0.5"): parsed, written back, parsed again to the same noise. */

#include "lab-fuzz.h"

#include <math.h>

#include "lab-noise.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *written = NULL;
  g_autoptr(GError) error = NULL;
  LabNoise noise, again;
  gboolean ok;

  ok = lab_noise_parse (text, &noise, &error);
  lab_fuzz_check_result (ok, error, "lab_noise_parse", g_utf8_validate (text, -1, NULL));
  if (!ok)
    return 0;
  if (!isfinite (noise.amount) || noise.amount < 0.0f || noise.amount > 1.0f)
    g_error ("noise amount %g", (double) noise.amount);
  if (!lab_noise_type_has_amount (noise.type) && noise.amount != 0.0f)
    g_error ("%s with amount %g", lab_noise_type_name (noise.type), (double) noise.amount);
  written = lab_noise_to_string (&noise);
  if (!lab_noise_parse (written, &again, &error))
    g_error ("“%s” does not read back: %s", written, error->message);
  if (again.type != noise.type || fabsf (again.amount - noise.amount) > 1e-6f)
    g_error ("“%s” reads back as %s:%g", written, lab_noise_type_name (again.type),
             (double) again.amount);
  return 0;
}
