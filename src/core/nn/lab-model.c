#define G_LOG_DOMAIN "latentlab-core"

#include "lab-model.h"
#include "lab-optim.h"
#include "lab-team.h"
#include "lab-vmath-private.h"

#include <math.h>
#include <string.h>

#include <cblas.h>

/* Every slice of an arena starts on a 64-byte line (16 floats). */
#define ALIGN_FLOATS 16

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
typedef struct
{
  float  *scratch;     /* lanes >= 1: per-sample layers' scratch at lane_scratch_off;
                        * lane 0 uses the model's arena */
  float  *grads;       /* lanes >= 1: (n_params), zero between backward passes;
                        * lane 0 uses the model's */
  double  loss;        /* this lane's share of the last loss */
  double  aux_loss;    /* per-sample layers' own loss terms in the last forward */
} Lane;

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
  Lane      *lanes;             /* (n_lanes) */
  gsize     *lane_scratch_off;  /* (n_layers) */
  LabTeam   *team;              /* NULL for one lane */
  const float **bw_dout;        /* (n_layers) backward's G_y and G_x of each layer */
  float    **bw_din;
};

static inline gsize
align_up (gsize n)
{
  return (n + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
}

static float *
arena_alloc (gsize n_floats)
{
  return g_aligned_alloc0 (MAX (n_floats, 1), sizeof (float), 64);
}

static void
free_batch (LabModel *self)
{
  g_clear_pointer (&self->acts, g_aligned_free);
  g_clear_pointer (&self->dbuf[0], g_aligned_free);
  g_clear_pointer (&self->dbuf[1], g_aligned_free);
  g_clear_pointer (&self->scratch, g_aligned_free);
  for (guint l = 1; l < self->n_lanes; l++)
    {
      g_clear_pointer (&self->lanes[l].scratch, g_aligned_free);
      g_clear_pointer (&self->lanes[l].grads, g_aligned_free);
    }
  g_clear_pointer (&self->lanes, g_free);
  g_clear_pointer (&self->team, lab_team_free);
  self->n_lanes = 0;
  self->batch = 0;
  self->last_input = NULL;
  self->loss_grad_ready = FALSE;
}

void
lab_model_free (LabModel *self)
{
  if (self == NULL)
    return;
  free_batch (self);
  for (guint i = 0; i < self->n_layers; i++)
    g_clear_pointer (&self->layers[i], lab_layer_free);
  g_free (self->layers);
  g_free (self->param_off);
  g_free (self->buffer_off);
  g_free (self->act_off);
  g_free (self->in_place);
  g_free (self->scratch_off);
  g_free (self->lane_scratch_off);
  g_free (self->bw_dout);
  g_free (self->bw_din);
  g_clear_pointer (&self->params, g_aligned_free);
  g_clear_pointer (&self->grads, g_aligned_free);
  g_clear_pointer (&self->buffers, g_aligned_free);
  g_clear_pointer (&self->spec, lab_spec_free);
  g_free (self);
}

LabModel *
lab_model_new (const LabSpec  *spec,
               GError        **error)
{
  g_autoptr(LabModel) self = g_new0 (LabModel, 1);
  LabShape shape;
  const char *last_type;

  self->spec = lab_spec_copy (spec);
  self->n_layers = lab_spec_n_layers (spec);
  self->encoder_layers = spec->encoder_layers;
  self->layers = g_new0 (LabLayer *, self->n_layers);
  self->param_off = g_new0 (gsize, self->n_layers + 1);
  self->buffer_off = g_new0 (gsize, self->n_layers + 1);
  self->act_off = g_new0 (gsize, self->n_layers);
  self->in_place = g_new0 (gboolean, self->n_layers);
  self->scratch_off = g_new0 (gsize, self->n_layers);
  self->lane_scratch_off = g_new0 (gsize, self->n_layers);
  self->bw_dout = g_new0 (const float *, self->n_layers);
  self->bw_din = g_new0 (float *, self->n_layers);
  self->n_threads = 1;
  lab_rng_init (&self->rng, 0);

  shape = spec->input;
  for (guint i = 0; i < self->n_layers; i++)
    {
      JsonObject *obj = lab_spec_get_layer (spec, i);
      const char *type = json_object_get_string_member (obj, "type");
      g_autoptr(GError) local_error = NULL;
      g_autofree char *in_text = NULL;
      LabLayer *layer;

      layer = lab_layer_new_from_json (obj, &local_error);
      if (layer == NULL)
        {
          g_set_error (error, LAB_ERROR, local_error->code,
                       "“%s”, layer %u (%s): %s", spec->name, i, type, local_error->message);
          return NULL;
        }
      self->layers[i] = layer;
      if (!lab_layer_setup (layer, shape, &local_error))
        {
          in_text = lab_shape_to_keras (shape);
          g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                       "“%s”, layer %u (%s) does not fit its input %s: %s",
                       spec->name, i, type, in_text, local_error->message);
          return NULL;
        }
      if (lab_shape_size (layer->out) == 0)
        {
          in_text = lab_shape_to_keras (shape);
          g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                       "“%s”, layer %u (%s) turns its input %s into nothing",
                       spec->name, i, type, in_text);
          return NULL;
        }
      /* Packed without gaps: the flat arrays are exactly n_params and
       * n_buffers long, so optimizers and checks loop over them blindly. */
      self->param_off[i + 1] = self->param_off[i] + layer->n_params;
      self->buffer_off[i + 1] = self->buffer_off[i] + layer->n_buffers;
      if (self->param_off[i + 1] > LAB_MAX_ALLOC_BYTES / sizeof (float)
          || self->buffer_off[i + 1] > LAB_MAX_ALLOC_BYTES / sizeof (float))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
                       "“%s” has too many parameters (layer %u, %s, alone has %" G_GSIZE_FORMAT ")",
                       spec->name, i, type, layer->n_params);
          return NULL;
        }
      self->n_params += layer->n_params;
      self->n_buffers += layer->n_buffers;
      shape = layer->out;
    }

  /* A layer's own loss (the VAE's KL) is divided by the elements the
   * model's mean-reduced loss divides by per sample, to share its scale. */
  for (guint i = 0; i < self->n_layers; i++)
    self->layers[i]->loss_elements = spec->loss == LAB_LOSS_SOFTMAX_CE
      ? 1 : lab_shape_size (self->layers[self->n_layers - 1]->out);

  /* softmax_ce on a model ending in softmax: the loss takes the logits and
   * its gradient (p - t)/B replaces the softmax's backward. */
  last_type = self->layers[self->n_layers - 1]->klass->type;
  self->loss_layers = self->n_layers;
  if (spec->loss == LAB_LOSS_SOFTMAX_CE && g_strcmp0 (last_type, "softmax") == 0)
    self->loss_layers = self->n_layers - 1;

  /* An activation after a layer that does not read its own output in
   * backward (a convolution, not another activation) overwrites that
   * output: one activation buffer less per pair (24 MB of 73 for
   * dae-keras32 at batch 128), and the activation works in the cache its
   * input left warm. The latent and the loss' input stay readable. */
  for (guint i = 1; i < self->n_layers; i++)
    self->in_place[i] = (self->layers[i]->klass->flags & LAB_LAYER_IN_PLACE)
                        && !(self->layers[i - 1]->klass->flags & LAB_LAYER_READS_OUTPUT)
                        && i != self->encoder_layers && i != self->loss_layers;

  self->params = arena_alloc (self->n_params);
  self->grads = arena_alloc (self->n_params);
  self->buffers = arena_alloc (self->n_buffers);
  return g_steal_pointer (&self);
}

void
lab_model_init (LabModel *self,
                LabInit   init,
                guint64   seed)
{
  LabRng rng;

  lab_rng_init (&rng, seed);
  for (guint i = 0; i < self->n_layers; i++)
    {
      LabLayer *layer = self->layers[i];
      if (layer->klass->init)
        layer->klass->init (layer, self->params + self->param_off[i],
                            self->buffers + self->buffer_off[i], init, &rng);
    }
  lab_rng_split (&rng, &self->rng);
  memset (self->grads, 0, self->n_params * sizeof (float));
  self->batches_tracked = 0;
}

gboolean
lab_model_set_batch (LabModel  *self,
                     guint      batch,
                     GError   **error)
{
  gsize act_total = 0, scratch_total = 0, lane_total = 0, temp = 0, lane_temp = 0;
  gsize max_size = lab_shape_size (self->spec->input);
  const gsize limit = LAB_MAX_ALLOC_BYTES / sizeof (float);
  g_autofree gsize *act_off = NULL, *scratch_off = NULL, *lane_off = NULL;
  guint n_lanes, lane_batch;

  g_return_val_if_fail (batch > 0, FALSE);

  n_lanes = MIN (self->n_threads, batch);
  if (batch == self->batch && n_lanes == self->n_lanes)
    return TRUE;
  lane_batch = (batch + n_lanes - 1) / n_lanes;
  /* The layout goes into the model only once it is known to fit, so a
   * refused batch leaves the current one working. */
  act_off = g_new0 (gsize, self->n_layers);
  scratch_off = g_new0 (gsize, self->n_layers);
  lane_off = g_new0 (gsize, self->n_layers);

  for (guint i = 0; i < self->n_layers; i++)
    {
      LabLayer *layer = self->layers[i];
      gsize out = lab_shape_size (layer->out), a;
      gsize scr = layer->klass->scratch_floats ? layer->klass->scratch_floats (layer, batch) : 0;
      /* Lanes after the first hold scratch for their share of the batch
       * in the layers they run. */
      gsize lane_scr = n_lanes > 1 && layer->klass->batch_use != LAB_BATCH_MIXES
                       && layer->klass->scratch_floats
                       ? layer->klass->scratch_floats (layer, lane_batch) : 0;

      max_size = MAX (max_size, out);
      if (!g_size_checked_mul (&a, out, batch) || a > limit || scr > limit || lane_scr > limit)
        goto too_large;
      if (self->in_place[i])
        act_off[i] = act_off[i - 1];
      else
        {
          act_off[i] = act_total;
          act_total += align_up (a);
        }
      if (layer->klass->flags & LAB_LAYER_SCRATCH_TEMPORARY)
        {
          temp = MAX (temp, align_up (scr));
          lane_temp = MAX (lane_temp, align_up (lane_scr));
          continue;
        }
      scratch_off[i] = scratch_total;
      scratch_total += align_up (scr);
      lane_off[i] = lane_total;
      lane_total += align_up (lane_scr);
      if (act_total > limit || scratch_total > limit || lane_total > limit)
        goto too_large;
    }
  /* the shared region of the temporary scratch, after the kept ones */
  for (guint i = 0; i < self->n_layers; i++)
    if (self->layers[i]->klass->flags & LAB_LAYER_SCRATCH_TEMPORARY)
      {
        scratch_off[i] = scratch_total;
        lane_off[i] = lane_total;
      }
  scratch_total += temp;
  lane_total += lane_temp;
  if (act_total > limit || scratch_total > limit || lane_total > limit
      || (gsize) batch * max_size > limit / 2)
    goto too_large;

  free_batch (self);
  memcpy (self->act_off, act_off, self->n_layers * sizeof (gsize));
  memcpy (self->scratch_off, scratch_off, self->n_layers * sizeof (gsize));
  memcpy (self->lane_scratch_off, lane_off, self->n_layers * sizeof (gsize));
  self->acts = arena_alloc (act_total);
  self->dbuf[0] = arena_alloc ((gsize) batch * max_size);
  self->dbuf[1] = arena_alloc ((gsize) batch * max_size);
  self->scratch = arena_alloc (scratch_total);
  self->batch = batch;
  self->max_size = max_size;
  self->n_lanes = n_lanes;
  self->lanes = g_new0 (Lane, n_lanes);
  for (guint l = 1; l < n_lanes; l++)
    {
      self->lanes[l].scratch = arena_alloc (lane_total);
      self->lanes[l].grads = arena_alloc (self->n_params);
    }
  if (n_lanes > 1)
    {
      self->team = lab_team_new (n_lanes, 0);
      openblas_set_num_threads (1);   /* as lab_model_set_threads: a copy's lanes */
    }
  return TRUE;

too_large:
  g_set_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE,
               "A batch of %u images is too large for “%s”: its activations would need "
               "more than %" G_GUINT64_FORMAT " GB; use a smaller batch",
               batch, self->spec->name, (guint64) (LAB_MAX_ALLOC_BYTES >> 30));
  return FALSE;
}

guint
lab_model_get_batch (LabModel *self)
{
  return self->batch;
}

gboolean
lab_model_set_threads (LabModel  *self,
                       guint      n_threads,
                       GError   **error)
{
  guint batch = self->batch, old = self->n_threads;

  n_threads = MAX (n_threads, 1);
  /* One layer of parallelism: ours. OpenBLAS threads inside each lane's
   * GEMMs would only fight over the same cores. */
  openblas_set_num_threads (1);
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

LabModel *
lab_model_copy (LabModel *self,
                guint     batch)
{
  g_autoptr(GError) error = NULL;
  LabModel *copy = lab_model_new (self->spec, &error);

  /* The spec built this model once, so it builds again. */
  g_assert_no_error (error);
  lab_model_copy_params_from (copy, self);
  copy->frozen = self->frozen;
  copy->rng = self->rng;
  copy->n_threads = self->n_threads;
  if (batch > 0 && !lab_model_set_batch (copy, batch, NULL))
    g_warning ("lab_model_copy: cannot allocate a batch of %u", batch);
  return copy;
}

gboolean
lab_model_copy_params_from (LabModel *dst,
                            LabModel *src)
{
  g_return_val_if_fail (dst->n_layers == src->n_layers, FALSE);
  g_return_val_if_fail (dst->n_params == src->n_params, FALSE);
  g_return_val_if_fail (dst->n_buffers == src->n_buffers, FALSE);

  if (dst == src)
    return TRUE;
  memcpy (dst->params, src->params, src->n_params * sizeof (float));
  memcpy (dst->buffers, src->buffers, src->n_buffers * sizeof (float));
  dst->batches_tracked = src->batches_tracked;
  return TRUE;
}

gboolean
lab_model_transfer_layers (LabModel  *dst,
                           LabModel  *src,
                           guint      n_layers,
                           GError   **error)
{
  if (n_layers > dst->n_layers || n_layers > src->n_layers)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "Cannot transfer %u layers: “%s” has %u and “%s” has %u",
                   n_layers, src->spec->name, src->n_layers, dst->spec->name, dst->n_layers);
      return FALSE;
    }
  for (guint i = 0; i < n_layers; i++)
    {
      LabLayer *a = src->layers[i], *b = dst->layers[i];
      gboolean same = g_strcmp0 (a->klass->type, b->klass->type) == 0
        && a->n_params == b->n_params && a->n_buffers == b->n_buffers
        && a->n_tensors == b->n_tensors;

      for (guint t = 0; same && t < a->n_tensors; t++)
        same = a->tensors[t].ndim == b->tensors[t].ndim
          && memcmp (a->tensors[t].dims, b->tensors[t].dims, sizeof a->tensors[t].dims) == 0;
      if (!same)
        {
          g_autofree char *sa = lab_shape_to_keras (a->out);
          g_autofree char *sb = lab_shape_to_keras (b->out);
          g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                       "Cannot transfer layer %u: “%s” has %s with output %s and "
                       "%" G_GSIZE_FORMAT " parameters, “%s” has %s with output %s and "
                       "%" G_GSIZE_FORMAT,
                       i, src->spec->name, a->klass->type, sa, a->n_params,
                       dst->spec->name, b->klass->type, sb, b->n_params);
          return FALSE;
        }
    }
  for (guint i = 0; i < n_layers; i++)
    {
      memcpy (dst->params + dst->param_off[i], src->params + src->param_off[i],
              src->layers[i]->n_params * sizeof (float));
      memcpy (dst->buffers + dst->buffer_off[i], src->buffers + src->buffer_off[i],
              src->layers[i]->n_buffers * sizeof (float));
    }
  return TRUE;
}

const LabSpec *
lab_model_get_spec (LabModel *self)
{
  return self->spec;
}

const char *
lab_model_get_name (LabModel *self)
{
  return self->spec->name;
}

LabLossKind
lab_model_get_loss (LabModel *self)
{
  return self->spec->loss;
}

guint
lab_model_n_layers (LabModel *self)
{
  return self->n_layers;
}

LabLayer *
lab_model_get_layer (LabModel *self,
                     guint     index)
{
  g_return_val_if_fail (index < self->n_layers, NULL);
  return self->layers[index];
}

gsize
lab_model_param_offset (LabModel *self,
                        guint     index)
{
  g_return_val_if_fail (index <= self->n_layers, 0);
  return self->param_off[index];
}

gsize
lab_model_buffer_offset (LabModel *self,
                         guint     index)
{
  g_return_val_if_fail (index <= self->n_layers, 0);
  return self->buffer_off[index];
}

guint
lab_model_encoder_layers (LabModel *self)
{
  return self->encoder_layers;
}

LabShape
lab_model_input_shape (LabModel *self)
{
  return self->spec->input;
}

LabShape
lab_model_output_shape (LabModel *self)
{
  return self->layers[self->n_layers - 1]->out;
}

LabShape
lab_model_latent_shape (LabModel *self)
{
  return self->layers[self->encoder_layers - 1]->out;
}

guint64
lab_model_macs (LabModel *self)
{
  guint64 macs = 0;

  for (guint i = 0; i < self->n_layers; i++)
    macs += self->layers[i]->macs;
  return macs;
}

gsize
lab_model_n_params (LabModel *self)
{
  return self->n_params;
}

gsize
lab_model_n_buffers (LabModel *self)
{
  return self->n_buffers;
}

float *
lab_model_params (LabModel *self)
{
  return self->params;
}

float *
lab_model_grads (LabModel *self)
{
  return self->grads;
}

float *
lab_model_buffers (LabModel *self)
{
  return self->buffers;
}

gboolean
lab_model_is_finite (LabModel *self)
{
  return lab_floats_finite (self->params, self->n_params)
         && lab_floats_finite (self->buffers, self->n_buffers);
}

guint64
lab_model_get_batches_tracked (LabModel *self)
{
  return self->batches_tracked;
}

void
lab_model_set_batches_tracked (LabModel *self,
                               guint64   n)
{
  self->batches_tracked = n;
}

LabRng *
lab_model_get_rng (LabModel *self)
{
  return &self->rng;
}

void
lab_model_set_frozen_layers (LabModel *self,
                             guint     n)
{
  g_return_if_fail (n <= self->n_layers);
  self->frozen = n;
}

guint
lab_model_get_frozen_layers (LabModel *self)
{
  return self->frozen;
}

static inline float *
act (LabModel *self,
     guint     i)
{
  return self->acts + self->act_off[i];
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

static void
lane_forward (LabModel    *self,
              const Job   *job,
              guint        l)
{
  Lane *lane = &self->lanes[l];
  LabPass pass = { 0 };
  guint r0, r1;
  const float *in;

  lane_rows (job->n, job->active, l, &r0, &r1);
  if (r1 == r0)
    return;
  pass.batch = r1 - r0;
  pass.training = job->training;
  /* Per-sample layers draw nothing; with one lane this is the whole batch. */
  pass.rng = job->active == 1 ? &self->rng : NULL;
  pass.aux_loss = &lane->aux_loss;
  in = job->in + (gsize) r0 * in_size (self, job->first);
  for (guint i = job->first; i < job->last; i++)
    {
      LabLayer *layer = self->layers[i];

      pass.in = in;
      pass.out = act (self, i) + (gsize) r0 * out_size (self, i);
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
  guint r0, r1;

  lane_rows (job->n, job->active, l, &r0, &r1);
  if (r1 == r0)
    return;
  pass.batch = r1 - r0;
  pass.training = job->training;
  pass.rng = job->active == 1 ? &self->rng : NULL;
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
      pass.in = (i == 0 ? self->last_input : act (self, i - 1)) + (gsize) r0 * isz;
      pass.out = act (self, i) + (gsize) r0 * osz;
      pass.dout = self->bw_dout[i]
                  + (gsize) r0 * (i + 1 == job->last && job->dout_packed ? osz : self->max_size);
      pass.params = self->params + self->param_off[i];
      pass.dparams = lane_grads (self, l) + self->param_off[i];
      pass.buffers = self->buffers + self->buffer_off[i];
      pass.scratch = lane_scratch (self, l, i);
      layer->klass->backward (layer, &pass);
    }
}

/* y[0..n) += x[0..n), four at a time */
static void
add_to (float       *restrict y,
        const float *restrict x,
        gsize                 n)
{
  gsize i = 0;

  for (; i + 4 <= n; i += 4)
    lab_v4_store (y + i, lab_v4_load (y + i) + lab_v4_load (x + i));
  for (; i < n; i++)
    y[i] += x[i];
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

            add_to (g0 + p0, g + p0, p1 - p0);
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

/* Forward through layers [first, last) with in as layer first's input.
 * Runs of per-sample layers go through the lanes; a layer that mixes the
 * batch runs on all of it here. */
static const float *
forward_range (LabModel    *self,
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
      in = act (self, j - 1);
      i = j;
    }
  for (guint l = 0; l < self->n_lanes; l++)
    self->aux_loss += self->lanes[l].aux_loss;
  return in;
}

const float *
lab_model_forward (LabModel    *self,
                   const float *x,
                   guint        n,
                   gboolean     training)
{
  const float *out = forward_range (self, 0, self->n_layers, x, n, training);

  self->last_input = x;
  self->last_n = n;
  self->last_training = training;
  if (training && self->n_buffers > 0)
    self->batches_tracked++;
  return out;
}

const float *
lab_model_layer_output (LabModel *self,
                        guint     index)
{
  g_return_val_if_fail (index < self->n_layers && self->batch > 0, NULL);
  return act (self, index);
}

double
lab_model_loss (LabModel    *self,
                const float *target,
                guint        n)
{
  Job job = { 0 };
  double loss = 0;

  g_return_val_if_fail (self->last_input != NULL && n == self->last_n, NAN);

  job.kind = JOB_LOSS;
  job.n = n;
  job.in = self->loss_layers == 0 ? self->last_input : act (self, self->loss_layers - 1);
  job.dim = self->loss_layers == 0 ? lab_shape_size (self->spec->input)
                                   : out_size (self, self->loss_layers - 1);
  job.target = target;
  job.active = active_lanes (self, n);
  if (job.active == 1)
    loss = lab_loss_compute (self->spec->loss, job.in, target, n, job.dim, self->dbuf[0]);
  else
    {
      run_job (self, &job);
      for (guint l = 0; l < job.active; l++)
        loss += self->lanes[l].loss;
    }
  self->loss_grad_ready = TRUE;
  return loss + self->aux_loss;
}

double
lab_model_aux_loss (LabModel *self)
{
  return self->aux_loss;
}

void
lab_model_zero_grad (LabModel *self)
{
  memset (self->grads, 0, self->n_params * sizeof (float));
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
static void
backward_range (LabModel    *self,
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

void
lab_model_backward (LabModel *self,
                    guint     n)
{
  g_return_if_fail (self->loss_grad_ready && n == self->last_n);
  backward_range (self, self->loss_layers, self->dbuf[0], n);
  self->loss_grad_ready = FALSE;
}

void
lab_model_backward_from (LabModel    *self,
                         const float *dout,
                         guint        n)
{
  g_return_if_fail (self->last_input != NULL && n == self->last_n);
  g_return_if_fail (dout != self->dbuf[1]);
  backward_range (self, self->n_layers, dout, n);
  self->loss_grad_ready = FALSE;
}

const float *
lab_model_encode (LabModel    *self,
                  const float *x,
                  guint        n)
{
  self->last_input = NULL;
  return forward_range (self, 0, self->encoder_layers, x, n, FALSE);
}

const float *
lab_model_decode (LabModel    *self,
                  const float *z,
                  guint        n)
{
  self->last_input = NULL;
  if (self->encoder_layers == self->n_layers)
    return z;
  return forward_range (self, self->encoder_layers, self->n_layers, z, n, FALSE);
}

/* Summary */

void
lab_summary_row_free (LabSummaryRow *row)
{
  if (row == NULL)
    return;
  g_free (row->name);
  g_free (row->type);
  g_free (row->title);
  g_free (row->output_shape);
  g_free (row);
}

GPtrArray *
lab_model_summary_rows (LabModel *self)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_summary_row_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->n_layers; i++)
    {
      LabLayer *layer = self->layers[i];
      LabSummaryRow *row = g_new0 (LabSummaryRow, 1);
      guint k = GPOINTER_TO_UINT (g_hash_table_lookup (seen, layer->klass->type));

      /* Keras numbers repeated layers: conv2d, conv2d_1, conv2d_2, ... */
      row->index = i;
      row->name = k == 0 ? g_strdup (layer->klass->type)
                         : g_strdup_printf ("%s_%u", layer->klass->type, k);
      g_hash_table_insert (seen, (gpointer) layer->klass->type, GUINT_TO_POINTER (k + 1));
      row->type = g_strdup (layer->klass->type);
      row->title = g_strdup (layer->klass->title ? layer->klass->title : layer->klass->type);
      row->output = layer->out;
      row->output_shape = lab_shape_to_keras (layer->out);
      row->params = layer->n_params;
      row->buffers = layer->n_buffers;
      row->macs = layer->macs;
      row->is_latent = i + 1 == self->encoder_layers;
      g_ptr_array_add (rows, row);
    }
  return rows;
}

/* 1149520 -> "1,149,520", the way Keras prints counts. */
static char *
format_count (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *s = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

/* Pads by characters, not bytes, so "×" and "←" keep columns straight. */
static void
append_padded (GString    *s,
               const char *text,
               glong       width)
{
  glong len = g_utf8_strlen (text, -1);

  g_string_append (s, text);
  for (glong i = len; i < width; i++)
    g_string_append_c (s, ' ');
}

char *
lab_model_summary_text (LabModel *self)
{
  g_autoptr(GPtrArray) rows = lab_model_summary_rows (self);
  g_autofree char *in_shape = lab_shape_to_keras (self->spec->input);
  g_autofree char *total = format_count (self->n_params + self->n_buffers);
  g_autofree char *trainable = format_count (self->n_params);
  g_autofree char *frozen = format_count (self->n_buffers);
  g_autofree char *latent_shape = lab_shape_to_keras (lab_model_latent_shape (self));
  g_autofree char *latent_size = format_count (lab_shape_size (lab_model_latent_shape (self)));
  GString *s = g_string_new (NULL);
  const char *rule = "__________________________________________________________________________\n";
  const char *thick = "==========================================================================\n";

  g_string_append_printf (s, "Model: \"%s\" (loss: %s)\n", self->spec->name,
                          lab_loss_name (self->spec->loss));
  g_string_append (s, rule);
  g_string_append (s, "  #  Layer (type)                  Output Shape              Param #\n");
  g_string_append (s, thick);
  g_string_append (s, "     ");
  append_padded (s, "input (InputLayer)", 30);
  append_padded (s, in_shape, 26);
  g_string_append (s, "0\n");
  for (guint i = 0; i < rows->len; i++)
    {
      LabSummaryRow *row = g_ptr_array_index (rows, i);
      g_autofree char *label = g_strdup_printf ("%s (%s)", row->name, row->title);
      g_autofree char *count = format_count (row->params + row->buffers);

      g_string_append_printf (s, "%3u  ", row->index);
      append_padded (s, label, 30);
      append_padded (s, row->output_shape, 26);
      append_padded (s, count, row->is_latent ? 10 : 0);
      if (row->is_latent)
        g_string_append (s, "← latent");
      g_string_append_c (s, '\n');
    }
  g_string_append (s, thick);
  g_string_append_printf (s, "Total params: %s\n", total);
  g_string_append_printf (s, "Trainable params: %s\n", trainable);
  g_string_append_printf (s, "Non-trainable params: %s%s\n", frozen,
                          self->n_buffers ? " (batch-norm running statistics)" : "");
  g_string_append (s, rule);
  g_string_append_printf (s, "Latent: %s values %s, the output of layer %u\n",
                          latent_size, latent_shape, self->encoder_layers - 1);
  g_string_append_printf (s, "Forward pass: %.2f MFLOP per image\n",
                          2.0 * lab_model_macs (self) / 1e6);
  return g_string_free (s, FALSE);
}

static void
add_shape (JsonBuilder *b,
           const char  *member,
           LabShape     shape)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  json_builder_add_int_value (b, shape.c);
  json_builder_add_int_value (b, shape.h);
  json_builder_add_int_value (b, shape.w);
  json_builder_end_array (b);
}

JsonNode *
lab_model_summary_json (LabModel *self)
{
  g_autoptr(GPtrArray) rows = lab_model_summary_rows (self);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->spec->name);
  json_builder_set_member_name (b, "loss");
  json_builder_add_string_value (b, lab_loss_name (self->spec->loss));
  add_shape (b, "input_shape", self->spec->input);
  add_shape (b, "output_shape", lab_model_output_shape (self));
  add_shape (b, "latent_shape", lab_model_latent_shape (self));
  json_builder_set_member_name (b, "latent_size");
  json_builder_add_int_value (b, lab_shape_size (lab_model_latent_shape (self)));
  json_builder_set_member_name (b, "encoder_layers");
  json_builder_add_int_value (b, self->encoder_layers);
  json_builder_set_member_name (b, "params");
  json_builder_add_int_value (b, self->n_params);
  json_builder_set_member_name (b, "non_trainable");
  json_builder_add_int_value (b, self->n_buffers);
  json_builder_set_member_name (b, "macs");
  json_builder_add_int_value (b, lab_model_macs (self));
  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint i = 0; i < rows->len; i++)
    {
      LabSummaryRow *row = g_ptr_array_index (rows, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "index");
      json_builder_add_int_value (b, row->index);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, row->name);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, row->type);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, row->title);
      json_builder_set_member_name (b, "output_shape");
      json_builder_add_string_value (b, row->output_shape);
      add_shape (b, "output", row->output);
      json_builder_set_member_name (b, "params");
      json_builder_add_int_value (b, row->params);
      json_builder_set_member_name (b, "non_trainable");
      json_builder_add_int_value (b, row->buffers);
      json_builder_set_member_name (b, "macs");
      json_builder_add_int_value (b, row->macs);
      json_builder_set_member_name (b, "latent");
      json_builder_add_boolean_value (b, row->is_latent);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
