#define G_LOG_DOMAIN "latentlab"

#include "lab-filter-grid.h"

#include <glib/gi18n.h>

#include "lab-model-probe.h"

struct _LabFilterGrid
{
  GtkWidget    parent_instance;

  /* Template widgets */
  GtkLabel    *caption_label;
  LabTileView *tile_view;
};

G_DEFINE_FINAL_TYPE (LabFilterGrid, lab_filter_grid, GTK_TYPE_WIDGET)

void
lab_filter_grid_show (LabFilterGrid *self,
                      LabModel      *model)
{
  LabFilterTiles tiles;
  g_autofree char *caption = NULL;
  guint shown;

  g_return_if_fail (LAB_IS_FILTER_GRID (self));

  if (model == NULL || !lab_model_first_filters (model, &tiles))
    {
      lab_tile_view_set_tiles (self->tile_view, NULL, 0, 0, 0, NULL);
      gtk_label_set_label (self->caption_label,
                           model == NULL ? _("No model yet")
                                         : _("The first layer with weights is not a convolution "
                                             "or a dense layer over the whole image."));
      return;
    }
  shown = MIN (tiles.n, LAB_FILTER_GRID_MAX_TILES);
  if (tiles.n > shown)
    /* Translators: e.g. "The first 64 of 512 weight patterns of layer 1, Dense (28 × 28 each)". */
    caption = g_strdup_printf (_("The first %u of %u weight patterns of layer %u, %s (%u × %u each). "
                                 "Gray is 0, white positive, black negative."),
                               shown, tiles.n, tiles.layer,
                               lab_model_get_layer (model, tiles.layer)->klass->title,
                               tiles.height, tiles.width);
  else
    caption = g_strdup_printf (ngettext ("%u filter of layer %u, %s (%u × %u). "
                                         "Gray is 0, white positive, black negative.",
                                         "%u filters of layer %u, %s (%u × %u each). "
                                         "Gray is 0, white positive, black negative.", tiles.n),
                               tiles.n, tiles.layer,
                               lab_model_get_layer (model, tiles.layer)->klass->title,
                               tiles.height, tiles.width);
  gtk_label_set_label (self->caption_label, caption);
  /* 64 pictures of a whole 28 x 28 image: at 1:1 they fit the column in
   * 7 rows (56 px each would need 13). */
  lab_tile_view_set_target_size (self->tile_view, MAX (tiles.height, tiles.width) >= 16 ? 28 : 48);
  lab_tile_view_set_tiles (self->tile_view, tiles.weights, shown, tiles.height, tiles.width, caption);
}

LabTileView *
lab_filter_grid_get_view (LabFilterGrid *self)
{
  g_return_val_if_fail (LAB_IS_FILTER_GRID (self), NULL);
  return self->tile_view;
}

const char *
lab_filter_grid_get_caption (LabFilterGrid *self)
{
  g_return_val_if_fail (LAB_IS_FILTER_GRID (self), NULL);
  return gtk_label_get_label (self->caption_label);
}

static void
lab_filter_grid_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_FILTER_GRID);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (lab_filter_grid_parent_class)->dispose (object);
}

static void
lab_filter_grid_class_init (LabFilterGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_filter_grid_dispose;

  g_type_ensure (LAB_TYPE_TILE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-filter-grid.ui");
  gtk_widget_class_set_css_name (widget_class, "filtergrid");
  gtk_widget_class_bind_template_child (widget_class, LabFilterGrid, caption_label);
  gtk_widget_class_bind_template_child (widget_class, LabFilterGrid, tile_view);
}

static void
lab_filter_grid_init (LabFilterGrid *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lab_filter_grid_new (void)
{
  return g_object_new (LAB_TYPE_FILTER_GRID, NULL);
}
