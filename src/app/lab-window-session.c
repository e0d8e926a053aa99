#define G_LOG_DOMAIN "latentlab"

/* Saved sessions in the window (lab-session-file.h): Save Session…, Open
 * Session…, .latentlab files from the command line, a drop or Open File,
 * the autosave when the window closes and Restore Last Session.
 *
 * Saving: each page puts what it shows into a borrowing LabSessionFile
 * (lab_page_save_state), the snapshot copies it on the main thread (a
 * memcpy), and a LabJob hashes the dataset and writes the file on a worker.
 * At start, a bar above the pages offers the last session when there is
 * one (Restore, or dismiss); opening anything hides it.
 * Opening: a LabJob reads and checks the file and looks for its dataset on
 * a worker; on the main thread the Data page loads the dataset when it is
 * not the one shown, and once the session's datasets are the file's (or
 * the dataset is known to be missing, which the banner says), every page
 * restores its part (lab_page_restore_state), Train first with the model;
 * then a LabJob hashes the dataset shown and the banner says so when it
 * holds other images than the session was saved with. */

#include <glib/gi18n.h>

#include "lab-dataset-hash.h"
#include "lab-file-dialog.h"
#include "lab-format.h"
#include "lab-job.h"
#include "lab-window-private.h"

#define SESSION_SLOT  "session-file"
#define CHECK_SLOT    "session-check"
#define PENDING_KEY   "lab-session-pending"
#define HANDLER_KEY   "lab-session-handler"

char *
lab_window_autosave_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "latentlab", "last" LAB_SESSION_FILE_SUFFIX, NULL);
}

/* fn (save or restore) on every page, in the window's order. */
static void
each_page (LabWindow       *self,
           void           (*fn) (LabPage *, LabSessionFile *),
           LabSessionFile  *file)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (lab_window_get_stack (self)));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (LAB_IS_PAGE (child))
      fn (LAB_PAGE (child), file);
}

/* Saving */

static LabSessionFile *
collect_session (LabWindow *self)
{
  LabSessionFile *file = lab_session_file_new_borrowing ();
  LabDataPage *data = lab_window_get_data_page (self);
  LabDataset *ds = lab_data_page_get_dataset (data);

  if (ds != NULL && lab_data_page_get_spec (data) != NULL)
    lab_session_file_set_dataset (file, ds, lab_data_page_get_spec (data), lab_data_page_get_split (data));
  file->page = g_strdup (lab_window_get_visible_page (self));
  each_page (self, lab_page_save_state, file);
  return file;
}

typedef struct
{
  LabSessionSnapshot *snap;
  char               *path;
} SaveRequest;

static void
save_request_free (gpointer data)
{
  SaveRequest *req = data;

  lab_session_snapshot_free (req->snap);
  g_free (req->path);
  g_free (req);
}

/* Worker thread. */
static gpointer
save_worker (LabJob        *job,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  SaveRequest *req = data;
  g_autofree char *dir = g_path_get_dirname (req->path);

  g_mkdir_with_parents (dir, 0755);
  if (!lab_session_snapshot_save (req->snap, req->path, error))
    return NULL;
  return g_strdup (req->path);
}

static void
save_done (gpointer      owner,
           LabJob       *job,
           gpointer      result,
           const GError *error)
{
  LabWindow *self = owner;
  g_autofree char *path = result;

  if (error != NULL)
    lab_window_show_error (self, error);
  else
    {
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *text = g_strdup_printf (_("Saved the session to %s"), base);

      lab_window_show_message (self, text);
    }
}

static SaveRequest *
save_request_new (LabWindow  *self,
                  const char *path)
{
  g_autoptr(LabSessionFile) file = collect_session (self);
  SaveRequest *req = g_new0 (SaveRequest, 1);

  req->snap = lab_session_file_snapshot (file);
  req->path = g_strdup (path);
  return req;
}

void
lab_window_save_session (LabWindow  *self,
                         const char *path)
{
  g_autoptr(LabJob) job = NULL;

  g_return_if_fail (LAB_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  job = lab_job_new (self, SESSION_SLOT, save_worker, save_request_new (self, path), save_request_free);
  lab_job_set_finish_before_exit (job, TRUE);
  lab_job_set_result_free_func (job, g_free);
  lab_job_set_done_func (job, save_done);
  lab_job_start (job);
}

static void
autosave_done (gpointer      owner,
               LabJob       *job,
               gpointer      result,
               const GError *error)
{
  if (error != NULL)
    g_message ("The session was not saved for next time: %s", error->message);
  g_free (result);
  g_application_release (G_APPLICATION (owner));
}

void
lab_window_autosave (LabWindow *self,
                     gboolean   wait)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  LabSession *session = lab_window_get_session (self);
  g_autofree char *path = NULL;
  g_autoptr(LabJob) job = NULL;

  /* Nothing worth keeping before there is a model; none while it trains. */
  if (app == NULL || lab_session_get_model (session) == NULL || lab_session_get_training (session))
    return;
  path = lab_window_autosave_path ();
  if (wait)
    {
      g_autoptr(GError) error = NULL;
      SaveRequest *req = save_request_new (self, path);
      /* The application ends next: nothing is left to keep responsive. */
      g_autofree char *saved = save_worker (NULL, req, NULL, &error);

      if (saved == NULL)
        g_message ("The session was not saved for next time: %s", error->message);
      save_request_free (req);
      return;
    }
  /* The application outlives the window until the file is written. */
  g_application_hold (app);
  job = lab_job_new (app, "autosave", save_worker, save_request_new (self, path), save_request_free);
  lab_job_set_finish_before_exit (job, TRUE);
  lab_job_set_done_func (job, autosave_done);
  lab_job_start (job);
}

/* Opening */

typedef struct
{
  LabSessionFile *file;
  char           *missing;   /* why the dataset cannot be opened here, or NULL */
} LoadResult;

static void
load_result_free (gpointer data)
{
  LoadResult *res = data;

  lab_session_file_free (res->file);
  g_free (res->missing);
  g_free (res);
}

/* Worker thread. */
static gpointer
load_worker (LabJob        *job,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GError) missing = NULL;
  LoadResult *res;
  LabSessionFile *file = lab_session_file_load (data, error);

  if (file == NULL)
    return NULL;
  res = g_new0 (LoadResult, 1);
  res->file = file;
  if (!lab_session_file_find_dataset (file, &missing))
    res->missing = g_strdup (missing->message);
  return res;
}

/* The content check: the dataset shown has the session's name and size;
 * whether it holds the same images is its SHA-256 against the one saved,
 * computed on a worker (a pass over every pixel). */
typedef struct
{
  LabDataset *dataset;
  char       *sha256;    /* the session's */
  char       *name;      /* the session's name for it */
} CheckRequest;

static void
check_request_free (gpointer data)
{
  CheckRequest *req = data;

  lab_dataset_unref (req->dataset);
  g_free (req->sha256);
  g_free (req->name);
  g_free (req);
}

/* Worker thread. */
static gpointer
check_worker (LabJob        *job,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  return lab_dataset_hash (((CheckRequest *) data)->dataset);
}

static void
check_done (gpointer      owner,
            LabJob       *job,
            gpointer      result,
            const GError *error)
{
  CheckRequest *req = lab_job_get_data (job);
  g_autofree char *hash = result;
  g_autofree char *text = NULL;

  if (hash == NULL || g_ascii_strcasecmp (hash, req->sha256) == 0)
    return;
  /* Translators: the first %s is a dataset's name ("MNIST (train)"), the
   * next two the beginnings of SHA-256 hashes */
  text = g_strdup_printf (_("The content of %s differs from the one the session was saved with "
                            "(SHA-256 %.12s… here, %.12s… in the session): the same name holds "
                            "other images, so the session's pages may not match them"),
                          req->name, hash, req->sha256);
  lab_window_show_message (LAB_WINDOW (owner), text);
}

static void
check_content (LabWindow      *self,
               LabDataset     *dataset,
               LabSessionFile *file)
{
  g_autoptr(LabJob) job = NULL;
  CheckRequest *req = g_new0 (CheckRequest, 1);

  req->dataset = lab_dataset_ref (dataset);
  req->sha256 = g_strdup (file->dataset.sha256);
  req->name = g_strdup (file->dataset.name);
  job = lab_job_new (self, CHECK_SLOT, check_worker, req, check_request_free);
  lab_job_set_result_free_func (job, g_free);
  lab_job_set_done_func (job, check_done);
  lab_job_start (job);
}

static void
restore_pages (LabWindow      *self,
               LabSessionFile *file)
{
  LabDataset *ds = lab_data_page_get_dataset (lab_window_get_data_page (self));
  gboolean same_spec;

  /* A check of the previous session's says nothing about this one. */
  lab_job_cancel_slot (self, CHECK_SLOT);
  each_page (self, lab_page_restore_state, file);
  if (file->page != NULL && lab_window_get_page (self, file->page) != NULL)
    lab_window_set_visible_page (self, file->page);
  same_spec = file->dataset.spec != NULL && ds != NULL
              && g_strcmp0 (lab_data_page_get_spec (lab_window_get_data_page (self)), file->dataset.spec) == 0;
  if (same_spec
      && (ds->n != file->dataset.n || ds->height != file->dataset.height || ds->width != file->dataset.width))
    {
      g_autofree char *here = lab_format_count_localized (ds->n);
      g_autofree char *then = lab_format_count_localized (file->dataset.n);
      g_autofree char *text = g_strdup_printf (_("%s has %s images of %u×%u here; the session was made "
                                                 "with %s of %u×%u, so its pages may not match"),
                                               ds->name, here, ds->height, ds->width,
                                               then, file->dataset.height, file->dataset.width);

      lab_window_show_message (self, text);
    }
  else if (same_spec && file->dataset.sha256 != NULL)
    check_content (self, ds, file);
}

static void
drop_pending (LabWindow *self)
{
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (self), HANDLER_KEY));

  if (handler != 0)
    g_signal_handler_disconnect (lab_window_get_session (self), handler);
  g_object_set_data (G_OBJECT (self), HANDLER_KEY, NULL);
  g_object_set_data (G_OBJECT (self), PENDING_KEY, NULL);
}

/* The session's datasets changed: when they are the pending file's, its
 * pages come back. */
static void
on_datasets_changed (LabWindow  *self,
                     LabSession *session)
{
  LabSessionFile *file = g_object_get_data (G_OBJECT (self), PENDING_KEY);
  LabDataPage *data = lab_window_get_data_page (self);

  if (file == NULL || !lab_session_is_ready (session)
      || g_strcmp0 (lab_data_page_get_spec (data), file->dataset.spec) != 0
      || lab_data_page_get_split (data) != file->dataset.split)
    return;
  g_object_ref (self);
  file = g_object_steal_data (G_OBJECT (self), PENDING_KEY);
  drop_pending (self);
  restore_pages (self, file);
  lab_session_file_free (file);
  g_object_unref (self);
}

static void
load_done (gpointer      owner,
           LabJob       *job,
           gpointer      result,
           const GError *error)
{
  LabWindow *self = owner;
  LoadResult *res = result;
  LabSession *session = lab_window_get_session (self);
  LabDataPage *data = lab_window_get_data_page (self);
  LabSessionFile *file;

  if (res == NULL)
    {
      if (error != NULL)
        lab_window_show_error (self, error);
      return;
    }
  if (lab_session_get_training (session))
    {
      lab_window_show_message (self, _("Stop the training before opening a session"));
      load_result_free (res);
      return;
    }
  file = g_steal_pointer (&res->file);
  drop_pending (self);
  if (res->missing != NULL || file->dataset.spec == NULL
      || (g_strcmp0 (lab_data_page_get_spec (data), file->dataset.spec) == 0
          && lab_data_page_get_split (data) == file->dataset.split && lab_session_is_ready (session)))
    {
      /* The dataset shown is the session's, or it is not on this computer:
       * the pages come back now (with the model, the curves, the map and
       * the gallery; what needs the images waits for the dataset). */
      restore_pages (self, file);
      if (res->missing != NULL)
        lab_window_show_message (self, res->missing);
      lab_session_file_free (file);
    }
  else
    {
      gulong handler = g_signal_connect_object (session, "datasets-changed", G_CALLBACK (on_datasets_changed),
                                         self, G_CONNECT_SWAPPED);
      g_object_set_data_full (G_OBJECT (self), PENDING_KEY, file, (GDestroyNotify) lab_session_file_free);
      g_object_set_data (G_OBJECT (self), HANDLER_KEY, GSIZE_TO_POINTER (handler));
      lab_data_page_load (data, file->dataset.spec, file->dataset.split);
    }
  load_result_free (res);
}

void
lab_window_open_session (LabWindow  *self,
                         const char *path)
{
  g_autoptr(LabJob) job = NULL;

  g_return_if_fail (LAB_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  /* Whichever session it is, the last one is no longer on offer. */
  lab_window_offer_restore (self, NULL);
  job = lab_job_new (self, SESSION_SLOT, load_worker, g_strdup (path), g_free);
  lab_job_set_result_free_func (job, load_result_free);
  lab_job_set_done_func (job, load_done);
  lab_job_start (job);
}

gboolean
lab_window_is_session_busy (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), FALSE);

  return lab_job_lookup (self, SESSION_SLOT) != NULL || lab_job_lookup (self, CHECK_SLOT) != NULL
         || g_object_get_data (G_OBJECT (self), PENDING_KEY) != NULL;
}

/* Actions */

static void
add_session_filter (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("LatentLab sessions"));
  gtk_file_filter_add_pattern (filter, "*" LAB_SESSION_FILE_SUFFIX);
  gtk_file_chooser_add_filter (chooser, filter);
}

static gboolean
session_path_chosen (GtkWidget       *owner,
                     const char      *path,
                     GtkFileChooser  *chooser,
                     gpointer         user_data,
                     GError         **error)
{
  if (GPOINTER_TO_INT (user_data))
    {
      g_autofree char *named = g_str_has_suffix (path, LAB_SESSION_FILE_SUFFIX)
                               ? g_strdup (path) : g_strconcat (path, LAB_SESSION_FILE_SUFFIX, NULL);

      lab_window_save_session (LAB_WINDOW (owner), named);
    }
  else
    lab_window_open_session (LAB_WINDOW (owner), path);
  return TRUE;
}

static void
session_dialog_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  gboolean save = g_str_equal (action_name, "win.save-session");
  GtkFileChooser *chooser;

  chooser = lab_file_dialog_new_for_path (widget,
                                          save ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN,
                                          save ? _("Save the Session") : _("Open a Session"),
                                          save ? _("_Save") : _("_Open"),
                                          session_path_chosen, GINT_TO_POINTER (save), NULL);
  add_session_filter (chooser);
  if (save)
    gtk_file_chooser_set_current_name (chooser, "demo" LAB_SESSION_FILE_SUFFIX);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* win.save-session-to (s), win.open-session-file (s): a path, no dialog. */
static void
session_path_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  const char *path = g_variant_get_string (param, NULL);

  if (g_str_equal (action_name, "win.save-session-to"))
    lab_window_save_session (LAB_WINDOW (widget), path);
  else
    lab_window_open_session (LAB_WINDOW (widget), path);
}

static void
restore_session_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  g_autofree char *path = lab_window_autosave_path ();

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      lab_window_show_message (LAB_WINDOW (widget),
                               _("There is no last session yet: one is kept when the window "
                                 "closes with a model"));
      return;
    }
  lab_window_open_session (LAB_WINDOW (widget), path);
}

static void
dismiss_restore_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  lab_window_offer_restore (LAB_WINDOW (widget), NULL);
}

void
lab_window_offer_last_session (LabWindow *self)
{
  g_autofree char *path = lab_window_autosave_path ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GDateTime) when = NULL, local = NULL;
  g_autofree char *date = NULL, *text = NULL;

  g_return_if_fail (LAB_IS_WINDOW (self));

  /* One stat of a local file: no worker needed. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_TIME_MODIFIED,
                            G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      lab_window_offer_restore (self, NULL);
      return;
    }
  when = g_file_info_get_modification_date_time (info);
  local = when != NULL ? g_date_time_to_local (when) : NULL;
  /* Translators: how the bar dates the last session: a date and a time of day
   * (strftime format) */
  date = local != NULL ? g_date_time_format (local, _("%x at %H:%M")) : NULL;
  /* One line (ellipsized when narrow): the bar keeps one height. */
  if (date != NULL)
    /* Translators: %s is a date and a time, "12/03/26 at 08:12" */
    text = g_strdup_printf (_("The last session, kept when a window closed (%s), can be opened again"), date);
  else
    text = g_strdup (_("The last session, kept when a window closed, can be opened again"));
  lab_window_offer_restore (self, text);
}

void
lab_window_class_init_session (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.save-session", NULL, session_dialog_activated);
  gtk_widget_class_install_action (widget_class, "win.open-session", NULL, session_dialog_activated);
  gtk_widget_class_install_action (widget_class, "win.save-session-to", "s", session_path_activated);
  gtk_widget_class_install_action (widget_class, "win.open-session-file", "s", session_path_activated);
  gtk_widget_class_install_action (widget_class, "win.restore-session", NULL, restore_session_activated);
  gtk_widget_class_install_action (widget_class, "win.dismiss-restore", NULL, dismiss_restore_activated);
}
