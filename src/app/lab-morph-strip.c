#define G_LOG_DOMAIN "latentlab"

#include <string.h>

#include <glib/gi18n.h>

#include "lab-error.h"
#include "lab-format.h"
#include "lab-image-grid.h"
#include "lab-morph-strip.h"
#include "lab-presentation.h"
#include "lab-widget-figure.h"

#define STEPS LAB_MORPH_STRIP_STEPS

struct _LabMorphStrip
{
  GtkWidget     parent_instance;

  /* Template widgets */
  GtkRevealer  *strip_revealer;
  GtkLabel     *strip_label;
  GtkBox       *strip_box;

  /* Borrowed: built in init, children of strip_box */
  LabImageView *views[STEPS];
  GtkLabel     *captions[STEPS];

  /* Owned: the morph shown, or NULL */
  float        *latents;    /* (STEPS, dim) */
  float        *images;     /* (STEPS, height * width) */
  guint         dim;
  gsize         pixels;
  guint         height, width;
  double        ends[4];    /* x0, y0, x1, y1 in the plane */
};

enum {
  STEP_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabMorphStrip, lab_morph_strip, GTK_TYPE_WIDGET)

/* "#12 “7”", or "here" for an empty spot. */
static char *
end_caption (const LabEmbedding *emb,
             LabDataset         *images,
             int                 row)
{
  char buf[16];
  guint index;

  if (row < 0)
    return g_strdup (_("here"));
  index = emb->indices[row];
  if (images->labels == NULL)
    return g_strdup_printf ("#%u", index);
  return g_strdup_printf ("#%u “%s”", index, lab_dataset_class_name (images, images->labels[index], buf));
}

gboolean
lab_morph_strip_morph (LabMorphStrip       *self,
                       const LabEmbedding  *emb,
                       LabModel            *decoder,
                       LabDataset          *images,
                       double               x0,
                       double               y0,
                       int                  row0,
                       double               x1,
                       double               y1,
                       int                  row1,
                       GError             **error)
{
  g_autofree float *from = NULL;
  g_autofree float *to = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *title = NULL;
  gsize pixels;

  g_return_val_if_fail (LAB_IS_MORPH_STRIP (self), FALSE);

  pixels = (gsize) emb->height * emb->width;
  from = g_new (float, emb->dim);
  to = g_new (float, emb->dim);
  /* A point's own latent, or the latent of an empty spot. */
  if (row0 >= 0)
    memcpy (from, emb->latents + (gsize) row0 * emb->dim, emb->dim * sizeof (float));
  else
    lab_embedding_latent_at (emb, x0, y0, from, NULL, NULL, NULL);
  if (row1 >= 0)
    memcpy (to, emb->latents + (gsize) row1 * emb->dim, emb->dim * sizeof (float));
  else
    lab_embedding_latent_at (emb, x1, y1, to, NULL, NULL, NULL);

  g_free (self->latents);
  g_free (self->images);
  self->latents = g_new (float, (gsize) STEPS * emb->dim);
  self->images = g_new (float, (gsize) STEPS * pixels);
  self->dim = emb->dim;
  self->pixels = pixels;
  self->height = emb->height;
  self->width = emb->width;
  if (!lab_embedding_interpolate (decoder, from, to, emb->dim, STEPS, self->latents, self->images, error))
    {
      g_clear_pointer (&self->latents, g_free);
      g_clear_pointer (&self->images, g_free);
      return FALSE;
    }
  self->ends[0] = x0;
  self->ends[1] = y0;
  self->ends[2] = x1;
  self->ends[3] = y1;
  a = end_caption (emb, images, row0);
  b = end_caption (emb, images, row1);
  for (guint i = 0; i < STEPS; i++)
    {
      g_autofree char *percent = NULL;

      lab_image_view_set_float (self->views[i], self->images + i * pixels, emb->width, emb->height);
      if (i > 0 && i < STEPS - 1)
        percent = lab_format_percent_localized (100.0 * i / (STEPS - 1), 0);
      gtk_label_set_label (self->captions[i], i == 0 ? a : i == STEPS - 1 ? b : percent);
      {
        /* Translators: one image of the morph strip for screen readers:
         * "Step 3 of 10: 22%" (the first and last say their image). */
        g_autofree char *step = g_strdup_printf (_("Step %u of %u: %s"), i + 1, STEPS,
                                                 i == 0 ? a : i == STEPS - 1 ? b : percent);

        gtk_accessible_update_property (GTK_ACCESSIBLE (self->views[i]), GTK_ACCESSIBLE_PROPERTY_LABEL, step, -1);
      }
    }
  title = g_strdup_printf (_("Morph from %s to %s in %u steps along a straight line in latent space"),
                           a, b, STEPS);
  gtk_label_set_label (self->strip_label, title);
  gtk_revealer_set_reveal_child (self->strip_revealer, TRUE);
  return TRUE;
}

void
lab_morph_strip_clear (LabMorphStrip *self)
{
  g_return_if_fail (LAB_IS_MORPH_STRIP (self));

  g_clear_pointer (&self->latents, g_free);
  g_clear_pointer (&self->images, g_free);
  gtk_revealer_set_reveal_child (self->strip_revealer, FALSE);
}

gboolean
lab_morph_strip_get_step (LabMorphStrip  *self,
                          guint           i,
                          const float   **latent,
                          const float   **image,
                          double         *x,
                          double         *y)
{
  double t = (double) i / (STEPS - 1);

  g_return_val_if_fail (LAB_IS_MORPH_STRIP (self), FALSE);
  g_return_val_if_fail (i < STEPS, FALSE);

  if (self->latents == NULL)
    return FALSE;
  *latent = self->latents + (gsize) i * self->dim;
  *image = self->images + (gsize) i * self->pixels;
  *x = self->ends[0] + t * (self->ends[2] - self->ends[0]);
  *y = self->ends[1] + t * (self->ends[3] - self->ends[1]);
  return TRUE;
}

LabImageView *
lab_morph_strip_get_view (LabMorphStrip *self,
                          guint          i)
{
  g_return_val_if_fail (LAB_IS_MORPH_STRIP (self), NULL);
  g_return_val_if_fail (i < STEPS, NULL);

  return self->views[i];
}

static void
on_step_pressed (GtkGestureClick *click,
                 int              n_press,
                 double           x,
                 double           y,
                 LabMorphStrip   *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (click));

  g_signal_emit (self, signals[STEP_ACTIVATED], 0,
                 GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "lab-step")));
}

static void
lab_morph_strip_dispose (GObject *object)
{
  LabMorphStrip *self = (LabMorphStrip *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_MORPH_STRIP);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_morph_strip_parent_class)->dispose (object);
}

static void
lab_morph_strip_finalize (GObject *object)
{
  LabMorphStrip *self = (LabMorphStrip *)object;

  g_free (self->latents);
  g_free (self->images);

  G_OBJECT_CLASS (lab_morph_strip_parent_class)->finalize (object);
}

/* The export: the steps in one row of a LabImageGrid, with the strip's
 * title and captions. */
static gboolean
get_figure (GtkWidget        *widget,
            LabWidgetFigure  *figure,
            GError          **error)
{
  LabMorphStrip *self = LAB_MORPH_STRIP (widget);
  const char *captions[STEPS + 1];
  LabImageGrid *grid;

  if (self->images == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, _("There is no morph to export yet."));
      return FALSE;
    }
  for (guint i = 0; i < STEPS; i++)
    captions[i] = gtk_label_get_label (self->captions[i]);
  captions[STEPS] = NULL;
  grid = lab_image_grid_new ();
  lab_image_grid_set_text_scale (grid, lab_presentation_get_scale (widget));
  lab_image_grid_set_n_rows (grid, 1);
  lab_image_grid_set_row_title (grid, 0, gtk_label_get_label (self->strip_label));
  lab_image_grid_set_row_float (grid, 0, self->images, STEPS, self->height, self->width);
  lab_image_grid_set_captions (grid, 0, captions);
  figure->draw = lab_image_grid_draw_figure;
  figure->figure = grid;
  figure->free_figure = (GDestroyNotify) lab_image_grid_free;
  figure->name = "morph";
  return TRUE;
}

static void
lab_morph_strip_class_init (LabMorphStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_morph_strip_dispose;
  object_class->finalize = lab_morph_strip_finalize;

  signals[STEP_ACTIVATED] =
    g_signal_new ("step-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-morph-strip.ui");
  gtk_widget_class_set_css_name (widget_class, "morphstrip");
  gtk_widget_class_bind_template_child (widget_class, LabMorphStrip, strip_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabMorphStrip, strip_label);
  gtk_widget_class_bind_template_child (widget_class, LabMorphStrip, strip_box);
  lab_widget_figure_class_install (widget_class, get_figure);
}

static void
lab_morph_strip_init (LabMorphStrip *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < STEPS; i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *view = lab_image_view_new ();
      GtkWidget *caption = gtk_label_new (NULL);
      GtkGesture *click = gtk_gesture_click_new ();

      lab_image_view_set_pixel_size (LAB_IMAGE_VIEW (view), 72);
      gtk_widget_add_css_class (view, "thumbnail");
      g_object_set_data (G_OBJECT (view), "lab-step", GUINT_TO_POINTER (i));
      g_signal_connect (click, "pressed", G_CALLBACK (on_step_pressed), self);
      gtk_widget_add_controller (view, GTK_EVENT_CONTROLLER (click));
      gtk_widget_set_cursor_from_name (view, "pointer");
      gtk_widget_set_tooltip_text (view, _("Show this step large, to keep it"));
      gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (caption), 9);
      gtk_widget_add_css_class (caption, "strip-caption");
      gtk_box_append (GTK_BOX (box), view);
      gtk_box_append (GTK_BOX (box), caption);
      gtk_box_append (self->strip_box, box);
      self->views[i] = LAB_IMAGE_VIEW (view);
      self->captions[i] = GTK_LABEL (caption);
    }
  lab_widget_figure_init (GTK_WIDGET (self), NULL);
}
