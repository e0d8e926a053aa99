#define G_LOG_DOMAIN "latentlab-core"

#include "lab-noise.h"
#include "lab-vmath-private.h"

#include <math.h>
#include <string.h>

typedef struct
{
  LabNoiseType  type;
  const char   *name;
  gboolean      has_amount;
} NoiseKind;

static const NoiseKind kinds[] = {
  { LAB_NOISE_NONE,        "none",        FALSE },
  { LAB_NOISE_GAUSSIAN,    "gaussian",    TRUE },
  { LAB_NOISE_SALT_PEPPER, "salt-pepper", TRUE },
  { LAB_NOISE_MASK,        "mask",        TRUE },
  { LAB_NOISE_DOWNSAMPLE,  "downsample",  FALSE },
};

const char *
lab_noise_type_name (LabNoiseType type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i].type == type)
      return kinds[i].name;
  return "unknown";
}

gboolean
lab_noise_type_has_amount (LabNoiseType type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i].type == type)
      return kinds[i].has_amount;
  return FALSE;
}

gboolean
lab_noise_parse (const char  *text,
                 LabNoise    *noise,
                 GError     **error)
{
  g_autofree char *copy = NULL;
  const NoiseKind *kind = NULL;
  char *colon;
  char *name;
  char *amount_text = NULL;
  double amount = 0.0;

  g_return_val_if_fail (noise != NULL, FALSE);

  if (text == NULL)
    text = "";
  copy = g_ascii_strdown (text, -1);
  g_strstrip (copy);
  name = copy;
  colon = strchr (copy, ':');
  if (colon != NULL)
    {
      *colon = '\0';
      amount_text = g_strstrip (colon + 1);
      g_strstrip (name);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (kinds[i].name, name) == 0)
      kind = &kinds[i];
  if (kind == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "unknown noise '%s': use gaussian:F, salt-pepper:F, mask:F, "
                   "downsample or none, with F from 0 to 1", text);
      return FALSE;
    }

  if (!kind->has_amount)
    {
      if (amount_text != NULL)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "noise '%s': %s takes no amount", text, kind->name);
          return FALSE;
        }
    }
  else
    {
      char *end = NULL;

      if (amount_text == NULL || amount_text[0] == '\0')
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "noise '%s': %s needs an amount from 0 to 1, e.g. %s:0.3",
                       text, kind->name, kind->name);
          return FALSE;
        }
      /* g_ascii_strtod: "0.5" means the same in every locale. */
      amount = g_ascii_strtod (amount_text, &end);
      if (end == amount_text || *end != '\0' || !isfinite (amount))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "noise '%s': '%s' is not a number", text, amount_text);
          return FALSE;
        }
      if (amount < 0.0 || amount > 1.0)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                       "noise '%s': the amount must be from 0 to 1", text);
          return FALSE;
        }
    }

  noise->type = kind->type;
  noise->amount = (float) amount;
  return TRUE;
}

char *
lab_noise_to_string (const LabNoise *noise)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (noise != NULL, NULL);

  if (noise->type != LAB_NOISE_GAUSSIAN && noise->type != LAB_NOISE_SALT_PEPPER
      && noise->type != LAB_NOISE_MASK)
    return g_strdup (lab_noise_type_name (noise->type));
  /* %g of the float: 0.1f prints as "0.1", and parses back to 0.1f. */
  g_ascii_formatd (number, sizeof number, "%g", noise->amount);
  return g_strdup_printf ("%s:%s", lab_noise_type_name (noise->type), number);
}

/* x (count). The normals come in blocks from lab_rng_normals (float Box-
 * Muller, vectorised): per-value lab_rng_normal in double took 1% of a
 * dae-keras32 training step. */
static void
apply_gaussian (float  *x,
                gsize   count,
                float   f,
                LabRng *rng)
{
  float z[256];

  for (gsize i = 0; i < count; i += G_N_ELEMENTS (z))
    {
      const gsize m = MIN (count - i, G_N_ELEMENTS (z));
      float *xi = x + i;
      gsize j = 0;

      lab_rng_normals (rng, z, m);
      for (; j + 4 <= m; j += 4)
        {
          LabV4 v = lab_v4_load (xi + j) + lab_v4_splat (f) * lab_v4_load (z + j);

          /* clip to [0, 1]: below 0 gives 0, above 1 gives 1, NaN stays */
          v = lab_v4_select (v < lab_v4_splat (0.f), lab_v4_splat (0.f), v);
          v = lab_v4_select (v > lab_v4_splat (1.f), lab_v4_splat (1.f), v);
          lab_v4_store (xi + j, v);
        }
      for (; j < m; j++)
        {
          float v = xi[j] + f * z[j];

          xi[j] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        }
    }
}

/* One uniform per pixel decides both whether it is hit and which way:
 * u < amount/2 -> 0 (pepper), amount/2 <= u < amount -> 1 (salt). */
static void
apply_salt_pepper (float  *x,
                   gsize   count,
                   float   amount,
                   LabRng *rng)
{
  double half = amount * 0.5;

  for (gsize i = 0; i < count; i++)
    {
      double u = lab_rng_uniform (rng);

      if (u < amount)
        x[i] = u < half ? 0.0f : 1.0f;
    }
}

static void
apply_mask (float  *x,
            gsize   count,
            float   amount,
            LabRng *rng)
{
  for (gsize i = 0; i < count; i++)
    if (lab_rng_uniform (rng) < amount)
      x[i] = 0.0f;
}

/* img (height, width): every 2x2 block becomes its mean. With an odd size
 * the last row/column of blocks is 1 pixel wide and averages what it has. */
static void
apply_downsample (float *img,
                  guint  height,
                  guint  width)
{
  for (guint y = 0; y < height; y += 2)
    {
      guint rows = MIN (2, height - y);

      for (guint x = 0; x < width; x += 2)
        {
          guint cols = MIN (2, width - x);
          float sum = 0.0f;
          float mean;

          for (guint dy = 0; dy < rows; dy++)
            for (guint dx = 0; dx < cols; dx++)
              sum += img[(y + dy) * width + x + dx];
          mean = sum / (float) (rows * cols);
          for (guint dy = 0; dy < rows; dy++)
            for (guint dx = 0; dx < cols; dx++)
              img[(y + dy) * width + x + dx] = mean;
        }
    }
}

void
lab_noise_apply (const LabNoise *noise,
                 float          *x,
                 guint           n,
                 guint           height,
                 guint           width,
                 LabRng         *rng)
{
  gsize count = (gsize) n * height * width;

  g_return_if_fail (noise != NULL);
  g_return_if_fail (x != NULL || count == 0);

  switch (noise->type)
    {
    case LAB_NOISE_NONE:
      break;
    case LAB_NOISE_GAUSSIAN:
      if (noise->amount > 0.0f)
        apply_gaussian (x, count, noise->amount, rng);
      break;
    case LAB_NOISE_SALT_PEPPER:
      apply_salt_pepper (x, count, noise->amount, rng);
      break;
    case LAB_NOISE_MASK:
      apply_mask (x, count, noise->amount, rng);
      break;
    case LAB_NOISE_DOWNSAMPLE:
      for (guint i = 0; i < n; i++)
        apply_downsample (x + (gsize) i * height * width, height, width);
      break;
    default:
      g_return_if_reached ();
    }
}
