#define G_LOG_DOMAIN "latentlab"

#include "lab-arch-summary.h"

#include <glib/gi18n.h>

#include "lab-format.h"

struct _LabArchSummary
{
  GtkWidget     parent_instance;

  /* Template widgets */
  GtkListBox   *summary_list;
  GtkLabel     *total_label;
  GtkLabel     *details_label;
  GtkLabel     *task_label;
  GtkRevealer  *error_revealer;
  GtkLabel     *error_label;

  /* Owned: the table's four columns line up across its rows */
  GtkSizeGroup *columns[4];
};

G_DEFINE_FINAL_TYPE (LabArchSummary, lab_arch_summary, GTK_TYPE_WIDGET)

static GtkWidget *
summary_cell (LabArchSummary *self,
              guint           column,
              const char     *text,
              float           xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (column == 1)
    {
      /* The long names ("conv_transpose2d_1 (Conv2DTranspose)") may not
       * fit: cut, with the whole name on hover. */
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_tooltip_text (label, text);
      gtk_widget_set_hexpand (label, TRUE);
    }
  gtk_size_group_add_widget (self->columns[column], label);
  return label;
}

static void
summary_add_row (LabArchSummary *self,
                 const char     *index,
                 const char     *label,
                 const char     *shape,
                 const char     *params,
                 const char     *css_class)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *row;

  gtk_box_append (GTK_BOX (box), summary_cell (self, 0, index, 1.0f));
  gtk_box_append (GTK_BOX (box), summary_cell (self, 1, label, 0.0f));
  gtk_box_append (GTK_BOX (box), summary_cell (self, 2, shape, 0.0f));
  gtk_box_append (GTK_BOX (box), summary_cell (self, 3, params, 1.0f));
  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  if (css_class)
    gtk_widget_add_css_class (row, css_class);
  gtk_list_box_append (self->summary_list, row);
}

static void
show_table (LabArchSummary       *self,
            const LabSpecSummary *summary,
            LabShape              input)
{
  GtkWidget *child;
  g_autofree char *input_shape = lab_shape_to_keras (input);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_list))) != NULL)
    gtk_list_box_remove (self->summary_list, child);

  summary_add_row (self, "#", _("Layer (type)"), _("Output shape"), _("Param #"), "header");
  summary_add_row (self, "", "input (InputLayer)", input_shape, "0", NULL);
  for (guint i = 0; summary && i < summary->rows->len; i++)
    {
      LabSummaryRow *row = g_ptr_array_index (summary->rows, i);
      g_autofree char *index = g_strdup_printf ("%u", row->index);
      g_autofree char *label = g_strdup_printf ("%s (%s)", row->name, row->title);
      g_autofree char *params = lab_format_count_localized (row->params + row->buffers);

      summary_add_row (self, index, label, row->output_shape, params, row->is_latent ? "latent" : NULL);
    }
  /* The layer that does not fit ends the table. */
  if (summary && summary->error_layer >= 0)
    {
      g_autofree char *index = g_strdup_printf ("%d", summary->error_layer);

      summary_add_row (self, index, lab_spec_get_layer_type (summary->spec, summary->error_layer),
                       _("does not fit"), "", "error");
    }
}

static void
show_totals (LabArchSummary       *self,
             const LabSpecSummary *summary)
{
  if (summary != NULL && summary->error == NULL)
    {
      g_autofree char *total = lab_format_count_localized (summary->n_params + summary->n_buffers);
      g_autofree char *trainable = lab_format_count_localized (summary->n_params);
      g_autofree char *frozen = lab_format_count_localized (summary->n_buffers);
      g_autofree char *latent = lab_shape_to_keras (summary->latent);
      g_autofree char *latent_size = lab_format_count_localized (lab_shape_size (summary->latent));
      g_autofree char *details = NULL;
      double macs = (double) summary->macs;
      g_autofree char *work = macs >= 1e6 ? g_strdup_printf (_("%.1f M multiply-adds per image"), macs / 1e6)
                                          : g_strdup_printf (_("%.0f k multiply-adds per image"), macs / 1e3);

      gtk_label_set_text (self->total_label, total);
      details = g_strdup_printf (_("%s trainable · %s non-trainable\n"
                                   "Latent %s: %s values\n%s"),
                                 trainable, frozen, latent, latent_size, work);
      gtk_label_set_text (self->details_label, details);
    }
  else
    {
      gtk_label_set_text (self->total_label, "—");
      gtk_label_set_text (self->details_label, _("Fix the highlighted layer to see the totals."));
    }
}

/* What training will do with this model: the same rules as lab_task_for_size,
 * told before there is a dataset. A mismatch is a warning, not an error:
 * a folder of PNGs may have any size. */
static void
show_task (LabArchSummary       *self,
           const LabSpecSummary *summary,
           LabShape              in,
           LabLossKind           loss)
{
  LabShape out = summary ? summary->output : (LabShape) { 0, 0, 0 };
  g_autofree char *text = NULL;
  gboolean warn = FALSE;

  if (summary == NULL || summary->error != NULL)
    text = NULL;
  else if (in.c != 1)
    {
      text = g_strdup_printf (_("Every dataset is grayscale: give the input 1 channel, not %u."), in.c);
      warn = TRUE;
    }
  else if (loss == LAB_LOSS_SOFTMAX_CE)
    text = g_strdup_printf (_("Classifies %u×%u images into %zu classes."),
                            in.h, in.w, lab_shape_size (out));
  else if (out.c == 1 && out.h == in.h && out.w == in.w)
    text = g_strdup_printf (_("Reconstructs %u×%u images: the output has the input’s shape."), in.h, in.w);
  else if (out.c == 1 && out.h == 2 * in.h && out.w == 2 * in.w)
    text = g_strdup_printf (_("Super-resolves %u×%u images to %u×%u."), in.h, in.w, out.h, out.w);
  else
    {
      g_autofree char *out_text = lab_shape_to_keras (out);
      g_autofree char *in_text = lab_shape_to_keras (in);

      text = g_strdup_printf (_("The output %s does not match the input %s: an autoencoder "
                                "must give back an image of one channel and the input’s size."),
                              out_text, in_text);
      warn = TRUE;
    }
  gtk_label_set_text (self->task_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->task_label), text != NULL);
  if (warn)
    gtk_widget_add_css_class (GTK_WIDGET (self->task_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->task_label), "warning");
}

void
lab_arch_summary_show (LabArchSummary       *self,
                       const LabSpecSummary *summary,
                       LabShape              input,
                       LabLossKind           loss,
                       const char           *message)
{
  g_return_if_fail (LAB_IS_ARCH_SUMMARY (self));

  show_table (self, summary, input);
  show_totals (self, summary);
  show_task (self, summary, input, loss);
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

const char *
lab_arch_summary_get_total_text (LabArchSummary *self)
{
  g_return_val_if_fail (LAB_IS_ARCH_SUMMARY (self), NULL);

  return gtk_label_get_text (self->total_label);
}

guint
lab_arch_summary_get_n_rows (LabArchSummary *self)
{
  guint n = 0;

  g_return_val_if_fail (LAB_IS_ARCH_SUMMARY (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    n += !gtk_widget_has_css_class (child, "header");
  return n;
}

static void
lab_arch_summary_dispose (GObject *object)
{
  LabArchSummary *self = LAB_ARCH_SUMMARY (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_ARCH_SUMMARY);
  /* dispose_template only unparents the bound children. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  for (guint i = 0; i < G_N_ELEMENTS (self->columns); i++)
    g_clear_object (&self->columns[i]);

  G_OBJECT_CLASS (lab_arch_summary_parent_class)->dispose (object);
}

static void
lab_arch_summary_class_init (LabArchSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_arch_summary_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-arch-summary.ui");
  gtk_widget_class_bind_template_child (widget_class, LabArchSummary, summary_list);
  gtk_widget_class_bind_template_child (widget_class, LabArchSummary, total_label);
  gtk_widget_class_bind_template_child (widget_class, LabArchSummary, details_label);
  gtk_widget_class_bind_template_child (widget_class, LabArchSummary, task_label);
  gtk_widget_class_bind_template_child (widget_class, LabArchSummary, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabArchSummary, error_label);
}

static void
lab_arch_summary_init (LabArchSummary *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (self->columns); i++)
    self->columns[i] = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
}
