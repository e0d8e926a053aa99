#define G_LOG_DOMAIN "latentlab"

#include "lab-wrap-box.h"

struct _LabWrapBox
{
  GtkWidget parent_instance;

  int       spacing;              /* between children on a line */
  int       line_spacing;         /* between lines */
  int       natural_line_length;  /* caps the natural width; -1: one line */
};

enum {
  PROP_0,
  PROP_SPACING,
  PROP_LINE_SPACING,
  PROP_NATURAL_LINE_LENGTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void lab_wrap_box_buildable_init (GtkBuildableIface *iface);
static GtkBuildableIface *parent_buildable_iface;

G_DEFINE_FINAL_TYPE_WITH_CODE (LabWrapBox, lab_wrap_box, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, lab_wrap_box_buildable_init))

/* One visible child's share of a line. */
typedef struct
{
  GtkWidget *widget;
  int        min, nat;     /* widths */
  int        width;        /* given */
  int        line;
} Item;

/* The visible children (n_items of them, in order) with their widths,
 * broken into lines for width (-1: as wide as the natural line); returns
 * the number of lines. A child wider than width alone gets width. */
static guint
lay_out (LabWrapBox *self,
         int         width,
         Item       *items,
         guint       n_items)
{
  guint n_lines = 0;
  guint first = 0;

  while (first < n_items)
    {
      int used = items[first].nat;
      int n_expand = 0;
      guint end = first + 1;
      int extra;

      while (end < n_items && (width < 0 || used + self->spacing + items[end].nat <= width))
        used += self->spacing + items[end++].nat;

      extra = width < 0 ? 0 : width - used;
      for (guint i = first; i < end; i++)
        {
          items[i].line = n_lines;
          items[i].width = items[i].nat;
          if (gtk_widget_compute_expand (items[i].widget, GTK_ORIENTATION_HORIZONTAL))
            n_expand++;
        }
      if (extra < 0)
        /* One child, wider than the line: it gets the line (at least its minimum). */
        items[first].width = MAX (items[first].min, width);
      else if (n_expand > 0)
        for (guint i = first; i < end; i++)
          if (gtk_widget_compute_expand (items[i].widget, GTK_ORIENTATION_HORIZONTAL))
            {
              int share = extra / n_expand--;

              items[i].width += share;
              extra -= share;
            }
      n_lines++;
      first = end;
    }
  return n_lines;
}

static Item *
collect_items (LabWrapBox *self,
               guint      *n_items)
{
  GArray *items = g_array_new (FALSE, TRUE, sizeof (Item));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      Item item = { child, 0, 0, 0, 0 };

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &item.min, &item.nat, NULL, NULL);
      g_array_append_val (items, item);
    }
  *n_items = items->len;
  return (Item *) g_array_free (items, FALSE);
}

/* The width lines are broken at when nothing is given: the natural one. */
static int
natural_width (LabWrapBox *self,
               const Item *items,
               guint       n_items)
{
  int min = 0, nat = 0;

  for (guint i = 0; i < n_items; i++)
    {
      min = MAX (min, items[i].min);
      nat += items[i].nat + (i > 0 ? self->spacing : 0);
    }
  if (self->natural_line_length >= 0)
    nat = MIN (nat, MAX (min, self->natural_line_length));
  return nat;
}

static void
lab_wrap_box_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  LabWrapBox *self = LAB_WRAP_BOX (widget);
  guint n_items;
  g_autofree Item *items = collect_items (self, &n_items);

  *minimum = *natural = 0;
  if (n_items == 0)
    return;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      for (guint i = 0; i < n_items; i++)
        *minimum = MAX (*minimum, items[i].min);
      *natural = natural_width (self, items, n_items);
      return;
    }

  {
    int width = for_size >= 0 ? for_size : natural_width (self, items, n_items);
    guint n_lines = lay_out (self, width, items, n_items);

    for (guint line = 0, i = 0; line < n_lines; line++)
      {
        int line_min = 0, line_nat = 0;

        for (; i < n_items && items[i].line == (int) line; i++)
          {
            int child_min, child_nat;

            gtk_widget_measure (items[i].widget, GTK_ORIENTATION_VERTICAL, items[i].width,
                                &child_min, &child_nat, NULL, NULL);
            line_min = MAX (line_min, child_min);
            line_nat = MAX (line_nat, child_nat);
          }
        *minimum += line_min + (line > 0 ? self->line_spacing : 0);
        *natural += line_nat + (line > 0 ? self->line_spacing : 0);
      }
  }
}

static void
lab_wrap_box_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  LabWrapBox *self = LAB_WRAP_BOX (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  guint n_items;
  g_autofree Item *items = collect_items (self, &n_items);
  guint n_lines = lay_out (self, width, items, n_items);
  int y = 0;

  for (guint line = 0, first = 0; line < n_lines; line++)
    {
      guint end = first;
      int line_height = 0;
      int x = 0;

      for (; end < n_items && items[end].line == (int) line; end++)
        {
          int child_min;

          gtk_widget_measure (items[end].widget, GTK_ORIENTATION_VERTICAL, items[end].width,
                              &child_min, NULL, NULL, NULL);
          line_height = MAX (line_height, child_min);
        }
      /* Each child at the line's height; its valign places it inside. */
      for (guint i = first; i < end; i++)
        {
          GtkAllocation a = { rtl ? width - x - items[i].width : x, y, items[i].width, line_height };

          gtk_widget_size_allocate (items[i].widget, &a, -1);
          x += items[i].width + self->spacing;
        }
      y += line_height + self->line_spacing;
      first = end;
    }
}

static GtkSizeRequestMode
lab_wrap_box_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* GtkBuildable: <child> elements are appended. */
static void
lab_wrap_box_buildable_add_child (GtkBuildable *buildable,
                                  GtkBuilder   *builder,
                                  GObject      *child,
                                  const char   *type)
{
  if (GTK_IS_WIDGET (child))
    lab_wrap_box_append (LAB_WRAP_BOX (buildable), GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
lab_wrap_box_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = lab_wrap_box_buildable_add_child;
}

static void
lab_wrap_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_wrap_box_parent_class)->dispose (object);
}

static void
lab_wrap_box_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LabWrapBox *self = LAB_WRAP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;

    case PROP_LINE_SPACING:
      g_value_set_int (value, self->line_spacing);
      break;

    case PROP_NATURAL_LINE_LENGTH:
      g_value_set_int (value, self->natural_line_length);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_wrap_box_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LabWrapBox *self = LAB_WRAP_BOX (object);
  int *field;

  switch (prop_id)
    {
    case PROP_SPACING:
      field = &self->spacing;
      break;

    case PROP_LINE_SPACING:
      field = &self->line_spacing;
      break;

    case PROP_NATURAL_LINE_LENGTH:
      field = &self->natural_line_length;
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (*field != g_value_get_int (value))
    {
      *field = g_value_get_int (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      g_object_notify_by_pspec (object, pspec);
    }
}

static void
lab_wrap_box_class_init (LabWrapBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_wrap_box_dispose;
  object_class->get_property = lab_wrap_box_get_property;
  object_class->set_property = lab_wrap_box_set_property;

  widget_class->measure = lab_wrap_box_measure;
  widget_class->size_allocate = lab_wrap_box_size_allocate;
  widget_class->get_request_mode = lab_wrap_box_get_request_mode;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LINE_SPACING] =
    g_param_spec_int ("line-spacing", NULL, NULL, 0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* As AdwWrapBox's: the natural width is at most this (and at least the
   * widest child), so a wrapping toolbar does not ask for the whole row. */
  properties[PROP_NATURAL_LINE_LENGTH] =
    g_param_spec_int ("natural-line-length", NULL, NULL, -1, G_MAXINT, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "wrapbox");
}

static void
lab_wrap_box_init (LabWrapBox *self)
{
  self->natural_line_length = -1;
}

GtkWidget *
lab_wrap_box_new (void)
{
  return g_object_new (LAB_TYPE_WRAP_BOX, NULL);
}

void
lab_wrap_box_append (LabWrapBox *self,
                     GtkWidget  *child)
{
  g_return_if_fail (LAB_IS_WRAP_BOX (self));
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (gtk_widget_get_parent (child) == NULL);

  gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
}

void
lab_wrap_box_remove (LabWrapBox *self,
                     GtkWidget  *child)
{
  g_return_if_fail (LAB_IS_WRAP_BOX (self));
  g_return_if_fail (gtk_widget_get_parent (child) == GTK_WIDGET (self));

  gtk_widget_unparent (child);
}
