#define G_LOG_DOMAIN "latentlab-core"

#include "lab-model-private.h"

#include <string.h>

#include "lab-blas.h"

#include "lab-layers-private.h"

/* Data parallelism (lab_model_set_threads): of a batch of n rows, lane l
 * of L active lanes takes rows [l*n/L, (l+1)*n/L) through every run of
 * per-sample layers, with its own scratch and its own gradient array;
 * a layer that mixes the batch runs on all n rows in the calling thread
 * with lane 0's scratch and gradients (the model's). After backward the
 * lanes' gradients are added to the model's in lane order, so a given
 * thread count always gives the same bits.
 *
 * Activations have one buffer per layer, so the lanes' row slices never
 * meet. The activation gradients share two ping-pong buffers whose row
 * size changes from layer to layer, so there lane l keeps its rows at
 * its own region, from row r0 * max_size on ("lane layout"): a lane that
 * has gone ahead to a wider layer cannot overwrite rows another lane
 * still reads. A layer that mixes the batch needs its gradients packed
 * (n, size); regroup converts between the two around it. */

gboolean
lab_model_set_threads (LabModel  *self,
                       guint      n_threads,
                       GError   **error)
{
  guint batch = self->batch, old = self->n_threads;

  n_threads = MAX (n_threads, 1);
  /* One layer of parallelism: ours. OpenBLAS threads inside each lane's
   * GEMMs would only fight over the same cores. */
  lab_blas_set_threads (1);
  if (n_threads == old)
    return TRUE;
  self->n_threads = n_threads;
  if (batch == 0 || lab_model_set_batch (self, batch, error))
    return TRUE;
  /* The old allocation is still in place (set_batch checks sizes before
   * freeing anything): keep it and its lane count. */
  self->n_threads = old;
  return FALSE;
}

guint
lab_model_get_threads (LabModel *self)
{
  return self->n_threads;
}

static inline gsize
in_size (LabModel *self,
         guint     i)
{
  return lab_shape_size (self->layers[i]->in);
}

static inline gsize
out_size (LabModel *self,
          guint     i)
{
  return lab_shape_size (self->layers[i]->out);
}

/* Lanes that get rows of a batch of n. */
static inline guint
active_lanes (LabModel *self,
              guint     n)
{
  return MAX (MIN (self->n_lanes, n), 1);
}

/* Rows [*r0, *r1) of a batch of n for lane l of `active`. */
static inline void
lane_rows (guint  n,
           guint  active,
           guint  l,
           guint *r0,
           guint *r1)
{
  *r0 = (guint) ((guint64) n * l / active);
  *r1 = (guint) ((guint64) n * (l + 1) / active);
}

static inline float *
lane_scratch (LabModel *self,
              guint     l,
              guint     i)
{
  return l == 0 ? self->scratch + self->scratch_off[i]
                : self->lanes[l].scratch + self->lane_scratch_off[i];
}

static inline float *
lane_grads (LabModel *self,
            guint     l)
{
  return l == 0 ? self->grads : self->lanes[l].grads;
}

/* Whether layer i must see the whole batch in this mode. */
static inline gboolean
mixes_batch (LabModel *self,
             guint     i,
             gboolean  training)
{
  LabBatchUse use = self->layers[i]->klass->batch_use;

  return use == LAB_BATCH_MIXES || (use == LAB_BATCH_MIXES_TRAINING && training);
}

/* One stretch of layers for every lane: forward through [first, last), or
 * backward through [last - 1 down to first], or the loss, or adding the
 * lanes' gradients up. */
typedef enum
{
  JOB_FORWARD,
  JOB_BACKWARD,
  JOB_LOSS,
  JOB_REDUCE,
} JobKind;

typedef struct
{
  LabModel    *self;
  JobKind      kind;
  guint        first, last;  /* layers; for JOB_REDUCE the parameter range */
  guint        n, active;    /* rows and lanes */
  gboolean     training;
  gboolean     dout_packed;  /* JOB_BACKWARD: layer last - 1's G_y is packed (the caller's),
                              * not in lane layout */
  const float *in;           /* JOB_FORWARD: layer first's input, all n rows;
                              * JOB_LOSS: the prediction */
  const float *target;       /* JOB_LOSS */
  gsize        dim;          /* JOB_LOSS: values per row */
} Job;

/* Lane l's rows of the job, from *r0, set in pass (batch, training, rng);
 * FALSE when the lane has no rows this time. */
static gboolean
lane_pass_init (LabModel  *self,
                const Job *job,
                guint      l,
                LabPass   *pass,
                guint     *r0)
{
  guint r1;

  lane_rows (job->n, job->active, l, r0, &r1);
  if (r1 == *r0)
    return FALSE;
  pass->batch = r1 - *r0;
  pass->training = job->training;
  /* Per-sample layers draw nothing; with one lane this is the whole batch. */
  pass->rng = job->active == 1 ? &self->rng : NULL;
  return TRUE;
}

static void
lane_forward (LabModel    *self,
              const Job   *job,
              guint        l)
{
  LabModelLane *lane = &self->lanes[l];
  LabPass pass = { 0 };
  guint r0;
  const float *in;

  if (!lane_pass_init (self, job, l, &pass, &r0))
    return;
  pass.aux_loss = &lane->aux_loss;
  in = job->in + (gsize) r0 * in_size (self, job->first);
  for (guint i = job->first; i < job->last; i++)
    {
      LabLayer *layer = self->layers[i];

      pass.in = in;
      pass.out = lab_model_act (self, i) + (gsize) r0 * out_size (self, i);
      pass.params = self->params + self->param_off[i];
      pass.buffers = self->buffers + self->buffer_off[i];
      pass.scratch = lane_scratch (self, l, i);
      layer->klass->forward (layer, &pass);
      in = pass.out;
    }
}

static void
lane_backward (LabModel  *self,
               const Job *job,
               guint      l)
{
  LabPass pass = { 0 };
  guint r0;

  if (!lane_pass_init (self, job, l, &pass, &r0))
    return;
  for (guint i = job->last; i-- > job->first;)
    {
      LabLayer *layer = self->layers[i];
      const gsize isz = in_size (self, i), osz = out_size (self, i);

      pass.din = self->bw_din[i] != NULL ? self->bw_din[i] + (gsize) r0 * self->max_size : NULL;
      /* Layers accumulate into din, unless they can write it (saves
       * zeroing and reading back 70 MB per dae-keras32 step). */
      pass.din_write = (layer->klass->flags & LAB_LAYER_WRITES_DIN) != 0;
      if (pass.din != NULL && !pass.din_write)
        memset (pass.din, 0, (gsize) pass.batch * isz * sizeof (float));
      pass.in = (i == 0 ? self->last_input : lab_model_act (self, i - 1)) + (gsize) r0 * isz;
      pass.out = lab_model_act (self, i) + (gsize) r0 * osz;
      pass.dout = self->bw_dout[i]
                  + (gsize) r0 * (i + 1 == job->last && job->dout_packed ? osz : self->max_size);
      pass.params = self->params + self->param_off[i];
      pass.dparams = lane_grads (self, l) + self->param_off[i];
      pass.buffers = self->buffers + self->buffer_off[i];
      pass.scratch = lane_scratch (self, l, i);
      layer->klass->backward (layer, &pass);
    }
}

static void
run_lane (guint    l,
          gpointer data)
{
  const Job *job = data;
  LabModel *self = job->self;

  switch (job->kind)
    {
    case JOB_FORWARD:
      lane_forward (self, job, l);
      break;
    case JOB_BACKWARD:
      lane_backward (self, job, l);
      break;
    case JOB_LOSS:
      {
        guint r0, r1;

        lane_rows (job->n, job->active, l, &r0, &r1);
        self->lanes[l].loss = lab_loss_compute_slice (self->spec->loss,
                                                      job->in + (gsize) r0 * job->dim,
                                                      job->target + (gsize) r0 * job->dim,
                                                      r1 - r0, job->n, job->dim,
                                                      self->dbuf[0] + (gsize) r0 * self->max_size);
        break;
      }
    case JOB_REDUCE:
      {
        /* g0 += g1 + g2 ... in lane order over this lane's share of the
         * parameters; the other lanes' gradients go back to zero. */
        guint p0, p1;
        float *g0 = self->grads;

        lane_rows (job->last - job->first, job->active, l, &p0, &p1);
        p0 += job->first;
        p1 += job->first;
        for (guint k = 1; k < self->n_lanes; k++)
          {
            float *g = self->lanes[k].grads;

            lab_add_to (g0 + p0, g + p0, p1 - p0);
            memset (g + p0, 0, (gsize) (p1 - p0) * sizeof (float));
          }
        break;
      }
    default:
      g_assert_not_reached ();
    }
}

static void
run_job (LabModel *self,
         Job      *job)
{
  job->self = self;
  if (job->active > 1)
    lab_team_run (self->team, job->active, run_lane, job);
  else
    run_lane (0, job);
}

const float *
lab_model_forward_range (LabModel    *self,
                         guint        first,
                         guint        last,
                         const float *in,
                         guint        n,
                         gboolean     training)
{
  Job job = { 0 };

  g_return_val_if_fail (self->batch > 0, NULL);
  g_return_val_if_fail (n > 0 && n <= self->batch, NULL);

  self->aux_loss = 0;
  self->loss_grad_ready = FALSE;
  for (guint l = 0; l < self->n_lanes; l++)
    self->lanes[l].aux_loss = 0;
  job.kind = JOB_FORWARD;
  job.n = n;
  job.training = training;
  for (guint i = first; i < last;)
    {
      guint j = i + 1;

      if (!mixes_batch (self, i, training))
        {
          while (j < last && !mixes_batch (self, j, training))
            j++;
          job.active = active_lanes (self, n);
        }
      else
        job.active = 1;   /* lane 0 has scratch for the whole batch */
      job.first = i;
      job.last = j;
      job.in = in;
      run_job (self, &job);
      in = lab_model_act (self, j - 1);
      i = j;
    }
  for (guint l = 0; l < self->n_lanes; l++)
    self->aux_loss += self->lanes[l].aux_loss;
  return in;
}

double
lab_model_lanes_loss (LabModel    *self,
                      const float *pred,
                      const float *target,
                      guint        n,
                      gsize        dim)
{
  Job job = { 0 };
  double loss = 0;

  job.kind = JOB_LOSS;
  job.n = n;
  job.in = pred;
  job.dim = dim;
  job.target = target;
  job.active = active_lanes (self, n);
  if (job.active == 1)
    return lab_loss_compute (self->spec->loss, pred, target, n, dim, self->dbuf[0]);
  run_job (self, &job);
  for (guint l = 0; l < job.active; l++)
    loss += self->lanes[l].loss;
  return loss;
}

/* Moves the rows of a gradient of `size` floats per sample in buf between
 * lane layout and packed (n, size), in place. Packing moves rows down,
 * lane by lane upwards; unpacking the reverse, so no row is overwritten
 * before it has moved. */
static void
regroup (LabModel *self,
         float    *buf,
         gsize     size,
         guint     n,
         gboolean  to_packed)
{
  const guint active = active_lanes (self, n);
  guint r0, r1;

  if (to_packed)
    for (guint l = 1; l < active; l++)
      {
        lane_rows (n, active, l, &r0, &r1);
        memmove (buf + (gsize) r0 * size, buf + (gsize) r0 * self->max_size,
                 (gsize) (r1 - r0) * size * sizeof (float));
      }
  else
    for (guint l = active; l-- > 1;)
      {
        lane_rows (n, active, l, &r0, &r1);
        memmove (buf + (gsize) r0 * self->max_size, buf + (gsize) r0 * size,
                 (gsize) (r1 - r0) * size * sizeof (float));
      }
}

/* Backward through layers [frozen, top), dout being dL/d(output of top - 1)
 * (in lane layout when it is dbuf[0], packed when it is the caller's), in
 * the mode of the last forward. Gradients ping-pong between dbuf[0] and
 * dbuf[1] (an element-wise layer that writes din stays in the buffer of
 * its dout); each din is zeroed because layers accumulate into it, unless
 * the layer writes it (din_write). Runs of per-sample layers go through
 * the lanes, whose parameter gradients are then added to the model's. */
void
lab_model_backward_range (LabModel    *self,
                          guint        top,
                          const float *dout,
                          guint        n)
{
  const gboolean training = self->last_training;
  const guint active = active_lanes (self, n);
  gboolean external = dout != self->dbuf[0] && dout != self->dbuf[1];
  gboolean packed = external;   /* the layout of the current G_y */
  gboolean caller = external;   /* dout is the caller's: read only */
  Job job = { 0 };
  gboolean lanes_used = FALSE;

  if (top <= self->frozen)
    return;
  for (guint i = top; i-- > self->frozen;)
    {
      const LabLayerFlags flags = self->layers[i]->klass->flags;

      self->bw_dout[i] = dout;
      if (i == self->frozen)
        self->bw_din[i] = NULL;
      /* An element-wise layer that writes din works in place: its G_x
       * over its G_y, in the same rows (lane layout; never over the
       * caller's G_y). Half the memory traffic of a fresh buffer: the
       * first ReLU of dae-keras32 backward goes from 0.40 to 0.25 ms per
       * 64 images. */
      else if ((flags & LAB_LAYER_IN_PLACE) && (flags & LAB_LAYER_WRITES_DIN) && !caller)
        self->bw_din[i] = (float *) dout;
      else
        self->bw_din[i] = dout == self->dbuf[0] ? self->dbuf[1] : self->dbuf[0];
      dout = self->bw_din[i];
      caller = FALSE;
    }

  job.kind = JOB_BACKWARD;
  job.n = n;
  job.training = training;
  for (guint i = top; i > self->frozen;)
    {
      guint j = i - 1;

      /* layers [j, i) */
      if (active > 1 && !mixes_batch (self, j, training))
        {
          while (j > self->frozen && !mixes_batch (self, j - 1, training))
            j--;
          if (packed && !external)
            regroup (self, (float *) self->bw_dout[i - 1], out_size (self, i - 1), n, FALSE);
          job.active = active;
          job.dout_packed = external;
          lanes_used = TRUE;
          packed = FALSE;
        }
      else
        {
          if (!packed)
            regroup (self, (float *) self->bw_dout[j], out_size (self, j), n, TRUE);
          job.active = 1;   /* lane 0 has scratch for the whole batch */
          job.dout_packed = TRUE;
          packed = TRUE;
        }
      job.first = j;
      job.last = i;
      run_job (self, &job);
      external = FALSE;
      i = j;
    }

  if (lanes_used)
    {
      job.kind = JOB_REDUCE;
      job.first = self->param_off[self->frozen];
      job.last = self->param_off[top];
      job.active = self->n_lanes;
      run_job (self, &job);
    }
}
