#define G_LOG_DOMAIN "latentlab"

#include "lab-lessons-page.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-job.h"
#include "lab-lesson-results.h"
#include "lab-lesson-row.h"
#include "lab-lesson.h"
#include "lab-plot-view.h"
#include "lab-worker-gate.h"

#define RUN_SLOT       "lesson"
#define REPRODUCE_SLOT "reproduce-lesson"
#define SHOW_SLOT      "show-lesson"

struct _LabLessonsPage
{
  LabPage           parent_instance;

  /* Template widgets */
  GtkListBox       *lesson_list;
  GtkLabel         *title_label;
  GtkLabel         *teaches_label;
  GtkLabel         *dataset_label;
  GtkDropDown      *setting_dropdown;
  GtkBox           *progress_box;
  GtkProgressBar   *progress_bar;
  LabPlotView      *loss_plot;
  LabLessonResults *results;

  /* Borrowed: static tables of the core */
  const LabLessonInfo *lesson;

  /* Owned */
  LabWorkerGate    *gate;
  guint             max_images;
  guint             max_epochs;
  guint             plot_step;      /* the lesson step the live curve shows */
  guint             running : 1;
  guint             reproducing : 1;
};

enum {
  PROP_0,
  PROP_LESSON,
  PROP_SETTING,
  PROP_MAX_IMAGES,
  PROP_MAX_EPOCHS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabLessonsPage, lab_lessons_page, LAB_TYPE_PAGE)

/* What a run's worker owns. */
typedef struct
{
  const LabLessonInfo *lesson;
  LabLessonConfig      config;
  char                *dataset;
  char                *record;      /* reproduce: the record's path */
  char                *dir;         /* show: the run's folder; NULL: look for one */
  LabWorkerGate       *gate;
  LabJob              *job;         /* borrowed */
} LessonRequest;

/* A step of the live curve on its way to the main thread. */
typedef struct
{
  guint    step;
  guint64  train_step;
  double   loss;
} LessonTick;

typedef struct
{
  GArray   *matches;
  gboolean  all_match;
} ReproduceResult;

static void
lesson_request_free (gpointer data)
{
  LessonRequest *req = data;

  g_free (req->dataset);
  g_free (req->record);
  g_free (req->dir);
  g_clear_pointer (&req->gate, lab_worker_gate_unref);
  g_free (req);
}

static void
reproduce_result_free (gpointer data)
{
  ReproduceResult *result = data;

  lab_lesson_matches_free (result->matches);
  g_free (result);
}

static LabLessonSetting
current_setting (LabLessonsPage *self)
{
  return gtk_drop_down_get_selected (self->setting_dropdown) == 1 ? LAB_LESSON_FULL
                                                                  : LAB_LESSON_QUICK;
}

/* The Data page's dataset when the session has one, else the lesson's own. */
static const char *
current_dataset (LabLessonsPage *self)
{
  LabSession *session = lab_page_get_session (LAB_PAGE (self));
  const char *spec = session && lab_session_is_ready (session)
                     ? lab_session_get_dataset_spec (session) : NULL;

  return spec ? spec : self->lesson ? self->lesson->default_dataset : NULL;
}

static void
current_config (LabLessonsPage  *self,
                LabLessonConfig *config)
{
  lab_lesson_config_init (config);
  config->setting = current_setting (self);
  config->dataset = current_dataset (self);
  config->max_images = self->max_images;
  config->max_epochs = self->max_epochs;
}

static void
update_actions (LabLessonsPage *self)
{
  gboolean busy = self->running || self->reproducing;
  gboolean shown = lab_lesson_results_get_dir (self->results) != NULL;

  lab_page_set_action_enabled (LAB_PAGE (self), "page.run-lesson", self->lesson != NULL && !busy);
  lab_page_set_action_enabled (LAB_PAGE (self), "page.cancel-lesson", busy);
  lab_page_set_action_enabled (LAB_PAGE (self), "page.open-report", shown);
  lab_page_set_action_enabled (LAB_PAGE (self), "page.reproduce-lesson", shown && !busy);
}

static LessonRequest *
lesson_request_new (LabLessonsPage *self)
{
  LessonRequest *req = g_new0 (LessonRequest, 1);

  req->lesson = self->lesson;
  current_config (self, &req->config);
  req->dataset = g_strdup (req->config.dataset);
  req->config.dataset = req->dataset;
  req->gate = lab_worker_gate_ref (self->gate);
  lab_worker_gate_enter (self->gate);
  return req;
}

/* The run in req->dir, else the cached run for the request's settings, else
 * a stale one; NULL without error when there is none. */
static gpointer
show_worker (LabJob        *job,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  LessonRequest *req = data;
  g_autofree char *dir = NULL;
  gboolean stale = FALSE;
  LabLessonOutput *output = NULL;

  if (req->dir != NULL)
    dir = g_strdup (req->dir);
  else if (req->config.dataset == NULL
           || (dir = lab_lesson_find_cached (req->lesson, &req->config)) == NULL)
    stale = (dir = lab_lesson_find_stale (req->lesson, &req->config)) != NULL;
  if (dir != NULL)
    output = lab_lesson_output_load (dir, stale, error);
  lab_worker_gate_leave (req->gate);
  return output;
}

static void
show_done (gpointer      owner,
           LabJob       *job,
           gpointer      result,
           const GError *error)
{
  LabLessonsPage *self = owner;
  g_autoptr(LabLessonOutput) output = result;

  if (error != NULL)
    lab_widget_show_error (GTK_WIDGET (self), error);
  if (output != NULL)
    lab_lesson_results_show (self->results, output);
  else
    {
      double minutes = current_setting (self) == LAB_LESSON_FULL ? self->lesson->full_minutes
                                                                   : self->lesson->quick_minutes;
      g_autofree char *time = lab_format_minutes (minutes);
      /* Translators: the time is "about 5 min" or "under a minute" */
      g_autofree char *text = g_strdup_printf (_("Not run yet with these settings. Press Run: "
                                                 "%s on 2 cores; the report appears here and "
                                                 "as a PDF."), time);
      lab_lesson_results_show_empty (self->results, text);
    }
  update_actions (self);
}

/* Reads the run in dir (NULL: the cached run for the settings chosen, a
 * stale one, or none) on a worker and shows it, or what a run would take. */
static void
show_run (LabLessonsPage *self,
          const char     *dir)
{
  LessonRequest *req = lesson_request_new (self);
  LabJob *job;

  req->dir = g_strdup (dir);
  job = lab_job_new (self, SHOW_SLOT, show_worker, req, lesson_request_free);
  lab_job_set_result_free_func (job, (GDestroyNotify) lab_lesson_output_free);
  lab_job_set_done_func (job, show_done);
  lab_job_start (job);
  g_object_unref (job);
}

static void
refresh (LabLessonsPage *self)
{
  g_autofree char *dataset = NULL;
  const char *spec;

  if (self->lesson == NULL)
    {
      lab_job_cancel_slot (self, SHOW_SLOT);
      lab_lesson_results_show_empty (self->results, _("Choose a lesson on the left."));
      update_actions (self);
      return;
    }
  gtk_label_set_label (self->title_label, _(self->lesson->title));
  gtk_label_set_label (self->teaches_label, _(self->lesson->teaches));
  spec = current_dataset (self);
  dataset = spec ? g_strdup_printf (_("Dataset: %s"), spec)
                 : g_strdup (_("Dataset: choose one on the Data page"));
  gtk_label_set_label (self->dataset_label, dataset);

  if (self->running)
    return;
  lab_lesson_results_show_empty (self->results, _("Looking for an earlier run…"));
  update_actions (self);
  show_run (self, NULL);
}

static void
select_lesson (LabLessonsPage *self,
               const char     *name)
{
  const LabLessonInfo *lesson = name ? lab_lesson_find (name, NULL) : NULL;
  const LabLessonInfo * const *all = lab_lessons_list ();

  if (lesson == self->lesson)
    return;
  self->lesson = lesson;
  for (guint i = 0; all[i]; i++)
    if (all[i] == lesson)
      gtk_list_box_select_row (self->lesson_list,
                               gtk_list_box_get_row_at_index (self->lesson_list, (int) i));
  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LESSON]);
}

static void
on_row_selected (LabLessonsPage *self,
                 GtkListBoxRow  *row)
{
  const LabLessonInfo * const *all = lab_lessons_list ();

  if (row != NULL)
    select_lesson (self, all[gtk_list_box_row_get_index (row)]->name);
}

/* Running */

static void
on_lesson_progress (const LabLessonProgress *p,
                    gpointer                 data)
{
  LessonRequest *req = data;
  LessonTick *tick = g_new (LessonTick, 1);
  g_autofree char *eta = isfinite (p->eta_seconds) ? lab_format_duration (p->eta_seconds) : NULL;
  g_autofree char *text = NULL;

  /* Translators: "Step 3 of 10: Training the DAE at Gaussian 0.5 noise · 2:10 left" */
  text = eta ? g_strdup_printf (_("Step %u of %u: %s · %s left"), p->step, p->n_steps, p->what, eta)
             : g_strdup_printf (_("Step %u of %u: %s"), p->step, p->n_steps, p->what);
  *tick = (LessonTick) { p->step, p->train_step, p->loss };
  lab_job_report (req->job, p->fraction, text, tick, g_free);
}

static gpointer
lesson_worker (LabJob        *job,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  LessonRequest *req = data;
  char *dir;

  req->job = job;
  dir = lab_lesson_run (req->lesson, &req->config, NULL, on_lesson_progress, req, cancellable,
                        error);
  lab_worker_gate_leave (req->gate);
  return dir;
}

static void
lesson_progress (gpointer    owner,
                 LabJob     *job,
                 double      fraction,
                 const char *text,
                 gpointer    payload)
{
  LabLessonsPage *self = owner;
  LessonTick *tick = payload;

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);
  if (tick == NULL || tick->train_step == 0 || !isfinite (tick->loss))
    return;
  if (tick->step != self->plot_step)
    {
      LabLinePlot *plot = lab_plot_view_reset (self->loss_plot);
      const char *colon = text ? strchr (text, ':') : NULL;

      self->plot_step = tick->step;
      lab_line_plot_set_title (plot, colon ? colon + 2 : "");
      lab_line_plot_set_labels (plot, _("step"), _("training loss"));
      lab_line_plot_add_series (plot, _("smoothed loss"), 0, LAB_LINE_STYLE_LINE);
    }
  lab_line_plot_append (lab_plot_view_get_plot (self->loss_plot), 0, tick->train_step, tick->loss);
  lab_plot_view_changed (self->loss_plot);
}

/* Quick or Full stays as a locked demo (LabPage's settings-locked) was
 * prepared, and while a lesson runs. */
static void
update_setting_sensitive (LabLessonsPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->setting_dropdown),
                            !self->running && !lab_page_get_settings_locked (LAB_PAGE (self)));
}

static void
set_running (LabLessonsPage *self,
             gboolean        running)
{
  self->running = running;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->lesson_list), !running);
  update_setting_sensitive (self);
  update_actions (self);
}

static void
lesson_done (gpointer      owner,
             LabJob       *job,
             gpointer      result,
             const GError *error)
{
  LabLessonsPage *self = owner;
  g_autofree char *dir = result;

  set_running (self, FALSE);
  if (error != NULL)
    {
      if (!g_error_matches (error, LAB_ERROR, LAB_ERROR_CANCELLED))
        lab_widget_show_error (GTK_WIDGET (self), error);
      refresh (self);
      return;
    }
  show_run (self, dir);
}

static void
run_lesson (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  LabLessonsPage *self = LAB_LESSONS_PAGE (widget);
  LessonRequest *req;
  LabJob *job;

  if (self->lesson == NULL || self->running)
    return;
  lab_job_cancel_slot (self, SHOW_SLOT);
  req = lesson_request_new (self);

  self->plot_step = 0;
  lab_plot_view_reset (self->loss_plot);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Loading the dataset…"));
  set_running (self, TRUE);

  job = lab_job_new (self, RUN_SLOT, lesson_worker, req, lesson_request_free);
  lab_job_set_result_free_func (job, g_free);
  lab_job_set_progress_func (job, lesson_progress);
  lab_job_set_done_func (job, lesson_done);
  lab_job_start (job);
  g_object_unref (job);
}

static void
cancel_lesson (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  LabLessonsPage *self = LAB_LESSONS_PAGE (widget);

  lab_job_cancel_slot (self, RUN_SLOT);
  lab_job_cancel_slot (self, REPRODUCE_SLOT);
  self->reproducing = FALSE;
  set_running (self, FALSE);
  refresh (self);
}

static void
open_report (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  LabLessonsPage *self = LAB_LESSONS_PAGE (widget);
  const char *dir = lab_lesson_results_get_dir (self->results);
  g_autofree char *pdf = NULL, *uri = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (dir == NULL)
    return;
  pdf = g_build_filename (dir, "report.pdf", NULL);
  uri = g_filename_to_uri (pdf, NULL, NULL);
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

/* Reproducing */

static gpointer
reproduce_worker (LabJob        *job,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  LessonRequest *req = data;
  ReproduceResult *result = g_new0 (ReproduceResult, 1);

  req->job = job;
  result->matches = lab_lesson_reproduce (req->record, on_lesson_progress, req, cancellable,
                                          &result->all_match, error);
  lab_worker_gate_leave (req->gate);
  if (result->matches == NULL)
    {
      g_free (result);
      return NULL;
    }
  return result;
}

static void
reproduce_done (gpointer      owner,
                LabJob       *job,
                gpointer      data,
                const GError *error)
{
  LabLessonsPage *self = owner;
  ReproduceResult *result = data;
  guint same = 0;
  g_autofree char *note = NULL;

  self->reproducing = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), FALSE);
  update_actions (self);
  if (error != NULL)
    {
      if (!g_error_matches (error, LAB_ERROR, LAB_ERROR_CANCELLED))
        lab_widget_show_error (GTK_WIDGET (self), error);
      return;
    }
  for (guint i = 0; i < result->matches->len; i++)
    same += g_array_index (result->matches, LabLessonMatch, i).match;
  note = result->all_match
         ? g_strdup_printf (_("Reproduced: all %u numbers came out the same."), result->matches->len)
         : g_strdup_printf (_("Reproduced: %u of %u numbers came out the same; the others differ."),
                            same, result->matches->len);
  lab_lesson_results_set_note (self->results, note);
  reproduce_result_free (result);
}

static void
reproduce_lesson (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  LabLessonsPage *self = LAB_LESSONS_PAGE (widget);
  const char *dir = lab_lesson_results_get_dir (self->results);
  LessonRequest *req;
  LabJob *job;

  if (dir == NULL || self->running || self->reproducing)
    return;
  req = g_new0 (LessonRequest, 1);
  req->record = g_build_filename (dir, "record.json", NULL);
  req->gate = lab_worker_gate_ref (self->gate);
  lab_worker_gate_enter (self->gate);
  self->reproducing = TRUE;
  self->plot_step = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), TRUE);
  gtk_progress_bar_set_text (self->progress_bar, _("Running the lesson again…"));
  update_actions (self);

  job = lab_job_new (self, REPRODUCE_SLOT, reproduce_worker, req, lesson_request_free);
  lab_job_set_result_free_func (job, reproduce_result_free);
  lab_job_set_progress_func (job, lesson_progress);
  lab_job_set_done_func (job, reproduce_done);
  lab_job_start (job);
  g_object_unref (job);
}

static void
on_setting_changed (LabLessonsPage *self)
{
  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTING]);
}

static void
lab_lessons_page_datasets_changed (LabPage *page)
{
  refresh (LAB_LESSONS_PAGE (page));
}

/* Saved sessions: the lesson and its setting, and the folder of the run
 * shown for the record (reopened, the page shows the run cached on this
 * computer for them, as when they are chosen). */
static void
lab_lessons_page_save_state (LabPage        *page,
                             LabSessionFile *file)
{
  LabLessonsPage *self = LAB_LESSONS_PAGE (page);
  JsonObject *state;
  const char *dir = lab_lesson_results_get_dir (self->results);

  if (self->lesson == NULL)
    return;
  state = lab_session_file_get_page_state (file, "lessons");
  json_object_set_string_member (state, "lesson", self->lesson->name);
  json_object_set_string_member (state, "setting", lab_lesson_setting_name (current_setting (self)));
  if (dir != NULL)
    {
      json_object_set_string_member (state, "results", dir);
      json_object_set_boolean_member (state, "stale", lab_lesson_results_get_stale (self->results));
    }
}

static void
lab_lessons_page_restore_state (LabPage        *page,
                                LabSessionFile *file)
{
  LabLessonsPage *self = LAB_LESSONS_PAGE (page);
  JsonObject *state = lab_session_file_lookup_page_state (file, "lessons");
  const char *lesson = lab_session_state_get_string (state, "lesson");
  const char *setting = lab_session_state_get_string (state, "setting");

  if (self->running || lesson == NULL || lab_lesson_find (lesson, NULL) == NULL)
    return;
  if (setting != NULL && (g_str_equal (setting, "quick") || g_str_equal (setting, "full")))
    g_object_set (self, "setting", setting, NULL);
  /* The run cached here for them shows as it does when they are chosen. */
  select_lesson (self, lesson);
}

static void
lab_lessons_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LabLessonsPage *self = LAB_LESSONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_LESSON:
      g_value_set_string (value, self->lesson ? self->lesson->name : "");
      break;
    case PROP_SETTING:
      g_value_set_string (value, lab_lesson_setting_name (current_setting (self)));
      break;
    case PROP_MAX_IMAGES:
      g_value_set_uint (value, self->max_images);
      break;
    case PROP_MAX_EPOCHS:
      g_value_set_uint (value, self->max_epochs);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_lessons_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LabLessonsPage *self = LAB_LESSONS_PAGE (object);
  LabLessonSetting setting;

  switch (prop_id)
    {
    case PROP_LESSON:
      select_lesson (self, g_value_get_string (value));
      break;
    case PROP_SETTING:
      if (lab_lesson_setting_parse (g_value_get_string (value), &setting))
        gtk_drop_down_set_selected (self->setting_dropdown, setting == LAB_LESSON_FULL);
      break;
    case PROP_MAX_IMAGES:
      self->max_images = g_value_get_uint (value);
      refresh (self);
      break;
    case PROP_MAX_EPOCHS:
      self->max_epochs = g_value_get_uint (value);
      refresh (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_lessons_page_dispose (GObject *object)
{
  LabLessonsPage *self = LAB_LESSONS_PAGE (object);
  GtkWidget *child;

  lab_job_cancel_slot (self, RUN_SLOT);
  lab_job_cancel_slot (self, REPRODUCE_SLOT);
  lab_job_cancel_slot (self, SHOW_SLOT);
  if (self->gate != NULL && !lab_worker_gate_wait (self->gate, 10000))
    g_warning ("A lesson's worker is still running");
  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_LESSONS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (lab_lessons_page_parent_class)->dispose (object);
}

static void
lab_lessons_page_finalize (GObject *object)
{
  LabLessonsPage *self = LAB_LESSONS_PAGE (object);

  g_clear_pointer (&self->gate, lab_worker_gate_unref);
  G_OBJECT_CLASS (lab_lessons_page_parent_class)->finalize (object);
}

static void
lab_lessons_page_class_init (LabLessonsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  LabPageClass *page_class = LAB_PAGE_CLASS (klass);

  object_class->get_property = lab_lessons_page_get_property;
  object_class->set_property = lab_lessons_page_set_property;
  object_class->dispose = lab_lessons_page_dispose;
  object_class->finalize = lab_lessons_page_finalize;
  page_class->datasets_changed = lab_lessons_page_datasets_changed;
  page_class->save_state = lab_lessons_page_save_state;
  page_class->restore_state = lab_lessons_page_restore_state;

  properties[PROP_LESSON] =
    g_param_spec_string ("lesson", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTING] =
    g_param_spec_string ("setting", NULL, NULL, "quick",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Caps for trying a lesson in a hurry (and for the tests): at most this
   * many training and test images and epochs; 0: as the setting says. */
  properties[PROP_MAX_IMAGES] =
    g_param_spec_uint ("max-images", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_EPOCHS] =
    g_param_spec_uint ("max-epochs", NULL, NULL, 0, 1000, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/latentlab/LatentLab/lab-lessons-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LabLessonsPage, lesson_list);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsPage, teaches_label);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsPage, dataset_label);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsPage, setting_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsPage, progress_box);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsPage, loss_plot);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsPage, results);

  gtk_widget_class_install_property_action (widget_class, "page.lesson", "lesson");
  gtk_widget_class_install_property_action (widget_class, "page.lesson-setting", "setting");
  gtk_widget_class_install_action (widget_class, "page.run-lesson", NULL, run_lesson);
  gtk_widget_class_install_action (widget_class, "page.cancel-lesson", NULL, cancel_lesson);
  gtk_widget_class_install_action (widget_class, "page.open-report", NULL, open_report);
  gtk_widget_class_install_action (widget_class, "page.reproduce-lesson", NULL, reproduce_lesson);
}

static void
lab_lessons_page_init (LabLessonsPage *self)
{
  const LabLessonInfo * const *all = lab_lessons_list ();

  g_type_ensure (LAB_TYPE_PLOT_VIEW);
  g_type_ensure (LAB_TYPE_LESSON_RESULTS);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->gate = lab_worker_gate_new ();
  for (guint i = 0; all[i]; i++)
    gtk_list_box_append (self->lesson_list, lab_lesson_row_new (all[i]));
  g_signal_connect_swapped (self->lesson_list, "row-selected", G_CALLBACK (on_row_selected), self);
  g_signal_connect_swapped (self->setting_dropdown, "notify::selected",
                            G_CALLBACK (on_setting_changed), self);
  g_signal_connect (self, "notify::settings-locked", G_CALLBACK (update_setting_sensitive), NULL);
  update_setting_sensitive (self);
  select_lesson (self, all[0]->name);
  update_actions (self);
}

GtkWidget *
lab_lessons_page_new (void)
{
  return g_object_new (LAB_TYPE_LESSONS_PAGE, NULL);
}

LabLessonResults *
lab_lessons_page_get_results (LabLessonsPage *self)
{
  g_return_val_if_fail (LAB_IS_LESSONS_PAGE (self), NULL);
  return self->results;
}

gboolean
lab_lessons_page_is_showing (LabLessonsPage *self)
{
  g_return_val_if_fail (LAB_IS_LESSONS_PAGE (self), FALSE);
  return lab_job_lookup (self, SHOW_SLOT) != NULL;
}
