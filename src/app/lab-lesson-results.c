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

/* How a table's cells break into lines, so that the tables fit the
 * results pane at 1024 x 768 in English, French and German, on a desk and
 * projected: the numbers are narrower than their headings, so a heading
 * longer than HEADING_ONE_LINE characters goes on two lines ("Train
 * loss," / "seed 001"), and a hyphenated one at its hyphen ("Test-" /
 * "MSE"); on three where two would still be wider than HEADING_TWO_LINES
 * and three are narrower by THREE_LINES_GAIN ("Perte" / "d’entraînement,"
 * / "seed 001"). A row's name (the first column) likewise past
 * ROW_NAME_ONE_LINE ("bicubic upsampling" / "(for sr-ae)", "bikubisches" /
 * "Hochskalieren" / "(für sr-ae)"); any other text past TEXT_ONE_LINE (a
 * setting's value) on two lines. Lines break at spaces, after a hyphen
 * before a capital, never inside a model's name ("convae-bn"), and at a
 * translation's soft hyphens, shown as a hyphen there and nowhere else
 * (German's "Trainings-" / "verlust"). Numbers never break. */
#define HEADING_ONE_LINE   8
#define HEADING_TWO_LINES  10
#define ROW_NAME_ONE_LINE  18
#define ROW_NAME_TWO_LINES 18
#define TEXT_ONE_LINE      36
#define THREE_LINES_GAIN   3
#define MAX_BREAKS         16
#define SOFT_HYPHEN        0x00AD

/* The places text may break at, as the character offsets of the lines
 * they would start (a space's own, which the break drops), at most
 * MAX_BREAKS; *hyphen whether one is after a hyphen. */
static guint
break_points (const char *text,
              glong      *at,
              gboolean   *hyphen)
{
  guint n = 0;
  glong i = 0;

  *hyphen = FALSE;
  for (const char *p = text; *p != '\0' && n < MAX_BREAKS; p = g_utf8_next_char (p), i++)
    {
      gunichar c = g_utf8_get_char (p);

      if (c == ' ')
        at[n++] = i;
      else if (i > 0 && (c == SOFT_HYPHEN || (c == '-' && g_unichar_isupper (g_utf8_get_char (p + 1)))))
        {
          at[n++] = i + 1;
          *hyphen |= c == '-';
        }
    }
  return n;
}

/* text broken before the characters at offsets breaks[n] (increasing): a
 * space broken at dropped, a soft hyphen shown where a line ends with it
 * and dropped elsewhere. A new string. */
static char *
render_lines (const char  *text,
              const glong *breaks,
              guint        n)
{
  GString *lines = g_string_new (NULL);
  guint k = 0;
  glong i = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p), i++)
    {
      gunichar c = g_utf8_get_char (p);

      if (k < n && breaks[k] == i)
        {
          g_string_append_c (lines, '\n');
          k++;
          if (c == ' ')
            continue;
        }
      if (c == SOFT_HYPHEN)
        {
          if (k < n && breaks[k] == i + 1)
            g_string_append_c (lines, '-');
          continue;
        }
      g_string_append_len (lines, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (lines, FALSE);
}

/* The longest of text's lines, in characters. */
static glong
widest_line_of (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  glong widest = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    widest = MAX (widest, g_utf8_strlen (lines[i], -1));
  return widest;
}

/* text on up to max_lines lines (2 or 3), its longest line as short as
 * may be (the earliest breaks of those as short). A new string. */
static char *
break_lines (const char *text,
             guint       max_lines)
{
  glong at[MAX_BREAKS];
  gboolean hyphen;
  guint n = break_points (text, at, &hyphen);
  char *best = render_lines (text, NULL, 0);
  glong best_w = widest_line_of (best);

  for (guint a = 0; a < n; a++)
    for (guint b = a; b < (max_lines > 2 ? n : a + 1); b++)
      {
        /* b == a: that break alone */
        glong breaks[2] = { at[a], at[b] };
        char *lines = render_lines (text, breaks, b == a ? 1 : 2);
        glong w = widest_line_of (lines);

        if (w < best_w)
          {
            g_free (best);
            best = lines;
            best_w = w;
          }
        else
          g_free (lines);
      }
  return best;
}

/* text on one line when it is one_line characters or fewer (and, with
 * at_hyphen, has no hyphen to break at), else on two, or on three where
 * two would still be wider than two_lines (0: never three) and three are
 * THREE_LINES_GAIN narrower. A new string. */
static char *
cell_text (const char *text,
           glong       one_line,
           glong       two_lines,
           gboolean    at_hyphen)
{
  g_autofree char *one = render_lines (text, NULL, 0);
  g_autofree char *two = NULL;
  g_autofree char *three = NULL;
  glong at[MAX_BREAKS], w2, w3;
  gboolean hyphen;

  break_points (text, at, &hyphen);
  if (g_utf8_strlen (one, -1) <= one_line && !(at_hyphen && hyphen))
    return g_steal_pointer (&one);
  two = break_lines (text, 2);
  w2 = widest_line_of (two);
  if (two_lines == 0 || w2 <= two_lines)
    return g_steal_pointer (&two);
  three = break_lines (text, 3);
  w3 = widest_line_of (three);
  return w3 + THREE_LINES_GAIN <= w2 ? g_steal_pointer (&three) : g_steal_pointer (&two);
}

/* A table's cell: its heading (row 0), name (column 0) or value broken
 * into lines as cell_text() does. Right-aligned but in the first column,
 * as the numbers are. */
static GtkWidget *
cell_label (const char *text,
            guint       row,
            guint       column)
{
  g_autofree char *lines = row == 0 ? cell_text (text, HEADING_ONE_LINE, HEADING_TWO_LINES, TRUE)
                         : column == 0 ? cell_text (text, ROW_NAME_ONE_LINE, ROW_NAME_TWO_LINES, FALSE)
                         : cell_text (text, TEXT_ONE_LINE, 0, FALSE);
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
          GtkWidget *label = cell_label (fields[c], row, c);

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
