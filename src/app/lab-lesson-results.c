#define G_LOG_DOMAIN "latentlab"

#include "lab-lesson-results.h"

#include <glib/gi18n.h>

#include "lab-run-record.h"

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

/* One CSV line as lab-report.c writes it: fields separated by commas,
 * quoted when they hold a comma or a quote, quotes doubled. */
static GPtrArray *
parse_csv_line (const char *line)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = line; ; p++)
    {
      if (quoted)
        {
          if (*p == '\0')
            break;
          if (*p == '"' && p[1] == '"')
            g_string_append_c (field, *p++);
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, *p);
          continue;
        }
      if (*p == '"')
        quoted = TRUE;
      else if (*p == ',' || *p == '\0')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          if (*p == '\0')
            break;
        }
      else
        g_string_append_c (field, *p);
    }
  g_string_free (field, TRUE);
  return fields;
}

static GtkWidget *
table_from_csv (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GtkWidget *grid;
  guint row = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_widget_add_css_class (grid, "lesson-table");
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) fields = NULL;

      if (lines[i][0] == '\0')
        continue;
      fields = parse_csv_line (lines[i]);
      for (guint c = 0; c < fields->len; c++)
        {
          GtkWidget *label = gtk_label_new (g_ptr_array_index (fields, c));

          gtk_label_set_xalign (GTK_LABEL (label), c == 0 ? 0 : 1);
          gtk_label_set_selectable (GTK_LABEL (label), TRUE);
          if (row == 0)
            gtk_widget_add_css_class (label, "heading");
          else
            gtk_widget_add_css_class (label, "numeric");
          gtk_grid_attach (GTK_GRID (grid), label, c, row, 1, 1);
        }
      row++;
    }
  return grid;
}

static void
add_tables (LabLessonResults *self)
{
  g_autofree char *dir = g_build_filename (self->dir, "tables", NULL);
  static const char *order[] = { "results", "settings", NULL };

  /* The results first, then the settings, then any other table. */
  for (guint pass = 0; pass < 3; pass++)
    {
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      const char *leaf;

      while (d && (leaf = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *stem = NULL, *path = NULL;
          GtkWidget *table;
          gboolean known;

          if (!g_str_has_suffix (leaf, ".csv"))
            continue;
          stem = g_strndup (leaf, strlen (leaf) - 4);
          known = g_strv_contains (order, stem);
          if ((pass < 2 && g_strcmp0 (stem, order[pass]) != 0) || (pass == 2 && known))
            continue;
          path = g_build_filename (dir, leaf, NULL);
          if ((table = table_from_csv (path)) != NULL)
            {
              gtk_box_append (self->tables_box, table);
              self->n_tables++;
            }
        }
    }
}

static void
add_figures (LabLessonResults *self,
             LabRunRecord     *record)
{
  /* The figures in the report's order, as the record lists them. */
  JsonArray *figures = lab_run_record_get_array (record, "figures");

  for (guint i = 0; figures && i < json_array_get_length (figures); i++)
    {
      g_autofree char *path = g_build_filename (self->dir,
                                                json_array_get_string_element (figures, i), NULL);
      GtkWidget *picture;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      picture = gtk_picture_new_for_filename (path);
      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
      gtk_widget_set_size_request (picture, -1, 300);
      gtk_widget_set_halign (picture, GTK_ALIGN_FILL);
      gtk_box_append (self->figures_box, picture);
      self->n_figures++;
    }
}

gboolean
lab_lesson_results_show (LabLessonResults  *self,
                         const char        *dir,
                         gboolean           stale,
                         GError           **error)
{
  g_autofree char *path = g_build_filename (dir, "record.json", NULL);
  g_autoptr(LabRunRecord) record = lab_run_record_load (path, error);
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *when = NULL, *status = NULL;
  JsonObject *config, *host;
  const char *end_text;

  g_return_val_if_fail (LAB_IS_LESSON_RESULTS (self), FALSE);
  if (record == NULL)
    return FALSE;
  g_free (self->dir);
  self->dir = g_strdup (dir);
  self->n_figures = self->n_tables = 0;
  clear_box (self->tables_box);
  clear_box (self->figures_box);

  end_text = lab_run_record_get_string (record, "end");
  end = end_text ? g_date_time_new_from_iso8601 (end_text, NULL) : NULL;
  if (end != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (end);
      when = g_date_time_format (local, "%x %H:%M");
    }
  config = lab_run_record_get_object (record, "config");
  host = lab_run_record_get_object (record, "host");
  /* Translators: "Finished 02/12/2026 01:30 · quick setting · mnist · AMD EPYC, 2 threads" */
  status = g_strdup_printf (_("Finished %s · %s setting · %s · %s, %" G_GINT64_FORMAT " threads"),
                            when ? when : "?",
                            lab_run_record_get_string (record, "setting"),
                            json_object_get_string_member_with_default (config, "dataset", "?"),
                            json_object_get_string_member_with_default (host, "cpu", "?"),
                            json_object_get_int_member_with_default (config, "threads", 0));
  gtk_label_set_label (self->status_label, status);
  gtk_label_set_label (self->reading_label, lab_run_record_get_string (record, "reading") ?: "");
  gtk_widget_set_visible (GTK_WIDGET (self->stale_label), stale);
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), FALSE);
  add_tables (self);
  add_figures (self, record);
  gtk_stack_set_visible_child_name (self->stack, "results");
  return TRUE;
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
