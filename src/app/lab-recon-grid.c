#define G_LOG_DOMAIN "latentlab"

#include "lab-recon-grid.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-accessible-text.h"
#include "lab-plot-describe.h"
#include "lab-presentation.h"
#include "lab-widget-figure.h"

/* The drawing and the layout are the core's LabImageGrid, slate included,
 * so a file exported from the grid looks like the screen. */
struct _LabReconGrid
{
  GtkWidget     parent_instance;

  LabImageGrid *grid;       /* owned */
  guint         n_updates;
  double        psnr, noisy_psnr;   /* of the batch shown, dB; NAN: none */
};

G_DEFINE_FINAL_TYPE (LabReconGrid, lab_recon_grid, GTK_TYPE_WIDGET)

static void
lab_recon_grid_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  LabReconGrid *self = LAB_RECON_GRID (widget);

  lab_image_grid_set_text_scale (self->grid, lab_presentation_get_scale (widget));
  lab_image_grid_measure (self->grid, orientation == GTK_ORIENTATION_HORIZONTAL, minimum, natural);
}

static void
lab_recon_grid_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  lab_widget_figure_allocate (widget);
}

static gboolean
get_figure (GtkWidget        *widget,
            LabWidgetFigure  *figure,
            GError          **error)
{
  figure->draw = lab_image_grid_draw_figure;
  figure->figure = LAB_RECON_GRID (widget)->grid;
  figure->name = "reconstructions";
  return TRUE;
}

static void
lab_recon_grid_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  LabReconGrid *self = LAB_RECON_GRID (widget);

  lab_image_grid_set_text_scale (self->grid, lab_presentation_get_scale (widget));
  lab_widget_snapshot_figure (widget, snapshot, lab_image_grid_draw_figure, self->grid);
}

/* After a change: a new size when the grid asks for another, else a redraw. */
typedef struct
{
  int w_min, w_nat, h_min, h_nat;
} Sizes;

static Sizes
grid_sizes (LabReconGrid *self)
{
  Sizes s;

  lab_image_grid_measure (self->grid, TRUE, &s.w_min, &s.w_nat);
  lab_image_grid_measure (self->grid, FALSE, &s.h_min, &s.h_nat);
  return s;
}

static void
describe (GtkWidget *widget)
{
  LabReconGrid *self = LAB_RECON_GRID (widget);
  g_autofree char *rows = lab_image_grid_describe (self->grid);
  g_autofree char *psnr = lab_psnr_describe (self->psnr, self->noisy_psnr);
  g_autofree char *text = psnr != NULL ? g_strconcat (rows, " ", psnr, NULL) : g_strdup (rows);

  lab_accessible_set_text (widget, _("Reconstructions"), text);
}

static void
changed (LabReconGrid *self,
         Sizes         before)
{
  Sizes after = grid_sizes (self);

  lab_accessible_update_later (GTK_WIDGET (self), describe);
  if (memcmp (&before, &after, sizeof before) != 0)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
lab_recon_grid_finalize (GObject *object)
{
  LabReconGrid *self = (LabReconGrid *)object;

  g_clear_pointer (&self->grid, lab_image_grid_free);

  G_OBJECT_CLASS (lab_recon_grid_parent_class)->finalize (object);
}

static void
lab_recon_grid_class_init (LabReconGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lab_recon_grid_finalize;
  widget_class->measure = lab_recon_grid_measure;
  widget_class->size_allocate = lab_recon_grid_size_allocate;
  widget_class->snapshot = lab_recon_grid_snapshot;
  gtk_widget_class_set_css_name (widget_class, "recongrid");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  lab_widget_figure_class_install (widget_class, get_figure);
}

static void
lab_recon_grid_init (LabReconGrid *self)
{
  self->grid = lab_image_grid_new ();
  self->psnr = self->noisy_psnr = NAN;
  lab_widget_figure_init (GTK_WIDGET (self), NULL);
  lab_accessible_update_later (GTK_WIDGET (self), describe);
}

GtkWidget *
lab_recon_grid_new (void)
{
  return g_object_new (LAB_TYPE_RECON_GRID, NULL);
}

LabImageGrid *
lab_recon_grid_get_grid (LabReconGrid *self)
{
  g_return_val_if_fail (LAB_IS_RECON_GRID (self), NULL);

  return self->grid;
}

void
lab_recon_grid_set_n_rows (LabReconGrid *self,
                           guint         n_rows)
{
  g_return_if_fail (LAB_IS_RECON_GRID (self));
  g_return_if_fail (n_rows <= LAB_RECON_GRID_MAX_ROWS);

  lab_image_grid_set_n_rows (self->grid, n_rows);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
lab_recon_grid_set_row_title (LabReconGrid *self,
                              guint         row,
                              const char   *title)
{
  Sizes before;

  g_return_if_fail (LAB_IS_RECON_GRID (self));
  g_return_if_fail (row < LAB_RECON_GRID_MAX_ROWS);

  before = grid_sizes (self);
  lab_image_grid_set_row_title (self->grid, row, title);
  changed (self, before);
}

void
lab_recon_grid_set_placeholder (LabReconGrid *self,
                                guint         row,
                                const char   *text)
{
  g_return_if_fail (LAB_IS_RECON_GRID (self));
  g_return_if_fail (row < LAB_RECON_GRID_MAX_ROWS);

  lab_image_grid_set_placeholder (self->grid, row, text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_recon_grid_set_row (LabReconGrid *self,
                        guint         row,
                        const float  *pixels,
                        guint         n,
                        guint         height,
                        guint         width)
{
  Sizes before;

  g_return_if_fail (LAB_IS_RECON_GRID (self));
  g_return_if_fail (row < LAB_RECON_GRID_MAX_ROWS);

  before = grid_sizes (self);
  lab_image_grid_set_row_float (self->grid, row, pixels, n, height, width);
  self->n_updates++;
  /* rows set one by one are no longer the batch measured */
  self->psnr = self->noisy_psnr = NAN;
  changed (self, before);
}

void
lab_recon_grid_set_captions (LabReconGrid       *self,
                             guint               row,
                             const char * const *captions)
{
  Sizes before;

  g_return_if_fail (LAB_IS_RECON_GRID (self));
  g_return_if_fail (row < LAB_RECON_GRID_MAX_ROWS);

  before = grid_sizes (self);
  lab_image_grid_set_captions (self->grid, row, captions);
  changed (self, before);
}

void
lab_recon_grid_show_batch (LabReconGrid        *self,
                           const LabReconBatch *batch,
                           gboolean             with_metrics)
{
  g_return_if_fail (LAB_IS_RECON_GRID (self));
  g_return_if_fail (batch != NULL);

  lab_recon_grid_set_row (self, 0, batch->input, batch->n, batch->in_shape.h, batch->in_shape.w);
  if (lab_recon_batch_has_images (batch))
    lab_recon_grid_set_row (self, 1, batch->output, batch->n, batch->out_shape.h, batch->out_shape.w);
  else
    lab_recon_grid_set_row (self, 1, NULL, 0, 0, 0);
  lab_recon_grid_set_row (self, 2, batch->clean, batch->n, batch->height, batch->width);
  self->psnr = lab_recon_batch_has_images (batch) ? batch->mean_psnr : NAN;
  self->noisy_psnr = batch->mean_noisy_psnr;

  if (with_metrics)
    {
      g_autoptr(GStrvBuilder) noisy = g_strv_builder_new ();
      g_autoptr(GStrvBuilder) output = g_strv_builder_new ();
      g_auto(GStrv) noisy_v = NULL;
      g_auto(GStrv) output_v = NULL;

      for (guint i = 0; i < batch->n; i++)
        {
          g_autofree char *a = isfinite (batch->noisy_psnr[i])
                               ? g_strdup_printf ("%.1f dB", batch->noisy_psnr[i]) : g_strdup ("");
          g_autofree char *b = isfinite (batch->psnr[i])
                               ? g_strdup_printf ("%.1f dB\n%.4f", batch->psnr[i], batch->mse[i])
                               : g_strdup ("");

          g_strv_builder_add (noisy, a);
          g_strv_builder_add (output, b);
        }
      noisy_v = g_strv_builder_end (noisy);
      output_v = g_strv_builder_end (output);
      lab_recon_grid_set_captions (self, 0, (const char * const *) noisy_v);
      lab_recon_grid_set_captions (self, 1, (const char * const *) output_v);
    }
  else
    {
      lab_recon_grid_set_captions (self, 0, NULL);
      lab_recon_grid_set_captions (self, 1, NULL);
    }
}

void
lab_recon_grid_set_max_columns (LabReconGrid *self,
                                guint         max_columns)
{
  g_return_if_fail (LAB_IS_RECON_GRID (self));

  lab_image_grid_set_max_columns (self->grid, max_columns);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const guint8 *
lab_recon_grid_get_row_pixels (LabReconGrid *self,
                               guint         row,
                               guint        *n,
                               guint        *height,
                               guint        *width)
{
  g_return_val_if_fail (LAB_IS_RECON_GRID (self), NULL);
  g_return_val_if_fail (row < LAB_RECON_GRID_MAX_ROWS, NULL);

  return lab_image_grid_get_row_pixels (self->grid, row, n, height, width);
}

guint
lab_recon_grid_get_n_updates (LabReconGrid *self)
{
  g_return_val_if_fail (LAB_IS_RECON_GRID (self), 0);

  return self->n_updates;
}
