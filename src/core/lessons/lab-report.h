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
 * Returns its index for lab_report_add_row. */
guint       lab_report_add_table      (LabReport           *self,
                                       const char          *name,
                                       const char          *caption,
                                       guint                n_columns,
                                       const char * const  *header);
/* n_columns cells (NULL: empty). */
void        lab_report_add_row        (LabReport           *self,
                                       guint                table,
                                       const char * const  *cells);
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

/* The PDF, written under a temporary name beside path and renamed over it.
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
