#define G_LOG_DOMAIN "latentlab"

#include "lab-layer-list.h"

#include <glib/gi18n.h>

#include "lab-format.h"

struct _LabLayerList
{
  GtkWidget   parent_instance;

  /* Template widgets */
  GtkListBox *list;

  /* Owned */
  GPtrArray  *layers;         /* (element-type JsonObject) mutable copies */
  GPtrArray  *rows;           /* (element-type LabLayerRow) borrowed: children of list, in order */

  /* Borrowed: the element of layers giving the latent */
  JsonObject *latent;

  /* From the last lab_layer_list_show, for the headings */
  LabShape    input;
  LabShape    latent_shape;   /* zero while unknown */

  guint       syncing : 1;    /* the list itself sets its rows */
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabLayerList, lab_layer_list, GTK_TYPE_WIDGET)

static void rebuild_rows (LabLayerList *self);

/* A mutable copy with the members in the same order. Values are scalars
 * or small arrays that are replaced, never changed in place, so sharing
 * their nodes' contents with a sealed original is fine. */
static JsonObject *
layer_copy (JsonObject *src)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init_ordered (&iter, src);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    json_object_set_member (copy, name, json_node_copy (node));
  return copy;
}

static guint
latent_index (LabLayerList *self)
{
  guint index = 0;

  if (self->latent && g_ptr_array_find (self->layers, self->latent, &index))
    return index;
  return self->layers->len > 0 ? self->layers->len - 1 : 0;
}

guint
lab_layer_list_get_encoder_layers (LabLayerList *self)
{
  return self->layers->len > 0 ? latent_index (self) + 1 : 0;
}

static void
set_css_class (GtkWidget  *widget,
                 const char *css_class,
                 gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

static guint
row_index (LabLayerList  *self,
           LabLayerRow   *row)
{
  guint index = 0;

  if (!g_ptr_array_find (self->rows, row, &index))
    g_assert_not_reached ();
  return index;
}

/* An option or the type changed; a new type is a new object. */
static void
on_row_changed (LabLayerRow   *row,
                LabLayerList  *self)
{
  guint index = row_index (self, row);
  JsonObject *layer = lab_layer_row_get_layer (row);
  JsonObject *old = g_ptr_array_index (self->layers, index);

  if (layer != old)
    {
      if (self->latent == old)
        self->latent = layer;
      g_ptr_array_index (self->layers, index) = json_object_ref (layer);
      json_object_unref (old);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_row_latent_chosen (LabLayerRow   *row,
                      LabLayerList  *self)
{
  JsonObject *layer = lab_layer_row_get_layer (row);

  if (self->syncing || self->latent == layer)
    return;
  self->latent = layer;
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Structural edits rebuild the rows; focus goes back to the same button of
 * the layer that moved, so keyboard users can keep pressing it. */
static void
focus_row_button (LabLayerList  *self,
                         JsonObject    *layer,
                         const char    *which)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      LabLayerRow *row = g_ptr_array_index (self->rows, i);

      if (lab_layer_row_get_layer (row) == layer)
        {
          GtkWidget *button = lab_layer_row_get_button (row, which);

          if (button && gtk_widget_get_sensitive (button))
            gtk_widget_grab_focus (button);
          else
            gtk_widget_grab_focus (GTK_WIDGET (lab_layer_row_get_type_dropdown (row)));
          return;
        }
    }
}

static void
on_row_insert (LabLayerRow   *row,
               LabLayerList  *self)
{
  guint index = row_index (self, row);
  JsonObject *copy;

  if (self->layers->len >= LAB_SPEC_MAX_LAYERS)
    return;
  copy = layer_copy (lab_layer_row_get_layer (row));
  g_ptr_array_insert (self->layers, index + 1, copy);
  rebuild_rows (self);
  g_signal_emit (self, signals[CHANGED], 0);
  focus_row_button (self, copy, "type");
}

static void
on_row_remove (LabLayerRow   *row,
               LabLayerList  *self)
{
  guint index = row_index (self, row);
  JsonObject *next_focus;

  if (self->layers->len <= 1)
    return;
  if (self->latent == lab_layer_row_get_layer (row))
    self->latent = g_ptr_array_index (self->layers, index > 0 ? index - 1 : 1);
  next_focus = g_ptr_array_index (self->layers, index + 1 < self->layers->len ? index + 1 : index - 1);
  g_ptr_array_remove_index (self->layers, index);
  rebuild_rows (self);
  g_signal_emit (self, signals[CHANGED], 0);
  focus_row_button (self, next_focus, "remove");
}

static void
on_row_move (LabLayerRow   *row,
             int            delta,
             LabLayerList  *self)
{
  int index = (int) row_index (self, row);
  JsonObject *layer = lab_layer_row_get_layer (row);
  gpointer *pdata = self->layers->pdata;
  gpointer tmp;

  if (index + delta < 0 || index + delta >= (int) self->layers->len)
    return;
  tmp = pdata[index];
  pdata[index] = pdata[index + delta];
  pdata[index + delta] = tmp;
  rebuild_rows (self);
  g_signal_emit (self, signals[CHANGED], 0);
  focus_row_button (self, layer, delta < 0 ? "up" : "down");
}

static void
rebuild_rows (LabLayerList *self)
{
  GtkWidget *child;
  GtkCheckButton *group = NULL;

  self->syncing = TRUE;
  g_ptr_array_set_size (self->rows, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < self->layers->len; i++)
    {
      JsonObject *layer = g_ptr_array_index (self->layers, i);
      LabLayerRow *row = lab_layer_row_new (layer);
      GtkCheckButton *latent = lab_layer_row_get_latent_button (row);

      lab_layer_row_set_position (row, i, self->layers->len, self->layers->len < LAB_SPEC_MAX_LAYERS);
      if (group)
        gtk_check_button_set_group (latent, group);
      else
        group = latent;
      gtk_check_button_set_active (latent, layer == self->latent);
      g_signal_connect (row, "changed", G_CALLBACK (on_row_changed), self);
      g_signal_connect (row, "latent-chosen", G_CALLBACK (on_row_latent_chosen), self);
      g_signal_connect (row, "insert", G_CALLBACK (on_row_insert), self);
      g_signal_connect (row, "remove", G_CALLBACK (on_row_remove), self);
      g_signal_connect (row, "move", G_CALLBACK (on_row_move), self);
      g_ptr_array_add (self->rows, row);
      gtk_list_box_append (self->list, GTK_WIDGET (row));
    }
  self->syncing = FALSE;
}

/* "Encoder" above the first row, "Decoder" above the first one after the
 * latent, each with the shape flowing in. */
static GtkWidget *
section_header_new (const char *title,
                    const char *detail)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *info = gtk_label_new (detail);

  gtk_widget_add_css_class (box, "arch-section");
  gtk_widget_add_css_class (label, "arch-section-title");
  gtk_widget_add_css_class (info, "arch-section-detail");
  gtk_label_set_xalign (GTK_LABEL (info), 0.0f);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), info);
  return box;
}

static void
list_header (GtkListBoxRow *row,
                   GtkListBoxRow *before,
                   gpointer       data)
{
  LabLayerList  *self = data;
  int index = gtk_list_box_row_get_index (row);
  GtkWidget *header = NULL;

  if (index == 0)
    {
      g_autofree char *shape = lab_shape_to_keras (self->input);
      g_autofree char *detail = g_strdup_printf (_("input %s"), shape);

      header = section_header_new (_("Encoder"), detail);
    }
  else if (index == (int) lab_layer_list_get_encoder_layers (self))
    {
      LabShape latent = self->latent_shape;
      g_autofree char *detail = NULL;

      if (lab_shape_size (latent) > 0)
        {
          g_autofree char *shape = lab_shape_to_keras (latent);
          g_autofree char *size = lab_format_count (lab_shape_size (latent));

          detail = g_strdup_printf (_("latent %s, %s values"), shape, size);
        }
      header = section_header_new (_("Decoder"), detail ? detail : "");
    }
  gtk_list_box_row_set_header (row, header);
}

void
lab_layer_list_set_layers (LabLayerList  *self,
                           const LabSpec *spec)
{
  g_return_if_fail (LAB_IS_LAYER_LIST (self));

  g_ptr_array_set_size (self->layers, 0);
  for (guint i = 0; i < lab_spec_n_layers (spec); i++)
    g_ptr_array_add (self->layers, layer_copy (lab_spec_get_layer (spec, i)));
  self->latent = g_ptr_array_index (self->layers, spec->encoder_layers - 1);
  self->input = spec->input;
  self->latent_shape = (LabShape) { 0, 0, 0 };
  rebuild_rows (self);
}

guint
lab_layer_list_get_n_layers (LabLayerList *self)
{
  g_return_val_if_fail (LAB_IS_LAYER_LIST (self), 0);

  return self->layers->len;
}

JsonObject *
lab_layer_list_get_layer (LabLayerList *self,
                          guint         index)
{
  g_return_val_if_fail (LAB_IS_LAYER_LIST (self), NULL);
  g_return_val_if_fail (index < self->layers->len, NULL);

  return g_ptr_array_index (self->layers, index);
}

JsonArray *
lab_layer_list_copy_layers (LabLayerList *self)
{
  JsonArray *array;

  g_return_val_if_fail (LAB_IS_LAYER_LIST (self), NULL);

  array = json_array_sized_new (self->layers->len);
  for (guint i = 0; i < self->layers->len; i++)
    json_array_add_object_element (array, layer_copy (g_ptr_array_index (self->layers, i)));
  return array;
}

void
lab_layer_list_show (LabLayerList         *self,
                     const LabSpecSummary *summary,
                     LabShape              input,
                     int                   error_layer)
{
  g_return_if_fail (LAB_IS_LAYER_LIST (self));

  self->input = input;
  self->latent_shape = summary ? summary->latent : (LabShape) { 0, 0, 0 };
  for (guint i = 0; i < self->rows->len; i++)
    {
      LabLayerRow *row = g_ptr_array_index (self->rows, i);
      LabShape in = input;

      set_css_class (GTK_WIDGET (row), "error", (int) i == error_layer);
      set_css_class (GTK_WIDGET (row), "latent", lab_layer_row_get_layer (row) == self->latent);
      /* What the layer gets, where it is known: a new reshape starts there. */
      if (i > 0 && summary && i - 1 < summary->rows->len)
        in = ((LabSummaryRow *) g_ptr_array_index (summary->rows, i - 1))->output;
      lab_layer_row_set_input (row, in);
    }
  gtk_list_box_invalidate_headers (self->list);
}

LabLayerRow *
lab_layer_list_get_row (LabLayerList *self,
                        guint         index)
{
  g_return_val_if_fail (LAB_IS_LAYER_LIST (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);

  return g_ptr_array_index (self->rows, index);
}

static void
lab_layer_list_dispose (GObject *object)
{
  LabLayerList *self = LAB_LAYER_LIST (object);

  if (self->rows)
    g_ptr_array_set_size (self->rows, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_LAYER_LIST);

  G_OBJECT_CLASS (lab_layer_list_parent_class)->dispose (object);
}

static void
lab_layer_list_finalize (GObject *object)
{
  LabLayerList *self = LAB_LAYER_LIST (object);

  g_clear_pointer (&self->layers, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (lab_layer_list_parent_class)->finalize (object);
}

static void
lab_layer_list_class_init (LabLayerListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_layer_list_dispose;
  object_class->finalize = lab_layer_list_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-layer-list.ui");
  gtk_widget_class_bind_template_child (widget_class, LabLayerList, list);
}

static void
lab_layer_list_init (LabLayerList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->layers = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->rows = g_ptr_array_new ();
  gtk_list_box_set_header_func (self->list, list_header, self, NULL);
}
