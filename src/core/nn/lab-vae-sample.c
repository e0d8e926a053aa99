#define G_LOG_DOMAIN "latentlab-core"

/* The VAE's reparameterisation. Input (2L) = [μ | log σ²] (the first half
 * of the channels is μ, the second log σ²), output z (L):
 *   training: z = μ + exp(½ log σ²) ⊙ ε, ε ~ N(0, 1) kept in scratch (B, L)
 *   eval:     z = μ
 *
 * It adds its own loss, the KL divergence to N(0, 1), to *pass->aux_loss:
 *   KL_n = -½ Σ_j (1 + log σ² - μ² - σ²)          per sample
 *   aux += β Σ_n KL_n / (B · P)
 * where P = layer->loss_elements, the pixels per sample of the model's
 * output. MSE and BCE are means over B · P values, so dividing the
 * per-sample KL by P keeps the ELBO's balance (Σ pixels + KL, per sample)
 * under the per-pixel mean; β weighs it (β-VAE).
 *
 *   G_μ      += G_z + s μ
 *   G_logσ²  += G_z ε ½ exp(½ log σ²) + s ½ (σ² - 1)      with s = β / (B · P)
 * The KL gradient is always added in backward, whether or not forward was
 * given an aux_loss to report it in. */

#include "lab-layers-private.h"

#include <math.h>

typedef struct
{
  LabLayer parent;
  double   beta;
} LabVaeSample;

static const LabLayerOption vae_options[] = {
  { .key = "beta", .kind = LAB_OPTION_DOUBLE, .min = 0.0, .max = 1e6, .def = 1.0, .fresh = 1.0,
    .step = 0.1, .offset = G_STRUCT_OFFSET (LabVaeSample, beta), .label = N_("beta"),
    .help = N_("Weight of the KL term that keeps the latent near a standard normal") },
};

static gboolean
vae_setup (LabLayer  *layer,
           LabShape   in,
           GError   **error)
{
  if (in.c % 2 != 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "Layer “vae_sample” needs an even number of inputs (means, then "
                   "log-variances), but gets %u", in.c);
      return FALSE;
    }
  layer->out = (LabShape) { in.c / 2, in.h, in.w };
  return TRUE;
}

static gsize
vae_scratch_floats (LabLayer *layer,
                    guint     batch)
{
  return (gsize) batch * lab_shape_size (layer->out);
}

static double
kl_scale (LabLayer      *layer,
          const LabPass *pass)
{
  return ((LabVaeSample *) layer)->beta
         / ((double) pass->batch * (double) MAX (layer->loss_elements, 1));
}

static void
vae_forward (LabLayer      *layer,
             const LabPass *pass)
{
  const gsize L = lab_shape_size (layer->out);
  float *eps = pass->scratch;
  double kl = 0;

  for (guint n = 0; n < pass->batch; n++)
    {
      const float *mu = pass->in + (gsize) n * 2 * L, *lv = mu + L;
      float *z = pass->out + (gsize) n * L;

      for (gsize j = 0; j < L; j++)
        {
          if (pass->training)
            {
              float e = (float) lab_rng_normal (pass->rng);

              eps[n * L + j] = e;
              z[j] = mu[j] + expf (0.5f * lv[j]) * e;
            }
          else
            z[j] = mu[j];
          kl += -0.5 * (1.0 + lv[j] - (double) mu[j] * mu[j] - exp (lv[j]));
        }
    }
  if (pass->aux_loss != NULL)
    *pass->aux_loss += kl * kl_scale (layer, pass);
}

static void
vae_backward (LabLayer      *layer,
              const LabPass *pass)
{
  const gsize L = lab_shape_size (layer->out);
  const float s = (float) kl_scale (layer, pass);
  const float *eps = pass->scratch;

  if (pass->din == NULL)
    return;
  for (guint n = 0; n < pass->batch; n++)
    {
      const float *mu = pass->in + (gsize) n * 2 * L, *lv = mu + L;
      const float *dz = pass->dout + (gsize) n * L;
      float *dmu = pass->din + (gsize) n * 2 * L, *dlv = dmu + L;

      for (gsize j = 0; j < L; j++)
        {
          float var = expf (lv[j]);

          dmu[j] += dz[j] + s * mu[j];
          dlv[j] += 0.5f * s * (var - 1.f);
          if (pass->training)
            dlv[j] += dz[j] * eps[n * L + j] * 0.5f * expf (0.5f * lv[j]);
        }
    }
}

const LabLayerClass lab_vae_sample_class = {
  .type = "vae_sample",
  .title = "Sampling",
  .batch_use = LAB_BATCH_MIXES,
  .help = N_("Variational sampling: splits its input into means and log-variances and draws the latent"),
  .size = sizeof (LabVaeSample),
  .options = vae_options,
  .n_options = G_N_ELEMENTS (vae_options),
  .setup = vae_setup,
  .init = lab_layer_init_none,
  .scratch_floats = vae_scratch_floats,
  .forward = vae_forward,
  .backward = vae_backward,
  .free = lab_layer_free_plain,
};
