#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "lab-gradcheck.h"

int
lab_cli_gradcheck (int argc, char **argv)
{
  gint64 seed = 1;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the random inputs (default 1)", "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the results as JSON", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  guint failed = 0;
  int status = 0;

  if (!lab_cli_parse ("gradcheck", NULL,
                      "Check every layer kind, every loss and a few whole models: the "
                      "gradients backward computes against finite differences of forward. "
                      "Exits non-zero if any check fails.",
                      entries, &argc, &argv, &status))
    return status;

  results = lab_gradcheck_run_all ((guint64) seed, NULL, &error);
  if (results == NULL)
    return lab_cli_fail ("gradcheck", error);
  for (guint i = 0; i < results->len; i++)
    failed += !((LabGradcheckResult *) g_ptr_array_index (results, i))->passed;

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "passed");
      json_builder_add_boolean_value (b, failed == 0);
      json_builder_set_member_name (b, "checks");
      json_builder_begin_array (b);
      for (guint i = 0; i < results->len; i++)
        {
          LabGradcheckResult *r = g_ptr_array_index (results, i);

          json_builder_begin_object (b);
          lab_json_add_string (b, "name", r->name);
          lab_json_add_string (b, "metric", r->metric);
          json_builder_set_member_name (b, "error");
          json_builder_add_double_value (b, r->error);
          json_builder_set_member_name (b, "tolerance");
          json_builder_add_double_value (b, r->tolerance);
          lab_json_add_int (b, "checked", r->n_checked);
          lab_json_add_int (b, "skipped", r->n_skipped);
          json_builder_set_member_name (b, "passed");
          json_builder_add_boolean_value (b, r->passed);
          if (r->message)
            lab_json_add_string (b, "message", r->message);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      lab_cli_print_json (root);
    }
  else
    {
      printf ("%-34s %-12s %10s %10s %8s  %s\n", "Check", "Metric", "Error", "Tolerance",
              "Checked", "Result");
      for (guint i = 0; i < results->len; i++)
        {
          LabGradcheckResult *r = g_ptr_array_index (results, i);

          printf ("%-34s %-12s %10.2e %10.0e %8u  %s%s%s\n", r->name, r->metric, r->error,
                  r->tolerance, r->n_checked, r->passed ? "pass" : "FAIL",
                  r->message ? ": " : "", r->message ? r->message : "");
        }
      printf ("%u of %u checks passed\n", results->len - failed, results->len);
    }
  return failed ? 1 : 0;
}
