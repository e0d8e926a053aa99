#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "lab-blas.h"
#include "lab-cli-model.h"
#include "lab-version.h"

/* What the engine runs on here: the CPU, the BLAS and the kernels chosen
 * for it, and why (lab-blas.h). The first thing to ask when a figure
 * differs between machines. */
void
lab_cli_print_system (void)
{
  g_autofree char *system = lab_blas_describe ();

  printf ("latentlab-cli %s (commit %s)\n%s\n", LAB_VERSION, LAB_COMMIT, system);
}

int
lab_cli_system (int    argc,
                char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  int status = 0;

  if (!lab_cli_parse ("system", NULL, "The CPU, its features, and the BLAS kernels chosen for it",
                      entries, &argc, &argv, &status))
    return status;
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      lab_json_add_string (b, "version", LAB_VERSION);
      lab_json_add_string (b, "cpu", lab_cpu_get_model ());
      lab_json_add_int (b, "cores", g_get_num_processors ());
      lab_json_add_string (b, "cpu_features", lab_cpu_get_features ());
      lab_json_add_string (b, "blas", lab_blas_get_name ());
      lab_json_add_string (b, "kernels", lab_blas_get_kernels ());
      lab_json_add_string (b, "kernels_reason", lab_blas_get_reason ());
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      lab_cli_print_json (root);
    }
  else
    lab_cli_print_system ();
  return 0;
}
