#define G_LOG_DOMAIN "latentlab-core"

/* t-SNE's repulsion by FFT-accelerated interpolation (FIt-SNE: Linderman,
 * Rachh, Hoskins, Steinerberger & Kluger, Nature Methods 2019), in 2-D.
 *
 * The sums over all pairs that the repulsion needs,
 *   R_i = sum_j w_ij^2 (y_i - y_j)   and   z_i = sum_j w_ij,
 * with w = 1 / (1 + d^2), are sums of smooth kernels against a charge of 1
 * per point. The square around the points is cut into nb x nb boxes with
 * P x P equispaced nodes each (all nodes together form one equispaced grid
 * of m = nb P per side); each point's charge goes to the nodes of its box
 * with Lagrange interpolation weights, the kernels are applied node to node
 * as a convolution (the kernel between equispaced nodes is Toeplitz: one
 * 2m x 2m FFT), and the potentials come back to the points through the
 * same weights. Z = sum_i z_i - n.
 *
 * FIt-SNE spreads the charges (1, x, y) against the one kernel w^2 and
 * gets R_i = x_i phi_1 - phi_x: in single precision the two terms cancel
 * (a 2-4% error in R once the map spans 100 units). Here the kernels
 * w^2 dx, w^2 dy and w each take the single charge grid: one forward and
 * three inverse FFTs an iteration, no cancellation. Once the map is wider
 * than MIN_BOXES boxes the boxes are exactly BOX_WIDTH wide, so the
 * kernels' spectra only change with the number of boxes and are kept.
 *
 * Each point touches only the nodes of its own box, and boxes share no
 * nodes, so spreading splits by rows of boxes with no two tasks writing
 * one node: the result does not depend on the number of threads. */

#include "lab-tsne-private.h"

#include <fftw3.h>
#include <math.h>
#include <string.h>

#define P            5       /* interpolation nodes per box and axis */
#define MIN_BOXES    50      /* FIt-SNE's min_num_intervals */
#define BOX_WIDTH    1.0     /* boxes at most this wide: FIt-SNE's intervals_per_integer */
#define N_KERNELS    3       /* w^2 dx, w^2 dy, w */
/* Each 1-D pass of the transforms is cut into this many batches, the
 * same whatever the number of threads (FFTW may treat a batch of a
 * different size differently). */
#define PARTS        4

/* FFTW's planner is not thread safe; executing a plan is. */
static GMutex planner_lock;

struct _LabTsneFft
{
  gsize          n;
  /* per point: its box and its 2 x P interpolation weights */
  guint32       *box;        /* (n) by * nb + bx */
  float         *wx, *wy;    /* (n, P) */
  guint32       *order;      /* (n) points by box row */
  guint32       *row_start;  /* (nb + 1) into order */

  /* the grid, for the current nb */
  guint          nb, m, g;   /* boxes per side, nodes per side, 2m */
  float          kernel_width;  /* the box width the kernels' spectra are for */
  float         *charges;    /* (g, g) real, fftwf_malloc */
  float         *kernels;    /* (N_KERNELS, g, g) */
  fftwf_complex *spec;       /* (g, g/2+1): the charges' */
  fftwf_complex *kspec;      /* (N_KERNELS, g, g/2+1): the kernels' */
  fftwf_complex *prod;       /* (N_KERNELS, g, g/2+1) */
  float         *out;        /* (N_KERNELS, g, g) */
  fftwf_plan     forward;    /* one r2c g x g: the kernels */
  /* the charges' transform and the potentials' way back as 1-D passes
   * that skip what is known to be zero or not needed: the rows of the
   * padding (forward) and the rows past m (back). A third fewer 1-D
   * transforms than two full 2-D ones. */
  fftwf_plan     rows_forward[PARTS];   /* r2c along x, m rows */
  fftwf_plan     cols_forward[PARTS];   /* along y, m + 1 columns, in place */
  fftwf_plan     cols_inverse[PARTS];   /* along y, m + 1 columns, in place */
  fftwf_plan     rows_inverse[PARTS];   /* c2r along x, m rows */
  guint          row_part[PARTS + 1];   /* even boundaries: 16-byte aligned */
  guint          col_part[PARTS + 1];

  /* this evaluation's frame */
  float          lo, width;  /* the square: [lo, lo + nb width)^2 */
  const float   *yx, *yy;
  float         *rep_x, *rep_y;
  double         chunk_z[LAB_TSNE_CHUNKS];
};

/* The smallest 2,3,5,7-smooth number >= n: sizes FFTW is fast at. */
static guint
smooth_at_least (guint n)
{
  for (;; n++)
    {
      guint r = n;

      for (guint f = 2; f <= 7; f++)
        while (r % f == 0)
          r /= f;
      if (r == 1)
        return n;
    }
}

static void
grid_clear (LabTsneFft *f)
{
  g_mutex_lock (&planner_lock);
  g_clear_pointer (&f->forward, fftwf_destroy_plan);
  for (guint q = 0; q < PARTS; q++)
    {
      g_clear_pointer (&f->rows_forward[q], fftwf_destroy_plan);
      g_clear_pointer (&f->cols_forward[q], fftwf_destroy_plan);
      g_clear_pointer (&f->cols_inverse[q], fftwf_destroy_plan);
      g_clear_pointer (&f->rows_inverse[q], fftwf_destroy_plan);
    }
  g_mutex_unlock (&planner_lock);
  g_clear_pointer (&f->charges, fftwf_free);
  g_clear_pointer (&f->kernels, fftwf_free);
  g_clear_pointer (&f->spec, fftwf_free);
  g_clear_pointer (&f->kspec, fftwf_free);
  g_clear_pointer (&f->prod, fftwf_free);
  g_clear_pointer (&f->out, fftwf_free);
  f->nb = 0;
}

static void
grid_ensure (LabTsneFft *f,
             guint       nb)
{
  gsize g, gg, gc;

  if (f->nb == nb)
    return;
  grid_clear (f);
  f->nb = nb;
  f->m = nb * P;
  f->g = g = 2 * f->m;
  gg = (gsize) g * g;
  gc = (gsize) g * (g / 2 + 1);
  f->kernel_width = 0;
  f->charges = fftwf_malloc (sizeof (float) * gg);
  f->kernels = fftwf_malloc (sizeof (float) * N_KERNELS * gg);
  f->spec = fftwf_malloc (sizeof (fftwf_complex) * gc);
  f->kspec = fftwf_malloc (sizeof (fftwf_complex) * N_KERNELS * gc);
  f->prod = fftwf_malloc (sizeof (fftwf_complex) * N_KERNELS * gc);
  f->out = fftwf_malloc (sizeof (float) * N_KERNELS * gg);
  /* the padding stays zero: only the m x m corner is written */
  memset (f->charges, 0, sizeof (float) * gg);
  g_mutex_lock (&planner_lock);
  {
    int len = (int) g, mc = (int) (g / 2 + 1);

    f->forward = fftwf_plan_dft_r2c_2d (len, len, f->kernels, f->kspec, FFTW_ESTIMATE);
    for (guint q = 0; q <= PARTS; q++)
      {
        f->row_part[q] = (f->m * q / PARTS) & ~1u;
        f->col_part[q] = ((mc * q / PARTS) & ~1u);
      }
    f->row_part[PARTS] = f->m;
    f->col_part[PARTS] = mc;
    for (guint q = 0; q < PARTS; q++)
      {
        int r0 = f->row_part[q], rows = f->row_part[q + 1] - r0;
        int c0 = f->col_part[q], cols = f->col_part[q + 1] - c0;

        f->rows_forward[q] = fftwf_plan_many_dft_r2c (1, &len, rows, f->charges + (gsize) r0 * g,
                                                      NULL, 1, len, f->spec + (gsize) r0 * mc,
                                                      NULL, 1, mc, FFTW_ESTIMATE);
        f->cols_forward[q] = fftwf_plan_many_dft (1, &len, cols, f->spec + c0, NULL, mc, 1,
                                                  f->spec + c0, NULL, mc, 1, FFTW_FORWARD,
                                                  FFTW_ESTIMATE);
        f->cols_inverse[q] = fftwf_plan_many_dft (1, &len, cols, f->prod + c0, NULL, mc, 1,
                                                  f->prod + c0, NULL, mc, 1, FFTW_BACKWARD,
                                                  FFTW_ESTIMATE);
        f->rows_inverse[q] = fftwf_plan_many_dft_c2r (1, &len, rows, f->prod + (gsize) r0 * mc,
                                                      NULL, 1, mc, f->out + (gsize) r0 * g,
                                                      NULL, 1, len, FFTW_ESTIMATE);
      }
  }
  g_mutex_unlock (&planner_lock);
  f->row_start = g_renew (guint32, f->row_start, nb + 1);
}

/* Lagrange weights of the P nodes at (q + 1/2) / P of a unit box, at u:
 * w_q = prod_{r != q} (u - t_r) / (t_q - t_r), the denominators once. */
static float lagrange_scale[P];

static void
lagrange_init (void)
{
  for (guint q = 0; q < P; q++)
    {
      double v = 1;

      for (guint r = 0; r < P; r++)
        if (r != q)
          v *= (q + 0.5) / P - (r + 0.5) / P;
      lagrange_scale[q] = (float) (1 / v);
    }
}

static inline void
lagrange (float  u,
          float *w)
{
  float d[P];

  for (guint r = 0; r < P; r++)
    d[r] = u - (r + 0.5f) / P;
  for (guint q = 0; q < P; q++)
    {
      float v = lagrange_scale[q];

      for (guint r = 0; r < P; r++)
        if (r != q)
          v *= d[r];
      w[q] = v;
    }
}

LabTsneFft *
lab_tsne_fft_new (gsize n)
{
  static gsize once;
  LabTsneFft *f = g_new0 (LabTsneFft, 1);

  if (g_once_init_enter (&once))
    {
      lagrange_init ();
      g_once_init_leave (&once, 1);
    }

  f->n = n;
  f->box = g_new (guint32, n);
  f->wx = g_new (float, n * P);
  f->wy = g_new (float, n * P);
  f->order = g_new (guint32, n);
  return f;
}

void
lab_tsne_fft_free (LabTsneFft *f)
{
  if (f == NULL)
    return;
  grid_clear (f);
  g_free (f->box);
  g_free (f->wx);
  g_free (f->wy);
  g_free (f->order);
  g_free (f->row_start);
  g_free (f);
}

/* Points' boxes and weights, in chunks of points. */
static void
locate_task (guint    c,
             gpointer data)
{
  LabTsneFft *f = data;
  gsize n = f->n, i0 = n * c / LAB_TSNE_CHUNKS, i1 = n * (c + 1) / LAB_TSNE_CHUNKS;
  float inv = 1.0f / f->width;

  for (gsize i = i0; i < i1; i++)
    {
      float ux = (f->yx[i] - f->lo) * inv, uy = (f->yy[i] - f->lo) * inv;
      guint bx = (guint) MIN ((gint) ux, (gint) f->nb - 1);
      guint by = (guint) MIN ((gint) uy, (gint) f->nb - 1);

      f->box[i] = by * f->nb + bx;
      lagrange (ux - bx, f->wx + i * P);
      lagrange (uy - by, f->wy + i * P);
    }
}

/* Charges of the points in box rows [nb c / CHUNKS, nb (c+1) / CHUNKS). */
static void
spread_task (guint    c,
             gpointer data)
{
  LabTsneFft *f = data;
  gsize g = f->g;
  guint r0 = f->nb * c / LAB_TSNE_CHUNKS, r1 = f->nb * (c + 1) / LAB_TSNE_CHUNKS;

  /* this task's node rows first: they are its own */
  for (guint row = r0 * P; row < r1 * P; row++)
    memset (f->charges + (gsize) row * g, 0, f->m * sizeof (float));
  for (guint32 s = f->row_start[r0]; s < f->row_start[r1]; s++)
    {
      guint32 i = f->order[s], bx = f->box[i] % f->nb, by = f->box[i] / f->nb;
      const float *wx = f->wx + (gsize) i * P, *wy = f->wy + (gsize) i * P;

      for (guint a = 0; a < P; a++)
        {
          float *row = f->charges + (gsize) (by * P + a) * g + bx * P;

          for (guint b = 0; b < P; b++)
            row[b] += wy[a] * wx[b];
        }
    }
}

/* The kernels on the circulant 2m x 2m grid of node offsets (target
 * minus source), rows [g c / CHUNKS, g (c+1) / CHUNKS). */
static void
kernel_task (guint    c,
             gpointer data)
{
  LabTsneFft *f = data;
  gsize g = f->g, m = f->m, gg = g * g;
  float h = f->width / P;

  for (gsize a = g * c / LAB_TSNE_CHUNKS; a < g * (c + 1) / LAB_TSNE_CHUNKS; a++)
    {
      float dy = (a < m ? (float) a : (float) a - (float) g) * h;

      for (gsize b = 0; b < g; b++)
        {
          float dx = (b < m ? (float) b : (float) b - (float) g) * h;
          float w = 1.0f / (1.0f + dx * dx + dy * dy);

          if (a == m || b == m)
            w = 0;   /* an offset no two nodes have */
          f->kernels[a * g + b] = w * w * dx;
          f->kernels[gg + a * g + b] = w * w * dy;
          f->kernels[2 * gg + a * g + b] = w;
        }
    }
}

/* The kernels' spectra, one a task. */
static void
kernel_spectrum_task (guint    t,
                      gpointer data)
{
  LabTsneFft *f = data;
  gsize gg = (gsize) f->g * f->g, gc = (gsize) f->g * (f->g / 2 + 1);

  fftwf_execute_dft_r2c (f->forward, f->kernels + t * gg, f->kspec + t * gc);
}

/* The forward passes over the charges: part q of the rows, then of the
 * columns. */
static void
rows_forward_task (guint    q,
                   gpointer data)
{
  LabTsneFft *f = data;

  fftwf_execute (f->rows_forward[q]);
}

static void
cols_forward_task (guint    q,
                   gpointer data)
{
  LabTsneFft *f = data;

  fftwf_execute (f->cols_forward[q]);
}

/* Task t * PARTS + q: rows of part q of the charges' spectrum times
 * kernel t's, then that part's columns back. */
static void
cols_inverse_task (guint    task,
                   gpointer data)
{
  LabTsneFft *f = data;
  guint t = task / PARTS, q = task % PARTS;
  gsize mc = f->g / 2 + 1, gc = (gsize) f->g * mc;
  const fftwf_complex *a = f->spec, *k = f->kspec + t * gc;
  fftwf_complex *p = f->prod + t * gc;

  for (gsize row = 0; row < f->g; row++)
    for (gsize e = row * mc + f->col_part[q]; e < row * mc + f->col_part[q + 1]; e++)
      {
        float re = a[e][0] * k[e][0] - a[e][1] * k[e][1];
        float im = a[e][0] * k[e][1] + a[e][1] * k[e][0];

        p[e][0] = re;
        p[e][1] = im;
      }
  fftwf_execute_dft (f->cols_inverse[q], p + f->col_part[q], p + f->col_part[q]);
}

static void
rows_inverse_task (guint    task,
                   gpointer data)
{
  LabTsneFft *f = data;
  guint t = task / PARTS, q = task % PARTS;
  gsize mc = f->g / 2 + 1, gc = (gsize) f->g * mc, gg = (gsize) f->g * f->g;

  fftwf_execute_dft_c2r (f->rows_inverse[q], f->prod + t * gc + (gsize) f->row_part[q] * mc,
                         f->out + t * gg + (gsize) f->row_part[q] * f->g);
}

/* Potentials back at the points: their repulsion and z; chunks of points. */
static void
gather_task (guint    c,
             gpointer data)
{
  LabTsneFft *f = data;
  gsize n = f->n, g = f->g, gg = g * g, i0 = n * c / LAB_TSNE_CHUNKS, i1 = n * (c + 1) / LAB_TSNE_CHUNKS;
  float scale = 1.0f / (float) gg;   /* FFTW's transforms are unnormalised */
  double z = 0;

  /* in box-row order, so the grid is read row after row */
  for (gsize o = i0; o < i1; o++)
    {
      guint32 i = f->order[o], bx = f->box[i] % f->nb, by = f->box[i] / f->nb;
      const float *wx = f->wx + (gsize) i * P, *wy = f->wy + (gsize) i * P;
      float s[N_KERNELS] = { 0 };

      for (guint a = 0; a < P; a++)
        {
          const float *row = f->out + (gsize) (by * P + a) * g + bx * P;

          for (guint b = 0; b < P; b++)
            {
              float w = wy[a] * wx[b];

              for (guint q = 0; q < N_KERNELS; q++)
                s[q] += w * row[q * gg + b];
            }
        }
      f->rep_x[i] = s[0] * scale;
      f->rep_y[i] = s[1] * scale;
      z += s[2] * scale;
    }
  f->chunk_z[c] = z;
}

double
lab_tsne_fft_repulsion (LabTsneFft   *f,
                        LabTeam      *team,
                        const float  *yx,
                        const float  *yy,
                        float        *rep_x,
                        float        *rep_y)
{
  gsize n = f->n;
  float lo = INFINITY, hi = -INFINITY;
  double range, width, z = 0;
  guint nb;

  for (gsize i = 0; i < n; i++)
    {
      lo = MIN (lo, MIN (yx[i], yy[i]));
      hi = MAX (hi, MAX (yx[i], yy[i]));
    }
  range = MAX (hi - lo, 1e-6);
  /* boxes BOX_WIDTH wide, or MIN_BOXES of them across a smaller map */
  range *= 1 + 1e-5;
  if (range <= MIN_BOXES * BOX_WIDTH)
    {
      nb = MIN_BOXES;
      width = range / nb;
    }
  else
    {
      nb = smooth_at_least ((guint) ceil (range / BOX_WIDTH));
      width = BOX_WIDTH;
    }
  grid_ensure (f, nb);
  f->yx = yx;
  f->yy = yy;
  f->rep_x = rep_x;
  f->rep_y = rep_y;
  f->width = (float) width;
  /* the square, centred on the points */
  f->lo = (float) (0.5 * (lo + hi) - 0.5 * nb * f->width);

  lab_team_run_tasks (team, LAB_TSNE_CHUNKS, locate_task, f);
  /* points by box row (counting sort, stable: index order within a row) */
  memset (f->row_start, 0, (nb + 1) * sizeof (guint32));
  for (gsize i = 0; i < n; i++)
    f->row_start[f->box[i] / nb + 1]++;
  for (guint r = 0; r < nb; r++)
    f->row_start[r + 1] += f->row_start[r];
  {
    g_autofree guint32 *fill = g_memdup2 (f->row_start, nb * sizeof (guint32));

    for (gsize i = 0; i < n; i++)
      f->order[fill[f->box[i] / nb]++] = (guint32) i;
  }
  lab_team_run_tasks (team, LAB_TSNE_CHUNKS, spread_task, f);
  if (f->kernel_width != f->width)
    {
      lab_team_run_tasks (team, LAB_TSNE_CHUNKS, kernel_task, f);
      lab_team_run_tasks (team, N_KERNELS, kernel_spectrum_task, f);
      f->kernel_width = f->width;
    }
  /* rows m.. of the spectrum: the padding's, zero */
  memset (f->spec + (gsize) f->m * (f->g / 2 + 1), 0,
          sizeof (fftwf_complex) * (f->g - f->m) * (f->g / 2 + 1));
  lab_team_run_tasks (team, PARTS, rows_forward_task, f);
  lab_team_run_tasks (team, PARTS, cols_forward_task, f);
  lab_team_run_tasks (team, N_KERNELS * PARTS, cols_inverse_task, f);
  lab_team_run_tasks (team, N_KERNELS * PARTS, rows_inverse_task, f);
  lab_team_run_tasks (team, LAB_TSNE_CHUNKS, gather_task, f);
  for (guint c = 0; c < LAB_TSNE_CHUNKS; c++)
    z += f->chunk_z[c];
  /* each point's own w_ii = 1 is in its sum */
  return z - n;
}
