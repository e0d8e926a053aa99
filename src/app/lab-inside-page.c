#define G_LOG_DOMAIN "latentlab"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-inside-page-private.h"
#include "lab-model-probe.h"
#include "lab-task.h"

struct _LabInsidePage
{
  LabPage         parent_instance;

  /* Template widgets */
  GtkStack       *stack;
  GtkLabel       *empty_label;
  GtkSpinButton  *image_spin;
  LabImageView   *image_view;
  GtkLabel       *image_label;
  GtkLabel       *model_label;
  LabLayerMaps   *layer_maps;
  LabFilterGrid  *filter_grid;
  LabNormPlot    *norm_plot;

  /* Owned */
  LabModel       *infer;          /* one-lane copy of the session's model, batch 1 */
  guint64         infer_serial;   /* the weights it has */
  float          *norms;          /* (n_layers) scratch for the weight norms */

  guint           n_passes;
  guint64         shown_serial;
  double          pass_ms;
  double          max_pass_ms;
  gboolean        dirty;          /* something changed while hidden */
  gboolean        syncing;
};

enum {
  PROP_0,
  PROP_IMAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabInsidePage, lab_inside_page, LAB_TYPE_PAGE)

static LabSession *
page_session (LabInsidePage *self)
{
  return lab_page_get_session (LAB_PAGE (self));
}

static LabModel *
session_model (LabInsidePage *self)
{
  return page_session (self) != NULL ? lab_session_get_model (page_session (self)) : NULL;
}

static LabDataset *
test_dataset (LabInsidePage *self)
{
  return page_session (self) != NULL ? lab_session_get_test_dataset (page_session (self)) : NULL;
}

static guint
image_index (LabInsidePage *self)
{
  return (guint) gtk_spin_button_get_value_as_int (self->image_spin);
}

static void
show_empty (LabInsidePage *self,
            const char    *text)
{
  gtk_label_set_label (self->empty_label, text);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
show_model_label (LabInsidePage *self)
{
  LabModel *model = session_model (self);
  g_autofree char *text = NULL;

  if (model == NULL)
    return;
  if (lab_session_get_training (page_session (self)))
    text = g_strdup_printf (_("%s  ·  training: live weights of step %" PRIu64),
                            lab_model_get_name (model), lab_session_get_step (page_session (self)));
  else if (lab_session_get_step (page_session (self)) > 0)
    text = g_strdup_printf (_("%s  ·  weights of step %" PRIu64),
                            lab_model_get_name (model), lab_session_get_step (page_session (self)));
  else
    text = g_strdup (lab_model_get_name (model));
  gtk_label_set_label (self->model_label, text);
}

/* The page's copy of the model with the session's latest weights. */
static LabModel *
inference_model (LabInsidePage *self)
{
  LabSession *session = page_session (self);

  if (self->infer == NULL)
    {
      self->infer = lab_model_copy (session_model (self), 1);
      /* One image: a second lane would only wait for a core training has. */
      lab_model_set_threads (self->infer, 1, NULL);
    }
  else if (self->infer_serial != lab_session_get_weights_serial (session))
    lab_model_copy_params_from (self->infer, session_model (self));
  self->infer_serial = lab_session_get_weights_serial (session);
  return self->infer;
}

/* Runs the image through the model and shows every section; on the main
 * thread (one image). */
static void
refresh (LabInsidePage *self)
{
  LabModel *model = session_model (self);
  LabDataset *test = test_dataset (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabProbe) probe = NULL;
  g_autofree float *clean = NULL, *input = NULL;
  g_autofree char *caption = NULL, *number = NULL, *total = NULL;
  LabModel *infer;
  LabTask task;
  guint index;
  gint64 start;
  char buf[16];

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->dirty = TRUE;
      return;
    }
  self->dirty = FALSE;
  if (model == NULL)
    {
      show_empty (self, _("There is no model yet. Train one on the Train page, or open a "
                          "model file, and what its layers see shows here."));
      return;
    }
  if (test == NULL)
    {
      show_empty (self, _("Pick a dataset on the Data page: its test images go through the model here."));
      return;
    }
  if (!lab_task_for (model, test, &task, &error))
    {
      show_empty (self, error->message);
      return;
    }
  index = MIN (image_index (self), test->n - 1);

  clean = g_new (float, (gsize) test->height * test->width);
  input = g_new (float, lab_shape_size (lab_model_input_shape (model)));
  lab_dataset_to_float (test, &index, 1, clean);
  lab_task_make_input (task, clean, 1, test->height, test->width, input);
  infer = inference_model (self);
  start = g_get_monotonic_time ();
  probe = lab_model_probe (infer, input, &error);
  self->pass_ms = (g_get_monotonic_time () - start) / 1000.0;
  self->max_pass_ms = MAX (self->max_pass_ms, self->pass_ms);
  if (probe == NULL)
    {
      show_empty (self, error->message);
      return;
    }
  self->n_passes++;
  self->shown_serial = self->infer_serial;

  lab_image_view_set_gray (self->image_view, lab_dataset_image (test, index), test->width, test->height);
  number = lab_format_count_localized (index);
  total = lab_format_count_localized (test->n);
  if (test->labels != NULL)
    /* Translators: the test image shown: its number and its class. */
    caption = g_strdup_printf (_("Test image %s of %s: %s"), number, total,
                               lab_dataset_class_name (test, test->labels[index], buf));
  else
    caption = g_strdup_printf (_("Test image %s of %s"), number, total);
  gtk_label_set_label (self->image_label, caption);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->image_view), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  caption, -1);
  lab_layer_maps_show (self->layer_maps, probe);
  lab_filter_grid_show (self->filter_grid, infer);
  show_model_label (self);
  gtk_stack_set_visible_child_name (self->stack, "content");
}

/* The norms of the weights the session has now, into the history. */
static void
add_norms (LabInsidePage *self)
{
  LabModel *model = session_model (self);

  if (model == NULL)
    return;
  lab_model_layer_norms (model, self->norms, NULL);
  lab_norm_plot_add (self->norm_plot, lab_session_get_step (page_session (self)), self->norms,
                     lab_session_get_grad_norms (page_session (self)));
}

static void
set_image (LabInsidePage *self,
           guint          index)
{
  LabDataset *test = test_dataset (self);

  if (test != NULL)
    index = MIN (index, test->n - 1);
  if ((guint) gtk_spin_button_get_value_as_int (self->image_spin) != index)
    {
      self->syncing = TRUE;
      gtk_spin_button_set_value (self->image_spin, index);
      self->syncing = FALSE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE]);
  refresh (self);
}

static void
on_spin_changed (LabInsidePage *self)
{
  if (!self->syncing)
    set_image (self, image_index (self));
}

/* Session */

static void
lab_inside_page_model_changed (LabPage *page)
{
  LabInsidePage *self = LAB_INSIDE_PAGE (page);
  LabModel *model = session_model (self);

  g_clear_pointer (&self->infer, lab_model_free);
  g_clear_pointer (&self->norms, g_free);
  if (model != NULL)
    self->norms = g_new0 (float, lab_model_n_layers (model));
  lab_layer_maps_set_model (self->layer_maps, model);
  lab_norm_plot_reset (self->norm_plot, model);
  add_norms (self);
  refresh (self);
}

static void
lab_inside_page_weights_published (LabPage *page)
{
  LabInsidePage *self = LAB_INSIDE_PAGE (page);

  add_norms (self);
  refresh (self);
}

static void
lab_inside_page_datasets_changed (LabPage *page)
{
  LabInsidePage *self = LAB_INSIDE_PAGE (page);
  LabDataset *test = test_dataset (self);

  self->syncing = TRUE;
  gtk_spin_button_set_range (self->image_spin, 0, test != NULL && test->n > 0 ? test->n - 1 : 0);
  self->syncing = FALSE;
  refresh (self);
}

/* Saved sessions: the test image shown (with the size of the test set it
 * indexes). */
static void
lab_inside_page_save_state (LabPage        *page,
                            LabSessionFile *file)
{
  LabInsidePage *self = LAB_INSIDE_PAGE (page);
  JsonObject *state = lab_session_file_get_page_state (file, "inside");
  LabDataset *test = test_dataset (self);

  json_object_set_int_member (state, "image", image_index (self));
  json_object_set_int_member (state, "test_images", test != NULL ? test->n : 0);
}

static void
lab_inside_page_restore_state (LabPage        *page,
                               LabSessionFile *file)
{
  LabInsidePage *self = LAB_INSIDE_PAGE (page);
  JsonObject *state = lab_session_file_lookup_page_state (file, "inside");
  LabDataset *test = test_dataset (self);
  gint64 image;

  if (state == NULL || test == NULL || lab_session_state_get_int (state, "test_images", -1) != test->n)
    return;
  image = lab_session_state_get_int (state, "image", -1);
  if (image >= 0 && image < test->n)
    set_image (self, (guint) image);
}

static void
on_training_changed (LabInsidePage *self)
{
  show_model_label (self);
}

/* GObject */

static void
lab_inside_page_map (GtkWidget *widget)
{
  LabInsidePage *self = LAB_INSIDE_PAGE (widget);

  GTK_WIDGET_CLASS (lab_inside_page_parent_class)->map (widget);
  if (self->dirty)
    refresh (self);
}

static void
lab_inside_page_dispose (GObject *object)
{
  LabInsidePage *self = (LabInsidePage *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_INSIDE_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->infer, lab_model_free);
  g_clear_pointer (&self->norms, g_free);

  G_OBJECT_CLASS (lab_inside_page_parent_class)->dispose (object);
}

static void
lab_inside_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabInsidePage *self = LAB_INSIDE_PAGE (object);

  switch (prop_id)
    {
    case PROP_IMAGE:
      g_value_set_int (value, gtk_spin_button_get_value_as_int (self->image_spin));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_inside_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LabInsidePage *self = LAB_INSIDE_PAGE (object);

  switch (prop_id)
    {
    case PROP_IMAGE:
      set_image (self, (guint) g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_inside_page_class_init (LabInsidePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  LabPageClass *page_class = LAB_PAGE_CLASS (klass);

  object_class->dispose = lab_inside_page_dispose;
  object_class->get_property = lab_inside_page_get_property;
  object_class->set_property = lab_inside_page_set_property;
  widget_class->map = lab_inside_page_map;

  page_class->datasets_changed = lab_inside_page_datasets_changed;
  page_class->model_changed = lab_inside_page_model_changed;
  page_class->weights_published = lab_inside_page_weights_published;
  page_class->save_state = lab_inside_page_save_state;
  page_class->restore_state = lab_inside_page_restore_state;

  properties[PROP_IMAGE] =
    g_param_spec_int ("image", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_property_action (widget_class, "page.inside-image", "image");

  g_type_ensure (LAB_TYPE_IMAGE_VIEW);
  g_type_ensure (LAB_TYPE_LAYER_MAPS);
  g_type_ensure (LAB_TYPE_FILTER_GRID);
  g_type_ensure (LAB_TYPE_NORM_PLOT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-inside-page.ui");
  gtk_widget_class_set_css_name (widget_class, "insidepage");
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, stack);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, image_spin);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, image_view);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, image_label);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, model_label);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, layer_maps);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, filter_grid);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, norm_plot);
}

static void
lab_inside_page_init (LabInsidePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_group_connect_swapped (lab_page_get_session_signals (LAB_PAGE (self)), "notify::training",
                                  G_CALLBACK (on_training_changed), self);
  g_signal_connect_swapped (self->image_spin, "value-changed", G_CALLBACK (on_spin_changed), self);
  show_empty (self, _("There is no model yet. Train one on the Train page, or open a "
                      "model file, and what its layers see shows here."));
}

GtkWidget *
lab_inside_page_new (void)
{
  return g_object_new (LAB_TYPE_INSIDE_PAGE, NULL);
}

/* Testing accessors */

LabLayerMaps *
lab_inside_page_get_layer_maps (LabInsidePage *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), NULL);
  return self->layer_maps;
}

LabFilterGrid *
lab_inside_page_get_filter_grid (LabInsidePage *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), NULL);
  return self->filter_grid;
}

LabNormPlot *
lab_inside_page_get_norm_plot (LabInsidePage *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), NULL);
  return self->norm_plot;
}

LabImageView *
lab_inside_page_get_image_view (LabInsidePage *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), NULL);
  return self->image_view;
}

GtkSpinButton *
lab_inside_page_get_image_spin (LabInsidePage *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), NULL);
  return self->image_spin;
}

guint
lab_inside_page_get_n_passes (LabInsidePage *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), 0);
  return self->n_passes;
}

guint64
lab_inside_page_get_shown_serial (LabInsidePage *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), 0);
  return self->shown_serial;
}

double
lab_inside_page_get_pass_ms (LabInsidePage *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), 0);
  return self->pass_ms;
}

double
lab_inside_page_get_max_pass_ms (LabInsidePage *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), 0);
  return self->max_pass_ms;
}

const char *
lab_inside_page_get_problem (LabInsidePage *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), NULL);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") != 0)
    return NULL;
  return gtk_label_get_label (self->empty_label);
}
