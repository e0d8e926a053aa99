#pragma once

#include "lab-spec.h"

G_BEGIN_DECLS

/* The architectures of the seeds' notebooks, each a layer-for-layer mirror
 * of its PyTorch nn.Sequential in shared/reference/torch_ref.py (activations
 * and pools count as layers), so tensor names match state_dict keys:
 *
 *   dae-keras32   74,497  Keras denoising example (torch dae_keras32), bce
 *   cae-tiny       4,385  Keras blog conv AE (torch cae_tiny), bce
 *   cae-keras16    7,265  seed 002's conv AE (sigmoid output), bce
 *   stacked    1,149,520  dense 784-512-256-128-64-... (torch stacked), mse
 *   convae-bn    995,009  conv + batch norm, latent 64 (torch convae_bn), mse
 *   strided-dae    3,217  seed 000's stride-2 DAE (torch strided_dae), mse
 *   sr-ae      1,684,161  seed 001's super-resolution AE, 14x14 in, 28x28 out, mse
 *   cnn-baseline  41,630  seed 000's classifier (its encoder is strided-dae's), softmax_ce
 *   vae-conv      59,525  conv VAE with a 2-D latent, bce + KL
 *   vae-conv16   191,265  the same with a 16-D latent
 */

/* NULL-terminated, in the order above. */
const char * const *lab_presets_list        (void);
/* One sentence for the UI, or NULL for an unknown name. */
const char         *lab_presets_describe    (const char  *name);
/* A new spec; an unknown name fails with LAB_ERROR_NOT_FOUND listing the
 * known ones. Underscores are accepted for dashes ("dae_keras32"), so
 * torch_ref.py's names work too. */
LabSpec            *lab_presets_get         (const char  *name,
                                             GError     **error);
/* A variational conv autoencoder with a latent of `latent` dimensions. */
LabSpec            *lab_presets_vae_conv    (guint        latent,
                                             GError     **error);

G_END_DECLS
