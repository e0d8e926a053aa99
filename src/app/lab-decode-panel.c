#define G_LOG_DOMAIN "latentlab"

#include <string.h>

#include <glib/gi18n.h>

#include "lab-decode-panel.h"
#include "lab-format.h"

#define NEIGHBOURS LAB_EMBED_DEFAULT_K
/* The longer side of a neighbour's thumbnail, in pixels: an MNIST digit
 * at its own size with a margin, a row that leaves the map its room. */
#define NEIGHBOUR_PX 32

struct _LabDecodePanel
{
  GtkWidget           parent_instance;

  /* Template widgets */
  LabImageView       *decoded_view;
  GtkLabel           *decoded_caption;
  GtkWidget          *neighbours_panel;
  GtkBox             *neighbours_box;
  GtkDropDown        *keep_label_dropdown;

  /* Borrowed: built in init, children of neighbours_box */
  LabImageView       *neighbour_views[NEIGHBOURS];
  GtkLabel           *neighbour_labels[NEIGHBOURS];

  /* Borrowed from the page (lab_decode_panel_set_embedding) */
  const LabEmbedding *emb;
  LabModel           *decoder;
  LabDataset         *images;

  /* Owned: the decoded sample */
  gboolean            has_sample;
  float              *latent;       /* (dim) */
  guint               dim;
  float              *image;        /* (height, width) */
  guint               height, width;
  double              x, y;
  const char         *method;       /* static string */
  guint               n_neighbours;
  guint               neighbours[LAB_EMBED_MAX_K];
};

G_DEFINE_FINAL_TYPE (LabDecodePanel, lab_decode_panel, GTK_TYPE_WIDGET)

/* "On test image #12, a “7”": the class of image index, or NULL. */
static char *
image_class (LabDataset *ds,
             guint       index)
{
  char buf[16];

  if (ds == NULL || ds->labels == NULL)
    return NULL;
  return g_strdup (lab_dataset_class_name (ds, ds->labels[index], buf));
}

static void
set_sample (LabDecodePanel *self,
            const float    *latent,
            const float    *image,
            double          x,
            double          y,
            const char     *method)
{
  const LabEmbedding *emb = self->emb;

  g_free (self->latent);
  g_free (self->image);
  self->dim = emb->dim;
  self->height = emb->height;
  self->width = emb->width;
  self->latent = g_memdup2 (latent, (gsize) emb->dim * sizeof (float));
  self->image = g_memdup2 (image, (gsize) emb->height * emb->width * sizeof (float));
  self->x = x;
  self->y = y;
  self->method = method;
  self->has_sample = TRUE;
  lab_image_view_set_float (self->decoded_view, image, emb->width, emb->height);
}

/* The label Keep would give: the class most points around (x, y) have. */
static void
guess_label (LabDecodePanel *self,
             double          x,
             double          y)
{
  int label = lab_embedding_majority_label (self->emb, x, y, self->emb->config.k);

  gtk_drop_down_set_selected (self->keep_label_dropdown,
                              label >= 0 ? (guint) label : GTK_INVALID_LIST_POSITION);
}

static void
show_neighbours (LabDecodePanel *self,
                 const guint    *rows,
                 const float    *weights,
                 guint           n)
{
  const LabEmbedding *emb = self->emb;

  /* Shown or not, the row keeps its place (child-visible, not visible):
   * the first click on a map must not move the map or the Keep button. */
  gtk_widget_set_child_visible (self->neighbours_panel, n > 0);
  for (guint i = 0; i < NEIGHBOURS; i++)
    {
      gboolean shown = i < n;

      gtk_widget_set_child_visible (gtk_widget_get_parent (GTK_WIDGET (self->neighbour_views[i])), shown);
      if (shown)
        {
          guint index = emb->indices[rows[i]];
          g_autofree char *text = lab_format_percent_localized (100 * weights[i], 0);

          lab_image_view_set_gray (self->neighbour_views[i], lab_dataset_image (self->images, index),
                                   self->images->width, self->images->height);
          gtk_label_set_label (self->neighbour_labels[i], text);
        }
    }
}

void
lab_decode_panel_set_classes (LabDecodePanel *self,
                              GListModel     *classes)
{
  g_return_if_fail (LAB_IS_DECODE_PANEL (self));

  gtk_drop_down_set_model (self->keep_label_dropdown, classes);
}

void
lab_decode_panel_set_embedding (LabDecodePanel     *self,
                                const LabEmbedding *emb,
                                LabModel           *decoder,
                                LabDataset         *images)
{
  g_return_if_fail (LAB_IS_DECODE_PANEL (self));

  self->emb = emb;
  self->decoder = decoder;
  self->images = images;
  self->n_neighbours = 0;
  /* The maps that decode a blend of the nearest points keep a row for
   * them from the start; PCA and a raw 2-D latent decode the spot itself. */
  gtk_widget_set_visible (self->neighbours_panel, emb != NULL && !lab_embed_method_is_invertible (emb->method));
  gtk_widget_set_child_visible (self->neighbours_panel, FALSE);
}

void
lab_decode_panel_drop_embedding (LabDecodePanel *self)
{
  g_return_if_fail (LAB_IS_DECODE_PANEL (self));

  self->emb = NULL;
}

gboolean
lab_decode_panel_decode_at (LabDecodePanel  *self,
                            double           x,
                            double           y,
                            int              row,
                            const guint    **rows,
                            guint           *n_rows,
                            GError         **error)
{
  const LabEmbedding *emb = self->emb;
  g_autofree float *latent = NULL;
  g_autofree float *image = NULL;
  g_autofree char *where = NULL;
  g_autofree char *looks = NULL;
  g_autofree char *text = NULL;
  float weights[LAB_EMBED_MAX_K];
  guint found[LAB_EMBED_MAX_K];
  guint n_found = 0;
  int label;

  g_return_val_if_fail (LAB_IS_DECODE_PANEL (self), FALSE);

  *rows = self->neighbours;
  *n_rows = 0;
  if (emb == NULL || self->decoder == NULL)
    return TRUE;
  latent = g_new (float, emb->dim);
  image = g_new (float, (gsize) emb->height * emb->width);
  lab_embedding_latent_at (emb, x, y, latent, found, weights, &n_found);
  if (!lab_embedding_decode (self->decoder, latent, 1, emb->dim, image, error))
    return FALSE;
  set_sample (self, latent, image, x, y, lab_embed_method_name (emb->method));
  self->n_neighbours = n_found;
  memcpy (self->neighbours, found, n_found * sizeof (guint));
  *n_rows = n_found;
  show_neighbours (self, found, weights, n_found);
  guess_label (self, x, y);

  if (row >= 0)
    {
      g_autofree char *name = image_class (self->images, emb->indices[row]);

      where = name ? g_strdup_printf (_("On test image #%u, a “%s”"), emb->indices[row], name)
                   : g_strdup_printf (_("On test image #%u"), emb->indices[row]);
    }
  else if (emb->method == LAB_EMBED_LATENT)
    where = g_strdup_printf (_("Latent point (%.2f, %.2f)"), x, y);
  else
    where = g_strdup_printf (_("%s location (%.2f, %.2f)"), _(lab_embed_method_title (emb->method)), x, y);
  label = lab_embedding_majority_label (emb, x, y, emb->config.k);
  if (label >= 0 && self->images->class_names != NULL && (guint) label < self->images->n_classes)
    looks = g_strdup_printf (_("Most points around it are “%s”"), self->images->class_names[label]);
  text = g_strdup_printf ("%s\n%s", where, looks ? looks : "");
  gtk_label_set_label (self->decoded_caption, text);
  return TRUE;
}

void
lab_decode_panel_show_step (LabDecodePanel *self,
                            const float    *latent,
                            const float    *image,
                            double          x,
                            double          y,
                            guint           step,
                            guint           n_steps)
{
  g_autofree char *text = NULL;

  g_return_if_fail (LAB_IS_DECODE_PANEL (self));

  if (self->emb == NULL)
    return;
  set_sample (self, latent, image, x, y, "interpolation");
  show_neighbours (self, NULL, NULL, 0);
  guess_label (self, x, y);
  text = g_strdup_printf (_("Step %u of %u of the morph"), step + 1, n_steps);
  gtk_label_set_label (self->decoded_caption, text);
}

gboolean
lab_decode_panel_get_sample (LabDecodePanel   *self,
                             LabDecodedSample *sample)
{
  g_return_val_if_fail (LAB_IS_DECODE_PANEL (self), FALSE);

  if (!self->has_sample)
    return FALSE;
  sample->latent = self->latent;
  sample->dim = self->dim;
  sample->image = self->image;
  sample->height = self->height;
  sample->width = self->width;
  sample->x = self->x;
  sample->y = self->y;
  sample->method = self->method;
  return TRUE;
}

int
lab_decode_panel_get_label (LabDecodePanel *self)
{
  guint selected;

  g_return_val_if_fail (LAB_IS_DECODE_PANEL (self), -1);

  selected = gtk_drop_down_get_selected (self->keep_label_dropdown);
  return selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected;
}

LabImageView *
lab_decode_panel_get_view (LabDecodePanel *self)
{
  g_return_val_if_fail (LAB_IS_DECODE_PANEL (self), NULL);

  return self->decoded_view;
}

guint
lab_decode_panel_get_neighbours (LabDecodePanel  *self,
                                 const guint    **rows)
{
  g_return_val_if_fail (LAB_IS_DECODE_PANEL (self), 0);

  if (rows != NULL)
    *rows = self->neighbours;
  return self->n_neighbours;
}

static void
lab_decode_panel_dispose (GObject *object)
{
  LabDecodePanel *self = (LabDecodePanel *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_DECODE_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_decode_panel_parent_class)->dispose (object);
}

static void
lab_decode_panel_finalize (GObject *object)
{
  LabDecodePanel *self = (LabDecodePanel *)object;

  g_free (self->latent);
  g_free (self->image);

  G_OBJECT_CLASS (lab_decode_panel_parent_class)->finalize (object);
}

static void
lab_decode_panel_class_init (LabDecodePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_decode_panel_dispose;
  object_class->finalize = lab_decode_panel_finalize;

  g_type_ensure (LAB_TYPE_IMAGE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-decode-panel.ui");
  gtk_widget_class_set_css_name (widget_class, "decodepanel");
  gtk_widget_class_bind_template_child (widget_class, LabDecodePanel, decoded_view);
  gtk_widget_class_bind_template_child (widget_class, LabDecodePanel, decoded_caption);
  gtk_widget_class_bind_template_child (widget_class, LabDecodePanel, neighbours_panel);
  gtk_widget_class_bind_template_child (widget_class, LabDecodePanel, neighbours_box);
  gtk_widget_class_bind_template_child (widget_class, LabDecodePanel, keep_label_dropdown);
}

static void
lab_decode_panel_init (LabDecodePanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < NEIGHBOURS; i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *view = lab_image_view_new ();
      GtkWidget *label = gtk_label_new (NULL);

      g_autofree char *widest = lab_format_percent_localized (100, 0);

      lab_image_view_set_pixel_size (LAB_IMAGE_VIEW (view), NEIGHBOUR_PX);
      gtk_widget_add_css_class (view, "thumbnail");
      gtk_widget_add_css_class (label, "neighbour-weight");
      /* The widest weight from the start, so the row's width never grows. */
      gtk_label_set_label (GTK_LABEL (label), widest);
      gtk_box_append (GTK_BOX (box), view);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (self->neighbours_box, box);
      self->neighbour_views[i] = LAB_IMAGE_VIEW (view);
      self->neighbour_labels[i] = GTK_LABEL (label);
    }
  gtk_label_set_label (self->decoded_caption, _("Click the map to decode a point"));
}
