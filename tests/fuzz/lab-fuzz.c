#define G_LOG_DOMAIN "latentlab-fuzz"

#include "lab-fuzz.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

static char *fuzz_dir;

static void
remove_tree (const char *path,
             gboolean    keep_top)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child, FALSE);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  if (!keep_top)
    g_rmdir (path);
}

static void
remove_fuzz_dir (void)
{
  if (fuzz_dir != NULL)
    remove_tree (fuzz_dir, FALSE);
  g_clear_pointer (&fuzz_dir, g_free);
}

/* GLib stops a fatal message with SIGTRAP, which libFuzzer does not catch;
 * abort() makes it keep the input as a crash. */
static GLogWriterOutput
abort_on_fatal (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  GLogWriterOutput out = g_log_writer_standard_streams (log_level, fields, n_fields, user_data);

  if (log_level & (G_LOG_FLAG_FATAL | G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return out;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A critical or warning on any input is a bug the loader should have
   * turned into a GError. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_writer_func (abort_on_fatal, NULL, NULL);
  /* Nothing a harness does needs a display or the user's datasets. */
  g_setenv ("LATENTLAB_DATA_DIR", "/nonexistent", TRUE);
  return 0;
}

const char *
lab_fuzz_dir (void)
{
  if (fuzz_dir == NULL)
    {
      g_autoptr(GError) error = NULL;

      fuzz_dir = g_dir_make_tmp ("latentlab-fuzz-XXXXXX", &error);
      if (fuzz_dir == NULL)
        g_error ("cannot make a temporary folder: %s", error->message);
      atexit (remove_fuzz_dir);
    }
  return fuzz_dir;
}

char *
lab_fuzz_write (const char   *name,
                const guint8 *data,
                gsize         len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (lab_fuzz_dir (), name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  if (g_mkdir_with_parents (parent, 0700) != 0)
    g_error ("cannot make %s: %s", parent, g_strerror (errno));
  if (!g_file_set_contents (path, (const char *) data, (gssize) len, &error))
    g_error ("cannot write %s: %s", path, error->message);
  return path;
}

void
lab_fuzz_clear (void)
{
  remove_tree (lab_fuzz_dir (), TRUE);
}

guint8 *
lab_fuzz_gzip (const guint8 *data,
               gsize         len,
               gsize        *out_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (zlib));

  if (!g_output_stream_write_all (out, data, len, NULL, NULL, &error)
      || !g_output_stream_close (out, NULL, &error))
    g_error ("gzip failed: %s", error->message);
  *out_len = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (memory));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (memory));
}

void
lab_fuzz_check_result (gboolean      ok,
                       const GError *error,
                       const char   *what,
                       gboolean      utf8)
{
  if (ok && error != NULL)
    g_error ("%s succeeded but set an error: %s", what, error->message);
  if (!ok && (error == NULL || error->message == NULL || error->message[0] == '\0'))
    g_error ("%s failed without saying why", what);
  if (!ok && utf8 && !g_utf8_validate (error->message, -1, NULL))
    g_error ("%s: the error message is not UTF-8", what);
}

guint64
lab_fuzz_touch (const guint8 *data,
                gsize         len)
{
  guint64 sum = 0;

  for (gsize i = 0; i < len; i++)
    sum += data[i];
  return sum;
}
