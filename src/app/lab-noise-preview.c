#define G_LOG_DOMAIN "latentlab"

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-noise.h"
#include "lab-noise-preview.h"
#include "lab-rng.h"

/* The preview draws from this seed (mixed with the image index), so moving
 * the slider scales one fixed noise pattern instead of flickering. */
#define NOISE_SEED G_GUINT64_CONSTANT (0x1a7e47)

struct _LabNoisePreview
{
  GtkWidget     parent_instance;

  /* Template widgets */
  LabImageView *preview_view;
  LabImageView *noisy_view;
  GtkLabel     *preview_caption;
  GtkLabel     *noisy_caption;
  GtkLabel     *noise_description;
  GtkDropDown  *noise_type_dropdown;
  GtkScale     *noise_scale;

  /* Owned */
  LabDataset   *dataset;    /* NULL: nothing shown */
  guint         index;      /* G_MAXUINT: nothing shown */
};

/* In the order of the noise type dropdown, with what to tell the class. */
static const struct {
  LabNoiseType  type;
  const char   *description;
} noise_types[] = {
  { LAB_NOISE_GAUSSIAN,    N_("Every pixel gets amount × a random normal number added, then is clipped to black…white.") },
  { LAB_NOISE_SALT_PEPPER, N_("A fraction “amount” of the pixels, chosen at random, turns black or white.") },
  { LAB_NOISE_MASK,        N_("A fraction “amount” of the pixels, chosen at random, is blacked out.") },
  { LAB_NOISE_DOWNSAMPLE,  N_("Each 2×2 block of pixels is averaged: the image keeps its shape and loses fine detail.") },
};

G_DEFINE_FINAL_TYPE (LabNoisePreview, lab_noise_preview, GTK_TYPE_WIDGET)

static guint
current_noise_row (LabNoisePreview *self)
{
  guint pos = gtk_drop_down_get_selected (self->noise_type_dropdown);

  return pos < G_N_ELEMENTS (noise_types) ? pos : 0;
}

static void
update_noise (LabNoisePreview *self)
{
  guint index = self->index;
  LabDataset *ds = self->dataset;
  LabNoise noise;
  LabRng rng;
  g_autofree float *x = NULL;
  g_autofree char *caption = NULL;
  const guint8 *pixels;
  gsize n;

  guint row = current_noise_row (self);

  noise.type = noise_types[row].type;
  noise.amount = (float) gtk_range_get_value (GTK_RANGE (self->noise_scale));
  gtk_widget_set_sensitive (GTK_WIDGET (self->noise_scale), noise.type != LAB_NOISE_DOWNSAMPLE);
  gtk_label_set_label (self->noise_description, _(noise_types[row].description));

  if (noise.type == LAB_NOISE_DOWNSAMPLE)
    caption = g_strdup (_("Downsampled 2×2"));
  else
    /* Translators: under the noisy preview: the noise type and amount */
    caption = g_markup_printf_escaped (_("<b>%s</b>   amount %.2f"),
                                       gtk_string_object_get_string (gtk_drop_down_get_selected_item (self->noise_type_dropdown)),
                                       noise.amount);
  gtk_label_set_markup (self->noisy_caption, caption);

  if (index == G_MAXUINT || ds == NULL)
    {
      lab_image_view_clear (self->noisy_view);
      return;
    }

  /* x (height, width) in [0,1], as the trainer feeds the model. */
  n = (gsize) ds->height * ds->width;
  pixels = lab_dataset_image (ds, index);
  x = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    x[i] = pixels[i] / 255.0f;

  lab_rng_init (&rng, NOISE_SEED ^ ((guint64) index * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)));
  lab_noise_apply (&noise, x, 1, ds->height, ds->width, &rng);
  lab_image_view_set_float (self->noisy_view, x, ds->width, ds->height);
}

void
lab_noise_preview_show (LabNoisePreview *self,
                        LabDataset      *dataset,
                        guint            index)
{
  g_autofree char *number = NULL;
  g_autofree char *markup = NULL;

  g_return_if_fail (LAB_IS_NOISE_PREVIEW (self));

  if (dataset != self->dataset)
    {
      g_clear_pointer (&self->dataset, lab_dataset_unref);
      self->dataset = dataset != NULL ? lab_dataset_ref (dataset) : NULL;
    }
  self->index = dataset != NULL ? index : G_MAXUINT;
  if (self->index == G_MAXUINT)
    {
      lab_image_view_clear (self->preview_view);
      gtk_label_set_label (self->preview_caption, "");
      update_noise (self);
      return;
    }

  lab_image_view_set_gray (self->preview_view, lab_dataset_image (dataset, index), dataset->width, dataset->height);

  number = lab_format_count_localized (index);
  if (dataset->labels != NULL)
    {
      char buf[16];

      /* Translators: under the large image: its class, then its index */
      markup = g_markup_printf_escaped (_("<b>%s</b>   image %s"),
                                        lab_dataset_class_name (dataset, dataset->labels[index], buf), number);
    }
  else
    markup = g_markup_printf_escaped (_("Image %s"), number);
  gtk_label_set_markup (self->preview_caption, markup);

  update_noise (self);
}

GtkRange *
lab_noise_preview_get_noise_scale (LabNoisePreview *self)
{
  g_return_val_if_fail (LAB_IS_NOISE_PREVIEW (self), NULL);

  return GTK_RANGE (self->noise_scale);
}

GtkDropDown *
lab_noise_preview_get_noise_type (LabNoisePreview *self)
{
  g_return_val_if_fail (LAB_IS_NOISE_PREVIEW (self), NULL);

  return self->noise_type_dropdown;
}

LabImageView *
lab_noise_preview_get_clean_view (LabNoisePreview *self)
{
  g_return_val_if_fail (LAB_IS_NOISE_PREVIEW (self), NULL);

  return self->preview_view;
}

LabImageView *
lab_noise_preview_get_noisy_view (LabNoisePreview *self)
{
  g_return_val_if_fail (LAB_IS_NOISE_PREVIEW (self), NULL);

  return self->noisy_view;
}

static void
lab_noise_preview_dispose (GObject *object)
{
  LabNoisePreview *self = (LabNoisePreview *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_NOISE_PREVIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_noise_preview_parent_class)->dispose (object);
}

static void
lab_noise_preview_finalize (GObject *object)
{
  LabNoisePreview *self = (LabNoisePreview *)object;

  g_clear_pointer (&self->dataset, lab_dataset_unref);

  G_OBJECT_CLASS (lab_noise_preview_parent_class)->finalize (object);
}

static void
lab_noise_preview_class_init (LabNoisePreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_noise_preview_dispose;
  object_class->finalize = lab_noise_preview_finalize;

  g_type_ensure (LAB_TYPE_IMAGE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-noise-preview.ui");
  gtk_widget_class_set_css_name (widget_class, "noisepreview");
  gtk_widget_class_bind_template_child (widget_class, LabNoisePreview, preview_view);
  gtk_widget_class_bind_template_child (widget_class, LabNoisePreview, noisy_view);
  gtk_widget_class_bind_template_child (widget_class, LabNoisePreview, preview_caption);
  gtk_widget_class_bind_template_child (widget_class, LabNoisePreview, noisy_caption);
  gtk_widget_class_bind_template_child (widget_class, LabNoisePreview, noise_description);
  gtk_widget_class_bind_template_child (widget_class, LabNoisePreview, noise_type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabNoisePreview, noise_scale);
}

static void
lab_noise_preview_init (LabNoisePreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->index = G_MAXUINT;
  g_signal_connect_swapped (self->noise_type_dropdown, "notify::selected", G_CALLBACK (update_noise), self);
  g_signal_connect_swapped (self->noise_scale, "value-changed", G_CALLBACK (update_noise), self);
  update_noise (self);
}
