#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "lab-dataset-open.h"
#include "lab-embedding.h"
#include "lab-png.h"
#include "lab-scatter-plot.h"

#define BAR_WIDTH 30
#define REDRAW_INTERVAL (G_USEC_PER_SEC / 10)

typedef struct
{
  gboolean      tty;
  gboolean      umap;
  gint64        last_draw;
  GCancellable *interrupted;  /* by Ctrl+C: t-SNE or UMAP stops with the positions reached */
} Progress;

static gboolean
on_progress (const LabEmbedProgress *p,
             gpointer                data)
{
  Progress *pr = data;
  gint64 now = g_get_monotonic_time ();
  guint filled = (guint) (BAR_WIDTH * CLAMP (p->fraction, 0, 1));
  GString *line;

  if (!pr->tty || now - pr->last_draw < REDRAW_INTERVAL)
    return !g_cancellable_is_cancelled (pr->interrupted);
  pr->last_draw = now;
  line = g_string_new ("\r\033[K");
  for (guint i = 0; i < BAR_WIDTH; i++)
    g_string_append (line, i < filled ? "#" : "-");
  switch (p->stage)
    {
    case LAB_EMBED_STAGE_ENCODING:
      g_string_append (line, "  encoding");
      break;
    case LAB_EMBED_STAGE_REDUCING:
      g_string_append (line, "  fitting the PCA");
      break;
    case LAB_EMBED_STAGE_OPTIMISING:
      g_string_append_printf (line, pr->umap ? "  UMAP epoch %u/%u" : "  t-SNE iteration %u/%u",
                              p->iteration, p->n_iter);
      if (isfinite (p->kl))
        g_string_append_printf (line, "  KL %.3f", p->kl);
      break;
    default:
      break;
    }
  fputs (line->str, stderr);
  fflush (stderr);
  g_string_free (line, TRUE);
  /* Ctrl+C stops t-SNE early with the positions reached. */
  return !g_cancellable_is_cancelled (pr->interrupted);
}

int
lab_cli_embed (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *dataset = NULL, *method_name = NULL, *split = NULL;
  g_autofree char *out = NULL, *plot_path = NULL, *manifold_path = NULL;
  gint64 n = LAB_EMBED_DEFAULT_N, seed = 1, iterations = 1000, neighbors = 15;
  double perplexity = 30, min_dist = 0.1;
  const GOptionEntry entries[] = {
    LAB_CLI_OPTION_MODEL (&model_path),
    LAB_CLI_OPTION_DATASET (&dataset, "NAME"),
    LAB_CLI_OPTION_IMAGES (&split),
    { "method", 0, 0, G_OPTION_ARG_STRING, &method_name,
      "pca (default), tsne, umap, or latent (a 2-D latent as it is)", "METHOD" },
    { "n", 'n', 0, G_OPTION_ARG_INT64, &n, "Images to embed (default 2000; up to all of the split, e.g. 70000 for "
      "--split all)", "N" },
    { "perplexity", 0, 0, G_OPTION_ARG_DOUBLE, &perplexity, "t-SNE perplexity (default 30)", "P" },
    { "iterations", 0, 0, G_OPTION_ARG_INT64, &iterations, "t-SNE iterations (default 1000)", "N" },
    { "neighbors", 0, 0, G_OPTION_ARG_INT64, &neighbors, "UMAP n_neighbors (default 15)", "K" },
    { "min-dist", 0, 0, G_OPTION_ARG_DOUBLE, &min_dist, "UMAP min_dist (default 0.1)", "D" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Which images, and t-SNE's start (default 1)", "S" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "CSV of x, y, label, index", "CSV" },
    { "plot", 'p', 0, G_OPTION_ARG_FILENAME, &plot_path, "Also draw the scatter plot", "PNG" },
    { "manifold", 0, 0, G_OPTION_ARG_FILENAME, &manifold_path,
      "Also decode a 15×15 grid of the plane (pca, latent)", "PNG" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabDataset) ds = NULL;
  g_autoptr(LabEmbedding) emb = NULL;
  LabEmbedConfig config;
  g_autoptr(LabCliInterrupt) interrupt = NULL;
  Progress pr = { FALSE, FALSE, 0, NULL };
  int status = 0;

  if (!lab_cli_parse ("embed", NULL,
                      "Encode images with a saved autoencoder and map their latents to 2-D "
                      "(PCA, t-SNE or the raw 2-D latent): a CSV of points, and a scatter "
                      "plot coloured by class.",
                      entries, &argc, &argv, &status))
    return status;
  if (model_path == NULL || out == NULL)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID, "give --model FILE and --out points.csv");
      return lab_cli_fail ("embed", error);
    }
  lab_embed_config_init (&config);
  if (method_name != NULL && !lab_embed_method_parse (method_name, &config.method, &error))
    return lab_cli_fail ("embed", error);
  if (n < 1 || n > LAB_EMBED_MAX_N)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "--n takes 1 to %u images, not %" G_GINT64_FORMAT, LAB_EMBED_MAX_N, n);
      return lab_cli_fail ("embed", error);
    }
  if (iterations < 1 || iterations > 100000)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "--iterations takes 1 to 100000, not %" G_GINT64_FORMAT, iterations);
      return lab_cli_fail ("embed", error);
    }
  config.n = (guint) n;
  config.seed = (guint64) seed;
  config.perplexity = perplexity;
  config.tsne_iter = (guint) iterations;
  if (neighbors < 2 || neighbors > 256)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "--neighbors takes 2 to 256, not %" G_GINT64_FORMAT, neighbors);
      return lab_cli_fail ("embed", error);
    }
  if (!(min_dist >= 0 && min_dist <= 1))
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "--min-dist takes 0 to 1, not %g", min_dist);
      return lab_cli_fail ("embed", error);
    }
  config.umap_neighbors = (guint) neighbors;
  config.umap_min_dist = min_dist;
  pr.umap = config.method == LAB_EMBED_UMAP;

  if (!lab_cli_open_model_data (model_path, dataset, split, TRUE, &model, NULL, &ds, &error))
    return lab_cli_fail ("embed", error);

  pr.tty = isatty (STDERR_FILENO);
  interrupt = lab_cli_interrupt_begin ();
  pr.interrupted = lab_cli_interrupt_get_cancellable (interrupt);
  emb = lab_embedding_compute (model, ds, &config, on_progress, &pr, NULL, &error);
  g_clear_pointer (&interrupt, lab_cli_interrupt_end);
  if (pr.tty)
    fputs ("\r\033[K", stderr);
  if (emb == NULL)
    return lab_cli_fail ("embed", error);

  if (!lab_embedding_save_csv (emb, out, &error))
    return lab_cli_fail ("embed", error);
  {
    g_autofree char *input = lab_embedding_describe_input (emb);

    printf ("%s: %u images of %s through %s (%s)\n",
            lab_embed_method_name (emb->method), emb->n, ds->name, lab_model_get_name (model), input);
  }
  if (emb->method == LAB_EMBED_PCA)
    printf ("explained variance: PC 1 %.1f%%, PC 2 %.1f%%\n",
            100 * emb->pca->explained_variance_ratio[0], 100 * emb->pca->explained_variance_ratio[1]);
  if (emb->method == LAB_EMBED_TSNE)
    printf ("KL divergence %.4f%s\n", emb->kl, emb->stopped ? " (stopped early)" : "");
  printf ("wrote %s\n", out);

  if (plot_path != NULL)
    {
      g_autoptr(LabScatterPlot) plot = lab_scatter_plot_new ();
      g_autofree char *x_title = lab_embedding_axis_title (emb, 0);
      g_autofree char *y_title = lab_embedding_axis_title (emb, 1);
      g_autofree char *input = lab_embedding_describe_input (emb);
      g_autofree char *title = g_strdup_printf ("%s on %s: %s of %u images (%s)", emb->model_name,
                                                emb->dataset_name,
                                                emb->method == LAB_EMBED_LATENT ? "latent space"
                                                : lab_embed_method_title (emb->method),
                                                emb->n, input);

      lab_scatter_plot_set_title (plot, title);
      lab_scatter_plot_set_labels (plot, x_title, y_title);
      if (emb->labels != NULL)
        lab_scatter_plot_set_classes (plot, (const char * const *) emb->class_names, emb->n_classes);
      lab_scatter_plot_set_size (plot, 1200, 900);
      lab_scatter_plot_set_points (plot, emb->points, emb->labels, emb->n, FALSE);
      if (!lab_scatter_plot_save_png (plot, plot_path, 1200, 900, &error))
        return lab_cli_fail ("embed", error);
      printf ("wrote %s\n", plot_path);
    }

  if (manifold_path != NULL)
    {
      const guint g = LAB_EMBED_MANIFOLD_GRID;
      g_autofree guint8 *mosaic = g_new (guint8, (gsize) g * emb->height * g * emb->width);
      double x0, x1, y0, y1;

      lab_embedding_manifold_range (emb, model, &x0, &x1, &y0, &y1);
      if (!lab_embedding_manifold (emb, model, g, x0, x1, y0, y1, mosaic, &error)
          || !lab_png_save_gray (manifold_path, mosaic, g * emb->width, g * emb->height, &error))
        return lab_cli_fail ("embed", error);
      printf ("manifold: x %.3g to %.3g, y %.3g to %.3g\nwrote %s\n", x0, x1, y0, y1, manifold_path);
    }
  return 0;
}
