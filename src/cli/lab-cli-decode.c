#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"
#include "lab-cli-model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lab-dataset-open.h"
#include "lab-embedding.h"
#include "lab-model-io.h"
#include "lab-png.h"

/* One image (height, width) in [0,1], magnified scale times with crisp pixels. */
static gboolean
save_image (const char   *path,
            const float  *image,
            guint         height,
            guint         width,
            guint         scale,
            GError      **error)
{
  guint w = width * scale, h = height * scale;
  g_autofree guint8 *pixels = g_new (guint8, (gsize) w * h);

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      pixels[(gsize) y * w + x] =
        (guint8) lrintf (CLAMP (image[(y / scale) * width + x / scale], 0.0f, 1.0f) * 255.0f);
  return lab_png_save_gray (path, pixels, w, h, error);
}

int
lab_cli_decode (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *latent_text = NULL, *out = NULL;
  gint64 scale = 1;
  const GOptionEntry entries[] = {
    LAB_CLI_OPTION_MODEL (&model_path),
    { "latent", 'z', 0, G_OPTION_ARG_STRING, &latent_text,
      "The latent point, as many values as the model's latent has", "\"V1,V2,...\"" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "The decoded image", "PNG" },
    { "scale", 0, 0, G_OPTION_ARG_INT64, &scale, "Magnify the image (default 1)", "K" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autofree float *z = NULL;
  g_autofree float *image = NULL;
  LabShape out_shape;
  guint dim = 0;
  int status = 0;

  if (!lab_cli_parse ("decode", NULL,
                      "Turn a point of a saved autoencoder's latent space into an image with "
                      "its decoder.",
                      entries, &argc, &argv, &status))
    return status;
  if (model_path == NULL || latent_text == NULL || out == NULL)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "give --model FILE, --latent \"V1,V2,...\" and --out digit.png");
      return lab_cli_fail ("decode", error);
    }
  if (scale < 1 || scale > 64)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID, "--scale takes 1 to 64");
      return lab_cli_fail ("decode", error);
    }
  z = lab_embedding_parse_latent (latent_text, &dim, &error);
  if (z == NULL)
    {
      g_prefix_error (&error, "--latent: ");
      return lab_cli_fail ("decode", error);
    }
  model = lab_model_load (model_path, NULL, &error);
  if (model == NULL)
    return lab_cli_fail ("decode", error);

  out_shape = lab_model_output_shape (model);
  image = g_new (float, lab_shape_size (out_shape));
  if (!lab_embedding_decode (model, z, 1, dim, image, &error))
    return lab_cli_fail ("decode", error);
  if (!save_image (out, image, out_shape.h, out_shape.w, (guint) scale, &error))
    return lab_cli_fail ("decode", error);
  printf ("wrote %s\n", out);
  return 0;
}

int
lab_cli_interpolate (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *dataset = NULL, *split = NULL, *out = NULL;
  gint64 from = -1, to = -1, steps = LAB_EMBED_DEFAULT_STEPS, scale = 3;
  const GOptionEntry entries[] = {
    LAB_CLI_OPTION_MODEL (&model_path),
    LAB_CLI_OPTION_DATASET (&dataset, "NAME"),
    LAB_CLI_OPTION_SPLIT (&split),
    { "from", 0, 0, G_OPTION_ARG_INT64, &from, "Index of the first image", "I" },
    { "to", 0, 0, G_OPTION_ARG_INT64, &to, "Index of the last image", "J" },
    { "steps", 0, 0, G_OPTION_ARG_INT64, &steps, "Images in the strip (default 10)", "N" },
    { "scale", 0, 0, G_OPTION_ARG_INT64, &scale, "Magnify the images (default 3)", "K" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "The strip of decoded images", "PNG" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabModel) model = NULL;
  g_autoptr(LabDataset) ds = NULL;
  g_autofree float *latents = NULL;
  g_autofree float *images = NULL;
  g_autoptr(GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);
  LabShape out_shape;
  guint pair[2], dim;
  int status = 0;

  if (!lab_cli_parse ("interpolate", NULL,
                      "Encode two images, walk the straight line between their latents and "
                      "decode each step: one image morphs into the other.",
                      entries, &argc, &argv, &status))
    return status;
  if (model_path == NULL || out == NULL || from < 0 || to < 0)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID,
                   "give --model FILE, --from I, --to J and --out strip.png");
      return lab_cli_fail ("interpolate", error);
    }
  if (steps < 2 || steps > 100 || scale < 1 || scale > 16)
    {
      g_set_error (&error, LAB_ERROR, LAB_ERROR_INVALID, "--steps takes 2 to 100 and --scale 1 to 16");
      return lab_cli_fail ("interpolate", error);
    }

  if (!lab_cli_open_model_data (model_path, dataset, split, FALSE, &model, NULL, &ds, &error)
      || !lab_cli_check_image (ds, MAX (from, to), &error))
    return lab_cli_fail ("interpolate", error);

  pair[0] = (guint) from;
  pair[1] = (guint) to;
  dim = lab_embedding_latent_dim (model);
  latents = g_new (float, (gsize) (steps + 2) * dim);
  /* The two encodings first, the strip's latents after them. */
  if (!lab_embedding_encode (model, ds, pair, 2, latents, NULL, NULL, NULL, &error))
    return lab_cli_fail ("interpolate", error);
  out_shape = lab_model_output_shape (model);
  images = g_new (float, (gsize) steps * lab_shape_size (out_shape));
  if (!lab_embedding_interpolate (model, latents, latents + dim, dim, (guint) steps,
                                  latents + 2 * dim, images, &error))
    return lab_cli_fail ("interpolate", error);

  for (guint i = 0; i < steps; i++)
    {
      if (i == 0 || i == steps - 1)
        {
          guint index = pair[i == 0 ? 0 : 1];

          if (ds->labels != NULL && ds->class_names != NULL)
            g_ptr_array_add (captions, g_strdup_printf ("#%u (%s)", index, ds->class_names[ds->labels[index]]));
          else
            g_ptr_array_add (captions, g_strdup_printf ("#%u", index));
        }
      else
        g_ptr_array_add (captions, g_strdup_printf ("%.2f", (double) i / (steps - 1)));
    }
  if (!lab_png_save_grid_float (out, images, (guint) steps, out_shape.h, out_shape.w, (guint) steps,
                                (guint) scale, (const char * const *) captions->pdata, &error))
    return lab_cli_fail ("interpolate", error);
  printf ("%u steps from image %u to image %u of %s\nwrote %s\n", (guint) steps, pair[0], pair[1],
          ds->name, out);
  return 0;
}
