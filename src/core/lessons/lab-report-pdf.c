#define G_LOG_DOMAIN "latentlab-core"

/* A report's blocks laid out on A4 pages: the title page, text that wraps,
 * tables whose header repeats on the next page, figures kept whole, a
 * footer with the page number; written as a PDF through lab_save. */

#include "lab-report-private.h"

#include <cairo-pdf.h>

#include "lab-format.h"
#include "lab-save.h"

/* A Pango layout of text in the report's font, wrapped at width. */
PangoLayout *
lab_report_text_layout (cairo_t    *cr,
                        const char *text,
                        double      width,
                        double      size,
                        gboolean    bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (font);
  return layout;
}

void
lab_report_draw_text (cairo_t       *cr,
           const char    *text,
           double         x,
           double         y,
           double         width,
           double         size,
           gboolean       bold,
           PangoAlignment align)
{
  PangoLayout *layout = lab_report_text_layout (cr, text, width, size, bold);

  pango_layout_set_alignment (layout, align);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

typedef struct
{
  LabReport *report;
  cairo_t   *cr;
  double     y;
  guint      page;
} Layout;

/* Tables of at most this many rows are not split across pages. */
#define KEEP_TOGETHER_ROWS  15
/* See figure_block (). */
#define FIGURE_SCALE        1.35

static double
text_height (cairo_t    *cr,
             const char *text,
             double      width,
             double      size,
             gboolean    bold)
{
  PangoLayout *layout = lab_report_text_layout (cr, text, width, size, bold);
  int h;

  pango_layout_get_pixel_size (layout, NULL, &h);
  g_object_unref (layout);
  return h;
}

/* The width text takes on one line. */
static double
text_width (cairo_t    *cr,
            const char *text,
            double      size,
            gboolean    bold)
{
  PangoLayout *layout = lab_report_text_layout (cr, text, 0, size, bold);
  int w;

  pango_layout_get_pixel_size (layout, &w, NULL);
  g_object_unref (layout);
  return w;
}

static void
footer (Layout *l)
{
  g_autofree char *text = g_strdup_printf ("%s · %u", l->report->title, l->page);

  cairo_set_source_rgb (l->cr, 0.45, 0.45, 0.45);
  lab_report_draw_text (l->cr, text, MARGIN, FOOTER_Y, CONTENT_W, 8, FALSE, PANGO_ALIGN_RIGHT);
}

static void
new_page (Layout *l)
{
  footer (l);
  cairo_show_page (l->cr);
  l->page++;
  l->y = MARGIN;
}

/* Room for h more points on this page, else a new page. */
static void
need (Layout *l,
      double  h)
{
  if (l->y + h > FOOTER_Y - GAP && l->y > MARGIN)
    new_page (l);
}

/* keep_with: room for what must follow on the same page (a heading's
 * first lines). */
static void
text_block (Layout     *l,
            const char *text,
            double      size,
            gboolean    bold,
            double      space_before,
            double      keep_with)
{
  double h = text_height (l->cr, text, CONTENT_W, size, bold);

  need (l, h + space_before + keep_with);
  if (l->y > MARGIN)
    l->y += space_before;
  cairo_set_source_rgb (l->cr, 0.1, 0.1, 0.1);
  lab_report_draw_text (l->cr, text, MARGIN, l->y, CONTENT_W, size, bold, PANGO_ALIGN_LEFT);
  l->y += h + GAP * 0.6;
}

#define TABLE_SIZE 8.5

static void
table_row (Layout       *l,
           char * const *cells,
           guint         n,
           const double *col_w,
           double        h,
           gboolean      header,
           gboolean      shade)
{
  double x = MARGIN;

  if (header || shade)
    {
      if (header)
        cairo_set_source_rgb (l->cr, 0.86, 0.89, 0.94);
      else
        cairo_set_source_rgb (l->cr, 0.96, 0.96, 0.96);
      cairo_rectangle (l->cr, MARGIN, l->y, CONTENT_W, h);
      cairo_fill (l->cr);
    }
  cairo_set_source_rgb (l->cr, 0.1, 0.1, 0.1);
  for (guint c = 0; c < n; c++)
    {
      lab_report_draw_text (l->cr, cells[c], x + ROW_PAD, l->y + ROW_PAD, col_w[c] - 2 * ROW_PAD,
                 TABLE_SIZE, header, c == 0 ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);
      x += col_w[c];
    }
  l->y += h;
}

static double
row_height (Layout       *l,
            char * const *cells,
            guint         n,
            const double *col_w,
            gboolean      header)
{
  double h = 0;

  for (guint c = 0; c < n; c++)
    h = MAX (h, text_height (l->cr, cells[c], col_w[c] - 2 * ROW_PAD, TABLE_SIZE, header));
  return h + 2 * ROW_PAD;
}

/* The widest word of text, which a column must not be narrower than: Pango
 * would break it in the middle ("Paramètre-s"). */
static double
widest_word (cairo_t    *cr,
             const char *text,
             gboolean    bold)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \n", -1);
  double w = 0;

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      w = MAX (w, text_width (cr, words[i], TABLE_SIZE, bold));
  return w;
}

static void
table_block (Layout *l,
             Table  *t)
{
  g_autofree double *col_w = g_new0 (double, t->n_columns);
  g_autofree double *min_w = g_new0 (double, t->n_columns);
  double total = 0, total_min = 0, header_h;

  /* Columns take their widest cell (bounded so one long cell cannot
   * squeeze the others to nothing) and share what is left over in
   * proportion; when the cells are too wide together (longer words in
   * French and German), the columns that can wrap give up width in
   * proportion to what they can give, none below its widest word. */
  for (guint c = 0; c < t->n_columns; c++)
    {
      col_w[c] = text_width (l->cr, t->header[c], TABLE_SIZE, TRUE);
      min_w[c] = widest_word (l->cr, t->header[c], TRUE);
      for (guint r = 0; r < t->rows->len; r++)
        {
          char **row = g_ptr_array_index (t->rows, r);
          col_w[c] = MAX (col_w[c], text_width (l->cr, row[c], TABLE_SIZE, FALSE));
          min_w[c] = MAX (min_w[c], widest_word (l->cr, row[c], FALSE));
        }
      col_w[c] = CLAMP (col_w[c] + 2 * ROW_PAD + 4, 30, CONTENT_W * 0.45);
      min_w[c] = MIN (min_w[c] + 2 * ROW_PAD + 4, col_w[c]);
      total += col_w[c];
      total_min += min_w[c];
    }
  if (total <= CONTENT_W || total_min >= CONTENT_W)
    for (guint c = 0; c < t->n_columns; c++)
      col_w[c] *= CONTENT_W / total;
  else
    {
      double give = (total - CONTENT_W) / (total - total_min);

      for (guint c = 0; c < t->n_columns; c++)
        col_w[c] -= (col_w[c] - min_w[c]) * give;
    }

  header_h = row_height (l, t->header, t->n_columns, col_w, TRUE);
  /* A short table stays in one piece: on the next page rather than split
   * with a row or two left over. */
  if (t->rows->len <= KEEP_TOGETHER_ROWS)
    {
      double whole = header_h + GAP * 1.5;

      if (t->caption != NULL)
        whole += text_height (l->cr, t->caption, CONTENT_W, 9, TRUE) + 3;
      for (guint r = 0; r < t->rows->len; r++)
        whole += row_height (l, g_ptr_array_index (t->rows, r), t->n_columns, col_w, FALSE);
      need (l, whole);
    }
  if (t->caption != NULL)
    {
      double ch = text_height (l->cr, t->caption, CONTENT_W, 9, TRUE);
      need (l, ch + header_h * 2 + GAP);
      l->y += GAP * 0.5;
      cairo_set_source_rgb (l->cr, 0.1, 0.1, 0.1);
      lab_report_draw_text (l->cr, t->caption, MARGIN, l->y, CONTENT_W, 9, TRUE, PANGO_ALIGN_LEFT);
      l->y += ch + 3;
    }
  else
    need (l, header_h * 2);
  table_row (l, t->header, t->n_columns, col_w, header_h, TRUE, FALSE);
  for (guint r = 0; r < t->rows->len; r++)
    {
      char **row = g_ptr_array_index (t->rows, r);
      double h = row_height (l, row, t->n_columns, col_w, FALSE);

      if (l->y + h > FOOTER_Y - GAP)
        {
          new_page (l);
          table_row (l, t->header, t->n_columns, col_w, header_h, TRUE, FALSE);
        }
      table_row (l, row, t->n_columns, col_w, h, FALSE, r % 2 == 1);
    }
  l->y += GAP;
}

static void
figure_block (Layout *l,
              guint   index)
{
  Figure *f = g_ptr_array_index (l->report->figures, index);
  /* Image grids a little narrower than the text: five three-row grids of
   * ten digits share a page, their digits still a centimetre and more. */
  double w = f->images != NULL ? CONTENT_W * 0.85 : CONTENT_W, h = w * f->aspect;
  /* Figures are drawn at this many times their size on the page, then
   * scaled down: their type, sized for a screen, becomes the size of a
   * printed figure's (a plot's 15-point legend prints at 11 points) and the
   * legend of ten classes fits beside a map a third of a page high. */
  const double s = FIGURE_SCALE;
  double max_h = FOOTER_Y - MARGIN - GAP * 4;
  double ch = f->caption ? text_height (l->cr, f->caption, CONTENT_W, 8.5, FALSE) : 0;

  if (h > max_h * 0.75)
    {
      h = max_h * 0.75;
      w = h / f->aspect;
    }
  need (l, h + ch + GAP * 2);
  cairo_save (l->cr);
  cairo_translate (l->cr, MARGIN + (CONTENT_W - w) / 2, l->y);
  cairo_rectangle (l->cr, 0, 0, w, h);
  cairo_clip (l->cr);
  cairo_scale (l->cr, 1 / s, 1 / s);
  lab_report_draw_figure (l->report, index, l->cr, w * s, h * s);
  cairo_restore (l->cr);
  l->y += h + 4;
  if (f->caption)
    {
      cairo_set_source_rgb (l->cr, 0.3, 0.3, 0.3);
      lab_report_draw_text (l->cr, f->caption, MARGIN, l->y, CONTENT_W, 8.5, FALSE, PANGO_ALIGN_CENTER);
      l->y += ch;
    }
  l->y += GAP * 1.5;
}

static cairo_status_t
write_to_save (void                *closure,
               const unsigned char *data,
               unsigned int         length)
{
  return lab_save_write (closure, data, length) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

gboolean
lab_report_write_pdf (LabReport   *self,
                      const char  *path,
                      guint       *n_pages,
                      GError     **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  Layout l = { self, NULL, MARGIN, 1 };
  /* Through lab_save: the previous report survives any failure. */
  LabSave *save = lab_save_begin (path, error);

  gpointer previous;

  if (save == NULL)
    return FALSE;
  /* The figures' axes in the user's numbers, as the rest of the text. */
  previous = lab_format_numbers_use (TRUE);
  surface = cairo_pdf_surface_create_for_stream (write_to_save, save, PAGE_W, PAGE_H);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, self->title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "LatentLab");
  l.cr = cairo_create (surface);

  /* Title page: the title a third of the way down, the subtitle under it,
   * then what came before the first page break. */
  l.y = PAGE_H * 0.22;
  text_block (&l, self->title, 24, TRUE, 0, 0);
  if (self->subtitle)
    text_block (&l, self->subtitle, 12, FALSE, 0, 0);
  l.y += GAP * 2;

  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *b = &g_array_index (self->blocks, Block, i);

      switch (b->kind)
        {
        case BLOCK_HEADING:
          text_block (&l, b->text, 14, TRUE, GAP, 90);
          break;
        case BLOCK_PARAGRAPH:
          text_block (&l, b->text, 10, FALSE, 0, 0);
          break;
        case BLOCK_PAGE_BREAK:
          new_page (&l);
          break;
        case BLOCK_TABLE:
          table_block (&l, g_ptr_array_index (self->tables, b->index));
          break;
        case BLOCK_FIGURE:
          figure_block (&l, b->index);
          break;
        }
    }
  footer (&l);
  cairo_show_page (l.cr);
  cairo_destroy (l.cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  lab_format_numbers_restore (previous);
  /* A write failure is already in the save, with its reason. */
  if (status != CAIRO_STATUS_SUCCESS)
    lab_save_fail (save, g_strdup (cairo_status_to_string (status)));
  if (!lab_save_commit (save, error))
    return FALSE;
  if (n_pages)
    *n_pages = l.page;
  return TRUE;
}
