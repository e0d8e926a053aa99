#define G_LOG_DOMAIN "latentlab"

#include "lab-layer-maps.h"

#include <glib/gi18n.h>

#include "lab-activation-bars.h"
#include "lab-format.h"
#include "lab-tile-view.h"

struct _LabLayerMaps
{
  GtkWidget  parent_instance;

  /* Template widgets */
  GtkBox    *sections_box;
  GtkLabel  *empty_label;

  /* Borrowed: children of sections_box */
  GPtrArray *views;    /* (element-type GtkWidget) one per layer */
  GPtrArray *titles;   /* (element-type GtkLabel) */
};

G_DEFINE_FINAL_TYPE (LabLayerMaps, lab_layer_maps, GTK_TYPE_WIDGET)

static gboolean
is_image (LabShape s)
{
  return s.h > 1 || s.w > 1;
}

static char *
section_title (guint     index,
               LabLayer *layer)
{
  LabShape s = layer->out;
  g_autofree char *values = NULL;

  if (is_image (s))
    {
      if (s.c > LAB_LAYER_MAPS_MAX_TILES)
        /* Translators: a layer's number, its kind ("Conv2D") and its output
         * (channels × height × width), of which the first 64 channels show. */
        return g_strdup_printf (_("Layer %u · %s · %u × %u × %u (the first %u channels)"),
                                index, layer->klass->title, s.c, s.h, s.w, LAB_LAYER_MAPS_MAX_TILES);
      /* Translators: a layer's number, its kind ("Conv2D") and its output
       * (channels × height × width). */
      return g_strdup_printf (_("Layer %u · %s · %u × %u × %u"), index, layer->klass->title, s.c, s.h, s.w);
    }
  /* Translators: a layer's number, its kind ("Dense") and how many values it outputs. */
  values = lab_format_count_localized (s.c);
  return g_strdup_printf (ngettext ("Layer %u · %s · %s value", "Layer %u · %s · %s values", s.c),
                          index, layer->klass->title, values);
}

void
lab_layer_maps_set_model (LabLayerMaps *self,
                          LabModel     *model)
{
  GtkWidget *child;
  guint n;

  g_return_if_fail (LAB_IS_LAYER_MAPS (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sections_box))) != NULL)
    gtk_box_remove (self->sections_box, child);
  g_ptr_array_set_size (self->views, 0);
  g_ptr_array_set_size (self->titles, 0);
  n = model != NULL ? lab_model_n_layers (model) : 0;
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), n == 0);
  for (guint i = 0; i < n; i++)
    {
      LabLayer *layer = lab_model_get_layer (model, i);
      g_autofree char *title = section_title (i, layer);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *label = gtk_label_new (title);
      GtkWidget *view;

      gtk_widget_add_css_class (box, "inside-layer");
      gtk_widget_add_css_class (label, "inside-layer-title");
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_tooltip_text (label, _(layer->klass->help));
      if (is_image (layer->out))
        {
          view = lab_tile_view_new (LAB_TILE_SCALE_RANGE);
          gtk_widget_set_tooltip_text (view, _("One tile per channel: white where the channel "
                                               "responds most to this image, black where least"));
        }
      else
        view = lab_activation_bars_new ();
      gtk_widget_set_halign (view, GTK_ALIGN_START);
      gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), view);
      gtk_box_append (self->sections_box, box);
      g_ptr_array_add (self->views, view);
      g_ptr_array_add (self->titles, label);
    }
}

void
lab_layer_maps_show (LabLayerMaps   *self,
                     const LabProbe *probe)
{
  g_return_if_fail (LAB_IS_LAYER_MAPS (self));
  g_return_if_fail (probe->n_layers == self->views->len);

  for (guint i = 0; i < probe->n_layers; i++)
    {
      const LabProbeLayer *pl = &probe->layers[i];
      GtkWidget *view = g_ptr_array_index (self->views, i);
      const char *title = gtk_label_get_label (g_ptr_array_index (self->titles, i));

      if (LAB_IS_TILE_VIEW (view))
        lab_tile_view_set_tiles (LAB_TILE_VIEW (view), pl->values,
                                 MIN (pl->shape.c, LAB_LAYER_MAPS_MAX_TILES), pl->shape.h, pl->shape.w,
                                 title);
      else
        lab_activation_bars_set_values (LAB_ACTIVATION_BARS (view), pl->values, pl->shape.c, title);
    }
}

guint
lab_layer_maps_get_n_sections (LabLayerMaps *self)
{
  g_return_val_if_fail (LAB_IS_LAYER_MAPS (self), 0);
  return self->views->len;
}

GtkWidget *
lab_layer_maps_get_view (LabLayerMaps *self,
                         guint         i)
{
  g_return_val_if_fail (LAB_IS_LAYER_MAPS (self), NULL);
  g_return_val_if_fail (i < self->views->len, NULL);
  return g_ptr_array_index (self->views, i);
}

GtkLabel *
lab_layer_maps_get_title (LabLayerMaps *self,
                          guint         i)
{
  g_return_val_if_fail (LAB_IS_LAYER_MAPS (self), NULL);
  g_return_val_if_fail (i < self->titles->len, NULL);
  return g_ptr_array_index (self->titles, i);
}

static void
lab_layer_maps_dispose (GObject *object)
{
  LabLayerMaps *self = (LabLayerMaps *)object;

  g_clear_pointer (&self->views, g_ptr_array_unref);
  g_clear_pointer (&self->titles, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_LAYER_MAPS);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (lab_layer_maps_parent_class)->dispose (object);
}

static void
lab_layer_maps_class_init (LabLayerMapsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_layer_maps_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-layer-maps.ui");
  gtk_widget_class_set_css_name (widget_class, "layermaps");
  gtk_widget_class_bind_template_child (widget_class, LabLayerMaps, sections_box);
  gtk_widget_class_bind_template_child (widget_class, LabLayerMaps, empty_label);
}

static void
lab_layer_maps_init (LabLayerMaps *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->views = g_ptr_array_new ();
  self->titles = g_ptr_array_new ();
}

GtkWidget *
lab_layer_maps_new (void)
{
  return g_object_new (LAB_TYPE_LAYER_MAPS, NULL);
}
