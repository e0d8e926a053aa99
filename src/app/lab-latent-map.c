#define G_LOG_DOMAIN "latentlab"

#include <glib/gi18n.h>

#include "lab-latent-map.h"

struct _LabLatentMap
{
  GtkWidget        parent_instance;

  /* Template widgets */
  GtkLabel        *status_label;
  GtkProgressBar  *progress_bar;
  GtkLabel        *hint_label;
  GtkStack        *view_stack;
  GtkLabel        *empty_label;
  GtkButton       *empty_button;
  LabScatterView  *scatter;
  LabManifoldView *manifold_view;

  /* Owned */
  char            *empty_text;
};

G_DEFINE_FINAL_TYPE (LabLatentMap, lab_latent_map, GTK_TYPE_WIDGET)

void
lab_latent_map_show_empty (LabLatentMap *self,
                           const char   *text,
                           gboolean      go_to_train)
{
  g_return_if_fail (LAB_IS_LATENT_MAP (self));

  g_free (self->empty_text);
  self->empty_text = g_strdup (text);
  gtk_label_set_label (self->empty_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_button), go_to_train);
  gtk_stack_set_visible_child_name (self->view_stack, "empty");
  gtk_label_set_label (self->hint_label, "");
}

const char *
lab_latent_map_get_empty_text (LabLatentMap *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_MAP (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "empty") != 0)
    return NULL;
  return self->empty_text;
}

static void
set_plot_classes (LabLatentMap *self,
                  LabDataset   *ds)
{
  LabScatterPlot *plot = lab_scatter_view_get_plot (self->scatter);

  if (ds != NULL && ds->labels != NULL)
    lab_scatter_plot_set_classes (plot, (const char * const *) ds->class_names, ds->n_classes);
  else
    lab_scatter_plot_set_classes (plot, NULL, 0);
}

/* The map's accessible name: "t-SNE map". */
static void
set_name (LabLatentMap   *self,
          LabEmbedMethod  method)
{
  /* Translators: the latent map for screen readers; %s is the method,
   * "t-SNE", "PCA" or "Raw latent". */
  g_autofree char *name = g_strdup_printf (_("%s map"), _(lab_embed_method_title (method)));

  lab_scatter_view_set_name (self->scatter, name);
}

void
lab_latent_map_show_points (LabLatentMap       *self,
                            const LabEmbedding *emb,
                            LabDataset         *images,
                            gboolean            keep_view)
{
  LabScatterPlot *plot;
  g_autofree char *x_title = NULL;
  g_autofree char *y_title = NULL;

  g_return_if_fail (LAB_IS_LATENT_MAP (self));

  plot = lab_scatter_view_get_plot (self->scatter);
  x_title = lab_embedding_axis_title (emb, 0);
  y_title = lab_embedding_axis_title (emb, 1);
  set_plot_classes (self, images);
  set_name (self, emb->method);
  lab_scatter_plot_set_labels (plot, x_title, y_title);
  lab_scatter_plot_set_points (plot, emb->points, emb->labels, emb->n, keep_view);
  lab_scatter_plot_set_marker (plot, FALSE, 0, 0);
  lab_scatter_plot_set_line (plot, FALSE, 0, 0, 0, 0);
  lab_scatter_plot_set_rings (plot, NULL, 0);
  lab_scatter_view_set_images (self->scatter, images, emb->indices, emb->n);
  lab_scatter_view_changed (self->scatter);
}

void
lab_latent_map_show_frame (LabLatentMap        *self,
                           const LabEmbedFrame *frame,
                           gboolean             first)
{
  LabScatterPlot *plot;

  g_return_if_fail (LAB_IS_LATENT_MAP (self));

  plot = lab_scatter_view_get_plot (self->scatter);
  if (first)
    {
      set_plot_classes (self, frame->dataset);
      set_name (self, frame->method);
      {
        gboolean umap = frame->method == LAB_EMBED_UMAP;
        g_autofree char *x = umap ? g_strdup_printf (_("UMAP %u"), 1) : g_strdup_printf (_("t-SNE %u"), 1);
        g_autofree char *y = umap ? g_strdup_printf (_("UMAP %u"), 2) : g_strdup_printf (_("t-SNE %u"), 2);

        lab_scatter_plot_set_labels (plot, x, y);
      }
      lab_scatter_plot_set_points (plot, frame->points, frame->labels, frame->n, FALSE);
      lab_scatter_plot_set_marker (plot, FALSE, 0, 0);
      lab_scatter_plot_set_line (plot, FALSE, 0, 0, 0, 0);
      lab_scatter_view_set_images (self->scatter, frame->dataset, frame->indices, frame->n);
      gtk_stack_set_visible_child_name (self->view_stack, "scatter");
    }
  else
    lab_scatter_plot_move_points (plot, frame->points, frame->n);
  lab_scatter_view_changed (self->scatter);
}

void
lab_latent_map_clear (LabLatentMap *self)
{
  g_return_if_fail (LAB_IS_LATENT_MAP (self));

  lab_scatter_plot_set_points (lab_scatter_view_get_plot (self->scatter), NULL, NULL, 0, FALSE);
  lab_scatter_view_set_images (self->scatter, NULL, NULL, 0);
  lab_manifold_view_clear (self->manifold_view);
}

void
lab_latent_map_show_manifold (LabLatentMap *self,
                              gboolean      manifold)
{
  g_return_if_fail (LAB_IS_LATENT_MAP (self));

  gtk_stack_set_visible_child_name (self->view_stack, manifold ? "manifold" : "scatter");
}

void
lab_latent_map_set_status (LabLatentMap *self,
                           const char   *text)
{
  g_return_if_fail (LAB_IS_LATENT_MAP (self));

  gtk_label_set_label (self->status_label, text);
}

const char *
lab_latent_map_get_status (LabLatentMap *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_MAP (self), NULL);

  return gtk_label_get_label (self->status_label);
}

void
lab_latent_map_set_progress (LabLatentMap *self,
                             double        fraction)
{
  g_return_if_fail (LAB_IS_LATENT_MAP (self));

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), fraction >= 0);
  if (fraction >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

/* The hint line under the toolbar: what a teacher can do with this map. */
void
lab_latent_map_set_hint (LabLatentMap       *self,
                         const LabEmbedding *emb,
                         gboolean            morph)
{
  const char *what;
  g_autofree char *text = NULL;

  g_return_if_fail (LAB_IS_LATENT_MAP (self));

  if (emb == NULL)
    {
      gtk_label_set_label (self->hint_label, "");
      return;
    }
  switch (emb->method)
    {
    case LAB_EMBED_PCA:
      what = _("Click: decode that spot");
      break;
    case LAB_EMBED_TSNE:
    case LAB_EMBED_UMAP:
      what = _("Click: decode a blend of the nearest points");
      break;
    case LAB_EMBED_LATENT:
    default:
      what = _("Click: decode that latent point");
      break;
    }
  if (morph)
    text = g_strdup_printf (_("%s  ·  drag digit to digit: morph  ·  Shift+drag: move  ·  scroll: zoom"), what);
  else
    text = g_strdup_printf (_("%s  ·  Shift+drag digit to digit: morph  ·  drag: move  ·  scroll: zoom"), what);
  gtk_label_set_label (self->hint_label, text);
}

LabScatterView *
lab_latent_map_get_scatter (LabLatentMap *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_MAP (self), NULL);

  return self->scatter;
}

LabManifoldView *
lab_latent_map_get_manifold (LabLatentMap *self)
{
  g_return_val_if_fail (LAB_IS_LATENT_MAP (self), NULL);

  return self->manifold_view;
}

static void
lab_latent_map_dispose (GObject *object)
{
  LabLatentMap *self = (LabLatentMap *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_LATENT_MAP);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_latent_map_parent_class)->dispose (object);
}

static void
lab_latent_map_finalize (GObject *object)
{
  LabLatentMap *self = (LabLatentMap *)object;

  g_free (self->empty_text);

  G_OBJECT_CLASS (lab_latent_map_parent_class)->finalize (object);
}

static void
lab_latent_map_class_init (LabLatentMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_latent_map_dispose;
  object_class->finalize = lab_latent_map_finalize;

  g_type_ensure (LAB_TYPE_SCATTER_VIEW);
  g_type_ensure (LAB_TYPE_MANIFOLD_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-latent-map.ui");
  gtk_widget_class_set_css_name (widget_class, "latentmap");
  gtk_widget_class_bind_template_child (widget_class, LabLatentMap, status_label);
  gtk_widget_class_bind_template_child (widget_class, LabLatentMap, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabLatentMap, hint_label);
  gtk_widget_class_bind_template_child (widget_class, LabLatentMap, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LabLatentMap, empty_label);
  gtk_widget_class_bind_template_child (widget_class, LabLatentMap, empty_button);
  gtk_widget_class_bind_template_child (widget_class, LabLatentMap, scatter);
  gtk_widget_class_bind_template_child (widget_class, LabLatentMap, manifold_view);
}

static void
lab_latent_map_init (LabLatentMap *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
