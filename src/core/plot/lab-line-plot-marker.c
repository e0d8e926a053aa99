#define G_LOG_DOMAIN "latentlab-core"

#include "lab-line-plot-private.h"

#include "lab-plot-draw.h"

/* A marker's label ("trained", "now") goes beside its dashed line, GAP
 * from it, at the top of the plot area where that hides nothing, else at
 * the bottom, else at a height between, on whichever side is free: never
 * over a curve (a sweep's PSNR starts at the top left, where a label right
 * of a marker at 0 used to sit), the legend, or another marker's label or
 * line. Where every place hides some of a curve, the one hiding least. */
#define GAP     4
#define INSET   4     /* from the plot area's edges */
#define CLEAR   4     /* around the text, kept free of the curves' points */
#define STEP    4     /* between the heights tried */
#define MAX_PLACED 8  /* labels a plot keeps apart */

typedef struct
{
  double x, y, w, h;
} Box;

static gboolean
overlap (const Box *a,
         const Box *b)
{
  return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

/* The markers' lines' x in the drawing, NAN for one off the x range. */
static double
marker_px (LabLinePlot             *self,
           const LabLinePlotLayout *l,
           const LabLineMarker     *m)
{
  double v;

  if (self->log_x && m->x <= 0)
    return NAN;
  v = lab_line_plot_tx (self, m->x);
  if (v < l->x0 || v > l->x1)
    return NAN;
  return round (l->left + (v - l->x0) / (l->x1 - l->x0) * l->pw) + 0.5;
}

/* Whether box b, a label's, stays clear of the legend over the plot area,
 * of the labels placed before it and of the other markers' lines. */
static gboolean
free_of_others (LabLinePlot             *self,
                const LabLinePlotLayout *l,
                const Box               *b,
                const Box               *placed,
                guint                    n_placed,
                guint                    own)
{
  Box legend = { l->lx - 2, l->ly - 2, l->lw + 4, l->lh + 4 };

  if (self->series->len > 0 && l->lw > 0 && overlap (b, &legend))
    return FALSE;
  for (guint i = 0; i < n_placed; i++)
    {
      Box apart = { placed[i].x - GAP, placed[i].y - 2, placed[i].w + 2 * GAP, placed[i].h + 4 };

      if (overlap (b, &apart))
        return FALSE;
    }
  for (guint i = 0; i < self->markers->len; i++)
    {
      double px = marker_px (self, l, &g_array_index (self->markers, LabLineMarker, i));

      if (i != own && isfinite (px) && px > b->x - 2 && px < b->x + b->w + 2)
        return FALSE;
    }
  return TRUE;
}

/* Where marker own's label, w x h, goes beside its line at px: the first
 * free place of those tried, else the one hiding least of the curves. */
static Box
place_label (LabLinePlot             *self,
             const LabLinePlotLayout *l,
             double                   px,
             double                   w,
             double                   h,
             const Box               *placed,
             guint                    n_placed,
             guint                    own)
{
  /* right of the line, but near the right edge */
  gboolean left_first = px > l->left + l->pw * 0.7;
  double top = l->top + INSET, bottom = l->top + l->ph - INSET - h;
  Box best = { left_first ? px - GAP - w : px + GAP, top, w, h };
  guint least = G_MAXUINT;

  for (guint k = 0; bottom >= top; k++)
    {
      /* the top, the bottom, then the heights between from the top down */
      double y = k == 0 ? top : k == 1 ? bottom : top + STEP * (k - 1);

      if (k > 1 && y >= bottom)
        break;
      for (guint side = 0; side < 2; side++)
        {
          gboolean on_left = (side == 0) == left_first;
          Box b = { on_left ? px - GAP - w : px + GAP, y, w, h };
          guint hidden;

          if (b.x < l->left + INSET || b.x + b.w > l->left + l->pw - INSET
              || !free_of_others (self, l, &b, placed, n_placed, own))
            continue;
          hidden = l->have_data ? lab_line_plot_hidden_by (self, l, b.x - CLEAR, b.y - CLEAR,
                                                           b.w + 2 * CLEAR, b.h + 2 * CLEAR)
                                : 0;
          if (hidden == 0)
            return b;
          if (hidden < least)
            {
              least = hidden;
              best = b;
            }
        }
    }
  return best;
}

void
lab_line_plot_markers_draw_lines (LabLinePlot             *self,
                                  cairo_t                 *cr,
                                  const LabLinePlotLayout *l)
{
  const double dash[] = { 5, 4 };

  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  cairo_set_dash (cr, dash, 2, 0);
  for (guint i = 0; i < self->markers->len; i++)
    {
      double px = marker_px (self, l, &g_array_index (self->markers, LabLineMarker, i));

      if (!isfinite (px))
        continue;
      cairo_move_to (cr, px, l->top);
      cairo_line_to (cr, px, l->top + l->ph);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

void
lab_line_plot_markers_draw_labels (LabLinePlot             *self,
                                   cairo_t                 *cr,
                                   const LabLinePlotLayout *l)
{
  Box placed[MAX_PLACED];
  guint n_placed = 0;

  cairo_save (cr);
  cairo_set_font_size (cr, 12);
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  for (guint i = 0; i < self->markers->len; i++)
    {
      LabLineMarker *m = &g_array_index (self->markers, LabLineMarker, i);
      double px = marker_px (self, l, m);
      cairo_text_extents_t ext;
      Box b;

      if (!isfinite (px) || m->label == NULL || m->label[0] == '\0')
        continue;
      cairo_text_extents (cr, m->label, &ext);
      b = place_label (self, l, px, ext.x_advance, ext.height, placed, n_placed, i);
      lab_plot_text_at (cr, m->label, b.x, b.y, 0, 0);
      if (n_placed < MAX_PLACED)
        placed[n_placed++] = b;
    }
  cairo_restore (cr);
}
