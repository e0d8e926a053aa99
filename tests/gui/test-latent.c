/* The Latent page under Xvfb. LATENTLAB_DATA_DIR is an empty folder, so the
 * window shows the synthetic digits (6,000 training, 1,000 test images).
 * The model is trained here through the core for one short epoch and put
 * into the session, as the Train page does when a run ends. */

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-dataset-open.h"
#include "lab-dataset.h"
#include "lab-latent-page-private.h"
#include "lab-presets.h"
#include "lab-synthetic.h"
#include "lab-test-models.h"
#include "lab-test-util.h"
#include "lab-train-page-private.h"
#include "lab-trainer.h"
#include "lab-window-private.h"

static LabApplication *app;

typedef struct
{
  LabWindow     *window;
  LabSession    *session;
  LabLatentPage *page;
  /* The page's sections */
  LabLatentMap    *map;
  LabDecodePanel  *decode;
  LabMorphStrip   *strip;
  LabGalleryPanel *gallery_panel;
  char          *tmpdir;
  guint          draws_before;   /* the scatter's draws when an embedding ended */
} Fixture;

static gboolean
session_ready (gpointer data)
{
  return lab_session_is_ready (((Fixture *) data)->session);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->window = lab_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  f->session = lab_window_get_session (f->window);
  f->page = LAB_LATENT_PAGE (lab_window_get_page (f->window, "latent"));
  g_assert_nonnull (f->page);
  f->map = lab_latent_page_get_map (f->page);
  f->decode = lab_latent_page_get_decode_panel (f->page);
  f->strip = lab_latent_page_get_morph_strip (f->page);
  f->gallery_panel = lab_latent_page_get_gallery_panel (f->page);
  gtk_window_present (GTK_WINDOW (f->window));
  lab_test_spin_until (session_ready, f, 30);
  f->tmpdir = g_dir_make_tmp ("latentlab-latent-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  lab_test_remove_tree (f->tmpdir);
  g_free (f->tmpdir);
}

static gboolean
embedded (gpointer data)
{
  Fixture *f = data;

  return !lab_latent_page_is_embedding (f->page) && lab_latent_page_get_embedding (f->page) != NULL;
}

static gboolean
drawn_again (gpointer data)
{
  Fixture *f = data;

  return lab_scatter_view_get_n_draws (lab_latent_map_get_scatter (f->map)) > f->draws_before;
}

static const LabEmbedding *
embed (Fixture        *f,
       LabEmbedMethod  method,
       guint           n)
{
  const LabEmbedding *emb;

  lab_latent_page_embed (f->page, method, n);
  g_assert_true (lab_latent_page_is_embedding (f->page));
  lab_test_spin_until (embedded, f, 60);
  /* Clicks are computed from the map as it is laid out and drawn: wait for
   * the first frame drawn with the finished embedding. */
  f->draws_before = lab_scatter_view_get_n_draws (lab_latent_map_get_scatter (f->map));
  lab_test_spin_until (drawn_again, f, 30);
  emb = lab_latent_page_get_embedding (f->page);
  g_assert_cmpint (emb->method, ==, method);
  g_assert_cmpuint (emb->n, ==, n);
  return emb;
}

static gboolean
not_embedding (gpointer data)
{
  return !lab_latent_page_is_embedding (((Fixture *) data)->page);
}

static gboolean
not_searching (gpointer data)
{
  return !lab_gallery_panel_is_searching (((Fixture *) data)->gallery_panel);
}

static void
activate (Fixture    *f,
          const char *name,
          GVariant   *param)
{
  lab_test_activate (f->window, name, param);
}

/* Exports what widget shows through its figure.export-to action, as a
 * script would, and reads the file back. */
static void
export_figure (Fixture    *f,
               GtkWidget  *widget,
               const char *name,
               int         width,
               int         height)
{
  g_autofree char *path = g_build_filename (f->tmpdir, name, NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (gtk_widget_activate_action (widget, "figure.export-to", "(sii)", path, width, height));
  g_assert_false (lab_window_is_error_shown (f->window));
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 500);
  if (g_str_has_suffix (name, ".png"))
    {
      cairo_surface_t *s = cairo_image_surface_create_from_png (path);

      g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
      /* 0 × 0: the size the widget is shown at. */
      g_assert_cmpint (cairo_image_surface_get_width (s), ==, width ? width : gtk_widget_get_width (widget));
      g_assert_cmpint (cairo_image_surface_get_height (s), ==, height ? height : gtk_widget_get_height (widget));
      cairo_surface_destroy (s);
    }
  else if (g_str_has_suffix (name, ".svg"))
    g_assert_true (g_str_has_prefix (contents, "<?xml") || g_str_has_prefix (contents, "<svg"));
  else
    g_assert_true (g_str_has_prefix (contents, "%PDF"));
  g_test_message ("exported %s: %" G_GSIZE_FORMAT " bytes", name, len);
}

/* The decoded image the page shows, against the model's own decode of
 * latent; returns the shown image's sum of pixels. */
static guint64
assert_shows_decode (Fixture     *f,
                     LabModel    *model,
                     const float *latent,
                     guint        dim)
{
  g_autoptr(GError) error = NULL;
  float image[784];
  const guint8 *pixels;
  guint w, h;
  guint64 sum = 0;

  pixels = lab_image_view_get_pixels (lab_decode_panel_get_view (f->decode), &w, &h);
  g_assert_nonnull (pixels);
  g_assert_cmpuint (w, ==, 28);
  g_assert_cmpuint (h, ==, 28);
  g_assert_true (lab_embedding_decode (model, latent, 1, dim, image, &error));
  g_assert_no_error (error);
  for (guint p = 0; p < 784; p++)
    {
      g_assert_cmpint (abs ((int) pixels[p] - (int) lrintf (CLAMP (image[p], 0, 1) * 255)), <=, 1);
      sum += pixels[p];
    }
  return sum;
}

/* A row whose point is visible and not covered by another point nearer
 * than the hit radius, so a click there means that row. */
static guint
clickable_row (Fixture *f,
               guint    start,
               double  *x,
               double  *y)
{
  LabScatterView *scatter = lab_latent_map_get_scatter (f->map);
  LabScatterPlot *plot = lab_scatter_view_get_plot (scatter);

  for (guint r = start; r < lab_scatter_plot_get_n_points (plot); r++)
    if (lab_scatter_view_point_position (scatter, r, x, y)
        && lab_scatter_plot_hit (plot, *x, *y, LAB_SCATTER_VIEW_HIT_RADIUS) == (int) r)
      return r;
  g_assert_not_reached ();
  return 0;
}

static void
test_latent_empty (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(LabModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSpec) spec = NULL;
  lab_window_set_visible_page (f->window, "latent");
  lab_test_spin_for (0.2);
  g_assert_nonnull (lab_latent_map_get_empty_text (f->map));
  g_assert_nonnull (strstr (lab_latent_map_get_empty_text (f->map), "Train or open a model first"));
  g_assert_false (lab_test_action_enabled (f->window, "embed"));
  g_assert_false (lab_test_action_enabled (f->window, "keep-sample"));

  /* A classifier has no decoder. */
  lab_session_set_model (f->session, lab_test_new_preset ("cnn-baseline", 1), NULL, NULL, NULL);
  lab_test_spin_for (0.2);
  g_assert_nonnull (strstr (lab_latent_map_get_empty_text (f->map), "classifier"));
  g_assert_null (lab_latent_page_get_embedding (f->page));

  /* A model for other images than the dataset's. */
  spec = lab_spec_new_from_string ("{\"name\":\"faces-ae\",\"input\":[1,32,32],\"loss\":\"mse\","
                                   "\"encoder_layers\":2,\"layers\":[{\"type\":\"flatten\"},"
                                   "{\"type\":\"dense\",\"units\":8},{\"type\":\"dense\",\"units\":1024},"
                                   "{\"type\":\"reshape\",\"shape\":[1,32,32]}]}", -1, NULL, &error);
  g_assert_no_error (error);
  model = lab_model_new (spec, &error);
  g_assert_no_error (error);
  lab_session_set_model (f->session, g_steal_pointer (&model), NULL, NULL, NULL);
  lab_test_spin_for (0.2);
  g_test_message ("%s", lab_latent_map_get_empty_text (f->map));
  g_assert_nonnull (strstr (lab_latent_map_get_empty_text (f->map), "32×32"));

  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-latent-empty.png", 16, 50.0);
}

static void
test_latent_explore (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (f->tmpdir, "augmented", NULL);
  g_autofree char *idx = g_build_filename (f->tmpdir, "aug-images-idx3-ubyte", NULL);
  g_autoptr(LabDataset) from_folder = NULL;
  g_autoptr(LabDataset) from_idx = NULL;
  LabModel *model;
  LabScatterView *scatter = lab_latent_map_get_scatter (f->map);
  const LabEmbedding *emb;
  LabGallery *gallery;
  const LabGalleryItem *item;
  const guint *rows;
  float latent[128];
  double x, y, x2, y2;
  guint r, r2, n_rows;
  int label;

  model = lab_test_train_into_session (f->session, "cae-tiny");
  lab_window_set_visible_page (f->window, "latent");
  /* Showing the page embeds by itself (PCA for a 128-value latent). */
  lab_test_spin_until (embedded, f, 60);
  g_assert_cmpint (lab_latent_page_get_embedding (f->page)->method, ==, LAB_EMBED_PCA);

  emb = embed (f, LAB_EMBED_PCA, 1000);
  g_assert_cmpuint (emb->dim, ==, 128);
  g_assert_cmpuint (lab_scatter_plot_get_n_points (lab_scatter_view_get_plot (scatter)), ==, 1000);
  g_assert_null (lab_latent_map_get_empty_text (f->map));
  lab_test_spin_for (0.2);

  /* Hover: the card shows the image under the pointer. */
  r = clickable_row (f, 10, &x, &y);
  lab_scatter_view_hover_at (scatter, x, y);
  g_assert_cmpint (lab_scatter_view_get_hover (scatter), ==, (int) r);

  /* The legend hides a class, and its points can no longer be hovered;
   * a second click shows it again. */
  {
    LabScatterPlot *plot = lab_scatter_view_get_plot (scatter);
    guint8 c = emb->labels[r];
    double lx, ly, lw, lh;

    g_assert_true (lab_scatter_plot_get_legend_entry (plot, c, &lx, &ly, &lw, &lh));
    lab_scatter_view_click (scatter, lx + lw / 2, ly + lh / 2);
    g_assert_true (lab_scatter_plot_get_class_hidden (plot, c));
    lab_scatter_view_hover_at (scatter, x, y);
    g_assert_cmpint (lab_scatter_view_get_hover (scatter), !=, (int) r);
    lab_scatter_view_click (scatter, lx + lw / 2, ly + lh / 2);
    g_assert_false (lab_scatter_plot_get_class_hidden (plot, c));
  }

  /* Click a point: its place in the PCA plane decodes. */
  lab_scatter_view_click (lab_latent_map_get_scatter (f->map), x, y);
  lab_embedding_latent_at (emb, emb->points[2 * r], emb->points[2 * r + 1], latent, NULL, NULL, NULL);
  g_assert_cmpuint (assert_shows_decode (f, model, latent, 128), >, 0);
  label = lab_embedding_majority_label (emb, emb->points[2 * r], emb->points[2 * r + 1], emb->config.k);
  g_assert_cmpint (lab_decode_panel_get_label (f->decode), ==, label);
  g_assert_cmpint (label, >=, 0);

  /* Keep it: into the gallery with its label, latent and provenance; the
   * nearest training image is searched on a worker. */
  activate (f, "keep-sample", NULL);
  gallery = lab_gallery_panel_get_gallery (f->gallery_panel);
  g_assert_nonnull (gallery);
  g_assert_cmpuint (lab_gallery_get_n (gallery), ==, 1);
  lab_test_spin_until (not_searching, f, 30);
  item = lab_gallery_get_item (gallery, 0);
  g_assert_cmpint (item->label, ==, label);
  g_assert_cmpuint (item->latent_dim, ==, 128);
  g_assert_cmpmem (item->latent, sizeof latent, latent, sizeof latent);
  g_assert_cmpstr (item->method, ==, "pca");
  g_assert_cmpstr (item->model, ==, "cae-tiny");
  g_assert_true (item->has_nearest);
  g_assert_cmpuint (item->nearest_index, <, 6000);
  g_assert_true (isfinite (item->nearest_distance));
  {
    guint index;
    double distance;

    g_assert_true (lab_gallery_find_nearest (item->pixels, 28, 28, lab_session_get_train_dataset (f->session),
                                             &index, &distance, NULL, &error));
    g_assert_cmpuint (index, ==, item->nearest_index);
    g_assert_cmpfloat (distance, ==, item->nearest_distance);
  }

  /* Empty space decodes too: a location between two points. */
  r2 = clickable_row (f, r + 50, &x2, &y2);
  lab_scatter_view_click (lab_latent_map_get_scatter (f->map), (x + x2) / 2 + 0.5, (y + y2) / 2 + 0.5);
  g_assert_nonnull (lab_image_view_get_pixels (lab_decode_panel_get_view (f->decode), NULL, NULL));

  /* A morph from point r to point r2: 10 steps, the ends are their decodes.
   * The kept image's row can widen the side panel and so move the map:
   * the ends are found again once the window has laid itself out. */
  lab_test_spin_for (0.2);
  r = clickable_row (f, r, &x, &y);
  r2 = clickable_row (f, r + 50, &x2, &y2);
  lab_scatter_view_drag_morph (scatter, x, y, x2, y2);
  {
    const guint8 *first = lab_image_view_get_pixels (lab_morph_strip_get_view (f->strip, 0), NULL, NULL);
    const guint8 *last = lab_image_view_get_pixels (lab_morph_strip_get_view (f->strip, 9), NULL, NULL);
    float image[784];

    g_assert_nonnull (first);
    g_assert_nonnull (last);
    g_assert_true (lab_embedding_decode (model, emb->latents + (gsize) r * 128, 1, 128, image, &error));
    for (guint p = 0; p < 784; p++)
      g_assert_cmpint (abs ((int) first[p] - (int) lrintf (CLAMP (image[p], 0, 1) * 255)), <=, 1);
    g_assert_true (lab_embedding_decode (model, emb->latents + (gsize) r2 * 128, 1, 128, image, &error));
    for (guint p = 0; p < 784; p++)
      g_assert_cmpint (abs ((int) last[p] - (int) lrintf (CLAMP (image[p], 0, 1) * 255)), <=, 1);
  }

  /* t-SNE on 300 points: the points move while it runs, then a click on
   * a point decodes exactly that point's latent. */
  {
    gint64 start = g_get_monotonic_time ();

    emb = embed (f, LAB_EMBED_TSNE, 1000);
    g_test_message ("t-SNE of 1000 points drew %u frames in %.2f s", lab_latent_page_get_n_frames (f->page),
                    (g_get_monotonic_time () - start) / 1e6);
  }
  /* Positions arrived and were drawn before the end (how many depends on
   * the machine: under Xvfb a frame takes tens of milliseconds). */
  g_assert_cmpuint (lab_latent_page_get_n_frames (f->page), >=, 1);
  emb = embed (f, LAB_EMBED_TSNE, 300);
  r = clickable_row (f, 7, &x, &y);
  lab_scatter_view_click (lab_latent_map_get_scatter (f->map), x, y);
  n_rows = lab_decode_panel_get_neighbours (f->decode, &rows);
  g_assert_cmpuint (n_rows, ==, LAB_EMBED_DEFAULT_K);
  g_assert_cmpuint (rows[0], ==, r);
  assert_shows_decode (f, model, emb->latents + (gsize) r * 128, 128);
  activate (f, "keep-sample", NULL);
  g_assert_cmpuint (lab_gallery_get_n (gallery), ==, 2);
  g_assert_cmpstr (lab_gallery_get_item (gallery, 1)->method, ==, "tsne");
  lab_test_spin_until (not_searching, f, 30);

  /* Export both ways; both load again with their labels. */
  g_assert_true (lab_gallery_panel_export (f->gallery_panel, "png", folder, &error));
  g_assert_no_error (error);
  g_assert_true (lab_gallery_panel_export (f->gallery_panel, "idx", idx, &error));
  g_assert_no_error (error);
  from_folder = lab_dataset_open (folder, LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_folder->n, ==, 2);
  from_idx = lab_dataset_open (idx, LAB_SPLIT_TRAIN, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_idx->n, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      item = lab_gallery_get_item (gallery, i);
      g_assert_cmpuint (from_idx->labels[i], ==, (guint) item->label);
      g_assert_cmpmem (lab_dataset_image (from_idx, i), 784, item->pixels, 784);
    }

  /* A bad request reaches the banner and keeps the map: the raw latent
   * of a 128-value latent cannot be drawn. */
  g_assert_false (lab_window_is_error_shown (f->window));
  lab_latent_page_embed (f->page, LAB_EMBED_LATENT, 500);
  lab_test_spin_until (not_embedding, f, 30);
  g_assert_true (lab_window_is_error_shown (f->window));
  g_assert_nonnull (strstr (lab_window_get_error_text (f->window), "has 128"));
  g_assert_true (lab_latent_page_get_embedding (f->page) == emb);
  lab_window_dismiss_error (f->window);

  /* A t-SNE map with a few kept digits and a morph, for the picture. */
  emb = embed (f, LAB_EMBED_TSNE, 1000);
  r = clickable_row (f, 3, &x, &y);
  r2 = clickable_row (f, 400, &x2, &y2);
  lab_scatter_view_drag_morph (scatter, x, y, x2, y2);
  lab_scatter_view_click (lab_latent_map_get_scatter (f->map), x2, y2);
  activate (f, "keep-sample", NULL);
  lab_scatter_view_hover_at (scatter, x, y);
  lab_test_spin_until (not_searching, f, 30);
  lab_test_spin_for (0.5);
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-latent.png", 256, 500.0);

  /* Every figure of the window exports through the same action: the map,
   * the morph, the gallery here, the Train page's curves and strip. */
  {
    LabTrainPage *train = LAB_TRAIN_PAGE (lab_window_get_page (f->window, "train"));
    g_autofree char *csv_path = g_build_filename (f->tmpdir, "points.csv", NULL);
    g_autofree char *csv = NULL;
    g_auto(GStrv) lines = NULL;

    export_figure (f, GTK_WIDGET (scatter), "map.png", 1200, 900);
    export_figure (f, GTK_WIDGET (scatter), "map.svg", 0, 0);
    export_figure (f, GTK_WIDGET (f->strip), "morph.pdf", 900, 200);
    export_figure (f, GTK_WIDGET (f->strip), "morph.png", 900, 200);
    export_figure (f, GTK_WIDGET (f->gallery_panel), "gallery.png", 600, 400);
    export_figure (f, GTK_WIDGET (lab_train_page_get_loss_plot (train)), "loss.pdf", 800, 500);
    export_figure (f, GTK_WIDGET (lab_train_page_get_recon_grid (train)), "strip.png", 1000, 400);

    /* The points with their labels, as the CLI's embed --out writes them. */
    activate (f, "export-points-to", g_variant_new_string (csv_path));
    g_assert_false (lab_window_is_error_shown (f->window));
    g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
    lines = g_strsplit (csv, "\n", -1);
    g_assert_cmpstr (lines[0], ==, "x,y,label,index");
    g_assert_cmpuint (g_strv_length (lines), ==, 1000 + 2);
    {
      const LabEmbedding *shown = lab_latent_page_get_embedding (f->page);
      g_autofree char *first = g_strdup_printf (",%u,%u", shown->labels[0], shown->indices[0]);

      g_assert_true (g_str_has_suffix (lines[1], first));
    }

    /* A place that cannot be written: the banner says where. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scatter), "figure.export-to", "(sii)",
                                               "/nonexistent-dir/map.png", 0, 0));
    g_assert_true (lab_window_is_error_shown (f->window));
    g_assert_nonnull (strstr (lab_window_get_error_text (f->window), "map.png"));
    lab_window_dismiss_error (f->window);
  }
}

/* The raw 2-D latent of a VAE, its manifold, and the live model: new
 * weights are used when the page embeds again. */
static void
test_latent_live (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(LabModel) newer = NULL;
  g_autoptr(GError) error = NULL;
  LabModel *model;
  const LabEmbedding *emb;
  float latent[2];
  g_autofree float *expected = g_new (float, 2 * 200);

  model = lab_test_train_into_session (f->session, "vae-conv");
  lab_window_set_visible_page (f->window, "latent");
  lab_test_spin_until (embedded, f, 60);
  /* Clicks are computed from the map as it is laid out and drawn: wait for
   * the first frame drawn with the finished embedding. */
  f->draws_before = lab_scatter_view_get_n_draws (lab_latent_map_get_scatter (f->map));
  lab_test_spin_until (drawn_again, f, 30);
  emb = lab_latent_page_get_embedding (f->page);
  /* A 2-D latent is shown as it is. */
  g_assert_cmpint (emb->method, ==, LAB_EMBED_LATENT);

  emb = embed (f, LAB_EMBED_LATENT, 200);
  lab_scatter_view_click (lab_latent_map_get_scatter (f->map), 400, 300);
  g_assert_nonnull (lab_image_view_get_pixels (lab_decode_panel_get_view (f->decode), NULL, NULL));
  {
    LabScatterPlot *plot = lab_scatter_view_get_plot (lab_latent_map_get_scatter (f->map));
    double x, y;

    lab_scatter_plot_to_data (plot, 400, 300, &x, &y);
    latent[0] = x;
    latent[1] = y;
    assert_shows_decode (f, model, latent, 2);
  }

  activate (f, "latent-manifold", NULL);
  lab_test_spin_for (0.3);
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-latent-manifold.png", 64, 100.0);
  export_figure (f, GTK_WIDGET (lab_latent_map_get_manifold (f->map)), "manifold.png", 700, 700);
  export_figure (f, GTK_WIDGET (lab_latent_map_get_manifold (f->map)), "manifold.svg", 700, 700);
  activate (f, "latent-manifold", NULL);

  /* New weights arrive (as training publishes them): the map says so, and
   * Embed uses them. */
  newer = lab_model_copy (model, 0);
  lab_model_init (newer, LAB_INIT_TORCH, 99);
  lab_session_publish_from (f->session, newer, 1234);
  g_assert_nonnull (strstr (lab_latent_map_get_status (f->map), "Embed again"));
  emb = embed (f, LAB_EMBED_LATENT, 200);
  g_assert_true (lab_embedding_encode (newer, lab_session_get_test_dataset (f->session), emb->indices, 200,
                                       expected, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 400; i++)
    g_assert_cmpfloat_with_epsilon (emb->latents[i], expected[i], 1e-4 * MAX (1, fabs (expected[i])));
  g_assert_null (strstr (lab_latent_map_get_status (f->map), "Embed again"));

  /* The sample size stays within the test set (1,000 images here). */
  lab_latent_page_embed (f->page, LAB_EMBED_PCA, 5000);
  lab_test_spin_until (embedded, f, 60);
  g_assert_cmpuint (lab_latent_page_get_embedding (f->page)->n, ==, 1000);
  /* t-SNE of few points gets a perplexity below n / 3 by itself. */
  emb = embed (f, LAB_EMBED_TSNE, 100);
  g_assert_cmpfloat (emb->config.perplexity, <, 100 / 3.0);
}

/* Over every 40th of n points (dim values each), the share whose nearest
 * other point has their label. */
static double
nn_label_agreement (const float  *x,
                    guint         dim,
                    const guint8 *labels,
                    guint         n)
{
  guint same = 0, tried = 0;

  for (guint i = 0; i < n; i += 40, tried++)
    {
      double best = G_MAXDOUBLE;
      guint best_j = i;

      for (guint j = 0; j < n; j++)
        {
          double d = 0;

          for (guint c = 0; c < dim; c++)
            d += ((double) x[(gsize) i * dim + c] - x[(gsize) j * dim + c])
                 * ((double) x[(gsize) i * dim + c] - x[(gsize) j * dim + c]);
          if (j != i && d < best)
            {
              best = d;
              best_j = j;
            }
        }
      same += labels[best_j] == labels[i];
    }
  return (double) same / tried;
}

static gboolean
embedded_umap (gpointer data)
{
  Fixture *f = data;
  const LabEmbedding *emb = lab_latent_page_get_embedding (f->page);

  return !lab_latent_page_is_embedding (f->page) && emb != NULL && emb->method == LAB_EMBED_UMAP;
}

/* Clicks the map at (x, y) and checks that the map keeps its size and
 * place: the decode panel beside it, its row of neighbours now shown, did
 * not widen, so the point clicked stays under the pointer. */
static void
click_in_place (Fixture *f,
                double   x,
                double   y)
{
  LabScatterView *scatter = lab_latent_map_get_scatter (f->map);
  GtkWidget *view = GTK_WIDGET (scatter);
  graphene_point_t before, after;
  int width = gtk_widget_get_width (view);

  g_assert_true (gtk_widget_compute_point (view, GTK_WIDGET (f->window), &GRAPHENE_POINT_INIT (0, 0), &before));
  lab_scatter_view_click (scatter, x, y);
  lab_test_spin_for (0.3);
  g_assert_cmpint (gtk_widget_get_width (view), ==, width);
  g_assert_true (gtk_widget_compute_point (view, GTK_WIDGET (f->window), &GRAPHENE_POINT_INIT (0, 0), &after));
  g_assert_cmpfloat (after.x, ==, before.x);
  g_assert_cmpfloat (after.y, ==, before.y);
}

/* UMAP of 20,000 digits, as a class would map a whole dataset: it
 * finishes, keeps the classes apart, and hover and click work on it. */
static void
test_latent_umap_large (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) digits = lab_synthetic_digits_new (20000, 3, &error);
  LabScatterView *scatter = lab_latent_map_get_scatter (f->map);
  const LabEmbedding *emb;
  const guint *rows;
  gint64 start;
  guint r, n_rows;
  double x, y;

  g_assert_no_error (error);
  /* One set for training and the map: no other split to wait for. */
  g_assert_false (lab_session_set_dataset (f->session, digits, NULL, LAB_SPLIT_TRAIN, NULL));
  lab_test_train_into_session (f->session, "cae-tiny");
  lab_window_set_visible_page (f->window, "latent");
  lab_test_spin_until (embedded, f, 60);

  start = g_get_monotonic_time ();
  lab_latent_page_embed (f->page, LAB_EMBED_UMAP, 20000);
  g_assert_true (lab_latent_page_is_embedding (f->page));
  lab_test_spin_until (embedded_umap, f, 240);
  g_test_message ("UMAP of 20,000 points: %.1f s, %u frames drawn while it ran",
                  (g_get_monotonic_time () - start) / 1e6, lab_latent_page_get_n_frames (f->page));
  f->draws_before = lab_scatter_view_get_n_draws (scatter);
  lab_test_spin_until (drawn_again, f, 30);
  emb = lab_latent_page_get_embedding (f->page);
  g_assert_cmpuint (emb->n, ==, 20000);
  g_assert_cmpuint (lab_scatter_plot_get_n_points (lab_scatter_view_get_plot (scatter)), ==, 20000);
  /* cae-tiny's 128-value latent went through PCA to 50 first, and says so. */
  g_assert_nonnull (strstr (lab_latent_map_get_status (f->map), "PCA 50"));

  /* The map keeps the classes apart, over every 40th point: the share whose
   * nearest neighbour on the map has their digit is well above chance
   * (0.1), though below the latent space's own (0.98 for this barely
   * trained cae-tiny): UMAP keeps neighbourhoods of 15, and umap-learn 0.5.3
   * on the same PCA-50 latents of 1,000 such digits scores as ours does
   * (0.52 and 0.53). */
  {
    double on_map = nn_label_agreement (emb->points, 2, emb->labels, emb->n);
    double in_latent = nn_label_agreement (emb->latents, emb->dim, emb->labels, emb->n);

    g_test_message ("1-NN label agreement: map %.3f, latent %.3f", on_map, in_latent);
    g_assert_cmpfloat (in_latent, >, 0.9);
    g_assert_cmpfloat (on_map, >, 0.3);
  }

  /* Hover finds the point under the pointer among 20,000; a click decodes
   * from that point's neighbours, itself first. */
  lab_test_spin_for (0.3);
  r = clickable_row (f, 100, &x, &y);
  lab_scatter_view_hover_at (scatter, x, y);
  g_assert_cmpint (lab_scatter_view_get_hover (scatter), ==, (int) r);
  click_in_place (f, x, y);
  n_rows = lab_decode_panel_get_neighbours (f->decode, &rows);
  g_assert_cmpuint (n_rows, ==, LAB_EMBED_DEFAULT_K);
  g_assert_cmpuint (rows[0], ==, r);
  lab_test_assert_screenshot (GTK_WIDGET (f->window), "screenshot-latent-umap.png", 64, 200.0);
}

int
main (int argc, char **argv)
{
  app = lab_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/latent/empty", test_latent_empty);
  ADD ("/latent/explore", test_latent_explore);
  ADD ("/latent/live", test_latent_live);
  ADD ("/latent/umap-large", test_latent_umap_large);
#undef ADD

  return lab_test_run ();
}
