#define G_LOG_DOMAIN "latentlab-core"

#include "lab-model-private.h"
#include "lab-optim.h"

#include <math.h>
#include <string.h>

#include "lab-blas.h"

/* Every slice of an arena starts on a 64-byte line (16 floats). */
#define ALIGN_FLOATS 16


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
      LabLayer *layer = lab_spec_new_layer (spec, i, shape, &self->n_params, &self->n_buffers, error);

      if (layer == NULL)
        return NULL;
      self->layers[i] = layer;
      /* Packed without gaps: the flat arrays are exactly n_params and
       * n_buffers long, so optimizers and checks loop over them blindly. */
      self->param_off[i + 1] = self->param_off[i] + layer->n_params;
      self->buffer_off[i + 1] = self->buffer_off[i] + layer->n_buffers;
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
  self->lanes = g_new0 (LabModelLane, n_lanes);
  for (guint l = 1; l < n_lanes; l++)
    {
      self->lanes[l].scratch = arena_alloc (lane_total);
      self->lanes[l].grads = arena_alloc (self->n_params);
    }
  if (n_lanes > 1)
    {
      self->team = lab_team_new (n_lanes, 0);
      lab_blas_set_threads (1);   /* as lab_model_set_threads: a copy's lanes */
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

const float *
lab_model_forward (LabModel    *self,
                   const float *x,
                   guint        n,
                   gboolean     training)
{
  const float *out;

  /* Frozen layers run as in inference even in training (as Keras runs a
   * frozen BatchNormalization): batch norm uses and keeps its running
   * statistics, dropout passes everything, so the frozen part is a fixed
   * function. Backward never reaches them. */
  if (training && self->frozen > 0)
    {
      out = lab_model_forward_range (self, 0, self->frozen, x, n, FALSE);
      if (self->frozen < self->n_layers)
        out = lab_model_forward_range (self, self->frozen, self->n_layers, out, n, TRUE);
    }
  else
    out = lab_model_forward_range (self, 0, self->n_layers, x, n, training);

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
  return lab_model_act (self, index);
}

double
lab_model_loss (LabModel    *self,
                const float *target,
                guint        n)
{
  const float *pred;
  gsize dim;
  double loss;

  g_return_val_if_fail (self->last_input != NULL && n == self->last_n, NAN);

  pred = self->loss_layers == 0 ? self->last_input : lab_model_act (self, self->loss_layers - 1);
  dim = lab_shape_size (self->loss_layers == 0 ? self->spec->input
                                               : self->layers[self->loss_layers - 1]->out);
  loss = lab_model_lanes_loss (self, pred, target, n, dim);
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


void
lab_model_backward (LabModel *self,
                    guint     n)
{
  g_return_if_fail (self->loss_grad_ready && n == self->last_n);
  lab_model_backward_range (self, self->loss_layers, self->dbuf[0], n);
  self->loss_grad_ready = FALSE;
}

void
lab_model_backward_from (LabModel    *self,
                         const float *dout,
                         guint        n)
{
  g_return_if_fail (self->last_input != NULL && n == self->last_n);
  g_return_if_fail (dout != self->dbuf[1]);
  lab_model_backward_range (self, self->n_layers, dout, n);
  self->loss_grad_ready = FALSE;
}

const float *
lab_model_encode (LabModel    *self,
                  const float *x,
                  guint        n)
{
  self->last_input = NULL;
  return lab_model_forward_range (self, 0, self->encoder_layers, x, n, FALSE);
}

const float *
lab_model_decode (LabModel    *self,
                  const float *z,
                  guint        n)
{
  self->last_input = NULL;
  if (self->encoder_layers == self->n_layers)
    return z;
  return lab_model_forward_range (self, self->encoder_layers, self->n_layers, z, n, FALSE);
}
