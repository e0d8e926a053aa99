#define G_LOG_DOMAIN "latentlab"

#include "lab-lesson-output.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-run-record.h"

GStrv
lab_lesson_parse_csv_line (const char *line)
{
  GStrvBuilder *fields = g_strv_builder_new ();
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;
  GStrv result;

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
          g_strv_builder_add (fields, field->str);
          g_string_truncate (field, 0);
          if (*p == '\0')
            break;
        }
      else
        g_string_append_c (field, *p);
    }
  g_string_free (field, TRUE);
  result = g_strv_builder_end (fields);
  g_strv_builder_unref (fields);
  return result;
}

static void
table_free (gpointer data)
{
  LabLessonTable *table = data;

  g_free (table->name);
  g_ptr_array_unref (table->rows);
  g_free (table);
}

static LabLessonTable *
table_load (const char *path,
            const char *name)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  LabLessonTable *table;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  table = g_new0 (LabLessonTable, 1);
  table->name = g_strdup (name);
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (table->rows, lab_lesson_parse_csv_line (lines[i]));
  return table;
}

static GStrv
json_strings (JsonArray *array)
{
  GStrvBuilder *b = g_strv_builder_new ();
  GStrv result;

  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_strv_builder_add (b, JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) ?: "" : "");
    }
  result = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return result;
}

/* The report's text as people read it (lab_report_write_text), when the
 * run wrote one: its reading and tables replace the record's English ones
 * and the CSV's "C" numbers. FALSE (nothing changed) without it. */
static gboolean
load_text (LabLessonOutput *self)
{
  g_autofree char *path = g_build_filename (self->dir, "report-text.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  static const char *order[] = { "results", "settings", NULL };
  JsonObject *root;
  JsonArray *tables;

  if (!json_parser_load_from_file (parser, path, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (root, "format", ""),
                 "latentlab-report-text-1") != 0
      || (tables = json_object_get_array_member (root, "tables")) == NULL)
    return FALSE;
  g_free (self->reading);
  self->reading = g_strdup (json_object_get_string_member_with_default (root, "reading", ""));
  /* The results first, then the settings, then the others in the report's order. */
  for (guint pass = 0; pass < 3; pass++)
    for (guint i = 0; i < json_array_get_length (tables); i++)
      {
        JsonObject *t = json_array_get_object_element (tables, i);
        const char *name = t ? json_object_get_string_member_with_default (t, "name", "") : "";
        JsonArray *rows = t ? json_object_get_array_member (t, "rows") : NULL;
        LabLessonTable *table;

        if (rows == NULL || (pass < 2 && g_strcmp0 (name, order[pass]) != 0)
            || (pass == 2 && g_strv_contains (order, name)))
          continue;
        table = g_new0 (LabLessonTable, 1);
        table->name = g_strdup (name);
        table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
        for (guint r = 0; r < json_array_get_length (rows); r++)
          g_ptr_array_add (table->rows, json_strings (json_array_get_array_element (rows, r)));
        g_ptr_array_add (self->tables, table);
      }
  return TRUE;
}

static void
load_tables (LabLessonOutput *self)
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
          LabLessonTable *table;
          gboolean known;

          if (!g_str_has_suffix (leaf, ".csv"))
            continue;
          stem = g_strndup (leaf, strlen (leaf) - 4);
          known = g_strv_contains (order, stem);
          if ((pass < 2 && g_strcmp0 (stem, order[pass]) != 0) || (pass == 2 && known))
            continue;
          path = g_build_filename (dir, leaf, NULL);
          if ((table = table_load (path, stem)) != NULL)
            g_ptr_array_add (self->tables, table);
        }
    }
}

static void
load_figures (LabLessonOutput *self,
              LabRunRecord    *record)
{
  /* In the report's order, as the record lists them. */
  JsonArray *figures = lab_run_record_get_array (record, "figures");

  for (guint i = 0; figures && i < json_array_get_length (figures); i++)
    {
      g_autofree char *path = g_build_filename (self->dir,
                                                json_array_get_string_element (figures, i), NULL);
      g_autoptr(GError) error = NULL;
      GdkTexture *texture = gdk_texture_new_from_filename (path, &error);

      if (texture != NULL)
        g_ptr_array_add (self->figures, texture);
      else
        g_debug ("Figure %s left out: %s", path, error->message);
    }
}

static char *
status_line (LabRunRecord *record)
{
  const char *start_text = lab_run_record_get_string (record, "start");
  const char *end_text = lab_run_record_get_string (record, "end");
  g_autoptr(GDateTime) start = start_text ? g_date_time_new_from_iso8601 (start_text, NULL) : NULL;
  g_autoptr(GDateTime) end = end_text ? g_date_time_new_from_iso8601 (end_text, NULL) : NULL;
  g_autofree char *when = NULL, *took = NULL;
  JsonObject *config = lab_run_record_get_object (record, "config");
  JsonObject *host = lab_run_record_get_object (record, "host");
  const char *setting;

  if (end != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (end);
      when = g_date_time_format (local, "%x %H:%M");
    }
  /* How long it took here: the list's estimates are another machine's. */
  took = start && end ? lab_format_duration (g_date_time_difference (end, start) / 1e6)
                      : g_strdup ("?");
  setting = lab_run_record_get_string (record, "setting");
  /* Translators: a lesson's setting, as the status line says it ("quick setting") */
  if (g_strcmp0 (setting, "quick") == 0)
    setting = C_("lesson setting", "quick");
  else if (g_strcmp0 (setting, "full") == 0)
    setting = C_("lesson setting", "full");
  /* Translators: "Finished 02/12/2026 01:30 in 3:05 · quick setting · mnist · AMD EPYC, 2 threads" */
  return g_strdup_printf (_("Finished %s in %s · %s setting · %s · %s, %d threads"),
                          when ? when : "?", took, setting ? setting : "?",
                          json_object_get_string_member_with_default (config, "dataset", "?"),
                          json_object_get_string_member_with_default (host, "cpu", "?"),
                          (int) json_object_get_int_member_with_default (config, "threads", 0));
}

LabLessonOutput *
lab_lesson_output_load (const char  *dir,
                        gboolean     stale,
                        GError     **error)
{
  g_autofree char *path = g_build_filename (dir, "record.json", NULL);
  g_autoptr(LabRunRecord) record = lab_run_record_load (path, error);
  LabLessonOutput *self;

  if (record == NULL)
    return NULL;
  self = g_new0 (LabLessonOutput, 1);
  self->dir = g_strdup (dir);
  self->stale = stale;
  self->status = status_line (record);
  self->reading = g_strdup (lab_run_record_get_string (record, "reading") ?: "");
  self->tables = g_ptr_array_new_with_free_func (table_free);
  self->figures = g_ptr_array_new_with_free_func (g_object_unref);
  if (!load_text (self))
    load_tables (self);
  load_figures (self, record);
  return self;
}

void
lab_lesson_output_free (LabLessonOutput *self)
{
  if (self == NULL)
    return;
  g_free (self->dir);
  g_free (self->status);
  g_free (self->reading);
  g_ptr_array_unref (self->tables);
  g_ptr_array_unref (self->figures);
  g_free (self);
}
