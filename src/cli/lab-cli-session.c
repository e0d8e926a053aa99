#define G_LOG_DOMAIN "latentlab-cli"

/* `latentlab-cli session info FILE`: what a saved session holds (the
 * dataset and whether it is on this computer, the model and its training,
 * the map, the gallery, the Classify runs, the pages with settings), and
 * with --check, whether the dataset found here is the session's (its
 * content hash). */

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <stdio.h>
#include <string.h>

#include "lab-dataset-open.h"
#include "lab-format.h"
#include "lab-session-file.h"
#include "lab-train-record.h"

typedef struct
{
  gboolean  found;
  char     *why;      /* not found: which dataset to install or locate */
  gboolean  checked;
  gboolean  same;
  char     *check;    /* checked and not the same: how they differ */
} DatasetState;

static void
dataset_state_clear (DatasetState *d)
{
  g_free (d->why);
  g_free (d->check);
}

static void
check_dataset (const LabSessionFile *s,
               gboolean              check,
               DatasetState         *d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) ds = NULL;

  memset (d, 0, sizeof *d);
  d->found = lab_session_file_find_dataset (s, &error);
  if (!d->found)
    {
      d->why = g_strdup (error->message);
      return;
    }
  if (!check || s->dataset.spec == NULL)
    return;
  d->checked = TRUE;
  ds = lab_dataset_open (s->dataset.spec, s->dataset.split, NULL, NULL, NULL, &error);
  d->same = ds != NULL && lab_session_file_check_dataset (s, ds, &error);
  if (!d->same)
    d->check = g_strdup (error->message);
}

static const char *
split_name (LabSplit split)
{
  return split == LAB_SPLIT_TEST ? "test" : "train";
}

static void
print_text (const char           *path,
            const LabSessionFile *s,
            const DatasetState   *d)
{
  g_autofree char *base = g_path_get_basename (path);
  g_auto(GStrv) pages = lab_session_file_list_pages (s);
  g_autofree char *page_list = g_strjoinv (", ", pages);

  printf ("Session:  %s\n", base);
  printf ("Page:     %s\n", s->page != NULL ? s->page : "(none)");
  if (s->dataset.spec != NULL)
    {
      g_autofree char *n = lab_format_count (s->dataset.n);

      printf ("Dataset:  %s (%s, %s split): %s images of %u×%u\n", s->dataset.name, s->dataset.spec,
              split_name (s->dataset.split), n, s->dataset.height, s->dataset.width);
      if (s->dataset.sha256 != NULL)
        printf ("  SHA-256 %s\n", s->dataset.sha256);
      if (!d->found)
        printf ("  not on this computer: %s\n", d->why);
      else if (d->checked)
        printf ("  %s\n", d->same ? "found here, the same images" : d->check);
      else
        printf ("  found here\n");
    }
  else
    printf ("Dataset:  none\n");

  if (s->model != NULL)
    {
      g_autofree char *params = lab_format_count (lab_model_n_params (s->model));
      g_autoptr(LabTrainRecord) record = s->train_json
        ? lab_train_record_new_from_json (s->train_json, NULL) : NULL;

      printf ("Model:    %s, %s parameters, %" G_GUINT64_FORMAT " steps\n",
              lab_model_get_name (s->model), params, s->step);
      if (record != NULL && record->train_loss != NULL && record->train_loss->len > 0)
        printf ("  trained %u epochs: loss %.4f → %.4f\n", record->train_loss->len,
                g_array_index (record->train_loss, double, 0),
                g_array_index (record->train_loss, double, record->train_loss->len - 1));
    }
  else
    printf ("Model:    none\n");

  if (s->map != NULL)
    printf ("Map:      %s of %u images (latent %u values)\n", lab_embed_method_title (s->map->method),
            s->map->n, s->map->dim);
  if (s->gallery != NULL)
    printf ("Gallery:  %u images\n", lab_gallery_get_n (s->gallery));
  for (guint i = 0; i < s->classify->len; i++)
    {
      const LabClassifyResult *r = g_ptr_array_index (s->classify, i);

      printf ("Classify: %s on %s: %.2f%% of %u test images\n", lab_classifier_kind_title (r->kind),
              r->features_title, 100 * r->accuracy, r->n_test);
    }
  printf ("Pages:    %s\n", *page_list != '\0' ? page_list : "(none)");
}

static JsonNode *
to_json (const char           *path,
         const LabSessionFile *s,
         const DatasetState   *d)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_auto(GStrv) pages = lab_session_file_list_pages (s);

  json_builder_begin_object (b);
  lab_json_add_string (b, "file", path);
  json_builder_set_member_name (b, "page");
  if (s->page != NULL)
    json_builder_add_string_value (b, s->page);
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "dataset");
  if (s->dataset.spec != NULL)
    {
      json_builder_begin_object (b);
      lab_json_add_string (b, "spec", s->dataset.spec);
      lab_json_add_string (b, "name", s->dataset.name);
      lab_json_add_string (b, "split", split_name (s->dataset.split));
      lab_json_add_int (b, "images", s->dataset.n);
      lab_json_add_int (b, "height", s->dataset.height);
      lab_json_add_int (b, "width", s->dataset.width);
      lab_json_add_string (b, "sha256", s->dataset.sha256 != NULL ? s->dataset.sha256 : "");
      json_builder_set_member_name (b, "found");
      json_builder_add_boolean_value (b, d->found);
      if (!d->found)
        lab_json_add_string (b, "missing", d->why);
      if (d->checked)
        {
          json_builder_set_member_name (b, "same");
          json_builder_add_boolean_value (b, d->same);
        }
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "model");
  if (s->model != NULL)
    {
      json_builder_begin_object (b);
      lab_json_add_string (b, "name", lab_model_get_name (s->model));
      lab_json_add_int (b, "params", (gint64) lab_model_n_params (s->model));
      lab_json_add_int (b, "steps", (gint64) s->step);
      json_builder_set_member_name (b, "trained");
      json_builder_add_boolean_value (b, s->train_json != NULL);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "map");
  if (s->map != NULL)
    {
      json_builder_begin_object (b);
      lab_json_add_string (b, "method", lab_embed_method_name (s->map->method));
      lab_json_add_int (b, "points", s->map->n);
      lab_json_add_int (b, "latent_dim", s->map->dim);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);

  lab_json_add_int (b, "gallery", s->gallery != NULL ? lab_gallery_get_n (s->gallery) : 0);

  json_builder_set_member_name (b, "classify");
  json_builder_begin_array (b);
  for (guint i = 0; i < s->classify->len; i++)
    {
      const LabClassifyResult *r = g_ptr_array_index (s->classify, i);

      json_builder_begin_object (b);
      lab_json_add_string (b, "classifier", lab_classifier_kind_name (r->kind));
      lab_json_add_string (b, "features", r->features_title);
      lab_json_add_number (b, "accuracy", r->accuracy);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "pages");
  json_builder_begin_array (b);
  for (guint i = 0; pages[i] != NULL; i++)
    json_builder_add_string_value (b, pages[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static int
session_info (int    argc,
              char **argv)
{
  gboolean json = FALSE, check = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check,
      "Load the dataset and compare its content hash with the session's", NULL },
    { NULL },
  };
  g_autoptr(LabSessionFile) s = NULL;
  g_autoptr(GError) error = NULL;
  DatasetState d;
  int status = 0;

  if (!lab_cli_parse ("session info", "FILE",
                      "Describe a session saved by the app: its dataset (and whether this "
                      "computer has it), model, latent map, gallery, classifier runs and pages.",
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    {
      error = g_error_new_literal (LAB_ERROR, LAB_ERROR_INVALID, "expected one session FILE");
      return lab_cli_fail ("session info", error);
    }
  s = lab_session_file_load (argv[1], &error);
  if (s == NULL)
    return lab_cli_fail ("session info", error);

  check_dataset (s, check, &d);
  if (json)
    {
      g_autoptr(JsonNode) root = to_json (argv[1], s, &d);
      lab_cli_print_json (root);
    }
  else
    print_text (argv[1], s, &d);
  /* With --check, a dataset that is not the session's is a failure. */
  status = check && s->dataset.spec != NULL && (!d.found || !d.same) ? 2 : 0;
  dataset_state_clear (&d);
  return status;
}

int
lab_cli_session (int    argc,
                 char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "info") == 0)
    return session_info (argc - 1, argv + 1);
  g_printerr ("Usage: latentlab-cli session info FILE [--check] [--json]\n");
  return argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0) ? 0 : 1;
}
