#pragma once

#include <cairo.h>
#include <glib.h>

#include "lab-error.h"
#include "lab-figure.h"
#include "lab-line-plot.h"

G_BEGIN_DECLS

/* A lesson's report: a flow of headings, paragraphs, tables, plots and
 * image grids, laid out on A4 pages of a PDF drawn with Cairo (text with
 * Pango), with every figure also written as a PNG and every table as CSV.
 * Blocks are added in reading order; the layout breaks pages where a block
 * does not fit, and repeats a table's header on the next page. Plain data
 * built on any one thread. */
typedef struct _LabReport LabReport;

LabReport  *lab_report_new            (const char          *title,
                                       const char          *subtitle);
void        lab_report_free           (LabReport           *self);

void        lab_report_add_heading    (LabReport           *self,
                                       const char          *text);
void        lab_report_add_paragraph  (LabReport           *self,
                                       const char          *text);
void        lab_report_add_page_break (LabReport           *self);
/* A table of n_columns; name (a file name stem: "results") names its CSV.
 * header holds English msgids: the CSV keeps them, the PDF translates them.
 * Returns its index for lab_report_add_row. */
guint       lab_report_add_table      (LabReport           *self,
                                       const char          *name,
                                       const char          *caption,
                                       guint                n_columns,
                                       const char * const  *header);
/* n_columns cells (NULL: empty), the same in the CSV and the PDF. */
void        lab_report_add_row        (LabReport           *self,
                                       guint                table,
                                       const char * const  *cells);
/* A row as the CSV has it (English, "C" numbers) and as people read it. */
void        lab_report_add_row_shown  (LabReport           *self,
                                       guint                table,
                                       const char * const  *csv_cells,
                                       const char * const  *shown_cells);
/* Takes plot. aspect = height / width. */
void        lab_report_add_plot       (LabReport           *self,
                                       const char          *name,
                                       const char          *caption,
                                       LabLinePlot         *plot,
                                       double               aspect);
/* Any figure drawn with Cairo (lab-figure.h), e.g. a scatter plot with
 * lab_scatter_plot_draw_figure; destroy (may be NULL) frees figure with
 * the report. */
void        lab_report_add_figure     (LabReport           *self,
                                       const char          *name,
                                       const char          *caption,
                                       LabFigureDrawFunc    draw,
                                       gpointer             figure,
                                       GDestroyNotify       destroy,
                                       double               aspect);
/* n gray images (n, height, width) in [0,1] in rows of `columns`, each row
 * optionally labelled on its left (row_labels: one per row, or NULL), each
 * image optionally captioned under it (captions: n, NULL entries allowed). */
void        lab_report_add_images     (LabReport           *self,
                                       const char          *name,
                                       const char          *caption,
                                       const float         *images,
                                       guint                n,
                                       guint                height,
                                       guint                width,
                                       guint                columns,
                                       const char * const  *row_labels,
                                       const char * const  *captions);

/* Where the next blocks go: lab_report_position() is the end of what was
 * added so far; after lab_report_set_cursor (self, pos) blocks are
 * inserted there, one after the other, until lab_report_set_cursor (self,
 * G_MAXUINT) goes back to appending. A lesson that trains first puts its
 * settings and results on the first page this way. */
guint       lab_report_position       (LabReport           *self);
void        lab_report_set_cursor     (LabReport           *self,
                                       guint                position);

guint       lab_report_n_figures      (LabReport           *self);
const char *lab_report_figure_name    (LabReport           *self,
                                       guint                i);
void        lab_report_draw_figure    (LabReport           *self,
                                       guint                i,
                                       cairo_t             *cr,
                                       double               width,
                                       double               height);

/* The report's text as the window shows it, to path as JSON:
 * {"format": "latentlab-report-text-1", "language", "reading", "tables":
 * [{"name", "caption", "rows": [[header...], [cell...], ...]}]}, every
 * string as people read it (translated, the user's numbers: a text to
 * show, not data; the data are record.json and the CSV tables). */
gboolean    lab_report_write_text     (LabReport           *self,
                                       const char          *path,
                                       const char          *reading,
                                       GError             **error);

/* The PDF and the figures are drawn in the user's LC_NUMERIC (their axes'
 * numbers); the CSV tables keep "C" numbers.
 * The PDF, written under a temporary name beside path and renamed over it.
 * Returns the number of pages in *n_pages (may be NULL). */
gboolean    lab_report_write_pdf      (LabReport           *self,
                                       const char          *path,
                                       guint               *n_pages,
                                       GError             **error);
/* Every figure as figures_dir/<name>.png (width_px wide) and every table
 * as tables_dir/<name>.csv; both folders must exist. */
gboolean    lab_report_write_files    (LabReport           *self,
                                       const char          *figures_dir,
                                       const char          *tables_dir,
                                       int                  width_px,
                                       GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabReport, lab_report_free)

G_END_DECLS
