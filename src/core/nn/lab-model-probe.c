#define G_LOG_DOMAIN "latentlab-core"

#include "lab-model-probe.h"

#include <string.h>

#include "lab-blas.h"
#include "lab-model-private.h"

void
lab_probe_free (LabProbe *probe)
{
  if (probe == NULL)
    return;
  for (guint i = 0; i < probe->n_layers; i++)
    g_free (probe->layers[i].values);
  g_free (probe->layers);
  g_free (probe);
}

/* One layer at a time, each from the copy of the previous layer's output:
 * an activation the model runs in place over its convolution's output
 * (lab-model.c) then overwrites the model's buffer, not the copy. The
 * layers' kernels see the same input as in lab_model_forward, so the
 * outputs are the same bits. */
LabProbe *
lab_model_probe (LabModel     *self,
                 const float  *x,
                 GError      **error)
{
  g_autoptr(LabProbe) probe = NULL;
  const float *in = x;

  g_return_val_if_fail (self != NULL && x != NULL, NULL);

  if (self->batch == 0 && !lab_model_set_batch (self, 1, error))
    return NULL;
  probe = g_new0 (LabProbe, 1);
  probe->n_layers = self->n_layers;
  probe->layers = g_new0 (LabProbeLayer, self->n_layers);
  self->last_input = NULL;
  for (guint i = 0; i < self->n_layers; i++)
    {
      LabProbeLayer *pl = &probe->layers[i];
      const float *out = lab_model_forward_range (self, i, i + 1, in, 1, FALSE);

      pl->shape = self->layers[i]->out;
      pl->values = g_memdup2 (out, lab_shape_size (pl->shape) * sizeof (float));
      in = pl->values;
    }
  return g_steal_pointer (&probe);
}

static const LabTensorInfo *
find_weight (LabLayer *layer)
{
  for (guint t = 0; t < layer->n_tensors; t++)
    if (layer->tensors[t].trainable && strcmp (layer->tensors[t].name, "weight") == 0)
      return &layer->tensors[t];
  return NULL;
}

gboolean
lab_model_first_filters (LabModel       *self,
                         LabFilterTiles *tiles)
{
  LabShape input = self->spec->input;

  g_return_val_if_fail (tiles != NULL, FALSE);

  memset (tiles, 0, sizeof *tiles);
  for (guint i = 0; i < self->n_layers; i++)
    {
      LabLayer *layer = self->layers[i];
      const LabTensorInfo *w;

      if (layer->n_params == 0)
        continue;
      w = find_weight (layer);
      if (w == NULL)
        return FALSE;
      tiles->layer = i;
      tiles->weights = self->params + self->param_off[i] + w->offset;
      /* Conv2d [out, in, kh, kw] (ConvTranspose2d's [in, out, kh, kw]
       * reads the same way): one tile per input-output channel pair. */
      if (w->ndim == 4)
        {
          tiles->n = w->dims[0] * w->dims[1];
          tiles->height = w->dims[2];
          tiles->width = w->dims[3];
          return TRUE;
        }
      /* Linear [out, in]: a row is a picture when it spans the image. */
      if (w->ndim == 2 && input.c == 1 && w->dims[1] == input.h * input.w
          && lab_shape_size (layer->in) == lab_shape_size (input))
        {
          tiles->n = w->dims[0];
          tiles->height = input.h;
          tiles->width = input.w;
          return TRUE;
        }
      memset (tiles, 0, sizeof *tiles);
      return FALSE;
    }
  return FALSE;
}

void
lab_model_layer_norms (LabModel *self,
                       float    *param_norms,
                       float    *grad_norms)
{
  for (guint i = 0; i < self->n_layers; i++)
    {
      gsize off = self->param_off[i], n = self->param_off[i + 1] - off;

      /* snrm2 scales as it sums (no overflow); a layer is far below
       * INT_MAX parameters (LAB_MAX_ALLOC_BYTES). */
      if (param_norms != NULL)
        param_norms[i] = n > 0 ? lab_blas_snrm2 ((int) n, self->params + off, 1) : 0.0f;
      if (grad_norms != NULL)
        grad_norms[i] = n > 0 ? lab_blas_snrm2 ((int) n, self->grads + off, 1) : 0.0f;
    }
}
