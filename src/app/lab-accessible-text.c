#define G_LOG_DOMAIN "latentlab"

#include "lab-accessible-text.h"

/* At most one update a second per widget. */
#define UPDATE_INTERVAL_US G_USEC_PER_SEC

typedef struct
{
  GtkWidget               *widget;   /* borrowed: the data lives on it */
  LabAccessibleUpdateFunc  update;
  guint                    source;
  gint64                   last;     /* monotonic time of the last update */
  gboolean                 destroyed;
} Pending;

static GQuark
pending_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("lab-accessible-pending");
  return quark;
}

static void
pending_free (gpointer data)
{
  Pending *p = data;

  g_clear_handle_id (&p->source, g_source_remove);
  g_free (p);
}

static gboolean
update_now (gpointer data)
{
  Pending *p = data;

  p->source = 0;
  p->last = g_get_monotonic_time ();
  p->update (p->widget);
  return G_SOURCE_REMOVE;
}

/* A destroyed widget has let go of what it shows. */
static void
on_destroy (GtkWidget *widget)
{
  Pending *p = g_object_get_qdata (G_OBJECT (widget), pending_quark ());

  if (p == NULL)
    return;
  g_clear_handle_id (&p->source, g_source_remove);
  p->destroyed = TRUE;
}

void
lab_accessible_update_later (GtkWidget               *widget,
                             LabAccessibleUpdateFunc  update)
{
  Pending *p;
  gint64 wait;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  p = g_object_get_qdata (G_OBJECT (widget), pending_quark ());
  if (p == NULL)
    {
      p = g_new0 (Pending, 1);
      p->widget = widget;
      p->last = G_MININT64 / 2;
      g_object_set_qdata_full (G_OBJECT (widget), pending_quark (), p, pending_free);
      g_signal_connect (widget, "destroy", G_CALLBACK (on_destroy), NULL);
    }
  else if (p->destroyed)
    return;
  p->update = update;
  if (p->source != 0)
    return;
  wait = MAX (p->last + UPDATE_INTERVAL_US - g_get_monotonic_time (), 0);
  p->source = g_timeout_add_full (G_PRIORITY_LOW, (guint) (wait / 1000), update_now, p, NULL);
  g_source_set_name_by_id (p->source, "[latentlab] accessible description");
}

void
lab_accessible_set_text (GtkWidget  *widget,
                         const char *label,
                         const char *description)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (label != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (description != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    description, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}
