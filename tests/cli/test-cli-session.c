/* `latentlab-cli session info` on sessions written with the core API: what
 * it holds, whether this computer has its dataset (--check compares the
 * content hash), and a clear error for a file that is not a session. The
 * binary is $LAB_CLI. */

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-session-file.h"
#include "lab-dataset-open.h"
#include "lab-test-cli.h"
#include "lab-test-models.h"

static char *
save_session (const char *dir,
              const char *name,
              const char *spec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSessionFile) s = lab_session_file_new ();
  g_autoptr(LabTrainer) trainer = lab_trainer_new ();
  /* The built-in digits as the app and the CLI open them. */
  g_autoptr(LabDataset) digits = lab_dataset_open ("synthetic", LAB_SPLIT_TEST, NULL, NULL, NULL, &error);
  char *path = g_build_filename (dir, name, NULL);
  LabEmbedConfig ec;

  g_assert_no_error (error);
  lab_session_file_set_dataset (s, digits, spec, LAB_SPLIT_TEST);
  s->model = lab_test_train_denoiser (digits, 8, trainer, NULL);
  s->step = 8;
  s->page = g_strdup ("latent");
  lab_embed_config_init (&ec);
  ec.n = 50;
  s->map = lab_embedding_compute (s->model, digits, &ec, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  json_object_set_double_member (lab_session_file_get_page_state (s, "denoise"), "level", 0.5);
  g_assert_true (lab_session_file_save (s, path, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_cli_session_info (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-cli-session-XXXXXX", &error);
  g_autofree char *path = save_session (dir, "demo.latentlab", "synthetic");
  g_autofree char *missing = save_session (dir, "away.latentlab", "/nowhere/digits");
  g_autofree char *out = NULL, *err = NULL, *json = NULL, *json_err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL, *out3 = NULL, *err3 = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *bad = g_build_filename (dir, "notes.latentlab", NULL);
  JsonObject *root, *dataset;
  int status;

  g_assert_no_error (error);
  status = lab_test_run_cli (&out, &err, "session", "info", path, "--check", NULL);
  g_test_message ("%s%s", out, err);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Session:  demo.latentlab\nPage:     latent\n"));
  g_assert_nonnull (strstr (out, "Dataset:  Synthetic digits"));
  g_assert_nonnull (strstr (out, "(synthetic, test split): 1,000 images of 28×28\n"));
  g_assert_nonnull (strstr (out, "  found here, the same images\n"));
  g_assert_nonnull (strstr (out, "Model:    cae-tiny, "));
  g_assert_nonnull (strstr (out, " parameters, 8 steps\n"));
  g_assert_nonnull (strstr (out, "Map:      PCA of 50 images"));
  g_assert_nonnull (strstr (out, "Pages:    denoise\n"));

  status = lab_test_run_cli (&json, &json_err, "session", "info", missing, "--json", NULL);
  g_assert_cmpstr (json_err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  dataset = json_object_get_object_member (root, "dataset");
  g_assert_cmpstr (json_object_get_string_member (dataset, "spec"), ==, "/nowhere/digits");
  g_assert_false (json_object_get_boolean_member (dataset, "found"));
  g_assert_nonnull (strstr (json_object_get_string_member (dataset, "missing"), "/nowhere/digits"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "map"), "points"), ==, 50);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "model"), "name"),
                   ==, "cae-tiny");

  /* --check fails when the dataset is not here. */
  status = lab_test_run_cli (&out2, &err2, "session", "info", missing, "--check", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (out2, "  not on this computer: "));

  g_assert_true (g_file_set_contents (bad, "these are my notes, not a session", -1, &error));
  status = lab_test_run_cli (&out3, &err3, "session", "info", bad, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out3, ==, "");
  g_assert_true (g_str_has_prefix (err3, "latentlab-cli session info: notes.latentlab: "));

  g_unlink (path);
  g_unlink (missing);
  g_unlink (bad);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/session/info", test_cli_session_info);
  return g_test_run ();
}
