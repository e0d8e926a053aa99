#define G_LOG_DOMAIN "latentlab-core"

#include "lab-plot-describe.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-line-plot-private.h"
#include "lab-scatter-plot-private.h"

/* A value of a figure: two significant digits, at least one decimal below
 * 100 ("0.71", "0.10", "0.081", "21.3", "4385"), in the thread's
 * LC_NUMERIC. */
static char *
format_value (double v)
{
  double magnitude = fabs (v);
  int decimals = 0;

  if (magnitude < 100)
    /* (a float 0.01 is 0.0099999998: two digits all the same) */
    decimals = magnitude > 0 ? CLAMP (1 - (int) floor (log10 (magnitude) + 1e-6), 1, 6) : 1;
  return g_strdup_printf ("%.*f", decimals, v);
}

/* An x value: whole numbers as counts ("60,000" images, epoch "5"). */
static char *
format_x (double x)
{
  if (x == floor (x) && fabs (x) < 1e15)
    {
      if (x >= 0)
        return lab_format_count_localized ((guint64) x);
      return g_strdup_printf ("%.0f", x);
    }
  return g_strdup_printf ("%.3g", x);
}

/* The sentence's first letter in upper case. */
static void
capitalize (GString *text,
            gsize    start)
{
  const char *p = text->str + start;
  gunichar c = g_utf8_get_char (p);
  gunichar upper = g_unichar_toupper (c);
  char buf[8];
  int len;

  if (upper == c || *p == '\0')
    return;
  len = g_unichar_to_utf8 (upper, buf);
  g_string_erase (text, start, g_utf8_next_char (p) - p);
  g_string_insert_len (text, start, buf, len);
}

char *
lab_line_plot_describe_name (LabLinePlot *self)
{
  if (self->title != NULL && self->title[0] != '\0')
    return g_strdup (self->title);
  if (self->y_label != NULL && self->x_label != NULL)
    /* Translators: what a line plot without a title shows, from its axis
     * titles: "loss against epoch". */
    return g_strdup_printf (_("%1$s against %2$s"), self->y_label, self->x_label);
  return g_strdup (_("Line plot"));
}

/* What a series is called in a sentence: "loss (validation)". */
static char *
series_subject (LabLinePlot         *self,
                const LabLineSeries *s)
{
  gboolean named = s->name != NULL && s->name[0] != '\0';

  if (self->y_label != NULL && named)
    /* Translators: a line plot's series in a sentence: its y axis title and
     * the series' name, "loss (validation)". */
    return g_strdup_printf (_("%1$s (%2$s)"), self->y_label, s->name);
  if (named)
    return g_strdup (s->name);
  return g_strdup (self->y_label != NULL ? self->y_label : _("the line"));
}

static void
describe_series (LabLinePlot         *self,
                 const LabLineSeries *s,
                 GString             *text)
{
  const double *p = (const double *) s->points->data;
  guint n = 0, first = 0, last = 0, lowest = 0, highest = 0;
  const char *x_label = self->x_label != NULL ? self->x_label : "x";
  g_autofree char *subject = NULL, *y0 = NULL, *y1 = NULL, *x0 = NULL, *x1 = NULL;
  double magnitude, range, change;
  gsize start;

  for (guint k = 0; k < s->points->len / 2; k++)
    {
      if (!lab_line_plot_usable (self, p[2 * k], p[2 * k + 1]))
        continue;
      if (n++ == 0)
        first = lowest = highest = k;
      last = k;
      if (p[2 * k + 1] < p[2 * lowest + 1])
        lowest = k;
      if (p[2 * k + 1] > p[2 * highest + 1])
        highest = k;
    }
  if (n == 0)
    return;

  if (text->len > 0)
    g_string_append_c (text, ' ');
  start = text->len;
  subject = series_subject (self, s);
  magnitude = MAX (fabs (p[2 * lowest + 1]), fabs (p[2 * highest + 1]));
  range = p[2 * highest + 1] - p[2 * lowest + 1];
  change = p[2 * last + 1] - p[2 * first + 1];
  y0 = format_value (p[2 * first + 1]);
  y1 = format_value (p[2 * last + 1]);
  x0 = format_x (p[2 * first]);
  x1 = format_x (p[2 * last]);
  if (n == 1)
    /* Translators: a line plot's series of one point: "loss (validation)
     * is 0.10 at epoch 1"; the third %s is the x axis title. */
    g_string_append_printf (text, _("%1$s is %2$s at %3$s %4$s"), subject, y0, x_label, x0);
  else if (range <= 0.02 * magnitude)
    /* Translators: a line plot's series that hardly changes: "loss
     * (validation) stays at about 0.10 between epoch 1 and 5". */
    g_string_append_printf (text, _("%1$s stays at about %2$s between %3$s %4$s and %5$s"),
                            subject, y1, x_label, x0, x1);
  else if (change < 0)
    /* Translators: "loss (validation) falls from 0.71 to 0.10 between
     * epoch 1 and 5"; the fourth %s is the x axis title. */
    g_string_append_printf (text, _("%1$s falls from %2$s to %3$s between %4$s %5$s and %6$s"),
                            subject, y0, y1, x_label, x0, x1);
  else
    /* Translators: "PSNR (dB) (denoised) rises from 12.1 to 21.3 between
     * noise factor 0.1 and 0.9"; the fourth %s is the x axis title. */
    g_string_append_printf (text, _("%1$s rises from %2$s to %3$s between %4$s %5$s and %6$s"),
                            subject, y0, y1, x_label, x0, x1);

  /* The lowest or highest point where it lies well beyond both ends (a
   * validation loss that rose again). */
  if (n > 2 && range > 0.02 * magnitude)
    {
      double margin = 0.05 * range;

      if (p[2 * lowest + 1] < MIN (p[2 * first + 1], p[2 * last + 1]) - margin)
        {
          g_autofree char *y = format_value (p[2 * lowest + 1]);
          g_autofree char *x = format_x (p[2 * lowest]);

          /* Translators: added to a series' sentence: ", lowest 0.09 at
           * epoch 4"; the second %s is the x axis title. */
          g_string_append_printf (text, _(", lowest %1$s at %2$s %3$s"), y, x_label, x);
        }
      if (p[2 * highest + 1] > MAX (p[2 * first + 1], p[2 * last + 1]) + margin)
        {
          g_autofree char *y = format_value (p[2 * highest + 1]);
          g_autofree char *x = format_x (p[2 * highest]);

          /* Translators: added to a series' sentence: ", highest 0.30 at
           * epoch 4"; the second %s is the x axis title. */
          g_string_append_printf (text, _(", highest %1$s at %2$s %3$s"), y, x_label, x);
        }
    }
  g_string_append_c (text, '.');
  capitalize (text, start);
}

char *
lab_line_plot_describe (LabLinePlot *self)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < self->series->len; i++)
    describe_series (self, g_ptr_array_index (self->series, i), text);
  if (text->len == 0)
    g_string_append (text, _("No points yet."));
  return g_string_free (text, FALSE);
}

char *
lab_scatter_plot_describe (LabScatterPlot *self,
                           const char     *name)
{
  const char *title = name != NULL ? name
                    : self->title != NULL && self->title[0] != '\0' ? self->title : _("Scatter plot");
  g_autofree char *count = lab_format_count_localized (self->n);
  g_autofree char *points = NULL, *classes = NULL;
  guint n_classes = 0, n_hidden = 0;
  GString *text;

  if (self->n == 0)
    /* Translators: an empty scatter plot; %s is its title. */
    return g_strdup_printf (_("%s: no points yet."), title);
  for (guint c = 0; c < LAB_SCATTER_MAX_CLASSES; c++)
    if (self->class_count[c] > 0)
      {
        n_classes++;
        n_hidden += self->hidden[c] ? 1 : 0;
      }
  /* Translators: part of "t-SNE map: 5,000 points in 10 classes."; %s is
   * a number. */
  points = g_strdup_printf (ngettext ("%s point", "%s points", self->n), count);
  /* Translators: part of "t-SNE map: 5,000 points in 10 classes." */
  classes = g_strdup_printf (ngettext ("%u class", "%u classes", n_classes), n_classes);
  text = g_string_new (NULL);
  /* Translators: a scatter plot in words: its title, "5,000 points" and
   * "10 classes". */
  g_string_append_printf (text, _("%1$s: %2$s in %3$s."), title, points, classes);
  if (n_hidden > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, ngettext ("%u class hidden.", "%u classes hidden.", n_hidden), n_hidden);
    }
  if (lab_scatter_plot_shows_colorbar (self))
    {
      g_autofree char *lo = format_value (self->value_lo);
      g_autofree char *hi = format_value (self->value_hi);

      g_string_append_c (text, ' ');
      /* Translators: a scatter plot coloured by each point's value, "MSE",
       * from its smallest value to the top of the colour scale. */
      g_string_append_printf (text, _("Coloured by %1$s from %2$s to %3$s."),
                              self->value_label != NULL ? self->value_label : "", lo, hi);
      if (isfinite (self->threshold))
        {
          g_autofree char *t = format_value (self->threshold);
          g_autofree char *above_count = NULL;
          guint above = 0;

          for (guint i = 0; i < self->n; i++)
            above += self->values[i] > self->threshold ? 1 : 0;
          above_count = lab_format_count_localized (above);
          g_string_append_c (text, ' ');
          /* Translators: the points of a scatter plot whose value is above
           * a threshold: "37 points above 0.060." */
          g_string_append_printf (text, ngettext ("%1$s point above %2$s.", "%1$s points above %2$s.", above),
                                  above_count, t);
        }
    }
  return g_string_free (text, FALSE);
}

char *
lab_confusion_plot_describe (LabConfusionPlot *self)
{
  guint n = lab_confusion_plot_get_n_classes (self);
  guint64 total = 0, right = 0;
  guint worst = 0, worst_t = 0, worst_p = 0;
  g_autofree char *percent = NULL, *count = NULL;
  GString *text;

  for (guint t = 0; t < n; t++)
    for (guint p = 0; p < n; p++)
      {
        guint c = lab_confusion_plot_get_count (self, t, p);

        total += c;
        if (t == p)
          right += c;
        else if (c > worst)
          {
            worst = c;
            worst_t = t;
            worst_p = p;
          }
      }
  if (total == 0)
    return g_strdup (_("No images classified yet."));
  percent = lab_format_percent_localized (100.0 * right / total, 1);
  count = lab_format_count_localized (total);
  text = g_string_new (NULL);
  /* Translators: a confusion matrix in words: "98.3% of 10,000 images
   * classified right." */
  g_string_append_printf (text, ngettext ("%1$s of %2$s image classified right.",
                                          "%1$s of %2$s images classified right.", total),
                          percent, count);
  g_string_append_c (text, ' ');
  if (worst == 0)
    g_string_append (text, _("No image taken for another class."));
  else
    /* Translators: the largest cell off a confusion matrix's diagonal:
     * "Most often confused: 4 taken for 9, 12 times." (true class first). */
    g_string_append_printf (text, ngettext ("Most often confused: %1$s taken for %2$s, %3$u time.",
                                            "Most often confused: %1$s taken for %2$s, %3$u times.", worst),
                            lab_confusion_plot_get_class_name (self, worst_t),
                            lab_confusion_plot_get_class_name (self, worst_p), worst);
  return g_string_free (text, FALSE);
}

char *
lab_class_bars_describe (const char         *title,
                         const double       *values,
                         guint               n,
                         const char * const *names)
{
  int lo = -1, hi = -1;
  g_autofree char *lo_name = NULL, *hi_name = NULL, *lo_text = NULL, *hi_text = NULL;

  if (title == NULL || title[0] == '\0')
    title = _("Per class");
  for (guint i = 0; i < n; i++)
    {
      if (!isfinite (values[i]))
        continue;
      if (lo < 0 || values[i] < values[lo])
        lo = i;
      if (hi < 0 || values[i] > values[hi])
        hi = i;
    }
  if (lo < 0)
    /* Translators: per-class bars without values yet; %s is their title. */
    return g_strdup_printf (_("%s: no values yet."), title);
  lo_name = names != NULL && names[lo] != NULL ? g_strdup (names[lo]) : g_strdup_printf ("%d", lo);
  hi_name = names != NULL && names[hi] != NULL ? g_strdup (names[hi]) : g_strdup_printf ("%d", hi);
  lo_text = lab_format_percent_localized (100 * values[lo], 1);
  hi_text = lab_format_percent_localized (100 * values[hi], 1);
  /* Translators: per-class bars in words: "Recall per class: from 95.1%
   * (8) to 99.6% (1)."; the lowest value and its class, the highest and
   * its class. */
  return g_strdup_printf (_("%1$s: from %2$s (%3$s) to %4$s (%5$s)."), title, lo_text, lo_name,
                          hi_text, hi_name);
}

char *
lab_histogram_plot_describe (LabHistogramPlot *self)
{
  guint n = lab_histogram_plot_get_n_values (self);
  guint n_bins = lab_histogram_plot_get_n_bins (self);
  const char *label = lab_histogram_plot_get_x_label (self);
  const char *note = lab_histogram_plot_get_note (self);
  double lo, hi, width;
  guint top = 0;
  g_autofree char *count = NULL, *lo_text = NULL, *hi_text = NULL, *a = NULL, *b = NULL;
  GString *text;

  if (n == 0 || n_bins == 0)
    return g_strdup (_("No values yet."));
  lab_histogram_plot_get_range (self, &lo, &hi);
  for (guint i = 1; i < n_bins; i++)
    if (lab_histogram_plot_get_bin (self, i) > lab_histogram_plot_get_bin (self, top))
      top = i;
  width = (hi - lo) / n_bins;
  count = lab_format_count_localized (n);
  lo_text = format_value (lo);
  hi_text = format_value (hi);
  a = format_value (lo + top * width);
  b = format_value (lo + (top + 1) * width);
  text = g_string_new (NULL);
  /* Translators: a histogram in words: "MSE of 1,000 images: from 0.010
   * to 0.090, most between 0.020 and 0.030." (the tallest bar's ends). */
  g_string_append_printf (text, ngettext ("%1$s of %2$s image: from %3$s to %4$s, most between %5$s and %6$s.",
                                          "%1$s of %2$s images: from %3$s to %4$s, most between %5$s and %6$s.", n),
                          label != NULL ? label : _("Values"), count, lo_text, hi_text, a, b);
  capitalize (text, 0);
  if (note != NULL && note[0] != '\0')
    {
      g_string_append_c (text, ' ');
      g_string_append (text, note);
      if (!g_str_has_suffix (note, "."))
        g_string_append_c (text, '.');
    }
  return g_string_free (text, FALSE);
}

char *
lab_image_grid_describe (LabImageGrid *self)
{
  guint rows = 0, most = 0;
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();
  g_autofree char *images = NULL, *joined = NULL;

  for (guint r = 0; r < lab_image_grid_get_n_rows (self); r++)
    {
      guint n = 0;

      if (lab_image_grid_get_row_pixels (self, r, &n, NULL, NULL) == NULL || n == 0)
        continue;
      rows++;
      most = MAX (most, n);
      if (lab_image_grid_get_row_title (self, r) != NULL)
        g_ptr_array_add (titles, (gpointer) lab_image_grid_get_row_title (self, r));
    }
  if (rows == 0)
    return g_strdup (_("No images yet."));
  g_ptr_array_add (titles, NULL);
  /* Translators: an item of a list in a sentence, "noisy input, denoised, clean". */
  joined = g_strjoinv (_(", "), (char **) titles->pdata);
  /* Translators: part of "16 images in each of 3 rows: …". */
  images = g_strdup_printf (ngettext ("%u image", "%u images", most), most);
  if (rows == 1)
    return joined[0] != '\0'
      /* Translators: a row of images in words: "16 images: kept samples." */
      ? g_strdup_printf (_("%1$s: %2$s."), images, joined)
      : g_strdup_printf ("%s.", images);
  if (joined[0] == '\0')
    /* Translators: rows of images in words, "16 images in each of 3 rows."; the
     * first %s is "16 images". */
    return g_strdup_printf (ngettext ("%1$s in each of %2$u row.", "%1$s in each of %2$u rows.", rows),
                            images, rows);
  /* Translators: rows of images in words, "16 images in each of 3 rows:
   * noisy input, denoised, clean."; the first %s is "16 images", the last
   * the rows' titles. */
  return g_strdup_printf (ngettext ("%1$s in each of %2$u row: %3$s.", "%1$s in each of %2$u rows: %3$s.", rows),
                          images, rows, joined);
}

char *
lab_psnr_describe (double output_db,
                   double input_db)
{
  if (isfinite (output_db) && isfinite (input_db))
    /* Translators: the mean PSNR of reconstructions and of the noisy
     * images they were made from, in decibels. */
    return g_strdup_printf (_("Mean PSNR %.1f dB (noisy input %.1f dB)."), output_db, input_db);
  if (isfinite (output_db))
    return g_strdup_printf (_("Mean PSNR %.1f dB."), output_db);
  if (isfinite (input_db))
    return g_strdup_printf (_("Mean PSNR of the noisy input %.1f dB."), input_db);
  return NULL;
}
