#pragma once

/* The convolution engine shared by conv2d and conv_transpose2d: im2col,
 * col2im and the GEMMs between weights and a chunk of images.
 *
 * Geometry is always that of a forward convolution from a "wide" side
 * (c, h, w) to a "narrow" side (m, ho, wo) with a square kernel k, stride s
 * and symmetric zero padding p. Conv2d runs it forwards; ConvTranspose2d
 * is the same convolution run backwards (its output is the wide side). */

#include "lab-layer.h"

G_BEGIN_DECLS

typedef struct
{
  guint c, h, w;        /* wide side */
  guint m, ho, wo;      /* narrow side */
  guint k, s, p;
} LabConvGeom;

/* Rows of the column matrix: c * k * k. */
static inline gsize
lab_conv_geom_rows (const LabConvGeom *g)
{
  return (gsize) g->c * g->k * g->k;
}

/* The head shared by both convolution layers (each embeds it first). */
typedef struct
{
  LabLayer    parent;
  LabConvGeom geom;
  guint       max_chunk;   /* 0: from the column budget */
} LabConvBase;

/* The options conv2d and conv_transpose2d share, for their option tables
 * (lab-layer.h): type is the layer's private struct. */
#define LAB_CONV_FILTERS(type) \
  { .key = "filters", .kind = LAB_OPTION_UINT, .min = 1, .max = 65536, .required = TRUE, \
    .offset = G_STRUCT_OFFSET (type, filters), .fresh = 16, .step = 1, .label = N_("filters"), \
    .help = N_("Output channels: how many patterns the layer learns") }
#define LAB_CONV_KERNEL(type) \
  { .key = "kernel", .kind = LAB_OPTION_UINT, .min = 1, .max = 64, .def = 3, .fresh = 3, .step = 1, \
    .offset = G_STRUCT_OFFSET (type, kernel), .label = N_("kernel"), \
    .help = N_("Kernel size: each output sees kernel×kernel input pixels") }

#define LAB_CONV_STRIDE(type, fresh_) \
  { .key = "stride", .kind = LAB_OPTION_UINT, .min = 1, .max = 64, .def = 1, .fresh = fresh_, \
    .step = 1, .offset = G_STRUCT_OFFSET (type, stride), .label = N_("stride"), \
    .help = N_("Step between kernel positions: 2 halves the image (doubles it, transposed)") }

/* Images per GEMM for a batch of `batch` when each image needs
 * `per_image` floats of scratch. Non-decreasing in `batch`, so scratch
 * sized for the largest batch fits every smaller one. */
guint lab_conv_chunk (const LabConvBase *conv,
                      guint              batch,
                      gsize              per_image);

/* cols (K = c*k*k, ldc): column p of image-local block is the receptive
 * field of narrow-side pixel p, zeros where it hangs over the padding.
 * cols[(ci*k + ky)*k + kx][oy*wo + ox] = x[ci][oy*s - p + ky][ox*s - p + kx] */
void lab_im2col     (float             *cols,
                     gsize              ldc,
                     const float       *x,
                     const LabConvGeom *g);
/* The adjoint: x[ci][iy][ix] += every column entry that im2col read from it.
 * cols is scratch: the entries that im2col took from the padding may be
 * zeroed on the way. */
void lab_col2im_add (float             *x,
                     float             *cols,
                     gsize              ldc,
                     const LabConvGeom *g);

/* y (n, m, hw) = a (m, kk) · cols (kk, n*hw) [+ bias (m)], or += when
 * `accumulate`. tmp: m*n*hw floats. */
void lab_conv_gemm_forward  (float       *y,
                             gboolean     accumulate,
                             const float *bias,
                             const float *a,
                             const float *cols,
                             guint        n,
                             guint        m,
                             gsize        kk,
                             gsize        hw,
                             float       *tmp);
/* G_a += Σ_i G_y[i] (m, hw) · cols_i (kk, hw)ᵀ when da;
 * G_cols (kk, n*hw) = aᵀ · G_y when dcols (dcols may be cols itself: it is
 * written after da is done with cols). dy (n, m, hw). tmp: m*n*hw floats. */
void lab_conv_gemm_backward (float       *da,
                             float       *dcols,
                             const float *a,
                             const float *dy,
                             const float *cols,
                             guint        n,
                             guint        m,
                             gsize        kk,
                             gsize        hw,
                             float       *tmp);
/* G_bias (m) += Σ over images and pixels of dy (n, m, hw). */
void lab_bias_grad_add      (float       *dbias,
                             const float *dy,
                             guint        n,
                             guint        m,
                             gsize        hw);

G_END_DECLS
