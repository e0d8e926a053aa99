#pragma once

#include <glib.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* The reconstruction (or classification) losses a spec can name. Each
 * returns the batch loss and, when grad is not NULL, WRITES (not adds)
 * dL/dpred into grad, with the same reduction as PyTorch's defaults. */
typedef enum
{
  LAB_LOSS_MSE,         /* "mse": mean over all elements, F.mse_loss */
  LAB_LOSS_BCE,         /* "bce": mean over all elements, F.binary_cross_entropy */
  LAB_LOSS_SOFTMAX_CE,  /* "softmax_ce": on logits, mean over the batch, F.cross_entropy */
} LabLossKind;

const char *lab_loss_name       (LabLossKind   kind);
/* "mse", "bce", "softmax_ce"; an unknown name fails with LAB_ERROR_INVALID. */
gboolean    lab_loss_from_name  (const char   *name,
                                 LabLossKind  *kind,
                                 GError      **error);

/* pred, target, grad: (n) elements. */
double      lab_loss_mse        (const float  *pred,
                                 const float  *target,
                                 gsize         n,
                                 float        *grad);
/* pred in [0,1]; each log is clamped to >= -100 as PyTorch does, so a
 * saturated sigmoid (pred exactly 0 or 1) gives a finite loss and gradient.
 * grad = (pred - target) / max(pred (1 - pred), 1e-12) / n, PyTorch's rule. */
double      lab_loss_bce        (const float  *pred,
                                 const float  *target,
                                 gsize         n,
                                 float        *grad);
/* logits, target (probabilities, usually one-hot), grad: (batch, classes).
 * L = -1/B sum_b sum_k t_bk log softmax(z_b)_k; the gradient is the fused
 * softmax + cross-entropy one, (softmax(z) - t) / B, which is why a model
 * ending in a softmax layer feeds this loss the softmax's INPUT. */
double      lab_loss_softmax_ce (const float  *logits,
                                 const float  *target,
                                 guint         batch,
                                 gsize         classes,
                                 float        *grad);
/* Dispatch: pred and target are (batch, dim). */
double      lab_loss_compute    (LabLossKind   kind,
                                 const float  *pred,
                                 const float  *target,
                                 guint         batch,
                                 gsize         dim,
                                 float        *grad);

/* The share of `rows` rows of pred/target (a slice of a batch of `batch`
 * rows) in lab_loss_compute's result: their terms divided as the whole
 * batch's loss is, and their gradient rows exactly as lab_loss_compute
 * writes them. Threads that each take a slice add up their shares to the
 * batch loss. */
double      lab_loss_compute_slice (LabLossKind   kind,
                                    const float  *pred,
                                    const float  *target,
                                    guint         rows,
                                    guint         batch,
                                    gsize         dim,
                                    float        *grad);

/* Per-image reconstruction metrics of pred against target, both (batch, dim):
 * mse[b], bce[b] (means over the image's dim pixels, BCE clamped like
 * lab_loss_bce). Either output may be NULL. */
void        lab_loss_per_image  (const float  *pred,
                                 const float  *target,
                                 guint         batch,
                                 gsize         dim,
                                 double       *mse,
                                 double       *bce);
/* Peak signal-to-noise ratio of images in [0,1]: 10 log10 (1 / mse), in dB.
 * A perfect reconstruction (mse below 1e-10) reports 100 dB, not infinity. */
double      lab_psnr            (double        mse);

G_END_DECLS
