#define G_LOG_DOMAIN "latentlab"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-file-dialog.h"
#include "lab-format.h"
#include "lab-gallery-panel.h"
#include "lab-image-grid.h"
#include "lab-presentation.h"
#include "lab-widget-figure.h"
#include "lab-image-view.h"
#include "lab-job.h"
#include "lab-page.h"
#include "lab-worker-gate.h"

#define NEAREST_SLOT "nearest"

typedef struct
{
  guint   id;
  guint8 *pixels;      /* the kept image */
} NearestQuery;

typedef struct
{
  guint   id;
  guint   index;
  double  distance;
  guint8 *pixels;      /* the training image found */
} NearestAnswer;

/* What the worker owns: copies of the kept images, a ref to the dataset. */
typedef struct
{
  GArray        *queries;   /* (element-type NearestQuery) */
  LabDataset    *dataset;
  guint          height, width;
} NearestRequest;

struct _LabGalleryPanel
{
  GtkWidget             parent_instance;

  /* Template widgets */
  GtkLabel             *gallery_title;
  GtkLabel             *diversity_label;
  GtkListBox           *gallery_list;

  /* Owned */
  GtkStringList        *classes;
  LabGallery           *gallery;
  LabDataset           *search;       /* where the nearest images are looked for */
  LabWorkerGate        *gate;

  guint                 searching : 1;
  guint                 search_pending : 1;
  guint                 syncing : 1;
};

enum {
  CHANGED,
  EXPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabGalleryPanel, lab_gallery_panel, GTK_TYPE_WIDGET)

static void rebuild (LabGalleryPanel *self);

/* The nearest-image search */

static void
nearest_request_free (gpointer data)
{
  NearestRequest *req = data;

  for (guint i = 0; i < req->queries->len; i++)
    g_free (g_array_index (req->queries, NearestQuery, i).pixels);
  g_array_unref (req->queries);
  g_clear_pointer (&req->dataset, lab_dataset_unref);
  g_free (req);
}

static void
nearest_answers_free (gpointer data)
{
  GArray *answers = data;

  for (guint i = 0; i < answers->len; i++)
    g_free (g_array_index (answers, NearestAnswer, i).pixels);
  g_array_unref (answers);
}

static gpointer
nearest_worker (LabJob        *job,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  NearestRequest *req = data;
  GArray *answers = g_array_new (FALSE, FALSE, sizeof (NearestAnswer));
  gboolean ok = TRUE;

  for (guint i = 0; i < req->queries->len && ok; i++)
    {
      NearestQuery *q = &g_array_index (req->queries, NearestQuery, i);
      NearestAnswer a = { q->id, 0, 0, NULL };

      ok = lab_gallery_find_nearest (q->pixels, req->height, req->width, req->dataset,
                                     &a.index, &a.distance, cancellable, error);
      if (ok)
        {
          a.pixels = g_memdup2 (lab_dataset_image (req->dataset, a.index), (gsize) req->height * req->width);
          g_array_append_val (answers, a);
        }
    }
  if (!ok)
    {
      nearest_answers_free (answers);
      return NULL;
    }
  return answers;
}

static void search_nearest (LabGalleryPanel *self);

static void
nearest_done (gpointer      owner,
              LabJob       *job,
              gpointer      result,
              const GError *error)
{
  LabGalleryPanel *self = owner;
  GArray *answers = result;

  self->searching = FALSE;
  if (answers != NULL && self->gallery != NULL)
    {
      for (guint i = 0; i < answers->len; i++)
        {
          NearestAnswer *a = &g_array_index (answers, NearestAnswer, i);

          lab_gallery_set_nearest (self->gallery, a->id, a->index, a->distance, a->pixels);
        }
      rebuild (self);
    }
  else if (error != NULL)
    lab_widget_show_error (GTK_WIDGET (self), error);
  if (answers != NULL)
    nearest_answers_free (answers);
  if (self->search_pending)
    {
      self->search_pending = FALSE;
      search_nearest (self);
    }
}

/* Finds the nearest training image of every kept image that has none yet. */
static void
search_nearest (LabGalleryPanel *self)
{
  g_autoptr(LabJob) job = NULL;
  LabDataset *ds = self->search;
  NearestRequest *req;

  if (self->gallery == NULL || ds == NULL)
    return;
  if (self->searching)
    {
      self->search_pending = TRUE;
      return;
    }
  if (ds->height != lab_gallery_get_height (self->gallery) || ds->width != lab_gallery_get_width (self->gallery))
    return;

  req = g_new0 (NearestRequest, 1);
  req->queries = g_array_new (FALSE, FALSE, sizeof (NearestQuery));
  for (guint i = 0; i < lab_gallery_get_n (self->gallery); i++)
    {
      const LabGalleryItem *item = lab_gallery_get_item (self->gallery, i);
      NearestQuery q;

      if (item->has_nearest)
        continue;
      q.id = item->id;
      q.pixels = g_memdup2 (item->pixels, (gsize) ds->height * ds->width);
      g_array_append_val (req->queries, q);
    }
  if (req->queries->len == 0)
    {
      nearest_request_free (req);
      return;
    }
  req->dataset = lab_dataset_ref (ds);
  req->height = ds->height;
  req->width = ds->width;
  self->searching = TRUE;
  job = lab_job_new (self, NEAREST_SLOT, nearest_worker, req, nearest_request_free);
  lab_job_set_gate (job, self->gate);
  lab_job_set_result_free_func (job, nearest_answers_free);
  lab_job_set_done_func (job, nearest_done);
  lab_job_start (job);
}

/* The rows */

static void
on_item_label_changed (GtkDropDown     *dropdown,
                       GParamSpec      *pspec,
                       LabGalleryPanel *self)
{
  guint id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dropdown), "lab-id"));
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || self->gallery == NULL)
    return;
  lab_gallery_set_label (self->gallery, id, selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected);
}

static void
on_item_remove (GtkButton       *button,
                LabGalleryPanel *self)
{
  guint id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "lab-id"));

  if (self->gallery != NULL && lab_gallery_remove (self->gallery, id))
    rebuild (self);
}

static GtkWidget *
row_new (LabGalleryPanel      *self,
         const LabGalleryItem *item)
{
  guint h = lab_gallery_get_height (self->gallery), w = lab_gallery_get_width (self->gallery);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *kept = lab_image_view_new ();
  GtkWidget *info = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->classes)), NULL);
  GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *detail = gtk_label_new (NULL);
  g_autofree char *text = NULL;

  gtk_widget_add_css_class (row, "gallery-row");
  lab_image_view_set_pixel_size (LAB_IMAGE_VIEW (kept), 64);
  gtk_widget_add_css_class (kept, "thumbnail");
  gtk_widget_set_valign (kept, GTK_ALIGN_CENTER);
  lab_image_view_set_gray (LAB_IMAGE_VIEW (kept), item->pixels, w, h);
  gtk_widget_set_tooltip_text (kept, _("The kept image"));
  gtk_box_append (GTK_BOX (row), kept);

  gtk_widget_set_hexpand (info, TRUE);
  gtk_widget_set_valign (info, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (dropdown, TRUE);
  gtk_widget_set_tooltip_text (dropdown, _("The label this image is exported with"));
  self->syncing = TRUE;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown),
                              item->label >= 0 ? (guint) item->label : GTK_INVALID_LIST_POSITION);
  self->syncing = FALSE;
  g_object_set_data (G_OBJECT (dropdown), "lab-id", GUINT_TO_POINTER (item->id));
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_item_label_changed), self);
  gtk_box_append (GTK_BOX (top), dropdown);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove from the gallery"));
  g_object_set_data (G_OBJECT (remove), "lab-id", GUINT_TO_POINTER (item->id));
  g_signal_connect (remove, "clicked", G_CALLBACK (on_item_remove), self);
  gtk_box_append (GTK_BOX (top), remove);
  gtk_box_append (GTK_BOX (info), top);

  if (item->has_nearest && item->nearest_pixels != NULL)
    {
      GtkWidget *nearest = lab_image_view_new ();

      lab_image_view_set_pixel_size (LAB_IMAGE_VIEW (nearest), 36);
      gtk_widget_add_css_class (nearest, "thumbnail");
      lab_image_view_set_gray (LAB_IMAGE_VIEW (nearest), item->nearest_pixels, w, h);
      gtk_widget_set_tooltip_text (nearest, _("The most similar training image"));
      gtk_box_append (GTK_BOX (bottom), nearest);
      text = g_strdup_printf (_("nearest training image #%u\ndistance %.2f%s"), item->nearest_index,
                              item->nearest_distance,
                              item->nearest_distance < 1.0 ? _(" — nearly a copy") : "");
    }
  else
    text = g_strdup (_("looking for the nearest training image…"));
  gtk_label_set_label (GTK_LABEL (detail), text);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_widget_add_css_class (detail, "gallery-detail");
  gtk_box_append (GTK_BOX (bottom), detail);
  gtk_box_append (GTK_BOX (info), bottom);
  gtk_box_append (GTK_BOX (row), info);
  return row;
}

static void
rebuild (LabGalleryPanel *self)
{
  GtkWidget *child;
  guint n = self->gallery ? lab_gallery_get_n (self->gallery) : 0;
  g_autofree char *title = NULL, *count = NULL;
  double pixel, latent;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->gallery_list))) != NULL)
    gtk_list_box_remove (self->gallery_list, child);
  /* Newest first: the one just kept is at the top. */
  for (guint i = n; i > 0; i--)
    gtk_list_box_append (self->gallery_list, row_new (self, lab_gallery_get_item (self->gallery, i - 1)));

  count = lab_format_count_localized (n);
  title = g_strdup_printf (_("Augmentation gallery (%s)"), count);
  gtk_label_set_label (self->gallery_title, title);
  if (n >= 2)
    {
      g_autofree char *text = NULL;

      lab_gallery_diversity (self->gallery, &pixel, &latent);
      if (isfinite (latent))
        text = g_strdup_printf (_("Diversity: kept images are %.2f apart on average (pixels), "
                                  "%.2f in latent space"), pixel, latent);
      else
        text = g_strdup_printf (_("Diversity: kept images are %.2f apart on average (pixels)"), pixel);
      gtk_label_set_label (self->diversity_label, text);
    }
  else
    gtk_label_set_label (self->diversity_label,
                         n == 0 ? _("Click the map to decode a new image, then Keep it. Kept images "
                                    "export as augmentation data.")
                                : _("Keep two or more images to measure how diverse they are."));
  g_signal_emit (self, signals[CHANGED], 0);
}

void
lab_gallery_panel_set_classes (LabGalleryPanel *self,
                               GtkStringList   *classes)
{
  g_return_if_fail (LAB_IS_GALLERY_PANEL (self));

  g_set_object (&self->classes, classes);
}

void
lab_gallery_panel_keep (LabGalleryPanel        *self,
                        const LabDecodedSample *sample,
                        int                     label,
                        const LabGallerySource *source,
                        LabDataset             *search)
{
  guint n_classes;

  g_return_if_fail (LAB_IS_GALLERY_PANEL (self));

  n_classes = g_list_model_get_n_items (G_LIST_MODEL (self->classes));
  if (self->gallery != NULL
      && (lab_gallery_get_height (self->gallery) != sample->height
          || lab_gallery_get_width (self->gallery) != sample->width
          || lab_gallery_get_n_classes (self->gallery) != n_classes))
    {
      /* Another dataset's images: a gallery holds one size and one set of classes. */
      g_clear_pointer (&self->gallery, lab_gallery_free);
    }
  if (self->gallery == NULL)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();

      for (guint c = 0; c < n_classes; c++)
        g_ptr_array_add (names, (gpointer) gtk_string_list_get_string (self->classes, c));
      self->gallery = lab_gallery_new (sample->height, sample->width,
                                       (const char * const *) names->pdata, n_classes);
    }
  if (search != self->search)
    {
      g_clear_pointer (&self->search, lab_dataset_unref);
      self->search = search != NULL ? lab_dataset_ref (search) : NULL;
    }
  lab_gallery_add (self->gallery, sample->image, sample->latent, sample->dim, label, source);
  rebuild (self);
  search_nearest (self);
}

void
lab_gallery_panel_set_gallery (LabGalleryPanel *self,
                               LabGallery      *gallery,
                               LabDataset      *search)
{
  g_return_if_fail (LAB_IS_GALLERY_PANEL (self));

  /* A search's answers name items of the gallery it was started for. */
  lab_job_cancel_slot (self, NEAREST_SLOT);
  self->searching = FALSE;
  self->search_pending = FALSE;
  g_clear_pointer (&self->gallery, lab_gallery_free);
  self->gallery = gallery;
  if (search != self->search)
    {
      g_clear_pointer (&self->search, lab_dataset_unref);
      self->search = search != NULL ? lab_dataset_ref (search) : NULL;
    }
  rebuild (self);
  search_nearest (self);
}

void
lab_gallery_panel_clear (LabGalleryPanel *self)
{
  g_return_if_fail (LAB_IS_GALLERY_PANEL (self));

  if (self->gallery != NULL)
    lab_gallery_clear (self->gallery);
  rebuild (self);
}

guint
lab_gallery_panel_get_n_kept (LabGalleryPanel *self)
{
  g_return_val_if_fail (LAB_IS_GALLERY_PANEL (self), 0);

  return self->gallery ? lab_gallery_get_n (self->gallery) : 0;
}

/* Export */

static char *
labels_path_for (const char *images_path)
{
  g_autofree char *dir = g_path_get_dirname (images_path);
  g_autofree char *base = g_path_get_basename (images_path);
  g_autofree char *file = NULL;
  char *found = strstr (base, "images-idx3");
  GString *name;

  if (found != NULL)
    {
      name = g_string_new_len (base, found - base);
      g_string_append (name, "labels-idx1");
      g_string_append (name, found + strlen ("images-idx3"));
    }
  else if ((found = strstr (base, "images")) != NULL)
    {
      name = g_string_new_len (base, found - base);
      g_string_append (name, "labels");
      g_string_append (name, found + strlen ("images"));
    }
  else
    {
      name = g_string_new (base);
      g_string_append (name, "-labels");
    }
  file = g_string_free (name, FALSE);
  return g_build_filename (dir, file, NULL);
}

gboolean
lab_gallery_panel_export (LabGalleryPanel  *self,
                          const char       *kind,
                          const char       *path,
                          GError          **error)
{
  g_autofree char *message = NULL, *n = NULL;

  g_return_val_if_fail (LAB_IS_GALLERY_PANEL (self), FALSE);

  if (self->gallery == NULL || lab_gallery_get_n (self->gallery) == 0)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID,
                           _("The gallery is empty: keep some decoded images first"));
      return FALSE;
    }
  n = lab_format_count_localized (lab_gallery_get_n (self->gallery));
  if (g_strcmp0 (kind, "idx") == 0)
    {
      g_autofree char *labels = labels_path_for (path);

      if (!lab_gallery_export_idx (self->gallery, path, labels, error))
        return FALSE;
      message = g_strdup_printf (_("Saved %s images to %s and their labels to %s"), n, path, labels);
    }
  else
    {
      if (!lab_gallery_export_png_folder (self->gallery, path, error))
        return FALSE;
      message = g_strdup_printf (_("Saved %s images to %s, one folder per label, with provenance.csv"),
                                 n, path);
    }
  g_signal_emit (self, signals[EXPORTED], 0, message);
  return TRUE;
}

static gboolean
export_chosen (GtkWidget       *owner,
               const char      *path,
               GtkFileChooser  *chooser,
               gpointer         user_data,
               GError         **error)
{
  return lab_gallery_panel_export (LAB_GALLERY_PANEL (owner), user_data, path, error);
}

void
lab_gallery_panel_choose_export (LabGalleryPanel *self,
                                 const char      *kind)
{
  gboolean idx = g_strcmp0 (kind, "idx") == 0;
  GtkFileChooser *chooser;

  g_return_if_fail (LAB_IS_GALLERY_PANEL (self));

  chooser = lab_file_dialog_new_for_path (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                          idx ? _("Export the Gallery as IDX Files")
                                              : _("Export the Gallery as a Folder of PNGs"),
                                          _("_Export"), export_chosen, (gpointer) (idx ? "idx" : "png"), NULL);
  gtk_file_chooser_set_current_name (chooser, idx ? "augmented-images-idx3-ubyte" : "augmented-digits");
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

LabGallery *
lab_gallery_panel_get_gallery (LabGalleryPanel *self)
{
  g_return_val_if_fail (LAB_IS_GALLERY_PANEL (self), NULL);

  return self->gallery;
}

gboolean
lab_gallery_panel_is_searching (LabGalleryPanel *self)
{
  g_return_val_if_fail (LAB_IS_GALLERY_PANEL (self), FALSE);

  return self->searching || self->search_pending;
}

/* The export of what the gallery shows: the kept images with their
 * labels, and under them each one's nearest training image. */
static gboolean
get_figure (GtkWidget        *widget,
            LabWidgetFigure  *figure,
            GError          **error)
{
  LabGalleryPanel *self = LAB_GALLERY_PANEL (widget);
  guint n = lab_gallery_get_n (self->gallery);
  guint h = lab_gallery_get_height (self->gallery), w = lab_gallery_get_width (self->gallery);
  g_autofree guint8 *kept = NULL;
  g_autofree guint8 *nearest = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) distances = g_ptr_array_new_with_free_func (g_free);
  gboolean any_nearest = FALSE;
  LabImageGrid *grid;

  if (n == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID, _("The gallery is empty: keep a decoded image first."));
      return FALSE;
    }
  kept = g_new0 (guint8, (gsize) n * h * w);
  nearest = g_new0 (guint8, (gsize) n * h * w);
  for (guint i = 0; i < n; i++)
    {
      const LabGalleryItem *item = lab_gallery_get_item (self->gallery, i);

      memcpy (kept + (gsize) i * h * w, item->pixels, (gsize) h * w);
      g_ptr_array_add (labels, g_strdup (item->label >= 0 ? lab_gallery_get_class_name (self->gallery, item->label) : "?"));
      if (item->has_nearest && item->nearest_pixels != NULL)
        {
          memcpy (nearest + (gsize) i * h * w, item->nearest_pixels, (gsize) h * w);
          g_ptr_array_add (distances, g_strdup_printf ("#%u\n%.2f", item->nearest_index, item->nearest_distance));
          any_nearest = TRUE;
        }
      else
        g_ptr_array_add (distances, g_strdup (""));
    }
  g_ptr_array_add (labels, NULL);
  g_ptr_array_add (distances, NULL);
  grid = lab_image_grid_new ();
  lab_image_grid_set_text_scale (grid, lab_presentation_get_scale (widget));
  lab_image_grid_set_n_rows (grid, any_nearest ? 2 : 1);
  lab_image_grid_set_row_title (grid, 0, _("Kept images and their labels"));
  lab_image_grid_set_row (grid, 0, kept, n, h, w);
  lab_image_grid_set_captions (grid, 0, (const char * const *) labels->pdata);
  lab_image_grid_set_row_title (grid, 1, _("The nearest training image and its distance"));
  lab_image_grid_set_row (grid, 1, nearest, n, h, w);
  lab_image_grid_set_captions (grid, 1, (const char * const *) distances->pdata);
  figure->draw = lab_image_grid_draw_figure;
  figure->figure = grid;
  figure->free_figure = (GDestroyNotify) lab_image_grid_free;
  figure->name = "gallery";
  return TRUE;
}

/* GObject */

static void
lab_gallery_panel_dispose (GObject *object)
{
  LabGalleryPanel *self = (LabGalleryPanel *)object;
  GtkWidget *child;

  lab_job_cancel_and_wait (self, NEAREST_SLOT, self->gate, 10000, "A nearest-image search");

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_GALLERY_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_gallery_panel_parent_class)->dispose (object);
}

static void
lab_gallery_panel_finalize (GObject *object)
{
  LabGalleryPanel *self = (LabGalleryPanel *)object;

  g_clear_pointer (&self->gallery, lab_gallery_free);
  g_clear_pointer (&self->search, lab_dataset_unref);
  g_clear_pointer (&self->gate, lab_worker_gate_unref);
  g_clear_object (&self->classes);

  G_OBJECT_CLASS (lab_gallery_panel_parent_class)->finalize (object);
}

static void
lab_gallery_panel_class_init (LabGalleryPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_gallery_panel_dispose;
  object_class->finalize = lab_gallery_panel_finalize;

  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[EXPORTED] =
    g_signal_new ("exported",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/latentlab/LatentLab/lab-gallery-panel.ui");
  gtk_widget_class_set_css_name (widget_class, "gallerypanel");
  gtk_widget_class_bind_template_child (widget_class, LabGalleryPanel, gallery_title);
  gtk_widget_class_bind_template_child (widget_class, LabGalleryPanel, diversity_label);
  gtk_widget_class_bind_template_child (widget_class, LabGalleryPanel, gallery_list);
  lab_widget_figure_class_install (widget_class, get_figure);
}

static void
lab_gallery_panel_init (LabGalleryPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->gate = lab_worker_gate_new ();
  self->classes = gtk_string_list_new (NULL);
  rebuild (self);
  lab_widget_figure_init (GTK_WIDGET (self), NULL);
}
