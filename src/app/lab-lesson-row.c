#define G_LOG_DOMAIN "latentlab"

#include "lab-lesson-row.h"

#include <glib/gi18n.h>

#include "lab-format.h"

GtkWidget *
lab_lesson_row_new (const LabLessonInfo *lesson)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (_(lesson->title));
  g_autofree char *quick = lab_format_minutes (lesson->quick_minutes);
  g_autofree char *full = lab_format_minutes (lesson->full_minutes);
  /* Translators: "quick about 5 min · full about 40 min" */
  g_autofree char *times = g_strdup_printf (_("quick %s · full %s"), quick, full);
  GString *text = g_string_new (times);
  GtkWidget *sub;

  /* Wrapped only at the dot, never inside "full about 40 min". */
  g_string_replace (text, " ", "\u00a0", 0);
  g_string_replace (text, "\u00a0·\u00a0", " · ", 0);
  sub = gtk_label_new (text->str);
  g_string_free (text, TRUE);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 24);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  gtk_label_set_wrap (GTK_LABEL (sub), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (sub), 24);
  gtk_widget_add_css_class (sub, "dim-label");
  gtk_widget_add_css_class (sub, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), sub);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_tooltip_text (box, _(lesson->teaches));
  return box;
}
