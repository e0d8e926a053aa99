#pragma once

#include <glib.h>

#include "lab-error.h"

G_BEGIN_DECLS

typedef enum
{
  LAB_OPTIM_ADAM,   /* "adam": torch.optim.Adam, bias-corrected */
  LAB_OPTIM_SGD,    /* "sgd": torch.optim.SGD with optional momentum */
} LabOptimKind;

typedef struct
{
  LabOptimKind kind;
  double       lr;            /* 1e-3 (Adam), 1e-2 (SGD) */
  double       beta1;         /* Adam: 0.9 */
  double       beta2;         /* Adam: 0.999 */
  double       eps;           /* Adam: 1e-8 */
  double       momentum;      /* SGD: 0.9; 0 is plain SGD */
  double       weight_decay;  /* L2 added to the gradient, as PyTorch does; 0 */
  double       clip_norm;     /* > 0: scale gradients down to this global L2 norm first */
  gsize        group_size;    /* a parameter group, as torch.optim's: the first group_size
                               * parameters step at group_lr, the rest at lr; 0: none */
  double       group_lr;
} LabOptimConfig;

/* PyTorch's defaults for kind. */
void          lab_optim_config_init  (LabOptimConfig        *config,
                                      LabOptimKind           kind);
const char   *lab_optim_kind_name    (LabOptimKind           kind);
gboolean      lab_optim_kind_from_name (const char          *name,
                                      LabOptimKind          *kind,
                                      GError               **error);

/* State (Adam's two moments, SGD's momentum) over n_params floats: the
 * model's one flat parameter array, so a step is a single loop. */
typedef struct _LabOptim LabOptim;

LabOptim     *lab_optim_new          (const LabOptimConfig  *config,
                                      gsize                  n_params,
                                      GError               **error);
void          lab_optim_free         (LabOptim              *self);
const LabOptimConfig *lab_optim_get_config (LabOptim        *self);
void          lab_optim_set_lr       (LabOptim              *self,
                                      double                 lr);
/* Forgets the moments and the step count. */
void          lab_optim_reset        (LabOptim              *self);
guint64       lab_optim_get_steps    (LabOptim              *self);

/* Global L2 norm of grads (n_params floats), in double; Inf or NaN when a
 * gradient is not finite. */
double        lab_optim_grad_norm    (LabOptim              *self,
                                      const float           *grads);
/* FALSE when any of the n_params gradients is NaN or infinite: the trainer
 * checks this BEFORE stepping, so a bad gradient never reaches the weights. */
gboolean      lab_optim_grads_finite (LabOptim              *self,
                                      const float           *grads);
/* FALSE when any of x[0..n) is NaN or infinite; one vectorizable pass. */
gboolean      lab_floats_finite      (const float           *x,
                                      gsize                  n);
/* One update of params from grads. Clipping (config->clip_norm > 0) scales
 * grads in place; grad_norm is lab_optim_grad_norm's value, or a negative
 * number to have the step compute it when clipping needs it. */
void          lab_optim_step         (LabOptim              *self,
                                      float                 *params,
                                      float                 *grads,
                                      double                 grad_norm);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabOptim, lab_optim_free)

G_END_DECLS
