#define G_LOG_DOMAIN "latentlab"

#include <glib/gstdio.h>

#include "lab-test-util.h"

static LabApplication *test_app;

LabApplication *
lab_test_init (int    *argc,
               char ***argv)
{
  g_assert_null (test_app);
  /* Before GTK reads the locale: numbers are checked as C groups them. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  gtk_test_init (argc, argv, NULL);

  test_app = lab_application_new ();
  g_application_register (G_APPLICATION (test_app), NULL, NULL);
  return test_app;
}

int
lab_test_run (void)
{
  int status = g_test_run ();

  g_clear_object (&test_app);
  return status;
}

void
lab_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          lab_test_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
lab_test_spin_until (gboolean (*done) (gpointer),
                     gpointer   data,
                     double     timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  guint tick = g_timeout_add (5, wake_up, NULL);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out after %.0f s waiting for the main loop", timeout_s);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static gboolean
time_is_up (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

void
lab_test_spin_for (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  lab_test_spin_until (time_is_up, &end, seconds + 10);
}

typedef struct
{
  GtkWidget *widget;
  guint      n_paints;
} Painting;

/* The widget paintable shows the last frame's render node, which a queued
 * draw discards: ask for a few frames, then stop asking. */
static void
count_paints (GdkFrameClock *clock,
              Painting      *painting)
{
  if (++painting->n_paints < 3)
    gtk_widget_queue_draw (painting->widget);
}

static gboolean
painted_enough (gpointer data)
{
  return ((Painting *) data)->n_paints >= 3;
}

char *
lab_test_screenshot (GtkWidget  *window,
                     const char *name,
                     guint      *n_colors,
                     double     *variance)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  g_autoptr(GHashTable) colors = NULL;
  GdkFrameClock *clock;
  Painting painting = { window, 0 };
  gulong handler;
  int width, height;
  double sum = 0, sum2 = 0, mean;
  char *path;

  clock = gtk_widget_get_frame_clock (window);
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_paints), &painting);
  gtk_widget_queue_draw (window);
  lab_test_spin_until (painted_enough, &painting, 30);
  g_signal_handler_disconnect (clock, handler);

  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                           name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);

  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, (gsize) width * 4);
  colors = g_hash_table_new (NULL, NULL);
  for (gsize i = 0; i < (gsize) width * height; i++)
    {
      guint32 argb = ((guint32 *) pixels)[i];
      double luma = 0.299 * ((argb >> 16) & 0xff) + 0.587 * ((argb >> 8) & 0xff) + 0.114 * (argb & 0xff);

      g_hash_table_add (colors, GUINT_TO_POINTER (argb));
      sum += luma;
      sum2 += luma * luma;
    }
  mean = sum / ((double) width * height);
  if (n_colors != NULL)
    *n_colors = g_hash_table_size (colors);
  if (variance != NULL)
    *variance = sum2 / ((double) width * height) - mean * mean;
  return path;
}

void
lab_test_assert_screenshot (GtkWidget  *window,
                            const char *name,
                            guint       min_colors,
                            double      min_variance)
{
  g_autofree char *path = NULL;
  guint n_colors;
  double variance;

  path = lab_test_screenshot (window, name, &n_colors, &variance);
  g_test_message ("%s: %u colours, luma variance %.0f", path, n_colors, variance);
  g_assert_cmpuint (n_colors, >, min_colors);
  g_assert_cmpfloat (variance, >, min_variance);
}
