#pragma once

/* What lab-report.c (the blocks and the figures) and lab-report-pdf.c (the
 * page layout and the PDF) share. Core only. */

#include <pango/pangocairo.h>

#include "lab-report.h"

G_BEGIN_DECLS

/* A4 in points, and the text block on it. */
#define PAGE_W     595.28
#define PAGE_H     841.89
#define MARGIN     54.0
#define CONTENT_W  (PAGE_W - 2 * MARGIN)
#define FOOTER_Y   (PAGE_H - 30.0)
#define GAP        10.0
#define ROW_PAD    3.0

typedef enum
{
  BLOCK_HEADING,
  BLOCK_PARAGRAPH,
  BLOCK_PAGE_BREAK,
  BLOCK_TABLE,
  BLOCK_FIGURE,
} BlockKind;

typedef struct
{
  char       *name;
  char       *caption;
  guint       n_columns;
  /* As people read them (translated, the user's numbers: the PDF, the
   * window) and as the CSV has them (English, "C" numbers). */
  char      **header;      /* (n_columns) */
  GPtrArray  *rows;        /* (element-type GStrv) n_columns each */
  char      **csv_header;
  GPtrArray  *csv_rows;
} Table;

typedef struct
{
  char         *name;
  char         *caption;
  double        aspect;
  LabLinePlot  *plot;      /* a plot, or a drawing: */
  LabFigureDrawFunc draw;
  gpointer      figure;
  GDestroyNotify destroy;
  /* or an image grid: */
  float        *images;    /* (n, height, width) */
  guint         n, height, width, columns;
  char        **row_labels;
  char        **captions;  /* (n), entries may be NULL */
} Figure;

typedef struct
{
  BlockKind  kind;
  char      *text;
  guint      index;       /* into tables or figures */
} Block;

struct _LabReport
{
  char       *title;
  char       *subtitle;
  GArray     *blocks;     /* (element-type Block) */
  GPtrArray  *tables;     /* (element-type Table) */
  GPtrArray  *figures;    /* (element-type Figure) */
  guint       cursor;     /* where add_block inserts; G_MAXUINT: at the end */
};

/* A Pango layout of text in the report's font, wrapped at width (0: one line). */
PangoLayout *lab_report_text_layout (cairo_t       *cr,
                                     const char    *text,
                                     double         width,
                                     double         size,
                                     gboolean       bold);
void         lab_report_draw_text   (cairo_t       *cr,
                                     const char    *text,
                                     double         x,
                                     double         y,
                                     double         width,
                                     double         size,
                                     gboolean       bold,
                                     PangoAlignment align);

G_END_DECLS
