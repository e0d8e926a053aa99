/* `latentlab-cli inspect` on a PNG folder as a user brings it: every file
 * that is not loaded is listed with its reason, and the files that are not
 * images are counted, in the text and in --json. The binary is $LAB_CLI. */

#include <string.h>

#include <json-glib/json-glib.h>

#include "lab-png.h"
#include "lab-test-cli.h"
#include "lab-test-system.h"

static void
test_cli_inspect_skipped (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-cli-inspect-XXXXXX", &error);
  g_autofree char *out = NULL, *err = NULL, *json = NULL, *json_err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint8 px[28 * 28];
  JsonObject *root;
  JsonArray *skipped;
  int status;

  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("digit-%u.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      memset (px, 40 * (i + 1), sizeof px);
      g_assert_true (lab_png_save_gray (path, px, 28, 28, &error));
      g_assert_no_error (error);
    }
  lab_test_write_file (dir, "empty.png", "", 0);
  lab_test_write_file (dir, "fake.png", "this is not a png", -1);
  lab_test_write_file (dir, "notes.txt", "class notes", -1);
  lab_test_write_file (dir, "labels.csv", "digit-0.png,0\n", -1);

  status = lab_test_run_cli (&out, &err, "inspect", dir, NULL);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "Images:   3\n"));
  g_assert_nonnull (strstr (out, "Skipped:  2\n"
                                 "  empty.png: empty file\n"
                                 "  fake.png: not a PNG file (starts with \"this is…\")\n"
                                 "Other:    2 files, not images\n"));

  status = lab_test_run_cli (&json, &json_err, "inspect", dir, "--json", NULL);
  g_assert_cmpstr (json_err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "images"), ==, 3);
  skipped = json_object_get_array_member (root, "skipped");
  g_assert_cmpuint (json_array_get_length (skipped), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (skipped, 0), ==, "empty.png: empty file");
  g_assert_cmpstr (json_array_get_string_element (skipped, 1), ==,
                   "fake.png: not a PNG file (starts with \"this is…\")");
  g_assert_cmpint (json_object_get_int_member (root, "non_image_files"), ==, 2);

  lab_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/inspect/skipped", test_cli_inspect_skipped);
  return g_test_run ();
}
