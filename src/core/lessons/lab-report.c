#define G_LOG_DOMAIN "latentlab-core"

#include "lab-report-private.h"

#include <math.h>
#include <stdio.h>
#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lab-figure.h"
#include "lab-format.h"
#include "lab-save.h"

static void
block_clear (gpointer data)
{
  Block *b = data;

  g_free (b->text);
}

static void
table_free (gpointer data)
{
  Table *t = data;

  g_free (t->name);
  g_free (t->caption);
  g_strfreev (t->header);
  g_ptr_array_unref (t->rows);
  g_strfreev (t->csv_header);
  g_ptr_array_unref (t->csv_rows);
  g_free (t);
}

static void
figure_free (gpointer data)
{
  Figure *f = data;

  g_free (f->name);
  g_free (f->caption);
  g_clear_pointer (&f->plot, lab_line_plot_free);
  if (f->destroy != NULL)
    f->destroy (f->figure);
  g_free (f->images);
  g_strfreev (f->row_labels);
  if (f->captions != NULL)
    for (guint i = 0; i < f->n; i++)
      g_free (f->captions[i]);
  g_free (f->captions);
  g_free (f);
}

LabReport *
lab_report_new (const char *title,
                const char *subtitle)
{
  LabReport *self = g_new0 (LabReport, 1);

  self->title = g_strdup (title);
  self->subtitle = g_strdup (subtitle);
  self->blocks = g_array_new (FALSE, TRUE, sizeof (Block));
  g_array_set_clear_func (self->blocks, block_clear);
  self->tables = g_ptr_array_new_with_free_func (table_free);
  self->figures = g_ptr_array_new_with_free_func (figure_free);
  self->cursor = G_MAXUINT;
  return self;
}

void
lab_report_free (LabReport *self)
{
  if (self == NULL)
    return;
  g_free (self->title);
  g_free (self->subtitle);
  g_array_unref (self->blocks);
  g_ptr_array_unref (self->tables);
  g_ptr_array_unref (self->figures);
  g_free (self);
}

static void
add_block (LabReport  *self,
           BlockKind   kind,
           const char *text,
           guint       index)
{
  Block b = { kind, g_strdup (text), index };

  if (self->cursor >= self->blocks->len)
    g_array_append_val (self->blocks, b);
  else
    g_array_insert_val (self->blocks, self->cursor++, b);
}

guint
lab_report_position (LabReport *self)
{
  return self->blocks->len;
}

void
lab_report_set_cursor (LabReport *self,
                       guint      position)
{
  self->cursor = position;
}

void
lab_report_add_heading (LabReport  *self,
                        const char *text)
{
  add_block (self, BLOCK_HEADING, text, 0);
}

void
lab_report_add_paragraph (LabReport  *self,
                          const char *text)
{
  add_block (self, BLOCK_PARAGRAPH, text, 0);
}

void
lab_report_add_page_break (LabReport *self)
{
  add_block (self, BLOCK_PAGE_BREAK, NULL, 0);
}

guint
lab_report_add_table (LabReport          *self,
                      const char         *name,
                      const char         *caption,
                      guint               n_columns,
                      const char * const *header)
{
  Table *t = g_new0 (Table, 1);

  g_return_val_if_fail (n_columns > 0, 0);
  t->name = g_strdup (name);
  t->caption = g_strdup (caption);
  t->n_columns = n_columns;
  t->header = g_new0 (char *, n_columns + 1);
  t->csv_header = g_new0 (char *, n_columns + 1);
  for (guint c = 0; c < n_columns; c++)
    {
      t->csv_header[c] = g_strdup (header[c] ? header[c] : "");
      t->header[c] = g_strdup (t->csv_header[c][0] ? _(t->csv_header[c]) : "");
    }
  t->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  t->csv_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_ptr_array_add (self->tables, t);
  add_block (self, BLOCK_TABLE, NULL, self->tables->len - 1);
  return self->tables->len - 1;
}

static char **
copy_row (const Table        *t,
          const char * const *cells)
{
  char **row = g_new0 (char *, t->n_columns + 1);

  for (guint c = 0; c < t->n_columns; c++)
    row[c] = g_strdup (cells[c] ? cells[c] : "");
  return row;
}

void
lab_report_add_row_shown (LabReport          *self,
                          guint               table,
                          const char * const *csv_cells,
                          const char * const *shown_cells)
{
  Table *t;

  g_return_if_fail (table < self->tables->len);
  t = g_ptr_array_index (self->tables, table);
  g_ptr_array_add (t->rows, copy_row (t, shown_cells));
  g_ptr_array_add (t->csv_rows, copy_row (t, csv_cells));
}

void
lab_report_add_row (LabReport          *self,
                    guint               table,
                    const char * const *cells)
{
  lab_report_add_row_shown (self, table, cells, cells);
}

static Figure *
add_figure (LabReport  *self,
            const char *name,
            const char *caption,
            double      aspect)
{
  Figure *f = g_new0 (Figure, 1);

  f->name = g_strdup (name);
  f->caption = g_strdup (caption);
  f->aspect = aspect;
  g_ptr_array_add (self->figures, f);
  add_block (self, BLOCK_FIGURE, NULL, self->figures->len - 1);
  return f;
}

void
lab_report_add_plot (LabReport   *self,
                     const char  *name,
                     const char  *caption,
                     LabLinePlot *plot,
                     double       aspect)
{
  Figure *f = add_figure (self, name, caption, CLAMP (aspect, 0.2, 1.5));

  f->plot = plot;
}

void
lab_report_add_figure (LabReport         *self,
                       const char        *name,
                       const char        *caption,
                       LabFigureDrawFunc  draw,
                       gpointer           figure,
                       GDestroyNotify     destroy,
                       double             aspect)
{
  Figure *f = add_figure (self, name, caption, CLAMP (aspect, 0.2, 1.5));

  f->draw = draw;
  f->figure = figure;
  f->destroy = destroy;
}

/* Image grid geometry in units of one image pixel: cells of width x height
 * with a gap, a label column when rows are labelled, caption lines. */
#define GRID_GAP_FRAC   0.12
#define LABEL_COL_FRAC  2.6

void
lab_report_add_images (LabReport          *self,
                       const char         *name,
                       const char         *caption,
                       const float        *images,
                       guint               n,
                       guint               height,
                       guint               width,
                       guint               columns,
                       const char * const *row_labels,
                       const char * const *captions)
{
  guint rows;
  double cell_w, cell_h, label_w, aspect;
  Figure *f;

  g_return_if_fail (n > 0 && height > 0 && width > 0);
  columns = columns ? MIN (columns, n) : (guint) ceil (sqrt (n));
  rows = (n + columns - 1) / columns;
  cell_w = width * (1 + GRID_GAP_FRAC);
  cell_h = height * (1 + GRID_GAP_FRAC) + (captions ? height * 0.45 : 0);
  label_w = row_labels ? width * LABEL_COL_FRAC : 0;
  aspect = rows * cell_h / (label_w + columns * cell_w);

  f = add_figure (self, name, caption, aspect);
  f->images = g_memdup2 (images, (gsize) n * height * width * sizeof (float));
  f->n = n;
  f->height = height;
  f->width = width;
  f->columns = columns;
  if (row_labels != NULL)
    {
      f->row_labels = g_new0 (char *, rows + 1);
      for (guint r = 0; r < rows; r++)
        f->row_labels[r] = g_strdup (row_labels[r] ? row_labels[r] : "");
    }
  if (captions != NULL)
    {
      f->captions = g_new0 (char *, n);
      for (guint i = 0; i < n; i++)
        f->captions[i] = g_strdup (captions[i]);
    }
}

guint
lab_report_n_figures (LabReport *self)
{
  return self->figures->len;
}

const char *
lab_report_figure_name (LabReport *self,
                        guint      i)
{
  g_return_val_if_fail (i < self->figures->len, NULL);
  return ((Figure *) g_ptr_array_index (self->figures, i))->name;
}

static cairo_surface_t *
gray_surface (const float *image,
              guint        height,
              guint        width)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) height);
  guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);

  cairo_surface_flush (s);
  for (guint y = 0; y < height; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * stride);
      for (guint x = 0; x < width; x++)
        {
          float v = image[(gsize) y * width + x];
          guint8 g = (guint8) lrintf (255.f * (v < 0 ? 0 : v > 1 ? 1 : v));
          row[x] = 0xff000000u | ((guint32) g << 16) | ((guint32) g << 8) | g;
        }
    }
  cairo_surface_mark_dirty (s);
  return s;
}

static void
draw_images (const Figure *f,
             cairo_t      *cr,
             double        width,
             double        height)
{
  guint rows = (f->n + f->columns - 1) / f->columns;
  double unit, cell_w, cell_h, label_w, ox;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  label_w = f->row_labels ? f->width * LABEL_COL_FRAC : 0;
  unit = MIN (width / (label_w + f->columns * f->width * (1 + GRID_GAP_FRAC)),
              height / (rows * (f->height * (1 + GRID_GAP_FRAC)
                                + (f->captions ? f->height * 0.45 : 0))));
  cell_w = f->width * (1 + GRID_GAP_FRAC) * unit;
  cell_h = (f->height * (1 + GRID_GAP_FRAC) + (f->captions ? f->height * 0.45 : 0)) * unit;
  label_w *= unit;
  ox = (width - label_w - f->columns * cell_w) / 2;

  for (guint r = 0; f->row_labels && r < rows; r++)
    {
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      lab_report_draw_text (cr, f->row_labels[r], ox, r * cell_h + f->height * unit * 0.35,
                 label_w - 4 * unit, MAX (6.0, f->height * unit * 0.28), FALSE, PANGO_ALIGN_RIGHT);
    }
  for (guint i = 0; i < f->n; i++)
    {
      guint r = i / f->columns, c = i % f->columns;
      double x = ox + label_w + c * cell_w, y = r * cell_h;
      cairo_surface_t *s = gray_surface (f->images + (gsize) i * f->height * f->width,
                                         f->height, f->width);

      cairo_save (cr);
      cairo_translate (cr, x, y);
      cairo_scale (cr, unit, unit);
      cairo_set_source_surface (cr, s, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_rectangle (cr, 0, 0, f->width, f->height);
      cairo_fill (cr);
      cairo_restore (cr);
      cairo_surface_destroy (s);

      if (f->captions && f->captions[i])
        {
          cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
          lab_report_draw_text (cr, f->captions[i], x - cell_w * 0.1, y + f->height * unit * 1.03,
                     cell_w * 1.1, MAX (5.0, f->height * unit * 0.22), FALSE, PANGO_ALIGN_CENTER);
        }
    }
  cairo_restore (cr);
}

void
lab_report_draw_figure (LabReport *self,
                        guint      i,
                        cairo_t   *cr,
                        double     width,
                        double     height)
{
  Figure *f;

  g_return_if_fail (i < self->figures->len);
  f = g_ptr_array_index (self->figures, i);
  if (f->plot != NULL)
    lab_line_plot_draw (f->plot, cr, width, height);
  else if (f->draw != NULL)
    f->draw (f->figure, cr, width, height);
  else
    draw_images (f, cr, width, height);
}

static char *
csv_field (const char *s)
{
  if (strpbrk (s, ",\"\n") == NULL)
    return g_strdup (s);
  {
    GString *out = g_string_new ("\"");
    for (const char *p = s; *p; p++)
      {
        if (*p == '"')
          g_string_append_c (out, '"');
        g_string_append_c (out, *p);
      }
    g_string_append_c (out, '"');
    return g_string_free (out, FALSE);
  }
}

static void
csv_line (GString      *out,
          char * const *cells,
          guint         n)
{
  for (guint c = 0; c < n; c++)
    {
      g_autofree char *field = csv_field (cells[c]);
      if (c)
        g_string_append_c (out, ',');
      g_string_append (out, field);
    }
  g_string_append_c (out, '\n');
}

/* One figure of a report, as lab_figure_save_as draws it. */
typedef struct
{
  LabReport *report;
  guint      index;
} FigureRef;

static void
draw_figure_ref (gpointer  data,
                 cairo_t  *cr,
                 double    width,
                 double    height)
{
  FigureRef *ref = data;

  lab_report_draw_figure (ref->report, ref->index, cr, width, height);
}

gboolean
lab_report_write_files (LabReport   *self,
                        const char  *figures_dir,
                        const char  *tables_dir,
                        int          width_px,
                        GError     **error)
{
  for (guint i = 0; i < self->figures->len; i++)
    {
      Figure *f = g_ptr_array_index (self->figures, i);
      int h = (int) lrint (width_px * f->aspect);
      g_autofree char *file = g_strconcat (f->name, ".png", NULL);
      g_autofree char *path = g_build_filename (figures_dir, file, NULL);
      FigureRef ref = { self, i };
      gpointer previous = lab_format_numbers_use (TRUE);
      gboolean ok = lab_figure_save_as (draw_figure_ref, &ref, LAB_FIGURE_PNG, width_px,
                                        MAX (h, 1), path, error);

      lab_format_numbers_restore (previous);
      if (!ok)
        return FALSE;
    }
  for (guint i = 0; i < self->tables->len; i++)
    {
      Table *t = g_ptr_array_index (self->tables, i);
      g_autofree char *file = g_strconcat (t->name, ".csv", NULL);
      g_autofree char *path = g_build_filename (tables_dir, file, NULL);
      GString *out = g_string_new (NULL);
      gboolean ok;

      csv_line (out, t->csv_header, t->n_columns);
      for (guint r = 0; r < t->csv_rows->len; r++)
        csv_line (out, g_ptr_array_index (t->csv_rows, r), t->n_columns);
      ok = lab_save_contents (path, out->str, out->len, error);
      g_string_free (out, TRUE);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static void
add_strings (JsonBuilder  *b,
             char * const *cells,
             guint         n)
{
  json_builder_begin_array (b);
  for (guint c = 0; c < n; c++)
    json_builder_add_string_value (b, cells[c]);
  json_builder_end_array (b);
}

gboolean
lab_report_write_text (LabReport   *self,
                       const char  *path,
                       const char  *reading,
                       GError     **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const char *language = g_getenv ("LANGUAGE");
  gsize len;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "latentlab-report-text-1");
  /* What gettext chose from, for a reader that wonders why a cached
   * report speaks another language than the window. */
  json_builder_set_member_name (b, "language");
  json_builder_add_string_value (b, language && *language ? language
                                                          : setlocale (LC_MESSAGES, NULL));
  json_builder_set_member_name (b, "reading");
  json_builder_add_string_value (b, reading ? reading : "");
  json_builder_set_member_name (b, "tables");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->tables->len; i++)
    {
      Table *t = g_ptr_array_index (self->tables, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, t->name);
      json_builder_set_member_name (b, "caption");
      json_builder_add_string_value (b, t->caption ? t->caption : "");
      json_builder_set_member_name (b, "rows");
      json_builder_begin_array (b);
      add_strings (b, t->header, t->n_columns);
      for (guint r = 0; r < t->rows->len; r++)
        add_strings (b, g_ptr_array_index (t->rows, r), t->n_columns);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, &len);
  return lab_save_contents (path, text, len, error);
}
