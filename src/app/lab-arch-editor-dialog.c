#define G_LOG_DOMAIN "latentlab"

#include "lab-arch-editor-dialog.h"
#include "lab-arch-editor-private.h"

struct _LabArchEditorDialog
{
  GtkWindow          parent_instance;

  /* Template widgets */
  LabArchEditor     *editor;
  GtkWidget         *use_button;

  /* Borrowed: the caller's callback, run once */
  LabArchEditorDone  done;
  gpointer           user_data;

  /* Owned */
  char              *json;        /* set by Use */
  gboolean           finished;
};

G_DEFINE_FINAL_TYPE (LabArchEditorDialog, lab_arch_editor_dialog, GTK_TYPE_WINDOW)

/* Every way the window goes (Use, Cancel, Escape, close button, a parent
 * destroyed with it) ends here, so done runs exactly once. */
static void
dialog_finish (LabArchEditorDialog *self)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  if (self->done)
    self->done (self->json, self->user_data);
}

static void
on_use_clicked (LabArchEditorDialog *self)
{
  char *json = lab_arch_editor_get_spec_json (self->editor);

  if (json == NULL)
    return;
  g_free (self->json);
  self->json = json;
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
lab_arch_editor_dialog_dispose (GObject *object)
{
  LabArchEditorDialog *self = LAB_ARCH_EDITOR_DIALOG (object);

  /* The editor is the window's child: GtkWindow takes it down. */
  dialog_finish (self);

  G_OBJECT_CLASS (lab_arch_editor_dialog_parent_class)->dispose (object);
}

static void
lab_arch_editor_dialog_finalize (GObject *object)
{
  LabArchEditorDialog *self = LAB_ARCH_EDITOR_DIALOG (object);

  g_free (self->json);

  G_OBJECT_CLASS (lab_arch_editor_dialog_parent_class)->finalize (object);
}

static void
lab_arch_editor_dialog_class_init (LabArchEditorDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_arch_editor_dialog_dispose;
  object_class->finalize = lab_arch_editor_dialog_finalize;

  g_type_ensure (LAB_TYPE_ARCH_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/latentlab/LatentLab/lab-arch-editor-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LabArchEditorDialog, editor);
  gtk_widget_class_bind_template_child (widget_class, LabArchEditorDialog, use_button);
  gtk_widget_class_bind_template_callback (widget_class, on_use_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lab_arch_editor_dialog_init (LabArchEditorDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_object_bind_property (self->editor, "valid", self->use_button, "sensitive", G_BINDING_SYNC_CREATE);
}

GtkWindow *
lab_arch_editor_run_dialog (GtkWindow         *parent,
                            const char        *initial_json,
                            LabArchEditorDone  done,
                            gpointer           user_data)
{
  LabArchEditorDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (LAB_TYPE_ARCH_EDITOR_DIALOG, NULL);
  self->done = done;
  self->user_data = user_data;
  if (initial_json != NULL)
    lab_arch_editor_set_spec_json (self->editor, initial_json);
  if (parent)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
    }
  gtk_window_present (GTK_WINDOW (self));
  return GTK_WINDOW (self);
}

LabArchEditor *
lab_arch_editor_dialog_get_editor (GtkWindow *dialog)
{
  g_return_val_if_fail (LAB_IS_ARCH_EDITOR_DIALOG (dialog), NULL);

  return LAB_ARCH_EDITOR_DIALOG (dialog)->editor;
}

GtkWidget *
lab_arch_editor_dialog_get_use_button (GtkWindow *dialog)
{
  g_return_val_if_fail (LAB_IS_ARCH_EDITOR_DIALOG (dialog), NULL);

  return LAB_ARCH_EDITOR_DIALOG (dialog)->use_button;
}
