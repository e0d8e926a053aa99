#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <math.h>
#include <stdio.h>

#include "lab-model-probe.h"
#include "lab-task.h"

/* The app's Inside page in numbers: one image through every layer of a
 * saved model (lab_model_probe), each layer's output range, mean and share
 * of zeros, and its weight norm; the first layer's filters. */

typedef struct
{
  double lo, hi, mean, zeros;   /* zeros: share of exact zeros (a ReLU's off units) */
} Stats;

static Stats
layer_stats (const LabProbeLayer *pl)
{
  gsize n = lab_shape_size (pl->shape);
  Stats s = { INFINITY, -INFINITY, 0, 0 };

  for (gsize k = 0; k < n; k++)
    {
      s.lo = MIN (s.lo, pl->values[k]);
      s.hi = MAX (s.hi, pl->values[k]);
      s.mean += pl->values[k];
      s.zeros += pl->values[k] == 0;
    }
  s.mean /= MAX (n, 1);
  s.zeros /= MAX (n, 1);
  return s;
}

int
lab_cli_layers (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *dataset = NULL, *split = NULL;
  gint64 index = 0;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    LAB_CLI_OPTION_MODEL (&model_path),
    LAB_CLI_OPTION_DATASET (&dataset, "NAME"),
    LAB_CLI_OPTION_SPLIT (&split),
    { "index", 'i', 0, G_OPTION_ARG_INT64, &index, "The image's index (default 0)", "I" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabDataset) ds = NULL;
  g_autoptr(LabProbe) probe = NULL;
  g_autofree float *clean = NULL, *input = NULL, *norms = NULL;
  LabFilterTiles filters;
  gboolean have_filters;
  LabTask task;
  guint i;
  char buf[16];
  int status = 0;

  if (!lab_cli_parse ("layers", NULL,
                      "Run one image through a saved model and show what every layer makes of "
                      "it (the output's shape, range, mean and share of zeros) and each layer's "
                      "weight norm, as the app's Inside page does.",
                      entries, &argc, &argv, &status))
    return status;
  if (!lab_cli_open_model_data (model_path, dataset, split, FALSE, &model, NULL, &ds, &error)
      || !lab_cli_check_image (ds, index, &error)
      || !lab_task_for (model, ds, &task, &error))
    return lab_cli_fail ("layers", error);

  i = (guint) index;
  clean = g_new (float, (gsize) ds->height * ds->width);
  input = g_new (float, lab_shape_size (lab_model_input_shape (model)));
  lab_dataset_to_float (ds, &i, 1, clean);
  lab_task_make_input (task, clean, 1, ds->height, ds->width, input);
  probe = lab_model_probe (model, input, &error);
  if (probe == NULL)
    return lab_cli_fail ("layers", error);
  norms = g_new (float, probe->n_layers);
  lab_model_layer_norms (model, norms, NULL);
  have_filters = lab_model_first_filters (model, &filters);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      lab_cli_json_add_model_data (b, lab_model_get_name (model), ds->name);
      lab_json_add_int (b, "index", i);
      if (ds->labels != NULL)
        lab_json_add_string (b, "label", lab_dataset_class_name (ds, ds->labels[i], buf));
      json_builder_set_member_name (b, "layers");
      json_builder_begin_array (b);
      for (guint l = 0; l < probe->n_layers; l++)
        {
          const LabProbeLayer *pl = &probe->layers[l];
          Stats s = layer_stats (pl);

          json_builder_begin_object (b);
          lab_json_add_int (b, "index", l);
          lab_json_add_string (b, "type", lab_model_get_layer (model, l)->klass->type);
          json_builder_set_member_name (b, "shape");
          json_builder_begin_array (b);
          json_builder_add_int_value (b, pl->shape.c);
          json_builder_add_int_value (b, pl->shape.h);
          json_builder_add_int_value (b, pl->shape.w);
          json_builder_end_array (b);
          lab_json_add_number (b, "min", s.lo);
          lab_json_add_number (b, "max", s.hi);
          lab_json_add_number (b, "mean", s.mean);
          lab_json_add_number (b, "zeros", s.zeros);
          lab_json_add_number (b, "weight_norm", norms[l]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "filters");
      if (have_filters)
        {
          json_builder_begin_object (b);
          lab_json_add_int (b, "layer", filters.layer);
          lab_json_add_int (b, "count", filters.n);
          lab_json_add_int (b, "height", filters.height);
          lab_json_add_int (b, "width", filters.width);
          json_builder_end_object (b);
        }
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      lab_cli_print_json (root);
      return 0;
    }

  printf ("Image %u of %s", i, ds->name);
  if (ds->labels != NULL)
    printf (" (%s)", lab_dataset_class_name (ds, ds->labels[i], buf));
  printf (" through %s:\n", lab_model_get_name (model));
  printf ("%5s  %-18s %-14s %10s %10s %10s %6s %11s\n", "layer", "type", "output", "min", "max",
          "mean", "zeros", "weight norm");
  for (guint l = 0; l < probe->n_layers; l++)
    {
      const LabProbeLayer *pl = &probe->layers[l];
      Stats s = layer_stats (pl);
      g_autofree char *shape = g_strdup_printf ("%u x %u x %u", pl->shape.c, pl->shape.h, pl->shape.w);

      printf ("%5u  %-18s %-14s %10.4f %10.4f %10.4f %5.0f%%", l,
              lab_model_get_layer (model, l)->klass->title, shape, s.lo, s.hi, s.mean, 100 * s.zeros);
      /* Layers without weights leave the column empty. */
      if (lab_model_get_layer (model, l)->n_params > 0)
        printf (" %11.4f", norms[l]);
      printf ("\n");
    }
  if (have_filters)
    printf ("First layer's filters: %u of %u x %u (layer %u, %s)\n", filters.n, filters.height,
            filters.width, filters.layer, lab_model_get_layer (model, filters.layer)->klass->title);
  else
    printf ("First layer's filters: none (its weights are not pictures)\n");
  return 0;
}
