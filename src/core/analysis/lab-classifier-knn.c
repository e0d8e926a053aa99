#define G_LOG_DOMAIN "latentlab-core"

/* Exact k nearest neighbours. Fitting keeps the training rows and their
 * squared norms; predicting takes blocks of query rows, gets their dot
 * products with every training row as one GEMM (block, n), turns them into
 * distances (euclidean |q|² + |t|² - 2 q·t, cosine 1 - q·t / (|q| |t|)),
 * keeps the k smallest per row by insertion, and votes: the most common
 * label, ties to the smaller label (scikit-learn's uniform weights). */

#include "lab-classifier-private.h"

#include <math.h>
#include <string.h>

#include "lab-blas.h"

typedef struct
{
  guint        n, d, k;
  LabDistance  distance;
  float       *x;         /* (n, d) */
  float       *norms;     /* (n) squared, or 1/|t| for cosine */
  guint8      *y;         /* (n) */
} Knn;

static void
knn_free (gpointer data)
{
  Knn *knn = data;

  g_free (knn->x);
  g_free (knn->norms);
  g_free (knn->y);
  g_free (knn);
}

typedef struct
{
  Knn           *knn;
  const float   *q;
  guint8        *labels;
  guint          n_classes;
  float        **dots;      /* per lane (BLOCK, n) */
  float        **qnorms;    /* per lane (BLOCK) */
} KnnJob;

static void
knn_block (gpointer data,
           guint    lane,
           guint    row0,
           guint    rows)
{
  KnnJob *job = data;
  const Knn *knn = job->knn;
  const float *q = job->q + (gsize) row0 * knn->d;
  float *dots = job->dots[lane], *qn = job->qnorms[lane];
  float best_d[LAB_KNN_MAX_K];
  guint best_i[LAB_KNN_MAX_K];

  lab_classifier_row_norms (q, rows, knn->d, qn);
  /* dots (rows, n) = q · x^T */
  lab_blas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, knn->n, knn->d,
                  1.0f, q, knn->d, knn->x, knn->d, 0.0f, dots, knn->n);
  for (guint r = 0; r < rows; r++)
    {
      const float *dr = dots + (gsize) r * knn->n;
      float inv_q = qn[r] > 0 ? 1.0f / sqrtf (qn[r]) : 0.0f;
      guint votes[256] = { 0 };
      guint have = 0, winner = 0;

      for (guint t = 0; t < knn->n; t++)
        {
          float dist = knn->distance == LAB_DISTANCE_COSINE
                       ? 1.0f - dr[t] * inv_q * knn->norms[t]
                       : qn[r] + knn->norms[t] - 2 * dr[t];
          guint h;

          if (have == knn->k && dist >= best_d[have - 1])
            continue;
          h = have < knn->k ? have++ : have - 1;
          /* insertion: equal distances keep the earlier training row first */
          while (h > 0 && best_d[h - 1] > dist)
            {
              best_d[h] = best_d[h - 1];
              best_i[h] = best_i[h - 1];
              h--;
            }
          best_d[h] = dist;
          best_i[h] = t;
        }
      for (guint h = 0; h < have; h++)
        votes[knn->y[best_i[h]]]++;
      for (guint c = 1; c < job->n_classes; c++)
        if (votes[c] > votes[winner])
          winner = c;
      job->labels[row0 + r] = (guint8) winner;
    }
}

static gboolean
knn_predict (LabClassifier   *self,
             const float     *x,
             guint            m,
             guint8          *labels,
             LabProgressFunc  progress,
             gpointer         user_data,
             GCancellable    *cancellable,
             GError         **error)
{
  Knn *knn = self->impl;
  KnnJob job = { knn, x, labels, self->n_classes };
  gboolean ok;

  job.dots = lab_classifier_lane_buffers (self, (gsize) LAB_CLASSIFIER_BLOCK * knn->n);
  job.qnorms = lab_classifier_lane_buffers (self, LAB_CLASSIFIER_BLOCK);
  ok = lab_classifier_run_blocks (self, m, knn_block, &job, progress, user_data, cancellable, error);
  lab_classifier_free_lanes (job.dots);
  lab_classifier_free_lanes (job.qnorms);
  return ok;
}

gboolean
lab_classifier_fit_knn (LabClassifier   *self,
                        const float     *x,
                        const guint8    *y,
                        guint            n,
                        LabProgressFunc  progress,
                        gpointer         user_data,
                        GCancellable    *cancellable,
                        GError         **error)
{
  Knn *knn = g_new0 (Knn, 1);

  knn->n = n;
  knn->d = self->dim;
  knn->k = self->config.k;
  knn->distance = self->config.distance;
  knn->x = g_memdup2 (x, (gsize) n * knn->d * sizeof (float));
  knn->y = g_memdup2 (y, n);
  knn->norms = g_new (float, n);
  lab_classifier_row_norms (knn->x, n, knn->d, knn->norms);
  if (knn->distance == LAB_DISTANCE_COSINE)
    for (guint i = 0; i < n; i++)
      knn->norms[i] = knn->norms[i] > 0 ? 1.0f / sqrtf (knn->norms[i]) : 0.0f;
  self->impl = knn;
  self->free_impl = knn_free;
  self->predict = knn_predict;
  if (progress != NULL)
    progress (1, NULL, user_data);
  return TRUE;
}
