#define G_LOG_DOMAIN "latentlab-fuzz"

/* The fuzz suite in a normal build: feeds every file under the folders given
 * (a harness's seed corpus and its kept crash inputs) through the harness
 * it is linked with. A folder that does not exist is skipped; no input at
 * all is a failure, so a lost corpus cannot pass. */

#include "lab-fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static guint
replay_path (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  guint n = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        g_error ("%s", error->message);
      while ((name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.' && !g_str_has_suffix (name, ".md"))
          g_ptr_array_add (names, g_build_filename (path, name, NULL));
      /* Sorted, so a failure names the same file on every machine. */
      g_ptr_array_sort (names, compare_paths);
      for (guint i = 0; i < names->len; i++)
        n += replay_path (names->pdata[i]);
      return n;
    }
  if (!g_file_get_contents (path, &data, &len, &error))
    g_error ("%s", error->message);
  if (g_getenv ("LAB_FUZZ_VERBOSE") != NULL)
    printf ("%s (%zu bytes)\n", path, (size_t) len);
  /* A copy of its own, exactly len bytes long, so ASan catches a harness
   * or loader reading past the input. */
  {
    guint8 *copy = g_malloc (len > 0 ? len : 1);

    memcpy (copy, data, len);

    LLVMFuzzerTestOneInput (copy, len);
    g_free (copy);
  }
  return 1;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *name = g_path_get_basename (argv[0]);
  guint n = 0;

  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    if (g_file_test (argv[i], G_FILE_TEST_EXISTS))
      n += replay_path (argv[i]);
  printf ("%s: replayed %u inputs\n", name, n);
  if (n == 0)
    {
      fprintf (stderr, "no inputs found in the folders given\n");
      return 1;
    }
  return 0;
}
