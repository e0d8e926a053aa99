#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "lab-dataset-open.h"
#include "lab-dataset.h"
#include "lab-format.h"

/* Keys: images, height, width, classes, class_names, class_counts, skipped
 * (each "file: reason"), non_image_files (a count). */
static JsonNode *
dataset_to_json (const LabDataset *ds,
                 const guint      *counts)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  lab_json_add_int (b, "images", ds->n);
  lab_cli_json_add_images (b, ds->height, ds->width, ds->n_classes,
                           (const char * const *) ds->class_names);
  json_builder_set_member_name (b, "class_counts");
  json_builder_begin_array (b);
  for (guint k = 0; k < ds->n_classes; k++)
    json_builder_add_int_value (b, counts[k]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "skipped");
  json_builder_begin_array (b);
  for (guint i = 0; i < ds->skipped->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (ds->skipped, i));
  json_builder_end_array (b);
  lab_json_add_int (b, "non_image_files", ds->n_ignored);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

static void
print_text (const LabDataset *ds,
            const guint      *counts)
{
  g_autofree char *n = lab_format_count (ds->n);

  printf ("Dataset:  %s\n", ds->name);
  printf ("Source:   %s\n", ds->source);
  printf ("Images:   %s\n", n);
  printf ("Height:   %u\n", ds->height);
  printf ("Width:    %u\n", ds->width);
  if (ds->n_classes == 0)
    printf ("Classes:  none (unlabelled)\n");
  else
    {
      printf ("Classes:  %u\n", ds->n_classes);
      for (guint k = 0; k < ds->n_classes; k++)
        {
          g_autofree char *count = lab_format_count (counts[k]);

          printf ("  %3u  %-14s %8s\n", k, ds->class_names[k], count);
        }
    }
  printf ("Skipped:  %u\n", ds->skipped->len);
  for (guint i = 0; i < ds->skipped->len; i++)
    printf ("  %s\n", (const char *) g_ptr_array_index (ds->skipped, i));
  if (ds->n_ignored > 0)
    printf ("Other:    %u %s, not images\n", ds->n_ignored, ds->n_ignored == 1 ? "file" : "files");
}

int
lab_cli_inspect (int argc, char **argv)
{
  gboolean json = FALSE;
  gboolean test = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "test", 0, 0, G_OPTION_ARG_NONE, &test,
      "For a folder with an IDX train/t10k set: the test set", NULL },
    { NULL },
  };
  g_autoptr(LabDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint *counts = NULL;
  int status = 0;

  if (!lab_cli_parse ("inspect", "PATH",
                      "Load an IDX images file (labels are found beside it), a folder with "
                      "an IDX set, or a folder of PNGs (one subfolder per class), and "
                      "describe it: size, classes, images per class, skipped files.",
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    {
      if (argc < 2)
        error = g_error_new_literal (LAB_ERROR, LAB_ERROR_INVALID,
                                     "expected a PATH: an IDX file or a folder");
      else
        error = g_error_new (LAB_ERROR, LAB_ERROR_INVALID,
                             "expected one PATH, got %d", argc - 1);
      return lab_cli_fail ("inspect", error);
    }

  ds = lab_dataset_open (argv[1], test ? LAB_SPLIT_TEST : LAB_SPLIT_TRAIN,
                         NULL, NULL, NULL, &error);
  if (ds == NULL)
    return lab_cli_fail ("inspect", error);

  counts = g_new0 (guint, MAX (ds->n_classes, 1));
  lab_dataset_class_counts (ds, counts);
  if (json)
    {
      g_autoptr(JsonNode) root = dataset_to_json (ds, counts);

      lab_cli_print_json (root);
    }
  else
    print_text (ds, counts);
  return 0;
}
