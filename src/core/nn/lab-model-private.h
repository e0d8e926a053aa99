#pragma once

/* The model's insides, shared by lab-model.c (building, batch allocation,
 * the passes) and lab-model-threads.c (how a pass is split across the
 * lanes of a LabTeam). Core only. */

#include "lab-model.h"
#include "lab-team.h"

G_BEGIN_DECLS

/* One lane of data parallelism; see lab-model-threads.c. */
typedef struct
{
  float  *scratch;     /* lanes >= 1: per-sample layers' scratch at lane_scratch_off;
                        * lane 0 uses the model's arena */
  float  *grads;       /* lanes >= 1: (n_params), zero between backward passes;
                        * lane 0 uses the model's */
  double  loss;        /* this lane's share of the last loss */
  double  aux_loss;    /* per-sample layers' own loss terms in the last forward */
} LabModelLane;

struct _LabModel
{
  LabSpec   *spec;
  guint      n_layers;
  LabLayer **layers;            /* (n_layers) owned */
  gsize     *param_off;         /* (n_layers + 1) into params / grads */
  gsize     *buffer_off;        /* (n_layers + 1) into buffers */
  gsize      n_params;
  gsize      n_buffers;
  float     *params;            /* (n_params) */
  float     *grads;             /* (n_params) */
  float     *buffers;           /* (n_buffers) */
  guint      encoder_layers;
  guint      loss_layers;       /* layers [0, loss_layers) feed the loss: n_layers, or
                                 * n_layers - 1 to give softmax_ce the logits */
  guint      frozen;
  guint64    batches_tracked;
  LabRng     rng;
  double     aux_loss;

  /* Per batch, from lab_model_set_batch. */
  guint      batch;
  float     *acts;              /* arena: layer i's output at act_off[i], (batch, out_i) */
  gsize     *act_off;           /* (n_layers); an in-place layer shares its input's */
  gboolean  *in_place;          /* (n_layers) layer i writes its output over layer i - 1's */
  float     *dbuf[2];           /* ping-pong activation gradients, (batch, max size) each */
  gsize      max_size;          /* the largest per-sample size: dbuf rows */
  float     *scratch;           /* arena: layer i's scratch at scratch_off[i]; layers whose
                                 * scratch is temporary share one region at its end */
  gsize     *scratch_off;       /* (n_layers) */
  const float *last_input;      /* x of the last forward, read by layer 0's backward */
  guint      last_n;
  gboolean   last_training;     /* the mode of the last forward, which backward differentiates */
  gboolean   loss_grad_ready;

  /* Threads: lanes are allocated with the batch, MIN (n_threads, batch) of them. */
  guint      n_threads;
  guint      n_lanes;
  LabModelLane      *lanes;             /* (n_lanes) */
  gsize     *lane_scratch_off;  /* (n_layers) */
  LabTeam   *team;              /* NULL for one lane */
  const float **bw_dout;        /* (n_layers) backward's G_y and G_x of each layer */
  float    **bw_din;
};

/* Layer i's output in the activation arena, (batch, its output size). */
static inline float *
lab_model_act (LabModel *self,
               guint     i)
{
  return self->acts + self->act_off[i];
}

/* Forward through layers [first, last) with in as layer first's input, n
 * rows; returns layer last - 1's output. Runs of per-sample layers go
 * through the lanes; a layer that mixes the batch runs on all of it in the
 * calling thread. */
const float  *lab_model_forward_range (LabModel    *self,
                                       guint        first,
                                       guint        last,
                                       const float *in,
                                       guint        n,
                                       gboolean     training);
/* Backward through layers [frozen, top), dout being dL/d(output of
 * top - 1), in the mode of the last forward; ACCUMULATES into the
 * parameter gradients. */
void          lab_model_backward_range (LabModel    *self,
                                        guint        top,
                                        const float *dout,
                                        guint        n);
/* The model's loss of pred (n, dim) against target (n, dim), each lane
 * taking its rows; writes dL/d(pred) into dbuf[0] in lane layout. */
double        lab_model_lanes_loss    (LabModel    *self,
                                       const float *pred,
                                       const float *target,
                                       guint        n,
                                       gsize        dim);

G_END_DECLS
