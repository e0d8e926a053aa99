#pragma once

#include <json-glib/json-glib.h>

#include "lab-dataset.h"
#include "lab-json-builder.h"
#include "lab-metrics.h"
#include "lab-model.h"
#include "lab-noise.h"
#include "lab-spec.h"

G_BEGIN_DECLS

/* Helpers shared by the commands: options, model and dataset loading, JSON
 * output (lab-cli-model.c). */

/* GOptionEntry lines the model commands share, word for word in --help. */
#define LAB_CLI_OPTION_MODEL(path) \
  { "model", 'm', 0, G_OPTION_ARG_FILENAME, (path), "A model saved by 'train'", "FILE" }
#define LAB_CLI_OPTION_DATASET(name, metavar) \
  { "dataset", 'd', 0, G_OPTION_ARG_STRING, (name), \
    "mnist (default), fashion-mnist, synthetic, an IDX file or a folder", (metavar) }
#define LAB_CLI_OPTION_SPLIT(text) \
  { "split", 0, 0, G_OPTION_ARG_STRING, (text), "test (default) or train", "SPLIT" }

/* --split where the whole dataset makes sense too (embed, outliers). */
#define LAB_CLI_OPTION_IMAGES(text) \
  { "split", 0, 0, G_OPTION_ARG_STRING, (text), \
    "test (default), train, or all (train + test as one set)", "SPLIT" }

/* The spec of --arch NAME (a preset) or --arch-file FILE; exactly one. */
LabSpec *lab_cli_load_spec  (const char          *arch,
                             const char          *arch_file,
                             GError             **error);
/* Pretty-printed on stdout. */
void     lab_cli_print_json (JsonNode            *node);
/* "what (N images): loss ...  mse ...  bce ...  psnr ... dB  accuracy ...%" */
void     lab_cli_print_eval (const char          *what,
                             const LabEvalResult *result);
/* A dataset's image members: "height", "width", "classes" and
 * "class_names" (n_classes strings), in that order. */
void     lab_cli_json_add_images (JsonBuilder        *builder,
                                  guint               height,
                                  guint               width,
                                  guint               n_classes,
                                  const char * const *class_names);
/* --split: NULL or "test" is the test split, "train" the training split. */
gboolean lab_cli_parse_split     (const char     *text,
                                  LabSplit       *split,
                                  GError        **error);
/* The dataset of --dataset (NULL: mnist) and --split; the caller owns it. */
LabDataset *lab_cli_open_dataset (const char     *dataset,
                                  LabSplit        split,
                                  GError        **error);
/* The images of --dataset (NULL: mnist) and a --split of
 * LAB_CLI_OPTION_IMAGES: "test" (or NULL), "train" or "all". */
LabDataset *lab_cli_open_images  (const char     *dataset,
                                  const char     *split,
                                  GError        **error);
/* The start of the commands that run a saved model over a dataset: the
 * model of --model (an error when it is not given; train_json, may be
 * NULL, receives its training record), then the dataset of --dataset
 * and --split, a split of LAB_CLI_OPTION_SPLIT or, with all_splits, of
 * LAB_CLI_OPTION_IMAGES. On failure nothing is returned. */
gboolean lab_cli_open_model_data (const char     *model_path,
                                  const char     *dataset,
                                  const char     *split,
                                  gboolean        all_splits,
                                  LabModel      **model,
                                  char          **train_json,
                                  LabDataset    **ds,
                                  GError        **error);
/* An error unless ds has an image of that index. */
gboolean lab_cli_check_image     (const LabDataset *ds,
                                  gint64          index,
                                  GError        **error);
/* The members "model" (its name) and "dataset" (ds's name) that begin
 * the JSON of a command that ran a model over a dataset. */
void     lab_cli_json_add_model_data (JsonBuilder *builder,
                                      const char  *model_name,
                                      const char  *dataset_name);
/* The noise a model file's training record (train_json, may be NULL) says
 * it was trained with; FALSE and LAB_NOISE_NONE when it says none. */
gboolean lab_cli_trained_noise   (const char     *train_json,
                                  LabNoise       *noise);

G_END_DECLS
