#pragma once

#include <gio/gio.h>

#include "lab-dataset.h"
#include "lab-error.h"
#include "lab-gallery.h"

G_BEGIN_DECLS

/* The augmentation experiment (seed 002, tasks 4 and 5): does an
 * autoencoder trained on few images of some digits generate new ones that a
 * classifier trained on real digits still recognises, and how diverse are
 * they?
 *
 * A classifier (cnn-baseline) is trained on all real training images. Then
 * for each training size N, one autoencoder is trained on N images of the
 * chosen digits (drawn evenly across them; 0 = all of them). Samples come
 * from the latents of its training images: z' = z + s * sd * e, with e
 * standard Gaussian and sd the per-dimension standard deviation of those
 * latents, for the user's scale s and for each "extreme" scale. Each
 * decoded sample keeps the digit of the image it came from; it counts as
 * recognised when the classifier says that digit. Diversity is the mean
 * pairwise Euclidean distance of the samples in pixels ([0, 1]) and in the
 * latent space, and the mean distance to the nearest of the autoencoder's
 * training images (the gallery's memorisation check). */

#define LAB_AUGMENT_MAX_DIGITS 10
#define LAB_AUGMENT_MAX_SIZES  8
#define LAB_AUGMENT_MAX_SCALES 8

typedef struct
{
  const char *autoencoder;         /* "cae-keras16" (seed 002's) */
  guint       digits[LAB_AUGMENT_MAX_DIGITS];   /* class indices: { 2, 3, 8 } */
  guint       n_digits;
  guint       sizes[LAB_AUGMENT_MAX_SIZES];     /* images per autoencoder; 0 = all:
                                                 * { 10, 100, 1000, 0 } */
  guint       n_sizes;
  guint       steps;               /* Adam steps per autoencoder: 1,500 */
  guint       batch;               /* 32 (at most N) */
  double      lr;                  /* 1e-3 */
  double      scales[LAB_AUGMENT_MAX_SCALES];   /* the user's first, then the extreme
                                                 * ones: { 0.5, 2, 4 } */
  guint       n_scales;
  guint       n_user_scales;       /* scales[0..n_user_scales) are the user's: 1 */
  guint       samples;             /* per size and scale: 60 */
  guint       classifier_epochs;   /* 3 */
  guint       classifier_images;   /* real images for the classifier; 0: all */
  guint64     seed;                /* 1 */
  guint       threads;             /* 0: the trainer's choice */
} LabAugmentConfig;

void      lab_augment_config_init   (LabAugmentConfig *config);
/* Seconds on the synthetic digits: sizes 10 and 100, 300 steps, 24
 * samples per scale, the classifier 2 epochs. */
void      lab_augment_config_quick  (LabAugmentConfig *config);
/* "2,3,8" into config->digits (each below n_classes, distinct). */
gboolean  lab_augment_parse_digits  (LabAugmentConfig *config,
                                     const char       *text,
                                     guint             n_classes,
                                     GError          **error);
/* "10,100,1000,all" into config->sizes (all = 0). */
gboolean  lab_augment_parse_sizes   (LabAugmentConfig *config,
                                     const char       *text,
                                     GError          **error);
/* "0.5" (the user's) and "2,4" (extreme) into config->scales. */
gboolean  lab_augment_parse_scales  (LabAugmentConfig *config,
                                     const char       *user,
                                     const char       *extreme,
                                     GError          **error);

/* One generated sample the classifier did not recognise. */
typedef struct
{
  guint  scale_index;
  guint  sample;             /* item index in the size's gallery of that scale */
  guint  digit;              /* the digit it came from */
  guint  predicted;
  double confidence;         /* the classifier's probability of `predicted` */
} LabAugmentMiss;

typedef struct
{
  double  scale;
  gboolean extreme;
  guint   n_samples;
  guint   recognised;
  double  recognition_rate;
  double  pixel_diversity;   /* mean pairwise distance, pixels in [0, 1] */
  double  latent_diversity;  /* mean pairwise distance of the latents */
  double  nearest_distance;  /* mean distance to the nearest training image */
  LabGallery *samples;       /* the samples, labelled with their digit, with their
                              * nearest training image (owned) */
} LabAugmentScale;

typedef struct
{
  guint            requested;      /* the asked size, 0 = all */
  guint            n_images;       /* what the autoencoder trained on */
  double           train_loss;     /* its last epoch's mean loss */
  double           real_pixel_diversity;  /* of its training images (at most 500) */
  LabAugmentScale *scales;         /* (n_scales) */
  GArray          *misses;         /* (element-type LabAugmentMiss) */
  LabDataset      *train;          /* its training images (owned) */
  guint           *indices;        /* (n_images) where they are in the training set */
} LabAugmentSize;

typedef struct
{
  LabAugmentConfig config;
  guint            n_sizes;
  guint            n_scales;
  LabAugmentSize  *sizes;          /* (n_sizes) */
  double           classifier_accuracy;   /* on the real test images */
  guint            classifier_test_images;
  guint            classifier_images;     /* the first ones of the training set */
  double           seconds;
} LabAugmentResult;

void      lab_augment_result_free   (LabAugmentResult *result);

/* Runs the experiment on train (labelled) with the classifier tested on
 * test. Errors: no labels, a digit that is not a class, a size larger than
 * the chosen digits' images, images the models do not fit. */
LabAugmentResult *lab_augment_run   (LabDataset             *train,
                                     LabDataset             *test,
                                     const LabAugmentConfig *config,
                                     LabProgressFunc         progress,
                                     gpointer                user_data,
                                     GCancellable           *cancellable,
                                     GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabAugmentResult, lab_augment_result_free)

G_END_DECLS
