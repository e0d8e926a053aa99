/* Saving never destroys what was there: every writer of the core goes
 * through lab_save (a temporary file beside the target, renamed when
 * complete). Under a file-size limit each save fails with a message naming
 * the file, the previous file stays as it was and no temporary file is
 * left; a process killed while saving leaves the previous file whole, and
 * the next save of that file removes the temporary file it left once it
 * is stale. An IDX images file and its labels are replaced as a pair. */

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "lab-dataset.h"
#include "lab-gallery.h"
#include "lab-idx.h"
#include "lab-line-plot.h"
#include "lab-metrics.h"
#include "lab-model-io.h"
#include "lab-png.h"
#include "lab-report.h"
#include "lab-rng.h"
#include "lab-save.h"
#include "lab-save-folder.h"
#include "lab-session-file.h"
#include "lab-test-models.h"
#include "lab-test-system.h"

/* Writes past this many bytes fail with EFBIG in the limited child. */
#define FILE_SIZE_LIMIT 2048

static char *tmpdir;

static char *
fresh_dir (const char *name)
{
  char *dir = g_build_filename (tmpdir, name, NULL);

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  return dir;
}

static void
test_save_contents (void)
{
  g_autofree char *dir = fresh_dir ("contents");
  g_autofree char *path = g_build_filename (dir, "a.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "a.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autofree char *names = NULL;

  g_assert_true (lab_save_contents (path, "{\"a\": 1}\n", 9, &error));
  g_assert_no_error (error);
  back = lab_test_read_file (path);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), "{\"a\": 1}\n", 9);

  g_assert_false (lab_save_contents (missing, "x", 1, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "a.json: cannot save (No such file or directory)");
  g_clear_error (&error);

  /* A failure recorded by the caller (an encoder's) removes the file. */
  {
    LabSave *save = lab_save_begin (path, &error);

    g_assert_no_error (error);
    g_assert_true (lab_save_write (save, "partial", 7));
    lab_save_fail (save, g_strdup ("the encoder gave up"));
    g_assert_false (lab_save_write (save, "more", 4));
    g_assert_false (lab_save_commit (save, &error));
    g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
    g_assert_cmpstr (error->message, ==, "a.json: cannot save (the encoder gave up)");
    g_clear_error (&error);
  }
  /* Abandoned: the same. */
  {
    g_autoptr(LabSave) save = lab_save_begin (path, &error);

    g_assert_no_error (error);
    g_assert_true (lab_save_write (save, "partial", 7));
  }
  g_clear_pointer (&back, g_bytes_unref);
  back = lab_test_read_file (path);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), "{\"a\": 1}\n", 9);
  names = lab_test_list_dir (dir);
  g_assert_cmpstr (names, ==, "a.json");
}

/* Everything the limited child saves, each bigger than FILE_SIZE_LIMIT. */
typedef struct
{
  LabModel    *model;      /* cae-tiny: 17 KB */
  guint8      *noise;      /* 100 x 100 random pixels: a PNG of 10 KB */
  LabDataset  *images;     /* 40 random 28 x 28 images: 31 KB of IDX, about as much gzipped */
  LabGallery  *gallery;    /* 40 items with 16-value latents: 8 KB of CSV */
  LabLinePlot *plot;       /* an 800 x 500 chart */
} Savables;

static void
savables_init (Savables *s)
{
  g_autoptr(GError) error = NULL;
  LabRng rng;

  lab_rng_init (&rng, 5);
  s->model = lab_test_new_preset ("cae-tiny", 1);
  s->noise = g_malloc (100 * 100);
  for (guint i = 0; i < 100 * 100; i++)
    s->noise[i] = (guint8) (lab_rng_uniform (&rng) * 256);
  s->images = lab_dataset_new ("noise", 40, 28, 28, TRUE, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < (gsize) 40 * 28 * 28; i++)
    s->images->pixels[i] = (guint8) (lab_rng_uniform (&rng) * 256);
  for (guint i = 0; i < 40; i++)
    s->images->labels[i] = i % 10;
  s->gallery = lab_gallery_new (28, 28, NULL, 10);
  for (guint i = 0; i < 40; i++)
    {
      float image[28 * 28], latent[16];
      LabGallerySource source = { "cae-tiny", "pca", 0.5 * i, -0.25 * i, i };

      for (guint k = 0; k < 28 * 28; k++)
        image[k] = (float) lab_rng_uniform (&rng);
      for (guint k = 0; k < 16; k++)
        latent[k] = (float) lab_rng_uniform (&rng);
      lab_gallery_add (s->gallery, image, latent, 16, (int) (i % 10), &source);
    }
  s->plot = lab_line_plot_new ();
  lab_line_plot_set_title (s->plot, "Loss");
  {
    guint series = lab_line_plot_add_series (s->plot, "train", 0, LAB_LINE_STYLE_LINE);

    for (guint i = 0; i < 200; i++)
      lab_line_plot_append (s->plot, series, i, 1.0 / (1 + i) + 0.01 * lab_rng_uniform (&rng));
  }
}

static void
savables_clear (Savables *s)
{
  g_clear_pointer (&s->model, lab_model_free);
  g_clear_pointer (&s->noise, g_free);
  g_clear_pointer (&s->images, lab_dataset_unref);
  g_clear_pointer (&s->gallery, lab_gallery_free);
  g_clear_pointer (&s->plot, lab_line_plot_free);
}

/* Saves item `what` of s to path (in the limited child, and to make the
 * previous file). */
static gboolean
save_one (Savables    *s,
          const char  *what,
          const char  *path,
          GError     **error)
{
  if (strcmp (what, "model") == 0)
    return lab_model_save (s->model, path, NULL, error);
  if (strcmp (what, "png") == 0)
    return lab_png_save_gray (path, s->noise, 100, 100, error);
  if (strcmp (what, "idx") == 0 || strcmp (what, "idx.gz") == 0)
    return lab_idx_save (s->images, path, NULL, error);
  if (strcmp (what, "idx-pair") == 0)
    {
      /* The labels (48 bytes) fit under the limit; the images do not, and
       * neither file is replaced. */
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *labels = g_build_filename (dir, "p-labels-idx1-ubyte", NULL);

      return lab_idx_save (s->images, path, labels, error);
    }
  if (strcmp (what, "csv") == 0)
    return lab_gallery_save_csv (s->gallery, path, error);
  if (strcmp (what, "plot") == 0)
    return lab_line_plot_save_png (s->plot, path, 800, 500, error);
  if (strcmp (what, "session") == 0)
    {
      /* The model and the gallery, borrowed. */
      LabSessionFile *session = lab_session_file_new_borrowing ();
      gboolean ok;

      session->model = s->model;
      session->gallery = s->gallery;
      ok = lab_session_file_save (session, path, error);
      lab_session_file_free (session);
      return ok;
    }
  if (strcmp (what, "report") == 0)
    {
      g_autoptr(LabReport) report = lab_report_new ("Noise", "a lesson's report");

      lab_report_add_paragraph (report, "Forty images of random pixels.");
      return lab_report_write_pdf (report, path, NULL, error);
    }
  if (strcmp (what, "metrics") == 0)
    {
      /* 100 epochs of JSON lines, about 11 KB. */
      g_autoptr(LabMetricsWriter) writer = lab_metrics_writer_new (path, error);

      if (writer == NULL)
        return FALSE;
      for (guint epoch = 1; epoch <= 100; epoch++)
        {
          LabEpochRecord record = { epoch, 1.0 / epoch, 1.1 / epoch, 0.25, 4000.0 + epoch, 8 * epoch };

          if (!lab_metrics_writer_append (writer, &record, error))
            return FALSE;
        }
      return lab_metrics_writer_finish (g_steal_pointer (&writer), error);
    }
  g_assert_not_reached ();
}

static const struct
{
  const char *what;
  const char *file;
} writers[] = {
  { "model", "m.safetensors" },
  { "png", "image.png" },
  { "idx", "x-images-idx3-ubyte" },
  { "idx.gz", "x-images-idx3-ubyte.gz" },
  { "idx-pair", "p-images-idx3-ubyte" },
  { "csv", "gallery.csv" },
  { "plot", "loss.png" },
  { "metrics", "metrics.jsonl" },
  { "session", "lesson.latentlab" },
  { "report", "report.pdf" },
};

/* The child: a file-size limit, SIGXFSZ ignored as the app and the CLI
 * do, and every writer over a file that is there already. */
static void
fsize_child (const char *dir)
{
  struct rlimit limit = { FILE_SIZE_LIMIT, FILE_SIZE_LIMIT };
  Savables s = { 0 };

  savables_init (&s);
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      g_autofree char *path = g_build_filename (dir, writers[i].file, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *want = g_strdup_printf ("%s: cannot save (File too large)", writers[i].file);

      g_assert_false (save_one (&s, writers[i].what, path, &error));
      g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
      g_assert_cmpstr (error->message, ==, want);
      g_print ("%s\n", error->message);
    }
  savables_clear (&s);
}

static void
test_save_file_size_limit (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *names_before = NULL, *names_after = NULL, *pair_labels = NULL;
  g_autoptr(GBytes) labels_before = NULL, labels_after = NULL;

  if (g_test_subprocess ())
    {
      fsize_child (g_getenv ("LAB_TEST_SAVE_DIR"));
      return;
    }
  dir = fresh_dir ("fsize");

  /* The previous files: a first save of each, without a limit. */
  {
    Savables s = { 0 };

    savables_init (&s);
    for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
      {
        g_autofree char *path = g_build_filename (dir, writers[i].file, NULL);
        g_autoptr(GError) error = NULL;

        g_assert_true (save_one (&s, writers[i].what, path, &error));
        g_assert_no_error (error);
        g_ptr_array_add (before, lab_test_read_file (path));
        g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (before, i)), >, FILE_SIZE_LIMIT);
      }
    savables_clear (&s);
  }
  names_before = lab_test_list_dir (dir);
  pair_labels = g_build_filename (dir, "p-labels-idx1-ubyte", NULL);
  labels_before = lab_test_read_file (pair_labels);

  g_setenv ("LAB_TEST_SAVE_DIR", dir, TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      g_autofree char *pattern = g_strdup_printf ("*%s: cannot save (File too large)\n*",
                                                  writers[i].file);
      g_test_trap_assert_stdout (pattern);
    }

  /* The previous files as they were, and nothing else beside them. */
  names_after = lab_test_list_dir (dir);
  g_assert_cmpstr (names_after, ==, names_before);
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      g_autofree char *path = g_build_filename (dir, writers[i].file, NULL);
      g_autoptr(GBytes) after = lab_test_read_file (path);

      g_assert_true (g_bytes_equal (after, g_ptr_array_index (before, i)));
    }
  labels_after = lab_test_read_file (pair_labels);
  g_assert_true (g_bytes_equal (labels_after, labels_before));
}

/* This test program again, as the child mode (--save-forever,
 * --commit-forever, --save-begun, --folder-begun) on path, once it printed the line
 * ready. */
static GSubprocess *
start_child (const char *mode,
             const char *path,
             const char *ready)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GSubprocess *child;

  g_assert_nonnull (self);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, self, mode, path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, ready);
  return child;
}

/* Kills the child with SIGKILL and reaps it. */
static void
kill_child (GSubprocess *child)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_force_exit (child);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
}

/* path's modification time, seconds ago. */
static void
age_file (const char *path,
          guint       seconds)
{
  struct utimbuf times;

  times.actime = times.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC) - seconds;
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

/* Saves two different models over one file in turns until killed
 * (a child started by test_save_killed). */
static void
save_forever (const char *path)
{
  g_autoptr(LabModel) a = lab_test_new_preset ("stacked", 1);
  g_autoptr(LabModel) b = lab_test_new_preset ("stacked", 2);

  for (guint i = 0;; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (lab_model_save (i % 2 ? b : a, path, NULL, &error));
      /* The parent starts its clock when the first save is done. */
      if (i == 0)
        g_print ("saved\n");
    }
}

/* A process killed (SIGKILL) in the middle of saving a 4.6 MB model over
 * the previous one: the file still loads, whole, as one of the two models.
 * Temporary files of the killed saves may stay beside it. */
static void
test_save_killed (void)
{
  g_autofree char *dir = fresh_dir ("killed");
  g_autofree char *path = g_build_filename (dir, "m.safetensors", NULL);
  g_autoptr(LabModel) a = lab_test_new_preset ("stacked", 1);
  g_autoptr(LabModel) b = lab_test_new_preset ("stacked", 2);
  gsize n = lab_model_n_params (a);
  LabRng rng;
  guint n_a = 0, n_b = 0;

  lab_rng_init (&rng, 11);
  for (guint round = 0; round < 12; round++)
    {
      g_autoptr(GSubprocess) child = start_child ("--save-forever", path, "saved");
      g_autoptr(GError) error = NULL;
      g_autoptr(LabModel) back = NULL;

      /* Somewhere within a few saves (each takes some milliseconds). */
      g_usleep ((gulong) (lab_rng_uniform (&rng) * 40000));
      kill_child (child);

      back = lab_model_load (path, NULL, &error);
      g_assert_no_error (error);
      if (memcmp (lab_model_params (back), lab_model_params (a), n * sizeof (float)) == 0)
        n_a++;
      else
        {
          g_assert_cmpmem (lab_model_params (back), n * sizeof (float),
                           lab_model_params (b), n * sizeof (float));
          n_b++;
        }
    }
  g_test_message ("after 12 kills the file held model a %u times, b %u times", n_a, n_b);
  g_assert_cmpuint (n_a + n_b, ==, 12);
}

/* Puts a new folder holding one file, "n" (the round, in text), in
 * path's place in turns until killed (a child started by
 * test_save_folder_killed). The file is not synced: the folder's commit
 * is what is under test, and the faster a round, the likelier a kill
 * lands in it. */
static void
commit_forever (const char *path)
{
  for (guint i = 0;; i++)
    {
      g_autoptr(GError) error = NULL;
      LabSaveFolder *folder = lab_save_folder_begin (path, &error);
      g_autofree char *file = g_build_filename (lab_save_folder_get_dir (folder), "n", NULL);
      g_autofree char *text = g_strdup_printf ("%u", i);

      g_assert_no_error (error);
      g_assert_true (g_file_set_contents_full (file, text, -1, G_FILE_SET_CONTENTS_NONE, 0644, &error));
      g_assert_true (lab_save_folder_commit (folder, &error));
      if (i == 0)
        g_print ("committed\n");
    }
}

/* A process killed (SIGKILL) while it puts a finished folder (a lesson's
 * run, the gallery's PNG export) in place of the previous one: the folder
 * is always there, whole, and while the commits go on it is never
 * missing, not for a moment (before: between moving the previous folder
 * aside and renaming the new one in there was none, and a kill then left
 * none). What a killed commit leaves beside it is only under names of its
 * own. */
static void
test_save_folder_killed (void)
{
  g_autofree char *dir = fresh_dir ("folder-killed");
  g_autofree char *path = g_build_filename (dir, "run", NULL);
  g_autofree char *n_path = g_build_filename (path, "n", NULL);
  g_autofree char *names = NULL;
  g_auto(GStrv) leaves = NULL;
  guint n_looks = 0, n_missing = 0;
  LabRng rng;

  lab_rng_init (&rng, 5);
  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(GSubprocess) child = start_child ("--commit-forever", path, "committed");
      g_autofree char *text = NULL, *inside = NULL;
      gint64 until;

      /* Somewhere within some hundred commits; until then the folder is
       * looked for as fast as it can be, as a kill could come at any of
       * those moments. */
      until = g_get_monotonic_time () + (gint64) (lab_rng_uniform (&rng) * 20000);
      while (g_get_monotonic_time () < until)
        {
          n_looks++;
          if (!g_file_test (path, G_FILE_TEST_IS_DIR))
            n_missing++;
        }
      kill_child (child);

      inside = lab_test_list_dir (path);
      g_assert_cmpstr (inside, ==, "n");
      g_assert_true (g_file_get_contents (n_path, &text, NULL, NULL));
      g_assert_cmpuint (strspn (text, "0123456789"), ==, strlen (text));
      g_assert_cmpuint (strlen (text), >, 0);
    }
  g_test_message ("the folder was missing at %u of %u looks", n_missing, n_looks);
  g_assert_cmpuint (n_missing, ==, 0);
  g_assert_cmpuint (n_looks, >, 0);
  names = lab_test_list_dir (dir);
  leaves = g_strsplit (names, " ", -1);
  g_test_message ("left in the folder after 20 kills: %s", names);
  for (guint i = 0; leaves[i] != NULL; i++)
    {
      g_autofree char *full = g_build_filename (dir, leaves[i], NULL);

      g_assert_true (strcmp (leaves[i], "run") == 0 || g_str_has_prefix (leaves[i], "run.partial-")
                     || g_str_has_prefix (leaves[i], "run.old-"));
      if (g_str_has_suffix (leaves[i], LAB_SAVE_FOLDER_LOCK))
        age_file (full, 2 * LAB_SAVE_STALE_SECONDS);
    }

  /* Once they are stale, the next commit removes what the kills left. */
  {
    g_autoptr(LabSaveFolder) folder = lab_save_folder_begin (path, NULL);
    g_autofree char *after = NULL;

    g_assert_true (lab_save_folder_commit (g_steal_pointer (&folder), NULL));
    after = lab_test_list_dir (dir);
    g_assert_null (strstr (after, "run.partial-"));
  }
}

/* The child of /save/folder-stale: begins a folder in path's place,
 * writes a file into it, says so and waits to be killed. */
static void
folder_begun (const char *path)
{
  g_autoptr(GError) error = NULL;
  LabSaveFolder *folder = lab_save_folder_begin (path, &error);

  g_assert_no_error (error);
  lab_test_write_file (lab_save_folder_get_dir (folder), "half", "half a run", -1);
  g_print ("begun\n");
  for (;;)
    g_usleep (G_USEC_PER_SEC);
}

/* Makes dir/name as a folder holding a file and, when lock_age >= 0, its
 * lock file that old (seconds). */
static void
fake_partial (const char *dir,
              const char *name,
              int         lock_age)
{
  g_autofree char *full = g_build_filename (dir, name, NULL);
  g_autofree char *lock = g_strconcat (full, LAB_SAVE_FOLDER_LOCK, NULL);

  g_assert_cmpint (g_mkdir (full, 0755), ==, 0);
  lab_test_write_file (full, "x", "x", -1);
  if (lock_age < 0)
    return;
  g_assert_true (g_file_set_contents (lock, "", 0, NULL));
  age_file (lock, (guint) lock_age);
}

/* What a lesson or an export killed while it wrote its folder leaves
 * (the folder and its lock file) goes with the next commit of any folder
 * beside it, once the lock is a minute old and only when no one holds it:
 * not while its writer lives, not a younger one, not a held one, not a
 * folder of the user's that merely looks alike (no lock file). */
static void
test_save_folder_stale (void)
{
  g_autofree char *dir = fresh_dir ("folder-stale");
  g_autofree char *path = g_build_filename (dir, "run", NULL);
  g_autofree char *other = g_build_filename (dir, "other", NULL);
  g_autofree char *names = NULL, *killed = NULL, *held_lock = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(LabSaveFolder) folder = NULL;
  int held;

  child = start_child ("--folder-begun", path, "begun");
  names = lab_test_list_dir (dir);
  g_assert_true (g_str_has_prefix (names, "run.partial-"));
  killed = g_strndup (names, strlen ("run.partial-XXXXXX"));
  {
    g_autofree char *want = g_strconcat (killed, " ", killed, LAB_SAVE_FOLDER_LOCK, NULL);

    g_assert_cmpstr (names, ==, want);
  }
  g_clear_pointer (&names, g_free);

  /* Its writer alive, the partial folder stays however old its lock. */
  {
    g_autofree char *lock = g_strconcat (dir, "/", killed, LAB_SAVE_FOLDER_LOCK, NULL);

    age_file (lock, 3600);
  }
  folder = lab_save_folder_begin (other, NULL);
  g_assert_true (lab_save_folder_commit (g_steal_pointer (&folder), NULL));
  names = lab_test_list_dir (dir);
  g_assert_true (strstr (names, killed) != NULL);
  g_clear_pointer (&names, g_free);
  kill_child (child);

  fake_partial (dir, "run.partial-Old1aZ", 2 * LAB_SAVE_STALE_SECONDS);   /* goes */
  fake_partial (dir, "run.partial-Young2", 0);                             /* too young */
  fake_partial (dir, "run.partial-User3b", -1);                            /* the user's */
  fake_partial (dir, "run.partial-Held4c", 2 * LAB_SAVE_STALE_SECONDS);   /* held */
  held_lock = g_build_filename (dir, "run.partial-Held4c" LAB_SAVE_FOLDER_LOCK, NULL);
  held = g_open (held_lock, O_RDONLY | O_CLOEXEC, 0);
  g_assert_cmpint (held, >=, 0);
  g_assert_cmpint (flock (held, LOCK_EX | LOCK_NB), ==, 0);

  /* The next commit, here of another folder: the killed one and the old
   * fake go, with their lock files. */
  folder = lab_save_folder_begin (path, NULL);
  lab_test_write_file (lab_save_folder_get_dir (folder), "n", "1", -1);
  g_assert_true (lab_save_folder_commit (g_steal_pointer (&folder), NULL));
  names = lab_test_list_dir (dir);
  g_assert_cmpstr (names, ==, "other run run.partial-Held4c run.partial-Held4c" LAB_SAVE_FOLDER_LOCK
                              " run.partial-User3b run.partial-Young2 run.partial-Young2"
                              LAB_SAVE_FOLDER_LOCK);
  g_clear_pointer (&names, g_free);
  names = lab_test_list_dir (path);
  g_assert_cmpstr (names, ==, "n");
  g_clear_pointer (&names, g_free);

  /* Let go, the held one is stale too. */
  close (held);
  g_assert_cmpuint (lab_save_folder_remove_stale (path), ==, 1);
  names = lab_test_list_dir (dir);
  g_assert_cmpstr (names, ==, "other run run.partial-User3b run.partial-Young2 run.partial-Young2"
                              LAB_SAVE_FOLDER_LOCK);
}

/* Pixels and labels of an IDX pair, as lab_idx_load reads them back. */
static void
assert_pair_is (const char       *images,
                const char       *labels,
                const LabDataset *want)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) back = lab_idx_load (images, labels, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (back->n, ==, want->n);
  g_assert_cmpmem (back->pixels, (gsize) back->n * 28 * 28, want->pixels, (gsize) want->n * 28 * 28);
  g_assert_cmpmem (back->labels, back->n, want->labels, want->n);
}

/* An IDX images file and its labels (the gallery's export as augmentation
 * data) are replaced together or not at all: a labels file that cannot be
 * made, or whose name is taken by a folder when it is renamed, leaves
 * the previous pair as it was (images past a file-size limit: above). */
static void
test_save_idx_pair (void)
{
  g_autofree char *dir = fresh_dir ("pair");
  g_autofree char *images = g_build_filename (dir, "x-images-idx3-ubyte", NULL);
  g_autofree char *labels = g_build_filename (dir, "x-labels-idx1-ubyte", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "x-labels-idx1-ubyte", NULL);
  g_autofree char *taken = g_build_filename (dir, "taken-labels-idx1-ubyte", NULL);
  g_autofree char *names = NULL, *names_after = NULL;
  g_autoptr(GError) error = NULL;
  Savables a = { 0 }, b = { 0 };

  savables_init (&a);
  savables_init (&b);
  /* b: other pixels and other labels, as many. */
  for (gsize i = 0; i < (gsize) 40 * 28 * 28; i++)
    b.images->pixels[i] ^= 0x5a;
  for (guint i = 0; i < 40; i++)
    b.images->labels[i] = 9 - i % 10;

  g_assert_true (lab_idx_save (a.images, images, labels, &error));
  g_assert_no_error (error);
  assert_pair_is (images, labels, a.images);
  names = lab_test_list_dir (dir);
  g_assert_cmpstr (names, ==, "x-images-idx3-ubyte x-labels-idx1-ubyte");

  g_assert_false (lab_idx_save (b.images, images, missing, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "x-labels-idx1-ubyte: cannot save (No such file or directory)");
  g_clear_error (&error);
  assert_pair_is (images, labels, a.images);

  /* The images are renamed first, then the labels' rename fails: the
   * previous images come back. */
  g_assert_cmpint (g_mkdir (taken, 0755), ==, 0);
  g_assert_false (lab_idx_save (b.images, images, taken, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "taken-labels-idx1-ubyte: cannot save (Is a directory)");
  g_clear_error (&error);
  assert_pair_is (images, labels, a.images);
  g_assert_cmpint (g_rmdir (taken), ==, 0);
  names_after = lab_test_list_dir (dir);
  g_assert_cmpstr (names_after, ==, names);

  /* A first pair that fails leaves nothing at all. */
  {
    g_autofree char *fresh = g_build_filename (dir, "y-images-idx3-ubyte", NULL);

    g_assert_cmpint (g_mkdir (taken, 0755), ==, 0);
    g_assert_false (lab_idx_save (b.images, fresh, taken, &error));
    g_clear_error (&error);
    g_assert_cmpint (g_rmdir (taken), ==, 0);
    g_clear_pointer (&names_after, g_free);
    names_after = lab_test_list_dir (dir);
    g_assert_cmpstr (names_after, ==, names);
  }

  /* Both replaced when both can be. */
  g_assert_true (lab_idx_save (b.images, images, labels, &error));
  g_assert_no_error (error);
  assert_pair_is (images, labels, b.images);
  g_clear_pointer (&names_after, g_free);
  names_after = lab_test_list_dir (dir);
  g_assert_cmpstr (names_after, ==, names);
  savables_clear (&a);
  savables_clear (&b);
}

/* The child of /save/stale: begins a save of path, writes a little, says
 * so and waits to be killed. */
static void
save_begun (const char *path)
{
  g_autoptr(GError) error = NULL;
  LabSave *save = lab_save_begin (path, &error);

  g_assert_no_error (error);
  g_assert_true (lab_save_write (save, "half a file", 11));
  g_print ("begun\n");
  for (;;)
    g_usleep (G_USEC_PER_SEC);
}

/* The temporary files of m.json in dir, sorted. */
static char *
temporaries (const char *dir)
{
  g_autofree char *all = lab_test_list_dir (dir);
  g_auto(GStrv) names = g_strsplit (all, " ", -1);
  GString *s = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_has_prefix (names[i], "m.json.") && g_str_has_suffix (names[i], ".part"))
      g_string_append_printf (s, "%s%s", s->len > 0 ? " " : "", names[i]);
  return g_string_free (s, FALSE);
}

/* What a save killed with SIGKILL leaves (m.json.XXXXXX.part) goes with
 * the next successful save of m.json once it is a minute old, and only
 * what no save is writing: not a younger one, not one a live process
 * holds, not another file's, not a file of the user's that merely looks
 * alike. */
static void
test_save_stale (void)
{
  g_autofree char *dir = fresh_dir ("stale");
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);
  g_autofree char *killed = NULL, *left = NULL, *names = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  const char *fakes[] = {
    "m.json.Old1aZ.part",       /* stale: goes */
    "m.json.Young2.part",       /* written a moment ago */
    "m.json.Held3b.part",       /* stale, but held (below) */
    "m.json.backup",            /* the user's */
    "m.json.Ab-12c.part",       /* not g_mkstemp's letters */
    "n.json.Old1aZ.part",       /* another file's */
  };
  int held;

  g_assert_true (lab_save_contents (path, "{}", 2, &error));
  g_assert_no_error (error);

  /* A child killed in the middle of a save of m.json. While it lives, its
   * temporary file is held, however old. */
  child = start_child ("--save-begun", path, "begun");
  killed = temporaries (dir);
  g_assert_true (g_str_has_prefix (killed, "m.json.") && strchr (killed, ' ') == NULL);
  {
    g_autofree char *full = g_build_filename (dir, killed, NULL);

    age_file (full, 3600);
    g_assert_true (lab_save_contents (path, "{\"a\": 1}", 8, &error));
    g_assert_no_error (error);
    left = temporaries (dir);
    g_assert_cmpstr (left, ==, killed);
    kill_child (child);
    g_assert_true (g_file_test (full, G_FILE_TEST_EXISTS));
  }

  for (guint i = 0; i < G_N_ELEMENTS (fakes); i++)
    {
      g_autofree char *full = g_build_filename (dir, fakes[i], NULL);

      lab_test_write_file (dir, fakes[i], "old", -1);
      if (strstr (fakes[i], "Young") == NULL)
        age_file (full, 2 * LAB_SAVE_STALE_SECONDS);
    }
  {
    g_autofree char *full = g_build_filename (dir, "m.json.Held3b.part", NULL);

    held = g_open (full, O_RDONLY | O_CLOEXEC, 0);
    g_assert_cmpint (held, >=, 0);
    g_assert_cmpint (flock (held, LOCK_EX | LOCK_NB), ==, 0);
  }

  /* The next save: the killed one's and the stale fake go. */
  g_assert_true (lab_save_contents (path, "{\"a\": 2}", 8, &error));
  g_assert_no_error (error);
  names = lab_test_list_dir (dir);
  g_assert_cmpstr (names, ==, "m.json m.json.Ab-12c.part m.json.Held3b.part m.json.Young2.part "
                              "m.json.backup n.json.Old1aZ.part");

  /* Let go, the held one is stale too. */
  close (held);
  g_assert_cmpuint (lab_save_remove_stale (path), ==, 1);
  g_clear_pointer (&names, g_free);
  names = lab_test_list_dir (dir);
  g_assert_cmpstr (names, ==, "m.json m.json.Ab-12c.part m.json.Young2.part "
                              "m.json.backup n.json.Old1aZ.part");
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Every file under dir, as "sub/name" joined by spaces, sorted. */
static void
tree_add (GPtrArray  *names,
          const char *dir,
          const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *rel = prefix ? g_strconcat (prefix, "/", name, NULL) : g_strdup (name);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        tree_add (names, path, rel);
      else
        g_ptr_array_add (names, g_steal_pointer (&rel));
    }
}

static char *
tree_listing (const char *dir)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  tree_add (names, dir, NULL);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* The gallery exported as a folder of PNGs: written whole beside the
 * target and renamed into place, so an export over an earlier one either
 * replaces it whole or, failing (here the file-size limit stops
 * provenance.csv, after every PNG is written), leaves it as it was, with
 * nothing beside it; a folder that is not an export is not touched. */
static void
test_save_png_folder (void)
{
  g_autofree char *dir = NULL, *target = NULL, *mine = NULL;
  g_autofree char *tree_small = NULL, *tree_after = NULL, *tree_mine = NULL, *names = NULL;
  g_autoptr(GError) error = NULL;
  Savables s = { 0 };

  if (g_test_subprocess ())
    {
      struct rlimit limit = { FILE_SIZE_LIMIT, FILE_SIZE_LIMIT };

      target = g_build_filename (g_getenv ("LAB_TEST_SAVE_DIR"), "augmented", NULL);
      savables_init (&s);
      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      g_assert_false (lab_gallery_export_png_folder (s.gallery, target, &error));
      g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
      g_print ("%s\n", error->message);
      savables_clear (&s);
      return;
    }
  dir = fresh_dir ("png-folder");
  target = g_build_filename (dir, "augmented", NULL);
  savables_init (&s);

  /* 40 images, then 10 over them: the earlier 30 are gone. */
  g_assert_true (lab_gallery_export_png_folder (s.gallery, target, &error));
  g_assert_no_error (error);
  tree_after = tree_listing (target);
  g_assert_nonnull (strstr (tree_after, "9/sample-0040.png"));
  for (guint i = 0; i < 30; i++)
    g_assert_true (lab_gallery_remove (s.gallery, lab_gallery_get_item (s.gallery, 0)->id));
  g_assert_true (lab_gallery_export_png_folder (s.gallery, target, &error));
  g_assert_no_error (error);
  tree_small = tree_listing (target);
  g_assert_cmpstr (tree_small, ==, "0/sample-0001.png 1/sample-0002.png 2/sample-0003.png "
                                   "3/sample-0004.png 4/sample-0005.png 5/sample-0006.png "
                                   "6/sample-0007.png 7/sample-0008.png 8/sample-0009.png "
                                   "9/sample-0010.png provenance.csv");
  names = lab_test_list_dir (dir);
  g_assert_cmpstr (names, ==, "augmented");
  g_clear_pointer (&names, g_free);

  /* The 40 again under the limit: refused, the 10 stay, nothing beside. */
  g_setenv ("LAB_TEST_SAVE_DIR", dir, TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*provenance.csv: cannot save (File too large)*");
  g_clear_pointer (&tree_after, g_free);
  tree_after = tree_listing (target);
  g_assert_cmpstr (tree_after, ==, tree_small);
  names = lab_test_list_dir (dir);
  g_assert_cmpstr (names, ==, "augmented");
  g_clear_pointer (&names, g_free);

  /* A folder of the user's: refused, as it was. */
  mine = fresh_dir ("png-folder/mine");
  lab_test_write_file (mine, "notes.txt", "mine", -1);
  g_assert_false (lab_gallery_export_png_folder (s.gallery, mine, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "not an empty folder or an earlier export"));
  g_clear_error (&error);
  tree_mine = tree_listing (mine);
  g_assert_cmpstr (tree_mine, ==, "notes.txt");
  names = lab_test_list_dir (dir);
  g_assert_cmpstr (names, ==, "augmented mine");
  savables_clear (&s);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  /* The child of /save/killed: not a test run. */
  if (argc == 3 && strcmp (argv[1], "--save-forever") == 0)
    {
      save_forever (argv[2]);
      return 1;
    }
  if (argc == 3 && strcmp (argv[1], "--commit-forever") == 0)
    {
      commit_forever (argv[2]);
      return 1;
    }
  if (argc == 3 && strcmp (argv[1], "--save-begun") == 0)
    {
      save_begun (argv[2]);
      return 1;
    }
  if (argc == 3 && strcmp (argv[1], "--folder-begun") == 0)
    {
      folder_begun (argv[2]);
      return 1;
    }
  g_test_init (&argc, &argv, NULL);
  if (!g_test_subprocess ())
    {
      tmpdir = g_dir_make_tmp ("test-save-XXXXXX", &error);
      g_assert_no_error (error);
    }
  g_test_add_func ("/save/contents", test_save_contents);
  g_test_add_func ("/save/file-size-limit", test_save_file_size_limit);
  g_test_add_func ("/save/killed", test_save_killed);
  g_test_add_func ("/save/folder-killed", test_save_folder_killed);
  g_test_add_func ("/save/folder-stale", test_save_folder_stale);
  g_test_add_func ("/save/idx-pair", test_save_idx_pair);
  g_test_add_func ("/save/stale", test_save_stale);
  g_test_add_func ("/save/png-folder", test_save_png_folder);
  status = g_test_run ();
  if (tmpdir != NULL)
    lab_test_remove_tree (tmpdir);
  return status;
}
