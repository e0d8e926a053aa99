#define G_LOG_DOMAIN "latentlab"

#include "lab-lesson-results.h"

#include <glib/gi18n.h>


struct _LabLessonResults
{
  GtkWidget   parent_instance;

  /* Template widgets */
  GtkStack   *stack;
  GtkLabel   *empty_label;
  GtkLabel   *stale_label;
  GtkLabel   *status_label;
  GtkLabel   *note_label;
  GtkLabel   *reading_label;
  GtkBox     *tables_box;
  GtkBox     *figures_box;

  /* Owned */
  char       *dir;
  guint       n_figures;
  guint       n_tables;
};

G_DEFINE_FINAL_TYPE (LabLessonResults, lab_lesson_results, GTK_TYPE_WIDGET)

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/* A heading longer than this many characters wraps onto two lines ("Train
 * loss", "Latent SVM"), and
 * a row's name (the first column) longer than ROW_NAME_ONE_LINE_CHARS:
 * the seed-001 table's seven columns ("Train loss, seed 001", "here",
 * ...) and the results table's "bicubic upsampling (for sr-ae)" then fit
 * the results pane at 1024 x 768, the numbers being narrower than their
 * headings. Numbers never wrap. */
#define HEADING_ONE_LINE_CHARS  8
#define ROW_NAME_ONE_LINE_CHARS 18

/* text with its space nearest the middle made a line break: two lines
 * about as long as each other, the longer one the width it takes. */
static char *
two_lines (const char *text)
{
  glong chars = g_utf8_strlen (text, -1), best = -1;
  char *lines = g_strdup (text);
  glong i = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p), i++)
    if (*p == ' ' && (best < 0 || ABS (2 * i - chars) < ABS (2 * best - chars)))
      best = i;
  if (best >= 0)
    *g_utf8_offset_to_pointer (lines, best) = '\n';
  return lines;
}

/* A table's cell: text longer than one_line characters (0: never) on two
 * lines. Right-aligned but in the first column, as the numbers are. */
static GtkWidget *
cell_label (const char *text,
            guint       column,
            glong       one_line)
{
  g_autofree char *lines = one_line > 0 && g_utf8_strlen (text, -1) > one_line ? two_lines (text)
                                                                               : g_strdup (text);
  GtkWidget *label = gtk_label_new (lines);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  gtk_label_set_justify (GTK_LABEL (label), column == 0 ? GTK_JUSTIFY_LEFT : GTK_JUSTIFY_RIGHT);
  return label;
}

/* A table as a grid of labels, scrolled sideways when it is wider than
 * the page even so, so that it never makes the page, and the window,
 * wider than the screen. */
static GtkWidget *
table_widget (const LabLessonTable *table)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_widget_add_css_class (grid, "lesson-table");
  for (guint row = 0; row < table->rows->len; row++)
    {
      GStrv fields = g_ptr_array_index (table->rows, row);

      for (guint c = 0; fields[c] != NULL; c++)
        {
          GtkWidget *label = cell_label (fields[c], c, row == 0 ? HEADING_ONE_LINE_CHARS
                                                     : c == 0 ? ROW_NAME_ONE_LINE_CHARS : 0);

          /* headings over their numbers, a two-line one's last line too */
          gtk_label_set_yalign (GTK_LABEL (label), row == 0 ? 1 : 0.5);
          gtk_label_set_selectable (GTK_LABEL (label), TRUE);
          gtk_widget_add_css_class (label, row == 0 ? "heading" : "numeric");
          gtk_grid_attach (GTK_GRID (grid), label, c, row, 1, 1);
        }
    }
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), grid);
  return scrolled;
}

static GtkWidget *
figure_widget (GdkTexture *texture,
               guint       i,
               guint       n)
{
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  /* Translators: a lesson's result figure for screen readers (a picture
   * of the report's PNG, which holds no data to describe). */
  g_autofree char *alt = g_strdup_printf (_("Figure %u of %u of the lesson’s report"), i + 1, n);

  gtk_picture_set_alternative_text (GTK_PICTURE (picture), alt);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_size_request (picture, -1, 300);
  gtk_widget_set_halign (picture, GTK_ALIGN_FILL);
  return picture;
}

void
lab_lesson_results_show (LabLessonResults      *self,
                         const LabLessonOutput *output)
{
  g_return_if_fail (LAB_IS_LESSON_RESULTS (self));
  g_return_if_fail (output != NULL);

  g_free (self->dir);
  self->dir = g_strdup (output->dir);
  self->n_figures = output->figures->len;
  self->n_tables = output->tables->len;
  clear_box (self->tables_box);
  clear_box (self->figures_box);
  gtk_label_set_label (self->status_label, output->status);
  gtk_label_set_label (self->reading_label, output->reading);
  gtk_widget_set_visible (GTK_WIDGET (self->stale_label), output->stale);
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), FALSE);
  for (guint i = 0; i < output->tables->len; i++)
    gtk_box_append (self->tables_box, table_widget (g_ptr_array_index (output->tables, i)));
  for (guint i = 0; i < output->figures->len; i++)
    gtk_box_append (self->figures_box, figure_widget (g_ptr_array_index (output->figures, i), i,
                                                      output->figures->len));
  gtk_stack_set_visible_child_name (self->stack, "results");
}

void
lab_lesson_results_show_empty (LabLessonResults *self,
                               const char       *text)
{
  g_return_if_fail (LAB_IS_LESSON_RESULTS (self));
  g_clear_pointer (&self->dir, g_free);
  self->n_figures = self->n_tables = 0;
  clear_box (self->tables_box);
  clear_box (self->figures_box);
  gtk_label_set_label (self->empty_label, text);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

void
lab_lesson_results_set_note (LabLessonResults *self,
                             const char       *note)
{
  g_return_if_fail (LAB_IS_LESSON_RESULTS (self));
  gtk_label_set_label (self->note_label, note ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL);
}

const char *
lab_lesson_results_get_dir (LabLessonResults *self)
{
  return self->dir;
}

gboolean
lab_lesson_results_get_stale (LabLessonResults *self)
{
  return self->dir != NULL && gtk_widget_get_visible (GTK_WIDGET (self->stale_label));
}

guint
lab_lesson_results_get_n_figures (LabLessonResults *self)
{
  return self->n_figures;
}

guint
lab_lesson_results_get_n_tables (LabLessonResults *self)
{
  return self->n_tables;
}

static void
lab_lesson_results_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_LESSON_RESULTS);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (lab_lesson_results_parent_class)->dispose (object);
}

static void
lab_lesson_results_finalize (GObject *object)
{
  g_free (LAB_LESSON_RESULTS (object)->dir);
  G_OBJECT_CLASS (lab_lesson_results_parent_class)->finalize (object);
}

static void
lab_lesson_results_class_init (LabLessonResultsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_lesson_results_dispose;
  object_class->finalize = lab_lesson_results_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/latentlab/LatentLab/lab-lesson-results.ui");
  gtk_widget_class_bind_template_child (widget_class, LabLessonResults, stack);
  gtk_widget_class_bind_template_child (widget_class, LabLessonResults, empty_label);
  gtk_widget_class_bind_template_child (widget_class, LabLessonResults, stale_label);
  gtk_widget_class_bind_template_child (widget_class, LabLessonResults, status_label);
  gtk_widget_class_bind_template_child (widget_class, LabLessonResults, note_label);
  gtk_widget_class_bind_template_child (widget_class, LabLessonResults, reading_label);
  gtk_widget_class_bind_template_child (widget_class, LabLessonResults, tables_box);
  gtk_widget_class_bind_template_child (widget_class, LabLessonResults, figures_box);
}

static void
lab_lesson_results_init (LabLessonResults *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
