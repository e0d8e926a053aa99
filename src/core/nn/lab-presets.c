#define G_LOG_DOMAIN "latentlab-core"

#include "lab-presets.h"

#include <string.h>

#include <glib/gi18n.h>

/* Layer snippets. Paddings are explicit numbers, as torch_ref.py has them
 * (Keras' "same" pads a stride-2 conv asymmetrically; PyTorch pads 1 on
 * every side), so the weights mean the same thing in both. */
#define CONV(f, s, p) "{\"type\":\"conv2d\",\"filters\":" #f ",\"kernel\":3,\"stride\":" #s ",\"padding\":" #p "}"
#define CONVT(f)      "{\"type\":\"conv_transpose2d\",\"filters\":" #f ",\"kernel\":3,\"stride\":2,\"padding\":1,\"output_padding\":1}"
#define DENSE(u)      "{\"type\":\"dense\",\"units\":" #u "}"
#define POOL          "{\"type\":\"maxpool2d\",\"pool\":2}"
#define POOL_CEIL     "{\"type\":\"maxpool2d\",\"pool\":2,\"ceil_mode\":true}"
#define UP            "{\"type\":\"upsample2d\",\"scale\":2}"
#define BN2D          "{\"type\":\"batchnorm2d\"}"
#define RELU          "{\"type\":\"relu\"}"
#define SIGMOID       "{\"type\":\"sigmoid\"}"
#define SOFTMAX       "{\"type\":\"softmax\"}"
#define FLATTEN       "{\"type\":\"flatten\"}"
#define RESHAPE(c, h, w) "{\"type\":\"reshape\",\"shape\":[" #c "," #h "," #w "]}"

#define HEAD(name, c, h, w, loss, k) \
  "{\"name\":\"" name "\",\"input\":[" #c "," #h "," #w "]," \
  "\"loss\":\"" loss "\",\"encoder_layers\":" #k ",\"layers\":["

typedef struct
{
  const char *name;
  const char *description;
  const char *json;   /* NULL: built by code (the VAEs) */
} Preset;

static const Preset presets[] = {
  { "dae-keras32",
    N_("The Keras denoising autoencoder: conv 32 and 64 with max pooling down "
       "to 7x7x64, then back up with upsampling."),
    HEAD ("dae-keras32", 1, 28, 28, "bce", 6)
    CONV (32, 1, 1) "," RELU "," POOL ","                      /* 0-2   28 -> 14 */
    CONV (64, 1, 1) "," RELU "," POOL ","                      /* 3-5   14 -> 7, latent */
    CONV (64, 1, 1) "," RELU "," UP ","                        /* 6-8   7 -> 14 */
    CONV (32, 1, 1) "," RELU "," UP ","                        /* 9-11  14 -> 28 */
    CONV (1, 1, 1) "," SIGMOID "]}" },                         /* 12-13 */
  { "cae-tiny",
    N_("The Keras blog's tiny convolutional autoencoder: 16-8-8 filters down "
       "to 4x4x8, including a valid-padding conv that turns 16x16 into 14x14."),
    HEAD ("cae-tiny", 1, 28, 28, "bce", 9)
    CONV (16, 1, 1) "," RELU "," POOL ","                      /* 0-2   28 -> 14 */
    CONV (8, 1, 1) "," RELU "," POOL ","                       /* 3-5   14 -> 7 */
    CONV (8, 1, 1) "," RELU "," POOL_CEIL ","                  /* 6-8   7 -> 4, latent */
    CONV (8, 1, 1) "," RELU "," UP ","                         /* 9-11  4 -> 8 */
    CONV (8, 1, 1) "," RELU "," UP ","                         /* 12-14 8 -> 16 */
    CONV (16, 1, 0) "," RELU "," UP ","                        /* 15-17 16 -> 14 -> 28 */
    CONV (1, 1, 1) "," SIGMOID "]}" },                         /* 18-19 */
  { "cae-keras16",
    N_("Seed 002's convolutional autoencoder: three 16-filter convs around "
       "a 7x7x16 latent, with a sigmoid output for the cross-entropy loss."),
    HEAD ("cae-keras16", 1, 28, 28, "bce", 6)
    CONV (16, 1, 1) "," RELU "," POOL ","                      /* 0-2   28 -> 14 */
    CONV (16, 1, 1) "," RELU "," POOL ","                      /* 3-5   14 -> 7, latent */
    CONV (16, 1, 1) "," RELU "," UP ","                        /* 6-8   7 -> 14 */
    CONV (16, 1, 1) "," RELU "," UP ","                        /* 9-11  14 -> 28 */
    CONV (1, 1, 1) "," SIGMOID "]}" },                         /* 12-13 */
  { "stacked",
    N_("A stacked dense autoencoder 784-512-256-128-64 and back, ReLU hidden "
       "layers: no notion of space at all."),
    HEAD ("stacked", 1, 28, 28, "mse", 9)
    FLATTEN ","                                                /* 0 */
    DENSE (512) "," RELU "," DENSE (256) "," RELU ","          /* 1-4 */
    DENSE (128) "," RELU "," DENSE (64) "," RELU ","           /* 5-8, latent 64 */
    DENSE (128) "," RELU "," DENSE (256) "," RELU ","          /* 9-12 */
    DENSE (512) "," RELU "," DENSE (784) "," SIGMOID ","       /* 13-16 */
    RESHAPE (1, 28, 28) "]}" },                                /* 17 */
  { "convae-bn",
    N_("Seed 001's convolutional autoencoder with batch normalization and "
       "a 64-value dense latent."),
    HEAD ("convae-bn", 1, 28, 28, "mse", 11)
    CONV (32, 2, 1) "," BN2D "," RELU ","                      /* 0-2   28 -> 14 */
    CONV (64, 2, 1) "," BN2D "," RELU ","                      /* 3-5   14 -> 7 */
    CONV (128, 1, 1) "," BN2D "," RELU ","                     /* 6-8 */
    FLATTEN "," DENSE (64) ","                                 /* 9-10, latent 64 */
    DENSE (6272) "," RESHAPE (128, 7, 7) ","                   /* 11-12 */
    CONV (64, 1, 1) "," BN2D "," RELU ","                      /* 13-15 */
    CONVT (32) "," BN2D "," RELU ","                           /* 16-18 7 -> 14 */
    CONVT (1) "," SIGMOID "]}" },                              /* 19-20 14 -> 28 */
  { "strided-dae",
    N_("Seed 000's denoising autoencoder: two stride-2 convs down to 7x7x8, "
       "two transposed convs back up."),
    HEAD ("strided-dae", 1, 28, 28, "mse", 4)
    CONV (16, 2, 1) "," RELU ","                               /* 0-1   28 -> 14 */
    CONV (8, 2, 1) "," RELU ","                                /* 2-3   14 -> 7, latent */
    CONVT (8) "," RELU ","                                     /* 4-5   7 -> 14 */
    CONVT (16) "," RELU ","                                    /* 6-7   14 -> 28 */
    CONV (1, 1, 1) "," SIGMOID "]}" },                         /* 8-9 */
  { "sr-ae",
    N_("Seed 001's super-resolution autoencoder: a 14x14 image in, the 28x28 "
       "original out, through a 64-value latent."),
    HEAD ("sr-ae", 1, 14, 14, "mse", 8)
    CONV (32, 1, 1) "," RELU ","                               /* 0-1   14x14x32 */
    CONV (64, 2, 1) "," RELU ","                               /* 2-3   7x7x64 */
    FLATTEN "," DENSE (256) "," RELU "," DENSE (64) ","        /* 4-7, latent 64 */
    DENSE (256) "," RELU "," DENSE (3136) "," RELU ","         /* 8-11 */
    RESHAPE (64, 7, 7) ","                                     /* 12 */
    CONVT (32) "," RELU ","                                    /* 13-14 7 -> 14 */
    CONVT (16) "," RELU ","                                    /* 15-16 14 -> 28 */
    CONV (1, 1, 1) "," SIGMOID "]}" },                         /* 17-18 */
  { "cnn-baseline",
    N_("Seed 000's baseline classifier: two stride-2 convs (the same shape "
       "as strided-dae's encoder, for transfer), dense 100, softmax over 10 classes."),
    HEAD ("cnn-baseline", 1, 28, 28, "softmax_ce", 4)
    CONV (16, 2, 1) "," RELU ","                               /* 0-1   28 -> 14 */
    CONV (8, 2, 1) "," RELU ","                                /* 2-3   14 -> 7 */
    FLATTEN "," DENSE (100) "," RELU ","                       /* 4-6 */
    DENSE (10) "," SOFTMAX "]}" },                             /* 7-8 */
  { "vae-conv", N_("A convolutional variational autoencoder with a 2-D latent you can click on."), NULL },
  { "vae-conv16", N_("A convolutional variational autoencoder with a 16-dimensional latent."), NULL },
};

static const char * const preset_names[] = {
  "dae-keras32", "cae-tiny", "cae-keras16", "stacked", "convae-bn", "strided-dae", "sr-ae",
  "cnn-baseline", "vae-conv", "vae-conv16", NULL,
};

G_STATIC_ASSERT (G_N_ELEMENTS (preset_names) == G_N_ELEMENTS (presets) + 1);

const char * const *
lab_presets_list (void)
{
  return preset_names;
}

/* KL weight of the VAEs: 1 is the plain ELBO, since the vae_sample layer
 * already puts its KL on the per-pixel scale of the reconstruction loss. */
#define VAE_BETA "1"

LabSpec *
lab_presets_vae_conv (guint    latent,
                      GError **error)
{
  g_autofree char *name = latent == 2 ? g_strdup ("vae-conv")
                                      : g_strdup_printf ("vae-conv%u", latent);
  g_autofree char *json = NULL;

  if (latent < 1 || latent > 1024)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "A VAE latent must have 1 to 1024 dimensions, not %u", latent);
      return NULL;
    }
  json = g_strdup_printf (
    "{\"name\":\"%s\",\"description\":\"A convolutional variational autoencoder with a "
    "%u-dimensional latent: the encoder gives a mean and a log-variance, the decoder "
    "draws from them.\",\"input\":[1,28,28],\"loss\":\"bce\",\"encoder_layers\":7,\"layers\":["
    CONV (32, 2, 1) "," RELU ","                               /* 0-1   28 -> 14 */
    CONV (64, 2, 1) "," RELU ","                               /* 2-3   14 -> 7 */
    FLATTEN ",{\"type\":\"dense\",\"units\":%u},"              /* 4-5   [mu | logvar] */
    "{\"type\":\"vae_sample\",\"beta\":" VAE_BETA "},"         /* 6     z, the latent */
    DENSE (3136) "," RELU "," RESHAPE (64, 7, 7) ","           /* 7-9 */
    CONVT (32) "," RELU ","                                    /* 10-11 7 -> 14 */
    CONVT (1) "," SIGMOID "]}",                                /* 12-13 14 -> 28 */
    name, latent, 2 * latent);
  return lab_spec_new_from_string (json, -1, name, error);
}

static const Preset *
find_preset (const char *name)
{
  g_autofree char *canonical = NULL;

  if (name == NULL)
    return NULL;
  canonical = g_strdelimit (g_strdup (name), "_", '-');
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_ascii_strcasecmp (canonical, presets[i].name) == 0)
      return &presets[i];
  return NULL;
}

LabSpec *
lab_presets_get (const char  *name,
                 GError     **error)
{
  const Preset *preset = find_preset (name);
  LabSpec *spec;

  if (preset == NULL)
    {
      g_autofree char *known = g_strjoinv (", ", (char **) preset_names);
      g_set_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND,
                   "There is no architecture called “%s”. The presets are: %s",
                   name ? name : "", known);
      return NULL;
    }
  if (strcmp (preset->name, "vae-conv") == 0)
    return lab_presets_vae_conv (2, error);
  if (strcmp (preset->name, "vae-conv16") == 0)
    return lab_presets_vae_conv (16, error);
  spec = lab_spec_new_from_string (preset->json, -1, preset->name, error);
  if (spec)
    spec->description = g_strdup (preset->description);
  return spec;
}

const char *
lab_presets_describe (const char *name)
{
  const Preset *preset = find_preset (name);

  return preset ? preset->description : NULL;
}
