#define G_LOG_DOMAIN "latentlab-fuzz"

/* The latent point `latentlab-cli decode --latent` reads. */

#include "lab-fuzz.h"

#include <math.h>
#include <string.h>

#include "lab-embedding.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autofree float *z = NULL;
  guint n = 0;

  z = lab_embedding_parse_latent (text, &n, &error);
  lab_fuzz_check_result (z != NULL, error, "lab_embedding_parse_latent",
                         g_utf8_validate (text, -1, NULL));
  if (z == NULL)
    return 0;
  if (n == 0 || n > size)
    g_error ("%u values from %zu bytes", n, size);
  for (guint i = 0; i < n; i++)
    if (!isfinite (z[i]))
      g_error ("value %u is %g", i, (double) z[i]);
  return 0;
}
