#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "lab-presets.h"
#include "lab-spec-summary.h"

/* Every preset with its size, as a table or JSON. */
static int
list_presets (gboolean json)
{
  const char * const *names = lab_presets_list ();
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (!json)
    printf ("%-14s %12s  %-12s %s\n", "Architecture", "Parameters", "Loss", "Description");
  json_builder_begin_array (b);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabSpec) spec = lab_presets_get (names[i], &error);
      g_autoptr(LabSpecSummary) summary = spec ? lab_spec_summarize (spec) : NULL;

      if (summary == NULL)
        return lab_cli_fail ("summary", error);
      if (summary->error != NULL)
        return lab_cli_fail ("summary", summary->error);
      if (json)
        {
          json_builder_begin_object (b);
          lab_json_add_string (b, "name", names[i]);
          lab_json_add_int (b, "params", summary->n_params);
          lab_json_add_string (b, "loss", lab_loss_name (spec->loss));
          lab_json_add_string (b, "description", lab_presets_describe (names[i]));
          json_builder_end_object (b);
        }
      else
        printf ("%-14s %12" G_GSIZE_FORMAT "  %-12s %s\n", names[i], summary->n_params,
                lab_loss_name (spec->loss), lab_presets_describe (names[i]));
    }
  json_builder_end_array (b);
  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (b);
      lab_cli_print_json (root);
    }
  return 0;
}

int
lab_cli_summary (int argc, char **argv)
{
  g_autofree char *arch = NULL;
  g_autofree char *arch_file = NULL;
  gboolean json = FALSE, spec_only = FALSE;
  const GOptionEntry entries[] = {
    { "arch", 'a', 0, G_OPTION_ARG_STRING, &arch,
      "A preset architecture (without it, list them all)", "NAME" },
    { "arch-file", 'f', 0, G_OPTION_ARG_FILENAME, &arch_file,
      "An architecture spec in JSON", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print JSON: params and layers [{name, output_shape, params}]", NULL },
    { "spec", 0, 0, G_OPTION_ARG_NONE, &spec_only,
      "Print the architecture's JSON spec (a start for --arch-file)", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = NULL;
  g_autoptr(LabSpecSummary) summary = NULL;
  int status = 0;

  if (!lab_cli_parse ("summary", NULL,
                      "Show an architecture's layers, output shapes and parameter counts, "
                      "as Keras' model.summary() does.",
                      entries, &argc, &argv, &status))
    return status;

  if (arch == NULL && arch_file == NULL)
    return list_presets (json);
  spec = lab_cli_load_spec (arch, arch_file, &error);
  if (spec == NULL)
    return lab_cli_fail ("summary", error);
  summary = lab_spec_summarize (spec);
  if (summary->error != NULL)
    return lab_cli_fail ("summary", summary->error);

  if (spec_only)
    {
      g_autofree char *text = lab_spec_to_string (spec, TRUE);
      printf ("%s\n", text);
    }
  else if (json)
    {
      g_autoptr(JsonNode) node = lab_spec_summary_to_json (summary);
      lab_cli_print_json (node);
    }
  else
    {
      g_autofree char *text = lab_spec_summary_to_text (summary);
      fputs (text, stdout);
    }
  return 0;
}
