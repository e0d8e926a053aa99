#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "lab-catalog.h"
#include "lab-format.h"

static void
add_string_or_null (JsonBuilder *b,
                    const char  *key,
                    const char  *value)
{
  json_builder_set_member_name (b, key);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static JsonNode *
entries_to_json (GPtrArray *entries)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < entries->len; i++)
    {
      const LabCatalogEntry *e = g_ptr_array_index (entries, i);

      json_builder_begin_object (b);
      add_string_or_null (b, "id", e->id);
      add_string_or_null (b, "title", e->title);
      /* null: built in (synthetic) */
      add_string_or_null (b, "where", e->directory);
      lab_json_add_int (b, "train", e->n_train);
      lab_json_add_int (b, "test", e->n_test);
      lab_cli_json_add_images (b, e->height, e->width, e->n_classes,
                               (const char * const *) e->class_names);
      json_builder_set_member_name (b, "files");
      json_builder_begin_object (b);
      add_string_or_null (b, "train_images", e->train_images);
      add_string_or_null (b, "train_labels", e->train_labels);
      add_string_or_null (b, "test_images", e->test_images);
      add_string_or_null (b, "test_labels", e->test_labels);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  return json_builder_get_root (b);
}

static void
print_table (GPtrArray *entries)
{
  static const char * const installable[] = { "mnist", "fashion-mnist" };

  printf ("%-14s %-17s %8s %8s %-7s %7s  %s\n",
          "ID", "TITLE", "TRAIN", "TEST", "SIZE", "CLASSES", "WHERE");
  for (guint i = 0; i < entries->len; i++)
    {
      const LabCatalogEntry *e = g_ptr_array_index (entries, i);
      g_autofree char *train = lab_format_count (e->n_train);
      g_autofree char *test = lab_format_count (e->n_test);
      g_autofree char *size = g_strdup_printf ("%ux%u", e->height, e->width);

      printf ("%-14s %-17s %8s %8s %-7s %7u  %s\n",
              e->id, e->title, train, test, size, e->n_classes,
              e->directory != NULL ? e->directory : "(built in)");
    }

  printf ("\n");
  for (guint i = 0; i < entries->len; i++)
    {
      const LabCatalogEntry *e = g_ptr_array_index (entries, i);
      g_autofree char *names = g_strjoinv (", ", e->class_names);

      printf ("%s classes: %s\n", e->id, names);
    }

  /* Say where a missing dataset would have been found. */
  for (gsize j = 0; j < G_N_ELEMENTS (installable); j++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < entries->len; i++)
        {
          const LabCatalogEntry *e = g_ptr_array_index (entries, i);

          found |= g_str_equal (e->id, installable[j]);
        }
      if (!found)
        {
          g_auto(GStrv) dirs = lab_catalog_search_dirs (installable[j]);
          g_autofree char *where = g_strjoinv (", ", dirs);

          printf ("%s: not installed (looked in %s)\n", installable[j], where);
        }
    }
}

int
lab_cli_datasets (int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON instead of a table", NULL },
    { NULL },
  };
  g_autoptr(GPtrArray) found = NULL;
  int status = 0;

  if (!lab_cli_parse ("datasets", "", "List every dataset found: where it is, its train and "
                      "test sizes, image size and classes.", entries, &argc, &argv, &status))
    return status;
  if (argc > 1)
    {
      g_autoptr(GError) error = g_error_new (LAB_ERROR, LAB_ERROR_INVALID,
                                             "unexpected argument '%s'", argv[1]);
      return lab_cli_fail ("datasets", error);
    }

  found = lab_catalog_scan ();
  if (json)
    {
      g_autoptr(JsonNode) root = entries_to_json (found);

      lab_cli_print_json (root);
    }
  else
    print_table (found);
  return 0;
}
