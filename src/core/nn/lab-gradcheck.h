#pragma once

#include <gio/gio.h>

#include "lab-layer.h"
#include "lab-loss.h"
#include "lab-model.h"

G_BEGIN_DECLS

/* Analytic gradients (backward) against central differences of the forward
 * pass, for single layers, for the losses and for whole models. Used by
 * `latentlab-cli gradcheck` and the tests.
 *
 * A layer is checked on the objective f = sum(out * w) + aux (w random,
 * aux the layer's own loss such as the VAE's KL), so backward runs with
 * dout = w. Perturbations are done in float; the difference quotient uses
 * the float step actually taken and sums in double. Each element's error is
 *   |analytic - numeric| / max(|analytic|, |numeric|, 0.05 * scale)
 * where scale is the largest numeric gradient of its group (parameters,
 * or inputs), so an element far below its group's size is judged on its
 * absolute error. A group whose numeric gradient is not zero but whose
 * analytic one is all zero fails, so a dead backward cannot pass. */

typedef struct
{
  const char *name;       /* "conv2d 3x3 stride 2" */
  const char *json;       /* the layer spec */
  LabShape    in;
  guint       batch;
  gboolean    training;
  gboolean    spaced;     /* distinct inputs spaced 4h apart and away from 0:
                           * for kinks (ReLU, max pooling) */
  double      h;          /* finite-difference step */
} LabGradcheckCase;

typedef struct
{
  char     *name;
  double    error;        /* layers, losses: the largest element error, as
                           * above; models: ||analytic - numeric|| / ||numeric||
                           * over all checked elements, because a float forward
                           * through a deep model cannot resolve single tiny
                           * gradients and steps may cross a few ReLU kinks */
  const char *metric;     /* "max element" or "relative L2" */
  double    tolerance;
  guint     n_checked;    /* elements compared */
  guint     n_skipped;    /* models: elements whose derivative estimates with
                           * steps h and h/2 disagree by over 10% (a kink lies
                           * within h), left out of the comparison */
  gboolean  passed;
  char     *message;      /* why it failed, or NULL */
} LabGradcheckResult;

void                    lab_gradcheck_result_free  (LabGradcheckResult     *result);

/* The built-in cases: every layer kind, some in several configurations. */
const LabGradcheckCase *lab_gradcheck_layer_cases  (guint                  *n_cases);

/* FALSE with an error only when the case cannot be built (bad JSON, a
 * shape that does not fit); a wrong gradient is a result with passed FALSE. */
LabGradcheckResult     *lab_gradcheck_layer        (const LabGradcheckCase *c,
                                                    guint64                 seed,
                                                    GError                **error);
/* dL/dpred of a loss on (batch, dim) values: predictions in (0.05, 0.95)
 * for BCE, logits for softmax_ce, one-hot targets for softmax_ce. */
LabGradcheckResult     *lab_gradcheck_loss         (LabLossKind             kind,
                                                    guint                   batch,
                                                    gsize                   dim,
                                                    guint64                 seed);
/* Whole model, through lab_model_loss: per_tensor elements of every tensor
 * of every layer (all when fewer). The model's batch must be >= n; its
 * parameters, buffers and RNG are left as they were. */
LabGradcheckResult     *lab_gradcheck_model        (LabModel               *model,
                                                    const float            *x,
                                                    const float            *target,
                                                    guint                   n,
                                                    gboolean                training,
                                                    guint                   per_tensor,
                                                    double                  h,
                                                    guint64                 seed);
/* Every layer case, every loss and a few small whole models (one of each
 * loss, with batch norm, with the VAE). (element-type LabGradcheckResult) */
GPtrArray              *lab_gradcheck_run_all      (guint64                 seed,
                                                    GCancellable           *cancellable,
                                                    GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabGradcheckResult, lab_gradcheck_result_free)

G_END_DECLS
