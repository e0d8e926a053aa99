#define G_LOG_DOMAIN "latentlab-core"

/* Conv2d as PyTorch's nn.Conv2d: square kernel, one stride, symmetric zero
 * padding. weight (F, C, k, k), bias (F).
 *
 *   y[n,f] = b[f] + Σ_c W[f,c] ⋆ x[n,c]        as  Y = W · im2col(X)
 *   G_W += G_Y · colsᵀ,  G_b += Σ G_Y,  G_X += col2im(Wᵀ · G_Y)
 *
 * The batch goes through in chunks: im2col of `chunk` images into
 * cols (C*k*k, chunk*Ho*Wo), one GEMM, then back to NCHW with the bias
 * (see lab-im2col.h). Backward redoes the im2col instead of keeping the
 * whole batch's columns, and for a narrowing stride-1 layer (F < C) gets
 * G_X as a convolution of G_Y rather than through col2im (use_adjoint).
 * A one-channel output at stride 1 (the last layer of most decoders) would
 * be a GEMM with M = 1, which BLAS does at 2-8 GFLOP/s, so it has direct
 * vectorised loops instead (lab-conv-direct.c): 3x faster on dae-keras32.
 *
 * A narrowing layer with the output as large as its input (M < C, stride
 * 1, 2p = k - 1: the decoders' last convolutions) skips im2col of its
 * input altogether (use_kn2row): forward multiplies the weights of every
 * tap at once with the input, Z (k²M, N) = W' · X, and adds the k² shifted
 * planes of Z up; backward takes the one im2col of G_Y (k²M rows, fewer
 * than the C·k² of the input's) for both G_W and G_X. On dae-keras32's
 * 64->32 and 32->1 layers at batch 128 that is a third less time (the
 * 32->1 layer, done by the direct loops before, more than halves). The
 * GEMMs that read the input go image by image, straight from NCHW
 * (X_i is (C, HW) as it lies): copying the chunk's channels side by side
 * first took a quarter of the 32->1 layer's time.
 *
 * A 3×3 layer at stride 1 and padding 1 with at least 8 channels on both
 * sides (the middle of every convolutional preset) goes through Winograd's
 * F(4×4, 3×3) instead (lab-winograd.c): 2.25x fewer multiplications in
 * forward and both gradients; on dae-keras32's 32->64, 64->64 and 64->32
 * layers at batch 64 on one core, 16 ms instead of 24 for the three.
 *
 * One input channel at 3×3, stride 1, padding 1 (the first layer on gray
 * images) has loops of its own (lab-conv-gray.c), and so does its weight
 * gradient when no G_X is wanted. */

#include "lab-conv-direct.h"
#include "lab-conv-gray.h"
#include "lab-im2col.h"
#include "lab-layers-private.h"
#include "lab-winograd.h"

#include <string.h>

#include "lab-blas.h"

/* padding as LAB_OPTION_UINT_OR_NAME keeps it: a number of pixels, or a name */
enum
{
  PAD_SAME  = -1,   /* "same": (k - 1) / 2 on every side */
  PAD_VALID = -2,   /* "valid": none, PyTorch's default padding=0 */
};

typedef struct
{
  LabConvBase base;
  guint       filters;
  guint       kernel;
  guint       stride;
  gint        padding;   /* pixels, PAD_SAME or PAD_VALID */
} LabConv2d;

static const char * const padding_names[] = { "same", "valid", NULL };

static const LabLayerOption conv2d_options[] = {
  LAB_CONV_FILTERS (LabConv2d),
  LAB_CONV_KERNEL (LabConv2d),
  LAB_CONV_STRIDE (LabConv2d, 1),
  { .key = "padding", .kind = LAB_OPTION_UINT_OR_NAME, .min = 0, .max = 64, .def = PAD_VALID,
    .names = padding_names, .fresh = 1, .step = 1,
    .offset = G_STRUCT_OFFSET (LabConv2d, padding), .label = N_("padding"),
    .help = N_("Zero pixels added on every side; “same” keeps the size at stride 1") },
};

/* "same" pads (k-1)/2 on every side, which keeps the size only for odd
 * kernels (and gives ceil(H/s) for stride s, as torch_ref's padding=1). */
static gboolean
conv2d_check (LabLayer  *layer,
              GError   **error)
{
  LabConv2d *self = (LabConv2d *) layer;

  if (self->padding == PAD_SAME && self->kernel % 2 == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "Layer “conv2d”: padding \"same\" needs an odd kernel size, not %u; "
                   "give the padding as a number instead", self->kernel);
      return FALSE;
    }
  return TRUE;
}

static gboolean
conv2d_setup (LabLayer  *layer,
              LabShape   in,
              GError   **error)
{
  LabConv2d *self = (LabConv2d *) layer;
  LabConvGeom *g = &self->base.geom;
  guint k = self->kernel, s = self->stride, p;

  p = self->padding == PAD_SAME ? (k - 1) / 2 : self->padding == PAD_VALID ? 0 : (guint) self->padding;
  if (in.h + 2 * p < k || in.w + 2 * p < k)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_MISMATCH,
                   "Layer “conv2d” with a %u×%u kernel and padding %u cannot take an input "
                   "of %u×%u pixels (%u channels): the kernel is larger than the padded image",
                   k, k, p, in.h, in.w, in.c);
      return FALSE;
    }

  *g = (LabConvGeom) {
    .c = in.c, .h = in.h, .w = in.w,
    .m = self->filters,
    .ho = (in.h + 2 * p - k) / s + 1,
    .wo = (in.w + 2 * p - k) / s + 1,
    .k = k, .s = s, .p = p,
  };
  layer->out = (LabShape) { g->m, g->ho, g->wo };
  lab_layer_add_tensor (layer, "weight", TRUE, 4, g->m, g->c, k, k);
  lab_layer_add_tensor (layer, "bias", TRUE, 1, g->m, 0, 0, 0);
  layer->macs = (guint64) g->m * g->ho * g->wo * lab_conv_geom_rows (g);
  return TRUE;
}

static void
conv2d_init (LabLayer *layer,
             float    *params,
             float    *buffers,
             LabInit   init,
             LabRng   *rng)
{
  const LabConvGeom *g = &((LabConv2d *) layer)->base.geom;
  gsize kk = lab_conv_geom_rows (g);

  lab_init_weight_bias (params, g->m * kk, params + g->m * kk, g->m,
                        kk, (gsize) g->m * g->k * g->k, init, rng);
}

/* G_X by the adjoint convolution: for stride 1, G_X = pad(G_Y) ⋆ rot180(W)ᵀ,
 * an im2col of G_Y (M·k·k rows) and one GEMM straight into NCHW, instead
 * of Wᵀ · G_Y (C·k·k rows) and a col2im scatter. It pays off when the
 * layer narrows (M < C): 64->32 @14 takes 11 ms instead of 15 on one core;
 * for M >= C the col2im way is as fast or faster. */
static gboolean
use_adjoint (const LabConvGeom *g)
{
  return g->s == 1 && g->p < g->k && g->m < g->c;
}

/* The convolution whose output is G_X: from (M, Ho, Wo) to (C, H, W). */
static LabConvGeom
adjoint_geom (const LabConvGeom *g)
{
  return (LabConvGeom) {
    .c = g->m, .h = g->ho, .w = g->wo,
    .m = g->c, .ho = g->h, .wo = g->w,
    .k = g->k, .s = 1, .p = g->k - 1 - g->p,
  };
}

/* kn2row ("kernel to rows") for a narrowing same-size stride-1 layer. */
static gboolean
use_kn2row (const LabConvGeom *g)
{
  return g->s == 1 && 2 * g->p + 1 == g->k && g->ho == g->h && g->wo == g->w && g->m < g->c;
}

/* Per image of a chunk: Z or im2col (G_Y) (k²M rows), and for G_X the
 * (C, n*HW) product before it goes to NCHW. The input is read where it
 * is, image by image. */
static gsize
kn2row_per_image (const LabConvGeom *g)
{
  return ((gsize) g->c + (gsize) g->k * g->k * g->m) * g->h * g->w;
}

/* After the chunk: the reordered weights (k²M, C) and G_W's (k²M, C). */
static gsize
kn2row_fixed (const LabConvGeom *g)
{
  return (gsize) 2 * g->k * g->k * g->m * g->c;
}

/* y (h, w) += z shifted: y[oy][ox] += z[oy + dy][ox + dx] wherever that
 * is inside. One flat add over the rows that overlap; the columns of z that
 * the flat add would wrongly bring in from the neighbouring row are zeroed
 * first (z is this tap's own plane, read by nothing else), so they add 0. */
static void
add_shifted (float    *restrict y,
             float    *restrict z,
             int                dy,
             int                dx,
             guint              h,
             guint              w)
{
  const guint oy0 = dy < 0 ? (guint) -dy : 0, oy1 = dy > 0 ? h - (guint) dy : h;
  const guint left = dx < 0 ? (guint) -dx : 0, right = dx > 0 ? (guint) dx : 0;
  gsize q0, q1;

  if (oy1 <= oy0 || left >= w || right >= w)
    return;
  for (guint sy = oy0 + dy; sy < oy1 + dy; sy++)
    {
      float *row = z + (gsize) sy * w;

      /* source columns that no output column reads */
      for (guint j = 0; j < right; j++)
        row[j] = 0.f;
      for (guint j = w - left; j < w; j++)
        row[j] = 0.f;
    }
  q0 = (gsize) oy0 * w + left;
  q1 = (gsize) oy1 * w - right;
  lab_add_to (y + q0, z + (gssize) q0 + (gssize) dy * w + dx, q1 - q0);
}

static void
kn2row_forward (LabConvBase   *base,
                const LabPass *pass,
                const float   *w,
                const float   *b)
{
  const LabConvGeom *g = &base->geom;
  const guint k = g->k, kk2 = k * k;
  const gsize hw = (gsize) g->h * g->w, rows = (gsize) kk2 * g->m;
  const gsize in_size = (gsize) g->c * hw, out_size = (gsize) g->m * hw;
  const guint chunk = lab_conv_chunk (base, pass->batch, kn2row_per_image (g));
  float *wk = pass->scratch;               /* (k²M, C): wk[t*M + f][c] = W[f][c][t] */
  float *z = wk + kn2row_fixed (g);        /* (k²M, n*HW) */

  for (guint f = 0; f < g->m; f++)
    for (guint ci = 0; ci < g->c; ci++)
      for (guint t = 0; t < kk2; t++)
        wk[((gsize) t * g->m + f) * g->c + ci] = w[((gsize) f * g->c + ci) * kk2 + t];

  for (guint b0 = 0; b0 < pass->batch; b0 += chunk)
    {
      const guint n = MIN (chunk, pass->batch - b0);
      const gsize ncols = (gsize) n * hw;

      /* Z = W' · X: every tap of every output channel at every input
       * pixel, image by image straight from NCHW */
      for (guint i = 0; i < n; i++)
        lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, hw, g->c,
                     1.f, wk, g->c, pass->in + (b0 + i) * in_size, hw, 0.f, z + (gsize) i * hw, ncols);
      for (guint i = 0; i < n; i++)
        for (guint f = 0; f < g->m; f++)
          {
            float *y = pass->out + (b0 + i) * out_size + (gsize) f * hw;

            for (gsize q = 0; q < hw; q++)
              y[q] = b[f];
            for (guint t = 0; t < kk2; t++)
              add_shifted (y, z + ((gsize) t * g->m + f) * ncols + (gsize) i * hw,
                           (int) (t / k) - (int) g->p, (int) (t % k) - (int) g->p, g->h, g->w);
          }
    }
}

/* D = im2col (G_Y) with the adjoint geometry (k²M rows) serves both:
 *   G_W[f][c][t] += Σ D[(f, t')] · X[c]  (t' the tap turned 180°)
 *   G_X += rot180(W)ᵀ · D, as the adjoint path does */
static void
kn2row_backward (LabConvBase   *base,
                 const LabPass *pass,
                 const float   *w,
                 float         *dw,
                 float         *db)
{
  const LabConvGeom *g = &base->geom;
  const LabConvGeom ga = adjoint_geom (g);
  const guint kk2 = g->k * g->k;
  const gsize hw = (gsize) g->h * g->w, rows = (gsize) kk2 * g->m;
  const gsize in_size = (gsize) g->c * hw, out_size = (gsize) g->m * hw;
  const guint chunk = lab_conv_chunk (base, pass->batch, kn2row_per_image (g));
  float *wflip = pass->scratch;            /* (C, k²M): wflip[c][f][t] = W[f][c][k²-1-t] */
  float *gw = wflip + rows * g->c;         /* (k²M, C) */
  float *d = wflip + kn2row_fixed (g);     /* (k²M, n*HW) */
  float *tmp = d + rows * chunk * hw;      /* (C, n*HW) */

  lab_bias_grad_add (db, pass->dout, pass->batch, g->m, hw);
  memset (gw, 0, rows * g->c * sizeof (float));
  if (pass->din != NULL)
    for (guint ci = 0; ci < g->c; ci++)
      for (guint f = 0; f < g->m; f++)
        for (guint t = 0; t < kk2; t++)
          wflip[((gsize) ci * g->m + f) * kk2 + t] = w[((gsize) f * g->c + ci) * kk2 + kk2 - 1 - t];

  for (guint b0 = 0; b0 < pass->batch; b0 += chunk)
    {
      const guint n = MIN (chunk, pass->batch - b0);
      const gsize ncols = (gsize) n * hw;

      for (guint i = 0; i < n; i++)
        lab_im2col (d + (gsize) i * hw, ncols, pass->dout + (b0 + i) * out_size, &ga);
      for (guint i = 0; i < n; i++)
        lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, g->c, hw,
                     1.f, d + (gsize) i * hw, ncols, pass->in + (b0 + i) * in_size, hw,
                     1.f, gw, g->c);
      if (pass->din != NULL)
        lab_conv_gemm_forward (pass->din + b0 * in_size, !pass->din_write, NULL, wflip, d, n,
                               g->c, rows, hw, tmp);
    }
  for (guint f = 0; f < g->m; f++)
    for (guint ci = 0; ci < g->c; ci++)
      for (guint t = 0; t < kk2; t++)
        dw[((gsize) f * g->c + ci) * kk2 + t] += gw[((gsize) f * kk2 + kk2 - 1 - t) * g->c + ci];
}

/* Scratch of the GEMM path, per image of a chunk: columns, then the CNHW
 * temporary; after the chunk, rot180(W)ᵀ for the adjoint. */
static gsize
cols_per_image (const LabConvGeom *g)
{
  gsize n = lab_conv_geom_rows (g) * g->ho * g->wo;

  if (use_adjoint (g))
    n = MAX (n, (gsize) g->m * g->k * g->k * g->h * g->w);
  return n;
}

static gsize
per_image_floats (const LabConvGeom *g)
{
  gsize tmp = (gsize) g->m * g->ho * g->wo;

  if (use_adjoint (g))
    tmp = MAX (tmp, (gsize) g->c * g->h * g->w);
  return cols_per_image (g) + tmp;
}

static gsize
conv2d_scratch_floats (LabLayer *layer,
                       guint     batch)
{
  LabConv2d *self = (LabConv2d *) layer;
  const LabConvGeom *g = &self->base.geom;
  gsize n;

  if (lab_winograd_fits (g))
    return lab_winograd_scratch_floats (&self->base, batch);
  if (use_kn2row (g))
    return lab_conv_chunk (&self->base, batch, kn2row_per_image (g)) * kn2row_per_image (g)
           + kn2row_fixed (g);
  if (lab_conv_direct_fits (g))
    return lab_conv_direct_scratch_floats (g);
  n = lab_conv_chunk (&self->base, batch, per_image_floats (g)) * per_image_floats (g);
  if (use_adjoint (g))
    n += lab_conv_geom_rows (g) * g->m;
  if (lab_conv_gray_fits (g))
    n = MAX (n, lab_conv_gray_scratch_floats (g));
  return n;
}

static void
conv2d_forward (LabLayer      *layer,
                const LabPass *pass)
{
  LabConv2d *self = (LabConv2d *) layer;
  const LabConvGeom *g = &self->base.geom;
  const gsize kk = lab_conv_geom_rows (g), hw = (gsize) g->ho * g->wo;
  const gsize in_size = lab_shape_size (layer->in), out_size = lab_shape_size (layer->out);
  const float *w = pass->params, *b = pass->params + g->m * kk;
  guint chunk;

  if (lab_winograd_fits (g))
    {
      lab_winograd_forward (&self->base, pass->out, pass->in, w, b, pass->batch, pass->scratch);
      return;
    }
  if (use_kn2row (g))
    {
      kn2row_forward (&self->base, pass, w, b);
      return;
    }
  if (lab_conv_direct_fits (g))
    {
      lab_conv_direct_forward (pass->out, pass->in, w, b, pass->batch, g, pass->scratch);
      return;
    }
  if (lab_conv_gray_fits (g))
    {
      lab_conv_gray_forward (g, pass->out, pass->in, w, b, pass->batch, pass->scratch);
      return;
    }

  chunk = lab_conv_chunk (&self->base, pass->batch, per_image_floats (g));
  for (guint b0 = 0; b0 < pass->batch; b0 += chunk)
    {
      guint n = MIN (chunk, pass->batch - b0);
      float *cols = pass->scratch, *tmp = pass->scratch + cols_per_image (g) * n;

      /* cols (kk, n*hw) */
      for (guint i = 0; i < n; i++)
        lab_im2col (cols + i * hw, n * hw, pass->in + (b0 + i) * in_size, g);
      lab_conv_gemm_forward (pass->out + b0 * out_size, FALSE, b, w, cols,
                             n, g->m, kk, hw, tmp);
    }
}

static void
conv2d_backward (LabLayer      *layer,
                 const LabPass *pass)
{
  LabConv2d *self = (LabConv2d *) layer;
  const LabConvGeom *g = &self->base.geom;
  const gsize kk = lab_conv_geom_rows (g), hw = (gsize) g->ho * g->wo;
  const gsize in_size = lab_shape_size (layer->in), out_size = lab_shape_size (layer->out);
  const float *w = pass->params;
  float *dw = pass->dparams, *db = pass->dparams + g->m * kk;
  float *wflip = NULL;
  LabConvGeom ga = { 0 };
  gboolean adjoint;
  guint chunk;
  /* din_write: the GEMM paths that produce G_X whole write it; the ones
   * that add it up from pieces (col2im, the direct loops) start from zeros */
  const gboolean write = pass->din != NULL && pass->din_write;
  const gboolean writes_whole = lab_winograd_fits (g) || use_kn2row (g)
                                || (!lab_conv_direct_fits (g) && use_adjoint (g));

  if (write && !writes_whole)
    memset (pass->din, 0, pass->batch * in_size * sizeof (float));
  if (lab_winograd_fits (g))
    {
      lab_bias_grad_add (db, pass->dout, pass->batch, g->m, hw);
      lab_winograd_backward (&self->base, pass->din, write, dw, pass->in, w, pass->dout,
                             pass->batch, pass->scratch);
      return;
    }
  if (use_kn2row (g))
    {
      kn2row_backward (&self->base, pass, w, dw, db);
      return;
    }
  if (lab_conv_direct_fits (g))
    {
      lab_conv_direct_backward (pass->din, dw, db, pass->in, w, pass->dout, pass->batch, g, pass->scratch);
      return;
    }

  /* the first layer: no G_X */
  if (lab_conv_gray_fits (g) && pass->din == NULL)
    {
      lab_conv_gray_weight_grad (g, dw, db, pass->in, pass->dout, pass->batch, pass->scratch);
      return;
    }
  lab_bias_grad_add (db, pass->dout, pass->batch, g->m, hw);
  chunk = lab_conv_chunk (&self->base, pass->batch, per_image_floats (g));
  adjoint = pass->din != NULL && use_adjoint (g);
  if (adjoint)
    {
      /* wflip (C, M*k*k): wflip[c][f][a][b] = W[f][c][k-1-a][k-1-b] */
      const guint k = g->k, kk2 = k * k;

      wflip = pass->scratch + chunk * per_image_floats (g);
      ga = adjoint_geom (g);
      for (guint c = 0; c < g->c; c++)
        for (guint f = 0; f < g->m; f++)
          for (guint t = 0; t < kk2; t++)
            wflip[((gsize) c * g->m + f) * kk2 + t] = w[f * kk + (gsize) c * kk2 + kk2 - 1 - t];
    }

  for (guint b0 = 0; b0 < pass->batch; b0 += chunk)
    {
      guint n = MIN (chunk, pass->batch - b0);
      float *cols = pass->scratch, *tmp = pass->scratch + cols_per_image (g) * n;
      const float *dy = pass->dout + b0 * out_size;
      float *dx = pass->din != NULL ? pass->din + b0 * in_size : NULL;

      for (guint i = 0; i < n; i++)
        lab_im2col (cols + i * hw, n * hw, pass->in + (b0 + i) * in_size, g);
      /* G_W += G_Y · colsᵀ, and then either
       * G_cols = Wᵀ · G_Y into the same buffer, G_X += col2im (G_cols), or
       * G_X += rot180(W)ᵀ · im2col (G_Y) */
      lab_conv_gemm_backward (dw, dx != NULL && !adjoint ? cols : NULL, w, dy, cols,
                              n, g->m, kk, hw, tmp);
      if (dx == NULL)
        continue;
      if (adjoint)
        {
          const gsize hwi = (gsize) g->h * g->w;

          for (guint i = 0; i < n; i++)
            lab_im2col (cols + i * hwi, n * hwi, dy + i * out_size, &ga);
          lab_conv_gemm_forward (dx, !write, NULL, wflip, cols, n, g->c,
                                 lab_conv_geom_rows (&ga), hwi, tmp);
        }
      else
        for (guint i = 0; i < n; i++)
          lab_col2im_add (dx + i * in_size, cols + i * hw, n * hw, g);
    }
}

const LabLayerClass lab_conv2d_class = {
  .type = "conv2d",
  .title = "Conv2D",
  .flags = LAB_LAYER_SCRATCH_TEMPORARY | LAB_LAYER_WRITES_DIN,
  .help = N_("Convolution: slides learned kernel×kernel patterns over the image"),
  .size = sizeof (LabConv2d),
  .options = conv2d_options,
  .n_options = G_N_ELEMENTS (conv2d_options),
  .check = conv2d_check,
  .setup = conv2d_setup,
  .init = conv2d_init,
  .scratch_floats = conv2d_scratch_floats,
  .forward = conv2d_forward,
  .backward = conv2d_backward,
  .free = lab_layer_free_plain,
};
